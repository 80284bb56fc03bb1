"""Context on a map: legal-dong and ri boundaries with their names, the Gwangju–Jeonnam border, raster overlays.

Boundaries are simplified to :data:`CONTEXT_SIMPLIFY_M` and drawn in the background, dongs and ri switched off
and the border on; each raster overlay gets a legend (its colour ramp, values to 3 significant digits) and an
opacity slider, shown while the overlay is on.
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
from ..settings import GEOGRAPHIC_CRS
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
#: Legend colours an overlay may give (anything else is left out of the ramp).
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{3,8}$")


def add_context(page: MapPage, context: gpd.GeoDataFrame) -> None:
    """Legal dongs and ri (off), their names (off) and the Gwangju/Jeonnam border (on)."""
    import folium

    from . import _leaflet

    folium_map, language = page.folium_map, page.language
    simplified = simplify(context.to_crs(GEOGRAPHIC_CRS), CONTEXT_SIMPLIFY_M)
    kinds = simplified["kind"] if "kind" in simplified else pd.Series("legal_dong", index=simplified.index)
    areas = simplified[kinds != "border"]
    border = simplified[kinds == "border"]
    line = {"color": style.CONTEXT_COLOR, "weight": CONTEXT_WEIGHT, "fill": False, "opacity": CONTEXT_OPACITY}
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
        layer.add_child(_leaflet.GeoJsonLayer(collection(features)))
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
        layer.add_child(_leaflet.GeoJsonLayer(collection(features), interactive=False))
        folium_map.add_child(layer)


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
