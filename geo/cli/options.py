"""Options shared by the commands, their value checks, and turning them into the library's option objects.

Choices and defaults come from the library's registries (languages, report formats, raster modes), so the
command line offers exactly what the library accepts.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable
from pathlib import Path

import click

from .. import _format as fmt
from ..layers import ZoneSource
from ..settings import DEFAULT_TOLERANCE, LANGUAGES


def _number(text: str, *, what: str, example: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise click.BadParameter(f"{fmt.quoted(text)} is not {what}; write e.g. {example}") from None


def tolerance(ctx: click.Context, param: click.Parameter, value: object) -> float:
    """A relative tolerance in [0, 1)."""
    if isinstance(value, float):
        return value
    number = _number(str(value), what="a number", example="0.02 for 2 %")
    if not 0 <= number < 1:
        raise click.BadParameter(f"{fmt.message_text(value)} is out of range; write a fraction such as 0.02 for 2 %")
    return number


def metres(text: str) -> float:
    """A positive, finite number of metres."""
    value = _number(text, what="a number of metres", example="10")
    if not value > 0 or not math.isfinite(value):
        raise click.BadParameter(f"{fmt.message_text(text)} is not a positive number of metres; write e.g. 10")
    return value


def metres_option(ctx: click.Context, param: click.Parameter, value: object) -> float:
    return value if isinstance(value, float) else metres(str(value))


def metres_list(ctx: click.Context, param: click.Parameter, value: object) -> list[float]:
    """A comma-separated list of pixel sizes in metres."""
    if isinstance(value, list | tuple):
        return [float(v) for v in value]
    values = [metres(part) for part in str(value).split(",") if part.strip()]
    if not values:
        raise click.BadParameter("no pixel size given; write e.g. 100,50,20")
    return values


def percentiles(ctx: click.Context, param: click.Parameter, value: object) -> list[float]:
    """A comma-separated list of percentiles between 0 and 100."""
    if value is None or isinstance(value, list | tuple):
        return list(value or [])
    try:
        values = [float(part) for part in str(value).split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(f"{fmt.quoted(value)} is not a list of numbers; write e.g. 10,90") from None
    if any(not 0 <= v <= 100 for v in values):
        raise click.BadParameter(f"{fmt.message_text(value)} has a percentile outside 0-100; write e.g. 10,90")
    return values


def _verbose(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        logging.getLogger().setLevel(logging.INFO)
    return value


verbose = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_verbose, help="Log each step.")


def zone_options(command: Callable) -> Callable:
    """The options that say which zones to read and how; the command gets one ``zones`` ZoneSource."""
    options = [
        click.option(
            "--zones",
            "path",
            metavar="FILE",
            type=click.Path(path_type=Path, dir_okay=True),
            help="Zone file (GeoJSON, GeoPackage, Shapefile, FlatGeobuf); default: ours.",
        ),
        click.option("--layer", help="Layer inside a GeoPackage."),
        click.option("--id-field", metavar="FIELD", help="Field holding the zone id (e.g. dan_id)."),
        click.option("--name-field", metavar="FIELD", help="Field holding the zone name (e.g. dan_name)."),
        click.option("--assume-crs", metavar="CRS", help="CRS of a file that has none, e.g. EPSG:5186."),
        click.option("--fix", is_flag=True, help="Repair invalid geometry with make_valid."),
        click.option("--encoding", help="Text encoding of the attributes (e.g. cp949)."),
        click.option("--belt", metavar="ID,ID", help="Zone ids that form the belt (default: the in_belt column)."),
        click.option(
            "--match",
            metavar="FILE",
            type=click.Path(path_type=Path),
            help="CSV of dan_id,zone_id pairs overriding how an official boundary layer is matched to our zones.",
        ),
    ]

    @functools.wraps(command)
    def wrapper(*, path, layer, id_field, name_field, assume_crs, fix, encoding, belt, match, **kwargs):
        belt_ids = tuple(part.strip() for part in belt.split(",") if part.strip()) if belt else None
        source = ZoneSource(
            path=path,
            layer=layer,
            id_field=id_field,
            name_field=name_field,
            assume_crs=assume_crs,
            fix=fix,
            encoding=encoding,
            belt_ids=belt_ids,
            match=match,
        )
        return command(zones=source, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def claims_options(command: Callable) -> Callable:
    """``--claims`` and ``--tolerance``."""
    command = click.option(
        "--tolerance",
        type=str,
        default=str(DEFAULT_TOLERANCE),
        callback=tolerance,
        show_default=True,
        help="Relative tolerance (0.02 = 2 %).",
    )(command)
    return click.option(
        "--claims", metavar="FILE", type=click.Path(path_type=Path), help="Claims table (CSV); default: ours."
    )(command)


def language_option(*, default: str | None, help: str) -> Callable:
    return click.option("--lang", type=click.Choice(LANGUAGES), default=default, help=help)
