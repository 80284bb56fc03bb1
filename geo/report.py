"""Render an :class:`geo.audit.AuditResult` as a terminal table, JSON, CSV (Excel-ready) or Markdown.

The JSON contract (documented in README.md): top-level ``zones`` (each with at least ``zone_id``, ``area_m2``,
``area_m2_epsg5186``, ``area_pyeong``) and ``claims`` (each with at least ``claim_id``, ``subject``,
``claimed_m2``, ``geometry_m2``, ``difference_pct``, ``within_tolerance``, ``source``), plus ``belt``,
``overlaps``, ``tolerance``, ``passed`` and ``crs``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

import pandas as pd

from . import _format as fmt
from .audit import AuditResult
from .io import write_text
from .schema import CLAIM_REPORT_COLUMNS, CLAIM_SOURCE_COLUMNS, ZONE_REPORT_COLUMNS
from .settings import TOOL_NAME, tool_version

#: Files written by ``build`` next to the maps, by format; and the zone areas table.
REPORT_FILES: Final = {"json": "audit.json", "csv": "audit_claims.csv", "md": "audit.md"}
ZONE_AREAS_CSV: Final = "zone_areas.csv"
#: Which table ``audit --format csv`` writes.
CSV_TABLES: Final = ("claims", "zones")


def output_files() -> tuple[str, ...]:
    """Names of the files :func:`write_reports` writes into the output folder."""
    return (*REPORT_FILES.values(), ZONE_AREAS_CSV)


def to_json(result: AuditResult, *, pretty: bool = True) -> str:
    """The machine-readable report: UTF-8 JSON, NaN written as null; indented when ``pretty``."""
    zones = [
        fmt.json_record(row)
        for row in result.zones.reindex(columns=_present(result.zones, ZONE_REPORT_COLUMNS)).to_dict("records")
    ]
    claims = []
    for row in result.claims.to_dict("records"):
        entry = {key: fmt.json_value(row.get(key)) for key in CLAIM_REPORT_COLUMNS}
        entry["source"] = {key: fmt.json_value(row.get(key)) for key in CLAIM_SOURCE_COLUMNS if key in row}
        claims.append(entry)
    document = {
        "tool": TOOL_NAME,
        "version": tool_version(),
        "tolerance": result.tolerance,
        "passed": result.passed,
        "crs": result.crs,
        "units": {"pyeong_m2": "400/121", "area": "ellipsoidal GRS80 with geodesic edges unless named epsg5186"},
        "belt": fmt.json_record(result.belt),
        "zones": zones,
        "claims": claims,
        "overlaps": [fmt.json_record(row) for row in result.overlaps.to_dict("records")],
    }
    return fmt.to_json(document, pretty=pretty)


def to_csv(result: AuditResult, *, table: str = "claims") -> str:
    """The claims (or zones) table as CSV with a UTF-8 BOM, so Excel shows Hangul and Kana correctly."""
    frame = (
        _claims_frame(result)
        if table == "claims"
        else result.zones.reindex(columns=_present(result.zones, ZONE_REPORT_COLUMNS))
    )
    return fmt.excel_csv(frame, float_format="%.4f")


def to_markdown(result: AuditResult) -> str:
    """A report section: the belt, the zones and the claims as Markdown tables."""
    lines = [
        "## Triangle-belt area audit",
        "",
        f"Tolerance ±{result.tolerance * 100:g} %. Areas are ellipsoidal (GRS80, geodesic edges); "
        f"planar {result.crs['planar']} beside them. 1 pyeong = 400/121 m².",
        "",
        _belt_sentence(result, escape=fmt.markdown),
        "",
        "### Zones",
        "",
    ]
    headers, rows = _zone_rows(result)
    lines += fmt.markdown_table(headers, rows)
    lines += ["", "### Claims", ""]
    headers, rows = _claim_rows(result, links=True)
    lines += fmt.markdown_table(headers, rows, markdown_column=headers.index("source"))
    notes = sorted({n for n in result.claims["audit_note"] if n})
    if notes:
        lines += [""] + [f"- Note: {fmt.markdown(n)}." for n in notes]
    return "\n".join(lines) + "\n"


def to_table(result: AuditResult) -> str:
    """A plain-text report for a terminal, aligned for double-width Hangul and Kana."""
    lines = [fmt.terminal(_belt_sentence(result)), ""]
    headers, rows = _zone_rows(result)
    lines += fmt.text_table(headers, rows)
    lines.append("")
    headers, rows = _claim_rows(result, links=False)
    lines += fmt.text_table(headers, rows)
    notes = sorted({n for n in result.claims["audit_note"] if n})
    lines += [""] + [f"Note: {fmt.terminal(n)}." for n in notes]
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


def _belt_sentence(result: AuditResult, *, escape: Callable[[object], str] = str) -> str:
    """The belt in one sentence; member ids pass through ``escape`` for the format it lands in."""
    belt = result.belt
    if not belt["members"]:
        return "Belt: no feature is marked in_belt."
    members = ", ".join(escape(m) for m in belt["members"])
    sentence = (
        f"Belt ({members}): {belt['area_m2']:,.0f} m² = {belt['area_pyeong']:,.0f} pyeong "
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
            fmt.number(z["area_m2"]),
            fmt.number(z["area_ha"], 2),
            fmt.number(z["area_pyeong"]),
            fmt.number(z["area_m2_epsg5186"]),
            fmt.number(z["official_area_m2"]),
            fmt.percent(z["official_difference_pct"]),
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
            source = fmt.markdown_link(source, c["url"])
        rows.append(
            [
                str(c["claim_id"]),
                str(c["subject"]),
                f"{fmt.number(c['figure'])} {c['unit']}",
                fmt.number(c["claimed_m2"]),
                fmt.number(c["geometry_m2"]),
                fmt.percent(c["difference_pct"]),
                fmt.number(c["official_m2"]),
                fmt.percent(c["official_difference_pct"]),
                str(c["verdict"]),
                source,
            ]
        )
    return headers, rows


def _claims_frame(result: AuditResult) -> pd.DataFrame:
    columns = [c for c in (*CLAIM_REPORT_COLUMNS, *CLAIM_SOURCE_COLUMNS) if c in result.claims.columns]
    return result.claims[columns]


def _present(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[str]:
    return [f for f in fields if f in frame.columns]


def write_reports(out: Path, result: AuditResult, *, inputs: tuple[Path, ...] = ()) -> list[Path]:
    """Write :func:`output_files` into ``out`` atomically (never over ``inputs``) and return their paths."""
    written = [write_text(out / name, FORMATS[kind](result), inputs=inputs) for kind, name in REPORT_FILES.items()]
    written.append(write_text(out / ZONE_AREAS_CSV, to_csv(result, table="zones"), inputs=inputs))
    return written
