"""PNGs of the maps from headless Chromium (skipped without it, except under CI=true)."""

from __future__ import annotations

import struct

import pytest

from geo import _errors, maps, screenshot

pytestmark = pytest.mark.browser


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_screenshot_files_writes_a_png_beside_each_map(tmp_path, belt_zones, belt_audit, needs_browser):
    html = tmp_path / "belt_ko.html"
    html.write_text(maps.render_html(maps.belt_map(belt_zones, belt_audit, language="ko")), encoding="utf-8")
    before = html.read_bytes()
    (png,) = screenshot.screenshot_files([html])
    assert png == tmp_path / "belt_ko.png"
    assert png_size(png.read_bytes()) == (
        screenshot.VIEWPORT["width"] * screenshot.DEVICE_SCALE_FACTOR,
        screenshot.VIEWPORT["height"] * screenshot.DEVICE_SCALE_FACTOR,
    )
    assert html.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["belt_ko.html", "belt_ko.png"]


def test_missing_chromium_is_an_output_error_naming_the_fix(monkeypatch):
    monkeypatch.setattr(screenshot, "chromium_executable", lambda: None)
    with pytest.raises(_errors.OutputError, match=r"screenshots need Chromium; install it .*CHROMIUM_PATH"):
        with screenshot.browser():
            pass


def test_chromium_path_from_the_environment(monkeypatch, tmp_path):
    fake = tmp_path / "chrome"
    monkeypatch.setenv(screenshot.CHROMIUM_ENV, str(fake))
    assert screenshot.chromium_executable() is None
    fake.write_text("")
    assert screenshot.chromium_executable() == str(fake)
