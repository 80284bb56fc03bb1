"""The claims audit: the belt claim, tolerances, subjects, overlaps and the schematic caveat."""

from __future__ import annotations

import logging
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import geo
from geo import audit
from geo.schema import Verdict


def _claim(claim_id, subject, claimed_m2):
    return pd.DataFrame({"claim_id": [claim_id], "subject": [subject], "claimed_m2": [claimed_m2]})


def test_the_belt_claim_is_minus_1_8_percent_and_holds_at_2_percent(audit_result):
    row = audit_result.claims.set_index("claim_id").loc["investkorea_belt"]
    assert row["claimed_m2"] == pytest.approx(7_272_727.27, abs=0.01)
    assert row["geometry_m2"] == pytest.approx(7_140_000, abs=5)
    assert row["official_m2"] == 7_140_000
    assert row["difference_pct"] == pytest.approx(-1.825, abs=0.001)
    assert row["within_tolerance"] is True and row["verdict"] == Verdict.HOLDS
    assert row["audit_note"] == audit.BY_CONSTRUCTION_NOTE
    assert row["note"].startswith("Success-story page")  # the claim's own note is kept


def test_a_one_percent_tolerance_fails_the_belt_claim(zones, claims):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        checked = geo.audit_claims(zones, claims, tolerance=0.01)
    messages = [str(w.message) for w in caught if issubclass(w.category, audit.ClaimsAuditWarning)]
    assert any(m.startswith("claim investkorea_belt (belt): 7,272,727 m² claimed") for m in messages)
    assert checked.set_index("claim_id").loc["investkorea_belt", "within_tolerance"] is False


def test_known_disagreements_are_found_at_the_default_tolerance(audit_result):
    off = set(audit_result.claims.loc[audit_result.claims["verdict"] == Verdict.OFF, "claim_id"])
    # 1,000,000 pyeong = 3,305,785 m² and MOTIE's 약 331만㎡ against the 3,384,000 m² new complex; Newsis's
    # "4371㎢" for the FEZ (a unit error in the source: 4.371 km²) is off by three orders of magnitude.
    assert off == {"investkorea_future", "motie_future", "newsis_fez_total_2019"}
    assert not audit_result.passed


def test_belt_is_the_union_of_in_belt_zones_only(audit_result, zones):
    belt = audit_result.belt
    assert belt["members"] == ["bitgoeul/gwangju", "jingok/main", "future/main"]
    assert belt["official_sum_m2"] == 7_140_000
    assert belt["area_pyeong"] == pytest.approx(2_159_850, abs=2)
    assert belt["schematic"] is True
    assert geo.belt_geometry(zones).geom_type in {"Polygon", "MultiPolygon"}


def test_zone_subjects_cover_all_parts_and_feature_subjects_one(zones):
    claims = pd.concat([_claim("whole", "bitgoeul", 4_070_000), _claim("part", "bitgoeul/gwangju", 1_847_000)])
    checked = geo.audit_claims(zones, claims.reset_index(drop=True))
    assert checked["geometry_m2"].iloc[0] == pytest.approx(4_070_000, abs=5)
    assert checked["geometry_m2"].iloc[1] == pytest.approx(1_847_000, abs=1)


def test_an_overlap_is_counted_once_and_reported(caplog):
    a = shapely.box(126.700, 35.100, 126.710, 35.110)
    b = shapely.box(126.705, 35.100, 126.715, 35.110)
    zones = gpd.GeoDataFrame(
        {
            "feature_id": ["a", "b"],
            "zone_id": ["a", "b"],
            "in_belt": [True, True],
            "official_area_m2": [np.nan, np.nan],
            "geometry_quality": ["supplied"] * 2,
        },
        geometry=[a, b],
        crs=4326,
    )
    union = geo.area_m2(gpd.GeoSeries([a.union(b)], crs=4326)).iloc[0]
    result = geo.run_audit(zones, _claim("belt", "belt", union))
    assert result.claims["geometry_m2"].iloc[0] == pytest.approx(union, rel=1e-9)
    assert result.claims["within_tolerance"].iloc[0] is True and result.passed
    assert list(result.overlaps[["a", "b"]].iloc[0]) == ["a", "b"]
    assert "zones a and b overlap" in caplog.text


def test_a_file_with_none_of_the_subjects_is_still_measured_but_does_not_pass(square_zones, claims):
    square_zones = square_zones.assign(
        feature_id=square_zones["zone_id"], official_area_m2=np.nan, geometry_quality="supplied"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = geo.run_audit(square_zones, claims[claims["subject"] != "belt"])
    assert result.claims["within_tolerance"].isna().all()
    assert (result.claims["verdict"] == Verdict.NOT_FOUND).all()
    assert not result.passed and result.nothing_checked  # nothing checked is no success
    assert result.unchecked == list(claims.loc[claims["subject"] != "belt", "claim_id"])
    assert (result.zones["area_m2"] > 1_000_000).all()
    message = result.nothing_checked_message()
    assert message.startswith("no claim could be checked: none of the subjects of claims.csv (") and "\n" not in message
    assert "bitgoeul" in message and "(its zone ids: a, b)" in message and "--claims" in message


def test_some_claims_unchecked_fail_the_audit_and_are_listed(square_zones, caplog):
    zones = square_zones.assign(
        feature_id=square_zones["zone_id"], official_area_m2=np.nan, geometry_quality="supplied"
    )
    area = float(geo.area_m2(zones.iloc[[0]]).iloc[0])
    claims = pd.concat([_claim("ok", "a", area), _claim("elsewhere", "jingok", 1e6)], ignore_index=True)
    with caplog.at_level(logging.INFO, logger="geo.audit"):
        result = geo.run_audit(zones, claims)
    assert result.claims.set_index("claim_id").loc["ok", "within_tolerance"] is True
    assert result.unchecked == ["elsewhere"] and not result.nothing_checked and not result.passed
    assert "1 of 2 claims could not be checked" in caplog.text and "elsewhere (jingok)" in caplog.text


@given(
    ids=st.lists(
        st.text(alphabet="0123456789", min_size=1, max_size=5) | st.from_regex(r"\A-?[0-9]{1,4}(\.[0-9]0?)?\Z"),
        min_size=1,
        max_size=4,
        unique=True,
    )
)
@settings(max_examples=30, deadline=None)
def test_ids_that_look_like_numbers_are_matched_as_text(tmp_path_factory, ids):
    """Zone ids such as 007, 101 or 1.0 (GeoJSON strings) and claims about them (CSV) match exactly."""
    folder = tmp_path_factory.mktemp("ids")
    boxes = [shapely.box(126.70 + 0.02 * i, 35.15, 126.71 + 0.02 * i, 35.16) for i in range(len(ids))]
    frame = gpd.GeoDataFrame({"zone_id": ids, "in_belt": False}, geometry=boxes, crs="EPSG:4326")
    frame.to_file(folder / "zones.geojson", driver="GeoJSON")
    zones = geo.load_zones(folder / "zones.geojson")
    assert list(zones["zone_id"]) == ids
    areas = geo.area_m2(zones)
    rows = [
        f"c{i},{zone_id},{area:.3f},m2,p,,https://x,ko,q"
        for i, (zone_id, area) in enumerate(zip(ids, areas, strict=True))
    ]
    (folder / "claims.csv").write_text(
        "claim_id,subject,figure,unit,publisher,date,url,language,quote\n" + "\n".join(rows)
    )
    claims = geo.load_claims(folder / "claims.csv")
    assert list(claims["subject"]) == ids
    result = geo.run_audit(zones, claims)
    assert result.unchecked == [] and result.passed
    assert (result.claims["verdict"] == Verdict.HOLDS).all()


@pytest.mark.parametrize("claimed_m2", [5e-324, 1e-310])
def test_a_claim_whose_difference_is_not_finite_is_an_input_error(square_zones, claimed_m2):
    zones = square_zones.assign(
        feature_id=square_zones["zone_id"], official_area_m2=np.nan, geometry_quality="supplied"
    )
    claim = _claim("tiny", "a", claimed_m2).assign(figure=claimed_m2, unit="m2")
    with pytest.raises(geo.InputError, match=r"^claim tiny \(a\): its \w+ is not a finite number"):
        geo.run_audit(zones, claim)


def test_negative_tolerance_is_refused(zones, claims):
    with pytest.raises(ValueError, match="tolerance must be 0 or more"):
        geo.audit_claims(zones, claims, tolerance=-0.1)


def test_measure_zones_reports_the_official_difference(zones):
    table = geo.measure_zones(zones)
    assert list(table.index) == list(zones.index)
    assert (table["official_difference_pct"].abs() < 1e-4).all()
    assert (table["area_m2_epsg5186"] > table["area_m2"]).all()
