"""Aliases: a published document IRI that had to change stays, pointing to the new one.

A document's IRI is the key of its text (:func:`treatykg.iris.text_key`), so the reader
improving or a curator correcting a fact never moves it. It changes only when the text
itself changes (an input edited: a typo fixed in the file), or when the naming rule
changed between releases. Then a build keeps the old IRI as an alias of the new one:

* ``OUT/aliases.tsv`` (``old``, ``new``: whole IRIs, sorted by ``old``) is the redirect
  table: ``treatykg serve`` answers an old IRI, and every IRI under it (``{old}/graph``,
  ``{old}/text``), with a redirect to the new one; ``publish-config`` style rules are
  made from it;
* the graph ``{base}graph/aliases`` (``graphs/_collection/aliases.nq``) says
  ``<old> owl:sameAs <new>``, so that a SPARQL user holding an old link finds the document.

Rules: an alias is recorded when an input's document IRI differs from the one its last
build gave it; chains collapse (``a -> b`` then ``b -> c`` gives ``a -> c``); an alias is
dropped when its old IRI is a live document again (the edit was undone) or its new IRI is
no longer a document of the collection (the input was deleted: its IRIs are gone, not moved).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

__all__ = ["ALIASES_NAME", "ALIASES_FILE", "aliases_graph", "load", "update", "to_tsv", "quads"]

ALIASES_NAME = "_collection/aliases"  # graphs/<this>.nq
ALIASES_FILE = "aliases.tsv"
_HEADER = ["old", "new"]
_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")


def aliases_graph(base: str) -> str:
    return f"{base}graph/aliases"


def load(path: Path) -> dict[str, str]:
    """The table in ``path`` (old IRI -> new IRI); empty when there is none or it cannot be read
    (the build rebuilds what it can from the manifest; nothing else depends on it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    return {r[0]: r[1] for r in rows[1:] if len(r) >= 2 and r[0] and r[1] and r[0] != r[1]}


def update(table: dict[str, str], renamed: dict[str, str], live: Iterable[str]) -> dict[str, str]:
    """``table`` with the IRIs ``renamed`` in this build (old -> new), chains collapsed, and only
    aliases of IRIs that are not live documents to IRIs that are (see the module docstring)."""
    live = set(live)
    merged = {**table, **renamed}

    def target(iri: str) -> str:
        seen = {iri}
        while iri in merged and merged[iri] not in seen:
            iri = merged[iri]
            seen.add(iri)
        return iri

    out = {}
    for old in merged:
        new = target(old)
        if old not in live and new in live and new != old:
            out[old] = new
    return dict(sorted(out.items()))


def to_tsv(table: dict[str, str]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n")
    w.writerow(_HEADER)
    for old, new in sorted(table.items()):
        w.writerow([old, new])
    return buf.getvalue().encode("utf-8")


def quads(table: dict[str, str], base: str) -> list[ox.Quad]:
    """``<old> owl:sameAs <new>`` in the aliases graph, one per alias."""
    g = ox.NamedNode(aliases_graph(base))
    return [ox.Quad(ox.NamedNode(old), _SAME_AS, ox.NamedNode(new), g) for old, new in sorted(table.items())]
