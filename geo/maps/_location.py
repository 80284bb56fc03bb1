"""The location table as HTML (the index pages and the fact sheets): straight-line distances, then the sources.

One row per place and one column per zone, each cell the straight-line (geodesic) distance in km; a place
without coordinates says "not available" across the row, and its source says why. Below it each place's
source: publisher, date and a link. Every string from data is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .. import i18n
from .._format import number
from .._html import escape, link, linkify, site_name
from ._text import NBSP

#: Zones the table shows when none is in the belt (more would not fit a page; the CSV has every zone).
MAX_ZONES_WITHOUT_BELT = 5
#: Decimals of a distance in km (0.1 km: the outlines are schematic, the ports known to the arc-minute).
KM_DECIMALS = 1


def location_section(
    table: pd.DataFrame | None,
    *,
    language: str,
    zone_ids: Sequence[str] | None = None,
    level: int = 2,
) -> str:
    """The location table of :func:`geo.location.location_table` for ``zone_ids`` (None: the belt's zones, or
    every zone of a file without a belt when there are at most :data:`MAX_ZONES_WITHOUT_BELT`), with its
    heading, what it measures, the schematic statement where an outline is schematic, and the sources.
    Empty when there is no table or no zone to show."""
    if table is None or table.empty:
        return ""
    if zone_ids is not None:
        table = table[table["zone_id"].isin([str(z) for z in zone_ids])]
    elif table["in_belt"].any():
        table = table[table["in_belt"]]
    elif table["zone_id"].nunique() > MAX_ZONES_WITHOUT_BELT:
        return ""
    if table.empty:
        return ""

    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    zones = table.drop_duplicates("zone_id")
    places = table.drop_duplicates("point_id")
    head = f'<th scope="col">{t("location_place")}</th>' + "".join(
        f'<th scope="col">{escape(_localised(zone, "zone_name", language))}</th>' for _, zone in zones.iterrows()
    )
    km = escape(i18n.text("unit_km", language))
    rows = []
    for _, place in places.iterrows():
        name = escape(_localised(place, "name", language)) + ("*" if place["uncertain"] and place["available"] else "")
        cells = table[table["point_id"] == place["point_id"]]
        if not place["available"]:
            body = f'<td colspan="{len(zones)}">{t("location_not_available")}</td>'
        else:
            body = "".join(
                f'<td class="num">{t("inside") if d == 0 else escape(number(d, KM_DECIMALS)) + NBSP + km}</td>'
                for d in cells["distance_km"]
            )
        rows.append(f'<tr><th scope="row">{name}</th>{body}</tr>')
    notes = [f"<p>{t('location_intro')}</p>"]
    if zones["schematic"].any():
        notes.append(f'<p class="note">{t("location_schematic")}</p>')
    if (places["uncertain"] & places["available"]).any():
        notes.append(f'<p class="note">{t("location_uncertain_mark")}</p>')
    heading = f"h{level}"
    sub = f"h{min(level + 1, 6)}"
    return (
        f'<section class="tb-location"><{heading}>{t("location_title")}</{heading}>{notes[0]}'
        f'<div class="table-wrap"><table class="tb-location-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{''.join(notes[1:])}"
        f'<{sub}>{t("location_sources")}</{sub}><ul class="tb-location-sources">'
        f"{''.join(_source_item(place, language) for _, place in places.iterrows())}</ul></section>"
    )


def _localised(row: pd.Series, stem: str, language: str) -> str:
    return i18n.localised_column(row, stem, language, fallback=f"{stem}_ko")


def _source_item(place: pd.Series, language: str) -> str:
    """A place's source as a reader cites it: publisher, date and a link to the site; for a place without
    coordinates, why not."""
    name = escape(_localised(place, "name", language))
    if not place["available"]:
        return f"<li>{name}: {linkify(_localised(place, 'source', language))}</li>"
    parts = [escape(p) for p in (place.get("publisher"), place.get("date")) if isinstance(p, str) and p.strip()]
    url = place.get("url")
    if isinstance(url, str) and url.strip():
        parts.append(link(url.strip(), site_name(url.strip())))
    return f"<li>{name}: {', '.join(parts)}</li>"
