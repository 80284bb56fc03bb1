"""Measure the zones and check every published area claim against them.

Pure functions: they take GeoDataFrames and DataFrames and return data aligned to their input; formatting
lives in :mod:`geo.report`.

The rule for claims that cannot be checked (their subject is no zone of the file): an audit never reports
success for them. Such a claim is *unchecked* (:attr:`AuditResult.unchecked`) and makes
:attr:`AuditResult.passed` false, so ``audit`` exits 1 and lists it; when no claim at all could be checked
(:attr:`AuditResult.nothing_checked`, typically a user's zone file audited against our bundled claims) the
zones are still measured and reported, and ``audit`` exits 2 with :meth:`AuditResult.nothing_checked_message`.
A derived figure that is not finite (a difference against a vanishing claim) is an :class:`InputError`.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from . import _format as fmt
from . import units
from ._errors import InputError
from .area import area_table, overlaps, union_area_m2
from .belt import belt_members, belt_summary
from .schema import BELT, ZONE_DESCRIPTIVE_COLUMNS, GeometryQuality, Note, Verdict
from .settings import DEFAULT_TOLERANCE, ELLIPSOID, PLANAR_CRS

log = logging.getLogger(__name__)


#: How many subjects and zone ids a message lists before it says how many more there are.
MAX_LISTED_IDS = 8
#: Zone features measured at a time: a national layer's areas are computed in slices of this many rows, so
#: the working arrays of :func:`geo.area.area_table` stay at a few hundred megabytes (each feature's area is
#: its own: slicing changes nothing beyond rounding).
MEASURE_CHUNK_ROWS: Final = 100_000
#: Derived figures of each claim that must be finite where its subject was found.
_DERIVED_FIGURES = ("geometry_m2", "geometry_pyeong", "claimed_pyeong", "difference_pct")


class ClaimsAuditWarning(UserWarning):
    """A published claim does not hold within the tolerance."""


@dataclass(frozen=True)
class AuditResult:
    """What the audit found: per-zone areas, per-claim verdicts, the belt and any overlaps."""

    zones: pd.DataFrame
    claims: pd.DataFrame
    belt: dict
    overlaps: pd.DataFrame
    tolerance: float
    crs: dict = field(default_factory=lambda: {"ellipsoidal": ELLIPSOID, "planar": PLANAR_CRS})
    #: File names of the zones and the claims (``zones``, ``claims``), for messages; empty when not from files.
    sources: dict = field(default_factory=dict)
    #: The Free Economic Zone as a whole (:func:`geo.fez.fez_summary`) when its claims were audited too.
    fez: dict | None = None
    #: For the official boundary layer: which official feature became which zone, with the evidence, and the
    #: candidates not taken with the reason (:meth:`geo.official.MatchReport.frame`); None for other sources.
    matches: pd.DataFrame | None = None

    @property
    def passed(self) -> bool:
        """True only when every claim was checked and holds (within the tolerance or its rounding).

        A claim whose subject is not in the zones (:attr:`unchecked`) makes it false: an audit never reports
        success for a claim it could not check.
        """
        checked = self.claims["holds"].dropna()
        return not self.unchecked and bool(checked.astype(bool).all())

    @property
    def unchecked(self) -> list[str]:
        """Ids of the claims that could not be checked: no zone of the file matches their subject."""
        missing = self.claims["holds"].isna()
        return [str(c) for c in self.claims.loc[missing, "claim_id"]]

    @property
    def nothing_checked(self) -> bool:
        """True when there are claims and none of them could be checked."""
        return len(self.claims) > 0 and len(self.unchecked) == len(self.claims)

    def unchecked_message(self) -> str:
        """One line naming the unchecked claims and their subjects, or ``""`` when every claim was checked."""
        if not self.unchecked:
            return ""
        listed = [
            f"{fmt.message_text(c)} ({fmt.message_text(s)}: {reason})" for c, s, reason in self.unchecked_reasons()
        ]
        return f"{len(listed)} of {len(self.claims)} claims could not be checked: {_listed(listed)}"

    def unchecked_reasons(self) -> list[tuple[str, str, str]]:
        """``(claim id, subject, why in a few words)`` of each claim that could not be checked."""
        missing = self.claims[self.claims["holds"].isna()]
        zones = self.sources.get("zones", "the zones")
        reasons = {
            Note.AMBIGUOUS.value: "its official match is ambiguous",
            Note.NOT_IN_LAYER.value: f"not in {zones}",
            Note.BELT_INCOMPLETE.value: "a member of the belt is not measured",
        }
        notes = missing["audit_note"] if "audit_note" in missing else [""] * len(missing)
        return [
            (str(c), str(s), reasons.get(n, f"no zone of {zones}"))
            for c, s, n in zip(missing["claim_id"], missing["subject"], notes, strict=True)
        ]

    def nothing_checked_message(self) -> str:
        """The one-line error when no claim could be checked: the subjects, the zone ids seen and the fix."""
        subjects = sorted({fmt.message_text(s) for s in self.claims["subject"]})
        zone_ids = (
            [fmt.message_text(z) for z in dict.fromkeys(self.zones["zone_id"])] if "zone_id" in self.zones else []
        )
        claims = self.sources.get("claims", "the claims")
        zones = self.sources.get("zones", "the zone file")
        return (
            f"no claim could be checked: none of the subjects of {claims} ({_listed(subjects)}) is a zone of "
            f"{zones} (its zone ids: {_listed(zone_ids) or 'none'}); pass --claims with claims about these zones, "
            "--id-field naming the field that holds the ids the claims use, or --belt ID,ID for the belt"
        )


def _listed(items: list[str]) -> str:
    more = len(items) - MAX_LISTED_IDS
    return ", ".join(items[:MAX_LISTED_IDS]) + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class Measured:
    """What :func:`run_audit` measures on every zone feature, measured beforehand: from arrays
    (:func:`geo.area.buffer_area_table`, :func:`geo.area.buffer_overlaps`) for zones kept as arrays."""

    #: :func:`geo.area.area_table` of the zones, aligned to them.
    areas: pd.DataFrame
    #: :func:`geo.area.overlaps` of the zones by ``feature_id``.
    overlaps: pd.DataFrame


def measure_zones(zones: gpd.GeoDataFrame, *, areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Areas of every zone feature: ellipsoidal (GRS80) in m², ha, km², pyeong, and planar EPSG:5186.

    ``areas``, when given, is :func:`geo.area.area_table` of ``zones`` already measured (from arrays).

    Returns
    -------
    pandas.DataFrame
        Aligned to ``zones``: identifying and descriptive columns, the area columns of
        :func:`geo.area.area_table`, ``official_area_m2`` and ``official_difference_pct``
        (measured − official, in percent of the official figure).
    """
    keep = [c for c in ZONE_DESCRIPTIVE_COLUMNS if c in zones.columns]
    if areas is None:
        slices = [zones.iloc[start : start + MEASURE_CHUNK_ROWS] for start in range(0, len(zones), MEASURE_CHUNK_ROWS)]
        areas = pd.concat([area_table(part) for part in slices]) if len(slices) > 1 else area_table(zones)
    table = pd.concat([pd.DataFrame(zones[keep]), areas], axis=1)
    official = pd.to_numeric(table["official_area_m2"], errors="coerce")
    table["official_area_pyeong"] = units.m2_to_pyeong(official)
    table["official_difference_pct"] = (table["area_m2"] - official) / official * 100
    return table


def audit_claims(
    zones: gpd.GeoDataFrame, claims: pd.DataFrame, *, tolerance: float = DEFAULT_TOLERANCE
) -> pd.DataFrame:
    """Check each claim against the measured geometry and, for totals, against the official figures.

    Parameters
    ----------
    zones
        Zone features with ``feature_id``, ``zone_id``, ``in_belt``, ``official_area_m2``, ``geometry_quality``.
    claims
        Claims with ``claim_id``, ``subject`` (``"belt"``, a zone id or a ``zone/part`` feature id) and
        ``claimed_m2``.
    tolerance
        Relative tolerance: a claim holds when |measured − claimed| ≤ tolerance × claimed.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``claims``, adding ``geometry_m2``, ``official_m2`` (for the belt, the sum of the members'
        official figures; for a zone, its official figure), ``difference_pct`` ((geometry − claimed) / claimed
        in percent), ``official_difference_pct``, ``within_tolerance`` (None where the subject is not in
        the zones), ``verdict`` and ``audit_note`` (the claim's own ``note`` is kept). Claims that do not
        hold also raise a ClaimsAuditWarning.
    """
    if tolerance < 0:
        raise ValueError(f"tolerance must be 0 or more, got {tolerance}")
    subjects = _subject_rows(zones, claims["subject"].unique())
    unresolved = _unresolved_notes(zones, subjects)
    subjects = {s: (None if s in unresolved else rows) for s, rows in subjects.items()}
    measured = {s: (union_area_m2(rows) if rows is not None else np.nan) for s, rows in subjects.items()}
    official = {s: _official_total(rows) for s, rows in subjects.items()}

    result = claims.copy()
    result["geometry_m2"] = result["subject"].map(measured).astype(float)
    result["geometry_pyeong"] = units.m2_to_pyeong(result["geometry_m2"])
    result["official_m2"] = result["subject"].map(official).astype(float)
    result["claimed_pyeong"] = units.m2_to_pyeong(result["claimed_m2"])
    result["difference_pct"] = (result["geometry_m2"] - result["claimed_m2"]) / result["claimed_m2"] * 100
    result["official_difference_pct"] = (result["official_m2"] - result["claimed_m2"]) / result["claimed_m2"] * 100
    found = result["geometry_m2"].notna()
    within = result["difference_pct"].abs() <= tolerance * 100 + 1e-12
    rounded = _within_rounding(result)
    result["within_tolerance"] = pd.Series(within, dtype=object).where(found, None)
    result["within_rounding"] = pd.Series(~within & rounded, dtype=object).where(found, None)
    result["holds"] = pd.Series(within | rounded, dtype=object).where(found, None)
    result["verdict"] = np.select(
        [~found, within, rounded],
        [Verdict.NOT_FOUND.value, Verdict.HOLDS.value, Verdict.ROUNDING.value],
        Verdict.OFF.value,
    )
    left_out = result["subject"].isin(list(unresolved)).to_numpy()
    result.loc[left_out, "verdict"] = Verdict.UNCHECKED.value
    result["audit_note"] = [unresolved.get(s) or _note(subjects[s]) for s in result["subject"]]
    _require_finite(result, found)

    for _, row in result[found & ~(within | rounded)].iterrows():
        warnings.warn(
            f"claim {row['claim_id']} ({row['subject']}): {row['claimed_m2']:,.0f} m² claimed, "
            f"{row['geometry_m2']:,.0f} m² measured ({row['difference_pct']:+.2f} %)",
            ClaimsAuditWarning,
            stacklevel=2,
        )
    return result


def run_audit(
    zones: gpd.GeoDataFrame,
    claims: pd.DataFrame,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    measured: Measured | None = None,
) -> AuditResult:
    """Measure the zones, the belt and the overlaps, and check the claims (warnings are collected, not shown).

    With ``measured`` (every feature's areas and the overlaps, measured from arrays), only the belt's members
    and the claims' subjects need a geometry in ``zones``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClaimsAuditWarning)
        checked = audit_claims(zones, claims, tolerance=tolerance)
    found = overlaps(zones, id_column="feature_id") if measured is None else measured.overlaps
    for _, row in found.head(MAX_LISTED_IDS).iterrows():
        log.warning("zones %s and %s overlap by %.1f m²; unions count it once", row["a"], row["b"], row["overlap_m2"])
    if len(found) > MAX_LISTED_IDS:
        log.warning(
            "and %d more overlapping pairs (the audit's overlaps list has them all)", len(found) - MAX_LISTED_IDS
        )
    sources = {
        key: frame.attrs["source"] for key, frame in (("zones", zones), ("claims", claims)) if "source" in frame.attrs
    }
    result = AuditResult(
        zones=measure_zones(zones, areas=None if measured is None else measured.areas),
        claims=checked,
        belt=belt_summary(zones),
        overlaps=found,
        tolerance=tolerance,
        sources=sources,
    )
    if result.unchecked and not result.nothing_checked:
        log.info("%s", result.unchecked_message())  # the reports list them too, and the audit does not pass
    return result


def _within_rounding(claims: pd.DataFrame) -> pd.Series:
    """Whether the measured area rounds to each published figure: within half its rounding step
    (:mod:`geo.precision`), converted from the claim's unit; False where no step is known."""
    if "rounding" not in claims:
        return pd.Series(False, index=claims.index)
    steps = pd.to_numeric(claims["rounding"], errors="coerce")
    half_m2 = [
        units.to_m2(float(step), unit) / 2 if np.isfinite(step) else np.nan
        for step, unit in zip(steps, claims["unit"], strict=True)
    ]
    gap = (claims["geometry_m2"] - claims["claimed_m2"]).abs()
    return (gap <= pd.Series(half_m2, index=claims.index) * (1 + 1e-12)).fillna(False).astype(bool)


def _claim_name(row: pd.Series) -> str:
    return f"{fmt.message_text(row['claim_id'])} ({fmt.message_text(row['subject'])})"


def _require_finite(claims: pd.DataFrame, found: pd.Series) -> None:
    """InputError for the first claim whose subject was found but a derived figure is not finite."""
    for column in _DERIVED_FIGURES:
        values = pd.to_numeric(claims[column], errors="coerce")
        bad = found & ~np.isfinite(values.to_numpy(dtype=float))
        if bad.any():
            row = claims[bad].iloc[0]
            raise InputError(
                f"claim {_claim_name(row)}: its {column} is not a finite number "
                f"(figure {row['figure']!r} {row['unit']}, {row['claimed_m2']!r} m²); check the figure and its unit"
            )
    official = pd.to_numeric(claims["official_difference_pct"], errors="coerce").to_numpy(dtype=float)
    given = pd.to_numeric(claims["official_m2"], errors="coerce").notna().to_numpy()
    bad = found.to_numpy() & given & ~np.isfinite(official)
    if bad.any():
        row = claims[bad].iloc[0]
        raise InputError(
            f"claim {_claim_name(row)}: the difference from the official figures is not a finite "
            f"number ({row['official_m2']!r} m² against {row['claimed_m2']!r} m²); check the official_area_m2 values"
        )


def _subject_rows(zones: gpd.GeoDataFrame, subjects: Collection[str]) -> dict[str, gpd.GeoDataFrame | None]:
    """The features each subject names (the belt's members, a zone's parts or one feature), None for none.

    The ids are looked up once for all subjects, so many claims against a national layer stay fast.
    """
    named = [s for s in subjects if s != BELT]
    candidates = zones[zones["feature_id"].isin(named) | zones["zone_id"].isin(named)]
    found = {}
    for subject in subjects:
        if subject == BELT:
            rows = belt_members(zones)
        else:
            rows = candidates[(candidates["feature_id"] == subject) | (candidates["zone_id"] == subject)]
        found[subject] = rows if len(rows) else None
    return found


def _official_total(rows: gpd.GeoDataFrame | None) -> float:
    if rows is None:
        return np.nan
    official = pd.to_numeric(rows["official_area_m2"], errors="coerce")
    return float(official.sum()) if official.notna().all() else np.nan


def _note(rows: gpd.GeoDataFrame | None) -> str:
    if rows is None:
        return Note.NOT_FOUND.value
    schematic = rows["geometry_quality"] == GeometryQuality.SCHEMATIC
    if schematic.all():
        return Note.BY_CONSTRUCTION.value
    if schematic.any():
        return Note.PARTLY_SCHEMATIC.value
    return ""


def _unresolved_notes(zones: gpd.GeoDataFrame, subjects: Collection[str]) -> dict[str, str]:
    """Subjects that are in the sources but have no outline to measure, with the note saying why.

    ``zones.attrs["unresolved"]`` (set by :func:`geo.official.official_zones`) names our zones left without
    official geometry: ambiguous, or not in the layer. A claim about one of them, or one of its parts, is
    unchecked; so is a claim about the belt when one of them is a member, as the belt would come out short.
    """
    unresolved = zones.attrs.get("unresolved") or {}
    if not unresolved:
        return {}
    notes = {"ambiguous": Note.AMBIGUOUS.value, "not_in_layer": Note.NOT_IN_LAYER.value}
    found = {}
    for subject in subjects:
        if subject == BELT:
            if any(entry.get("in_belt") for entry in unresolved.values()):
                found[subject] = Note.BELT_INCOMPLETE.value
            continue
        zone_id = str(subject).split("/", 1)[0]
        entry = unresolved.get(str(subject)) or unresolved.get(zone_id)
        if entry is not None:
            found[subject] = notes.get(entry.get("reason"), Note.NOT_IN_LAYER.value)
    return found
