"""The audit and the export of many zones, against the scripts an analyst would write.

    python bench/bench_audit.py [--zones 100000 1000000] [--export 100000] [--repeat 3]

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
    (t0, m0, c0), (t1, m1, c1) = (
        tuple(statistics.median(values) for values in zip(*runs[name], strict=True)) for name in ("analyst", "ours")
    )
    median = " (medians)" if repeat > 1 else ""
    print(f"{label}  ratio    {t1 / t0:>8.2f} {c1 / c0:>8.2f} {m1 / m0:>9.2f}{median}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--export", type=int, nargs="*", default=[], metavar="ZONES")
    parser.add_argument("--repeat", type=int, default=1, help="Runs of each variant, alternating (default 1).")
    args = parser.parse_args()
    ours = [sys.executable, "-c", "from geo.cli.main import run; run()"]
    print(f"{'zones':>10}  {'variant':<8} {'time s':>8} {'cpu s':>8} {'peak MiB':>9} {'output MB':>10} {'load':>6}")
    for count in args.zones:
        path = zone_file(count)
        analyst, output = OUT / f"analyst_{count}.json", OUT / f"ours_{count}.json"
        commands = {
            "analyst": ([sys.executable, "-c", ANALYST, str(path), str(analyst)], OUT / "analyst_stdout.txt", analyst),
            "ours": ([*ours, "audit", "--zones", str(path), "--claims", str(claims_file()), "--format", "json"],
                     output, output),
        }  # fmt: skip
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
        compare(f"{count:>10,} export", commands, repeat=args.repeat)


if __name__ == "__main__":
    main()
