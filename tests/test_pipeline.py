"""The build as a library function: what it writes, in which language, and what it refuses before writing."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET

import pytest

import geo
from geo import export, pipeline, raster


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("built")
    options = geo.BuildOptions(languages=("ja",))
    return out, options, geo.build(out, options=options)


def test_build_writes_exactly_what_its_modules_declare(built):
    out, options, written = built
    zones = options.zones.load()
    assert sorted(p.name for p in out.iterdir()) == sorted(pipeline.planned_outputs(zones, options))
    assert sorted(p.name for p in written) == sorted(pipeline.planned_outputs(zones, options))
    assert (out / raster.DISTANCE_FILE) in written and written[0].name == "audit.json"


def test_a_build_in_one_language_labels_the_geopackage_in_it(built):
    out, _, _ = built
    with sqlite3.connect(out / export.GEOPACKAGE_NAME) as connection:
        qml = dict(connection.execute("SELECT f_table_name, styleQML FROM layer_styles"))
        titles = dict(connection.execute("SELECT table_name, identifier FROM gpkg_contents"))
    label = ET.fromstring(qml["zone_parts"]).find("labeling/settings/text-style")
    assert label.get("fieldName") == "name_ja"
    assert titles["zones"].startswith("区域")
    assert not list(out.glob("*_en.html")) and (out / "belt_ja.html").exists()


def test_a_build_in_one_language_writes_every_output_in_it(built):
    """``--lang ja``: the maps, index pages, audit.md and CSV headers are Japanese (the GeoPackage, above)."""
    out, _, written = built
    markdown = (out / "audit.md").read_text(encoding="utf-8")
    assert markdown.startswith("## ") and geo.i18n.text("report_title", "ja") in markdown
    header = (out / "audit_claims.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith(geo.schema.CLAIM_FIELDS["claim_id"].title("ja"))
    assert '<html lang="ja">' in (out / "belt_ja.html").read_text(encoding="utf-8")
    # Each file is written once (the index pages too, last), and the record agrees with the folder.
    assert len({p.name for p in written}) == len(written) and written[-1].name == "index.html"


def test_without_a_language_the_single_language_outputs_are_english_with_column_names(belt_zones, belt_audit):
    options = geo.BuildOptions()
    plan = pipeline.plan(options, belt_zones, belt_audit)
    assert plan.languages == geo.settings.LANGUAGES and plan.language == "en" and plan.csv_language is None
    one = pipeline.plan(geo.BuildOptions(languages=("ko",)), belt_zones, belt_audit)
    assert one.language == one.csv_language == "ko"


def test_the_plan_decides_the_zone_maps_and_the_fez_once(belt_zones, belt_audit, tmp_path):
    ours = pipeline.plan(geo.BuildOptions(zone_maps="jingok"), belt_zones, belt_audit)
    assert ours.zone_ids == ("jingok",) and ours.has_fez
    assert "zone_jingok_ko.html" in ours.files and "fez_ja.html" in ours.files
    zone_file = tmp_path / "mine.geojson"
    belt_zones.to_file(zone_file)
    mine = pipeline.plan(geo.BuildOptions(zones=geo.ZoneSource(path=zone_file), pdf=True), belt_zones, belt_audit)
    assert mine.fez is None and not any(name.startswith(("fez_", "factsheet_fez")) for name in mine.files)
    assert "factsheet_jingok_en.pdf" in mine.files and mine.title == "mine"


@pytest.mark.parametrize("name", ["belt_en.html", "zone_jingok_ko.html", "audit.md", export.GEOPACKAGE_NAME])
def test_the_build_refuses_to_write_over_an_input_named_like_any_output(tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    claims = out / name
    claims.write_bytes(geo.settings.CLAIMS_FILE.read_bytes())
    with pytest.raises(geo.OutputError, match="the build would write over it"):
        geo.build(out, options=geo.BuildOptions(claims=claims))
    assert [p.name for p in out.iterdir()] == [name]


def test_the_build_command_ends_with_what_it_wrote_and_the_verdict(tmp_path, belt_zone_file, belt_claims_file, capsys):
    from geo.cli import main

    out = tmp_path / "out"
    args = ["build", "--lang", "en", "--zones", str(belt_zone_file), "--claims", str(belt_claims_file)]
    assert main([*args, "--out", str(out)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith(f"built {out}: ") and "gpkg" in err[0] and "index.html" in err[0]
    assert err[1] == (
        "audit: Belt and its zones: 3 of 4 published figures hold within ±2 %; 1 is outside it. "
        "Outside: future_off (+2.50 %)"
    )


def test_pdf_fact_sheets_are_planned_written_and_named_by_their_module(tmp_path, belt_zones, needs_browser):
    from geo import factsheet

    zone_file = tmp_path / "mine.geojson"
    belt_zones.drop(columns="feature_id").to_file(zone_file)
    options = geo.BuildOptions(zones=geo.ZoneSource(path=zone_file), languages=("en",), pdf=True)
    assert pipeline.plan(options, options.zones.load()).title == "mine"
    written = geo.build(tmp_path / "out", options=options)
    pdfs = [p for p in written if p.suffix == ".pdf"]
    sheets = factsheet.output_files(belt_zones["zone_id"].unique(), ("en",))
    assert sorted(p.name for p in pdfs) == sorted([*sheets, *factsheet.summary_files(("en",))])
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)


@pytest.mark.parametrize("zone_maps", ["none", "jingok"])
def test_the_zone_maps_option_is_planned_and_written(tmp_path, zone_maps):
    options = geo.BuildOptions(languages=("en",), zone_maps=zone_maps)
    written = geo.build(tmp_path, options=options)
    zones, audit = geo.sources.audit_source(options.zones, geo.load_claims(), tolerance=options.tolerance)
    planned = pipeline.planned_outputs(zones, options, audit)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(planned) == sorted(p.name for p in written)
    zone_html = sorted(n for n in planned if n.startswith("zone_") and n.endswith(".html"))
    assert zone_html == ([] if zone_maps == "none" else ["zone_jingok_en.html"]) and "fez_en.html" in planned


def test_an_unknown_zone_in_the_zone_maps_option_is_refused_before_writing(tmp_path):
    with pytest.raises(geo.InputError, match="no zone 'nowhere'"):
        geo.build(tmp_path / "out", options=geo.BuildOptions(languages=("en",), zone_maps="nowhere"))
    assert not (tmp_path / "out").exists()


def test_our_zones_with_pdf_get_the_fez_fact_sheet_linked_from_the_index(tmp_path, needs_browser):
    """Our zones (the default build: a user's file says nothing of the FEZ) with ``pdf``: the belt's and the FEZ's."""
    options = geo.BuildOptions(languages=("en",), pdf=True, zone_maps="none")
    written = geo.build(tmp_path, options=options)
    pdfs = sorted(p.name for p in written if p.suffix == ".pdf")
    assert pdfs == ["factsheet_belt_en.pdf", "factsheet_fez_en.pdf", "summary_en.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(pipeline.planned_outputs(options.zones.load(), options))
    assert 'href="factsheet_fez_en.pdf"' in (tmp_path / "index_en.html").read_text(encoding="utf-8")
