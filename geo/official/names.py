"""Recognising the official layer's schema, and the normalised complex names matching compares."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import geopandas as gpd
import numpy as np
import pandas as pd

from ._constants import (
    _PARENTHESISED,
    _PHASE,
    _SPACE,
    ID_FIELDS,
    MIN_PARTIAL_NAME_LENGTH,
    NAME_FIELDS,
    NAME_SEPARATORS,
    NAME_SUFFIXES,
    OFFICIAL_LAYER,
)

log = logging.getLogger(__name__)


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
    id_field = find_field(frame, ID_FIELDS)
    name_field = find_field(frame, NAME_FIELDS)
    if id_field is None or name_field is None:
        return None
    return Recognition(id_field=id_field, name_field=name_field, count=len(frame))


def find_field(frame: pd.DataFrame, candidates: tuple[str, ...]) -> str | None:
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
    name = complex_name(text)
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def complex_name(text: object) -> str:
    """A complex's name without its part qualifiers, type kept: what the parts of one complex share.

    NFKC, parenthesised parts and phase qualifiers (``1단계``, ``2차``, ``3지구``) removed, white space and
    :data:`NAME_SEPARATORS` removed, case-folded: ``빛그린국가산업단지(광주)`` and ``빛그린 국가산업단지 (함평)`` give
    ``빛그린국가산업단지``; ``감마산업단지`` and ``감마국가첨단산업단지`` stay apart (two types, two complexes).
    """
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return ""
    name = unicodedata.normalize("NFKC", str(text))
    previous = None
    while previous != name:
        previous, name = name, _PARENTHESISED.sub("", name)
    name = _PHASE.sub("", name)
    name = _SPACE.sub("", name)
    return name.translate({ord(c): None for c in NAME_SEPARATORS}).casefold()


def part_qualifiers(text: object) -> tuple[str, ...]:
    """The part qualifiers of a name, normalised: the parenthesised texts and phase tokens (``광주``, ``2단계``)."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return ()
    name = unicodedata.normalize("NFKC", str(text))
    found = [m.group(0)[1:-1] for m in _PARENTHESISED.finditer(name)]
    found += [m.group(0) for m in _PHASE.finditer(_PARENTHESISED.sub("", name))]
    cleaned = [_SPACE.sub("", q).removesuffix("구역").removesuffix("지역") for q in found]
    return tuple(q for q in cleaned if q)


class NameMatch(StrEnum):
    """How an official name relates to ours once both are normalised."""

    EXACT = "exact"
    PARTIAL = "partial"
    NONE = "none"


def name_match(official: str, ours: frozenset[str]) -> NameMatch:
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
