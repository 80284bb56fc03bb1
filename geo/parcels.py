"""Parcel-level land audit: how much of each industrial complex is factory land, road, field… by cadastre.

:func:`land_audit` overlays cadastral parcels (연속지적도, VWorld ``LP_PA_CBND_BUBUN``: polygons with ``pnu`` and
``jibun``) on the zones and reports, per zone and land category (지목, :mod:`geo.land`), the number of parcels and
the exact ellipsoidal area (GRS80, geodesic edges, :func:`geo.area.area_m2`) of the parcels' parts inside the zone.

Method
------
- Parcels are streamed in partitions (GeoParquet files or row groups, chunks of a vector file, slices of a
  GeoDataFrame) on dask; the zones, small, are sent to every task. Each partition is reduced to a small partial
  aggregate per (zone, category), and the partials are added up: memory does not grow with the parcel layer.
  GeoParquet partitions whose bounding box (GeoParquet ``bbox`` metadata) misses every zone are not read.
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

import glob
import itertools
import json
import logging
import math
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from . import _format as fmt
from . import land
from ._errors import InputError, InputFileNotFoundError
from .area import area_m2
from .io import atomic_path, guess_dbf_encoding
from .settings import GEOGRAPHIC_CRS, M2_PER_PYEONG, TOOL_NAME, tool_version

if TYPE_CHECKING:
    import dask_geopandas
    import distributed

log = logging.getLogger(__name__)

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
#: How long connecting to a ``tcp://`` scheduler may take.
CONNECT_TIMEOUT: Final = "20s"

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
        (spatially sorted, so that partitions away from the zones are skipped). With a ``tcp://`` scheduler the
        path must be readable by the workers.
    land_field
        Field holding the land category, matched case-insensitively. By default the category is read from the
        suffix of ``jibun`` (e.g. ``123-4 장`` → 공장용지); a field named ``jibun`` is read that way too, any other
        as a category value (abbreviation, Korean or English name, or number 1-28; see :mod:`geo.land`).
    scheduler
        None for dask's threads on this machine; ``"tcp://HOST:PORT"`` (or a ``distributed.Client``) to run on a
        dask.distributed cluster; any other dask scheduler name (``"synchronous"``, ``"processes"``).
    layer, encoding
        Layer of a multi-layer vector file; text encoding of its attributes (a shapefile without .cpg is guessed
        as UTF-8 or CP949).
    assume_crs
        CRS of parcels that have none (e.g. a shapefile without .prj).
    partition_rows
        Parcels per partition for vector files and GeoDataFrames (GeoParquet keeps its own partitions).
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
        (the message names the source and lists its fields); the zones have no CRS or duplicate ``feature_id``.
    """
    import dask

    zone_set = _ZoneSet.build(zones)
    source = _Source.open(
        parcels, land_field=land_field, layer=layer, encoding=encoding, assume_crs=assume_crs, rows=partition_rows
    )
    native = zone_set.native_boxes(source.crs)
    partitions = source.partitions(native)
    log.info(
        "land audit: %d zones, %d partitions of parcels from %s (land category from %s %r)",
        len(zone_set.feature_ids),
        len(partitions),
        source.name,
        source.land_source,
        source.land_column,
    )
    payload = dask.delayed(zone_set, pure=True)
    tasks = [
        dask.delayed(_partition_partial, pure=True)(
            part, payload, native, source.land_column, source.land_source, source.crs.to_wkt(), min_piece_m2
        )
        for part in partitions
    ]
    partials = _compute(tasks, scheduler)
    result = _combine(zone_set, partials)
    result.attrs.update({"land_field": source.land_column, "land_source": source.land_source, "source": source.name})
    return result


# --- zones ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ZoneSet:
    """The zones as every task needs them: EPSG:4326 geometry, areas and names (small; sent to each task)."""

    feature_ids: list[str]
    geometries: np.ndarray
    areas_m2: np.ndarray
    names: pd.DataFrame

    @classmethod
    def build(cls, zones: gpd.GeoDataFrame) -> _ZoneSet:
        if not isinstance(zones, gpd.GeoDataFrame):
            raise InputError("zones: expected a GeoDataFrame of polygons (as geo.load_zones() returns)")
        if zones.crs is None:
            raise InputError("zones: have no CRS; set one (zones are normally EPSG:4326)")
        if "feature_id" not in zones:
            raise InputError("zones: have no feature_id column; read them with geo.read_zones or geo.load_zones")
        duplicated = sorted(set(zones["feature_id"][zones["feature_id"].duplicated()].astype(str)))
        if duplicated:
            raise InputError(f"zones: feature_id is not unique ({', '.join(duplicated)}); give each zone its own id")
        lonlat = zones.to_crs(GEOGRAPHIC_CRS)
        geometries = np.asarray(lonlat.geometry.values, dtype=object)
        geometries = np.where(shapely.is_valid(geometries), geometries, shapely.make_valid(geometries))
        areas = area_m2(gpd.GeoSeries(geometries, crs=GEOGRAPHIC_CRS)).to_numpy()
        geometries = np.array([densify_geodesic(g) for g in geometries], dtype=object)
        names = pd.DataFrame(
            {c: lonlat[c].to_numpy(dtype=object) if c in lonlat else None for c in ZONE_NAME_COLUMNS},
            index=range(len(lonlat)),
        )
        return cls([str(v) for v in lonlat["feature_id"]], geometries, areas, names)

    def native_boxes(self, crs: CRS) -> np.ndarray:
        """Each zone's bounding box in ``crs`` (densified edges), widened by :data:`BBOX_MARGIN_REL`."""
        bounds = shapely.bounds(self.geometries)
        if crs.equals(CRS.from_user_input(GEOGRAPHIC_CRS)):
            boxes = bounds
        else:
            transformer = Transformer.from_crs(GEOGRAPHIC_CRS, crs, always_xy=True)
            boxes = np.array([transformer.transform_bounds(*b, densify_pts=BBOX_DENSIFY_POINTS) for b in bounds])
        size = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])[:, None] * BBOX_MARGIN_REL
        return shapely.box(*(boxes + size * np.array([-1, -1, 1, 1])).T)


def densify_geodesic(geometry: shapely.Geometry, *, max_segment_m: float = ZONE_SEGMENT_M) -> shapely.Geometry:
    """``geometry`` (EPSG:4326) with points added along each edge's GRS80 geodesic, at most ``max_segment_m`` apart.

    :func:`geo.area.area_m2` reads an edge as a geodesic, but an intersection computed in lon/lat cuts it along
    the straight lon/lat line; over a zone edge of 1 km the two enclose a few m². With edges of 10 m the clipped
    parts tile the zone to well under 1e-9 of its area, so ``uncovered_m2`` is not an artefact of the edges.
    """
    from .area import GEOD

    def ring(coords: np.ndarray) -> np.ndarray:
        out = [coords[:1]]
        for (x1, y1), (x2, y2) in itertools.pairwise(coords):
            _, _, distance = GEOD.inv(x1, y1, x2, y2)
            steps = math.ceil(distance / max_segment_m)
            if steps > 1:
                out.append(np.array(GEOD.npts(x1, y1, x2, y2, steps - 1)).reshape(-1, 2))
            out.append(np.array([[x2, y2]]))
        return np.concatenate(out)

    def polygon(p: shapely.Polygon) -> shapely.Polygon:
        exterior = ring(np.asarray(p.exterior.coords)[:, :2])
        return shapely.Polygon(exterior, [ring(np.asarray(r.coords)[:, :2]) for r in p.interiors])

    parts = [polygon(p) for p in shapely.get_parts(geometry) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return geometry
    return parts[0] if len(parts) == 1 and geometry.geom_type == "Polygon" else shapely.MultiPolygon(parts)


# --- parcels --------------------------------------------------------------------------------------------------


@dataclass
class _Source:
    """Where the parcels come from, the field to read categories from, and how to split them into partitions."""

    name: str
    crs: CRS
    land_column: str
    land_source: str
    partitions: Callable[[np.ndarray], list[Any]] = field(repr=False)

    @classmethod
    def open(
        cls,
        parcels: Any,
        *,
        land_field: str | None,
        layer: str | None,
        encoding: str | None,
        assume_crs: str | None,
        rows: int,
    ) -> _Source:
        if rows < 1:
            raise InputError(f"partition_rows must be at least 1, not {rows}")
        if isinstance(parcels, gpd.GeoDataFrame):
            return cls._from_frame(parcels, "GeoDataFrame", land_field, assume_crs, rows)
        if _is_dask_frame(parcels):
            return cls._from_dask(parcels, "dask GeoDataFrame", land_field, assume_crs)
        if not isinstance(parcels, str | os.PathLike):
            raise InputError(f"parcels: expected a file, folder or (dask) GeoDataFrame, not {type(parcels).__name__}")
        text = os.fspath(parcels)
        path = Path(text)
        if glob.has_magic(text):
            if not glob.glob(text):
                raise InputFileNotFoundError(f"{text}: no file matches; check the pattern")
            return cls._from_parquet(text, land_field, assume_crs)
        if not path.exists():
            raise InputFileNotFoundError(f"{path}: no such file or folder; check the path")
        if path.is_dir() or path.suffix.lower() in PARQUET_SUFFIXES:
            return cls._from_parquet(text, land_field, assume_crs)
        return cls._from_vector(path, land_field, layer, encoding, assume_crs, rows)

    @classmethod
    def _from_frame(cls, frame: gpd.GeoDataFrame, name: str, land_field, assume_crs, rows: int) -> _Source:
        import dask_geopandas

        column, kind = _land_column(name, list(frame.columns.drop(frame.geometry.name)), land_field)
        crs = _crs(frame.crs, name, assume_crs)
        chunk = frame[[column, frame.geometry.name]]
        ddf = dask_geopandas.from_geopandas(chunk.set_crs(crs, allow_override=True), chunksize=rows, sort=False)
        return cls(name, crs, column, kind, lambda boxes: _dask_partitions(ddf, boxes))

    @classmethod
    def _from_dask(cls, ddf: Any, name: str, land_field, assume_crs) -> _Source:
        geometry = ddf.geometry.name
        column, kind = _land_column(name, [c for c in ddf.columns if c != geometry], land_field)
        crs = _crs(ddf.crs, name, assume_crs)
        selected = ddf[[column, geometry]]
        if ddf.crs is None:
            selected = selected.set_crs(crs)
        return cls(name, crs, column, kind, lambda boxes: _dask_partitions(selected, boxes))

    @classmethod
    def _from_parquet(cls, location: str, land_field, assume_crs) -> _Source:
        import dask_geopandas

        name = Path(location).name or location
        try:
            ddf = dask_geopandas.read_parquet(location)
        except (OSError, ValueError) as error:
            raise InputError(
                f"{name}: cannot be read as GeoParquet ({_first_line(error)}); write it with geopandas "
                "to_parquet or ogr2ogr -f Parquet"
            ) from None
        source = cls._from_dask(ddf, name, land_field, assume_crs)
        return source

    @classmethod
    def _from_vector(cls, path: Path, land_field, layer, encoding, assume_crs, rows: int) -> _Source:
        import pyogrio

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                info = pyogrio.read_info(path, layer=layer, encoding=encoding)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
            raise InputError(
                f"{path.name}: cannot be read as a vector file ({_first_line(error)}); check that it is a complete "
                "Shapefile, GeoPackage, FlatGeobuf, GeoJSON or GeoParquet"
            ) from None
        if info.get("geometry_type") is None:
            raise InputError(f"{path.name}: has no geometry; parcels must be polygons")
        column, kind = _land_column(path.name, [str(f) for f in info["fields"]], land_field)
        crs = _crs(info.get("crs"), path.name, assume_crs)
        if encoding is None and path.suffix.lower() == ".shp" and not path.with_suffix(".cpg").exists():
            encoding = guess_dbf_encoding(path.with_suffix(".dbf"))
        total = int(info["features"])
        if total < 0:  # a driver that cannot count quickly
            total = int(pyogrio.read_info(path, layer=layer, force_feature_count=True)["features"])
        chunks = [(start, min(rows, total - start)) for start in range(0, total, rows)]

        def partitions(_boxes: np.ndarray) -> list[Any]:
            import dask

            read = dask.delayed(_read_vector_chunk, pure=True)
            return [read(str(path), layer, column, encoding, crs.to_wkt(), skip, count) for skip, count in chunks]

        return cls(path.name, crs, column, kind, partitions)


def _is_dask_frame(value: object) -> bool:
    try:
        import dask_geopandas
    except ImportError:
        return False
    return isinstance(value, dask_geopandas.GeoDataFrame)


def _land_column(name: str, fields: Sequence[str], land_field: str | None) -> tuple[str, str]:
    """The field to read, as spelled in the source, and ``"jibun"`` or ``"field"`` for how to read it."""
    by_name = {str(f).casefold(): str(f) for f in fields}
    wanted = land_field if land_field is not None else JIBUN_FIELD
    found = by_name.get(wanted.casefold())
    listing = ", ".join(map(str, fields)) or "none"
    if found is None and land_field is not None:
        raise InputError(f"{name}: has no field {land_field!r} for the land category; its fields are: {listing}")
    if found is None:
        raise InputError(
            f"{name}: has no {JIBUN_FIELD} field to read the land category (지목) from; pass the field that holds it "
            f"(land_field / --land-field) — its fields are: {listing}"
        )
    return found, "jibun" if found.casefold() == JIBUN_FIELD else "field"


def _crs(value: object, name: str, assume_crs: str | None) -> CRS:
    if value is None:
        if assume_crs is None:
            raise InputError(f"{name}: the parcels have no CRS; pass assume_crs (--assume-crs), e.g. EPSG:5186")
        value = assume_crs
    try:
        return CRS.from_user_input(value)
    except Exception:  # pyproj raises CRSError, a subclass of its own ProjError tree
        raise InputError(f"{name}: {value!r} is not a CRS; use a code such as EPSG:5186") from None


def _dask_partitions(ddf: Any, boxes: np.ndarray) -> list[Any]:
    """The partitions of ``ddf`` as delayed GeoDataFrames, less those whose known bounds miss every zone box."""
    spatial = getattr(ddf, "spatial_partitions", None)
    if spatial is not None and len(spatial) == ddf.npartitions:
        tree = shapely.STRtree(np.asarray(spatial.values, dtype=object))
        keep = np.unique(tree.query(boxes)[1])
        log.info("reading %d of %d parcel partitions (the others lie away from the zones)", len(keep), len(spatial))
        if len(keep) == 0:
            return []
        if len(keep) < ddf.npartitions:
            ddf = ddf.partitions[keep.tolist()]
    return list(ddf.to_delayed())


def _read_vector_chunk(
    path: str, layer: str | None, column: str, encoding: str | None, crs_wkt: str, skip: int, count: int
) -> gpd.GeoDataFrame:
    import pyogrio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        frame = pyogrio.read_dataframe(
            path, layer=layer, columns=[column], encoding=encoding, skip_features=skip, max_features=count
        )
    if frame.crs is None:
        frame = frame.set_crs(crs_wkt)
    return frame


# --- one partition --------------------------------------------------------------------------------------------


@dataclass
class _Partial:
    """One partition's contribution: per (zone, category) key the parcel count and exact sum terms of the areas,
    and per zone the union of the parts (for the covered area)."""

    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    sums: list[tuple[float, ...]] = field(default_factory=list)
    unions: dict[int, shapely.Geometry] = field(default_factory=dict)


def _partition_partial(
    part: gpd.GeoDataFrame,
    zones: _ZoneSet,
    boxes: np.ndarray,
    land_column: str,
    land_source: str,
    crs_wkt: str,
    min_piece_m2: float,
) -> _Partial:
    """Clip one partition's parcels to the zones and reduce them to a :class:`_Partial`."""
    if len(part) == 0:
        return _Partial()
    geometries = np.asarray(part.geometry.values, dtype=object)
    zone_index, parcel_index = shapely.STRtree(geometries).query(boxes)
    if len(parcel_index) == 0:
        return _Partial()
    candidates, inverse = np.unique(parcel_index, return_inverse=True)
    lonlat = _to_lonlat(geometries[candidates], part.crs if part.crs is not None else CRS.from_wkt(crs_wkt))
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
        return _Partial()

    values = part[land_column].iloc[candidates[owner]]
    numbers = (
        land.category_numbers_from_jibun(values)
        if land_source == "jibun"
        else land.category_numbers_from_values(values)
    )
    keys = zone_index.astype(np.int64) * _KEYS_PER_ZONE + numbers
    order = np.argsort(keys, kind="stable")
    unique_keys, starts, counts = np.unique(keys[order], return_index=True, return_counts=True)
    sorted_areas = areas[order]
    sums = [_exact_terms(sorted_areas[s : s + c]) for s, c in zip(starts, counts, strict=True)]

    unions = {}
    for zone in np.unique(zone_index):
        unions[int(zone)] = shapely.union_all(pieces[zone_index == zone])
    return _Partial(unique_keys, counts.astype(np.int64), sums, unions)


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


def _exact_terms(values: np.ndarray) -> tuple[float, ...]:
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


# --- scheduling and reduction ---------------------------------------------------------------------------------


def _compute(tasks: list[Any], scheduler: Any) -> list[_Partial]:
    """Run the tasks on threads, a named dask scheduler, or a dask.distributed cluster; results in task order."""
    import dask

    if not tasks:
        return []
    if isinstance(scheduler, str) and "://" in scheduler:
        from distributed import Client

        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise InputError(f"scheduler {scheduler}: cannot connect ({_first_line(error)}); is it running?") from None
        with client:
            return list(client.gather(client.compute(tasks)))
    if hasattr(scheduler, "compute") and hasattr(scheduler, "gather"):
        return list(scheduler.gather(scheduler.compute(tasks)))
    return list(dask.compute(*tasks, scheduler=scheduler or "threads"))


def _combine(zones: _ZoneSet, partials: list[_Partial]) -> pd.DataFrame:
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


# --- output ---------------------------------------------------------------------------------------------------


def to_json(audit: pd.DataFrame, *, source: str | None = None, land_field: str | None = None) -> str:
    """The JSON contract of the module docstring: compact, UTF-8 (not ASCII-escaped), NaN as null, one line."""
    zones = []
    for _, rows in audit.groupby("feature_id", sort=False):
        first = rows.iloc[0]
        zone_area = float(first["zone_area_m2"])
        categories = [
            {
                "code": row["category"],
                "number": int(row["category_number"]),
                "name_ko": row["category_ko"],
                "name_en": row["category_en"],
                "name_ja": row["category_ja"],
                "parcels": int(row["parcels"]),
                "area_m2": _json_float(row["area_m2"]),
                "area_pyeong": _json_float(row["area_pyeong"]),
                "share": _json_float(row["share"]),
            }
            for row in rows.to_dict("records")
            if isinstance(row["category"], str)
        ]
        uncovered = float(first["uncovered_m2"])
        zones.append(
            {
                "feature_id": str(first["feature_id"]),
                **{c: _json_text(first[c]) for c in ZONE_NAME_COLUMNS},
                "zone_area_m2": _json_float(zone_area),
                "zone_area_pyeong": _json_float(zone_area / M2_PER_PYEONG),
                "parcels": int(first["zone_parcels"]),
                "covered_m2": _json_float(first["covered_m2"]),
                "overlap_m2": _json_float(first["overlap_m2"]),
                "uncovered_m2": _json_float(uncovered),
                "uncovered_pyeong": _json_float(uncovered / M2_PER_PYEONG),
                "uncovered_share": _json_float(uncovered / zone_area if zone_area > 0 else math.nan),
                "categories": categories,
            }
        )
    document = {
        "tool": TOOL_NAME,
        "version": tool_version(),
        "source": source if source is not None else audit.attrs.get("source"),
        "land_field": land_field if land_field is not None else audit.attrs.get("land_field"),
        "land_source": audit.attrs.get("land_source"),
        "units": {"area": "m2, ellipsoidal GRS80 with geodesic edges", "pyeong_m2": "400/121", "share": "fraction"},
        "zones": zones,
    }
    return fmt.to_json(document).rstrip("\n")


#: Decimals of areas in CSV (1 mm²).
CSV_DECIMALS: Final = 6


def to_csv(audit: pd.DataFrame) -> str:
    """The long table as CSV for Excel: UTF-8 with BOM (Hangul and Kana show right), CRLF, formula-safe text."""
    return fmt.excel_csv(audit.reindex(columns=list(AUDIT_COLUMNS)), float_format=f"%.{CSV_DECIMALS}f")


def to_table(audit: pd.DataFrame) -> str:
    """A plain-text report for a terminal, one block per zone, aligned for double-width Hangul and Kana."""
    lines: list[str] = []
    for _, rows in audit.groupby("feature_id", sort=False):
        first = rows.iloc[0]
        zone_area = float(first["zone_area_m2"])
        heading = (
            f"{first['feature_id']} {_json_text(first['name_ko']) or ''}: {zone_area:,.0f} m² "
            f"({zone_area / M2_PER_PYEONG:,.0f} pyeong), {int(first['zone_parcels']):,} parcels"
        )
        lines.append(fmt.terminal(heading))
        headers = ["지목", "category", "parcels", "m²", "pyeong", "share"]
        body = [
            [
                f"{row['category']} {row['category_ko']}",
                str(row["category_en"]),
                f"{int(row['parcels']):,}",
                f"{row['area_m2']:,.0f}",
                f"{row['area_pyeong']:,.0f}",
                f"{row['share'] * 100:.2f} %",
            ]
            for row in rows.to_dict("records")
            if isinstance(row["category"], str)
        ]
        uncovered = float(first["uncovered_m2"])
        share = uncovered / zone_area * 100 if zone_area > 0 else math.nan
        body.append(
            ["–", "not in any parcel", "", f"{uncovered:,.0f}", f"{uncovered / M2_PER_PYEONG:,.0f}", f"{share:.2f} %"]
        )
        if float(first["overlap_m2"]) > 0:
            body.append(["–", "overlapping parcels", "", f"{first['overlap_m2']:,.0f}", "", ""])
        lines += fmt.text_table(headers, body)
        lines.append("")
    lines.append("Areas: GRS80 ellipsoid, geodesic edges; 1 pyeong = 400/121 m².")
    return "\n".join(lines) + "\n"


def write_parquet(audit: pd.DataFrame, target: str | os.PathLike, *, inputs: tuple[Path, ...] = ()) -> Path:
    """Write the long table to ``target`` as Parquet (pyarrow), atomically; metadata in the schema."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(audit.reindex(columns=list(AUDIT_COLUMNS)), preserve_index=False)
    meta = {"tool": TOOL_NAME, "version": tool_version(), **{k: str(v) for k, v in audit.attrs.items()}}
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"triangle_belt": json.dumps(meta)})
    with atomic_path(target, inputs=inputs) as temporary:
        pq.write_table(table, temporary)
    return Path(target)


#: Text formats for a command line: name → formatter.
FORMATS: Final[dict[str, Callable[[pd.DataFrame], str]]] = {"table": to_table, "json": to_json, "csv": to_csv}


def _json_float(value: object) -> float | None:
    return fmt.json_value(float(value))  # type: ignore[arg-type]


def _json_text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:200]
