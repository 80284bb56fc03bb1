"""The JavaScript and CSS of the maps, the index pages and the fact sheets: package files in ``geo/maps/static/``.

They are read once through :mod:`importlib.resources` (so an installed package finds them as well as a
checkout) and inlined into the pages as they are; the modules that use them keep the names callers import
(``CONTROLS_JS``, ``CSS``, …).
"""

from __future__ import annotations

import functools
from importlib import resources

#: The folder of the files, inside this package.
STATIC_DIR = "static"


@functools.cache
def read(name: str) -> str:
    """The text of the static file ``name`` (e.g. ``"controls.js"``)."""
    return resources.files(__package__).joinpath(STATIC_DIR, name).read_text(encoding="utf-8")
