"""Official zones in our schema, with parts derived by clipping along administrative boundaries."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _format
from .._errors import InputError
from ..area import area_m2
from ..io import prepare_zones
from ..schema import ZONE_INPUT_DEFAULTS, Status
from ..settings import GEOGRAPHIC_CRS
from ._common import polygonal
from ._constants import (
    MAX_LISTED,
    OFFICIAL_LAYER,
    OFFICIAL_QUALITY,
    PART_QUALIFIERS,
    PARTITION_REL_TOLERANCE,
    WHOLE_METHOD,
)
from .matching import MatchReport, official_features, zone_name
from .names import part_qualifiers

log = logging.getLogger(__name__)


# Administrative units and parts


@dataclass(frozen=True)
class AdministrativeUnit:
    """An administrative area the context layer (:func:`geo.load_context`) gives.

    Attributes
    ----------
    description : str
        How ``geometry_method`` names it (``the NGII Gwangju Metropolitan City boundary``).
    kind : str
        The context features it is made of: ``border`` (lines: the area they enclose, holes filled) or a
        polygon kind (``legal_dong``, ``ri``: the union of the polygons).
    code : str
        Administrative code: the border's code, or the prefix of the polygons' codes (``29200`` = 광산구).
    """

    description: str
    kind: str
    code: str


@dataclass(frozen=True)
class PartRule:
    """How a zone part is cut out of an official feature: inside or outside an administrative unit.

    Attributes
    ----------
    unit : str
        Key in the units registry (:data:`ADMINISTRATIVE_UNITS`).
    inside : bool
        True: the part is the feature ∩ unit; False: the feature minus the unit (its complement).
    """

    unit: str
    inside: bool


#: Administrative units by key. Gwangju: the NGII sido boundary of 광주광역시 (see the module docstring).
ADMINISTRATIVE_UNITS: Final[Mapping[str, AdministrativeUnit]] = {
    "gwangju": AdministrativeUnit("the NGII Gwangju Metropolitan City boundary", kind="border", code="29"),
}
#: Zone parts defined by an administrative unit, by part name (the ``part`` column of our zones). Bitgoeul:
#: the Gwangju part lies inside Gwangju Metropolitan City, the Hampyeong part (Jeonnam) outside it.
PART_RULES: Final[Mapping[str, PartRule]] = {
    "gwangju": PartRule("gwangju", inside=True),
    "hampyeong": PartRule("gwangju", inside=False),
}


def administrative_area(
    context: gpd.GeoDataFrame, unit: str, *, units: Mapping[str, AdministrativeUnit] = ADMINISTRATIVE_UNITS
) -> shapely.Geometry:
    """The polygon of an administrative unit, from the context layer.

    Parameters
    ----------
    context
        Context features (:func:`geo.load_context`) with ``kind`` and ``code``, in any CRS.
    unit
        Key in ``units``.
    units
        The units registry.

    Returns
    -------
    shapely.Geometry
        (Multi)polygon in EPSG:4326 degrees: for a ``border`` unit, the area its lines enclose with holes
        filled; otherwise the union of the unit's polygons.

    Raises
    ------
    InputError
        When ``unit`` is unknown or the context has none of its features.
    """
    if unit not in units:
        raise InputError(f"no administrative unit {unit!r}; known units: {', '.join(units)}")
    spec = units[unit]
    chosen = _unit_features(context, spec)
    geoms = np.asarray(chosen.geometry.values)
    if spec.kind == "border":
        lines = shapely.get_parts(shapely.union_all(shapely.get_parts(geoms)))  # noded, so faces close
        faces = shapely.polygonize(lines)
        area = shapely.union_all(shapely.get_parts(faces))
        if area.is_empty:
            raise InputError(f"the context's {spec.kind} {spec.code} encloses no area; use the bundled context")
        return area
    return polygonal(shapely.union_all(geoms))


def _unit_features(context: gpd.GeoDataFrame, spec: AdministrativeUnit) -> gpd.GeoDataFrame:
    """The context features an administrative unit is made of, in EPSG:4326."""
    context = context.to_crs(GEOGRAPHIC_CRS)
    codes = context["code"].astype(str)
    chosen = context[
        (context["kind"] == spec.kind)
        & (codes == spec.code if spec.kind == "border" else codes.str.startswith(spec.code))
    ]
    if chosen.empty:
        raise InputError(
            f"the context layer has no {spec.kind} feature with code {spec.code} for {spec.description}; "
            "use the bundled context (layers/context.geojson)"
        )
    return chosen


def _unit_attribution(context: gpd.GeoDataFrame, spec: AdministrativeUnit) -> str:
    """Where the unit's boundary comes from: the context's ``source`` of its features, or its description."""
    chosen = _unit_features(context, spec)
    if "source" not in chosen:
        return spec.description
    sources = dict.fromkeys(str(v) for v in chosen["source"] if isinstance(v, str) and v)
    return f"{spec.description}: {' / '.join(sources)}" if sources else spec.description


def official_zones(
    official: gpd.GeoDataFrame,
    report: MatchReport,
    *,
    context: gpd.GeoDataFrame,
    ours: gpd.GeoDataFrame,
    part_rules: Mapping[str, PartRule] = PART_RULES,
    units: Mapping[str, AdministrativeUnit] = ADMINISTRATIVE_UNITS,
    keep_planned: bool = False,
    source: str = OFFICIAL_LAYER,
) -> gpd.GeoDataFrame:
    """The zones to audit: official geometry under our zone ids, in the columns :func:`geo.load_zones` returns.

    Parameters
    ----------
    official
        The official layer :func:`match_zones` was given (any CRS).
    report
        Its match report.
    context
        Administrative context (:func:`geo.load_context`) for the part boundaries.
    ours
        Our zones (:func:`geo.load_zones`): ids, parts, names, roles, ``in_belt`` and official figures are
        taken from them.
    part_rules, units
        Which parts are cut out along which administrative boundary (:data:`PART_RULES`,
        :data:`ADMINISTRATIVE_UNITS`).
    keep_planned
        Keep our own outline (its ``geometry_quality``, often schematic) for an unmatched zone the layer cannot
        hold: a planned complex (``status`` planned), so the belt keeps that member and says it is partly
        schematic. An ambiguous zone, or an unmatched built one, never gets geometry: its claims are unchecked.
    source
        Name of the official layer in messages and in ``boundary_source``.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 (degrees; measure with :mod:`geo.area`), validated as :func:`geo.io.prepare_zones` does.
        A matched zone with one part: one row, our ``zone_id``/``part`` (so ``feature_id`` is ours),
        official geometry (the union when several official features were matched), ``geometry_quality =
        supplied``. A zone whose parts all have a rule: one row per part, the official feature cut along the
        unit's boundary, ``geometry_method`` saying so; an empty part is left out (logged). A zone with parts
        but no rule for each keeps the whole feature under the zone id, in the belt only if all its parts are
        (logged). A zone matched to the parts of a complex split in the layer whose part qualifiers name our
        parts (``(광주)`` → ``gwangju``, :data:`PART_QUALIFIERS`) takes each feature as that part. Every
        unmatched official feature: its own id, its name, not in the belt.

        ``attrs["stand_ins"]`` lists the planned zones kept with our outline; ``attrs["unresolved"]`` maps
        each zone of ours left without geometry to ``{"reason": "ambiguous" or "not_in_layer", "detail": …,
        "in_belt": …}``, so the audit leaves its claims (and the belt's, for a member) unchecked and says why.
    """
    features = (
        report.features if report.features is not None else official_features(official, report.recognition, source)
    )
    stray = sorted({m.official_id for m in report.matches} - set(features.index))
    if stray:
        raise InputError(
            f"the match report names official ids not in {source} ({', '.join(stray[:MAX_LISTED])}); "
            "match this layer again"
        )
    ours = ours.to_crs(GEOGRAPHIC_CRS)
    unknown = sorted({m.zone_id for m in report.matches} - set(ours["zone_id"]))
    if unknown:
        raise InputError(f"the match report names zones not in ours ({', '.join(unknown)}); match these zones again")
    columns = _output_columns(ours)
    areas: dict[str, tuple[shapely.Geometry, str]] = {}

    def unit_area(key: str) -> tuple[shapely.Geometry, str]:
        if key not in areas:
            if key not in units:
                raise InputError(f"a part rule names unit {key!r}, which is not one of: {', '.join(units)}")
            areas[key] = (administrative_area(context, key, units=units), _unit_attribution(context, units[key]))
        return areas[key]

    rows: list[dict] = []
    unresolved: dict[str, dict] = {}
    stand_ins: list[str] = []
    ambiguous = {a.zone_id: a.reason for a in report.ambiguities}
    matched_zones = list(dict.fromkeys(m.zone_id for m in report.matches))
    for zone_id in ours["zone_id"].drop_duplicates():
        parts = ours[ours["zone_id"] == zone_id]
        if zone_id not in matched_zones:
            planned = "status" in parts and (parts["status"] == Status.PLANNED).all()
            if keep_planned and planned and zone_id not in ambiguous:
                rows += [dict(row) for _, row in parts.iterrows()]
                stand_ins.append(zone_id)
                log.info(
                    "zone %s: planned, not in the layer; kept our %s outline",
                    zone_id,
                    parts["geometry_quality"].iloc[0],
                )
                continue
            in_belt = bool(parts["in_belt"].astype(bool).any())
            if zone_id in ambiguous:
                unresolved[zone_id] = {"reason": "ambiguous", "detail": ambiguous[zone_id], "in_belt": in_belt}
            else:
                detail = f"{source} has no feature with its name or covering its outline"
                unresolved[zone_id] = {"reason": "not_in_layer", "detail": detail, "in_belt": in_belt}
            continue
        ids = report.official_ids(zone_id)
        label = f"{source} {report.recognition.id_field} " + ", ".join(
            f"{i} ({features.at[i, 'official_name']})" for i in ids
        )
        by_part = _parts_by_qualifier(parts, ids, features)
        if by_part is not None:
            rows += [
                {
                    **dict(part),
                    **_layer_attributes(features, (by_part[str(part["part"])],)),
                    "geometry_quality": OFFICIAL_QUALITY,
                    "seed_source": "",
                    "boundary_source": label,
                    "geometry_method": f"{WHOLE_METHOD}, the layer's own part "
                    f"({by_part[str(part['part'])]} {features.at[by_part[str(part['part'])], 'official_name']})",
                    "geometry": features.at[by_part[str(part["part"])], "geometry"],
                }
                for _, part in parts.iterrows()
            ]
            continue
        geometry = shapely.union_all(np.asarray(features.loc[list(ids)].geometry.values))
        zone_rows = _zone_rows(parts, geometry, label, part_rules=part_rules, units=units, unit_area=unit_area)
        rows += [{**row, **_layer_attributes(features, ids)} for row in zone_rows]

    # Every other official feature under its own id, outside the belt: built column by column (a national layer
    # has thousands of them).
    others = features.loc[list(report.unmatched_official)]
    ids = pd.Series([str(i) for i in others.index], index=others.index, dtype=object)
    official_names = others["official_name"].astype(object)
    names = official_names.where(official_names.astype(bool), ids)
    other_rows = pd.DataFrame(
        {
            "zone_id": ids,
            "part": ids,
            "name_ko": names,
            "name_en": names,
            "name_ja": names,
            "in_belt": False,
            "geometry_quality": OFFICIAL_QUALITY,
            "geometry_method": f"{WHOLE_METHOD} (not matched to a zone of ours)",
            "boundary_source": f"{source} {report.recognition.id_field} " + ids,
            "official_id": ids,
            "official_name": official_names,
            "official_type": others["official_type"].astype(object),
            "geometry": others.geometry.values,
        }
    ).reset_index(drop=True)
    taken = set(ours["zone_id"])
    clashes = sorted(set(report.unmatched_official) & taken)
    if clashes:
        raise InputError(
            f"{source}: official ids {', '.join(clashes)} are also our zone ids; map them with --match FILE"
        )
    table = pd.concat([pd.DataFrame(rows), other_rows], ignore_index=True) if rows else other_rows
    frame = gpd.GeoDataFrame(table.reindex(columns=columns), geometry="geometry", crs=GEOGRAPHIC_CRS)
    for column in frame.columns.drop("geometry"):
        default = ZONE_INPUT_DEFAULTS.get(column, "")
        if not isinstance(default, float) and column != "official_area_m2":
            frame[column] = frame[column].where(frame[column].notna(), default)
    zones = prepare_zones(frame, source)
    zones.attrs["unresolved"] = unresolved
    zones.attrs["stand_ins"] = stand_ins
    return zones


def _layer_attributes(features: gpd.GeoDataFrame, ids: tuple[str, ...]) -> dict[str, str]:
    """The official layer's own attributes of the features a zone row was made from: ids, names, type."""
    return {
        "official_id": ", ".join(ids),
        "official_name": " / ".join(str(features.at[i, "official_name"]) for i in ids),
        "official_type": " / ".join(
            dict.fromkeys(str(features.at[i, "official_type"]) for i in ids if features.at[i, "official_type"])
        ),
    }


def _parts_by_qualifier(parts: gpd.GeoDataFrame, ids: tuple[str, ...], features: gpd.GeoDataFrame) -> dict | None:
    """Our part → official id, when the zone took one feature per part and each feature's part qualifier
    names that part (:data:`PART_QUALIFIERS`); None otherwise (the features are then taken together)."""
    names = [str(p) for p in parts["part"]]
    if len(ids) != len(names) or len(names) < 2:
        return None
    found = {}
    for official_id in ids:
        qualifiers = part_qualifiers(features.at[official_id, "official_name"].split(" / ")[0])
        mapped = {PART_QUALIFIERS[q] for q in qualifiers if q in PART_QUALIFIERS}
        if len(mapped) != 1:
            return None
        found[mapped.pop()] = official_id
    return found if set(found) == set(names) else None


def _zone_rows(
    parts: gpd.GeoDataFrame,
    geometry: shapely.Geometry,
    label: str,
    *,
    part_rules: Mapping[str, PartRule],
    units: Mapping[str, AdministrativeUnit],
    unit_area: Callable[[str], tuple[shapely.Geometry, str]],
) -> list[dict]:
    """Rows of one matched zone: the whole official geometry, or its parts cut along administrative units."""
    zone_id = parts["zone_id"].iloc[0]
    base = {"geometry_quality": OFFICIAL_QUALITY, "boundary_source": label, "seed_source": ""}
    if len(parts) == 1:
        row = dict(parts.iloc[0])
        return [{**row, **base, "geometry_method": f"{WHOLE_METHOD} ({label})", "geometry": geometry}]
    names = [str(p) for p in parts["part"]]
    unruled = [p for p in names if p not in part_rules]
    if unruled:
        in_belt = bool(parts["in_belt"].astype(bool).all())
        log.warning(
            "zone %s: parts %s have no administrative rule; the official feature is kept whole (in the belt: %s), "
            "so claims about its parts find no zone",
            zone_id,
            ", ".join(unruled),
            in_belt,
        )
        whole = dict(parts.iloc[0])
        official = pd.to_numeric(parts["official_area_m2"], errors="coerce")
        whole.update(
            part=zone_id,
            name_ko=zone_name(parts, "name_ko"),
            name_en=zone_name(parts, "name_en"),
            name_ja=zone_name(parts, "name_ja"),
            in_belt=in_belt,
            official_area_m2=official.sum() if official.notna().all() else np.nan,
            official_area_source="sum of the official figures of its parts" if official.notna().all() else "",
        )
        method = f"{WHOLE_METHOD} ({label}); its parts are not derived"
        return [{**whole, **base, "geometry_method": method, "geometry": geometry}]
    rows, pieces = [], []
    for _, part in parts.iterrows():
        rule = part_rules[str(part["part"])]
        area, attribution = unit_area(rule.unit)
        cut = shapely.intersection(geometry, area) if rule.inside else shapely.difference(geometry, area)
        cut = polygonal(cut)
        pieces.append(cut)
        how = "clipped by" if rule.inside else "minus the area within"
        method = f"official feature {how} {units[rule.unit].description} ({label})"
        if cut.is_empty:
            log.warning("zone %s part %s: empty once cut (%s); left out", zone_id, part["part"], method)
            continue
        boundary = f"{label}; part boundary: {attribution}"
        rows.append({**dict(part), **base, "boundary_source": boundary, "geometry_method": method, "geometry": cut})
    _check_partition(zone_id, geometry, pieces)
    return rows


def _check_partition(zone_id: str, whole: shapely.Geometry, pieces: list[shapely.Geometry]) -> None:
    series = gpd.GeoSeries([whole, *pieces], crs=GEOGRAPHIC_CRS)
    areas = area_m2(series).to_numpy()
    total, parts = areas[0], areas[1:].sum()
    if total > 0 and abs(parts - total) > PARTITION_REL_TOLERANCE * total:
        log.warning(
            "zone %s: its derived parts add up to %s m² but the official feature has %s m²; the part rules do "
            "not partition it",
            zone_id,
            _format.number(parts),
            _format.number(total),
        )


def _output_columns(ours: gpd.GeoDataFrame) -> list[str]:
    """Our zone file's columns in its order (``feature_id`` is recomputed), then any the zone schema adds."""
    columns = [c for c in ours.columns if c != "feature_id"]
    added = (*ZONE_INPUT_DEFAULTS, "boundary_source", "official_id", "official_name", "official_type")
    return columns + [c for c in added if c not in columns]
