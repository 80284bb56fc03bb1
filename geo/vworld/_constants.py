"""Constants of the VWorld client: addresses, environment variables, limits and the API's error codes."""

from __future__ import annotations

import re
from typing import Final

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
#: Seconds the whole fetch (every page, retry and wait) may take: a server that sends a byte now and then never
#: trips the per-read timeout, so this deadline ends it.
DEFAULT_DEADLINE_S: Final = 300.0
#: Largest response body read for one page (bytes); 1,000 detailed boundaries take a few tens of MB.
MAX_RESPONSE_BYTES: Final = 256 * 1024 * 1024
#: Bytes read from the socket at a time.
READ_CHUNK_BYTES: Final = 1024 * 1024
#: Shortest socket timeout set when the deadline is about to pass (a timeout of 0 would mean non-blocking).
MIN_SOCKET_TIMEOUT_S: Final = 0.001
#: Deepest nesting of arrays and objects read from a response. A page needs about 10 levels (response, result,
#: featureCollection, features, a feature, its geometry, polygons, rings, positions) plus nested attributes;
#: deeper JSON is refused before it is parsed, so no recursion limit is reached.
MAX_JSON_DEPTH: Final = 64
#: Name of the table without geometry that records how the layer was fetched.
METADATA_TABLE: Final = "fetch_metadata"
#: Longest piece of text from outside (API error text, start of a malformed body) quoted in a message.
MAX_QUOTED_CHARS: Final = 80
REDACTED: Final = "***"
#: Renamed properties named in the warning; the metadata table lists all of them.
RENAMES_SHOWN: Final = 5
#: Query parameters whose value is a secret and is shown as ``***`` in any message: names containing one of these
#: words (case-insensitive, after URL-decoding), such as ``key``, ``apiKey``, ``api_key``, ``serviceKey``,
#: ``access_token``, ``client_secret``, ``password``.
SECRET_PARAMETER_WORDS: Final = ("key", "token", "secret", "passw", "pwd", "auth", "signature", "credential")
#: Hosts to which the API address may be plain ``http://`` (a local test server); every other host needs https.
LOOPBACK_HOSTS: Final = frozenset({"localhost"})
USER_AGENT: Final = "triangle-belt-vworld/1"

#: Layer names of the Data API: letters, digits and underscores (LT_C_DAMDAN, LP_PA_CBND_BUBUN, ...).
LAYER_PATTERN: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
#: Field names allowed in the attribute filter.
FIELD_PATTERN: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Characters with a meaning in the attrFilter syntax (``field:op:value|field:op:value``).
FILTER_SYNTAX: Final = frozenset(":|")
#: What the fetch writes: polygons. Other GeoJSON geometry types are dropped and counted.
POLYGONAL_TYPES: Final = frozenset({"Polygon", "MultiPolygon"})
#: Columns a GeoPackage layer already has (the feature id and the geometry, as pyogrio names them) and the
#: geometry column of the GeoDataFrame; a property of one of these names (in any case) is renamed.
RESERVED_COLUMNS: Final = frozenset({"fid", "geom", "geometry"})
#: Most properties a GeoPackage layer holds: SQLite's limit of 2,000 columns, less ``fid`` and ``geom``.
MAX_PROPERTIES: Final = 1998
#: Name given to a property whose name is empty or blank.
UNNAMED_PROPERTY: Final = "unnamed"
#: Names a response may give its CRS for the coordinates asked for (``crs=EPSG:4326``: longitude, latitude).
LONLAT_CRS_NAMES: Final = frozenset(
    {"epsg:4326", "urn:ogc:def:crs:epsg::4326", "urn:ogc:def:crs:ogc:1.3:crs84", "ogc:crs84", "crs84",
     "http://www.opengis.net/def/crs/epsg/0/4326", "http://www.opengis.net/def/crs/ogc/1.3/crs84"}
)  # fmt: skip
#: How far (degrees) a feature may lie outside the requested bbox: the API may apply the box in its own
#: projection, whose straight edges bend slightly in longitude/latitude. About 1 km.
BBOX_MARGIN_DEG: Final = 0.01
#: A coordinate whose absolute value is above this is taken for projected metres when a message guesses the CRS.
METRE_LIKE: Final = 1000.0
LON_RANGE: Final = (-180.0, 180.0)
LAT_RANGE: Final = (-90.0, 90.0)
BBOX_LENGTH: Final = 4
HTTP_TOO_MANY_REQUESTS: Final = 429
HTTP_SERVER_ERROR: Final = 500
HTTP_REDIRECT_RANGE: Final = range(300, 400)

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
