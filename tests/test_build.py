"""treatykg build: a whole collection into graphs, an embedded store, VoID and a validation summary.

Real things only: the reference texts, a real pyoxigraph store on disk, real worker
processes, and real subprocesses killed with SIGKILL.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from treatykg import build as build_mod
from treatykg.build import build
from treatykg.errors import OutputError
from treatykg.store import acquire

from collection import corpus_build  # noqa: I001

CORPUS = Path(__file__).parent / "corpus"
TEXTS = sorted(CORPUS.glob("*.txt"))
#: the quicker texts (the 1958 statement alone takes seconds of SHACL validation): for the
#: tests of the build's mechanics, which do several builds each
SMALL = [CORPUS / n for n in ("002_cn_pl_techsci_agreement_1954.txt", "004_cn_gh_friendship_treaty_1961.txt",
                              "005_cn_gb_ambassadors_communique_1972_hant.txt", "012_cn_ye_mfa_mou_1995.txt")]
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DEFAULT_BASE = "https://w3id.org/treatykg/id/"
GENERATED = "http://www.w3.org/ns/prov#generatedAtTime"


def make_src(tmp_path: Path, texts=SMALL, name: str = "src") -> Path:
    src = tmp_path / name
    src.mkdir()
    for t in texts:
        shutil.copy(t, src / t.name)
    return src


#: The build's time, said in the dataset description only (void.ttl, graph/dataset): a snapshot leaves it out.
TIMES = ("<http://purl.org/dc/terms/modified>", "<http://www.w3.org/ns/prov#endedAtTime>",
         "dcterms:modified", "prov:endedAtTime")


def _timeless(lines) -> list[str]:
    return [ln for ln in lines if not any(t in ln for t in TIMES)]


def store_quads(out: Path) -> list[str]:
    """The store's content as sorted N-Quads lines (opened read-only, released at return), but
    the build's time."""
    st = ox.Store.read_only(str(out / "store"))
    lines = sorted(ox.serialize(list(st), format=ox.RdfFormat.N_QUADS).decode().splitlines())
    del st
    return _timeless(lines)


def snapshot(out: Path) -> dict:
    """Everything a build produces, except the time of the build (in the dataset description)."""
    files = {p.relative_to(out).as_posix(): _timeless(p.read_text(encoding="utf-8").splitlines())
             for folder in ("graphs", "texts") for p in sorted((out / folder).rglob("*")) if p.is_file()}
    void = _timeless((out / "void.ttl").read_text().splitlines())
    return {"graphs": files, "store": store_quads(out), "void": void,
            "validation": json.loads((out / "validation.json").read_text()),
            "manifest": json.loads((out / "manifest.json").read_text())}


@pytest.fixture(scope="module")
def clean():
    """A clean build of the reference corpus with two worker processes (shared, read-only)."""
    return corpus_build()


# ---------------------------------------------------------------- a clean build
def test_a_clean_build_writes_one_graph_per_document_and_the_store(clean):
    src, out, report, events = clean  # (and its site: `treatykg site`, a stage of its own)
    assert report.ok and len(report.built) == len(TEXTS) and report.converted == len(TEXTS)
    files = sorted((out / "graphs").glob("*.nq"))
    assert [f.stem for f in files] == [t.stem for t in TEXTS]
    graphs = set()
    for f in files:
        quads = list(ox.parse(path=str(f), format=ox.RdfFormat.N_QUADS))
        names = {q.graph_name.value for q in quads}
        facts = next(n for n in names if n.endswith("/graph"))
        doc = facts[: -len("/graph")]
        assert names == {facts, doc + "/evidence"}, f  # the document's facts, and their evidence
        graphs |= names
        assert not any(q.predicate.value == GENERATED for q in quads), "no generation time in document graphs"
    collection = [q for f in (out / "graphs" / "_collection").glob("*.nq")
                  for q in ox.parse(path=str(f), format=ox.RdfFormat.N_QUADS)]  # citations, dataset, Wikidata links
    st = ox.Store.read_only(str(out / "store"))
    assert {g.value for g in st.named_graphs()} == graphs | {q.graph_name.value for q in collection}
    assert len(st) == report.triples + len(collection)
    assert report.triples == sum(d.triples for d in report.built)
    del st


def test_the_evidence_points_into_the_published_text(clean):
    """Every evidence target is <{doc}/text#char=START,END>, and texts/<name>.txt (the text the
    build publishes: its length and SHA-256 as the graph says) gives at START:END the quote the
    record read for that field."""
    import hashlib

    from treatykg.extract import extract_file

    src, out, _, _ = clean
    for t in TEXTS:
        quads = list(ox.parse(path=str(out / "graphs" / f"{t.stem}.nq"), format=ox.RdfFormat.N_QUADS))
        text_file = out / "texts" / f"{t.stem}.txt"
        text = text_file.read_text(encoding="utf-8")
        doc = next(q.graph_name.value for q in quads if q.graph_name.value.endswith("/graph"))[: -len("/graph")]
        about = {(q.predicate.value.rsplit("#", 1)[-1]): q.object.value for q in quads
                 if q.subject.value == doc + "/text" and not q.predicate.value.endswith("type")}
        assert int(about["characterCount"]) == len(text)
        assert about["sha256"] == hashlib.sha256(text_file.read_bytes()).hexdigest()
        record = extract_file(t)
        quotes: dict[str, set[str]] = {}
        for path, spans in record.evidence().items():
            quotes.setdefault("mentions" if path.startswith("mentions[") else path, set()).update(
                sp.exact for sp in spans)
        field = {q.subject: q.object.value for q in quads if q.predicate.value.endswith("ontology#field")}
        targets = [(q.subject, q.object.value) for q in quads if q.predicate.value == "http://www.w3.org/ns/oa#hasTarget"]
        assert len(targets) >= 10
        for ann, target in targets:
            iri, _, span = target.partition("#char=")
            assert iri == doc + "/text"
            start, end = map(int, span.split(","))
            assert text[start:end] in quotes[field[ann]], (t.name, field[ann], target)


def test_void_describes_the_dataset_a_publisher_can_publish(clean):
    """VoID + DCAT: size, a subset per document graph, the licence, distributions with IANA media
    types, example documents, class and property partitions, the linkset to Wikidata, the build
    that made it (the time is here, never in a document graph); the same statements in the store."""
    _, out, report, _ = clean
    triples = list(ox.parse(path=str(out / "void.ttl"), format=ox.RdfFormat.TURTLE))
    ds = next(t.subject for t in triples if t.predicate.value.endswith("type") and t.object.value == VOID + "Dataset"
              and t.subject.value.endswith("/dataset"))

    def objects(s, p):
        return [t.object for t in triples if t.subject == s and t.predicate.value == p]

    def one(p):
        return objects(ds, p)

    documents = {d.graph for d in report.built}
    assert int(one(VOID + "triples")[0].value) == report.triples
    assert int(one(VOID + "documents")[0].value) == len(TEXTS)
    assert documents <= {o.value for o in one(VOID + "subset")}
    assert [o.value for o in one(DCT + "license")] == ["https://creativecommons.org/licenses/by/4.0/"]
    assert one(DCT + "modified") and objects(one(PROV + "wasGeneratedBy")[0], PROV + "endedAtTime")
    media = {objects(d, DCAT + "mediaType")[0].value for d in one(DCAT + "distribution")}
    assert media == {"https://www.iana.org/assignments/media-types/application/n-quads",
                     "https://www.iana.org/assignments/media-types/text/plain"}
    assert len(one(VOID + "exampleResource")) == 3
    classes = {objects(p, VOID + "class")[0].value: int(objects(p, VOID + "entities")[0].value)
               for p in one(VOID + "classPartition")}
    assert classes["https://w3id.org/treatykg/ontology#DocumentGraph"] == len(TEXTS)
    properties = {objects(p, VOID + "property")[0].value: int(objects(p, VOID + "triples")[0].value)
                  for p in one(VOID + "propertyPartition")}
    assert properties["http://data.europa.eu/eli/ontology#passed_by"] >= 2 * len(TEXTS)
    linkset = next(s for s in one(VOID + "subset") if (s, ox.NamedNode(RDF_TYPE), ox.NamedNode(VOID + "Linkset"))
                   in {(t.subject, t.predicate, t.object) for t in triples})
    links = [q for q in ox.parse(path=str(out / "graphs" / "_collection" / "wikidata.nq"), format=ox.RdfFormat.N_QUADS)]
    assert int(objects(linkset, VOID + "triples")[0].value) == len(links) > 10
    assert all(q.object.value.startswith("http://www.wikidata.org/entity/Q") for q in links)
    st = ox.Store.read_only(str(out / "store"))
    try:
        stored = {q.triple for q in st.quads_for_pattern(None, None, None, ox.NamedNode(DEFAULT_BASE + "graph/dataset"))}
    finally:
        del st
    in_file = {t.triple for t in triples}
    assert stored <= in_file  # all but the subset of each document graph, which grow with the collection
    assert {t for t in in_file - stored if t.predicate.value != VOID + "subset"} == {
        t for t in in_file - stored if t.subject.value in documents}


def test_validation_summary_and_progress_events(clean):
    _, out, _, events = clean
    v = json.loads((out / "validation.json").read_text())
    assert v["documents"] == len(TEXTS) and v["failed"] == 0 and v["conforms"] is True
    assert {d["path"] for d in v["results"]} == {t.name for t in TEXTS}
    assert events[0].kind == "start" and events[0].total == len(TEXTS)
    assert events[-1].kind == "finish"
    done = [e for e in events if e.kind == "document"]
    assert sorted(e.completed for e in done) == list(range(1, len(TEXTS) + 1))
    assert {e.path for e in done} == {t.name for t in TEXTS}


# ---------------------------------------------------------------- incremental
def test_a_second_build_with_nothing_changed_does_no_conversion_work(tmp_path, monkeypatch):
    src = make_src(tmp_path)
    out = tmp_path / "out"
    build(src, out, workers=1)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and "store" not in p.parts}
    calls = []

    def counting(*args, **kwargs):
        calls.append(args)
        raise AssertionError("converted an unchanged document")

    monkeypatch.setattr(build_mod, "convert_document", counting)
    report = build(src, out, workers=1)
    assert calls == [] and report.converted == 0
    assert len(report.unchanged) == len(SMALL) and report.ok
    after = {p: p.stat().st_mtime_ns for p in before}
    assert after == before, "nothing is rewritten when nothing changed"


def test_only_changed_inputs_are_redone_and_deleted_ones_removed(tmp_path):
    src = make_src(tmp_path)
    out = tmp_path / "out"
    first = build(src, out, workers=1)
    seed = src / "004_cn_gh_friendship_treaty_1961.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("北京", "北 京", 1), encoding="utf-8")
    gone = src / "012_cn_ye_mfa_mou_1995.txt"
    gone_graph = next(d.graph for d in first.built if d.path == gone.name)
    gone.unlink()
    report = build(src, out, workers=1)
    assert report.converted == 1
    assert [d.path for d in report.built] == [seed.name]
    assert [d.path for d in report.removed] == [gone.name]
    assert not (out / "graphs" / "012_cn_ye_mfa_mou_1995.nq").exists()
    assert not (out / "texts" / "012_cn_ye_mfa_mou_1995.txt").exists()
    st = ox.Store.read_only(str(out / "store"))
    gone_doc = gone_graph[: -len("/graph")]
    assert not any(g.value.startswith(gone_doc + "/") for g in st.named_graphs())
    assert len([g for g in st.named_graphs() if g.value.endswith("/graph")]) == len(SMALL) - 1
    del st
    assert json.loads((out / "validation.json").read_text())["documents"] == len(SMALL) - 1


def test_force_redoes_everything_and_a_new_base_is_a_change(tmp_path):
    src = make_src(tmp_path, SMALL[:2])
    out = tmp_path / "out"
    build(src, out, workers=1)
    assert build(src, out, workers=1, force=True).converted == 2
    report = build(src, out, workers=1, base="https://example.org/t/")
    assert report.converted == 2
    st = ox.Store.read_only(str(out / "store"))
    assert all(g.value.startswith("https://example.org/t/") for g in st.named_graphs())
    del st


def test_texts_in_subfolders_keep_their_relative_name(tmp_path):
    src = tmp_path / "src"
    (src / "1961").mkdir(parents=True)
    shutil.copy(SMALL[1], src / "1961" / SMALL[1].name)
    report = build(src, tmp_path / "out", workers=1)
    assert [d.path for d in report.built] == [f"1961/{SMALL[1].name}"]
    assert (tmp_path / "out" / "graphs" / "1961" / f"{SMALL[1].stem}.nq").is_file()


# ---------------------------------------------------------------- failures
def test_a_failing_document_is_reported_and_skipped_not_fatal(tmp_path, run_main):
    src = make_src(tmp_path, SMALL[:2])
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    out = tmp_path / "out"
    code, stdout, stderr = run_main("build", src, "--out", out, "--quiet", "--workers", "2")
    assert code == 8
    failed = [ln for ln in stderr.splitlines() if ln.startswith("treatykg: failed: ")]
    assert {ln.split(": ")[2] for ln in failed} == {"binary.txt", "empty.txt"}
    assert all(len(ln) < 400 for ln in failed)
    assert "2 built" in stdout and "2 failed" in stdout
    assert stderr.strip().splitlines()[-1].startswith("treatykg: error: 2 of 4 documents failed")
    assert len(list((out / "graphs").glob("*.nq"))) == 2
    v = json.loads((out / "validation.json").read_text())
    assert v["failed"] == 2 and {d["path"] for d in v["results"] if d["status"] == "failed"} == \
        {"binary.txt", "empty.txt"}


def test_two_inputs_of_the_same_document_keep_one_graph(tmp_path):
    src = make_src(tmp_path, SMALL[:1])
    shutil.copy(SMALL[0], src / "zz_copy.txt")
    report = build(src, tmp_path / "out", workers=1)
    [dup] = report.failed
    assert dup.path == "zz_copy.txt" and dup.reason.startswith(f"same document as {SMALL[0].name}")
    assert len(report.built) == 1
    # the copy sorting first takes the graph over, whichever finishes first
    shutil.copy(SMALL[0], src / "000_copy.txt")
    report = build(src, tmp_path / "out", workers=1)
    assert {d.path for d in report.failed} == {SMALL[0].name, "zz_copy.txt"}
    assert [d.path for d in report.built] == ["000_copy.txt"]
    assert [p.name for p in (tmp_path / "out" / "graphs").glob("*.nq")] == ["000_copy.nq"]


def test_cli_build_summary_and_exit_zero(tmp_path, run_main):
    src = make_src(tmp_path, SMALL[:1])
    code, stdout, stderr = run_main("build", src, "--out", tmp_path / "out", "--quiet")
    assert code == 0, stderr
    assert stdout.strip() == (f"1 document graph in {tmp_path / 'out'}: 1 built, "
                              f"0 unchanged, 0 removed, 0 failed, 0 kept without conforming; "
                              + stdout.strip().rsplit("; ", 1)[1])
    code, _, stderr = run_main("build", tmp_path / "nowhere", "--out", tmp_path / "out2")
    assert code == 3 and "no such folder" in stderr


def test_build_refuses_while_the_store_is_held(tmp_path):
    src = make_src(tmp_path, SMALL[:1])
    out = tmp_path / "out"
    build(src, out, workers=1)
    fd = acquire(out, exclusive=False)  # what `treatykg serve` and `treatykg query` hold
    try:
        with pytest.raises(OutputError, match="in use"):
            build(src, out, workers=1)
    finally:
        os.close(fd)
    assert build(src, out, workers=1).ok


# ---------------------------------------------------------------- killed builds
KILLED = SMALL[:3]
KILLER = textwrap.dedent("""
    import os, signal, sys
    from treatykg import build as b
    src, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    # Ctrl-C as in a terminal: a shell's background job starts its children with SIGINT
    # ignored, and Python then installs no KeyboardInterrupt handler
    signal.signal(signal.SIGINT, signal.default_int_handler)
    seen = []
    if mode == "checkpointed":  # a store batch and a manifest checkpoint per document
        b._BATCH_DOCS = b._CHECKPOINT_EVERY = 1
        b._CHECKPOINT_SECONDS = 0
    def progress(event):
        if event.kind == "document":
            seen.append(event.path)
            if mode in ("after-2", "checkpointed") and len(seen) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
            if mode == "mid-write" and len(seen) == 2:
                # die while a graph file is being written (by the store process, which dies
                # with us): a half-written temporary file beside its target
                graphs = os.path.join(out, "graphs")
                os.makedirs(graphs, exist_ok=True)
                with open(os.path.join(graphs, ".next.nq.x1.part"), "wb") as fh:
                    fh.write(b"<urn:x:s> <urn:x:p> ")
                os.kill(os.getpid(), signal.SIGKILL)
            if mode == "interrupt" and len(seen) == 2:
                os.kill(os.getpid(), signal.SIGINT)
    b.build(src, out, workers=1, progress=progress)
    print("not killed")
""")


@pytest.fixture(scope="module")
def reference_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ref")
    src = make_src(tmp, KILLED)
    build(src, tmp / "out", workers=1)
    return snapshot(tmp / "out")


@pytest.mark.parametrize("mode", ["after-2", "mid-write"])
def test_a_build_killed_with_sigkill_is_repaired_by_the_next_build(tmp_path, mode, reference_build):
    src = make_src(tmp_path, KILLED)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", KILLER, str(src), str(out), mode],
                          capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "not killed" not in proc.stdout
    assert len(list((out / "graphs").glob("*.nq"))) < len(KILLED)
    if mode == "mid-write":
        assert list((out / "graphs").glob(".*.part")), "the kill left a temporary file"
    report = build(src, out, workers=2)
    assert report.ok and report.converted == len(KILLED)  # no manifest yet: everything redone
    assert not list(out.rglob("*.part"))
    assert snapshot(out) == reference_build


def test_a_store_process_that_dies_fails_the_build_with_one_line_and_the_next_build_repairs(
        tmp_path, reference_build):
    import multiprocessing

    src = make_src(tmp_path, KILLED)
    out = tmp_path / "out"
    seen = []

    def kill_the_store(event):
        if event.kind == "document":
            seen.append(event.path)
            if len(seen) == 1:
                for child in multiprocessing.active_children():
                    if child.name == "treatykg-store":
                        os.kill(child.pid, signal.SIGKILL)

    with pytest.raises(OutputError) as caught:
        build(src, out, workers=1, progress=kill_the_store)
    assert "store process ended" in str(caught.value) and "SIGKILL" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not [c for c in multiprocessing.active_children() if c.name == "treatykg-store"]
    report = build(src, out, workers=2)
    assert report.ok
    assert snapshot(out) == reference_build


def test_the_store_process_takes_batches_while_it_loads_and_answers_in_order(tmp_path):
    """Batches go to the store process without the build waiting for each to be loaded (up to
    IN_FLIGHT of them; those that wait together are loaded as one); a batch that fails is
    reported by a request after it, once; every request is answered, a graph's files are written
    only once it is loaded, and the store takes batches again after the error."""
    from treatykg.build_store import IN_FLIGHT, StoreProcess

    graphs, texts = tmp_path / "graphs", tmp_path / "texts"
    graphs.mkdir()
    texts.mkdir()

    def batch(i: int, nq: bytes | None = None):
        g = f"https://example.org/doc/d{i}/graph"
        return {g: (f"d{i}", nq or f"<https://example.org/doc/d{i}> <https://example.org/p> \"{i}\" <{g}> .\n".encode(),
                    f"text {i}".encode())}

    broken = IN_FLIGHT
    store = StoreProcess(tmp_path / "store", tmp_path, graphs, texts)
    try:
        for i in range(IN_FLIGHT):
            store.load(batch(i))
        assert store._in_flight == IN_FLIGHT  # none of them waited for
        with pytest.raises(OutputError, match="store failed"):  # said by a request after it
            store.load(batch(broken, b"<https://example.org/broken"))
            store.load(batch(broken + 1))
            store.call("flush")
        store.call("flush")  # ... once
        loaded = [i for i in range(broken + 2) if store.call("contains", f"https://example.org/doc/d{i}/graph")]
        store.load(batch(broken + 2))
        store.call("flush")
        assert store.call("contains", f"https://example.org/doc/d{broken + 2}/graph")
    finally:
        store.close()
    assert broken not in loaded
    assert sorted(p.name for p in graphs.iterdir()) == [f"d{i}.nq" for i in loaded + [broken + 2]]
    assert sorted(p.name for p in texts.iterdir()) == [f"d{i}.txt" for i in loaded + [broken + 2]]


def test_the_store_process_keeps_the_batch_and_a_graph_dropped_before_its_load_stays_out(tmp_path):
    """Graphs are put one by one (the build holds no batch); a graph put again replaces the
    first; one dropped before the load is not loaded, and has no file."""
    from treatykg.build_store import StoreProcess

    graphs, texts = tmp_path / "graphs", tmp_path / "texts"

    def quad(i: int, value: str) -> bytes:
        doc = f"https://example.org/doc/d{i}"
        return f"<{doc}> <https://example.org/p> \"{value}\" <{doc}/graph> .\n".encode()

    store = StoreProcess(tmp_path / "store", tmp_path, graphs, texts)
    try:
        for i in range(3):
            store.put(f"https://example.org/doc/d{i}/graph", f"d{i}", quad(i, "first"), None)
        store.put("https://example.org/doc/d1/graph", "d1", quad(1, "again"), None)
        store.call("drop", "https://example.org/doc/d2/graph")
        store.load()
        store.call("flush")
        held = [i for i in range(3) if store.call("contains", f"https://example.org/doc/d{i}/graph")]
    finally:
        store.close()
    assert held == [0, 1]
    assert sorted(p.name for p in graphs.iterdir()) == ["d0.nq", "d1.nq"]
    assert (graphs / "d1.nq").read_bytes() == quad(1, "again")


def test_a_file_the_store_process_cannot_write_fails_the_next_request(tmp_path):
    """A batch's files are written by a thread of the store process after the batch is loaded;
    one that cannot be written (here its folder is a file) is said by the next request, once."""
    from treatykg.build_store import StoreProcess

    (tmp_path / "graphs").write_text("not a folder")
    (tmp_path / "texts").mkdir()
    store = StoreProcess(tmp_path / "store", tmp_path, tmp_path / "graphs", tmp_path / "texts")
    try:
        g = "https://example.org/doc/d/graph"
        store.load({g: ("d", f"<https://example.org/doc/d> <https://example.org/p> \"1\" <{g}> .\n".encode(), None)})
        with pytest.raises(OutputError, match="cannot write"):
            store.call("flush")
        store.call("flush")
    finally:
        store.close()


def test_the_last_batches_for_the_store_are_small_so_it_is_done_soon_after_the_workers(tmp_path, monkeypatch):
    """A batch is at most half of the documents still to come: they shrink towards the end of
    the build, and the last holds one document, not a whole batch the build would wait for."""
    monkeypatch.setattr(build_mod, "_BATCH_DOCS", 4)
    monkeypatch.setattr(build_mod, "_LAST_BATCH_DOCS", 1)
    sizes: list[int] = []
    hand_over = build_mod._GraphWriter._hand_over

    def recorded(self):
        if self.docs:
            sizes.append(self.docs)
        hand_over(self)

    monkeypatch.setattr(build_mod._GraphWriter, "_hand_over", recorded)
    src = make_src(tmp_path, TEXTS[:6])
    report = build(src, tmp_path / "out", workers=2)
    assert report.ok and report.count("built") == 6
    assert sum(sizes) == 6 and sizes == sorted(sizes, reverse=True), sizes
    assert sizes[0] <= 3 and sizes[-1] == 1, sizes


def test_a_request_started_without_waiting_says_its_error_when_waited_for(tmp_path):
    """``start`` sends a request (the collection's description) and returns at once; ``wait``
    takes its answer: here an error (the description's folder is a file), said once."""
    from treatykg.build_store import StoreProcess
    from treatykg.dataset import Settings

    (tmp_path / "graphs").mkdir()
    (tmp_path / "texts").mkdir()
    (tmp_path / "out").write_text("not a folder")
    store = StoreProcess(tmp_path / "store", tmp_path, tmp_path / "graphs", tmp_path / "texts")
    try:
        out = str(tmp_path / "out")
        store.start("describe", out, "https://example.org/", Settings(), (f"{out}/w.nq", "https://example.org/w"),
                    (f"{out}/d.nq", "https://example.org/d"))
        with pytest.raises(OutputError):
            store.wait()
        store.wait()
        assert store.call("contains", "https://example.org/w") is False  # answers in order again
    finally:
        store.close()


@pytest.mark.parametrize("seconds, checkpoints", [(3600.0, 1), (0.0, len(KILLED) + 1)])
def test_checkpoints_come_every_so_many_documents_and_seconds(tmp_path, monkeypatch, seconds, checkpoints):
    """A checkpoint waits for the store and the disks: one every document asked for, but not
    sooner than the seconds allow (then only the last, at the end)."""
    monkeypatch.setattr(build_mod, "_CHECKPOINT_EVERY", 1)
    monkeypatch.setattr(build_mod, "_CHECKPOINT_SECONDS", seconds)
    calls = []
    real = build_mod._Builder.checkpoint
    monkeypatch.setattr(build_mod._Builder, "checkpoint", lambda self: (calls.append(1), real(self)))
    assert build(make_src(tmp_path, KILLED), tmp_path / "out", workers=1).ok
    assert len(calls) == checkpoints


def test_a_killed_build_keeps_the_work_checkpointed_before(tmp_path, reference_build):
    src = make_src(tmp_path, KILLED)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", KILLER, str(src), str(out), "checkpointed"],
                          capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # killed after the second document was handed to the store writer, before the manifest said so;
    # the first was checkpointed (its graph loaded, its files written and synced, the manifest written)
    assert 1 <= len(list((out / "graphs").glob("*.nq"))) <= 2
    report = build(src, out, workers=2)
    assert report.ok and report.converted == len(KILLED) - 1 and len(report.unchanged) == 1
    assert snapshot(out) == reference_build


def test_an_interrupted_build_keeps_the_work_done(tmp_path, reference_build):
    src = make_src(tmp_path, KILLED)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", KILLER, str(src), str(out), "interrupt"],
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "KeyboardInterrupt" in proc.stderr
    report = build(src, out, workers=1)
    assert report.converted == len(KILLED) - 2 and len(report.unchanged) == 2
    assert snapshot(out) == reference_build


def test_a_damaged_manifest_means_redo_not_crash(tmp_path):
    """The build's manifest (manifest.sqlite) damaged: everything is redone; an entry whose name
    would lead out of the build folder is not trusted. manifest.json is only an export."""
    import sqlite3

    src = make_src(tmp_path, SMALL[:2])
    out = tmp_path / "out"
    build(src, out, workers=1)
    (out / "manifest.sqlite").write_bytes(b"not a database" * 100)
    assert build(src, out, workers=1).converted == 2
    db = sqlite3.connect(out / "manifest.sqlite")
    rel, entry = db.execute("SELECT rel, entry FROM documents ORDER BY rel").fetchone()
    entry = json.loads(entry)
    entry["name"] = "../../escaped"
    db.execute("UPDATE documents SET entry = ?, name = ? WHERE rel = ?", (json.dumps(entry), entry["name"], rel))
    db.commit()
    db.close()
    report = build(src, out, workers=1)
    assert report.converted == 1 and report.ok
    assert not (tmp_path / "escaped.nq").exists()
    assert len(list((out / "graphs").glob("*.nq"))) == 2
    (out / "manifest.json").write_text("{not json")  # an export: the next build does not read it
    assert build(src, out, workers=1).converted == 0


def test_a_build_made_before_the_manifest_database_is_taken_over(tmp_path):
    """An OUT folder of an earlier release (manifest.json only): nothing is converted again."""
    src = make_src(tmp_path, SMALL[:2])
    out = tmp_path / "out"
    build(src, out, workers=1)
    (out / "manifest.sqlite").unlink()
    report = build(src, out, workers=1)
    assert report.converted == 0 and len(report.unchanged) == 2


# ---------------------------------------------------------------- limits per document
DENSE_UNIT = ("甲国、乙国、朝鲜、越南、蒙古、古巴和缅甸的代表于一九五八年二月五日、一九五七年十一月十四日"
              "在北京、平壤和仰光举行会谈，双方同意加强合作。")


def dense_text(size: int) -> str:
    """An invented agreement whose body repeats a sentence full of states, dates and places:
    slow and memory-hungry to convert, as a mention-dense text of ``size`` bytes is."""
    body = DENSE_UNIT * (size // len(DENSE_UNIT.encode()))
    return ("中华人民共和国政府和缅甸联邦政府经济合作协定\n\n" + body + "\n\n"
            "本协定于一九六一年一月九日在仰光签订。\n\n中华人民共和国政府代表\n陈毅\n\n缅甸联邦政府代表\n吴努\n")


def test_a_document_over_the_time_limit_fails_with_the_limit_named_and_the_build_goes_on(tmp_path):
    src = make_src(tmp_path, SMALL[:2])
    (src / "dense.txt").write_text(dense_text(4_000_000), encoding="utf-8")
    report = build(src, tmp_path / "out", workers=2, time_limit=2)
    failed = {d.path: d.reason for d in report.failed}
    assert failed == {"dense.txt": "took longer than 2 s (the time limit per document, --time-limit); stopped"}
    assert {d.path for d in report.built} == {t.name for t in SMALL[:2]}


def test_a_document_over_the_memory_limit_fails_with_the_limit_named_and_the_build_goes_on(tmp_path, run_main):
    src = make_src(tmp_path, SMALL[:2])
    (src / "dense.txt").write_text(dense_text(4_000_000), encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, stderr = run_main("build", src, "--out", out, "--quiet", "--memory-limit", "300")
    assert code == 8
    assert ("treatykg: failed: dense.txt: needed more than 300 MB of memory "
            "(the memory limit per document, --memory-limit); stopped") in stderr.splitlines()
    assert "2 built" in stdout


def test_build_max_bytes_fails_the_larger_input_only(tmp_path, run_main):
    src = make_src(tmp_path, SMALL[:2])
    (src / "dense.txt").write_text(dense_text(200_000), encoding="utf-8")
    code, stdout, stderr = run_main("build", src, "--out", tmp_path / "out", "--quiet", "--max-bytes", "100000")
    assert code == 8
    line = next(x for x in stderr.splitlines() if "dense.txt" in x)
    assert line.startswith("treatykg: failed: dense.txt: ") and "--max-bytes" in line
    assert "2 built" in stdout


@pytest.mark.parametrize("where", ["same", "inside"])
def test_build_into_its_own_source_folder_is_refused(tmp_path, run_main, where):
    src = make_src(tmp_path, SMALL[:1])
    args = (src, "--out", src) if where == "same" else (src / "sub", "--out", src)
    (src / "sub").mkdir()
    code, stdout, stderr = run_main("build", *args)
    assert code == 3
    assert "the source folder is the output folder or inside it" in stderr and len(stderr.splitlines()) == 1


def _descendants(pid: int) -> set[int]:
    kids: set[int] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            child = int(stat.parent.name)
            kids |= {child} | _descendants(child)
    return kids


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the worker processes")
def test_ctrl_c_ends_a_build_quietly_with_130_and_no_worker_left(tmp_path):
    """Ctrl-C in a terminal signals the whole process group: the build and its workers."""
    src = make_src(tmp_path, SMALL[:1])
    for i in range(2):
        (src / f"dense-{i}.txt").write_text(dense_text(4_000_000), encoding="utf-8")
    exe = Path(sys.executable).parent / "treatykg"
    proc = subprocess.Popen([str(exe), "build", str(src), "--out", str(tmp_path / "out"), "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    workers: set[int] = set()
    for _ in range(400):  # until both workers hold a dense text
        workers = _descendants(proc.pid)
        if len(workers) >= 2 and (tmp_path / "out" / "graphs").is_dir():
            break
        time.sleep(0.05)
    time.sleep(1.5)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert workers
    end = time.monotonic() + 20
    while any(_alive(w) for w in workers) and time.monotonic() < end:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), "a worker outlived the interrupted build"


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_data_read_back_from_the_store_is_the_data_written_and_conforms(clean):
    """Round trip: every graph the build wrote (graphs/*.nq) comes back from the embedded store
    quad for quad (no literal retyped: the store once turned xsd:nonNegativeInteger into
    xsd:integer and the data read back failed the shapes), and what comes back conforms."""
    from treatykg.validate import validate_quads

    _, out, _, _ = clean
    written = set()
    for f in (out / "graphs").rglob("*.nq"):
        written |= set(ox.parse(path=str(f), format=ox.RdfFormat.N_QUADS))
    st = ox.Store.read_only(str(out / "store"))
    try:
        read_back = set(st)
    finally:
        del st
    assert read_back == written
    report = validate_quads(list(read_back))
    assert report.conforms, str(report)[:2000]


def test_an_edited_text_gets_a_new_iri_and_the_old_one_stays_as_an_alias(tmp_path):
    """Persistence: when a document's IRI must change (its text was edited), the old IRI is kept
    as an alias of the new one (aliases.tsv, the redirect table; owl:sameAs in the aliases
    graph); undoing the edit, or deleting the input, drops the alias."""
    src = make_src(tmp_path, SMALL[:2])
    out = tmp_path / "out"
    first = {d.path: d.document for d in build(src, out, workers=1).built}
    edited = src / SMALL[0].name
    original = edited.read_text(encoding="utf-8")
    edited.write_text(original.replace("。", "；", 1), encoding="utf-8")  # a typo fixed in the file
    second = {d.path: d.document for d in build(src, out, workers=1).built}
    old, new = first[edited.name], second[edited.name]
    assert old != new
    assert (out / "aliases.tsv").read_text(encoding="utf-8") == f"old\tnew\n{old}\t{new}\n"
    st = ox.Store.read_only(str(out / "store"))
    try:
        same = list(st.query(f"SELECT ?n WHERE {{ GRAPH ?g {{ <{old}> <http://www.w3.org/2002/07/owl#sameAs> ?n }} }}"))
    finally:
        del st
    assert [r["n"].value for r in same] == [new]
    edited.write_text(original, encoding="utf-8")  # the edit undone: the old IRI is live again
    build(src, out, workers=1)
    assert (out / "aliases.tsv").read_text(encoding="utf-8") == f"old\tnew\n{new}\t{old}\n"
    edited.unlink()  # the input deleted: its IRIs are gone, not moved
    build(src, out, workers=1)
    assert (out / "aliases.tsv").read_text(encoding="utf-8") == "old\tnew\n"
    assert not (out / "graphs" / "_collection" / "aliases.nq").exists()


# ---------------------------------------------------------------- what a build holds per input
def test_the_build_table_gives_every_input_to_do_once_in_order_while_results_are_written():
    from treatykg.build_report import _PAGE, BuildTable, DocumentResult

    table = BuildTable()
    n = 2 * _PAGE + 7  # more than one page
    for i in reversed(range(n)):
        table.add_input(f"t/{i:05d}.txt", f"/src/t/{i:05d}.txt")
    for i in range(0, n, 2):
        table.set_todo(f"t/{i:05d}.txt", f"sha{i}")
    seen = []
    for rel, _ in table.todo():  # results written while the inputs are read, as the build does
        seen.append(rel)
        table.set_result(DocumentResult(path=rel, status="built", conforms=len(seen) % 2 == 0, triples=3))
    assert seen == [f"t/{i:05d}.txt" for i in range(0, n, 2)] and table.todo_count() == len(seen)
    assert table.sha256("t/00004.txt") == "sha4" and table.path("t/00004.txt") == "/src/t/00004.txt"
    assert table.input_count() == n and table.has_input("t/00001.txt") and not table.has_input("t/1.txt")
    pairs = list(table.with_inputs())
    assert [rel for rel, _ in pairs] == [f"t/{i:05d}.txt" for i in range(n)]
    assert pairs[1][1] is None and pairs[0][1] == DocumentResult(path="t/00000.txt", status="built",
                                                                  conforms=False, triples=3)
    assert table.result("t/00002.txt").conforms is True
    assert table.count("status = ?", "built") == len(seen) and table.count("conforms = 0") == (len(seen) + 1) // 2


def test_folders_are_read_in_name_order_a_folder_reached_twice_once_and_never_the_output(tmp_path):
    from treatykg.build_inputs import scan
    from treatykg.build_report import BuildTable

    src, real, out = tmp_path / "src", tmp_path / "real", tmp_path / "src" / "zz_out"
    (src / "sub").mkdir(parents=True)
    real.mkdir()
    out.mkdir()
    (real / "x.txt").write_text("x", encoding="utf-8")
    (src / "sub" / "y.txt").write_text("y", encoding="utf-8")
    (src / "top.txt").write_text("t", encoding="utf-8")
    for name in ("b.md", "a.md"):
        (src / name).write_text("not a text", encoding="utf-8")
    (out / "built.txt").write_text("ours", encoding="utf-8")
    os.symlink(real, src / "b_link")
    os.symlink(real, src / "a_link")  # sorts first: read here, not through b_link
    os.symlink(out / "built.txt", src / "into_out.txt")  # a text of our own output: never read
    os.symlink(tmp_path / "gone.txt", src / "dangling.txt")
    table = BuildTable()
    skipped = scan([src], out, table)
    assert [rel for rel, _ in table.inputs()] == ["a_link/x.txt", "sub/y.txt", "top.txt"]
    assert skipped == [("a.md", "not a .txt text"), ("b.md", "not a .txt text"),
                       ("dangling.txt", "a link to nothing, or not a regular file"),
                       (str(src / "b_link"), "a folder already read (a link to it, or a link loop)")]


def test_the_report_reads_its_documents_from_the_build_table_after_the_build(tmp_path):
    src = make_src(tmp_path)
    report = build(src, tmp_path / "out", workers=1)
    assert [d.path for d in report.documents] == sorted(p.name for p in SMALL)
    assert report.count("built") == len(SMALL) == len(report.built) and report.count("failed") == 0
    assert all(d.graph and d.document and d.triples > 0 and d.conforms is True for d in report.built)
