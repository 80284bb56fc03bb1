"""Settings: typed module constants, each with its meaning and unit.

CRSs
----
GEOGRAPHIC_CRS : str
    EPSG:4326, WGS84 longitude/latitude in degrees. Used only to store and draw; never to measure.
PLANAR_CRS : str
    EPSG:5186, KGD2002 / Central Belt 2010 (Transverse Mercator on GRS80), the CRS Korean practice quotes
    planar areas in. Reported beside the ellipsoidal area, never instead of it.
ELLIPSOID : str
    GRS80, the ellipsoid of KGD2002; all reference areas are geodesic areas on it.

Units
-----
M2_PER_PYEONG : float
    1 pyeong = 400/121 m² exactly (a square of 6 shaku: (20/11 m)²).
M2_PER_HA, M2_PER_KM2 : float
    1 ha = 10,000 m², 1 km² = 1,000,000 m².

Tolerances
----------
DEFAULT_TOLERANCE : float
    Relative tolerance of the claims audit: a claim holds when |measured − claimed| / claimed ≤ this (2 %).
KOREA_BOUNDS_LONLAT : tuple of float
    (min lon, min lat, max lon, max lat) in degrees, generous bounds of South Korea including its islands:
    coordinates outside are reported as a wrong CRS.
COORDINATE_DECIMALS : int
    Decimals kept for degrees in HTML and GeoJSON (6 decimals ≈ 0.1 m).

Data and outputs
----------------
LAYERS_DIR : pathlib.Path
    The bundled layers (zones, claims, points, context): the project's ``layers/`` folder, shipped inside
    the installed package and found with :mod:`importlib.resources`, so an installed command works from any
    folder.
DESTINATIONS_FILE : pathlib.Path
    The places the location table gives distances to (airports, the KTX station, ports, the nearest
    expressway interchange), each with its source; a row without coordinates is "not available".
DEFAULT_OUT : pathlib.Path
    Where ``build`` writes unless told otherwise: ``maps`` in the current folder.
LANGUAGES : tuple of str
    Language codes of every output, in the order they are built.
DEFAULT_LANGUAGE : str
    The language of an output that has one language when none is asked for (``audit.md``, the GeoPackage's
    labels, a terminal report, a map made without ``language``).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import Final

GEOGRAPHIC_CRS: Final = "EPSG:4326"
PLANAR_CRS: Final = "EPSG:5186"
WEB_MERCATOR_CRS: Final = "EPSG:3857"
ELLIPSOID: Final = "GRS80"

M2_PER_PYEONG: Final = 400 / 121
M2_PER_HA: Final = 10_000.0
M2_PER_KM2: Final = 1_000_000.0

DEFAULT_TOLERANCE: Final = 0.02
KOREA_BOUNDS_LONLAT: Final = (124.0, 32.8, 132.0, 38.9)
COORDINATE_DECIMALS: Final = 6

TOOL_NAME: Final = "triangle-belt"
LAYERS_DIR: Final = Path(str(files("geo") / "_layers"))
DEFAULT_OUT: Final = Path("maps")

ZONES_FILE: Final = LAYERS_DIR / "zones.geojson"
CLAIMS_FILE: Final = LAYERS_DIR / "claims.csv"
POINTS_FILE: Final = LAYERS_DIR / "points.csv"
CONTEXT_FILE: Final = LAYERS_DIR / "context.geojson"
DESTINATIONS_FILE: Final = LAYERS_DIR / "destinations.csv"

LANGUAGES: Final = ("ko", "en", "ja")
DEFAULT_LANGUAGE: Final = "en"


def tool_version() -> str:
    """The installed version of this package, or ``unknown`` when it runs from an uninstalled checkout."""
    try:
        return version(TOOL_NAME)
    except PackageNotFoundError:
        return "unknown"
