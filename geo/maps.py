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
import math
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import i18n, style, units
from ._html import FONT_STACK, escape, first_url, link
from .area import GEOD, area_m2
from .audit import BELT, SCHEMATIC, VERDICT_HOLDS, VERDICT_NOT_FOUND, VERDICT_OFF, AuditResult, belt_geometry
from .io import write_text
from .overlay import RasterOverlay
from .settings import COORDINATE_DECIMALS, GEOGRAPHIC_CRS, LANGUAGES, PLANAR_CRS

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
#: Outline width in pixels of zones, of the belt union and of context boundaries.
ZONE_WEIGHT: Final = 2
BELT_WEIGHT: Final = 9
CONTEXT_WEIGHT: Final = 1
PARCEL_WEIGHT: Final = 1
#: Line opacity (0-1): the belt is a soft halo under the zones; context lines stay in the background.
BELT_OPACITY: Final = 0.45
TRIANGLE_OPACITY: Final = 0.8
CONTEXT_OPACITY: Final = 0.8
#: Dash patterns (Leaflet dashArray, pixels) of the triangle joining the complexes and of the border.
TRIANGLE_DASH: Final = "2 8"
BORDER_DASH: Final = "8 4 2 4"
#: Pixels kept free around the zones when the map opens (and beside the panel on wide screens).
FIT_PADDING_PX: Final = 24
#: The belt map's file stem; zone maps are ``zone_<id>``; each is followed by ``_<language>.html``.
BELT_STEM: Final = "belt"
INDEX_FILE: Final = "index.html"
METRES_PER_KM: Final = 1000.0
#: Integer units per degree in the compact parcel encoding (10^COORDINATE_DECIMALS).
PARCEL_SCALE: Final = 10**COORDINATE_DECIMALS
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
_VERDICT_MESSAGES = {VERDICT_HOLDS: "verdict_holds", VERDICT_OFF: "verdict_off", VERDICT_NOT_FOUND: "verdict_not_found"}


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------


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

    Files are ``belt_<lang>.html``, ``zone_<id>_<lang>.html`` (ids reduced to safe file-name characters)
    and ``index_<lang>.html``; each is written atomically and never over one of ``inputs``.

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
        f'<p class="note">{escape(style.SCHEMATIC_LABEL[language])}</p>'
    )
    return _page(title, body, language=language)


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
            + _claims_table(claims, language=language)
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
        status = ", ".join(style.STATUS_LABELS.get(s, {}).get(language, s) for s in statuses)
        schematic = (parts["geometry_quality"] == SCHEMATIC).all()
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
    return _page(i18n.text("index_title", languages[0]), f"<ul>{items}</ul>", language=languages[0])


def zone_distances_m(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Geodesic distance (GRS80, metres) from every point to every zone feature; 0 inside a zone.

    The nearest point of each zone is found in EPSG:5186 (planar; it moves the nearest point by far less
    than a metre at these distances), and the distance to it is measured along the GRS80 geodesic.

    Returns
    -------
    pandas.DataFrame
        Index of ``points``, one column per ``zones['feature_id']``, in metres.
    """
    from pyproj import Transformer

    planar_points = points.to_crs(PLANAR_CRS).geometry.values
    planar_zones = zones.to_crs(PLANAR_CRS).geometry.values
    to_lonlat = Transformer.from_crs(PLANAR_CRS, GEOGRAPHIC_CRS, always_xy=True)
    columns = {}
    for feature_id, zone in zip(zones["feature_id"], planar_zones, strict=True):
        ends = shapely.get_coordinates(shapely.shortest_line(planar_points, zone)).reshape(-1, 2, 2)
        lon, lat = to_lonlat.transform(ends[..., 0], ends[..., 1])
        _, _, distance = GEOD.inv(lon[:, 0], lat[:, 0], lon[:, 1], lat[:, 1])
        inside = shapely.intersects(zone, planar_points)
        columns[feature_id] = np.where(inside, 0.0, np.abs(distance))
    return pd.DataFrame(columns, index=points.index)


def zone_title(parts: gpd.GeoDataFrame, language: str) -> str:
    """The name of a zone from its parts' names: the part's own name, or what all parts' names share.

    For example "Bitgoeul National Industrial Complex (Gwangju part)" and "… (Hampyeong part)" give
    "Bitgoeul National Industrial Complex"; parts without a common name give the zone id.
    """
    names = [_zone_name(row, language) for _, row in parts.iterrows()]
    if len(set(names)) == 1:
        return names[0]
    # The common prefix of all names is that of the alphabetically first and last.
    first, last = min(names), max(names)
    length = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first))
    shared = first[:length].rstrip(" (（[-–—,、·")
    return shared or str(parts["zone_id"].iloc[0])


def belt_triangle(zones: gpd.GeoDataFrame) -> shapely.Geometry | None:
    """Line joining a representative point of each in-belt zone (all its in-belt parts), EPSG:4326.

    Closed (a triangle for the three complexes) with three zones or more, a segment with two, None with
    fewer. Points come from ``representative_point`` so each lies inside its zone.
    """
    in_belt = zones[zones["in_belt"].astype(bool)].to_crs(GEOGRAPHIC_CRS)
    vertices = [
        shapely.point_on_surface(shapely.union_all(group.geometry.values))
        for _, group in in_belt.groupby("zone_id", sort=False)
    ]
    if len(vertices) < 2:
        return None
    coordinates = [(p.x, p.y) for p in vertices]
    if len(coordinates) >= 3:
        coordinates.append(coordinates[0])
    return shapely.LineString(coordinates)


# ---------------------------------------------------------------------------------------------------------
# The zone maps
# ---------------------------------------------------------------------------------------------------------


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
        belt_layer.add_child(_leaflet.GeoJsonLayer(_belt_features(zones, audit, language=language)))
        folium_map.add_child(belt_layer)

    zone_layer = folium.FeatureGroup(name=escape(i18n.text("layer_zones", language)), show=True)
    zone_layer.add_child(_leaflet.GeoJsonLayer(_zone_features(zones, audit, language=language)))
    folium_map.add_child(zone_layer)

    if points is not None and len(points):
        point_layer = folium.FeatureGroup(name=escape(i18n.text("layer_points", language)), show=True)
        point_layer.add_child(_leaflet.GeoJsonLayer(_point_features(points, zones, language=language)))
        folium_map.add_child(point_layer)

    # One column on the right: title, audit and legend; the map's controls stay on the left.
    panel = _belt_panel(audit, language=language) if focus is None else _zone_panel(zones, audit, focus, language)
    legend = _legend_html(zones, language=language, has_triangle=belt_triangle(zones) is not None)
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
            _feature(geom, style=line, tooltip=escape(name), popup=f"<b>{escape(name)}</b><br>{source}")
            for geom, name in zip(areas.geometry, names, strict=True)
        ]
        layer = folium.FeatureGroup(name=escape(i18n.text("layer_context", language)), show=False)
        layer.add_child(_leaflet.GeoJsonLayer(_collection(features)))
        folium_map.add_child(layer)
        label_points = shapely.point_on_surface(areas.geometry.values)
        labels = [[_round(p.x), _round(p.y), escape(name)] for p, name in zip(label_points, names, strict=True) if name]
        label_layer = folium.FeatureGroup(name=escape(i18n.text("layer_context_labels", language)), show=False)
        label_layer.add_child(_leaflet.LabelLayer(labels))
        folium_map.add_child(label_layer)
    if len(border):
        dashed = {**line, "weight": ZONE_WEIGHT, "dashArray": BORDER_DASH}
        features = [_feature(geom.boundary if geom.area else geom, style=dashed) for geom in border.geometry]
        layer = folium.FeatureGroup(name=escape(i18n.text("layer_border", language)), show=True)
        layer.add_child(_leaflet.GeoJsonLayer(_collection(features), interactive=False))
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


def _zone_features(zones: gpd.GeoDataFrame, audit: AuditResult, *, language: str) -> dict:
    measured = audit.zones.set_index("feature_id")
    pyeong = i18n.text("unit_pyeong", language)
    features = []
    for i, (_, row) in enumerate(zones.iterrows()):
        areas = measured.loc[row["feature_id"]]
        schematic = row.get("geometry_quality") == SCHEMATIC
        planned = row.get("status") == "planned"
        feature_style = {
            "color": style.role_color(row.get("role")),
            "fillColor": style.role_color(row.get("role")),
            "weight": ZONE_WEIGHT,
            "opacity": 1.0,
            "fillOpacity": style.PLANNED_FILL_OPACITY if planned else style.OPERATING_FILL_OPACITY,
            "className": f"tb-zone tb-zone-{i}",
        }
        if schematic:
            feature_style["dashArray"] = style.SCHEMATIC_DASH
        name = escape(_zone_name(row, language))
        tag = f' <span class="tb-tag">{escape(i18n.text("schematic_short", language))}</span>' if schematic else ""
        tooltip = f"<b>{name}</b><br>{_number(areas['area_pyeong'])} {escape(pyeong)}{tag}"
        popup = _zone_popup(row, areas, audit, language=language)
        features.append(_feature(row.geometry, style=feature_style, tooltip=tooltip, popup=popup))
    return _collection(features)


def _zone_popup(row: pd.Series, areas: pd.Series, audit: AuditResult, *, language: str) -> str:
    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    role = row.get("role") or ""
    status = row.get("status") or ""
    official = areas.get("official_area_m2")
    if official is None or pd.isna(official):
        official_html = t("no_official_figure")
    else:
        source_text = str(row.get("official_area_source") or "")
        url = first_url(source_text)
        label = source_text.replace(url, "").strip(" ,;") if url else source_text
        source_html = link(url, label or i18n.text("source", language)) if url else escape(label)
        official_html = (
            f"{_number(official)} {t('unit_m2')} ({_number(units.m2_to_pyeong(official))} {t('unit_pyeong')})"
            + (f"<br><small>{t('source')}: {source_html}</small>" if source_html else "")
        )
    if row.get("geometry_quality") == SCHEMATIC:
        outline = f'<span class="tb-warn">{escape(style.SCHEMATIC_LABEL[language])}</span>'
    else:
        outline = t("outline_supplied")
    rows = [
        (t("area_heading"), ""),
        (t("unit_m2"), _number(areas["area_m2"])),
        (t("unit_ha"), _number(areas["area_ha"], 2)),
        (t("unit_pyeong"), _number(areas["area_pyeong"])),
        (t("area_planar"), f"{_number(areas['area_m2_epsg5186'])} {t('unit_m2')}"),
        (t("official_figure"), official_html),
        (t("status"), escape(_status_label(status, language))),
        (t("outline"), outline),
    ]
    table = "".join(
        f"<tr><th>{key}</th><td>{value}</td></tr>"
        if value
        else f'<tr><th colspan="2" class="tb-section">{key}</th></tr>'
        for key, value in rows
    )
    claims = audit.claims[audit.claims["subject"].isin([row["feature_id"], row["zone_id"]])]
    swatch = f'<span class="tb-swatch" style="background:{style.role_color(role)}"></span>'
    return (
        f'<div class="tb-popup-body"><h3>{escape(_zone_name(row, language))}</h3>'
        f'<div class="tb-role">{swatch}{escape(style.role_label(role, language))}</div>'
        f"<table>{table}</table>"
        f"<h4>{t('audit')} (±{audit.tolerance * 100:g} %)</h4>{_claims_table(claims, language=language)}</div>"
    )


def _claims_table(claims: pd.DataFrame, *, language: str) -> str:
    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    if claims.empty:
        return f"<p>{t('no_claims')}</p>"
    rows = []
    for claim in claims.to_dict("records"):
        source = " ".join(str(claim.get(k) or "") for k in ("publisher", "date")).strip()
        verdict = claim.get("verdict")
        css = "tb-ok" if verdict == VERDICT_HOLDS else "tb-off"
        uncertain = f' <span class="tb-tag">{t("uncertain_claim")}</span>' if claim.get("uncertain") is True else ""
        rows.append(
            "<tr>"
            f"<td>{link(claim.get('url'), source)}{uncertain}</td>"
            f"<td>{_number(claim.get('claimed_pyeong'))} {t('unit_pyeong')}"
            f"<br>{_number(claim.get('claimed_m2'))} {t('unit_m2')}</td>"
            f"<td>{_percent(claim.get('difference_pct'))}</td>"
            f'<td class="{css}">{t(_VERDICT_MESSAGES.get(verdict, "verdict_not_found"))}</td>'
            "</tr>"
        )
    header = f"<tr><th>{t('source')}</th><th>{t('claimed')}</th><th>{t('difference')}</th><th>{t('verdict')}</th></tr>"
    return f'<table class="tb-claims">{header}{"".join(rows)}</table>'


def _belt_features(zones: gpd.GeoDataFrame, audit: AuditResult, *, language: str) -> dict:
    belt = audit.belt
    area_text = (
        f"{_number(belt['area_m2'])} {i18n.text('unit_m2', language)} = "
        f"{_number(belt['area_pyeong'])} {i18n.text('unit_pyeong', language)}"
    )
    outline_style = {"color": style.BELT_COLOR, "weight": BELT_WEIGHT, "fill": False, "opacity": BELT_OPACITY}
    features = [
        _feature(
            belt_geometry(zones),
            style={**outline_style, "className": "tb-belt"},
            tooltip=f"<b>{escape(i18n.text('layer_belt', language))}</b><br>{escape(area_text)}",
        )
    ]
    triangle = belt_triangle(zones)
    if triangle is not None:
        coordinates = np.asarray(triangle.coords)
        _, _, sides = GEOD.inv(coordinates[:-1, 0], coordinates[:-1, 1], coordinates[1:, 0], coordinates[1:, 1])
        km = i18n.text("unit_km", language)
        lengths = " · ".join(f"{side / METRES_PER_KM:,.1f} {km}" for side in np.atleast_1d(sides))
        features.append(
            _feature(
                triangle,
                style={
                    **outline_style,
                    "weight": ZONE_WEIGHT + 1,
                    "opacity": TRIANGLE_OPACITY,
                    "dashArray": TRIANGLE_DASH,
                    "className": "tb-triangle",
                },
                tooltip=(
                    f"<b>{escape(i18n.text('layer_triangle', language))}</b><br>"
                    f"{escape(i18n.text('side_lengths', language))}: {escape(lengths)}"
                ),
            )
        )
    return _collection(features)


def _point_features(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, *, language: str) -> dict:
    distances = zone_distances_m(points, zones)
    names = {row["feature_id"]: _zone_name(row, language) for _, row in zones.iterrows()}
    km = escape(i18n.text("unit_km", language))
    features = []
    for index, row in points.to_crs(GEOGRAPHIC_CRS).iterrows():
        name = escape(_localised(row, language) or row.get("point_id"))
        items = "".join(
            f"<tr><th>{escape(names[fid])}</th><td>"
            + (escape(i18n.text("inside", language)) if d == 0 else f"{d / METRES_PER_KM:,.2f} {km}")
            + "</td></tr>"
            for fid, d in distances.loc[index].items()
        )
        uncertain = (
            f'<p class="tb-warn">{escape(i18n.text("uncertain", language))}</p>' if row.get("uncertain") is True else ""
        )
        source = str(row.get("source") or "")
        source_html = link(first_url(source), source) if first_url(source) else escape(source)
        popup = (
            f'<div class="tb-popup-body"><h3>{name}</h3>{uncertain}'
            f"<h4>{escape(i18n.text('distances', language))}</h4><table>{items}</table>"
            f"<p><small>{escape(i18n.text('source', language))}: {source_html}</small></p></div>"
        )
        features.append(_feature(row.geometry, label=name, popup=popup))
    return _collection(features)


def _belt_panel(audit: AuditResult, *, language: str) -> str:
    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    belt = audit.belt
    if not belt["members"]:
        return f"<p>{t('belt_empty')}</p>"
    measured = (
        f"<p><b>{t('belt_measured')}</b><br>"
        f'<span class="tb-big">{_number(belt["area_pyeong"])} {t("unit_pyeong")}</span> = '
        f"{_number(belt['area_m2'])} {t('unit_m2')}</p>"
    )
    if belt.get("official_sum_m2") is not None:
        measured += (
            f"<p>{t('belt_official_sum')}: {_number(belt['official_sum_m2'])} {t('unit_m2')} = "
            f"{_number(belt['official_sum_pyeong'])} {t('unit_pyeong')}</p>"
        )
    claims = audit.claims[audit.claims["subject"] == BELT]
    note = f'<p class="tb-warn">{t("schematic_note")}</p>' if belt.get("schematic") else ""
    return (
        f"{measured}<details open><summary>{t('audit')} (±{audit.tolerance * 100:g} %)</summary>"
        f"{_claims_table(claims, language=language)}</details>{note}"
    )


def _zone_panel(zones: gpd.GeoDataFrame, audit: AuditResult, zone_id: str, language: str) -> str:
    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    parts = audit.zones[audit.zones["zone_id"] == zone_id]
    area_m2_total = float(parts["area_m2"].sum())
    measured = (
        f'<p><span class="tb-big">{_number(units.m2_to_pyeong(area_m2_total))} {t("unit_pyeong")}</span> = '
        f"{_number(area_m2_total)} {t('unit_m2')}</p>"
    )
    feature_ids = list(parts["feature_id"])
    claims = audit.claims[audit.claims["subject"].isin([zone_id, *feature_ids])]
    schematic = (zones.loc[zones["zone_id"] == zone_id, "geometry_quality"] == SCHEMATIC).all()
    note = f'<p class="tb-warn">{t("schematic_note")}</p>' if schematic else ""
    return (
        f"{measured}<details open><summary>{t('audit')} (±{audit.tolerance * 100:g} %)</summary>"
        f"{_claims_table(claims, language=language)}</details>{note}"
    )


def _legend_html(zones: gpd.GeoDataFrame, *, language: str, has_triangle: bool) -> str:
    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    roles = [r for r in style.ROLE_COLORS if r in set(zones["role"].fillna(""))] or [""]
    role_rows = "".join(
        f'<div class="tb-row"><span class="tb-swatch" style="background:{style.role_color(r)}"></span>'
        f"{escape(style.role_label(r, language))}</div>"
        for r in roles
    )
    grey = style.ROLE_COLORS[""]
    status_rows = "".join(
        f'<div class="tb-row"><span class="tb-swatch" style="background:{grey};opacity:{opacity}"></span>'
        f"{escape(_status_label(status, language))}</div>"
        for status, opacity in (("operating", style.OPERATING_FILL_OPACITY), ("planned", style.PLANNED_FILL_OPACITY))
        if status in set(zones["status"].fillna(""))
    )
    outline_rows = ""
    qualities = set(zones["geometry_quality"].fillna(""))
    if SCHEMATIC in qualities:
        outline_rows += (
            '<div class="tb-row"><span class="tb-line tb-dashed"></span>'
            f"{escape(style.SCHEMATIC_LABEL[language])}</div>"
        )
    if qualities - {SCHEMATIC}:
        outline_rows += f'<div class="tb-row"><span class="tb-line"></span>{t("legend_supplied")}</div>'
    if zones["in_belt"].astype(bool).any():
        outline_rows += f'<div class="tb-row"><span class="tb-line tb-belt-line"></span>{t("layer_belt")}</div>'
    if has_triangle:
        outline_rows += f'<div class="tb-row"><span class="tb-line tb-triangle-line"></span>{t("layer_triangle")}</div>'
    status_block = f"<h3>{t('legend_status')}</h3>{status_rows}" if status_rows else ""
    return (
        f"<h2>{t('legend_title')}</h2><h3>{t('legend_roles')}</h3>{role_rows}{status_block}"
        f"<h3>{t('legend_outline')}</h3>{outline_rows}"
    )


# ---------------------------------------------------------------------------------------------------------
# Data helpers
# ---------------------------------------------------------------------------------------------------------


def _zone_name(row: pd.Series, language: str) -> str:
    return _localised(row, language) or str(row.get("zone_id"))


def _localised(row: pd.Series, language: str) -> str:
    for column in (f"name_{language}", "name_ko"):
        value = row.get(column)
        if value is not None and not (isinstance(value, float) and math.isnan(value)) and str(value).strip():
            return str(value)
    return ""


def _status_label(status: str, language: str) -> str:
    labels = style.STATUS_LABELS.get(status or "")
    return labels[language] if labels else str(status)


def _number(value: object, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "–"
    return f"{float(value):,.{decimals}f}"


def _percent(value: object) -> str:
    if value is None or pd.isna(value):
        return "–"
    rounded = round(float(value), 2)
    return "0.00 %" if rounded == 0 else f"{rounded:+.2f} %".replace("-", "−")


def _round(value: float) -> float:
    return round(float(value), COORDINATE_DECIMALS)


def _rounded(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda coords: np.round(coords, COORDINATE_DECIMALS))


def _feature(
    geom: shapely.Geometry, *, style: dict | None = None, tooltip: str = "", popup: str = "", label: str = ""
) -> dict:
    """A GeoJSON feature (EPSG:4326, rounded); ``tooltip``, ``popup`` and ``label`` are HTML already escaped.

    A ``tooltip`` shows on hover, a ``label`` always (a permanent tooltip), a ``popup`` on click.
    """
    properties: dict[str, object] = {}
    if style:
        properties["style"] = style
    if tooltip:
        properties["tooltip"] = tooltip
    if label:
        properties["label"] = label
    if popup:
        properties["popup"] = popup
    return {"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(_rounded(geom))}


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


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


def _page(title: str, body: str, *, language: str) -> str:
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
