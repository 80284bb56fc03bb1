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
