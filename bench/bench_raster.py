#!/usr/bin/env python3
"""Benchmark: zonal statistics on a 10,000 × 10,000 raster, geo.raster against exactextract and rasterstats.

    python bench/bench_raster.py [--size 10000] [--zones 200] [--repeat 3]

Generates a tiled, DEFLATE-compressed float32 GeoTIFF (EPSG:5186, 10 m pixels, 100 km a side, with nodata
holes) and irregular zones (star-shaped polygons with holes, 0.6-6 km across, plus our four zones) in a
temporary folder. Each tool then runs in its own subprocess, computing count, mean, min, max, std and median
per zone:

- geo.raster.zonal_stats, exact coverage-weighted mode (and centre mode);
- exactextract (exact coverage-weighted, the accuracy reference);
- rasterstats (pixel centres, as GDAL rasterizes).

It prints wall time (best of --repeat), the ratio to exactextract, the peak resident memory the call added
(peak resident set size during the call, VmHWM reset before it, minus the resident size at its start;
GDAL's block cache limited to the same GDAL_CACHEMAX for all), the memory of reading
the whole band at once for comparison, and the largest difference from exactextract per statistic.
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PIXEL_M = 10.0
WEST, NORTH = 125_000.0, 337_000.0  # EPSG:5186, so the raster covers Gwangju and our zones
NODATA = -9999.0
GDAL_CACHE_MB = 256
STATS = ("count", "mean", "min", "max", "std", "median")

CHILD = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
tool, raster_path, zones_path, repeat = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
import geopandas as gpd
import numpy as np
import rasterio
zones = gpd.read_file(zones_path)
if tool.startswith("ours"):
    from geo import raster
elif tool == "exactextract":
    from exactextract import exact_extract
elif tool == "rasterstats":
    from rasterstats import zonal_stats

def run():
    if tool in ("ours", "ours-centre"):
        frame = raster.zonal_stats(zones, raster_path, mode="exact" if tool == "ours" else "centre")
        return {k: frame[k].tolist() for k in ("count", "mean", "min", "max", "std", "median")}
    if tool == "exactextract":
        frame = exact_extract(raster_path, zones, ["count", "mean", "min", "max", "stdev", "median"], output="pandas")
        return {"count": frame["count"].tolist(), "mean": frame["mean"].tolist(), "min": frame["min"].tolist(),
                "max": frame["max"].tolist(), "std": frame["stdev"].tolist(), "median": frame["median"].tolist()}
    if tool == "rasterstats":
        rows = zonal_stats(zones, raster_path, stats="count mean min max std median", nodata=-9999.0)
        return {k: [r[k] if r[k] is not None else float("nan") for r in rows]
                for k in ("count", "mean", "min", "max", "std", "median")}
    if tool == "whole-raster":
        with rasterio.open(raster_path) as src:
            band = src.read(1, masked=True)
        return {"pixels": int(band.count())}
    raise SystemExit(f"unknown tool {tool}")

def status_kb(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))

times, peaks = [], []
for _ in range(repeat):
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # reset the peak resident set size (VmHWM) to the current one
    baseline = status_kb("VmRSS")
    start = time.perf_counter()
    result = run()
    times.append(time.perf_counter() - start)
    peaks.append((status_kb("VmHWM") - baseline) / 1024)
json.dump({"seconds": min(times), "peak_added_mb": max(peaks), "result": result}, sys.stdout)
"""


def make_raster(path: Path, size: int) -> None:
    """A smooth surface with noise and elliptical nodata holes, written block by block (bounded memory)."""
    import rasterio
    from rasterio.transform import Affine
    from rasterio.windows import Window

    transform = Affine(PIXEL_M, 0.0, WEST, 0.0, -PIXEL_M, NORTH)
    rng = np.random.default_rng(42)
    block = 1024
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:5186",
        "transform": transform,
        "nodata": NODATA,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
        "zlevel": 1,
    }
    with rasterio.open(path, "w", **profile) as dataset:
        for top in range(0, size, block):
            rows = np.arange(top, min(top + block, size))[:, None] + 0.5
            cols = np.arange(size)[None, :] + 0.5
            x, y = cols * PIXEL_M, rows * PIXEL_M
            values = 100 + 50 * np.sin(x / 7_000) * np.cos(y / 5_000) + rng.normal(0, 5, (len(rows), size))
            holes = ((x - 31_000) / 2_500) ** 2 + ((y - 47_000) / 1_200) ** 2 < 1
            holes |= ((x - 78_000) / 900) ** 2 + ((y - 12_000) / 3_000) ** 2 < 1
            values[holes] = NODATA
            dataset.write(values.astype("float32")[None], window=Window(0, top, size, len(rows)))


def make_zones(path: Path, count: int, size: int) -> None:
    """Irregular star-shaped zones with holes, spread over the raster, and the project's own zones."""
    import geopandas as gpd
    import shapely

    import geo

    rng = np.random.default_rng(7)
    extent = size * PIXEL_M
    geoms = []
    for _ in range(count):
        cx, cy = WEST + rng.uniform(0.05, 0.95) * extent, NORTH - rng.uniform(0.05, 0.95) * extent
        radius = rng.uniform(300, 3_000)
        angles = np.sort(rng.uniform(0, 2 * np.pi, 40))
        radii = radius * rng.uniform(0.5, 1.0, 40)
        star = shapely.Polygon(np.c_[cx + radii * np.cos(angles), cy + radii * np.sin(angles)])
        geoms.append(shapely.make_valid(star).difference(shapely.Point(cx, cy).buffer(radius * 0.2)))
    ours = geo.load_zones().to_crs("EPSG:5186")
    ids = [f"z{i}" for i in range(count)] + list(ours["feature_id"])
    zones = gpd.GeoDataFrame(
        {"feature_id": ids, "zone_id": ids}, geometry=[*geoms, *ours.geometry.values], crs="EPSG:5186"
    )
    zones.to_file(path, driver="GPKG")


def run_tool(tool: str, raster_path: Path, zones_path: Path, repeat: int, cache_mb: int) -> dict:
    env = {**os.environ, "GDAL_CACHEMAX": str(cache_mb), "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, tool, str(raster_path), str(zones_path), str(repeat)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(completed.stdout)


def max_relative_difference(a: list[float], b: list[float]) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    both = np.isfinite(a) & np.isfinite(b)
    scale = np.maximum(np.abs(b[both]), 1e-12)
    return float(np.max(np.abs(a[both] - b[both]) / scale)) if both.any() else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="raster width and height in pixels")
    parser.add_argument("--zones", type=int, default=200, help="number of random zones (plus our four)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the best time is reported")
    parser.add_argument(
        "--gdal-cache", type=int, default=GDAL_CACHE_MB, metavar="MB", help="GDAL_CACHEMAX for every tool"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        raster_path, zones_path = Path(folder) / "bench.tif", Path(folder) / "zones.gpkg"
        start = time.perf_counter()
        make_raster(raster_path, args.size)
        make_zones(zones_path, args.zones, args.size)
        whole_mb = args.size * args.size * 4 / 2**20
        print(
            f"raster {args.size:,} × {args.size:,} float32 ({whole_mb:,.0f} MB uncompressed, "
            f"{raster_path.stat().st_size / 2**20:,.0f} MB on disk), {args.zones + 4} zones; "
            f"generated in {time.perf_counter() - start:.1f} s; GDAL_CACHEMAX={args.gdal_cache} MB"
        )
        results = {
            tool: run_tool(tool, raster_path, zones_path, args.repeat, args.gdal_cache)
            for tool in ("exactextract", "ours", "ours-centre", "rasterstats", "whole-raster")
        }

    reference = results["exactextract"]
    print(f"\n{'tool':<34}{'time s':>9}{'÷ exactextract':>16}{'peak MB added':>15}")
    labels = {
        "ours": "geo.raster (exact)",
        "ours-centre": "geo.raster (centre)",
        "exactextract": "exactextract (exact)",
        "rasterstats": "rasterstats (centre)",
        "whole-raster": "read the whole band (reference)",
    }
    for tool, label in labels.items():
        entry = results[tool]
        ratio = entry["seconds"] / reference["seconds"]
        print(f"{label:<34}{entry['seconds']:>9.2f}{ratio:>16.2f}{entry['peak_added_mb']:>15.0f}")

    print("\nlargest relative difference from exactextract, over all zones:")
    print(f"{'tool':<24}" + "".join(f"{s:>11}" for s in STATS))
    for tool in ("ours", "ours-centre", "rasterstats"):
        diffs = [max_relative_difference(results[tool]["result"][s], reference["result"][s]) for s in STATS]
        print(f"{labels[tool]:<24}" + "".join(f"{d:>11.1e}" for d in diffs))


if __name__ == "__main__":
    main()
