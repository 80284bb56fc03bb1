"""How precise a published figure is: the step it is rounded to, and whether its wording says "about".

A publisher who writes 100万坪 for a complex of 1,023,660 pyeong has rounded, not erred. The audit therefore
reads each figure as rounded to a step and says *within rounding* when the measured area rounds to the
published figure even though it lies outside the tolerance.

The rule, the same for every claim unless ``claims.csv`` gives a ``rounding`` of its own:

- a figure with decimals (4.371 km²) is rounded to its last decimal (0.001 km²);
- an integer is rounded to the place of its last non-zero digit (1,847,000 m² → 1,000 m²), but is read as
  having at least two significant digits: 1,000,000 pyeong (100万坪) is "1.0 million", rounded to 100,000
  pyeong, not to a million. A figure whose trailing zeros are real digits cannot be told from a rounded one,
  so the generous reading is taken; it matters only for figures of two significant digits, since the half
  step of a figure with three or more is at most 0.5 %, inside any tolerance the audit uses.

The wording is *approximate* when its quote says so (약, 여, 정도, 가량, 約, 余, about, approximately…);
that changes no verdict and is shown beside the figure.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Final

#: Words that make a published figure approximate, in the languages of the sources.
APPROXIMATE_WORDS: Final = re.compile(
    r"약\s*\d|\d\s*(?:만|천)?\s*여|정도|가량|約|余|\babout\b|\bapprox(?:imately|\.)?|\baround\b|\bsome\b",
    re.IGNORECASE,
)
#: The fewest significant digits a published integer is read as having (100万 → 1.0 million, not 1 million).
MIN_SIGNIFICANT_DIGITS: Final = 2


def rounding_step(figure: str | float) -> float:
    """The step ``figure`` (as written: ``"4.371"``, ``"1000000"``) is rounded to, in its own unit.

    Raises
    ------
    ValueError
        When ``figure`` is not a positive finite number.
    """
    try:
        value = Decimal(str(figure).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{figure!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{figure!r} is not a positive finite number")
    _, digits, exponent = value.as_tuple()
    if exponent < 0 and any(digits[exponent:]):
        # Written with decimals: the last decimal written is the step (4.371 → 0.001; 4.370 → 0.001 too).
        return float(Decimal(1).scaleb(exponent))
    integer = int(value)
    zeros = len(str(integer)) - len(str(integer).rstrip("0"))
    most = math.floor(math.log10(integer)) - (MIN_SIGNIFICANT_DIGITS - 1)
    return float(10 ** max(0, min(zeros, most)))


def is_approximate(wording: str) -> bool:
    """Whether a published wording says its figure is approximate (약 714만㎡, 60만여㎡, 約100万坪, about 7 km²)."""
    return bool(APPROXIMATE_WORDS.search(str(wording or "")))
