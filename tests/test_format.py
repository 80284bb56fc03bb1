"""The escaping function of each output format (geo._format): Markdown, terminal, CSV cells, JSON, XML."""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo import _format as fmt

#: What a terminal interprets (ESC starts ANSI/OSC sequences, CR returns to the line start, BEL, …).
TERMINAL_ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
FORMULA = tuple("=+-@＝＋－＠")
#: Texts that a spreadsheet would run: formula characters after any white space or control characters.
formula_cells = st.tuples(
    st.text(alphabet=" \t\r\n\u3000\u00a0\u2003\x00\x1b\u200b", max_size=4),
    st.sampled_from((*FORMULA, "\t", "\r")),
    st.text(max_size=20),
).map("".join)


@given(st.text())
def test_terminal_text_has_nothing_a_terminal_interprets(text):
    shown = fmt.terminal(text)
    assert not TERMINAL_ACTIVE.search(shown)
    shown.encode("utf-8")


@pytest.mark.parametrize(
    ("text", "shown"),
    [("\x1b[2J", "\\x1b[2J"), ("a\rb", "a\\x0db"), ("\x1b]0;title\x07", "\\x1b]0;title\\x07"), ("\ud800", "\\ud800")],
)
def test_terminal_shows_escapes_visibly(text, shown):
    assert fmt.terminal(text) == shown


@given(st.text(max_size=3000))
def test_a_value_in_a_message_is_one_short_line(text):
    for shown in (fmt.message_text(text), fmt.quoted(text)):
        assert "\n" not in shown and "\t" not in shown and not TERMINAL_ACTIVE.search(shown)
        # at most MESSAGE_VALUE_CHARS characters of the value, each shown as at most 6 (``\\ud800``), and quotes
        assert len(shown) <= fmt.MESSAGE_VALUE_CHARS * 6 + 2


@pytest.mark.parametrize(
    ("value", "text", "quoted"),
    [
        ("007", "007", "'007'"),
        ("a\nb", "a\\x0ab", "'a\\nb'"),
        ("x" * 2000, "x" * 79 + "…", "'" + "x" * 79 + "…'"),
        ("x" * 80, "x" * 80, "'" + "x" * 80 + "'"),
        (1.5, "1.5", "1.5"),
    ],
)
def test_message_text_and_quoted_cut_a_long_value_and_keep_a_short_one(value, text, quoted):
    assert fmt.message_text(value) == text
    assert fmt.quoted(value) == quoted
    assert fmt.message_text("x" * 2000, limit=None) == "x" * 2000


@given(formula_cells)
def test_a_cell_that_would_run_as_a_formula_is_prefixed(text):
    assert fmt.csv_cell(text) == "'" + text


@given(st.text())
def test_csv_cell_prefixes_exactly_what_could_run(text):
    """Prefixed if and only if the first character a spreadsheet does not skip starts a formula."""
    first = next(
        (
            ch
            for ch in text
            if ch in fmt.FORMULA_STARTS or not (ch.isspace() or unicodedata.category(ch) in {"Cc", "Cf", "Cs"})
        ),
        "",
    )
    assert fmt.csv_cell(text) == ("'" + text if first in fmt.FORMULA_STARTS and first else text)


@given(st.text(), st.text())
def test_markdown_keeps_text_literal_on_one_line(label, url):
    text = fmt.markdown(label)
    assert "\n" not in text and "\r" not in text and not TERMINAL_ACTIVE.search(text)
    assert not re.search(r"(?<!\\)\]\(", text) and not re.search(r"(?<!\\)[|<>`]", text)
    link = fmt.markdown_link(label, "https://example.org/" + url)
    assert link.count("](") == 1 and not TERMINAL_ACTIVE.search(link) and " " not in link.split("](", 1)[1]


@given(st.recursive(st.none() | st.booleans() | st.floats() | st.text(), lambda c: st.lists(c, max_size=3)))
def test_to_json_always_writes_valid_utf8_json(document):
    text = fmt.to_json(fmt.json_value(document) if not isinstance(document, list) else document_clean(document))
    text.encode("utf-8")
    assert not re.search("[\x00-\x1f\x7f-\x9f\ud800-\udfff]", text.rstrip("\n").replace("\n", ""))
    json.loads(text)


def document_clean(document):
    if isinstance(document, list):
        return [document_clean(item) for item in document]
    return fmt.json_value(document)


def test_lone_surrogates_round_trip_through_json():
    assert json.loads(fmt.to_json({"name": "a\udcffb"}))["name"] == "a\udcffb"


@given(st.text())
def test_xml_text_can_always_be_parsed(text):
    element = ET.Element("a", {"v": fmt.xml_text(text)})
    element.text = fmt.xml_text(text)
    parsed = ET.fromstring(ET.tostring(element, encoding="unicode"))
    assert parsed.get("v") == fmt.xml_text(text)
    if not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]", text):
        assert parsed.get("v") == text  # legal text is kept as it is


def test_a_legends_range_is_labelled_at_the_precision_of_its_span():
    assert fmt.range_labels(0.0103, 12.4) == ("0", "12")
    assert fmt.range_labels(0.0103, 0.51) == ("0.01", "0.51")
    assert fmt.range_labels(1200, 58_000) == ("1,200", "58,000")
    assert fmt.range_labels(3.0, 3.0) == ("3.00", "3.00")
