"""The maps opened in headless Chromium with the network blocked: what only a browser shows.

Skipped without Playwright or Chromium, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import geopandas as gpd
import pytest
import shapely

import geo
from geo import headline, i18n, maps, screenshot
from geo.cli import main
from geo.raster import RasterOverlay

pytestmark = pytest.mark.browser

HOSTILE_NAMES = ["<img src=x onerror=alert(1)>", "${alert(2)}", "</script><script>alert(3)</script>"]
#: Hosts the basemaps request tiles from (Esri's and OpenStreetMap's, whose URLs test_maps.py checks in the page):
#: the only requests a page may make (all blocked here).
TILE_HOSTS = {"server.arcgisonline.com", "tile.openstreetmap.org"}
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
def built(tmp_path_factory, belt_zones, belt_audit, belt_context, belt_points) -> Path:
    """The synthetic belt's maps in all three languages, with a (switched-off) raster overlay."""
    out = tmp_path_factory.mktemp("maps")
    overlay = RasterOverlay(
        name="Test overlay",
        png_data_url=PIXEL_PNG,
        bounds=((35.10, 126.60), (35.25, 126.85)),
        legend_title="Test values (km)",
        legend_stops=[(0.0, "#000000"), (10.0, "#ffffff")],
        opacity=0.6,
    )
    maps.write_maps(out, belt_zones, belt_audit, context=belt_context, points=belt_points, overlays=[overlay])
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
    return tooltip.inner_text().replace("\xa0", " ")  # numbers and units are joined by no-break spaces


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
    return popup.inner_text().replace("\xa0", " ")


def test_page_loads_offline_without_errors_or_requests(belt_en):
    page = belt_en
    assert page.errors() == []
    assert page.external_requests() == []
    assert page.dialogs == []


def test_every_zone_and_the_belt_are_drawn(belt_en, belt_zones, belt_points):
    page = belt_en.page
    assert page.locator("path.tb-zone").count() == len(belt_zones)
    assert page.locator("path.tb-belt").count() == 1
    assert page.locator("path.tb-triangle").count() == 1
    assert page.locator("img.leaflet-marker-icon").count() == len(belt_points)
    labels = page.locator(".tb-point-label").all_inner_texts()
    assert sorted(labels) == sorted(belt_points["name_en"])


def test_leaflet_images_are_inline(belt_en):
    page = belt_en.page
    sources = page.eval_on_selector_all("img.leaflet-marker-icon", "els => els.map(e => e.src)")
    assert sources and all(src.startswith("data:image/png;base64,") for src in sources)
    icon = page.eval_on_selector(".leaflet-control-layers-toggle", "el => getComputedStyle(el).backgroundImage")
    assert icon.startswith('url("data:image/png;base64,')


def test_hover_shows_name_and_pyeong(belt_en, belt_zones, belt_audit):
    page = belt_en.page
    areas = belt_audit.zones.set_index("feature_id")
    for _, row in belt_zones.iterrows():
        text = hover_at(page, *point_inside(row.geometry))
        assert row["name_en"] in text
        assert f"{areas.loc[row['feature_id'], 'area_pyeong']:,.0f} pyeong" in text


def test_click_shows_the_popup(belt_en, belt_zones, belt_audit):
    page = belt_en.page
    jingok = belt_zones[belt_zones["zone_id"] == "jingok"].iloc[0]
    text = click_at(page, *point_inside(jingok.geometry))
    areas = belt_audit.zones.set_index("feature_id").loc["jingok/main"]
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
    assert href == "https://example.org/jingok_exact"
    page.evaluate(f"{MAP_JS}.closePopup()")


@pytest.mark.parametrize(
    ("language", "column", "unit", "layer"),
    [
        ("ko", "name_ko", "평", "산업단지"),
        ("ja", "name_ja", "坪", "産業団地"),
    ],
)
def test_each_language_shows_its_names(built, open_page, belt_zones, language, column, unit, layer):
    page = open_page(built / f"belt_{language}.html").page
    row = belt_zones[belt_zones["zone_id"] == "future"].iloc[0]
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
    local = sorted(href for href in hrefs if not href.startswith("http") and href != "index.html")
    assert local == ["belt_en.html", "zone_bitgoeul_en.html", "zone_future_en.html", "zone_jingok_en.html"]
    assert all((built / href).exists() for href in local)
    # The rest are the claims' sources, which open in a new tab.
    assert all(href.startswith(("https://", "http://")) for href in hrefs if href not in {*local, "index.html"})


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


@pytest.mark.parametrize("size_deg", [0.001, 0.01, 0.09])  # about 100 m, 1 km and 10 km across
def test_measure_tool_agrees_with_the_ellipsoid_on_diagonal_edges(built, open_page, size_deg):
    page = open_page(built / "belt_en.html").page
    # a skewed quadrilateral and a triangle: no edge along a meridian or a parallel, so no errors cancel
    d = size_deg
    shapes = [
        shapely.Polygon([(126.70, 35.15), (126.70 + d, 35.15 + 0.3 * d), (126.70 + 0.8 * d, 35.15 + d),
                         (126.70 - 0.2 * d, 35.15 + 0.6 * d)]),
        shapely.Polygon([(126.80, 35.20), (126.80 + d, 35.20 + 0.4 * d), (126.80 + 0.3 * d, 35.20 + d)]),
    ]  # fmt: skip
    for shape in shapes:
        corners = list(shape.exterior.coords)[:-1]
        measured = page.evaluate(
            f"corners => {MAP_JS}.tbMeasure.areaM2(corners.map(c => L.latLng(c[1], c[0])))", corners
        )
        exact = float(geo.area_m2(gpd.GeoSeries([shape], crs="EPSG:4326")).iloc[0])
        assert measured == pytest.approx(exact, rel=1e-6)


def settle(page) -> None:
    """Wait until the map has laid itself out: fonts loaded (the layout script fits the map again then) and two
    frames drawn since (its ResizeObserver has run and the page is painted), so clicks land on what is drawn."""
    page.evaluate(
        "() => document.fonts.ready.then(() => new Promise(done => "
        "requestAnimationFrame(() => requestAnimationFrame(done))))"
    )


def test_measure_tool_by_clicks(built, open_page):
    page = open_page(built / "belt_en.html").page
    settle(page)
    page.locator(".tb-measure-toggle").click()
    page.wait_for_function(f"() => {MAP_JS}.tbMeasure.active()")
    corners = []
    for x, y in ((300, 600), (420, 600), (420, 720)):
        before = page.evaluate(f"{MAP_JS}.tbMeasure.text()")
        page.mouse.click(x, y)
        # Each click adds a vertex and changes the readout: a perimeter of 0 m, then a length, then an area.
        page.wait_for_function(f"before => {MAP_JS}.tbMeasure.text() !== before", arg=before)
        corners.append(
            page.evaluate(
                f"""([x, y]) => {{ const map = {MAP_JS}, box = map.getContainer().getBoundingClientRect();
                    const p = map.containerPointToLatLng([x - box.left, y - box.top]); return [p.lng, p.lat]; }}""",
                [x, y],
            )
        )
    text = page.locator(".tb-measure-out").inner_text()
    assert "Area:" in text and "pyeong" in text and "Perimeter:" in text
    # The area shown is that of the three points clicked.
    measured = page.evaluate(f"corners => {MAP_JS}.tbMeasure.areaM2(corners.map(c => L.latLng(c[1], c[0])))", corners)
    shown_m2 = page.evaluate("x => x.toLocaleString('en', {maximumFractionDigits: 0})", measured)
    assert measured > 0 and f"Area: {shown_m2} m²" in text


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


# ---------------------------------------------------------------------------------------------------------
# Desktop, phone and paper (the open issue): each view in each language
# ---------------------------------------------------------------------------------------------------------

#: Viewports: desktop, phone (touch), and A4 portrait and landscape at 96 dpi under print media.
VIEWS = {
    "desktop": {"viewport": {"width": 1400, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "print": {"viewport": {"width": 794, "height": 1123}, "media": "print"},
    "print-landscape": {"viewport": {"width": 1123, "height": 794}, "media": "print"},
}
LANGUAGES = ("ko", "en", "ja")
#: The map's controls, each of which must take a tap at its centre.
CONTROLS = (
    ".leaflet-control-zoom-in",
    ".leaflet-control-zoom-out",
    ".leaflet-control-layers-toggle",
    ".tb-fullscreen a",
    ".tb-measure-toggle",
    ".tb-panel-box > summary",
)
RECT_JS = "el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def open_view(browser, path: Path, view: str):
    """``path`` opened offline in ``view`` (fonts loaded, layout settled); the caller closes its context."""
    options = dict(VIEWS[view])
    media = options.pop("media", None)
    context = browser.new_context(device_scale_factor=1, **options)
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    if media:
        page.emulate_media(media=media)
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(400)
    page.tb_errors = errors
    return page


@pytest.fixture
def view_page(browser):
    pages = []

    def _open(path: Path, view: str):
        pages.append(open_view(browser, path, view))
        return pages[-1]

    yield _open
    for page in pages:
        page.context.close()


def rect(page, selector: str) -> tuple[float, float, float, float] | None:
    found = page.locator(selector)
    if not found.count() or not found.first.is_visible():
        return None
    return tuple(found.first.evaluate(RECT_JS))


def overlaps(a, b) -> bool:
    return a is not None and b is not None and a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(a, frame, slack: float = 1.0) -> bool:
    return (
        a[0] >= frame[0] - slack and a[1] >= frame[1] - slack and a[2] <= frame[2] + slack and a[3] <= frame[3] + slack
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_every_control_takes_a_tap_and_nothing_overlaps(built, view_page, language):
    page = view_page(built / f"belt_{language}.html", "phone")
    assert page.tb_errors == []
    # The panel starts as a one-line bar.
    assert page.eval_on_selector(".tb-panel-box", "el => el.open") is False
    panel = rect(page, ".tb-panel")
    assert panel[3] - panel[1] < 60
    for selector in CONTROLS:
        hit = page.eval_on_selector(
            selector,
            """el => { const r = el.getBoundingClientRect();
                       const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
                       return el === top || el.contains(top); }""",
        )
        assert hit, f"{selector} is covered on a phone ({language})"
        assert not overlaps(rect(page, selector), panel) or selector.startswith(".tb-panel")
    assert not overlaps(rect(page, ".leaflet-control-scale"), rect(page, ".leaflet-control-attribution"))
    # A tap on the bar opens the panel, still clear of the controls on the left.
    page.locator(".tb-panel-box > summary").tap()
    assert page.eval_on_selector(".tb-panel-box", "el => el.open") is True
    opened = rect(page, ".tb-panel")
    for selector in CONTROLS[:-1]:
        assert not overlaps(rect(page, selector), opened), selector
    assert not overlaps(opened, rect(page, ".leaflet-control-attribution"))


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_zone_and_point_is_in_view_and_clear_of_the_panel_on_open(built, view_page, belt_zones, language, view):
    page = view_page(built / f"belt_{language}.html", view)
    assert page.tb_errors == []
    frame = rect(page, ".folium-map")
    panel = rect(page, ".tb-panel")  # None on paper: the panel is hidden there
    zones = page.eval_on_selector_all("path.tb-zone", f"els => els.map({RECT_JS})")
    assert len(zones) == len(belt_zones)
    for box in zones + page.eval_on_selector_all("img.leaflet-marker-icon", f"els => els.map({RECT_JS})"):
        assert inside(box, frame), (view, box, frame)
        assert not overlaps(box, panel), (view, box, panel)
    # Zone maps open on their zone, clear of the panel too.
    page.goto((built / f"zone_future_{language}.html").resolve().as_uri(), wait_until="load")
    page.wait_for_timeout(400)
    (future,) = page.eval_on_selector_all("path.tb-focus", f"els => els.map({RECT_JS})")
    assert inside(future, rect(page, ".folium-map")) and not overlaps(future, rect(page, ".tb-panel"))


@pytest.mark.parametrize("view", ["desktop", "phone", "print"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_zone_labels_show_without_hovering(built, view_page, belt_zones, language, view):
    page = view_page(built / f"belt_{language}.html", view)
    labels = page.eval_on_selector_all(
        ".tb-zone-label .tb-label-text",
        f"els => els.map(el => [el.textContent, getComputedStyle(el).visibility, ({RECT_JS})(el)])",
    )
    expected = {maps.zone_title(parts, language) for _, parts in belt_zones.groupby("zone_id")}
    assert {text for text, _, _ in labels} == expected
    frame = rect(page, ".folium-map")
    for text, visibility, box in labels:
        assert visibility == "visible", (text, view)
        assert box[1] >= frame[1] - 1 and box[3] <= frame[3] + 1, (text, view)
    assert page.locator(".leaflet-tooltip.tb-tooltip").count() == 0  # nothing hovered


def test_labels_that_overlap_are_decluttered_zones_first(built, view_page):
    page = view_page(built / "belt_en.html", "desktop")
    page.locator(".leaflet-control-layers").hover()
    page.locator(".leaflet-control-layers-overlays label", has_text="Legal dong and ri names").locator("input").check()
    page.evaluate(f"{MAP_JS}.setZoom(10, {{animate: false}})")
    page.wait_for_timeout(200)
    shown_boxes = page.eval_on_selector_all(
        ".tb-label-text, .tb-point-label",
        f"""els => els.filter(el => getComputedStyle(el).visibility !== 'hidden')
                      .map(el => [el.closest('.tb-zone-label') ? 'zone' : 'other', ({RECT_JS})(el)])""",
    )
    assert any(kind == "zone" for kind, _ in shown_boxes)
    others = [box for kind, box in shown_boxes if kind == "other"]
    zones = [box for kind, box in shown_boxes if kind == "zone"]
    assert not any(overlaps(a, b) for a in others for b in zones)  # where they collide, the zone's name wins
    assert not any(overlaps(a, b) for i, a in enumerate(others) for b in others[i + 1 :])


@pytest.mark.parametrize("view", ["desktop", "phone"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_popups_open_clear_of_the_panel_and_the_edges(built, view_page, belt_zones, language, view):
    page = view_page(built / f"belt_{language}.html", view)
    for _, row in belt_zones.iterrows():
        lat, lng = point_inside(row.geometry)
        page.evaluate(
            f"([lat, lng]) => {{ const map = {MAP_JS}; map.closePopup(); map.tbLayout.fit(); "
            "map.eachLayer(l => { if (l.feature && l.getBounds && l.getBounds().contains([lat, lng]) && l.getPopup()) "
            "{ l.openPopup([lat, lng]); } }); }",
            [lat, lng],
        )
        page.wait_for_timeout(400)  # the auto-pan
        popup, frame = rect(page, ".leaflet-popup"), rect(page, ".folium-map")
        assert popup is not None
        assert inside(popup, frame), (row["feature_id"], view, popup, frame)
        assert not overlaps(popup, rect(page, ".tb-panel")), (row["feature_id"], view)
        for selector in CONTROLS[:-1]:
            assert not overlaps(popup, rect(page, selector)), (row["feature_id"], selector)
        # Each claim's verdict stands apart from its figures and words (its own element, on the source's line).
        verdicts = page.locator(".leaflet-popup-content .tb-claim-head .tb-verdict")
        assert verdicts.count() == page.locator(".leaflet-popup-content .tb-claims tr:not(.tb-subject-row)").count()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_failing_claims_show_on_the_belt_map_and_the_index(built, view_page, belt_audit, language):
    assert belt_audit.passed is False
    failing = belt_audit.claims[belt_audit.claims["within_tolerance"] == False]  # noqa: E712
    off = i18n.text("verdict_off", language)
    for name, view in ((f"belt_{language}.html", "desktop"), (f"index_{language}.html", "desktop")):
        page = view_page(built / name, view)
        container = ".tb-panel" if name.startswith("belt") else "body"
        text = page.locator(container).inner_text().replace("\xa0", " ")
        stated = headline.headline(belt_audit, language=language)[0]  # the synthetic belt has no FEZ claims
        assert stated.split("：")[-1].split(": ")[-1] in text, name
        for claim in failing.to_dict("records"):
            assert claim["publisher"] in text and off in text
        # Failing first: its row before any that holds.
        rows = page.locator(f"{container} .tb-claims tr.tb-row-off, {container} .tb-claims tr.tb-row-ok")
        assert "tb-row-off" in rows.first.get_attribute("class")
    landing = view_page(built / "index.html", "phone")
    landing.locator(f".tb-langs a[data-tb-lang={language}]").click()  # the reader's language, by the switch
    assert landing.locator(f"section[lang={language}] .tb-headline .tb-fail").first.is_visible()


@pytest.mark.parametrize("language", ["ko", "ja"])
def test_no_english_publisher_on_korean_and_japanese_pages(tmp_path, view_page, belt_zones, belt_claims, language):
    claims = belt_claims.assign(
        publisher="English Publisher Ltd",
        publisher_ko="한국 발행처",
        publisher_en="English Publisher Ltd",
        publisher_ja="日本の発行元",
    )
    audit = geo.run_audit(belt_zones, claims)
    maps.write_maps(tmp_path, belt_zones, audit, languages=[language])
    for name in (f"belt_{language}.html", f"zone_future_{language}.html", f"index_{language}.html", "index.html"):
        page = view_page(tmp_path / name, "desktop")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        text = page.locator("body").inner_text()
        assert "English Publisher" not in text, name
        assert {"ko": "한국 발행처", "ja": "日本の発行元"}[language] in text, name


@pytest.mark.parametrize("view", ["print", "print-landscape"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_print_hides_the_controls_and_shows_a_legend_title_date_scale_and_north(built, view_page, language, view):
    page = view_page(built / f"belt_{language}.html", view)
    for selector in (".leaflet-control-zoom", ".leaflet-control-layers", ".tb-fullscreen", ".tb-measure", ".tb-panel"):
        assert not page.locator(selector).first.is_visible(), selector
    for selector in (".tb-north", ".leaflet-control-scale", ".tb-print-head", ".tb-print-legend"):
        assert page.locator(selector).first.is_visible(), selector
    head = page.locator(".tb-print-head").inner_text()
    assert i18n.text("belt_title", language) in head and re.search(r"\d{4}-\d\d-\d\d", head)
    legend = page.locator(".tb-print-legend")
    assert i18n.text("legend_title", language) in legend.inner_text()
    # Portrait: the findings and key below the map; landscape: the key beside it (the findings follow on the
    # next page, across it).
    key = ".tb-print-legend > .tb-legend" if view == "print-landscape" else ".tb-print-legend"
    frame, block = rect(page, ".folium-map"), rect(page, key)
    assert not overlaps(frame, block)
    size = VIEWS[view]["viewport"]
    # On the first sheet: the map and (the synthetic belt has few claims) its legend.
    assert block[3] <= size["height"] + 1 and block[2] <= size["width"] + 1 and frame[3] <= size["height"] + 1
    if view == "print-landscape":
        assert block[0] >= frame[2] - 1  # beside the map
    else:
        assert block[1] >= frame[3] - 1  # below the map


def test_print_to_pdf_is_a4_with_the_findings_after_the_map(built, view_page):
    page = view_page(built / "belt_en.html", "print")
    pdf = page.pdf(format="A4", print_background=True)
    pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    # the map on the first page, every claim after it: a page or two more at most
    assert 1 <= len(pages) <= 3
    assert all(
        box == [b"0", b"0", b"595.91998", b"842.88"]
        for box in (m.split() for m in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf))
    )


def test_measuring_opens_no_popup_of_other_layers(built, view_page, belt_zones):
    page = view_page(built / "belt_en.html", "desktop")
    page.locator(".tb-measure-toggle").click()
    future = belt_zones[belt_zones["zone_id"] == "future"].geometry.iloc[0]
    for dx, dy in ((0, 0), (0.004, 0), (0.004, 0.004)):
        lat, lng = point_inside(future)
        x, y = page.evaluate(
            f"""([lat, lng]) => {{ const map = {MAP_JS}, p = map.latLngToContainerPoint([lat, lng]);
                const box = map.getContainer().getBoundingClientRect(); return [p.x + box.left, p.y + box.top]; }}""",
            [lat + dy, lng + dx],
        )
        page.mouse.click(x, y)
        page.wait_for_timeout(100)
    assert page.locator(".leaflet-popup").count() == 0
    assert "Area:" in page.locator(".tb-measure-out").inner_text()
    page.locator(".tb-measure-finish").click()
    lat, lng = point_inside(future)
    x, y = page.evaluate(
        f"""([lat, lng]) => {{ const map = {MAP_JS}, p = map.latLngToContainerPoint([lat, lng]);
            const box = map.getContainer().getBoundingClientRect(); return [p.x + box.left, p.y + box.top]; }}""",
        [lat, lng],
    )
    page.mouse.click(x, y)
    page.locator(".leaflet-popup").wait_for(state="visible", timeout=3000)  # popups work again once finished


@pytest.mark.parametrize("language", ["ko", "en", "ja"])
def test_the_fez_map_draws_every_district_and_three_pillars(tmp_path, open_page, zones, audit_result, language):
    from geo.fez import PILLARS, load_fez_districts, pillar_label

    districts = load_fez_districts()
    path = tmp_path / f"fez_{language}.html"
    folium_map = maps.fez_map(districts, zones, audit_result, language=language, points=geo.load_points())
    path.write_text(maps.render_html(folium_map), encoding="utf-8")
    visit = open_page(path)
    assert visit.errors() == [] and visit.external_requests() == []
    page = visit.page
    assert page.locator("path.tb-fez").count() == len(districts)
    legend = page.locator(".tb-panel .tb-pillar")
    assert legend.count() == len(PILLARS)
    assert [legend.nth(i).inner_text().strip() for i in range(3)] == [pillar_label(p, language) for p in PILLARS]


def test_a_large_layer_draws_on_canvas_and_the_index_table_sorts_and_filters(tmp_path, open_page):
    import official_layer

    source = official_layer.write_official_shapefile(tmp_path / "damdan.shp", 260)
    zones = geo.load_zones(source, id_field="DAN_ID", name_field="DAN_NAME")
    maps.write_maps(tmp_path / "out", zones, geo.run_audit(zones, geo.load_claims().iloc[:0]), languages=["en"])
    belt = open_page(tmp_path / "out" / "belt_en.html")
    assert belt.errors() == [] and belt.page.locator("canvas").count() >= 1
    index = open_page(tmp_path / "out" / "index_en.html")
    assert index.errors() == []
    page = index.page
    rows = page.locator("table.tb-zones tbody tr")
    assert rows.count() == zones["zone_id"].nunique()
    page.locator("table.tb-zones th").nth(1).locator("button").click()
    first = [float(rows.nth(i).locator("td").nth(1).inner_text().replace(",", "")) for i in range(5)]
    assert first == sorted(first)
    page.fill(".tb-search", "진곡")
    assert page.locator("table.tb-zones tbody tr:not([hidden])").count() == 1


@pytest.mark.parametrize(("locale", "first"), [("ja-JP", "ja"), ("ko", "ko"), ("en-GB", "en"), ("fr-FR", "ko")])
def test_the_landing_page_opens_in_the_readers_language_with_a_switch(browser, built, locale, first):
    context = browser.new_context(locale=locale, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto((built / "index.html").resolve().as_uri(), wait_until="load")
        shown = [lang for lang in LANGUAGES if page.locator(f"section[data-tb-lang={lang}]").is_visible()]
        assert shown == [first] and page.evaluate("document.documentElement.lang") == first
        assert page.locator(f"header h1[data-tb-lang={first}]").is_visible()
        # The page is one language long now, not three.
        other = "en" if first != "en" else "ja"
        page.locator(f".tb-langs a[data-tb-lang={other}]").click()
        shown = [lang for lang in LANGUAGES if page.locator(f"section[data-tb-lang={lang}]").is_visible()]
        assert shown == [other] and page.url.endswith(f"#{other}") and errors == []
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------------------
# Framing, labels and print, on the bundled belt and FEZ (the maps a reader opens)
# ---------------------------------------------------------------------------------------------------------

#: Common desktop sizes and two phones (width, height in CSS pixels).
DESKTOPS = [(1024, 768), (1280, 800), (1366, 768), (1440, 900), (1920, 1080)]
PHONES = [(390, 844), (360, 740)]
#: Every map shape, marker and visible label as [kind, text, box]; kinds: zone, marker, zone-label, label.
#: On a zone map only its own zone is framed (the others are cut by the edge as on any map).
SHOWN_JS = """() => {
    const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const zoneMap = document.querySelector('path.tb-focus') !== null, out = [];
    document.querySelectorAll(zoneMap ? 'path.tb-focus' : 'path.tb-zone, path.tb-fez')
        .forEach(el => out.push(['zone', '', box(el)]));
    if (!zoneMap) {
        document.querySelectorAll('img.leaflet-marker-icon').forEach(el => out.push(['marker', '', box(el)]));
    }
    document.querySelectorAll('.tb-zone-label .tb-label-text, .leaflet-tooltip.tb-point-label').forEach(el => {
        const visible = el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
        const kind = el.classList.contains('tb-point-label') ? 'label' : 'zone-label';
        out.push([visible ? kind : 'hidden-' + kind, el.textContent, box(el)]);
    });
    return out;
}"""
VIEW_JS = f"() => {{ const m = {MAP_JS}, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }}"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, zones, audit_result, points, context) -> Path:
    """The bundled belt, zone and FEZ maps in all three languages, written once for this module."""
    from geo.fez import load_fez_districts

    out = tmp_path_factory.mktemp("bundled")
    maps.write_maps(out, zones, audit_result, context=context, points=points, fez=load_fez_districts(), index=False)
    return out


@pytest.fixture(scope="module")
def sized_page(browser):
    """One offline page whose viewport each test sets."""
    context = browser.new_context(device_scale_factor=1)
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
    )
    page = context.new_page()
    yield page
    context.close()


def open_at(page, path: Path, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(path.resolve().as_uri(), wait_until="load")
    settle(page)
    page.wait_for_timeout(100)


def problems_in_view(page) -> list[str]:
    """What is outside the map, under the panel or a control, or on another label."""
    frame, panel = rect(page, ".folium-map"), rect(page, ".tb-panel")
    controls = page.eval_on_selector_all(
        ".leaflet-control", f"els => els.filter(el => el.getClientRects().length).map({RECT_JS})"
    )
    found, labels, problems = page.evaluate(SHOWN_JS), [], []
    for kind, text, box in found:
        if kind.startswith("hidden"):
            continue
        if not inside(box, frame, slack=0.5):
            problems.append(f"{kind} {text!r} outside the map {box}")
        if overlaps(shrink(box), panel):
            problems.append(f"{kind} {text!r} under the panel")
        if kind.endswith("label"):
            problems += [f"{text!r} under a control" for c in controls if overlaps(shrink(box), c)]
            problems += [f"{text!r} on {other!r}" for other, b in labels if overlaps(shrink(box), b)]
            labels.append((text, box))
    return problems


def shrink(box, by: float = 0.5):
    """``box`` less half a pixel each side: boxes that only touch do not overlap."""
    return (box[0] + by, box[1] + by, box[2] - by, box[3] - by)


def hidden(page, kind: str) -> list[str]:
    return [text for k, text, _ in page.evaluate(SHOWN_JS) if k == f"hidden-{kind}"]


@pytest.mark.parametrize("size", DESKTOPS + PHONES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_map_opens_with_its_zones_points_and_labels_in_the_free_area(bundled, sized_page, size):
    for name in ("belt", "fez", "zone_bitgoeul"):
        # a zone map in one language per size (they share the framing code of the belt map)
        for language in LANGUAGES if not name.startswith("zone") else LANGUAGES[size[0] % 3 : size[0] % 3 + 1]:
            open_at(sized_page, bundled / f"{name}_{language}.html", size)
            where = (name, language, size)
            assert problems_in_view(sized_page) == [], where
            assert hidden(sized_page, "zone-label") == [] or name.startswith("zone"), where
            if size in DESKTOPS and not name.startswith("zone"):
                assert hidden(sized_page, "label") == [], where  # every point's name shows on a desktop


#: The layers whose popups the test opens: the markers and the zones and districts (not the context).
POPUP_LAYERS_JS = f"""() => {{
    const found = [];
    {MAP_JS}.eachLayer(l => {{
        const zone = l._path && /tb-(zone|fez)/.test(l._path.getAttribute('class'));
        if (l.getPopup && l.getPopup() && (l instanceof L.Marker || zone)) {{ found.push(l); }}
    }});
    return found;
}}"""


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_after_a_popup_closes_the_map_is_back_where_it_was(bundled, sized_page, size):
    for name in ("fez_en", "belt_ko"):
        open_at(sized_page, bundled / f"{name}.html", size)
        before, panned = sized_page.evaluate(VIEW_JS), 0
        count = sized_page.evaluate(f"() => ({POPUP_LAYERS_JS})().length")
        assert count >= 6
        for i in range(count):
            sized_page.evaluate(
                f"i => {{ const l = ({POPUP_LAYERS_JS})()[i]; "
                "l.openPopup(l.getLatLng ? l.getLatLng() : l.getCenter()); }",
                i,
            )
            sized_page.wait_for_timeout(300)  # the auto-pan
            panned += sized_page.evaluate(VIEW_JS) != before
            sized_page.evaluate(f"() => {{ {MAP_JS}.closePopup(); }}")
            after = sized_page.evaluate(VIEW_JS)
            assert after == pytest.approx(before, abs=1e-9), (name, size, i)
        assert problems_in_view(sized_page) == [], (name, size)
        assert panned  # some popups moved the map, and each went back


def pdf_words(pdf: bytes, folder: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """The words of each page of a PDF with their boxes (points, origin top left), by poppler's pdftotext."""
    import html
    import subprocess

    source, target = folder / "print.pdf", folder / "print.html"
    source.write_bytes(pdf)
    subprocess.run(["pdftotext", "-bbox", str(source), str(target)], check=True)
    pages = []
    for page in target.read_text(encoding="utf-8").split("<page ")[1:]:
        pages.append(
            [
                (html.unescape(m[4]), float(m[0]), float(m[1]), float(m[2]), float(m[3]))
                for m in re.findall(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page
                )
            ]
        )
    return pages


def bare(word: str) -> str:
    """A word without punctuation (the PDF's text may split it off, or a line may break at a hyphen)."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKC", word) if unicodedata.category(c)[0] not in "PZ")


def text_box(box):
    """A word's box across, and its middle line down: poppler gives a CJK font's full height (ascent and
    descent), well above and below the letters."""
    middle = (box[1] + box[3]) / 2
    return (box[0], middle, box[2], middle)


#: A4 in points, and the page margin of the maps' stylesheet (10 mm) in points.
A4_PT = (595.92, 842.88)
MARGIN_PT = 10 / 25.4 * 72


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
@pytest.mark.parametrize("name", ["belt_en", "fez_ko"])
def test_the_printed_pdf_holds_the_whole_map_and_every_claim(bundled, sized_page, tmp_path, name, landscape):
    page = sized_page
    open_at(page, bundled / f"{name}.html", (1280, 800))
    labels = page.eval_on_selector_all(
        ".tb-zone-label .tb-label-text, .tb-point-label", "els => els.map(e => e.innerText)"
    )
    paper = page.context.new_page()  # the printed block's text as laid out on paper, read on another page
    paper.emulate_media(media="print")
    paper.goto(page.url, wait_until="load")
    rows = paper.eval_on_selector_all(
        ".tb-print-legend .tb-claims tbody tr", "els => els.map(e => Array.from(e.cells, c => c.innerText))"
    )
    paper.close()
    pdf = page.pdf(format="A4", landscape=landscape, prefer_css_page_size=True)  # as Ctrl+P prints it
    pages = pdf_words(pdf, tmp_path)
    width, height = A4_PT[::-1] if landscape else A4_PT
    printable = (MARGIN_PT - 1, MARGIN_PT - 1, width - MARGIN_PT + 1, height - MARGIN_PT + 1)
    first = pages[0]
    # Every word of every zone and point label is on the first page, inside the printable box: the map
    # and its labels are not cut by the page's margin.
    # a word the PDF splits where the font changes (산업지구 | Ⅰ, 국가 | AI | 데이터센터) counts as one
    pairs = [
        (
            "".join(bare(w[0]) for w in run),
            tuple(f(w[k] for w in run) for f, k in ((min, 1), (min, 2), (max, 3), (max, 4))),
        )
        for n in (2, 3, 4, 5)
        for run in zip(*(first[i:] for i in range(n)), strict=False)
    ]
    for label in labels:
        for word in filter(None, (bare(w) for w in label.split())):
            boxes = [w[1:] for w in first if bare(w[0]) == word] + [box for joined, box in pairs if joined == word]
            assert boxes, (name, landscape, label, word)
            assert any(inside(text_box(b), printable) for b in boxes), (name, landscape, label, word, boxes)
    outside = [w for p in pages for w in p if not inside(text_box(w[1:]), printable)]
    assert outside == [], "text outside the printable box"
    # Every claim row, those that hold too (open on paper), prints in full.
    printed = {bare(w[0]) for p in pages for w in p} | {
        "".join(bare(w[0]) for w in run)
        for p in pages
        for n in (2, 3, 4, 5)
        for run in zip(*(p[i:] for i in range(n)), strict=False)
    }
    assert len(rows) > 10

    def in_print(word: str) -> bool:
        # a word mixing scripts may come out in pieces, each in its own font and place (“331 | 만㎡”)
        runs = re.findall(
            r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+|[^\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+", word
        )
        return word in printed or all(any(run in p for p in printed) for run in runs)

    for cells in rows:
        missing = [word for cell in cells for word in cell.split() if bare(word) and not in_print(bare(word))]
        assert missing == [], cells


# --- context and legends on the bundled layers ---------------------------------------------------------------------

#: Colours the page draws, read from the SVG paths Leaflet made for the layers shown, and the colours of the
#: legend's swatches and lines (computed styles, so CSS variables are resolved), both as lower-case #rrggbb.
COLOURS_JS = """() => {
    const hex = (value) => {
        if (!value || value === "none") { return null; }
        const probe = document.createElement("span");
        probe.style.color = value; document.body.appendChild(probe);
        const rgb = getComputedStyle(probe).color.match(/\\d+(\\.\\d+)?/g); probe.remove();
        if (!rgb || (rgb.length > 3 && +rgb[3] === 0)) { return null; }
        return "#" + rgb.slice(0, 3).map(v => (+v).toString(16).padStart(2, "0")).join("");
    };
    const drawn = new Set();
    document.querySelectorAll(".leaflet-overlay-pane path").forEach(path => {
        const fill = path.getAttribute("fill"), stroke = path.getAttribute("stroke");
        if (stroke && path.getAttribute("stroke-opacity") !== "0") { drawn.add(hex(stroke)); }
        if (fill && fill !== "none" && path.getAttribute("fill-opacity") !== "0") { drawn.add(hex(fill)); }
    });
    const listed = new Set();
    document.querySelectorAll(".tb-panel .tb-legend *").forEach(el => {
        const style = getComputedStyle(el);
        if (style.backgroundColor) { listed.add(hex(style.backgroundColor)); }
        if (style.borderTopStyle !== "none" && parseFloat(style.borderTopWidth) > 0) {
            listed.add(hex(style.borderTopColor));
        }
    });
    drawn.delete(null); listed.delete(null);
    return {drawn: [...drawn].sort(), listed: [...listed].sort()};
}"""


@pytest.fixture(scope="module")
def bundled_maps(tmp_path_factory, zones, audit_result, context, points) -> Path:
    """The belt, FEZ and Jingok maps of the bundled layers in every language, with the context as built."""
    from geo.fez import load_fez_districts

    out = tmp_path_factory.mktemp("bundled")
    districts = load_fez_districts()
    for language in LANGUAGES:
        options = maps.MapOptions(language=language, context=context, points=points)
        pages = {
            f"belt_{language}.html": maps.belt_map(zones, audit_result, options),
            f"fez_{language}.html": maps.fez_map(districts, zones, audit_result, options),
            f"zone_jingok_{language}.html": maps.zone_map(zones, audit_result, "jingok", options),
        }
        for name, page in pages.items():
            (out / name).write_text(maps.render_html(page), encoding="utf-8")
    return out


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["belt", "fez"])
def test_gu_si_gun_are_drawn_and_named_by_default_clear_of_the_zone_names(
    bundled_maps, view_page, context, kind, language
):
    page = view_page(bundled_maps / f"{kind}_{language}.html", "desktop")
    assert page.tb_errors == []
    # the layer is on when the map opens, under its name in the page's language
    control = page.locator(".leaflet-control-layers-overlays label", has_text=i18n.text("layer_admin", language))
    assert control.locator("input").is_checked()
    assert page.locator("path.tb-unit").count() == (context["kind"] == "sigungu").sum()
    # its names are in the page's language, and those shown include the gu the belt lies in
    shown = page.eval_on_selector_all(
        ".tb-admin-label .tb-label-text",
        f"els => els.filter(el => getComputedStyle(el).visibility !== 'hidden')"
        f".map(el => [el.textContent, ({RECT_JS})(el)])",
    )
    codes = context.loc[context["kind"] == "sigungu", "code"]
    names = {i18n.text(f"place_{code}", language) for code in codes}
    assert {text for text, _ in shown} <= names
    assert i18n.text("place_29200", language) in {text for text, _ in shown}  # Gwangsan-gu
    assert len(shown) >= 4
    # no name of a gu/si/gun lies on a zone's or district's name, nor on a site point's
    others = page.eval_on_selector_all(
        ".tb-zone-label .tb-label-text, .leaflet-tooltip.tb-point-label",
        f"els => els.filter(el => getComputedStyle(el).visibility !== 'hidden').map({RECT_JS})",
    )
    assert others
    assert not any(overlaps(box, other) for _, box in shown for other in others)
    # NGII is credited in the map's attribution while its boundaries are drawn
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert i18n.text("credit_ngii", language) in attribution


@pytest.mark.parametrize("name", ["belt_en.html", "fez_ja.html", "zone_jingok_ko.html"])
def test_the_legend_lists_every_colour_the_map_draws(bundled_maps, view_page, name):
    page = view_page(bundled_maps / name, "desktop")
    colours = page.evaluate(COLOURS_JS)
    assert colours["drawn"]
    assert set(colours["drawn"]) <= set(colours["listed"]), colours
    # the site points are drawn as Leaflet's marker image, which the legend shows beside their layer's name
    markers = page.eval_on_selector_all("img.leaflet-marker-icon", "els => [...new Set(els.map(el => el.src))]")
    assert (
        markers
        and page.eval_on_selector_all(".tb-panel .tb-legend img.tb-marker-key", "els => els.map(e => e.src)") == markers
    )
    # the layers switched off when the map opens are drawn in colours the legend lists too
    page.locator(".leaflet-control-layers").hover()
    for label in page.locator(".leaflet-control-layers-overlays label").all():
        box = label.locator("input")
        if not box.is_checked():
            box.check()
    page.wait_for_timeout(200)
    with_all = page.evaluate(COLOURS_JS)
    assert set(with_all["drawn"]) <= set(with_all["listed"]), with_all


def test_on_the_fez_map_a_colour_means_one_thing(bundled_maps, view_page):
    from geo import style

    page = view_page(bundled_maps / "fez_en.html", "desktop")
    swatches = page.eval_on_selector_all(
        ".tb-panel .tb-legend .tb-row .tb-swatch",
        "els => els.map(el => [getComputedStyle(el).backgroundColor, el.parentElement.textContent.trim()])",
    )
    by_colour: dict[str, set[str]] = {}
    for colour, label in swatches:
        by_colour.setdefault(colour, set()).add(label)
    assert all(len(labels) == 1 for labels in by_colour.values()), by_colour
    assert style.pillar_color("future_vehicle") not in style.ROLE_COLORS.values()
    # Bitgoeul's Gwangju part is the future-vehicle district's ground: drawn once, as the district
    assert page.locator("path.tb-fez").count() == 4
    labels = page.locator(".tb-zone-label").all_inner_texts()
    assert any("Jingok" in text for text in labels) and not any("Bitgoeul" in text for text in labels), labels


#: Every claim's verdict, figure and words, and whether any is cut: by its own box (text wider than the box) or
#: by a box it sits in that does not scroll.
CLIPPED_JS = """
root => [...root.querySelectorAll('.tb-claims .tb-verdict, .tb-claims .tb-published, .tb-claims .tb-q')]
  .filter(el => el.offsetParent !== null)
  .map(el => {
    const r = el.getBoundingClientRect();
    let cut = el.scrollWidth > el.clientWidth + 1;
    for (let box = el.parentElement; box && box !== root.parentElement; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.overflowX === 'visible' || style.overflowX === 'auto' || style.overflowX === 'scroll') continue;
      const b = box.getBoundingClientRect();
      if (r.left < b.left - 1 || r.right > b.right + 1) cut = true;
    }
    return [el.textContent, cut, r.right];
  })
"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_a_phone_no_claim_is_clipped_in_the_panel_the_popup_or_the_index(
    built, view_page, belt_zones, belt_audit, language
):
    """Claims stack on a phone: source and verdict on one line, figure and difference below, nothing cut off
    (許容範囲外 whole, not 許容範), and no wider than the screen."""
    page = view_page(built / f"belt_{language}.html", "phone")
    page.locator(".tb-panel-box > summary").click()
    page.wait_for_timeout(300)
    seen = page.locator(".tb-panel").evaluate(CLIPPED_JS)
    verdicts = {i18n.text(f"verdict_{v}", language) for v in ("holds", "off")}
    assert verdicts <= {text for text, _, _ in seen}
    assert [text for text, cut, right in seen if cut or right > 390] == []
    page.locator(".tb-panel-box > summary").click()
    row = belt_zones.iloc[0]
    lat, lng = point_inside(row.geometry)
    click_at(page, lat, lng)
    popup = page.locator(".leaflet-popup-content")
    assert popup.is_visible()
    seen = popup.evaluate(CLIPPED_JS)
    assert seen and [text for text, cut, right in seen if cut or right > 390] == []
    index = view_page(built / f"index_{language}.html", "phone")
    seen = index.locator("body").evaluate(CLIPPED_JS)
    assert seen and [text for text, cut, right in seen if cut or right > 390] == []
    assert index.evaluate("document.documentElement.scrollWidth") <= 390
