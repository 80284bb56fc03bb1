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
#: Name of the table without geometry that records how the layer was fetched.
METADATA_TABLE: Final = "fetch_metadata"
#: Longest piece of text from outside (API error text, start of a malformed body) quoted in a message.
MAX_QUOTED_CHARS: Final = 80
REDACTED: Final = "***"
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
