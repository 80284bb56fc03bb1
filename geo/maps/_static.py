"""The JavaScript and CSS of the maps, the index pages and the fact sheets: package files in ``geo/maps/static/``.

They are read once through :mod:`importlib.resources` (so an installed package finds them as well as a
checkout) and inlined into the pages as they are; the modules that use them keep the names callers import
(``CONTROLS_JS``, ``CSS``, …).

Values Python owns reach the files without formatting them: the scripts read numbers from the data object
of :class:`geo.maps._leaflet.Script` (``t``), and a stylesheet gets them as custom properties (``--tb-…``) in
a one-rule ``:root`` block written by :func:`stylesheet`. Fonts and colours the stylesheets share are in
``theme.css``, which :func:`stylesheet` puts first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources

#: The folder of the files, inside this package.
STATIC_DIR = "static"
#: The stylesheet every page gets first: shared fonts and colours as custom properties.
THEME = "theme.css"
_PROPERTY_NAME = re.compile(r"[a-z][a-z0-9-]*")
#: A value is a number with its unit, a colour, a font list…: nothing that could end the rule or the element.
_PROPERTY_VALUE = re.compile(r"[^;{}<>\\]+")


@functools.cache
def read(name: str) -> str:
    """The text of the static file ``name`` (e.g. ``"controls.js"``)."""
    return resources.files(__package__).joinpath(STATIC_DIR, name).read_text(encoding="utf-8")


def custom_properties(values: Mapping[str, object]) -> str:
    """``:root{--tb-name:value;…}``: Python's values for a stylesheet to use as ``var(--tb-name)``."""
    declarations = []
    for name, value in values.items():
        text = str(value)
        if not _PROPERTY_NAME.fullmatch(name) or not _PROPERTY_VALUE.fullmatch(text):
            raise ValueError(f"not a custom property for a stylesheet: --tb-{name}: {text!r}")
        declarations.append(f"--tb-{name}:{text}")
    return ":root{" + ";".join(declarations) + "}\n" if declarations else ""


def stylesheet(name: str, values: Mapping[str, object] | None = None) -> str:
    """``theme.css``, then ``values`` as custom properties (:func:`custom_properties`), then the file ``name``."""
    return read(THEME) + custom_properties(values or {}) + read(name)
