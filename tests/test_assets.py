"""Leaflet inlined from xstatic-leaflet, per map instance, with its CSS images as data URLs."""

from __future__ import annotations

import re

import folium
import pytest

from geo.maps import _assets


def test_leaflet_package_matches_folium():
    assert _assets.LEAFLET_VERSION in dict(folium.Map.default_js)["leaflet"]
    assert (_assets.leaflet_dir() / "leaflet.js").exists()


def test_css_images_are_inlined():
    css = _assets.leaflet_css()
    assert "url(images/" not in css
    assert 'url("data:image/png;base64,' in css
    assert ".leaflet-control-layers-toggle" in css


def test_marker_icons_point_at_data_urls():
    script = _assets.marker_icon_script()
    assert script.count("data:image/png;base64,") == 3
    assert "L.Icon.Default.imagePath = ''" in script


def test_leaflet_js_has_no_source_map_request():
    js = _assets.leaflet_js()
    assert "sourceMappingURL" not in js
    assert "</script" not in js


def test_inline_assets_replace_folium_defaults_on_the_instance_only():
    defaults_js, defaults_css = list(folium.Map.default_js), list(folium.Map.default_css)
    inline = folium.Map(tiles=None)
    _assets.use_assets(inline, mode="inline")
    html = inline.get_root().render()
    assert folium.Map.default_js == defaults_js and folium.Map.default_css == defaults_css
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', html)
    assert "L.Icon.Default.mergeOptions" in html
    # another map keeps folium's defaults
    assert "bootstrap" in folium.Map(tiles=None).get_root().render()


def test_cdn_mode_links_leaflet_only():
    linked = folium.Map(tiles=None)
    _assets.use_assets(linked, mode="cdn")
    html = linked.get_root().render()
    links = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert sorted(links) == sorted([_assets.LEAFLET_CDN_JS, _assets.LEAFLET_CDN_CSS])


def test_unknown_mode():
    with pytest.raises(ValueError, match="unknown asset mode 'offline'"):
        _assets.use_assets(folium.Map(tiles=None), mode="offline")
