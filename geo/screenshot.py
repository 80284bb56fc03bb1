"""Static PNGs of the HTML maps, taken in headless Chromium through Playwright with the network blocked.

The system's Chromium is used (no browser download): the first of :data:`CHROMIUM_NAMES` on the PATH, or
the executable named by the environment variable :data:`CHROMIUM_ENV`. Only ``file:`` and ``data:`` URLs
load, so a screenshot shows the map's own data on a plain background, the same with or without a network,
and basemap tiles are absent.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from ._errors import OutputError
from .io import OutputFile, OutputFolder

log = logging.getLogger(__name__)

#: Environment variable naming the Chromium executable; otherwise these names are looked up on the PATH.
CHROMIUM_ENV: Final = "CHROMIUM_PATH"
CHROMIUM_NAMES: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Flags for a quiet, sandbox-free headless run in containers and CI.
CHROMIUM_ARGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
#: URL schemes a page may load; everything else (tiles, CDNs) is aborted.
ALLOWED_SCHEMES: Final = ("file:", "data:", "about:")
#: Viewport of the screenshots in CSS pixels, and the device pixel ratio (2 = sharp on high-DPI screens).
VIEWPORT: Final = {"width": 1280, "height": 800}
DEVICE_SCALE_FACTOR: Final = 1
#: Milliseconds to wait after load for Leaflet to draw (fit bounds, fonts).
SETTLE_MS: Final = 500


def chromium_executable() -> str | None:
    """Path of the Chromium to drive, or None if there is none."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return named if Path(named).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_browser() -> str:
    """The Chromium executable screenshots will use; OutputError with the fix if it or playwright is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise OutputError("screenshots need the Python package playwright; pip install playwright") from None
    executable = chromium_executable()
    if executable is None:
        raise OutputError(
            f"screenshots need Chromium; install it (Debian: apt-get install chromium fonts-noto-cjk) "
            f"or set {CHROMIUM_ENV} to its executable"
        )
    return executable


@contextlib.contextmanager
def browser() -> Iterator[object]:
    """A headless Chromium (``playwright.sync_api.Browser``); raises OutputError if it cannot start."""
    executable = require_browser()
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        except PlaywrightError as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise OutputError(f"{executable}: Chromium did not start ({first_line})") from None
        try:
            yield launched
        finally:
            launched.close()


def offline_page(open_browser, *, blocked: list[str] | None = None):
    """A new page in ``open_browser`` that loads only file:/data: URLs; others are aborted (and listed)."""
    context = open_browser.new_context(viewport=VIEWPORT, device_scale_factor=DEVICE_SCALE_FACTOR)

    def route(route) -> None:
        url = route.request.url
        if url.startswith(ALLOWED_SCHEMES):
            route.continue_()
        else:
            if blocked is not None:
                blocked.append(url)
            route.abort()

    context.route("**/*", route)
    return context.new_page()


def screenshot(html: str | os.PathLike, png: OutputFile | str | os.PathLike, *, open_browser=None) -> Path:
    """Write a PNG of the map in ``html`` to ``png`` (atomically, never over ``html``), with tiles absent.

    Parameters
    ----------
    html
        A map file written by :func:`geo.maps.write_maps`.
    open_browser
        A browser from :func:`browser` to reuse; one is started (and closed) otherwise.
    """
    if open_browser is None:
        with browser() as started:
            return screenshot(html, png, open_browser=started)
    page = offline_page(open_browser)
    try:
        page.goto(Path(html).resolve().as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready")
        page.wait_for_timeout(SETTLE_MS)
        data = page.screenshot(type="png")
    finally:
        page.context.close()
    if not isinstance(png, OutputFile):
        png = OutputFolder(Path(png).parent, protect=(html,)) / Path(png).name
    return png.bytes(data)


def screenshot_files(htmls: Iterable[str | os.PathLike], out: OutputFolder | None = None) -> list[Path]:
    """A PNG beside each HTML map (same name, ``.png``), with one browser for all.

    ``out``: the folder of the maps, whose protected files are never written over (default: each map's own).
    """
    written = []
    with browser() as started:
        for html in htmls:
            name = Path(html).with_suffix(".png").name
            folder = out if out is not None else OutputFolder(Path(html).parent, protect=(html,))
            written.append(screenshot(html, folder / name, open_browser=started))
            log.info("screenshot %s", written[-1])
    return written
