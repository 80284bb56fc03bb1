"""GeoPackage, GeoJSON and CSV exports: read back and compared, styled, documented, reproducible and safe.

Behaviour is tested on the synthetic belt (tests/synthetic.py), whose answers are known in closed form: boxes
whose official figures are their own measured areas, parts that only touch (so a union's area is the sum of
its parts'), claims set at a known distance from the measured areas. The bundled layers are tested only for
what is about them: their official figures, their NGII context and the default command.
"""

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
import synthetic

import geo
from geo import export, i18n, report, style
from geo.cli import main
from geo.io import OutputFolder
from geo.schema import BELT_FIELDS, CLAIM_FIELDS, CONTEXT_FIELDS, FEZ_FIELDS, POINT_FIELDS, ZONE_FIELDS
from geo.settings import CLAIMS_FILE, CONTEXT_FILE, DEFAULT_TOLERANCE, LANGUAGES, POINTS_FILE, ZONES_FILE, tool_version

SPATIAL = ["zone_parts", "zones", "belt", "belt_triangle", "context_areas", "context_border", "site_points"]
ATTRIBUTES = ["audit_zones", "audit_claims"]
EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z
STAMP = "2023-11-14T22:13:20.000Z"
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
#: Each table's field registry, for the aliases of its columns.
REGISTRIES = {
    "zone_parts": ZONE_FIELDS,
    "zones": ZONE_FIELDS,
    "audit_zones": ZONE_FIELDS,
    "belt": BELT_FIELDS,
    "belt_triangle": BELT_FIELDS,
    "context_areas": CONTEXT_FIELDS,
    "context_border": CONTEXT_FIELDS,
    "site_points": POINT_FIELDS,
    "audit_claims": CLAIM_FIELDS,
    "fez_districts": FEZ_FIELDS,
}
#: A claim about nothing in a small test file: the audit runs, the export has its audit tables.
BELT_CLAIM = pd.DataFrame({"claim_id": ["belt"], "subject": ["belt"], "claimed_m2": [1.0]})


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory, belt_zones, belt_audit, belt_points, belt_context) -> Path:
    """The synthetic belt exported once with labels in English and the default CRS."""
    path = tmp_path_factory.mktemp("export") / "belt.gpkg"
    stamp = datetime.fromtimestamp(EPOCH, UTC)
    export.export_geopackage(path, belt_zones, belt_audit, points=belt_points, context=belt_context, timestamp=stamp)
    return path


@pytest.fixture(scope="module")
def bundled_gpkg(tmp_path_factory, zones, audit_result, points, context) -> Path:
    """The bundled layers exported as the build exports them (English, default CRS)."""
    path = tmp_path_factory.mktemp("bundled") / "belt.gpkg"
    export.export_geopackage(path, zones, audit_result, points=points, context=context)
    return path


def _query(path: Path, sql: str, *args) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def _styles(path: Path) -> dict[str, ET.Element]:
    return {name: ET.fromstring(qml) for name, qml in _query(path, "SELECT f_table_name, styleQML FROM layer_styles")}


def _zone_file(tmp_path: Path, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` written as a user's zone file and loaded as the commands load it (supplied outlines)."""
    path = tmp_path / "user_zones.geojson"
    frame.to_file(path)
    return geo.load_zones(path)


def _props(symbol: ET.Element) -> dict[str, str]:
    return {p.get("k"): p.get("v") for p in symbol.iter("prop")}


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


def test_zone_parts_read_back_equal_the_zones_in_epsg5186(gpkg, belt_zones):
    parts = pyogrio.read_dataframe(gpkg, layer="zone_parts")
    assert parts.crs.to_epsg() == 5186
    assert list(parts["feature_id"]) == list(belt_zones["feature_id"])
    assert list(parts["name_ja"]) == list(belt_zones["name_ja"])
    assert list(parts["quality"]) == ["schematic"] * len(belt_zones)
    original = belt_zones.to_crs(5186).geometry.values
    for written, drawn in zip(parts.geometry.values, original, strict=True):
        np.testing.assert_allclose(shapely.get_coordinates(written), shapely.get_coordinates(drawn), atol=1e-6)


def test_areas_round_trip_in_m2_ha_pyeong_and_planar(gpkg, belt_audit):
    parts = pyogrio.read_dataframe(gpkg, layer="zone_parts")
    measured = belt_audit.zones
    np.testing.assert_array_equal(parts["area_m2"], measured["area_m2"])
    np.testing.assert_array_equal(parts["area5186"], measured["area_m2_epsg5186"])
    np.testing.assert_allclose(parts["area_py"], parts["area_m2"] * 121 / 400, rtol=1e-15)
    np.testing.assert_allclose(parts["area_ha"], parts["area_m2"] / 10_000, rtol=1e-15)
    np.testing.assert_array_equal(parts["offic_m2"], measured["official_area_m2"])
    # the synthetic official figures are the measured areas rounded to 1 m²
    np.testing.assert_allclose(parts["area_m2"], parts["offic_m2"], atol=0.5)
    np.testing.assert_allclose(parts["offic_diff"], (parts["area_m2"] / parts["offic_m2"] - 1) * 100, atol=1e-12)


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


def test_zones_are_the_parts_dissolved_by_zone_id(gpkg, belt_zones, belt_audit):
    dissolved = pyogrio.read_dataframe(gpkg, layer="zones").set_index("zone_id")
    assert list(dissolved.index) == ["bitgoeul", "jingok", "future"]
    assert list(dissolved["parts"]) == [2, 1, 1]
    assert list(dissolved["in_belt"]) == [True, True, True]  # Bitgoeul: one of its two parts is
    bitgoeul = dissolved.loc["bitgoeul"]
    assert bitgoeul["name_en"] == belt_zones["name_en"].iloc[0]  # its first part's name
    parts = belt_zones["zone_id"] == "bitgoeul"
    assert bitgoeul["offic_m2"] == belt_zones.loc[parts, "official_area_m2"].sum()
    # the two parts share a meridian (a geodesic), so the union's area is exactly the sum of theirs
    assert bitgoeul["area_m2"] == pytest.approx(belt_audit.zones.loc[parts.to_numpy(), "area_m2"].sum(), rel=1e-9)
    # the union is taken in lon/lat, where the outlines were drawn, and then projected
    union = gpd.GeoSeries([shapely.union_all(belt_zones.loc[parts].geometry.values)], crs=4326).to_crs(5186)
    assert bitgoeul["geometry"].symmetric_difference(union.iloc[0]).area < 1e-6
    # a zone of one part is that part: its areas are the audit's
    single = belt_audit.zones.set_index("zone_id").loc[["jingok", "future"]]
    np.testing.assert_array_equal(dissolved.loc[["jingok", "future"], "area_m2"], single["area_m2"])
    np.testing.assert_array_equal(dissolved.loc[["jingok", "future"], "area5186"], single["area_m2_epsg5186"])
    assert set(dissolved["quality"]) == {"schematic"}


def test_belt_union_has_the_audits_area_and_the_triangle_joins_the_three_zones(gpkg, belt_zones, belt_audit):
    belt = pyogrio.read_dataframe(gpkg, layer="belt").set_index("kind")
    line = pyogrio.read_dataframe(gpkg, layer="belt_triangle").set_index("kind")
    assert list(belt.index) == ["union"] and list(line.index) == ["triangle"]
    in_belt = belt_zones[belt_zones["in_belt"]]
    # the in-belt boxes touch at most at a corner: the union's area is the sum of theirs
    measured = belt_audit.zones.loc[belt_zones["in_belt"].to_numpy(), "area_m2"].sum()
    assert belt.loc["union", "area_m2"] == pytest.approx(measured, rel=1e-9)
    assert belt.loc["union", "area_m2"] == pytest.approx(belt_audit.belt["area_m2"], rel=1e-9)
    assert belt.loc["union", "offic_m2"] == in_belt["official_area_m2"].sum()
    assert belt.loc["union", "area_py"] == pytest.approx(belt.loc["union", "area_m2"] * 0.3025, rel=1e-15)
    triangle = gpd.GeoSeries([line.loc["triangle", "geometry"]], crs=line.crs).to_crs(4326).iloc[0]
    corners = shapely.get_coordinates(triangle)[:-1]
    assert len(corners) == 3
    for zone_id in ("bitgoeul", "jingok", "future"):
        # each corner is the zone's representative point, as the HTML maps draw it
        outline = shapely.union_all(in_belt.loc[in_belt["zone_id"] == zone_id].geometry.values)
        expected = shapely.get_coordinates(shapely.point_on_surface(outline))[0]
        assert np.isclose(corners, expected, atol=1e-9).all(axis=1).sum() == 1, zone_id
        assert outline.contains(shapely.Point(expected))
    assert line.loc["triangle", "members"] == "bitgoeul, jingok, future"


def test_context_and_points_layers_keep_their_names_and_attribution(gpkg, belt_context, belt_points):
    areas = pyogrio.read_dataframe(gpkg, layer="context_areas")
    border = pyogrio.read_dataframe(gpkg, layer="context_border")
    assert list(areas["name_ko"]) == ["삼거동", "진곡동", "월야리"]
    assert list(border["kind"]) == ["border"]
    assert set(areas["source"]) == set(belt_context["source"])
    sites = pyogrio.read_dataframe(gpkg, layer="site_points")
    assert list(sites["point_id"]) == list(belt_points["point_id"])
    assert list(sites["uncertain"]) == [False, False, True]


def test_audit_tables_hold_the_claims_and_verdicts(gpkg, belt_audit):
    claims = pyogrio.read_dataframe(gpkg, layer="audit_claims")
    assert list(claims["claim_id"]) == [claim[0] for claim in synthetic.CLAIMS]
    # each claim is set at a known relative distance from the measured area; 2 % is the tolerance
    distances = np.array([claim[2] for claim in synthetic.CLAIMS])
    assert list(claims["within_tol"]) == list(np.abs(distances) <= DEFAULT_TOLERANCE) == [True, False, True, True]
    assert list(claims["verdict"]) == ["holds", "outside tolerance", "holds", "holds"]
    np.testing.assert_allclose(claims["diff_pct"], distances * 100, atol=1e-9)
    np.testing.assert_allclose(claims["claimed_m2"], belt_audit.claims["claimed_m2"])
    zones = pyogrio.read_dataframe(gpkg, layer="audit_zones")
    np.testing.assert_array_equal(zones["area_m2"], belt_audit.zones["area_m2"])


@pytest.mark.parametrize(
    ("boxes", "polygons", "area_in_first_boxes"),
    [
        pytest.param([(0, 0, 1, 1), (1, 0, 2, 1)], 1, 2.0, id="adjacent (a coverage)"),
        pytest.param([(0, 0, 1, 1), (2, 0, 3, 1)], 2, 2.0, id="disjoint (collected)"),
        pytest.param([(0, 0, 1, 1), (0.5, 0, 1.5, 1)], 1, 1.5, id="overlapping (the general union)"),
        pytest.param([(0, 0, 1, 1), (0.2, 0.2, 0.4, 0.4)], 1, 1.0, id="one inside the other"),
    ],
)
def test_a_zone_of_several_parts_is_their_union(tmp_path, boxes, polygons, area_in_first_boxes):
    """Parts given in hundredths of a degree east and north of 126.7° E, 35.1° N; the zone is their union,
    measured again: the sum of the parts' areas where they only touch, an overlap counted once."""
    step, west, south = 0.01, 126.70, 35.10
    parts = [shapely.box(west + x0 * step, south + y0 * step, west + x1 * step, south + y1 * step)
             for x0, y0, x1, y1 in boxes]  # fmt: skip
    frame = gpd.GeoDataFrame(
        {"zone_id": ["z", "z", "other"], "part": ["p1", "p2", "main"], "name_ko": ["가", "가", "나"]},
        geometry=[*parts, shapely.box(west, south + 2 * step, west + step, south + 3 * step)],
        crs="EPSG:4326",
    )
    zones = _zone_file(tmp_path, frame)
    audit = geo.run_audit(zones, BELT_CLAIM)
    path = export.export_geopackage(tmp_path / "parts.gpkg", zones, audit, crs="EPSG:4326")
    dissolved = pyogrio.read_dataframe(path, layer="zones").set_index("zone_id")
    assert list(dissolved.index) == ["z", "other"] and list(dissolved["parts"]) == [2, 1]
    union = dissolved.loc["z", "geometry"]
    assert union.equals(shapely.union_all(zones.geometry.values[:2])) and union.is_valid
    assert len(shapely.get_parts(union)) == polygons
    first = audit.zones["area_m2"].iloc[0]
    if area_in_first_boxes != 1.5:  # the union keeps the parts' vertices: its area is exactly theirs
        expected = first if area_in_first_boxes == 1 else audit.zones["area_m2"].iloc[:2].sum()
        assert dissolved.loc["z", "area_m2"] == pytest.approx(expected, rel=1e-9)
    # an edge along a parallel is not quite a geodesic; for 0.01° boxes that is far below 1e-4 of the area
    assert dissolved.loc["z", "area_m2"] == pytest.approx(area_in_first_boxes * first, rel=1e-4)
    assert dissolved.loc["other", "area_m2"] == audit.zones["area_m2"].iloc[2]


def test_a_zone_of_parts_with_different_figures_sums_them_and_is_mixed(tmp_path):
    step, west, south = 0.01, 126.70, 35.10
    frame = gpd.GeoDataFrame(
        {
            "zone_id": ["z", "z", "y", "y"],
            "part": ["a", "b", "a", "b"],
            "name_ko": [None, "둘", "셋", "넷"],
            "official_area_m2": [1_000.0, 2_000.0, 3_000.0, None],
            "geometry_quality": ["schematic", "supplied", "supplied", "supplied"],
            "in_belt": [False, True, False, False],
        },
        geometry=[shapely.box(west + i * step, south, west + (i + 1) * step, south + step) for i in (0, 1, 3, 4)],
        crs="EPSG:4326",
    )
    zones = _zone_file(tmp_path, frame)
    path = export.export_geopackage(tmp_path / "mixed.gpkg", zones, geo.run_audit(zones, BELT_CLAIM))
    dissolved = pyogrio.read_dataframe(path, layer="zones").set_index("zone_id")
    assert dissolved.loc["z", "offic_m2"] == 3_000 and np.isnan(dissolved.loc["y", "offic_m2"])  # one is missing
    assert list(dissolved["quality"]) == ["mixed", "supplied"]
    assert list(dissolved["in_belt"]) == [True, False]
    assert list(dissolved["name_ko"]) == list(zones.groupby("zone_id", sort=False)["name_ko"].first())


def test_a_file_without_belt_zones_exports_without_a_belt_layer(tmp_path, square_zones):
    zones = _zone_file(tmp_path, square_zones.drop(columns="in_belt"))
    assert not zones["in_belt"].any()
    path = export.export_geopackage(tmp_path / "nobelt.gpkg", zones, geo.run_audit(zones, BELT_CLAIM))
    layers = list(pyogrio.list_layers(path)[:, 0])
    assert "belt" not in layers and {"zone_parts", "zones", "audit_claims"} <= set(layers)


def test_attributes_tables_are_registered_with_their_styles_and_the_build_date(gpkg):
    rows = _query(gpkg, "SELECT table_name, data_type, last_change FROM gpkg_contents WHERE data_type = 'attributes'")
    assert sorted(rows) == sorted((name, "attributes", STAMP) for name in [*ATTRIBUTES, "layer_styles"])
    styles = _styles(gpkg)
    for name in ATTRIBUTES:
        assert styles[name].get("styleCategories") == "Fields" and styles[name].find("renderer-v2") is None
        assert styles[name].find("layerGeometryType").text == "4"  # no geometry: QGIS takes it for the table
    assert _query(gpkg, "SELECT count(*) FROM gpkg_metadata")[0][0] >= 1


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
        assert updated == STAMP


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
            props = _props(symbols[category.get("symbol")])
            red, green, blue = (int(style.ROLE_COLORS[category.get("value")][i : i + 2], 16) for i in (1, 3, 5))
            assert props["outline_color"] == f"{red},{green},{blue},255"
            assert props["outline_style"] == "dash"
            assert category.get("label").endswith("(schematic)")
        assert {c.get("value") for c in renderer.find("categories")} == {"certification", "parts", "demonstration"}


def test_zone_labels_are_placed_first_and_drawn_above_the_points_and_the_context(gpkg):
    """With the legal-dong layer on, Jingok's and the future complex's labels win: the QML says so as written."""
    styles = _styles(gpkg)
    placement = {name: styles[name].find("labeling/settings/placement") for name in styles if name in SPATIAL}
    rendering = {name: styles[name].find("labeling/settings/rendering") for name in placement}
    labelled = {name for name, element in placement.items() if element is not None}
    assert labelled == {"zone_parts", "zones", "context_areas", "site_points"}
    priority = {name: int(placement[name].get("priority")) for name in labelled}
    z_index = {name: float(rendering[name].get("zIndex")) for name in labelled}
    assert priority["zones"] == priority["zone_parts"] > priority["site_points"] > priority["context_areas"]
    assert z_index["zones"] == z_index["zone_parts"] > z_index["site_points"] > z_index["context_areas"]
    assert rendering["context_areas"].get("obstacle") == "0" and rendering["zones"].get("obstacle") == "1"


def test_context_outlines_are_thinner_and_lighter_than_the_zones(gpkg):
    styles = _styles(gpkg)

    def outlines(name: str) -> list[tuple[float, int]]:
        props = [_props(symbol) for symbol in styles[name].iter("symbol")]
        return [
            (float(p.get("outline_width") or p["line_width"]), int((p.get("outline_color") or p["line_color"])[-3:]))
            for p in props
        ]

    zones, context, border = outlines("zones"), outlines("context_areas"), outlines("context_border")
    assert min(w for w, _ in zones) > max(w for w, _ in context + border)
    assert min(a for _, a in zones) == 255 > max(a for _, a in context)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_field_of_every_table_has_its_alias_in_the_export_language(
    tmp_path, language, belt_zones, belt_audit, belt_points, belt_context
):
    path = export.export_geopackage(
        tmp_path / "x.gpkg", belt_zones, belt_audit, points=belt_points, context=belt_context, language=language
    )
    for name, root in _styles(path).items():
        aliases = {e.get("field"): e.get("name") for e in root.iter("alias")}
        fields = set(pyogrio.read_info(path, layer=name)["fields"])
        titles = {field.short: field.title(language) for field in REGISTRIES[name].values()}
        assert set(aliases) == fields, name  # audit tables included
        assert aliases == {field: titles[field] for field in fields}, name


@pytest.mark.parametrize("language", ["ko", "ja"])
def test_labels_legend_and_titles_follow_the_language(tmp_path, belt_zones, belt_audit, language):
    path = export.export_geopackage(tmp_path / "x.gpkg", belt_zones, belt_audit, language=language)
    root = _styles(path)["zone_parts"]
    assert root.find("labeling/settings/text-style").get("fieldName") == f"name_{language}"
    labels = {c.get("value"): c.get("label") for c in root.iter("category")}
    assert labels["parts"].startswith(i18n.role_label("parts", language))
    titles = dict(_query(path, "SELECT table_name, identifier FROM gpkg_contents"))
    assert titles["zones"].startswith(i18n.text("table_zones", language))


def test_supplied_outlines_are_solid_and_not_called_schematic(tmp_path, square_zones):
    zones = _zone_file(tmp_path, square_zones)
    path = export.export_geopackage(tmp_path / "supplied.gpkg", zones, geo.run_audit(zones, BELT_CLAIM))
    root = _styles(path)["zone_parts"]
    assert _props(root.find("renderer-v2/symbols/symbol"))["outline_style"] == "solid"
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


@pytest.mark.parametrize("language", LANGUAGES)
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


def test_provenance_is_in_gpkg_metadata_with_the_extension_registered(gpkg, belt_context):
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
    assert record["build_date"] == STAMP
    assert record["version"] == tool_version()
    assert record["schematic_statement"]["en"] == i18n.MESSAGES["schematic_label"]["en"]
    assert record["attribution"] == sorted(set(belt_context["source"]))
    assert record["crs"] == "EPSG:5186"
    referenced = {t for (t,) in _query(gpkg, "SELECT table_name FROM gpkg_metadata_reference WHERE table_name > ''")}
    assert {"zone_parts", "context_areas", "site_points", "audit_claims"} <= referenced


# --- reproducible and safe ----------------------------------------------------------------------------------


def test_same_inputs_give_a_byte_identical_file(
    tmp_path, belt_zones, belt_audit, belt_points, belt_context, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    layers = {"points": belt_points, "context": belt_context}
    first = export.export_geopackage(tmp_path / "a.gpkg", belt_zones, belt_audit, **layers)
    second = export.export_geopackage(tmp_path / "b.gpkg", belt_zones, belt_audit, **layers)
    assert first.read_bytes() == second.read_bytes()
    stamps = {s for (s,) in _query(first, "SELECT last_change FROM gpkg_contents")}
    assert stamps == {STAMP}


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


def test_refuses_to_overwrite_an_input(tmp_path, belt_zones, belt_audit):
    source = tmp_path / "zones.gpkg"
    source.write_bytes(b"precious")
    with pytest.raises(geo.OutputError, match="is one of the inputs"):
        export.export_geopackage(OutputFolder(tmp_path, protect=[source]) / source.name, belt_zones, belt_audit)
    assert source.read_bytes() == b"precious"


def test_a_failed_export_leaves_the_previous_file_and_no_temporary_files(tmp_path, belt_zones, belt_audit, monkeypatch):
    target = export.export_geopackage(tmp_path / "belt.gpkg", belt_zones, belt_audit)
    before = target.read_bytes()
    write = pyogrio.write_dataframe

    def disk_full_after_one_layer(frame, path, **options):
        write(frame, path, **options)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pyogrio, "write_dataframe", disk_full_after_one_layer)
    with pytest.raises(OSError, match="No space left"):
        export.export_geopackage(target, belt_zones, belt_audit)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["belt.gpkg"]


def test_another_crs_on_request(tmp_path, belt_zones, belt_audit, gpkg):
    path = export.export_geopackage(tmp_path / "wgs84.gpkg", belt_zones, belt_audit, crs="EPSG:4326")
    parts = pyogrio.read_dataframe(path, layer="zone_parts")
    assert parts.crs.to_epsg() == 4326
    for written, drawn in zip(parts.geometry.values, belt_zones.geometry.values, strict=True):
        assert written.equals(drawn)
    # areas do not depend on the CRS the layers are stored in
    reference = pyogrio.read_dataframe(gpkg, layer="zone_parts")
    np.testing.assert_array_equal(parts["area_m2"], reference["area_m2"])


def test_a_crs_not_meant_for_korea_works_with_a_warning(tmp_path, belt_zones, belt_audit, caplog):
    with caplog.at_level(logging.WARNING, logger="geo.export"):
        path = export.export_geopackage(tmp_path / "fr.gpkg", belt_zones, belt_audit, crs="EPSG:2154")
    assert "EPSG:2154 (RGF93 v1 / Lambert-93) is not meant for Korea" in caplog.text
    assert pyogrio.read_info(path, layer="zones")["crs"] == "EPSG:2154"


@pytest.mark.parametrize(
    ("crs", "message"),
    [
        ("EPSG:99999", "--crs 'EPSG:99999' is not a CRS; use an EPSG code such as EPSG:5186"),
        ("EPSG:4978", "--crs EPSG:4978: WGS 84 is not a two-dimensional map CRS"),
    ],
)
def test_an_unusable_crs_is_one_clear_error(tmp_path, belt_zones, belt_audit, crs, message):
    with pytest.raises(geo.InputError, match=re.escape(message)):
        export.export_geopackage(tmp_path / "x.gpkg", belt_zones, belt_audit, crs=crs)
    assert not (tmp_path / "x.gpkg").exists()


def test_the_file_is_geopackage_1_2_for_older_qgis(gpkg):
    assert _query(gpkg, "PRAGMA user_version") == [(10200,)]


# --- GeoJSON and CSV ----------------------------------------------------------------------------------------


def test_geojson_is_rfc7946_with_six_decimals_and_the_areas(tmp_path, belt_zones, belt_audit):
    path = export.export_geojson(tmp_path / "zones.geojson", belt_zones, belt_audit)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in document
    assert i18n.MESSAGES["schematic_label"]["en"] in document["description"]
    coordinates = re.findall(
        r"\[\s*(-?\d+\.?\d*),\s*(-?\d+\.?\d*)\s*\]", json.dumps(document["features"][0]["geometry"])
    )
    assert coordinates and all(len(x.split(".")[-1]) <= 6 and len(y.split(".")[-1]) <= 6 for x, y in coordinates)
    west, south, east, north = belt_zones.geometry.iloc[0].bounds
    assert {(float(x), float(y)) for x, y in coordinates} == {(x, y) for x in (west, east) for y in (south, north)}
    properties = [f["properties"] for f in document["features"]]
    assert [p["feature_id"] for p in properties] == list(belt_zones["feature_id"])
    np.testing.assert_array_equal([p["area_m2"] for p in properties], belt_audit.zones["area_m2"])
    assert {p["geometry_quality"] for p in properties} == {"schematic"}


def test_geojson_exterior_rings_are_counter_clockwise(tmp_path, belt_zones, belt_audit):
    clockwise = belt_zones.assign(geometry=shapely.orient_polygons(belt_zones.geometry.values, exterior_cw=True))
    path = export.export_geojson(tmp_path / "zones.geojson", clockwise, belt_audit)
    for geometry in gpd.read_file(path).geometry:
        for polygon in getattr(geometry, "geoms", [geometry]):
            assert polygon.exterior.is_ccw


def test_zone_areas_csv_is_the_reports_table_with_a_bom(tmp_path, belt_zones, belt_audit):
    path = export.export_zone_areas(tmp_path / "areas.csv", belt_zones, belt_audit)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8") == report.to_csv(belt_audit, table="zones")


def test_export_picks_the_format_from_the_suffix_and_rejects_others(tmp_path, belt_zones, belt_audit):
    assert export.export(tmp_path / "a.csv", belt_zones, belt_audit).read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(geo.InputError, match=r"--out a\.shp: unknown format \.shp; end it in \.gpkg"):
        export.export(tmp_path / "a.shp", belt_zones, belt_audit)
    with pytest.raises(geo.InputError, match="always EPSG:4326"):
        export.export(tmp_path / "a.geojson", belt_zones, belt_audit, crs="EPSG:5186")


# --- command line -------------------------------------------------------------------------------------------


def test_export_command_bad_crs_is_one_line_and_exit_2(tmp_path, capsys, belt_zone_file, belt_claims_file):
    out = tmp_path / "belt.gpkg"
    argv = ["export", "--zones", str(belt_zone_file), "--claims", str(belt_claims_file), "--out", str(out)]
    assert main([*argv, "--crs", "EPSG:99999"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("error: --crs 'EPSG:99999' is not a CRS")
    assert not out.exists()


def test_export_command_refuses_to_overwrite_the_claims_file(tmp_path, capsys, belt_zone_file, belt_claims_file):
    claims = tmp_path / "claims.gpkg"
    claims.write_bytes(belt_claims_file.read_bytes())
    before = claims.read_bytes()
    # a claims file named like an output: the export must not write over it
    assert main(["export", "--zones", str(belt_zone_file), "--claims", str(claims), "--out", str(claims)]) == 2
    assert "is one of the inputs" in capsys.readouterr().err
    assert claims.read_bytes() == before


# --- the Gwangju Free Economic Zone -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fez_gpkg(tmp_path_factory, belt_zones, belt_audit, belt_points, belt_context) -> Path:
    """The synthetic belt with synthetic FEZ districts, labels in Japanese."""
    path = tmp_path_factory.mktemp("fez") / "fez.gpkg"
    stamp = datetime.fromtimestamp(EPOCH, UTC)
    export.export_geopackage(
        path,
        belt_zones,
        belt_audit,
        points=belt_points,
        context=belt_context,
        fez=synthetic.fez_districts(),
        language="ja",
        timestamp=stamp,
    )
    return path


def test_the_fez_districts_are_a_layer_after_the_belts_with_their_areas(fez_gpkg):
    districts = synthetic.fez_districts()
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
        props = _props(symbols[category.get("symbol")])
        red, green, blue = (int(style.PILLAR_COLORS[category.get("value")][i : i + 2], 16) for i in (1, 3, 5))
        assert props["outline_color"] == f"{red},{green},{blue},255"
        assert props["outline_style"] == "dash"  # schematic
        assert category.get("label") == (
            f"{fez.pillar_label(category.get('value'), 'ja')} ({i18n.text('schematic_suffix', 'ja')})"
        )
    assert root.find("labeling/settings/text-style").get("fieldName") == "name_ja"
    zones_priority = _styles(fez_gpkg)["zones"].find("labeling/settings/placement").get("priority")
    assert root.find("labeling/settings/placement").get("priority") == zones_priority  # labelled as zones are
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


# --- the bundled layers ---------------------------------------------------------------------------------------


def test_the_bundled_schematic_outlines_are_sized_to_their_official_figures(bundled_gpkg, zones):
    parts = pyogrio.read_dataframe(bundled_gpkg, layer="zone_parts")
    assert list(parts["feature_id"]) == list(zones["feature_id"]) and set(parts["quality"]) == {"schematic"}
    np.testing.assert_allclose(parts["area_m2"], parts["offic_m2"], atol=0.5)


def test_the_bundled_zones_and_belt_carry_the_official_figures(bundled_gpkg):
    dissolved = pyogrio.read_dataframe(bundled_gpkg, layer="zones").set_index("zone_id")
    assert list(dissolved.index) == ["bitgoeul", "jingok", "future"]
    assert dissolved.loc["bitgoeul", "offic_m2"] == 1_847_000 + 2_223_000
    belt = pyogrio.read_dataframe(bundled_gpkg, layer="belt").set_index("kind")
    assert belt.loc["union", "offic_m2"] == 7_140_000


def test_the_bundled_context_is_the_ngii_legal_dongs_with_jingok_dong(bundled_gpkg, context, points):
    areas = pyogrio.read_dataframe(bundled_gpkg, layer="context_areas")
    border = pyogrio.read_dataframe(bundled_gpkg, layer="context_border")
    units = pyogrio.read_dataframe(bundled_gpkg, layer="context_units")
    assert len(areas) + len(border) + len(units) == len(context)
    assert set(areas["kind"]) == {"legal_dong", "ri"} and set(units["kind"]) == {"sigungu"}
    assert "광산구" in set(units["name_ko"]) and units["source"].str.contains("NGII").all()
    assert "진곡동" in set(areas["name_ko"])
    assert areas["source"].str.contains("National Geographic Information Institute").all()
    record = json.loads(_query(bundled_gpkg, "SELECT metadata FROM gpkg_metadata WHERE id = 1")[0][0])
    assert any("NGII" in source for source in record["attribution"])
    assert list(pyogrio.read_dataframe(bundled_gpkg, layer="site_points")["point_id"]) == list(points["point_id"])


def test_export_command_writes_the_bundled_layers_in_the_language_asked(tmp_path, capsys):
    out = tmp_path / "belt.gpkg"
    assert main(["export", "--out", str(out), "--lang", "ja"]) == 0
    assert "(概略境界)" in dict(_query(out, "SELECT table_name, identifier FROM gpkg_contents"))["zone_parts"]
    record = json.loads(_query(out, "SELECT metadata FROM gpkg_metadata WHERE id = 1")[0][0])
    assert record["inputs"] == [p.name for p in (ZONES_FILE, CLAIMS_FILE, POINTS_FILE, CONTEXT_FILE)] + [
        "fez_districts.geojson"
    ]
