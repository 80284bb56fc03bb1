"""Escaping for HTML and JavaScript template literals, and JSON for <script> elements."""

from __future__ import annotations

import html
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo._html import escape, first_url, link, script_json

HOSTILE = ["<img src=x onerror=alert(1)>", "${alert(2)}", "</script><script>alert(3)</script>", "`\\u0041${x}`"]
#: Characters that would let a string act in HTML or in a JS template literal.
ACTIVE = set("<>\"'`$\\{}")


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_leaves_no_active_character(text):
    escaped = escape(text)
    assert not ACTIVE & set(escaped)
    assert html.unescape(escaped) == text


#: Characters that are no text: the escaped HTML shows them as ``\\x1b`` etc. instead.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def _visible(text: str) -> str:
    return CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


@given(st.text())
def test_escape_round_trips_and_is_inert(text):
    escaped = escape(text)
    assert html.unescape(escaped) == _visible(text)
    assert not ACTIVE & set(escaped)
    assert not CONTROL.search(escaped)
    # Every & starts a character reference, so the browser shows the text, not markup.
    assert escaped.count("&") == escaped.count(";") - _visible(text).count(";")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("a\rb", "a\\x0db"),
        ("\x00", "\\x00"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
        ("\x1b]8;;https://x\x07link", "\\x1b]8;;https://x\\x07link"),
    ],
)
def test_control_characters_are_shown_not_kept(text, shown):
    assert html.unescape(escape(text)) == shown


@given(st.text())
def test_script_json_has_no_raw_control_character(text):
    encoded = script_json({"name": text})
    assert json.loads(encoded)["name"] == text
    assert not CONTROL.search(encoded)
    encoded.encode("utf-8")  # lone surrogates are escaped, so the page can be written


def test_escape_of_missing_values_is_empty():
    assert escape(None) == ""
    assert escape(float("nan")) == ""
    assert escape(3) == "3"


def test_escaped_text_is_inert_inside_a_template_literal():
    """folium writes tooltips as `...${...}...`: the escaped text must not open a substitution or end it."""
    from folium import Map, Tooltip

    folium_map = Map(tiles=None)
    tooltip = Tooltip(escape("${alert(2)}`"))
    folium_map.add_child(tooltip)
    rendered = folium_map.get_root().render()
    literal = rendered.split("bindTooltip(", 1)[1].split("`", 2)[1]
    assert "${" not in literal
    assert "&#36;&#123;alert(2)&#125;&#96;" in literal


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), lambda c: st.lists(c, max_size=3)))
def test_script_json_round_trips_and_cannot_close_the_script(data):
    text = script_json(data)
    assert json.loads(text) == data
    assert "<" not in text and ">" not in text and "\u2028" not in text


def test_script_json_keeps_hostile_names_as_data():
    text = script_json({"name": "</script><script>alert(3)</script>"})
    assert "</script" not in text
    assert json.loads(text)["name"] == "</script><script>alert(3)</script>"


def test_first_url_finds_the_source_link_in_a_source_line():
    line = "Gwangju City release 2023-07-20, https://v.daum.net/v/20230720165517680"
    assert first_url(line) == "https://v.daum.net/v/20230720165517680"
    assert (
        first_url("Derived (Kwangju Ilbo, http://www.kwangju.co.kr/a.php?aid=1).")
        == "http://www.kwangju.co.kr/a.php?aid=1"
    )
    assert first_url("no link here") is None
    assert first_url(None) is None


def test_link_only_for_http_urls():
    assert link("https://example.org/?a=1&b=2", "<b>") == (
        '<a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">&lt;b&gt;</a>'
    )
    assert link("javascript:alert(1)", "x") == "x"
    assert link(None, "${x}") == "&#36;&#123;x&#125;"


def test_linkify_escapes_text_and_labels_each_url_with_its_site():
    from geo._html import linkify

    text = 'Invest KOREA <b>, https://www.investkorea.org/ik-jp/bbs/i-835/detail.do?ntt_sn=490923. And "x"'
    html = linkify(text)
    assert "<b>" not in html and "&lt;b&gt;" in html and "&quot;x&quot;" in html
    assert ">investkorea.org</a>" in html and 'href="https://www.investkorea.org/ik-jp/bbs/i-835/detail.do' in html
    assert linkify("javascript:alert(1)") == "javascript:alert(1)"  # only http(s) becomes a link
