"""The project's own layers in layers/: zones, claims, site-selection points and context boundaries.

Each loader takes an optional path, so a user's file can stand in for ours, and validates what it reads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from . import _format as fmt
from . import precision, units
from ._errors import InputError
from .io import prepare_zones, read_table, read_zones
from .schema import CLAIM_REQUIRED_COLUMNS, POINT_REQUIRED_COLUMNS
from .settings import CLAIMS_FILE, CONTEXT_FILE, DESTINATIONS_FILE, GEOGRAPHIC_CRS, POINTS_FILE, ZONES_FILE


@dataclass(frozen=True)
class ZoneSource:
    """A zone file and how to read it; the bundled zones when ``path`` is None.

    The fields are the options of :func:`geo.io.read_zones`; ``belt_ids`` names the zones that form the belt
    (None: the file's ``in_belt`` column).
    """

    path: Path | None = None
    layer: str | None = None
    id_field: str | None = None
    name_field: str | None = None
    assume_crs: str | None = None
    fix: bool = False
    encoding: str | None = None
    belt_ids: tuple[str, ...] | None = None
    #: A CSV of ``dan_id,zone_id`` pairs that overrides the matching of an official layer to our zones.
    match: Path | None = None

    @property
    def file(self) -> Path:
        """The file read: ``path``, or the bundled zones."""
        return Path(self.path) if self.path is not None else ZONES_FILE

    def prepare(self, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """``frame``, already read from :attr:`file`, normalised and validated with this source's options."""
        return prepare_zones(
            frame,
            self.file,
            id_field=self.id_field,
            name_field=self.name_field,
            assume_crs=self.assume_crs,
            fix=self.fix,
            belt_ids=list(self.belt_ids) if self.belt_ids is not None else None,
        )

    def load(self) -> gpd.GeoDataFrame:
        """The zones, read and validated (:func:`load_zones`)."""
        return load_zones(
            self.file,
            layer=self.layer,
            id_field=self.id_field,
            name_field=self.name_field,
            assume_crs=self.assume_crs,
            fix=self.fix,
            encoding=self.encoding,
            belt_ids=list(self.belt_ids) if self.belt_ids is not None else None,
        )


def load_zones(path: str | os.PathLike | None = None, **options: object) -> gpd.GeoDataFrame:
    """Zone parts, ours by default, in EPSG:4326 with a ``feature_id`` column (``zone_id`` or ``zone_id/part``).

    ``options`` are those of :func:`geo.io.read_zones` (layer, id_field, name_field, assume_crs, fix, encoding).
    """
    return read_zones(path or ZONES_FILE, **options)


def load_claims(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Published area claims with ``claimed_m2`` added (the figure converted from its published unit).

    Every cell is read as text (``claim_id`` and ``subject`` ``007`` stay ``"007"``, never 7); ``figure``
    must be a positive number whose area in m² is finite and no larger than the Earth's surface
    (:func:`geo.units.checked_m2`).

    Raises
    ------
    InputError
        Listing every bad row, naming the file, the row, the claim and the fix.
    """
    path = Path(path or CLAIMS_FILE)
    claims = read_table(path)
    missing = [c for c in CLAIM_REQUIRED_COLUMNS if c not in claims.columns]
    if missing:
        raise InputError(f"{path.name}: missing columns {', '.join(missing)}; see layers/README.md for the format")
    if claims.empty:
        raise InputError(f"{path.name}: has a header but no claims; add one row per published figure")
    claims = claims.where(claims.notna(), "")
    problems = []
    figures = pd.to_numeric(claims["figure"].str.strip(), errors="coerce")
    claimed = []
    for i, row in claims.iterrows():
        where = f"{path.name} row {i + 2} ({fmt.message_text(row['claim_id'])})"
        claimed.append(np.nan)
        if not row["claim_id"].strip():
            problems.append(f"{where}: claim_id is empty; give every claim a unique id")
        known_unit = row["unit"] in units.M2_PER_UNIT
        if not np.isfinite(figures[i]) or figures[i] <= 0:
            figure = fmt.quoted(row["figure"])
            problems.append(f"{where}: figure {figure} is not a positive number; write it without units")
        elif known_unit:
            try:
                claimed[-1] = units.checked_m2(figures[i], row["unit"])
            except ValueError as error:
                problems.append(f"{where}: figure {error}; check the figure and its unit")
        if not known_unit:
            unit = fmt.quoted(row["unit"])
            problems.append(f"{where}: unit {unit} is unknown; use one of {', '.join(units.M2_PER_UNIT)}")
        if not row["subject"].strip():
            problems.append(f"{where}: subject is empty; use belt or a zone id")
    repeated = sorted(set(claims.loc[claims["claim_id"].duplicated(), "claim_id"]))
    if repeated:
        listed = ", ".join(fmt.message_text(c) for c in repeated)
        problems.append(f"{path.name}: claim_id values repeat ({listed}); make them unique")
    if problems:
        raise InputError(problems[0] if len(problems) == 1 else f"{path.name}: " + "; ".join(problems))
    claims["rounding"] = _rounding(claims, path)
    claims["approximate"] = _approximate(claims)
    claims["figure"] = figures
    claims["claimed_m2"] = claimed
    if "uncertain" in claims:
        claims["uncertain"] = claims["uncertain"].str.strip().str.lower().eq("true")
    claims.attrs["source"] = path.name
    return claims


def _rounding(claims: pd.DataFrame, path: Path) -> list[float]:
    """Each claim's rounding step in its unit: the ``rounding`` column where given, else read from the figure
    as written (:func:`geo.precision.rounding_step`)."""
    given = claims["rounding"].str.strip() if "rounding" in claims else pd.Series("", index=claims.index)
    steps = []
    for i, (figure, step) in enumerate(zip(claims["figure"], given, strict=True)):
        if not step:
            steps.append(precision.rounding_step(figure))
            continue
        value = pd.to_numeric(step, errors="coerce")
        if not (np.isfinite(value) and value > 0):
            raise InputError(
                f"{path.name} row {i + 2} ({fmt.message_text(claims['claim_id'].iloc[i])}): rounding "
                f"{fmt.quoted(step)} is not a positive number; give the step the figure is rounded to, in its "
                "unit, or leave it empty"
            )
        steps.append(float(value))
    return steps


def _approximate(claims: pd.DataFrame) -> pd.Series:
    """Whether each claim's wording says "about": the ``approximate`` column where given, else its quote."""
    from_quote = claims["quote"].map(precision.is_approximate)
    if "approximate" not in claims:
        return from_quote
    given = claims["approximate"].str.strip().str.lower()
    return given.eq("true").where(given.isin(["true", "false"]), from_quote)


def load_points(path: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """Site-selection points (airport, KTX station, …) in EPSG:4326, each with its source.

    Every cell is read as text (``point_id`` ``007`` stays ``"007"``); ``lat`` and ``lon`` must be numbers
    in degrees.
    """
    return _read_points(Path(path or POINTS_FILE))


def load_destinations(path: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """The places the location table measures to (:mod:`geo.location`), in EPSG:4326, each with its source.

    As :func:`load_points`, except that a row whose ``lat`` and ``lon`` are both empty is kept without a
    geometry: a place whose coordinates could not be sourced ("not available"; its source says why).
    """
    return _read_points(Path(path or DESTINATIONS_FILE), allow_unplaced=True)


def _read_points(path: Path, *, allow_unplaced: bool = False) -> gpd.GeoDataFrame:
    table = read_table(path)
    missing = [c for c in POINT_REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"{path.name}: missing columns {', '.join(missing)}; see layers/README.md for the format")
    text = {axis: table[axis].fillna("").str.strip() for axis in ("lat", "lon")}
    unplaced = (text["lat"] == "") & (text["lon"] == "") if allow_unplaced else pd.Series(False, index=table.index)
    coordinates = {axis: pd.to_numeric(values, errors="coerce") for axis, values in text.items()}
    limits = {"lat": 90.0, "lon": 180.0}
    for axis, values in coordinates.items():
        bad = ~(np.isfinite(values) & (values.abs() <= limits[axis])) & ~unplaced
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raw = text[axis].iloc[i]
            what = f"{fmt.message_text(raw)} is not a number of degrees within ±{limits[axis]:g}" if raw else "is empty"
            raise InputError(
                f"{path.name} row {i + 2} ({fmt.message_text(table['point_id'].iloc[i])}): {axis} {what}; "
                "write it in decimal degrees (WGS84)"
                + ("; leave lat and lon both empty for a place without coordinates" if allow_unplaced else "")
            )
        table[axis] = values
    text_columns = [c for c in table.columns if c not in coordinates]
    table[text_columns] = table[text_columns].where(table[text_columns].notna(), "")
    table["uncertain"] = table["uncertain"].astype(str).str.strip().str.lower().eq("true")
    geometry = gpd.points_from_xy(table["lon"], table["lat"])
    geometry[unplaced.to_numpy()] = None
    return gpd.GeoDataFrame(table, geometry=geometry, crs=GEOGRAPHIC_CRS)


def load_context(path: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """Legal dongs of Gwangsan-gu, ri of Hampyeong's 월야면 and the Gwangju/Jeonnam border (NGII)."""
    path = Path(path or CONTEXT_FILE)
    if not path.exists():
        raise InputError(f"{path}: no such file; run python layers/build_schematic.py")
    return gpd.read_file(path)
