"""A map of many small polygons (parcels) that stays light: one canvas and the compact parcel encoding."""

from __future__ import annotations

import geopandas as gpd

from .. import i18n
from .._html import escape
from ..settings import DEFAULT_LANGUAGE, GEOGRAPHIC_CRS
from ._base import MapPage, add_controls, fit, new_map
from ._canvas import encode_parcels
from ._context import add_context


def parcels_map(
    parcels: gpd.GeoDataFrame,
    *,
    language: str = DEFAULT_LANGUAGE,
    context: gpd.GeoDataFrame | None = None,
    label_column: str | None = None,
    assets: str = "inline",
) -> MapPage:
    """A map of many small polygons (parcels) that stays light: canvas rendering and a compact encoding.

    Each parcel's tooltip gives its ellipsoidal area (GRS80) in pyeong and m², and its label if
    ``label_column`` is given. Coordinates are sent as integers of 10⁻⁶ degree, delta-encoded per ring, and
    decoded in the browser; Leaflet draws them on one canvas (``preferCanvas``).

    Parameters
    ----------
    parcels
        Polygons or multipolygons with a CRS.
    context
        Context boundaries, simplified to :data:`geo.maps._context.CONTEXT_SIMPLIFY_M` before drawing.
    """
    import folium

    from . import _leaflet

    i18n.check_language(language)
    geoms = parcels.to_crs(GEOGRAPHIC_CRS).geometry
    page = new_map(geoms.total_bounds, language=language, assets=assets, prefer_canvas=True)
    page.figure.title = escape(i18n.text("layer_parcels", language))
    if context is not None:
        add_context(page, context)
    layer = folium.FeatureGroup(name=escape(i18n.text("layer_parcels", language)), show=True)
    labels = None if label_column is None else [escape(v) for v in parcels[label_column]]
    layer.add_child(_leaflet.ParcelLayer(encode_parcels(geoms, labels=labels, language=language)))
    page.add(layer)
    add_controls(page)
    fit(page)
    return page
