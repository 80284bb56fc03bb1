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
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _format as fmt
from .. import i18n, style, units
from .._errors import InputError
from .._html import escape
from ..area import GEOD, area_m2
from ..audit import AuditResult
from ..belt import belt_triangle
from ..io import write_text
from ..raster.overlays import RasterOverlay
from ..schema import GeometryQuality, Status
from ..settings import COORDINATE_DECIMALS, GEOGRAPHIC_CRS, LANGUAGES, PLANAR_CRS
from .content import (
    LABEL_PRIORITY,
    ZONE_WEIGHT,
    attribute_records,
    belt_features,
    belt_panel,
    collection,
    feature,
    findings_short,
    legend_html,
    localised,
    point_features,
    qty,
    round_degrees,
    zone_features,
    zone_labels,
    zone_name,
    zone_panel,
    zone_popup,
    zone_short,
    zone_title,
    zone_titles,
)
from .index import index_page, languages_index_page

#: A title for the maps: one string for every language, or one per language code (missing ones: the default).
Title = str | Mapping[str, str] | None

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
#: Beyond this many zone features a map draws its zones on canvas in the compact encoding of
#: :func:`parcels_map`, simplified to :data:`LARGE_SIMPLIFY_M`; labels go to the belt zones and the zones with
#: claims, and point popups give the distances to the belt zones (else the :data:`NEAREST_ZONES` nearest).
LARGE_LAYER_FEATURES: Final = 200
LARGE_SIMPLIFY_M: Final = 5.0
NEAREST_ZONES: Final = 5
#: A zone map draws the features within this distance (metres, EPSG:5186) of its zone's bounding box.
NEIGHBOURHOOD_M: Final = 3_000.0
#: ``zone_maps`` values: ``auto`` is every zone up to :data:`ZONE_MAPS_AUTO_MAX` zones, else the belt zones and
#: the zones with claims; ``all``; ``none``; or a comma-separated list of zone ids.
ZONE_MAPS_MODES: Final = ("auto", "all", "none")
ZONE_MAPS_AUTO_MAX: Final = 50
#: The Free Economic Zone map's file stem (``fez_<language>.html``).
FEZ_STEM: Final = "fez"
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
    title: Title = None,
    date: str | None = None,
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
    title
        The map's title: a string, or a mapping of language code to string; None for the bundled belt's title
        (:func:`map_title`). For a user's zone file pass something neutral, e.g. the file's name.
    date
        The date printed under the title on paper (``YYYY-MM-DD``); None for :func:`build_date`.

    Returns
    -------
    folium.Map
        Render it with :func:`render_html`.
    """
    return _zone_layers_map(
        zones,
        audit,
        language=language,
        context=context,
        points=points,
        overlays=overlays,
        assets=assets,
        title=title,
        date=date,
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
    title: Title = None,
    date: str | None = None,
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
        title=title,
        date=date,
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
    _fit(folium_map, language=language)
    return folium_map


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


def render_html(folium_map: folium.Map) -> str:
    """The complete HTML page of a map made by this module, with ``<html lang>`` set."""
    figure = folium_map.get_root()
    html = figure.render()
    language = getattr(folium_map, "tb_language", "en")
    return html.replace("<html>", f'<html lang="{escape(language)}">', 1)


def zone_map_ids(zones: gpd.GeoDataFrame, zone_maps: str = "auto", audit: AuditResult | None = None) -> list[str]:
    """The ids of the zones that get a map of their own, in the zones' order, for a ``zone_maps`` choice.

    ``all`` every zone; ``none`` none; ``auto`` (the default) every zone when there are at most
    :data:`ZONE_MAPS_AUTO_MAX`, else the zones with a part in the belt and those a claim is about (with
    ``audit``: its claims' subjects); otherwise a comma-separated list of zone ids.

    Raises
    ------
    InputError
        For an id in the list that is no zone's.
    """
    ids = [str(zone_id) for zone_id in zones["zone_id"].unique()]
    choice = str(zone_maps or "auto").strip()
    if choice == "all":
        return ids
    if choice == "none":
        return []
    if choice == "auto":
        if len(ids) <= ZONE_MAPS_AUTO_MAX:
            return ids
        chosen = set(zones.loc[zones["in_belt"].astype(bool), "zone_id"].astype(str))
        if audit is not None and not audit.claims.empty:
            subjects = set(audit.claims["subject"].astype(str))
            about = zones["zone_id"].astype(str).isin(subjects) | zones["feature_id"].astype(str).isin(subjects)
            chosen |= set(zones.loc[about, "zone_id"].astype(str))
        return [zone_id for zone_id in ids if zone_id in chosen]
    wanted = [part.strip() for part in choice.split(",") if part.strip()]
    unknown = [zone_id for zone_id in wanted if zone_id not in set(ids)]
    if unknown or not wanted:
        shown = ", ".join(ids[:10]) + (", …" if len(ids) > 10 else "")
        raise InputError(
            f"--zone-maps: no zone {', '.join(map(repr, unknown)) or repr(choice)}; "
            f"write auto, all, none or zone ids such as {shown}"
        )
    return [zone_id for zone_id in ids if zone_id in set(wanted)]


def output_files(
    zone_ids: Iterable[object], languages: Iterable[str], *, screenshots: bool = False, fez: bool = False
) -> list[str]:
    """Names of the files :func:`write_maps` writes for these zone maps and languages.

    ``zone_ids`` are the zones that get a map (:func:`zone_map_ids`); with ``fez`` the Free Economic Zone
    map too; PNGs of every map with ``screenshots``.
    """
    languages = list(languages)
    stems = [BELT_STEM, *([FEZ_STEM] if fez else []), *zone_file_stems(zone_ids).values()]
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
    title: Title = None,
    date: str | None = None,
    files: Sequence[tuple[str, int]] = (),
    zone_maps: str = "auto",
    fez: gpd.GeoDataFrame | None = None,
) -> list[Path]:
    """Write, per language, the belt map, the zone maps, the FEZ map and an index page, plus ``index.html``.

    Files are those of :func:`output_files`: ``belt_<lang>.html``, ``zone_<id>_<lang>.html`` for the zones
    ``zone_maps`` chooses (:func:`zone_map_ids`; ids reduced to safe file-name characters),
    ``fez_<lang>.html`` given the FEZ districts ``fez`` (:func:`geo.fez.load_fez_districts`) and
    ``index_<lang>.html``; each is written atomically and never over one of ``inputs``. ``title`` and ``date``
    are those of :func:`belt_map`. The index pages list every zone and link every map written and each of
    ``files`` (``(name, size in bytes)`` of the build folder's other outputs, e.g. the GeoPackage, reports and
    rasters); :func:`write_index` rewrites them once those exist.

    Returns
    -------
    list of Path
        The map files written (not the index pages), belt maps first.
    """
    from . import fez as fez_maps

    out = Path(out)
    languages = [i18n.check_language(language) for language in languages]
    stems = zone_file_stems(zone_map_ids(zones, zone_maps, audit))
    written: list[Path] = []
    date = date or build_date()
    geographic = zones.to_crs(GEOGRAPHIC_CRS)
    for language in languages:
        options = {
            "language": language,
            "context": context,
            "points": points,
            "overlays": overlays,
            "title": title,
            "date": date,
        }
        belt_path = out / f"{BELT_STEM}_{language}.html"
        write_text(belt_path, render_html(belt_map(geographic, audit, assets=assets, **options)), inputs=inputs)
        written.append(belt_path)
        if fez is not None:
            path = out / f"{FEZ_STEM}_{language}.html"
            fez_html = render_html(fez_maps.fez_map(fez, geographic, audit, assets=assets, **options))
            write_text(path, fez_html, inputs=inputs)
            written.append(path)
        for zone_id, stem in stems.items():
            path = out / f"{stem}_{language}.html"
            html = render_html(zone_map(geographic, audit, zone_id, assets=assets, **options))
            write_text(path, html, inputs=inputs)
            written.append(path)
    write_index(
        out,
        zones,
        audit,
        languages=languages,
        title=title,
        files=files,
        inputs=inputs,
        zone_maps=zone_maps,
        fez=fez is not None,
    )
    log.info("wrote %d maps in %s to %s", len(written), ", ".join(languages), out)
    return written


def write_index(
    out: str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    languages: Iterable[str] = LANGUAGES,
    title: Title = None,
    files: Sequence[tuple[str, int]] = (),
    inputs: tuple[Path, ...] = (),
    zone_maps: str = "auto",
    fez: bool = False,
) -> list[Path]:
    """(Re)write the index pages of ``out``: ``index_<lang>.html`` per language and the landing ``index.html``.

    Each gives a sortable, searchable table of every zone (areas, official figure, claims, verdict) linking
    the zone maps ``zone_maps`` chose (:func:`write_maps`; sizes read from ``out``), the belt map and, with
    ``fez``, the FEZ map; it states the audit's findings and lists ``files``: ``(name, size in bytes)`` of
    the folder's other outputs, in the order given. Names of maps and index pages in ``files`` are left out
    (they are linked already).

    Returns
    -------
    list of Path
        The index pages written, ``index.html`` last.
    """
    out = Path(out)
    languages = [i18n.check_language(language) for language in languages]
    all_ids = [str(zone_id) for zone_id in zones["zone_id"].unique()]
    mapped = zone_file_stems(zone_map_ids(zones, zone_maps, audit))
    own = set(output_files(mapped, languages, fez=fez))
    extra = [(str(name), int(size)) for name, size in files if str(name) not in own]
    titles = _zone_titles(zones, languages)

    def size(name: str) -> int | None:
        path = out / name
        return path.stat().st_size if path.exists() else None

    pages: list[Path] = []
    zone_entries: dict[str, list[tuple[str, str]]] = {}
    for language in languages:
        belt_file = f"{BELT_STEM}_{language}.html"
        fez_file = f"{FEZ_STEM}_{language}.html" if fez else None
        files_of = {zone_id: f"{stem}_{language}.html" for zone_id, stem in mapped.items()}
        entries = [(files_of.get(zone_id, ""), titles[language][zone_id]) for zone_id in all_ids]
        zone_entries[language] = [(files_of[zone_id], titles[language][zone_id]) for zone_id in mapped]
        page = index_page(
            belt_file,
            entries,
            language=language,
            audit=audit,
            zone_ids=all_ids,
            zones=zones,
            title=map_title(title, language),
            files=extra,
            sizes={
                name: size(name) for name in [belt_file, *(f for f in files_of.values()), *([fez_file] * bool(fez))]
            },
            fez_file=fez_file,
        )
        path = out / f"index_{language}.html"
        write_text(path, page, inputs=inputs)
        pages.append(path)
    landing = languages_index_page(
        languages,
        audit=audit,
        zones=zones,
        titles={language: map_title(title, language) for language in languages},
        files=extra,
        sizes={name: size(name) for name in output_files(mapped, languages, fez=fez)},
        zone_entries=zone_entries,
        fez=fez,
    )
    write_text(out / INDEX_FILE, landing, inputs=inputs)
    pages.append(out / INDEX_FILE)
    return pages


def _zone_titles(zones: gpd.GeoDataFrame, languages: Iterable[str]) -> dict[str, dict[str, str]]:
    """Each zone's title (:func:`zone_title`) per language, zone ids as text."""
    return {language: zone_titles(zones, language) for language in languages}


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
    title: Title = None,
    date: str | None = None,
) -> folium.Map:
    import folium

    from . import _leaflet

    i18n.check_language(language)
    all_zones = zones = zones.to_crs(GEOGRAPHIC_CRS)
    shown = zones if focus is None else zones[zones["zone_id"] == focus]
    if focus is not None:
        # A zone map draws its zone's neighbourhood only: the features near its bounding box.
        area = _neighbourhood_box(shown)
        zones = zones[shapely.intersects(zones.geometry.values, area)]
        if context is not None:
            context = context.to_crs(GEOGRAPHIC_CRS)
            context = context[shapely.intersects(context.geometry.values, area)]
    bounds = shown.total_bounds
    if focus is None and points is not None and len(points):
        # The belt map opens on the zones and the site points together.
        west, south, east, north = points.to_crs(GEOGRAPHIC_CRS).total_bounds
        bounds = np.array([min(bounds[0], west), min(bounds[1], south), max(bounds[2], east), max(bounds[3], north)])
    folium_map, figure = _new_map(bounds, language=language, assets=assets)
    title = map_title(title, language)
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
        belt_layer.add_child(_leaflet.GeoJsonLayer(belt_features(all_zones, audit, language=language)))
        folium_map.add_child(belt_layer)

    add_zone_layer(folium_map, zones, audit, language=language, focus=focus)

    if points is not None and len(points):
        point_layer = folium.FeatureGroup(name=escape(i18n.text("layer_points", language)), show=True)
        distance_zones, nearest = _distance_zones(zones, points)
        features = point_features(points, distance_zones, language=language, nearest=nearest)
        point_layer.add_child(_leaflet.GeoJsonLayer(features))
        folium_map.add_child(point_layer)

    # One column on the right: title, findings and legend, a <details> that starts closed on narrow maps
    # (a one-line bar: the title and the findings in short); the map's controls stay on the left.
    if focus is None:
        panel = print_panel = belt_panel(zones, audit, language=language)
        short = findings_short(zones, audit, language=language)
        failing = audit.passed is False
    else:
        panel = print_panel = zone_panel(zones, audit, focus, language)
        short, failing = zone_short(zones, audit, focus, language), False
    legend = legend_html(zones, language=language, has_triangle=belt_triangle(zones) is not None)
    short_class = "tb-short tb-fail" if failing else ("tb-short tb-pass" if focus is None else "tb-short")
    add_panel(
        folium_map,
        figure,
        title=title,
        short=short,
        short_class=short_class,
        panel=panel,
        print_panel=print_panel,
        legend=legend,
        language=language,
        date=date,
    )
    _add_controls(folium_map, language=language)
    _fit(folium_map, language=language)
    return folium_map


def add_zone_layer(
    folium_map: folium.Map, zones: gpd.GeoDataFrame, audit: AuditResult, *, language: str, focus: str | None = None
) -> None:
    """The zones layer with its labels: GeoJSON (SVG) up to :data:`LARGE_LAYER_FEATURES`, canvas beyond."""
    import folium

    from . import _leaflet

    zone_layer = folium.FeatureGroup(name=escape(i18n.text("layer_zones", language)), show=True)
    if len(zones) <= LARGE_LAYER_FEATURES:
        zone_layer.add_child(_leaflet.GeoJsonLayer(zone_features(zones, audit, language=language, focus=focus)))
        labelled = zones
    else:
        zone_layer.add_child(_leaflet.ParcelLayer(_encode_zones(zones, audit, language=language)))
        labelled = zones[_notable(zones, audit)]
    zone_layer.add_child(_leaflet.LabelLayer(zone_labels(labelled, language=language), css_class="tb-zone-label"))
    folium_map.add_child(zone_layer)


def _notable(zones: gpd.GeoDataFrame, audit: AuditResult) -> np.ndarray:
    """Which features are in a belt zone or a zone a claim is about (the ones a large map labels)."""
    belt_zones = set(zones.loc[zones["in_belt"].astype(bool), "zone_id"].astype(str))
    subjects = set(audit.claims["subject"].astype(str)) if not audit.claims.empty else set()
    ids = zones["zone_id"].astype(str)
    return (ids.isin(belt_zones | subjects) | zones["feature_id"].astype(str).isin(subjects)).to_numpy()


def _distance_zones(zones: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int | None]:
    """The zones the points' popups give the distance to, and how many nearest each lists (None: all).

    All the zones of a small layer; beyond :data:`LARGE_LAYER_FEATURES` the belt zones' parts, or without
    a belt each point's :data:`NEAREST_ZONES` nearest features.
    """
    if len(zones) <= LARGE_LAYER_FEATURES:
        return zones, None
    belt_ids = set(zones.loc[zones["in_belt"].astype(bool), "zone_id"].astype(str))
    if belt_ids:
        return zones[zones["zone_id"].astype(str).isin(belt_ids)], None
    planar = zones.to_crs(PLANAR_CRS).geometry.values
    chosen: set[int] = set()
    for point in points.to_crs(PLANAR_CRS).geometry.values:
        chosen.update(np.argsort(shapely.distance(point, planar), kind="stable")[:NEAREST_ZONES].tolist())
    return zones.iloc[sorted(chosen)], NEAREST_ZONES


def _neighbourhood_box(parts: gpd.GeoDataFrame) -> shapely.Geometry:
    """The bounding box of ``parts`` grown by :data:`NEIGHBOURHOOD_M` (in EPSG:5186), as EPSG:4326 polygon."""
    west, south, east, north = parts.to_crs(PLANAR_CRS).total_bounds
    box = shapely.box(west, south, east, north).buffer(NEIGHBOURHOOD_M, join_style="mitre")
    return gpd.GeoSeries([box], crs=PLANAR_CRS).to_crs(GEOGRAPHIC_CRS).iloc[0]


def _encode_zones(zones: gpd.GeoDataFrame, audit: AuditResult, *, language: str) -> dict:
    """Many zones in the compact encoding, simplified, each with its style, tooltip and popup."""
    geoms = _simplify(zones[["geometry"]], LARGE_SIMPLIFY_M).geometry
    geoms = geoms.where(~geoms.is_empty, zones.geometry)
    data = _encode_parcels(geoms, labels=None, language=language)
    measured = {row["feature_id"]: row for row in audit.zones.drop_duplicates("feature_id").to_dict("records")}
    pyeong = i18n.text("unit_pyeong", language)
    claims = audit.claims
    by_subject = {str(k): v for k, v in claims.groupby(claims["subject"].astype(str))} if not claims.empty else {}
    styles: dict[tuple, int] = {}
    style_list, style_of, tooltips, popups = [], [], [], []
    for row in attribute_records(zones):
        areas = measured[row["feature_id"]]
        planned = row.get("status") == Status.PLANNED
        schematic = row.get("geometry_quality") == GeometryQuality.SCHEMATIC
        color = style.role_color(row.get("role"))
        key = (color, planned, schematic)
        if key not in styles:
            styles[key] = len(style_list)
            entry = {
                "color": color,
                "fillColor": color,
                "weight": PARCEL_WEIGHT,
                "opacity": 1.0,
                "fillOpacity": style.PLANNED_FILL_OPACITY if planned else style.OPERATING_FILL_OPACITY,
            }
            if schematic:
                entry["dashArray"] = style.SCHEMATIC_DASH
            style_list.append(entry)
        style_of.append(styles[key])
        tooltips.append(f"<b>{escape(zone_name(row, language))}</b><br>{qty(fmt.number(areas['area_pyeong']), pyeong)}")
        subject_claims = [by_subject[s] for s in (str(row["feature_id"]), str(row["zone_id"])) if s in by_subject]
        popups.append(
            zone_popup(
                row,
                areas,
                audit,
                language=language,
                claims=pd.concat(subject_claims) if subject_claims else claims.iloc[:0],
            )
        )
    return {**data, "styles": style_list, "s": style_of, "tooltips": tooltips, "popups": popups}


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


def add_panel(
    folium_map: folium.Map,
    figure: Figure,
    *,
    title: str,
    short: str,
    short_class: str,
    panel: str,
    print_panel: str,
    legend: str,
    language: str,
    date: str | None,
) -> None:
    """The map's panel (title, the one-line findings of the collapsed bar, the panel's HTML and the legend),
    and on paper the title and date above the map and the panel as a legend block below it (beside it,
    landscape). ``short``, ``panel``, ``print_panel`` and ``legend`` are HTML already escaped."""
    from branca.element import Element

    from . import _leaflet

    folium_map.add_child(
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


def _fit(folium_map: folium.Map, *, language: str) -> None:
    """The north arrow (shown on paper) and the layout: added last so that it can measure the panel."""
    from . import _leaflet

    folium_map.add_child(_leaflet.Script(_leaflet.NORTH_JS, data={"north": i18n.text("north", language)}))
    folium_map.add_child(
        _leaflet.Script(
            _leaflet.LAYOUT_JS,
            data={
                "bounds": folium_map.tb_bounds,
                "padding": FIT_PADDING_PX,
                "narrow": _leaflet.NARROW_PX,
                "short": _leaflet.SHORT_PX,
                "panel_width": _leaflet.PANEL_WIDTH_PX,
                "popup_width": _leaflet.POPUP_WIDTH_PX,
            },
        )
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
        names = pd.Series([localised(row, language) for _, row in areas.iterrows()], index=areas.index, dtype=object)
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
            f'<div class="tb-ramp-labels"><span>{fmt.significant(low)}</span><span>{fmt.significant(high)}</span></div>'
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
