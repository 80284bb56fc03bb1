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
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import logging
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
import shapely.errors
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError

from . import _format as fmt
from ._errors import InputError, InputFileNotFoundError, OutputError, TriangleBeltError
from ._validate import validate_zones
from .schema import ZONE_FIELDS, ZONE_INPUT_DEFAULTS, long_names
from .settings import GEOGRAPHIC_CRS

log = logging.getLogger(__name__)

#: Encodings tried, in order, for a shapefile's .dbf that has no .cpg: Korean files are UTF-8 or CP949
#: (a superset of EUC-KR).
SHAPEFILE_ENCODINGS: tuple[str, ...] = ("utf-8", "cp949")
#: Bytes of a .dbf's records sampled to guess its encoding (the whole file may be gigabytes).
DBF_SAMPLE_BYTES: int = 1 << 20
#: Files that belong to a shapefile: writing any of them would damage it.
SHAPEFILE_SIDECARS: frozenset[str] = frozenset(
    {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd", ".xml", ".shp.xml"}
)
#: Files a shapefile cannot be read without: the index (.shx) and the attributes (.dbf). Without a .dbf GDAL
#: reads the shapes and silently drops every attribute.
SHAPEFILE_REQUIRED: Final = (".shx", ".dbf")
#: Hidden folder, inside each output folder, that holds the files being written until they are renamed.
TEMPORARY_FOLDER: Final = ".triangle-belt-tmp"
#: A temporary file or folder older than this (seconds) is swept even if the process that made it still runs.
STALE_TEMPORARY_S: Final = 24 * 3600
#: A temporary file's name: ``<pid>-<token><suffix>``, so a sweep knows whose it is.
_TEMPORARY_NAME: Final = re.compile(r"^(\d+)-[0-9a-f]+")
#: The hidden ``.<name>.<8 random characters><suffix>`` files that version 0.1.0 wrote beside each output
#: (``tempfile.mkstemp``); swept once older than :data:`_OLD_TEMPORARY_AGE_S`, as no write takes that long.
_OLD_TEMPORARY_NAME: Final = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}(?P<suffix>\.[^.]+)?$")
_OLD_TEMPORARY_AGE_S: Final = 3600
#: Write failures that are the disk's or the folder's fault, by errno, with the fix (the reason is the
#: system's wording, :func:`os.strerror`).
WRITE_FAULTS: Final = {
    errno.ENOSPC: "free some space or pass --out a folder on another disk",
    errno.EDQUOT: "free some space or pass --out a folder on another disk",
    errno.EFBIG: "pass --out a folder on another disk",
    errno.EROFS: "pass --out a folder on a writable disk",
    errno.EACCES: "pass --out a folder you can write to",
    errno.EPERM: "pass --out a folder you can write to",
}
#: How GDAL and SQLite word those faults (they raise their own exception types, without an errno).
_WRITE_FAULT_TEXTS: Final = (
    ("no space left", errno.ENOSPC),
    ("disk is full", errno.ENOSPC),
    ("disk full", errno.ENOSPC),
    ("quota exceeded", errno.EDQUOT),
    ("file too large", errno.EFBIG),
    ("read-only file system", errno.EROFS),
    ("readonly database", errno.EROFS),
    ("permission denied", errno.EACCES),
)


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
    frame = _normalise_columns(frame, path, id_field=id_field, name_field=name_field)
    if belt_ids is not None:
        unknown = sorted(set(belt_ids) - set(frame["zone_id"]))
        if unknown:
            known = ", ".join(fmt.message_text(z) for z in sorted(set(frame["zone_id"].dropna()))[:10])
            listed = ", ".join(fmt.message_text(z) for z in unknown)
            raise InputError(f"{path.name}: no zone {listed} for --belt; its zone ids include: {known}")
        frame["in_belt"] = frame["zone_id"].isin(belt_ids)
    frame = _resolve_crs(frame, path, assume_crs=assume_crs)
    zones = validate_zones(frame, path.name, fix=fix)
    zones.attrs["source"] = path.name
    return zones


def read_vector(path: Path, *, layer: str | None = None, encoding: str | None = None) -> gpd.GeoDataFrame:
    """A vector file as it is (its own CRS and fields), read as :func:`read_zones` reads it, before any
    normalisation: the same checks, layer choice and encoding guess (CP949 shapefiles without .cpg)."""
    if not path.exists():
        raise InputFileNotFoundError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; name a zone file (.geojson, .gpkg, .shp or .fgb)")
    if path.stat().st_size == 0:
        raise InputError(f"{path.name}: the file is empty (0 bytes); export the zones again")
    if path.suffix.lower() == ".shp":
        _require_shapefile_parts(path)
    available, spatial = _layers(path)
    if layer is not None and layer not in available:
        raise InputError(f"{path.name}: no layer {layer!r}; pass --layer with one of: {', '.join(available)}")
    if layer is None and len(available) > 1:
        # Attribute tables beside one geometry layer (a fetch's record, an audit table) leave no doubt.
        if len(spatial) != 1:
            choices = ", ".join(spatial or available)
            raise InputError(
                f"{path.name}: has {len(spatial or available)} layers; pass --layer with one of: {choices}"
            )
        layer = spatial[0]
    if encoding is None and path.suffix.lower() == ".shp" and _sidecar(path, ".cpg") is None:
        encoding = guess_dbf_encoding(_sidecar(path, ".dbf") or path.with_suffix(".dbf"))
    try:
        with warnings.catch_warnings(), gdal_path(path) as readable:
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = pyogrio.read_dataframe(readable, layer=layer, encoding=encoding)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(
            f"{path.name}: cannot be read as a vector file ({_shorten(detail)}); "
            "check that it is a complete GeoJSON, GeoPackage, Shapefile or FlatGeobuf"
        ) from None
    except shapely.errors.GEOSException as error:
        raise InputError(
            f"{path.name}: a geometry cannot be built ({_shorten(str(error))}); close every polygon ring "
            "(first point = last point, at least 4 points) in a GIS and export again"
        ) from None
    except LookupError:
        raise InputError(f"--encoding {encoding!r} is not an encoding Python knows; use e.g. cp949 or utf-8") from None
    except UnicodeDecodeError:
        raise InputError(
            f"{path.name}: its text is not in {encoding or 'the declared encoding'}; pass --encoding cp949 "
            "or --encoding utf-8"
        ) from None
    if not isinstance(frame, gpd.GeoDataFrame) or "geometry" not in frame:
        raise InputError(f"{path.name}: has no geometry column; zones must be polygons")
    if len(frame) == 0:
        raise InputError(f"{path.name}: has no features; export the zones again or pick another --layer")
    return frame


def _layers(path: Path) -> tuple[list[str], list[str]]:
    """The file's layers, and those of them that have geometry."""
    try:
        with warnings.catch_warnings(), gdal_path(path) as readable:
            # GDAL reports a damaged file as warnings too; the error below says it once.
            warnings.simplefilter("ignore", RuntimeWarning)
            listed = pyogrio.list_layers(readable)
        return [str(n) for n in listed[:, 0]], [str(n) for n, kind in listed if kind is not None]
    except pyogrio.errors.DataSourceError as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(
            f"{path.name}: cannot be read as a vector file ({_shorten(detail)}); "
            "check that it is a complete GeoJSON, GeoPackage, Shapefile or FlatGeobuf"
        ) from None


def _sidecar(shapefile: Path, suffix: str) -> Path | None:
    """The file beside ``shapefile`` with ``suffix`` in either case (``.dbf`` or ``.DBF``), or None."""
    for candidate in (suffix, suffix.upper()):
        path = shapefile.with_suffix(candidate)
        if path.is_file():
            return path
    return None


def _require_shapefile_parts(path: Path) -> None:
    """InputError naming the missing files of a shapefile (:data:`SHAPEFILE_REQUIRED`)."""
    missing = [path.with_suffix(suffix).name for suffix in SHAPEFILE_REQUIRED if _sidecar(path, suffix) is None]
    if missing:
        what = {".shx": "its shape index", ".dbf": "its attributes"}
        parts = ", ".join(f"{name} ({what[Path(name).suffix.lower()]})" for name in missing)
        raise InputError(
            f"{path.name}: {parts} {'is' if len(missing) == 1 else 'are'} missing beside it; a shapefile is "
            "several files: copy all of them (.shp, .shx, .dbf, .prj, .cpg) into the same folder"
        )


@contextlib.contextmanager
def gdal_path(path: Path) -> Iterator[Path]:
    """``path``, or for a path whose bytes are not UTF-8 (which GDAL cannot be given) an ASCII symbolic link
    to it in a temporary folder, with links to a shapefile's other files beside it.

    Raises
    ------
    InputError
        If such a path cannot be linked (a file system without symbolic links).
    """
    if _utf8(str(path)):
        yield path
        return
    folder = Path(tempfile.mkdtemp(prefix="triangle-belt-"))
    try:
        stem = "input"
        siblings = [p for p in path.parent.glob(glob_escape(path.stem) + ".*") if p.stem == path.stem] or [path]
        for sibling in siblings:
            os.symlink(sibling.resolve(), folder / (stem + _ascii_suffix(sibling)))
        yield folder / (stem + _ascii_suffix(path))
    except OSError as error:
        raise InputError(
            f"{path}: its name is not UTF-8 and cannot be linked to one ({error.strerror}); rename the file or "
            "folder with UTF-8 characters"
        ) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def glob_escape(text: str) -> str:
    """``text`` with the characters :meth:`pathlib.Path.glob` interprets (``*?[``) escaped."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _ascii_suffix(path: Path) -> str:
    """``path``'s suffix if it is plain ASCII (GDAL picks drivers by it), else none."""
    suffix = path.suffix
    return suffix if suffix.isascii() and suffix.isprintable() and "/" not in suffix else ""


def guess_dbf_encoding(dbf: Path) -> str | None:
    """UTF-8 or CP949 for a .dbf without .cpg, from a sample of its records; None (GDAL's choice) for ASCII."""
    if not dbf.exists():
        return None
    with dbf.open("rb") as handle:
        header = handle.read(32)
        header_length = int.from_bytes(header[8:10], "little") if len(header) >= 10 else 0
        handle.seek(header_length)
        sample = handle.read(DBF_SAMPLE_BYTES)
    if sample.isascii():
        return None
    for candidate in SHAPEFILE_ENCODINGS:
        try:
            codecs.getincrementaldecoder(candidate)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        log.info("%s has no .cpg; its text decodes as %s", dbf.with_suffix(".shp").name, candidate)
        return candidate
    return None


def _normalise_columns(
    frame: gpd.GeoDataFrame, path: Path, *, id_field: str | None, name_field: str | None
) -> gpd.GeoDataFrame:
    for option, field in (("--id-field", id_field), ("--name-field", name_field)):
        if field is not None and field not in frame.columns:
            fields = ", ".join(str(c) for c in frame.columns if c != "geometry") or "none"
            raise InputError(f"{path.name}: no field {field!r} for {option}; its fields are: {fields}")
    frame = frame.copy()
    frame = _with_long_names(frame)
    if id_field is not None:
        frame["zone_id"] = frame[id_field]
    elif "zone_id" not in frame.columns:
        frame["zone_id"] = [f"zone-{i + 1}" for i in range(len(frame))]
    frame["zone_id"] = frame["zone_id"].map(_as_id).astype(object)
    if name_field is not None:
        names = frame[name_field].map(_as_id).astype(object)
        for language in ("name_ko", "name_en", "name_ja"):
            frame[language] = names
    for column in ("name_ko", "name_en", "name_ja", "part"):
        if column in frame.columns:
            frame[column] = frame[column].map(_as_id).astype(object)
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
    prj = _sidecar(path, ".prj")
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
        return f" ({prj.name} is not a CRS GDAL or PROJ can read: {_shorten(str(error), 80)}; starts {text[:30]!r})"
    return f" ({prj.name} is a CRS GDAL could not use)"


def checked_crs(value: object, *, option: str) -> CRS:
    """``value`` as a CRS that can be transformed to WGS84, or an InputError naming ``option`` and the fix."""
    try:
        crs = CRS.from_user_input(value)
    except CRSError:
        raise InputError(f"{option} {value!r} is not a CRS; use a code such as EPSG:5186") from None
    try:
        Transformer.from_crs(crs, GEOGRAPHIC_CRS, always_xy=True)
    except ProjError as error:
        reason = _shorten(str(error).split(":")[-1] if ":" in str(error) else str(error))
        raise InputError(
            f"{option} {crs.to_string()!r} cannot be transformed to WGS84 ({reason}); use e.g. EPSG:5186"
        ) from None
    return crs


def to_geographic(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy in EPSG:4326 (drawing and storage only)."""
    return frame.to_crs(GEOGRAPHIC_CRS)


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read one of the project's CSV tables (UTF-8, with or without BOM) with every cell as text.

    Nothing is inferred: an id ``007`` stays ``"007"``, ``101`` stays ``"101"``, and an empty cell is
    missing (NaN). Each loader converts its own numeric columns and reports the cells that are not numbers.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileNotFoundError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; name a CSV file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                path,
                encoding="utf-8-sig",
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                index_col=False,
            ).astype(object)
    except pd.errors.ParserWarning:
        raise InputError(
            f"{path.name}: a row has more fields than the header; quote text that contains commas"
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path.name}: is empty; it needs a header row and one row per entry") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputError(
            f"{path.name}: is not a UTF-8 CSV table ({_shorten(str(error))}); save it as UTF-8 CSV"
        ) from None


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, *, inputs: tuple[Path, ...] = ()) -> Iterator[Path]:
    """Yield a temporary path for ``target``; rename it over ``target`` only if the block succeeds.

    The temporary file is ``<pid>-<token><suffix>`` in :data:`TEMPORARY_FOLDER` inside ``target``'s folder
    (the same disk, so the rename is atomic; hidden, and never named like an output). Before each write the
    folder is swept of what earlier runs left there when they were killed (entries of processes that no
    longer run, or older than :data:`STALE_TEMPORARY_S`), and it is removed once empty. If the folder's path
    is not UTF-8, the path yielded goes through an ASCII symbolic link, so GDAL can write it.

    Raises
    ------
    OutputError
        If ``target`` is one of ``inputs`` (an output never overwrites an input), or if it cannot be written
        because of the disk or the folder (full, over quota, read-only, no permission; see
        :data:`WRITE_FAULTS`). The previous ``target`` is then unchanged.
    """
    target = Path(target)
    refuse_overwriting_inputs(target, inputs)
    folder = target.parent / TEMPORARY_FOLDER
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(exist_ok=True)
        sweep_temporary(target.parent)
        temporary = folder / f"{os.getpid()}-{secrets.token_hex(8)}{_ascii_suffix(target)}"
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"{target.parent}: is a file, not a folder; write the output into a folder") from None
    except OSError as error:
        raise write_error(target, error) from None
    try:
        with _writable_by_gdal(temporary) as yielded:
            yield yielded
        os.replace(temporary, target)
    except TriangleBeltError:
        raise
    except Exception as error:
        fault = write_error(target, error)
        if fault is None:
            raise
        raise fault from None
    finally:
        _remove_temporary(temporary)
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty: another write may be using it
    log.info("wrote %s", target)


@contextlib.contextmanager
def _writable_by_gdal(temporary: Path) -> Iterator[Path]:
    """``temporary``, or through an ASCII symbolic link to its folder when that folder's path is not UTF-8."""
    if _utf8(str(temporary)):
        yield temporary
        return
    links = Path(tempfile.mkdtemp(prefix="triangle-belt-"))
    try:
        try:
            os.symlink(temporary.parent.resolve(), links / "out", target_is_directory=True)
        except OSError:
            yield temporary  # a Python writer still works; GDAL's error is reported by write_error
            return
        yield links / "out" / temporary.name
    finally:
        shutil.rmtree(links, ignore_errors=True)


def write_error(target: Path, error: BaseException) -> OutputError | None:
    """The one-line :class:`OutputError` for a failed write of ``target``, or None when the failure is not the
    disk's or the folder's (a fault of the program, to be raised as it is).

    The fault is found from the errno of an :class:`OSError` anywhere in the exception's chain, else from the
    words GDAL and SQLite use (:data:`_WRITE_FAULT_TEXTS`), else, for a GDAL or SQLite error, from the disk
    itself being full.
    """
    code = _fault_errno(target, error)
    if code in WRITE_FAULTS:
        return OutputError(
            f"{target}: cannot be written ({os.strerror(code)}); {WRITE_FAULTS[code]}; the previous file is unchanged"
        )
    if isinstance(error, UnicodeEncodeError) and not _utf8(str(target.parent.resolve())):
        return OutputError(
            f"{target}: its folder's name is not UTF-8 and GDAL cannot write there; pass --out a folder whose "
            "name is UTF-8"
        )
    if isinstance(error, OSError):
        reason = error.strerror or str(error) or type(error).__name__
        return OutputError(f"{target}: cannot be written ({_shorten(reason)}); check the disk and the folder")
    return None


def _fault_errno(target: Path, error: BaseException) -> int | None:
    """The errno of a write fault (:data:`WRITE_FAULTS`) behind ``error``, or None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in WRITE_FAULTS:
            return current.errno
        current = current.__cause__ or current.__context__
    if not _is_library_error(error):
        return None
    text = str(error).lower()
    for words, code in _WRITE_FAULT_TEXTS:
        if words in text:
            return code
    with contextlib.suppress(OSError):
        if shutil.disk_usage(target.parent).free == 0:
            return errno.ENOSPC
    return None


def _is_library_error(error: BaseException) -> bool:
    """An error of GDAL (pyogrio, rasterio) or SQLite, the writers that do not raise OSError for the disk."""
    if isinstance(error, sqlite3.Error | pyogrio.errors.DataSourceError | pyogrio.errors.DataLayerError):
        return True
    module = type(error).__module__ or ""
    return module.startswith(("pyogrio", "rasterio", "fiona", "sqlite3"))


def sweep_temporary(folder: Path) -> list[Path]:
    """Remove what killed runs left in ``folder``'s :data:`TEMPORARY_FOLDER` (entries of processes that no
    longer run, or older than :data:`STALE_TEMPORARY_S`) and the hidden ``.<name>.<random>`` files the
    earlier scheme left beside outputs; return what was removed."""
    removed = []
    temporary_folder = folder / TEMPORARY_FOLDER
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in temporary_folder.iterdir():
            match = _TEMPORARY_NAME.match(entry.name)
            try:
                stale = now - entry.lstat().st_mtime > STALE_TEMPORARY_S
            except OSError:
                continue
            if match is None or stale or not _running(int(match.group(1))):
                _remove_temporary(entry)
                removed.append(entry)
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            match = _OLD_TEMPORARY_NAME.match(entry.name)
            old = match is not None and Path(match.group("name")).suffix == (match.group("suffix") or "")
            if old and entry.is_file() and now - entry.stat().st_mtime > _OLD_TEMPORARY_AGE_S:
                _remove_temporary(entry)
                removed.append(entry)
    if removed:
        log.info("removed %d files left in %s by interrupted runs", len(removed), folder)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _remove_temporary(path: Path) -> None:
    """Remove a temporary file, its sidecars (``-journal``, ``.aux.xml``…) or a temporary folder; ignore errors."""
    with contextlib.suppress(OSError):
        for entry in path.parent.glob(glob_escape(path.name) + "*"):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def write_text(target: str | os.PathLike, text: str, *, encoding: str = "utf-8", inputs: tuple[Path, ...] = ()) -> Path:
    """Write ``text`` to ``target`` atomically and return the path (characters ``encoding`` cannot hold, such as
    lone surrogates, as backslash escapes)."""
    return write_bytes(target, text.encode(encoding, errors="backslashreplace"), inputs=inputs)


def write_bytes(target: str | os.PathLike, data: bytes, *, inputs: tuple[Path, ...] = ()) -> Path:
    """Write ``data`` to ``target`` atomically (flushed to the disk before the rename) and return the path."""
    with atomic_path(target, inputs=inputs) as temporary:
        _write_file(temporary, data)
    return Path(target)


def _write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file with :func:`os.write` (a short write is continued) and :func:`os.fsync` it."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def refuse_overwriting_inputs(target: Path, inputs: tuple[Path, ...]) -> None:
    """Raise OutputError if ``target`` is the same file as any of ``inputs`` (or a shapefile sidecar of one)."""
    resolved = target.resolve()
    for source in inputs:
        source = Path(source).resolve()
        sidecar = (
            source.suffix.lower() == ".shp"
            and resolved.with_suffix("") == source.with_suffix("")
            and resolved.suffix.lower() in SHAPEFILE_SIDECARS
        )
        if resolved == source or sidecar:
            raise OutputError(f"{target}: is one of the inputs; write the output somewhere else (--out)")


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


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
