"""Names and numbers as the maps write them: names in the map's language, zone titles, quantities and units.

:func:`qty` returns HTML (the unit escaped); the others return plain text, for the caller to escape.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import pandas as pd

from .._html import escape
from ..audit import AuditResult
from ..i18n import localised_column

#: A no-break space: between a number and its unit, so that a line never breaks between them.
NBSP: Final = "\u00a0"


def qty(value: str, unit: str) -> str:
    """A number (already formatted) and its unit, kept on one line; ``unit`` is escaped."""
    return f'<span class="tb-q">{value}{NBSP}{escape(unit)}</span>'


def zone_title(parts: gpd.GeoDataFrame, language: str) -> str:
    """The name of a zone from its parts' names: the part's own name, or what all parts' names share.

    For example "Bitgoeul National Industrial Complex (Gwangju part)" and "… (Hampyeong part)" give
    "Bitgoeul National Industrial Complex"; parts without a common name give the zone id.
    """
    names = [zone_name(row, language) for row in attribute_records(parts)]
    return shared_name(names, str(parts["zone_id"].iloc[0]))


def shared_name(names: list[str], fallback: str) -> str:
    """The one name of ``names``, or what they share (see :func:`zone_title`), else ``fallback``."""
    if len(set(names)) == 1:
        return names[0]
    # The common prefix of all names is that of the alphabetically first and last.
    first, last = min(names), max(names)
    length = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), len(first))
    shared = first[:length].rstrip(" (（[-–—,、·")
    return shared or fallback


def attribute_records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` without its geometry, as dicts (fast to read many times)."""
    columns = [c for c in frame.columns if c != getattr(frame, "_geometry_column_name", None)]
    return pd.DataFrame(frame[columns]).to_dict("records")


def zone_titles(zones: gpd.GeoDataFrame, language: str) -> dict[str, str]:
    """:func:`zone_title` of every zone, by zone id (as text), in the zones' order."""
    names: dict[str, list[str]] = {}
    for row in attribute_records(zones):
        names.setdefault(str(row["zone_id"]), []).append(zone_name(row, language))
    return {zone_id: shared_name(part_names, zone_id) for zone_id, part_names in names.items()}


def zone_name(row: pd.Series, language: str) -> str:
    return localised(row, language) or str(row.get("zone_id"))


def localised(row: pd.Series, language: str) -> str:
    """``name_<language>``, else ``name_ko``, else the empty string."""
    return localised_column(row, "name", language, fallback="name_ko")


def tolerance_text(audit: AuditResult) -> str:
    """``±2 %`` for the audit's tolerance, on one line."""
    return f"±{audit.tolerance * 100:g}{NBSP}%"
