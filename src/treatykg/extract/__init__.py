"""Extract: segments -> the record. One module per kind of fact.

* :mod:`.document` — title, document type, parties;
* :mod:`.clauses` — signing date and place, languages, articles, entry into force, validity;
* :mod:`.signatures` — signatories with their titles and parties;
* :mod:`.references` — other documents and events referred to;
* :mod:`.occasion` — the visit that occasioned the document;
* :mod:`.commitments` — what the document decides or promises, by when;
* :mod:`.participants` — the participants in the talks, per side, with their titles;
* :mod:`.mentions` — states, organisations, persons, places named (through the gazetteer);
* :mod:`treatykg.dates` — dates at the precision the text gives (shared with segment).
"""
from __future__ import annotations

from pathlib import Path

from ..ingest import DEFAULT_MAX_BYTES, Document, ingest_bytes, ingest_file
from ..model import Record
from ..segment import Segments, segment
from . import clauses, commitments, document, mentions, occasion, participants, references, signatures


def extract_document(doc: Document) -> Record:
    """The record of one ingested document (lenient: what is missing is a warning)."""
    seg: Segments = segment(doc)
    rec = Record(source=doc.source, repairs=list(doc.repairs), warnings=list(doc.warnings))
    if seg.title is not None:
        rec.title = seg.title.text
        rec.title_span = seg.title.span()
    rec.doc_type = document.doc_type(rec.title)
    sig = clauses.signing(seg)
    rec.signed_date, rec.signed_date_span, rec.signed_place, rec.signed_place_span = \
        sig.date, sig.date_span, sig.place, sig.place_span
    rec.parties = document.parties(seg.title, seg.body, rec.signed_date)
    for p in rec.parties:
        if p.review:
            rec.warnings.append(f"party {p.name} {p.review}: check it (kept as read)")
    rec.signatories = signatures.signatories(seg.signature_blocks, rec.parties)
    rec.authentic_languages, rec.authentic_languages_span = clauses.languages(seg)
    rec.articles, rec.article_spans = clauses.articles(seg)
    last_date, last_span = _last_letter_date(seg) if rec.doc_type == "exchange_of_notes" else (None, None)
    eif = clauses.entry_into_force(seg, sig, last_letter_date=last_date, last_letter_span=last_span)
    rec.entry_into_force, rec.entry_into_force_span = eif.clause, eif.span
    rec.entry_into_force_date, rec.entry_into_force_date_span = eif.date, eif.date_span
    if rec.entry_into_force_date is None:
        rec.entry_into_force_date, rec.entry_into_force_date_span = clauses.meta_entry_into_force(seg)
    rec.validity_months, rec.validity_months_span = clauses.validity(seg)
    rec.referenced = references.references(seg.body, rec.title, rec.doc_type)
    if rec.doc_type == "exchange_of_notes":
        rec.referenced = _without_own_letters(rec.referenced, seg)
    rec.visit = occasion.visit(seg.body, rec.parties, rec.signed_date)
    rec.talks_participants = participants.participants(seg.body)
    rec.commitments = commitments.commitments(seg.body, rec.signed_date, rec.signed_date_span)
    rec.mentions = mentions.mentions(doc.view.squeeze(), rec.signed_date)
    for ref in rec.referenced:
        if ref.date == references.TODAY:
            ref.date = rec.signed_date
    refresh_warnings(rec)
    return rec


#: What a record lacks, in the words its warnings use (kept true after corrections and metadata).
LACKS = (("no title line found", lambda r: r.title is None),
         ("no date of signature found", lambda r: r.signed_date is None),
         ("no parties found in the title or preamble", lambda r: not r.parties),
         ("no signature block found", lambda r: not r.signatories))


def holds_no_treaty(rec: Record) -> bool:
    """True when the text holds nothing a treaty has: its title (if any) names no kind of
    document, and there are no parties, no date of signature and no signature block. Such a
    text is not read into RDF (:func:`treatykg.api.extract` raises
    :class:`~treatykg.errors.ExtractionError`, exit 4); a text that lacks only some of these
    is read, with a warning for each (exit 0, or 1 with ``--strict``).

    >>> from treatykg.extract import extract_bytes
    >>> holds_no_treaty(extract_bytes("Shopping list\\neggs\\nmilk\\n".encode(), name="list.txt"))
    True
    """
    return (rec.doc_type == "other" and not rec.parties and rec.signed_date is None
            and not rec.signatories)


def refresh_warnings(rec: Record) -> None:
    """Set the record's warnings about what it lacks to what it lacks now."""
    words = {w for w, _ in LACKS}
    rec.warnings = [w for w in rec.warnings if w not in words] + [w for w, lacks in LACKS if lacks(rec)]


def _without_own_letters(refs, seg: Segments):
    """An exchange of notes that mentions one of its own letters ("阁下…三月二日的照会") refers to
    itself: a note dated like one of the exchange's letters is not another document."""
    from ..dates import parse_date

    own = {d.iso for d in (parse_date(ln.text) for ln in seg.date_lines) if d is not None}
    return [r for r in refs if not (r.kind == "document" and r.date in own
                                    and r.label.endswith(("照会", "来照", "复照", "来函", "复函", "函")))]


def _last_letter_date(seg: Segments):
    """The date of the last letter of an exchange of notes: a closing date line after the last address."""
    from ..dates import parse_date

    last_address = max((a.origin[0] for a in seg.address_lines), default=-1)
    for line in reversed(seg.closing_dates):
        if line.origin[0] > last_address:
            dm = parse_date(line.text)
            if dm is not None and dm.day is not None:
                return dm.iso, line.span(dm.start, dm.end)
        break
    return None, None


def extract_bytes(data: bytes, *, name: str = "<bytes>", encoding: str | None = None) -> Record:
    return extract_document(ingest_bytes(data, name=name, encoding=encoding))


def extract_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None) -> Record:
    """Read, normalise and extract one treaty text file."""
    return extract_document(ingest_file(path, max_bytes=max_bytes, encoding=encoding))


__all__ = ["extract_document", "extract_bytes", "extract_file", "refresh_warnings", "holds_no_treaty"]
