#!/usr/bin/env python3
"""Command line for the triangle-belt maps and audits.

    python build_maps.py                      # build: maps, reports and exports into maps/
    python build_maps.py audit [--format json] [--tolerance 0.01]
    python build_maps.py --help

Exit codes: 0 success (for ``audit``: every claim holds), 1 a claim is outside the tolerance, 2 bad input.
A user's mistake prints one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import geopandas as gpd
import pandas as pd

import geo
from geo import report
from geo.overlay import RasterOverlay
from geo.settings import DEFAULT_TOLERANCE, GEOGRAPHIC_CRS, MAPS_DIR

log = logging.getLogger("build_maps")

#: Exit codes: success (for audit: every claim holds), a claim outside the tolerance, bad input, and a fault
#: of this program (a bug: one line, and the traceback with -v).
EXIT_OK, EXIT_CLAIMS_OFF, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


COMMANDS = ("build", "audit", "export", "raster")
HELP = ("-h", "--help")


class Parser(argparse.ArgumentParser):
    """argparse with usage errors on one line and exit code 2, like every other bad input."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"error: {message}; see {self.prog} --help\n")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(_with_command(list(sys.argv[1:] if argv is None else argv), parser))
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    logging.captureWarnings(True)
    try:
        return args.run(args)
    except geo.TriangleBeltError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"error: {error.filename or ''}: {error.strerror or error}".replace(": : ", ": "), file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:
        if args.verbose:
            raise
        print(
            f"error: internal error ({type(error).__name__}: {error}); run again with -v and report it", file=sys.stderr
        )
        return EXIT_INTERNAL


def _with_command(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``argv`` with its command first: ``build`` when none is given, options before it moved after it.

    Values of options (``--out audit``) are not mistaken for commands, and for ``raster`` the moved options go
    after its subcommand, where they belong.
    """
    takes_value = _options_taking_values(parser)
    position, i = None, 0
    while i < len(argv):
        word = argv[i]
        if word in COMMANDS:
            position = i
            break
        if not word.startswith("-") and word not in HELP:
            parser.error(f"unknown command {word!r}; use one of {', '.join(COMMANDS)}")
        i += 2 if word in takes_value else 1
    if position is None:
        return argv if argv[:1] and argv[0] in HELP else ["build", *argv]
    before, command, after = argv[:position], argv[position], argv[position + 1 :]
    if command == "raster" and after and not after[0].startswith("-"):
        return [command, after[0], *before, *after[1:]]
    return [command, *before, *after]


def _options_taking_values(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string, in any command, that is followed by a value."""
    found: set[str] = set()
    pending = [parser]
    while pending:
        current = pending.pop()
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                pending.extend(action.choices.values())
            elif action.option_strings and action.nargs != 0:
                found.update(action.option_strings)
    return found


def run_audit(args: argparse.Namespace) -> int:
    zones = _zones(args)
    claims = geo.load_claims(args.claims)
    result = geo.run_audit(zones, claims, tolerance=args.tolerance)
    if args.format == "csv":
        text = report.to_csv(result, table=args.table)
    else:
        text = report.FORMATS[args.format](result)
    sys.stdout.write(text)
    return EXIT_OK if result.passed else EXIT_CLAIMS_OFF


def run_build(args: argparse.Namespace) -> int:
    out = Path(args.out)
    inputs = _inputs(args)
    zones = _zones(args)
    claims = geo.load_claims(args.claims)
    result = geo.run_audit(zones, claims, tolerance=args.tolerance)
    # Everything that can fail on the user's input is checked before the first file is written.
    _refuse_building_over_inputs(out, (*inputs, *(Path(p) for p in [args.raster] if p)))
    user_overlays = _user_overlays(args, zones)
    if args.screenshot:
        from geo import screenshot

        screenshot.require_browser()
    context = BuildContext(
        args=args, out=out, inputs=inputs, zones=zones, claims=claims, audit=result, user_overlays=user_overlays
    )
    for kind, name in report.REPORT_FILES.items():
        geo.io.write_text(out / name, report.FORMATS[kind](result), inputs=inputs)
    geo.io.write_text(out / report.ZONE_AREAS_CSV, report.to_csv(result, table="zones"), inputs=inputs)
    for _, step in sorted(BUILD_STEPS, key=lambda item: item[0]):
        step(context)
    print(f"built {out}", file=sys.stderr)
    return EXIT_OK


@dataclass
class BuildContext:
    """What every build step gets: the parsed options, the output folder, the inputs and what came before."""

    args: argparse.Namespace
    out: Path
    inputs: tuple[Path, ...]
    zones: gpd.GeoDataFrame
    claims: pd.DataFrame
    audit: geo.AuditResult
    overlays: list[RasterOverlay] = field(default_factory=list)
    user_overlays: list[RasterOverlay] = field(default_factory=list)


def _refuse_building_over_inputs(out: Path, inputs: tuple[Path, ...]) -> None:
    """OutputError if ``out`` is a file, or if the build would write over one of its inputs."""
    from geo import export, raster

    if out.exists() and not out.is_dir():
        raise geo.OutputError(f"{out}: is a file, not a folder; pass --out a folder")
    fixed = {*report.REPORT_FILES.values(), report.ZONE_AREAS_CSV, export.GEOPACKAGE_NAME, export.GEOJSON_NAME}
    fixed.add(raster.DISTANCE_FILE)
    for source in inputs:
        same_folder = source.exists() and source.resolve().parent == out.resolve()
        if same_folder and (source.name in fixed or source.suffix.lower() in {".html", ".png"}):
            raise geo.OutputError(f"{source}: the build would write over it; pass --out another folder")


def _user_overlays(args: argparse.Namespace, zones: gpd.GeoDataFrame) -> list[RasterOverlay]:
    """The overlay of ``--raster`` (read and checked before the build writes anything), or none."""
    if not args.raster:
        return []
    from geo import raster

    overlay = raster.raster_overlay(args.raster, band=args.raster_band, band_option="--raster-band")
    (south, west), (north, east) = overlay.bounds
    lon_min, lat_min, lon_max, lat_max = zones.to_crs(GEOGRAPHIC_CRS).total_bounds
    if east < lon_min or west > lon_max or north < lat_min or south > lat_max:
        raise geo.InputError(
            f"{Path(args.raster).name}: covers none of the zones (it lies at {south:.3f}–{north:.3f} N, "
            f"{west:.3f}–{east:.3f} E); check its CRS or pass a raster of the zones' area"
        )
    return [overlay]


#: Further outputs of ``build`` as (order, step): rasters (10) come before maps (20), which draw them,
#: and before exports (30).
BUILD_STEPS: list[tuple[int, Callable[[BuildContext], None]]] = []


def run_export(args: argparse.Namespace) -> int:
    from geo import export
    from geo.settings import CONTEXT_FILE, POINTS_FILE

    zones = _zones(args)
    result = geo.run_audit(zones, geo.load_claims(args.claims), tolerance=args.tolerance)
    path = export.export(
        args.out,
        zones,
        result,
        crs=args.crs,
        language=args.lang,
        points=geo.load_points(),
        context=geo.load_context(),
        inputs=(*_inputs(args), POINTS_FILE, CONTEXT_FILE),
    )
    print(f"exported {path}", file=sys.stderr)
    return EXIT_OK


def _export_step(ctx: BuildContext) -> None:
    """The GeoPackage (EPSG:5186) and the GeoJSON; labels in ``--lang`` if it names one language, else English."""
    from geo import export
    from geo.settings import CONTEXT_FILE, LANGUAGES, POINTS_FILE

    lang = getattr(ctx.args, "lang", None)
    if isinstance(lang, list | tuple) and len(lang) == 1:
        lang = lang[0]
    language = lang if isinstance(lang, str) and lang in LANGUAGES else export.DEFAULT_LANGUAGE
    inputs = (*ctx.inputs, POINTS_FILE, CONTEXT_FILE)
    export.export_geopackage(
        ctx.out / export.GEOPACKAGE_NAME,
        ctx.zones,
        ctx.audit,
        points=geo.load_points(),
        context=geo.load_context(),
        language=language,
        inputs=inputs,
    )
    export.export_geojson(ctx.out / export.GEOJSON_NAME, ctx.zones, ctx.audit, inputs=inputs)


BUILD_STEPS.append((30, _export_step))


def run_raster_stats(args: argparse.Namespace) -> int:
    from geo import raster

    stats = raster.zonal_stats(
        _zones(args),
        args.raster,
        band=raster.parse_band(args.band),
        mode=args.mode,
        percentiles=args.percentiles,
    )
    sys.stdout.write(raster.STATS_FORMATS[args.format](stats, raster=args.raster, mode=args.mode))
    return EXIT_OK


def run_raster_rasterize(args: argparse.Namespace) -> int:
    from geo import raster

    path = raster.rasterize_zones(_zones(args), args.out, resolution_m=args.resolution, inputs=_inputs(args))
    print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def run_raster_convergence(args: argparse.Namespace) -> int:
    from geo import raster

    table = raster.area_convergence(_zones(args), resolutions_m=args.resolutions)
    sys.stdout.write(raster.CONVERGENCE_FORMATS[args.format](table))
    return EXIT_OK


def _raster_step(ctx: BuildContext) -> None:
    """The distance-to-transport GeoTIFF and its overlay, and an overlay of ``--raster`` if given."""
    from geo import raster
    from geo.settings import POINTS_FILE

    user_raster = getattr(ctx.args, "raster", None)
    inputs = (*ctx.inputs, POINTS_FILE, *((Path(user_raster),) if user_raster else ()))
    path = raster.write_distance_raster(ctx.out / raster.DISTANCE_FILE, geo.load_points(), ctx.zones, inputs=inputs)
    ctx.overlays.append(raster.distance_overlay(path))
    ctx.overlays.extend(ctx.user_overlays)


BUILD_STEPS.append((10, _raster_step))


def _maps_step(ctx: BuildContext) -> None:
    """The HTML maps (belt, each zone, index) in ``--lang`` or all languages, and PNGs with ``--screenshot``."""
    from geo import maps
    from geo.settings import CONTEXT_FILE, LANGUAGES, POINTS_FILE

    lang = getattr(ctx.args, "lang", None)
    written = maps.write_maps(
        ctx.out,
        ctx.zones,
        ctx.audit,
        languages=(lang,) if lang else LANGUAGES,
        context=geo.load_context(),
        points=geo.load_points(),
        overlays=ctx.overlays,
        assets="cdn" if getattr(ctx.args, "cdn", False) else "inline",
        inputs=(*ctx.inputs, POINTS_FILE, CONTEXT_FILE),
    )
    if getattr(ctx.args, "screenshot", False):
        from geo import screenshot

        screenshot.screenshot_files(written)


BUILD_STEPS.append((20, _maps_step))


def _percentiles(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of numbers; write e.g. 10,90") from None
    if any(not 0 <= value <= 100 for value in values):
        raise argparse.ArgumentTypeError(f"{text} has a percentile outside 0-100; write e.g. 10,90")
    return values


def _metres(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of metres; write e.g. 10") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of metres; write e.g. 10")
    return value


def _metres_list(text: str) -> list[float]:
    values = [_metres(part) for part in text.split(",") if part.strip()]
    if not values:
        raise argparse.ArgumentTypeError("no pixel size given; write e.g. 100,50,20")
    return values


def _zones(args: argparse.Namespace):
    return geo.load_zones(
        args.zones,
        layer=args.layer,
        id_field=args.id_field,
        name_field=args.name_field,
        assume_crs=args.assume_crs,
        fix=args.fix,
        encoding=args.encoding,
        belt_ids=[part.strip() for part in args.belt.split(",") if part.strip()] if args.belt else None,
    )


def _inputs(args: argparse.Namespace) -> tuple[Path, ...]:
    from geo.settings import CLAIMS_FILE, ZONES_FILE

    return tuple(Path(p) for p in (args.zones or ZONES_FILE, args.claims or CLAIMS_FILE))


def _tolerance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; write e.g. 0.02 for 2 %") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"{text} is out of range; write a fraction such as 0.02 for 2 %")
    return value


def _parser() -> argparse.ArgumentParser:
    common = Parser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="log each step")
    zones = common.add_argument_group("zones")
    zones.add_argument(
        "--zones", metavar="FILE", help="zone file (GeoJSON, GeoPackage, Shapefile, FlatGeobuf); default: ours"
    )
    zones.add_argument("--layer", help="layer inside a GeoPackage")
    zones.add_argument("--id-field", metavar="FIELD", help="field holding the zone id (e.g. dan_id)")
    zones.add_argument("--name-field", metavar="FIELD", help="field holding the zone name (e.g. dan_name)")
    zones.add_argument("--assume-crs", metavar="CRS", help="CRS of a file that has none, e.g. EPSG:5186")
    zones.add_argument("--fix", action="store_true", help="repair invalid geometry with make_valid")
    zones.add_argument("--encoding", help="text encoding of the attributes (e.g. cp949)")
    zones.add_argument("--belt", metavar="ID,ID", help="zone ids that form the belt (default: the in_belt column)")
    common.add_argument("--claims", metavar="FILE", help="claims table (CSV); default: layers/claims.csv")
    common.add_argument(
        "--tolerance", type=_tolerance, default=DEFAULT_TOLERANCE, help="relative tolerance (0.02 = 2 %%)"
    )

    parser = Parser(
        prog="build_maps.py",
        description="Maps and area audits for Gwangju's future-vehicle triangle belt.",
        epilog="Without a command, runs build.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", parents=[common], help="build maps, reports and exports (default)")
    build.add_argument("--out", default=str(MAPS_DIR), metavar="DIR", help="output folder (default: maps/)")
    build.add_argument("--raster", metavar="FILE", help="draw this raster (any CRS) as an overlay on the maps")
    build.add_argument("--raster-band", type=int, default=1, metavar="N", help="band of --raster to draw (default 1)")
    build.add_argument("--lang", choices=("ko", "en", "ja"), help="build the maps in one language (default: all three)")
    build.add_argument("--cdn", action="store_true", help="link Leaflet from a CDN instead of inlining it (smaller)")
    build.add_argument("--screenshot", action="store_true", help="also write a PNG of each map (needs Chromium)")
    build.set_defaults(run=run_build)

    audit = commands.add_parser("audit", parents=[common], help="check published area claims; exit 1 if any is off")
    audit.add_argument("--format", choices=sorted(report.FORMATS), default="table")
    audit.add_argument("--table", choices=("claims", "zones"), default="claims", help="which table --format csv writes")
    audit.set_defaults(run=run_audit)

    export = commands.add_parser(
        "export", parents=[common], help="write a styled GeoPackage for QGIS (or GeoJSON / CSV by --out suffix)"
    )
    export.add_argument(
        "--out",
        default=str(MAPS_DIR / "triangle_belt.gpkg"),
        metavar="FILE",
        help="output file: .gpkg (default: maps/triangle_belt.gpkg), .geojson (EPSG:4326) or .csv (zone areas)",
    )
    export.add_argument("--crs", metavar="CRS", help="CRS of the GeoPackage layers (default: EPSG:5186)")
    export.add_argument(
        "--lang", choices=("ko", "en", "ja"), default="en", help="language of labels and layer titles (default: en)"
    )
    export.set_defaults(run=run_export)

    raster = commands.add_parser("raster", help="zonal statistics of a raster, zone masks, pixel-area convergence")
    raster_commands = raster.add_subparsers(
        dest="raster_command", required=True, metavar="{stats,rasterize,convergence}"
    )
    stats = raster_commands.add_parser(
        "stats", parents=[common], help="exact coverage-weighted statistics of a raster per zone"
    )
    stats.add_argument("--raster", required=True, metavar="FILE", help="raster file (any CRS GDAL reads)")
    stats.add_argument("--band", default="1", metavar="N", help="band number from 1, or all (default 1)")
    stats.add_argument("--format", choices=("table", "json", "csv"), default="table")
    stats.add_argument(
        "--mode",
        choices=("exact", "centre"),
        default="exact",
        help="exact: weight pixels by the covered share (default); centre: count pixels whose centre is inside",
    )
    stats.add_argument(
        "--percentiles", type=_percentiles, default=[], metavar="Q,Q", help="weighted percentiles, e.g. 10,90"
    )
    stats.set_defaults(run=run_raster_stats)
    rasterize = raster_commands.add_parser(
        "rasterize", parents=[common], help="write a zone-id Cloud-Optimized GeoTIFF in EPSG:5186"
    )
    rasterize.add_argument("--out", required=True, metavar="FILE.tif", help="output GeoTIFF")
    rasterize.add_argument(
        "--resolution", type=_metres, default=10.0, metavar="METRES", help="pixel size in metres (default 10)"
    )
    rasterize.set_defaults(run=run_raster_rasterize)
    convergence = raster_commands.add_parser(
        "convergence", parents=[common], help="pixel-count area of each zone against its vector area, by pixel size"
    )
    convergence.add_argument(
        "--resolutions", type=_metres_list, default=[100.0, 50.0, 20.0, 10.0, 5.0, 2.0], metavar="M,M"
    )
    convergence.add_argument("--format", choices=("table", "json", "csv"), default="table")
    convergence.set_defaults(run=run_raster_convergence)
    return parser


if __name__ == "__main__":
    warnings.simplefilter("default")
    sys.exit(main())
