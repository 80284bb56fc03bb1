"""Exports for GIS work: a styled, documented GeoPackage for QGIS, GeoJSON and CSV.

- :mod:`geo.export.geopackage` — the public exports, the build date and the provenance;
- each table's attributes, geometry, style, title and description (no I/O):
  :mod:`geo.export.zone_tables` (zone parts, zones, belt, FEZ districts), :mod:`geo.export.context_tables`
  (legal dongs and ri, the border, site points) and :mod:`geo.export.audit_tables` (the audit), with what
  they share in ``_tables`` (and the order of the layers' labels);
- ``_gpkg`` writes the GeoPackage's tables and metadata, ``_qml`` the QGIS styles.
"""

from .geopackage import (
    EXPORTERS,
    GEOJSON_NAME,
    GEOPACKAGE_NAME,
    build_timestamp,
    export,
    export_geojson,
    export_geopackage,
    export_zone_areas,
    geopackage_tables,
    output_crs,
    output_files,
)

__all__ = [
    "EXPORTERS",
    "GEOJSON_NAME",
    "GEOPACKAGE_NAME",
    "build_timestamp",
    "export",
    "export_geojson",
    "export_geopackage",
    "export_zone_areas",
    "geopackage_tables",
    "output_crs",
    "output_files",
]
