"""The fact sheet as an HTML page: title and date, the map, its legend, the schematic statement and the tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import pandas as pd
import shapely

from .. import i18n, style
from .._html import escape
from ..audit import AuditResult
from ..belt import union
from ..fez import PILLARS, belt_claims, district_ground, fez_claims, pillar_label
from ..maps import Title, _static, findings, location_section, map_title
from ..schema import BELT, GeometryQuality
from ..settings import GEOGRAPHIC_CRS, PLANAR_CRS
from . import _svg, _tables

#: Width of the map on the page (mm): the A4 page less its margins; its height keeps the SVG's proportions.
MAP_WIDTH_MM: Final = 186
#: The most characters of the build's title on a sheet, and of a name on its map (the tables give names whole).
TITLE_CHARS: Final = 80
LABEL_CHARS: Final = 60
#: Font sizes (SVG units, 0.2 mm) of the labels: the sheet's own subjects, the other zones, site points.
OWN_LABEL_SIZE, OTHER_LABEL_SIZE, POINT_LABEL_SIZE = 15, 12, 10


def _date_text(date: object) -> str:
    return date.strftime("%Y-%m-%d") if hasattr(date, "strftime") else str(date)


def zone_sheet_html(
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    subject: str,
    language: str,
    context: gpd.GeoDataFrame | None,
    points: gpd.GeoDataFrame | None,
    date: object,
    title: Title = None,
    locations: pd.DataFrame | None = None,
) -> str:
    """The sheet of the belt (``subject`` ``belt``) or of one zone (a zone id), under the build's ``title``
    (:func:`geo.maps.map_title`: the belt's by default); a long zone name is shortened in the title and on the
    map, and given whole in the table. ``locations`` (:func:`geo.location.location_table`) adds the
    straight-line distances from the belt's zones, or from the zone, to the airports, rail and ports."""
    belt = subject == BELT
    on_sheet = zones if belt else zones[zones["zone_id"] == subject]
    if on_sheet.empty:
        raise ValueError(f"no zone {subject!r}")
    title = _tables.short_name(map_title(title, language), TITLE_CHARS)
    if not belt:
        title = f"{title}: {_tables.short_name(_tables.whole_name(on_sheet, language))}"
    own = (zones["zone_id"] == subject) | belt
    # The sheet opens on its own zones: the belt's (its members' zones) or the zone with its neighbourhood; the
    # rest of the layer is context. At national scale that keeps a 3,000-complex layer off one A4 map.
    belt_zones = zones[zones["zone_id"].isin(set(zones.loc[zones["in_belt"].astype(bool), "zone_id"]))]
    if belt:
        framed = belt_zones if len(belt_zones) else zones
        frame = _svg.Frame(_svg.planar_bounds(framed, points if len(belt_zones) else None))
    else:
        framed = on_sheet
        frame = _svg.Frame(_neighbourhood_bounds(on_sheet))
    box = frame.box()
    labels = _zone_labels(zones, own, language, required=_named(zones, audit) | (own & (not belt)), within=box)
    shown_points = _within(points, box)
    svg = _svg.map_svg(
        frame,
        _svg.zone_areas(zones, own),
        [*labels[0], *_point_labels(shown_points, language), *labels[1]],
        language=language,
        context=context,
        points=shown_points,
    )
    if belt:
        claims, empty = belt_claims(audit.claims), "no_claims_belt"
    else:
        ids = {subject, *on_sheet["feature_id"]}
        claims, empty = audit.claims[audit.claims["subject"].isin(ids)], "no_claims"
    return _page(
        title,
        language,
        date=date,
        svg=svg,
        legend=_legend(_zone_keys(_within_box(zones, box), language), language, context=context, points=shown_points,
                       schematic=(zones["geometry_quality"] == GeometryQuality.SCHEMATIC).any()),
        schematic=(on_sheet["geometry_quality"] == GeometryQuality.SCHEMATIC).any(),
        convergence=_convergence_deg(box),
        credit=boundary_credit(context, language),
        tables=[
            _tables.zones_table(framed if belt else on_sheet, audit, belt=belt, language=language,
                                others=len(zones) - len(framed) if belt else 0),
            _tables.claims_table(claims, tolerance=audit.tolerance, empty=empty, language=language,
                                 subjects=findings.subject_names(zones, language)),
            location_section(locations, language=language, zone_ids=None if belt else [subject]),
        ],
    )  # fmt: skip


def fez_sheet_html(
    districts: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    language: str,
    context: gpd.GeoDataFrame | None,
    points: gpd.GeoDataFrame | None,
    date: object,
) -> str:
    """The sheet of the Free Economic Zone: its districts by pillar over the belt's zones, their areas and claims."""
    if audit.fez is None:
        raise ValueError("the audit has no FEZ summary: audit the claims with the districts (geo.fez.audit_with_fez)")
    frame = _svg.Frame(_svg.planar_bounds(zones, districts, points))
    # A zone part that is a district's ground is drawn once, as the district: each colour keeps one meaning.
    zones = zones[~district_ground(zones, districts)]
    areas = [
        *_svg.zone_areas(zones, [False] * len(zones)),
        *_svg.zone_areas(districts, [True] * len(districts), colour_of=_pillar_colour),
    ]
    every = pd.Series(True, index=districts.index)
    own, _ = _zone_labels(districts, every, language, required=every, by="feature_id")
    _, zone_labels = _zone_labels(zones, pd.Series(False, index=zones.index), language, required=_named(zones, audit))
    svg = _svg.map_svg(
        frame, areas, [*own, *_point_labels(points, language), *zone_labels],
        language=language, context=context, points=points,
    )  # fmt: skip
    keys = [(f"background:{style.pillar_color(p)};opacity:0.65", pillar_label(p, language)) for p in PILLARS]
    keys += _zone_keys(zones, language)
    schematic = bool((districts["geometry_quality"] == GeometryQuality.SCHEMATIC).any())
    return _page(
        i18n.text("fez_map_title", language),
        language,
        date=date,
        svg=svg,
        legend=_legend(keys, language, context=context, points=points, schematic=schematic),
        schematic=schematic,
        convergence=_convergence_deg(frame.box()),
        credit=boundary_credit(context, language),
        tables=[
            _tables.district_table(districts, audit.fez, language=language),
            _tables.claims_table(
                fez_claims(audit.claims),
                tolerance=audit.tolerance,
                empty="fez_no_claims",
                language=language,
                subjects=findings.fez_subject_names(districts, language),
            ),
        ],
    )


def boundary_credit(context: gpd.GeoDataFrame | None, language: str) -> str:
    """The credit the sheet gives NGII where it draws NGII's boundaries (publisher, base date, licence), as the
    index pages' sources give it; empty when no context is drawn or its sources do not name NGII."""
    if context is None or context.empty or "source" not in context:
        return ""
    if not context["source"].astype(str).str.contains("NGII", regex=False).any():
        return ""
    return i18n.text("credit_ngii_full", language)


def _pillar_colour(row: pd.Series) -> str:
    return style.pillar_color(row.get("pillar"))


def _zone_labels(
    zones: gpd.GeoDataFrame,
    own: pd.Series,
    language: str,
    *,
    required: pd.Series,
    by: str = "zone_id",
    within: shapely.Geometry | None = None,
) -> tuple[list[_svg.Label], list[_svg.Label]]:
    """One label per zone (``by``: per feature) at its union's representative point: own ones, then the others.

    A zone's label is ``required`` (always placed) where the mask says so; the others give way when crowded.
    With ``within`` (the map box, EPSG:5186) a zone whose point lies outside it gets no label: it is not drawn.
    """
    planar = zones.to_crs(PLANAR_CRS)
    first, second = [], []
    for _, group in planar.groupby(by, sort=False):
        is_own = bool(own.loc[group.index].any())
        anchor = shapely.get_coordinates(union(group.geometry.values).representative_point())[0]
        if within is not None and not within.contains(shapely.Point(anchor)):
            continue
        label = _svg.Label(
            _tables.short_name(_tables.whole_name(group, language), LABEL_CHARS),
            tuple(anchor),
            "area",
            OWN_LABEL_SIZE if is_own else OTHER_LABEL_SIZE,
            weight=700 if is_own else 500,
            required=bool(required.loc[group.index].any()),
        )
        (first if is_own else second).append(label)
    return first, second


def _named(zones: gpd.GeoDataFrame, audit: AuditResult) -> pd.Series:
    """The zones whose names a sheet always shows: the belt's and those a claim is about."""
    claimed = set(audit.claims["subject"].astype(str)) if "subject" in audit.claims else set()
    in_belt = zones["in_belt"].astype(bool) if "in_belt" in zones else pd.Series(False, index=zones.index)
    return in_belt | zones["zone_id"].astype(str).isin(claimed) | zones["feature_id"].astype(str).isin(claimed)


#: A zone's sheet shows this much around the zone (metres, EPSG:5186), as its map does (geo.maps.belt).
SHEET_NEIGHBOURHOOD_M: Final = 3_000.0


def _neighbourhood_bounds(parts: gpd.GeoDataFrame) -> list[float]:
    """The EPSG:5186 bounds of ``parts`` grown by :data:`SHEET_NEIGHBOURHOOD_M` on every side."""
    west, south, east, north = parts.to_crs(PLANAR_CRS).total_bounds
    margin = SHEET_NEIGHBOURHOOD_M
    return [west - margin, south - margin, east + margin, north + margin]


def _within_box(zones: gpd.GeoDataFrame, box: shapely.Geometry) -> gpd.GeoDataFrame:
    """The zones the map box (EPSG:5186) shows some of: the legend keys only what the map shows."""
    return zones[zones.to_crs(PLANAR_CRS).intersects(box).to_numpy()]


def _within(points: gpd.GeoDataFrame | None, box: shapely.Geometry) -> gpd.GeoDataFrame | None:
    """The points inside the map box (EPSG:5186), or None."""
    if points is None or points.empty:
        return None
    inside = shapely.contains_xy(box, *shapely.get_coordinates(points.to_crs(PLANAR_CRS).geometry.values).T)
    return points[inside] if inside.any() else None


def _convergence_deg(box: shapely.Geometry) -> float:
    """Grid convergence of EPSG:5186 (degrees between grid and true north) at the map box's centre."""
    from pyproj import Proj, Transformer

    centre = box.centroid
    lon, lat = Transformer.from_crs(PLANAR_CRS, GEOGRAPHIC_CRS, always_xy=True).transform(centre.x, centre.y)
    return float(Proj(PLANAR_CRS).get_factors(lon, lat).meridian_convergence)


def _point_labels(points: gpd.GeoDataFrame | None, language: str) -> list[_svg.Label]:
    if points is None or points.empty:
        return []
    planar = points.to_crs(PLANAR_CRS)
    anchors = shapely.get_coordinates(planar.geometry.values)
    return [
        _svg.Label(
            _tables.short_name(_tables.zone_name(row, language), LABEL_CHARS),
            tuple(xy),
            "point",
            POINT_LABEL_SIZE,
            halo=3,
            fill="#000",
        )
        for (_, row), xy in zip(planar.iterrows(), anchors, strict=True)
    ]


def _zone_keys(zones: gpd.GeoDataFrame, language: str) -> list[tuple[str, str]]:
    """One key per role the zones drawn have, in the colour their fill and outline are drawn in (the sheet's own
    zones stand out by their heavier outline and bolder name, not by another colour)."""
    return [
        (f"background:{style.role_color(role)};opacity:{_svg.OWN_FILL_OPACITY + 0.2}", i18n.role_label(role, language))
        for role in dict.fromkeys(zones["role"].fillna(""))
    ]


def _legend(
    keys: Sequence[tuple[str, str]],
    language: str,
    *,
    context: gpd.GeoDataFrame | None,
    points: gpd.GeoDataFrame | None,
    schematic: bool,
) -> str:
    """The legend: ``keys`` (CSS of the swatch, label), then outlines, context, border and points as drawn."""
    entries = list(keys)
    if schematic:
        entries.append(("border:0.5mm dashed #444;height:3mm", i18n.text("schematic_label", language)))
    kinds = set(context["kind"]) if context is not None else set()
    if _svg.UNIT_KIND in kinds:
        line = f"border-top:0.3mm solid {style.UNIT_COLOR};opacity:{_svg.UNIT_OPACITY};height:0"
        entries.append((line, i18n.text("layer_admin", language)))
    if kinds - {_svg.UNIT_KIND, _svg.BORDER_KIND}:
        entries.append((f"border:0.3mm solid {style.CONTEXT_COLOR};opacity:0.6", i18n.text("layer_context", language)))
    if _svg.BORDER_KIND in kinds:
        entries.append(("border-top:0.6mm dashed #333;height:0", i18n.text("layer_border", language)))
    if points is not None and not points.empty:
        entries.append(
            ("background:#000;border-radius:50%;width:2.5mm;height:2.5mm", i18n.text("layer_points", language))
        )
    items = "".join(f'<span><span class="key" style="{css}"></span>{escape(label)}</span>' for css, label in entries)
    return f'<section class="legend"><strong>{escape(i18n.text("legend_title", language))}</strong>{items}</section>'


def _page(
    title: str,
    language: str,
    *,
    date: object,
    svg: str,
    legend: str,
    schematic: bool,
    tables: Sequence[str],
    convergence: float,
    credit: str = "",
) -> str:
    # The north arrow points to grid north; the note says how far that is from true north on this map.
    note = escape(i18n.text("factsheet_map_note", language, convergence=f"{abs(convergence):.1f}"))
    if credit:
        note += f'<br><span class="credit">{escape(credit)}</span>'
    parts = [
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="date">{escape(i18n.text("built_on", language, date=_date_text(date)))}</p></header>',
        f'<figure class="map">{svg}',
        f"<figcaption>{note}</figcaption></figure>",
        legend,
    ]
    if schematic:
        statement = f"{i18n.text('schematic_label', language)}. {i18n.text('schematic_note', language)}"
        parts.append(f'<p class="schematic">{escape(statement)}</p>')
    parts += tables
    body = "\n".join(parts)
    return f"""<!DOCTYPE html>
<html lang="{escape(language)}"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>{_CSS}</style></head>
<body>
{body}
</body></html>
"""


def map_size(scale: float = 1.0) -> dict[str, str]:
    """The map's printed size at ``scale`` of its full width (:data:`MAP_WIDTH_MM`), its proportions kept, as
    the stylesheet's custom properties (``--tb-map-width``, ``--tb-map-height``)."""
    width = MAP_WIDTH_MM * scale
    return {"map-width": f"{round(width, 1):g}mm", "map-height": f"{width * _svg.MAP_HEIGHT / _svg.MAP_WIDTH:.1f}mm"}


def fit_css(map_scale: float, text_pt: float | None = None) -> str:
    """CSS for a sheet that would run over its pages as it is: the map at ``map_scale`` of its width and, with
    ``text_pt``, the text at that size (``factsheet-fit.css``)."""
    if text_pt is None:
        return _static.custom_properties(map_size(map_scale))
    return _static.custom_properties({**map_size(map_scale), "fit-text": f"{text_pt:g}pt"}) + _FIT_CSS


#: The page's stylesheet (``geo/maps/static/factsheet.css`` after the shared ``theme.css``; its fonts by the
#: page's ``lang``), with the map's printed size.
_CSS: Final = _static.stylesheet("factsheet.css", map_size())
#: The denser text of a sheet that would run over its pages (:func:`fit_css`).
_FIT_CSS: Final = _static.read("factsheet-fit.css")
