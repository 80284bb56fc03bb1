"""The files the maps are written to: which zones get a map, the names of the maps and index pages, writing them.

Per language ``belt_<lang>.html``, ``fez_<lang>.html`` (given the FEZ districts), ``zone_<stem>_<lang>.html``
for the zones :func:`zone_map_ids` chooses (stems by :func:`geo._format.file_stems`) and
``index_<lang>.html``; then the landing page ``index.html``. Every file is written through an
:class:`geo.io.OutputFolder`: atomically and never over one of the build's inputs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd

from .. import i18n
from .._errors import InputError
from .._format import file_stems
from ..audit import AuditResult
from ..io import OutputFolder, output_folder
from ..settings import GEOGRAPHIC_CRS, LANGUAGES
from ._base import MapOptions, build_date, map_options, map_title, render_html
from ._text import zone_titles
from .belt import belt_map, zone_map
from .fez import fez_map
from .index import index_page, languages_index_page

log = logging.getLogger(__name__)

#: The belt map's file stem; zone maps are ``zone_<id>``; each is followed by ``_<language>.html``.
BELT_STEM: Final = "belt"
INDEX_FILE: Final = "index.html"
#: ``zone_maps`` values: ``auto`` is every zone up to :data:`ZONE_MAPS_AUTO_MAX` zones, else the belt zones and
#: the zones with claims; ``all``; ``none``; or a comma-separated list of zone ids.
ZONE_MAPS_MODES: Final = ("auto", "all", "none")
ZONE_MAPS_AUTO_MAX: Final = 50
#: The Free Economic Zone map's file stem (``fez_<language>.html``).
FEZ_STEM: Final = "fez"


def zone_map_ids(zones: gpd.GeoDataFrame, zone_maps: str = "auto", audit: AuditResult | None = None) -> list[str]:
    """The ids of the zones that get a map of their own, in the zones' order, for a ``zone_maps`` choice.

    ``all`` every zone; ``none`` none; ``auto`` (the default) every zone when there are at most
    :data:`ZONE_MAPS_AUTO_MAX`, else the zones with a part in the belt and those a claim is about (with
    ``audit``: its claims' subjects); otherwise a comma-separated list of zone ids.

    Raises
    ------
    InputError
        For an id in the list that is no zone's.
    """
    ids = [str(zone_id) for zone_id in zones["zone_id"].unique()]
    choice = str(zone_maps or "auto").strip()
    if choice == "all":
        return ids
    if choice == "none":
        return []
    if choice == "auto":
        if len(ids) <= ZONE_MAPS_AUTO_MAX:
            return ids
        chosen = set(zones.loc[zones["in_belt"].astype(bool), "zone_id"].astype(str))
        if audit is not None and not audit.claims.empty:
            subjects = set(audit.claims["subject"].astype(str))
            about = zones["zone_id"].astype(str).isin(subjects) | zones["feature_id"].astype(str).isin(subjects)
            chosen |= set(zones.loc[about, "zone_id"].astype(str))
        return [zone_id for zone_id in ids if zone_id in chosen]
    wanted = [part.strip() for part in choice.split(",") if part.strip()]
    unknown = [zone_id for zone_id in wanted if zone_id not in set(ids)]
    if unknown or not wanted:
        shown = ", ".join(ids[:10]) + (", …" if len(ids) > 10 else "")
        raise InputError(
            f"--zone-maps: no zone {', '.join(map(repr, unknown)) or repr(choice)}; "
            f"write auto, all, none or zone ids such as {shown}"
        )
    return [zone_id for zone_id in ids if zone_id in set(wanted)]


def output_files(
    zone_ids: Iterable[object], languages: Iterable[str], *, screenshots: bool = False, fez: bool = False
) -> list[str]:
    """Names of the files :func:`write_maps` and :func:`write_index` write for these zone maps and languages.

    ``zone_ids`` are the zones that get a map (:func:`zone_map_ids`); with ``fez`` the Free Economic Zone
    map too; PNGs of every map with ``screenshots``.
    """
    languages = list(languages)
    maps = map_files(zone_ids, languages, fez=fez)
    pngs = [name.removesuffix(".html") + ".png" for name in maps] if screenshots else []
    return [*maps, *pngs, *index_files(languages)]


def map_files(zone_ids: Iterable[object], languages: Iterable[str], *, fez: bool = False) -> list[str]:
    """Names of the map files, per language: the belt's, the FEZ's (with ``fez``), then the zones'."""
    stems = [BELT_STEM, *([FEZ_STEM] if fez else []), *zone_file_stems(zone_ids).values()]
    return [f"{stem}_{language}.html" for language in languages for stem in stems]


def index_files(languages: Iterable[str]) -> list[str]:
    """Names of the index pages :func:`write_index` writes: one per language, then ``index.html``."""
    return [*(f"index_{language}.html" for language in languages), INDEX_FILE]


def write_maps(
    out: OutputFolder | str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    options: MapOptions | None = None,
    *,
    languages: Iterable[str] = LANGUAGES,
    zone_ids: Sequence[str] | None = None,
    fez: gpd.GeoDataFrame | None = None,
    index: bool = True,
    files: Sequence[tuple[str, int]] = (),
    **changes: object,
) -> list[Path]:
    """Write, per language, the belt map, the FEZ map and the zone maps, then (with ``index``) the index pages.

    Parameters
    ----------
    out
        The output folder (an :class:`geo.io.OutputFolder`, whose protected files are never written over, or
        a path).
    zones, audit
        As for :func:`belt_map`.
    options, changes
        How to draw the maps (:class:`MapOptions`; ``changes`` replaces fields by name); the language is
        each of ``languages`` in turn.
    zone_ids
        The zones that get a map of their own (``zone_<stem>_<lang>.html``); None: :func:`zone_map_ids`'s
        ``auto`` choice.
    fez
        The FEZ districts (:func:`geo.fez.load_fez_districts`): also write ``fez_<lang>.html``.
    index, files
        Also write the index pages (:func:`write_index`), listing ``files`` (``(name, size in bytes)``) of the
        folder's other outputs. A build writes them itself, once, last.

    Returns
    -------
    list of Path
        The map files written (not the index pages), in :func:`map_files`' order.
    """
    out = output_folder(out)
    languages = [i18n.check_language(language) for language in languages]
    zone_ids = zone_map_ids(zones, "auto", audit) if zone_ids is None else list(zone_ids)
    stems = zone_file_stems(zone_ids)
    base = map_options(options, **changes)
    base = map_options(base, date=base.date or build_date())
    geographic = zones.to_crs(GEOGRAPHIC_CRS)
    written: list[Path] = []
    for language in languages:
        options = map_options(base, language=language)
        written.append(out.text(f"{BELT_STEM}_{language}.html", render_html(belt_map(geographic, audit, options))))
        if fez is not None:
            html = render_html(fez_map(fez, geographic, audit, options))
            written.append(out.text(f"{FEZ_STEM}_{language}.html", html))
        for zone_id, stem in stems.items():
            html = render_html(zone_map(geographic, audit, zone_id, options))
            written.append(out.text(f"{stem}_{language}.html", html))
    if index:
        write_index(
            out,
            zones,
            audit,
            languages=languages,
            title=base.title,
            files=files,
            zone_ids=zone_ids,
            fez=fez,
        )
    log.info("wrote %d maps in %s to %s", len(written), ", ".join(languages), out.path)
    return written


def write_index(
    out: OutputFolder | str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    languages: Iterable[str] = LANGUAGES,
    title: object = None,
    files: Sequence[tuple[str, int]] = (),
    zone_ids: Sequence[str] | None = None,
    fez: gpd.GeoDataFrame | bool | None = None,
    locations: pd.DataFrame | None = None,
) -> list[Path]:
    """Write the index pages of ``out``: ``index_<lang>.html`` per language and the landing ``index.html``.

    Each gives a sortable, searchable table of every zone (areas, official figure, claims, verdict) linking
    the maps of ``zone_ids`` (None: :func:`zone_map_ids`'s ``auto`` choice), the belt map and, with ``fez``
    (the FEZ districts, or True), the FEZ map and the FEZ's claims by district name; it states the audit's
    findings and lists ``files``: ``(name, size in bytes)`` of the folder's outputs, in the order given (a
    build passes :meth:`geo.io.OutputFolder.sizes`). Maps and index pages among them are linked instead of
    listed; a map's size not in ``files`` is read from the folder. ``locations``
    (:func:`geo.location.location_table`) puts the straight-line distances on the per-language pages.

    Returns
    -------
    list of Path
        The index pages written, ``index.html`` last.
    """
    out = output_folder(out)
    languages = [i18n.check_language(language) for language in languages]
    districts = fez if isinstance(fez, gpd.GeoDataFrame) else None
    fez = districts is not None or fez is True
    all_ids = [str(zone_id) for zone_id in zones["zone_id"].unique()]
    mapped = zone_file_stems(zone_map_ids(zones, "auto", audit) if zone_ids is None else zone_ids)
    own = set(output_files(mapped, languages, fez=fez))
    known = {str(name): int(size) for name, size in files}
    extra = [(name, size) for name, size in known.items() if name not in own]
    titles = {language: zone_titles(zones, language) for language in languages}

    def size(name: str) -> int | None:
        if name in known:
            return known[name]
        path = out.path / name
        return path.stat().st_size if path.exists() else None

    pages: list[Path] = []
    zone_entries: dict[str, list[tuple[str, str]]] = {}
    for language in languages:
        belt_file = f"{BELT_STEM}_{language}.html"
        fez_file = f"{FEZ_STEM}_{language}.html" if fez else None
        files_of = {zone_id: f"{stem}_{language}.html" for zone_id, stem in mapped.items()}
        entries = [(files_of.get(zone_id, ""), titles[language][zone_id]) for zone_id in all_ids]
        zone_entries[language] = [(files_of[zone_id], titles[language][zone_id]) for zone_id in mapped]
        page = index_page(
            belt_file,
            entries,
            language=language,
            audit=audit,
            zone_ids=all_ids,
            zones=zones,
            title=map_title(title, language),
            files=extra,
            sizes={
                name: size(name) for name in [belt_file, *(f for f in files_of.values()), *([fez_file] * bool(fez))]
            },
            fez_file=fez_file,
            districts=districts,
            locations=locations,
        )
        pages.append(out.text(f"index_{language}.html", page))
    landing = languages_index_page(
        languages,
        audit=audit,
        zones=zones,
        titles={language: map_title(title, language) for language in languages},
        files=extra,
        sizes={name: size(name) for name in output_files(mapped, languages, fez=fez)},
        zone_entries=zone_entries,
        fez=fez,
        districts=districts,
    )
    pages.append(out.text(INDEX_FILE, landing))
    return pages


def zone_file_stems(zone_ids: Iterable[object]) -> dict[str, str]:
    """File stems ``zone_<stem>`` of the zone maps (:func:`geo._format.file_stems`), zone ids as text."""
    return {zone_id: f"zone_{stem}" for zone_id, stem in file_stems(zone_ids).items()}
