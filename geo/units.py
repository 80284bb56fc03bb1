"""Area unit conversions, both ways, in one place.

1 pyeong = 400/121 m² exactly; 1 ha = 10⁴ m²; 1 km² = 10⁶ m². Every function accepts a float, a NumPy array
or a pandas Series and returns the same kind.
"""

from __future__ import annotations

from typing import TypeVar

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
