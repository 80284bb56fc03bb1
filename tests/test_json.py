"""Streamed JSON: byte for byte what geo._format.to_json writes for the whole document, chunk after chunk."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import _format as fmt
from geo import _json

#: Floats whose text is easy to get wrong: signed zeros, the ends of Python's fixed-notation range, whole
#: numbers, the smallest and largest doubles, and values that are not finite.
EDGE_FLOATS = (
    0.0, -0.0, 1e-4, 9.999999999999999e-05, 0.00012345, 1e15, 1e15 + 0.5, 1e16, 9999999999999998.0, 123.0,
    -7.25, 0.1, 1 / 3, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e22, 4019.6141568840076,
    float("nan"), float("inf"), float("-inf"),
)  # fmt: skip
#: Text that JSON or json_safe escapes: quotes, backslashes, controls, DEL, C1, separators, bidi overrides,
#: lone surrogates; and plain ASCII, Hangul and Kana beside them.
EDGE_TEXT = (
    "plain", "", 'say "hi"', "back\\slash", "line\nbreak", "\x00nul", "\x1b[31mred", "\x7fdel", "\x85c1",
    "\u2028sep", "\u202eevil", "\u2066iso\u2069", "a\ud800b", "빛그린", "ビッグリーン", "%s %d {0}",
)  # fmt: skip
#: The same without lone surrogates, which a pandas text column (Arrow, UTF-8) cannot hold.
UTF8_TEXT = tuple(text for text in EDGE_TEXT if "\ud800" not in text)


def _expected(frame: pd.DataFrame, *, pretty: bool) -> str:
    return fmt.to_json({"head": 1, "rows": fmt.json_records(frame), "tail": [1, {"a": None}]}, pretty=pretty)


def _streamed(frame: pd.DataFrame, *, pretty: bool, chunk_rows: int = _json.CHUNK_ROWS) -> str:
    buffer = io.StringIO()
    document = {"head": 1, "rows": _json.Records(frame), "tail": [1, {"a": None}]}
    _json.write(buffer, document, pretty=pretty, chunk_rows=chunk_rows)
    return buffer.getvalue()


@pytest.mark.parametrize("pretty", [False, True])
@pytest.mark.parametrize("chunk_rows", [1, 2, 5, 1000])
def test_every_chunking_writes_the_text_of_the_whole_document(pretty, chunk_rows):
    count = len(EDGE_FLOATS)
    frame = pd.DataFrame(
        {
            "float": EDGE_FLOATS,
            "text": pd.Series([UTF8_TEXT[i % len(UTF8_TEXT)] for i in range(count)], dtype="str"),
            "object_text": pd.Series(
                [None if i % 4 == 0 else EDGE_TEXT[-1 - i % len(EDGE_TEXT)] for i in range(count)], dtype=object
            ),
            "int": np.arange(count, dtype=np.int64) - 5,
            "flag": [i % 3 == 0 for i in range(count)],
            "nullable": pd.array([None if i % 2 else i for i in range(count)], dtype="Int64"),
            'odd "key" %s': np.linspace(-1, 1, count),
        }
    )
    assert _streamed(frame, pretty=pretty, chunk_rows=chunk_rows) == _expected(frame, pretty=pretty)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(allow_nan=True, allow_infinity=True),
            st.one_of(st.none(), st.text()),
            st.booleans(),
            st.integers(min_value=-(2**62), max_value=2**62),
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=1, max_value=5),
    st.booleans(),
)
def test_any_table_streams_to_the_same_text_as_the_whole_document(rows, chunk_rows, pretty):
    frame = pd.DataFrame(rows, columns=["x", "name", "flag", "count"])
    assert _streamed(frame, pretty=pretty, chunk_rows=chunk_rows) == _expected(frame, pretty=pretty)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=50))
def test_floats_are_written_as_python_writes_them(values):
    text = _streamed(pd.DataFrame({"x": values}), pretty=False)
    assert text == _expected(pd.DataFrame({"x": values}), pretty=False)
    assert [row["x"] for row in json.loads(text)["rows"]] == values  # every double round-trips


@pytest.mark.parametrize("pretty", [False, True])
def test_mixed_and_nested_values_are_written_as_json_writes_them(pretty):
    frame = pd.DataFrame({"mixed": pd.Series([1, "two", 3.5, None, True, [1, {"b": "c"}]], dtype=object)})
    assert _streamed(frame, pretty=pretty, chunk_rows=3) == _expected(frame, pretty=pretty)
    # NumPy scalars and infinities among Python objects are converted as geo._format.json_value converts them
    # (json_records would refuse them).
    numpy = pd.DataFrame({"mixed": pd.Series(["a", np.int64(7), np.float64(2.5), float("inf")], dtype=object)})
    assert [row["mixed"] for row in json.loads(_streamed(numpy, pretty=pretty))["rows"]] == ["a", 7, 2.5, None]


@pytest.mark.parametrize("pretty", [False, True])
def test_empty_tables_and_tables_without_columns(pretty):
    for frame in (pd.DataFrame({"a": []}), pd.DataFrame(index=range(3))):
        assert _streamed(frame, pretty=pretty, chunk_rows=2) == _expected(frame, pretty=pretty)
    assert _streamed(pd.DataFrame({"a": []}), pretty=False) == '{"head":1,"rows":[],"tail":[1,{"a":null}]}\n'


def test_a_table_is_written_a_chunk_at_a_time():
    class Recorder(io.StringIO):
        pieces: list[str] = []  # noqa: RUF012 (one instance)

        def write(self, text: str) -> int:
            self.pieces.append(text)
            return super().write(text)

    stream = Recorder()
    _json.write(stream, {"rows": _json.Records(pd.DataFrame({"a": np.arange(10.5, 20)}))}, chunk_rows=3)
    rows = [piece for piece in stream.pieces if '"a"' in piece]
    assert [piece.count('"a"') for piece in rows] == [3, 3, 3, 1]
    assert json.loads(stream.getvalue())["rows"][-1] == {"a": 19.5}


def test_an_empty_document():
    stream = io.StringIO()
    _json.write(stream, {})
    assert stream.getvalue() == fmt.to_json({}) == "{}\n"


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "string[python]", "str", object])
def test_text_columns_of_every_string_dtype_are_written_as_json_writes_them(dtype):
    """A column Arrow already holds (pandas' Arrow-backed strings come in chunks) is text like any other."""
    frame = pd.DataFrame({"id": pd.Series(["000001", "빛그린(광주)", 'a "q"', None], dtype=dtype)})
    stream = io.StringIO()
    _json.write(stream, {"rows": _json.Records(frame)}, chunk_rows=3)
    assert json.loads(stream.getvalue()) == {"rows": fmt.json_records(frame)}
