"""The embedded store of a collection build (``OUT/store``) and who may open it when.

Oxigraph's store is a RocksDB folder. One writer (``treatykg build``) and readers
(``treatykg query``, ``treatykg serve`` which runs ``oxigraph serve-read-only``) must
not overlap: Oxigraph documents that opening a store read-only while another process
writes it is undefined behaviour, and ``serve-read-only`` takes no lock of its own.
So treatykg keeps an advisory lock file, ``OUT/.treatykg.lock`` (``flock``):

* ``build`` takes it **exclusively** and fails at once, with a one-line
  :class:`~treatykg.errors.OutputError`, when a server, a query or another build holds it;
* ``query`` and ``serve`` take it **shared** (many readers at a time) and fail at once
  while a build holds it. ``serve`` hands the lock to the ``oxigraph`` process, so it
  is held exactly as long as the server lives.

An ``oxigraph`` server started by hand, outside treatykg, is not covered: stop it before
building.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import InputError, OutputError

try:  # POSIX; elsewhere the lock is a no-op (documented)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_NAME", "STORE_DIR", "store_dir", "acquire", "locked", "open_read_only"]

LOCK_NAME = ".treatykg.lock"
STORE_DIR = "store"


def store_dir(out: str | Path) -> Path:
    """``OUT/store`` for a build folder ``OUT``; a store folder itself is accepted too."""
    p = Path(out)
    if (p / STORE_DIR).is_dir():
        return p / STORE_DIR
    if (p / "CURRENT").is_file():  # a RocksDB folder: the store itself
        return p
    raise InputError("no embedded store here (expected the output folder of `treatykg build`)",
                     path=str(out), hint="run treatykg build DIR --out OUT first")


def _build_dir(out: str | Path) -> Path:
    p = Path(out)
    return p.parent if p.name == STORE_DIR and (p / "CURRENT").is_file() else p


def acquire(out: str | Path, *, exclusive: bool) -> int:
    """Take the lock of build folder ``out`` without waiting; return its file descriptor.

    Raises :class:`OutputError` (exclusive) or :class:`InputError` (shared) when it is held
    the other way. Close the descriptor to release it.
    """
    folder = _build_dir(out)
    path = folder / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot create the lock file: {exc.strerror or exc}", path=str(path)) from None
    if fcntl is None:  # pragma: no cover
        return fd
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        if exclusive:
            raise OutputError("the store is in use by a running `treatykg serve`, query or build",
                              path=str(folder), hint="stop it, then build again") from None
        raise InputError("a `treatykg build` is writing this store", path=str(folder),
                         hint="wait for it to finish, then try again") from None
    return fd


@contextmanager
def locked(out: str | Path, *, exclusive: bool) -> Iterator[int]:
    fd = acquire(out, exclusive=exclusive)
    try:
        yield fd
    finally:
        os.close(fd)


def open_read_only(out: str | Path):
    """The store of build folder ``out`` opened read-only (``pyoxigraph.Store.read_only``).

    Hold :func:`locked` (shared) around its use. Raises :class:`InputError` when there is
    no store or it cannot be opened.
    """
    import pyoxigraph as ox

    path = store_dir(out)
    try:
        return ox.Store.read_only(str(path))
    except (OSError, RuntimeError) as exc:
        raise InputError(f"cannot open the store: {' '.join(str(exc).split())[:200]}", path=str(path)) from None


def release_freed_memory() -> None:
    """Close what is no longer referenced (a store dropped by its last reference closes
    here, and releases RocksDB's lock) and return the freed heap to the system.

    glibc keeps freed memory in its arenas, where it stays in the process's resident
    size; ``malloc_trim(0)`` gives back the free pages (after the conversion of a
    20,000-document build, ~200 MiB). Nothing is trimmed on a C library without it."""
    import gc

    gc.collect()
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass
