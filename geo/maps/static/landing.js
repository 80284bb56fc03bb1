// The landing page (index.html): one language at a time, the reader's first. The browser's languages choose
// the section shown on opening (else the first); the switch in the header shows another; the choice is kept
// in the address (#ko, #en, #ja), so a link opens the same language. Without JavaScript every section shows.
(function () {
  var sections = Array.prototype.slice.call(document.querySelectorAll("section[data-tb-lang]"));
  var links = Array.prototype.slice.call(document.querySelectorAll(".tb-langs a[data-tb-lang]"));
  var titles = Array.prototype.slice.call(document.querySelectorAll("header h1[data-tb-lang]"));
  if (!sections.length) { return; }
  var codes = sections.map(function (s) { return s.getAttribute("data-tb-lang"); });

  function preferred() {
    var asked = (location.hash || "").replace("#", "");
    if (codes.indexOf(asked) >= 0) { return asked; }
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i] || "").toLowerCase().split("-")[0];
      if (codes.indexOf(code) >= 0) { return code; }
    }
    return codes[0];
  }

  function show(code) {
    document.documentElement.lang = code;
    [sections, titles].forEach(function (group) {
      group.forEach(function (el) { el.hidden = el.getAttribute("data-tb-lang") !== code; });
    });
    links.forEach(function (a) {
      var on = a.getAttribute("data-tb-lang") === code;
      a.setAttribute("aria-current", on ? "true" : "false");
    });
  }

  links.forEach(function (a) {
    a.addEventListener("click", function (event) {
      event.preventDefault();
      var code = a.getAttribute("data-tb-lang");
      history.replaceState(null, "", "#" + code);
      show(code);
      window.scrollTo(0, 0);
    });
  });
  show(preferred());
})();
