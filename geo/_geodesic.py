"""Areas of lon/lat rings with GRS80 geodesic edges on the authalic sphere: the vectorised kernel of geo.area.

Each vertex goes to the authalic sphere (latitude → authalic latitude β, radius R_q), an equal-area map of the
ellipsoid. A ring with great-circle edges between those points has an exact area: the sum over edges of the
spherical excess of the triangle (centre C, vertex a, vertex b), tan(E/2) = [C a b] / (1 + C·a + C·b + a·b)
(Van Oosterom & Strackee 1983). C is the ring's first vertex and the unit vectors are taken in east, north
and up components about it, from differences formed before any rounding, so the sum is as well-conditioned
as a shoelace. The image of a GRS80 geodesic is not quite a great circle; the sliver between the two is a
closed form in the edge's length and direction (:func:`_short_edge_slivers`), or a two-point Gauss rule along
long edges (:func:`_long_edge_slivers`).

Vertices go through NumPy in blocks of whole rings, small enough for every temporary array to stay in the
CPU's cache: arrays of millions of vertices would make each step wait for memory instead.
"""

from __future__ import annotations

import functools
import itertools
from typing import Final

import numpy as np
from pyproj import Geod

from .settings import ELLIPSOID

GEOD: Final = Geod(ellps=ELLIPSOID)
_A: Final = GEOD.a
_E2: Final = GEOD.es
_E: Final = float(np.sqrt(GEOD.es))

#: Rings whose every vertex lies within this many degrees of longitude and of latitude of the ring's first
#: vertex (so every ring whose extents are below it), whose edges are no longer than a diagonal of a square of
#: this side and which stay within ±MAX_LAT_DEG are measured here; :func:`ring_areas_m2` reports the others.
MAX_EXTENT_DEG: Final = 5.0
#: The latitude tables of the slivers stop here (degrees); polar rings are rare.
MAX_LAT_DEG: Final = 85.0
#: Edges longer than this (m) integrate the curvature of their image along the great circle (two Gauss
#: points) instead of taking it at the middle; at 20 km the midpoint rule is already within 1e-12 of the area.
LONG_EDGE_M: Final = 20_000.0

#: Vertices per block: few enough for a block's temporary arrays to stay in the CPU's caches, enough for
#: NumPy's cost per call to be small beside the arithmetic.
_BLOCK_VERTICES: Final = 16_384
#: Step (degrees) of the latitude table of the short-edge slivers; linear interpolation at this step is good
#: to ~1e-7 of the sliver.
_TABLE_STEP_DEG: Final = 0.02
#: Step (degrees) of the table of curvature factors by authalic latitude that the long edges read.
_AUTHALIC_STEP_DEG: Final = 0.05
#: The two Gauss-Jacobi nodes for the weight u (1 − u) on [0, 1] are u = 1/2 ∓ this, 1 / (2√5); both weights
#: are 1/12, and the rule is exact when κ is a cubic in u.
_JACOBI_NODE: Final = 1 / (2 * np.sqrt(5))
_NODE_SIDES: Final = np.array([[-1.0], [1.0]])
_HALF_RADIAN: Final = np.pi / 360


def authalic_q(sin_phi: np.ndarray) -> np.ndarray:
    """Snyder's q(φ) on GRS80, exact closed form: sin(authalic latitude) = q(φ) / q(90°)."""
    e, e2 = _E, _E2
    return (1 - e2) * (sin_phi / (1 - e2 * sin_phi**2) - np.log((1 - e * sin_phi) / (1 + e * sin_phi)) / (2 * e))


_QP: Final = float(authalic_q(np.array(1.0)))
#: Radius (m) of the authalic sphere, the sphere with GRS80's surface area.
_R_AUTHALIC: Final = _A * float(np.sqrt(_QP / 2))
#: (1 − e²) / q(90°): turns the bracket of q(φ) − q(φ0) into sin β − sin β0.
_Q_SCALE: Final = (1 - _E2) / _QP
#: Largest length (m) of one degree of latitude or of longitude on GRS80 (a degree of latitude at the pole).
_MAX_M_PER_DEG: Final = _A / np.sqrt(1 - _E2) * np.pi / 180
#: An edge whose extents (degrees) satisfy Δλ² + Δφ² ≤ this is shorter than LONG_EDGE_M everywhere.
_LONG_EDGE_DEG2: Final = (LONG_EDGE_M / _MAX_M_PER_DEG) ** 2
#: Edges in range have Δλ² + Δφ² below this (degrees²): the diagonal of a MAX_EXTENT_DEG square.
_MAX_EDGE_DEG2: Final = 2 * MAX_EXTENT_DEG**2


def ring_areas_m2(coords: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signed area (counter-clockwise positive) in m² of closed lon/lat rings with GRS80 geodesic edges.

    Parameters
    ----------
    coords
        (n, 2) longitudes and latitudes in degrees (EPSG:4326) of the rings' vertices, rings one after the
        other, each closed (first vertex repeated last) and of at least three vertices.
    starts
        Index in ``coords`` of each ring's first vertex, increasing, starting at 0.

    Returns
    -------
    tuple of numpy.ndarray
        The area of each ring, and whether it was measured: rings out of the range of :data:`MAX_EXTENT_DEG`
        (larger ones, polar ones, those crossing the antimeridian or with NaN vertices) are not, and count 0.
    """
    if len(starts) == 0:
        return np.zeros(0), np.ones(0, dtype=bool)
    # Blocks of whole rings, each starting at the first ring that begins at or after a multiple of the size.
    first_rings = np.unique(np.searchsorted(starts, np.arange(0, len(coords), _BLOCK_VERTICES)))
    first_rings = first_rings[first_rings < len(starts)]  # a multiple inside the last ring starts no block
    ring_bounds = np.append(first_rings, len(starts))
    vertex_bounds = np.append(starts[first_rings], len(coords))
    areas, measured = zip(
        *(
            _block_areas(coords[first:last].T.copy(), starts[ring_bounds[k] : ring_bounds[k + 1]] - first)
            for k, (first, last) in enumerate(itertools.pairwise(vertex_bounds))
        ),
        strict=True,
    )
    return np.concatenate(areas), np.concatenate(measured)


def _block_areas(vertices: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`ring_areas_m2` of one block: (2, n) longitudes and latitudes (degrees) and the local ring starts.

    Longitude and latitude go through the same steps as the two rows of one array.
    """
    counts = np.diff(starts, append=vertices.shape[1])
    first = vertices[:, starts]
    # Every vertex is measured from its ring's first vertex, the centre of the ring's frame.
    first, constants = np.split(np.repeat(np.vstack([first, _ring_constants(first[1])]), counts, axis=1), [2])
    offset = vertices - first
    # Consecutive vertices are edges (rings are closed); the pair across two rings is zeroed before the sums.
    # Slices, not index arrays: copies would cost more than the arithmetic.
    across = starts[1:] - 1
    edge = vertices[:, 1:] - vertices[:, :-1]
    edge_squared = edge * edge
    edge2 = edge_squared[0] + edge_squared[1]
    edge2[across] = 0.0
    measured = _in_range(offset, vertices[1], edge2, starts)
    if not measured.all():
        # A ring out of range becomes a point at (0, 0): area 0, and no invalid arithmetic.
        return _block_areas(np.where(np.repeat(measured, counts), vertices, 0.0), starts)[0], measured

    east, north, up, sin_beta, cos_beta, half_lon, sin_lon = _local_frame(offset, *constants)
    ea, eb, na, nb = east[:-1], east[1:], north[:-1], north[1:]
    # Half the excess, 1 + C·a + C·b + a·b = (1 + Ua)(1 + Ub) + Ea Eb + Na Nb. One slot more than there are
    # edges, left 0, so that every ring sums the same number of terms wherever it lies in the block: NumPy's
    # pairwise summation rounds differently for a different count.
    up += 1
    terms = np.zeros(len(east))
    np.arctan2(ea * nb - eb * na, up[:-1] * up[1:] + ea * eb + na * nb, out=terms[:-1])
    terms *= 2 * _R_AUTHALIC**2
    sliver = _short_edge_slivers(vertices[1], edge[0], edge_squared)
    long_edge = np.flatnonzero(edge2 > _LONG_EDGE_DEG2)
    if len(long_edge):
        start, end = (
            (cos_beta[ends] * (1 - 2 * half_lon[ends] ** 2), cos_beta[ends] * sin_lon[ends], sin_beta[ends])
            for ends in (long_edge, long_edge + 1)
        )
        sliver[long_edge] = _long_edge_slivers(start, end)
    terms[:-1] += sliver
    terms[across] = 0.0
    return np.add.reduceat(terms, starts), measured


def _in_range(offset: np.ndarray, lat: np.ndarray, edge2: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Whether each ring is in range: near its first vertex, away from the poles, with no edge too long.

    ``offset`` holds each vertex's longitude and latitude from its ring's first vertex, which must stay below
    MAX_EXTENT_DEG (a ring whose extents are below it always does); ``lat`` within ±MAX_LAT_DEG; ``edge2``
    each edge's Δλ² + Δφ² (degrees²), below _MAX_EDGE_DEG2. One test for the whole block first, since rings
    out of range are rare.
    """
    if -MAX_EXTENT_DEG < offset.min() and offset.max() < MAX_EXTENT_DEG and edge2.max() < _MAX_EDGE_DEG2:
        if -MAX_LAT_DEG <= lat.min() and lat.max() <= MAX_LAT_DEG:
            return np.ones(len(starts), dtype=bool)
    # NaN coordinates compare false: out of range too.
    return (
        (np.maximum.reduceat(np.abs(offset).max(axis=0), starts) < MAX_EXTENT_DEG)
        & (np.maximum.reduceat(np.abs(lat), starts) <= MAX_LAT_DEG)
        & (np.maximum.reduceat(np.append(edge2, 0.0), starts) < _MAX_EDGE_DEG2)
    )


def _ring_constants(lat0: np.ndarray) -> np.ndarray:
    """The rows :func:`_local_frame` reads for each ring, from the latitude of its first vertex (degrees)."""
    phi0 = np.radians(lat0)
    sin_phi0, cos_phi0 = np.sin(phi0), np.cos(phi0)
    sin_beta0 = authalic_q(sin_phi0) / _QP
    return np.stack(
        [
            sin_phi0,
            2 * sin_phi0,
            2 * cos_phi0,
            _E2 * sin_phi0,
            1 / (1 - _E2 * sin_phi0**2),
            sin_beta0,
            np.sqrt(1 - sin_beta0**2),
            2 * sin_beta0,
        ]
    )


def _local_frame(
    offset: np.ndarray,
    sin_phi0: np.ndarray,
    twice_sin_phi0: np.ndarray,
    twice_cos_phi0: np.ndarray,
    e2_sin_phi0: np.ndarray,
    inverse_w0: np.ndarray,
    sin_beta0: np.ndarray,
    cos_beta0: np.ndarray,
    twice_sin_beta0: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Each vertex on the unit authalic sphere, in the frame of its ring's first vertex.

    Parameters
    ----------
    offset
        (2, n) longitude and latitude of each vertex from its ring's first vertex, degrees (below
        MAX_EXTENT_DEG).
    sin_phi0, ...
        The rows of :func:`_ring_constants` at each vertex: sin φ0, 2 sin φ0, 2 cos φ0, e² sin φ0,
        1 / (1 − e² sin² φ0), sin β0, cos β0 and 2 sin β0 of the first vertex (β authalic latitude).

    Returns
    -------
    tuple of numpy.ndarray
        East, north and up components of the unit vector in the frame of the first vertex; sin and cos of
        the authalic latitude β; sin(Δλ/2) and sin Δλ of the longitude from the first vertex.

    Differences from the first vertex are formed before any rounding (sin φ − sin φ0, q(φ) − q(φ0),
    cos β0 − cos β), so that a polygon of a metre keeps its relative precision: subtracting two numbers near 1
    would leave only nanometres.
    """
    half_lon, half = np.sin(offset * _HALF_RADIAN)
    # sin φ − sin φ0 = cos φ0 sin δ − 2 sin φ0 sin²(δ/2), δ = φ − φ0, from one sine and one square root.
    d_sin = half * (twice_cos_phi0 * np.sqrt(1 - half * half) - twice_sin_phi0 * half)
    sin_phi = sin_phi0 + d_sin
    # q(φ) − q(φ0) = (1 − e²) [Δ(s / (1 − e² s²)) + Δartanh(e s) / e], s = sin φ. The first difference is
    # Δs (1 + e² s s0) / ((1 − e² s²)(1 − e² s0²)); artanh(z) − artanh(z0) = artanh((z − z0) / (1 − z z0)), whose
    # argument is below e sin(5°) ≈ 0.007 here, so four terms of the series are exact to rounding.
    one_minus = 1 - e2_sin_phi0 * sin_phi
    u = d_sin / one_minus
    u2 = u * u
    artanh = u * (1 + u2 * (_E2 / 3 + u2 * (_E2**2 / 5 + u2 * _E2**3 / 7)))  # Δartanh(e s) / e
    d_sin_beta = _Q_SCALE * (d_sin * (2 - one_minus) * inverse_w0 / (1 - _E2 * sin_phi * sin_phi) + artanh)
    sin_beta = sin_beta0 + d_sin_beta
    cos_beta = np.sqrt(1 - sin_beta * sin_beta)
    half_lon2 = half_lon * half_lon
    sin_lon = 2 * half_lon * np.sqrt(1 - half_lon2)
    d_cos_beta = d_sin_beta * (sin_beta + sin_beta0) / (cos_beta0 + cos_beta)  # cos β0 − cos β
    east = cos_beta * sin_lon
    north = sin_beta0 * d_cos_beta + cos_beta0 * d_sin_beta + twice_sin_beta0 * cos_beta * half_lon2
    up = np.sqrt(1 - east * east - north * north)
    return east, north, up, sin_beta, cos_beta, half_lon, sin_lon


def _curvature_factors(sin_phi: np.ndarray, cos_phi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """k² and the latitude factors F0, F1 (1/m) of the curvature of a geodesic's image on the authalic sphere.

    In coordinates (λ, β) the ellipsoid's metric is P² dλ² + Q² dβ² with P = ρ = N cos φ and
    Q = R² cos β / ρ, the sphere's R² cos² β dλ² + R² dβ². Liouville's formula for both, with the geodesic
    condition dt/ds = (P'/P) cos t / Q on the ellipsoid, gives the sphere's geodesic curvature of the image of
    a geodesic in direction t (anticlockwise from east, on the ellipsoid),
    κ = cos t / (Q w³) · (2 (P'/P + tan β) sin² t + P'/P) + sin β cos t / (ρ w), where
    w = ds_sphere / ds_ellipsoid = √(cos² t / k² + k² sin² t), k = ρ / (R cos β), P'/P = −R² sin φ cos β / ρ².
    It is zero on a sphere (e = 0) and of order e² / R here; positive bends left. With cos² t = 1 − sin² t,
    κ·w³ = cos t (F0 + F1 sin² t), F0 = P'/P / Q + sin β / (ρ k²), F1 = 2 (P'/P + tan β) / Q + sin β (k² − 1/k²) / ρ.
    """
    r = _R_AUTHALIC
    rho = _A * cos_phi / np.sqrt(1 - _E2 * sin_phi**2)
    sin_beta = authalic_q(sin_phi) / _QP
    cos_beta = np.sqrt(1 - sin_beta**2)
    k2 = (rho / (r * cos_beta)) ** 2
    log_p = -(r**2) * sin_phi * cos_beta / rho**2  # P'/P
    q_metric = r**2 * cos_beta / rho
    factor0 = log_p / q_metric + sin_beta / (rho * k2)
    factor1 = 2 * (log_p + sin_beta / cos_beta) / q_metric + sin_beta * (k2 - 1 / k2) / rho
    return k2, factor0, factor1


@functools.cache
def _latitude_table() -> tuple[np.ndarray, ...]:
    """The sliver coefficients A, B (m²/degree³) and their steps, every _TABLE_STEP_DEG from −MAX_LAT_DEG.

    For an edge of Δλ, Δφ degrees about latitude φ, east = ρ Δλ and north = M Δφ (ρ, M in m per degree), and
    κ (wL)³ = east (F0 L² + F1 north²) (:func:`_curvature_factors`), so the sliver κ (wL)³ / 12 is
    Δλ (A Δλ² + B Δφ²) with A = ρ³ F0 / 12 and B = ρ M² (F0 + F1) / 12. One row past MAX_LAT_DEG, so that
    a latitude of exactly MAX_LAT_DEG interpolates without a bounds check.
    """
    lat = np.arange(-MAX_LAT_DEG, MAX_LAT_DEG + 1.5 * _TABLE_STEP_DEG, _TABLE_STEP_DEG)
    phi = np.radians(lat)
    sin_phi, cos_phi = np.sin(phi), np.cos(phi)
    w2 = 1 - _E2 * sin_phi**2
    per_degree = np.pi / 180
    rho = _A / np.sqrt(w2) * cos_phi * per_degree
    meridional = _A * (1 - _E2) / w2**1.5 * per_degree
    _, factor0, factor1 = _curvature_factors(sin_phi, cos_phi)
    a = rho**3 * factor0 / 12
    b = rho * meridional**2 * (factor0 + factor1) / 12
    return a[:-1], np.diff(a), b[:-1], np.diff(b)


def _short_edge_slivers(lat: np.ndarray, edge_lon: np.ndarray, edge_squared: np.ndarray) -> np.ndarray:
    """Signed area (m²) between each edge's image on the authalic sphere and the great circle.

    Edges join consecutive vertices (latitudes ``lat`` in degrees; ``edge_lon`` the edges' Δλ and
    ``edge_squared`` the rows Δλ² and Δφ², degrees). κ (:func:`_curvature_factors`) is taken at the mean
    latitude in the edge's direction there: the sliver is κ·(wL)³/12 with L the length on the ellipsoid and wL
    on the sphere. Positive κ bends left, so the edge bulges right of the chord: outward for a counter-clockwise
    ring, which gains the sliver.
    """
    a, step_a, b, step_b = _latitude_table()
    # Linear interpolation in the regular table by hand: one index and weight for both columns, which
    # np.interp (a binary search per call) would find twice.
    position = (lat[:-1] + lat[1:]) * (0.5 / _TABLE_STEP_DEG) + MAX_LAT_DEG / _TABLE_STEP_DEG
    index = position.astype(np.intp)
    weight = position - index
    sliver = (a[index] + weight * step_a[index]) * edge_squared[0]
    sliver += (b[index] + weight * step_b[index]) * edge_squared[1]
    sliver *= edge_lon
    return sliver


def _long_edge_slivers(start: tuple[np.ndarray, ...], end: tuple[np.ndarray, ...]) -> np.ndarray:
    """Signed sliver area (m²) of long edges, κ integrated along the great circle between two unit vectors.

    Parameters
    ----------
    start, end
        x, y and z components of the unit vectors of the edges' ends on the authalic sphere, in a frame whose
        z axis is the pole.

    The sliver is ∫ κ(s) G(s) ds with G(s) = s (L − s) / 2 for a chord in the plane; the sphere's curvature
    multiplies it by (1 + σ²/10) to the order that matters (σ = L / R), from the Green's function of
    h'' + h/R² = −κ. The two-point Gauss rule for the weight s (L − s) integrates κ's variation along the
    edge exactly to the third degree, as three Gauss-Legendre points would for κ·G.
    """
    (ax, ay, az), (bx, by, bz) = start, end
    mid_norm = np.sqrt((ax + bx) ** 2 + (ay + by) ** 2 + (az + bz) ** 2)
    chord_norm = np.sqrt((bx - ax) ** 2 + (by - ay) ** 2 + (bz - az) ** 2)
    sigma = 2 * np.arctan2(chord_norm, mid_norm)
    # The unit midpoint m and unit chord t (the great circle's direction at m) span its plane, whose unit
    # normal m × t = 2 (a × b) / (|a + b| |b − a|) is the same at every point. The nodes are m turned by ∓τ.
    mid_z, chord_z = (az + bz) / mid_norm, (bz - az) / chord_norm
    normal_z = 2 * (ax * by - ay * bx) / (mid_norm * chord_norm)
    tau = _JACOBI_NODE * sigma
    cos_tau, sin_tau = np.cos(tau), np.sin(tau) * _NODE_SIDES
    sin_beta = cos_tau * mid_z + sin_tau * chord_z
    # East and north components of the direction on the sphere, both times cos β, and on the ellipsoid
    # (tan(direction on the sphere) = k² tan t): c = k² east, s = north. κ = κ·w³ / w³ (:func:`_curvature_factors`)
    # is homogeneous of degree 0 in (c, s), so it needs no normalising:
    # κ = c (F0 (c² + s²) + F1 s²) / (c² / k² + k² s²)^(3/2).
    north = cos_tau * chord_z - sin_tau * mid_z
    k2, factor0, factor1 = _node_factors(sin_beta)
    c = k2 * normal_z
    c2, s2 = c * c, north * north
    w2 = c2 / k2 + k2 * s2
    kappa = c * (factor0 * (c2 + s2) + factor1 * s2) / (w2 * np.sqrt(w2))
    return kappa.sum(axis=0) * (_R_AUTHALIC * sigma) ** 3 * (1 + sigma**2 / 10) / 24


def _node_factors(sin_beta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """k², F0 and F1 (:func:`_curvature_factors`) at authalic latitudes, from :func:`_authalic_table`."""
    first, step, table = _authalic_table()
    position = (np.arcsin(sin_beta) - first) / step
    index = np.rint(position).astype(np.intp)
    offset = position - index
    c0, c1, c2 = np.take(table, index, axis=1).reshape(3, 3, *index.shape)
    return c0 + offset * (c1 + offset * c2)


@functools.cache
def _authalic_table() -> tuple[float, float, np.ndarray]:
    """k², F0 and F1 every _AUTHALIC_STEP_DEG of authalic latitude, as quadratics about each row.

    Returns the first latitude and the step (radians) and a (9, n) table: rows 0-2 the values, 3-5 half the
    central differences and 6-8 half the second differences, so that at ``offset`` steps from row i (|offset|
    ≤ 1/2) a factor is c0 + offset (c1 + offset c2), within 1e-10 of exact. It reaches a degree past
    ±MAX_LAT_DEG, since a great circle bulges poleward of its ends.
    """
    limit = np.radians(MAX_LAT_DEG + 1)
    step = np.radians(_AUTHALIC_STEP_DEG)
    beta = np.arange(-limit, limit + step / 2, step)
    sin_beta = np.sin(beta)
    # Geodetic latitude by Newton's method on q(φ) / q(90°) = sin β, from φ = β: three steps reach rounding.
    phi = beta.copy()
    for _ in range(3):
        sin_phi, cos_phi = np.sin(phi), np.cos(phi)
        derivative = 2 * (1 - _E2) * cos_phi / (1 - _E2 * sin_phi**2) ** 2 / _QP
        phi -= (authalic_q(sin_phi) / _QP - sin_beta) / derivative
    values = np.array(_curvature_factors(np.sin(phi), np.cos(phi)))
    previous, following = np.roll(values, 1, axis=1), np.roll(values, -1, axis=1)
    table = np.concatenate([values, (following - previous) / 2, (following - 2 * values + previous) / 2])
    # The end rows have no neighbour on one side; they are never the nearest row of a latitude in range.
    return float(beta[0]), float(step), table
