"""Leaflet's JavaScript, CSS and images, inlined from the PyPI package xstatic-leaflet or linked from a CDN.

folium links its default assets (Leaflet, jQuery, Bootstrap, Font Awesome, awesome-markers) from CDNs. The
maps use none of folium's features that need more than Leaflet, so only Leaflet is kept, and by default it
is inlined: the page then makes no request but for basemap tiles. The choice is made per map instance
(``Map.default_js`` / ``Map.default_css`` set on the object), never by changing folium's class attributes.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path
from typing import Final

#: Leaflet as folium 0.20 links it; xstatic-leaflet 1.9.3.0 ships the same release.
LEAFLET_VERSION: Final = "1.9.3"
LEAFLET_CDN_JS: Final = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js"
LEAFLET_CDN_CSS: Final = f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css"
ASSET_MODES: Final = ("inline", "cdn")
_CSS_IMAGE = re.compile(r"url\(images/([\w.-]+\.png)\)")


def leaflet_dir() -> Path:
    """Folder of Leaflet's dist files inside xstatic-leaflet, checked against the version folium expects."""
    import xstatic.pkg.leaflet as xleaflet

    if xleaflet.VERSION != LEAFLET_VERSION:
        raise RuntimeError(
            f"xstatic-leaflet ships Leaflet {xleaflet.VERSION}, folium expects {LEAFLET_VERSION}; "
            f"install xstatic-leaflet=={LEAFLET_VERSION}.0"
        )
    return Path(xleaflet.BASE_DIR)


@functools.cache
def image_data_url(name: str) -> str:
    """``data:image/png;base64,…`` of one of Leaflet's images (``marker-icon.png``, ``layers.png``, …)."""
    data = (leaflet_dir() / "images" / name).read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


@functools.cache
def leaflet_js() -> str:
    """Leaflet's minified JavaScript, ready for an inline ``<script>`` element."""
    text = (leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    # The source-map comment would make developer tools request leaflet.js.map.
    return re.sub(r"//# sourceMappingURL=\S+\s*$", "", text).replace("</script", "<\\/script")


@functools.cache
def leaflet_css() -> str:
    """Leaflet's CSS with its images (layer-control icon, markers) inlined as data URLs."""
    text = (leaflet_dir() / "leaflet.css").read_text(encoding="utf-8")
    return _CSS_IMAGE.sub(lambda match: f'url("{image_data_url(match.group(1))}")', text)


def marker_icon_script() -> str:
    """JavaScript that points L.Icon.Default at inlined images.

    Leaflet finds its marker images from the CSS URL of ``.leaflet-default-icon-path``, which only works
    for a file path, so with inlined images the URLs are set explicitly.
    """
    return (
        "L.Icon.Default.imagePath = '';"
        "L.Icon.Default.mergeOptions({"
        f"iconUrl: '{image_data_url('marker-icon.png')}',"
        f"iconRetinaUrl: '{image_data_url('marker-icon-2x.png')}',"
        f"shadowUrl: '{image_data_url('marker-shadow.png')}'"
        "});"
    )


def use_assets(folium_map, *, mode: str = "inline") -> None:
    """Give ``folium_map`` (a :class:`folium.Map`) Leaflet only, inlined (``"inline"``) or linked (``"cdn"``).

    The lists are replaced on the instance, so other maps and folium's defaults are untouched.
    """
    from branca.element import Element

    if mode not in ASSET_MODES:
        raise ValueError(f"unknown asset mode {mode!r}; use one of {', '.join(ASSET_MODES)}")
    figure = folium_map.get_root()
    if mode == "cdn":
        folium_map.default_js = [("leaflet", LEAFLET_CDN_JS)]
        folium_map.default_css = [("leaflet_css", LEAFLET_CDN_CSS)]
        return
    folium_map.default_js = []
    folium_map.default_css = []
    # Appended after the figure's charset <meta>, which must come within the page's first 1024 bytes.
    figure.header.add_child(Element(f"<style>{leaflet_css()}</style>"), name="leaflet_css_inline")
    figure.header.add_child(
        Element(f"<script>{leaflet_js()}\n{marker_icon_script()}</script>"), name="leaflet_js_inline"
    )
