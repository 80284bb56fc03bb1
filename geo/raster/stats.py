"""Exact zonal statistics of a raster per zone, and their JSON, CSV and table formats.

:func:`zonal_stats` reprojects the zones to the raster's CRS (never the raster to the zones), reads only the
window around each zone (in strips of at most :data:`MAX_WINDOW_CELLS` pixels) and weights every pixel by the
exact share of it the zone covers (:mod:`geo._zonal`), or, in ``centre`` mode, counts a pixel when its centre
lies inside the zone. Nodata, NaN and GDAL masks (mask bands, alpha) are honoured.

rasterio and tqdm are imported inside the functions that use them, so measuring areas does not need them.
"""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _format as fmt
from .. import _zonal
from .._errors import InputError
from ..area import GEOD, authalic_q
from ..schema import GeometryQuality
from ._open import band_numbers, dataset_bounds, open_raster

if TYPE_CHECKING:
    from rasterio.io import DatasetReader
    from rasterio.transform import Affine

log = logging.getLogger(__name__)

#: Zonal statistics modes: ``exact`` weights each pixel by the share of it inside the zone; ``centre``
#: counts a pixel (weight 1) when its centre is strictly inside the zone.
MODES: Final = ("exact", "centre")
#: The largest number of pixels read at once for one zone; larger windows are read in strips of rows.
MAX_WINDOW_CELLS: Final = 1 << 24
#: Show a progress bar (on a terminal only) once zonal statistics have run this many seconds.
PROGRESS_DELAY_S: Final = 2.0
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
        bands = band_numbers(dataset, band, name)
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
                f"{name}: no zone overlaps the raster (its bounds are {_bounds_text(dataset_bounds(dataset))} in "
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


def stats_to_json(stats: pd.DataFrame, *, raster: str | os.PathLike, mode: str) -> str:
    """The JSON contract: top-level ``zones``, each with zone_id, feature_id, count, min, max, mean, std, median."""
    document = {
        "raster": Path(raster).name,
        "mode": mode,
        "definitions": STATS_DEFINITIONS,
        "schematic_geometry": bool((stats.get("geometry_quality") == GeometryQuality.SCHEMATIC).any()),
        "zones": [fmt.json_record(row) for row in stats.to_dict("records")],
    }
    return fmt.to_json(document, pretty=True)


def stats_to_csv(stats: pd.DataFrame, **_: object) -> str:
    """CSV with a UTF-8 BOM (opens in Excel with Hangul and Kana), formulas neutralised."""
    return fmt.excel_csv(stats, float_format="%.6f")


def stats_to_table(stats: pd.DataFrame, *, raster: str | os.PathLike, mode: str) -> str:
    """A plain-text table for a terminal, with a note when the zone outlines are schematic."""
    numeric = [c for c in stats.columns if c not in {"feature_id", "zone_id", "geometry_quality"}]
    headers = ["zone", *numeric]
    rows = [[str(row["feature_id"]), *(fmt.table_number(row[c]) for c in numeric)] for _, row in stats.iterrows()]
    lines = [f"{Path(raster).name}: zonal statistics, {mode} mode", "", *fmt.text_table(headers, rows)]
    if (stats.get("geometry_quality") == GeometryQuality.SCHEMATIC).any():
        lines += ["", "Note: the zone outlines are schematic (sized to the official areas, not surveyed)."]
    return "\n".join(lines) + "\n"


#: Output formats of ``raster stats --format``.
STATS_FORMATS: Final = {"table": stats_to_table, "json": stats_to_json, "csv": stats_to_csv}
