"""Rasters (geo.raster): zonal statistics on plane rasters with closed-form answers, zone masks, overlays,
the distance raster and every error, through the functions and the command line."""

from __future__ import annotations

import base64
import json
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.transform import Affine

import geo
from geo import i18n, raster
from geo.area import geodesic_area_m2
from geo.cli import main
from geo.io import OutputFolder
from geo.raster import overlays

# A plane z = A·x + B·y + C over a 40 × 30 grid of 10 m pixels in EPSG:5186 near Gwangju.
A, B, C = 0.003, -0.0017, 5.0  # no two pixels of a test window tie
PLANAR_TRANSFORM = Affine(10.0, 0.0, 200_000.0, 0.0, -10.0, 300_000.0)
# The same in degrees: 0.001° pixels from 126.70° E, 35.20° N.
GEOGRAPHIC_TRANSFORM = Affine(0.001, 0.0, 126.70, 0.0, -0.001, 35.20)
SHAPE = (30, 40)
NODATA = -9999.0


def _plane(transform: Affine, shape: tuple[int, int] = SHAPE) -> np.ndarray:
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]] + 0.5
    x = transform.c + transform.a * cols
    y = transform.f + transform.e * rows
    return A * x + B * y + C


def _write(path, data: np.ndarray, *, transform: Affine, crs: str | None, nodata: float | None = NODATA, **extra):
    data = np.asarray(data, dtype="float64")
    if data.ndim == 2:
        data = data[None]
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=data.shape[2],
        height=data.shape[1],
        count=data.shape[0],
        dtype="float64",
        crs=crs,
        transform=transform,
        nodata=nodata,
        **extra,
    ) as dataset:
        dataset.write(data)
    return path


def _zone(geometry: shapely.Geometry, crs: str, zone_id: str = "z") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"feature_id": [zone_id], "zone_id": [zone_id], "geometry_quality": ["supplied"]}, geometry=[geometry], crs=crs
    )


def _pixel_box(transform: Affine, col0: int, row0: int, col1: int, row1: int) -> shapely.Geometry:
    """The box whose edges are those of pixels [row0, row1) × [col0, col1)."""
    x0, x1 = transform.c + transform.a * col0, transform.c + transform.a * col1
    y0, y1 = transform.f + transform.e * row0, transform.f + transform.e * row1
    return shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _expected_plane_stats(transform: Affine, col0: int, row0: int, col1: int, row1: int) -> dict:
    """Closed forms for a pixel-aligned box: mean at the centroid, extremes at the corner pixel centres."""
    cols, rows = col1 - col0, row1 - row0
    x_first = transform.c + transform.a * (col0 + 0.5)
    x_last = transform.c + transform.a * (col1 - 0.5)
    y_first = transform.f + transform.e * (row0 + 0.5)
    y_last = transform.f + transform.e * (row1 - 0.5)
    corner_values = [A * x + B * y + C for x in (x_first, x_last) for y in (y_first, y_last)]
    centroid = _pixel_box(transform, col0, row0, col1, row1).centroid
    variance = (A * transform.a) ** 2 * (cols**2 - 1) / 12 + (B * transform.e) ** 2 * (rows**2 - 1) / 12
    return {
        "count": cols * rows,
        "mean": A * centroid.x + B * centroid.y + C,
        "min": min(corner_values),
        "max": max(corner_values),
        "std": np.sqrt(variance),
    }


# ---------------------------------------------------------------------------------------------------------
# Plane rasters: closed-form answers


@pytest.mark.parametrize(
    ("transform", "crs"), [(PLANAR_TRANSFORM, "EPSG:5186"), (GEOGRAPHIC_TRANSFORM, "EPSG:4326")], ids=["5186", "4326"]
)
def test_pixel_aligned_zone_on_a_plane(tmp_path, transform, crs):
    path = _write(tmp_path / "plane.tif", _plane(transform), transform=transform, crs=crs)
    window = (5, 8, 15, 20)  # columns 5-14, rows 8-19
    stats = raster.zonal_stats(_zone(_pixel_box(transform, *window), crs), path).iloc[0]
    expected = _expected_plane_stats(transform, *window)
    assert stats["count"] == pytest.approx(expected["count"], rel=1e-12)
    assert stats["pixels"] == expected["count"]
    assert stats["mean"] == pytest.approx(expected["mean"], rel=1e-12)  # the value at the centroid
    assert stats["median"] == pytest.approx(expected["mean"], rel=1e-12)  # a plane is symmetric about it
    assert stats["min"] == pytest.approx(expected["min"], rel=1e-12)  # on the zone's edges (corner pixels)
    assert stats["max"] == pytest.approx(expected["max"], rel=1e-12)
    assert stats["std"] == pytest.approx(expected["std"], rel=1e-9)
    assert stats["nodata_share"] == 0


def test_nodata_hole_is_left_out_of_count_and_mean(tmp_path):
    data = _plane(PLANAR_TRANSFORM)
    hole_value = data[10, 7]
    data[10, 7] = NODATA
    path = _write(tmp_path / "hole.tif", data, transform=PLANAR_TRANSFORM, crs="EPSG:5186")
    window = (5, 8, 15, 20)
    stats = raster.zonal_stats(_zone(_pixel_box(PLANAR_TRANSFORM, *window), "EPSG:5186"), path).iloc[0]
    expected = _expected_plane_stats(PLANAR_TRANSFORM, *window)
    n = expected["count"]
    assert stats["count"] == pytest.approx(n - 1)
    assert stats["mean"] == pytest.approx((n * expected["mean"] - hole_value) / (n - 1), rel=1e-12)
    assert stats["nodata_share"] == pytest.approx(1 / n)
    assert stats["covered_area_m2"] == pytest.approx((n - 1) * 100.0)


def test_nan_and_mask_band_are_honoured(tmp_path):
    data = _plane(PLANAR_TRANSFORM)
    data[9, 6] = np.nan
    path = _write(tmp_path / "masked.tif", data, transform=PLANAR_TRANSFORM, crs="EPSG:5186", nodata=None)
    with rasterio.open(path, "r+") as dataset:
        mask = np.full(SHAPE, 255, dtype=np.uint8)
        mask[12, 10] = 0
        dataset.write_mask(mask)
    stats = raster.zonal_stats(_zone(_pixel_box(PLANAR_TRANSFORM, 5, 8, 15, 20), "EPSG:5186"), path).iloc[0]
    assert stats["pixels"] == 120 - 2


def test_half_covered_pixels_count_half(tmp_path):
    path = _write(tmp_path / "plane.tif", _plane(PLANAR_TRANSFORM), transform=PLANAR_TRANSFORM, crs="EPSG:5186")
    box = shapely.box(200_055.0, 299_805.0, 200_145.0, 299_915.0)  # pixel-aligned box shrunk by half a pixel
    exact = raster.zonal_stats(_zone(box, "EPSG:5186"), path).iloc[0]
    assert exact["count"] == pytest.approx(9 * 11)
    assert exact["covered_area_m2"] == pytest.approx(box.area)
    assert exact["pixels"] == 10 * 12
    # A symmetric shrink keeps the centroid, so the coverage-weighted mean is still the centroid's value.
    assert exact["mean"] == pytest.approx(A * box.centroid.x + B * box.centroid.y + C, rel=1e-12)


def test_rotated_grid(tmp_path):
    transform = Affine.translation(200_000.0, 300_000.0) @ Affine.rotation(30.0) @ Affine.scale(10.0, -10.0)
    path = _write(tmp_path / "rotated.tif", np.arange(1200.0).reshape(SHAPE), transform=transform, crs="EPSG:5186")
    corners = [transform @ (c, r) for c, r in ((5, 8), (15, 8), (15, 20), (5, 20))]
    stats = raster.zonal_stats(_zone(shapely.Polygon(corners), "EPSG:5186"), path).iloc[0]
    inside = np.arange(1200.0).reshape(SHAPE)[8:20, 5:15]
    assert stats["count"] == pytest.approx(120) and stats["pixels"] == 120
    assert stats["mean"] == pytest.approx(inside.mean()) and stats["min"] == inside.min()
    assert stats["covered_area_m2"] == pytest.approx(120 * 100.0)


def test_zones_are_reprojected_to_the_raster(tmp_path):
    path = _write(tmp_path / "plane.tif", _plane(PLANAR_TRANSFORM), transform=PLANAR_TRANSFORM, crs="EPSG:5186")
    zone = _zone(_pixel_box(PLANAR_TRANSFORM, 5, 8, 15, 20), "EPSG:5186")
    native = raster.zonal_stats(zone, path).iloc[0]
    from_degrees = raster.zonal_stats(zone.to_crs("EPSG:4326"), path).iloc[0]
    for column in ("count", "mean", "min", "max", "std"):
        assert from_degrees[column] == pytest.approx(native[column], rel=1e-6)


def test_geographic_pixel_area_is_the_ellipsoidal_area(tmp_path):
    path = _write(tmp_path / "plane.tif", _plane(GEOGRAPHIC_TRANSFORM), transform=GEOGRAPHIC_TRANSFORM, crs="EPSG:4326")
    box = _pixel_box(GEOGRAPHIC_TRANSFORM, 5, 8, 15, 20)
    stats = raster.zonal_stats(_zone(box, "EPSG:4326"), path).iloc[0]
    # Pixels are bounded by parallels; a finely segmented outline has (almost) parallel edges too.
    reference = geodesic_area_m2(gpd.GeoSeries([shapely.segmentize(box, 1e-5)], crs="EPSG:4326")).iloc[0]
    assert stats["covered_area_m2"] == pytest.approx(reference, rel=1e-8)


def test_centre_mode_counts_pixels_whose_centre_is_inside(tmp_path):
    path = _write(tmp_path / "plane.tif", _plane(PLANAR_TRANSFORM), transform=PLANAR_TRANSFORM, crs="EPSG:5186")
    triangle = shapely.Polygon([(200_013.0, 299_987.0), (200_333.0, 299_901.0), (200_101.0, 299_744.0)])
    stats = raster.zonal_stats(_zone(triangle, "EPSG:5186"), path, mode="centre").iloc[0]
    from rasterio.features import geometry_mask

    inside = ~geometry_mask([triangle], out_shape=SHAPE, transform=PLANAR_TRANSFORM)
    assert stats["count"] == inside.sum() == stats["pixels"]
    assert stats["mean"] == pytest.approx(_plane(PLANAR_TRANSFORM)[inside].mean(), rel=1e-12)


def test_all_bands(tmp_path):
    plane = _plane(PLANAR_TRANSFORM)
    path = _write(tmp_path / "two.tif", np.stack([plane, 2 * plane]), transform=PLANAR_TRANSFORM, crs="EPSG:5186")
    stats = raster.zonal_stats(_zone(_pixel_box(PLANAR_TRANSFORM, 5, 8, 15, 20), "EPSG:5186"), path, band="all")
    assert stats["band"].tolist() == [1, 2]
    assert stats["mean"].iloc[1] == pytest.approx(2 * stats["mean"].iloc[0])
    second = raster.zonal_stats(_zone(_pixel_box(PLANAR_TRANSFORM, 5, 8, 15, 20), "EPSG:5186"), path, band=2)
    assert second["mean"].iloc[0] == pytest.approx(stats["mean"].iloc[1])


def test_large_windows_are_read_in_strips(tmp_path, monkeypatch):
    path = _write(tmp_path / "plane.tif", _plane(PLANAR_TRANSFORM), transform=PLANAR_TRANSFORM, crs="EPSG:5186")
    zone = _zone(shapely.Point(200_200.0, 299_850.0).buffer(123.0), "EPSG:5186")
    whole = raster.zonal_stats(zone, path, percentiles=[25])
    monkeypatch.setattr(raster.stats, "MAX_WINDOW_CELLS", 40)  # one row of 40 pixels at a time
    strips = raster.zonal_stats(zone, path, percentiles=[25])
    pd.testing.assert_frame_equal(whole, strips, rtol=1e-12)


def test_zone_outside_the_raster_gets_empty_statistics(tmp_path):
    path = _write(tmp_path / "plane.tif", _plane(PLANAR_TRANSFORM), transform=PLANAR_TRANSFORM, crs="EPSG:5186")
    zones = pd.concat(
        [
            _zone(_pixel_box(PLANAR_TRANSFORM, 5, 8, 15, 20), "EPSG:5186", "in"),
            _zone(shapely.box(210_000, 310_000, 210_100, 310_100), "EPSG:5186", "out"),
        ],
        ignore_index=True,
    )
    stats = raster.zonal_stats(zones, path).set_index("feature_id")
    assert stats.loc["out", "count"] == 0 and np.isnan(stats.loc["out", "mean"])
    assert stats.loc["out", "nodata_share"] == 1


# ---------------------------------------------------------------------------------------------------------
# Against exactextract


def test_exact_mode_agrees_with_exactextract(tmp_path, require_module):
    exactextract = require_module("exactextract")
    values = np.random.default_rng(7).normal(100, 15, size=(60, 70))
    values[20:23, 30:34] = NODATA
    path = _write(tmp_path / "noise.tif", values, transform=PLANAR_TRANSFORM, crs="EPSG:5186")
    star = shapely.Polygon(
        [
            (200_000 + 350 + r * np.cos(t), 300_000 - 300 + r * np.sin(t))
            for t, r in zip(np.linspace(0, 2 * np.pi, 23)[:-1], [270, 130] * 11, strict=True)
        ]
    ).difference(shapely.Point(200_365.0, 299_690.0).buffer(41.3))
    star = shapely.affinity.rotate(star, 17.0)
    zone = _zone(star, "EPSG:5186")
    ours = raster.zonal_stats(zone, path, percentiles=[10, 90]).iloc[0]
    with rasterio.open(path) as dataset, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        theirs = exactextract.exact_extract(
            dataset,
            zone.set_crs(dataset.crs, allow_override=True),
            ["count", "mean", "min", "max", "stdev", "median", "quantile(q=0.1)", "quantile(q=0.9)"],
            output="pandas",
        ).iloc[0]
    pairs = {
        "count": "count",
        "mean": "mean",
        "min": "min",
        "max": "max",
        "std": "stdev",
        "median": "median",
        "p10": "quantile_10",
        "p90": "quantile_90",
    }
    for mine, other in pairs.items():
        assert ours[mine] == pytest.approx(theirs[other], rel=1e-6), mine


# ---------------------------------------------------------------------------------------------------------
# Errors: one line naming the file and the fix, then the fix works


@pytest.fixture
def plane_path(tmp_path):
    return _write(tmp_path / "plane.tif", _plane(PLANAR_TRANSFORM), transform=PLANAR_TRANSFORM, crs="EPSG:5186")


@pytest.fixture
def plane_zone():
    return _zone(_pixel_box(PLANAR_TRANSFORM, 5, 8, 15, 20), "EPSG:5186")


def test_missing_raster(tmp_path, plane_zone):
    with pytest.raises(geo.InputFileNotFoundError, match=r"missing\.tif: no such file; check the --raster path"):
        raster.zonal_stats(plane_zone, tmp_path / "missing.tif")


def test_not_a_raster(tmp_path, plane_zone):
    text = tmp_path / "notes.tif"
    text.write_text("not pixels", encoding="utf-8")
    with pytest.raises(geo.InputError, match=r"notes\.tif: is not a raster GDAL can read; pass a GeoTIFF"):
        raster.zonal_stats(plane_zone, text)


def test_folder_is_not_a_raster(tmp_path, plane_zone):
    with pytest.raises(geo.InputError, match="is a folder"):
        raster.zonal_stats(plane_zone, tmp_path)


def test_raster_without_crs_then_assigning_one_works(tmp_path, plane_zone):
    path = _write(tmp_path / "bare.tif", _plane(PLANAR_TRANSFORM), transform=PLANAR_TRANSFORM, crs=None)
    with pytest.raises(geo.InputError, match=r"bare\.tif: has no CRS; assign .* EPSG:5186"):
        raster.zonal_stats(plane_zone, path)
    with rasterio.open(path, "r+") as dataset:
        dataset.crs = "EPSG:5186"
    assert raster.zonal_stats(plane_zone, path)["count"].iloc[0] == pytest.approx(120)


def test_band_out_of_range_then_a_valid_band_works(plane_path, plane_zone):
    with pytest.raises(geo.InputError, match=r"plane\.tif: has 1 band, no band 2; pass --band between 1 and 1"):
        raster.zonal_stats(plane_zone, plane_path, band=2)
    with pytest.raises(geo.InputError, match="no band 0"):
        raster.zonal_stats(plane_zone, plane_path, band=0)
    assert len(raster.zonal_stats(plane_zone, plane_path, band=1)) == 1


def test_no_zone_overlaps_the_raster(plane_path):
    far = _zone(shapely.box(210_000, 310_000, 210_100, 310_100), "EPSG:5186")
    with pytest.raises(geo.InputError, match=r"plane\.tif: no zone overlaps the raster .* EPSG:5186"):
        raster.zonal_stats(far, plane_path)
    # Its bounding box overlaps the raster's corner, the triangle itself does not.
    near = _zone(shapely.Polygon([(200_390, 300_100), (200_500, 300_100), (200_500, 299_990)]), "EPSG:5186")
    with pytest.raises(geo.InputError, match="no zone overlaps the raster"):
        raster.zonal_stats(near, plane_path)


def test_bad_options(plane_path, plane_zone):
    with pytest.raises(geo.InputError, match="mode 'nearest' is unknown"):
        raster.zonal_stats(plane_zone, plane_path, mode="nearest")
    with pytest.raises(geo.InputError, match="between 0 and 100"):
        raster.zonal_stats(plane_zone, plane_path, percentiles=[150])
    with pytest.raises(geo.InputError, match="not a band number"):
        raster.parse_band("first")
    assert raster.parse_band("ALL") == "all" and raster.parse_band("3") == 3


# ---------------------------------------------------------------------------------------------------------
# Command line


@pytest.fixture
def plane_zone_file(tmp_path, plane_zone):
    path = tmp_path / "zone.geojson"
    plane_zone.to_file(path, driver="GeoJSON")
    return path


def test_cli_stats_json_contract(plane_path, plane_zone_file, capsys):
    argv = ["raster", "stats", "--raster", str(plane_path), "--zones", str(plane_zone_file), "--format", "json"]
    assert main([*argv, "--percentiles", "10,90"]) == 0
    document = json.loads(capsys.readouterr().out)
    (zone,) = document["zones"]
    for key in ("zone_id", "feature_id", "count", "min", "max", "mean", "std", "median", "p10", "p90"):
        assert key in zone
    expected = _expected_plane_stats(PLANAR_TRANSFORM, 5, 8, 15, 20)
    assert zone["zone_id"] == "z" and zone["count"] == pytest.approx(120)
    assert zone["mean"] == pytest.approx(expected["mean"])
    assert document["raster"] == "plane.tif" and "/" not in document["raster"]


@pytest.mark.parametrize("form", ["table", "csv"])
def test_cli_stats_table_and_csv(plane_path, plane_zone_file, capsys, form):
    argv = ["raster", "stats", "--raster", str(plane_path), "--zones", str(plane_zone_file), "--format", form]
    assert main([*argv, "--mode", "centre"]) == 0
    out = capsys.readouterr().out
    assert "nodata_share" in out and "120" in out


def test_cli_schematic_zones_are_labelled_schematic(tmp_path, belt_zones, belt_zone_file, capsys):
    zones = belt_zones
    minx, miny, maxx, maxy = zones.to_crs("EPSG:5186").total_bounds
    transform = Affine(100.0, 0.0, minx - 1000, 0.0, -100.0, maxy + 1000)
    shape = (int((maxy - miny) / 100) + 20, int((maxx - minx) / 100) + 20)
    path = _write(tmp_path / "around.tif", _plane(transform, shape), transform=transform, crs="EPSG:5186")
    assert main(["raster", "stats", "--raster", str(path), "--zones", str(belt_zone_file)]) == 0
    out = capsys.readouterr().out
    assert all(feature_id in out for feature_id in zones["feature_id"])
    assert "schematic" in out


def test_cli_no_zone_overlaps(plane_path, belt_zone_file, capsys):
    assert main(["raster", "stats", "--raster", str(plane_path), "--zones", str(belt_zone_file)]) == 2  # elsewhere
    err = capsys.readouterr().err
    assert "plane.tif: no zone overlaps the raster" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--band", "5"], "no band 5"),
        (["--band", "x"], "not a band number"),
    ],
)
def test_cli_errors_are_one_line_and_exit_2(plane_path, plane_zone_file, capsys, args, message):
    argv = ["raster", "stats", "--raster", str(plane_path), "--zones", str(plane_zone_file), *args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_cli_missing_raster(tmp_path, plane_zone_file, capsys):
    argv = ["raster", "stats", "--raster", str(tmp_path / "none.tif"), "--zones", str(plane_zone_file)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "none.tif: no such file" in err and err.count("\n") == 1


def test_cli_bad_percentiles_exit_2(plane_path, plane_zone_file):
    argv = ["raster", "stats", "--raster", str(plane_path), "--zones", str(plane_zone_file), "--percentiles", "5,x"]
    assert main(argv) == 2


# ---------------------------------------------------------------------------------------------------------
# Zone masks and pixel-count areas


def test_rasterize_writes_a_cog_with_its_zone_table(tmp_path, belt_zones, belt_zone_file, capsys):
    zones = belt_zones
    out = tmp_path / "masks" / "zones.tif"
    assert main(["raster", "rasterize", "--out", str(out), "--resolution", "10", "--zones", str(belt_zone_file)]) == 0
    with rasterio.open(out) as dataset:
        assert dataset.crs.to_epsg() == 5186
        assert dataset.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert dataset.profile["tiled"] and dataset.block_shapes[0] == (256, 256)
        assert dataset.profile["compress"] == "deflate"
        assert dataset.overviews(1)
        assert dataset.res == (10.0, 10.0) and dataset.transform.c % 10 == 0
        ids = dataset.read(1)
        assert "schematic" in dataset.tags()["GEOMETRY_QUALITY"]
    table = raster.read_zone_table(out)
    assert [entry["feature_id"] for entry in table] == list(zones["feature_id"])
    counts = np.bincount(ids.ravel(), minlength=len(table) + 1)
    areas = geo.area_m2(zones).to_numpy()
    np.testing.assert_allclose(counts[1:] * 100.0, areas, rtol=5e-3)  # 10 m pixels: within 0.5 %
    assert counts[0] > 0  # pixels outside every zone hold 0 (nodata)


def test_rasterize_never_overwrites_an_input(tmp_path, square_zones):
    target = tmp_path / "zones.tif"
    with pytest.raises(geo.OutputError, match="is one of the inputs"):
        raster.rasterize_zones(square_zones, OutputFolder(tmp_path, protect=(target,)) / target.name)
    assert not target.exists()


def test_rasterize_rejects_a_bad_resolution(tmp_path, square_zones):
    with pytest.raises(geo.InputError, match="not a positive number"):
        raster.rasterize_zones(square_zones, tmp_path / "z.tif", resolution_m=0)
    with pytest.raises(geo.InputError, match="pass a coarser --resolution"):
        raster.rasterize_zones(square_zones, tmp_path / "z.tif", resolution_m=0.01)
    assert not (tmp_path / "z.tif").exists()


def test_pixel_count_area_converges_to_the_vector_area():
    disk = gpd.GeoDataFrame(
        {"feature_id": ["disk"]}, geometry=[shapely.Point(190_123.4, 285_678.9).buffer(700.0, 64)], crs="EPSG:5186"
    )
    table = raster.area_convergence(disk, resolutions_m=(100, 20, 5, 1))
    errors = table.set_index("resolution_m")["difference_pct"].abs()
    assert errors[1.0] < errors[5.0] < errors[100.0]
    assert errors[1.0] < 0.01  # under 100 ppm at 1 m pixels
    assert (table["vector_area_m2"] == geo.area_m2(disk).iloc[0]).all()


def test_cli_convergence(capsys):
    assert main(["raster", "convergence", "--resolutions", "50,10", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["zones"]
    assert {row["resolution_m"] for row in rows} == {50.0, 10.0}


# ---------------------------------------------------------------------------------------------------------
# Overlays


def test_overlay_is_reprojected_coloured_and_transparent_where_empty(plane_path):
    with rasterio.open(plane_path, "r+") as dataset:
        data = dataset.read(1)
        data[:5, :5] = NODATA
        dataset.write(data, 1)
    overlay = raster.raster_overlay(plane_path, opacity=0.5)
    assert overlay.png_data_url.startswith("data:image/png;base64,")
    png = base64.b64decode(overlay.png_data_url.split(",", 1)[1])
    from rasterio.errors import NotGeoreferencedWarning
    from rasterio.io import MemoryFile

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with MemoryFile(png) as memory, memory.open() as image:
            rgba = image.read()
    assert rgba.shape[0] == 4 and (rgba[3] == 0).any() and (rgba[3] == 255).any()

    (south, west), (north, east) = overlay.bounds
    corners = gpd.GeoSeries([shapely.Point(200_000, 299_700), shapely.Point(200_400, 300_000)], crs="EPSG:5186").to_crs(
        "EPSG:4326"
    )
    pixel_deg = 10 / 111_000 * 2
    assert south == pytest.approx(corners.iloc[0].y, abs=pixel_deg)
    assert west == pytest.approx(corners.iloc[0].x, abs=pixel_deg)
    assert north == pytest.approx(corners.iloc[1].y, abs=pixel_deg)
    assert east == pytest.approx(corners.iloc[1].x, abs=pixel_deg)
    values = [value for value, _ in overlay.legend_stops]
    plane = _plane(PLANAR_TRANSFORM)[5:, 5:]
    assert len(values) == overlays.LEGEND_STOPS and values == sorted(values)
    assert values[-1] == pytest.approx(_plane(PLANAR_TRANSFORM).max())
    assert values[0] >= _plane(PLANAR_TRANSFORM).min() and values[0] <= plane.min()
    assert overlay.opacity == 0.5 and overlay.show


def test_overlay_of_a_large_raster_is_decimated(tmp_path):
    transform = Affine(1.0, 0.0, 200_000.0, 0.0, -1.0, 300_000.0)
    path = _write(
        tmp_path / "big.tif", np.random.default_rng(1).random((1500, 2500)), transform=transform, crs="EPSG:5186"
    )
    overlay = raster.raster_overlay(path)
    png = base64.b64decode(overlay.png_data_url.split(",", 1)[1])
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert max(width, height) <= overlays.OVERLAY_MAX_SIZE * 1.05


def test_overlay_errors(plane_path, tmp_path):
    with pytest.raises(geo.InputError, match="no band 3"):
        raster.raster_overlay(plane_path, band=3)
    empty = _write(tmp_path / "empty.tif", np.full(SHAPE, NODATA), transform=PLANAR_TRANSFORM, crs="EPSG:5186")
    with pytest.raises(geo.InputError, match="no valid pixels"):
        raster.raster_overlay(empty)


# ---------------------------------------------------------------------------------------------------------
# Distance to transport and the build step


@pytest.fixture
def transport_points() -> gpd.GeoDataFrame:
    table = pd.DataFrame(
        {
            "point_id": ["port", "hall"],
            "kind": ["airport", "government"],
            "name_en": ["Port", "Hall"],
            "uncertain": [False, True],
            "source": ["test", "test"],
        }
    )
    return gpd.GeoDataFrame(table, geometry=[shapely.Point(126.715, 35.155), shapely.Point(126.70, 35.15)], crs=4326)


def test_distance_is_geodesic_km_to_the_nearest_transport_point(square_zones, transport_points):
    km, transform, used = overlays.distance_to_transport(transport_points, square_zones, resolution_m=100, margin_m=500)
    assert list(used["point_id"]) == ["port"]  # a government building is not transport
    row, col = 3, 4
    x, y = transform.c + transform.a * (col + 0.5), transform.f + transform.e * (row + 0.5)
    centre = gpd.GeoSeries([shapely.Point(x, y)], crs="EPSG:5186").to_crs("EPSG:4326").iloc[0]
    _, _, metres = geo.area.GEOD.inv(centre.x, centre.y, 126.715, 35.155)
    assert km[row, col] == pytest.approx(metres / 1000, rel=1e-6)
    assert km.min() < 0.1  # the pixel holding the airport
    bounds = square_zones.to_crs("EPSG:5186").total_bounds
    assert transform.c <= bounds[0] - 500 and transform.f >= bounds[3] + 500


def test_distance_needs_transport_points(square_zones, transport_points):
    with pytest.raises(geo.InputError, match="no site-selection points of kind airport, rail"):
        overlays.distance_to_transport(transport_points.iloc[[1]], square_zones)


def test_distance_raster_and_the_overlays_the_maps_draw(tmp_path, belt_zones, belt_points, plane_path):
    path = overlays.write_distance_raster(tmp_path / raster.DISTANCE_FILE, belt_points, belt_zones)
    with rasterio.open(path) as dataset:
        assert dataset.crs.to_epsg() == 5186 and dataset.tags()["UNITS"] == "km"
        assert dataset.tags(ns="IMAGE_STRUCTURE")["LAYOUT"] == "COG"
        assert "geodesic" in dataset.tags()["DISTANCE"]
        transport = json.loads(dataset.tags()["TRANSPORT_POINTS"])
        assert {p["kind"] for p in transport} <= set(overlays.TRANSPORT_KINDS) and transport
        distances = dataset.read(1)
    assert 0 < distances.min() < 1 and distances.max() < 40
    distance = raster.distance_overlay(path)
    assert distance.name == i18n.texts("distance_title") and not distance.show
    assert all(
        "(km)" in distance.text("legend_title", language) or "（km）" in distance.text("legend_title", language)
        for language in ("ko", "en", "ja")
    )
    user = raster.raster_overlay(plane_path)
    assert user.text("name", "en") == "plane.tif (band 1)" and user.text("name", "ja") == "plane.tif（バンド 1）"
    assert user.show


def test_build_with_a_bad_raster_stops_before_writing_anything(tmp_path, capsys, plane_path):
    out = tmp_path / "out"
    assert main(["build", "--raster", str(tmp_path / "dem.tif"), "--out", str(out)]) == 2
    assert "dem.tif: no such file" in capsys.readouterr().err
    assert main(["build", "--raster", str(plane_path), "--raster-band", "5", "--out", str(out)]) == 2
    assert "no band 5; pass --raster-band between 1 and 1" in capsys.readouterr().err
    assert not out.exists()


def test_cli_all_bands(tmp_path, plane_zone_file, capsys):
    plane = _plane(PLANAR_TRANSFORM)
    path = _write(tmp_path / "two.tif", np.stack([plane, -plane]), transform=PLANAR_TRANSFORM, crs="EPSG:5186")
    argv = ["raster", "stats", "--raster", str(path), "--zones", str(plane_zone_file), "--band", "all"]
    assert main([*argv, "--format", "json"]) == 0
    zones = json.loads(capsys.readouterr().out)["zones"]
    assert [z["band"] for z in zones] == [1, 2] and zones[0]["mean"] == pytest.approx(-zones[1]["mean"])


def test_progress_bar_does_not_change_the_result(plane_path, plane_zone, capsys):
    quiet = raster.zonal_stats(plane_zone, plane_path, progress=False)
    shown = raster.zonal_stats(plane_zone, plane_path, progress=True)
    pd.testing.assert_frame_equal(quiet, shown)
    assert "zonal statistics" in capsys.readouterr().err


def test_the_distance_overlay_speaks_the_maps_language(tmp_path, belt_zones, belt_audit, belt_points):
    from geo import maps

    path = raster.write_distance_raster(tmp_path / "distance.tif", belt_points, belt_zones)
    overlay = raster.distance_overlay(path)
    for language in ("ko", "ja"):
        html = maps.render_html(maps.belt_map(belt_zones, belt_audit, language=language, overlays=[overlay]))
        assert i18n.texts("distance_title")[language] in html
        assert i18n.texts("distance_title")["en"] not in html


def test_rasterize_refuses_a_name_that_is_not_a_geotiff(tmp_path, capsys):
    assert main(["raster", "rasterize", "--out", str(tmp_path / "zones.png")]) == 2
    assert capsys.readouterr().err.strip() == "error: --out zones.png: a zone mask is a GeoTIFF; end the name in .tif"
    assert not list(tmp_path.iterdir())


def test_build_with_a_raster_that_covers_no_zone_is_refused(tmp_path, capsys):
    far = Affine(10.0, 0.0, 600_000.0, 0.0, -10.0, 700_000.0)  # EPSG:5186, far north-east of the zones
    path = _write(tmp_path / "far.tif", _plane(far), transform=far, crs="EPSG:5186")
    out = tmp_path / "out"
    assert main(["build", "--raster", str(path), "--out", str(out)]) == 2
    assert "far.tif: covers none of the zones" in capsys.readouterr().err
    assert not out.exists()
