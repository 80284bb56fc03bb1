"""Interactive HTML maps of the belt, of each zone and of large parcel layers, built with folium.

Every map is one self-contained HTML file by default: Leaflet and the few controls the maps need (legend,
audit panel, full screen, area measurement, overlay opacity) are inlined, so the page requests nothing but
basemap tiles and still draws its data with no network at all. Strings from data are escaped with
:func:`geo._html.escape` before they reach the page.

Areas shown are those of the audit: ellipsoidal on GRS80 (m², ha, pyeong) with planar EPSG:5186 beside
them. Geometry is drawn in EPSG:4326 with coordinates rounded to
:data:`geo.settings.COORDINATE_DECIMALS` decimals (about 0.1 m).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import i18n, style, units
from .._html import escape
from ..area import GEOD, area_m2
from ..audit import AuditResult
from ..belt import belt_triangle
from ..io import write_text
from ..raster.overlays import RasterOverlay
from ..settings import COORDINATE_DECIMALS, GEOGRAPHIC_CRS, LANGUAGES, PLANAR_CRS
from .content import (
    ZONE_WEIGHT,
    belt_features,
    belt_panel,
    collection,
    feature,
    legend_html,
    point_features,
    round_degrees,
    zone_features,
    zone_panel,
    zone_title,
)
from .index import index_page, languages_index_page

if TYPE_CHECKING:
    import folium
    from branca.element import Figure

log = logging.getLogger(__name__)

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
#: Context boundaries are simplified to this tolerance (metres, in EPSG:5186) before drawing.
CONTEXT_SIMPLIFY_M: Final = 5.0
#: Outline width in pixels of context boundaries and parcels.
CONTEXT_WEIGHT: Final = 1
PARCEL_WEIGHT: Final = 1
#: Line opacity (0-1) of context lines, which stay in the background.
CONTEXT_OPACITY: Final = 0.8
#: Dash pattern (Leaflet dashArray, pixels) of the border.
BORDER_DASH: Final = "8 4 2 4"
#: Pixels kept free around the zones when the map opens (and beside the panel on wide screens).
FIT_PADDING_PX: Final = 24
#: The belt map's file stem; zone maps are ``zone_<id>``; each is followed by ``_<language>.html``.
BELT_STEM: Final = "belt"
INDEX_FILE: Final = "index.html"
#: Integer units per degree in the compact parcel encoding (10^COORDINATE_DECIMALS).
PARCEL_SCALE: Final = 10**COORDINATE_DECIMALS
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{3,8}$")


def belt_map(
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    language: str = "en",
    context: gpd.GeoDataFrame | None = None,
    points: gpd.GeoDataFrame | None = None,
    overlays: Sequence[RasterOverlay] = (),
    assets: str = "inline",
) -> folium.Map:
    """The belt map: every zone, the belt union and triangle, the audit panel, context, points and overlays.

    Parameters
    ----------
    zones
        Zone features as :func:`geo.load_zones` returns them (any CRS; drawn in EPSG:4326).
    audit
        :func:`geo.run_audit` of the same zones: areas (GRS80 ellipsoidal, EPSG:5186 planar) and verdicts.
    language
        ``"ko"``, ``"en"`` or ``"ja"``: every string on the map is in it.
    context
        Legal dongs, ri and the border (:func:`geo.load_context`); drawn switched off, except the border.
    points
        Site-selection points (:func:`geo.load_points`), with the geodesic distance to each zone.
    overlays
        Rasters to draw as image overlays, each with a legend and an opacity slider.
    assets
        ``"inline"`` (self-contained, the default) or ``"cdn"`` (Leaflet from a CDN: smaller files).

    Returns
    -------
    folium.Map
        Render it with :func:`render_html`.
    """
    return _zone_layers_map(
        zones, audit, language=language, context=context, points=points, overlays=overlays, assets=assets
    )


def zone_map(
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    zone_id: str,
    *,
    language: str = "en",
    context: gpd.GeoDataFrame | None = None,
    points: gpd.GeoDataFrame | None = None,
    overlays: Sequence[RasterOverlay] = (),
    assets: str = "inline",
) -> folium.Map:
    """The map of one zone (all its parts): as :func:`belt_map`, opened on the zone, with its own audit panel.

    Raises
    ------
    ValueError
        If no feature has ``zone_id``.
    """
    if not (zones["zone_id"] == zone_id).any():
        raise ValueError(f"no zone {zone_id!r}; use one of {', '.join(map(str, zones['zone_id'].unique()))}")
    return _zone_layers_map(
        zones,
        audit,
        language=language,
        context=context,
        points=points,
        overlays=overlays,
        assets=assets,
        focus=zone_id,
    )


def parcels_map(
    parcels: gpd.GeoDataFrame,
    *,
    language: str = "en",
    context: gpd.GeoDataFrame | None = None,
    label_column: str | None = None,
    assets: str = "inline",
) -> folium.Map:
    """A map of many small polygons (parcels) that stays light: canvas rendering and a compact encoding.

    Each parcel's tooltip gives its ellipsoidal area (GRS80) in pyeong and m², and its label if
    ``label_column`` is given. Coordinates are sent as integers of 10⁻⁶ degree, delta-encoded per ring, and
    decoded in the browser; Leaflet draws them on one canvas (``preferCanvas``).

    Parameters
    ----------
    parcels
        Polygons or multipolygons with a CRS.
    context
        Context boundaries, simplified to :data:`CONTEXT_SIMPLIFY_M` before drawing.
    """
    import folium

    from . import _leaflet

    i18n.check_language(language)
    geoms = parcels.to_crs(GEOGRAPHIC_CRS).geometry
    folium_map, figure = _new_map(geoms.total_bounds, language=language, assets=assets, prefer_canvas=True)
    figure.title = escape(i18n.text("layer_parcels", language))
    if context is not None:
        _add_context(folium_map, context, language=language)
    layer = folium.FeatureGroup(name=escape(i18n.text("layer_parcels", language)), show=True)
    labels = None if label_column is None else [escape(v) for v in parcels[label_column]]
    layer.add_child(_leaflet.ParcelLayer(_encode_parcels(geoms, labels=labels, language=language)))
    folium_map.add_child(layer)
    _add_controls(folium_map, language=language)
    _fit(folium_map)
    return folium_map


def render_html(folium_map: folium.Map) -> str:
    """The complete HTML page of a map made by this module, with ``<html lang>`` set."""
    figure = folium_map.get_root()
    html = figure.render()
    language = getattr(folium_map, "tb_language", "en")
    return html.replace("<html>", f'<html lang="{escape(language)}">', 1)


def output_files(zone_ids: Iterable[object], languages: Iterable[str], *, screenshots: bool = False) -> list[str]:
    """Names of the files :func:`write_maps` writes for these zones and languages (PNGs with ``screenshots``)."""
    stems = [BELT_STEM, *zone_file_stems(zone_ids).values()]
    maps = [f"{stem}_{language}.html" for language in languages for stem in stems]
    pngs = [name.removesuffix(".html") + ".png" for name in maps] if screenshots else []
    return [*maps, *pngs, *index_files(languages)]


def index_files(languages: Iterable[str]) -> list[str]:
    """Names of the index pages :func:`write_maps` writes: one per language, then ``index.html``."""
    return [*(f"index_{language}.html" for language in languages), INDEX_FILE]


def write_maps(
    out: str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    languages: Iterable[str] = LANGUAGES,
    context: gpd.GeoDataFrame | None = None,
    points: gpd.GeoDataFrame | None = None,
    overlays: Sequence[RasterOverlay] = (),
    assets: str = "inline",
    inputs: tuple[Path, ...] = (),
) -> list[Path]:
    """Write, per language, the belt map, one map per zone and an index page, plus ``index.html`` for all.

    Files are those of :func:`output_files`: ``belt_<lang>.html``, ``zone_<id>_<lang>.html`` (ids reduced to
    safe file-name characters) and ``index_<lang>.html``; each is written atomically and never over one of
    ``inputs``.

    Returns
    -------
    list of Path
        The map files written (not the index pages), belt maps first.
    """
    out = Path(out)
    languages = [i18n.check_language(language) for language in languages]
    stems = zone_file_stems(zones["zone_id"].unique())
    written: list[Path] = []
    for language in languages:
        options = {"language": language, "context": context, "points": points, "overlays": overlays}
        belt_path = out / f"{BELT_STEM}_{language}.html"
        write_text(belt_path, render_html(belt_map(zones, audit, assets=assets, **options)), inputs=inputs)
        written.append(belt_path)
        entries, zone_ids = [], list(stems)
        for zone_id, stem in stems.items():
            path = out / f"{stem}_{language}.html"
            write_text(path, render_html(zone_map(zones, audit, zone_id, assets=assets, **options)), inputs=inputs)
            written.append(path)
            entries.append((path.name, zone_title(zones[zones["zone_id"] == zone_id], language)))
        page = index_page(belt_path.name, entries, language=language, audit=audit, zone_ids=zone_ids)
        write_text(out / f"index_{language}.html", page, inputs=inputs)
    write_text(out / INDEX_FILE, languages_index_page(languages), inputs=inputs)
    log.info("wrote %d maps in %s to %s", len(written), ", ".join(languages), out)
    return written


def zone_file_stems(zone_ids: Iterable[object]) -> dict[str, str]:
    """File stems ``zone_<id>`` for zone ids, reduced to ``[a-z0-9_-]`` and made unique."""
    stems: dict[str, str] = {}
    used: set[str] = set()
    for zone_id in zone_ids:
        base = re.sub(r"[^a-z0-9_-]+", "-", str(zone_id).lower()).strip("-") or "zone"
        stem, n = f"zone_{base}", 1
        while stem in used:
            n += 1
            stem = f"zone_{base}-{n}"
        used.add(stem)
        stems[str(zone_id)] = stem
    return stems


def _zone_layers_map(
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    language: str,
    context: gpd.GeoDataFrame | None,
    points: gpd.GeoDataFrame | None,
    overlays: Sequence[RasterOverlay],
    assets: str,
    focus: str | None = None,
) -> folium.Map:
    import folium

    from . import _leaflet

    i18n.check_language(language)
    zones = zones.to_crs(GEOGRAPHIC_CRS)
    shown = zones if focus is None else zones[zones["zone_id"] == focus]
    folium_map, figure = _new_map(shown.total_bounds, language=language, assets=assets)
    title = i18n.text("belt_title", language)
    if focus is not None:
        title = f"{zone_title(shown, language)} — {i18n.text('zone_title_suffix', language)}"
    figure.title = escape(title)

    for overlay in overlays:
        _add_overlay(folium_map, overlay, language=language)
    if context is not None:
        _add_context(folium_map, context, language=language)

    # The belt goes under the zones: a wide halo around them that leaves their dashed outlines visible.
    if audit.belt["members"]:
        belt_layer = folium.FeatureGroup(name=escape(i18n.text("layer_belt", language)), show=True)
        belt_layer.add_child(_leaflet.GeoJsonLayer(belt_features(zones, audit, language=language)))
        folium_map.add_child(belt_layer)

    zone_layer = folium.FeatureGroup(name=escape(i18n.text("layer_zones", language)), show=True)
    zone_layer.add_child(_leaflet.GeoJsonLayer(zone_features(zones, audit, language=language)))
    folium_map.add_child(zone_layer)

    if points is not None and len(points):
        point_layer = folium.FeatureGroup(name=escape(i18n.text("layer_points", language)), show=True)
        point_layer.add_child(_leaflet.GeoJsonLayer(point_features(points, zones, language=language)))
        folium_map.add_child(point_layer)

    # One column on the right: title, audit and legend; the map's controls stay on the left.
    panel = belt_panel(audit, language=language) if focus is None else zone_panel(zones, audit, focus, language)
    legend = legend_html(zones, language=language, has_triangle=belt_triangle(zones) is not None)
    folium_map.add_child(
        _leaflet.Control(
            f'<h1>{escape(title)}</h1>{panel}<div class="tb-legend">{legend}</div>',
            position="topright",
            css_class="tb-panel",
        )
    )
    _add_controls(folium_map, language=language)
    _fit(folium_map)
    return folium_map


def _new_map(
    bounds: np.ndarray, *, language: str, assets: str, prefer_canvas: bool = False
) -> tuple[folium.Map, Figure]:
    """A folium Map in its own Figure with our basemaps and assets only; ``bounds`` (degrees) kept for _fit."""
    import folium
    import xyzservices.providers as providers
    from branca.element import Element, Figure

    from . import _assets, _leaflet

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
    folium_map.tb_language = language
    figure.add_child(folium_map)
    _assets.use_assets(folium_map, mode=assets)
    figure.header.add_child(Element(f"<style>{_leaflet.CSS}</style>"), name="triangle_belt_css")
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
    folium_map.tb_bounds = [[south, west], [north, east]]
    return folium_map, figure


def _add_controls(folium_map: folium.Map, *, language: str) -> None:
    """Layer control, metric scale bar, full-screen button and the area measure tool."""
    import folium

    from . import _leaflet

    folium.LayerControl(collapsed=True, position="topleft").add_to(folium_map)
    strings = {
        key: i18n.text(key, language)
        for key in (
            "zoom_in",
            "zoom_out",
            "fullscreen",
            "measure",
            "measure_hint",
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
    folium_map.add_child(_leaflet.Script(_leaflet.CONTROLS_JS, data={**strings, **ellipsoid}))


def _fit(folium_map: folium.Map) -> None:
    """Open the map on its bounds; added last so that it can keep clear of the panel."""
    from . import _leaflet

    folium_map.add_child(
        _leaflet.Script(_leaflet.FIT_JS, data={"bounds": folium_map.tb_bounds, "padding": FIT_PADDING_PX})
    )


def _add_context(folium_map: folium.Map, context: gpd.GeoDataFrame, *, language: str) -> None:
    """Legal dongs and ri (off), their names (off) and the Gwangju/Jeonnam border (on)."""
    import folium

    from . import _leaflet

    simplified = _simplify(context.to_crs(GEOGRAPHIC_CRS), CONTEXT_SIMPLIFY_M)
    kinds = simplified["kind"] if "kind" in simplified else pd.Series("legal_dong", index=simplified.index)
    areas = simplified[kinds != "border"]
    border = simplified[kinds == "border"]
    line = {"color": style.CONTEXT_COLOR, "weight": CONTEXT_WEIGHT, "fill": False, "opacity": CONTEXT_OPACITY}
    if len(areas):
        names = areas["name_ko"] if "name_ko" in areas else pd.Series("", index=areas.index)
        source = escape(areas["source"].iloc[0]) if "source" in areas else ""
        features = [
            feature(geom, style=line, tooltip=escape(name), popup=f"<b>{escape(name)}</b><br>{source}")
            for geom, name in zip(areas.geometry, names, strict=True)
        ]
        layer = folium.FeatureGroup(name=escape(i18n.text("layer_context", language)), show=False)
        layer.add_child(_leaflet.GeoJsonLayer(collection(features)))
        folium_map.add_child(layer)
        label_points = shapely.point_on_surface(areas.geometry.values)
        labels = [
            [round_degrees(p.x), round_degrees(p.y), escape(name)]
            for p, name in zip(label_points, names, strict=True)
            if name
        ]
        label_layer = folium.FeatureGroup(name=escape(i18n.text("layer_context_labels", language)), show=False)
        label_layer.add_child(_leaflet.LabelLayer(labels))
        folium_map.add_child(label_layer)
    if len(border):
        dashed = {**line, "weight": ZONE_WEIGHT, "dashArray": BORDER_DASH}
        features = [feature(geom.boundary if geom.area else geom, style=dashed) for geom in border.geometry]
        layer = folium.FeatureGroup(name=escape(i18n.text("layer_border", language)), show=True)
        layer.add_child(_leaflet.GeoJsonLayer(collection(features), interactive=False))
        folium_map.add_child(layer)


def _add_overlay(folium_map: folium.Map, overlay: RasterOverlay, *, language: str) -> None:
    """An image overlay in the layer control, with a legend and opacity slider shown while it is on."""
    import folium

    from . import _leaflet

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
            f'<div class="tb-ramp-labels"><span>{low:.3g}</span><span>{high:.3g}</span></div>'
        )
    percent = round(overlay.opacity * 100)
    html = (
        f"<h2>{escape(overlay.text('legend_title', language))}</h2>{bar}"
        f"<label>{escape(i18n.text('opacity', language))} "
        f'<input type="range" min="0" max="100" value="{percent}" class="tb-opacity"></label>'
    )
    folium_map.add_child(
        _leaflet.Control(
            html, position="bottomleft", css_class="tb-overlay-legend", setup=_leaflet.OVERLAY_JS, layer=image
        )
    )


def _simplify(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """``frame`` with geometries simplified to ``tolerance_m`` metres in EPSG:5186, back in EPSG:4326."""
    planar = frame.to_crs(PLANAR_CRS)
    planar = planar.set_geometry(planar.geometry.simplify(tolerance_m, preserve_topology=True))
    return planar.to_crs(GEOGRAPHIC_CRS)


def _encode_parcels(geoms: gpd.GeoSeries, *, labels: list[str] | None, language: str) -> dict:
    """Parcels as delta-encoded integer rings (10⁻⁶ degree) and their areas, for :class:`_ParcelLayer`.

    ``v`` holds, ring after ring, x, y of the first vertex relative to (``x0``, ``y0``) and then the
    difference to the previous vertex (closing vertices dropped); ``n`` the vertex count of each ring;
    ``r`` the polygon index of each ring (a polygon's first ring is its shell); ``p`` the parcel index of
    each polygon; ``a`` each parcel's area in pyeong and ``m`` in m² (GRS80).
    """
    values = np.asarray(geoms.values)
    polygons, parcel_of_polygon = shapely.get_parts(values, return_index=True)
    rings, polygon_of_ring = shapely.get_rings(polygons, return_index=True)
    coords, ring_of_coord = shapely.get_coordinates(rings, return_index=True)
    ints = np.rint(coords * PARCEL_SCALE).astype(np.int64)
    counts = np.bincount(ring_of_coord, minlength=len(rings))
    last = np.cumsum(counts) - 1
    keep = np.ones(len(ints), dtype=bool)
    keep[last[counts > 0]] = False  # the closing vertex repeats the first
    ints, ring_of_coord = ints[keep], ring_of_coord[keep]
    origin = ints.min(axis=0) if len(ints) else np.zeros(2, dtype=np.int64)
    deltas = np.diff(ints, axis=0, prepend=ints[:1])
    first = np.r_[True, ring_of_coord[1:] != ring_of_coord[:-1]] if len(ints) else np.zeros(0, dtype=bool)
    deltas[first] = ints[first] - origin
    areas = area_m2(geoms).to_numpy()
    return {
        "x0": int(origin[0]),
        "y0": int(origin[1]),
        "scale": PARCEL_SCALE,
        "v": deltas.ravel().tolist(),
        "n": np.bincount(ring_of_coord, minlength=len(rings)).tolist(),
        "r": polygon_of_ring.tolist(),
        "p": parcel_of_polygon.tolist(),
        "a": np.rint(units.m2_to_pyeong(areas)).astype(np.int64).tolist(),
        "m": np.rint(areas).astype(np.int64).tolist(),
        "labels": labels,
        "units": {"pyeong": i18n.text("unit_pyeong", language), "m2": i18n.text("unit_m2", language)},
        "style": {
            "color": style.ROLE_COLORS[""],
            "weight": PARCEL_WEIGHT,
            "fillOpacity": style.PLANNED_FILL_OPACITY,
        },
    }
