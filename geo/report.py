"""Render an :class:`geo.audit.AuditResult` as a terminal table, JSON, CSV (Excel-ready) or Markdown.

The JSON contract (documented in docs/audit.md, "JSON contract"): top-level ``zones`` (each with at least
``zone_id``, ``area_m2``, ``area_m2_epsg5186``, ``area_pyeong``) and ``claims`` (each with at least ``claim_id``,
``subject``, ``claimed_m2``, ``geometry_m2``, ``difference_pct``, ``within_tolerance``, ``source``), plus
``belt``, ``overlaps``, ``tolerance``, ``passed`` and ``crs``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Final, TextIO

import pandas as pd

from . import _format as fmt
from . import _json, explain, headline, i18n
from .audit import AuditResult
from .io import OutputFolder, output_folder
from .schema import (
    CLAIM_FIELDS,
    CLAIM_REPORT_COLUMNS,
    CLAIM_SOURCE_COLUMNS,
    MATCH_FIELDS,
    ZONE_FIELDS,
    ZONE_REPORT_COLUMNS,
    GeometryQuality,
    Note,
    Verdict,
)
from .settings import DEFAULT_LANGUAGE, TOOL_NAME, tool_version

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
        "headline": {scope: t.record() for scope, t in headline.tallies(result).items()},
        "crs": result.crs,
        "units": {"pyeong_m2": "400/121", "area": "ellipsoidal GRS80 with geodesic edges unless named epsg5186"},
        "belt": fmt.json_record(result.belt),
        **({"fez": fmt.json_record(result.fez)} if result.fez is not None else {}),
        "zones": _json.Records(zones),
        "claims": claims,
        "overlaps": _json.Records(result.overlaps),
        **({"matches": fmt.json_records(result.matches)} if result.matches is not None else {}),
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


def to_markdown(result: AuditResult, *, language: str = DEFAULT_LANGUAGE) -> str:
    """A report section in ``language``: the belt, the zones and the claims as Markdown tables."""

    def t(key: str, **values: object) -> str:
        return i18n.text(key, language, **values)

    lines = [
        f"## {t('report_title')}",
        "",
        t("report_method", tolerance=f"{result.tolerance * 100:g}", planar=result.crs["planar"]),
        "",
        *[f"- {fmt.markdown(line)}" for line in headline.headline(result, language=language)],
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
    # The source column (a link) is Markdown already; the explanation after it is text, escaped like the rest.
    lines += fmt.markdown_table(headers, rows, markdown_column=len(headers) - 2)
    notes = _notes(result, language)
    if notes:
        lines += [""] + [f"- {t('report_note')}: {fmt.markdown(n)}" for n in notes]
    if result.matches is not None:
        lines += ["", f"### {t('report_matches')}", "", t("report_matches_intro"), ""]
        headers, rows = match_rows(result.matches, language)
        lines += fmt.markdown_table(headers, rows)
    return "\n".join(lines) + "\n"


def to_table(result: AuditResult, *, language: str = DEFAULT_LANGUAGE) -> str:
    """A plain-text report in ``language`` for a terminal, aligned for double-width Hangul and Kana."""
    lines = [
        *headline.headline(result, language=language),
        fmt.terminal(_belt_sentence(result, language=language)),
        *_fez_sentence(result, language),
        "",
    ]
    headers, rows = _zone_rows(result, language)
    lines += fmt.text_table(headers, rows)
    lines.append("")
    headers, rows = _claim_rows(result, language, links=False)
    lines += fmt.text_table(headers, rows)
    lines += [""] + [f"{i18n.text('report_note', language)}: {fmt.terminal(n)}" for n in _notes(result, language)]
    if result.matches is not None and len(result.matches):
        headers, rows = match_rows(result.matches, language)
        lines += [
            "",
            i18n.text("report_matches", language),
            *fmt.text_table(headers, [[fmt.terminal(c) for c in r] for r in rows]),
        ]
    if result.passed:
        verdict = i18n.text("report_all_hold", language)
    elif result.unchecked and not (result.claims["holds"] == False).any():  # noqa: E712 (None stays)
        verdict = i18n.text("report_unchecked", language, count=len(result.unchecked))
    else:
        verdict = i18n.text("report_some_off", language)
    lines.append(i18n.text("report_verdict", language, tolerance=f"{result.tolerance * 100:g}", verdict=verdict))
    return "\n".join(lines) + "\n"


def _write_table(result: AuditResult, stream: TextIO, *, language: str | None = None, **_: object) -> None:
    stream.write(to_table(result, language=language or DEFAULT_LANGUAGE))


def _write_json(result: AuditResult, stream: TextIO, *, pretty: bool = True, **_: object) -> None:
    write_json(result, stream, pretty=pretty)


def _write_csv(
    result: AuditResult, stream: TextIO, *, language: str | None = None, table: str = "claims", **_: object
) -> None:
    stream.write(to_csv(result, table=table, language=language))


def _write_markdown(result: AuditResult, stream: TextIO, *, language: str | None = None, **_: object) -> None:
    stream.write(to_markdown(result, language=language or DEFAULT_LANGUAGE))


#: Output formats of ``audit --format`` and of the build's report files: each writes the result to a text
#: stream, in ``language`` (None: :data:`geo.settings.DEFAULT_LANGUAGE`, and CSV headers as the JSON's column
#: names); JSON is the same in every language (``pretty`` to indent it), CSV writes one ``table``.
FORMATS: Final[dict[str, Callable[..., None]]] = {
    "table": _write_table,
    "json": _write_json,
    "csv": _write_csv,
    "md": _write_markdown,
}


def _notes(result: AuditResult, language: str) -> list[str]:
    """The audit's notes in ``language`` (a note the registry does not know is shown as it is)."""
    notes = sorted({str(n) for n in result.claims["audit_note"] if n})
    known = {note.value: note for note in Note}
    return [i18n.text(known[n].message, language) if n in known else f"{n}." for n in notes]


def _belt_sentence(result: AuditResult, *, language: str, escape: Callable[[object], str] = str) -> str:
    """The belt in one sentence; member ids pass through ``escape`` for the format it lands in."""
    belt = result.belt
    if not belt["members"]:
        return i18n.text("report_no_belt", language)
    members = ", ".join(escape(m) for m in belt["members"])
    return _summary_sentence(belt, "report_belt", language, members=members)


def _summary_sentence(summary: dict, key: str, language: str, **values: object) -> str:
    """A group of zones (the belt, the FEZ) measured, with its official sum and whether it is schematic."""
    sentence = i18n.text(
        key, language, m2=fmt.number(summary["area_m2"]), pyeong=fmt.number(summary["area_pyeong"]), **values
    )
    if summary["official_sum_m2"] is not None:
        sentence += i18n.text("report_belt_official", language, m2=fmt.number(summary["official_sum_m2"]))
    if summary["schematic"]:
        sentence += i18n.text("report_belt_schematic", language)
    elif 0 < summary.get("schematic_share", 0) < 1:
        share = fmt.percent_share(summary["schematic_share"])
        sentence += i18n.text("report_belt_partly_schematic", language, share=share)
    return sentence + i18n.text("report_full_stop", language)


def _quality(quality: object, language: str) -> str:
    known = {GeometryQuality.SCHEMATIC: "schematic_short", GeometryQuality.SUPPLIED: "outline_supplied"}
    return i18n.text(known[quality], language) if quality in known else str(quality)


def _fez_sentence(result: AuditResult, language: str) -> list[str]:
    """The Free Economic Zone's measured total in one sentence, when its claims were audited."""
    fez = result.fez
    if not fez or not fez["members"]:
        return []
    return [_summary_sentence(fez, "report_fez", language)]


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
            "official_diff", "verdict", "source", *(("explanation",) if links else ()))  # fmt: skip
    headers = [i18n.text(f"report_col_{key}", language) for key in keys]
    tolerance = f"±{result.tolerance * 100:g} %"
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
                explain.figure_text(c, language).replace(explain.NBSP, " "),
                fmt.number(c["claimed_m2"]),
                fmt.number(c["geometry_m2"]),
                fmt.percent(c["difference_pct"]),
                fmt.number(c["official_m2"]),
                fmt.percent(c["official_difference_pct"]),
                i18n.text(Verdict(verdict).message, language) if verdict in set(Verdict) else str(verdict),
                source,
            ]
        )
        if links:
            rows[-1].append(explain.finding(c, tolerance=tolerance, language=language).replace(explain.NBSP, " "))
    return headers, rows


def match_rows(matches: pd.DataFrame, language: str) -> tuple[list[str], list[list[str]]]:
    """The match table: per zone of ours, the official features taken or not, with the evidence (titles from
    :data:`geo.schema.MATCH_FIELDS`; the share of our outline in percent)."""
    keys = ("outcome", "zone_id", "official_id", "official_name", "name_match", "overlap_share", "distance_km", "note")
    headers = [MATCH_FIELDS[key].title(language) for key in keys]
    headers[keys.index("overlap_share")] = i18n.text("report_col_overlap", language)

    def text(value: object) -> str:
        return value if isinstance(value, str) else ""

    rows = []
    for m in matches.to_dict("records"):
        outcome = f"match_{m.get('outcome')}"
        share, distance = m.get("overlap_share"), m.get("distance_km")
        rows.append(
            [
                i18n.text(outcome, language) if outcome in i18n.MESSAGES else text(m.get("outcome")),
                text(m.get("zone_id")),
                text(m.get("official_id")),
                text(m.get("official_name")),
                text(m.get("name_match")),
                "" if share is None or pd.isna(share) else fmt.number(float(share) * 100, 1),
                "" if distance is None or pd.isna(distance) else fmt.number(float(distance), 1),
                " ".join(s for s in (text(m.get("method")), text(m.get("note"))) if s),
            ]
        )
    return headers, rows


def _claims_frame(result: AuditResult) -> pd.DataFrame:
    columns = [c for c in (*CLAIM_REPORT_COLUMNS, *CLAIM_SOURCE_COLUMNS) if c in result.claims.columns]
    return result.claims[columns]


def _present(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[str]:
    return [f for f in fields if f in frame.columns]


def write_reports(
    out: OutputFolder | str | os.PathLike, result: AuditResult, *, language: str | None = None
) -> list[Path]:
    """Write :func:`output_files` into ``out`` (an :class:`geo.io.OutputFolder` or a path) and return their paths.

    ``language``: of ``audit.md`` and of the CSV headers (None: English, and the CSV headers are the JSON's
    column names).
    """
    out = output_folder(out)
    written = [
        out.stream(name, lambda stream, kind=kind: FORMATS[kind](result, stream, language=language))
        for kind, name in REPORT_FILES.items()
    ]
    written.append(
        out.stream(ZONE_AREAS_CSV, lambda stream: FORMATS["csv"](result, stream, language=language, table="zones"))
    )
    return written
