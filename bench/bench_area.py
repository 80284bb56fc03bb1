"""Area throughput and accuracy: geo.area_m2 against the tools a user would otherwise use.

    python bench/bench_area.py [--polygons 100000] [--repeat 5] [--reference-sample 40]

A mixed set around Korea: star-shaped polygons of 5 to 24 vertices whose sizes are log-uniform from 1 m to
300 km, a tenth with a hole and a tenth multipolygons of two parts. Compared with:

- geopandas' planar ``.to_crs(5186).area`` (fast, but a projection's scale error, up to hundreds of ppm);
- pyproj's per-geometry loop, ``Geod(ellps="GRS80").geometry_area_perimeter`` (GeographicLib).

Accuracy is measured against :func:`reference_area_m2`, independent of both geo.area and GeographicLib: each
edge's geodesic is solved from Bessel's exact auxiliary-sphere integrals (Karney 2013, eqs. 7-8, integrated
by mpmath quadrature rather than series) and ∮ (a²/2)(q(φ) − q0) dλ is integrated along it, at 20 digits.
Times are the best of ``--repeat`` runs, each method's runs interleaved with the others' so that a busy
machine slows all of them alike.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import time
from collections.abc import Callable, Sequence
from typing import Final

import geopandas as gpd
import mpmath
import numpy as np
import shapely

from geo import area

#: Digits mpmath works with: 1e-20 leaves eleven digits to spare below the 1e-9 being checked.
REFERENCE_DIGITS: Final = 20
GRS80_A: Final = "6378137"
GRS80_INVERSE_F: Final = "298.257222101"

LON_RANGE: Final = (125.5, 129.0)
LAT_RANGE: Final = (34.0, 37.5)
SIZE_RANGE_M: Final = (1.0, 300_000.0)
VERTEX_RANGE: Final = (5, 25)
HOLED_SHARE: Final = 0.1
MULTI_SHARE: Final = 0.1
METRES_PER_DEGREE: Final = 111_000.0
#: Smallest polygon (m across) whose accuracy the 1e-9 promise covers.
PROMISED_FROM_M: Final = 2.0


def reference_area_m2(geometry: shapely.Geometry) -> float:
    """Area in m² of a lon/lat (multi)polygon with GRS80 geodesic edges, by mpmath at REFERENCE_DIGITS.

    Holes subtract and parts add whatever their orientation. Valid away from the poles and for edges
    shorter than half the globe (no antipodal or vertex-passing ambiguity in the root finding).
    """
    total = mpmath.mpf(0)
    for polygon in shapely.get_parts(geometry):
        rings = [polygon.exterior, *polygon.interiors]
        signs = [1] + [-1] * (len(rings) - 1)
        total += sum(sign * abs(_reference_ring(list(ring.coords))) for sign, ring in zip(signs, rings, strict=True))
    return float(total)


def _reference_ring(coords: Sequence[tuple[float, float]]) -> mpmath.mpf:
    with mpmath.workdps(REFERENCE_DIGITS):
        f = 1 / mpmath.mpf(GRS80_INVERSE_F)
        a = mpmath.mpf(GRS80_A)
        e2 = f * (2 - f)
        e = mpmath.sqrt(e2)

        def q(sin_phi: mpmath.mpf) -> mpmath.mpf:
            return (1 - e2) * (sin_phi / (1 - e2 * sin_phi**2) + mpmath.atanh(e * sin_phi) / e)

        lat0 = mpmath.radians(sum(mpmath.mpf(lat) for _, lat in coords[:-1]) / (len(coords) - 1))
        q0 = q(mpmath.sin(lat0))
        total = mpmath.mpf(0)
        for (lon1, lat1), (lon2, lat2) in itertools.pairwise(coords):
            if (lon1, lat1) != (lon2, lat2):
                total += _reference_edge(
                    *(mpmath.radians(mpmath.mpf(v)) for v in (lon1, lat1, lon2, lat2)), a, f, q, q0
                )
        # Green: the area enclosed anticlockwise is −∮ G dλ.
        return -total


def _reference_edge(lon1, lat1, lon2, lat2, a, f, q: Callable, q0) -> mpmath.mpf:
    """∫ (a²/2)(q(φ) − q0) dλ along the geodesic from 1 to 2 (radians), from the exact auxiliary sphere.

    On Bessel's auxiliary sphere (reduced latitude β, arc σ) the geodesic is a great circle with
    sin β = cos α0 sin σ, and λ(σ) = ω(σ) − f sin α0 ∫ (2 − f) / (1 + (1 − f) √(1 + k² sin² σ)) dσ with
    k² = e'² cos² α0. The azimuth α1 and the arc σ12 are found by Newton's method (mpmath.findroot) from the
    spherical solution.
    """
    ep2 = f * (2 - f) / (1 - f) ** 2
    beta1, beta2 = (mpmath.atan((1 - f) * mpmath.tan(lat)) for lat in (lat1, lat2))

    def geodesic(alpha1):
        sin_a0 = mpmath.sin(alpha1) * mpmath.cos(beta1)
        cos_a0 = mpmath.sqrt(1 - sin_a0**2)
        sigma1 = mpmath.atan2(mpmath.sin(beta1), mpmath.cos(alpha1) * mpmath.cos(beta1))
        k2 = ep2 * cos_a0**2

        def d_lambda(sigma):
            return sin_a0 / (1 - cos_a0**2 * mpmath.sin(sigma) ** 2) - f * sin_a0 * (2 - f) / (
                1 + (1 - f) * mpmath.sqrt(1 + k2 * mpmath.sin(sigma) ** 2)
            )

        return cos_a0, sigma1, d_lambda

    def residual(alpha1, sigma12):
        cos_a0, sigma1, d_lambda = geodesic(alpha1)
        lam = mpmath.quad(d_lambda, [sigma1, sigma1 + sigma12], method="gauss-legendre")
        return [cos_a0 * mpmath.sin(sigma1 + sigma12) - mpmath.sin(beta2), lam - (lon2 - lon1)]

    omega = lon2 - lon1
    east = mpmath.cos(beta2) * mpmath.sin(omega)
    north = mpmath.cos(beta1) * mpmath.sin(beta2) - mpmath.sin(beta1) * mpmath.cos(beta2) * mpmath.cos(omega)
    along = mpmath.sin(beta1) * mpmath.sin(beta2) + mpmath.cos(beta1) * mpmath.cos(beta2) * mpmath.cos(omega)
    alpha1, sigma12 = mpmath.findroot(
        residual, (mpmath.atan2(east, north), mpmath.atan2(mpmath.hypot(east, north), along))
    )
    cos_a0, sigma1, d_lambda = geodesic(alpha1)

    def integrand(sigma):
        sin_beta = cos_a0 * mpmath.sin(sigma)
        phi = mpmath.atan2(sin_beta, (1 - f) * mpmath.sqrt(1 - sin_beta**2))
        return a**2 / 2 * (q(mpmath.sin(phi)) - q0) * d_lambda(sigma)

    return mpmath.quad(integrand, [sigma1, sigma1 + sigma12], method="gauss-legendre")


def star(rng: np.random.Generator, lon: float, lat: float, size_m: float, vertices: int) -> np.ndarray:
    """Closed ring (degrees) of a star-shaped polygon about size_m across, vertices at random angles."""
    angles = (np.arange(vertices) + 0.3 * rng.random(vertices)) * 2 * np.pi / vertices
    radius = size_m / METRES_PER_DEGREE / 2 * (0.7 + 0.3 * rng.random(vertices))
    ring = np.column_stack([lon + radius * np.cos(angles) / np.cos(np.radians(lat)), lat + radius * np.sin(angles)])
    return np.vstack([ring, ring[:1]])


def mixed_polygons(count: int, *, seed: int = 0) -> tuple[gpd.GeoSeries, np.ndarray]:
    """The mixed set (EPSG:4326) and each geometry's size in metres."""
    rng = np.random.default_rng(seed)
    sizes = np.exp(rng.uniform(*np.log(SIZE_RANGE_M), count))
    geoms = []
    for size in sizes:
        lon, lat = rng.uniform(*LON_RANGE), rng.uniform(*LAT_RANGE)
        ring = star(rng, lon, lat, size, int(rng.integers(*VERTEX_RANGE)))
        kind = rng.random()
        if kind < HOLED_SHARE:
            hole = star(rng, lon, lat, size / 4, int(rng.integers(*VERTEX_RANGE)))
            geoms.append(shapely.Polygon(ring, [hole]))
        elif kind < HOLED_SHARE + MULTI_SHARE:
            offset = size / METRES_PER_DEGREE
            other = star(rng, lon + offset, lat + offset / 2, size / 2, int(rng.integers(*VERTEX_RANGE)))
            geoms.append(shapely.MultiPolygon([shapely.Polygon(ring), shapely.Polygon(other)]))
        else:
            geoms.append(shapely.Polygon(ring))
    return gpd.GeoSeries(geoms, crs="EPSG:4326"), sizes


def interleaved_best(repeat: int, functions: dict[str, Callable[[], object]]) -> tuple[dict[str, float], dict]:
    """Best wall-clock time (s) of each function over ``repeat`` interleaved rounds, and its last result.

    Each run starts after a garbage collection, so that none pays for the objects another left behind.
    """
    best = dict.fromkeys(functions, np.inf)
    results = {}
    for _ in range(repeat):
        for name, function in functions.items():
            gc.collect()
            start = time.perf_counter()
            results[name] = function()
            best[name] = min(best[name], time.perf_counter() - start)
    return best, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polygons", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reference-sample", type=int, default=40)
    args = parser.parse_args()

    series, sizes = mixed_polygons(args.polygons)
    timed = {"ours": lambda: area.area_m2(series), "planar": lambda: series.to_crs(5186).area}
    for function in timed.values():
        function()  # once outside the timings: lookup tables, transformers and caches
    times, results = interleaved_best(args.repeat, timed)
    geod_times, geod_results = interleaved_best(1, {"geographiclib": lambda: area.geodesic_area_m2(series)})
    times |= geod_times
    results |= geod_results

    # The reference sample: log-spaced sizes from the promise's lower bound to the largest.
    order = np.argsort(sizes)
    promised = order[sizes[order] >= PROMISED_FROM_M]
    sample = promised[np.linspace(0, len(promised) - 1, args.reference_sample).astype(int)]
    start = time.perf_counter()
    reference = np.array([reference_area_m2(series.iloc[i]) for i in sample])
    reference_s = time.perf_counter() - start

    vertices = len(shapely.get_coordinates(series.values))
    print(f"{args.polygons:,} geometries, {vertices:,} vertices, {sizes.min():.1f} m to {sizes.max() / 1000:,.0f} km")
    print(f"{'method':<34}{'time s':>9}{'speed vs planar':>17}{'worst rel. error':>18}")
    labels = {
        "ours": "geo.area_m2 (GRS80 geodesic)",
        "planar": "to_crs(5186).area (planar)",
        "geographiclib": "pyproj Geod loop (GeographicLib)",
    }
    for name, label in labels.items():
        values = np.asarray(results[name])[sample]
        error = np.max(np.abs(values / reference - 1))
        print(f"{label:<34}{times[name]:>9.3f}{times['planar'] / times[name]:>16.2f}×{error:>18.2e}")
    print(
        f"errors against the mpmath reference on {len(sample)} geometries of {sizes[sample].min():.1f} m to "
        f"{sizes[sample].max() / 1000:,.0f} km ({reference_s:.0f} s)"
    )
    small = sizes[sample] < 1000
    for label, mask in (("< 1 km", small), ("≥ 1 km", ~small)):
        ours = np.asarray(results["ours"])[sample][mask] / reference[mask] - 1
        geod = np.asarray(results["geographiclib"])[sample][mask] / reference[mask] - 1
        print(f"  {label}: geo.area_m2 {np.max(np.abs(ours)):.2e}, GeographicLib {np.max(np.abs(geod)):.2e}")
    agreement = np.abs(np.asarray(results["ours"]) - np.asarray(results["geographiclib"]))
    print(
        f"all geometries: |geo.area_m2 − GeographicLib| ≤ {agreement.max():.2e} m² "
        f"(relative ≤ {np.max(agreement / np.asarray(results['geographiclib'])):.2e})"
    )


if __name__ == "__main__":
    main()
