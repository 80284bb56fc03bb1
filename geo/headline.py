"""The one headline of an audit: how many published figures were checked, hold, lie outside the tolerance or
could not be checked, per scope (the belt and its zones, the Free Economic Zone) and in all.

Every output states these same counts from here — the command line, ``audit.json`` (``headline``),
``audit.md``, the maps' panels, the index pages and the fact sheets — so none of them can show more success
than the audit: a scope with a claim outside the tolerance or unchecked is never said to hold.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Final

import pandas as pd

from . import i18n
from .audit import AuditResult
from .fez import is_fez_subject
from .schema import Verdict

#: The scopes of a headline, in the order they are stated, and the message naming each.
SCOPES: Final = {"belt": "scope_belt", "fez": "scope_fez", "all": "scope_all"}


@dataclass(frozen=True)
class Tally:
    """The claims of one scope: how many there are, were checked, hold, lie outside, could not be checked.

    ``unchecked_ids`` names the claims that could not be checked (their reason is each claim's ``audit_note``).
    """

    scope: str
    total: int
    checked: int
    holding: int
    outside: int
    unchecked: int
    unchecked_ids: tuple[str, ...] = ()
    #: Of ``holding``, those outside the tolerance that hold only within the rounding of their wording.
    rounding: int = 0

    @property
    def holds(self) -> bool:
        """True only when every claim of the scope was checked and holds (and there is at least one)."""
        return self.total > 0 and self.outside == 0 and self.unchecked == 0

    def record(self) -> dict:
        """For the JSON report."""
        record = asdict(self)
        record["unchecked_ids"] = list(self.unchecked_ids)
        return record


def tally(claims: pd.DataFrame, scope: str) -> Tally:
    """Count ``claims`` (an audit's claims table) as one scope."""
    within = claims["holds"] if len(claims) else pd.Series(dtype=object)
    checked = within.notna()
    holding = int((checked & within.fillna(False).astype(bool)).sum())
    unchecked_ids = tuple(str(c) for c in claims.loc[~checked, "claim_id"]) if len(claims) else ()
    rounding = int((claims["verdict"] == Verdict.ROUNDING).sum()) if len(claims) else 0
    return Tally(
        scope=scope,
        total=len(claims),
        checked=int(checked.sum()),
        holding=holding,
        outside=int(checked.sum()) - holding,
        unchecked=len(unchecked_ids),
        unchecked_ids=unchecked_ids,
        rounding=rounding,
    )


def scope_claims(audit: AuditResult, scope: str) -> pd.DataFrame:
    """The claims of ``scope``: ``belt`` every claim not about the FEZ, ``fez`` those about it, ``all`` all."""
    claims = audit.claims
    if scope == "all" or claims.empty:
        return claims
    about_fez = claims["subject"].map(is_fez_subject).astype(bool)
    return claims[about_fez] if scope == "fez" else claims[~about_fez]


def tallies(audit: AuditResult) -> dict[str, Tally]:
    """The tally of each scope that has claims (``belt``, ``fez``), then of ``all``."""
    found = {scope: tally(scope_claims(audit, scope), scope) for scope in SCOPES}
    return {scope: t for scope, t in found.items() if t.total or scope == "all"}


def sentence(t: Tally, *, tolerance: str, language: str, named: bool = True) -> str:
    """One tally in words in ``language``: ``Belt and its zones: 15 of 17 published figures hold within ±2 %;
    2 are outside it; 1 could not be checked`` (those holding only within their rounding counted apart); with
    ``named`` False, without the scope's name."""
    counts = {"holding": t.holding, "total": t.total, "tolerance": tolerance}
    if t.rounding:
        within = t.holding - t.rounding
        parts = [i18n.text("headline_hold_rounding", language, **counts, within=within, rounding=t.rounding)]
    else:
        parts = [i18n.text("headline_hold", language, **counts)]
    if t.outside:
        parts.append(i18n.text("headline_outside", language, outside=t.outside))
    if t.unchecked:
        parts.append(i18n.text("headline_unchecked", language, unchecked=t.unchecked))
    text = i18n.text("headline_separator", language).join(parts)
    return (
        i18n.text("headline_scope", language, scope=i18n.text(SCOPES[t.scope], language), text=text) if named else text
    )


def stated(audit: AuditResult) -> list[Tally]:
    """The tallies a headline states: each scope with claims, then the total when there are two."""
    found = tallies(audit)
    scoped = [t for scope, t in found.items() if scope != "all"]
    return scoped if len(scoped) <= 1 else [*scoped, found["all"]]


def headline(audit: AuditResult, *, language: str, tolerance: str | None = None) -> list[str]:
    """The headline in ``language``: one sentence per tally of :func:`stated` (``tolerance`` as shown)."""
    tolerance = tolerance or f"±{audit.tolerance * 100:g} %"
    return [sentence(t, tolerance=tolerance, language=language) for t in stated(audit)]


def css_class(t: Tally) -> str:
    """How a page colours the tally: ``tb-fail`` outside the tolerance, ``tb-warn`` unchecked, ``tb-pass``."""
    if t.outside:
        return "tb-fail"
    return "tb-warn" if t.unchecked or not t.total else "tb-pass"
