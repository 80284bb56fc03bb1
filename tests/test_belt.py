"""The belt (geo.belt): its members, union, triangle and total, and that maps and GeoPackage draw one triangle."""

from __future__ import annotations

import json
import sqlite3

import geopandas as gpd
import pytest
import shapely

import geo
import geo.io
from geo import belt, export, maps


def _zones(count: int, *, in_belt: bool = True) -> gpd.GeoDataFrame:
    """``count`` squares of 0.01° in a zig-zag near Gwangju (so no three corners are on one line), with every
    column the loader gives a zone file."""
    boxes = [shapely.box(126.70 + 0.02 * i, 35.15 + 0.02 * (i % 2), 126.71 + 0.02 * i, 35.16 + 0.02 * (i % 2))
             for i in range(count)]  # fmt: skip
    frame = gpd.GeoDataFrame(
        {
            "zone_id": [f"z{i}" for i in range(count)],
            "name_ko": [f"구역{i}" for i in range(count)],
            "in_belt": [in_belt] * count,
            "official_area_m2": [1.0e6] * count,
            "geometry_quality": ["schematic"] * count,
        },
        geometry=boxes,
        crs="EPSG:4326",
    )
    return geo.io.prepare_zones(frame, "squares")


@pytest.mark.parametrize(("count", "kind", "corners"), [(1, None, 0), (2, "LineString", 2), (3, "Polygon", 3)])
def test_the_triangle_is_the_hull_of_one_point_inside_each_zone(count, kind, corners):
    zones = _zones(count)
    triangle = belt.belt_triangle(zones)
    if kind is None:
        assert triangle is None
        return
    assert triangle.geom_type == kind
    outline = belt.triangle_outline(triangle)
    vertices = list(outline.coords)[:corners]
    assert len(set(vertices)) == corners
    for vertex in vertices:  # each corner lies inside one zone
        assert sum(geom.contains(shapely.Point(vertex)) for geom in zones.geometry) == 1
    assert len(belt.triangle_sides_m(triangle)) == (1 if count == 2 else 3)


def test_four_zones_give_their_convex_hull_and_a_zone_inside_it_adds_no_corner():
    zones = _zones(4)
    assert belt.belt_triangle(zones).geom_type == "Polygon"
    assert len(belt.triangle_outline(belt.belt_triangle(zones)).coords) == 5
    inner = _zones(4)
    inner.loc[3, "geometry"] = shapely.box(126.735, 35.154, 126.737, 35.156)  # inside the first three's triangle
    assert len(belt.triangle_outline(belt.belt_triangle(inner)).coords) == 4


def test_summary_counts_an_overlap_once_and_sums_the_official_figures():
    zones = _zones(2)
    zones.loc[1, "geometry"] = zones.geometry.iloc[0]  # the same square twice
    summary = belt.belt_summary(zones)
    assert summary["area_m2"] == pytest.approx(geo.area_m2(zones.iloc[[0]]).iloc[0], rel=1e-12)
    assert summary["official_sum_m2"] == 2.0e6 and summary["schematic"] is True
    assert summary["members"] == ["z0", "z1"]
    assert belt.belt_summary(_zones(2, in_belt=False))["members"] == []


def _map_triangle(zones: gpd.GeoDataFrame) -> shapely.Geometry | None:
    audit = geo.run_audit(zones, geo.load_claims())
    html = maps.render_html(maps.belt_map(zones, audit, language="en"))
    for line in html.splitlines():
        if '"tb-triangle"' in line:
            data = json.loads(line[line.index("{") : line.rindex("}") + 1])
            for feature in data["features"]:
                if feature["properties"].get("style", {}).get("className") == "tb-triangle":
                    return shapely.geometry.shape(feature["geometry"])
    return None


def _geopackage_triangle(zones: gpd.GeoDataFrame, tmp_path) -> shapely.Geometry | None:
    audit = geo.run_audit(zones, geo.load_claims())
    path = export.export_geopackage(tmp_path / "belt.gpkg", zones, audit, crs="EPSG:4326")
    with sqlite3.connect(path) as connection:
        names = {row[0] for row in connection.execute("SELECT table_name FROM gpkg_contents")}
    if "belt_triangle" not in names:
        return None
    return gpd.read_file(path, layer="belt_triangle").geometry.iloc[0]


@pytest.mark.parametrize("count", [2, 3, 4])
def test_the_map_and_the_geopackage_draw_the_same_triangle(count, tmp_path):
    zones = _zones(count)
    drawn, written = _map_triangle(zones), _geopackage_triangle(zones, tmp_path)
    expected = belt.triangle_outline(belt.belt_triangle(zones))
    assert drawn is not None and written is not None
    assert drawn.hausdorff_distance(expected) < 1e-6  # the map rounds to 1e-6°
    assert written.hausdorff_distance(expected) < 1e-9


@pytest.mark.parametrize(
    ("layout", "kind"),
    [
        ("disjoint", "MultiPolygon"),  # collected, not unioned
        ("adjacent", "Polygon"),  # a coverage: merged along the shared edges
        ("overlapping", "Polygon"),  # the general union
    ],
)
def test_union_takes_the_cheap_route_and_gives_the_same_set(layout, kind):
    step = {"disjoint": 2.0, "adjacent": 1.0, "overlapping": 0.5}[layout]
    boxes = [shapely.box(i * step, 0, i * step + 1, 1) for i in range(30)]
    expected = shapely.union_all(boxes)
    got = belt.union(boxes)
    assert got.geom_type == kind
    assert shapely.equals(got, expected) and got.area == pytest.approx(expected.area, rel=1e-12)


def test_a_zone_of_many_touching_parcels_gets_one_corner_inside_it():
    parcels = [shapely.box(126.70 + 0.001 * i, 35.15, 126.701 + 0.001 * i, 35.151) for i in range(2000)]
    columns = {"zone_id": "many", "part": [f"p{i}" for i in range(len(parcels))], "in_belt": True}
    frame = geo.io.prepare_zones(gpd.GeoDataFrame(columns, geometry=parcels, crs="EPSG:4326"), "parcels.geojson")
    corner = belt.belt_corners(frame)["many"]
    assert shapely.contains(shapely.union_all(parcels), corner)


def test_union_of_what_is_not_plain_valid_polygons_is_the_general_one():
    mixed = shapely.GeometryCollection([shapely.box(0, 0, 1, 1), shapely.LineString([(5, 5), (6, 6)])])
    far = shapely.box(10, 10, 11, 11)
    assert shapely.equals(belt.union([mixed, far]), shapely.union_all([mixed, far]))
    bowtie = shapely.Polygon([(20, 20), (21, 21), (21, 20), (20, 21)])  # invalid: union_all says so
    with pytest.raises(shapely.errors.GEOSException):
        shapely.union_all([bowtie, far])
    with pytest.raises(shapely.errors.GEOSException):
        belt.union([bowtie, far])
