"""The ``--match FILE`` overrides: official id → our zone id, every id as text."""

from __future__ import annotations

import csv
import io as _stdio
import logging
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from .._errors import InputError, InputFileNotFoundError
from ._common import summary
from ._constants import MATCH_FILE_COLUMNS, MATCH_FILE_ENCODINGS

log = logging.getLogger(__name__)


# The match file


class Overrides(Mapping[str, str]):
    """Official id → our zone id, chosen by the user, with where each pair was written.

    Parameters
    ----------
    pairs
        Official id (text) → zone id.
    source
        Name of the file they come from, for messages.
    rows
        Official id → row number in that file (the header is row 1).
    """

    def __init__(self, pairs: Mapping[str, str], *, source: str = "--match", rows: Mapping[str, int] | None = None):
        self._pairs = dict(pairs)
        self.source = source
        self._rows = dict(rows or {})

    def __getitem__(self, key: str) -> str:
        return self._pairs[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __repr__(self) -> str:
        return f"Overrides({self._pairs!r}, source={self.source!r})"

    def where(self, official_id: str) -> str:
        """``match.csv row 3`` for the pair of ``official_id``, or the source alone."""
        row = self._rows.get(official_id)
        return f"{self.source} row {row}" if row is not None else self.source


def read_match_file(path: str | os.PathLike) -> Overrides:
    """Read a ``--match`` CSV of official ids and our zone ids, every value as text.

    Parameters
    ----------
    path
        CSV with the header ``dan_id,zone_id`` (any case; other columns, such as a note, are ignored), UTF-8
        with or without BOM, or CP949. Ids keep their leading zeros (``007`` stays ``007``).

    Returns
    -------
    Overrides
        Official id → zone id, remembering the row of each.

    Raises
    ------
    InputError
        On one line, naming the file, the row and the fix: a missing file or column, an empty id, an official
        id given twice with different zones, text that is not CSV.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileNotFoundError(f"{path}: no such file; check the path given to --match")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; --match needs a CSV file with the columns dan_id,zone_id")
    rows = _csv_rows(path)
    if not rows:
        raise InputError(f"{path.name}: is empty; write the header dan_id,zone_id and one row per official feature")
    header = [cell.strip().casefold() for cell in rows[0]]
    missing = [column for column in MATCH_FILE_COLUMNS if column not in header]
    if missing:
        found = ",".join(cell.strip() for cell in rows[0]) or "nothing"
        raise InputError(
            f"{path.name}: no column {' or '.join(missing)} (the header is {found}); make the first row dan_id,zone_id"
        )
    id_at, zone_at = (header.index(column) for column in MATCH_FILE_COLUMNS)
    pairs: dict[str, str] = {}
    where: dict[str, int] = {}
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(f"row {number} has {len(row)} fields but the header {len(header)}; quote text with commas")
            continue
        official_id = row[id_at].strip() if id_at < len(row) else ""
        zone_id = row[zone_at].strip() if zone_at < len(row) else ""
        if not official_id:
            problems.append(f"row {number}: dan_id is empty; write the official id or delete the row")
            continue
        if not zone_id:
            problems.append(f"row {number}: zone_id is empty for dan_id {official_id!r}; write our zone id")
            continue
        if official_id in pairs and pairs[official_id] != zone_id:
            problems.append(
                f"rows {where[official_id]} and {number}: dan_id {official_id!r} is given zones "
                f"{pairs[official_id]!r} and {zone_id!r}; keep one row per official id"
            )
            continue
        pairs.setdefault(official_id, zone_id)
        where.setdefault(official_id, number)
    if problems:
        raise InputError(f"{path.name} " + problems[0] if len(problems) == 1 else summary(path.name, problems))
    if not pairs:
        raise InputError(f"{path.name}: has a header but no rows; add one row dan_id,zone_id per official feature")
    log.info("read %d official id → zone id pairs from %s", len(pairs), path.name)
    return Overrides(pairs, source=path.name, rows=where)


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in MATCH_FILE_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != MATCH_FILE_ENCODINGS[0]:
            log.info("%s is not UTF-8; read it as %s", path.name, encoding)
        break
    else:
        raise InputError(f"{path.name}: is neither UTF-8 nor CP949 text; save it as UTF-8 CSV")
    try:
        return [row for row in csv.reader(_stdio.StringIO(text, newline=""))]
    except csv.Error as error:
        raise InputError(f"{path.name}: is not a CSV table ({error}); save it as UTF-8 CSV") from None


# ---------------------------------------------------------------------------------------------------------
