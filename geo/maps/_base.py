"""The pieces every map is built from: its options, a new page with our basemaps and assets, its panel,
controls and layout.

Every map takes the one options list :class:`MapOptions` (language, context, points, overlays, assets,
title, date). A map module (:mod:`geo.maps.belt`, :mod:`geo.maps.fez`, :mod:`geo.maps.parcels`) starts with
:func:`new_map`, which gives a :class:`MapPage` (the folium map and its figure, with the page's language and
the bounds it opens on), adds its layers, then :func:`add_panel` (title, findings, legend; on paper the title,
date and legend block), :func:`add_controls` and, last, :func:`fit`, which lays the map out and opens it on
its bounds. :func:`render_html` gives the page's HTML.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np

from .. import i18n, units
from .._html import escape
from ..area import GEOD
from ..raster.overlays import RasterOverlay
from ..settings import DEFAULT_LANGUAGE, GEOGRAPHIC_CRS, PLANAR_CRS
from ._controls import CONTROLS_JS
from ._css import CSS
from ._layout import LAYOUT_JS, NARROW_PX, NORTH_JS, PANEL_WIDTH_PX, POPUP_WIDTH_PX, SHORT_PX

#: A title for the maps: one string for every language, or one per language code (missing ones: the default).
Title = str | Mapping[str, str] | None

if TYPE_CHECKING:
    import folium
    from branca.element import Figure

#: Basemaps by key: (xyzservices provider name, message id of its layer name). The first is shown.
#: xyzservices (2026.9) marks CARTO's tiles as needing an API key, so the light basemap is Esri's grey canvas.
BASEMAPS: Final[dict[str, tuple[str, str]]] = {
    "light": ("Esri.WorldGrayCanvas", "basemap_light"),
    "osm": ("OpenStreetMap.Mapnik", "basemap_osm"),
    "imagery": ("Esri.WorldImagery", "basemap_imagery"),
}
#: Deepest zoom of the maps; basemaps with fewer native levels are enlarged beyond theirs.
MAX_ZOOM: Final = 19
#: Zoom levels snap to this fraction, so the opening view fits the zones closely.
ZOOM_SNAP: Final = 0.25
#: Pixels kept free around the zones when the map opens (and beside the panel on wide screens).
FIT_PADDING_PX: Final = 24


@dataclass(frozen=True, eq=False)
class MapOptions:
    """What every map is drawn with besides its zones and audit: the one options list of :func:`belt_map`,
    :func:`zone_map`, :func:`fez_map` and :func:`write_maps` (each also takes these as keywords).

    Attributes
    ----------
    language : str
        ``"ko"``, ``"en"`` or ``"ja"``: every string on the map is in it.
    context : GeoDataFrame or None
        Legal dongs, ri and the border (:func:`geo.load_context`); drawn switched off, except the border.
    points : GeoDataFrame or None
        Site-selection points (:func:`geo.load_points`), with the geodesic distance to each zone.
    overlays : sequence of RasterOverlay
        Rasters to draw as image overlays, each with a legend and an opacity slider.
    assets : str
        ``"inline"`` (self-contained, the default) or ``"cdn"`` (Leaflet from a CDN: smaller files).
    title : str, mapping or None
        The map's title: a string, or a mapping of language code to string; None for the bundled belt's title
        (:func:`map_title`). For a user's zone file pass something neutral, e.g. the file's name.
    date : str or None
        The date printed under the title on paper (``YYYY-MM-DD``); None for :func:`build_date`.
    """

    language: str = DEFAULT_LANGUAGE
    context: gpd.GeoDataFrame | None = None
    points: gpd.GeoDataFrame | None = None
    overlays: Sequence[RasterOverlay] = field(default=())
    assets: str = "inline"
    title: Title = None
    date: str | None = None

    def __post_init__(self) -> None:
        i18n.check_language(self.language)


def map_options(options: MapOptions | None = None, **changes: object) -> MapOptions:
    """``options`` (default: :class:`MapOptions`) with the fields named in ``changes`` replaced.

    Raises
    ------
    TypeError
        For a keyword that is no field of :class:`MapOptions`.
    """
    return replace(options or MapOptions(), **changes) if changes else (options or MapOptions())


@dataclass
class MapPage:
    """A map being built: the folium map in its own figure, the page's language and the bounds it opens on.

    The maps return it; :func:`render_html` gives its HTML. Nothing of ours is stored on the folium objects.
    """

    folium_map: folium.Map
    figure: Figure
    language: str
    #: ``[[south, west], [north, east]]`` in degrees: where the map opens (:func:`fit`).
    bounds: list[list[float]]

    def add(self, child: object) -> None:
        """Add a layer, control or script to the map."""
        self.folium_map.add_child(child)


def map_title(title: Title, language: str) -> str:
    """The title in ``language``: ``title`` itself, its entry for the language, or the bundled belt's title."""
    if isinstance(title, str) and title.strip():
        return title
    if isinstance(title, Mapping) and str(title.get(language) or "").strip():
        return str(title[language])
    return i18n.text("belt_title", language)


def build_date() -> str:
    """Today (UTC) as ``YYYY-MM-DD``, or the day of ``SOURCE_DATE_EPOCH`` when it is set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%d")
    return datetime.now(UTC).strftime("%Y-%m-%d")


def render_html(page: MapPage) -> str:
    """The complete HTML page of a map made by :mod:`geo.maps`, with ``<html lang>`` set."""
    html = page.figure.render()
    return html.replace("<html>", f'<html lang="{escape(page.language)}">', 1)


def new_map(bounds: np.ndarray, *, language: str, assets: str, prefer_canvas: bool = False) -> MapPage:
    """A folium Map in its own Figure with our basemaps and assets only, opening on ``bounds`` (degrees)."""
    import folium
    import xyzservices.providers as providers
    from branca.element import Element, Figure

    from . import _assets

    figure = Figure()
    west, south, east, north = (float(v) for v in bounds)
    folium_map = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        tiles=None,
        zoom_start=12,
        max_zoom=MAX_ZOOM,
        control_scale=False,
        zoom_control=False,
        prefer_canvas=prefer_canvas,
        zoom_snap=ZOOM_SNAP,
    )
    figure.add_child(folium_map)
    _assets.use_assets(folium_map, mode=assets)
    figure.header.add_child(Element(f"<style>{CSS}</style>"), name="triangle_belt_css")
    for index, (provider_name, message) in enumerate(BASEMAPS.values()):
        provider = providers.query_name(provider_name)
        folium.TileLayer(
            tiles=provider,
            name=escape(i18n.text(message, language)),
            max_zoom=MAX_ZOOM,
            max_native_zoom=provider.get("max_zoom", MAX_ZOOM),
            overlay=False,
            show=index == 0,
        ).add_to(folium_map)
    return MapPage(folium_map, figure, language, [[south, west], [north, east]])


def add_panel(
    page: MapPage,
    *,
    title: str,
    short: str,
    short_class: str,
    panel: str,
    print_panel: str,
    legend: str,
    date: str | None,
) -> None:
    """The map's panel (title, the one-line findings of the collapsed bar, the panel's HTML and the legend),
    and on paper the title and date above the map and the panel as a legend block below it (beside it,
    landscape). ``short``, ``panel``, ``print_panel`` and ``legend`` are HTML already escaped."""
    from branca.element import Element

    from . import _leaflet

    language, figure = page.language, page.figure
    page.add(
        _leaflet.Control(
            f'<details class="tb-panel-box" open><summary><h1>{escape(title)}</h1>'
            f'<span class="{short_class}">{short}</span></summary>'
            f'<div class="tb-panel-body">{panel}<div class="tb-legend">{legend}</div></div></details>',
            position="topright",
            css_class="tb-panel",
        )
    )
    built = escape(i18n.text("built_on", language, date=date or build_date()))
    figure.html.add_child(
        Element(f'<div class="tb-print tb-print-head"><h1>{escape(title)}</h1><p>{built}</p></div>'),
        name="tb_print_head",
    )
    figure.html.add_child(
        Element(f'<div class="tb-print tb-print-legend">{print_panel}<div class="tb-legend">{legend}</div></div>'),
        name="tb_print_legend",
    )


def with_points(bounds: np.ndarray, points: gpd.GeoDataFrame | None) -> np.ndarray:
    """``bounds`` (west, south, east, north in degrees) grown to take in ``points`` too (any CRS)."""
    if points is None or not len(points):
        return bounds
    west, south, east, north = points.to_crs(GEOGRAPHIC_CRS).total_bounds
    return np.array([min(bounds[0], west), min(bounds[1], south), max(bounds[2], east), max(bounds[3], north)])


def add_feature_layer(page: MapPage, name_key: str, features: dict) -> None:
    """A layer (switched on) named by the message ``name_key`` in the page's language, drawing a GeoJSON
    collection."""
    import folium

    from . import _leaflet

    layer = folium.FeatureGroup(name=escape(i18n.text(name_key, page.language)), show=True)
    layer.add_child(_leaflet.GeoJsonLayer(features))
    page.add(layer)


def add_controls(page: MapPage) -> None:
    """Layer control, metric scale bar, full-screen button and the area measure tool."""
    import folium

    from . import _leaflet

    language = page.language
    folium.LayerControl(collapsed=True, position="topleft").add_to(page.folium_map)
    strings = {
        key: i18n.text(key, language)
        for key in (
            "zoom_in",
            "zoom_out",
            "fullscreen",
            "measure",
            "measure_hint",
            "measure_hint_touch",
            "measure_finish",
            "measure_clear",
            "measure_area",
            "measure_perimeter",
            "measure_method",
            "unit_m2",
            "unit_ha",
            "unit_pyeong",
            "unit_m",
            "unit_km",
        )
    }
    # The measure tool works on GRS80: its semi-major axis (m) and squared eccentricity.
    ellipsoid = {"ellipsoid_a": GEOD.a, "ellipsoid_e2": GEOD.es}
    page.add(
        _leaflet.Script(
            CONTROLS_JS,
            data={
                **strings,
                **ellipsoid,
                "pyeong_per_m2": units.m2_to_pyeong(1.0),
                "m2_per_ha": units.to_m2(1.0, "ha"),
            },
        )
    )


def fit(page: MapPage) -> None:
    """The north arrow (shown on paper) and the layout: added last so that it can measure the panel."""
    from . import _leaflet

    page.add(_leaflet.Script(NORTH_JS, data={"north": i18n.text("north", page.language)}))
    page.add(
        _leaflet.Script(
            LAYOUT_JS,
            data={
                "bounds": page.bounds,
                "padding": FIT_PADDING_PX,
                "narrow": NARROW_PX,
                "short": SHORT_PX,
                "panel_width": PANEL_WIDTH_PX,
                "popup_width": POPUP_WIDTH_PX,
            },
        )
    )


def simplify(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """``frame`` with geometries simplified to ``tolerance_m`` metres in EPSG:5186, back in EPSG:4326."""
    planar = frame.to_crs(PLANAR_CRS)
    planar = planar.set_geometry(planar.geometry.simplify(tolerance_m, preserve_topology=True))
    return planar.to_crs(GEOGRAPHIC_CRS)
