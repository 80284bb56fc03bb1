"""Shared cartographic style: one colour and one label per role, so the HTML maps and the QGIS styles agree.

Colours are hex sRGB. Labels are per language code of :data:`geo.settings.LANGUAGES`.
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

#: Role labels (roles per News1 2024-06-18: Jingok parts production, Bitgoeul certification and finished
#: vehicles, the new complex demonstration).
ROLE_LABELS: Final[dict[str, dict[str, str]]] = {
    "certification": {
        "ko": "인증·완성차",
        "en": "Certification and finished vehicles",
        "ja": "認証・完成車",
    },
    "parts": {"ko": "부품 생산", "en": "Parts production", "ja": "部品生産"},
    "demonstration": {"ko": "실증", "en": "Demonstration", "ja": "実証"},
    "": {"ko": "구역", "en": "Zone", "ja": "区域"},
}

STATUS_LABELS: Final[dict[str, dict[str, str]]] = {
    "operating": {"ko": "운영 중", "en": "Operating", "ja": "稼働中"},
    "planned": {"ko": "계획", "en": "Planned", "ja": "計画中"},
    "": {"ko": "미상", "en": "Unknown", "ja": "不明"},
}

SCHEMATIC_LABEL: Final[dict[str, str]] = {
    "ko": "개략 경계 (공식 면적에 맞춘 도식, 실제 경계 아님)",
    "en": "Schematic outline (sized to the official area; not the surveyed boundary)",
    "ja": "概略境界（公式面積に合わせた模式図。実測境界ではありません）",
}

#: Dash pattern (Leaflet dashArray, in pixels) for schematic outlines; surveyed ones are solid.
SCHEMATIC_DASH: Final = "6 4"
#: Fill opacity of planned zones versus operating ones, so planned zones read as "not yet built".
PLANNED_FILL_OPACITY: Final = 0.15
OPERATING_FILL_OPACITY: Final = 0.4
BELT_COLOR: Final = "#ff7f0e"
CONTEXT_COLOR: Final = "#555555"


def role_color(role: str | None) -> str:
    """Colour of ``role``, grey for an unknown or missing one."""
    return ROLE_COLORS.get(role or "", ROLE_COLORS[""])


def role_label(role: str | None, language: str) -> str:
    """Label of ``role`` in ``language``; an unknown role shows as itself."""
    labels = ROLE_LABELS.get(role or "")
    return labels[language] if labels else str(role)
