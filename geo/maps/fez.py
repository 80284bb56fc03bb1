"""The Free Economic Zone map (``fez_<lang>.html``): the four districts coloured by pillar, with the belt.

Each district is drawn in its pillar's colour (:func:`geo.style.pillar_color`) and labelled; its popup gives the
host complex, the legal dongs, the area at designation and the later figure, each with its source. The panel
gives the FEZ's findings (the claims about ``fez`` and ``fez/<district>``, failing first) and the FEZ summary
(:attr:`geo.AuditResult.fez`); the legend the three pillars. The belt, the site points (with their notes) and
the context are drawn as on the belt map. Every string from data is escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _format as fmt
from .. import i18n, style, units
from .._html import escape, first_url, link, site_name
from ..area import area_m2
from ..audit import AuditResult
from ..belt import belt_triangle
from ..fez import PILLARS, district_ground, is_fez_subject, pillar_label
from ..schema import GeometryQuality
from ..settings import GEOGRAPHIC_CRS
from ._base import (
    MapOptions,
    MapPage,
    add_controls,
    add_feature_layer,
    add_panel,
    fit,
    map_options,
    new_map,
    with_points,
)
from ._canvas import add_zone_layer
from ._context import add_context, add_overlay, context_legend
from ._text import attribute_records, localised_column, qty, tolerance_text, zone_name
from .content import (
    LABEL_PRIORITY,
    ZONE_WEIGHT,
    belt_features,
    collection,
    feature,
    point_features,
    points_legend,
    role_legend_rows,
    round_degrees,
)
from .findings import area_summary_html, claims_findings, claims_short, fez_subject_names, other_scopes_html

if TYPE_CHECKING:
    pass


def fez_map(
    districts: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    options: MapOptions | None = None,
    **changes: object,
) -> MapPage:
    """The Free Economic Zone map: districts by pillar, the belt, the FEZ findings and points.

    Parameters
    ----------
    districts
        :func:`geo.fez.load_fez_districts`.
    zones, audit
        The belt's zones and the audit of every claim (its claims include the FEZ's, its ``fez`` the summary).
    options, changes
        As :func:`geo.maps.belt_map`. The title is not taken: the map is the FEZ's, titled in its language.
    """
    import folium

    from . import _leaflet

    options = map_options(options, **changes)
    language, points = options.language, options.points
    districts = districts.to_crs(GEOGRAPHIC_CRS)
    zones = zones.to_crs(GEOGRAPHIC_CRS)
    page = new_map(with_points(districts.total_bounds, points), language=language, assets=options.assets)
    heading = i18n.text("fez_map_title", language)
    page.figure.title = escape(heading)

    for overlay in options.overlays:
        add_overlay(page, overlay)
    if options.context is not None:
        drawn = [*districts.geometry.values, *zones.loc[zones["in_belt"].astype(bool)].geometry.values]
        add_context(page, options.context, avoid=shapely.union_all(drawn))
    if audit.belt["members"]:
        add_feature_layer(page, "layer_belt", belt_features(zones, audit, language=language))
        # A belt zone part that is a district's ground is drawn once, as the district (one colour, one meaning).
        drawn = zones[zones["in_belt"].astype(bool) & ~district_ground(zones, districts)]
        if len(drawn):
            add_zone_layer(page, drawn, audit)

    fez_layer = folium.FeatureGroup(name=escape(i18n.text("layer_fez", language)), show=True)
    fez_layer.add_child(_leaflet.GeoJsonLayer(district_features(districts, language=language)))
    fez_layer.add_child(_leaflet.LabelLayer(district_labels(districts, language=language), css_class="tb-zone-label"))
    page.add(fez_layer)

    if points is not None and len(points):
        add_feature_layer(page, "layer_points", point_features(points, districts, language=language))

    panel = fez_panel(districts, audit, language=language)
    short, colour = fez_short(audit, language=language)
    legend = fez_legend(districts, zones, language=language) + points_legend(points, language=language)
    legend += context_legend(options.context, language)
    short_class = f"tb-short {colour}".strip()
    add_panel(
        page,
        title=heading,
        short=short,
        short_class=short_class,
        panel=panel,
        print_panel=panel,
        legend=legend,
        date=options.date,
    )
    add_controls(page)
    fit(page)
    return page


def _source_html(text: object, language: str) -> str:
    """A source as a reader wants it: the publisher and date (what precedes its first URL) linked to that URL;
    empty without a URL. The quote that follows stays in the data and the GeoPackage."""
    source = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    url = first_url(source)
    if not url:
        return ""
    label = source[: source.index(url)].strip(" ,;:(") or site_name(url)
    return link(url, label)


def _source_line(text: object, language: str) -> str:
    """``<br><small>Source: …</small>`` for a source with a link, else nothing."""
    source = _source_html(text, language)
    label = escape(i18n.text("source", language))
    return f"<br><small>{i18n.labelled(label, source, language)}</small>" if source else ""


def district_features(districts: gpd.GeoDataFrame, *, language: str) -> dict:
    """Each district in its pillar's colour, with a tooltip (name, pillar) and a popup; escaped."""
    areas = area_m2(districts).to_numpy()
    features = []
    for i, (row, geom, area) in enumerate(zip(attribute_records(districts), districts.geometry, areas, strict=True)):
        color = style.pillar_color(row.get("pillar"))
        schematic = row.get("geometry_quality") == GeometryQuality.SCHEMATIC
        feature_style = {
            "color": color,
            "fillColor": color,
            "weight": ZONE_WEIGHT,
            "opacity": 1.0,
            "fillOpacity": style.OPERATING_FILL_OPACITY,
            "className": f"tb-fez tb-fez-{i}",
        }
        if schematic:
            feature_style["dashArray"] = style.SCHEMATIC_DASH
        name = escape(zone_name(row, language))
        pillar = escape(pillar_label(row.get("pillar"), language))
        tooltip = f"<b>{name}</b><br>{pillar}"
        features.append(
            feature(geom, style=feature_style, tooltip=tooltip, popup=district_popup(row, area, language=language))
        )
    return collection(features)


def district_popup(row: dict, measured_m2: float, *, language: str) -> str:
    """A district's popup: pillar, host complex, legal dongs, areas at designation and later, measured."""

    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    m2, pyeong = i18n.text("unit_m2", language), i18n.text("unit_pyeong", language)

    def area(value: object) -> str:
        number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
        if pd.isna(number):
            return ""
        return f"{qty(fmt.number(number), m2)} ({qty(fmt.number(units.m2_to_pyeong(number)), pyeong)})"

    designation = area(row.get("official_area_m2")) or t("no_official_figure")
    later = area(row.get("later_area_m2")) or t("fez_no_later")
    rows = [
        (t("fez_host_complex"), escape(localised_column(row, "host_complex", language, fallback="host_complex_ko"))),
        (t("fez_legal_dongs"), escape(localised_column(row, "legal_dongs", language))),
        (t("fez_area_designation"), designation + _source_line(row.get("official_area_source"), language)),
        (t("fez_area_later"), later + _source_line(row.get("later_area_source"), language)),
        (t("area_heading"), qty(fmt.number(measured_m2), m2)),
    ]
    if row.get("geometry_quality") == GeometryQuality.SCHEMATIC:
        rows.append((t("outline"), f'<span class="tb-warn">{t("schematic_label")}</span>'))
    table = "".join(f"<tr><th>{key}</th><td>{value}</td></tr>" for key, value in rows)
    color = style.pillar_color(row.get("pillar"))
    swatch = f'<span class="tb-swatch" style="background:{color}"></span>'
    return (
        f'<div class="tb-popup-body"><h3>{escape(zone_name(row, language))}</h3>'
        f'<div class="tb-role">{swatch}{escape(pillar_label(row.get("pillar"), language))}</div>'
        f"<table>{table}</table></div>"
    )


def district_labels(districts: gpd.GeoDataFrame, *, language: str) -> list[list]:
    """One label per district, ``[lon, lat, escaped name, priority]``, at a point inside it."""
    points = shapely.point_on_surface(districts.geometry.values)
    return [
        [round_degrees(p.x), round_degrees(p.y), escape(zone_name(row, language)), LABEL_PRIORITY["zone"]]
        for p, row in zip(points, attribute_records(districts), strict=True)
    ]


def fez_claims(audit: AuditResult) -> pd.DataFrame:
    """The audit's claims about the FEZ, failing first, then those that hold, then the unchecked."""
    claims = audit.claims
    if claims.empty:
        return claims
    chosen = claims[claims["subject"].map(is_fez_subject).astype(bool)]
    within = chosen["holds"]
    order = np.select([within.notna() & ~within.fillna(True).astype(bool), within.notna()], [0, 1], default=2)
    return chosen.iloc[np.argsort(order, kind="stable")]


def fez_short(audit: AuditResult, *, language: str) -> tuple[str, str]:
    """One line for the collapsed panel (escaped), and its colour class."""
    return claims_short(fez_claims(audit), audit, language=language)


def fez_panel(districts: gpd.GeoDataFrame, audit: AuditResult, *, language: str) -> str:
    """The findings on the FEZ claims (failing first) and the FEZ as a whole: measured, designated, later."""

    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    claims = fez_claims(audit)
    tolerance = tolerance_text(audit)
    subjects = fez_subject_names(districts, language)
    if claims.empty:
        findings = f'<p class="tb-finding">{t("fez_no_claims")}</p>'
    else:
        findings = claims_findings(claims, tolerance, subjects=subjects, language=language)
    findings += other_scopes_html(audit, "fez", language=language)
    summary_html = ""
    if audit.fez:
        summary_html = area_summary_html(
            audit.fez, heading="fez_measured", official="fez_official_sum", later="fez_later_sum", language=language
        )
    return f'<h2 class="tb-audit-title">{i18n.bracketed(t("audit"), tolerance, language)}</h2>{findings}{summary_html}'


def fez_legend(districts: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, *, language: str) -> str:
    """The three pillars (always, in :data:`geo.fez.PILLARS` order), the belt's zones by role (those drawn in their
    colours beside the districts, not those that are a district's ground), the belt and the outlines, the context:
    every colour the map draws."""

    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    pillars = [*PILLARS, *sorted({str(p) for p in districts.get("pillar", []) if p and p not in PILLARS})]
    rows = "".join(
        f'<div class="tb-row tb-pillar" data-pillar="{escape(p)}"><span class="tb-swatch" '
        f'style="background:{style.pillar_color(p)}"></span>{escape(pillar_label(p, language))}</div>'
        for p in pillars
    )
    outlines = ""
    if (districts["geometry_quality"] == GeometryQuality.SCHEMATIC).any():
        outlines += f'<div class="tb-row"><span class="tb-line tb-dashed"></span>{t("schematic_label")}</div>'
    if zones["in_belt"].astype(bool).any():
        outlines += f'<div class="tb-row"><span class="tb-line tb-belt-line"></span>{t("layer_belt")}</div>'
    if belt_triangle(zones) is not None:
        outlines += f'<div class="tb-row"><span class="tb-line tb-triangle-line"></span>{t("layer_triangle")}</div>'
    outline_block = f"<h3>{t('legend_outline')}</h3>{outlines}" if outlines else ""
    drawn = zones[zones["in_belt"].astype(bool) & ~district_ground(zones, districts)]
    roles = f"<h3>{t('legend_roles')}</h3>{role_legend_rows(drawn, language=language)}" if len(drawn) else ""
    return f"<h2>{t('legend_title')}</h2><h3>{t('legend_pillars')}</h3>{rows}{roles}{outline_block}"
