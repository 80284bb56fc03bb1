"""Hostile data through every loader and every writer: nothing runs, nothing breaks the format it lands in.

Zone ids and names, claim publishers and URLs, site-point names and land categories are drawn from hostile
fragments (HTML and JavaScript, Markdown links, template literals, ANSI and OSC escapes, CR/LF, NUL and other
control characters, bidi overrides, spreadsheet formulas, numeric-looking ids, very long text) and written to
real files (GeoJSON or GeoPackage zones, claims and points CSV). The loaders either accept them or raise
InputError; every report, map, GeoPackage style and table then escapes them for its format.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from geo import _format as fmt
from geo import parcels as land_use
from geo import report
from geo.maps import belt_map, render_html, zone_map

#: Fragments that act in some output format if not escaped.
HOSTILE = (
    "<script>alert(1)</script>",
    "</script><script>alert(3)</script>",
    "<img src=x onerror=alert(2)>",
    "${alert(4)}",
    "`${x}`",
    "[click](javascript:alert(5))",
    "![x](https://evil.example/x.png)",
    "| col | ",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "\x1b]0;title\x07",
    "line\rover",
    "a\nb",
    "\r\n",
    "\x00nul",
    "\x07\x08\x0b\x0c\x7f\x85\x9b",
    "\u202eevil\u202c",
    "\u2066iso\u2069",
    "\u2028sep",
    '=HYPERLINK("https://evil.example")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    " \t=1",
    "\n=cmd|' /C calc'!A0",
    "＝1＋1",
    "\u3000＠x",
    "007",
    "101",
    "1e3",
    "-0",
    "x" * 300,
    "빛그린",
    "次世代",
    "&amp;",
    "'\"",
    "\\",
)
hostile_text = st.lists(st.sampled_from(HOSTILE) | st.text(max_size=8), min_size=1, max_size=3).map("".join)
ids = st.lists(hostile_text.filter(lambda s: s.strip() and "/" not in s), min_size=2, max_size=2, unique=True)
#: What the CSV, terminal and HTML outputs must not contain raw.
TERMINAL_ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HTML_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HTML_ACTIVE = ("<script>alert(", "<img src=x", "${alert(", 'href="javascript:')
LANGUAGES = ("ko", "en", "ja")
CLAIM_COLUMNS = ["claim_id", "subject", "figure", "unit", "publisher", "date", "url", "language", "quote", "note"]
POINT_COLUMNS = ["point_id", "kind", "name_ko", "name_en", "name_ja", "lat", "lon", "uncertain", "source"]
BOXES = [shapely.box(126.70, 35.15, 126.71, 35.16), shapely.box(126.72, 35.15, 126.73, 35.16)]


def _write_csv(path, columns, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)


def _load(folder, zone_ids, names, publisher, url, suffix):
    frame = gpd.GeoDataFrame(
        {"zone_id": zone_ids, "name_ko": names, "name_en": names[::-1], "in_belt": [True, True]},
        geometry=BOXES,
        crs="EPSG:4326",
    )
    zones_path = folder / f"zones{suffix}"
    pyogrio.write_dataframe(frame, zones_path)
    claims_path, points_path = folder / "claims.csv", folder / "points.csv"
    rows = [
        [f"c-{zone_ids[0]}", zone_ids[0], "1000000", "m2", publisher, "", url, "ko", names[0], names[1]],
        [names[1] or "c2", "belt", "600000", "pyeong", publisher, "2024", url, "ko", "", ""],
        ["c3", "not-a-zone", "1", "ha", publisher, "", url, "ko", "", ""],
    ]
    _write_csv(claims_path, CLAIM_COLUMNS, rows)
    _write_csv(
        points_path,
        POINT_COLUMNS,
        [[zone_ids[1], "airport", names[0], names[1], names[0], "35.155", "126.715", "false", url]],
    )
    zones = geo.load_zones(zones_path)
    claims = geo.load_claims(claims_path)
    points = geo.load_points(points_path)
    return zones, claims, points


def _check_csv(text):
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        for cell in row:
            first = next(
                (ch for ch in cell if ch in fmt.FORMULA_STARTS or not (ch.isspace() or TERMINAL_ACTIVE.match(ch))), ""
            )
            if first and first in fmt.FORMULA_STARTS:
                assert cell.startswith("'"), cell


def _check_terminal(text):
    assert not TERMINAL_ACTIVE.search(text.replace("\n", "")), repr(text[:200])


def _check_markdown(text):
    assert not re.search(r"(?<!\\)\]\((?!https?://)", text), text
    _check_terminal(text)


def _check_html(text):
    assert not HTML_CONTROL.search(text), repr(HTML_CONTROL.search(text))
    for active in HTML_ACTIVE:
        assert active not in text, active


@pytest.fixture(scope="module")
def raster_path(tmp_path_factory):
    rasterio = pytest.importorskip("rasterio")
    from affine import Affine

    path = tmp_path_factory.mktemp("raster") / "values.tif"
    profile = {"driver": "GTiff", "width": 40, "height": 20, "count": 1, "dtype": "float32", "crs": "EPSG:4326"}
    with rasterio.open(path, "w", transform=Affine(0.001, 0.0, 126.69, 0.0, -0.001, 35.17), **profile) as dataset:
        dataset.write(np.arange(800, dtype="float32").reshape(1, 20, 40))
    return path


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    zone_ids=ids,
    names=st.lists(hostile_text, min_size=2, max_size=2),
    publisher=hostile_text,
    url=st.sampled_from(["https://ok.example/a", "javascript:alert(1)", "https://x/](javascript:alert(1))", "x"]),
    suffix=st.sampled_from([".geojson", ".gpkg"]),
)
def test_hostile_data_is_escaped_in_every_output(
    tmp_path_factory, raster_path, zone_ids, names, publisher, url, suffix
):
    folder = tmp_path_factory.mktemp("hostile")
    try:
        zones, claims, points = _load(folder, zone_ids, names, publisher, url, suffix)
    except geo.InputError as error:
        assert "\n" not in str(error)
        return
    assert sorted(zones["zone_id"]) == sorted(zone_ids) or any("\x00" in z for z in zone_ids)
    result = geo.run_audit(zones, claims)
    lost = zone_ids[0] not in set(zones["zone_id"])  # a NUL ends a string in GDAL
    assert set(result.unchecked) == {"c3", *([f"c-{zone_ids[0]}"] if lost else [])} and not result.passed

    for language in LANGUAGES:
        _check_terminal(report.to_table(result, language=language))
        _check_markdown(report.to_markdown(result, language=language))
        for table in report.CSV_TABLES:
            _check_csv(report.to_csv(result, table=table, language=language))
    document = json.loads(report.to_json(result))
    assert {c["claim_id"] for c in document["claims"]} == set(claims["claim_id"])

    for language in ("en", "ko"):
        _check_html(render_html(belt_map(zones, result, language=language, points=points)))
    _check_html(render_html(zone_map(zones, result, zones["zone_id"].iloc[0], language="ja", points=points)))

    gpkg = geo.export.export_geopackage(folder / "out.gpkg", zones, result, points=points)
    with sqlite3.connect(gpkg) as connection:
        styles = [qml for (qml,) in connection.execute("SELECT styleQML FROM layer_styles")]
        metadata = [text for (text,) in connection.execute("SELECT metadata FROM gpkg_metadata")]
    assert styles
    for qml in styles:
        ET.fromstring(qml.split("\n", 1)[1])  # after the DOCTYPE line
    for text in metadata:
        json.loads(text)

    parcels = gpd.GeoDataFrame(
        {"jimok": [names[0], names[1]]}, geometry=[b.buffer(-0.002) for b in BOXES], crs="EPSG:4326"
    )
    land = land_use.land_audit(zones, parcels, land_field="jimok")
    _check_terminal(land_use.to_table(land))
    _check_csv(land_use.to_csv(land))
    json.loads(land_use.to_json(land, source="parcels.gpkg", land_field="jimok"))

    stats = geo.raster.zonal_stats(zones, raster_path)
    for name, writer in geo.raster.STATS_FORMATS.items():
        text = writer(stats, raster=raster_path, mode="exact")
        if name == "json":
            json.loads(text)
        elif name == "csv":
            _check_csv(text)
        else:
            _check_terminal(text)
