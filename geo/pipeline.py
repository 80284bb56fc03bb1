"""The build: every output of the product, from one set of options, in one plain sequence of steps.

:func:`run` loads the zones and claims and audits them; :func:`plan` then decides, once, everything the
writers would otherwise decide for themselves: which zones get a map and a fact sheet, the language of each
output, whether the Free Economic Zone is drawn (its districts read here, once), the title, and the name of
every file (:class:`BuildPlan`). Everything that can fail on the input is checked before the first file is
written (outputs over inputs, ``--out`` being a file, a raster that misses the zones, a missing browser);
then, through one :class:`geo.io.OutputFolder`, it writes in this order:

1. the audit reports (:mod:`geo.report`) and the straight-line distance table (:mod:`geo.location`);
2. the distance-to-transport raster and the overlays the maps draw (:mod:`geo.raster.overlays`);
3. the HTML maps (belt, FEZ, the zone maps), PNGs, and the PDF fact sheets and one-page summaries when asked
   (:mod:`geo.maps`, :mod:`geo.screenshot`, :mod:`geo.factsheet`);
4. the GeoPackage and GeoJSON (:mod:`geo.export`);
5. last, the index pages, listing what the folder's record says was written, with sizes.

The language rule, for every output of a build: ``languages`` of one language (``--lang``) puts everything in
it — maps, index pages, fact sheets, ``audit.md``, the CSV headers and the GeoPackage's labels. Without it the
maps, index pages and sheets are in every language, and the outputs that have one language are in
:data:`geo.settings.DEFAULT_LANGUAGE`, the CSV headers being the JSON's column names (for scripts).
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from . import export, factsheet, i18n, location, maps, report
from ._errors import InputError
from .audit import AuditResult
from .fez import FEZ_DISTRICTS_FILE, load_fez_districts
from .io import OutputFolder
from .layers import ZoneSource, load_claims, load_context, load_destinations, load_points
from .raster import overlays
from .settings import (
    CLAIMS_FILE,
    CONTEXT_FILE,
    DEFAULT_LANGUAGE,
    DEFAULT_TOLERANCE,
    DESTINATIONS_FILE,
    GEOGRAPHIC_CRS,
    LANGUAGES,
    PLANAR_CRS,
    POINTS_FILE,
)
from .sources import audit_source

log = logging.getLogger(__name__)

#: The most pixels of the distance raster: beyond them its pixels grow by whole multiples of 50 m.
DISTANCE_MAX_PIXELS = 2_000_000


@dataclass(frozen=True)
class BuildOptions:
    """What to build from, and how.

    Attributes
    ----------
    zones : ZoneSource
        The zone file and how to read it (default: the bundled zones).
    claims : Path or None
        Claims table (CSV); None for the bundled claims.
    tolerance : float
        Relative tolerance of the audit (0.02 = 2 %).
    languages : tuple of str
        Languages of the build (see the module's language rule): one language puts every output in it.
    raster : Path or None
        A raster (any CRS) to draw as an overlay on the maps.
    raster_band : int
        Band of ``raster`` to draw, from 1.
    assets : str
        ``inline`` (self-contained maps) or ``cdn``.
    screenshots : bool
        Also write a PNG of every map (needs Chromium).
    pdf : bool
        Also write an A4 PDF fact sheet per map and language, and a one-page summary per language (needs
        Chromium).
    title : str or None
        Title of the maps, index pages and GeoPackage; None for the belt's title (our zones) or the zone
        file's name (a user's file).
    zone_maps : str
        Which zones get a map of their own (:func:`geo.maps.zone_map_ids`): ``auto`` (every zone when there
        are at most 50, else the belt zones and the zones a claim is about), ``all``, ``none`` or
        comma-separated zone ids.
    """

    zones: ZoneSource = field(default_factory=ZoneSource)
    claims: Path | None = None
    tolerance: float = DEFAULT_TOLERANCE
    languages: tuple[str, ...] = LANGUAGES
    raster: Path | None = None
    raster_band: int = 1
    assets: str = "inline"
    screenshots: bool = False
    pdf: bool = False
    title: str | None = None
    zone_maps: str = "auto"

    @property
    def inputs(self) -> tuple[Path, ...]:
        """Every file the build reads; none of them is ever written."""
        named = (self.zones.file, self.claims or CLAIMS_FILE, POINTS_FILE, CONTEXT_FILE, FEZ_DISTRICTS_FILE)
        named += (DESTINATIONS_FILE,)
        return tuple(Path(p) for p in (*named, *([self.raster] if self.raster else ())))


@dataclass(frozen=True, eq=False)
class BuildPlan:
    """Everything a build decides before it writes: what is written, in which language, under which name.

    Made by :func:`plan`; the writers take these values as they are and decide none of them again.

    Attributes
    ----------
    languages : tuple of str
        Languages of the maps, index pages and fact sheets.
    language : str
        Language of the outputs that have one: ``audit.md`` and the GeoPackage's labels.
    csv_language : str or None
        Language of the CSV headers; None for the JSON's column names.
    zone_ids : tuple of str
        The zones that get a map and, with ``pdf``, a fact sheet of their own, in the zones' order.
    fez : GeoDataFrame or None
        The Free Economic Zone's districts, drawn on a map and a sheet of their own; None when the build has
        no FEZ (a user's zone file says nothing of it).
    title : str or None
        The title outputs show: the build's ``title``, else a user's zone file's name, else None (the belt's).
    screenshots, pdf : bool
        Whether PNGs of the maps, and PDF fact sheets and summaries, are written.
    """

    languages: tuple[str, ...]
    language: str
    csv_language: str | None
    zone_ids: tuple[str, ...]
    fez: gpd.GeoDataFrame | None
    title: str | None
    screenshots: bool
    pdf: bool

    @property
    def files(self) -> list[str]:
        """The name of every file the build writes into its folder, as each output module names them."""
        return [
            *report.output_files(),
            *location.output_files(),
            *overlays.output_files(),
            *maps.output_files(self.zone_ids, self.languages, screenshots=self.screenshots, fez=self.has_fez),
            *export.output_files(),
            *(factsheet.output_files(self.zone_ids, self.languages, fez=self.has_fez) if self.pdf else ()),
            *(factsheet.summary_files(self.languages) if self.pdf else ()),
        ]

    @property
    def has_fez(self) -> bool:
        return self.fez is not None


def plan(options: BuildOptions, zones: gpd.GeoDataFrame, audit: AuditResult | None = None) -> BuildPlan:
    """Decide what a build of ``zones`` with ``options`` writes (``audit`` chooses the zone maps of ``auto``).

    Raises
    ------
    InputError
        For a language that is not supported, or a ``zone_maps`` id that is no zone's.
    """
    languages = tuple(i18n.check_language(language) for language in options.languages)
    single = languages[0] if len(languages) == 1 else None
    # The FEZ belongs to our zones: a user's file says nothing of it.
    ours = options.zones.path is None
    title = options.title or (None if ours else Path(options.zones.path).stem)
    return BuildPlan(
        languages=languages,
        language=single or DEFAULT_LANGUAGE,
        csv_language=single,
        zone_ids=tuple(maps.zone_map_ids(zones, options.zone_maps, audit)),
        fez=load_fez_districts() if ours else None,
        title=title,
        screenshots=options.screenshots,
        pdf=options.pdf,
    )


def planned_outputs(zones: gpd.GeoDataFrame, options: BuildOptions, audit: AuditResult | None = None) -> list[str]:
    """Names of every file :func:`build` writes into its output folder (:attr:`BuildPlan.files`)."""
    return plan(options, zones, audit).files


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote (in the order written), the plan it followed and the audit it is built on."""

    files: list[Path]
    audit: AuditResult
    plan: BuildPlan | None = None
    #: ``(name, size in bytes)`` of each file written into the output folder, in the order written.
    sizes: list[tuple[str, int]] = field(default_factory=list)


def build(out: str | os.PathLike, *, options: BuildOptions = BuildOptions()) -> list[Path]:
    """Build every output into the folder ``out`` and return the paths written, in the order written.

    As :func:`run`, which also returns the audit.
    """
    return run(out, options=options).files


def run(out: str | os.PathLike, *, options: BuildOptions = BuildOptions()) -> BuildResult:
    """Build every output into the folder ``out``; return the files written and the audit.

    Raises
    ------
    InputError
        For anything wrong with the inputs; raised before any file is written.
    OutputError
        If ``out`` is a file, or an output would overwrite an input; raised before any file is written.
    """
    zones, audit = audit_source(options.zones, load_claims(options.claims), tolerance=options.tolerance)
    the_plan = plan(options, zones, audit)
    folder = OutputFolder(out, protect=options.inputs)
    folder.refuse_overwriting(the_plan.files)
    user_overlays = _user_overlays(options, zones)
    if the_plan.screenshots or the_plan.pdf:
        from . import screenshot

        screenshot.require_browser()
    points, context = load_points(), load_context()
    locations = location.location_table(zones, load_destinations())

    report.write_reports(folder, audit, language=the_plan.csv_language)
    location.write_locations(folder, locations, language=the_plan.csv_language)
    distance = overlays.write_distance_raster(
        folder / overlays.DISTANCE_FILE, points, zones, resolution_m=_distance_resolution_m(zones)
    )
    map_options = maps.MapOptions(
        context=context,
        points=points,
        overlays=(overlays.distance_overlay(distance), *user_overlays),
        assets=options.assets,
        title=the_plan.title,
    )
    map_files = maps.write_maps(
        folder,
        zones,
        audit,
        map_options,
        languages=the_plan.languages,
        zone_ids=the_plan.zone_ids,
        fez=the_plan.fez,
        index=False,
    )
    if the_plan.screenshots:
        from . import screenshot

        screenshot.screenshot_files(map_files, folder)
    if the_plan.pdf:
        from . import screenshot

        with screenshot.browser() as open_browser:
            shared = {
                "languages": the_plan.languages,
                "context": context,
                "points": points,
                "fez": the_plan.fez,
                "title": the_plan.title,
                "open_browser": open_browser,
            }
            factsheet.write_factsheets(folder, zones, audit, zone_ids=the_plan.zone_ids, locations=locations, **shared)
            factsheet.write_summaries(folder, zones, audit, **shared)
    export.export_geopackage(
        folder / export.GEOPACKAGE_NAME,
        zones,
        audit,
        points=points,
        context=context,
        language=the_plan.language,
        fez=the_plan.fez if audit.fez is not None else None,
        title=the_plan.title,
    )
    export.export_geojson(folder / export.GEOJSON_NAME, zones, audit)
    # Last, once every output exists: the index pages link each file with its size.
    maps.write_index(
        folder,
        zones,
        audit,
        languages=the_plan.languages,
        title=the_plan.title,
        files=folder.sizes(),
        zone_ids=the_plan.zone_ids,
        fez=the_plan.fez,
        locations=locations,
    )
    log.info("built %d files into %s", len(folder.written), folder.path)
    return BuildResult(files=[file.path for file in folder.written], audit=audit, plan=the_plan, sizes=folder.sizes())


def _distance_resolution_m(zones: gpd.GeoDataFrame) -> float:
    """The distance raster's pixel size: 50 m, coarser where its extent would need more than 2 million pixels.

    The raster covers the in-belt zones (all zones when none is in the belt; a national file spans the
    country), plus a margin, as :func:`geo.raster.overlays.distance_to_transport` does.
    """
    in_belt = zones[zones["in_belt"].astype(bool)] if "in_belt" in zones else zones
    west, south, east, north = (in_belt if len(in_belt) else zones).to_crs(PLANAR_CRS).total_bounds
    margin = 2 * overlays.DISTANCE_MARGIN_M
    pixels = (east - west + margin) * (north - south + margin) / overlays.DISTANCE_RESOLUTION_M**2
    scale = max(1.0, math.sqrt(pixels / DISTANCE_MAX_PIXELS))
    return overlays.DISTANCE_RESOLUTION_M * math.ceil(scale)


def _user_overlays(options: BuildOptions, zones: gpd.GeoDataFrame) -> list[overlays.RasterOverlay]:
    """The overlay of ``options.raster`` (read and checked before the build writes anything), or none."""
    if options.raster is None:
        return []
    overlay = overlays.raster_overlay(options.raster, band=options.raster_band, band_option="--raster-band")
    (south, west), (north, east) = overlay.bounds
    lon_min, lat_min, lon_max, lat_max = zones.to_crs(GEOGRAPHIC_CRS).total_bounds
    if east < lon_min or west > lon_max or north < lat_min or south > lat_max:
        raise InputError(
            f"{Path(options.raster).name}: covers none of the zones (it lies at {south:.3f}–{north:.3f} N, "
            f"{west:.3f}–{east:.3f} E); check its CRS or pass a raster of the zones' area"
        )
    return [overlay]
