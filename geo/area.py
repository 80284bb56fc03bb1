"""Measure areas exactly: geodesic polygons on the GRS80 ellipsoid, with planar EPSG:5186 beside them.

Every function takes a GeoDataFrame or GeoSeries with a CRS and returns a Series aligned to its index.

The reference is the area of the polygon whose edges are GRS80 geodesics, as GeographicLib computes it
(Karney 2013, through :class:`pyproj.Geod`). Doing that one polygon at a time is slow for large layers, so
:func:`area_m2` projects each small polygon to a Lambert azimuthal equal-area projection on GRS80 centred on
that polygon (vectorised in NumPy) and takes the planar area there. The projection is equal-area, so the only
difference from the geodesic polygon is that its edges are straight in the projection instead of geodesics.
Near the centre the image of a geodesic is a parabola whose bend depends only on the latitude and the edge's
direction (the ellipsoid's flattening makes it first order); :func:`_edge_bulge` adds the sliver between each
edge and that parabola in closed form. What is left grows as (size / Earth radius)² and stays below
:data:`FAST_PATH_MAX_REL_ERROR` for polygons smaller than :data:`FAST_PATH_MAX_EXTENT_DEG`; larger polygons
take the exact GeographicLib route. ``bench/bench_area.py`` measures both claims.
"""

from __future__ import annotations

import functools
import logging
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Geod

from . import units
from .settings import ELLIPSOID, GEOGRAPHIC_CRS, PLANAR_CRS

log = logging.getLogger(__name__)

GEOD: Final = Geod(ellps=ELLIPSOID)
_ELLIPSOID_A: Final = GEOD.a
_ELLIPSOID_E2: Final = GEOD.es
_ELLIPSOID_E: Final = float(np.sqrt(GEOD.es))

#: Polygons whose longitude and latitude extents are both below this many degrees (about 500 m at
#: Korea's latitude) are measured in a per-polygon equal-area projection; larger ones with GeographicLib.
FAST_PATH_MAX_EXTENT_DEG: Final = 0.005
#: Overlaps are computed on a grid of this many degrees (about 1 cm), so that two parts sharing a boundary
#: that was snap-rounded on each side do not report slivers a few millimetres wide as overlaps.
OVERLAP_GRID_DEG: Final = 1e-7
#: The accuracy promised by the fast path, relative to GeographicLib (checked by tests and bench/).
FAST_PATH_MAX_REL_ERROR: Final = 1e-9


def geodesic_area_m2(data: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Exact ellipsoidal area of each geometry, one GeographicLib call per geometry.

    Parameters
    ----------
    data
        Polygons or multipolygons in any CRS; they are reprojected to EPSG:4326 (GRS80 and WGS84 agree
        to well under a millimetre here) and rings are oriented first, because GeographicLib's area is signed.

    Returns
    -------
    pandas.Series
        Area in m² (GRS80, geodesic edges), aligned to the input index; 0 for non-areal geometries.
    """
    geoms = _lonlat(data)
    oriented = shapely.orient_polygons(geoms.values, exterior_cw=False)
    areas = [_geographiclib_area(g) for g in oriented]
    return pd.Series(areas, index=geoms.index, name="area_m2", dtype=float)


def area_m2(data: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Ellipsoidal (GRS80) area of each geometry in m², fast and within 1e-9 of GeographicLib.

    Small polygons are measured in a Lambert azimuthal equal-area projection on GRS80 centred on each
    polygon; polygons wider than :data:`FAST_PATH_MAX_EXTENT_DEG` go through GeographicLib exactly.

    Parameters
    ----------
    data
        Polygons or multipolygons with a CRS.

    Returns
    -------
    pandas.Series
        Area in m², aligned to the input index.
    """
    geoms = _lonlat(data)
    values = np.asarray(geoms.values)
    bounds = shapely.bounds(values)
    extent = np.fmax(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])
    small = np.nan_to_num(extent, nan=0.0) < FAST_PATH_MAX_EXTENT_DEG
    areas = np.empty(len(values), dtype=float)
    if small.any():
        areas[small] = _equal_area_projected(values[small], bounds[small])
    if (~small).any():
        oriented = shapely.orient_polygons(values[~small], exterior_cw=False)
        areas[~small] = [_geographiclib_area(g) for g in oriented]
    return pd.Series(areas, index=geoms.index, name="area_m2")


def planar_area_m2(data: gpd.GeoDataFrame | gpd.GeoSeries, *, crs: str = PLANAR_CRS) -> pd.Series:
    """Planar area in ``crs`` (EPSG:5186 by default), as Korean cadastral practice reports it, in m²."""
    if CRS.from_user_input(crs).is_geographic:
        raise ValueError(f"{crs} is geographic; a planar area needs a projected CRS")
    series = _geoseries(data)
    return pd.Series(series.to_crs(crs).area.to_numpy(), index=series.index, name="area_m2_planar")


def area_table(data: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.DataFrame:
    """Ellipsoidal area in m², ha, km² and pyeong, and the planar EPSG:5186 area in m² and pyeong.

    Returns
    -------
    pandas.DataFrame
        Columns ``area_m2``, ``area_ha``, ``area_km2``, ``area_pyeong``, ``area_m2_epsg5186``,
        ``area_pyeong_epsg5186``, aligned to the input index.
    """
    ellipsoidal = area_m2(data)
    planar = planar_area_m2(data)
    return pd.DataFrame(
        {
            "area_m2": ellipsoidal,
            "area_ha": units.from_m2(ellipsoidal, "ha"),
            "area_km2": units.from_m2(ellipsoidal, "km2"),
            "area_pyeong": units.m2_to_pyeong(ellipsoidal),
            "area_m2_epsg5186": planar,
            "area_pyeong_epsg5186": units.m2_to_pyeong(planar),
        },
        index=ellipsoidal.index,
    )


def union_area_m2(data: gpd.GeoDataFrame | gpd.GeoSeries) -> float:
    """Ellipsoidal area in m² of the union of all geometries: overlaps count once.

    Geometries that only touch add up exactly, so the (slow) union is computed only when some overlap by
    more than the slivers :data:`OVERLAP_GRID_DEG` ignores, as :func:`overlaps` reports them.
    """
    geoms = _lonlat(data)
    if geoms.empty:
        return 0.0
    values = np.asarray(geoms.values)
    if not any(_shared_area_m2(values[i], values[j]) > 0 for i, j in zip(*_overlapping_pairs(values), strict=True)):
        return float(area_m2(geoms).sum())
    merged = gpd.GeoSeries([shapely.union_all(geoms.values)], crs=GEOGRAPHIC_CRS)
    return float(area_m2(merged).iloc[0])


def overlaps(data: gpd.GeoDataFrame, *, id_column: str) -> pd.DataFrame:
    """Pairs of features whose interiors overlap (or one contains the other), with the shared area.

    Returns
    -------
    pandas.DataFrame
        Columns ``a``, ``b`` (values of ``id_column``) and ``overlap_m2`` (GRS80); empty when nothing overlaps.
    """
    geoms = _lonlat(data)
    values = np.asarray(geoms.values)
    rows = []
    for i, j in zip(*_overlapping_pairs(values), strict=True):
        shared_m2 = _shared_area_m2(values[i], values[j])
        if shared_m2 > 0:
            rows.append((data[id_column].iloc[i], data[id_column].iloc[j], shared_m2))
    return pd.DataFrame(rows, columns=["a", "b", "overlap_m2"])


def _shared_area_m2(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Area in m² (GRS80) of the polygonal part of a ∩ b, on the :data:`OVERLAP_GRID_DEG` grid."""
    shared = shapely.intersection(a, b, grid_size=OVERLAP_GRID_DEG)
    polygons = [part for part in shapely.get_parts(shared) if part.geom_type == "Polygon"]
    return float(area_m2(gpd.GeoSeries(polygons, crs=GEOGRAPHIC_CRS)).sum()) if polygons else 0.0


def _overlapping_pairs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) of geometries whose interiors intersect: overlapping, containing or equal."""
    tree = shapely.STRtree(values)
    found = [tree.query(values, predicate=predicate) for predicate in ("overlaps", "contains")]
    pairs = np.unique(np.sort(np.concatenate(found, axis=1), axis=0), axis=1)
    pairs = pairs[:, pairs[0] != pairs[1]]
    return pairs[0], pairs[1]


def _geoseries(data: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    series = data.geometry if isinstance(data, gpd.GeoDataFrame) else data
    if series.crs is None:
        raise ValueError("geometries have no CRS; set one before measuring")
    return series


def _lonlat(data: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    series = _geoseries(data)
    if CRS.from_user_input(series.crs) != CRS.from_user_input(GEOGRAPHIC_CRS):
        log.debug("reprojecting %d geometries from %s to %s to measure", len(series), series.crs, GEOGRAPHIC_CRS)
        series = series.to_crs(GEOGRAPHIC_CRS)
    return series


def _geographiclib_area(geom: shapely.Geometry | None) -> float:
    if geom is None or geom.is_empty or geom.geom_type not in {"Polygon", "MultiPolygon"}:
        return 0.0
    area, _ = GEOD.geometry_area_perimeter(geom)
    return abs(area)


def authalic_q(sin_phi: np.ndarray) -> np.ndarray:
    """Snyder's q(φ) on GRS80, exact closed form: sin(authalic latitude) = q(φ) / q(90°).

    Public because pixel areas of lon/lat rasters (geo.raster) use it too.
    """
    e, e2 = _ELLIPSOID_E, _ELLIPSOID_E2
    return (1 - e2) * (sin_phi / (1 - e2 * sin_phi**2) - np.log((1 - e * sin_phi) / (1 + e * sin_phi)) / (2 * e))


def _equal_area_projected(geoms: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Area of each geometry in a Lambert azimuthal equal-area projection (GRS80) centred on its bbox.

    Snyder (1987), eqs. 24-11 to 24-19, with a different centre for every geometry. Single-ring polygons,
    almost all of any real layer, take a shoelace sum over their vertices; others are split into rings first
    so that holes subtract and multipolygon parts add.
    """
    simple = (shapely.get_type_id(geoms) == shapely.GeometryType.POLYGON) & (shapely.get_num_interior_rings(geoms) == 0)
    areas = np.abs(_signed_ring_areas(geoms[simple], bounds[simple]))
    result = np.zeros(len(geoms))
    result[simple] = areas
    if (~simple).any():
        # get_rings takes polygons only, so multipolygons are split into their parts first.
        complex_geoms = shapely.orient_polygons(geoms[~simple], exterior_cw=False)
        parts, part_owner = shapely.get_parts(complex_geoms, return_index=True)
        polygonal = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
        rings, ring_part = shapely.get_rings(parts[polygonal], return_index=True)
        owner = part_owner[polygonal][ring_part]
        signed = _signed_ring_areas(rings, bounds[~simple][owner])
        result[~simple] = np.bincount(owner, weights=signed, minlength=len(complex_geoms))
    return result


def _signed_ring_areas(rings: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Signed area (counter-clockwise positive) of closed lon/lat rings with geodesic edges, in m².

    Each ring is projected to a Lambert azimuthal equal-area projection centred on its bounding box; the
    shoelace sum gives the area of the ring with straight edges there, and :func:`_edge_bulge` adds the
    sliver between each straight edge and the image of the geodesic.
    """
    coords, owner = shapely.get_coordinates(rings, return_index=True)
    if len(coords) == 0:
        return np.zeros(len(rings))
    lat0 = (bounds[:, 1] + bounds[:, 3]) / 2
    lon0 = (bounds[:, 0] + bounds[:, 2]) / 2
    x, y = _laea(coords[:, 0], coords[:, 1], lon0[owner], lat0[owner])

    # Rings are closed, so consecutive vertices of one ring are its edges; pairs across rings are dropped.
    same_ring = owner[1:] == owner[:-1]
    edge_owner = owner[1:][same_ring]
    dx = (x[1:] - x[:-1])[same_ring]
    dy = (y[1:] - y[:-1])[same_ring]
    cross = (x[:-1] * y[1:] - x[1:] * y[:-1])[same_ring] / 2
    bulge = _edge_bulge(dx, dy, lat0[edge_owner])
    return np.bincount(edge_owner, weights=cross + bulge, minlength=len(rings))


def _laea(lon: np.ndarray, lat: np.ndarray, lon0: np.ndarray, lat0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lambert azimuthal equal-area on GRS80 (Snyder 1987, eqs. 24-11 to 24-19), centre per point, metres."""
    qp = authalic_q(np.array(1.0))
    rq = _ELLIPSOID_A * np.sqrt(qp / 2)
    phi0 = np.radians(lat0)
    sin_beta1 = authalic_q(np.sin(phi0)) / qp
    cos_beta1 = np.sqrt(1 - sin_beta1**2)
    d = _ELLIPSOID_A * np.cos(phi0) / np.sqrt(1 - _ELLIPSOID_E2 * np.sin(phi0) ** 2) / (rq * cos_beta1)
    sin_beta = authalic_q(np.sin(np.radians(lat))) / qp
    cos_beta = np.sqrt(1 - sin_beta**2)
    dlam = np.radians(lon - lon0)
    cos_dlam = np.cos(dlam)
    b = rq * np.sqrt(2 / (1 + sin_beta1 * sin_beta + cos_beta1 * cos_beta * cos_dlam))
    x = b * d * cos_beta * np.sin(dlam)
    y = (b / d) * (cos_beta1 * sin_beta - sin_beta1 * cos_beta * cos_dlam)
    return x, y


def _edge_bulge(dx: np.ndarray, dy: np.ndarray, lat0: np.ndarray) -> np.ndarray:
    """Signed area between each straight projected edge (dx, dy) and the image of the geodesic, in m².

    Near the projection centre the image of a geodesic is the parabola x(s) = p + s·c + (s² − s)/2 · Γ(c, c)
    for a chord c, with Γ a constant symmetric bilinear form (the difference between the ellipsoid's and the
    plane's connections). Integrating the shoelace along it adds cross(c, Γ(c, c)) / 12 to the chord's term.
    Without it, the ellipsoid's flattening leaves an error of about 5e-9 of the area of a 50 m triangle.
    """
    gx_xx, gx_xy, gx_yy, gy_xx, gy_xy, gy_yy = (
        np.interp(lat0, _BULGE_LATITUDES, component) for component in _bulge_form()
    )
    gx = gx_xx * dx * dx + 2 * gx_xy * dx * dy + gx_yy * dy * dy
    gy = gy_xx * dx * dx + 2 * gy_xy * dx * dy + gy_yy * dy * dy
    return (dx * gy - dy * gx) / 12


_BULGE_LATITUDES: Final = np.linspace(-89.0, 89.0, 713)
_BULGE_PROBE_M: Final = 2_000.0


@functools.cache
def _bulge_form() -> tuple[np.ndarray, ...]:
    """Γ of :func:`_edge_bulge` tabulated against latitude, measured once with GeographicLib.

    For three directions through the centre, a geodesic of length :data:`_BULGE_PROBE_M` is traced both
    ways; the centre lies −Γ(c, c)/8 away from the midpoint of the projected chord c.
    """
    lats = _BULGE_LATITUDES
    n = len(lats)
    chords, offsets = [], []
    for azimuth in (90.0, 0.0, 45.0):
        lon_a, lat_a, _ = GEOD.fwd(np.zeros(n), lats, np.full(n, azimuth), np.full(n, -_BULGE_PROBE_M / 2))
        lon_b, lat_b, _ = GEOD.fwd(np.zeros(n), lats, np.full(n, azimuth), np.full(n, _BULGE_PROBE_M / 2))
        xa, ya = _laea(np.asarray(lon_a), np.asarray(lat_a), np.zeros(n), lats)
        xb, yb = _laea(np.asarray(lon_b), np.asarray(lat_b), np.zeros(n), lats)
        chords.append((xb - xa, yb - ya))
        offsets.append((-(xa + xb) / 2, -(ya + yb) / 2))
    # Per latitude: offset_k = −(Γk_xx cx² + 2 Γk_xy cx cy + Γk_yy cy²) / 8, three chords, three unknowns.
    matrix = np.stack([np.stack([cx * cx, 2 * cx * cy, cy * cy], axis=-1) for cx, cy in chords], axis=1)
    form = []
    for k in (0, 1):
        rhs = np.stack([-8 * offset[k] for offset in offsets], axis=-1)
        form.append(np.linalg.solve(matrix, rhs[..., None])[..., 0])
    return tuple(form[k][:, j] for k in (0, 1) for j in range(3))
