"""geo.vworld against a real HTTP server on 127.0.0.1 that answers like the VWorld Data API 2.0.

The server (http.server in a thread, no extra dependency) records every request and answers from a script of
replies, or from a paged layer. Nothing leaves the machine, and every timeout and backoff is a fraction of a
second so the module runs in a few seconds.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import sqlite3
import threading
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final

import pyogrio
import pytest

from geo import vworld
from geo._errors import InputError
from geo.vworld import _client, _messages  # noqa: F401  (time.sleep is patched in _client)

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
            body = body.encode("utf-8")
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (timeout tests): nothing to answer

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
