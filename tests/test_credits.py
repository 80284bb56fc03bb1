"""The Sources section: every published page once, with its words quoted, escaped; the map data credited."""

from __future__ import annotations

import pandas as pd

import geo
from geo.maps.credits import sources_section
from geo.maps.index import index_page


def test_each_published_page_is_listed_once_with_its_quotes_and_the_ngii_credit():
    claims = geo.load_claims()
    html = sources_section(claims, language="ja")
    for url in set(claims["url"]):
        assert html.count(f'href="{url.replace("&", "&amp;")}"') == 1
    assert "「220万坪の巨大な「次世代自動車三角ベルト」が完成する予定」" in html
    assert "国土地理情報院（NGII）" in html
    # A quote is marked with the language it was published in, so it is drawn in that script's font.
    assert '<li lang="ko">「약 714만㎡(220만평)」</li>' in html


def test_quotes_and_publishers_are_escaped():
    claims = pd.DataFrame(
        [{"publisher": "<i>P</i>", "date": "2024", "url": "https://example.org/?a=1&b=2", "quote": "</li><script>x"}]
    )
    html = sources_section(claims, language="en")
    assert "<script>" not in html and "<i>P</i>" not in html
    assert "&lt;/li&gt;&lt;script&gt;x" in html and 'href="https://example.org/?a=1&amp;b=2"' in html


def test_the_index_page_ends_with_the_sources_before_the_files(audit_result, zones):
    page = index_page("belt_en.html", [], language="en", audit=audit_result, zone_ids=[], zones=zones)
    assert page.index('class="tb-sources"') > page.index("tb-finding")
    assert "Published figures" in page and "Map data" in page
