"""Build time and output size at national scale: the new default against one map per zone.

For 100, 1,500 and 5,000 complexes (a shapefile shaped like the national export, tests/official_layer.py),
runs ``build --lang en`` twice: with ``--zone-maps all`` (a map per zone, as every build did before) and with
the default ``auto`` (zone maps for the belt zones and the zones with claims only; at most 50 zones: all).
Both use today's neighbourhood-only zone maps and canvas overview; the per-zone maps of the old code also
embedded every feature, so the old build was slower still (300 zones: ~10 min, 420 MB).

    .venv/bin/python bench/bench_national.py            # 100 and 1,500
    .venv/bin/python bench/bench_national.py 100 1500 5000
    .venv/bin/python bench/bench_national.py 5000 --zone-maps auto   # the default only
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def build(zone_file: Path, out: Path, zone_maps: str) -> tuple[float, float, int]:
    """Seconds, MB written and number of files of one ``build --lang en``."""
    command = [
        sys.executable,
        str(ROOT / "build_maps.py"),
        "--zones",
        str(zone_file),
        "--id-field",
        "DAN_ID",
        "--name-field",
        "DAN_NAME",
        "--lang",
        "en",
        "--zone-maps",
        zone_maps,
        "--out",
        str(out),
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    files = [p for p in out.iterdir() if p.is_file()]
    return seconds, sum(p.stat().st_size for p in files) / 1e6, len(files)


def main(counts: list[int], modes: list[str]) -> None:
    from official_layer import write_official_shapefile

    titles = {"all": "--zone-maps all", "auto": "default (auto)"}
    print(f"| zones | {' | '.join(f'{titles[m]}: time, size, files' for m in modes)} |")
    print(f"|---|{'---|' * len(modes)}")
    with tempfile.TemporaryDirectory() as folder:
        for count in counts:
            zone_file = write_official_shapefile(Path(folder) / f"damdan{count}.shp", count)
            results = []
            for zone_maps in modes:
                results.append(build(zone_file, Path(folder) / f"out{count}_{zone_maps}", zone_maps))
            cells = [f"{s:.1f} s, {mb:.1f} MB, {n}" for s, mb, n in results]
            print(f"| {count:,} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", type=int, nargs="*", default=[100, 1500])
    parser.add_argument("--zone-maps", nargs="+", choices=("all", "auto"), default=["all", "auto"])
    args = parser.parse_args()
    main(args.counts, args.zone_maps)
