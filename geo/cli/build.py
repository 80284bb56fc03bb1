"""``build``: maps, reports and exports into one folder (the default command)."""

from __future__ import annotations

from pathlib import Path

import click

from .. import _format as fmt
from .. import headline, pipeline
from ..maps import ASSET_MODES
from ..settings import DEFAULT_LANGUAGE, DEFAULT_OUT, LANGUAGES
from . import options


@click.command(name="build", short_help="Build maps, reports and exports (the default command).")
@options.verbose
@options.zone_options
@options.claims_options
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    metavar="DIR",
    help="Output folder.",
)
@click.option(
    "--raster",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Draw this raster (any CRS) as an overlay on the maps.",
)
@click.option(
    "--raster-band",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    metavar="N",
    help="Band of --raster to draw.",
)
@options.language_option(default=None, help="Build the maps in one language (default: all three).")
@click.option("--cdn", is_flag=True, help="Link Leaflet from a CDN instead of inlining it (smaller files).")
@click.option("--screenshot", is_flag=True, help="Also write a PNG of each map (needs Chromium).")
@click.option("--pdf", is_flag=True, help="Also write an A4 PDF fact sheet of each map (needs Chromium).")
@click.option("--title", help="Title of the maps and exports (default: the belt's, or the zone file's name).")
@click.option(
    "--zone-maps",
    default="auto",
    show_default=True,
    metavar="auto|all|none|ID,ID",
    help="Which zones get a map of their own: auto (every zone when there are at most 50, else the belt zones "
    "and the zones a claim is about), all, none, or comma-separated zone ids. The index lists every zone.",
)
def build(zones, claims, tolerance, out, raster, raster_band, lang, cdn, screenshot, pdf, title, zone_maps) -> int:
    """Build the maps (belt, zones, index) in Korean, English and Japanese, the audit reports, the
    distance raster, the GeoPackage and the GeoJSON into one folder."""
    build_options = pipeline.BuildOptions(
        zones=zones,
        claims=claims,
        tolerance=tolerance,
        languages=(lang,) if lang else LANGUAGES,
        raster=raster,
        raster_band=raster_band,
        assets=ASSET_MODES[1] if cdn else ASSET_MODES[0],
        screenshots=screenshot,
        pdf=pdf,
        title=title,
        zone_maps=zone_maps,
    )
    result = pipeline.run(out, options=build_options)
    for line in summary(out, result):
        click.echo(line, err=True)
    return 0


def summary(out: Path, result: pipeline.BuildResult) -> list[str]:
    """A few lines for the terminal: what was written where, and the audit's verdict."""
    kinds: dict[str, int] = {}
    for name, _ in result.sizes:
        kind = Path(name).suffix.lstrip(".")
        kinds[kind] = kinds.get(kind, 0) + 1
    size = sum(size for _, size in result.sizes)
    files = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    lines = [f"built {out}: {len(result.files)} files ({files}), {size / 1e6:.1f} MB; open {out / 'index.html'}"]
    claims = result.audit.claims
    checked = claims[claims["holds"].notna()]
    off = checked[~checked["holds"].astype(bool)]
    line = "audit: " + ". ".join(headline.headline(result.audit, language=DEFAULT_LANGUAGE))
    if len(off):
        worst = ", ".join(
            f"{fmt.terminal(c)} ({fmt.percent(d)})" for c, d in zip(off["claim_id"], off["difference_pct"], strict=True)
        )
        line += f". Outside: {worst}"
    if result.audit.unchecked:
        reasons = ", ".join(f"{fmt.terminal(c)} ({fmt.terminal(r)})" for c, _, r in result.audit.unchecked_reasons())
        line += f". Not checked: {reasons}"
    return [*lines, line]
