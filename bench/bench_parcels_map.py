"""Land-use map of a million parcels in one offline file: size, first draw, redraw, heap; against explore() and
today's parcels_map at 100k.

    python bench/bench_parcels_map.py                       # ours at 100k and 1M, the others at 100k
    python bench/bench_parcels_map.py --sizes 100000 --skip-others

Synthetic cadastre: a mesh of parcels about :data:`CELL_M` m across centred on the bundled zones, each with eight
vertices (four corners and a point on each edge, jittered and shared exactly by neighbours, as in a real
cadastre), a ``pnu`` and a ``jibun`` ending in a land category drawn with :data:`CATEGORY_WEIGHTS`; cached under
``bench/out/landuse-N.parquet``. One zone, the mesh's extent shrunk by 10 %, is audited with
:func:`geo.parcels.land_audit` and its land-use map written with :func:`geo.maps.landuse.write_landuse_maps`
(English).

Each file is opened from ``file://`` in headless Chromium (``/usr/bin/chromium`` through Playwright) with every
request that is not ``file:`` or ``data:`` aborted and counted, on a desktop viewport (1280×800) and a phone
(390×844, device pixel ratio 3, touch). Measured:

- ``load_s``: navigation start to the load event; ``draw_s``: navigation start to the first complete drawing
  (ours: the ``tb-landuse-drawn`` performance mark; the others: two animation frames after load, when Leaflet
  has drawn); ``after_load_s``: the first drawing after the load event;
- ``pan_ms`` / ``zoom_ms``: the slowest (and the median) of several ``panBy(200 px)`` and ``setZoom(±1)``
  (no animation) at the
  opening zoom, +2 and +4 (where parcels are drawn as polygons), time from the call to the end of the redraw;
- ``draw_cpu_s``, ``pan_cpu_ms``, ``zoom_cpu_ms``: CPU time of Chromium's renderer processes over the same
  spans (psutil; 10 ms ticks, so per pan the mean of 12): on a shared machine, wall times grow with its load and
  CPU times much less;
- ``heap_mb``: the JS heap in use plus ArrayBuffer backing stores (CDP ``Runtime.getHeapUsage``: typed arrays
  live outside the V8 heap) after a forced garbage collection, and the peak seen during the run;
- ``requests``: requests the page tried (for explore(), its CDN assets are served from the installed
  xstatic-leaflet so that it can draw at all; the rest are aborted).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path
from typing import Final

import numpy as np

OUT: Final = Path(__file__).resolve().parent / "out"
CELL_M: Final = 30.0
JITTER: Final = 0.2
PLANAR: Final = "EPSG:5186"
CATEGORY_WEIGHTS: Final = {"장": 0.3, "도": 0.15, "대": 0.2, "전": 0.1, "답": 0.1, "임": 0.1, "잡": 0.05}
DESKTOP: Final = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}
PHONE: Final = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
TARGETS: Final = {"size_mb": 60, "after_load_s": 3.0, "redraw_ms": 200, "heap_mb": 1024}
MB: Final = 1024 * 1024
#: How long a page may take to load and draw before it counts as failed.
LOAD_TIMEOUT_MS: Final = 180_000
MAPS: Final = ("ours", "parcels_map", "explore")
MAP_JS: Final = "window[document.querySelector('.folium-map').id]"


def _jitter(gx: np.ndarray, gy: np.ndarray, salt: int) -> np.ndarray:
    """A deterministic offset in [-JITTER, JITTER] (cells) per grid point."""
    h = (gx.astype(np.uint64) * np.uint64(73856093)) ^ (gy.astype(np.uint64) * np.uint64(19349663)) ^ np.uint64(salt)
    h = (h * np.uint64(2654435761)) % np.uint64(1 << 32)
    return (h.astype(np.float64) / (1 << 32) * 2 - 1) * JITTER


def generate(count: int, *, seed: int = 0):
    """About ``count`` parcels of eight vertices in EPSG:4326 (cached), with pnu, jibun and category_number."""
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    import geo
    from geo.maps import landuse

    path = OUT / f"landuse-{count}.parquet"
    if path.exists():
        return gpd.read_parquet(path)
    OUT.mkdir(parents=True, exist_ok=True)
    zones = geo.load_zones().to_crs(PLANAR)
    minx, miny, maxx, maxy = zones.total_bounds
    side = math.ceil(math.sqrt(count))
    x0 = (minx + maxx) / 2 - side * CELL_M / 2
    y0 = (miny + maxy) / 2 - side * CELL_M / 2
    # Grid points at half-cell steps: corners at even (i, j), edge points at one odd index; jittered by position.
    half = np.arange(2 * side + 1)
    gx, gy = np.meshgrid(half, half)
    edge = (gx % 2) + (gy % 2) == 1
    inner_x = (0 < gx) & (gx < 2 * side)
    inner_y = (0 < gy) & (gy < 2 * side)
    scale = np.where(edge, 0.5, 1.0)
    px = x0 + (gx / 2 + _jitter(gx, gy, 1) * scale * (inner_x | edge & (gx % 2 == 1))) * CELL_M
    py = y0 + (gy / 2 + _jitter(gx, gy, 2) * scale * (inner_y | edge & (gy % 2 == 1))) * CELL_M
    lon, lat = Transformer.from_crs(PLANAR, "EPSG:4326", always_xy=True).transform(px, py)
    i, j = np.meshgrid(np.arange(side), np.arange(side))
    i, j = 2 * i.ravel(), 2 * j.ravel()
    steps = [(0, 0), (1, 0), (2, 0), (2, 1), (2, 2), (1, 2), (0, 2), (0, 1), (0, 0)]
    ring = np.stack([np.stack([lon[j + dy, i + dx], lat[j + dy, i + dx]], -1) for dx, dy in steps], axis=1)
    n = len(ring)
    rng = np.random.default_rng(seed)
    codes = np.array(list(CATEGORY_WEIGHTS))
    category = codes[rng.choice(len(codes), size=n, p=np.array(list(CATEGORY_WEIGHTS.values())))]
    numbers = np.arange(n)
    jibun = [f"{k % 9000 + 1}-{k // 9000 % 90 + 1} {c}" for k, c in zip(numbers.tolist(), category, strict=True)]
    frame = gpd.GeoDataFrame(
        {"pnu": [f"2920010{k:012d}" for k in numbers.tolist()], "jibun": jibun},
        geometry=shapely.polygons(ring),
        crs="EPSG:4326",
    )
    frame["category_number"] = landuse.category_numbers(frame)
    frame.to_parquet(path, index=False)
    return frame


def zone_for(parcels):
    """One zone: the parcels' extent shrunk by 10 % on each side."""
    import geopandas as gpd
    import shapely

    west, south, east, north = parcels.total_bounds
    dx, dy = (east - west) * 0.1, (north - south) * 0.1
    return gpd.GeoDataFrame(
        {
            "feature_id": ["bench"],
            "zone_id": ["bench"],
            "name_ko": ["벤치"],
            "name_en": ["Bench"],
            "name_ja": ["ベンチ"],
        },
        geometry=[shapely.box(west + dx, south + dy, east - dx, north - dy)],
        crs="EPSG:4326",
    )


def build_ours(parcels, folder: Path) -> tuple[Path, dict]:
    import geo.parcels
    from geo.maps import landuse

    zones = zone_for(parcels)
    began = time.perf_counter()
    audit = geo.parcels.land_audit(zones, parcels[["jibun", "geometry"]])
    audited = time.perf_counter()
    (path,) = landuse.write_landuse_maps(folder, zones, parcels, audit, languages=["en"])
    built = time.perf_counter()
    return path, {"audit_s": round(audited - began, 1), "build_s": round(built - audited, 1)}


def build_parcels_map(parcels, folder: Path) -> tuple[Path, dict]:
    from geo import maps

    began = time.perf_counter()
    html = maps.render_html(maps.parcels_map(parcels[["geometry"]], language="en"))
    path = folder / "parcels_map.html"
    path.write_text(html, encoding="utf-8")
    return path, {"build_s": round(time.perf_counter() - began, 1)}


def build_explore(parcels, folder: Path) -> tuple[Path, dict]:
    began = time.perf_counter()
    frame = parcels[["pnu", "jibun", "geometry"]].assign(category=parcels["jibun"].str[-1])
    m = frame.explore(column="category", categorical=True)
    path = folder / "explore.html"
    m.save(str(path))
    return path, {"build_s": round(time.perf_counter() - began, 1)}


def _leaflet_route(route) -> None:
    """explore() links Leaflet from a CDN: serve it from xstatic-leaflet (offline), abort everything else."""
    from geo.maps import _assets

    url = route.request.url
    if url.startswith(("file:", "data:")):
        route.continue_()
    elif url.endswith("/leaflet.js"):
        route.fulfill(body=_assets.leaflet_js(), content_type="application/javascript")
    elif url.endswith("/leaflet.css"):
        route.fulfill(body=_assets.leaflet_css(), content_type="text/css")
    else:
        route.abort()


def measure(browser, path: Path, *, ours: bool, device: dict, interact: bool = True) -> dict:
    from playwright.sync_api import Error as PlaywrightError

    requests: list[str] = []
    context = browser.new_context(**device)

    def route(r) -> None:
        if not r.request.url.startswith(("file:", "data:")):
            requests.append(r.request.url)
        if ours:
            r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort()
        else:
            _leaflet_route(r)

    context.route("**/*", route)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    peak = [0.0]

    def heap(collect: bool = False) -> float:
        """JS heap in use plus ArrayBuffer backing stores (typed arrays live outside the V8 heap), MB."""
        if collect:
            cdp.send("HeapProfiler.collectGarbage")
        usage = cdp.send("Runtime.getHeapUsage")
        used = (usage["usedSize"] + usage.get("backingStorageSize", 0)) / MB
        peak[0] = max(peak[0], used)
        return used

    crashed: list[bool] = []
    page.on("crash", lambda _page: crashed.append(True))
    cpu0 = renderer_cpu_s()
    try:
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=LOAD_TIMEOUT_MS)
        if ours:
            page.wait_for_selector("[data-tb-drawn]", state="attached", timeout=LOAD_TIMEOUT_MS)
            drawn = page.evaluate("performance.getEntriesByName('tb-landuse-drawn')[0].startTime")
        else:
            drawn = page.evaluate(
                "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
            )
    except PlaywrightError as error:
        context.close()
        what = "the page crashed" if crashed else f"not drawn within {LOAD_TIMEOUT_MS // 1000} s"
        return {"failed": what, "error": str(error).splitlines()[0][:120]}
    cpu_draw = renderer_cpu_s() - cpu0
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    heap()
    result = {
        "load_s": round(loaded / 1000, 2),
        "draw_s": round(drawn / 1000, 2),
        "after_load_s": round(max(0.0, drawn - loaded) / 1000, 2),
        "draw_cpu_s": round(cpu_draw, 2),
    }
    pans: list[list[float]] = []
    zooms: list[list[float]] = []
    cpu = {"pan": [0.0, 0], "zoom": [0.0, 0]}
    for step in (0, 2, 2) if interact else ():
        if step:
            page.evaluate(f"{MAP_JS}.setZoom({MAP_JS}.getZoom() + {step}, {{animate: false}})")
        pans.append([])
        zooms.append([])
        for dx in (200, -200, 200, -200):
            before = renderer_cpu_s()
            pans[-1].append(_timed(page, f"{MAP_JS}.panBy([{dx}, {dx // 2}], {{animate: false}})"))
            cpu["pan"][0] += renderer_cpu_s() - before
            cpu["pan"][1] += 1
            heap()
        for dz in (1, -1):
            before = renderer_cpu_s()
            zooms[-1].append(_timed(page, f"{MAP_JS}.setZoom({MAP_JS}.getZoom() + {dz}, {{animate: false}})"))
            cpu["zoom"][0] += renderer_cpu_s() - before
            cpu["zoom"][1] += 1
            heap()
    if ours:
        result["polygons_last_frame"] = page.evaluate(f"{MAP_JS}.tbParcels.lastDraw.polygons")
    every_pan = [t for level in pans for t in level] or [math.nan]
    every_zoom = [t for level in zooms for t in level] or [math.nan]
    result.update(
        {
            "pan_ms": _rounded(max(every_pan)),
            "pan_median_ms": _rounded(np.median(every_pan)),
            "pan_ms_by_zoom": [round(max(level)) for level in pans],
            "pan_cpu_ms": round(cpu["pan"][0] / max(1, cpu["pan"][1]) * 1000),
            "zoom_ms": _rounded(max(every_zoom)),
            "zoom_median_ms": _rounded(np.median(every_zoom)),
            "zoom_ms_by_zoom": [round(max(level)) for level in zooms],
            "zoom_cpu_ms": round(cpu["zoom"][0] / max(1, cpu["zoom"][1]) * 1000),
            "heap_mb": round(heap(collect=True)),
            "heap_peak_mb": round(peak[0]),
            "requests": len(requests),
            "errors": errors[:3],
        }
    )
    context.close()
    return result


def _rounded(value: float) -> int | None:
    """Milliseconds rounded, None when not measured."""
    return None if math.isnan(value) else round(float(value))


def renderer_cpu_s() -> float:
    """CPU seconds (user + system) used so far by Chromium's renderer processes (one page open at a time)."""
    import psutil

    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            if "--type=renderer" in " ".join(child.cmdline()):
                times = child.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            continue
    return total


def _timed(page, call: str) -> float:
    """Milliseconds from ``call`` to the end of the frame that shows its result."""
    return page.evaluate(
        "new Promise(r => { const t0 = performance.now(); " + call + "; "
        "requestAnimationFrame(() => r(performance.now() - t0)); })"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--others-at", type=int, default=100_000, help="size at which explore() and parcels_map run")
    parser.add_argument("--skip-others", action="store_true")
    parser.add_argument(
        "--no-interaction", action="store_true", help="only load, first drawing and heap (no pans or zooms)"
    )
    parser.add_argument("--maps", nargs="+", choices=MAPS, default=list(MAPS), help="which maps to measure")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from geo import screenshot

    folder = OUT / "landuse-maps"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=screenshot.require_browser())
        sizes = sorted(set(args.sizes) | (set() if args.skip_others else {args.others_at}))
        for size in sizes:
            parcels = generate(size)
            builders = [("ours (landuse_map)", build_ours, True)] if size in args.sizes and "ours" in args.maps else []
            if size == args.others_at and not args.skip_others:
                builders += [
                    *([("parcels_map (today)", build_parcels_map, False)] if "parcels_map" in args.maps else []),
                    *([("geopandas explore()", build_explore, False)] if "explore" in args.maps else []),
                ]
            for name, build, ours in builders:
                sub = folder / f"{size}"
                sub.mkdir(exist_ok=True)
                try:
                    path, built = build(parcels, sub)
                except ImportError as error:  # explore() without matplotlib and mapclassify
                    print(json.dumps({"map": name, "skipped": str(error)[:120]}), flush=True)
                    continue
                size_mb = path.stat().st_size / MB
                for device_name, device in (("desktop", DESKTOP), ("phone", PHONE)):
                    row = {"map": name, "parcels": len(parcels), "device": device_name, "size_mb": round(size_mb, 1)}
                    row.update(built)
                    row.update(measure(browser, path, ours=ours, device=device, interact=not args.no_interaction))
                    rows.append(row)
                    print(json.dumps(row, ensure_ascii=False), flush=True)
        browser.close()
    print(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
                "load_average": os.getloadavg(),
                "targets": TARGETS,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
