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

The address
    ``https://`` only: the key travels in the query string, so a plain ``http://`` address would send it in
    clear text. Plain http is accepted for a loopback address (``127.0.0.1``, ``::1``, ``localhost``), where a
    test server runs. The address must not hold a query, a fragment or credentials.

The key
    Read from ``key=`` or the environment variable ``VWORLD_KEY``. It is a secret: it is sent only in the
    request and never appears in a log record, an exception message, the GeoPackage or a ``repr``. Error
    messages are built from our own words and the API's error code; any text that comes from outside (the
    API's error text, a piece of a malformed body, an attribute) has the key replaced by ``***`` first, and an
    address quoted in a message shows every query value named like a key (``key``, ``apiKey``, ``api_key``,
    ``token``…, in any case) as ``***``, whatever the address looks like. Redirects are not followed, because
    following one would send the key to an address nobody configured.

Checking the answers (:mod:`geo.vworld._pages`)
    Every page is checked before any of it is kept. Refused, with one line and nothing written: a body that
    is not JSON or is nested more than :data:`MAX_JSON_DEPTH` levels deep (checked before parsing, so no
    recursion limit is reached), a page larger than :data:`MAX_RESPONSE_BYTES`, a body unlike the documented
    JSON, a page that declares a CRS other than EPSG:4326, and coordinates that are not longitude/latitude
    degrees (a page in EPSG:5186 metres or EPSG:3857 after pages in degrees) or that lie away from the
    requested bbox. Dropped, counted in a warning, in :class:`FetchResult` and in the metadata table: features
    whose geometry is not a polygon or multipolygon (points, lines, unknown types such as ``"Circle"``), has
    coordinates that are not finite (NaN, infinity) or is malformed or empty. A feature without geometry is
    kept. A feature sent twice (the same GeoJSON ``id`` on two pages) is kept once and counted.

Errors
    Every failure a user can fix or should know about raises :class:`geo._errors.InputError` with a one-line
    message (the command line turns it into exit status 2): no key, a key the API refuses, the daily quota
    used up, no answer within the timeout after the retries, the overall deadline passed, an HTTP error, a
    response that is not the documented JSON or fails the checks above, and no feature matching the filters
    (:class:`NoFeaturesFoundError`: a scripted fetch that found nothing must not look like success).
    Connection errors, timeouts, HTTP 429 and HTTP 5xx are retried with exponential backoff first, within the
    overall deadline (``deadline_s``, :data:`DEFAULT_DEADLINE_S`).

What the GeoPackage holds
    * a layer named after the API layer (for example ``LT_C_DAMDAN``) with the features in EPSG:4326, as the
      API returned them (requested with ``crs=EPSG:4326``, so nothing is reprojected), as multipolygons in 2D,
      and every attribute as returned, with the key replaced by ``***`` in every text, nested values as JSON
      text and whole numbers beyond 64 bits as text (more than :data:`MAX_PROPERTIES` different properties are
      refused: a GeoPackage layer holds no more columns). A property named ``fid``, ``geom`` or ``geometry``, or
      one that differs from an earlier one only in case (``DAN_ID`` beside ``dan_id``), is renamed ``<name>_2``
      (a warning names each); its description in ``gpkg_contents`` (shown by QGIS under Layer Properties →
      Information) says where and when it came from;
    * a table without geometry, ``fetch_metadata`` (QGIS lists it beside the layer; open its attribute
      table), with one row per item: ``layer``, ``bbox``, ``name``, ``geom_filter``, ``attr_filter``,
      ``fetched_at`` (UTC, ISO 8601), ``feature_count`` (written), ``pages``, ``api_url`` (the base URL only,
      never the key), ``crs``, ``features_sent``, ``duplicates``, ``dropped_not_polygonal`` (with
      ``dropped_types``, a JSON object of geometry type → count), ``dropped_non_finite``, ``dropped_malformed``
      and ``renamed_fields`` (a JSON object of property → column).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import os
import urllib.parse
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from .._errors import InputError
from ..io import OutputFile, output_file
from ..settings import GEOGRAPHIC_CRS
from ._client import Client
from ._constants import (
    API_URL_ENV,
    BBOX_LENGTH,
    DEFAULT_API_URL,
    DEFAULT_BACKOFF_S,
    DEFAULT_DEADLINE_S,
    DEFAULT_LAYER,
    DEFAULT_NAME_FIELD,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_S,
    DOMAIN_ENV,
    FIELD_PATTERN,
    FILTER_SYNTAX,
    KEY_ENV,
    LAT_RANGE,
    LAYER_PATTERN,
    LON_RANGE,
    LOOPBACK_HOSTS,
    MAX_JSON_DEPTH,
    MAX_PAGE_SIZE,
    MAX_PROPERTIES,
    MAX_RESPONSE_BYTES,
    MAX_RETRY_AFTER_S,
    METADATA_TABLE,
    REDACTED,
    RENAMES_SHOWN,
)
from ._geopackage import to_frame, write_geopackage
from ._messages import key_pattern, quote, redact_url
from ._pages import MALFORMED, NON_FINITE, NOT_POLYGONAL, Asked, Fetched, describe_dropped, fetch_all_pages
from ._types import FetchResult, NoFeaturesFoundError

__all__ = [
    "API_URL_ENV",
    "DEFAULT_DEADLINE_S",
    "DEFAULT_LAYER",
    "DOMAIN_ENV",
    "KEY_ENV",
    "MAX_JSON_DEPTH",
    "MAX_PAGE_SIZE",
    "MAX_PROPERTIES",
    "MAX_RESPONSE_BYTES",
    "MAX_RETRY_AFTER_S",
    "METADATA_TABLE",
    "FetchResult",
    "NoFeaturesFoundError",
    "fetch_layer",
]

log = logging.getLogger(__name__)


def fetch_layer(
    out: OutputFile | str | os.PathLike,
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
    deadline_s: float = DEFAULT_DEADLINE_S,
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
        ``https://`` (plain http only on a loopback address); must not hold a query string or credentials (pass
        the key as ``key``).
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
    deadline_s
        Seconds the whole fetch may take, every page, retry and wait included (``--timeout`` of ``fetch``).

    Returns
    -------
    FetchResult
        The path written, the number of features and pages, the fetch time, the filters, and the features
        dropped, seen twice and renamed.

    Raises
    ------
    NoFeaturesFoundError
        No feature matches the filters (the message names them).
    InputError
        A bad argument or address, no key, a key the API refuses, the quota used up, no answer after the
        retries or within ``deadline_s``, an HTTP error, a response that is not the documented JSON, a page in
        another CRS or away from the bbox; one line, never containing the key. Nothing is written.
    OutputError
        The GeoPackage cannot be written.
    """
    target = output_file(out)
    out = target.path
    layer = _check_layer(layer)
    box = _check_bbox(bbox)
    name = _check_name(name, name_field)
    _check_options(
        out, page_size=page_size, retries=retries, backoff_s=backoff_s, timeout_s=timeout_s, deadline_s=deadline_s
    )
    key = _resolve_key(key)
    base_url = _check_base_url(base_url or os.environ.get(API_URL_ENV) or DEFAULT_API_URL, key=key)
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
    client = Client(base_url, key=key, retries=retries, backoff_s=backoff_s, timeout_s=timeout_s, deadline_s=deadline_s)
    asked = Asked(layer=layer, filters=filters, bbox=box, source=client.source, scrub=client.scrub)
    with client:
        fetched = fetch_all_pages(client.get_json, params, asked)
    frame, renamed = to_frame(fetched.features)
    _warn(layer, fetched, renamed)
    fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
    dropped = {reason: fetched.dropped[reason] for reason in (NOT_POLYGONAL, NON_FINITE, MALFORMED)}
    result = FetchResult(
        path=out,
        layer=layer,
        feature_count=len(fetched.features),
        pages=fetched.pages,
        fetched_at=fetched_at,
        bbox=box,
        name=name,
        api_url=client.safe_url,
        features_sent=fetched.sent,
        dropped={reason: count for reason, count in dropped.items() if count},
        duplicates=fetched.duplicates,
        renamed=renamed,
    )
    metadata = {
        "layer": layer,
        "bbox": "" if box is None else ",".join(repr(value) for value in box),
        "name": name or "",
        "geom_filter": geom_filter or "",
        "attr_filter": attr_filter or "",
        "fetched_at": fetched_at,
        "feature_count": str(result.feature_count),
        "pages": str(result.pages),
        "api_url": result.api_url,
        "crs": GEOGRAPHIC_CRS,
        "features_sent": str(fetched.sent),
        "duplicates": str(fetched.duplicates),
        "dropped_not_polygonal": str(dropped[NOT_POLYGONAL]),
        "dropped_types": json.dumps(dict(fetched.other_types.most_common()), ensure_ascii=False),
        "dropped_non_finite": str(dropped[NON_FINITE]),
        "dropped_malformed": str(dropped[MALFORMED]),
        "renamed_fields": json.dumps(renamed, ensure_ascii=False),
    }
    write_geopackage(target, frame, result, metadata)
    log.info(
        "fetched %d %s features (%s) in %d page(s) into %s", result.feature_count, layer, filters, result.pages, out
    )
    return result


def _warn(layer: str, fetched: Fetched, renamed: dict[str, str]) -> None:
    """One warning per kind of feature that is not written as sent."""
    if fetched.dropped:
        log.warning(
            "%s: %d of the %d features VWorld sent are not written: %s (only polygons with finite coordinates are "
            "written); counted in table %s",
            layer,
            fetched.dropped.total(),
            fetched.sent,
            describe_dropped(fetched.dropped, fetched.other_types),
            METADATA_TABLE,
        )
    if fetched.duplicates:
        log.warning(
            "%s: %d feature(s) came twice (the same id on more than one page) and are kept once; the layer may "
            "have changed during the fetch, so fetch again if every feature matters",
            layer,
            fetched.duplicates,
        )
    if renamed:
        shown = [f"{quote(name)} → {quote(column)}" for name, column in list(renamed.items())[:RENAMES_SHOWN]]
        more = f" and {len(renamed) - RENAMES_SHOWN} more" if len(renamed) > RENAMES_SHOWN else ""
        log.warning(
            "%s: renamed %s%s: the names collide with a GeoPackage column (fid, geom) or with another property "
            "in a different case",
            layer,
            ", ".join(shown),
            more,
        )


# --- checking the arguments ------------------------------------------------------------------------------


def _check_layer(layer: str) -> str:
    if not isinstance(layer, str) or not LAYER_PATTERN.fullmatch(layer):
        raise InputError(
            f"layer {quote(str(layer))} is not a VWorld layer name; use letters, digits and underscores, "
            f"for example {DEFAULT_LAYER}"
        )
    return layer


def _check_bbox(bbox: Sequence[float] | None) -> tuple[float, float, float, float] | None:
    if bbox is None:
        return None
    usage = "give it as min lon, min lat, max lon, max lat in degrees (EPSG:4326), e.g. 126.7,35.1,126.9,35.3"
    if isinstance(bbox, str | bytes) or len(bbox) != BBOX_LENGTH:
        raise InputError(f"bbox must be 4 numbers; {usage}")
    try:
        values = tuple(float(value) for value in bbox)
    except (TypeError, ValueError):
        raise InputError(f"bbox must be 4 numbers; {usage}") from None
    if not all(math.isfinite(value) for value in values):
        raise InputError(f"bbox must be 4 finite numbers (no NaN or infinity); {usage}")
    min_lon, min_lat, max_lon, max_lat = values
    if not (LON_RANGE[0] <= min_lon <= LON_RANGE[1] and LON_RANGE[0] <= max_lon <= LON_RANGE[1]) or not (
        LAT_RANGE[0] <= min_lat <= LAT_RANGE[1] and LAT_RANGE[0] <= max_lat <= LAT_RANGE[1]
    ):
        raise InputError(f"bbox {_format_box(values)} is not in longitude/latitude degrees; {usage}")
    if min_lon >= max_lon or min_lat >= max_lat:
        raise InputError(f"bbox {_format_box(values)} is empty: each minimum must be below its maximum; {usage}")
    return min_lon, min_lat, max_lon, max_lat


def _check_name(name: str | None, name_field: str) -> str | None:
    if not FIELD_PATTERN.fullmatch(name_field):
        raise InputError(f"name field {quote(name_field)} is not a field name; use letters, digits and underscores")
    if name is None:
        return None
    stripped = name.strip()
    if not stripped:
        raise InputError("name filter is empty; give part of the complex's name, e.g. 빛그린, or leave it out")
    if FILTER_SYNTAX & set(stripped):
        raise InputError(f"name filter {quote(stripped)} contains ':' or '|', which the VWorld filter syntax reserves")
    return stripped


def _check_options(
    out: Path, *, page_size: int, retries: int, backoff_s: float, timeout_s: float, deadline_s: float
) -> None:
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
    if not math.isfinite(deadline_s) or deadline_s <= 0:
        raise InputError(
            f"overall timeout {deadline_s!r} s (--timeout) must be a finite number of seconds above 0, e.g. "
            f"{DEFAULT_DEADLINE_S:g}"
        )


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


def _check_base_url(base_url: str, *, key: str) -> str:
    """An https address (http only on a loopback address) without query, fragment or credentials.

    A refused address is quoted with its key-like query values and the key itself shown as ``***``.
    """
    shown = quote(key_pattern(key).sub(REDACTED, redact_url(base_url)))
    try:
        parts = urllib.parse.urlsplit(base_url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number from 0 to 65535)
    except ValueError:
        raise InputError(f"API URL {shown} ({API_URL_ENV}) is not an address; e.g. {DEFAULT_API_URL}") from None
    if parts.scheme not in {"http", "https"} or not host:
        raise InputError(f"API URL {shown} ({API_URL_ENV}) is not an https address; e.g. {DEFAULT_API_URL}")
    if parts.query or parts.fragment or parts.username or parts.password:
        # Refused rather than cleaned: such a URL could carry the key, and it would end up in the metadata.
        raise InputError(
            f"the API URL ({API_URL_ENV}) must be a plain address such as {DEFAULT_API_URL}, without '?', '#' or "
            f"credentials; pass the key in {KEY_ENV}"
        )
    if parts.scheme == "http" and not _is_loopback(host):
        raise InputError(
            f"API URL {shown} ({API_URL_ENV}) is plain http, which would send the key unencrypted; use https, e.g. "
            f"{DEFAULT_API_URL} (http is accepted only for a local test server on 127.0.0.1, ::1 or localhost)"
        )
    return base_url


def _is_loopback(host: str) -> bool:
    if host.casefold() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _describe_filters(box: tuple[float, float, float, float] | None, name: str | None, name_field: str) -> str:
    described = []
    if box is not None:
        described.append(f"bbox {_format_box(box)}")
    if name is not None:
        described.append(f"{name_field} containing {name!r}")
    return " and ".join(described) if described else "no filter"


def _format_box(values: Sequence[float]) -> str:
    return "(" + ", ".join(f"{value:g}" for value in values) + ")"
