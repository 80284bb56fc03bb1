"""Validate zone features: collect every problem, then report them at once, naming the feature and the fix."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from ._errors import InputError
from .settings import GEOGRAPHIC_CRS, KOREA_BOUNDS_LONLAT

log = logging.getLogger(__name__)

#: How many problems one message lists before it says how many more there are.
MAX_LISTED_PROBLEMS = 5
_POLYGONAL = {"Polygon", "MultiPolygon"}
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


def validate_zones(frame: gpd.GeoDataFrame, source: str, *, fix: bool = False) -> gpd.GeoDataFrame:
    """Check every feature and return a clean copy in EPSG:4326, or raise one InputError listing all problems.

    Parameters
    ----------
    frame
        Features with a CRS and the columns of :data:`geo.schema.ZONE_INPUT_DEFAULTS`.
    source
        The file name used in messages.
    fix
        Repair invalid geometry with ``make_valid`` instead of reporting it.
    """
    problems: list[str] = []
    frame = frame.reset_index(drop=True).copy()

    def where(i: int) -> str:
        zone_id = frame["zone_id"].iloc[i]
        return f"{source} feature {i + 1}" + (f" ({zone_id})" if zone_id else "")

    geoms = np.asarray(frame.geometry.values)
    has_z = shapely.has_z(geoms)
    if has_z.any():
        log.warning("%s: dropped Z values from %d features (areas are measured on the ellipsoid)", source, has_z.sum())
        geoms = shapely.force_2d(geoms)

    usable = np.ones(len(frame), dtype=bool)
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            problems.append(f"{where(i)}: has no geometry; draw its outline or delete the feature")
            usable[i] = False
        elif geom.geom_type not in _POLYGONAL:
            problems.append(f"{where(i)}: is a {geom.geom_type}, not a polygon; zones must be (multi)polygons")
            usable[i] = False
        elif not shapely.is_valid(geom):
            reason = shapely.is_valid_reason(geom)
            if fix:
                geoms[i] = _repair(geom, where(i), reason)
            else:
                problems.append(f"{where(i)}: invalid geometry ({reason}); pass --fix to repair it with make_valid")

    frame = frame.set_geometry(gpd.GeoSeries(geoms, crs=frame.crs, index=frame.index))
    problems += _coordinate_problems(frame, usable, where)

    missing_id = frame["zone_id"].isna()
    problems += [f"{where(i)}: has no id; fill it in or pick another --id-field" for i in np.flatnonzero(missing_id)]
    frame["feature_id"] = [
        zone if part is None or pd.isna(part) or part in ("", zone) else f"{zone}/{part}"
        for zone, part in zip(frame["zone_id"], frame["part"], strict=True)
    ]
    duplicated = frame["feature_id"].duplicated(keep=False) & ~missing_id
    for zone_id, group in frame[duplicated].groupby("feature_id", sort=False):
        numbers = " and ".join(str(i + 1) for i in group.index)
        problems.append(
            f"{source} features {numbers} share the id {zone_id!r}; make ids unique or pick another --id-field"
        )

    try:
        frame["in_belt"] = frame["in_belt"].map(_as_bool)
    except ValueError as error:
        problems.append(f"{source}: in_belt must be true or false ({error})")
    raw_official = frame["official_area_m2"]
    official = pd.to_numeric(raw_official, errors="coerce")
    given = raw_official.notna() & raw_official.astype(str).str.strip().ne("")
    bad = given & ~(np.isfinite(official) & (official > 0))
    problems += [
        f"{where(i)}: official_area_m2 {raw_official.iloc[i]!r} is not a positive number of m²; "
        "fix it or leave it empty"
        for i in np.flatnonzero(bad)
    ]
    frame["official_area_m2"] = official.where(~bad)

    if problems:
        raise InputError(_summarise(source, problems))
    return frame.to_crs(GEOGRAPHIC_CRS)


def _repair(geom: shapely.Geometry, where: str, reason: str) -> shapely.Geometry:
    repaired = shapely.make_valid(geom)
    if repaired.geom_type == "GeometryCollection":
        repaired = shapely.union_all([g for g in repaired.geoms if g.geom_type in _POLYGONAL])
    log.warning(
        "%s: repaired invalid geometry (%s) with make_valid: %s with %d parts became %s with %d parts",
        where,
        reason,
        geom.geom_type,
        shapely.get_num_geometries(geom),
        repaired.geom_type,
        shapely.get_num_geometries(repaired),
    )
    return repaired


def _coordinate_problems(frame: gpd.GeoDataFrame, usable: np.ndarray, where) -> list[str]:
    """Features outside Korea once reprojected, with a guess at why (swapped axes, wrong CRS)."""
    if not usable.any():
        return []
    crs = CRS.from_user_input(frame.crs)
    lon_min, lat_min, lon_max, lat_max = KOREA_BOUNDS_LONLAT
    native = shapely.bounds(np.asarray(frame.geometry.values))
    with np.errstate(invalid="ignore"):
        lonlat = shapely.bounds(np.asarray(frame.geometry.to_crs(GEOGRAPHIC_CRS).values))
    problems = []
    for i in np.flatnonzero(usable):
        x, y = native[i, 0], native[i, 1]
        lon0, lat0, lon1, lat1 = lonlat[i]
        inside = lon_min <= lon0 and lon1 <= lon_max and lat_min <= lat0 and lat1 <= lat_max
        if inside:
            continue
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


def _as_bool(value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
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
