"""The land-use map of the parcels (geo.maps.landuse, geo.maps._packed, static/landuse.js) and ``parcels --map``.

The encoding is checked in Python and, decoded by the page's own script, in headless Chromium with every request
that is not a ``file:`` or ``data:`` URL aborted and counted (the map must make none).
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

import geo.parcels as land_parcels
from geo import _format as fmt
from geo import i18n, land, screenshot, units
from geo.area import area_m2
from geo.cli import main
from geo.maps import _packed, landuse, render_html

MAP_JS = "window[document.querySelector('.folium-map').id]"
HOSTILE_JIBUN = '</script><script>alert("x")</script>\'"` 7 장'
LON0, LAT0, STEP = 126.80, 35.10, 0.001
CODES = ("장", "도", "대", "전", "임", "천")


def grid() -> gpd.GeoDataFrame:
    """A 6×6 grid of squares (one with a hole, one a two-part multipolygon, one hostile jibun, one unknown)."""
    rows, geometries = [], []
    for i in range(6):
        for j in range(6):
            number = 6 * i + j + 1
            x, y = LON0 + i * STEP, LAT0 + j * STEP
            square = shapely.box(x, y, x + STEP, y + STEP)
            if number == 8:
                square = shapely.Polygon(
                    square.exterior, [shapely.box(x + 3e-4, y + 3e-4, x + 6e-4, y + 6e-4).exterior]
                )
            if number == 9:
                square = shapely.MultiPolygon(
                    [shapely.box(x, y, x + STEP / 2, y + STEP), shapely.box(x + STEP / 2, y, x + STEP, y + STEP)]
                )
            code = CODES[(i + 2 * j) % len(CODES)]
            jibun = HOSTILE_JIBUN if number == 23 else ("16" if number == 16 else f"{number}-1 {code}")
            rows.append({"pnu": f"2920010100{number:09d}", "jibun": jibun})
            geometries.append(square)
    frame = gpd.GeoDataFrame(rows, geometry=geometries, crs="EPSG:4326")
    frame["category_number"] = landuse.category_numbers(frame)
    return frame


def zones() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "feature_id": ["a"],
            "zone_id": ["a"],
            "name_ko": ["가 산단"],
            "name_en": ["A <b>zone</b>"],
            "name_ja": ["ア"],
        },
        geometry=[shapely.box(LON0 + 0.0015, LAT0 + 0.0012, LON0 + 0.0052, LAT0 + 0.0049)],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="module")
def parcels() -> gpd.GeoDataFrame:
    return grid()


@pytest.fixture(scope="module")
def audit(parcels):
    return land_parcels.land_audit(zones(), parcels[["jibun", "geometry"]])


@pytest.fixture(scope="module")
def written(tmp_path_factory, parcels, audit) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("landuse")
    paths = landuse.write_landuse_maps(folder, zones(), parcels, audit, date="2026-01-02")
    return {path.stem.rsplit("_", 1)[1]: path for path in paths}


# --- the encoding ----------------------------------------------------------------------------------------------


def quantised_rings(geometry) -> list[np.ndarray]:
    """The rings of a parcel as the encoding stores them: integers of 10⁻⁷ degree, closing vertex dropped."""
    return [
        np.rint(shapely.get_coordinates(ring) * _packed.SCALE).astype(np.int64)[:-1]
        for polygon in shapely.get_parts(geometry)
        for ring in shapely.get_rings(polygon)
    ]


def test_varints_and_zigzag_round_trip():
    values = np.array([0, 1, 127, 128, 16_383, 16_384, 2**31, 2**53, 2**62])
    assert _packed.read_varints(_packed.varints(values)).tolist() == values.tolist()
    signed = np.array([0, -1, 1, -(2**40), 2**40, -3_000_000_000])
    assert _packed.unzigzag(_packed.zigzag(signed)).tolist() == signed.tolist()


def test_python_decoder_round_trips_the_quantised_coordinates_and_attributes(parcels):
    areas = area_m2(parcels.geometry).to_numpy()
    packed = _packed.pack_parcels(
        np.asarray(parcels.geometry.values),
        categories=parcels["category_number"].to_numpy(),
        areas_m2=areas,
        pnu=list(parcels["pnu"]),
        jibun=list(parcels["jibun"]),
    )
    decoded = _packed.unpack_parcels(packed)
    order = packed.order
    expected = np.concatenate([r for g in parcels.geometry.values[order] for r in quantised_rings(g)])
    assert np.array_equal(decoded["coords"], expected)
    assert decoded["pnu"] == list(parcels["pnu"].iloc[order])
    assert decoded["jibun"] == list(parcels["jibun"].iloc[order])
    assert decoded["category"].tolist() == parcels["category_number"].iloc[order].tolist()
    assert np.allclose(decoded["area_m2"], areas[order], atol=_packed.AREA_UNIT_M2 / 2)


def test_page_has_no_raw_data_strings_and_one_legend_row_per_category(written, audit, parcels):
    html = written["en"].read_text(encoding="utf-8")
    assert "</script><script>alert" not in html  # the jibun only travels inside the gzip'd stream
    assert "A &lt;b&gt;zone&lt;/b&gt;" in html and "A <b>zone</b>" not in html
    drawn = set(parcels.loc[parcels.intersects(shapely.box(*zones().total_bounds)), "category_number"])
    assert 0 in drawn  # the parcel whose jibun has no category
    rows = re.findall(r'data-category=\\?"([^"\\]+)', html)
    in_zone = {int(n) for n in audit.loc[audit["category"].notna(), "category_number"]}
    assert set(rows) == {land.CODES[n] for n in drawn | in_zone}
    assert len(rows) == len(set(rows)) * 2  # the panel and the printed legend
    # Every category in the zone has its share of the zone's area (from the audit) in the printed legend.
    for row in audit[audit["category"].notna()].to_dict("records"):
        shown = f'{row["category_en"]}<span class="tb-share">&nbsp;{fmt.percent_share(row["share"])}</span>'
        assert shown in html, shown


def test_an_unknown_zone_is_refused(parcels, audit):
    with pytest.raises(ValueError, match="no zone 'nope'"):
        landuse_html = landuse.landuse_map(zones(), parcels, audit, "nope")
        render_html(landuse_html)


# --- the page in Chromium --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(needs_browser):
    with screenshot.browser() as started:
        yield started


class Opened:
    def __init__(self, browser, path: Path, **device) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(**device)

        def route(r) -> None:
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                self.requests.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.goto(path.resolve().as_uri(), wait_until="load")
        self.page.wait_for_selector("[data-tb-drawn]", state="attached", timeout=20_000)

    def point_of(self, lon: float, lat: float) -> dict:
        return self.page.evaluate(
            f"(() => {{ const p = {MAP_JS}.latLngToContainerPoint([{lat}, {lon}]); "
            "const r = document.querySelector('.folium-map').getBoundingClientRect(); "
            "return {x: p.x + r.left, y: p.y + r.top}; })()"
        )

    def popup_of(self, lon: float, lat: float, *, tap: bool = False) -> str:
        self.page.evaluate(f"{MAP_JS}.closePopup()")
        point = self.point_of(lon, lat)
        if tap:
            self.page.touchscreen.tap(point["x"], point["y"])
        else:
            self.page.mouse.click(point["x"], point["y"])
        self.page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
        return self.page.inner_text(".leaflet-popup-content")


@pytest.fixture(scope="module")
def opened_en(browser, written):
    opened = Opened(browser, written["en"], viewport={"width": 1280, "height": 800})
    yield opened
    opened.context.close()


@pytest.mark.browser
def test_the_legend_lists_every_category_present_with_its_share(opened_en, audit, parcels):
    rows = opened_en.page.evaluate(
        "Array.from(document.querySelectorAll('.tb-panel .tb-legend .tb-row')).map(r => "
        "[r.getAttribute('data-category'), r.textContent])"
    )
    shares = {row["category"]: fmt.percent_share(row["share"]) for row in audit.to_dict("records") if row["category"]}
    drawn = parcels.loc[parcels.intersects(shapely.box(*zones().total_bounds)), "category_number"]
    expected = {land.CODES[n] for n in drawn} | set(shares)
    assert {code for code, _ in rows} == expected
    for code, text in rows:
        name = land.UNKNOWN.name_en if code == land.UNKNOWN_CODE else land.CATEGORIES[code].name_en
        share = shares.get(code, i18n.text("landuse_outside_only", "en"))
        assert text.replace("\xa0", " ") == f"{name} {share}", (code, text)


@pytest.mark.browser
def test_the_page_decodes_every_ring_exactly_as_quantised(opened_en, parcels):
    decoded, origin = opened_en.page.evaluate(
        f"(() => {{ const c = {MAP_JS}.tbParcels, p = c.parcels, out = {{}}; "
        "for (let i = 0; i < p.pnuAt.length - 1; i++) { out[p.text(p.pnuAt, i)] = p.rings(i); } "
        "return [out, p.origin]; })()"
    )
    in_extent = parcels[parcels.intersects(shapely.box(*zones().total_bounds))]
    assert sorted(decoded) == sorted(in_extent["pnu"])
    for row in in_extent.to_dict("records"):
        expected = quantised_rings(row["geometry"])
        rings = decoded[row["pnu"]]
        assert len(rings) == len(expected)
        for ring, want in zip(rings, expected, strict=True):
            got = np.array(ring, dtype=np.int64).reshape(-1, 2) + np.array(origin, dtype=np.int64)
            assert np.array_equal(got, want), row["pnu"]


@pytest.mark.browser
def test_popup_gives_pnu_jibun_category_and_area_at_full_precision(opened_en, parcels):
    row = parcels.iloc[20]  # i = 3, j = 2: inside the zone's extent
    centre = row.geometry.representative_point()
    text = opened_en.popup_of(centre.x, centre.y)
    area = float(area_m2(gpd.GeoSeries([row.geometry], crs="EPSG:4326")).iloc[0])
    category = land.CATEGORIES[land.CODES[row["category_number"]]]
    assert row["pnu"] in text and row["jibun"] in text
    assert category.name_en in text and i18n.text("landuse_pnu", "en") in text
    assert f"{area:,.2f} m²" in text
    assert f"{units.m2_to_pyeong(round(area, 2)):,.2f} pyeong" in text
    assert opened_en.errors == [] and opened_en.requests == [] and opened_en.dialogs == []


@pytest.mark.browser
def test_a_hole_is_no_part_of_its_parcel(opened_en, parcels):
    with_hole = parcels.iloc[7]
    hole = with_hole.geometry.interiors[0].centroid
    found = opened_en.page.evaluate(f"{MAP_JS}.tbParcels.pick(L.latLng({hole.y}, {hole.x}))")
    assert found == -1
    inside = opened_en.page.evaluate(
        f"(() => {{ const c = {MAP_JS}.tbParcels, i = c.pick(L.latLng({LAT0 + 0.0011}, {LON0 + 0.0011})); "
        "return c.parcels.text(c.parcels.pnuAt, i); })()"
    )
    assert inside == with_hole["pnu"]


@pytest.mark.browser
def test_a_hostile_jibun_is_shown_as_text(opened_en, parcels):
    row = parcels.iloc[22]
    assert row["jibun"] == HOSTILE_JIBUN
    centre = row.geometry.centroid
    text = opened_en.popup_of(centre.x, centre.y)
    assert HOSTILE_JIBUN in text
    assert opened_en.dialogs == [] and opened_en.errors == []


@pytest.mark.browser
def test_the_canvas_shows_the_category_colours(opened_en, parcels):
    row = parcels.iloc[20]
    point = opened_en.point_of(row.geometry.centroid.x, row.geometry.centroid.y)
    rgb = opened_en.page.evaluate(
        f"(() => {{ const c = document.querySelector('canvas.tb-parcel-canvas'), r = c.getBoundingClientRect(); "
        f"const k = c.width / r.width; const d = c.getContext('2d').getImageData("
        f"Math.round(({point['x']} - r.left) * k), Math.round(({point['y']} - r.top) * k), 1, 1).data; "
        "return [d[0], d[1], d[2], d[3]]; })()"
    )
    colour = landuse.CATEGORY_COLORS[land.CODES[row["category_number"]]]
    assert rgb == [int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16), 255]


@pytest.mark.browser
def test_phone_viewport_opens_with_the_panel_closed_and_a_tap_opens_a_popup(browser, written, parcels):
    opened = Opened(
        browser,
        written["ja"],
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    try:
        assert opened.page.evaluate("document.querySelector('details.tb-panel-box').open") is False
        row = parcels.iloc[20]
        text = opened.popup_of(row.geometry.centroid.x, row.geometry.centroid.y, tap=True)
        assert row["pnu"] in text and i18n.text("landuse_jibun", "ja") in text
        assert opened.errors == [] and opened.requests == []
    finally:
        opened.context.close()


# --- reading the parcels and the command line ------------------------------------------------------------------


def test_read_parcels_keeps_those_in_the_zones_extent_with_their_attributes(tmp_path, parcels):
    source = parcels[["pnu", "jibun", "geometry"]].to_crs("EPSG:5186")
    source.to_file(tmp_path / "parcels.gpkg")
    source.to_parquet(tmp_path / "parcels.parquet")
    expected = set(parcels.loc[parcels.intersects(shapely.box(*zones().total_bounds)), "pnu"])
    for path in (tmp_path / "parcels.gpkg", tmp_path / "parcels.parquet"):
        read = land_parcels.read_parcels(zones(), path)
        assert set(read["pnu"]) == expected, path.name
        assert read.crs == "EPSG:4326"
        by_pnu = read.set_index("pnu")
        assert by_pnu.loc[parcels["pnu"][20], "jibun"] == parcels["jibun"][20]
        assert by_pnu.loc[parcels["pnu"][20], "category_number"] == parcels["category_number"][20]


def test_parcels_command_writes_a_map_per_zone_and_language(tmp_path, parcels, capsys):
    zone_file = tmp_path / "zones.geojson"
    zones().to_file(zone_file, driver="GeoJSON")
    parcel_file = tmp_path / "parcels.parquet"
    parcels[["pnu", "jibun", "geometry"]].to_parquet(parcel_file)
    out = tmp_path / "maps"
    args = ["parcels", "--zones", str(zone_file), "--parcels", str(parcel_file), "--format", "json"]
    assert main([*args, "--map", str(out), "--lang", "en"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["landuse_a_en.html"]
    assert main([*args, "--map", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [f"landuse_a_{lang}.html" for lang in ("en", "ja", "ko")]
    assert "wrote 3 land-use maps" in capsys.readouterr().err


@pytest.mark.browser
def test_switching_the_parcels_layer_off_removes_the_canvas(browser, written):
    opened = Opened(browser, written["en"], viewport={"width": 1280, "height": 800})
    try:
        toggle = (
            "Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
            f".find(l => l.textContent.trim() === {i18n.text('layer_parcels', 'en')!r}).querySelector('input').click()"
        )
        assert opened.page.evaluate("document.querySelectorAll('canvas.tb-parcel-canvas').length") == 1
        opened.page.evaluate(toggle)
        assert opened.page.evaluate("document.querySelectorAll('canvas.tb-parcel-canvas').length") == 0
        assert opened.page.evaluate(f"{MAP_JS}.tbParcels.pick(L.latLng({LAT0 + 0.0035}, {LON0 + 0.0035}))") == -1
        opened.page.evaluate(toggle)
        assert opened.page.evaluate("document.querySelectorAll('canvas.tb-parcel-canvas').length") == 1
        assert opened.errors == []
    finally:
        opened.context.close()
