"""What the audit says on a map: claims tables, and the findings (how many claims hold, which do not).

The belt map's panel and every index page open with :func:`findings_html`; popups and zone panels list their
claims with :func:`claims_table`; the FEZ map (:mod:`geo.maps.fez`) uses :func:`claims_findings`. Every string
from data is escaped with :func:`geo._html.escape`; numbers are typeset by :mod:`geo._format`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import _format as fmt
from .. import explain, headline, i18n
from .._html import escape, link
from ..audit import AuditResult
from ..fez import FEZ
from ..schema import BELT, Verdict
from ._text import attribute_records, qty, tolerance_text, zone_name, zone_titles


def claim_publisher(claim: dict | pd.Series, language: str) -> str:
    """The claim's publisher in ``language`` (``publisher_<lang>``) when the table has it, else ``publisher``."""
    for column in (f"publisher_{language}", "publisher"):
        value = claim.get(column)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def claims_table(claims: pd.DataFrame, *, language: str, tolerance: str, subjects: dict[str, str] | None = None) -> str:
    """The claims, one stacked row each (:mod:`geo.explain`), so nothing is clipped on a phone: source and
    verdict on the first line, the figure as published with its areas below, then the difference in words and,
    where the verdict needs one, the reason. Grouped under the subjects' names, given ``subjects``."""
    if claims.empty:
        return f"<p>{escape(i18n.text('no_claims', language))}</p>"
    pyeong, m2 = i18n.text("unit_pyeong", language), i18n.text("unit_m2", language)
    rows = []
    records = claims.to_dict("records")
    if subjects is not None:
        # Grouped by subject (the belt, then each zone and its parts), each group under its name.
        order = {subject: i for i, subject in enumerate(subjects)}
        records.sort(key=lambda claim: order.get(str(claim.get("subject")), len(order)))
    current = None
    for claim in records:
        if subjects is not None and str(claim.get("subject")) != current:
            current = str(claim.get("subject"))
            rows.append(f'<tr class="tb-subject-row"><th>{escape(subjects.get(current, current))}</th></tr>')
        rows.append(_claim_row(claim, language=language, tolerance=tolerance, units=(pyeong, m2)))
    return f'<table class="tb-claims"><tbody>{"".join(rows)}</tbody></table>'


def _claim_row(claim: dict, *, language: str, tolerance: str, units: tuple[str, str]) -> str:
    """One claim as a stacked cell: source · verdict / as published (= pyeong · m²) / difference / reason."""
    publisher = claim_publisher(claim, language)
    date = str(claim.get("date") or "").strip()
    source = " ".join(s for s in (publisher, date) if s)
    # The date stays on one line on a phone; the publisher may wrap.
    source_html = " ".join(
        part for part in (escape(publisher), f'<span class="tb-q">{escape(date)}</span>' * bool(date)) if part
    )
    verdict = claim.get("verdict")
    holds = verdict in (Verdict.HOLDS, Verdict.ROUNDING)
    css = "tb-ok" if verdict == Verdict.HOLDS else "tb-round" if verdict == Verdict.ROUNDING else "tb-off"
    uncertain = (
        f' <span class="tb-tag">{escape(i18n.text("uncertain_claim", language))}</span>'
        if claim.get("uncertain") is True
        else ""
    )
    pyeong, m2 = units
    areas = f"{qty(fmt.number(claim.get('claimed_pyeong')), pyeong)} · {qty(fmt.number(claim.get('claimed_m2')), m2)}"
    difference = explain.difference(claim, language)
    reason = explain.reason(claim, tolerance=tolerance, language=language)
    return (
        f'<tr class="{"tb-row-ok" if holds else "tb-row-off"}"><td>'
        f'<div class="tb-claim-head"><span class="tb-src">{link(claim.get("url"), source, label_html=source_html)}'
        f'{uncertain}</span><span class="tb-verdict {css}">{escape(explain.verdict_text(claim, language))}</span></div>'
        f'<div class="tb-claim-figure"><span class="tb-published">{escape(explain.published(claim, language))}</span>'
        f' <span class="tb-areas">= {areas}</span></div>'
        + (f'<div class="tb-claim-diff">{escape(difference)}</div>' if difference else "")
        + (f'<div class="tb-why">{escape(reason)}</div>' if reason else "")
        + "</td></tr>"
    )


def belt_subjects(zones: gpd.GeoDataFrame) -> set[str]:
    """Claim subjects about the belt: ``belt``, the ids of zones with a part in the belt and those parts' ids."""
    members = zones[zones["in_belt"].astype(bool)]
    member_zones = set(members["zone_id"].astype(str))
    parts = zones[zones["zone_id"].astype(str).isin(member_zones)]
    return {BELT, *member_zones, *parts["feature_id"].astype(str)}


def subject_names(zones: gpd.GeoDataFrame, language: str) -> dict[str, str]:
    """What each claim subject is called in ``language``: the belt, each zone (its title) and each part."""
    names = {BELT: i18n.text("subject_belt", language), **zone_titles(zones, language)}
    for row in attribute_records(zones):
        names.setdefault(str(row["feature_id"]), zone_name(row, language))
    return names


def fez_subject_names(districts: gpd.GeoDataFrame | None, language: str) -> dict[str, str]:
    """Claim subjects of the FEZ and what they are called: ``fez`` and each ``fez/<district>``."""
    names = {FEZ: i18n.text("fez_name", language)}
    if districts is not None:
        for row in attribute_records(districts):
            names[str(row["feature_id"])] = zone_name(row, language)
    return names


def findings_claims(zones: gpd.GeoDataFrame, audit: AuditResult, scope: str = "belt") -> pd.DataFrame:
    """The claims of a scope (:func:`geo.headline.scope_claims`: ``belt`` every claim not about the FEZ),
    failing first, then holding, then unchecked: what the belt map's panel and the index pages list."""
    claims = headline.scope_claims(audit, scope)
    if claims.empty:
        return claims
    within = claims["holds"]
    failing = within.notna() & ~within.fillna(True).astype(bool)
    order = np.select([failing, within.notna()], [0, 1], default=2)
    return claims.iloc[np.argsort(order, kind="stable")]


def findings_html(
    zones: gpd.GeoDataFrame,
    audit: AuditResult,
    *,
    language: str,
    holds_open: bool = False,
    scope: str = "belt",
    others: bool = True,
    lead: bool = True,
    districts: gpd.GeoDataFrame | None = None,
) -> str:
    """The audit at a glance for a scope: the headline of its claims, then every claim, failing ones first, and
    (with ``others``) one line on each other scope, so a page of one scope never hides the others' findings.
    Without ``lead`` the headline of the scope is left to the caller. The FEZ's claims are named after
    ``districts`` (:func:`geo.fez.load_fez_districts`).

    The claims that hold are in a ``<details>`` element, open with ``holds_open``.
    """
    claims = findings_claims(zones, audit, scope)
    if claims.empty:
        html = f'<p class="tb-finding">{escape(i18n.text("no_claims_belt", language))}</p>'
    else:
        names = fez_subject_names(districts, language) if scope == "fez" else subject_names(zones, language)
        html = claims_findings(
            claims, tolerance_text(audit), subjects=names, language=language, holds_open=holds_open, lead=lead
        )
    return html + (other_scopes_html(audit, scope, language=language) if others else "")


def other_scopes_html(audit: AuditResult, scope: str, *, language: str) -> str:
    """One line per other scope with claims (the FEZ on the belt map, the belt on the FEZ map), coloured as
    :func:`geo.headline.css_class` says; escaped."""
    tolerance = tolerance_text(audit)
    lines = [
        f'<p class="tb-finding tb-other {headline.css_class(t)}">'
        f"{escape(headline.sentence(t, tolerance=tolerance, language=language))}</p>"
        for other, t in headline.tallies(audit).items()
        if other not in (scope, "all")
    ]
    return "".join(lines)


def claims_findings(
    claims: pd.DataFrame,
    tolerance: str,
    *,
    subjects: dict,
    language: str,
    holds_open: bool = False,
    lead: bool = True,
) -> str:
    """How many of ``claims`` hold, lie outside or were not checked (:func:`geo.headline.sentence`), then the
    tables: failing, holding (folded), unchecked."""
    within = claims["holds"]
    off = claims[within.notna() & ~within.fillna(True).astype(bool)]
    rounding = claims[claims["verdict"] == Verdict.ROUNDING]
    holds = claims[within.notna() & within.fillna(False).astype(bool) & (claims["verdict"] != Verdict.ROUNDING)]
    unchecked = claims[within.isna()]
    counted = headline.tally(claims, "belt")
    text = headline.sentence(counted, tolerance=tolerance, language=language, named=False)
    css = f"tb-finding {headline.css_class(counted)}"
    parts = [f'<p class="{css}" data-off="{len(off)}" data-holds="{len(holds)}">{escape(text)}</p>'] if lead else []
    if len(off):
        parts.append(claims_table(off, language=language, tolerance=tolerance, subjects=subjects))
    if len(rounding):
        summary = escape(i18n.text("findings_rounding", language, n=len(rounding)))
        parts.append(
            f'<p class="tb-subhead">{summary}</p>'
            f"{claims_table(rounding, language=language, tolerance=tolerance, subjects=subjects)}"
        )
    if len(holds):
        summary = escape(i18n.text("findings_holds", language, holds=len(holds), tolerance=tolerance))
        parts.append(
            f'<details class="tb-holds"{" open" if holds_open else ""}><summary>{summary}</summary>'
            f"{claims_table(holds, language=language, tolerance=tolerance, subjects=subjects)}</details>"
        )
    if len(unchecked):
        summary = escape(i18n.text("findings_unchecked", language, n=len(unchecked)))
        parts.append(
            f'<details class="tb-unchecked" open><summary>{summary}</summary>'
            f"{claims_table(unchecked, language=language, tolerance=tolerance, subjects=subjects)}</details>"
        )
    return "".join(parts)


def findings_short(zones: gpd.GeoDataFrame, audit: AuditResult, *, language: str) -> tuple[str, str]:
    """The collapsed panel's line on the belt's claims (``✕ 2 of 17 claims off``) and its colour class."""
    return claims_short(findings_claims(zones, audit), audit, language=language)


def claims_short(claims: pd.DataFrame, audit: AuditResult, *, language: str) -> tuple[str, str]:
    """The collapsed panel's line on ``claims`` (escaped; empty when there are none) and its colour class
    (:func:`geo.headline.css_class`): the one wording of the belt's, the zones' and the FEZ's short findings."""
    counted = headline.tally(claims, "belt")
    if not counted.total:
        return "", ""
    values = {"off": counted.outside, "total": counted.total, "tolerance": tolerance_text(audit)}
    if counted.outside:
        text = i18n.text("findings_short_off", language, **values)
    elif counted.unchecked:
        text = i18n.text("findings_short_unchecked", language, unchecked=counted.unchecked, total=counted.total)
    else:
        text = i18n.text("findings_short_hold", language, **values)
    return escape(text), headline.css_class(counted)


def area_summary_html(summary: dict, *, heading: str, official: str, language: str, later: str | None = None) -> str:
    """The measured area of a group of zones (the belt, the FEZ: :func:`geo.belt.belt_summary`'s dict) in
    pyeong and m², the sum of their official figures, with ``later`` the later figures' sum, and the
    schematic note; ``heading``, ``official`` and ``later`` are message ids. Escaped."""

    def t(key: str) -> str:
        return escape(i18n.text(key, language))

    pyeong, m2 = i18n.text("unit_pyeong", language), i18n.text("unit_m2", language)
    html = (
        f"<p><b>{t(heading)}</b><br>"
        f'<span class="tb-big">{qty(fmt.number(summary["area_pyeong"]), pyeong)}</span> = '
        f"{qty(fmt.number(summary['area_m2']), m2)}</p>"
    )
    if summary.get("official_sum_m2") is not None:
        html += (
            f"<p>{i18n.labelled(t(official), qty(fmt.number(summary['official_sum_m2']), m2), language)} = "
            f"{qty(fmt.number(summary['official_sum_pyeong']), pyeong)}</p>"
        )
    if later is not None and summary.get("later_sum_m2") is not None:
        html += f"<p>{i18n.labelled(t(later), qty(fmt.number(summary['later_sum_m2']), m2), language)}</p>"
    if summary.get("schematic"):
        html += f'<p class="tb-warn">{t("schematic_note")}</p>'
    elif 0 < summary.get("schematic_share", 0) < 1:
        share = fmt.percent_share(summary["schematic_share"])
        html += f'<p class="tb-warn">{escape(i18n.text("partly_schematic_note", language, share=share))}</p>'
    return html
