"""Areas on the GRS80 ellipsoid: an independent reference, closed forms, the collection rule and invariants."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import area

GRS80_A = 6_378_137.0
GRS80_F = 1 / 298.257222101
#: GeographicLib's absolute rounding on a polygon at Korea's latitude, m² (it sums areas down to the equator).
GEOGRAPHICLIB_ABS_M2 = 2e-4


def _load_bench():
    # The mpmath reference lives with the benchmark, which reports the same comparison on a larger sample.
    path = Path(__file__).resolve().parent.parent / "bench" / "bench_area.py"
    spec = importlib.util.spec_from_file_location("bench_area", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


def _series(*geoms, crs="EPSG:4326") -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs=crs)


def _ellipsoid_surface_m2() -> float:
    """Closed-form surface of the GRS80 ellipsoid of revolution."""
    e2 = GRS80_F * (2 - GRS80_F)
    e = math.sqrt(e2)
    return 2 * math.pi * GRS80_A**2 * (1 + (1 - e2) / (2 * e) * math.log((1 + e) / (1 - e)))


def _star(lon: float, lat: float, size_m: float, vertices: int, seed: int) -> shapely.Polygon:
    rng = np.random.default_rng(seed)
    return shapely.Polygon(bench.star(rng, lon, lat, size_m, vertices))


# Sizes from the promise's 2 m to 400 km, 4 to 6 vertices (edges up to 300 km long), both orientations.
REFERENCE_CASES = [(2.0, 4), (30.0, 5), (700.0, 4), (15_000.0, 5), (120_000.0, 4), (400_000.0, 6)]


@pytest.mark.parametrize(("size_m", "vertices"), REFERENCE_CASES)
def test_area_is_within_1e9_of_the_independent_mpmath_reference(size_m, vertices):
    polygon = _star(126.9, 35.2, size_m, vertices, seed=int(size_m))
    if vertices % 2:
        polygon = polygon.reverse()
    reference = bench.reference_area_m2(polygon)
    ours = area.area_m2(_series(polygon)).iloc[0]
    assert abs(ours / reference - 1) < area.FAST_PATH_MAX_REL_ERROR
    # GeographicLib agrees with the reference to its own absolute rounding, which validates the reference.
    assert area.geodesic_area_m2(_series(polygon)).iloc[0] == pytest.approx(
        reference, rel=1e-14, abs=GEOGRAPHICLIB_ABS_M2
    )


def test_holes_and_parts_match_the_reference():
    outer = _star(127.0, 36.0, 50_000.0, 6, 3)
    hole = _star(127.0, 36.0, 10_000.0, 5, 4)
    other = _star(127.5, 36.2, 20_000.0, 4, 5)
    multi = shapely.MultiPolygon([shapely.Polygon(outer.exterior, [hole.exterior]), other])
    ours = area.area_m2(_series(multi)).iloc[0]
    assert abs(ours / bench.reference_area_m2(multi) - 1) < area.FAST_PATH_MAX_REL_ERROR


def test_pole_lune_matches_the_closed_form():
    # Equator, two meridians and the pole: every edge is a geodesic, so the area is the lune's share of the
    # northern hemisphere exactly. Beyond the vectorised path's extent, so GeographicLib measures it.
    lune = shapely.Polygon([(0, 0), (10, 0), (10, 90), (0, 90)])
    expected = _ellipsoid_surface_m2() / 2 * 10 / 360
    assert area.geodesic_area_m2(_series(lune)).iloc[0] == pytest.approx(expected, rel=1e-12)
    assert area.area_m2(_series(lune)).iloc[0] == pytest.approx(expected, rel=1e-12)


def test_vectorised_path_agrees_with_geographiclib_across_sizes():
    # 30 polygons from 1 m to 400 km: agreement within GeographicLib's absolute rounding or 1e-9.
    polygons = [_star(126.5 + 0.05 * i, 35.0 + 0.03 * i, 10 ** (i / 5), 4 + i % 9, i) for i in range(29)]
    ours = area.area_m2(_series(*polygons)).to_numpy()
    exact = area.geodesic_area_m2(_series(*polygons)).to_numpy()
    assert np.all(np.abs(ours - exact) <= np.fmax(GEOGRAPHICLIB_ABS_M2, area.FAST_PATH_MAX_REL_ERROR * exact))


def test_holes_subtract_and_parts_add():
    outer = shapely.box(126.70, 35.10, 126.704, 35.104)
    hole = shapely.box(126.701, 35.101, 126.702, 35.102)
    other = shapely.box(126.71, 35.10, 126.712, 35.102)
    with_hole = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
    values = area.area_m2(_series(outer, hole, other, with_hole, shapely.MultiPolygon([with_hole, other])))
    assert values.iloc[3] == pytest.approx(values.iloc[0] - values.iloc[1], rel=1e-12)
    assert values.iloc[4] == pytest.approx(values.iloc[3] + values.iloc[2], rel=1e-12)


def _collection(small: bool) -> tuple[shapely.GeometryCollection, list[shapely.Polygon]]:
    """A nested collection with polygons, a multipolygon, a line and a point, and its polygons."""
    size = 300.0 if small else 150_000.0
    a, b, c = (_star(126.8 + k * size / 50_000, 35.1, size, 6, k) for k in range(3))
    nested = shapely.GeometryCollection([shapely.MultiPolygon([b]), shapely.LineString([(126, 35), (127, 36)])])
    return shapely.GeometryCollection([a, nested, shapely.Point(126.9, 35.2), c]), [a, b, c]


@pytest.mark.parametrize("small", [True, False], ids=["small", "large"])
def test_one_rule_for_collections_in_every_path(small):
    # Sum of the polygonal members, recursively; points and lines 0. Equal across every path.
    collection, polygons = _collection(small)
    members = _series(*polygons)
    series = _series(collection)
    assert area.area_m2(series).iloc[0] == pytest.approx(area.area_m2(members).sum(), rel=1e-12)
    assert area.geodesic_area_m2(series).iloc[0] == pytest.approx(area.geodesic_area_m2(members).sum(), rel=1e-12)
    assert area.planar_area_m2(series).iloc[0] == pytest.approx(area.planar_area_m2(members).sum(), rel=1e-12)
    assert area.union_area_m2(series) == pytest.approx(area.union_area_m2(members), rel=1e-12)
    assert area.area_m2(series).iloc[0] == pytest.approx(area.geodesic_area_m2(series).iloc[0], rel=1e-9)
    table = area.area_table(series)
    assert table["area_m2"].iloc[0] == area.area_m2(series).iloc[0]


def test_union_of_one_collection_counts_its_overlapping_members_once():
    a = shapely.box(126.700, 35.100, 126.702, 35.102)
    b = shapely.box(126.701, 35.100, 126.703, 35.102)
    both = _series(shapely.GeometryCollection([a, b]))
    assert area.area_m2(both).iloc[0] == pytest.approx(area.area_m2(_series(a, b)).sum(), rel=1e-12)
    assert area.union_area_m2(both) == pytest.approx(area.area_m2(_series(a.union(b))).iloc[0], rel=1e-9)


def test_result_is_aligned_to_the_index_and_zero_for_points_lines_and_empties():
    series = gpd.GeoSeries(
        [
            shapely.box(126.7, 35.1, 126.701, 35.101),
            shapely.LineString([(126, 35), (127, 36)]),
            None,
            shapely.Polygon(),
            shapely.GeometryCollection(),
            shapely.MultiPoint([(126, 35), (127, 36)]),
        ],
        index=list("uvwxyz"),
        crs=4326,
    )
    for function in (area.area_m2, area.geodesic_area_m2, area.planar_area_m2):
        values = function(series)
        assert list(values.index) == list("uvwxyz")
        assert values["u"] > 0 and (values.iloc[1:] == 0).all()


def test_any_input_crs_gives_the_same_ellipsoidal_area():
    box = _series(shapely.box(126.7, 35.1, 126.71, 35.11))
    reference = area.area_m2(box).iloc[0]
    for epsg in (5186, 5179, 3857):
        assert area.area_m2(box.to_crs(epsg)).iloc[0] == pytest.approx(reference, rel=1e-9)


def test_planar_epsg5186_is_within_tens_of_ppm_and_web_mercator_is_refused():
    box = _series(shapely.box(126.79, 35.1, 126.81, 35.12))
    ratio = area.planar_area_m2(box).iloc[0] / area.area_m2(box).iloc[0]
    assert 0 < ratio - 1 < 30e-6
    with pytest.raises(ValueError, match="EPSG:4326 is geographic"):
        area.planar_area_m2(box, crs="EPSG:4326")


def test_union_counts_an_overlap_once_and_overlaps_are_reported():
    a = shapely.box(126.700, 35.100, 126.702, 35.102)
    b = shapely.box(126.701, 35.100, 126.703, 35.102)
    frame = gpd.GeoDataFrame({"feature_id": ["a", "b"]}, geometry=[a, b], crs=4326)
    single = area.area_m2(frame)
    shared = area.area_m2(_series(a.intersection(b))).iloc[0]
    assert area.union_area_m2(frame) == pytest.approx(single.sum() - shared, rel=1e-9)
    found = area.overlaps(frame, id_column="feature_id")
    assert list(found[["a", "b"]].iloc[0]) == ["a", "b"]
    assert found["overlap_m2"].iloc[0] == pytest.approx(shared, rel=1e-9)


def test_area_table_units_are_consistent():
    table = area.area_table(_series(shapely.box(126.7, 35.1, 126.71, 35.11), shapely.box(126.8, 35.2, 126.9, 35.3)))
    assert list(table.columns) == [
        "area_m2",
        "area_ha",
        "area_km2",
        "area_pyeong",
        "area_m2_epsg5186",
        "area_pyeong_epsg5186",
    ]
    np.testing.assert_allclose(table["area_pyeong"], table["area_m2"] * 121 / 400)
    np.testing.assert_allclose(table["area_ha"], table["area_m2"] / 1e4)


def test_missing_crs_is_refused():
    with pytest.raises(ValueError, match="no CRS"):
        area.area_m2(gpd.GeoSeries([shapely.box(0, 0, 1, 1)]))


def _mixed_batch(count: int) -> list:
    """Geometries of every kind whose rings are taken in a different way, with some out of the vectorised range."""
    geoms = []
    for i in range(count):
        lon, size = 126.0 + 0.0003 * i, 10 ** (1 + i % 5)
        outer = _star(lon, 35.0, size, 5 + i % 7, i)
        kind = i % 10
        if kind == 1:
            geoms.append(shapely.Polygon(outer.exterior, [_star(lon, 35.0, size / 4, 5, i + 1).exterior]))
        elif kind == 2:
            geoms.append(shapely.MultiPolygon([outer, _star(lon + size / 50_000, 35.0, size / 2, 6, i + 2)]))
        elif kind == 3:
            geoms.append(shapely.GeometryCollection([outer, shapely.Point(lon, 35.0)]))
        elif i % 997 == 4:
            geoms.append(shapely.box(lon, 35.0, lon + 6.0, 35.5))  # wider than the vectorised path takes
        elif i % 997 == 5:
            geoms.append(shapely.box(lon, 85.5, lon + 0.1, 85.6))  # past its ±85°
        else:
            geoms.append(outer)
    return geoms


def test_each_area_is_independent_of_the_batch_it_is_measured_in():
    # Over 60,000 vertices, so the vectorised path works through several blocks of rings, some of them holding
    # a ring out of its range; each area is the same, to the last bit, as with only a few neighbours.
    series = _series(*_mixed_batch(6000))
    assert len(shapely.get_coordinates(series.values)) > 60_000
    whole = area.area_m2(series).to_numpy()
    pieces = [area.area_m2(series.iloc[k : k + 7]).to_numpy() for k in range(0, len(series), 7)]
    np.testing.assert_array_equal(whole, np.concatenate(pieces))


def _circle(lon: float, lat: float, radius_deg: float, vertices: int) -> shapely.Polygon:
    t = np.linspace(0.0, 2 * np.pi, vertices, endpoint=False)
    return shapely.Polygon(np.column_stack([lon + radius_deg * np.cos(t), lat + 0.8 * radius_deg * np.sin(t)]))


def _within_tolerance(ours: np.ndarray, exact: np.ndarray) -> bool:
    return bool(np.all(np.abs(ours - exact) <= np.fmax(GEOGRAPHICLIB_ABS_M2, area.FAST_PATH_MAX_REL_ERROR * exact)))


def test_rings_of_any_length_wherever_they_fall_in_the_blocks():
    # One ring longer than any block, and a batch whose last ring ends past a block boundary, wherever the
    # boundary falls: a sweep of batch lengths moves it through the last ring.
    long = _series(_circle(126.8, 35.1, 0.05, 40_000))
    assert _within_tolerance(area.area_m2(long).to_numpy(), area.geodesic_area_m2(long).to_numpy())
    boxes = [shapely.box(126.7 + 1e-4 * (k % 100), 35.1 + 1e-4 * (k // 100), 126.70005 + 1e-4 * (k % 100),
                         35.10005 + 1e-4 * (k // 100)) for k in range(3_400)]  # fmt: skip
    last = _circle(126.9, 35.2, 0.01, 1_000)
    expected = area.geodesic_area_m2(_series(last)).iloc[0]
    for count in range(3_000, 3_400, 3):
        areas = area.area_m2(_series(*boxes[:count], last)).to_numpy()
        assert _within_tolerance(areas[-1:], np.array([expected])), count


def test_a_multipolygon_with_an_empty_part_subtracts_its_hole():
    # MULTIPOLYGON(EMPTY, ((exterior), (hole))): as many rings as parts, but the second ring is a hole.
    holed = shapely.Polygon(shapely.box(126.7, 35.1, 126.8, 35.2).exterior.coords,
                            [shapely.box(126.72, 35.12, 126.78, 35.18).exterior.coords])  # fmt: skip
    odd = shapely.from_wkt(f"MULTIPOLYGON (EMPTY, {holed.wkt.removeprefix('POLYGON ')})")
    assert odd.is_valid and shapely.get_num_geometries(odd) == 2
    series = _series(odd, holed)
    ours = area.area_m2(series).to_numpy()
    assert ours[0] == pytest.approx(ours[1], rel=1e-12)
    assert _within_tolerance(ours, area.geodesic_area_m2(series).to_numpy())


def test_rings_are_found_however_the_geometry_is_built():
    shell = _star(127.0, 36.0, 5_000.0, 9, 1)
    first = shell.exterior.coords[0]
    holes = [_star(127.0, 36.0, 1_000.0, 5, 2).exterior, _star(127.01, 36.0, 800.0, 6, 3).exterior.reverse()]
    touching = shapely.LinearRing([first, (first[0] - 0.002, first[1] + 0.001), (first[0] - 0.002, first[1])])
    others = [_star(127.2 + 0.1 * k, 36.0, 3_000.0, 7, k) for k in range(6)]
    holed = shapely.Polygon(shell.exterior, holes)
    one_hole = shapely.Polygon(shell.exterior, holes[:1])
    geoms = [
        holed,  # two holes, one of each orientation
        holed.reverse(),
        one_hole,
        shapely.Polygon([first, *shell.exterior.coords], holes[:1]),  # a repeated first vertex: opened instead
        shapely.Polygon(shell.exterior, [touching]),  # a hole touching the exterior at its first vertex
        shapely.MultiPolygon([holed, others[0]]),  # more rings than parts: opened instead
        shapely.MultiPolygon(others[:3]),
        shapely.MultiPolygon(others),  # more rings than are scanned: opened instead
    ]
    ours = area.area_m2(_series(*geoms)).to_numpy()
    exact = area.geodesic_area_m2(_series(*geoms)).to_numpy()
    assert np.all(np.abs(ours - exact) <= np.fmax(GEOGRAPHICLIB_ABS_M2, area.FAST_PATH_MAX_REL_ERROR * exact))
    parts = area.area_m2(_series(shell, *map(shapely.Polygon, holes), *others)).to_numpy()
    assert ours[0] == pytest.approx(ours[1], rel=1e-12)
    assert ours[0] == pytest.approx(parts[0] - parts[1] - parts[2], rel=1e-12)
    assert ours[2] == pytest.approx(ours[3], rel=1e-12)
    assert ours[5] == pytest.approx(ours[0] + parts[3], rel=1e-12)
    assert ours[7] == pytest.approx(parts[3:].sum(), rel=1e-12)


def test_rings_out_of_the_vectorised_range_are_measured_by_geographiclib():
    small = _star(126.9, 35.2, 1_000.0, 6, 1)
    # Within FAST_PATH_MAX_EXTENT_DEG of its first vertex, so vectorised although twice as wide.
    fan = shapely.Polygon([(127.0, 36.0), (131.9, 36.5), (131.0, 40.9), (127.5, 40.0), (122.1, 40.9), (123.0, 36.5)])
    wide = shapely.box(126.0, 35.0, 132.0, 35.5)
    polar = shapely.box(10.0, 85.5, 10.1, 85.6)
    # Within it of its first vertex too, but with an edge longer than the diagonal of a square of that side.
    long_edge = shapely.Polygon([(128.0, 37.0), (123.2, 33.0), (132.8, 33.0)])
    series = _series(small, fan, wide, polar, long_edge)
    ours = area.area_m2(series).to_numpy()
    exact = area.geodesic_area_m2(series).to_numpy()
    np.testing.assert_array_equal(ours[2:], exact[2:])
    np.testing.assert_allclose(ours[:2], exact[:2], rtol=area.FAST_PATH_MAX_REL_ERROR)
    assert ours[1] != exact[1]


lons = st.floats(min_value=124.5, max_value=131.0)
lats = st.floats(min_value=33.0, max_value=38.5)
sizes = st.floats(min_value=0.0005, max_value=3.0)


@settings(max_examples=60, deadline=None)
@given(
    lon=lons,
    lat=lats,
    size=sizes,
    shift=st.floats(min_value=-2.0, max_value=2.0),
    seed=st.integers(0, 10**6),
    cut=st.integers(2, 5),
)
def test_invariants_translation_orientation_and_splitting(lon, lat, size, shift, seed, cut):
    # A convex polygon (vertices on a circle) from 50 m to 300 km, so a diagonal splits it in two; both halves
    # share that geodesic edge and must add up to the whole. Longitude shifts leave the area unchanged.
    rng = np.random.default_rng(seed)
    angles = np.sort(rng.random(8)) * 2 * np.pi
    ring = np.column_stack([lon + size / 2 * np.cos(angles), lat + size / 2 * np.sin(angles)])
    polygon = shapely.Polygon(ring)
    shifted = shapely.affinity.translate(polygon, xoff=shift)
    reversed_ring = shapely.Polygon(ring[::-1])
    halves = [shapely.Polygon(ring[: cut + 1]), shapely.Polygon(np.vstack([ring[cut:], ring[:1]]))]
    values = area.area_m2(_series(polygon, shifted, reversed_ring, *halves))
    whole = values.iloc[0]
    tolerance = 1e-10 * whole
    assert values.iloc[1] == pytest.approx(whole, abs=tolerance)
    assert values.iloc[2] == pytest.approx(whole, abs=tolerance)
    assert values.iloc[3:].sum() == pytest.approx(whole, abs=tolerance)
