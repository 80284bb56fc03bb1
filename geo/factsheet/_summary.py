"""The one-page summary for a client, per language: the measured totals, the headline, what does not hold.

One A4 page, from the one audit result: the belt's and the Free Economic Zone's measured areas (m², ha and
pyeong on GRS80, beside the sum of their official figures), the headline (:mod:`geo.headline`), each claim
outside the tolerance and each that could not be checked, explained as the fact sheets and maps explain them
(:mod:`geo.explain`), a small map drawn as the fact sheets draw theirs (:mod:`._svg`), the sources of the
claims named, as the index pages give them (:func:`geo.maps.credits.sources_section`), and, where an outline
shown is schematic, the statement saying so. The details are on the fact sheets; a page that would run over
names fewer claims (``listed``) and says how many more there are. Every string from data is escaped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import pandas as pd

from .. import _format, explain, headline, i18n, style, units
from .._html import escape
from ..audit import AuditResult
from ..fez import PILLARS, district_ground, pillar_label
from ..maps import Title, _static, map_title
from ..maps.credits import sources_section
from ..maps.findings import claim_publisher, fez_subject_names, subject_names
from ..schema import GeometryQuality
from . import _page, _svg, _tables

#: The stem of the summary's file name: ``summary_<lang>.pdf``.
SUMMARY_STEM: Final = "summary"
#: The most claims the page names (outside the tolerance first, then the unchecked); the writer lists fewer
#: when the page would run over one sheet, and the page says how many more there are.
MAX_LISTED_CLAIMS: Final = 10
#: Width of the summary's map on the page (mm); its height keeps the SVG's proportions.
SUMMARY_MAP_WIDTH_MM: Final = 104
#: The map is printed at about half the fact sheet's size: its labels are drawn this much larger to stay legible.
LABEL_SCALE: Final = 1.6


def summary_name(language: str) -> str:
    """The file name of the summary in ``language``."""
    return f"{SUMMARY_STEM}_{language}.pdf"


def summary_files(languages: Sequence[str]) -> tuple[str, ...]:
    """Names of the summaries :func:`geo.factsheet.write_summaries` writes, one per language."""
    return tuple(summary_name(language) for language in languages)


def summary_html(
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    language: str,
    context: gpd.GeoDataFrame | None,
    points: gpd.GeoDataFrame | None,
    date: object,
    districts: gpd.GeoDataFrame | None = None,
    title: Title = None,
    listed: int = MAX_LISTED_CLAIMS,
) -> str:
    """The summary page in ``language``, naming at most ``listed`` claims that do not hold or were not checked.

    ``districts`` (:func:`geo.fez.load_fez_districts`) adds the Free Economic Zone (its total and its districts
    on the map) when the audit has its summary; without them the page is of the belt (a user's zone file).
    """
    fez = districts if districts is not None and audit.fez is not None else None
    title = _tables.short_name(map_title(title, language), _page.TITLE_CHARS)
    heading = i18n.text("summary_title", language, title=title)
    names = {**subject_names(zones, language), **fez_subject_names(fez, language)}
    off, unchecked = _not_holding(audit.claims)
    shown_off = off.iloc[:listed]
    shown_unchecked = unchecked.iloc[: max(listed - len(shown_off), 0)]
    more = len(off) + len(unchecked) - len(shown_off) - len(shown_unchecked)
    tolerance = f"±{audit.tolerance * 100:g} %"
    svg, legend, schematic = _summary_map(zones, audit, fez, language=language, context=context, points=points)
    parts = [
        f'<header><h1>{escape(heading)}</h1><p class="date">'
        f"{escape(i18n.text('built_on', language, date=_page._date_text(date)))}</p></header>",
        _headline_html(audit, language),
        f'<div class="summary-top"><figure class="map">{svg}</figure>'
        f'<div class="summary-side">{_totals_html(audit, fez, language)}{legend}</div></div>',
    ]
    if len(off):
        parts.append(_claims_html("summary_off", off, shown_off, names, tolerance=tolerance, language=language))
    if len(unchecked):
        parts.append(
            _claims_html("summary_unchecked", unchecked, shown_unchecked, names, tolerance=tolerance, language=language)
        )
    if more:
        parts.append(f'<p class="more">{escape(i18n.text("summary_more", language, count=more))}</p>')
    if schematic:
        statement = f"{i18n.text('schematic_label', language)}. {i18n.text('schematic_note', language)}"
        parts.append(f'<p class="schematic">{escape(statement)}</p>')
    parts.append(sources_section(pd.concat([shown_off, shown_unchecked]), language=language))
    parts.append(f'<p class="details">{escape(i18n.text("summary_details", language))}</p>')
    body = "\n".join(parts)
    return f"""<!DOCTYPE html>
<html lang="{escape(language)}"><head><meta charset="utf-8"><title>{escape(heading)}</title>
<style>{_CSS}</style></head>
<body>
{body}
</body></html>
"""


def _not_holding(claims: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The claims outside the tolerance and those not checked, each in the claims' order."""
    if claims.empty:
        return claims, claims
    holds = claims["holds"]
    checked = holds.notna()
    return claims[checked & ~holds.fillna(True).astype(bool)], claims[~checked]


def _headline_html(audit: AuditResult, language: str) -> str:
    """The headline's sentences (:func:`geo.headline.headline`), each coloured as every output colours it."""
    stated = headline.stated(audit)
    if not stated:
        return f'<p class="headline">{escape(i18n.text("no_claims_belt", language))}</p>'
    sentences = headline.headline(audit, language=language)
    return "".join(
        f'<p class="headline {headline.css_class(t)}">{escape(text)}</p>'
        for t, text in zip(stated, sentences, strict=True)
    )


def _totals_html(audit: AuditResult, fez: gpd.GeoDataFrame | None, language: str) -> str:
    """The measured belt and FEZ (when the build has them): m², ha, pyeong, and the sum of the official figures."""
    rows = []
    if audit.belt["members"]:
        rows.append((i18n.text("belt_union_name", language), audit.belt))
    if fez is not None:
        rows.append((i18n.text("fez_name", language), audit.fez))
    if not rows:
        return f"<p>{escape(i18n.text('belt_empty', language))}</p>"
    headers = [
        "",
        i18n.text("report_col_m2", language),
        i18n.text("report_col_ha", language),
        i18n.text("report_col_pyeong", language),
        i18n.text("report_col_official_m2", language),
    ]
    body = []
    for name, summary in rows:
        m2 = float(summary["area_m2"])
        cells = [m2, units.from_m2(m2, "ha"), units.m2_to_pyeong(m2), summary.get("official_sum_m2")]
        numbers = "".join(
            f'<td class="num">{escape(_format.number(value, 2 if k == 1 else 0))}</td>' for k, value in enumerate(cells)
        )
        body.append(f'<tr><th scope="row">{escape(name)}</th>{numbers}</tr>')
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return (
        f"<h2>{escape(i18n.text('area_heading', language))}</h2>"
        f'<table class="totals"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def _claims_html(
    key: str,
    claims: pd.DataFrame,
    shown: pd.DataFrame,
    names: dict[str, str],
    *,
    tolerance: str,
    language: str,
) -> str:
    """A heading (``key``, with how many claims) and one line per claim of ``shown``, in words."""
    items = "".join(
        f"<li>{escape(_claim_text(claim, names, tolerance=tolerance, language=language))}</li>"
        for _, claim in shown.iterrows()
    )
    heading = i18n.text(key, language, count=len(claims), tolerance=tolerance)
    return f'<h2>{escape(heading)}</h2><ul class="claims">{items}</ul>'


def _claim_text(claim: pd.Series, names: dict[str, str], *, tolerance: str, language: str) -> str:
    """The claim as the fact sheets and maps explain it (:mod:`geo.explain`): what it is about, who published
    what, the verdict, then the difference in words and the reason for the verdict."""
    record = claim.to_dict()
    publisher = claim_publisher(record, language) or i18n.text("summary_no_publisher", language)
    lead = i18n.text(
        "summary_claim",
        language,
        subject=names.get(str(record.get("subject")), i18n.text("summary_unnamed", language)),
        publisher=publisher,
        published=explain.published(record, language),
        verdict=explain.verdict_text(record, language),
    )
    return explain.sentences([lead, explain.finding(record, tolerance=tolerance, language=language)], language)


def _summary_map(
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    districts: gpd.GeoDataFrame | None,
    *,
    language: str,
    context: gpd.GeoDataFrame | None,
    points: gpd.GeoDataFrame | None,
) -> tuple[str, str, bool]:
    """The fact sheets' map of the belt's zones, with the FEZ's districts by pillar when given; its legend; and
    whether an outline drawn is schematic.

    Only the Gwangju/Jeonnam border is drawn of the context: the dong boundaries crowd a map this small.
    """
    in_belt = zones["in_belt"].astype(bool)
    belt_zones = zones["zone_id"].isin(set(zones.loc[in_belt, "zone_id"]))
    frame = _svg.Frame(_svg.planar_bounds(zones[belt_zones] if belt_zones.any() else zones, districts))
    box = frame.box()
    if districts is not None:  # a zone part that is a district's ground is drawn once, as the district
        zones = zones[~district_ground(zones, districts)]
        belt_zones = belt_zones.loc[zones.index]
    areas = _svg.zone_areas(zones, belt_zones)
    own, others = _page._zone_labels(zones, belt_zones, language, required=_page._named(zones, audit), within=box)
    labels = [*own]
    if districts is not None:
        areas += _svg.zone_areas(districts, [True] * len(districts), colour_of=_page._pillar_colour)
        every = pd.Series(True, index=districts.index)
        labels += _page._zone_labels(districts, every, language, required=every, by="feature_id", within=box)[0]
    shown_points = _page._within(points, box)
    labels += [*_page._point_labels(shown_points, language), *others]
    border = context[context["kind"] == _svg.BORDER_KIND] if context is not None else None
    border = border if border is not None and len(border) else None
    svg = _svg.map_svg(
        frame,
        areas,
        [dataclasses.replace(label, size=label.size * LABEL_SCALE) for label in labels],
        language=language,
        context=border,
        points=shown_points,
    )
    shown = _page._within_box(zones, box)
    keys = _page._zone_keys(shown, language)
    if districts is not None:
        keys += [(f"background:{style.pillar_color(p)};opacity:0.65", pillar_label(p, language)) for p in PILLARS]
    drawn = [shown, *([districts] if districts is not None else [])]
    schematic = any(bool((frame_["geometry_quality"] == GeometryQuality.SCHEMATIC).any()) for frame_ in drawn)
    legend = _page._legend(keys, language, context=border, points=shown_points, schematic=schematic)
    return svg, legend, schematic


#: The summary's stylesheet: the fact sheet's (``factsheet.css``) with its map's size, then ``summary.css``.
_CSS: Final = _static.stylesheet("factsheet.css", _page.map_size(SUMMARY_MAP_WIDTH_MM / _page.MAP_WIDTH_MM)) + (
    _static.read("summary.css")
)
