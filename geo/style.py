"""Shared cartographic style: one colour per role, line and fill settings, so HTML maps and QGIS styles agree.

Colours are hex sRGB. The labels of roles and statuses are in :mod:`geo.i18n`.
"""

from __future__ import annotations

from typing import Final

#: Fill/outline colour per zone role; ``""`` is a user's zone without a role.
ROLE_COLORS: Final[dict[str, str]] = {
    "certification": "#1f77b4",
    "parts": "#2ca02c",
    "demonstration": "#d62728",
    "": "#7f7f7f",
}

#: Dash pattern (Leaflet dashArray, in pixels) for schematic outlines; surveyed ones are solid.
SCHEMATIC_DASH: Final = "6 4"
#: Fill opacity of planned zones versus operating ones, so planned zones read as "not yet built".
PLANNED_FILL_OPACITY: Final = 0.15
OPERATING_FILL_OPACITY: Final = 0.4
BELT_COLOR: Final = "#ff7f0e"
CONTEXT_COLOR: Final = "#555555"
#: Gu/si/gun boundaries and names: a light grey, background on every map and sheet.
UNIT_COLOR: Final = "#8c8c8c"
UNIT_LABEL_COLOR: Final = "#6e6e6e"


def role_color(role: str | None) -> str:
    """Colour of ``role``, grey for an unknown or missing one."""
    return ROLE_COLORS.get(role or "", ROLE_COLORS[""])


#: Fill/outline colour per pillar (hex sRGB), none of them a role's (:data:`ROLE_COLORS`): the FEZ map and sheet
#: draw both, and a colour keeps one meaning there. The future-vehicle district is Bitgoeul's Gwangju part; they
#: draw that ground once, as the district (:func:`geo.fez.district_ground`).
PILLAR_COLORS: Final[dict[str, str]] = {
    "future_vehicle": "#17becf",
    "ai": "#9467bd",
    "smart_energy": "#bcbd22",
    "": "#7f7f7f",
}


def pillar_color(pillar: str | None) -> str:
    """Colour of a Free Economic Zone pillar, grey for an unknown or missing one."""
    return PILLAR_COLORS.get(pillar or "", PILLAR_COLORS[""])
