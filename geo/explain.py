"""Each audited claim in words a client reads right, in Korean, English and Japanese.

The maps' claim lists, the index pages, the fact sheets and the summary explain a claim the same way, from
its row of the audit (:func:`geo.audit.audit_claims`):

- :func:`wording` — the figure as published, in its own words and unit (「100万坪」, “약 714만㎡”), taken from
  the quote only where the quote's number is the figure; otherwise the figure and its unit;
- :func:`difference` — which way and how far the published figure lies from the area it is compared with,
  and what that area is (the official figure where our outline is schematic and sized to it, else the
  measured area);
- :func:`reason` — why a claim is outside the tolerance (a unit error reads as ×1,000), why it holds only
  within its rounding, why it is uncertain or was not checked.

Plain text; the caller escapes it for the format it lands in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Final

from . import _format as fmt
from . import i18n
from .schema import Note, Verdict

#: A figure with its unit inside a published quote: 220万坪, 약 714만㎡, 407만1천㎡, 4.371㎢, 15만 평, 7.14 km².
_FIGURE = re.compile(
    r"(?P<approx>(?:약|約|about|approx\.?|approximately)\s*)?"
    r"(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?:(?P<myriad>[만万])\s*(?:(?P<rest>\d[\d,]*)\s*(?P<thousand>[천千])?)?)?"
    r"\s*(?P<more>[여余])?\s*(?P<unit>㎡|m²|m2|㎢|km²|km2|평|坪|ha)(?![a-z])",
    re.IGNORECASE,
)
#: The unit of :data:`geo.units.M2_PER_UNIT` each written unit means.
_UNITS: Final = {
    "㎡": "m2",
    "m²": "m2",
    "m2": "m2",
    "㎢": "km2",
    "km²": "km2",
    "km2": "km2",
    "평": "pyeong",
    "坪": "pyeong",
    "ha": "ha",
}
#: Below this share the published figure and the area are "the same" in words (0.005 % shows as 0.00 %).
SAME_PCT: Final = 0.005
#: Factors that betray a unit slip when the published figure is this many times the area (within 2 %).
_SLIPS: Final = {1_000: "×1,000", 1_000_000: "×1,000,000", 100: "×100", 10_000: "×10,000", 10: "×10"}
_SLIP_TOLERANCE: Final = 0.02
#: What separates two sentences: a space, none after Japanese 。.
_SENTENCE_GAP: Final = {"ja": ""}
#: Keeps a number with its unit on one line.
NBSP: Final = "\u00a0"


def _value(match: re.Match[str]) -> float:
    number = float(match["number"].replace(",", ""))
    if match["myriad"]:
        rest = float(match["rest"].replace(",", "")) if match["rest"] else 0.0
        return number * 10_000 + rest * (1_000 if match["thousand"] else 1)
    return number


def wording(claim: Mapping) -> str | None:
    """The words of the quote that state the claim's figure (``100万坪``, ``약 714만㎡``), or None when the
    quote states no number equal to the figure in its unit (then the figure speaks for itself)."""
    quote = str(claim.get("quote") or "")
    try:
        figure, unit = float(claim.get("figure")), str(claim.get("unit"))
    except (TypeError, ValueError):
        return None
    for match in _FIGURE.finditer(quote):
        written = _UNITS.get(match["unit"].lower())
        if written == unit and math.isclose(_value(match), figure, rel_tol=1e-9):
            return match.group(0).strip()
    return None


def figure_text(claim: Mapping, language: str) -> str:
    """The figure in its unit, with the decimals it was published with (4.371 km², 1,000,000 pyeong)."""
    step = claim.get("rounding")
    decimals = max(0, -math.floor(math.log10(step))) if _finite(step) and step < 1 else 0
    return f"{fmt.number(claim.get('figure'), decimals)}{NBSP}{unit_text(str(claim.get('unit')), language)}"


def published(claim: Mapping, language: str) -> str:
    """The figure as published: its words in quotation marks when the quote has them, else figure and unit."""
    words = wording(claim)
    if words is None:
        return figure_text(claim, language)
    return i18n.text("quoted", language, text=words)


def unit_text(unit: str, language: str) -> str:
    """A unit of :data:`geo.units.M2_PER_UNIT` in ``language`` (m2 → ㎡, pyeong → 평/坪), else as written."""
    key = f"unit_{unit}"
    return i18n.text(key, language) if key in i18n.MESSAGES else unit


def compared_with(claim: Mapping, language: str, *, first: bool = False) -> str:
    """What the figure is compared with: the official area where the outline is schematic and sized to it,
    else the measured area; with ``first``, as a sentence starts."""
    key = "explain_official" if claim.get("audit_note") == Note.BY_CONSTRUCTION else "explain_measured"
    return i18n.text(f"{key}_first" if first else key, language)


def difference(claim: Mapping, language: str) -> str:
    """Which way and how far the area lies from the published figure, in percent of the figure as the tolerance
    is (``The official area is 2.37 % larger than the published figure.``), or ``""`` when it was not compared.
    A figure that is a power of ten off reads as a factor (``about 1,000 times the official area``)."""
    pct = claim.get("difference_pct")
    if not _finite(pct):
        return ""
    compared = compared_with(claim, language)
    if abs(pct) < SAME_PCT:
        return i18n.text("explain_same", language, compared=compared)
    factor = _slip(claim)
    if factor:
        times = factor.replace("×", "").replace("÷", "1/")
        return i18n.text("explain_times", language, compared=compared, times=times)
    key = "explain_larger" if pct > 0 else "explain_smaller"
    return i18n.text(key, language, compared=compared_with(claim, language, first=True), pct=_pct(abs(pct)))


def reason(claim: Mapping, *, tolerance: str, language: str) -> str:
    """Why the verdict is what it is, in words, when it is not a plain *holds*: the rounding, the likely unit
    error, the tolerance exceeded, the caveat of an uncertain source, why it could not be checked."""
    verdict = claim.get("verdict")
    parts = []
    if verdict == Verdict.ROUNDING:
        step = f"{_step_text(claim, language)}"
        parts.append(i18n.text("explain_rounding", language, step=step))
    elif verdict == Verdict.OFF:
        factor = _slip(claim)
        parts.append(
            i18n.text("explain_unit_error", language, factor=factor)
            if factor
            else i18n.text("explain_outside", language, tolerance=tolerance)
        )
    elif verdict in (Verdict.UNCHECKED, Verdict.NOT_FOUND) and claim.get("audit_note") in set(Note):
        parts.append(i18n.text(Note(claim["audit_note"]).message, language))
    caveat = claim.get(f"caveat_{language}")
    if isinstance(caveat, str) and caveat.strip():
        parts.append(caveat.strip())
    elif claim.get("uncertain") is True:
        parts.append(i18n.text("explain_uncertain", language))
    return sentences(parts, language)


def finding(claim: Mapping, *, tolerance: str, language: str) -> str:
    """The difference and the reason in one text, sentences spaced as ``language`` writes them."""
    return sentences([difference(claim, language), reason(claim, tolerance=tolerance, language=language)], language)


def sentences(parts: list[str], language: str) -> str:
    """Non-empty ``parts`` joined as sentences: by a space, or by nothing after Japanese 。."""
    return _SENTENCE_GAP.get(language, " ").join(part for part in parts if part)


def verdict_text(claim: Mapping, language: str) -> str:
    verdict = claim.get("verdict")
    return i18n.text((Verdict(verdict) if verdict in set(Verdict) else Verdict.NOT_FOUND).message, language)


def _slip(claim: Mapping) -> str:
    """``×1,000`` (or another power of ten, ``÷`` when smaller) when the published figure is that many times the
    area, within 2 %; ``""`` otherwise."""
    claimed, measured = claim.get("claimed_m2"), claim.get("geometry_m2")
    if not (_finite(claimed) and _finite(measured)) or measured <= 0:
        return ""
    ratio = claimed / measured
    for factor, label in _SLIPS.items():
        for candidate, text in ((factor, label), (1 / factor, label.replace("×", "÷"))):
            if abs(ratio / candidate - 1) <= _SLIP_TOLERANCE:
                return text
    return ""


def _step_text(claim: Mapping, language: str) -> str:
    """The rounding step in the claim's unit, in the page's numerals: 10万坪, 10만 평, 100,000 pyeong."""
    step, unit = claim.get("rounding"), str(claim.get("unit"))
    if language in ("ko", "ja") and step >= 10_000 and float(step / 10_000).is_integer():
        return i18n.text("myriad", language, n=fmt.number(step / 10_000), unit=unit_text(unit, language)).replace(
            " ", NBSP
        )
    return f"{fmt.number(step, max(0, -math.floor(math.log10(step))))}{NBSP}{unit_text(unit, language)}"


def _pct(value: float) -> str:
    return fmt.percent(value, typographic=True).lstrip("+").replace(" ", NBSP)


def _finite(value: object) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
