"""Write a documented, styled, reproducible GeoPackage: layers through GDAL, then its tables through SQLite.

GDAL (pyogrio, through Arrow) writes each layer in one call, with its identifier and description in
``gpkg_contents``. SQLite then adds what GDAL does not: the QGIS ``layer_styles`` table (the default style of
every table that has one, features layers and attributes tables alike), field titles in ``gpkg_data_columns``
(the GeoPackage schema extension, which GDAL reads as field alternative names and QGIS shows as aliases), and
provenance in ``gpkg_metadata`` / ``gpkg_metadata_reference`` (the metadata extension), each registered in
``gpkg_extensions``. Every timestamp is the given one and every row is written in a fixed order, so the same
inputs give the same bytes (nothing is deleted, so there are no free pages and no need to vacuum).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import shapely

from .. import _format as fmt

log = logging.getLogger(__name__)

#: GeoPackage timestamp format (UTC, millisecond precision, as gpkg_contents.last_change requires).
TIMESTAMP_FORMAT: Final = "%Y-%m-%dT%H:%M:%S.000Z"
GEOMETRY_COLUMN: Final = "geom"
#: GeoPackage version written: 1.2 has everything the file uses and opens without a warning in the QGIS and
#: GDAL releases still in use (GDAL before 3.7 calls a 1.4 file "only partially supported").
GEOPACKAGE_VERSION: Final = "1.2"
METADATA_EXTENSION: Final = "http://www.geopackage.org/spec121/#extension_metadata"
SCHEMA_EXTENSION: Final = "http://www.geopackage.org/spec121/#extension_schema"
METADATA_MIME_TYPE: Final = "application/json"
#: md_standard_uri of our JSON provenance records (free-form, described in docs/guide.md, "GeoPackage for QGIS").
METADATA_STANDARD: Final = "https://www.rfc-editor.org/rfc/rfc8259"
STYLE_NAME_SUFFIX: Final = "default"
#: Geometry type ids of a layer that stays a point layer (missing geometries, -1, included).
_POINT_TYPES: Final = (-1, shapely.GeometryType.POINT)

# The table QGIS creates to hold styles in a GeoPackage (QgsOgrProviderUtils / saveStyle), column for column.
_LAYER_STYLES_DDL: Final = """
CREATE TABLE layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    f_table_catalog TEXT(256),
    f_table_schema TEXT(256),
    f_table_name TEXT(256),
    f_geometry_column TEXT(256),
    styleName TEXT(30),
    styleQML TEXT,
    styleSLD TEXT,
    useAsDefault BOOLEAN,
    description TEXT,
    owner TEXT(30),
    ui TEXT(30),
    update_time DATETIME
)"""
# GeoPackage 1.2.1, annex F.8 (metadata) and F.9 (schema).
_METADATA_DDL: Final = """
CREATE TABLE gpkg_metadata (
    id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL,
    md_scope TEXT NOT NULL DEFAULT 'dataset',
    md_standard_uri TEXT NOT NULL,
    mime_type TEXT NOT NULL DEFAULT 'text/xml',
    metadata TEXT NOT NULL DEFAULT ''
)"""
_METADATA_REFERENCE_DDL: Final = """
CREATE TABLE gpkg_metadata_reference (
    reference_scope TEXT NOT NULL,
    table_name TEXT,
    column_name TEXT,
    row_id_value INTEGER,
    timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    md_file_id INTEGER NOT NULL,
    md_parent_id INTEGER,
    CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),
    CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id)
)"""
_DATA_COLUMNS_DDL: Final = """
CREATE TABLE gpkg_data_columns (
    table_name TEXT NOT NULL,
    column_name TEXT NOT NULL,
    name TEXT,
    title TEXT,
    description TEXT,
    mime_type TEXT,
    constraint_name TEXT,
    CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
    CONSTRAINT gdc_tn UNIQUE (table_name, name)
)"""
_DATA_COLUMN_CONSTRAINTS_DDL: Final = """
CREATE TABLE gpkg_data_column_constraints (
    constraint_name TEXT NOT NULL,
    constraint_type TEXT NOT NULL,
    value TEXT,
    min NUMERIC,
    min_is_inclusive BOOLEAN,
    max NUMERIC,
    max_is_inclusive BOOLEAN,
    description TEXT,
    CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value)
)"""


@dataclass(frozen=True)
class Table:
    """One table of the GeoPackage: a layer with geometry or an attributes table without.

    Attributes
    ----------
    name : str
        Table name (ASCII, lower case).
    frame : pandas.DataFrame
        A GeoDataFrame (a features layer, already in the output CRS) or a plain DataFrame (attributes).
    identifier : str
        Human-readable title (gpkg_contents.identifier, QGIS's layer name).
    description : str
        What the table holds (gpkg_contents.description).
    titles : dict
        Column name to a readable title, written to gpkg_data_columns.
    qml : str or None
        The table's default QGIS style (for an attributes table, its aliases), or None for none.
    metadata : dict
        Provenance of this table, written as a JSON record referenced to it.
    """

    name: str
    frame: pd.DataFrame
    identifier: str
    description: str
    titles: Mapping[str, str] = field(default_factory=dict)
    qml: str | None = None
    metadata: Mapping[str, object] = field(default_factory=dict)

    @property
    def spatial(self) -> bool:
        return hasattr(self.frame, "geometry") and getattr(self.frame, "crs", None) is not None


def write_geopackage(
    path: Path,
    tables: Sequence[Table],
    *,
    timestamp: datetime,
    metadata: Mapping[str, object],
    style_description: str = "",
) -> None:
    """Write ``tables`` to a new GeoPackage at ``path`` (which must not exist), with styles and metadata.

    Parameters
    ----------
    path
        A new file; callers write to a temporary path and rename it (see :func:`geo.io.atomic_path`).
    tables
        Written in this order; features layers get an R-tree spatial index and a ``geom`` column.
    timestamp
        The one time written everywhere a GeoPackage records one (UTC).
    metadata
        The dataset's provenance, written as a JSON record referenced to the whole GeoPackage.
    style_description
        Text of ``layer_styles.description``.
    """
    import pyogrio

    stamp = timestamp.strftime(TIMESTAMP_FORMAT)
    with _gdal_config({"OGR_CURRENT_DATE": stamp}):
        for number, table in enumerate(tables):
            options = {"IDENTIFIER": table.identifier, "DESCRIPTION": table.description}
            if table.spatial:
                options["GEOMETRY_NAME"] = GEOMETRY_COLUMN
            pyogrio.write_dataframe(
                table.frame,
                path,
                layer=table.name,
                driver="GPKG",
                promote_to_multi=table.spatial and _has_polygons_or_lines(table.frame),
                use_arrow=True,
                layer_options=options,
                dataset_options={"VERSION": GEOPACKAGE_VERSION} if number == 0 else None,
            )
    connection = sqlite3.connect(path)
    try:
        with connection:
            geometry_columns = dict(connection.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
            _write_styles(connection, tables, geometry_columns, stamp=stamp, description=style_description)
            _write_data_columns(connection, tables)
            _write_metadata(connection, tables, metadata, stamp=stamp)
            connection.execute("UPDATE gpkg_contents SET last_change = ?", (stamp,))
    finally:
        connection.close()
    log.debug("wrote %d tables to %s", len(tables), path)


def _has_polygons_or_lines(frame: pd.DataFrame) -> bool:
    types = shapely.get_type_id(np.asarray(frame.geometry.values))
    return bool(np.isin(types, _POINT_TYPES, invert=True).any())


@contextlib.contextmanager
def _gdal_config(options: Mapping[str, str]) -> Iterator[None]:
    """Set GDAL configuration options for the block and restore the previous values after it."""
    import pyogrio

    previous = {key: pyogrio.get_gdal_config_option(key) for key in options}
    pyogrio.set_gdal_config_options(dict(options))
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)


def _register_table(connection: sqlite3.Connection, name: str, description: str, *, stamp: str) -> None:
    connection.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
        "VALUES (?, 'attributes', ?, ?, ?)",
        (name, name, description, stamp),
    )


def _register_extension(connection: sqlite3.Connection, table: str, extension: str, definition: str) -> None:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, "
        "definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, "
        "extension_name))"
    )
    connection.execute(
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
        "VALUES (?, NULL, ?, ?, 'read-write')",
        (table, extension, definition),
    )


def _write_styles(
    connection: sqlite3.Connection,
    tables: Sequence[Table],
    geometry_columns: Mapping[str, str],
    *,
    stamp: str,
    description: str,
) -> None:
    styled = [t for t in tables if t.qml is not None]
    if not styled:
        return
    connection.execute(_LAYER_STYLES_DDL)
    _register_table(connection, "layer_styles", "QGIS styles (QML), one default per table", stamp=stamp)
    # An attributes table's style has an empty f_geometry_column: QGIS 3.22 (on GDAL before 3.7, which does not
    # read gpkg_data_columns as alternative names) shows that table's aliases only from such a style.
    connection.executemany(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
        "styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
        "VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '', ?)",
        [
            (t.name, geometry_columns.get(t.name, ""), f"{t.name} {STYLE_NAME_SUFFIX}", t.qml, description, stamp)
            for t in styled
        ],
    )


def _write_data_columns(connection: sqlite3.Connection, tables: Sequence[Table]) -> None:
    rows = [
        (table.name, column, title)
        for table in tables
        for column, title in table.titles.items()
        if column in table.frame.columns
    ]
    if not rows:
        return
    connection.execute(_DATA_COLUMNS_DDL)
    connection.execute(_DATA_COLUMN_CONSTRAINTS_DDL)
    for name in ("gpkg_data_columns", "gpkg_data_column_constraints"):
        _register_extension(connection, name, "gpkg_schema", SCHEMA_EXTENSION)
    # GDAL reads `name` as the field's alternative name (QGIS shows it as the alias).
    connection.executemany(
        "INSERT INTO gpkg_data_columns (table_name, column_name, name, title, description) VALUES (?, ?, ?, ?, ?)",
        [(table, column, title, title, title) for table, column, title in rows],
    )


def _write_metadata(
    connection: sqlite3.Connection, tables: Sequence[Table], metadata: Mapping[str, object], *, stamp: str
) -> None:
    connection.execute(_METADATA_DDL)
    connection.execute(_METADATA_REFERENCE_DDL)
    for name in ("gpkg_metadata", "gpkg_metadata_reference"):
        _register_extension(connection, name, "gpkg_metadata", METADATA_EXTENSION)
    records: list[tuple[str, str | None, Mapping[str, object]]] = [("geopackage", None, metadata)]
    records += [("table", t.name, t.metadata) for t in tables if t.metadata]
    for number, (scope, table_name, record) in enumerate(records, start=1):
        text = fmt.json_safe(json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True))
        connection.execute(
            "INSERT INTO gpkg_metadata (id, md_scope, md_standard_uri, mime_type, metadata) "
            "VALUES (?, 'dataset', ?, ?, ?)",
            (number, METADATA_STANDARD, METADATA_MIME_TYPE, text),
        )
        connection.execute(
            "INSERT INTO gpkg_metadata_reference (reference_scope, table_name, column_name, row_id_value, timestamp, "
            "md_file_id, md_parent_id) VALUES (?, ?, NULL, NULL, ?, ?, ?)",
            (scope, table_name, stamp, number, None if number == 1 else 1),
        )
