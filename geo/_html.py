"""Escaping for the generated HTML: every string that comes from data goes through here.

Two contexts matter in a Leaflet page:

- HTML: tooltips, popups, legends and the layer control put strings into the page with ``innerHTML``;
- JavaScript: folium writes tooltip and popup HTML inside template literals (`` `…${…}…` ``), and data
  embedded in a ``<script>`` element ends at the first ``</script>``.

:func:`escape` makes a string inert in both HTML and template literals (it turns ``$``, backticks and
backslashes into character references as well as ``<``, ``>``, ``&`` and quotes) and shows control
characters (C0 and C1 controls, bidi overrides, zero-width characters, lone surrogates) visibly as ``\\x1b``
etc., as the terminal and Markdown reports do; :func:`script_json` serialises data for a ``<script>`` element,
with the same characters as ``\\u`` escapes.
"""

from __future__ import annotations

import html
import json
import math
import re
import urllib.parse

#: Characters that HTML escaping leaves alone but a JavaScript template literal interprets.
_TEMPLATE_LITERAL_REFERENCES = {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
_TEMPLATE_LITERAL_PATTERN = re.compile("[`$\\\\{}]")
#: Characters that must not appear literally inside a <script> element or a JavaScript string.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_PATTERN = re.compile("[<>&\u2028\u2029]")
#: Characters that are no text: C0 and C1 controls (HTML forbids most of them), zero-width and bidi
#: formatting characters (which can make a name read as another), separators and lone surrogates (which
#: UTF-8 cannot hold). Tab and line feed are ordinary white space in HTML. The same set as
#: ``geo._format``'s, which this module may not import (they are independent in the layering contract).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
#: The characters of ``_CONTROL`` that :func:`json.dumps` with ``ensure_ascii=False`` leaves raw.
_SCRIPT_CONTROL = re.compile("[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: An http(s) address inside free text (a source line, a note).
URL_PATTERN = re.compile(r"https?://[^\s,;()<>\"']+")


def escape(value: object) -> str:
    """Text safe inside HTML (element content or a quoted attribute) and inside a JS template literal.

    ``None`` and NaN become the empty string; anything else is converted with ``str``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = html.escape(_CONTROL.sub(_visible, str(value)), quote=True)
    return _TEMPLATE_LITERAL_PATTERN.sub(lambda match: _TEMPLATE_LITERAL_REFERENCES[match.group()], text)


def script_json(data: object) -> str:
    """JSON for a ``<script>`` element: ``</script>``, ``<!--`` and line separators cannot end or break it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = _SCRIPT_CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return _SCRIPT_PATTERN.sub(lambda match: _SCRIPT_ESCAPES[match.group()], text)


def _visible(match: re.Match[str]) -> str:
    """A character as its Python escape (``\\x1b``, ``\\u202e``), which shows what it was."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def first_url(text: object) -> str | None:
    """The first http(s) URL in ``text`` (e.g. an official figure's source line), or None."""
    if not isinstance(text, str):
        return None
    match = URL_PATTERN.search(text)
    return match.group().rstrip(".") if match else None


def site_name(url: str) -> str:
    """The site of a URL as a reader names it: its host without ``www.`` (``investkorea.org``)."""
    host = urllib.parse.urlsplit(url).hostname or url
    return host.removeprefix("www.")


def linkify(text: object) -> str:
    """``text`` escaped, each http(s) URL in it a link labelled with its site (:func:`site_name`), so a reader
    sees "investkorea.org", not a percent-encoded address."""
    if not isinstance(text, str):
        return escape(text)
    parts, end = [], 0
    for match in URL_PATTERN.finditer(text):
        url = match.group().rstrip(".")
        parts += [escape(text[end : match.start()]), link(url, site_name(url))]
        end = match.start() + len(url)
    parts.append(escape(text[end:]))
    return "".join(parts)


def link(url: object, label: object, *, label_html: str | None = None) -> str:
    """An escaped link that opens in a new tab, or the escaped label alone if ``url`` is not http(s).

    ``label_html``: the label as HTML already escaped (markup of ours around escaped text), instead of ``label``.
    """
    shown = escape(label) if label_html is None else label_html
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return shown
    return f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">{shown}</a>'
