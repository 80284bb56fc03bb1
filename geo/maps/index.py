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

from .. import i18n, units
from .._html import FONT_STACK, escape
from ..audit import AuditResult
from ..schema import GeometryQuality
from .content import NBSP, findings_html, qty

log = logging.getLogger(__name__)

#: Message id describing an output file, by exact name and then by suffix.
FILE_MESSAGES_BY_NAME: Final = {
    "audit_claims.csv": "file_audit_claims",
    "zone_areas.csv": "file_zone_areas",
    "audit.md": "file_audit_md",
    "audit.json": "file_audit_json",
    "distance_to_transport.tif": "file_raster",
}
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
) -> str:
    """A page in ``language`` linking the belt map and each zone map (``(file name, zone name)`` pairs).

    With the ``audit`` and the ``zone_ids`` of the entries, it also gives a table of the zones' areas (GRS80
    ellipsoidal, in m², ha and pyeong) and status; with the ``zones`` too, the findings first: how many
    claims hold and which do not, every claim on the belt and its zones listed, failing ones first. ``files``
    (``(name, size in bytes)``) are listed with what each is; ``sizes`` gives the maps' sizes.
    """
    title = title or i18n.text("index_title", language)
    sizes = sizes or {}
    belt_link = (
        f'<p class="tb-belt-link"><a href="{escape(belt_file)}">{escape(i18n.text("index_belt", language))}</a>'
        f"{_size_note(sizes.get(belt_file), language)}</p>"
    )
    findings = ""
    if audit is None or zone_ids is None:
        items = "".join(
            f'<li><a href="{escape(f)}">{escape(name)}</a>{_size_note(sizes.get(f), language)}</li>'
            for f, name in zone_entries
        )
        zones_html = f"<ul>{items}</ul>"
    else:
        zones_html = _index_zone_table(zone_entries, zone_ids, audit, language, sizes)
        findings = _findings_section(zones, audit, language)
    note = ""
    if audit is None or _any_schematic(audit):
        note = f'<p class="note">{escape(i18n.text("schematic_label", language))}</p>'
    body = (
        f"<header><h1>{escape(title)}</h1>"
        f'<p class="tb-nav"><a href="index.html">{escape(i18n.text("index_languages", language))}</a></p></header>'
        f"{findings}<h2>{escape(i18n.text('index_zones', language))}</h2>{belt_link}{zones_html}{note}"
        f"{files_table(files, language=language)}"
    )
    return page(title, body, language=language)


def languages_index_page(
    languages: Sequence[str],
    *,
    audit: AuditResult | None = None,
    zones: gpd.GeoDataFrame | None = None,
    titles: Mapping[str, str] | None = None,
    files: Sequence[tuple[str, int]] = (),
    sizes: Mapping[str, int | None] | None = None,
    zone_entries: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> str:
    """The landing page ``index.html``: for each language, its title, the findings, its maps and the files.

    Without ``audit`` and ``zones`` it is a list of links to the per-language index pages.
    """
    titles = titles or {}
    sizes = sizes or {}

    def title_of(language: str) -> str:
        return titles.get(language) or i18n.text("index_title", language)

    nav = "".join(
        f'<li><a href="#{escape(lang)}" lang="{escape(lang)}">{escape(i18n.LANGUAGE_NAMES[lang])}</a></li>'
        for lang in languages
    )
    header = "".join(f'<h1 lang="{escape(lang)}">{escape(title_of(lang))}</h1>' for lang in languages)
    sections = []
    for lang in languages:
        index_link = (
            f'<a href="index_{escape(lang)}.html">{escape(i18n.LANGUAGE_NAMES[lang])}: '
            f"{escape(i18n.text('index_this_language', lang))}</a>"
        )
        if audit is None or zones is None:
            sections.append(f'<section id="{escape(lang)}" lang="{escape(lang)}"><p>{index_link}</p></section>')
            continue
        belt_file = f"belt_{lang}.html"
        maps = [(belt_file, i18n.text("index_belt", lang)), *((zone_entries or {}).get(lang, ()))]
        items = "".join(
            f'<li><a href="{escape(f)}">{escape(name)}</a>{_size_note(sizes.get(f), lang)}</li>' for f, name in maps
        )
        sections.append(
            f'<section id="{escape(lang)}" lang="{escape(lang)}"><h2>{escape(i18n.LANGUAGE_NAMES[lang])} · '
            f"{escape(title_of(lang))}</h2>{_findings_section(zones, audit, lang, level=3)}"
            f"<h3>{escape(i18n.text('index_zones', lang))}</h3><ul>{items}</ul><p>{index_link}</p>"
            f"{files_table(files, language=lang, level=3)}</section>"
        )
    body = f'<header>{header}<nav><ul class="tb-langs">{nav}</ul></nav></header>{"".join(sections)}'
    return page(title_of(languages[0]), body, language=languages[0])


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
    """Message id of what the output file ``name`` is (by its name, else its suffix)."""
    base = PurePath(name).name
    if base in FILE_MESSAGES_BY_NAME:
        return FILE_MESSAGES_BY_NAME[base]
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


def _findings_section(zones: gpd.GeoDataFrame | None, audit: AuditResult, language: str, *, level: int = 2) -> str:
    """The measured belt and the findings (when the zones are known: the claims need their names)."""
    belt = audit.belt
    pyeong, m2 = i18n.text("unit_pyeong", language), i18n.text("unit_m2", language)
    heading = (
        f"<h{level}>{escape(i18n.text('index_findings', language))}: {escape(i18n.text('audit', language))} "
        f"(±{audit.tolerance * 100:g}{NBSP}%)</h{level}>"
    )
    if belt["members"]:
        area_pyeong, area_m2 = f"{belt['area_pyeong']:,.0f}", f"{belt['area_m2']:,.0f}"
        measured = (
            f"<p><strong>{escape(i18n.text('belt_measured', language))}: {qty(area_pyeong, pyeong)}</strong> = "
            f"{qty(area_m2, m2)}</p>"
        )
    else:
        measured = f"<p>{escape(i18n.text('belt_empty', language))}</p>"
    findings = findings_html(zones, audit, language=language, holds_open=True) if zones is not None else ""
    return f'<section class="tb-findings">{heading}{findings}{measured}</section>'


def _index_zone_table(
    zone_entries: Sequence[tuple[str, str]],
    zone_ids: Sequence[str],
    audit: AuditResult,
    language: str,
    sizes: Mapping[str, int | None],
) -> str:
    units_row = [i18n.text(key, language) for key in ("unit_m2", "unit_ha", "unit_pyeong")]
    headers = f"<th>{escape(i18n.text('index_zones', language))}</th>"
    headers += "".join(f'<th class="num">{escape(text)}</th>' for text in units_row)
    headers += "".join(
        f"<th>{escape(text)}</th>" for text in (i18n.text("status", language), i18n.text("outline", language))
    )
    headers += f'<th class="num">{escape(i18n.text("index_size", language))}</th>'
    rows = []
    for (file_name, name), zone_id in zip(zone_entries, zone_ids, strict=True):
        parts = audit.zones[audit.zones["zone_id"] == zone_id]
        area = float(parts["area_m2"].sum())  # the parts of a zone do not overlap (the audit reports it if they do)
        statuses = sorted({str(s) for s in parts["status"] if isinstance(s, str)}) if "status" in parts else []
        status = ", ".join(i18n.status_label(s, language) for s in statuses)
        schematic = (parts["geometry_quality"] == GeometryQuality.SCHEMATIC).all()
        outline = i18n.text("schematic_short" if schematic else "outline_supplied", language)
        rows.append(
            f'<tr><td><a href="{escape(file_name)}">{escape(name)}</a></td>'
            f'<td class="num">{area:,.0f}</td><td class="num">{units.from_m2(area, "ha"):,.1f}</td>'
            f'<td class="num">{units.m2_to_pyeong(area):,.0f}</td>'
            f"<td>{escape(status)}</td><td>{escape(outline)}</td>"
            f'<td class="num">{size_text(sizes.get(file_name), language)}</td></tr>'
        )
    return f'<table class="tb-zones"><thead><tr>{headers}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def page(title: str, body: str, *, language: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_PAGE_CSS}</style></head><body>{body}</body></html>\n"
    )


_PAGE_CSS: Final = f"""
body {{ font-family: {FONT_STACK}; max-width: 860px; margin: 2em auto; padding: 0 1em; color: #222; font-size: 15px;
  line-height: 1.5; overflow-wrap: break-word; }}
:lang(ko) {{ word-break: keep-all; }}
:lang(ja) {{ font-family: "Noto Sans CJK JP", {FONT_STACK}; word-break: auto-phrase; }}
h1 {{ font-size: 24px; line-height: 1.3; margin: 0 0 4px; }}
h2 {{ font-size: 19px; margin: 1.4em 0 0.4em; }}
h3 {{ font-size: 16px; margin: 1.1em 0 0.3em; }}
section[lang] {{ border-top: 2px solid #ddd; margin-top: 1.5em; }}
a {{ color: #1f5fae; }}
.note, .tb-warn {{ color: #8a5a00; }}
.tb-nav, .size {{ color: #555; font-size: 13px; }}
.tb-langs {{ display: flex; gap: 1.2em; list-style: none; padding: 0; }}
.table-wrap {{ overflow-x: auto; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1em; font-size: 13px; }}
th, td {{ padding: 0.3em 0.8em 0.3em 0; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }}
th {{ color: #555; font-weight: 600; }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.tb-q {{ white-space: nowrap; }}
.tb-claims {{ width: 100%; }}
.tb-subject-row th {{ font-weight: 700; color: #222; }}
.tb-finding {{ font-weight: 700; font-size: 16px; }}
.tb-fail, .tb-off {{ color: #b42318; font-weight: 600; }}
.tb-pass, .tb-ok {{ color: #1a7f37; font-weight: 600; }}
details > summary {{ cursor: pointer; font-weight: 600; }}
.tb-tag {{ font-size: 0.8em; border: 1px solid #b08800; color: #7a5c00; border-radius: 3px; padding: 0 3px;
  white-space: nowrap; }}
@media (max-width: 600px) {{ body {{ margin: 1em auto; font-size: 14px; }} table {{ font-size: 12px; }} }}
"""
