"""Rasters: exact zonal statistics, zone-id masks, map overlays and a distance-to-transport raster.

Zonal statistics
    :func:`zonal_stats` reprojects the zones to the raster's CRS (never the raster to the zones), reads only
    the window around each zone (in strips of at most :data:`MAX_WINDOW_CELLS` pixels) and weights every
    pixel by the exact share of it the zone covers (:mod:`geo._zonal`), or, in ``centre`` mode, counts a
    pixel when its centre lies inside the zone. Nodata, NaN and GDAL masks (mask bands, alpha) are honoured.
Zone masks
    :func:`rasterize_zones` writes a zone-id Cloud-Optimized GeoTIFF in EPSG:5186 with its id table in the
    file's metadata; :func:`area_convergence` compares pixel-count areas with the vector areas.
Overlays
    :func:`raster_overlay` reprojects a raster to Web Mercator, colours it with viridis and returns a
    :class:`geo.overlay.RasterOverlay` for the HTML maps.
Distance to transport
    :func:`distance_to_transport` derives, from our site-selection points, the geodesic distance (km) from
    every pixel of an EPSG:5186 grid over the belt to the nearest airport or rail station.

rasterio and tqdm are imported inside the functions that use them, so measuring areas does not need them.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _colormap, _zonal
from ._errors import InputError, InputFileNotFoundError
from .area import GEOD, area_m2, authalic_q, planar_area_m2
from .audit import SCHEMATIC, belt_geometry
from .io import atomic_path
from .overlay import RasterOverlay
from .report import excel_csv, json_value, text_table
from .settings import GEOGRAPHIC_CRS, PLANAR_CRS, WEB_MERCATOR_CRS

if TYPE_CHECKING:
    from rasterio.io import DatasetReader
    from rasterio.transform import Affine

log = logging.getLogger(__name__)

#: Zonal statistics modes: ``exact`` weights each pixel by the share of it inside the zone; ``centre``
#: counts a pixel (weight 1) when its centre is strictly inside the zone.
MODES: Final = ("exact", "centre")
#: File name endings of the GeoTIFFs this module writes.
GEOTIFF_SUFFIXES: Final = (".tif", ".tiff")
#: The largest number of pixels read at once for one zone; larger windows are read in strips of rows.
MAX_WINDOW_CELLS: Final = 1 << 24
#: Show a progress bar (on a terminal only) once zonal statistics have run this many seconds.
PROGRESS_DELAY_S: Final = 2.0

#: Default pixel size of ``raster rasterize``, in metres (EPSG:5186).
MASK_RESOLUTION_M: Final = 10.0
#: Pixel sizes, in metres, at which :func:`area_convergence` compares pixel-count and vector areas.
CONVERGENCE_RESOLUTIONS_M: Final = (100.0, 50.0, 20.0, 10.0, 5.0, 2.0)
#: The most pixels a zone mask (or one zone in :func:`area_convergence`) may have; finer grids are refused.
MAX_MASK_CELLS: Final = 1 << 28
#: Zone-id value of pixels outside every zone.
MASK_NODATA: Final = 0
#: Internal tile size of the GeoTIFFs we write, in pixels.
COG_BLOCK_SIZE: Final = 256

#: Longest side, in pixels, of an overlay image (larger rasters are read decimated, through overviews).
OVERLAY_MAX_SIZE: Final = 1024
#: Number of labelled colour stops in an overlay's legend.
LEGEND_STOPS: Final = 5

#: Site-selection point kinds (layers/points.csv) that count as transport for the distance raster.
TRANSPORT_KINDS: Final = ("airport", "rail")
#: Pixel size of the distance raster, in metres (EPSG:5186).
DISTANCE_RESOLUTION_M: Final = 50.0
#: Margin added around the belt's extent for the distance raster, in metres.
DISTANCE_MARGIN_M: Final = 3_000.0
#: File name of the distance raster in the build output folder.
DISTANCE_FILE: Final = "distance_to_transport.tif"
DISTANCE_TITLE: Final = {
    "ko": "가장 가까운 공항·철도역까지 거리 (km)",
    "en": "Distance to nearest airport or rail station (km)",
    "ja": "最寄りの空港・鉄道駅までの距離（km）",
}
_M_PER_KM: Final = 1_000.0

#: Columns of :func:`zonal_stats` before the percentile columns.
STATS_COLUMNS: Final = (
    "feature_id",
    "zone_id",
    "band",
    "count",
    "pixels",
    "covered_area_m2",
    "min",
    "max",
    "mean",
    "std",
    "median",
)
STATS_DEFINITIONS: Final = {
    "count": "valid pixels in the zone, each weighted by the share of it inside the zone (exact mode) "
    "or counted whole when its centre is inside (centre mode)",
    "pixels": "valid pixels touched by the zone (exact mode) or with their centre inside it (centre mode)",
    "covered_area_m2": "count × pixel area; pixel area from the raster's CRS: planar in its linear unit for a "
    "projected CRS, the exact area on GRS80 between a pixel's meridians and parallels for a geographic one",
    "std": "weighted population standard deviation, √(Σw(x − mean)² / Σw)",
    "median": "weighted quantile 0.5 (see percentiles)",
    "percentiles": "weighted linear (Hyndman–Fan type 7) quantile: equal values merged, the k-th distinct value "
    "placed at (k−1)·w_k + (n−1)·W_(k−1), linear between; numpy.percentile's rule for equal weights",
    "nodata_share": "share of the zone's area (in pixels) without valid data: nodata, masked, NaN or outside "
    "the raster",
}


# ---------------------------------------------------------------------------------------------------------
# Opening rasters


@contextmanager
def open_raster(path: str | os.PathLike) -> Iterator[DatasetReader]:
    """Open a georeferenced raster for reading, or raise :class:`InputError` naming the file and the fix."""
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

    path = Path(path)
    if not path.exists():
        raise InputFileNotFoundError(f"{path}: no such file; check the --raster path")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; name a raster file such as a GeoTIFF")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            dataset = rasterio.open(path)
    except RasterioIOError:
        raise InputError(
            f"{path.name}: is not a raster GDAL can read; pass a GeoTIFF (or another GDAL raster)"
        ) from None
    with dataset:
        if dataset.crs is None:
            raise InputError(
                f"{path.name}: has no CRS; assign the one it was made in, e.g. gdal_edit.py -a_srs EPSG:5186 "
                f"{path.name}"
            )
        yield dataset


def parse_band(text: str | int) -> int | str:
    """``"all"`` or a band number from 1 (as the command line gives it)."""
    if isinstance(text, int) or str(text).lower() != "all":
        try:
            return int(text)
        except ValueError:
            raise InputError(f"--band {text!r} is not a band number; pass e.g. --band 1 or --band all") from None
    return "all"


def _bands(dataset: DatasetReader, band: int | str, name: str, *, option: str = "--band") -> list[int]:
    if band == "all":
        return list(range(1, dataset.count + 1))
    if not 1 <= int(band) <= dataset.count:
        every = " or --band all" if option == "--band" else ""
        raise InputError(
            f"{name}: has {dataset.count} band{'s' if dataset.count != 1 else ''}, no band {band}; "
            f"pass {option} between 1 and {dataset.count}{every}"
        )
    return [int(band)]


# ---------------------------------------------------------------------------------------------------------
# Zonal statistics


def zonal_stats(
    zones: gpd.GeoDataFrame,
    raster: str | os.PathLike,
    *,
    band: int | str = 1,
    mode: str = "exact",
    percentiles: Sequence[float] = (),
    progress: bool | None = None,
) -> pd.DataFrame:
    """Coverage-weighted statistics of a raster inside each zone.

    Parameters
    ----------
    zones
        Zone polygons in any CRS, with ``feature_id`` and ``zone_id`` (``geo.load_zones`` output); they are
        reprojected to the raster's CRS, never the raster to them.
    raster
        Any georeferenced raster GDAL reads, in any CRS.
    band
        Band number from 1, or ``"all"`` for one row per zone and band.
    mode
        ``"exact"`` (default): each pixel weighs the share of its area inside the zone, computed exactly in
        pixel space. ``"centre"``: a pixel weighs 1 when its centre is inside the zone, else 0.
    percentiles
        Percentiles (0–100) to add as ``p<q>`` columns, weighted like the median.
    progress
        Show a progress bar; by default only on a terminal and only once the run takes a while.

    Returns
    -------
    pandas.DataFrame
        One row per zone (and band) with :data:`STATS_COLUMNS`, ``p<q>`` columns, ``nodata_share`` and
        ``geometry_quality``; values in the raster's unit, ``covered_area_m2`` in m² (see
        :data:`STATS_DEFINITIONS`). Statistics are NaN for a zone without valid pixels.

    Raises
    ------
    InputError
        The raster is missing, unreadable or has no CRS, the band does not exist, a percentile is outside
        0–100, or no zone overlaps the raster.
    """
    if mode not in MODES:
        raise InputError(f"mode {mode!r} is unknown; use one of {', '.join(MODES)}")
    quantiles = _quantiles(percentiles)
    name = Path(raster).name
    with open_raster(raster) as dataset:
        bands = _bands(dataset, band, name)
        projected = zones.geometry.to_crs(dataset.crs)
        log.info("zonal statistics of %s (%s) over %d zones, %s mode", name, dataset.crs, len(zones), mode)
        pixel_area = _pixel_area_m2(dataset, name)
        inverse = ~dataset.transform
        summaries = []
        overlapping = 0
        for geom in _progress(projected.values, enabled=progress):
            pixel_geom = _to_pixels(geom, inverse)
            accumulator = _ZoneAccumulator(len(bands), _zonal.pixel_space_area(pixel_geom))
            window = _window(pixel_geom, dataset.height, dataset.width)
            if window is not None:
                overlapping += _accumulate(dataset, bands, pixel_geom, window, pixel_area, mode, accumulator)
            summaries.append([accumulator.summary(index, quantiles) for index in range(len(bands))])
        if overlapping == 0:
            raise InputError(
                f"{name}: no zone overlaps the raster (its bounds are {_bounds_text(dataset.bounds)} in "
                f"{dataset.crs}); use a raster that covers the zones"
            )
    return _stats_frame(zones, bands, summaries, percentiles)


@dataclass
class _ZoneAccumulator:
    """One zone's valid pixels per band, gathered strip by strip: values wholly inside (weight 1, kept in
    the raster's dtype), partly covered values with their weights, and the covered area."""

    n_bands: int
    zone_pixels: float

    def __post_init__(self) -> None:
        self.whole: list[list[np.ndarray]] = [[] for _ in range(self.n_bands)]
        self.partial: list[list[np.ndarray]] = [[] for _ in range(self.n_bands)]
        self.weights: list[list[np.ndarray]] = [[] for _ in range(self.n_bands)]
        self.area_m2 = np.zeros(self.n_bands)

    def summary(self, index: int, quantiles: np.ndarray) -> dict:
        """Count, pixels, covered area, min, max, mean, std, median and ``quantiles`` of band ``index``."""
        whole = np.concatenate(self.whole[index]) if self.whole[index] else np.empty(0)
        partial = np.concatenate(self.partial[index]) if self.partial[index] else np.empty(0)
        weights = np.concatenate(self.weights[index]) if self.weights[index] else np.empty(0)
        x, w = _zonal.distinct_weighted(whole, partial, weights)
        total, mean, std = _zonal.weighted_moments(x, w)
        ranks = _zonal.quantiles_of_distinct(x, w, np.concatenate([[0.5], quantiles]))
        empty = len(x) == 0
        return {
            "count": total,
            "pixels": len(whole) + len(partial),
            "covered_area_m2": float(self.area_m2[index]),
            "min": float("nan") if empty else float(x[0]),
            "max": float("nan") if empty else float(x[-1]),
            "mean": mean,
            "std": std,
            "median": float(ranks[0]),
            "quantiles": ranks[1:],
            "nodata_share": self._nodata_share(total),
        }

    def _nodata_share(self, covered: float) -> float:
        if not self.zone_pixels > 0:
            return 1.0
        share = float(np.clip(1 - covered / self.zone_pixels, 0, 1))
        return 0.0 if share < _zonal.FRACTION_NOISE else share  # rounding noise of the coverage sums


def _accumulate(
    dataset: DatasetReader,
    bands: list[int],
    pixel_geom: shapely.Geometry,
    window: tuple[int, int, int, int],
    pixel_area: float | np.ndarray,
    mode: str,
    accumulator: _ZoneAccumulator,
) -> bool:
    """Read the zone's window strip by strip and collect each band's valid values with their weights.

    Returns whether the zone covers any pixel of the raster (valid or not)."""
    from rasterio.windows import Window

    covers_pixels = False
    row0, row1, col0, col1 = window
    width = col1 - col0
    strip = max(1, MAX_WINDOW_CELLS // width)
    for top in range(row0, row1, strip):
        height = min(strip, row1 - top)
        local = shapely.transform(pixel_geom, lambda xy, c=col0, r=top: xy - (c, r))
        weights = _zonal.coverage_fractions(local, (height, width))
        if mode == "centre":
            weights = _centre_weights(local, weights)
        whole = weights == 1.0
        partial = (weights > 0) & ~whole
        if not (whole.any() or partial.any()):
            continue
        covers_pixels = True
        data = dataset.read(bands, window=Window(col0, top, width, height), masked=True)
        row_area = np.full(height, pixel_area) if np.isscalar(pixel_area) else pixel_area[top : top + height]
        for index in range(len(bands)):
            values = np.ma.getdata(data[index])
            valid = ~np.ma.getmaskarray(data[index])
            if np.issubdtype(values.dtype, np.floating):
                valid &= np.isfinite(values)
            accumulator.whole[index].append(values[whole & valid])
            partial_valid = partial & valid
            accumulator.partial[index].append(values[partial_valid])
            accumulator.weights[index].append(weights[partial_valid])
            covered = np.where(valid, weights, 0.0).sum(axis=1)
            accumulator.area_m2[index] += float(covered @ row_area)
    return covers_pixels


def _centre_weights(local: shapely.Geometry, fractions: np.ndarray) -> np.ndarray:
    """1 where a pixel's centre is inside the zone, else 0: full pixels are, partial ones are tested."""
    weights = (fractions >= 1.0).astype(float)
    rows, cols = np.nonzero((fractions > 0) & (fractions < 1.0))
    if len(rows):
        shapely.prepare(local)
        weights[rows, cols] = shapely.contains_xy(local, cols + 0.5, rows + 0.5)
    return weights


def _stats_frame(
    zones: gpd.GeoDataFrame, bands: list[int], summaries: list[list[dict]], percentiles: Sequence[float]
) -> pd.DataFrame:
    quality = zones["geometry_quality"] if "geometry_quality" in zones else pd.Series("", index=zones.index)
    records = []
    for (_, zone), zone_summaries, geometry_quality in zip(zones.iterrows(), summaries, quality, strict=True):
        for band, summary in zip(bands, zone_summaries, strict=True):
            ranks = summary.pop("quantiles")
            nodata_share = summary.pop("nodata_share")
            record = {"feature_id": zone.get("feature_id", zone.get("zone_id")), "zone_id": zone.get("zone_id")}
            record |= {"band": band, **summary}
            for percentile, value in zip(percentiles, ranks, strict=True):
                record[_percentile_column(percentile)] = float(value)
            record["nodata_share"] = nodata_share
            record["geometry_quality"] = geometry_quality
            records.append(record)
    return pd.DataFrame.from_records(records)


def _quantiles(percentiles: Sequence[float]) -> np.ndarray:
    values = np.asarray(list(percentiles), dtype=float)
    if ((values < 0) | (values > 100) | ~np.isfinite(values)).any():
        raise InputError(f"percentiles {list(percentiles)} must lie between 0 and 100; pass e.g. --percentiles 10,90")
    return values / 100


def _percentile_column(percentile: float) -> str:
    return f"p{percentile:g}"


def _to_pixels(geom: shapely.Geometry, inverse: Affine) -> shapely.Geometry:
    """The geometry in pixel coordinates (column, row) of the whole raster."""
    a, b, c, d, e, f = inverse.a, inverse.b, inverse.c, inverse.d, inverse.e, inverse.f

    def affine(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([a * xy[:, 0] + b * xy[:, 1] + c, d * xy[:, 0] + e * xy[:, 1] + f])

    return shapely.transform(geom, affine)


def _window(pixel_geom: shapely.Geometry, height: int, width: int) -> tuple[int, int, int, int] | None:
    """(row0, row1, col0, col1) of the pixels the geometry's bounds touch, clipped to the raster, or None."""
    if pixel_geom is None or pixel_geom.is_empty:
        return None
    u0, v0, u1, v1 = shapely.bounds(pixel_geom)
    if not np.isfinite([u0, v0, u1, v1]).all():  # the zone lies outside the raster CRS's area of use
        return None
    col0, col1 = max(math.floor(u0), 0), min(math.ceil(u1), width)
    row0, row1 = max(math.floor(v0), 0), min(math.ceil(v1), height)
    if col0 >= col1 or row0 >= row1:
        return None
    return row0, row1, col0, col1


def _pixel_area_m2(dataset: DatasetReader, name: str) -> float | np.ndarray:
    """Area of a pixel in m²: a scalar for a projected CRS, one value per row for a geographic one."""
    transform = dataset.transform
    if not dataset.crs.is_geographic:
        _, metres_per_unit = dataset.crs.linear_units_factor
        return abs(transform.determinant) * metres_per_unit**2
    if transform.b != 0 or transform.d != 0:
        raise InputError(
            f"{name}: a rotated grid in geographic coordinates is not supported; warp it north-up first (gdalwarp)"
        )
    # A pixel of a north-up lon/lat grid is bounded by two meridians and two parallels; its area on the
    # ellipsoid is Δλ · a² · (q(φ₁) − q(φ₂)) / 2 with q Snyder's authalic function.
    edges = np.radians(transform.f + transform.e * np.arange(dataset.height + 1))
    q = authalic_q(np.sin(edges))
    return np.abs(np.radians(transform.a) * GEOD.a**2 * np.diff(q) / 2)


def _progress(items: np.ndarray, *, enabled: bool | None):
    from tqdm import tqdm

    disable = not sys.stderr.isatty() if enabled is None else not enabled
    delay = PROGRESS_DELAY_S if enabled is None else 0.0
    return tqdm(items, desc="zonal statistics", unit="zone", disable=disable, delay=delay, leave=False)


def _bounds_text(bounds: Sequence[float]) -> str:
    return "(" + ", ".join(f"{value:.6g}" for value in bounds) + ")"


# ---------------------------------------------------------------------------------------------------------
# Formatting zonal statistics


def stats_to_json(stats: pd.DataFrame, *, raster: str | os.PathLike, mode: str) -> str:
    """The JSON contract: top-level ``zones``, each with zone_id, feature_id, count, min, max, mean, std, median."""
    document = {
        "raster": Path(raster).name,
        "mode": mode,
        "definitions": STATS_DEFINITIONS,
        "schematic_geometry": bool((stats.get("geometry_quality") == SCHEMATIC).any()),
        "zones": [{key: json_value(value) for key, value in row.items()} for row in stats.to_dict("records")],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def stats_to_csv(stats: pd.DataFrame, **_: object) -> str:
    """CSV with a UTF-8 BOM (opens in Excel with Hangul and Kana), formulas neutralised."""
    return excel_csv(stats, float_format="%.6f")


def stats_to_table(stats: pd.DataFrame, *, raster: str | os.PathLike, mode: str) -> str:
    """A plain-text table for a terminal, with a note when the zone outlines are schematic."""
    numeric = [c for c in stats.columns if c not in {"feature_id", "zone_id", "geometry_quality"}]
    headers = ["zone", *numeric]
    rows = [[str(row["feature_id"]), *(_table_number(row[c]) for c in numeric)] for _, row in stats.iterrows()]
    lines = [f"{Path(raster).name}: zonal statistics, {mode} mode", "", *text_table(headers, rows)]
    if (stats.get("geometry_quality") == SCHEMATIC).any():
        lines += ["", "Note: the zone outlines are schematic (sized to the official areas, not surveyed)."]
    return "\n".join(lines) + "\n"


#: Output formats of ``raster stats --format``.
STATS_FORMATS: Final = {"table": stats_to_table, "json": stats_to_json, "csv": stats_to_csv}


def convergence_to_table(table: pd.DataFrame) -> str:
    """:func:`area_convergence` as a terminal table."""
    headers = ["zone", "pixel m", "pixels", "pixel-count m²", "vector m² (GRS80)", "Δ m²", "Δ %"]
    rows = [
        [
            str(row["feature_id"]),
            f"{row['resolution_m']:g}",
            f"{row['pixels']:,}",
            f"{row['pixel_area_m2']:,.0f}",
            f"{row['vector_area_m2']:,.0f}",
            f"{row['difference_m2']:+,.0f}",
            f"{row['difference_pct']:+.4f}",
        ]
        for _, row in table.iterrows()
    ]
    note = "Pixel-count areas converge to the planar EPSG:5186 area, about 8 ppm above GRS80 near Gwangju."
    return "\n".join([*text_table(headers, rows), "", note]) + "\n"


def convergence_to_json(table: pd.DataFrame) -> str:
    """:func:`area_convergence` as JSON: top-level ``zones``, one entry per zone and resolution."""
    records = [{key: json_value(value) for key, value in row.items()} for row in table.to_dict("records")]
    return json.dumps({"zones": records}, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def convergence_to_csv(table: pd.DataFrame) -> str:
    """:func:`area_convergence` as CSV with a UTF-8 BOM."""
    return excel_csv(table, float_format="%.6f")


#: Output formats of ``raster convergence --format``.
CONVERGENCE_FORMATS: Final = {"table": convergence_to_table, "json": convergence_to_json, "csv": convergence_to_csv}


def _table_number(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    magnitude = abs(float(value))
    return f"{float(value):,.2f}" if magnitude >= 100 else f"{float(value):.4g}"


# ---------------------------------------------------------------------------------------------------------
# Zone masks


def rasterize_zones(
    zones: gpd.GeoDataFrame,
    out: str | os.PathLike,
    *,
    resolution_m: float = MASK_RESOLUTION_M,
    inputs: tuple[Path, ...] = (),
) -> Path:
    """Write a zone-id Cloud-Optimized GeoTIFF in EPSG:5186 with its id table in the file's metadata.

    A pixel holds the number (from 1) of the zone covering its centre, 0 outside every zone; where zones
    overlap the later feature wins. The table is in the GDAL metadata: ``ZONE_TABLE`` (JSON list of value,
    feature_id, zone_id, names, geometry_quality) and one ``ZONE_<value>`` tag per zone with its feature_id.

    Parameters
    ----------
    zones
        Zone polygons in any CRS with ``feature_id``.
    out
        GeoTIFF path; written atomically, never over one of ``inputs``.
    resolution_m
        Pixel size in metres; the grid is aligned to multiples of it in EPSG:5186.

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    from rasterio import features

    if Path(out).suffix.lower() not in GEOTIFF_SUFFIXES:
        raise InputError(f"--out {Path(out).name}: a zone mask is a GeoTIFF; end the name in .tif")
    resolution_m = _positive_resolution(resolution_m)
    planar = zones.to_crs(PLANAR_CRS)
    transform, shape = _aligned_grid(planar.total_bounds, resolution_m)
    values = np.arange(1, len(zones) + 1)
    dtype = "uint16" if len(zones) < np.iinfo(np.uint16).max else "uint32"
    mask = features.rasterize(
        zip(planar.geometry.values, values, strict=True),
        out_shape=shape,
        transform=transform,
        fill=MASK_NODATA,
        dtype=dtype,
    )
    table = [
        {
            "value": int(value),
            **{column: json_value(zone.get(column)) for column in _MASK_TABLE_COLUMNS if column in zone},
        }
        for value, (_, zone) in zip(values, zones.iterrows(), strict=True)
    ]
    tags = {
        "ZONE_TABLE": json.dumps(table, ensure_ascii=False),
        "PIXEL_RULE": "a pixel holds the zone covering its centre; where zones overlap the later zone wins",
        "RESOLUTION_M": f"{resolution_m:g}",
        **{f"ZONE_{entry['value']}": str(entry.get("feature_id", "")) for entry in table},
    }
    if "geometry_quality" in zones and (zones["geometry_quality"] == SCHEMATIC).any():
        tags["GEOMETRY_QUALITY"] = "schematic: outlines sized to the official areas, not surveyed boundaries"
    write_cog(out, mask[None], transform=transform, crs=PLANAR_CRS, nodata=MASK_NODATA, tags=tags, inputs=inputs)
    return Path(out)


_MASK_TABLE_COLUMNS: Final = ("feature_id", "zone_id", "name_ko", "name_en", "name_ja", "geometry_quality")


def read_zone_table(path: str | os.PathLike) -> list[dict]:
    """The id-to-zone table stored in a zone mask written by :func:`rasterize_zones`."""
    with open_raster(path) as dataset:
        text = dataset.tags().get("ZONE_TABLE")
    if text is None:
        raise InputError(f"{Path(path).name}: has no ZONE_TABLE tag; write it with: raster rasterize")
    return json.loads(text)


def area_convergence(
    zones: gpd.GeoDataFrame, *, resolutions_m: Sequence[float] = CONVERGENCE_RESOLUTIONS_M
) -> pd.DataFrame:
    """Each zone's pixel-count area at several pixel sizes against its vector area.

    Each zone is rasterized alone (pixel centre inside, EPSG:5186 grid aligned to the pixel size), its
    pixels counted and multiplied by the pixel area, and compared with its ellipsoidal area
    (:func:`geo.area.area_m2`, GRS80). As pixels get finer the pixel-count area converges to the planar
    EPSG:5186 area, which lies about 8 ppm from the ellipsoidal one near Gwangju (``planar_difference_pct``
    shows that floor).

    Returns
    -------
    pandas.DataFrame
        One row per zone and resolution: ``feature_id``, ``resolution_m``, ``pixels``, ``pixel_area_m2``,
        ``vector_area_m2`` (GRS80), ``difference_m2``, ``difference_pct`` and ``planar_difference_pct``
        (the EPSG:5186 vector area against the GRS80 one).
    """
    from rasterio import features

    ellipsoidal = area_m2(zones)
    planar_area = planar_area_m2(zones)
    planar = zones.geometry.to_crs(PLANAR_CRS)
    ids = zones["feature_id"] if "feature_id" in zones else pd.Series(zones.index.astype(str), index=zones.index)
    rows = []
    for resolution in sorted((_positive_resolution(r) for r in resolutions_m), reverse=True):
        for index, geom in planar.items():
            transform, shape = _aligned_grid(shapely.bounds(geom), resolution)
            burned = features.rasterize([(geom, 1)], out_shape=shape, transform=transform, fill=0, dtype="uint8")
            pixels = int(burned.sum(dtype=np.int64))
            pixel_area = pixels * resolution**2
            vector = float(ellipsoidal[index])
            rows.append(
                {
                    "feature_id": ids[index],
                    "resolution_m": resolution,
                    "pixels": pixels,
                    "pixel_area_m2": pixel_area,
                    "vector_area_m2": vector,
                    "difference_m2": pixel_area - vector,
                    "difference_pct": (pixel_area - vector) / vector * 100,
                    "planar_difference_pct": (float(planar_area[index]) - vector) / vector * 100,
                }
            )
    return pd.DataFrame.from_records(rows)


def _positive_resolution(resolution_m: float) -> float:
    if not (isinstance(resolution_m, int | float) and math.isfinite(resolution_m) and resolution_m > 0):
        raise InputError(f"resolution {resolution_m!r} m is not a positive number; pass e.g. --resolution 10")
    return float(resolution_m)


def _aligned_grid(bounds: Sequence[float], resolution: float) -> tuple[Affine, tuple[int, int]]:
    """North-up transform and (rows, columns) covering ``bounds``, with edges on multiples of ``resolution``."""
    from rasterio.transform import Affine

    minx, miny, maxx, maxy = bounds
    west = math.floor(minx / resolution) * resolution
    north = math.ceil(maxy / resolution) * resolution
    width = max(1, math.ceil((maxx - west) / resolution))
    height = max(1, math.ceil((north - miny) / resolution))
    if width * height > MAX_MASK_CELLS:
        raise InputError(
            f"a {resolution:g} m grid over the zones would have {width * height:,} pixels (at most "
            f"{MAX_MASK_CELLS:,}); pass a coarser --resolution"
        )
    return Affine(resolution, 0.0, west, 0.0, -resolution, north), (height, width)


def write_cog(
    target: str | os.PathLike,
    data: np.ndarray,
    *,
    transform: Affine,
    crs: str,
    nodata: float,
    tags: dict[str, str],
    resampling: str = "nearest",
    inputs: tuple[Path, ...] = (),
) -> Path:
    """Write ``data`` (bands, rows, columns) as a Cloud-Optimized GeoTIFF, atomically.

    GDAL's COG driver lays it out as a COG: 256-pixel tiles, DEFLATE, overviews (``resampling``) and the
    header first. ``tags`` go into the GDAL metadata of the file.
    """
    import rasterio

    bands, height, width = data.shape
    with atomic_path(target, inputs=inputs) as temporary:
        with rasterio.open(
            temporary,
            "w",
            driver="COG",
            width=width,
            height=height,
            count=bands,
            dtype=data.dtype,
            crs=crs,
            transform=transform,
            nodata=nodata,
            compress="deflate",
            predictor="yes",
            blocksize=COG_BLOCK_SIZE,
            overview_resampling=resampling,
        ) as dataset:
            dataset.write(data)
            dataset.update_tags(**tags)
    return Path(target)


# ---------------------------------------------------------------------------------------------------------
# Overlays


def raster_overlay(
    raster: str | os.PathLike,
    *,
    band: int = 1,
    name: str | Mapping[str, str] | None = None,
    legend_title: str | Mapping[str, str] | None = None,
    opacity: float = 0.6,
    show: bool = True,
    band_option: str = "--band",
) -> RasterOverlay:
    """A raster reprojected to Web Mercator, coloured with viridis and encoded as a PNG data URL.

    The raster is read decimated to at most :data:`OVERLAY_MAX_SIZE` pixels a side (through its overviews
    when it has them), warped to EPSG:3857 (bilinear for floating-point data, nearest for integers; nodata
    and masks stay transparent) and coloured linearly from its minimum to its maximum. ``band_option``
    names the command-line option that chose the band, for the error message.

    Returns
    -------
    geo.overlay.RasterOverlay
        With bounds in degrees (EPSG:4326) and :data:`LEGEND_STOPS` legend stops in the raster's unit.
    """
    from rasterio import warp
    from rasterio.enums import Resampling

    label = Path(raster).name
    with open_raster(raster) as dataset:
        (band_number,) = _bands(dataset, band, label, option=band_option)
        integer = np.issubdtype(np.dtype(dataset.dtypes[band_number - 1]), np.integer)
        resampling = Resampling.nearest if integer else Resampling.bilinear
        scale = max(dataset.width, dataset.height) / OVERLAY_MAX_SIZE
        shape = (dataset.height, dataset.width)
        if scale > 1:
            shape = (max(1, round(dataset.height / scale)), max(1, round(dataset.width / scale)))
        layer = dataset.read(band_number, out_shape=shape, masked=True, resampling=resampling)
        source = np.where(np.ma.getmaskarray(layer), np.nan, np.ma.getdata(layer).astype("float32"))
        src_transform = _scaled(dataset.transform, dataset.width / shape[1], dataset.height / shape[0])
        src_crs, bounds = dataset.crs, dataset.bounds
    source[~np.isfinite(source)] = np.nan
    if np.isnan(source).all():
        raise InputError(f"{label}: band {band_number} has no valid pixels to draw; check its nodata value")

    dst_transform, dst_shape = _web_mercator_grid(src_crs, bounds, shape)
    drawn = np.full(dst_shape, np.nan, dtype="float32")
    warp.reproject(
        source,
        drawn,
        src_transform=src_transform,
        src_crs=src_crs,
        src_nodata=np.nan,
        dst_transform=dst_transform,
        dst_crs=WEB_MERCATOR_CRS,
        dst_nodata=np.nan,
        resampling=resampling,
    )
    vmin, vmax = float(np.nanmin(source)), float(np.nanmax(source))
    rgba = _colormap.colorize(drawn, vmin, vmax)
    stops = [
        (vmin + (vmax - vmin) * i / (LEGEND_STOPS - 1), _colormap.color_at(i / (LEGEND_STOPS - 1)))
        for i in range(LEGEND_STOPS)
    ]
    return RasterOverlay(
        name=name
        or {
            "ko": f"{label} (밴드 {band_number})",
            "en": f"{label} (band {band_number})",
            "ja": f"{label}（バンド {band_number}）",
        },
        png_data_url=_colormap.png_data_url(rgba),
        bounds=_lonlat_bounds(dst_transform, dst_shape),
        legend_title=legend_title
        or {
            "ko": f"{label}, 밴드 {band_number}",
            "en": f"{label}, band {band_number}",
            "ja": f"{label}、バンド {band_number}",
        },
        legend_stops=stops,
        opacity=opacity,
        show=show,
    )


def _scaled(transform: Affine, sx: float, sy: float) -> Affine:
    from rasterio.transform import Affine

    return Affine(transform.a * sx, transform.b * sy, transform.c, transform.d * sx, transform.e * sy, transform.f)


def _web_mercator_grid(crs: object, bounds: Sequence[float], shape: tuple[int, int]) -> tuple[Affine, tuple[int, int]]:
    """A north-up EPSG:3857 grid over the raster's (densified) bounds with about as many pixels as it has."""
    from pyproj import Transformer
    from rasterio.transform import Affine

    transformer = Transformer.from_crs(crs, WEB_MERCATOR_CRS, always_xy=True)
    west, south, east, north = transformer.transform_bounds(*bounds, densify_pts=21)
    resolution = math.sqrt((east - west) * (north - south) / (shape[0] * shape[1]))
    width = max(1, math.ceil((east - west) / resolution))
    height = max(1, math.ceil((north - south) / resolution))
    return Affine(resolution, 0.0, west, 0.0, -resolution, north), (height, width)


def _lonlat_bounds(transform: Affine, shape: tuple[int, int]) -> tuple[tuple[float, float], tuple[float, float]]:
    """((south, west), (north, east)) in degrees of a north-up Web Mercator grid."""
    from pyproj import Transformer

    height, width = shape
    west, north = transform.c, transform.f
    east, south = west + transform.a * width, north + transform.e * height
    to_lonlat = Transformer.from_crs(WEB_MERCATOR_CRS, GEOGRAPHIC_CRS, always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_lonlat.transform([west, east], [south, north])
    return ((float(lat0), float(lon0)), (float(lat1), float(lon1)))


# ---------------------------------------------------------------------------------------------------------
# Distance to transport


def distance_to_transport(
    points: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    kinds: Sequence[str] = TRANSPORT_KINDS,
    resolution_m: float = DISTANCE_RESOLUTION_M,
    margin_m: float = DISTANCE_MARGIN_M,
) -> tuple[np.ndarray, Affine, gpd.GeoDataFrame]:
    """Distance in km from every pixel centre of an EPSG:5186 grid to the nearest transport point.

    The distance is geodesic on GRS80 (:data:`geo.area.GEOD`, GeographicLib), the same ellipsoid as the
    areas. Planar distance in EPSG:5186 would differ by under 10 ppm here (the belt lies within 30 km of the
    projection's central meridian), far below a pixel, but the geodesic needs no such argument.

    Parameters
    ----------
    points
        Site-selection points (``geo.load_points()``) with ``kind``.
    zones
        Zones; the grid covers the union of the in-belt ones (all zones when none is in the belt) plus
        ``margin_m`` on each side.
    kinds
        Point kinds that count as transport.

    Returns
    -------
    tuple
        (float32 array of km, rows × columns; the EPSG:5186 transform; the transport points used).
    """
    from pyproj import Transformer

    transport = points[points["kind"].isin(kinds)]
    if transport.empty:
        raise InputError(f"no site-selection points of kind {', '.join(kinds)}; add them to layers/points.csv")
    in_belt = zones[zones["in_belt"].astype(bool)] if "in_belt" in zones else zones
    extent = belt_geometry(zones) if len(in_belt) else shapely.union_all(zones.to_crs(GEOGRAPHIC_CRS).geometry.values)
    minx, miny, maxx, maxy = gpd.GeoSeries([extent], crs=GEOGRAPHIC_CRS).to_crs(PLANAR_CRS).total_bounds
    bounds = (minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m)
    transform, (height, width) = _aligned_grid(bounds, resolution_m)

    columns, rows = np.meshgrid(np.arange(width) + 0.5, np.arange(height) + 0.5)
    x = transform.c + transform.a * columns
    y = transform.f + transform.e * rows
    lon, lat = Transformer.from_crs(PLANAR_CRS, GEOGRAPHIC_CRS, always_xy=True).transform(x.ravel(), y.ravel())
    lonlat = transport.to_crs(GEOGRAPHIC_CRS)
    nearest = np.full(lon.shape, np.inf)
    for point in lonlat.geometry.values:
        _, _, metres = GEOD.inv(lon, lat, np.full(lon.shape, point.x), np.full(lat.shape, point.y))
        nearest = np.minimum(nearest, metres)
    km = (nearest / _M_PER_KM).reshape(height, width).astype("float32")
    log.info("distance to %d transport points on a %d × %d grid of %g m", len(transport), width, height, resolution_m)
    return km, transform, transport


def write_distance_raster(
    out: str | os.PathLike,
    points: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    resolution_m: float = DISTANCE_RESOLUTION_M,
    margin_m: float = DISTANCE_MARGIN_M,
    inputs: tuple[Path, ...] = (),
) -> Path:
    """Write :func:`distance_to_transport` as a GeoTIFF (COG, EPSG:5186, km) whose metadata names its sources."""
    km, transform, transport = distance_to_transport(points, zones, resolution_m=resolution_m, margin_m=margin_m)
    sources = [
        {
            "point_id": row["point_id"],
            "kind": row["kind"],
            "name_en": row["name_en"],
            "uncertain": bool(row["uncertain"]),
            "source": row["source"],
        }
        for _, row in transport.iterrows()
    ]
    tags = {
        "UNITS": "km",
        "DISTANCE": "geodesic on GRS80 from each pixel centre to the nearest transport point",
        "TRANSPORT_POINTS": json.dumps(sources, ensure_ascii=False),
        "EXTENT": f"in-belt zones plus {margin_m:g} m",
    }
    return write_cog(
        out,
        km[None],
        transform=transform,
        crs=PLANAR_CRS,
        nodata=np.nan,
        tags=tags,
        resampling="average",
        inputs=inputs,
    )


def distance_overlay(path: str | os.PathLike) -> RasterOverlay:
    """The distance raster as a map overlay, switched off when the map opens."""
    return raster_overlay(path, name=DISTANCE_TITLE, legend_title=DISTANCE_TITLE, show=False)
