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
