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
