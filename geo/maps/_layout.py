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
# - the map opens on t.bounds within the part of the map the panel and controls leave free (beside or below
#   the panel, beside or below the controls on the left: whichever gives the closest view), with the zones,
#   markers and their labels inside it: after each fit, whatever still sticks out (a marker's pin above its
#   point, a label beside it) widens the padding on that side and the map is fitted again;
# - labels (any layer's: a label carries a priority, zones 3, points 2, context names 1) are placed by priority,
#   the most constrained first: each at the first of its candidate places (a point's name right, left, above or
#   below its marker; a zone's name on it, a line up or down, or half its width aside) that is inside the map
#   and clear of the panel, the controls, every marker and the labels already placed; else it is hidden;
#   placed again after every move and zoom;
# - popups pan clear of the panel, the controls and the edges, their size capped to the free area; on narrow
#   maps opening one closes the panel; when it closes, the map goes back to the view it had before (unless
#   the reader moved the map meanwhile);
# - printing (or print emulation) and any change of size lay it out again and refit; on paper the collapsed
#   lists of the printed findings are open, and the printed legend follows the map in the page.
LAYOUT_JS: Final = _static.read("layout.js")

# A north arrow (shown in print, where the map stands alone on paper).
NORTH_JS: Final = _static.read("north.js")
