"""The project's vocabulary: the fields of every table, and the values some of them take.

One registry per table (zones, claims, belt, points, context): each :class:`Field` has its column name, the
short name used where names are limited to ten characters (shapefiles, and our GeoPackage so that a layer
round-trips through a shapefile), its title per language (QGIS aliases, report headers) and its type.
Validation, the audit, reports, exports and maps read these registries; nothing else lists columns.

String enums name the values a few fields take (:class:`GeometryQuality`, :class:`Verdict`,
:class:`Status`); being ``str`` subclasses, they compare equal to the text stored in files.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

#: The subject of a claim about the whole belt (every other subject is a zone or feature id).
BELT: Final = "belt"
#: Longest field name a shapefile's .dbf holds.
SHORT_NAME_LENGTH: Final = 10


class GeometryQuality(StrEnum):
    """How an outline was obtained: ``schematic`` (drawn by us, sized to the official area) or supplied."""

    SCHEMATIC = "schematic"
    SUPPLIED = "supplied"
    DERIVED = "derived"
    MIXED = "mixed"


class Verdict(StrEnum):
    """The audit's verdict on one claim (the ``verdict`` of the reports)."""

    HOLDS = "holds"
    #: Outside the tolerance, but the measured area rounds to the figure as published (:mod:`geo.precision`).
    ROUNDING = "within rounding"
    OFF = "outside tolerance"
    NOT_FOUND = "subject not in zones"
    #: The subject is in the sources but has no outline to measure: its official match is ambiguous, or the
    #: official layer lacks it (the audit note says which).
    UNCHECKED = "not checked"

    @property
    def message(self) -> str:
        """The id of its wording for readers in :mod:`geo.i18n`."""
        return f"verdict_{self.name.lower()}"


class Note(StrEnum):
    """The audit's note on one claim (the ``audit_note`` of the reports, in English, as the JSON carries it)."""

    BY_CONSTRUCTION = (
        "geometry is schematic, sized to the official figures, so its agreement with them is by construction"
    )
    NOT_FOUND = "no zone in the file matches this subject"
    AMBIGUOUS = (
        "the official layer has several candidates for this complex and the evidence does not decide between "
        "them, so it is not measured; choose one with --match FILE"
    )
    NOT_IN_LAYER = "the official layer has no feature for this complex, so it is not measured"
    BELT_INCOMPLETE = (
        "a member of the belt has no official outline (ambiguous or not in the layer), so the belt is not measured"
    )
    PARTLY_SCHEMATIC = (
        "part of this area is our schematic outline of a complex the official layer cannot hold (it is planned)"
    )

    @property
    def message(self) -> str:
        """The id of its wording for readers in :mod:`geo.i18n`."""
        return f"report_note_{self.name.lower()}"


class Status(StrEnum):
    """Whether a complex is built."""

    OPERATING = "operating"
    PLANNED = "planned"
    UNKNOWN = ""


@dataclass(frozen=True)
class Field:
    """One column of a table.

    Attributes
    ----------
    name : str
        Column name in GeoDataFrames, the JSON report and GeoJSON.
    short : str
        Name of at most :data:`SHORT_NAME_LENGTH` characters, for the GeoPackage and shapefiles.
    titles : dict
        Title per language code (``ko``, ``en``, ``ja``), with units where the field has one.
    kind : str
        ``text``, ``number``, ``integer`` or ``bool``.
    default : object
        Value a zone file that lacks the column gets (zones only; None elsewhere).
    """

    name: str
    short: str
    titles: dict[str, str]
    kind: str = "text"
    default: object = None

    def title(self, language: str) -> str:
        return self.titles[language]


def _f(name: str, short: str, ko: str, en: str, ja: str, kind: str = "text", default: object = None) -> Field:
    return Field(name, short, {"ko": ko, "en": en, "ja": ja}, kind, default)


def _registry(*fields: Field) -> dict[str, Field]:
    return {field.name: field for field in fields}


_NAME_FIELDS = (
    _f("name_ko", "name_ko", "이름 (한국어)", "Name (Korean)", "名称（韓国語）"),
    _f("name_en", "name_en", "이름 (영어)", "Name (English)", "名称（英語）"),
    _f("name_ja", "name_ja", "이름 (일본어)", "Name (Japanese)", "名称（日本語）"),
)
_AREA_FIELDS = (
    _f(
        "area_m2",
        "area_m2",
        "면적 ㎡ (GRS80 타원체)",
        "Area, m² (GRS80 ellipsoid, geodesic edges)",
        "面積 ㎡（GRS80楕円体）",
        "number",
    ),
    _f(
        "area_ha", "area_ha", "면적 ha (GRS80 타원체)", "Area, ha (GRS80 ellipsoid)", "面積 ha（GRS80楕円体）", "number"
    ),
    _f(
        "area_km2",
        "area_km2",
        "면적 ㎢ (GRS80 타원체)",
        "Area, km² (GRS80 ellipsoid)",
        "面積 ㎢（GRS80楕円体）",
        "number",
    ),
    _f(
        "area_pyeong",
        "area_py",
        "면적 평 (GRS80 타원체, 1평 = 400/121 ㎡)",
        "Area, pyeong (GRS80 ellipsoid; 1 pyeong = 400/121 m²)",
        "面積 坪（GRS80楕円体、1坪 = 400/121 ㎡）",
        "number",
    ),
    _f(
        "area_m2_epsg5186",
        "area5186",
        "평면 면적 ㎡ (EPSG:5186)",
        "Planar area in EPSG:5186, m²",
        "平面面積 ㎡（EPSG:5186）",
        "number",
    ),
    _f(
        "area_pyeong_epsg5186",
        "area5186py",
        "평면 면적 평 (EPSG:5186)",
        "Planar area in EPSG:5186, pyeong",
        "平面面積 坪（EPSG:5186）",
        "number",
    ),
)

#: Zone parts: the columns a zone file may carry (with the default a file without one gets) and those the
#: audit adds. Keyed by column name, in the order tables show them.
ZONE_FIELDS: Final[dict[str, Field]] = _registry(
    _f("feature_id", "feature_id", "객체 id (구역/부분)", "Feature id (zone/part)", "地物ID（区域/部分）"),
    _f("zone_id", "zone_id", "구역 id", "Zone id", "区域ID"),
    _f("part", "part", "부분", "Part", "部分"),
    *_NAME_FIELDS,
    _f("role", "role", "벨트 내 역할", "Role in the belt", "ベルト内の役割", default=""),
    _f(
        "status",
        "status",
        "상태 (운영 중 또는 계획)",
        "Status (operating or planned)",
        "状況（稼働中または計画）",
        default=Status.UNKNOWN.value,
    ),
    _f("in_belt", "in_belt", "벨트에 포함", "Counts toward the belt", "ベルトに含む", "bool", default=False),
    _f("parts", "parts", "부분 수", "Number of parts", "部分の数", "integer"),
    _f(
        "geometry_quality",
        "quality",
        "경계 품질 (개략: 공식 면적에 맞춘 도식, 측량 아님)",
        "Geometry quality (schematic: sized to the official area, not surveyed)",
        "境界の品質（概略：公式面積に合わせた模式図、実測ではない）",
        default=GeometryQuality.SUPPLIED.value,
    ),
    *_AREA_FIELDS,
    _f(
        "official_area_m2",
        "offic_m2",
        "공식 면적 ㎡",
        "Official area, m²",
        "公式面積 ㎡",
        "number",
        default=float("nan"),
    ),
    _f("official_area_pyeong", "offic_py", "공식 면적 평", "Official area, pyeong", "公式面積 坪", "number"),
    _f(
        "official_difference_pct",
        "offic_diff",
        "측정 − 공식, 공식 대비 %",
        "Measured minus official, % of official",
        "測定 − 公式、公式比 %",
        "number",
    ),
    _f(
        "official_area_source",
        "offic_src",
        "공식 면적 출처",
        "Source of the official area",
        "公式面積の出典",
        default="",
    ),
    _f("geometry_method", "method", "경계 작성 방법", "How the outline was drawn", "境界の作図方法", default=""),
    # On the official boundary layer: the features a zone was matched to, as the layer gives them.
    # Short names unlike the layer's own (dan_id, dan_name), which a user's file may hold as its id and name.
    _f("official_id", "offic_id", "공식 단지 id", "Official complex id(s)", "公式団地ID"),
    _f("official_name", "offic_name", "공식 단지 이름", "Official complex name(s)", "公式団地名"),
    _f("official_type", "offic_type", "공식 단지 유형", "Official complex type", "公式団地の種類"),
    _f(
        "boundary_source",
        "bound_src",
        "경계 원자료 출처",
        "Source of the boundaries the outline was drawn from",
        "境界の元資料の出典",
    ),
    _f("seed_source", "seed_src", "기준점 출처", "Source of the points the outline was drawn around", "基準点の出典"),
    _f("role_source", "role_src", "역할 출처", "Source of the role", "役割の出典"),
)

#: Columns a zone file gets defaults for when it lacks them, and those defaults.
ZONE_INPUT_DEFAULTS: Final[dict[str, object]] = {
    name: ZONE_FIELDS[name].default
    for name in (
        "zone_id",
        "part",
        "name_ko",
        "name_en",
        "name_ja",
        "role",
        "status",
        "in_belt",
        "official_area_m2",
        "official_area_source",
        "geometry_quality",
        "geometry_method",
    )
}
#: Columns that say which zone a row is and what it is, first in every per-zone table.
_ZONE_IDENTITY: Final = (
    "feature_id", "zone_id", "part", "name_ko", "name_en", "name_ja", "role", "status", "in_belt", "geometry_quality",
)  # fmt: skip
#: Columns the audit's per-zone table carries from the zones, before the areas.
ZONE_DESCRIPTIVE_COLUMNS: Final = (
    *_ZONE_IDENTITY, "official_area_m2", "official_area_source", "official_id", "official_name", "official_type",
)  # fmt: skip
#: Columns of the audit's per-zone report (JSON, CSV, GeoPackage audit table), in order.
ZONE_REPORT_COLUMNS: Final = (
    *_ZONE_IDENTITY,
    *(field.name for field in _AREA_FIELDS),
    "official_area_m2",
    "official_area_pyeong",
    "official_difference_pct",
    "official_area_source",
    "official_id",
    "official_name",
    "official_type",
)

#: Published claims: the columns of claims.csv (the first nine are required) and those the audit adds.
CLAIM_FIELDS: Final[dict[str, Field]] = _registry(
    _f("claim_id", "claim_id", "주장 id", "Claim id", "公表値ID"),
    _f(
        "subject",
        "subject",
        "대상 (벨트, 구역 id 또는 구역/부분)",
        "Subject (belt, a zone id or zone/part)",
        "対象（ベルト、区域IDまたは区域/部分）",
    ),
    _f("figure", "figure", "공표 수치", "Figure as published", "公表値", "number"),
    _f("unit", "unit", "공표 단위", "Unit as published", "公表単位"),
    _f("claimed_m2", "claimed_m2", "주장 면적 ㎡", "Claimed area, m²", "公表面積 ㎡", "number"),
    _f("claimed_pyeong", "claim_py", "주장 면적 평", "Claimed area, pyeong", "公表面積 坪", "number"),
    _f(
        "geometry_m2",
        "geom_m2",
        "대상 측정 면적 ㎡ (GRS80 타원체)",
        "Measured area of the subject, m² (GRS80 ellipsoid)",
        "対象の測定面積 ㎡（GRS80楕円体）",
        "number",
    ),
    _f(
        "geometry_pyeong",
        "geom_py",
        "대상 측정 면적 평",
        "Measured area of the subject, pyeong",
        "対象の測定面積 坪",
        "number",
    ),
    _f(
        "difference_pct",
        "diff_pct",
        "측정 − 주장, 주장 대비 %",
        "Measured minus claimed, % of claimed",
        "測定 − 公表値、公表値比 %",
        "number",
    ),
    _f(
        "official_m2",
        "offic_m2",
        "대상 공식 면적 ㎡",
        "Official figure(s) of the subject, m²",
        "対象の公式面積 ㎡",
        "number",
    ),
    _f(
        "official_difference_pct",
        "offic_diff",
        "공식 − 주장, 주장 대비 %",
        "Official minus claimed, % of claimed",
        "公式 − 公表値、公表値比 %",
        "number",
    ),
    _f(
        "rounding",
        "rounding",
        "공표 수치의 반올림 단위 (공표 단위)",
        "Step the published figure is rounded to, in its unit",
        "公表値の丸め単位（公表単位）",
        "number",
    ),
    _f("approximate", "approx", "공표 문구가 '약'", "Wording says about", "公表文言が「約」", "bool"),
    _f("within_tolerance", "within_tol", "허용오차 이내", "Within the tolerance", "許容誤差内", "bool"),
    _f(
        "within_rounding",
        "within_rnd",
        "허용오차 밖이나 반올림 범위 이내",
        "Outside the tolerance but within the rounding of the figure",
        "許容誤差外だが丸めの範囲内",
        "bool",
    ),
    _f("holds", "holds", "공표 수치가 맞음", "The published figure holds", "公表値は妥当", "bool"),
    _f("verdict", "verdict", "판정", "Verdict", "判定"),
    _f("audit_note", "audit_note", "검증 메모", "Audit note", "検証メモ"),
    _f("note", "note", "출처 메모", "Note on the source", "出典メモ"),
    _f("publisher", "publisher", "발행처", "Publisher", "発行元"),
    _f("publisher_ko", "publ_ko", "발행처 (한국어)", "Publisher (Korean)", "発行元（韓国語）"),
    _f("publisher_en", "publ_en", "발행처 (영어)", "Publisher (English)", "発行元（英語）"),
    _f("publisher_ja", "publ_ja", "발행처 (일본어)", "Publisher (Japanese)", "発行元（日本語）"),
    _f("date", "date", "발행일", "Date published", "公表日"),
    _f("url", "url", "출처 URL", "Source URL", "出典URL"),
    _f("language", "language", "출처 언어", "Language of the source", "出典の言語"),
    _f("quote", "quote", "인용문", "Quoted words", "引用"),
    *(
        _f(
            f"caveat_{code}",
            f"caveat_{code}",
            f"단서 ({name[0]})",
            f"Caveat for readers ({name[1]})",
            f"注記（{name[2]}）",
        )
        for code, name in {
            "ko": ("한국어", "Korean", "韓国語"),
            "en": ("영어", "English", "英語"),
            "ja": ("일본어", "Japanese", "日本語"),
        }.items()
    ),
    _f(
        "uncertain",
        "uncertain",
        "출처가 약하거나 상충함",
        "Source is weak or conflicting",
        "出典が弱いか矛盾する",
        "bool",
    ),
)
#: Columns claims.csv must have.
CLAIM_REQUIRED_COLUMNS: Final = (
    "claim_id",
    "subject",
    "figure",
    "unit",
    "publisher",
    "date",
    "url",
    "language",
    "quote",
)
#: Columns of the claims report before the source columns, in order.
CLAIM_REPORT_COLUMNS: Final = (
    "claim_id",
    "subject",
    "figure",
    "unit",
    "claimed_m2",
    "claimed_pyeong",
    "geometry_m2",
    "geometry_pyeong",
    "difference_pct",
    "official_m2",
    "official_difference_pct",
    "rounding",
    "approximate",
    "within_tolerance",
    "within_rounding",
    "holds",
    "verdict",
    "audit_note",
)
#: Columns that say where a claim comes from (the JSON report nests them under ``source``).
CLAIM_SOURCE_COLUMNS: Final = (
    "publisher",
    "date",
    "url",
    "language",
    "quote",
    "note",
    "uncertain",
    "caveat_ko",
    "caveat_en",
    "caveat_ja",
)

#: The belt layer: its union and its triangle.
BELT_FIELDS: Final[dict[str, Field]] = _registry(
    _f(
        "kind",
        "kind",
        "종류 (합집합 또는 삼각형)",
        "union of the in-belt zones, or the triangle between them",
        "種類（和集合または三角形）",
    ),
    _f("name", "name", "이름", "Name", "名称"),
    _f("members", "members", "구성 객체", "Features it is made of", "構成する地物"),
    ZONE_FIELDS["geometry_quality"],
    *(ZONE_FIELDS[key] for key in ("area_m2", "area_ha", "area_pyeong", "area_m2_epsg5186")),
    _f(
        "official_area_m2",
        "offic_m2",
        "구성 객체 공식 면적 합계 ㎡",
        "Sum of the official areas of the members, m²",
        "構成地物の公式面積の合計 ㎡",
        "number",
    ),
    _f("note", "note", "메모", "Note", "メモ"),
)

#: Administrative context (NGII legal dongs, ri and the Gwangju/Jeonnam border).
CONTEXT_FIELDS: Final[dict[str, Field]] = _registry(
    _f("code", "code", "행정 코드 (국토지리정보원)", "Administrative code (NGII)", "行政コード（国土地理情報院）"),
    _f(
        "kind",
        "kind",
        "종류 (법정동, 리, 시군구, 경계)",
        "legal_dong, ri, sigungu or border",
        "種類（法定洞、里、市郡区、境界）",
    ),
    _NAME_FIELDS[0],
    _f("name_en", "name_en", "이름 (로마자)", "Name (romanised)", "名称（ローマ字）"),
    _f("name_ja", "name_ja", "이름 (읽기)", "Name (with reading)", "名称（読み）"),
    _f("source", "source", "출처 및 저작자 표시", "Source and attribution", "出典と帰属表示"),
)

#: Site-selection points (airport, KTX station, …).
POINT_FIELDS: Final[dict[str, Field]] = _registry(
    _f("point_id", "point_id", "지점 id", "Point id", "地点ID"),
    _f("kind", "kind", "종류", "Kind", "種類"),
    *_NAME_FIELDS,
    _f("lat", "lat", "위도 (WGS84, 도)", "Latitude, degrees (WGS84)", "緯度（WGS84、度）", "number"),
    _f("lon", "lon", "경도 (WGS84, 도)", "Longitude, degrees (WGS84)", "経度（WGS84、度）", "number"),
    _f(
        "uncertain",
        "uncertain",
        "위치 불확실 (출처 참조)",
        "Location is weak (see source)",
        "位置が不確か（出典参照）",
        "bool",
    ),
    _f("source", "source", "출처", "Source", "出典"),
    _f("source_ko", "source_ko", "출처 (한국어)", "Source (Korean)", "出典（韓国語）"),
    _f("source_en", "source_en", "출처 (영어)", "Source (English)", "出典（英語）"),
    _f("source_ja", "source_ja", "출처 (일본어)", "Source (Japanese)", "出典（日本語）"),
    _f("note", "note", "메모", "Note", "メモ"),
    _f("note_ko", "note_ko", "메모 (한국어)", "Note (Korean)", "メモ（韓国語）"),
    _f("note_en", "note_en", "메모 (영어)", "Note (English)", "メモ（英語）"),
    _f("note_ja", "note_ja", "메모 (일본어)", "Note (Japanese)", "メモ（日本語）"),
)
#: Columns points.csv must have.
POINT_REQUIRED_COLUMNS: Final = (
    "point_id",
    "kind",
    "name_ko",
    "name_en",
    "name_ja",
    "lat",
    "lon",
    "uncertain",
    "source",
)

#: The location table (``locations.csv``, :mod:`geo.location`): one row per zone and destination.
LOCATION_FIELDS: Final[dict[str, Field]] = _registry(
    _f("zone_id", "zone_id", "구역 id", "Zone id", "区域ID"),
    _f("zone_name_ko", "zone_ko", "구역 이름 (한국어)", "Zone name (Korean)", "区域名（韓国語）"),
    _f("zone_name_en", "zone_en", "구역 이름 (영어)", "Zone name (English)", "区域名（英語）"),
    _f("zone_name_ja", "zone_ja", "구역 이름 (일본어)", "Zone name (Japanese)", "区域名（日本語）"),
    _f(
        "schematic",
        "schematic",
        "개략 경계 (거리도 근사값)",
        "Schematic outline (the distance is approximate too)",
        "概略の境界（距離も概算）",
        "bool",
    ),
    _f("in_belt", "in_belt", "벨트 포함", "In the belt", "ベルトに含まれる", "bool"),
    _f("point_id", "point_id", "목적지 id", "Destination id", "目的地ID"),
    _f("kind", "kind", "종류", "Kind", "種類"),
    *_NAME_FIELDS,
    _f("available", "available", "좌표 있음", "Coordinates available", "座標あり", "bool"),
    _f(
        "distance_km",
        "dist_km",
        "직선(측지선) 거리 km, 구역의 가장 가까운 가장자리부터 (도로 거리 아님)",
        "Straight-line (geodesic) km from the zone's nearest edge (not road distance)",
        "直線（測地線）距離 km、区域の最も近い縁から（道路距離ではない）",
        "number",
    ),
    POINT_FIELDS["uncertain"],
    _f("publisher", "publisher", "출처 발행처", "Source publisher", "出典の発行元"),
    _f("date", "date", "출처 날짜", "Source date", "出典の日付"),
    _f("url", "url", "출처 링크", "Source link", "出典のリンク"),
    POINT_FIELDS["source_ko"],
    POINT_FIELDS["source_en"],
    POINT_FIELDS["source_ja"],
)

_ZONE_COLUMNS_BEFORE: Final = ("feature_id", "zone_id", "part", "name_ko", "name_en", "name_ja")
_AREA_COLUMNS: Final = tuple(field.name for field in _AREA_FIELDS)

#: The Free Economic Zone district layer's columns (GeoPackage table ``fez_districts``), in order: the zone
#: fields it shares, with the official area titled as the area at designation, and its own.
FEZ_FIELDS: Final[dict[str, Field]] = {
    field.name: field
    for field in (
        *(ZONE_FIELDS[c] for c in _ZONE_COLUMNS_BEFORE),
        _f("pillar", "pillar", "전략 축", "Strategic pillar", "戦略の柱"),
        _f("pillar_source", "pillar_src", "전략 축 출처", "Source of the pillar", "戦略の柱の出典"),
        _f(
            "host_complex_ko",
            "host_ko",
            "입지 산업단지 (한국어)",
            "Host complex (Korean)",
            "所在する産業団地（韓国語）",
        ),
        _f("host_complex_en", "host_en", "입지 산업단지 (영어)", "Host complex (English)", "所在する産業団地（英語）"),
        _f(
            "host_complex_ja",
            "host_ja",
            "입지 산업단지 (일본어)",
            "Host complex (Japanese)",
            "所在する産業団地（日本語）",
        ),
        _f(
            "host_complex_source",
            "host_src",
            "입지 산업단지 출처",
            "Source of the host complex",
            "所在する産業団地の出典",
        ),
        _f(
            "legal_dongs",
            "dongs",
            "법정동 (출처 기재)",
            "Legal dongs (as the sources name them)",
            "法定洞（出典の記載）",
        ),
        _f(
            "legal_codes",
            "dong_codes",
            "법정동 코드 (국토지리정보원)",
            "Legal-dong codes (NGII)",
            "法定洞コード（国土地理情報院）",
        ),
        _f("legal_dongs_source", "dongs_src", "법정동 출처", "Source of the legal dongs", "法定洞の出典"),
        ZONE_FIELDS["status"],
        ZONE_FIELDS["geometry_quality"],
        *(ZONE_FIELDS[c] for c in _AREA_COLUMNS),
        _f(
            "official_area_m2",
            "offic_m2",
            "지정 당시 공식 면적 ㎡",
            "Official area at designation, m²",
            "指定時の公式面積 ㎡",
            "number",
        ),
        _f(
            "official_area_pyeong",
            "offic_py",
            "지정 당시 공식 면적 평",
            "Official area at designation, pyeong",
            "指定時の公式面積 坪",
            "number",
        ),
        _f(
            "official_difference_pct",
            "offic_diff",
            "측정 − 지정 면적, 지정 면적 대비 %",
            "Measured minus the area at designation, % of it",
            "測定 − 指定時面積、指定時面積比 %",
            "number",
        ),
        _f(
            "official_area_source",
            "offic_src",
            "지정 당시 면적 출처",
            "Source of the area at designation",
            "指定時面積の出典",
        ),
        _f(
            "later_area_m2",
            "later_m2",
            "이후 공표 면적 ㎡ (경계는 이 수치에 맞추지 않음)",
            "Later published area, m² (the outline is not sized to it)",
            "その後の公表面積 ㎡（境界はこの値に合わせていない）",
            "number",
        ),
        _f("later_area_source", "later_src", "이후 면적 출처", "Source of the later area", "その後の面積の出典"),
        ZONE_FIELDS["geometry_method"],
        ZONE_FIELDS["seed_source"],
        ZONE_FIELDS["boundary_source"],
    )
}


#: The match table of an audit on the official boundary layer (:meth:`geo.official.MatchReport.frame`): one row
#: per decision, with its evidence.
MATCH_FIELDS: Final[dict[str, Field]] = _registry(
    _f("outcome", "outcome", "결과", "Outcome", "結果"),
    _f("zone_id", "zone_id", "구역 id", "Zone id", "区域ID"),
    _f("zone_name", "zone_name", "구역 이름", "Zone name", "区域名"),
    ZONE_FIELDS["official_id"],
    ZONE_FIELDS["official_name"],
    _f("name_match", "name_match", "이름 일치", "Name match", "名称の一致"),
    _f("overlap_m2", "overlap_m2", "겹친 면적 ㎡ (GRS80)", "Overlap, m² (GRS80)", "重なり面積 ㎡（GRS80）", "number"),
    _f(
        "overlap_share",
        "overlap_sh",
        "우리 경계 중 겹친 비율 (0–1)",
        "Share of our outline covered (0–1)",
        "当方の境界のうち重なる割合（0–1）",
        "number",
    ),
    _f("distance_km", "dist_km", "거리 km (EPSG:5186)", "Distance, km (EPSG:5186)", "距離 km（EPSG:5186）", "number"),
    _f("method", "method", "결정 방법", "Decided by", "決定方法"),
    _f("note", "note", "비고", "Note", "備考"),
)

#: Every registry by table name.
TABLES: Final[dict[str, dict[str, Field]]] = {
    "zones": ZONE_FIELDS,
    "claims": CLAIM_FIELDS,
    "belt": BELT_FIELDS,
    "context": CONTEXT_FIELDS,
    "points": POINT_FIELDS,
    "fez_districts": FEZ_FIELDS,
    "matches": MATCH_FIELDS,
}


def short_names(fields: dict[str, Field]) -> dict[str, str]:
    """Column name → short name, for the fields whose names differ."""
    return {name: field.short for name, field in fields.items() if field.short != name}


def long_names(fields: dict[str, Field]) -> dict[str, str]:
    """Short name → column name, to read our own export back."""
    return {field.short: name for name, field in fields.items() if field.short != name}
