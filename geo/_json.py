"""JSON written piece by piece: a document's tables stream out a chunk of rows at a time, encoded column by column.

:func:`write` writes, byte for byte, what :func:`geo._format.to_json` returns for the same document (compact,
or indented by two spaces when ``pretty``), without holding the document or its text: a value that is a
:class:`Records` (a DataFrame) is written as a list of objects, one per row, keyed by the column names,
:data:`CHUNK_ROWS` rows at a time. Values are converted as :func:`geo._format.json_records` converts them
(NumPy scalars to Python numbers; NaN, NA and infinities to null) and text is escaped as
:func:`geo._format.json_safe` escapes it.

Each chunk is assembled by Arrow's string kernels, so a million rows take seconds, not minutes: numbers are
formatted by Arrow where its text is Python's (:func:`_floats`), plain ASCII text is quoted by Arrow, and
everything else (other text, other numbers, values of mixed columns) is encoded by :mod:`json` itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Final, TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import _format as fmt

#: Rows encoded and written at a time: enough that the cost per chunk vanishes, few enough that a chunk's
#: text stays a few tens of megabytes.
CHUNK_ROWS: Final = 50_000
#: One level of indentation of the ``pretty`` form (as ``json.dumps(..., indent=2)``).
INDENT: Final = "  "
#: The JSON of a missing value.
NULL: Final = "null"
#: Magnitudes within which Python writes a float in fixed notation (``repr``: from 1e-4 up to, not
#: including, 1e16); Arrow's text is used only there, for floats with a fractional part written without an
#: exponent, where it is the same shortest round-trip text.
FIXED_NOTATION_RANGE: Final = (1e-4, 1e16)
#: ASCII characters JSON escapes in a string (quote, backslash, controls) and DEL, which json_safe does.
_ASCII_ESCAPED: Final = r'["\\\x00-\x1f\x7f]'
#: Nesting depth of a table's cells: document → list → object → value.
_CELL_DEPTH: Final = 3
_TEXT: Final = pa.large_string()


@dataclass(frozen=True)
class Records:
    """A table to write as a list of JSON objects, one per row, keyed by its column names (strings)."""

    frame: pd.DataFrame


def write(
    stream: TextIO, document: Mapping[str, object], *, pretty: bool = False, chunk_rows: int = CHUNK_ROWS
) -> None:
    """Write ``document`` (its values JSON-ready or :class:`Records`) to ``stream``, with a final newline.

    The text is :func:`geo._format.to_json` of the same document with each :class:`Records` replaced by
    :func:`geo._format.json_records` of its frame; tables are encoded and written ``chunk_rows`` rows at a time.
    """
    if not document:
        stream.write("{}\n")
        return
    newline = "\n" + INDENT if pretty else ""
    colon = ": " if pretty else ":"
    for position, (key, value) in enumerate(document.items()):
        stream.write(("{" if position == 0 else ",") + newline + _key(key) + colon)
        if isinstance(value, Records):
            _write_records(stream, value.frame, pretty=pretty, chunk_rows=chunk_rows)
        else:
            stream.write(_value(value, pretty=pretty, depth=1))
    stream.write(("\n" if pretty else "") + "}\n")


def _write_records(stream: TextIO, frame: pd.DataFrame, *, pretty: bool, chunk_rows: int) -> None:
    """A list of one object per row, at depth 1 of the document."""
    if len(frame) == 0:
        stream.write("[]")
        return
    keys = [_key(name) for name in frame.columns]
    if pretty:
        cell = "\n" + INDENT * _CELL_DEPTH
        labels = [("{" if i == 0 else ",") + f"{cell}{key}: " for i, key in enumerate(keys)]
        end = "\n" + INDENT * 2 + "}" if keys else "{}"
        opening, between, closing = "[\n" + INDENT * 2, ",\n" + INDENT * 2, "\n" + INDENT + "]"
    else:
        labels = [("{" if i == 0 else ",") + f"{key}:" for i, key in enumerate(keys)]
        end = "}" if keys else "{}"
        opening, between, closing = "[", ",", "]"
    for start in range(0, len(frame), chunk_rows):
        chunk = frame.iloc[start : start + chunk_rows]
        parts: list[object] = []
        for j, label in enumerate(labels):
            parts += [pa.scalar(label, _TEXT), _cells(chunk.iloc[:, j], pretty=pretty)]
        parts.append(pa.scalar(end, _TEXT))
        if len(parts) > 1:
            rows = pc.binary_join_element_wise(*parts, pa.scalar("", _TEXT))
        else:
            rows = pa.array([end] * len(chunk), _TEXT)
        stream.write((opening if start == 0 else between) + _joined(rows, between))
    stream.write(closing)


def _joined(rows: pa.Array, separator: str) -> str:
    """The texts of ``rows`` joined by ``separator``, in one Arrow call."""
    listed = pa.LargeListArray.from_arrays(pa.array([0, len(rows)], pa.int64()), rows)
    return pc.binary_join(listed, pa.scalar(separator, _TEXT))[0].as_py()


def _cells(column: pd.Series, *, pretty: bool) -> pa.Array:
    """The JSON text of every value of ``column`` (no nulls), vectorised by dtype where the dtype allows."""
    dtype = column.dtype
    missing = column.isna().to_numpy()
    if pd.api.types.is_bool_dtype(dtype) and not missing.any():
        return pc.if_else(pa.array(column.to_numpy(dtype=bool)), pa.scalar("true", _TEXT), pa.scalar("false", _TEXT))
    if pd.api.types.is_float_dtype(dtype):
        return _floats(column.to_numpy(dtype=float, na_value=np.nan))
    if pd.api.types.is_integer_dtype(dtype) and not missing.any():
        return pc.cast(pa.array(column.to_numpy()), _TEXT)  # the digits, as Python writes them
    if pd.api.types.is_string_dtype(dtype) and pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        return _strings(column)
    cells = [NULL if gone else _value(fmt.json_value(v), pretty=pretty, depth=_CELL_DEPTH)
             for v, gone in zip(column.to_numpy(dtype=object), missing, strict=True)]  # fmt: skip
    return pa.array(cells, _TEXT)


def _floats(values: np.ndarray) -> pa.Array:
    """Floats as :mod:`json` writes them (``float.__repr__``), NaN and infinities as null.

    Arrow formats them all; where its text could differ from Python's (outside
    :data:`FIXED_NOTATION_RANGE`, whole numbers, which Arrow writes without ``.0``, and any it writes with an
    exponent) Python's replaces it.
    """
    finite = np.isfinite(values)
    texts = pc.cast(pa.array(values, mask=~finite), _TEXT)
    low, high = FIXED_NOTATION_RANGE
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore"):
        python = finite & ~((magnitude >= low) & (magnitude < high) & (values != np.floor(values)))
    python |= pc.fill_null(pc.match_substring(texts, "e"), False).to_numpy(zero_copy_only=False)
    if python.any():
        replacements = pa.array(list(map(float.__repr__, values[python].tolist())), _TEXT)
        texts = pc.replace_with_mask(texts, pa.array(python), replacements)
    return pc.fill_null(texts, NULL)


def _strings(column: pd.Series) -> pa.Array:
    """JSON strings of a text column (null where missing), escaped as json and json_safe escape them.

    Plain ASCII text is quoted by Arrow; text with a character JSON escapes, and any other text, by
    :func:`json.encoder.encode_basestring` and :func:`geo._format.json_safe`, as is a column Arrow cannot
    hold (lone surrogates have no UTF-8 form).
    """
    try:
        text = pa.array(column, _TEXT, from_pandas=True)
    except UnicodeEncodeError:
        return pa.array(_python_strings(column), _TEXT)
    if isinstance(text, pa.ChunkedArray):  # a column already held by Arrow (pandas' "str" dtype) comes in chunks
        text = text.combine_chunks()
    quote, empty = pa.scalar('"', _TEXT), pa.scalar("", _TEXT)
    cells = pc.fill_null(pc.binary_join_element_wise(quote, text, quote, empty), NULL)
    python = pc.or_(pc.invert(pc.string_is_ascii(text)), pc.match_substring_regex(text, _ASCII_ESCAPED))
    python = pc.fill_null(python, False).to_numpy(zero_copy_only=False)
    if not python.any():
        return cells
    return pc.replace_with_mask(cells, pa.array(python), pa.array(_python_strings(column[python]), _TEXT))


def _python_strings(column: pd.Series) -> list[str]:
    """JSON strings of a text column by json's own encoder and :func:`geo._format.json_safe`, null where missing."""
    cells = [NULL if gone else encode_basestring(v)
             for v, gone in zip(column.to_numpy(dtype=object), column.isna().to_numpy(), strict=True)]  # fmt: skip
    # JSON's escaping leaves no line break inside a string, so one pass of json_safe goes over them all.
    return fmt.json_safe("\n".join(cells)).split("\n")


def _key(key: str) -> str:
    """A key as a JSON string."""
    return fmt.json_safe(encode_basestring(key))


def _value(value: object, *, pretty: bool, depth: int) -> str:
    """A JSON-ready value nested ``depth`` levels deep, as :func:`geo._format.to_json` writes it there."""
    if pretty:
        text = json.dumps(value, ensure_ascii=False, indent=len(INDENT), allow_nan=False)
        text = text.replace("\n", "\n" + INDENT * depth)  # strings hold no raw line break
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return fmt.json_safe(text)
