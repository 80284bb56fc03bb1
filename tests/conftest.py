"""Shared fixtures: the project's own layers and small synthetic zone files with known answers."""

from __future__ import annotations

import importlib
import inspect
import os
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
import synthetic

import geo
from geo import fez, screenshot

#: The checkout: tests of the bundled data and of the scripts read files from it.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# --- markers: what a test opens, for the quick loop (pytest -m "not browser and not build and not qgis") -------

#: A call that runs a whole build: the library's, the command line's (``build`` or no command) or the script.
_BUILD_CALL = re.compile(
    r"geo\.build\(|pipeline\.(run|build)\(|\[\s*\"build\"|main\(\[\]\)|main\(\[\s*\"--(?!help)|build_maps\.py\b(?!\s*\")"
)


def _runs_a_build(item: pytest.Item) -> bool:
    """Whether the test, or a fixture it uses, runs a whole build."""
    functions = [item.function]
    for definitions in item._fixtureinfo.name2fixturedefs.values():
        functions += [definition.func for definition in definitions]
    for function in functions:
        try:
            if _BUILD_CALL.search(inspect.getsource(function)):
                return True
        except (OSError, TypeError):
            continue
    return False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the slow parts it opens: ``browser`` (Chromium), ``build`` (a whole build), ``qgis``."""
    for item in items:
        if "needs_browser" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
        if item.module.__name__ == "test_export_qgis":
            item.add_marker(pytest.mark.qgis)
        if isinstance(item, pytest.Function) and _runs_a_build(item):
            item.add_marker(pytest.mark.build)


@pytest.fixture(scope="session")
def zones() -> gpd.GeoDataFrame:
    """The project's zone parts (schematic outlines), EPSG:4326."""
    return geo.load_zones()


@pytest.fixture(scope="session")
def claims() -> pd.DataFrame:
    return geo.load_claims()


@pytest.fixture(scope="session")
def audit_result(zones, claims) -> geo.AuditResult:
    """The audit as the commands run it: belt claims on the zones, FEZ claims on the FEZ districts."""
    return fez.audit_with_fez(zones, claims, districts=fez.load_fez_districts())


@pytest.fixture(scope="session")
def points() -> gpd.GeoDataFrame:
    """The site-selection points, EPSG:4326."""
    return geo.load_points()


@pytest.fixture(scope="session")
def context() -> gpd.GeoDataFrame:
    """Legal dongs, ri and the Gwangju/Jeonnam border (NGII)."""
    return geo.load_context()


@pytest.fixture
def square_zones() -> gpd.GeoDataFrame:
    """Two 0.01° squares near Gwangju in EPSG:4326, with the project's columns."""
    return gpd.GeoDataFrame(
        {
            "zone_id": ["a", "b"],
            "name_ko": ["가", "나"],
            "in_belt": [True, True],
        },
        geometry=[shapely.box(126.70, 35.15, 126.71, 35.16), shapely.box(126.72, 35.15, 126.73, 35.16)],
        crs="EPSG:4326",
    )


def _require_module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail(f"the test dependency {name} is not installed, and CI=true requires it")
        pytest.skip(f"{name} is not installed")


@pytest.fixture
def require_module():
    """Import a test-only dependency by name; skip without it, except under CI=true, where that fails."""
    return _require_module


@pytest.fixture(scope="session")
def needs_browser() -> None:
    """Skip when Playwright or Chromium is missing; fail instead under CI=true, where they must be there."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "the Python package playwright is not installed"
    if problem is None and screenshot.chromium_executable() is None:
        problem = "Chromium is not installed"
    if problem is not None:
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail(f"{problem}, and CI=true requires the browser tests to run")
        pytest.skip(problem)


# --- the synthetic belt (tests/synthetic.py): for tests of behaviour -------------------------------------------


@pytest.fixture(scope="session")
def belt_zones() -> gpd.GeoDataFrame:
    """Four synthetic zone parts shaped like the bundled belt (boxes near Gwangju), EPSG:4326."""
    return synthetic.zones()


@pytest.fixture(scope="session")
def belt_claims(belt_zones) -> pd.DataFrame:
    """Claims on the synthetic belt whose verdicts are known: two hold exactly, one is off, one is a part."""
    return synthetic.claims(belt_zones)


@pytest.fixture(scope="session")
def belt_audit(belt_zones, belt_claims) -> geo.AuditResult:
    return geo.run_audit(belt_zones, belt_claims)


@pytest.fixture(scope="session")
def belt_points() -> gpd.GeoDataFrame:
    return synthetic.points()


@pytest.fixture(scope="session")
def belt_context() -> gpd.GeoDataFrame:
    return synthetic.context()


@pytest.fixture(scope="session")
def belt_zone_file(tmp_path_factory, belt_zones) -> Path:
    """The synthetic belt as a GeoJSON file, for the command line (``--zones``)."""
    path = tmp_path_factory.mktemp("belt") / "belt.geojson"
    belt_zones.drop(columns="feature_id").to_file(path)
    return path


@pytest.fixture(scope="session")
def belt_claims_file(tmp_path_factory, belt_zones) -> Path:
    """The synthetic claims as a CSV file, for the command line (``--claims``)."""
    return synthetic.write_claims(tmp_path_factory.mktemp("claims") / "claims.csv", belt_zones)
