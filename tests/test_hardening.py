"""Issue 20: what an attack on every command found, one regression test per finding.

Each test is named after what broke. Servers are real and on loopback: an Oxigraph server
for push, and tiny HTTP servers written here (one that trickles its answer one byte per
second, one that echoes the Authorization header, one that answers nonsense).
"""
from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from treatykg.errors import OutputError, RDFError
from treatykg.output import plain_text, terminal_safe, write_atomic
from treatykg.rdfio import LONG_LITERAL, PARSER_BUFFER, read_quads

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib internals

CORPUS = Path(__file__).resolve().parent / "corpus"
SEED = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"
HUGE = PARSER_BUFFER + 1024 * 1024      # one literal longer than pyoxigraph's parser buffer


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("TREATYKG_USER", "TREATYKG_PASSWORD", "TREATYKG_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture(scope="module")
def seed_nq(tmp_path_factory) -> Path:
    from treatykg import api

    path = tmp_path_factory.mktemp("seed") / "seed.nq"
    path.write_bytes(api.convert(api.extract(SEED), "nq", evidence="full"))  # offsets as oa:start/oa:end
    return path


def _graph_of(nq: Path) -> str:
    return next(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS)).graph_name.value


# ---------------------------------------------------------------- 3. huge literals
@pytest.fixture(scope="module")
def huge_nq(tmp_path_factory, seed_nq) -> Path:
    """The seed's graph plus one triple whose literal (CJK text, escapes, a quote) is longer
    than the 16 MiB pyoxigraph's parser holds."""
    folder = tmp_path_factory.mktemp("huge")
    g = _graph_of(seed_nq)
    body = "长" * (HUGE // 3) + '\\"end\\"\\n\\u00e9'
    line = f'<{g}> <http://purl.org/dc/terms/description> "{body}" <{g}> .\n'
    path = folder / "graphs" / "huge.nq"
    path.parent.mkdir()
    path.write_bytes(seed_nq.read_bytes() + line.encode("utf-8"))
    other = folder / "graphs" / "other.nq"
    other.write_text('<urn:s> <urn:p> "small" <urn:test:other-graph> .\n', encoding="utf-8")
    return path


def test_a_literal_longer_than_the_parser_buffer_is_read_whole(huge_nq, seed_nq):
    with pytest.raises(MemoryError):   # what pyoxigraph does on its own (why rdfio exists)
        list(ox.parse(path=str(huge_nq), format=ox.RdfFormat.N_QUADS))
    quads = read_quads(huge_nq, ox.RdfFormat.N_QUADS)
    assert len(quads) == len(read_quads(seed_nq, ox.RdfFormat.N_QUADS)) + 1
    (long,) = [q.object.value for q in quads if len(str(q.object)) > LONG_LITERAL]
    assert len(long.encode("utf-8")) > PARSER_BUFFER
    assert long.startswith("长长") and long.endswith('"end"\né')


@pytest.mark.parametrize("fmt", ["trig", "ttl", "jsonld"])
def test_a_huge_literal_in_trig_turtle_and_json_ld_is_read_whole(tmp_path, fmt):
    value = "x" * HUGE + "\n'''é"
    store = ox.Store()
    g = ox.NamedNode("urn:test:g") if fmt != "ttl" else ox.DefaultGraph()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal(value, language="zh"), g))
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:q"), ox.Literal("# not a comment"), g))
    rdf_format = {"trig": ox.RdfFormat.TRIG, "ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    path = tmp_path / f"huge.{fmt}"
    if fmt == "ttl":
        path.write_bytes(ox.serialize([q.triple for q in store], format=rdf_format))
    else:
        path.write_bytes(ox.serialize(store, format=rdf_format))
    got = {(q.predicate.value, q.object.value, q.object.language) for q in read_quads(path, rdf_format)}
    assert got == {("urn:p", value, "zh"), ("urn:q", "# not a comment", None)}


def test_validate_reads_a_graph_with_a_huge_literal(run_main, huge_nq):
    code, out, err = run_main("validate", huge_nq)
    assert code == 0, err
    assert "internal error" not in err and out.startswith("conforms")


def test_a_term_too_long_to_read_is_exit_6_naming_the_line(run_main, tmp_path):
    path = tmp_path / "long-iri.nq"
    path.write_text('<urn:a> <urn:b> "ok" .\n<http://e/' + "x" * HUGE + '> <urn:p> "y" .\n', encoding="utf-8")
    with pytest.raises(RDFError, match="line 2: an IRI of"):
        read_quads(path, ox.RdfFormat.N_QUADS)
    code, _, err = run_main("validate", path)
    assert code == 6 and "line 2" in err and "internal error" not in err
    code, _, err = run_main("push", path, "--endpoint", "http://127.0.0.1:9", "--profile", "generic")
    assert code == 6 and "line 2" in err


def test_push_sends_a_graph_with_a_huge_literal_and_the_others(run_main, huge_nq, oxigraph_server):
    """The long line cannot go by Graph Store PUT (Oxigraph parses N-Triples with the same
    16 MiB buffer): it goes as a SPARQL update; every other graph of the folder goes too."""
    import requests

    folder = huge_nq.parent
    code, out, err = run_main("push", folder, "--endpoint", oxigraph_server, "--profile", "oxigraph")
    assert code == 0, err
    r = requests.post(f"{oxigraph_server}/query", timeout=30, headers={"Accept": "application/sparql-results+json"},
                      data={"query": "SELECT ?g (COUNT(*) AS ?n) (MAX(STRLEN(STR(?o))) AS ?len) "
                                     "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"})
    counts = {b["g"]["value"]: (int(b["n"]["value"]), int(b["len"]["value"])) for b in r.json()["results"]["bindings"]}
    assert counts["urn:test:other-graph"] == (1, 5)
    g = _graph_of(huge_nq)
    triples, longest = counts[g]
    assert longest > HUGE // 3
    assert triples == len([q for q in read_quads(huge_nq, ox.RdfFormat.N_QUADS) if q.graph_name.value == g])


def test_push_reads_back_a_huge_literal_oxigraph_writes_otherwise_in_tsv(run_main, tmp_path, oxigraph_server):
    """Issue 21: Oxigraph's TSV answer writes a control character unescaped, so the row of this
    literal is not a line sent and is parsed; pyoxigraph's TSV parser cannot hold it (16 MiB), so
    the graph is read back again as JSON results, term by term: exit 0, not a mismatch."""
    path = tmp_path / "control.nq"
    body = "\\u0001" + "x" * HUGE
    path.write_text(f'<urn:test:s> <urn:test:p> "{body}" <urn:test:control> .\n'
                    '<urn:test:s> <urn:test:q> "small" <urn:test:control> .\n', encoding="utf-8")
    code, out, err = run_main("push", path, "--endpoint", oxigraph_server, "--profile", "oxigraph")
    assert code == 0, err
    assert "ok       urn:test:control  local 2  endpoint 2" in out


@pytest.fixture(scope="module")
def oxigraph_server():
    sys.path.insert(0, str(Path(__file__).parent))
    from servers import OxigraphServer, Unavailable

    try:
        server = OxigraphServer().start()
    except Unavailable as exc:
        pytest.skip(str(exc))
    yield server.url
    server.close()


# ---------------------------------------------------------------- 6. -o
def test_output_refuses_a_device_node(tmp_path):
    with pytest.raises(OutputError, match="character device, not a regular file"):
        write_atomic("/dev/null", b"x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_refuses_a_fifo_and_a_folder(tmp_path, run_main):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, out, err = run_main("convert", SEED, "-o", fifo)
    assert code == 5 and "FIFO" in err and "treatykg replaces only regular files" in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    code, _, err = run_main("extract", SEED, "-o", tmp_path)
    assert code == 5 and "is a folder" in err


def test_output_writes_through_a_symlink_and_keeps_it(tmp_path):
    real = tmp_path / "data" / "real.ttl"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.ttl"]   # no .part left


def test_output_refuses_a_symlink_to_a_device_or_to_nothing(tmp_path):
    (tmp_path / "null").symlink_to("/dev/null")
    with pytest.raises(OutputError, match="character device"):
        write_atomic(tmp_path / "null", b"x")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere" / "x")
    with pytest.raises(OutputError, match="symbolic link to a file that does not exist"):
        write_atomic(tmp_path / "dangling", b"x")
    assert (tmp_path / "dangling").is_symlink()


def test_output_files_get_the_umask_mode_not_0600(tmp_path):
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "a.ttl", b"x")
        assert stat.S_IMODE(os.stat(tmp_path / "a.ttl").st_mode) == 0o640
        os.umask(0o022)
        write_atomic(tmp_path / "b.ttl", b"x")
        assert stat.S_IMODE(os.stat(tmp_path / "b.ttl").st_mode) == 0o644
    finally:
        os.umask(old)
    (tmp_path / "c.ttl").write_bytes(b"old")
    os.chmod(tmp_path / "c.ttl", 0o604)
    write_atomic(tmp_path / "c.ttl", b"new")   # a replaced file keeps its mode
    assert stat.S_IMODE(os.stat(tmp_path / "c.ttl").st_mode) == 0o604


def test_a_full_disk_on_standard_output_is_exit_5(tmp_path):
    import subprocess

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    treatykg = Path(sys.executable).with_name("treatykg")
    with open("/dev/full", "wb") as full:
        r = subprocess.run([str(treatykg), "extract", str(SEED)], stdout=full, stderr=subprocess.PIPE,
                           text=True, timeout=120)
    assert r.returncode == 5, r.stderr
    assert r.stderr.strip() == "treatykg: error: cannot write the output: No space left on device"


# ---------------------------------------------------------------- 4, 11. markup and control characters
def test_terminal_safe_shows_control_characters_as_escapes():
    assert terminal_safe("a\x1b]0;pwned\x07b\rc\u202ed") == "a\\x1b]0;pwned\\x07b\\rc\\u202ed"
    assert terminal_safe("x\ny") == "x\\ny" and terminal_safe("x\ny", newlines=True) == "x\ny"
    assert terminal_safe("\x9b31m") == "\\x9b31m"     # the one-byte CSI of C1
    assert plain_text("[/x] [red]y").plain == "[/x] [red]y"


# ---------------------------------------------------------------- 10. exit codes
@pytest.mark.parametrize("where", ["start", "end"])
def test_a_blank_node_offset_is_a_violation_not_an_internal_error(run_main, tmp_path, seed_nq, where):
    """An evidence offset that is a blank node: the fast engine reports the violation (exit 1);
    pySHACL cannot compare it and says so (exit 6, with a hint); never exit 9."""
    lines = seed_nq.read_text(encoding="utf-8").splitlines(keepends=True)
    i = next(i for i, ln in enumerate(lines) if f"/ns/oa#{where}> " in ln)
    head, _, rest = lines[i].partition(f"/ns/oa#{where}> ")
    lines[i] = head + f"/ns/oa#{where}> _:offset <" + rest.rsplit(" <", 1)[1]   # the literal gone
    path = tmp_path / "bnode-offset.nq"
    path.write_text("".join(lines), encoding="utf-8")
    code, out, err = run_main("validate", path)
    assert code == 1, err
    assert "Violation: annotation offset" in out
    code, out, err = run_main("validate", path, "--engine", "pyshacl")
    assert code == 6 and "--engine fast" in err and "internal error" not in err


# ---------------------------------------------------------------- loopback servers of the tests
class Trickle:
    """A loopback HTTP server that answers one byte per ``every`` seconds, forever (a valid
    start of a SPARQL JSON answer, then spaces): what hung push, query and wikidata."""

    def __init__(self, every: float = 1.0):
        import socket
        import threading

        self.every = every
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        import threading

        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn) -> None:
        import itertools
        import time

        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 100000\r\n\r\n"
        try:
            conn.recv(65536)
            for byte in itertools.chain(head, itertools.repeat(32)):
                if self.stopped.is_set():
                    return
                conn.sendall(bytes([byte]))
                time.sleep(self.every)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()


@pytest.fixture
def trickle():
    server = Trickle()
    yield server
    server.close()


class Scripted:
    """A loopback HTTP server answering every request with ``answer(method, path, headers, body)
    -> (status, content type, body bytes)``."""

    def __init__(self, answer):
        import http.server
        import threading

        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, ctype, data = answer(self.command, self.path, dict(self.headers), body)
                outer.seen.append((self.command, self.path, dict(self.headers)))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = _any

        self.seen: list = []
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def scripted():
    made = []

    def make(answer):
        made.append(Scripted(answer))
        return made[-1]

    yield make
    for server in made:
        server.close()


def _timed(run_main, *argv):
    import time

    started = time.monotonic()
    code, out, err = run_main(*argv)
    return code, out, err, time.monotonic() - started


# ---------------------------------------------------------------- 5. deadlines
def test_push_gives_up_on_a_trickling_server_at_its_timeout(run_main, trickle, seed_nq):
    code, out, err, took = _timed(run_main, "push", seed_nq, "--endpoint", trickle.url, "--profile", "oxigraph",
                                  "--timeout", "2", "--retries", "0")
    assert code == 7, err
    assert took < 6, took
    assert "timed out: no complete answer within 2 s" in err


def test_wikidata_gives_up_on_a_trickling_server_at_its_timeout(run_main, trickle, tmp_path):
    code, out, err, took = _timed(run_main, "wikidata", "reconcile", SEED, "-o", tmp_path / "links.ttl",
                                  "--review", tmp_path / "review.tsv", "--decisions", tmp_path / "d.tsv",
                                  "--no-cache", "--api-url", trickle.url, "--sparql-url", trickle.url,
                                  "--timeout", "2")
    assert code == 7, err
    assert took < 6, took
    assert "within 2 s" in err and not (tmp_path / "links.ttl").exists()


def test_the_deadline_also_bounds_a_slow_start(trickle):
    """The status line and headers trickle too: the deadline covers them (not only the body)."""
    import time

    import requests

    from treatykg import net

    s = net.session("test")
    started = time.monotonic()
    with pytest.raises(net.DeadlineExceeded):
        with net.deadline(1.5) as limit:
            s.get(trickle.url, timeout=limit.timeout)
    assert time.monotonic() - started < 3
    assert issubclass(net.DeadlineExceeded, requests.Timeout)


# ---------------------------------------------------------------- 8. secrets
def _echo_authorization(method, path, headers, body):
    """A server that puts the request's headers in its error page (some proxies do)."""
    shown = "\n".join(f"{k}: {v}" for k, v in headers.items())
    page = f"<html><body><h1>400 Bad Request</h1><pre>{shown}</pre>" \
           f'<script>var h = {json.dumps(headers)};</script></body></html>'
    return 400, "text/html", page.encode()


def test_an_echoed_basic_authorization_header_is_never_printed(run_main, scripted, seed_nq, monkeypatch):
    import base64

    server = scripted(_echo_authorization)
    monkeypatch.setenv("TREATYKG_USER", "alice")
    monkeypatch.setenv("TREATYKG_PASSWORD", "s3cret-Pass")
    code, out, err = run_main("push", seed_nq, "--endpoint", server.url, "--profile", "oxigraph")
    assert code == 7 and "HTTP 400" in err
    sent = server.seen[0][2]["Authorization"]
    assert sent == "Basic " + base64.b64encode(b"alice:s3cret-Pass").decode()   # it was sent ...
    for secret in ("s3cret-Pass", sent.split()[1], sent.split()[1].rstrip("=")):
        assert secret not in out + err                                           # ... and never shown


def test_echoed_bearer_tokens_and_url_passwords_are_never_printed(run_main, scripted, seed_nq, monkeypatch):
    server = scripted(_echo_authorization)
    monkeypatch.setenv("TREATYKG_TOKEN", "tok-0123456789abcdef")
    endpoint = server.url.replace("http://", "http://bob:url-pw-42@")
    code, out, err = run_main("push", seed_nq, "--endpoint", endpoint, "--profile", "oxigraph")
    assert code == 7
    assert "tok-0123456789abcdef" not in out + err and "url-pw-42" not in out + err


def test_redact_takes_out_authorization_values_credentials_and_userinfo():
    from treatykg.net import redact

    text = ('Authorization: Digest username="u", response="abc"\nproxy-authorization=Basic Zm9vOmJhcg== x\n'
            'see https://u:p@h.example/x, Bearer abcdefgh and token xyz123456')
    out = redact(text, ["hunter22"])
    assert out.splitlines() == ["Authorization: ***", "proxy-authorization=***",
                                "see https://***@h.example/x, Bearer *** and token ***"]
    assert redact("hunter22 is it", ["hunter22"]) == "*** is it"


# ---------------------------------------------------------------- 10. malformed answers
@pytest.mark.parametrize("body", [b"[1, 2]", b'{"search": 5}', b'{"search": [7]}', b'{"error": "x"}',
                                  b'{"results": {"bindings": [{"code": 5}]}}', b'{"results": []}',
                                  b'{"results": {"bindings": [{}]}}', b"\xff\xfe not json"])
def test_malformed_wikidata_answers_are_exit_7(run_main, scripted, tmp_path, body):
    server = scripted(lambda *a: (200, "application/json", body))
    code, out, err = run_main("wikidata", "reconcile", SEED, "-o", tmp_path / "links.ttl",
                              "--review", tmp_path / "review.tsv", "--decisions", tmp_path / "d.tsv",
                              "--no-cache", "--api-url", server.url, "--sparql-url", server.url)
    assert code == 7, err
    assert "internal error" not in err and len(err.strip().splitlines()) == 1


# ---------------------------------------------------------------- query: tables, markup, SERVICE, limits
@pytest.fixture(scope="module")
def corpus_out():
    sys.path.insert(0, str(Path(__file__).parent))
    from collection import corpus_build

    return corpus_build()[1]


HOSTILE_VALUE = "[/x] [red]x.txt[/red] \x1b[31mred\x1b[0m \x9b2J [bold]"


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Path:
    """A build-like folder whose store holds values written to look like Rich markup and
    terminal escapes."""
    out = tmp_path_factory.mktemp("hostile-store")
    store = ox.Store(str(out / "store"))
    g = ox.NamedNode("urn:test:g")
    store.add(ox.Quad(ox.NamedNode("urn:test:%5B%2Fx%5D%1B"), ox.NamedNode("urn:test:p"), ox.Literal(HOSTILE_VALUE), g))
    store.flush()
    del store
    return out


def test_query_table_shows_markup_and_escapes_as_plain_text(run_main, hostile_store):
    code, out, err = run_main("query", "--store", hostile_store, "SELECT ?s ?o WHERE { ?s ?p ?o }")
    assert code == 0, err
    assert "[/x] [red]x.txt[/red] \\x1b[31mred\\x1b[0m \\x9b2J [bold]" in out
    assert "\x1b" not in out and "\x9b" not in out and "urn:test:[/x]\\x1b" in out


def test_query_table_never_breaks_an_iri(run_main, corpus_out):
    """Not a terminal: one line per row, every IRI whole (they were folded mid-word at 160)."""
    code, csv_out, _ = run_main("query", "--store", corpus_out, "--named", "signatories", "--format", "csv")
    code, out, err = run_main("query", "--store", corpus_out, "--named", "signatories")
    assert code == 0, err
    rows = [ln for ln in out.splitlines() if ln.startswith("│")]
    assert len(rows) == len(csv_out.splitlines()) - 1          # one line per row
    from urllib.parse import unquote

    for line in csv_out.splitlines()[1:]:
        person = line.rsplit(",", 1)[1].strip()
        shown = "id:" + unquote(person.split("/id/", 1)[1])    # as the table shows IRIs: prefixed, decoded
        assert any(shown in r for r in rows), shown


def test_query_store_refuses_service_unless_allowed(run_main, corpus_out, scripted):
    empty = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": []}}).encode()
    remote = scripted(lambda *a: (200, "application/sparql-results+json", empty))
    q = f"SELECT * WHERE {{ SERVICE <{remote.url}/sparql> {{ ?s ?p ?o }} }}"
    code, out, err = run_main("query", "--store", corpus_out, q)
    assert code == 2 and "--allow-service" in err and "SERVICE" in err
    assert remote.seen == []                                     # nothing was fetched
    code, out, err = run_main("query", "--store", corpus_out, "--named", "wikidata-federated")
    assert code == 2 and "--allow-service" in err
    code, out, err = run_main("query", "--store", corpus_out, q, "--allow-service", "--format", "json")
    assert code == 0, err
    assert remote.seen and remote.seen[0][0] in ("GET", "POST")


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICESILENT <http://127.0.0.1:9/a> {} }",
    "SELECT * WHERE { ?s ?p ?o.SERVICE <http://127.0.0.1:9/b> {} }",
    "SELECT * WHERE { ?s ?p trueSERVICE <http://127.0.0.1:9/c> {} }",
    "SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<?b)SERVICE<http://127.0.0.1:9/d>{} }",
    "SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<?b#>\n)SERVICE<http://127.0.0.1:9/e>{} }",
    'SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<?b#>"""\n) SERVICE <http://127.0.0.1:9/f> {} #"""\n}',
    "SELECT * WHERE { ?s <http://e/'''> ?o . FILTER(?a<?b#>\"\"\"\n) SERVICE <http://127.0.0.1:9/g> {}\n#\"\"\"'''\n}",
    "SELECT * WHERE { ?s ex:a\\'b ?o . SERVICE <http://127.0.0.1:9/h> {} # '\n}",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/i> {} }",
])
def test_service_in_disguise_is_still_refused(query):
    """Keywords need no space around them in Oxigraph, and '<' is both an IRI and less-than:
    each of these reaches the network in pyoxigraph (checked while writing the detector)."""
    from treatykg.sparql import ServiceRefused, refuse_service, uses_service

    assert uses_service(query)
    with pytest.raises(ServiceRefused):
        refuse_service(query, allow_service=False)


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(?o, "air service")) }',
    "PREFIX tkg: <https://w3id.org/treatykg/ontology#> SELECT ?service WHERE { ?service a tkg:Service }",
    "SELECT * WHERE { ?s <http://example.org/service> ?o }  # the service agreement",
])
def test_the_word_service_elsewhere_is_not_refused(query):
    from treatykg.sparql import named_queries, uses_service

    assert not uses_service(query)
    assert [n for n, p in named_queries().items() if uses_service(p.read_text(encoding="utf-8"))] \
        == ["wikidata-federated"]


CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?h ?i ?j }"


def test_query_store_stops_at_its_time_limit(run_main, corpus_out):
    code, out, err, took = _timed(run_main, "query", "--store", corpus_out, CROSS_JOIN, "--timeout", "1")
    assert code == 7, err
    assert took < 5 and "did not finish within 1 s" in err


def test_query_endpoint_gives_up_on_a_trickling_server_at_its_timeout(run_main, trickle):
    code, out, err, took = _timed(run_main, "query", "--endpoint", trickle.url + "/query", "ASK {}",
                                  "--timeout", "2")
    assert code == 7, err
    assert took < 6 and "within 2 s" in err


def _results_json(method, path, headers, body):
    return 200, "application/sparql-results+json", json.dumps(
        {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]}}).encode()


def test_query_endpoint_sends_credentials_as_push_does(run_main, scripted, monkeypatch, tmp_path):
    import base64

    server = scripted(_results_json)
    monkeypatch.setenv("TREATYKG_USER", "carol")
    monkeypatch.setenv("TREATYKG_PASSWORD", "pw-for-query")
    code, out, err = run_main("query", "--endpoint", server.url + "/query", "SELECT (1 AS ?n) {}", "--format", "csv")
    assert code == 0, err
    assert server.seen[-1][2]["Authorization"] == "Basic " + base64.b64encode(b"carol:pw-for-query").decode()
    monkeypatch.delenv("TREATYKG_USER")
    monkeypatch.delenv("TREATYKG_PASSWORD")
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login dave password pw-from-netrc\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert run_main("query", "--endpoint", server.url + "/query", "SELECT (1 AS ?n) {}")[0] == 0
    assert server.seen[-1][2]["Authorization"] == "Basic " + base64.b64encode(b"dave:pw-from-netrc").decode()


def test_endpoint_means_the_query_url_or_the_base_url_with_a_profile(run_main, scripted):
    def answer(method, path, headers, body):
        if path.startswith("/query"):
            return _results_json(method, path, headers, body)
        return 200, "text/html", b"<!DOCTYPE html><html><body>query page</body></html>"

    server = scripted(answer)
    assert run_main("query", "--endpoint", server.url + "/query", "SELECT (1 AS ?n) {}")[0] == 0
    assert run_main("query", "--endpoint", server.url, "--profile", "oxigraph", "SELECT (1 AS ?n) {}")[0] == 0
    assert server.seen[-1][1] == "/query"
    code, out, err = run_main("query", "--endpoint", server.url, "SELECT (1 AS ?n) {}")
    assert code == 7 and "a web page, not SPARQL results" in err and "--profile oxigraph" in err
    assert "Warning" not in err and "warn" not in out.lower()


@pytest.mark.parametrize("body", [b"[]", b'{"head": {"vars": "n"}}', b'{"head": {"vars": ["n"]}, "results": {}}',
                                  b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "uri"}}]}}',
                                  b'{"head": {"vars": ["n"]}, "results": {"bindings": [5]}}',
                                  b'{"boolean": "yes"}', b"not json at all", b'{"head": {"vars": [1]}}'])
def test_malformed_endpoint_answers_are_exit_7(run_main, scripted, body):
    server = scripted(lambda *a: (200, "application/sparql-results+json", body))
    code, out, err = run_main("query", "--endpoint", server.url + "/query", "SELECT (1 AS ?n) {}")
    assert code == 7, err
    assert "not SPARQL JSON results" in err and "internal error" not in err


# ---------------------------------------------------------------- serve
@pytest.fixture(scope="module")
def served(corpus_out):
    from treatykg.serve import oxigraph_executable, start

    try:
        oxigraph_executable()
    except Exception:
        pytest.skip("the oxigraph server is not installed: pip install -e '.[test]' (package oxigraph)")
    server = start(corpus_out, port=0, timeout=1)
    yield server
    server.stop()


def _post(url: str, query: str, timeout: float = 30):
    import requests

    return requests.post(url, data={"query": query}, timeout=timeout,
                         headers={"Accept": "application/sparql-results+json"})


def test_serve_refuses_service_without_allow_service(served, scripted):
    remote = scripted(_results_json)
    r = _post(served.query_url, f"SELECT * WHERE {{ SERVICE <{remote.url}/sparql> {{ ?n ?p ?o }} }}")
    assert r.status_code == 400 and "--allow-service" in r.text
    r = _post(served.query_url, "SELECT * WHERE { BIND(1 AS ?a) FILTER(?a<?b)SERVICE<" + remote.url + ">{} }")
    assert r.status_code == 400
    assert remote.seen == []
    assert _post(served.query_url, "ASK { ?s ?p ?o }").json()["boolean"] is True


def test_serve_with_allow_service_lets_a_query_call_service(corpus_out, scripted):
    from treatykg.serve import start

    remote = scripted(_results_json)
    server = start(corpus_out, port=0, allow_service=True)
    try:
        r = _post(server.query_url, f"SELECT * WHERE {{ SERVICE <{remote.url}/sparql> {{ ?n ?p ?o }} }}")
        assert r.status_code == 200 and remote.seen
    finally:
        server.stop()


def test_serve_stops_a_query_past_its_time_limit_and_goes_on(served):
    import time

    from treatykg.serve import GRACE

    before = served.generation
    started = time.monotonic()
    r = _post(served.query_url, CROSS_JOIN, timeout=60)
    took = time.monotonic() - started
    assert r.status_code == 503 and "did not finish within 1 s" in r.text
    assert took < served.timeout + GRACE + 5, took
    assert _post(served.query_url, "ASK { ?s ?p ?o }").json()["boolean"] is True   # serving again
    assert served.generation >= before      # Oxigraph's own limit, or ours, stopped it


def test_serve_replaces_an_oxigraph_that_overruns_the_limit(served, monkeypatch):
    """When Oxigraph's own limit does not stop a query in time (it checks seldom: 16 s past a
    2 s limit was seen), its process is killed and another started; serving goes on."""
    import time

    from treatykg import serve

    monkeypatch.setattr(serve, "GRACE", -0.5)      # our limit first: 0.5 s, Oxigraph's is 1 s
    before, old = served.generation, served.process
    r = _post(served.query_url, CROSS_JOIN, timeout=60)
    assert r.status_code == 503 and "it was stopped" in r.text
    assert served.generation == before + 1 and served.process is not old
    time.sleep(0.2)
    assert old.poll() is not None                   # the old process is gone
    monkeypatch.undo()
    assert _post(served.query_url, "ASK { ?s ?p ?o }").json()["boolean"] is True


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_serve_a_query_whose_client_left_ends_at_the_time_limit(served):
    """Oxigraph cannot see that the client left (a COUNT writes nothing until the end): the
    time limit ends it (Oxigraph's own, or the replacement of its process). Afterwards the
    Oxigraph process is idle and answers."""
    import socket
    import time
    from urllib.parse import urlencode, urlsplit

    from treatykg.serve import GRACE

    if not Path("/proc/self/stat").exists():
        pytest.skip("reads the CPU time of the Oxigraph process from /proc")
    body = urlencode({"query": CROSS_JOIN}).encode()
    u = urlsplit(served.query_url)
    with socket.create_connection((u.hostname, u.port)) as s:
        s.sendall(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        time.sleep(0.5)
    time.sleep(served.timeout + GRACE + 1)
    pid = served.process.pid
    before = _cpu_seconds(pid)
    time.sleep(1)
    assert _cpu_seconds(pid) - before < 0.3          # nothing left running
    assert _post(served.query_url, "ASK { ?s ?p ?o }").json()["boolean"] is True


def test_serve_binds_the_ipv6_loopback(corpus_out):
    import socket

    from treatykg.serve import start

    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        server = start(corpus_out, port=0, host="::1")
    except Exception as exc:
        if "no such address" in str(exc):
            pytest.skip("::1 is not configured here")
        raise
    try:
        assert server.url.startswith("http://[::1]:")
        assert _post(server.query_url, "ASK { ?s ?p ?o }").json()["boolean"] is True
    finally:
        server.stop()


def test_serve_on_a_port_in_use_says_so(run_main, corpus_out):
    import socket

    with socket.socket() as other:      # any program: here a socket that listens and never answers
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        code, out, err = run_main("serve", "--store", corpus_out, "--port", port)
    assert code == 7
    assert f"port {port} on 127.0.0.1 is in use by another program" in err and out == ""


def test_serve_query_page_has_the_prefixes_the_named_queries_and_the_site(served):
    import re

    import requests

    page = requests.get(served.url, timeout=10)
    assert page.status_code == 200
    data = json.loads(re.search(r'<script type="application/json" id="tkg-data">(.*?)</script>', page.text,
                                re.S).group(1))
    assert data["endpoint"] == "query" and data["site"] == "site/"
    assert data["prefixes"]["tkg"] == "https://w3id.org/treatykg/ontology#" and "id" in data["prefixes"]
    names = [e["name"] for e in data["examples"]]
    assert {"documents", "signatories", "timeline", "wikidata-federated"} <= set(names)
    assert [e["name"] for e in data["examples"] if e["service"]] == ["wikidata-federated"]
    assert "PREFIX tkg: <https://w3id.org/treatykg/ontology#>" in data["examples"][0]["query"]
    assert requests.get(served.url + "query.js", timeout=10).status_code == 200
    assert requests.get(served.site_url, timeout=10).status_code == 200
    for e in data["examples"]:
        if not e["service"]:
            assert _post(served.query_url, e["query"]).status_code == 200, e["name"]


# ---------------------------------------------------------------- 4, 11. names through every printing command
def test_markup_and_escapes_in_names_through_every_printing_command(run_main, tmp_path, seed_text):
    """A folder and files whose names look like Rich markup and hold a terminal escape: every
    command prints them as they are (the escape shown as \\x1b), none crashes or hides a part."""
    folder = tmp_path / "[red]d["          # so that every path below holds "[red]d[/…]"
    folder.mkdir()
    name = "x][red]x\x1b[2J.txt"
    text = folder / name
    date = next(i for i, ln in enumerate(seed_text.split("\n")) if ln.strip() == "1958年2月19日于平壤")
    text.write_text("\n".join(seed_text.split("\n")[:date + 1]), encoding="utf-8")   # no signatures: a warning
    shown = terminal_safe(str(text))
    assert "\\x1b" in shown and "[red]d[/x][red]" in shown
    ttl, page, qs = folder / "o].ttl", folder / "v][bold].html", folder / "q][red].qs"
    runs = {
        "extract": (["extract", text, "--format", "text"], shown),
        "convert": (["convert", text, "-o", ttl], shown),
        "validate": (["validate", ttl], None),
        "validate missing": (["validate", folder / "x]gone.ttl"], terminal_safe(str(folder / "x]gone.ttl"))),
        "view": (["view", text, "-o", page], terminal_safe(str(page))),
        "push": (["push", ttl, "--endpoint", "http://127.0.0.1:9", "--profile", "generic", "--dry-run"], None),
        "push missing": (["push", folder / "x]gone.nq", "--endpoint", "http://127.0.0.1:9", "--profile",
                          "generic"], terminal_safe(str(folder / "x]gone.nq"))),
        "export": (["wikidata", "export", text, "--source-url", "https://example.org/x", "-o", qs,
                    "--review", folder / "x]review.tsv"], terminal_safe(str(folder / "x]review.tsv"))),
        "build": (["build", folder, "--out", folder / "out]", "--quiet", "--workers", "1"], None),
        "site": (["site", folder / "out]"], terminal_safe(str(folder / "out]" / "site"))),
        "query": (["query", "--store", folder / "out]", "SELECT ?f WHERE { ?d <https://w3id.org/treatykg/"
                   "ontology#fileName> ?f }"], None),
    }
    for what, (argv, expected) in runs.items():
        code, out, err = run_main(*argv)
        assert code in (0, 1, 3), (what, code, err)
        assert "internal error" not in err and "Traceback" not in err, (what, err)
        assert "\x1b" not in out + err, (what, out + err)
        if expected is not None:
            assert expected in out + err, (what, expected, out + err)
    code, out, _ = run_main("query", "--store", folder / "out]", "--format", "csv",
                            "SELECT ?f WHERE { ?d <https://w3id.org/treatykg/ontology#fileName> ?f }")
    assert name in out            # not a terminal: csv keeps the value as it is


# ---------------------------------------------------------------- 2. a site cut short
def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_site_cut_short_is_finished_by_the_next_run(tmp_path, monkeypatch):
    """The site stage killed while writing pages (after the collection changed): the next run
    leaves exactly the site a run from scratch writes, old pages included (a page is kept only
    when its file's SHA-256 is the one the page cache, written last, records)."""
    import shutil

    from treatykg import site as site_module
    from treatykg.build import build
    from treatykg.site import PAGE_CACHE, build_site

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    names = ["1958-02-19_cn-kp_joint-statement.txt", "004_cn_gh_friendship_treaty_1961.txt",
             "012_cn_ye_mfa_mou_1995.txt"]
    for name in names[:2]:
        shutil.copy(CORPUS / name, src / name)
    assert build(src, out, workers=1).ok
    build_site(out, workers=1)
    shutil.copy(CORPUS / names[2], src / names[2])          # the collection changes: pages change
    assert build(src, out, workers=1).ok

    real_write, written = site_module._Site.write, []

    def dying_write(self, rel, text):
        if len(written) == 3:
            raise KeyboardInterrupt       # as a kill would, between two whole files
        written.append(rel)
        return real_write(self, rel, text)

    monkeypatch.setattr(site_module._Site, "write", dying_write)
    with pytest.raises(KeyboardInterrupt):
        build_site(out, workers=1)
    monkeypatch.undo()
    build_site(out, workers=1)                                  # the next run

    fresh = tmp_path / "fresh"
    shutil.copytree(out, fresh, ignore=shutil.ignore_patterns("site", PAGE_CACHE, ".lock"))
    build_site(fresh, workers=1)
    assert _tree(out / "site") == _tree(fresh / "site")


# ---------------------------------------------------------------- 10. more of the same family
@pytest.mark.parametrize("argv", [
    ["query", "--endpoint", "http://[::1", "ASK {}"],
    ["query", "--endpoint", "http://127.0.0.1:notaport/q", "ASK {}"],
    ["query", "--endpoint", "ftp://127.0.0.1/q", "ASK {}"],
    ["push", "{seed_nq}", "--endpoint", "http://user:pw-in-url@[::1", "--profile", "generic"],
    ["push", "{seed_nq}", "--endpoint", "http://127.0.0.1:9", "--profile", "generic", "--query-url", "http://h:x/"],
    ["wikidata", "reconcile", str(SEED), "--no-cache", "-o", "{tmp}/l.ttl", "--api-url", "http://[::1"],
])
def test_an_invalid_url_is_exit_3_naming_it(run_main, argv, seed_nq, tmp_path):
    argv = [a.replace("{seed_nq}", str(seed_nq)).replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run_main(*argv)
    assert code == 3, err
    assert err.startswith("treatykg: error: not a") and "URL" in err and "pw-in-url" not in err


def test_a_query_file_that_is_not_utf8_is_exit_3(run_main, corpus_out, tmp_path):
    bad = tmp_path / "q.rq"
    bad.write_bytes(b"\xff\xfeSELECT")
    code, _, err = run_main("query", "--store", corpus_out, "-f", bad)
    assert code == 3 and err.strip() == f"treatykg: error: {bad}: cannot read the query: not UTF-8"


# ---------------------------------------------------------------- the README's table of faults
def test_every_fault_in_the_readme_table_has_its_regression_test():
    """README "Exit codes, fault by fault": each row names the test that checks it; the test
    must exist (the table cannot drift from what is tested)."""
    import importlib
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exit codes, fault by fault", 1)[1].split("\n#", 1)[0]
    rows = [ln for ln in section.splitlines() if ln.startswith("| ") and not ln.startswith("| fault")
            and not set(ln) <= set("|- ")]
    assert len(rows) >= 15
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert re.fullmatch(r"\d+( \(.*\))?|HTTP \d+|\d+ / \d+.*", cells[1]) or cells[1][:1].isdigit(), row
        named = re.findall(r"`(test_\w+)::(test_\w+)`", cells[-1])
        assert named, row
        for module, name in named:
            assert hasattr(importlib.import_module(module), name), (module, name)


# ---------------------------------------------------------------- 12. the demo, as a new user sees it
def test_extract_text_counts_mentions_unless_asked(run_main):
    code, out, _ = run_main("extract", SEED, "--format", "text")
    assert code == 0 and "mentions[" not in out
    assert out.rstrip().splitlines()[-1].startswith("mentions") and "--mentions lists them" in out
    assert len(out.splitlines()) < 70
    code, full, _ = run_main("extract", SEED, "--format", "text", "--mentions")
    assert full.count("\nmentions[") > 100


def test_the_demo_ends_with_a_table_a_person_reads(run_main, corpus_out):
    """`make demo`'s last command: who signed what, four readable columns, no IRI."""
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    last = [ln for ln in demo.splitlines() if "treatykg query" in ln][-1]
    assert "--columns date,name,title,party" in last
    code, out, err = run_main("query", "--store", corpus_out, "--named", "signatories", "--columns",
                              "date,name,title,party")
    assert code == 0, err
    head = out.splitlines()[1]
    assert [c.strip() for c in head.strip("┃").split("┃")] == ["date", "name", "title", "party"]
    assert "id:" not in out and "周恩来" in out
    code, _, err = run_main("query", "--store", corpus_out, "--named", "signatories", "--columns", "date,nope")
    assert code == 2 and "nope" in err


def test_the_demo_before_its_table_fits_one_screen(run_main):
    """Issue 20: what `make demo` prints before the final table (its echo lines, one line per
    text converted, the extract step) is one screen, at most 40 lines."""
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    echoes = [ln for ln in demo.splitlines() if "echo" in ln and "does not conform" not in ln]
    step = next(ln for ln in demo.splitlines() if "treatykg extract" in ln)
    text = re.search(r"extract (\S+) --format text", step).group(1)
    code, out, _ = run_main("extract", Path(__file__).resolve().parents[1] / text, "--format", "text")
    assert code == 0
    build_summary = 1
    assert len(echoes) + len(out.splitlines()) + build_summary <= 40


def test_machine_formats_on_a_terminal_show_control_characters_as_escapes(tmp_path):
    """JSON, CSV and RDF stay byte-exact in a file or a pipe; on a terminal (a pty here) a
    text's escape sequence is shown, not obeyed."""
    import pty
    import subprocess

    text = tmp_path / "esc.txt"
    text.write_text(SEED.read_text(encoding="utf-8").replace("联合声明", "联合声明\x1b]0;pwned\x07\u202e", 1),
                    encoding="utf-8")
    treatykg = str(Path(sys.executable).with_name("treatykg"))
    piped = subprocess.run([treatykg, "extract", str(text)], capture_output=True, timeout=120).stdout
    assert "\u202e".encode() in piped           # JSON byte-exact in a pipe (it escapes \x1b itself)
    for argv in (["extract", str(text)], ["extract", str(text), "--format", "text"]):
        leader, follower = pty.openpty()
        proc = subprocess.Popen([treatykg, *argv], stdout=follower, stderr=subprocess.DEVNULL)
        os.close(follower)
        shown = b""
        try:
            while True:           # read as it comes: a full pty would block the writer
                try:
                    chunk = os.read(leader, 65536)
                except OSError:   # EIO: the writer closed the terminal
                    break
                if not chunk:
                    break
                shown += chunk
        finally:
            os.close(leader)
        assert proc.wait(timeout=120) == 0
        assert b"\x1b]0;" not in shown and "\u202e".encode() not in shown, argv
        assert b"\\u202e" in shown and (b"\\x1b]0;pwned" in shown or b"\\u001b]0;pwned" in shown.lower())
