"""The error classes of treatykg.

Library code raises these and never prints or exits; the command line turns each
into one line on standard error and the exit code named by ``exit_code``.

Exit codes (the same for every command, see ``treatykg --help``):

====  ==========================================================
0     success (and, for ``validate``, the data conforms)
1     the data does not conform to the shapes (``validate``), or
      ``--strict`` found warnings
2     usage error: unknown option, missing argument
3     input error: missing, unreadable, empty, binary, undecodable
      or oversized file, a folder where a file was expected
4     extraction error: the text is readable but holds no treaty
      the extractor can read
5     output error: the output could not be written
6     RDF or shapes error: unparsable RDF, broken shapes file
7     endpoint error: a SPARQL endpoint or web service failed
      (connection, timeout, HTTP status, authentication)
8     partial failure: a collection command finished, but some
      documents failed (each reported with its reason)
9     internal error: a bug
====  ==========================================================
"""
from __future__ import annotations


class TreatyKGError(Exception):
    """Base class of every error treatykg raises on purpose."""

    exit_code = 3

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


class ExtractionError(TreatyKGError):
    """The text was read but does not hold what the extractor needs."""

    exit_code = 4


class OutputError(TreatyKGError):
    """An output file or folder could not be written."""

    exit_code = 5


class RDFError(TreatyKGError):
    """RDF input could not be parsed, or the shapes graph is broken."""

    exit_code = 6


class StrictModeError(TreatyKGError):
    """``--strict`` was given and the extraction produced warnings."""

    exit_code = 1


class EndpointError(TreatyKGError):
    """A SPARQL endpoint or web service failed: connection, timeout, HTTP status, authentication.

    Messages name the method, the URL (never with credentials), the status and the first
    lines of the server's answer.
    """

    exit_code = 7


class PartialFailure(TreatyKGError):
    """A collection command finished, but some documents failed."""

    exit_code = 8
