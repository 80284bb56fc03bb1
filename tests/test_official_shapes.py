"""The official layer in the shapes the national files really take, audited with no flags.

Each file is written here (tests/official_layer.py) in the shape a Korean GIS analyst meets: Bitgoeul split
in two features with part qualifiers, or as two records sharing one id; a namesake of Jingok 250 km away;
Jingok absent, in two halves under its full name (ambiguous), or as a GeometryCollection; EPSG:5186 with the
export's ESRI .prj, EPSG:5179 and EPSG:4326; shapefile (CP949), GeoPackage (one of several layers) and GeoJSON.
Each audit either measures the right official outlines — areas equal to an independent GRS80 computation
(pyproj's Geod on the file as geopandas reads it) to 1e-9 — or says that a zone is ambiguous or missing and
leaves its claims unchecked, in the JSON and in the Markdown report.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pyproj
import pytest
import shapely
from official_layer import write_official

import geo
from geo import i18n, maps, sources
from geo.cli import main
from geo.schema import Note, Verdict

GRS80 = pyproj.Geod(ellps="GRS80")
BELT_CLAIM = "investkorea_belt"
JINGOK_CLAIM = "gwangju_city_jingok"


def audit(path, capsys, *extra: str) -> tuple[int, dict]:
    code = main(["audit", "--zones", str(path), "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


def independent_m2(path, dan_id: str) -> float:
    """GRS80 area of the features with ``dan_id`` (their union: ground counted once), read with geopandas and
    measured with pyproj alone."""
    frame = gpd.read_file(path, encoding="cp949" if str(path).endswith(".shp") else None).to_crs(4326)
    rows = frame[frame["DAN_ID"].astype(str) == dan_id]
    return abs(GRS80.geometry_area_perimeter(shapely.union_all(rows.geometry.values))[0])


def claims_of(document: dict) -> dict:
    return {c["claim_id"]: c for c in document["claims"]}


def test_a_complex_split_with_part_qualifiers_is_taken_whole_as_our_parts(tmp_path, capsys):
    path = write_official(tmp_path / "DAM_DAN.shp", 200, crs="EPSG:5186", split_bitgoeul=True)  # ESRI .prj
    code, document = audit(path, capsys)
    zones = {z["feature_id"]: z for z in document["zones"]}
    # Each qualified feature is the part its qualifier names, measured as the layer gives it.
    assert zones["bitgoeul/gwangju"]["area_m2"] == pytest.approx(independent_m2(path, "000001"), rel=1e-9)
    assert zones["bitgoeul/hampyeong"]["area_m2"] == pytest.approx(independent_m2(path, "900001"), rel=1e-9)
    assert zones["jingok/main"]["area_m2"] == pytest.approx(independent_m2(path, "000002"), rel=1e-9)
    taken = [m for m in document["matches"] if m["zone_id"] == "bitgoeul"]
    assert [(m["outcome"], m["official_id"]) for m in taken] == [("matched", "000001"), ("matched", "900001")]
    assert "one complex in 2 features" in taken[0]["note"]
    # The belt is checked, and says it is partly schematic: the planned complex stands in with our outline.
    belt = document["belt"]
    assert claims_of(document)[BELT_CLAIM]["within_tolerance"] is not None
    assert 0.3 < belt["schematic_share"] < 0.7 and belt["schematic"] is False
    future = next(m for m in document["matches"] if m["zone_id"] == "future")
    assert future["outcome"] == "unmatched" and "planned" in future["note"]
    assert code == 1  # two claims on the future complex are outside the tolerance (as on our own layers)


def test_one_id_on_several_records_is_one_complex(tmp_path, capsys):
    path = write_official(tmp_path / "damdan.gpkg", 200, crs="EPSG:5179", shared_id=True)
    _, document = audit(path, capsys)
    zones = {z["feature_id"]: z for z in document["zones"]}
    parts = zones["bitgoeul/gwangju"]["area_m2"] + zones["bitgoeul/hampyeong"]["area_m2"]
    # Cut along the city boundary, nothing lost: the cut adds vertices on the boundary, whose geodesic edges
    # move the total by parts in 10⁸ (the partition check's tolerance is 1e-6).
    assert parts == pytest.approx(independent_m2(path, "000001"), rel=1e-6)
    assert [m["official_id"] for m in document["matches"] if m["zone_id"] == "bitgoeul"] == ["000001"]


def test_a_namesake_far_away_is_reported_and_never_matched(tmp_path, capsys):
    path = write_official(tmp_path / "damdan.geojson", 200, namesake=True)
    _, document = audit(path, capsys)
    rows = {(m["outcome"], m["official_id"]): m for m in document["matches"] if m["zone_id"] == "jingok"}
    assert ("matched", "000002") in rows
    namesake = rows[("namesake", "900003")]
    assert namesake["distance_km"] > 150 and "another complex" in namesake["note"]
    assert claims_of(document)[JINGOK_CLAIM]["within_tolerance"] is True


def test_a_zone_the_layer_lacks_is_not_matched_to_its_namesake_and_its_claims_are_unchecked(tmp_path, capsys):
    path = write_official(tmp_path / "damdan.shp", 200, crs="EPSG:5174", jingok="absent", namesake=True)
    code, document = audit(path, capsys)
    claims = claims_of(document)
    assert code == 1 and document["passed"] is False
    jingok, belt = claims[JINGOK_CLAIM], claims[BELT_CLAIM]
    assert jingok["verdict"] == Verdict.UNCHECKED and jingok["audit_note"] == Note.NOT_IN_LAYER
    assert belt["verdict"] == Verdict.UNCHECKED and belt["audit_note"] == Note.BELT_INCOMPLETE
    assert JINGOK_CLAIM in document["unchecked"] and BELT_CLAIM in document["unchecked"]
    assert not any(z["zone_id"] == "jingok" for z in document["zones"])
    outcomes = {(m["outcome"], m["official_id"] or "") for m in document["matches"] if m["zone_id"] == "jingok"}
    assert ("namesake", "900003") in outcomes and ("unmatched", "") in outcomes


def test_an_ambiguous_zone_gets_no_geometry_and_every_report_says_why(tmp_path, capsys):
    path = write_official(tmp_path / "damdan.gpkg", 200, jingok="halves")
    code, document = audit(path, capsys)
    claims = claims_of(document)
    assert code == 1
    assert claims[JINGOK_CLAIM]["verdict"] == Verdict.UNCHECKED and claims[JINGOK_CLAIM]["audit_note"] == Note.AMBIGUOUS
    assert claims[BELT_CLAIM]["audit_note"] == Note.BELT_INCOMPLETE
    ambiguous = [m for m in document["matches"] if m["outcome"] == "ambiguous"]
    assert {m["official_id"] for m in ambiguous} == {"000002", "900002"}
    assert main(["audit", "--zones", str(path), "--format", "md"]) == 1
    markdown = capsys.readouterr().out
    assert "| ambiguous | jingok | 000002 |" in markdown and "| ambiguous | jingok | 900002 |" in markdown
    assert "several candidates for this complex" in markdown
    # The maps say it too, in the page's language, beside each claim left unchecked.
    zones, result = sources.audit_source(geo.ZoneSource(path=path), geo.load_claims())
    html = maps.render_html(maps.belt_map(zones, result, language="ja"))
    assert html.count(i18n.text("report_note_belt_incomplete", "ja")) >= 1
    assert "tb-finding tb-fail" in html or "tb-finding tb-warn" in html  # never green


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_a_geometry_collection_keeps_its_polygonal_members(tmp_path, capsys, caplog, suffix):
    path = write_official(tmp_path / f"damdan{suffix}", 200, jingok="collection")
    code, document = audit(path, capsys)
    assert code in (0, 1)
    jingok = next(z for z in document["zones"] if z["feature_id"] == "jingok/main")
    assert jingok["area_m2"] == pytest.approx(independent_m2(path, "000002"), rel=1e-9)  # a line has no area
    assert "feature 000002: a GeometryCollection; kept its 1 polygonal member(s)" in caplog.text


def test_a_geopackage_of_several_layers_is_read_at_its_official_layer(tmp_path, capsys):
    from official_layer import official_frame

    path = tmp_path / "several.gpkg"
    frame = official_frame(50, split_bitgoeul=True).to_crs(5186)
    frame.to_file(path, layer="LT_C_DAMDAN")
    frame.iloc[:3][["geometry"]].assign(note="other").to_file(path, layer="other")
    _, document = audit(path, capsys)
    assert {m["zone_id"] for m in document["matches"] if m["outcome"] == "matched"} == {"bitgoeul", "jingok"}


def test_the_geopackage_keeps_the_match_table_and_the_layers_own_attributes(tmp_path, capsys):
    path = write_official(tmp_path / "damdan.shp", 100, crs="EPSG:5186", split_bitgoeul=True, namesake=True)
    out = tmp_path / "audit.gpkg"
    assert main(["export", "--zones", str(path), "--out", str(out)]) == 0
    matches = gpd.read_file(out, layer="official_matches")
    assert {"matched", "namesake", "unmatched"} <= set(matches["outcome"])
    parts = gpd.read_file(out, layer="zone_parts").set_index("feature_id")
    assert parts.loc["bitgoeul/gwangju", "offic_id"] == "000001"
    assert parts.loc["bitgoeul/hampyeong", "offic_id"] == "900001"
    assert parts.loc["bitgoeul/gwangju", "offic_type"] == "1"  # the layer's own type code, as it gives it


def test_the_command_lines_summary_names_each_unchecked_claim_with_its_reason(tmp_path):
    from pathlib import Path

    from geo import pipeline
    from geo.cli.build import summary

    path = write_official(tmp_path / "damdan.gpkg", 100, jingok="halves")
    _, result = sources.audit_source(geo.ZoneSource(path=path), geo.load_claims())
    line = summary(Path("out"), pipeline.BuildResult(files=[], audit=result))[-1]
    assert "could not be checked" in line
    assert f"{JINGOK_CLAIM} (its official match is ambiguous)" in line
    assert f"{BELT_CLAIM} (a member of the belt is not measured)" in line
