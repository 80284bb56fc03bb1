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

import geopandas as gpd
import pandas as pd

import geo
from geo import report
from geo.overlay import RasterOverlay
from geo.settings import DEFAULT_TOLERANCE, MAPS_DIR

log = logging.getLogger("build_maps")

EXIT_OK, EXIT_CLAIMS_OFF, EXIT_BAD_INPUT = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in {"-h", "--help"}):
        argv.insert(0, "build")
    parser = _parser()
    args = parser.parse_args(argv)
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
    context = BuildContext(args=args, out=out, inputs=inputs, zones=zones, claims=claims, audit=result)
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


#: Further outputs of ``build`` as (order, step): rasters (10) come before maps (20), which draw them,
#: and before exports (30).
BUILD_STEPS: list[tuple[int, Callable[[BuildContext], None]]] = []


def _zones(args: argparse.Namespace):
    return geo.load_zones(
        args.zones,
        layer=args.layer,
        id_field=args.id_field,
        name_field=args.name_field,
        assume_crs=args.assume_crs,
        fix=args.fix,
        encoding=args.encoding,
        belt_ids=args.belt.split(",") if args.belt else None,
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
    common = argparse.ArgumentParser(add_help=False)
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

    parser = argparse.ArgumentParser(
        prog="build_maps.py",
        description="Maps and area audits for Gwangju's future-vehicle triangle belt.",
        epilog="Without a command, runs build.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", parents=[common], help="build maps, reports and exports (default)")
    build.add_argument("--out", default=str(MAPS_DIR), metavar="DIR", help="output folder (default: maps/)")
    build.set_defaults(run=run_build)

    audit = commands.add_parser("audit", parents=[common], help="check published area claims; exit 1 if any is off")
    audit.add_argument("--format", choices=sorted(report.FORMATS), default="table")
    audit.add_argument("--table", choices=("claims", "zones"), default="claims", help="which table --format csv writes")
    audit.set_defaults(run=run_audit)
    return parser


if __name__ == "__main__":
    warnings.simplefilter("default")
    sys.exit(main())
