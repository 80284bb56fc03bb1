"""The audit of a zone source (geo.sources), the official boundary layer above all: recognised with no flags,
matched to our zones, parts cut along the NGII boundary, and the claims applied unchanged."""

from __future__ import annotations

import json

import pytest
from official_layer import write_official_shapefile

import geo
from geo import sources
from geo.cli import main


@pytest.fixture(scope="module")
def official_file(tmp_path_factory):
    """The official export's shape: CP949 without .cpg, EPSG:5174, upper-case fields, 1,500 complexes."""
    return write_official_shapefile(tmp_path_factory.mktemp("official") / "LT_C_DAMDAN.shp", 1500)


def test_the_official_layer_audits_with_no_flags(official_file, capsys, caplog):
    assert not official_file.with_suffix(".cpg").exists()
    code = main(["audit", "--zones", str(official_file), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert "recognised the national industrial-complex boundary layer" in caplog.text
    zones = {z["feature_id"]: z for z in document["zones"]}
    assert len(zones) == 1500 + 2  # Bitgoeul in two parts, our schematic future complex kept beside the others
    gwangju = zones["bitgoeul/gwangju"]
    assert gwangju["geometry_quality"] == "supplied" and gwangju["area_m2"] != pytest.approx(1_847_000, abs=1)
    assert zones["future/main"]["geometry_quality"] == "schematic"  # no official feature: our outline, said so
    claims = {c["claim_id"]: c for c in document["claims"]}
    for claim_id in ("investkorea_belt", "gwangju_city_jingok", "gwangju_city_bitgoeul", "motie_bitgoeul"):
        assert claims[claim_id]["within_tolerance"] is not None, claim_id
    assert claims["gwangju_city_bitgoeul"]["geometry_m2"] == pytest.approx(gwangju["area_m2"])
    assert claims["investkorea_belt"]["geometry_m2"] == pytest.approx(document["belt"]["area_m2"])
    # The exit code follows from those claims: two on the future complex are off.
    assert code == 1 and document["passed"] is False
    assert "fez" not in document  # the FEZ claims are set aside for a file that is not ours


def test_a_match_file_overrides_the_matching(official_file, tmp_path):
    match = tmp_path / "match.csv"
    match.write_text("dan_id,zone_id\n000003,future\n", encoding="utf-8")
    zones = sources.load_source(geo.ZoneSource(path=official_file, match=match))
    future = zones[zones["zone_id"] == "future"]
    assert len(future) == 1 and future["geometry_quality"].iloc[0] == "supplied"
    assert "000003" not in set(zones["zone_id"])  # it is the future complex now


def test_explicit_fields_read_the_file_as_it_is(official_file):
    zones = sources.load_source(geo.ZoneSource(path=official_file, id_field="DAN_ID", name_field="DAN_NAME"))
    assert len(zones) == 1500 and zones["zone_id"].iloc[0] == "000001"  # ids keep their leading zeros
    assert zones["name_ko"].iloc[0] == "빛그린국가산업단지"  # CP949 without .cpg, decoded


def test_our_zones_and_a_users_file_are_not_taken_for_the_official_layer(belt_zone_file):
    assert len(sources.load_source(geo.ZoneSource())) == len(geo.load_zones())
    assert set(sources.load_source(geo.ZoneSource(path=belt_zone_file))["zone_id"]) == {"bitgoeul", "jingok", "future"}
