"""Exact pixel coverage of polygons and coverage-weighted statistics: the arithmetic behind geo.raster.

Everything here works in *pixel space*: a polygon given in column/row coordinates of a window (column ``u``
to the right, row ``v`` down, pixel ``(r, c)`` the unit square ``[c, c+1] × [r, r+1]``). An affine pixel grid
maps every pixel to a parallelogram of the same area, so the fraction of a pixel a polygon covers is the same
in pixel space as in the raster's CRS, whatever its rotation or shear.

Coverage fractions
------------------
By Green's theorem, the area of a polygon ``P`` inside pixel ``(r, c)`` is

    A(r, c) = −∮∂P [c < u < c+1] · clamp(v − r, 0, 1) du

with the rings oriented so that exteriors have a positive shoelace area and holes a negative one. Each edge
is cut at the integer columns it crosses; within one column a piece of the edge contributes ``−du`` to every
row wholly on one side of it (summed with one cumulative sum per column) and a closed-form amount to the few
rows it passes through. The cost is proportional to the window plus the number of pixels the boundary
crosses, and the result is exact up to floating-point rounding: no supersampling.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import shapely

#: Vertices closer than this (in pixels) to a grid line are moved onto it, so a zone drawn along pixel edges
#: does not pick up slivers of 1e-12 of its neighbours through rounding in the coordinate transformation.
SNAP_PX: Final = 1e-9
#: Coverage fractions within this of 0 or 1 are set to exactly 0 or 1 (floating-point noise of the sums).
FRACTION_NOISE: Final = 1e-10


def coverage_fractions(polygon: shapely.Geometry, shape: tuple[int, int]) -> np.ndarray:
    """Fraction of each pixel of a window covered by ``polygon``, exactly.

    Parameters
    ----------
    polygon
        Polygon or multipolygon in pixel coordinates of the window (x = column, y = row, both from 0 at
        the window's corner; one unit = one pixel).
    shape
        (rows, columns) of the window.

    Returns
    -------
    numpy.ndarray
        float64 array of ``shape`` with values in [0, 1]: the covered share of each pixel's area.
    """
    rows, cols = shape
    if rows == 0 or cols == 0 or polygon is None or polygon.is_empty:
        return np.zeros(shape)
    oriented = shapely.orient_polygons(polygon, exterior_cw=False)
    coords, ring = shapely.get_coordinates(shapely.get_rings(shapely.get_parts(oriented)), return_index=True)
    nearest = np.round(coords)
    coords = np.where(np.abs(coords - nearest) < SNAP_PX, nearest, coords)

    same_ring = ring[1:] == ring[:-1]
    u1, v1 = coords[:-1, 0][same_ring], coords[:-1, 1][same_ring]
    u2, v2 = coords[1:, 0][same_ring], coords[1:, 1][same_ring]
    moving = u1 != u2  # vertical edges add nothing: du = 0
    u1, v1, u2, v2 = u1[moving], v1[moving], u2[moving], v2[moving]

    # Cut every edge at the integer columns it crosses.
    u_lo, u_hi = np.minimum(u1, u2), np.maximum(u1, u2)
    first_col = np.floor(u_lo).astype(np.int64)
    n_pieces = np.maximum(np.ceil(u_hi).astype(np.int64) - first_col, 1)
    edge = np.repeat(np.arange(len(u1)), n_pieces)
    step = np.arange(len(edge)) - np.repeat(np.cumsum(n_pieces) - n_pieces, n_pieces)
    col = first_col[edge] + step
    keep = (col >= 0) & (col < cols)
    edge, col = edge[keep], col[keep]
    piece_lo = np.maximum(u_lo[edge], col)
    piece_hi = np.minimum(u_hi[edge], col + 1)
    slope = (v2 - v1)[edge] / (u2 - u1)[edge]
    va = v1[edge] + (piece_lo - u1[edge]) * slope
    vb = v1[edge] + (piece_hi - u1[edge]) * slope
    du = np.where(u2[edge] > u1[edge], piece_hi - piece_lo, piece_lo - piece_hi)

    # Rows wholly above a piece (v ≥ r + 1 along it, i.e. r < floor(min v)) each get −du.
    v_lo, v_hi = np.minimum(va, vb), np.maximum(va, vb)
    first_row = np.floor(v_lo).astype(np.int64)
    last_row = np.floor(v_hi).astype(np.int64)
    starts = np.zeros((rows + 1, cols))
    np.add.at(starts, (0, col), -du)
    np.add.at(starts, (np.clip(first_row, 0, rows), col), du)
    covered = np.cumsum(starts, axis=0)[:rows]

    # Rows the piece passes through get −du × the mean of clamp(v − r, 0, 1) along it.
    lo_row = np.clip(first_row, 0, rows)
    hi_row = np.clip(last_row, -1, rows - 1)
    n_rows = np.maximum(hi_row - lo_row + 1, 0)
    piece = np.repeat(np.arange(len(col)), n_rows)
    row = lo_row[piece] + np.arange(len(piece)) - np.repeat(np.cumsum(n_rows) - n_rows, n_rows)
    mean_depth = _mean_clamped(v_lo[piece] - row, v_hi[piece] - row)
    flat = row * cols + col[piece]
    covered += np.bincount(flat, weights=-du[piece] * mean_depth, minlength=rows * cols).reshape(rows, cols)

    covered[covered < FRACTION_NOISE] = 0.0
    covered[covered > 1 - FRACTION_NOISE] = 1.0
    return covered


def _mean_clamped(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Mean of clamp(t, 0, 1) for t uniform on [lo, hi] (lo ≤ hi), in a form that stays exact when hi ≈ lo."""
    length = hi - lo
    start = np.clip(lo, 0.0, 1.0)
    end = np.clip(hi, 0.0, 1.0)
    ramp = (end - start) * (end + start) / 2  # ∫ t dt over the part of [lo, hi] inside [0, 1]
    flat_top = np.maximum(hi - np.maximum(lo, 1.0), 0.0)  # the part above 1 counts 1 per unit
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (ramp + flat_top) / length
    return np.where(length > 0, mean, np.clip(lo, 0.0, 1.0))


def pixel_space_area(polygon: shapely.Geometry) -> float:
    """Area of a polygon in pixel coordinates, in pixels (what a fully covering raster's fractions add to)."""
    return float(shapely.area(polygon))


def distinct_weighted(
    whole: np.ndarray, values: np.ndarray | None = None, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values with their total weights, from values of weight 1 and weighted values.

    Most pixels of a zone are wholly inside it (weight 1): those are sorted with a plain value sort, which
    NumPy vectorises and which is an order of magnitude faster than the argsort that weighted values need;
    the few partly covered pixels are argsorted and merged in.

    Parameters
    ----------
    whole
        Values of weight 1, any real dtype.
    values, weights
        Further values and their weights (> 0).

    Returns
    -------
    tuple of numpy.ndarray
        (distinct values ascending, float64; their summed weights).
    """
    x_whole = np.sort(np.asarray(whole).ravel())
    starts = _run_starts(x_whole)
    x = x_whole[starts].astype(float)
    w = np.diff(np.append(starts, len(x_whole))).astype(float)
    if values is not None and len(values):
        order = np.argsort(values)
        x_part = np.asarray(values)[order].astype(float)
        w_part = np.asarray(weights, dtype=float)[order]
        at = np.searchsorted(x, x_part)
        x, w = np.insert(x, at, x_part), np.insert(w, at, w_part)
        starts = _run_starts(x)
        x, w = x[starts], np.add.reduceat(w, starts)
    return x, w


def _run_starts(sorted_values: np.ndarray) -> np.ndarray:
    """Index of the first of each run of equal values in a sorted array."""
    if len(sorted_values) == 0:
        return np.empty(0, dtype=np.intp)
    return np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Weighted quantiles of values with weights (any order, ties allowed); see :func:`quantiles_of_distinct`."""
    return quantiles_of_distinct(*distinct_weighted(np.empty(0), values, weights), quantiles)


def quantiles_of_distinct(x: np.ndarray, w: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """Weighted quantiles: the linear-interpolation (Hyndman–Fan type 7) quantile generalised to weights.

    Equal values are merged first (adding their weights), so the result does not depend on how ties are
    split. With the distinct values x₁ < … < xₙ, weights w₁ … wₙ and cumulative weights
    Wₖ = w₁ + … + wₖ, xₖ is placed at sₖ = (k − 1)·wₖ + (n − 1)·Wₖ₋₁ (s₁ = 0), and the q-quantile is
    found by linear interpolation at q·sₙ between the two xₖ whose sₖ bracket it. With equal weights and
    distinct values sₖ = (k − 1)·w·n, which is :func:`numpy.quantile`'s default ("linear") rule; it is
    also the rule exactextract applies to coverage weights.

    Parameters
    ----------
    x, w
        Distinct values in ascending order and their weights (> 0), as :func:`distinct_weighted` returns.
    quantiles
        Values in [0, 1].

    Returns
    -------
    numpy.ndarray
        One value per quantile; NaN for every quantile when there are no values.
    """
    quantiles = np.asarray(quantiles, dtype=float)
    n = len(x)
    if n == 0:
        return np.full(quantiles.shape, np.nan)
    cumulative = np.cumsum(w)
    s = np.arange(n) * w
    s[1:] += (n - 1) * cumulative[:-1]
    target = quantiles * s[-1]
    right = np.searchsorted(s, target, side="right")
    result = np.empty(quantiles.shape)
    at_end = right >= n
    result[at_end] = x[-1]
    inner = ~at_end
    r = right[inner]
    left = r - 1
    span = s[r] - s[left]
    result[inner] = x[left] + (target[inner] - s[left]) * (x[r] - x[left]) / span
    return result


def weighted_moments(values: np.ndarray, weights: np.ndarray) -> tuple[float, float, float]:
    """Total weight, weighted mean and weighted population standard deviation (√(Σw(x−x̄)²/Σw))."""
    total = float(weights.sum())
    if total <= 0:
        return total, float("nan"), float("nan")
    # einsum, not np.dot: a BLAS dot product may spin up threads that cost more than the sum on a busy machine.
    mean = float(np.einsum("i,i->", weights, values) / total)
    deviation = values - mean
    variance = float(np.einsum("i,i,i->", weights, deviation, deviation) / total)
    return total, mean, float(np.sqrt(max(variance, 0.0)))
