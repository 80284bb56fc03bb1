"""Interactive HTML maps with folium: the belt, each zone, large parcel layers, and index pages.

- :mod:`geo.maps.core` — assembling a map (basemaps, layers, controls, fitting) and writing the files;
- :mod:`geo.maps.content` — what a map says: features, tooltips, popups, panels and legend;
- :mod:`geo.maps.fez` — the Free Economic Zone map;
- :mod:`geo.maps.index` — the index pages and the landing page.

Every map is one self-contained HTML file by default (Leaflet inlined from xstatic-leaflet); every string
from data is escaped before it reaches the page.
"""

from ._assets import ASSET_MODES
from .content import zone_distances_m, zone_title
from .core import (
    BELT_STEM,
    FEZ_STEM,
    INDEX_FILE,
    ZONE_MAPS_MODES,
    belt_map,
    build_date,
    index_files,
    map_title,
    output_files,
    parcels_map,
    render_html,
    write_index,
    write_maps,
    zone_file_stems,
    zone_map,
    zone_map_ids,
)
from .fez import fez_map
from .index import index_page, languages_index_page

__all__ = [
    "ASSET_MODES",
    "BELT_STEM",
    "FEZ_STEM",
    "INDEX_FILE",
    "ZONE_MAPS_MODES",
    "belt_map",
    "build_date",
    "fez_map",
    "index_files",
    "index_page",
    "languages_index_page",
    "map_title",
    "output_files",
    "parcels_map",
    "render_html",
    "write_index",
    "write_maps",
    "zone_distances_m",
    "zone_file_stems",
    "zone_map",
    "zone_map_ids",
    "zone_title",
]
