"""Interactive HTML maps with folium: the belt, each zone, the Free Economic Zone, large parcel layers, index pages.

The maps, one public module each:

- :mod:`geo.maps.belt` — the belt map and the zone maps;
- :mod:`geo.maps.fez` — the Free Economic Zone map;
- :mod:`geo.maps.parcels` — a map of many small polygons on one canvas;
- :mod:`geo.maps.files` — which zones get a map, the files' names, and writing the maps and index pages;
- :mod:`geo.maps.index` — the index pages and the landing page.

What a map says:

- :mod:`geo.maps.content` — features with their tooltips, popups and labels; the panels and the legend;
- :mod:`geo.maps.findings` — the claims tables and the audit's findings, failing claims first.

How a map is built (private helpers, shared by the maps above):

- ``_base`` — the maps' options (:class:`MapOptions`), a new map page (basemaps, assets, stylesheet), its
  panel, controls and layout, rendering;
- ``_context`` — legal dongs, ri and the border, and raster overlays; ``_canvas`` — the zone layer, on one
  canvas in the compact parcel encoding beyond 200 features; ``_text`` — names and quantities;
- ``_location`` — the location table (straight-line distances) of the index pages and fact sheets;
- ``_leaflet`` — the folium elements; ``_controls``, ``_layout``, ``_css`` — their JavaScript and stylesheet,
  files in ``static/`` read by ``_static``; ``_assets`` — Leaflet itself, inlined or from a CDN.

Every map is one self-contained HTML file by default (Leaflet inlined from xstatic-leaflet); every string
from data is escaped before it reaches the page.
"""

from ._assets import ASSET_MODES
from ._base import MapOptions, MapPage, Title, build_date, map_options, map_title, render_html
from ._location import location_section
from ._text import zone_title
from .belt import belt_map, zone_map
from .content import zone_distances_m
from .fez import fez_map
from .files import (
    BELT_STEM,
    FEZ_STEM,
    INDEX_FILE,
    ZONE_MAPS_MODES,
    index_files,
    map_files,
    output_files,
    write_index,
    write_maps,
    zone_file_stems,
    zone_map_ids,
)
from .index import index_page, languages_index_page
from .landuse import landuse_map, write_landuse_maps
from .parcels import parcels_map

__all__ = [
    "ASSET_MODES",
    "BELT_STEM",
    "FEZ_STEM",
    "INDEX_FILE",
    "ZONE_MAPS_MODES",
    "MapOptions",
    "MapPage",
    "Title",
    "belt_map",
    "build_date",
    "fez_map",
    "index_files",
    "index_page",
    "landuse_map",
    "languages_index_page",
    "location_section",
    "map_files",
    "map_options",
    "map_title",
    "output_files",
    "parcels_map",
    "render_html",
    "write_index",
    "write_landuse_maps",
    "write_maps",
    "zone_distances_m",
    "zone_file_stems",
    "zone_map",
    "zone_map_ids",
    "zone_title",
]
