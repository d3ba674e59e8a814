"""The Wikidata classes treatykg writes as ``P31`` of a document."""
from __future__ import annotations

from ..model import Record
from .common import _norm

#: Class ids named in issue 6 (the only QIDs treatykg writes that are not in the gazetteer).
TREATY = "Q131569"
BILATERAL_TREATY = "Q9557810"
#: The one class id the constraints need: human (P31 Q5).
HUMAN = "Q5"


def wikidata_class(record: Record, override: str | None = None) -> str:
    """P31 of a document: ``override`` (configuration), else bilateral treaty (Q9557810)
    when there are exactly two parties, else treaty (Q131569)."""
    if override:
        return override
    return BILATERAL_TREATY if len([p for p in record.parties if _norm(p.name)]) == 2 else TREATY

