"""The one-page summary (summary_<lang>.pdf): one A4 page per language, the same counts and totals as the audit,
the claims that do not hold explained as everywhere else, no developer text; and every fact sheet of the
build within two pages.

The PDFs are printed by headless Chromium and read back with poppler-utils (pdfinfo, pdftotext).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import synthetic

import geo
from geo import _format, explain, factsheet, headline, i18n, pipeline, units
from geo.schema import Verdict

LANGUAGES = ("ko", "en", "ja")
A4_POINTS = (595.0, 842.0)


@pytest.fixture(scope="module")
def poppler() -> None:
    missing = [tool for tool in ("pdfinfo", "pdftotext") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail(f"{', '.join(missing)} missing (Debian poppler-utils), and CI=true requires them")
        pytest.skip(f"{', '.join(missing)} not installed (Debian poppler-utils)")


@pytest.fixture(scope="module")
def built(tmp_path_factory, needs_browser, poppler) -> tuple[Path, pipeline.BuildResult]:
    """The default build with PDFs (our zones and the FEZ, every language), as ``build_maps.py --pdf`` runs it."""
    out = tmp_path_factory.mktemp("summary_build")
    return out, pipeline.run(out, options=geo.BuildOptions(pdf=True))


def _pages(path: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-l", "99", str(path)], capture_output=True, text=True, check=True).stdout
    sizes = [line.split(":", 1)[1].split("pts")[0] for line in info.splitlines() if re.match(r"Page +\d+ size:", line)]
    return [tuple(float(v) for v in size.split(" x ")) for size in sizes]


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _bare(text: str) -> str:
    """Without any white space: lines wrap anywhere in the PDF, and CJK text reads back unspaced."""
    return re.sub(r"\s+", "", text)


def test_one_summary_per_language_planned_and_written(built):
    out, result = built
    names = [p.name for p in result.files]
    assert [n for n in names if n.startswith("summary")] == ["summary_ko.pdf", "summary_en.pdf", "summary_ja.pdf"]
    assert list(factsheet.summary_files(LANGUAGES)) == [n for n in result.plan.files if n.startswith("summary")]
    assert sorted(p.name for p in out.iterdir()) == sorted(result.plan.files)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_is_one_a4_page(built, language):
    out, _ = built
    pages = _pages(out / f"summary_{language}.pdf")
    assert len(pages) == 1
    assert pages[0] == pytest.approx(A4_POINTS, abs=1.5)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_states_the_audits_headline_and_totals(built, language):
    out, result = built
    text = _bare(_text(out / f"summary_{language}.pdf"))
    report = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    tolerance = f"±{report['tolerance'] * 100:g} %"
    stated = [t.scope for t in headline.stated(result.audit)]
    assert stated == ["belt", "fez", "all"]
    for scope in stated:  # the counts audit.json states, in the words every output uses
        counted = headline.Tally(**{**report["headline"][scope], "unchecked_ids": ()})
        assert _bare(headline.sentence(counted, tolerance=tolerance, language=language)) in text, scope
    for summary in (report["belt"], report["fez"]):
        m2 = summary["area_m2"]
        for value in (
            _format.number(m2),
            _format.number(units.from_m2(m2, "ha"), 2),
            _format.number(summary["area_pyeong"]),
        ):
            assert value in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_explains_each_claim_outside_the_tolerance(built, language):
    out, result = built
    text = _bare(_text(out / f"summary_{language}.pdf"))
    claims = result.audit.claims
    off = claims[claims["verdict"] == Verdict.OFF]
    assert len(off) >= 2  # the bundled claims have some (a rounded MOTIE figure, a unit error)
    tolerance = f"±{result.audit.tolerance * 100:g} %"
    for claim in off.to_dict("records"):
        assert _bare(explain.difference(claim, language)) in text, claim["claim_id"]
        assert _bare(explain.reason(claim, tolerance=tolerance, language=language)) in text, claim["claim_id"]
        assert _bare(explain.published(claim, language)) in text, claim["claim_id"]
    # the schematic statement: every outline of ours is schematic
    assert _bare(i18n.text("schematic_label", language)) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_has_no_developer_text(built, language):
    out, result = built
    text = _text(out / f"summary_{language}.pdf")
    assert ".py" not in text and "_" not in text
    for identifier in [*result.audit.claims["claim_id"], "investkorea_future", "fez/vehicle"]:
        assert identifier not in text
    assert "within_tolerance" not in text and "nan" not in text.split()


def test_every_fact_sheet_of_the_build_is_at_most_two_a4_pages(built):
    _, result = built
    sheets = [p for p in result.files if p.name.startswith("factsheet_")]
    assert len(sheets) == 5 * 3  # the belt, three zones and the FEZ, in three languages
    for path in sheets:
        pages = _pages(path)
        assert 1 <= len(pages) <= 2, path.name
        assert all(size == pytest.approx(A4_POINTS, abs=1.5) for size in pages), path.name


def test_the_index_pages_link_the_summary_as_what_it_is(built):
    out, _ = built
    for language in LANGUAGES:
        page = (out / f"index_{language}.html").read_text(encoding="utf-8")
        for other in LANGUAGES:
            assert f'<a href="summary_{other}.pdf">summary_{other}.pdf</a>' in page
        assert i18n.text("file_summary", language) in page
    landing = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="summary_ja.pdf"' in landing


def test_one_language_and_a_users_zone_file_write_only_that_summary_of_the_belt(
    tmp_path, needs_browser, poppler, belt_zone_file, belt_claims_file, belt_audit
):
    from geo.cli import main

    out = tmp_path / "out"
    args = ["build", "--lang", "ja", "--pdf", "--zones", str(belt_zone_file), "--claims", str(belt_claims_file)]
    assert main([*args, "--out", str(out)]) == 0
    pdfs = sorted(p.name for p in out.glob("*.pdf"))
    assert [n for n in pdfs if n.startswith("summary")] == ["summary_ja.pdf"]
    assert all(n.endswith("_ja.pdf") and "fez" not in n for n in pdfs)
    path = out / "summary_ja.pdf"
    assert len(_pages(path)) == 1
    text = _bare(_text(path))
    assert _format.number(belt_audit.belt["area_m2"]) in text  # the belt's total, and no FEZ
    assert _bare(i18n.text("fez_name", "ja")) not in text and "_" not in text
    off = belt_audit.claims[belt_audit.claims["verdict"] == Verdict.OFF].to_dict("records")
    assert off and all(_bare(explain.difference(claim, "ja")) in text for claim in off)


# --- the page as HTML (no browser) ---------------------------------------------------------------------------


def _html(zones, audit, language="en", **options) -> str:
    return factsheet.summary_html(zones, audit, language=language, context=None, points=None, date="2023-11-14",
                                  **options)  # fmt: skip


def test_a_claim_that_could_not_be_checked_says_why(belt_zones, belt_claims):
    extra = synthetic.claims(belt_zones).iloc[[0]].assign(claim_id="nowhere_claim", subject="nowhere")
    audit = geo.run_audit(belt_zones, pd.concat([belt_claims, extra], ignore_index=True))
    html = _html(belt_zones, audit)
    claim = audit.claims[audit.claims["claim_id"] == "nowhere_claim"].iloc[0].to_dict()
    assert claim["verdict"] == Verdict.NOT_FOUND
    reason = explain.reason(claim, tolerance="±2 %", language="en")
    assert reason and geo._html.escape(reason) in html
    assert geo._html.escape(i18n.text("summary_unchecked", "en", count=1)) in html
    assert "nowhere" not in html  # the subject is no zone: it is named in words, not by its id


def test_a_long_list_is_cut_and_says_how_many_more(belt_zones, belt_audit):
    off = (belt_audit.claims["holds"] == False).sum()  # noqa: E712 (None is unchecked)
    assert off >= 1
    html = _html(belt_zones, belt_audit, listed=0)
    assert "<li>" not in html.split('class="claims"')[-1].split("</ul>")[0]
    assert geo._html.escape(i18n.text("summary_more", "en", count=int(off))) in html


def test_strings_from_data_are_escaped_and_the_fez_needs_its_districts(belt_zones, belt_audit):
    zones = belt_zones.copy()
    zones.loc[zones["zone_id"] == "future", "name_en"] = "<script>alert(1)</script> & co"
    html = _html(zones, belt_audit)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert i18n.text("fez_name", "en") not in html  # no districts: a page of the belt alone
