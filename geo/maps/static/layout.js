var container = map.getContainer(), panel = container.querySelector(".tb-panel");
var box = panel ? panel.querySelector("details.tb-panel-box") : null;
var fitting = false, moved = false, printing = window.matchMedia ? window.matchMedia("print") : null;
var each = Array.prototype.forEach;
function isPrinting() { return !!(printing && printing.matches); }
function narrow() { var s = map.getSize(); return s.x < t.narrow || s.y < t.short; }
function rel(el) {
    var r = el.getBoundingClientRect(), c = container.getBoundingClientRect();
    return {left: r.left - c.left, top: r.top - c.top, right: r.right - c.left, bottom: r.bottom - c.top};
}
function shown(el) { return el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden"; }
function union(boxes) {
    if (!boxes.length) { return null; }
    return boxes.reduce(function (a, b) {
        return {left: Math.min(a.left, b.left), top: Math.min(a.top, b.top),
                right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom)};
    });
}
function around(selector) {
    return union(Array.prototype.filter.call(container.querySelectorAll(selector), shown).map(rel));
}
function overlap(a, b) { return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }
function moveBox(r, dx, dy) { return {left: r.left + dx, top: r.top + dy, right: r.right + dx, bottom: r.bottom + dy}; }
// On paper every claim shows: the collapsed lists of the printed panel are open there; and the printed
// legend follows the map in the page, so that on paper it can flow beside and below it (map.css).
each.call(document.querySelectorAll(".tb-print details"), function (d) { d.open = true; });
var printLegend = document.querySelector(".tb-print-legend");
if (printLegend && printLegend.parentNode === container.parentNode) {
    container.parentNode.insertBefore(printLegend, container.nextSibling);
}
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
// The free part of the map, as candidate rectangles (container pixels): clear of the controls at the bottom,
// beside or below those on the left, and beside or below those on the right (the panel; on paper the north
// arrow).
function free(besideLeft) {
    var s = map.getSize();
    var left = around(".leaflet-top.leaflet-left > .leaflet-control");
    var right = around(".leaflet-top.leaflet-right > .leaflet-control");
    var bottoms = around(".leaflet-bottom > .leaflet-control");
    var all = {left: left ? left.right : 0, top: 0, right: s.x, bottom: bottoms ? bottoms.top : s.y};
    var areas = [];
    (besideLeft ? [[all.left, 0]] : [[all.left, 0], [0, left ? left.bottom : 0]]).forEach(function (l) {
        if (!right) { areas.push({left: l[0], top: l[1], right: s.x, bottom: all.bottom}); return; }
        areas.push({left: l[0], top: l[1], right: right.left, bottom: all.bottom});
        areas.push({left: l[0], top: Math.max(l[1], right.bottom), right: s.x, bottom: all.bottom});
    });
    return areas;
}
// What the map shows: shapes (zone outlines and markers, which labels keep clear of) and labels (zone and
// point names and any other layer's, with a priority: the higher one wins where two would overlap).
// An item is "framed" when it lies in the bounds the map opens on: the opening view shows it whole.
function items() {
    var bounds = L.latLngBounds(t.bounds).pad(0.001), shapes = [], labels = [];
    map.eachLayer(function (layer) {
        var framed = false, icon = null;
        if (layer instanceof L.Marker) {
            icon = layer.getElement();
            framed = bounds.contains(layer.getLatLng());
            if (!icon) { return; }
            var text = icon.querySelector(".tb-label-text");
            if (text) {
                labels.push({el: text, priority: +(text.getAttribute("data-priority") || 1), framed: framed});
                icon = null;
            } else {
                shapes.push({el: icon, framed: framed, marker: true});
            }
        } else if (layer instanceof L.Path && layer._path && layer.getBounds && layer.getBounds().isValid()) {
            framed = bounds.contains(layer.getBounds());
            shapes.push({el: layer._path, framed: framed});
        }
        // A permanent tooltip is a label too: a marker's (a point's name, priority 2 unless it says) beside it.
        var tip = layer.getTooltip && layer.getTooltip(), el = tip && tip.options.permanent && tip.getElement();
        if (el) {
            labels.push({el: el, priority: +(el.getAttribute("data-priority") || (icon ? 2 : 1)), framed: framed,
                         anchor: icon});
        }
    });
    labels.forEach(function (label, i) { label.i = i; });
    labels.sort(function (a, b) { return b.priority - a.priority || b.framed - a.framed || a.i - b.i; });
    return {shapes: shapes.filter(function (s) { return shown(s.el); }),
            labels: labels.filter(function (l) { return l.el.getClientRects().length > 0; })};
}
// Where a label may go, as shifts (pixels) from where it is drawn: a point's name right of its marker, else
// left, above or below it; a zone's name on it, else a line up or down or half its width aside.
function candidates(label, r) {
    var w = r.right - r.left, h = r.bottom - r.top;
    if (label.anchor) {
        var m = rel(label.anchor), cx = (m.left + m.right) / 2, gap = 4;
        var toLeft = m.left - gap - w - r.left, toCentre = cx - w / 2 - r.left;
        return [[0, 0], [toLeft, 0], [toCentre, m.top - gap - r.bottom], [toCentre, m.bottom + gap - r.top],
                [0, -h], [0, h], [toLeft, -h], [toLeft, h]];
    }
    if (label.priority >= 3) {
        return [[0, 0], [0, -h], [0, h], [0, -2 * h], [0, 2 * h], [-w / 2, 0], [w / 2, 0],
                [-w / 2, -h], [w / 2, -h], [-w / 2, h], [w / 2, h]];
    }
    return [[0, 0], [0, -h], [0, h]];
}
// A label moves by its margins, added to those of Leaflet's stylesheet (a tooltip's offset from its marker).
function resetLabel(el) { el.style.marginLeft = ""; el.style.marginTop = ""; el.style.visibility = ""; }
function shiftLabel(el, dx, dy) {
    resetLabel(el);
    if (!dx && !dy) { return; }
    var style = getComputedStyle(el);
    el.style.marginLeft = (parseFloat(style.marginLeft) || 0) + dx + "px";
    el.style.marginTop = (parseFloat(style.marginTop) || 0) + dy + "px";
}
function obstacles() {
    var boxes = Array.prototype.filter.call(container.querySelectorAll(".leaflet-control"), shown).map(rel);
    return boxes.filter(function (b) { return b.right > b.left && b.bottom > b.top; });
}
// Labels placed by priority: each at its first candidate inside the map, clear of the controls and the
// panel, of every marker and of the labels already placed; a label with no such place is hidden.
function declutter() {
    var s = map.getSize(), edge = 2, found = items(), blocked = obstacles(), placed = [];
    found.shapes.forEach(function (shape) { if (shape.marker) { blocked.push(rel(shape.el)); } });
    function fits(b) {
        return b.left >= edge && b.top >= edge && b.right <= s.x - edge && b.bottom <= s.y - edge &&
            !blocked.some(function (o) { return overlap(o, b); });
    }
    // Within a priority, the label with the fewest places left by the edges, controls and markers goes first.
    found.labels.forEach(function (label) {
        resetLabel(label.el);
        var r = rel(label.el);
        label.room = candidates(label, r).filter(function (c) { return fits(moveBox(r, c[0], c[1])); }).length;
    });
    found.labels.sort(function (a, b) {
        return b.priority - a.priority || b.framed - a.framed || a.room - b.room || a.i - b.i;
    });
    found.labels.forEach(function (label) {
        var el = label.el, r = rel(el), options = candidates(label, r);
        for (var k = 0; k < options.length; k++) {
            shiftLabel(el, options[k][0], options[k][1]);
            var b = rel(el);  // measured where it is: a shifted label may wrap otherwise
            var clear = fits(b) && !placed.some(function (p) { return overlap(p, b); });
            if (clear) { placed.push(b); return; }
        }
        resetLabel(el);
        el.style.visibility = "hidden";
    });
}
// How far (pixels, per side) what the opening view must show reaches out of `area`: framed shapes, and each
// framed zone or point label where it would stick out least.
function overflow(area, found) {
    var need = {left: 0, top: 0, right: 0, bottom: 0}, inset = 4;
    function add(b, pad) {
        need.left = Math.max(need.left, area.left + pad - b.left);
        need.top = Math.max(need.top, area.top + pad - b.top);
        need.right = Math.max(need.right, b.right - area.right + pad);
        need.bottom = Math.max(need.bottom, b.bottom - area.bottom + pad);
    }
    var markers = [];
    found.shapes.forEach(function (shape) {
        var r = rel(shape.el);
        if (shape.framed) { add(r, t.padding); }
        if (shape.marker) { markers.push({el: shape.el, r: r}); }
    });
    found.labels.forEach(function (label) {
        if (!label.framed || label.priority < 2) { return; }
        resetLabel(label.el);
        var r = rel(label.el), best = null;
        candidates(label, r).forEach(function (c) {
            var b = moveBox(r, c[0], c[1]);
            var out = Math.max(0, area.left + inset - b.left) + Math.max(0, area.top + inset - b.top) +
                Math.max(0, b.right - area.right + inset) + Math.max(0, b.bottom - area.bottom + inset);
            // a place on another marker counts as far out: the label could not stay there
            var onMarker = markers.some(function (m) { return m.el !== label.anchor && overlap(m.r, b); });
            var score = out + (onMarker ? 1e6 : 0);
            if (!best || score < best.score) { best = {score: score, b: b}; }
        });
        if (best) { add(best.b, inset); }
    });
    return need;
}
// Fit the bounds into `area`, then widen the padding by whatever still sticks out (markers rise above their
// point, labels reach beside it) and fit again, a few times. Returns the zoom reached.
function fitInto(area) {
    var s = map.getSize(), bounds = L.latLngBounds(t.bounds);
    var pad = {left: area.left + t.padding, top: area.top + t.padding,
               right: s.x - area.right + t.padding, bottom: s.y - area.bottom + t.padding};
    fitting = true;
    for (var k = 0; k < 5; k++) {
        map.fitBounds(bounds, {paddingTopLeft: [pad.left, pad.top], paddingBottomRight: [pad.right, pad.bottom],
                               animate: false});
        var need = overflow(area, items()), more = false;
        ["left", "top", "right", "bottom"].forEach(function (side) {
            if (need[side] > 0.5) { pad[side] += Math.ceil(need[side]); more = true; }
        });
        if (!more || s.x - pad.left - pad.right < 40 || s.y - pad.top - pad.bottom < 40) { break; }
    }
    fitting = false;
    return map.getZoom();
}
function room(area) { return {x: area.right - area.left, y: area.bottom - area.top}; }
function fit() {
    var best = null, s = map.getSize(), bounds = L.latLngBounds(t.bounds);
    // Widest view first: labels only ever take the zoom down, so an area whose bare fit is no closer than
    // the best found so far cannot win.
    free().map(function (area) {
        var padding = L.point(area.left + s.x - area.right, area.top + s.y - area.bottom).add([2 * t.padding, 2 * t.padding]);
        return {area: area, zoom: map.getBoundsZoom(bounds, false, padding)};
    }).sort(function (a, b) { return b.zoom - a.zoom; }).forEach(function (option) {
        var r = room(option.area);
        if (r.x < 80 || r.y < 80 || (best && option.zoom <= best.zoom)) { return; }
        var zoom = fitInto(option.area);
        if (!best || zoom > best.zoom) { best = {zoom: zoom, area: option.area}; }
    });
    fitInto(best ? best.area : {left: 0, top: 0, right: s.x, bottom: s.y});
    declutter();
}
function popupArea() {  // beside the controls on the left: a popup is too tall to fit below them
    var best = null;
    free(true).forEach(function (area) {
        var r = room(area), size = Math.max(r.x, 0) * Math.max(r.y, 0);
        if (!best || size > best.size) { best = {size: size, area: area, room: r}; }
    });
    return best;
}
// Popups: they pan clear of the panel and controls; when one closes, the map goes back to the view it had
// before the popup moved it (unless the reader moved the map meanwhile).
var lastView = null, popupView = null;
function remember() { lastView = {center: map.getCenter(), zoom: map.getZoom(), moved: moved}; }
function popupOpening() { if (!popupView) { popupView = lastView; } }
map.on("moveend", function () { if (!map._popup || !map.hasLayer(map._popup)) { remember(); } });
map.on("autopanstart", popupOpening);
map.on("popupopen", function (event) {
    popupOpening();
    if (box && box.open && narrow()) { box.open = false; arrange(); }
    var found = popupArea(), popup = event.popup, s = map.getSize(), pad = t.padding / 2;
    L.setOptions(popup, {
        autoPanPaddingTopLeft: L.point(found.area.left + pad, found.area.top + pad),
        autoPanPaddingBottomRight: L.point(s.x - found.area.right + pad, s.y - found.area.bottom + pad),
        maxWidth: Math.max(160, Math.min(t.popup_width, found.room.x - 2 * pad - 40)),
        minWidth: Math.min(200, Math.max(120, found.room.x - 2 * pad - 60)),
        maxHeight: Math.max(120, found.room.y - 2 * pad - 40)
    });
    popup.update();
});
map.on("popupclose", function () {
    var view = popupView;
    popupView = null;
    if (view && view.readerMoved !== true) {
        map.setView(view.center, view.zoom, {animate: false});
        moved = view.moved;
    }
    remember();
});
function readerMoves() { if (popupView) { popupView.readerMoved = true; } }
function relayout(refit) {
    map.invalidateSize({pan: false});
    if (box && isPrinting()) { box.open = true; }
    arrange();
    if (refit || !moved) { fit(); } else { declutter(); }
}
map.on("dragstart", function () { moved = true; readerMoves(); });
map.on("autopanstart", function () { moved = true; });
map.on("zoomstart", function () { if (!fitting) { moved = true; readerMoves(); } });
map.on("moveend overlayadd overlayremove", function () { if (!fitting) { declutter(); } });
if (box) {
    if (narrow()) { box.open = false; }
    box.addEventListener("toggle", function () { arrange(); declutter(); });
}
arrange();
fit();
remember();
if (printing && printing.addEventListener) { printing.addEventListener("change", function () { relayout(true); }); }
window.addEventListener("beforeprint", function () { relayout(true); });
window.addEventListener("afterprint", function () { relayout(true); });
if (window.ResizeObserver) {
    var lastSize = Math.round(container.getBoundingClientRect().width) + "x" +
        Math.round(container.getBoundingClientRect().height);
    new ResizeObserver(function () {
        var r = container.getBoundingClientRect(), key = Math.round(r.width) + "x" + Math.round(r.height);
        if (key !== lastSize) { lastSize = key; relayout(isPrinting()); }
    }).observe(container);
}
if (document.fonts && document.fonts.status !== "loaded") {
    document.fonts.ready.then(function () { relayout(false); });
}
map.tbLayout = {fit: fit, arrange: arrange, declutter: declutter, free: free, popupArea: popupArea};
