"""Measure the zones and check every published area claim against them.

Pure functions: they take GeoDataFrames and DataFrames and return data aligned to their input; formatting
lives in :mod:`geo.report`.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from . import units
from .area import area_table, overlaps, union_area_m2
from .belt import belt_members, belt_summary
from .schema import BELT, ZONE_DESCRIPTIVE_COLUMNS, GeometryQuality, Verdict
from .settings import DEFAULT_TOLERANCE, ELLIPSOID, PLANAR_CRS

log = logging.getLogger(__name__)

BY_CONSTRUCTION_NOTE = (
    "geometry is schematic, sized to the official figures, so its agreement with them is by construction"
)
NOT_FOUND_NOTE = "no zone in the file matches this subject"
#: Message id (geo.i18n) of each audit note and of each verdict, for the reports and maps.
AUDIT_NOTES = {BY_CONSTRUCTION_NOTE: "report_note_by_construction", NOT_FOUND_NOTE: "report_note_not_found"}
VERDICT_MESSAGES = {
    Verdict.HOLDS.value: "verdict_holds",
    Verdict.OFF.value: "verdict_off",
    Verdict.NOT_FOUND.value: "verdict_not_found",
}


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

    @property
    def passed(self) -> bool:
        """True when every claim whose subject is in the zones holds within the tolerance."""
        checked = self.claims["within_tolerance"].dropna()
        return bool(checked.astype(bool).all())


def measure_zones(zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Areas of every zone feature: ellipsoidal (GRS80) in m², ha, km², pyeong, and planar EPSG:5186.

    Returns
    -------
    pandas.DataFrame
        Aligned to ``zones``: identifying and descriptive columns, the area columns of
        :func:`geo.area.area_table`, ``official_area_m2`` and ``official_difference_pct``
        (measured − official, in percent of the official figure).
    """
    keep = [c for c in ZONE_DESCRIPTIVE_COLUMNS if c in zones.columns]
    table = pd.concat([pd.DataFrame(zones[keep]), area_table(zones)], axis=1)
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
    subjects = {subject: _subject_rows(zones, subject) for subject in claims["subject"].unique()}
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
    result["within_tolerance"] = pd.Series(within, dtype=object).where(found, None)
    result["verdict"] = np.where(
        ~found, Verdict.NOT_FOUND.value, np.where(within, Verdict.HOLDS.value, Verdict.OFF.value)
    )
    result["audit_note"] = [_note(subjects[s]) for s in result["subject"]]

    for _, row in result[found & ~within].iterrows():
        warnings.warn(
            f"claim {row['claim_id']} ({row['subject']}): {row['claimed_m2']:,.0f} m² claimed, "
            f"{row['geometry_m2']:,.0f} m² measured ({row['difference_pct']:+.2f} %)",
            ClaimsAuditWarning,
            stacklevel=2,
        )
    return result


def run_audit(zones: gpd.GeoDataFrame, claims: pd.DataFrame, *, tolerance: float = DEFAULT_TOLERANCE) -> AuditResult:
    """Measure the zones, the belt and the overlaps, and check the claims (warnings are collected, not shown)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClaimsAuditWarning)
        checked = audit_claims(zones, claims, tolerance=tolerance)
    found = overlaps(zones, id_column="feature_id")
    for _, row in found.iterrows():
        log.warning("zones %s and %s overlap by %.1f m²; unions count it once", row["a"], row["b"], row["overlap_m2"])
    return AuditResult(
        zones=measure_zones(zones), claims=checked, belt=belt_summary(zones), overlaps=found, tolerance=tolerance
    )


def _subject_rows(zones: gpd.GeoDataFrame, subject: str) -> gpd.GeoDataFrame | None:
    if subject == BELT:
        rows = belt_members(zones)
    else:
        rows = zones[(zones["feature_id"] == subject) | (zones["zone_id"] == subject)]
    return rows if len(rows) else None


def _official_total(rows: gpd.GeoDataFrame | None) -> float:
    if rows is None:
        return np.nan
    official = pd.to_numeric(rows["official_area_m2"], errors="coerce")
    return float(official.sum()) if official.notna().all() else np.nan


def _note(rows: gpd.GeoDataFrame | None) -> str:
    if rows is None:
        return NOT_FOUND_NOTE
    if (rows["geometry_quality"] == GeometryQuality.SCHEMATIC).all():
        return BY_CONSTRUCTION_NOTE
    return ""
