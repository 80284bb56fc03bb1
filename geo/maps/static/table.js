(function () {
  document.querySelectorAll("table.tb-sortable").forEach(function (table) {
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    var heads = table.tHead.rows[0].cells;
    var tools = table.closest(".table-wrap").previousElementSibling.previousElementSibling;
    var input = tools.querySelector(".tb-search"), count = tools.querySelector(".tb-count");
    var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
    function value(row, i, kind) {
      var text = row.cells[i].textContent.trim();
      if (kind !== "num") { return text; }
      var n = parseFloat(text.replace(/[^0-9.\-]/g, ""));
      return isNaN(n) ? null : n;
    }
    Array.prototype.forEach.call(heads, function (head, i) {
      head.querySelector("button").addEventListener("click", function () {
        var kind = head.getAttribute("data-type");
        var up = head.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.setAttribute("aria-sort", "none"); });
        head.setAttribute("aria-sort", up ? "ascending" : "descending");
        var keyed = rows.map(function (row, k) { return [value(row, i, kind), k, row]; });
        keyed.sort(function (a, b) {
          if (a[0] === null || b[0] === null) { return a[0] === b[0] ? a[1] - b[1] : (a[0] === null ? 1 : -1); }
          var c = kind === "num" ? a[0] - b[0] : a[0].localeCompare(b[0], document.documentElement.lang);
          return (up ? c : -c) || a[1] - b[1];
        });
        keyed.forEach(function (item) { body.appendChild(item[2]); });
      });
    });
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().trim().split(/\s+/).filter(Boolean), shown = 0;
      rows.forEach(function (row, k) {
        var match = words.every(function (w) { return texts[k].indexOf(w) >= 0; });
        row.hidden = !match;
        if (match) { shown++; }
      });
      count.textContent = count.getAttribute("data-template").replace("{n}", shown)
        .replace("{total}", count.getAttribute("data-total"));
    });
  });
})();
