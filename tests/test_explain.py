"""A claim explained in words: its figure's precision, its wording as published, the difference and the reason."""

from __future__ import annotations

import pandas as pd
import pytest

import geo
from geo import explain, precision
from geo._errors import InputError
from geo.maps.findings import claims_table
from geo.schema import Note, Verdict

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("figure", "step"),
    [
        ("4.371", 0.001),
        ("4.370", 0.001),
        ("0.5", 0.1),
        ("1000000", 100_000),  # 100万坪: read as 1.0 million, not one million
        ("2200000", 100_000),
        ("1847000", 1_000),
        ("917761", 1),
        ("4371", 1),
        ("15", 1),
        ("100", 10),
        ("7", 1),
        ("1000000.0", 100_000),
        ("1,908,000", 1_000),
    ],
)
def test_rounding_step_is_read_from_the_figure_as_written(figure, step):
    assert precision.rounding_step(figure) == pytest.approx(step)


@pytest.mark.parametrize("figure", ["0", "-3", "abc", "nan", "inf"])
def test_rounding_step_refuses_what_is_no_figure(figure):
    with pytest.raises(ValueError):
        precision.rounding_step(figure)


@pytest.mark.parametrize(
    ("wording", "approximate"),
    [
        ("약 714만㎡(220만평)", True),
        ("60만여㎡", True),
        ("約100万坪", True),
        ("about 7 km²", True),
        ("면적 정도", True),
        ("100万坪の次世代自動車国家産業団地", False),
        ("총 727만㎡", False),
        ("", False),
    ],
)
def test_approximate_wording(wording, approximate):
    assert precision.is_approximate(wording) is approximate


@pytest.mark.parametrize(
    ("quote", "figure", "unit", "words"),
    [
        ("면적이 110만6천㎡에서 111만1천㎡로 늘어나고", 1_111_000, "m2", "111만1천㎡"),
        ("약 714만㎡(220만평)", 2_200_000, "pyeong", "220만평"),
        ("약 714만㎡(220만평)", 7_140_000, "m2", "약 714만㎡"),
        ("4개 지구 4.371㎢다", 4.371, "km2", "4.371㎢"),
        ("총면적 4371㎢", 4371, "km2", "4371㎢"),
        ("407만1천㎡ (123만평)", 4_071_000, "m2", "407만1천㎡"),
        ("49만5000㎡(15만 평)", 150_000, "pyeong", "15만 평"),
        ("100万坪の次世代自動車国家産業団地", 1_000_000, "pyeong", "100万坪"),
        ("a 7.14 km² belt", 7.14, "km2", "7.14 km²"),
        # The quote's number is another figure, or in another unit: the figure speaks for itself.
        ("약 714만㎡", 7_150_000, "m2", None),
        ("220만평", 2_200_000, "m2", None),
        ("", 1, "m2", None),
    ],
)
def test_wording_is_taken_from_the_quote_only_where_it_states_the_figure(quote, figure, unit, words):
    assert explain.wording({"quote": quote, "figure": figure, "unit": unit}) == words


def _claim(**values):
    claim = {
        "figure": 1_000_000.0,
        "unit": "pyeong",
        "quote": "",
        "rounding": 100_000.0,
        "claimed_m2": 3_305_785.12,
        "geometry_m2": 3_384_000.0,
        "difference_pct": 2.366,
        "verdict": Verdict.ROUNDING.value,
        "audit_note": Note.BY_CONSTRUCTION.value,
        "uncertain": False,
    }
    return claim | values


def test_the_difference_says_which_way_against_what_in_each_language():
    claim = _claim()
    assert explain.difference(claim, "en") == f"The official area is 2.37{NBSP}% larger than the published figure."
    assert explain.difference(claim, "ko") == f"공식 면적이 공표 수치보다 2.37{NBSP}% 큽니다."
    assert explain.difference(claim, "ja") == f"公式面積は公表値より2.37{NBSP}%大きい値です。"
    measured = _claim(audit_note="", difference_pct=-1.2)
    assert explain.difference(measured, "en") == f"The measured area is 1.20{NBSP}% smaller than the published figure."
    assert explain.difference(_claim(difference_pct=0.001), "en") == "The published figure equals the official area."
    assert explain.difference(_claim(difference_pct=float("nan")), "en") == ""


def test_a_power_of_ten_off_reads_as_a_unit_error():
    claim = _claim(
        figure=4371.0,
        unit="km2",
        claimed_m2=4.371e9,
        geometry_m2=4.371e6,
        difference_pct=-99.9,
        verdict="outside tolerance",
    )
    assert explain.difference(claim, "en") == "The published figure is about 1,000 times the official area."
    assert "unit error in the source (×1,000)" in explain.reason(claim, tolerance="±2 %", language="en")
    assert "×1,000" in explain.reason(claim, tolerance="±2 %", language="ja")
    # Pyeong written where m² were meant is no power of ten: the tolerance is what it exceeds.
    swapped = _claim(claimed_m2=3_305_785.12 * 3.3058, verdict="outside tolerance", difference_pct=-69.0)
    assert "tolerance" in explain.reason(swapped, tolerance="±2 %", language="en")


def test_the_reason_names_the_rounding_step_in_the_page_numerals_and_the_caveat_in_its_language():
    claim = _claim(caveat_en="A later figure.", caveat_ja="後の数値です。")
    assert explain.reason(claim, tolerance="±2 %", language="en") == (
        f"Outside the tolerance, but the figure is rounded to 100,000{NBSP}pyeong and the area rounds to it. "
        "A later figure."
    )
    assert "10万坪単位" in explain.reason(claim, tolerance="±2 %", language="ja")
    assert explain.reason(claim, tolerance="±2 %", language="ja").endswith("。後の数値です。")
    assert f"10만{NBSP}평" in explain.reason(claim, tolerance="±2 %", language="ko")
    uncertain = _claim(verdict=Verdict.HOLDS.value, uncertain=True)
    assert explain.reason(uncertain, tolerance="±2 %", language="en") == "The source is weak or conflicts with others."
    unchecked = _claim(verdict=Verdict.UNCHECKED.value, audit_note=Note.AMBIGUOUS.value)
    assert "several candidates" in explain.reason(unchecked, tolerance="±2 %", language="en")


def test_the_published_figure_keeps_its_decimals_and_quotes_in_the_page_style():
    assert explain.published(_claim(figure=4.371, unit="km2", rounding=0.001), "en") == f"4.371{NBSP}km²"
    assert explain.published(_claim(quote="100万坪の団地"), "ja") == "「100万坪」"
    assert explain.published(_claim(quote="100万坪の団地"), "en") == "“100万坪”"


def test_a_claim_within_its_rounding_holds_and_the_audit_counts_it_apart(tmp_path, belt_zones):
    measured = geo.run_audit(belt_zones, geo.load_claims().iloc[:0]).belt["area_m2"]
    figure = round(measured * 0.97)  # 3 % short: outside ±2 %
    rows = [
        # Rounded to a step of 10 % of the figure (given): the belt's area rounds to it.
        f'round,belt,{figure},m2,P,2024-01-01,https://example.org/a,en,"about {figure:,} m²",{figure // 10},',
        # The same figure given to the m²: the rounding cannot save it.
        f"exact,belt,{figure},m2,P,2024-01-01,https://example.org/b,en,,1,false",
        # No step given: read from the figure as written (an integer to the m² has steps of 1 to 1,000 m²).
        f"derived,belt,{figure},m2,P,2024-01-01,https://example.org/c,en,,,",
    ]
    path = tmp_path / "claims.csv"
    header = "claim_id,subject,figure,unit,publisher,date,url,language,quote,rounding,approximate\n"
    path.write_text(header + "\n".join(rows) + "\n")
    claims = geo.load_claims(path).set_index("claim_id")
    assert claims.loc["round", "approximate"] and not claims.loc["exact", "approximate"]
    assert claims.loc["exact", "rounding"] == 1 and claims.loc["derived", "rounding"] <= 1_000
    audit = geo.run_audit(belt_zones, geo.load_claims(path))
    claims = audit.claims.set_index("claim_id")
    assert claims.loc["round", "verdict"] == Verdict.ROUNDING and claims.loc["round", "holds"] is True
    assert claims.loc["round", "within_tolerance"] is False and claims.loc["round", "within_rounding"] is True
    assert claims.loc["exact", "verdict"] == Verdict.OFF and claims.loc["derived", "verdict"] == Verdict.OFF
    assert not audit.passed
    counted = geo.headline.tally(audit.claims, "belt")
    assert (counted.holding, counted.rounding, counted.outside) == (1, 1, 2)
    sentence = geo.headline.sentence(counted, tolerance="±2 %", language="en", named=False)
    assert sentence == "1 of 3 published figures hold (0 within ±2 %, 1 within rounding); 2 are outside it"


def test_a_bad_rounding_is_a_one_line_input_error(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text(
        "claim_id,subject,figure,unit,publisher,date,url,language,quote,rounding\n"
        "c1,belt,100,m2,P,2024-01-01,https://example.org,en,,ten\n"
    )
    with pytest.raises(InputError, match=r"claims.csv row 2 \(c1\): rounding 'ten' is not a positive number"):
        geo.load_claims(path)


def test_data_in_the_explanation_is_escaped():
    claim = _claim(
        claim_id="x",
        subject="belt",
        publisher="<b>P</b>",
        date="2024",
        url="https://example.org",
        claimed_pyeong=1_000_000.0,
        caveat_en='<img src=x onerror="alert(1)">',
        quote="<script>100万坪</script>",
    )
    html = claims_table(pd.DataFrame([claim]), language="en", tolerance="±2 %")
    assert "<script>" not in html and "<img" not in html and "<b>P</b>" not in html
    assert "&lt;img src=x" in html and "“100万坪”" in html
