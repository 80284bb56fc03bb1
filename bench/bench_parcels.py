"""Parcel land audit at national size: geo.parcels.land_audit on threads and on a LocalCluster.

    python bench/bench_parcels.py [--parcels 1000000 3000000 10000000] [--variants threads cluster analyst]
                                  [--order shuffled bands] [--repeat 1]

Synthetic cadastre in EPSG:5186 on a square centred on the bundled zones (``geo.load_zones()``), written once
under ``bench/out/parcels-N-ORDER/`` as GeoParquet partitions of :data:`PARTITION_PARCELS` parcels (``bench/out``
is not tracked):

- parcels tile the square as a mesh: columns and rows :data:`CELL_MIN_M` to :data:`CELL_MAX_M` m wide, in
  bands of small (town), middling and large (field, forest) lots, so parcels run from about 150 m² to 3,600 m²;
  corners are jittered and shared by neighbours, and each side has :data:`SIDE_POINTS` jittered points of its
  own, shared too (13 coordinates a parcel, as a surveyed lot outline has about a dozen corners);
- one cell in :data:`HOLE_EVERY` is a parcel with a hole and a second parcel filling the hole; one in
  :data:`MULTI_EVERY` is cut by a 3 m strip into a MultiPolygon (the strip belongs to no parcel);
- every parcel has a text ``pnu`` (19 digits: Gwangju district and dong codes, mountain flag, main and sub lot
  number), a ``jibun`` ending in its land category (지목; ``산12 임`` for forest), an address, the lot numbers
  and a land price, so that reading only the two columns needed matters. Categories are drawn with the
  invented weights :data:`CATEGORY_WEIGHTS` (a mix, not a statistic).

``--order shuffled`` (the default) writes the parcels in random order: every partition spans the whole square,
so no partition can be skipped by its bounding box and every one is read (the run checks that the audit read
every parcel). ``--order bands`` writes them south to north, so the partitions away from the zones are skipped.

Each variant runs in its own subprocess, and the report gives its wall time, the CPU time of its process tree
(user + system, workers included), the peak memory of its process tree (RSS summed over the processes, sampled
every :data:`SAMPLE_S` s; PSS beside it, which counts shared libraries once) and the load average before and
after:

- ``threads``: ``land_audit(zones, folder)`` on dask's threads (2 cores here);
- ``cluster``: the same on a ``dask.distributed.LocalCluster(n_workers=2, threads_per_worker=1)`` of processes,
  cluster start-up included;
- ``analyst`` (only when asked; it holds every parcel in memory): ``geopandas.read_parquet`` of everything,
  ``geopandas.overlay``, ``.to_crs(5186).area``, groupby zone and jibun suffix.

The threads and cluster totals must be equal bit for bit; a line says whether they are. With two or more parcel
counts, the report ends with a least-squares line through the time and the memory of each variant and its
value at the national cadastre's :data:`NATIONAL_PARCELS` parcels.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Final

import numpy as np

OUT: Final = Path(__file__).resolve().parent / "out"
#: Parcels per GeoParquet partition (one row group each).
PARTITION_PARCELS: Final = 100_000
#: Widths of the mesh's columns and heights of its rows (m): small lots in towns, large ones in fields.
CELL_MIN_M: Final = 12.0
CELL_MAX_M: Final = 60.0
#: Columns (and rows) per band of one lot size.
SIZE_BAND_CELLS: Final = 48
#: Corner jitter and side-point jitter (m).
CORNER_JITTER_M: Final = 2.0
SIDE_JITTER_M: Final = 1.0
#: Points of its own on each side of a parcel, besides the corners.
SIDE_POINTS: Final = 2
#: One cell in this many is a parcel with a hole (plus the parcel in the hole); one in MULTI_EVERY a MultiPolygon.
HOLE_EVERY: Final = 1000
MULTI_EVERY: Final = 2000
STRIP_M: Final = 3.0
SAMPLE_S: Final = 0.05
PLANAR: Final = "EPSG:5186"
NATIONAL_PARCELS: Final = 39_000_000
#: Invented weights of the land categories (지목 abbreviations), not a statistic.
CATEGORY_WEIGHTS: Final = {
    "임": 0.25, "답": 0.18, "대": 0.18, "전": 0.12, "도": 0.10, "장": 0.05, "잡": 0.03, "구": 0.03, "천": 0.02,
    "공": 0.01, "학": 0.01, "차": 0.01, "주": 0.01,
}  # fmt: skip
#: Gwangju's five districts (시군구 codes of the PNU) and a few dong names for the addresses.
DISTRICTS: Final = {"29110": "동구", "29140": "서구", "29155": "남구", "29170": "북구", "29200": "광산구"}
DONGS: Final = ("하남동", "장덕동", "흑석동", "오선동", "진곡동", "안청동", "도천동", "월곡동", "송정동", "평동")
VARIANTS: Final = ("threads", "cluster", "analyst")
_GOLDEN: Final = 0x9E3779B97F4A7C15


def _hash_unit(*keys: np.ndarray, salt: int) -> np.ndarray:
    """A deterministic pseudo-random number in [0, 1) per element of the integer arrays ``keys``."""
    h = np.full(np.broadcast(*keys).shape, np.uint64(salt * _GOLDEN % 2**64))
    for key in keys:
        h ^= np.asarray(key).astype(np.uint64) + np.uint64(_GOLDEN) + (h << np.uint64(6))
        h = (h ^ (h >> np.uint64(31))) * np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
    return (h >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _grid_lines(count: int, salt: int) -> np.ndarray:
    """``count + 1`` increasing positions (m from 0) of the mesh's lines: bands of small, middling, large lots."""
    index = np.arange(count)
    size_class = np.floor(_hash_unit(index // SIZE_BAND_CELLS, salt=salt) * 3)  # 0 town, 1 mixed, 2 field
    low = CELL_MIN_M + size_class * (CELL_MAX_M - CELL_MIN_M) / 4
    widths = low + _hash_unit(index, salt=salt + 1) * (CELL_MAX_M - CELL_MIN_M) / 2
    return np.concatenate([[0.0], np.cumsum(np.minimum(widths, CELL_MAX_M))])


class Mesh:
    """The synthetic cadastre: cell k of ``cells`` is column ``k % side``, row ``k // side`` of the mesh."""

    def __init__(self, count: int) -> None:
        import geo

        self.count = count
        # Cells plus the parcels filling the holes make exactly ``count`` parcels.
        cells = count
        for _ in range(10):
            cells = count - (cells // HOLE_EVERY)
        self.cells = cells
        self.side = math.ceil(math.sqrt(cells))
        self.xs = _grid_lines(self.side, salt=1)
        self.ys = _grid_lines(self.side, salt=2)
        minx, miny, maxx, maxy = geo.load_zones().to_crs(PLANAR).total_bounds
        self.x0 = (minx + maxx) / 2 - self.xs[-1] / 2
        self.y0 = (miny + maxy) / 2 - self.ys[-1] / 2

    def corner(self, gx: np.ndarray, gy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        inner_x = (gx > 0) & (gx < self.side)
        inner_y = (gy > 0) & (gy < self.side)
        jx = (_hash_unit(gx, gy, salt=3) * 2 - 1) * CORNER_JITTER_M * inner_x
        jy = (_hash_unit(gx, gy, salt=4) * 2 - 1) * CORNER_JITTER_M * inner_y
        return self.x0 + self.xs[gx] + jx, self.y0 + self.ys[gy] + jy

    def side_points(self, gx: np.ndarray, gy: np.ndarray, *, vertical: bool) -> np.ndarray:
        """(n, SIDE_POINTS, 2) points of the side from corner (gx, gy) east (or north), in that direction."""
        ax, ay = self.corner(gx, gy)
        bx, by = self.corner(gx + (not vertical), gy + vertical)
        t = np.arange(1, SIDE_POINTS + 1) / (SIDE_POINTS + 1)
        salt = 10 if vertical else 20
        wobble = _hash_unit(gx[:, None], gy[:, None], np.arange(SIDE_POINTS)[None], salt=salt) * 2 - 1
        border = (gx == 0) | (gx == self.side) if vertical else (gy == 0) | (gy == self.side)
        wobble = wobble * SIDE_JITTER_M * ~border[:, None]
        x = ax[:, None] + (bx - ax)[:, None] * t + (wobble if vertical else 0)
        y = ay[:, None] + (by - ay)[:, None] * t + (0 if vertical else wobble)
        return np.stack([x, y], axis=-1)

    def rings(self, cell: np.ndarray) -> np.ndarray:
        """(n, 4 + 4 SIDE_POINTS + 1, 2) counter-clockwise closed outlines of the cells."""
        gx, gy = cell % self.side, cell // self.side
        corners = [
            np.stack(self.corner(gx + dx, gy + dy), axis=-1)[:, None] for dx, dy in ((0, 0), (1, 0), (1, 1), (0, 1))
        ]
        south = self.side_points(gx, gy, vertical=False)
        east = self.side_points(gx + 1, gy, vertical=True)
        north = self.side_points(gx, gy + 1, vertical=False)[:, ::-1]
        west = self.side_points(gx, gy, vertical=True)[:, ::-1]
        return np.concatenate([corners[0], south, corners[1], east, corners[2], north, corners[3], west, corners[0]], 1)

    def frame(self, cell: np.ndarray):  # -> geopandas.GeoDataFrame
        """The parcels of ``cell`` (in that order), then those filling the holes of the cells that have one."""
        import geopandas as gpd
        import shapely

        rings = self.rings(cell)
        geometry = shapely.polygons(rings)
        holed = cell[cell % HOLE_EVERY == HOLE_EVERY - 1]
        hole_rings = np.empty((0, 5, 2))
        if len(holed):
            where = np.flatnonzero(cell % HOLE_EVERY == HOLE_EVERY - 1)
            centre = rings[where, :-1].mean(axis=1)
            half = 0.15 * np.minimum(np.ptp(rings[where, :, 0], axis=1), np.ptp(rings[where, :, 1], axis=1))
            square = np.array([[-1, -1], [-1, 1], [1, 1], [1, -1], [-1, -1]])  # clockwise: a hole
            hole_rings = centre[:, None] + half[:, None, None] * square
            geometry[where] = shapely.polygons(rings[where], holes=shapely.linearrings(hole_rings)[:, None])
        multi = np.flatnonzero(cell % MULTI_EVERY == 1)
        if len(multi):
            mid = rings[multi, :-1, 0].mean(axis=1)
            strip = shapely.box(
                mid - STRIP_M / 2, rings[multi, :, 1].min(1) - 1, mid + STRIP_M / 2, rings[multi, :, 1].max(1) + 1
            )
            geometry[multi] = shapely.difference(geometry[multi], strip)
        geometry = np.concatenate([geometry, shapely.polygons(hole_rings[:, ::-1])])
        number = np.concatenate([cell, self.cells + holed // HOLE_EVERY])
        return gpd.GeoDataFrame(_attributes(number), geometry=geometry, crs=PLANAR)


def _attributes(number: np.ndarray) -> dict:
    """PNU, jibun, address, lot numbers and land price of parcels by their number (deterministic)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    codes = np.array(list(CATEGORY_WEIGHTS))
    cumulative = np.cumsum(list(CATEGORY_WEIGHTS.values()))
    category = codes[np.minimum(np.searchsorted(cumulative, _hash_unit(number, salt=5)), len(codes) - 1)]
    forest = category == "임"
    district = np.array(list(DISTRICTS))[(number // 2_000_000) % len(DISTRICTS)]
    dong = (number // 100_000) % len(DONGS)
    main = (number // 7) % 9999 + 1
    sub = number % 7
    pnu = (
        district.astype(np.int64) * 10**14 + (101 + dong) * 10**11 + np.where(forest, 2, 1) * 10**8 + main * 10**4 + sub
    )

    def text(values: np.ndarray) -> pa.Array:
        return pa.array(values).cast(pa.string())

    lot = pc.if_else(pa.array(sub > 0), pc.binary_join_element_wise(text(main), text(sub), "-"), text(main))
    lot = pc.if_else(pa.array(forest), pc.binary_join_element_wise("산", lot, ""), lot)
    jibun = pc.binary_join_element_wise(lot, pa.array(category), " ")
    names = np.array([DISTRICTS[d] for d in DISTRICTS])[(number // 2_000_000) % len(DISTRICTS)]
    address = pc.binary_join_element_wise("광주광역시", pa.array(names), pa.array(np.array(DONGS)[dong]), lot, " ")
    return {
        "pnu": text(pnu).to_pandas(),
        "jibun": jibun.to_pandas(),
        "addr": address.to_pandas(),
        "bonbun": main,
        "bubun": sub,
        "jiga": (10_000 + _hash_unit(number, salt=6) * 3_000_000).astype(np.int64),
    }


def generate(count: int, order: str, *, seed: int = 0) -> Path:
    """Write ``count`` parcels as GeoParquet partitions in ``order``; reuse them when already there."""
    folder = OUT / f"parcels-{count}-{order}"
    done = folder / "_done"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    mesh = Mesh(count)
    cells = np.arange(mesh.cells)
    if order == "shuffled":
        cells = np.random.default_rng(seed).permutation(cells)
    written = 0
    for part, chunk in enumerate(np.array_split(cells, max(1, round(count / PARTITION_PARCELS)))):
        frame = mesh.frame(chunk)
        frame.to_parquet(folder / f"part.{part:04d}.parquet", index=False)
        written += len(frame)
    done.write_text(str(written))
    print(f"wrote {written:,} parcels in {part + 1} partitions to {folder}", file=sys.stderr)
    return folder


class _Counter(logging.Handler):
    """Keeps the audit's count of the parcels it read."""

    parcels = partitions = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("land audit: read"):
            self.parcels, self.partitions = record.args


def run_variant(variant: str, folder: Path) -> dict:
    """Run one variant in this process and return its per (zone, category) result and what it read."""
    import geo
    from geo import parcels

    zones = geo.load_zones()
    if variant == "analyst":
        import geopandas as gpd

        frame = gpd.read_parquet(folder, columns=["jibun", "geometry"])
        pieces = gpd.overlay(frame, zones.to_crs(frame.crs), how="intersection")
        pieces["m2"] = pieces.to_crs(PLANAR).area
        pieces["category"] = pieces["jibun"].str.strip().str[-1]
        table = pieces.groupby(["feature_id", "category"])["m2"].agg(["count", "sum"])
        return {"result": {f"{z}|{c}": [int(n), float(s)] for (z, c), (n, s) in table.iterrows()}, "read": len(frame)}
    counter = _Counter()
    logger = logging.getLogger("geo.parcels")
    logger.addHandler(counter)
    logger.setLevel(logging.INFO)
    if variant == "threads":
        audit = parcels.land_audit(zones, folder, scheduler="threads")
    elif variant == "cluster":
        from distributed import LocalCluster

        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        ) as cluster:
            audit = parcels.land_audit(zones, folder, scheduler=cluster.scheduler_address)
    else:
        raise ValueError(variant)
    rows = audit[audit["category"].notna()]
    result = {f"{r.feature_id}|{r.category}": [int(r.parcels), float(r.area_m2)] for r in rows.itertuples()}
    result |= {f"{r.feature_id}|covered": [0, float(r.covered_m2)] for r in audit.itertuples()}
    return {"result": result, "read": counter.parcels, "partitions": counter.partitions}


def measure(variant: str, folder: Path) -> dict:
    """Wall time, CPU time and peak memory of the process tree of one variant, run in a fresh subprocess."""
    import psutil

    out = folder.parent / f"result-{folder.name}-{variant}.json"
    load_before = os.getloadavg()
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--run", variant, "--data", str(folder), "--result", str(out)])
    process = psutil.Process(child.pid)
    peak_rss = peak_pss = 0
    cpu: dict[int, float] = {}
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        try:
            tree = [process, *process.children(recursive=True)]
            rss = pss = 0
            for p in tree:
                with p.oneshot():
                    memory = p.memory_full_info()
                    times = p.cpu_times()
                rss, pss = rss + memory.rss, pss + memory.pss
                cpu[p.pid] = times.user + times.system
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        except psutil.Error:
            pass
        time.sleep(SAMPLE_S)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{variant} failed with exit code {child.returncode}")
    # wait4 counts the child and the workers it waited for; the samples are a floor if one was not waited for.
    cpu_s = max(usage.ru_utime + usage.ru_stime, sum(cpu.values()))
    answer = json.loads(out.read_text())
    return {
        "seconds": seconds,
        "cpu_s": cpu_s,
        "rss_mib": peak_rss / 2**20,
        "pss_mib": peak_pss / 2**20,
        "load": (load_before[0], os.getloadavg()[0]),
        **answer,
    }


def _machine() -> str:
    import psutil

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({model or platform.processor()}), {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, nargs="+", default=[1_000_000, 3_000_000, 10_000_000])
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=["threads", "cluster"])
    parser.add_argument("--order", choices=("shuffled", "bands"), default="shuffled")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each variant (alternating); medians reported")
    parser.add_argument("--run", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        args.result.write_text(json.dumps(run_variant(args.run, args.data)))
        return

    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {_machine()}", flush=True)
    lines = [
        "| parcels | variant | seconds | CPU s | peak RSS MiB | peak PSS MiB | load before → after | parcels read |",
        "|---:|---|---:|---:|---:|---:|---|---:|",
    ]
    fits: dict[str, list[tuple[int, float, float, float]]] = {}
    for count in args.parcels:
        start = time.perf_counter()
        folder = generate(count, args.order)
        files = len(list(folder.glob("*.parquet")))
        print(f"{count:,} parcels ({args.order}, {files} partitions) ready in {time.perf_counter() - start:.0f} s")
        runs: dict[str, list[dict]] = {variant: [] for variant in args.variants}
        for _ in range(args.repeat):
            for variant in args.variants:
                runs[variant].append(measure(variant, folder))
        for variant, done in runs.items():
            seconds = statistics.median(r["seconds"] for r in done)
            cpu_s = statistics.median(r["cpu_s"] for r in done)
            rss = statistics.median(r["rss_mib"] for r in done)
            pss = statistics.median(r["pss_mib"] for r in done)
            loads = ", ".join(f"{a:.1f} → {b:.1f}" for a, b in (r["load"] for r in done))
            read = done[0]["read"]
            if variant != "analyst" and read != count:
                raise SystemExit(f"{variant} read {read} parcels of {count}: a partition was skipped")
            lines.append(
                f"| {count:,} | {variant} | {seconds:.1f} | {cpu_s:.1f} | {rss:,.0f} | {pss:,.0f} | {loads} "
                f"| {read:,} |"
            )
            fits.setdefault(variant, []).append((count, seconds, cpu_s, rss))
        if "threads" in runs and "cluster" in runs:
            same = all(r["result"] == runs["threads"][0]["result"] for r in runs["cluster"] + runs["threads"])
            lines.append(f"| {count:,} | cluster == threads, bit for bit | {same} | | | | | |")
        print("\n".join(lines), flush=True)
    for variant, points in fits.items():
        if len({p[0] for p in points}) < 2:
            continue
        n = np.array([p[0] for p in points], dtype=float) / 1e6
        parts = []
        for label, column, unit in (("wall", 1, "s"), ("CPU", 2, "s"), ("peak RSS", 3, "MiB")):
            slope, base = np.polyfit(n, [p[column] for p in points], 1)
            national = base + slope * NATIONAL_PARCELS / 1e6
            parts.append(f"{label} {base:.1f} {unit} + {slope:.2f} {unit} per million ({national:,.0f} {unit} at 39M)")
        print(f"{variant}: " + "; ".join(parts))


if __name__ == "__main__":
    main()
