"""The GeoPackage's tables: each layer's attributes, geometry, QGIS style, title and description (no I/O).

Columns come from the registries of :mod:`geo.schema` under their short names, with their titles in the
export's language as QGIS aliases; layer titles and descriptions come from :mod:`geo.i18n`.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from .. import _format as fmt
from .. import fez as fez_layer
from .. import i18n, style, units
from .._errors import InputError
from ..area import area_table
from ..audit import AuditResult
from ..belt import belt_geometry, belt_triangle, triangle_outline
from ..schema import (
    BELT_FIELDS,
    CLAIM_FIELDS,
    CONTEXT_FIELDS,
    FEZ_FIELDS,
    POINT_FIELDS,
    ZONE_FIELDS,
    Field,
    GeometryQuality,
    Status,
)
from ..settings import GEOGRAPHIC_CRS, KOREA_BOUNDS_LONLAT, LANGUAGES
from . import _qml
from ._gpkg import Table

log = logging.getLogger(__name__)

SCHEMATIC: Final = GeometryQuality.SCHEMATIC.value

#: Outline style per feature: schematic outlines dashed, as on the HTML maps.
DASH_EXPRESSION: Final = f"CASE WHEN \"quality\" = '{SCHEMATIC}' THEN 'dash' ELSE 'solid' END"
BELT_FILL_OPACITY: Final = 0.1
#: shapely.coverage_is_valid needs shapely 2.1 built on GEOS 3.12; without it every union is the general one.
_HAS_COVERAGE_CHECK: Final = hasattr(shapely, "coverage_is_valid") and shapely.geos_version >= (3, 12, 0)
POINT_COLOR: Final = "#000000"
POINT_OPACITY: Final = 0.9
#: QGIS label priority (0-10) and z-index: zone labels are placed first and drawn above the context's, so the
#: legal-dong labels never push Jingok's or the future complex's label off the map.
ZONE_LABEL_PRIORITY: Final = 10
ZONE_LABEL_Z_INDEX: Final = 2.0
POINT_LABEL_PRIORITY: Final = 7
POINT_LABEL_Z_INDEX: Final = 1.0
CONTEXT_LABEL_PRIORITY: Final = 1
CONTEXT_LABEL_Z_INDEX: Final = 0.0
#: Context outlines are thinner and lighter than the zones' (0.6 mm, opaque): background, not subject.
CONTEXT_OUTLINE_WIDTH_MM: Final = 0.26
CONTEXT_OUTLINE_OPACITY: Final = 0.6
BORDER_LINE_WIDTH_MM: Final = 0.5
#: QGIS ``layerGeometryType`` of a table without geometry (QgsWkbTypes::NullGeometry).
NO_GEOMETRY_CODE: Final = "4"
_DOCTYPE: Final = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"


def _tuned_qml(
    qml: str,
    *,
    label_priority: int | None = None,
    label_z_index: float | None = None,
    label_obstacle: bool | None = None,
    width_mm: float | None = None,
    outline_opacity: float | None = None,
) -> str:
    """``qml`` with the label priority and z-index, whether its features are label obstacles, and its outline or
    line width and opacity set (knobs :mod:`geo.export._qml` does not have yet)."""
    root = ET.fromstring(qml.split("\n", 1)[1] if qml.startswith("<!DOCTYPE") else qml)
    for placement in root.iter("placement"):
        if label_priority is not None:
            placement.set("priority", str(label_priority))
    for rendering in root.iter("rendering"):
        if label_z_index is not None:
            rendering.set("zIndex", f"{label_z_index:g}")
        if label_obstacle is not None:
            rendering.set("obstacle", "1" if label_obstacle else "0")
    for prop in root.iter("prop"):
        key = prop.get("k")
        if width_mm is not None and key in ("outline_width", "line_width"):
            prop.set("v", f"{width_mm:g}")
        if outline_opacity is not None and key in ("outline_color", "line_color"):
            red, green, blue, _ = prop.get("v").split(",")
            prop.set("v", f"{red},{green},{blue},{round(outline_opacity * 255)}")
    ET.indent(root)
    return _DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def attribute_qml(aliases: Mapping[str, str]) -> str:
    """The QGIS style of a table without geometry: only its fields' aliases.

    QGIS 3.22 on GDAL before 3.7 does not read ``gpkg_data_columns``, so an attributes table shows its aliases
    only from a default style in ``layer_styles``; the style says it is for no geometry (else QGIS refuses it).
    """
    root = ET.Element("qgis", {"version": _qml.QGIS_VERSION, "styleCategories": "Fields"})
    element = ET.SubElement(root, "aliases")
    for index, (name, alias) in enumerate(aliases.items()):
        ET.SubElement(element, "alias", {"field": fmt.xml_text(name), "index": str(index), "name": fmt.xml_text(alias)})
    ET.SubElement(root, "layerGeometryType").text = NO_GEOMETRY_CODE
    ET.indent(root)
    return _DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def _renamed(frame: pd.DataFrame, fields: Mapping[str, Field], language: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Keep the columns of ``fields`` that ``frame`` has, in that order, under their short names; and their
    titles in ``language``."""
    present = [c for c in fields if c in frame.columns]
    renamed = frame[present].rename(columns={c: fields[c].short for c in present})
    return renamed, {fields[c].short: fields[c].title(language) for c in present}


def zone_attributes(zones: gpd.GeoDataFrame, audit: AuditResult, *, short_names: bool) -> pd.DataFrame:
    """The audit's per-feature areas with the zones' provenance columns, aligned to ``zones``."""
    extra = [c for c in ZONE_FIELDS if c in zones.columns and c not in audit.zones.columns and c != "geometry"]
    table = pd.concat([audit.zones.reset_index(drop=True), zones[extra].reset_index(drop=True)], axis=1)
    table = table[[c for c in ZONE_FIELDS if c in table.columns]]
    return _renamed(table, ZONE_FIELDS, "en")[0] if short_names else table


def _zone_style(frame: pd.DataFrame, language: str, *, titles: Mapping[str, str]) -> _qml.LayerStyle:
    """Categorised by role in the HTML maps' colours; planned zones fainter; schematic outlines dashed."""
    schematic = frame["quality"] == SCHEMATIC
    categories = []
    fills = {}
    known = frame["role"].isin([r for r in style.ROLE_COLORS if r])
    roles = [r for r in style.ROLE_COLORS if r and (frame["role"] == r).any()] + ([""] if (~known).any() else [])
    for role in roles:
        in_role = frame["role"] == role if role else ~known
        all_schematic = bool(in_role.any()) and bool(schematic[in_role].all())
        label = i18n.role_label(role, language)
        if all_schematic:
            label = f"{label} ({i18n.text('schematic_suffix', language)})"
        color = style.role_color(role)
        categories.append(_qml.Category(role, label, _qml.Symbol(color, style.OPERATING_FILL_OPACITY, all_schematic)))
        planned = _qml.color_expression(color, style.PLANNED_FILL_OPACITY)
        operating = _qml.color_expression(color, style.OPERATING_FILL_OPACITY)
        fills[role] = f"CASE WHEN \"status\" = '{Status.PLANNED}' THEN {planned} ELSE {operating} END"
    return _qml.LayerStyle(
        geometry="polygon",
        symbol=_qml.Symbol(style.role_color(""), style.OPERATING_FILL_OPACITY, bool(schematic.all())),
        category_field="role",
        categories=tuple(categories),
        label_field=f"name_{language}",
        dash_expression=DASH_EXPRESSION,
        fill_expressions=fills,
        aliases=titles,
    )


def _zone_qml(layer_style: _qml.LayerStyle) -> str:
    return _tuned_qml(_qml.to_qml(layer_style), label_priority=ZONE_LABEL_PRIORITY, label_z_index=ZONE_LABEL_Z_INDEX)


def _title(name: str, language: str, *, schematic: bool) -> str:
    title = i18n.text(f"table_{name}", language)
    return f"{title} ({i18n.text('schematic_suffix', language)})" if schematic else title


def _description(name: str, language: str, *, schematic: bool) -> str:
    """What the table holds in ``language``; if any of its geometry is schematic, the statement in every
    language. Titles say "(schematic)" only when all of it is; with none, neither says anything of it."""
    text = i18n.text(f"about_{name}", language)
    if schematic:
        text += " " + " / ".join(i18n.text("schematic_label", lang) for lang in LANGUAGES) + "."
    return text


def zone_parts_table(zones: gpd.GeoDataFrame, audit: AuditResult, crs: CRS, language: str) -> Table:
    """One feature per zone part, with the audit's areas and the zones' provenance."""
    attributes = zone_attributes(zones, audit, short_names=True)
    titles = {field.short: field.title(language) for field in ZONE_FIELDS.values()}
    titles = {c: titles[c] for c in attributes.columns}
    frame = gpd.GeoDataFrame(attributes, geometry=zones.geometry.to_crs(crs).values, crs=crs)
    is_schematic = frame["quality"] == SCHEMATIC
    return Table(
        name="zone_parts",
        frame=frame,
        identifier=_title("zone_parts", language, schematic=bool(is_schematic.all())),
        description=_description("zone_parts", language, schematic=bool(is_schematic.any())),
        titles=titles,
        qml=_zone_qml(_zone_style(frame, language, titles=titles)),
        metadata=sources(zones, ("boundary_source", "seed_source", "official_area_source", "role_source")),
    )


def _union(geometries: np.ndarray) -> shapely.Geometry:
    """Union of ``geometries``, by the cheapest route that gives the same set.

    Polygons that touch nothing else are simply collected; a valid coverage (no overlaps, shared edges noded
    alike, as parcels are) takes GEOS's coverage union; anything else the general union.
    """
    parts = shapely.get_parts(geometries)
    if len(parts) > 1:
        left, right = shapely.STRtree(parts).query(parts, predicate="intersects")
        if (left == right).all():
            return shapely.multipolygons(parts)
        if _HAS_COVERAGE_CHECK and shapely.coverage_is_valid(parts):
            return shapely.coverage_union_all(parts)
    return shapely.union_all(parts)


def _union_area_table(geometry: gpd.GeoSeries) -> pd.DataFrame:
    """:func:`geo.area.area_table` of unions, summed over their polygons.

    A union's polygons are disjoint, so its geodesic area is the sum of theirs; measuring each part lets
    the fast path of :func:`geo.area.area_m2` take the small ones instead of GeographicLib taking the whole.
    """
    parts = geometry.explode(index_parts=False)
    return area_table(parts).groupby(level=0, sort=False).sum().reindex(geometry.index, fill_value=0.0)


def zone_unions(zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per ``zone_id`` (in order of appearance), the union of all its parts and of its in-belt parts (None if
    it has none), EPSG:4326."""
    lonlat = zones.to_crs(GEOGRAPHIC_CRS)
    ids = lonlat["zone_id"].to_numpy()
    geometries = np.asarray(lonlat.geometry.values)
    in_belt = lonlat["in_belt"].astype(bool).to_numpy()
    order = list(dict.fromkeys(ids))
    # A zone of one part is its own union (most zones of a national layer): no union to compute.
    counts = pd.Series(ids).value_counts()
    single = ~pd.Series(ids).map(counts).gt(1).to_numpy()
    union = pd.Series(geometries[single], index=ids[single], dtype=object)
    belt = pd.Series(np.where(in_belt[single], geometries[single], None), index=ids[single], dtype=object)
    positions = pd.Series(np.arange(len(ids))).groupby(ids).indices
    for zone_id in counts.index[counts > 1]:
        rows = positions[zone_id]
        parts, in_belt_parts = geometries[rows], in_belt[rows]
        union[zone_id] = _union(parts)
        if in_belt_parts.all():
            belt[zone_id] = union[zone_id]
        else:
            belt[zone_id] = _union(parts[in_belt_parts]) if in_belt_parts.any() else None
    return pd.DataFrame({"union": union.reindex(order), "in_belt_union": belt.reindex(order)})


def zones_table(zones: gpd.GeoDataFrame, unions: pd.DataFrame, crs: CRS, language: str) -> Table:
    """The parts dissolved by ``zone_id``: first names, role and status; in_belt if any part is; summed areas."""
    groups = zones.groupby("zone_id", sort=False)
    first = groups[["zone_id", "name_ko", "name_en", "name_ja", "role", "status"]].first()
    official_m2 = pd.to_numeric(zones["official_area_m2"], errors="coerce")
    official = (
        official_m2.groupby(zones["zone_id"], sort=False)
        .sum()
        .where(~official_m2.isna().groupby(zones["zone_id"], sort=False).any())
    )
    attributes = pd.DataFrame(
        {
            **{c: first[c].to_numpy() for c in first.columns},
            "in_belt": groups["in_belt"].any().to_numpy(),
            "parts": groups.size().to_numpy().astype("int32"),
            "geometry_quality": _common_values(groups["geometry_quality"]).to_numpy(),
            "official_area_m2": official.to_numpy(),
        }
    )
    geometry = gpd.GeoSeries(unions["union"].to_numpy(), crs=GEOGRAPHIC_CRS)
    areas = _union_area_table(geometry)
    attributes = pd.concat([attributes, areas.reset_index(drop=True)], axis=1)
    attributes["official_area_pyeong"] = units.m2_to_pyeong(attributes["official_area_m2"])
    attributes["official_difference_pct"] = (
        (attributes["area_m2"] - attributes["official_area_m2"]) / attributes["official_area_m2"] * 100
    )
    renamed, titles = _renamed(attributes, ZONE_FIELDS, language)
    frame = gpd.GeoDataFrame(renamed, geometry=geometry.to_crs(crs).values, crs=crs)
    # a zone with schematic and supplied parts is "mixed": its outline is still partly schematic
    any_schematic = bool((zones["geometry_quality"] == SCHEMATIC).any())
    return Table(
        name="zones",
        frame=frame,
        identifier=_title("zones", language, schematic=bool((frame["quality"] == SCHEMATIC).all())),
        description=_description("zones", language, schematic=any_schematic),
        titles=titles,
        qml=_zone_qml(_zone_style(frame, language, titles=titles)),
        metadata=sources(zones, ("boundary_source", "official_area_source")),
    )


def _common_value(values: pd.Series) -> str:
    unique = values.dropna().unique()
    return str(unique[0]) if len(unique) == 1 else GeometryQuality.MIXED.value


def _common_values(groups: pd.core.groupby.SeriesGroupBy) -> pd.Series:
    """Per group, its one value, or ``mixed`` where it has several (vectorised :func:`_common_value`)."""
    first = groups.first().astype(str)
    return first.where(groups.nunique(dropna=True).le(1), GeometryQuality.MIXED.value)


def belt_tables(zones: gpd.GeoDataFrame, audit: AuditResult, crs: CRS, language: str) -> list[Table]:
    """The belt's union (a polygon layer) and its triangle (a line layer), as :mod:`geo.belt` defines them.

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
    renamed, titles = _renamed(attributes, BELT_FIELDS, language)
    frame = gpd.GeoDataFrame(renamed, geometry=geometry.to_crs(crs).values, crs=crs)
    belt_symbol = _qml.Symbol(style.BELT_COLOR, BELT_FILL_OPACITY, dashed=schematic)
    legend = i18n.text("belt_union_name", language) + (
        f" ({i18n.text('schematic_suffix', language)})" if schematic else ""
    )
    union_style = _qml.LayerStyle(
        geometry="polygon",
        symbol=belt_symbol,
        category_field="kind",
        categories=(_qml.Category("union", legend, belt_symbol),),
        label_field=None,
        dash_expression=DASH_EXPRESSION,
        aliases=titles,
    )
    tables = [
        Table(
            name="belt",
            frame=frame,
            identifier=_title("belt", language, schematic=schematic),
            description=_description("belt", language, schematic=schematic),
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
    renamed, titles = _renamed(pd.DataFrame([row]), BELT_FIELDS, language)
    line = gpd.GeoSeries([triangle_outline(triangle)], crs=GEOGRAPHIC_CRS).to_crs(crs)
    triangle_style = _qml.LayerStyle(
        geometry="line",
        symbol=_qml.Symbol(style.BELT_COLOR, 1.0, dashed=True, filled=False),
        label_field=None,
        aliases=titles,
    )
    tables.append(
        Table(
            name="belt_triangle",
            frame=gpd.GeoDataFrame(renamed, geometry=line.values, crs=crs),
            identifier=_title("belt_triangle", language, schematic=False),
            description=_description("belt_triangle", language, schematic=False),
            titles=titles,
            qml=_qml.to_qml(triangle_style),
        )
    )
    return tables


def fez_districts_table(districts: gpd.GeoDataFrame, crs: CRS, language: str) -> Table:
    """The FEZ districts (:func:`geo.fez.load_fez_districts`): categorised by pillar in
    :data:`geo.style.PILLAR_COLORS`, schematic outlines dashed, labelled in ``language``, with their areas
    (GRS80 and EPSG:5186), the area at designation they are compared with and the later figure."""
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
    renamed, titles = _renamed(attributes, FEZ_FIELDS, language)
    frame = gpd.GeoDataFrame(renamed, geometry=districts.geometry.to_crs(crs).values, crs=crs)
    schematic = frame["quality"] == SCHEMATIC if "quality" in frame else pd.Series(False, index=frame.index)
    pillars = frame["pillar"] if "pillar" in frame else pd.Series("", index=frame.index)
    known = pillars.isin(fez_layer.PILLARS)
    categories = []
    for pillar in [p for p in fez_layer.PILLARS if (pillars == p).any()] + ([""] if (~known).any() else []):
        members = pillars == pillar if pillar else ~known
        dashed = bool(schematic[members].all())
        label = fez_layer.pillar_label(pillar, language)
        if dashed:
            label = f"{label} ({i18n.text('schematic_suffix', language)})"
        symbol = _qml.Symbol(style.pillar_color(pillar), style.OPERATING_FILL_OPACITY, dashed)
        categories.append(_qml.Category(pillar, label, symbol))
    layer_style = _qml.LayerStyle(
        geometry="polygon",
        symbol=_qml.Symbol(style.pillar_color(""), style.OPERATING_FILL_OPACITY, bool(schematic.all())),
        category_field="pillar",
        categories=tuple(categories),
        label_field=f"name_{language}",
        dash_expression=DASH_EXPRESSION,
        aliases=titles,
    )
    description = fez_layer.text("about_fez_districts", language)
    if schematic.any():
        description += " " + " / ".join(i18n.text("schematic_label", lang) for lang in LANGUAGES) + "."
    identifier = fez_layer.text("table_fez_districts", language)
    if len(frame) and schematic.all():
        identifier += f" ({i18n.text('schematic_suffix', language)})"
    return Table(
        name="fez_districts",
        frame=frame,
        identifier=identifier,
        description=description,
        titles=titles,
        qml=_zone_qml(layer_style),
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


def context_tables(context: gpd.GeoDataFrame, crs: CRS, language: str) -> list[Table]:
    tables = []
    areas = context[context["kind"] != "border"]
    border = context[context["kind"] == "border"]
    for name, part, geometry in (("context_areas", areas, "polygon"), ("context_border", border, "line")):
        if part.empty:
            continue
        renamed, titles = _renamed(pd.DataFrame(part.drop(columns="geometry")), CONTEXT_FIELDS, language)
        frame = gpd.GeoDataFrame(renamed.reset_index(drop=True), geometry=part.geometry.to_crs(crs).values, crs=crs)
        label = f"name_{language}" if f"name_{language}" in frame.columns else "name_ko"
        layer_style = _qml.LayerStyle(
            geometry=geometry,
            symbol=_qml.Symbol(style.CONTEXT_COLOR, 0.0, filled=False),
            label_field=label if geometry == "polygon" else None,
            aliases=titles,
        )
        polygon = geometry == "polygon"
        qml = _tuned_qml(
            _qml.to_qml(layer_style),
            label_priority=CONTEXT_LABEL_PRIORITY,
            label_z_index=CONTEXT_LABEL_Z_INDEX,
            label_obstacle=False,
            width_mm=CONTEXT_OUTLINE_WIDTH_MM if polygon else BORDER_LINE_WIDTH_MM,
            outline_opacity=CONTEXT_OUTLINE_OPACITY if polygon else None,
        )
        tables.append(
            Table(
                name=name,
                frame=frame,
                identifier=_title(name, language, schematic=False),
                description=_description(name, language, schematic=False),
                titles=titles,
                qml=qml,
                metadata=sources(part, ("source",)),
            )
        )
    return tables


def points_table(points: gpd.GeoDataFrame, crs: CRS, language: str) -> Table:
    renamed, titles = _renamed(pd.DataFrame(points.drop(columns="geometry")), POINT_FIELDS, language)
    frame = gpd.GeoDataFrame(renamed.reset_index(drop=True), geometry=points.geometry.to_crs(crs).values, crs=crs)
    layer_style = _qml.LayerStyle(
        geometry="point",
        symbol=_qml.Symbol(POINT_COLOR, POINT_OPACITY),
        label_field=f"name_{language}",
        aliases=titles,
    )
    return Table(
        name="site_points",
        frame=frame,
        identifier=_title("site_points", language, schematic=False),
        description=_description("site_points", language, schematic=False),
        titles=titles,
        qml=_tuned_qml(
            _qml.to_qml(layer_style), label_priority=POINT_LABEL_PRIORITY, label_z_index=POINT_LABEL_Z_INDEX
        ),
        metadata=sources(points, ("source",)),
    )


def audit_tables(audit: AuditResult, language: str) -> list[Table]:
    zones, zone_titles = _renamed(audit.zones.reset_index(drop=True), ZONE_FIELDS, language)
    claims = audit.claims.reset_index(drop=True).copy()
    claims["within_tolerance"] = claims["within_tolerance"].astype("boolean")
    claims, claim_titles = _renamed(claims, CLAIM_FIELDS, language)
    return [
        Table(
            name="audit_zones",
            frame=zones,
            identifier=_title("audit_zones", language, schematic=False),
            description=_description("audit_zones", language, schematic=False),
            titles=zone_titles,
            qml=attribute_qml(zone_titles),
        ),
        Table(
            name="audit_claims",
            frame=claims,
            identifier=_title("audit_claims", language, schematic=False),
            description=_description("audit_claims", language, schematic=False) + f" ±{audit.tolerance * 100:g} %.",
            titles=claim_titles,
            qml=attribute_qml(claim_titles),
            metadata={"tolerance": audit.tolerance, "passed": audit.passed, "sources": sorted(set(claims["url"]))}
            if "url" in claims
            else {"tolerance": audit.tolerance, "passed": audit.passed},
        ),
    ]


def warn_outside_area_of_use(crs: CRS) -> None:
    """Log a warning if ``crs`` is not meant for Korea (it still works; distances and shapes will be off)."""
    area = crs.area_of_use
    if area is None:
        return
    lon_min, lat_min, lon_max, lat_max = KOREA_BOUNDS_LONLAT
    if area.east < lon_min or area.west > lon_max or area.north < lat_min or area.south > lat_max:
        log.warning("%s (%s) is not meant for Korea (its area of use is %s)", crs.to_string(), crs.name, area.name)


def check_projectable(table: Table, crs: CRS) -> None:
    if not table.spatial or table.frame.empty:
        return
    bounds = np.asarray(table.frame.total_bounds)
    if not np.isfinite(bounds).all():
        raise InputError(
            f"--crs {crs.to_string()}: the {table.name} layer cannot be projected to it (coordinates become "
            "infinite); pick a CRS that covers Korea, e.g. EPSG:5186"
        )


def sources(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, list[str]]:
    """The distinct non-empty values of each source column, sorted."""
    return {
        column: sorted({str(v) for v in frame[column].dropna() if str(v).strip()})
        for column in columns
        if column in frame.columns
    }
