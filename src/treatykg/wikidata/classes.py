"""The Wikidata classes treatykg writes as ``P31`` of a document, by its document type.

Rules:

* Only class ids verified against a source are written; the source is kept beside each
  id (:attr:`WikidataClass.source`), as the gazetteer keeps ``wikidata_source``.
* A treaty, an agreement, a protocol and an exchange of notes are instruments binding
  states: Wikidata's own item for *treaty* (Q131569) gives "international agreement",
  "protocol" and "exchange of letters" among its aliases. They are typed *treaty*, or
  *bilateral treaty* (Q9557810) when the document has exactly two parties.
* A joint statement, joint communiqué, joint declaration or memorandum is not a treaty,
  and no Wikidata class for it could be verified: such a document gets **no** ``P31``
  (QuickStatements lists it for review; a person adds the class, or passes ``--class``).
  Typing them *treaty* would be a wrong statement, not a cautious one.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import DOC_TYPES, Record
from .common import _norm


@dataclass(frozen=True)
class WikidataClass:
    """A Wikidata class id and what verified it."""

    qid: str
    label: str
    source: str


TREATY_CLASS = WikidataClass(
    "Q131569", "treaty",
    "issue 6; https://m.wikidata.org/wiki/Wikidata:Property_proposal/parties (domain: "
    "'treaty (Q131569)'); https://4ort.xyz/entity/treaty.md (a copy of the item: 'express "
    "agreement between nations under international law', aliases international agreement, "
    "protocol, exchange of letters)")
BILATERAL_TREATY_CLASS = WikidataClass(
    "Q9557810", "bilateral treaty",
    "issue 6; the Wikidata class tables of two unrelated public repositories name Q9557810 "
    "'bilateral treaty' (no copy of the item itself was found)")

#: Class ids named in issue 6, kept as constants.
TREATY = TREATY_CLASS.qid
BILATERAL_TREATY = BILATERAL_TREATY_CLASS.qid
#: The one class id the constraints need: human (P31 Q5).
HUMAN = "Q5"

#: doc_type -> its verified Wikidata class (bilateral treaty when two parties), or None: no
#: verified class, no P31.
DOC_TYPE_WIKIDATA_CLASSES: dict[str, WikidataClass | None] = {
    "treaty": TREATY_CLASS,
    "agreement": TREATY_CLASS,
    "protocol": TREATY_CLASS,
    "exchange_of_notes": TREATY_CLASS,
    "joint_statement": None,
    "joint_communique": None,
    "joint_declaration": None,
    "memorandum": None,
    "other": None,
}
assert set(DOC_TYPE_WIKIDATA_CLASSES) == set(DOC_TYPES)


def wikidata_class(record: Record, override: str | None = None) -> str | None:
    """P31 of a document: ``override`` (configuration), else the verified class of its
    document type (:data:`DOC_TYPE_WIKIDATA_CLASSES`) — treaty (Q131569), or bilateral treaty
    (Q9557810) when there are exactly two parties — else None (no verified class)."""
    if override:
        return override
    cls = DOC_TYPE_WIKIDATA_CLASSES.get(record.doc_type)
    if cls is None:
        return None
    if cls is TREATY_CLASS and len([p for p in record.parties if _norm(p.name)]) == 2:
        return BILATERAL_TREATY
    return cls.qid
