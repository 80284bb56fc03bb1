"""What every command audits: the zones of a source and every claim, the official boundary layer included.

A zone source is ours (the bundled layers), a user's zone file, or the official national industrial-complex
boundary layer (VWorld ``LT_C_DAMDAN`` or its ILIS export). The last is recognised by its fields, with no
flags: its features are matched to our zones by name and overlap (:mod:`geo.official`), take our zone ids so
that ``claims.csv`` applies unchanged, and parts defined by an administrative unit (Bitgoeul's Gwangju part)
are cut from the official feature along the NGII boundary, or taken from the layer's own parts when it has
them. Only a complex the layer cannot hold (a planned one: the future-vehicle complex) keeps our schematic
outline, and the belt then says it is partly schematic; a zone whose match is ambiguous, or a built one the
layer lacks, gets no geometry and its claims are unchecked. The match table (:meth:`MatchReport.frame`) is
part of the audit (:attr:`geo.AuditResult.matches`), so every report shows which official feature became
which zone, and why the others were not taken.
"""

from __future__ import annotations

import dataclasses
import logging

import geopandas as gpd
import numpy as np
import pandas as pd

from . import official
from .area import buffer_area_table, buffer_overlaps
from .audit import AuditResult, Measured
from .fez import audit_with_fez, load_fez_districts
from .io import ZoneBuffers, prepare_zone_buffers, read_vector, read_vector_buffers, read_zone_buffers
from .layers import ZoneSource, load_context, load_zones
from .settings import DEFAULT_TOLERANCE, GEOGRAPHIC_CRS

log = logging.getLogger(__name__)


def load_source(source: ZoneSource) -> gpd.GeoDataFrame:
    """The zones of ``source``: ours, a user's file as it is, or the official layer matched to ours.

    The official layer is recognised only when no ``--id-field`` / ``--name-field`` is given (they say the
    user has their own reading of the file); ``source.match`` overrides the matching.
    """
    if source.path is None or source.id_field is not None or source.name_field is not None:
        return source.load()
    raw = read_vector(source.file, layer=source.layer, encoding=source.encoding, prefer_fields=official.FIELDS)
    recognition = official.recognise(raw)
    if recognition is None:
        if source.match is not None:
            log.warning("%s: --match is ignored: the file is not the official boundary layer", source.file.name)
        return source.prepare(raw)  # read once
    if raw.crs is None and source.assume_crs is not None:
        raw = raw.set_crs(source.assume_crs)
    features = raw.to_crs(GEOGRAPHIC_CRS)
    ours = load_zones()
    overrides = official.read_match_file(source.match) if source.match is not None else None
    report = official.match_zones(features, ours, overrides=overrides, source=source.file.name)
    for line in report.lines():
        log.warning("%s", line)
    zones = official.official_zones(
        features, report, context=load_context(), ours=ours, keep_planned=True, source=source.file.name
    )
    zones.attrs["source"] = source.file.name
    matches = report.frame()
    kept = (matches["outcome"] == "unmatched") & matches["zone_id"].isin(zones.attrs.get("stand_ins", []))
    matches.loc[kept, "note"] = "a planned complex the layer cannot hold yet: our schematic outline stands in"
    zones.attrs["matches"] = matches
    return zones


def audit_source(
    source: ZoneSource, claims: pd.DataFrame, *, tolerance: float = DEFAULT_TOLERANCE, geometry: bool = True
) -> tuple[gpd.GeoDataFrame, AuditResult]:
    """Load the zones of ``source`` and audit every claim: the one audit every command runs.

    FEZ claims are checked against our FEZ districts when the zones are ours (a user's zone file says nothing
    about the FEZ, so there they are set aside). Returns the zones and the result.

    A user's zone file that GDAL reads through Arrow is measured from its vertices (:func:`load_buffers`), with
    the same result to the last bit; with ``geometry`` False the zones returned then have a geometry only where
    the audit needed one (the belt's members and the claims' subjects), for a caller that only reports.
    """
    buffers = load_buffers(source)
    if buffers is not None:
        zones = buffers.with_geometry(None if geometry else _needed_rows(buffers.zones, claims))
        measured = Measured(buffer_area_table(buffers), buffer_overlaps(buffers, id_column="feature_id"))
        return zones, audit_with_fez(zones, claims, districts=None, tolerance=tolerance, measured=measured)
    zones = load_source(source)
    districts = load_fez_districts() if source.path is None else None
    result = audit_with_fez(zones, claims, districts=districts, tolerance=tolerance)
    if "matches" in zones.attrs:
        result = dataclasses.replace(result, matches=zones.attrs["matches"])
    return zones, result


def load_buffers(source: ZoneSource) -> ZoneBuffers | None:
    """The zones of a user's file kept as arrays (:func:`geo.io.read_zone_buffers`), or None where
    :func:`load_source` reads them: our zones, the official layer, a file not read through Arrow, or one whose
    geometry may have a problem (reported by :func:`load_source` in its words)."""
    if source.path is None or source.match is not None:
        return None
    belt_ids = list(source.belt_ids) if source.belt_ids is not None else None
    options = {
        "id_field": source.id_field,
        "name_field": source.name_field,
        "assume_crs": source.assume_crs,
        "fix": source.fix,
        "belt_ids": belt_ids,
    }
    if source.id_field is not None or source.name_field is not None:
        return read_zone_buffers(source.file, layer=source.layer, encoding=source.encoding, **options)
    raw = read_vector_buffers(source.file, layer=source.layer, encoding=source.encoding, prefer_fields=official.FIELDS)
    if raw is None or official.recognise(raw.frame) is not None:
        return None
    return prepare_zone_buffers(raw, source.file, **options)


def _needed_rows(zones: gpd.GeoDataFrame, claims: pd.DataFrame) -> np.ndarray:
    """Positions of the features the audit measures as geometries: the belt's members and every feature a
    claim names (by zone id or feature id)."""
    subjects = claims["subject"].astype(str).unique() if len(claims) else []
    named = zones["zone_id"].isin(subjects) | zones["feature_id"].isin(subjects)
    return np.flatnonzero(named.to_numpy() | zones["in_belt"].astype(bool).to_numpy())
