"""The zone layers of the GeoPackage: the zone parts, the zones dissolved from them, the belt, the FEZ districts.

Each layer's attributes come from :mod:`geo.schema`'s registries under their short names, with their titles in
the export's language as QGIS aliases (no I/O here). The areas are the audit's: a zone of one part has its
part's areas, and only a zone of several parts is unioned and measured again; the parts are projected to the
output CRS once, for both layers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from .. import fez as fez_layer
from .. import i18n, style, units
from ..area import area_table
from ..audit import AuditResult
from ..belt import belt_geometry, belt_triangle, triangle_outline, union
from ..schema import BELT_FIELDS, FEZ_FIELDS, ZONE_FIELDS, GeometryQuality, Status
from ..settings import DEFAULT_LANGUAGE, GEOGRAPHIC_CRS
from . import _qml
from ._gpkg import Table
from ._tables import (
    DASH_EXPRESSION,
    SCHEMATIC,
    ZONE_LABEL_PRIORITY,
    ZONE_LABEL_Z_INDEX,
    description,
    renamed,
    schematic_statement,
    sources,
    title,
)

log = logging.getLogger(__name__)

BELT_FILL_OPACITY: Final = 0.1
#: Columns of the zones layer taken from a zone's first part (its first non-missing value).
_FIRST_VALUES: Final = ("zone_id", "name_ko", "name_en", "name_ja", "role", "status")


def zone_attributes(zones: gpd.GeoDataFrame, audit: AuditResult, *, short_names: bool) -> pd.DataFrame:
    """The audit's per-feature areas with the zones' provenance columns, aligned to ``zones``."""
    extra = [c for c in ZONE_FIELDS if c in zones.columns and c not in audit.zones.columns and c != "geometry"]
    table = pd.concat([audit.zones.reset_index(drop=True), pd.DataFrame(zones[extra]).reset_index(drop=True)], axis=1)
    return (
        renamed(table, ZONE_FIELDS, DEFAULT_LANGUAGE)[0]
        if short_names
        else table[[c for c in ZONE_FIELDS if c in table]]
    )


def zone_tables(zones: gpd.GeoDataFrame, audit: AuditResult, crs: CRS, language: str) -> list[Table]:
    """The ``zone_parts`` layer (one feature per part) and the ``zones`` layer (the parts dissolved by
    ``zone_id``), in ``crs``, with the audit's areas; ``audit`` is :func:`geo.run_audit` of ``zones``."""
    projected = _as_multipolygons(np.asarray(zones.geometry.to_crs(crs).values))
    return [
        _zone_parts_table(zones, audit, projected, crs, language),
        _zones_table(zones, audit, projected, crs, language),
    ]


def _as_multipolygons(geometries: np.ndarray) -> np.ndarray:
    """Polygons as multipolygons of one part, the type of the layers written: converted once for both."""
    polygons = shapely.get_type_id(geometries) == shapely.GeometryType.POLYGON
    converted = geometries.copy()
    converted[polygons] = shapely.multipolygons(geometries[polygons][:, np.newaxis])
    return converted


def _zone_parts_table(
    zones: gpd.GeoDataFrame, audit: AuditResult, projected: np.ndarray, crs: CRS, language: str
) -> Table:
    attributes = zone_attributes(zones, audit, short_names=True)
    titles = {field.short: field.title(language) for field in ZONE_FIELDS.values()}
    titles = {c: titles[c] for c in attributes.columns}
    frame = gpd.GeoDataFrame(attributes, geometry=projected, crs=crs)
    is_schematic = frame["quality"] == SCHEMATIC
    return Table(
        name="zone_parts",
        frame=frame,
        identifier=title("zone_parts", language, schematic=bool(is_schematic.all())),
        description=description("zone_parts", language, schematic=bool(is_schematic.any())),
        titles=titles,
        qml=_qml.to_qml(_zone_style(frame, language, titles=titles)),
        metadata=sources(zones, ("boundary_source", "seed_source", "official_area_source", "role_source")),
    )


def _zones_table(zones: gpd.GeoDataFrame, audit: AuditResult, projected: np.ndarray, crs: CRS, language: str) -> Table:
    """The parts dissolved by ``zone_id`` (in order of appearance): first names, role and status; in_belt if any
    part is; the union's areas; official figures summed (missing if any part's is)."""
    codes, _ = pd.factorize(zones["zone_id"], use_na_sentinel=False)
    counts = np.bincount(codes)
    first = np.unique(codes, return_index=True)[1]
    several = np.flatnonzero(counts > 1)
    columns = [c for c in (*_FIRST_VALUES, "in_belt", "geometry_quality", "official_area_m2") if c in zones.columns]
    parts = pd.DataFrame(zones[columns]).reset_index(drop=True)
    parts["official_area_m2"] = pd.to_numeric(parts["official_area_m2"], errors="coerce")
    # A zone of one part is that part's row; only the zones of several parts are aggregated.
    attributes = parts.iloc[first].reset_index(drop=True)
    if len(several):
        rows = np.isin(codes, several)
        aggregated = _aggregated(parts[rows], codes[rows])
        for column in columns:
            attributes.loc[several, column] = aggregated[column].to_numpy()
    attributes["parts"] = counts.astype("int32")

    unions = _unions(zones, codes, counts, several)
    union_areas = _union_area_table(gpd.GeoSeries(unions, crs=GEOGRAPHIC_CRS))
    areas = audit.zones[union_areas.columns].iloc[first].reset_index(drop=True)
    areas.iloc[several] = union_areas.to_numpy()
    geometry = projected[first]
    geometry[several] = np.asarray(gpd.GeoSeries(unions, crs=GEOGRAPHIC_CRS).to_crs(crs).values)

    attributes = pd.concat([attributes, areas], axis=1)
    attributes["official_area_pyeong"] = units.m2_to_pyeong(attributes["official_area_m2"])
    attributes["official_difference_pct"] = (
        (attributes["area_m2"] - attributes["official_area_m2"]) / attributes["official_area_m2"] * 100
    )
    table, titles = renamed(attributes, ZONE_FIELDS, language)
    frame = gpd.GeoDataFrame(table, geometry=geometry, crs=crs)
    # a zone with schematic and supplied parts is "mixed": its outline is still partly schematic
    any_schematic = bool((zones["geometry_quality"] == SCHEMATIC).any())
    return Table(
        name="zones",
        frame=frame,
        identifier=title("zones", language, schematic=bool((frame["quality"] == SCHEMATIC).all())),
        description=description("zones", language, schematic=any_schematic),
        titles=titles,
        qml=_qml.to_qml(_zone_style(frame, language, titles=titles)),
        metadata=sources(zones, ("boundary_source", "official_area_source")),
    )


def _unions(zones: gpd.GeoDataFrame, codes: np.ndarray, counts: np.ndarray, several: np.ndarray) -> np.ndarray:
    """The union (EPSG:4326) of the parts of each zone in ``several`` (zone numbers in ``codes``), in order.

    A zone of one part is its own union (most zones of a national layer): only the others are computed.
    """
    if not len(several):
        return np.empty(0, dtype=object)
    lonlat = np.asarray(zones.geometry.to_crs(GEOGRAPHIC_CRS).values)
    rows = np.flatnonzero(np.isin(codes, several))
    rows = rows[np.argsort(codes[rows], kind="stable")]
    unions = np.empty(len(several), dtype=object)
    unions[:] = [union(lonlat[m]) for m in np.split(rows, np.cumsum(counts[several])[:-1])]
    return unions


def _aggregated(parts: pd.DataFrame, codes: np.ndarray) -> pd.DataFrame:
    """Per zone (its number in ``codes``, ascending), its parts' attributes as one: the first non-missing value,
    in_belt if any part is, the common geometry quality or ``mixed``, the official areas' sum (missing if any
    part's is)."""
    groups = parts.groupby(codes, sort=True)
    aggregated = groups[[c for c in _FIRST_VALUES if c in parts.columns]].first()
    aggregated["in_belt"] = groups["in_belt"].any()
    aggregated["geometry_quality"] = _common_values(groups["geometry_quality"])
    missing = parts["official_area_m2"].isna().groupby(codes, sort=True).any()
    aggregated["official_area_m2"] = groups["official_area_m2"].sum().where(~missing)
    return aggregated


def _union_area_table(geometry: gpd.GeoSeries) -> pd.DataFrame:
    """:func:`geo.area.area_table` of unions, summed over their polygons.

    A union's polygons are disjoint, so its geodesic area is the sum of theirs; measuring each part lets
    the fast path of :func:`geo.area.area_m2` take the small ones instead of GeographicLib taking the whole.
    """
    parts = geometry.explode(index_parts=False)
    return area_table(parts).groupby(level=0, sort=False).sum().reindex(geometry.index, fill_value=0.0)


def _common_value(values: pd.Series) -> str:
    unique = values.dropna().unique()
    return str(unique[0]) if len(unique) == 1 else GeometryQuality.MIXED.value


def _common_values(groups: pd.core.groupby.SeriesGroupBy) -> pd.Series:
    """Per group, its one value, or ``mixed`` where it has several (vectorised :func:`_common_value`)."""
    first = groups.first().astype(str)
    return first.where(groups.nunique(dropna=True).le(1), GeometryQuality.MIXED.value)


def _categorised_style(
    values: pd.Series,
    known: Sequence[str],
    *,
    field: str,
    colour_of: Callable[[str], str],
    label_of: Callable[[str], str],
    schematic: pd.Series,
    language: str,
    titles: Mapping[str, str],
    fill_of: Callable[[str], str] | None = None,
) -> _qml.LayerStyle:
    """Polygons categorised by ``field`` (the ``known`` values present, in order, then one for any other):
    each in its colour, "(schematic)" and dashed where all its outlines are; labels placed first, on top."""
    listed = values.isin([k for k in known if k])
    categories, fills = [], {}
    for value in [k for k in known if k and (values == k).any()] + ([""] if (~listed).any() else []):
        members = values == value if value else ~listed
        dashed = bool(members.any()) and bool(schematic[members].all())
        label = label_of(value)
        if dashed:
            label = f"{label} ({i18n.text('schematic_suffix', language)})"
        categories.append(
            _qml.Category(value, label, _qml.Symbol(colour_of(value), style.OPERATING_FILL_OPACITY, dashed))
        )
        if fill_of is not None:
            fills[value] = fill_of(value)
    return _qml.LayerStyle(
        geometry="polygon",
        symbol=_qml.Symbol(colour_of(""), style.OPERATING_FILL_OPACITY, bool(schematic.all())),
        category_field=field,
        categories=tuple(categories),
        label_field=f"name_{language}",
        dash_expression=DASH_EXPRESSION,
        fill_expressions=fills,
        aliases=titles,
        label_priority=ZONE_LABEL_PRIORITY,
        label_z_index=ZONE_LABEL_Z_INDEX,
    )


def _zone_style(frame: pd.DataFrame, language: str, *, titles: Mapping[str, str]) -> _qml.LayerStyle:
    """Categorised by role in the HTML maps' colours; planned zones fainter; schematic outlines dashed; labels
    placed first and drawn on top."""

    def planned_fainter(role: str) -> str:
        planned = _qml.color_expression(style.role_color(role), style.PLANNED_FILL_OPACITY)
        operating = _qml.color_expression(style.role_color(role), style.OPERATING_FILL_OPACITY)
        return f"CASE WHEN \"status\" = '{Status.PLANNED}' THEN {planned} ELSE {operating} END"

    return _categorised_style(
        frame["role"],
        list(style.ROLE_COLORS),
        field="role",
        colour_of=style.role_color,
        label_of=lambda role: i18n.role_label(role, language),
        schematic=frame["quality"] == SCHEMATIC,
        language=language,
        titles=titles,
        fill_of=planned_fainter,
    )


def belt_tables(zones: gpd.GeoDataFrame, audit: AuditResult, crs: CRS, language: str) -> list[Table]:
    """The belt's union (a polygon layer) and its triangle (a line layer), as :mod:`geo.belt` defines them.

    The union is :func:`geo.belt.belt_geometry`, the set the maps draw (taken by the cheapest route,
    :func:`geo.belt.union`: in-belt parcels that touch nothing are collected, not unioned).

    The triangle is :func:`geo.belt.triangle_outline` of :func:`geo.belt.belt_triangle`, the very line the
    HTML maps draw, so both agree for any number of in-belt zones; with fewer than two there is none.
    """
    belt = audit.belt
    schematic = belt["schematic"]
    quality = SCHEMATIC if schematic else _common_value(zones["geometry_quality"])
    union = {
        "kind": "union",
        "name": i18n.text("belt_union_name", language),
        "members": ", ".join(belt["members"]),
        "geometry_quality": quality,
        "official_area_m2": belt["official_sum_m2"] if belt["official_sum_m2"] is not None else np.nan,
        "note": "overlaps counted once",
    }
    geometry = gpd.GeoSeries([belt_geometry(zones)], crs=GEOGRAPHIC_CRS)
    attributes = pd.concat([pd.DataFrame([union]), _union_area_table(geometry).reset_index(drop=True)], axis=1)
    table, titles = renamed(attributes, BELT_FIELDS, language)
    frame = gpd.GeoDataFrame(table, geometry=geometry.to_crs(crs).values, crs=crs)
    belt_symbol = _qml.Symbol(style.BELT_COLOR, BELT_FILL_OPACITY, dashed=schematic)
    legend = i18n.text("belt_union_name", language) + (
        f" ({i18n.text('schematic_suffix', language)})" if schematic else ""
    )
    union_style = _qml.LayerStyle(
        geometry="polygon",
        symbol=belt_symbol,
        category_field="kind",
        categories=(_qml.Category("union", legend, belt_symbol),),
        dash_expression=DASH_EXPRESSION,
        aliases=titles,
    )
    tables = [
        Table(
            name="belt",
            frame=frame,
            identifier=title("belt", language, schematic=schematic),
            description=description("belt", language, schematic=schematic),
            titles=titles,
            qml=_qml.to_qml(union_style),
            metadata={"members": list(belt["members"]), "official_sum_m2": belt["official_sum_m2"]},
        )
    ]
    triangle = belt_triangle(zones)
    if triangle is None:
        log.info("no belt triangle: fewer than two in-belt zones")
        return tables
    corners = ", ".join(str(z) for z in zones.loc[zones["in_belt"].astype(bool), "zone_id"].unique())
    row = {
        "kind": "triangle",
        "name": i18n.text("belt_triangle_name", language),
        "members": corners,
        "geometry_quality": GeometryQuality.DERIVED.value,
        "note": "between representative points of the in-belt zones; for orientation, not an area",
    }
    table, titles = renamed(pd.DataFrame([row]), BELT_FIELDS, language)
    line = gpd.GeoSeries([triangle_outline(triangle)], crs=GEOGRAPHIC_CRS).to_crs(crs)
    triangle_style = _qml.LayerStyle(
        geometry="line", symbol=_qml.Symbol(style.BELT_COLOR, 1.0, dashed=True, filled=False), aliases=titles
    )
    tables.append(
        Table(
            name="belt_triangle",
            frame=gpd.GeoDataFrame(table, geometry=line.values, crs=crs),
            identifier=title("belt_triangle", language, schematic=False),
            description=description("belt_triangle", language, schematic=False),
            titles=titles,
            qml=_qml.to_qml(triangle_style),
        )
    )
    return tables


def fez_districts_table(districts: gpd.GeoDataFrame, crs: CRS, language: str) -> Table:
    """The FEZ districts (:func:`geo.fez.load_fez_districts`): categorised by pillar in
    :data:`geo.style.PILLAR_COLORS`, schematic outlines dashed, labelled in ``language`` as zones are, with
    their areas (GRS80 and EPSG:5186), the area at designation they are compared with and the later figure."""
    attributes = pd.concat(
        [
            pd.DataFrame(districts.drop(columns="geometry")).reset_index(drop=True),
            area_table(districts).reset_index(drop=True),
        ],
        axis=1,
    )
    official = pd.to_numeric(attributes["official_area_m2"], errors="coerce")
    attributes["official_area_pyeong"] = units.m2_to_pyeong(official)
    attributes["official_difference_pct"] = (attributes["area_m2"] - official) / official * 100
    if "later_area_m2" in attributes:
        attributes["later_area_m2"] = pd.to_numeric(attributes["later_area_m2"], errors="coerce")
    table, titles = renamed(attributes, FEZ_FIELDS, language)
    frame = gpd.GeoDataFrame(table, geometry=districts.geometry.to_crs(crs).values, crs=crs)
    schematic = frame["quality"] == SCHEMATIC if "quality" in frame else pd.Series(False, index=frame.index)
    pillars = frame["pillar"] if "pillar" in frame else pd.Series("", index=frame.index)
    layer_style = _categorised_style(
        pillars,
        fez_layer.PILLARS,
        field="pillar",
        colour_of=style.pillar_color,
        label_of=lambda pillar: fez_layer.pillar_label(pillar, language),
        schematic=schematic,
        language=language,
        titles=titles,
    )
    text = fez_layer.text("about_fez_districts", language)
    identifier = fez_layer.text("table_fez_districts", language)
    if len(frame) and schematic.all():
        identifier += f" ({i18n.text('schematic_suffix', language)})"
    return Table(
        name="fez_districts",
        frame=frame,
        identifier=identifier,
        description=text + schematic_statement() if schematic.any() else text,
        titles=titles,
        qml=_qml.to_qml(layer_style),
        metadata={
            **sources(
                districts,
                (
                    "boundary_source",
                    "official_area_source",
                    "later_area_source",
                    "pillar_source",
                    "host_complex_source",
                    "legal_dongs_source",
                    "seed_source",
                ),
            ),
            "summary": {k: v for k, v in fez_layer.fez_summary(districts).items() if k != "members"},
        },
    )
