"""What every table of the GeoPackage shares: columns under their short names, titles, sources, CRS checks.

The order in which QGIS places and draws the layers' labels is set here, in one place, because it is a
relation between layers: zone labels (the zones and the FEZ districts) are placed first and drawn on top,
then the site points', then the context's (legal dongs and ri), whose polygons are no obstacle to the
others' labels. So a legal dong's name never pushes Jingok's or the future complex's off the map.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Final

import numpy as np
import pandas as pd
from pyproj import CRS

from .. import i18n
from .._errors import InputError
from ..schema import Field, GeometryQuality
from ..settings import KOREA_BOUNDS_LONLAT, LANGUAGES
from ._gpkg import Table

log = logging.getLogger(__name__)

SCHEMATIC: Final = GeometryQuality.SCHEMATIC.value
#: Outline style per feature: schematic outlines dashed, as on the HTML maps.
DASH_EXPRESSION: Final = f"CASE WHEN \"quality\" = '{SCHEMATIC}' THEN 'dash' ELSE 'solid' END"

#: QGIS label priority (0 to 10, placed first when higher) and z-index (drawn above when higher) of each kind
#: of layer; see the module docstring.
ZONE_LABEL_PRIORITY: Final = 10
ZONE_LABEL_Z_INDEX: Final = 2.0
POINT_LABEL_PRIORITY: Final = 7
POINT_LABEL_Z_INDEX: Final = 1.0
CONTEXT_LABEL_PRIORITY: Final = 1
CONTEXT_LABEL_Z_INDEX: Final = 0.0


def renamed(frame: pd.DataFrame, fields: Mapping[str, Field], language: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Keep the columns of ``fields`` that ``frame`` has, in that order, under their short names; and their
    titles in ``language``, keyed by short name."""
    present = [c for c in fields if c in frame.columns]
    table = frame[present]
    table.columns = [fields[c].short for c in present]
    return table, {fields[c].short: fields[c].title(language) for c in present}


def title(name: str, language: str, *, schematic: bool) -> str:
    """The table's title in ``language``, with "(schematic)" when all of its geometry is."""
    text = i18n.text(f"table_{name}", language)
    return f"{text} ({i18n.text('schematic_suffix', language)})" if schematic else text


def description(name: str, language: str, *, schematic: bool) -> str:
    """What the table holds in ``language``; if any of its geometry is schematic, the statement in every
    language. Titles say "(schematic)" only when all of it is; with none, neither says anything of it."""
    text = i18n.text(f"about_{name}", language)
    return text + schematic_statement() if schematic else text


def schematic_statement() -> str:
    """The schematic statement in every language, after a space, to end a description with."""
    return " " + " / ".join(i18n.text("schematic_label", lang) for lang in LANGUAGES) + "."


def sources(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, list[str]]:
    """The distinct non-empty values of each source column, sorted."""
    return {
        column: sorted({text for text in map(str, frame[column].dropna().unique()) if text.strip()})
        for column in columns
        if column in frame.columns
    }


def warn_outside_area_of_use(crs: CRS) -> None:
    """Log a warning if ``crs`` is not meant for Korea (it still works; distances and shapes will be off)."""
    area = crs.area_of_use
    if area is None:
        return
    lon_min, lat_min, lon_max, lat_max = KOREA_BOUNDS_LONLAT
    if area.east < lon_min or area.west > lon_max or area.north < lat_min or area.south > lat_max:
        log.warning("%s (%s) is not meant for Korea (its area of use is %s)", crs.to_string(), crs.name, area.name)


def check_projectable(table: Table, crs: CRS) -> None:
    """Refuse a layer whose coordinates became infinite in ``crs`` (a CRS that does not cover Korea)."""
    if not table.spatial or table.frame.empty:
        return
    bounds = np.asarray(table.frame.total_bounds)
    if not np.isfinite(bounds).all():
        raise InputError(
            f"--crs {crs.to_string()}: the {table.name} layer cannot be projected to it (coordinates become "
            "infinite); pick a CRS that covers Korea, e.g. EPSG:5186"
        )
