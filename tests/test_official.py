"""geo.official: recognising LT_C_DAMDAN, normalising names, matching to our zones and deriving zone parts.

Synthetic layout (EPSG:4326 degrees, near Gwangju): "Gwangju" is the box 126.70–126.80 E, 35.10–35.20 N,
given as a border line. Zone ``alpha`` straddles its east edge (Gwangju part west of 126.80 E, Hampyeong part
east of it); ``beta`` and ``gamma`` lie inside; ``delta`` has no official feature.
"""

from __future__ import annotations

import logging
import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import geo
from geo import official
from geo.area import area_m2
from geo.audit import audit_claims
from geo.fez import belt_claims
from geo.io import prepare_zones
from geo.schema import GeometryQuality, Verdict

CITY = shapely.box(126.70, 35.10, 126.80, 35.20)
ALPHA_GWANGJU = shapely.box(126.78, 35.15, 126.80, 35.16)
ALPHA_HAMPYEONG = shapely.box(126.80, 35.15, 126.82, 35.16)
BETA = shapely.box(126.72, 35.12, 126.73, 35.13)
GAMMA = shapely.box(126.74, 35.17, 126.75, 35.18)
DELTA = shapely.box(126.76, 35.11, 126.77, 35.12)
FAR = 0.3  # degrees east of the belt: official features that overlap nothing of ours
NEAR = 0.05  # degrees east (about 4.5 km): near enough for a name alone to make a candidate


def area(geom: shapely.Geometry) -> float:
    """Area in m² (GRS80) of one EPSG:4326 geometry."""
    return float(area_m2(gpd.GeoSeries([geom], crs="EPSG:4326")).iloc[0])


@pytest.fixture
def ours() -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {
            "zone_id": ["alpha", "alpha", "beta", "gamma", "delta"],
            "part": ["gwangju", "hampyeong", "main", "main", "main"],
            "name_ko": [
                "알파 국가산업단지 (광주 구역)",
                "알파 국가산업단지 (함평 구역)",
                "베타 일반산업단지",
                "감마 국가산단",
                "델타 산단",
            ],
            "in_belt": [True, False, True, True, True],
            "official_area_m2": [1.0e6, 2.0e6, 3.0e6, 4.0e6, 5.0e6],
            "geometry_quality": GeometryQuality.SCHEMATIC.value,
        },
        geometry=[ALPHA_GWANGJU, ALPHA_HAMPYEONG, BETA, GAMMA, DELTA],
        crs="EPSG:4326",
    )
    return prepare_zones(frame, "ours.geojson")


@pytest.fixture
def damdan() -> gpd.GeoDataFrame:
    """An 'official' layer as a shapefile export gives it: upper-case fields, text ids, EPSG:5186."""
    frame = gpd.GeoDataFrame(
        {
            "DAN_ID": ["007", "010", "020", "021", "030"],
            "DAN_NAME": ["알파국가산단", "베타 일반산단", "감마산업단지", "감마 국가첨단산업단지", "오메가 농공단지"],
            "DAN_TYPE": ["국가", "일반", "일반", "국가", "농공"],
        },
        geometry=[
            shapely.union_all([ALPHA_GWANGJU, ALPHA_HAMPYEONG]),
            shapely.box(126.72, 35.12, 126.725, 35.13),  # half of beta
            shapely.box(126.74 + NEAR, 35.17, 126.75 + NEAR, 35.18),
            shapely.box(126.76 + NEAR, 35.17, 126.77 + NEAR, 35.18),
            shapely.box(126.78 + FAR, 35.17, 126.79 + FAR, 35.18),
        ],
        crs="EPSG:4326",
    )
    return frame.to_crs("EPSG:5186")


@pytest.fixture
def context() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["29", "29200101"],
            "kind": ["border", "legal_dong"],
            "name_ko": ["광주광역시 / 전라남도", "가동"],
            "source": ["test boundary", "test boundary"],
        },
        geometry=[shapely.MultiLineString([CITY.exterior]), shapely.box(126.70, 35.10, 126.75, 35.15)],
        crs="EPSG:4326",
    )


# --- recognise ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_field", "name_field"), [("dan_id", "dan_name"), ("DAN_ID", "DAN_NAME"), ("Dan_Id", "DAN_name")]
)
def test_recognise_finds_the_fields_in_any_case(id_field, name_field):
    frame = gpd.GeoDataFrame({id_field: ["1", "2"], name_field: ["가", "나"]}, geometry=[CITY, CITY], crs=4326)
    found = official.recognise(frame)
    assert (found.id_field, found.name_field, found.count) == (id_field, name_field, 2)
    assert found.description == (
        "recognised the national industrial-complex boundary layer (LT_C_DAMDAN): "
        f"id {id_field}, name {name_field}, 2 features"
    )


def test_recognise_returns_none_without_the_fields():
    frame = gpd.GeoDataFrame({"dan_id": ["1"], "name": ["가"]}, geometry=[CITY], crs=4326)
    assert official.recognise(frame) is None
    with pytest.raises(
        geo.InputError,
        match=r"x\.shp: is not the national .*: it has no dan_name field \(its fields are: dan_id, name\)",
    ):
        official.match_zones(frame, frame, source="x.shp")


# --- normalise_name -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "빛그린",
        "빛그린 국가산업단지",
        "빛그린국가산단",
        "빛그린 국가첨단산업단지",
        "빛그린 일반산업단지",
        "빛그린 일반산단",
        "빛그린 산업단지",
        "빛그린산단",
        " 빛그린　국가 산업단지 (광주 구역) ",  # ideographic space, spaces inside the suffix
        "빛그린 국가산업단지（광주 구역）",  # full-width parentheses
        "빛그린[1단계] 산단",
        "빛그린·국가산단",
        unicodedata.normalize("NFD", "빛그린 국가산업단지"),  # decomposed jamo
    ],
)
def test_normalise_name_keeps_the_stem(text):
    assert official.normalise_name(text) == "빛그린"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ 산단", "abc"),  # full-width Latin, case-folded
        ("광주 미래차 국가산업단지", "광주미래차"),
        ("산업단지", "산업단지"),  # nothing but a suffix: kept
        ("진곡 (광산 (구)) 일반산업단지", "진곡"),  # nested parentheses
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_normalise_name_edge_cases(text, expected):
    assert official.normalise_name(text) == expected


# --- match_zones ----------------------------------------------------------------------------------------


def test_match_by_name_and_overlap_with_ambiguity_and_unmatched(damdan, ours):
    report = official.match_zones(damdan, ours)
    matched = {m.zone_id: m for m in report.matches}
    assert set(matched) == {"alpha", "beta"}
    alpha, beta = matched["alpha"], matched["beta"]
    assert alpha.official_id == "007"  # text, leading zeros kept
    assert alpha.method is official.MatchMethod.NAME_AND_OVERLAP
    assert alpha.evidence.name_match is official.NameMatch.EXACT
    assert alpha.evidence.overlap_share == pytest.approx(1.0, rel=1e-6)
    # Half of beta's width (equal-area: a share of GRS80 areas, not of degrees).
    expected = area(shapely.box(126.72, 35.12, 126.725, 35.13)) / area(BETA)
    assert beta.evidence.overlap_share == pytest.approx(expected, rel=1e-6)
    assert beta.evidence.overlap_m2 == pytest.approx(area(shapely.box(126.72, 35.12, 126.725, 35.13)), rel=1e-6)

    (gamma,) = report.ambiguities
    assert gamma.zone_id == "gamma"
    assert {c.official_id for c in gamma.candidates} == {"020", "021"}
    assert report.unmatched == ("delta",)
    assert report.unmatched_official == ("020", "021", "030")

    table = report.frame()
    assert table["outcome"].tolist() == ["matched", "matched", "ambiguous", "ambiguous", "unmatched"]
    assert table.loc[0, "official_id"] == "007"

    lines = report.lines()
    assert lines[0].startswith("recognised the national industrial-complex boundary layer (LT_C_DAMDAN): id DAN_ID")
    assert any(line.startswith("matched zone alpha to official 007 알파국가산단") for line in lines)
    assert any(line.startswith("ambiguous: zone gamma (감마 국가산단)") and "--match" in line for line in lines)
    assert any(line.startswith("unmatched: zone delta") for line in lines)
    assert lines[-1].startswith("kept 3 other official features")


def test_overrides_win_over_names(damdan, ours):
    report = official.match_zones(damdan, ours, overrides={"030": "beta", "021": "gamma"})
    assert report.official_ids("beta") == ("030",)
    assert report.official_ids("gamma") == ("021",)
    assert report.zone_of("010") is None and "010" in report.unmatched_official
    assert report.ambiguities == ()
    assert {m.method for m in report.matches if m.zone_id != "alpha"} == {official.MatchMethod.OVERRIDE}


def test_overrides_that_name_nothing_are_errors(damdan, ours):
    with pytest.raises(geo.InputError, match=r"dan_id '7' is not in LT_C_DAMDAN \(did leading zeros get lost"):
        official.match_zones(damdan, ours, overrides={"7": "alpha"})
    with pytest.raises(geo.InputError, match=r"zone_id 'omega' is not one of our zones; use one of alpha"):
        official.match_zones(damdan, ours, overrides={"030": "omega"})


@pytest.mark.parametrize("ids", [[7, 10, 20, 21, 30], [7.0, 10.0, 20.0, 21.0, 30.0]])
def test_numeric_ids_become_text(damdan, ours, context, ids):
    damdan["DAN_ID"] = ids
    report = official.match_zones(damdan, ours)
    assert report.official_ids("alpha") == ("7",)
    zones = official.official_zones(damdan, report, context=context, ours=ours)
    assert zones["zone_id"].tolist() == ["alpha", "alpha", "beta", "20", "21", "30"]


def test_one_official_feature_for_two_zones_is_ambiguous(ours):
    both = shapely.union_all([BETA, GAMMA]).convex_hull
    layer = gpd.GeoDataFrame({"dan_id": ["1"], "dan_name": ["큰 산단"]}, geometry=[both], crs=4326)
    report = official.match_zones(layer, ours)
    assert report.matches == ()
    assert {a.zone_id for a in report.ambiguities} == {"beta", "gamma"}
    assert "best candidate of zones beta, gamma" in report.ambiguities[0].reason


def test_invalid_official_geometry_is_repaired(ours, caplog):
    bowtie = shapely.Polygon([(126.72, 35.12), (126.73, 35.13), (126.73, 35.12), (126.72, 35.13)])
    layer = gpd.GeoDataFrame({"dan_id": ["1"], "dan_name": ["베타"]}, geometry=[bowtie], crs=4326)
    with caplog.at_level(logging.WARNING, logger="geo.official"):
        report = official.match_zones(layer, ours)
    assert report.official_ids("beta") == ("1",)
    assert "repaired invalid geometry" in caplog.text


# --- read_match_file ------------------------------------------------------------------------------------


def test_read_match_file_keeps_ids_as_text(tmp_path):
    path = tmp_path / "match.csv"
    path.write_text("DAN_ID,Zone_ID,note\n007,alpha,phase 1\n 0010 ,beta,\n\n", encoding="utf-8-sig")
    overrides = official.read_match_file(path)
    assert dict(overrides) == {"007": "alpha", "0010": "beta"}
    assert overrides.where("0010") == "match.csv row 3"


def test_read_match_file_reads_cp949(tmp_path):
    path = tmp_path / "match.csv"
    path.write_bytes("dan_id,zone_id,비고\n007,alpha,빛그린\n".encode("cp949"))
    assert dict(official.read_match_file(path)) == {"007": "alpha"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,zone\n1,a\n", r"match\.csv: no column dan_id or zone_id \(the header is id,zone\); make the first row"),
        ("dan_id,zone_id\n,alpha\n", r"match\.csv row 2: dan_id is empty; write the official id or delete the row"),
        ("dan_id,zone_id\n007,\n", r"match\.csv row 2: zone_id is empty for dan_id '007'"),
        ("dan_id,zone_id\n007,alpha\n007,beta\n", r"match\.csv rows 2 and 3: dan_id '007' is given zones"),
        ("dan_id,zone_id\n", r"match\.csv: has a header but no rows"),
        ("", r"match\.csv: is empty"),
        ("dan_id,zone_id\n,a\n,b\n", r"match\.csv: 2 problems: row 2: dan_id is empty.*; row 3"),
    ],
)
def test_read_match_file_errors_name_the_row_and_fix(tmp_path, text, message):
    path = tmp_path / "match.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(geo.InputError, match=message) as caught:
        official.read_match_file(path)
    assert "\n" not in str(caught.value)


def test_read_match_file_missing(tmp_path):
    with pytest.raises(geo.InputFileNotFoundError, match="no such file"):
        official.read_match_file(tmp_path / "nope.csv")


# --- official_zones -------------------------------------------------------------------------------------


def test_official_zones_cut_parts_along_the_city(damdan, ours, context):
    report = official.match_zones(damdan, ours)
    zones = official.official_zones(damdan, report, context=context, ours=ours)
    added = ["boundary_source", "official_id", "official_name", "official_type"]  # the layer's own attributes
    assert list(zones.columns) == [*ours.columns.drop("feature_id"), *added, "feature_id"]
    assert zones.set_index("feature_id").loc["alpha/gwangju", ["official_id", "official_type"]].tolist() == [
        "007",
        "국가",
    ]
    assert zones.crs == "EPSG:4326"
    assert zones["feature_id"].tolist() == ["alpha/gwangju", "alpha/hampyeong", "beta/main", "020", "021", "030"]
    assert (zones["geometry_quality"] == GeometryQuality.SUPPLIED).all()
    assert zones["in_belt"].tolist() == [True, False, True, False, False, False]
    by_id = zones.set_index("feature_id")
    assert by_id.loc["alpha/gwangju", "geometry_method"].startswith(
        "official feature clipped by the NGII Gwangju Metropolitan City boundary (LT_C_DAMDAN DAN_ID 007"
    )
    assert by_id.loc["alpha/hampyeong", "geometry_method"].startswith("official feature minus the area within")
    assert (
        "part boundary: the NGII Gwangju Metropolitan City boundary: test boundary"
        in (by_id.loc["alpha/gwangju", "boundary_source"])
    )
    assert by_id.loc["alpha/gwangju", "official_area_m2"] == 1.0e6  # our official figure, kept
    assert by_id.loc["030", "name_ko"] == "오메가 농공단지"

    measured = area_m2(zones).set_axis(zones["feature_id"])
    assert measured["alpha/gwangju"] == pytest.approx(area(ALPHA_GWANGJU), rel=1e-6)
    assert measured["alpha/hampyeong"] == pytest.approx(area(ALPHA_HAMPYEONG), rel=1e-6)
    whole = float(area_m2(damdan.iloc[[0]]).iloc[0])
    assert measured["alpha/gwangju"] + measured["alpha/hampyeong"] == pytest.approx(whole, rel=1e-9)
    assert measured["beta/main"] == pytest.approx(area(BETA) / 2, rel=1e-4)


def test_only_a_planned_complex_keeps_our_outline_and_the_others_are_unresolved(damdan, ours, context):
    ours = ours.assign(status=["operating", "operating", "operating", "planned", "planned"])
    report = official.match_zones(damdan, ours)
    zones = official.official_zones(damdan, report, context=context, ours=ours, keep_planned=True)
    # delta (planned, not in the layer) stands in with our schematic outline; gamma is ambiguous: no geometry.
    assert zones.set_index("feature_id").loc["delta/main", "geometry_quality"] == GeometryQuality.SCHEMATIC
    assert "gamma" not in set(zones["zone_id"])
    assert zones.attrs["unresolved"] == {
        "gamma": {"reason": "ambiguous", "detail": report.ambiguities[0].reason, "in_belt": True}
    }
    # Built but missing from the layer: no stand-in either.
    operating = ours.assign(status="operating")
    zones = official.official_zones(damdan, report, context=context, ours=operating, keep_planned=True)
    assert {"gamma", "delta"}.isdisjoint(zones["zone_id"]) and zones.attrs["unresolved"]["delta"]["reason"] == (
        "not_in_layer"
    )


def test_parts_without_a_rule_keep_the_whole_feature(damdan, ours, context, caplog):
    ours = ours.assign(part=ours["part"].replace({"gwangju": "west", "hampyeong": "east"}))
    report = official.match_zones(damdan, ours)
    with caplog.at_level(logging.WARNING, logger="geo.official"):
        zones = official.official_zones(damdan, report, context=context, ours=ours)
    row = zones.set_index("feature_id").loc["alpha"]
    assert not row["in_belt"]  # one of its parts is outside the belt
    assert row["official_area_m2"] == 3.0e6
    assert row["name_ko"] == "알파 국가산업단지"
    assert "have no administrative rule" in caplog.text


def test_a_part_may_be_defined_by_any_unit(damdan, ours, context):
    """A registry entry built from polygons (a legal dong by code prefix) instead of a border."""
    units = {"dong": official.AdministrativeUnit("the test dong", kind="legal_dong", code="29200")}
    assert official.administrative_area(context, "dong", units=units).equals(shapely.box(126.70, 35.10, 126.75, 35.15))
    rules = {"gwangju": official.PartRule("dong", inside=True), "hampyeong": official.PartRule("dong", inside=False)}
    report = official.match_zones(damdan, ours)
    zones = official.official_zones(damdan, report, context=context, ours=ours, part_rules=rules, units=units)
    # alpha lies outside the dong: its "inside" part is empty and left out.
    assert "alpha/gwangju" not in set(zones["feature_id"])
    assert "alpha/hampyeong" in set(zones["feature_id"])


def test_missing_border_is_an_input_error(context):
    with pytest.raises(geo.InputError, match="no border feature with code 29"):
        official.administrative_area(context[context["kind"] != "border"], "gwangju")


# --- the bundled zones and context ----------------------------------------------------------------------


def test_bundled_gwangju_boundary(context_bundled):
    city = official.administrative_area(context_bundled, "gwangju")
    assert city.geom_type == "Polygon" and len(city.interiors) == 0
    assert area(city) == pytest.approx(498.56e6, rel=1e-3)  # 광주광역시, NGII generalised (official 501 km²)


def test_bundled_zones_matched_and_clipped_back(zones, context_bundled, claims):
    parts = zones.set_index("feature_id").geometry
    bitgoeul = shapely.union_all([parts["bitgoeul/gwangju"], parts["bitgoeul/hampyeong"]])
    layer = gpd.GeoDataFrame(
        {
            "DAN_ID": ["007", "0120", "900"],
            "DAN_NAME": ["빛그린 국가산단", "진곡일반산업단지", "광주 미래차 국가첨단산업단지"],
        },
        geometry=[bitgoeul, parts["jingok/main"], parts["future/main"]],
        crs="EPSG:4326",
    ).to_crs("EPSG:5186")  # EPSG:5174's Bessel datum shift does not round-trip to better than ~5 mm
    report = official.match_zones(layer, zones)
    assert {m.zone_id: m.official_id for m in report.matches} == {"bitgoeul": "007", "jingok": "0120", "future": "900"}
    assert report.ambiguities == () and report.unmatched == () and report.unmatched_official == ()

    derived = official.official_zones(layer, report, context=context_bundled, ours=zones)
    assert derived["feature_id"].tolist() == zones["feature_id"].tolist()
    assert list(derived.columns) == [
        *zones.columns.drop("feature_id"),
        "official_id",
        "official_name",
        "official_type",
        "feature_id",
    ]
    measured = area_m2(derived).set_axis(derived["feature_id"])
    ours = area_m2(zones).set_axis(zones["feature_id"])
    for feature_id in ("jingok/main", "future/main"):
        assert measured[feature_id] == pytest.approx(ours[feature_id], rel=1e-6)
    # The parts come back cut along the NGII city boundary. Our schematic parts were drawn from the generalised
    # dongs and ri, which cross it a little, so each derived part is ours plus what the other part has on its
    # side of the boundary, minus what it has on the other side.
    city = official.administrative_area(context_bundled, "gwangju")
    gwangju, hampyeong = parts["bitgoeul/gwangju"], parts["bitgoeul/hampyeong"]
    moved_in, moved_out = area(hampyeong.intersection(city)), area(gwangju.difference(city))
    assert measured["bitgoeul/gwangju"] == pytest.approx(ours["bitgoeul/gwangju"] + moved_in - moved_out, rel=1e-6)
    assert measured["bitgoeul/hampyeong"] == pytest.approx(ours["bitgoeul/hampyeong"] - moved_in + moved_out, rel=1e-6)
    total = measured["bitgoeul/gwangju"] + measured["bitgoeul/hampyeong"]
    assert total == pytest.approx(ours["bitgoeul/gwangju"] + ours["bitgoeul/hampyeong"], rel=1e-6)
    assert abs(measured["bitgoeul/gwangju"] / ours["bitgoeul/gwangju"] - 1) < 0.02  # slivers, not a misplacement

    checked = audit_claims(derived, belt_claims(claims), tolerance=np.inf)
    assert (checked["verdict"] != Verdict.NOT_FOUND).all()
    assert set(derived["geometry_quality"]) == {GeometryQuality.SUPPLIED}


@pytest.fixture(scope="module")
def context_bundled() -> gpd.GeoDataFrame:
    return geo.load_context()


def test_unknown_frame_columns_do_not_leak(damdan, ours, context):
    """The derived zones carry only our zone columns, never the official layer's own fields."""
    report = official.match_zones(damdan, ours)
    zones = official.official_zones(damdan, report, context=context, ours=ours)
    assert "DAN_TYPE" not in zones.columns and "DAN_ID" not in zones.columns
    assert isinstance(zones, gpd.GeoDataFrame) and not zones["zone_id"].map(type).ne(str).any()
    assert pd.api.types.is_bool_dtype(zones["in_belt"])


def test_several_official_features_for_one_zone(damdan, ours, context):
    """By overrides a zone may take several official features (phases); features sharing an id are merged."""
    damdan = pd.concat([damdan, damdan.iloc[[1]]], ignore_index=True)  # id 010 twice
    damdan.loc[5, "geometry"] = gpd.GeoSeries([shapely.box(126.725, 35.12, 126.73, 35.13)], crs=4326).to_crs(5186)[0]
    report = official.match_zones(damdan, ours, overrides={"010": "beta", "030": "beta"})
    assert report.official_ids("beta") == ("010", "030")
    zones = official.official_zones(damdan, report, context=context, ours=ours).set_index("feature_id")
    expected = area(BETA) + area(shapely.box(126.78 + FAR, 35.17, 126.79 + FAR, 35.18))
    assert area(zones.loc["beta/main", "geometry"]) == pytest.approx(expected, rel=1e-6)
    assert "010 (베타 일반산단), 030 (오메가 농공단지)" in zones.loc["beta/main", "boundary_source"]


def test_features_without_geometry_are_left_out(damdan, ours, caplog):
    damdan.loc[4, "geometry"] = None
    with caplog.at_level(logging.WARNING, logger="geo.official"):
        report = official.match_zones(damdan, ours)
    assert "030" not in report.unmatched_official
    assert "left out 1 features without geometry (030)" in caplog.text
