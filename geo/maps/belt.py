"""The belt map and the zone maps: zones by role, the belt union and triangle, the audit panel, context, points.

A zone map is the belt map opened on one zone (all its parts), with the zone's own panel, drawing only the
features within :data:`NEIGHBOURHOOD_M` of its bounding box. Areas shown are those of the audit: ellipsoidal
on GRS80 (m², ha, pyeong) with planar EPSG:5186 beside them. Geometry is drawn in EPSG:4326 with coordinates
rounded to :data:`geo.settings.COORDINATE_DECIMALS` decimals (about 0.1 m).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import shapely

from .. import i18n
from .._html import escape
from ..audit import AuditResult
from ..belt import belt_triangle
from ..settings import GEOGRAPHIC_CRS, PLANAR_CRS
from ._base import (
    MapOptions,
    MapPage,
    add_controls,
    add_feature_layer,
    add_panel,
    fit,
    map_options,
    map_title,
    new_map,
    with_points,
)
from ._canvas import LARGE_LAYER_FEATURES, add_zone_layer
from ._context import add_context, add_overlay, context_legend
from ._text import zone_title
from .content import belt_features, belt_panel, legend_html, point_features, points_legend, zone_panel, zone_short
from .findings import findings_short

if TYPE_CHECKING:
    pass

#: Point popups on a map of more than :data:`geo.maps._canvas.LARGE_LAYER_FEATURES` zone features give the
#: distances to the belt zones, or without a belt to each point's this many nearest features.
NEAREST_ZONES: Final = 5
#: A zone map draws the features within this distance (metres, EPSG:5186) of its zone's bounding box.
NEIGHBOURHOOD_M: Final = 3_000.0


def belt_map(
    zones: gpd.GeoDataFrame, audit: AuditResult, options: MapOptions | None = None, **changes: object
) -> MapPage:
    """The belt map: every zone, the belt union and triangle, the audit panel, context, points and overlays.

    Parameters
    ----------
    zones
        Zone features as :func:`geo.load_zones` returns them (any CRS; drawn in EPSG:4326).
    audit
        :func:`geo.run_audit` of the same zones: areas (GRS80 ellipsoidal, EPSG:5186 planar) and verdicts.
    options
        How to draw it (:class:`MapOptions`: language, context, points, overlays, assets, title, date);
        ``changes`` replaces fields of it by name, e.g. ``belt_map(zones, audit, language="ja")``.

    Returns
    -------
    MapPage
        Render it with :func:`render_html`.
    """
    return _zone_layers_map(zones, audit, map_options(options, **changes))


def zone_map(
    zones: gpd.GeoDataFrame, audit: AuditResult, zone_id: str, options: MapOptions | None = None, **changes: object
) -> MapPage:
    """The map of one zone (all its parts): as :func:`belt_map`, opened on the zone, with its own audit panel.

    Raises
    ------
    ValueError
        If no feature has ``zone_id``.
    """
    if not (zones["zone_id"] == zone_id).any():
        raise ValueError(f"no zone {zone_id!r}; use one of {', '.join(map(str, zones['zone_id'].unique()))}")
    return _zone_layers_map(zones, audit, map_options(options, **changes), focus=zone_id)


def _zone_layers_map(
    zones: gpd.GeoDataFrame, audit: AuditResult, options: MapOptions, focus: str | None = None
) -> MapPage:
    """The belt map, or with ``focus`` (a zone id) the map of that zone; see :func:`belt_map`."""
    language, context, points = options.language, options.context, options.points
    all_zones = zones = zones.to_crs(GEOGRAPHIC_CRS)
    if focus is None:
        # The belt map opens on the belt (its members' zones, every part), the rest of a national layer around it.
        belt_ids = set(zones.loc[zones["in_belt"].astype(bool), "zone_id"])
        shown = zones[zones["zone_id"].isin(belt_ids)] if belt_ids else zones
    else:
        shown = zones[zones["zone_id"] == focus]
    if focus is not None:
        # A zone map draws its zone's neighbourhood only: the features near its bounding box.
        area = _neighbourhood_box(shown)
        zones = zones[shapely.intersects(zones.geometry.values, area)]
        if context is not None:
            context = context.to_crs(GEOGRAPHIC_CRS)
            context = context[shapely.intersects(context.geometry.values, area)]
    # The belt map opens on the zones and the site points together, a zone map on its zone.
    bounds = shown.total_bounds if focus is not None else with_points(shown.total_bounds, points)
    page = new_map(bounds, language=language, assets=options.assets)
    title = map_title(options.title, language)
    if focus is not None:
        title = f"{zone_title(shown, language)} — {i18n.text('zone_title_suffix', language)}"
    page.figure.title = escape(title)

    for overlay in options.overlays:
        add_overlay(page, overlay)
    if context is not None:
        add_context(page, context, avoid=shapely.union_all(zones.geometry.values))

    # The belt goes under the zones: a wide halo around them that leaves their dashed outlines visible.
    if audit.belt["members"]:
        add_feature_layer(page, "layer_belt", belt_features(all_zones, audit, language=language))

    add_zone_layer(page, zones, audit, focus=focus)

    if points is not None and len(points):
        distance_zones, nearest = _distance_zones(zones, points)
        features = point_features(points, distance_zones, language=language, nearest=nearest)
        add_feature_layer(page, "layer_points", features)

    # One column on the right: title, findings and legend, a <details> that starts closed on narrow maps
    # (a one-line bar: the title and the findings in short); the map's controls stay on the left.
    if focus is None:
        panel = print_panel = belt_panel(zones, audit, language=language)
        short, colour = findings_short(zones, audit, language=language)
    else:
        panel = print_panel = zone_panel(zones, audit, focus, language)
        short, colour = zone_short(zones, audit, focus, language), ""
    legend = legend_html(zones, language=language, has_triangle=belt_triangle(zones) is not None)
    legend += points_legend(points, language=language) + context_legend(context, language)
    short_class = f"tb-short {colour}".strip()
    add_panel(
        page,
        title=title,
        short=short,
        short_class=short_class,
        panel=panel,
        print_panel=print_panel,
        legend=legend,
        date=options.date,
    )
    add_controls(page)
    fit(page)
    return page


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
