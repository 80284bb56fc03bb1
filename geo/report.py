"""Render an :class:`geo.audit.AuditResult` as a terminal table, JSON, CSV (Excel-ready) or Markdown.

The JSON contract (documented in README.md): top-level ``zones`` (each with at least ``zone_id``, ``area_m2``,
``area_m2_epsg5186``, ``area_pyeong``) and ``claims`` (each with at least ``claim_id``, ``subject``,
``claimed_m2``, ``geometry_m2``, ``difference_pct``, ``within_tolerance``, ``source``), plus ``belt``,
``overlaps``, ``tolerance``, ``passed`` and ``crs``.
"""

from __future__ import annotations

import io
import json
import math
import unicodedata
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

import pandas as pd

from .audit import AuditResult

SOURCE_FIELDS = ("publisher", "date", "url", "language", "quote", "note", "uncertain")
ZONE_FIELDS = (
    "feature_id",
    "zone_id",
    "part",
    "name_ko",
    "name_en",
    "name_ja",
    "role",
    "status",
    "in_belt",
    "geometry_quality",
    "area_m2",
    "area_ha",
    "area_km2",
    "area_pyeong",
    "area_m2_epsg5186",
    "area_pyeong_epsg5186",
    "official_area_m2",
    "official_area_pyeong",
    "official_difference_pct",
    "official_area_source",
)
CLAIM_FIELDS = (
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
    "within_tolerance",
    "verdict",
    "audit_note",
)
#: Files written by ``build`` next to the maps, by format.
REPORT_FILES = {"json": "audit.json", "csv": "audit_claims.csv", "md": "audit.md"}
ZONE_AREAS_CSV = "zone_areas.csv"


def tool_version() -> str:
    try:
        return version("triangle-belt")
    except PackageNotFoundError:
        return "unknown"


def to_json(result: AuditResult) -> str:
    """The machine-readable report: UTF-8 JSON, NaN written as null."""
    zones = [
        _clean(row) for row in result.zones.reindex(columns=_present(result.zones, ZONE_FIELDS)).to_dict("records")
    ]
    claims = []
    for row in result.claims.to_dict("records"):
        entry = {key: json_value(row.get(key)) for key in CLAIM_FIELDS}
        entry["source"] = {key: json_value(row.get(key)) for key in SOURCE_FIELDS if key in row}
        claims.append(entry)
    document = {
        "tool": "triangle-belt",
        "version": tool_version(),
        "tolerance": result.tolerance,
        "passed": result.passed,
        "crs": result.crs,
        "units": {"pyeong_m2": "400/121", "area": "ellipsoidal GRS80 with geodesic edges unless named epsg5186"},
        "belt": _clean(result.belt),
        "zones": zones,
        "claims": claims,
        "overlaps": [_clean(row) for row in result.overlaps.to_dict("records")],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def to_csv(result: AuditResult, *, table: str = "claims") -> str:
    """The claims (or zones) table as CSV with a UTF-8 BOM, so Excel shows Hangul and Kana correctly."""
    frame = (
        _claims_frame(result)
        if table == "claims"
        else result.zones.reindex(columns=_present(result.zones, ZONE_FIELDS))
    )
    return excel_csv(frame, float_format="%.4f")


#: A text cell starting with one of these is a formula to Excel; such cells get a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_csv(frame: pd.DataFrame, *, float_format: str) -> str:
    """CSV for Excel: UTF-8 with BOM (Hangul and Kana show right), CRLF, and text that cannot run as a formula.

    A text cell such as ``=HYPERLINK(…)`` from a zone name is written as ``'=HYPERLINK(…)``; numbers are
    left alone.
    """
    safe = frame.copy()
    for column in safe.columns:
        if pd.api.types.is_bool_dtype(safe[column]):
            continue
        if pd.api.types.is_float_dtype(safe[column]):
            # Rounded first, and + 0.0, so that a tiny negative number is written 0.0000, not -0.0000.
            safe[column] = safe[column].round(int(float_format.strip("%f").lstrip(".") or 0)) + 0.0
            continue
        if pd.api.types.is_numeric_dtype(safe[column]):
            continue
        safe[column] = safe[column].map(
            lambda value: "'" + value if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value
        )
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, lineterminator="\r\n", float_format=float_format)
    return "\ufeff" + buffer.getvalue()


def to_markdown(result: AuditResult) -> str:
    """A report section: the belt, the zones and the claims as Markdown tables."""
    lines = [
        "## Triangle-belt area audit",
        "",
        f"Tolerance ±{result.tolerance * 100:g} %. Areas are ellipsoidal (GRS80, geodesic edges); "
        f"planar {result.crs['planar']} beside them. 1 pyeong = 400/121 m².",
        "",
        _belt_sentence(result),
        "",
        "### Zones",
        "",
    ]
    headers, rows = _zone_rows(result)
    lines += _markdown_table(headers, rows)
    lines += ["", "### Claims", ""]
    headers, rows = _claim_rows(result, links=True)
    lines += _markdown_table(headers, rows, markdown_column=headers.index("source"))
    notes = sorted({n for n in result.claims["audit_note"] if n})
    if notes:
        lines += [""] + [f"- Note: {_md_escape(n)}." for n in notes]
    return "\n".join(lines) + "\n"


def to_table(result: AuditResult) -> str:
    """A plain-text report for a terminal, aligned for double-width Hangul and Kana."""
    lines = [_belt_sentence(result), ""]
    headers, rows = _zone_rows(result)
    lines += text_table(headers, rows)
    lines.append("")
    headers, rows = _claim_rows(result, links=False)
    lines += text_table(headers, rows)
    notes = sorted({n for n in result.claims["audit_note"] if n})
    lines += [""] + [f"Note: {n}." for n in notes]
    verdict = "all claims hold" if result.passed else "some claims are outside the tolerance"
    lines.append(f"Tolerance ±{result.tolerance * 100:g} %: {verdict}.")
    return "\n".join(lines) + "\n"


#: Output formats of ``audit --format``.
FORMATS: dict[str, Callable[[AuditResult], str]] = {
    "table": to_table,
    "json": to_json,
    "csv": to_csv,
    "md": to_markdown,
}


def _belt_sentence(result: AuditResult) -> str:
    belt = result.belt
    if not belt["members"]:
        return "Belt: no feature is marked in_belt."
    sentence = (
        f"Belt ({', '.join(belt['members'])}): {belt['area_m2']:,.0f} m² = {belt['area_pyeong']:,.0f} pyeong "
        "measured as the union of the in-belt zones"
    )
    if belt["official_sum_m2"] is not None:
        sentence += f"; official figures add to {belt['official_sum_m2']:,.0f} m²"
    if belt["schematic"]:
        sentence += " (schematic geometry)"
    return sentence + "."


def _zone_rows(result: AuditResult) -> tuple[list[str], list[list[str]]]:
    headers = ["zone", "name", "quality", "m²", "ha", "pyeong", "m² EPSG:5186", "official m²", "Δ official"]
    rows = [
        [
            str(z["feature_id"]),
            str(z["name_en"]),
            str(z["geometry_quality"]),
            _number(z["area_m2"]),
            _number(z["area_ha"], 2),
            _number(z["area_pyeong"]),
            _number(z["area_m2_epsg5186"]),
            _number(z["official_area_m2"]),
            _percent(z["official_difference_pct"]),
        ]
        for z in result.zones.to_dict("records")
    ]
    return headers, rows


def _claim_rows(result: AuditResult, *, links: bool) -> tuple[list[str], list[list[str]]]:
    headers = [
        "claim",
        "subject",
        "as published",
        "claimed m²",
        "measured m²",
        "Δ measured",
        "official m²",
        "Δ official",
        "verdict",
        "source",
    ]
    rows = []
    for c in result.claims.to_dict("records"):
        source = f"{c['publisher']} {c['date']}".strip() + (" (uncertain)" if c.get("uncertain") is True else "")
        if links:
            source = _md_link(source, c["url"])
        rows.append(
            [
                str(c["claim_id"]),
                str(c["subject"]),
                f"{_number(c['figure'])} {c['unit']}",
                _number(c["claimed_m2"]),
                _number(c["geometry_m2"]),
                _percent(c["difference_pct"]),
                _number(c["official_m2"]),
                _percent(c["official_difference_pct"]),
                str(c["verdict"]),
                source,
            ]
        )
    return headers, rows


def _claims_frame(result: AuditResult) -> pd.DataFrame:
    columns = [c for c in (*CLAIM_FIELDS, *SOURCE_FIELDS) if c in result.claims.columns]
    return result.claims[columns]


def _present(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[str]:
    return [f for f in fields if f in frame.columns]


def _number(value: object, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value):,.{decimals}f}"


def _percent(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    rounded = round(float(value), 2)
    return "0.00 %" if rounded == 0 else f"{rounded:+.2f} %"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Hangul, Kana and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Lines of a plain-text table, numbers right-aligned, wide characters counted as two columns."""
    widths = [max(display_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    numeric = [all(_looks_numeric(r[i]) for r in rows) and bool(rows) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        padded = []
        for cell, width, right in zip(cells, widths, numeric, strict=True):
            space = " " * (width - display_width(cell))
            padded.append(space + cell if right else cell + space)
        return "  ".join(padded).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _looks_numeric(cell: str) -> bool:
    return (
        cell == "–"
        or cell.replace(",", "").replace(".", "").replace("+", "").replace("-", "").replace(" %", "").isdigit()
    )


def _markdown_table(headers: list[str], rows: list[list[str]], *, markdown_column: int | None = None) -> list[str]:
    """A Markdown table; every cell is escaped except those of ``markdown_column``, already Markdown."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    out += [
        "| " + " | ".join(c if i == markdown_column else _md_escape(c) for i, c in enumerate(r)) + " |" for r in rows
    ]
    return out


def _md_link(label: str, url: object) -> str:
    """A Markdown link for an http(s) URL, with the characters that would end or break it percent-encoded;
    any other URL (``javascript:``, ``data:``) gives the label alone."""
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return _md_escape(label)
    safe = "".join(f"%{ord(ch):02X}" if ch in _MD_URL_UNSAFE or ch.isspace() else ch for ch in url)
    return f"[{_md_escape(label)}]({safe})"


_MD_URL_UNSAFE = frozenset('()<>|"`\\[]')


def _md_escape(text: str) -> str:
    for ch in "\\|*_`<>[]":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")


def json_value(value: object) -> object:
    """A value ready for JSON: NumPy scalars become Python numbers, NaN and infinities None (null)."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _clean(mapping: dict) -> dict:
    return {key: json_value(value) for key, value in mapping.items()}
