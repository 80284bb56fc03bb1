"""Export the zones, the belt, the context and the audit for GIS work: GeoPackage, GeoJSON and CSV.

The GeoPackage opens styled and documented in QGIS: one layer per kind of feature (zone parts, zones, the
belt, legal-dong/ri boundaries, the border, site-selection points), the audit as non-spatial ``attributes``
tables, a QGIS style per layer in ``layer_styles`` (the HTML maps' colours, labels in the chosen language,
dashed outlines for schematic geometry), each layer's title and description in ``gpkg_contents``, column
titles in ``gpkg_data_columns`` and provenance in ``gpkg_metadata``.

Field names are at most 10 characters (``area_m2``, ``area_ha``, ``area_py``, ``area5186``), so they survive
a trip through a shapefile; their full meaning is in the QML aliases and ``gpkg_data_columns``.

The same inputs give a byte-identical file: every timestamp is the build date (``SOURCE_DATE_EPOCH`` if set,
else the modification time of the newest input file), rows and tables are written in a fixed order. Every
file is written to a temporary name and renamed, and never over an input.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import geopandas as gpd
from pyproj import CRS
from pyproj.exceptions import CRSError

from .. import _format as fmt
from .. import i18n, io, report
from .._errors import InputError
from ..audit import AuditResult
from ..io import OutputFile
from ..schema import GeometryQuality
from ..settings import COORDINATE_DECIMALS, DEFAULT_LANGUAGE, GEOGRAPHIC_CRS, PLANAR_CRS, TOOL_NAME, tool_version
from ._gpkg import TIMESTAMP_FORMAT, Table, write_geopackage
from ._tables import check_projectable, sources, warn_outside_area_of_use
from .audit_tables import audit_tables
from .context_tables import context_tables, points_table
from .zone_tables import belt_tables, fez_districts_table, zone_attributes, zone_tables

log = logging.getLogger(__name__)

#: File names ``build`` writes into its output folder.
GEOPACKAGE_NAME: Final = "triangle_belt.gpkg"
GEOJSON_NAME: Final = "triangle_belt.geojson"
#: CRS of the GeoPackage's layers unless another is asked for (Korean practice).
DEFAULT_EXPORT_CRS: Final = PLANAR_CRS
#: The dataset title in the GeoPackage's provenance unless ``title`` is given.
DEFAULT_TITLE: Final = "Gwangju future-vehicle triangle belt: zones, belt and area audit"


def output_files() -> tuple[str, ...]:
    """Names of the files the build's export step writes into the output folder."""
    return (GEOPACKAGE_NAME, GEOJSON_NAME)


def output_crs(value: str | CRS | None) -> CRS:
    """The CRS the layers are written in: ``value`` checked, or EPSG:5186 when None.

    Raises
    ------
    InputError
        If ``value`` is not a CRS or not a two-dimensional map CRS (geographic or projected).
    """
    if value is None:
        return CRS.from_user_input(DEFAULT_EXPORT_CRS)
    try:
        crs = CRS.from_user_input(value)
    except CRSError:
        raise InputError(
            f"--crs {fmt.quoted(value)} is not a CRS; use an EPSG code such as EPSG:5186 (the default) or EPSG:4326"
        ) from None
    io.checked_crs(crs, option="--crs")
    if not (crs.is_projected or crs.is_geographic) or len(crs.axis_info) != 2:
        raise InputError(
            f"--crs {fmt.message_text(value)}: {fmt.message_text(crs.name)} is not a two-dimensional map CRS; use a "
            "projected or geographic one, "
            "e.g. EPSG:5186"
        )
    return crs


def build_timestamp(inputs: Sequence[str | os.PathLike] = ()) -> tuple[datetime, str]:
    """The build date written into exports, and where it came from.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds convention) if set, else the
    modification time of the newest of ``inputs``, else the current time. Whole seconds, UTC.

    Raises
    ------
    InputError
        If ``SOURCE_DATE_EPOCH`` is set but is not a whole number of seconds.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            seconds = int(epoch)
        except ValueError:
            raise InputError(
                f"SOURCE_DATE_EPOCH={fmt.quoted(epoch)} is not a whole number of seconds; unset it or use e.g. "
                "1700000000"
            ) from None
        return datetime.fromtimestamp(seconds, UTC), "SOURCE_DATE_EPOCH"
    existing = [Path(p) for p in inputs if Path(p).exists()]
    if existing:
        newest = max(existing, key=lambda p: p.stat().st_mtime)
        stamp = datetime.fromtimestamp(int(newest.stat().st_mtime), UTC)
        return stamp, f"modification time of the newest input ({newest.name})"
    return datetime.now(UTC).replace(microsecond=0), "time of export (no inputs named)"


def geopackage_tables(
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    points: gpd.GeoDataFrame | None = None,
    context: gpd.GeoDataFrame | None = None,
    fez: gpd.GeoDataFrame | None = None,
    crs: str | CRS | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> list[Table]:
    """The tables of the GeoPackage, in order, with their styles, titles and provenance (no I/O).

    Parameters
    ----------
    zones
        Zone parts as :func:`geo.load_zones` returns them, any CRS.
    audit
        :func:`geo.run_audit` of ``zones``; its per-feature areas are reused, not measured again.
    points, context
        Site-selection points and context boundaries; their layers are left out when None.
    fez
        The Gwangju Free Economic Zone districts (:func:`geo.fez.load_fez_districts`), written as the
        ``fez_districts`` layer after the belt's; left out when None.
    crs
        CRS of the layers (default EPSG:5186). Areas are ellipsoidal (GRS80) whatever it is, with the planar
        EPSG:5186 area beside them.
    language
        One of :data:`geo.settings.LANGUAGES`: labels, legend entries and layer titles.

    Returns
    -------
    list of geo._gpkg.Table
    """
    i18n.check_language(language)
    target = output_crs(crs)
    warn_outside_area_of_use(target)
    audited, ids = audit.zones["feature_id"].to_numpy(dtype=object), zones["feature_id"].to_numpy(dtype=object)
    if len(audited) != len(ids) or not (audited == ids).all():
        raise ValueError("the audit result does not belong to these zones; run geo.run_audit(zones, claims) first")
    tables = zone_tables(zones, audit, target, language)
    if audit.belt["members"]:
        tables += belt_tables(zones, audit, target, language)
    else:
        log.info("no belt layer: no zone is in the belt (name them with --belt)")
    if fez is not None:
        tables.append(fez_districts_table(fez, target, language))
    if context is not None:
        tables += context_tables(context, target, language)
    if points is not None:
        tables.append(points_table(points, target, language))
    tables += audit_tables(audit, language)
    for table in tables:
        check_projectable(table, target)
    return tables


def export_geopackage(
    path: OutputFile | str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    points: gpd.GeoDataFrame | None = None,
    context: gpd.GeoDataFrame | None = None,
    fez: gpd.GeoDataFrame | None = None,
    crs: str | CRS | None = None,
    language: str = DEFAULT_LANGUAGE,
    timestamp: datetime | None = None,
    title: str | None = None,
) -> Path:
    """Write the styled, documented GeoPackage to ``path`` atomically and return the path.

    Parameters
    ----------
    path
        Target ``.gpkg``, or a file of an :class:`geo.io.OutputFolder` whose protected files (the inputs)
        are never overwritten and whose newest one dates the build; replaced only once the new file is
        complete.
    zones, audit, points, context, fez, crs, language
        As for :func:`geopackage_tables`.
    timestamp
        The build date; by default :func:`build_timestamp` of the protected files.
    title
        The dataset's title in its provenance record (``build --title``); by default :data:`DEFAULT_TITLE`.
        Used as given: nothing is added to it, so supplied outlines are never called schematic.

    Raises
    ------
    OutputError
        If ``path`` is one of the protected files.
    InputError
        If ``crs`` or ``language`` is not usable.
    """
    target_file = io.output_file(path)
    path, inputs = target_file.path, target_file.folder.protect
    io.refuse_overwriting_inputs(path, inputs)
    stamp, stamp_source = (timestamp, "given by the caller") if timestamp is not None else build_timestamp(inputs)
    target = output_crs(crs)
    tables = geopackage_tables(zones, audit, points=points, context=context, fez=fez, crs=target, language=language)
    metadata = _dataset_metadata(
        zones, audit, tables, crs=target, language=language, inputs=inputs, stamp=stamp, source=stamp_source
    )
    if title is not None:
        metadata["title"] = title
    description = f"{TOOL_NAME} {tool_version()}, labels in {language}"
    with target_file.temporary() as temporary:
        try:
            write_geopackage(temporary, tables, timestamp=stamp, metadata=metadata, style_description=description)
        finally:
            _remove_sidecars(temporary)
    log.info("exported %d tables to %s (CRS %s, labels in %s)", len(tables), path, target.to_string(), language)
    return path


def export_geojson(
    path: OutputFile | str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    crs: str | CRS | None = None,
    **_: object,
) -> Path:
    """Write the zone parts with their areas as RFC 7946 GeoJSON (EPSG:4326, 6 decimals), atomically.

    Properties use the JSON report's names (``area_m2``, ``area_pyeong``, ``area_m2_epsg5186``, …), areas
    in m² on the GRS80 ellipsoid unless the name says EPSG:5186. Schematic geometry is said in each feature's
    ``geometry_quality`` and in the file's ``description``. ``crs``, if given, must be EPSG:4326 (RFC 7946
    allows no other); the other keywords of :func:`export` are accepted and ignored.
    """
    import pyogrio

    _refuse_crs(crs, path, "GeoJSON, always EPSG:4326 (RFC 7946)")
    frame = zone_attributes(zones, audit, short_names=False)
    frame = gpd.GeoDataFrame(frame, geometry=zones.geometry.to_crs(GEOGRAPHIC_CRS).values, crs=GEOGRAPHIC_CRS)
    options = {
        "RFC7946": "YES",
        "COORDINATE_PRECISION": str(COORDINATE_DECIMALS),
        "DESCRIPTION": _geojson_description(zones),
    }
    target = io.output_file(path)
    with target.temporary() as temporary:
        pyogrio.write_dataframe(frame, temporary, layer="zone_parts", driver="GeoJSON", layer_options=options)
    return target.path


def export_zone_areas(
    path: OutputFile | str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    crs: str | CRS | None = None,
    **_: object,
) -> Path:
    """Write the zone areas table as CSV with a UTF-8 BOM (opens in Excel with Hangul and Kana), atomically.

    A table has no geometry: ``crs``, if given, must be EPSG:4326 (as for GeoJSON).
    """
    _refuse_crs(crs, path, "a table without geometry")
    return io.output_file(path).text(report.to_csv(audit, table="zones"))


#: Export format by file suffix (``export --out``).
EXPORTERS: Final[dict[str, Callable[..., Path]]] = {
    ".gpkg": export_geopackage,
    ".geojson": export_geojson,
    ".csv": export_zone_areas,
}


def _refuse_crs(crs: str | CRS | None, path: OutputFile | str | os.PathLike, kind: str) -> None:
    """InputError for a ``crs`` other than EPSG:4326 asked of a format that holds no other."""
    if crs is not None and output_crs(crs) != CRS.from_user_input(GEOGRAPHIC_CRS):
        name = io.output_file(path).name
        raise InputError(f"--crs {fmt.message_text(crs)}: {name} is {kind}; drop --crs or write a .gpkg")


def export(
    path: OutputFile | str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    crs: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    points: gpd.GeoDataFrame | None = None,
    context: gpd.GeoDataFrame | None = None,
    fez: gpd.GeoDataFrame | None = None,
    title: str | None = None,
) -> Path:
    """Write ``path`` in the format its suffix names (:data:`EXPORTERS`); ``title`` and ``fez`` as for the
    GeoPackage (other formats hold the zone parts only). ``path`` may be a file of an
    :class:`geo.io.OutputFolder`, never written over one of its protected files.

    Raises
    ------
    InputError
        For an unknown suffix, or a ``crs`` other than EPSG:4326 for GeoJSON (RFC 7946 allows no other).
    """
    target = io.output_file(path)
    suffix = Path(target.name).suffix.lower()
    if suffix not in EXPORTERS:
        raise InputError(
            f"--out {target.name}: unknown format {suffix or '(no suffix)'}; end it in {', '.join(EXPORTERS)}"
        )
    return EXPORTERS[suffix](
        target, zones, audit, points=points, context=context, fez=fez, crs=crs, language=language, title=title
    )


# --- provenance -----------------------------------------------------------------------------------------------


def _dataset_metadata(
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    tables: Sequence[Table],
    *,
    crs: CRS,
    language: str,
    inputs: Sequence[Path],
    stamp: datetime,
    source: str,
) -> dict[str, object]:
    schematic = bool((zones["geometry_quality"] == GeometryQuality.SCHEMATIC).any())
    context_sources = sorted({s for t in tables if t.name.startswith("context") for s in t.metadata.get("source", [])})
    return {
        "title": DEFAULT_TITLE,
        "tool": TOOL_NAME,
        "version": tool_version(),
        "build_date": stamp.strftime(TIMESTAMP_FORMAT),
        "build_date_from": source,
        "inputs": [p.name for p in inputs],
        "crs": crs.to_string(),
        "areas": "area_m2, area_ha, area_km2, area_py: ellipsoidal, GRS80 with geodesic edges; area5186: planar "
        "EPSG:5186; 1 pyeong = 400/121 m²",
        "language": language,
        "geometry": "schematic" if schematic else "supplied",
        "schematic_statement": i18n.texts("schematic_label") if schematic else None,
        "attribution": context_sources,
        "sources": sources(zones, ("boundary_source", "official_area_source", "seed_source", "role_source")),
        "audit": {
            "tolerance": audit.tolerance,
            "passed": audit.passed,
            "belt_area_m2": audit.belt["area_m2"],
            "belt_official_sum_m2": audit.belt["official_sum_m2"],
        },
        "tables": {t.name: t.identifier for t in tables},
    }


def _geojson_description(zones: gpd.GeoDataFrame) -> str:
    text = (
        "Gwangju future-vehicle triangle belt, zone parts. Areas in m² on the GRS80 ellipsoid (geodesic edges) "
        "unless named epsg5186 (planar EPSG:5186); 1 pyeong = 400/121 m²."
    )
    if (zones["geometry_quality"] == GeometryQuality.SCHEMATIC).any():
        text += " " + i18n.text("schematic_label", DEFAULT_LANGUAGE) + "."
    return text


def _remove_sidecars(path: Path) -> None:
    """SQLite's journal files beside a temporary GeoPackage, left behind only if writing failed."""
    for suffix in ("-journal", "-wal", "-shm"):
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            sidecar.unlink()
