"""The small Leaflet pieces the maps add to folium: data layers, controls and their CSS.

Each element takes data already made safe: HTML strings escaped with :func:`geo._html.escape` and data
serialised with :func:`geo._html.script_json`, so nothing here formats user data itself. The controls that
no PyPI package ships (legend and panels, full screen, area measure, overlay opacity) are written here.
"""

from __future__ import annotations

from typing import Final

from branca.element import MacroElement
from folium.template import Template

from .. import style
from .._html import FONT_STACK, script_json


class GeoJsonLayer(MacroElement):
    """GeoJSON features that carry ``style`` and the escaped HTML of a ``tooltip``, ``label`` and ``popup``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
            interactive: {{ this.interactive }},
            style: function (feature) { return feature.properties.style || {}; },
            onEachFeature: function (feature, layer) {
                var p = feature.properties;
                if (p.tooltip) { layer.bindTooltip(p.tooltip, {sticky: true, className: "tb-tooltip"}); }
                if (p.label) {
                    layer.bindTooltip(p.label, {
                        permanent: true, direction: "auto", className: "tb-point-label"
                    });
                }
                if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 420, className: "tb-popup"}); }
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
"""
    )

    def __init__(self, data: dict, *, interactive: bool = True) -> None:
        super().__init__()
        self._name = "TriangleBeltGeoJson"
        self.data = script_json(data)
        self.interactive = script_json(interactive)


class LabelLayer(MacroElement):
    """Text labels ``[lon, lat, escaped html]`` as non-interactive div icons."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.data }}.forEach(function (label) {
            L.marker([label[1], label[0]], {
                icon: L.divIcon({className: "tb-label", html: label[2], iconSize: null}),
                interactive: false, keyboard: false
            }).addTo({{ this._parent.get_name() }});
        });
        {% endmacro %}
"""
    )

    def __init__(self, labels: list[list]) -> None:
        super().__init__()
        self._name = "TriangleBeltLabels"
        self.data = script_json(labels)


class ParcelLayer(MacroElement):
    """Many polygons in the compact encoding of :func:`geo.maps._encode_parcels`, one tooltip for all."""

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
            var group = L.featureGroup();
            for (var i = 0; i < polygons.length; i++) {
                var shape = L.polygon(polygons[i], d.style);
                shape.tbParcel = d.p[i];
                group.addLayer(shape);
            }
            group.bindTooltip(function (layer) {
                var n = layer.tbParcel;
                var head = d.labels ? "<b>" + d.labels[n] + "</b><br>" : "";
                return head + d.a[n].toLocaleString("en") + " " + d.units.pyeong + " (" +
                    d.m[n].toLocaleString("en") + " " + d.units.m2 + ")";
            }, {sticky: true, className: "tb-tooltip"});
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


# Shown while its overlay is on: the opacity slider sets the overlay's opacity.
OVERLAY_JS: Final = """
        container.querySelector(".tb-opacity").addEventListener("input", function (event) {
            layer.setOpacity(event.target.value / 100);
        });
        var sync = function () { container.style.display = map.hasLayer(layer) ? "" : "none"; };
        map.on("overlayadd overlayremove", sync);
        sync();
"""

# Fit the map to t.bounds, keeping clear of the panel on the right when the map is wide enough.
FIT_JS: Final = """
var width = map.getSize().x, right = t.padding, side = 0;
map.getContainer().querySelectorAll(".tb-panel").forEach(function (box) {
    side = Math.max(side, box.offsetWidth);
});
if (width > 2.5 * side) { right += side; }
map.fitBounds(t.bounds, {paddingTopLeft: [t.padding, t.padding], paddingBottomRight: [right, t.padding]});
"""

# Metric scale bar, zoom buttons with translated titles, a full-screen button and the area measure tool.
# The measured area is computed on the authalic sphere of GRS80 (radius R_q, latitudes converted to
# authalic latitudes), with edges straight in Lambert's cylindrical equal-area projection: equal-area for
# the ellipsoid, and within 1e-6 of the geodesic polygon for sites up to 10 km across (checked against
# GeographicLib in the browser tests). The perimeter is Leaflet's spherical distance (R = 6371 km).
CONTROLS_JS: Final = """
L.control.scale({imperial: false, position: "bottomleft"}).addTo(map);
var zoom = L.control.zoom({zoomInTitle: t.zoom_in, zoomOutTitle: t.zoom_out, position: "topleft"}).addTo(map);
var corner = zoom.getContainer().parentNode;
corner.insertBefore(zoom.getContainer(), corner.firstChild);
var ICON_FULLSCREEN = '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M2 6V2h4M10 2h4v4' +
    'M14 10v4h-4M6 14H2v-4" fill="none" stroke="#333" stroke-width="2"/></svg>';
var ICON_MEASURE = '<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M2 13L5 3l9 3-3 8z" ' +
    'fill="rgba(0,0,0,0.12)" stroke="#333" stroke-width="1.6" stroke-dasharray="3 1.5"/></svg>';

var Fullscreen = L.Control.extend({
    options: {position: "topleft"},
    onAdd: function () {
        var bar = L.DomUtil.create("div", "leaflet-bar tb-fullscreen");
        var button = L.DomUtil.create("a", "", bar);
        button.href = "#"; button.title = t.fullscreen; button.setAttribute("role", "button");
        button.setAttribute("aria-label", t.fullscreen); button.innerHTML = ICON_FULLSCREEN;
        L.DomEvent.on(button, "click", function (event) {
            L.DomEvent.preventDefault(event);
            var element = map.getContainer();
            if (document.fullscreenElement) { document.exitFullscreen(); }
            else if (element.requestFullscreen) { element.requestFullscreen(); }
        });
        document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
        L.DomEvent.disableClickPropagation(bar);
        return bar;
    }
});
new Fullscreen().addTo(map);

var A = t.ellipsoid_a, E2 = t.ellipsoid_e2, E = Math.sqrt(E2);
function q(sinPhi) {
    return (1 - E2) * (sinPhi / (1 - E2 * sinPhi * sinPhi)
        - Math.log((1 - E * sinPhi) / (1 + E * sinPhi)) / (2 * E));
}
var QP = q(1), RQ = A * Math.sqrt(QP / 2);
function areaM2(latlngs) {
    var sum = 0, n = latlngs.length;
    for (var i = 0; i < n; i++) {
        var p = latlngs[i], r = latlngs[(i + 1) % n];
        var y1 = q(Math.sin(p.lat * Math.PI / 180)) / QP, y2 = q(Math.sin(r.lat * Math.PI / 180)) / QP;
        sum += (r.lng - p.lng) * Math.PI / 180 * (y1 + y2);
    }
    return Math.abs(sum) * RQ * RQ / 2;
}
function perimeterM(latlngs, closed) {
    var total = 0;
    for (var i = 1; i < latlngs.length; i++) { total += map.distance(latlngs[i - 1], latlngs[i]); }
    if (closed && latlngs.length > 2) { total += map.distance(latlngs[latlngs.length - 1], latlngs[0]); }
    return total;
}
function fmt(x, digits) {
    return x.toLocaleString("en", {minimumFractionDigits: digits, maximumFractionDigits: digits});
}

var Measure = L.Control.extend({
    options: {position: "topleft"},
    onAdd: function () {
        var box = L.DomUtil.create("div", "leaflet-bar tb-measure");
        box.innerHTML = '<a href="#" role="button" class="tb-measure-toggle">' + ICON_MEASURE + '</a>' +
            '<div class="tb-measure-panel" hidden><div class="tb-measure-hint"></div>' +
            '<div class="tb-measure-out"></div><div class="tb-measure-method"></div>' +
            '<button type="button" class="tb-measure-finish"></button> ' +
            '<button type="button" class="tb-measure-clear"></button></div>';
        var toggle = box.querySelector(".tb-measure-toggle"), panel = box.querySelector(".tb-measure-panel");
        var out = box.querySelector(".tb-measure-out");
        toggle.title = t.measure; toggle.setAttribute("aria-label", t.measure);
        box.querySelector(".tb-measure-hint").textContent = t.measure_hint;
        box.querySelector(".tb-measure-method").textContent = t.measure_method;
        box.querySelector(".tb-measure-finish").textContent = t.measure_finish;
        box.querySelector(".tb-measure-clear").textContent = t.measure_clear;
        var points = [], shape = null, active = false, closed = false;
        var layer = L.layerGroup().addTo(map);
        function redraw() {
            layer.clearLayers();
            if (points.length === 0) { out.textContent = ""; return; }
            var options = {color: "#000", weight: 2, dashArray: "4 4", fillOpacity: 0.1, interactive: false};
            shape = points.length > 2 ? L.polygon(points, options) : L.polyline(points, options);
            layer.addLayer(shape);
            points.forEach(function (p) {
                layer.addLayer(L.circleMarker(p, {radius: 3, color: "#000", interactive: false}));
            });
            var area = points.length > 2 ? areaM2(points) : 0, length = perimeterM(points, points.length > 2);
            out.innerHTML = "";
            [[t.measure_area, fmt(area, 0) + " " + t.unit_m2],
             ["", fmt(area * 121 / 400, 0) + " " + t.unit_pyeong + " · " + fmt(area / 10000, 2) + " " + t.unit_ha],
             [t.measure_perimeter, length < 1000 ? fmt(length, 0) + " " + t.unit_m
                                                 : fmt(length / 1000, 2) + " " + t.unit_km]
            ].forEach(function (line) {
                var row = document.createElement("div");
                row.textContent = (line[0] ? line[0] + ": " : "") + line[1];
                out.appendChild(row);
            });
        }
        function start() {
            active = true; closed = false; points = []; redraw(); panel.hidden = false;
            map.doubleClickZoom.disable(); map.getContainer().style.cursor = "crosshair";
        }
        function finish() {
            active = false; closed = true; map.doubleClickZoom.enable(); map.getContainer().style.cursor = "";
        }
        function clear() { finish(); points = []; redraw(); panel.hidden = true; }
        L.DomEvent.on(toggle, "click", function (event) {
            L.DomEvent.preventDefault(event);
            if (active) { finish(); } else { start(); }
        });
        L.DomEvent.on(box.querySelector(".tb-measure-finish"), "click", finish);
        L.DomEvent.on(box.querySelector(".tb-measure-clear"), "click", clear);
        map.on("click", function (event) { if (active) { points.push(event.latlng); redraw(); } });
        map.on("dblclick", function () { if (active) { finish(); } });
        L.DomEvent.disableClickPropagation(box);
        map.tbMeasure = {
            start: start, finish: finish, clear: clear, areaM2: areaM2,
            add: function (lat, lng) { points.push(L.latLng(lat, lng)); redraw(); },
            text: function () { return out.textContent; }
        };
        return box;
    }
});
new Measure().addTo(map);
"""


CSS: Final = f"""
.leaflet-container {{ font-family: {FONT_STACK}; background: #f4f3ef; }}
:lang(ja) .leaflet-container, .leaflet-container:lang(ja) {{ font-family: "Noto Sans CJK JP", {FONT_STACK}; }}
.tb-control {{ background: rgba(255,255,255,0.95); border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,0.3);
  padding: 8px 12px; font-size: 12px; line-height: 1.4; color: #222; }}
.tb-panel {{ max-width: 350px; font-size: 11.5px; max-height: calc(100vh - 60px); overflow-y: auto; }}
.tb-panel .tb-legend {{ border-top: 1px solid #ddd; margin-top: 8px; padding-top: 6px; }}
.tb-panel h1 {{ font-size: 16px; margin: 0 0 6px; }}
.tb-panel p {{ margin: 4px 0; }}
.tb-panel summary {{ cursor: pointer; font-weight: 600; margin: 6px 0 4px; }}
.tb-big {{ font-size: 15px; font-weight: 700; }}
.tb-legend h2, .tb-overlay-legend h2 {{ font-size: 13px; margin: 0 0 4px; }}
.tb-legend h3 {{ font-size: 11px; margin: 6px 0 2px; color: #555; text-transform: uppercase; }}
.tb-row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.tb-swatch {{ display: inline-block; flex: none; width: 16px; height: 12px; border-radius: 2px; margin-right: 4px;
  vertical-align: middle; }}
.tb-line {{ display: inline-block; flex: none; width: 22px; height: 0; border-top: 2px solid #444; }}
.tb-dashed {{ border-top-style: dashed; }}
.tb-belt-line {{ height: 6px; border-top: 0; background: {style.BELT_COLOR}; opacity: 0.45; }}
.tb-triangle-line {{ border-top: 3px dotted {style.BELT_COLOR}; opacity: 0.8; }}
.tb-claims {{ border-collapse: collapse; width: 100%; }}
.tb-claims th, .tb-claims td {{ border-top: 1px solid #ddd; padding: 2px 4px; vertical-align: top; text-align: left; }}
.tb-claims td:nth-child(2), .tb-claims td:nth-child(3) {{ text-align: right; white-space: nowrap; }}
.tb-ok {{ color: #1a7f37; font-weight: 600; }}
.tb-off {{ color: #b42318; font-weight: 600; }}
.tb-warn {{ color: #8a5a00; }}
.tb-tag {{ display: inline-block; font-size: 10px; padding: 0 4px; border: 1px solid #8a5a00; border-radius: 3px;
  color: #8a5a00; }}
.tb-popup-body h3 {{ font-size: 14px; margin: 0 0 4px; }}
.tb-popup-body h4 {{ font-size: 12px; margin: 8px 0 2px; }}
.tb-popup-body table {{ border-collapse: collapse; }}
.tb-popup-body th {{ text-align: left; font-weight: 500; color: #555; padding: 1px 8px 1px 0; vertical-align: top; }}
.tb-popup-body td {{ padding: 1px 0; }}
.tb-popup-body th.tb-section {{ color: #222; font-weight: 700; padding-top: 4px; }}
.tb-role {{ margin-bottom: 4px; }}
.tb-label {{ font-size: 11px; color: #333; white-space: nowrap; text-shadow: 0 0 3px #fff, 0 0 3px #fff;
  transform: translate(-50%, -50%); }}
.leaflet-tooltip.tb-point-label {{ background: rgba(255,255,255,0.85); border: 0; box-shadow: none; padding: 1px 4px;
  font-size: 11px; color: #333; }}
.leaflet-tooltip.tb-point-label::before {{ display: none; }}
.tb-ramp {{ height: 10px; border-radius: 2px; margin: 4px 0 2px; min-width: 160px; }}
.tb-ramp-labels {{ display: flex; justify-content: space-between; }}
.tb-fullscreen a, .tb-measure-toggle {{ display: flex !important; align-items: center; justify-content: center; }}
.tb-measure {{ background: #fff; }}
.tb-measure-panel {{ padding: 6px 8px; width: 220px; font-size: 12px; }}
.tb-measure-method {{ color: #666; font-size: 10px; margin: 2px 0 4px; }}
"""
