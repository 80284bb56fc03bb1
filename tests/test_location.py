"""The location table: straight-line (geodesic) distances from each zone to the destinations, and their sources."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

import geo
from geo import i18n, location, screenshot
from geo._errors import InputError
from geo.layers import load_destinations
from geo.maps import location_section
from geo.settings import DESTINATIONS_FILE, LANGUAGES

GRS80 = Geod(ellps="GRS80")
HEADER = (
    "point_id,kind,name_ko,name_en,name_ja,lat,lon,uncertain,publisher,date,url,source,source_ko,source_en,source_ja\n"
)


@pytest.fixture(scope="module")
def destinations() -> gpd.GeoDataFrame:
    return load_destinations()


@pytest.fixture(scope="module")
def table(zones, destinations) -> pd.DataFrame:
    return location.location_table(zones, destinations)


def _outline_points(zone: shapely.Geometry) -> tuple[np.ndarray, np.ndarray]:
    """The zone's outline as lon/lat points 1 m apart along each edge's own geodesic (no projection)."""
    lons, lats = [], []
    polygons = zone.geoms if hasattr(zone, "geoms") else [zone]
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            xy = np.asarray(ring.coords)
            for (x0, y0), (x1, y1) in itertools.pairwise(xy):
                steps = int(GRS80.inv(x0, y0, x1, y1)[2])
                between = GRS80.npts(x0, y0, x1, y1, steps) if steps else []
                for x, y in [(x0, y0), *between]:
                    lons.append(x)
                    lats.append(y)
    return np.array(lons), np.array(lats)


def test_the_distances_match_an_independent_geodesic_computation(zones, destinations, table):
    for zone_id, parts in zones.groupby("zone_id"):
        lons, lats = _outline_points(shapely.union_all(parts.geometry.values))
        for _, place in destinations[destinations.geometry.notna()].iterrows():
            x, y = np.full_like(lons, place.geometry.x), np.full_like(lats, place.geometry.y)
            expected = float(GRS80.inv(x, y, lons, lats)[2].min()) / 1000
            got = table.loc[(table["zone_id"] == zone_id) & (table["point_id"] == place["point_id"]), "distance_km"]
            # the brute force steps 1 m along each edge; the nearest point is found in EPSG:5186
            assert float(got.iloc[0]) == pytest.approx(expected, abs=0.002), (zone_id, place["point_id"])


def test_a_place_due_north_of_a_square_is_the_meridian_arc_away():
    square = gpd.GeoDataFrame(
        {"zone_id": ["sq"], "name_ko": ["네모"], "in_belt": [True]},
        geometry=[shapely.box(126.70, 35.10, 126.72, 35.12)],
        crs="EPSG:4326",
    )
    places = gpd.GeoDataFrame(
        {"point_id": ["n", "in"], "kind": ["rail", "rail"], "name_ko": ["북", "안"], "uncertain": [False, False]},
        geometry=[shapely.Point(126.71, 35.30), shapely.Point(126.71, 35.11)],
        crs="EPSG:4326",
    )
    result = location.location_table(square, places).set_index("point_id")
    arc_km = GRS80.inv(126.71, 35.12, 126.71, 35.30)[2] / 1000
    # 5 cm: the box's north edge is the chord of the parallel in EPSG:5186, 4.6 cm north of it at the middle
    assert result.loc["n", "distance_km"] == pytest.approx(arc_km, abs=1e-4)
    assert result.loc["in", "distance_km"] == 0.0


def test_every_destination_has_a_source(destinations):
    assert {"kwj", "songjeong", "muan", "mokpo_port", "gwangyang_port", "expressway_ic"} <= set(
        destinations["point_id"]
    )
    for _, place in destinations.iterrows():
        for language in LANGUAGES:
            assert i18n.localised_column(place, "source", language).strip(), (place["point_id"], language)
        if place.geometry is None:
            # not available: the row says so, and why, in every language
            assert place["source_en"].startswith("not available: ")
            assert place["source_ko"].startswith("정보 없음: ") and place["source_ja"].startswith("情報なし：")
        else:
            assert place["publisher"].strip() and place["url"].startswith("https://"), place["point_id"]
        if place["uncertain"] and place.geometry is not None:
            assert place["source_en"].startswith("UNCERTAIN"), place["point_id"]


def test_the_airport_and_the_station_are_the_site_selection_points(points, destinations):
    shared = destinations.merge(points, on="point_id", suffixes=("", "_point"))
    assert set(shared["point_id"]) == {"kwj", "songjeong"}
    assert (shared["lat"] == shared["lat_point"]).all() and (shared["lon"] == shared["lon_point"]).all()


def test_a_destination_without_coordinates_is_not_available(zones, table):
    rows = table[table["point_id"] == "expressway_ic"]
    assert len(rows) == zones["zone_id"].nunique()
    assert not rows["available"].any() and rows["distance_km"].isna().all()
    assert table.loc[table["available"], "distance_km"].gt(0).all()


def test_one_coordinate_missing_is_an_error_naming_the_row_and_the_fix(tmp_path):
    path = tmp_path / "destinations.csv"
    path.write_text(HEADER + "x,port,항,Port,港,34.8,,false,P,,https://example.org,s,s,s,s\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"destinations.csv row 2 \(x\): lon is empty; .*leave lat and lon both empty"):
        load_destinations(path)
    path.write_text(
        HEADER + "x,port,항,Port,港,,,true,,,,not available: why,정보 없음: 왜,not available: why,情報なし：なぜ\n"
    )
    assert load_destinations(path).geometry.isna().all()


def test_the_csv_names_its_measure_and_opens_in_excel(table):
    text = location.to_csv(table, language="en")
    assert text.startswith("\ufeff")
    frame = pd.read_csv(io.StringIO(text.lstrip("\ufeff")))
    measure = "Straight-line (geodesic) km from the zone's nearest edge (not road distance)"
    assert measure in frame.columns and len(frame) == len(table)
    assert "直線（測地線）距離" in location.to_csv(table, language="ja")
    assert list(pd.read_csv(io.StringIO(location.to_csv(table).lstrip("\ufeff"))).columns) == list(
        location.LOCATION_COLUMNS
    )


def test_the_build_plans_and_writes_the_csv(tmp_path, table):
    assert "locations.csv" in location.output_files()
    written = location.write_locations(tmp_path, table)
    assert [p.name for p in written] == ["locations.csv"] and written[0].read_text(encoding="utf-8-sig")
    assert DESTINATIONS_FILE.name == "destinations.csv" and DESTINATIONS_FILE.exists()


def test_a_zone_name_from_data_is_escaped_in_the_html(square_zones, destinations):
    hostile = square_zones.assign(name_en=["<img src=x onerror=alert(1)>", "b"])
    html = location_section(location.location_table(hostile, destinations), language="en")
    assert "<img" not in html and "&lt;img" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_html_says_straight_line_not_road_and_gives_sources(table, language):
    html = location_section(table, language=language)
    assert i18n.text("location_intro", language) in html.replace("&#x27;", "'")
    assert i18n.text("location_not_available", language) in html
    assert html.count("<li>") == table["point_id"].nunique()
    assert "unece.org" in html and "wikipedia.org" in html
    text = re.sub(r"<[^>]+>", " ", html)
    # no developer text: no ids, file names or module names
    for word in ("point_id", "expressway_ic", "mokpo_port", ".csv", "geo.", "layers/", "nan", "None"):
        assert word not in text, word


def test_a_zone_sheet_shows_its_own_column_only(zones, table):
    html = location_section(table, language="en", zone_ids=["jingok"])
    assert html.count('<th scope="col"') == 2 and "Jingok General Industrial Complex</th>" in html
    assert "Bitgoeul National Industrial Complex" not in html
    assert location_section(table, language="en", zone_ids=["nowhere"]) == ""


def test_the_fact_sheet_carries_the_table(zones, audit_result, table):
    from geo.factsheet import zone_sheet_html

    page = zone_sheet_html(
        zones, audit_result, subject="jingok", language="ko", context=None, points=None, date="2026-01-01",
        locations=table,
    )  # fmt: skip
    assert i18n.text("location_title", "ko") in page and "unece.org" in page


def test_the_index_page_in_chromium_at_phone_size_is_not_clipped(tmp_path, zones, audit_result, table, needs_browser):
    geo.maps.write_index(tmp_path, zones, audit_result, locations=table)
    with screenshot.browser() as started:
        for language in LANGUAGES:
            context = started.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            try:
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
                page.goto(Path(tmp_path / f"index_{language}.html").resolve().as_uri(), wait_until="load")
                section = page.locator("section.tb-location")
                section.scroll_into_view_if_needed()
                assert section.is_visible() and errors == []
                assert page.locator("table.tb-location-table tbody tr").count() == table["point_id"].nunique()
                # nothing wider than the phone: the table fits without a horizontal scroll, the page too
                fits = page.evaluate(
                    """() => {
                        const wrap = document.querySelector('.tb-location .table-wrap');
                        const box = document.querySelector('.tb-location').getBoundingClientRect();
                        return [wrap.scrollWidth <= wrap.clientWidth, box.left >= 0, box.right <= window.innerWidth,
                                document.documentElement.scrollWidth <= window.innerWidth];
                    }"""
                )
                assert fits == [True, True, True, True], (language, fits)
                if language == "en":
                    section.screenshot(path=str(tmp_path / "location_en.png"))
            finally:
                context.close()


def test_the_build_plan_lists_the_csv_and_reads_the_places(zones):
    from geo.pipeline import BuildOptions, plan

    options = BuildOptions()
    assert "locations.csv" in plan(options, zones).files
    assert DESTINATIONS_FILE in options.inputs
