"""The land-use map of a zone: its parcels coloured by land category (지목), a million of them in one offline file.

:func:`landuse_map` draws the parcels the land audit (:func:`geo.parcels.land_audit`) read within a zone's
extent, coloured by category, with the zone's outline; the panel gives the audit's findings for the zone and a
legend of the categories drawn with their share of the zone's area (from the audit). Tapping a parcel opens its
PNU, lot number, category and GRS80 area in m² and pyeong, tested against its unsimplified geometry.

The parcels travel in the page as one gzip'd binary stream (:mod:`geo.maps._packed`), drawn by
``static/landuse.js`` on one canvas, only where visible and simplified to the zoom level, so a file of a million
parcels stays under 60 MB and opens in seconds (see the parcels benchmark). The basemaps are in the layers menu
but off: the page makes no request. :func:`write_landuse_maps` writes one file per zone and language.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _format as fmt
from .. import i18n, land, units
from .._html import escape
from ..area import area_m2
from ..io import OutputFolder, output_folder
from ..settings import GEOGRAPHIC_CRS, LANGUAGES
from . import _static
from ._base import (
    MapOptions,
    MapPage,
    add_controls,
    add_panel,
    build_date,
    fit,
    map_options,
    new_map,
    render_html,
)
from ._packed import pack_parcels
from ._text import qty, zone_title

log = logging.getLogger(__name__)

#: Colour of each land category by code (and of ``unknown``): fields and orchards in yellows and ochres,
#: forest and parks in greens, water in blues, building, factory and storage land in reds and violets,
#: transport in greys, special uses in browns.
CATEGORY_COLORS: Final[dict[str, str]] = {
    "전": "#f3e08a",
    "답": "#d9e86b",
    "과": "#e6b84f",
    "목": "#c8d89a",
    "임": "#3f8f4a",
    "광": "#8fc7c7",
    "염": "#cfe6f2",
    "대": "#e8766d",
    "장": "#9b59b6",
    "학": "#f0a8c8",
    "차": "#b8b8b8",
    "주": "#c0392b",
    "창": "#b07cc6",
    "도": "#8c8c8c",
    "철": "#5d5d5d",
    "제": "#a98b5f",
    "천": "#4a90d9",
    "구": "#7fb3e6",
    "유": "#2e6fb7",
    "양": "#5fb8c8",
    "수": "#6aa8a0",
    "공": "#7cc36f",
    "체": "#b5d96b",
    "원": "#98d4a0",
    "종": "#d7a86e",
    "사": "#a0522d",
    "묘": "#8a9a5b",
    "잡": "#d9c7a7",
    land.UNKNOWN_CODE: "#ffffff",
}
#: Colour of the parcels' outlines (drawn once parcels are large enough on screen) and of the zone outline.
OUTLINE_COLOR: Final = "#ffffff"
ZONE_OUTLINE_COLOR: Final = "#111111"
ZONE_OUTLINE_WEIGHT: Final = 3
#: Parcels smaller than this on screen (CSS pixels) are drawn as their bounding box, larger ones as polygons.
LOD_PX: Final = 4
#: A polygon's vertex closer than this (CSS pixels) to the last one drawn is skipped.
SIMPLIFY_PX: Final = 0.75
#: Parcels at least this wide on screen (CSS pixels) get their outlines drawn.
OUTLINE_PX: Final = 12
#: Map files: ``landuse_<zone stem>_<language>.html``.
LANDUSE_STEM: Final = "landuse"
#: The script that decodes and draws the parcels, and the few rules of its legend and canvas (``static/``).
LANDUSE_JS: Final = _static.read("landuse.js")
LANDUSE_CSS: Final = _static.read("landuse.css")
#: Where an area's HTML goes in a message escaped as text (letters only: escaping leaves it as it is).
_AREA_SLOT: Final = "AREAHTMLSLOT"
#: Category numbers in statutory order, unknown (0) last.
_NUMBERS: Final = [*range(1, len(land.CATEGORIES) + 1), 0]


def category_numbers(parcels: pd.DataFrame, *, land_field: str = "jibun", land_source: str = "jibun") -> np.ndarray:
    """The statutory number (1-28, 0 unknown) of each parcel's land category, read as the audit reads it."""
    values = parcels[land_field]
    if land_source == "jibun":
        return land.category_numbers_from_jibun(values)
    return land.category_numbers_from_values(values)


def landuse_map(
    zones: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    audit: pd.DataFrame,
    feature_id: str,
    options: MapOptions | None = None,
    **changes: object,
) -> MapPage:
    """The land-use map of one zone (``feature_id``): its parcels by category, the audit's findings and legend.

    Parameters
    ----------
    zones
        The zones the audit was run on (any CRS), with ``feature_id`` and names.
    parcels
        The parcels to draw (any CRS): polygons with ``pnu``, ``jibun`` and ``category_number`` (statutory
        number 0-28, :func:`category_numbers`), e.g. :func:`geo.parcels.read_parcels` within the zone's extent.
        Each parcel's area is measured here on GRS80 (:func:`geo.area.area_m2`).
    audit
        The land audit's long table (:func:`geo.parcels.land_audit`): every figure in the panel comes from it.
    options, changes
        :class:`MapOptions` (language, title, date, assets); ``changes`` replaces fields by name.
    """
    import folium
    from branca.element import Element

    from . import _leaflet

    options = map_options(options, **changes)
    language = options.language
    zone = zones[zones["feature_id"].astype(str) == str(feature_id)].to_crs(GEOGRAPHIC_CRS)
    rows = audit[audit["feature_id"].astype(str) == str(feature_id)]
    if zone.empty or rows.empty:
        raise ValueError(f"no zone {feature_id!r} in both the zones and the land audit")
    geographic = parcels.to_crs(GEOGRAPHIC_CRS) if parcels.crs is not None else parcels
    page = new_map(zone.total_bounds, language=language, assets=options.assets)
    for child in page.folium_map._children.values():
        if isinstance(child, folium.TileLayer):
            child.show = False  # offered in the layers menu, but no tile is requested until one is chosen
    name = zone_title(zone, language)
    title = f"{name} — {i18n.text('landuse_title', language)}"
    page.figure.title = escape(title)
    page.figure.header.add_child(Element(f"<style>{LANDUSE_CSS}</style>"), name="tb_landuse_css")

    numbers = np.asarray(geographic["category_number"], dtype=np.int64)
    packed = pack_parcels(
        np.asarray(geographic.geometry.values, dtype=object),
        categories=numbers,
        areas_m2=area_m2(geographic.geometry).to_numpy() if len(geographic) else np.zeros(0),
        pnu=list(geographic["pnu"]) if "pnu" in geographic else [None] * len(geographic),
        jibun=list(geographic["jibun"]) if "jibun" in geographic else [None] * len(geographic),
    )
    layer = folium.FeatureGroup(name=escape(i18n.text("layer_parcels", language)), show=True)
    page.add(layer)
    page.add(_leaflet.Script(LANDUSE_JS, data={**_script_data(packed, language), "group": layer.get_name()}))
    outline = folium.FeatureGroup(name=escape(i18n.text("landuse_zone_outline", language)), show=True)
    outline.add_child(_leaflet.GeoJsonLayer(_outline_features(zone), interactive=False))
    page.add(outline)

    present = sorted(set(numbers.tolist()), key=_NUMBERS.index)
    panel, print_panel, short = _panel(rows, len(geographic), language)
    legend = _legend(rows, present, language)
    add_panel(
        page,
        title=title,
        short=short,
        short_class="tb-short",
        panel=panel,
        print_panel=print_panel,
        legend=legend,
        date=options.date,
    )
    add_controls(page)
    fit(page)
    return page


def _script_data(packed, language: str) -> dict:
    codes = [land.UNKNOWN_CODE if n == 0 else land.CODES[n] for n in range(len(land.CODES))]
    names = [_category_name(n, language) for n in range(len(land.CODES))]
    strings = {
        "pnu": i18n.text("landuse_pnu", language),
        "jibun": i18n.text("landuse_jibun", language),
        "category": i18n.text("landuse_category", language),
        "area": i18n.text("landuse_area", language),
        "unit_m2": i18n.text("unit_m2", language),
        "unit_pyeong": i18n.text("unit_pyeong", language),
        "missing": fmt.MISSING,
    }
    return {
        "blob": packed.base64,
        "header": packed.header,
        "colors": [CATEGORY_COLORS[code] for code in codes],
        "codes": ["" if n == 0 else codes[n] for n in range(len(codes))],
        "names": names,
        "strings": strings,
        "pyeong_per_m2": units.m2_to_pyeong(1.0),
        "lod_px": LOD_PX,
        "simplify_px": SIMPLIFY_PX,
        "outline_px": OUTLINE_PX,
        "outline_color": OUTLINE_COLOR,
    }


def _category_name(number: int, language: str) -> str:
    category = land.UNKNOWN if number == 0 else land.CATEGORIES[land.CODES[number]]
    return getattr(category, f"name_{language}")


def _outline_features(zone: gpd.GeoDataFrame) -> dict:
    style_ = {"color": ZONE_OUTLINE_COLOR, "weight": ZONE_OUTLINE_WEIGHT, "fill": False, "opacity": 0.9}
    features = [
        {"type": "Feature", "geometry": shapely.geometry.mapping(geometry), "properties": {"style": style_}}
        for geometry in zone.geometry
    ]
    return {"type": "FeatureCollection", "features": features}


def _area_text(area: float, language: str) -> str:
    m2 = qty(fmt.number(area), i18n.text("unit_m2", language))
    pyeong = qty(fmt.number(units.m2_to_pyeong(area)), i18n.text("unit_pyeong", language))
    return f"{m2} ({pyeong})"


def _panel(rows: pd.DataFrame, drawn: int, language: str) -> tuple[str, str, str]:
    """The panel's findings (HTML; on screen with how to use the map, on paper without) and the collapsed bar's
    line, all from the audit's rows of one zone."""
    first = rows.iloc[0]
    zone_area = float(first["zone_area_m2"])
    count = int(first["zone_parcels"])
    uncovered = float(first["uncovered_m2"])
    overlap = float(first["overlap_m2"])
    lines = [f"<p>{escape(i18n.text('landuse_zone_area', language))}: {_area_text(zone_area, language)}</p>"]
    if count:
        lines.append(f"<p>{escape(i18n.text('landuse_parcels', language, count=fmt.number(count)))}</p>")
    else:
        lines.append(f'<p class="tb-warn">{escape(i18n.text("landuse_no_parcels", language))}</p>')
    share = fmt.percent_share(uncovered / zone_area) if zone_area > 0 else fmt.MISSING
    uncovered_text = escape(i18n.text("landuse_uncovered", language, area=_AREA_SLOT, share=share))
    lines.append(f"<p>{uncovered_text.replace(_AREA_SLOT, _area_text(uncovered, language))}</p>")
    if overlap > 0:
        overlap_text = escape(i18n.text("landuse_overlap", language, area=_AREA_SLOT))
        lines.append(f'<p class="tb-warn">{overlap_text.replace(_AREA_SLOT, _area_text(overlap, language))}</p>')
    lines.append(f'<p class="tb-note">{escape(i18n.text("landuse_drawn", language, count=fmt.number(drawn)))}</p>')
    lines.append(f'<p class="tb-note">{escape(i18n.text("landuse_method", language))}</p>')
    on_screen = [
        f'<p class="tb-note">{escape(i18n.text("landuse_hint", language))}</p>',
        f'<p class="tb-note">{escape(i18n.text("landuse_offline", language))}</p>',
    ]
    short_key = "landuse_parcels" if count else "landuse_no_parcels"
    short = escape(i18n.text(short_key, language, count=fmt.number(count)))
    return "".join(lines + on_screen), "".join(lines), short


def _legend(rows: pd.DataFrame, present: list[int], language: str) -> str:
    """Every category drawn, in statutory order: its colour, name and share of the zone's area (from the audit)."""
    shares = {
        int(row["category_number"]): float(row["share"])
        for row in rows.to_dict("records")
        if isinstance(row["category"], str)
    }
    numbers = sorted(set(present) | set(shares), key=_NUMBERS.index)
    items = []
    for number in numbers:
        code = land.CODES[number]
        share = fmt.percent_share(shares[number]) if number in shares else i18n.text("landuse_outside_only", language)
        items.append(
            f'<div class="tb-row" data-category="{escape(code)}">'
            f'<span class="tb-swatch" style="background:{CATEGORY_COLORS[code]}"></span>'
            f"{escape(_category_name(number, language))}"
            f'<span class="tb-share">&nbsp;{escape(share)}</span></div>'
        )
    return f"<h2>{escape(i18n.text('landuse_legend', language))}</h2>{''.join(items)}"


def landuse_files(zones: gpd.GeoDataFrame, languages: Iterable[str] = LANGUAGES) -> dict[str, list[str]]:
    """The land-use map files by zone ``feature_id``: ``landuse_<stem>_<language>.html`` per language."""
    stems = fmt.file_stems(zones["feature_id"].astype(str))
    return {key: [f"{LANDUSE_STEM}_{stem}_{language}.html" for language in languages] for key, stem in stems.items()}


def write_landuse_maps(
    out: OutputFolder | str | os.PathLike,
    zones: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    audit: pd.DataFrame,
    options: MapOptions | None = None,
    *,
    languages: Iterable[str] = LANGUAGES,
    **changes: object,
) -> list[Path]:
    """Write the land-use map of every zone of ``audit``, per language, each with the parcels within its extent.

    ``parcels`` are as for :func:`landuse_map` (any CRS); each zone's map gets those whose bounding box meets the
    zone's. Files are named by :func:`landuse_files` and written atomically through ``out``.
    """
    out = output_folder(out)
    languages = [i18n.check_language(language) for language in languages]
    base = map_options(options, **changes)
    base = map_options(base, date=base.date or build_date())
    geographic = parcels.to_crs(GEOGRAPHIC_CRS)
    zones = zones.to_crs(GEOGRAPHIC_CRS)
    audited = set(audit["feature_id"].astype(str))
    zones = zones[zones["feature_id"].astype(str).isin(audited)]
    tree = shapely.STRtree(np.asarray(geographic.geometry.values, dtype=object))
    names = landuse_files(zones, languages)
    written: list[Path] = []
    for feature_id, zone in zones.groupby(zones["feature_id"].astype(str), sort=False):
        inside = np.unique(tree.query(shapely.box(*zone.total_bounds)))
        chosen = geographic.iloc[inside]
        for language, name in zip(languages, names[feature_id], strict=True):
            page = landuse_map(zones, chosen, audit, feature_id, map_options(base, language=language))
            written.append(out.text(name, render_html(page)))
    log.info("wrote %d land-use maps to %s", len(written), out.path)
    return written
