"""``treatykg publish-config``: the w3id.org rules written for a real build (with an alias and a
site), read by a small mod_rewrite evaluator (tests/htaccess.py, no Apache, no network) and
checked IRI by IRI: every target is a file of the build where the static layout puts it, or
`treatykg serve` answers it."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
import requests

from aliased import aliased_build, serve_aliased_build
from htaccess import Rules, parse
from treatykg.publish_config import write_config

BASE = "https://w3id.org/treatykg/id/"
SITE = "https://example.org/treaties/"
SPARQL = "https://example.org/sparql"
RDF = "text/turtle"
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _path(iri: str) -> str:
    return urlsplit(iri).path


@pytest.fixture(scope="module")
def static(tmp_path_factory):
    build = aliased_build()
    dest = tmp_path_factory.mktemp("publish-static")
    config = write_config(build.out, SITE.rstrip("/"), sparql_endpoint=SPARQL, dest=dest)
    text = (dest / ".htaccess").read_text(encoding="utf-8")
    return build, config, Rules(text, "treatykg/"), text, dest


def _file_of(build, url: str) -> Path:
    """The file of the build that the static layout puts at ``url`` (under SITE)."""
    assert url.startswith(SITE), url
    return build.out / unquote(url[len(SITE):])


def test_a_document_goes_to_its_page_its_nquads_and_its_text(static):
    build, _, rules, _, _ = static
    name = "1958-02-19_cn-kp_joint-statement"
    doc = build.documents[f"{name}.txt"]
    key = doc.rsplit("/", 1)[1]
    assert rules.answer(_path(doc), HTML) == (303, f"{SITE}site/doc/{key}.html")
    assert rules.answer(_path(doc), RDF) == (303, f"{SITE}graphs/{name}.nq")
    assert rules.answer(_path(doc), "application/ld+json") == (303, f"{SITE}graphs/{name}.nq")
    assert rules.answer(_path(doc + "/graph"), "application/n-quads") == (303, f"{SITE}graphs/{name}.nq")
    assert rules.answer(_path(doc + "/evidence"), HTML) == (303, f"{SITE}site/doc/{key}.html")
    assert rules.answer(_path(doc + "/signing"), RDF) == (303, f"{SITE}graphs/{name}.nq")
    for accept in (None, HTML, RDF):
        assert rules.answer(_path(doc + "/text"), accept) == (302, f"{SITE}texts/{name}.txt")


def test_every_document_and_every_static_target_is_a_file_of_the_build(static):
    build, config, rules, text, _ = static
    assert config.documents == len(build.documents) == 3   # the edited text's old IRI is an alias, no document
    for name, doc in build.documents.items():
        for accept, expected in ((HTML, f"site/doc/{doc.rsplit('/', 1)[1]}.html"), (RDF, f"graphs/{Path(name).stem}.nq")):
            status, url = rules.answer(_path(doc), accept)
            assert status == 303 and url == SITE + expected
    targets = [r.substitution.replace("\\", "") for r in parse(text)]
    local = [t for t in targets if t.startswith(SITE)]
    assert len(local) > 20
    for url in local:
        assert _file_of(build, url).is_file(), url


def test_an_alias_moves_permanently_then_answers_as_the_new_iri(static):
    build, config, rules, _, _ = static
    assert config.aliases == 1
    for suffix in ("", "/graph", "/text", "/evidence/3"):
        assert rules.answer(_path(build.old + suffix), HTML) == (301, build.new + suffix)
    chain = rules.follow(_path(build.old), HTML, "w3id.org")
    assert chain == [(301, build.new), (303, f"{SITE}site/doc/{build.new.rsplit('/', 1)[1]}.html")]
    assert _file_of(build, chain[-1][1]).is_file()


def test_entities_go_to_their_page_or_the_endpoints_describe(static):
    build, config, rules, _, _ = static
    assert rules.answer("/treatykg/id/state/kp", HTML) == (303, f"{SITE}site/state/kp.html")
    assert rules.answer("/treatykg/id/agent/cn-government", HTML) == (303, f"{SITE}site/state/cn.html")
    assert rules.answer("/treatykg/id/person/zhou-enlai", HTML) == (303, f"{SITE}site/person/zhou-enlai.html")
    status, url = rules.answer("/treatykg/id/state/kp", RDF)
    parts = urlsplit(url)
    assert status == 303 and f"{parts.scheme}://{parts.netloc}{parts.path}" == SPARQL
    assert parse_qs(parts.query) == {"query": [f"DESCRIBE <{BASE}state/kp>"]}
    status, url = rules.answer("/treatykg/id/place/pyongyang", RDF)     # no page: the endpoint
    assert status == 303 and parse_qs(urlsplit(url).query) == {"query": [f"DESCRIBE <{BASE}place/pyongyang>"]}
    assert config.pages > 5 and config.described > 5


def test_a_person_named_in_chinese_is_matched_decoded_and_described_encoded(static):
    build, _, rules, text, _ = static
    nq = "".join(f.read_text(encoding="utf-8") for f in (build.out / "graphs").glob("*.nq"))
    person = sorted(set(re.findall(r"<(https://w3id.org/treatykg/id/person/%[^>]+)>", nq)))[0]
    assert re.escape(unquote(_path(person)).split("/")[-1]) in text   # the pattern holds the decoded name
    for path in (_path(person), _path(person).lower(), quote(unquote(_path(person)))):
        status, url = rules.answer(path, HTML)
        assert status == 303 and _file_of(build, url).is_file() and "/site/person/x-" in url
        status, url = rules.answer(path, RDF)
        assert parse_qs(urlsplit(url).query) == {"query": [f"DESCRIBE <{person}>"]}


def test_the_collections_graphs_and_the_dataset(static):
    build, _, rules, _, _ = static
    for name in ("aliases", "dataset", "wikidata"):
        status, url = rules.answer(f"/treatykg/id/graph/{name}", RDF)
        assert status == 303 and url == f"{SITE}graphs/_collection/{name}.nq" and _file_of(build, url).is_file()
    assert rules.answer("/treatykg/id/dataset", RDF) == (303, f"{SITE}void.ttl")
    assert rules.answer("/treatykg/id/dataset", HTML) == (303, f"{SITE}site/index.html")


@pytest.mark.parametrize("path", ["/treatykg/id/doc/t0000000000000000", "/treatykg/id/nothing",
                                  "/treatykg/other/doc", "/elsewhere/id/state/kp", "/treatykg/id/state/kp%2Fx"])
def test_what_the_collection_does_not_mint_matches_no_rule(static, path):
    assert static[2].answer(path, HTML) is None


def test_publish_md_says_what_goes_where(static):
    build, _, _, _, dest = static
    md = (dest / "PUBLISH.md").read_text(encoding="utf-8")
    for piece in (f"| `site/` | `{SITE}site/`", f"| `graphs/` | `{SITE}graphs/`", "| `.nq` | `application/n-quads` |",
                  "https://github.com/perma-id/w3id.org", "folder `treatykg/`",
                  "Licence: <https://creativecommons.org/licenses/by/4.0/>", f"SPARQL endpoint: <{SPARQL}>"):
        assert piece in md, piece


# ---------------------------------------------------------------- --target serve, with a real server
@pytest.fixture(scope="module")
def served(tmp_path_factory):
    yield from serve_aliased_build()


def test_the_serve_target_is_one_rule_that_serve_answers(served, tmp_path):
    """w3id.org -> `treatykg serve` at the public URL (here the loopback server stands in for it)."""
    build, url = served
    public = "https://treaties.example.org/kg/"
    config = write_config(build.out, public, target="serve", dest=tmp_path)
    text = (tmp_path / ".htaccess").read_text(encoding="utf-8")
    assert config.rules == 1 and len(parse(text)) == 1
    rules = Rules(text, "treatykg/")
    nq = "".join(f.read_text(encoding="utf-8") for f in (build.out / "graphs").glob("*.nq"))
    person = sorted(set(re.findall(r"<(https://w3id.org/treatykg/id/person/%[^>]+)>", nq)))[0]
    doc = build.documents["1958-02-19_cn-kp_joint-statement.txt"]
    for iri, accept, status, where in (
            (doc, RDF, 200, None), (doc, HTML, 303, "/site/doc/"), (doc + "/text", None, 200, None),
            (person, RDF, 200, None), (build.old + "/graph", RDF, 301, f"/id/{build.new[len(BASE):]}/graph"),
            (BASE + "state/no-such-state", RDF, 404, None)):
        got = rules.answer(_path(iri), accept)
        assert got is not None and got[0] == 302 and got[1].startswith(public + "id/"), iri
        served_at = url + got[1][len(public):]          # the public URL, answered by the loopback server
        r = requests.get(served_at, headers={"Accept": accept} if accept else {}, allow_redirects=False, timeout=30)
        assert r.status_code == status, (iri, served_at, r.text)
        if where:
            assert r.headers["Location"].startswith(where)


# ---------------------------------------------------------------- the command
def test_the_command_writes_both_files_and_says_what_they_cover(run_main, tmp_path):
    build = aliased_build()
    code, out, err = run_main("publish-config", build.out, "--base-url", SITE, "--out", tmp_path / "p")
    assert code == 0, err
    assert (tmp_path / "p" / ".htaccess").is_file() and (tmp_path / "p" / "PUBLISH.md").is_file()
    assert re.match(r"\d+ rules for <https://w3id.org/treatykg/id/…>: 3 documents, 1 aliases, \d+ entities with a page", out)
    assert "0 more described by the SPARQL endpoint" in out      # no endpoint given, none in the settings


def test_the_command_refuses_what_it_cannot_use(run_main, tmp_path):
    build = aliased_build()
    code, _, err = run_main("publish-config", build.out, "--out", tmp_path / "p")
    assert code == 2 and "--base-url" in err
    code, _, err = run_main("publish-config", tmp_path, "--base-url", SITE)
    assert code == 3 and "manifest.json" in err
    code, _, err = run_main("publish-config", build.out, "--base-url", "ftp://example.org/", "--out", tmp_path / "p")
    assert code == 3 and "not an http(s) --base-url" in err


def test_the_builds_dataset_settings_are_the_defaults(run_main, tmp_path):
    """`build --dataset` says where the build is published (download) and its endpoint: the
    rules use them when the command is not told otherwise."""
    import shutil

    from treatykg.build import build

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(aliased_build().src / "1958-02-19_cn-kp_joint-statement.txt", src)
    settings = tmp_path / "dataset.toml"
    settings.write_text(f'download = "{SITE}"\nsparql_endpoint = "{SPARQL}"\n'
                        'licence = "https://creativecommons.org/publicdomain/zero/1.0/"\n', encoding="utf-8")
    build(src, tmp_path / "out", workers=1, dataset=settings)
    code, out, err = run_main("publish-config", tmp_path / "out")
    assert code == 0, err
    text = (tmp_path / "out" / "publish" / ".htaccess").read_text(encoding="utf-8")
    rules = Rules(text, "treatykg/")
    doc = f"{BASE}doc/t7679002ceb80f4a4"
    assert rules.answer(_path(doc), RDF) == (303, f"{SITE}graphs/1958-02-19_cn-kp_joint-statement.nq")
    assert rules.answer(_path(doc), HTML) == (303, f"{SITE}graphs/1958-02-19_cn-kp_joint-statement.nq")  # no site
    assert urlsplit(rules.answer("/treatykg/id/state/kp", RDF)[1]).path == urlsplit(SPARQL).path
    md = (tmp_path / "out" / "publish" / "PUBLISH.md").read_text(encoding="utf-8")
    assert "Licence: <https://creativecommons.org/publicdomain/zero/1.0/>" in md and f"download: <{SITE}>" in md
