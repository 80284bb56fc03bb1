"""geo.vworld against a real HTTP server on 127.0.0.1 that answers like the VWorld Data API 2.0.

The server (http.server in a thread, no extra dependency) records every request and answers from a script of
replies, or from a paged layer; a reply can also misbehave (arrive a byte at a time, echo the key, switch CRS).
Nothing leaves the machine, and every timeout and backoff is a fraction of a second so the module runs in a few
seconds. The page parser is also driven with random and hostile JSON (Hypothesis).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import socket
import sqlite3
import tempfile
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final

import pyogrio
import pyproj
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import vworld
from geo._errors import InputError
from geo.vworld import _client, _geopackage, _messages, _pages

#: A key with characters that URL-encoding changes, so both of its forms can be looked for.
KEY: Final = "TEST+KEY/0F1E2D3C=SECRET"
KEY_FORMS: Final = (KEY, urllib.parse.quote(KEY, safe=""), urllib.parse.quote_plus(KEY))
#: A piece of the key: no part of it may survive where a text is cut either.
KEY_PIECE: Final = "0F1E2D3C"
#: Small enough to keep the module fast, large enough for a loaded test machine.
TIMEOUT_S: Final = 0.3
BACKOFF_S: Final = 0.01
#: How long a "slow" reply waits: well beyond TIMEOUT_S (the server is released early at teardown).
SLOW_S: Final = 5.0
GWANGJU_BBOX: Final = (126.7, 35.1, 126.95, 35.3)
LAYER: Final = "LT_C_DAMDAN"


# --- the fake API ----------------------------------------------------------------------------------------


@dataclass
class Reply:
    """One scripted answer of the fake server."""

    body: bytes | str | dict = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    #: Send the whole answer (status line, headers, body) one byte every this many seconds.
    drip_s: float = 0.0
    #: The Content-Length announced, if not the body's length (a server that hangs up early).
    length: int | None = None


@dataclass
class Request:
    raw_query: str
    params: dict[str, str]


class FakeApi:
    """Replies from ``script`` in order; when it is empty, from ``route(params)``."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.script: deque[Reply] = deque()
        self.route: Callable[[dict[str, str]], Reply] = lambda params: Reply(status=500, body="no reply scripted")
        self.release = threading.Event()
        self.base_url = ""

    def reply(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def serve_layer(self, features: list[dict], *, page_size: int = vworld.MAX_PAGE_SIZE) -> None:
        """Answer every page request from ``features``, as the real API pages a layer."""

        def route(params: dict[str, str]) -> Reply:
            size = int(params.get("size", page_size))
            return Reply(body=page_body(features, page=int(params["page"]), size=size))

        self.route = route

    def next_reply(self, params: dict[str, str]) -> Reply:
        return self.script.popleft() if self.script else self.route(params)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        api = self.server.api
        query = urllib.parse.urlsplit(self.path).query
        params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        api.requests.append(Request(raw_query=query, params=params))
        reply = api.next_reply(params)
        if reply.delay_s:
            api.release.wait(reply.delay_s)
        body = reply.body
        if isinstance(body, dict):
            body = json.dumps(body, ensure_ascii=False)
        if isinstance(body, str):
            body = body.encode("utf-8", errors="surrogatepass")
        if reply.drip_s:
            self._drip(reply, body)
            return
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(body) if reply.length is None else reply.length))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (timeout tests): nothing to answer

    def _drip(self, reply: Reply, body: bytes) -> None:
        head = f"HTTP/1.1 {reply.status} OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        try:
            for byte in head.encode() + body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                if self.server.api.release.wait(reply.drip_s):
                    return
        except OSError:
            pass  # the client gave up

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output clean


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    api: FakeApi

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hung up is expected here, not an error of the test


@pytest.fixture
def api() -> Iterator[FakeApi]:
    fake = FakeApi()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.api = fake
    host, port = server.server_address[:2]
    fake.base_url = f"http://{host}:{port}/req/data"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No real key, URL or proxy from the machine running the tests: requests must reach 127.0.0.1 directly."""
    for name in (vworld.KEY_ENV, vworld.API_URL_ENV, vworld.DOMAIN_ENV):
        monkeypatch.delenv(name, raising=False)
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


# --- helpers ---------------------------------------------------------------------------------------------


def make_features(count: int) -> list[dict]:
    """``count`` small squares over Gwangju with the fields of LT_C_DAMDAN."""
    features = []
    for index in range(count):
        x, y = 126.70 + (index % 100) * 0.002, 35.10 + (index // 100) * 0.002
        ring = [[x, y], [x + 0.001, y], [x + 0.001, y + 0.001], [x, y + 0.001], [x, y]]
        features.append(
            {
                "type": "Feature",
                "id": f"{LAYER}.{index}",
                "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]},
                "properties": {"dan_id": f"D{index:05d}", "dan_name": f"빛그린 {index}"},
            }
        )
    return features


def page_body(features: list[dict], *, page: int, size: int) -> dict:
    """A VWorld GetFeature body for one page of ``features`` (numbers as strings, as the API sends them)."""
    total_pages = max(1, -(-len(features) // size))
    chunk = features[(page - 1) * size : page * size]
    return {
        "response": {
            "service": {"name": "data", "version": "2.0", "operation": "GetFeature", "time": "5(ms)"},
            "status": "OK",
            "record": {"total": str(len(features)), "current": str(len(chunk))},
            "page": {"total": str(total_pages), "current": str(page), "size": str(size)},
            "result": {"featureCollection": {"type": "FeatureCollection", "features": chunk, "bbox": []}},
        }
    }


def error_body(code: str, text: str = "") -> dict:
    return {"response": {"status": "ERROR", "error": {"level": "1", "code": code, "text": text}}}


def fetch(api: FakeApi, out: Path, **options: Any) -> vworld.FetchResult:
    settings = {"key": KEY, "base_url": api.base_url, "timeout_s": TIMEOUT_S, "backoff_s": BACKOFF_S}
    return vworld.fetch_layer(out, **{**settings, **options})


def assert_no_key(text: str | bytes) -> None:
    for form in (*KEY_FORMS, KEY_PIECE):
        needle = form.encode() if isinstance(text, bytes) else form
        assert needle not in text


def exception_texts(error: BaseException | None) -> Iterator[str]:
    """Texts of ``error`` and of every exception chained to it, which a traceback or crash report could show."""
    while error is not None:
        yield str(error)
        yield repr(error)
        yield repr(vars(error))  # e.g. HTTPError keeps the URL in .url / .filename
        error = error.__cause__ or error.__context__


# --- fetching --------------------------------------------------------------------------------------------


def test_every_page_is_fetched_and_written(api, tmp_path):
    api.serve_layer(make_features(2500))
    out = tmp_path / "damdan.gpkg"

    result = fetch(api, out)

    assert [request.params["page"] for request in api.requests] == ["1", "2", "3"]
    first = api.requests[0].params
    assert first["key"] == KEY
    assert first["size"] == "1000"
    assert {name: first[name] for name in ("service", "request", "data", "format", "crs", "geometry", "attribute")} == {
        "service": "data",
        "request": "GetFeature",
        "data": LAYER,
        "format": "json",
        "crs": "EPSG:4326",
        "geometry": "true",
        "attribute": "true",
    }
    assert "geomFilter" not in first and "attrFilter" not in first and "domain" not in first
    assert (result.feature_count, result.pages, result.layer, result.path) == (2500, 3, LAYER, out)
    frame = pyogrio.read_dataframe(out, layer=LAYER)
    assert len(frame) == 2500
    assert frame.crs.to_epsg() == 4326
    assert frame["dan_id"].tolist() == [f"D{index:05d}" for index in range(2500)]
    assert frame.loc[7, "dan_name"] == "빛그린 7"


def test_page_size_is_sent_and_pages_follow_it(api, tmp_path):
    api.serve_layer(make_features(5))

    result = fetch(api, tmp_path / "out.gpkg", page_size=2)

    assert [(r.params["page"], r.params["size"]) for r in api.requests] == [("1", "2"), ("2", "2"), ("3", "2")]
    assert result.feature_count == 5


def test_bbox_and_name_are_sent_as_filters(api, tmp_path):
    api.serve_layer(make_features(3))

    result = fetch(api, tmp_path / "out.gpkg", bbox=GWANGJU_BBOX, name=" 빛그린 ", domain="https://example.org")

    params = api.requests[0].params
    assert params["geomFilter"] == "BOX(126.7,35.1,126.95,35.3)"
    assert params["attrFilter"] == "dan_name:like:빛그린"
    assert params["domain"] == "https://example.org"
    # On the wire the Korean name is percent-encoded UTF-8 (빛 = EB B9 9B), and the filter syntax is escaped.
    raw = api.requests[0].raw_query
    assert "attrFilter=dan_name%3Alike%3A%EB%B9%9B%EA%B7%B8%EB%A6%B0" in raw
    assert "geomFilter=BOX%28126.7%2C35.1%2C126.95%2C35.3%29" in raw
    assert (result.bbox, result.name) == (GWANGJU_BBOX, "빛그린")


def test_name_field_can_be_changed(api, tmp_path):
    api.serve_layer(make_features(1))

    fetch(api, tmp_path / "out.gpkg", layer="LT_C_DAMYOJ", name="진곡", name_field="dan_nm")

    assert api.requests[0].params["data"] == "LT_C_DAMYOJ"
    assert api.requests[0].params["attrFilter"] == "dan_nm:like:진곡"


def test_key_url_and_domain_come_from_the_environment(api, tmp_path, monkeypatch):
    api.serve_layer(make_features(1))
    monkeypatch.setenv(vworld.KEY_ENV, KEY)
    monkeypatch.setenv(vworld.API_URL_ENV, api.base_url)
    monkeypatch.setenv(vworld.DOMAIN_ENV, "https://belt.example")

    result = vworld.fetch_layer(tmp_path / "out.gpkg", timeout_s=TIMEOUT_S)

    assert api.requests[0].params["key"] == KEY
    assert api.requests[0].params["domain"] == "https://belt.example"
    assert result.api_url == api.base_url


def test_geometry_and_attributes_are_kept_as_returned(api, tmp_path):
    features = make_features(3)
    features[0]["geometry"] = {"type": "Polygon", "coordinates": features[0]["geometry"]["coordinates"][0]}
    features[1]["geometry"] = None
    features[2]["properties"]["area_m2"] = 1234.5
    api.serve_layer(features)
    out = tmp_path / "out.gpkg"

    fetch(api, out)

    assert pyogrio.read_info(out, layer=LAYER)["geometry_type"] == "MultiPolygon"  # Polygon promoted
    frame = pyogrio.read_dataframe(out, layer=LAYER)
    assert frame.geometry.isna().tolist() == [False, True, False]
    assert frame.loc[2, "area_m2"] == 1234.5


def test_features_that_are_not_geojson(api, tmp_path):
    body = page_body(make_features(2), page=1, size=1000)
    body["response"]["result"]["featureCollection"]["features"][1] = f"not a feature {KEY}"
    api.reply(Reply(body=body))

    with pytest.raises(InputError, match="not valid GeoJSON") as caught:
        fetch(api, tmp_path / "out.gpkg")

    for text in exception_texts(caught.value):
        assert_no_key(text)


def test_metadata_records_the_fetch(api, tmp_path):
    api.serve_layer(make_features(3))
    out = tmp_path / "out.gpkg"

    result = fetch(api, out, bbox=GWANGJU_BBOX, name="빛그린")

    assert [str(name) for name in pyogrio.list_layers(out)[:, 0]] == [LAYER, vworld.METADATA_TABLE]
    table = pyogrio.read_dataframe(out, layer=vworld.METADATA_TABLE)
    metadata = dict(zip(table["item"], table["value"], strict=True))
    assert metadata == {
        "layer": LAYER,
        "bbox": "126.7,35.1,126.95,35.3",
        "name": "빛그린",
        "geom_filter": "BOX(126.7,35.1,126.95,35.3)",
        "attr_filter": "dan_name:like:빛그린",
        "fetched_at": result.fetched_at,
        "feature_count": "3",
        "pages": "1",
        "api_url": api.base_url,
        "crs": "EPSG:4326",
        "features_sent": "3",
        "duplicates": "0",
        "dropped_not_polygonal": "0",
        "dropped_types": "{}",
        "dropped_non_finite": "0",
        "dropped_malformed": "0",
        "renamed_fields": "{}",
    }
    assert result.fetched_at.endswith("+00:00")
    with contextlib.closing(sqlite3.connect(out)) as connection:
        query = "SELECT description FROM gpkg_contents WHERE table_name = ?"
        description = connection.execute(query, (LAYER,)).fetchone()[0]
    assert "LT_C_DAMDAN" in description and "3 features" in description and result.fetched_at in description


# --- answers that are not features ------------------------------------------------------------------------


def test_not_found_is_an_error_naming_the_filters(api, tmp_path):
    api.reply(Reply(body={"response": {"status": "NOT_FOUND", "record": {"total": "0", "current": "0"}}}))
    out = tmp_path / "out.gpkg"

    with pytest.raises(vworld.NoFeaturesFoundError, match="no LT_C_DAMDAN features") as caught:
        fetch(api, out, bbox=GWANGJU_BBOX, name="없는단지")

    message = str(caught.value)
    assert "(126.7, 35.1, 126.95, 35.3)" in message and "'없는단지'" in message and "\n" not in message
    assert isinstance(caught.value, InputError)
    assert not out.exists()


def test_ok_without_features_is_no_features(api, tmp_path):
    api.serve_layer([])

    with pytest.raises(vworld.NoFeaturesFoundError, match="no filter"):
        fetch(api, tmp_path / "out.gpkg")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("INVALID_KEY", "does not know this key.*VWORLD_KEY"),
        ("INCORRECT_KEY", "VWORLD_DOMAIN"),
        ("UNAVAILABLE_KEY", "cannot be used at the moment"),
        ("OVER_REQUEST_LIMIT", "daily request quota"),
        ("INVALID_RANGE", r"reported an error \(INVALID_RANGE: size is out of range\)"),
    ],
)
def test_api_errors_have_their_own_messages(api, tmp_path, code, expected):
    api.reply(Reply(body=error_body(code, "size is out of range")))

    with pytest.raises(InputError, match=expected) as caught:
        fetch(api, tmp_path / "out.gpkg")

    assert "\n" not in str(caught.value)
    assert len(api.requests) == 1  # an answer, not a transient failure: no retry


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<html><body><h1>502 Bad Gateway</h1></body></html>", "not JSON.*<html>"),
        ('{"response": {"status": "OK", "page": {"tot', "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        ({"result": {}}, "no 'response' object"),
        ([1, 2, 3], "no 'response' object"),
        ({"response": {"status": "MAYBE"}}, "unknown status 'MAYBE'"),
        ({"response": {"status": "ERROR"}}, "without an 'error' object"),
        ({"response": {"status": "OK", "record": {"total": "1"}, "page": {"total": "1", "current": "1"}}}, "'result'"),
        ({"response": {"status": "OK", "page": {"total": "x", "current": "1"}}}, "response.page.total"),
    ],
)
def test_malformed_responses_are_reported(api, tmp_path, body, expected):
    api.reply(Reply(body=body if not isinstance(body, list) else json.dumps(body)))

    with pytest.raises(InputError, match=expected) as caught:
        fetch(api, tmp_path / "out.gpkg")

    assert "\n" not in str(caught.value)


def test_short_pages_are_not_taken_for_the_whole_layer(api, tmp_path):
    features = make_features(3)
    body = page_body(features[:2], page=1, size=1000)
    body["response"]["record"]["total"] = "3"  # announces 3 in 1 page, sends 2
    api.reply(Reply(body=body))

    with pytest.raises(InputError, match="announced 3 LT_C_DAMDAN features but sent 2"):
        fetch(api, tmp_path / "out.gpkg")


def test_a_server_ignoring_the_page_parameter_is_caught(api, tmp_path):
    features = make_features(3)
    api.route = lambda params: Reply(body=page_body(features, page=1, size=2))

    with pytest.raises(InputError, match="sent page 1 when asked for page 2"):
        fetch(api, tmp_path / "out.gpkg", page_size=2)


# --- transport failures ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [503, 429, 500])
def test_transient_http_errors_are_retried(api, tmp_path, status, caplog):
    api.reply(Reply(status=status, body="busy"))
    api.serve_layer(make_features(2))

    with caplog.at_level(logging.WARNING, logger="geo.vworld"):
        result = fetch(api, tmp_path / "out.gpkg")

    assert result.feature_count == 2
    assert [request.params["page"] for request in api.requests] == ["1", "1"]
    assert f"HTTP {status}; retrying" in caplog.text


def test_retries_give_up_with_one_line(api, tmp_path):
    api.route = lambda params: Reply(status=503, body="down")

    with pytest.raises(InputError, match=r"could not be reached \(HTTP 503, 3 attempts\); try again later"):
        fetch(api, tmp_path / "out.gpkg", retries=2)

    assert len(api.requests) == 3


def test_retry_after_is_honoured_up_to_its_limit(api, tmp_path, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(vworld._client.time, "sleep", waits.append)
    api.reply(Reply(status=429, headers={"Retry-After": "2"}), Reply(status=429, headers={"Retry-After": "3600"}))
    api.serve_layer(make_features(1))

    fetch(api, tmp_path / "out.gpkg", backoff_s=0.5)

    assert waits == [2.0, vworld.MAX_RETRY_AFTER_S]


@pytest.mark.parametrize("status", [400, 403, 404])
def test_client_http_errors_are_not_retried(api, tmp_path, status):
    api.route = lambda params: Reply(status=status, body="nope")

    with pytest.raises(InputError, match=rf"refused the request \(HTTP {status}\)"):
        fetch(api, tmp_path / "out.gpkg")

    assert len(api.requests) == 1


def test_redirects_are_not_followed(api, tmp_path):
    api.reply(Reply(status=302, headers={"Location": f"{api.base_url}?moved=1"}))

    with pytest.raises(InputError, match=r"redirect \(HTTP 302\)"):
        fetch(api, tmp_path / "out.gpkg")

    assert len(api.requests) == 1  # the key was not sent to the Location


def test_timeout_after_retries(api, tmp_path):
    api.route = lambda params: Reply(body=page_body(make_features(1), page=1, size=1000), delay_s=SLOW_S)

    with pytest.raises(InputError, match=r"no answer within the timeout \(no answer within 0.3 s, 2 attempts\)"):
        fetch(api, tmp_path / "out.gpkg", retries=1)

    assert len(api.requests) == 2


def test_a_slow_first_answer_then_success(api, tmp_path):
    api.reply(Reply(body="late", delay_s=SLOW_S))
    api.serve_layer(make_features(1))

    assert fetch(api, tmp_path / "out.gpkg").feature_count == 1


def test_connection_refused(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(
        InputError, match=r"could not be reached \(cannot connect to 127.0.0.1:\d+ .*2 attempts\)"
    ) as caught:
        vworld.fetch_layer(
            tmp_path / "out.gpkg", key=KEY, base_url=f"http://127.0.0.1:{port}/req/data", retries=1, backoff_s=0
        )

    for text in exception_texts(caught.value):
        assert_no_key(text)


# --- the key stays secret --------------------------------------------------------------------------------


def test_the_key_never_leaks(api, tmp_path, caplog):
    """Through the log, every kind of error message, the result's repr and the GeoPackage's bytes."""
    messages: list[str] = []
    caplog.set_level(logging.DEBUG)
    scripted = [
        Reply(body=error_body("INVALID_KEY", f"key={KEY} is not registered")),
        Reply(body=error_body("SOME_NEW_CODE", f"bad request key={KEY}&data=LT_C_DAMDAN")),
        Reply(body=error_body("OTHER", f"echo {urllib.parse.quote(KEY, safe='')}")),
        Reply(body=f"<html>{'x' * 70}{KEY} request failed</html>"),  # the key across the quoting limit
        Reply(body=f"<html>{' ' * 297}{KEY} failed</html>"),  # far in, behind blanks that collapse
        Reply(body={"response": {"status": KEY}}),
        Reply(status=404, body=KEY),
        Reply(status=302, headers={"Location": f"http://elsewhere.invalid/?key={KEY}"}),
    ]
    for reply in scripted:
        api.reply(reply)
        with pytest.raises(InputError) as caught:
            fetch(api, tmp_path / "out.gpkg", retries=0)
        messages.extend(exception_texts(caught.value))
    api.reply(Reply(status=503), Reply(body="slow", delay_s=SLOW_S))
    with pytest.raises(InputError) as caught:
        fetch(api, tmp_path / "out.gpkg", retries=1)
    messages.extend(exception_texts(caught.value))

    api.serve_layer(make_features(3))
    out = tmp_path / "out.gpkg"
    result = fetch(api, out, bbox=GWANGJU_BBOX, name="빛그린")

    assert all(request.params["key"] == KEY for request in api.requests)  # it was sent...
    for text in [*messages, caplog.text, *(record.getMessage() for record in caplog.records), repr(result)]:
        assert_no_key(text)  # ...and went nowhere else
    assert_no_key(out.read_bytes())
    assert "GET " in caplog.text and "key=%2A%2A%2A" in caplog.text  # the log shows the request, key redacted


def test_no_key_says_how_to_set_it(api, tmp_path):
    with pytest.raises(InputError, match="set the environment variable VWORLD_KEY"):
        vworld.fetch_layer(tmp_path / "out.gpkg", base_url=api.base_url)
    with pytest.raises(InputError, match="VWORLD_KEY"):
        vworld.fetch_layer(tmp_path / "out.gpkg", key="   ", base_url=api.base_url)

    assert api.requests == []


def test_a_key_with_spaces_is_refused_without_quoting_it(tmp_path):
    with pytest.raises(InputError, match="spaces or control characters") as caught:
        vworld.fetch_layer(tmp_path / "out.gpkg", key="ABC DEF")

    assert "ABC" not in str(caught.value)


# --- arguments -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bbox", "expected"),
    [
        ((126.7, 35.1, 126.9), "must be 4 numbers"),
        ("126.7,35.1,126.9,35.3", "must be 4 numbers"),
        ((126.7, "north", 126.9, 35.3), "must be 4 numbers"),
        ((126.7, float("nan"), 126.9, 35.3), "finite"),
        ((126.7, 35.1, float("inf"), 35.3), "finite"),
        ((126.9, 35.1, 126.7, 35.3), "empty"),
        ((126.7, 35.3, 126.9, 35.3), "empty"),
        ((35.1, 126.7, 35.3, 126.9), "not in longitude/latitude"),
        ((190000.0, 180000.0, 200000.0, 190000.0), "not in longitude/latitude"),
    ],
)
def test_bad_bbox(api, tmp_path, bbox, expected):
    with pytest.raises(InputError, match=expected):
        fetch(api, tmp_path / "out.gpkg", bbox=bbox)

    assert api.requests == []


@pytest.mark.parametrize("layer", ["", "LT C DAMDAN", "LT_C_DAMDAN&key=x", "../data", "1LAYER", "단지경계"])
def test_bad_layer(api, tmp_path, layer):
    with pytest.raises(InputError, match="not a VWorld layer name"):
        fetch(api, tmp_path / "out.gpkg", layer=layer)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"name": ""}, "name filter is empty"),
        ({"name": "빛그린|dan_id:=:1"}, "reserves"),
        ({"name_field": "dan name"}, "not a field name"),
        ({"page_size": 0}, "from 1 to 1000"),
        ({"page_size": 1001}, "from 1 to 1000"),
        ({"retries": -1}, "0 or more"),
        ({"timeout_s": 0}, "above 0"),
        ({"backoff_s": float("nan")}, "finite"),
    ],
)
def test_bad_options(api, tmp_path, options, expected):
    with pytest.raises(InputError, match=expected):
        fetch(api, tmp_path / "out.gpkg", **options)

    assert api.requests == []


@pytest.mark.parametrize(
    "base_url",
    ["ftp://api.vworld.kr/req/data", "api.vworld.kr/req/data", "https://api.vworld.kr/req/data?key=abc",
     "https://user:pw@api.vworld.kr/req/data"],
)  # fmt: skip
def test_bad_base_url(tmp_path, base_url):
    with pytest.raises(InputError, match="API URL"):
        vworld.fetch_layer(tmp_path / "out.gpkg", key=KEY, base_url=base_url)


def test_output_must_be_a_geopackage(api, tmp_path):
    with pytest.raises(InputError, match=r"name it with \.gpkg"):
        fetch(api, tmp_path / "out.geojson")


# --- atomic writing --------------------------------------------------------------------------------------


def test_a_failed_fetch_leaves_the_existing_file_intact(api, tmp_path):
    out = tmp_path / "damdan.gpkg"
    out.write_bytes(b"previous contents")
    pages = iter([page_body(make_features(2500), page=1, size=1000)])
    api.route = lambda params: Reply(body=next(pages, None) or error_body("OVER_REQUEST_LIMIT"))

    with pytest.raises(InputError, match="quota"):
        fetch(api, out)

    assert len(api.requests) == 2  # page 1 arrived, page 2 failed
    assert out.read_bytes() == b"previous contents"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["damdan.gpkg"]  # no temporary file left


def test_a_successful_fetch_replaces_the_file(api, tmp_path):
    api.serve_layer(make_features(2))
    out = tmp_path / "damdan.gpkg"
    out.write_bytes(b"previous contents")

    fetch(api, out)

    assert len(pyogrio.read_dataframe(out, layer=LAYER)) == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["damdan.gpkg"]


# --- the command line ------------------------------------------------------------------------------------


def test_the_fetch_command_reads_key_and_url_from_the_environment(api, tmp_path, monkeypatch, capsys):
    from geo.cli import main

    api.serve_layer(make_features(3))
    out = tmp_path / "damdan.gpkg"
    monkeypatch.setenv(vworld.KEY_ENV, KEY)
    monkeypatch.setenv(vworld.API_URL_ENV, api.base_url)
    assert main(["fetch", "--bbox", "126.6,35.0,126.9,35.3", "--name", "빛그린", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "fetched 3 features" in captured.err
    assert_no_key(captured.err + captured.out)
    assert api.requests[0].params["geomFilter"] == "BOX(126.6,35.0,126.9,35.3)"
    assert_no_key(out.read_bytes())


def test_the_fetch_command_without_a_key_is_one_line_and_exit_2(tmp_path, capsys):
    from geo.cli import main

    assert main(["fetch", "--out", str(tmp_path / "x.gpkg")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and vworld.KEY_ENV in error
    assert main(["fetch", "--bbox", "1,2,3", "--out", str(tmp_path / "x.gpkg")]) == 2
    assert "has 3 numbers, not 4" in capsys.readouterr().err
    assert not (tmp_path / "x.gpkg").exists()


# --- the address -----------------------------------------------------------------------------------------

#: Addresses that hold a secret in a query value, credentials or the key itself, in shapes the check refuses.
SECRET_ADDRESSES: Final = (
    f"api.vworld.kr/req/data?key={KEY}",
    f"ftp://api.vworld.kr/req/data?key={KEY}",
    "api.vworld.kr/req/data?APIKEY=HIDDEN-1",
    "ftp://api.vworld.kr/req/data?api_key=HIDDEN-1&x=1",
    "file:///req/data?serviceKey=HIDDEN-1",
    "api.vworld.kr/req/data?access_token=HIDDEN-1",
    "api.vworld.kr/req/data?k%65y=HIDDEN-1",
    "ftp://user:HIDDEN-1@api.vworld.kr/req/data",
    "https://api.vworld.kr:99999/req/data?Key=HIDDEN-1",
    "http://[::1/req/data?token=HIDDEN-1",
    f"https://api.vworld.kr/req/data#key={KEY}",
    f"http://api.vworld.kr/req/data/{KEY}",
)


@pytest.mark.parametrize("base_url", SECRET_ADDRESSES)
def test_a_refused_address_never_shows_a_key(tmp_path, base_url, monkeypatch, capsys):
    from geo.cli import main

    with pytest.raises(InputError, match="API URL") as caught:
        vworld.fetch_layer(tmp_path / "out.gpkg", key=KEY, base_url=base_url)

    for text in exception_texts(caught.value):
        assert_no_key(text)
        assert "HIDDEN-1" not in text
    monkeypatch.setenv(vworld.KEY_ENV, KEY)
    monkeypatch.setenv(vworld.API_URL_ENV, base_url)
    assert main(["fetch", "--out", str(tmp_path / "out.gpkg")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "HIDDEN-1" not in error
    assert_no_key(error)


@pytest.mark.parametrize(
    "base_url", ["http://api.vworld.kr/req/data", "http://10.0.0.1:8080/req/data", "http://127.0.0.1.example/req"]
)
def test_plain_http_is_refused_except_on_loopback(tmp_path, base_url):
    with pytest.raises(InputError, match="plain http, which would send the key unencrypted; use https"):
        vworld.fetch_layer(tmp_path / "out.gpkg", key=KEY, base_url=base_url)


def test_plain_http_on_localhost_reaches_the_test_server(api, tmp_path):
    api.serve_layer(make_features(1))
    port = urllib.parse.urlsplit(api.base_url).port

    assert fetch(api, tmp_path / "out.gpkg", base_url=f"http://localhost:{port}/req/data").feature_count == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://x/req?key=abc&data=L", "https://x/req?key=***&data=L"),
        ("x/req?ApiKey=abc;token=t#api_key=z", "x/req?ApiKey=***;token=***#api_key=***"),
        ("https://u:pw@x/req?serviceKey=1&crtfc_key=2", "https://***@x/req?serviceKey=***&crtfc_key=***"),
        ("x?%4Bey=abc&page=2", "x?%4Bey=***&page=2"),
        ("https://x/req?page=2&size=10", "https://x/req?page=2&size=10"),
    ],
)
def test_redact_url(text, expected):
    assert _messages.redact_url(text) == expected


# --- the key in what the API sends -----------------------------------------------------------------------


def test_a_key_echoed_into_the_features_is_scrubbed_from_the_geopackage(api, tmp_path, caplog):
    features = make_features(3)
    features[0]["properties"]["echo"] = f"request key={KEY} accepted"
    features[1]["properties"]["nested"] = {"request": {"key": urllib.parse.quote(KEY, safe="")}, "n": [1, KEY]}
    features[2]["properties"][f"field_{KEY}"] = "a field named after the key"
    features[2]["properties"]["lower"] = urllib.parse.quote(KEY, safe="").lower()
    api.serve_layer(features)
    out = tmp_path / "out.gpkg"

    with caplog.at_level(logging.DEBUG):
        result = fetch(api, out)

    assert_no_key(out.read_bytes())
    assert_no_key(caplog.text)
    assert_no_key(repr(result))
    frame = pyogrio.read_dataframe(out, layer=LAYER)
    assert frame.loc[0, "echo"] == "request key=*** accepted"
    assert json.loads(frame.loc[1, "nested"]) == {"request": {"key": "***"}, "n": [1, "***"]}
    assert "field_***" in frame.columns


# --- coordinates in another CRS --------------------------------------------------------------------------


def projected(features: list[dict], crs: str) -> list[dict]:
    """``features`` with their coordinates transformed from EPSG:4326 to ``crs`` (x, y order)."""
    transformer = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    moved = json.loads(json.dumps(features))
    for feature in moved:
        feature["geometry"]["coordinates"] = [
            [[list(transformer.transform(x, y)) for x, y in ring] for ring in polygon]
            for polygon in feature["geometry"]["coordinates"]
        ]
    return moved


def swapped(features: list[dict]) -> list[dict]:
    moved = json.loads(json.dumps(features))
    for feature in moved:
        coordinates = feature["geometry"]["coordinates"]
        feature["geometry"]["coordinates"] = [
            [[[y, x] for x, y in ring] for ring in polygon] for polygon in coordinates
        ]
    return moved


@pytest.mark.parametrize(
    ("second_page", "expected"),
    [
        (lambda f: projected(f, "EPSG:5186"), r"page 2 of LT_C_DAMDAN .* not longitude/latitude degrees .* metres"),
        (lambda f: projected(f, "EPSG:3857"), r"page 2 .* x=1410\d+.* not EPSG:4326 as requested"),
        (swapped, r"page 2 .*not longitude/latitude degrees \(feature 1: x=35.1.*, y=126.7"),
    ],
)
def test_a_page_in_another_crs_is_refused_and_nothing_is_written(api, tmp_path, second_page, expected):
    features = make_features(4)
    features[2:] = second_page(features[2:])
    api.serve_layer(features, page_size=2)
    out = tmp_path / "damdan.gpkg"
    out.write_bytes(b"previous contents")

    with pytest.raises(InputError, match=expected) as caught:
        fetch(api, out, page_size=2)

    assert "nothing was written" in str(caught.value) and "\n" not in str(caught.value)
    assert out.read_bytes() == b"previous contents"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["damdan.gpkg"]


@pytest.mark.parametrize(
    ("crs", "accepted"),
    [
        ({"type": "name", "properties": {"name": "EPSG:5186"}}, False),
        ({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}, False),
        ({"type": "link", "properties": {"href": "http://example.org/crs"}}, False),
        ("EPSG:5174", False),
        ({"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, True),
        ({"type": "name", "properties": {"name": "EPSG:4326"}}, True),
    ],
)
def test_a_page_that_declares_another_crs_is_refused(api, tmp_path, crs, accepted):
    body = page_body(make_features(2), page=1, size=1000)
    body["response"]["result"]["featureCollection"]["crs"] = crs
    api.reply(Reply(body=body))

    if accepted:
        assert fetch(api, tmp_path / "out.gpkg").feature_count == 2
        return
    with pytest.raises(InputError, match=r"page 1 of LT_C_DAMDAN from the VWorld API (is in|declares a CRS)"):
        fetch(api, tmp_path / "out.gpkg")
    assert not (tmp_path / "out.gpkg").exists()


def test_features_away_from_the_requested_bbox_are_refused(api, tmp_path):
    features = make_features(2)
    far = json.loads(json.dumps(features[1]))
    far["geometry"]["coordinates"] = [[[[x + 2.0, y + 2.0] for x, y in ring] for ring in polygon]
                                      for polygon in far["geometry"]["coordinates"]]  # fmt: skip
    api.serve_layer([features[0], far])

    with pytest.raises(InputError, match=r"feature 2 at \(128\.702.*away from the requested bbox"):
        fetch(api, tmp_path / "out.gpkg", bbox=GWANGJU_BBOX)


# --- geometry that is not a polygon ----------------------------------------------------------------------


def test_geometries_that_are_not_finite_polygons_are_dropped_and_counted(api, tmp_path, caplog):
    features = make_features(9)
    features[0]["geometry"] = {"type": "Circle", "coordinates": [126.7, 35.1], "radius": 30}
    features[1]["geometry"] = {"type": "Point", "coordinates": [126.7, 35.1]}
    features[2]["geometry"] = {"type": "LineString", "coordinates": [[126.7, 35.1], [126.8, 35.2]]}
    features[3]["geometry"]["coordinates"][0][0][1] = [math.nan, 35.1]
    features[4]["geometry"]["coordinates"][0][0][2] = [126.8, math.inf]
    features[5]["geometry"]["coordinates"] = [[[["126.7", "35.1"], [1, 2], [3, 4], [126.7, 35.1]]]]
    features[6]["geometry"] = {"type": "MultiPolygon", "coordinates": []}
    api.serve_layer(features)  # NaN and Infinity go out as JSON's non-standard literals, as a lax server sends them
    out = tmp_path / "out.gpkg"

    with caplog.at_level(logging.WARNING, logger="geo.vworld"):
        result = fetch(api, out)

    assert (result.feature_count, result.features_sent) == (2, 9)
    assert result.dropped == {"not polygonal": 3, "non-finite coordinates": 2, "malformed or empty geometry": 2}
    assert "7 of the 9 features VWorld sent are not written: 3 not polygonal (Circle 1, Point 1, LineString 1)" in (
        caplog.text
    )
    frame = pyogrio.read_dataframe(out, layer=LAYER)
    assert frame["dan_id"].tolist() == ["D00007", "D00008"]
    metadata = read_metadata(out)
    assert (metadata["dropped_not_polygonal"], metadata["dropped_non_finite"], metadata["dropped_malformed"]) == (
        "3",
        "2",
        "2",
    )
    assert json.loads(metadata["dropped_types"]) == {"Circle": 1, "Point": 1, "LineString": 1}


def test_a_layer_with_no_polygon_is_refused(api, tmp_path):
    features = make_features(2)
    for feature in features:
        feature["geometry"] = {"type": "Point", "coordinates": [126.7, 35.1]}
    api.serve_layer(features)

    with pytest.raises(
        InputError, match=r"none of the 2 LT_C_DAMDAN features .*can be kept \(2 not polygonal \(Point 2\)\)"
    ):
        fetch(api, tmp_path / "out.gpkg")
    assert not (tmp_path / "out.gpkg").exists()


def read_metadata(out: Path) -> dict[str, str]:
    table = pyogrio.read_dataframe(out, layer=vworld.METADATA_TABLE)
    return dict(zip(table["item"], table["value"], strict=True))


# --- duplicates and property names -----------------------------------------------------------------------


def test_a_feature_on_two_pages_is_kept_once(api, tmp_path, caplog):
    features = make_features(3)
    api.serve_layer([features[0], features[1], features[0], features[2]], page_size=2)  # page 2 repeats page 1's
    out = tmp_path / "out.gpkg"

    with caplog.at_level(logging.WARNING, logger="geo.vworld"):
        result = fetch(api, out, page_size=2)

    assert (result.feature_count, result.features_sent, result.duplicates) == (3, 4, 1)
    assert pyogrio.read_dataframe(out, layer=LAYER)["dan_id"].tolist() == ["D00000", "D00001", "D00002"]
    assert "1 feature(s) came twice" in caplog.text
    assert read_metadata(out)["duplicates"] == "1"


def test_property_names_that_collide_with_geopackage_columns_are_renamed(api, tmp_path, caplog):
    features = make_features(2)
    features[0]["properties"].update({"fid": "text, not an id", "geom": "x", "GEOMETRY": "y", "DAN_ID": "other"})
    features[1]["properties"].update({"": "blank", "fid_2": "taken"})
    api.serve_layer(features)
    out = tmp_path / "out.gpkg"

    with caplog.at_level(logging.WARNING, logger="geo.vworld"):
        result = fetch(api, out)

    assert result.renamed == {
        "fid": "fid_2",
        "geom": "geom_2",
        "GEOMETRY": "GEOMETRY_2",
        "DAN_ID": "DAN_ID_2",
        "": "unnamed",
        "fid_2": "fid_2_2",
    }
    frame = pyogrio.read_dataframe(out, layer=LAYER)
    assert (frame.loc[0, "fid_2"], frame.loc[0, "DAN_ID_2"], frame.loc[0, "dan_id"]) == (
        "text, not an id",
        "other",
        "D00000",
    )
    assert frame.loc[1, "fid_2_2"] == "taken" and frame.loc[1, "unnamed"] == "blank"
    assert "renamed 'fid' → 'fid_2'" in caplog.text
    assert json.loads(read_metadata(out)["renamed_fields"])["DAN_ID"] == "DAN_ID_2"


def test_values_a_geopackage_cannot_hold_as_sent_are_written_as_text(api, tmp_path):
    features = make_features(3)
    features[0]["properties"].update({"big": 2**64, "nested": {"a": [1, 2]}, "nul": "a\x00b"})
    features[1]["properties"].update({"big": 1, "nested": None, "nul": None})
    body = json.dumps(page_body(features, page=1, size=1000)).replace("D00002", "\\ud800 lone")
    api.reply(Reply(body=body))
    out = tmp_path / "out.gpkg"

    fetch(api, out)

    frame = pyogrio.read_dataframe(out, layer=LAYER)
    assert frame.loc[0, "big"] == str(2**64) and frame.loc[1, "big"] == "1"
    assert json.loads(frame.loc[0, "nested"]) == {"a": [1, 2]}
    assert frame.loc[0, "nul"] == "a\ufffdb"
    assert frame.loc[2, "dan_id"] == "? lone"


def test_more_properties_than_a_geopackage_holds_are_refused(api, tmp_path):
    features = make_features(2)
    features[0]["properties"].update({f"p{index}": index for index in range(vworld.MAX_PROPERTIES - 2)})
    api.serve_layer(features)
    assert fetch(api, tmp_path / "out.gpkg").feature_count == 2  # exactly as many as fit
    features[1]["properties"]["one_more"] = 1
    api.serve_layer(features)

    with pytest.raises(InputError, match=r"1999 different properties, more than the 1998 a GeoPackage layer holds"):
        fetch(api, tmp_path / "other.gpkg")


# --- hostile bodies --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[" * 100_000, "nested more than 64 levels"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested more than 64 levels"),
        ("1" * 5000, "not JSON"),  # int() refuses more than 4,300 digits
        ({"response": {"status": "OK", "page": {"total": "²", "current": "1"}}}, "response.page.total"),
        ({"response": {"status": "OK", "page": {"total": "9" * 40, "current": "1"}}}, "response.page.total"),
        ({"response": {"status": {"nested": [1]}}}, "unknown status '<dict>'"),
        (
            {
                "response": {
                    "status": "OK",
                    "page": {"total": "1", "current": "1"},
                    "record": {"total": "1"},
                    "result": {"featureCollection": {"features": [[1, 2]]}},
                }
            },
            "not valid GeoJSON",
        ),
    ],
)
def test_hostile_bodies_are_refused_in_one_line(api, tmp_path, body, expected):
    api.reply(Reply(body=body))

    with pytest.raises(InputError, match=expected) as caught:
        fetch(api, tmp_path / "out.gpkg")

    assert "\n" not in str(caught.value)


def test_nesting_within_the_limit_is_read(api, tmp_path):
    features = make_features(1)
    deep: object = "bottom"
    for _ in range(40):
        deep = [deep]
    features[0]["properties"]["deep"] = deep
    api.serve_layer(features)
    out = tmp_path / "out.gpkg"

    fetch(api, out)

    assert json.loads(pyogrio.read_dataframe(out, layer=LAYER).loc[0, "deep"]) == deep


def test_an_answer_cut_short_is_retried(api, tmp_path):
    body = json.dumps(page_body(make_features(1), page=1, size=1000))
    api.reply(Reply(body=body, length=len(body) + 100))  # whole JSON, but less than announced: the line broke
    api.serve_layer(make_features(1))

    assert fetch(api, tmp_path / "out.gpkg").feature_count == 1
    assert len(api.requests) == 2


@pytest.mark.parametrize("length", ["²", "-5", "12abc", "1e3"])
def test_a_content_length_that_is_not_a_count_is_read_to_the_end(api, tmp_path, length):
    body = json.dumps(page_body(make_features(1), page=1, size=1000))
    api.reply(Reply(body=body, headers={"Content-Length": length}))  # sent before the true one: it is the one read

    assert fetch(api, tmp_path / "out.gpkg").feature_count == 1


def test_a_page_larger_than_the_limit_is_refused(api, tmp_path, monkeypatch):
    monkeypatch.setattr(_client, "MAX_RESPONSE_BYTES", 2000)
    api.serve_layer(make_features(50))

    with pytest.raises(InputError, match="sent a page larger than"):
        fetch(api, tmp_path / "out.gpkg")


# --- the overall deadline --------------------------------------------------------------------------------


def test_a_server_that_sends_a_byte_now_and_then_is_cut_off_by_the_deadline(api, tmp_path):
    body = json.dumps(page_body(make_features(1), page=1, size=1000))
    api.route = lambda params: Reply(body=body, drip_s=0.05)  # each byte well within the per-read timeout
    started = time.monotonic()

    with pytest.raises(InputError, match=r"page 1 of LT_C_DAMDAN within the overall timeout of 1 s") as caught:
        fetch(api, tmp_path / "out.gpkg", deadline_s=1.0)

    assert time.monotonic() - started < 1.0 + 2 * TIMEOUT_S
    assert "nothing was written" in str(caught.value)
    assert not (tmp_path / "out.gpkg").exists()


def test_a_retry_that_would_end_after_the_deadline_is_not_waited_for(api, tmp_path, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(vworld._client.time, "sleep", waits.append)
    api.reply(Reply(status=503, headers={"Retry-After": "30"}))

    with pytest.raises(InputError, match=r"overall timeout of 5 s .*the last attempt: HTTP 503"):
        fetch(api, tmp_path / "out.gpkg", deadline_s=5.0)

    assert waits == []


def test_the_fetch_command_has_an_overall_timeout(api, tmp_path, monkeypatch, capsys):
    from geo.cli import main

    body = json.dumps(page_body(make_features(1), page=1, size=1000))
    api.route = lambda params: Reply(body=body, drip_s=0.05)
    monkeypatch.setenv(vworld.KEY_ENV, KEY)
    monkeypatch.setenv(vworld.API_URL_ENV, api.base_url)

    assert main(["fetch", "--timeout", "0.5", "--out", str(tmp_path / "out.gpkg")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "overall timeout of 0.5 s (--timeout)" in error
    assert main(["fetch", "--timeout", "nan", "--out", str(tmp_path / "out.gpkg")]) == 2
    assert "must be a finite number of seconds above 0" in capsys.readouterr().err


def test_the_fetch_command_sums_up_what_was_not_written_as_sent(api, tmp_path, monkeypatch, capsys, caplog):
    from geo.cli import main

    features = make_features(3)
    features[0]["geometry"] = {"type": "Point", "coordinates": [126.7, 35.1]}
    features[1]["properties"]["fid"] = "x"
    api.serve_layer([*features, features[2]])
    monkeypatch.setenv(vworld.KEY_ENV, KEY)
    monkeypatch.setenv(vworld.API_URL_ENV, api.base_url)

    assert main(["fetch", "--out", str(tmp_path / "out.gpkg")]) == 0
    error = capsys.readouterr().err
    assert "fetched 2 features of LT_C_DAMDAN" in error
    assert "(1 dropped, 1 duplicate(s) kept once, 1 property renamed; see fetch_metadata)" in error
    assert "LT_C_DAMDAN: 1 of the 4 features VWorld sent are not written" in caplog.text  # pytest holds the log


def test_the_fetch_command_refuses_another_crs_in_one_line(api, tmp_path, monkeypatch, capsys):
    from geo.cli import main

    api.serve_layer(projected(make_features(2), "EPSG:5186"))
    monkeypatch.setenv(vworld.KEY_ENV, KEY)
    monkeypatch.setenv(vworld.API_URL_ENV, api.base_url)

    assert main(["fetch", "--out", str(tmp_path / "out.gpkg")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "not EPSG:4326 as requested" in error
    assert not (tmp_path / "out.gpkg").exists()


# --- property tests: the page parser never fails but with an InputError ----------------------------------

ASKED: Final = _pages.Asked(
    layer=LAYER,
    filters="no filter",
    bbox=None,
    source="VWORLD_API_URL (https://api.vworld.kr/req/data)",
    scrub=lambda text: _messages.key_pattern(KEY).sub("***", text),
)
json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.sampled_from(["1", KEY, "OK"])
)
json_values = st.recursive(
    json_scalars, lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children),
    max_leaves=20,
)  # fmt: skip
numbers = st.integers(-(2**70), 2**70) | st.floats() | st.sampled_from([126.7, 35.1, 200000.0, -91.0])
positions = st.lists(numbers, min_size=0, max_size=4) | json_values
rings = st.lists(positions, max_size=6) | json_values
geometries = (
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Polygon", "MultiPolygon", "Point", "Circle", "GeometryCollection", ""]),
            "coordinates": st.lists(rings, max_size=3) | st.lists(st.lists(rings, max_size=2), max_size=2),
        }
    )
    | json_values
)
features = st.fixed_dictionaries(
    {},
    optional={
        "type": st.just("Feature"),
        "id": json_scalars,
        "geometry": geometries,
        "properties": st.dictionaries(st.text(max_size=6) | st.sampled_from(["fid", "GEOM", KEY]), json_values)
        | json_values,
    },
)
counts = st.integers(-2, 3) | st.sampled_from(["1", "2", "x", "²", "9" * 30, " 1 "]) | json_values
pages = st.fixed_dictionaries(
    {
        "response": st.fixed_dictionaries(
            {"status": st.sampled_from(["OK", "OK", "OK", "NOT_FOUND", "ERROR", "MAYBE"])},
            optional={
                "page": st.fixed_dictionaries({"total": counts, "current": counts}),
                "record": st.fixed_dictionaries({"total": counts}),
                "result": st.fixed_dictionaries(
                    {
                        "featureCollection": st.fixed_dictionaries(
                            {"features": st.lists(features, max_size=4)}, optional={"crs": json_values}
                        )
                    }
                ),
                "error": st.fixed_dictionaries({"code": json_values, "text": json_values}) | json_values,
            },
        )
    }
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(json_values, pages))
def test_the_page_parser_gives_a_page_or_an_input_error(body):
    try:
        page = _pages.parse_page(body, page=1, asked=ASKED)
    except InputError as error:
        assert "\n" not in str(error)
        assert_no_key(str(error))
        return
    if page is None:
        return
    assert len(page.features) + page.dropped.total() == page.sent
    for feature in page.features:
        assert feature.geometry is None or feature.geometry.geom_type in ("Polygon", "MultiPolygon")
        assert_no_key(json.dumps(feature.properties, ensure_ascii=False, default=str))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(features, min_size=1, max_size=4))
def test_every_page_that_parses_can_be_written(raw_features):
    body = {
        "response": {
            "status": "OK",
            "page": {"total": "1", "current": "1"},
            "record": {"total": str(len(raw_features))},
            "result": {"featureCollection": {"features": raw_features}},
        }
    }
    try:
        page = _pages.parse_page(body, page=1, asked=ASKED)
    except InputError:
        return
    if not page.features:
        return
    frame, _ = _geopackage.to_frame(page.features)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.gpkg"
        pyogrio.write_dataframe(frame, out, layer=LAYER, driver="GPKG", promote_to_multi=True)
        assert len(pyogrio.read_dataframe(out, layer=LAYER)) == len(page.features)
        assert_no_key(out.read_bytes())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64) | json_values.map(lambda value: json.dumps(value).encode()))
def test_decoding_gives_json_or_an_input_error(body):
    try:
        _client.decode_json(body, source="VWORLD_API_URL", scrub=ASKED.scrub)
    except InputError as error:
        assert "\n" not in str(error)


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.text(alphabet='[]{}"\\ab,:', max_size=5) | st.integers(),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(alphabet='[]{}"\\', max_size=3), c),
                    max_leaves=15))  # fmt: skip
def test_json_depth_counts_brackets_outside_strings(value):
    assert _client.json_depth(json.dumps(value).encode()) == depth(value)
