"""A shapefile shaped like the official industrial-complex boundary export (VWorld LT_C_DAMDAN / ILIS).

CP949 attributes and no ``.cpg``, EPSG:5174 (Korean 1985 / Modified Central Belt, Bessel), upper-case field
names (``DAN_ID``, ``DAN_NAME``, ``DAN_TYPE``), ids that look like numbers and keep leading zeros, ``count``
complexes scattered over South Korea — and among them Bitgoeul as ONE feature spanning Gwangju and Hampyeong
(the union of our two schematic parts) and Jingok (our schematic outline), under their official names. The
future-vehicle complex is planned, so, as in the real layer, it is absent.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

import geo

#: Where the random complexes lie (degrees): South Korea's mainland, roughly.
LON_RANGE, LAT_RANGE = (126.4, 129.3), (34.6, 37.9)
#: Side of a random complex, degrees (about 300 m to 2 km).
SIDE_RANGE_DEG = (0.003, 0.02)
OFFICIAL_CRS = "EPSG:5174"
TYPES = ("국가산업단지", "일반산업단지", "농공단지", "도시첨단산업단지")


#: Where a namesake of Jingok lies: a 농공단지 in North Gyeongsang, about 250 km from Gwangju.
NAMESAKE_BOX = (128.60, 36.20, 128.61, 36.208)
#: The ESRI WKT of the real export's .prj: EPSG:5186 under its old ESRI name (pyproj's ``equals(5186)`` is False).
ESRI_5186_WKT = (
    'PROJCS["Korea_2000_Korea_Central_Belt_2010",GEOGCS["GCS_Korea_2000",DATUM["D_Korea_2000",'
    'SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
    'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",200000.0],PARAMETER["False_Northing",600000.0],'
    'PARAMETER["Central_Meridian",127.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",38.0],'
    'UNIT["Meter",1.0]]'
)


def official_frame(
    count: int = 1500,
    *,
    seed: int = 0,
    split_bitgoeul: bool = False,
    shared_id: bool = False,
    jingok: str = "whole",
    namesake: bool = False,
) -> gpd.GeoDataFrame:
    """``count`` complexes in EPSG:4326 with the official export's fields (Bitgoeul and Jingok among them).

    Shapes the real layer takes: ``split_bitgoeul`` gives Bitgoeul as two features with part qualifiers
    (``빛그린국가산업단지(광주)`` / ``(함평)``, our two parts); ``shared_id`` as two records sharing one id (an
    exploded multipart); ``jingok`` is ``whole``, ``absent``, ``halves`` (two features with its full name and
    two ids, each half of it: ambiguous) or ``collection`` (a GeometryCollection: its polygon and a line);
    ``namesake`` adds a 진곡농공단지 about 250 km away.
    """
    ours = geo.load_zones()
    parts = ours.set_index("feature_id").geometry
    bitgoeul = shapely.union_all(ours.loc[ours["zone_id"] == "bitgoeul"].geometry.values)
    jingok_outline = shapely.union_all(ours.loc[ours["zone_id"] == "jingok"].geometry.values)
    rng = np.random.default_rng(seed)
    others = count - 2
    lon = rng.uniform(*LON_RANGE, others)
    lat = rng.uniform(*LAT_RANGE, others)
    side = rng.uniform(*SIDE_RANGE_DEG, others)
    boxes = shapely.box(lon, lat, lon + side, lat + side * 0.8)
    names = [f"시험{i:04d}{TYPES[i % len(TYPES)]}" for i in range(others)]
    ids = [f"{i:06d}" for i in range(3, others + 3)]
    rows = [("000001", "빛그린국가산업단지", "1", bitgoeul)]
    if split_bitgoeul:
        rows = [
            ("000001", "빛그린국가산업단지(광주)", "1", parts["bitgoeul/gwangju"]),
            ("900001", "빛그린국가산업단지(함평)", "1", parts["bitgoeul/hampyeong"]),
        ]
    elif shared_id:
        rows = [
            ("000001", "빛그린국가산업단지", "1", parts["bitgoeul/gwangju"]),
            ("000001", "빛그린국가산업단지", "1", parts["bitgoeul/hampyeong"]),
        ]
    west, south, east, north = jingok_outline.bounds
    middle = (west + east) / 2
    if jingok == "whole":
        rows.append(("000002", "진곡일반산업단지", "2", jingok_outline))
    elif jingok == "halves":
        rows.append(
            ("000002", "진곡일반산업단지", "2", jingok_outline.intersection(shapely.box(west, south, middle, north)))
        )
        rows.append(
            ("900002", "진곡일반산업단지", "2", jingok_outline.intersection(shapely.box(middle, south, east, north)))
        )
    elif jingok == "collection":
        line = shapely.LineString([(east, north), (east + 0.01, north + 0.01)])
        rows.append(("000002", "진곡일반산업단지", "2", shapely.GeometryCollection([jingok_outline, line])))
    if namesake:
        rows.append(("900003", "진곡농공단지", "4", shapely.box(*NAMESAKE_BOX)))
    return gpd.GeoDataFrame(
        {
            "DAN_ID": [r[0] for r in rows] + ids,
            "DAN_NAME": [r[1] for r in rows] + names,
            "DANJI_TYPE": [r[2] for r in rows] + [str(i % len(TYPES) + 1) for i in range(others)],
        },
        geometry=[r[3] for r in rows] + list(boxes),
        crs="EPSG:4326",
    )


def write_official_shapefile(
    path: str | Path, count: int = 1500, *, seed: int = 0, crs: str = OFFICIAL_CRS, **shape: object
) -> Path:
    """Write :func:`official_frame` as the official export does: a CP949 shapefile, no .cpg; in ``crs``, and for
    EPSG:5186 with the real export's ESRI ``.prj``."""
    path = Path(path)
    frame = official_frame(count, seed=seed, **shape).to_crs(crs)
    frame.to_file(path, driver="ESRI Shapefile", encoding="cp949")
    cpg = path.with_suffix(".cpg")
    if cpg.exists():
        cpg.unlink()
    if crs == "EPSG:5186":
        path.with_suffix(".prj").write_text(ESRI_5186_WKT, encoding="ascii")
    return path


def write_official(path: str | Path, count: int = 200, *, crs: str = "EPSG:5186", **shape: object) -> Path:
    """:func:`official_frame` written in the format ``path``'s suffix names (.shp as the export, .gpkg, .geojson)."""
    path = Path(path)
    if path.suffix == ".shp":
        return write_official_shapefile(path, count, crs=crs, **shape)
    frame = official_frame(count, **shape)
    if path.suffix != ".geojson":
        frame = frame.to_crs(crs)
    frame.to_file(path)
    return path
