"""What a fetch returns, and the error for a fetch that matched nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .._errors import InputError


class NoFeaturesFoundError(InputError):
    """The API answered, but no feature of the layer matches the filters."""


@dataclass(frozen=True)
class FetchResult:
    """What :func:`fetch_layer` wrote. Holds no key, so its ``repr`` is safe to log."""

    path: Path
    layer: str
    feature_count: int
    pages: int
    fetched_at: str
    bbox: tuple[float, float, float, float] | None
    name: str | None
    api_url: str
