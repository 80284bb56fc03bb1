"""Exceptions a user can cause. Each also subclasses a built-in so callers can catch either."""

from __future__ import annotations


class TriangleBeltError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(TriangleBeltError, ValueError):
    """An input file or argument cannot be used as it is; the message names the file, feature and fix."""


class InputFileNotFoundError(InputError, FileNotFoundError):
    """A named input file does not exist."""


class OutputError(TriangleBeltError, OSError):
    """An output cannot be written (for example it would overwrite one of the inputs)."""
