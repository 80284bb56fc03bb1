"""Matching official features to our zones by name and overlap, and the report of every decision."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _format
from .._errors import InputError
from ..area import area_m2
from ..settings import GEOGRAPHIC_CRS, PLANAR_CRS
from ._common import as_text, polygonal, summary
from ._constants import (
    COMPLEX_PART_MAX_GAP_KM,
    ID_FIELDS,
    MAX_LISTED,
    NAME_FIELDS,
    NAME_SUPPORT_MIN_SHARE,
    NAMESAKE_DISTANCE_KM,
    OFFICIAL_LAYER,
    OVERLAP_MATCH_MIN_SHARE,
    TYPE_FIELDS,
)
from .match_file import Overrides
from .names import (
    NameMatch,
    Recognition,
    complex_name,
    find_field,
    name_match,
    normalise_name,
    part_qualifiers,
    recognise,
)

log = logging.getLogger(__name__)


# Matching


class MatchMethod(StrEnum):
    """Which signal decided a match."""

    OVERRIDE = "override"
    NAME_AND_OVERLAP = "name and overlap"
    NAME = "name"
    OVERLAP = "overlap"


@dataclass(frozen=True)
class Evidence:
    """What links one official feature to one of our zones.

    Attributes
    ----------
    official_id, official_name : str
        The official feature's id (text) and name as published.
    zone_id, zone_name : str
        Our zone's id and Korean name.
    name_match : NameMatch
        How the normalised names relate.
    overlap_m2 : float
        Area in m² (GRS80, geodesic) of our outline inside the official feature.
    overlap_share : float
        ``overlap_m2`` as a share (0–1) of our zone's area.
    distance_km : float
        Distance in km between our outline and the official feature (EPSG:5186; 0 where they touch).
    complex_id : str
        The complex the feature is a part of (the first official id of its parts; its own id when whole).
    """

    official_id: str
    official_name: str
    zone_id: str
    zone_name: str
    name_match: NameMatch
    overlap_m2: float
    overlap_share: float
    distance_km: float = 0.0
    complex_id: str = ""

    def summary(self) -> str:
        """``007 진곡일반산업단지 (name exact, covers 93.1 % of our outline)``, or ``…, 212.4 km away)``."""
        share = f"{_format.number(self.overlap_share * 100, 1)} %"
        where = f"covers {share} of our outline"
        if self.overlap_m2 <= 0 and self.distance_km > 0:
            where = f"{_format.number(self.distance_km, 1)} km from our outline"
        return f"{self.official_id} {self.official_name} (name {self.name_match.value}, {where})"


@dataclass(frozen=True)
class Candidate:
    """One complex that may be one of our zones: one official feature, or the parts of a complex split in the
    layer (the same name with part qualifiers, near one another), with their evidence taken together."""

    parts: tuple[Evidence, ...]

    @property
    def official_ids(self) -> tuple[str, ...]:
        return tuple(e.official_id for e in self.parts)

    @property
    def name_match(self) -> NameMatch:
        found = {e.name_match for e in self.parts}
        return next((m for m in (NameMatch.EXACT, NameMatch.PARTIAL) if m in found), NameMatch.NONE)

    @property
    def overlap_m2(self) -> float:
        return float(sum(e.overlap_m2 for e in self.parts))

    @property
    def overlap_share(self) -> float:
        return float(sum(e.overlap_share for e in self.parts))

    @property
    def distance_km(self) -> float:
        return float(min(e.distance_km for e in self.parts))


@dataclass(frozen=True)
class Namesake:
    """An official feature with one of our zones' names far from it: reported, never matched."""

    evidence: Evidence

    @property
    def reason(self) -> str:
        return (
            f"has the name of zone {self.evidence.zone_id} but lies {_format.number(self.evidence.distance_km, 1)} km "
            f"from it (more than {NAMESAKE_DISTANCE_KM:g} km) and shares none of its ground: another complex"
        )


@dataclass(frozen=True)
class Match:
    """An official feature taken as one of our zones, with the evidence and the signal that decided it."""

    evidence: Evidence
    method: MatchMethod
    source: str = ""

    @property
    def official_id(self) -> str:
        return self.evidence.official_id

    @property
    def zone_id(self) -> str:
        return self.evidence.zone_id


@dataclass(frozen=True)
class Ambiguity:
    """One of our zones with several candidates and no way to choose; ``reason`` says why."""

    zone_id: str
    zone_name: str
    candidates: tuple[Evidence, ...]
    reason: str


@dataclass(frozen=True)
class MatchReport:
    """The outcome of :func:`match_zones`.

    Attributes
    ----------
    recognition : Recognition
        Which fields of the official layer were read.
    matches : tuple of Match
        Every official feature taken as one of our zones (a zone may take several, by overrides only).
    ambiguities : tuple of Ambiguity
        Zones with several candidates.
    unmatched : tuple of str
        Our zone ids with no candidate (ambiguous ones are not repeated here).
    unmatched_official : tuple of str
        Official ids not taken as any zone of ours; :func:`official_zones` keeps them under their own ids.
    zone_names : dict
        Our zone id → Korean name, for the lines.
    namesakes : tuple of Namesake
        Official features with one of our zones' names, far from it: not taken (they stay under their own ids).
    features : GeoDataFrame or None
        The layer's features as matched (:func:`official_features`: one row per id), so that
        :func:`official_zones` builds the zones from them without reading the layer again.
    """

    recognition: Recognition
    matches: tuple[Match, ...]
    ambiguities: tuple[Ambiguity, ...]
    unmatched: tuple[str, ...]
    unmatched_official: tuple[str, ...]
    zone_names: Mapping[str, str]
    namesakes: tuple[Namesake, ...] = ()
    features: gpd.GeoDataFrame | None = field(default=None, repr=False, compare=False)

    def zone_of(self, official_id: str) -> str | None:
        """Our zone id an official feature was matched to, or None."""
        return next((m.zone_id for m in self.matches if m.official_id == official_id), None)

    def official_ids(self, zone_id: str) -> tuple[str, ...]:
        """The official ids matched to one of our zones (usually one; none when unmatched or ambiguous)."""
        return tuple(m.official_id for m in self.matches if m.zone_id == zone_id)

    def frame(self) -> pd.DataFrame:
        """One row per match, per candidate of an ambiguity and per unmatched zone.

        Columns: ``outcome`` (``matched``, ``ambiguous``, ``namesake``, ``unmatched``), ``zone_id``,
        ``zone_name``, ``official_id``, ``official_name``, ``name_match``, ``overlap_m2`` (m², GRS80),
        ``overlap_share`` (0–1 of our zone's area), ``distance_km`` (EPSG:5186), ``method`` and ``note`` (the
        override's file and row, the parts of a split complex, or why a candidate was not taken).
        """
        rows = [
            {"outcome": "matched", **_evidence_row(m.evidence), "method": m.method.value, "note": m.source}
            for m in self.matches
        ]
        for ambiguity in self.ambiguities:
            rows += [
                {"outcome": "ambiguous", **_evidence_row(c), "method": "", "note": ambiguity.reason}
                for c in ambiguity.candidates
            ]
        rows += [
            {"outcome": "namesake", **_evidence_row(n.evidence), "method": "", "note": n.reason} for n in self.namesakes
        ]
        rows += [
            {
                "outcome": "unmatched",
                "zone_id": z,
                "zone_name": self.zone_names.get(z, ""),
                "method": "",
                "note": f"no official feature has its name or covers {OVERLAP_MATCH_MIN_SHARE:.0%} of its outline",
            }
            for z in self.unmatched
        ]
        return pd.DataFrame(rows, columns=list(MATCH_TABLE_COLUMNS))

    def lines(self) -> list[str]:
        """Human-readable one-liners: what was recognised, each match, ambiguity and unmatched zone."""
        lines = [self.recognition.description]
        for m in self.matches:
            how = f"by {m.method.value}" + (f" ({m.source})" if m.source else "")
            line = f"matched zone {m.zone_id} to official {m.evidence.summary()}, {how}"
            if m.method is not MatchMethod.OVERRIDE and m.evidence.overlap_share < NAME_SUPPORT_MIN_SHARE:
                line += "; the outlines barely overlap, check it is the same complex"
            lines.append(line)
        for a in self.ambiguities:
            listed = "; ".join(c.summary() for c in a.candidates[:MAX_LISTED])
            more = len(a.candidates) - MAX_LISTED
            lines.append(
                f"ambiguous: zone {a.zone_id} ({a.zone_name}): {a.reason}: {listed}"
                + (f"; and {more} more" if more > 0 else "")
                + "; choose one with --match FILE (a CSV row dan_id,zone_id)"
            )
        for namesake in self.namesakes:
            lines.append(f"namesake: official {namesake.evidence.summary()} {namesake.reason}; not matched")
        for zone_id in self.unmatched:
            lines.append(
                f"unmatched: zone {zone_id} ({self.zone_names.get(zone_id, '')}): no official feature has its name "
                f"or covers {OVERLAP_MATCH_MIN_SHARE:.0%} of its outline (name one with --match FILE)"
            )
        if self.unmatched_official:
            listed = ", ".join(self.unmatched_official[:MAX_LISTED])
            more = len(self.unmatched_official) - MAX_LISTED
            lines.append(
                f"kept {len(self.unmatched_official):,} other official features under their own ids, not in the "
                f"belt: {listed}" + (f" and {more:,} more" if more > 0 else "")
            )
        return lines


def _evidence_row(evidence: Evidence) -> dict:
    return {
        "zone_id": evidence.zone_id,
        "zone_name": evidence.zone_name,
        "official_id": evidence.official_id,
        "official_name": evidence.official_name,
        "name_match": evidence.name_match.value,
        "overlap_m2": evidence.overlap_m2,
        "overlap_share": evidence.overlap_share,
        "distance_km": evidence.distance_km,
    }


#: Columns of :meth:`MatchReport.frame`, the match table of the reports.
MATCH_TABLE_COLUMNS: Final = (
    "outcome", "zone_id", "zone_name", "official_id", "official_name", "name_match", "overlap_m2", "overlap_share",
    "distance_km", "method", "note",
)  # fmt: skip


def match_zones(
    official: gpd.GeoDataFrame,
    ours: gpd.GeoDataFrame,
    *,
    overrides: Mapping[str, str] | None = None,
    source: str = OFFICIAL_LAYER,
) -> MatchReport:
    """Match official features to our zone ids by normalised name and by overlap with our outlines.

    Parameters
    ----------
    official
        The official layer as read, in any CRS (reprojected to EPSG:4326); see :func:`recognise`. Features
        sharing an id are one complex (their geometries are merged). Invalid geometry is repaired with
        ``make_valid`` (keeping its polygonal part) and logged: the official layer is not the user's to fix.
    ours
        Our zones as :func:`geo.load_zones` returns them (parts of one zone are taken together).
    overrides
        Official id → our zone id, winning over names and overlaps (:func:`read_match_file`). A zone named
        here takes exactly the official features named for it, and those features no other zone.
    source
        Name of the official layer in messages (its file name).

    Returns
    -------
    MatchReport
        Matches with their evidence, ambiguities and unmatched zones. Overlaps are areas on GRS80 (geodesic
        edges, :func:`geo.area.area_m2`) of the intersection in EPSG:4326, never planar degrees.

    Raises
    ------
    InputError
        When the layer is not recognised, or an override names an official id or zone id that does not exist.
    """
    recognition = _recognised(official, source)
    features = official_features(official, recognition, source)
    zones = _our_zones(ours)
    overrides = _checked_overrides(overrides, features, zones, source)

    evidence = _evidence(features, zones)
    namesakes = [
        Namesake(e)
        for e in evidence.values()
        if e.name_match is not NameMatch.NONE and e.overlap_m2 <= 0 and e.distance_km > NAMESAKE_DISTANCE_KM
    ]
    far = {(n.evidence.official_id, n.evidence.zone_id) for n in namesakes}
    evidence = {key: e for key, e in evidence.items() if key not in far}
    matches: list[Match] = []
    for official_id, zone_id in overrides.items():
        found = evidence.get((official_id, zone_id)) or _no_evidence(features, zones, official_id, zone_id)
        matches.append(Match(found, MatchMethod.OVERRIDE, overrides.where(official_id)))
    chosen_zones = set(overrides.values())
    taken = set(overrides)

    picks: dict[str, tuple[Candidate, MatchMethod]] = {}
    ambiguities: list[Ambiguity] = []
    unmatched: list[str] = []
    for zone_id in zones.index:
        if zone_id in chosen_zones:
            continue
        candidates = _candidates([e for (o, z), e in evidence.items() if z == zone_id and o not in taken])
        outcome = _decide(candidates)
        if isinstance(outcome, Ambiguity):
            ambiguities.append(outcome)
        elif outcome is None:
            unmatched.append(str(zone_id))
        else:
            picks[str(zone_id)] = outcome

    by_official: dict[str, list[str]] = {}
    for zone_id, (found, _) in picks.items():
        for official_id in found.official_ids:
            by_official.setdefault(official_id, []).append(zone_id)
    contested = {z for zone_ids in by_official.values() if len(zone_ids) > 1 for z in zone_ids}
    for zone_id, (found, method) in picks.items():
        if zone_id not in contested:
            split = _split_note(found)
            matches += [Match(part, method, split) for part in found.parts]
            continue
        rivals = sorted({z for o in found.official_ids for z in by_official[o]})
        ambiguities.append(
            Ambiguity(
                zone_id,
                found.parts[0].zone_name,
                found.parts,
                f"official {', '.join(found.official_ids)} is the best candidate of zones {', '.join(rivals)}",
            )
        )

    order = {zone_id: i for i, zone_id in enumerate(zones.index)}
    matches.sort(key=lambda m: (order.get(m.zone_id, len(order)), m.official_id))
    ambiguities.sort(key=lambda a: order.get(a.zone_id, len(order)))
    matched_ids = {m.official_id for m in matches}
    report = MatchReport(
        recognition=recognition,
        matches=tuple(matches),
        ambiguities=tuple(ambiguities),
        unmatched=tuple(unmatched),
        unmatched_official=tuple(i for i in features.index if i not in matched_ids),
        zone_names=dict(zones["name_ko"]),
        namesakes=tuple(
            sorted(namesakes, key=lambda n: (order.get(n.evidence.zone_id, len(order)), n.evidence.official_id))
        ),
        features=features,
    )
    for line in report.lines():
        log.info("%s", line)
    return report


def _candidates(evidence: list[Evidence]) -> list[Candidate]:
    """One candidate per complex: the evidence of a zone grouped by the complex each feature is a part of."""
    grouped: dict[str, list[Evidence]] = {}
    for e in evidence:
        grouped.setdefault(e.complex_id or e.official_id, []).append(e)
    return [Candidate(tuple(sorted(parts, key=lambda e: e.official_id))) for parts in grouped.values()]


def _split_note(candidate: Candidate) -> str:
    """For a complex split in the layer: which features were taken together, and why."""
    if len(candidate.parts) == 1:
        return ""
    listed = ", ".join(f"{e.official_id} ({e.official_name})" for e in candidate.parts)
    return f"one complex in {len(candidate.parts)} features of the layer (its name with part qualifiers): {listed}"


def _decide(candidates: list[Candidate]) -> tuple[Candidate, MatchMethod] | Ambiguity | None:
    """The candidate the module docstring's rules pick, an Ambiguity, or None when there is none."""
    if not candidates:
        return None
    zone_id, zone_name = candidates[0].parts[0].zone_id, candidates[0].parts[0].zone_name
    both = [c for c in candidates if c.name_match is not NameMatch.NONE and c.overlap_share >= NAME_SUPPORT_MIN_SHARE]
    if both:
        exact = [c for c in both if c.name_match is NameMatch.EXACT]
        pool = exact or both
        if len(pool) == 1:
            return pool[0], MatchMethod.NAME_AND_OVERLAP
        # Several features with its very name on its ground: taking one would drop the others silently.
        covering = [c for c in pool if c.overlap_share > OVERLAP_MATCH_MIN_SHARE]
        if len(covering) == 1 and not exact:
            return covering[0], MatchMethod.NAME_AND_OVERLAP
        return Ambiguity(zone_id, zone_name, _ranked(pool), "several official features have its name and overlap it")
    by_name = [c for c in candidates if c.name_match is NameMatch.EXACT]
    by_overlap = [c for c in candidates if c.overlap_share >= OVERLAP_MATCH_MIN_SHARE]
    single = list({id(c): c for c in by_name + by_overlap}.values())
    if len(single) == 1:
        return single[0], (MatchMethod.NAME if by_name else MatchMethod.OVERLAP)
    if not single:
        return None
    if by_name and by_overlap:
        reason = "its name points at one official feature and its outline at another"
    elif by_name:
        reason = f"several official features have its name and none covers {NAME_SUPPORT_MIN_SHARE:.0%} of its outline"
    else:
        reason = "several official features cover its outline, none has its name"
    return Ambiguity(zone_id, zone_name, _ranked(single), reason)


def _ranked(candidates: list[Candidate]) -> tuple[Evidence, ...]:
    ranked = sorted(candidates, key=lambda c: (-c.overlap_share, c.distance_km, c.official_ids))
    return tuple(e for c in ranked for e in c.parts)


def _evidence(features: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> dict[tuple[str, str], Evidence]:
    """Evidence for every (official id, zone id) pair related by name or by a non-zero overlap."""
    names = {zone_id: frozenset(zone["names"]) for zone_id, zone in zones.iterrows()}
    relation: dict[tuple[str, str], NameMatch] = {}
    for official_id, normalised in features["normalised"].items():
        for zone_id, ours in names.items():
            found = name_match(normalised, ours)
            if found is not NameMatch.NONE:
                relation[(official_id, zone_id)] = found
    overlap = _overlaps_m2(features, zones)
    pairs = sorted(set(relation) | set(overlap), key=str)
    distance = _distances_km(features, zones, pairs)
    result = {}
    for official_id, zone_id in pairs:
        shared = overlap.get((official_id, zone_id), 0.0)
        result[(official_id, zone_id)] = Evidence(
            official_id=official_id,
            official_name=features.at[official_id, "official_name"],
            zone_id=zone_id,
            zone_name=zones.at[zone_id, "name_ko"],
            name_match=relation.get((official_id, zone_id), NameMatch.NONE),
            overlap_m2=shared,
            overlap_share=shared / zones.at[zone_id, "area_m2"] if zones.at[zone_id, "area_m2"] > 0 else 0.0,
            distance_km=0.0 if shared > 0 else distance[(official_id, zone_id)],
            complex_id=features.at[official_id, "complex_id"],
        )
    return result


def _distances_km(
    features: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, pairs: list[tuple[str, str]]
) -> dict[tuple[str, str], float]:
    """Distance in km (EPSG:5186, planar: within 0.1 % over Korea) between each (official id, zone id) pair."""
    if not pairs:
        return {}
    official = features.geometry.to_crs(PLANAR_CRS)
    ours = zones.geometry.to_crs(PLANAR_CRS)
    a = np.asarray([official.at[o] for o, _ in pairs], dtype=object)
    b = np.asarray([ours.at[z] for _, z in pairs], dtype=object)
    metres = shapely.distance(a, b)
    return {pair: float(d) / 1000.0 for pair, d in zip(pairs, metres, strict=True)}


def _overlaps_m2(features: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> dict[tuple[str, str], float]:
    """(official id, zone id) → area in m² (GRS80) of the intersection, for pairs that share ground."""
    official_geoms = np.asarray(features.geometry.values)
    zone_geoms = np.asarray(zones.geometry.values)
    zone_index, official_index = shapely.STRtree(official_geoms).query(zone_geoms, predicate="intersects")
    if len(zone_index) == 0:
        return {}
    shared = shapely.intersection(zone_geoms[zone_index], official_geoms[official_index])
    areas = area_m2(gpd.GeoSeries(shared, crs=GEOGRAPHIC_CRS)).to_numpy()
    return {
        (features.index[o], zones.index[z]): float(a)
        for z, o, a in zip(zone_index, official_index, areas, strict=True)
        if a > 0
    }


def _no_evidence(features: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, official_id: str, zone_id: str) -> Evidence:
    return Evidence(
        official_id=official_id,
        official_name=features.at[official_id, "official_name"],
        zone_id=zone_id,
        zone_name=zones.at[zone_id, "name_ko"],
        name_match=name_match(features.at[official_id, "normalised"], frozenset(zones.at[zone_id, "names"])),
        overlap_m2=0.0,
        overlap_share=0.0,
    )


def _checked_overrides(
    overrides: Mapping[str, str] | None, features: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, source: str
) -> Overrides:
    if not overrides:
        return Overrides({})
    if not isinstance(overrides, Overrides):
        overrides = Overrides({as_text(k): str(v).strip() for k, v in overrides.items()})
    problems = []
    for official_id, zone_id in overrides.items():
        where = overrides.where(official_id)
        if official_id not in features.index:
            hint = [i for i in features.index if i.lstrip("0") == official_id.lstrip("0")]
            tail = f" (did leading zeros get lost? it has {hint[0]!r})" if hint else ""
            problems.append(
                f"{where}: dan_id {official_id!r} is not in {source}{tail}; copy the id from the official layer"
            )
        if zone_id not in zones.index:
            problems.append(
                f"{where}: zone_id {zone_id!r} is not one of our zones; use one of {', '.join(map(str, zones.index))}"
            )
    if problems:
        raise InputError(problems[0] if len(problems) == 1 else summary(overrides.source, problems))
    return overrides


def _recognised(official: gpd.GeoDataFrame, source: str) -> Recognition:
    recognition = recognise(official)
    if recognition is None:
        fields = ", ".join(str(c) for c in official.columns if c != official.geometry.name) or "none"
        lacking = [f[0] for f in (ID_FIELDS, NAME_FIELDS) if find_field(official, f) is None]
        raise InputError(
            f"{source}: is not the national industrial-complex boundary layer ({OFFICIAL_LAYER}): it has no "
            f"{' or '.join(lacking)} field (its fields are: {fields}); fetch {OFFICIAL_LAYER}, or pass --id-field "
            "and --name-field to read it as ordinary zones"
        )
    return recognition


def official_features(official: gpd.GeoDataFrame, recognition: Recognition, source: str) -> gpd.GeoDataFrame:
    """One row per official id (text), indexed by it: ``official_name``, ``normalised``, geometry in EPSG:4326."""
    if official.crs is None:
        raise InputError(f"{source}: has no CRS; pass --assume-crs with the CRS it was made in, e.g. EPSG:5186")
    ids = [as_text(value) for value in official[recognition.id_field]]
    missing = [i + 1 for i, value in enumerate(ids) if value is None]
    if missing:
        numbers = ", ".join(map(str, missing[:MAX_LISTED])) + (" …" if len(missing) > MAX_LISTED else "")
        raise InputError(
            f"{source}: features {numbers} have no {recognition.id_field}; fetch {OFFICIAL_LAYER} again or delete them"
        )
    geoms = np.asarray(official.geometry.to_crs(GEOGRAPHIC_CRS).values, dtype=object)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        log.warning(
            "%s: left out %d features without geometry (%s)",
            source,
            empty.sum(),
            ", ".join(str(ids[i]) for i in np.flatnonzero(empty)[:MAX_LISTED]),
        )
    geoms = _valid(geoms, ids, source)
    names = ["" if as_text(n) is None else str(n).strip() for n in official[recognition.name_field]]
    type_field = find_field(official, TYPE_FIELDS)
    types = [as_text(t) or "" for t in official[type_field]] if type_field else [""] * len(official)
    frame = gpd.GeoDataFrame(
        {"official_id": ids, "official_name": names, "official_type": types}, geometry=list(geoms), crs=GEOGRAPHIC_CRS
    )
    frame = frame[~empty]
    if frame["official_id"].duplicated().any():
        repeated = frame.loc[frame["official_id"].duplicated(), "official_id"].unique()
        log.info("%s: %d ids have several features; each id is taken as one complex", source, len(repeated))
    # One row per id: most ids have one record, taken as they are; only the repeated ones are merged.
    repeated = frame["official_id"].duplicated(keep=False).to_numpy()
    single = frame[~repeated].set_index("official_id")
    if repeated.any():
        grouped = frame[repeated].groupby("official_id", sort=False)
        merged_rows = gpd.GeoDataFrame(
            {
                "official_name": grouped["official_name"].agg(lambda s: " / ".join(dict.fromkeys(n for n in s if n))),
                "official_type": grouped["official_type"].agg(lambda s: " / ".join(dict.fromkeys(t for t in s if t))),
            },
            geometry=[shapely.union_all(np.asarray(g.geometry.values)) for _, g in grouped],
            crs=GEOGRAPHIC_CRS,
        )
        single = pd.concat([single, merged_rows])
        single = single.loc[list(dict.fromkeys(frame["official_id"]))]  # the layer's order
    merged = gpd.GeoDataFrame(single, geometry="geometry", crs=GEOGRAPHIC_CRS)
    merged.index.name = "official_id"
    merged["normalised"] = [normalise_name(n.split(" / ")[0]) for n in merged["official_name"]]
    merged["complex_id"] = _complex_ids(merged)
    return merged


def _complex_ids(features: gpd.GeoDataFrame) -> list[str]:
    """Each feature's complex: features whose names differ only by part qualifiers (``(광주)``, ``2단계``…), at
    least one of them qualified, within :data:`COMPLEX_PART_MAX_GAP_KM` of one another (directly or through
    other parts), are one complex, named by its first official id; every other feature is its own."""
    ids = list(features.index)
    complex_of = {official_id: official_id for official_id in ids}
    # Parts of one complex share their normalised name: only features whose name repeats are looked at.
    repeated = features["normalised"].duplicated(keep=False).to_numpy() & features["normalised"].astype(bool).to_numpy()
    names = {p: str(features["official_name"].iloc[p]).split(" / ")[0] for p in np.flatnonzero(repeated)}
    qualified = {p: bool(part_qualifiers(name)) for p, name in names.items()}
    groups: dict[str, list[int]] = {}
    for position, name in names.items():
        key = complex_name(name)
        if key:
            groups.setdefault(key, []).append(position)
    planar = None
    for members in groups.values():
        if len(members) < 2 or not any(qualified[m] for m in members):
            continue
        if planar is None:
            planar = np.asarray(features.geometry.to_crs(PLANAR_CRS).values, dtype=object)
        # Link members closer than the gap (single linkage), then name each cluster by its first id.
        cluster = {m: m for m in members}
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                if shapely.distance(planar[first], planar[second]) <= COMPLEX_PART_MAX_GAP_KM * 1000:
                    cluster[_root(cluster, second)] = _root(cluster, first)
        clusters: dict[int, list[int]] = {}
        for m in members:
            clusters.setdefault(_root(cluster, m), []).append(m)
        for parts in clusters.values():
            if len(parts) > 1 and any(qualified[m] for m in parts):
                for m in parts:
                    complex_of[ids[m]] = ids[min(parts)]
    return [complex_of[i] for i in ids]


def _root(cluster: dict[int, int], member: int) -> int:
    while cluster[member] != member:
        member = cluster[member]
    return member


def _valid(geoms: np.ndarray, ids: list[str | None], source: str) -> np.ndarray:
    """Polygonal, valid geometries: a collection keeps its polygonal members, invalid ones are repaired."""
    kinds = shapely.get_type_id(geoms)
    mixed = (kinds >= 0) & ~np.isin(kinds, (3, 6)) & ~shapely.is_empty(geoms)  # not Polygon or MultiPolygon
    for i in np.flatnonzero(mixed):
        kind = geoms[i].geom_type
        geoms[i] = polygonal(geoms[i])
        members = len(shapely.get_parts(geoms[i])) if not geoms[i].is_empty else 0
        log.warning(
            "%s feature %s: a %s; kept its %d polygonal member(s), left out the rest", source, ids[i], kind, members
        )
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    for i in np.flatnonzero(invalid):
        reason = shapely.is_valid_reason(geoms[i])
        geoms[i] = polygonal(shapely.make_valid(geoms[i]))
        log.warning("%s feature %s: repaired invalid geometry (%s) with make_valid", source, ids[i], reason)
    return geoms


def _our_zones(ours: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Our zones, one row per zone id in file order: ``name_ko``, ``names`` (normalised), ``area_m2``, geometry."""
    ours = ours.to_crs(GEOGRAPHIC_CRS)
    rows = []
    for zone_id, group in ours.groupby("zone_id", sort=False):
        rows.append(
            {
                "zone_id": str(zone_id),
                "name_ko": zone_name(group, "name_ko"),
                "names": sorted({normalise_name(n) for n in group["name_ko"]} - {""}),
                "geometry": shapely.union_all(np.asarray(group.geometry.values)),
            }
        )
    zones = gpd.GeoDataFrame(rows, geometry="geometry", crs=GEOGRAPHIC_CRS).set_index("zone_id")
    zones["area_m2"] = area_m2(zones)
    return zones


def zone_name(parts: pd.DataFrame, column: str) -> str:
    """The name of a zone: its only row's, or the first part's without its parenthesised tail (``(광주 구역)``)."""
    first = str(parts[column].iloc[0])
    if len(parts) == 1:
        return first
    return re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", first) or first


# ---------------------------------------------------------------------------------------------------------
