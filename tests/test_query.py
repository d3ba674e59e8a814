"""treatykg query and the named queries, on the built reference corpus (a real embedded store)."""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from treatykg.cli import cli
from treatykg.errors import EndpointError, InputError
from treatykg.ingest import to_simplified
from treatykg.resources import queries_dir
from treatykg.sparql import named_queries, named_query, query_endpoint, query_form, query_parameters, query_store

from collection import TEXTS, corpus_build  # noqa: I001

PRC_PREFIXES = ("中华人民共和国", "中国")


def norm(s) -> str:
    return "".join(to_simplified(unicodedata.normalize("NFKC", str(s))).split())


def gold(path: Path) -> dict:
    return json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def out() -> Path:
    return corpus_build()[1]


def rows(out, name):
    return query_store(out, named_query(name)).records()


# ---------------------------------------------------------------- named queries
def test_every_named_query_is_commented_and_documented_with_its_columns(out):
    readme = (queries_dir() / "README.md").read_text(encoding="utf-8")
    table = {m.group(1): [c.strip() for c in m.group(2).split(",")]
             for m in re.finditer(r"^\| `([\w-]+)` \| ([^|]+) \|", readme, re.M)}
    for name, path in named_queries().items():
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f"# {name} "), f"{name}.rq must open with a comment naming it"
        assert name in table, f"{name} is not in queries/README.md"
        if "SERVICE" in text:
            continue  # federated queries need the network
        assert query_store(out, text).columns == table[name], name


def test_signatories_include_every_gold_signatory_with_the_document_date(out):
    got = {(norm(r["name"]), r["date"]) for r in rows(out, "signatories")}
    for path in TEXTS:
        g = gold(path)
        for s in g["signatories"]:
            if s["name"]:  # a block whose names the source lost names no person
                assert (norm(s["name"]), g["signed_date"]) in got, (path.name, s["name"])


def test_signatories_show_one_person_across_documents(out):
    zhou = {r["person"] for r in rows(out, "signatories") if r["name"] == "周恩来"}
    dates = {r["date"] for r in rows(out, "signatories") if r["name"] == "周恩来"}
    assert zhou == {"https://w3id.org/treatykg/id/person/zhou-enlai"}
    assert dates == {"1958-02-19", "1961-08-18"}


def test_agreements_give_every_document_once_with_its_signing_date(out):
    result = rows(out, "agreements")
    assert len(result) == len(TEXTS)
    assert {r["date"] for r in result} == {gold(p)["signed_date"] for p in TEXTS}
    seed = next(r for r in result if r["date"] == "1958-02-19")
    assert set(seed["parties"].split(" / ")) == {"中华人民共和国政府", "朝鲜民主主义人民共和国政府"}
    assert seed["place"] == "平壤"


def test_references_give_the_dated_references_of_the_gold_records(out):
    result = rows(out, "references")
    signed = {r["document"]: r["date"] for r in rows(out, "documents")}  # IRIs carry no date: ask for it
    got = {(signed[r["document"]], r["kind"], r["date"]) for r in result}
    assert {r["kind"] for r in result} <= {"document", "event"}
    expected = {(gold(p)["signed_date"], ref["kind"], ref["date"])
                for p in TEXTS for ref in gold(p)["referenced"] if ref["date"]}
    assert {("1958-02-19", "event", "1957-11"), ("1961-08-18", "document", "1955")} <= expected
    # partial dates stay partial (1957-11, 1955); a well-known instrument carries its own full date
    # (the Vienna Convention of 1961-04-18 where a text prints 1961)
    for doc_date, kind, date in expected:
        assert any(g[0] == doc_date and g[1] == kind and (g[2] or "").startswith(date) for g in got), (doc_date, date)
    assert ("1958-02-19", "event", "1957-11") in got and ("1961-08-18", "document", "1955") in got
    labels = {norm(r["label"]) for r in result}
    # a well-known instrument carries its canonical name (data/instruments.tsv); others the printed one
    assert {"各国共产党和工人党代表莫斯科会议", "维也纳外交关系公约", "万隆会议十项原则"} <= labels


def test_participants_query_runs_and_lists_the_talks_participants(out):
    result = query_store(out, named_query("participants"))
    assert result.columns == ["document", "name", "title", "side"]
    got = {(norm(r["name"]), norm(r["title"] or "")) for r in result.records()}
    for path in TEXTS:
        for p in gold(path).get("talks_participants") or []:
            if got:  # empty until the talks participants are converted to RDF
                assert (norm(p["name"]), norm(p["title"] or "")) in got, p


# input file -> the partner state's gazetteer id, as a reader of each text would say it: the ISO code
# of today's state, the ISO 3166-3 code of a dissolved one (Czechoslovakia), the hand id of a state
# ISO never coded (the Yemen Arab Republic of 1980)
PARTNERS = {"001": "cshh", "002": "pl", "003": "mm", "004": "gh", "005": "gb", "006": "fj", "007": "fr",
            "008": "us", "009": "yar", "010": "it", "011": "fr", "012": "ye", "013": "nr", "014": "pk",
            "015": "do", "1958-02-19": "kp"}


def partner_ids() -> dict[str, str]:
    """input file -> the partner state's id."""
    return {p.name: PARTNERS[p.name.split("_")[0]] for p in TEXTS}


def documents_of(out) -> dict[str, str]:
    """input file -> its document IRI, from the build's manifest."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {rel: entry["document"] for rel, entry in manifest["documents"].items()}


def test_timeline_lists_each_partner_in_date_order_without_the_prc(out):
    result = rows(out, "timeline")
    assert not any(r["party"].startswith(PRC_PREFIXES) for r in result)
    assert not any(r["partner"].endswith("/state/cn") for r in result)
    keys = [(r["date"], r["state"]) for r in result]
    assert keys == sorted(keys), "ordered by date, then state"
    assert {r["document"] for r in result} == {r["document"] for r in rows(out, "agreements")}
    seed = next(r for r in result if r["date"] == "1958-02-19")
    assert (seed["state"], seed["type"], seed["party"], seed["partner"]) == (
        "朝鲜民主主义人民共和国", "JointStatement", "朝鲜民主主义人民共和国政府", "https://w3id.org/treatykg/id/state/kp")


@pytest.mark.parametrize("name", [p.name for p in TEXTS])
def test_documents_with_a_partner_returns_the_right_documents(out, name):
    """The acceptance test of issue 16, part 6: `--named documents --param partner=<state id>`."""
    state = partner_ids()[name]
    expected = sorted(documents_of(out)[n] for n, s in partner_ids().items() if s == state)
    res = invoke("query", "--store", out, "--named", "documents", "--param", f"partner={state}", "--format", "csv")
    assert res.exit_code == 0, res.output
    assert sorted(r["document"] for r in csv.DictReader(io.StringIO(res.output))) == expected


def test_documents_with_the_prc_as_partner_are_all_documents(out):
    got = query_store(out, named_query("documents"), params={"partner": "cn"}).records()
    assert sorted(r["document"] for r in got) == sorted(documents_of(out).values())


def test_documents_lists_every_document_in_date_order(out):
    result = rows(out, "documents")
    assert [r["date"] for r in result] == sorted(gold(p)["signed_date"] for p in TEXTS)
    assert sorted(r["document"] for r in result) == sorted(documents_of(out).values())
    seed = next(r for r in result if r["date"] == "1958-02-19")
    assert (seed["type"], seed["parties"]) == ("JointStatement", "中华人民共和国政府 / 朝鲜民主主义人民共和国政府")


def _gold_dates(lo: int = 0, hi: int = 9999) -> list[str]:
    return sorted(d for d in (gold(p)["signed_date"] for p in TEXTS) if lo <= int(d[:4]) <= hi)


@pytest.mark.parametrize("params, dates", [
    ({"person": "zhou-enlai"}, ["1958-02-19", "1961-08-18"]), ({"person": "周恩来"}, ["1958-02-19", "1961-08-18"]),
    ({"person": "周恩来", "from": "1960"}, ["1961-08-18"]), ({"from": "1958", "to": "1972"}, _gold_dates(1958, 1972)),
    ({"to": "1954"}, _gold_dates(hi=1954)), ({"from": "2030"}, [])])
def test_documents_with_a_person_or_years_on_the_build(out, params, dates):
    got = query_store(out, named_query("documents"), params=params).records()
    assert [r["date"] for r in got] == dates


def test_no_named_query_returns_duplicate_rows(out):
    """Every named query on the build (wikidata-federated needs the network: it is parsed in
    test_queries.py, not run)."""
    for name, path in named_queries().items():
        text = path.read_text(encoding="utf-8")
        if "SERVICE" in text:
            continue
        result = query_store(out, text)
        keys = [tuple(result_row) for result_row in result.rows]
        assert len(keys) == len(set(keys)), name


# ---------------------------------------------------------------- the command
def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_query_formats_table_csv_json(out, tmp_path):
    res = invoke("query", "--store", out, "--named", "agreements", "--format", "csv")
    assert res.exit_code == 0
    table = list(csv.reader(io.StringIO(res.output)))
    assert table[0] == ["document", "title", "type", "date", "place", "parties"] and len(table) == len(TEXTS) + 1
    res = invoke("query", "--store", out, "--named", "signatories", "--format", "json")
    data = json.loads(res.output)
    assert data["head"]["vars"][:3] == ["document", "date", "name"]
    assert {"type": "uri", "value": "https://w3id.org/treatykg/id/person/zhou-enlai"} in \
        [b["person"] for b in data["results"]["bindings"]]
    res = invoke("query", "--store", out, "--named", "documents")
    assert res.exit_code == 0 and "朝鲜民主主义人民共和国政府" in res.output and f"{len(TEXTS)} rows" in res.output
    q = tmp_path / "count.rq"
    q.write_text("SELECT (COUNT(DISTINCT ?g) AS ?graphs) WHERE { GRAPH ?g { ?g a <https://w3id.org/treatykg/ontology#DocumentGraph> } }")
    res = invoke("query", "--store", out, "-f", q, "--format", "csv")
    assert res.output.splitlines() == ["graphs", str(len(TEXTS))]
    # the default graph is the union of the document graphs
    res = invoke("query", "--store", out / "store", "ASK { ?s a <http://data.europa.eu/eli/ontology#LegalResource> }",
                 "--format", "json")
    assert json.loads(res.output)["boolean"] is True


def test_the_table_shows_values_as_text_not_console_markup(out):
    """Regression: a value holding "[/x]" made rich raise a MarkupError."""
    res = invoke("query", "--store", out, 'SELECT ("a [/x] [bold]b" AS ?v) WHERE {}')
    assert res.exit_code == 0 and "a [/x] [bold]b" in res.output


def test_a_comment_does_not_change_the_query_form_sent_to_an_endpoint(httpserver):
    """Regression: SPARQLWrapper (used until issue 20) read "adds" or "described" in comment lines as an
    ADD or a DESCRIBE (it removes every other comment line)."""
    httpserver.expect_request("/sparql", method="POST").respond_with_json(
        {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]}},
        content_type="application/sparql-results+json")
    text = "# one\n# a grouping that adds no row\n# an entity described in many graphs\n# four\nSELECT (1 AS ?n) WHERE {}"
    assert query_form(text) == "SELECT"
    assert query_endpoint(httpserver.url_for("/sparql"), text).records() == [{"n": "1"}]
    for name in named_queries():
        assert query_form(named_query(name)) == "SELECT", name


def test_query_usage_and_input_errors(out, tmp_path, run_main):
    assert invoke("query", "--store", out).exit_code == 2
    assert invoke("query", "--store", out, "ASK {}", "--named", "agreements").exit_code == 2
    assert invoke("query", "ASK {}").exit_code == 2
    code, _, err = run_main("query", "--store", out, "--named", "nonesuch")
    assert code == 3 and "no named query 'nonesuch'" in err and "agreements" in err
    code, _, err = run_main("query", "--store", out, "SELEKT nothing")
    assert code == 3 and "not a valid SPARQL query" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_main("query", "--store", tmp_path, "ASK {}")
    assert code == 3 and "no embedded store here" in err


@pytest.mark.parametrize("args, problem", [
    (["--param", "partner"], "'partner': expected NAME=VALUE"),
    (["--param", "=kp"], "'=kp': expected NAME=VALUE"),
    (["--param", "nope=1"], "unknown parameter 'nope' (this query takes: partner, person, from, to)"),
    (["--param", "from=70"], "from=70: a year is four digits"),
    (["--param", "to=1970s"], "to=1970s: a year is four digits"),
    (["--param", "partner=k p"], "partner=k p: a state id is letters, digits and hyphens"),
    (["--param", "partner=kp", "--param", "partner=nz"], "partner given twice")])
def test_parameter_mistakes_are_usage_errors_naming_the_problem(out, run_main, args, problem):
    code, stdout, err = run_main("query", "--store", out, "--named", "documents", *args)
    assert code == 2 and stdout == ""
    assert err.strip().splitlines()[-1].startswith(f"Error: Invalid value for '--param': {problem}")


def test_parameters_are_checked_before_the_store_is_opened(tmp_path, run_main):
    code, _, err = run_main("query", "--store", tmp_path, "--named", "documents", "--param", "from=x")
    assert code == 2 and "a year is four digits" in err
    code, _, err = run_main("query", "--store", tmp_path, "--named", "agreements", "--param", "from=1970")
    assert code == 2 and "this query takes: none" in err


def test_a_base_that_is_not_an_iri_is_a_usage_error(out, run_main):
    code, _, err = run_main("query", "--store", out, "--named", "documents", "--param", "partner=kp",
                            "--base", "not an iri/")
    assert code == 2 and "Invalid value for '--base'" in err


def test_help_lists_the_parameters_of_every_named_query():
    res = invoke("query", "--help")
    text = " ".join(res.output.split())
    for name, path in named_queries().items():
        params = query_parameters(path.read_text(encoding="utf-8"))
        if params:
            assert f"{name}: " + ", ".join(p.name for p in params) in text, name
    assert "--describe" in text


def test_describe_prints_what_a_query_answers_and_its_parameters():
    res = invoke("query", "--named", "documents", "--describe")
    assert res.exit_code == 0
    assert res.output.startswith("documents — every document once")
    for line in ("  partner (state): only documents passed by a party of this state",
                 "  from (year): only documents signed in this year or later"):
        assert line in res.output
    assert "person: a gazetteer id (zhou-enlai)" in res.output
    res = invoke("query", "--named", "signatories", "--describe")
    assert res.exit_code == 0 and "Parameters: none." in res.output


def readme_examples() -> list[list[str]]:
    """Every `treatykg query --store demo-out/collection …` line of the README and queries/README.md."""
    import shlex

    found = []
    for path in (Path(__file__).resolve().parents[1] / "README.md", queries_dir() / "README.md"):
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.search(r"treatykg (query --store demo-out/collection .*?)(?:`|$)", line)
            if m:
                found.append(shlex.split(m.group(1).split("  #")[0]))
    return found


def test_the_readme_query_examples_work_as_written(out):
    examples = readme_examples()
    assert len(examples) >= 4
    for argv in examples:
        argv = [str(out) if a == "demo-out/collection" else a for a in argv]
        res = invoke(*argv, "--format", "csv")
        assert res.exit_code == 0, (argv, res.output)


def test_endpoint_errors_are_exit_7_with_one_line(httpserver, run_main):
    httpserver.expect_request("/sparql").respond_with_data("Internal trouble\nmore", status=500)
    url = httpserver.url_for("/sparql")
    with pytest.raises(EndpointError, match=r"HTTP 500|500"):
        query_endpoint(url, "ASK {}")
    code, _, err = run_main("query", "--endpoint", url, "--named", "agreements")
    assert code == 7 and url in err and len(err.strip().splitlines()) == 1


def test_endpoint_connection_refused_is_exit_7(run_main):
    from treatykg.serve import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    code, _, err = run_main("query", "--endpoint", url, "ASK {}")
    assert code == 7 and "connection failed" in err


def test_unknown_named_query_is_an_input_error():
    with pytest.raises(InputError):
        named_query("../etc/passwd")
