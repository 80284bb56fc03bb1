"""Reading the API's pages: the status and counts of each page, and each feature checked before it is kept.

:func:`parse_page` turns one decoded body into a :class:`Page` or raises :class:`InputError`, and nothing else,
whatever the body holds. What is refused (the whole fetch, nothing written): a body unlike the documented JSON,
a ``crs`` other than EPSG:4326, coordinates outside longitude/latitude degrees (another CRS: EPSG:5186 metres,
EPSG:3857) or far outside the requested bbox, and a feature or its properties that are not objects. What is
dropped and counted: a geometry that is not polygonal (a point, a line, a ``"Circle"``), one with coordinates
that are not finite (NaN, infinity) and one that is malformed or empty. A feature without geometry is kept, as
sent. Every text taken into a feature has the key replaced by ``***``.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
import shapely.errors

from .._errors import InputError
from ._constants import (
    BBOX_MARGIN_DEG,
    ERROR_MESSAGES,
    LAT_RANGE,
    LON_RANGE,
    LONLAT_CRS_NAMES,
    MAX_PAGES,
    METRE_LIKE,
    POLYGONAL_TYPES,
)
from ._messages import quote
from ._types import NoFeaturesFoundError

log = logging.getLogger(__name__)

#: Why a feature was dropped (the keys of :attr:`Page.dropped`), and how a message says it.
NOT_POLYGONAL = "not polygonal"
NON_FINITE = "non-finite coordinates"
MALFORMED = "malformed or empty geometry"
DROP_REASONS = {NOT_POLYGONAL: "not polygonal", NON_FINITE: "with coordinates that are not finite (NaN, infinity)",
                MALFORMED: "with a malformed or empty geometry"}  # fmt: skip
#: A geometry type named in a message as sent; any other text is counted as "unknown".
_TYPE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
#: Counts longer than this are not counts (and ``int()`` refuses strings of more than 4,300 digits).
_MAX_COUNT_DIGITS = 18
_ASCII_DIGITS = re.compile(rf"[0-9]{{1,{_MAX_COUNT_DIGITS}}}")
#: Position sizes read: x, y and an optional z (dropped: the layer is written in 2D).
_POSITION_SIZES = (2, 3)
#: A ring needs at least 4 positions (3 corners and the closing one).
_MIN_RING_POSITIONS = 4
#: Whole numbers a GeoPackage column holds (64-bit); larger ones are kept as text.
_INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Asked:
    """What was asked of the API, to check each answer against it and to word the messages."""

    layer: str
    filters: str
    bbox: tuple[float, float, float, float] | None
    #: Where the answers came from, for messages: the environment variable and the address, key hidden.
    source: str
    #: ``text`` with the key replaced by ``***``.
    scrub: Callable[[str], str]


@dataclass
class Feature:
    """A feature as it is kept: its id (to find it again on another page), clean properties and geometry."""

    key: object
    properties: dict[str, object]
    geometry: shapely.Geometry | None


@dataclass
class Page:
    """One page as read: the announced totals, the features kept and how many were dropped, by reason."""

    number: int
    total_pages: int
    total_records: int
    sent: int
    features: list[Feature]
    dropped: Counter[str] = field(default_factory=Counter)
    #: Geometry types of the features dropped as not polygonal.
    other_types: Counter[str] = field(default_factory=Counter)


@dataclass
class Fetched:
    """Every page of a fetch: the features kept once each, and what was dropped or seen twice."""

    features: list[Feature]
    pages: int
    sent: int
    dropped: Counter[str]
    other_types: Counter[str]
    duplicates: int


# --- every page ------------------------------------------------------------------------------------------


def fetch_all_pages(get_json: Callable[[dict[str, str]], Any], params: dict[str, str], asked: Asked) -> Fetched:
    """Every page of the layer, from ``get_json(params with page)``; a feature sent twice is kept once."""
    kept: list[Feature] = []
    seen: set[object] = set()
    dropped: Counter[str] = Counter()
    other_types: Counter[str] = Counter()
    duplicates = sent = 0
    page, total_pages, total_records = 1, 1, 0
    while page <= total_pages:
        parsed = parse_page(get_json({**params, "page": str(page)}), page=page, asked=asked)
        if parsed is None:  # NOT_FOUND on page 1 (later pages are errors, see _check_status)
            raise NoFeaturesFoundError(
                f"VWorld has no {asked.layer} features matching {asked.filters} (NOT_FOUND); widen the bbox, "
                "shorten the name or check the layer"
            )
        if page == 1:
            total_pages, total_records = parsed.total_pages, parsed.total_records
            if total_pages > MAX_PAGES:
                raise InputError(
                    f"VWorld announces {total_pages} pages of {asked.layer} features for {asked.filters}, more "
                    f"than the {MAX_PAGES} this tool fetches; narrow the bbox or the name"
                )
        if not parsed.sent:
            if page == 1:
                raise NoFeaturesFoundError(
                    f"VWorld returned no {asked.layer} features matching {asked.filters}; widen the bbox, shorten "
                    "the name or check the layer"
                )
            raise InputError(
                f"page {page} of {total_pages} from the VWorld API holds no features; the layer may have changed "
                "during the fetch, try again"
            )
        sent += parsed.sent
        for feature in parsed.features:
            if feature.key is not None:
                if feature.key in seen:
                    duplicates += 1
                    continue
                seen.add(feature.key)
            kept.append(feature)
        dropped.update(parsed.dropped)
        other_types.update(parsed.other_types)
        log.info("%s: page %d of %d, %d of %d features", asked.layer, page, total_pages, sent, total_records)
        page += 1
    if sent != total_records:
        # Pages that overlap or fall short would otherwise pass as a complete layer.
        raise InputError(
            f"the VWorld API announced {total_records} {asked.layer} features but sent {sent} over "
            f"{total_pages} page(s); the layer may have changed during the fetch, try again"
        )
    if not kept:
        raise InputError(
            f"none of the {sent} {asked.layer} features VWorld sent for {asked.filters} can be kept "
            f"({describe_dropped(dropped, other_types)}); this tool fetches polygon layers such as LT_C_DAMDAN"
        )
    return Fetched(kept, total_pages, sent, dropped, other_types, duplicates)


def describe_dropped(dropped: Counter[str], other_types: Counter[str]) -> str:
    """``"2 not polygonal (Point 1, Circle 1), 1 with a malformed or empty geometry"``; empty if none."""
    parts = []
    for reason, wording in DROP_REASONS.items():
        if dropped[reason]:
            detail = ""
            if reason == NOT_POLYGONAL and other_types:
                detail = " (" + ", ".join(f"{kind} {count}" for kind, count in other_types.most_common()) + ")"
            parts.append(f"{dropped[reason]} {wording}{detail}")
    return ", ".join(parts)


# --- one page --------------------------------------------------------------------------------------------


def parse_page(body: Any, *, page: int, asked: Asked) -> Page | None:
    """The page in ``body`` (decoded JSON), ``None`` for ``NOT_FOUND`` on page 1; :class:`InputError` otherwise."""
    response = _check_status(body, asked, page=page)
    if response is None:
        return None
    page_info = _field(response, "page", dict, asked)
    total_pages = _count(page_info, "total", asked, where="response.page")
    current = _count(page_info, "current", asked, where="response.page")
    total_records = _count(_field(response, "record", dict, asked), "total", asked, where="response.record")
    collection = _field(_field(response, "result", dict, asked), "featureCollection", dict, asked)
    raw_features = _field(collection, "features", list, asked)
    if current != page:
        raise InputError(f"the VWorld API sent page {current} when asked for page {page}; check {asked.source}")
    _check_crs(collection.get("crs"), asked, page=page)
    parsed = Page(page, total_pages, total_records, len(raw_features), [])
    for index, raw in enumerate(raw_features, start=1):
        feature = _feature(raw, asked, page=page, index=index, parsed=parsed)
        if feature is not None:
            parsed.features.append(feature)
    return parsed


def _check_status(body: Any, asked: Asked, *, page: int) -> dict | None:
    """The ``response`` object of an ``OK`` body, ``None`` for ``NOT_FOUND`` on page 1; raise for the rest."""
    if not isinstance(body, dict) or not isinstance(body.get("response"), dict):
        raise _malformed("has no 'response' object", asked)
    response = body["response"]
    status = response.get("status")
    if status == "OK":
        return response
    if status == "NOT_FOUND":
        if page == 1:
            return None
        raise InputError(
            f"the VWorld API found page {page} of {asked.layer} ({asked.filters}) missing (NOT_FOUND) after "
            "announcing it; the layer may have changed during the fetch, try again"
        )
    if status == "ERROR":
        error = response.get("error")
        if not isinstance(error, dict):
            raise _malformed("reports an ERROR without an 'error' object", asked)
        code = _short_text(error.get("code", ""), asked).strip()
        if code in ERROR_MESSAGES:
            raise InputError(ERROR_MESSAGES[code])
        text = quote(_short_text(error.get("text", ""), asked))[1:-1]
        raise InputError(
            f"the VWorld API reported an error ({quote(code)[1:-1] or 'no code'}: {text}) for layer "
            f"{asked.layer} with {asked.filters}; check the layer name and the filters"
        )
    raise _malformed(f"has the unknown status {quote(_short_text(status, asked))}", asked)


def _short_text(value: Any, asked: Asked) -> str:
    """A value from the body as text for a message: scrubbed, and never the text of a large structure."""
    if isinstance(value, dict | list):
        return f"<{type(value).__name__}>"
    return asked.scrub(str(value))


def _field(container: dict, name: str, kind: type, asked: Asked) -> Any:
    value = container.get(name)
    if not isinstance(value, kind):
        raise _malformed(f"has no '{name}' {'list' if kind is list else 'object'}", asked)
    return value


def _count(container: dict, name: str, asked: Asked, *, where: str) -> int:
    """A non-negative whole number that the API may send as a string ("3") or a number (3)."""
    value = container.get(name)
    number = None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**_MAX_COUNT_DIGITS:
        number = value
    elif isinstance(value, str) and _ASCII_DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None:
        raise _malformed(f"has no whole number in '{where}.{name}'", asked)
    if number < 0:
        raise _malformed(f"has a negative '{where}.{name}'", asked)
    return number


def _malformed(problem: str, asked: Asked) -> InputError:
    return InputError(
        f"the VWorld API response {problem}, unlike the documented Data API 2.0 JSON; check {asked.source} or "
        "try again later"
    )


def _check_crs(crs: Any, asked: Asked, *, page: int) -> None:
    """A ``crs`` member, if the page has one, must name EPSG:4326 (longitude, latitude), as requested."""
    if crs is None:
        return
    name = crs
    if isinstance(crs, dict):
        properties = crs.get("properties")
        name = properties.get("name") if isinstance(properties, dict) else None
    if not isinstance(name, str):
        raise InputError(
            f"page {page} of {asked.layer} from the VWorld API declares a CRS this tool cannot read; it asked for "
            f"EPSG:4326, and nothing was written; check {asked.source}"
        )
    if name.strip().casefold() not in LONLAT_CRS_NAMES:
        raise InputError(
            f"page {page} of {asked.layer} from the VWorld API is in {quote(asked.scrub(name))}, not EPSG:4326 "
            f"(longitude/latitude) as requested; nothing was written; check {asked.source}"
        )


# --- one feature -----------------------------------------------------------------------------------------


def _feature(raw: Any, asked: Asked, *, page: int, index: int, parsed: Page) -> Feature | None:
    """The feature to keep, or ``None`` when its geometry is dropped (counted in ``parsed``)."""
    if not isinstance(raw, dict):
        raise InputError(
            f"the VWorld API sent {asked.layer} features that are not valid GeoJSON (page {page}, feature {index} "
            f"is not an object); check {asked.source} or try again"
        )
    raw_properties = raw.get("properties")
    if raw_properties is not None and not isinstance(raw_properties, dict):
        raise InputError(
            f"the VWorld API sent {asked.layer} features that are not valid GeoJSON (page {page}, feature {index} "
            f"has properties that are not an object); check {asked.source} or try again"
        )
    geometry, reason, kind = _geometry(raw.get("geometry"))
    if reason is not None:
        parsed.dropped[reason] += 1
        if kind is not None:
            parsed.other_types[kind] += 1
        return None
    if geometry is not None:
        _check_range(geometry, asked, page=page, index=index)
    properties = {
        clean_text(str(name), asked.scrub): _value(value, asked.scrub) for name, value in (raw_properties or {}).items()
    }
    return Feature(_key(raw.get("id")), properties, geometry)


def _key(value: Any) -> object:
    """What identifies a feature across pages: its GeoJSON id (text or number), or ``None`` if it has none."""
    if isinstance(value, str) or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return None


def _geometry(value: Any) -> tuple[shapely.Geometry | None, str | None, str | None]:
    """``(geometry, None, None)``, or ``(None, reason, type)`` for a geometry to drop (type: when not polygonal)."""
    if value is None:
        return None, None, None
    kind = value.get("type") if isinstance(value, dict) else None
    if not isinstance(kind, str):
        return None, MALFORMED, None
    if kind not in POLYGONAL_TYPES:
        return None, NOT_POLYGONAL, kind if _TYPE_NAME.fullmatch(kind) else "unknown"
    coordinates = value.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return None, MALFORMED, None
    parts = []
    for polygon in polygons:
        rings = _rings(polygon)
        if isinstance(rings, str):
            return None, rings, None
        try:
            parts.append(shapely.Polygon(rings[0], rings[1:]))
        except (ValueError, TypeError, shapely.errors.GEOSException):
            return None, MALFORMED, None
    geometry = parts[0] if kind == "Polygon" else shapely.MultiPolygon(parts)
    return geometry, None, None


def _rings(polygon: Any) -> list[np.ndarray] | str:
    """The rings of one polygon as arrays of (x, y), or the reason to drop it."""
    if not isinstance(polygon, list) or not polygon:
        return MALFORMED
    rings = []
    for ring in polygon:
        if not isinstance(ring, list):
            return MALFORMED
        try:
            array = np.asarray(ring)
        except (ValueError, TypeError, OverflowError):  # ragged or too deep
            return MALFORMED
        if (
            array.dtype.kind not in "iuf"  # text, booleans, null or numbers too large for 64 bits
            or array.ndim != 2
            or array.shape[1] not in _POSITION_SIZES
            or len(array) < _MIN_RING_POSITIONS
        ):
            return MALFORMED
        array = array[:, :2].astype(float)
        if not np.isfinite(array).all():
            return NON_FINITE
        rings.append(array)
    return rings


def _check_range(geometry: shapely.Geometry, asked: Asked, *, page: int, index: int) -> None:
    """Refuse coordinates that are not degrees, or lie away from the requested bbox: another CRS was sent."""
    min_x, min_y, max_x, max_y = shapely.bounds(geometry).tolist()
    if min_x < LON_RANGE[0] or max_x > LON_RANGE[1] or min_y < LAT_RANGE[0] or max_y > LAT_RANGE[1]:
        x = max_x if abs(max_x) >= abs(min_x) else min_x
        y = max_y if abs(max_y) >= abs(min_y) else min_y
        guess = ", like projected metres (EPSG:5186, EPSG:3857…)" if max(abs(x), abs(y)) > METRE_LIKE else ""
        raise InputError(
            f"page {page} of {asked.layer} from the VWorld API holds coordinates that are not longitude/latitude "
            f"degrees (feature {index}: x={x:.10g}, y={y:.10g}{guess}), not EPSG:4326 as requested; nothing was "
            f"written; check {asked.source}"
        )
    if asked.bbox is None:
        return
    box_min_x, box_min_y, box_max_x, box_max_y = asked.bbox
    if (
        max_x < box_min_x - BBOX_MARGIN_DEG
        or min_x > box_max_x + BBOX_MARGIN_DEG
        or max_y < box_min_y - BBOX_MARGIN_DEG
        or min_y > box_max_y + BBOX_MARGIN_DEG
    ):
        raise InputError(
            f"page {page} of {asked.layer} from the VWorld API holds feature {index} at "
            f"({min_x:.10g}, {min_y:.10g}, {max_x:.10g}, {max_y:.10g}), away from the requested bbox "
            f"({', '.join(f'{value:g}' for value in asked.bbox)}): the server ignored the filter or sent another "
            f"CRS; nothing was written; check {asked.source}"
        )


def _value(value: Any, scrub: Callable[[str], str]) -> object:
    """A property value a GeoPackage column holds: numbers and booleans as sent, the rest as clean text."""
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int):
        return value if _INT64[0] <= value <= _INT64[1] else str(value)
    if isinstance(value, str):
        return clean_text(value, scrub)
    # Nested objects and arrays are kept as their JSON text (the body's depth is bounded, see get_json).
    return clean_text(json.dumps(value, ensure_ascii=False), scrub)


def clean_text(text: str, scrub: Callable[[str], str]) -> str:
    """``text`` without the key, NUL characters (which cut a GeoPackage text short) and lone surrogates
    (which UTF-8 cannot hold)."""
    text = scrub(text).replace("\x00", "\ufffd")
    return text.encode("utf-8", errors="replace").decode("utf-8") if not text.isascii() else text
