"""Writing every output atomically: a temporary file in a hidden folder of the output folder, renamed over the
target, so an interrupted or failed write never leaves half a file and never touches the inputs.

The temporary files live in :data:`TEMPORARY_FOLDER`; what a killed run leaves there is swept by the next
write into that folder. A write that fails because of the disk or the folder (full, over quota, read-only, no
permission) is an :class:`OutputError` naming the file, and the previous file stays as it was. A folder whose
path is not UTF-8 is written through an ASCII symbolic link, so GDAL can write there too. :mod:`geo.io` is the
public face of this module.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final, TextIO

import pyogrio

from ._errors import OutputError, TriangleBeltError
from ._read import SHAPEFILE_SIDECARS, ascii_suffix, glob_escape, is_utf8, shorten

log = logging.getLogger(__name__)

#: Hidden folder, inside each output folder, that holds the files being written until they are renamed.
TEMPORARY_FOLDER: Final = ".triangle-belt-tmp"
#: A temporary file or folder older than this (seconds) is swept even if the process that made it still runs.
STALE_TEMPORARY_S: Final = 24 * 3600
#: A temporary file's name: ``<pid>-<token><suffix>``, so a sweep knows whose it is.
_TEMPORARY_NAME: Final = re.compile(r"^(\d+)-[0-9a-f]+")
#: The hidden ``.<name>.<8 random characters><suffix>`` files that version 0.1.0 wrote beside each output
#: (``tempfile.mkstemp``); swept once older than :data:`_OLD_TEMPORARY_AGE_S`, as no write takes that long.
_OLD_TEMPORARY_NAME: Final = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}(?P<suffix>\.[^.]+)?$")
_OLD_TEMPORARY_AGE_S: Final = 3600
#: Write failures that are the disk's or the folder's fault, by errno, with the fix (the reason is the
#: system's wording, :func:`os.strerror`).
WRITE_FAULTS: Final = {
    errno.ENOSPC: "free some space or pass --out a folder on another disk",
    errno.EDQUOT: "free some space or pass --out a folder on another disk",
    errno.EFBIG: "pass --out a folder on another disk",
    errno.EROFS: "pass --out a folder on a writable disk",
    errno.EACCES: "pass --out a folder you can write to",
    errno.EPERM: "pass --out a folder you can write to",
}
#: How GDAL and SQLite word those faults (they raise their own exception types, without an errno).
_WRITE_FAULT_TEXTS: Final = (
    ("no space left", errno.ENOSPC),
    ("disk is full", errno.ENOSPC),
    ("disk full", errno.ENOSPC),
    ("quota exceeded", errno.EDQUOT),
    ("file too large", errno.EFBIG),
    ("read-only file system", errno.EROFS),
    ("readonly database", errno.EROFS),
    ("permission denied", errno.EACCES),
)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, *, inputs: tuple[Path, ...] = ()) -> Iterator[Path]:
    """Yield a temporary path for ``target``; rename it over ``target`` only if the block succeeds.

    The temporary file is ``<pid>-<token><suffix>`` in :data:`TEMPORARY_FOLDER` inside ``target``'s folder
    (the same disk, so the rename is atomic; hidden, and never named like an output). Before each write the
    folder is swept of what earlier runs left there when they were killed (entries of processes that no
    longer run, or older than :data:`STALE_TEMPORARY_S`), and it is removed once empty. If the folder's path
    is not UTF-8, the path yielded goes through an ASCII symbolic link, so GDAL can write it.

    Raises
    ------
    OutputError
        If ``target`` is one of ``inputs`` (an output never overwrites an input), or if it cannot be written
        because of the disk or the folder (full, over quota, read-only, no permission; see
        :data:`WRITE_FAULTS`). The previous ``target`` is then unchanged.
    """
    target = Path(target)
    refuse_overwriting_inputs(target, inputs)
    folder = target.parent / TEMPORARY_FOLDER
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(exist_ok=True)
        sweep_temporary(target.parent)
        temporary = folder / f"{os.getpid()}-{secrets.token_hex(8)}{ascii_suffix(target)}"
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"{target.parent}: is a file, not a folder; write the output into a folder") from None
    except OSError as error:
        raise write_error(target, error) from None
    try:
        with _writable_by_gdal(temporary) as yielded:
            yield yielded
        os.replace(temporary, target)
    except TriangleBeltError:
        raise
    except Exception as error:
        fault = write_error(target, error)
        if fault is None:
            raise
        raise fault from None
    finally:
        _remove_temporary(temporary)
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty: another write may be using it
    log.info("wrote %s", target)


@contextlib.contextmanager
def _writable_by_gdal(temporary: Path) -> Iterator[Path]:
    """``temporary``, or through an ASCII symbolic link to its folder when that folder's path is not UTF-8."""
    if is_utf8(str(temporary)):
        yield temporary
        return
    links = Path(tempfile.mkdtemp(prefix="triangle-belt-"))
    try:
        try:
            os.symlink(temporary.parent.resolve(), links / "out", target_is_directory=True)
        except OSError:
            yield temporary  # a Python writer still works; GDAL's error is reported by write_error
            return
        yield links / "out" / temporary.name
    finally:
        shutil.rmtree(links, ignore_errors=True)


def write_error(target: Path, error: BaseException) -> OutputError | None:
    """The one-line :class:`OutputError` for a failed write of ``target``, or None when the failure is not the
    disk's or the folder's (a fault of the program, to be raised as it is).

    The fault is found from the errno of an :class:`OSError` anywhere in the exception's chain, else from the
    words GDAL and SQLite use (:data:`_WRITE_FAULT_TEXTS`), else, for a GDAL or SQLite error, from the disk
    itself being full.
    """
    code = _fault_errno(target, error)
    if code in WRITE_FAULTS:
        return OutputError(
            f"{target}: cannot be written ({os.strerror(code)}); {WRITE_FAULTS[code]}; the previous file is unchanged"
        )
    if isinstance(error, UnicodeEncodeError) and not is_utf8(str(target.parent.resolve())):
        return OutputError(
            f"{target}: its folder's name is not UTF-8 and GDAL cannot write there; pass --out a folder whose "
            "name is UTF-8"
        )
    if isinstance(error, OSError):
        reason = error.strerror or str(error) or type(error).__name__
        return OutputError(f"{target}: cannot be written ({shorten(reason)}); check the disk and the folder")
    return None


def _fault_errno(target: Path, error: BaseException) -> int | None:
    """The errno of a write fault (:data:`WRITE_FAULTS`) behind ``error``, or None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in WRITE_FAULTS:
            return current.errno
        current = current.__cause__ or current.__context__
    if not _is_library_error(error):
        return None
    text = str(error).lower()
    for words, code in _WRITE_FAULT_TEXTS:
        if words in text:
            return code
    with contextlib.suppress(OSError):
        if shutil.disk_usage(target.parent).free == 0:
            return errno.ENOSPC
    return None


def _is_library_error(error: BaseException) -> bool:
    """An error of GDAL (pyogrio, rasterio) or SQLite, the writers that do not raise OSError for the disk."""
    if isinstance(error, sqlite3.Error | pyogrio.errors.DataSourceError | pyogrio.errors.DataLayerError):
        return True
    module = type(error).__module__ or ""
    return module.startswith(("pyogrio", "rasterio", "fiona", "sqlite3"))


def sweep_temporary(folder: Path) -> list[Path]:
    """Remove what killed runs left in ``folder``'s :data:`TEMPORARY_FOLDER` (entries of processes that no
    longer run, or older than :data:`STALE_TEMPORARY_S`) and the hidden ``.<name>.<random>`` files the
    earlier scheme left beside outputs; return what was removed."""
    removed = []
    temporary_folder = folder / TEMPORARY_FOLDER
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in temporary_folder.iterdir():
            match = _TEMPORARY_NAME.match(entry.name)
            try:
                stale = now - entry.lstat().st_mtime > STALE_TEMPORARY_S
            except OSError:
                continue
            if match is None or stale or not _running(int(match.group(1))):
                _remove_temporary(entry)
                removed.append(entry)
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            match = _OLD_TEMPORARY_NAME.match(entry.name)
            old = match is not None and Path(match.group("name")).suffix == (match.group("suffix") or "")
            if old and entry.is_file() and now - entry.stat().st_mtime > _OLD_TEMPORARY_AGE_S:
                _remove_temporary(entry)
                removed.append(entry)
    if removed:
        log.info("removed %d files left in %s by interrupted runs", len(removed), folder)
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _remove_temporary(path: Path) -> None:
    """Remove a temporary file, its sidecars (``-journal``, ``.aux.xml``…) or a temporary folder; ignore errors."""
    with contextlib.suppress(OSError):
        for entry in path.parent.glob(glob_escape(path.name) + "*"):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def write_text(target: str | os.PathLike, text: str, *, encoding: str = "utf-8", inputs: tuple[Path, ...] = ()) -> Path:
    """Write ``text`` to ``target`` atomically and return the path (characters ``encoding`` cannot hold, such as
    lone surrogates, as backslash escapes)."""
    return write_bytes(target, text.encode(encoding, errors="backslashreplace"), inputs=inputs)


def write_bytes(target: str | os.PathLike, data: bytes, *, inputs: tuple[Path, ...] = ()) -> Path:
    """Write ``data`` to ``target`` atomically (flushed to the disk before the rename) and return the path."""
    with atomic_path(target, inputs=inputs) as temporary:
        _write_file(temporary, data)
    return Path(target)


def write_stream(
    target: str | os.PathLike,
    write: Callable[[TextIO], None],
    *,
    encoding: str = "utf-8",
    inputs: tuple[Path, ...] = (),
) -> Path:
    """Write atomically into ``target`` the text ``write`` writes to the stream it is given, and return the path.

    For outputs too large to hold as one string. As :func:`write_text`: characters ``encoding`` cannot hold
    as backslash escapes, the file flushed to the disk before the rename, and a failed ``write`` leaves the
    previous file.
    """
    with atomic_path(target, inputs=inputs) as temporary:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(descriptor, "w", encoding=encoding, errors="backslashreplace", newline="") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
    return Path(target)


def _write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file with :func:`os.write` (a short write is continued) and :func:`os.fsync` it."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def refuse_overwriting_inputs(target: Path, inputs: tuple[Path, ...]) -> None:
    """Raise OutputError if ``target`` is the same file as any of ``inputs`` (or a shapefile sidecar of one)."""
    resolved = target.resolve()
    for source in inputs:
        source = Path(source).resolve()
        sidecar = (
            source.suffix.lower() == ".shp"
            and resolved.with_suffix("") == source.with_suffix("")
            and resolved.suffix.lower() in SHAPEFILE_SIDECARS
        )
        if resolved == source or sidecar:
            raise OutputError(f"{target}: is one of the inputs; write the output somewhere else (--out)")
