"""The audit of the official boundary layer, against the script an analyst would write for its areas.

    python bench/bench_official.py [--complexes 3000] [--repeat 3]

The layer is shaped as the national export is (the test suite's tests/official_layer.py): a CP949 shapefile
without .cpg in EPSG:5186 with the export's ESRI .prj, upper-case fields, ``--complexes`` complexes across
Korea; Bitgoeul split in two features with part qualifiers (광주)/(함평), a namesake of Jingok 250 km away,
and one complex in ten exploded into two records sharing its ``DAN_ID``. Written once to bench/out/.

- ``analyst``: read the shapefile with geopandas, ``to_crs(5186).area``, write ids and areas as JSON;
- ``ours``: ``triangle-belt audit --zones FILE --format json`` with no flags: the layer recognised, every
  complex matched (whole, namesakes set aside), parts derived, GRS80 and planar areas, the claims, the belt,
  the overlaps and the match table.

Each runs in its own process (bench_audit.py's runner: time, CPU and peak memory of the child); with
``--repeat N`` they alternate and the medians are compared. Target: ours within 2x the analyst's time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from bench_audit import OUT, compare  # noqa: E402
from official_layer import ESRI_5186_WKT, official_frame  # noqa: E402

ANALYST = """
import json, sys
import geopandas as gpd
layer = gpd.read_file(sys.argv[1], encoding="cp949")
areas = layer.to_crs(5186).area
with open(sys.argv[2], "w") as f:
    json.dump([{"id": str(i), "area_m2": float(a)} for i, a in zip(layer["DAN_ID"], areas)], f)
"""
#: One complex in this many is exploded into two records sharing its id.
EXPLODED_EVERY = 10


def official_file(count: int) -> Path:
    """The national layer's shape with ``count`` complexes (cached in bench/out/)."""
    path = OUT / f"damdan_{count}.shp"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    frame = official_frame(count, split_bitgoeul=True, namesake=True)
    others = frame.iloc[4:]
    exploded = others.iloc[::EXPLODED_EVERY]
    west = exploded.copy()
    east = exploded.copy()
    bounds = exploded.geometry.bounds
    middle = (bounds["minx"] + bounds["maxx"]) / 2
    west["geometry"] = shapely.intersection(
        exploded.geometry.values, shapely.box(bounds["minx"], bounds["miny"], middle, bounds["maxy"])
    )
    east["geometry"] = shapely.intersection(
        exploded.geometry.values, shapely.box(middle, bounds["miny"], bounds["maxx"], bounds["maxy"])
    )
    rest = others.drop(index=exploded.index)
    layer = gpd.GeoDataFrame(pd.concat([frame.iloc[:4], rest, west, east]), crs=frame.crs).to_crs("EPSG:5186")
    layer.to_file(path, driver="ESRI Shapefile", encoding="cp949")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    path.with_suffix(".prj").write_text(ESRI_5186_WKT, encoding="ascii")
    print(f"wrote {path.name}: {len(layer):,} records, {layer['DAN_ID'].nunique():,} complexes", flush=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complexes", type=int, nargs="+", default=[3000])
    parser.add_argument("--repeat", type=int, default=1, help="Runs of each variant, alternating (default 1).")
    args = parser.parse_args()
    ours = [sys.executable, "-c", "from geo.cli.main import run; run()"]
    print(f"{'complexes':>10}  {'variant':<8} {'time s':>8} {'cpu s':>8} {'peak MiB':>9} {'output MB':>10} {'load':>6}")
    for count in args.complexes:
        path = official_file(count)
        analyst, output = OUT / f"official_analyst_{count}.json", OUT / f"official_ours_{count}.json"
        commands = {
            "analyst": ([sys.executable, "-c", ANALYST, str(path), str(analyst)], OUT / "analyst_stdout.txt", analyst),
            "ours": ([*ours, "audit", "--zones", str(path), "--format", "json"], output, output),
        }
        compare(f"{count:>10,}", commands, repeat=args.repeat)


if __name__ == "__main__":
    main()
