"""The layout of a map on any screen and on paper: the script that fits the map, places the panel, popups
and labels, the north arrow shown in print, and the widths and breakpoints they and the stylesheet share.

The scripts are ``static/layout.js`` and ``static/north.js``; they read these numbers from ``t``
(:func:`geo.maps._base.fit`).
"""

from __future__ import annotations

from typing import Final

from . import _static

#: Width (CSS pixels) below which, or height below which, the panel starts closed; its widest; popups' widest.
NARROW_PX: Final = 700
SHORT_PX: Final = 480
PANEL_WIDTH_PX: Final = 360
POPUP_WIDTH_PX: Final = 420


# The layout of a map on any screen and on paper, run last:
# - on narrow or short maps the panel (a <details>) starts closed, a one-line bar; it never covers the controls
#   on the left (its width is capped beside them) nor those at the bottom (its height is capped above them);
# - the scale bar (bottom left) is lifted above the attribution (bottom right) where they would overlap;
# - the map opens fitted to t.bounds within the part of the map the panel and controls leave free: the
#   panel beside the map or above it, whichever gives the closer view;
# - popups pan clear of the panel, the controls and the edges (autoPanPadding from the same free area), their
#   size capped to it; on narrow maps opening one closes the panel;
# - labels: where two overlap the one of lower priority is hidden (zones 3, points 2, dongs 1); a zone label
#   first tries one line above and below; recomputed on every zoom;
# - printing (or print emulation) and any change of size lay it out again and refit.
LAYOUT_JS: Final = _static.read("layout.js")

# A north arrow (shown in print, where the map stands alone on paper).
NORTH_JS: Final = _static.read("north.js")
