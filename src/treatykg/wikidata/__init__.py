"""Wikidata: links that are right, and candidate edits a human can review and upload.

Three things, all without writing anything to Wikidata:

* :func:`wikidata_quads` — Wikidata-shaped statements (``wdt:`` triples) and
  ``owl:sameAs`` / ``skos:exactMatch`` links for the entities of a record whose
  Wikidata id is *verified* in the gazetteer (``data/states.tsv``, ``data/gazetteer.tsv``:
  an id with its source, valid at the document's date), so that queries written for
  Wikidata run on our data (``treatykg convert --wikidata-triples``). The mapping of our
  terms to Wikidata properties is ``ontology/wikidata-alignment.ttl``.
* :func:`reconcile` — links the gazetteer's states by a unique key (their ISO 3166 code,
  else their label and the years they existed: :mod:`.states`), and looks the other
  entities (signatories, places, unknown states) up live (``wbsearchentities`` in
  zh/en/ko, then the facts of each candidate from the Wikidata SPARQL endpoint or
  ``wbgetentities``), filters the candidates with constraints (a person is a human alive
  at the document's date; a state or place existed then; an office is a position), links
  only when exactly one candidate survives, and sends everything else to a review table.
  Decisions (accept, reject, verified, auto) are kept in a decisions file, so no entity is
  asked about twice. It needs the network.
* :func:`quickstatements` — QuickStatements v1 commands creating one item per
  document, typed by its document type (:mod:`.classes`), every statement referenced,
  only verified ids; what cannot be stated is listed for review.

Rules:

* A party stands for the state ``party.state`` names (else its name with the organ
  stripped: ``中华人民共和国政府`` → ``中华人民共和国``, see :data:`ORGAN_SUFFIXES`). The
  state's IRI (``{base}state/{id}``) is ``owl:sameAs`` its item; a party that is an organ
  is linked to the state with ``wdt:P17`` (country), never ``owl:sameAs`` (a government is
  not its state).
* No id is invented: only the gazetteer's verified ids, ``accept`` decisions, ``verified``
  ones (the only item holding a state's ISO code), the document classes of :mod:`.classes`
  (each with the source that verified it) and — for :func:`reconcile`'s output only —
  unique surviving candidates (``auto``) are used. Persons never get an item.
* :class:`WikidataClient` is polite: a descriptive User-Agent, one request at a time,
  ``maxlag=5`` on the MediaWiki API, ``Retry-After`` honoured (HTTP 429/503 and maxlag
  errors), every successful answer cached on disk keyed by the request. Failures raise
  :class:`~treatykg.errors.EndpointError`, in one line (offline: "Wikidata look-ups need
  the network, and HOST cannot be reached").

Library code: nothing here prints or exits.

Modules: :mod:`.common` (namespaces, patterns), :mod:`.classes` (document classes),
:mod:`.client` (HTTP), :mod:`.triples` (``wikidata_quads``), :mod:`.decisions`,
:mod:`.entities` (what is linked), :mod:`.states` (states by ISO code or label and years),
:mod:`.reconcile`, :mod:`.quickstatements`. Every public name is importable from
``treatykg.wikidata``.
"""
from __future__ import annotations

from .classes import (BILATERAL_TREATY, DOC_TYPE_WIKIDATA_CLASSES, HUMAN, TREATY, WikidataClass,
                      wikidata_class)
from .client import (DEFAULT_API_URL, DEFAULT_CACHE_DIR, DEFAULT_SPARQL_URL, USER_AGENT, Facts,
                     WikidataClient, default_user_agent)
from .common import P, PQ, PR, WD, WDT
from .decisions import Decision, Decisions
from .entities import Candidate, Entity, Link, ReviewRow, entities_of
from .quickstatements import ExportResult, qs_time, quickstatements
from .reconcile import ReconcileResult, check_candidate, links_turtle, reconcile, review_tsv
from .states import StateItem, StateReconciler, date_check, items_by_iso, items_by_label, iso_property
from .triples import (ORGAN_SUFFIXES, is_state_itself, party_entry, party_is_entity, state_entry,
                      state_name, verified, wikidata_quads)

__all__ = [
    "WD", "WDT", "P", "PQ", "PR", "USER_AGENT", "DEFAULT_API_URL", "DEFAULT_SPARQL_URL",
    "DEFAULT_CACHE_DIR", "default_user_agent", "TREATY", "BILATERAL_TREATY", "HUMAN",
    "WikidataClass", "DOC_TYPE_WIKIDATA_CLASSES", "ORGAN_SUFFIXES",
    "state_name", "state_entry", "party_entry", "party_is_entity", "is_state_itself", "verified",
    "wikidata_class", "wikidata_quads",
    "WikidataClient", "Facts", "Candidate", "Entity", "Decision", "Decisions",
    "check_candidate", "entities_of", "reconcile", "ReconcileResult", "Link", "ReviewRow", "links_turtle",
    "review_tsv", "StateReconciler", "StateItem", "iso_property", "items_by_iso", "items_by_label",
    "date_check", "quickstatements", "ExportResult", "qs_time",
]
