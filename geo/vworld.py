"""Fetch a vector layer of the VWorld Data API 2.0 into a GeoPackage.

The layer this project needs is ``LT_C_DAMDAN`` (단지경계, the national industrial-complex boundaries, with
fields such as ``dan_id`` and ``dan_name``), but any layer of the Data API can be fetched. One GetFeature
request is sent per page (at most :data:`MAX_PAGE_SIZE` features each) until every page is in; only then is
the GeoPackage written, atomically, so a failed or interrupted fetch never leaves half a file and never
touches an existing one.

Request (``GET https://api.vworld.kr/req/data``)
    ``service=data&request=GetFeature&data=<layer>&key=<key>&format=json&size=<n>&page=<p>&crs=EPSG:4326
    &geometry=true&attribute=true`` and optionally ``geomFilter=BOX(minx,miny,maxx,maxy)`` (lon/lat degrees),
    ``attrFilter=dan_name:like:<name>`` and ``domain=<the service URL registered with the key>``.
Response
    ``response.status`` is ``OK``, ``NOT_FOUND`` or ``ERROR``; ``response.page`` = {total, current, size}
    (pages), ``response.record`` = {total, current} (features), ``response.result.featureCollection`` (GeoJSON)
    and, on ``ERROR``, ``response.error`` = {level, code, text}. The API reports its errors with HTTP 200, so
    the status is checked on every page, not only the HTTP status.

The key
    Read from ``key=`` or the environment variable ``VWORLD_KEY``. It is a secret: it is sent only in the
    request and never appears in a log record, an exception message, the GeoPackage or a ``repr``. Error
    messages are built from our own words and the API's error code; any text that comes from outside (the
    API's error text, a piece of a malformed body) has the key replaced by ``***`` first. Redirects are not
    followed, because following one would send the key to an address nobody configured.

Errors
    Every failure a user can fix or should know about raises :class:`geo._errors.InputError` with a one-line
    message (the command line turns it into exit status 2): no key, a key the API refuses, the daily quota
    used up, no answer within the timeout after the retries, an HTTP error, a response that is not the
    documented JSON, and no feature matching the filters (:class:`NoFeaturesFoundError`: a scripted fetch
    that found nothing must not look like success). Connection errors, timeouts, HTTP 429 and HTTP 5xx are
    retried with exponential backoff first.

What the GeoPackage holds
    * a layer named after the API layer (for example ``LT_C_DAMDAN``) with the features in EPSG:4326, as the
      API returned them (requested with ``crs=EPSG:4326``, so nothing is reprojected) and every attribute as
      returned; its description in ``gpkg_contents`` (shown by QGIS under Layer Properties → Information)
      says where and when it came from;
    * a table without geometry, ``fetch_metadata`` (QGIS lists it beside the layer; open its attribute
      table), with one row per item: ``layer``, ``bbox``, ``name``, ``geom_filter``, ``attr_filter``,
      ``fetched_at`` (UTC, ISO 8601), ``feature_count``, ``pages``, ``api_url`` (the base URL only, never the
      key) and ``crs``.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely.errors

from ._errors import InputError
from .io import atomic_path
from .settings import GEOGRAPHIC_CRS

log = logging.getLogger(__name__)

#: The Data API 2.0 endpoint.
DEFAULT_API_URL: Final = "https://api.vworld.kr/req/data"
#: Environment variables read when the matching argument is not given.
KEY_ENV: Final = "VWORLD_KEY"
API_URL_ENV: Final = "VWORLD_API_URL"
DOMAIN_ENV: Final = "VWORLD_DOMAIN"
#: The national industrial-complex boundary layer (단지경계) and its name field.
DEFAULT_LAYER: Final = "LT_C_DAMDAN"
DEFAULT_NAME_FIELD: Final = "dan_name"
#: Largest ``size`` (features per page) the API accepts.
MAX_PAGE_SIZE: Final = 1000
#: A guard against a server that keeps announcing more pages: 1,000 pages of 1,000 is far more than any layer.
MAX_PAGES: Final = 1000
DEFAULT_RETRIES: Final = 3
#: First wait before a retry; each further retry waits twice as long.
DEFAULT_BACKOFF_S: Final = 1.0
#: Longest wait honoured from a ``Retry-After`` header, so a hostile or confused server cannot stall a run.
MAX_RETRY_AFTER_S: Final = 60.0
#: Seconds without any data from the server before a request counts as timed out (per connect / read).
DEFAULT_TIMEOUT_S: Final = 30.0
#: Name of the table without geometry that records how the layer was fetched.
METADATA_TABLE: Final = "fetch_metadata"
#: Longest piece of text from outside (API error text, start of a malformed body) quoted in a message.
MAX_QUOTED_CHARS: Final = 80
REDACTED: Final = "***"
USER_AGENT: Final = "triangle-belt-vworld/1"

#: Layer names of the Data API: letters, digits and underscores (LT_C_DAMDAN, LP_PA_CBND_BUBUN, ...).
_LAYER_PATTERN: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
#: Field names allowed in the attribute filter.
_FIELD_PATTERN: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Characters with a meaning in the attrFilter syntax (``field:op:value|field:op:value``).
_FILTER_SYNTAX: Final = frozenset(":|")
_LON_RANGE: Final = (-180.0, 180.0)
_LAT_RANGE: Final = (-90.0, 90.0)
_BBOX_LENGTH: Final = 4
_HTTP_TOO_MANY_REQUESTS: Final = 429
_HTTP_SERVER_ERROR: Final = 500
_HTTP_REDIRECT_RANGE: Final = range(300, 400)

#: What each error code of the API means for the user, and the fix. Codes not listed get a generic message
#: with the code and the API's own text.
ERROR_MESSAGES: Final[dict[str, str]] = {
    "INVALID_KEY": f"the VWorld API does not know this key (INVALID_KEY); check {KEY_ENV} against the key listed "
    "on vworld.kr (마이페이지 → 오픈API 관리)",
    "INCORRECT_KEY": "the VWorld API refused the key for this caller (INCORRECT_KEY: the key is registered for "
    f"another service URL); set {DOMAIN_ENV} to the service URL registered with the key",
    "UNAVAILABLE_KEY": "the VWorld API key cannot be used at the moment (UNAVAILABLE_KEY); check its status on "
    "vworld.kr or try again later",
    "OVER_REQUEST_LIMIT": "the daily request quota of this VWorld API key is used up (OVER_REQUEST_LIMIT); try "
    "again tomorrow or ask vworld.kr for a larger quota",
}


class NoFeaturesFoundError(InputError):
    """The API answered, but no feature of the layer matches the filters."""


@dataclass(frozen=True)
class FetchResult:
    """What :func:`fetch_layer` wrote. Holds no key, so its ``repr`` is safe to log."""

    path: Path
    layer: str
    feature_count: int
    pages: int
    fetched_at: str
    bbox: tuple[float, float, float, float] | None
    name: str | None
    api_url: str


def fetch_layer(
    out: str | os.PathLike,
    *,
    layer: str = DEFAULT_LAYER,
    bbox: Sequence[float] | None = None,
    name: str | None = None,
    name_field: str = DEFAULT_NAME_FIELD,
    key: str | None = None,
    base_url: str | None = None,
    domain: str | None = None,
    page_size: int = MAX_PAGE_SIZE,
    retries: int = DEFAULT_RETRIES,
    backoff_s: float = DEFAULT_BACKOFF_S,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    inputs: tuple[Path, ...] = (),
) -> FetchResult:
    """Fetch every feature of a VWorld layer that matches the filters and write them to a GeoPackage.

    Parameters
    ----------
    out
        GeoPackage to write (``.gpkg``); replaced atomically, and left as it was if anything fails.
    layer
        Data API layer (``data=``), letters, digits and underscores; by default ``LT_C_DAMDAN`` (단지경계).
    bbox
        ``(min lon, min lat, max lon, max lat)`` in degrees (EPSG:4326), sent as ``geomFilter=BOX(...)``.
    name
        Keep features whose ``name_field`` contains this text (``attrFilter=<name_field>:like:<name>``),
        for example ``빛그린``.
    name_field
        Field the ``name`` filter applies to; ``dan_name`` for ``LT_C_DAMDAN``.
    key
        VWorld API key; by default the environment variable ``VWORLD_KEY``. Never logged or written.
    base_url
        API endpoint; by default the environment variable ``VWORLD_API_URL``, else :data:`DEFAULT_API_URL`.
        Must not hold a query string or credentials (pass the key as ``key``).
    domain
        Service URL the key is registered for (``domain=``); by default ``VWORLD_DOMAIN`` if set. Needed when
        the key is tied to a web address and the API answers ``INCORRECT_KEY``.
    page_size
        Features per request, 1 to :data:`MAX_PAGE_SIZE`.
    retries
        Retries of a request after a connection error, a timeout, HTTP 429 or HTTP 5xx.
    backoff_s
        Wait before the first retry, doubled before each further one (a ``Retry-After`` header, if longer and
        at most :data:`MAX_RETRY_AFTER_S`, is honoured instead).
    timeout_s
        Seconds the server may stay silent (while connecting or sending) before the request is given up.
    inputs
        Files that must not be overwritten (see :func:`geo.io.atomic_path`).

    Returns
    -------
    FetchResult
        The path written, the number of features and pages, the fetch time and the filters.

    Raises
    ------
    NoFeaturesFoundError
        No feature matches the filters (the message names them).
    InputError
        A bad argument, no key, a key the API refuses, the quota used up, no answer after the retries, an
        HTTP error or a response that is not the documented JSON; one line, never containing the key.
    OutputError
        The GeoPackage cannot be written.
    """
    out = Path(out)
    layer = _check_layer(layer)
    box = _check_bbox(bbox)
    name = _check_name(name, name_field)
    _check_options(out, page_size=page_size, retries=retries, backoff_s=backoff_s, timeout_s=timeout_s)
    key = _resolve_key(key)
    base_url = _check_base_url(base_url or os.environ.get(API_URL_ENV) or DEFAULT_API_URL)
    domain = domain if domain is not None else os.environ.get(DOMAIN_ENV) or None

    params: dict[str, str] = {
        "service": "data",
        "request": "GetFeature",
        "data": layer,
        "format": "json",
        "size": str(page_size),
        "crs": GEOGRAPHIC_CRS,
        "geometry": "true",
        "attribute": "true",
    }
    geom_filter = None if box is None else "BOX({},{},{},{})".format(*(repr(value) for value in box))
    attr_filter = None if name is None else f"{name_field}:like:{name}"
    if geom_filter is not None:
        params["geomFilter"] = geom_filter
    if attr_filter is not None:
        params["attrFilter"] = attr_filter
    if domain:
        params["domain"] = domain
    filters = _describe_filters(box, name, name_field)
    client = _Client(base_url, key=key, retries=retries, backoff_s=backoff_s, timeout_s=timeout_s)

    features, pages = _fetch_all_pages(client, params, layer=layer, filters=filters)
    fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
    result = FetchResult(
        path=out,
        layer=layer,
        feature_count=len(features),
        pages=pages,
        fetched_at=fetched_at,
        bbox=box,
        name=name,
        api_url=base_url,
    )
    metadata = {
        "layer": layer,
        "bbox": "" if box is None else ",".join(repr(value) for value in box),
        "name": name or "",
        "geom_filter": geom_filter or "",
        "attr_filter": attr_filter or "",
        "fetched_at": fetched_at,
        "feature_count": str(len(features)),
        "pages": str(pages),
        "api_url": base_url,
        "crs": GEOGRAPHIC_CRS,
    }
    _write_geopackage(out, features, result, metadata, inputs=inputs)
    log.info("fetched %d %s features (%s) in %d page(s) into %s", len(features), layer, filters, pages, out)
    return result


# --- checking the arguments ------------------------------------------------------------------------------


def _check_layer(layer: str) -> str:
    if not isinstance(layer, str) or not _LAYER_PATTERN.fullmatch(layer):
        raise InputError(
            f"layer {_quote(str(layer))} is not a VWorld layer name; use letters, digits and underscores, "
            f"for example {DEFAULT_LAYER}"
        )
    return layer


def _check_bbox(bbox: Sequence[float] | None) -> tuple[float, float, float, float] | None:
    if bbox is None:
        return None
    usage = "give it as min lon, min lat, max lon, max lat in degrees (EPSG:4326), e.g. 126.7,35.1,126.9,35.3"
    if isinstance(bbox, str | bytes) or len(bbox) != _BBOX_LENGTH:
        raise InputError(f"bbox must be 4 numbers; {usage}")
    try:
        values = tuple(float(value) for value in bbox)
    except (TypeError, ValueError):
        raise InputError(f"bbox must be 4 numbers; {usage}") from None
    if not all(math.isfinite(value) for value in values):
        raise InputError(f"bbox must be 4 finite numbers (no NaN or infinity); {usage}")
    min_lon, min_lat, max_lon, max_lat = values
    if not (_LON_RANGE[0] <= min_lon <= _LON_RANGE[1] and _LON_RANGE[0] <= max_lon <= _LON_RANGE[1]) or not (
        _LAT_RANGE[0] <= min_lat <= _LAT_RANGE[1] and _LAT_RANGE[0] <= max_lat <= _LAT_RANGE[1]
    ):
        raise InputError(f"bbox {_format_box(values)} is not in longitude/latitude degrees; {usage}")
    if min_lon >= max_lon or min_lat >= max_lat:
        raise InputError(f"bbox {_format_box(values)} is empty: each minimum must be below its maximum; {usage}")
    return min_lon, min_lat, max_lon, max_lat


def _check_name(name: str | None, name_field: str) -> str | None:
    if not _FIELD_PATTERN.fullmatch(name_field):
        raise InputError(f"name field {_quote(name_field)} is not a field name; use letters, digits and underscores")
    if name is None:
        return None
    stripped = name.strip()
    if not stripped:
        raise InputError("name filter is empty; give part of the complex's name, e.g. 빛그린, or leave it out")
    if _FILTER_SYNTAX & set(stripped):
        raise InputError(f"name filter {_quote(stripped)} contains ':' or '|', which the VWorld filter syntax reserves")
    return stripped


def _check_options(out: Path, *, page_size: int, retries: int, backoff_s: float, timeout_s: float) -> None:
    if out.suffix.lower() != ".gpkg":
        raise InputError(f"{out.name}: the output must be a GeoPackage; name it with .gpkg")
    if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InputError(f"page size {page_size!r} must be a whole number from 1 to {MAX_PAGE_SIZE}")
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise InputError(f"retries {retries!r} must be a whole number, 0 or more")
    if not math.isfinite(backoff_s) or backoff_s < 0:
        raise InputError(f"backoff {backoff_s!r} s must be a finite number of seconds, 0 or more")
    if not math.isfinite(timeout_s) or timeout_s <= 0:
        raise InputError(f"timeout {timeout_s!r} s must be a finite number of seconds above 0")


def _resolve_key(key: str | None) -> str:
    key = (key if key is not None else os.environ.get(KEY_ENV, "")).strip()
    if not key:
        raise InputError(
            f"no VWorld API key; set the environment variable {KEY_ENV} to the key issued on vworld.kr "
            "(오픈API → 인증키 발급)"
        )
    if any(not character.isprintable() or character.isspace() for character in key):
        # Not quoted: even a malformed key is a secret.
        raise InputError(f"the VWorld API key in {KEY_ENV} contains spaces or control characters; copy it again")
    return key


def _check_base_url(base_url: str) -> str:
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InputError(f"API URL {_quote(base_url)} is not an http(s) address; e.g. {DEFAULT_API_URL}")
    if parts.query or parts.fragment or parts.username or parts.password:
        # Refused rather than cleaned: such a URL could carry the key, and it would end up in the metadata.
        raise InputError(
            f"the API URL ({API_URL_ENV}) must be a plain address such as {DEFAULT_API_URL}, without '?', '#' or "
            f"credentials; pass the key in {KEY_ENV}"
        )
    return base_url


def _describe_filters(box: tuple[float, float, float, float] | None, name: str | None, name_field: str) -> str:
    described = []
    if box is not None:
        described.append(f"bbox {_format_box(box)}")
    if name is not None:
        described.append(f"{name_field} containing {name!r}")
    return " and ".join(described) if described else "no filter"


def _format_box(values: Sequence[float]) -> str:
    return "(" + ", ".join(f"{value:g}" for value in values) + ")"


def _one_line(text: str) -> str:
    """``text`` on one line and short enough for a message (scrub any key out of it first)."""
    single_line = " ".join(text.split())
    return single_line[:MAX_QUOTED_CHARS] + "…" if len(single_line) > MAX_QUOTED_CHARS else single_line


def _quote(text: str) -> str:
    return repr(_one_line(text))


# --- talking to the API ----------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Turn every redirect into an HTTPError: following it would send the key to an unconfigured address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _Client:
    """Sends GET requests with the key, retrying transient failures; knows the key only to send and scrub it."""

    def __init__(self, base_url: str, *, key: str, retries: int, backoff_s: float, timeout_s: float) -> None:
        self.base_url = base_url
        self._key = key
        self.retries = retries
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self._opener = urllib.request.build_opener(_NoRedirect)

    def __repr__(self) -> str:
        return f"_Client({self.base_url!r}, key={REDACTED!r})"

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
            f"the VWorld API sent a response that is not JSON (it starts {_quote(start)}); check "
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
        if status == _HTTP_TOO_MANY_REQUESTS or status >= _HTTP_SERVER_ERROR:
            return _TransientError(f"HTTP {status}", retry_after_s=_parse_retry_after(retry_after))
        if status in _HTTP_REDIRECT_RANGE:
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


def _fetch_all_pages(client: _Client, params: dict[str, str], *, layer: str, filters: str) -> tuple[list[dict], int]:
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


def _check_status(body: Any, client: _Client, *, layer: str, filters: str, page: int) -> dict | None:
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
        text = _one_line(client.scrub(str(error.get("text", ""))))
        raise InputError(
            f"the VWorld API reported an error ({_one_line(client.scrub(code)) or 'no code'}: {text}) for layer "
            f"{layer} with {filters}; check the layer name and the filters"
        )
    raise _malformed(f"has the unknown status {_quote(client.scrub(str(status)))}", client)


def _field(container: dict, name: str, kind: type, client: _Client) -> Any:
    value = container.get(name)
    if not isinstance(value, kind):
        raise _malformed(f"has no '{name}' {'list' if kind is list else 'object'}", client)
    return value


def _count(container: dict, name: str, client: _Client, *, where: str) -> int:
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


def _malformed(problem: str, client: _Client) -> InputError:
    return InputError(
        f"the VWorld API response {problem}, unlike the documented Data API 2.0 JSON; check {API_URL_ENV} "
        f"({client.base_url}) or try again later"
    )


# --- writing the GeoPackage ------------------------------------------------------------------------------


def _write_geopackage(
    out: Path, features: list[dict], result: FetchResult, metadata: dict[str, str], *, inputs: tuple[Path, ...]
) -> None:
    problem = None
    try:
        frame = gpd.GeoDataFrame.from_features(features, crs=GEOGRAPHIC_CRS)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as error:
        problem = type(error).__name__  # only the class: the message quotes the data
    if problem is not None:
        raise InputError(
            f"the VWorld API sent {result.layer} features that are not valid GeoJSON ({problem}); try again"
        )
    description = (
        f"VWorld Data API layer {result.layer} ({metadata['geom_filter'] or 'no bbox'}, "
        f"{metadata['attr_filter'] or 'no name filter'}), {result.feature_count} features fetched "
        f"{result.fetched_at} from {result.api_url}; details in table {METADATA_TABLE}"
    )
    table = pd.DataFrame({"item": list(metadata), "value": list(metadata.values())})
    with atomic_path(out, inputs=inputs) as temporary:
        pyogrio.write_dataframe(
            frame, temporary, layer=result.layer, driver="GPKG", layer_options={"DESCRIPTION": description}
        )
        pyogrio.write_dataframe(
            table,
            temporary,
            layer=METADATA_TABLE,
            driver="GPKG",
            layer_options={"DESCRIPTION": f"How layer {result.layer} was fetched from the VWorld Data API"},
        )
