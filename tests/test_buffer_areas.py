"""Zones measured from their Arrow buffers: the same areas, to the last bit, as the geometry path, and the same
audit; anything the arrays cannot clear goes the geometry path, with its messages."""

from __future__ import annotations

import json
import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio
import pytest
import shapely
import synthetic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
import geo.io
import geo.sources
from geo import _wkb
from geo._read import VectorBuffers
from geo._validate import certainly_valid
from geo.area import _bounds_pairs, area_table, buffer_area_table, buffer_overlaps, overlaps
from geo.cli import main

#: Near Gwangju, in degrees.
LON, LAT = 126.85, 35.15


def _star(rng: np.random.Generator, lon: float, lat: float, vertices: int, radius: float) -> np.ndarray:
    """A closed star-shaped ring (simple by construction) of ``vertices`` points about (lon, lat), anticlockwise,
    every point between 0.6 and 1 ``radius`` from the centre, at angles a little off an even spacing."""
    angles = (np.arange(vertices) + rng.uniform(0, 0.5, vertices)) * (2 * np.pi / vertices)
    radii = radius * rng.uniform(0.6, 1.0, vertices)
    ring = np.column_stack([lon + radii * np.cos(angles), lat + radii * np.sin(angles)])
    return np.vstack([ring, ring[:1]])


def _polygon(rng: np.random.Generator, lon: float, lat: float, *, vertices: int, holes: int) -> shapely.Polygon:
    """A star-shaped polygon with up to five small holes near its centre (its outline keeps 0.45 of the radius
    clear when it has eight vertices or more, as it then has)."""
    radius = rng.uniform(0.001, 0.05)
    vertices = max(vertices, 8) if holes else vertices
    interiors = [_star(rng, lon + radius * 0.06 * k, lat, 5, radius * 0.025)[::-1] for k in range(holes)]
    return shapely.Polygon(_star(rng, lon, lat, vertices, radius), interiors)


def _hostile_geometries(seed: int, count: int) -> list[shapely.Geometry]:
    """Polygons with and without holes, multipolygons (of one part too), and rings of up to 20,000 vertices."""
    rng = np.random.default_rng(seed)
    geometries = []
    for k in range(count):
        lon, lat = LON + rng.uniform(-1, 1), LAT + rng.uniform(-1, 1)
        kind = k % 5
        if kind == 0:
            geometries.append(_polygon(rng, lon, lat, vertices=int(rng.integers(3, 80)), holes=0))
        elif kind == 1:
            geometries.append(
                _polygon(rng, lon, lat, vertices=int(rng.integers(3, 200)), holes=int(rng.integers(1, 6)))
            )
        elif kind == 2:
            parts = [
                _polygon(rng, lon + 0.2 * j, lat, vertices=int(rng.integers(3, 40)), holes=int(rng.integers(0, 3)))
                for j in range(int(rng.integers(1, 7)))
            ]
            geometries.append(shapely.MultiPolygon(parts))
        elif kind == 3:
            geometries.append(_polygon(rng, lon, lat, vertices=int(rng.integers(4, 12)), holes=0).normalize())
        else:
            geometries.append(shapely.box(lon, lat, lon + rng.uniform(1e-5, 0.3), lat + rng.uniform(1e-5, 0.3)))
    geometries.append(_polygon(rng, LON, LAT, vertices=20_000, holes=1))  # over 16,384 vertices: a block of its own
    geometries.append(shapely.MultiPolygon([_polygon(rng, LON, LAT - 0.5, vertices=17_000, holes=0)]))
    return geometries


def _frame(geometries: list[shapely.Geometry], crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    ids = [f"z{k}" for k in range(len(geometries))]
    return gpd.GeoDataFrame({"zone_id": ids}, geometry=geometries, crs="EPSG:4326").to_crs(crs)


def _buffers(frame: gpd.GeoDataFrame, **options) -> geo.io.ZoneBuffers | None:
    """``frame`` as :func:`geo.io.read_zone_buffers` reads a file of it (its WKB, its attributes, its CRS)."""
    wkb = pa.array(shapely.to_wkb(np.asarray(frame.geometry.values), flavor="iso"), type=pa.binary())
    attributes = pd.DataFrame(frame.drop(columns="geometry"))
    raw = VectorBuffers(attributes, wkb, frame.crs.to_string() if frame.crs is not None else None)
    return geo.io.prepare_zone_buffers(raw, "zones.gpkg", **options)


def _bits(values) -> np.ndarray:
    return np.asarray(values, dtype=float).view(np.int64)


def _same_bits(left: pd.DataFrame, right: pd.DataFrame) -> None:
    assert list(left.columns) == list(right.columns)
    assert left.index.equals(right.index)
    for column in left.columns:
        np.testing.assert_array_equal(_bits(left[column]), _bits(right[column]), err_msg=column)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), count=st.integers(1, 60))
def test_areas_from_buffers_are_those_of_the_geometries_to_the_last_bit(seed, count):
    frame = _frame(_hostile_geometries(seed, count))
    buffers = _buffers(frame)
    assert buffers is not None
    zones = geo.io.prepare_zones(frame, "zones.gpkg")
    _same_bits(buffer_area_table(buffers), area_table(zones))
    assert shapely.equals_identical(buffers.geometries(), np.asarray(zones.geometry.values)).all()


@pytest.mark.parametrize("crs", ["EPSG:5186", "EPSG:32652", "EPSG:5179"])
def test_a_projected_file_measures_the_same_to_the_last_bit(crs):
    frame = _frame(_hostile_geometries(7, 40), crs)
    buffers = _buffers(frame)
    zones = geo.io.prepare_zones(frame, "zones.gpkg")
    _same_bits(buffer_area_table(buffers), area_table(zones))
    assert shapely.equals_identical(buffers.geometries(), np.asarray(zones.geometry.values)).all()


def test_a_ring_out_of_the_vectorised_range_is_measured_by_geographiclib_as_before():
    frame = _frame([shapely.box(124.5, 33.5, 131.5, 38.5), shapely.box(LON, LAT, LON + 0.01, LAT + 0.01)])
    buffers = _buffers(frame)
    _same_bits(buffer_area_table(buffers), area_table(geo.io.prepare_zones(frame, "zones.gpkg")))


def test_three_dimensional_zones_drop_z_and_measure_the_same(tmp_path, caplog):
    flat = _hostile_geometries(3, 12)
    raised = [shapely.force_3d(g, 12.5) for g in flat]
    path = tmp_path / "zones3d.gpkg"
    _frame(raised).to_file(path)
    with caplog.at_level(logging.WARNING, logger="geo._validate"):
        buffers = geo.io.read_zone_buffers(path)
    assert buffers is not None and buffers.polygons.has_z.all()
    assert "dropped Z values from 14 features" in caplog.text
    zones = geo.read_zones(path)
    _same_bits(buffer_area_table(buffers), area_table(zones))
    assert shapely.equals_identical(buffers.geometries(), np.asarray(zones.geometry.values)).all()


def test_a_file_read_as_buffers_gives_the_zones_read_zones_gives(tmp_path):
    path = tmp_path / "zones.gpkg"
    frame = _frame(_hostile_geometries(11, 30))
    frame["official_area_m2"] = [1000.0 + k for k in range(len(frame))]
    frame["in_belt"] = ["true" if k % 3 == 0 else "false" for k in range(len(frame))]
    frame.to_file(path)
    buffers = geo.io.read_zone_buffers(path)
    zones = geo.read_zones(path)
    built = buffers.with_geometry()
    pd.testing.assert_frame_equal(
        pd.DataFrame(built.drop(columns="geometry")), pd.DataFrame(zones.drop(columns="geometry"))
    )
    assert shapely.equals_identical(np.asarray(built.geometry.values), np.asarray(zones.geometry.values)).all()
    assert built.crs == zones.crs and built.attrs == zones.attrs


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (shapely.GeometryCollection([shapely.box(LON, LAT, LON + 0.01, LAT + 0.01)]), "is a GeometryCollection"),
        (shapely.Polygon(), "has no geometry"),
        (shapely.Point(LON, LAT), "is a Point, not a polygon"),
        (
            shapely.Polygon([(LON, LAT), (LON + 0.01, LAT + 0.01), (LON + 0.01, LAT), (LON, LAT + 0.01)]),
            "Self-intersection",
        ),
        ("POLYGON ((126.85 35.15, 126.86 35.15, NaN 35.16, 126.85 35.15))", "not finite"),
        (shapely.box(10, 10, 11, 11), "lies outside Korea"),
        (
            shapely.MultiPolygon(
                [shapely.box(LON, LAT, LON + 0.02, LAT + 0.02), shapely.box(LON + 0.01, LAT, LON + 0.03, LAT + 0.02)]
            ),
            "Self-intersection",
        ),
    ],
)
def test_a_feature_with_a_problem_goes_the_geometry_path_and_its_message(tmp_path, geometry, message):
    if isinstance(geometry, str):
        with np.errstate(invalid="ignore"):
            geometry = shapely.from_wkt(geometry)
    frame = _frame([shapely.box(LON, LAT, LON + 0.01, LAT + 0.01), geometry])
    assert _buffers(frame) is None
    path = tmp_path / "zones.gpkg"
    frame.to_file(path)
    assert geo.io.read_zone_buffers(path) is None
    with pytest.raises(geo.InputError, match=message):
        geo.read_zones(path)


def test_attribute_problems_are_reported_in_the_same_words(tmp_path):
    frame = _frame(_hostile_geometries(5, 8))
    frame["zone_id"] = ["a", "a", None, "b", "c", "d", "e", "f", "g", "h"]
    frame["official_area_m2"] = ["x"] + [None] * 9
    path = tmp_path / "zones.gpkg"
    frame.to_file(path)
    with pytest.raises(geo.InputError) as from_buffers:
        geo.io.read_zone_buffers(path)
    with pytest.raises(geo.InputError) as from_geometries:
        geo.read_zones(path)
    assert str(from_buffers.value) == str(from_geometries.value)
    assert "share the id" in str(from_buffers.value) and "has no id" in str(from_buffers.value)


def _audit_json(capsys, monkeypatch, args: list[str], *, buffers: bool) -> tuple[int, str]:
    if not buffers:
        monkeypatch.setattr(geo.sources, "load_buffers", lambda source: None)
    code = main(["audit", *args, "--format", "json"])
    monkeypatch.undo()
    return code, capsys.readouterr().out


def _belt_file(tmp_path, *, invalid: bool = False) -> tuple[str, str]:
    """A GeoPackage of the synthetic belt (tests/synthetic.py) plus overlapping and hostile zones, and claims."""
    zones = synthetic.zones()
    extra = _frame(_hostile_geometries(2, 15))
    extra["zone_id"] = [f"x{k}" for k in range(len(extra))]
    # Two that overlap each other and the belt's future complex.
    extra.loc[0, "geometry"] = shapely.box(126.69, 35.15, 126.71, 35.17)
    extra.loc[1, "geometry"] = shapely.box(126.70, 35.16, 126.72, 35.18)
    if invalid:  # a square with a spike out and back along one line, which --fix removes
        spike = [(0, 0), (10, 0), (10, 10), (5, 10), (5, 12), (5, 10), (0, 10), (0, 0)]
        extra.loc[2, "geometry"] = shapely.Polygon([(LON + x * 1e-3, LAT + y * 1e-3) for x, y in spike])
    frame = pd.concat([zones.drop(columns=["feature_id"]), extra], ignore_index=True)
    path = tmp_path / "belt.gpkg"
    gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326").to_file(path)
    claims = synthetic.write_claims(tmp_path / "claims.csv", zones)
    return str(path), str(claims)


@pytest.mark.parametrize("fix", [False, True])
def test_the_audit_of_a_file_is_the_same_json_through_both_paths(tmp_path, capsys, monkeypatch, fix):
    zones, claims = _belt_file(tmp_path, invalid=fix)
    args = ["--zones", zones, "--claims", claims] + (["--fix"] if fix else [])
    through_buffers = _audit_json(capsys, monkeypatch, args, buffers=True)
    through_geometries = _audit_json(capsys, monkeypatch, args, buffers=False)
    assert through_buffers == through_geometries
    document = json.loads(through_buffers[1])
    assert document["overlaps"] and document["belt"]["members"]  # the parts that need geometry were exercised
    # A feature that needs repair sends the file the geometry path (which repairs it); a clean one does not.
    taken = geo.sources.load_buffers(geo.layers.ZoneSource(path=zones, fix=fix)) is not None
    assert taken is not fix


def test_the_buffers_path_is_taken_for_a_clean_file(tmp_path):
    zones, _ = _belt_file(tmp_path)
    assert geo.sources.load_buffers(geo.layers.ZoneSource(path=zones)) is not None
    assert geo.sources.load_buffers(geo.layers.ZoneSource()) is None  # our own zones: the geometry path


def test_the_export_gets_every_geometry_and_the_same_audit(tmp_path, monkeypatch):
    zones, claims = _belt_file(tmp_path)
    source = geo.layers.ZoneSource(path=zones)
    loaded = geo.load_claims(claims)
    fast_zones, fast = geo.sources.audit_source(source, loaded)
    monkeypatch.setattr(geo.sources, "load_buffers", lambda source: None)
    slow_zones, slow = geo.sources.audit_source(source, loaded)
    assert shapely.equals_identical(
        np.asarray(fast_zones.geometry.values), np.asarray(slow_zones.geometry.values)
    ).all()
    pd.testing.assert_frame_equal(fast.zones, slow.zones, check_exact=True)
    pd.testing.assert_frame_equal(fast.claims, slow.claims, check_exact=True)
    pd.testing.assert_frame_equal(fast.overlaps, slow.overlaps, check_exact=True)
    assert fast.belt == slow.belt


def test_overlaps_from_buffers_are_those_of_the_geometries(tmp_path):
    rng = np.random.default_rng(4)
    lon, lat = LON + rng.uniform(0, 0.2, 300), LAT + rng.uniform(0, 0.2, 300)
    size = rng.uniform(0.001, 0.02, 300)
    frame = _frame(list(shapely.box(lon, lat, lon + size, lat + size)))
    zones = geo.io.prepare_zones(frame, "zones.gpkg")
    expected = overlaps(zones, id_column="feature_id")
    assert len(expected) > 10
    pd.testing.assert_frame_equal(buffer_overlaps(_buffers(frame), id_column="feature_id"), expected, check_exact=True)


@settings(max_examples=40, deadline=None)
@given(
    boxes=st.lists(
        st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(0, 6), st.integers(0, 6)), min_size=0, max_size=60
    ),
    large=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=3),
)
def test_pairs_of_meeting_bounds_are_all_found_once(boxes, large):
    rows = [(x, y, x + w, y + h) for x, y, w, h in boxes] + [(x, y, x + 15, y + 15) for x, y in large]
    if not rows:
        return
    table = np.array(rows, dtype=float) / 7  # not on a power of two: cells and bounds round
    low, high = table[:, :2], table[:, 2:]
    first, second = _bounds_pairs(low, high)
    found = list(zip(first.tolist(), second.tolist(), strict=True))
    expected = {
        (i, j)
        for i in range(len(rows))
        for j in range(i + 1, len(rows))
        if (low[i] <= high[j]).all() and (low[j] <= high[i]).all()
    }
    assert len(found) == len(set(found)) and set(found) == expected


@settings(max_examples=60, deadline=None)
@given(
    rings=st.lists(
        st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=3, max_size=9), min_size=1, max_size=40
    ),
    scale=st.sampled_from([1.0, 1e-7, 3.3]),
)
def test_the_array_check_never_clears_an_invalid_polygon(rings, scale):
    polygons = np.array(
        [shapely.Polygon(np.array([*ring, ring[0]], dtype=float) * scale + (LON, LAT)) for ring in rings], dtype=object
    )
    read = _wkb.read_polygons(pa.array(shapely.to_wkb(polygons, flavor="iso"), type=pa.binary()))
    cleared = certainly_valid(read)
    assert not (cleared & ~shapely.is_valid(polygons)).any()


def test_the_array_check_clears_the_usual_polygons():
    rng = np.random.default_rng(0)
    polygons = np.array(
        [_polygon(rng, LON + k * 1e-3, LAT, vertices=int(rng.integers(3, 60)), holes=0) for k in range(200)],
        dtype=object,
    )
    read = _wkb.read_polygons(pa.array(shapely.to_wkb(polygons, flavor="iso"), type=pa.binary()))
    assert certainly_valid(read).all()


def test_wkb_that_is_not_read_as_arrays_is_named_so():
    geometries = [
        shapely.box(0, 0, 1, 1),
        None,
        shapely.Polygon(),
        shapely.MultiPolygon(),
        shapely.GeometryCollection([shapely.box(0, 0, 1, 1)]),
        shapely.LineString([(0, 0), (1, 1)]),
        shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)]),
    ]
    wkb = shapely.to_wkb(np.array(geometries, dtype=object), flavor="iso")
    big_endian = shapely.to_wkb(shapely.box(0, 0, 1, 1), byte_order=0)
    truncated = wkb[0][:-8]
    unclosed = bytearray(wkb[0])
    unclosed[-8:] = np.float64(0.5).tobytes()  # the last y no longer repeats the first
    read = _wkb.read_polygons(pa.array([*wkb, big_endian, truncated, bytes(unclosed)], type=pa.binary()))
    assert read.read.tolist() == [True, False, False, False, False, False, True, False, False, False]
    assert read.multi.tolist()[6] and np.array_equal(
        read.coords, shapely.get_coordinates([geometries[0], geometries[6]])
    )


def test_a_layer_read_through_arrow_keeps_its_attributes_as_read_vector_reads_them(tmp_path):
    path = tmp_path / "zones.gpkg"
    frame = _frame(_hostile_geometries(1, 4))
    frame["number"] = [1, 2, None, 4, 5, 6]
    frame["name"] = ["가", "나", None, "라", "마", "바"]
    pyogrio.write_dataframe(frame, path)
    raw = geo.io.read_vector_buffers(path)
    pd.testing.assert_frame_equal(raw.frame, pd.DataFrame(geo.io.read_vector(path).drop(columns="geometry")))


def test_wkb_in_several_chunks_reads_as_in_one():
    geometries = np.array(_hostile_geometries(9, 10), dtype=object)
    whole = pa.array(shapely.to_wkb(geometries, flavor="iso"), type=pa.binary())
    chunked = pa.chunked_array([whole.slice(0, 3), whole.slice(3, 5), whole.slice(8)])
    one, several = _wkb.read_polygons(whole), _wkb.read_polygons(chunked)
    assert several.read.all() and np.array_equal(one.coords, several.coords)
    assert np.array_equal(one.ring_offsets, several.ring_offsets) and np.array_equal(
        one.ring_feature, several.ring_feature
    )
    assert np.array_equal(several.coords, shapely.get_coordinates(geometries))


@pytest.mark.parametrize("problem", ["bow tie", "no id", "outside"])
def test_bad_input_is_the_same_one_line_and_exit_2_through_both_paths(tmp_path, capsys, monkeypatch, problem):
    frame = _frame([shapely.box(LON, LAT, LON + 0.01, LAT + 0.01), shapely.box(LON, LAT + 0.1, LON + 0.01, LAT + 0.11)])
    if problem == "bow tie":
        frame.loc[1, "geometry"] = shapely.Polygon(
            [(LON, LAT), (LON + 0.01, LAT + 0.01), (LON + 0.01, LAT), (LON, LAT + 0.01)]
        )
    elif problem == "no id":
        frame.loc[1, "zone_id"] = None
    else:
        frame.loc[1, "geometry"] = shapely.box(10, 10, 11, 11)
    path = tmp_path / "zones.gpkg"
    frame.to_file(path)
    claims = tmp_path / "claims.csv"
    claims.write_text("claim_id,subject,figure,unit,publisher,date,url,language,quote\nc,z0,1,m2,p,,https://x,ko,q\n")
    lines = []
    for buffers in (True, False):
        if not buffers:
            monkeypatch.setattr(geo.sources, "load_buffers", lambda source: None)
        assert main(["audit", "--zones", str(path), "--claims", str(claims), "--format", "json"]) == 2
        (line,) = capsys.readouterr().err.strip().splitlines()
        lines.append(line)
    assert lines[0] == lines[1] and lines[0].startswith("error: zones.gpkg feature 2")
