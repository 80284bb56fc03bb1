"""The pages' JavaScript and CSS are package files (geo/maps/static/): valid, used, shipped, and not in Python.

The syntax check runs ``node --check`` (skipped without Node.js, except under CI=true, where that fails).
"""

from __future__ import annotations

import ast
import importlib
import os
import pkgutil
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

import geo
from geo import style, units
from geo.factsheet import _page
from geo.maps import _css, _layout, _static, index

STATIC = PROJECT_ROOT / "geo" / "maps" / _static.STATIC_DIR
FILES = sorted(p.name for p in STATIC.iterdir() if p.is_file())
SCRIPTS = [name for name in FILES if name.endswith(".js")]
STYLESHEETS = {"maps": _css.CSS, "index pages": index._PAGE_CSS, "fact sheets": _page._CSS}
#: Most lines a <style> or <script> element may hold in Python source: glue such as ``{CSS}``, not code.
MAX_INLINE_LINES = 2
#: Most lines of a Python string that look like CSS rules or JavaScript statements.
MAX_CODE_LINES = 2


@pytest.fixture(scope="session")
def node() -> str:
    """The Node.js executable; skip without it, fail instead under CI=true."""
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail("Node.js is not installed, and CI=true requires the JavaScript syntax check to run")
        pytest.skip("Node.js is not installed")
    return found


def test_there_are_scripts_and_stylesheets():
    assert {"controls.js", "layout.js", "theme.css", "map.css", "index.css", "factsheet.css"} <= set(FILES)
    assert all(name.endswith((".js", ".css")) for name in FILES), FILES


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_script_is_valid_javascript(node, name):
    # The files are function bodies (map, t, container … are the caller's); node checks the syntax only.
    result = subprocess.run([node, "--check", str(STATIC / name)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_node_check_catches_a_syntax_error(node, tmp_path):
    broken = tmp_path / "broken.js"
    broken.write_text("var x = function ( {;\n")
    assert subprocess.run([node, "--check", str(broken)], capture_output=True, timeout=60).returncode != 0


def _module_strings() -> list[str]:
    """Every module-level string of every module of the package (constants such as CONTROLS_JS, CSS)."""
    strings = []
    for info in pkgutil.walk_packages(geo.__path__, "geo."):
        module = importlib.import_module(info.name)
        strings += [value for value in vars(module).values() if isinstance(value, str)]
    return strings


def test_every_static_file_is_inlined_by_some_module():
    strings = _module_strings()
    orphans = [name for name in FILES if not any(_static.read(name) in text for text in strings)]
    assert not orphans, f"static files no module reads: {orphans}"


def test_static_files_are_read_as_package_data():
    setuptools = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = setuptools["package-data"]["geo.maps"]
    for name in FILES:
        assert any(Path(_static.STATIC_DIR, name).match(pattern) for pattern in patterns), name
        assert _static.read(name) == (STATIC / name).read_text(encoding="utf-8")


def _python_sources() -> list[Path]:
    return sorted((PROJECT_ROOT / "geo").rglob("*.py"))


def _strings(path: Path) -> list[tuple[int, str]]:
    """The strings of a module with their line numbers; an f-string's fields as ``{…}``."""
    found = []
    for item in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(item, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else "{…}" for v in item.values]
            found.append((item.lineno, "".join(map(str, parts))))
        elif isinstance(item, ast.Constant) and isinstance(item.value, str):
            found.append((item.lineno, item.value))
    return found


def test_no_python_module_holds_a_style_or_script_body():
    # An element written by the code, not one a docstring names (``<script>``).
    element = re.compile(r"(?<!`)<(style|script)\b[^>]*>(.*?)</\1>", re.DOTALL | re.IGNORECASE)
    for path in _python_sources():
        for line, text in _strings(path):
            for match in element.finditer(text):
                body = match.group(2)
                assert body.count("\n") < MAX_INLINE_LINES and len(body) < 200, f"{path.name}:{line}: {body}"


def _looks_like_code(line: str) -> bool:
    """A CSS rule or declaration, or a JavaScript statement."""
    line = line.strip()
    rule = re.match(r"[^{}]*\{\{? *[\w-]+ *:[^{}]*;? *\}\}?$", line)
    declaration = re.match(r"-{0,2}[a-z][a-z-]* *: *[^;:]+;$", line)
    js = re.search(r"\bfunction *\(|\bvar \w+ *=|=> *\{|\bL\.\w+\(|\w\.\w+\(.*\);$", line)
    return bool(rule or declaration or js)


def test_no_python_string_is_a_stylesheet_or_a_script():
    # folium elements are Jinja templates ({% macro script %}) that name the element's variables: they stay.
    found = []
    for path in _python_sources():
        for line, text in _strings(path):
            code = [row for row in text.splitlines() if _looks_like_code(row)] if "{% macro" not in text else []
            if len(code) > MAX_CODE_LINES:
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{line}: {code[0].strip()}")
    assert not found, found


def test_the_check_for_code_in_python_strings_finds_css_and_javascript():
    assert _looks_like_code(".tb-panel { width: 360px; }")
    assert _looks_like_code(".tb-panel {{ width: 360px; }}")
    assert _looks_like_code("var North = L.Control.extend({")
    assert _looks_like_code('map.on("click", function (event) {')
    assert _looks_like_code("  font-size: 12px;")
    assert _looks_like_code('map.on("overlayadd overlayremove", sync);')
    assert not _looks_like_code("The map opens fitted to the zones.")
    assert not _looks_like_code("- :mod:`geo.maps.belt` — the belt map and the zone maps;")


@pytest.mark.parametrize("sheet", STYLESHEETS)
def test_stylesheets_define_every_custom_property_they_use(sheet):
    css = STYLESHEETS[sheet]
    defined = set(re.findall(r"(--tb-[\w-]+)\s*:", css))
    used = set(re.findall(r"var\((--tb-[\w-]+)\)", css))
    assert used and used <= defined, used - defined
    assert "{{" not in css and "}}" not in css


def test_python_values_reach_the_stylesheets_as_custom_properties():
    assert f"--tb-panel-width:{_layout.PANEL_WIDTH_PX}px" in _css.CSS
    assert f"--tb-belt-color:{style.BELT_COLOR}" in _css.CSS
    # The printed map keeps the SVG's proportions: 186 mm wide, 155 mm high.
    assert f"--tb-map-width:{_page.MAP_WIDTH_MM}mm" in _page._CSS
    assert f"--tb-map-height:{_page.MAP_WIDTH_MM * 750 / 900:.1f}mm" in _page._CSS


def test_the_phone_breakpoint_of_map_css_is_narrow_px():
    # A media query cannot read a custom property: map.css writes the width and this keeps it equal to NARROW_PX.
    breakpoints = re.findall(r"@media \(max-width: (\d+)px\)", _static.read("map.css"))
    assert breakpoints == [str(_layout.NARROW_PX - 1)]


def test_shared_colours_and_fonts_are_defined_once():
    sheets = {name: _static.read(name) for name in ("map.css", "index.css", "factsheet.css")}
    for name, text in sheets.items():
        assert "system-ui" not in text and "Segoe UI" not in text, name
    colour = re.compile(r"#[0-9a-fA-F]{3,6}\b")
    seen: dict[str, set[str]] = {}
    for name, text in sheets.items():
        for value in colour.findall(text):
            seen.setdefault(value.lower(), set()).add(name)
    assert not {value: names for value, names in seen.items() if len(names) > 1}, "shared colours go in theme.css"
    for prop in re.findall(r"(--tb-[\w-]+) *:", _static.read("theme.css")):
        assert any(f"var({prop})" in text for text in [*sheets.values(), _static.read("theme.css")]), prop


@pytest.fixture(scope="module")
def belt_html(belt_zones, belt_audit) -> str:
    from geo import maps

    return maps.render_html(maps.belt_map(belt_zones, belt_audit, language="en", assets="cdn"))


def test_the_measure_tool_takes_its_unit_factors_from_python(belt_html):
    controls = _static.read("controls.js")
    assert "121" not in controls and "10000" not in controls
    assert "t.pyeong_per_m2" in controls and "t.m2_per_ha" in controls
    assert f'"pyeong_per_m2":{units.m2_to_pyeong(1.0)}' in belt_html
    assert f'"m2_per_ha":{units.to_m2(1.0, "ha")}' in belt_html


@pytest.mark.parametrize("value", ["1px;}</style><script>", "red}", "a{b", "x\\"])
def test_custom_properties_refuse_values_that_could_leave_the_rule(value):
    with pytest.raises(ValueError, match="custom property"):
        _static.custom_properties({"x": value})


def test_custom_properties_are_one_root_rule():
    assert _static.custom_properties({"panel-width": "360px", "belt-color": "#ff7f0e"}) == (
        ":root{--tb-panel-width:360px;--tb-belt-color:#ff7f0e}\n"
    )
    assert _static.custom_properties({}) == ""
