"""Measure areas exactly: geodesic polygons on the GRS80 ellipsoid, with planar EPSG:5186 beside them.

Every function takes a GeoDataFrame or GeoSeries with a CRS and returns a Series aligned to its index.

What is measured
----------------
The area of a geometry is the area on GRS80 of the polygon whose edges are GRS80 geodesics. One rule holds for
every geometry type and in every function (:func:`area_m2`, :func:`geodesic_area_m2`, :func:`planar_area_m2`,
:func:`area_table`, :func:`union_area_m2`): a Polygon counts its exterior minus its holes; a MultiPolygon or a
GeometryCollection counts the sum of its polygonal members, recursively (members of nested collections
included, overlapping members counted once each, except by :func:`union_area_m2`, which counts the union);
points and lines count 0; empty geometries and None count 0.

How it is measured
------------------
:func:`geodesic_area_m2` calls GeographicLib (Karney 2013, through :class:`pyproj.Geod`) once per polygon.
:func:`area_m2` gets the same areas vectorised in NumPy, for polygons of any size up to
:data:`FAST_PATH_MAX_EXTENT_DEG`:

1. Each vertex goes to the authalic sphere (latitude → authalic latitude, radius R_q), which is an
   equal-area map of the ellipsoid: areas there are the areas on GRS80.
2. The polygon with great-circle edges between those points has an exact area: the sum, over edges, of the
   spherical excess of the triangle (centre, vertex i, vertex i+1), computed from gnomonic coordinates
   centred on the polygon (Van Oosterom & Strackee 1983), which is as well-conditioned as a shoelace sum.
3. The image of a GRS80 geodesic on the authalic sphere is not quite a great circle: its geodesic
   curvature κ depends only on the latitude and the direction (Liouville's formula for the two metrics of
   revolution, :func:`_image_curvature`), and is of order e²/R. The sliver between the edge and the great
   circle is ∫ κ(s)·G(s) ds for the Green's function G of h'' + h/R² = −κ, i.e. κ·L³/12 · (1 + L²/(10 R²))
   for constant κ. Edges shorter than :data:`LONG_EDGE_M` take κ at the middle of the edge; longer ones
   a three-point Gauss quadrature of κ along the great circle.

``bench/bench_area.py`` checks the result against an independent mpmath reference (the exact geodesic, from
Bessel's auxiliary-sphere integrals, integrated with the authalic latitude at 20 digits): within 1e-11 for
polygons of 2 m to 500 km; GeographicLib itself is within about 1e-4 m² (absolute) of it.
"""

from __future__ import annotations

import functools
import logging
import os
from concurrent.futures import ThreadPoolExecutor
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

#: Polygons whose longitude and latitude extents are both below this many degrees (about 450 km at Korea's
#: latitude) are measured by the vectorised path of :func:`area_m2`; larger ones (and any that reach a pole or
#: cross the antimeridian) by GeographicLib. The vectorised path stays within 1e-10 of the reference to here.
FAST_PATH_MAX_EXTENT_DEG: Final = 5.0
#: Overlaps are computed on a grid of this many degrees (about 1 cm), so that two parts sharing a boundary
#: that was snap-rounded on each side do not report slivers a few millimetres wide as overlaps.
OVERLAP_GRID_DEG: Final = 1e-7
#: The accuracy promised by :func:`area_m2` for polygons of 2 m and larger, relative to the exact geodesic
#: polygon (checked by tests and bench/ against an independent high-precision reference).
FAST_PATH_MAX_REL_ERROR: Final = 1e-9
#: Edges longer than this (m) integrate the curvature of their image along the great circle (three Gauss
#: points) instead of taking it at the middle; at 20 km the midpoint rule is already within 1e-12 of the area.
LONG_EDGE_M: Final = 20_000.0

# Three-point Gauss-Legendre nodes and weights on [0, 1]: exact for the quadratic part of κ(s)·s(1-s).
#: Below this many vertices per core, threads cost more than they save.
_VERTICES_PER_THREAD: Final = 200_000

_GAUSS_NODES: Final = np.array([0.5 - np.sqrt(15) / 10, 0.5, 0.5 + np.sqrt(15) / 10])
_GAUSS_WEIGHTS: Final = np.array([5.0, 8.0, 5.0]) / 18


def authalic_q(sin_phi: np.ndarray) -> np.ndarray:
    """Snyder's q(φ) on GRS80, exact closed form: sin(authalic latitude) = q(φ) / q(90°).

    Public because pixel areas of lon/lat rasters (geo.raster) use it too.
    """
    e, e2 = _ELLIPSOID_E, _ELLIPSOID_E2
    return (1 - e2) * (sin_phi / (1 - e2 * sin_phi**2) - np.log((1 - e * sin_phi) / (1 + e * sin_phi)) / (2 * e))


_QP: Final = float(authalic_q(np.array(1.0)))
#: Radius (m) of the authalic sphere, the sphere with GRS80's surface area.
_R_AUTHALIC: Final = _ELLIPSOID_A * float(np.sqrt(_QP / 2))


def geodesic_area_m2(data: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Exact ellipsoidal area of each geometry, one GeographicLib call per polygon.

    Parameters
    ----------
    data
        Geometries in any CRS; they are reprojected to EPSG:4326 (GRS80 and WGS84 agree to well under a
        millimetre here) and rings are oriented first, because GeographicLib's area is signed.

    Returns
    -------
    pandas.Series
        Area in m² (GRS80, geodesic edges), aligned to the input index, by the rule of the module docstring:
        polygonal members of collections add up, points, lines, empties and None count 0.
    """
    geoms = _lonlat(data)
    parts, owner = _polygon_parts(np.asarray(geoms.values))
    areas = _geographiclib_areas(parts)
    return pd.Series(np.bincount(owner, weights=areas, minlength=len(geoms)), index=geoms.index, name="area_m2")


def area_m2(data: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.Series:
    """Ellipsoidal (GRS80, geodesic edges) area of each geometry in m², vectorised, within 1e-9 of exact.

    Polygons up to :data:`FAST_PATH_MAX_EXTENT_DEG` are measured on the authalic sphere with the curvature
    correction described in the module docstring; larger ones by GeographicLib.

    Parameters
    ----------
    data
        Geometries with a CRS (reprojected to EPSG:4326 first when it is another one).

    Returns
    -------
    pandas.Series
        Area in m², aligned to the input index, by the rule of the module docstring: polygonal members of
        multipolygons and (nested) collections add up; points, lines, empties and None count 0.
    """
    geoms = _lonlat(data)
    parts, owner = _polygon_parts(np.asarray(geoms.values))
    bounds = shapely.bounds(parts)
    extent = np.fmax(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1])
    # The latitude table of the short-edge slivers stops short of the poles; polar polygons are rare.
    polar = np.fmax(np.abs(bounds[:, 1]), np.abs(bounds[:, 3])) > _TABLE_MAX_LAT_DEG
    fast = (extent < FAST_PATH_MAX_EXTENT_DEG) & ~polar
    areas = np.empty(len(parts))
    areas[fast] = _polygon_areas(parts[fast], bounds[fast])
    areas[~fast] = _geographiclib_areas(parts[~fast])
    return pd.Series(np.bincount(owner, weights=areas, minlength=len(geoms)), index=geoms.index, name="area_m2")


def planar_area_m2(data: gpd.GeoDataFrame | gpd.GeoSeries, *, crs: str = PLANAR_CRS) -> pd.Series:
    """Planar area in ``crs`` (EPSG:5186 by default), as Korean cadastral practice reports it.

    Returns
    -------
    pandas.Series
        Area in m² of the projected geometries (straight edges in ``crs``), aligned to the input index, by the
        same rule as :func:`area_m2` for collections, points, lines, empties and None.
    """
    if CRS.from_user_input(crs).is_geographic:
        raise ValueError(f"{crs} is geographic; a planar area needs a projected CRS")
    series = _geoseries(data)
    parts, owner = _polygon_parts(np.asarray(series.values))
    projected = gpd.GeoSeries(parts, crs=series.crs).to_crs(crs)
    areas = shapely.area(np.asarray(projected.values))
    return pd.Series(
        np.bincount(owner, weights=areas, minlength=len(series)), index=series.index, name="area_m2_planar"
    )


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
    """Ellipsoidal area in m² (GRS80) of the union of the polygonal parts of all geometries.

    Overlaps count once, also between members of one collection; points and lines count 0. Parts that only
    touch add up exactly, so the (slow) union is computed only when some overlap by more than the slivers
    :data:`OVERLAP_GRID_DEG` ignores.
    """
    geoms = _lonlat(data)
    parts, _ = _polygon_parts(np.asarray(geoms.values))
    if len(parts) == 0:
        return 0.0
    series = gpd.GeoSeries(parts, crs=GEOGRAPHIC_CRS)
    if not any(_shared_area_m2(parts[i], parts[j]) > 0 for i, j in zip(*_overlapping_pairs(parts), strict=True)):
        return float(area_m2(series).sum())
    merged = gpd.GeoSeries([shapely.union_all(parts)], crs=GEOGRAPHIC_CRS)
    return float(area_m2(merged).iloc[0])


def overlaps(data: gpd.GeoDataFrame, *, id_column: str) -> pd.DataFrame:
    """Pairs of features whose polygonal parts overlap (or one contains the other), with the shared area.

    Returns
    -------
    pandas.DataFrame
        Columns ``a``, ``b`` (values of ``id_column``) and ``overlap_m2`` (m², GRS80); empty when nothing
        overlaps.
    """
    geoms = _lonlat(data)
    values = _polygonal(np.asarray(geoms.values))
    rows = []
    for i, j in zip(*_overlapping_pairs(values), strict=True):
        shared_m2 = _shared_area_m2(values[i], values[j])
        if shared_m2 > 0:
            rows.append((data[id_column].iloc[i], data[id_column].iloc[j], shared_m2))
    return pd.DataFrame(rows, columns=["a", "b", "overlap_m2"])


def _shared_area_m2(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Area in m² (GRS80) of the polygonal part of a ∩ b, on the :data:`OVERLAP_GRID_DEG` grid."""
    shared = shapely.intersection(a, b, grid_size=OVERLAP_GRID_DEG)
    return float(area_m2(gpd.GeoSeries([shared], crs=GEOGRAPHIC_CRS)).iloc[0])


def _overlapping_pairs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) of geometries whose interiors intersect: overlapping, containing or equal."""
    # One pass of the tree (intersects, cheap with prepared geometries), then the interiors test on the few
    # candidate pairs only: touching neighbours share a boundary, not an interior.
    tree = shapely.STRtree(values)
    first, second = tree.query(values, predicate="intersects")
    keep = first < second
    first, second = first[keep], second[keep]
    inside = shapely.relate_pattern(values[first], values[second], "T********")
    return first[inside], second[inside]


def _polygon_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The non-empty polygons of each geometry, and the index of the geometry each belongs to.

    This is the one rule every function follows: multipolygons and geometry collections are opened
    recursively, polygons are kept, everything else (points, lines, empties, None) is dropped.
    """
    parts = np.asarray(geoms, dtype=object)
    owner = np.arange(len(parts))
    kept_parts, kept_owners = [np.empty(0, dtype=object)], [np.empty(0, dtype=np.intp)]
    while len(parts):
        types = shapely.get_type_id(parts)
        polygon = (types == shapely.GeometryType.POLYGON) & ~shapely.is_empty(parts)
        kept_parts.append(parts[polygon])
        kept_owners.append(owner[polygon])
        multi = (types == shapely.GeometryType.MULTIPOLYGON) | (types == shapely.GeometryType.GEOMETRYCOLLECTION)
        parts, index = shapely.get_parts(parts[multi], return_index=True)
        owner = owner[multi][index]
    return np.concatenate(kept_parts), np.concatenate(kept_owners).astype(np.intp)


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Each geometry reduced to its polygonal part (a collection's polygons merged), for the overlap tests."""
    types = shapely.get_type_id(geoms)
    collection = types == shapely.GeometryType.GEOMETRYCOLLECTION
    out = np.array(geoms, dtype=object)
    parts, owner = _polygon_parts(out[collection])
    for k, index in enumerate(np.flatnonzero(collection)):
        out[index] = shapely.union_all(parts[owner == k])
    return out


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


def _geographiclib_areas(polygons: np.ndarray) -> np.ndarray:
    """Area in m² of each lon/lat polygon (GRS80, geodesic edges), one GeographicLib call each."""
    oriented = shapely.orient_polygons(polygons, exterior_cw=False)
    return np.array([abs(GEOD.geometry_area_perimeter(polygon)[0]) for polygon in oriented], dtype=float)


def _equal_area_projected(geoms: np.ndarray) -> np.ndarray:
    """Area in m² of each lon/lat geometry by the vectorised path alone, whatever its size.

    Parameters
    ----------
    geoms
        Shapely geometries in EPSG:4326 degrees.

    Returns
    -------
    numpy.ndarray
        Area in m² (GRS80, geodesic edges) by the rule of the module docstring.
    """
    parts, owner = _polygon_parts(geoms)
    areas = _polygon_areas(parts, shapely.bounds(parts))
    return np.bincount(owner, weights=areas, minlength=len(geoms))


def _polygon_areas(polygons: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Area in m² of non-empty lon/lat polygons (exterior minus holes), each centred on its bounding box.

    Single-ring polygons, almost all of any real layer, give their coordinates directly; others are split
    into rings first. Rings are measured unsigned, so their orientation does not matter.
    """
    holed = shapely.get_num_interior_rings(polygons) > 0
    rings, ring_of_holed = shapely.get_rings(polygons[holed], return_index=True)
    holed_index = np.flatnonzero(holed)
    ring_polygon = np.concatenate([np.flatnonzero(~holed), holed_index[ring_of_holed]])
    # get_rings lists each polygon's exterior first: it adds, the holes after it subtract.
    exterior = np.ones(len(rings), dtype=bool)
    exterior[1:] = ring_of_holed[1:] != ring_of_holed[:-1]
    sign = np.concatenate([np.ones(int((~holed).sum())), np.where(exterior, 1.0, -1.0)])
    coords, coord_ring = shapely.get_coordinates(np.concatenate([polygons[~holed], rings]), return_index=True)
    centre_lon = (bounds[:, 0] + bounds[:, 2]) / 2
    centre_lat = (bounds[:, 1] + bounds[:, 3]) / 2
    signed = _threaded_ring_areas(coords, coord_ring, centre_lon[ring_polygon], centre_lat[ring_polygon])
    return np.bincount(ring_polygon, weights=sign * np.abs(signed), minlength=len(polygons))


def _threaded_ring_areas(coords: np.ndarray, owner: np.ndarray, lon0: np.ndarray, lat0: np.ndarray) -> np.ndarray:
    """:func:`_signed_ring_areas` of all rings, split at ring boundaries over the CPU's cores.

    NumPy releases the GIL inside its array loops, so threads overlap; small inputs stay on one thread.
    """
    count = len(lon0)
    chunks = min(os.cpu_count() or 1, len(coords) // _VERTICES_PER_THREAD)
    if chunks <= 1:
        return _signed_ring_areas(coords, owner, lon0, lat0, count)
    # First ring of each chunk, and the first vertex of that ring.
    ring_starts = np.unique(np.r_[0, owner[np.linspace(0, len(coords), chunks + 1).astype(np.intp)[1:-1]], count])
    vertex_starts = np.searchsorted(owner, ring_starts)

    def chunk(k: int) -> np.ndarray:
        first, last = ring_starts[k], ring_starts[k + 1]
        vertices = slice(vertex_starts[k], vertex_starts[k + 1])
        return _signed_ring_areas(
            coords[vertices], owner[vertices] - first, lon0[first:last], lat0[first:last], last - first
        )

    with ThreadPoolExecutor(max_workers=len(ring_starts) - 1) as pool:
        return np.concatenate(list(pool.map(chunk, range(len(ring_starts) - 1))))


def _signed_ring_areas(
    coords: np.ndarray, owner: np.ndarray, lon0: np.ndarray, lat0: np.ndarray, count: int
) -> np.ndarray:
    """Signed area (counter-clockwise positive) in m² of closed lon/lat rings with GRS80 geodesic edges.

    Parameters
    ----------
    coords
        (n, 2) longitudes and latitudes in degrees (EPSG:4326) of the rings' vertices, rings one after the other,
        each closed (first vertex repeated last).
    owner
        Ring index of each vertex, non-decreasing.
    lon0, lat0
        Centre of each ring in degrees, within :data:`FAST_PATH_MAX_EXTENT_DEG` of all its vertices: the
        gnomonic centre.
    count
        Number of rings.
    """
    if len(coords) == 0:
        return np.zeros(count)
    lon, lat = coords[:, 0], coords[:, 1]
    sin_beta, cos_beta, x, y = _authalic_gnomonic(lon, lat, lon0, lat0, owner)

    # Consecutive vertices of one ring are its edges (rings are closed); pairs across two rings get weight 0.
    # Slices, not index arrays: the arrays are long and copies would cost more than the arithmetic.
    same_ring = owner[1:] == owner[:-1]
    xa, xb, ya, yb = x[:-1], x[1:], y[:-1], y[1:]
    # Spherical excess of the triangle (centre C, a, b) from the gnomonic points A = (x, y, 1) (Van Oosterom &
    # Strackee 1983): tan(E/2) = [A B C] / (|A||B| + A·B + |A| + |B|), as well-conditioned as a shoelace term.
    norm = np.sqrt(1 + x * x + y * y)
    na, nb = norm[:-1], norm[1:]
    excess = 2 * np.arctan2(xa * yb - xb * ya, na * nb + 1 + xa * xb + ya * yb + na + nb)
    sliver, length2 = _short_edge_slivers(lon[:-1], lat[:-1], lon[1:], lat[1:])
    long_edge = np.flatnonzero(same_ring & (length2 > LONG_EDGE_M**2))
    if len(long_edge):
        ends = np.concatenate([long_edge, long_edge + 1])
        lam = np.radians(lon[ends] - lon0[owner[ends]])
        points = np.stack([cos_beta[ends] * np.cos(lam), cos_beta[ends] * np.sin(lam), sin_beta[ends]], axis=-1)
        sliver[long_edge] = _long_edge_slivers(points[: len(long_edge)], points[len(long_edge) :])
    weights = np.where(same_ring, _R_AUTHALIC**2 * excess + sliver, 0.0)
    return np.bincount(owner[1:], weights=weights, minlength=count)


def _authalic_gnomonic(
    lon: np.ndarray, lat: np.ndarray, lon0: np.ndarray, lat0: np.ndarray, owner: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Authalic latitude (sin, cos) and gnomonic coordinates on the unit authalic sphere about each centre.

    Degrees in (vertex ``lon``, ``lat``; per-ring centres ``lon0``, ``lat0``; ``owner`` the ring of each
    vertex); the gnomonic x (east) and y (north) are dimensionless. Differences from the centre are formed
    before any rounding (sin φ − sin φ0, q(φ) − q(φ0), cos β0 − cos β), so that a polygon of a metre keeps its
    relative precision: subtracting two numbers near 1 would leave only nanometres.
    """
    e, e2 = _ELLIPSOID_E, _ELLIPSOID_E2
    phi0 = np.radians(lat0)
    ring_sin_phi0, ring_cos_phi0 = np.sin(phi0), np.cos(phi0)
    ring_sin_beta0 = authalic_q(ring_sin_phi0) / _QP
    sin_phi0, cos_phi0 = ring_sin_phi0[owner], ring_cos_phi0[owner]
    sin_beta0 = ring_sin_beta0[owner]
    cos_beta0 = np.sqrt(1 - sin_beta0**2)
    # sin φ − sin φ0 = cos φ0 sin δ − 2 sin φ0 sin²(δ/2), δ = φ − φ0, from one sine and one square root.
    half = np.sin(np.radians(lat - lat0[owner]) / 2)
    d_sin = 2 * half * (cos_phi0 * np.sqrt(1 - half * half) - sin_phi0 * half)
    sin_phi = sin_phi0 + d_sin
    one_minus = 1 - e2 * sin_phi * sin_phi0
    # artanh(z) − artanh(z0) = artanh((z − z0) / (1 − z z0)); its argument is below e sin(extent) ≈ 0.007 here,
    # so four terms of the series are exact to rounding.
    z = e * d_sin / one_minus
    z2 = z * z
    d_artanh = z * (1 + z2 * (1 / 3 + z2 * (1 / 5 + z2 / 7)))
    d_q = (1 - e2) * (
        d_sin * (1 + e2 * sin_phi * sin_phi0) / ((1 - e2 * sin_phi**2) * (1 - e2 * sin_phi0**2)) + d_artanh / e
    )
    d_sin_beta = d_q / _QP
    sin_beta = sin_beta0 + d_sin_beta
    cos_beta = np.sqrt(1 - sin_beta**2)
    half_lon = np.sin(np.radians(lon - lon0[owner]) / 2)
    sin_lon = 2 * half_lon * np.sqrt(1 - half_lon * half_lon)
    d_cos_beta = d_sin_beta * (sin_beta + sin_beta0) / (cos_beta0 + cos_beta)  # cos β0 − cos β
    north = sin_beta0 * d_cos_beta + cos_beta0 * d_sin_beta + 2 * sin_beta0 * cos_beta * half_lon * half_lon
    cos_c = sin_beta0 * sin_beta + cos_beta0 * cos_beta * (1 - 2 * half_lon * half_lon)
    return sin_beta, cos_beta, cos_beta * sin_lon / cos_c, north / cos_c


def _image_curvature(sin_phi: np.ndarray, cos_phi: np.ndarray, cos_t: np.ndarray, sin_t: np.ndarray) -> np.ndarray:
    """κ·w³ of the image of a GRS80 geodesic on the authalic sphere, and w, for direction t on the ellipsoid.

    In coordinates (λ, β) (β authalic latitude) the ellipsoid's metric is P² dλ² + Q² dβ² with P = ρ = N cos φ
    and Q = R² cos β / ρ, the sphere's R² cos² β dλ² + R² dβ². Liouville's formula for both, with the
    geodesic condition dt/ds = (P'/P) cos t / Q on the ellipsoid, gives the sphere's geodesic curvature of
    the image, κ = cos t / (Q w³) · (2 (P'/P + tan β) sin² t + P'/P) + sin β cos t / (ρ w), where
    w = ds_sphere / ds_ellipsoid = √(cos² t / k² + k² sin² t), k = ρ / (R cos β), P'/P = −R² sin φ cos β / ρ².
    It is zero on a sphere (e = 0) and of order e² / R here; positive bends left.

    Parameters
    ----------
    sin_phi, cos_phi
        Geodetic latitude of the point.
    cos_t, sin_t
        Direction of the geodesic on the ellipsoid, anticlockwise from east (unit vector).

    Returns
    -------
    tuple of numpy.ndarray
        κ·w³ (1/m) and w (dimensionless).
    """
    k2, factor0, factor1 = _curvature_factors(sin_phi, cos_phi)
    w2 = cos_t**2 / k2 + k2 * sin_t**2
    return cos_t * (factor0 + factor1 * sin_t**2), np.sqrt(w2)


def _curvature_factors(sin_phi: np.ndarray, cos_phi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """k² and the two latitude factors F0, F1 (1/m) of κ·w³ = cos t · (F0 + F1 sin² t) (:func:`_image_curvature`).

    With cos² t = 1 − sin² t the formula splits into F0 = P'/P / Q + sin β / (ρ k²) and
    F1 = 2 (P'/P + tan β) / Q + sin β (k² − 1/k²) / ρ.
    """
    e2, r = _ELLIPSOID_E2, _R_AUTHALIC
    rho = _ELLIPSOID_A * cos_phi / np.sqrt(1 - e2 * sin_phi**2)
    sin_beta = authalic_q(sin_phi) / _QP
    cos_beta = np.sqrt(1 - sin_beta**2)
    k2 = (rho / (r * cos_beta)) ** 2
    log_p = -(r**2) * sin_phi * cos_beta / rho**2  # P'/P
    q_metric = r**2 * cos_beta / rho
    factor0 = log_p / q_metric + sin_beta / (rho * k2)
    factor1 = 2 * (log_p + sin_beta / cos_beta) / q_metric + sin_beta * (k2 - 1 / k2) / rho
    return k2, factor0, factor1


#: Latitudes (degrees) of the table the short-edge slivers interpolate in; beyond ±_TABLE_MAX_LAT_DEG
#: polygons go to GeographicLib. Linear interpolation at this step is good to ~1e-7 of the sliver.
_TABLE_MAX_LAT_DEG: Final = 85.0
_TABLE_STEP_DEG: Final = 0.02


@functools.cache
def _latitude_table() -> tuple[np.ndarray, ...]:
    """Per degree of longitude and of latitude, ρ and M (m), and F0, F1 (1/m), every _TABLE_STEP_DEG from the south."""
    lat = np.arange(-_TABLE_MAX_LAT_DEG, _TABLE_MAX_LAT_DEG + _TABLE_STEP_DEG / 2, _TABLE_STEP_DEG)
    phi = np.radians(lat)
    sin_phi, cos_phi = np.sin(phi), np.cos(phi)
    w2 = 1 - _ELLIPSOID_E2 * sin_phi**2
    prime_vertical = _ELLIPSOID_A / np.sqrt(w2)
    _, factor0, factor1 = _curvature_factors(sin_phi, cos_phi)
    per_degree = np.pi / 180
    return (
        prime_vertical * cos_phi * per_degree,
        prime_vertical * (1 - _ELLIPSOID_E2) / w2 * per_degree,
        factor0,
        factor1,
    )


def _short_edge_slivers(
    lon_a: np.ndarray, lat_a: np.ndarray, lon_b: np.ndarray, lat_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Signed area (m²) between each geodesic edge's image on the authalic sphere and the great circle.

    κ (:func:`_image_curvature`) is taken at the mean latitude in the edge's direction there: the sliver is
    κ·(wL)³/12 with L the length on the ellipsoid and wL on the sphere. Positive κ bends left, so the edge
    bulges right of the chord: outward for a counter-clockwise ring, which gains the sliver. Also returns L²
    (m²), L from the edge's east and north extents at the mean latitude.
    """
    rho, meridional, factor0, factor1 = _latitude_table()
    # Linear interpolation in the regular table by hand: one index and weight for all four columns, which
    # np.interp (a binary search per call) would find four times.
    position = ((lat_a + lat_b) / 2 + _TABLE_MAX_LAT_DEG) / _TABLE_STEP_DEG
    index = np.clip(position.astype(np.intp), 0, len(rho) - 2)
    weight = position - index

    def at(column: np.ndarray) -> np.ndarray:
        return column[index] + weight * (column[index + 1] - column[index])

    east = at(rho) * (lon_b - lon_a)
    north = at(meridional) * (lat_b - lat_a)
    length2 = east * east + north * north
    # κ (wL)³ = cos t (F0 + F1 sin² t) L³ = east (F0 L² + F1 north²): no square root needed.
    curvature = east * (at(factor0) * length2 + at(factor1) * north**2)
    return curvature / 12, length2


def _long_edge_slivers(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Signed sliver area (m²) of long edges, κ integrated along the great circle between two unit vectors.

    Parameters
    ----------
    start, end
        (n, 3) unit vectors of the edges' ends on the authalic sphere, in a frame whose z axis is the pole.

    The sliver is ∫ κ(s) G(s) ds with G(s) = s (L − s) / 2 for a chord in the plane; the sphere's curvature
    multiplies it by (1 + σ²/10) to the order that matters (σ = L / R), from the Green's function of
    h'' + h/R² = −κ. Three Gauss points integrate κ's variation along the edge.
    """
    sigma = np.arctan2(np.linalg.norm(np.cross(start, end), axis=-1), np.einsum("ij,ij->i", start, end))
    sin_sigma = np.sin(sigma)[:, None]
    total = np.zeros(len(sigma))
    for node, weight in zip(_GAUSS_NODES, _GAUSS_WEIGHTS, strict=True):
        point = (np.sin((1 - node) * sigma)[:, None] * start + np.sin(node * sigma)[:, None] * end) / sin_sigma
        tangent = (np.cos(node * sigma)[:, None] * end - np.cos((1 - node) * sigma)[:, None] * start) / sin_sigma
        cos_beta = np.hypot(point[:, 0], point[:, 1])
        cos_lam, sin_lam = point[:, 0] / cos_beta, point[:, 1] / cos_beta
        east_sphere = tangent[:, 1] * cos_lam - tangent[:, 0] * sin_lam
        north_sphere = tangent[:, 2] * cos_beta - point[:, 2] * (tangent[:, 0] * cos_lam + tangent[:, 1] * sin_lam)
        phi = _geodetic_from_authalic(np.arctan2(point[:, 2], cos_beta))
        sin_phi, cos_phi = np.sin(phi), np.cos(phi)
        # tan(direction on the sphere) = k² tan t, so the ellipsoid's direction is (k² east, north) normalised.
        rho = _ELLIPSOID_A * cos_phi / np.sqrt(1 - _ELLIPSOID_E2 * sin_phi**2)
        k2 = (rho / (_R_AUTHALIC * cos_beta)) ** 2
        cos_t, sin_t = east_sphere * k2, north_sphere
        norm = np.hypot(cos_t, sin_t)
        kappa_w3, w = _image_curvature(sin_phi, cos_phi, cos_t / norm, sin_t / norm)
        total += weight * kappa_w3 / w**3 * node * (1 - node) / 2
    return total * (_R_AUTHALIC * sigma) ** 3 * (1 + sigma**2 / 10)


def _geodetic_from_authalic(beta: np.ndarray) -> np.ndarray:
    """Geodetic latitude (radians) from authalic latitude (radians), Snyder (1987) eq. 3-18.

    The series is good to about e⁸ ≈ 2e-9 rad, far more than the curvature it feeds needs.
    """
    e2 = _ELLIPSOID_E2
    e4, e6 = e2 * e2, e2**3
    return (
        beta
        + (e2 / 3 + 31 * e4 / 180 + 517 * e6 / 5040) * np.sin(2 * beta)
        + (23 * e4 / 360 + 251 * e6 / 3780) * np.sin(4 * beta)
        + 761 * e6 / 45360 * np.sin(6 * beta)
    )
