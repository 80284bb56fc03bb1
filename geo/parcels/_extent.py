"""The parcels the land audit reads, within the zones' extent, with their PNU and lot number: for a map.

:func:`read_parcels` opens the parcels as :func:`geo.parcels.land_audit` does (same checks, same land field and
way of reading it) but keeps whole parcels with their attributes instead of reducing them, so it is meant for
the parcels around a few zones (a city's cadastre: a million parcels), not a country's.
"""

from __future__ import annotations

import glob
import os
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from .. import land
from ..io import guess_dbf_encoding
from ..settings import GEOGRAPHIC_CRS
from ._constants import BBOX_DENSIFY_POINTS, JIBUN_FIELD, PARQUET_SUFFIXES
from ._sources import ParcelSource

#: The parcel number field of the VWorld / 연속지적도 layer (matched case-insensitively); optional.
PNU_FIELD = "pnu"
#: Columns of :func:`read_parcels`' result besides the geometry.
PARCEL_COLUMNS = ("pnu", "jibun", "category_number")


def read_parcels(
    zones: gpd.GeoDataFrame,
    parcels: str | os.PathLike | gpd.GeoDataFrame | Any,
    *,
    land_field: str | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    assume_crs: str | None = None,
) -> gpd.GeoDataFrame:
    """The parcels whose bounding box meets a zone's, in EPSG:4326, with ``pnu``, ``jibun`` and ``category_number``.

    Parameters are those of :func:`geo.parcels.land_audit` (the same errors for the same inputs). ``pnu`` and
    ``jibun`` are text (None where the source has no such field); ``category_number`` is the statutory number of
    the land category (1-28, 0 unknown), read from ``land_field`` (default: the suffix of ``jibun``).
    """
    source = ParcelSource.open(
        parcels, land_field=land_field, layer=layer, encoding=encoding, assume_crs=assume_crs, rows=1
    )
    boxes = shapely.box(*zones.to_crs(GEOGRAPHIC_CRS).bounds.to_numpy().T)
    frames = [_within(frame, boxes) for frame in _frames(parcels, layer, encoding, assume_crs, zones)]
    frames = [frame for frame in frames if len(frame)]
    if not frames:
        return gpd.GeoDataFrame({c: [] for c in PARCEL_COLUMNS}, geometry=[], crs=GEOGRAPHIC_CRS)
    columns = []
    for frame in frames:
        by_name = {str(c).casefold(): c for c in frame.columns if c != frame.geometry.name}
        land_column = by_name[(land_field or JIBUN_FIELD).casefold()]
        values = frame[land_column]
        numbers = (
            land.category_numbers_from_jibun(values)
            if source.land_source == "jibun"
            else land.category_numbers_from_values(values)
        )
        columns.append(
            gpd.GeoDataFrame(
                {
                    "pnu": _text(frame, by_name.get(PNU_FIELD)),
                    "jibun": _text(frame, by_name.get(JIBUN_FIELD)),
                    "category_number": numbers,
                },
                geometry=frame.geometry.values,
                crs=GEOGRAPHIC_CRS,
            )
        )
    return pd.concat(columns, ignore_index=True)


def _text(frame: pd.DataFrame, column: str | None) -> list[str | None]:
    if column is None:
        return [None] * len(frame)
    return [value if isinstance(value, str) else None if pd.isna(value) else str(value) for value in frame[column]]


def _within(frame: gpd.GeoDataFrame, boxes: np.ndarray) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:4326, only the rows whose geometry's box meets one of ``boxes``."""
    frame = frame.to_crs(GEOGRAPHIC_CRS)
    hits = np.unique(shapely.STRtree(np.asarray(frame.geometry.values, dtype=object)).query(boxes)[1])
    return frame.iloc[hits]


def _frames(parcels, layer, encoding, assume_crs, zones: gpd.GeoDataFrame):
    """The parcels as GeoDataFrames with a CRS, one per file (vector files read within the zones' extent)."""
    if isinstance(parcels, gpd.GeoDataFrame):
        yield parcels if parcels.crs is not None else parcels.set_crs(assume_crs)
        return
    if not isinstance(parcels, str | os.PathLike):  # a dask GeoDataFrame
        frame = parcels.compute()
        yield frame if frame.crs is not None else frame.set_crs(assume_crs)
        return
    text = os.fspath(parcels)
    path = Path(text)
    if glob.has_magic(text) or path.is_dir() or path.suffix.lower() in PARQUET_SUFFIXES:
        if glob.has_magic(text):
            files = sorted(Path(name) for name in glob.glob(text))
        elif path.is_dir():
            files = sorted(
                file
                for file in path.rglob("*")
                if not any(part.startswith((".", "_")) for part in file.relative_to(path).parts)
            )
        else:
            files = [path]
        for file in files:
            if file.is_file():
                frame = gpd.read_parquet(file)
                yield frame if frame.crs is not None else frame.set_crs(assume_crs)
        return
    import pyogrio

    if encoding is None and path.suffix.lower() == ".shp" and not path.with_suffix(".cpg").exists():
        encoding = guess_dbf_encoding(path.with_suffix(".dbf"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        info = pyogrio.read_info(path, layer=layer, encoding=encoding)
    crs = CRS.from_user_input(info.get("crs") or assume_crs)
    west, south, east, north = zones.to_crs(GEOGRAPHIC_CRS).total_bounds
    bbox = Transformer.from_crs(GEOGRAPHIC_CRS, crs, always_xy=True).transform_bounds(
        west, south, east, north, densify_pts=BBOX_DENSIFY_POINTS
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        frame = pyogrio.read_dataframe(path, layer=layer, encoding=encoding, bbox=tuple(bbox))
    yield frame if frame.crs is not None else frame.set_crs(crs)
