"""Every user-facing string in Korean, English and Japanese: one registry, one entry per message.

Zone names come from the data (``name_ko``, ``name_en``, ``name_ja``) and field titles from
:mod:`geo.schema`. Everything else a map, report, export or raster legend shows is here — role and status
labels, layer titles and descriptions, the schematic statement — so a missing translation is a test failure,
not a blank. :func:`check_language` is the one check of a language code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from ._errors import InputError
from .settings import LANGUAGES

#: The language's own name, for the index page and ``<html lang>``.
LANGUAGE_NAMES: Final[dict[str, str]] = {"ko": "한국어", "en": "English", "ja": "日本語"}


@dataclass(frozen=True)
class Plural:
    """A message whose wording depends on a count: ``one`` when the value named ``by`` is 1, else ``other``.

    Korean and Japanese counters need no plural, so only the English messages with a count use it.
    """

    one: str
    other: str
    by: str = "count"

    def choose(self, values: Mapping[str, object]) -> str:
        return self.one if values.get(self.by) == 1 else self.other

    def __str__(self) -> str:
        return self.other


#: Message id → text per language code of :data:`geo.settings.LANGUAGES`.
MESSAGES: Final[dict[str, dict[str, str | Plural]]] = {
    # Punctuation: Japanese takes full-width colons and brackets (:func:`labelled`, :func:`bracketed`).
    "label_value": {"ko": "{label}: {value}", "en": "{label}: {value}", "ja": "{label}：{value}"},
    "bracketed": {"ko": "{text} ({inner})", "en": "{text} ({inner})", "ja": "{text}（{inner}）"},
    "belt_title": {
        "ko": "광주 미래차 삼각벨트",
        "en": "Gwangju future-vehicle triangle belt",
        "ja": "光州 次世代自動車三角ベルト",
    },
    "zone_title_suffix": {"ko": "구역 지도", "en": "zone map", "ja": "区域地図"},
    "layer_zones": {"ko": "산업단지", "en": "Industrial complexes", "ja": "産業団地"},
    "layer_belt": {"ko": "벨트 외곽 (합집합)", "en": "Belt outline (union)", "ja": "ベルト外周（和集合）"},
    "layer_triangle": {"ko": "삼각벨트 연결선", "en": "Triangle joining the complexes", "ja": "三角ベルト連結線"},
    "layer_context": {
        "ko": "법정동·리 경계 (국토지리정보원)",
        "en": "Legal dong and ri boundaries (NGII)",
        "ja": "法定洞・里の境界（国土地理情報院）",
    },
    "layer_context_labels": {"ko": "법정동·리 이름", "en": "Legal dong and ri names", "ja": "法定洞・里の名称"},
    # Gu, si and gun (context drawn on every map and sheet): the layer, and each unit's name by its NGII code.
    # Korean as NGII writes it (layers/context.geojson must agree); English in the Revised Romanization (the
    # unit after a hyphen); Japanese in the kanji of the Hanja names.
    "layer_admin": {
        "ko": "구·시·군 경계 (국토지리정보원)",
        "en": "Gu, si and gun boundaries (NGII)",
        "ja": "区・市・郡の境界（国土地理情報院）",
    },
    "legend_context": {"ko": "배경", "en": "Background", "ja": "背景"},
    "place_29110": {"ko": "동구", "en": "Dong-gu", "ja": "東区"},
    "place_29140": {"ko": "서구", "en": "Seo-gu", "ja": "西区"},
    "place_29155": {"ko": "남구", "en": "Nam-gu", "ja": "南区"},
    "place_29170": {"ko": "북구", "en": "Buk-gu", "ja": "北区"},
    "place_29200": {"ko": "광산구", "en": "Gwangsan-gu", "ja": "光山区"},
    "place_46170": {"ko": "나주시", "en": "Naju-si", "ja": "羅州市"},
    "place_46710": {"ko": "담양군", "en": "Damyang-gun", "ja": "潭陽郡"},
    "place_46790": {"ko": "화순군", "en": "Hwasun-gun", "ja": "和順郡"},
    "place_46860": {"ko": "함평군", "en": "Hampyeong-gun", "ja": "咸平郡"},
    "place_46880": {"ko": "장성군", "en": "Jangseong-gun", "ja": "長城郡"},
    "table_context_units": {"ko": "구·시·군 경계", "en": "Gu, si and gun", "ja": "区・市・郡の境界"},
    "about_context_units": {
        "ko": "방향 참고용 광주광역시의 5개 구와 이웃한 전라남도의 시·군 (국토지리정보원, 표시용으로 단순화).",
        "en": "Gwangju's five gu and the si/gun of Jeollanam-do that border it, for orientation (NGII; simplified "
        "for display).",
        "ja": "位置の参考：光州広域市の5区と隣接する全羅南道の市・郡（国土地理情報院、表示用に簡略化）。",
    },
    "layer_border": {"ko": "광주·전남 경계", "en": "Gwangju–Jeonnam border", "ja": "光州・全南の境界"},
    "layer_points": {"ko": "입지 참고 지점", "en": "Site-selection points", "ja": "立地の参考地点"},
    # --- The location table (geo.location): straight-line distances from each zone to airports, rail, ports ---
    "location_title": {
        "ko": "입지: 주요 시설까지의 직선거리",
        "en": "Location: straight-line distances",
        "ja": "立地：主要施設までの直線距離",
    },
    "location_intro": {
        "ko": "각 구역의 가장 가까운 가장자리에서 각 시설까지의 직선(측지선) 거리(km)이며, 도로 거리가 아닙니다.",
        "en": "Straight-line (geodesic) distance in km from the nearest edge of each zone, not road distance.",
        "ja": "各区域の最も近い縁から各施設までの直線（測地線）距離（km）で、道路距離ではありません。",
    },
    "location_schematic": {
        "ko": "구역 경계가 개략적이므로 거리도 근사값입니다.",
        "en": "The zone outlines are schematic, so the distances are approximate.",
        "ja": "区域の境界は概略のため、距離も概算です。",
    },
    "location_place": {"ko": "시설", "en": "Place", "ja": "施設"},
    "location_not_available": {"ko": "정보 없음", "en": "not available", "ja": "情報なし"},
    "location_uncertain_mark": {
        "ko": "* 위치가 근사값입니다 (출처 참조).",
        "en": "* The place's location is approximate (see its source).",
        "ja": "* 施設の位置は概算です（出典参照）。",
    },
    "location_sources": {"ko": "출처", "en": "Sources", "ja": "出典"},
    "file_locations": {"ko": "직선거리 표 (CSV)", "en": "Straight-line distances (CSV)", "ja": "直線距離表（CSV）"},
    "layer_parcels": {"ko": "필지", "en": "Parcels", "ja": "筆地"},
    # --- The land-use map of the parcels (geo.maps.landuse): panel, legend and parcel popups. ---
    "landuse_title": {"ko": "토지이용 (지목)", "en": "land use (land category)", "ja": "土地利用（地目）"},
    "landuse_legend": {
        "ko": "지목 (구역 면적 중 비율)",
        "en": "Land category (share of the zone's area)",
        "ja": "地目（区域面積に占める割合）",
    },
    "landuse_outside_only": {"ko": "구역 밖에만 있음", "en": "outside the zone only", "ja": "区域外のみ"},
    "landuse_zone_outline": {"ko": "구역 경계", "en": "Zone boundary", "ja": "区域の境界"},
    "landuse_zone_area": {"ko": "구역 면적", "en": "Zone area", "ja": "区域面積"},
    "landuse_parcels": {
        "ko": "구역에 걸친 필지 {count}개",
        "en": Plural("{count} parcel touches the zone", "{count} parcels touch the zone"),
        "ja": "区域にかかる筆地 {count} 筆",
    },
    "landuse_no_parcels": {
        "ko": "구역에 걸친 필지가 없습니다",
        "en": "No parcel reaches the zone",
        "ja": "区域にかかる筆地はありません",
    },
    "landuse_uncovered": {
        "ko": "어느 필지에도 속하지 않는 면적: {area} ({share})",
        "en": "In no parcel: {area} ({share} of the zone)",
        "ja": "どの筆地にも属さない面積：{area}（区域の{share}）",
    },
    "landuse_overlap": {
        "ko": "필지끼리 겹치는 면적: {area} (지적 오류로 보임; 지목별 면적에 두 번 들어감)",
        "en": "Parcels overlap on {area} (cadastre errors; counted in both categories)",
        "ja": "筆地どうしが重なる面積：{area}（地籍の誤りとみられ、地目別面積に二重に含まれる）",
    },
    "landuse_drawn": {
        "ko": "지도에는 구역 범위 안의 필지 {count}개를 표시합니다",
        "en": Plural(
            "The map draws {count} parcel within the zone's extent",
            "The map draws {count} parcels within the zone's extent",
        ),
        "ja": "地図には区域の範囲内の筆地 {count} 筆を表示します",
    },
    "landuse_method": {
        "ko": "면적: GRS80 타원체의 측지 면적 (필지 ∩ 구역); 1평 = 400/121 m²",
        "en": "Areas: GRS80 ellipsoid, geodesic edges (parcel ∩ zone); 1 pyeong = 400/121 m²",
        "ja": "面積：GRS80楕円体上の測地線面積（筆地 ∩ 区域）；1坪 = 400/121 m²",
    },
    "landuse_hint": {
        "ko": "필지를 누르면 고유번호·지번·지목·면적이 나옵니다",
        "en": "Tap or click a parcel for its number, lot number, category and area",
        "ja": "筆地をタップまたはクリックすると固有番号・地番・地目・面積を表示します",
    },
    "landuse_offline": {
        "ko": "배경지도는 꺼져 있어 오프라인에서도 요청 없이 열립니다; 온라인이면 레이어 메뉴에서 켜십시오",
        "en": (
            "Basemaps are off, so the map opens offline without any request; "
            "switch one on in the layers menu when online"
        ),
        "ja": "背景地図はオフのため、オフラインでも通信なしで開きます。オンラインならレイヤーメニューで表示できます",
    },
    "landuse_pnu": {"ko": "고유번호 (PNU)", "en": "Parcel number (PNU)", "ja": "筆地固有番号（PNU）"},
    "landuse_jibun": {"ko": "지번", "en": "Lot number (jibun)", "ja": "地番"},
    "landuse_category": {"ko": "지목", "en": "Land category", "ja": "地目"},
    "landuse_area": {"ko": "필지 면적 (GRS80)", "en": "Parcel area (GRS80)", "ja": "筆地の面積（GRS80）"},
    # --- end of the land-use map ---
    "basemap_light": {"ko": "밝은 배경 (Esri)", "en": "Light grey (Esri)", "ja": "淡色背景（Esri）"},
    "basemap_osm": {"ko": "OpenStreetMap", "en": "OpenStreetMap", "ja": "OpenStreetMap"},
    "basemap_imagery": {"ko": "위성영상 (Esri)", "en": "Imagery (Esri)", "ja": "衛星画像（Esri）"},
    "legend_title": {"ko": "범례", "en": "Legend", "ja": "凡例"},
    "legend_roles": {"ko": "역할", "en": "Role", "ja": "役割"},
    "legend_status": {"ko": "상태", "en": "Status", "ja": "状況"},
    "legend_outline": {"ko": "경계", "en": "Outline", "ja": "境界"},
    "legend_supplied": {
        "ko": "제공된 경계 (실선)",
        "en": "Supplied outline (solid)",
        "ja": "提供された境界（実線）",
    },
    "area_heading": {
        "ko": "면적 (GRS80 타원체)",
        "en": "Area (GRS80 ellipsoid)",
        "ja": "面積（GRS80楕円体）",
    },
    "area_planar": {"ko": "평면 EPSG:5186", "en": "Planar EPSG:5186", "ja": "平面 EPSG:5186"},
    "credit_ngii": {
        "ko": "경계: 국토지리정보원 (국토교통부)",
        "en": "Boundary: National Geographic Information Institute (NGII), Korea",
        "ja": "境界：韓国 国土地理情報院（NGII）",
    },
    "official_feature": {
        "ko": "공식 경계 (단지경계 레이어)",
        "en": "Official boundary (complex layer)",
        "ja": "公式境界（団地境界レイヤー）",
    },
    "official_figure": {"ko": "공식 면적", "en": "Official figure", "ja": "公式面積"},
    "no_official_figure": {"ko": "공식 면적 없음", "en": "No official figure", "ja": "公式面積なし"},
    "source": {"ko": "출처", "en": "Source", "ja": "出典"},
    "status": {"ko": "상태", "en": "Status", "ja": "状況"},
    "outline": {"ko": "경계", "en": "Outline", "ja": "境界"},
    "outline_supplied": {"ko": "제공된 경계", "en": "Supplied outline", "ja": "提供された境界"},
    "audit": {"ko": "공표 면적 검증", "en": "Area claims audit", "ja": "公表面積の検証"},
    "no_claims": {
        "ko": "이 구역에 대한 공표 수치 없음",
        "en": "No published claim on this zone",
        "ja": "この区域の公表値なし",
    },
    "claimed": {"ko": "공표 수치", "en": "Published", "ja": "公表値"},
    "measured": {"ko": "측정", "en": "Measured", "ja": "測定"},
    "difference": {"ko": "차이", "en": "Difference", "ja": "差"},
    "verdict": {"ko": "판정", "en": "Verdict", "ja": "判定"},
    "verdict_holds": {"ko": "허용오차 이내", "en": "holds", "ja": "許容範囲内"},
    "verdict_rounding": {"ko": "반올림 범위 이내", "en": "within rounding", "ja": "丸めの範囲内"},
    "verdict_off": {"ko": "허용오차 초과", "en": "outside tolerance", "ja": "許容範囲外"},
    # A claim explained in words (geo.explain): the same sentences on maps, index pages and sheets.
    "quoted": {"ko": "“{text}”", "en": "“{text}”", "ja": "「{text}」"},
    "myriad": {"ko": "{n}만 {unit}", "en": "{n} × 10,000 {unit}", "ja": "{n}万{unit}"},
    "explain_official": {"ko": "공식 면적", "en": "the official area", "ja": "公式面積"},
    "explain_measured": {"ko": "측정 면적", "en": "the measured area", "ja": "測定面積"},
    "explain_official_first": {"ko": "공식 면적", "en": "The official area", "ja": "公式面積"},
    "explain_measured_first": {"ko": "측정 면적", "en": "The measured area", "ja": "測定面積"},
    "explain_same": {
        "ko": "공표 수치는 {compared}과 같습니다.",
        "en": "The published figure equals {compared}.",
        "ja": "公表値は{compared}と一致します。",
    },
    "explain_smaller": {
        "ko": "{compared}이 공표 수치보다 {pct} 작습니다.",
        "en": "{compared} is {pct} smaller than the published figure.",
        "ja": "{compared}は公表値より{pct}小さい値です。",
    },
    "explain_larger": {
        "ko": "{compared}이 공표 수치보다 {pct} 큽니다.",
        "en": "{compared} is {pct} larger than the published figure.",
        "ja": "{compared}は公表値より{pct}大きい値です。",
    },
    "explain_times": {
        "ko": "공표 수치는 {compared}의 약 {times}배입니다.",
        "en": "The published figure is about {times} times {compared}.",
        "ja": "公表値は{compared}の約{times}倍です。",
    },
    "explain_rounding": {
        "ko": "허용오차 밖이지만, {step} 단위로 반올림한 수치이며 면적을 반올림하면 이 값이 됩니다.",
        "en": "Outside the tolerance, but the figure is rounded to {step} and the area rounds to it.",
        "ja": "許容誤差の外ですが、{step}単位に丸めた数値で、面積を丸めるとこの値になります。",
    },
    "explain_unit_error": {
        "ko": "단위 착오로 보입니다 ({factor}): 출처가 단위를 잘못 적은 것으로 판단됩니다.",
        "en": "Most likely a unit error in the source ({factor}), not a different area.",
        "ja": "出典の単位の誤り（{factor}）とみられ、面積が異なるわけではありません。",
    },
    "explain_outside": {
        "ko": "허용오차 {tolerance}를 넘습니다.",
        "en": "That is more than the {tolerance} tolerance.",
        "ja": "許容誤差{tolerance}を超えています。",
    },
    "explain_uncertain": {
        "ko": "출처가 약하거나 다른 출처와 상충합니다.",
        "en": "The source is weak or conflicts with others.",
        "ja": "出典の信頼性が低いか、他の出典と食い違います。",
    },
    "verdict_unchecked": {"ko": "검증 불가", "en": "not checked", "ja": "検証不可"},
    "verdict_not_found": {"ko": "대상 구역 없음", "en": "subject not in zones", "ja": "対象区域なし"},
    "schematic_short": {"ko": "개략", "en": "schematic", "ja": "概略"},
    "uncertain_claim": {"ko": "불확실", "en": "uncertain", "ja": "不確か"},
    "tolerance": {"ko": "허용오차", "en": "tolerance", "ja": "許容誤差"},
    "belt_measured": {
        "ko": "벨트 측정 면적 (벨트 구역의 합집합, GRS80)",
        "en": "Belt measured (union of the in-belt zones, GRS80)",
        "ja": "ベルト測定面積（ベルト区域の和集合、GRS80）",
    },
    "belt_official_sum": {"ko": "공식 면적 합계", "en": "Official figures add to", "ja": "公式面積の合計"},
    "belt_empty": {
        "ko": "벨트에 속한 구역이 없습니다.",
        "en": "No zone is marked as part of the belt.",
        "ja": "ベルトに属する区域はありません。",
    },
    "partly_schematic_note": {
        "ko": "일부 개략 경계: 면적의 {share}는 공식 레이어에 없는 계획 단지의 개략 경계입니다.",
        "en": "Partly schematic: {share} of this area is our schematic outline of a planned complex the official "
        "layer does not hold.",
        "ja": "一部が概略境界：面積の{share}は、公式レイヤーにない計画団地の概略境界です。",
    },
    "schematic_note": {
        "ko": "개략 경계: 면적이 공식 수치와 일치하는 것은 그렇게 그렸기 때문입니다.",
        "en": "Schematic outlines: their agreement with the official figures is by construction.",
        "ja": "概略境界：公式面積との一致は作図によるものです。",
    },
    "distances": {
        "ko": "각 구역까지의 거리 (측지선, GRS80)",
        "en": "Distance to each zone (geodesic, GRS80)",
        "ja": "各区域までの距離（測地線、GRS80）",
    },
    "inside": {"ko": "구역 안", "en": "inside", "ja": "区域内"},
    "uncertain": {"ko": "위치 불확실", "en": "Location uncertain", "ja": "位置は不確か"},
    "side_lengths": {"ko": "변 길이 (측지선)", "en": "Side lengths (geodesic)", "ja": "辺の長さ（測地線）"},
    "zoom_in": {"ko": "확대", "en": "Zoom in", "ja": "拡大"},
    "zoom_out": {"ko": "축소", "en": "Zoom out", "ja": "縮小"},
    "fullscreen": {"ko": "전체 화면", "en": "Full screen", "ja": "全画面"},
    "measure": {"ko": "면적 재기", "en": "Measure area", "ja": "面積を測る"},
    "measure_hint": {
        "ko": "클릭해 꼭짓점 추가, 더블클릭으로 끝내기",
        "en": "Click to add points; double-click to finish",
        "ja": "クリックで頂点を追加、ダブルクリックで終了",
    },
    "measure_hint_touch": {
        "ko": "탭해 꼭짓점 추가, 두 번 탭해 끝내기",
        "en": "Tap to add points; double-tap to finish",
        "ja": "タップで頂点を追加、ダブルタップで終了",
    },
    "measure_finish": {"ko": "끝내기", "en": "Finish", "ja": "終了"},
    "measure_clear": {"ko": "지우기", "en": "Clear", "ja": "消去"},
    "measure_area": {"ko": "면적", "en": "Area", "ja": "面積"},
    "measure_perimeter": {"ko": "둘레", "en": "Perimeter", "ja": "周長"},
    "measure_method": {
        "ko": "GRS80 등적 구면에서 계산 (대략값)",
        "en": "Computed on the GRS80 authalic sphere (approximate)",
        "ja": "GRS80 等積球面上で計算（概算）",
    },
    "opacity": {"ko": "불투명도", "en": "Opacity", "ja": "不透明度"},
    "index_title": {
        "ko": "광주 미래차 삼각벨트 지도",
        "en": "Gwangju future-vehicle triangle belt maps",
        "ja": "光州 次世代自動車三角ベルト地図",
    },
    "index_belt": {"ko": "벨트 전체 지도", "en": "Belt map", "ja": "ベルト全体地図"},
    "index_zones": {"ko": "구역별 지도", "en": "Zone maps", "ja": "区域別地図"},
    "unit_m2": {"ko": "㎡", "en": "m²", "ja": "㎡"},
    "unit_ha": {"ko": "ha", "en": "ha", "ja": "ha"},
    "unit_pyeong": {"ko": "평", "en": "pyeong", "ja": "坪"},
    "unit_km": {"ko": "km", "en": "km", "ja": "km"},
    "unit_km2": {"ko": "㎢", "en": "km²", "ja": "㎢"},
    "unit_m": {"ko": "m", "en": "m", "ja": "m"},
    # Roles (News1 2024-06-18: Jingok parts production, Bitgoeul certification and finished vehicles, the new
    # complex demonstration) and statuses; ``role_`` / ``status_`` is a zone without one.
    "role_certification": {"ko": "인증·완성차", "en": "Certification and finished vehicles", "ja": "認証・完成車"},
    "role_parts": {"ko": "부품 생산", "en": "Parts production", "ja": "部品生産"},
    "role_demonstration": {"ko": "실증", "en": "Demonstration", "ja": "実証"},
    "role_": {"ko": "구역", "en": "Zone", "ja": "区域"},
    "status_operating": {"ko": "운영 중", "en": "Operating", "ja": "稼働中"},
    "status_planned": {"ko": "계획", "en": "Planned", "ja": "計画中"},
    "status_": {"ko": "미상", "en": "Unknown", "ja": "不明"},
    "schematic_label": {
        "ko": "개략 경계 (공식 면적에 맞춘 도식, 실제 경계 아님)",
        "en": "Schematic outline (sized to the official area; not the surveyed boundary)",
        "ja": "概略境界（公式面積に合わせた模式図。実測境界ではありません）",
    },
    "schematic_suffix": {"ko": "개략 경계", "en": "schematic", "ja": "概略境界"},
    # GeoPackage layer titles (gpkg_contents.identifier, the name QGIS shows) and descriptions.
    "table_zone_parts": {"ko": "구역 부분", "en": "Zone parts", "ja": "区域の部分"},
    "table_zones": {"ko": "구역", "en": "Zones", "ja": "区域"},
    "table_belt": {"ko": "미래차 삼각벨트", "en": "Future-vehicle triangle belt", "ja": "次世代自動車三角ベルト"},
    "table_context_areas": {"ko": "법정동·리 경계", "en": "Legal dongs and ri", "ja": "法定洞・里の境界"},
    "table_context_border": {"ko": "광주·전남 경계", "en": "Gwangju–Jeonnam border", "ja": "光州・全南の境界"},
    "table_site_points": {"ko": "입지 참고 지점", "en": "Site-selection points", "ja": "立地の参考地点"},
    "table_audit_zones": {"ko": "면적 감사: 구역", "en": "Area audit: zones", "ja": "面積監査：区域"},
    "table_audit_claims": {
        "ko": "면적 감사: 공표 수치",
        "en": "Area audit: published claims",
        "ja": "面積監査：公表値",
    },
    "about_zone_parts": {
        "ko": "구역 부분마다 하나의 객체: 타원체(GRS80)와 평면(EPSG:5186) 면적, 비교 대상 공식 면적.",
        "en": "One feature per zone part with its ellipsoidal (GRS80) and planar (EPSG:5186) areas and the "
        "official figure it is compared with.",
        "ja": "区域の部分ごとに一つの地物：楕円体（GRS80）と平面（EPSG:5186）の面積、比較する公式面積。",
    },
    "about_zones": {
        "ko": "zone_id별로 합친 구역 부분; 면적은 부분들의 합집합 면적.",
        "en": "The zone parts dissolved by zone_id; areas of the union of the parts.",
        "ja": "zone_idごとに統合した区域の部分。面積は部分の和集合の面積。",
    },
    "about_belt": {
        "ko": "벨트: 벨트 구역의 합집합 (kind = union)과 벨트 구역 대표점을 잇는 삼각형 (kind = triangle).",
        "en": "The belt: the union of the in-belt features (kind = union) and the triangle between "
        "representative points of the in-belt zones (kind = triangle).",
        "ja": "ベルト：ベルト区域の和集合（kind = union）とベルト区域の代表点を結ぶ三角形（kind = triangle）。",
    },
    "about_context_areas": {
        "ko": "방향 참고용 광산구 법정동과 함평군 월야면의 리 (국토지리정보원).",
        "en": "Legal dongs of Gwangsan-gu and ri of Hampyeong-gun Wolya-myeon, for orientation (NGII).",
        "ja": "位置の参考：光山区の法定洞と咸平郡月也面の里（国土地理情報院）。",
    },
    "about_context_border": {
        "ko": "방향 참고용 광주·전남 경계.",
        "en": "The Gwangju/Jeonnam border, for orientation.",
        "ja": "位置の参考：光州・全南の境界。",
    },
    "about_site_points": {
        "ko": "입지 참고 지점 (공항, KTX역 등)과 각 출처; 출처가 약하면 uncertain = 1.",
        "en": "Site-selection points (airport, KTX station, ...), each with its source; uncertain = 1 where "
        "the source is weak.",
        "ja": "立地の参考地点（空港、KTX駅など）とその出典。出典が弱い場合は uncertain = 1。",
    },
    "about_audit_zones": {
        "ko": "구역 부분별 면적 감사 (zone_areas.csv 표): ㎡, ha, ㎢, 평 (GRS80 타원체)과 "
        "평면 EPSG:5186, 공식 면적 대비.",
        "en": "Area audit per zone part (the zone_areas.csv table): areas in m², ha, km² and pyeong "
        "(GRS80 ellipsoid) and planar EPSG:5186, against the official figure.",
        "ja": "区域の部分ごとの面積監査（zone_areas.csv の表）：㎡、ha、㎢、坪（GRS80楕円体）と"
        "平面 EPSG:5186、公式面積との比較。",
    },
    "table_official_matches": {
        "ko": "공식 경계 레이어와의 대응",
        "en": "Matches to the official boundary layer",
        "ja": "公式境界レイヤーとの対応",
    },
    "about_official_matches": {
        "ko": "어떤 공식 객체가 어느 구역이 되었는지와 그 근거(이름, 겹침, 거리), 채택하지 않은 후보와 그 이유.",
        "en": "Which official feature became which zone and on what evidence (name, overlap, distance), and the "
        "candidates not taken, with the reason.",
        "ja": "どの公式地物がどの区域になったか、その根拠（名称・重なり・距離）、採用しなかった候補とその理由。",
    },
    "about_audit_claims": {
        "ko": "공표된 모든 면적 수치: 측정·공식 면적, 차이, 허용오차 대비 판정.",
        "en": "Every published area claim with the measured and official areas, the differences and "
        "the verdict against the tolerance.",
        "ja": "公表されたすべての面積（公表値）：測定面積と公式面積、差、許容誤差に対する判定。",
    },
    "about_belt_triangle": {
        "ko": "벨트 구역의 대표점을 잇는 선 (방향 참고용, 면적 아님).",
        "en": "The line joining representative points of the in-belt zones (for orientation, not an area).",
        "ja": "ベルト区域の代表点を結ぶ線（位置の参考。面積ではありません）。",
    },
    "table_belt_triangle": {"ko": "삼각벨트 연결선", "en": "Triangle joining the zones", "ja": "三角ベルト連結線"},
    "belt_union_name": {"ko": "삼각벨트 (합집합)", "en": "Triangle belt (union)", "ja": "三角ベルト（和集合）"},
    "belt_triangle_name": {
        "ko": "삼각형 (구역 대표점 연결)",
        "en": "Triangle joining the zones",
        "ja": "三角形（区域の代表点を結ぶ）",
    },
    # The audit report (terminal table, Markdown, CSV headers).
    "report_title": {"ko": "삼각벨트 면적 검증", "en": "Triangle-belt area audit", "ja": "三角ベルト面積の検証"},
    "report_method": {
        "ko": "허용오차 ±{tolerance} %. 면적은 타원체(GRS80, 측지선 변) 기준이며 평면 {planar} 면적을 함께 "
        "적습니다. 1평 = 400/121 ㎡.",
        "en": "Tolerance ±{tolerance} %. Areas are ellipsoidal (GRS80, geodesic edges); planar {planar} beside "
        "them. 1 pyeong = 400/121 m².",
        "ja": "許容誤差 ±{tolerance} %。面積は楕円体（GRS80、測地線の辺）基準で、平面 {planar} を併記。"
        "1坪 = 400/121 ㎡。",
    },
    "report_zones": {"ko": "구역", "en": "Zones", "ja": "区域"},
    "report_claims": {"ko": "공표 수치", "en": "Claims", "ja": "公表値"},
    "report_matches": {
        "ko": "공식 경계 레이어와의 대응",
        "en": "Matches to the official boundary layer",
        "ja": "公式境界レイヤーとの対応",
    },
    "report_matches_intro": {
        "ko": "어떤 공식 객체가 어느 구역이 되었는지와 그 근거(이름, 겹침, 거리), 그리고 채택하지 않은 후보와 그 이유.",
        "en": "Which official feature became which zone and on what evidence (name, overlap, distance), and the "
        "candidates not taken, with the reason.",
        "ja": "どの公式地物がどの区域になったか、その根拠（名称・重なり・距離）、採用しなかった候補とその理由。",
    },
    "report_col_overlap": {"ko": "겹침 %", "en": "overlap %", "ja": "重なり %"},
    "match_matched": {"ko": "대응", "en": "matched", "ja": "対応"},
    "match_ambiguous": {"ko": "불명확", "en": "ambiguous", "ja": "不明確"},
    "match_namesake": {"ko": "동명 다른 단지", "en": "namesake", "ja": "同名の別団地"},
    "match_unmatched": {"ko": "대응 없음", "en": "unmatched", "ja": "対応なし"},
    "report_note": {"ko": "참고", "en": "Note", "ja": "注"},
    "report_note_by_construction": {
        "ko": "경계가 공식 면적에 맞춘 개략도이므로 공식 수치와의 일치는 작도에 따른 것입니다.",
        "en": "geometry is schematic, sized to the official figures, so its agreement with them is by construction.",
        "ja": "境界は公式面積に合わせた概略図のため、公式値との一致は作図によるものです。",
    },
    "report_note_ambiguous": {
        "ko": "공식 레이어에 이 단지의 후보가 여럿이고 증거로 하나를 고를 수 없어 측정하지 않았습니다. "
        "--match 파일로 하나를 지정하세요.",
        "en": "the official layer has several candidates for this complex and the evidence does not decide between "
        "them, so it is not measured; choose one with a --match file.",
        "ja": "公式レイヤーにこの団地の候補が複数あり、根拠から一つに決められないため測定していません。"
        "--match ファイルで指定してください。",
    },
    "report_note_not_in_layer": {
        "ko": "공식 레이어에 이 단지의 객체가 없어 측정하지 않았습니다.",
        "en": "the official layer has no feature for this complex, so it is not measured.",
        "ja": "公式レイヤーにこの団地の地物がないため測定していません。",
    },
    "report_note_belt_incomplete": {
        "ko": "벨트의 구성 단지 중 공식 경계가 없는 단지(후보 불명확 또는 레이어에 없음)가 있어 "
        "벨트를 측정하지 않았습니다.",
        "en": "a member of the belt has no official outline (ambiguous or not in the layer), so the belt is not "
        "measured.",
        "ja": "ベルトの構成団地に公式境界のないもの（候補が不明確、またはレイヤーにない）があるため、"
        "ベルトは測定していません。",
    },
    "report_note_partly_schematic": {
        "ko": "이 면적의 일부는 공식 레이어에 아직 없는 계획 단지의 개략 경계입니다.",
        "en": "part of this area is our schematic outline of a complex the official layer cannot hold (it is planned).",
        "ja": "この面積の一部は、公式レイヤーにまだない計画団地の概略境界です。",
    },
    "report_note_not_found": {
        "ko": "파일에 이 대상과 일치하는 구역이 없습니다.",
        "en": "no zone in the file matches this subject.",
        "ja": "ファイルにこの対象に一致する区域がありません。",
    },
    "report_all_hold": {
        "ko": "모든 공표 수치가 허용오차 이내",
        "en": "all claims hold",
        "ja": "すべての公表値が許容範囲内",
    },
    "report_some_off": {
        "ko": "허용오차를 벗어난 공표 수치가 있음",
        "en": "some claims are outside the tolerance",
        "ja": "許容範囲外の公表値あり",
    },
    "report_unchecked": {
        "ko": "공표 수치 {count}건은 대상 구역이 없어 검증하지 못함",
        "en": Plural(
            "{count} claim could not be checked (its subject is no zone of the file)",
            "{count} claims could not be checked (their subject is no zone of the file)",
            by="count",
        ),
        "ja": "{count}件の公表値は対象区域がなく検証できません",
    },
    "report_verdict": {
        "ko": "허용오차 ±{tolerance} %: {verdict}.",
        "en": "Tolerance ±{tolerance} %: {verdict}.",
        "ja": "許容誤差 ±{tolerance} %：{verdict}。",
    },
    "report_no_belt": {
        "ko": "벨트: in_belt로 표시된 객체가 없습니다.",
        "en": "Belt: no feature is marked in_belt.",
        "ja": "ベルト：in_belt の地物がありません。",
    },
    "report_belt": {
        "ko": "벨트 ({members}): 벨트 구역의 합집합으로 측정한 {m2} ㎡ = {pyeong} 평",
        "en": "Belt ({members}): {m2} m² = {pyeong} pyeong measured as the union of the in-belt zones",
        "ja": "ベルト（{members}）：ベルト区域の和集合として測定した {m2} ㎡ = {pyeong} 坪",
    },
    "report_fez": {
        "ko": "광주경제자유구역 (4개 지구의 합집합): {m2} ㎡ = {pyeong} 평",
        "en": "Gwangju Free Economic Zone (union of its four districts): {m2} m² = {pyeong} pyeong",
        "ja": "光州経済自由区（4地区の和集合）：{m2} ㎡ = {pyeong} 坪",
    },
    "report_belt_official": {
        "ko": "; 공식 수치 합계 {m2} ㎡",
        "en": "; official figures add to {m2} m²",
        "ja": "；公式値の合計 {m2} ㎡",
    },
    "report_belt_schematic": {"ko": " (개략 경계)", "en": " (schematic geometry)", "ja": "（概略境界）"},
    "report_belt_partly_schematic": {
        "ko": " (일부 개략 경계: 면적의 {share})",
        "en": " (partly schematic: {share} of its area)",
        "ja": "（一部が概略境界：面積の{share}）",
    },
    "report_full_stop": {"ko": ".", "en": ".", "ja": "。"},
    "report_uncertain": {"ko": "불확실", "en": "uncertain", "ja": "不確か"},
    "report_col_zone": {"ko": "구역", "en": "zone", "ja": "区域"},
    "report_col_name": {"ko": "이름", "en": "name", "ja": "名称"},
    "report_col_quality": {"ko": "경계", "en": "quality", "ja": "境界"},
    "report_col_m2": {"ko": "㎡", "en": "m²", "ja": "㎡"},
    "report_col_ha": {"ko": "ha", "en": "ha", "ja": "ha"},
    "report_col_pyeong": {"ko": "평", "en": "pyeong", "ja": "坪"},
    "report_col_m2_planar": {"ko": "㎡ EPSG:5186", "en": "m² EPSG:5186", "ja": "㎡ EPSG:5186"},
    "report_col_official_m2": {"ko": "공식 ㎡", "en": "official m²", "ja": "公式 ㎡"},
    "report_col_official_diff": {"ko": "공식 대비", "en": "Δ official", "ja": "公式との差"},
    "report_col_claim": {"ko": "공표 수치 ID", "en": "claim", "ja": "公表値ID"},
    "report_col_explanation": {"ko": "설명", "en": "explanation", "ja": "説明"},
    "report_col_subject": {"ko": "대상", "en": "subject", "ja": "対象"},
    "report_col_published": {"ko": "공표", "en": "as published", "ja": "公表値"},
    "report_col_claimed_m2": {"ko": "공표 ㎡", "en": "claimed m²", "ja": "公表値 ㎡"},
    "report_col_measured_m2": {"ko": "측정 ㎡", "en": "measured m²", "ja": "測定 ㎡"},
    "report_col_measured_diff": {"ko": "측정 대비", "en": "Δ measured", "ja": "測定との差"},
    "report_col_verdict": {"ko": "판정", "en": "verdict", "ja": "判定"},
    "sources_title": {"ko": "출처", "en": "Sources", "ja": "出典"},
    "sources_figures": {"ko": "공표 수치", "en": "Published figures", "ja": "公表値"},
    "sources_map_data": {"ko": "지도 자료", "en": "Map data", "ja": "地図データ"},
    "credit_ngii_full": {
        "ko": "행정구역·법정동 경계: 국토교통부 국토지리정보원, 기준일 2023-09-15, 출처 표시 조건의 공개 이용 허락.",
        "en": (
            "Administrative and legal-dong boundaries: National Geographic Information Institute (NGII), Ministry of "
            "Land, Infrastructure and Transport, Korea; base date 2023-09-15; open licence with attribution."
        ),
        "ja": (
            "行政区域・法定洞の境界：韓国 国土交通部 国土地理情報院（NGII）、基準日2023-09-15、"
            "出典表示を条件とする公開利用許諾。"
        ),
    },
    "sheet_col_subject": {"ko": "대상", "en": "Subject", "ja": "対象"},
    "sheet_col_published": {"ko": "공표 수치", "en": "As published", "ja": "公表値"},
    "sheet_col_finding": {"ko": "판정과 차이", "en": "Finding", "ja": "判定と差"},
    "report_col_source": {"ko": "출처", "en": "source", "ja": "出典"},
    # The maps' findings (the audit at a glance), print layout and index pages.
    "subject_belt": {"ko": "벨트 전체", "en": "Whole belt", "ja": "ベルト全体"},
    # The headline (geo.headline): the same counts on every output.
    "scope_belt": {"ko": "벨트와 구역", "en": "Belt and its zones", "ja": "ベルトと各区域"},
    "scope_fez": {"ko": "광주경제자유구역", "en": "Gwangju Free Economic Zone", "ja": "光州経済自由区"},
    "scope_all": {"ko": "전체", "en": "In all", "ja": "全体"},
    "headline_scope": {"ko": "{scope}: {text}", "en": "{scope}: {text}", "ja": "{scope}：{text}"},
    "headline_hold": {
        "ko": "공표 수치 {total}건 중 {holding}건이 허용오차 {tolerance} 이내",
        "en": Plural(
            "{holding} of {total} published figure holds within {tolerance}",
            "{holding} of {total} published figures hold within {tolerance}",
            by="total",
        ),
        "ja": "公表値{total}件のうち{holding}件が許容誤差{tolerance}以内",
    },
    "headline_hold_rounding": {
        "ko": (
            "공표 수치 {total}건 중 {holding}건이 맞음 "
            "({within}건은 허용오차 {tolerance} 이내, {rounding}건은 반올림 범위 이내)"
        ),
        "en": Plural(
            "{holding} of {total} published figure holds ({within} within {tolerance}, {rounding} within rounding)",
            "{holding} of {total} published figures hold ({within} within {tolerance}, {rounding} within rounding)",
            by="total",
        ),
        "ja": (
            "公表値{total}件のうち{holding}件が妥当（{within}件は許容誤差{tolerance}以内、{rounding}件は丸めの範囲内）"
        ),
    },
    "headline_outside": {
        "ko": "{outside}건은 벗어남",
        "en": Plural("{outside} is outside it", "{outside} are outside it", by="outside"),
        "ja": "{outside}件が範囲外",
    },
    "headline_unchecked": {
        "ko": "{unchecked}건은 검증하지 못함",
        "en": "{unchecked} could not be checked",
        "ja": "{unchecked}件は検証できず",
    },
    "headline_separator": {"ko": ", ", "en": "; ", "ja": "、"},
    "no_claims_belt": {
        "ko": "벨트와 그 구역에 대한 공표 수치가 없습니다.",
        "en": "No published claim on the belt or its zones.",
        "ja": "ベルトとその区域への公表値はありません。",
    },
    "findings_holds": {
        "ko": "허용오차({tolerance}) 이내 {holds}건",
        "en": Plural("{holds} claim holds within {tolerance}", "{holds} claims hold within {tolerance}", by="holds"),
        "ja": "許容誤差（{tolerance}）の範囲内の公表値 {holds}件",
    },
    "findings_rounding": {
        "ko": "허용오차 밖이지만 반올림 범위 이내 {n}건",
        "en": Plural(
            "{n} claim outside the tolerance holds within the rounding of its wording",
            "{n} claims outside the tolerance hold within the rounding of their wording",
            by="n",
        ),
        "ja": "許容誤差の外だが丸めの範囲内の公表値 {n}件",
    },
    "findings_unchecked": {
        "ko": "대상 구역이 없어 검증하지 않은 공표 수치 {n}건",
        "en": Plural(
            "{n} claim not checked (subject not in the zones)",
            "{n} claims not checked (subject not in the zones)",
            by="n",
        ),
        "ja": "対象区域がなく検証していない公表値 {n}件",
    },
    "findings_short_off": {
        "ko": "✕ {total}건 중 {off}건 허용오차 초과",
        "en": Plural("✕ {off} of {total} claim off", "✕ {off} of {total} claims off", by="total"),
        "ja": "✕ {total}件中{off}件が範囲外",
    },
    "findings_short_unchecked": {
        "ko": "⚠ {total}건 중 {unchecked}건 검증 불가",
        "en": Plural(
            "⚠ {unchecked} of {total} claim not checked", "⚠ {unchecked} of {total} claims not checked", by="total"
        ),
        "ja": "⚠ {total}件中{unchecked}件は検証できず",
    },
    "findings_short_hold": {
        "ko": "✓ {total}건 모두 이내",
        "en": Plural("✓ the {total} claim holds", "✓ all {total} claims hold", by="total"),
        "ja": "✓ {total}件すべて範囲内",
    },
    "built_on": {"ko": "작성일 {date}", "en": "Built {date}", "ja": "作成日 {date}"},
    "north": {"ko": "북", "en": "N", "ja": "北"},
    "index_open_map": {"ko": "지도 열기", "en": "Open the map", "ja": "地図を開く"},
    "index_files": {"ko": "이 폴더의 파일", "en": "Files in this folder", "ja": "このフォルダのファイル"},
    "index_file": {"ko": "파일", "en": "File", "ja": "ファイル"},
    "index_size": {"ko": "크기", "en": "Size", "ja": "サイズ"},
    "index_what": {"ko": "내용", "en": "What it is", "ja": "内容"},
    "index_languages": {"ko": "언어별 색인", "en": "Index in each language", "ja": "言語別の索引"},
    "index_this_language": {"ko": "이 언어의 색인", "en": "Index in this language", "ja": "この言語の索引"},
    "index_findings": {"ko": "검증 결과", "en": "Findings", "ja": "検証結果"},
    "index_all_zones": {"ko": "모든 구역", "en": "Every zone", "ja": "すべての区域"},
    "index_search": {"ko": "구역 검색", "en": "Search the zones", "ja": "区域を検索"},
    "index_sort_hint": {
        "ko": "열 제목을 누르면 정렬됩니다. 구역 지도가 있는 구역은 이름에 링크가 있습니다.",
        "en": "Tap a column heading to sort. Zones with a zone map are linked.",
        "ja": "列見出しをタップすると並べ替えます。区域地図のある区域には名前にリンクがあります。",
    },
    "index_shown": {
        "ko": "{total}개 중 {n}개 구역 표시",
        "en": Plural("{n} of {total} zone shown", "{n} of {total} zones shown", by="total"),
        "ja": "{total}区域中{n}区域を表示",
    },
    "index_claims": {"ko": "공표 수치", "en": "Claims", "ja": "公表値"},
    "index_no_claims": {"ko": "공표 수치 없음", "en": "no claims", "ja": "公表値なし"},
    "index_fez": {"ko": "경제자유구역 지도", "en": "Free Economic Zone map", "ja": "経済自由区地図"},
    "fez_map_title": {
        "ko": "광주경제자유구역: 지구와 전략 축",
        "en": "Gwangju Free Economic Zone: districts and pillars",
        "ja": "光州経済自由区：地区と戦略の柱",
    },
    "layer_fez": {"ko": "경제자유구역 지구", "en": "FEZ districts", "ja": "経済自由区の地区"},
    "legend_pillars": {"ko": "전략 축", "en": "Pillars", "ja": "戦略の柱"},
    "fez_host_complex": {"ko": "입지 산업단지", "en": "Host complex", "ja": "所在する産業団地"},
    "fez_legal_dongs": {"ko": "법정동", "en": "Legal dongs", "ja": "法定洞"},
    "fez_area_designation": {"ko": "지정 당시 면적", "en": "Area at designation", "ja": "指定時の面積"},
    "fez_area_later": {"ko": "이후 면적", "en": "Later figure", "ja": "その後の面積"},
    "fez_no_later": {"ko": "기록 없음", "en": "none recorded", "ja": "記録なし"},
    "fez_measured": {
        "ko": "측정 면적 (지구 합집합)",
        "en": "Measured (union of the districts)",
        "ja": "測定面積（地区の和集合）",
    },
    "fez_official_sum": {
        "ko": "지정 당시 면적의 합",
        "en": "Sum of the areas at designation",
        "ja": "指定時の面積の合計",
    },
    "fez_later_sum": {"ko": "이후 면적의 합", "en": "Sum of the later figures", "ja": "その後の面積の合計"},
    "fez_no_claims": {
        "ko": "경제자유구역에 대한 공표 수치가 없습니다.",
        "en": "No claims about the Free Economic Zone.",
        "ja": "経済自由区についての公表値はありません。",
    },
    "file_map_belt": {"ko": "벨트 전체 지도 (HTML)", "en": "Belt map (HTML)", "ja": "ベルト全体地図（HTML）"},
    "file_map_zone": {"ko": "구역 지도 (HTML)", "en": "Zone map (HTML)", "ja": "区域地図（HTML）"},
    "file_index": {"ko": "색인 페이지", "en": "Index page", "ja": "索引ページ"},
    "file_gpkg": {
        "ko": "GeoPackage (QGIS에서 스타일과 함께 열림)",
        "en": "GeoPackage (opens styled in QGIS)",
        "ja": "GeoPackage（QGISでスタイル付きで開く）",
    },
    "file_geojson": {
        "ko": "GeoJSON 파일 (EPSG:4326)",
        "en": "GeoJSON (EPSG:4326)",
        "ja": "GeoJSONファイル（EPSG:4326）",
    },
    "file_csv": {"ko": "CSV 표 (Excel용 UTF-8)", "en": "CSV table (UTF-8 for Excel)", "ja": "CSV表（Excel用UTF-8）"},
    "file_audit_claims": {
        "ko": "공표 면적 검증 표 (CSV)",
        "en": "Area claims audit (CSV)",
        "ja": "公表面積の検証表（CSV）",
    },
    "file_zone_areas": {"ko": "구역 면적 표 (CSV)", "en": "Zone areas (CSV)", "ja": "区域面積表（CSV）"},
    "file_audit_md": {"ko": "검증 보고서 (Markdown)", "en": "Audit report (Markdown)", "ja": "検証報告（Markdown）"},
    "file_audit_json": {"ko": "검증 결과 (JSON)", "en": "Audit result (JSON)", "ja": "検証結果（JSON）"},
    "file_raster": {
        "ko": "공항·철도역까지의 거리 래스터 (GeoTIFF)",
        "en": "Distance-to-transport raster (GeoTIFF)",
        "ja": "空港・鉄道駅までの距離ラスター（GeoTIFF）",
    },
    "file_tif": {"ko": "래스터 (GeoTIFF)", "en": "Raster (GeoTIFF)", "ja": "ラスター（GeoTIFF）"},
    "file_pdf": {"ko": "PDF 자료", "en": "PDF fact sheet", "ja": "PDF資料"},
    "file_png": {"ko": "지도 이미지 (PNG)", "en": "Map image (PNG)", "ja": "地図画像（PNG）"},
    "file_other": {"ko": "파일", "en": "File", "ja": "ファイル"},
    "unit_kb": {"ko": "KB", "en": "kB", "ja": "KB"},
    "unit_mb": {"ko": "MB", "en": "MB", "ja": "MB"},
    # The Free Economic Zone.
    "table_fez_districts": {
        "ko": "광주경제자유구역 지구",
        "en": "Gwangju Free Economic Zone districts",
        "ja": "光州経済自由区の地区",
    },
    "about_fez_districts": {
        "ko": "광주경제자유구역의 4개 지구 (2020년 지정): 축, 입지 산업단지, 법정동, 지정 당시 공식 면적과 이후 수치, "
        "타원체(GRS80)와 평면(EPSG:5186) 면적.",
        "en": "The four districts of the Gwangju Free Economic Zone (designated 2020): pillar, host complex, legal "
        "dongs, official area at designation and the later figure, ellipsoidal (GRS80) and planar (EPSG:5186) areas.",
        "ja": "光州経済自由区の4地区（2020年指定）：柱、所在する産業団地、法定洞、指定時の公式面積とその後の数値、"
        "楕円体（GRS80）と平面（EPSG:5186）の面積。",
    },
    "fez_name": {"ko": "광주경제자유구역", "en": "Gwangju Free Economic Zone", "ja": "光州経済自由区"},
    # the pillars as the Invest KOREA page names them (ja: AI融合産業、未来型自動車産業、スマートエネルギー産業)
    "pillar_future_vehicle": {"ko": "미래형 자동차 산업", "en": "Future vehicles", "ja": "未来型自動車産業"},
    "pillar_ai": {"ko": "AI 융복합 산업", "en": "AI convergence", "ja": "AI融合産業"},
    "pillar_smart_energy": {"ko": "스마트에너지 산업", "en": "Smart energy", "ja": "スマートエネルギー産業"},
    "pillar_": {"ko": "축 미상", "en": "Pillar unknown", "ja": "柱不明"},
    # PDF fact sheets.
    "factsheet_areas": {"ko": "면적", "en": "Areas", "ja": "面積"},
    "factsheet_map_note": {
        "ko": "지도: EPSG:5186 (도북, 지도 중심에서 진북과 {convergence}° 차이), 배경 타일 없음.",
        "en": "Map: EPSG:5186 (grid north, {convergence}° from true north at the map's centre), no tiles.",
        "ja": "地図：EPSG:5186（図北、地図中心で真北との差{convergence}°）、背景タイルなし。",
    },
    "factsheet_other_complexes": {
        "ko": "외 {count}개 단지는 여기에 싣지 않음 (전체 목록은 검증 보고서에 있음)",
        "en": "and {count} other complexes of the layer, not listed here (the audit report lists them all)",
        "ja": "ほか{count}団地はここに掲載せず（全一覧は検証レポートに掲載）",
    },
    "factsheet_failing_first": {
        "ko": "허용오차를 벗어난 공표 수치를 먼저 표시",
        "en": "claims outside the tolerance first",
        "ja": "許容範囲外の公表値を先に表示",
    },
    # Raster overlays.
    "distance_title": {
        "ko": "가장 가까운 공항·철도역까지의 거리 (km)",
        "en": "Distance to the nearest airport or rail station (km)",
        "ja": "最寄りの空港・鉄道駅までの距離（km）",
    },
    "band_name": {"ko": "{label} (밴드 {band})", "en": "{label} (band {band})", "ja": "{label}（バンド {band}）"},
    "band_legend": {"ko": "{label}, 밴드 {band}", "en": "{label}, band {band}", "ja": "{label}、バンド {band}"},
    # The one-page summary (geo.factsheet: summary_<lang>.pdf) and its entry in the index pages' file list.
    "summary_title": {"ko": "{title}: 한 장 요약", "en": "{title}: summary on one page", "ja": "{title}：1ページ要約"},
    "summary_off": {
        "ko": "허용오차 {tolerance}를 벗어난 공표 수치 {count}건",
        "en": Plural(
            "{count} published figure outside the {tolerance} tolerance",
            "{count} published figures outside the {tolerance} tolerance",
            by="count",
        ),
        "ja": "許容誤差{tolerance}を外れた公表値 {count}件",
    },
    "summary_unchecked": {
        "ko": "검증하지 못한 공표 수치 {count}건",
        "en": Plural(
            "{count} published figure that could not be checked",
            "{count} published figures that could not be checked",
            by="count",
        ),
        "ja": "検証できなかった公表値 {count}件",
    },
    "summary_claim": {
        "ko": "{subject}: {publisher} 공표 {published} — {verdict}.",
        "en": "{subject}: {publisher} published {published} — {verdict}.",
        "ja": "{subject}：{publisher}の公表値{published} — {verdict}。",
    },
    "summary_unnamed": {"ko": "구역에 없는 대상", "en": "a subject not among the zones", "ja": "区域にない対象"},
    "summary_no_publisher": {"ko": "출처 미상", "en": "an unnamed publisher", "ja": "出典不明"},
    "summary_more": {
        "ko": "외 {count}건은 PDF 자료에 있습니다.",
        "en": Plural("{count} more is on the PDF fact sheets.", "{count} more are on the PDF fact sheets.", by="count"),
        "ja": "ほか{count}件はPDF資料に掲載しています。",
    },
    "summary_details": {
        "ko": "모든 공표 수치와 출처, 각 구역의 면적은 같은 폴더의 PDF 자료와 지도에 있습니다.",
        "en": "Every published figure with its source, and the area of each zone, are on the PDF fact sheets and "
        "the maps in the same folder.",
        "ja": "すべての公表値とその出典、各区域の面積は、同じフォルダのPDF資料と地図に掲載しています。",
    },
    "file_summary": {"ko": "한 장 요약 (PDF)", "en": "One-page summary (PDF)", "ja": "1ページ要約（PDF）"},
}


def text(key: str, language: str, **values: object) -> str:
    """The message ``key`` in ``language`` (a code of :data:`geo.settings.LANGUAGES`), ``values`` filled in.

    A :class:`Plural` message takes the form its count (one of ``values``) calls for.
    """
    check_language(language)
    message = MESSAGES[key][language]
    if isinstance(message, Plural):
        message = message.choose(values)
    return message.format(**values) if values else message


def texts(key: str) -> dict[str, str]:
    """The message ``key`` in every language (a plural message in its general form)."""
    return {language: str(message) for language, message in MESSAGES[key].items()}


def role_label(role: str | None, language: str) -> str:
    """Label of a zone role in ``language``; an unknown role shows as itself."""
    key = f"role_{role or ''}"
    return text(key, language) if key in MESSAGES else str(role)


def status_label(status: str | None, language: str) -> str:
    """Label of a zone status in ``language``; an unknown status shows as itself."""
    key = f"status_{status or ''}"
    return text(key, language) if key in MESSAGES else str(status)


def localised_column(row: Mapping[str, object], stem: str, language: str, *, fallback: str | None = None) -> str:
    """A row's ``<stem>_<language>`` if it has a value there, else ``fallback`` (default ``stem``), else ``""``.

    Missing, NaN and blank values count as none, so a name in another language is never shown as "nan".
    """
    for column in (f"{stem}_{language}", fallback or stem):
        value = row.get(column)
        if value is not None and not (isinstance(value, float) and math.isnan(value)) and str(value).strip():
            return str(value)
    return ""


def labelled(label: str, value: str, language: str) -> str:
    """``label: value`` with the colon of ``language`` (full-width in Japanese); neither part is escaped."""
    return text("label_value", language, label=label, value=value)


def bracketed(outer: str, inner: str, language: str) -> str:
    """``outer (inner)`` with the brackets of ``language`` (full-width in Japanese); neither part is escaped."""
    return text("bracketed", language, text=outer, inner=inner)


def check_language(language: object) -> str:
    """Return ``language`` if it is supported, else raise InputError naming the supported codes."""
    if language not in LANGUAGES:
        raise InputError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    return str(language)
