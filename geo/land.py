"""The 28 official land categories (지목) of Korean cadastre and how to read them from parcel attributes.

공간정보의 구축 및 관리 등에 관한 법률 제67조 ① lists 28 categories; the cadastral map writes each parcel's lot number
(지번, ``jibun``) followed by the category's one-character abbreviation (부호, 지적업무처리규정 / 시행규칙), for example
``123-4 장`` (공장용지, factory site), ``산12 임`` (임야, forest) or ``45 대`` (대, building site). Most abbreviations
are the first character of the name; four are not: 공장용지 → ``장``, 주차장 → ``차``, 하천 → ``천``, 유원지 → ``원``.

:data:`CATEGORIES` maps each abbreviation to a :class:`LandCategory`; :data:`UNKNOWN` stands for a parcel whose
category cannot be read. :func:`category_from_jibun` and :func:`categories_from_jibun` read the abbreviation at the
end of a jibun; :func:`category_from_value` and :func:`categories_from_values` read a dedicated category field
(abbreviation, full Korean name, English name or the statutory number 1-28, as in KLIS ``JIMOK`` codes "01"…"28").
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LandCategory:
    """One land category (지목).

    Attributes
    ----------
    code
        The abbreviation written after the lot number on cadastral maps (부호), e.g. ``"장"``; ``"unknown"`` for
        :data:`UNKNOWN`.
    number
        Position in 제67조 ① (1 = 전 … 28 = 잡종지), also the KLIS numeric code; 0 for :data:`UNKNOWN`.
    name_ko, name_en, name_ja
        Full names in Korean, English and Japanese.
    """

    code: str
    number: int
    name_ko: str
    name_en: str
    name_ja: str


#: Code of the category given to a parcel whose category cannot be read.
UNKNOWN_CODE: Final = "unknown"
UNKNOWN: Final = LandCategory(UNKNOWN_CODE, 0, "미상", "Unknown", "不明")

_TABLE: Final = (
    ("전", "전", "Dry field", "畑"),
    ("답", "답", "Paddy field", "田"),
    ("과", "과수원", "Orchard", "果樹園"),
    ("목", "목장용지", "Pasture land", "牧場用地"),
    ("임", "임야", "Forest", "林野"),
    ("광", "광천지", "Mineral spring site", "鉱泉地"),
    ("염", "염전", "Salt field", "塩田"),
    ("대", "대", "Building site", "宅地（垈）"),
    ("장", "공장용지", "Factory site", "工場用地"),
    ("학", "학교용지", "School site", "学校用地"),
    ("차", "주차장", "Parking lot", "駐車場"),
    ("주", "주유소용지", "Gas station site", "給油所用地"),
    ("창", "창고용지", "Warehouse site", "倉庫用地"),
    ("도", "도로", "Road", "道路"),
    ("철", "철도용지", "Railway site", "鉄道用地"),
    ("제", "제방", "Embankment", "堤防"),
    ("천", "하천", "River", "河川"),
    ("구", "구거", "Ditch", "溝渠"),
    ("유", "유지", "Reservoir", "溜池"),
    ("양", "양어장", "Fish farm", "養魚場"),
    ("수", "수도용지", "Waterworks site", "水道用地"),
    ("공", "공원", "Park", "公園"),
    ("체", "체육용지", "Sports site", "体育用地"),
    ("원", "유원지", "Recreation area", "遊園地"),
    ("종", "종교용지", "Religious site", "宗教用地"),
    ("사", "사적지", "Historic site", "史跡地"),
    ("묘", "묘지", "Cemetery", "墓地"),
    ("잡", "잡종지", "Miscellaneous land", "雑種地"),
)

#: The 28 categories by abbreviation, in the order of 제67조 ①.
CATEGORIES: Final[dict[str, LandCategory]] = {
    code: LandCategory(code, number, ko, en, ja) for number, (code, ko, en, ja) in enumerate(_TABLE, start=1)
}
#: Sort key of each code (statutory order, unknown last).
ORDER: Final[dict[str, int]] = {**{code: c.number for code, c in CATEGORIES.items()}, UNKNOWN_CODE: len(_TABLE) + 1}

#: A trailing run of Hangul syllables, optionally followed by spaces: the category part of a jibun.
_SUFFIX: Final = re.compile(r"([가-힣]+)\s*$")

#: Words accepted at the end of a jibun: the abbreviation or the full Korean name.
_SUFFIX_CODES: Final[dict[str, str]] = {
    **{c.name_ko: code for code, c in CATEGORIES.items()},
    **{code: code for code in CATEGORIES},
}
#: Whole values accepted in a category field: the above, the English name (any case) and the number 1-28.
_VALUE_CODES: Final[dict[str, str]] = {
    **_SUFFIX_CODES,
    **{c.name_en.casefold(): code for code, c in CATEGORIES.items()},
    **{str(c.number): code for code, c in CATEGORIES.items()},
    **{f"{c.number:02d}": code for code, c in CATEGORIES.items()},
}


def category(code: str) -> LandCategory:
    """The :class:`LandCategory` of an abbreviation, or :data:`UNKNOWN` for any other code."""
    return CATEGORIES.get(code, UNKNOWN)


def category_from_jibun(jibun: object) -> str:
    """The category code at the end of a lot number, e.g. ``"123-4 장"`` → ``"장"``.

    The last run of Hangul (after the lot number, spaces allowed or not: ``"45대"``, ``" 산12  임 "``) is read as
    an abbreviation or a full name (``"123 공장용지"`` → ``"장"``). A jibun without one (``"123-4"``), with an
    unknown word, or missing (None, NaN) gives :data:`UNKNOWN_CODE`.
    """
    if not isinstance(jibun, str):
        return UNKNOWN_CODE
    match = _SUFFIX.search(jibun)
    return UNKNOWN_CODE if match is None else _SUFFIX_CODES.get(match.group(1), UNKNOWN_CODE)


def categories_from_jibun(jibun: pd.Series | Iterable[object]) -> pd.Series:
    """:func:`category_from_jibun` of each value, vectorised (Arrow kernels), aligned to a Series' index."""
    series = _series(jibun)
    return pd.Series(CODES[category_numbers_from_jibun(series)], index=series.index, dtype=object, name="category")


def category_numbers_from_jibun(jibun: pd.Series | Iterable[object]) -> np.ndarray:
    """The statutory number (1-28, 0 for unknown) of each jibun's category, as :func:`category_from_jibun` reads it.

    About 0.3 s per million values: the suffix is found with Arrow's RE2 kernel, not a Python loop.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    series = _series(jibun)
    if series.empty:
        return np.zeros(0, dtype=np.int16)
    if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
        text = pa.array(series, type=pa.string(), from_pandas=True)
    else:
        text = pa.array([v if isinstance(v, str) else None for v in series.to_numpy(dtype=object)], type=pa.string())
    suffix = pc.extract_regex(text, _SUFFIX_ARROW).field("word")
    position = pc.index_in(suffix, value_set=_suffix_keys()).fill_null(len(_SUFFIX_CODES)).to_numpy()
    return _suffix_numbers()[position]


#: :data:`_SUFFIX` for Arrow's extract_regex, which needs a named group.
_SUFFIX_ARROW: Final = r"(?P<word>[가-힣]+)\s*$"
#: Code of each statutory number: index 0 is :data:`UNKNOWN_CODE`, 1 to 28 the categories.
CODES: Final = np.array([UNKNOWN_CODE, *CATEGORIES], dtype=object)


@functools.cache
def _suffix_keys():  # -> pyarrow.Array
    import pyarrow as pa

    return pa.array(list(_SUFFIX_CODES), type=pa.string())


@functools.cache
def _suffix_numbers() -> np.ndarray:
    return np.array([CATEGORIES[code].number for code in _SUFFIX_CODES.values()] + [0], dtype=np.int16)


def _series(values: pd.Series | Iterable[object]) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)


def category_from_value(value: object) -> str:
    """The category code of a category field's value: abbreviation, Korean or English name, or number 1-28."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return UNKNOWN_CODE
    if isinstance(value, int | np.integer | float):
        text = str(int(value)) if float(value).is_integer() else ""
    else:
        text = str(value).strip()
    return _VALUE_CODES.get(text, _VALUE_CODES.get(text.casefold(), UNKNOWN_CODE))


def categories_from_values(values: pd.Series | Iterable[object]) -> pd.Series:
    """:func:`category_from_value` of each value, aligned to a Series' index."""
    series = _series(values)
    return pd.Series(CODES[category_numbers_from_values(series)], index=series.index, dtype=object, name="category")


def category_numbers_from_values(values: pd.Series | Iterable[object]) -> np.ndarray:
    """The statutory number (1-28, 0 for unknown) of each category field value, computed once per distinct value."""
    series = _series(values)
    codes, distinct = pd.factorize(series, use_na_sentinel=True)
    numbers = np.array([CATEGORIES[c].number if c in CATEGORIES else 0 for c in map(category_from_value, distinct)])
    lookup = np.append(numbers, 0).astype(np.int16)  # the sentinel -1 (missing) takes the last entry, 0
    return lookup[codes]


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
