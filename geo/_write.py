"""Writing every output atomically: a temporary file in a hidden folder of the output folder, renamed over the
target, so an interrupted or failed write never leaves half a file and never touches the inputs.

The temporary files live in :data:`TEMPORARY_FOLDER`, each write in a folder of its own there, so builds
running at once into the same folder never remove one another's; what a killed run leaves there is swept by
the next write into that folder. A write that fails because of the disk or the folder (full, over quota,
read-only, no permission) is an :class:`OutputError` naming the file, and the previous file stays as it was. A
folder whose path is not UTF-8 is written through an ASCII symbolic link, so GDAL can write there too.
:mod:`geo.io` is the public face of this module.
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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
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
#: The name of a write's own folder in :data:`TEMPORARY_FOLDER`, and of its temporary file there:
#: ``<pid>-<token>``, so a sweep knows whose it is (earlier versions put ``<pid>-<token><suffix>`` files there).
_TEMPORARY_NAME: Final = re.compile(r"^(\d+)-[0-9a-f]+")
#: How often a write tries to make its own folder when another write removes :data:`TEMPORARY_FOLDER` (which
#: it does only when the folder is empty) between making it and making its own folder in it.
_OWN_FOLDER_ATTEMPTS: Final = 100
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
#: A GDAL or SQLite error while the output's disk has less free space than this (bytes) is taken for a full
#: disk: when the disk fills while GDAL creates a GeoPackage, the error it raises is a later one ("no such
#: table: gpkg_contents"), and what the failed write took is given back before the error reaches us.
NEARLY_FULL_BYTES: Final = 1 << 20
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
def atomic_path(target: str | os.PathLike, *, protect: tuple[Path, ...] = ()) -> Iterator[Path]:
    """Yield a temporary path for ``target``; rename it over ``target`` only if the block succeeds.

    The temporary file is ``<pid>-<token><suffix>`` in a folder of this write alone, ``<pid>-<token>``, in
    :data:`TEMPORARY_FOLDER` inside ``target``'s folder (the same disk, so the rename is atomic; hidden, and
    never named like an output). Its sidecars (``-journal``, ``.aux.xml``) go there too, and the folder is
    removed after the write. Before each write :data:`TEMPORARY_FOLDER` is swept of what earlier runs left
    there when they were killed (entries of processes that no longer run, or older than
    :data:`STALE_TEMPORARY_S`), and it is removed once empty: as a write's own folder keeps it from being
    empty, processes writing into the same folder at once never remove each other's files. If the folder's
    path is not UTF-8, the path yielded goes through an ASCII symbolic link, so GDAL can write it.

    Raises
    ------
    OutputError
        If ``target`` is one of ``protect`` (an output never overwrites an input), or if it cannot be written
        because of the disk or the folder (full, over quota, read-only, no permission; see
        :data:`WRITE_FAULTS`). The previous ``target`` is then unchanged.
    """
    target = Path(target)
    refuse_overwriting_inputs(target, protect)
    folder = target.parent / TEMPORARY_FOLDER
    own = folder / f"{os.getpid()}-{secrets.token_hex(8)}"
    temporary = own / f"{own.name}{ascii_suffix(target)}"
    try:  # from the first folder made, so that Ctrl-C at any moment leaves nothing behind
        _make_own_folder(target, own)
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
        _remove_own_folder(own)
    log.info("wrote %s", target)


def _remove_own_folder(own: Path) -> None:
    """Remove a write's own folder, and :data:`TEMPORARY_FOLDER` if that leaves it empty (another write may be
    using it). Ctrl-C during the removal lets it finish first, so an interrupted build leaves no hidden folder.
    """

    def remove() -> None:
        shutil.rmtree(own, ignore_errors=True)
        with contextlib.suppress(OSError):
            own.parent.rmdir()

    try:
        remove()
    except KeyboardInterrupt:
        remove()
        raise


def _make_own_folder(target: Path, own: Path) -> None:
    """Make ``target``'s folder, sweep it (:func:`sweep_temporary`), and make ``own``, the write's own folder,
    in its :data:`TEMPORARY_FOLDER`.

    Another process may remove :data:`TEMPORARY_FOLDER` (once empty) between making it and making ``own`` in
    it; then both are made again. Once ``own`` is in it, it is not empty and stays.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        sweep_temporary(target.parent)
        for attempt in range(1, _OWN_FOLDER_ATTEMPTS + 1):
            with contextlib.suppress(FileExistsError):  # made by another write (a file there: the next step says so)
                own.parent.mkdir()
            try:
                own.mkdir()
                return
            except FileNotFoundError:
                if attempt == _OWN_FOLDER_ATTEMPTS:
                    raise
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"{target.parent}: is a file, not a folder; write the output into a folder") from None
    except OSError as error:
        raise write_error(target, error) from None


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
    words GDAL, SQLite and Arrow use (:data:`_WRITE_FAULT_TEXTS`), else, for a GDAL or SQLite error, from the
    disk itself being (nearly) full (:data:`NEARLY_FULL_BYTES`).
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
        if shutil.disk_usage(target.parent).free < NEARLY_FULL_BYTES:
            return errno.ENOSPC
    return None


def _is_library_error(error: BaseException) -> bool:
    """An error of GDAL (pyogrio, rasterio), SQLite or Arrow, writers that may word a disk fault without an errno."""
    if isinstance(error, sqlite3.Error | pyogrio.errors.DataSourceError | pyogrio.errors.DataLayerError):
        return True
    module = type(error).__module__ or ""
    return module.startswith(("pyogrio", "rasterio", "fiona", "sqlite3", "pyarrow"))


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


def write_text(
    target: str | os.PathLike, text: str, *, encoding: str = "utf-8", protect: tuple[Path, ...] = ()
) -> Path:
    """Write ``text`` to ``target`` atomically and return the path (characters ``encoding`` cannot hold, such as
    lone surrogates, as backslash escapes)."""
    return write_bytes(target, text.encode(encoding, errors="backslashreplace"), protect=protect)


def write_bytes(target: str | os.PathLike, data: bytes, *, protect: tuple[Path, ...] = ()) -> Path:
    """Write ``data`` to ``target`` atomically (flushed to the disk before the rename) and return the path."""
    with atomic_path(target, protect=protect) as temporary:
        _write_file(temporary, data)
    return Path(target)


def write_stream(
    target: str | os.PathLike,
    write: Callable[[TextIO], None],
    *,
    encoding: str = "utf-8",
    protect: tuple[Path, ...] = (),
) -> Path:
    """Write atomically into ``target`` the text ``write`` writes to the stream it is given, and return the path.

    For outputs too large to hold as one string. As :func:`write_text`: characters ``encoding`` cannot hold
    as backslash escapes, the file flushed to the disk before the rename, and a failed ``write`` leaves the
    previous file.
    """
    with atomic_path(target, protect=protect) as temporary:
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


@dataclass(frozen=True)
class WrittenFile:
    """A file an :class:`OutputFolder` wrote: its path and its size in bytes when written."""

    path: Path
    size: int

    @property
    def name(self) -> str:
        return self.path.name


class OutputFolder:
    """The folder a command writes into, and the files it must never write over.

    Every write goes through it: text, bytes, a stream, or a path for GDAL and rasterio (:meth:`path`),
    each atomic (:func:`atomic_path`) and refused over one of ``protect``. It remembers the files written,
    in order, with their sizes (:attr:`written`), so an index or a summary lists exactly what is there.
    ``folder / name`` is an :class:`OutputFile`, for writers that write one file whose name the caller picks.

    Parameters
    ----------
    path
        The folder; created on the first write.
    protect
        Files that are read to make the outputs (the inputs): never overwritten, and the newest of them dates
        a build (:func:`geo.export.build_timestamp`).
    """

    def __init__(self, path: str | os.PathLike, *, protect: Iterable[str | os.PathLike] = ()) -> None:
        self.path = Path(path)
        self.protect: tuple[Path, ...] = tuple(Path(p) for p in protect)
        self.written: list[WrittenFile] = []

    def __repr__(self) -> str:
        return f"OutputFolder({str(self.path)!r}, {len(self.written)} files written)"

    def __truediv__(self, name: str) -> OutputFile:
        return OutputFile(self, name)

    def text(self, name: str, text: str, *, encoding: str = "utf-8") -> Path:
        """Write ``text`` to ``name`` (see :func:`write_text`) and return its path."""
        return self._record(write_text(self.path / name, text, encoding=encoding, protect=self.protect))

    def bytes(self, name: str, data: bytes) -> Path:
        """Write ``data`` to ``name`` (see :func:`write_bytes`) and return its path."""
        return self._record(write_bytes(self.path / name, data, protect=self.protect))

    def stream(self, name: str, write: Callable[[TextIO], None], *, encoding: str = "utf-8") -> Path:
        """Write to ``name`` what ``write`` writes to the stream it is given (see :func:`write_stream`)."""
        return self._record(write_stream(self.path / name, write, encoding=encoding, protect=self.protect))

    @contextlib.contextmanager
    def path_for(self, name: str) -> Iterator[Path]:
        """A temporary path to write ``name`` into (with GDAL, rasterio, SQLite…), renamed over it on success."""
        target = self.path / name
        with atomic_path(target, protect=self.protect) as temporary:
            yield temporary
        self._record(target)

    def refuse_overwriting(self, names: Iterable[str]) -> None:
        """Before the first write: an :class:`OutputError` if the folder is a file, or if writing one of
        ``names`` into it would replace one of the protected files."""
        if self.path.exists() and not self.path.is_dir():
            raise OutputError(f"{self.path}: is a file, not a folder; pass --out a folder")
        planned = set(names)
        for source in self.protect:
            same_folder = source.exists() and source.resolve().parent == self.path.resolve()
            if same_folder and source.name in planned:
                raise OutputError(f"{source}: the build would write over it; pass --out another folder")

    def sizes(self) -> list[tuple[str, int]]:
        """``(name, size in bytes)`` of the files written directly into the folder, in the order written."""
        return [(file.name, file.size) for file in self.written if file.path.parent == self.path]

    def _record(self, path: Path) -> Path:
        path = Path(path)
        self.written.append(WrittenFile(path, path.stat().st_size))
        return path


@dataclass(frozen=True)
class OutputFile:
    """One named file of an :class:`OutputFolder`: for writers of a single file whose name the caller picks."""

    folder: OutputFolder
    name: str

    @property
    def path(self) -> Path:
        return self.folder.path / self.name

    def text(self, text: str, *, encoding: str = "utf-8") -> Path:
        return self.folder.text(self.name, text, encoding=encoding)

    def bytes(self, data: bytes) -> Path:
        return self.folder.bytes(self.name, data)

    def temporary(self) -> contextlib.AbstractContextManager[Path]:
        """As :meth:`OutputFolder.path_for`: a temporary path, renamed over this file on success."""
        return self.folder.path_for(self.name)


def output_file(target: OutputFile | str | os.PathLike) -> OutputFile:
    """``target`` as an :class:`OutputFile`: a plain path becomes a file of its folder, protecting nothing."""
    if isinstance(target, OutputFile):
        return target
    path = Path(target)
    return OutputFolder(path.parent) / path.name


def output_folder(out: OutputFolder | str | os.PathLike) -> OutputFolder:
    """``out`` as an :class:`OutputFolder`: a plain path becomes a folder that protects nothing."""
    return out if isinstance(out, OutputFolder) else OutputFolder(out)
