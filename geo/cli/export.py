"""``export``: a styled GeoPackage for QGIS, or GeoJSON / CSV by the suffix of ``--out``."""

from __future__ import annotations

from pathlib import Path

import click

from .. import export as exports
from ..fez import FEZ_DISTRICTS_FILE, load_fez_districts
from ..io import OutputFolder
from ..layers import load_claims, load_context, load_points
from ..settings import CLAIMS_FILE, CONTEXT_FILE, DEFAULT_LANGUAGE, DEFAULT_OUT, POINTS_FILE
from ..sources import audit_source
from . import options


@click.command(name="export", short_help="Write a styled GeoPackage for QGIS (or GeoJSON / CSV by --out suffix).")
@options.verbose
@options.zone_options
@options.claims_options
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT / exports.GEOPACKAGE_NAME,
    show_default=True,
    metavar="FILE",
    help="Output file: .gpkg, .geojson (EPSG:4326) or .csv (zone areas).",
)
@click.option("--crs", metavar="CRS", help="CRS of the GeoPackage layers (default: EPSG:5186).")
@options.language_option(default=DEFAULT_LANGUAGE, help="Language of labels and layer titles.")
def export(zones, claims, tolerance, out, crs, lang) -> int:
    """Export the zones, the belt, the context and the audit for GIS work."""
    loaded, result = audit_source(zones, load_claims(claims), tolerance=tolerance)
    inputs = (zones.file, claims or CLAIMS_FILE, POINTS_FILE, CONTEXT_FILE, FEZ_DISTRICTS_FILE)
    path = exports.export(
        OutputFolder(out.parent, protect=inputs) / out.name,
        loaded,
        result,
        crs=crs,
        language=lang,
        points=load_points(),
        context=load_context(),
        fez=load_fez_districts() if result.fez is not None else None,
    )
    click.echo(f"exported {path}", err=True)
    return 0
