"""The audit and the export of many zones, against the scripts an analyst would write.

    python bench/bench_audit.py [--zones 100000 1000000] [--export 100000] [--repeat 3] [--geometry-path] [--stages]

Synthetic zones: a grid of 60 m squares near Gwangju with one id column, written once as a GeoPackage
(bench/out/, not tracked). Each variant runs in its own process, timed from start to exit, with the peak
resident memory of the process (``ru_maxrss`` of the child) and its CPU time (user + system), which a machine
shared with other work inflates less than the elapsed time:

- ``analyst``: read the file with geopandas, ``to_crs(5186).area``, write ids and areas to a JSON file;
- ``ours``: ``triangle-belt audit --zones FILE --claims C --format json`` with its output sent to a file
  (compact JSON, since it is not a terminal; two claims about the synthetic zones): ellipsoidal areas,
  planar areas, overlaps, the claims, the full report.

With ``--export N``, the GeoPackage export of N zone ids: ``triangle-belt export --zones FILE --out x.gpkg``
(every layer styled, the audit tables, provenance) against reading the file, ``to_crs(5186)``, adding the area
and ``to_file``.

Ratios are ours / analyst's, on the same machine. With ``--repeat N`` the two alternate N times (analyst, ours,
analyst, ...), so a change in the machine's load falls on both, and the medians are compared; each run's line
is printed too, with the load average when it started.

A user's zone file is measured from its Arrow buffers (``geo.io.read_zone_buffers``); ``--geometry-path`` adds
a third variant, ``geometry``: the same command with that path turned off, so that every feature is built as
a Shapely geometry as before (the results are the same to the last bit). ``--stages`` prints, for each size,
the CPU seconds of each stage of our audit in one process (read and validate, areas, overlaps, the rest of the
audit, the JSON), for both paths: where the time goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

OUT = Path(__file__).resolve().parent / "out"
ORIGIN_LON, ORIGIN_LAT = 126.60, 35.00
CELL_DEG = 0.0007
SIDE_SHARE = 0.9

ANALYST = """
import json, sys
import geopandas as gpd
zones = gpd.read_file(sys.argv[1])
areas = zones.to_crs(5186).area
with open(sys.argv[2], "w") as f:
    json.dump([{"id": str(i), "area_m2": float(a)} for i, a in zip(zones["zone_id"], areas)], f)
"""


ANALYST_EXPORT = """
import sys
import geopandas as gpd
zones = gpd.read_file(sys.argv[1]).to_crs(5186)
zones["area_m2"] = zones.area
zones.to_file(sys.argv[2])
"""


def zone_file(count: int) -> Path:
    """A GeoPackage of ``count`` square zones (cached in bench/out/)."""
    path = OUT / f"zones_{count}.gpkg"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    side = int(np.ceil(np.sqrt(count)))
    index = np.arange(count)
    x0 = ORIGIN_LON + (index % side) * CELL_DEG
    y0 = ORIGIN_LAT + (index // side) * CELL_DEG
    geometry = shapely.box(x0, y0, x0 + CELL_DEG * SIDE_SHARE, y0 + CELL_DEG * SIDE_SHARE)
    frame = gpd.GeoDataFrame({"zone_id": np.char.add("z", index.astype(str))}, geometry=geometry, crs="EPSG:4326")
    frame.to_file(path)
    return path


#: Runs one command as its only child and reports, on its last line, the child's peak resident memory (KiB),
#: its CPU time (s) and its exit code.
RUNNER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime, code, file=sys.stderr)
"""


def claims_file() -> Path:
    """Two claims about the synthetic zones (the bundled claims name none of them: the audit would refuse)."""
    path = OUT / "claims.csv"
    header = "claim_id,subject,figure,unit,publisher,date,url,language,quote\n"
    rows = "c0,z0,4000,m2,bench,,https://example.org,en,q\nc1,z1,1200,pyeong,bench,,https://example.org,en,q\n"
    path.write_text(header + rows, encoding="utf-8")
    return path


def run(argv: list[str], output: Path) -> tuple[float, float, float]:
    """Seconds, peak MiB and CPU seconds of one process writing its standard output to ``output``."""
    start = time.perf_counter()
    with output.open("wb") as sink:
        process = subprocess.run([sys.executable, "-c", RUNNER, *argv], stdout=sink, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    peak_kib, cpu, code = process.stderr.decode().split()[-3:]
    if int(code) not in (0, 1):
        raise SystemExit(f"{argv[:4]} failed ({code}): {process.stderr.decode()[-500:]}")
    return elapsed, int(peak_kib) / 1024, float(cpu)


#: Our command line with the buffer path turned off (every feature built as a geometry, as before).
GEOMETRY_PATH = (
    "import geo.sources; geo.sources.load_buffers = lambda source: None; from geo.cli.main import run; run()"
)

#: The stages of our audit in one process, CPU seconds each, for both paths (``--stages``).
STAGES = """
import io, sys, time
import geo, geo.io, geo.sources
from geo import report
from geo.area import area_table, buffer_area_table, buffer_overlaps, overlaps
from geo.audit import Measured
from geo.fez import audit_with_fez
path, claims_path = sys.argv[1], sys.argv[2]
claims = geo.load_claims(claims_path)
clock = time.process_time

def stage(name, work):
    start = clock()
    value = work()
    print(f"  {name:<34} {clock() - start:7.2f}", flush=True)
    return value

print("buffer path (cpu s)")
buffers = stage("read, validate (arrays)", lambda: geo.io.read_zone_buffers(path))
areas = stage("areas (arrays)", lambda: buffer_area_table(buffers))
found = stage("overlaps (bounds, then geometries)", lambda: buffer_overlaps(buffers, id_column="feature_id"))
needed = geo.sources._needed_rows(buffers.zones, claims)
zones = stage("geometries the audit needs", lambda: buffers.with_geometry(needed))
measured = Measured(areas, found)
result = stage("rest of the audit", lambda: audit_with_fez(zones, claims, districts=None, measured=measured))
write = report.FORMATS["json"]
stage("JSON (to memory)", lambda: write(result, io.StringIO(), language=None, table="zones", pretty=False))
print("geometry path (cpu s)")
zones = stage("read, validate (geometries)", lambda: geo.read_zones(path))
stage("areas (geometries)", lambda: area_table(zones))
stage("overlaps (tree of geometries)", lambda: overlaps(zones, id_column="feature_id"))
"""


def compare(label: str, commands: dict[str, tuple[list[str], Path, Path]], *, repeat: int) -> None:
    """Run the analyst's and our command ``repeat`` times each, alternating, and print every run and the ratios.

    ``commands`` maps the variant to its argv, the file its standard output goes to and its output (removed
    before each run; its size is shown).
    """
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (argv, stdout, output) in commands.items():
            output.unlink(missing_ok=True)  # every run writes its output anew
            load = os.getloadavg()[0]
            runs[name].append(run(argv, stdout))
            seconds, peak, cpu = runs[name][-1]
            size = output.stat().st_size / 1e6
            print(f"{label}  {name:<8} {seconds:>8.2f} {cpu:>8.2f} {peak:>9.0f} {size:>10.1f} {load:>6.1f}", flush=True)
    # Each run is (seconds, peak MiB, CPU seconds); the ratio line is in the header's order: time, CPU, peak.
    medians = {name: tuple(statistics.median(values) for values in zip(*runs[name], strict=True)) for name in runs}
    t0, m0, c0 = medians["analyst"]
    median = " (medians)" if repeat > 1 else ""
    for name in (name for name in runs if name != "analyst"):
        t1, m1, c1 = medians[name]
        ratio = "ratio" if name == "ours" else f"{name[:8]}"
        print(f"{label}  {ratio:<8} {t1 / t0:>8.2f} {c1 / c0:>8.2f} {m1 / m0:>9.2f}{median} / analyst", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--export", type=int, nargs="*", default=[], metavar="ZONES")
    parser.add_argument("--repeat", type=int, default=1, help="Runs of each variant, alternating (default 1).")
    parser.add_argument("--geometry-path", action="store_true", help="Also run ours with the buffer path off.")
    parser.add_argument("--stages", action="store_true", help="CPU seconds of each stage of our audit, both paths.")
    args = parser.parse_args()
    ours = [sys.executable, "-c", "from geo.cli.main import run; run()"]
    geometry = [sys.executable, "-c", GEOMETRY_PATH]
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    if args.stages:
        for count in args.zones:
            print(f"{count:,} zones")
            subprocess.run([sys.executable, "-c", STAGES, str(zone_file(count)), str(claims_file())], check=True)
    print(f"{'zones':>10}  {'variant':<8} {'time s':>8} {'cpu s':>8} {'peak MiB':>9} {'output MB':>10} {'load':>6}")
    for count in args.zones:
        path = zone_file(count)
        analyst, output = OUT / f"analyst_{count}.json", OUT / f"ours_{count}.json"
        commands = {
            "analyst": ([sys.executable, "-c", ANALYST, str(path), str(analyst)], OUT / "analyst_stdout.txt", analyst),
            "ours": ([*ours, "audit", "--zones", str(path), "--claims", str(claims_file()), "--format", "json"],
                     output, output),
        }  # fmt: skip
        if args.geometry_path:
            audit = ["audit", "--zones", str(path), "--claims", str(claims_file()), "--format", "json"]
            slow = OUT / f"geometry_{count}.json"
            commands["geometry"] = ([*geometry, *audit], slow, slow)
        compare(f"{count:>10,}", commands, repeat=args.repeat)
    for count in args.export:
        path = zone_file(count)
        analyst, output = OUT / f"export_analyst_{count}.gpkg", OUT / f"export_ours_{count}.gpkg"
        commands = {
            "analyst": ([sys.executable, "-c", ANALYST_EXPORT, str(path), str(analyst)],
                        OUT / "export_analyst_stdout.txt", analyst),
            "ours": ([*ours, "export", "--zones", str(path), "--claims", str(claims_file()), "--out", str(output)],
                     OUT / "export_ours_stdout.txt", output),
        }  # fmt: skip
        if args.geometry_path:
            slow = OUT / f"export_geometry_{count}.gpkg"
            export = ["export", "--zones", str(path), "--claims", str(claims_file()), "--out", str(slow)]
            commands["geometry"] = ([*geometry, *export], OUT / "export_geometry_stdout.txt", slow)
        compare(f"{count:>10,} export", commands, repeat=args.repeat)


if __name__ == "__main__":
    main()
