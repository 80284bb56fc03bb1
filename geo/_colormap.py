"""A perceptual colour map and a minimal PNG encoder, so raster overlays need neither matplotlib nor Pillow.

The colour map is viridis (van der Walt and Smith, 2015) given as ten stops, sampled at 0, 1/9, …, 1; colours
between stops are interpolated linearly in sRGB. The PNG writer emits one 8-bit RGBA image (colour type 6)
with no row filters, compressed with zlib: exactly what an HTML ``<img>`` needs.
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Final

import numpy as np

#: viridis at ten evenly spaced positions from 0 (low) to 1 (high), hex sRGB.
VIRIDIS_STOPS: Final[tuple[str, ...]] = (
    "#440154",
    "#482878",
    "#3e4989",
    "#31688e",
    "#26828e",
    "#1f9e89",
    "#35b779",
    "#6ece58",
    "#b5de2b",
    "#fde725",
)
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_RGBA_COLOUR_TYPE: Final = 6
_ZLIB_LEVEL: Final = 9


def _stop_rgb(stops: tuple[str, ...]) -> np.ndarray:
    return np.array([[int(h[i : i + 2], 16) for i in (1, 3, 5)] for h in stops], dtype=float)


def colorize(values: np.ndarray, vmin: float, vmax: float, *, stops: tuple[str, ...] = VIRIDIS_STOPS) -> np.ndarray:
    """Map values to RGBA through the colour map; NaN becomes fully transparent.

    Parameters
    ----------
    values
        2-D float array (any unit); NaN marks no data.
    vmin, vmax
        Values drawn with the first and last stop; values outside are clipped.

    Returns
    -------
    numpy.ndarray
        uint8 array of shape ``values.shape + (4,)``.
    """
    rgb = _stop_rgb(stops)
    span = vmax - vmin if vmax > vmin else 1.0
    position = np.clip((np.nan_to_num(values, nan=vmin) - vmin) / span, 0.0, 1.0) * (len(stops) - 1)
    low = np.minimum(np.floor(position).astype(int), len(stops) - 2)
    frac = (position - low)[..., None]
    colours = rgb[low] * (1 - frac) + rgb[low + 1] * frac
    rgba = np.empty((*values.shape, 4), dtype=np.uint8)
    rgba[..., :3] = np.round(colours).astype(np.uint8)
    rgba[..., 3] = np.where(np.isnan(values), 0, 255)
    return rgba


def color_at(fraction: float, *, stops: tuple[str, ...] = VIRIDIS_STOPS) -> str:
    """Hex colour of the map at ``fraction`` (0 = low end, 1 = high end)."""
    r, g, b, _ = colorize(np.array([[fraction]]), 0.0, 1.0, stops=stops)[0, 0]
    return f"#{r:02x}{g:02x}{b:02x}"


def encode_png(rgba: np.ndarray) -> bytes:
    """PNG bytes of an 8-bit RGBA image (rows top to bottom)."""
    height, width, _ = rgba.shape
    rows = np.concatenate([np.zeros((height, 1), dtype=np.uint8), rgba.reshape(height, width * 4)], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, _RGBA_COLOUR_TYPE, 0, 0, 0)
    return (
        _PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows.tobytes(), _ZLIB_LEVEL))
        + _chunk(b"IEND", b"")
    )


def png_data_url(rgba: np.ndarray) -> str:
    """``data:image/png;base64,…`` of an RGBA image, for a self-contained HTML file."""
    return "data:image/png;base64," + base64.b64encode(encode_png(rgba)).decode("ascii")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
