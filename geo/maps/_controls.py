"""The JavaScript of the controls no PyPI package ships: zoom and scale, full screen, the area measure tool,
and the opacity slider of a raster overlay (``static/controls.js``, ``static/overlay.js``).

Each runs inside :class:`geo.maps._leaflet.Script` or :class:`geo.maps._leaflet.Control` and reads its
translated strings from ``t``; nothing here formats user data.
"""

from __future__ import annotations

from typing import Final

from . import _static

# Shown while its overlay is on: the opacity slider sets the overlay's opacity.
OVERLAY_JS: Final = _static.read("overlay.js")

# Metric scale bar, zoom buttons with translated titles, a full-screen button and the area measure tool.
# The measured area is computed on the authalic sphere of GRS80 (radius R_q, latitudes converted to
# authalic latitudes, which keeps areas), each edge a great circle there: geo.area's great-circle sum
# without its sliver term, within 1e-6 of the GRS80 geodesic polygon for sites up to 10 km across (checked
# against geo.area_m2 in the browser tests, diagonal edges included). The perimeter is Leaflet's spherical
# distance (R = 6371 km). The factors to pyeong and hectares come from geo.units (t.pyeong_per_m2, t.m2_per_ha).
CONTROLS_JS: Final = _static.read("controls.js")
