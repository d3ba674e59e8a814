"""One identity per real person across documents: the rule that mints person IRIs.

Parties and places already have global IRIs (:func:`treatykg.rdf.agent_iri`,
:func:`treatykg.rdf.place_iri`): a state's or a city's name names one thing. A
person's name does not — seven decades of treaties hold different people with the
same name, and the same person written differently — so persons follow this rule,
in this order:

1. **Gazetteer.** If the shipped gazetteer (``data/gazetteer.tsv``) has exactly one
   ``person`` entry with this name (canonical or variant, traditional or simplified)
   whose validity period (the person's life) contains the document's date, the
   person is ``{base}person/{gazetteer id}`` — e.g. ``…/person/zhou-enlai`` in the 1958
   joint statement and in the 1961 treaty with Ghana alike.
2. **Name + type + period.** Otherwise the person is identified by the normalised name
   (simplified script, spaces removed between Chinese characters, one kind of
   middle dot), the type (person) and the *decade* of the document's date:
   ``{base}person/{percent-encoded name}-{decade}``, e.g. ``…/person/%E7%94%B0…-1990s``.
   Two documents of the same decade naming the same unknown person share an IRI;
   documents of different decades never do. **Two people are never merged only
   because their names match across decades**: linking them is left to
   reconciliation (``owl:sameAs``), which can weigh more than a string.
3. **Undated document.** Without a date neither rule can be checked, so the person is
   scoped to the document: ``{doc}/person/{name}`` (the earlier behaviour).

The office a person held is *not* part of the identity: it stays time-qualified on the
per-document signature node (``tkg:officeTitle`` on ``<{doc}/signature/{n}>``).
"""
from __future__ import annotations

import re
import unicodedata

from .namespaces import DEFAULT_BASE

__all__ = ["person_iri", "normalise_name", "decade"]

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_DOTS = re.compile(r"[.．・•‧∙⋅]")
_DATE = re.compile(r"^(\d{4})(?:-\d{2}(?:-\d{2})?)?$")


def normalise_name(name: str) -> str:
    """The form of a person's name used for identity: NFC, simplified script, whitespace
    collapsed and removed between Chinese characters, ``.``/``・``/``•`` as ``·``."""
    from .ingest import to_simplified

    text = " ".join(unicodedata.normalize("NFC", name).split())
    text = to_simplified(text)
    text = _SPACE_IN_CJK.sub("", text)
    return _DOTS.sub("·", text)


def decade(date: str | None) -> str | None:
    """``1958-02-19`` -> ``1950s``; None for no date (or one that is not YYYY[-MM[-DD]])."""
    m = _DATE.match(date or "")
    return f"{m.group(1)[:3]}0s" if m else None


def person_iri(name: str, *, doc: str, date: str | None = None, base: str = DEFAULT_BASE) -> str:
    """The IRI of the person ``name`` signing (or named in) document ``doc`` dated ``date``.

    See the module docstring for the rule. ``doc`` is the document IRI (used only when
    the document is undated); ``base`` the data base IRI.
    """
    from .rdf import iri_segment

    period = decade(date)
    if period is None:
        return f"{doc}/person/{iri_segment(name)}"
    from . import gazetteer

    entry = gazetteer.default().lookup(normalise_name(name), "person", date)
    if entry is not None:
        return f"{base}person/{iri_segment(entry.id)}"
    return f"{base}person/{iri_segment(normalise_name(name))}-{period}"
