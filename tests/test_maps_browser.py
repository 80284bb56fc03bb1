"""The maps opened in headless Chromium with the network blocked: what only a browser shows.

Skipped without Playwright or Chromium, except under CI=true, where that is a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import geopandas as gpd
import pytest
import shapely
import xyzservices.providers as providers

import geo
from geo import i18n, maps, screenshot
from geo.cli import main
from geo.maps import core
from geo.raster import RasterOverlay

pytestmark = pytest.mark.browser

HOSTILE_NAMES = ["<img src=x onerror=alert(1)>", "${alert(2)}", "</script><script>alert(3)</script>"]
#: Hosts the basemaps request tiles from: the only requests a page may make (all blocked here).
TILE_HOSTS = {urlparse(providers.query_name(name).build_url()).hostname for name, _ in core.BASEMAPS.values()}
PIXEL_PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
MAP_JS = "window[document.querySelector('.folium-map').id]"


@pytest.fixture(scope="module")
def browser(needs_browser):
    with screenshot.browser() as started:
        yield started


@pytest.fixture(scope="module")
def built(tmp_path_factory, zones, audit_result) -> Path:
    """Our belt and zone maps in all three languages, with a (switched-off) raster overlay."""
    out = tmp_path_factory.mktemp("maps")
    overlay = RasterOverlay(
        name="Test overlay",
        png_data_url=PIXEL_PNG,
        bounds=((35.10, 126.60), (35.25, 126.85)),
        legend_title="Test values (km)",
        legend_stops=[(0.0, "#000000"), (10.0, "#ffffff")],
        opacity=0.6,
    )
    maps.write_maps(out, zones, audit_result, context=geo.load_context(), points=geo.load_points(), overlays=[overlay])
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, gpd.GeoDataFrame]:
    """Maps built by the command line from a zone file whose names are attacks."""
    folder = tmp_path_factory.mktemp("hostile")
    source = folder / "hostile.geojson"
    gpd.GeoDataFrame(
        {
            "zone_id": ["a", "b", "c"],
            "name_ko": HOSTILE_NAMES,
            "name_en": HOSTILE_NAMES,
            "name_ja": HOSTILE_NAMES,
            "in_belt": [True, True, True],
        },
        geometry=[shapely.box(126.70 + 0.02 * i, 35.15, 126.71 + 0.02 * i, 35.16) for i in range(3)],
        crs="EPSG:4326",
    ).to_file(source, driver="GeoJSON")
    assert main(["build", "--zones", str(source), "--out", str(folder / "out"), "--lang", "en"]) == 0
    return folder / "out", geo.load_zones(source)


@dataclass
class Visit:
    """A page opened offline, with what it tried to fetch, logged and asked."""

    page: object
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def external_requests(self) -> list[str]:
        return [url for url in self.blocked if urlparse(url).hostname not in TILE_HOSTS]

    def errors(self) -> list[str]:
        return self.console_errors + self.page_errors


def visit(browser, path: Path) -> Visit:
    blocked: list[str] = []
    page = screenshot.offline_page(browser, blocked=blocked)
    result = Visit(page=page, blocked=blocked)

    def on_console(message) -> None:
        # A blocked tile is logged as a failed resource; anything else is a real error.
        url = message.location.get("url", "")
        if message.type == "error" and not (url in blocked and urlparse(url).hostname in TILE_HOSTS):
            result.console_errors.append(f"{message.text} ({url})")

    def on_dialog(dialog) -> None:
        result.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: result.page_errors.append(str(error)))
    page.on("dialog", on_dialog)
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    return result


@pytest.fixture(scope="module")
def belt_en(browser, built):
    """The English belt map, opened once for the tests that only look and hover."""
    opened = visit(browser, built / "belt_en.html")
    yield opened
    opened.page.context.close()


@pytest.fixture
def open_page(browser):
    opened: list[Visit] = []

    def _open(path: Path) -> Visit:
        opened.append(visit(browser, path))
        return opened[-1]

    yield _open
    for item in opened:
        item.page.context.close()


def point_inside(geom: shapely.Geometry) -> tuple[float, float]:
    point = shapely.point_on_surface(geom)
    return point.y, point.x


def hover_at(page, lat: float, lng: float) -> str:
    """Centre the map on (lat, lng), hover there and return the tooltip's text."""
    x, y = page.evaluate(
        f"""([lat, lng]) => {{
            const map = {MAP_JS};
            map.closePopup();
            map.setView([lat, lng], map.getZoom(), {{animate: false}});
            const p = map.latLngToContainerPoint([lat, lng]), box = map.getContainer().getBoundingClientRect();
            return [p.x + box.left, p.y + box.top];
        }}""",
        [lat, lng],
    )
    # Canvas hit-testing is throttled (32 ms in Leaflet): let each move land.
    for dx in (-5, 0, 1):
        page.mouse.move(x + dx, y + min(dx, 0))
        page.wait_for_timeout(50)
    tooltip = page.locator(".leaflet-tooltip.tb-tooltip").last
    tooltip.wait_for(state="visible", timeout=3000)
    return tooltip.inner_text()


def click_at(page, lat: float, lng: float) -> str:
    hover_at(page, lat, lng)
    x, y = page.evaluate(
        f"""([lat, lng]) => {{
            const map = {MAP_JS}, p = map.latLngToContainerPoint([lat, lng]);
            const box = map.getContainer().getBoundingClientRect();
            return [p.x + box.left, p.y + box.top];
        }}""",
        [lat, lng],
    )
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content").last
    popup.wait_for(state="visible", timeout=3000)
    return popup.inner_text()


def test_page_loads_offline_without_errors_or_requests(belt_en):
    page = belt_en
    assert page.errors() == []
    assert page.external_requests() == []
    assert page.dialogs == []


def test_every_zone_and_the_belt_are_drawn(belt_en, zones):
    page = belt_en.page
    assert page.locator("path.tb-zone").count() == len(zones)
    assert page.locator("path.tb-belt").count() == 1
    assert page.locator("path.tb-triangle").count() == 1
    assert page.locator("img.leaflet-marker-icon").count() == len(geo.load_points())
    labels = page.locator(".tb-point-label").all_inner_texts()
    assert sorted(labels) == sorted(geo.load_points()["name_en"])


def test_leaflet_images_are_inline(belt_en):
    page = belt_en.page
    sources = page.eval_on_selector_all("img.leaflet-marker-icon", "els => els.map(e => e.src)")
    assert sources and all(src.startswith("data:image/png;base64,") for src in sources)
    icon = page.eval_on_selector(".leaflet-control-layers-toggle", "el => getComputedStyle(el).backgroundImage")
    assert icon.startswith('url("data:image/png;base64,')


def test_hover_shows_name_and_pyeong(belt_en, zones, audit_result):
    page = belt_en.page
    areas = audit_result.zones.set_index("feature_id")
    for _, row in zones.iterrows():
        text = hover_at(page, *point_inside(row.geometry))
        assert row["name_en"] in text
        assert f"{areas.loc[row['feature_id'], 'area_pyeong']:,.0f} pyeong" in text


def test_click_shows_the_popup(belt_en, zones, audit_result):
    page = belt_en.page
    jingok = zones[zones["zone_id"] == "jingok"].iloc[0]
    text = click_at(page, *point_inside(jingok.geometry))
    areas = audit_result.zones.set_index("feature_id").loc["jingok/main"]
    for expected in (
        "Jingok General Industrial Complex",
        f"{areas['area_m2']:,.0f}",
        f"{areas['area_ha']:,.2f}",
        f"{areas['area_pyeong']:,.0f}",
        "Official figure",
        "Operating",
        i18n.MESSAGES["schematic_label"]["en"],
        "holds",
    ):
        assert expected in text
    href = page.locator(".leaflet-popup-content a").first.get_attribute("href")
    assert href == "https://v.daum.net/v/20230720165517680"


@pytest.mark.parametrize(
    ("language", "column", "unit", "layer"),
    [
        ("ko", "name_ko", "평", "산업단지"),
        ("ja", "name_ja", "坪", "産業団地"),
    ],
)
def test_each_language_shows_its_names(built, open_page, zones, language, column, unit, layer):
    page = open_page(built / f"belt_{language}.html").page
    row = zones[zones["zone_id"] == "future"].iloc[0]
    text = hover_at(page, *point_inside(row.geometry))
    assert row[column] in text and unit in text
    assert layer in page.locator(".leaflet-control-layers-overlays").inner_text()
    assert page.locator("html").get_attribute("lang") == language


def test_zone_map_shows_its_zone(built, open_page):
    page = open_page(built / "zone_jingok_en.html")
    assert page.errors() == [] and page.external_requests() == []
    assert "Jingok General Industrial Complex — zone map" in page.page.locator(".tb-panel h1").inner_text()


def test_index_links_every_map(built, open_page):
    page = open_page(built / "index_en.html").page
    hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
    local = sorted(href for href in hrefs if not href.startswith("http"))
    assert local == ["belt_en.html", "zone_bitgoeul_en.html", "zone_future_en.html", "zone_jingok_en.html"]
    assert all((built / href).exists() for href in local)
    # The rest are the belt claims' sources, which open in a new tab.
    assert all(href.startswith(("https://", "http://")) for href in hrefs if href not in local)


def test_hostile_names_run_nothing_and_show_literally(hostile, open_page):
    out, zones = hostile
    visit_ = open_page(out / "belt_en.html")
    page = visit_.page
    assert page.locator("path.tb-zone").count() == 3
    for name, geom in zip(HOSTILE_NAMES, zones.geometry, strict=True):
        assert name in hover_at(page, *point_inside(geom))
        click_at(page, *point_inside(geom))
        assert page.locator(".leaflet-popup-content h3").last.inner_text() == name
    page.wait_for_timeout(200)
    assert visit_.dialogs == []
    assert visit_.errors() == []
    assert page.locator("img[src='x']").count() == 0
    index = open_page(out / "index_en.html")
    assert index.dialogs == [] and HOSTILE_NAMES[2] in index.page.locator("body").inner_text()


def test_measure_tool_reports_pyeong_and_agrees_with_the_ellipsoid(built, open_page):
    page = open_page(built / "belt_en.html").page
    page.locator(".tb-measure-toggle").click()
    box = shapely.box(126.70, 35.15, 126.72, 35.17)
    corners = list(box.exterior.coords)[:-1]
    page.evaluate(
        f"corners => {{ const m = {MAP_JS}.tbMeasure; corners.forEach(c => m.add(c[1], c[0])); }}",
        corners,
    )
    text = page.locator(".tb-measure-out").inner_text()
    measured = page.evaluate(f"corners => {MAP_JS}.tbMeasure.areaM2(corners.map(c => L.latLng(c[1], c[0])))", corners)
    exact = float(geo.area_m2(gpd.GeoSeries([box], crs="EPSG:4326")).iloc[0])
    assert measured == pytest.approx(exact, rel=1e-6)
    assert f"{measured:,.0f} m²" in text
    assert f"{measured * 121 / 400:,.0f} pyeong" in text


def test_measure_tool_by_clicks(built, open_page):
    page = open_page(built / "belt_en.html").page
    page.locator(".tb-measure-toggle").click()
    for x, y in ((300, 600), (420, 600), (420, 720)):
        page.mouse.click(x, y)
    text = page.locator(".tb-measure-out").inner_text()
    assert "Area:" in text and "pyeong" in text and "Perimeter:" in text


def test_overlay_toggles_with_legend_and_opacity(built, open_page):
    page = open_page(built / "belt_en.html").page
    legend = page.locator(".tb-overlay-legend")
    assert not legend.is_visible()
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label", has_text="Test overlay").locator("input").check()
    assert legend.is_visible() and "Test values (km)" in legend.inner_text()
    page.eval_on_selector(
        ".tb-opacity", "el => { el.value = 20; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    assert page.eval_on_selector(".leaflet-image-layer", "el => el.style.opacity") == "0.2"


def test_controls_are_labelled_in_the_language(built, open_page):
    page = open_page(built / "belt_ja.html").page
    assert page.locator(".tb-fullscreen a").get_attribute("title") == "全画面"
    assert page.locator(".tb-measure-toggle").get_attribute("title") == "面積を測る"
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "拡大"
    first = page.locator(".leaflet-top.leaflet-left > .leaflet-control").first
    assert "leaflet-control-zoom" in first.get_attribute("class")


def test_parcels_map_draws_on_canvas_with_tooltips(tmp_path, open_page):
    parcels = gpd.GeoSeries(
        [shapely.box(126.70 + 0.001 * i, 35.15, 126.7009 + 0.001 * i, 35.1509) for i in range(200)], crs=4326
    )
    path = tmp_path / "parcels.html"
    path.write_text(maps.render_html(maps.parcels_map(gpd.GeoDataFrame(geometry=parcels))), encoding="utf-8")
    visit_ = open_page(path)
    page = visit_.page
    assert visit_.errors() == [] and visit_.external_requests() == []
    assert page.locator(".leaflet-overlay-pane canvas").count() == 1
    assert page.locator(".leaflet-overlay-pane path").count() == 0
    area = float(geo.area_m2(parcels.iloc[[100]]).iloc[0])
    assert f"{round(area * 121 / 400):,} pyeong" in hover_at(page, *point_inside(parcels.iloc[100]))
