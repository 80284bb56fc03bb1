"""Constants of the parcel land audit, with their meaning and units."""

from __future__ import annotations

from typing import Final

from .. import land

#: The VWorld / 연속지적도 field holding the lot number with the category suffix (matched case-insensitively).
JIBUN_FIELD: Final = "jibun"
#: Rows per partition when a vector file or an in-memory GeoDataFrame is split into partitions.
DEFAULT_PARTITION_ROWS: Final = 200_000
#: A parcel whose part inside a zone is at most this many m² is not counted there (boundary slivers).
MIN_PIECE_M2: Final = 0.01
#: Differences between the sum of the parts and the area of their union below this fraction of the zone's area
#: are rounding (the two are measured by different routes of :func:`geo.area.area_m2`), not overlaps.
OVERLAP_NOISE_REL: Final = 1e-7
#: Suffixes read as GeoParquet (a folder or a glob pattern is read as GeoParquet partitions too).
PARQUET_SUFFIXES: Final = frozenset({".parquet", ".geoparquet", ".pq"})
#: Margin added around each zone's bounding box in the parcels' CRS before the exact test in EPSG:4326, as a
#: fraction of the box's size: a straight edge in one CRS is slightly curved in the other.
BBOX_MARGIN_REL: Final = 1e-3
#: Number of points per edge when a zone's bounding box is transformed to the parcels' CRS.
BBOX_DENSIFY_POINTS: Final = 21
#: Longest zone edge, in metres, before the zones are cut into parcel parts (see :func:`densify_geodesic`).
ZONE_SEGMENT_M: Final = 10.0
#: How long connecting to a ``tcp://`` scheduler, and then waiting for its first worker, may take: a scheduler
#: on the network answers in well under a second, so a wrong address fails quickly.
CONNECT_TIMEOUT_S: Final = 5.0
#: dask's own schedulers, by the names :func:`dask.compute` accepts (``distributed`` is left out: it needs a
#: client made beforehand; give the scheduler's address instead).
SCHEDULER_NAMES: Final = ("threads", "threading", "synchronous", "sync", "single-threaded", "processes",
                          "multiprocessing")  # fmt: skip
#: Protocols of a dask.distributed scheduler address (``tcp://HOST:PORT``); ``inproc`` is a cluster inside this
#: process (``LocalCluster(processes=False)``), whose address is ``inproc://HOST/PID/N``.
SCHEDULER_PROTOCOLS: Final = ("tcp", "tls", "ws", "wss", "inproc")
IN_PROCESS: Final = "inproc"
#: The port ``dask scheduler`` listens on when none is given.
DEFAULT_SCHEDULER_PORT: Final = 8786
MAX_PORT: Final = 65535

AUDIT_COLUMNS: Final = (
    "feature_id",
    "zone_id",
    "name_ko",
    "name_en",
    "name_ja",
    "zone_area_m2",
    "zone_parcels",
    "covered_m2",
    "overlap_m2",
    "uncovered_m2",
    "category",
    "category_number",
    "category_ko",
    "category_en",
    "category_ja",
    "parcels",
    "area_m2",
    "area_pyeong",
    "share",
)
ZONE_NAME_COLUMNS: Final = ("zone_id", "name_ko", "name_en", "name_ja")
#: Category numbers run 0 (unknown) to 28; a (zone, category) key is zone × this + number.
_KEYS_PER_ZONE: Final = len(land.CATEGORIES) + 1
