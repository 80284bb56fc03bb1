"""Benchmark: our HTML maps against GeoDataFrame.explore() for the same layers, by build time and size.

    python bench/bench_maps.py            # belt map, then 1k, 10k and 100k synthetic parcels
    python bench/bench_maps.py --sizes 1000 10000
    python bench/bench_maps.py --browser  # and how long Chromium takes to draw our parcel maps

Build time is from the GeoDataFrames to the rendered HTML string, best of ``--repeat`` runs. Our maps are
self-contained (Leaflet inlined); explore() links its assets from CDNs, so its files would be larger still
if they were self-contained. The budgets: the belt map at most 2 MB; at 100k parcels at most a third of
explore()'s size and build time.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

import geo
from geo import maps

MB = 1024 * 1024
BELT_BUDGET_BYTES = 2 * MB
PARCEL_GOAL_RATIO = 1 / 3
#: Synthetic parcels: jittered quadrilaterals about 30 m across on a grid near Gwangsan-gu, EPSG:4326.
PARCEL_ORIGIN = (126.70, 35.13)
PARCEL_STEP_DEG = 0.0004
PARCEL_JITTER_DEG = 0.00004


def best_of(repeat: int, build: Callable[[], str]) -> tuple[float, str]:
    times, html = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        html = build()
        times.append(time.perf_counter() - start)
    return min(times), html


def synthetic_parcels(count: int, *, seed: int = 0) -> gpd.GeoDataFrame:
    """``count`` four-sided parcels with a jittered corner each, ids and a land-use class."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(count)))
    i, j = np.divmod(np.arange(count), side)
    x0 = PARCEL_ORIGIN[0] + j * PARCEL_STEP_DEG
    y0 = PARCEL_ORIGIN[1] + i * PARCEL_STEP_DEG
    size = PARCEL_STEP_DEG * 0.9
    jitter = rng.uniform(-PARCEL_JITTER_DEG, PARCEL_JITTER_DEG, size=(count, 4, 2))
    corners = np.stack(
        [
            np.stack([x0, y0], axis=-1),
            np.stack([x0 + size, y0], axis=-1),
            np.stack([x0 + size, y0 + size], axis=-1),
            np.stack([x0, y0 + size], axis=-1),
        ],
        axis=1,
    )
    rings = np.concatenate([corners + jitter, (corners + jitter)[:, :1]], axis=1)
    geometry = shapely.polygons(rings)
    return gpd.GeoDataFrame(
        {"parcel_id": [f"P{n:06d}" for n in range(count)], "land_use": rng.choice(["factory", "road", "green"], count)},
        geometry=geometry,
        crs="EPSG:4326",
    )


def explore_html(*layers: gpd.GeoDataFrame) -> str:
    folium_map = layers[0].explore()
    for layer in layers[1:]:
        layer.explore(m=folium_map)
    return folium_map.get_root().render()


def row(label: str, ours: tuple[float, str], theirs: tuple[float, str]) -> tuple[float, float]:
    ours_s, ours_html = ours
    theirs_s, theirs_html = theirs
    ours_mb, theirs_mb = len(ours_html.encode()) / MB, len(theirs_html.encode()) / MB
    size_ratio, time_ratio = ours_mb / theirs_mb, ours_s / theirs_s
    print(
        f"{label:<22} {ours_s:8.2f} s {ours_mb:9.2f} MB   {theirs_s:8.2f} s {theirs_mb:9.2f} MB"
        f"   {time_ratio:7.2f} {size_ratio:7.2f}"
    )
    return time_ratio, size_ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000], help="parcel counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    parser.add_argument("--browser", action="store_true", help="also time our parcel maps loading in Chromium")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    zones, context, points = geo.load_zones(), geo.load_context(), geo.load_points()
    audit = geo.run_audit(zones, geo.load_claims())
    print(f"{'':<22} {'ours':>22}   {'explore()':>22}   {'time':>7} {'size':>7}")
    print(f"{'layers':<22} {'build':>10} {'HTML':>12}   {'build':>10} {'HTML':>12}   {'ratio':>7} {'ratio':>7}")

    ours = best_of(
        args.repeat,
        lambda: maps.render_html(maps.belt_map(zones, audit, language="en", context=context, points=points)),
    )
    theirs = best_of(args.repeat, lambda: explore_html(zones, context, points))
    row("belt map", ours, theirs)
    belt_bytes = len(ours[1].encode())
    verdict = "within" if belt_bytes <= BELT_BUDGET_BYTES else "OVER"
    print(f"{'':<22} belt map {belt_bytes / MB:.2f} MB self-contained: {verdict} the 2 MB budget")

    failed = belt_bytes > BELT_BUDGET_BYTES
    for count in args.sizes:
        parcels = synthetic_parcels(count)
        repeat = args.repeat if count < 100_000 else 1
        ours = best_of(repeat, lambda p=parcels: maps.render_html(maps.parcels_map(p, context=context)))
        theirs = best_of(repeat, lambda p=parcels: explore_html(p, context))
        time_ratio, size_ratio = row(f"{count:,} parcels", ours, theirs)
        if count >= 100_000:
            met = time_ratio <= PARCEL_GOAL_RATIO and size_ratio <= PARCEL_GOAL_RATIO
            failed |= not met
            print(f"{'':<22} goal at {count:,}: both ratios ≤ 1/3: {'met' if met else 'NOT met'}")
        if args.browser:
            seconds, heap_mb = browser_load(ours[1])
            print(f"{'':<22} ours in Chromium: drawn in {seconds:.2f} s, JS heap {heap_mb:.0f} MB")
    return 1 if failed else 0


def browser_load(html: str) -> tuple[float, float]:
    """Seconds from navigation to the page's load event (our map drawn), and the JS heap in MB, offline.

    explore()'s pages cannot be compared this way: offline, their CDN-linked Leaflet never loads.
    """
    import tempfile

    from geo import screenshot

    with tempfile.TemporaryDirectory() as folder, screenshot.browser() as browser:
        path = Path(folder) / "map.html"
        path.write_text(html, encoding="utf-8")
        page = screenshot.offline_page(browser)
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load", timeout=300_000)
        seconds = time.perf_counter() - start
        heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0") / MB
        page.context.close()
    return seconds, heap


if __name__ == "__main__":
    sys.exit(main())
