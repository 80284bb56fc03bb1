"""The audit and the export of many zones, against the scripts an analyst would write.

    python bench/bench_audit.py [--zones 100000 1000000] [--export 100000]

Synthetic zones: a grid of 60 m squares near Gwangju with one id column, written once as a GeoPackage
(bench/out/, not tracked). Each variant runs in its own process, timed from start to exit, with the peak
resident memory of the process (``ru_maxrss`` of the child):

- ``analyst``: read the file with geopandas, ``to_crs(5186).area``, write ids and areas to a JSON file;
- ``ours``: ``triangle-belt audit --zones FILE --claims C --format json`` with its output sent to a file
  (compact JSON, since it is not a terminal; two claims about the synthetic zones): ellipsoidal areas,
  planar areas, overlaps, the claims, the full report.

With ``--export N``, the GeoPackage export of N zone ids: ``triangle-belt export --zones FILE --out x.gpkg``
(every layer styled, the audit tables, provenance) against reading the file, ``to_crs(5186)``, adding the area
and ``to_file``.

Ratios are ours / analyst's, from one run of each, on the same machine, one after the other.
"""

from __future__ import annotations

import argparse
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


#: Runs one command as its only child and reports the child's peak resident memory (KiB) on its last line.
RUNNER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code, file=sys.stderr)
"""


def claims_file() -> Path:
    """Two claims about the synthetic zones (the bundled claims name none of them: the audit would refuse)."""
    path = OUT / "claims.csv"
    header = "claim_id,subject,figure,unit,publisher,date,url,language,quote\n"
    rows = "c0,z0,4000,m2,bench,,https://example.org,en,q\nc1,z1,1200,pyeong,bench,,https://example.org,en,q\n"
    path.write_text(header + rows, encoding="utf-8")
    return path


def run(argv: list[str], output: Path) -> tuple[float, float]:
    """Seconds and peak MiB of one process writing its standard output to ``output``."""
    start = time.perf_counter()
    with output.open("wb") as sink:
        process = subprocess.run([sys.executable, "-c", RUNNER, *argv], stdout=sink, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    peak_kib, code = process.stderr.decode().split()[-2:]
    if int(code) not in (0, 1):
        raise SystemExit(f"{argv[:4]} failed ({code}): {process.stderr.decode()[-500:]}")
    return elapsed, int(peak_kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--export", type=int, nargs="*", default=[], metavar="ZONES")
    args = parser.parse_args()
    print(f"{'zones':>10}  {'variant':<8} {'time s':>8} {'peak MiB':>9} {'output MB':>10}")
    for count in args.zones:
        path = zone_file(count)
        results = {}
        for name in ("analyst", "ours"):
            output = OUT / f"{name}_{count}.json"
            if name == "analyst":
                argv = [sys.executable, "-c", ANALYST, str(path), str(output)]
                seconds, peak = run(argv, OUT / "analyst_stdout.txt")
            else:
                argv = [sys.executable, "-c", "from geo.cli.main import run; run()", "audit", "--zones", str(path),
                        "--claims", str(claims_file()), "--format", "json"]  # fmt: skip
                seconds, peak = run(argv, output)
            results[name] = (seconds, peak)
            size = output.stat().st_size / 1e6
            print(f"{count:>10,}  {name:<8} {seconds:>8.2f} {peak:>9.0f} {size:>10.1f}", flush=True)
        (t0, m0), (t1, m1) = results["analyst"], results["ours"]
        print(f"{count:>10,}  ratio    {t1 / t0:>8.2f} {m1 / m0:>9.2f}")
    for count in args.export:
        path = zone_file(count)
        results = {}
        for name in ("analyst", "ours"):
            output = OUT / f"export_{name}_{count}.gpkg"
            output.unlink(missing_ok=True)
            if name == "analyst":
                argv = [sys.executable, "-c", ANALYST_EXPORT, str(path), str(output)]
            else:
                argv = [sys.executable, "-c", "from geo.cli.main import run; run()", "export", "--zones", str(path),
                        "--claims", str(claims_file()), "--out", str(output)]  # fmt: skip
            results[name] = run(argv, OUT / f"export_{name}_stdout.txt")
            seconds, peak = results[name]
            size = output.stat().st_size / 1e6
            print(f"{count:>10,}  export {name:<8} {seconds:>6.2f} {peak:>9.0f} {size:>10.1f}", flush=True)
        (t0, m0), (t1, m1) = results["analyst"], results["ours"]
        print(f"{count:>10,}  export ratio    {t1 / t0:>6.2f} {m1 / m0:>9.2f}")


if __name__ == "__main__":
    main()
