"""A raster drawn on the HTML maps: what geo.raster produces and geo.maps draws."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


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
        return value.get(language) or value.get("en") or next(iter(value.values()), "")
