"""Reading RDF files into pyoxigraph quads, whatever the length of a literal.

pyoxigraph's parsers hold one token in a buffer of at most 16 MiB
(:data:`PARSER_BUFFER`): a literal longer than that — the quote of a 19.5 MB text with one
long sentence, which ``treatykg build`` writes without trouble — makes them raise
``MemoryError: Reached the buffer maximal size``. :func:`read_quads` parses with pyoxigraph
as usual and, only when that happens, parses again with every string literal longer than
:data:`LONG_LITERAL` cut out of the text and replaced by a short placeholder, decodes the cut
literals itself (the escapes of N-Triples and Turtle: ``\\t \\b \\n \\r \\f \\" \\' \\\\``,
``\\uXXXX``, ``\\UXXXXXXXX``) and puts them back in the quads, with their datatype or
language tag as the parser read them. The placeholder holds a random nonce, so it cannot be
mistaken for data.

* N-Quads, N-Triples, Turtle and TriG: the text is scanned for comments, IRIs and strings
  (``"…"``, ``'…'``, ``\"\"\"…\"\"\"``, ``'''…'''``); a long-string placeholder keeps the
  line breaks of what it replaces, so the parser's line numbers stay right. Comments longer
  than the buffer are dropped.
* JSON-LD: the JSON is read by Python's :mod:`json`, long string values are replaced, and
  the document is handed to pyoxigraph again.
* What cannot be read this way — an IRI or a blank node label over 16 MiB, a long string
  that is not a literal (a JSON-LD ``@id``), a long literal inside an RDF-star quoted triple
  — is an :class:`~treatykg.errors.RDFError` (exit 6) naming the line, never exit 9.

Library code: nothing here prints or exits.
"""
from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import InputError, RDFError

__all__ = ["PARSER_BUFFER", "LONG_LITERAL", "read_quads", "is_buffer_error"]

#: The largest token pyoxigraph's parsers hold (bytes).
PARSER_BUFFER = 16 * 1024 * 1024
#: Literals longer than this (bytes, as written) are cut out before the second parse.
LONG_LITERAL = 1024 * 1024


def is_buffer_error(exc: BaseException) -> bool:
    """Whether ``exc`` is pyoxigraph's parser running out of its token buffer."""
    return isinstance(exc, MemoryError) and "buffer maximal size" in str(exc)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def read_quads(path: str | Path, fmt: ox.RdfFormat, *, base_iri: str | None = None) -> list[ox.Quad]:
    """Every quad of the RDF file ``path`` in ``fmt``, literals of any length.

    Raises :class:`~treatykg.errors.RDFError` when the file does not parse (the message names
    the line) and :class:`~treatykg.errors.InputError` when it cannot be read.
    """
    p = Path(path)
    try:
        return list(ox.parse(path=str(p), format=fmt, base_iri=base_iri))
    except SyntaxError as exc:
        raise RDFError(f"does not parse as {fmt.name}: {_one_line(exc)}", path=str(p)) from None
    except MemoryError as exc:
        if not is_buffer_error(exc):
            raise
    except ValueError as exc:
        raise RDFError(f"does not parse as {fmt.name}: {_one_line(exc)}", path=str(p)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(p)) from None
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(p)) from None
    if fmt == ox.RdfFormat.JSON_LD:
        return _json_ld(data, base_iri, str(p))
    return _text(data, fmt, base_iri, str(p))


# ---------------------------------------------------------------- N-Quads, N-Triples, Turtle, TriG
_INTERESTING = re.compile(rb"[#<\"'\\]")
_IRI = re.compile(rb"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")
_EOL = re.compile(rb"[\r\n]")


def _close(data: bytes, start: int, quote: bytes) -> int | None:
    """Offset of the ``quote`` that ends a string whose content starts at ``start`` (a quote
    preceded by an even number of backslashes), or None."""
    at = start
    while True:
        k = data.find(quote, at)
        if k < 0:
            return None
        slashes = 0
        while k - slashes - 1 >= start and data[k - slashes - 1] == 0x5C:
            slashes += 1
        if slashes % 2 == 0:
            return k
        at = k + 1


def _line(data: bytes, at: int) -> int:
    return data.count(b"\n", 0, at) + 1


def _text(data: bytes, fmt: ox.RdfFormat, base_iri: str | None, shown: str) -> list[ox.Quad]:
    nonce = secrets.token_hex(8)
    pieces: list[bytes] = []
    literals: dict[str, tuple[bytes, int]] = {}   # placeholder -> (content as written, line)
    i = done = dropped = 0
    n = len(data)
    while i < n:
        m = _INTERESTING.search(data, i)
        if m is None:
            break
        j = m.start()
        c = data[j:j + 1]
        if c == b"#":
            e = _EOL.search(data, j)
            end = e.start() if e else n
            if end - j > LONG_LITERAL:
                pieces += [data[done:j], b"#"]
                done = end
                dropped += 1
            i = end
        elif c == b"<":
            iri = _IRI.match(data, j)
            if iri is None:
                i = j + 1
                continue
            if iri.end() - j > PARSER_BUFFER:
                raise RDFError(f"line {_line(data, j)}: an IRI of {iri.end() - j} bytes, longer than the "
                               f"{PARSER_BUFFER // (1024 * 1024)} MiB the RDF parser holds", path=shown)
            i = iri.end()
        elif c == b"\\":
            i = j + 2
        else:
            long_form = data[j:j + 3] in (b'"""', b"'''")
            quote = data[j:j + 3] if long_form else c
            start = j + len(quote)
            end = _close(data, start, quote)
            if end is None:
                break   # unterminated: the parser says where
            if not long_form and _EOL.search(data, start, end):
                i = start  # not a one-line string: let the parser complain about what follows
                continue
            i = end + len(quote)
            if end - start > LONG_LITERAL:
                key = f"tkg-long-literal-{nonce}-{len(literals)}"
                content = data[start:end]
                breaks = content.count(b"\n")
                value = key + "\n" * breaks    # the line breaks kept: the parser's line numbers stay right
                placeholder = (b'"""' if breaks else b'"') + value.encode("ascii") + (b'"""' if breaks else b'"')
                pieces += [data[done:j], placeholder]
                literals[value] = (content, _line(data, j))
                done = i
    if not literals and not dropped:
        raise RDFError(f"a term longer than the {PARSER_BUFFER // (1024 * 1024)} MiB the RDF parser holds, "
                       "and no long literal to set aside (a blank node label or a broken file?)", path=shown)
    pieces.append(data[done:])
    try:
        quads = list(ox.parse(b"".join(pieces), format=fmt, base_iri=base_iri))
    except SyntaxError as exc:
        raise RDFError(f"does not parse as {fmt.name}: {_one_line(exc)}", path=shown) from None
    except (MemoryError, ValueError) as exc:
        raise RDFError(f"does not parse as {fmt.name}: {_one_line(exc)}", path=shown) from None
    return _restore(quads, literals, nonce, shown, _decode)


_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[tbnrf\"'\\]|.?)", re.S)
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _decode(raw: bytes, line: int, shown: str) -> str:
    """The value of a string literal from its content as written (N-Triples/Turtle escapes)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RDFError(f"line {line}: a literal that is not UTF-8 ({exc.reason})", path=shown) from None
    if "\\" not in text:
        return text

    def one(m: re.Match) -> str:
        code = m.group(1)
        if code in _SIMPLE:
            return _SIMPLE[code]
        if code[:1] in ("u", "U") and len(code) > 1:
            value = int(code[1:], 16)
            if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise RDFError(f"line {line}: \\{code} in a literal is not a character", path=shown)
            return chr(value)
        raise RDFError(f"line {line}: the escape \\{code} in a literal is not N-Triples or Turtle", path=shown)

    return _ESCAPE.sub(one, text)


def _restore(quads: list[ox.Quad], literals: dict[str, tuple[Any, int]], nonce: str, shown: str,
             decode) -> list[ox.Quad]:
    """``quads`` with every placeholder literal replaced by its value; a placeholder anywhere else
    (an IRI, a quoted triple) is an RDFError."""
    used: set[str] = set()
    out = []
    for q in quads:
        obj = q.object
        if isinstance(obj, ox.Literal) and obj.value in literals:
            raw, line = literals[obj.value]
            value = decode(raw, line, shown)
            obj = ox.Literal(value, language=obj.language) if obj.language else \
                ox.Literal(value, datatype=obj.datatype)
            used.add(q.object.value)
            q = ox.Quad(q.subject, q.predicate, obj, q.graph_name)
        elif any(nonce in str(t) for t in (q.subject, q.object, q.graph_name)):
            raise RDFError("a string longer than the RDF parser's buffer that is not a plain literal "
                           "(an IRI, or a literal inside a quoted triple): treatykg cannot read it", path=shown)
        out.append(q)
    missing = set(literals) - used
    if missing:
        line = min(literals[k][1] for k in missing)
        where = f"line {line}: " if line else ""
        raise RDFError(f"{where}a string longer than the RDF parser's buffer where treatykg cannot put "
                       "it back (not the object of a triple)", path=shown)
    return out


# ---------------------------------------------------------------- JSON-LD
def _json_ld(data: bytes, base_iri: str | None, shown: str) -> list[ox.Quad]:
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise RDFError(f"does not parse as JSON: {_one_line(exc)}", path=shown) from None
    nonce = secrets.token_hex(8)
    literals: dict[str, tuple[str, int]] = {}

    def walk(node: Any) -> Any:
        if isinstance(node, str) and len(node) > LONG_LITERAL // 4:
            key = f"tkg-long-literal-{nonce}-{len(literals)}"
            literals[key] = (node, 0)
            return key
        if isinstance(node, list):
            return [walk(x) for x in node]
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        return node

    doc = walk(doc)
    try:
        quads = list(ox.parse(json.dumps(doc, ensure_ascii=False).encode("utf-8"),
                              format=ox.RdfFormat.JSON_LD, base_iri=base_iri))
    except (SyntaxError, MemoryError, ValueError) as exc:
        raise RDFError(f"does not parse as JSON-LD: {_one_line(exc)}", path=shown) from None
    return _restore(quads, literals, nonce, shown, lambda value, _line, _shown: value)
