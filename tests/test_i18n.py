"""The interface strings: every message in every language."""

from __future__ import annotations

import pytest

from geo import i18n
from geo.settings import LANGUAGES


@pytest.mark.parametrize("key", sorted(i18n.MESSAGES))
def test_every_message_has_every_language(key):
    assert set(i18n.MESSAGES[key]) == set(LANGUAGES)
    assert all(i18n.MESSAGES[key][language].strip() for language in LANGUAGES)


def test_languages_differ_where_they_should():
    assert i18n.text("layer_zones", "ko") == "산업단지"
    assert i18n.text("layer_zones", "ja") == "産業団地"
    assert i18n.text("unit_pyeong", "en") == "pyeong"
    assert len({i18n.text("belt_title", language) for language in LANGUAGES}) == len(LANGUAGES)


def test_unknown_language_names_the_supported_ones():
    with pytest.raises(ValueError, match="unknown language 'fr'; use one of ko, en, ja"):
        i18n.text("layer_zones", "fr")


def test_every_language_has_a_name():
    assert set(i18n.LANGUAGE_NAMES) == set(LANGUAGES)


@pytest.mark.parametrize("key", sorted(i18n.MESSAGES))
def test_placeholders_are_the_same_in_every_language(key):
    import string

    names = [
        {field for _, field, _, _ in string.Formatter().parse(i18n.MESSAGES[key][language]) if field}
        for language in LANGUAGES
    ]
    assert all(n == names[0] for n in names), key


def test_korean_and_japanese_messages_are_translated():
    # A message may be the same in all three (units, "OpenStreetMap", "ha"), but not mostly English.
    ascii_only = [k for k, m in i18n.MESSAGES.items() if m["ko"] == m["en"] and m["en"].isascii() and len(m["en"]) > 12]
    assert ascii_only == ["basemap_osm"]  # a proper name
    assert i18n.text("report_col_verdict", "ja") == "判定" and i18n.role_label("parts", "ko") == "부품 생산"
