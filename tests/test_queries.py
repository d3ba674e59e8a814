"""The named queries, run in a real embedded store (pyoxigraph) over the converted corpus."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest

from treatykg.extract import extract_file
from treatykg.ingest import to_simplified
from treatykg.rdf import to_store
from treatykg.resources import queries_dir

CORPUS = Path(__file__).parent / "corpus"
TEXTS = sorted(CORPUS.glob("*.txt"))


def norm(s) -> str:
    return "".join(to_simplified(unicodedata.normalize("NFKC", str(s))).split())


@pytest.fixture(scope="module")
def store():
    st = ox.Store()
    for path in TEXTS:
        to_store(extract_file(path), st)
    return st


def rows(store, name):
    query = (queries_dir() / f"{name}.rq").read_text(encoding="utf-8")
    results = store.query(query)
    names = [v.value for v in results.variables]
    return [{n: (sol[n].value if sol[n] is not None else None) for n in names} for sol in results]


def test_signatories_lists_every_gold_signatory_with_the_document_date(store):
    got = {(norm(r["name"]), r["date"]) for r in rows(store, "signatories")}
    for path in TEXTS:
        gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))
        for s in gold["signatories"]:
            assert (norm(s["name"]), gold["signed_date"]) in got


def test_agreements_gives_every_signing_date_and_both_parties(store):
    result = rows(store, "agreements")
    assert len(result) == len(TEXTS)
    dates = {r["date"] for r in result}
    for path in TEXTS:
        gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))
        assert gold["signed_date"] in dates
    seed = next(r for r in result if r["date"] == "1958-02-19")
    assert set(seed["parties"].split(" / ")) == {"中华人民共和国政府", "朝鲜民主主义人民共和国政府"}
    assert seed["place"] == "平壤"
