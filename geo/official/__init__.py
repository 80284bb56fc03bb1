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
First the layer's features are gathered into complexes: features sharing an id are one (an exploded
multipart), and so are features whose names differ only by a part qualifier (``(광주)``, ``(함평)``, ``1단계``,
``(2단계)``…; :func:`geo.official.names.part_qualifiers`) lying within :data:`COMPLEX_PART_MAX_GAP_KM` of one
another. A complex is matched whole: every feature of it, never half.

Candidates of one of our zones, strongest first:

* *name and overlap*: the official name equals ours after normalisation (``exact``) or one contains the other
  (``partial``, both at least :data:`MIN_PARTIAL_NAME_LENGTH` characters), and the complex covers at least
  :data:`NAME_SUPPORT_MIN_SHARE` of our outline. Exact beats partial. Several exact ones make the zone
  ambiguous (taking one would drop the others); among several partial ones, the one covering more than
  :data:`OVERLAP_MATCH_MIN_SHARE` wins, otherwise the zone is ambiguous.
* *one signal*: an exact name alone, within :data:`NAMESAKE_DISTANCE_KM` of our outline (ours lie where the
  sources put the complex; schematic outlines need not overlap the official one), or an overlap of at least
  :data:`OVERLAP_MATCH_MIN_SHARE` alone. One such candidate is a match; several make the zone ambiguous.
* A feature with the zone's name, none of its ground and farther than :data:`NAMESAKE_DISTANCE_KM` is a
  *namesake* (Korean complex names repeat across provinces): reported with its distance, never matched.

An official feature that would match two of our zones is an ambiguity of both. An ambiguous zone gets no
geometry and its claims are unchecked (so are the belt's, if it is a member). Only a complex the layer cannot
hold, a planned one, keeps our outline (``keep_planned``), and a belt with it is partly schematic. The match
table (:meth:`MatchReport.frame`) records every decision with its evidence: name, overlap, distance, method.

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

from ._constants import ID_FIELDS, NAME_FIELDS, OFFICIAL_LAYER
from .match_file import Overrides, read_match_file
from .matching import Ambiguity, Evidence, Match, MatchMethod, MatchReport, match_zones
from .names import NameMatch, Recognition, normalise_name, recognise
from .parts import ADMINISTRATIVE_UNITS, PART_RULES, AdministrativeUnit, PartRule, administrative_area, official_zones

#: The fields that make a layer the official one (its id and name), as a reader looks for them.
FIELDS = (*ID_FIELDS, *NAME_FIELDS)

__all__ = [
    "ADMINISTRATIVE_UNITS",
    "FIELDS",
    "OFFICIAL_LAYER",
    "PART_RULES",
    "AdministrativeUnit",
    "Ambiguity",
    "Evidence",
    "Match",
    "MatchMethod",
    "MatchReport",
    "NameMatch",
    "Overrides",
    "PartRule",
    "Recognition",
    "administrative_area",
    "match_zones",
    "normalise_name",
    "official_zones",
    "read_match_file",
    "recognise",
]
