"""pip and conda users get the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from conftest import PROJECT_ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    required = {_name(r): r for r in project["dependencies"]}
    environment = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    conda = [d for d in environment["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    listed = {_name(r): r.replace(" ", "") for r in conda + pip if not r.startswith("-e")}
    listed.pop("python"), listed.pop("pip")
    assert set(listed) == set(required)
    for name, requirement in required.items():
        assert listed[name] == requirement.replace(" ", ""), name


def test_every_subpackage_is_installed_and_the_bundled_layers_ship_with_it():
    setuptools = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {
        p.parent.relative_to(PROJECT_ROOT).as_posix().replace("/", ".")
        for p in (PROJECT_ROOT / "geo").rglob("__init__.py")
    }
    assert set(setuptools["packages"]) == found
    shipped = setuptools["package-data"]["geo"]
    for name in ("zones.geojson", "claims.csv", "points.csv", "context.geojson", "README.md"):
        assert (PROJECT_ROOT / "geo" / "_layers" / name).exists(), name
        assert any(Path(name).match(Path(pattern).name) for pattern in shipped), name
