"""QGIS layer styles (QML) for the GeoPackage export: categorised colours, labels, aliases, dashed outlines.

A :class:`LayerStyle` says what to draw: for a layer, its symbols (outline width and opacity included), its
labels (their priority, z-index, and whether the features are obstacles to other layers' labels) and its
fields' aliases; for a table without geometry, only the aliases. :func:`to_qml` turns it into the QML document
QGIS stores in a GeoPackage's ``layer_styles`` table, complete as written. Every string that comes from data
(labels, aliases, field names) goes through the XML writer, so it is escaped, after :func:`geo._format.xml_text`
has shown visibly the characters XML 1.0 cannot hold at all (ElementTree would write them raw, giving a file no
XML parser reads; a category whose value holds one can then not match its features, which no QML could). The
QML uses the ``<prop k= v=>`` form, which every QGIS 3 reads.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from .. import _format as fmt

#: The QGIS version the QML is written for; QGIS reads styles written for older versions.
QGIS_VERSION: Final = "3.28.0-Firenze"
#: Default outline width of polygons, line width, marker size and marker outline width, in millimetres on paper
#: (QGIS "MM" unit).
OUTLINE_WIDTH_MM: Final = 0.6
LINE_WIDTH_MM: Final = 0.8
MARKER_SIZE_MM: Final = 3.0
MARKER_OUTLINE_WIDTH_MM: Final = 0.4
LABEL_FONT_SIZE_PT: Final = 9
LABEL_BUFFER_MM: Final = 0.8
#: QGIS's default label priority (0 lowest to 10 highest: higher ones are placed first, and win a conflict).
DEFAULT_LABEL_PRIORITY: Final = 5
_MAX_LABEL_PRIORITY: Final = 10

#: QGIS ``layerGeometryType`` codes; ``None`` is a table without geometry (QgsWkbTypes::NullGeometry).
_GEOMETRY_CODES: Final = {"point": "0", "line": "1", "polygon": "2", None: "4"}
#: QGIS label placement codes: over the centroid for polygons, along the line, around the point.
_LABEL_PLACEMENT: Final = {"point": "0", "line": "2", "polygon": "1"}
_SYMBOL_TYPES: Final = {"point": "marker", "line": "line", "polygon": "fill"}


@dataclass(frozen=True)
class Symbol:
    """How one category is drawn.

    Attributes
    ----------
    color : str
        Hex sRGB colour (``#rrggbb``) of the outline, line or marker; the fill is the same colour.
    fill_opacity : float
        Opacity of polygon fills and markers, 0 to 1.
    dashed : bool
        Dashed outline or line (schematic geometry); solid otherwise.
    filled : bool
        Whether polygons are filled at all (context boundaries are outlines only).
    width_mm : float or None
        Width of a polygon's outline or of a line, in millimetres on paper; None for :data:`OUTLINE_WIDTH_MM`
        or :data:`LINE_WIDTH_MM`. Markers keep their white :data:`MARKER_OUTLINE_WIDTH_MM` outline.
    outline_opacity : float
        Opacity of a polygon's outline or of a line, 0 to 1 (lighter for background layers).
    """

    color: str
    fill_opacity: float = 0.4
    dashed: bool = False
    filled: bool = True
    width_mm: float | None = None
    outline_opacity: float = 1.0

    def __post_init__(self) -> None:
        for name in ("fill_opacity", "outline_opacity"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {getattr(self, name)!r}")
        if self.width_mm is not None and not self.width_mm > 0:
            raise ValueError(f"width_mm must be positive, got {self.width_mm!r}")


@dataclass(frozen=True)
class Category:
    """One legend entry of a categorised renderer: features whose field equals ``value``."""

    value: str
    label: str
    symbol: Symbol


@dataclass(frozen=True)
class LayerStyle:
    """A layer's style: renderer, labels and field aliases; a table's without geometry: its aliases only.

    Attributes
    ----------
    geometry : str or None
        ``"polygon"``, ``"line"`` or ``"point"``; None for a table without geometry (an attributes table),
        whose style holds only its aliases.
    symbol : Symbol or None
        The single symbol, or the symbol of features that match no category; required with a geometry.
    category_field : str or None
        Field whose values select the categories; None for a single-symbol renderer.
    categories : tuple of Category
        Legend entries in order.
    label_field : str or None
        Field shown as the label (in the chosen language); None for no labels.
    dash_expression : str or None
        QGIS expression giving the outline style per feature (``'dash'`` or ``'solid'``), overriding the
        symbol's static style, so a file mixing schematic and surveyed outlines draws each right.
    fill_expressions : dict
        Per category value, a QGIS expression for the fill colour (planned zones fainter than operating ones).
    aliases : dict
        Field name to a readable alias shown in QGIS instead of the short field name.
    label_priority : int
        0 to 10: labels of higher priority are placed first, and win where labels of several layers conflict.
    label_z_index : float
        Labels of a higher z-index are drawn above those of a lower one.
    label_obstacle : bool
        Whether the features keep other layers' labels off themselves (background layers should not).
    """

    geometry: str | None
    symbol: Symbol | None = None
    category_field: str | None = None
    categories: tuple[Category, ...] = ()
    label_field: str | None = None
    dash_expression: str | None = None
    fill_expressions: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    label_priority: int = DEFAULT_LABEL_PRIORITY
    label_z_index: float = 0.0
    label_obstacle: bool = True

    def __post_init__(self) -> None:
        if self.geometry not in _GEOMETRY_CODES:
            names = ", ".join(repr(name) for name in _GEOMETRY_CODES)
            raise ValueError(f"geometry must be one of {names}, got {self.geometry!r}")
        if self.geometry is not None and self.symbol is None:
            raise ValueError(f"a {self.geometry} layer needs a symbol")
        if self.geometry is None and (self.symbol is not None or self.category_field or self.label_field):
            raise ValueError("a table without geometry has no symbol, categories or labels, only aliases")
        if not 0 <= self.label_priority <= _MAX_LABEL_PRIORITY:
            raise ValueError(f"label_priority must be 0 to {_MAX_LABEL_PRIORITY}, got {self.label_priority!r}")


def rgba(color: str, opacity: float = 1.0) -> str:
    """``#rrggbb`` and an opacity (0 to 1) as QGIS's ``r,g,b,a`` with 0-255 components."""
    red, green, blue = (int(color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return f"{red},{green},{blue},{round(opacity * 255)}"


def color_expression(color: str, opacity: float) -> str:
    """A QGIS expression for ``color`` at ``opacity`` (for data-defined fills)."""
    return f"color_rgba({rgba(color, opacity)})"


def to_qml(style: LayerStyle) -> str:
    """The QML document of ``style``: well-formed XML naming only the fields the style was given.

    A table without geometry gets only its aliases and says it is for no geometry (QGIS refuses a style of
    another geometry type for it); QGIS 3.22 on GDAL before 3.7, which does not read ``gpkg_data_columns``,
    shows such a table's aliases only from this style.
    """
    if style.geometry is None:
        root = ET.Element("qgis", {"version": QGIS_VERSION, "styleCategories": "Fields"})
    else:
        root = ET.Element(
            "qgis",
            {
                "version": QGIS_VERSION,
                "styleCategories": "Symbology|Labeling|Fields",
                "labelsEnabled": "1" if style.label_field else "0",
            },
        )
        root.append(_renderer(style))
        if style.label_field:
            root.append(_labeling(style))
    if style.aliases:
        aliases = ET.SubElement(root, "aliases")
        for index, (name, alias) in enumerate(style.aliases.items()):
            ET.SubElement(aliases, "alias", {"field": name, "index": str(index), "name": alias})
    ET.SubElement(root, "layerGeometryType").text = _GEOMETRY_CODES[style.geometry]
    _xml_safe(root)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"


def _xml_safe(root: ET.Element) -> None:
    """Pass every attribute value and text of the tree through :func:`geo._format.xml_text`, in place."""
    for element in root.iter():
        for key, value in element.attrib.items():
            element.set(key, fmt.xml_text(value))
        if element.text:
            element.text = fmt.xml_text(element.text)
        if element.tail:
            element.tail = fmt.xml_text(element.tail)


def _renderer(style: LayerStyle) -> ET.Element:
    common = {"symbollevels": "0", "enableorderby": "0", "forceraster": "0"}
    if style.category_field is None:
        renderer = ET.Element("renderer-v2", {"type": "singleSymbol", **common})
        symbols = ET.SubElement(renderer, "symbols")
        symbols.append(_symbol(style, style.symbol, "0", fill_expression=None))
        return renderer
    renderer = ET.Element("renderer-v2", {"type": "categorizedSymbol", "attr": style.category_field, **common})
    categories = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for index, category in enumerate(style.categories):
        name = str(index)
        ET.SubElement(
            categories, "category", {"symbol": name, "value": category.value, "label": category.label, "render": "true"}
        )
        symbols.append(
            _symbol(style, category.symbol, name, fill_expression=style.fill_expressions.get(category.value))
        )
    source = ET.SubElement(renderer, "source-symbol")
    source.append(_symbol(style, style.symbol, "0", fill_expression=None))
    return renderer


def _symbol(style: LayerStyle, symbol: Symbol, name: str, *, fill_expression: str | None) -> ET.Element:
    kind = _SYMBOL_TYPES[style.geometry]
    element = ET.Element("symbol", {"type": kind, "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"})
    outline = "dash" if symbol.dashed else "solid"
    if style.geometry == "polygon":
        layer_class = "SimpleFill"
        props = {
            "color": rgba(symbol.color, symbol.fill_opacity if symbol.filled else 0.0),
            "style": "solid" if symbol.filled else "no",
            "outline_color": rgba(symbol.color, symbol.outline_opacity),
            "outline_style": outline,
            "outline_width": f"{OUTLINE_WIDTH_MM if symbol.width_mm is None else symbol.width_mm:g}",
            "outline_width_unit": "MM",
            "joinstyle": "bevel",
        }
        defined = {"outlineStyle": style.dash_expression, "fillColor": fill_expression}
    elif style.geometry == "line":
        layer_class = "SimpleLine"
        props = {
            "line_color": rgba(symbol.color, symbol.outline_opacity),
            "line_style": outline,
            "line_width": f"{LINE_WIDTH_MM if symbol.width_mm is None else symbol.width_mm:g}",
            "line_width_unit": "MM",
            "capstyle": "round",
            "joinstyle": "round",
        }
        defined = {"strokeStyle": style.dash_expression}
    else:
        layer_class = "SimpleMarker"
        props = {
            "name": "circle",
            "color": rgba(symbol.color, symbol.fill_opacity),
            "outline_color": "255,255,255,255",
            "outline_style": "solid",
            "outline_width": f"{MARKER_OUTLINE_WIDTH_MM:g}",
            "outline_width_unit": "MM",
            "size": str(MARKER_SIZE_MM),
            "size_unit": "MM",
        }
        defined = {}
    layer = ET.SubElement(element, "layer", {"class": layer_class, "enabled": "1", "locked": "0", "pass": "0"})
    for key, value in props.items():
        ET.SubElement(layer, "prop", {"k": key, "v": value})
    layer.append(_data_defined({key: value for key, value in defined.items() if value}))
    return element


def _data_defined(expressions: Mapping[str, str]) -> ET.Element:
    """QGIS's data-defined property collection: each property an active expression."""
    container = ET.Element("data_defined_properties")
    collection = ET.SubElement(container, "Option", {"type": "Map"})
    ET.SubElement(collection, "Option", {"type": "QString", "name": "name", "value": ""})
    properties = ET.SubElement(collection, "Option", {"type": "Map", "name": "properties"})
    for key, expression in expressions.items():
        prop = ET.SubElement(properties, "Option", {"type": "Map", "name": key})
        ET.SubElement(prop, "Option", {"type": "bool", "name": "active", "value": "true"})
        ET.SubElement(prop, "Option", {"type": "QString", "name": "expression", "value": expression})
        ET.SubElement(prop, "Option", {"type": "int", "name": "type", "value": "3"})
    ET.SubElement(collection, "Option", {"type": "QString", "name": "type", "value": "collection"})
    return container


def _labeling(style: LayerStyle) -> ET.Element:
    labeling = ET.Element("labeling", {"type": "simple"})
    settings = ET.SubElement(labeling, "settings", {"calloutType": "simple"})
    text = ET.SubElement(
        settings,
        "text-style",
        {
            "fieldName": str(style.label_field),
            "isExpression": "0",
            "fontSize": str(LABEL_FONT_SIZE_PT),
            "fontSizeUnit": "Point",
            "textColor": "0,0,0,255",
            "textOpacity": "1",
            "multilineHeight": "1",
        },
    )
    ET.SubElement(
        text,
        "text-buffer",
        {
            "bufferDraw": "1",
            "bufferSize": str(LABEL_BUFFER_MM),
            "bufferSizeUnits": "MM",
            "bufferColor": "255,255,255,255",
            "bufferOpacity": "1",
        },
    )
    ET.SubElement(settings, "text-format", {"wrapChar": "", "multilineAlign": "3"})
    ET.SubElement(
        settings,
        "placement",
        {
            "placement": _LABEL_PLACEMENT[style.geometry],
            "dist": "1",
            "distUnits": "MM",
            "priority": str(style.label_priority),
        },
    )
    ET.SubElement(
        settings,
        "rendering",
        {
            "obstacle": "1" if style.label_obstacle else "0",
            "displayAll": "0",
            "scaleVisibility": "0",
            "zIndex": f"{style.label_z_index:g}",
        },
    )
    return labeling
