"""The overlay colour map and PNG encoder (geo._colormap); the PNG is decoded by GDAL, not by us."""

from __future__ import annotations

import base64
import warnings

import numpy as np
import pytest

from geo import _colormap


def _decode_png(data: bytes) -> np.ndarray:
    from rasterio.errors import NotGeoreferencedWarning
    from rasterio.io import MemoryFile

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with MemoryFile(data) as memory, memory.open() as dataset:
            assert dataset.driver == "PNG"
            return dataset.read()


def test_png_round_trips_through_gdal():
    rgba = np.random.default_rng(0).integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    decoded = _decode_png(_colormap.encode_png(rgba))
    np.testing.assert_array_equal(decoded, np.moveaxis(rgba, -1, 0))


def test_data_url_is_base64_png():
    url = _colormap.png_data_url(np.zeros((2, 3, 4), dtype=np.uint8))
    assert url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")


def test_colorize_ends_on_the_first_and_last_stops_and_nan_is_transparent():
    rgba = _colormap.colorize(np.array([[0.0, 10.0, np.nan, -5.0, 99.0]]), 0.0, 10.0)
    first = [int(_colormap.VIRIDIS_STOPS[0][i : i + 2], 16) for i in (1, 3, 5)]
    last = [int(_colormap.VIRIDIS_STOPS[-1][i : i + 2], 16) for i in (1, 3, 5)]
    assert rgba[0, 0, :3].tolist() == first and rgba[0, 3, :3].tolist() == first  # below range clips low
    assert rgba[0, 1, :3].tolist() == last and rgba[0, 4, :3].tolist() == last
    assert rgba[0, :, 3].tolist() == [255, 255, 0, 255, 255]


@pytest.mark.parametrize("index", range(len(_colormap.VIRIDIS_STOPS)))
def test_color_at_a_stop_is_that_stop(index):
    assert _colormap.color_at(index / (len(_colormap.VIRIDIS_STOPS) - 1)) == _colormap.VIRIDIS_STOPS[index]


def test_colour_map_is_perceptually_ordered():
    # viridis gets lighter from low to high: relative luminance increases monotonically along the stops.
    rgb = np.array([[int(h[i : i + 2], 16) for i in (1, 3, 5)] for h in _colormap.VIRIDIS_STOPS]) / 255
    luminance = rgb @ np.array([0.2126, 0.7152, 0.0722])
    assert (np.diff(luminance) > 0).all()
