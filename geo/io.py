"""Reading and writing: the one place that touches files.

Zones are read from GeoJSON, GeoPackage, Shapefile or FlatGeobuf in any CRS, validated (every problem is
collected and reported at once, naming the file, the feature and the fix) and returned in EPSG:4326 with the
project's columns. Outputs are written to a temporary file in a hidden folder of the output folder
(:data:`TEMPORARY_FOLDER`) and renamed over the target, so an interrupted or failed write never leaves half a
file and never touches the inputs; what a killed run leaves there is swept by the next write into that folder.
A write that fails because of the disk or the folder (full, over quota, read-only, no permission) is an
:class:`OutputError` naming the file, and the previous file stays as it was.

Paths whose bytes are not UTF-8 (possible on Linux) work: GDAL, which needs UTF-8 paths, is given an ASCII
symbolic link to them (:func:`gdal_path`, and :func:`atomic_path` for outputs).

This module reads and normalises zones; reading files as they are lives in :mod:`geo._read`, writing in
:mod:`geo._write`, and both are used through the names below.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError

from . import _format as fmt
from . import _wkb
from ._errors import InputError
from ._read import (
    DBF_SAMPLE_BYTES,
    SHAPEFILE_ENCODINGS,
    SHAPEFILE_REQUIRED,
    SHAPEFILE_SIDECARS,
    VectorBuffers,
    gdal_path,
    glob_escape,
    guess_dbf_encoding,
    read_table,
    read_vector,
    read_vector_buffers,
    shorten,
    sidecar,
)
from ._validate import validate_zone_buffers, validate_zones
from ._wkb import Polygons
from ._write import (
    STALE_TEMPORARY_S,
    TEMPORARY_FOLDER,
    WRITE_FAULTS,
    OutputFile,
    OutputFolder,
    WrittenFile,
    atomic_path,
    output_file,
    output_folder,
    refuse_overwriting_inputs,
    sweep_temporary,
    write_bytes,
    write_error,
    write_stream,
    write_text,
)
from .schema import ZONE_FIELDS, ZONE_INPUT_DEFAULTS, long_names
from .settings import GEOGRAPHIC_CRS

__all__ = [
    "DBF_SAMPLE_BYTES",
    "SHAPEFILE_ENCODINGS",
    "SHAPEFILE_REQUIRED",
    "SHAPEFILE_SIDECARS",
    "STALE_TEMPORARY_S",
    "TEMPORARY_FOLDER",
    "WRITE_FAULTS",
    "OutputFile",
    "OutputFolder",
    "VectorBuffers",
    "WrittenFile",
    "ZoneBuffers",
    "atomic_path",
    "checked_crs",
    "gdal_path",
    "glob_escape",
    "guess_dbf_encoding",
    "output_file",
    "output_folder",
    "prepare_zone_buffers",
    "prepare_zones",
    "read_table",
    "read_vector",
    "read_vector_buffers",
    "read_zone_buffers",
    "read_zones",
    "refuse_overwriting_inputs",
    "sweep_temporary",
    "to_geographic",
    "write_bytes",
    "write_error",
    "write_stream",
    "write_text",
]

log = logging.getLogger(__name__)


def read_zones(
    path: str | os.PathLike,
    *,
    layer: str | None = None,
    id_field: str | None = None,
    name_field: str | None = None,
    assume_crs: str | None = None,
    fix: bool = False,
    encoding: str | None = None,
    belt_ids: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """Read, validate and normalise a zone file.

    Parameters
    ----------
    path
        GeoJSON, GeoPackage, Shapefile or FlatGeobuf (anything GDAL reads as polygons).
    layer
        Layer name inside a multi-layer source such as a GeoPackage.
    id_field, name_field
        Fields to use as ``zone_id`` and as the zone name (for example ``dan_id`` and ``dan_name`` in the
        national industrial-complex boundary export). Without them ``zone_id`` / ``name_ko`` are used, or
        the feature number and ``zone_id``.
    assume_crs
        CRS for a file that has none (for example a shapefile without a .prj). Ignored when it has one.
    fix
        Repair invalid geometry with ``make_valid`` (keeping the polygonal part) and log what changed.
    encoding
        Text encoding of the attributes; by default GDAL's, or for a shapefile without .cpg the first of
        :data:`SHAPEFILE_ENCODINGS` that decodes its .dbf.
    belt_ids
        Zone ids that form the belt; they get ``in_belt = True`` and every other zone ``False``. Without it
        the file's ``in_belt`` column is used, and a file without one has no belt.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per feature in EPSG:4326 (degrees; for storage and drawing, never for measuring) with the
        columns of :data:`geo.schema.ZONE_INPUT_DEFAULTS`, defaults filled for those the file lacks.

    Raises
    ------
    InputError
        Listing every problem found, one per line, each naming the file, the feature and the fix.
    """
    path = Path(path)
    frame = read_vector(path, layer=layer, encoding=encoding)
    zones = prepare_zones(
        frame,
        path,
        id_field=id_field,
        name_field=name_field,
        assume_crs=assume_crs,
        fix=fix,
        belt_ids=belt_ids,
    )
    log.info("read %d zones from %s (source CRS %s)", len(zones), path, frame.crs or assume_crs)
    return zones


def prepare_zones(
    frame: gpd.GeoDataFrame,
    source: str | os.PathLike = "zones",
    *,
    id_field: str | None = None,
    name_field: str | None = None,
    assume_crs: str | None = None,
    fix: bool = False,
    belt_ids: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """Normalise and validate zones already in memory, as :func:`read_zones` does for a file.

    ``source`` names the data in messages (a file name). Options as for :func:`read_zones`.
    """
    path = Path(source)
    frame = _normalised(frame, path, id_field=id_field, name_field=name_field, assume_crs=assume_crs, belt_ids=belt_ids)
    zones = validate_zones(frame, path.name, fix=fix)
    zones.attrs["source"] = path.name
    return zones


def _normalised(
    frame: gpd.GeoDataFrame,
    path: Path,
    *,
    id_field: str | None,
    name_field: str | None,
    assume_crs: str | None,
    belt_ids: list[str] | None,
) -> gpd.GeoDataFrame:
    """The project's columns, the belt and the CRS of ``frame``, before validation (:func:`prepare_zones`)."""
    frame = _normalise_columns(frame, path, id_field=id_field, name_field=name_field)
    if belt_ids is not None:
        unknown = sorted(set(belt_ids) - set(frame["zone_id"]))
        if unknown:
            known = ", ".join(fmt.message_text(z) for z in sorted(set(frame["zone_id"].dropna()))[:10])
            listed = ", ".join(fmt.message_text(z) for z in unknown)
            raise InputError(f"{path.name}: no zone {listed} for --belt; its zone ids include: {known}")
        frame["in_belt"] = frame["zone_id"].isin(belt_ids)
    return _resolve_crs(frame, path, assume_crs=assume_crs)


@dataclass(frozen=True)
class ZoneBuffers:
    """Zones read, normalised and validated as :func:`read_zones` does, with their geometry kept as arrays.

    ``zones`` has every column :func:`read_zones` gives, in EPSG:4326, but no geometry (None) until
    :meth:`with_geometry` builds it; ``polygons`` holds the rings of every feature, their vertices in EPSG:4326
    (:class:`geo._wkb.Polygons`), from which :func:`geo.area.buffer_area_table` measures them.
    """

    zones: gpd.GeoDataFrame
    polygons: Polygons

    def geometries(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The geometries (EPSG:4326) of ``rows`` (positions; all by default), the same :func:`read_zones` gives."""
        return _wkb.geometries(self.polygons, rows)

    def with_geometry(self, rows: np.ndarray | None = None) -> gpd.GeoDataFrame:
        """``zones`` with the geometry of ``rows`` (positions; all by default) built, None elsewhere."""
        values = np.full(len(self.zones), None, dtype=object)
        rows = np.arange(len(values)) if rows is None else np.unique(np.asarray(rows, dtype=np.int64))
        values[rows] = self.geometries(rows)
        zones = self.zones.set_geometry(gpd.GeoSeries(values, index=self.zones.index, crs=GEOGRAPHIC_CRS))
        zones.attrs = dict(self.zones.attrs)
        return zones


def read_zone_buffers(
    path: str | os.PathLike,
    *,
    layer: str | None = None,
    id_field: str | None = None,
    name_field: str | None = None,
    assume_crs: str | None = None,
    fix: bool = False,
    encoding: str | None = None,
    belt_ids: list[str] | None = None,
) -> ZoneBuffers | None:
    """:func:`read_zones` with the geometry kept as arrays (:class:`ZoneBuffers`), for measuring many zones.

    Returns None where the file is not read that way (:func:`geo._read.read_vector_buffers`) or a geometry
    might have a problem (:func:`geo._validate.validate_zone_buffers`): :func:`read_zones` then reads it and
    reports what is wrong, in the same words. Raises what :func:`read_zones` raises for the file, its layers,
    its fields, its CRS and its attributes.
    """
    path = Path(path)
    buffers = read_vector_buffers(path, layer=layer, encoding=encoding)
    if buffers is None:
        return None
    return prepare_zone_buffers(
        buffers, path, id_field=id_field, name_field=name_field, assume_crs=assume_crs, fix=fix, belt_ids=belt_ids
    )


def prepare_zone_buffers(
    buffers: VectorBuffers,
    source: str | os.PathLike,
    *,
    id_field: str | None = None,
    name_field: str | None = None,
    assume_crs: str | None = None,
    fix: bool = False,  # nothing to repair here: a feature that needs it is read by read_zones
    belt_ids: list[str] | None = None,
) -> ZoneBuffers | None:
    """:func:`prepare_zones` of a layer read as :class:`geo._read.VectorBuffers` (see :func:`read_zone_buffers`)."""
    path = Path(source)
    polygons = _wkb.read_polygons(buffers.wkb)
    if not polygons.read.all():
        return None
    frame = gpd.GeoDataFrame(
        buffers.frame, geometry=gpd.GeoSeries(np.full(len(buffers.frame), None), crs=buffers.crs), crs=buffers.crs
    )
    frame = _normalised(frame, path, id_field=id_field, name_field=name_field, assume_crs=assume_crs, belt_ids=belt_ids)
    checked = validate_zone_buffers(frame, polygons, path.name)
    if checked is None:
        return None
    zones, lonlat = checked
    zones.attrs["source"] = path.name
    log.info("read %d zones from %s as arrays (source CRS %s)", len(zones), path, frame.crs)
    return ZoneBuffers(zones, polygons._replace(coords=lonlat))


def _normalise_columns(
    frame: gpd.GeoDataFrame, path: Path, *, id_field: str | None, name_field: str | None
) -> gpd.GeoDataFrame:
    for option, field in (("--id-field", id_field), ("--name-field", name_field)):
        if field is not None and field not in frame.columns:
            fields = ", ".join(fmt.message_text(c) for c in frame.columns if c != "geometry") or "none"
            raise InputError(f"{path.name}: no field {fmt.quoted(field)} for {option}; its fields are: {fields}")
    frame = _with_long_names(frame.copy(deep=False))  # columns are replaced below, never written into
    if id_field is not None:
        frame["zone_id"] = frame[id_field]
    elif "zone_id" not in frame.columns:
        frame["zone_id"] = [f"zone-{i + 1}" for i in range(len(frame))]
    frame["zone_id"] = _as_ids(frame["zone_id"])
    if name_field is not None:
        names = _as_ids(frame[name_field])
        for language in ("name_ko", "name_en", "name_ja"):
            frame[language] = names
    for column in ("name_ko", "name_en", "name_ja", "part"):
        if column in frame.columns:
            frame[column] = _as_ids(frame[column])
    for column, default in ZONE_INPUT_DEFAULTS.items():
        if column not in frame.columns:
            frame[column] = frame["name_ko"] if column in {"name_en", "name_ja"} and "name_ko" in frame else default
    frame["name_ko"] = frame["name_ko"].where(frame["name_ko"].notna(), frame["zone_id"])
    for language in ("name_en", "name_ja"):
        frame[language] = frame[language].where(frame[language].notna(), frame["name_ko"])
    if "part" in frame:
        frame["part"] = frame["part"].where(frame["part"].notna(), frame["zone_id"])
    return frame


def _with_long_names(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Our own export's shapefile-safe field names (``quality``, ``offic_m2``…) back to the project's."""
    renames = {
        short: name
        for short, name in long_names(ZONE_FIELDS).items()
        if short in frame.columns and name not in frame.columns
    }
    return frame.rename(columns=renames) if renames else frame


def _resolve_crs(frame: gpd.GeoDataFrame, path: Path, *, assume_crs: str | None) -> gpd.GeoDataFrame:
    if frame.crs is None:
        if assume_crs is None:
            raise InputError(
                f"{path.name}: has no CRS{_missing_crs_reason(path)}; pass --assume-crs with the CRS it was made "
                "in, e.g. --assume-crs EPSG:5186"
            )
        crs = checked_crs(assume_crs, option="--assume-crs")
        log.info("%s has no CRS; assuming %s", path.name, crs.to_string())
        return frame.set_crs(crs)
    # An ESRI .prj often names a Korean CRS without the datum shift; use its EPSG definition when it is
    # clearly one, so that, for example, EPSG:5174 gets its Bessel-to-GRS80 transformation.
    crs = checked_crs(frame.crs, option=f"{path.name}: its CRS")
    if crs.to_epsg() is None:
        code = crs.to_epsg(min_confidence=70)
        if code is not None:
            log.info("%s: CRS %r identified as EPSG:%d", path.name, crs.name, code)
            frame = frame.set_crs(f"EPSG:{code}", allow_override=True)
    return frame


def _missing_crs_reason(path: Path) -> str:
    """Why a file has no CRS, in parentheses: for a shapefile, whether its .prj is absent or what is wrong with
    the one that is there."""
    if path.suffix.lower() != ".shp":
        return ""
    prj = sidecar(path, ".prj")
    if prj is None:
        return " (no .prj beside it)"
    try:
        text = prj.read_text(encoding="utf-8-sig", errors="replace").strip()
    except OSError as error:
        return f" ({prj.name} cannot be read: {error.strerror})"
    if not text:
        return f" ({prj.name} is empty)"
    try:
        CRS.from_user_input(text)
    except CRSError as error:
        return f" ({prj.name} is not a CRS GDAL or PROJ can read: {shorten(str(error), 80)}; starts {text[:30]!r})"
    return f" ({prj.name} is a CRS GDAL could not use)"


def checked_crs(value: object, *, option: str) -> CRS:
    """``value`` as a CRS that can be transformed to WGS84, or an InputError naming ``option`` and the fix."""
    try:
        crs = CRS.from_user_input(value)
    except CRSError:
        raise InputError(f"{option} {fmt.quoted(value)} is not a CRS; use a code such as EPSG:5186") from None
    try:
        Transformer.from_crs(crs, GEOGRAPHIC_CRS, always_xy=True)
    except ProjError as error:
        reason = shorten(str(error).split(":")[-1] if ":" in str(error) else str(error))
        raise InputError(
            f"{option} {fmt.quoted(crs.to_string())} cannot be transformed to WGS84 ({reason}); use e.g. EPSG:5186"
        ) from None
    return crs


def to_geographic(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy in EPSG:4326 (drawing and storage only)."""
    return frame.to_crs(GEOGRAPHIC_CRS)


def _as_ids(values: pd.Series) -> pd.Series:
    """:func:`_as_id` of every value, as an object column: a text column (almost every id column) in one
    pass, a numeric one once per distinct value, anything else value by value."""
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("string", "empty"):
        return values.astype(object).where(values.notna(), None)
    if kind in ("boolean", "integer", "floating"):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = np.array([*(_as_id(u) for u in uniques), None], dtype=object)
        return pd.Series(texts[codes], index=values.index, dtype=object)  # code -1 (missing) is the None
    return values.map(_as_id).astype(object)


def _as_id(value: object) -> str | None:
    """An id (or a name) as text, as written: ``"007"`` stays ``"007"``; an integer is its digits; a whole
    number read as a float (an integer column with a gap, or ``101.0``) loses its ``.0``; None when missing."""
    if _is_missing(value):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _is_missing(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float | np.floating) and np.isnan(value))
    )
