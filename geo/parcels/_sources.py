"""Parcel inputs: vector files, GeoParquet files or partitions, (dask) GeoDataFrames, read in partitions.

Each partition carries its own CRS and the spelling of its land field: GeoParquet files of one folder may be
written in different CRSs (EPSG:4326 beside EPSG:5174) or spell ``jibun`` differently, so every file's footer
is read first, and each file (or run of its row groups) is a partition of its own, in its own CRS, read and
transformed to EPSG:4326 by the task that reduces it (:mod:`geo.parcels._parquet`). A file without the land
field, without GeoParquet metadata or without a CRS is refused by name before anything is computed.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from .. import _format as fmt
from .._errors import InputError, InputFileNotFoundError
from ..io import guess_dbf_encoding
from ._constants import JIBUN_FIELD, PARQUET_SUFFIXES

log = logging.getLogger(__name__)

#: The zones' bounding boxes in a given CRS (:meth:`ZoneSet.native_boxes`), for skipping partitions.
BoxesIn = Callable[[CRS], np.ndarray]
#: What the GeoParquet specification says a missing ``crs`` means.
GEOPARQUET_DEFAULT_CRS = "OGC:CRS84"
#: The fix a message about a file that is not GeoParquet suggests.
PARQUET_FIX = "write it with geopandas to_parquet or ogr2ogr -f Parquet"


@dataclass(frozen=True)
class Partition:
    """One partition to reduce, in its own CRS with its own spelling of the land field: either a delayed
    GeoDataFrame (``frame``), or a run of row groups of a GeoParquet file (``file``) read by the task itself."""

    frame: Any
    crs: CRS
    land_column: str
    file: ParquetRun | None = None


@dataclass(frozen=True)
class ParquetRun:
    """Row groups of one GeoParquet file: where, which, its geometry column and encoding, and its name in
    messages."""

    path: str
    row_groups: tuple[int, ...]
    geometry: str
    wkb: bool
    label: str


@dataclass(frozen=True)
class _Footer:
    """What the footer of a GeoParquet file says: geometry column, columns, CRS, encoding, bbox, row groups."""

    geometry: str
    columns: list[str]
    crs: object
    wkb: bool
    bbox: tuple[float, float, float, float] | None
    row_group_rows: list[int]


@dataclass
class ParcelSource:
    """Where the parcels come from, the field to read categories from, and how to split them into partitions.

    ``land_column`` is the land field as the (first) source spells it; ``partitions(boxes_in)`` lists the
    partitions that may touch a zone, each with its own CRS and spelling.
    """

    name: str
    land_column: str
    land_source: str
    partitions: Callable[[BoxesIn], list[Partition]] = field(repr=False)

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
    ) -> ParcelSource:
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
            return cls._from_parquet(text, land_field, assume_crs, rows)
        if not path.exists():
            raise InputFileNotFoundError(f"{path}: no such file or folder; check the path")
        if path.is_dir() or path.suffix.lower() in PARQUET_SUFFIXES:
            return cls._from_parquet(text, land_field, assume_crs, rows)
        return cls._from_vector(path, land_field, layer, encoding, assume_crs, rows)

    @classmethod
    def _from_frame(cls, frame: gpd.GeoDataFrame, name: str, land_field, assume_crs, rows: int) -> ParcelSource:
        import dask_geopandas

        column, kind = _land_column(name, list(frame.columns.drop(frame.geometry.name)), land_field)
        crs = _crs(frame.crs, name, assume_crs)
        chunk = frame[[column, frame.geometry.name]]
        ddf = dask_geopandas.from_geopandas(chunk.set_crs(crs, allow_override=True), chunksize=rows, sort=False)
        return cls(name, column, kind, lambda boxes_in: _dask_partitions(ddf, crs, column, boxes_in))

    @classmethod
    def _from_dask(cls, ddf: Any, name: str, land_field, assume_crs) -> ParcelSource:
        geometry = ddf.geometry.name
        column, kind = _land_column(name, [c for c in ddf.columns if c != geometry], land_field)
        crs = _crs(ddf.crs, name, assume_crs)
        selected = ddf[[column, geometry]]
        if ddf.crs is None:
            selected = selected.set_crs(crs)
        return cls(name, column, kind, lambda boxes_in: _dask_partitions(selected, crs, column, boxes_in))

    @classmethod
    def _from_parquet(cls, location: str, land_field, assume_crs, rows: int) -> ParcelSource:
        name = Path(location).name or location
        files = _parquet_files(location)
        if not files:
            raise InputFileNotFoundError(f"{name}: holds no Parquet file; check the path")
        parts: list[tuple[Partition, tuple[float, float, float, float] | None]] = []
        kind, first_column = "jibun", None
        for file in files:
            label = _label(file, location)
            footer = _geoparquet_footer(file, label)
            column, kind = _land_column(label, [c for c in footer.columns if c != footer.geometry], land_field)
            first_column = first_column or column
            crs = _crs(footer.crs, label, assume_crs)
            runs = _row_group_runs(footer.row_group_rows, rows) if footer.wkb else [()]
            for run in runs:
                source = ParquetRun(file, run, footer.geometry, footer.wkb, label)
                parts.append((Partition(None, crs, column, source), footer.bbox))
        crss = {part.crs.to_wkt(): part.crs for part, _ in parts}
        if len(crss) > 1:
            log.info(
                "%s: GeoParquet files in %d CRSs (%s); each is read in its own and transformed to EPSG:4326",
                name,
                len(crss),
                ", ".join(sorted({_crs_name(crs) for crs in crss.values()})),
            )

        def partitions(boxes_in: BoxesIn) -> list[Partition]:
            kept = [part for part, bbox in parts if bbox is None or _meets(bbox, boxes_in(part.crs))]
            if len(kept) < len(parts):
                log.info(
                    "reading %d of %d parcel partitions (the others lie away from the zones)", len(kept), len(parts)
                )
            return kept

        return cls(name, first_column or JIBUN_FIELD, kind, partitions)

    @classmethod
    def _from_vector(cls, path: Path, land_field, layer, encoding, assume_crs, rows: int) -> ParcelSource:
        import pyogrio

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                info = pyogrio.read_info(path, layer=layer, encoding=encoding)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
            raise InputError(
                f"{path.name}: cannot be read as a vector file ({first_line(error)}); check that it is a complete "
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

        def partitions(_boxes_in: BoxesIn) -> list[Partition]:
            import dask

            read = dask.delayed(_read_vector_chunk, pure=True)
            return [
                Partition(read(str(path), layer, column, encoding, crs.to_wkt(), skip, count), crs, column)
                for skip, count in chunks
            ]

        return cls(path.name, column, kind, partitions)


def _is_dask_frame(value: object) -> bool:
    # A dask GeoDataFrame can only exist if dask_geopandas is imported; importing it to ask would cost a second
    # and tens of MB (dask.dataframe) on every run that reads files.
    dask_geopandas = sys.modules.get("dask_geopandas")
    return dask_geopandas is not None and isinstance(value, dask_geopandas.GeoDataFrame)


def _land_column(name: str, fields: Sequence[str], land_field: str | None) -> tuple[str, str]:
    """The field to read, as spelled in the source, and ``"jibun"`` or ``"field"`` for how to read it."""
    by_name = {str(f).casefold(): str(f) for f in fields}
    wanted = land_field if land_field is not None else JIBUN_FIELD
    found = by_name.get(wanted.casefold())
    listing = ", ".join(fmt.message_text(f) for f in fields) or "none"
    if found is None and land_field is not None:
        raise InputError(
            f"{name}: has no field {fmt.quoted(land_field)} for the land category; its fields are: {listing}"
        )
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
        if isinstance(value, str):
            raise InputError(f"{name}: {fmt.quoted(value)} is not a CRS; use a code such as EPSG:5186") from None
        raise InputError(f"{name}: the CRS it declares cannot be read; rewrite it with its CRS set") from None


def _dask_partitions(ddf: Any, crs: CRS, column: str, boxes_in: BoxesIn) -> list[Partition]:
    """The partitions of ``ddf`` (in ``crs``), less those whose known bounds miss every zone box in that CRS."""
    spatial = getattr(ddf, "spatial_partitions", None)
    if spatial is not None and len(spatial) == ddf.npartitions:
        tree = shapely.STRtree(np.asarray(spatial.values, dtype=object))
        keep = np.unique(tree.query(boxes_in(crs))[1])
        log.info("reading %d of %d parcel partitions (the others lie away from the zones)", len(keep), len(spatial))
        if len(keep) == 0:
            return []
        if len(keep) < ddf.npartitions:
            ddf = ddf.partitions[keep.tolist()]
    return [Partition(part, crs, column) for part in ddf.to_delayed()]


def _parquet_files(location: str) -> list[str]:
    """The Parquet files of a file, a folder (recursively, skipping names that start with ``.`` or ``_``, as
    dask and Arrow do) or a glob pattern, sorted."""
    if glob.has_magic(location):
        return sorted(path for path in glob.glob(location) if Path(path).is_file())
    root = Path(location)
    if root.is_file():
        return [location]
    return sorted(
        str(path)
        for path in root.rglob("*")
        if path.is_file() and not any(part.startswith((".", "_")) for part in path.relative_to(root).parts)
    )


def _label(file: str, location: str) -> str:
    """How a message names one file of ``location``: ``parts/part.1.parquet``."""
    path = Path(file)
    root = Path(location)
    if root.is_dir():
        return str(Path(root.name) / path.relative_to(root))
    return path.name


def _geoparquet_footer(file: str, label: str) -> _Footer:
    """What the footer of a GeoParquet file says (:class:`_Footer`); :class:`InputError` naming the file for
    anything that is not GeoParquet."""
    import pyarrow
    import pyarrow.parquet

    try:
        metadata = pyarrow.parquet.read_metadata(file)
        schema = metadata.schema.to_arrow_schema()
    except (OSError, pyarrow.ArrowException) as error:
        raise InputError(f"{label}: cannot be read as GeoParquet ({first_line(error)}); {PARQUET_FIX}") from None
    try:
        geo = json.loads((schema.metadata or {})[b"geo"])
        geometry = geo["primary_column"]
        column = geo["columns"][geometry]
        crs = column.get("crs", GEOPARQUET_DEFAULT_CRS)
        encoding = str(column.get("encoding", "WKB"))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InputError(
            f"{label}: is Parquet without GeoParquet metadata (no geometry column); {PARQUET_FIX}"
        ) from None
    if not isinstance(geometry, str) or geometry not in schema.names:
        raise InputError(f"{label}: its GeoParquet metadata names a geometry column it does not have; {PARQUET_FIX}")
    field = schema.field(geometry)
    wkb = encoding.upper() == "WKB" and (
        pyarrow.types.is_binary(field.type) or pyarrow.types.is_large_binary(field.type)
    )
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    return _Footer(geometry, list(schema.names), crs, wkb, _bbox(column.get("bbox")), sizes)


def _bbox(value: object) -> tuple[float, float, float, float] | None:
    """A GeoParquet ``bbox`` (2D or 3D) as (minx, miny, maxx, maxy), or None when absent or unreadable."""
    try:
        numbers = [float(v) for v in value]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    if len(numbers) == 4:
        return numbers[0], numbers[1], numbers[2], numbers[3]
    if len(numbers) == 6:
        return numbers[0], numbers[1], numbers[3], numbers[4]
    return None


def _meets(bbox: tuple[float, float, float, float], boxes: np.ndarray) -> bool:
    """Whether a file's bbox meets one of the zones' boxes (edges included); a bbox with NaN meets them all."""
    if any(np.isnan(bbox)):
        return True
    zone = shapely.bounds(boxes)
    return bool(
        np.any((zone[:, 0] <= bbox[2]) & (zone[:, 2] >= bbox[0]) & (zone[:, 1] <= bbox[3]) & (zone[:, 3] >= bbox[1]))
    )


def _row_group_runs(sizes: list[int], rows: int) -> list[tuple[int, ...]]:
    """Consecutive row groups in runs of at most ``rows`` rows (a larger row group is a run of its own); a file
    without row groups is one empty run."""
    runs: list[tuple[int, ...]] = []
    current: list[int] = []
    count = 0
    for index, size in enumerate(sizes):
        if current and count + size > rows:
            runs.append(tuple(current))
            current, count = [], 0
        current.append(index)
        count += size
    if current or not runs:
        runs.append(tuple(current))
    return runs


def _crs_name(crs: CRS) -> str:
    authority = crs.to_authority()
    return ":".join(authority) if authority else crs.name


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


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:200]
