"""The Sources section of the index pages and the fact sheets: who published each figure, when, where, and in
what words; and whose data the maps draw (NGII's boundaries, under its open licence with attribution).

The claims lists give each figure's publisher, date and site; the quotes, which are long and in the source's
language, are kept here, once per published page, so the findings stay short. Every string from data is
escaped.
"""

from __future__ import annotations

import pandas as pd

from .. import i18n
from .._html import escape, link, site_name
from .findings import claim_publisher


def sources_section(claims: pd.DataFrame, *, language: str, level: int = 2) -> str:
    """``<section class="tb-sources">``: one entry per published page (publisher, date, site link and the words
    quoted from it), then the map data's credit; ``""`` without claims."""
    entries: dict[tuple[str, str, str], list[str]] = {}
    for claim in claims.to_dict("records"):
        key = (claim_publisher(claim, language), str(claim.get("date") or ""), str(claim.get("url") or ""))
        quote = str(claim.get("quote") or "").strip()
        quotes = entries.setdefault(key, [])
        if quote and quote not in quotes:
            quotes.append(quote)
    items = []
    for (publisher, date, url), quotes in sorted(entries.items(), key=lambda item: (item[0][0], item[0][1])):
        head = escape(" ".join(part for part in (publisher, date) if part))
        if url:
            head += f" · {link(url, site_name(url))}"
        quoted = "".join(
            f'<li lang="{escape(_language_of(claims, url))}">{escape(i18n.text("quoted", language, text=q))}</li>'
            for q in quotes
        )
        items.append(f"<li>{head}" + (f'<ul class="tb-quotes">{quoted}</ul>' if quoted else "") + "</li>")
    if not items:
        return ""
    t = lambda key: escape(i18n.text(key, language))  # noqa: E731
    return (
        f'<section class="tb-sources"><h{level}>{t("sources_title")}</h{level}>'
        f"<h{level + 1}>{t('sources_figures')}</h{level + 1}><ul>{''.join(items)}</ul>"
        f"<h{level + 1}>{t('sources_map_data')}</h{level + 1}><p>{t('credit_ngii_full')}</p></section>"
    )


def _language_of(claims: pd.DataFrame, url: str) -> str:
    """The language the page at ``url`` was published in (the quote's language), for ``lang`` on the quote."""
    if "language" not in claims or "url" not in claims:
        return ""
    found = claims.loc[claims["url"].astype(str) == url, "language"]
    return str(found.iloc[0]) if len(found) else ""
