"""The canvas path for large layers: the compact parcel encoding, and the zone layer that switches to it.

Up to :data:`LARGE_LAYER_FEATURES` zone features a map draws its zones as GeoJSON (one SVG path each); beyond,
on one canvas in the compact encoding of :func:`encode_parcels` (integers of 10⁻⁶ degree, delta-encoded per
ring, decoded in the browser), simplified to :data:`LARGE_SIMPLIFY_M`, each with its style, tooltip and popup,
and labels only for the belt zones and the zones with claims. :func:`geo.maps.parcels_map` draws its parcels
in the same encoding.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _format as fmt
from .. import i18n, style, units
from .._html import escape
from ..area import area_m2
from ..audit import AuditResult
from ..schema import GeometryQuality, Status
from ..settings import COORDINATE_DECIMALS
from ._base import MapPage, simplify
from ._text import attribute_records, qty, zone_name
from .content import zone_features, zone_labels, zone_popup

#: Outline width in pixels of parcels, and of zones on canvas.
PARCEL_WEIGHT: Final = 1
#: Integer units per degree in the compact parcel encoding (10^COORDINATE_DECIMALS).
PARCEL_SCALE: Final = 10**COORDINATE_DECIMALS
#: Beyond this many zone features a map draws its zones on canvas in the compact encoding of
#: :func:`encode_parcels`, simplified to :data:`LARGE_SIMPLIFY_M` (metres, EPSG:5186); labels go to the belt
#: zones and the zones with claims, and point popups give the distances to the belt zones (else the
#: :data:`geo.maps.belt.NEAREST_ZONES` nearest).
LARGE_LAYER_FEATURES: Final = 200
LARGE_SIMPLIFY_M: Final = 5.0


def add_zone_layer(page: MapPage, zones: gpd.GeoDataFrame, audit: AuditResult, *, focus: str | None = None) -> None:
    """The zones layer with its labels: GeoJSON (SVG) up to :data:`LARGE_LAYER_FEATURES`, canvas beyond."""
    import folium

    from . import _leaflet

    language = page.language
    zone_layer = folium.FeatureGroup(name=escape(i18n.text("layer_zones", language)), show=True)
    if len(zones) <= LARGE_LAYER_FEATURES:
        zone_layer.add_child(_leaflet.GeoJsonLayer(zone_features(zones, audit, language=language, focus=focus)))
        labelled = zones
    else:
        zone_layer.add_child(_leaflet.ParcelLayer(encode_zones(zones, audit, language=language)))
        labelled = zones[notable(zones, audit)]
    zone_layer.add_child(_leaflet.LabelLayer(zone_labels(labelled, language=language), css_class="tb-zone-label"))
    page.add(zone_layer)


def notable(zones: gpd.GeoDataFrame, audit: AuditResult) -> np.ndarray:
    """Which features are in a belt zone or a zone a claim is about (the ones a large map labels)."""
    belt_zones = set(zones.loc[zones["in_belt"].astype(bool), "zone_id"].astype(str))
    subjects = set(audit.claims["subject"].astype(str)) if not audit.claims.empty else set()
    ids = zones["zone_id"].astype(str)
    return (ids.isin(belt_zones | subjects) | zones["feature_id"].astype(str).isin(subjects)).to_numpy()


def encode_zones(zones: gpd.GeoDataFrame, audit: AuditResult, *, language: str) -> dict:
    """Many zones in the compact encoding, simplified, each with its style, tooltip and popup."""
    geoms = simplify(zones[["geometry"]], LARGE_SIMPLIFY_M).geometry
    geoms = geoms.where(~geoms.is_empty, zones.geometry)
    data = encode_parcels(geoms, labels=None, language=language)
    measured = {row["feature_id"]: row for row in audit.zones.drop_duplicates("feature_id").to_dict("records")}
    pyeong = i18n.text("unit_pyeong", language)
    claims = audit.claims
    by_subject = {str(k): v for k, v in claims.groupby(claims["subject"].astype(str))} if not claims.empty else {}
    styles: dict[tuple, int] = {}
    style_list, style_of, tooltips, popups = [], [], [], []
    for row in attribute_records(zones):
        areas = measured[row["feature_id"]]
        planned = row.get("status") == Status.PLANNED
        schematic = row.get("geometry_quality") == GeometryQuality.SCHEMATIC
        color = style.role_color(row.get("role"))
        key = (color, planned, schematic)
        if key not in styles:
            styles[key] = len(style_list)
            entry = {
                "color": color,
                "fillColor": color,
                "weight": PARCEL_WEIGHT,
                "opacity": 1.0,
                "fillOpacity": style.PLANNED_FILL_OPACITY if planned else style.OPERATING_FILL_OPACITY,
            }
            if schematic:
                entry["dashArray"] = style.SCHEMATIC_DASH
            style_list.append(entry)
        style_of.append(styles[key])
        tooltips.append(f"<b>{escape(zone_name(row, language))}</b><br>{qty(fmt.number(areas['area_pyeong']), pyeong)}")
        subject_claims = [by_subject[s] for s in (str(row["feature_id"]), str(row["zone_id"])) if s in by_subject]
        popups.append(
            zone_popup(
                row,
                areas,
                audit,
                language=language,
                claims=pd.concat(subject_claims) if subject_claims else claims.iloc[:0],
            )
        )
    return {**data, "styles": style_list, "s": style_of, "tooltips": tooltips, "popups": popups}


def encode_parcels(geoms: gpd.GeoSeries, *, labels: list[str] | None, language: str) -> dict:
    """Parcels as delta-encoded integer rings (10⁻⁶ degree) and their areas, for :class:`._leaflet.ParcelLayer`.

    ``v`` holds, ring after ring, x, y of the first vertex relative to (``x0``, ``y0``) and then the
    difference to the previous vertex (closing vertices dropped); ``n`` the vertex count of each ring;
    ``r`` the polygon index of each ring (a polygon's first ring is its shell); ``p`` the parcel index of
    each polygon; ``a`` each parcel's area in pyeong and ``m`` in m² (GRS80).
    """
    values = np.asarray(geoms.values)
    polygons, parcel_of_polygon = shapely.get_parts(values, return_index=True)
    rings, polygon_of_ring = shapely.get_rings(polygons, return_index=True)
    coords, ring_of_coord = shapely.get_coordinates(rings, return_index=True)
    ints = np.rint(coords * PARCEL_SCALE).astype(np.int64)
    counts = np.bincount(ring_of_coord, minlength=len(rings))
    last = np.cumsum(counts) - 1
    keep = np.ones(len(ints), dtype=bool)
    keep[last[counts > 0]] = False  # the closing vertex repeats the first
    ints, ring_of_coord = ints[keep], ring_of_coord[keep]
    origin = ints.min(axis=0) if len(ints) else np.zeros(2, dtype=np.int64)
    deltas = np.diff(ints, axis=0, prepend=ints[:1])
    first = np.r_[True, ring_of_coord[1:] != ring_of_coord[:-1]] if len(ints) else np.zeros(0, dtype=bool)
    deltas[first] = ints[first] - origin
    areas = area_m2(geoms).to_numpy()
    return {
        "x0": int(origin[0]),
        "y0": int(origin[1]),
        "scale": PARCEL_SCALE,
        "v": deltas.ravel().tolist(),
        "n": np.bincount(ring_of_coord, minlength=len(rings)).tolist(),
        "r": polygon_of_ring.tolist(),
        "p": parcel_of_polygon.tolist(),
        "a": np.rint(units.m2_to_pyeong(areas)).astype(np.int64).tolist(),
        "m": np.rint(areas).astype(np.int64).tolist(),
        "labels": labels,
        "units": {"pyeong": i18n.text("unit_pyeong", language), "m2": i18n.text("unit_m2", language)},
        "style": {
            "color": style.ROLE_COLORS[""],
            "weight": PARCEL_WEIGHT,
            "fillOpacity": style.PLANNED_FILL_OPACITY,
        },
    }
