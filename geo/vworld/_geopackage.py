"""The fetched features as a table a GeoPackage holds, and writing it with the fetch's record, atomically."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
import pyogrio

from .._errors import InputError
from ..io import OutputFile
from ..settings import GEOGRAPHIC_CRS
from ._constants import API_URL_ENV, MAX_PROPERTIES, METADATA_TABLE, RESERVED_COLUMNS, UNNAMED_PROPERTY
from ._pages import Feature
from ._types import FetchResult

log = logging.getLogger(__name__)


def column_names(names: Iterable[str]) -> dict[str, str]:
    """Each property name and the column that holds it.

    A GeoPackage layer already has ``fid`` and ``geom``, and its column names are compared without regard to
    case, so a property named ``fid``, ``geom`` or ``geometry``, or one that differs from an earlier one only in
    case (``DAN_ID`` after ``dan_id``), gets the first free ``<name>_2``, ``<name>_3``…; a blank name becomes
    ``unnamed``. Every other name is kept.
    """
    taken = {name.casefold() for name in RESERVED_COLUMNS}
    columns = {}
    for name in names:
        base = name if name.strip() else UNNAMED_PROPERTY
        column, number = base, 1
        while column.casefold() in taken:
            number += 1
            column = f"{base}_{number}"
        taken.add(column.casefold())
        columns[name] = column
    return columns


def to_frame(features: list[Feature]) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """The features as a GeoDataFrame in EPSG:4326, and the properties renamed (name → column).

    Raises
    ------
    InputError
        The features have more different properties than a GeoPackage layer has columns.
    """
    names = dict.fromkeys(name for feature in features for name in feature.properties)
    if len(names) > MAX_PROPERTIES:
        raise InputError(
            f"the VWorld API sent features with {len(names)} different properties, more than the {MAX_PROPERTIES} "
            f"a GeoPackage layer holds; nothing was written; check {API_URL_ENV} or the layer"
        )
    columns = column_names(names)
    data = {column: [feature.properties.get(name) for feature in features] for name, column in columns.items()}
    frame = gpd.GeoDataFrame(data, geometry=[feature.geometry for feature in features], crs=GEOGRAPHIC_CRS)
    return frame, {name: column for name, column in columns.items() if name != column}


def write_geopackage(out: OutputFile, frame: gpd.GeoDataFrame, result: FetchResult, metadata: dict[str, str]) -> None:
    description = (
        f"VWorld Data API layer {result.layer} ({metadata['geom_filter'] or 'no bbox'}, "
        f"{metadata['attr_filter'] or 'no name filter'}), {result.feature_count} features fetched "
        f"{result.fetched_at} from {result.api_url}; details in table {METADATA_TABLE}"
    )
    table = pd.DataFrame({"item": list(metadata), "value": list(metadata.values())})
    with out.temporary() as temporary:
        pyogrio.write_dataframe(
            frame,
            temporary,
            layer=result.layer,
            driver="GPKG",
            promote_to_multi=True,
            layer_options={"DESCRIPTION": description},
        )
        pyogrio.write_dataframe(
            table,
            temporary,
            layer=METADATA_TABLE,
            driver="GPKG",
            layer_options={"DESCRIPTION": f"How layer {result.layer} was fetched from the VWorld Data API"},
        )
