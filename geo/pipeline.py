"""The build: every output of the product, from one set of options, in one plain sequence of steps.

:func:`build` loads the zones and claims, audits them, checks everything that can fail on the input before
the first file is written (outputs over inputs, ``--out`` being a file, a raster that misses the zones, a
missing browser), then writes, in this order:

1. the audit reports (:mod:`geo.report`);
2. the distance-to-transport raster and the overlays the maps draw (:mod:`geo.raster.overlays`);
3. the HTML maps (belt, FEZ for our zones, the zone maps ``zone_maps`` chooses) and index pages, and PNGs
   and PDF fact sheets when asked (:mod:`geo.maps`, :mod:`geo.screenshot`, :mod:`geo.factsheet`);
4. the GeoPackage and GeoJSON (:mod:`geo.export`).

Each of those modules declares the names it writes (``output_files``); :func:`planned_outputs` collects them,
so the check that no output overwrites an input has a single source.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from . import export, factsheet, maps, report
from ._errors import InputError, OutputError
from .audit import AuditResult
from .fez import FEZ_DISTRICTS_FILE, load_fez_districts
from .layers import ZoneSource, load_claims, load_context, load_points
from .raster import overlays
from .settings import CLAIMS_FILE, CONTEXT_FILE, DEFAULT_TOLERANCE, GEOGRAPHIC_CRS, LANGUAGES, PLANAR_CRS, POINTS_FILE
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
        Languages of the maps; the GeoPackage's labels are in the first when there is one, else English.
    raster : Path or None
        A raster (any CRS) to draw as an overlay on the maps.
    raster_band : int
        Band of ``raster`` to draw, from 1.
    assets : str
        ``inline`` (self-contained maps) or ``cdn``.
    screenshots : bool
        Also write a PNG of every map (needs Chromium).
    pdf : bool
        Also write an A4 PDF fact sheet per map and language (needs Chromium).
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
    def fez_map(self) -> bool:
        """Whether the build draws the Free Economic Zone map: for our zones (a user's file says nothing of it)."""
        return self.zones.path is None

    @property
    def display_title(self) -> str | None:
        """The title outputs show: ``title``, else for a user's zone file its name, else None (the belt's)."""
        if self.title:
            return self.title
        return None if self.zones.path is None else Path(self.zones.path).stem

    @property
    def export_language(self) -> str:
        """Language of the GeoPackage's labels and titles."""
        return self.languages[0] if len(self.languages) == 1 else export.DEFAULT_LANGUAGE

    @property
    def inputs(self) -> tuple[Path, ...]:
        """Every file the build reads; none of them is ever written."""
        named = (self.zones.file, self.claims or CLAIMS_FILE, POINTS_FILE, CONTEXT_FILE, FEZ_DISTRICTS_FILE)
        return tuple(Path(p) for p in (*named, *([self.raster] if self.raster else ())))


def planned_outputs(zones: gpd.GeoDataFrame, options: BuildOptions, audit: AuditResult | None = None) -> list[str]:
    """Names of every file :func:`build` writes into its output folder, as each output module declares them.

    ``audit`` (of the zones) decides, with ``options.zone_maps`` ``auto``, which zones with claims get a map.
    """
    return [
        *report.output_files(),
        *overlays.output_files(),
        *maps.output_files(
            maps.zone_map_ids(zones, options.zone_maps, audit),
            options.languages,
            screenshots=options.screenshots,
            fez=options.fez_map,
        ),
        *export.output_files(),
        *(
            factsheet.output_files(
                maps.zone_map_ids(zones, options.zone_maps, audit), options.languages, fez=options.fez_map
            )
            if options.pdf
            else ()
        ),
    ]


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote (in the order written) and the audit it is built on."""

    files: list[Path]
    audit: AuditResult


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
    out = Path(out)
    zones, audit = audit_source(options.zones, load_claims(options.claims), tolerance=options.tolerance)
    _refuse_building_over_inputs(out, planned_outputs(zones, options, audit), options.inputs)
    user_overlays = _user_overlays(options, zones)
    if options.screenshots or options.pdf:
        from . import screenshot

        screenshot.require_browser()
    points, context = load_points(), load_context()
    districts = load_fez_districts() if options.fez_map else None
    inputs = options.inputs

    written = report.write_reports(out, audit, inputs=inputs)
    distance = overlays.write_distance_raster(
        out / overlays.DISTANCE_FILE, points, zones, resolution_m=_distance_resolution_m(zones), inputs=inputs
    )
    written.append(distance)
    map_files = maps.write_maps(
        out,
        zones,
        audit,
        languages=options.languages,
        context=context,
        points=points,
        overlays=[overlays.distance_overlay(distance), *user_overlays],
        assets=options.assets,
        title=options.display_title,
        inputs=inputs,
        zone_maps=options.zone_maps,
        fez=districts,
    )
    written += [*map_files, *(out / name for name in maps.index_files(options.languages))]
    if options.screenshots:
        from . import screenshot

        written += screenshot.screenshot_files(map_files)
    if options.pdf:
        written += factsheet.write_factsheets(
            out,
            zones,
            audit,
            languages=options.languages,
            context=context,
            points=points,
            inputs=inputs,
            zone_ids=maps.zone_map_ids(zones, options.zone_maps, audit),
            fez=districts,
        )
    written += _export(out, zones, audit, points=points, context=context, districts=districts, options=options)
    # Last, once every output exists: the index pages link each file with its size.
    maps.write_index(
        out,
        zones,
        audit,
        languages=options.languages,
        title=options.display_title,
        files=[(p.name, p.stat().st_size) for p in written if p.parent == out],
        inputs=inputs,
        zone_maps=options.zone_maps,
        fez=options.fez_map,
    )
    log.info("built %d files into %s", len(written), out)
    return BuildResult(files=written, audit=audit)


def _export(
    out: Path,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    points: gpd.GeoDataFrame,
    context: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame | None,
    options: BuildOptions,
) -> list[Path]:
    gpkg = export.export_geopackage(
        out / export.GEOPACKAGE_NAME,
        zones,
        audit,
        points=points,
        context=context,
        language=options.export_language,
        fez=districts if audit.fez is not None else None,
        inputs=options.inputs,
        title=options.display_title,
    )
    geojson = export.export_geojson(out / export.GEOJSON_NAME, zones, audit, inputs=options.inputs)
    return [gpkg, geojson]


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


def _refuse_building_over_inputs(out: Path, outputs: list[str], inputs: tuple[Path, ...]) -> None:
    """OutputError if ``out`` is a file, or if one of ``outputs`` in ``out`` is one of ``inputs``."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: is a file, not a folder; pass --out a folder")
    names = set(outputs)
    for source in inputs:
        same_folder = source.exists() and source.resolve().parent == out.resolve()
        if same_folder and source.name in names:
            raise OutputError(f"{source}: the build would write over it; pass --out another folder")


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
