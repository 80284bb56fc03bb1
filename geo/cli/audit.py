"""``audit``: check every published area claim; exit 1 if any is outside the tolerance."""

from __future__ import annotations

import sys

import click

from .. import report
from .._errors import InputError
from ..layers import load_claims
from ..sources import audit_source
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
@options.language_option(default=None, help="Language of the table, Markdown and CSV headers (default: English).")
@click.option("--pretty/--compact", default=None, help="Indent the JSON (default: only on a terminal).")
def audit(zones, claims, tolerance, format_, table, lang, pretty) -> int:
    """Measure the zones (GRS80 ellipsoid, planar EPSG:5186 beside it) and check every published claim."""
    # The zones go before writing: their geometry is built only where the audit needs it.
    result = audit_source(zones, load_claims(claims), tolerance=tolerance, geometry=False)[1]
    pretty = sys.stdout.isatty() if pretty is None else pretty
    report.FORMATS[format_](result, sys.stdout, language=lang, table=table, pretty=pretty)
    if result.nothing_checked:
        # The report shows the zones it measured; a scripted audit that checked no claim is bad input (exit 2).
        raise InputError(result.nothing_checked_message())
    return EXIT_HOLDS if result.passed else EXIT_CLAIMS_OFF
