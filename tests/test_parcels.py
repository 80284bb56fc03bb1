"""The parcel-level land audit against an independent overlay, on files, partitions and a dask cluster."""

from __future__ import annotations

import json
import logging
import math
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from geo import land, parcels
from geo._errors import InputError
from geo.area import area_m2
from geo.parcels import _constants, _reduce, _scheduler

#: A grid of GRID × GRID square parcels of STEP degrees (about 90 × 110 m) from the corner (LON0, LAT0).
GRID, STEP, LON0, LAT0 = 12, 0.001, 126.80, 35.10
CODES = ("장", "도", "대", "전", "임", "차", "천")
REL = 1e-9


def grid_parcels() -> gpd.GeoDataFrame:
    """Squares sharing exact corner coordinates, each a jibun with a category suffix; one has none."""
    xs = LON0 + np.arange(GRID + 1) * STEP
    ys = LAT0 + np.arange(GRID + 1) * STEP
    rows, geoms = [], []
    for i in range(GRID):
        for j in range(GRID):
            number = i * GRID + j + 1
            code = CODES[(3 * i + j) % len(CODES)]
            jibun = f"{number}" if number == 40 else (f"산{number} {code}" if code == "임" else f"{number}-1 {code}")
            rows.append({"pnu": f"29200{number:05d}", "JIBUN": jibun})
            geoms.append(
                shapely.Polygon([(xs[i], ys[j]), (xs[i + 1], ys[j]), (xs[i + 1], ys[j + 1]), (xs[i], ys[j + 1])])
            )
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


def synthetic_zones() -> gpd.GeoDataFrame:
    """A box and a pentagon that cut through parcels and share an edge, plus a zone away from every parcel."""
    a = shapely.box(126.80234, 35.10171, 126.80655, 35.10899)
    b = shapely.Polygon(
        [
            (126.80655, 35.10320),
            (126.81123, 35.10050),
            (126.81377, 35.10777),
            (126.80977, 35.11420),
            (126.80655, 35.10899),
        ]
    )
    far = shapely.box(126.90, 35.20, 126.901, 35.201)
    return gpd.GeoDataFrame(
        {
            "feature_id": ["a", "b", "far"],
            "zone_id": ["za", "zb", "zf"],
            "name_ko": ["가 산단", "나 산단", "먼 곳"],
            "name_en": ["A", "B", "Far"],
            "name_ja": ["ア", "イ", "遠"],
        },
        geometry=[a, b, far],
        crs="EPSG:4326",
    )


def reference(zones: gpd.GeoDataFrame, frame: gpd.GeoDataFrame) -> dict[tuple[str, str], tuple[int, float]]:
    """(feature_id, code) → (parcels, m²), parcel by parcel with shapely and geo.area.area_m2, no dask."""
    lonlat = frame.to_crs("EPSG:4326")
    out: dict[tuple[str, str], list] = {}
    # Zone edges are geodesics (as area_m2 reads them), so they are cut along the geodesic: see densify_geodesic.
    for zone_id, zone in zip(zones["feature_id"], map(parcels.densify_geodesic, zones.geometry), strict=True):
        for jibun, parcel in zip(lonlat["JIBUN"], lonlat.geometry, strict=True):
            piece = shapely.intersection(parcel, zone)
            if piece.is_empty:
                continue
            m2 = float(area_m2(gpd.GeoSeries([piece], crs="EPSG:4326")).iloc[0])
            if m2 <= parcels.MIN_PIECE_M2:
                continue
            entry = out.setdefault((zone_id, land.category_from_jibun(jibun)), [0, []])
            entry[0] += 1
            entry[1].append(m2)
    return {key: (count, math.fsum(areas)) for key, (count, areas) in out.items()}


def as_dict(audit: pd.DataFrame) -> dict[tuple[str, str], tuple[int, float]]:
    rows = audit[audit["category"].notna()]
    return {(r.feature_id, r.category): (r.parcels, r.area_m2) for r in rows.itertuples()}


@pytest.fixture(scope="module")
def grid() -> gpd.GeoDataFrame:
    return grid_parcels()


@pytest.fixture(scope="module")
def zones() -> gpd.GeoDataFrame:
    return synthetic_zones()


@pytest.fixture(scope="module")
def expected(zones, grid):
    return reference(zones, grid)


@pytest.fixture(scope="module")
def audit(zones, grid) -> pd.DataFrame:
    return parcels.land_audit(zones, grid, partition_rows=25)


def assert_matches(audit: pd.DataFrame, expected: dict) -> None:
    got = as_dict(audit)
    assert got.keys() == expected.keys()
    for key, (count, m2) in expected.items():
        assert got[key][0] == count, key
        assert got[key][1] == pytest.approx(m2, rel=REL, abs=0), key


def test_matches_an_independent_overlay(audit, expected):
    assert_matches(audit, expected)
    assert list(audit.columns) == list(parcels.AUDIT_COLUMNS)
    assert audit.attrs == {"land_field": "JIBUN", "land_source": "jibun", "source": "GeoDataFrame"}


def test_zone_totals_shares_and_uncovered(audit, zones, grid):
    zone_area = area_m2(zones).to_numpy()
    for index, feature_id in enumerate(["a", "b"]):
        rows = audit[audit["feature_id"] == feature_id]
        assert (rows["zone_area_m2"] == zone_area[index]).all()
        assert rows["zone_parcels"].iloc[0] == rows["parcels"].sum()
        assert rows["overlap_m2"].iloc[0] == 0
        assert rows["covered_m2"].iloc[0] == math.fsum(rows["area_m2"])
        assert rows["share"].to_numpy() == pytest.approx(rows["area_m2"].to_numpy() / zone_area[index], rel=1e-15)
        np.testing.assert_allclose(rows["area_pyeong"], rows["area_m2"] * 121 / 400, rtol=1e-15)
    # Zone a lies inside the grid: nothing uncovered. Zone b reaches beyond it: the rest is uncovered.
    a = audit[audit["feature_id"] == "a"].iloc[0]
    assert a["uncovered_m2"] == 0.0
    b_rows = audit[audit["feature_id"] == "b"]
    dense_b = parcels.densify_geodesic(zones.geometry.iloc[1])
    outside = shapely.difference(dense_b, shapely.union_all(grid.geometry.values))
    outside_m2 = float(area_m2(gpd.GeoSeries([outside], crs="EPSG:4326")).iloc[0])
    assert b_rows["uncovered_m2"].iloc[0] == pytest.approx(outside_m2, abs=1e-9 * zone_area[1])
    assert b_rows["share"].sum() + b_rows["uncovered_m2"].iloc[0] / zone_area[1] == pytest.approx(1, abs=1e-12)
    # The zone away from every parcel has one row without a category.
    far = audit[audit["feature_id"] == "far"]
    assert len(far) == 1 and far["category"].isna().all() and far["parcels"].iloc[0] == 0
    assert far["uncovered_m2"].iloc[0] == far["zone_area_m2"].iloc[0]


def test_rows_in_zone_order_then_statutory_order_and_unknown_last(audit):
    assert list(dict.fromkeys(audit["feature_id"])) == ["a", "b", "far"]
    for _, rows in audit[audit["category"].notna()].groupby("feature_id"):
        order = [land.ORDER[c] for c in rows["category"]]
        assert order == sorted(order)
    assert "unknown" in set(audit["category"])  # parcel 40 has no suffix


def test_a_parcel_cut_by_two_zones_counts_in_each(zones, grid):
    # Zones a and b share the edge x = 126.80655, which cuts through parcel column 6.
    column = grid.geometry.bounds["minx"].round(6) == round(LON0 + 6 * STEP, 6)
    straddling = grid[column & grid.intersects(zones.geometry.iloc[0]) & grid.intersects(zones.geometry.iloc[1])]
    assert len(straddling) > 0
    result = parcels.land_audit(zones.iloc[:2], straddling)
    counts = result.groupby("feature_id")["zone_parcels"].first()
    assert counts["a"] == counts["b"] == len(straddling)
    assert_matches(result, reference(zones.iloc[:2], straddling))


def test_reprojected_parcels_give_the_same_answer(zones, grid, expected):
    assert_matches(parcels.land_audit(zones, grid.to_crs("EPSG:5186")), expected)


def test_overlapping_parcels_are_not_double_counted(zones, grid):
    inside = grid[grid.within(zones.geometry.iloc[0])].iloc[[0]]
    duplicate = inside.assign(JIBUN="999 잡")
    result = parcels.land_audit(zones.iloc[:1], pd.concat([grid, duplicate], ignore_index=True))
    baseline = parcels.land_audit(zones.iloc[:1], grid)
    m2 = float(area_m2(inside).iloc[0])
    row = result.iloc[0]
    # The union is measured by another route of area_m2 than the parts: equal to 1e-9 of the zone's area.
    noise = 1e-9 * row["zone_area_m2"]
    assert row["overlap_m2"] == pytest.approx(m2, abs=noise)
    assert row["covered_m2"] == pytest.approx(baseline["covered_m2"].iloc[0], abs=noise)
    assert row["uncovered_m2"] == baseline["uncovered_m2"].iloc[0] == 0.0
    assert result.loc[result["category"] == "잡", "area_m2"].iloc[0] == pytest.approx(m2, rel=1e-12)
    assert result["zone_parcels"].iloc[0] == baseline["zone_parcels"].iloc[0] + 1


def test_sums_do_not_depend_on_the_partitioning_or_the_scheduler(zones, grid, audit):
    for rows, scheduler in [(1, "synchronous"), (7, "threads"), (10_000, None)]:
        other = parcels.land_audit(zones, grid, partition_rows=rows, scheduler=scheduler)
        pd.testing.assert_frame_equal(other, audit, check_exact=True)


def test_geoparquet_partition_folder_file_and_glob(tmp_path, zones, grid, audit):
    folder = tmp_path / "parts"
    folder.mkdir()
    for index, start in enumerate(range(0, len(grid), 30)):
        grid.iloc[start : start + 30].to_parquet(folder / f"part.{index}.parquet")
    single = tmp_path / "all.parquet"
    grid.to_parquet(single)
    for location in (folder, str(folder / "*.parquet"), single):
        result = parcels.land_audit(zones, location)
        assert_frame_equal_but_source(result, audit)
        assert result.attrs["land_field"] == "JIBUN"


def test_geoparquet_partitions_away_from_the_zones_are_skipped(tmp_path, zones, grid, audit, caplog):
    folder = tmp_path / "parts"
    folder.mkdir()
    grid.to_parquet(folder / "part.0.parquet")
    far = grid.set_geometry(grid.geometry.translate(1.0, 1.0))
    far.to_parquet(folder / "part.1.parquet")
    with caplog.at_level(logging.INFO, logger="geo.parcels"):
        result = parcels.land_audit(zones, folder)
    assert "reading 1 of 2 parcel partitions" in caplog.text
    assert_frame_equal_but_source(result, audit)


def test_vector_file_with_upper_case_fields(tmp_path, zones, grid, audit):
    path = tmp_path / "LP_PA_CBND_BUBUN.gpkg"
    grid.to_crs("EPSG:5186").to_file(path, driver="GPKG")
    result = parcels.land_audit(zones, path, partition_rows=50)
    assert_frame_equal_but_source(result, audit, rtol=REL)  # EPSG:5186 and back moves corners by ~1e-11°
    assert result.attrs["source"] == path.name


def test_dask_geodataframe_input(zones, grid, audit):
    import dask_geopandas

    result = parcels.land_audit(zones, dask_geopandas.from_geopandas(grid, npartitions=3))
    assert_frame_equal_but_source(result, audit)


def assert_frame_equal_but_source(result: pd.DataFrame, audit: pd.DataFrame, *, rtol: float | None = None) -> None:
    if rtol is None:
        pd.testing.assert_frame_equal(result, audit, check_exact=True)
    else:
        pd.testing.assert_frame_equal(result, audit, check_exact=False, rtol=rtol)


def test_a_category_field_instead_of_jibun(zones, grid, expected):
    by_field = grid.drop(columns="JIBUN").assign(jimok=[land.category_from_jibun(j) for j in grid["JIBUN"]])
    by_field["jimok"] = by_field["jimok"].map(lambda c: land.category(c).name_ko if c in land.CATEGORIES else None)
    result = parcels.land_audit(zones, by_field, land_field="JIMOK")
    assert_matches(result, expected)
    assert result.attrs["land_source"] == "field"


def test_missing_land_field_is_an_input_error(tmp_path, zones, grid):
    path = tmp_path / "parcels.gpkg"
    grid.drop(columns="JIBUN").to_file(path, driver="GPKG")
    with pytest.raises(InputError, match=r"parcels\.gpkg: has no jibun field .* its fields are: pnu"):
        parcels.land_audit(zones, path)
    with pytest.raises(InputError, match=r"parcels\.gpkg: has no field 'jimok' .* its fields are: pnu"):
        parcels.land_audit(zones, path, land_field="jimok")
    with pytest.raises(InputError, match="no such file"):
        parcels.land_audit(zones, tmp_path / "missing.shp")
    with pytest.raises(InputError, match="no CRS"):
        parcels.land_audit(zones, grid.set_crs(None, allow_override=True))
    with pytest.raises(InputError, match="not unique"):
        parcels.land_audit(pd.concat([zones, zones]), grid)


def test_local_cluster_equals_the_single_process_result(zones, grid):
    distributed = pytest.importorskip("distributed")
    single = parcels.land_audit(zones, grid, partition_rows=20, scheduler="synchronous")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        by_address = parcels.land_audit(zones, grid, partition_rows=20, scheduler=cluster.scheduler_address)
        by_client = parcels.land_audit(zones, grid, partition_rows=20, scheduler=client)
    pd.testing.assert_frame_equal(by_address, single, check_exact=True)
    pd.testing.assert_frame_equal(by_client, single, check_exact=True)
    assert (by_address["area_m2"].to_numpy() == single["area_m2"].to_numpy()).all()


def test_unreachable_scheduler_is_an_input_error(monkeypatch, zones, grid):
    monkeypatch.setattr(_scheduler, "CONNECT_TIMEOUT_S", 1.0)
    started = time.monotonic()
    with pytest.raises(InputError, match=r"scheduler tcp://127.0.0.1:9: cannot connect within 1 s") as caught:
        parcels.land_audit(zones, grid, scheduler="tcp://127.0.0.1:9")
    assert "\n" not in str(caught.value)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("scheduler", "expected"),
    [
        ("nonsense", r"'nonsense' is neither one of dask's \(threads, .*\) nor an address"),
        ("distributed", "neither one of dask's"),
        ("tcp://:::notaport", r"'tcp://:::notaport' is not an address; write tcp://HOST:PORT"),
        ("tcp://::1:8786", "is not an address"),
        ("tcp://[zz]:8786", "'zz' is not an IPv6 address"),
        ("tcp://host:0", "'0' is not a port"),
        ("tcp://host:99999", "'99999' is not a port"),
        ("tcp://host:８７８６", "is not a port"),
        ("tcp://bad host:8786", "'bad host' is not a host name"),
        ("tcp://:8786", "'' is not a host name"),
        ("tcp://host:8786/path", "is not a port"),
        ("http://127.0.0.1:8786", "'http' is not a dask.distributed protocol"),
        (42, "expected a name .* not int"),
    ],
)
def test_a_bad_scheduler_is_refused_before_any_work(zones, scheduler, expected):
    started = time.monotonic()
    with pytest.raises(InputError, match=expected):
        parcels.land_audit(zones, "no-such-parcels.parquet", scheduler=scheduler)  # checked before the parcels
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("scheduler", ["threads", "synchronous", "sync", "tcp://[::1]", "tcp://node-1.lan:8786"])
def test_good_schedulers_pass_the_check(scheduler):
    assert _scheduler.check_scheduler(scheduler) == scheduler


def test_a_scheduler_without_workers_is_an_input_error(monkeypatch, zones, grid):
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(_scheduler, "CONNECT_TIMEOUT_S", 0.5)
    with (
        distributed.LocalCluster(
            n_workers=0, processes=False, dashboard_address=":0", silence_logs=logging.ERROR
        ) as cluster,
        pytest.raises(InputError, match=r"has no worker \(none joined within 0.5 s\); start one with dask worker"),
    ):
        parcels.land_audit(zones, grid, scheduler=cluster.scheduler_address)


def test_something_that_is_not_a_scheduler_is_an_input_error(zones, grid):
    """A server on the port that answers garbage (another service): one line, at once, no traceback."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def answer() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.sendall(b"\xff" * 64)
                stop.wait(0.5)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        with pytest.raises(InputError, match=f"scheduler {address}: (something answers there|cannot connect)"):
            parcels.land_audit(zones, grid, scheduler=address)
    finally:
        stop.set()
        thread.join()
        server.close()


def test_the_parcels_command_reports_scheduler_mistakes_in_one_line(zones, grid, tmp_path):
    """In a process of its own, as a user runs it: no traceback of distributed's on stderr, and quickly."""
    import subprocess

    zone_file, parcel_file = tmp_path / "zones.gpkg", tmp_path / "parcels.parquet"
    zones.to_file(zone_file)
    grid.to_parquet(parcel_file)
    for scheduler in ("nonsense", "tcp://:::notaport", "tcp://127.0.0.1:9"):
        started = time.monotonic()
        run = subprocess.run(
            [sys.executable, "-c", "from geo.cli.main import run; run()", "parcels", "--zones", str(zone_file),
             "--parcels", str(parcel_file), "--scheduler", scheduler],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert run.returncode == 2, run.stderr
        assert run.stderr.startswith("error: scheduler") and run.stderr.count("\n") == 1, run.stderr
        assert "Traceback" not in run.stderr
        assert time.monotonic() - started < 20


def test_densified_zones_follow_the_geodesic_and_keep_their_area(zones):
    from geo.area import GEOD

    zone = zones.geometry.iloc[1]
    dense = parcels.densify_geodesic(zone)
    coords = np.asarray(dense.exterior.coords)
    _, _, lengths = GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    assert lengths.max() <= _constants.ZONE_SEGMENT_M + 1e-9
    assert len(coords) > 100
    before, after = area_m2(gpd.GeoSeries([zone, dense], crs="EPSG:4326"))
    assert after == pytest.approx(before, rel=1e-9)
    # Each new point lies on the geodesic between the original corners.
    (x1, y1), (x2, y2) = np.asarray(zone.exterior.coords)[:2]
    azimuth, _, _ = GEOD.inv(x1, y1, x2, y2)
    along = coords[(coords[:, 0] > min(x1, x2)) & (coords[:, 0] < max(x1, x2)) & (coords[:, 1] < 35.1033)]
    azimuths, _, _ = GEOD.inv(np.full(len(along), x1), np.full(len(along), y1), along[:, 0], along[:, 1])
    assert np.abs(azimuths - azimuth).max() < 1e-6


def test_exact_terms_sum_like_fsum_in_any_grouping():
    values = np.random.default_rng(1).random(1000) * 10.0 ** np.random.default_rng(2).integers(-8, 8, 1000)
    whole = math.fsum(values.tolist())
    for parts in (1, 3, 17):
        terms = [t for chunk in np.array_split(values, parts) for t in _reduce.exact_terms(chunk)]
        assert math.fsum(terms) == whole


def test_json_contract(audit):
    text = parcels.to_json(audit)
    assert "\n" not in text and ": " not in text
    document = json.loads(text)
    assert document["tool"] == "triangle-belt"
    assert document["land_field"] == "JIBUN" and document["source"] == "GeoDataFrame"
    assert [z["feature_id"] for z in document["zones"]] == ["a", "b", "far"]
    zone = document["zones"][0]
    assert set(zone) >= {"feature_id", "zone_area_m2", "parcels", "categories", "uncovered_m2", "covered_m2"}
    category = zone["categories"][0]
    assert set(category) == {
        "code",
        "number",
        "name_ko",
        "name_en",
        "name_ja",
        "parcels",
        "area_m2",
        "area_pyeong",
        "share",
    }
    assert sum(c["parcels"] for c in zone["categories"]) == zone["parcels"]
    assert math.isclose(category["area_pyeong"], category["area_m2"] * 121 / 400, rel_tol=1e-15)
    assert document["zones"][2]["categories"] == []
    assert "공장용지" in text  # not escaped


def test_csv_table_and_parquet(tmp_path, audit):
    csv = parcels.to_csv(audit)
    assert csv.startswith("\ufefffeature_id,zone_id,")
    assert "\r\n" in csv and "공장용지" in csv
    back = pd.read_csv(pd.io.common.StringIO(csv.lstrip("\ufeff")))
    assert list(back.columns) == list(parcels.AUDIT_COLUMNS)
    table = parcels.to_table(audit)
    assert "장 공장용지" in table and "not in any parcel" in table
    target = tmp_path / "out" / "land.parquet"
    parcels.write_parquet(audit, target)
    read = pd.read_parquet(target)
    assert read["area_m2"].tolist() == audit["area_m2"].tolist()
    assert sorted(p.name for p in target.parent.iterdir()) == ["land.parquet"]


def test_bundled_zones_with_a_few_parcels():
    zones = geo.load_zones()
    centre = zones.geometry.iloc[0].representative_point()
    squares = [shapely.box(centre.x + dx, centre.y, centre.x + dx + 0.0005, centre.y + 0.0005) for dx in (0, 0.0005)]
    frame = gpd.GeoDataFrame({"jibun": ["1 장", "2 도"]}, geometry=squares, crs="EPSG:4326")
    result = parcels.land_audit(zones, frame)
    assert list(dict.fromkeys(result["feature_id"])) == list(zones["feature_id"])
    first = result[result["feature_id"] == zones["feature_id"].iloc[0]]
    assert set(first["category"]) >= {"장"}
    assert (result["uncovered_m2"] <= result["zone_area_m2"]).all()


def test_partition_rows_must_be_positive(zones, grid):
    with pytest.raises(InputError, match="partition_rows"):
        parcels.land_audit(zones, grid, partition_rows=0)


def test_unused_path_type_is_an_input_error(zones):
    with pytest.raises(InputError, match="expected a file"):
        parcels.land_audit(zones, 42)  # type: ignore[arg-type]


def test_module_documents_the_json_contract():
    assert '"uncovered_m2"' in parcels.__doc__ and '"categories"' in parcels.__doc__


def test_the_parcels_command_writes_json_and_parquet(zones, grid, tmp_path, capsys):
    from geo.cli import main

    zone_file, parcel_file = tmp_path / "zones.gpkg", tmp_path / "parcels.parquet"
    zones.to_file(zone_file)
    grid.to_parquet(parcel_file)
    assert main(["parcels", "--zones", str(zone_file), "--parcels", str(parcel_file), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    loaded = geo.load_zones(zone_file)
    assert {z["feature_id"] for z in document["zones"]} == set(loaded["feature_id"])
    out = tmp_path / "land.parquet"
    args = ["parcels", "--zones", str(zone_file), "--parcels", str(parcel_file), "--format", "parquet"]
    assert main(args) == 2 and "pass --out" in capsys.readouterr().err
    assert main([*args, "--out", str(out)]) == 0
    assert len(pd.read_parquet(out)) == len(parcels.land_audit(loaded, grid))


# --- GeoParquet partitions that differ -------------------------------------------------------------------


def write_parts(folder: Path, frames: list[gpd.GeoDataFrame]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index, frame in enumerate(frames):
        frame.to_parquet(folder / f"part.{index}.parquet")
    return folder


def test_geoparquet_partitions_in_different_crss_are_each_read_in_their_own(tmp_path, zones, grid, caplog):
    halves = [grid.iloc[:72], grid.iloc[72:100].to_crs("EPSG:5174"), grid.iloc[100:].to_crs("EPSG:5186")]
    folder = write_parts(tmp_path / "parts", halves)
    # The same parcels, brought to EPSG:4326 the way the audit does it (geopandas to_crs).
    lonlat = gpd.GeoDataFrame(pd.concat([half.to_crs("EPSG:4326") for half in halves]), crs="EPSG:4326")

    with caplog.at_level(logging.INFO, logger="geo.parcels"):
        result = parcels.land_audit(zones, folder)

    assert "GeoParquet files in 3 CRSs (EPSG:4326, EPSG:5174, EPSG:5186)" in caplog.text
    expected = parcels.land_audit(zones, lonlat)
    assert result["zone_parcels"].tolist() == expected["zone_parcels"].tolist()
    pd.testing.assert_frame_equal(result, expected, check_exact=False, rtol=1e-12)
    assert_matches(result, reference(zones, lonlat))


def test_skipping_partitions_away_from_the_zones_works_in_each_crs(tmp_path, zones, grid, caplog):
    far = grid.set_geometry(grid.geometry.translate(1.0, 1.0))
    folder = write_parts(tmp_path / "parts", [grid.to_crs("EPSG:5174"), far.to_crs("EPSG:5186"), far])
    with caplog.at_level(logging.INFO, logger="geo.parcels"):
        result = parcels.land_audit(zones, folder)
    assert "reading 1 of 3 parcel partitions" in caplog.text
    assert result["zone_parcels"].tolist() == parcels.land_audit(zones, grid)["zone_parcels"].tolist()


def test_a_partition_without_the_land_field_is_named(tmp_path, zones, grid, capsys):
    from geo.cli import main

    folder = write_parts(tmp_path / "parts", [grid.iloc[:72], grid.iloc[72:].drop(columns="JIBUN")])
    with pytest.raises(InputError, match=r"parts/part\.1\.parquet: has no jibun field .* its fields are: pnu$"):
        parcels.land_audit(zones, folder)
    zone_file = tmp_path / "zones.gpkg"
    zones.to_file(zone_file)
    assert main(["parcels", "--zones", str(zone_file), "--parcels", str(folder)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "part.1.parquet: has no jibun field" in error


def test_partitions_that_spell_the_land_field_differently_are_read(tmp_path, zones, grid, audit):
    folder = write_parts(tmp_path / "parts", [grid.iloc[:72], grid.iloc[72:].rename(columns={"JIBUN": "jibun"})])
    result = parcels.land_audit(zones, folder)
    pd.testing.assert_frame_equal(result, audit, check_exact=False, rtol=1e-12)


def test_a_partition_without_a_crs_needs_assume_crs(tmp_path, zones, grid, audit):
    folder = write_parts(tmp_path / "parts", [grid.iloc[:72], grid.iloc[72:].set_crs(None, allow_override=True)])
    with pytest.raises(InputError, match=r"parts/part\.1\.parquet: the parcels have no CRS; pass assume_crs"):
        parcels.land_audit(zones, folder)
    result = parcels.land_audit(zones, folder, assume_crs="EPSG:4326")
    pd.testing.assert_frame_equal(result, audit, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize(
    ("write", "expected"),
    [
        (lambda path: path.write_text("not parquet"), r"parts/notes\.txt: cannot be read as GeoParquet"),
        (lambda path: pd.DataFrame({"jibun": ["1 장"]}).to_parquet(path), r"parts/notes\.txt: is Parquet without Geo"),
    ],
)
def test_a_file_in_the_folder_that_is_not_geoparquet_is_named(tmp_path, zones, grid, write, expected):
    folder = write_parts(tmp_path / "parts", [grid])
    write(folder / "notes.txt")
    (folder / "_SUCCESS").write_text("")  # names starting with _ or . are skipped, as dask and Arrow do
    with pytest.raises(InputError, match=expected):
        parcels.land_audit(zones, folder)


#: CRSs a partition may be written in, and spellings of the land field (None: the partition has none).
PART_CRSS = ("EPSG:4326", "EPSG:5186", "EPSG:5174", "EPSG:3857", None)
SPELLINGS = ("JIBUN", "jibun", "Jibun", None)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(
        st.tuples(
            st.sampled_from(PART_CRSS),
            st.sampled_from(SPELLINGS),
            st.integers(0, GRID * GRID - 1),
            st.integers(0, GRID * GRID - 1),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_the_partition_reader_reads_every_partition_or_names_the_bad_one(zones, grid, parts):
    """Random GeoParquet folders: each part a slice of the grid (parts may overlap) in some CRS or none, with the
    land field spelled some way or missing. The audit either counts every parcel of every part, or names the
    first bad file in one line; it never skips a part, and never fails otherwise."""
    frames, bad = [], None
    for index, (crs, spelling, start, end) in enumerate(parts):
        piece = grid.iloc[min(start, end) : max(start, end) + 1]
        piece = piece.to_crs(crs) if crs is not None else piece.set_crs(None, allow_override=True)
        piece = piece.rename(columns={"JIBUN": spelling}) if spelling else piece.drop(columns="JIBUN")
        frames.append(piece)
        if bad is None and (spelling is None or crs is None):
            bad = (index, "has no jibun field" if spelling is None else "have no CRS")
    with tempfile.TemporaryDirectory() as folder:
        location = write_parts(Path(folder) / "parts", frames)
        if bad is not None:
            with pytest.raises(InputError, match=rf"parts/part\.{bad[0]}\.parquet: .*{bad[1]}") as caught:
                parcels.land_audit(zones, location, scheduler="synchronous")
            assert "\n" not in str(caught.value)
            return
        result = parcels.land_audit(zones, location, scheduler="synchronous")
    lonlat = pd.concat([frame.to_crs("EPSG:4326").set_axis(["pnu", "JIBUN", "geometry"], axis=1) for frame in frames])
    expected = parcels.land_audit(zones, gpd.GeoDataFrame(lonlat, crs="EPSG:4326"), scheduler="synchronous")
    assert result["zone_parcels"].tolist() == expected["zone_parcels"].tolist()
    assert result["area_m2"].to_numpy() == pytest.approx(expected["area_m2"].to_numpy(), rel=1e-12)
