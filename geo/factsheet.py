"""Printable A4 fact sheets (PDF): one per map (the belt, each zone) and language.

Each sheet has the title and build date, a print-sized map drawn from the geometries themselves (an SVG in
EPSG:5186 with the NGII legal-dong/ri boundaries and the Gwangju/Jeonnam border, every zone visible, the
sheet's own subject emphasised, a scale bar and a north arrow; no tiles, so it prints the same offline), a
legend, the area table (m², ha and pyeong on the GRS80 ellipsoid, planar EPSG:5186 beside), the published
claims with their verdicts and sources (failing ones first) and, where outlines are schematic, the statement
saying so. The page is HTML printed by headless Chromium (:mod:`geo.screenshot`, network blocked), which embeds
the fonts it uses (Noto Sans CJK for Hangul and Kana). Every string from data is escaped.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _format, i18n, style
from ._html import escape
from .area import union_area_m2
from .audit import AuditResult
from .export import build_timestamp
from .io import write_bytes
from .schema import BELT, GeometryQuality, Status, Verdict
from .screenshot import browser, offline_page
from .settings import PLANAR_CRS

log = logging.getLogger(__name__)

#: The subject of the whole-belt sheet (every other sheet is a zone id).
BELT_SHEET: Final = BELT
#: The map's drawing box in SVG units (1 unit = 0.2 mm on paper: 180 mm × 150 mm).
MAP_WIDTH: Final = 900
MAP_HEIGHT: Final = 750
MAP_PADDING: Final = 0.08
#: Decimals of the SVG coordinates (0.02 mm on paper).
SVG_DECIMALS: Final = 1
FONT_FAMILIES: Final = {
    "ko": '"Noto Sans CJK KR", "Noto Sans CJK JP", sans-serif',
    "ja": '"Noto Sans CJK JP", "Noto Sans CJK KR", sans-serif',
    "en": '"Noto Sans", "DejaVu Sans", "Noto Sans CJK KR", sans-serif',
}
ZONE_FILL_OPACITY: Final = 0.45
OTHER_ZONE_FILL_OPACITY: Final = 0.25


def output_files(zone_ids: Iterable[str], languages: Sequence[str]) -> tuple[str, ...]:
    """Names of the PDFs :func:`write_factsheets` writes for these zones and languages."""
    subjects = [BELT_SHEET, *dict.fromkeys(zone_ids)]
    return tuple(factsheet_name(subject, language) for subject in subjects for language in languages)


def factsheet_name(subject: str, language: str) -> str:
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in subject)
    return f"factsheet_{safe}_{language}.pdf"


def write_factsheets(
    out: str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    languages: Sequence[str] = ("en",),
    context: gpd.GeoDataFrame | None = None,
    points: gpd.GeoDataFrame | None = None,
    inputs: Sequence[str | os.PathLike] = (),
    zone_ids: Iterable[str] | None = None,
    open_browser: object | None = None,
) -> list[Path]:
    """Write one A4 PDF per map (the belt, then each zone) and language into ``out``; return their paths.

    ``zone_ids`` limits the zone sheets to those zones (the zones that get a map of their own); None: all.

    Parameters
    ----------
    zones, audit
        As :func:`geo.load_zones` and :func:`geo.run_audit` return them.
    languages
        Codes of :data:`geo.settings.LANGUAGES`.
    context, points
        NGII boundaries and site-selection points drawn on the map; left out when None.
    inputs
        Files the sheets are made from: never overwritten, and the newest dates the build
        (:func:`geo.export.build_timestamp`).
    open_browser
        A browser from :func:`geo.screenshot.browser` to reuse; one is started otherwise.

    Raises
    ------
    OutputError
        If Playwright or Chromium is missing or does not start.
    """
    for language in languages:
        i18n.check_language(language)
    if open_browser is None:
        with browser() as started:
            return write_factsheets(
                out, zones, audit, languages=languages, context=context, points=points, inputs=inputs,
                zone_ids=zone_ids, open_browser=started,
            )  # fmt: skip
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = build_timestamp(inputs)[0]
    subjects = [BELT_SHEET, *dict.fromkeys(zones["zone_id"] if zone_ids is None else zone_ids)]
    written = []
    for subject in subjects:
        for language in languages:
            page_html = factsheet_html(
                zones, audit, subject=subject, language=language, context=context, points=points, date=stamp
            )
            path = out / factsheet_name(str(subject), language)
            written.append(write_bytes(path, _print_pdf(open_browser, page_html), inputs=tuple(map(Path, inputs))))
            log.info("fact sheet %s", path)
    return written


def _print_pdf(open_browser: object, page_html: str) -> bytes:
    page = offline_page(open_browser)
    try:
        page.set_content(page_html, wait_until="load")
        page.evaluate("document.fonts.ready")
        return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    finally:
        page.context.close()


# --- the page -----------------------------------------------------------------------------------------------


def factsheet_html(
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    subject: str,
    language: str,
    context: gpd.GeoDataFrame | None,
    points: gpd.GeoDataFrame | None,
    date: object,
) -> str:
    """The HTML of one sheet (printed to PDF by :func:`write_factsheets`); ``subject`` is ``belt`` or a zone id."""
    on_sheet = zones if subject == BELT_SHEET else zones[zones["zone_id"] == subject]
    if on_sheet.empty:
        raise ValueError(f"no zone {subject!r}")
    title = _sheet_title(on_sheet, subject, language)
    schematic = bool((on_sheet["geometry_quality"] == GeometryQuality.SCHEMATIC).any())
    date_text = date.strftime("%Y-%m-%d") if hasattr(date, "strftime") else str(date)
    parts = [
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="date">{escape(i18n.text("built_on", language, date=date_text))}</p></header>',
        f'<figure class="map">{map_svg(zones, subject=subject, language=language, context=context, points=points)}',
        f"<figcaption>{escape(i18n.text('factsheet_map_note', language))}</figcaption></figure>",
        _legend(zones, subject, language, context=context, points=points),
    ]
    if schematic:
        statement = f"{i18n.text('schematic_label', language)}. {i18n.text('schematic_note', language)}"
        parts.append(f'<p class="schematic">{escape(statement)}</p>')
    parts.append(_area_table(zones, audit, subject, language))
    parts.append(_claims_table(zones, audit, subject, language))
    body = "\n".join(parts)
    return f"""<!DOCTYPE html>
<html lang="{escape(language)}"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>{_css(language)}</style></head>
<body>
{body}
</body></html>
"""


def _css(language: str) -> str:
    return f"""
@page {{ size: A4; margin: 12mm 12mm 14mm 12mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: {FONT_FAMILIES[language]}; font-size: 8.5pt; color: #111; margin: 0; }}
h1 {{ font-size: 15pt; margin: 0 0 1mm 0; }}
h2 {{ font-size: 11pt; margin: 4mm 0 1.5mm 0; }}
.date {{ margin: 0 0 2mm 0; color: #444; }}
figure.map {{ margin: 0; border: 0.3mm solid #888; width: 186mm; }}
figure.map svg {{ display: block; width: 186mm; height: {186 * MAP_HEIGHT / MAP_WIDTH:.1f}mm; }}
figcaption {{ font-size: 7pt; color: #555; padding: 0.8mm 1.5mm; border-top: 0.2mm solid #ccc; }}
.legend {{ display: flex; flex-wrap: wrap; gap: 1mm 5mm; margin: 2mm 0; font-size: 8pt; }}
.legend span.key {{ display: inline-block; width: 7mm; height: 3.5mm; vertical-align: -0.6mm; margin-right: 1mm; }}
.schematic {{ border-left: 1mm solid #d62728; padding: 1mm 2mm; background: #fff4f4; margin: 2mm 0; }}
table {{ border-collapse: collapse; width: 100%; page-break-inside: auto; }}
tr {{ page-break-inside: avoid; }}
th, td {{ border-bottom: 0.2mm solid #bbb; padding: 0.7mm 1.2mm; text-align: left; vertical-align: top; }}
th {{ background: #eee; font-weight: 600; }}
td.num {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
tr.off td {{ background: #fde8e8; }}
td.source {{ font-size: 7pt; overflow-wrap: anywhere; width: 34%; }}
td.verdict {{ white-space: nowrap; }}
td.id {{ font-size: 7pt; overflow-wrap: anywhere; }}
h2 {{ break-after: avoid-page; }}
tr.total td {{ font-weight: 600; }}
"""


def _zone_name(row: Mapping[str, object], language: str) -> str:
    name = row.get(f"name_{language}")
    if not isinstance(name, str) or not name.strip():
        name = row.get("name_ko") or row.get("feature_id")
    return str(name)


def _sheet_title(on_sheet: gpd.GeoDataFrame, subject: str, language: str) -> str:
    belt = i18n.text("belt_title", language)
    if subject == BELT_SHEET:
        return belt
    first = on_sheet.iloc[0]
    name = _zone_name(first, language)
    if len(on_sheet) > 1:  # "Bitgoeul … (Gwangju part)": the zone, not its first part
        name = name.split(" (")[0].split("（")[0]
    return f"{belt}: {name}"


# --- the map ------------------------------------------------------------------------------------------------


class _Frame:
    """From EPSG:5186 metres to SVG units: the extent of every zone (and point), padded, fitted to the box."""

    def __init__(self, bounds: Sequence[float]) -> None:
        minx, miny, maxx, maxy = bounds
        width, height = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
        minx, maxx = minx - width * MAP_PADDING, maxx + width * MAP_PADDING
        miny, maxy = miny - height * MAP_PADDING, maxy + height * MAP_PADDING
        self.scale = min(MAP_WIDTH / (maxx - minx), MAP_HEIGHT / (maxy - miny))
        # centre the extent in the box
        self.x0 = (minx + maxx) / 2 - MAP_WIDTH / 2 / self.scale
        self.y1 = (miny + maxy) / 2 + MAP_HEIGHT / 2 / self.scale

    def xy(self, coordinates: np.ndarray) -> np.ndarray:
        return np.column_stack([(coordinates[:, 0] - self.x0) * self.scale, (self.y1 - coordinates[:, 1]) * self.scale])

    def box(self) -> shapely.Geometry:
        return shapely.box(self.x0, self.y1 - MAP_HEIGHT / self.scale, self.x0 + MAP_WIDTH / self.scale, self.y1)


def _path(geometry: shapely.Geometry, frame: _Frame) -> str:
    """SVG path data of a (multi)polygon or (multi)line in page units."""
    commands = []
    for part in shapely.get_parts(geometry):
        rings = (
            [part.exterior, *part.interiors] if isinstance(part, shapely.Polygon) else [part]
        )  # lines are their own ring
        for ring in rings:
            xy = frame.xy(np.asarray(ring.coords))
            if len(xy) < 2:
                continue
            points = " ".join(f"{x:.{SVG_DECIMALS}f},{y:.{SVG_DECIMALS}f}" for x, y in xy)
            closing = "Z" if isinstance(part, shapely.Polygon) else ""
            commands.append(f"M{points}{closing}")
    return " ".join(commands)


def map_svg(
    zones: gpd.GeoDataFrame,
    *,
    subject: str,
    language: str,
    context: gpd.GeoDataFrame | None = None,
    points: gpd.GeoDataFrame | None = None,
) -> str:
    """The sheet's map as an SVG element: context, border, every zone (the subject's emphasised), points, labels,
    a scale bar and a north arrow, drawn in EPSG:5186."""
    planar = zones.to_crs(PLANAR_CRS)
    planar_points = points.to_crs(PLANAR_CRS) if points is not None and not points.empty else None
    bounds = list(planar.total_bounds)
    if planar_points is not None:
        px = planar_points.total_bounds
        bounds = [min(bounds[0], px[0]), min(bounds[1], px[1]), max(bounds[2], px[2]), max(bounds[3], px[3])]
    frame = _Frame(bounds)
    view = frame.box()
    layers = [f'<rect x="0" y="0" width="{MAP_WIDTH}" height="{MAP_HEIGHT}" fill="#fbfbf8"/>']
    labels_back: list[str] = []
    if context is not None and not context.empty:
        planar_context = context.to_crs(PLANAR_CRS)
        areas = planar_context[planar_context["kind"] != "border"]
        areas = areas[areas.intersects(view)]
        for _, row in areas.iterrows():
            layers.append(
                f'<path class="context" d="{_path(row.geometry, frame)}" fill="none" stroke="{style.CONTEXT_COLOR}" '
                'stroke-opacity="0.55" stroke-width="0.9"/>'
            )
            anchor = shapely.get_coordinates(row.geometry.representative_point())
            if view.contains(shapely.Point(anchor[0])):
                x, y = frame.xy(anchor)[0]
                name = row.get(f"name_{language}") if f"name_{language}" in row else None
                name = name if isinstance(name, str) and name else row.get("name_ko", "")
                labels_back.append(
                    f'<text x="{x:.1f}" y="{y:.1f}" class="context-label" text-anchor="middle" font-size="9" '
                    f'fill="#777">{escape(name)}</text>'
                )
        for _, row in planar_context[planar_context["kind"] == "border"].iterrows():
            layers.append(
                f'<path class="border" d="{_path(row.geometry.intersection(view.buffer(1)), frame)}" fill="none" '
                'stroke="#333" stroke-width="2.2" stroke-dasharray="10 4 2 4"/>'
            )
    layers += labels_back
    zone_labels = []
    for _, row in planar.iterrows():
        own = subject == BELT_SHEET or row["zone_id"] == subject
        schematic = row.get("geometry_quality") == GeometryQuality.SCHEMATIC
        colour = style.role_color(row.get("role"))
        opacity = ZONE_FILL_OPACITY if own else OTHER_ZONE_FILL_OPACITY
        if row.get("status") == Status.PLANNED:
            opacity *= 0.7
        dash = ' stroke-dasharray="7 4"' if schematic else ""
        layers.append(
            f'<path class="zone" d="{_path(row.geometry, frame)}" fill="{colour}" fill-opacity="{opacity:.2f}" '
            f'stroke="{colour}" stroke-width="{3.2 if own else 1.6}"{dash}/>'
        )
    for zone_id, group in planar.groupby("zone_id", sort=False):
        own = subject in (BELT_SHEET, zone_id)
        anchor = shapely.get_coordinates(shapely.union_all(group.geometry.values).representative_point())
        x, y = frame.xy(anchor)[0]
        name = _zone_name(group.iloc[0], language)
        if len(group) > 1:
            name = name.split(" (")[0].split("（")[0]
        zone_labels.append(
            f'<text x="{x:.1f}" y="{y - 12:.1f}" class="zone-label" text-anchor="middle" '
            f'font-size="{15 if own else 12}" '
            f'font-weight="{700 if own else 500}" fill="#111" stroke="#fff" stroke-width="4" paint-order="stroke">'
            f"{escape(name)}</text>"
        )
    if planar_points is not None:
        for _, row in planar_points.iterrows():
            x, y = frame.xy(shapely.get_coordinates(row.geometry))[0]
            layers.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#000" stroke="#fff" stroke-width="1.2"/>')
            right = x > MAP_WIDTH * 0.7  # labels of points near the right edge run leftwards
            zone_labels.append(
                f'<text x="{x - 7 if right else x + 7:.1f}" y="{y + 4:.1f}" '
                f'text-anchor="{"end" if right else "start"}" '
                'font-size="10" fill="#000" stroke="#fff" stroke-width="3" '
                f'paint-order="stroke">{escape(_zone_name(row, language))}</text>'
            )
    layers += zone_labels
    layers.append(_scale_bar(frame, language))
    layers.append(_north_arrow(language))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH} {MAP_HEIGHT}" '
        f'preserveAspectRatio="xMidYMid meet">{"".join(layers)}</svg>'
    )


def _nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ metres not over ``metres``."""
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def _scale_bar(frame: _Frame, language: str) -> str:
    length = _nice_length(MAP_WIDTH / 4 / frame.scale)
    width = length * frame.scale
    x, y = 24, MAP_HEIGHT - 28
    label = (
        f"{_format.number(length / 1000, 0 if length >= 1000 else 1)} {i18n.text('unit_km', language)}"
        if length >= 500
        else f"{_format.number(length)} {i18n.text('unit_m', language)}"
    )
    half = width / 2
    return (
        f'<g class="scale-bar"><rect x="{x - 6}" y="{y - 22}" width="{width + 12}" height="34" fill="#fff" '
        f'fill-opacity="0.85"/><rect x="{x}" y="{y}" width="{half:.1f}" height="6" fill="#000"/>'
        f'<rect x="{x + half:.1f}" y="{y}" width="{half:.1f}" height="6" fill="#fff" stroke="#000" stroke-width="1"/>'
        f'<text x="{x}" y="{y - 6}" font-size="11">0</text>'
        f'<text x="{x + width:.1f}" y="{y - 6}" font-size="11" text-anchor="end">{escape(label)}</text></g>'
    )


def _north_arrow(language: str) -> str:
    x, y = MAP_WIDTH - 40, 30
    return (
        f'<g class="north-arrow"><circle cx="{x}" cy="{y + 22}" r="24" fill="#fff" fill-opacity="0.85"/>'
        f'<path d="M{x},{y} L{x + 10},{y + 34} L{x},{y + 27} L{x - 10},{y + 34} Z" fill="#000"/>'
        f'<text x="{x}" y="{y + 52}" font-size="13" font-weight="700" text-anchor="middle">'
        f"{escape(i18n.text('north', language))}</text></g>"
    )


def _legend(
    zones: gpd.GeoDataFrame,
    subject: str,
    language: str,
    *,
    context: gpd.GeoDataFrame | None,
    points: gpd.GeoDataFrame | None,
) -> str:
    entries = []
    for role in dict.fromkeys(zones["role"].fillna("")):
        colour = style.role_color(role)
        entries.append((f"background:{colour};opacity:{ZONE_FILL_OPACITY + 0.2}", i18n.role_label(role, language)))
    if subject != BELT_SHEET and zones["zone_id"].nunique() > 1:
        entries.append(("background:#bbb;opacity:0.5", i18n.text("factsheet_other_zones", language)))
    if (zones["geometry_quality"] == GeometryQuality.SCHEMATIC).any():
        entries.append(("border:0.5mm dashed #444;height:3mm", i18n.text("schematic_label", language)))
    if context is not None and (context["kind"] != "border").any():
        entries.append((f"border:0.3mm solid {style.CONTEXT_COLOR};opacity:0.6", i18n.text("layer_context", language)))
    if context is not None and (context["kind"] == "border").any():
        entries.append(("border-top:0.6mm dashed #333;height:0", i18n.text("layer_border", language)))
    if points is not None and not points.empty:
        entries.append(
            ("background:#000;border-radius:50%;width:2.5mm;height:2.5mm", i18n.text("layer_points", language))
        )
    items = "".join(f'<span><span class="key" style="{css}"></span>{escape(label)}</span>' for css, label in entries)
    return f'<section class="legend"><strong>{escape(i18n.text("legend_title", language))}</strong>{items}</section>'


# --- the tables ---------------------------------------------------------------------------------------------


def _area_table(zones: gpd.GeoDataFrame, audit: AuditResult, subject: str, language: str) -> str:
    measured = audit.zones.set_index("feature_id")
    on_sheet = zones if subject == BELT_SHEET else zones[zones["zone_id"] == subject]
    headers = [
        i18n.text("report_col_name", language),
        i18n.text("report_col_quality", language),
        f"{i18n.text('report_col_m2', language)} (GRS80)",
        i18n.text("report_col_ha", language),
        i18n.text("report_col_pyeong", language),
        i18n.text("report_col_m2_planar", language),
        i18n.text("report_col_official_m2", language),
    ]
    rows = []
    for _, zone in on_sheet.iterrows():
        area = measured.loc[zone["feature_id"]]
        quality = zone.get("geometry_quality", "")
        quality_text = i18n.text("schematic_short", language) if quality == GeometryQuality.SCHEMATIC else quality
        cells = [
            f"<td>{escape(_zone_name(zone, language))}</td><td>{escape(quality_text)}</td>",
            *(_num(area[c], d) for c, d in (("area_m2", 0), ("area_ha", 2), ("area_pyeong", 0))),
            _num(area["area_m2_epsg5186"], 0),
            _num(zone.get("official_area_m2"), 0),
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    total = _total_row(zones, audit, subject, on_sheet, language)
    if total:
        rows.append(total)
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    title = f"{i18n.text('factsheet_areas', language)} — {i18n.text('area_heading', language)}"
    return _table("areas", title, head, rows)


def _total_row(
    zones: gpd.GeoDataFrame, audit: AuditResult, subject: str, on_sheet: gpd.GeoDataFrame, language: str
) -> str:
    """The belt (its in-belt union, as the audit measures it), or a zone of several parts (their union)."""
    if subject == BELT_SHEET:
        belt = audit.belt
        if not belt["members"]:
            return ""
        members = zones[zones["in_belt"].astype(bool)]
        name, m2, official = i18n.text("belt_union_name", language), belt["area_m2"], belt["official_sum_m2"]
    else:
        if len(on_sheet) < 2:
            return ""
        members = on_sheet
        name = _sheet_title(on_sheet, subject, language).split(": ", 1)[-1]
        m2 = union_area_m2(on_sheet)
        officials = on_sheet["official_area_m2"]
        official = float(officials.sum()) if officials.notna().all() else None
    planar = float(shapely.union_all(members.to_crs(PLANAR_CRS).geometry.values).area)
    cells = [
        f"<td>{escape(name)}</td><td></td>",
        _num(m2, 0),
        _num(m2 / 10_000, 2),
        _num(m2 * 121 / 400, 0),
        _num(planar, 0),
        _num(official, 0),
    ]
    return f'<tr class="total">{"".join(cells)}</tr>'


def _num(value: object, decimals: int) -> str:
    return f'<td class="num">{escape(_format.number(value, decimals))}</td>'


def _claims_on(audit: AuditResult, zones: gpd.GeoDataFrame, subject: str) -> pd.DataFrame:
    claims = audit.claims
    if subject == BELT_SHEET:
        return claims
    ids = {subject, *zones.loc[zones["zone_id"] == subject, "feature_id"]}
    return claims[claims["subject"].isin(ids)]


_UNITS: Final = {"m2": "unit_m2", "ha": "unit_ha", "km2": "unit_km2", "pyeong": "unit_pyeong"}


def _verdict_label(verdict: object, language: str) -> str:
    keys = {Verdict.HOLDS: "verdict_holds", Verdict.OFF: "verdict_off", Verdict.NOT_FOUND: "verdict_not_found"}
    key = keys.get(verdict) if isinstance(verdict, str) else None
    return i18n.text(key, language) if key else str(verdict)


def _claims_table(zones: gpd.GeoDataFrame, audit: AuditResult, subject: str, language: str) -> str:
    claims = _claims_on(audit, zones, subject)
    first = i18n.text("factsheet_failing_first", language)
    heading = f"{i18n.text('audit', language)} (±{audit.tolerance * 100:g} %; {first})"
    if claims.empty:
        empty = "no_claims_belt" if subject == BELT_SHEET else "no_claims"
        return f"<h2>{escape(heading)}</h2><p>{escape(i18n.text(empty, language))}</p>"
    failing = claims["verdict"] != Verdict.HOLDS
    ordered = pd.concat([claims[failing], claims[~failing]])
    headers = [
        i18n.text("report_col_claim", language),
        i18n.text("report_col_subject", language),
        i18n.text("report_col_published", language),
        i18n.text("report_col_claimed_m2", language),
        i18n.text("report_col_measured_m2", language),
        i18n.text("report_col_measured_diff", language),
        i18n.text("report_col_verdict", language),
        i18n.text("report_col_source", language),
    ]
    rows = []
    for _, claim in ordered.iterrows():
        publisher = claim.get(f"publisher_{language}")
        if not isinstance(publisher, str) or not publisher.strip():
            publisher = claim.get("publisher", "")
        subject_text = i18n.text("subject_belt", language) if claim["subject"] == BELT else claim["subject"]
        verdict = _verdict_label(claim["verdict"], language)
        if bool(claim.get("uncertain")):
            verdict += f" ({i18n.text('uncertain_claim', language)})"
        published = (
            f"{_format.number(claim['figure'], 0 if float(claim['figure']).is_integer() else 2)} {claim['unit']}"
        )
        source = " · ".join(str(v) for v in (publisher, claim.get("date"), claim.get("url")) if _present(v))
        row_class = ' class="off"' if claim["verdict"] != Verdict.HOLDS else ""
        rows.append(
            f'<tr{row_class}><td class="id">{escape(claim["claim_id"])}</td><td class="id">{escape(subject_text)}</td>'
            f'<td class="num">{escape(published)}</td>{_num(claim["claimed_m2"], 0)}{_num(claim["geometry_m2"], 0)}'
            f'<td class="num">{escape(_format.percent(claim["difference_pct"]))}</td>'
            f'<td class="verdict">{escape(verdict)}</td>'
            f'<td class="source">{escape(source)}</td></tr>'
        )
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return _table("claims", heading, head, rows)


def _table(kind: str, title: str, head: str, rows: list[str]) -> str:
    body = "".join(rows)
    return f'<h2>{escape(title)}</h2><table class="{kind}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _present(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())
