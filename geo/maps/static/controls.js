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
function authalic(lat) {
    return Math.asin(Math.max(-1, Math.min(1, q(Math.sin(lat * Math.PI / 180)) / QP)));
}
function areaM2(latlngs) {
    // Each edge a great circle on the authalic sphere: the exact excess of the edge's trapezoid down to the
    // equator, 2 atan(tan(dλ/2) (tan(β1/2) + tan(β2/2)) / (1 + tan(β1/2) tan(β2/2))), summed round the ring.
    var sum = 0, n = latlngs.length;
    for (var i = 0; i < n; i++) {
        var p = latlngs[i], r = latlngs[(i + 1) % n];
        var dl = r.lng - p.lng;  // exact for nearby longitudes; wrapped only across the antimeridian
        dl = (dl > 180 ? dl - 360 : dl < -180 ? dl + 360 : dl) * Math.PI / 180;
        var t1 = Math.tan(authalic(p.lat) / 2), t2 = Math.tan(authalic(r.lat) / 2);
        sum += 2 * Math.atan2(Math.tan(dl / 2) * (t1 + t2), 1 + t1 * t2);
    }
    return Math.abs(sum) * RQ * RQ;
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
        // A phone is tapped, not clicked: the hint says so where the main pointer is a finger.
        var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
        box.querySelector(".tb-measure-hint").textContent = touch ? t.measure_hint_touch : t.measure_hint;
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
             ["", fmt(area * t.pyeong_per_m2, 0) + " " + t.unit_pyeong + " · " +
                 fmt(area / t.m2_per_ha, 2) + " " + t.unit_ha],
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
