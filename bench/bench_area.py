"""Area throughput and accuracy: geo.area_m2 against the tools a user would otherwise use.

    python bench/bench_area.py [--parcels 100000] [--repeat 3]

Synthetic parcels (convex-ish polygons of 6 vertices, 30 to 400 m across) scattered over 0.6° × 0.5° around
Gwangju. Compared with:

- pyproj's per-geometry loop, ``Geod(ellps="GRS80").geometry_area_perimeter`` (GeographicLib, exact);
- geopandas' planar ``.to_crs(5186).area`` (fast, but a projection's scale error, +8 to +30 ppm here).

Accuracy is reported against GeographicLib and against a reference free of rounding: the same polygons with
every edge densified along the geodesic (64 steps) and measured in the same equal-area projection.
GeographicLib's own absolute rounding, about 1e-4 m² on any polygon at this latitude, is larger than 1e-9 of a
parcel under about 100,000 m², so against it the relative error of small parcels is GeographicLib's.
"""

from __future__ import annotations

import argparse
import itertools
import time

import geopandas as gpd
import numpy as np
import shapely

from geo import area

CENTRE_LON, CENTRE_LAT = 126.8, 35.15
VERTICES = 6


def parcels(count: int, *, seed: int = 0) -> gpd.GeoSeries:
    rng = np.random.default_rng(seed)
    lon = CENTRE_LON - 0.3 + rng.random(count) * 0.6
    lat = CENTRE_LAT - 0.25 + rng.random(count) * 0.5
    size = 0.0003 + rng.random((count, 1)) * 0.0040
    angles = (np.arange(VERTICES)[None, :] + 0.3 * rng.random((count, VERTICES))) * 2 * np.pi / VERTICES
    radius = size / 2 * (0.8 + 0.2 * rng.random((count, VERTICES)))
    ring = np.stack([lon[:, None] + radius * np.cos(angles), lat[:, None] + radius * np.sin(angles)], axis=-1)
    closed = np.concatenate([ring, ring[:, :1]], axis=1)
    return gpd.GeoSeries(shapely.polygons(closed), crs="EPSG:4326")


def best_of(repeat: int, function, *args):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def densified_reference(series: gpd.GeoSeries) -> np.ndarray:
    dense = []
    for polygon in series:
        coords = list(polygon.exterior.coords)
        out = []
        for (x1, y1), (x2, y2) in itertools.pairwise(coords):
            out.append((x1, y1))
            out += area.GEOD.npts(x1, y1, x2, y2, 64)
        out.append(coords[0])
        dense.append(shapely.Polygon(out))
    values = np.array(dense, dtype=object)
    return area._equal_area_projected(values, shapely.bounds(values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    series = parcels(args.parcels)
    area.area_m2(series.iloc[:10])  # build the lookup table once, outside the timings
    ours_s, ours = best_of(args.repeat, area.area_m2, series)
    planar_s, planar = best_of(args.repeat, lambda s: s.to_crs(5186).area, series)
    geod_s, exact = best_of(1, area.geodesic_area_m2, series)

    relative = np.abs(ours.to_numpy() / exact.to_numpy() - 1)
    absolute = np.abs(ours.to_numpy() - exact.to_numpy())
    planar_relative = np.abs(planar.to_numpy() / exact.to_numpy() - 1)
    sample = series.iloc[:2000]
    reference = densified_reference(sample)
    ours_vs_reference = np.abs(ours.iloc[:2000].to_numpy() / reference - 1)
    exact_vs_reference = np.abs(exact.iloc[:2000].to_numpy() / reference - 1)
    large = exact.to_numpy() >= 100_000

    print(f"{args.parcels:,} parcels, areas {exact.min():,.0f} to {exact.max():,.0f} m²")
    print(f"{'method':<36}{'time s':>9}{'vs ours':>10}")
    print(f"{'geo.area_m2 (ellipsoidal)':<36}{ours_s:>9.3f}{1:>10.2f}")
    print(f"{'to_crs(5186).area (planar)':<36}{planar_s:>9.3f}{planar_s / ours_s:>10.2f}")
    print(f"{'pyproj Geod loop (GeographicLib)':<36}{geod_s:>9.3f}{geod_s / ours_s:>10.2f}")
    print()
    print(f"worst relative error vs GeographicLib, all parcels:        {relative.max():.2e}")
    print(f"worst absolute error vs GeographicLib:                      {absolute.max():.2e} m²")
    if large.any():
        print(f"worst relative error vs GeographicLib, parcels ≥ 100,000 m²: {relative[large].max():.2e}")
    print(f"worst relative error vs densified geodesic (2,000 parcels):  {ours_vs_reference.max():.2e}")
    print(f"GeographicLib vs densified geodesic (same parcels):         {exact_vs_reference.max():.2e}")
    print(f"planar EPSG:5186 vs GeographicLib:                          {planar_relative.max():.2e}")


if __name__ == "__main__":
    main()
