"""The command line: exit codes, one-line errors, and the reports the build writes."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
import warnings

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
import synthetic
from conftest import PROJECT_ROOT

import geo
import geo.cli.audit
from geo.cli import main
from geo.cli.main import cli, with_command


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "build_maps.py"), *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def belt_files(belt_zone_file, belt_claims_file) -> list[str]:
    """``--zones`` and ``--claims`` of the synthetic belt (tests/synthetic.py), whose verdicts are known exactly."""
    return ["--zones", str(belt_zone_file), "--claims", str(belt_claims_file)]


def test_audit_exits_1_when_a_claim_is_off_and_shows_each_difference(capsys, belt_files):
    assert main(["audit", *belt_files]) == 1
    out = capsys.readouterr().out
    assert re.search(r"^belt_holds +belt .* -1\.80 % .* holds ", out, re.MULTILINE)  # set at −1.8 %
    assert re.search(r"^future_off +future .* \+2\.50 % .* outside tolerance ", out, re.MULTILINE)  # at +2.5 %


@pytest.mark.parametrize(
    ("tolerance", "off", "code"),
    [
        ("0.03", [], 0),  # every claim within 3 %: the future complex's +2.5 % too
        ("0.02", ["future_off"], 1),  # the default
        ("0.015", ["belt_holds", "future_off"], 1),  # the belt's −1.8 % too; Bitgoeul's part (+1 %) still holds
    ],
)
def test_the_tolerance_decides_the_verdicts_and_the_exit_code(capsys, belt_files, tolerance, off, code):
    assert main(["audit", *belt_files, "--format", "json", "--tolerance", tolerance]) == code
    document = json.loads(capsys.readouterr().out)
    assert [c["claim_id"] for c in document["claims"] if c["within_tolerance"] is False] == off
    assert all(c["within_tolerance"] is True for c in document["claims"] if c["claim_id"] not in off)
    assert document["passed"] is (not off) and document["tolerance"] == float(tolerance)
    expected = {claim[0]: claim[2] * 100 for claim in synthetic.CLAIMS}
    assert {c["claim_id"]: c["difference_pct"] for c in document["claims"]} == pytest.approx(expected, abs=1e-6)


def test_the_default_audit_is_of_the_bundled_belt_and_the_fez(capsys):
    """About the bundled layers: with no files named, the audit checks our claims on our zones and the FEZ."""
    assert main(["audit"]) == 1
    out = capsys.readouterr().out
    assert "investkorea_belt" in out and re.search(r"-1\.8[23] %", out)  # −1.825 % exactly
    # At 3 % every claim holds but Newsis's "4371㎢" for the FEZ (a unit error: −99.9 %).
    assert main(["audit", "--format", "json", "--tolerance", "0.03"]) == 1
    document = json.loads(capsys.readouterr().out)
    off = [c["claim_id"] for c in document["claims"] if c["within_tolerance"] is False]
    assert off == ["newsis_fez_total_2019"] and document["passed"] is False and document["tolerance"] == 0.03
    assert document["fez"]["official_sum_m2"] == 4_371_000
    assert main(["audit", "--format", "json", "--tolerance", "0.01"]) == 1
    document = json.loads(capsys.readouterr().out)
    investkorea = next(c for c in document["claims"] if c["claim_id"] == "investkorea_belt")
    assert investkorea["within_tolerance"] is False


def test_audit_of_a_users_file_with_none_of_the_subjects_measures_its_zones_and_exits_2(
    tmp_path, capsys, belt_claims_file
):
    frame = gpd.GeoDataFrame(
        {"dan_id": ["D1"], "dan_name": ["어느 산단"]}, geometry=[shapely.box(126.7, 35.1, 126.71, 35.11)], crs=4326
    )
    path = tmp_path / "damdan.gpkg"
    pyogrio.write_dataframe(frame.to_crs(5186), path)
    args = ["--zones", str(path), "--id-field", "dan_id", "--name-field", "dan_name", "--claims", str(belt_claims_file)]
    code = main(["audit", *args, "--format", "json"])
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert code == 2  # no claim could be checked: never a success
    assert document["zones"][0]["zone_id"] == "D1"
    assert document["zones"][0]["area_m2"] == pytest.approx(geo.area_m2(frame).iloc[0], abs=0.01)  # > 1e6
    assert all(c["within_tolerance"] is None for c in document["claims"]) and document["passed"] is False
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("error: no claim could be checked: none of the subjects of claims.csv (belt, ")
    assert "is a zone of damdan.gpkg (its zone ids: D1); pass --claims" in line


CLAIMS_HEADER = "claim_id,subject,figure,unit,publisher,date,url,language,quote\n"


def _zones_with_ids(path, ids, **columns):
    boxes = [shapely.box(126.70 + 0.02 * i, 35.15, 126.71 + 0.02 * i, 35.16) for i in range(len(ids))]
    gpd.GeoDataFrame({"zone_id": ids, **columns}, geometry=boxes, crs=4326).to_file(path)
    return path


@pytest.mark.parametrize(
    ("suffix", "ids", "expected"),
    [
        (".geojson", ["007", "101"], ["007", "101"]),  # text ids with leading zeros stay text
        (".gpkg", [7, 101], ["7", "101"]),  # an integer field
        (".gpkg", [7.0, 101.0], ["7", "101"]),  # a float field with .0
    ],
)
def test_ids_that_look_like_numbers_are_checked_not_skipped(tmp_path, capsys, suffix, ids, expected):
    zones = _zones_with_ids(tmp_path / f"zones{suffix}", ids)
    areas = geo.area_m2(geo.load_zones(zones))
    claims = tmp_path / "claims.csv"
    rows = [f"{z},{z},{a:.2f},m2,p,,https://x,ko,q" for z, a in zip(expected, areas, strict=True)]
    claims.write_text(CLAIMS_HEADER + "\n".join(rows) + "\n")
    assert main(["audit", "--zones", str(zones), "--claims", str(claims), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [c["claim_id"] for c in document["claims"]] == expected  # 007 is not shown as 7
    assert [c["subject"] for c in document["claims"]] == expected
    assert all(c["verdict"] == "holds" for c in document["claims"]) and document["passed"] is True


def test_a_claim_about_007_does_not_hold_for_zone_7(tmp_path, capsys, caplog):
    zones = _zones_with_ids(tmp_path / "zones.geojson", ["7", "8"])
    claims = tmp_path / "claims.csv"
    claims.write_text(CLAIMS_HEADER + "c007,007,1000,m2,p,,https://x,ko,q\nc8,8,1000,m2,p,,https://x,ko,q\n")
    with caplog.at_level(logging.INFO, logger="geo.audit"):
        assert main(["audit", "--zones", str(zones), "--claims", str(claims), "--tolerance", "0.99"]) == 1
    captured = capsys.readouterr()
    assert re.search(r"^c007 +007 .* subject not in zones", captured.out, re.MULTILINE)
    assert "1 of 2 claims could not be checked" in caplog.text and "c007 (007: no zone of" in caplog.text
    assert re.search(r"^c007 +007 ", captured.out, re.MULTILINE)


@pytest.mark.parametrize("figure", ["1e308", "1e400", "1e15"])
def test_a_figure_that_is_no_area_on_earth_is_one_line(tmp_path, capsys, belt_zone_file, figure):
    claims = tmp_path / "claims.csv"
    claims.write_text(CLAIMS_HEADER + f"huge,belt,{figure},pyeong,p,,https://x,ko,q\n")
    assert main(["audit", "--zones", str(belt_zone_file), "--claims", str(claims)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: claims.csv row 2 (huge): figure ")
    assert "check the figure and its unit" in line or "is not a positive number" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", "--zones", "missing.geojson"], "error: missing.geojson: no such file; check the path"),
        (["audit", "--zones", "{belt}", "--claims", "missing.csv"], "error: missing.csv: no such file; check the path"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(belt_zone_file, args, message):
    result = _run(*(str(belt_zone_file) if arg == "{belt}" else arg for arg in args))
    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert "Traceback" not in result.stderr


def test_bad_zone_file_through_the_command_line(tmp_path):
    path = tmp_path / "lines.geojson"
    pyogrio.write_dataframe(
        gpd.GeoDataFrame({"zone_id": ["x"]}, geometry=[shapely.LineString([(126.7, 35.1), (126.8, 35.2)])], crs=4326),
        path,
    )
    result = _run("audit", "--zones", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: lines.geojson feature 1 (x): is a LineString, not a polygon")


def test_bad_claims_file(tmp_path, belt_zone_file):
    claims = tmp_path / "claims.csv"
    claims.write_text("claim_id,subject,figure,unit,publisher,date,url,language,quote\nc1,belt,lots,acre,p,,u,ko,q\n")
    result = _run("audit", "--zones", str(belt_zone_file), "--claims", str(claims))
    assert result.returncode == 2
    assert "claims.csv: claims.csv row 2 (c1): figure 'lots' is not a positive number" in result.stderr
    assert "unit 'acre' is unknown" in result.stderr


def test_bad_tolerance_is_an_argument_error():
    result = _run("audit", "--tolerance", "2%")
    assert result.returncode == 2 and "is not a number; write e.g. 0.02 for 2 %" in result.stderr


def test_the_readmes_main_command_builds_everything_from_the_bundled_layers(tmp_path):
    """The default build, end to end through build_maps.py: about the bundled layers (our zones get the FEZ map
    too), so it stays on them; ``--out`` only keeps the checkout's maps/ untouched."""
    out = tmp_path / "out"
    result = _run("--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"built {out}: ") and "\naudit: " in result.stderr
    written = {p.name for p in out.iterdir()}
    stems = ["belt", "fez", "zone_bitgoeul", "zone_jingok", "zone_future", "index"]
    maps_written = {f"{stem}_{language}.html" for stem in stems for language in ("ko", "en", "ja")}
    others = {"index.html", "triangle_belt.gpkg", "triangle_belt.geojson", "distance_to_transport.tif"}
    reports = {"audit.json", "audit.md", "audit_claims.csv", "zone_areas.csv"}
    assert maps_written | others | reports <= written
    for name in reports:
        assert (out / name).stat().st_size > 0, name
    assert (out / "audit_claims.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def _bad_files(tmp_path):
    """One file per kind of bad input, with the start of the message each must give."""
    box = shapely.box(126.67, 35.16, 126.68, 35.17)
    files = {}

    def write(name, geometries, crs=4326, **columns):
        frame = gpd.GeoDataFrame(
            {"zone_id": [f"z{i}" for i in range(len(geometries))], **columns}, geometry=geometries, crs=crs
        )
        pyogrio.write_dataframe(frame, tmp_path / name)
        return tmp_path / name

    no_prj = write("noprj.shp", [box])
    no_prj.with_suffix(".prj").unlink()
    files[no_prj] = "noprj.shp: has no CRS"
    files[write("swapped.geojson", [shapely.transform(box, lambda xy: xy[:, ::-1])])] = "swapped.geojson feature 1"
    files[write("far.geojson", [shapely.box(2.3, 48.8, 2.4, 48.9)])] = "far.geojson feature 1 (z0): lies outside"
    files[write("point.geojson", [shapely.Point(126.7, 35.1)])] = "point.geojson feature 1 (z0): is a Point"
    looped = shapely.Polygon(
        [(126.70, 35.15), (126.71, 35.15), (126.71, 35.16), (126.705, 35.16), (126.705, 35.1605), (126.7051, 35.1605),
         (126.7051, 35.1599), (126.70, 35.16)]
    )  # fmt: skip
    files[write("looped.geojson", [looped])] = "looped.geojson feature 1 (z0): invalid geometry"
    bowtie = shapely.Polygon([(126.70, 35.15), (126.71, 35.16), (126.71, 35.15), (126.70, 35.16)])
    files[write("bowtie.geojson", [bowtie])] = "bowtie.geojson feature 1 (z0): invalid geometry (Self-intersection"
    files[write("dups.geojson", [box, box], zone_id=["a", "a"])] = "dups.geojson features 1 and 2 share the id"
    (tmp_path / "empty.gpkg").write_bytes(b"")
    files[tmp_path / "empty.gpkg"] = "empty.gpkg: the file is empty"
    (tmp_path / "corrupt.geojson").write_text('{"type": "FeatureCollection", "features": [')
    files[tmp_path / "corrupt.geojson"] = "corrupt.geojson: cannot be read"
    files[tmp_path / "missing.fgb"] = "missing.fgb: no such file"
    return files


@pytest.mark.parametrize("command", ["audit", "build"])
def test_every_bad_input_gives_one_line_and_exit_2(tmp_path, capsys, command):
    for path, start in _bad_files(tmp_path).items():
        before = path.read_bytes() if path.exists() else None
        args = [command, "--zones", str(path)] + (["--out", str(tmp_path / "out")] if command == "build" else [])
        assert main(args) == 2, path.name
        captured = capsys.readouterr()
        assert captured.out == ""
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(
            f"error: {tmp_path / path.name}" if "no such" in start else f"error: {start}"
        ), captured.err
        assert "Traceback" not in captured.err
        assert (path.read_bytes() if path.exists() else None) == before  # inputs are never modified
    assert not (tmp_path / "out").exists()


def test_the_suggested_fixes_work_from_the_command_line(tmp_path, capsys, caplog, belt_claims_file):
    files = _bad_files(tmp_path)
    claims = ["--claims", str(belt_claims_file)]  # about the belt's zones, none of which is z0: nothing checked
    looped = next(p for p in files if p.name == "looped.geojson")
    assert main(["audit", "--zones", str(looped), *claims, "--fix", "--format", "json"]) == 2  # checked nothing
    assert json.loads(capsys.readouterr().out)["zones"][0]["area_m2"] > 1e6
    assert "repaired invalid geometry" in caplog.text
    # a figure eight whose lobes cancel is not offered --fix, as --fix would refuse it
    bowtie = next(p for p in files if p.name == "bowtie.geojson")
    assert main(["audit", "--zones", str(bowtie), *claims, "--fix"]) == 2
    error = capsys.readouterr().err
    assert "that --fix cannot repair: its rings enclose no area as drawn" in error and "pass --fix" not in error
    no_prj = next(p for p in files if p.name == "noprj.shp")
    assert main(["audit", "--zones", str(no_prj), *claims, "--assume-crs", "EPSG:4326", "--format", "json"]) == 2
    box = gpd.GeoSeries([shapely.box(126.67, 35.16, 126.68, 35.17)], crs=4326)  # the box _bad_files draws
    assert json.loads(capsys.readouterr().out)["zones"][0]["area_m2"] == pytest.approx(geo.area_m2(box)[0], abs=0.01)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "error: claims.csv: is empty; it needs a header row and one row per entry"),
        (
            "claim_id,subject,figure,unit,publisher,date,url,language,quote\nc1,belt,inf,m2,p,,http://x,ko,q\n",
            "error: claims.csv row 2 (c1): figure 'inf' is not a positive number; write it without units",
        ),
    ],
)
def test_empty_or_infinite_claims_are_one_line_errors(tmp_path, capsys, belt_zone_file, text, message):
    claims = tmp_path / "claims.csv"
    claims.write_text(text)
    assert main(["audit", "--zones", str(belt_zone_file), "--claims", str(claims)]) == 2
    assert capsys.readouterr().err.strip() == message


def test_a_claims_file_with_an_empty_column_loads_quietly(tmp_path, capsys, belt_zone_file, belt_zones):
    claims = tmp_path / "claims.csv"
    belt_m2 = synthetic.measured_m2(belt_zones, "belt")  # the claim is the measured belt: it holds
    claims.write_text(
        f"claim_id,subject,figure,unit,publisher,date,url,language,quote\nc1,belt,{belt_m2:.0f},m2,p,,u,ko,q\n"
    )
    assert main(["audit", "--zones", str(belt_zone_file), "--claims", str(claims), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["claims"][0]["source"]["date"] == ""


def test_build_refuses_to_write_over_its_inputs_before_writing_anything(tmp_path, capsys, belt_zone_file):
    out = tmp_path / "out"
    out.mkdir()
    zones = out / "triangle_belt.geojson"
    zones.write_bytes(belt_zone_file.read_bytes())
    assert main(["build", "--zones", str(zones), "--out", str(out)]) == 2
    assert "the build would write over it; pass --out another folder" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["triangle_belt.geojson"]


def test_out_that_is_a_file_is_one_line(tmp_path, capsys):
    target = tmp_path / "afile"
    target.write_text("x")
    assert main(["build", "--out", str(target)]) == 2
    assert capsys.readouterr().err.strip() == f"error: {target}: is a file, not a folder; pass --out a folder"


def test_options_before_the_command_are_accepted(capsys, belt_files):
    assert main(["-v", "audit", *belt_files, "--format", "json"]) == 1  # the future complex's claim is off
    assert json.loads(capsys.readouterr().out)["tolerance"] == 0.02


def test_an_output_beside_a_shapefile_input_with_another_suffix_is_allowed(tmp_path, capsys):
    frame = gpd.GeoDataFrame({"zone_id": ["a"]}, geometry=[shapely.box(126.7, 35.1, 126.71, 35.11)], crs=4326)
    pyogrio.write_dataframe(frame, tmp_path / "b.shp")
    assert main(["export", "--zones", str(tmp_path / "b.shp"), "--out", str(tmp_path / "b.gpkg")]) == 0
    assert (tmp_path / "b.gpkg").exists()


def test_unclosed_rings_extra_fields_moon_crs_and_bad_official_areas_are_one_line(tmp_path, capsys, belt_zone_file):
    unclosed = tmp_path / "unclosed.geojson"
    unclosed.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon",'
        '"coordinates":[[[126.8,35.2],[126.81,35.2],[126.81,35.21],[126.80,35.21]]]}}]}'
    )
    extra = tmp_path / "claims.csv"
    extra.write_text("claim_id,subject,figure,unit,publisher,date,url,language,quote\nc1,belt,1,m2,p,,u,ko,q,extra\n")
    official = tmp_path / "official.geojson"
    frame = gpd.GeoDataFrame(
        {"zone_id": ["a"], "official_area_m2": ["lots"]}, geometry=[shapely.box(126.7, 35.1, 126.71, 35.11)], crs=4326
    )
    pyogrio.write_dataframe(frame, official)
    our_zones = ("--zones", str(belt_zone_file))
    moon = ("--crs", "+proj=longlat +R=1737400", "--out", str(tmp_path / "x.gpkg"))
    cases = {
        ("audit", "--zones", str(unclosed)): "unclosed.geojson: a geometry cannot be built",
        ("audit", *our_zones, "--claims", str(extra)): "claims.csv: a row has more fields than the header",
        ("export", *our_zones, *moon): "cannot be transformed",
        ("audit", "--zones", str(official)): "official_area_m2 'lots' is not a positive number of m²",
    }
    for args, fragment in cases.items():
        assert main(list(args)) == 2, args
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and fragment in lines[0], lines


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["bogus"], "error: unknown command 'bogus'; use one of build, audit, export, raster"),
        (["--lang", "xx"], "error: Invalid value for '--lang': 'xx' is not one of 'ko', 'en', 'ja'"),
        (["raster"], "error: raster: missing command; use one of stats, rasterize, convergence"),
        (["audit", "--nope"], "error: No such option '--nope'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(capsys, args, fragment):
    assert main(args) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert fragment in lines[0] and lines[0].startswith("error: ")


def test_option_values_that_look_like_commands_and_options_before_raster(tmp_path, capsys, monkeypatch, belt_files):
    assert with_command(cli, ["--out", "audit", "--lang", "en"]) == [
        "build",
        "--out",
        "audit",
        "--lang",
        "en",
    ]
    assert with_command(cli, ["-v", "raster", "stats", "--raster", "r.tif"]) == [
        "raster",
        "stats",
        "-v",
        "--raster",
        "r.tif",
    ]
    monkeypatch.chdir(tmp_path)
    assert main(["--out", "audit", "--lang", "en", *belt_files]) == 0
    assert (tmp_path / "audit" / "belt_en.html").exists()


def test_a_fault_of_the_program_is_one_line_and_exit_3(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(geo.cli.audit, "audit_source", broken)
    assert main(["audit"]) == 3
    assert capsys.readouterr().err.strip() == (
        "error: internal error (RuntimeError: boom); run again with -v and report it"
    )


def test_small_input_mistakes_are_one_line(tmp_path, capsys, belt_zone_file):
    header_only = tmp_path / "claims.csv"
    header_only.write_text("claim_id,subject,figure,unit,publisher,date,url,language,quote\n")
    our_zones = ("--zones", str(belt_zone_file))
    cases = {
        ("audit", *our_zones, "--claims", str(header_only)): "claims.csv: has a header but no claims",
        ("audit", *our_zones, "--encoding", "nope"): "--encoding 'nope' is not an encoding Python knows",
    }
    for args, fragment in cases.items():
        assert main(list(args)) == 2, args
        assert fragment in capsys.readouterr().err
    assert main(["raster", "convergence", "--resolutions", ""]) == 2
    assert "no pixel size given" in capsys.readouterr().err


def test_our_own_geopackage_reads_back_as_schematic_with_official_figures(
    tmp_path, capsys, belt_zone_file, belt_claims_file, belt_zones
):
    gpkg = tmp_path / "belt.gpkg"
    assert main(["export", "--zones", str(belt_zone_file), "--out", str(gpkg)]) == 0
    capsys.readouterr()
    args = ["audit", "--zones", str(gpkg), "--layer", "zone_parts", "--belt", "bitgoeul, jingok,future"]
    main([*args, "--claims", str(belt_claims_file), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert {z["geometry_quality"] for z in document["zones"]} == {"schematic"}
    # --belt names whole zones: Bitgoeul's Hampyeong part, outside the belt in the file, is in it now.
    assert document["belt"]["official_sum_m2"] == belt_zones["official_area_m2"].sum()
    assert all(z["official_area_m2"] for z in document["zones"])


# --- paths and locales -----------------------------------------------------------------------------------


def _run_bytes(*args: bytes | str, **environment: str) -> subprocess.CompletedProcess:
    """The command with arguments as bytes (file names that are not UTF-8) and a chosen locale."""
    env = {**os.environ, **environment}
    command = [sys.executable.encode(), os.fsencode(PROJECT_ROOT / "build_maps.py"), *map(os.fsencode, args)]
    return subprocess.run(command, capture_output=True, timeout=300, env=env)


def test_file_names_that_are_not_utf8_work(tmp_path, belt_zone_file, belt_claims_file, belt_zones):
    folder = os.fsencode(tmp_path)
    zones = folder + b"/zones-\xff.geojson"
    with open(zones, "wb") as handle:
        handle.write(belt_zone_file.read_bytes())
    shapefile = folder + b"/\xfe\xff.shp"
    simple = belt_zones[["zone_id", "part", "name_ko", "in_belt", "geometry"]]
    pyogrio.write_dataframe(simple, os.fsdecode(folder + b"/ascii.shp"))
    for suffix in (b".shp", b".shx", b".dbf", b".prj", b".cpg"):
        os.rename(folder + b"/ascii" + suffix, shapefile[:-4] + suffix)
    for source in (zones, shapefile):
        result = _run_bytes(
            "audit", "--zones", source, "--claims", belt_claims_file, "--format", "json", "--tolerance", "0.5"
        )
        assert result.returncode == 0, result.stderr  # the audit ran, and at ±50 % every claim holds
        assert len(json.loads(result.stdout)["zones"]) == len(belt_zones) == 4
    os.mkdir(folder + b"/out-\xff")
    for out in (folder + b"/belt-\xff.gpkg", folder + b"/out-\xff/zones.geojson", folder + b"/out-\xff/a.csv"):
        result = _run_bytes("export", "--zones", zones, "--out", out)
        assert result.returncode == 0, result.stderr
        assert os.path.getsize(out) > 0
    assert sorted(os.listdir(folder + b"/out-\xff")) == [b"a.csv", b"zones.geojson"]


def test_a_missing_file_with_a_name_that_is_not_utf8_is_one_line(tmp_path):
    result = _run_bytes("audit", "--zones", os.fsencode(tmp_path) + b"/\x1b]0;pwned\x07\xff.geojson")
    assert result.returncode == 2
    (line,) = result.stderr.decode("utf-8").strip().splitlines()
    assert line.endswith("\\x1b]0;pwned\\x07\\udcff.geojson: no such file; check the path")


@pytest.mark.parametrize("format_", ["table", "json", "csv", "md"])
def test_audit_works_with_an_ascii_locale(format_, belt_files):
    locale = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
    result = _run_bytes("audit", *belt_files, "--format", format_, **locale)
    assert result.returncode == 1, result.stderr  # the future complex's claim is off: the finding, not a crash
    assert b"Traceback" not in result.stderr
    text = result.stdout.decode("utf-8")  # reports are UTF-8 whatever the locale
    assert "future" in text and "광주광역시" in text and ("빛그린" in text or "bitgoeul" in text)
    if format_ == "json":
        assert json.loads(text)["passed"] is False


def test_a_rotated_raster_is_drawn_without_warnings(tmp_path):
    """affine 3 deprecates ``transform * xy``, which rasterio's ``bounds`` uses; the overlay maps corners with @."""
    rasterio = pytest.importorskip("rasterio")
    from affine import Affine

    from geo.raster import overlays

    transform = Affine.translation(200_000.0, 300_000.0) @ Affine.rotation(30.0) @ Affine.scale(10.0, -10.0)
    path = tmp_path / "rotated.tif"
    profile = {"driver": "GTiff", "width": 40, "height": 30, "count": 1, "dtype": "float32", "crs": "EPSG:5186"}
    with rasterio.open(path, "w", transform=transform, **profile) as dataset:
        dataset.write(np.arange(1200, dtype="float32").reshape(1, 30, 40))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        overlay = overlays.raster_overlay(path)
    (south, west), (north, east) = overlay.bounds
    corners = [transform @ (c, r) for c in (0, 40) for r in (0, 30)]
    assert max(x for x, _ in corners) - min(x for x, _ in corners) == pytest.approx(496.41016, abs=1e-3)
    assert south < north and west < east


def test_top_level_help_shows_the_build_options(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "Options of build (the default command)" in out
    for option in ("--out DIR", "--lang", "--zones FILE", "--pdf", "--title"):
        assert option in out, option


def test_two_builds_into_one_folder_at_once_both_succeed(tmp_path, belt_files):
    """``build_maps.py --lang en`` and ``--lang ja`` started together into the same folder: one of them used to
    fail in most rounds, its temporary folder removed by the other's cleanup."""
    script = str(PROJECT_ROOT / "build_maps.py")
    for round_ in range(3):
        out = tmp_path / f"round{round_}"
        builds = {
            language: subprocess.Popen(
                [sys.executable, script, *["--lang", language, "--out", str(out), *belt_files]],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for language in ("en", "ja")
        }
        try:
            errors = {language: build.communicate(timeout=300)[1] for language, build in builds.items()}
        finally:
            for build in builds.values():
                build.kill()
        assert {language: build.returncode for language, build in builds.items()} == {"en": 0, "ja": 0}, errors
        written = {p.name for p in out.iterdir()}
        assert {"belt_en.html", "belt_ja.html", "index_en.html", "index_ja.html", "audit.md"} <= written
        assert not [name for name in written if name.startswith(".")]


# --- Ctrl-C: one line and exit 130, at any moment -----------------------------------------------------------


def _interrupt(command: list[str], ready, *, timeout_s: float = 120) -> subprocess.CompletedProcess:
    """Run ``command`` in a session of its own, wait until ``ready(line)`` holds for a line of its stderr (or,
    for ``ready`` a path, until that file exists), then send SIGINT to its whole process group, as Ctrl-C in a
    terminal does; return the result, stderr without ``-X importtime``'s lines."""
    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + timeout_s
    try:
        if callable(ready):
            while not ready(line := child.stderr.readline()):
                assert line and time.monotonic() < deadline, "the moment to interrupt never came"
        else:
            while not ready.exists():
                assert child.poll() is None and time.monotonic() < deadline, "the moment to interrupt never came"
                time.sleep(0.005)
        os.killpg(child.pid, signal.SIGINT)
        err = child.communicate(timeout=timeout_s)[1]
    finally:
        child.kill()
        child.stderr.close()
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("import time:")]
    return subprocess.CompletedProcess(command, child.returncode, "", "\n".join(lines))


@pytest.mark.parametrize("module", ["numpy", "geopandas", "geo.io", "geo.pipeline", "geo.cli.main"])
def test_ctrl_c_while_the_package_is_imported_is_one_line_and_exit_130(tmp_path, module):
    # -X importtime prints a line as each import ends: Ctrl-C comes right after that one, in the first second,
    # when it used to print a KeyboardInterrupt traceback from deep inside an import.
    command = [sys.executable, "-X", "importtime", str(PROJECT_ROOT / "build_maps.py"), "--out", str(tmp_path)]
    result = _interrupt(command, lambda line: line.split("|")[-1].strip() == module)
    assert (result.returncode, result.stderr) == (130, "error: interrupted")


@pytest.mark.parametrize("written", ["audit.json", "belt_ko.html", "zone_jingok_ko.html"])
def test_ctrl_c_during_a_build_is_one_line_exit_130_and_leaves_whole_files(tmp_path, written):
    """A whole build_maps.py build, interrupted once the file ``written`` is there."""
    out = tmp_path / "out"
    command = [sys.executable, str(PROJECT_ROOT / "build_maps.py"), *["--out", str(out)]]
    result = _interrupt(command, out / written)
    assert (result.returncode, result.stderr) == (130, "error: interrupted")
    json.loads((out / "audit.json").read_text())  # what was written is whole
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_a_build_started_with_ctrl_c_ignored_keeps_ignoring_it(tmp_path):
    """build_maps.py started as a shell starts a background job (SIGINT ignored) is not stopped by SIGINT."""
    out = tmp_path / "out"
    child = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "build_maps.py"), *["--lang", "en", "--out", str(out)]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        deadline = time.monotonic() + 120
        while not (out / "audit.json").exists():
            assert child.poll() is None and time.monotonic() < deadline
            time.sleep(0.005)
        child.send_signal(signal.SIGINT)
        err = child.communicate(timeout=300)[1]
    finally:
        child.kill()
        child.stderr.close()
    assert child.returncode == 0 and err.startswith(f"built {out}: "), err


def test_ctrl_c_inside_a_command_is_exit_130(capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(geo.cli.audit, "audit_source", interrupted)
    assert main(["audit"]) == 130
    assert capsys.readouterr().err.strip() == "error: interrupted"


def test_the_installed_command_is_build_maps_which_imports_the_package_only_when_run():
    from importlib.metadata import entry_points

    (command,) = entry_points(group="console_scripts", name="triangle-belt")
    assert command.value == "build_maps:run"
    checked = subprocess.run(
        [sys.executable, "-c", "import sys, build_maps; print(any(m.startswith('geo') for m in sys.modules))"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    )
    assert checked.stdout.strip() == "False"


#: A zone file as JSON encoders that write NaN (Python's json, GDAL) write it: the third vertex has no y.
ZONES_WITH_A_NAN_VERTEX = """{"type": "FeatureCollection", "features": [{"type": "Feature",
"properties": {"zone_id": "jingok"}, "geometry": {"type": "Polygon",
"coordinates": [[[126.78, 35.205], [126.79, 35.205], [126.79, NaN], [126.78, 35.21], [126.78, 35.205]]]}}]}"""


def test_a_nan_vertex_through_the_command_line_is_exit_2_not_an_internal_error(tmp_path, capsys):
    path = tmp_path / "zones.geojson"
    path.write_text(ZONES_WITH_A_NAN_VERTEX)
    assert main(["audit", "--zones", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: zones.geojson feature 1 (jingok): vertex 3 has coordinates that are not finite")
    assert err.count("\n") == 1


# --- long values from data are shortened in messages ------------------------------------------------------

LONG = "x" * 2000


def _long_value_cases(tmp_path, belt_zone_file):
    """Inputs that quote a 2,000-character value in their error, with the start and the end of the line."""
    from official_layer import write_official

    official = write_official(tmp_path / "DAM_DAN.gpkg", 20)
    (tmp_path / "empty_zone.csv").write_text(f"dan_id,zone_id\n{LONG},\n")
    (tmp_path / "unknown_zone.csv").write_text(f"dan_id,zone_id\n000002,{LONG}\n")
    (tmp_path / "claims.csv").write_text(f"{CLAIMS_HEADER}{LONG},belt,lots,pyeong,p,,,en,\n")
    shared = _zones_with_ids(tmp_path / "shared.geojson", [LONG, LONG])
    long_field = gpd.GeoDataFrame({LONG[:200]: ["a"]}, geometry=[shapely.box(126.7, 35.1, 126.71, 35.11)], crs=4326)
    long_field.to_file(tmp_path / "fields.gpkg")
    zones = ["--zones", str(belt_zone_file)]
    return {
        "match file id": (
            ["--zones", str(official), "--match", str(tmp_path / "empty_zone.csv")],
            "empty_zone.csv row 2: zone_id is empty for dan_id 'xxx",
            "; write our zone id",
        ),
        "match file zone": (
            ["--zones", str(official), "--match", str(tmp_path / "unknown_zone.csv")],
            "unknown_zone.csv row 2: zone_id 'xxx",
            "is not one of our zones; use one of bitgoeul, jingok, future",
        ),
        "zone id": (["--zones", str(shared)], "shared.geojson features 1 and 2 share the id 'xxx", "--id-field"),
        "claim id": (
            [*zones, "--claims", str(tmp_path / "claims.csv")],
            "claims.csv row 2 (xxx",
            "figure 'lots' is not a positive number; write it without units",
        ),
        "--id-field": (
            ["--zones", str(shared), "--id-field", LONG],
            "shared.geojson: no field 'xxx",
            "; its fields are: zone_id",
        ),
        "--layer": (
            ["--zones", str(tmp_path / "fields.gpkg"), "--layer", LONG],
            "fields.gpkg: no layer 'xxx",
            "fields",
        ),
        "--belt": ([*zones, "--belt", LONG], "belt.geojson: no zone xxx", "jingok"),
        "field names": (
            ["--zones", str(tmp_path / "fields.gpkg"), "--id-field", "zone"],
            "fields.gpkg: no field 'zone' for --id-field; its fields are: xxx",
            "x…",
        ),
    }


@pytest.mark.parametrize(
    "case",
    ["match file id", "match file zone", "zone id", "claim id", "--id-field", "--layer", "--belt", "field names"],
)
def test_a_2000_character_value_is_shortened_in_its_error(tmp_path, capsys, belt_zone_file, case):
    args, start, end = _long_value_cases(tmp_path, belt_zone_file)[case]
    assert main(["audit", *args]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: {start}") and line.endswith(end), line[:300]
    assert len(line) < 500, len(line)
