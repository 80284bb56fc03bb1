"""Loading anyone's zone file: formats, encodings, CRSs, and every bad input with its message and its fix."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from conftest import PROJECT_ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import CRS

import geo
from geo import parcels as land_use
from geo.io import OutputFolder, atomic_path, read_zones, write_text

HANGUL_NAME = "빛그린국가산업단지"
BOX = shapely.box(126.67, 35.16, 126.68, 35.17)


def _frame(geometries, crs="EPSG:4326", **columns) -> gpd.GeoDataFrame:
    data = {"zone_id": [f"z{i}" for i in range(len(geometries))], **columns}
    return gpd.GeoDataFrame(data, geometry=list(geometries), crs=crs)


def _write(frame: gpd.GeoDataFrame, path, **options):
    pyogrio.write_dataframe(frame, path, **options)
    return path


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp", ".fgb"])
def test_every_format_loads_in_4326_with_the_same_area(tmp_path, suffix):
    path = _write(_frame([BOX], name_ko=[HANGUL_NAME]), tmp_path / f"zones{suffix}")
    zones = read_zones(path)
    assert zones.crs == CRS("EPSG:4326")
    assert zones["name_ko"].iloc[0] == HANGUL_NAME
    assert geo.area_m2(zones).iloc[0] == pytest.approx(geo.geodesic_area_m2(_frame([BOX])).iloc[0], rel=1e-9)


def test_geopackage_layer_is_chosen_with_layer(tmp_path):
    path = tmp_path / "zones.gpkg"
    _write(_frame([BOX]), path, layer="first")
    _write(_frame([BOX, shapely.box(126.7, 35.16, 126.71, 35.17)]), path, layer="second", append=False)
    assert len(read_zones(path, layer="second")) == 2
    with pytest.raises(geo.InputError, match=r"zones.gpkg: no layer 'third'; pass --layer with one of: first, second"):
        read_zones(path, layer="third")


@pytest.mark.parametrize("cpg", [None, "EUC-KR", "CP949", "949"])
def test_cp949_shapefile_reads_as_hangul_with_or_without_cpg(tmp_path, cpg):
    path = _write(_frame([BOX], dan_name=[HANGUL_NAME]), tmp_path / "damdan.shp", encoding="cp949")
    cpg_path = path.with_suffix(".cpg")
    cpg_path.unlink(missing_ok=True)
    if cpg is not None:
        cpg_path.write_text(cpg)
    zones = read_zones(path, name_field="dan_name")
    assert zones["name_ko"].iloc[0] == HANGUL_NAME


def test_utf8_shapefile_without_cpg_still_reads_as_hangul(tmp_path):
    path = _write(_frame([BOX], dan_name=[HANGUL_NAME]), tmp_path / "utf8.shp", encoding="utf-8")
    path.with_suffix(".cpg").unlink(missing_ok=True)
    assert read_zones(path, name_field="dan_name")["name_ko"].iloc[0] == HANGUL_NAME


@pytest.mark.parametrize("epsg", [5174, 5181, 5186, 5179, 4326, 3857])
def test_korean_crss_land_on_the_same_ground(tmp_path, epsg):
    truth = _frame([BOX])
    path = _write(truth.to_crs(epsg), tmp_path / f"z{epsg}.gpkg")
    loaded = read_zones(path)
    # Within 1 cm of the original corners: each CRS's datum transformation is applied both ways.
    assert shapely.hausdorff_distance(loaded.geometry.iloc[0], BOX) < 1e-7


def test_epsg5174_from_an_esri_prj_gets_its_bessel_datum_shift(tmp_path):
    path = _write(_frame([BOX]).to_crs(5174), tmp_path / "bessel.shp")
    path.with_suffix(".prj").write_text(CRS(5174).to_wkt("WKT1_ESRI"))
    loaded = read_zones(path)
    assert shapely.hausdorff_distance(loaded.geometry.iloc[0], BOX) < 1e-7
    # Without the datum shift the outline would land hundreds of metres away.
    naive = gpd.GeoSeries([BOX], crs=4326).to_crs(
        "+proj=tmerc +lat_0=38 +lon_0=127.0028902777778 +k=1 +x_0=200000 +y_0=500000 +ellps=bessel +units=m +no_defs"
    )
    shifted = naive.set_crs(5174, allow_override=True).to_crs(4326).iloc[0]
    assert shapely.hausdorff_distance(shifted, BOX) > 1e-3


def test_id_and_name_fields_map_the_official_schema(tmp_path):
    frame = gpd.GeoDataFrame(
        {"dan_id": ["D0001", "D0002"], "dan_name": ["진곡일반산업단지", "빛그린국가산업단지"]},
        geometry=[BOX, shapely.box(126.7, 35.16, 126.71, 35.17)],
        crs=4326,
    ).to_crs(5186)
    path = _write(frame, tmp_path / "damdan.gpkg")
    zones = read_zones(path, id_field="dan_id", name_field="dan_name")
    assert list(zones["zone_id"]) == ["D0001", "D0002"]
    assert list(zones["name_en"]) == ["진곡일반산업단지", "빛그린국가산업단지"]
    assert not zones["in_belt"].any() and (zones["geometry_quality"] == "supplied").all()
    assert list(read_zones(path, id_field="dan_id", belt_ids=["D0002"])["in_belt"]) == [False, True]
    with pytest.raises(geo.InputError, match=r"damdan.gpkg: no zone D9 for --belt; its zone ids include: D0001"):
        read_zones(path, id_field="dan_id", belt_ids=["D9"])
    with pytest.raises(
        geo.InputError, match=r"damdan.gpkg: no field .dan_code. for --id-field; its fields are: dan_id"
    ):
        read_zones(path, id_field="dan_code")


def test_z_values_are_dropped_with_a_notice(tmp_path, caplog):
    box_z = shapely.Polygon([(x, y, 12.0) for x, y in BOX.exterior.coords])
    path = _write(_frame([box_z]), tmp_path / "z.gpkg")
    with caplog.at_level(logging.WARNING):
        zones = read_zones(path)
    assert not zones.geometry.has_z.any()
    assert "dropped Z values from 1 features" in caplog.text


# Bad input: each problem names the file, the feature and the fix; then the fix works.


def test_missing_file(tmp_path):
    with pytest.raises(geo.InputFileNotFoundError, match=r"nothere.geojson: no such file; check the path"):
        read_zones(tmp_path / "nothere.geojson")


def test_empty_and_corrupt_files(tmp_path):
    empty = tmp_path / "empty.geojson"
    empty.write_text("")
    with pytest.raises(geo.InputError, match=r"empty.geojson: the file is empty \(0 bytes\)"):
        read_zones(empty)
    corrupt = tmp_path / "corrupt.gpkg"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\x13" * 500)
    with pytest.raises(geo.InputError, match=r"corrupt.gpkg: cannot be read as a vector file .*check that it is a"):
        read_zones(corrupt)
    no_features = tmp_path / "none.geojson"
    no_features.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(geo.InputError, match=r"none.geojson: has no features"):
        read_zones(no_features)


def test_missing_crs_suggests_assume_crs_which_then_works(tmp_path):
    path = _write(_frame([BOX]).to_crs(5186), tmp_path / "noprj.shp")
    path.with_suffix(".prj").unlink()
    with pytest.raises(geo.InputError, match=r"noprj.shp: has no CRS \(no .prj beside it\); pass --assume-crs"):
        read_zones(path)
    loaded = read_zones(path, assume_crs="EPSG:5186")
    assert shapely.hausdorff_distance(loaded.geometry.iloc[0], BOX) < 1e-7
    with pytest.raises(geo.InputError, match=r"--assume-crs 'EPSG:nonsense' is not a CRS"):
        read_zones(path, assume_crs="EPSG:nonsense")


def test_swapped_lat_lon_is_named(tmp_path):
    swapped = shapely.transform(BOX, lambda xy: xy[:, ::-1])
    path = _write(_frame([BOX, swapped], zone_id=["ok", "jingok"]), tmp_path / "zones.geojson")
    with pytest.raises(
        geo.InputError,
        match=r"zones.geojson feature 2 \(jingok\): coordinates look like lat/lon swapped \(x=35.16, y=126.7\)",
    ):
        read_zones(path)


def test_coordinates_outside_korea_and_degrees_labelled_as_metres(tmp_path):
    far = shapely.box(2.3, 48.8, 2.4, 48.9)
    path = _write(_frame([far]), tmp_path / "paris.geojson")
    with pytest.raises(geo.InputError, match=r"paris.geojson feature 1 \(z0\): lies outside Korea"):
        read_zones(path)
    mislabelled = _write(_frame([BOX]).set_crs(5186, allow_override=True), tmp_path / "mislabelled.gpkg")
    with pytest.raises(geo.InputError, match=r"coordinates look like degrees .* but the file says EPSG:5186"):
        read_zones(mislabelled)


def test_non_polygon_and_empty_geometry(tmp_path):
    line = shapely.LineString([(126.7, 35.1), (126.8, 35.2)])
    path = _write(_frame([BOX, line]), tmp_path / "mixed.gpkg")
    with pytest.raises(geo.InputError, match=r"mixed.gpkg feature 2 \(z1\): is a LineString, not a polygon"):
        read_zones(path)
    frame = _frame([BOX, BOX])
    frame.loc[1, "geometry"] = None
    path = _write(frame, tmp_path / "null.geojson")
    with pytest.raises(geo.InputError, match=r"null.geojson feature 2 \(z1\): has no geometry"):
        read_zones(path)


#: A square with a small loop where its top edge crosses itself: invalid, and make_valid's repair (the square
#: plus a 0.1 % sliver) is what was meant.
LOOPED = shapely.Polygon(
    [(126.70, 35.15), (126.71, 35.15), (126.71, 35.16), (126.705, 35.16), (126.705, 35.1605), (126.7051, 35.1605),
     (126.7051, 35.1599), (126.70, 35.16)]
)  # fmt: skip


def test_invalid_geometry_suggests_fix_which_repairs_it(tmp_path, caplog):
    path = _write(_frame([LOOPED], zone_id=["loop"]), tmp_path / "looped.geojson")
    with pytest.raises(
        geo.InputError,
        match=r"looped.geojson feature 1 \(loop\): invalid geometry \(Self-intersection"
        r".*\); pass --fix to repair it with make_valid",
    ):
        read_zones(path)
    with caplog.at_level(logging.WARNING):
        fixed = read_zones(path, fix=True)
    assert fixed.geometry.iloc[0].is_valid and fixed.geometry.iloc[0].geom_type == "MultiPolygon"
    assert "repaired invalid geometry" in caplog.text and "became MultiPolygon of 2 parts" in caplog.text
    # the area before and after, in m² on GRS80
    before, after = (float(x.replace(",", "")) for x in re.findall(r"([\d,.]+) m² (?:before|after)", caplog.text))
    assert 1.0e6 < before < after < before * 1.01
    assert path.read_text().count("126.7") > 0  # the input file is untouched


def test_prepare_zones_never_changes_the_frame_it_is_given():
    frame = _frame([LOOPED, BOX], zone_id=["loop", "box"], in_belt=["true", "0"], part=[None, "east"])
    before = frame.copy()
    zones = geo.io.prepare_zones(frame, "given.geojson", fix=True)
    assert zones.geometry.iloc[0].is_valid and list(zones["feature_id"]) == ["loop", "box/east"]
    pd.testing.assert_frame_equal(frame, before)
    assert frame.geometry.iloc[0] is before.geometry.iloc[0] and not frame.geometry.iloc[0].is_valid


BOX_AT = shapely.box(126.70, 35.15, 126.71, 35.16)


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        # zero area: make_valid gives lines
        (shapely.Polygon([(126.70, 35.15), (126.71, 35.15), (126.72, 35.15), (126.70, 35.15)]), "not a polygon"),
        # a hole larger than its outline: make_valid turns it inside out, eight times larger
        (
            shapely.Polygon(shapely.box(126.703, 35.153, 126.707, 35.157).exterior.coords, [BOX_AT.exterior.coords]),
            "its rings enclose no area as drawn",
        ),
        # a figure eight whose lobes cancel: make_valid's two triangles are not what the ring encloses
        (shapely.Polygon([(126.70, 35.15), (126.71, 35.16), (126.71, 35.15), (126.70, 35.16)]), "no area as drawn"),
        # a bow tie with unequal lobes: make_valid adds the small lobe instead of removing it
        (
            shapely.Polygon([(126.70, 35.15), (126.72, 35.17), (126.72, 35.15), (126.71, 35.16), (126.70, 35.16)]),
            "more than the 1 % a repair may change",
        ),
    ],
)
def test_fix_refuses_a_repair_that_changes_what_the_zone_is(tmp_path, geometry, message):
    path = _write(_frame([BOX_AT, geometry], zone_id=["ok", "bad"]), tmp_path / "zones.geojson")
    with pytest.raises(geo.InputError) as raised:
        read_zones(path, fix=True)
    text = str(raised.value)
    assert text.startswith("zones.geojson feature 2 (bad): invalid geometry (") and "\n" not in text
    assert "that --fix cannot repair" in text and message in text and "redraw the outline" in text


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(126.70, 126.72), st.floats(35.15, 35.17)), min_size=4, max_size=8).map(
        lambda xy: shapely.Polygon([*xy, xy[0]])
    )
)
def test_fix_keeps_only_polygons_of_the_area_drawn(geometry):
    """Whatever the ring, --fix gives a valid (multi)polygon within 1 % of the area it encloses, or an error."""
    from geo._validate import REPAIR_AREA_TOLERANCE

    frame = _frame([geometry], zone_id=["z"])
    try:
        fixed = geo.io.prepare_zones(frame, "z.geojson", fix=True)
    except geo.InputError as error:
        assert str(error).startswith("z.geojson feature 1 (z): ") and "\n" not in str(error)
        return
    result = fixed.geometry.iloc[0]
    assert result.is_valid and not result.is_empty and result.geom_type in {"Polygon", "MultiPolygon"}
    assert abs(result.area - geometry.area) <= REPAIR_AREA_TOLERANCE * geometry.area + 1e-15


def test_duplicate_ids_are_named_and_another_id_field_fixes_them(tmp_path):
    frame = _frame([BOX, shapely.box(126.7, 35.16, 126.71, 35.17)], zone_id=["same", "same"], code=["c1", "c2"])
    path = _write(frame, tmp_path / "dups.geojson")
    with pytest.raises(geo.InputError, match=r"dups.geojson features 1 and 2 share the id 'same'; make ids unique"):
        read_zones(path)
    assert list(read_zones(path, id_field="code")["zone_id"]) == ["c1", "c2"]


def test_all_problems_are_reported_at_once(tmp_path):
    line = shapely.LineString([(126.7, 35.1), (126.8, 35.2)])
    swapped = shapely.transform(BOX, lambda xy: xy[:, ::-1])
    path = _write(_frame([line, swapped, BOX], zone_id=["a", "b", "a"]), tmp_path / "many.geojson")
    with pytest.raises(geo.InputError) as raised:
        read_zones(path)
    message = str(raised.value)
    assert message.startswith("many.geojson: 3 problems: ")
    assert "feature 1 (a): is a LineString" in message
    assert "feature 2 (b): coordinates look like lat/lon swapped" in message
    assert "features 1 and 3 share the id 'a'" in message
    assert "\n" not in message


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.binary(min_size=1, max_size=300))
def test_random_bytes_never_escape_as_anything_but_input_error(tmp_path, garbage):
    path = tmp_path / "random.geojson"
    path.write_bytes(garbage)
    try:
        read_zones(path)
    except geo.InputError as error:
        assert "random.geojson" in str(error)


def test_atomic_write_leaves_the_previous_file_when_the_block_fails(tmp_path):
    target = tmp_path / "out.txt"
    write_text(target, "old")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_an_output_never_overwrites_an_input(tmp_path):
    source = tmp_path / "zones.shp"
    source.write_text("input")
    with pytest.raises(geo.OutputError, match=r"is one of the inputs; write the output somewhere else"):
        write_text(tmp_path / "zones.dbf", "x", protect=(source,))
    assert source.read_text() == "input"
    # The same name with a suffix that is not part of a shapefile is another file.
    assert write_text(tmp_path / "zones.gpkg", "x", protect=(source,)).read_text() == "x"


def test_an_output_folder_records_what_it_wrote_and_never_writes_over_its_inputs(tmp_path):
    source = tmp_path / "zones.geojson"
    source.write_text("input")
    folder = OutputFolder(tmp_path, protect=(source,))
    folder.text("a.md", "# a\n")
    folder.bytes("b.bin", b"\x00" * 10)
    with folder.path_for("c.txt") as temporary:
        temporary.write_text("ccc")
    (folder / "d.csv").text("x,y\n")
    assert folder.sizes() == [("a.md", 4), ("b.bin", 10), ("c.txt", 3), ("d.csv", 4)]
    with pytest.raises(geo.OutputError, match="is one of the inputs"):
        folder.text("zones.geojson", "overwritten")
    with pytest.raises(geo.OutputError, match="the build would write over it"):
        folder.refuse_overwriting(["a.md", "zones.geojson"])
    assert source.read_text() == "input" and len(folder.written) == 4
    with pytest.raises(geo.OutputError, match="is a file, not a folder"):
        OutputFolder(source).refuse_overwriting([])


def test_a_failed_write_names_the_target_not_the_temporary_file(tmp_path):
    (tmp_path / "folder").write_text("a file where a folder should be")
    with pytest.raises(geo.OutputError, match=r"folder: is a file, not a folder"):
        write_text(tmp_path / "folder" / "out.txt", "x")


def test_official_area_and_in_belt_columns_are_coerced(tmp_path):
    frame = _frame([BOX, shapely.box(126.7, 35.16, 126.71, 35.17)], in_belt=["false", "1"], official_area_m2=["12", ""])
    zones = read_zones(_write(frame, tmp_path / "typed.geojson"))
    assert list(zones["in_belt"]) == [False, True]
    assert zones["official_area_m2"].iloc[0] == 12 and np.isnan(zones["official_area_m2"].iloc[1])
    assert isinstance(zones, gpd.GeoDataFrame) and not isinstance(zones["zone_id"], pd.DataFrame)


def test_a_geopackage_with_several_layers_needs_layer(tmp_path):
    path = tmp_path / "many.gpkg"
    _write(_frame([BOX]), path, layer="parcels")
    _write(_frame([BOX]), path, layer="zones", append=False)
    with pytest.raises(geo.InputError, match=r"many.gpkg: has 2 layers; pass --layer with one of: parcels, zones"):
        read_zones(path)
    assert len(read_zones(path, layer="zones")) == 1


def test_whole_number_ids_read_as_floats_lose_their_decimal(tmp_path):
    frame = _frame([BOX, shapely.box(126.7, 35.16, 126.71, 35.17)])
    frame["code"] = [1.0, 2.0]
    zones = read_zones(_write(frame, tmp_path / "codes.geojson"), id_field="code", belt_ids=["1"])
    assert list(zones["zone_id"]) == ["1", "2"] and list(zones["in_belt"]) == [True, False]


# --- shapefile parts and .prj ---------------------------------------------------------------------------


@pytest.mark.parametrize(("removed", "named"), [(".dbf", "zones.dbf (its attributes)"), (".shx", "zones.shx")])
def test_a_shapefile_without_its_dbf_or_shx_names_the_missing_file(tmp_path, removed, named):
    path = _write(_frame([BOX], name_ko=[HANGUL_NAME]), tmp_path / "zones.shp")
    path.with_suffix(removed).unlink()
    with pytest.raises(geo.InputError) as raised:
        read_zones(path)
    message = str(raised.value)
    assert message.startswith(f"zones.shp: {named}") and "missing beside it" in message and "\n" not in message


def test_sidecars_in_upper_case_count(tmp_path):
    path = _write(_frame([BOX], name_ko=[HANGUL_NAME]), tmp_path / "zones.shp")
    path.with_suffix(".dbf").rename(path.with_suffix(".DBF"))
    assert read_zones(path)["name_ko"].iloc[0] == HANGUL_NAME


@pytest.mark.parametrize(
    ("prj", "reason"),
    [
        ("garbage", "zones.prj is not a CRS GDAL or PROJ can read"),
        ("", "zones.prj is empty"),
        (None, "no .prj beside it"),
    ],
)
def test_a_bad_prj_is_reported_as_what_is_wrong_with_it(tmp_path, prj, reason):
    path = _write(_frame([BOX]), tmp_path / "zones.shp")
    if prj is None:
        path.with_suffix(".prj").unlink()
    else:
        path.with_suffix(".prj").write_text(prj)
    with pytest.raises(geo.InputError, match=r"^zones.shp: has no CRS \(") as raised:
        read_zones(path)
    assert reason in str(raised.value) and "--assume-crs" in str(raised.value)
    assert (prj is None) == ("no .prj beside it" in str(raised.value))


# --- ids as text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [([7, 101], ["7", "101"]), ([7.0, 101.0], ["7", "101"]), (["007", "0101"], ["007", "0101"])],
)
@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".shp"])
def test_zone_ids_and_names_are_text(tmp_path, values, expected, suffix):
    path = _write(_frame([BOX, shapely.box(126.7, 35.16, 126.71, 35.17)], code=values), tmp_path / f"z{suffix}")
    zones = read_zones(path, id_field="code", name_field="code")
    assert list(zones["zone_id"]) == expected and list(zones["feature_id"]) == expected
    assert list(zones["name_ko"]) == expected and list(zones["name_en"]) == expected


@given(st.lists(st.from_regex(r"\A[0-9]{1,6}\Z"), min_size=1, max_size=3, unique=True))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_leading_zeros_survive_every_text_format(tmp_path, ids):
    boxes = [shapely.box(126.7, 35.1 + 0.02 * i, 126.71, 35.11 + 0.02 * i) for i in range(len(ids))]
    for suffix in (".gpkg", ".geojson"):
        path = tmp_path / f"ids{suffix}"
        path.unlink(missing_ok=True)
        _write(_frame(boxes, zone_id=ids), path)
        assert list(read_zones(path)["zone_id"]) == ids


def test_tables_are_read_as_text(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,value\n007,1.50\n101,\n")
    table = geo.io.read_table(path)
    assert list(table["id"]) == ["007", "101"] and table["value"].iloc[0] == "1.50"
    assert pd.isna(table["value"].iloc[1])


# --- writing: temporary files, full disks, read-only folders ---------------------------------------------


def test_temporary_files_are_hidden_in_their_own_folder_and_removed(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_path(target) as temporary:
        # in a folder of this write alone, inside the hidden folder
        assert temporary.parent.parent == tmp_path / geo.io.TEMPORARY_FOLDER
        assert temporary.parent.name.startswith(f"{os.getpid()}-")
        assert temporary.name.startswith(f"{os.getpid()}-") and temporary.suffix == ".txt"
        temporary.write_text("new")
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_build_killed_mid_write_leaves_nothing_a_later_write_does_not_sweep(tmp_path):
    target = tmp_path / "belt_en.html"
    write_text(target, "old")
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(target)], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert child.stdout.readline().strip() == "writing"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        child.kill()
        child.stdout.close()
    assert target.read_text() == "old"
    # what the killed run left is hidden, in the temporary folder, never beside the outputs
    left = [p for p in tmp_path.rglob("*") if p.is_file() and p != target]
    assert left and all(p.relative_to(tmp_path).parts[0] == geo.io.TEMPORARY_FOLDER for p in left)
    write_text(tmp_path / "index.html", "next run")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["belt_en.html", "index.html"]


KILLED_WRITER = """
import sys, time
from geo.io import atomic_path
with atomic_path(sys.argv[1]) as temporary:
    temporary.write_text("half a map")
    print("writing", flush=True)
    time.sleep(60)
"""


CONCURRENT_WRITER = """
import sys
from geo.io import OutputFolder

out = OutputFolder(sys.argv[1])
for n in range(int(sys.argv[3])):
    out.text(f"{sys.argv[2]}_{n}.txt", sys.argv[2] * 100)
"""


def test_processes_writing_into_one_folder_at_once_never_break_each_others_writes(tmp_path):
    # Each write used to remove the shared temporary folder once it looked empty, while another process was
    # about to write into it: "cannot be written (No such file or directory)" in most rounds.
    writers, files = 4, 150
    for round_ in range(3):
        folder = tmp_path / f"round{round_}"
        children = [
            subprocess.Popen(
                [sys.executable, "-c", CONCURRENT_WRITER, str(folder), f"w{i}", str(files)],
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(writers)
        ]
        try:
            errors = [child.communicate(timeout=120)[1] for child in children]
        finally:
            for child in children:
                child.kill()
        assert [child.returncode for child in children] == [0] * writers, errors
        assert len(list(folder.iterdir())) == writers * files  # and no temporary folder left
        assert (folder / f"w3_{files - 1}.txt").read_text() == "w3" * 100


def test_a_killed_runs_leftovers_in_the_old_layout_are_swept(tmp_path):
    # Before each write had a folder of its own, temporary files lay directly in the hidden folder.
    hidden = tmp_path / geo.io.TEMPORARY_FOLDER
    hidden.mkdir()
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(child.stdout)
    (hidden / f"{dead}-0123abcd.html").write_text("half a map")
    (hidden / f"{dead}-4567cdef").mkdir()
    (hidden / f"{dead}-4567cdef" / f"{dead}-4567cdef.gpkg").write_text("half a package")
    write_text(tmp_path / "audit.md", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["audit.md"]


def test_leftovers_of_the_old_scheme_are_swept(tmp_path):
    old = tmp_path / ".belt_en.html.k3j_9xq2.html"
    old.write_text("half")
    os.utime(old, (time.time() - 7200,) * 2)
    recent = tmp_path / ".zones.gpkg.abcdefgh.gpkg"
    recent.write_text("being written by an old version")
    user = tmp_path / ".hidden"
    user.write_text("a user's file")
    write_text(tmp_path / "audit.md", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".hidden", ".zones.gpkg.abcdefgh.gpkg", "audit.md"]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES])
def test_a_disk_fault_while_writing_is_one_line_and_keeps_the_previous_file(tmp_path, monkeypatch, code):
    target = tmp_path / "audit.json"
    write_text(target, "previous")
    written = []

    def failing_write(descriptor, data):
        if written:
            raise OSError(code, os.strerror(code))
        written.append(len(data))
        return real_write(descriptor, data[: len(data) // 2])  # a short write, then the fault

    real_write = os.write
    monkeypatch.setattr(os, "write", failing_write)
    with pytest.raises(geo.OutputError) as raised:
        write_text(target, "x" * 10_000)
    message = str(raised.value)
    assert message.startswith(f"{target}: cannot be written ({os.strerror(code)}); ") and "\n" not in message
    assert "the previous file is unchanged" in message and "--out" in message
    assert target.read_text() == "previous" and sorted(p.name for p in tmp_path.iterdir()) == ["audit.json"]


@pytest.mark.parametrize(
    "error",
    [
        pyogrio.errors.DataSourceError("Failed to write: No space left on device"),
        sqlite3.OperationalError("database or disk is full"),
        pyogrio.errors.DataLayerError("sqlite3_exec(COMMIT) failed: attempt to write a readonly database"),
    ],
)
def test_gdal_and_sqlite_disk_faults_are_output_errors(tmp_path, error):
    target = tmp_path / "belt.gpkg"
    write_text(target, "previous")
    with pytest.raises(geo.OutputError, match=r"belt.gpkg: cannot be written \((No space|Read-only)"):
        with atomic_path(target) as temporary:
            temporary.write_text("half")
            raise error
    assert target.read_text() == "previous" and sorted(p.name for p in tmp_path.iterdir()) == ["belt.gpkg"]


def test_a_program_fault_while_writing_is_not_disguised(tmp_path):
    with pytest.raises(KeyError), atomic_path(tmp_path / "x.gpkg"):
        raise KeyError("a bug")
    with pytest.raises(pyogrio.errors.FieldError), atomic_path(tmp_path / "x.gpkg"):
        raise pyogrio.errors.FieldError("unsupported field type")


@contextlib.contextmanager
def _tmpfs(mount_point, size: str):
    """A tmpfs of ``size`` at ``mount_point`` (needs root, as in CI); skipped where it cannot be mounted, except
    under CI=true."""
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if done.returncode != 0:
        if os.environ.get("CI", "").lower() in {"true", "1"} and os.geteuid() == 0:
            pytest.fail(f"cannot mount a tmpfs as root under CI=true: {done.stderr.decode(errors='replace')}")
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def small_disk(tmp_path):
    """A 256 kB tmpfs."""
    with _tmpfs(tmp_path / "disk", "256k") as mount_point:
        yield mount_point


def _cli(*args, **environment):
    env = {**os.environ, **environment}
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "build_maps.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_a_full_disk_is_one_line_exit_2_and_the_previous_file_stays(small_disk):
    target = small_disk / "zones.geojson"
    first = _cli("export", "--out", str(target))
    assert first.returncode == 0, first.stderr
    before = target.read_bytes()
    descriptor = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT)
    with contextlib.suppress(OSError):
        while os.write(descriptor, b"\0" * 4096):
            pass
    os.close(descriptor)
    for out in (target, small_disk / "belt.gpkg", small_disk / "zone_areas.csv"):
        result = _cli("export", "--out", str(out))
        assert result.returncode == 2, result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"error: {out}: cannot be written (No space left on device); free some space")
    assert target.read_bytes() == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "zones.geojson"]


def _fill(disk, *, leave: int) -> None:
    """Fill ``disk`` until about ``leave`` bytes are free (a page more or less)."""
    size = shutil.disk_usage(disk).free - leave
    with open(disk / "filler", "wb") as filler, contextlib.suppress(OSError):
        filler.write(b"\0" * max(size, 0))


def _parcels_table(zones):
    parcels = gpd.GeoDataFrame(
        {"jimok": ["대", "전"] * len(zones)},
        geometry=[part for g in zones.geometry for part in (g.buffer(-0.001), g.buffer(-0.004))],
        crs=zones.crs,
    )
    return land_use.land_audit(zones, parcels, land_field="jimok")


def _fetched_layer(out, zones):
    """What ``fetch`` writes: the layer and its metadata table, in one GeoPackage (two GDAL writes)."""
    from geo.vworld import _geopackage
    from geo.vworld._types import FetchResult

    result = FetchResult(out, "LT_C_DAMDAN", len(zones), 1, "2024-01-01T00:00:00Z", None, None, "https://x.test")
    metadata = {"geom_filter": "", "attr_filter": "dan_name:like:빛그린"}
    _geopackage.write_geopackage(geo.io.output_file(out), zones[["zone_id", "geometry"]], result, metadata)
    return out


#: Every kind of writer, by what it writes with: each gets an output path and (zones, audit).
WRITERS = {
    "reports": lambda out, zones, audit: geo.report.write_reports(OutputFolder(out.parent), audit)[0],
    "map": lambda out, zones, audit: OutputFolder(out.parent).text(out.name, "<p>belt</p>" * 20_000),
    "geopackage": lambda out, zones, audit: geo.export.export_geopackage(out, zones, audit),
    "geojson": lambda out, zones, audit: geo.export.export_geojson(out, zones, audit),
    "csv": lambda out, zones, audit: geo.export.export_zone_areas(out, zones, audit),
    "geotiff": lambda out, zones, audit: geo.raster.rasterize_zones(zones, out, resolution_m=2),
    "parquet": lambda out, zones, audit: land_use.write_parquet(_parcels_table(zones), out),
    "fetched": lambda out, zones, audit: _fetched_layer(out, zones),
}
SUFFIXES = {"reports": ".json", "map": ".html", "geopackage": ".gpkg", "geojson": ".geojson", "csv": ".csv",
            "geotiff": ".tif", "parquet": ".parquet", "fetched": ".gpkg"}  # fmt: skip


@pytest.mark.parametrize("writer", WRITERS)
def test_every_writer_on_a_filling_disk_fails_with_one_line_and_leaves_nothing(
    small_disk, belt_zones, belt_audit, writer
):
    """With a little room left, not none: GDAL used to hide the full disk behind a later error ("no such table:
    gpkg_contents", "TIFFAppendToStrip: Seek error"), an internal error, and libtiff could crash the process."""
    out = small_disk / "out" / f"audit{SUFFIXES[writer]}"
    failed = []
    for leave_kib in (0, 4, 8, 16, 32, 64, 128):
        shutil.rmtree(out.parent, ignore_errors=True)
        (small_disk / "filler").unlink(missing_ok=True)
        _fill(small_disk, leave=leave_kib * 1024)
        try:
            written = WRITERS[writer](out, belt_zones, belt_audit)
        except geo.OutputError as error:
            message = str(error)
            assert message.startswith(f"{out.parent}/") and "\n" not in message
            assert ": cannot be written (No space left on device); free some space or pass --out" in message
            failed.append(leave_kib)
        else:
            assert written.stat().st_size > 0
        left = list(out.parent.glob(".*")) if out.parent.exists() else []
        assert not left, left
    assert failed, "the disk never filled"


def test_a_geotiff_on_a_filling_disk_is_one_line_exit_2(small_disk, belt_zone_file):
    # Through the command line, in a process of its own: libtiff writing to a full disk could crash it.
    out = small_disk / "mask.tif"
    codes = set()
    for leave_kib in (0, 8, 16, 32, 64):
        (small_disk / "filler").unlink(missing_ok=True)
        _fill(small_disk, leave=leave_kib * 1024)
        result = _cli("raster", "rasterize", "--zones", str(belt_zone_file), "--out", str(out), "--resolution", "2")
        codes.add(result.returncode)
        if result.returncode != 0:
            assert result.returncode == 2, result.stderr
            (line,) = result.stderr.strip().splitlines()
            assert line.startswith(f"error: {out}: cannot be written (No space left on device); free some space")
    assert 2 in codes
    assert sorted(p.name for p in small_disk.iterdir()) in (["filler"], ["filler", "mask.tif"])


def test_a_build_on_a_filling_disk_is_one_line_exit_2_wherever_the_disk_fills(
    tmp_path, belt_zone_file, belt_claims_file
):
    """A build_maps.py build whose disk fills during the reports, the GeoTIFF, the maps, the GeoPackage or the
    GeoJSON (it writes about 2 MB): each time one line naming the file, exit 2, and no temporary file left."""
    with _tmpfs(tmp_path / "disk", "3m") as disk:
        out = disk / "maps"
        codes = []
        for leave_kib in (0, 8, 100, 400, 1000, 1700, 2000, 2400):
            shutil.rmtree(out, ignore_errors=True)
            (disk / "filler").unlink(missing_ok=True)
            _fill(disk, leave=leave_kib * 1024)
            inputs = ["--zones", str(belt_zone_file), "--claims", str(belt_claims_file)]
            result = _cli(*["--lang", "en", "--out", str(out), *inputs])
            codes.append(result.returncode)
            if result.returncode != 0:
                assert result.returncode == 2, (leave_kib, result.stderr)
                (line,) = result.stderr.strip().splitlines()
                assert re.fullmatch(
                    rf"error: {re.escape(str(out))}/[^/]+: cannot be written \(No space left on device\); free some "
                    r"space or pass --out a folder on another disk; the previous file is unchanged",
                    line,
                ), line
            assert not [p.name for p in out.glob(".*")]
        assert codes.count(2) >= 5 and codes[-1] == 0, codes


def test_pngs_and_pdfs_from_chromium_on_a_full_disk_are_one_line(
    small_disk, tmp_path, belt_zones, belt_audit, needs_browser
):
    from geo import factsheet, maps, screenshot

    html = tmp_path / "belt_en.html"
    html.write_text(maps.render_html(maps.belt_map(belt_zones, belt_audit, language="en")), encoding="utf-8")
    _fill(small_disk, leave=0)
    no_space = r": cannot be written \(No space left on device\); free some space or pass --out a folder on another"
    with pytest.raises(geo.OutputError, match=re.escape(str(small_disk / "belt_en.png")) + no_space):
        screenshot.screenshot(html, small_disk / "belt_en.png")
    with pytest.raises(geo.OutputError, match=re.escape(str(small_disk / "factsheet_belt_en.pdf")) + no_space):
        factsheet.write_factsheets(small_disk, belt_zones, belt_audit, languages=("en",), zone_ids=[])
    assert [p.name for p in small_disk.iterdir()] == ["filler"]


def test_a_read_only_folder_is_one_line_exit_2(tmp_path):
    folder = tmp_path / "readonly"
    folder.mkdir()
    (folder / "zone_areas.csv").write_text("previous")
    if os.geteuid() == 0:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True, check=False
        )
        if mounted.returncode != 0:
            if os.environ.get("CI", "").lower() in {"true", "1"}:
                pytest.fail("root cannot be refused a write without mounting a read-only file system")
            pytest.skip("as root, a read-only folder needs a read-only mount, which is not allowed here")
        (folder / "zone_areas.csv").write_text("previous")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        expected = os.strerror(errno.EROFS)
    else:
        folder.chmod(0o555)
        expected = os.strerror(errno.EACCES)
    try:
        for out in ("zone_areas.csv", "zones.geojson", "belt.gpkg"):
            result = _cli("export", "--out", str(folder / out))
            assert result.returncode == 2, result.stderr
            (line,) = result.stderr.strip().splitlines()
            assert line.startswith(f"error: {folder / out}: cannot be written ({expected}); pass --out a folder")
        assert (folder / "zone_areas.csv").read_text() == "previous"
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        else:
            folder.chmod(0o755)


def test_attribute_tables_beside_one_geometry_layer_need_no_layer_option(tmp_path, square_zones):
    import pandas as pd
    import pyogrio

    path = tmp_path / "fetched.gpkg"
    pyogrio.write_dataframe(square_zones, path, layer="LT_C_DAMDAN")
    pyogrio.write_dataframe(pd.DataFrame({"key": ["layer"]}), path, layer="fetch_metadata", driver="GPKG")
    assert list(geo.load_zones(path)["zone_id"]) == ["a", "b"]
    pyogrio.write_dataframe(square_zones, path, layer="second")
    with pytest.raises(geo.InputError, match="has 2 layers; pass --layer with one of: LT_C_DAMDAN, second"):
        geo.load_zones(path)


# --- large layers: the fast reader, columns converted in bulk, streamed writes ---------------------------


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".fgb"])
def test_the_fast_reader_reads_what_the_feature_by_feature_reader_reads(tmp_path, suffix):
    boxes = [shapely.box(126.67 + 0.02 * i, 35.16, 126.68 + 0.02 * i, 35.17) for i in range(3)]
    frame = _frame(
        boxes,
        zone_id=["007", "b", "c"],
        code=[7.0, 101.0, np.nan],
        name_ko=[HANGUL_NAME, None, "진곡"],
        part=[None, "east", "c"],
        in_belt=[True, False, True],
        official_area_m2=[1.5e6, np.nan, 2e6],
        count=[1, 2, 3],
    )
    path = _write(frame, tmp_path / f"zones{suffix}")
    fast = read_zones(path)  # UTF-8 formats are read through Arrow
    pd.testing.assert_frame_equal(fast, read_zones(path, encoding="utf-8"))  # an encoding: feature by feature
    rows = fast.set_index("zone_id")
    assert rows.loc["b", "feature_id"] == "b/east" and rows.loc["c", "feature_id"] == "c"
    assert rows.loc["007", "name_ko"] == HANGUL_NAME and rows.loc["b", "name_ko"] == "b"


def test_a_geojson_that_is_not_utf8_is_named_and_its_encoding_reads_it(tmp_path):
    feature = {
        "type": "Feature",
        "properties": {"zone_id": "z", "name_ko": HANGUL_NAME},
        "geometry": BOX.__geo_interface__,
    }
    path = tmp_path / "cp949.geojson"
    path.write_bytes(
        json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False).encode("cp949")
    )
    with pytest.raises(
        geo.InputError, match=r"^cp949.geojson: its text is not in the declared encoding; pass --encoding"
    ):
        read_zones(path)
    assert read_zones(path, encoding="cp949")["name_ko"].iloc[0] == HANGUL_NAME


def test_ids_from_a_number_column_with_gaps_are_text_and_a_gap_is_no_id(tmp_path):
    frame = _frame([BOX, shapely.box(126.7, 35.16, 126.71, 35.17), shapely.box(126.72, 35.16, 126.73, 35.17)])
    frame["code"] = [7.0, 1.5, np.nan]
    path = _write(frame, tmp_path / "gaps.gpkg")
    with pytest.raises(geo.InputError, match=r"gaps.gpkg feature 3: has no id; fill it in or pick another --id-field"):
        read_zones(path, id_field="code")
    frame["code"] = [7.0, 1.5, 101.0]
    zones = read_zones(_write(frame, tmp_path / "whole.gpkg"), id_field="code")
    assert list(zones["zone_id"]) == ["7", "1.5", "101"]


@pytest.mark.parametrize(
    ("values", "expected"), [([0, 1, 1], [False, True, True]), (["yes", "N", "t"], [True, False, True])]
)
def test_in_belt_numbers_and_words_are_read_as_booleans(tmp_path, values, expected):
    boxes = [shapely.box(126.67 + 0.02 * i, 35.16, 126.68 + 0.02 * i, 35.17) for i in range(3)]
    zones = read_zones(_write(_frame(boxes, in_belt=values), tmp_path / "belt.geojson"))
    assert list(zones["in_belt"]) == expected


def test_an_in_belt_that_is_neither_true_nor_false_is_named(tmp_path):
    path = _write(_frame([BOX], in_belt=["maybe"]), tmp_path / "belt.geojson")
    with pytest.raises(geo.InputError, match=r"^belt.geojson: in_belt must be true or false \(got 'maybe'\)$"):
        read_zones(path)


def test_write_stream_is_atomic_and_escapes_what_utf8_cannot_hold(tmp_path):
    target = tmp_path / "audit.json"
    write_text(target, "previous")

    def interrupted(stream):
        stream.write("half a report")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        geo.io.write_stream(target, interrupted)
    assert target.read_text() == "previous" and [p.name for p in tmp_path.iterdir()] == ["audit.json"]
    assert geo.io.write_stream(target, lambda stream: stream.write("빛\ud800\n")) == target
    assert target.read_bytes() == "빛\\ud800\n".encode() and [p.name for p in tmp_path.iterdir()] == ["audit.json"]


def test_a_shared_id_over_many_features_is_still_one_short_line(tmp_path):
    boxes = [shapely.box(126.70 + 0.001 * i, 35.15, 126.7009 + 0.001 * i, 35.151) for i in range(2000)]
    path = tmp_path / "parcels.geojson"
    gpd.GeoDataFrame({"zone_id": ["many"] * 2000}, geometry=boxes, crs="EPSG:4326").to_file(path)
    with pytest.raises(geo.InputError) as raised:
        geo.load_zones(path)
    message = str(raised.value)
    assert "parcels.geojson features 1, 2, 3, 4, 5 and 1,995 more share the id 'many'" in message
    assert len(message) < 200 and "\n" not in message


def test_a_one_zero_in_belt_column_with_a_gap_reads_as_flags(tmp_path):
    boxes = [shapely.box(126.70 + 0.01 * i, 35.15, 126.705 + 0.01 * i, 35.155) for i in range(3)]
    frame = gpd.GeoDataFrame({"zone_id": ["a", "b", "c"], "in_belt": [1.0, np.nan, 0.0]}, geometry=boxes, crs=4326)
    zones = geo.io.prepare_zones(frame, "inbelt.geojson")
    assert zones["in_belt"].tolist() == [True, False, False]
    with pytest.raises(geo.InputError, match=r"in_belt must be true or false \(got 0.5\)"):
        geo.io.prepare_zones(frame.assign(in_belt=[1.0, 0.5, 0.0]), "inbelt.geojson")


# --- coordinates that are not numbers ----------------------------------------------------------------------

GOOD_RING = "[[126.70, 35.15], [126.71, 35.15], [126.71, 35.16], [126.70, 35.16], [126.70, 35.15]]"


def _geojson_with_ring(path, ring: str):
    """A zone file written by hand, as JSON encoders that write NaN and Infinity (Python's json, GDAL) do."""
    features = [
        f'{{"type": "Feature", "properties": {{"zone_id": "{zone_id}"}}, '
        f'"geometry": {{"type": "Polygon", "coordinates": [{coordinates}]}}}}'
        for zone_id, coordinates in (("ok", GOOD_RING), ("jingok", ring))
    ]
    path.write_text('{"type": "FeatureCollection", "features": [' + ", ".join(features) + "]}")
    return path


@pytest.mark.parametrize(
    ("vertex", "shown"),
    [
        ("[NaN, 35.205]", "x=nan, y=35.205"),
        ("[Infinity, 35.205]", "x=inf, y=35.205"),
        ("[126.79, -Infinity]", "x=126.79, y=-inf"),
    ],
)
def test_a_vertex_that_is_nan_or_infinite_is_one_line_naming_the_feature(tmp_path, vertex, shown):
    ring = f"[[126.78, 35.205], {vertex}, [126.79, 35.21], [126.78, 35.21], [126.78, 35.205]]"
    path = _geojson_with_ring(tmp_path / "zones.geojson", ring)
    expected = (
        f"zones.geojson feature 2 (jingok): vertex 2 has coordinates that are not finite numbers ({shown}), so no "
        "area can be measured; fix or delete that vertex in a GIS and export again"
    )
    for fix in (False, True):  # --fix cannot repair it (make_valid used to fail inside GEOS: exit 3)
        with pytest.raises(geo.InputError) as raised:
            read_zones(path, fix=fix)
        assert str(raised.value) == expected
    # the fix works: without that vertex the zone loads
    fixed = _geojson_with_ring(path, "[[126.78, 35.205], [126.79, 35.21], [126.78, 35.21], [126.78, 35.205]]")
    assert list(read_zones(fixed)["zone_id"]) == ["ok", "jingok"]


def test_non_finite_vertices_in_a_geopackage_are_counted_per_feature(tmp_path):
    nan, inf = float("nan"), float("inf")
    with np.errstate(invalid="ignore"):
        holed = shapely.Polygon(
            [(126.70, 35.15), (126.72, 35.15), (126.72, 35.17), (126.70, 35.17)],
            [[(126.705, 35.155), (nan, 35.156), (126.71, inf), (126.705, 35.155)]],
        )
        multi = shapely.MultiPolygon([BOX, shapely.Polygon([(126.8, 35.2), (126.81, 35.2), (-inf, nan)])])
    path = _write(_frame([BOX, holed, multi]), tmp_path / "zones.gpkg")
    with pytest.raises(geo.InputError) as raised:
        read_zones(path)
    message = str(raised.value)
    assert message.startswith("zones.gpkg: 2 problems: zones.gpkg feature 2 (z1): vertex 7 (and 1 more) has ")
    assert "(x=nan, y=35.156)" in message
    assert (
        "; zones.gpkg feature 3 (z2): vertex 8 has coordinates that are not finite numbers (x=-inf, y=nan)" in message
    )
    assert "\n" not in message
