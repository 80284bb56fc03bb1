"""Reading and writing: the one place that touches files.

Zones are read from GeoJSON, GeoPackage, Shapefile or FlatGeobuf in any CRS, validated (every problem is
collected and reported at once, naming the file, the feature and the fix) and returned in EPSG:4326 with the
project's columns. Outputs are written to a temporary file beside the target and renamed over it, so an
interrupted or failed write never leaves half a file and never touches the inputs.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import os
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
import shapely.errors
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError

from ._errors import InputError, InputFileNotFoundError, OutputError
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
    frame = _read_vector(path, layer=layer, encoding=encoding)
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
            known = ", ".join(sorted(set(frame["zone_id"].dropna()))[:10])
            raise InputError(f"{path.name}: no zone {', '.join(unknown)} for --belt; its zone ids include: {known}")
        frame["in_belt"] = frame["zone_id"].isin(belt_ids)
    frame = _resolve_crs(frame, path, assume_crs=assume_crs)
    return validate_zones(frame, path.name, fix=fix)


def _read_vector(path: Path, *, layer: str | None, encoding: str | None) -> gpd.GeoDataFrame:
    if not path.exists():
        raise InputFileNotFoundError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; name a zone file (.geojson, .gpkg, .shp or .fgb)")
    if path.stat().st_size == 0:
        raise InputError(f"{path.name}: the file is empty (0 bytes); export the zones again")
    available = _layers(path)
    if layer is not None and layer not in available:
        raise InputError(f"{path.name}: no layer {layer!r}; pass --layer with one of: {', '.join(available)}")
    if layer is None and len(available) > 1:
        raise InputError(f"{path.name}: has {len(available)} layers; pass --layer with one of: {', '.join(available)}")
    if encoding is None and path.suffix.lower() == ".shp" and not path.with_suffix(".cpg").exists():
        encoding = guess_dbf_encoding(path.with_suffix(".dbf"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = pyogrio.read_dataframe(path, layer=layer, encoding=encoding)
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


def _layers(path: Path) -> list[str]:
    try:
        with warnings.catch_warnings():
            # GDAL reports a damaged file as warnings too; the error below says it once.
            warnings.simplefilter("ignore", RuntimeWarning)
            return [str(name) for name in pyogrio.list_layers(path)[:, 0]]
    except pyogrio.errors.DataSourceError as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(
            f"{path.name}: cannot be read as a vector file ({_shorten(detail)}); "
            "check that it is a complete GeoJSON, GeoPackage, Shapefile or FlatGeobuf"
        ) from None


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
    frame["zone_id"] = frame["zone_id"].map(_as_id)
    if name_field is not None:
        names = frame[name_field].astype("string")
        for language in ("name_ko", "name_en", "name_ja"):
            frame[language] = names
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
            hint = " (no .prj beside it)" if path.suffix.lower() == ".shp" else ""
            raise InputError(
                f"{path.name}: has no CRS{hint}; pass --assume-crs with the CRS it was made in, "
                "e.g. --assume-crs EPSG:5186"
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
    """Read one of the project's CSV tables (UTF-8, with or without BOM) as strings and numbers."""
    path = Path(path)
    if not path.exists():
        raise InputFileNotFoundError(f"{path}: no such file; check the path")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, na_values=[""], index_col=False)
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
    """Yield a temporary path beside ``target``; rename it over ``target`` only if the block succeeds.

    Raises
    ------
    OutputError
        If ``target`` is one of ``inputs``: an output never overwrites an input.
    """
    target = Path(target)
    refuse_overwriting_inputs(target, inputs)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"{target.parent}: is a file, not a folder; write the output into a folder") from None
    except OSError as error:
        raise OutputError(f"{target}: cannot be written ({error.strerror}); check the folder is writable") from None
    os.close(handle)
    temporary_path = Path(temporary)
    temporary_path.unlink()
    try:
        yield temporary_path
        os.replace(temporary_path, target)
    except OSError as error:
        raise OutputError(
            f"{target}: cannot be written ({error.strerror or error}); check the disk and folder"
        ) from None
    finally:
        if temporary_path.exists():
            temporary_path.unlink()
    log.info("wrote %s", target)


def write_text(target: str | os.PathLike, text: str, *, encoding: str = "utf-8", inputs: tuple[Path, ...] = ()) -> Path:
    """Write ``text`` to ``target`` atomically and return the path."""
    with atomic_path(target, inputs=inputs) as temporary:
        temporary.write_text(text, encoding=encoding, newline="")
    return Path(target)


def write_bytes(target: str | os.PathLike, data: bytes, *, inputs: tuple[Path, ...] = ()) -> Path:
    """Write ``data`` to ``target`` atomically and return the path."""
    with atomic_path(target, inputs=inputs) as temporary:
        temporary.write_bytes(data)
    return Path(target)


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
    """An id as text; a whole number read as a float (an integer column with a gap) loses its ``.0``."""
    if _is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
