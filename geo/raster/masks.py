"""Zone masks: a zone-id Cloud-Optimized GeoTIFF in EPSG:5186, and pixel-count areas against vector areas.

:func:`rasterize_zones` writes the mask with its id table in the file's metadata; :func:`area_convergence`
compares pixel-count areas with the vector areas, pixel size by pixel size.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _format as fmt
from .._errors import InputError
from ..area import area_m2, planar_area_m2
from ..io import OutputFile, output_file
from ..schema import GeometryQuality
from ..settings import PLANAR_CRS
from ._open import open_raster

if TYPE_CHECKING:
    from rasterio.transform import Affine

log = logging.getLogger(__name__)


#: File name endings of the GeoTIFFs this module writes.
GEOTIFF_SUFFIXES: Final = (".tif", ".tiff")
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


def rasterize_zones(
    zones: gpd.GeoDataFrame,
    out: OutputFile | str | os.PathLike,
    *,
    resolution_m: float = MASK_RESOLUTION_M,
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
        GeoTIFF path, or a file of an :class:`geo.io.OutputFolder` (then never over one of its protected
        files); written atomically.
    resolution_m
        Pixel size in metres; the grid is aligned to multiples of it in EPSG:5186.

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    from rasterio import features

    out = output_file(out)
    if Path(out.name).suffix.lower() not in GEOTIFF_SUFFIXES:
        raise InputError(f"--out {out.name}: a zone mask is a GeoTIFF; end the name in .tif")
    resolution_m = _positive_resolution(resolution_m)
    planar = zones.to_crs(PLANAR_CRS)
    transform, shape = aligned_grid(planar.total_bounds, resolution_m)
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
            **{column: fmt.json_value(zone.get(column)) for column in _MASK_TABLE_COLUMNS if column in zone},
        }
        for value, (_, zone) in zip(values, zones.iterrows(), strict=True)
    ]
    tags = {
        "ZONE_TABLE": json.dumps(table, ensure_ascii=False),
        "PIXEL_RULE": "a pixel holds the zone covering its centre; where zones overlap the later zone wins",
        "RESOLUTION_M": f"{resolution_m:g}",
        **{f"ZONE_{entry['value']}": str(entry.get("feature_id", "")) for entry in table},
    }
    if "geometry_quality" in zones and (zones["geometry_quality"] == GeometryQuality.SCHEMATIC).any():
        tags["GEOMETRY_QUALITY"] = "schematic: outlines sized to the official areas, not surveyed boundaries"
    return write_cog(out, mask[None], transform=transform, crs=PLANAR_CRS, nodata=MASK_NODATA, tags=tags)


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
            transform, shape = aligned_grid(shapely.bounds(geom), resolution)
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


def aligned_grid(bounds: Sequence[float], resolution: float) -> tuple[Affine, tuple[int, int]]:
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
    target: OutputFile | str | os.PathLike,
    data: np.ndarray,
    *,
    transform: Affine,
    crs: str,
    nodata: float,
    tags: dict[str, str],
    resampling: str = "nearest",
) -> Path:
    """Write ``data`` (bands, rows, columns) as a Cloud-Optimized GeoTIFF, atomically.

    GDAL's COG driver lays it out as a COG: 256-pixel tiles, DEFLATE, overviews (``resampling``) and the
    header first. ``tags`` go into the GDAL metadata of the file.

    The file is made in memory (GDAL's ``/vsimem/``; compressed, so smaller than ``data``) and written as bytes
    (:meth:`geo.io.OutputFile.bytes`): a full disk is then one :class:`~geo.OutputError`, where libtiff, writing
    to the disk itself, reported an unrelated error or crashed the process.
    """
    from rasterio.io import MemoryFile

    bands, height, width = data.shape
    target = output_file(target)
    with MemoryFile() as memory:
        with memory.open(
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
        return target.bytes(memory.read())


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
    return "\n".join([*fmt.text_table(headers, rows), "", note]) + "\n"


def convergence_to_json(table: pd.DataFrame) -> str:
    """:func:`area_convergence` as JSON: top-level ``zones``, one entry per zone and resolution."""
    records = [fmt.json_record(row) for row in table.to_dict("records")]
    return fmt.to_json({"zones": records}, pretty=True)


def convergence_to_csv(table: pd.DataFrame) -> str:
    """:func:`area_convergence` as CSV with a UTF-8 BOM."""
    return fmt.excel_csv(table, float_format="%.6f")


#: Output formats of ``raster convergence --format``.
CONVERGENCE_FORMATS: Final = {"table": convergence_to_table, "json": convergence_to_json, "csv": convergence_to_csv}
