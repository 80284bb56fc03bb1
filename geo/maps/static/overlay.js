container.querySelector(".tb-opacity").addEventListener("input", function (event) {
    layer.setOpacity(event.target.value / 100);
});
var sync = function () { container.style.display = map.hasLayer(layer) ? "" : "none"; };
map.on("overlayadd overlayremove", sync);
sync();
