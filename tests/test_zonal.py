"""Exact pixel coverage and weighted statistics (geo._zonal), against shapely and numpy."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import _zonal


def _shapely_fractions(polygon: shapely.Geometry, shape: tuple[int, int]) -> np.ndarray:
    """The slow reference: intersect the polygon with every pixel's square."""
    rows, cols = shape
    c, r = np.meshgrid(np.arange(cols), np.arange(rows))
    return shapely.area(shapely.intersection(shapely.box(c, r, c + 1, r + 1), polygon))


def test_pixel_aligned_box_covers_whole_pixels_only():
    fractions = _zonal.coverage_fractions(shapely.box(2, 3, 7, 9), (12, 12))
    expected = np.zeros((12, 12))
    expected[3:9, 2:7] = 1
    np.testing.assert_array_equal(fractions, expected)


def test_half_pixel_offsets_give_halves_and_quarters():
    fractions = _zonal.coverage_fractions(shapely.box(0.5, 0.5, 2.5, 1.5), (3, 3))
    np.testing.assert_allclose(fractions[0], [0.25, 0.5, 0.25])
    np.testing.assert_allclose(fractions[1], [0.25, 0.5, 0.25])
    np.testing.assert_array_equal(fractions[2], 0)


def test_polygon_larger_than_the_window_covers_it_entirely():
    np.testing.assert_array_equal(_zonal.coverage_fractions(shapely.box(-5, -5, 50, 50), (4, 6)), np.ones((4, 6)))


def test_polygon_outside_the_window_covers_nothing():
    np.testing.assert_array_equal(_zonal.coverage_fractions(shapely.box(10, 10, 12, 12), (4, 6)), np.zeros((4, 6)))


def test_hole_and_second_part_are_handled():
    shape = shapely.MultiPolygon(
        [shapely.box(0, 0, 6, 6).difference(shapely.box(1.5, 1.5, 3.25, 4)), shapely.box(7.2, 0.4, 9.9, 3.3)]
    )
    fractions = _zonal.coverage_fractions(shape, (8, 11))
    np.testing.assert_allclose(fractions, _shapely_fractions(shape, (8, 11)), atol=1e-12)
    assert fractions.sum() == pytest.approx(shape.area)


def test_rounding_noise_at_grid_lines_does_not_leak_into_neighbours():
    fractions = _zonal.coverage_fractions(shapely.box(2 - 1e-12, 1 + 1e-12, 4 + 1e-12, 3 - 1e-12), (5, 6))
    assert (fractions[:, :2] == 0).all() and (fractions[:, 4:] == 0).all()
    assert (fractions[1:3, 2:4] == 1).all()


# Coordinates to 1e-6 pixel: with subnormal ones (1e-45) GEOS's own intersection, the reference here, is wrong
# (a sliver triangle of area 1e-45 intersects a whole pixel), while coverage_fractions is right.
_COORDINATE = st.floats(-3, 15, allow_nan=False).map(lambda v: round(v, 6))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_COORDINATE, _COORDINATE.filter(lambda v: v <= 12)), min_size=3, max_size=9))
def test_random_polygons_match_shapely_intersections(points):
    polygon = shapely.make_valid(shapely.Polygon(points))
    polygon = shapely.union_all([g for g in shapely.get_parts(polygon) if g.geom_type == "Polygon"])
    if polygon.is_empty or polygon.area < 1e-6:
        return
    shape = (9, 12)
    np.testing.assert_allclose(_zonal.coverage_fractions(polygon, shape), _shapely_fractions(polygon, shape), atol=1e-9)


def test_equal_weights_give_numpy_linear_quantiles():
    values = np.random.default_rng(3).normal(size=37)
    q = np.array([0, 0.1, 0.5, 0.9, 1])
    np.testing.assert_allclose(_zonal.weighted_quantiles(values, np.full(37, 0.4), q), np.quantile(values, q))


def test_weighted_quantile_closed_form():
    # s = (0, 1·1 + 2·1, 2·2 + 2·2) = (0, 3, 8) for x = (10, 20, 30), w = (1, 1, 2): the median sits at 4.
    result = _zonal.weighted_quantiles(np.array([30.0, 10.0, 20.0]), np.array([2.0, 1.0, 1.0]), np.array([0.5]))
    assert result[0] == pytest.approx(20 + (4 - 3) / (8 - 3) * 10)


def test_weighted_quantiles_of_nothing_are_nan():
    assert np.isnan(_zonal.weighted_quantiles(np.empty(0), np.empty(0), np.array([0.5]))).all()


def test_weighted_moments():
    total, mean, std = _zonal.weighted_moments(np.array([1.0, 3.0]), np.array([1.0, 3.0]))
    assert (total, mean) == (4.0, 2.5)
    assert std == pytest.approx(np.sqrt((1 * 1.5**2 + 3 * 0.5**2) / 4))


def test_ties_are_merged_so_their_order_does_not_matter():
    values = np.array([1.0, 2.0, 2.0, 3.0])
    split = _zonal.weighted_quantiles(values, np.array([1.0, 0.3, 0.7, 1.0]), np.array([0.25, 0.5]))
    merged = _zonal.weighted_quantiles(np.array([1.0, 2.0, 3.0]), np.ones(3), np.array([0.25, 0.5]))
    np.testing.assert_allclose(split, merged)
    np.testing.assert_allclose(merged, [1.5, 2.0])
