"""Index pages: per language, the findings, the belt map, the zone maps and the folder's other files; and a
landing page (``index.html``) that gives all of it in every language.

Every string from data (names, titles, file names) is escaped with :func:`geo._html.escape`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import headline, i18n, report, units
from .._html import escape
from ..audit import AuditResult
from ..schema import GeometryQuality
from . import _static
from ._location import location_section
from ._text import NBSP, qty
from .credits import sources_section
from .findings import findings_html

log = logging.getLogger(__name__)

#: Message id describing an output file, by exact name and then by suffix.
FILE_MESSAGES_BY_NAME: Final = {
    "audit_claims.csv": "file_audit_claims",
    "zone_areas.csv": "file_zone_areas",
    "locations.csv": "file_locations",
    "audit.md": "file_audit_md",
    "audit.json": "file_audit_json",
    "distance_to_transport.tif": "file_raster",
}
#: Message id describing an output file by the start of its name: the one-page summaries (``summary_<lang>.pdf``).
FILE_MESSAGES_BY_PREFIX: Final = {"summary_": "file_summary"}
FILE_MESSAGES_BY_SUFFIX: Final = {
    ".gpkg": "file_gpkg",
    ".geojson": "file_geojson",
    ".csv": "file_csv",
    ".md": "file_audit_md",
    ".json": "file_audit_json",
    ".tif": "file_tif",
    ".tiff": "file_tif",
    ".pdf": "file_pdf",
    ".png": "file_png",
    ".html": "file_index",
}


def index_page(
    belt_file: str,
    zone_entries: Sequence[tuple[str, str]],
    *,
    language: str,
    audit: AuditResult | None = None,
    zone_ids: Sequence[str] | None = None,
    zones: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    files: Sequence[tuple[str, int]] = (),
    sizes: Mapping[str, int | None] | None = None,
    fez_file: str | None = None,
    districts: gpd.GeoDataFrame | None = None,
    locations: pd.DataFrame | None = None,
) -> str:
    """A page in ``language`` linking the belt map and each zone map (``(file name, zone name)`` pairs).

    With the ``audit`` and the ``zone_ids`` of the entries, it gives instead a sortable, searchable table of
    every zone (an entry whose file name is empty has no map: its name is not linked): areas (GRS80
    ellipsoidal, in m², ha and pyeong), the official figure, the number of claims, their verdict, status and
    outline; with the ``zones`` too, the findings first: how many claims hold and which do not, every claim
    on the belt and its zones listed, failing ones first. ``files`` (``(name, size in bytes)``) are listed
    with what each is; ``sizes`` gives the maps' sizes. ``fez_file`` links the Free Economic Zone map.
    ``locations`` (:func:`geo.location.location_table`) adds the straight-line distances from each zone to the
    airports, rail and ports, with their sources.

    The table works offline: its few lines of JavaScript are inline, and without JavaScript it is a table.
    """
    title = title or i18n.text("index_title", language)
    sizes = sizes or {}
    belt_link = (
        f'<p class="tb-belt-link"><a href="{escape(belt_file)}">{escape(i18n.text("index_belt", language))}</a>'
        f"{_size_note(sizes.get(belt_file), language)}</p>"
    )
    if fez_file:
        belt_link += (
            f'<p class="tb-fez-link"><a href="{escape(fez_file)}">{escape(i18n.text("index_fez", language))}</a>'
            f"{_size_note(sizes.get(fez_file), language)}</p>"
        )
    findings = ""
    if audit is None or zone_ids is None:
        items = "".join(
            f'<li><a href="{escape(f)}">{escape(name)}</a>{_size_note(sizes.get(f), language)}</li>'
            for f, name in zone_entries
            if f
        )
        zones_html = f"<ul>{items}</ul>"
    else:
        zones_html = _index_zone_table(zone_entries, zone_ids, audit, language, sizes)
        findings = _findings_section(zones, audit, language, districts=districts)
    note = ""
    if audit is None or _any_schematic(audit):
        note = f'<p class="note">{escape(i18n.text("schematic_label", language))}</p>'
    body = (
        f"<header><h1>{escape(title)}</h1>"
        f'<p class="tb-nav"><a href="index.html">{escape(i18n.text("index_languages", language))}</a></p></header>'
        f"{findings}{_matches_section(audit, language)}"
        f"<h2>{escape(i18n.text('index_zones', language))}</h2>{belt_link}{zones_html}{note}"
        f"{location_section(locations, language=language)}"
        f"{sources_section(audit.claims, language=language) if audit is not None else ''}"
        f"{files_table(files, language=language)}"
    )
    return page(title, body, language=language, script=_TABLE_JS if audit is not None and zone_ids is not None else "")


def languages_index_page(
    languages: Sequence[str],
    *,
    audit: AuditResult | None = None,
    zones: gpd.GeoDataFrame | None = None,
    titles: Mapping[str, str] | None = None,
    files: Sequence[tuple[str, int]] = (),
    sizes: Mapping[str, int | None] | None = None,
    zone_entries: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    fez: bool = False,
    districts: gpd.GeoDataFrame | None = None,
) -> str:
    """The landing page ``index.html``: for each language, its title, the findings, its maps and the files.

    ``zone_entries`` are the zone maps written per language; ``fez`` links ``fez_<lang>.html`` too (its claims
    named after ``districts``). The
    table of every zone is on the per-language pages.

    Without ``audit`` and ``zones`` it is a list of links to the per-language index pages.
    """
    titles = titles or {}
    sizes = sizes or {}

    def title_of(language: str) -> str:
        return titles.get(language) or i18n.text("index_title", language)

    nav = "".join(
        f'<li><a href="#{escape(lang)}" lang="{escape(lang)}" data-tb-lang="{escape(lang)}">'
        f"{escape(i18n.LANGUAGE_NAMES[lang])}</a></li>"
        for lang in languages
    )
    header = "".join(
        f'<h1 lang="{escape(lang)}" data-tb-lang="{escape(lang)}">{escape(title_of(lang))}</h1>' for lang in languages
    )
    sections = []
    for lang in languages:
        index_link = (
            f'<a href="index_{escape(lang)}.html">{escape(i18n.LANGUAGE_NAMES[lang])}: '
            f"{escape(i18n.text('index_this_language', lang))}</a>"
        )
        if audit is None or zones is None:
            sections.append(
                f'<section id="{escape(lang)}" lang="{escape(lang)}" data-tb-lang="{escape(lang)}">'
                f"<p>{index_link}</p></section>"
            )
            continue
        belt_file = f"belt_{lang}.html"
        fez_maps = [(f"fez_{lang}.html", i18n.text("index_fez", lang))] if fez else []
        maps = [(belt_file, i18n.text("index_belt", lang)), *fez_maps, *((zone_entries or {}).get(lang, ()))]
        items = "".join(
            f'<li><a href="{escape(f)}">{escape(name)}</a>{_size_note(sizes.get(f), lang)}</li>' for f, name in maps
        )
        sections.append(
            f'<section id="{escape(lang)}" lang="{escape(lang)}" data-tb-lang="{escape(lang)}">'
            f"<h2>{escape(i18n.LANGUAGE_NAMES[lang])} · "
            f"{escape(title_of(lang))}</h2>{_findings_section(zones, audit, lang, level=3, districts=districts)}"
            f"<h3>{escape(i18n.text('index_zones', lang))}</h3><ul>{items}</ul><p>{index_link}</p>"
            f"{files_table(files, language=lang, level=3)}</section>"
        )
    body = f'<header>{header}<nav><ul class="tb-langs">{nav}</ul></nav></header>{"".join(sections)}'
    return page(title_of(languages[0]), body, language=languages[0], script=_LANDING_JS)


def files_table(files: Sequence[tuple[str, int]], *, language: str, level: int = 2) -> str:
    """A table of ``(name, size in bytes)``: a link to each file, what it is and its size; "" without files."""
    if not files:
        return ""

    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    rows = "".join(
        f'<tr><td><a href="{escape(name)}">{escape(name)}</a></td><td>{t(file_message(name))}</td>'
        f'<td class="num">{size_text(size, language)}</td></tr>'
        for name, size in files
    )
    return (
        f'<h{level}>{t("index_files")}</h{level}><table class="tb-files"><thead><tr><th>{t("index_file")}</th>'
        f'<th>{t("index_what")}</th><th class="num">{t("index_size")}</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def file_message(name: str) -> str:
    """Message id of what the output file ``name`` is (by its name, the start of its name, else its suffix)."""
    base = PurePath(name).name
    if base in FILE_MESSAGES_BY_NAME:
        return FILE_MESSAGES_BY_NAME[base]
    for prefix, message in FILE_MESSAGES_BY_PREFIX.items():
        if base.startswith(prefix):
            return message
    return FILE_MESSAGES_BY_SUFFIX.get(PurePath(base).suffix.lower(), "file_other")


def size_text(size: int | None, language: str) -> str:
    """A file size for people: ``12 kB``, ``1.4 MB`` (1 kB = 1,000 bytes), on one line; "" if unknown."""
    if size is None:
        return ""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000)):,}{NBSP}{escape(i18n.text('unit_kb', language))}"
    return f"{size / 1_000_000:,.1f}{NBSP}{escape(i18n.text('unit_mb', language))}"


def _size_note(size: int | None, language: str) -> str:
    return f' <span class="size">({size_text(size, language)})</span>' if size is not None else ""


def _any_schematic(audit: AuditResult) -> bool:
    qualities = audit.zones["geometry_quality"] if "geometry_quality" in audit.zones else []
    return any(q == GeometryQuality.SCHEMATIC for q in qualities)


#: The language the match table's notes are written in (the audit's own wording, as its JSON carries it).
NOTE_LANGUAGE: Final = "en"


def _matches_section(audit: AuditResult | None, language: str) -> str:
    """On the official boundary layer: which official feature became which zone, with the evidence; escaped.

    The note (why a candidate was not taken) is the audit's English wording, so it is shown in English only;
    the outcome, names and figures are in every language."""
    if audit is None or audit.matches is None or audit.matches.empty:
        return ""
    headers, rows = report.match_rows(audit.matches, language)
    if language != NOTE_LANGUAGE:
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f'<section class="tb-matches"><h2>{escape(i18n.text("report_matches", language))}</h2>'
        f"<p>{escape(i18n.text('report_matches_intro', language))}</p>"
        f'<div class="table-wrap"><table class="tb-match-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div></section>"
    )


def _findings_section(
    zones: gpd.GeoDataFrame | None,
    audit: AuditResult,
    language: str,
    *,
    level: int = 2,
    districts: gpd.GeoDataFrame | None = None,
) -> str:
    """The headline (:mod:`geo.headline`), then each scope's claims, failing first, and the measured belt."""
    belt = audit.belt
    pyeong, m2 = i18n.text("unit_pyeong", language), i18n.text("unit_m2", language)
    heading = (
        f"<h{level}>"
        + i18n.labelled(
            escape(i18n.text("index_findings", language)),
            i18n.bracketed(escape(i18n.text("audit", language)), f"±{audit.tolerance * 100:g}{NBSP}%", language),
            language,
        )
        + f"</h{level}>"
    )
    if belt["members"]:
        area_pyeong, area_m2 = f"{belt['area_pyeong']:,.0f}", f"{belt['area_m2']:,.0f}"
        label = escape(i18n.text("belt_measured", language))
        measured = (
            f"<p><strong>{i18n.labelled(label, qty(area_pyeong, pyeong), language)}</strong> = {qty(area_m2, m2)}</p>"
        )
    else:
        measured = f"<p>{escape(i18n.text('belt_empty', language))}</p>"
    tolerance = f"±{audit.tolerance * 100:g}{NBSP}%"
    stated = headline.stated(audit)
    lines = "".join(
        f'<li class="{headline.css_class(t)}">{escape(text)}</li>'
        for t, text in zip(stated, headline.headline(audit, language=language, tolerance=tolerance), strict=True)
    )
    summary = f'<ul class="tb-headline">{lines}</ul>'
    findings = ""
    if zones is not None:
        for t in stated:
            if t.scope == "all":
                continue
            findings += f"<h{level + 1}>{escape(i18n.text(headline.SCOPES[t.scope], language))}</h{level + 1}>"
            findings += findings_html(
                zones, audit, language=language, holds_open=True, scope=t.scope, others=False, lead=False,
                districts=districts,
            )  # fmt: skip
    return f'<section class="tb-findings">{heading}{summary}{findings}{measured}</section>'


def _index_zone_table(
    zone_entries: Sequence[tuple[str, str]],
    zone_ids: Sequence[str],
    audit: AuditResult,
    language: str,
    sizes: Mapping[str, int | None],
) -> str:
    """Every zone, one row each, sortable by any column and searchable (:data:`_TABLE_JS`); escaped."""

    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    columns = [
        (i18n.text("index_zones", language), "text"),
        (i18n.text("unit_m2", language), "num"),
        (i18n.text("unit_ha", language), "num"),
        (i18n.text("unit_pyeong", language), "num"),
        (i18n.bracketed(i18n.text("official_figure", language), i18n.text("unit_m2", language), language), "num"),
        (i18n.text("index_claims", language), "num"),
        (i18n.text("verdict", language), "text"),
        (i18n.text("status", language), "text"),
        (i18n.text("outline", language), "text"),
        (i18n.text("index_size", language), "num"),
    ]
    headers = "".join(
        f'<th{" class=" + chr(34) + "num" + chr(34) if kind == "num" else ""} data-type="{kind}" aria-sort="none">'
        f'<button type="button">{escape(text)}</button></th>'
        for text, kind in columns
    )
    measured = audit.zones.assign(
        _zone=audit.zones["zone_id"].astype(str),
        _schematic=audit.zones["geometry_quality"] == GeometryQuality.SCHEMATIC,
        _official=pd.to_numeric(audit.zones.get("official_area_m2", np.nan), errors="coerce"),
    )
    grouped = measured.groupby("_zone", sort=False)
    area_of = grouped["area_m2"].sum().to_dict()  # the parts of a zone do not overlap (the audit reports it if they do)
    schematic_of = grouped["_schematic"].all().to_dict()
    official_of = grouped["_official"].sum().to_dict()
    official_known = grouped["_official"].apply(lambda v: bool(v.notna().all())).to_dict()
    status_of: dict[str, set[str]] = {}
    if "status" in measured:
        for zone_id, value in zip(measured["_zone"], measured["status"], strict=True):
            if isinstance(value, str):
                status_of.setdefault(zone_id, set()).add(value)
    claims = audit.claims
    counts: dict[str, list] = {}
    if not claims.empty:
        part_zone = dict(zip(measured["feature_id"].astype(str), measured["_zone"], strict=False))
        for subject, within in zip(claims["subject"].astype(str), claims["holds"], strict=True):
            zone_id = subject if subject in area_of else part_zone.get(subject)
            if zone_id is not None:
                counts.setdefault(zone_id, []).append(within)
    rows = []
    for (file_name, name), zone_id in zip(zone_entries, zone_ids, strict=True):
        zone_id = str(zone_id)
        area = float(area_of.get(zone_id, 0.0))
        status = ", ".join(i18n.status_label(s, language) for s in sorted(status_of.get(zone_id, ())))
        outline = i18n.text("schematic_short" if schematic_of.get(zone_id) else "outline_supplied", language)
        known = official_known.get(zone_id, False)
        official_text = f"{float(official_of[zone_id]):,.0f}" if known else "—"
        verdicts = counts.get(zone_id, [])
        checked = [v for v in verdicts if v is not None and not (isinstance(v, float) and np.isnan(v))]
        if not verdicts:
            verdict, css = t("index_no_claims"), ""
        elif any(not bool(v) for v in checked):
            verdict, css = t("verdict_off"), ' class="tb-off"'
        elif checked:
            verdict, css = t("verdict_holds"), ' class="tb-ok"'
        else:
            verdict, css = t("verdict_not_found"), ""
        label = f'<a href="{escape(file_name)}">{escape(name)}</a>' if file_name else escape(name)
        rows.append(
            f"<tr><td>{label}</td>"
            f'<td class="num">{area:,.0f}</td><td class="num">{units.from_m2(area, "ha"):,.1f}</td>'
            f'<td class="num">{units.m2_to_pyeong(area):,.0f}</td>'
            f'<td class="num">{official_text}</td><td class="num">{len(verdicts)}</td><td{css}>{verdict}</td>'
            f"<td>{escape(status)}</td><td>{escape(outline)}</td>"
            f'<td class="num">{size_text(sizes.get(file_name), language) if file_name else ""}</td></tr>'
        )
    total = len(rows)
    search = (
        f'<p class="tb-table-tools"><label>{t("index_search")} '
        f'<input type="search" class="tb-search" autocomplete="off"></label> '
        f'<span class="tb-count" data-template="{escape(i18n.text("index_shown", language))}" '
        f'data-total="{total}">{escape(i18n.text("index_shown", language, n=total, total=total))}</span></p>'
        f'<p class="tb-nav">{t("index_sort_hint")}</p>'
    )
    return (
        f'{search}<div class="table-wrap"><table class="tb-zones tb-sortable"><thead><tr>{headers}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def page(title: str, body: str, *, language: str, script: str = "") -> str:
    script_html = f"<script>{script}</script>" if script else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_PAGE_CSS}</style></head><body>{body}{script_html}</body></html>\n"
    )


#: Sorting (a tap on a column heading; again to reverse) and searching (by any text of a row) of the zone
#: table (``static/table.js``), inline: the page loads nothing. Numbers sort by value ("—" and blanks last).
_TABLE_JS: Final = _static.read("table.js")


#: The landing page's language switch (``static/landing.js``): the reader's browser language first, one at a time.
_LANDING_JS: Final = _static.read("landing.js")


#: The pages' stylesheet (``static/index.css`` after the shared ``static/theme.css``).
_PAGE_CSS: Final = _static.stylesheet("index.css")
