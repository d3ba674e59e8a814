"""Shared pieces of :mod:`treatykg.wikidata`: Wikidata's namespaces, id and date patterns."""
from __future__ import annotations

import re

import pyoxigraph as ox

from ..ingest import to_simplified

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
P = "http://www.wikidata.org/prop/"
PQ = "http://www.wikidata.org/prop/qualifier/"
PR = "http://www.wikidata.org/prop/reference/"

_QID = re.compile(r"^Q[1-9]\d*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _norm(text: str) -> str:
    return "".join(to_simplified(text or "").split())


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)

