"""Small helpers shared by the official-layer modules: ids as text, polygonal parts, problem lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from ._constants import MAX_LISTED


def as_text(value: object) -> str | None:
    """An id as text; a whole number read as a float loses its ``.0``; None for missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, np.integer):
        return str(int(value))
    text = str(value).strip()
    return text or None


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of ``geom`` (a clip can leave lines and points along the cut)."""
    if geom is None or geom.is_empty:
        return shapely.MultiPolygon() if geom is None else geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polygons = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polygons) if polygons else shapely.MultiPolygon()


def summary(source: str, problems: list[str]) -> str:
    listed = "; ".join(problems[:MAX_LISTED])
    more = len(problems) - MAX_LISTED
    return f"{source}: {len(problems)} problems: {listed}" + (f"; and {more} more" if more > 0 else "")
