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

from . import units
from ._errors import InputError
from .io import read_table, read_zones
from .schema import CLAIM_REQUIRED_COLUMNS, POINT_REQUIRED_COLUMNS
from .settings import CLAIMS_FILE, CONTEXT_FILE, GEOGRAPHIC_CRS, POINTS_FILE, ZONES_FILE


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

    @property
    def file(self) -> Path:
        """The file read: ``path``, or the bundled zones."""
        return Path(self.path) if self.path is not None else ZONES_FILE

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
    """Published area claims with ``claimed_m2`` added (the figure converted from its published unit)."""
    path = Path(path or CLAIMS_FILE)
    claims = read_table(path)
    missing = [c for c in CLAIM_REQUIRED_COLUMNS if c not in claims.columns]
    if missing:
        raise InputError(f"{path.name}: missing columns {', '.join(missing)}; see layers/README.md for the format")
    if claims.empty:
        raise InputError(f"{path.name}: has a header but no claims; add one row per published figure")
    problems = []
    figures = pd.to_numeric(claims["figure"], errors="coerce")
    for i, row in claims.iterrows():
        where = f"{path.name} row {i + 2} ({row['claim_id']})"
        if not np.isfinite(figures[i]) or figures[i] <= 0:
            problems.append(f"{where}: figure {row['figure']!r} is not a positive number; write it without units")
        if row["unit"] not in units.M2_PER_UNIT:
            problems.append(f"{where}: unit {row['unit']!r} is unknown; use one of {', '.join(units.M2_PER_UNIT)}")
        if pd.isna(row["subject"]) or not str(row["subject"]).strip():
            problems.append(f"{where}: subject is empty; use belt or a zone id")
    if claims["claim_id"].duplicated().any():
        problems.append(f"{path.name}: claim_id values repeat; make them unique")
    if problems:
        raise InputError(problems[0] if len(problems) == 1 else f"{path.name}: " + "; ".join(problems))
    text_columns = [c for c in claims.columns if c != "figure" and claims[c].dtype != bool]
    claims[text_columns] = claims[text_columns].astype("object").where(claims[text_columns].notna(), "")
    claims["figure"] = figures
    claims["claimed_m2"] = [units.to_m2(f, u) for f, u in zip(figures, claims["unit"], strict=True)]
    if "uncertain" in claims:
        claims["uncertain"] = claims["uncertain"].astype(str).str.lower().eq("true")
    return claims


def load_points(path: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """Site-selection points (airport, KTX station, …) in EPSG:4326, each with its source."""
    path = Path(path or POINTS_FILE)
    table = read_table(path)
    missing = [c for c in POINT_REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"{path.name}: missing columns {', '.join(missing)}; see layers/README.md for the format")
    table["uncertain"] = table["uncertain"].astype(str).str.lower().eq("true")
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs=GEOGRAPHIC_CRS)


def load_context(path: str | os.PathLike | None = None) -> gpd.GeoDataFrame:
    """Legal dongs of Gwangsan-gu, ri of Hampyeong's 월야면 and the Gwangju/Jeonnam border (NGII)."""
    path = Path(path or CONTEXT_FILE)
    if not path.exists():
        raise InputError(f"{path}: no such file; run python layers/build_schematic.py")
    return gpd.read_file(path)
