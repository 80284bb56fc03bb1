"""Validate zone features: collect every problem, then report them at once, naming the feature and the fix."""

from __future__ import annotations

import logging
import math
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.exceptions import CRSError, ProjError

from . import _format as fmt
from ._errors import InputError
from .settings import ELLIPSOID, GEOGRAPHIC_CRS, KOREA_BOUNDS_LONLAT
from .units import EARTH_SURFACE_M2

log = logging.getLogger(__name__)

#: How many problems one message lists before it says how many more there are.
MAX_LISTED_PROBLEMS = 5
_POLYGONAL = {"Polygon", "MultiPolygon"}
#: What ``--fix`` may do: a repair by ``make_valid`` is kept only if it gives a non-empty (multi)polygon whose
#: area is within this share of the area the feature's rings enclose as drawn (each ring's absolute shoelace
#: area, the outline's minus the holes'). Anything else (a line, a point, or a shape of another size, such as
#: a hole larger than its outline turned inside out) changes what the zone is, and is an error.
REPAIR_AREA_TOLERANCE: Final = 0.01
#: The ellipsoid the areas in repair messages are measured on (GeographicLib, geodesic edges).
_GEOD: Final = Geod(ellps=ELLIPSOID)
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}
#: Kinds of column (``pandas.api.types.infer_dtype``) whose values are all of one type, so that a value maps
#: the same way wherever it occurs.
_ONE_TYPE: Final = frozenset({"string", "empty", "boolean", "integer", "floating"})


def validate_zones(frame: gpd.GeoDataFrame, source: str, *, fix: bool = False) -> gpd.GeoDataFrame:
    """Check every feature and return a clean copy in EPSG:4326, or raise one InputError listing all problems.

    Parameters
    ----------
    frame
        Features with a CRS and the columns of :data:`geo.schema.ZONE_INPUT_DEFAULTS`.
    source
        The file name used in messages.
    fix
        Repair invalid geometry with ``make_valid`` instead of reporting it, where the repair keeps the zone
        what it is (see :func:`repair`); a geometry it cannot repair is reported either way, without
        suggesting ``--fix``.
    """
    problems: list[str] = []
    frame = frame.reset_index(drop=True)  # a new frame: its columns are replaced, never written into

    def where(i: int) -> str:
        zone_id = frame["zone_id"].iloc[i]
        return f"{source} feature {i + 1}" + (f" ({fmt.message_text(zone_id)})" if zone_id else "")

    geoms = np.array(frame.geometry.values, dtype=object)  # a copy: --fix writes repairs into it
    has_z = shapely.has_z(geoms)
    if has_z.any():
        log.warning("%s: dropped Z values from %d features (areas are measured on the ellipsoid)", source, has_z.sum())
        geoms = shapely.force_2d(geoms)

    usable = np.ones(len(frame), dtype=bool)
    # Checked in bulk; only the features with a problem are visited one by one, so a national layer is fast.
    not_finite = _not_finite_vertices(geoms)
    for i, (vertex, count, x, y) in not_finite.items():
        more = f" (and {count - 1:,} more)" if count > 1 else ""
        problems.append(
            f"{where(i)}: vertex {vertex:,}{more} has coordinates that are not finite numbers (x={x:.10g}, "
            f"y={y:.10g}), so no area can be measured; fix or delete that vertex in a GIS and export again"
        )
        usable[i] = False
    types = shapely.get_type_id(geoms)
    polygonal = np.isin(types, (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON))
    suspect = (~polygonal | shapely.is_empty(geoms) | ~shapely.is_valid(geoms)) & usable
    for i in np.flatnonzero(suspect):
        geom = geoms[i]
        if geom is None or geom.is_empty:
            problems.append(f"{where(i)}: has no geometry; draw its outline or delete the feature")
            usable[i] = False
        elif geom.geom_type not in _POLYGONAL:
            problems.append(f"{where(i)}: is a {geom.geom_type}, not a polygon; zones must be (multi)polygons")
            usable[i] = False
        elif not shapely.is_valid(geom):
            reason = shapely.is_valid_reason(geom)
            repaired, problem = repair(geom, where(i), reason, crs=frame.crs, log_repair=fix)
            if problem is not None:  # --fix would not help: say so rather than suggest it
                problems.append(problem)
                usable[i] = False
            elif fix:
                geoms[i] = repaired
            else:
                problems.append(f"{where(i)}: invalid geometry ({reason}); pass --fix to repair it with make_valid")

    frame = frame.set_geometry(gpd.GeoSeries(geoms, crs=frame.crs, index=frame.index))
    with np.errstate(invalid="ignore"):
        lonlat = frame.geometry.to_crs(GEOGRAPHIC_CRS)  # once: for the checks and for the result
    problems += _coordinate_problems(frame, lonlat, usable, where)

    problems += _attribute_problems(frame, source, where)

    if problems:
        raise InputError(_summarise(source, problems))
    return frame.set_geometry(lonlat)


def _attribute_problems(frame: gpd.GeoDataFrame, source: str, where) -> list[str]:
    """The problems of the features' attributes (ids, ``in_belt``, ``official_area_m2``); sets ``feature_id``
    and replaces ``in_belt`` and ``official_area_m2`` in ``frame`` by their checked values."""
    problems: list[str] = []
    missing_id = frame["zone_id"].isna()
    problems += [f"{where(i)}: has no id; fill it in or pick another --id-field" for i in np.flatnonzero(missing_id)]
    frame["feature_id"] = _feature_ids(frame["zone_id"], frame["part"])
    duplicated = frame["feature_id"].duplicated(keep=False) & ~missing_id
    for zone_id, group in frame[duplicated].groupby("feature_id", sort=False):
        numbers = _numbers([i + 1 for i in group.index])
        problems.append(
            f"{source} features {numbers} share the id {fmt.quoted(zone_id)}; make ids unique or pick "
            "another --id-field"
        )

    try:
        frame["in_belt"] = _as_bools(frame["in_belt"])
    except ValueError as error:
        problems.append(f"{source}: in_belt must be true or false ({error})")
    raw_official = frame["official_area_m2"]
    official = pd.to_numeric(raw_official, errors="coerce")
    given = raw_official.notna()
    if not pd.api.types.is_numeric_dtype(raw_official.dtype):
        given &= raw_official.astype(str).str.strip().ne("")
    bad = given & ~(np.isfinite(official) & (official > 0) & (official <= EARTH_SURFACE_M2))
    problems += [
        f"{where(i)}: official_area_m2 {fmt.quoted(raw_official.iloc[i])} is not a positive number "
        "of m² up to the surface of the Earth; fix it or leave it empty"
        for i in np.flatnonzero(bad)
    ]
    frame["official_area_m2"] = official.where(~bad)
    return problems


def _not_finite_vertices(geoms: np.ndarray) -> dict[int, tuple[int, int, float, float]]:
    """The features with a vertex whose x or y is NaN or infinite (which GEOS cannot compute with): for each,
    by position, the first such vertex (counted from 1 over all the feature's rings), how many there are, and
    the first one's x and y."""
    coordinates, features = shapely.get_coordinates(geoms, return_index=True)
    bad = np.flatnonzero(~np.isfinite(coordinates).all(axis=1))
    first_row = np.searchsorted(features, np.arange(len(geoms)))  # each feature's first vertex (rows are in order)
    found = {}
    for feature, at, count in zip(*np.unique(features[bad], return_index=True, return_counts=True), strict=True):
        row = bad[at]
        x, y = coordinates[row]
        found[int(feature)] = (int(row - first_row[feature]) + 1, int(count), float(x), float(y))
    return found


#: A message names at most this many features of one problem, then says how many more.
LISTED_FEATURES = 5


def _numbers(numbers: list[int]) -> str:
    """Feature numbers for a message: "1 and 2", "1, 2 and 3", or "1, 2, 3, 4, 5 and 1,995 more"."""
    if len(numbers) > LISTED_FEATURES:
        return f"{', '.join(map(str, numbers[:LISTED_FEATURES]))} and {len(numbers) - LISTED_FEATURES:,} more"
    return " and ".join([", ".join(map(str, numbers[:-1])), str(numbers[-1])]) if len(numbers) > 1 else str(numbers[0])


def _feature_ids(zone_ids: pd.Series, parts: pd.Series) -> np.ndarray:
    """``zone_id/part`` for each feature, or the zone id alone where the part is missing, empty or the id."""
    zones = zone_ids.to_numpy(dtype=object)
    part_values = parts.to_numpy(dtype=object)
    alone = pd.isna(part_values) | (part_values == "") | (part_values == zones)
    ids = zones.copy()
    combined = np.flatnonzero(~alone)
    ids[combined] = [f"{zone}/{part}" for zone, part in zip(zones[combined], part_values[combined], strict=True)]
    return ids


def repair(
    geom: shapely.Geometry, where: str, reason: str, *, crs: object = GEOGRAPHIC_CRS, log_repair: bool = True
) -> tuple[shapely.Geometry | None, str | None]:
    """Repair an invalid (multi)polygon with ``make_valid``, within what :data:`REPAIR_AREA_TOLERANCE` allows.

    Parameters
    ----------
    geom
        The invalid geometry, in ``crs``.
    where
        The feature, for messages (``zones.geojson feature 3 (jingok)``).
    reason
        Why it is invalid (``shapely.is_valid_reason``).
    log_repair
        Log the repair (areas before and after); off when only asking whether ``--fix`` would work.

    Returns
    -------
    tuple
        (the repaired geometry, None), logging the area before and after in m² (GRS80); or (None, the
        one-line problem) when the repair is not polygonal, is empty, or changes the enclosed area by more
        than the tolerance.
    """
    repaired = shapely.make_valid(geom)
    if repaired.geom_type == "GeometryCollection":
        polygons = [g for g in repaired.geoms if g.geom_type in _POLYGONAL]
        repaired = shapely.union_all(polygons) if polygons else shapely.Polygon()
    drawn, result = float(shapely.area(geom)), float(shapely.area(repaired))
    drawn_m2, result_m2 = (_enclosed_m2(g, crs) for g in (geom, repaired))
    prefix = f"{where}: invalid geometry ({reason}) that --fix cannot repair"
    redraw = "redraw the outline in a GIS (or fix it there) and export again"
    if repaired.is_empty or repaired.geom_type not in _POLYGONAL:
        kind = "nothing" if repaired.is_empty else f"a {repaired.geom_type}"
        return None, f"{prefix}: make_valid turns it into {kind}, not a polygon; {redraw}"
    if not drawn > 0:
        return None, (
            f"{prefix}: its rings enclose no area as drawn (outline minus holes: {_m2_text(drawn_m2)}), so "
            f"make_valid's {_m2_text(result_m2)} would be another shape; {redraw}"
        )
    change = (result - drawn) / drawn
    if abs(change) > REPAIR_AREA_TOLERANCE:
        return None, (
            f"{prefix}: make_valid changes its area from {_m2_text(drawn_m2)} to {_m2_text(result_m2)} "
            f"({change * 100:+.1f} %, more than the {REPAIR_AREA_TOLERANCE * 100:g} % a repair may change); {redraw}"
        )
    if not log_repair:
        return repaired, None
    log.warning(
        "%s: repaired invalid geometry (%s) with make_valid: %s before, %s after (%+.3f %%); %s became %s",
        where,
        reason,
        _m2_text(drawn_m2),
        _m2_text(result_m2),
        change * 100,
        _kind(geom),
        _kind(repaired),
    )
    return repaired, None


def _kind(geom: shapely.Geometry) -> str:
    parts = shapely.get_num_geometries(geom)
    return f"{geom.geom_type} of {parts} part{'s' if parts != 1 else ''}"


def _enclosed_m2(geom: shapely.Geometry, crs: object) -> float:
    """The area ``geom``'s rings enclose on GRS80, in m²: each ring's absolute area (geodesic edges), the
    outlines' minus the holes', as drawn even if invalid; NaN when it cannot be put in degrees."""
    try:
        if CRS.from_user_input(crs) != CRS.from_user_input(GEOGRAPHIC_CRS):
            transformer = Transformer.from_crs(crs, GEOGRAPHIC_CRS, always_xy=True)
            geom = shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    except (CRSError, ProjError, ValueError):  # only for a message; the coordinate checks report a bad CRS
        return math.nan
    total = 0.0
    for polygon in shapely.get_parts(geom):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        rings = [polygon.exterior, *polygon.interiors]
        areas = [abs(_GEOD.polygon_area_perimeter(*np.asarray(r.coords)[:, :2].T)[0]) for r in rings]
        total += areas[0] - sum(areas[1:])
    return total


def _m2_text(area: float) -> str:
    return f"{area:,.1f} m²" if math.isfinite(area) else "an unknown number of m²"


def _coordinate_problems(frame: gpd.GeoDataFrame, geographic: gpd.GeoSeries, usable: np.ndarray, where) -> list[str]:
    """Features outside Korea once reprojected (``geographic``: the geometry in EPSG:4326), with a guess at
    why (swapped axes, wrong CRS)."""
    if not usable.any():
        return []
    crs = CRS.from_user_input(frame.crs)
    lon_min, lat_min, lon_max, lat_max = KOREA_BOUNDS_LONLAT
    lonlat = shapely.bounds(np.asarray(geographic.values))
    problems = []
    inside = (
        (lon_min <= lonlat[:, 0]) & (lonlat[:, 2] <= lon_max) & (lat_min <= lonlat[:, 1]) & (lonlat[:, 3] <= lat_max)
    )
    for i in np.flatnonzero(usable & ~inside):
        x, y = shapely.bounds(frame.geometry.iloc[i])[:2]
        if crs.is_geographic and lat_min <= x <= lat_max and lon_min <= y <= lon_max:
            problems.append(
                f"{where(i)}: coordinates look like lat/lon swapped (x={x:.4g}, y={y:.4g}); "
                "swap them to lon/lat order or pass --assume-crs"
            )
        elif not crs.is_geographic and lon_min <= x <= lon_max and lat_min <= y <= lat_max:
            problems.append(
                f"{where(i)}: coordinates look like degrees (x={x:.4g}, y={y:.4g}) but the file says "
                f"{crs.to_string()}; fix the file's CRS (.prj) to EPSG:4326"
            )
        else:
            problems.append(
                f"{where(i)}: lies outside Korea in {crs.to_string()} (x={x:.6g}, y={y:.6g}); "
                "the file's CRS is probably wrong: fix its .prj, or for a file without one pass --assume-crs"
            )
    return problems


def _as_bools(values: pd.Series) -> pd.Series:
    """:func:`_as_bool` of every value: a boolean column as it is, a column of one type (text, numbers) once
    per distinct value, anything else value by value."""
    if pd.api.types.is_bool_dtype(values.dtype) and not values.isna().any():
        return values.astype(bool)
    if pd.api.types.infer_dtype(values, skipna=True) in _ONE_TYPE:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        flags = np.array([*(_as_bool(u) for u in uniques), False], dtype=bool)
        return pd.Series(flags[codes], index=values.index)  # code -1 (missing) is False
    return values.map(_as_bool)


def _as_bool(value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    if isinstance(value, float | np.floating) and value in (0.0, 1.0):
        return bool(value)  # a 1/0 column with a gap is read as floats
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"got {value!r}")


def _summarise(source: str, problems: list[str]) -> str:
    if len(problems) == 1:
        return problems[0]
    listed = "; ".join(problems[:MAX_LISTED_PROBLEMS])
    more = len(problems) - MAX_LISTED_PROBLEMS
    tail = f"; and {more} more" if more > 0 else ""
    return f"{source}: {len(problems)} problems: {listed}{tail}"


#: Rings of up to this many edges are checked for self-intersection on the arrays (every pair of edges);
#: longer rings, holes and multipolygons are checked by GEOS, each built as a geometry.
ARRAY_CHECKED_EDGES: Final = 64
#: Pairs of edges compared at a time by :func:`certainly_valid` (bounds its working arrays).
_EDGE_PAIRS_AT_ONCE: Final = 2_000_000
#: Relative error bound of the orientation determinant computed in floating point (Shewchuk's ccwerrboundA,
#: (3 + 16ε)ε, rounded up twofold): a sign beyond it is the exact sign, as GEOS's robust predicate finds it.
_ORIENTATION_ERROR: Final = 8 * 2.0**-53


def validate_zone_buffers(frame: gpd.GeoDataFrame, polygons, source: str) -> tuple[gpd.GeoDataFrame, np.ndarray] | None:
    """:func:`validate_zones` of features read as arrays (:class:`geo._wkb.Polygons`, every feature read), when
    their geometry has no problem: the frame (without geometry) and the vertices in EPSG:4326.

    Returns None when a geometry might have a problem (a vertex not finite, a polygon GEOS finds invalid, a
    feature outside Korea): :func:`validate_zones` of the built geometries then says what it is, in its words.
    Only the features the arrays cannot clear (holes, multipolygons, rings of more than
    :data:`ARRAY_CHECKED_EDGES` edges, nearly collinear or touching edges) are built as geometries, to ask GEOS.
    Attribute problems are reported as :func:`validate_zones` reports them.
    """
    from . import _wkb

    frame = frame.reset_index(drop=True)
    coords = polygons.coords
    if not np.isfinite(coords).all():
        return None
    doubtful = np.flatnonzero(~certainly_valid(polygons))
    if len(doubtful) and not shapely.is_valid(_wkb.geometries(polygons, doubtful)).all():
        return None
    crs, geographic = CRS.from_user_input(frame.crs), CRS.from_user_input(GEOGRAPHIC_CRS)
    lonlat = coords
    if not crs.is_exact_same(geographic):
        transformer = Transformer.from_crs(crs, geographic, always_xy=True)
        with np.errstate(invalid="ignore"):
            lonlat = np.column_stack(transformer.transform(coords[:, 0], coords[:, 1]))
    lon_min, lat_min, lon_max, lat_max = KOREA_BOUNDS_LONLAT
    low, high = lonlat.min(axis=0), lonlat.max(axis=0)
    # Every vertex inside the bounds, so every feature; NaN (a point PROJ cannot transform) is outside.
    if not (lon_min <= low[0] and high[0] <= lon_max and lat_min <= low[1] and high[1] <= lat_max):
        return None
    if polygons.has_z.any():
        count = polygons.has_z.sum()
        log.warning("%s: dropped Z values from %d features (areas are measured on the ellipsoid)", source, count)

    def where(i: int) -> str:
        zone_id = frame["zone_id"].iloc[i]
        return f"{source} feature {i + 1}" + (f" ({fmt.message_text(zone_id)})" if zone_id else "")

    problems = _attribute_problems(frame, source, where)
    if problems:
        raise InputError(_summarise(source, problems))
    return frame.set_crs(GEOGRAPHIC_CRS, allow_override=True), lonlat


def certainly_valid(polygons) -> np.ndarray:
    """Whether each feature of :class:`geo._wkb.Polygons` is certainly a valid polygon, from its vertices alone.

    True only for a polygon without holes whose one ring has 3 to :data:`ARRAY_CHECKED_EDGES` edges, no
    repeated consecutive vertex, no two consecutive edges on one line, and no two other edges that meet: edges
    whose bounds are apart, or whose ends lie on one side of the other's line by more than the rounding of
    the test can err, cannot. That is a simple ring, which GEOS finds valid; False means "ask GEOS".
    """
    size = len(polygons.read)
    rings = np.bincount(polygons.ring_feature, minlength=size)
    edges = polygons.counts - 1
    candidate = polygons.read & ~polygons.multi & (rings == 1)
    ring_of = np.full(size, -1)
    ring_of[polygons.ring_feature] = np.arange(len(polygons.ring_feature))
    ring_edges = np.where(candidate, edges[np.maximum(ring_of, 0)], 0)
    candidate &= (ring_edges >= 3) & (ring_edges <= ARRAY_CHECKED_EDGES)
    valid = np.zeros(size, dtype=bool)
    for m in np.unique(ring_edges[candidate]):
        features = np.flatnonzero(candidate & (ring_edges == m))
        first, second = (a.ravel() for a in np.triu_indices(m, k=2))
        apart = ~((first == 0) & (second == m - 1))  # the last edge and the first share the first vertex
        first, second = first[apart], second[apart]
        step = max(1, _EDGE_PAIRS_AT_ONCE // max(len(first), m))
        for begin in range(0, len(features), step):
            chunk = features[begin : begin + step]
            start = polygons.ring_offsets[ring_of[chunk]]
            vertices = polygons.coords[start[:, None] + np.arange(m + 1)]  # (k, m + 1, 2), closed
            valid[chunk] = _simple_rings(vertices, first, second)
    return valid


def _simple_rings(vertices: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Whether each closed ring of ``vertices`` (k, m + 1, 2) is certainly simple; ``first`` and ``second`` are
    the pairs of edges that share no vertex."""
    a, b = vertices[:, :-1], vertices[:, 1:]
    repeated = (a == b).all(axis=2).any(axis=1)
    # Consecutive edges (i, i + 1), and the last with the first: a turn whose sign is certain.
    after = np.concatenate([vertices[:, 2:], vertices[:, 1:2]], axis=1)
    turns = _certain_sign(a, b, after).all(axis=1)
    low, high = np.minimum(a, b), np.maximum(a, b)
    apart = ((high[:, first] < low[:, second]) | (high[:, second] < low[:, first])).any(axis=2)
    # Only the pairs whose bounds meet need the orientation tests.
    ring, pair = np.nonzero(~apart)
    if len(ring):
        p, q = a[ring, first[pair]], b[ring, first[pair]]
        r, s = a[ring, second[pair]], b[ring, second[pair]]
        sides = _certain_sign(p, q, r) * _certain_sign(p, q, s)
        other_sides = _certain_sign(r, s, p) * _certain_sign(r, s, q)
        apart[ring, pair] = (sides > 0) | (other_sides > 0)
    return ~repeated & turns & apart.all(axis=1)


def _certain_sign(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """The sign (−1, 1) of the orientation of (a, b, c), or 0 where rounding could change it (Shewchuk's test)."""
    left = (a[..., 0] - c[..., 0]) * (b[..., 1] - c[..., 1])
    right = (a[..., 1] - c[..., 1]) * (b[..., 0] - c[..., 0])
    determinant = left - right
    certain = np.abs(determinant) > _ORIENTATION_ERROR * (np.abs(left) + np.abs(right))
    return np.where(certain, np.sign(determinant), 0.0)
