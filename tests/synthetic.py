"""A small synthetic belt for tests of behaviour, so that editing the bundled layers breaks only their own tests.

(And small synthetic FEZ districts with claims of their own: :func:`fez_districts`, :func:`fez_claims`.)

It has the bundled belt's structure — Bitgoeul in two parts of which only the Gwangju one is in the belt,
Jingok and the planned future complex, with roles, statuses, names in three languages and schematic outlines
whose official figures are their own measured areas — but its outlines are lat/lon boxes near Gwangju, and its
claims are set from the measured areas so that their verdicts are known exactly:

- ``belt_holds``: the belt at −1.8 % (within the 2 % tolerance), in pyeong;
- ``future_off``: the future complex at +2.5 % (outside), in pyeong;
- ``jingok_exact``: Jingok's measured area in m² (0 %);
- ``gwangju_part``: the Gwangju part of Bitgoeul at +1 %, in ha, flagged uncertain.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

import geo
import geo.io

#: (zone_id, part, name_ko, name_en, name_ja, role, status, in_belt, box (west, south, east, north) in degrees).
ZONES = (
    ("bitgoeul", "gwangju", "빛그린 국가산업단지 (광주 구역)", "Bitgoeul National Industrial Complex (Gwangju part)",
     "ビッグリーン国家産業団地（光州側）", "certification", "operating", True, (126.665, 35.160, 126.680, 35.172)),
    ("bitgoeul", "hampyeong", "빛그린 국가산업단지 (함평 구역)",
     "Bitgoeul National Industrial Complex (Hampyeong part)", "ビッグリーン国家産業団地（咸平側）", "certification",
     "operating", False, (126.650, 35.160, 126.665, 35.175)),
    ("jingok", "main", "진곡 일반산업단지", "Jingok General Industrial Complex", "眞谷産業団地", "parts",
     "operating", True, (126.775, 35.205, 126.795, 35.215)),
    ("future", "main", "광주 미래차 국가산업단지", "Gwangju Future-Vehicle National Industrial Complex",
     "次世代自動車国家産業団地", "demonstration", "planned", True, (126.680, 35.140, 126.705, 35.160)),
)  # fmt: skip

#: The claims: id, subject, relative difference of the measured area from the claim (measured / claimed − 1),
#: unit, uncertain, publisher and quote (double-width text in both, as the real sources have).
CLAIMS = (
    ("belt_holds", "belt", -0.018, "pyeong", False, "Invest KOREA", "220万坪の三角ベルト"),
    ("future_off", "future", 0.025, "pyeong", False, "광주광역시", "약 100만평"),
    ("jingok_exact", "jingok", 0.0, "m2", False, "한국향토문화전자대전", "190만㎡"),
    ("gwangju_part", "bitgoeul/gwangju", 0.01, "ha", True, "산업통상자원부", "광주 구역"),
)


def zones() -> gpd.GeoDataFrame:
    """The synthetic zones, as :func:`geo.load_zones` returns zones (EPSG:4326, every column)."""
    rows = [dict(zip(("zone_id", "part", "name_ko", "name_en", "name_ja", "role", "status", "in_belt"), z[:8],
                     strict=True)) for z in ZONES]  # fmt: skip
    frame = gpd.GeoDataFrame(rows, geometry=[shapely.box(*z[8]) for z in ZONES], crs="EPSG:4326")
    frame["official_area_m2"] = geo.area_m2(frame).round().to_numpy()
    frame["official_area_source"] = "synthetic: the measured area, rounded to 1 m²"
    frame["geometry_quality"] = "schematic"
    frame["geometry_method"] = "synthetic box"
    return geo.io.prepare_zones(frame, "synthetic.geojson")


def measured_m2(zones: gpd.GeoDataFrame, subject: str) -> float:
    """The measured area of a claim's subject: the belt's union, a zone's parts or one feature."""
    if subject == "belt":
        return geo.union_area_m2(zones[zones["in_belt"]])
    rows = zones[(zones["zone_id"] == subject) | (zones["feature_id"] == subject)]
    return geo.union_area_m2(rows)


def claims(zones: gpd.GeoDataFrame, table: tuple = CLAIMS) -> pd.DataFrame:
    """The synthetic claims (rows as :data:`CLAIMS`), as :func:`geo.load_claims` returns them (with ``claimed_m2``)."""
    rows = []
    for claim_id, subject, difference, unit, uncertain, publisher, quote in table:
        claimed_m2 = measured_m2(zones, subject) / (1 + difference)
        rows.append(
            {
                "claim_id": claim_id,
                "subject": subject,
                "figure": geo.from_m2(claimed_m2, unit),
                "unit": unit,
                "publisher": publisher,
                "date": "2024-01-01",
                "url": f"https://example.org/{claim_id}",
                "language": "ko",
                "quote": quote,
                "note": "",
                "uncertain": uncertain,
                "claimed_m2": claimed_m2,
            }
        )
    return pd.DataFrame(rows)


def write_claims(path, zones: gpd.GeoDataFrame):
    """Write :func:`claims` as a claims.csv at ``path`` and return the path."""
    claims(zones).drop(columns="claimed_m2").to_csv(path, index=False)
    return path


def points() -> gpd.GeoDataFrame:
    """An airport and a rail station (transport for the distance raster) and one uncertain point."""
    table = pd.DataFrame(
        {
            "point_id": ["airport", "station", "office"],
            "kind": ["airport", "rail", "government"],
            "name_ko": ["공항", "역", "청사"],
            "name_en": ["Airport", "Station", "Office"],
            "name_ja": ["空港", "駅", "庁舎"],
            "lat": [35.126, 35.138, 35.160],
            "lon": [126.809, 126.790, 126.850],
            "uncertain": [False, False, True],
            "source": ["https://example.org/airport", "https://example.org/station", "synthetic"],
        }
    )
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs="EPSG:4326")


def context() -> gpd.GeoDataFrame:
    """Two legal dongs, one ri and a border line, with an NGII-like attribution."""
    return gpd.GeoDataFrame(
        {
            "code": ["29200160", "29200122", "4686038023", "border"],
            "kind": ["legal_dong", "legal_dong", "ri", "border"],
            "name_ko": ["삼거동", "진곡동", "월야리", "광주광역시 | 전라남도"],
            "source": ["synthetic, after NGII"] * 4,
        },
        geometry=[
            shapely.box(126.665, 35.155, 126.700, 35.180),
            shapely.box(126.770, 35.200, 126.800, 35.220),
            shapely.box(126.640, 35.155, 126.665, 35.180),
            shapely.LineString([(126.665, 35.150), (126.665, 35.160), (126.666, 35.175), (126.665, 35.190)]),
        ],
        crs="EPSG:4326",
    )


#: The FEZ districts: (part, name_ko, name_en, name_ja, pillar, later area as a ratio of the area at designation
#: or None, box (west, south, east, north) in degrees); the vehicle district is the belt's Bitgoeul Gwangju part.
FEZ_DISTRICTS = (
    ("vehicle", "미래형 자동차 산업지구", "Future Vehicle Industry District", "未来型自動車産業地区", "future_vehicle",
     None, (126.665, 35.160, 126.680, 35.172)),
    ("ai", "AI 융복합지구", "AI Convergence District", "AI融複合地区", "ai", 1.01, (126.840, 35.220, 126.855, 35.232)),
    ("energy1", "스마트에너지 산업지구Ⅰ", "Smart Energy Industry District I", "スマートエネルギー産業地区Ⅰ",
     "smart_energy", 0.98, (126.820, 35.080, 126.830, 35.090)),
    ("energy2", "스마트에너지 산업지구Ⅱ", "Smart Energy Industry District II", "スマートエネルギー産業地区Ⅱ",
     "smart_energy", None, (126.830, 35.080, 126.836, 35.090)),
)  # fmt: skip

#: Claims about the FEZ, as :data:`CLAIMS`: its total exactly, a district at +1 %, and a unit error ("4371㎢"
#: for 4.371 km², 1,000 times the measured area: −99.9 %).
FEZ_CLAIMS = (
    ("fez_total", "fez", 0.0, "m2", False, "아주경제", "437만1000㎡"),
    ("fez_ai_pyeong", "fez/ai", 0.01, "pyeong", False, "koscaj", "33만평"),
    ("fez_unit_error", "fez", -0.999, "km2", False, "뉴시스", "4371㎢"),
)


def fez_districts() -> gpd.GeoDataFrame:
    """Four boxes shaped like the FEZ districts (energy I and II side by side), official areas their own measured
    areas rounded to 1 m², a later figure (a ratio of it) for two; as :func:`geo.fez.load_fez_districts` returns."""
    rows = [
        {"zone_id": "fez", "part": part, "name_ko": ko, "name_en": en, "name_ja": ja, "pillar": pillar}
        for part, ko, en, ja, pillar, _, _ in FEZ_DISTRICTS
    ]
    frame = gpd.GeoDataFrame(rows, geometry=[shapely.box(*d[-1]) for d in FEZ_DISTRICTS], crs="EPSG:4326")
    frame["host_complex_en"] = [f"host of {d[0]}" for d in FEZ_DISTRICTS]
    frame["official_area_m2"] = geo.area_m2(frame).round().to_numpy()
    frame["official_area_source"] = "synthetic: the measured area, rounded to 1 m²"
    ratios = pd.Series([d[5] for d in FEZ_DISTRICTS], dtype=float)
    frame["later_area_m2"] = (frame["official_area_m2"] * ratios).round().to_numpy()
    frame["later_area_source"] = "synthetic"
    frame["geometry_quality"] = "schematic"
    frame["geometry_method"] = "synthetic box"
    frame["in_belt"] = False
    return geo.io.prepare_zones(frame, "synthetic_fez.geojson")


def fez_claims(districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """:data:`FEZ_CLAIMS` against ``districts``, as :func:`claims`."""
    return claims(districts, FEZ_CLAIMS)
