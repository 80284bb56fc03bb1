"""Polygons straight from a layer's WKB buffers: rings and vertices as NumPy arrays, no geometry object per feature.

GDAL hands a layer to Arrow with each geometry as ISO WKB (``pyogrio.read_arrow``). Almost every feature of a zone
layer is a little-endian Polygon or MultiPolygon, whose WKB is a fixed pattern of counts and coordinates; this
module reads that pattern for all features at once (a loop over ring and part numbers, never over features) and
gathers the x and y of every vertex into one array, in the order GEOS would list them. A feature it does not
read (another type, big-endian, empty, a ring of fewer than four points or not closed, a length that does not
add up) is reported as such: its caller builds a Shapely geometry for it, so nothing unusual is ever
measured here.
"""

from __future__ import annotations

from typing import Final, NamedTuple

import numpy as np
import pyarrow as pa

#: ISO WKB type codes read here (the base type; 1000, 2000, 3000 added for Z, M, ZM).
POLYGON: Final = 3
MULTIPOLYGON: Final = 6
#: Bytes per vertex for the ISO dimension codes 0 (XY), 1 (XYZ), 2 (XYM) and 3 (XYZM).
_VERTEX_BYTES: Final = np.array([16, 24, 24, 32])
#: A ring must have this many points (first repeated last) to be a ring GEOS builds.
MIN_RING_POINTS: Final = 4


class Polygons(NamedTuple):
    """The polygonal features of a layer as arrays; rings are listed feature by feature, part by part.

    Features that are not :attr:`read` have no rings here.
    """

    #: (n, 2) x and y of every vertex of every ring, in the layer's CRS.
    coords: np.ndarray
    #: Index in ``coords`` of each ring's first vertex, increasing; one more at the end (the vertex count).
    ring_offsets: np.ndarray
    #: The feature each ring belongs to.
    ring_feature: np.ndarray
    #: The ring's number within its polygon (0 the exterior, then the holes).
    ring_number: np.ndarray
    #: The part (polygon) of its feature each ring belongs to, numbered from 0 within the feature.
    ring_part: np.ndarray
    #: Whether each feature was read (a non-empty Polygon or MultiPolygon of closed rings).
    read: np.ndarray
    #: Whether each feature is a MultiPolygon (even of one part).
    multi: np.ndarray
    #: Whether each feature has a Z coordinate (dropped here, as the zone reader drops it).
    has_z: np.ndarray

    @property
    def counts(self) -> np.ndarray:
        """Vertices of each ring."""
        return np.diff(self.ring_offsets)


def _at_every_byte(data: np.ndarray, dtype: str) -> np.ndarray:
    """``data`` read as ``dtype`` starting at every byte (a view with a stride of one byte)."""
    size = np.dtype(dtype).itemsize
    return np.ndarray((max(len(data) - size + 1, 0),), dtype=dtype, buffer=data, strides=(1,))


def _uint32(data: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Little-endian unsigned 32-bit integers at byte positions ``at`` (any alignment)."""
    return _at_every_byte(data, "<u4")[at].astype(np.int64)


def _large_binary(array: pa.Array) -> pa.Array:
    """``array`` (binary, large binary, or a WKB extension type over either) as large binary."""
    if isinstance(array.type, pa.ExtensionType):
        array = array.storage
    return array if pa.types.is_large_binary(array.type) else array.cast(pa.large_binary())


def _header(data: np.ndarray, at: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whether the 5-byte header at ``at`` is little-endian and fits before ``end``, its base type and its
    dimension code (0-3, or -1 when not ISO)."""
    fits = at + 5 <= end
    safe = np.where(fits, at, 0)
    little = fits & (data[safe] == 1)
    code = _uint32(data, safe + 1)
    dimension = np.where(code < 4000, code // 1000, -1)
    return little & (dimension >= 0), code % 1000, dimension


def read_polygons(wkb: pa.Array | pa.ChunkedArray) -> Polygons:
    """The polygons of a WKB column (binary or large binary, nulls allowed) as :class:`Polygons`."""
    chunks = wkb.chunks if isinstance(wkb, pa.ChunkedArray) else [wkb]
    # Large binary (64-bit offsets) before the chunks are joined, so that no size overflows.
    chunks = [_large_binary(chunk) for chunk in chunks]
    wkb = chunks[0] if len(chunks) == 1 else pa.chunked_array(chunks, type=pa.large_binary()).combine_chunks()
    size = len(wkb)
    _, offsets_buffer, data_buffer = wkb.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64, count=size + 1, offset=wkb.offset * 8)
    # No copy: every read below stays within a record (a vertex's 16 bytes, a count's 4).
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    start, end = offsets[:-1].copy(), offsets[1:].copy()
    ok = np.asarray(wkb.is_valid()) & (end > start) if size else np.zeros(0, dtype=bool)

    little, kind, dimension = _header(data, start, end)
    # XY and XYZ only: a measure (M) is not dropped the same way by every reader, so such a feature is not read.
    ok &= little & ((kind == POLYGON) | (kind == MULTIPOLYGON)) & (dimension <= 1)
    multi = ok & (kind == MULTIPOLYGON)
    stride = _VERTEX_BYTES[np.maximum(dimension, 0)]
    has_z = ok & (dimension > 0)

    single = np.flatnonzero(ok & ~multi)
    cursor = np.where(ok, start + 5, 0)
    parts = np.where(multi, _uint32(data, np.where(multi & (start + 9 <= end), cursor, 0)), 0)
    ok &= ~multi | ((start + 9 <= end) & (parts > 0))
    cursor = cursor + 4

    rings: list[tuple[np.ndarray, ...]] = []
    # Single polygons first: their ring counts and rings.
    ends = _read_rings(data, single, start[single] + 5, end, stride, ok, rings, part=0)
    ok[single] &= ends == end[single]
    part = 0
    alive = np.flatnonzero(multi & ok)
    cursor_alive = cursor[alive]
    while len(alive):
        live = part < parts[alive]
        finished = alive[~live]
        ok[finished] &= cursor_alive[~live] == end[finished]
        alive, cursor_alive = alive[live], cursor_alive[live]
        if not len(alive):
            break
        header_ok, part_kind, part_dimension = _header(data, cursor_alive, end[alive])
        good = header_ok & (part_kind == POLYGON) & (part_dimension == dimension[alive])
        ok[alive[~good]] = False
        alive, cursor_alive = alive[good], cursor_alive[good]
        cursor_alive = _read_rings(data, alive, cursor_alive + 5, end, stride, ok, rings, part=part)
        keep = ok[alive]
        alive, cursor_alive = alive[keep], cursor_alive[keep]
        part += 1

    feature, number, part_of, first, count = (
        np.concatenate([r[k] for r in rings]) if rings else np.zeros(0, np.int64) for k in range(5)
    )
    keep = ok[feature]
    feature, number, part_of, first, count = feature[keep], number[keep], part_of[keep], first[keep], count[keep]
    key = (feature * (int(part) + 1) + part_of) * (_number_max(number) + 1) + number
    if len(key) > 1 and not (key[1:] > key[:-1]).all():
        order = np.argsort(key, kind="stable")
        feature, number, part_of, first, count = (a[order] for a in (feature, number, part_of, first, count))
    ring_offsets = np.zeros(len(count) + 1, dtype=np.int64)
    np.cumsum(count, out=ring_offsets[1:])
    coords = _gather(data, first, count, stride[feature])
    # A ring that does not close (or has too few points) is not built by GEOS as it is: not read here.
    first_vertex, last_vertex = coords[ring_offsets[:-1]], coords[ring_offsets[1:] - 1]
    bad_ring = (count < MIN_RING_POINTS) | np.any(first_vertex != last_vertex, axis=1)  # NaN: not closed
    if bad_ring.any():
        ok[np.unique(feature[bad_ring])] = False
        keep_ring = ok[feature]
        keep_vertex = np.repeat(keep_ring, count)
        coords, count = coords[keep_vertex], count[keep_ring]
        feature, number, part_of = feature[keep_ring], number[keep_ring], part_of[keep_ring]
        ring_offsets = np.zeros(len(count) + 1, dtype=np.int64)
        np.cumsum(count, out=ring_offsets[1:])
    return Polygons(coords, ring_offsets, feature, number, part_of, ok, multi & ok, has_z & ok)


def _number_max(number: np.ndarray) -> int:
    return int(number.max()) if len(number) else 0


def _gather(data: np.ndarray, first: np.ndarray, count: np.ndarray, stride: np.ndarray) -> np.ndarray:
    """The (n, 2) x and y of ``count`` vertices of ``stride`` bytes from byte ``first`` of each ring, in order."""
    ring_offsets = np.zeros(len(count) + 1, dtype=np.int64)
    np.cumsum(count, out=ring_offsets[1:])
    # Vertex v of ring r starts at first[r] + stride[r] (v - offset[r]): one repeat and one range.
    width = stride if len(stride) == 0 or (stride != stride[0]).any() else stride[0]
    steps = np.arange(ring_offsets[-1]) * (width if np.isscalar(width) else np.repeat(width, count))
    position = np.repeat(first - width * ring_offsets[:-1], count) + steps
    # Every 16 bytes of the buffer, from every byte: a vertex's x and y, copied in one gather.
    pairs = np.ndarray((max(len(data) - 15, 0),), dtype="V16", buffer=data, strides=(1,))
    return pairs[position].view("<f8").reshape(-1, 2)


def _read_rings(
    data: np.ndarray,
    feature: np.ndarray,
    at: np.ndarray,
    end: np.ndarray,
    stride: np.ndarray,
    ok: np.ndarray,
    rings: list,
    *,
    part: int,
) -> np.ndarray:
    """Read the ring count at ``at`` of each polygon of ``feature`` and its rings; append (feature, ring number,
    part, first coordinate byte, points) to ``rings`` and return the position after each polygon. A polygon
    that runs past its feature's end, or has no ring or an empty one, marks its feature not ``ok``."""
    limit = end[feature]
    fits = at + 4 <= limit
    count = np.where(fits, _uint32(data, np.where(fits, at, 0)), 0)
    ok[feature[~fits | (count == 0)]] = False
    cursor = at + 4
    number = 0
    alive = np.flatnonzero(fits & (count > 0))
    while len(alive):
        here = cursor[alive]
        fits = here + 4 <= limit[alive]
        points = np.where(fits, _uint32(data, np.where(fits, here, 0)), 0)
        size = points * stride[feature[alive]]
        fits &= (points > 0) & (here + 4 + size <= limit[alive])
        ok[feature[alive[~fits]]] = False
        alive, here, points, size = alive[fits], here[fits], points[fits], size[fits]
        rings.append(
            (
                feature[alive],
                np.full(len(alive), number, dtype=np.int64),
                np.full(len(alive), part, dtype=np.int64),
                here + 4,
                points,
            )
        )
        cursor[alive] = here + 4 + size
        number += 1
        alive = alive[number < count[alive]]
    return cursor


def geometries(polygons: Polygons, rows: np.ndarray | None = None, *, coords: np.ndarray | None = None) -> np.ndarray:
    """Shapely (multi)polygons of the features ``rows`` (all by default; each must be :attr:`Polygons.read`),
    from ``coords`` (by default the polygons' own), in the order of ``rows``."""
    import shapely

    size = len(polygons.read)
    rows = np.arange(size) if rows is None else np.asarray(rows, dtype=np.int64)
    coords = polygons.coords if coords is None else coords
    out = np.empty(len(rows), dtype=object)
    if not len(rows):
        return out
    wanted = np.zeros(size, dtype=bool)
    wanted[rows] = True
    for is_multi in (False, True):
        chosen = wanted & polygons.read & (polygons.multi == is_multi)
        if not chosen.any():
            continue
        ring = np.flatnonzero(chosen[polygons.ring_feature])
        counts = polygons.counts[ring]
        vertex = np.repeat(polygons.ring_offsets[ring], counts) + (
            np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        )
        ring_offsets = np.concatenate([[0], np.cumsum(counts)])
        feature, part = polygons.ring_feature[ring], polygons.ring_part[ring]
        new_part = np.ones(len(ring), dtype=bool)
        new_part[1:] = (feature[1:] != feature[:-1]) | (part[1:] != part[:-1])
        polygon_offsets = np.append(np.flatnonzero(new_part), len(ring))
        if is_multi:
            part_feature = feature[new_part]
            new_feature = np.ones(len(part_feature), dtype=bool)
            new_feature[1:] = part_feature[1:] != part_feature[:-1]
            offsets = (ring_offsets, polygon_offsets, np.append(np.flatnonzero(new_feature), len(part_feature)))
            kind = shapely.GeometryType.MULTIPOLYGON
        else:
            offsets = (ring_offsets, polygon_offsets)
            kind = shapely.GeometryType.POLYGON
        built = shapely.from_ragged_array(kind, np.ascontiguousarray(coords[vertex]), offsets)
        # Features in increasing order; put each where it was asked for.
        position = np.searchsorted(rows, np.flatnonzero(chosen)) if _increasing(rows) else None
        if position is None:
            lookup = {int(r): k for k, r in enumerate(rows)}
            position = np.array([lookup[int(r)] for r in np.flatnonzero(chosen)], dtype=np.int64)
        out[position] = built
    return out


def _increasing(values: np.ndarray) -> bool:
    return bool(len(values) < 2 or (values[1:] > values[:-1]).all())
