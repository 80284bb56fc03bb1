"""GeoParquet parcels read from Arrow's buffers: WKB boxes, and the same totals as the shapely path, bit for bit."""

from __future__ import annotations

import logging
import struct
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from test_parcels import grid_parcels, synthetic_zones

from geo import parcels
from geo._errors import InputError
from geo.parcels import _parquet, _reduce, _sources, _zones
from geo.parcels._wkb import wkb_bounds

# --- boxes from WKB --------------------------------------------------------------------------------------------


def odd_geometries() -> list[shapely.Geometry | None]:
    """Everything a parcel column may hold, well formed or not."""
    square = [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]
    return [
        shapely.box(0, 0, 1, 1),
        shapely.Polygon(),
        shapely.MultiPolygon(),
        None,
        shapely.Polygon(square, [[(2, 2), (3, 2), (3, 3), (2, 2)]]),
        shapely.Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], [[(5, 5), (6, 5), (6, 6), (5, 5)]]),  # hole outside
        shapely.Polygon(square, [[(1 + i, 1), (1.5 + i, 1), (1.5 + i, 1.5), (1 + i, 1)] for i in range(9)]),
        shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 7)]),
        shapely.Polygon([(0, 0, 1), (1, 0, 1), (1, 1, 2), (0, 0, 1)]),
        shapely.GeometryCollection([shapely.box(3, 3, 4, 4), shapely.Point(9, 9)]),
        shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)]),  # a bow tie
        shapely.Point(1, 2),
        shapely.LineString([(0, 0), (3, 4)]),
        shapely.Polygon([(-1e6, 5e6), (1e6, 5e6), (0, 6e6), (-1e6, 5e6)]),
    ]


@pytest.mark.parametrize("binary", [pa.binary(), pa.large_binary()])
@pytest.mark.parametrize(
    "encode",
    [
        shapely.to_wkb,
        lambda g: shapely.to_wkb(g, byte_order=0),
        lambda g: shapely.to_wkb(shapely.set_srid(g, 4326), include_srid=True, flavor="extended"),
    ],
    ids=["little-endian", "big-endian", "extended"],
)
def test_wkb_bounds_are_shapelys(binary, encode):
    geometries = np.array(odd_geometries(), dtype=object)
    values = pa.array(list(encode(geometries)), type=binary)
    expected = shapely.bounds(geometries)
    np.testing.assert_array_equal(wkb_bounds(values), expected)
    np.testing.assert_array_equal(wkb_bounds(values.slice(3, 8)), expected[3:11])
    np.testing.assert_array_equal(wkb_bounds(pa.chunked_array([values[:5], values[5:]])), expected)
    assert wkb_bounds(values.slice(0, 0)).shape == (0, 4)


def _polygon_wkb(ring: list[tuple[float, float]]) -> bytes:
    points = b"".join(struct.pack("<dd", *p) for p in ring)
    return struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring)) + points


def test_wkb_that_geos_refuses_is_refused():
    good = _polygon_wkb([(0, 0), (1, 0), (1, 1), (0, 0)])
    np.testing.assert_array_equal(wkb_bounds(pa.array([good])), [[0, 0, 1, 1]])
    for bad in (good[:-3], _polygon_wkb([(0, 0), (1, 0), (1, 1), (0, 1)])):
        with pytest.raises(shapely.errors.GEOSException):
            wkb_bounds(pa.array([good, bad]))


rings = st.lists(
    st.tuples(st.floats(-1e3, 1e3, allow_nan=False), st.floats(-1e3, 1e3, allow_nan=False)), min_size=3, max_size=9
)


@settings(max_examples=60, deadline=None)
@given(shells=st.lists(st.tuples(rings, st.lists(rings, max_size=3)), min_size=1, max_size=4), multi=st.booleans())
def test_wkb_bounds_of_random_polygons(shells, multi):
    polygons = [shapely.Polygon(shell, holes) for shell, holes in shells]
    geometries = np.array([shapely.MultiPolygon(polygons)] if multi else polygons, dtype=object)
    np.testing.assert_array_equal(wkb_bounds(pa.array(list(shapely.to_wkb(geometries)))), shapely.bounds(geometries))


def test_box_pairs_are_an_strtrees():
    rng = np.random.default_rng(3)
    corner = rng.integers(0, 50, (2000, 2)).astype(float)
    bounds = np.concatenate([corner, corner + rng.integers(0, 4, (2000, 2))], axis=1)
    bounds[::97] = np.nan
    for count in (1, 5, 40):  # one zone at a time, and through an STRtree
        zone_corner = rng.integers(0, 50, (count, 2)).astype(float)
        zone_bounds = np.concatenate([zone_corner, zone_corner + rng.integers(0, 10, (count, 2))], axis=1)
        zone, row = _parquet.box_pairs(bounds, zone_bounds)
        tree_row, tree_zone = shapely.STRtree(shapely.box(*bounds.T)).query(shapely.box(*zone_bounds.T))[::-1]
        assert sorted(zip(zone.tolist(), row.tolist(), strict=True)) == sorted(
            zip(tree_zone.tolist(), tree_row.tolist(), strict=True)
        )


# --- the audit: GeoParquet from Arrow's buffers against the GeoDataFrame path ----------------------------------


def hostile_parcels() -> gpd.GeoDataFrame:
    """The grid, and around zones a and b parcels of every awkward kind (EPSG:4326)."""
    grid = grid_parcels()
    a_east, a_west, a_south, a_north = 126.80655, 126.80234, 35.10171, 35.10899
    odd = {
        # a multipolygon with a part in a, a part in b and a part away from both
        "1 장": shapely.MultiPolygon(
            [
                shapely.box(a_east - 0.0004, 35.105, a_east - 0.0002, 35.1052),
                shapely.box(a_east + 0.0002, 35.105, a_east + 0.0004, 35.1052),
                shapely.box(126.79, 35.09, 126.7905, 35.0905),
            ]
        ),
        # a parcel across a's west edge with a hole that the edge crosses
        "2 대": shapely.Polygon(
            shapely.box(a_west - 0.0006, 35.103, a_west + 0.0006, 35.1042).exterior.coords,
            [shapely.box(a_west - 0.0002, 35.1034, a_west + 0.0002, 35.1038).exterior.coords[::-1]],
        ),
        # a multipolygon whose parts have holes
        "3 전": shapely.MultiPolygon(
            [
                shapely.Polygon(
                    shapely.box(a_west + 0.001, a_north - 0.0005, a_west + 0.0016, a_north + 0.0005).exterior.coords,
                    [shapely.box(a_west + 0.0012, a_north - 0.0001, a_west + 0.0014, a_north + 0.0001).exterior.coords],
                ),
                shapely.box(a_west + 0.002, a_north - 0.0003, a_west + 0.0022, a_north - 0.0001),
            ]
        ),
        # empty geometries of both kinds
        "4 도": shapely.Polygon(),
        "5 도": shapely.MultiPolygon(),
        # a bow tie across a's south edge (repaired with make_valid)
        "6 답": shapely.Polygon(
            [
                (126.8040, a_south - 0.0003),
                (126.8046, a_south + 0.0003),
                (126.8046, a_south - 0.0003),
                (126.8040, a_south + 0.0003),
                (126.8040, a_south - 0.0003),
            ]
        ),
        # a hole outside its shell, next to a (invalid; its box is the shell's)
        "7 잡": shapely.Polygon(
            shapely.box(a_west - 0.0008, 35.106, a_west - 0.0002, 35.1066).exterior.coords,
            [shapely.box(a_west + 0.0001, 35.106, a_west + 0.0003, 35.1062).exterior.coords],
        ),
        # a parcel that overlaps grid parcels in a (the overlap is in two categories, the union once)
        "8 차": shapely.box(a_west + 0.0005, 35.1045, a_west + 0.0012, 35.1049),
        # 3D coordinates (not the fast path)
        "9 천": shapely.Polygon(
            [
                (a_east - 0.0001, 35.1075, 5),
                (a_east + 0.0001, 35.1075, 5),
                (a_east, 35.1078, 7),
                (a_east - 0.0001, 35.1075, 5),
            ]
        ),
        # a sliver along b's edge, below the smallest counted piece inside
        "10 구": shapely.box(a_east - 1e-7, 35.1033, a_east + 0.0001, 35.1034),
    }
    extra = gpd.GeoDataFrame(
        {"pnu": [f"2920010{i:012d}" for i in range(len(odd))], "JIBUN": list(odd)},
        geometry=list(odd.values()),
        crs="EPSG:4326",
    )
    nothing = gpd.GeoDataFrame({"pnu": ["2920019999999999999"], "JIBUN": [None]}, geometry=[None], crs="EPSG:4326")
    return pd.concat([grid, extra, nothing], ignore_index=True)


#: The CRS each partition of the hostile parcels is written in.
PART_CRSS = ("EPSG:4326", "EPSG:5186", "EPSG:5174", "EPSG:3857")


@pytest.fixture(scope="module")
def zones() -> gpd.GeoDataFrame:
    return synthetic_zones()


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory) -> Path:
    """The hostile parcels in four GeoParquet partitions, each in its own CRS, rows interleaved."""
    frame = hostile_parcels()
    folder = tmp_path_factory.mktemp("hostile") / "parts"
    folder.mkdir()
    for index, crs in enumerate(PART_CRSS):
        frame.iloc[index :: len(PART_CRSS)].to_crs(crs).to_parquet(folder / f"part.{index}.parquet")
    return folder


def shapely_path(zones: gpd.GeoDataFrame, folder: Path, land_source: str = "jibun") -> pd.DataFrame:
    """The audit as the GeoDataFrame path makes it: each file read whole with geopandas, clipped with an STRtree
    of its parcels (partition_partial), the partials added in file order."""
    zone_set = _zones.ZoneSet.build(zones)
    partials = []
    for file in sorted(folder.glob("*.parquet")):
        frame = gpd.read_parquet(file)
        column = next(c for c in frame.columns if c.casefold() == "jibun")
        boxes = zone_set.native_boxes(frame.crs)
        partials.append(
            _reduce.partition_partial(frame, zone_set, boxes, column, land_source, frame.crs.to_wkt(), 0.01)
        )
    return _reduce.combine(zone_set, partials)


def assert_same(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(result, expected, check_exact=True)
    for column in ("area_m2", "covered_m2"):
        if column in result:
            assert result[column].to_numpy().tobytes() == expected[column].to_numpy().tobytes()


def test_hostile_parcels_reach_every_odd_case(zones, hostile_folder):
    """The fixture does what it says: parcels cut by the zones, overlaps, and every kind of geometry."""
    result = parcels.land_audit(zones, hostile_folder)
    a = result[result["feature_id"] == "a"]
    assert a["overlap_m2"].iloc[0] > 0  # the parcel over the grid
    assert {"장", "대", "전", "답", "차"} <= set(a["category"])
    assert "천" in set(result.loc[result["feature_id"] == "b", "category"])
    types = set(gpd.read_parquet(hostile_folder / "part.0.parquet").geom_type.dropna())
    types |= {t for f in hostile_folder.glob("*.parquet") for t in gpd.read_parquet(f).geom_type.dropna()}
    assert {"Polygon", "MultiPolygon"} <= types


def test_arrow_path_equals_the_shapely_path_bit_for_bit(zones, hostile_folder, caplog):
    expected = shapely_path(zones, hostile_folder)
    with caplog.at_level(logging.INFO, logger="geo.parcels"):
        result = parcels.land_audit(zones, hostile_folder)
    assert_same(result, expected)
    assert f"read {len(hostile_parcels())} parcels in 4 partitions" in caplog.text


@pytest.mark.parametrize("scheduler", ["synchronous", "threads", "processes"])
def test_arrow_path_is_the_same_on_every_scheduler(zones, hostile_folder, scheduler):
    assert_same(parcels.land_audit(zones, hostile_folder, scheduler=scheduler), shapely_path(zones, hostile_folder))


def test_arrow_path_on_a_local_cluster_of_processes(zones, hostile_folder):
    distributed = pytest.importorskip("distributed")
    expected = shapely_path(zones, hostile_folder)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
    ) as cluster:
        result = parcels.land_audit(zones, hostile_folder, scheduler=cluster.scheduler_address)
    assert_same(result, expected)


def test_row_groups_are_read_in_runs_and_every_row_is_read(tmp_path, zones, caplog):
    frame = hostile_parcels().to_crs("EPSG:5186")
    whole = tmp_path / "whole"
    whole.mkdir()
    frame.to_parquet(whole / "all.parquet")
    split = tmp_path / "split"
    split.mkdir()
    frame.to_parquet(split / "all.parquet", row_group_size=20)
    assert pq.ParquetFile(split / "all.parquet").num_row_groups == -(-len(frame) // 20)
    with caplog.at_level(logging.INFO, logger="geo.parcels"):
        result = parcels.land_audit(zones, split, partition_rows=50)
    assert f"read {len(frame)} parcels in {-(-len(frame) // 40)} partitions" in caplog.text
    # Counts and category areas are exact sums, whatever the partitioning; the union of overlapping parcels
    # (covered_m2) is merged partition by partition, so it may differ in the last bits.
    union = ["covered_m2", "overlap_m2", "uncovered_m2"]
    for expected in (parcels.land_audit(zones, whole), shapely_path(zones, whole)):
        assert_same(result.drop(columns=union), expected.drop(columns=union))
        pd.testing.assert_frame_equal(result[union], expected[union], check_exact=False, rtol=1e-12)


def test_geoarrow_encoded_files_are_read_with_geopandas(tmp_path, zones, hostile_folder):
    folder = tmp_path / "geoarrow"
    folder.mkdir()
    for file in sorted(hostile_folder.glob("*.parquet")):
        frame = gpd.read_parquet(file)
        frame = frame[frame.geom_type.isin(["Polygon", "MultiPolygon"]) & ~frame.has_z]
        frame.to_parquet(folder / file.name, geometry_encoding="geoarrow")
        frame.to_parquet(tmp_path / f"wkb-{file.name}")
    wkb = tmp_path / "wkb"
    wkb.mkdir()
    for file in tmp_path.glob("wkb-*.parquet"):
        file.rename(wkb / file.name.removeprefix("wkb-"))
    assert_same(parcels.land_audit(zones, folder), parcels.land_audit(zones, wkb))


def test_an_empty_file_and_a_file_of_nulls(tmp_path, zones):
    folder = tmp_path / "parts"
    folder.mkdir()
    grid = grid_parcels()
    grid.iloc[:0].to_parquet(folder / "part.0.parquet")
    grid.iloc[:3].assign(geometry=None).to_parquet(folder / "part.1.parquet")
    grid.to_parquet(folder / "part.2.parquet")
    assert_same(parcels.land_audit(zones, folder), parcels.land_audit(zones, grid))


def test_a_geometry_that_is_not_wkb_is_named(tmp_path, zones):
    folder = tmp_path / "parts"
    folder.mkdir()
    grid = grid_parcels()
    grid.to_parquet(folder / "part.0.parquet")
    table = pq.read_table(folder / "part.0.parquet")
    broken = pa.array([b"\x01\x03\x00\x00\x00garbage"] * len(grid), type=pa.binary())
    pq.write_table(
        table.set_column(table.schema.get_field_index("geometry"), "geometry", broken), folder / "part.1.parquet"
    )
    with pytest.raises(InputError, match=r"parts/part\.1\.parquet: holds a geometry that is not valid WKB") as caught:
        parcels.land_audit(zones, folder)
    assert "\n" not in str(caught.value)


def test_row_group_runs():
    assert _sources._row_group_runs([], 10) == [()]
    assert _sources._row_group_runs([5, 5, 5], 10) == [(0, 1), (2,)]
    assert _sources._row_group_runs([30, 5, 5], 10) == [(0,), (1, 2)]
    assert _sources._row_group_runs([5, 5, 5], 1) == [(0,), (1,), (2,)]
