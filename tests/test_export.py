"""GeoPackage, GeoJSON and CSV exports: read back and compared, styled, documented, reproducible and safe."""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import warnings
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import geo
from geo import export, i18n, report, style
from geo.cli import main
from geo.export import _gpkg, tables
from geo.schema import FEZ_FIELDS
from geo.settings import CLAIMS_FILE, CONTEXT_FILE, POINTS_FILE, ZONES_FILE, tool_version

SPATIAL = ["zone_parts", "zones", "belt", "belt_triangle", "context_areas", "context_border", "site_points"]
ATTRIBUTES = ["audit_zones", "audit_claims"]
EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z
QGIS_LAYER_STYLES_COLUMNS = [
    "id",
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
]


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory, zones, audit_result, points, context) -> Path:
    """Our layers exported once with labels in English and the default CRS."""
    path = tmp_path_factory.mktemp("export") / "belt.gpkg"
    stamp = datetime.fromtimestamp(EPOCH, UTC)
    export.export_geopackage(path, zones, audit_result, points=points, context=context, timestamp=stamp)
    return path


def _query(path: Path, sql: str, *args) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def _styles(path: Path) -> dict[str, ET.Element]:
    return {name: ET.fromstring(qml) for name, qml in _query(path, "SELECT f_table_name, styleQML FROM layer_styles")}


def _supplied_zones(tmp_path: Path, square_zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    path = tmp_path / "squares.geojson"
    square_zones.to_file(path)
    return geo.load_zones(path)


# --- layers and tables ------------------------------------------------------------------------------------------


def test_layers_and_tables_are_written_in_order_with_their_geometry_types(gpkg):
    layers = dict(pyogrio.list_layers(gpkg))
    assert list(layers)[: len(SPATIAL + ATTRIBUTES)] == SPATIAL + ATTRIBUTES
    assert layers["zone_parts"] == "MultiPolygon" and layers["context_border"] == "MultiLineString"
    assert layers["site_points"] == "Point" and layers["belt_triangle"] == "MultiLineString"
    assert all(layers[name] is None for name in ATTRIBUTES)
    kinds = dict(_query(gpkg, "SELECT table_name, data_type FROM gpkg_contents"))
    assert all(kinds[name] == "features" for name in SPATIAL)
    assert all(kinds[name] == "attributes" for name in ATTRIBUTES)


def test_the_file_is_a_sound_geopackage(gpkg):
    assert _query(gpkg, "PRAGMA integrity_check") == [("ok",)]
    assert _query(gpkg, "PRAGMA foreign_key_check") == []
    assert _query(gpkg, "PRAGMA application_id") == [(int.from_bytes(b"GPKG", "big"),)]
    assert not list(gpkg.parent.glob("*-journal"))


def test_zone_parts_read_back_equal_the_zones_in_epsg5186(gpkg, zones, audit_result):
    parts = pyogrio.read_dataframe(gpkg, layer="zone_parts")
    assert parts.crs.to_epsg() == 5186
    assert list(parts["feature_id"]) == list(zones["feature_id"])
    assert list(parts["name_ja"]) == list(zones["name_ja"])
    assert list(parts["quality"]) == ["schematic"] * len(zones)
    original = zones.to_crs(5186).geometry.values
    for written, drawn in zip(parts.geometry.values, original, strict=True):
        np.testing.assert_allclose(shapely.get_coordinates(written), shapely.get_coordinates(drawn), atol=1e-6)


def test_areas_round_trip_in_m2_ha_pyeong_and_planar(gpkg, audit_result):
    parts = pyogrio.read_dataframe(gpkg, layer="zone_parts")
    measured = audit_result.zones
    np.testing.assert_array_equal(parts["area_m2"], measured["area_m2"])
    np.testing.assert_array_equal(parts["area5186"], measured["area_m2_epsg5186"])
    np.testing.assert_allclose(parts["area_py"], parts["area_m2"] * 121 / 400, rtol=1e-15)
    np.testing.assert_allclose(parts["area_ha"], parts["area_m2"] / 10_000, rtol=1e-15)
    np.testing.assert_array_equal(parts["offic_m2"], measured["official_area_m2"])
    # the schematic outlines are sized to the official figures to 0.5 m²
    np.testing.assert_allclose(parts["area_m2"], parts["offic_m2"], atol=0.5)


def test_field_names_fit_a_shapefile_and_survive_one(gpkg, tmp_path):
    for name in SPATIAL + ATTRIBUTES:
        fields = pyogrio.read_info(gpkg, layer=name)["fields"]
        assert all(len(field) <= 10 for field in fields), (name, [f for f in fields if len(f) > 10])
    parts = pyogrio.read_dataframe(gpkg, layer="zone_parts")
    shapefile = tmp_path / "parts.shp"
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Value .* has been truncated to 254 characters", RuntimeWarning)
        pyogrio.write_dataframe(parts, shapefile, encoding="UTF-8")
    assert list(pyogrio.read_info(shapefile)["fields"]) == list(parts.columns.drop("geometry"))


def test_zones_are_the_parts_dissolved_by_zone_id(gpkg, zones):
    dissolved = pyogrio.read_dataframe(gpkg, layer="zones").set_index("zone_id")
    assert list(dissolved.index) == ["bitgoeul", "jingok", "future"]
    bitgoeul = dissolved.loc["bitgoeul"]
    assert bitgoeul["parts"] == 2 and bool(bitgoeul["in_belt"]) is True
    assert bitgoeul["offic_m2"] == 1_847_000 + 2_223_000
    parts = zones[zones["zone_id"] == "bitgoeul"]
    union = gpd.GeoSeries([shapely.union_all(parts.geometry.values)], crs=parts.crs)
    assert bitgoeul["area_m2"] == pytest.approx(geo.area_m2(union).iloc[0], rel=1e-9)
    assert bitgoeul["area_m2"] <= geo.area_m2(parts).sum()


def test_belt_union_has_the_audits_area_and_the_triangle_joins_the_three_zones(gpkg, zones, audit_result):
    belt = pyogrio.read_dataframe(gpkg, layer="belt").set_index("kind")
    line = pyogrio.read_dataframe(gpkg, layer="belt_triangle").set_index("kind")
    assert list(belt.index) == ["union"] and list(line.index) == ["triangle"]
    assert belt.loc["union", "area_m2"] == pytest.approx(audit_result.belt["area_m2"], rel=1e-9)
    assert belt.loc["union", "offic_m2"] == 7_140_000
    assert belt.loc["union", "area_py"] == pytest.approx(belt.loc["union", "area_m2"] * 0.3025, rel=1e-15)
    triangle = gpd.GeoSeries([line.loc["triangle", "geometry"]], crs=line.crs).to_crs(4326).iloc[0]
    corners = shapely.get_coordinates(triangle)[:-1]
    assert len(corners) == 3
    in_belt = zones[zones["in_belt"]]
    for zone_id in ("bitgoeul", "jingok", "future"):
        # each corner is the zone's representative point, as the HTML maps draw it
        outline = shapely.union_all(in_belt.loc[in_belt["zone_id"] == zone_id].geometry.values)
        expected = shapely.get_coordinates(shapely.point_on_surface(outline))[0]
        assert np.isclose(corners, expected, atol=1e-9).all(axis=1).sum() == 1, zone_id
        assert outline.contains(shapely.Point(expected))
    assert line.loc["triangle", "members"] == "bitgoeul, jingok, future"


def test_context_and_points_layers_keep_their_names_and_attribution(gpkg, context, points):
    areas = pyogrio.read_dataframe(gpkg, layer="context_areas")
    border = pyogrio.read_dataframe(gpkg, layer="context_border")
    assert len(areas) + len(border) == len(context)
    assert "진곡동" in set(areas["name_ko"])
    assert areas["source"].str.contains("National Geographic Information Institute").all()
    sites = pyogrio.read_dataframe(gpkg, layer="site_points")
    assert list(sites["point_id"]) == list(points["point_id"])
    assert list(sites["uncertain"]) == list(points["uncertain"])


def test_audit_tables_hold_the_claims_and_verdicts(gpkg, audit_result):
    claims = pyogrio.read_dataframe(gpkg, layer="audit_claims")
    assert list(claims["claim_id"]) == list(audit_result.claims["claim_id"])
    assert list(claims["verdict"]) == list(audit_result.claims["verdict"])
    expected = audit_result.claims["within_tolerance"].map({True: True, False: False, None: None})
    assert [None if pd.isna(v) else bool(v) for v in claims["within_tol"]] == list(expected)
    np.testing.assert_allclose(claims["claimed_m2"], audit_result.claims["claimed_m2"])
    zones = pyogrio.read_dataframe(gpkg, layer="audit_zones")
    np.testing.assert_array_equal(zones["area_m2"], audit_result.zones["area_m2"])


# --- styles -------------------------------------------------------------------------------------------------


def test_every_table_has_one_default_qgis_style(gpkg):
    columns = [row[1] for row in _query(gpkg, "PRAGMA table_info(layer_styles)")]
    assert columns == QGIS_LAYER_STYLES_COLUMNS
    geometry_columns = dict(_query(gpkg, "SELECT table_name, column_name FROM gpkg_geometry_columns"))
    rows = _query(
        gpkg,
        "SELECT f_table_name, f_table_schema, f_geometry_column, useAsDefault, styleName, update_time "
        "FROM layer_styles ORDER BY id",
    )
    assert [row[0] for row in rows] == SPATIAL + ATTRIBUTES
    for name, schema, geometry_column, default, style_name, updated in rows:
        assert schema == ""
        assert geometry_column == geometry_columns.get(name, "") == ("geom" if name in SPATIAL else "")
        assert default == 1 and style_name
        assert updated == "2023-11-14T22:13:20.000Z"


def _referenced_fields(root: ET.Element) -> set[str]:
    renderer = root.find("renderer-v2")
    fields = {renderer.get("attr") if renderer is not None else None} - {None}
    fields |= {e.get("fieldName") for e in root.iter("text-style")}
    fields |= {e.get("field") for e in root.iter("alias")}
    for option in root.iter("Option"):
        if option.get("name") == "expression":
            fields |= set(re.findall(r'"([^"]+)"', option.get("value")))
    return fields


def test_each_qml_is_well_formed_and_names_only_existing_fields(gpkg):
    for name, root in _styles(gpkg).items():
        fields = set(pyogrio.read_info(gpkg, layer=name)["fields"])
        referenced = _referenced_fields(root)
        assert referenced, name
        assert referenced <= fields, (name, referenced - fields)


def test_zone_styles_use_the_html_maps_role_colours_dashed_for_schematic_outlines(gpkg):
    for name in ("zone_parts", "zones"):
        root = _styles(gpkg)[name]
        renderer = root.find("renderer-v2")
        assert renderer.get("attr") == "role"
        symbols = {s.get("name"): s for s in renderer.find("symbols")}
        for category in renderer.find("categories"):
            props = {p.get("k"): p.get("v") for p in symbols[category.get("symbol")].iter("prop")}
            red, green, blue = (int(style.ROLE_COLORS[category.get("value")][i : i + 2], 16) for i in (1, 3, 5))
            assert props["outline_color"] == f"{red},{green},{blue},255"
            assert props["outline_style"] == "dash"
            assert category.get("label").endswith("(schematic)")
        assert {c.get("value") for c in renderer.find("categories")} == {"certification", "parts", "demonstration"}


@pytest.mark.parametrize("language", ["ko", "ja"])
def test_labels_legend_and_titles_follow_the_language(tmp_path, zones, audit_result, language):
    path = export.export_geopackage(tmp_path / "x.gpkg", zones, audit_result, language=language)
    root = _styles(path)["zone_parts"]
    assert root.find("labeling/settings/text-style").get("fieldName") == f"name_{language}"
    labels = {c.get("value"): c.get("label") for c in root.iter("category")}
    assert labels["parts"].startswith(i18n.role_label("parts", language))
    titles = dict(_query(path, "SELECT table_name, identifier FROM gpkg_contents"))
    assert titles["zones"].startswith(i18n.text("table_zones", language))


def test_supplied_outlines_are_solid_and_not_called_schematic(tmp_path, square_zones, claims):
    zones = _supplied_zones(tmp_path, square_zones)
    audit = geo.run_audit(zones, claims)
    path = export.export_geopackage(tmp_path / "supplied.gpkg", zones, audit)
    root = _styles(path)["zone_parts"]
    props = {p.get("k"): p.get("v") for p in root.find("renderer-v2/symbols/symbol/layer").iter("prop")}
    assert props["outline_style"] == "solid"
    descriptions = " ".join(d for (d,) in _query(path, "SELECT description FROM gpkg_contents"))
    assert "Schematic" not in descriptions
    dissolved = pyogrio.read_dataframe(path, layer="zones")
    assert list(dissolved["quality"]) == ["supplied", "supplied"]
    belt = pyogrio.read_dataframe(path, layer="belt")
    assert list(belt["kind"]) == ["union"]  # two zones make no triangle


def _schematic_words() -> list[str]:
    return [i18n.text(key, lang) for key in ("schematic_suffix", "schematic_label") for lang in ("ko", "en", "ja")]


def _documentation(path: Path) -> str:
    """Every title, abstract, legend label and provenance record of a GeoPackage, as one text."""
    contents = " ".join(f"{i} {d}" for i, d in _query(path, "SELECT identifier, description FROM gpkg_contents"))
    labels = " ".join(c.get("label") for root in _styles(path).values() for c in root.iter("category"))
    records = " ".join(_values(json.loads(m)) for (m,) in _query(path, "SELECT metadata FROM gpkg_metadata"))
    return f"{contents} {labels} {records}"


def _values(record: object) -> str:
    """The text of a JSON record's values (not its keys)."""
    if isinstance(record, dict):
        return " ".join(_values(v) for v in record.values())
    if isinstance(record, list):
        return " ".join(_values(v) for v in record)
    return str(record)


@pytest.mark.parametrize("language", ["ko", "en", "ja"])
def test_supplied_outlines_and_a_user_title_carry_no_schematic_wording(
    tmp_path, belt_zones, belt_claims, belt_points, belt_context, language
):
    zones = belt_zones.assign(geometry_quality="supplied")
    audit = geo.run_audit(zones, belt_claims)
    path = export.export(
        tmp_path / "user.gpkg",
        zones,
        audit,
        language=language,
        points=belt_points,
        context=belt_context,
        title="Surveyed complexes, 2025",
    )
    text = _documentation(path)
    assert not [word for word in _schematic_words() if word in text]
    record = json.loads(_query(path, "SELECT metadata FROM gpkg_metadata WHERE id = 1")[0][0])
    assert record["title"] == "Surveyed complexes, 2025"
    assert record["geometry"] == "supplied" and record["schematic_statement"] is None


def test_a_partly_schematic_file_says_so_in_the_abstracts_but_not_the_titles(tmp_path, belt_zones, belt_claims):
    zones = belt_zones.copy()
    zones.loc[zones["feature_id"] == "jingok/main", "geometry_quality"] = "supplied"
    path = export.export_geopackage(tmp_path / "mixed.gpkg", zones, geo.run_audit(zones, belt_claims))
    rows = {r[0]: r[1:] for r in _query(path, "SELECT table_name, identifier, description FROM gpkg_contents")}
    for name in ("zone_parts", "zones"):
        identifier, description = rows[name]
        assert "schematic" not in identifier
        assert i18n.text("schematic_label", "en") in description


# --- documentation ------------------------------------------------------------------------------------------


def test_contents_name_and_describe_every_table_and_say_schematic(gpkg):
    rows = {r[0]: r[1:] for r in _query(gpkg, "SELECT table_name, identifier, description FROM gpkg_contents")}
    for name in SPATIAL + ATTRIBUTES:
        identifier, description = rows[name]
        assert identifier and description and identifier != name
    for name in ("zone_parts", "zones", "belt"):
        assert "(schematic)" in rows[name][0]
        assert (
            i18n.MESSAGES["schematic_label"]["en"] in rows[name][1]
            and i18n.MESSAGES["schematic_label"]["ko"] in rows[name][1]
        )


def test_column_titles_are_in_gpkg_data_columns(gpkg):
    titles = dict(_query(gpkg, "SELECT column_name, name FROM gpkg_data_columns WHERE table_name = 'zone_parts'"))
    assert titles["area_py"].startswith("Area, pyeong")
    assert "EPSG:5186" in titles["area5186"]
    extensions = _query(gpkg, "SELECT table_name, extension_name FROM gpkg_extensions")
    assert ("gpkg_data_columns", "gpkg_schema") in extensions


def test_provenance_is_in_gpkg_metadata_with_the_extension_registered(gpkg):
    extensions = set(_query(gpkg, "SELECT table_name, extension_name, scope FROM gpkg_extensions"))
    assert ("gpkg_metadata", "gpkg_metadata", "read-write") in extensions
    assert ("gpkg_metadata_reference", "gpkg_metadata", "read-write") in extensions
    ((scope, mime, text),) = _query(
        gpkg,
        "SELECT r.reference_scope, m.mime_type, m.metadata FROM gpkg_metadata m "
        "JOIN gpkg_metadata_reference r ON r.md_file_id = m.id WHERE r.table_name IS NULL",
    )
    assert (scope, mime) == ("geopackage", "application/json")
    record = json.loads(text)
    assert record["build_date"] == "2023-11-14T22:13:20.000Z"
    assert record["version"] == tool_version()
    assert record["schematic_statement"]["en"] == i18n.MESSAGES["schematic_label"]["en"]
    assert any("NGII" in source for source in record["attribution"])
    assert record["crs"] == "EPSG:5186"
    referenced = {t for (t,) in _query(gpkg, "SELECT table_name FROM gpkg_metadata_reference WHERE table_name > ''")}
    assert {"zone_parts", "context_areas", "site_points"} <= referenced


# --- reproducible and safe ----------------------------------------------------------------------------------


def test_same_inputs_give_a_byte_identical_file(tmp_path, zones, audit_result, points, context, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first = export.export_geopackage(tmp_path / "a.gpkg", zones, audit_result, points=points, context=context)
    second = export.export_geopackage(tmp_path / "b.gpkg", zones, audit_result, points=points, context=context)
    assert first.read_bytes() == second.read_bytes()
    stamps = {s for (s,) in _query(first, "SELECT last_change FROM gpkg_contents")}
    assert stamps == {"2023-11-14T22:13:20.000Z"}


def test_build_date_is_source_date_epoch_else_the_newest_input(tmp_path, monkeypatch):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text("a"), new.write_text("b")
    os.utime(old, (1_600_000_000, 1_600_000_000))
    os.utime(new, (1_650_000_000.7, 1_650_000_000.7))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert export.build_timestamp([old, new]) == (
        datetime.fromtimestamp(1_650_000_000, UTC),
        "modification time of the newest input (new.csv)",
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert export.build_timestamp([old, new])[0] == datetime.fromtimestamp(EPOCH, UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(geo.InputError, match="SOURCE_DATE_EPOCH='yesterday' is not a whole number"):
        export.build_timestamp([old])


def test_refuses_to_overwrite_an_input(tmp_path, zones, audit_result):
    source = tmp_path / "zones.gpkg"
    source.write_bytes(b"precious")
    with pytest.raises(geo.OutputError, match="is one of the inputs"):
        export.export_geopackage(source, zones, audit_result, inputs=[source])
    assert source.read_bytes() == b"precious"


def test_a_failed_export_leaves_the_previous_file_and_no_temporary_files(tmp_path, zones, audit_result, monkeypatch):
    target = export.export_geopackage(tmp_path / "belt.gpkg", zones, audit_result)
    before = target.read_bytes()

    def half_written(path, tables, **_):
        pyogrio.write_dataframe(tables[0].frame, path, layer=tables[0].name, driver="GPKG")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.geopackage, "write_geopackage", half_written)
    with pytest.raises(OSError, match="No space left"):
        export.export_geopackage(target, zones, audit_result)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["belt.gpkg"]


def test_another_crs_on_request(tmp_path, zones, audit_result, gpkg):
    path = export.export_geopackage(tmp_path / "wgs84.gpkg", zones, audit_result, crs="EPSG:4326")
    parts = pyogrio.read_dataframe(path, layer="zone_parts")
    assert parts.crs.to_epsg() == 4326
    # areas do not depend on the CRS the layers are stored in
    reference = pyogrio.read_dataframe(gpkg, layer="zone_parts")
    np.testing.assert_array_equal(parts["area_m2"], reference["area_m2"])


def test_a_crs_not_meant_for_korea_works_with_a_warning(tmp_path, zones, audit_result, caplog):
    with caplog.at_level(logging.WARNING, logger="geo.export"):
        path = export.export_geopackage(tmp_path / "fr.gpkg", zones, audit_result, crs="EPSG:2154")
    assert "EPSG:2154 (RGF93 v1 / Lambert-93) is not meant for Korea" in caplog.text
    assert pyogrio.read_info(path, layer="zones")["crs"] == "EPSG:2154"


@pytest.mark.parametrize(
    ("crs", "message"),
    [
        ("EPSG:99999", "--crs 'EPSG:99999' is not a CRS; use an EPSG code such as EPSG:5186"),
        ("EPSG:4978", "--crs EPSG:4978: WGS 84 is not a two-dimensional map CRS"),
    ],
)
def test_an_unusable_crs_is_one_clear_error(tmp_path, zones, audit_result, crs, message):
    with pytest.raises(geo.InputError, match=re.escape(message)):
        export.export_geopackage(tmp_path / "x.gpkg", zones, audit_result, crs=crs)
    assert not (tmp_path / "x.gpkg").exists()


# --- GeoJSON and CSV ----------------------------------------------------------------------------------------


def test_geojson_is_rfc7946_with_six_decimals_and_the_areas(tmp_path, zones, audit_result):
    path = export.export_geojson(tmp_path / "zones.geojson", zones, audit_result)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in document
    assert i18n.MESSAGES["schematic_label"]["en"] in document["description"]
    coordinates = re.findall(
        r"\[\s*(-?\d+\.?\d*),\s*(-?\d+\.?\d*)\s*\]", json.dumps(document["features"][0]["geometry"])
    )
    assert coordinates and all(len(x.split(".")[-1]) <= 6 and len(y.split(".")[-1]) <= 6 for x, y in coordinates)
    lon, lat = map(float, coordinates[0])
    assert 126 < lon < 127.5 and 34.5 < lat < 35.5
    properties = [f["properties"] for f in document["features"]]
    assert [p["feature_id"] for p in properties] == list(zones["feature_id"])
    np.testing.assert_array_equal([p["area_m2"] for p in properties], audit_result.zones["area_m2"])
    assert {p["geometry_quality"] for p in properties} == {"schematic"}


def test_geojson_exterior_rings_are_counter_clockwise(tmp_path, zones, audit_result):
    path = export.export_geojson(tmp_path / "zones.geojson", zones, audit_result)
    for geometry in gpd.read_file(path).geometry:
        for polygon in getattr(geometry, "geoms", [geometry]):
            assert polygon.exterior.is_ccw


def test_zone_areas_csv_is_the_reports_table_with_a_bom(tmp_path, zones, audit_result):
    path = export.export_zone_areas(tmp_path / "areas.csv", zones, audit_result)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8") == report.to_csv(audit_result, table="zones")


def test_export_picks_the_format_from_the_suffix_and_rejects_others(tmp_path, zones, audit_result):
    assert export.export(tmp_path / "a.csv", zones, audit_result).read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(geo.InputError, match=r"--out a\.shp: unknown format \.shp; end it in \.gpkg"):
        export.export(tmp_path / "a.shp", zones, audit_result)
    with pytest.raises(geo.InputError, match="always EPSG:4326"):
        export.export(tmp_path / "a.geojson", zones, audit_result, crs="EPSG:5186")


# --- command line -------------------------------------------------------------------------------------------


def test_export_command_writes_the_geopackage_in_the_language_asked(tmp_path, capsys):
    out = tmp_path / "belt.gpkg"
    assert main(["export", "--out", str(out), "--lang", "ja"]) == 0
    assert "(概略境界)" in dict(_query(out, "SELECT table_name, identifier FROM gpkg_contents"))["zone_parts"]
    record = json.loads(_query(out, "SELECT metadata FROM gpkg_metadata WHERE id = 1")[0][0])
    assert record["inputs"] == [p.name for p in (ZONES_FILE, CLAIMS_FILE, POINTS_FILE, CONTEXT_FILE)] + [
        "fez_districts.geojson"
    ]


def test_export_command_bad_crs_is_one_line_and_exit_2(tmp_path, capsys):
    out = tmp_path / "belt.gpkg"
    assert main(["export", "--out", str(out), "--crs", "EPSG:99999"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("error: --crs 'EPSG:99999' is not a CRS")
    assert not out.exists()


def test_export_command_refuses_to_overwrite_the_claims_file(tmp_path, capsys):
    claims = tmp_path / "claims.gpkg"
    claims.write_bytes(CLAIMS_FILE.read_bytes())
    before = claims.read_bytes()
    # a claims file named like an output: the export must not write over it
    assert main(["export", "--claims", str(claims), "--out", str(claims)]) == 2
    assert "is one of the inputs" in capsys.readouterr().err
    assert claims.read_bytes() == before


def test_writer_refuses_nothing_it_cannot_register(tmp_path):
    """A GeoPackage of one attributes table still gets metadata but no layer_styles table."""
    table = _gpkg.Table(name="t", frame=pd.DataFrame({"a": [1]}), identifier="T", description="d")
    path = tmp_path / "t.gpkg"
    _gpkg.write_geopackage(path, [table], timestamp=datetime(2024, 1, 1, tzinfo=UTC), metadata={"k": "v"})
    names = {n for (n,) in _query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "layer_styles" not in names and "gpkg_metadata" in names
    assert _query(path, "SELECT data_type, last_change FROM gpkg_contents") == [
        ("attributes", "2024-01-01T00:00:00.000Z")
    ]


@pytest.mark.parametrize("coverage_check", [True, False])
def test_union_of_adjacent_or_overlapping_parts_is_the_same_set_either_way(monkeypatch, coverage_check):
    monkeypatch.setattr(tables, "_HAS_COVERAGE_CHECK", coverage_check and tables._HAS_COVERAGE_CHECK)
    adjacent = np.array([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    overlapping = np.array([shapely.box(0, 0, 1, 1), shapely.box(0.5, 0, 1.5, 1)])
    assert tables._union(adjacent).equals(shapely.box(0, 0, 2, 1))
    assert tables._union(overlapping).equals(shapely.box(0, 0, 1.5, 1))
    assert tables._union(np.array([shapely.MultiPolygon([adjacent[0]]), adjacent[1]])).area == 2


def test_union_of_disjoint_parts_collects_them():
    apart = np.array([shapely.box(0, 0, 1, 1), shapely.box(2, 0, 3, 1), shapely.box(0, 0, 1, 1).buffer(-0.9)])
    union = tables._union(apart[:2])
    assert union.geom_type == "MultiPolygon" and union.is_valid and union.area == 2
    assert tables._union(apart).equals(union)  # the third lies inside the first: not disjoint, the general route


def test_a_file_without_belt_zones_exports_without_a_belt_layer(tmp_path, square_zones, claims):
    zones = _supplied_zones(tmp_path, square_zones.drop(columns="in_belt"))
    assert not zones["in_belt"].any()
    path = export.export_geopackage(tmp_path / "nobelt.gpkg", zones, geo.run_audit(zones, claims))
    layers = list(pyogrio.list_layers(path)[:, 0])
    assert "belt" not in layers and {"zone_parts", "zones", "audit_claims"} <= set(layers)


def test_the_file_is_geopackage_1_2_for_older_qgis(gpkg):
    assert _query(gpkg, "PRAGMA user_version") == [(10200,)]


# --- the Gwangju Free Economic Zone -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fez_gpkg(tmp_path_factory, belt_zones, belt_audit, belt_points, belt_context) -> Path:
    """The synthetic belt with synthetic FEZ districts, labels in Japanese."""
    from test_fez import synthetic_districts

    path = tmp_path_factory.mktemp("fez") / "fez.gpkg"
    stamp = datetime.fromtimestamp(EPOCH, UTC)
    export.export_geopackage(
        path,
        belt_zones,
        belt_audit,
        points=belt_points,
        context=belt_context,
        fez=synthetic_districts(),
        language="ja",
        timestamp=stamp,
    )
    return path


def test_the_fez_districts_are_a_layer_after_the_belts_with_their_areas(fez_gpkg):
    from test_fez import synthetic_districts

    districts = synthetic_districts()
    layers = list(dict(pyogrio.list_layers(fez_gpkg)))
    assert layers.index("fez_districts") == layers.index("belt_triangle") + 1
    assert pyogrio.read_info(fez_gpkg, layer="fez_districts")["geometry_type"] == "MultiPolygon"
    table = pyogrio.read_dataframe(fez_gpkg, layer="fez_districts")
    assert table.crs.to_epsg() == 5186
    assert list(table.columns[:-1]) == [
        f.short for f in FEZ_FIELDS.values() if f.name in districts.columns or f.name.startswith(("area", "offic"))
    ]
    assert list(table["feature_id"]) == list(districts["feature_id"])
    np.testing.assert_allclose(table["area_m2"], geo.area_m2(districts), rtol=1e-12)
    np.testing.assert_array_equal(table["offic_m2"], districts["official_area_m2"])
    np.testing.assert_array_equal(table["later_m2"], districts["later_area_m2"])  # missing later figures stay null
    np.testing.assert_allclose(table["offic_py"], table["offic_m2"] * 121 / 400, rtol=1e-15)
    assert max(len(c) for c in table.columns) <= 10


def test_the_fez_layer_is_styled_by_pillar_dashed_labelled_and_titled_in_the_export_language(fez_gpkg):
    from geo import fez

    root = _styles(fez_gpkg)["fez_districts"]
    renderer = root.find("renderer-v2")
    assert renderer.get("attr") == "pillar"
    symbols = {s.get("name"): s for s in renderer.find("symbols")}
    categories = list(renderer.find("categories"))
    assert [c.get("value") for c in categories] == list(fez.PILLARS)
    for category in categories:
        props = {p.get("k"): p.get("v") for p in symbols[category.get("symbol")].iter("prop")}
        red, green, blue = (int(style.PILLAR_COLORS[category.get("value")][i : i + 2], 16) for i in (1, 3, 5))
        assert props["outline_color"] == f"{red},{green},{blue},255"
        assert props["outline_style"] == "dash"  # schematic
        assert category.get("label") == (
            f"{fez.pillar_label(category.get('value'), 'ja')} ({i18n.text('schematic_suffix', 'ja')})"
        )
    assert root.find("labeling/settings/text-style").get("fieldName") == "name_ja"
    fields = set(pyogrio.read_info(fez_gpkg, layer="fez_districts")["fields"])
    assert _referenced_fields(root) <= fields
    aliases = {e.get("field"): e.get("name") for e in root.iter("alias")}
    assert aliases["offic_m2"] == FEZ_FIELDS["official_area_m2"].title("ja") == "指定時の公式面積 ㎡"
    assert aliases["pillar"] == "戦略の柱"
    titles = dict(
        _query(fez_gpkg, "SELECT column_name, name FROM gpkg_data_columns WHERE table_name = 'fez_districts'")
    )
    assert titles["later_m2"] == FEZ_FIELDS["later_area_m2"].title("ja")
    identifier, description = _query(
        fez_gpkg, "SELECT identifier, description FROM gpkg_contents WHERE table_name = 'fez_districts'"
    )[0]
    assert identifier == f"{fez.text('table_fez_districts', 'ja')} ({i18n.text('schematic_suffix', 'ja')})"
    assert description.startswith(fez.text("about_fez_districts", "ja"))
    assert i18n.text("schematic_label", "en") in description


def test_without_fez_districts_there_is_no_fez_layer(gpkg):
    assert "fez_districts" not in dict(pyogrio.list_layers(gpkg))
