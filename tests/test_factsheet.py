"""PDF fact sheets: A4, one per map and language, a drawn map, the area table, failing claims first, fonts embedded.

The PDFs are printed by headless Chromium and read back with poppler-utils (pdfinfo, pdftotext, pdftoppm,
pdffonts; Debian package poppler-utils).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import synthetic

import geo
from geo import _format, factsheet, fez, i18n

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
def districts() -> gpd.GeoDataFrame:
    return synthetic.fez_districts()


@pytest.fixture(scope="module")
def audit_with_fez(belt_zones, districts) -> geo.AuditResult:
    """The belt's claims and the FEZ's, audited together as the build does."""
    claims = pd.concat([synthetic.claims(belt_zones), synthetic.fez_claims(districts)], ignore_index=True)
    return fez.audit_with_fez(belt_zones, claims, districts=districts)


@pytest.fixture(scope="module")
def sheets(tmp_path_factory, needs_browser, poppler, belt_zones, audit_with_fez, districts, belt_points, belt_context):
    out = tmp_path_factory.mktemp("factsheets")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        paths = factsheet.write_factsheets(
            out, belt_zones, audit_with_fez, languages=("en", "ko", "ja"), context=belt_context, points=belt_points,
            fez=districts,
        )  # fmt: skip
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
    assert list(sheets) == list(factsheet.output_files(belt_zones["zone_id"], ("en", "ko", "ja"), fez=True))
    assert len(sheets) == 5 * 3  # the belt, three zones and the FEZ, in three languages
    assert {"factsheet_belt_en.pdf", "factsheet_jingok_ko.pdf", "factsheet_fez_ja.pdf"} <= set(sheets)


def test_sheet_names_are_unique_and_never_the_belts_or_the_fezs():
    names = factsheet.output_files(["a/b", "a_b", "belt", "FEZ", "진곡"], ("en",), fez=True)
    assert len(set(names)) == len(names) == 7
    assert names[0] == "factsheet_belt_en.pdf" and names[-1] == "factsheet_fez_en.pdf"
    assert all(name.isascii() for name in names)


def test_every_page_is_a4(sheets):
    for name, path in sheets.items():
        pages = _pages(path)
        assert 1 <= len(pages) <= 2, name
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
    # the failing claim (광주광역시's) comes before the ones that hold (Invest KOREA's), by publisher, never by id
    assert text.index("광주광역시") < text.index("Invest KOREA")
    assert "future_off" not in text and "belt_holds" not in text
    assert i18n.text("verdict_off", "en") in text
    assert "The official area is" in flowed or "The measured area is" in flowed  # the difference in words


def test_a_zone_sheet_lists_only_its_claims(sheets):
    text = _text(sheets["factsheet_jingok_en.pdf"])
    assert "한국향토문화전자대전" in text and "광주광역시" not in text
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
    html = factsheet.zone_sheet_html(
        zones, belt_audit, subject="belt", language="en", context=None, points=None, date="2023-11-14"
    )
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html


def test_supplied_outlines_carry_no_schematic_statement(belt_zones, belt_audit):
    zones = belt_zones.assign(geometry_quality="supplied")
    html = factsheet.zone_sheet_html(
        zones, belt_audit, subject="jingok", language="ko", context=None, points=None, date="2023-11-14"
    )
    assert i18n.text("schematic_label", "ko") not in html


def test_the_fez_sheet_has_the_districts_by_pillar_their_areas_and_the_unit_error_first(sheets, districts):
    path = sheets["factsheet_fez_en.pdf"]
    text = _text(path)
    flowed = " ".join(_text(path, layout=False).split())
    assert i18n.text("fez_map_title", "en") in text
    for name in districts["name_en"]:
        assert flowed.count(name) >= 2, name  # labelled on the map and a row of the table
    for pillar in fez.PILLARS:
        assert fez.pillar_label(pillar, "en") in flowed
    summary = fez.fez_summary(districts)
    assert _format.number(summary["area_m2"]) in text and _format.number(summary["later_sum_m2"]) in text
    # the unit error ("4371㎢", −99.9 %) is outside the tolerance, listed first and explained; the belt's claims
    # are not here
    assert flowed.index("뉴시스") < flowed.index("아주경제")
    assert "about 1,000 times the official area" in flowed and "unit error in the source (×1,000)" in flowed
    assert "Invest KOREA" not in flowed and "fez_unit_error" not in flowed
    colours = _first_page_image(path).reshape(-1, 3).astype(int)
    purple = (colours[:, 2] > colours[:, 1] + 25) & (colours[:, 0] > colours[:, 1] + 15)  # the AI pillar
    olive = (colours[:, 0] > colours[:, 2] + 40) & (colours[:, 1] > colours[:, 2] + 40)  # smart energy
    assert purple.sum() > 50 and olive.sum() > 50


def test_the_fez_sheet_needs_the_fez_audit(belt_zones, belt_audit, districts):
    with pytest.raises(ValueError, match="no FEZ summary"):
        factsheet.fez_sheet_html(
            districts, belt_zones, belt_audit, language="en", context=None, points=None, date="2023-11-14"
        )


def _word_boxes(path: Path) -> list[tuple[str, float, float, float, float]]:
    """Every word on page 1 with its box in points (pdftotext -bbox)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)
    return [(word, float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, word in words]


def test_labels_at_the_maps_edge_stay_inside_it(tmp_path, needs_browser, poppler, belt_zones, belt_audit):
    """Jingok is the zone nearest the map's east edge: a long name centred on it would run off the map."""
    zones = belt_zones.copy()
    zones.loc[zones["zone_id"] == "jingok", "name_en"] = "Jingok Zyxwv Qwerty Edgecase Industrial Complex Extended"
    paths = factsheet.write_factsheets(tmp_path, zones, belt_audit, languages=("en",), zone_ids=[])
    boxes = _word_boxes(paths[0])
    caption_top = min(y0 for word, _, y0, _, _ in boxes if word == "EPSG:5186")  # the caption under the map
    label = {"Zyxwv", "Qwerty", "Edgecase", "Extended"}
    words = [w for w in boxes if w[0] in label and w[4] < caption_top]
    # the label is drawn whole, each word once (its halo is a box, not a second, stroked copy of the text); a word
    # cut off is not extracted
    assert sorted(w[0] for w in words) == sorted(label)
    # the map is 186 mm wide inside the page's 12 mm margins: x from 34.0 to 561.3 pt
    margin_pt, width_pt = 12 / 25.4 * 72, 186 / 25.4 * 72
    for word, x0, _, x1, _ in words:
        assert margin_pt <= x0 and x1 <= margin_pt + width_pt, word


def test_a_national_layer_keeps_the_belts_names_and_drops_crowded_others(tmp_path, needs_browser, poppler):
    """400 zones on a grid, two in the belt: their names are placed; the others only where nothing collides."""
    boxes = [shapely.box(126.5 + 0.02 * (k % 20), 35.0 + 0.02 * (k // 20), 126.515 + 0.02 * (k % 20),
                         35.015 + 0.02 * (k // 20)) for k in range(400)]  # fmt: skip
    frame = gpd.GeoDataFrame(
        {"zone_id": [f"z{k}" for k in range(400)], "name_en": [f"Q{k}x" for k in range(400)],
         "in_belt": [k in (0, 399) for k in range(400)]},
        geometry=boxes, crs="EPSG:4326",
    )  # fmt: skip
    zones = geo.io.prepare_zones(frame, "national.geojson")
    audit = geo.run_audit(zones, synthetic.claims(synthetic.zones()).iloc[:0])
    path = factsheet.write_factsheets(tmp_path, zones, audit, languages=("en",), zone_ids=[])[0]
    boxes_pt = _word_boxes(path)
    caption_top = min(y0 for word, _, y0, _, _ in boxes_pt if word == "EPSG:5186")
    labels: dict[str, tuple[float, float, float, float]] = {}
    for word, x0, y0, x1, y1 in boxes_pt:  # each name once on the map, drawn twice (halo, then text): one box
        if re.fullmatch(r"Q\d+x", word) and y1 < caption_top:
            a = labels.get(word, (x0, y0, x1, y1))
            labels[word] = (min(a[0], x0), min(a[1], y0), max(a[2], x1), max(a[3], y1))
    names = set(labels)
    assert {"Q0x", "Q399x"} <= names  # the belt's zones are always named
    assert 20 < len(names) < 400  # many others are, but not all: 400 names do not fit
    placed = sorted(labels.values())
    for i, (_, ay0, ax1, ay1) in enumerate(placed):
        for bx0, by0, _, by1 in placed[i + 1 :]:
            if bx0 >= ax1:
                break
            assert min(ay1, by1) <= max(ay0, by0), "two labels overlap"


def _national(belt_zones: gpd.GeoDataFrame, count: int = 40) -> gpd.GeoDataFrame:
    """The synthetic belt among ``count`` other complexes spread over Korea (out of the belt)."""
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(126.4, 129.3, count), rng.uniform(34.6, 37.9, count)
    others = gpd.GeoDataFrame(
        {
            "zone_id": [f"c{i:03d}" for i in range(count)],
            "part": "main",
            "name_ko": [f"단지{i}" for i in range(count)],
            "in_belt": False,
            "geometry_quality": "supplied",
        },
        geometry=shapely.box(lon, lat, lon + 0.01, lat + 0.008),
        crs="EPSG:4326",
    )
    return geo.io.prepare_zones(pd.concat([belt_zones, others], ignore_index=True), "national.geojson")


def _svg_extent_km(html: str) -> float:
    """The scale bar's length in km, from the sheet's SVG (a proxy of the map's extent)."""
    match = re.search(r">(\d[\d,.]*)\s*(k?m)<", html[html.index("<svg") :])
    value = float(match.group(1).replace(",", ""))
    return value if match.group(2) == "km" else value / 1000


def test_at_national_scale_each_sheet_opens_on_its_own_zones(belt_zones, belt_claims):
    zones = _national(belt_zones)
    audit = geo.run_audit(zones, belt_claims)
    common = {"language": "en", "context": None, "points": None, "date": "2023-11-14"}
    belt = factsheet.zone_sheet_html(zones, audit, subject="belt", **common)
    whole = factsheet.zone_sheet_html(belt_zones, geo.run_audit(belt_zones, belt_claims), subject="belt", **common)
    # The belt sheet frames the belt as the sheet of the belt alone does, not the country.
    assert _svg_extent_km(belt) == _svg_extent_km(whole)
    assert "and 40 other complexes of the layer, not listed here" in belt
    assert belt.count("단지3<") == 0  # a complex far away is neither drawn in the table nor labelled
    jingok = factsheet.zone_sheet_html(zones, audit, subject="jingok", **common)
    assert _svg_extent_km(jingok) <= _svg_extent_km(belt)  # a zone's sheet: the zone and its neighbourhood
    # The north-arrow note states the convergence at this map's centre (Gwangju lies west of 127° E).
    assert re.search(r"grid north, 0\.[0-9]° from true north at the map&#x27;s centre", jingok) or re.search(
        r"grid north, 0\.[0-9]° from true north at the map's centre", jingok
    )


def test_sheets_take_the_builds_title_and_a_long_name_keeps_the_page_budget(
    tmp_path, needs_browser, poppler, belt_zones, belt_claims
):
    zones = belt_zones.copy()
    long_name = "Jingok " + " ".join(f"Extension{k:04d}" for k in range(200))  # about 2,100 characters
    zones.loc[zones["zone_id"] == "jingok", "name_en"] = long_name
    audit = geo.run_audit(zones, belt_claims)
    paths = factsheet.write_factsheets(
        tmp_path, zones, audit, languages=("en",), zone_ids=["jingok"], title="Candidate sites"
    )
    for path in paths:
        text = " ".join(_text(path, layout=False).split())
        assert text.startswith("Candidate sites") and i18n.text("belt_title", "en") not in text, path.name
        assert len(_pages(path)) <= 3, path.name  # one to three pages, whatever the names
    jingok = " ".join(_text(paths[1], layout=False).split())
    assert "Extension0199" in jingok  # the table gives the name whole; title and labels shorten it
    assert jingok.split(" Built ")[0].endswith("…")


# --- context, legend and fonts on the bundled layers --------------------------------------------------------------

#: TrueType fonts the Korean and Japanese sheets use (Debian fonts-nanum, fonts-morisawa-bizud-gothic); without
#: them the sheets fall back to Noto Sans CJK, which Chromium prints as Type 3.
TRUETYPE_CJK = ("NanumGothic", "BIZ UDPGothic")


@pytest.fixture(scope="module")
def bundled_sheets(zones, audit_result, context, points) -> dict[str, str]:
    """The HTML of the belt's, Jingok's and the FEZ's sheets of the bundled layers in English and Japanese."""
    common = {"context": context, "points": points, "date": "2023-11-14"}
    pages = {}
    for language in ("en", "ja"):
        pages[f"belt_{language}"] = factsheet.zone_sheet_html(
            zones, audit_result, subject="belt", language=language, **common
        )
        pages[f"jingok_{language}"] = factsheet.zone_sheet_html(
            zones, audit_result, subject="jingok", language=language, **common
        )
        pages[f"fez_{language}"] = factsheet.fez_sheet_html(
            fez.load_fez_districts(), zones, audit_result, language=language, **common
        )
    return pages


def _hex(colour: str) -> str:
    colour = colour.lower()
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


def _drawn_and_listed(page: str) -> tuple[set[str], set[str], set[str]]:
    """The colours the sheet's map draws (fills and outlines of zones, boundaries and points), the legend's
    colours (swatches and lines) and the legend's swatch fills alone, as #rrggbb."""
    svg = page[page.index("<svg") : page.index("</svg>")]
    drawn = set()
    for element in re.findall(r'<(?:path|circle) class="(?:zone|unit|context|border|point)"[^>]*>', svg):
        xy = np.array(re.findall(r"(-?[\d.]+),(-?[\d.]+)", element), dtype=float).reshape(-1, 2)
        if len(xy) and not ((xy >= 0) & (xy <= (factsheet._svg.MAP_WIDTH, factsheet._svg.MAP_HEIGHT))).all(1).any():
            continue  # outside the map box: not shown
        for attribute in ("fill", "stroke"):
            found = re.search(rf' {attribute}="(#[0-9a-fA-F]{{3,6}})"', element)
            if found and not (attribute == "stroke" and element.startswith("<circle")):  # a dot's white ring
                drawn.add(_hex(found.group(1)))
    legend = page[page.index('<section class="legend">') : page.index("</section>")]
    styles = re.findall(r'class="key" style="([^"]*)"', legend)
    listed = {_hex(c) for style in styles for c in re.findall(r"#[0-9a-fA-F]{3,6}\b", style)}
    fills = {_hex(c) for style in styles for c in re.findall(r"background:(#[0-9a-fA-F]{3,6})", style)}
    return drawn, listed, fills


@pytest.mark.parametrize("name", ["belt_en", "jingok_ja", "fez_en", "fez_ja"])
def test_the_sheet_legend_lists_every_colour_its_map_draws_and_no_other_fill(bundled_sheets, name):
    drawn, listed, fills = _drawn_and_listed(bundled_sheets[name])
    assert {geo.style.UNIT_COLOR, geo.style.CONTEXT_COLOR} <= drawn  # the background is drawn
    assert drawn <= listed, drawn - listed
    assert fills <= drawn, fills - drawn  # a swatch shows a colour the map has


def test_on_the_fez_sheet_a_colour_means_one_thing(bundled_sheets):
    page = bundled_sheets["fez_en"]
    legend = page[page.index('<section class="legend">') : page.index("</section>")]
    keys = re.findall(r'style="background:(#[0-9a-fA-F]{6})[^"]*"></span>([^<]+)</span>', legend)
    colours = [colour for colour, _ in keys]
    assert len(colours) == len(set(colours)), keys  # no colour with two meanings (a pillar's and a role's)
    assert (geo.style.pillar_color("future_vehicle"), "Future vehicles") in keys


@pytest.mark.parametrize("name", ["belt_en", "belt_ja", "fez_en", "jingok_en"])
def test_the_sheet_names_the_gu_si_gun_in_its_language_off_the_zones_and_credits_ngii(bundled_sheets, context, name):
    page = bundled_sheets[name]
    language = name.rsplit("_", 1)[1]
    names = {i18n.text(f"place_{code}", language) for code in context.loc[context["kind"] == "sigungu", "code"]}
    labels = re.findall(
        r'<g class="unit-label"><rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)"[^>]*/>'
        r"<text[^>]*>([^<]+)</text></g>",
        page,
    )
    assert labels and {text for *_, text in labels} <= names
    if not name.startswith("jingok"):
        assert i18n.text("place_29200", language) in {text for *_, text in labels}  # Gwangsan-gu
    zones = [
        shapely.Polygon(np.array(ring.split(" ")[0:0] or [p.split(",") for p in ring.split(" ")], dtype=float))
        for d in re.findall(r'<path class="zone" d="([^"]+)"', page)
        for ring in re.findall(r"M([^MZ]+)Z", d)
    ]
    drawn = shapely.union_all([z.buffer(0) for z in zones])
    for x, y, width, height, text in labels:
        box = shapely.box(float(x), float(y), float(x) + float(width), float(y) + float(height))
        assert not box.intersects(drawn), text  # a gu/si/gun name never lies on a zone
    assert i18n.text("credit_ngii_full", language) in page.replace("&#x27;", "'")


def test_every_sheet_embeds_real_fonts_not_type_3(sheets):
    missing = [
        family
        for family in TRUETYPE_CJK
        if family not in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    ]
    if missing and os.environ.get("CI", "").lower() in {"true", "1"}:
        pytest.fail(
            f"fonts {', '.join(missing)} missing (fonts-nanum, fonts-morisawa-bizud-gothic), CI=true needs them"
        )
    checked = [name for name in sheets if name.endswith("_en.pdf") or not missing]
    assert checked
    for name in checked:
        fonts = subprocess.run(["pdffonts", str(sheets[name])], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and not [row for row in rows if "Type 3" in row], (name, fonts)
