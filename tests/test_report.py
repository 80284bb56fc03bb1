"""Report formats: the JSON contract, Excel-ready CSV, Markdown and the terminal table."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo
import geo.schema
from geo import _format, report


def test_json_contract(belt_audit):
    document = json.loads(report.to_json(belt_audit))
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
    belt = next(c for c in document["claims"] if c["claim_id"] == "belt_holds")
    assert belt["within_tolerance"] is True and belt["difference_pct"] == pytest.approx(-1.8, abs=1e-9)
    assert belt["source"]["quote"].startswith("220万坪")
    off = next(c for c in document["claims"] if c["claim_id"] == "future_off")
    assert off["within_tolerance"] is False and document["passed"] is False


def test_json_writes_missing_values_as_null(belt_audit):
    text = report.to_json(belt_audit)
    assert "NaN" not in text


def test_csv_has_a_bom_and_round_trips_hangul_and_kana(belt_audit):
    text = report.to_csv(belt_audit)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == len(belt_audit.claims)
    assert any(r["quote"] == "약 100만평" for r in rows)
    assert any(r["quote"].startswith("220万坪") for r in rows)
    zones = list(csv.DictReader(io.StringIO(report.to_csv(belt_audit, table="zones")[1:])))
    assert zones[0]["name_ja"] == "ビッグリーン国家産業団地（光州側）"


def test_markdown_tables_link_sources_and_escape_pipes(belt_audit):
    text = report.to_markdown(belt_audit)
    assert "| claim | subject |" in text
    assert "[Invest KOREA 2024-01-01](https://example.org/belt_holds)" in text
    assert "by construction" in text
    claims = belt_audit.claims.copy()
    claims.loc[0, "claim_id"] = "a|b"
    hostile = type(belt_audit)(belt_audit.zones, claims, belt_audit.belt, belt_audit.overlaps, 0.02)
    assert "a\\|b" in report.to_markdown(hostile)


def test_table_aligns_double_width_text(belt_audit):
    lines = report.to_table(belt_audit).splitlines()
    header = next(line for line in lines if line.startswith("claim "))
    row = next(line for line in lines if line.startswith("jingok_exact"))
    # 한국향토문화전자대전 is 20 columns wide on a terminal; the verdict column still lines up.
    assert _format.display_width(header[: header.index("verdict")]) == _format.display_width(row[: row.index("holds")])
    assert lines[-1] == "Tolerance ±2 %: some claims are outside the tolerance."
    part = next(line for line in lines if line.startswith("gwangju_part "))
    assert part.endswith("산업통상자원부 2024-01-01 (uncertain)")


def test_csv_text_cannot_run_as_an_excel_formula(belt_audit):
    zones = belt_audit.zones.copy()
    zones.loc[0, "name_en"] = '=HYPERLINK("http://x","y")'
    zones.loc[1, "name_en"] = "-1+1"
    hostile = type(belt_audit)(zones, belt_audit.claims, belt_audit.belt, belt_audit.overlaps, 0.02)
    rows = list(csv.DictReader(io.StringIO(report.to_csv(hostile, table="zones")[1:])))
    assert rows[0]["name_en"] == '\'=HYPERLINK("http://x","y")' and rows[1]["name_en"] == "'-1+1"
    assert float(rows[0]["official_difference_pct"]) <= 0.001  # numbers, negative ones too, are untouched


def test_markdown_links_only_http_sources_and_escapes_everything_else(belt_audit):
    claims = belt_audit.claims.copy()
    claims.loc[0, "url"] = "javascript:alert(1)"
    claims.loc[1, "url"] = "https://example.org/a (b)|c"
    claims.loc[2, "claim_id"] = "[x](javascript:alert(2))"
    hostile = type(belt_audit)(belt_audit.zones, claims, belt_audit.belt, belt_audit.overlaps, 0.02)
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
def test_the_human_reports_speak_the_language_asked(belt_audit, language):
    table = report.to_table(belt_audit, language=language)
    markdown = report.to_markdown(belt_audit, language=language)
    holds = geo.i18n.text("verdict_holds", language)
    assert holds in table and holds in markdown
    assert "verdict" not in table and "Triangle-belt area audit" not in markdown
    assert geo.i18n.text("report_title", language) in markdown
    header = report.to_csv(belt_audit, language=language).splitlines()[0]
    assert geo.schema.CLAIM_FIELDS["verdict"].title(language) in header and "claim_id" not in header


def test_csv_headers_stay_column_names_without_a_language(belt_audit):
    assert report.to_csv(belt_audit).splitlines()[0].startswith("\ufeffclaim_id,subject,figure,unit")


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.one_of(st.none(), st.text())),
        min_size=1,
        max_size=20,
    )
)
def test_json_records_equal_the_value_by_value_conversion(rows):
    frame = pd.DataFrame(rows, columns=["x", "flag", "name"])
    assert _format.json_records(frame) == [_format.json_record(row) for row in frame.to_dict("records")]


def test_json_is_compact_unless_asked(belt_audit):
    compact, pretty = report.to_json(belt_audit), report.to_json(belt_audit, pretty=True)
    assert json.loads(compact) == json.loads(pretty)
    assert "\n  " in pretty and compact.count("\n") == 1 and len(compact) < len(pretty)


def test_unchecked_claims_are_listed_and_fail_the_audit(belt_zones, belt_claims):
    claims = belt_claims.copy()
    claims.loc[len(claims)] = {**claims.iloc[0].to_dict(), "claim_id": "elsewhere", "subject": "007"}
    result = geo.run_audit(belt_zones, claims)
    document = json.loads(report.to_json(result))
    assert document["unchecked"] == ["elsewhere"] and document["passed"] is False
    assert "could not be checked" not in report.to_table(result).splitlines()[-1]  # one is also off: that wins
    holding = claims[claims["claim_id"].isin(["belt_holds", "elsewhere"])]
    text = report.to_table(geo.run_audit(belt_zones, holding))
    assert text.rstrip().endswith("Tolerance ±2 %: 1 claim could not be checked (its subject is no zone of the file).")


#: The keys of the JSON report before its tables, in order (docs/audit.md, "JSON contract").
REPORT_HEAD = ("tool", "version", "tolerance", "passed", "unchecked", "headline", "crs", "units", "belt")


def test_the_streamed_report_is_the_whole_document_byte_for_byte(belt_audit):
    """write_json writes chunk by chunk what one json.dumps of the whole report writes, hostile text included."""
    zones = belt_audit.zones.copy()
    zones.loc[0, "name_en"] = 'a "quoted"\x1b[31m\u202e name\ud800 | =1'
    zones.loc[1, "official_area_m2"] = float("nan")
    overlaps = pd.DataFrame({"a": ["bitgoeul/gwangju"], "b": ["future/main"], "overlap_m2": [12.5]})
    result = dataclasses.replace(belt_audit, zones=zones, overlaps=overlaps)
    columns = [c for c in geo.schema.ZONE_REPORT_COLUMNS if c in zones.columns]
    for pretty in (False, True):
        stream = io.StringIO()
        report.write_json(result, stream, pretty=pretty)
        text = stream.getvalue()
        document = json.loads(text)
        assert list(document) == [*REPORT_HEAD, "zones", "claims", "overlaps"]
        assert document["zones"] == _format.json_records(zones[columns])
        assert document["overlaps"] == [{"a": "bitgoeul/gwangju", "b": "future/main", "overlap_m2": 12.5}]
        assert text == _format.to_json(document, pretty=pretty) == report.to_json(result, pretty=pretty)


def test_the_build_writes_the_indented_report_atomically(belt_audit, tmp_path):
    written = report.write_reports(tmp_path, belt_audit)
    assert sorted(p.name for p in written) == sorted(report.output_files())
    assert (tmp_path / "audit.json").read_text(encoding="utf-8") == report.to_json(belt_audit, pretty=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(report.output_files())  # no temporary left


#: Values that act in Markdown (or in the HTML it becomes) unless escaped.
HOSTILE_MARKDOWN = (
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<javascript:alert(2)>",
    "`code` and ``more``",
    "a | b || c",
    "line\nbreak\r\nand\u2028more",
    "&#60;img src=x onerror=alert(3)&#62;",
    "![x](https://evil.example/x.png)",
    "[ref]: javascript:alert(4)",
    "*em* _em_ # not a heading \\",
)
#: The HTML elements the report's own Markdown makes (headings, paragraphs, lists, tables, source links).
REPORT_ELEMENTS = re.compile(r"</?(?:h2|h3|p|ul|li|table|thead|tbody|tr|th|td|a)(?: href=\"https?://[^\"]*\")?>")


def _hostile_audit(belt_zones, belt_claims, value: str) -> geo.AuditResult:
    """The belt with ``value`` in every string from data that audit.md shows: an in-belt zone's id and part (the
    belt sentence and the zone table), names, geometry quality, claim ids, subjects, units, publishers, dates,
    URLs, notes and every column of the match table."""
    zones = belt_zones.drop(columns=["feature_id"]).copy()
    zones.loc[0, ["zone_id", "part", "name_en", "name_ko", "name_ja"]] = [value + "0", value + "1", value, value, value]
    zones.loc[1, "geometry_quality"] = value
    zones = geo.io.prepare_zones(zones, "zones.geojson")
    claims = belt_claims.copy()
    claims.loc[0, ["claim_id", "subject", "publisher", "date"]] = [value, zones["feature_id"].iloc[0], value, value]
    claims.loc[1, ["unit", "url"]] = [value, "javascript:alert(5)"]
    claims.loc[2, "url"] = "https://example.org/" + value
    result = geo.run_audit(zones, claims)
    result.claims.loc[3, "audit_note"] = value
    keys = ("outcome", "zone_id", "official_id", "official_name", "name_match", "method", "note")
    return dataclasses.replace(result, matches=pd.DataFrame([dict.fromkeys(keys, value)]))


@pytest.mark.parametrize("value", HOSTILE_MARKDOWN)
@pytest.mark.parametrize("language", ["ko", "en", "ja"])
def test_data_in_audit_md_is_text_wherever_it_lands(belt_zones, belt_claims, value, language):
    markdown = pytest.importorskip("markdown")
    result = _hostile_audit(belt_zones, belt_claims, value)
    text = report.to_markdown(result, language=language)
    html = markdown.markdown(text, extensions=["tables"])
    assert all(REPORT_ELEMENTS.fullmatch(tag) for tag in re.findall(r"<[^>]*>", html)), html
    links = re.findall(r'href="([^"]*)"', html)  # only the http(s) sources, whole: a value can only be their text
    assert len(links) == len(result.claims) - 1 and links[2].startswith("https://example.org/"), links
    # every row of every table has its header's cells, and no value breaks a line
    for table in re.findall(r"(?:^\|.*\n)+", text, re.MULTILINE):
        rows = table.splitlines()
        cells = [len(re.findall(r"(?<!\\)(?:\\\\)*\|", row)) for row in rows]
        assert cells == [cells[0]] * len(rows), table
    belt_sentence = next(line for line in text.splitlines() if _format.markdown(value + "0") in line)
    assert "\n" not in belt_sentence and "<img" not in belt_sentence.replace("\\<img", "")
