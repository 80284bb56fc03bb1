"""``audit``: check every published area claim; exit 1 if any is outside the tolerance."""

from __future__ import annotations

import sys

import click

from .. import report
from ..audit import run_audit
from ..layers import load_claims
from . import options

#: Exit codes of ``audit``: every claim holds, or one is outside the tolerance.
EXIT_HOLDS, EXIT_CLAIMS_OFF = 0, 1


@click.command(name="audit", short_help="Check published area claims; exit 1 if any is off.")
@options.verbose
@options.zone_options
@options.claims_options
@click.option("--format", "format_", type=click.Choice(list(report.FORMATS)), default="table", show_default=True)
@click.option(
    "--table",
    type=click.Choice(report.CSV_TABLES),
    default=report.CSV_TABLES[0],
    show_default=True,
    help="Which table --format csv writes.",
)
def audit(zones, claims, tolerance, format_, table) -> int:
    """Measure the zones (GRS80 ellipsoid, planar EPSG:5186 beside it) and check every published claim."""
    result = run_audit(zones.load(), load_claims(claims), tolerance=tolerance)
    text = report.to_csv(result, table=table) if format_ == "csv" else report.FORMATS[format_](result)
    sys.stdout.write(text)
    return EXIT_HOLDS if result.passed else EXIT_CLAIMS_OFF
