"""The files the maps are written to: which zones get a map, the names of the maps and index pages, writing them.

Per language ``belt_<lang>.html``, ``fez_<lang>.html`` (given the FEZ districts), ``zone_<id>_<lang>.html`` for
the zones :func:`zone_map_ids` chooses and ``index_<lang>.html``; then the landing page ``index.html``. Each
file is written atomically and never over one of the build's inputs.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

import geopandas as gpd

from .. import i18n
from .._errors import InputError
from ..audit import AuditResult
from ..io import write_text
from ..raster.overlays import RasterOverlay
from ..settings import GEOGRAPHIC_CRS, LANGUAGES
from ._base import Title, build_date, map_title, render_html
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
    """Names of the files :func:`write_maps` writes for these zone maps and languages.

    ``zone_ids`` are the zones that get a map (:func:`zone_map_ids`); with ``fez`` the Free Economic Zone
    map too; PNGs of every map with ``screenshots``.
    """
    languages = list(languages)
    stems = [BELT_STEM, *([FEZ_STEM] if fez else []), *zone_file_stems(zone_ids).values()]
    maps = [f"{stem}_{language}.html" for language in languages for stem in stems]
    pngs = [name.removesuffix(".html") + ".png" for name in maps] if screenshots else []
    return [*maps, *pngs, *index_files(languages)]


def index_files(languages: Iterable[str]) -> list[str]:
    """Names of the index pages :func:`write_maps` writes: one per language, then ``index.html``."""
    return [*(f"index_{language}.html" for language in languages), INDEX_FILE]


def write_maps(
    out: str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    languages: Iterable[str] = LANGUAGES,
    context: gpd.GeoDataFrame | None = None,
    points: gpd.GeoDataFrame | None = None,
    overlays: Sequence[RasterOverlay] = (),
    assets: str = "inline",
    inputs: tuple[Path, ...] = (),
    title: Title = None,
    date: str | None = None,
    files: Sequence[tuple[str, int]] = (),
    zone_maps: str = "auto",
    fez: gpd.GeoDataFrame | None = None,
) -> list[Path]:
    """Write, per language, the belt map, the zone maps, the FEZ map and an index page, plus ``index.html``.

    Files are those of :func:`output_files`: ``belt_<lang>.html``, ``zone_<id>_<lang>.html`` for the zones
    ``zone_maps`` chooses (:func:`zone_map_ids`; ids reduced to safe file-name characters),
    ``fez_<lang>.html`` given the FEZ districts ``fez`` (:func:`geo.fez.load_fez_districts`) and
    ``index_<lang>.html``; each is written atomically and never over one of ``inputs``. ``title`` and ``date``
    are those of :func:`belt_map`. The index pages list every zone and link every map written and each of
    ``files`` (``(name, size in bytes)`` of the build folder's other outputs, e.g. the GeoPackage, reports and
    rasters); :func:`write_index` rewrites them once those exist.

    Returns
    -------
    list of Path
        The map files written (not the index pages), belt maps first.
    """
    out = Path(out)
    languages = [i18n.check_language(language) for language in languages]
    stems = zone_file_stems(zone_map_ids(zones, zone_maps, audit))
    written: list[Path] = []
    date = date or build_date()
    geographic = zones.to_crs(GEOGRAPHIC_CRS)
    for language in languages:
        options = {
            "language": language,
            "context": context,
            "points": points,
            "overlays": overlays,
            "title": title,
            "date": date,
        }
        belt_path = out / f"{BELT_STEM}_{language}.html"
        write_text(belt_path, render_html(belt_map(geographic, audit, assets=assets, **options)), inputs=inputs)
        written.append(belt_path)
        if fez is not None:
            path = out / f"{FEZ_STEM}_{language}.html"
            fez_html = render_html(fez_map(fez, geographic, audit, assets=assets, **options))
            write_text(path, fez_html, inputs=inputs)
            written.append(path)
        for zone_id, stem in stems.items():
            path = out / f"{stem}_{language}.html"
            html = render_html(zone_map(geographic, audit, zone_id, assets=assets, **options))
            write_text(path, html, inputs=inputs)
            written.append(path)
    write_index(
        out,
        zones,
        audit,
        languages=languages,
        title=title,
        files=files,
        inputs=inputs,
        zone_maps=zone_maps,
        fez=fez is not None,
    )
    log.info("wrote %d maps in %s to %s", len(written), ", ".join(languages), out)
    return written


def write_index(
    out: str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    languages: Iterable[str] = LANGUAGES,
    title: Title = None,
    files: Sequence[tuple[str, int]] = (),
    inputs: tuple[Path, ...] = (),
    zone_maps: str = "auto",
    fez: bool = False,
) -> list[Path]:
    """(Re)write the index pages of ``out``: ``index_<lang>.html`` per language and the landing ``index.html``.

    Each gives a sortable, searchable table of every zone (areas, official figure, claims, verdict) linking
    the zone maps ``zone_maps`` chose (:func:`write_maps`; sizes read from ``out``), the belt map and, with
    ``fez``, the FEZ map; it states the audit's findings and lists ``files``: ``(name, size in bytes)`` of
    the folder's other outputs, in the order given. Names of maps and index pages in ``files`` are left out
    (they are linked already).

    Returns
    -------
    list of Path
        The index pages written, ``index.html`` last.
    """
    out = Path(out)
    languages = [i18n.check_language(language) for language in languages]
    all_ids = [str(zone_id) for zone_id in zones["zone_id"].unique()]
    mapped = zone_file_stems(zone_map_ids(zones, zone_maps, audit))
    own = set(output_files(mapped, languages, fez=fez))
    extra = [(str(name), int(size)) for name, size in files if str(name) not in own]
    titles = _zone_titles(zones, languages)

    def size(name: str) -> int | None:
        path = out / name
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
        )
        path = out / f"index_{language}.html"
        write_text(path, page, inputs=inputs)
        pages.append(path)
    landing = languages_index_page(
        languages,
        audit=audit,
        zones=zones,
        titles={language: map_title(title, language) for language in languages},
        files=extra,
        sizes={name: size(name) for name in output_files(mapped, languages, fez=fez)},
        zone_entries=zone_entries,
        fez=fez,
    )
    write_text(out / INDEX_FILE, landing, inputs=inputs)
    pages.append(out / INDEX_FILE)
    return pages


def _zone_titles(zones: gpd.GeoDataFrame, languages: Iterable[str]) -> dict[str, dict[str, str]]:
    """Each zone's title (:func:`zone_title`) per language, zone ids as text."""
    return {language: zone_titles(zones, language) for language in languages}


def zone_file_stems(zone_ids: Iterable[object]) -> dict[str, str]:
    """File stems ``zone_<id>`` for zone ids, reduced to ``[a-z0-9_-]`` and made unique."""
    stems: dict[str, str] = {}
    used: set[str] = set()
    for zone_id in zone_ids:
        base = re.sub(r"[^a-z0-9_-]+", "-", str(zone_id).lower()).strip("-") or "zone"
        stem, n = f"zone_{base}", 1
        while stem in used:
            n += 1
            stem = f"zone_{base}-{n}"
        used.add(stem)
        stems[str(zone_id)] = stem
    return stems
