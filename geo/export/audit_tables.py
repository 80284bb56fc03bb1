"""The area audit in the GeoPackage: per zone part and per claim, as ``attributes`` tables without geometry.

Their only style is their fields' aliases in the export's language (:func:`geo.export._qml.to_qml` of a
style without geometry), so QGIS shows the columns' titles for them as for the layers.
"""

from __future__ import annotations

import pandas as pd

from ..audit import AuditResult
from ..schema import CLAIM_FIELDS, MATCH_FIELDS, ZONE_FIELDS
from . import _qml
from ._gpkg import Table
from ._tables import description, renamed, title


def audit_tables(audit: AuditResult, language: str) -> list[Table]:
    """``audit_zones`` (the audit's areas per zone part) and ``audit_claims`` (every claim and its verdict), and
    on the official boundary layer ``official_matches`` (which official feature became which zone, and why)."""
    zones, zone_titles = renamed(audit.zones.reset_index(drop=True), ZONE_FIELDS, language)
    claims = audit.claims.reset_index(drop=True)
    claims["within_tolerance"] = claims["within_tolerance"].astype("boolean")
    claims, claim_titles = renamed(claims, CLAIM_FIELDS, language)
    metadata = {"tolerance": audit.tolerance, "passed": audit.passed}
    if "url" in claims:
        metadata["sources"] = sorted(set(claims["url"]))
    return [
        Table(
            name="audit_zones",
            frame=zones,
            identifier=title("audit_zones", language, schematic=False),
            description=description("audit_zones", language, schematic=False),
            titles=zone_titles,
            qml=_qml.to_qml(_qml.LayerStyle(geometry=None, aliases=zone_titles)),
        ),
        Table(
            name="audit_claims",
            frame=claims,
            identifier=title("audit_claims", language, schematic=False),
            description=description("audit_claims", language, schematic=False) + f" ±{audit.tolerance * 100:g} %.",
            titles=claim_titles,
            qml=_qml.to_qml(_qml.LayerStyle(geometry=None, aliases=claim_titles)),
            metadata=metadata,
        ),
        *([_matches_table(audit.matches, language)] if audit.matches is not None else []),
    ]


def _matches_table(matches: pd.DataFrame, language: str) -> Table:
    frame, titles = renamed(matches.reset_index(drop=True), MATCH_FIELDS, language)
    return Table(
        name="official_matches",
        frame=frame,
        identifier=title("official_matches", language, schematic=False),
        description=description("official_matches", language, schematic=False),
        titles=titles,
        qml=_qml.to_qml(_qml.LayerStyle(geometry=None, aliases=titles)),
    )
