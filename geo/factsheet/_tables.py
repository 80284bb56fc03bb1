"""The fact sheet's tables: areas (m², ha and pyeong on GRS80, planar EPSG:5186 beside, the official figures) and
the published claims with their verdicts and sources, failing ones first. Every string from data is escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import geopandas as gpd
import pandas as pd

from .. import _format, explain, headline, i18n, units
from .._html import escape, link, site_name
from ..area import area_table, union_area_m2
from ..audit import AuditResult
from ..belt import union
from ..fez import pillar_label
from ..maps._text import NBSP
from ..schema import GeometryQuality, Verdict
from ..settings import PLANAR_CRS


def zone_name(row: Mapping[str, object], language: str) -> str:
    """A zone's (or point's) name in ``language``, else its Korean name, else its id."""
    name = i18n.localised_column(row, "name", language, fallback="name_ko")
    return name or str(row.get("feature_id") or row.get("point_id") or row.get("zone_id"))


def whole_name(rows: pd.DataFrame, language: str) -> str:
    """The name of a zone of several parts: "Bitgoeul … (Gwangju part)" without its part."""
    name = zone_name(rows.iloc[0], language)
    return name.split(" (")[0].split("（")[0] if len(rows) > 1 else name


#: The most characters of a name in a sheet's title or on its map; the tables give it whole.
SHORT_NAME_CHARS: Final = 60


def short_name(name: str, limit: int = SHORT_NAME_CHARS) -> str:
    """``name`` cut to ``limit`` characters with an ellipsis, for titles and map labels (one or two lines)."""
    name = " ".join(str(name).split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _num(value: object, decimals: int) -> str:
    return f'<td class="num">{escape(_format.number(value, decimals))}</td>'


def _area_cells(m2: object, planar_m2: object) -> list[str]:
    m2 = None if m2 is None or pd.isna(m2) else float(m2)
    return [
        _num(m2, 0),
        _num(None if m2 is None else units.from_m2(m2, "ha"), 2),
        _num(None if m2 is None else units.m2_to_pyeong(m2), 0),
        _num(planar_m2, 0),
    ]


def _quality(row: Mapping[str, object], language: str) -> str:
    """The outline's quality in ``language``: schematic, supplied (official or the user's), else as it is."""
    quality = row.get("geometry_quality", "")
    known = {GeometryQuality.SCHEMATIC: "schematic_short", GeometryQuality.SUPPLIED: "outline_supplied"}
    return i18n.text(known[quality], language) if quality in known else str(quality or "")


def _area_headers(language: str, *extra: str) -> list[str]:
    return [
        i18n.text("report_col_name", language),
        *extra,
        i18n.text("report_col_quality", language),
        f"{i18n.text('report_col_m2', language)} (GRS80)",
        i18n.text("report_col_ha", language),
        i18n.text("report_col_pyeong", language),
        i18n.text("report_col_m2_planar", language),
    ]


def _union_planar_m2(frame: gpd.GeoDataFrame) -> float:
    return float(union(frame.to_crs(PLANAR_CRS).geometry.values).area)


def zones_table(on_sheet: gpd.GeoDataFrame, audit: AuditResult, *, belt: bool, language: str, others: int = 0) -> str:
    """The zones of a sheet, one row each, as the audit measured them, and their total.

    The total is the belt (its in-belt union, as the audit measures it) on the belt sheet, or the union of a
    zone's parts on the sheet of a zone of several parts. ``others``: how many features of the layer the
    sheet leaves out (a national layer's other complexes), said in one row.
    """
    measured = audit.zones.set_index("feature_id")
    rows = []
    for _, zone in on_sheet.iterrows():
        area = measured.loc[zone["feature_id"]]
        cells = [
            f"<td>{escape(zone_name(zone, language))}</td><td>{escape(_quality(zone, language))}</td>",
            *_area_cells(area["area_m2"], area["area_m2_epsg5186"]),
            _num(zone.get("official_area_m2"), 0),
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    if belt and audit.belt["members"]:
        members = on_sheet[on_sheet["in_belt"].astype(bool)]
        rows.append(
            _total_row(i18n.text("belt_union_name", language), audit.belt["area_m2"], members,
                       [audit.belt["official_sum_m2"]])
        )  # fmt: skip
    elif not belt and len(on_sheet) > 1:
        officials = on_sheet["official_area_m2"]
        official = float(officials.sum()) if officials.notna().all() else None
        rows.append(_total_row(whole_name(on_sheet, language), union_area_m2(on_sheet), on_sheet, [official]))
    if others:
        note = i18n.text("factsheet_other_complexes", language, count=_format.number(others))
        rows.append(f'<tr class="others"><td colspan="7">{escape(note)}</td></tr>')
    head = [*_area_headers(language), i18n.text("report_col_official_m2", language)]
    return _table("areas", _areas_title(language), head, rows)


def district_table(districts: gpd.GeoDataFrame, summary: Mapping[str, object], *, language: str) -> str:
    """The FEZ districts: pillar, measured areas, the area at designation and the later figure; their total."""
    measured = area_table(districts)
    rows = []
    for (_, row), m2, planar_m2 in zip(
        districts.iterrows(), measured["area_m2"], measured["area_m2_epsg5186"], strict=True
    ):
        cells = [
            f"<td>{escape(zone_name(row, language))}</td>",
            f"<td>{escape(pillar_label(row.get('pillar'), language))}</td>",
            f"<td>{escape(_quality(row, language))}</td>",
            *_area_cells(m2, planar_m2),
            _num(row.get("official_area_m2"), 0),
            _num(row.get("later_area_m2"), 0),
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    name = i18n.text("fez_measured", language)
    officials = [summary["official_sum_m2"], summary["later_sum_m2"]]
    rows.append(_total_row(name, summary["area_m2"], districts, officials, blanks=2))
    head = [
        *_area_headers(language, i18n.text("legend_pillars", language)),
        i18n.text("fez_area_designation", language),
        i18n.text("fez_area_later", language),
    ]
    return _table("areas", _areas_title(language), head, rows)


def _areas_title(language: str) -> str:
    return f"{i18n.text('factsheet_areas', language)} — {i18n.text('area_heading', language)}"


def _total_row(name: str, m2: float, members: gpd.GeoDataFrame, officials: Sequence[object], *, blanks: int = 1) -> str:
    """A total: its name, ``blanks`` empty cells, the measured areas of ``members``' union and ``officials``."""
    cells = [f"<td>{escape(name)}</td>", "<td></td>" * blanks, *_area_cells(m2, _union_planar_m2(members))]
    cells += [_num(value, 0) for value in officials]
    return f'<tr class="total">{"".join(cells)}</tr>'


def _present(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def claims_table(
    claims: pd.DataFrame, *, tolerance: float, empty: str, language: str, subjects: Mapping[str, str]
) -> str:
    """The claims, failing ones first, each explained as the maps explain it (:mod:`geo.explain`): what it is
    about (``subjects`` names each subject), who published it and when, the figure as published with its
    areas, and the finding in words; the message ``empty`` when there are none."""
    shown = f"±{tolerance * 100:g} %"
    first = i18n.text("factsheet_failing_first", language)
    heading = f"{i18n.text('audit', language)} ({shown}; {first})"
    if claims.empty:
        return f"<h2>{escape(heading)}</h2><p>{escape(i18n.text(empty, language))}</p>"
    order = claims["verdict"].map({Verdict.OFF: 0, Verdict.UNCHECKED: 1, Verdict.NOT_FOUND: 1, Verdict.ROUNDING: 2})
    ordered = claims.iloc[order.fillna(3).to_numpy().argsort(kind="stable")]
    # The sheet's count, in the words and colours every other output uses (geo.headline).
    counted = headline.tally(claims, "belt")
    stated = headline.sentence(counted, tolerance=shown, language=language, named=False)
    lead = f'<p class="headline {headline.css_class(counted)}">{escape(stated)}</p>'
    headers = [
        i18n.text(key, language) for key in ("sheet_col_subject", "source", "sheet_col_published", "sheet_col_finding")
    ]
    pyeong, m2 = i18n.text("unit_pyeong", language), i18n.text("unit_m2", language)
    rows = []
    for claim in ordered.to_dict("records"):
        publisher = claim.get(f"publisher_{language}")
        if not _present(publisher):
            publisher = claim.get("publisher", "")
        source = escape(" ".join(str(v) for v in (publisher, claim.get("date")) if _present(v)))
        url = claim.get("url")
        if _present(url):
            source += f'<br><span class="site">{link(url, site_name(str(url)))}</span>'
        if claim.get("uncertain") is True:
            source += f' <span class="tag">{escape(i18n.text("uncertain_claim", language))}</span>'
        verdict = claim.get("verdict")
        css = "ok" if verdict in (Verdict.HOLDS, Verdict.ROUNDING) else "off"
        areas = (
            f"{escape(_format.number(claim.get('claimed_pyeong')))}{NBSP}{escape(pyeong)} · "
            f"{escape(_format.number(claim.get('claimed_m2')))}{NBSP}{escape(m2)}"
        )
        finding = explain.finding(claim, tolerance=shown, language=language)
        subject = str(claim.get("subject"))
        rows.append(
            f'<tr class="{css}"><td>{escape(short_name(subjects.get(subject, subject)))}</td>'
            f'<td class="source">{source}</td>'
            f'<td class="published"><b>{escape(explain.published(claim, language))}</b><br>'
            f'<span class="areas">= {areas}</span></td>'
            f'<td class="finding"><b class="verdict">{escape(explain.verdict_text(claim, language))}</b> — '
            f"{escape(finding)}</td></tr>"
        )
    table = _table("claims", heading, headers, rows)
    title_end = table.index("</h2>") + len("</h2>")
    return table[:title_end] + lead + table[title_end:]


def _table(kind: str, title: str, headers: Sequence[str], rows: Sequence[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(rows)
    return f'<h2>{escape(title)}</h2><table class="{kind}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
