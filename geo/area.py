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
:func:`area_m2` gets the same areas vectorised in NumPy (``geo._geodesic``), for rings of any size up to
:data:`FAST_PATH_MAX_EXTENT_DEG`:

1. Each vertex goes to the authalic sphere (latitude → authalic latitude, radius R_q), which is an
   equal-area map of the ellipsoid: areas there are the areas on GRS80.
2. The polygon with great-circle edges between those points has an exact area: the sum, over edges, of the
   spherical excess of the triangle (first vertex, vertex i, vertex i+1), from the vertices' unit vectors
   about the ring's first vertex (Van Oosterom & Strackee 1983), which is as well-conditioned as a shoelace.
3. The image of a GRS80 geodesic on the authalic sphere is not quite a great circle: its geodesic
   curvature κ depends only on the latitude and the direction (Liouville's formula for the two metrics of
   revolution), and is of order e²/R. The sliver between the edge and the great circle is ∫ κ(s)·G(s) ds
   for the Green's function G of h'' + h/R² = −κ, i.e. κ·L³/12 · (1 + L²/(10 R²)) for constant κ. Edges
   shorter than :data:`LONG_EDGE_M` take κ at the middle of the edge; longer ones a two-point Gauss rule
   for the weight G along the great circle.

``bench/bench_area.py`` checks the result against an independent mpmath reference (the exact geodesic, from
Bessel's auxiliary-sphere integrals, integrated with the authalic latitude at 20 digits): within 1e-11 for
polygons of 2 m to 500 km; GeographicLib itself is within about 1e-4 m² (absolute) of it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from . import _geodesic, units
from ._geodesic import GEOD
from ._geodesic import authalic_q as authalic_q  # re-exported: geo.raster's pixel areas use it
from .settings import GEOGRAPHIC_CRS, PLANAR_CRS

if TYPE_CHECKING:
    from .io import ZoneBuffers

log = logging.getLogger(__name__)

#: Geometries whose rings all have longitude and latitude extents below this many degrees (about 450 km at
#: Korea's latitude) and stay within ±85° are measured by the vectorised path of :func:`area_m2` (so are
#: rings up to twice as large whose vertices all lie within it of their first one, with edges no longer than
#: the diagonal of a square of this side); others (a ring that is larger, reaches a pole or crosses the
#: antimeridian) by GeographicLib. The vectorised path stays within about 1e-10 of the reference to here,
#: most of that from edges several degrees long.
FAST_PATH_MAX_EXTENT_DEG: Final = _geodesic.MAX_EXTENT_DEG
#: Overlaps are computed on a grid of this many degrees (about 1 cm), so that two parts sharing a boundary
#: that was snap-rounded on each side do not report slivers a few millimetres wide as overlaps.
OVERLAP_GRID_DEG: Final = 1e-7
#: The accuracy promised by :func:`area_m2` for polygons of 2 m and larger, relative to the exact geodesic
#: polygon (checked by tests and bench/ against an independent high-precision reference).
FAST_PATH_MAX_REL_ERROR: Final = 1e-9
#: Edges longer than this (m) integrate the curvature of their image along the great circle (two Gauss
#: points) instead of taking it at the middle; at 20 km the midpoint rule is already within 1e-12 of the area.
LONG_EDGE_M: Final = _geodesic.LONG_EDGE_M

#: EPSG:4326, parsed once: every call compares its input CRS with it.
_LONLAT_CRS: Final = CRS.from_user_input(GEOGRAPHIC_CRS)
#: Polygons with holes and multipolygons of up to this many rings are split into rings by scanning their
#: coordinates (one pass over them per ring); larger ones are opened into parts and rings.
_MOST_SCANNED_RINGS: Final = 4


class _Rings(NamedTuple):
    """Closed lon/lat rings, one after the other, and what each counts for."""

    #: (n, 2) longitudes and latitudes (degrees) of the vertices.
    coords: np.ndarray
    #: Index of each ring's first vertex, increasing.
    starts: np.ndarray
    #: The geometry each ring belongs to.
    owner: np.ndarray
    #: +1 for an exterior, −1 for a hole.
    sign: np.ndarray


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

    Geometries whose rings all fit :data:`FAST_PATH_MAX_EXTENT_DEG` are measured on the authalic sphere with
    the curvature correction described in the module docstring; others by GeographicLib.

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
    values = np.asarray(geoms.values)
    areas = np.zeros(len(values))
    unmeasured = [np.empty(0, dtype=np.intp)]
    for rings in _rings(values):
        signed, measured = _geodesic.ring_areas_m2(rings.coords, rings.starts)
        areas += np.bincount(rings.owner, weights=rings.sign * np.abs(signed), minlength=len(values))
        unmeasured.append(rings.owner[~measured])
    others = np.unique(np.concatenate(unmeasured))
    if len(others):
        parts, part_owner = _polygon_parts(values[others])
        areas[others] = np.bincount(part_owner, weights=_geographiclib_areas(parts), minlength=len(others))
    return pd.Series(areas, index=geoms.index, name="area_m2")


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
    return _area_frame(area_m2(data), planar_area_m2(data))


def _area_frame(ellipsoidal: pd.Series, planar: pd.Series) -> pd.DataFrame:
    """The columns of :func:`area_table` from the ellipsoidal and planar areas in m²."""
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
    first, second = _overlapping_pairs(values)
    if len(first) == 0:
        return pd.DataFrame({"a": [], "b": [], "overlap_m2": []}).astype({"a": object, "b": object})
    # Every pair's intersection at once, measured in one call (each geometry's area is its own).
    shared = shapely.intersection(values[first], values[second], grid_size=OVERLAP_GRID_DEG)
    shared_m2 = area_m2(gpd.GeoSeries(shared, crs=GEOGRAPHIC_CRS)).to_numpy()
    keep = shared_m2 > 0
    ids = data[id_column].to_numpy(dtype=object)
    return pd.DataFrame({"a": ids[first[keep]], "b": ids[second[keep]], "overlap_m2": shared_m2[keep]})


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
    first, second = first[inside], second[inside]
    order = np.lexsort((second, first))  # in the order of the features, whatever the tree's
    return first[order], second[order]


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
    if CRS.from_user_input(series.crs) != _LONLAT_CRS:
        log.debug("reprojecting %d geometries from %s to %s to measure", len(series), series.crs, GEOGRAPHIC_CRS)
        series = series.to_crs(GEOGRAPHIC_CRS)
    return series


def _rings(geoms: np.ndarray) -> list[_Rings]:
    """Every non-empty ring of the polygonal parts of each geometry, by the rule of :func:`_polygon_parts`.

    Polygons without holes, almost all of any real layer, are one ring each. Polygons with holes and
    multipolygons give their coordinates in one piece too, split into rings where each closes
    (:func:`_closed_rings`). Only collections, and the rare geometries that do not split into as many rings
    as they have, are opened into parts and rings, which costs a new geometry object each.
    """
    types = shapely.get_type_id(geoms)
    holes = shapely.get_num_interior_rings(geoms)
    polygon = types == shapely.GeometryType.POLYGON
    multi = types == shapely.GeometryType.MULTIPOLYGON
    simple = np.flatnonzero(polygon & (holes == 0))
    coords, counts = _coordinates(geoms[simple])
    nonempty = counts > 0
    rings = [_Rings(coords, (np.cumsum(counts) - counts)[nonempty], simple[nonempty], np.ones(np.sum(nonempty)))]
    split = np.flatnonzero((polygon & (holes > 0)) | multi)
    scanned, failed = _scanned_rings(geoms, split, holes[split], multi[split])
    rings.append(scanned)
    opened = np.concatenate([np.flatnonzero(types == shapely.GeometryType.GEOMETRYCOLLECTION), failed])
    if len(opened):
        rings.append(_opened_rings(geoms, opened))
    return rings


def _scanned_rings(
    geoms: np.ndarray, index: np.ndarray, holes: np.ndarray, multi: np.ndarray
) -> tuple[_Rings, np.ndarray]:
    """The rings of polygons with ``holes`` and of multipolygons (``multi``), split by :func:`_closed_rings`.

    Returns them, and the geometries left to open: those of more than _MOST_SCANNED_RINGS rings and those
    that split into another number of rings than they have (an invalid, self-touching ring), and the
    multipolygons with a hole or an empty part.
    """
    if not len(index):
        return _Rings(np.empty((0, 2)), index, index, np.empty(0)), index
    expected = np.where(multi, shapely.get_num_geometries(geoms[index]), 1 + holes)
    # A multipolygon is split only when each part is one ring: a part with holes, or an empty part (which
    # could make the ring count match while a hole is taken for a part), sends it to be opened.
    few = (expected <= _MOST_SCANNED_RINGS) & ~_irregular_multipolygons(geoms[index], multi)
    many, index, expected, multi = index[~few], index[few], expected[few], multi[few]
    coords, counts = _coordinates(geoms[index])
    last = np.cumsum(counts)
    starts, geometry, number, closed = _closed_rings(coords, last - counts, last, most=_MOST_SCANNED_RINGS)
    fits = closed & (np.bincount(geometry, minlength=len(index)) == expected)
    if not fits.all():
        kept_vertex, kept_ring = np.repeat(fits, counts), fits[geometry]
        coords, starts = coords[kept_vertex], (np.cumsum(kept_vertex) - 1)[starts[kept_ring]]
        geometry, number = geometry[kept_ring], number[kept_ring]
    # A polygon's exterior comes first, its holes after it; a multipolygon that fits has one ring per part.
    sign = np.where(multi[geometry] | (number == 0), 1.0, -1.0)
    return _Rings(coords, starts, index[geometry], sign), np.concatenate([index[~fits], many])


def _irregular_multipolygons(geoms: np.ndarray, multi: np.ndarray) -> np.ndarray:
    """True where ``multi`` and one of the multipolygon's parts is empty or has a hole."""
    irregular = np.zeros(len(geoms), dtype=bool)
    if multi.any():
        parts, owner = shapely.get_parts(geoms[multi], return_index=True)
        odd = shapely.is_empty(parts) | (shapely.get_num_interior_rings(parts) > 0)
        irregular[np.flatnonzero(multi)[np.unique(owner[odd])]] = True
    return irregular


def _opened_rings(geoms: np.ndarray, index: np.ndarray) -> _Rings:
    """The rings of the polygonal parts of ``geoms[index]``, opened into part and ring objects."""
    parts, part_owner = _polygon_parts(geoms[index])
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    # get_rings lists each polygon's exterior first: it adds, the holes after it subtract.
    exterior = np.ones(len(rings), dtype=bool)
    exterior[1:] = ring_part[1:] != ring_part[:-1]
    coords, counts = _coordinates(rings)
    nonempty = counts > 0
    return _Rings(
        coords,
        (np.cumsum(counts) - counts)[nonempty],
        index[part_owner[ring_part]][nonempty],
        np.where(exterior, 1.0, -1.0)[nonempty],
    )


def _coordinates(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (n, 2) vertices of the geometries one after the other, and how many each has."""
    return shapely.get_coordinates(geoms), shapely.get_num_coordinates(geoms)


def _closed_rings(
    coords: np.ndarray, first: np.ndarray, last: np.ndarray, *, most: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split the vertices ``coords[first[i]:last[i]]`` of each geometry i into rings that end where they close.

    A ring ends at the first repeat of its first vertex, which for a simple ring (every ring of a valid
    polygon) is its last vertex; a ring that touches itself there splits in two, so a geometry splits into
    exactly as many rings as it has only if none does.

    Returns
    -------
    tuple of numpy.ndarray
        The first vertex of each ring (increasing), the geometry it belongs to, its number in that geometry
        (0 first), and for each geometry whether it split into at most ``most`` closed rings to its end.
    """
    x, y = coords[:, 0], coords[:, 1]
    counts = last - first
    closed = counts == 0
    start, alive = first.copy(), ~closed
    found = [(np.empty(0, dtype=np.intp),) * 3]
    for number in range(most):
        if not alive.any():
            break
        found.append((start[alive], np.flatnonzero(alive), np.full(np.sum(alive), number)))
        # One pass over every vertex: is it its geometry's current ring start (NaN where none is left)? The
        # starts themselves are, so there is a repeat whenever a geometry is left.
        ring_start = np.minimum(start, len(x) - 1)
        start_x = np.repeat(np.where(alive, x[ring_start], np.nan), counts)
        start_y = np.repeat(y[ring_start], counts)
        repeats = np.flatnonzero((x == start_x) & (y == start_y))
        # The first repeat after the start ends the ring; it must come before the geometry's end.
        end = repeats[np.minimum(np.searchsorted(repeats, start + 1), len(repeats) - 1)]
        ended = alive & (end > start) & (end < last)
        closed |= ended & (end == last - 1)
        alive = ended & (end < last - 1)
        start = np.where(alive, end + 1, start)
    starts, geometry, number = (np.concatenate(column) for column in zip(*found, strict=True))
    order = np.argsort(starts)
    return starts[order], geometry[order], number[order], closed


def _geographiclib_areas(polygons: np.ndarray) -> np.ndarray:
    """Area in m² of each lon/lat polygon (GRS80, geodesic edges), one GeographicLib call each."""
    oriented = shapely.orient_polygons(polygons, exterior_cw=False)
    return np.array([abs(GEOD.geometry_area_perimeter(polygon)[0]) for polygon in oriented], dtype=float)


#: Rings with more terms than this get their planar (GEOS) shoelace summed ring by ring; shorter ones are summed
#: all together, one vertex position at a time.
_LONG_RING_TERMS: Final = 1024


def ring_table_areas(
    lonlat: np.ndarray,
    planar: np.ndarray,
    ring_offsets: np.ndarray,
    ring_feature: np.ndarray,
    ring_number: np.ndarray,
    ring_part: np.ndarray,
    size: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ellipsoidal and planar areas of (multi)polygons given as rings, bit for bit those of :func:`area_m2` and
    :func:`planar_area_m2` for the same polygons.

    Parameters
    ----------
    lonlat, planar
        (n, 2) vertices of every ring in EPSG:4326 (degrees) and in the planar CRS (m), rings one after the
        other, each closed and of at least four vertices; features in order, each feature's parts in order and
        each part's exterior before its holes.
    ring_offsets
        Index of each ring's first vertex, and the vertex count at the end.
    ring_feature, ring_number, ring_part
        The feature (0 to ``size`` − 1) of each ring, its number in its polygon (0 the exterior) and the
        number of its part in the feature.

    Returns
    -------
    tuple of numpy.ndarray
        Area in m² (GRS80, geodesic edges) and planar area in m² of each feature (0 for a feature without
        rings), and whether the ellipsoidal area was measured: features with a ring out of the vectorised
        range (:data:`FAST_PATH_MAX_EXTENT_DEG`) are not, and need :func:`area_m2` of their geometry.

    The same arithmetic as those functions, in the same order: each ring's area from ``geo._geodesic`` (which
    is the same wherever a ring lies in its arrays), outlines added and holes subtracted in order; the planar
    area is GEOS's shoelace (``Area::ofRingSigned``) summed term by term in its order, and each polygon's
    outline less its holes, added part by part.
    """
    starts = ring_offsets[:-1]
    sign = np.where(ring_number == 0, 1.0, -1.0)
    signed, measured = _geodesic.ring_areas_m2(lonlat, starts)
    ellipsoidal = np.bincount(ring_feature, weights=sign * np.abs(signed), minlength=size)
    unmeasured = np.zeros(size, dtype=bool)
    unmeasured[ring_feature[~measured]] = True
    # GEOS: each polygon's area is 0 + |outline| − |hole| − ..., and a multipolygon's the sum of its parts'.
    new_part = np.ones(len(starts), dtype=bool)
    new_part[1:] = (ring_feature[1:] != ring_feature[:-1]) | (ring_part[1:] != ring_part[:-1])
    part_index = np.cumsum(new_part) - 1
    parts = np.bincount(part_index, weights=sign * np.abs(_geos_ring_areas(planar, ring_offsets)))
    planar_areas = np.bincount(ring_feature[new_part], weights=parts, minlength=size)
    return ellipsoidal, planar_areas, ~unmeasured


def _geos_ring_areas(xy: np.ndarray, ring_offsets: np.ndarray) -> np.ndarray:
    """Signed shoelace area of each closed ring, as GEOS's ``Area::ofRingSigned`` computes it, bit for bit.

    GEOS sums (x[i] − x[0]) · (y[i − 1] − y[i + 1]) for i = 1 … n − 2 from 0, in that order, and halves the sum.
    The sum runs over every ring at once, one vertex position at a time, with the rings sorted by length so
    that those still summing are a prefix; the few long rings are summed one by one with a cumulative sum
    (also strictly in order).
    """
    starts = ring_offsets[:-1]
    terms = np.diff(ring_offsets) - 2
    total = np.zeros(len(starts))
    long = terms > _LONG_RING_TERMS
    x, y = xy[:, 0], xy[:, 1]
    for ring in np.flatnonzero(long):
        first, last = starts[ring], ring_offsets[ring + 1]
        summands = (x[first + 1 : last - 1] - x[first]) * (y[first : last - 2] - y[first + 2 : last])
        total[ring] = 0.0 + np.cumsum(summands)[-1]
    short = np.flatnonzero(~long)
    order = short[np.argsort(-terms[short], kind="stable")]
    counts = terms[order]
    first = starts[order]
    x0 = x[first]
    acc = np.zeros(len(order))
    # Rings with at least i terms are the first ``alive[i]`` of ``order``.
    most = int(counts[0]) if len(counts) else 0
    alive = np.searchsorted(-counts, -np.arange(most + 1), side="right")
    for i in range(1, most + 1):
        k = alive[i]
        at = first[:k] + i
        acc[:k] += (x[at] - x0[:k]) * (y[at - 1] - y[at + 1])
    total[order] = acc
    return total / 2.0


def buffer_area_table(buffers: ZoneBuffers) -> pd.DataFrame:
    """:func:`area_table` of zones kept as arrays (:class:`geo.io.ZoneBuffers`), bit for bit the same.

    Measured from the vertices (:func:`ring_table_areas`): only the features with a ring out of the
    vectorised range are built as geometries, for GeographicLib (:func:`area_m2`).
    """
    polygons, zones = buffers.polygons, buffers.zones
    # As GeoSeries.to_crs projects them for planar_area_m2: the same transformation, vertex by vertex.
    transformer = Transformer.from_crs(_LONLAT_CRS, CRS.from_user_input(PLANAR_CRS), always_xy=True)
    planar = np.column_stack(transformer.transform(polygons.coords[:, 0], polygons.coords[:, 1]))
    ellipsoidal, planar_m2, measured = ring_table_areas(
        polygons.coords,
        planar,
        polygons.ring_offsets,
        polygons.ring_feature,
        polygons.ring_number,
        polygons.ring_part,
        len(zones),
    )
    others = np.flatnonzero(~measured)
    if len(others):
        log.debug("%d features out of the vectorised range measured by GeographicLib", len(others))
        ellipsoidal[others] = area_m2(gpd.GeoSeries(buffers.geometries(others), crs=GEOGRAPHIC_CRS)).to_numpy()
    return _area_frame(
        pd.Series(ellipsoidal, index=zones.index, name="area_m2"),
        pd.Series(planar_m2, index=zones.index, name="area_m2_planar"),
    )


def buffer_overlaps(buffers: ZoneBuffers, *, id_column: str) -> pd.DataFrame:
    """:func:`overlaps` of zones kept as arrays (:class:`geo.io.ZoneBuffers`), the same pairs and areas.

    Only features whose bounds meet another's can overlap: those are found from the vertices
    (:func:`_bounds_pairs`) and only they are built as geometries and tested.
    """
    polygons, zones = buffers.polygons, buffers.zones
    first_vertex = polygons.ring_offsets[:-1][np.searchsorted(polygons.ring_feature, np.arange(len(zones)))]
    low = np.minimum.reduceat(polygons.coords, first_vertex)
    high = np.maximum.reduceat(polygons.coords, first_vertex)
    first, second = _bounds_pairs(low, high)
    candidates = np.unique(np.concatenate([first, second]))
    if not len(candidates):
        return overlaps(gpd.GeoDataFrame({id_column: []}, geometry=[], crs=GEOGRAPHIC_CRS), id_column=id_column)
    subset = gpd.GeoDataFrame(
        {id_column: zones[id_column].to_numpy(dtype=object)[candidates]},
        geometry=buffers.geometries(candidates),
        crs=GEOGRAPHIC_CRS,
    )
    return overlaps(subset, id_column=id_column)


#: Boxes larger than this many times the 99th percentile of the boxes' sides are compared with every box
#: instead of being put in the grid of :func:`_bounds_pairs` (whose cell is the largest side of the others).
_LARGE_BOX_FACTOR: Final = 4.0
#: The four neighbouring cells (east, north-west, north, north-east) whose boxes each cell's are compared with:
#: with the cell itself, every pair of neighbouring cells once.
_NEIGHBOURS: Final = ((1, 0), (-1, 1), (0, 1), (1, 1))


def _bounds_pairs(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j, each once) of the boxes ``low``–``high`` ((n, 2) each) that meet (touching included).

    Each box goes into the cell of a grid that holds its lower-left corner; the cell is as large as the
    largest box, so two boxes that meet are in the same or neighbouring cells. The rare boxes much larger than
    the rest (:data:`_LARGE_BOX_FACTOR`) are compared with every box instead.
    """
    empty = np.zeros(0, dtype=np.int64)
    if len(low) < 2:
        return empty, empty
    side = (high - low).max(axis=1)
    typical = float(np.quantile(side, 0.99))
    large = side > _LARGE_BOX_FACTOR * typical if typical > 0 else np.zeros(len(side), dtype=bool)
    small = np.flatnonzero(~large)
    span = float((high.max(axis=0) - low.min(axis=0)).max())
    cell = max(float(side[small].max()) if len(small) else 0.0, span / 2**20)
    cell = cell if cell > 0 else 1.0
    origin = low.min(axis=0)
    column_row = np.floor((low[small] - origin) / cell).astype(np.int64) + 1  # a free column on either side
    width = int(column_row[:, 0].max()) + 2
    key = column_row[:, 1] * width + column_row[:, 0]
    order = np.argsort(key, kind="stable")
    key, box = key[order], small[order]
    group_start = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    cells, sizes = key[group_start], np.diff(np.append(group_start, len(key)))
    # Pairs within a cell: each entry with the later ones of its cell.
    rank = np.arange(len(key)) - np.repeat(group_start, sizes)
    later = np.repeat(sizes, sizes) - rank - 1
    a = np.repeat(np.arange(len(key)), later)
    pairs_a, pairs_b = [a], [a + 1 + (np.arange(len(a)) - np.repeat(np.cumsum(later) - later, later))]
    # Pairs across neighbouring cells whose boxes' bounds meet: every entry of one with every entry of the other.
    if len(group_start) == len(key):  # one box a cell (a regular layer): its bounds are the cell's
        cell_low, cell_high = low[box], high[box]
    else:
        cell_low = np.minimum.reduceat(low[box], group_start)
        cell_high = np.maximum.reduceat(high[box], group_start)
    for dx, dy in _NEIGHBOURS:
        wanted = cells + dx + dy * width
        at = np.minimum(np.searchsorted(cells, wanted), len(cells) - 1)
        source = np.flatnonzero(cells[at] == wanted)
        target = at[source]
        meet = (cell_low[source] <= cell_high[target]).all(axis=1) & (cell_low[target] <= cell_high[source]).all(axis=1)
        source, target = source[meet], target[meet]
        if not len(source):
            continue
        entries = np.repeat(source, sizes[source])  # the cell of each entry of the source cells
        entry = group_start[entries] + (
            np.arange(len(entries)) - np.repeat(np.cumsum(sizes[source]) - sizes[source], sizes[source])
        )
        partners = sizes[target][np.searchsorted(source, entries)]
        a = np.repeat(entry, partners)
        first_partner = np.repeat(group_start[target][np.searchsorted(source, entries)], partners)
        pairs_a.append(a)
        pairs_b.append(first_partner + (np.arange(len(a)) - np.repeat(np.cumsum(partners) - partners, partners)))
    i, j = box[np.concatenate(pairs_a)], box[np.concatenate(pairs_b)]
    meet = (low[i] <= high[j]).all(axis=1) & (low[j] <= high[i]).all(axis=1)
    first, second = [np.minimum(i, j)[meet]], [np.maximum(i, j)[meet]]
    for big in np.flatnonzero(large):
        others = np.flatnonzero((low <= high[big]).all(axis=1) & (low[big] <= high).all(axis=1))
        others = others[(others != big) & (~large[others] | (others > big))]
        first.append(np.minimum(others, big))
        second.append(np.maximum(others, big))
    return np.concatenate(first), np.concatenate(second)
