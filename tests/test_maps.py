"""The HTML maps rendered to strings: content, languages, escaping, self-containment, files and the CLI.

What only a browser shows (paths drawn, tooltips, dialogs, requests) is in test_maps_browser.py.
"""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

import geo
from geo import i18n, maps, style
from geo.cli import main
from geo.maps import core
from geo.raster import RasterOverlay

HOSTILE_NAMES = ["<img src=x onerror=alert(1)>", "${alert(2)}", "</script><script>alert(3)</script>"]
GRS80 = Geod(ellps="GRS80")
#: A 1×1 transparent PNG.
PIXEL_PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def write_zone_file(path, names: list[str], *, zone_ids: list[str] | None = None) -> None:
    """Squares of 0.01° near Gwangju, one per name, in a GeoJSON with the project's columns."""
    zone_ids = zone_ids or [f"z{i}" for i in range(len(names))]
    frame = gpd.GeoDataFrame(
        {
            "zone_id": zone_ids,
            "name_ko": names,
            "name_en": names,
            "name_ja": names,
            "role": ["parts", "certification", "demonstration"][: len(names)],
            "status": ["operating", "operating", "planned"][: len(names)],
            "in_belt": [True] * len(names),
        },
        geometry=[shapely.box(126.70 + 0.02 * i, 35.15, 126.71 + 0.02 * i, 35.16) for i in range(len(names))],
        crs="EPSG:4326",
    )
    frame.to_file(path, driver="GeoJSON")


@pytest.fixture(scope="module")
def belt_html(zones, audit_result) -> str:
    folium_map = maps.belt_map(zones, audit_result, language="en", context=geo.load_context(), points=geo.load_points())
    return maps.render_html(folium_map)


def shown(html: str) -> str:
    """The page with the JSON escapes of <, > and & undone: the strings as the browser's scripts see them."""
    return html.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")


def _geojson_layers(html: str) -> list[dict]:
    return [json.loads(m) for m in re.findall(r"L\.geoJSON\((\{.*?\}), \{\n", html)]


# ---------------------------------------------------------------------------------------------------------
# Self-contained, safe HTML
# ---------------------------------------------------------------------------------------------------------


def test_belt_map_is_self_contained(belt_html):
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', belt_html)
    assert "L.Icon.Default.mergeOptions" in belt_html
    for dropped in ("jquery", "bootstrap", "awesome-markers", "fontawesome"):
        assert dropped not in belt_html.lower()


def test_charset_is_declared_within_the_first_kilobyte(zones, audit_result):
    """A file opened from disk has no HTTP header: browsers look for the charset in the first 1024 bytes."""
    for language in ("ko", "ja"):
        html = maps.render_html(maps.zone_map(zones, audit_result, "bitgoeul", language=language))
        assert b"charset=UTF-8" in html.encode("utf-8")[:1024]


def test_belt_map_is_within_its_size_budget(belt_html):
    assert len(belt_html.encode("utf-8")) <= 2 * 1024 * 1024


def test_coordinates_are_rounded_to_six_decimals(belt_html):
    data = "".join(json.dumps(layer) for layer in _geojson_layers(belt_html))
    assert re.search(r"\d\.\d{6}\b", data)
    assert not re.search(r"\d\.\d{7,}", data)


def test_cdn_mode_links_leaflet_instead(zones, audit_result):
    html = maps.render_html(maps.belt_map(zones, audit_result, assets="cdn"))
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">' in html
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()
    assert len(html) < len(maps.render_html(maps.belt_map(zones, audit_result))) / 2


def test_folium_defaults_are_untouched(zones, audit_result):
    before = (list(folium.Map.default_js), list(folium.Map.default_css))
    maps.belt_map(zones, audit_result)
    assert (folium.Map.default_js, folium.Map.default_css) == before
    assert len(folium.Map.default_js) == 4


def test_hostile_names_are_escaped_everywhere(tmp_path, audit_result):
    source = tmp_path / "hostile.geojson"
    write_zone_file(source, HOSTILE_NAMES, zone_ids=HOSTILE_NAMES)
    zones = geo.load_zones(source)
    audit = geo.run_audit(zones, geo.load_claims())
    html = maps.render_html(maps.belt_map(zones, audit, points=geo.load_points()))
    for name in HOSTILE_NAMES:
        assert name not in html
        assert name not in shown(html)  # not even as a string that a script puts into innerHTML
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown(html)
    assert "&#36;&#123;alert(2)&#125;" in shown(html)
    assert "&lt;/script&gt;&lt;script&gt;alert(3)" in shown(html)
    index = maps.index_page("belt_en.html", [("zone_x_en.html", HOSTILE_NAMES[0])], language="en")
    assert HOSTILE_NAMES[0] not in index and "&lt;img src=x" in index


def test_zone_file_stems_are_safe_and_unique():
    stems = maps.zone_file_stems(["jingok", "Jingok", "../etc/passwd", "<img src=x>", "", "빛그린"])
    assert list(stems.values()) == [
        "zone_jingok",
        "zone_jingok-2",
        "zone_etc-passwd",
        "zone_img-src-x",
        "zone_zone",
        "zone_zone-2",
    ]


def test_html_lang_is_the_map_language(zones, audit_result):
    for language in ("ko", "en", "ja"):
        html = maps.render_html(maps.belt_map(zones, audit_result, language=language))
        assert f'<html lang="{language}">' in html


# ---------------------------------------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------------------------------------


def test_zones_are_styled_by_role_status_and_quality(belt_html, zones):
    features = _geojson_layers(belt_html)
    zone_features = next(layer for layer in features if "tb-zone" in json.dumps(layer))["features"]
    assert len(zone_features) == len(zones)
    for feature, (_, row) in zip(zone_features, zones.iterrows(), strict=True):
        drawn = feature["properties"]["style"]
        assert drawn["color"] == style.ROLE_COLORS[row["role"]]
        assert drawn["dashArray"] == style.SCHEMATIC_DASH
        expected = style.PLANNED_FILL_OPACITY if row["status"] == "planned" else style.OPERATING_FILL_OPACITY
        assert drawn["fillOpacity"] == expected


def test_supplied_outlines_are_solid(tmp_path):
    source = tmp_path / "zones.geojson"
    write_zone_file(source, ["가", "나"])
    zones = geo.load_zones(source)
    html = shown(maps.render_html(maps.belt_map(zones, geo.run_audit(zones, geo.load_claims()))))
    zone_features = next(layer for layer in _geojson_layers(html) if "tb-zone" in json.dumps(layer))["features"]
    assert all("dashArray" not in f["properties"]["style"] for f in zone_features)
    assert "Supplied outline (solid)" in html
    assert i18n.MESSAGES["schematic_label"]["en"] not in html


def test_tooltip_has_name_and_pyeong(belt_html, audit_result):
    belt_html = shown(belt_html)
    jingok = audit_result.zones.set_index("feature_id").loc["jingok/main"]
    expected = f"<b>Jingok General Industrial Complex</b><br>{jingok['area_pyeong']:,.0f} pyeong"
    assert expected in belt_html


def test_popup_has_areas_official_figure_source_verdict_status_and_quality(belt_html, audit_result):
    zone_features = next(layer for layer in _geojson_layers(belt_html) if "tb-zone" in json.dumps(layer))["features"]
    jingok = next(f for f in zone_features if "Jingok" in f["properties"]["tooltip"])["properties"]["popup"]
    areas = audit_result.zones.set_index("feature_id").loc["jingok/main"]
    assert f"{areas['area_m2']:,.0f}" in jingok
    assert f"{areas['area_ha']:,.2f}" in jingok
    assert f"{areas['area_pyeong']:,.0f}" in jingok
    assert "Official figure</th><td>1,909,000 m²" in jingok
    assert 'href="https://v.daum.net/v/20230720165517680"' in jingok
    assert "Operating" in jingok
    assert i18n.MESSAGES["schematic_label"]["en"] in jingok
    # MOTIE's 192만㎡ for Jingok is +0.57 % off our 1,909,000 m²: it holds; the verdict column says so.
    assert "MOTIE via Yonhap 2024-03-05" in jingok
    assert '<td class="tb-ok">holds</td>' in jingok


def test_panel_gives_claimed_and_measured_belt_in_pyeong_and_m2(belt_html):
    belt_html = shown(belt_html)
    assert "Belt measured (union of the in-belt zones, GRS80)" in belt_html
    assert "2,159,850 pyeong</span> = 7,140,000 m²" in belt_html
    assert "2,200,000 pyeong<br>7,272,727 m²" in belt_html
    assert re.search(r"−1\.8[23] %", belt_html)  # −1.825 % exactly, so either rounding
    assert "their agreement with the official figures is by construction" in belt_html


def test_legend_lists_roles_status_and_outlines(belt_html):
    belt_html = shown(belt_html)
    for role in ("certification", "parts", "demonstration"):
        assert i18n.role_label(role, "en") in belt_html
    for label in ("Operating", "Planned", i18n.MESSAGES["schematic_label"]["en"], "Belt outline (union)"):
        assert label in belt_html


def test_belt_outline_is_the_union_and_the_triangle_joins_three_zones(belt_html, zones):
    layers = _geojson_layers(belt_html)
    belt_layer = next(layer for layer in layers if "tb-belt" in json.dumps(layer))["features"]
    outline = shapely.geometry.shape(belt_layer[0]["geometry"])
    union = geo.belt_geometry(zones)
    # Drawn as the union, not as the three zones: same shape up to the 1e-6° rounding.
    assert outline.symmetric_difference(union).area < union.length * 1e-6  # edges move by under 1e-6°
    assert outline.hausdorff_distance(union) <= 1e-6
    triangle = shapely.geometry.shape(belt_layer[1]["geometry"])
    assert len(triangle.coords) == 4 and triangle.is_closed  # three complexes: a closed triangle
    in_belt = zones[zones["in_belt"]]
    for vertex in triangle.coords[:3]:
        assert in_belt.contains(shapely.Point(vertex)).any()


def test_a_file_without_belt_zones_maps_without_a_belt(tmp_path):
    source = tmp_path / "zones.geojson"
    write_zone_file(source, ["가", "나"])
    zones = geo.load_zones(source).assign(in_belt=False)
    html = shown(maps.render_html(maps.belt_map(zones, geo.run_audit(zones, geo.load_claims()))))
    assert "No zone is marked as part of the belt." in html
    assert '"className":"tb-belt"' not in html and '"className":"tb-triangle"' not in html
    assert "Belt outline (union)" not in html
    assert "Triangle joining the complexes" not in html
    assert html.count("tb-zone tb-zone-") == 2


def test_context_is_off_by_default_and_the_border_on(belt_html):
    # A FeatureGroup is added to the map when the page opens only if it is shown.
    names = re.findall(r'("[^"]+") : (feature_group_\w+),', belt_html)
    shown = {json.loads(name) for name, var in names if re.search(rf"{var}\.addTo\(map_\w+\)", belt_html)}
    assert "Legal dong and ri boundaries (NGII)" not in shown
    assert "Legal dong and ri names" not in shown
    assert {"Gwangju–Jeonnam border", "Industrial complexes", "Belt outline (union)"} <= shown


def test_context_labels_are_the_legal_dong_names(belt_html):
    labels = json.loads(re.search(r"(\[\[126.*?\]\])\.forEach", belt_html).group(1))
    assert any(label[2] == "오운동" for label in labels)


def test_basemaps_come_from_xyzservices_with_attribution(belt_html):
    assert "https://server.arcgisonline.com/ArcGIS/rest/services/Canvas/World_Light_Gray_Base" in belt_html
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in belt_html
    assert "World_Imagery" in belt_html
    assert '\\u0026copy; \\u003ca href=\\"https://www.openstreetmap.org/copyright\\"' in belt_html
    assert "Tiles \\u0026copy; Esri" in belt_html


def test_controls_are_all_there(belt_html):
    assert "L.control.layers(" in belt_html
    assert 'L.control.scale({imperial: false, position: "bottomleft"})' in belt_html
    assert "requestFullscreen" in belt_html
    assert "tbMeasure" in belt_html and '"unit_pyeong":"pyeong"' in belt_html


def test_languages_show_their_own_names(zones, audit_result):
    for language, name in (
        ("ko", "진곡 일반산업단지"),
        ("ja", "眞谷産業団地"),
        ("en", "Jingok General Industrial Complex"),
    ):
        html = shown(maps.render_html(maps.belt_map(zones, audit_result, language=language)))
        assert f"<b>{name}</b>" in html
    ja = shown(maps.render_html(maps.belt_map(zones, audit_result, language="ja")))
    assert "産業団地" in ja and "坪" in ja and "Industrial complexes" not in ja


def test_zone_map_opens_on_the_zone_with_its_claims(zones, audit_result):
    html = shown(maps.render_html(maps.zone_map(zones, audit_result, "jingok", language="en")))
    bounds = json.loads(re.search(r'"bounds":(\[\[.*?\]\])', html).group(1))
    jingok = zones[zones["zone_id"] == "jingok"].total_bounds
    assert np.ravel(bounds) == pytest.approx([jingok[1], jingok[0], jingok[3], jingok[2]])
    assert "Jingok General Industrial Complex — zone map" in html
    assert "한국향토문화전자대전" in html  # the encyclopedia's 1,908,000 m² claim on Jingok
    with pytest.raises(ValueError, match="no zone 'nowhere'"):
        maps.zone_map(zones, audit_result, "nowhere")


def test_zone_title_is_what_the_parts_share(zones):
    bitgoeul = zones[zones["zone_id"] == "bitgoeul"]
    assert maps.zone_title(bitgoeul, "en") == "Bitgoeul National Industrial Complex"
    assert maps.zone_title(bitgoeul, "ko") == "빛그린 국가산업단지"
    assert maps.zone_title(bitgoeul, "ja") == "ビッグリーン国家産業団地"
    assert maps.zone_title(zones[zones["zone_id"] == "jingok"], "en") == "Jingok General Industrial Complex"
    assert maps.zone_title(zones.iloc[[0, 2]].assign(zone_id="x"), "en") == "x"


def test_points_popups_give_geodesic_distances(belt_html):
    points_layer = next(layer for layer in _geojson_layers(belt_html) if "Distance to each zone" in json.dumps(layer))
    assert len(points_layer["features"]) == len(geo.load_points())
    assert "km</td>" in points_layer["features"][0]["properties"]["popup"]


def test_zone_distances_are_geodesic_and_zero_inside():
    zones = gpd.GeoDataFrame(
        {"feature_id": ["box"]}, geometry=[shapely.box(126.70, 35.15, 126.71, 35.16)], crs="EPSG:4326"
    )
    points = gpd.GeoDataFrame(geometry=[shapely.Point(126.705, 35.20), shapely.Point(126.705, 35.155)], crs=4326)
    distances = maps.zone_distances_m(points, zones)
    # Zone edges are geodesics: the top edge's nearest point is its midpoint, just north of 35.16°.
    azimuth, _, length = GRS80.inv(126.70, 35.16, 126.71, 35.16)
    mid_lon, mid_lat, _ = GRS80.fwd(126.70, 35.16, azimuth, length / 2)
    _, _, expected = GRS80.inv(126.705, 35.20, mid_lon, mid_lat)
    assert mid_lon == pytest.approx(126.705) and mid_lat > 35.16
    assert distances.loc[0, "box"] == pytest.approx(expected, abs=0.005)
    assert distances.loc[1, "box"] == 0.0


def test_overlays_are_drawn_with_legend_and_opacity(zones, audit_result):
    overlay = RasterOverlay(
        name="<b>Slope</b>",
        png_data_url=PIXEL_PNG,
        bounds=((35.1, 126.6), (35.3, 126.9)),
        legend_title="Slope (°)",
        legend_stops=[(0.0, "#000000"), (30.0, "#ffffff"), (45.0, "red; background: url(x)")],
        opacity=0.5,
    )
    html = shown(maps.render_html(maps.belt_map(zones, audit_result, overlays=[overlay])))
    assert "L.imageOverlay(" in html and PIXEL_PNG in html
    assert "&lt;b&gt;Slope&lt;/b&gt;" in html and "<b>Slope</b>" not in html
    assert "linear-gradient(to right, #000000 0.0%, #ffffff 100.0%)" in html
    assert "url(x)" not in html
    assert 'value=\\"50\\" class=\\"tb-opacity\\"' in html
    assert "L.imageOverlay(" not in maps.render_html(maps.belt_map(zones, audit_result, overlays=[]))


# ---------------------------------------------------------------------------------------------------------
# Parcels
# ---------------------------------------------------------------------------------------------------------


def _decode(data: dict) -> list[list[list[tuple[float, float]]]]:
    """What the browser does with the compact encoding: polygons of rings of (lon, lat)."""
    polygons: dict[int, list] = {}
    values, k = data["v"], 0
    for ring, count in enumerate(data["n"]):
        x = y = 0
        coords = []
        for j in range(count):
            if j == 0:
                x, y = data["x0"] + values[k], data["y0"] + values[k + 1]
            else:
                x, y = x + values[k], y + values[k + 1]
            coords.append((x / data["scale"], y / data["scale"]))
            k += 2
        polygons.setdefault(data["r"][ring], []).append(coords)
    return [polygons[i] for i in sorted(polygons)]


def test_parcel_encoding_round_trips_holes_and_multipolygons():
    square = shapely.box(126.7, 35.1, 126.7001, 35.1001)
    holed = shapely.Polygon(
        [(126.71, 35.1), (126.711, 35.1), (126.711, 35.101), (126.71, 35.101)],
        [[(126.7104, 35.1004), (126.7106, 35.1004), (126.7106, 35.1006)]],
    )
    multi = shapely.MultiPolygon(
        [shapely.box(126.72, 35.1, 126.7201, 35.1001), shapely.box(126.73, 35.1, 126.7301, 35.1001)]
    )
    parcels = gpd.GeoSeries([square, holed, multi], crs="EPSG:4326")
    data = core._encode_parcels(parcels, labels=None, language="en")
    decoded = _decode(data)
    assert data["p"] == [0, 1, 2, 2]
    assert len(decoded) == 4 and len(decoded[1]) == 2
    for polygon, original in zip(decoded, [square, holed, *multi.geoms], strict=True):
        assert shapely.Polygon(polygon[0], polygon[1:]).equals_exact(original, 1e-9)
    areas = geo.area_m2(parcels)
    assert data["m"] == list(np.rint(areas).astype(int))
    assert data["a"] == list(np.rint(areas * 121 / 400).astype(int))


def test_parcels_map_uses_canvas_and_escapes_labels():
    parcels = gpd.GeoDataFrame(
        {"label": ["<script>alert(1)</script>"]}, geometry=[shapely.box(126.7, 35.1, 126.701, 35.101)], crs=4326
    )
    html = shown(maps.render_html(maps.parcels_map(parcels, label_column="label")))
    assert '"preferCanvas": true' in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


# ---------------------------------------------------------------------------------------------------------
# Files and the command line
# ---------------------------------------------------------------------------------------------------------


def test_write_maps_writes_each_language_and_index_pages(tmp_path, zones, audit_result):
    written = maps.write_maps(tmp_path, zones, audit_result, languages=["en", "ja"])
    names = sorted(p.name for p in written)
    assert names == sorted(
        f"{stem}_{language}.html"
        for language in ("en", "ja")
        for stem in ("belt", "zone_bitgoeul", "zone_jingok", "zone_future")
    )
    index = (tmp_path / "index_ja.html").read_text(encoding="utf-8")
    assert 'href="zone_jingok_ja.html">眞谷産業団地</a>' in index and '<html lang="ja">' in index
    # The index states the measured belt, the belt claims' verdicts and each zone's area in m², ha and 坪.
    assert "2,159,850 坪</strong> = 7,140,000 ㎡" in index
    assert "Invest KOREA (KOTRA)" in index and "許容範囲内" in index
    assert '<td class="num">1,909,000</td><td class="num">190.9</td><td class="num">577,473</td>' in index
    assert "計画中" in index and "概略" in index
    top = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="index_en.html"' in top and 'href="index_ja.html"' in top and "index_ko" not in top
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


def test_build_command_writes_maps_from_a_users_zone_file(tmp_path, capsys):
    source = tmp_path / "hostile.geojson"
    write_zone_file(source, HOSTILE_NAMES)
    before = source.read_bytes()
    out = tmp_path / "out"
    code = main(["build", "--zones", str(source), "--out", str(out), "--lang", "en"])
    assert code == 0
    assert source.read_bytes() == before
    html = shown((out / "belt_en.html").read_text(encoding="utf-8"))
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and HOSTILE_NAMES[0] not in html
    assert sorted(p.name for p in out.glob("*_en.html")) == [
        "belt_en.html",
        "index_en.html",
        "zone_z0_en.html",
        "zone_z1_en.html",
        "zone_z2_en.html",
    ]
    assert not (out / "belt_ko.html").exists()


def test_build_command_rejects_an_unknown_language(capsys):
    assert main(["build", "--lang", "fr"]) == 2
    assert "'fr' is not one of 'ko', 'en', 'ja'" in capsys.readouterr().err


def test_screenshot_without_chromium_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    from geo import screenshot

    monkeypatch.setattr(screenshot, "chromium_executable", lambda: None)
    source = tmp_path / "zones.geojson"
    write_zone_file(source, ["가"])
    code = main(["build", "--zones", str(source), "--out", str(tmp_path / "out"), "--lang", "en", "--screenshot"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: screenshots need Chromium")
    assert not (tmp_path / "out").exists()  # checked before anything is written
