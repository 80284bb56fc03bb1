"""Areas on the GRS80 ellipsoid: closed forms, GeographicLib agreement and invariants."""

from __future__ import annotations

import itertools
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import geo
from geo import area

GRS80_A = 6_378_137.0
GRS80_F = 1 / 298.257222101


def _series(*geoms, crs="EPSG:4326") -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs=crs)


def _ellipsoid_surface_m2() -> float:
    """Closed-form surface of the GRS80 ellipsoid of revolution."""
    e2 = GRS80_F * (2 - GRS80_F)
    e = math.sqrt(e2)
    return 2 * math.pi * GRS80_A**2 * (1 + (1 - e2) / (2 * e) * math.log((1 + e) / (1 - e)))


def test_pole_lune_matches_the_closed_form():
    # Equator, two meridians and the pole: every edge is a geodesic, so the area is the lune's share of the
    # northern hemisphere exactly.
    lune = shapely.Polygon([(0, 0), (10, 0), (10, 90), (0, 90)])
    expected = _ellipsoid_surface_m2() / 2 * 10 / 360
    assert geo.geodesic_area_m2(_series(lune)).iloc[0] == pytest.approx(expected, rel=1e-12)
    assert geo.area_m2(_series(lune)).iloc[0] == pytest.approx(expected, rel=1e-12)


def _star(lon: float, lat: float, size_deg: float, vertices: int, seed: int) -> shapely.Polygon:
    rng = np.random.default_rng(seed)
    angles = (np.arange(vertices) + 0.3 * rng.random(vertices)) * 2 * np.pi / vertices
    radius = size_deg / 2 * (0.7 + 0.3 * rng.random(vertices))
    return shapely.Polygon(np.column_stack([lon + radius * np.cos(angles), lat + radius * np.sin(angles)]))


def test_fast_path_is_within_1e9_of_the_geodesic_polygon():
    # Up to the fast path's size limit. The reference is the same polygon with every edge densified along the
    # geodesic (64 steps), which leaves no edge error; GeographicLib agrees with it to its own rounding,
    # about 1e-4 m² whatever the size, which is above 1e-9 of a small polygon's area.
    polygons = [_star(126.5 + 0.01 * i, 35.0 + 0.007 * i, 0.0002 + 0.00016 * i, 4 + i % 9, i) for i in range(30)]
    dense = [shapely.Polygon(_densify_geodesic(list(p.exterior.coords))) for p in polygons]
    ours = geo.area_m2(_series(*polygons)).to_numpy()
    values = np.array(dense, dtype=object)
    reference = area._equal_area_projected(values, shapely.bounds(values))
    assert np.max(np.abs(ours / reference - 1)) < area.FAST_PATH_MAX_REL_ERROR
    geographiclib = geo.geodesic_area_m2(_series(*polygons)).to_numpy()
    assert np.max(np.abs(ours - geographiclib)) < 2e-4


def test_large_polygons_take_geographiclib_exactly():
    big = _star(126.8, 35.1, 0.2, 12, 1)
    assert geo.area_m2(_series(big)).iloc[0] == geo.geodesic_area_m2(_series(big)).iloc[0]


def test_edge_bulge_removes_the_first_order_error_of_an_asymmetric_triangle():
    # A 50 m right triangle: straight LAEA edges alone are 5e-9 off; with the bulge term, far below 1e-9.
    triangle = shapely.Polygon([(126.8, 35.1), (126.8005, 35.1), (126.8, 35.1005)])
    dense = shapely.Polygon(_densify_geodesic(list(triangle.exterior.coords)))
    values = np.array([triangle, dense], dtype=object)
    ours, reference = area._equal_area_projected(values, shapely.bounds(values))
    assert abs(ours / reference - 1) < 1e-10


def _densify_geodesic(coords, steps=64):
    out = []
    for (x1, y1), (x2, y2) in itertools.pairwise(coords):
        out.append((x1, y1))
        out += area.GEOD.npts(x1, y1, x2, y2, steps)
    out.append(coords[0])
    return out


def test_holes_subtract_and_parts_add():
    outer = shapely.box(126.70, 35.10, 126.704, 35.104)
    hole = shapely.box(126.701, 35.101, 126.702, 35.102)
    other = shapely.box(126.71, 35.10, 126.712, 35.102)
    with_hole = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
    values = geo.area_m2(_series(outer, hole, other, with_hole, shapely.MultiPolygon([with_hole, other])))
    assert values.iloc[3] == pytest.approx(values.iloc[0] - values.iloc[1], rel=1e-9)
    assert values.iloc[4] == pytest.approx(values.iloc[3] + values.iloc[2], rel=1e-9)


def test_small_multipolygons_with_holes_take_the_fast_path_and_add_up():
    # All below the fast-path size, so the multipolygon is measured part by part in the projection.
    outer = shapely.box(126.800, 35.100, 126.801, 35.101)
    hole = shapely.box(126.8002, 35.1002, 126.8004, 35.1004)
    other = shapely.box(126.802, 35.100, 126.8025, 35.1005)
    holed = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
    multi = shapely.MultiPolygon([holed, other])
    assert max(multi.bounds[2] - multi.bounds[0], multi.bounds[3] - multi.bounds[1]) < area.FAST_PATH_MAX_EXTENT_DEG
    values = geo.area_m2(_series(multi, holed, other))
    assert values.iloc[0] == pytest.approx(geo.geodesic_area_m2(_series(multi)).iloc[0], abs=2e-4)
    assert values.iloc[0] == pytest.approx(values.iloc[1] + values.iloc[2], rel=1e-9)
    assert values.iloc[0] > 10_000


def test_result_is_aligned_to_the_index_and_zero_for_lines_and_empties():
    series = gpd.GeoSeries(
        [shapely.box(126.7, 35.1, 126.701, 35.101), shapely.LineString([(126, 35), (127, 36)]), None],
        index=["x", "y", "z"],
        crs=4326,
    )
    values = geo.area_m2(series)
    assert list(values.index) == ["x", "y", "z"]
    assert values["x"] > 0 and values["y"] == 0 and values["z"] == 0


def test_any_input_crs_gives_the_same_ellipsoidal_area():
    box = _series(shapely.box(126.7, 35.1, 126.71, 35.11))
    reference = geo.area_m2(box).iloc[0]
    for epsg in (5186, 5179, 3857):
        assert geo.area_m2(box.to_crs(epsg)).iloc[0] == pytest.approx(reference, rel=1e-9)


def test_planar_epsg5186_is_within_tens_of_ppm_and_web_mercator_is_refused():
    box = _series(shapely.box(126.79, 35.1, 126.81, 35.12))
    ratio = geo.planar_area_m2(box).iloc[0] / geo.area_m2(box).iloc[0]
    assert 0 < ratio - 1 < 30e-6
    with pytest.raises(ValueError, match="EPSG:4326 is geographic"):
        geo.planar_area_m2(box, crs="EPSG:4326")


def test_union_counts_an_overlap_once_and_overlaps_are_reported():
    a = shapely.box(126.700, 35.100, 126.702, 35.102)
    b = shapely.box(126.701, 35.100, 126.703, 35.102)
    frame = gpd.GeoDataFrame({"feature_id": ["a", "b"]}, geometry=[a, b], crs=4326)
    single = geo.area_m2(frame)
    shared = geo.area_m2(_series(a.intersection(b))).iloc[0]
    assert geo.union_area_m2(frame) == pytest.approx(single.sum() - shared, rel=1e-9)
    found = area.overlaps(frame, id_column="feature_id")
    assert list(found[["a", "b"]].iloc[0]) == ["a", "b"]
    assert found["overlap_m2"].iloc[0] == pytest.approx(shared, rel=1e-9)


def test_area_table_units_are_consistent(square_zones):
    table = geo.area_table(square_zones)
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
        geo.area_m2(gpd.GeoSeries([shapely.box(0, 0, 1, 1)]))


lons = st.floats(min_value=124.5, max_value=131.0)
lats = st.floats(min_value=33.0, max_value=38.5)
sizes = st.floats(min_value=0.0005, max_value=0.05)


@settings(max_examples=40, deadline=None)
@given(
    lon=lons,
    lat=lats,
    size=sizes,
    shift=st.floats(min_value=-2.0, max_value=2.0),
    seed=st.integers(0, 10**6),
    cut=st.integers(2, 5),
)
def test_invariants_translation_orientation_and_splitting(lon, lat, size, shift, seed, cut):
    # A convex polygon (vertices on a circle), so a diagonal splits it in two; both halves share that
    # geodesic edge and must add up to the whole.
    rng = np.random.default_rng(seed)
    angles = np.sort(rng.random(8)) * 2 * np.pi
    ring = np.column_stack([lon + size / 2 * np.cos(angles), lat + size / 2 * np.sin(angles)])
    polygon = shapely.Polygon(ring)
    shifted = shapely.affinity.translate(polygon, xoff=shift)
    reversed_ring = shapely.Polygon(ring[::-1])
    halves = [shapely.Polygon(ring[: cut + 1]), shapely.Polygon(np.vstack([ring[cut:], ring[:1]]))]
    values = geo.area_m2(_series(polygon, shifted, reversed_ring, *halves))
    whole = values.iloc[0]
    tolerance = max(2e-9 * whole, 1e-3)
    assert values.iloc[1] == pytest.approx(whole, abs=tolerance)
    assert values.iloc[2] == pytest.approx(whole, abs=tolerance)
    assert values.iloc[3:].sum() == pytest.approx(whole, abs=tolerance)
