"""The land audit as JSON (the documented contract), CSV for Excel, a terminal table and Parquet."""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd

from .. import _format as fmt
from ..io import OutputFile, output_file
from ..settings import M2_PER_PYEONG, TOOL_NAME, tool_version
from ._constants import AUDIT_COLUMNS, ZONE_NAME_COLUMNS

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


def to_json(audit: pd.DataFrame, *, source: str | None = None, land_field: str | None = None) -> str:
    """The JSON contract of the module docstring: compact, UTF-8 (not ASCII-escaped), NaN as null, one line."""
    zones = []
    for _, rows in audit.groupby("feature_id", sort=False):
        first = rows.iloc[0]
        zone_area = float(first["zone_area_m2"])
        categories = [
            {
                "code": row["category"],
                "number": int(row["category_number"]),
                "name_ko": row["category_ko"],
                "name_en": row["category_en"],
                "name_ja": row["category_ja"],
                "parcels": int(row["parcels"]),
                "area_m2": _json_float(row["area_m2"]),
                "area_pyeong": _json_float(row["area_pyeong"]),
                "share": _json_float(row["share"]),
            }
            for row in rows.to_dict("records")
            if isinstance(row["category"], str)
        ]
        uncovered = float(first["uncovered_m2"])
        zones.append(
            {
                "feature_id": str(first["feature_id"]),
                **{c: _json_text(first[c]) for c in ZONE_NAME_COLUMNS},
                "zone_area_m2": _json_float(zone_area),
                "zone_area_pyeong": _json_float(zone_area / M2_PER_PYEONG),
                "parcels": int(first["zone_parcels"]),
                "covered_m2": _json_float(first["covered_m2"]),
                "overlap_m2": _json_float(first["overlap_m2"]),
                "uncovered_m2": _json_float(uncovered),
                "uncovered_pyeong": _json_float(uncovered / M2_PER_PYEONG),
                "uncovered_share": _json_float(uncovered / zone_area if zone_area > 0 else math.nan),
                "categories": categories,
            }
        )
    document = {
        "tool": TOOL_NAME,
        "version": tool_version(),
        "source": source if source is not None else audit.attrs.get("source"),
        "land_field": land_field if land_field is not None else audit.attrs.get("land_field"),
        "land_source": audit.attrs.get("land_source"),
        "units": {"area": "m2, ellipsoidal GRS80 with geodesic edges", "pyeong_m2": "400/121", "share": "fraction"},
        "zones": zones,
    }
    return fmt.to_json(document).rstrip("\n")


#: Decimals of areas in CSV (1 mm²).
CSV_DECIMALS: Final = 6


def to_csv(audit: pd.DataFrame) -> str:
    """The long table as CSV for Excel: UTF-8 with BOM (Hangul and Kana show right), CRLF, formula-safe text."""
    return fmt.excel_csv(audit.reindex(columns=list(AUDIT_COLUMNS)), float_format=f"%.{CSV_DECIMALS}f")


def to_table(audit: pd.DataFrame) -> str:
    """A plain-text report for a terminal, one block per zone, aligned for double-width Hangul and Kana."""
    lines: list[str] = []
    for _, rows in audit.groupby("feature_id", sort=False):
        first = rows.iloc[0]
        zone_area = float(first["zone_area_m2"])
        heading = (
            f"{first['feature_id']} {_json_text(first['name_ko']) or ''}: {zone_area:,.0f} m² "
            f"({zone_area / M2_PER_PYEONG:,.0f} pyeong), {int(first['zone_parcels']):,} parcels"
        )
        lines.append(fmt.terminal(heading))
        headers = ["지목", "category", "parcels", "m²", "pyeong", "share"]
        body = [
            [
                f"{row['category']} {row['category_ko']}",
                str(row["category_en"]),
                f"{int(row['parcels']):,}",
                f"{row['area_m2']:,.0f}",
                f"{row['area_pyeong']:,.0f}",
                f"{row['share'] * 100:.2f} %",
            ]
            for row in rows.to_dict("records")
            if isinstance(row["category"], str)
        ]
        uncovered = float(first["uncovered_m2"])
        share = uncovered / zone_area * 100 if zone_area > 0 else math.nan
        body.append(
            ["–", "not in any parcel", "", f"{uncovered:,.0f}", f"{uncovered / M2_PER_PYEONG:,.0f}", f"{share:.2f} %"]
        )
        if float(first["overlap_m2"]) > 0:
            body.append(["–", "overlapping parcels", "", f"{first['overlap_m2']:,.0f}", "", ""])
        lines += fmt.text_table(headers, body)
        lines.append("")
    lines.append("Areas: GRS80 ellipsoid, geodesic edges; 1 pyeong = 400/121 m².")
    return "\n".join(lines) + "\n"


def write_parquet(audit: pd.DataFrame, target: OutputFile | str | os.PathLike) -> Path:
    """Write the long table to ``target`` as Parquet (pyarrow), atomically; metadata in the schema."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(audit.reindex(columns=list(AUDIT_COLUMNS)), preserve_index=False)
    meta = {"tool": TOOL_NAME, "version": tool_version(), **{k: str(v) for k, v in audit.attrs.items()}}
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"triangle_belt": json.dumps(meta)})
    target = output_file(target)
    with target.temporary() as temporary:
        pq.write_table(table, temporary)
    return target.path


#: Text formats for a command line: name → formatter.
FORMATS: Final[dict[str, Callable[[pd.DataFrame], str]]] = {"table": to_table, "json": to_json, "csv": to_csv}


def _json_float(value: object) -> float | None:
    return fmt.json_value(float(value))  # type: ignore[arg-type]


def _json_text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
