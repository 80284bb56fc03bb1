"""The interface strings: every message in every language."""

from __future__ import annotations

import re

import pytest

from geo import i18n
from geo.settings import LANGUAGES


def _forms(message: str | i18n.Plural) -> list[str]:
    """A message's wordings: both forms of a plural one."""
    return [message.one, message.other] if isinstance(message, i18n.Plural) else [message]


def test_every_message_has_every_language():
    # One test over every message (not one per message): a failure lists every message at fault.
    missing = [key for key, message in i18n.MESSAGES.items() if set(message) != set(LANGUAGES)]
    blank = [key for key, m in i18n.MESSAGES.items() if not all(f.strip() for v in m.values() for f in _forms(v))]
    assert missing == [] and blank == []


def test_a_count_of_one_reads_in_the_singular_in_english():
    assert i18n.text("report_unchecked", "en", count=1).startswith("1 claim could not be checked (its subject")
    assert i18n.text("report_unchecked", "en", count=2).startswith("2 claims could not be checked (their subject")
    assert i18n.text("findings_short_hold", "en", total=1) == "✓ the 1 claim holds"
    assert i18n.text("findings_unchecked", "ko", n=1) == i18n.text("findings_unchecked", "ko", n=1)
    assert i18n.texts("index_shown")["en"] == "{n} of {total} zones shown"  # the general form


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


def test_placeholders_are_the_same_in_every_language_and_form():
    import string

    def names(text: str) -> set[str]:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field}

    differ = [
        key
        for key, message in i18n.MESSAGES.items()
        if len({frozenset(names(form)) for language in LANGUAGES for form in _forms(message[language])}) > 1
    ]
    assert differ == []


def test_korean_and_japanese_messages_are_translated():
    # A message may be the same in all three (units, "OpenStreetMap", "ha"), but not mostly English.
    words = {k: re.sub(r"\{\w+\}", "", str(m["en"])) for k, m in i18n.MESSAGES.items()}  # placeholders aside
    ascii_only = [
        k for k, m in i18n.MESSAGES.items() if m["ko"] == str(m["en"]) and words[k].isascii() and len(words[k]) > 12
    ]
    assert ascii_only == ["basemap_osm"]  # a proper name
    assert i18n.text("report_col_verdict", "ja") == "判定" and i18n.role_label("parts", "ko") == "부품 생산"
