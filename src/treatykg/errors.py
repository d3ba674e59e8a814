"""The error classes of treatykg.

Library code raises these and never prints or exits; the command line turns each
into one line on standard error and the exit code named by ``exit_code``.

Exit codes (the same for every command): each class below carries its ``exit_code`` and
``meaning``; :func:`exit_codes` lists them with the codes no class raises (0, 2, 9, 130), and
that list *is* the table of ``treatykg --help`` and of the README (``python -m treatykg.errors``
prints the README's; a test checks it).

>>> [code for code, _ in exit_codes()]
[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 130]
"""
from __future__ import annotations


class TreatyKGError(Exception):
    """Base class of every error treatykg raises on purpose."""

    exit_code = 3
    #: What the exit code means, one line, for the table of exit codes.
    meaning = ""

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}" if self.path else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(TreatyKGError):
    """The input cannot be read as a treaty text (missing, empty, binary, undecodable, too large)."""

    exit_code = 3
    meaning = "input error: missing, empty, binary, undecodable or oversized file, a folder, an invalid URL"


class ExtractionError(TreatyKGError):
    """The text was read but holds no treaty (:func:`treatykg.extract.holds_no_treaty`)."""

    exit_code = 4
    meaning = ("extraction error: the text holds no treaty (no kind of document in a title, no parties, "
               "no date of signature, no signature block)")


class OutputError(TreatyKGError):
    """An output file or folder could not be written."""

    exit_code = 5
    meaning = "output error: the output could not be written"


class RDFError(TreatyKGError):
    """RDF input could not be parsed, or the shapes graph is broken."""

    exit_code = 6
    meaning = "RDF or shapes error: an RDF file that does not parse, a broken shapes file"


class StrictModeError(TreatyKGError):
    """``--strict`` was given and the extraction produced warnings."""

    exit_code = 1
    meaning = "the data does not conform to the shapes (validate), or --strict found warnings"


class EndpointError(TreatyKGError):
    """A SPARQL endpoint or web service failed: connection, timeout, HTTP status, authentication.

    Messages name the method, the URL (never with credentials), the status and the first
    lines of the server's answer.
    """

    exit_code = 7
    meaning = ("endpoint error: a SPARQL endpoint or web service failed (connection, timeout, HTTP "
               "status, authentication)")


class PartialFailure(TreatyKGError):
    """A collection command finished, but some documents failed."""

    exit_code = 8
    meaning = ("partial failure: a collection command finished but some documents failed, or were kept "
               "without conforming")


#: The exit codes no error class raises.
_OTHER_CODES = {
    0: "success (validate: the data conforms)",
    2: "usage error: unknown option, missing or malformed argument",
    9: "internal error: a bug; please report it with the input",
    130: "interrupted (Ctrl-C): stopped at once, no traceback; only whole files are left",
}


def exit_codes() -> list[tuple[int, str]]:
    """Every exit code of treatykg and its meaning, in order: one per error class (its
    ``exit_code`` and ``meaning``) and the codes no class raises."""
    table = dict(_OTHER_CODES)
    for cls in _subclasses(TreatyKGError):  # the classes of this module that say what their code means
        if cls.__module__ == __name__ and cls.__dict__.get("meaning"):
            if cls.exit_code in table:
                raise AssertionError(f"exit code {cls.exit_code} given to two error classes")
            table[cls.exit_code] = cls.meaning
    return sorted(table.items())


def _subclasses(cls: type[TreatyKGError]) -> list[type[TreatyKGError]]:
    out: list[type[TreatyKGError]] = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def exit_codes_help() -> str:
    """The table for ``--help`` epilogs (click keeps the layout of a paragraph after ``\\b``)."""
    import textwrap

    lines = ["\b", "Exit codes:"]
    for code, meaning in exit_codes():
        first, *rest = textwrap.wrap(meaning, 72)
        lines.append(f"  {code:<2d} {first}")
        lines += [f"     {more}" for more in rest]
    return "\n".join(lines)


def exit_codes_markdown() -> str:
    """The table for the README."""
    rows = ["| code | meaning |", "|---|---|"]
    rows += [f"| {code} | {meaning} |" for code, meaning in exit_codes()]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(exit_codes_markdown(), end="")
