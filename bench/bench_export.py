"""GeoPackage export time: geo.export against GeoDataFrame.to_file with its defaults.

    python bench/bench_export.py [--parcels 100000] [--repeat 3]

Synthetic parcels: a grid of 40 m squares near Gwangju (separated by 2 m strips, or with ``--adjacent`` sharing
their edges) split into three zones, with the project's zone columns and the audit's areas, so the export
writes what it writes for real data, only more of it.

Compared, each writing a new file in a temporary folder:

- ``to_file``: ``GeoDataFrame.to_file("x.gpkg")`` of the parcels with the same attributes, in EPSG:5186
  (pyogrio, one layer, spatial index): the plain write a user would otherwise do;
- ``export_geopackage``: the whole export: the parcels layer plus the zones dissolved from them, the belt,
  the audit tables, the QGIS styles, column titles and metadata, atomically, byte-reproducible.
- ``zone_parts only``: the parcels layer alone through the export's writer (styles, titles and metadata
  included), to separate the cost of writing from the cost of dissolving and the belt.

The audit itself (areas, claims) is measured once beforehand, as the build does: the export reuses its areas.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import geo
from geo import export
from geo.export import _gpkg, geopackage, zone_tables

ORIGIN_LON, ORIGIN_LAT = 126.70, 35.10
CELL_DEG = 0.0004
PARCEL_SHARE = 0.95
TIMESTAMP = datetime(2024, 1, 1, tzinfo=UTC)


def parcels(count: int, *, adjacent: bool = False) -> gpd.GeoDataFrame:
    """``count`` square parcels on a grid, the first, middle and last third in three zones, EPSG:4326.

    Parcels are 95 % of a cell wide, so a strip separates them as roads do; ``adjacent`` ones share edges.
    """
    side = int(np.ceil(np.sqrt(count)))
    index = np.arange(count)
    x0 = ORIGIN_LON + (index % side) * CELL_DEG
    y0 = ORIGIN_LAT + (index // side) * CELL_DEG
    width = CELL_DEG if adjacent else CELL_DEG * PARCEL_SHARE
    geometry = shapely.box(x0, y0, x0 + width, y0 + width)
    zone = np.array(["bitgoeul", "jingok", "future"])[np.minimum(index * 3 // count, 2)]
    roles = {"bitgoeul": "certification", "jingok": "parts", "future": "demonstration"}
    part = np.char.add("p", index.astype(str))
    return gpd.GeoDataFrame(
        {
            "feature_id": np.char.add(np.char.add(zone.astype(str), "/"), part),
            "zone_id": zone,
            "part": part,
            "name_ko": zone,
            "name_en": zone,
            "name_ja": zone,
            "role": [roles[z] for z in zone],
            "status": "operating",
            "in_belt": True,
            "official_area_m2": np.nan,
            "official_area_source": "",
            "geometry_quality": "supplied",
            "geometry_method": "",
        },
        geometry=geometry,
        crs="EPSG:4326",
    )


def best_of(repeat: int, function) -> float:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            function(Path(folder))
            times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--adjacent", action="store_true", help="parcels share edges (no strip between them)")
    args = parser.parse_args()

    zones = parcels(args.parcels, adjacent=args.adjacent)
    claims = pd.DataFrame({"claim_id": ["belt"], "subject": ["belt"], "claimed_m2": [1.0e8]})
    start = time.perf_counter()
    audit = geo.run_audit(zones, claims)
    audit_s = time.perf_counter() - start

    plain = gpd.GeoDataFrame(
        zone_tables.zone_attributes(zones, audit, short_names=True),
        geometry=zones.geometry.to_crs(geopackage.DEFAULT_EXPORT_CRS).values,
        crs=geopackage.DEFAULT_EXPORT_CRS,
    )
    parts_table = export.geopackage_tables(zones, audit)[0]

    def to_file(folder: Path) -> None:
        plain.to_file(folder / "plain.gpkg")

    def full_export(folder: Path) -> None:
        export.export_geopackage(folder / "export.gpkg", zones, audit, timestamp=TIMESTAMP)

    def parts_only(folder: Path) -> None:
        _gpkg.write_geopackage(folder / "parts.gpkg", [parts_table], timestamp=TIMESTAMP, metadata={})

    to_file_s = best_of(args.repeat, to_file)
    export_s = best_of(args.repeat, full_export)
    parts_s = best_of(args.repeat, parts_only)

    layout = "adjacent" if args.adjacent else "separated by strips"
    print(f"{args.parcels:,} parcels ({layout}) in 3 zones; audit beforehand {audit_s:.2f} s (not timed below)")
    print(f"{'method':<44}{'time s':>9}{'vs to_file':>12}")
    print(f"{'GeoDataFrame.to_file (defaults, 1 layer)':<44}{to_file_s:>9.3f}{1:>12.2f}")
    print(f"{'export_geopackage (all tables, styled)':<44}{export_s:>9.3f}{export_s / to_file_s:>12.2f}")
    print(f"{'zone_parts only (styled, documented)':<44}{parts_s:>9.3f}{parts_s / to_file_s:>12.2f}")


if __name__ == "__main__":
    main()
