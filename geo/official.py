"""Audit against the official boundaries: recognise the national industrial-complex boundary layer, match its
features to our zones and turn them into zones in the project's schema.

The official layer is VWorld ``LT_C_DAMDAN`` (단지경계, about 1,363 complexes), or the same data exported as a
shapefile (upper-case field names ``DAN_ID``, ``DAN_NAME``; any CRS). Four steps, all pure (nothing is written):

1. :func:`recognise` finds the id and name fields, in any case.
2. :func:`match_zones` pairs official features with our zone ids by two signals: the normalised name
   (:func:`normalise_name`) and the overlap with our outlines (the share of our zone's GRS80 area that the
   official feature covers). ``overrides`` (official id → zone id, from ``--match FILE``, read by
   :func:`read_match_file`) win over both. The :class:`MatchReport` lists every match with its evidence, every
   ambiguity and every zone of ours left unmatched.
3. :func:`official_zones` gives the zones to audit, in the columns :func:`geo.load_zones` returns: each
   matched official feature under our zone id (so ``claims.csv`` applies unchanged), parts defined by an
   administrative unit cut out of it along that unit's boundary (:data:`PART_RULES`,
   :data:`ADMINISTRATIVE_UNITS`), and every other official feature under its own id, outside the belt.

Matching
--------
Candidates of one of our zones, strongest first:

* *name and overlap*: the official name equals ours after normalisation (``exact``) or one contains the other
  (``partial``, both at least :data:`MIN_PARTIAL_NAME_LENGTH` characters), and the official feature covers at
  least :data:`NAME_SUPPORT_MIN_SHARE` of our outline. Exact beats partial; among several, the one covering
  more than :data:`OVERLAP_MATCH_MIN_SHARE` wins, otherwise the zone is ambiguous.
* *one signal*: an exact name alone (the outline may be anywhere; ours are schematic), or an overlap of at
  least :data:`OVERLAP_MATCH_MIN_SHARE` alone. One such candidate is a match; several (the signals point at
  different features, or namesakes) make the zone ambiguous.

An official feature that would match two of our zones is an ambiguity of both. Ambiguous and unmatched zones
get no official geometry; :func:`official_zones` can keep our outline for them (``keep_unmatched=True``).

The boundary of Gwangju
-----------------------
Bitgoeul straddles 광산구 (Gwangju Metropolitan City) and 함평군 (Jeonnam); its parts are defined by the
city boundary, so that is what cuts them: the polygon enclosed by the context's ``kind == "border"`` lines
(code ``29``, the NGII sido boundary of 광주광역시), with its holes filled. Its 328 holes (the largest
0.048 km², 0.26 km² in all) are gaps the generalisation left between the dongs it was dissolved from; a
Metropolitan City has no enclaves, and none lies in Bitgoeul. The union of the 광산구 legal dongs is not used:
it is one gu, not the city (221 km² of 499 km²), and NGII's generalised dongs overlap the Jeonnam ri along the
border (by 0.55 km² beyond the city boundary), so it would give Jeonnam ground to Gwangju. The Jeonnam part is
the official feature minus the city, not the ri, so the two parts partition the feature exactly.
"""

from __future__ import annotations

import csv
import io as _stdio
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _format
from ._errors import InputError, InputFileNotFoundError
from .area import area_m2
from .io import prepare_zones
from .schema import ZONE_INPUT_DEFAULTS, GeometryQuality
from .settings import GEOGRAPHIC_CRS

log = logging.getLogger(__name__)

#: The VWorld Data API name of the national industrial-complex boundary layer (단지경계).
OFFICIAL_LAYER: Final = "LT_C_DAMDAN"
#: Field names (lower case) that hold the complex id and name in that layer and its exports.
ID_FIELDS: Final = ("dan_id",)
NAME_FIELDS: Final = ("dan_name",)

#: Complex-type suffixes stripped by :func:`normalise_name`, longest first (spaces already removed).
NAME_SUFFIXES: Final = (
    "국가첨단산업단지",
    "도시첨단산업단지",
    "국가첨단산단",
    "도시첨단산단",
    "국가산업단지",
    "일반산업단지",
    "첨단산업단지",
    "국가산단",
    "일반산단",
    "첨단산단",
    "농공단지",
    "공업단지",
    "산업단지",
    "산단",
)
#: Characters removed from names besides white space: middle dots and dashes.
NAME_SEPARATORS: Final = "·ㆍ・‧-‐‑‒–—_"
#: Shortest normalised name that counts as contained in another (a partial match).
MIN_PARTIAL_NAME_LENGTH: Final = 2
#: Share (0–1) of our zone's area an official feature must cover to support a name match.
NAME_SUPPORT_MIN_SHARE: Final = 0.10
#: Share (0–1) of our zone's area an official feature must cover to match on overlap alone, and to win among
#: several name matches.
OVERLAP_MATCH_MIN_SHARE: Final = 0.50
#: Relative difference between the official feature and the sum of its derived parts above which the parts are
#: reported as not partitioning it.
PARTITION_REL_TOLERANCE: Final = 1e-6
#: Columns of the match CSV (``--match FILE``), matched case-insensitively.
MATCH_FILE_COLUMNS: Final = ("dan_id", "zone_id")
#: Encodings tried for the match CSV: UTF-8 (with or without BOM), then CP949 as Korean Excel saves it.
MATCH_FILE_ENCODINGS: Final = ("utf-8-sig", "cp949")
#: Quality of official geometry, whole or cut along an administrative boundary (``geometry_method`` says which).
OFFICIAL_QUALITY: Final = GeometryQuality.SUPPLIED.value
#: ``geometry_method`` of an official feature used as it is.
WHOLE_METHOD: Final = "official feature as supplied"
#: How many candidates or unmatched official ids one line of :meth:`MatchReport.lines` names.
MAX_LISTED: Final = 5

_PARENTHESISED: Final = re.compile(
    r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}|<[^<>]*>|〈[^〈〉]*〉|《[^《》]*》|「[^「」]*」"
)
_SPACE: Final = re.compile(r"\s+")


# ---------------------------------------------------------------------------------------------------------
# Recognising the layer


@dataclass(frozen=True)
class Recognition:
    """Which fields of a frame hold the official id and name.

    Attributes
    ----------
    id_field, name_field : str
        The field names as the frame spells them (``dan_id`` from VWorld, ``DAN_ID`` from a shapefile).
    count : int
        Number of features.
    layer : str
        The layer recognised, :data:`OFFICIAL_LAYER`.
    """

    id_field: str
    name_field: str
    count: int
    layer: str = OFFICIAL_LAYER

    @property
    def description(self) -> str:
        """One line saying what was recognised."""
        return (
            f"recognised the national industrial-complex boundary layer ({self.layer}): "
            f"id {self.id_field}, name {self.name_field}, {self.count:,} features"
        )


def recognise(frame: gpd.GeoDataFrame) -> Recognition | None:
    """Recognise the national industrial-complex boundary layer from its field names, in any case.

    Parameters
    ----------
    frame
        Features as read (any CRS; the geometry is not looked at).

    Returns
    -------
    Recognition or None
        The id and name fields as the frame spells them, or None when it lacks either.
    """
    id_field = _field(frame, ID_FIELDS)
    name_field = _field(frame, NAME_FIELDS)
    if id_field is None or name_field is None:
        return None
    return Recognition(id_field=id_field, name_field=name_field, count=len(frame))


def _field(frame: pd.DataFrame, candidates: tuple[str, ...]) -> str | None:
    """The column whose name is one of ``candidates`` in any case; an exact spelling first."""
    columns = [str(c) for c in frame.columns]
    for candidate in candidates:
        if candidate in columns:
            return candidate
        for column in columns:
            if column.casefold() == candidate:
                return column
    return None


# ---------------------------------------------------------------------------------------------------------
# Names


def normalise_name(text: object) -> str:
    """A complex name reduced to its stem, for matching.

    The rule, in order: NFKC normalisation (NFC composition, and full-width Latin letters, digits, brackets
    and the ideographic space to their ordinary forms); parenthesised parts removed (``(광주 구역)``,
    ``[2단계]``, ``「…」``…, nested ones too); white space and the separators of :data:`NAME_SEPARATORS`
    removed; Latin letters case-folded; then one complex-type suffix of :data:`NAME_SUFFIXES` stripped from the
    end (국가산업단지, 국가산단, 국가첨단산업단지, 일반산업단지, 일반산단, 산업단지, 산단, …), keeping the stem. So
    ``빛그린 국가산업단지 (광주 구역)``, ``빛그린국가산단`` and ``빛그린 산단`` all become ``빛그린``. The type is
    dropped on purpose (sources mix 국가산단 and 국가산업단지); two complexes whose names differ only in their
    type collide, and then the overlap decides or the report lists an ambiguity. A name that is only a suffix
    keeps it; None, NaN and empty text give ``""``.

    Parameters
    ----------
    text
        The name as published (any object; it is converted with ``str``).

    Returns
    -------
    str
        The normalised stem.
    """
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return ""
    name = unicodedata.normalize("NFKC", str(text))
    previous = None
    while previous != name:
        previous, name = name, _PARENTHESISED.sub("", name)
    name = _SPACE.sub("", name)
    name = name.translate({ord(c): None for c in NAME_SEPARATORS}).casefold()
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


class NameMatch(StrEnum):
    """How an official name relates to ours once both are normalised."""

    EXACT = "exact"
    PARTIAL = "partial"
    NONE = "none"


def _name_match(official: str, ours: frozenset[str]) -> NameMatch:
    if not official:
        return NameMatch.NONE
    if official in ours:
        return NameMatch.EXACT
    for name in ours:
        shorter = min(len(name), len(official))
        if shorter >= MIN_PARTIAL_NAME_LENGTH and (name in official or official in name):
            return NameMatch.PARTIAL
    return NameMatch.NONE


# ---------------------------------------------------------------------------------------------------------
# The match file


class Overrides(Mapping[str, str]):
    """Official id → our zone id, chosen by the user, with where each pair was written.

    Parameters
    ----------
    pairs
        Official id (text) → zone id.
    source
        Name of the file they come from, for messages.
    rows
        Official id → row number in that file (the header is row 1).
    """

    def __init__(self, pairs: Mapping[str, str], *, source: str = "--match", rows: Mapping[str, int] | None = None):
        self._pairs = dict(pairs)
        self.source = source
        self._rows = dict(rows or {})

    def __getitem__(self, key: str) -> str:
        return self._pairs[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __repr__(self) -> str:
        return f"Overrides({self._pairs!r}, source={self.source!r})"

    def where(self, official_id: str) -> str:
        """``match.csv row 3`` for the pair of ``official_id``, or the source alone."""
        row = self._rows.get(official_id)
        return f"{self.source} row {row}" if row is not None else self.source


def read_match_file(path: str | os.PathLike) -> Overrides:
    """Read a ``--match`` CSV of official ids and our zone ids, every value as text.

    Parameters
    ----------
    path
        CSV with the header ``dan_id,zone_id`` (any case; other columns, such as a note, are ignored), UTF-8
        with or without BOM, or CP949. Ids keep their leading zeros (``007`` stays ``007``).

    Returns
    -------
    Overrides
        Official id → zone id, remembering the row of each.

    Raises
    ------
    InputError
        On one line, naming the file, the row and the fix: a missing file or column, an empty id, an official
        id given twice with different zones, text that is not CSV.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileNotFoundError(f"{path}: no such file; check the path given to --match")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; --match needs a CSV file with the columns dan_id,zone_id")
    rows = _csv_rows(path)
    if not rows:
        raise InputError(f"{path.name}: is empty; write the header dan_id,zone_id and one row per official feature")
    header = [cell.strip().casefold() for cell in rows[0]]
    missing = [column for column in MATCH_FILE_COLUMNS if column not in header]
    if missing:
        found = ",".join(cell.strip() for cell in rows[0]) or "nothing"
        raise InputError(
            f"{path.name}: no column {' or '.join(missing)} (the header is {found}); make the first row dan_id,zone_id"
        )
    id_at, zone_at = (header.index(column) for column in MATCH_FILE_COLUMNS)
    pairs: dict[str, str] = {}
    where: dict[str, int] = {}
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(f"row {number} has {len(row)} fields but the header {len(header)}; quote text with commas")
            continue
        official_id = row[id_at].strip() if id_at < len(row) else ""
        zone_id = row[zone_at].strip() if zone_at < len(row) else ""
        if not official_id:
            problems.append(f"row {number}: dan_id is empty; write the official id or delete the row")
            continue
        if not zone_id:
            problems.append(f"row {number}: zone_id is empty for dan_id {official_id!r}; write our zone id")
            continue
        if official_id in pairs and pairs[official_id] != zone_id:
            problems.append(
                f"rows {where[official_id]} and {number}: dan_id {official_id!r} is given zones "
                f"{pairs[official_id]!r} and {zone_id!r}; keep one row per official id"
            )
            continue
        pairs.setdefault(official_id, zone_id)
        where.setdefault(official_id, number)
    if problems:
        raise InputError(f"{path.name} " + problems[0] if len(problems) == 1 else _summary(path.name, problems))
    if not pairs:
        raise InputError(f"{path.name}: has a header but no rows; add one row dan_id,zone_id per official feature")
    log.info("read %d official id → zone id pairs from %s", len(pairs), path.name)
    return Overrides(pairs, source=path.name, rows=where)


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in MATCH_FILE_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != MATCH_FILE_ENCODINGS[0]:
            log.info("%s is not UTF-8; read it as %s", path.name, encoding)
        break
    else:
        raise InputError(f"{path.name}: is neither UTF-8 nor CP949 text; save it as UTF-8 CSV")
    try:
        return [row for row in csv.reader(_stdio.StringIO(text, newline=""))]
    except csv.Error as error:
        raise InputError(f"{path.name}: is not a CSV table ({error}); save it as UTF-8 CSV") from None


def _summary(source: str, problems: list[str]) -> str:
    listed = "; ".join(problems[:MAX_LISTED])
    more = len(problems) - MAX_LISTED
    return f"{source}: {len(problems)} problems: {listed}" + (f"; and {more} more" if more > 0 else "")


# ---------------------------------------------------------------------------------------------------------
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
    """

    official_id: str
    official_name: str
    zone_id: str
    zone_name: str
    name_match: NameMatch
    overlap_m2: float
    overlap_share: float

    def summary(self) -> str:
        """``007 진곡일반산업단지 (name exact, covers 93.1 % of our outline)``."""
        share = f"{_format.number(self.overlap_share * 100, 1)} %"
        return f"{self.official_id} {self.official_name} (name {self.name_match.value}, covers {share} of our outline)"


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
    """

    recognition: Recognition
    matches: tuple[Match, ...]
    ambiguities: tuple[Ambiguity, ...]
    unmatched: tuple[str, ...]
    unmatched_official: tuple[str, ...]
    zone_names: Mapping[str, str]

    def zone_of(self, official_id: str) -> str | None:
        """Our zone id an official feature was matched to, or None."""
        return next((m.zone_id for m in self.matches if m.official_id == official_id), None)

    def official_ids(self, zone_id: str) -> tuple[str, ...]:
        """The official ids matched to one of our zones (usually one; none when unmatched or ambiguous)."""
        return tuple(m.official_id for m in self.matches if m.zone_id == zone_id)

    def frame(self) -> pd.DataFrame:
        """One row per match, per candidate of an ambiguity and per unmatched zone.

        Columns: ``outcome`` (``matched``, ``ambiguous``, ``unmatched``), ``zone_id``, ``zone_name``,
        ``official_id``, ``official_name``, ``name_match``, ``overlap_m2`` (m², GRS80), ``overlap_share``
        (0–1 of our zone's area), ``method`` and ``note`` (the override's file and row, or why ambiguous).
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
            {"outcome": "unmatched", "zone_id": z, "zone_name": self.zone_names.get(z, ""), "method": "", "note": ""}
            for z in self.unmatched
        ]
        columns = [
            "outcome", "zone_id", "zone_name", "official_id", "official_name", "name_match", "overlap_m2",
            "overlap_share", "method", "note",
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=columns)

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
        for zone_id in self.unmatched:
            lines.append(
                f"unmatched: zone {zone_id} ({self.zone_names.get(zone_id, '')}): no official feature has its name "
                f"or covers {OVERLAP_MATCH_MIN_SHARE:.0%} of its outline; claims about it find no official zone "
                "(name one with --match FILE)"
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
    }


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
    features = _official_features(official, recognition, source)
    zones = _our_zones(ours)
    overrides = _checked_overrides(overrides, features, zones, source)

    evidence = _evidence(features, zones)
    matches: list[Match] = []
    for official_id, zone_id in overrides.items():
        found = evidence.get((official_id, zone_id)) or _no_evidence(features, zones, official_id, zone_id)
        matches.append(Match(found, MatchMethod.OVERRIDE, overrides.where(official_id)))
    chosen_zones = set(overrides.values())
    taken = set(overrides)

    picks: dict[str, tuple[Evidence, MatchMethod]] = {}
    ambiguities: list[Ambiguity] = []
    unmatched: list[str] = []
    for zone_id in zones.index:
        if zone_id in chosen_zones:
            continue
        candidates = [e for (o, z), e in evidence.items() if z == zone_id and o not in taken]
        outcome = _decide(candidates)
        if isinstance(outcome, Ambiguity):
            ambiguities.append(outcome)
        elif outcome is None:
            unmatched.append(str(zone_id))
        else:
            picks[str(zone_id)] = outcome

    by_official: dict[str, list[str]] = {}
    for zone_id, (found, _) in picks.items():
        by_official.setdefault(found.official_id, []).append(zone_id)
    for official_id, zone_ids in by_official.items():
        if len(zone_ids) == 1:
            found, method = picks[zone_ids[0]]
            matches.append(Match(found, method))
            continue
        for zone_id in zone_ids:
            found, _ = picks[zone_id]
            ambiguities.append(
                Ambiguity(
                    zone_id,
                    found.zone_name,
                    (found,),
                    f"official {official_id} is the best candidate of zones {', '.join(zone_ids)}",
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
    )
    for line in report.lines():
        log.info("%s", line)
    return report


def _decide(candidates: list[Evidence]) -> tuple[Evidence, MatchMethod] | Ambiguity | None:
    """The candidate the module docstring's rules pick, an Ambiguity, or None when there is none."""
    if not candidates:
        return None
    zone_id, zone_name = candidates[0].zone_id, candidates[0].zone_name
    both = [c for c in candidates if c.name_match is not NameMatch.NONE and c.overlap_share >= NAME_SUPPORT_MIN_SHARE]
    if both:
        exact = [c for c in both if c.name_match is NameMatch.EXACT]
        pool = exact or both
        if len(pool) == 1:
            return pool[0], MatchMethod.NAME_AND_OVERLAP
        covering = [c for c in pool if c.overlap_share > OVERLAP_MATCH_MIN_SHARE]
        if len(covering) == 1:
            return covering[0], MatchMethod.NAME_AND_OVERLAP
        return Ambiguity(zone_id, zone_name, _ranked(pool), "several official features have its name and overlap it")
    by_name = [c for c in candidates if c.name_match is NameMatch.EXACT]
    by_overlap = [c for c in candidates if c.overlap_share >= OVERLAP_MATCH_MIN_SHARE]
    single = by_name + by_overlap
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


def _ranked(candidates: list[Evidence]) -> tuple[Evidence, ...]:
    return tuple(sorted(candidates, key=lambda c: (-c.overlap_share, c.official_id)))


def _evidence(features: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> dict[tuple[str, str], Evidence]:
    """Evidence for every (official id, zone id) pair related by name or by a non-zero overlap."""
    names = {zone_id: frozenset(zone["names"]) for zone_id, zone in zones.iterrows()}
    relation: dict[tuple[str, str], NameMatch] = {}
    for official_id, normalised in features["normalised"].items():
        for zone_id, ours in names.items():
            found = _name_match(normalised, ours)
            if found is not NameMatch.NONE:
                relation[(official_id, zone_id)] = found
    overlap = _overlaps_m2(features, zones)
    result = {}
    for official_id, zone_id in sorted(set(relation) | set(overlap), key=str):
        shared = overlap.get((official_id, zone_id), 0.0)
        result[(official_id, zone_id)] = Evidence(
            official_id=official_id,
            official_name=features.at[official_id, "official_name"],
            zone_id=zone_id,
            zone_name=zones.at[zone_id, "name_ko"],
            name_match=relation.get((official_id, zone_id), NameMatch.NONE),
            overlap_m2=shared,
            overlap_share=shared / zones.at[zone_id, "area_m2"] if zones.at[zone_id, "area_m2"] > 0 else 0.0,
        )
    return result


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
        name_match=_name_match(features.at[official_id, "normalised"], frozenset(zones.at[zone_id, "names"])),
        overlap_m2=0.0,
        overlap_share=0.0,
    )


def _checked_overrides(
    overrides: Mapping[str, str] | None, features: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, source: str
) -> Overrides:
    if not overrides:
        return Overrides({})
    if not isinstance(overrides, Overrides):
        overrides = Overrides({_as_text(k): str(v).strip() for k, v in overrides.items()})
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
        raise InputError(problems[0] if len(problems) == 1 else _summary(overrides.source, problems))
    return overrides


def _recognised(official: gpd.GeoDataFrame, source: str) -> Recognition:
    recognition = recognise(official)
    if recognition is None:
        fields = ", ".join(str(c) for c in official.columns if c != official.geometry.name) or "none"
        lacking = [f[0] for f in (ID_FIELDS, NAME_FIELDS) if _field(official, f) is None]
        raise InputError(
            f"{source}: is not the national industrial-complex boundary layer ({OFFICIAL_LAYER}): it has no "
            f"{' or '.join(lacking)} field (its fields are: {fields}); fetch {OFFICIAL_LAYER}, or pass --id-field "
            "and --name-field to read it as ordinary zones"
        )
    return recognition


def _official_features(official: gpd.GeoDataFrame, recognition: Recognition, source: str) -> gpd.GeoDataFrame:
    """One row per official id (text), indexed by it: ``official_name``, ``normalised``, geometry in EPSG:4326."""
    if official.crs is None:
        raise InputError(f"{source}: has no CRS; pass --assume-crs with the CRS it was made in, e.g. EPSG:5186")
    ids = [_as_text(value) for value in official[recognition.id_field]]
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
    names = ["" if _as_text(n) is None else str(n).strip() for n in official[recognition.name_field]]
    frame = gpd.GeoDataFrame({"official_id": ids, "official_name": names}, geometry=list(geoms), crs=GEOGRAPHIC_CRS)
    frame = frame[~empty]
    if frame["official_id"].duplicated().any():
        repeated = frame.loc[frame["official_id"].duplicated(), "official_id"].unique()
        log.info("%s: %d ids have several features; each id is taken as one complex", source, len(repeated))
    grouped = frame.groupby("official_id", sort=False)
    merged = gpd.GeoDataFrame(
        {"official_name": grouped["official_name"].agg(lambda s: " / ".join(dict.fromkeys(n for n in s if n)))},
        geometry=[shapely.union_all(np.asarray(g.geometry.values)) for _, g in grouped],
        crs=GEOGRAPHIC_CRS,
    )
    merged.index.name = "official_id"
    merged["normalised"] = [normalise_name(n.split(" / ")[0]) for n in merged["official_name"]]
    return merged


def _valid(geoms: np.ndarray, ids: list[str | None], source: str) -> np.ndarray:
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    for i in np.flatnonzero(invalid):
        reason = shapely.is_valid_reason(geoms[i])
        geoms[i] = _polygonal(shapely.make_valid(geoms[i]))
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
                "name_ko": _zone_name(group, "name_ko"),
                "names": sorted({normalise_name(n) for n in group["name_ko"]} - {""}),
                "geometry": shapely.union_all(np.asarray(group.geometry.values)),
            }
        )
    zones = gpd.GeoDataFrame(rows, geometry="geometry", crs=GEOGRAPHIC_CRS).set_index("zone_id")
    zones["area_m2"] = area_m2(zones)
    return zones


def _zone_name(parts: pd.DataFrame, column: str) -> str:
    """The name of a zone: its only row's, or the first part's without its parenthesised tail (``(광주 구역)``)."""
    first = str(parts[column].iloc[0])
    if len(parts) == 1:
        return first
    return re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", first) or first


# ---------------------------------------------------------------------------------------------------------
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
    return _polygonal(shapely.union_all(geoms))


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
    keep_unmatched: bool = False,
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
    keep_unmatched
        Keep our own outlines (their ``geometry_quality``, often schematic) for zones with no official match,
        so the belt still has every member; by default they are left out and their claims find no zone.
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
        (logged). Every unmatched official feature: its own id, its name, not in the belt.
    """
    features = _official_features(official, report.recognition, source)
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
    matched_zones = list(dict.fromkeys(m.zone_id for m in report.matches))
    for zone_id in ours["zone_id"].drop_duplicates():
        parts = ours[ours["zone_id"] == zone_id]
        if zone_id not in matched_zones:
            if keep_unmatched:
                rows += [dict(row) for _, row in parts.iterrows()]
                log.info("zone %s: no official match; kept our %s outline", zone_id, parts["geometry_quality"].iloc[0])
            continue
        ids = report.official_ids(zone_id)
        geometry = shapely.union_all(np.asarray(features.loc[list(ids)].geometry.values))
        label = f"{source} {report.recognition.id_field} " + ", ".join(
            f"{i} ({features.at[i, 'official_name']})" for i in ids
        )
        rows += _zone_rows(parts, geometry, label, part_rules=part_rules, units=units, unit_area=unit_area)

    for official_id in report.unmatched_official:
        name = features.at[official_id, "official_name"] or official_id
        rows.append(
            {
                "zone_id": official_id,
                "part": official_id,
                "name_ko": name,
                "name_en": name,
                "name_ja": name,
                "in_belt": False,
                "geometry_quality": OFFICIAL_QUALITY,
                "geometry_method": f"{WHOLE_METHOD} (not matched to a zone of ours)",
                "boundary_source": f"{source} {report.recognition.id_field} {official_id}",
                "geometry": features.at[official_id, "geometry"],
            }
        )
    taken = set(ours["zone_id"])
    clashes = sorted(set(report.unmatched_official) & taken)
    if clashes:
        raise InputError(
            f"{source}: official ids {', '.join(clashes)} are also our zone ids; map them with --match FILE"
        )
    frame = gpd.GeoDataFrame(pd.DataFrame(rows).reindex(columns=columns), geometry="geometry", crs=GEOGRAPHIC_CRS)
    for column in frame.columns.drop("geometry"):
        default = ZONE_INPUT_DEFAULTS.get(column, "")
        if not isinstance(default, float) and column != "official_area_m2":
            frame[column] = frame[column].where(frame[column].notna(), default)
    return prepare_zones(frame, source)


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
            name_ko=_zone_name(parts, "name_ko"),
            name_en=_zone_name(parts, "name_en"),
            name_ja=_zone_name(parts, "name_ja"),
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
        cut = _polygonal(cut)
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
    return columns + [c for c in (*ZONE_INPUT_DEFAULTS, "boundary_source") if c not in columns]


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of ``geom`` (a clip can leave lines and points along the cut)."""
    if geom is None or geom.is_empty:
        return shapely.MultiPolygon() if geom is None else geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polygons = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polygons) if polygons else shapely.MultiPolygon()


def _as_text(value: object) -> str | None:
    """An id as text; a whole number read as a float loses its ``.0``; None for missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, np.integer):
        return str(int(value))
    text = str(value).strip()
    return text or None
