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
                        permanent: true, direction: "right", className: "tb-point-label"
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
    """Text labels ``[lon, lat, escaped html, priority]`` as non-interactive div icons centred on the point.

    ``css_class`` is the icon's class (``tb-label`` for context names, ``tb-zone-label`` for zones); the
    priority (default 1) decides which label stays where two overlap (see :data:`LAYOUT_JS`).
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
    """Many polygons in the compact encoding of :func:`geo.maps._encode_parcels`, drawn on one canvas.

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


# Shown while its overlay is on: the opacity slider sets the overlay's opacity.
OVERLAY_JS: Final = """
        container.querySelector(".tb-opacity").addEventListener("input", function (event) {
            layer.setOpacity(event.target.value / 100);
        });
        var sync = function () { container.style.display = map.hasLayer(layer) ? "" : "none"; };
        map.on("overlayadd overlayremove", sync);
        sync();
"""

# The layout of a map on any screen and on paper, run last:
# - on narrow or short maps the panel (a <details>) starts closed, a one-line bar; it never covers the controls
#   on the left (its width is capped beside them) nor those at the bottom (its height is capped above them);
# - the scale bar (bottom left) is lifted above the attribution (bottom right) where they would overlap;
# - the map opens fitted to t.bounds within the part of the map the panel and controls leave free: the
#   panel beside the map or above it, whichever gives the closer view;
# - popups pan clear of the panel, the controls and the edges (autoPanPadding from the same free area), their
#   size capped to it; on narrow maps opening one closes the panel;
# - labels: where two overlap the one of lower priority is hidden (zones 3, points 2, dongs 1); a zone label
#   first tries one line above and below; recomputed on every zoom;
# - printing (or print emulation) and any change of size lay it out again and refit.
LAYOUT_JS: Final = r"""
var container = map.getContainer(), panel = container.querySelector(".tb-panel");
var box = panel ? panel.querySelector("details.tb-panel-box") : null;
var fitting = false, moved = false, printing = window.matchMedia ? window.matchMedia("print") : null;
function isPrinting() { return !!(printing && printing.matches); }
function narrow() { var s = map.getSize(); return s.x < t.narrow || s.y < t.short; }
function rel(el) {
    var r = el.getBoundingClientRect(), c = container.getBoundingClientRect();
    return {left: r.left - c.left, top: r.top - c.top, right: r.right - c.left, bottom: r.bottom - c.top};
}
function shown(el) { return el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden"; }
function around(selector) {
    var boxes = Array.prototype.filter.call(container.querySelectorAll(selector), shown).map(rel);
    if (!boxes.length) { return null; }
    return boxes.reduce(function (a, b) {
        return {left: Math.min(a.left, b.left), top: Math.min(a.top, b.top),
                right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom)};
    });
}
function overlap(a, b) { return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }
function arrange() {
    var s = map.getSize(), gap = 10;
    var corner = container.querySelector(".leaflet-bottom.leaflet-left");
    corner.style.bottom = "";
    var bottomLeft = around(".leaflet-bottom.leaflet-left > .leaflet-control");
    var attribution = around(".leaflet-bottom.leaflet-right > .leaflet-control");
    if (bottomLeft && attribution && bottomLeft.right + 4 > attribution.left) {
        corner.style.bottom = Math.ceil(s.y - attribution.top) + "px";
    }
    if (panel && shown(panel)) {
        var left = around(".leaflet-top.leaflet-left > .leaflet-control");
        var bottoms = around(".leaflet-bottom > .leaflet-control");
        var width = s.x - (left ? left.right : 0) - 2 * gap;
        panel.style.maxWidth = Math.max(120, Math.min(t.panel_width, width)) + "px";
        panel.style.maxHeight = Math.max(48, (bottoms ? bottoms.top : s.y) - gap - rel(panel).top) + "px";
    }
}
// The free part of the map, as candidate paddings {tl, br} (pixels): the panel beside it or above it.
function free() {
    var s = map.getSize(), pad = t.padding;
    var left = around(".leaflet-top.leaflet-left > .leaflet-control");
    var bottoms = around(".leaflet-bottom > .leaflet-control");
    var tl = [(left ? left.right : 0) + pad, pad], br = [pad, (bottoms ? s.y - bottoms.top : 0) + pad];
    if (!panel || !shown(panel)) { return [{tl: tl, br: br}]; }
    var p = rel(panel);
    return [{tl: tl, br: [Math.max(pad, s.x - p.left + pad), br[1]]}, {tl: [tl[0], p.bottom + pad], br: br}];
}
function room(o) {
    var s = map.getSize();
    return {x: s.x - o.tl[0] - o.br[0], y: s.y - o.tl[1] - o.br[1]};
}
function fit() {
    var bounds = L.latLngBounds(t.bounds), best = null;
    free().forEach(function (o) {
        var r = room(o);
        if (r.x < 40 || r.y < 40) { return; }
        var zoom = map.getBoundsZoom(bounds, false, L.point(o.tl).add(L.point(o.br)));
        if (!best || zoom > best.zoom) { best = {zoom: zoom, o: o}; }
    });
    var o = best ? best.o : {tl: [t.padding, t.padding], br: [t.padding, t.padding]};
    fitting = true;
    map.fitBounds(bounds, {paddingTopLeft: o.tl, paddingBottomRight: o.br, animate: false});
    fitting = false;
}
function popupArea() {
    var best = null;
    free().forEach(function (o) {
        var r = room(o);
        if (!best || Math.max(r.x, 0) * Math.max(r.y, 0) > best.area) {
            best = {area: Math.max(r.x, 0) * Math.max(r.y, 0), o: o, room: r};
        }
    });
    return best;
}
map.on("popupopen", function (event) {
    if (box && box.open && narrow()) { box.open = false; arrange(); }
    var area = popupArea(), popup = event.popup;
    L.setOptions(popup, {
        autoPanPaddingTopLeft: L.point(area.o.tl), autoPanPaddingBottomRight: L.point(area.o.br),
        maxWidth: Math.max(160, Math.min(t.popup_width, area.room.x - 40)),
        minWidth: Math.min(200, Math.max(120, area.room.x - 60)),
        maxHeight: Math.max(120, area.room.y - 40)
    });
    popup.update();
});
function declutter() {
    var items = [], placed = [];
    container.querySelectorAll(".tb-label-text, .leaflet-tooltip.tb-point-label").forEach(function (el, i) {
        var priority = +(el.getAttribute("data-priority") || (el.classList.contains("tb-point-label") ? 2 : 1));
        items.push({el: el, priority: priority, i: i});
    });
    items.sort(function (a, b) { return b.priority - a.priority || a.i - b.i; });
    items.forEach(function (item) {
        var el = item.el, shifts = item.priority >= 3 ? [0, -1, 1, -2, 2] : [0];
        el.style.visibility = "";
        el.style.top = "";
        if (!el.getClientRects().length) { return; }
        var height = el.getBoundingClientRect().height;
        var frame = container.getBoundingClientRect();
        for (var k = 0; k < shifts.length; k++) {
            el.style.top = shifts[k] ? shifts[k] * height + "px" : "";
            var r = el.getBoundingClientRect();
            var inside = r.top >= frame.top && r.bottom <= frame.bottom && (item.priority >= 3 ||
                (r.left >= frame.left && r.right <= frame.right));
            if (inside && !placed.some(function (p) { return overlap(p, r); })) { placed.push(r); return; }
        }
        if (item.priority >= 3) {  // a zone keeps its name: where it fits least badly, in the frame
            el.style.top = "";
            var r0 = el.getBoundingClientRect(), dy = 0;
            if (r0.top < frame.top) { dy = frame.top - r0.top; }
            else if (r0.bottom > frame.bottom) { dy = frame.bottom - r0.bottom; }
            el.style.top = dy + "px";
            placed.push(el.getBoundingClientRect());
            return;
        }
        el.style.top = "";
        el.style.visibility = "hidden";
    });
}
function relayout(refit) {
    map.invalidateSize({pan: false});
    if (box && isPrinting()) { box.open = true; }
    arrange();
    if (refit || !moved) { fit(); }
    declutter();
}
map.on("dragstart autopanstart", function () { moved = true; });
map.on("zoomstart", function () { if (!fitting) { moved = true; } });
map.on("zoomend overlayadd overlayremove", declutter);
if (box) {
    if (narrow()) { box.open = false; }
    box.addEventListener("toggle", function () { arrange(); declutter(); });
}
arrange();
fit();
declutter();
if (printing && printing.addEventListener) { printing.addEventListener("change", function () { relayout(true); }); }
window.addEventListener("beforeprint", function () { relayout(true); });
window.addEventListener("afterprint", function () { relayout(true); });
if (window.ResizeObserver) {
    var lastSize = null;
    new ResizeObserver(function () {
        var r = container.getBoundingClientRect(), key = Math.round(r.width) + "x" + Math.round(r.height);
        if (key !== lastSize) { lastSize = key; relayout(isPrinting()); }
    }).observe(container);
}
if (document.fonts && document.fonts.ready) { document.fonts.ready.then(function () { relayout(false); }); }
map.tbLayout = {fit: fit, arrange: arrange, declutter: declutter, free: free, popupArea: popupArea};
"""

# A north arrow (shown in print, where the map stands alone on paper).
NORTH_JS: Final = """
var North = L.Control.extend({
    options: {position: "topright"},
    onAdd: function () {
        var div = L.DomUtil.create("div", "tb-north");
        div.innerHTML = '<svg viewBox="0 0 24 36" width="24" height="36" aria-hidden="true">' +
            '<path d="M12 2 L20 26 L12 20 L4 26 Z" fill="#222"/><path d="M12 2 L12 20 L4 26 Z" fill="#fff" ' +
            'stroke="#222" stroke-width="1"/></svg><span></span>';
        div.querySelector("span").textContent = t.north;
        div.setAttribute("role", "img"); div.setAttribute("aria-label", t.north);
        return div;
    }
});
new North().addTo(map);
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
        // While measuring, the other layers take no clicks (no popups open): they go to the map.
        function start() {
            active = true; closed = false; points = []; redraw(); panel.hidden = false; map.closePopup();
            map.doubleClickZoom.disable(); map.getContainer().style.cursor = "crosshair";
            L.DomUtil.addClass(map.getContainer(), "tb-measuring");
        }
        function finish() {
            active = false; closed = true; map.doubleClickZoom.enable(); map.getContainer().style.cursor = "";
            L.DomUtil.removeClass(map.getContainer(), "tb-measuring");
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
            text: function () { return out.textContent; },
            active: function () { return active; }
        };
        return box;
    }
});
new Measure().addTo(map);
"""


#: Width (CSS pixels) below which, or height below which, the panel starts closed; its widest; popups' widest.
NARROW_PX: Final = 700
SHORT_PX: Final = 480
PANEL_WIDTH_PX: Final = 360
POPUP_WIDTH_PX: Final = 420

# Type scale (px): 16 panel title, 15 popup title, 13 section headings, 12 body, 11 small print and labels.
CSS: Final = f"""
.leaflet-container {{ font-family: {FONT_STACK}; background: #f4f3ef; font-size: 12px; line-height: 1.4; }}
:lang(ja) .leaflet-container, .leaflet-container:lang(ja) {{ font-family: "Noto Sans CJK JP", {FONT_STACK}; }}
:lang(ko) .leaflet-container, .leaflet-container:lang(ko), :lang(ko) .tb-print {{ word-break: keep-all; }}
:lang(ja) .leaflet-container, .leaflet-container:lang(ja), :lang(ja) .tb-print {{ word-break: auto-phrase; }}
.leaflet-container, .tb-print {{ overflow-wrap: break-word; }}
.tb-q, .tb-num, td.num, .tb-claims td.num {{ white-space: nowrap; font-variant-numeric: tabular-nums; }}
.leaflet-top.leaflet-left {{ z-index: 1001; }}
.tb-control {{ background: rgba(255,255,255,0.96); border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,0.3);
  padding: 8px 12px; font-size: 12px; line-height: 1.4; color: #222; }}
.tb-panel {{ width: {PANEL_WIDTH_PX}px; max-width: calc(100% - 80px); box-sizing: border-box; overflow-y: auto;
  overscroll-behavior: contain; padding: 0; }}
.tb-panel-box > summary {{ list-style: none; cursor: pointer; padding: 8px 12px; display: flex; align-items: baseline;
  gap: 8px; }}
.tb-panel-box > summary::-webkit-details-marker {{ display: none; }}
.tb-panel-box > summary::before {{ content: "\\25B8"; flex: none; color: #555; }}
.tb-panel-box[open] > summary::before {{ content: "\\25BE"; }}
.tb-panel-box > summary h1 {{ font-size: 16px; line-height: 1.3; margin: 0; flex: 1 1 auto; min-width: 0; }}
.tb-panel-box:not([open]) > summary h1 {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  font-size: 14px; }}
.tb-short {{ flex: none; font-weight: 600; white-space: nowrap; }}
.tb-short.tb-fail {{ color: #b42318; }}
.tb-short.tb-pass {{ color: #1a7f37; }}
.tb-panel-box[open] .tb-short {{ display: none; }}
.tb-panel-body {{ padding: 0 12px 10px; }}
.tb-panel .tb-legend {{ border-top: 1px solid #ddd; margin-top: 8px; padding-top: 6px; }}
.tb-panel p, .tb-print p {{ margin: 4px 0; }}
.tb-audit-title, .tb-legend h2, .tb-overlay-legend h2 {{ font-size: 13px; margin: 2px 0 4px; }}
.tb-finding {{ font-weight: 700; font-size: 13px; }}
.tb-finding.tb-fail {{ color: #b42318; }}
.tb-finding.tb-pass {{ color: #1a7f37; }}
.tb-holds > summary, .tb-unchecked > summary {{ cursor: pointer; font-weight: 600; margin: 6px 0 2px; }}
.tb-big {{ font-size: 15px; font-weight: 700; }}
.tb-legend h3 {{ font-size: 11px; margin: 6px 0 2px; color: #555; }}
.tb-row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.tb-swatch {{ display: inline-block; flex: none; width: 16px; height: 12px; border-radius: 2px; margin-right: 4px;
  vertical-align: middle; }}
.tb-line {{ display: inline-block; flex: none; width: 22px; height: 0; border-top: 2px solid #444; }}
.tb-dashed {{ border-top-style: dashed; }}
.tb-belt-line {{ height: 6px; border-top: 0; background: {style.BELT_COLOR}; opacity: 0.45; }}
.tb-triangle-line {{ border-top: 3px dotted {style.BELT_COLOR}; opacity: 0.8; }}
.tb-claims {{ border-collapse: collapse; width: 100%; font-size: 11.5px; }}
.tb-claims th, .tb-claims td {{ border-top: 1px solid #ddd; padding: 3px 6px 3px 0; vertical-align: top;
  text-align: left; }}
.tb-claims th {{ font-weight: 600; color: #555; }}
.tb-claims .num {{ text-align: right; padding-right: 10px; }}
.tb-claims td:last-child, .tb-claims th:last-child {{ padding-right: 0; }}
.tb-subject-row th {{ font-weight: 700; color: #222; padding-top: 5px; }}
.tb-ok {{ color: #1a7f37; font-weight: 600; }}
.tb-off {{ color: #b42318; font-weight: 600; }}
.tb-warn {{ color: #8a5a00; }}
.tb-tag {{ display: inline-block; font-size: 10px; padding: 0 4px; border: 1px solid #8a5a00; border-radius: 3px;
  color: #8a5a00; white-space: nowrap; }}
.leaflet-popup-content {{ font-size: 12px; line-height: 1.4; margin: 12px 16px 12px 14px; }}
.tb-popup-body h3 {{ font-size: 15px; line-height: 1.3; margin: 0 0 4px; }}
.tb-popup-body h4 {{ font-size: 13px; margin: 10px 0 2px; }}
.tb-popup-body table {{ border-collapse: collapse; }}
.tb-popup-body th {{ text-align: left; font-weight: 500; color: #555; padding: 1px 12px 1px 0; vertical-align: top; }}
.tb-popup-body td {{ padding: 1px 0; }}
.tb-popup-body td .tb-num {{ display: inline-block; min-width: 8em; text-align: right; }}
.tb-popup-body th.tb-section {{ color: #222; font-weight: 700; padding-top: 4px; }}
.tb-popup-body .tb-claims th, .tb-popup-body .tb-claims td {{ padding: 3px 8px 3px 0; }}
.tb-popup-body .tb-claims .num {{ text-align: right; padding-right: 12px; }}
.tb-role {{ margin-bottom: 4px; }}
.tb-label, .tb-zone-label {{ overflow: visible; }}
.tb-label-text {{ position: relative; display: block; width: max-content; max-width: 11em; text-align: center;
  transform: translate(-50%, -50%); font-size: 11px; line-height: 1.25; color: #333; pointer-events: none;
  text-shadow: 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }}
.tb-zone-label .tb-label-text {{ font-size: 12px; font-weight: 700; color: #111; max-width: 10em; }}
.leaflet-tooltip.tb-point-label {{ background: rgba(255,255,255,0.85); border: 0; box-shadow: none; padding: 1px 4px;
  font-size: 11px; color: #333; }}
.leaflet-tooltip.tb-point-label::before {{ display: none; }}
.tb-ramp {{ height: 10px; border-radius: 2px; margin: 4px 0 2px; min-width: 160px; }}
.tb-ramp-labels {{ display: flex; justify-content: space-between; font-variant-numeric: tabular-nums; }}
.tb-fullscreen a, .tb-measure-toggle {{ display: flex !important; align-items: center; justify-content: center; }}
.tb-measure {{ background: #fff; }}
.tb-measure-panel {{ padding: 6px 8px; width: 220px; font-size: 12px; }}
.tb-measure-method {{ color: #666; font-size: 10px; margin: 2px 0 4px; }}
.tb-measuring .leaflet-interactive {{ pointer-events: none !important; }}
.tb-north {{ display: none; text-align: center; font: 700 12px/1 {FONT_STACK}; color: #222;
  background: rgba(255,255,255,0.85); border-radius: 4px; padding: 4px 6px; }}
.tb-north svg {{ display: block; margin: 0 auto 2px; }}
.tb-print {{ display: none; }}
@media (max-width: {NARROW_PX - 1}px) {{
  .leaflet-control-attribution {{ font-size: 10px; max-width: calc(100vw - 20px); }}
  .tb-panel-box > summary {{ padding: 8px 10px; min-height: 24px; align-items: center; }}
  .tb-panel-body {{ padding: 0 10px 8px; }}
}}
@media print {{
  @page {{ margin: 10mm; }}
  html, body {{ width: 100% !important; height: auto !important; margin: 0 !important; overflow: visible !important; }}
  body {{ display: flex !important; flex-direction: column; height: calc(100vh - 1px) !important; }}
  .tb-print {{ display: block; color: #111; font-family: {FONT_STACK}; font-size: 9pt; line-height: 1.35; }}
  .tb-print-head {{ order: 0; flex: none; margin-bottom: 2mm; }}
  .tb-print-head h1 {{ font-size: 14pt; margin: 0; }}
  .tb-print-head p {{ margin: 0; color: #444; }}
  .folium-map {{ order: 1; position: relative !important; flex: 1 1 auto; width: 100% !important;
    height: auto !important; min-height: 0; left: 0 !important; top: 0 !important;
    border: 0.3mm solid #888; box-sizing: border-box; break-inside: avoid; }}
  .tb-print-legend {{ order: 2; flex: none; margin-top: 2mm; columns: 2; column-gap: 6mm; font-size: 7.5pt; }}
  .tb-print-legend > * {{ break-inside: avoid; }}
  .tb-print-legend .tb-claims {{ font-size: 7pt; }}
  .tb-print-legend details > summary {{ list-style: none; font-weight: 600; }}
  .tb-print-legend .tb-legend {{ margin-top: 2mm; }}
  .leaflet-control-zoom, .leaflet-control-layers, .tb-fullscreen, .tb-measure, .tb-panel, .tb-opacity,
  .leaflet-popup-pane, .leaflet-tooltip-pane .tb-tooltip {{ display: none !important; }}
  .tb-north {{ display: block; }}
  .leaflet-control-attribution {{ font-size: 7pt; }}
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
@media print and (orientation: landscape) {{
  body {{ display: grid !important; grid-template-columns: 1fr 78mm; grid-template-rows: auto 1fr;
    column-gap: 4mm; }}
  .tb-print-head {{ grid-column: 1 / 3; }}
  .folium-map {{ grid-column: 1; grid-row: 2; height: 100% !important; }}
  .tb-print-legend {{ grid-column: 2; grid-row: 2; columns: 1; margin-top: 0; overflow: hidden; }}
}}
"""
