"""``raster stats|rasterize|convergence``: zonal statistics, zone masks, pixel-count area convergence."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import raster as rasters
from ..io import OutputFolder
from ..raster.masks import CONVERGENCE_RESOLUTIONS_M, MASK_RESOLUTION_M
from . import options

#: Output formats of ``raster stats`` and ``raster convergence``.
TABLE_FORMATS = ("table", "json", "csv")


@click.group(name="raster", short_help="Zonal statistics of a raster, zone masks, pixel-area convergence.")
def raster() -> None:
    """Rasters with rasterio: exact zonal statistics, zone-id masks and pixel-count areas."""


@raster.command(name="stats", short_help="Exact coverage-weighted statistics of a raster per zone.")
@options.verbose
@options.zone_options
@click.option(
    "--raster",
    "raster_path",
    required=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Raster file (any CRS GDAL reads).",
)
@click.option("--band", default="1", show_default=True, metavar="N", help="Band number from 1, or all.")
@click.option("--format", "format_", type=click.Choice(TABLE_FORMATS), default="table", show_default=True)
@click.option(
    "--mode",
    type=click.Choice(rasters.MODES),
    default=rasters.MODES[0],
    show_default=True,
    help="exact: weight pixels by the covered share; centre: count pixels whose centre is inside.",
)
@click.option("--percentiles", callback=options.percentiles, metavar="Q,Q", help="Weighted percentiles, e.g. 10,90.")
def stats(zones, raster_path, band, format_, mode, percentiles) -> int:
    """Statistics of RASTER inside each zone, each pixel weighted by the share of it the zone covers."""
    table = rasters.zonal_stats(
        zones.load(), raster_path, band=rasters.parse_band(band), mode=mode, percentiles=percentiles
    )
    sys.stdout.write(rasters.STATS_FORMATS[format_](table, raster=raster_path, mode=mode))
    return 0


@raster.command(name="rasterize", short_help="Write a zone-id Cloud-Optimized GeoTIFF in EPSG:5186.")
@options.verbose
@options.zone_options
@click.option("--out", required=True, type=click.Path(path_type=Path), metavar="FILE.tif", help="Output GeoTIFF.")
@click.option(
    "--resolution",
    type=str,
    default=f"{MASK_RESOLUTION_M:g}",
    callback=options.metres_option,
    show_default=True,
    metavar="METRES",
    help="Pixel size in metres.",
)
def rasterize(zones, out, resolution) -> int:
    """A zone-id mask of the zones, with its id table stored in the file."""
    target = OutputFolder(out.parent, protect=(zones.file,)) / out.name
    path = rasters.rasterize_zones(zones.load(), target, resolution_m=resolution)
    click.echo(f"wrote {path}", err=True)
    return 0


@raster.command(name="convergence", short_help="Pixel-count area of each zone against its vector area.")
@options.verbose
@options.zone_options
@click.option(
    "--resolutions",
    default=",".join(f"{r:g}" for r in CONVERGENCE_RESOLUTIONS_M),
    callback=options.metres_list,
    show_default=True,
    metavar="M,M",
)
@click.option("--format", "format_", type=click.Choice(TABLE_FORMATS), default="table", show_default=True)
def convergence(zones, resolutions, format_) -> int:
    """How each zone's pixel-count area approaches its vector area as pixels get finer."""
    table = rasters.area_convergence(zones.load(), resolutions_m=resolutions)
    sys.stdout.write(rasters.CONVERGENCE_FORMATS[format_](table))
    return 0
