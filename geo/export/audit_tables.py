"""The area audit in the GeoPackage: per zone part and per claim, as ``attributes`` tables without geometry.

Their only style is their fields' aliases in the export's language (:func:`geo.export._qml.to_qml` of a
style without geometry), so QGIS shows the columns' titles for them as for the layers.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..audit import AuditResult
from ..schema import CLAIM_FIELDS, MATCH_FIELDS, ZONE_FIELDS, Field
from . import _qml
from ._gpkg import Table
from ._tables import description, renamed, title


def audit_tables(audit: AuditResult, language: str) -> list[Table]:
    """``audit_zones`` (the audit's areas per zone part) and ``audit_claims`` (every claim and its verdict), and
    on the official boundary layer ``official_matches`` (which official feature became which zone, and why)."""
    claims = audit.claims.reset_index(drop=True)
    for column in ("within_tolerance", "within_rounding", "holds", "approximate"):
        if column in claims:
            claims[column] = claims[column].astype("boolean")
    metadata = {"tolerance": audit.tolerance, "passed": audit.passed}
    if "url" in claims:
        metadata["sources"] = sorted(set(claims["url"]))
    tables = [
        _attribute_table("audit_zones", audit.zones, ZONE_FIELDS, language),
        _attribute_table(
            "audit_claims", claims, CLAIM_FIELDS, language, suffix=f" ±{audit.tolerance * 100:g} %.", metadata=metadata
        ),
    ]
    if audit.matches is not None:
        tables.append(_attribute_table("official_matches", audit.matches, MATCH_FIELDS, language))
    return tables


def _attribute_table(
    name: str,
    frame: pd.DataFrame,
    fields: Mapping[str, Field],
    language: str,
    *,
    suffix: str = "",
    metadata: dict | None = None,
) -> Table:
    """A table without geometry: the columns of ``fields`` under their short names, their titles as aliases."""
    frame, titles = renamed(frame.reset_index(drop=True), fields, language)
    return Table(
        name=name,
        frame=frame,
        identifier=title(name, language, schematic=False),
        description=description(name, language, schematic=False) + suffix,
        titles=titles,
        qml=_qml.to_qml(_qml.LayerStyle(geometry=None, aliases=titles)),
        metadata=metadata or {},
    )
