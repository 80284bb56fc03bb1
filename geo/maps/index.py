"""Index pages: per language, the belt map, the zone maps and the audit at a glance; and one page for all."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Final

from .. import i18n, units
from .._html import FONT_STACK, escape
from ..audit import AuditResult
from ..schema import BELT, GeometryQuality
from .content import claims_table

log = logging.getLogger(__name__)


def index_page(
    belt_file: str,
    zone_entries: Sequence[tuple[str, str]],
    *,
    language: str,
    audit: AuditResult | None = None,
    zone_ids: Sequence[str] | None = None,
) -> str:
    """A page linking the belt map and each zone map (``(file name, zone name)`` pairs) in ``language``.

    With the ``audit`` and the ``zone_ids`` of the entries, it also gives the measured belt against each
    belt claim and a table of the zones' areas (GRS80 ellipsoidal, in m², ha and pyeong) and status.
    """
    title = i18n.text("index_title", language)
    belt_link = f'<p><a href="{escape(belt_file)}">{escape(i18n.text("index_belt", language))}</a></p>'
    if audit is None or zone_ids is None:
        items = "".join(f'<li><a href="{escape(f)}">{escape(name)}</a></li>' for f, name in zone_entries)
        zones_html = f"<ul>{items}</ul>"
        belt_html = belt_link
    else:
        zones_html = _index_zone_table(zone_entries, zone_ids, audit, language)
        belt_html = belt_link + _index_belt_summary(audit, language)
    body = (
        f"<h1>{escape(title)}</h1>{belt_html}"
        f"<h2>{escape(i18n.text('index_zones', language))}</h2>{zones_html}"
        f'<p class="note">{escape(i18n.text("schematic_label", language))}</p>'
    )
    return page(title, body, language=language)


def _index_belt_summary(audit: AuditResult, language: str) -> str:
    belt = audit.belt
    if not belt["members"]:
        return f"<p>{escape(i18n.text('belt_empty', language))}</p>"
    pyeong, m2 = i18n.text("unit_pyeong", language), i18n.text("unit_m2", language)
    lines = [
        f"<p><strong>{escape(i18n.text('belt_measured', language))}: "
        f"{belt['area_pyeong']:,.0f} {escape(pyeong)}</strong> = {belt['area_m2']:,.0f} {escape(m2)}</p>"
    ]
    claims = audit.claims[audit.claims["subject"] == BELT]
    if not claims.empty:
        lines.append(
            f"<h3>{escape(i18n.text('audit', language))} (±{audit.tolerance * 100:g} %)</h3>"
            + claims_table(claims, language=language)
        )
    return "".join(lines)


def _index_zone_table(
    zone_entries: Sequence[tuple[str, str]], zone_ids: Sequence[str], audit: AuditResult, language: str
) -> str:
    units_row = [i18n.text(key, language) for key in ("unit_m2", "unit_ha", "unit_pyeong")]
    headers = "".join(
        f"<th>{escape(text)}</th>"
        for text in ("", *units_row, i18n.text("status", language), i18n.text("outline", language))
    )
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
            f"<td>{escape(status)}</td><td>{escape(outline)}</td></tr>"
        )
    return f"<table><thead><tr>{headers}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def languages_index_page(languages: Sequence[str]) -> str:
    """The top-level page: one link per language to its index."""
    items = "".join(
        f'<li><a href="index_{escape(lang)}.html" lang="{escape(lang)}">'
        f"{escape(i18n.LANGUAGE_NAMES[lang])}: {escape(i18n.text('index_title', lang))}</a></li>"
        for lang in languages
    )
    return page(i18n.text("index_title", languages[0]), f"<ul>{items}</ul>", language=languages[0])


def page(title: str, body: str, *, language: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_PAGE_CSS}</style></head><body>{body}</body></html>\n"
    )


_PAGE_CSS: Final = f"""
body {{ font-family: {FONT_STACK}; max-width: 720px; margin: 2em auto; padding: 0 1em; color: #222; }}
a {{ color: #1f5fae; }}
.note {{ color: #8a5a00; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1em; }}
th, td {{ padding: 0.25em 0.6em; border-bottom: 1px solid #ddd; text-align: left; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.tb-ok {{ color: #1a7f37; font-weight: 600; }}
.tb-off {{ color: #b42318; font-weight: 600; }}
.tb-tag {{ font-size: 0.8em; border: 1px solid #b08800; color: #7a5c00; border-radius: 3px; padding: 0 3px; }}
"""
