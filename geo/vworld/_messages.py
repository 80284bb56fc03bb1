"""Text for messages: one short line, with key-like query values, credentials and the key itself hidden."""

from __future__ import annotations

import json
import re
import urllib.parse

from ._constants import MAX_QUOTED_CHARS, REDACTED, SECRET_PARAMETER_WORDS

#: ``name=value`` in a query, a fragment or a path parameter (``;``); the value runs to the next separator.
_PARAMETER = re.compile(r"(?P<name>[^?&;#=/\s]+)=(?P<value>[^&;#\s]*)")
#: Credentials before a host: ``//user:password@`` (a user name alone can be a token too).
_USERINFO = re.compile(r"(?<=//)[^/?#@\s]*@")


def redact_url(text: str) -> str:
    """``text`` (an address, or a message holding one) with every secret-looking query value shown as ``***``.

    A parameter is secret when its name, URL-decoded and in any case, contains one of
    :data:`SECRET_PARAMETER_WORDS` (``key``, ``apiKey``, ``api_key``, ``serviceKey``, ``token``…); credentials
    before the host are hidden too. This works on any text, whatever its scheme or none, so an address that is
    refused can still be quoted.
    """

    def parameter(match: re.Match[str]) -> str:
        name = urllib.parse.unquote_plus(match["name"]).casefold()
        if any(word in name for word in SECRET_PARAMETER_WORDS):
            return f"{match['name']}={REDACTED}"
        return match[0]

    return _PARAMETER.sub(parameter, _USERINFO.sub(f"{REDACTED}@", text))


def key_forms(key: str) -> set[str]:
    """The key as it can appear in a URL, a log or a body: as is, percent-encoded, form-encoded and JSON-escaped."""
    forms = (key, urllib.parse.quote(key, safe=""), urllib.parse.quote_plus(key), json.dumps(key)[1:-1])
    return {form for form in forms if form}


def key_pattern(key: str) -> re.Pattern[str]:
    """A pattern matching the key in any of its forms, in any case (``%2b`` as well as ``%2B``)."""
    forms = sorted(key_forms(key), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, forms)), re.IGNORECASE)


def one_line(text: str) -> str:
    """``text`` on one line and short enough for a message (scrub any key out of it first)."""
    single_line = " ".join(text.split())
    return single_line[:MAX_QUOTED_CHARS] + "…" if len(single_line) > MAX_QUOTED_CHARS else single_line


def quote(text: str) -> str:
    return repr(one_line(text))
