"""Unit conversions: exact factors and round trips both ways."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo import units

areas = st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False)


def test_pyeong_is_exactly_400_over_121_square_metres():
    assert units.pyeong_to_m2(121.0) == 400.0
    assert units.m2_to_pyeong(400.0) == 121.0
    assert units.m2_to_pyeong(1.0) == 0.3025


def test_the_belt_claim_in_square_metres():
    assert units.pyeong_to_m2(2_200_000) == pytest.approx(7_272_727.2727, abs=1e-4)
    assert units.m2_to_pyeong(7_140_000) == pytest.approx(2_159_850.0, abs=1e-6)


@given(areas)
def test_round_trip_pyeong(value):
    assert units.pyeong_to_m2(units.m2_to_pyeong(value)) == pytest.approx(value, rel=1e-14, abs=1e-9)
    assert units.m2_to_pyeong(units.pyeong_to_m2(value)) == pytest.approx(value, rel=1e-14, abs=1e-9)


@given(areas, st.sampled_from(sorted(units.M2_PER_UNIT)))
def test_round_trip_every_unit(value, unit):
    assert units.from_m2(units.to_m2(value, unit), unit) == pytest.approx(value, rel=1e-14, abs=1e-9)


@given(st.lists(areas, min_size=1, max_size=20))
def test_arrays_and_series_convert_elementwise(values):
    array = np.array(values)
    series = pd.Series(values, index=range(10, 10 + len(values)))
    np.testing.assert_allclose(units.m2_to_pyeong(array), [units.m2_to_pyeong(v) for v in values])
    converted = units.to_m2(series, "ha")
    assert isinstance(converted, pd.Series) and list(converted.index) == list(series.index)


def test_hectares_and_square_kilometres():
    assert units.from_m2(7_140_000, "ha") == 714.0
    assert units.from_m2(7_140_000, "km2") == 7.14


def test_unknown_unit_is_named():
    with pytest.raises(ValueError, match=r"unknown area unit 'acre'; use one of m2, ha, km2, pyeong"):
        units.to_m2(1.0, "acre")


@given(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(sorted(units.M2_PER_UNIT)),
)
def test_checked_m2_gives_a_finite_area_on_earth_or_says_why(value, unit):
    try:
        area = units.checked_m2(value, unit)
    except ValueError as error:
        assert "\n" not in str(error)
        assert not (math.isfinite(value) and 0 < value and 0 < units.to_m2(value, unit) <= units.EARTH_SURFACE_M2)
        return
    assert math.isfinite(area) and 0 < area <= units.EARTH_SURFACE_M2
    assert math.isfinite(units.m2_to_pyeong(area)) and math.isfinite(area + area)


def test_1e308_pyeong_is_refused_with_the_reason():
    with pytest.raises(ValueError, match=r"1e\+308 pyeong = inf m² is|is not a finite area"):
        units.checked_m2(1e308, "pyeong")
    with pytest.raises(ValueError, match=r"more than the surface of the Earth"):
        units.checked_m2(1e15, "m2")
    assert units.EARTH_SURFACE_M2 == pytest.approx(4 * math.pi * 6_371_007.181**2, rel=1e-6)  # authalic radius
