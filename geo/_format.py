"""Formatting shared by every writer: numbers, plain-text and Markdown tables, CSV for Excel, JSON values.

Each output format has one escaping function here (HTML's is :func:`geo._html.escape`, XML's is
ElementTree's), and every writer uses it for every string that comes from data:

- :func:`markdown` — Markdown cells and sentences;
- :func:`terminal` — text for a terminal: control characters (ANSI/OSC escapes, carriage returns) shown visibly;
- :func:`csv_cell` — a spreadsheet cell that cannot run as a formula;
- :func:`json_value` — a value JSON can hold (no NaN or infinities); :func:`to_json` also writes lone
  surrogates as ``\\udxxx`` escapes, so the text is always valid UTF-8;
- :func:`xml_text` — text XML 1.0 can hold: characters it forbids (most C0 controls, lone surrogates,
  U+FFFE/U+FFFF) shown visibly, as :func:`terminal` does; ElementTree escapes the rest.
"""

from __future__ import annotations

import io
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Final

import numpy as np
import pandas as pd

#: Shown for a missing number.
MISSING: Final = "–"
#: How many characters of one value from data (an id, a name, a field name, an option's value) an error or log
#: message shows; a longer value is cut, the cut marked "…", so that a message stays a line one can read.
MESSAGE_VALUE_CHARS: Final = 80
#: The minus sign of typeset numbers (HTML); text meant to be parsed keeps the ASCII hyphen-minus.
TYPOGRAPHIC_MINUS: Final = "−"
#: A text cell starting with one of these (after any spaces) runs as a formula in Excel, LibreOffice or
#: Google Sheets; the full-width forms count too, as spreadsheets fold them.
FORMULA_STARTS: Final = frozenset("=+-@\t\r\n＝＋－＠")
#: Characters that end or change a Markdown cell or link.
_MARKDOWN_SPECIAL: Final = "\\|*_`<>[]()#!~&"
_MD_URL_UNSAFE: Final = frozenset('()<>|"`\\[]')
#: Characters a terminal interprets or that reorder text: C0 and C1 controls (ESC starts ANSI and OSC
#: sequences, CR moves to the line start), zero-width and bidi formatting characters, line and paragraph
#: separators, and lone surrogates (which no encoding can write).
_CONTROL: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
#: Characters XML 1.0 does not allow in a document (section 2.2), plus C1 controls, which it discourages.
_XML_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
#: Characters that :func:`json.dumps` with ``ensure_ascii=False`` leaves raw but that cannot be encoded
#: (lone surrogates) or are control characters (C1, DEL, line and paragraph separators, bidi overrides). They
#: only ever occur inside JSON strings, where a ``\\u`` escape means the same character.
_JSON_UNSAFE: Final = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def number(value: object, decimals: int = 0, *, typographic: bool = False) -> str:
    """``value`` with thousands separators and ``decimals`` decimals; :data:`MISSING` for None or NaN."""
    if _is_missing(value):
        return MISSING
    text = f"{float(value) + 0.0:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # no "-0"
    return text.replace("-", TYPOGRAPHIC_MINUS) if typographic else text


def percent(value: object, *, typographic: bool = False) -> str:
    """A signed percentage to two decimals (``+2.37 %``; ``0.00 %`` for zero); :data:`MISSING` if absent."""
    if _is_missing(value):
        return MISSING
    rounded = round(float(value), 2)
    text = "0.00 %" if rounded == 0 else f"{rounded:+.2f} %"
    return text.replace("-", TYPOGRAPHIC_MINUS) if typographic else text


def percent_share(share: float) -> str:
    """A share (0–1) as a whole percentage, ``37 %``; a share that is neither 0 nor 1 never rounds to them."""
    value = float(share) * 100
    shown = round(value)
    if 0 < value < 1:
        shown = 1
    elif 99 < value < 100:
        shown = 99
    return f"{shown} %"


def significant(value: object, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits without exponent for ordinary magnitudes (legends)."""
    if _is_missing(value):
        return MISSING
    value = float(value)
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(0, digits - 1 - magnitude)
    return f"{value:,.{decimals}f}"


def range_labels(low: float, high: float) -> tuple[str, str]:
    """The two ends of a legend's range at the precision its span calls for: ``0`` and ``12`` for 0.0103 to
    12.4 km, ``0.01`` and ``0.51`` for a span of half a unit (two digits of the span, at least)."""
    span = abs(float(high) - float(low))
    if span == 0 or not math.isfinite(span):
        return significant(low), significant(high)
    decimals = max(0, 1 - math.floor(math.log10(span)))
    return f"{float(low):,.{decimals}f}", f"{float(high):,.{decimals}f}"


def table_number(value: object) -> str:
    """An integer with separators, a large number to two decimals, a small one to four significant digits."""
    if _is_missing(value):
        return MISSING
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    magnitude = abs(float(value))
    return f"{float(value):,.2f}" if magnitude >= 100 else f"{float(value):.4g}"


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(np.isnan(float(value)))
    except (TypeError, ValueError):
        return True


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Hangul, Kana and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _visible(match: re.Match[str]) -> str:
    """A character as its Python escape (``\\x1b``, ``\\u202e``, ``\\ud800``), which shows what it was."""
    return f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100 else f"\\u{ord(match.group()):04x}"


def terminal(text: object) -> str:
    """``text`` safe to print: control characters (ESC, CR, bidi overrides, …) shown as ``\\x1b`` etc."""
    return _CONTROL.sub(_visible, str(text))


def message_text(value: object, *, limit: int | None = MESSAGE_VALUE_CHARS) -> str:
    """``value`` for an error or log message, which is one line: as :func:`terminal`, line breaks and tabs shown
    as ``\\x0a`` and ``\\x09`` too, and cut to ``limit`` characters (None: whole), the last one "…"."""
    return terminal(_cut(str(value), limit)).replace("\n", "\\x0a").replace("\t", "\\x09")


def quoted(value: object, *, limit: int = MESSAGE_VALUE_CHARS) -> str:
    """``value`` quoted for an error or log message as ``repr`` quotes it (``'007'``), a text cut to ``limit``
    characters inside the quotes (the last one "…"), and safe for a terminal (as :func:`message_text`)."""
    return message_text(repr(_cut(value, limit) if isinstance(value, str) else value), limit=None)


def _cut(text: str, limit: int | None) -> str:
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold shown visibly (``\\x01``); the rest is left for the XML
    writer to escape (``<``, ``&``, quotes; ElementTree also writes tab, CR and LF in attributes as references).
    """
    return _XML_ILLEGAL.sub(_visible, text)


def text_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Lines of a plain-text table, numbers right-aligned, wide characters counted as two columns.

    Every cell passes through :func:`terminal`, so a name cannot move the cursor or recolour the screen.
    """
    headers = [terminal(h) for h in headers]
    rows = [[terminal(c) for c in r] for r in rows]
    widths = [max(display_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    numeric = [all(_looks_numeric(r[i]) for r in rows) and bool(rows) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        padded = []
        for cell, width, right in zip(cells, widths, numeric, strict=True):
            space = " " * (width - display_width(cell))
            padded.append(space + cell if right else cell + space)
        return "  ".join(padded).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _looks_numeric(cell: str) -> bool:
    stripped = cell.replace(",", "").replace(".", "").replace("+", "").replace("-", "").replace(" %", "")
    return cell == MISSING or stripped.isdigit()


def markdown(text: object) -> str:
    """``text`` as literal Markdown on one line: special characters backslash-escaped, line breaks as spaces."""
    text = terminal(" ".join(str(text).splitlines()))
    for ch in _MARKDOWN_SPECIAL:
        text = text.replace(ch, "\\" + ch)
    return text


def markdown_link(label: str, url: object) -> str:
    """A Markdown link for an http(s) URL, with the characters that would end or break it percent-encoded;
    any other URL (``javascript:``, ``data:``) gives the label alone."""
    if not isinstance(url, str) or not url.strip().lower().startswith(("http://", "https://")):
        return markdown(label)
    safe = "".join(
        _percent_encoded(ch) if ch in _MD_URL_UNSAFE or ch.isspace() or _CONTROL.match(ch) else ch for ch in url.strip()
    )
    return f"[{markdown(label)}]({safe})"


def _percent_encoded(ch: str) -> str:
    """``ch`` percent-encoded as UTF-8 (a lone surrogate, which has no UTF-8 form, as U+FFFD)."""
    data = ("\ufffd" if _LONE_SURROGATE.match(ch) else ch).encode("utf-8")
    return "".join(f"%{byte:02X}" for byte in data)


def markdown_table(headers: list[str], rows: list[list[str]], *, markdown_column: int | None = None) -> list[str]:
    """A Markdown table; every cell is escaped except those of ``markdown_column``, already Markdown."""
    out = ["| " + " | ".join(markdown(h) for h in headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    out += ["| " + " | ".join(c if i == markdown_column else markdown(c) for i, c in enumerate(r)) + " |" for r in rows]
    return out


def csv_cell(value: object) -> object:
    """A text cell that cannot run as a formula: ``'`` before one that would.

    A cell is prefixed when it starts with a character of :data:`FORMULA_STARTS`, or does so once leading
    white space (any Unicode space, ideographic space, line breaks) and control characters are skipped, as
    spreadsheets skip them.
    """
    if isinstance(value, str) and _formula_start(value):
        return "'" + value
    return value


def _formula_start(text: str) -> bool:
    for ch in text:
        if ch in FORMULA_STARTS:
            return True
        if not (ch.isspace() or _CONTROL.match(ch) or unicodedata.category(ch) == "Cf"):
            return False
    return False


def excel_csv(frame: pd.DataFrame, *, float_format: str) -> str:
    """CSV for Excel: UTF-8 with BOM (Hangul and Kana show right), CRLF, and text that cannot run as a formula.

    A text cell such as ``=HYPERLINK(…)`` from a zone name is written as ``'=HYPERLINK(…)``; numbers are
    left alone.
    """
    safe = frame.copy()
    decimals = int(float_format.strip("%f").lstrip(".") or 0)
    for column in safe.columns:
        if pd.api.types.is_bool_dtype(safe[column]):
            continue
        if pd.api.types.is_float_dtype(safe[column]):
            # Rounded first, and + 0.0, so that a tiny negative number is written 0.0000, not -0.0000.
            safe[column] = safe[column].round(decimals) + 0.0
            continue
        if pd.api.types.is_numeric_dtype(safe[column]):
            continue
        safe[column] = safe[column].map(csv_cell)
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, lineterminator="\r\n", float_format=float_format)
    return "\ufeff" + buffer.getvalue()


def json_value(value: object) -> object:
    """A value ready for JSON: NumPy scalars become Python numbers, NaN and infinities None (null)."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if value is pd.NA:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def json_records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as JSON-ready dicts: NumPy values as Python ones, NaN, NA and infinities as None.

    Column-wise, so it stays fast for millions of rows; equal to :func:`json_record` of each row.
    """
    columns = []
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_float_dtype(values):
            values = values.where(np.isfinite(values.to_numpy(dtype=float, na_value=np.nan)))
        columns.append(values.astype(object).where(values.notna(), None).tolist())
    names = list(frame.columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)] if names else [{}] * len(frame)


def json_record(mapping: dict) -> dict:
    """:func:`json_value` of every value of ``mapping``."""
    return {key: json_value(value) for key, value in mapping.items()}


def to_json(document: object, *, pretty: bool = False) -> str:
    """``document`` as UTF-8 JSON text with a final newline: compact, or indented when ``pretty``.

    Non-ASCII text is written as it is, except lone surrogates, which have no UTF-8 form: they are written as
    ``\\udxxx`` escapes (valid JSON, read back as the same string). Control characters are escaped by
    :mod:`json` itself.
    """
    if pretty:
        text = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
    else:
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return json_safe(text) + "\n"


def json_safe(text: str) -> str:
    """JSON text from :func:`json.dumps` (``ensure_ascii=False``) with lone surrogates as ``\\udxxx`` escapes
    and C1 controls and line separators as ``\\u`` escapes, so it encodes as UTF-8 and shows no raw control
    character."""
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def file_stems(ids: Iterable[object], *, reserved: Iterable[str] = ()) -> dict[str, str]:
    """A file-name stem for each id: lower case, ``[a-z0-9_-]`` only (other runs become ``-``), never empty
    (``zone``), unique among themselves and never one of ``reserved``; ids as text, in their order.

    The one rule for every output named after a zone (maps ``zone_<stem>_<lang>.html``, fact sheets
    ``factsheet_<stem>_<lang>.pdf``): an id may hold anything, a file name only these characters.
    """
    stems: dict[str, str] = {}
    used = {str(name).lower() for name in reserved}
    for key in dict.fromkeys(str(value) for value in ids):
        base = re.sub(r"[^a-z0-9_-]+", "-", key.lower()).strip("-") or "zone"
        stem, n = base, 1
        while stem in used:
            n += 1
            stem = f"{base}-{n}"
        used.add(stem)
        stems[key] = stem
    return stems
