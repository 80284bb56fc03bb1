"""Render an :class:`geo.audit.AuditResult` as a terminal table, JSON, CSV (Excel-ready) or Markdown.

The JSON contract (documented in docs/audit.md, "JSON contract"): top-level ``zones`` (each with at least
``zone_id``, ``area_m2``, ``area_m2_epsg5186``, ``area_pyeong``) and ``claims`` (each with at least ``claim_id``,
``subject``, ``claimed_m2``, ``geometry_m2``, ``difference_pct``, ``within_tolerance``, ``source``), plus
``belt``, ``overlaps``, ``tolerance``, ``passed`` and ``crs``.
"""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Final, TextIO

import pandas as pd

from . import _format as fmt
from . import _json, i18n
from .audit import AUDIT_NOTES, VERDICT_MESSAGES, AuditResult
from .io import write_stream, write_text
from .schema import (
    CLAIM_FIELDS,
    CLAIM_REPORT_COLUMNS,
    CLAIM_SOURCE_COLUMNS,
    ZONE_FIELDS,
    ZONE_REPORT_COLUMNS,
    GeometryQuality,
)
from .settings import TOOL_NAME, tool_version

#: Files written by ``build`` next to the maps, by format; and the zone areas table.
REPORT_FILES: Final = {"json": "audit.json", "csv": "audit_claims.csv", "md": "audit.md"}
ZONE_AREAS_CSV: Final = "zone_areas.csv"
#: Which table ``audit --format csv`` writes.
CSV_TABLES: Final = ("claims", "zones")


def output_files() -> tuple[str, ...]:
    """Names of the files :func:`write_reports` writes into the output folder."""
    return (*REPORT_FILES.values(), ZONE_AREAS_CSV)


def to_json(result: AuditResult, *, pretty: bool = False) -> str:
    """The machine-readable report: UTF-8 JSON, NaN written as null; compact, or indented when ``pretty``.

    The text :func:`write_json` writes; to send a large report to a file or a pipe, use that.
    """
    buffer = StringIO()
    write_json(result, buffer, pretty=pretty)
    return buffer.getvalue()


def write_json(result: AuditResult, stream: TextIO, *, pretty: bool = False) -> None:
    """Write :func:`to_json`'s report to ``stream`` as it is encoded, never holding all of it.

    The zones and the overlaps go out a chunk of rows at a time, each chunk encoded column by column
    (:mod:`geo._json`), so a million zones cost seconds and little memory beyond the result itself.
    """
    zones = result.zones[_present(result.zones, ZONE_REPORT_COLUMNS)]
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
        "unchecked": result.unchecked,
        "crs": result.crs,
        "units": {"pyeong_m2": "400/121", "area": "ellipsoidal GRS80 with geodesic edges unless named epsg5186"},
        "belt": fmt.json_record(result.belt),
        **({"fez": fmt.json_record(result.fez)} if result.fez is not None else {}),
        "zones": _json.Records(zones),
        "claims": claims,
        "overlaps": _json.Records(result.overlaps),
    }
    _json.write(stream, document, pretty=pretty)


def to_csv(result: AuditResult, *, table: str = "claims", language: str | None = None) -> str:
    """The claims (or zones) table as CSV with a UTF-8 BOM, so Excel shows Hangul and Kana correctly.

    Headers are the column names (the JSON report's), or with ``language`` the fields' titles in it.
    """
    if table == "claims":
        frame, fields = _claims_frame(result), CLAIM_FIELDS
    else:
        frame, fields = result.zones.reindex(columns=_present(result.zones, ZONE_REPORT_COLUMNS)), ZONE_FIELDS
    if language is not None:
        i18n.check_language(language)
        frame = frame.rename(columns={c: fields[c].title(language) for c in frame.columns if c in fields})
    return fmt.excel_csv(frame, float_format="%.4f")


def to_markdown(result: AuditResult, *, language: str = "en") -> str:
    """A report section in ``language``: the belt, the zones and the claims as Markdown tables."""

    def t(key: str, **values: object) -> str:
        return i18n.text(key, language, **values)

    lines = [
        f"## {t('report_title')}",
        "",
        t("report_method", tolerance=f"{result.tolerance * 100:g}", planar=result.crs["planar"]),
        "",
        _belt_sentence(result, language=language, escape=fmt.markdown),
        *_fez_sentence(result, language),
        "",
        f"### {t('report_zones')}",
        "",
    ]
    headers, rows = _zone_rows(result, language)
    lines += fmt.markdown_table(headers, rows)
    lines += ["", f"### {t('report_claims')}", ""]
    headers, rows = _claim_rows(result, language, links=True)
    lines += fmt.markdown_table(headers, rows, markdown_column=len(headers) - 1)
    notes = _notes(result, language)
    if notes:
        lines += [""] + [f"- {t('report_note')}: {fmt.markdown(n)}" for n in notes]
    return "\n".join(lines) + "\n"


def to_table(result: AuditResult, *, language: str = "en") -> str:
    """A plain-text report in ``language`` for a terminal, aligned for double-width Hangul and Kana."""
    lines = [fmt.terminal(_belt_sentence(result, language=language)), *_fez_sentence(result, language), ""]
    headers, rows = _zone_rows(result, language)
    lines += fmt.text_table(headers, rows)
    lines.append("")
    headers, rows = _claim_rows(result, language, links=False)
    lines += fmt.text_table(headers, rows)
    lines += [""] + [f"{i18n.text('report_note', language)}: {fmt.terminal(n)}" for n in _notes(result, language)]
    if result.passed:
        verdict = i18n.text("report_all_hold", language)
    elif result.unchecked and not (result.claims["within_tolerance"] == False).any():  # noqa: E712 (None stays)
        verdict = i18n.text("report_unchecked", language, count=len(result.unchecked))
    else:
        verdict = i18n.text("report_some_off", language)
    lines.append(i18n.text("report_verdict", language, tolerance=f"{result.tolerance * 100:g}", verdict=verdict))
    return "\n".join(lines) + "\n"


def _json_format(result: AuditResult, *, language: str | None = None, pretty: bool = False) -> str:
    return to_json(result, pretty=pretty)


def _csv_format(result: AuditResult, *, language: str | None = None) -> str:
    return to_csv(result, language=language)


#: Output formats of ``audit --format``: each takes the result and a ``language`` (None: English, and CSV
#: headers as column names); JSON is the same in every language.
FORMATS: dict[str, Callable[..., str]] = {
    "table": lambda result, *, language=None: to_table(result, language=language or "en"),
    "json": _json_format,
    "csv": _csv_format,
    "md": lambda result, *, language=None: to_markdown(result, language=language or "en"),
}


def _notes(result: AuditResult, language: str) -> list[str]:
    """The audit's notes in ``language`` (a note the registry does not know is shown as it is)."""
    notes = sorted({n for n in result.claims["audit_note"] if n})
    return [i18n.text(AUDIT_NOTES[n], language) if n in AUDIT_NOTES else f"{n}." for n in notes]


def _belt_sentence(result: AuditResult, *, language: str, escape: Callable[[object], str] = str) -> str:
    """The belt in one sentence; member ids pass through ``escape`` for the format it lands in."""
    belt = result.belt
    if not belt["members"]:
        return i18n.text("report_no_belt", language)
    sentence = i18n.text(
        "report_belt",
        language,
        members=", ".join(escape(m) for m in belt["members"]),
        m2=fmt.number(belt["area_m2"]),
        pyeong=fmt.number(belt["area_pyeong"]),
    )
    if belt["official_sum_m2"] is not None:
        sentence += i18n.text("report_belt_official", language, m2=fmt.number(belt["official_sum_m2"]))
    if belt["schematic"]:
        sentence += i18n.text("report_belt_schematic", language)
    return sentence + i18n.text("report_full_stop", language)


def _quality(quality: object, language: str) -> str:
    known = {GeometryQuality.SCHEMATIC: "schematic_short", GeometryQuality.SUPPLIED: "outline_supplied"}
    return i18n.text(known[quality], language) if quality in known else str(quality)


def _unit(unit: object, language: str) -> str:
    key = f"unit_{unit}"
    return i18n.text(key, language) if key in i18n.MESSAGES else str(unit)


def _fez_sentence(result: AuditResult, language: str) -> list[str]:
    """The Free Economic Zone's measured total in one sentence, when its claims were audited."""
    fez = result.fez
    if not fez or not fez["members"]:
        return []
    sentence = i18n.text("report_fez", language, m2=fmt.number(fez["area_m2"]), pyeong=fmt.number(fez["area_pyeong"]))
    if fez["official_sum_m2"] is not None:
        sentence += i18n.text("report_belt_official", language, m2=fmt.number(fez["official_sum_m2"]))
    if fez["schematic"]:
        sentence += i18n.text("report_belt_schematic", language)
    return [sentence + i18n.text("report_full_stop", language)]


def _zone_rows(result: AuditResult, language: str) -> tuple[list[str], list[list[str]]]:
    keys = ("zone", "name", "quality", "m2", "ha", "pyeong", "m2_planar", "official_m2", "official_diff")
    headers = [i18n.text(f"report_col_{key}", language) for key in keys]
    rows = [
        [
            str(z["feature_id"]),
            str(z.get(f"name_{language}") or z.get("name_en") or ""),
            _quality(z["geometry_quality"], language),
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


def _claim_rows(result: AuditResult, language: str, *, links: bool) -> tuple[list[str], list[list[str]]]:
    keys = ("claim", "subject", "published", "claimed_m2", "measured_m2", "measured_diff", "official_m2",
            "official_diff", "verdict", "source")  # fmt: skip
    headers = [i18n.text(f"report_col_{key}", language) for key in keys]
    uncertain = i18n.text("report_uncertain", language)
    rows = []
    for c in result.claims.to_dict("records"):
        source = f"{c['publisher']} {c['date']}".strip() + (f" ({uncertain})" if c.get("uncertain") is True else "")
        if links:
            source = fmt.markdown_link(source, c["url"])
        verdict = c["verdict"]
        rows.append(
            [
                str(c["claim_id"]),
                str(c["subject"]),
                f"{fmt.number(c['figure'])} {_unit(c['unit'], language)}",
                fmt.number(c["claimed_m2"]),
                fmt.number(c["geometry_m2"]),
                fmt.percent(c["difference_pct"]),
                fmt.number(c["official_m2"]),
                fmt.percent(c["official_difference_pct"]),
                i18n.text(VERDICT_MESSAGES[verdict], language) if verdict in VERDICT_MESSAGES else str(verdict),
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
    written = [
        write_stream(out / name, lambda stream: write_json(result, stream, pretty=True), inputs=inputs)
        if kind == "json"
        else write_text(out / name, FORMATS[kind](result), inputs=inputs)
        for kind, name in REPORT_FILES.items()
    ]
    written.append(write_text(out / ZONE_AREAS_CSV, to_csv(result, table="zones"), inputs=inputs))
    return written
