"""The GeoPackage opened in real QGIS (Debian's python3-qgis, headless): every layer styled as promised.

QGIS's Python bindings live in the system Python, not in the project's environment, so the check runs there
in a subprocess. Skipped without them, except under CI=true, where .ci/run installs them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from geo import export, i18n, style

SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin")

QGIS_SCRIPT = r"""
import json, os, sqlite3, sys
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False)
app.setPrefixPath("/usr", True)
app.initQgis()
path = sys.argv[1]
tables = [row[0] for row in sqlite3.connect(path).execute(
    "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
report = {}
for name in tables:
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    _, loaded = layer.loadDefaultStyle()
    renderer = layer.renderer()
    categories = []
    if renderer is not None and renderer.type() == "categorizedSymbol":
        for category in renderer.categories():
            symbol = category.symbol()
            outline = symbol.symbolLayer(0).properties().get("outline_style") if symbol.symbolLayerCount() else None
            categories.append([category.value(), category.label(), symbol.color().name(), outline])
    report[name] = {
        "valid": layer.isValid(),
        "features": layer.featureCount(),
        "style_loaded": loaded,
        "renderer": renderer.type() if renderer else None,
        "labels": layer.labelsEnabled(),
        "aliases": {f.name(): layer.attributeAlias(i) for i, f in enumerate(layer.fields())},
        "categories": categories,
    }
print(json.dumps(report))
sys.stdout.flush()
os._exit(0)  # QgsApplication.exitQgis() can crash a headless process on the way out
"""


def _qgis_available() -> bool:
    if SYSTEM_PYTHON is None:
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=120)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def qgis_report(tmp_path_factory, zones, audit_result) -> dict:
    if not _qgis_available():
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail("QGIS's Python bindings (Debian python3-qgis) are missing, and CI=true requires them")
        pytest.skip("QGIS's Python bindings (Debian python3-qgis) are not installed")
    import geo

    path = tmp_path_factory.mktemp("qgis") / "belt.gpkg"
    export.export_geopackage(
        path, zones, audit_result, points=geo.load_points(), context=geo.load_context(), language="ja"
    )
    result = subprocess.run(
        [SYSTEM_PYTHON, "-c", QGIS_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_spatial_layer_opens_with_its_default_style(qgis_report):
    assert set(qgis_report) >= {"zone_parts", "zones", "belt", "context_areas", "context_border", "site_points"}
    for name, layer in qgis_report.items():
        assert layer["valid"] and layer["features"] > 0, name
        assert layer["style_loaded"] and layer["renderer"] is not None, name


def test_zones_are_categorised_by_role_in_the_maps_colours_dashed_and_labelled(qgis_report):
    for name in ("zone_parts", "zones"):
        layer = qgis_report[name]
        assert layer["renderer"] == "categorizedSymbol" and layer["labels"]
        colours = {value: colour for value, _, colour, _ in layer["categories"]}
        assert colours == {role: style.ROLE_COLORS[role] for role in ("certification", "parts", "demonstration")}
        assert all(outline == "dash" for *_, outline in layer["categories"])  # our outlines are schematic
        labels = [label for _, label, _, _ in layer["categories"]]
        assert any(i18n.role_label("parts", "ja") in label for label in labels)  # legend in the chosen language


def test_area_fields_carry_their_full_titles_as_aliases(qgis_report):
    aliases = qgis_report["zone_parts"]["aliases"]
    assert "坪" in aliases["area_py"] and "5186" in aliases["area5186"]  # titles in the export's language (ja)
