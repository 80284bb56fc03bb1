"""What a fetch returns, and the error for a fetch that matched nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    #: The API address, with any key-like query value and the key itself shown as ``***``.
    api_url: str
    #: Features the API sent, before dropping and de-duplicating.
    features_sent: int = 0
    #: Features dropped, by reason (``"not polygonal"``, ``"non-finite coordinates"``, ``"malformed or empty
    #: geometry"``); a reason with no feature is left out.
    dropped: dict[str, int] = field(default_factory=dict)
    #: Features sent again on a later page (or twice on one), kept once.
    duplicates: int = 0
    #: Properties renamed because their names collide with a GeoPackage column or another property: name → column.
    renamed: dict[str, str] = field(default_factory=dict)
