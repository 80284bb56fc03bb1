"""Report formats: the JSON contract, Excel-ready CSV, Markdown and the terminal table."""

from __future__ import annotations

import csv
import io
import json

import pytest

import geo
import geo.schema
from geo import _format, report


def test_json_contract(audit_result):
    document = json.loads(report.to_json(audit_result))
    assert {"zones", "claims", "belt", "tolerance", "passed", "crs", "overlaps"} <= set(document)
    for zone in document["zones"]:
        assert {"zone_id", "area_m2", "area_m2_epsg5186", "area_pyeong"} <= set(zone)
    for claim in document["claims"]:
        assert {
            "claim_id",
            "subject",
            "claimed_m2",
            "geometry_m2",
            "difference_pct",
            "within_tolerance",
            "source",
        } <= set(claim)
        assert claim["source"]["url"].startswith("http")
    belt = next(c for c in document["claims"] if c["claim_id"] == "investkorea_belt")
    assert belt["within_tolerance"] is True and round(belt["difference_pct"], 1) == -1.8
    assert belt["source"]["quote"].startswith("220万坪")


def test_json_writes_missing_values_as_null(audit_result):
    text = report.to_json(audit_result)
    assert "NaN" not in text


def test_csv_has_a_bom_and_round_trips_hangul_and_kana(audit_result):
    text = report.to_csv(audit_result)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == len(audit_result.claims)
    assert any(r["quote"] == "약 714만㎡(220만평)" for r in rows)
    assert any(r["quote"].startswith("220万坪") for r in rows)
    zones = list(csv.DictReader(io.StringIO(report.to_csv(audit_result, table="zones")[1:])))
    assert zones[0]["name_ja"] == "ビッグリーン国家産業団地（光州側）"


def test_markdown_tables_link_sources_and_escape_pipes(audit_result):
    text = report.to_markdown(audit_result)
    assert "| claim | subject |" in text
    assert "[News1 2024-06-18](https://news1.kr/amp/local/gwangju-jeonnam/5451253)" in text
    assert "by construction" in text
    claims = audit_result.claims.copy()
    claims.loc[0, "claim_id"] = "a|b"
    hostile = type(audit_result)(audit_result.zones, claims, audit_result.belt, audit_result.overlaps, 0.02)
    assert "a\\|b" in report.to_markdown(hostile)


def test_table_aligns_double_width_text(audit_result):
    lines = report.to_table(audit_result).splitlines()
    header = next(line for line in lines if line.startswith("claim "))
    row = next(line for line in lines if line.startswith("grandculture_jingok"))
    # 한국향토문화전자대전 is 20 columns wide on a terminal; the verdict column still lines up.
    assert _format.display_width(header[: header.index("verdict")]) == _format.display_width(row[: row.index("holds")])
    assert lines[-1] == "Tolerance ±2 %: some claims are outside the tolerance."
    motie = next(line for line in lines if line.startswith("motie_future "))
    assert motie.endswith("MOTIE via Yonhap 2024-03-05 (uncertain)")


def test_csv_text_cannot_run_as_an_excel_formula(audit_result):
    zones = audit_result.zones.copy()
    zones.loc[0, "name_en"] = '=HYPERLINK("http://x","y")'
    zones.loc[1, "name_en"] = "-1+1"
    hostile = type(audit_result)(zones, audit_result.claims, audit_result.belt, audit_result.overlaps, 0.02)
    rows = list(csv.DictReader(io.StringIO(report.to_csv(hostile, table="zones")[1:])))
    assert rows[0]["name_en"] == '\'=HYPERLINK("http://x","y")' and rows[1]["name_en"] == "'-1+1"
    assert float(rows[0]["official_difference_pct"]) <= 0.001  # numbers, negative ones too, are untouched


def test_markdown_links_only_http_sources_and_escapes_everything_else(audit_result):
    claims = audit_result.claims.copy()
    claims.loc[0, "url"] = "javascript:alert(1)"
    claims.loc[1, "url"] = "https://example.org/a (b)|c"
    claims.loc[2, "claim_id"] = "[x](javascript:alert(2))"
    hostile = type(audit_result)(audit_result.zones, claims, audit_result.belt, audit_result.overlaps, 0.02)
    text = report.to_markdown(hostile)
    escaped_id = r"\[x\]\(javascript:alert\(2\)\)"  # escaped: shows as text, is not a link
    assert escaped_id in text
    assert "javascript:" not in text.replace(escaped_id, "")
    assert "(https://example.org/a%20%28b%29%7Cc)" in text


def test_csv_never_writes_negative_zero():
    import pandas as pd

    text = _format.excel_csv(pd.DataFrame({"pct": [-0.00001, -1.5]}), float_format="%.4f")
    assert text.splitlines()[1:] == ["0.0000", "-1.5000"]


@pytest.mark.parametrize("language", ["ko", "ja"])
def test_the_human_reports_speak_the_language_asked(audit_result, language):
    table = report.to_table(audit_result, language=language)
    markdown = report.to_markdown(audit_result, language=language)
    holds = geo.i18n.text("verdict_holds", language)
    assert holds in table and holds in markdown
    assert "verdict" not in table and "Triangle-belt area audit" not in markdown
    assert geo.i18n.text("report_title", language) in markdown
    header = report.to_csv(audit_result, language=language).splitlines()[0]
    assert geo.schema.CLAIM_FIELDS["verdict"].title(language) in header and "claim_id" not in header


def test_csv_headers_stay_column_names_without_a_language(audit_result):
    assert report.to_csv(audit_result).splitlines()[0].startswith("\ufeffclaim_id,subject,figure,unit")
