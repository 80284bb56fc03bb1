"""The location table: straight-line distances from each zone to the places a site-selection reader asks about.

The places (:func:`geo.layers.load_destinations`, ``layers/destinations.csv``) are the airports, the KTX
station, the ports and the nearest expressway interchange, each with its source; one whose coordinates could
not be sourced stays in the table as "not available", its source saying why.

A distance is measured along the GRS80 geodesic from the nearest point of the zone (all its parts) to the
place, 0 inside: a straight line, never a road distance. The nearest point is found in EPSG:5186 (planar; it
moves the nearest point by far less than a metre at these distances). Where a zone's outline is schematic its
distances are as approximate as the outline.

:func:`location_table` is pure (zones and places in, a DataFrame out); :func:`write_locations` writes it as
``locations.csv`` for analysts, one row per zone and place.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _format as fmt
from . import i18n
from ._write import OutputFolder, output_folder
from .area import GEOD
from .schema import LOCATION_FIELDS, GeometryQuality
from .settings import GEOGRAPHIC_CRS, LANGUAGES, PLANAR_CRS

#: File name of the location table in the build's output folder.
LOCATIONS_CSV: Final = "locations.csv"
METRES_PER_KM: Final = 1000.0
#: Columns of the location table, in order (titles per language in :data:`geo.schema.LOCATION_FIELDS`).
LOCATION_COLUMNS: Final = tuple(LOCATION_FIELDS)


def output_files() -> tuple[str, ...]:
    """Names of the files :func:`write_locations` writes into the output folder."""
    return (LOCATIONS_CSV,)


def zone_distances_m(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Geodesic distance (GRS80, metres) from every point to every zone feature; 0 inside a zone.

    The nearest point of each zone is found in EPSG:5186 (planar; it moves the nearest point by far less
    than a metre at these distances), and the distance to it is measured along the GRS80 geodesic. A point
    or a zone without a geometry gets NaN.

    Returns
    -------
    pandas.DataFrame
        Index of ``points``, one column per ``zones['feature_id']``, in metres.
    """
    from pyproj import Transformer

    placed = points.geometry.notna().to_numpy() & ~points.geometry.is_empty.to_numpy()
    planar_points = points[placed].to_crs(PLANAR_CRS).geometry.values
    planar_zones = zones.to_crs(PLANAR_CRS).geometry.values
    to_lonlat = Transformer.from_crs(PLANAR_CRS, GEOGRAPHIC_CRS, always_xy=True)
    columns = {}
    for feature_id, zone in zip(zones["feature_id"], planar_zones, strict=True):
        values = np.full(len(points), np.nan)
        if len(planar_points) and zone is not None and not zone.is_empty:
            ends = shapely.get_coordinates(shapely.shortest_line(planar_points, zone)).reshape(-1, 2, 2)
            lon, lat = to_lonlat.transform(ends[..., 0], ends[..., 1])
            _, _, distance = GEOD.inv(lon[:, 0], lat[:, 0], lon[:, 1], lat[:, 1])
            inside = shapely.intersects(zone, planar_points)
            values[placed] = np.where(inside, 0.0, np.abs(distance))
        columns[feature_id] = values
    return pd.DataFrame(columns, index=points.index)


def zone_outlines(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One feature per zone (``feature_id`` = ``zone_id``, in the zones' order): the union of its parts, its
    name in each language (a zone of several parts loses the part's words: "Bitgoeul … (Gwangju part)" →
    "Bitgoeul …"), whether any part's outline is schematic and whether any part is in the belt."""
    rows = []
    for zone_id, parts in zones.groupby("zone_id", sort=False):
        first = parts.iloc[0]
        names = {}
        for language in LANGUAGES:
            name = str(first.get(f"name_{language}") or first.get("name_ko") or zone_id)
            names[f"name_{language}"] = name.split(" (")[0].split("（")[0] if len(parts) > 1 else name
        quality = parts["geometry_quality"] if "geometry_quality" in parts else pd.Series(dtype=object)
        geometries = parts.geometry.values[parts.geometry.notna().to_numpy()]
        rows.append(
            {
                "feature_id": str(zone_id),
                **names,
                "schematic": bool((quality == GeometryQuality.SCHEMATIC).any()),
                "in_belt": bool(parts["in_belt"].astype(bool).any()) if "in_belt" in parts else False,
                "geometry": shapely.union_all(geometries) if len(geometries) else None,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=zones.crs)


def location_table(zones: gpd.GeoDataFrame, destinations: gpd.GeoDataFrame) -> pd.DataFrame:
    """The straight-line (geodesic, GRS80) distance in km from each zone to each destination.

    Parameters
    ----------
    zones
        Zone parts (:func:`geo.load_zones`), any CRS; a zone's parts are measured together.
    destinations
        :func:`geo.layers.load_destinations`: a row without a geometry is "not available".

    Returns
    -------
    pandas.DataFrame
        One row per zone and destination (zones in their order, then destinations in theirs), with the
        columns of :data:`LOCATION_COLUMNS`: ``distance_km`` is NaN and ``available`` False for a destination
        without coordinates; ``schematic`` says the zone's outline, and so the distance, is approximate.
    """
    outlines = zone_outlines(zones)
    metres = zone_distances_m(destinations, outlines) if len(outlines) else pd.DataFrame(index=destinations.index)
    available = destinations.geometry.notna() & ~destinations.geometry.is_empty
    rows = []
    for _, zone in outlines.iterrows():
        for index, place in destinations.iterrows():
            rows.append(
                {
                    "zone_id": zone["feature_id"],
                    **{f"zone_name_{lang}": zone[f"name_{lang}"] for lang in LANGUAGES},
                    "schematic": zone["schematic"],
                    "in_belt": zone["in_belt"],
                    "point_id": str(place["point_id"]),
                    "kind": str(place["kind"]),
                    **{f"name_{lang}": str(place.get(f"name_{lang}") or place["name_ko"]) for lang in LANGUAGES},
                    "available": bool(available.loc[index]),
                    "distance_km": metres.loc[index, zone["feature_id"]] / METRES_PER_KM,
                    "uncertain": bool(place["uncertain"]),
                    **{key: str(place.get(key, "") or "") for key in ("publisher", "date", "url")},
                    **{
                        f"source_{lang}": i18n.localised_column(place, "source", lang, fallback="source")
                        for lang in LANGUAGES
                    },
                }
            )
    table = pd.DataFrame(rows, columns=list(LOCATION_COLUMNS))
    table["distance_km"] = table["distance_km"].astype(float)
    return table


def to_csv(table: pd.DataFrame, *, language: str | None = None) -> str:
    """The location table as CSV with a UTF-8 BOM (Excel shows Hangul and Kana), km to 0.01.

    Headers are the column names, or with ``language`` the fields' titles in it.
    """
    frame = table.reindex(columns=list(LOCATION_COLUMNS))
    if language is not None:
        i18n.check_language(language)
        frame = frame.rename(columns={c: LOCATION_FIELDS[c].title(language) for c in frame.columns})
    return fmt.excel_csv(frame, float_format="%.2f")


def write_locations(
    out: OutputFolder | str | os.PathLike, table: pd.DataFrame, *, language: str | None = None
) -> list[Path]:
    """Write :func:`output_files` into ``out`` (an :class:`geo.io.OutputFolder` or a path); return the paths."""
    out = output_folder(out)
    return [out.text(LOCATIONS_CSV, to_csv(table, language=language))]
