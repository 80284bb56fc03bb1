"""The background layers of the GeoPackage: gu/si/gun, legal dongs and ri, the Gwangju–Jeonnam border, site points.

The context is drawn as background, not subject: outlines thinner and lighter than the zones', labels placed
after theirs and below them, and dong polygons no obstacle to other labels (:mod:`geo.export._tables`).
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from .. import style
from ..schema import CONTEXT_FIELDS, POINT_FIELDS
from . import _qml
from ._gpkg import Table
from ._tables import (
    CONTEXT_LABEL_PRIORITY,
    CONTEXT_LABEL_Z_INDEX,
    POINT_LABEL_PRIORITY,
    POINT_LABEL_Z_INDEX,
    description,
    renamed,
    sources,
    title,
)

#: Context outlines, in millimetres on paper and 0-1 opacity: thinner and lighter than the zones'
#: (:data:`geo.export._qml.OUTLINE_WIDTH_MM`, opaque); the border a little stronger, still below a zone's.
CONTEXT_OUTLINE_WIDTH_MM: Final = 0.26
CONTEXT_OUTLINE_OPACITY: Final = 0.6
BORDER_LINE_WIDTH_MM: Final = 0.5
POINT_COLOR: Final = "#000000"
POINT_OPACITY: Final = 0.9

#: The context's layers by the ``kind`` of their rows: the gu/si/gun (``sigungu``, polygons, lighter still), the
#: legal dongs and ri (every other kind, polygons) and the border (``border``, a line).
_CONTEXT_LAYERS: Final = {
    "context_units": (
        "polygon",
        _qml.Symbol(
            style.UNIT_COLOR,
            0.0,
            filled=False,
            width_mm=CONTEXT_OUTLINE_WIDTH_MM,
            outline_opacity=CONTEXT_OUTLINE_OPACITY,
        ),
    ),
    "context_areas": (
        "polygon",
        _qml.Symbol(
            style.CONTEXT_COLOR,
            0.0,
            filled=False,
            width_mm=CONTEXT_OUTLINE_WIDTH_MM,
            outline_opacity=CONTEXT_OUTLINE_OPACITY,
        ),
    ),
    "context_border": ("line", _qml.Symbol(style.CONTEXT_COLOR, 0.0, filled=False, width_mm=BORDER_LINE_WIDTH_MM)),
}


def context_tables(context: gpd.GeoDataFrame, crs: CRS, language: str) -> list[Table]:
    """The gu/si/gun and the legal dongs and ri (each labelled with their names in ``language``, else Korean) and
    the border line; a layer with no rows is left out."""
    tables = []
    kinds = context["kind"].to_numpy()
    rows = {
        "context_units": kinds == "sigungu",
        "context_border": kinds == "border",
        "context_areas": (kinds != "sigungu") & (kinds != "border"),
    }
    for name, (geometry, symbol) in _CONTEXT_LAYERS.items():
        is_border = geometry == "line"
        part = context[rows[name]]
        if part.empty:
            continue
        table, titles = renamed(pd.DataFrame(part.drop(columns="geometry")), CONTEXT_FIELDS, language)
        frame = gpd.GeoDataFrame(table.reset_index(drop=True), geometry=part.geometry.to_crs(crs).values, crs=crs)
        label = f"name_{language}" if f"name_{language}" in frame.columns else "name_ko"
        layer_style = _qml.LayerStyle(
            geometry=geometry,
            symbol=symbol,
            label_field=None if is_border else label,
            aliases=titles,
            label_priority=CONTEXT_LABEL_PRIORITY,
            label_z_index=CONTEXT_LABEL_Z_INDEX,
            label_obstacle=False,
        )
        tables.append(
            Table(
                name=name,
                frame=frame,
                identifier=title(name, language, schematic=False),
                description=description(name, language, schematic=False),
                titles=titles,
                qml=_qml.to_qml(layer_style),
                metadata=sources(part, ("source",)),
            )
        )
    return tables


def points_table(points: gpd.GeoDataFrame, crs: CRS, language: str) -> Table:
    """The site-selection points, labelled in ``language`` below the zones' labels and above the context's."""
    table, titles = renamed(pd.DataFrame(points.drop(columns="geometry")), POINT_FIELDS, language)
    frame = gpd.GeoDataFrame(table.reset_index(drop=True), geometry=points.geometry.to_crs(crs).values, crs=crs)
    layer_style = _qml.LayerStyle(
        geometry="point",
        symbol=_qml.Symbol(POINT_COLOR, POINT_OPACITY),
        label_field=f"name_{language}",
        aliases=titles,
        label_priority=POINT_LABEL_PRIORITY,
        label_z_index=POINT_LABEL_Z_INDEX,
    )
    return Table(
        name="site_points",
        frame=frame,
        identifier=title("site_points", language, schematic=False),
        description=description("site_points", language, schematic=False),
        titles=titles,
        qml=_qml.to_qml(layer_style),
        metadata=sources(points, ("source",)),
    )
