"""The small Leaflet pieces the maps add to folium: data layers, controls and scripts, as folium elements.

Each element takes data already made safe: HTML strings escaped with :func:`geo._html.escape` and data
serialised with :func:`geo._html.script_json`, so nothing here formats user data itself. The JavaScript the
elements run is in :mod:`geo.maps._controls` (zoom, scale, full screen, area measure, overlay opacity) and
:mod:`geo.maps._layout` (fitting, panel, popups, labels, north arrow); the stylesheet in :mod:`geo.maps._css`.
"""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template

from .._html import script_json


class GeoJsonLayer(MacroElement):
    """GeoJSON features that carry ``style`` and the escaped HTML of a ``tooltip``, ``label`` and ``popup``;
    ``attribution`` (escaped HTML) is shown in the map's attribution while the layer is on."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
            interactive: {{ this.interactive }},
            {% if this.attribution %}attribution: {{ this.attribution }},{% endif %}
            style: function (feature) { return feature.properties.style || {}; },
            onEachFeature: function (feature, layer) {
                var p = feature.properties;
                if (p.tooltip) { layer.bindTooltip(p.tooltip, {sticky: true, className: "tb-tooltip"}); }
                if (p.label) {
                    layer.bindTooltip(p.label, {
                        permanent: true, direction: "right", className: "tb-point-label"
                    });
                }
                if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 420, className: "tb-popup"}); }
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
"""
    )

    def __init__(self, data: dict, *, interactive: bool = True, attribution: str = "") -> None:
        super().__init__()
        self._name = "TriangleBeltGeoJson"
        self.data = script_json(data)
        self.interactive = script_json(interactive)
        self.attribution = script_json(attribution) if attribution else ""


class LabelLayer(MacroElement):
    """Text labels ``[lon, lat, escaped html, priority]`` as non-interactive div icons centred on the point.

    ``css_class`` is the icon's class (``tb-label`` for context names, ``tb-zone-label`` for zones); the
    priority (default 1) decides which label stays where two overlap (see :data:`geo.maps._layout.LAYOUT_JS`).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.data }}.forEach(function (label) {
            L.marker([label[1], label[0]], {
                icon: L.divIcon({
                    className: {{ this.css_class }}, iconSize: [0, 0],
                    html: '<span class="tb-label-text" data-priority="' + (label[3] || 1) + '">' + label[2] + '</span>'
                }),
                interactive: false, keyboard: false
            }).addTo({{ this._parent.get_name() }});
        });
        {% endmacro %}
"""
    )

    def __init__(self, labels: list[list], *, css_class: str = "tb-label") -> None:
        super().__init__()
        self._name = "TriangleBeltLabels"
        self.data = script_json(labels)
        self.css_class = script_json(css_class)


class ParcelLayer(MacroElement):
    """Many polygons in the compact encoding of :func:`geo.maps._canvas.encode_parcels`, drawn on one canvas.

    One tooltip for all (label and area), or, given ``tooltips``, ``popups`` and ``styles`` (with ``s``, the
    style index of each polygon's feature), each feature's own escaped HTML and style.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var d = {{ this.data }}, v = d.v, k = 0, polygons = [];
            for (var ring = 0; ring < d.n.length; ring++) {
                var x = 0, y = 0, latlngs = [];
                for (var j = 0; j < d.n[ring]; j++) {
                    if (j === 0) { x = d.x0 + v[k]; y = d.y0 + v[k + 1]; } else { x += v[k]; y += v[k + 1]; }
                    latlngs.push([y / d.scale, x / d.scale]);
                    k += 2;
                }
                var polygon = d.r[ring];
                if (polygons[polygon] === undefined) { polygons[polygon] = []; }
                polygons[polygon].push(latlngs);
            }
            var group = L.featureGroup(), renderer = L.canvas({padding: 0.5}), styles = [];
            if (d.styles) {
                styles = d.styles.map(function (s) { return Object.assign({renderer: renderer}, s); });
            }
            for (var i = 0; i < polygons.length; i++) {
                var n = d.p[i];
                var own = d.styles ? styles[d.s[n]] : Object.assign({renderer: renderer}, d.style);
                var shape = L.polygon(polygons[i], own);
                shape.tbParcel = n;
                group.addLayer(shape);
            }
            group.bindTooltip(function (layer) {
                var n = layer.tbParcel;
                if (d.tooltips) { return d.tooltips[n]; }
                var head = d.labels ? "<b>" + d.labels[n] + "</b><br>" : "";
                return head + d.a[n].toLocaleString("en") + " " + d.units.pyeong + " (" +
                    d.m[n].toLocaleString("en") + " " + d.units.m2 + ")";
            }, {sticky: true, className: "tb-tooltip"});
            if (d.popups) {
                group.bindPopup(function (layer) { return d.popups[layer.tbParcel]; },
                    {maxWidth: 420, className: "tb-popup"});
            }
            group.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
"""
    )

    def __init__(self, data: dict) -> None:
        super().__init__()
        self._name = "TriangleBeltParcels"
        self.data = script_json(data)


class Control(MacroElement):
    """A Leaflet control showing ``html`` (already escaped); ``setup`` is JavaScript run when it is added.

    ``setup`` sees ``map``, ``container`` and, if ``layer`` is given, ``layer`` (that folium layer).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            {% if this.layer %}var layer = {{ this.layer.get_name() }};{% endif %}
            var control = L.control({position: {{ this.position }}});
            control.onAdd = function () {
                var container = L.DomUtil.create("div", "tb-control " + {{ this.css_class }});
                container.innerHTML = {{ this.html }};
                L.DomEvent.disableClickPropagation(container);
                L.DomEvent.disableScrollPropagation(container);
                {{ this.setup }}
                return container;
            };
            control.addTo(map);
        })();
        {% endmacro %}
"""
    )

    def __init__(self, html: str, *, position: str, css_class: str, setup: str = "", layer=None) -> None:
        super().__init__()
        self._name = "TriangleBeltControl"
        self.html = script_json(html)
        self.position = script_json(position)
        self.css_class = script_json(css_class)
        self.setup = setup
        self.layer = layer


class Script(MacroElement):
    """JavaScript run with ``map`` and ``t`` (``data``: the translated strings, or other JSON data)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, t) {
        {{ this.code }}
        })({{ this._parent.get_name() }}, {{ this.data }});
        {% endmacro %}
"""
    )

    def __init__(self, code: str, *, data: object) -> None:
        super().__init__()
        self._name = "TriangleBeltScript"
        self.code = code
        self.data = script_json(data)
