"""Context on a map: gu/si/gun and legal-dong/ri boundaries with their names, the Gwangju–Jeonnam border, overlays.

Boundaries are simplified to :data:`CONTEXT_SIMPLIFY_M` and drawn in the background: the gu, si and gun (kind
``sigungu``) with their names on, thin grey lines and small grey labels placed away from the zones
(:func:`unit_label_points`) that give way to every other label; the dongs and ri switched off; the border on. Every
NGII layer credits NGII in the map's attribution while it is shown. Each raster overlay gets a legend (its colour
ramp, its ends at the precision the span calls for: :func:`geo._format.range_labels`) and an opacity slider,
shown while the overlay is on.
"""

from __future__ import annotations

import re
from typing import Final

import geopandas as gpd
import pandas as pd
import shapely

from .. import _format as fmt
from .. import i18n, style
from .._html import escape
from ..raster.overlays import RasterOverlay
from ..settings import GEOGRAPHIC_CRS, PLANAR_CRS
from ._base import MapPage, simplify
from ._controls import OVERLAY_JS
from ._text import localised
from .content import LABEL_PRIORITY, ZONE_WEIGHT, collection, feature, round_degrees

#: Context boundaries are simplified to this tolerance (metres, in EPSG:5186) before drawing.
CONTEXT_SIMPLIFY_M: Final = 5.0
#: Outline width in pixels of context boundaries.
CONTEXT_WEIGHT: Final = 1
#: Line opacity (0-1) of context lines, which stay in the background.
CONTEXT_OPACITY: Final = 0.8
#: Dash pattern (Leaflet dashArray, pixels) of the border.
BORDER_DASH: Final = "8 4 2 4"
#: Outline width (pixels) and line opacity of the gu/si/gun boundaries, drawn on by default: thinner and lighter
#: than a zone's outline (:data:`geo.maps.content.ZONE_WEIGHT`), so they stay background.
UNIT_WEIGHT: Final = 1
UNIT_OPACITY: Final = 0.7
#: Context kinds: the gu/si/gun, the border line; every other kind (legal_dong, ri) is a dong or ri.
UNIT_KIND: Final = "sigungu"
BORDER_KIND: Final = "border"
#: A gu/si/gun's label is placed at least this far (metres, EPSG:5186) from the zones, where the unit allows.
LABEL_CLEARANCE_M: Final = 1_500.0
#: The view a map's unit labels go in: its opening bounds grown by this fraction of their larger side.
LABEL_VIEW_MARGIN: Final = 0.1
#: Tolerance (metres) of the pole of inaccessibility a label sits on.
LABEL_TOLERANCE_M: Final = 10.0
#: Legend colours an overlay may give (anything else is left out of the ramp).
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{3,8}$")


def unit_name(row: pd.Series | dict, language: str) -> str:
    """A gu/si/gun's name in ``language`` from the glossary (``place_<code>``), else the row's own names."""
    key = f"place_{row.get('code')}"
    return i18n.text(key, language) if key in i18n.MESSAGES else localised(pd.Series(row), language)


def unit_label_points(
    units: gpd.GeoDataFrame, *, avoid: shapely.Geometry | None = None, view: shapely.Geometry | None = None
) -> list[shapely.Point]:
    """Where each gu/si/gun's label goes (EPSG:4326): the pole of inaccessibility of the part of the unit within
    ``view`` (EPSG:4326; a neighbour's label then sits near the map's subject, not at its own far centre) and
    more than :data:`LABEL_CLEARANCE_M` from ``avoid`` (the zones), falling back to less where nothing is left.
    """
    from shapely.ops import polylabel

    planar = units.to_crs(PLANAR_CRS).geometry.values
    to_planar = gpd.GeoSeries([g for g in (avoid, view) if g is not None], crs=GEOGRAPHIC_CRS).to_crs(PLANAR_CRS)
    planar_avoid = to_planar.iloc[0] if avoid is not None else None
    planar_view = to_planar.iloc[-1] if view is not None else None
    clearance = planar_avoid.buffer(LABEL_CLEARANCE_M) if planar_avoid is not None else None
    points = []
    for unit in planar:
        seen = unit.intersection(planar_view) if planar_view is not None else unit
        tries = [seen, unit]
        if clearance is not None:
            near = planar_avoid.buffer(LABEL_CLEARANCE_M / 3)
            tries = [seen - clearance, seen - near, unit - clearance, *tries]
        region = next(r for r in [*tries, unit] if r.area > 0)
        largest = max(shapely.get_parts(region), key=lambda part: part.area)
        points.append(polylabel(largest, tolerance=LABEL_TOLERANCE_M) if largest.area else largest.point_on_surface())
    return list(gpd.GeoSeries(points, crs=PLANAR_CRS).to_crs(GEOGRAPHIC_CRS).values)


def add_context(page: MapPage, context: gpd.GeoDataFrame, *, avoid: shapely.Geometry | None = None) -> None:
    """The gu, si and gun with their names (on), legal dongs and ri (off), their names (off) and the
    Gwangju/Jeonnam border (on). ``avoid`` (EPSG:4326, the zones) keeps the units' labels off the zones."""
    import folium

    from . import _leaflet

    folium_map, language = page.folium_map, page.language
    simplified = simplify(context.to_crs(GEOGRAPHIC_CRS), CONTEXT_SIMPLIFY_M)
    kinds = simplified["kind"] if "kind" in simplified else pd.Series("legal_dong", index=simplified.index)
    areas = simplified[(kinds != BORDER_KIND) & (kinds != UNIT_KIND)]
    units = simplified[kinds == UNIT_KIND]
    border = simplified[kinds == BORDER_KIND]
    line = {"color": style.CONTEXT_COLOR, "weight": CONTEXT_WEIGHT, "fill": False, "opacity": CONTEXT_OPACITY}
    # Leaflet's attribution control shows a layer's credit while the layer is on the map.
    attribution = escape(i18n.text("credit_ngii", language))
    if len(units):
        _add_units(page, units, avoid=avoid, attribution=attribution)
    if len(areas):
        names = pd.Series([localised(row, language) for _, row in areas.iterrows()], index=areas.index, dtype=object)
        # The reader gets the publisher, in the page's language; the provenance (packages, dates, how the
        # names were romanised) stays in the data's own records (layers/README.md, the GeoPackage).
        credit = f"<small>{escape(i18n.text('credit_ngii', language))}</small>"
        features = [
            feature(geom, style=line, tooltip=escape(name), popup=f"<b>{escape(name)}</b><br>{credit}")
            for geom, name in zip(areas.geometry, names, strict=True)
        ]
        layer = folium.FeatureGroup(name=escape(i18n.text("layer_context", language)), show=False)
        layer.add_child(_leaflet.GeoJsonLayer(collection(features), attribution=attribution))
        folium_map.add_child(layer)
        label_points = shapely.point_on_surface(areas.geometry.values)
        labels = [
            [round_degrees(p.x), round_degrees(p.y), escape(name), LABEL_PRIORITY["context"]]
            for p, name in zip(label_points, names, strict=True)
            if name
        ]
        label_layer = folium.FeatureGroup(name=escape(i18n.text("layer_context_labels", language)), show=False)
        label_layer.add_child(_leaflet.LabelLayer(labels))
        folium_map.add_child(label_layer)
    if len(border):
        dashed = {**line, "weight": ZONE_WEIGHT, "dashArray": BORDER_DASH}
        features = [feature(geom.boundary if geom.area else geom, style=dashed) for geom in border.geometry]
        # A merged border (one line for the whole layer) is drawn as it is.
        layer = folium.FeatureGroup(name=escape(i18n.text("layer_border", language)), show=True)
        layer.add_child(_leaflet.GeoJsonLayer(collection(features), interactive=False, attribution=attribution))
        folium_map.add_child(layer)


def _add_units(page: MapPage, units: gpd.GeoDataFrame, *, avoid: shapely.Geometry | None, attribution: str) -> None:
    """The gu/si/gun layer, on: thin grey outlines and small grey names (the lowest label priority)."""
    import folium

    from . import _leaflet

    language = page.language
    line = {
        "color": style.UNIT_COLOR,
        "weight": UNIT_WEIGHT,
        "fill": False,
        "opacity": UNIT_OPACITY,
        "className": "tb-unit",
    }
    features = [feature(geom.boundary, style=line) for geom in units.geometry]
    (south, west), (north, east) = page.bounds
    # The map opens on its bounds and a little more (padding, the screen's shape): labels go in that view.
    margin = LABEL_VIEW_MARGIN * max(north - south, east - west)
    view = shapely.box(west - margin, south - margin, east + margin, north + margin)
    anchors = unit_label_points(units, avoid=avoid, view=view)
    labels = [
        [round_degrees(p.x), round_degrees(p.y), escape(unit_name(row, language)), LABEL_PRIORITY["context"]]
        for p, (_, row) in zip(anchors, units.iterrows(), strict=True)
    ]
    layer = folium.FeatureGroup(name=escape(i18n.text("layer_admin", language)), show=True)
    layer.add_child(_leaflet.GeoJsonLayer(collection(features), interactive=False, attribution=attribution))
    layer.add_child(_leaflet.LabelLayer(labels, css_class="tb-admin-label"))
    page.add(layer)


def context_legend(context: gpd.GeoDataFrame | None, language: str) -> str:
    """The legend rows of the context a map draws (escaped HTML): the gu/si/gun, the dongs and ri (drawn when
    switched on) and the border, each in the colour and line it is drawn with; empty without a context."""
    if context is None or context.empty:
        return ""
    kinds = set(context["kind"]) if "kind" in context else {"legal_dong"}
    rows = []
    if UNIT_KIND in kinds:
        line = f"border-top:{UNIT_WEIGHT}px solid {style.UNIT_COLOR};opacity:{UNIT_OPACITY}"
        rows.append((line, "layer_admin"))
    if kinds - {UNIT_KIND, BORDER_KIND}:
        line = f"border-top:{CONTEXT_WEIGHT}px solid {style.CONTEXT_COLOR};opacity:{CONTEXT_OPACITY}"
        rows.append((line, "layer_context"))
    if BORDER_KIND in kinds:
        rows.append(
            (f"border-top:{ZONE_WEIGHT}px dashed {style.CONTEXT_COLOR};opacity:{CONTEXT_OPACITY}", "layer_border")
        )
    items = "".join(
        f'<div class="tb-row"><span class="tb-line" style="{css}"></span>{escape(i18n.text(key, language))}</div>'
        for css, key in rows
    )
    return f"<h3>{escape(i18n.text('legend_context', language))}</h3>{items}"


def add_overlay(page: MapPage, overlay: RasterOverlay) -> None:
    """An image overlay in the layer control, with a legend and opacity slider shown while it is on."""
    import folium

    from . import _leaflet

    folium_map, language = page.folium_map, page.language
    (south, west), (north, east) = overlay.bounds
    image = folium.raster_layers.ImageOverlay(
        image=overlay.png_data_url,
        bounds=[[south, west], [north, east]],
        opacity=overlay.opacity,
        name=escape(overlay.text("name", language)),
        show=overlay.show,
        interactive=False,
    )
    folium_map.add_child(image)
    stops = [(float(v), c) for v, c in overlay.legend_stops if _HEX_COLOR.match(str(c))]
    bar = ""
    if stops:
        low, high = stops[0][0], stops[-1][0]
        span = (high - low) or 1.0
        gradient = ", ".join(f"{c} {(v - low) / span * 100:.1f}%" for v, c in stops)
        bar = (
            f'<div class="tb-ramp" style="background: linear-gradient(to right, {gradient})"></div>'
            '<div class="tb-ramp-labels"><span>{}</span><span>{}</span></div>'.format(*fmt.range_labels(low, high))
        )
    percent = round(overlay.opacity * 100)
    html = (
        f"<h2>{escape(overlay.text('legend_title', language))}</h2>{bar}"
        f"<label>{escape(i18n.text('opacity', language))} "
        f'<input type="range" min="0" max="100" value="{percent}" class="tb-opacity"></label>'
    )
    folium_map.add_child(
        _leaflet.Control(html, position="bottomleft", css_class="tb-overlay-legend", setup=OVERLAY_JS, layer=image)
    )
