// The land-use map's parcels: the packed stream of geo/maps/_packed.py decoded and drawn on one canvas.
// t.blob is base64 of a gzip stream (inflated with DecompressionStream, no request); t.header gives its sections.
// At load one pass over the stream finds each parcel's byte offsets, first vertex and bounding box; vertices are
// decoded again only for the parcels a frame draws or a click tests. A frame draws the parcels whose box meets
// the view: those smaller than t.lod_px pixels as their box, straight into the pixel buffer; larger ones as
// polygons filled by scan lines, each vertex within t.simplify_px of the last drawn one skipped (simplified per zoom level), with
// outlines from t.outline_px. A click tests the parcels whose box holds the point against their full, unsimplified
// rings and opens a popup with the smallest hit: PNU, lot number, category and area (m², pyeong).
var header = t.header, scale = header.scale, count = header.count, BLOCK = 256;

function base64Bytes(text) {
    if (Uint8Array.fromBase64) { return Uint8Array.fromBase64(text); }
    var binary = atob(text), out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { out[i] = binary.charCodeAt(i); }
    return out;
}

function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
}

// A reader of LEB128 varints in bytes[pos…]; values up to 2^53 (multiplication, not 32-bit shifts).
function Reader(bytes, pos) { this.bytes = bytes; this.pos = pos; }
Reader.prototype.next = function () {
    var bytes = this.bytes, value = 0, factor = 1, b;
    do { b = bytes[this.pos++]; value += (b & 127) * factor; factor *= 128; } while (b & 128);
    return value;
};
Reader.prototype.signed = function () {
    var z = this.next();
    return z % 2 ? -(z + 1) / 2 : z / 2;
};

function Parcels(raw) {
    var start = {}, at = 0;
    header.sections.forEach(function (s) { start[s[0]] = at; at += s[1]; });
    this.raw = raw;
    this.origin = [header.x0, header.y0];  // rings(i) are relative to it
    this.category = raw.subarray(start.category, start.category + count);
    this.areaAt = new Float64Array(count);
    this.partsAt = new Uint32Array(count);
    this.coordsAt = new Uint32Array(count);
    this.first = new Int32Array(2 * count);
    this.box = new Int32Array(4 * count);
    this.merc = new Float64Array(4 * count);
    var area = new Reader(raw, start.area), parts = new Reader(raw, start.parts);
    var coords = new Reader(raw, start.coords), fx = 0, fy = 0;
    for (var i = 0; i < count; i++) {
        this.areaAt[i] = area.next();
        this.partsAt[i] = parts.pos;
        this.coordsAt[i] = coords.pos;
        var polygons = parts.next(), x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, firstVertex = true;
        var x = 0, y = 0;
        for (var p = 0; p < polygons; p++) {
            var rings = parts.next();
            for (var r = 0; r < rings; r++) {
                var n = parts.next();
                for (var k = 0; k < n; k++) {
                    var dx = coords.signed(), dy = coords.signed();
                    if (firstVertex) { fx += dx; fy += dy; x = fx; y = fy; firstVertex = false; }
                    else { x += dx; y += dy; }
                    if (x < x0) { x0 = x; } if (x > x1) { x1 = x; }
                    if (y < y0) { y0 = y; } if (y > y1) { y1 = y; }
                }
            }
        }
        this.first[2 * i] = fx; this.first[2 * i + 1] = fy;
        if (x0 === Infinity) { x0 = y0 = 1; x1 = y1 = 0; }  // no vertex: a box nothing meets
        var b = 4 * i;
        this.box[b] = x0; this.box[b + 1] = y0; this.box[b + 2] = x1; this.box[b + 3] = y1;
        this.merc[b] = mercX(x0); this.merc[b + 1] = mercY(y1); this.merc[b + 2] = mercX(x1); this.merc[b + 3] = mercY(y0);
    }
    // Boxes of runs of BLOCK parcels (compact: the parcels are stored in Z-order), so a frame or a click skips
    // whole runs away from the view.
    this.blocks = Math.ceil(count / BLOCK);
    this.blockMerc = new Float64Array(4 * this.blocks);
    this.blockBox = new Int32Array(4 * this.blocks);
    for (var k = 0; k < this.blocks; k++) {
        var bm = this.blockMerc, bb = this.blockBox, q = 4 * k, end = Math.min(count, (k + 1) * BLOCK);
        bm[q] = bm[q + 1] = bb[q] = bb[q + 1] = Infinity; bm[q + 2] = bm[q + 3] = bb[q + 2] = bb[q + 3] = -Infinity;
        for (var j = k * BLOCK; j < end; j++) {
            var c = 4 * j;
            bm[q] = Math.min(bm[q], this.merc[c]); bm[q + 1] = Math.min(bm[q + 1], this.merc[c + 1]);
            bm[q + 2] = Math.max(bm[q + 2], this.merc[c + 2]); bm[q + 3] = Math.max(bm[q + 3], this.merc[c + 3]);
            bb[q] = Math.min(bb[q], this.box[c]); bb[q + 1] = Math.min(bb[q + 1], this.box[c + 1]);
            bb[q + 2] = Math.max(bb[q + 2], this.box[c + 2]); bb[q + 3] = Math.max(bb[q + 3], this.box[c + 3]);
        }
    }
    this.pnuAt = offsets(raw, start.pnu_len, start.pnu);
    this.jibunAt = offsets(raw, start.jibun_len, start.jibun);
}

function offsets(raw, lengthsAt, bytesAt) {
    var reader = new Reader(raw, lengthsAt), out = new Uint32Array(count + 1), at = bytesAt;
    for (var i = 0; i < count; i++) { out[i] = at; at += reader.next(); }
    out[count] = at;
    return out;
}

// Web Mercator as Leaflet's EPSG:3857 on a unit square (x right, y down); integer degrees in, fraction out.
function mercX(x) { return ((header.x0 + x) / scale + 180) / 360; }
function mercY(y) {
    var phi = (header.y0 + y) / scale * Math.PI / 180;
    return 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI);
}

// The rings of parcel i as arrays of integer x, y (relative to x0, y0), exactly as stored.
Parcels.prototype.rings = function (i) {
    var parts = new Reader(this.raw, this.partsAt[i]), coords = new Reader(this.raw, this.coordsAt[i]);
    var polygons = parts.next(), out = [], x = this.first[2 * i], y = this.first[2 * i + 1], firstVertex = true;
    for (var p = 0; p < polygons; p++) {
        var rings = parts.next();
        for (var r = 0; r < rings; r++) {
            var n = parts.next(), ring = new Array(2 * n);
            for (var k = 0; k < n; k++) {
                var dx = coords.signed(), dy = coords.signed();
                if (firstVertex) { firstVertex = false; } else { x += dx; y += dy; }
                ring[2 * k] = x; ring[2 * k + 1] = y;
            }
            out.push(ring);
        }
    }
    return out;
};

var utf8 = new TextDecoder("utf-8");
Parcels.prototype.text = function (at, i) { return utf8.decode(this.raw.subarray(at[i], at[i + 1])); };

// Even-odd test of the point (x, y) (integers as stored) against every ring of parcel i.
Parcels.prototype.contains = function (i, x, y) {
    var inside = false;
    this.rings(i).forEach(function (ring) {
        var n = ring.length / 2;
        for (var a = 0, b = n - 1; a < n; b = a++) {
            var xa = ring[2 * a], ya = ring[2 * a + 1], xb = ring[2 * b], yb = ring[2 * b + 1];
            if ((ya > y) !== (yb > y) && x < (xb - xa) * (y - ya) / (yb - ya) + xa) { inside = !inside; }
        }
    });
    return inside;
};

function rgba(hex) {
    var v = parseInt(hex.slice(1), 16);
    return (255 << 24 | (v & 255) << 16 | (v >> 8 & 255) << 8 | v >> 16) >>> 0;  // little-endian RGBA as one word
}
var packedColors = new Uint32Array(t.colors.map(rgba)), outlineColor = rgba(t.outline_color);

// Drawing straight into the canvas's pixels (one 32-bit word each): a parcel's box, its rings filled by scan
// lines (even-odd, sampled at pixel centres) and its edges. Canvas paths with tens of thousands of subpaths are
// slow to build; this is linear in the pixels and edges drawn.
function Raster(pixels, width, height, zoomScale, ox, oy, tolerance) {
    this.pixels = pixels; this.width = width; this.height = height;
    this.zoomScale = zoomScale; this.oy = oy; this.tolerance = tolerance;
    this.kx = zoomScale / (360 * scale);
    this.x00 = (header.x0 / scale + 180) / 360 * zoomScale - ox;
    this.xs = new Float64Array(256); this.ys = new Float64Array(256); this.cuts = new Float64Array(256);
    this.ends = [];
    this.parts = new Reader(null, 0); this.coords = new Reader(null, 0);
}
Raster.prototype.box = function (x0, y0, x1, y1, color) {
    var width = this.width, pixels = this.pixels;
    var px0 = Math.max(0, Math.round(x0)), px1 = Math.min(width - 1, Math.max(px0, Math.round(x1) - 1));
    var py0 = Math.max(0, Math.round(y0)), py1 = Math.min(this.height - 1, Math.max(py0, Math.round(y1) - 1));
    for (var py = py0; py <= py1; py++) {
        for (var px = px0, row = py * width; px <= px1; px++) { pixels[row + px] = color; }
    }
};
// Parcel i's rings in canvas pixels into xs, ys (ring ends in ends), each vertex within the tolerance of the
// last kept one skipped; returns the number of vertices kept. Latitude goes through Mercator exactly, or for a
// parcel under LINEAR_SPAN high linearly between its box's edges (off by under 0.01 px at zoom 19).
var LINEAR_SPAN = 0.001 * scale;
Raster.prototype.project = function (parcels, i) {
    var parts = this.parts, coords = this.coords;
    parts.bytes = coords.bytes = parcels.raw; parts.pos = parcels.partsAt[i]; coords.pos = parcels.coordsAt[i];
    var x = parcels.first[2 * i], y = parcels.first[2 * i + 1], firstVertex = true, n = 0, ends = this.ends;
    var kx = this.kx, x00 = this.x00, zoomScale = this.zoomScale, oy = this.oy, tolerance = this.tolerance;
    var b = 4 * i, top = parcels.box[b + 3], span = top - parcels.box[b + 1];
    var mTop = parcels.merc[b + 1], ky = span > 0 ? (parcels.merc[b + 3] - mTop) / span : 0;
    var linear = span < LINEAR_SPAN, rad = Math.PI / (180 * scale);
    ends.length = 0;
    var polygons = parts.next();
    for (var p = 0; p < polygons; p++) {
        var rings = parts.next();
        for (var r = 0; r < rings; r++) {
            var count = parts.next();
            if (n + count > this.xs.length) { this.grow(n + count); }
            var xs = this.xs, ys = this.ys;
            for (var k = 0; k < count; k++) {
                var dx = coords.signed(), dy = coords.signed();
                if (firstVertex) { firstVertex = false; } else { x += dx; y += dy; }
                var sx = x * kx + x00;
                var sy = linear ? (mTop + (top - y) * ky) * zoomScale - oy :
                    (0.5 - Math.log(Math.tan(Math.PI / 4 + (header.y0 + y) * rad / 2)) / (2 * Math.PI)) * zoomScale - oy;
                if (k > 0 && k < count - 1 && Math.abs(sx - xs[n - 1]) < tolerance &&
                    Math.abs(sy - ys[n - 1]) < tolerance) { continue; }
                xs[n] = sx; ys[n] = sy; n++;
            }
            ends.push(n);
        }
    }
    return n;
};
Raster.prototype.grow = function (size) {
    var xs = new Float64Array(2 * size), ys = new Float64Array(2 * size);
    xs.set(this.xs); ys.set(this.ys);
    this.xs = xs; this.ys = ys;
};
Raster.prototype.fill = function (n, color) {
    var xs = this.xs, ys = this.ys, ends = this.ends, pixels = this.pixels, width = this.width;
    var ymin = Infinity, ymax = -Infinity;
    for (var k = 0; k < n; k++) { if (ys[k] < ymin) { ymin = ys[k]; } if (ys[k] > ymax) { ymax = ys[k]; } }
    if (n > this.cuts.length) { this.cuts = new Float64Array(2 * n); }
    var cuts = this.cuts;
    var row0 = Math.max(0, Math.ceil(ymin - 0.5)), row1 = Math.min(this.height - 1, Math.floor(ymax - 0.5));
    for (var row = row0; row <= row1; row++) {
        var yc = row + 0.5, m = 0, start = 0;
        for (var e = 0; e < ends.length; e++) {
            var end = ends[e];
            for (var a = start, b = end - 1; a < end; b = a++) {
                var ya = ys[a], yb = ys[b];
                if ((ya > yc) !== (yb > yc)) { cuts[m++] = xs[a] + (yc - ya) * (xs[b] - xs[a]) / (yb - ya); }
            }
            start = end;
        }
        for (var c = 1; c < m; c++) {  // insertion sort: a handful of crossings per row
            var v = cuts[c], d = c - 1;
            while (d >= 0 && cuts[d] > v) { cuts[d + 1] = cuts[d]; d--; }
            cuts[d + 1] = v;
        }
        for (c = 0; c + 1 < m; c += 2) {
            var from = Math.max(0, Math.ceil(cuts[c] - 0.5)), to = Math.min(width - 1, Math.ceil(cuts[c + 1] - 0.5) - 1);
            for (var px = from, base = row * width; px <= to; px++) { pixels[base + px] = color; }
        }
    }
};
Raster.prototype.outline = function (n, color) {
    var xs = this.xs, ys = this.ys, ends = this.ends, start = 0;
    for (var e = 0; e < ends.length; e++) {
        var end = ends[e];
        for (var a = start, b = end - 1; a < end; b = a++) { this.line(xs[b], ys[b], xs[a], ys[a], color); }
        start = end;
    }
};
Raster.prototype.line = function (x0, y0, x1, y1, color) {
    var dx = x1 - x0, dy = y1 - y0, steps = Math.ceil(Math.max(Math.abs(dx), Math.abs(dy))) || 1;
    var width = this.width, height = this.height, pixels = this.pixels;
    for (var s = 0; s <= steps; s++) {
        var px = Math.floor(x0 + dx * s / steps), py = Math.floor(y0 + dy * s / steps);
        if (px >= 0 && px < width && py >= 0 && py < height) { pixels[py * width + px] = color; }
    }
};

var ParcelCanvas = L.Renderer.extend({
    options: {padding: 0.1, pane: "tbParcels"},
    _initContainer: function () {
        this._container = document.createElement("canvas");
        this._container.className = "tb-parcel-canvas";
        this._ctx = this._container.getContext("2d");
    },
    _destroyContainer: function () { L.DomUtil.remove(this._container); },
    _update: function () {
        if (this._map._animatingZoom && this._bounds) { return; }
        L.Renderer.prototype._update.call(this);
        // A zoom without animation resets the view and then ends a move: one drawing for both.
        if (this.parcels && this._drawn === this._key()) { return; }
        var b = this._bounds, size = b.getSize(), m = Math.min(window.devicePixelRatio || 1, 2);
        L.DomUtil.setPosition(this._container, b.min);
        this._container.width = Math.round(m * size.x);
        this._container.height = Math.round(m * size.y);
        this._container.style.width = size.x + "px";
        this._container.style.height = size.y + "px";
        this._ratio = m;
        this.draw();
    },
    _key: function () { return [this._bounds.min, this._bounds.max, this._map.getZoom()].join(); },
    draw: function () {
        var parcels = this.parcels;
        if (!parcels || !this._map) { return; }
        var began = performance.now(), map = this._map, m = this._ratio;
        var width = this._container.width, height = this._container.height;
        var zoomScale = 256 * Math.pow(2, map.getZoom()) * m, origin = map.getPixelOrigin(), min = this._bounds.min;
        var ox = (min.x + origin.x) * m, oy = (min.y + origin.y) * m;  // the canvas's corner in world pixels
        var merc = parcels.merc, cat = parcels.category, lod = t.lod_px * m, outlinePx = t.outline_px * m;
        if (!this._image || this._image.width !== width || this._image.height !== height) {
            this._image = this._ctx.createImageData(width, height);
            this._pixels = new Uint32Array(this._image.data.buffer);
        } else {
            this._pixels.fill(0);
        }
        var image = this._image, pixels = this._pixels;
        var raster = new Raster(pixels, width, height, zoomScale, ox, oy, t.simplify_px * m);
        var drawn = 0, polygons = 0;
        var blockMerc = parcels.blockMerc;
        for (var block = 0; block < parcels.blocks; block++) {
            var q = 4 * block;
            if (blockMerc[q + 2] * zoomScale - ox < 0 || blockMerc[q] * zoomScale - ox >= width ||
                blockMerc[q + 3] * zoomScale - oy < 0 || blockMerc[q + 1] * zoomScale - oy >= height) { continue; }
            for (var i = block * BLOCK, last = Math.min(count, i + BLOCK); i < last; i++) {
                var b = 4 * i, x0 = merc[b] * zoomScale - ox, x1 = merc[b + 2] * zoomScale - ox;
                if (x1 < 0 || x0 >= width) { continue; }
                var y0 = merc[b + 1] * zoomScale - oy, y1 = merc[b + 3] * zoomScale - oy;
                if (y1 < 0 || y0 >= height) { continue; }
                drawn++;
                var color = packedColors[cat[i]];
                if (x1 - x0 < lod && y1 - y0 < lod) { raster.box(x0, y0, x1, y1, color); continue; }
                polygons++;
                var n = raster.project(parcels, i);
                raster.fill(n, color);
                if (x1 - x0 >= outlinePx) { raster.outline(n, outlineColor); }
            }
        }
        var scanned = performance.now();
        this._ctx.putImageData(image, 0, 0);
        var now = performance.now();
        this.lastDraw = {ms: now - began, parcels: drawn, polygons: polygons, put_ms: now - scanned};
        this.draws = (this.draws || 0) + 1;
        this._drawn = this._key();
        if (this.draws === 1) {
            performance.mark("tb-landuse-drawn");
            map.getContainer().setAttribute("data-tb-drawn", "1");
        }
    },
    pick: function (latlng) {
        var parcels = this.parcels;
        if (!parcels || !this._map) { return -1; }
        var x = Math.round(latlng.lng * scale) - header.x0, y = Math.round(latlng.lat * scale) - header.y0;
        var box = parcels.box, blockBox = parcels.blockBox, best = -1, bestArea = Infinity;
        for (var block = 0; block < parcels.blocks; block++) {
            var q = 4 * block;
            if (x < blockBox[q] || x > blockBox[q + 2] || y < blockBox[q + 1] || y > blockBox[q + 3]) { continue; }
            for (var i = block * BLOCK, last = Math.min(count, i + BLOCK); i < last; i++) {
                var b = 4 * i;
                if (x < box[b] || x > box[b + 2] || y < box[b + 1] || y > box[b + 3]) { continue; }
                if (parcels.areaAt[i] < bestArea && parcels.contains(i, x, y)) { best = i; bestArea = parcels.areaAt[i]; }
            }
        }
        return best;
    }
});

function popupContent(parcels, i) {
    var body = L.DomUtil.create("div", "tb-popup-body");
    var title = L.DomUtil.create("h3", "", body);
    var swatch = L.DomUtil.create("span", "tb-swatch", title);
    swatch.style.background = t.colors[parcels.category[i]];
    title.appendChild(document.createTextNode(t.names[parcels.category[i]]));
    var table = L.DomUtil.create("table", "tb-popup-table", body);
    var m2 = parcels.areaAt[i] * header.area_unit_m2, digits = {minimumFractionDigits: 2, maximumFractionDigits: 2};
    var rows = [
        [t.strings.pnu, parcels.text(parcels.pnuAt, i) || t.strings.missing],
        [t.strings.jibun, parcels.text(parcels.jibunAt, i) || t.strings.missing],
        [t.strings.category, t.codes[parcels.category[i]] + " " + t.names[parcels.category[i]]],
        [t.strings.area, m2.toLocaleString("en", digits) + " " + t.strings.unit_m2],
        ["", (m2 * t.pyeong_per_m2).toLocaleString("en", digits) + " " + t.strings.unit_pyeong]
    ];
    rows.forEach(function (cells) {
        var tr = L.DomUtil.create("tr", "", table);
        L.DomUtil.create("th", "", tr).textContent = cells[0];
        var td = L.DomUtil.create("td", "", tr);
        td.textContent = cells[1];
        td.setAttribute("data-field", String(rows.indexOf(cells)));
    });
    return body;
}

map.createPane("tbParcels").style.zIndex = 350;  // above the basemaps, below the zone outline
var canvas = new ParcelCanvas();
canvas.addTo(window[t.group] || map);  // in the parcels' layer of the layers menu: switched off with it
map.tbParcels = canvas;
map.on("click", function (e) {
    var i = canvas.pick(e.latlng);
    if (i < 0) { return; }
    L.popup({maxWidth: 420, className: "tb-popup"}).setLatLng(e.latlng)
        .setContent(popupContent(canvas.parcels, i)).openOn(map);
});
inflate(base64Bytes(t.blob)).then(function (raw) {
    t.blob = null;  // the page's copy of the text stays in the script; this one can go
    canvas.parcels = new Parcels(raw);
    canvas.draw();
}).catch(function (error) {
    map.getContainer().setAttribute("data-tb-error", String(error));
    throw error;
});
