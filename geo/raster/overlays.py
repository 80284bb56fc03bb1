"""Rasters on the HTML maps: any raster as a coloured Web Mercator overlay, and the distance-to-transport raster.

:func:`raster_overlay` reprojects a raster to Web Mercator, colours it with viridis and returns a
:class:`RasterOverlay`, which :mod:`geo.maps` draws. :func:`distance_to_transport` derives, from our
site-selection points, the geodesic distance (km) from every pixel of an EPSG:5186 grid over the belt to the
nearest airport or rail station.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import shapely

from .. import _colormap, i18n
from .._errors import InputError
from ..area import GEOD
from ..belt import belt_geometry
from ..io import OutputFile
from ..settings import DEFAULT_LANGUAGE, GEOGRAPHIC_CRS, LANGUAGES, PLANAR_CRS, WEB_MERCATOR_CRS
from ._open import band_numbers, dataset_bounds, open_raster
from .masks import aligned_grid, write_cog

if TYPE_CHECKING:
    from rasterio.transform import Affine

log = logging.getLogger(__name__)

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
_M_PER_KM: Final = 1_000.0


def output_files() -> tuple[str, ...]:
    """Names of the files the build's raster step writes into the output folder."""
    return (DISTANCE_FILE,)


@dataclass(frozen=True)
class RasterOverlay:
    """An image overlay already reprojected to Web Mercator and encoded as PNG.

    Attributes
    ----------
    name : str or mapping of language code to str
        Layer name shown in the layer control (escaped by the map); a mapping gives one per language.
    png_data_url : str
        ``data:image/png;base64,…`` of the RGBA image, so the HTML stays self-contained.
    bounds : tuple
        ((south, west), (north, east)) in degrees (EPSG:4326) of the image's corners.
    legend_title : str or mapping of language code to str
        Title of the colour legend, with units (e.g. "Distance to transport (km)"), or one per language.
    legend_stops : list of (float, str)
        Values and their hex colours, low to high, for the legend's colour bar.
    opacity : float
        Initial opacity, 0 to 1.
    show : bool
        Whether the overlay is switched on when the map opens.
    """

    name: str | Mapping[str, str]
    png_data_url: str
    bounds: tuple[tuple[float, float], tuple[float, float]]
    legend_title: str | Mapping[str, str]
    legend_stops: list[tuple[float, str]] = field(default_factory=list)
    opacity: float = 0.6
    show: bool = False

    def text(self, field_name: str, language: str) -> str:
        """``name`` or ``legend_title`` in ``language`` (English, then any, where that one is missing)."""
        value = getattr(self, field_name)
        if isinstance(value, str):
            return value
        return value.get(language) or value.get(DEFAULT_LANGUAGE) or next(iter(value.values()), "")


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
        (band_number,) = band_numbers(dataset, band, label, option=band_option)
        integer = np.issubdtype(np.dtype(dataset.dtypes[band_number - 1]), np.integer)
        resampling = Resampling.nearest if integer else Resampling.bilinear
        scale = max(dataset.width, dataset.height) / OVERLAY_MAX_SIZE
        shape = (dataset.height, dataset.width)
        if scale > 1:
            shape = (max(1, round(dataset.height / scale)), max(1, round(dataset.width / scale)))
        layer = dataset.read(band_number, out_shape=shape, masked=True, resampling=resampling)
        source = np.where(np.ma.getmaskarray(layer), np.nan, np.ma.getdata(layer).astype("float32"))
        src_transform = _scaled(dataset.transform, dataset.width / shape[1], dataset.height / shape[0])
        src_crs, bounds = dataset.crs, dataset_bounds(dataset)
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
        name=name or {lang: i18n.text("band_name", lang, label=label, band=band_number) for lang in LANGUAGES},
        png_data_url=_colormap.png_data_url(rgba),
        bounds=_lonlat_bounds(dst_transform, dst_shape),
        legend_title=legend_title
        or {lang: i18n.text("band_legend", lang, label=label, band=band_number) for lang in LANGUAGES},
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
    transform, (height, width) = aligned_grid(bounds, resolution_m)

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
    out: OutputFile | str | os.PathLike,
    points: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    resolution_m: float = DISTANCE_RESOLUTION_M,
    margin_m: float = DISTANCE_MARGIN_M,
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
    )


def distance_overlay(path: str | os.PathLike) -> RasterOverlay:
    """The distance raster as a map overlay, switched off when the map opens."""
    title = i18n.texts("distance_title")
    return raster_overlay(path, name=title, legend_title=title, show=False)
