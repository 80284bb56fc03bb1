"""Area unit conversions, both ways, in one place.

1 pyeong = 400/121 m² exactly; 1 ha = 10⁴ m²; 1 km² = 10⁶ m². Every conversion accepts a float, a NumPy array
or a pandas Series and returns the same kind. :func:`checked_m2` converts one published figure and refuses one
that is no area on Earth (not finite, not positive, or larger than the Earth's surface), so that no figure
derived from it (pyeong, differences, sums) can overflow to infinity.
"""

from __future__ import annotations

import math
from typing import Final, TypeVar

import numpy as np
import pandas as pd

from .settings import M2_PER_HA, M2_PER_KM2, M2_PER_PYEONG

Area = TypeVar("Area", float, np.ndarray, pd.Series)

#: Factor from each supported unit to square metres.
M2_PER_UNIT: dict[str, float] = {
    "m2": 1.0,
    "ha": M2_PER_HA,
    "km2": M2_PER_KM2,
    "pyeong": M2_PER_PYEONG,
}


#: The area of the GRS80 ellipsoid in m² (2πa²(1 + (1 − e²)/e · artanh e)): no area on Earth is larger. A
#: figure above it is a typo, and sums and differences of figures below it stay far from overflow.
EARTH_SURFACE_M2: Final = 510_065_621_718_491.25


def checked_m2(value: float, unit: str) -> float:
    """``value`` in ``unit`` converted to m², checked to be an area that can exist.

    Raises
    ------
    ValueError
        With the reason, when ``unit`` is unknown, ``value`` is not a finite positive number, or its
        conversion is not finite or exceeds :data:`EARTH_SURFACE_M2`.
    """
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{value!r} is not a positive finite number")
    area = float(to_m2(value, unit))
    if not math.isfinite(area) or area <= 0:
        raise ValueError(f"{value:g} {unit} is not a finite area in m² (it converts to {area!r})")
    if area > EARTH_SURFACE_M2:
        raise ValueError(
            f"{value:g} {unit} = {area:.3g} m² is more than the surface of the Earth ({EARTH_SURFACE_M2:.3g} m²)"
        )
    return area


def m2_to_pyeong(area_m2: Area) -> Area:
    """Square metres to pyeong (× 121/400, exactly 0.3025)."""
    return area_m2 * 121 / 400


def pyeong_to_m2(area_pyeong: Area) -> Area:
    """Pyeong to square metres (× 400/121)."""
    return area_pyeong * 400 / 121


def to_m2(value: Area, unit: str) -> Area:
    """Convert ``value`` in ``unit`` (one of :data:`M2_PER_UNIT`) to square metres."""
    if unit == "pyeong":
        return pyeong_to_m2(value)
    return value * _factor(unit)


def from_m2(area_m2: Area, unit: str) -> Area:
    """Convert square metres to ``unit`` (one of :data:`M2_PER_UNIT`)."""
    if unit == "pyeong":
        return m2_to_pyeong(area_m2)
    return area_m2 / _factor(unit)


def _factor(unit: str) -> float:
    try:
        return M2_PER_UNIT[unit]
    except KeyError:
        raise ValueError(f"unknown area unit {unit!r}; use one of {', '.join(M2_PER_UNIT)}") from None
