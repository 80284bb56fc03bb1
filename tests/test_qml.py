"""QGIS styles: well-formed QML, escaped text, the renderer, labels and aliases asked for."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from geo.export import _qml


def _style(**options) -> _qml.LayerStyle:
    base = {
        "geometry": "polygon",
        "symbol": _qml.Symbol("#7f7f7f"),
        "category_field": "role",
        "categories": (_qml.Category("parts", "Parts", _qml.Symbol("#2ca02c", 0.4, dashed=True)),),
        "label_field": "name_en",
        "aliases": {"area_m2": "Area, m²"},
    }
    return _qml.LayerStyle(**{**base, **options})


def test_rgba_converts_hex_and_opacity_to_0_255_components():
    assert _qml.rgba("#1f77b4") == "31,119,180,255"
    assert _qml.rgba("#ff0000", 0.4) == "255,0,0,102"
    assert _qml.color_expression("#000000", 0.0) == "color_rgba(0,0,0,0)"


def test_categorised_polygon_style_has_the_categories_symbols_labels_and_aliases():
    root = ET.fromstring(_qml.to_qml(_style(dash_expression="'dash'")))
    renderer = root.find("renderer-v2")
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "role"
    category = renderer.find("categories/category")
    assert (category.get("value"), category.get("label"), category.get("symbol")) == ("parts", "Parts", "0")
    props = {p.get("k"): p.get("v") for p in renderer.find("symbols/symbol/layer").iter("prop")}
    assert props["outline_style"] == "dash" and props["color"] == "44,160,44,102"
    assert root.find("labeling/settings/text-style").get("fieldName") == "name_en"
    assert root.get("labelsEnabled") == "1"
    assert root.find("aliases/alias").attrib == {"field": "area_m2", "index": "0", "name": "Area, m²"}
    assert root.find("layerGeometryType").text == "2"
    expressions = [o.get("value") for o in root.iter("Option") if o.get("name") == "expression"]
    assert expressions == ["'dash'", "'dash'"]  # the category's symbol and the source symbol


def test_text_from_data_is_escaped_and_the_document_stays_well_formed():
    hostile = '<img src=x onerror=alert(1)> & "quotes" ${alert(2)} </qgis>'
    qml = _qml.to_qml(
        _style(categories=(_qml.Category(hostile, hostile, _qml.Symbol("#000000")),), aliases={"a": hostile})
    )
    assert "<img" not in qml and "</qgis>" in qml and qml.count("</qgis>") == 1
    root = ET.fromstring(qml)
    assert root.find("renderer-v2/categories/category").get("label") == hostile
    assert root.find("aliases/alias").get("name") == hostile


def test_single_symbol_point_and_line_styles():
    point = ET.fromstring(_qml.to_qml(_qml.LayerStyle(geometry="point", symbol=_qml.Symbol("#000000"))))
    assert point.find("renderer-v2").get("type") == "singleSymbol"
    assert point.find("renderer-v2/symbols/symbol/layer").get("class") == "SimpleMarker"
    assert point.find("labeling") is None and point.get("labelsEnabled") == "0"
    line = ET.fromstring(_qml.to_qml(_qml.LayerStyle(geometry="line", symbol=_qml.Symbol("#555555", dashed=True))))
    props = {p.get("k"): p.get("v") for p in line.iter("prop")}
    assert props["line_style"] == "dash" and line.find("layerGeometryType").text == "1"


def test_unfilled_polygons_have_no_fill():
    root = ET.fromstring(_qml.to_qml(_qml.LayerStyle(geometry="polygon", symbol=_qml.Symbol("#555555", filled=False))))
    props = {p.get("k"): p.get("v") for p in root.iter("prop")}
    assert props["style"] == "no" and props["color"].endswith(",0")


def test_unknown_geometry_is_refused():
    with pytest.raises(ValueError, match="geometry must be one of"):
        _qml.LayerStyle(geometry="raster", symbol=_qml.Symbol("#000000"))


def test_labels_carry_their_priority_z_index_and_whether_features_are_obstacles():
    default = ET.fromstring(_qml.to_qml(_style())).find("labeling/settings")
    assert default.find("placement").get("priority") == str(_qml.DEFAULT_LABEL_PRIORITY)
    assert default.find("rendering").get("obstacle") == "1" and default.find("rendering").get("zIndex") == "0"
    tuned = ET.fromstring(_qml.to_qml(_style(label_priority=10, label_z_index=2.5, label_obstacle=False)))
    settings = tuned.find("labeling/settings")
    assert settings.find("placement").get("priority") == "10"
    assert (settings.find("rendering").get("zIndex"), settings.find("rendering").get("obstacle")) == ("2.5", "0")


def test_outline_and_line_width_and_opacity_are_the_symbols():
    symbol = _qml.Symbol("#555555", 0.0, filled=False, width_mm=0.26, outline_opacity=0.6)
    polygon = ET.fromstring(_qml.to_qml(_qml.LayerStyle(geometry="polygon", symbol=symbol)))
    props = {p.get("k"): p.get("v") for p in polygon.iter("prop")}
    assert (props["outline_width"], props["outline_color"]) == ("0.26", "85,85,85,153")
    line = ET.fromstring(_qml.to_qml(_qml.LayerStyle(geometry="line", symbol=symbol)))
    props = {p.get("k"): p.get("v") for p in line.iter("prop")}
    assert (props["line_width"], props["line_color"]) == ("0.26", "85,85,85,153")
    default = ET.fromstring(_qml.to_qml(_qml.LayerStyle(geometry="line", symbol=_qml.Symbol("#555555"))))
    props = {p.get("k"): p.get("v") for p in default.iter("prop")}
    assert (props["line_width"], props["line_color"]) == (f"{_qml.LINE_WIDTH_MM:g}", "85,85,85,255")


def test_a_table_without_geometry_gets_only_its_aliases_escaped():
    hostile = 'Area <m²> & "quotes" \x01'
    root = ET.fromstring(_qml.to_qml(_qml.LayerStyle(geometry=None, aliases={"area_m2": hostile, "b": "B"})))
    assert root.get("styleCategories") == "Fields" and root.get("labelsEnabled") is None
    assert [child.tag for child in root] == ["aliases", "layerGeometryType"]
    assert root.find("layerGeometryType").text == "4"  # QgsWkbTypes::NullGeometry
    assert [a.attrib for a in root.iter("alias")] == [
        {"field": "area_m2", "index": "0", "name": 'Area <m²> & "quotes" \\x01'},
        {"field": "b", "index": "1", "name": "B"},
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"geometry": "polygon"}, "a polygon layer needs a symbol"),
        ({"geometry": None, "symbol": _qml.Symbol("#000000")}, "a table without geometry has no symbol"),
        ({"geometry": None, "label_field": "name_en"}, "a table without geometry has no symbol, categories or labels"),
        (
            {"geometry": "point", "symbol": _qml.Symbol("#000000"), "label_priority": 11},
            "label_priority must be 0 to 10",
        ),
    ],
)
def test_inconsistent_styles_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        _qml.LayerStyle(**options)


@pytest.mark.parametrize("options", [{"fill_opacity": 1.5}, {"outline_opacity": -0.1}, {"width_mm": 0}])
def test_symbols_out_of_range_are_refused(options):
    with pytest.raises(ValueError, match="must be"):
        _qml.Symbol("#000000", **options)
