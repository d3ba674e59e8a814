"""Serialising quads deterministically: Turtle, TriG, N-Triples, N-Quads, JSON-LD.

Same quads, same bytes: N-Triples and N-Quads lines sorted, Turtle and TriG statements in
:func:`quad_order` with a fixed header (``@base``, then the prefixes used, in
:data:`treatykg.namespaces.VOCABULARIES` order), JSON-LD with the local context (no network)
and its arrays sorted. :func:`treatykg.rdf.serialize` writes one record with it.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from .errors import RDFError
from .namespaces import DEFAULT_BASE, TERMS, prefixes

RDF_TYPE = TERMS.rdf.type

FORMATS = ("turtle", "trig", "nt", "nq", "jsonld")
_FORMAT_ALIASES = {
    "turtle": "turtle", "ttl": "turtle", "trig": "trig",
    "nt": "nt", "ntriples": "nt", "n-triples": "nt",
    "nq": "nq", "nquads": "nq", "n-quads": "nq",
    "jsonld": "jsonld", "json-ld": "jsonld",
}


# ---------------------------------------------------------------- serialisation
_DIGITS = re.compile(r"(\d+)")


@lru_cache(maxsize=1 << 16)
def _natural(text: str) -> tuple:
    """``.../evidence/2`` before ``.../evidence/10`` (str and int parts alternate, so they compare).

    Cached: a document's quads repeat the same few thousand terms."""
    return tuple(int(t) if i % 2 else t for i, t in enumerate(_DIGITS.split(text)))


def quad_order(quad: ox.Quad) -> tuple:
    """The sort key of the Turtle/TriG statement order (numbers in IRIs and literals
    compare as numbers)."""
    g = quad.graph_name
    return (() if isinstance(g, ox.DefaultGraph) else _natural(g.value), _natural(quad.subject.value),
            quad.predicate != RDF_TYPE, str(quad.predicate), _natural(str(quad.object)))


#: In pyoxigraph's Turtle: a string literal (it escapes every quote and line end inside one), or
#: an IRI reference relative to the root (</x>) or to the scheme (<//host/x>).
_TURTLE_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|<(//|/)(?!/)')


def _absolute_outside_base(text: str, base: str) -> str:
    """Write IRIs that lie outside the base in full: pyoxigraph relativises every IRI of the
    base's scheme (``<//creativecommons.org/…>``, ``</treatykg/ontology>`` against
    ``https://w3id.org/treatykg/id/``), which is correct but reads as if they were ours.
    Literals are left alone (a quoted ``"</b>"`` stays as it is)."""
    scheme, _, rest = base.partition("://")
    root = f"{scheme}://{rest.split('/', 1)[0]}"

    def fix(m: re.Match) -> str:
        if m.group(1) is None:
            return m.group(0)  # a literal
        return f"<{scheme}://" if m.group(1) == "//" else f"<{root}/"
    return _TURTLE_TOKENS.sub(fix, text)


def _with_header(body: bytes, base: str, vocab: dict[str, str]) -> bytes:
    """Replace pyoxigraph's directive lines (unordered, and relativised against the base)
    by a fixed header: ``@base`` then the prefixes that are used, in :data:`VOCABULARIES` order."""
    lines = body.decode("utf-8").split("\n")
    i = 0
    while i < len(lines) and (lines[i].startswith("@prefix ") or lines[i].startswith("@base ")):
        i += 1
    rest = _absolute_outside_base("\n".join(lines[i:]), base)
    header = [f"@base <{base}> ."]
    header += [f"@prefix {p}: <{iri}> ." for p, iri in vocab.items()
               if re.search(rf"(?<![\w.:-]){re.escape(p)}:", rest)]
    return ("\n".join(header) + "\n\n" + rest).encode("utf-8")


def _jsonld_context() -> dict[str, Any]:
    from .resources import context_path
    try:
        data = json.loads(context_path().read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RDFError(f"cannot read the JSON-LD context: {exc}") from exc
    return data["@context"] if isinstance(data, dict) and "@context" in data else data


def _canonical_json(value: Any) -> Any:
    """Sort the arrays of a JSON-LD document (they are sets: treatykg writes no @list)."""
    if isinstance(value, dict):
        return {k: (v if k == "@context" else _canonical_json(v)) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
    return value


def serialize_quads(quads: Iterable[ox.Quad], fmt: str, *, base: str = DEFAULT_BASE,
                    in_order: bool = False) -> bytes:
    """Serialise quads deterministically: ``turtle`` (graphs dropped), ``trig``, ``nt`` (graphs
    dropped), ``nq`` or ``jsonld`` (with the local context, no network access).

    N-Triples/N-Quads lines are sorted; Turtle/TriG statements are sorted by
    graph, subject, then ``rdf:type`` first, predicate and object (:func:`quad_order`);
    JSON-LD keys and arrays are sorted. ``in_order=True`` (Turtle and TriG) promises
    that ``quads`` are distinct and already in that order: they are then streamed to
    the serialiser, never held together. Raises ``ValueError`` for an unknown format.
    """
    key = _FORMAT_ALIASES.get(fmt.lower())
    if key is None:
        raise ValueError(f"unknown RDF format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if key in ("nt", "nq"):
        # The lines are deduplicated and sorted, which is canonical and far cheaper than
        # sorting terms. Equal quads give equal lines, so the quads need no set of their own;
        # UTF-8 bytes sort in code point order, so sorting bytes (no decode, no encode) gives
        # the order of the text. Split on "\n" only: a literal may hold U+2028 or U+0085,
        # which N-Quads writes as is and str.splitlines() would cut.
        quads = quads if isinstance(quads, list) else list(quads)
        if key == "nt":
            data = ox.serialize([qd.triple for qd in quads], format=ox.RdfFormat.N_TRIPLES)
        else:
            data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        lines = sorted(set(data.split(b"\n")) - {b""})
        return b"\n".join(lines) + b"\n" if lines else b""
    if not (in_order and key in ("turtle", "trig")):
        quads = sorted(set(quads), key=quad_order)
    vocab = {k: v for k, v in prefixes(base).items() if k != "id"}
    if key == "turtle":
        return _with_header(ox.serialize((qd.triple for qd in quads), format=ox.RdfFormat.TURTLE,
                                         prefixes=vocab, base_iri=base), base, vocab)
    if key == "trig":
        return _with_header(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=vocab,
                                         base_iri=base), base, vocab)
    # JSON-LD: rdflib with the local context (a dict, so nothing is fetched).
    from .rdf import quads_to_dataset

    ds = quads_to_dataset(quads, base)
    text = ds.serialize(format="json-ld", context=_jsonld_context(), auto_compact=True)
    doc = _canonical_json(json.loads(text))
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
