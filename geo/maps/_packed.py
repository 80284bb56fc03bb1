"""A million parcels in one page: quantised, delta-encoded integer coordinates and their attributes, gzip'd.

:func:`pack_parcels` turns parcels into one gzip stream (base64 in the page, inflated in the browser with
``DecompressionStream``) and a small header; ``static/landuse.js`` decodes it. The stream holds, in order, the
sections named in :data:`SECTIONS` (byte lengths in the header); every integer is an unsigned LEB128 varint,
signed ones zigzag-encoded first:

``category``
    one byte per parcel: the statutory number of its land category (1-28, 0 unknown; :mod:`geo.land`);
``area``
    each parcel's ellipsoidal area (GRS80, :func:`geo.area.area_m2`) in units of :data:`AREA_UNIT_M2`;
``parts``
    per parcel its number of polygons, then per polygon its number of rings followed by each ring's number of
    vertices (closing vertices dropped; a polygon's first ring is its shell);
``coords``
    the vertices as integers of 1/:data:`SCALE` degree (lon, lat), zigzag: a parcel's first vertex relative to
    the previous parcel's first vertex (the first parcel's to the header's ``x0``, ``y0``), every other
    vertex relative to the one before it (across the parcel's rings);
``pnu_len``, ``pnu``, ``jibun_len``, ``jibun``
    the byte length of each parcel's PNU and lot number (UTF-8; 0 when missing), then the bytes.

Parcels are stored in Z-order of their centres, so neighbours are close in the stream (short deltas, better
compression) and the order of the input is not kept. :func:`unpack_parcels` is the decoder in Python, for
tests.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import shapely

#: Integer units per degree: 10⁻⁷ degree is about 1 cm, finer than the cadastre is drawn.
SCALE: Final = 10**7
#: Unit of the stored areas, m² (1 cm²·100: areas to 0.01 m²).
AREA_UNIT_M2: Final = 0.01
#: The sections of the stream, in order.
SECTIONS: Final = ("category", "area", "parts", "coords", "pnu_len", "pnu", "jibun_len", "jibun")
#: gzip level: 6 is within a few per cent of 9 in size, at a third of the time on a million parcels.
GZIP_LEVEL: Final = 6
#: Bits per axis of the Z-order key.
_MORTON_BITS: Final = 16


@dataclass(frozen=True)
class PackedParcels:
    """The gzip stream as base64 text, its header, and the order in which the parcels were stored."""

    base64: str
    header: dict
    #: ``order[k]`` is the input position of the k-th stored parcel.
    order: np.ndarray


def pack_parcels(
    geometries: np.ndarray,
    *,
    categories: np.ndarray,
    areas_m2: np.ndarray,
    pnu: Sequence[object],
    jibun: Sequence[object],
) -> PackedParcels:
    """Parcels (polygons or multipolygons in EPSG:4326) and their attributes in the encoding above.

    Parameters
    ----------
    geometries
        Shapely polygons or multipolygons, lon/lat degrees (EPSG:4326).
    categories
        Statutory number of each parcel's land category (0-28).
    areas_m2
        Each parcel's area in m² (GRS80).
    pnu, jibun
        Each parcel's PNU and lot number (text; None or NaN when missing).
    """
    geometries = np.asarray(geometries, dtype=object)
    count = len(geometries)
    order = _z_order(geometries)
    geometries = geometries[order]
    polygons, parcel_of_polygon = shapely.get_parts(geometries, return_index=True)
    rings, polygon_of_ring = shapely.get_rings(polygons, return_index=True)
    coords, ring_of_coord = shapely.get_coordinates(rings, return_index=True)
    ints = np.rint(coords * SCALE).astype(np.int64)
    counts = np.bincount(ring_of_coord, minlength=len(rings))
    keep = np.ones(len(ints), dtype=bool)
    keep[(np.cumsum(counts) - 1)[counts > 0]] = False  # the closing vertex repeats the first
    ints, ring_of_coord = ints[keep], ring_of_coord[keep]
    vertex_counts = np.bincount(ring_of_coord, minlength=len(rings))
    origin = ints.min(axis=0) if len(ints) else np.zeros(2, dtype=np.int64)

    parcel_of_coord = parcel_of_polygon[polygon_of_ring[ring_of_coord]]
    deltas = np.diff(ints, axis=0, prepend=ints[:1])
    first = np.r_[True, parcel_of_coord[1:] != parcel_of_coord[:-1]] if len(ints) else np.zeros(0, dtype=bool)
    firsts = ints[first]
    deltas[first] = np.diff(firsts, axis=0, prepend=origin[None, :])

    parts = _parts(count, parcel_of_polygon, polygon_of_ring, vertex_counts)
    pnu_bytes, pnu_len = _texts(pnu, order)
    jibun_bytes, jibun_len = _texts(jibun, order)
    sections = {
        "category": np.asarray(categories, dtype=np.uint8)[order].tobytes(),
        "area": varints(np.rint(np.asarray(areas_m2, dtype=float)[order] / AREA_UNIT_M2).astype(np.int64)),
        "parts": varints(parts),
        "coords": varints(zigzag(deltas.ravel())),
        "pnu_len": varints(pnu_len),
        "pnu": pnu_bytes,
        "jibun_len": varints(jibun_len),
        "jibun": jibun_bytes,
    }
    raw = b"".join(sections[name] for name in SECTIONS)
    header = {
        "count": count,
        "scale": SCALE,
        "x0": int(origin[0]),
        "y0": int(origin[1]),
        "area_unit_m2": AREA_UNIT_M2,
        "sections": [[name, len(sections[name])] for name in SECTIONS],
    }
    data = gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0)
    return PackedParcels(base64.b64encode(data).decode("ascii"), header, order)


def _z_order(geometries: np.ndarray) -> np.ndarray:
    """Positions of the parcels sorted by the Z-order (Morton) key of their bounding boxes' centres."""
    if len(geometries) == 0:
        return np.zeros(0, dtype=np.int64)
    bounds = shapely.bounds(geometries)
    centre = np.nan_to_num((bounds[:, :2] + bounds[:, 2:]) / 2)
    low, high = centre.min(axis=0), centre.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    cells = ((centre - low) / span * (2**_MORTON_BITS - 1)).astype(np.uint64)
    key = np.zeros(len(cells), dtype=np.uint64)
    for bit in range(_MORTON_BITS):
        key |= ((cells[:, 0] >> np.uint64(bit)) & np.uint64(1)) << np.uint64(2 * bit)
        key |= ((cells[:, 1] >> np.uint64(bit)) & np.uint64(1)) << np.uint64(2 * bit + 1)
    return np.argsort(key, kind="stable")


def _parts(count: int, parcel_of_polygon: np.ndarray, polygon_of_ring: np.ndarray, vertex_counts: np.ndarray):
    """The ``parts`` section as integers: per parcel P, then per polygon R and the R vertex counts."""
    polygons = np.bincount(parcel_of_polygon, minlength=count)
    rings = np.bincount(polygon_of_ring, minlength=len(parcel_of_polygon))
    # Sort keys (parcel, polygon, ring): a parcel's entry before its polygons', a polygon's before its rings'.
    parcel_key = np.concatenate([np.arange(count), parcel_of_polygon, parcel_of_polygon[polygon_of_ring]])
    polygon_key = np.concatenate([np.full(count, -1), np.arange(len(rings)), polygon_of_ring])
    ring_key = np.concatenate([np.full(count + len(rings), -1), np.arange(len(vertex_counts))])
    values = np.concatenate([polygons, rings, vertex_counts]).astype(np.int64)
    return values[np.lexsort((ring_key, polygon_key, parcel_key))]


def _texts(values: Sequence[object], order: np.ndarray) -> tuple[bytes, np.ndarray]:
    """UTF-8 bytes of the texts in ``order``, concatenated, and each one's byte length (0 when missing)."""
    items = np.asarray(values, dtype=object)[order]
    encoded = [value.encode("utf-8", "replace") if isinstance(value, str) else b"" for value in items]
    return b"".join(encoded), np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))


def zigzag(values: np.ndarray) -> np.ndarray:
    """Signed integers as unsigned: 0, -1, 1, -2, … → 0, 1, 2, 3, …"""
    values = np.asarray(values, dtype=np.int64)
    return (values << 1) ^ (values >> 63)


def unzigzag(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.int64)
    return (values >> 1) ^ -(values & 1)


def varints(values: np.ndarray) -> bytes:
    """Non-negative integers (below 2⁶³) as LEB128 varints, 7 bits a byte, low bits first."""
    values = np.asarray(values, dtype=np.uint64)
    if len(values) == 0:
        return b""
    sizes = np.ones(len(values), dtype=np.int64)
    for shift in range(7, 64, 7):
        sizes += values >= (np.uint64(1) << np.uint64(shift))
    starts = np.cumsum(sizes) - sizes
    out = np.zeros(int(sizes.sum()), dtype=np.uint8)
    for k in range(int(sizes.max())):
        present = sizes > k
        byte = (values[present] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = (sizes[present] > k + 1).astype(np.uint64) << np.uint64(7)
        out[starts[present] + k] = (byte | more).astype(np.uint8)
    return out.tobytes()


def read_varints(data: bytes) -> np.ndarray:
    """The integers of :func:`varints`."""
    raw = np.frombuffer(data, dtype=np.uint8)
    if len(raw) == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.flatnonzero(raw < 0x80)
    value_of = np.repeat(np.arange(len(ends)), np.diff(np.r_[-1, ends]))
    position = np.arange(len(raw)) - np.r_[0, ends[:-1] + 1][value_of]
    terms = (raw & 0x7F).astype(np.uint64) << (7 * position).astype(np.uint64)
    return np.bitwise_or.reduceat(terms, np.r_[0, ends[:-1] + 1]).astype(np.int64)


def unpack_parcels(packed: PackedParcels) -> dict[str, object]:
    """The sections of ``packed`` decoded: ``category``, ``area_m2``, ``parts`` and ``coords`` (absolute integer
    vertices, shape (n, 2)) as arrays, ``pnu`` and ``jibun`` as lists, all in stored order."""
    raw = gzip.decompress(base64.b64decode(packed.base64))
    sections, start = {}, 0
    for name, size in packed.header["sections"]:
        sections[name] = raw[start : start + size]
        start += size
    parts = read_varints(sections["parts"])
    deltas = unzigzag(read_varints(sections["coords"])).reshape(-1, 2)
    # Which vertices start a parcel: walk the parts section (P, then R and R counts per polygon).
    starts, position, vertex = [], 0, 0
    for _ in range(packed.header["count"]):
        polygons = int(parts[position])
        position += 1
        starts.append(vertex)
        for _ in range(polygons):
            ring_count = int(parts[position])
            vertex += int(parts[position + 1 : position + 1 + ring_count].sum())
            position += 1 + ring_count
    first = np.zeros(len(deltas), dtype=bool)
    starts = [s for s in starts if s < len(deltas)]
    first[starts] = True
    coords = np.zeros_like(deltas)
    origin = np.array([packed.header["x0"], packed.header["y0"]], dtype=np.int64)
    coords[first] = origin + np.cumsum(deltas[first], axis=0)
    # Within a parcel, a running sum of the deltas restarted at each first vertex.
    group = np.cumsum(first) - 1
    running = np.cumsum(np.where(first[:, None], 0, deltas), axis=0)
    base = running[first][group] if len(deltas) else running
    coords = coords[first][group] + running - base
    return {
        "category": np.frombuffer(sections["category"], dtype=np.uint8),
        "area_m2": read_varints(sections["area"]) * AREA_UNIT_M2,
        "parts": parts,
        "coords": coords,
        "pnu": _split(sections["pnu"], read_varints(sections["pnu_len"])),
        "jibun": _split(sections["jibun"], read_varints(sections["jibun_len"])),
    }


def _split(data: bytes, lengths: np.ndarray) -> list[str]:
    ends = np.cumsum(lengths)
    return [data[end - size : end].decode("utf-8") for end, size in zip(ends.tolist(), lengths.tolist(), strict=True)]
