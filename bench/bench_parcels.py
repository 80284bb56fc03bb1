"""Parcel land audit: geo.parcels.land_audit against the analyst's single-process geopandas script.

    python bench/bench_parcels.py [--parcels 1000000 5000000] [--variants analyst threads cluster]
                                  [--order bands shuffled]

Synthetic cadastre: a mesh of quadrilateral parcels about :data:`CELL_M` m across (corners jittered, shared by
neighbours, as in a real cadastre) in EPSG:5186 on a square centred on the bundled zones (``geo.load_zones()``),
each with a ``pnu`` and a ``jibun`` ending in a land category drawn with :data:`CATEGORY_WEIGHTS`. They are written
once under ``bench/out/parcels-N/`` as GeoParquet partitions, bands of rows in south-to-north order (so each file's
bbox is a band, and the bands that miss the zones are never read); with ``--order shuffled`` the same parcels in
random order (``bench/out/parcels-N-shuffled/``), so every partition spans the whole square and all are read.
Each variant runs in its own subprocess; wall time and the peak resident memory of that process and all its
children (summed, sampled every :data:`SAMPLE_S` s with psutil) are reported:

- ``analyst``: ``geopandas.read_parquet`` of everything, ``geopandas.overlay(parcels, zones, how="intersection")``,
  ``.to_crs(5186).area``, groupby zone and jibun suffix;
- ``threads``: ``land_audit(zones, folder)`` on dask's threads (2 cores here);
- ``cluster``: the same on a ``dask.distributed.LocalCluster(n_workers=2, threads_per_worker=1)`` of processes.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path
from typing import Final

import numpy as np

OUT: Final = Path(__file__).resolve().parent / "out"
CELL_M: Final = 30.0
JITTER: Final = 0.2
PARTITION_PARCELS: Final = 100_000
SAMPLE_S: Final = 0.05
PLANAR: Final = "EPSG:5186"
CATEGORY_WEIGHTS: Final = {"장": 0.3, "도": 0.15, "대": 0.2, "전": 0.1, "답": 0.1, "임": 0.1, "잡": 0.05}
VARIANTS: Final = ("analyst", "threads", "cluster")


def _data_folder(name: str) -> tuple[Path, Path]:
    """The folder of a data set and its ``_done`` marker; a folder left unfinished is emptied first."""
    folder = OUT / name
    done = folder / "_done"
    if not done.exists():
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.parquet"):
            old.unlink()
    return folder, done


def generate(count: int, *, seed: int = 0) -> Path:
    """Write about ``count`` parcels as GeoParquet partitions; reuse them when already there."""
    import geopandas as gpd
    import shapely

    import geo

    folder, done = _data_folder(f"parcels-{count}")
    if done.exists():
        return folder
    zones = geo.load_zones().to_crs(PLANAR)
    minx, miny, maxx, maxy = zones.total_bounds
    side = math.ceil(math.sqrt(count))
    x0 = (minx + maxx) / 2 - side * CELL_M / 2
    y0 = (miny + maxy) / 2 - side * CELL_M / 2
    rows_per_band = max(1, PARTITION_PARCELS // side)
    rng = np.random.default_rng(seed)
    codes = np.array(list(CATEGORY_WEIGHTS))
    weights = np.array(list(CATEGORY_WEIGHTS.values()))
    written = 0
    for band, row0 in enumerate(range(0, side, rows_per_band)):
        rows = min(rows_per_band, side - row0)
        # Corners of rows row0..row0+rows; jitter is a function of the corner's position, so bands agree.
        ix = np.arange(side + 1)
        iy = np.arange(row0, row0 + rows + 1)
        gx, gy = np.meshgrid(ix, iy)
        jx = _hash_jitter(gx, gy, 1) * (0 < gx) * (gx < side)
        jy = _hash_jitter(gx, gy, 2) * (0 < gy) * (gy < side)
        cx = x0 + (gx + jx) * CELL_M
        cy = y0 + (gy + jy) * CELL_M
        ring = np.stack(
            [
                np.stack([cx[:-1, :-1], cy[:-1, :-1]], -1),
                np.stack([cx[:-1, 1:], cy[:-1, 1:]], -1),
                np.stack([cx[1:, 1:], cy[1:, 1:]], -1),
                np.stack([cx[1:, :-1], cy[1:, :-1]], -1),
                np.stack([cx[:-1, :-1], cy[:-1, :-1]], -1),
            ],
            axis=2,
        ).reshape(-1, 5, 2)
        n = len(ring)
        numbers = np.arange(written, written + n)
        category = codes[rng.choice(len(codes), size=n, p=weights)]
        jibun = [f"{k % 9000 + 1}-{k // 9000 % 90 + 1} {c}" for k, c in zip(numbers.tolist(), category, strict=True)]
        frame = gpd.GeoDataFrame(
            {"pnu": [f"2920010{k:012d}" for k in numbers.tolist()], "jibun": jibun},
            geometry=shapely.polygons(ring),
            crs=PLANAR,
        )
        frame.to_parquet(folder / f"part.{band:04d}.parquet", index=False)
        written += n
    done.write_text(str(written))
    print(f"wrote {written:,} parcels in {band + 1} partitions to {folder}", file=sys.stderr)
    return folder


def shuffled(count: int, *, seed: int = 0) -> Path:
    """The parcels of :func:`generate` in random order, in partitions of the same size; reused when there."""
    import geopandas as gpd
    import pandas as pd

    folder, done = _data_folder(f"parcels-{count}-shuffled")
    if done.exists():
        return folder
    bands = generate(count, seed=seed)
    frame = pd.concat([gpd.read_parquet(path) for path in sorted(bands.glob("*.parquet"))], ignore_index=True)
    frame = frame.iloc[np.random.default_rng(seed + 1).permutation(len(frame))]
    for part, start in enumerate(range(0, len(frame), PARTITION_PARCELS)):
        frame.iloc[start : start + PARTITION_PARCELS].to_parquet(folder / f"part.{part:04d}.parquet", index=False)
    done.write_text(str(len(frame)))
    return folder


def _hash_jitter(gx: np.ndarray, gy: np.ndarray, salt: int) -> np.ndarray:
    """A deterministic pseudo-random offset in [-JITTER, JITTER] per grid corner."""
    h = (gx.astype(np.uint64) * np.uint64(73856093)) ^ (gy.astype(np.uint64) * np.uint64(19349663)) ^ np.uint64(salt)
    h = (h * np.uint64(2654435761)) % np.uint64(1 << 32)
    return (h.astype(float) / float(1 << 32) * 2 - 1) * JITTER


def run_variant(variant: str, folder: Path) -> dict:
    """Run one variant in this process and return its per (zone, category) result."""
    import logging

    import geo
    from geo import parcels

    zones = geo.load_zones()
    if variant == "analyst":
        import geopandas as gpd

        frame = gpd.read_parquet(folder)
        pieces = gpd.overlay(frame, zones.to_crs(frame.crs), how="intersection")
        pieces["m2"] = pieces.to_crs(PLANAR).area
        pieces["category"] = pieces["jibun"].str.strip().str[-1]
        table = pieces.groupby(["feature_id", "category"])["m2"].agg(["count", "sum"])
        return {f"{z}|{c}": [int(n), float(s)] for (z, c), (n, s) in table.iterrows()}
    if variant == "threads":
        audit = parcels.land_audit(zones, folder)
    elif variant == "cluster":
        from distributed import LocalCluster

        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        ) as cluster:
            audit = parcels.land_audit(zones, folder, scheduler=cluster.scheduler_address)
    else:
        raise ValueError(variant)
    rows = audit[audit["category"].notna()]
    return {f"{r.feature_id}|{r.category}": [int(r.parcels), float(r.area_m2)] for r in rows.itertuples()}


def measure(variant: str, folder: Path) -> tuple[float, float, dict]:
    """(seconds, peak MiB of the process tree, result) of one variant in a fresh subprocess."""
    import psutil

    out = folder.parent / f"result-{folder.name}-{variant}.json"
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--run", variant, "--data", str(folder), "--result", str(out)])
    process = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(SAMPLE_S)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"{variant} failed with exit code {child.returncode}")
    return seconds, peak / 2**20, json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--order", nargs="+", choices=("bands", "shuffled"), default=["bands"])
    parser.add_argument("--run", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        args.result.write_text(json.dumps(run_variant(args.run, args.data)))
        return

    header = "| parcels | order | variant | seconds | × analyst time | peak MiB | × analyst memory | max Δ vs threads |"
    lines = [header]
    lines.append("|---:|---|---|---:|---:|---:|---:|---:|")
    for count, order in [(count, order) for count in args.parcels for order in args.order]:
        start = time.perf_counter()
        folder = generate(count) if order == "bands" else shuffled(count)
        print(f"data for {count:,} parcels ({order}) ready in {time.perf_counter() - start:.0f} s", file=sys.stderr)
        results = {variant: measure(variant, folder) for variant in args.variants}
        base_s, base_mib, _ = results.get("analyst", (math.nan, math.nan, None))
        reference = results.get("threads", (None, None, None))[2]
        for variant, (seconds, mib, result) in results.items():
            delta = _max_relative_difference(result, reference) if reference is not None else math.nan
            lines.append(
                f"| {count:,} | {order} | {variant} | {seconds:.1f} | {seconds / base_s:.2f} | {mib:,.0f} "
                f"| {mib / base_mib:.2f} | {delta:.1e} |"
            )
        if reference is not None and "cluster" in results:
            same = results["cluster"][2] == reference
            lines.append(f"| {count:,} | {order} | cluster == threads exactly | {same} | | | | |")
        print("\n".join(lines), flush=True)


def _max_relative_difference(result: dict, reference: dict) -> float:
    keys = set(result) | set(reference)
    worst = 0.0
    for key in keys:
        a = result.get(key, [0, 0.0])[1]
        b = reference.get(key, [0, 0.0])[1]
        worst = max(worst, abs(a - b) / max(abs(b), 1e-300))
    return worst


if __name__ == "__main__":
    main()
