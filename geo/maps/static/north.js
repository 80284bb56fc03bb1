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
