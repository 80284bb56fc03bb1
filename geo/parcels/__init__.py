"""Parcel-level land audit: how much of each industrial complex is factory land, road, field… by cadastre.

:func:`land_audit` overlays cadastral parcels (연속지적도, VWorld ``LP_PA_CBND_BUBUN``: polygons with ``pnu`` and
``jibun``) on the zones and reports, per zone and land category (지목, :mod:`geo.land`), the number of parcels and
the exact ellipsoidal area (GRS80, geodesic edges, :func:`geo.area.area_m2`) of the parcels' parts inside the zone.

Method
------
- Parcels are streamed in partitions (GeoParquet files or runs of their row groups, chunks of a vector file,
  slices of a GeoDataFrame) on dask; the zones, small, are sent to every task. Each partition is reduced to a
  small partial aggregate per (zone, category), and the partials are added up: memory does not grow with the
  parcel layer. GeoParquet partitions whose bounding box (GeoParquet ``bbox`` metadata) misses every zone are
  not read.
- A GeoParquet partition is read by its own task, the land field and the geometry only, a batch of rows at a
  time. Each parcel's box is read from its WKB in Arrow's buffers (``geo.parcels._wkb``) and tested against the
  zones' boxes; only the parcels whose box meets one become geometries, so the parcels away from the zones,
  nearly all of a national cadastre, cost a read and a box. The parcels kept are those an STRtree of the whole
  partition would give, and go through the same clipping and measuring, so the result is the one of reading the
  partition with geopandas, bit for bit.
- A parcel is counted in a zone when the part of it inside the zone (parcels cut by the boundary are clipped;
  the intersection is computed in EPSG:4326, the zones' CRS) is larger than ``min_piece_m2`` (default
  :data:`MIN_PIECE_M2`, 1 dm²: boundary slivers of neighbouring parcels are noise). A parcel in two zones counts
  in each. Invalid parcel geometry is repaired with ``make_valid`` first.
- ``area_m2`` of a category is the sum of its parcels' clipped parts. Where parcels overlap (errors in the
  cadastre), each category keeps its parcel's whole part, so the overlap is in both; the zone's ``covered_m2``
  is the area of the union of all parts, counted once, ``overlap_m2`` the excess of the category sum over it and
  ``uncovered_m2`` = ``zone_area_m2`` − ``covered_m2`` (land no parcel covers). Differences under
  :data:`OVERLAP_NOISE_REL` of the zone's area are rounding: then ``overlap_m2`` is 0 and ``covered_m2`` the sum
  of the parts, and an ``uncovered_m2`` that small is 0.
- Results do not depend on the scheduler: every sum is exactly rounded (each partition returns its sums as
  non-overlapping float terms whose exact total is the exact sum, and the driver adds them with ``math.fsum``),
  so category areas equal a single-process ``math.fsum`` over all parts, whatever the partitioning or the order
  in which tasks finish. The union behind ``covered_m2`` is merged in partition order; when parcels overlap it
  depends (in the last bits) on the partitioning, never on the scheduler.

Output
------
:func:`land_audit` returns a long table, one row per zone and category present (statutory order, ``unknown``
last; a zone no parcel reaches has one row whose ``category`` is None): the zone's ``feature_id``, ``zone_id``,
``name_ko``, ``name_en``, ``name_ja``, ``zone_area_m2``, ``zone_parcels``, ``covered_m2``, ``overlap_m2``,
``uncovered_m2``, then ``category`` (the abbreviation, e.g. ``장``), ``category_number`` (1-28, 0 = unknown),
``category_ko``, ``category_en``, ``category_ja``, ``parcels``, ``area_m2``, ``area_pyeong`` (1 pyeong = 400/121
m²) and ``share`` (``area_m2`` / ``zone_area_m2``, a fraction). ``attrs`` holds ``land_field``, ``land_source``
(``"jibun"`` when the category is read from the jibun's suffix, ``"field"`` otherwise) and ``source``.

:func:`to_json` writes this JSON contract (compact, UTF-8, areas in m² and pyeong, shares as fractions 0-1,
NaN as null)::

    {"tool": "triangle-belt", "version": str, "source": str, "land_field": str, "land_source": "jibun"|"field",
     "units": {"area": "m2, ellipsoidal GRS80 with geodesic edges", "pyeong_m2": "400/121", "share": "fraction"},
     "zones": [{"feature_id": str, "zone_id": str, "name_ko": str, "name_en": str, "name_ja": str,
                "zone_area_m2": float, "zone_area_pyeong": float, "parcels": int,
                "covered_m2": float, "overlap_m2": float, "uncovered_m2": float, "uncovered_pyeong": float,
                "uncovered_share": float,
                "categories": [{"code": str, "number": int, "name_ko": str, "name_en": str, "name_ja": str,
                                "parcels": int, "area_m2": float, "area_pyeong": float, "share": float}]}]}

:func:`to_csv` writes the long table for Excel (UTF-8 with BOM, CRLF), :func:`to_table` a terminal table and
:func:`write_parquet` the long table as Parquet, atomically.

"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from ._constants import AUDIT_COLUMNS, DEFAULT_PARTITION_ROWS, MIN_PIECE_M2
from ._extent import read_parcels
from ._parquet import geoparquet_frame_partial, parquet_partial
from ._reduce import combine, partition_partial
from ._scheduler import check_scheduler, compute
from ._sources import ParcelSource, Partition
from ._zones import ZoneSet, densify_geodesic
from .output import FORMATS, to_csv, to_json, to_table, write_parquet

__all__ = [
    "AUDIT_COLUMNS",
    "DEFAULT_PARTITION_ROWS",
    "FORMATS",
    "MIN_PIECE_M2",
    "densify_geodesic",
    "land_audit",
    "read_parcels",
    "to_csv",
    "to_json",
    "to_table",
    "write_parquet",
]

if TYPE_CHECKING:
    import dask_geopandas
    import distributed

log = logging.getLogger(__name__)


def land_audit(
    zones: gpd.GeoDataFrame,
    parcels: str | os.PathLike | gpd.GeoDataFrame | dask_geopandas.GeoDataFrame,
    *,
    land_field: str | None = None,
    scheduler: str | distributed.Client | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    assume_crs: str | None = None,
    partition_rows: int = DEFAULT_PARTITION_ROWS,
    min_piece_m2: float = MIN_PIECE_M2,
) -> pd.DataFrame:
    """Parcels and area per land category (지목) inside each zone, streamed on dask.

    Parameters
    ----------
    zones
        Zones in any CRS (EPSG:4326 as :func:`geo.load_zones` returns them) with a unique ``feature_id``;
        ``zone_id``, ``name_ko``, ``name_en`` and ``name_ja`` are copied to the result when present.
    parcels
        Cadastral parcels (polygons in any CRS, e.g. EPSG:5186 or EPSG:4326): a vector file GDAL reads (Shapefile,
        GeoPackage, FlatGeobuf, GeoJSON…), a GeoParquet file, a folder or glob pattern of GeoParquet partitions, a
        GeoDataFrame or a dask_geopandas GeoDataFrame. For tens of millions of parcels use GeoParquet partitions
        (files or row groups of about 100,000 parcels; spatially sorted, partitions away from the zones are
        skipped). With a ``tcp://`` scheduler the path must be readable by the workers.
    land_field
        Field holding the land category, matched case-insensitively. By default the category is read from the
        suffix of ``jibun`` (e.g. ``123-4 장`` → 공장용지); a field named ``jibun`` is read that way too, any other
        as a category value (abbreviation, Korean or English name, or number 1-28; see :mod:`geo.land`).
    scheduler
        None for dask's threads on this machine; ``"tcp://HOST:PORT"`` (or a ``distributed.Client``) to run on a
        dask.distributed cluster; any other dask scheduler name (``"synchronous"``, ``"processes"``). Checked
        before any work: anything else is an :class:`InputError`, and so is a cluster that cannot be reached
        within a few seconds, has no worker or loses its workers.
    layer, encoding
        Layer of a multi-layer vector file; text encoding of its attributes (a shapefile without .cpg is guessed
        as UTF-8 or CP949).
    assume_crs
        CRS of parcels that have none (e.g. a shapefile without .prj).
    partition_rows
        Parcels per partition for vector files and GeoDataFrames. GeoParquet keeps its files as partitions, and
        a file of several row groups is read in runs of whole row groups of at most this many parcels.
    min_piece_m2
        Parts of a parcel inside a zone of at most this many m² are ignored (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        The long table described in the module docstring (areas in m² on GRS80, shares as fractions).

    Raises
    ------
    InputError
        The parcels cannot be read, have no CRS, or have neither a ``jibun`` field nor the ``land_field``
        (the message names the source, or the GeoParquet file, and lists its fields); the zones have no CRS or
        duplicate ``feature_id``; the scheduler is not one, or fails (see ``scheduler``).
    """
    import dask

    scheduler = check_scheduler(scheduler)
    zone_set = ZoneSet.build(zones)
    source = ParcelSource.open(
        parcels, land_field=land_field, layer=layer, encoding=encoding, assume_crs=assume_crs, rows=partition_rows
    )
    boxes: dict[str, np.ndarray] = {}

    def boxes_in(crs: CRS) -> np.ndarray:
        """The zones' boxes in ``crs``, computed once per CRS."""
        key = crs.to_wkt()
        if key not in boxes:
            boxes[key] = zone_set.native_boxes(crs)
        return boxes[key]

    partitions = source.partitions(boxes_in)
    log.info(
        "land audit: %d zones, %d partitions of parcels from %s (land category from %s %r)",
        len(zone_set.feature_ids),
        len(partitions),
        source.name,
        source.land_source,
        source.land_column,
    )
    payload = dask.delayed(zone_set, pure=True)
    tasks = [_task(part, payload, boxes_in(part.crs), source.land_source, min_piece_m2) for part in partitions]
    partials = compute(tasks, scheduler)
    log.info("land audit: read %d parcels in %d partitions", sum(p.rows for p in partials), len(partials))
    result = combine(zone_set, partials)
    result.attrs.update({"land_field": source.land_column, "land_source": source.land_source, "source": source.name})
    return result


def _task(part: Partition, zones: Any, boxes: np.ndarray, land_source: str, min_piece_m2: float) -> Any:
    """The delayed :class:`Partial` of one partition: a GeoParquet run read by the task itself from Arrow's
    buffers, or a GeoDataFrame partition clipped with shapely."""
    import dask

    run = part.file
    if run is None:
        reduce = dask.delayed(partition_partial, pure=True)
        return reduce(part.frame, zones, boxes, part.land_column, land_source, part.crs.to_wkt(), min_piece_m2)
    if not run.wkb:
        reduce = dask.delayed(geoparquet_frame_partial, pure=True)
        return reduce(run.path, run.geometry, part.land_column, part.crs, zones, boxes, land_source, min_piece_m2)
    reduce = dask.delayed(parquet_partial, pure=True)
    return reduce(
        run.path, run.row_groups, run.geometry, part.land_column, part.crs, zones, boxes, land_source,
        min_piece_m2, run.label,
    )  # fmt: skip
