"""Writing outputs safely: a temporary file in the same folder, then an atomic rename.

A reader never sees a half-written file, and an existing file is replaced only
once the new content is complete: nothing a user had is lost on failure.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file + fsync + rename)."""
    p = Path(path)
    if p.is_dir():
        raise OutputError("is a folder; give a file name for the output", path=str(path))
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError("the output folder does not exist", path=str(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror or exc}", path=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=str(path)) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
