"""One partition to a small partial sum per (zone, category), and the sums added exactly."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from .. import land
from ..area import area_m2
from ..settings import GEOGRAPHIC_CRS, M2_PER_PYEONG
from ._constants import _KEYS_PER_ZONE, AUDIT_COLUMNS, OVERLAP_NOISE_REL, ZONE_NAME_COLUMNS
from ._zones import ZoneSet

log = logging.getLogger(__name__)


@dataclass
class Partial:
    """One partition's contribution: per (zone, category) key the parcel count and exact sum terms of the areas,
    per zone the union of the parts (for the covered area), and the number of parcels read."""

    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sums: list[tuple[float, ...]] = field(default_factory=list)
    unions: dict[int, shapely.Geometry] = field(default_factory=dict)
    rows: int = 0


def partition_partial(
    part: gpd.GeoDataFrame,
    zones: ZoneSet,
    boxes: np.ndarray,
    land_column: str,
    land_source: str,
    crs_wkt: str,
    min_piece_m2: float,
) -> Partial:
    """Clip one partition's parcels (a GeoDataFrame) to the zones and reduce them to a :class:`Partial`."""
    if len(part) == 0:
        return Partial()
    geometries = np.asarray(part.geometry.values, dtype=object)
    zone_index, parcel_index = shapely.STRtree(geometries).query(boxes)
    crs = part.crs if part.crs is not None else CRS.from_wkt(crs_wkt)
    partial = reduce_pairs(
        geometries, part[land_column], zone_index, parcel_index, crs, zones, land_source, min_piece_m2
    )
    partial.rows = len(part)
    return partial


def reduce_pairs(
    geometries: np.ndarray,
    land_values: pd.Series,
    zone_index: np.ndarray,
    parcel_index: np.ndarray,
    crs: CRS,
    zones: ZoneSet,
    land_source: str,
    min_piece_m2: float,
) -> Partial:
    """The :class:`Partial` of the (zone, parcel) pairs whose boxes meet: ``geometries`` (in ``crs``) and
    ``land_values`` are the parcels, by position, that ``parcel_index`` refers to.

    The pairs are taken in (zone, parcel) order, whatever order they were found in, so that the per-zone
    unions are made in the same order by every path that finds the same pairs.
    """
    if len(parcel_index) == 0:
        return Partial()
    order = np.lexsort((parcel_index, zone_index))
    zone_index, parcel_index = zone_index[order], parcel_index[order]
    candidates, inverse = np.unique(parcel_index, return_inverse=True)
    lonlat = _to_lonlat(geometries[candidates], crs)
    parcel_geoms = lonlat[inverse]
    # A private copy of the zones, prepared for the predicates: tasks on threads must not prepare shared objects.
    own_zones = shapely.from_wkb(shapely.to_wkb(zones.geometries))
    shapely.prepare(own_zones)
    zone_geoms = own_zones[zone_index]
    hit = shapely.intersects(zone_geoms, parcel_geoms)
    zone_index, parcel_geoms, zone_geoms, owner = zone_index[hit], parcel_geoms[hit], zone_geoms[hit], inverse[hit]
    inside = shapely.contains_properly(zone_geoms, parcel_geoms)
    pieces = parcel_geoms.copy()
    pieces[~inside] = _polygonal(shapely.intersection(parcel_geoms[~inside], zone_geoms[~inside]))
    areas = area_m2(gpd.GeoSeries(pieces, crs=GEOGRAPHIC_CRS)).to_numpy() if len(pieces) else np.zeros(0)
    keep = areas > min_piece_m2
    zone_index, pieces, areas, owner = zone_index[keep], pieces[keep], areas[keep], owner[keep]
    if len(areas) == 0:
        return Partial()

    values = land_values.iloc[candidates[owner]]
    numbers = (
        land.category_numbers_from_jibun(values)
        if land_source == "jibun"
        else land.category_numbers_from_values(values)
    )
    keys = zone_index.astype(np.int64) * _KEYS_PER_ZONE + numbers
    order = np.argsort(keys, kind="stable")
    unique_keys, starts, counts = np.unique(keys[order], return_index=True, return_counts=True)
    sorted_areas = areas[order]
    sums = [exact_terms(sorted_areas[s : s + c]) for s, c in zip(starts, counts, strict=True)]

    unions = {}
    for zone in np.unique(zone_index):
        unions[int(zone)] = shapely.union_all(pieces[zone_index == zone])
    return Partial(unique_keys, counts.astype(np.int64), sums, unions)


def _to_lonlat(geometries: np.ndarray, crs: CRS) -> np.ndarray:
    """Parcels in EPSG:4326, invalid ones repaired with make_valid (keeping the polygonal part)."""
    series = gpd.GeoSeries(geometries, crs=crs)
    if not crs.equals(CRS.from_user_input(GEOGRAPHIC_CRS)):
        series = series.to_crs(GEOGRAPHIC_CRS)
    values = np.asarray(series.values, dtype=object)
    invalid = ~shapely.is_valid(values)
    if invalid.any():
        log.debug("repairing %d invalid parcel geometries with make_valid", int(invalid.sum()))
        values[invalid] = _polygonal(shapely.make_valid(values[invalid]))
    return values


def _polygonal(geometries: np.ndarray) -> np.ndarray:
    """The polygonal part of each geometry (an intersection can add lines or points along shared edges)."""
    geometries = np.asarray(geometries, dtype=object)
    types = shapely.get_type_id(geometries)
    mixed = (types != shapely.GeometryType.POLYGON) & (types != shapely.GeometryType.MULTIPOLYGON)
    if mixed.any():
        parts, owner = shapely.get_parts(geometries[mixed], return_index=True)
        polygon = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
        rebuilt = np.array([shapely.MultiPolygon()] * int(mixed.sum()), dtype=object)
        for i in np.unique(owner[polygon]):
            rebuilt[i] = shapely.multipolygons(parts[polygon & (owner == i)])
        geometries = geometries.copy()
        geometries[mixed] = rebuilt
    return geometries


def exact_terms(values: np.ndarray) -> tuple[float, ...]:
    """Non-overlapping floats whose exact sum is the exact sum of ``values`` (for a reduction in any order).

    Each round adds the exactly rounded remainder (``math.fsum``); the remainder shrinks by 2⁻⁵³ per round, so
    two or three rounds are the rule. ``math.fsum`` over the terms of several partitions is then the exactly
    rounded sum of all their values, whatever the partitioning.
    """
    numbers = values.tolist()
    terms: list[float] = []
    while True:
        remainder = math.fsum(numbers + [-t for t in terms])
        if remainder == 0.0:
            return tuple(terms)
        terms.append(remainder)


def combine(zones: ZoneSet, partials: list[Partial]) -> pd.DataFrame:
    """Add the partials up (counts as integers, areas with ``math.fsum``, unions in partition order)."""
    counts: dict[int, int] = {}
    terms: dict[int, list[float]] = {}
    unions: dict[int, list[shapely.Geometry]] = {}
    for partial in partials:
        for key, count, sums in zip(partial.keys.tolist(), partial.counts.tolist(), partial.sums, strict=True):
            counts[key] = counts.get(key, 0) + count
            terms.setdefault(key, []).extend(sums)
        for zone, union in partial.unions.items():
            unions.setdefault(zone, []).append(union)

    rows = []
    for z, feature_id in enumerate(zones.feature_ids):
        zone_area = float(zones.areas_m2[z])
        zone_keys = sorted(k for k in counts if k // _KEYS_PER_ZONE == z)
        zone_keys.sort(key=lambda k: land.ORDER[land.CODES[k % _KEYS_PER_ZONE]])
        total = math.fsum(t for k in zone_keys for t in terms[k])
        covered, overlap = _covered(zone_area, total, unions.get(z, []))
        uncovered = zone_area - covered
        if abs(uncovered) <= OVERLAP_NOISE_REL * zone_area:
            uncovered = 0.0  # rounding: the parts and the zone are measured as different polygons
        zone_row = {
            "feature_id": feature_id,
            **{c: zones.names.at[z, c] for c in ZONE_NAME_COLUMNS},
            "zone_area_m2": zone_area,
            "zone_parcels": sum(counts[k] for k in zone_keys),
            "covered_m2": covered,
            "overlap_m2": overlap,
            "uncovered_m2": uncovered,
        }
        if not zone_keys:
            rows.append({**zone_row, "category": None, "category_number": 0, "parcels": 0, "area_m2": 0.0})
        for key in zone_keys:
            cat = land.category(land.CODES[key % _KEYS_PER_ZONE])
            rows.append(
                {
                    **zone_row,
                    "category": cat.code,
                    "category_number": cat.number,
                    "category_ko": cat.name_ko,
                    "category_en": cat.name_en,
                    "category_ja": cat.name_ja,
                    "parcels": counts[key],
                    "area_m2": math.fsum(terms[key]),
                }
            )
    frame = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
    frame["area_pyeong"] = frame["area_m2"] / M2_PER_PYEONG
    frame["share"] = frame["area_m2"] / frame["zone_area_m2"].where(frame["zone_area_m2"] > 0)
    frame = frame.astype({"zone_parcels": "int64", "parcels": "int64", "category_number": "int64"})
    return frame.reset_index(drop=True)


def _covered(zone_area: float, total: float, unions: list[shapely.Geometry]) -> tuple[float, float]:
    """(covered_m2, overlap_m2) of a zone from the exact sum of its parts and the per-partition unions."""
    if not unions:
        return 0.0, 0.0
    merged = unions[0] if len(unions) == 1 else shapely.union_all(np.array(unions, dtype=object))
    union_area = float(area_m2(gpd.GeoSeries([merged], crs=GEOGRAPHIC_CRS)).iloc[0])
    if total - union_area <= OVERLAP_NOISE_REL * zone_area:
        return total, 0.0
    return union_area, total - union_area
