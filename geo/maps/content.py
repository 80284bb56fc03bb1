"""What the maps say: zone, belt and point features with their tooltips, popups and labels, the panels and legend.

Every string from data is escaped with :func:`geo._html.escape` before it is put into the HTML these
functions return; numbers are typeset by :mod:`geo._format`. The claims they list and the findings come from
:mod:`geo.maps.findings`, names and quantities from :mod:`geo.maps._text`.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _format as fmt
from .. import i18n, style, units
from .._html import URL_PATTERN, escape, first_url, link, linkify, site_name
from ..audit import AuditResult
from ..belt import belt_geometry, belt_triangle, triangle_outline, triangle_sides_m
from ..location import zone_distances_m
from ..schema import GeometryQuality, Status
from ..settings import COORDINATE_DECIMALS, GEOGRAPHIC_CRS
from ._text import NBSP, localised, localised_column, qty, tolerance_text, zone_name, zone_title
from .findings import area_summary_html, claims_table, findings_html, subject_names

#: Outline width in pixels of zones and of the belt union.
ZONE_WEIGHT: Final = 2
BELT_WEIGHT: Final = 9
#: Line opacity (0-1): the belt is a soft halo under the zones.
BELT_OPACITY: Final = 0.45
TRIANGLE_OPACITY: Final = 0.8
#: Dash pattern (Leaflet dashArray, pixels) of the triangle joining the complexes.
TRIANGLE_DASH: Final = "2 8"
METRES_PER_KM: Final = 1000.0
#: Extra class of the focused zone's features on a zone map.
FOCUS_CLASS: Final = " tb-focus"
#: Label priorities for the collision handling in the browser: a higher one wins where two labels overlap.
LABEL_PRIORITY: Final = {"zone": 3, "point": 2, "context": 1}


def zone_features(zones: gpd.GeoDataFrame, audit: AuditResult, *, language: str, focus: str | None = None) -> dict:
    """The zones as GeoJSON features (class ``tb-zone tb-zone-<i>``, and ``tb-focus`` for the zone ``focus``)."""
    measured = audit.zones.set_index("feature_id")
    pyeong = i18n.text("unit_pyeong", language)
    features = []
    for i, (_, row) in enumerate(zones.iterrows()):
        areas = measured.loc[row["feature_id"]]
        schematic = row.get("geometry_quality") == GeometryQuality.SCHEMATIC
        planned = row.get("status") == Status.PLANNED
        feature_style = {
            "color": style.role_color(row.get("role")),
            "fillColor": style.role_color(row.get("role")),
            "weight": ZONE_WEIGHT,
            "opacity": 1.0,
            "fillOpacity": style.PLANNED_FILL_OPACITY if planned else style.OPERATING_FILL_OPACITY,
            "className": f"tb-zone tb-zone-{i}{FOCUS_CLASS if focus is not None and row['zone_id'] == focus else ''}",
        }
        if schematic:
            feature_style["dashArray"] = style.SCHEMATIC_DASH
        name = escape(zone_name(row, language))
        tag = f' <span class="tb-tag">{escape(i18n.text("schematic_short", language))}</span>' if schematic else ""
        tooltip = f"<b>{name}</b><br>{qty(fmt.number(areas['area_pyeong']), pyeong)}{tag}"
        popup = zone_popup(row, areas, audit, language=language)
        features.append(feature(row.geometry, style=feature_style, tooltip=tooltip, popup=popup))
    return collection(features)


def zone_popup(
    row: pd.Series, areas: pd.Series, audit: AuditResult, *, language: str, claims: pd.DataFrame | None = None
) -> str:
    """The popup of a zone feature; ``claims`` are those about it (default: looked up in the audit)."""

    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    role = row.get("role") or ""
    status = row.get("status") or ""
    official = areas.get("official_area_m2")
    if official is None or pd.isna(official):
        official_html = t("no_official_figure")
    else:
        source_text = str(row.get("official_area_source") or "")
        url = first_url(source_text)
        label = source_text.replace(url, "").strip(" ,;") if url else source_text
        source_html = link(url, label or i18n.text("source", language)) if url else escape(label)
        official_html = i18n.bracketed(
            qty(fmt.number(official), i18n.text("unit_m2", language)),
            qty(fmt.number(units.m2_to_pyeong(official)), i18n.text("unit_pyeong", language)),
            language,
        ) + (f"<br><small>{i18n.labelled(t('source'), source_html, language)}</small>" if source_html else "")
    if row.get("geometry_quality") == GeometryQuality.SCHEMATIC:
        outline = f'<span class="tb-warn">{escape(i18n.text("schematic_label", language))}</span>'
    else:
        outline = t("outline_supplied")
    rows = [
        (t("area_heading"), ""),
        (t("unit_m2"), f'<span class="tb-num">{fmt.number(areas["area_m2"])}</span>'),
        (t("unit_ha"), f'<span class="tb-num">{fmt.number(areas["area_ha"], 2)}</span>'),
        (t("unit_pyeong"), f'<span class="tb-num">{fmt.number(areas["area_pyeong"])}</span>'),
        (t("area_planar"), qty(fmt.number(areas["area_m2_epsg5186"]), i18n.text("unit_m2", language))),
        (t("official_figure"), official_html),
        (t("status"), escape(i18n.status_label(status, language))),
        (t("outline"), outline),
    ]
    official_name = row.get("official_name")
    if isinstance(official_name, str) and official_name.strip():
        # On the official layer: the feature(s) this zone was matched to, as the layer names them.
        rows.append((t("official_feature"), escape(f"{official_name} ({row.get('official_id') or ''})")))
    table = "".join(
        f"<tr><th>{key}</th><td>{value}</td></tr>"
        if value
        else f'<tr><th colspan="2" class="tb-section">{key}</th></tr>'
        for key, value in rows
    )
    if claims is None:
        claims = audit.claims[audit.claims["subject"].isin([row["feature_id"], row["zone_id"]])]
    swatch = f'<span class="tb-swatch" style="background:{style.role_color(role)}"></span>'
    return (
        f'<div class="tb-popup-body"><h3>{escape(zone_name(row, language))}</h3>'
        f'<div class="tb-role">{swatch}{escape(i18n.role_label(role, language))}</div>'
        f"<table>{table}</table>"
        f"<h4>{i18n.bracketed(t('audit'), tolerance_text(audit), language)}</h4>"
        f"{claims_table(claims, language=language, tolerance=tolerance_text(audit))}</div>"
    )


def belt_features(zones: gpd.GeoDataFrame, audit: AuditResult, *, language: str) -> dict:
    belt = audit.belt
    area_text = (
        f"{fmt.number(belt['area_m2'])}{NBSP}{i18n.text('unit_m2', language)} = "
        f"{fmt.number(belt['area_pyeong'])}{NBSP}{i18n.text('unit_pyeong', language)}"
    )
    outline_style = {"color": style.BELT_COLOR, "weight": BELT_WEIGHT, "fill": False, "opacity": BELT_OPACITY}
    features = [
        feature(
            belt_geometry(zones),
            style={**outline_style, "className": "tb-belt"},
            tooltip=f"<b>{escape(i18n.text('layer_belt', language))}</b><br>{escape(area_text)}",
        )
    ]
    triangle = belt_triangle(zones)
    if triangle is not None:
        km = i18n.text("unit_km", language)
        lengths = " · ".join(f"{side / METRES_PER_KM:,.1f}{NBSP}{km}" for side in triangle_sides_m(triangle))
        features.append(
            feature(
                triangle_outline(triangle),
                style={
                    **outline_style,
                    "weight": ZONE_WEIGHT + 1,
                    "opacity": TRIANGLE_OPACITY,
                    "dashArray": TRIANGLE_DASH,
                    "className": "tb-triangle",
                },
                tooltip=(
                    f"<b>{escape(i18n.text('layer_triangle', language))}</b><br>"
                    + i18n.labelled(escape(i18n.text("side_lengths", language)), escape(lengths), language)
                ),
            )
        )
    return collection(features)


def point_features(
    points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, *, language: str, nearest: int | None = None
) -> dict:
    """The site points, labelled, each popup giving the geodesic distance to each of ``zones`` (the
    ``nearest`` nearest only, nearest first, when given) and the point's source and note."""
    distances = zone_distances_m(points, zones) if len(zones) else pd.DataFrame(index=points.index)
    if not len(zones):
        distances = distances.astype(float)
    names = {row["feature_id"]: zone_name(row, language) for _, row in zones.iterrows()}
    km_text = i18n.text("unit_km", language)
    features = []
    for index, row in points.to_crs(GEOGRAPHIC_CRS).iterrows():
        name = escape(localised(row, language) or row.get("point_id"))
        items = "".join(
            f"<tr><th>{escape(names[fid])}</th><td>"
            + (escape(i18n.text("inside", language)) if d == 0 else qty(f"{d / METRES_PER_KM:,.2f}", km_text))
            + "</td></tr>"
            for fid, d in (
                distances.loc[index].items() if nearest is None else distances.loc[index].nsmallest(nearest).items()
            )
        )
        uncertain = (
            f'<p class="tb-warn">{escape(i18n.text("uncertain", language))}</p>' if row.get("uncertain") is True else ""
        )
        # The reader gets the sources as sites to open; the provenance paragraph stays in the data (points.csv).
        source = localised_column(row, "source", language)
        urls = list(dict.fromkeys(m.group() for m in URL_PATTERN.finditer(source)))
        source_html = ", ".join(link(u.rstrip("."), site_name(u.rstrip("."))) for u in urls) if urls else escape(source)
        note_text = localised_column(row, "note", language)
        note = f'<p class="tb-note">{linkify(note_text)}</p>' if note_text else ""
        popup = (
            f'<div class="tb-popup-body"><h3>{name}</h3>{uncertain}{note}'
            f"<h4>{escape(i18n.text('distances', language))}</h4><table>{items}</table>"
            f"<p><small>{i18n.labelled(escape(i18n.text('source', language)), source_html, language)}</small></p></div>"
        )
        features.append(feature(row.geometry, label=name, popup=popup))
    return collection(features)


def belt_panel(zones: gpd.GeoDataFrame, audit: AuditResult, *, language: str, holds_open: bool = False) -> str:
    """The belt map's panel: the findings (every claim on the belt and its zones, failing first), the belt."""

    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    belt = audit.belt
    findings = findings_html(zones, audit, language=language, holds_open=holds_open)
    if not belt["members"]:
        return f"<p>{t('belt_empty')}</p>{findings}"
    measured = area_summary_html(belt, heading="belt_measured", official="belt_official_sum", language=language)
    title = i18n.bracketed(t("audit"), tolerance_text(audit), language)
    return f'<h2 class="tb-audit-title">{title}</h2>{findings}{measured}'


def zone_panel(zones: gpd.GeoDataFrame, audit: AuditResult, zone_id: str, language: str) -> str:
    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    parts = audit.zones[audit.zones["zone_id"] == zone_id]
    area_m2_total = float(parts["area_m2"].sum())
    pyeong = qty(fmt.number(units.m2_to_pyeong(area_m2_total)), i18n.text("unit_pyeong", language))
    m2 = qty(fmt.number(area_m2_total), i18n.text("unit_m2", language))
    measured = f'<p><span class="tb-big">{pyeong}</span> = {m2}</p>'
    feature_ids = list(parts["feature_id"])
    claims = audit.claims[audit.claims["subject"].isin([zone_id, *feature_ids])]
    claims = claims.iloc[np.argsort(claims["holds"].map({False: 0, True: 1}).fillna(2), kind="stable")]
    schematic = (zones.loc[zones["zone_id"] == zone_id, "geometry_quality"] == GeometryQuality.SCHEMATIC).all()
    note = f'<p class="tb-warn">{t("schematic_note")}</p>' if schematic else ""
    return (
        f'{measured}<h2 class="tb-audit-title">{i18n.bracketed(t("audit"), tolerance_text(audit), language)}</h2>'
        + claims_table(
            claims, language=language, tolerance=tolerance_text(audit), subjects=subject_names(zones, language)
        )
        + note
    )


def zone_short(zones: gpd.GeoDataFrame, audit: AuditResult, zone_id: str, language: str) -> str:
    """One line for a zone map's collapsed panel: its area in pyeong; escaped."""
    area = float(audit.zones.loc[audit.zones["zone_id"] == zone_id, "area_m2"].sum())
    return escape(f"{fmt.number(units.m2_to_pyeong(area))}{NBSP}{i18n.text('unit_pyeong', language)}")


def zone_labels(zones: gpd.GeoDataFrame, *, language: str) -> list[list]:
    """One label per zone, ``[lon, lat, escaped name, priority]``, at the pole of its largest part's union."""
    from shapely.ops import polylabel

    labels = []
    for _, parts in zones.groupby("zone_id", sort=False):
        union = shapely.union_all(parts.geometry.values)
        polygons = list(getattr(union, "geoms", [union]))
        polygons = [p for p in polygons if isinstance(p, shapely.Polygon) and not p.is_empty]
        if not polygons:
            continue
        largest = max(polygons, key=lambda p: p.area)
        try:
            point = polylabel(largest, tolerance=1e-5)
        except Exception:  # a degenerate ring: fall back to a point on the surface
            point = largest.point_on_surface()
        name = escape(zone_title(parts, language))
        labels.append([round_degrees(point.x), round_degrees(point.y), name, LABEL_PRIORITY["zone"]])
    return labels


def role_legend_rows(zones: gpd.GeoDataFrame, *, language: str) -> str:
    """One legend row per role the zones have, in its colour (the colours their fill is drawn in)."""
    roles = [r for r in style.ROLE_COLORS if r in set(zones["role"].fillna(""))] or [""]
    return "".join(
        f'<div class="tb-row"><span class="tb-swatch" style="background:{style.role_color(r)}"></span>'
        f"{escape(i18n.role_label(r, language))}</div>"
        for r in roles
    )


def legend_html(zones: gpd.GeoDataFrame, *, language: str, has_triangle: bool) -> str:
    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    role_rows = role_legend_rows(zones, language=language)
    grey = style.ROLE_COLORS[""]
    status_rows = "".join(
        f'<div class="tb-row"><span class="tb-swatch" style="background:{grey};opacity:{opacity}"></span>'
        f"{escape(i18n.status_label(status, language))}</div>"
        for status, opacity in (
            (Status.OPERATING, style.OPERATING_FILL_OPACITY),
            (Status.PLANNED, style.PLANNED_FILL_OPACITY),
        )
        if status in set(zones["status"].fillna(""))
    )
    outline_rows = ""
    qualities = set(zones["geometry_quality"].fillna(""))
    if GeometryQuality.SCHEMATIC in qualities:
        outline_rows += (
            '<div class="tb-row"><span class="tb-line tb-dashed"></span>'
            f"{escape(i18n.text('schematic_label', language))}</div>"
        )
    if qualities - {GeometryQuality.SCHEMATIC}:
        outline_rows += f'<div class="tb-row"><span class="tb-line"></span>{t("legend_supplied")}</div>'
    if zones["in_belt"].astype(bool).any():
        outline_rows += f'<div class="tb-row"><span class="tb-line tb-belt-line"></span>{t("layer_belt")}</div>'
    if has_triangle:
        outline_rows += f'<div class="tb-row"><span class="tb-line tb-triangle-line"></span>{t("layer_triangle")}</div>'
    status_block = f"<h3>{t('legend_status')}</h3>{status_rows}" if status_rows else ""
    return (
        f"<h2>{t('legend_title')}</h2><h3>{t('legend_roles')}</h3>{role_rows}{status_block}"
        f"<h3>{t('legend_outline')}</h3>{outline_rows}"
    )


def points_legend(points: gpd.GeoDataFrame | None, *, language: str) -> str:
    """The legend row of the site points, drawn as Leaflet's marker (its image, inlined); empty without points."""
    if points is None or not len(points):
        return ""
    from ._assets import image_data_url

    marker = f'<img class="tb-marker-key" src="{image_data_url("marker-icon.png")}" alt="" width="10" height="16">'
    return f'<div class="tb-row">{marker}{escape(i18n.text("layer_points", language))}</div>'


def round_degrees(value: float) -> float:
    return round(float(value), COORDINATE_DECIMALS)


def rounded(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda coords: np.round(coords, COORDINATE_DECIMALS))


def feature(
    geom: shapely.Geometry, *, style: dict | None = None, tooltip: str = "", popup: str = "", label: str = ""
) -> dict:
    """A GeoJSON feature (EPSG:4326, rounded); ``tooltip``, ``popup`` and ``label`` are HTML already escaped.

    A ``tooltip`` shows on hover, a ``label`` always (a permanent tooltip), a ``popup`` on click.
    """
    properties: dict[str, object] = {}
    if style:
        properties["style"] = style
    if tooltip:
        properties["tooltip"] = tooltip
    if label:
        properties["label"] = label
    if popup:
        properties["popup"] = popup
    return {"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(rounded(geom))}


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}
