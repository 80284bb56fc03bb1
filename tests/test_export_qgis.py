"""The GeoPackage opened in real QGIS (Debian 12's python3-qgis 3.22, headless): every layer styled as promised,
and a map rendered from the styles as stored, whose placed labels are read back from QGIS's labelling engine.

QGIS's Python bindings live in the system Python, not in the project's environment, so the check runs there
in a subprocess. Skipped without them, except under CI=true, where .ci/run installs them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
import synthetic

from geo import export, fez, i18n, schema, style
from geo.schema import CLAIM_FIELDS, CONTEXT_FIELDS, POINT_FIELDS, ZONE_FIELDS

SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin")

QGIS_SCRIPT = r"""
import json, os, sqlite3, sys
from qgis.core import QgsApplication, QgsRenderContext, QgsVectorLayer
app = QgsApplication([], False)
app.setPrefixPath("/usr", True)
app.initQgis()
path = sys.argv[1]
tables = [row[0] for row in sqlite3.connect(path).execute(
    "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features', 'attributes') "
    "AND table_name != 'layer_styles'")]
report = {}
for name in tables:
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    _, loaded = layer.loadDefaultStyle()
    renderer = layer.renderer() if layer.isSpatial() else None
    labeling = layer.labeling() if layer.isSpatial() and layer.labelsEnabled() else None
    settings = labeling.settings() if labeling is not None else None
    widths = []
    if renderer is not None:
        for symbol in renderer.symbols(QgsRenderContext()):
            props = symbol.symbolLayer(0).properties()
            width = props.get("outline_width") or props.get("line_width")
            colour = props.get("outline_color") or props.get("line_color")
            widths.append([float(width) if width else None, int(colour.split(",")[3]) if colour else None])
    metadata = layer.dataProvider().layerMetadata()
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
        "spatial": layer.isSpatial(),
        "label_field": settings.fieldName if settings is not None else None,
        "label_priority": settings.priority if settings is not None else None,
        "label_z_index": settings.zIndex if settings is not None else None,
        "label_obstacle": settings.obstacleSettings().isObstacle() if settings is not None else None,
        "widths": widths,
        "title": metadata.title(),
        "abstract": metadata.abstract(),
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


#: Renders the zones layer above the legal dongs and ri with the default styles stored in the GeoPackage, on a
#: 2400 x 1500 px image at 96 dpi covering both (about 1:25,000 for the synthetic belt), and reports every label
#: the engine placed or left unplaced. Then once more with the dongs' label priority raised to the zones': the
#: control, which shows that this scene does put the two layers' labels in conflict (the dong 진곡동 lies
#: centred on Jingok).
RENDER_SCRIPT = r"""
import json, os, sys
from qgis.core import (QgsApplication, QgsLabelingEngineSettings, QgsMapRendererSequentialJob, QgsMapSettings,
                       QgsRectangle, QgsVectorLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
app = QgsApplication([], True)
app.setPrefixPath("/usr", True)
app.initQgis()
path = sys.argv[1]
zones = QgsVectorLayer(f"{path}|layername=zones", "zones", "ogr")
context = QgsVectorLayer(f"{path}|layername=context_areas", "context_areas", "ogr")
names = {zones.id(): "zones", context.id(): "context_areas"}
loaded = {names[layer.id()]: layer.loadDefaultStyle()[1] for layer in (zones, context)}

def render():
    settings = QgsMapSettings()
    settings.setLayers([zones, context])  # zones on top
    settings.setDestinationCrs(zones.crs())
    extent = QgsRectangle(zones.extent())
    extent.combineExtentWith(context.extent())
    extent.scale(1.1)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(2400, 1500))
    settings.setOutputDpi(96)
    settings.setBackgroundColor(QColor("white"))
    engine = settings.labelingEngineSettings()
    engine.setFlag(QgsLabelingEngineSettings.CollectUnplacedLabels, True)
    settings.setLabelingEngineSettings(engine)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    labels = [[names[label.layerID], label.labelText, not label.isUnplaced]
              for label in job.takeLabelingResults().allLabels()]
    return {"scale": settings.scale(), "labels": sorted(labels)}

report = {
    "valid": {names[layer.id()]: layer.isValid() for layer in (zones, context)},
    "style_loaded": loaded,
    "labels_enabled": {names[layer.id()]: layer.labelsEnabled() for layer in (zones, context)},
    "priorities": {names[layer.id()]: layer.labeling().settings().priority for layer in (zones, context)},
    "as_exported": render(),
}
labeling = context.labeling().clone()
settings = labeling.settings()
settings.priority = zones.labeling().settings().priority
labeling.setSettings(settings)
context.setLabeling(labeling)
report["equal_priority"] = render()
print(json.dumps(report))
sys.stdout.flush()
os._exit(0)
"""


def _open_in_qgis(path, script: str = QGIS_SCRIPT) -> dict:
    """Run ``script`` on the GeoPackage at ``path`` in the system Python's QGIS and return its JSON report."""
    if not _qgis_available():
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail("QGIS's Python bindings (Debian python3-qgis) are missing, and CI=true requires them")
        pytest.skip("QGIS's Python bindings (Debian python3-qgis) are not installed")
    result = subprocess.run(
        [SYSTEM_PYTHON, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def qgis_report(tmp_path_factory, zones, audit_result) -> dict:
    import geo

    path = tmp_path_factory.mktemp("qgis") / "belt.gpkg"
    export.export_geopackage(
        path,
        zones,
        audit_result,
        points=geo.load_points(),
        context=geo.load_context(),
        fez=fez.load_fez_districts(),
        language="ja",
    )
    return _open_in_qgis(path)


@pytest.fixture(scope="module", params=["ko", "ja"])
def localised_report(request, tmp_path_factory, belt_zones, belt_audit, belt_points, belt_context) -> tuple:
    """The synthetic belt and FEZ districts exported in Korean and in Japanese, as QGIS reads it."""
    path = tmp_path_factory.mktemp(f"qgis_{request.param}") / "belt.gpkg"
    export.export_geopackage(
        path,
        belt_zones,
        belt_audit,
        points=belt_points,
        context=belt_context,
        fez=synthetic.fez_districts(),
        language=request.param,
    )
    return request.param, _open_in_qgis(path)


def test_every_spatial_layer_opens_with_its_default_style(qgis_report):
    assert set(qgis_report) >= {
        "zone_parts",
        "zones",
        "belt",
        "fez_districts",
        "context_areas",
        "context_border",
        "site_points",
    }
    for name, layer in qgis_report.items():
        assert layer["valid"] and layer["features"] > 0, name
        assert layer["style_loaded"], name
        assert (layer["renderer"] is not None) == layer["spatial"], name


def test_zones_are_categorised_by_role_in_the_maps_colours_dashed_and_labelled(qgis_report):
    for name in ("zone_parts", "zones"):
        layer = qgis_report[name]
        assert layer["renderer"] == "categorizedSymbol" and layer["labels"]
        colours = {value: colour for value, _, colour, _ in layer["categories"]}
        assert colours == {role: style.ROLE_COLORS[role] for role in ("certification", "parts", "demonstration")}
        assert all(outline == "dash" for *_, outline in layer["categories"])  # our outlines are schematic
        labels = [label for _, label, _, _ in layer["categories"]]
        assert any(i18n.role_label("parts", "ja") in label for label in labels)  # legend in the chosen language


def test_fez_districts_are_categorised_by_pillar_dashed_and_labelled(qgis_report):
    layer = qgis_report["fez_districts"]
    assert layer["valid"] and layer["style_loaded"] and layer["features"] == 4
    assert layer["renderer"] == "categorizedSymbol" and layer["labels"] and layer["label_field"] == "name_ja"
    colours = {value: colour for value, _, colour, _ in layer["categories"]}
    assert colours == {pillar: style.PILLAR_COLORS[pillar] for pillar in fez.PILLARS}
    assert all(outline == "dash" for *_, outline in layer["categories"])  # schematic outlines
    labels = {value: label for value, label, _, _ in layer["categories"]}
    assert labels["ai"].startswith(fez.pillar_label("ai", "ja"))
    assert layer["aliases"]["offic_m2"] == schema.FEZ_FIELDS["official_area_m2"].title("ja")
    assert layer["title"].startswith(fez.text("table_fez_districts", "ja"))
    assert layer["label_priority"] == qgis_report["zones"]["label_priority"]  # labelled as the zones are


def test_area_fields_carry_their_full_titles_as_aliases(qgis_report):
    aliases = qgis_report["zone_parts"]["aliases"]
    assert "坪" in aliases["area_py"] and "5186" in aliases["area5186"]  # titles in the export's language (ja)


def test_zone_labels_win_over_context_labels(qgis_report):
    """With the legal-dong layer on, zone labels are placed first and drawn on top (Jingok, the future complex)."""
    zones = qgis_report["zones"]
    context = qgis_report["context_areas"]
    assert zones["label_priority"] > qgis_report["site_points"]["label_priority"] > context["label_priority"]
    assert zones["label_z_index"] > qgis_report["site_points"]["label_z_index"] > context["label_z_index"]
    assert context["label_obstacle"] is False  # dong polygons never push a zone label away
    assert context["label_field"] == "name_ja"  # the dong's name with its katakana reading


def test_context_outlines_are_thinner_and_lighter_than_the_zones(qgis_report):
    zone_widths = qgis_report["zones"]["widths"]
    context_widths = qgis_report["context_areas"]["widths"]
    assert min(w for w, _ in zone_widths) > max(w for w, _ in context_widths)
    assert min(a for _, a in zone_widths) > max(a for _, a in context_widths)
    assert qgis_report["context_border"]["widths"][0][0] < 0.8


def _expected_aliases(name: str, language: str) -> dict[str, str]:
    registry = {"audit_claims": CLAIM_FIELDS, "context_areas": CONTEXT_FIELDS, "context_border": CONTEXT_FIELDS,
                "site_points": POINT_FIELDS, "fez_districts": schema.FEZ_FIELDS}.get(name, ZONE_FIELDS)  # fmt: skip
    return {field.short: field.title(language) for field in registry.values()}


def test_every_field_of_every_table_has_its_alias_in_the_export_language(localised_report):
    language, report = localised_report
    assert {"audit_zones", "audit_claims"} <= set(report)  # the tables without geometry too
    for name, layer in report.items():
        assert layer["valid"] and layer["style_loaded"], name
        aliases = {field: alias for field, alias in layer["aliases"].items() if field != "fid"}
        assert aliases and all(aliases.values()), (name, [f for f, a in aliases.items() if not a])
        if name in ("belt", "belt_triangle"):
            continue  # the belt's own registry; its aliases are checked by title below
        expected = _expected_aliases(name, language)
        assert {f: a for f, a in aliases.items() if f in expected} == {f: expected[f] for f in aliases if f in expected}


def test_layer_titles_and_abstracts_are_in_the_export_language(localised_report):
    language, report = localised_report
    for name, layer in report.items():
        title = fez.text(f"table_{name}", language)  # geo.i18n's, or geo.fez's for the FEZ layer
        assert layer["title"].startswith(title), (name, layer["title"])
        assert layer["abstract"].startswith(fez.text(f"about_{name}", language)), name


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, belt_zones, belt_audit, belt_points, belt_context) -> dict:
    """The synthetic belt exported in English, its zones and legal dongs rendered by QGIS (:data:`RENDER_SCRIPT`)."""
    path = tmp_path_factory.mktemp("render") / "belt.gpkg"
    export.export_geopackage(path, belt_zones, belt_audit, points=belt_points, context=belt_context, language="en")
    return _open_in_qgis(path, RENDER_SCRIPT)


def _placed(render: dict, layer: str) -> set[str]:
    return {text for name, text, placed in render["labels"] if name == layer and placed}


def test_every_zone_label_is_placed_on_a_map_with_the_legal_dong_labels_on(rendered, belt_zones, belt_context):
    assert rendered["valid"] == rendered["style_loaded"] == {"zones": True, "context_areas": True}
    assert rendered["labels_enabled"] == {"zones": True, "context_areas": True}
    render = rendered["as_exported"]
    assert 10_000 < render["scale"] < 50_000  # a sensible scale for industrial complexes of a few km²
    # the zones layer labels each zone with its first part's name (Bitgoeul's Gwangju part)
    names = set(belt_zones.groupby("zone_id", sort=False)["name_en"].first())
    assert _placed(render, "zones") == names, render["labels"]
    # the dong layer's labels are drawn where they leave the zones' alone; the one centred on Jingok is not
    dongs = {text for name, text, _ in render["labels"] if name == "context_areas"}
    assert dongs == set(belt_context.loc[belt_context["kind"] != "border", "name_ko"])
    assert _placed(render, "context_areas") and "진곡동" not in _placed(render, "context_areas")


def test_with_equal_label_priorities_the_same_map_loses_zone_labels(rendered, belt_zones):
    """The control: the scene above does make the layers' labels compete, so it is their priorities that decide."""
    assert rendered["priorities"]["zones"] > rendered["priorities"]["context_areas"]
    render = rendered["equal_priority"]
    names = set(belt_zones.groupby("zone_id", sort=False)["name_en"].first())
    assert _placed(render, "zones") < names  # some zone label gives way to a dong's
    assert "진곡동" in _placed(render, "context_areas")
