"""Writing outputs safely, and showing data on a terminal safely.

Files (:func:`write_atomic`): a temporary file in the same folder, then an atomic rename.
A reader never sees a half-written file, and an existing file is replaced only once the
new content is complete: nothing a user had is lost on failure.

* Only a regular file is ever replaced. A path that names a folder, a device node
  (``/dev/null``), a FIFO or a socket is refused (:class:`~treatykg.errors.OutputError`,
  exit 5): renaming over it would put a regular file in its place, and as root
  ``-o /dev/null`` would have replaced the system's node.
* A symbolic link to a regular file is written *through*: the file it points to is
  replaced (atomically, in its own folder) and the link stays, as a shell's ``>`` would
  do. A link to anything else, or to nothing, is refused.
* The new file gets the mode the user's umask gives (``0666 & ~umask``), or the mode of
  the file it replaces; never the 0600 of :func:`tempfile.mkstemp`.

Terminal output (:func:`terminal_safe`, :func:`plain_text`): text read from documents,
file names and server answers may hold control characters (an escape sequence could
recolour, retitle or clear the reader's terminal) and square brackets that Rich would
read as markup (``[/x]`` crashed a table; ``[red]x.txt`` was shown as ``x.txt``). Every
human-readable line treatykg prints goes through :func:`terminal_safe`, and every value
given to Rich is a :class:`rich.text.Text` made by :func:`plain_text`, never markup.
"""
from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError

__all__ = ["write_atomic", "terminal_safe", "for_terminal", "plain_text", "markup_escape"]


# ---------------------------------------------------------------- files
def _umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: the classic read-by-setting (not thread-safe, brief)
    os.umask(mask)
    return mask


_KINDS = [(stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket")]


def _target(p: Path, shown: str) -> tuple[Path, os.stat_result | None]:
    """The file to replace (a symlink resolved) and its stat, or None when it does not exist.
    Raises OutputError for anything but a regular file or a missing one."""
    target = p
    if p.is_symlink():
        target = Path(os.path.realpath(p))
        if not target.exists():
            raise OutputError("is a symbolic link to a file that does not exist; give the real path",
                              path=shown)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target, None
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror or exc}", path=shown) from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError("is a folder; give a file name for the output", path=shown)
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        raise OutputError(f"is {kind}, not a regular file: treatykg replaces only regular files",
                          path=shown, hint="give a file name, or '-' (or no -o) for standard output")
    return target, st


def write_atomic(path: str | Path, data: bytes | Iterable[bytes], *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (temporary file + fsync + rename). ``data`` may be
    an iterable of byte strings, written one after the other (a large file is never whole in
    memory).

    ``durable=False`` leaves out the fsync, for a caller that writes many files and makes
    them durable together afterwards (``os.sync()``): the rename is still atomic, so a
    killed process leaves the old file or the new one, never half of one.

    Raises :class:`~treatykg.errors.OutputError` when ``path`` is a folder, a device, a
    FIFO or a socket (or a link to one, or a dangling link), when its folder does not
    exist, or when writing fails (a full disk, no permission).
    """
    p = Path(path)
    shown = str(path)
    target, st = _target(p, shown)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError("the output folder does not exist", path=shown)
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write here: {exc.strerror or exc}", path=shown) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, (bytes, bytearray, memoryview)):
                fh.write(data)
            else:
                for chunk in data:
                    fh.write(chunk)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=shown) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ---------------------------------------------------------------- terminals
#: C0 controls but tab and newline, DEL, C1 controls, and the Unicode controls that reorder
#: or break what a reader sees (bidirectional embeddings, overrides and isolates, line and
#: paragraph separators).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_AND_NEWLINES = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b", "\t": "\\t"}


def _show(m: re.Match) -> str:
    ch = m.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: object, *, newlines: bool = False) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\r``,
    ``\\u202e``) instead of acting on the terminal.

    Tabs are kept; newlines are kept with ``newlines=True`` (a block of lines), else shown as
    ``\\n`` (one line: an error message stays one line whatever a file name holds).

    >>> terminal_safe("a\\x1b[2Jb\\rc")
    'a\\\\x1b[2Jb\\\\rc'
    >>> terminal_safe("two\\nlines", newlines=True)
    'two\\nlines'
    """
    s = str(text)
    return (_CONTROL if newlines else _CONTROL_AND_NEWLINES).sub(_show, s)


def for_terminal(text: str, stream=None) -> str:
    """``text`` as it is, or, when ``stream`` (standard output by default) is a terminal,
    :func:`terminal_safe` (newlines kept): for machine formats (JSON, CSV, RDF) that stay
    byte-exact in a file or a pipe but must not drive a terminal."""
    import sys

    stream = sys.stdout if stream is None else stream
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return terminal_safe(text, newlines=True) if tty else text


def plain_text(text: object, **style):
    """A :class:`rich.text.Text` of ``text`` with control characters neutralised: never read as
    markup, whatever brackets it holds."""
    from rich.text import Text

    return Text(terminal_safe(text, newlines=True), **style)


def markup_escape(text: object) -> str:
    """``text`` made safe to put inside a Rich markup string (control characters neutralised,
    ``[`` escaped), for the few places that build markup around data."""
    from rich.markup import escape

    return escape(terminal_safe(text))
