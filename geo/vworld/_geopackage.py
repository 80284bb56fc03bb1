"""Writing the fetched features and the fetch's record into a GeoPackage, atomically."""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely.errors

from .._errors import InputError
from ..io import OutputFile
from ..settings import GEOGRAPHIC_CRS
from ._constants import METADATA_TABLE
from ._types import FetchResult

log = logging.getLogger(__name__)


# --- writing the GeoPackage ------------------------------------------------------------------------------


def write_geopackage(out: OutputFile, features: list[dict], result: FetchResult, metadata: dict[str, str]) -> None:
    problem = None
    try:
        frame = gpd.GeoDataFrame.from_features(features, crs=GEOGRAPHIC_CRS)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as error:
        problem = type(error).__name__  # only the class: the message quotes the data
    if problem is not None:
        raise InputError(
            f"the VWorld API sent {result.layer} features that are not valid GeoJSON ({problem}); try again"
        )
    description = (
        f"VWorld Data API layer {result.layer} ({metadata['geom_filter'] or 'no bbox'}, "
        f"{metadata['attr_filter'] or 'no name filter'}), {result.feature_count} features fetched "
        f"{result.fetched_at} from {result.api_url}; details in table {METADATA_TABLE}"
    )
    table = pd.DataFrame({"item": list(metadata), "value": list(metadata.values())})
    with out.temporary() as temporary:
        pyogrio.write_dataframe(
            frame, temporary, layer=result.layer, driver="GPKG", layer_options={"DESCRIPTION": description}
        )
        pyogrio.write_dataframe(
            table,
            temporary,
            layer=METADATA_TABLE,
            driver="GPKG",
            layer_options={"DESCRIPTION": f"How layer {result.layer} was fetched from the VWorld Data API"},
        )
