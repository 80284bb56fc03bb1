"""The fact sheet's map: an SVG drawn from the geometries in EPSG:5186, with labels placed so none is cut or hidden.

No tiles: the NGII gu/si/gun and legal-dong/ri boundaries and the Gwangju/Jeonnam border are the background, so
the map prints the same offline. Labels are placed greedily, most important first (the sheet's own subjects,
then the site points, the other zones, the gu/si/gun names, the dong names last): each tries a few positions
around its anchor, kept inside the map box and clear of the scale bar and the north arrow. A required label (the
sheet's subjects, the belt's zones, the zones a claim is about, the site points) always finds a place, the least
crowded one; any other label (the other zones of a national layer, the gu/si/gun and dong names) is left out
where it would collide, and a gu/si/gun name also where it would lie on a zone.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _format, i18n, style
from .._html import escape
from ..maps._context import BORDER_KIND, UNIT_KIND, unit_label_points, unit_name
from ..schema import GeometryQuality, Status
from ..settings import GEOGRAPHIC_CRS, PLANAR_CRS

#: The map's drawing box in SVG units (1 unit = 0.2 mm on paper: 180 mm × 150 mm).
MAP_WIDTH: Final = 900
MAP_HEIGHT: Final = 750
MAP_PADDING: Final = 0.08
#: Decimals of the SVG coordinates (0.02 mm on paper).
SVG_DECIMALS: Final = 1
OWN_FILL_OPACITY: Final = 0.45
OTHER_FILL_OPACITY: Final = 0.25
#: Opacity of the white box behind a label (its halo): lines under it show faintly.
LABEL_HALO_OPACITY: Final = 0.75
#: Labels keep this far (SVG units) from the map's edge, and this far from each other.
LABEL_MARGIN: Final = 4.0
LABEL_GAP: Final = 4.0
#: Advance of a glyph in ems, on the generous side (DejaVu Sans, the widest of the fonts the sheet may get, has
#: digits of 0.64 em, 0.70 in bold): full-width (CJK) characters, other characters, other characters in bold.
WIDE_GLYPH_EM: Final = 1.0
NARROW_GLYPH_EM: Final = 0.68
BOLD_GLYPH_EM: Final = 0.76
#: The usual advance of a non-CJK glyph in ems (DejaVu Sans text, regular and bold): the width of a label's halo.
TYPICAL_GLYPH_EM: Final = 0.58
TYPICAL_BOLD_GLYPH_EM: Final = 0.58
#: The gu/si/gun outlines (SVG units, 0.2 mm: a 0.18 mm line) and names: thin, light, small, background.
UNIT_WIDTH: Final = 0.9
UNIT_OPACITY: Final = 0.8
UNIT_LABEL_SIZE: Final = 10
#: Where the scale bar and the north arrow sit (x0, y0, x1, y1): no label goes there.
NORTH_ARROW_BOX: Final = (MAP_WIDTH - 68, 4, MAP_WIDTH - 12, 90)


@dataclass(frozen=True)
class Area:
    """A polygon to draw: its geometry in EPSG:5186, colour, fill opacity, outline width, dashed when schematic."""

    geometry: shapely.Geometry
    colour: str
    opacity: float
    width: float
    dashed: bool


@dataclass(frozen=True)
class Label:
    """A label to place at ``anchor`` (EPSG:5186): ``kind`` ``area`` (above the anchor), ``point`` (beside it),
    ``unit`` (on it or just above or below) or ``dong`` (on it); a ``required`` label is always placed, another
    only where it collides with nothing."""

    text: str
    anchor: tuple[float, float]
    kind: str
    size: float
    weight: int = 500
    halo: float = 4.0
    fill: str = "#111"
    required: bool = True
    #: Kept off the zones drawn (their outlines and fill), not only off the other labels.
    off_areas: bool = False


class Frame:
    """From EPSG:5186 metres to SVG units: an extent, padded, fitted and centred in the map box."""

    def __init__(self, bounds: Sequence[float]) -> None:
        minx, miny, maxx, maxy = bounds
        width, height = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
        minx, maxx = minx - width * MAP_PADDING, maxx + width * MAP_PADDING
        miny, maxy = miny - height * MAP_PADDING, maxy + height * MAP_PADDING
        self.scale = min(MAP_WIDTH / (maxx - minx), MAP_HEIGHT / (maxy - miny))
        self.x0 = (minx + maxx) / 2 - MAP_WIDTH / 2 / self.scale
        self.y1 = (miny + maxy) / 2 + MAP_HEIGHT / 2 / self.scale

    def xy(self, coordinates: np.ndarray) -> np.ndarray:
        return np.column_stack([(coordinates[:, 0] - self.x0) * self.scale, (self.y1 - coordinates[:, 1]) * self.scale])

    def box(self) -> shapely.Geometry:
        """The map box in EPSG:5186."""
        return shapely.box(self.x0, self.y1 - MAP_HEIGHT / self.scale, self.x0 + MAP_WIDTH / self.scale, self.y1)


def planar_bounds(*frames: gpd.GeoDataFrame | None) -> list[float]:
    """The EPSG:5186 bounds of every non-empty frame together."""
    boxes = [frame.to_crs(PLANAR_CRS).total_bounds for frame in frames if frame is not None and not frame.empty]
    stacked = np.array(boxes)
    return [*stacked[:, :2].min(axis=0), *stacked[:, 2:].max(axis=0)]


def path_data(geometry: shapely.Geometry, frame: Frame) -> str:
    """SVG path data of a (multi)polygon or (multi)line in page units."""
    commands = []
    for part in shapely.get_parts(geometry):
        polygon = isinstance(part, shapely.Polygon)
        for ring in [part.exterior, *part.interiors] if polygon else [part]:
            xy = frame.xy(np.asarray(ring.coords))
            if len(xy) < 2:
                continue
            points = " ".join(f"{x:.{SVG_DECIMALS}f},{y:.{SVG_DECIMALS}f}" for x, y in xy)
            commands.append(f"M{points}{'Z' if polygon else ''}")
    return " ".join(commands)


def zone_areas(
    zones: gpd.GeoDataFrame, own: Iterable[bool], *, colour_of: Callable[[pd.Series], str] | None = None
) -> list[Area]:
    """Each zone (EPSG:5186) as an :class:`Area`: its role's colour (or ``colour_of(row)``), own ones emphasised."""
    areas = []
    for (_, row), is_own in zip(zones.to_crs(PLANAR_CRS).iterrows(), own, strict=True):
        opacity = OWN_FILL_OPACITY if is_own else OTHER_FILL_OPACITY
        if row.get("status") == Status.PLANNED:
            opacity *= 0.7
        colour = colour_of(row) if colour_of is not None else style.role_color(row.get("role"))
        schematic = row.get("geometry_quality") == GeometryQuality.SCHEMATIC
        areas.append(Area(row.geometry, colour, opacity, 3.2 if is_own else 1.6, schematic))
    return areas


def map_svg(
    frame: Frame,
    areas: Sequence[Area],
    labels: Sequence[Label],
    *,
    language: str,
    context: gpd.GeoDataFrame | None = None,
    points: gpd.GeoDataFrame | None = None,
) -> str:
    """The map as an SVG element: context and border, ``areas``, points, the placed labels, scale bar, north arrow.

    ``points`` (any CRS) are drawn as dots; their labels are among ``labels``.
    """
    view = frame.box()
    layers = [f'<rect x="0" y="0" width="{MAP_WIDTH}" height="{MAP_HEIGHT}" fill="#fbfbf8"/>']
    dong_labels: list[Label] = []
    unit_labels: list[Label] = []
    if context is not None and not context.empty:
        planar = context.to_crs(PLANAR_CRS)
        units = planar[(planar["kind"] == UNIT_KIND) & planar.intersects(view)]
        if len(units):
            layers += [
                f'<path class="unit" d="{path_data(geom.boundary.intersection(view.buffer(1)), frame)}" fill="none" '
                f'stroke="{style.UNIT_COLOR}" stroke-opacity="{UNIT_OPACITY}" stroke-width="{UNIT_WIDTH}"/>'
                for geom in units.geometry
            ]
            unit_labels = _unit_labels(units, areas, view, language)
        dongs = planar[~planar["kind"].isin([BORDER_KIND, UNIT_KIND]) & planar.intersects(view)]
        for _, row in dongs.iterrows():
            layers.append(
                f'<path class="context" d="{path_data(row.geometry, frame)}" fill="none" '
                f'stroke="{style.CONTEXT_COLOR}" stroke-opacity="0.55" stroke-width="0.9"/>'
            )
            name = row.get(f"name_{language}")
            name = name if isinstance(name, str) and name else row.get("name_ko", "")
            anchor = shapely.get_coordinates(row.geometry.representative_point())[0]
            if name and view.contains(shapely.Point(anchor)):
                dong_labels.append(
                    Label(str(name), tuple(anchor), "dong", 9, weight=400, halo=2.5, fill="#777", required=False)
                )
        for _, row in planar[planar["kind"] == BORDER_KIND].iterrows():
            layers.append(
                f'<path class="border" d="{path_data(row.geometry.intersection(view.buffer(1)), frame)}" '
                'fill="none" stroke="#333" stroke-width="2.2" stroke-dasharray="10 4 2 4"/>'
            )
    for area in areas:
        dash = ' stroke-dasharray="7 4"' if area.dashed else ""
        layers.append(
            f'<path class="zone" d="{path_data(area.geometry, frame)}" fill="{area.colour}" '
            f'fill-opacity="{area.opacity:.2f}" stroke="{area.colour}" stroke-width="{area.width}"{dash}/>'
        )
    if points is not None and not points.empty:
        for xy in frame.xy(shapely.get_coordinates(points.to_crs(PLANAR_CRS).geometry.values)):
            layers.append(
                f'<circle class="point" cx="{xy[0]:.1f}" cy="{xy[1]:.1f}" r="4" fill="#000" stroke="#fff" '
                'stroke-width="1.2"/>'
            )
    scale_bar, scale_box = _scale_bar(frame, language)
    drawn = shapely.union_all([shapely.transform(area.geometry, frame.xy) for area in areas]) if areas else None
    layers += place_labels(
        [*labels, *unit_labels, *dong_labels], frame, reserved=[scale_box, NORTH_ARROW_BOX], areas=drawn
    )
    layers += [scale_bar, _north_arrow(language)]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_WIDTH} {MAP_HEIGHT}" '
        f'preserveAspectRatio="xMidYMid meet">{"".join(layers)}</svg>'
    )


def _unit_labels(units: gpd.GeoDataFrame, areas: Sequence[Area], view: shapely.Geometry, language: str) -> list[Label]:
    """The gu/si/gun names (EPSG:5186 ``units``): small, grey, placed away from the zones (``areas``) and only
    where they collide with no other label (they come after every label but the dongs')."""
    avoid = shapely.union_all([area.geometry for area in areas]) if areas else None
    to_geographic = gpd.GeoSeries([g for g in (avoid, view) if g is not None], crs=PLANAR_CRS).to_crs(GEOGRAPHIC_CRS)
    anchors = gpd.GeoSeries(
        unit_label_points(
            units.to_crs(GEOGRAPHIC_CRS),
            avoid=to_geographic.iloc[0] if avoid is not None else None,
            view=to_geographic.iloc[-1],
        ),
        crs=GEOGRAPHIC_CRS,
    ).to_crs(PLANAR_CRS)
    return [
        Label(
            unit_name(row, language),
            (point.x, point.y),
            "unit",
            UNIT_LABEL_SIZE,
            weight=400,
            halo=2.5,
            fill=style.UNIT_LABEL_COLOR,
            required=False,
            off_areas=True,
        )
        for (_, row), point in zip(units.iterrows(), anchors, strict=True)
        if view.contains(point)
    ]


# --- labels -------------------------------------------------------------------------------------------------


def text_width(text: str, size: float, *, bold: bool = False, typical: bool = False) -> float:
    """Estimated advance of ``text`` at font ``size`` (SVG units): CJK glyphs one em, the others a bit under
    (generous, for collisions; ``typical``: the usual advance, for the box drawn behind a label)."""
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    if typical:
        narrow = TYPICAL_BOLD_GLYPH_EM if bold else TYPICAL_GLYPH_EM
    else:
        narrow = BOLD_GLYPH_EM if bold else NARROW_GLYPH_EM
    return size * (wide * WIDE_GLYPH_EM + (len(text) - wide) * narrow)


def _candidates(label: Label, x: float, y: float) -> list[tuple[float, float, str]]:
    """Positions (x, baseline y, text-anchor) to try, best first."""
    size = label.size
    if label.kind == "point":
        return [(x + 7, y + 4, "start"), (x - 7, y + 4, "end"), (x, y - 8, "middle"), (x, y + size + 6, "middle")]
    if label.kind == "area":
        return [(x, y - 12, "middle"), (x, y + size + 2, "middle"), (x, y - 14 - size * 1.2, "middle"),
                (x, y + size * 2.4 + 2, "middle")]  # fmt: skip
    if label.kind == "unit":
        return [(x, y, "middle"), (x, y - size * 1.5, "middle"), (x, y + size * 1.5, "middle")]
    return [(x, y, "middle")]


def _box(label: Label, x: float, baseline: float, anchor: str) -> tuple[float, float, float, float]:
    """The box a label takes, its halo and half the gap to the next label included."""
    width = text_width(label.text, label.size, bold=label.weight >= 600) + label.halo + LABEL_GAP
    x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return (x0, baseline - label.size * 0.95 - LABEL_GAP / 2, x0 + width, baseline + label.size * 0.3 + LABEL_GAP / 2)


def _inside(box: tuple[float, float, float, float]) -> tuple[float, float]:
    """The shift that brings ``box`` inside the map box (less its margin); a box too large is left-aligned."""
    x0, y0, x1, y1 = box
    dx = max(LABEL_MARGIN - x0, 0.0) or min(MAP_WIDTH - LABEL_MARGIN - x1, 0.0)
    dy = max(LABEL_MARGIN - y0, 0.0) or min(MAP_HEIGHT - LABEL_MARGIN - y1, 0.0)
    return dx, dy


def _overlap(a: Sequence[float], b: Sequence[float]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(width, 0.0) * max(height, 0.0)


class _Boxes:
    """The boxes taken so far, in a grid of cells, so a label is checked only against its neighbours."""

    CELL = 60.0

    def __init__(self, boxes: Iterable[Sequence[float]] = ()) -> None:
        self._cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
        for box in boxes:
            self.add(tuple(box))

    def _keys(self, box: Sequence[float]) -> Iterable[tuple[int, int]]:
        x0, y0, x1, y1 = (math.floor(v / self.CELL) for v in box)
        return ((i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1))

    def add(self, box: tuple[float, float, float, float]) -> None:
        for key in self._keys(box):
            self._cells.setdefault(key, []).append(box)

    def crowding(self, box: Sequence[float]) -> float:
        """The area of ``box`` covered by the boxes taken (summed, each counted once)."""
        near = {other for key in self._keys(box) for other in self._cells.get(key, ())}
        return sum(_overlap(box, other) for other in near)


def place_labels(
    labels: Sequence[Label],
    frame: Frame,
    *,
    reserved: Sequence[Sequence[float]] = (),
    areas: shapely.Geometry | None = None,
) -> list[str]:
    """The SVG ``<text>`` of each label that finds a place: the required ones first, each group in the order
    given (earlier labels win); a required label takes the least crowded place, another only a free one, and a
    label that is ``off_areas`` only one clear of ``areas`` (the zones drawn, in SVG units)."""
    taken = _Boxes(reserved)
    placed = []
    for label in [*(lb for lb in labels if lb.required), *(lb for lb in labels if not lb.required)]:
        x, y = frame.xy(np.array([label.anchor]))[0]
        best = None
        for cx, cy, anchor in _candidates(label, x, y):
            dx, dy = _inside(_box(label, cx, cy, anchor))
            box = _box(label, cx + dx, cy + dy, anchor)
            crowding = taken.crowding(box)
            if label.off_areas and areas is not None and shapely.intersects(areas, shapely.box(*box)):
                continue
            if best is None or crowding < best[0]:
                best = (crowding, cx + dx, cy + dy, anchor, box)
            if crowding == 0:
                break
        if best is None or (best[0] > 0 and not label.required):
            continue
        _, lx, ly, anchor, box = best
        taken.add(box)
        css = {"area": "zone-label", "point": "point-label", "unit": "unit-label", "dong": "context-label"}[label.kind]
        placed.append(_label_svg(label, lx, ly, anchor, css))
    return placed


def _label_svg(label: Label, x: float, baseline: float, anchor: str, css: str) -> str:
    """A placed label: its text on a halo, a translucent white box as wide as the text and its halo.

    Not a white stroke around the glyphs: Chromium prints stroked text as Type 3 fonts (glyphs as drawings,
    which some readers render poorly and search badly), while filled text on a box keeps the real fonts.
    """
    width = text_width(label.text, label.size, bold=label.weight >= 600, typical=True) + label.halo
    x0 = {"start": x - label.halo / 2, "middle": x - width / 2, "end": x - width + label.halo / 2}[anchor]
    top = baseline - label.size * 0.95 - label.halo / 4
    height = label.size * 1.25 + label.halo / 2
    return (
        f'<g class="{css}"><rect x="{x0:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'rx="{label.size / 4:.1f}" fill="#fff" fill-opacity="{LABEL_HALO_OPACITY}"/>'
        f'<text x="{x:.1f}" y="{baseline:.1f}" text-anchor="{anchor}" font-size="{label.size:g}" '
        f'font-weight="{label.weight}" fill="{label.fill}">{escape(label.text)}</text></g>'
    )


# --- scale bar and north arrow ------------------------------------------------------------------------------


def nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ metres not over ``metres``."""
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def _scale_bar(frame: Frame, language: str) -> tuple[str, tuple[float, float, float, float]]:
    """The scale bar's SVG and the box it covers."""
    length = nice_length(MAP_WIDTH / 4 / frame.scale)
    width = length * frame.scale
    x, y = 24, MAP_HEIGHT - 28
    label = (
        f"{_format.number(length / 1000, 0 if length >= 1000 else 1)} {i18n.text('unit_km', language)}"
        if length >= 500
        else f"{_format.number(length)} {i18n.text('unit_m', language)}"
    )
    half = width / 2
    svg = (
        f'<g class="scale-bar"><rect x="{x - 6}" y="{y - 22}" width="{width + 12:.1f}" height="34" fill="#fff" '
        f'fill-opacity="0.85"/><rect x="{x}" y="{y}" width="{half:.1f}" height="6" fill="#000"/>'
        f'<rect x="{x + half:.1f}" y="{y}" width="{half:.1f}" height="6" fill="#fff" stroke="#000" stroke-width="1"/>'
        f'<text x="{x}" y="{y - 6}" font-size="11">0</text>'
        f'<text x="{x + width:.1f}" y="{y - 6}" font-size="11" text-anchor="end">{escape(label)}</text></g>'
    )
    return svg, (x - 6, y - 22, x + width + 6, y + 12)


def _north_arrow(language: str) -> str:
    x, y = MAP_WIDTH - 40, 30
    return (
        f'<g class="north-arrow"><circle cx="{x}" cy="{y + 22}" r="24" fill="#fff" fill-opacity="0.85"/>'
        f'<path d="M{x},{y} L{x + 10},{y + 34} L{x},{y + 27} L{x - 10},{y + 34} Z" fill="#000"/>'
        f'<text x="{x}" y="{y + 52}" font-size="13" font-weight="700" text-anchor="middle">'
        f"{escape(i18n.text('north', language))}</text></g>"
    )
