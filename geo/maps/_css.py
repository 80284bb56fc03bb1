"""The maps' stylesheet: type scale, panel, popups, labels, controls, phone widths and print (A4).

Set once per map in the page's ``<head>`` (:func:`geo.maps._base.new_map`). The rules are ``static/map.css``
after the shared ``static/theme.css``; the panel's width and the belt's colour come from Python as custom
properties. The phone-width media query keeps its literal breakpoint (a media query cannot use a custom
property); a test checks it against :data:`geo.maps._layout.NARROW_PX`.
"""

from __future__ import annotations

from typing import Final

from .. import style
from . import _static
from ._layout import PANEL_WIDTH_PX

# Type scale (px): 16 panel title, 15 popup title, 13 section headings, 12 body, 11 small print and labels.
CSS: Final = _static.stylesheet(
    "map.css",
    {"panel-width": f"{PANEL_WIDTH_PX}px", "belt-color": style.BELT_COLOR},
)
