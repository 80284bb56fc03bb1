"""Printable A4 fact sheets (PDF): one per map (the belt, each zone, the Free Economic Zone) and language.

Each sheet has the title and build date, a print-sized map drawn from the geometries themselves (an SVG in
EPSG:5186 with the NGII legal-dong/ri boundaries and the Gwangju/Jeonnam border, every zone visible, the
sheet's own subject emphasised, labels placed inside the map, a scale bar and a north arrow; no tiles, so it
prints the same offline), a legend, the area table (m², ha and pyeong on the GRS80 ellipsoid, planar EPSG:5186
beside), the published claims with their verdicts and sources (failing ones first) and, where outlines are
schematic, the statement saying so. The FEZ sheet draws the four districts in their pillars' colours over the
belt's zones and tabulates their areas at designation and later. The page is HTML printed by headless Chromium
(:mod:`geo.screenshot`, network blocked), which embeds the fonts it uses (Noto Sans CJK for Hangul and Kana).
Every string from data is escaped.

- :mod:`geo.factsheet._svg`: the map (frame, drawing, label placement, scale bar, north arrow);
- :mod:`geo.factsheet._tables`: the area and claims tables;
- :mod:`geo.factsheet._page`: the page that holds them;
- :mod:`geo.factsheet._summary`: the one-page summary per language (``summary_<lang>.pdf``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd

from .. import i18n
from .._format import file_stems
from ..audit import AuditResult
from ..export import build_timestamp
from ..fez import FEZ
from ..io import OutputFolder, output_folder
from ..maps import Title
from ..schema import BELT
from ..screenshot import browser, offline_page
from ..settings import DEFAULT_LANGUAGE
from ._page import fez_sheet_html, fit_css, zone_sheet_html
from ._summary import MAX_LISTED_CLAIMS, summary_files, summary_html, summary_name

__all__ = [
    "BELT_SHEET",
    "FEZ_SHEET",
    "fez_sheet_html",
    "output_files",
    "summary_files",
    "summary_html",
    "write_factsheets",
    "write_summaries",
    "zone_sheet_html",
]

log = logging.getLogger(__name__)

#: The subjects of the whole-belt and the Free Economic Zone sheets (every other sheet is a zone's).
BELT_SHEET: Final = BELT
FEZ_SHEET: Final = FEZ


#: The most pages of a fact sheet; and how a sheet is printed to keep within them, in the order tried: its map
#: at this share of its full width, its text at this size in points (None: as the stylesheet sets it).
MAX_SHEET_PAGES: Final = 2
FIT_STEPS: Final = ((1.0, None), (0.85, None), (0.85, 7.5), (0.7, 7.5), (0.55, 7.5), (0.55, 7.0))


def sheet_stems(zone_ids: Iterable[object]) -> dict[str, str]:
    """The file stem of each zone's sheet (:func:`geo._format.file_stems`), never ``belt`` or ``fez``."""
    return file_stems(zone_ids, reserved=(BELT_SHEET, FEZ_SHEET))


def _name(stem: str, language: str) -> str:
    return f"factsheet_{stem}_{language}.pdf"


def output_files(zone_ids: Iterable[str], languages: Sequence[str], *, fez: bool = False) -> tuple[str, ...]:
    """Names of the PDFs :func:`write_factsheets` writes for these zones and languages (and the FEZ's)."""
    stems = [BELT_SHEET, *sheet_stems(zone_ids).values(), *([FEZ_SHEET] if fez else [])]
    return tuple(_name(stem, language) for stem in stems for language in languages)


def write_factsheets(
    out: OutputFolder | str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    languages: Sequence[str] = (DEFAULT_LANGUAGE,),
    context: gpd.GeoDataFrame | None = None,
    points: gpd.GeoDataFrame | None = None,
    zone_ids: Iterable[str] | None = None,
    fez: gpd.GeoDataFrame | None = None,
    title: Title = None,
    open_browser: object | None = None,
    locations: pd.DataFrame | None = None,
) -> list[Path]:
    """Write one A4 PDF per map (the belt, each zone, then the FEZ) and language into ``out``; return their paths.

    Parameters
    ----------
    out
        The output folder: an :class:`geo.io.OutputFolder`, whose protected files (the inputs) are never
        written over and whose newest one dates the sheets (:func:`geo.export.build_timestamp`), or a path.
    zones, audit
        As :func:`geo.load_zones` and :func:`geo.run_audit` (or :func:`geo.fez.audit_with_fez`) return them.
    languages
        Codes of :data:`geo.settings.LANGUAGES`.
    context, points
        NGII boundaries and site-selection points drawn on the map; left out when None.
    zone_ids
        The zones that get a sheet (those that get a map of their own); None: all.
    fez
        The FEZ districts (:func:`geo.fez.load_fez_districts`): also write the FEZ sheet, from the audit's
        FEZ claims and summary.
    title
        The title of the belt's and the zones' sheets, as the maps take it (:func:`geo.maps.map_title`: a
        string or one per language; None for the belt's). The FEZ sheet is the FEZ's, titled in its language.
    open_browser
        A browser from :func:`geo.screenshot.browser` to reuse; one is started otherwise.
    locations
        :func:`geo.location.location_table`: the belt's and the zones' sheets add the straight-line distances.

    Raises
    ------
    OutputError
        If Playwright or Chromium is missing or does not start.
    """
    for language in languages:
        i18n.check_language(language)
    out = output_folder(out)
    date = build_timestamp(out.protect)[0]
    common = {"context": context, "points": points, "date": date}
    stems = sheet_stems(zones["zone_id"] if zone_ids is None else zone_ids)
    titled = {**common, "title": title, "locations": locations}
    sheets = [(BELT_SHEET, lambda language: zone_sheet_html(zones, audit, subject=BELT, language=language, **titled))]
    sheets += [
        (stem, lambda language, z=zone_id: zone_sheet_html(zones, audit, subject=z, language=language, **titled))
        for zone_id, stem in stems.items()
    ]
    if fez is not None:
        sheets.append((FEZ_SHEET, lambda language: fez_sheet_html(fez, zones, audit, language=language, **common)))
    written = []
    with _browser(open_browser) as started:
        for stem, page_html in sheets:
            for language in languages:
                written.append(out.bytes(_name(stem, language), _fitted_pdf(started, page_html(language))))
                log.info("fact sheet %s", written[-1])
    return written


def _browser(open_browser: object | None) -> contextlib.AbstractContextManager:
    """The browser to print with: ``open_browser`` as given, or one started here and closed after."""
    return contextlib.nullcontext(open_browser) if open_browser is not None else browser()


def write_summaries(
    out: OutputFolder | str | os.PathLike,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    languages: Sequence[str] = (DEFAULT_LANGUAGE,),
    context: gpd.GeoDataFrame | None = None,
    points: gpd.GeoDataFrame | None = None,
    fez: gpd.GeoDataFrame | None = None,
    title: Title = None,
    open_browser: object | None = None,
) -> list[Path]:
    """Write the one-page summary of each language (:func:`summary_files`) into ``out``; return their paths.

    Each is one A4 page: when the claims that do not hold would run over it, fewer of them are named (the page
    says how many more there are, on the fact sheets). The parameters are those of :func:`write_factsheets`;
    ``fez`` adds the Free Economic Zone's total and districts.

    Raises
    ------
    OutputError
        If Playwright or Chromium is missing or does not start.
    """
    for language in languages:
        i18n.check_language(language)
    out = output_folder(out)
    common = {"context": context, "points": points, "date": build_timestamp(out.protect)[0], "title": title}
    written = []
    with _browser(open_browser) as started:
        for language in languages:
            for listed in range(MAX_LISTED_CLAIMS, -1, -1):
                page = summary_html(zones, audit, language=language, districts=fez, listed=listed, **common)
                pdf = _print_pdf(started, page)
                if _page_count(pdf) == 1:
                    break
            else:
                log.warning("the summary in %s runs over one page even without the claims listed", language)
            written.append(out.bytes(summary_name(language), pdf))
            log.info("summary %s", written[-1])
    return written


#: A page object of a PDF as Chromium writes them (one uncompressed dictionary per page).
_PAGE_OBJECT: Final = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _page_count(pdf: bytes) -> int:
    """How many pages a PDF printed by Chromium has."""
    return len(_PAGE_OBJECT.findall(pdf))


def _fitted_pdf(open_browser: object, page_html: str) -> bytes:
    """The sheet printed as it is, or at the first of :data:`FIT_STEPS` at which it keeps to
    :data:`MAX_SHEET_PAGES` (long claims tables, long names); at the last when none does."""
    for map_scale, text_pt in FIT_STEPS:
        pdf = _print_pdf(open_browser, page_html, css=fit_css(map_scale, text_pt))
        if _page_count(pdf) <= MAX_SHEET_PAGES:
            return pdf
    log.warning("a fact sheet runs over %d pages even with its map and text at their smallest", MAX_SHEET_PAGES)
    return pdf


def _print_pdf(open_browser: object, page_html: str, *, css: str = "") -> bytes:
    page = offline_page(open_browser)
    try:
        page.set_content(page_html, wait_until="load")
        if css:
            page.add_style_tag(content=css)
        page.evaluate("document.fonts.ready")
        return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    finally:
        page.context.close()
