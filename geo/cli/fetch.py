"""``fetch``: download a VWorld layer (by default LT_C_DAMDAN, the industrial-complex boundaries) to a GeoPackage.

The key is read from ``VWORLD_KEY`` and never printed; ``VWORLD_API_URL`` points at a mirror (https, or http on
127.0.0.1 for a test server). ``--timeout`` bounds the whole fetch; the features the checks drop, the duplicates
kept once and the properties renamed are warned about and summed up in the last line.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import _format as fmt
from .. import vworld
from . import options


def _bbox(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[float, ...] | None:
    if value is None:
        return None
    try:
        numbers = tuple(float(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter(
            f"{fmt.quoted(value)} is not four numbers; write minx,miny,maxx,maxy in degrees"
        ) from None
    if len(numbers) != 4:
        raise click.BadParameter(f"{fmt.quoted(value)} has {len(numbers)} numbers, not 4; write minx,miny,maxx,maxy")
    return numbers


@click.command(name="fetch", short_help="Download a VWorld layer (VWORLD_KEY) to a GeoPackage.")
@options.verbose
@click.option("--layer", default=vworld.DEFAULT_LAYER, show_default=True, help="VWorld Data API layer.")
@click.option("--bbox", callback=_bbox, metavar="MINX,MINY,MAXX,MAXY", help="Only features in this box (degrees).")
@click.option("--name", help="Only features whose name contains this text (e.g. 빛그린).")
@click.option("--out", required=True, type=click.Path(path_type=Path), metavar="FILE.gpkg", help="Output file.")
@click.option(
    "--timeout",
    type=float,
    default=vworld.DEFAULT_DEADLINE_S,
    show_default=True,
    metavar="SECONDS",
    help="Give up when the whole fetch (every page, retry and wait) takes longer.",
)
def fetch(layer, bbox, name, out, timeout) -> int:
    """Fetch every feature of LAYER matching the filters from the VWorld Data API 2.0, page by page."""
    result = vworld.fetch_layer(out, layer=layer, bbox=bbox, name=name, deadline_s=timeout)
    summary = f"fetched {result.feature_count} features of {result.layer} into {result.path}"
    click.echo(summary + _notes(result), err=True)
    return 0


def _notes(result: vworld.FetchResult) -> str:
    """What was not written as sent, in short (the warnings above say which and why)."""
    notes = []
    if result.dropped:
        notes.append(f"{sum(result.dropped.values())} dropped")
    if result.duplicates:
        notes.append(f"{result.duplicates} duplicate(s) kept once")
    if result.renamed:
        notes.append(f"{len(result.renamed)} propert{'y' if len(result.renamed) == 1 else 'ies'} renamed")
    return f" ({', '.join(notes)}; see {vworld.METADATA_TABLE})" if notes else ""
