"""The Gwangju Free Economic Zone (광주경제자유구역, GJFEZ) as a whole: its four districts, their total, their claims.

The districts are a zone layer of their own (``layers/fez_districts.geojson``), one zone ``fez`` whose parts are
the districts, so the ordinary audit resolves every FEZ subject with no special case: ``fez`` is the union of
the four, ``fez/vehicle``, ``fez/ai``, ``fez/energy1`` and ``fez/energy2`` one district each. The future-vehicle
district is Bitgoeul's Gwangju part, drawn once: its outline is ``bitgoeul/gwangju``'s in ``zones.geojson``.

``layers/claims.csv`` holds the claims of both layers. :func:`fez_claims` and :func:`belt_claims` split it by
subject, so the belt audit never sees a FEZ claim (it would be "subject not in zones") and the FEZ audit
(:func:`audit_fez`, ``geo.run_audit(districts, fez_claims(claims))``) checks every one of them.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from typing import Final

import geopandas as gpd
import pandas as pd
import shapely

from . import i18n, units
from .area import union_area_m2
from .audit import AuditResult, Measured, run_audit
from .belt import schematic_share
from .io import read_zones
from .schema import GeometryQuality
from .settings import DEFAULT_TOLERANCE, LAYERS_DIR

log = logging.getLogger(__name__)

#: The subject of a claim about the whole FEZ, and the zone id of its districts (``fez/<district>``).
FEZ: Final = "fez"
FEZ_DISTRICTS_FILE: Final = LAYERS_DIR / "fez_districts.geojson"
#: The FEZ's three strategic pillars (Invest KOREA), in the order the legend shows them.
PILLARS: Final = ("future_vehicle", "ai", "smart_energy")


def text(key: str, language: str) -> str:
    """The FEZ message ``key`` in ``language`` (geo.i18n)."""
    return i18n.text(key, language)


def texts(key: str) -> dict[str, str]:
    """The FEZ message ``key`` in every language (geo.i18n)."""
    return i18n.texts(key)


def pillar_label(pillar: str | None, language: str) -> str:
    """Label of a pillar in ``language``; an unknown pillar shows as itself."""
    key = f"pillar_{pillar or ''}"
    return text(key, language) if key in i18n.MESSAGES else str(pillar)


def is_fez_subject(subject: object) -> bool:
    """True for a claim about the FEZ: ``fez`` (all its districts) or ``fez/<district>``."""
    text_ = str(subject).strip()
    return text_ == FEZ or text_.startswith(f"{FEZ}/")


def _split(claims: pd.DataFrame, fez: bool) -> pd.DataFrame:
    mask = claims["subject"].map(is_fez_subject).astype(bool)
    part = claims[mask if fez else ~mask].copy()
    part.attrs = dict(claims.attrs)
    return part


def fez_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims about the FEZ (subject ``fez`` or ``fez/…``), in their order, with the table's ``attrs``."""
    return _split(claims, fez=True)


def belt_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Every other claim: those the belt audit checks against the zones (``belt``, a zone or a zone part)."""
    return _split(claims, fez=False)


def district_ground(zones: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> pd.Series:
    """Which zone parts are a district's ground too (the same outline: the future-vehicle district is Bitgoeul's
    Gwangju part), aligned to ``zones``. A map or sheet of the FEZ draws that ground once, as the district, so each
    colour on it keeps one meaning (the pillar's, not also the role's)."""
    if zones.empty or districts.empty:
        return pd.Series(False, index=zones.index)
    ground = districts.to_crs(zones.crs).geometry.values
    same = [bool(shapely.equals(geom, ground).any()) if geom is not None else False for geom in zones.geometry.values]
    return pd.Series(same, index=zones.index)


def load_fez_districts(path: str | os.PathLike | None = None, **options: object) -> gpd.GeoDataFrame:
    """The FEZ districts, ours by default, in EPSG:4326, validated as zones (``feature_id`` ``fez/<district>``).

    ``options`` are those of :func:`geo.io.read_zones`.
    """
    districts = read_zones(path or FEZ_DISTRICTS_FILE, **options)
    if "later_area_m2" in districts:
        districts["later_area_m2"] = pd.to_numeric(districts["later_area_m2"], errors="coerce")
    return districts


def fez_summary(districts: gpd.GeoDataFrame) -> dict:
    """Measured union area of the districts, the sum of their areas at designation, and the members.

    The same contract as the audit's ``belt`` (:func:`geo.belt.belt_summary`), for the districts of zone ``fez``.

    Returns
    -------
    dict
        ``members`` (feature ids), ``area_m2``, ``area_pyeong``, ``area_ha`` (GRS80 ellipsoidal, overlaps
        counted once), ``official_sum_m2`` and ``official_sum_pyeong`` (the areas at designation; None unless
        every district has one), ``later_sum_m2`` (each district's later figure where one is recorded, else its
        area at designation; None without a ``later_area_m2`` column), ``schematic`` (every outline is) and
        ``schematic_share`` (as :func:`geo.belt_summary`).
    """
    members = districts[districts["zone_id"] == FEZ] if "zone_id" in districts else districts.iloc[:0]
    official = pd.to_numeric(members["official_area_m2"], errors="coerce")
    official_sum = float(official.sum()) if len(official) and official.notna().all() else None
    later_sum = None
    if "later_area_m2" in members and official_sum is not None:
        later_sum = float(pd.to_numeric(members["later_area_m2"], errors="coerce").fillna(official).sum())
    area = union_area_m2(members) if len(members) else 0.0
    return {
        "members": list(members["feature_id"]),
        "area_m2": area,
        "area_pyeong": units.m2_to_pyeong(area),
        "area_ha": units.from_m2(area, "ha"),
        "official_sum_m2": official_sum,
        "official_sum_pyeong": None if official_sum is None else units.m2_to_pyeong(official_sum),
        "later_sum_m2": later_sum,
        "schematic": bool(len(members)) and bool((members["geometry_quality"] == GeometryQuality.SCHEMATIC).all()),
        "schematic_share": schematic_share(members) if len(members) else 0.0,
    }


def audit_fez(
    districts: gpd.GeoDataFrame, claims: pd.DataFrame, *, tolerance: float = DEFAULT_TOLERANCE
) -> AuditResult:
    """:func:`geo.run_audit` of the districts against the FEZ claims of ``claims`` (the others are left out).

    Every FEZ claim gets a verdict (``holds`` or ``outside tolerance``); its ``belt`` is empty (no district is
    in the belt): use :func:`fez_summary` for the FEZ as a whole.
    """
    return run_audit(districts, fez_claims(claims), tolerance=tolerance)


def audit_with_fez(
    zones: gpd.GeoDataFrame,
    claims: pd.DataFrame,
    *,
    districts: gpd.GeoDataFrame | None,
    tolerance: float = DEFAULT_TOLERANCE,
    measured: Measured | None = None,
) -> AuditResult:
    """One audit of every claim: belt claims against ``zones``, FEZ claims against ``districts``.

    With ``districts`` None (a user's zone file, which says nothing about the FEZ) the FEZ claims are set
    aside, not counted as unchecked. The result's claims keep the order of ``claims``; its ``fez`` is
    :func:`fez_summary` of the districts. ``measured``: the zones' areas and overlaps measured beforehand
    (:class:`geo.audit.Measured`).
    """
    belt = run_audit(zones, belt_claims(claims), tolerance=tolerance, measured=measured)
    about_fez = fez_claims(claims)
    if districts is None or about_fez.empty:
        if len(about_fez):
            log.info("%d claims about the FEZ set aside: they are checked against our FEZ districts", len(about_fez))
        return belt
    fez = run_audit(districts, about_fez, tolerance=tolerance)
    combined = pd.concat([belt.claims, fez.claims]).loc[
        [i for i in claims.index if i in belt.claims.index or i in fez.claims.index]
    ]
    return dataclasses.replace(belt, claims=combined, fez=fez_summary(districts))
