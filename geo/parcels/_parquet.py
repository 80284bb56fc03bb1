"""One run of row groups of a GeoParquet file reduced to a :class:`Partial`, straight from Arrow's buffers.

Only the land field and the geometry are read, a batch of rows at a time. Each parcel's box comes from its WKB
(:func:`wkb_bounds`) and is tested against the zones' boxes; only the parcels whose box meets one are made into
geometries, and those go through the same clipping and measuring as every other source
(:func:`reduce_pairs`). The pairs found are the ones an STRtree of the parcels would find, so the result is the
one :func:`partition_partial` gives for the same rows read with geopandas, bit for bit.
"""

from __future__ import annotations

import logging
from typing import Final

import numpy as np
import pyarrow as pa
import shapely
from pyproj import CRS

from .._errors import InputError
from ._reduce import Partial, partition_partial, reduce_pairs
from ._sources import PARQUET_FIX, first_line
from ._wkb import wkb_bounds
from ._zones import ZoneSet

log = logging.getLogger(__name__)

#: Rows per Arrow batch: a batch's buffers and the temporary arrays of its boxes stay at a few MB.
BATCH_ROWS: Final = 16_384
#: Up to this many zones the boxes are tested one zone at a time over the batch; more go through an STRtree.
_FEW_ZONES: Final = 16


def parquet_partial(
    path: str,
    row_groups: tuple[int, ...],
    geometry: str,
    land_column: str,
    crs: CRS,
    zones: ZoneSet,
    boxes: np.ndarray,
    land_source: str,
    min_piece_m2: float,
    label: str,
) -> Partial:
    """The :class:`Partial` of ``row_groups`` of the WKB-encoded GeoParquet file ``path`` (in ``crs``).

    Raises
    ------
    InputError
        The file cannot be read, or holds a geometry that is not WKB; the message names the file (``label``).
    """
    import pyarrow.parquet as pq

    zone_bounds = shapely.bounds(boxes)
    wkb_runs, land_runs, zone_runs, parcel_runs = [], [], [], []
    rows = found = 0
    try:
        file = pq.ParquetFile(path)
        try:
            batches = file.iter_batches(
                batch_size=BATCH_ROWS, row_groups=list(row_groups), columns=[land_column, geometry], use_threads=False
            )
            for batch in batches:
                wkb = batch.column(geometry)
                zone_index, row_index = box_pairs(wkb_bounds(wkb), zone_bounds)
                rows += batch.num_rows
                if not len(row_index):
                    continue
                picked, local = np.unique(row_index, return_inverse=True)
                take = pa.array(picked)
                wkb_runs.append(wkb.take(take))
                land_runs.append(batch.column(land_column).take(take))
                zone_runs.append(zone_index)
                parcel_runs.append(local + found)
                found += len(picked)
        finally:
            file.close()
            pa.default_memory_pool().release_unused()  # a worker's peak is then one task's, not the pool's
        geometries = shapely.from_wkb(
            pa.concat_arrays(wkb_runs).to_numpy(zero_copy_only=False) if found else np.empty(0, dtype=object),
            on_invalid="raise",
        )
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"{label}: cannot be read as GeoParquet ({first_line(error)}); {PARQUET_FIX}") from None
    except shapely.errors.GEOSException as error:
        raise InputError(
            f"{label}: holds a geometry that is not valid WKB ({first_line(error)}); {PARQUET_FIX}"
        ) from None
    if not found:
        return Partial(rows=rows)
    partial = reduce_pairs(
        geometries,
        pa.concat_arrays(land_runs).to_pandas(),
        np.concatenate(zone_runs),
        np.concatenate(parcel_runs),
        crs,
        zones,
        land_source,
        min_piece_m2,
    )
    partial.rows = rows
    return partial


def geoparquet_frame_partial(
    path: str,
    geometry: str,
    land_column: str,
    crs: CRS,
    zones: ZoneSet,
    boxes: np.ndarray,
    land_source: str,
    min_piece_m2: float,
) -> Partial:
    """The :class:`Partial` of a GeoParquet file whose geometry is not WKB (GeoArrow), read with geopandas."""
    import geopandas as gpd

    frame = gpd.read_parquet(path, columns=[land_column, geometry])
    if frame.crs is None:
        frame = frame.set_crs(crs)
    return partition_partial(frame, zones, boxes, land_column, land_source, crs.to_wkt(), min_piece_m2)


def box_pairs(bounds: np.ndarray, zone_bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(zone index, row index) of each pair of a row's box and a zone's box that meet, edges included (as an
    STRtree of the rows queried with the zones' boxes finds them). NaN bounds (null, empty) meet nothing."""
    empty = np.empty(0, dtype=np.intp)
    if not len(bounds) or not len(zone_bounds) or np.isnan(zone_bounds).all():
        return empty, empty
    minx, miny, maxx, maxy = bounds.T
    total = np.concatenate([np.nanmin(zone_bounds[:, :2], axis=0), np.nanmax(zone_bounds[:, 2:], axis=0)])
    near = np.flatnonzero((minx <= total[2]) & (maxx >= total[0]) & (miny <= total[3]) & (maxy >= total[1]))
    if not len(near):
        return empty, empty
    if len(zone_bounds) > _FEW_ZONES:
        tree = shapely.STRtree(shapely.box(*zone_bounds.T))
        row, zone = tree.query(shapely.box(*bounds[near].T))
        return zone.astype(np.intp), near[row]
    box = bounds[near]
    zones, rows = [], []
    for zone, (zx0, zy0, zx1, zy1) in enumerate(zone_bounds):
        meets = np.flatnonzero((box[:, 0] <= zx1) & (box[:, 2] >= zx0) & (box[:, 1] <= zy1) & (box[:, 3] >= zy0))
        zones.append(np.full(len(meets), zone, dtype=np.intp))
        rows.append(near[meets])
    return np.concatenate(zones), np.concatenate(rows)
