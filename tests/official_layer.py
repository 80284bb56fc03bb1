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


def official_frame(count: int = 1500, *, seed: int = 0) -> gpd.GeoDataFrame:
    """``count`` complexes in EPSG:4326 with the official export's fields (Bitgoeul and Jingok among them)."""
    ours = geo.load_zones()
    bitgoeul = shapely.union_all(ours.loc[ours["zone_id"] == "bitgoeul"].geometry.values)
    jingok = shapely.union_all(ours.loc[ours["zone_id"] == "jingok"].geometry.values)
    rng = np.random.default_rng(seed)
    others = count - 2
    lon = rng.uniform(*LON_RANGE, others)
    lat = rng.uniform(*LAT_RANGE, others)
    side = rng.uniform(*SIDE_RANGE_DEG, others)
    boxes = shapely.box(lon, lat, lon + side, lat + side * 0.8)
    names = [f"시험{i:04d}{TYPES[i % len(TYPES)]}" for i in range(others)]
    ids = [f"{i:06d}" for i in range(3, others + 3)]
    return gpd.GeoDataFrame(
        {
            "DAN_ID": ["000001", "000002", *ids],
            "DAN_NAME": ["빛그린국가산업단지", "진곡일반산업단지", *names],
            "DAN_TYPE": ["국가", "일반", *(TYPES[i % len(TYPES)][:2] for i in range(others))],
        },
        geometry=[bitgoeul, jingok, *boxes],
        crs="EPSG:4326",
    )


def write_official_shapefile(path: str | Path, count: int = 1500, *, seed: int = 0) -> Path:
    """Write :func:`official_frame` as the official export does: a CP949 shapefile in EPSG:5174, no .cpg."""
    path = Path(path)
    frame = official_frame(count, seed=seed).to_crs(OFFICIAL_CRS)
    frame.to_file(path, driver="ESRI Shapefile", encoding="cp949")
    cpg = path.with_suffix(".cpg")
    if cpg.exists():
        cpg.unlink()
    return path
