"""Reading a SPARQL query's text: its form, whether it may call SERVICE, its parameters.

Rules: the text is read by a small tokenizer (comments, strings and IRIs skipped), never run;
when a reading is ambiguous (``<`` is an IRI to a scanner and less-than to the parser), the
SERVICE check takes the reading that finds the keyword (:func:`uses_service` may refuse a
query that would not call SERVICE, never the other way round). Parameters are declared in the
header comment (``# param NAME: TYPE — description``) and bound as a ``VALUES`` block at the
start of the outermost ``WHERE`` group, each value turned into a term by its type and
serialised by pyoxigraph, never pasted (:func:`bind_parameters`). :mod:`treatykg.sparql`'s doc
tells the types and why pyoxigraph's ``substitutions=`` are not used.

Library code: nothing here prints or exits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from .errors import InputError, TreatyKGError
from .namespaces import DEFAULT_BASE

__all__ = ["query_form", "ServiceRefused", "uses_service", "refuse_service", "ParameterError", "PARAMETER_TYPES",
           "Parameter", "query_parameters", "query_description", "bind_parameters"]


# ---------------------------------------------------------------- the form
#: Tokens of a SPARQL text, enough to find keywords and braces outside comments, strings and IRIs.
_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>(?:"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<word>[?$]?[A-Za-z_][\w.:-]*)
  | (?P<open>\{) | (?P<close>\})
  | (?P<other>.)
""", re.X | re.S)


def query_form(text: str) -> str | None:
    """``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``: the first of these keywords outside
    comments, strings and IRIs; None when there is none (an update, or not SPARQL)."""
    for m in _TOKEN.finditer(text):
        if m.lastgroup == "word" and m.group().upper() in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            return m.group().upper()
    return None


# ---------------------------------------------------------------- SERVICE
class ServiceRefused(TreatyKGError):
    """The query may call ``SERVICE`` and remote calls were not allowed (a usage error: pass
    ``--allow-service`` if the query is to fetch remote data)."""

    exit_code = 2


_SCAN = re.compile(r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
               |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<escape>\\.)
""", re.X | re.S)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_DECLARED = re.compile(r"(?is)(?:\bPREFIX\s+[^\s:<>]*:|\bBASE)\s*$")
_BEFORE_KEYWORD = set(" \t\r\n{}.()[]<>\"'0123456789")
_NAME_CHARS = re.compile(r"[A-Za-z0-9_:?$\-]*$")


def _keyword_like(text: str) -> bool:
    """Whether ``service`` occurs in ``text`` where Oxigraph's parser could read the keyword:
    at the start, or after a character that can end the token before a graph pattern
    (space, brace, dot, bracket, quote, ``>``, a digit), or right after ``true``/``false``
    (``?s ?p trueSERVICE <x> {}`` parses: keywords need no space around them)."""
    lowered = text.lower()
    at = lowered.find("service")
    while at >= 0:
        before = text[at - 1] if at else " "
        if before in _BEFORE_KEYWORD:
            return True
        if before.isascii() and before.isalpha():
            run = _NAME_CHARS.search(text, 0, at).group()
            if run.lower() in ("true", "false"):
                return True
        at = lowered.find("service", at + 1)
    return False


def _may_call_service(text: str) -> bool:
    if "service" not in text.lower():
        return False
    blanked = []
    done = 0
    ambiguous = False
    for m in _SCAN.finditer(text):
        if m.lastgroup == "iri":
            body = m.group()
            # "<" is also less-than: "FILTER(?a<?b)SERVICE?x#>" is an IRI to a scanner and an
            # operator, a keyword and a comment to the parser. An IRI that could hide
            # something (a '#' or a quote, which would start a comment or a string, or the
            # word where it could be the keyword) sends us to the conservative reading of the
            # whole text, unless it is the IRI of a PREFIX or BASE declaration.
            if (("#" in body or "'" in body or _keyword_like(body))
                    and not _DECLARED.search(text, 0, m.start())):
                ambiguous = True
                break
        blanked.append(text[done:m.start()])
        blanked.append(" " * (m.end() - m.start()))
        done = m.end()
    if ambiguous:
        return _keyword_like(text)
    blanked.append(text[done:])
    return _keyword_like("".join(blanked))


def uses_service(query: str) -> bool:
    """Whether ``query`` may call ``SERVICE``: ``True`` for every query that does, and for a few
    that do not (the word where the keyword could be, e.g. in a string after an IRI that holds a
    ``#``). Case-insensitive; keywords need no space around them (``SERVICESILENT``); checked on
    the text as written and with SPARQL's ``\\u`` escapes decoded.

    >>> uses_service('SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')
    True
    >>> uses_service('SELECT * WHERE { ?s <http://example.org/service> ?o . FILTER(?o = "service") }')
    False
    """
    def decode(m: re.Match) -> str:
        value = int(m.group(1) or m.group(2), 16)
        return chr(value) if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else m.group()

    return _may_call_service(query) or _may_call_service(_CODEPOINT.sub(decode, query))


def refuse_service(query: str, allow_service: bool, where: str = "--allow-service") -> None:
    """Raise :class:`ServiceRefused` when ``query`` may call SERVICE and that is not allowed."""
    if not allow_service and uses_service(query):
        raise ServiceRefused("the query may call SERVICE (a remote SPARQL endpoint), and remote calls are off: "
                             "they make this machine fetch any address the query names",
                             hint=f"pass {where} to allow them; if 'service' is only a word in a string, "
                                  "write it another way, e.g. CONCAT(\"serv\", \"ice\")")


# ---------------------------------------------------------------- parameters
class ParameterError(TreatyKGError):
    """A parameter the query does not take, or a value of the wrong form (a usage error)."""

    exit_code = 2


#: type -> what a value of that type becomes (for ``--describe`` and the docs).
PARAMETER_TYPES: dict[str, str] = {
    "state": "a state's id (kp, nz, gb, suhh …) -> <{base}state/{id}>",
    "person": "a gazetteer id (zhou-enlai) -> <{base}person/{id}>; a full http(s) IRI; "
              "else a name (周恩来, Zhou Enlai) matched against the person's labels",
    "year": "four digits (1970) -> xsd:integer, compared with the year of a date of any precision",
    "string": "any text -> a plain string literal",
}

_PARAM_LINE = re.compile(r"^#\s*param\s+(\S+?)\s*:\s*(\S+)\s*(?:[—–-]+\s*(.*?))?\s*$")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_YEAR = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class Parameter:
    """A parameter a query declares (``# param NAME: TYPE — description``)."""

    name: str
    type: str
    description: str = ""

    def term(self, value: str, base: str = DEFAULT_BASE):
        """``value`` as the pyoxigraph term of this parameter's type.

        Raises :class:`ParameterError` naming the parameter and the form it expects.
        """
        import pyoxigraph as ox

        def bad(expected: str) -> ParameterError:
            return ParameterError(f"{self.name}={value}: {expected}")

        if self.type == "string":
            return ox.Literal(value)
        text = value.strip()
        if self.type == "year":
            if not _YEAR.fullmatch(text):
                raise bad("a year is four digits (1970)")
            return ox.Literal(int(text))
        if self.type == "state":
            if not _ID.fullmatch(text.lower()):
                raise bad("a state id is letters, digits and hyphens (kp, nz, suhh)")
            return _iri(f"{base}state/{text.lower()}", bad)
        if self.type == "person":
            if _ID.fullmatch(text):
                return _iri(f"{base}person/{text}", bad)
            if re.match(r"https?://", text):
                return _iri(text, bad)
            if not text:
                raise bad("give a gazetteer id (zhou-enlai), a name (周恩来) or the person's IRI")
            return ox.Literal(text)
        raise ParameterError(f"parameter {self.name}: unknown type {self.type!r}")  # checked when declared


def _iri(value: str, bad):
    import pyoxigraph as ox

    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise bad(f"not a valid IRI ({exc})") from None


def query_parameters(text: str) -> list[Parameter]:
    """The parameters ``text`` declares in its header comment, in order.

    Raises :class:`InputError` for a declaration with a bad name or an unknown type, or a
    name declared twice (a broken query file, not a usage error).
    """
    out: list[Parameter] = []
    for line in _header(text):
        m = _PARAM_LINE.match(line)
        if not m:
            continue
        name, kind, description = m.group(1), m.group(2), m.group(3) or ""
        if not _NAME.fullmatch(name):
            raise InputError(f"parameter {name!r}: a name is letters, digits and _ (a SPARQL variable)")
        if kind not in PARAMETER_TYPES:
            raise InputError(f"parameter {name}: unknown type {kind!r}",
                             hint="known types: " + ", ".join(PARAMETER_TYPES))
        if any(p.name == name for p in out):
            raise InputError(f"parameter {name} is declared twice")
        out.append(Parameter(name, kind, description))
    return out


def query_description(text: str) -> str:
    """What the query answers: the first paragraph of its header comment (up to a line that
    is only ``#``), without the ``#`` marks and the ``param`` lines."""
    lines = []
    for line in _header(text):
        if line.strip() == "#":
            break
        if not _PARAM_LINE.match(line):
            lines.append(re.sub(r"^#\s?", "", line))
    return "\n".join(lines).strip("\n")


def _header(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.rstrip())
    return lines


def bind_parameters(text: str, values: Mapping[str, str], *, base: str = DEFAULT_BASE) -> str:
    """``text`` with the given parameter values bound: a ``VALUES`` block at the start of its
    outermost ``WHERE`` group, the terms serialised by pyoxigraph. No values: ``text`` unchanged.

    Raises :class:`ParameterError` for a parameter the query does not declare or a value of
    the wrong form, and :class:`InputError` when the query has no ``WHERE {`` to bind into.
    """
    declared = {p.name: p for p in query_parameters(text)}
    terms = []
    for name, value in values.items():
        if name not in declared:
            known = ", ".join(declared) if declared else "none"
            raise ParameterError(f"unknown parameter {name!r} (this query takes: {known})")
        terms.append((name, declared[name].term(value, base)))
    if not terms:
        return text
    at = _where_brace(text)
    if at is None:
        raise InputError("a query with parameters needs an explicit `WHERE {` to bind them in")
    block = ("VALUES (" + " ".join(f"?{n}" for n, _ in terms) + ") { ("
             + " ".join(str(term) for _, term in terms) + ") }")
    return f"{text[:at + 1]}\n  {block}\n{text[at + 1:]}"


def _where_brace(text: str) -> int | None:
    """Offset of the ``{`` that opens the outermost ``WHERE`` group (comments, strings and
    IRIs skipped), or None."""
    depth, seen_where = 0, False
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "word" and depth == 0 and m.group().upper() == "WHERE":
            seen_where = True
        elif kind == "open":
            if seen_where and depth == 0:
                return m.start()
            depth += 1
        elif kind == "close":
            depth -= 1
    return None
