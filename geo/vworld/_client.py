"""Talking to the VWorld Data API: one request with retries and no redirects, every page, the status checks."""

from __future__ import annotations

import http.client
import json
import logging
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from .._errors import InputError
from ._constants import (
    API_URL_ENV,
    DEFAULT_API_URL,
    ERROR_MESSAGES,
    HTTP_REDIRECT_RANGE,
    HTTP_SERVER_ERROR,
    HTTP_TOO_MANY_REQUESTS,
    MAX_PAGES,
    MAX_QUOTED_CHARS,
    MAX_RETRY_AFTER_S,
    REDACTED,
    USER_AGENT,
)
from ._types import NoFeaturesFoundError

log = logging.getLogger(__name__)


def one_line(text: str) -> str:
    """``text`` on one line and short enough for a message (scrub any key out of it first)."""
    single_line = " ".join(text.split())
    return single_line[:MAX_QUOTED_CHARS] + "…" if len(single_line) > MAX_QUOTED_CHARS else single_line


def quote(text: str) -> str:
    return repr(one_line(text))


# --- talking to the API ----------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Turn every redirect into an HTTPError: following it would send the key to an unconfigured address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Client:
    """Sends GET requests with the key, retrying transient failures; knows the key only to send and scrub it."""

    def __init__(self, base_url: str, *, key: str, retries: int, backoff_s: float, timeout_s: float) -> None:
        self.base_url = base_url
        self._key = key
        self.retries = retries
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self._opener = urllib.request.build_opener(_NoRedirect)

    def __repr__(self) -> str:
        return f"Client({self.base_url!r}, key={REDACTED!r})"

    def scrub(self, text: str) -> str:
        """``text`` with the key, in every form a URL or a log could hold it, replaced by ``***``."""
        for form in {self._key, urllib.parse.quote(self._key, safe=""), urllib.parse.quote_plus(self._key)}:
            text = text.replace(form, REDACTED)
        return text

    def get_json(self, params: dict[str, str]) -> Any:
        """The decoded JSON body of ``GET base_url?params&key=…``."""
        body = self._get_with_retries(params)
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            pass  # raised below, outside this block: a JSONDecodeError holds the whole body, which may echo the key
        # The whole text is scrubbed before it is cut, so no piece of the key survives at the cut.
        start = self.scrub(body.decode("utf-8", errors="replace"))
        raise InputError(
            f"the VWorld API sent a response that is not JSON (it starts {quote(start)}); check "
            f"{API_URL_ENV} ({self.base_url}) or try again later"
        )

    def _get_with_retries(self, params: dict[str, str]) -> bytes:
        url = f"{self.base_url}?{urllib.parse.urlencode({**params, 'key': self._key})}"
        safe_url = f"{self.base_url}?{urllib.parse.urlencode({**params, 'key': REDACTED})}"
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            log.debug("GET %s (attempt %d of %d)", safe_url, attempt, attempts)
            try:
                return self._get(url)
            except _TransientError as error:
                if attempt == attempts:
                    # Its context is the _TransientError, whose text is ours: nothing from urllib is chained.
                    raise InputError(f"{error.final_message(attempts)}; try again later") from None
                wait = self.backoff_s * 2 ** (attempt - 1)
                if error.retry_after_s is not None:
                    wait = max(wait, min(error.retry_after_s, MAX_RETRY_AFTER_S))
                log.warning("VWorld API: %s; retrying in %.1f s (%d of %d)", error.reason, wait, attempt, self.retries)
                time.sleep(wait)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _get(self, url: str) -> bytes:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        # Every message below is built from our words, a status code or an exception's class: urllib's own
        # exceptions hold the URL, and the URL holds the key. The failure is raised after the ``except``
        # block so that it does not carry them as its ``__context__`` either.
        failure: Exception
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            failure = self._http_failure(error)
        except TimeoutError:
            failure = _TransientError(f"no answer within {self.timeout_s:g} s", timeout=True)
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                failure = _TransientError(f"no answer within {self.timeout_s:g} s", timeout=True)
            else:
                detail = reason.strerror if isinstance(reason, OSError) and reason.strerror else type(reason).__name__
                failure = _TransientError(f"cannot connect to {self._host()} ({detail})")
        except (http.client.HTTPException, OSError) as error:
            failure = _TransientError(f"the connection to {self._host()} broke ({type(error).__name__})")
        raise failure

    def _http_failure(self, error: urllib.error.HTTPError) -> Exception:
        status = error.code
        retry_after = error.headers.get("Retry-After") if error.headers else None
        error.close()  # HTTPError holds the open response; close it rather than leave it to the GC
        if status == HTTP_TOO_MANY_REQUESTS or status >= HTTP_SERVER_ERROR:
            return _TransientError(f"HTTP {status}", retry_after_s=_parse_retry_after(retry_after))
        if status in HTTP_REDIRECT_RANGE:
            return InputError(
                f"the VWorld API answered with a redirect (HTTP {status}), which is not followed so the key "
                f"is not sent elsewhere; set {API_URL_ENV} to the final address (default {DEFAULT_API_URL})"
            )
        return InputError(
            f"the VWorld API refused the request (HTTP {status}); check {API_URL_ENV} ({self.base_url}) "
            "and the layer name"
        )

    def _host(self) -> str:
        return urllib.parse.urlsplit(self.base_url).netloc


class _TransientError(Exception):
    """A failure worth retrying; ``reason`` never holds the URL."""

    def __init__(self, reason: str, *, timeout: bool = False, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.timeout = timeout
        self.retry_after_s = retry_after_s

    def final_message(self, attempts: int) -> str:
        tries = f"{attempts} attempt" + ("s" if attempts > 1 else "")
        if self.timeout:
            return f"the VWorld API gave no answer within the timeout ({self.reason}, {tries})"
        return f"the VWorld API could not be reached ({self.reason}, {tries})"


def _parse_retry_after(value: str | None) -> float | None:
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare, and the exponential backoff is a fine substitute
    return seconds if seconds is not None and math.isfinite(seconds) and seconds >= 0 else None


# --- reading the pages -----------------------------------------------------------------------------------


def fetch_all_pages(client: Client, params: dict[str, str], *, layer: str, filters: str) -> tuple[list[dict], int]:
    features: list[dict] = []
    page, total_pages, total_records = 1, 1, None
    while page <= total_pages:
        body = client.get_json({**params, "page": str(page)})
        response = _check_status(body, client, layer=layer, filters=filters, page=page)
        if response is None:  # NOT_FOUND on page 1 (later pages are errors, see _check_status)
            raise NoFeaturesFoundError(
                f"VWorld has no {layer} features matching {filters} (NOT_FOUND); widen the bbox, shorten the name "
                "or check the layer"
            )
        page_info = _field(response, "page", dict, client)
        announced_pages = _count(page_info, "total", client, where="response.page")
        current = _count(page_info, "current", client, where="response.page")
        records = _count(_field(response, "record", dict, client), "total", client, where="response.record")
        collection = _field(_field(response, "result", dict, client), "featureCollection", dict, client)
        page_features = _field(collection, "features", list, client)
        if current != page:
            raise InputError(
                f"the VWorld API sent page {current} when asked for page {page}; check {API_URL_ENV} "
                f"({client.base_url})"
            )
        if page == 1:
            total_pages, total_records = announced_pages, records
            if total_pages > MAX_PAGES:
                raise InputError(
                    f"VWorld announces {total_pages} pages of {layer} features for {filters}, more than the "
                    f"{MAX_PAGES} this tool fetches; narrow the bbox or the name"
                )
        if not page_features:
            if page == 1:
                raise NoFeaturesFoundError(
                    f"VWorld returned no {layer} features matching {filters}; widen the bbox, shorten the name or "
                    "check the layer"
                )
            raise InputError(
                f"page {page} of {total_pages} from the VWorld API holds no features; the layer may have changed "
                "during the fetch, try again"
            )
        features.extend(page_features)
        log.info("%s: page %d of %d, %d of %d features", layer, page, total_pages, len(features), total_records)
        page += 1
    if len(features) != total_records:
        # Pages that overlap or fall short would otherwise pass as a complete layer.
        raise InputError(
            f"the VWorld API announced {total_records} {layer} features but sent {len(features)} over "
            f"{total_pages} page(s); the layer may have changed during the fetch, try again"
        )
    return features, total_pages


def _check_status(body: Any, client: Client, *, layer: str, filters: str, page: int) -> dict | None:
    """The ``response`` object of an ``OK`` body, ``None`` for ``NOT_FOUND`` on page 1; raise for the rest."""
    if not isinstance(body, dict) or not isinstance(body.get("response"), dict):
        raise _malformed("has no 'response' object", client)
    response = body["response"]
    status = response.get("status")
    if status == "OK":
        return response
    if status == "NOT_FOUND":
        if page == 1:
            return None
        raise InputError(
            f"the VWorld API found page {page} of {layer} ({filters}) missing (NOT_FOUND) after announcing it; "
            "the layer may have changed during the fetch, try again"
        )
    if status == "ERROR":
        error = response.get("error")
        if not isinstance(error, dict):
            raise _malformed("reports an ERROR without an 'error' object", client)
        code = str(error.get("code", "")).strip()
        if code in ERROR_MESSAGES:
            raise InputError(ERROR_MESSAGES[code])
        text = one_line(client.scrub(str(error.get("text", ""))))
        raise InputError(
            f"the VWorld API reported an error ({one_line(client.scrub(code)) or 'no code'}: {text}) for layer "
            f"{layer} with {filters}; check the layer name and the filters"
        )
    raise _malformed(f"has the unknown status {quote(client.scrub(str(status)))}", client)


def _field(container: dict, name: str, kind: type, client: Client) -> Any:
    value = container.get(name)
    if not isinstance(value, kind):
        raise _malformed(f"has no '{name}' {'list' if kind is list else 'object'}", client)
    return value


def _count(container: dict, name: str, client: Client, *, where: str) -> int:
    """A non-negative whole number that the API may send as a string ("3") or a number (3)."""
    value = container.get(name)
    number = int(value) if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None:
        raise _malformed(f"has no whole number in '{where}.{name}'", client)
    if number < 0:
        raise _malformed(f"has a negative '{where}.{name}'", client)
    return number


def _malformed(problem: str, client: Client) -> InputError:
    return InputError(
        f"the VWorld API response {problem}, unlike the documented Data API 2.0 JSON; check {API_URL_ENV} "
        f"({client.base_url}) or try again later"
    )
