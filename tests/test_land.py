"""The 28 land categories (지목) and reading them from jibun strings and category fields."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import land

STATUTE_ORDER = (
    "전 답 과수원 목장용지 임야 광천지 염전 대 공장용지 학교용지 주차장 주유소용지 창고용지 도로 철도용지 "
    "제방 하천 구거 유지 양어장 수도용지 공원 체육용지 유원지 종교용지 사적지 묘지 잡종지"
).split()


def test_registry_has_the_28_categories_of_article_67_in_order():
    assert len(land.CATEGORIES) == 28
    assert [c.name_ko for c in land.CATEGORIES.values()] == STATUTE_ORDER
    assert [c.number for c in land.CATEGORIES.values()] == list(range(1, 29))
    assert "".join(land.CATEGORIES) == "전답과목임광염대장학차주창도철제천구유양수공체원종사묘잡"
    for category in land.CATEGORIES.values():
        assert category.name_en and category.name_ja and category.code in land.CATEGORIES


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("장", "공장용지"),
        ("차", "주차장"),
        ("주", "주유소용지"),
        ("천", "하천"),
        ("원", "유원지"),
        ("대", "대"),
        ("임", "임야"),
    ],
)
def test_abbreviations_that_are_not_the_first_character(code, name):
    assert land.CATEGORIES[code].name_ko == name
    assert land.category(code).code == code


def test_unknown_category():
    assert land.category("x") is land.UNKNOWN
    assert land.UNKNOWN.code == land.UNKNOWN_CODE == "unknown"
    assert land.ORDER[land.UNKNOWN_CODE] > max(land.ORDER[c] for c in land.CATEGORIES)


JIBUN_CASES = [
    ("123-4 장", "장"),
    ("산12 임", "임"),
    ("45 대", "대"),
    ("45대", "대"),
    ("  산12-3   임  ", "임"),
    ("7 원", "원"),
    ("7 공원", "공"),  # a full name is read as the category, not its last character
    ("12 공장용지", "장"),
    ("123-4", "unknown"),
    ("산12", "unknown"),
    ("12 가", "unknown"),
    ("", "unknown"),
    ("   ", "unknown"),
    (None, "unknown"),
    (float("nan"), "unknown"),
    (12, "unknown"),
]


@pytest.mark.parametrize(("jibun", "expected"), JIBUN_CASES)
def test_category_from_jibun(jibun, expected):
    assert land.category_from_jibun(jibun) == expected


def test_vectorised_jibun_matches_the_scalar_reading_and_keeps_the_index():
    values = pd.Series([j for j, _ in JIBUN_CASES], index=range(100, 100 + len(JIBUN_CASES)), dtype=object)
    result = land.categories_from_jibun(values)
    assert result.index.equals(values.index)
    assert list(result) == [e for _, e in JIBUN_CASES]
    text = pd.Series(["1 장", None, "2"], dtype="str")
    assert list(land.categories_from_jibun(text)) == ["장", "unknown", "unknown"]
    assert land.category_numbers_from_jibun(["1 장", "2 잡", "3"]).tolist() == [9, 28, 0]
    assert land.categories_from_jibun([]).empty


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("장", "장"),
        ("공장용지", "장"),
        (" 공장용지 ", "장"),
        ("Factory site", "장"),
        ("FACTORY SITE", "장"),
        (9, "장"),
        ("09", "장"),
        (9.0, "장"),
        (np.int64(28), "잡"),
        ("14", "도"),
        (0, "unknown"),
        (29, "unknown"),
        ("123-4 장", "unknown"),  # a category field holds the category, not a jibun
        (None, "unknown"),
        (float("nan"), "unknown"),
    ],
)
def test_category_from_value(value, expected):
    assert land.category_from_value(value) == expected


def test_vectorised_values_match_the_scalar_reading():
    values = ["장", "도로", 14, None, "x", "장", float("nan")]
    assert list(land.categories_from_values(values)) == [land.category_from_value(v) for v in values]
    assert land.category_numbers_from_values(pd.Series(["01", "전", None])).tolist() == [1, 1, 0]
