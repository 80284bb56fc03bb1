"""Rasters with rasterio: exact zonal statistics, zone-id masks and convergence, and overlays for the maps.

- :mod:`geo.raster.stats` — coverage-weighted statistics of a raster per zone;
- :mod:`geo.raster.masks` — zone-id Cloud-Optimized GeoTIFFs and pixel-count area convergence;
- :mod:`geo.raster.overlays` — any raster as a coloured overlay, and the distance-to-transport raster.
"""

from ._open import parse_band
from .masks import CONVERGENCE_FORMATS, area_convergence, rasterize_zones, read_zone_table
from .overlays import DISTANCE_FILE, RasterOverlay, distance_overlay, raster_overlay, write_distance_raster
from .stats import MODES, STATS_FORMATS, zonal_stats

__all__ = [
    "CONVERGENCE_FORMATS",
    "DISTANCE_FILE",
    "MODES",
    "STATS_FORMATS",
    "RasterOverlay",
    "area_convergence",
    "distance_overlay",
    "parse_band",
    "raster_overlay",
    "rasterize_zones",
    "read_zone_table",
    "write_distance_raster",
    "zonal_stats",
]
