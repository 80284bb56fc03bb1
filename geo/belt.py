"""The belt: which features form it, its outline (their union), its triangle and its measured total.

Computed once here; the maps and the GeoPackage draw what these functions return.

The triangle
------------
Each in-belt zone (all its in-belt parts together) is represented by one point inside it
(``point_on_surface`` of the union of its parts, in EPSG:4326). The triangle is the convex hull of those
points: for the three complexes of the belt, the triangle through them; for four or more zones, the convex
polygon around them (a zone whose point falls inside it adds no corner); for two zones, or points on one line,
the segment between the outermost ones; for fewer than two zones, nothing. It joins points and encloses no
zone: it is drawn for orientation and never measured as an area.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import units
from .area import GEOD, area_m2, union_area_m2
from .schema import GeometryQuality
from .settings import GEOGRAPHIC_CRS

#: shapely.coverage_is_valid needs shapely 2.1 built on GEOS 3.12; without it every union is the general one.
HAS_COVERAGE_CHECK: Final = hasattr(shapely, "coverage_is_valid") and shapely.geos_version >= (3, 12, 0)


def union(geometries: np.ndarray) -> shapely.Geometry:
    """Union of ``geometries``, by the cheapest route that gives the same set.

    Valid polygons that touch nothing else are simply collected; a valid coverage (no overlaps, shared edges
    noded alike, as parcels are) takes GEOS's coverage union; anything else (overlaps, nested collections,
    lines, invalid parts) the general union, with its result or its error. A zone of tens of
    thousands of parcels is thus not unioned the slow way just to be drawn or to get a point inside it.
    """
    parts = shapely.get_parts(np.asarray(geometries))
    simple = (shapely.get_type_id(parts) == shapely.GeometryType.POLYGON) & shapely.is_valid(parts)
    if len(parts) > 1 and simple.all():  # else (collections, lines, invalid parts) as union_all does it
        left, right = shapely.STRtree(parts).query(parts, predicate="intersects")
        if (left == right).all():
            return shapely.multipolygons(parts)
        if HAS_COVERAGE_CHECK and shapely.coverage_is_valid(parts):
            return shapely.coverage_union_all(parts)
    return shapely.union_all(parts)


def belt_members(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The features whose ``in_belt`` is true, in their order."""
    return zones[zones["in_belt"].astype(bool)]


def belt_geometry(zones: gpd.GeoDataFrame) -> shapely.Geometry:
    """Union of the in-belt features in EPSG:4326 (so an overlap is drawn and counted once)."""
    return union(belt_members(zones).to_crs(GEOGRAPHIC_CRS).geometry.values)


def belt_corners(zones: gpd.GeoDataFrame) -> pd.Series:
    """One point (EPSG:4326) inside each in-belt zone, indexed by ``zone_id`` in order of appearance."""
    in_belt = belt_members(zones).to_crs(GEOGRAPHIC_CRS)
    points = {
        zone_id: shapely.point_on_surface(union(group.geometry.values))
        for zone_id, group in in_belt.groupby("zone_id", sort=False)
    }
    return pd.Series(points, dtype=object)


def belt_triangle(zones: gpd.GeoDataFrame) -> shapely.Geometry | None:
    """The convex hull of :func:`belt_corners` (see the module docstring), EPSG:4326, or None.

    Returns
    -------
    shapely.Polygon, shapely.LineString or None
        A polygon for three or more zones not on one line, a segment for two (or collinear points), None
        for fewer than two.
    """
    corners = belt_corners(zones)
    if len(corners) < 2:
        return None
    hull = shapely.convex_hull(shapely.multipoints(list(corners.values)))
    return hull if hull.geom_type in {"Polygon", "LineString"} else None


def triangle_outline(triangle: shapely.Geometry) -> shapely.LineString:
    """The line a map draws for ``triangle``: a polygon's closed exterior, or the segment itself."""
    return shapely.LineString(triangle.exterior.coords) if triangle.geom_type == "Polygon" else triangle


def triangle_sides_m(triangle: shapely.Geometry) -> np.ndarray:
    """Geodesic length (GRS80, metres) of each side of :func:`triangle_outline`, in drawing order."""
    coordinates = np.asarray(triangle_outline(triangle).coords)
    _, _, sides = GEOD.inv(coordinates[:-1, 0], coordinates[:-1, 1], coordinates[1:, 0], coordinates[1:, 1])
    return np.abs(np.atleast_1d(sides))


def belt_summary(zones: gpd.GeoDataFrame) -> dict:
    """Measured union area of the in-belt features, the sum of their official figures, and the members.

    Returns
    -------
    dict
        ``members`` (feature ids), ``area_m2``, ``area_pyeong``, ``area_ha`` (GRS80 ellipsoidal, overlaps
        counted once), ``official_sum_m2`` and ``official_sum_pyeong`` (None unless every member has an
        official figure), ``schematic`` (every member's outline is schematic) and ``schematic_share`` (the share,
        0–1, of the members' summed GRS80 area whose outline is schematic: between 0 and 1 the belt is partly
        schematic).
    """
    in_belt = belt_members(zones)
    official = pd.to_numeric(in_belt["official_area_m2"], errors="coerce")
    official_sum = float(official.sum()) if len(official) and official.notna().all() else None
    area = union_area_m2(in_belt)
    return {
        "members": list(in_belt["feature_id"]),
        "area_m2": area,
        "area_pyeong": units.m2_to_pyeong(area),
        "area_ha": units.from_m2(area, "ha"),
        "official_sum_m2": official_sum,
        "official_sum_pyeong": None if official_sum is None else units.m2_to_pyeong(official_sum),
        "schematic": bool(len(in_belt)) and bool((in_belt["geometry_quality"] == GeometryQuality.SCHEMATIC).all()),
        "schematic_share": schematic_share(in_belt),
    }


def schematic_share(features: gpd.GeoDataFrame) -> float:
    """Share (0–1) of the features' summed GRS80 area whose outline is schematic; 0 for none."""
    schematic = (features["geometry_quality"] == GeometryQuality.SCHEMATIC).to_numpy()
    if not schematic.any():
        return 0.0
    if schematic.all():
        return 1.0
    areas = area_m2(features).to_numpy()
    total = float(areas.sum())
    return float(areas[schematic].sum()) / total if total > 0 else 0.0
