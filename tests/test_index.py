"""The index pages and the landing page: findings first, every map and every output file linked with its size."""

from __future__ import annotations

import re

import pytest
import synthetic

import geo
from geo import i18n, maps

FILES = [
    ("triangle_belt.gpkg", 1_234_567),
    ("triangle_belt.geojson", 45_678),
    ("audit.md", 3_210),
    ("audit_claims.csv", 2_500),
    ("zone_areas.csv", 900),
    ("distance_to_transport.tif", 123_456),
    ("factsheet_en.pdf", 250_000),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory, belt_zones, belt_audit):
    out = tmp_path_factory.mktemp("index")
    maps.write_maps(out, belt_zones, belt_audit, files=FILES)
    return out


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def local_links(html: str) -> set[str]:
    return {href for href in re.findall(r'href="([^"#]+)"', html) if not href.startswith("http")}


def test_landing_page_links_every_output_in_every_language(folder):
    landing = read(folder / "index.html")
    maps_written = {p.name for p in folder.glob("*.html")} - {"index.html"}
    assert local_links(landing) >= maps_written | {name for name, _ in FILES}
    for language in ("ko", "en", "ja"):
        assert f'<section id="{language}" lang="{language}" data-tb-lang="{language}">' in landing
        assert i18n.text("file_gpkg", language) in landing and i18n.text("index_files", language) in landing
    assert "1.2\u00a0MB" in landing and "46\u00a0kB" in landing and "3\u00a0KB" in landing  # sizes per language


def test_per_language_index_links_the_maps_and_the_files(folder):
    for language in ("ko", "en", "ja"):
        index = read(folder / f"index_{language}.html")
        own = {p.name for p in folder.glob(f"*_{language}.html")} - {f"index_{language}.html"}
        assert local_links(index) >= own | {name for name, _ in FILES} | {"index.html"}
        assert all((folder / href).exists() for href in local_links(index) - {name for name, _ in FILES})
        assert i18n.text("file_pdf", language) in index and i18n.text("file_raster", language) in index
        size = (folder / f"belt_{language}.html").stat().st_size
        assert maps.index.size_text(size, language) in index


def test_every_index_page_states_the_findings_failing_first(folder, belt_audit):
    assert belt_audit.passed is False
    pages = {"en": read(folder / "index_en.html"), "landing": read(folder / "index.html")}
    for name, page in pages.items():
        assert "3 of 4 published figures hold within ±2\xa0%; 1 is outside it" in page, name
        for claim in synthetic.CLAIMS:
            assert f"https://example.org/{claim[0]}" in page
        assert page.index("example.org/future_off") < page.index("example.org/belt_holds")
        assert '<details class="tb-holds" open>' in page  # every claim is listed, open
    ja = read(folder / "index_ja.html")
    assert "公表値4件のうち3件が許容誤差±2\u00a0%以内、1件が範囲外" in ja


def test_a_users_file_gets_a_neutral_title_and_no_schematic_wording(tmp_path, belt_zones, belt_claims):
    zones = belt_zones.assign(geometry_quality="supplied")
    audit = geo.run_audit(zones, belt_claims)
    maps.write_maps(tmp_path, zones, audit, languages=["en", "ko"], title="damdan.shp")
    for name in ("index_en.html", "index_ko.html", "index.html", "belt_en.html"):
        page = read(tmp_path / name)
        assert "damdan.shp" in page
        assert i18n.text("belt_title", "en") not in page and "chematic" not in page
        assert i18n.MESSAGES["schematic_label"]["ko"] not in page


def test_without_files_the_pages_have_no_files_table(tmp_path, belt_zones, belt_audit):
    maps.write_maps(tmp_path, belt_zones, belt_audit, languages=["en"])
    assert "Files in this folder" not in read(tmp_path / "index_en.html")
    assert 'href="belt_en.html"' in read(tmp_path / "index.html")


def test_file_descriptions_and_sizes():
    assert maps.index.file_message("maps/triangle_belt.gpkg") == "file_gpkg"
    assert maps.index.file_message("audit_claims.csv") == "file_audit_claims"
    assert maps.index.file_message("other.xyz") == "file_other"
    assert maps.index.size_text(999, "en") == "1\u00a0kB"
    assert maps.index.size_text(2_500_000, "ja") == "2.5\u00a0MB"
    assert maps.index.size_text(None, "en") == ""
