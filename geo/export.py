"""Export the zones, the belt, the context and the audit for GIS work: GeoPackage, GeoJSON and CSV.

The GeoPackage opens styled and documented in QGIS: one layer per kind of feature (zone parts, zones, the
belt, legal-dong/ri boundaries, the border, site-selection points), the audit as non-spatial ``attributes``
tables, a QGIS style per layer in ``layer_styles`` (the HTML maps' colours, labels in the chosen language,
dashed outlines for schematic geometry), each layer's title and description in ``gpkg_contents``, column
titles in ``gpkg_data_columns`` and provenance in ``gpkg_metadata``.

Field names are at most 10 characters (``area_m2``, ``area_ha``, ``area_py``, ``area5186``), so they survive
a trip through a shapefile; their full meaning is in the QML aliases and ``gpkg_data_columns``.

The same inputs give a byte-identical file: every timestamp is the build date (``SOURCE_DATE_EPOCH`` if set,
else the modification time of the newest input file), rows and tables are written in a fixed order. Every
file is written to a temporary name and renamed, and never over an input.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from . import _qml, io, report, style, units
from ._errors import InputError
from ._gpkg import TIMESTAMP_FORMAT, Table, write_geopackage
from .area import area_table
from .audit import SCHEMATIC, AuditResult
from .settings import COORDINATE_DECIMALS, GEOGRAPHIC_CRS, KOREA_BOUNDS_LONLAT, LANGUAGES, PLANAR_CRS

log = logging.getLogger(__name__)

#: File names ``build`` writes into its output folder.
GEOPACKAGE_NAME: Final = "triangle_belt.gpkg"
GEOJSON_NAME: Final = "triangle_belt.geojson"
#: CRS of the GeoPackage's layers unless another is asked for (Korean practice).
DEFAULT_EXPORT_CRS: Final = PLANAR_CRS
DEFAULT_LANGUAGE: Final = "en"

#: Short field name (at most 10 characters) and title of every column the zone layers and tables carry,
#: keyed by the column name of :func:`geo.audit.measure_zones` (the names of the JSON report).
ZONE_FIELDS: Final[dict[str, tuple[str, str]]] = {
    "feature_id": ("feature_id", "Feature id (zone/part)"),
    "zone_id": ("zone_id", "Zone id"),
    "part": ("part", "Part"),
    "name_ko": ("name_ko", "Name (Korean)"),
    "name_en": ("name_en", "Name (English)"),
    "name_ja": ("name_ja", "Name (Japanese)"),
    "role": ("role", "Role in the belt"),
    "status": ("status", "Status (operating or planned)"),
    "in_belt": ("in_belt", "Counts toward the belt"),
    "parts": ("parts", "Number of parts"),
    "geometry_quality": ("quality", "Geometry quality (schematic: sized to the official area, not surveyed)"),
    "area_m2": ("area_m2", "Area, m² (GRS80 ellipsoid, geodesic edges)"),
    "area_ha": ("area_ha", "Area, ha (GRS80 ellipsoid)"),
    "area_km2": ("area_km2", "Area, km² (GRS80 ellipsoid)"),
    "area_pyeong": ("area_py", "Area, pyeong (GRS80 ellipsoid; 1 pyeong = 400/121 m²)"),
    "area_m2_epsg5186": ("area5186", "Planar area in EPSG:5186, m²"),
    "area_pyeong_epsg5186": ("area5186py", "Planar area in EPSG:5186, pyeong"),
    "official_area_m2": ("offic_m2", "Official area, m²"),
    "official_area_pyeong": ("offic_py", "Official area, pyeong"),
    "official_difference_pct": ("offic_diff", "Measured minus official, % of official"),
    "official_area_source": ("offic_src", "Source of the official area"),
    "geometry_method": ("method", "How the outline was drawn"),
    "boundary_source": ("bound_src", "Source of the boundaries the outline was drawn from"),
    "seed_source": ("seed_src", "Source of the points the outline was drawn around"),
    "role_source": ("role_src", "Source of the role"),
}
#: Short names and titles of the claims table, keyed by the audit's column names.
CLAIM_FIELDS: Final[dict[str, tuple[str, str]]] = {
    "claim_id": ("claim_id", "Claim id"),
    "subject": ("subject", "Subject (belt, a zone id or zone/part)"),
    "figure": ("figure", "Figure as published"),
    "unit": ("unit", "Unit as published"),
    "claimed_m2": ("claimed_m2", "Claimed area, m²"),
    "claimed_pyeong": ("claim_py", "Claimed area, pyeong"),
    "geometry_m2": ("geom_m2", "Measured area of the subject, m² (GRS80 ellipsoid)"),
    "geometry_pyeong": ("geom_py", "Measured area of the subject, pyeong"),
    "difference_pct": ("diff_pct", "Measured minus claimed, % of claimed"),
    "official_m2": ("offic_m2", "Official figure(s) of the subject, m²"),
    "official_difference_pct": ("offic_diff", "Official minus claimed, % of claimed"),
    "within_tolerance": ("within_tol", "Within the tolerance"),
    "verdict": ("verdict", "Verdict"),
    "audit_note": ("audit_note", "Audit note"),
    "note": ("note", "Note on the source"),
    "publisher": ("publisher", "Publisher"),
    "date": ("date", "Date published"),
    "url": ("url", "Source URL"),
    "language": ("language", "Language of the source"),
    "quote": ("quote", "Quoted words"),
    "uncertain": ("uncertain", "Source is weak or conflicting"),
}
BELT_FIELDS: Final[dict[str, tuple[str, str]]] = {
    "kind": ("kind", "union of the in-belt zones, or the triangle between them"),
    "name": ("name", "Name"),
    "members": ("members", "Features it is made of"),
    "geometry_quality": ZONE_FIELDS["geometry_quality"],
    **{key: ZONE_FIELDS[key] for key in ("area_m2", "area_ha", "area_pyeong", "area_m2_epsg5186")},
    "official_area_m2": ("offic_m2", "Sum of the official areas of the members, m²"),
    "note": ("note", "Note"),
}
CONTEXT_FIELDS: Final[dict[str, tuple[str, str]]] = {
    "code": ("code", "Administrative code (NGII)"),
    "kind": ("kind", "legal_dong, ri or border"),
    "name_ko": ("name_ko", "Name (Korean)"),
    "source": ("source", "Source and attribution"),
}
POINT_FIELDS: Final[dict[str, tuple[str, str]]] = {
    "point_id": ("point_id", "Point id"),
    "kind": ("kind", "Kind"),
    "name_ko": ("name_ko", "Name (Korean)"),
    "name_en": ("name_en", "Name (English)"),
    "name_ja": ("name_ja", "Name (Japanese)"),
    "lat": ("lat", "Latitude, degrees (WGS84)"),
    "lon": ("lon", "Longitude, degrees (WGS84)"),
    "uncertain": ("uncertain", "Location is weak (see source)"),
    "source": ("source", "Source"),
}

#: Title of each table per language (gpkg_contents.identifier, the layer name QGIS shows).
TABLE_TITLES: Final[dict[str, dict[str, str]]] = {
    "zone_parts": {"ko": "구역 부분", "en": "Zone parts", "ja": "区域の部分"},
    "zones": {"ko": "구역", "en": "Zones", "ja": "区域"},
    "belt": {"ko": "미래차 삼각벨트", "en": "Future-vehicle triangle belt", "ja": "次世代自動車三角ベルト"},
    "context_areas": {"ko": "법정동·리 경계", "en": "Legal dongs and ri", "ja": "法定洞・里の境界"},
    "context_border": {"ko": "광주·전남 경계", "en": "Gwangju–Jeonnam border", "ja": "光州・全南の境界"},
    "site_points": {"ko": "입지 참고 지점", "en": "Site-selection points", "ja": "立地の参考地点"},
    "audit_zones": {"ko": "면적 감사: 구역", "en": "Area audit: zones", "ja": "面積監査：区域"},
    "audit_claims": {"ko": "면적 감사: 공표 수치", "en": "Area audit: published claims", "ja": "面積監査：公表値"},
}
#: What each table holds (gpkg_contents.description).
TABLE_DESCRIPTIONS: Final[dict[str, str]] = {
    "zone_parts": "One feature per zone part with its ellipsoidal (GRS80) and planar (EPSG:5186) areas and the "
    "official figure it is compared with.",
    "zones": "The zone parts dissolved by zone_id; areas of the union of the parts.",
    "belt": "The belt: the union of the in-belt features (kind = union) and the triangle between "
    "representative points of the in-belt zones (kind = triangle).",
    "context_areas": "Legal dongs of Gwangsan-gu and ri of Hampyeong-gun Wolya-myeon, for orientation.",
    "context_border": "The Gwangju/Jeonnam border, for orientation.",
    "site_points": "Site-selection points (airport, KTX station, ...), each with its source; uncertain = 1 where "
    "the source is weak.",
    "audit_zones": "Area audit per zone part (the zone_areas.csv table): areas in m², ha, km² and pyeong "
    "(GRS80 ellipsoid) and planar EPSG:5186, against the official figure.",
    "audit_claims": "Every published area claim with the measured and official areas, the differences and "
    "the verdict against the tolerance.",
}
#: Names of the belt's two features per language.
BELT_NAMES: Final[dict[str, dict[str, str]]] = {
    "union": {"ko": "삼각벨트 (합집합)", "en": "Triangle belt (union)", "ja": "三角ベルト（和集合）"},
    "triangle": {
        "ko": "삼각형 (구역 대표점 연결)",
        "en": "Triangle joining the zones",
        "ja": "三角形（区域の代表点を結ぶ）",
    },
}
#: Legend suffix of categories whose every feature is schematic, per language.
SCHEMATIC_SUFFIX: Final[dict[str, str]] = {"ko": "개략 경계", "en": "schematic", "ja": "概略境界"}
#: Outline style per feature: schematic outlines dashed, as on the HTML maps.
DASH_EXPRESSION: Final = f"CASE WHEN \"quality\" = '{SCHEMATIC}' THEN 'dash' ELSE 'solid' END"
#: The belt's union dashed where schematic, the triangle dotted: it joins points and encloses no zone.
BELT_DASH_EXPRESSION: Final = (
    f"CASE WHEN \"kind\" = 'triangle' THEN 'dot' WHEN \"quality\" = '{SCHEMATIC}' THEN 'dash' ELSE 'solid' END"
)
TRIANGLE_FILL_OPACITY: Final = 0.0
BELT_FILL_OPACITY: Final = 0.1
#: shapely.coverage_is_valid needs shapely 2.1 built on GEOS 3.12; without it every union is the general one.
_HAS_COVERAGE_CHECK: Final = hasattr(shapely, "coverage_is_valid") and shapely.geos_version >= (3, 12, 0)
POINT_COLOR: Final = "#000000"
POINT_OPACITY: Final = 0.9


def output_crs(value: str | CRS | None) -> CRS:
    """The CRS the layers are written in: ``value`` checked, or EPSG:5186 when None.

    Raises
    ------
    InputError
        If ``value`` is not a CRS or not a two-dimensional map CRS (geographic or projected).
    """
    if value is None:
        return CRS.from_user_input(DEFAULT_EXPORT_CRS)
    try:
        crs = CRS.from_user_input(value)
    except CRSError:
        raise InputError(
            f"--crs {value!r} is not a CRS; use an EPSG code such as EPSG:5186 (the default) or EPSG:4326"
        ) from None
    io.checked_crs(crs, option="--crs")
    if not (crs.is_projected or crs.is_geographic) or len(crs.axis_info) != 2:
        raise InputError(
            f"--crs {value}: {crs.name} is not a two-dimensional map CRS; use a projected or geographic one, "
            "e.g. EPSG:5186"
        )
    return crs


def build_timestamp(inputs: Sequence[str | os.PathLike] = ()) -> tuple[datetime, str]:
    """The build date written into exports, and where it came from.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds convention) if set, else the
    modification time of the newest of ``inputs``, else the current time. Whole seconds, UTC.

    Raises
    ------
    InputError
        If ``SOURCE_DATE_EPOCH`` is set but is not a whole number of seconds.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            seconds = int(epoch)
        except ValueError:
            raise InputError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds; unset it or use e.g. 1700000000"
            ) from None
        return datetime.fromtimestamp(seconds, UTC), "SOURCE_DATE_EPOCH"
    existing = [Path(p) for p in inputs if Path(p).exists()]
    if existing:
        newest = max(existing, key=lambda p: p.stat().st_mtime)
        stamp = datetime.fromtimestamp(int(newest.stat().st_mtime), UTC)
        return stamp, f"modification time of the newest input ({newest.name})"
    return datetime.now(UTC).replace(microsecond=0), "time of export (no inputs named)"


def geopackage_tables(
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    points: gpd.GeoDataFrame | None = None,
    context: gpd.GeoDataFrame | None = None,
    crs: str | CRS | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> list[Table]:
    """The tables of the GeoPackage, in order, with their styles, titles and provenance (no I/O).

    Parameters
    ----------
    zones
        Zone parts as :func:`geo.load_zones` returns them, any CRS.
    audit
        :func:`geo.run_audit` of ``zones``; its per-feature areas are reused, not measured again.
    points, context
        Site-selection points and context boundaries; their layers are left out when None.
    crs
        CRS of the layers (default EPSG:5186). Areas are ellipsoidal (GRS80) whatever it is, with the planar
        EPSG:5186 area beside them.
    language
        One of :data:`geo.settings.LANGUAGES`: labels, legend entries and layer titles.

    Returns
    -------
    list of geo._gpkg.Table
    """
    _check_language(language)
    target = output_crs(crs)
    _warn_outside_area_of_use(target)
    if list(audit.zones["feature_id"]) != list(zones["feature_id"]):
        raise ValueError("the audit result does not belong to these zones; run geo.run_audit(zones, claims) first")
    unions = _zone_unions(zones)
    tables = [_zone_parts_table(zones, audit, target, language), _zones_table(zones, unions, target, language)]
    if audit.belt["members"]:
        tables.append(_belt_table(zones, unions, audit, target, language))
    else:
        log.info("no belt layer: no zone is in the belt (name them with --belt)")
    if context is not None:
        tables += _context_tables(context, target, language)
    if points is not None:
        tables.append(_points_table(points, target, language))
    tables += _audit_tables(audit, language)
    for table in tables:
        _check_projectable(table, target)
    return tables


def export_geopackage(
    path: str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    points: gpd.GeoDataFrame | None = None,
    context: gpd.GeoDataFrame | None = None,
    crs: str | CRS | None = None,
    language: str = DEFAULT_LANGUAGE,
    inputs: Sequence[str | os.PathLike] = (),
    timestamp: datetime | None = None,
) -> Path:
    """Write the styled, documented GeoPackage to ``path`` atomically and return the path.

    Parameters
    ----------
    path
        Target ``.gpkg``; replaced only once the new file is complete.
    zones, audit, points, context, crs, language
        As for :func:`geopackage_tables`.
    inputs
        Files the export was made from: never overwritten, and the newest one dates the build.
    timestamp
        The build date; by default :func:`build_timestamp` of ``inputs``.

    Raises
    ------
    OutputError
        If ``path`` is one of ``inputs``.
    InputError
        If ``crs`` or ``language`` is not usable.
    """
    path = Path(path)
    inputs = tuple(Path(p) for p in inputs)
    io.refuse_overwriting_inputs(path, inputs)
    stamp, stamp_source = (timestamp, "given by the caller") if timestamp is not None else build_timestamp(inputs)
    tables = geopackage_tables(zones, audit, points=points, context=context, crs=crs, language=language)
    metadata = _dataset_metadata(
        zones, audit, tables, crs=output_crs(crs), language=language, inputs=inputs, stamp=stamp, source=stamp_source
    )
    with io.atomic_path(path, inputs=inputs) as temporary:
        try:
            write_geopackage(
                temporary,
                tables,
                timestamp=stamp,
                metadata=metadata,
                style_description=f"triangle-belt {report.tool_version()}, labels in {language}",
            )
        finally:
            _remove_sidecars(temporary)
    log.info(
        "exported %d tables to %s (CRS %s, labels in %s)", len(tables), path, output_crs(crs).to_string(), language
    )
    return path


def export_geojson(
    path: str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    inputs: Sequence[str | os.PathLike] = (),
    **_: object,
) -> Path:
    """Write the zone parts with their areas as RFC 7946 GeoJSON (EPSG:4326, 6 decimals), atomically.

    Properties use the JSON report's names (``area_m2``, ``area_pyeong``, ``area_m2_epsg5186``, …), areas
    in m² on the GRS80 ellipsoid unless the name says EPSG:5186. Schematic geometry is said in each feature's
    ``geometry_quality`` and in the file's ``description``.
    """
    import pyogrio

    frame = _zone_attributes(zones, audit, short_names=False)
    frame = gpd.GeoDataFrame(frame, geometry=zones.geometry.to_crs(GEOGRAPHIC_CRS).values, crs=GEOGRAPHIC_CRS)
    options = {
        "RFC7946": "YES",
        "COORDINATE_PRECISION": str(COORDINATE_DECIMALS),
        "DESCRIPTION": _geojson_description(zones),
    }
    with io.atomic_path(path, inputs=tuple(Path(p) for p in inputs)) as temporary:
        pyogrio.write_dataframe(frame, temporary, layer="zone_parts", driver="GeoJSON", layer_options=options)
    return Path(path)


def export_zone_areas(
    path: str | os.PathLike, zones: gpd.GeoDataFrame, audit: AuditResult, *, inputs: Sequence = (), **_: object
) -> Path:
    """Write the zone areas table as CSV with a UTF-8 BOM (opens in Excel with Hangul and Kana), atomically."""
    return io.write_text(path, report.to_csv(audit, table="zones"), inputs=tuple(Path(p) for p in inputs))


#: Export format by file suffix (``export --out``).
EXPORTERS: Final[dict[str, Callable[..., Path]]] = {
    ".gpkg": export_geopackage,
    ".geojson": export_geojson,
    ".csv": export_zone_areas,
}


def export(
    path: str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    crs: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    points: gpd.GeoDataFrame | None = None,
    context: gpd.GeoDataFrame | None = None,
    inputs: Sequence[str | os.PathLike] = (),
) -> Path:
    """Write ``path`` in the format its suffix names (:data:`EXPORTERS`).

    Raises
    ------
    InputError
        For an unknown suffix, or a ``crs`` other than EPSG:4326 for GeoJSON (RFC 7946 allows no other).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORTERS:
        raise InputError(
            f"--out {path.name}: unknown format {suffix or '(no suffix)'}; end it in {', '.join(EXPORTERS)}"
        )
    if suffix != ".gpkg" and crs is not None and output_crs(crs) != CRS.from_user_input(GEOGRAPHIC_CRS):
        kind = "GeoJSON, always EPSG:4326 (RFC 7946)" if suffix == ".geojson" else "a table without geometry"
        raise InputError(f"--crs {crs}: {path.name} is {kind}; drop --crs or write a .gpkg")
    if suffix == ".gpkg":
        return export_geopackage(
            path, zones, audit, points=points, context=context, crs=crs, language=language, inputs=inputs
        )
    return EXPORTERS[suffix](path, zones, audit, inputs=inputs)


# --- tables -------------------------------------------------------------------------------------------------


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise InputError(f"--lang {language!r} is not supported; use one of {', '.join(LANGUAGES)}")


def _renamed(frame: pd.DataFrame, fields: Mapping[str, tuple[str, str]]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Keep the columns of ``fields`` that ``frame`` has, in that order, under their short names; and titles."""
    present = [c for c in fields if c in frame.columns]
    renamed = frame[present].rename(columns={c: fields[c][0] for c in present})
    return renamed, {fields[c][0]: fields[c][1] for c in present}


def _zone_attributes(zones: gpd.GeoDataFrame, audit: AuditResult, *, short_names: bool) -> pd.DataFrame:
    """The audit's per-feature areas with the zones' provenance columns, aligned to ``zones``."""
    extra = [c for c in ZONE_FIELDS if c in zones.columns and c not in audit.zones.columns and c != "geometry"]
    table = pd.concat([audit.zones.reset_index(drop=True), zones[extra].reset_index(drop=True)], axis=1)
    table = table[[c for c in ZONE_FIELDS if c in table.columns]]
    return _renamed(table, ZONE_FIELDS)[0] if short_names else table


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
        label = style.role_label(role, language)
        if all_schematic:
            label = f"{label} ({SCHEMATIC_SUFFIX[language]})"
        color = style.role_color(role)
        categories.append(_qml.Category(role, label, _qml.Symbol(color, style.OPERATING_FILL_OPACITY, all_schematic)))
        fills[role] = (
            f"CASE WHEN \"status\" = 'planned' THEN {_qml.color_expression(color, style.PLANNED_FILL_OPACITY)} "
            f"ELSE {_qml.color_expression(color, style.OPERATING_FILL_OPACITY)} END"
        )
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


def _title(name: str, language: str, *, schematic: bool) -> str:
    title = TABLE_TITLES[name][language]
    return f"{title} ({SCHEMATIC_SUFFIX[language]})" if schematic else title


def _description(name: str, *, schematic: bool) -> str:
    text = TABLE_DESCRIPTIONS[name]
    if schematic:
        text += " " + " / ".join(style.SCHEMATIC_LABEL[lang] for lang in LANGUAGES) + "."
    return text


def _zone_parts_table(zones: gpd.GeoDataFrame, audit: AuditResult, crs: CRS, language: str) -> Table:
    attributes = _zone_attributes(zones, audit, short_names=True)
    titles = {ZONE_FIELDS[long][0]: title for long, (_, title) in ZONE_FIELDS.items()}
    titles = {c: titles[c] for c in attributes.columns}
    frame = gpd.GeoDataFrame(attributes, geometry=zones.geometry.to_crs(crs).values, crs=crs)
    schematic = bool((frame["quality"] == SCHEMATIC).all())
    return Table(
        name="zone_parts",
        frame=frame,
        identifier=_title("zone_parts", language, schematic=schematic),
        description=_description("zone_parts", schematic=schematic),
        titles=titles,
        qml=_qml.to_qml(_zone_style(frame, language, titles=titles)),
        metadata=_sources(zones, ("boundary_source", "seed_source", "official_area_source", "role_source")),
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


def _zone_unions(zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per ``zone_id`` (in order of appearance), the union of all its parts and of its in-belt parts (None if
    it has none), EPSG:4326."""
    lonlat = zones.to_crs(GEOGRAPHIC_CRS)
    rows = {}
    for zone_id, group in lonlat.groupby("zone_id", sort=False):
        geometries = np.asarray(group.geometry.values)
        in_belt = group["in_belt"].astype(bool).to_numpy()
        union = _union(geometries)
        belt = union if in_belt.all() else (_union(geometries[in_belt]) if in_belt.any() else None)
        rows[zone_id] = {"union": union, "in_belt_union": belt}
    return pd.DataFrame.from_dict(rows, orient="index")


def _zones_table(zones: gpd.GeoDataFrame, unions: pd.DataFrame, crs: CRS, language: str) -> Table:
    """The parts dissolved by ``zone_id``: first names, role and status; in_belt if any part is; summed areas."""
    groups = zones.groupby("zone_id", sort=False)
    first = groups[["zone_id", "name_ko", "name_en", "name_ja", "role", "status"]].first()
    official = groups["official_area_m2"].agg(lambda s: s.sum() if s.notna().all() else np.nan)
    attributes = pd.DataFrame(
        {
            **{c: first[c].to_numpy() for c in first.columns},
            "in_belt": groups["in_belt"].any().to_numpy(),
            "parts": groups.size().to_numpy().astype("int32"),
            "geometry_quality": groups["geometry_quality"].agg(_common_value).to_numpy(),
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
    renamed, titles = _renamed(attributes, ZONE_FIELDS)
    frame = gpd.GeoDataFrame(renamed, geometry=geometry.to_crs(crs).values, crs=crs)
    schematic = bool((frame["quality"] == SCHEMATIC).all())
    return Table(
        name="zones",
        frame=frame,
        identifier=_title("zones", language, schematic=schematic),
        description=_description("zones", schematic=schematic),
        titles=titles,
        qml=_qml.to_qml(_zone_style(frame, language, titles=titles)),
        metadata=_sources(zones, ("boundary_source", "official_area_source")),
    )


def _common_value(values: pd.Series) -> str:
    unique = values.dropna().unique()
    return str(unique[0]) if len(unique) == 1 else "mixed"


def _belt_table(zones: gpd.GeoDataFrame, unions: pd.DataFrame, audit: AuditResult, crs: CRS, language: str) -> Table:
    """The union of the in-belt features and the triangle between the in-belt zones' representative points.

    Representative points are taken in EPSG:4326 (a point inside each zone's in-belt parts), as the HTML maps
    take them, so the triangle is theirs whatever the output CRS. With more than three in-belt zones it is
    their convex hull; with fewer than three there is no triangle.
    """
    belt = audit.belt
    schematic_quality = SCHEMATIC if belt["schematic"] else _common_value(zones["geometry_quality"])
    rows = [
        {
            "kind": "union",
            "name": BELT_NAMES["union"][language],
            "members": ", ".join(belt["members"]),
            "geometry_quality": schematic_quality,
            "official_area_m2": belt["official_sum_m2"] if belt["official_sum_m2"] is not None else np.nan,
            "note": "overlaps counted once",
        }
    ]
    in_belt = unions["in_belt_union"].dropna()
    # The same set as geo.audit.belt_geometry(zones), from the zones' unions instead of every part again.
    shapes = [_union(in_belt.to_numpy()) if len(in_belt) else shapely.Polygon()]
    corners = gpd.GeoSeries(in_belt.to_numpy(), index=in_belt.index, crs=GEOGRAPHIC_CRS).representative_point()
    if len(corners) >= 3:
        rows.append(
            {
                "kind": "triangle",
                "name": BELT_NAMES["triangle"][language],
                "members": ", ".join(corners.index),
                "geometry_quality": "derived",
                "official_area_m2": np.nan,
                "note": "between representative points of the in-belt zones; for orientation, not an area",
            }
        )
        hull = shapely.convex_hull(shapely.multipoints(np.asarray(corners.values)))
        shapes.append(hull)
    else:
        log.info("no belt triangle: %d in-belt zones (it needs 3)", len(corners))
    geometry = gpd.GeoSeries(shapes, crs=GEOGRAPHIC_CRS)
    attributes = pd.concat([pd.DataFrame(rows), _union_area_table(geometry).reset_index(drop=True)], axis=1)
    renamed, titles = _renamed(attributes, BELT_FIELDS)
    frame = gpd.GeoDataFrame(renamed, geometry=geometry.to_crs(crs).values, crs=crs)
    schematic = belt["schematic"]
    belt_symbol = _qml.Symbol(style.BELT_COLOR, BELT_FILL_OPACITY, dashed=schematic)
    triangle_symbol = _qml.Symbol(style.BELT_COLOR, TRIANGLE_FILL_OPACITY, dashed=True, filled=False)
    legend = f"{BELT_NAMES['union'][language]}" + (f" ({SCHEMATIC_SUFFIX[language]})" if schematic else "")
    layer_style = _qml.LayerStyle(
        geometry="polygon",
        symbol=belt_symbol,
        category_field="kind",
        categories=(
            _qml.Category("union", legend, belt_symbol),
            _qml.Category("triangle", BELT_NAMES["triangle"][language], triangle_symbol),
        ),
        label_field=None,
        dash_expression=BELT_DASH_EXPRESSION,
        aliases=titles,
    )
    return Table(
        name="belt",
        frame=frame,
        identifier=_title("belt", language, schematic=schematic),
        description=_description("belt", schematic=schematic),
        titles=titles,
        qml=_qml.to_qml(layer_style),
        metadata={"members": list(belt["members"]), "official_sum_m2": belt["official_sum_m2"]},
    )


def _context_tables(context: gpd.GeoDataFrame, crs: CRS, language: str) -> list[Table]:
    tables = []
    areas = context[context["kind"] != "border"]
    border = context[context["kind"] == "border"]
    for name, part, geometry in (("context_areas", areas, "polygon"), ("context_border", border, "line")):
        if part.empty:
            continue
        renamed, titles = _renamed(pd.DataFrame(part.drop(columns="geometry")), CONTEXT_FIELDS)
        frame = gpd.GeoDataFrame(renamed.reset_index(drop=True), geometry=part.geometry.to_crs(crs).values, crs=crs)
        layer_style = _qml.LayerStyle(
            geometry=geometry,
            symbol=_qml.Symbol(style.CONTEXT_COLOR, 0.0, filled=False),
            label_field="name_ko" if geometry == "polygon" else None,
            aliases=titles,
        )
        tables.append(
            Table(
                name=name,
                frame=frame,
                identifier=_title(name, language, schematic=False),
                description=TABLE_DESCRIPTIONS[name] + " Names are Korean only (as NGII publishes them).",
                titles=titles,
                qml=_qml.to_qml(layer_style),
                metadata=_sources(part, ("source",)),
            )
        )
    return tables


def _points_table(points: gpd.GeoDataFrame, crs: CRS, language: str) -> Table:
    renamed, titles = _renamed(pd.DataFrame(points.drop(columns="geometry")), POINT_FIELDS)
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
        description=TABLE_DESCRIPTIONS["site_points"],
        titles=titles,
        qml=_qml.to_qml(layer_style),
        metadata=_sources(points, ("source",)),
    )


def _audit_tables(audit: AuditResult, language: str) -> list[Table]:
    zones, zone_titles = _renamed(audit.zones.reset_index(drop=True), ZONE_FIELDS)
    claims = audit.claims.reset_index(drop=True).copy()
    claims["within_tolerance"] = claims["within_tolerance"].astype("boolean")
    claims, claim_titles = _renamed(claims, CLAIM_FIELDS)
    return [
        Table(
            name="audit_zones",
            frame=zones,
            identifier=_title("audit_zones", language, schematic=False),
            description=TABLE_DESCRIPTIONS["audit_zones"],
            titles=zone_titles,
        ),
        Table(
            name="audit_claims",
            frame=claims,
            identifier=_title("audit_claims", language, schematic=False),
            description=TABLE_DESCRIPTIONS["audit_claims"] + f" Tolerance ±{audit.tolerance * 100:g} %.",
            titles=claim_titles,
            metadata={"tolerance": audit.tolerance, "passed": audit.passed, "sources": sorted(set(claims["url"]))}
            if "url" in claims
            else {"tolerance": audit.tolerance, "passed": audit.passed},
        ),
    ]


def _warn_outside_area_of_use(crs: CRS) -> None:
    """Log a warning if ``crs`` is not meant for Korea (it still works; distances and shapes will be off)."""
    area = crs.area_of_use
    if area is None:
        return
    lon_min, lat_min, lon_max, lat_max = KOREA_BOUNDS_LONLAT
    if area.east < lon_min or area.west > lon_max or area.north < lat_min or area.south > lat_max:
        log.warning("%s (%s) is not meant for Korea (its area of use is %s)", crs.to_string(), crs.name, area.name)


def _check_projectable(table: Table, crs: CRS) -> None:
    if not table.spatial or table.frame.empty:
        return
    bounds = np.asarray(table.frame.total_bounds)
    if not np.isfinite(bounds).all():
        raise InputError(
            f"--crs {crs.to_string()}: the {table.name} layer cannot be projected to it (coordinates become "
            "infinite); pick a CRS that covers Korea, e.g. EPSG:5186"
        )


# --- provenance -----------------------------------------------------------------------------------------------


def _sources(frame: pd.DataFrame, columns: Sequence[str]) -> dict[str, list[str]]:
    """The distinct non-empty values of each source column, sorted."""
    return {
        column: sorted({str(v) for v in frame[column].dropna() if str(v).strip()})
        for column in columns
        if column in frame.columns
    }


def _dataset_metadata(
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    tables: Sequence[Table],
    *,
    crs: CRS,
    language: str,
    inputs: Sequence[Path],
    stamp: datetime,
    source: str,
) -> dict[str, object]:
    schematic = bool((zones["geometry_quality"] == SCHEMATIC).any())
    context_sources = sorted({s for t in tables if t.name.startswith("context") for s in t.metadata.get("source", [])})
    return {
        "title": "Gwangju future-vehicle triangle belt: zones, belt and area audit",
        "tool": "triangle-belt",
        "version": report.tool_version(),
        "build_date": stamp.strftime(TIMESTAMP_FORMAT),
        "build_date_from": source,
        "inputs": [p.name for p in inputs],
        "crs": crs.to_string(),
        "areas": "area_m2, area_ha, area_km2, area_py: ellipsoidal, GRS80 with geodesic edges; area5186: planar "
        "EPSG:5186; 1 pyeong = 400/121 m²",
        "language": language,
        "geometry": "schematic" if schematic else "supplied",
        "schematic_statement": {lang: style.SCHEMATIC_LABEL[lang] for lang in LANGUAGES} if schematic else None,
        "attribution": context_sources,
        "sources": _sources(zones, ("boundary_source", "official_area_source", "seed_source", "role_source")),
        "audit": {
            "tolerance": audit.tolerance,
            "passed": audit.passed,
            "belt_area_m2": audit.belt["area_m2"],
            "belt_official_sum_m2": audit.belt["official_sum_m2"],
        },
        "tables": {t.name: t.identifier for t in tables},
    }


def _geojson_description(zones: gpd.GeoDataFrame) -> str:
    text = (
        "Gwangju future-vehicle triangle belt, zone parts. Areas in m² on the GRS80 ellipsoid (geodesic edges) "
        "unless named epsg5186 (planar EPSG:5186); 1 pyeong = 400/121 m²."
    )
    if (zones["geometry_quality"] == SCHEMATIC).any():
        text += " " + style.SCHEMATIC_LABEL["en"] + "."
    return text


def _remove_sidecars(path: Path) -> None:
    """SQLite's journal files beside a temporary GeoPackage, left behind only if writing failed."""
    for suffix in ("-journal", "-wal", "-shm"):
        sidecar = path.with_name(path.name + suffix)
        if sidecar.exists():
            sidecar.unlink()
