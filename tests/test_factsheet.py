"""PDF fact sheets: A4, one per map and language, a drawn map, the area table, failing claims first, fonts embedded.

The PDFs are printed by headless Chromium and read back with poppler-utils (pdfinfo, pdftotext, pdftoppm,
pdffonts; Debian package poppler-utils).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from geo import _format, factsheet, i18n

POPPLER = ("pdfinfo", "pdftotext", "pdftoppm", "pdffonts")
A4_POINTS = (595.0, 842.0)
EPOCH = "1700000000"  # 2023-11-14


@pytest.fixture(scope="module")
def poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail(f"{', '.join(missing)} missing (Debian poppler-utils), and CI=true requires them")
        pytest.skip(f"{', '.join(missing)} not installed (Debian poppler-utils)")


@pytest.fixture(scope="module")
def sheets(tmp_path_factory, needs_browser, poppler, belt_zones, belt_audit, belt_points, belt_context) -> dict:
    out = tmp_path_factory.mktemp("factsheets")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        paths = factsheet.write_factsheets(
            out, belt_zones, belt_audit, languages=("en", "ko", "ja"), context=belt_context, points=belt_points
        )
    return {path.name: path for path in paths}


def _text(path: Path, *, layout: bool = True) -> str:
    """The PDF's text: in reading order of the page's layout (tables row by row), or as flowed ("-raw")."""
    mode = "-layout" if layout else "-raw"
    return subprocess.run(["pdftotext", mode, str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pages(path: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-l", "99", str(path)], capture_output=True, text=True, check=True).stdout
    sizes = [
        line.split(":", 1)[1].split("pts")[0]
        for line in info.splitlines()
        if line.startswith("Page ") and " size:" in line
    ]
    return [tuple(float(v) for v in size.split(" x ")) for size in sizes]


def _first_page_image(path: Path) -> np.ndarray:
    """Page 1 rendered by pdftoppm at 50 dpi, as an RGB array (binary PPM: a text header, then the pixels)."""
    ppm = subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", str(path)], capture_output=True, check=True)
    magic, width, height, maximum, pixels = ppm.stdout.split(maxsplit=4)
    assert magic == b"P6" and maximum == b"255"
    return np.frombuffer(pixels, dtype=np.uint8).reshape(int(height), int(width), 3)


def test_one_pdf_per_map_and_language_named_as_output_files_says(sheets, belt_zones):
    assert sorted(sheets) == sorted(factsheet.output_files(belt_zones["zone_id"], ("en", "ko", "ja")))
    assert len(sheets) == 4 * 3  # the belt and three zones, in three languages


def test_every_page_is_a4(sheets):
    for name, path in sheets.items():
        pages = _pages(path)
        assert 1 <= len(pages) <= 3, name
        for width, height in pages:
            assert (width, height) == pytest.approx(A4_POINTS, abs=1.5), name


def test_the_map_is_drawn_without_tiles(sheets):
    image = _first_page_image(sheets["factsheet_belt_en.pdf"])
    height, width, _ = image.shape
    map_area = image[int(height * 0.08) : int(height * 0.55), int(width * 0.05) : int(width * 0.95)]
    not_white = (map_area < 235).any(axis=2)
    assert 0.02 < not_white.mean() < 0.6  # outlines, fills and labels, not a blank or a solid block
    # the zones' role colours are there (the future complex in red, Jingok in green)
    colours = map_area.reshape(-1, 3).astype(int)
    reddish = (colours[:, 0] > colours[:, 1] + 40) & (colours[:, 0] > colours[:, 2] + 40)
    greenish = (colours[:, 1] > colours[:, 0] + 20) & (colours[:, 1] > colours[:, 2] + 20)
    assert reddish.sum() > 50 and greenish.sum() > 50


def test_the_sheet_has_the_title_date_names_areas_and_failing_claims(sheets, belt_zones, belt_audit):
    text = _text(sheets["factsheet_belt_en.pdf"])
    assert i18n.text("belt_title", "en") in text
    assert "2023-11-14" in text
    flowed = " ".join(_text(sheets["factsheet_belt_en.pdf"], layout=False).split())
    for name in belt_zones["name_en"]:
        assert name in flowed, name
    for value in belt_audit.zones["area_m2"]:
        assert _format.number(value) in text
    assert _format.number(belt_audit.belt["area_m2"]) in text
    assert i18n.text("schematic_label", "en") in flowed
    # the failing claim comes before the ones that hold
    assert text.index("future_off") < text.index("belt_holds")
    assert i18n.text("verdict_off", "en") in text


def test_a_zone_sheet_lists_only_its_claims(sheets):
    text = _text(sheets["factsheet_jingok_en.pdf"])
    assert "jingok_exact" in text and "future_off" not in text
    assert "Jingok General Industrial Complex" in text


@pytest.mark.parametrize(("language", "name"), [("ko", "진곡 일반산업단지"), ("ja", "眞谷産業団地")])
def test_korean_and_japanese_sheets_embed_their_fonts_and_read_back(sheets, language, name):
    path = sheets[f"factsheet_belt_{language}.pdf"]
    text = _text(path)
    assert i18n.text("belt_title", language) in text
    assert name.replace(" ", "") in _text(path, layout=False).replace(" ", "")  # CJK text reads back unspaced
    assert i18n.text("verdict_off", language) in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)  # every font embedded ("emb" column)


def test_strings_from_data_are_escaped(belt_zones, belt_audit):
    zones = belt_zones.copy()
    zones.loc[0, "name_en"] = "<script>alert(1)</script> & co"
    html = factsheet.factsheet_html(
        zones, belt_audit, subject="belt", language="en", context=None, points=None, date="2023-11-14"
    )
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_supplied_outlines_carry_no_schematic_statement(belt_zones, belt_audit):
    zones = belt_zones.assign(geometry_quality="supplied")
    html = factsheet.factsheet_html(
        zones, belt_audit, subject="jingok", language="ko", context=None, points=None, date="2023-11-14"
    )
    assert i18n.text("schematic_label", "ko") not in html
