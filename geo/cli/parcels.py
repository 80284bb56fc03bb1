"""``parcels``: land use (지목) inside each zone from the cadastral parcel layer, on dask.

A bad ``--scheduler`` is refused before anything is read; a cluster that fails is one line (exit 2), and
dask.distributed's own log lines and tracebacks are shown only with ``-v``.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from .. import parcels as land_parcels
from ..io import OutputFolder
from ..settings import LANGUAGES
from . import options

#: Output formats: the text formats of :mod:`geo.parcels` and a Parquet file.
PARQUET = "parquet"
#: Loggers to which dask.distributed (and the libraries under it) gives levels of their own when imported;
#: without -v they are silenced, as a scheduler failure is already reported in one line.
DISTRIBUTED_LOGGERS = ("distributed", "distributed.client", "distributed.gc", "tornado", "tornado.application", "bokeh")


@click.command(name="parcels", short_help="Land categories of the parcels inside each zone (dask).")
@options.verbose
@options.zone_options
@click.option(
    "--parcels",
    "parcels_path",
    required=True,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Parcel layer: a vector file, a GeoParquet file, or a folder or glob of GeoParquet partitions.",
)
@click.option("--land-field", metavar="FIELD", help="Field holding the land category (default: the suffix of jibun).")
@click.option(
    "--format", "format_", type=click.Choice([*land_parcels.FORMATS, PARQUET]), default="table", show_default=True
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Write here instead of standard output (required for parquet).",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="A dask.distributed scheduler to run on (default: threads on this machine).",
)
@click.option(
    "--map",
    "map_folder",
    type=click.Path(path_type=Path, file_okay=False),
    metavar="FOLDER",
    help="Also write each zone's land-use map (landuse_<zone>_<lang>.html, offline) into FOLDER.",
)
@options.language_option(default=None, help="With --map: the maps in one language (default: all three).")
def parcels(zones, parcels_path, land_field, format_, out, scheduler, map_folder, lang) -> int:  # fmt: skip
    """For each zone: parcels touching it, area of parcel ∩ zone per land category (GRS80), share, remainder."""
    if format_ == PARQUET and out is None:
        raise click.UsageError("--format parquet writes a file; pass --out FILE.parquet")
    zone_frame = zones.load()
    with _quiet_distributed(scheduler):
        audit = land_parcels.land_audit(zone_frame, parcels_path, land_field=land_field, scheduler=scheduler)
    if map_folder is not None:
        from ..maps import landuse

        parcel_frame = land_parcels.read_parcels(zone_frame, parcels_path, land_field=land_field)
        folder = OutputFolder(map_folder, protect=(zones.file, parcels_path))
        languages = (lang,) if lang else LANGUAGES
        written = landuse.write_landuse_maps(folder, zone_frame, parcel_frame, audit, languages=languages)
        click.echo(f"wrote {len(written)} land-use maps to {map_folder}", err=True)
    target = None if out is None else OutputFolder(out.parent, protect=(zones.file, parcels_path)) / out.name
    if format_ == PARQUET:
        path = land_parcels.write_parquet(audit, target)
        click.echo(f"wrote {path}", err=True)
        return 0
    text = land_parcels.FORMATS[format_](audit)
    if out is None:
        sys.stdout.write(text)
    else:
        target.text(text)
        click.echo(f"wrote {out}", err=True)
    return 0


@contextlib.contextmanager
def _quiet_distributed(scheduler: str | None) -> Iterator[None]:
    """Silence dask.distributed's loggers while a cluster runs, unless -v; their levels are restored after."""
    if scheduler is None or "://" not in scheduler or logging.getLogger().isEnabledFor(logging.INFO):
        yield
        return
    import distributed  # noqa: F401  (it sets its loggers' levels when imported: set them after that)

    loggers = [logging.getLogger(name) for name in DISTRIBUTED_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
