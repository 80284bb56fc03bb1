"""Talking to the VWorld Data API: one request with retries, no redirects, a size limit and an overall deadline.

The retries are written out here rather than left to ``urllib3.Retry``: that one sleeps for as long as a
``Retry-After`` header asks (a hostile server could stall a run for hours), knows no deadline for the whole
fetch, and logs and raises with the full request URL, which holds the key.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .._errors import InputError
from ._constants import (
    API_URL_ENV,
    DEFAULT_API_URL,
    HTTP_REDIRECT_RANGE,
    HTTP_SERVER_ERROR,
    HTTP_TOO_MANY_REQUESTS,
    MAX_JSON_DEPTH,
    MAX_RESPONSE_BYTES,
    MAX_RETRY_AFTER_S,
    MIN_SOCKET_TIMEOUT_S,
    READ_CHUNK_BYTES,
    REDACTED,
    USER_AGENT,
)
from ._messages import key_pattern, quote, redact_url

log = logging.getLogger(__name__)

#: A JSON string (escapes included), replaced by ``""`` before the brackets are counted.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
#: Everything but brackets, removed before the nesting depth is measured.
_NOT_BRACKETS = re.compile(rb"[^\[\]{}]+")
#: ``[`` and ``{`` to +1, ``]`` and ``}`` to -1 (as signed bytes), for a running sum of the depth.
_DEPTH_STEPS = bytes.maketrans(b"[{]}", bytes([1, 1, 255, 255]))


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in the JSON text ``body``, measured without recursion."""
    brackets = _NOT_BRACKETS.sub(b"", _JSON_STRING.sub(b'""', body))
    if not brackets:
        return 0
    return int(np.frombuffer(brackets.translate(_DEPTH_STEPS), dtype=np.int8).cumsum(dtype=np.int32).max())


def decode_json(body: bytes, *, source: str, scrub: Callable[[str], str]) -> Any:
    """The JSON value in ``body``; :class:`InputError` for anything that is not JSON, or nested too deep."""
    if json_depth(body) > MAX_JSON_DEPTH:
        raise InputError(
            f"the VWorld API sent a response nested more than {MAX_JSON_DEPTH} levels deep, unlike the documented "
            f"Data API 2.0 JSON; check {source} or try again later"
        )
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        # Raised below, outside this block: a JSONDecodeError holds the whole body, which may echo the key.
        # ValueError also covers numbers of more than 4,300 digits, which int() refuses.
        pass
    # The whole text is scrubbed before it is cut, so no piece of the key survives at the cut.
    start = scrub(body.decode("utf-8", errors="replace"))
    raise InputError(
        f"the VWorld API sent a response that is not JSON (it starts {quote(start)}); check {source} or try again later"
    )


# --- the deadline ----------------------------------------------------------------------------------------


class Deadline:
    """The overall deadline of a fetch. When it passes, every connection still open is shut down, so a read
    blocked on a server that sends a byte now and then returns at once (the per-read timeout never trips)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._ends = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.0, self._ends - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)
            if self.expired:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in list(self._sockets):
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        # The plain socket's shutdown, also for TLS: it wakes the reader without touching the TLS state.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def _watched(connection: type[http.client.HTTPConnection], deadline: Deadline) -> type:
    class Watched(connection):
        def connect(self) -> None:
            super().connect()
            deadline.watch(self.sock)

    return Watched


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._connection = _watched(http.client.HTTPConnection, deadline)

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._connection = _watched(http.client.HTTPSConnection, deadline)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req, context=self._context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Turn every redirect into an HTTPError: following it would send the key to an unconfigured address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# --- the client ------------------------------------------------------------------------------------------


class Client:
    """Sends GET requests with the key, retrying transient failures; knows the key only to send and scrub it.

    Use it as a context manager: the overall deadline runs from ``__enter__`` and its timer stops at the end.
    """

    def __init__(
        self, base_url: str, *, key: str, retries: int, backoff_s: float, timeout_s: float, deadline_s: float
    ) -> None:
        self.base_url = base_url
        self._key = key
        self._key_pattern = key_pattern(key)
        self.retries = retries
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self.deadline_s = deadline_s
        self.deadline: Deadline | None = None
        #: How messages name the API: the environment variable and the address, secrets hidden.
        self.source = f"{API_URL_ENV} ({self.safe_url})"

    @property
    def safe_url(self) -> str:
        return self.scrub(redact_url(self.base_url))

    def __repr__(self) -> str:
        return f"Client({self.safe_url!r}, key={REDACTED!r})"

    def __enter__(self) -> Client:
        self.deadline = Deadline(self.deadline_s)
        self._opener = urllib.request.build_opener(
            _NoRedirect, _HTTPHandler(self.deadline), _HTTPSHandler(self.deadline)
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.deadline is not None:
            self.deadline.cancel()

    def scrub(self, text: str) -> str:
        """``text`` with the key, in every form a URL, a log or a JSON text could hold it, replaced by ``***``."""
        return self._key_pattern.sub(REDACTED, text)

    def get_json(self, params: dict[str, str]) -> Any:
        """The decoded JSON body of ``GET base_url?params&key=…``."""
        return decode_json(self._get_with_retries(params), source=self.source, scrub=self.scrub)

    def _get_with_retries(self, params: dict[str, str]) -> bytes:
        if self.deadline is None:
            raise RuntimeError("use the Client in a with block")  # pragma: no cover
        url = f"{self.base_url}?{urllib.parse.urlencode({**params, 'key': self._key})}"
        safe_url = f"{self.safe_url}?{urllib.parse.urlencode({**params, 'key': REDACTED})}"
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            log.debug("GET %s (attempt %d of %d)", safe_url, attempt, attempts)
            try:
                return self._get(url)
            except _TransientError as error:
                if self.deadline.expired:
                    raise self._deadline_error(params) from None
                if attempt == attempts:
                    # Its context is the _TransientError, whose text is ours: nothing from urllib is chained.
                    raise InputError(f"{error.final_message(attempts)}; try again later") from None
                wait = self.backoff_s * 2 ** (attempt - 1)
                if error.retry_after_s is not None:
                    wait = max(wait, min(error.retry_after_s, MAX_RETRY_AFTER_S))
                if wait >= self.deadline.remaining():
                    raise self._deadline_error(params, reason=error.reason) from None
                log.warning("VWorld API: %s; retrying in %.1f s (%d of %d)", error.reason, wait, attempt, self.retries)
                time.sleep(wait)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _deadline_error(self, params: dict[str, str], *, reason: str | None = None) -> InputError:
        last = f"; the last attempt: {reason}" if reason else ""
        return InputError(
            f"the VWorld API did not deliver page {params.get('page', '1')} of {params.get('data', 'the layer')} "
            f"within the overall timeout of {self.deadline_s:g} s (--timeout){last}; nothing was written; try "
            "again later or allow more time"
        )

    def _get(self, url: str) -> bytes:
        if self.deadline.expired:
            raise _TransientError("the overall timeout passed")
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
        timeout_s = max(min(self.timeout_s, self.deadline.remaining()), MIN_SOCKET_TIMEOUT_S)
        # Every message below is built from our words, a status code or an exception's class: urllib's own
        # exceptions hold the URL, and the URL holds the key. The failure is raised after the ``except``
        # block so that it does not carry them as its ``__context__`` either.
        failure: Exception
        try:
            with self._opener.open(request, timeout=timeout_s) as response:
                return self._read(response)
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

    def _read(self, response: http.client.HTTPResponse) -> bytes:
        """The body, in chunks, refused past :data:`MAX_RESPONSE_BYTES`; an interrupted read is transient."""
        if response.length is not None and response.length > MAX_RESPONSE_BYTES:  # Content-Length, as parsed
            raise self._too_large()
        chunks, size = [], 0
        while chunk := response.read(READ_CHUNK_BYTES):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise self._too_large()
            chunks.append(chunk)
        if self.deadline.expired:  # the watchdog shut the socket: what was read is cut short
            raise _TransientError("the overall timeout passed")
        if response.length:  # read(amt) returns short at the end of the stream instead of raising IncompleteRead
            raise _TransientError(
                f"the answer from {self._host()} was cut short ({size} of {size + response.length} bytes)"
            )
        return b"".join(chunks)

    def _too_large(self) -> InputError:
        return InputError(
            f"the VWorld API sent a page larger than {MAX_RESPONSE_BYTES / 2**20:g} MiB; ask for smaller pages "
            f"(page_size) or check {self.source}"
        )

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
        return InputError(f"the VWorld API refused the request (HTTP {status}); check {self.source} and the layer name")

    def _host(self) -> str:
        return self.scrub(redact_url(urllib.parse.urlsplit(self.base_url).netloc))


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
