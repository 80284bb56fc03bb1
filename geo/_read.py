"""Reading files as they are: vector layers (layer choice, shapefile parts, the encoding of a .dbf without
.cpg) and the project's CSV tables (every cell as text).

Paths whose bytes are not UTF-8 (possible on Linux) work: GDAL, which needs UTF-8 paths, is given an ASCII
symbolic link to them (:func:`gdal_path`). Large layers are read through Arrow where their text is UTF-8.
Normalising and validating zones is :mod:`geo.io`'s, which is also the public face of this module.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyogrio
import shapely
import shapely.errors

from . import _format as fmt
from ._errors import InputError, InputFileNotFoundError

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
#: Formats whose text is UTF-8 by definition, read through Arrow (about twice as fast for a large layer).
#: A shapefile's .dbf may be in any code page, so shapefiles, and any file read with an explicit encoding,
#: take GDAL's feature-by-feature reader.
ARROW_SUFFIXES: Final = frozenset({".gpkg", ".geojson", ".json", ".fgb"})


def read_vector(
    path: Path, *, layer: str | None = None, encoding: str | None = None, prefer_fields: tuple[str, ...] = ()
) -> gpd.GeoDataFrame:
    """A vector file as it is (its own CRS and fields), read as :func:`geo.io.read_zones` reads it, before any
    normalisation: the same checks, layer choice and encoding guess (CP949 shapefiles without .cpg)."""
    layer, encoding = _layer_to_read(path, layer=layer, encoding=encoding, prefer_fields=prefer_fields)
    try:
        with warnings.catch_warnings(), gdal_path(path) as readable:
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = _read_dataframe(readable, layer=layer, encoding=encoding)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(
            f"{path.name}: cannot be read as a vector file ({shorten(detail)}); "
            "check that it is a complete GeoJSON, GeoPackage, Shapefile or FlatGeobuf"
        ) from None
    except shapely.errors.GEOSException as error:
        raise InputError(
            f"{path.name}: a geometry cannot be built ({shorten(str(error))}); close every polygon ring "
            "(first point = last point, at least 4 points) in a GIS and export again"
        ) from None
    except LookupError:
        raise InputError(
            f"--encoding {fmt.quoted(encoding)} is not an encoding Python knows; use e.g. cp949 or utf-8"
        ) from None
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


@dataclass(frozen=True)
class VectorBuffers:
    """A layer as GDAL hands it to Arrow: the attributes as :func:`read_vector` gives them, the geometry as WKB."""

    #: The attributes, without geometry, as :func:`read_vector` reads them (same columns, types and index).
    frame: pd.DataFrame
    #: The geometry of each feature, ISO WKB (nulls for none).
    wkb: pa.Array | pa.ChunkedArray
    #: The layer's CRS as GDAL gives it (None when it has none).
    crs: str | None


def read_vector_buffers(
    path: Path, *, layer: str | None = None, encoding: str | None = None, prefer_fields: tuple[str, ...] = ()
) -> VectorBuffers | None:
    """The layer :func:`read_vector` would read, as Arrow buffers, with no geometry object built; or None when
    it is not read that way (a format whose text may be in any encoding, an encoding given, text that is not
    UTF-8, date or JSON fields, no geometry, no features, or a file GDAL cannot read), where
    :func:`read_vector` reads it, or says what is wrong.

    Raises the errors of :func:`read_vector` about the file and its layers.
    """
    layer, encoding = _layer_to_read(path, layer=layer, encoding=encoding, prefer_fields=prefer_fields)
    if encoding is not None or path.suffix.lower() not in ARROW_SUFFIXES:
        return None
    try:
        with warnings.catch_warnings(), gdal_path(path) as readable:
            warnings.simplefilter("ignore", RuntimeWarning)
            meta, table = pyogrio.read_arrow(readable, layer=layer, datetime_as_string=True)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, UnicodeDecodeError, pa.ArrowException):
        return None  # read_vector reads it feature by feature, or says what is wrong with it
    geometry = meta["geometry_name"] or "wkb_geometry"
    unusual = any(str(kind).startswith("datetime") for kind in meta["dtypes"] if kind is not None) or any(
        subtype == "OFSTJSON" for subtype in meta["ogr_subtypes"]
    )
    if unusual or geometry not in table.column_names or table.num_rows == 0:
        return None
    wkb = table.column(geometry)
    attributes = table.drop_columns([geometry])
    try:
        # As pyogrio's read_dataframe converts them (the geometry column dropped first).
        frame = (
            attributes.to_pandas(self_destruct=True)
            if attributes.num_columns
            else pd.DataFrame(index=pd.RangeIndex(table.num_rows))
        )
    except (UnicodeDecodeError, pa.ArrowException):
        return None
    if not _valid_text(frame):
        return None
    return VectorBuffers(frame, wkb, meta["crs"])


def _layer_to_read(
    path: Path, *, layer: str | None, encoding: str | None, prefer_fields: tuple[str, ...]
) -> tuple[str | None, str | None]:
    """The layer of ``path`` to read and the encoding of its text (None: GDAL's), after the checks of
    :func:`read_vector` on the file and its layers."""
    if not path.exists():
        raise InputFileNotFoundError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; name a zone file (.geojson, .gpkg, .shp or .fgb)")
    if path.stat().st_size == 0:
        raise InputError(f"{path.name}: the file is empty (0 bytes); export the zones again")
    if path.suffix.lower() == ".shp":
        require_shapefile_parts(path)
    available, spatial = _layers(path)
    if layer is not None and layer not in available:
        raise InputError(f"{path.name}: no layer {fmt.quoted(layer)}; pass --layer with one of: {_listed(available)}")
    if layer is None and len(available) > 1 and len(spatial) > 1 and prefer_fields:
        # Several geometry layers, one of them with every field the caller looks for: that one.
        having = [name for name in spatial if _has_fields(path, name, prefer_fields)]
        if len(having) == 1:
            layer = having[0]
            log.info("%s: read layer %s, the one with fields %s", path.name, layer, ", ".join(prefer_fields))
    if layer is None and len(available) > 1:
        # Attribute tables beside one geometry layer (a fetch's record, an audit table) leave no doubt.
        if len(spatial) != 1:
            choices = _listed(spatial or available)
            raise InputError(
                f"{path.name}: has {len(spatial or available)} layers; pass --layer with one of: {choices}"
            )
        layer = spatial[0]
    if encoding is None and path.suffix.lower() == ".shp" and sidecar(path, ".cpg") is None:
        encoding = guess_dbf_encoding(sidecar(path, ".dbf") or path.with_suffix(".dbf"))
    return layer, encoding


def _read_dataframe(path: Path, *, layer: str | None, encoding: str | None) -> gpd.GeoDataFrame:
    """The layer through Arrow when its format is UTF-8 (:data:`ARROW_SUFFIXES`), else feature by feature.

    Arrow keeps text as the bytes GDAL gives, so a file that says it is UTF-8 but is not would fail only when
    a value is read; such a file is read again feature by feature, which reports what is wrong with it.
    """
    if encoding is None and path.suffix.lower() in ARROW_SUFFIXES:
        try:
            frame = pyogrio.read_dataframe(path, layer=layer, use_arrow=True)
        except pyogrio.errors.DataSourceError as error:
            if not isinstance(error.__cause__, UnicodeDecodeError):
                raise
        except UnicodeDecodeError:
            pass
        else:
            if _valid_text(frame):
                return frame
    return pyogrio.read_dataframe(path, layer=layer, encoding=encoding)


def _valid_text(frame: pd.DataFrame) -> bool:
    """True when every text column of ``frame`` holds valid UTF-8."""
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.StringDtype):
            try:
                pa.array(frame[name]).validate(full=True)
            except pa.ArrowInvalid:
                return False
    return True


def _has_fields(path: Path, layer: str, fields: tuple[str, ...]) -> bool:
    """Whether ``layer`` of ``path`` has every one of ``fields`` (in any case)."""
    with warnings.catch_warnings(), gdal_path(path) as readable:
        warnings.simplefilter("ignore", RuntimeWarning)
        names = {str(f).casefold() for f in pyogrio.read_info(readable, layer=layer)["fields"]}
    return all(field.casefold() in names for field in fields)


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
            f"{path.name}: cannot be read as a vector file ({shorten(detail)}); "
            "check that it is a complete GeoJSON, GeoPackage, Shapefile or FlatGeobuf"
        ) from None


def sidecar(shapefile: Path, suffix: str) -> Path | None:
    """The file beside ``shapefile`` with ``suffix`` in either case (``.dbf`` or ``.DBF``), or None."""
    for candidate in (suffix, suffix.upper()):
        path = shapefile.with_suffix(candidate)
        if path.is_file():
            return path
    return None


def require_shapefile_parts(path: Path) -> None:
    """InputError naming the missing files of a shapefile (:data:`SHAPEFILE_REQUIRED`)."""
    missing = [path.with_suffix(suffix).name for suffix in SHAPEFILE_REQUIRED if sidecar(path, suffix) is None]
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
    if is_utf8(str(path)):
        yield path
        return
    folder = Path(tempfile.mkdtemp(prefix="triangle-belt-"))
    try:
        stem = "input"
        siblings = [p for p in path.parent.glob(glob_escape(path.stem) + ".*") if p.stem == path.stem] or [path]
        for sibling in siblings:
            os.symlink(sibling.resolve(), folder / (stem + ascii_suffix(sibling)))
        yield folder / (stem + ascii_suffix(path))
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


def is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def ascii_suffix(path: Path) -> str:
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
            f"{path.name}: is not a UTF-8 CSV table ({shorten(str(error))}); save it as UTF-8 CSV"
        ) from None


def _listed(names: list[str]) -> str:
    """Layer or field names for a message, each shortened (:func:`geo._format.message_text`)."""
    return ", ".join(fmt.message_text(name) for name in names) or "none"


def shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
