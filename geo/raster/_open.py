"""Opening rasters: a georeferenced raster or one clear error naming the file and the fix; band choice; bounds.

Paths whose bytes are not UTF-8 are opened through an ASCII link (:func:`geo.io.gdal_path`), as GDAL needs.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .. import _format as fmt
from .._errors import InputError, InputFileNotFoundError
from ..io import gdal_path

if TYPE_CHECKING:
    from rasterio.io import DatasetReader

log = logging.getLogger(__name__)


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
        with warnings.catch_warnings(), gdal_path(path) as readable:
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            dataset = rasterio.open(readable)
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
            raise InputError(
                f"--band {fmt.quoted(text)} is not a band number; pass e.g. --band 1 or --band all"
            ) from None
    return "all"


def band_numbers(dataset: DatasetReader, band: int | str, name: str, *, option: str = "--band") -> list[int]:
    if band == "all":
        return list(range(1, dataset.count + 1))
    if not 1 <= int(band) <= dataset.count:
        every = " or --band all" if option == "--band" else ""
        raise InputError(
            f"{name}: has {dataset.count} band{'s' if dataset.count != 1 else ''}, no band {band}; "
            f"pass {option} between 1 and {dataset.count}{every}"
        )
    return [int(band)]


def dataset_bounds(dataset: DatasetReader) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of the raster's four corners in its CRS, for any grid.

    Unlike ``dataset.bounds``, which multiplies the transform with ``*`` (deprecated by affine 3 for a
    rotated or sheared grid, with a PendingDeprecationWarning), the corners are mapped with ``@``.
    """
    transform = dataset.transform
    corners = [transform @ (column, row) for column in (0, dataset.width) for row in (0, dataset.height)]
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    return min(xs), min(ys), max(xs), max(ys)
