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
