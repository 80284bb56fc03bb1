"""Constants of the official-layer matching: field names, name suffixes, thresholds."""

from __future__ import annotations

import re
from typing import Final

from ..schema import GeometryQuality

#: The VWorld Data API name of the national industrial-complex boundary layer (단지경계).
OFFICIAL_LAYER: Final = "LT_C_DAMDAN"
#: Field names (lower case) that hold the complex id and name in that layer and its exports.
ID_FIELDS: Final = ("dan_id",)
NAME_FIELDS: Final = ("dan_name",)
#: Field names (lower case) of the complex type (1 national, 2 general, 3 urban high-tech, 4 agro-industrial),
#: kept on the zones as the layer gives it.
TYPE_FIELDS: Final = ("danji_type", "dan_type")

#: Complex-type suffixes stripped by :func:`normalise_name`, longest first (spaces already removed).
NAME_SUFFIXES: Final = (
    "국가첨단산업단지",
    "도시첨단산업단지",
    "국가첨단산단",
    "도시첨단산단",
    "국가산업단지",
    "일반산업단지",
    "첨단산업단지",
    "국가산단",
    "일반산단",
    "첨단산단",
    "농공단지",
    "공업단지",
    "산업단지",
    "산단",
)
#: Characters removed from names besides white space: middle dots and dashes.
NAME_SEPARATORS: Final = "·ㆍ・‧-‐‑‒–—_"
#: Shortest normalised name that counts as contained in another (a partial match).
MIN_PARTIAL_NAME_LENGTH: Final = 2
#: Share (0–1) of our zone's area an official feature must cover to support a name match.
NAME_SUPPORT_MIN_SHARE: Final = 0.10
#: Share (0–1) of our zone's area an official feature must cover to match on overlap alone, and to win among
#: several name matches.
OVERLAP_MATCH_MIN_SHARE: Final = 0.50
#: A candidate that has our zone's name but none of its ground, farther than this (km, EPSG:5186 distance
#: between the outlines) from our zone, is a namesake: Korean complex names repeat across provinces (many
#: 농공단지 share a place name), and our outlines, schematic or not, lie where the sources put the complex.
NAMESAKE_DISTANCE_KM: Final = 20.0
#: Features whose names differ only by a part qualifier (``(광주)``, ``(함평)``, ``1단계``, ``(2단계)``…) are parts of
#: one complex when they lie within this distance (km, EPSG:5186) of one another.
COMPLEX_PART_MAX_GAP_KM: Final = 5.0
#: Part qualifiers that name an administrative unit, and the part of our zones each stands for.
PART_QUALIFIERS: Final = {
    "광주": "gwangju",
    "광주광역시": "gwangju",
    "광산": "gwangju",
    "광산구": "gwangju",
    "함평": "hampyeong",
    "함평군": "hampyeong",
}
#: Relative difference between the official feature and the sum of its derived parts above which the parts are
#: reported as not partitioning it.
PARTITION_REL_TOLERANCE: Final = 1e-6
#: Columns of the match CSV (``--match FILE``), matched case-insensitively.
MATCH_FILE_COLUMNS: Final = ("dan_id", "zone_id")
#: Encodings tried for the match CSV: UTF-8 (with or without BOM), then CP949 as Korean Excel saves it.
MATCH_FILE_ENCODINGS: Final = ("utf-8-sig", "cp949")
#: Quality of official geometry, whole or cut along an administrative boundary (``geometry_method`` says which).
OFFICIAL_QUALITY: Final = GeometryQuality.SUPPLIED.value
#: ``geometry_method`` of an official feature used as it is.
WHOLE_METHOD: Final = "official feature as supplied"
#: How many candidates or unmatched official ids one line of :meth:`MatchReport.lines` names.
MAX_LISTED: Final = 5

_PARENTHESISED: Final = re.compile(
    r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}|<[^<>]*>|〈[^〈〉]*〉|《[^《》]*》|「[^「」]*」"
)
_SPACE: Final = re.compile(r"\s+")
#: A phase or section qualifier inside a name: ``1단계``, ``2차``, ``3지구``, ``1공구``.
_PHASE: Final = re.compile(r"제?\d+\s*(?:단계|차|지구|공구)")
