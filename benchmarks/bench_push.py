"""Benchmark: ``treatykg push`` to a local Oxigraph server against a raw Graph Store upload.

    .venv/bin/python benchmarks/bench_push.py [--copies 40] [--rounds 3]

The data: every text in data/ converted once, each graph copied under ``--copies`` graph IRIs
(``…/graph/copy-N``), one .nq file per graph; or (``--graphs OUT/graphs``, and what
``bench.py`` does after its build) the graph files a ``treatykg build`` wrote. Three
measurements on fresh servers:

* raw: one HTTP POST of all the N-Quads to ``/store`` (``application/n-quads``), no
  verification: the fastest a client can load this data into Oxigraph;
* push (new): ``treatykg.publish.push`` of the folder into an empty store: reading and
  parsing the files, the graphs sent several to a request, every graph read back and
  compared with what was sent, triple for triple;
* push (replace): the same push again, now replacing every graph.

Prints triples/s of each and the ratio push/raw (target, issue 21: at least 70 % into an
empty store). Not a test.
"""
from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from treatykg import api  # noqa: E402
from treatykg.publish import push  # noqa: E402


def make_data(folder: Path, copies: int) -> tuple[Path, Path, int]:
    graphs = folder / "graphs"
    graphs.mkdir(parents=True)
    everything: list[ox.Quad] = []
    for text in sorted((ROOT / "data").glob("*.txt")):
        quads = list(ox.parse(api.convert(api.extract(text), "nq"), format=ox.RdfFormat.N_QUADS))
        for n in range(copies):
            g = ox.NamedNode(f"{quads[0].graph_name.value}/copy-{n}")
            moved = [ox.Quad(q.subject, q.predicate, q.object, g) for q in quads]
            (graphs / f"{text.stem}-{n}.nq").write_bytes(ox.serialize(moved, format=ox.RdfFormat.N_QUADS))
            everything.extend(moved)
    whole = folder / "all.nq"
    whole.write_bytes(ox.serialize(everything, format=ox.RdfFormat.N_QUADS))
    return graphs, whole, len(set(everything))


def data_from_build(graphs: Path, folder: Path) -> tuple[Path, int, int]:
    """The graph files of a build (every ``.nq`` under ``graphs``) concatenated into one file
    for the raw upload, their quads (lines: a build's files are sorted N-Quads, one quad a
    line, no quad in two files) and their named graphs (the last term of each line)."""
    whole = folder / "all.nq"
    quads, names = 0, set()
    with open(whole, "wb") as out:
        for f in sorted(graphs.rglob("*.nq")):
            data = f.read_bytes()
            if data and not data.endswith(b"\n"):
                data += b"\n"
            for line in data.splitlines():
                line = line.strip()
                if line and not line.startswith(b"#"):
                    quads += 1
                    names.add(line[:-1].rstrip().rsplit(b" ", 1)[-1])
            out.write(data)
    return whole, quads, len(names)


class Server:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="bench-oxigraph-"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        binary = Path(sys.executable).parent / "oxigraph"
        self.proc = subprocess.Popen([str(binary) if binary.exists() else "oxigraph", "serve", "--location",
                                      str(self.dir), "--bind", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                requests.get(f"{self.url}/query", params={"query": "ASK {}"}, timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.05)
        raise SystemExit("the oxigraph server did not start (pip install oxigraph)")

    def close(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def raw_upload(whole: Path) -> float:
    server = Server()
    try:
        data = whole.read_bytes()
        t = time.perf_counter()
        r = requests.post(f"{server.url}/store", data=data, headers={"Content-Type": "application/n-quads"},
                          timeout=600)
        r.raise_for_status()
        return time.perf_counter() - t
    finally:
        server.close()


def push_twice(graphs: Path) -> tuple[float, float]:
    server = Server()
    try:
        t = time.perf_counter()
        assert push(graphs, server.url, profile="oxigraph").ok
        first = time.perf_counter() - t
        t = time.perf_counter()
        assert push(graphs, server.url, profile="oxigraph").ok
        return first, time.perf_counter() - t
    finally:
        server.close()


def measure(copies: int = 40, rounds: int = 3, graphs: Path | None = None) -> dict:
    """Raw upload and push (into an empty store, then replacing every graph): the median
    seconds and triples/s of ``rounds`` rounds, and push's share of the raw rate. The data:
    ``graphs`` (a build's ``OUT/graphs``) when given, else ``copies`` copies of each text
    of data/."""
    work = Path(tempfile.mkdtemp(prefix="bench-push-"))
    try:
        if graphs is not None:
            whole, triples, n_graphs = data_from_build(graphs, work)
            source = f"the graph files of a build ({len(list(graphs.rglob('*.nq')))} files)"
        else:
            graphs, whole, triples = make_data(work, copies)
            n_graphs = len(list(graphs.glob("*.nq")))
            source = f"the texts of data/, each graph copied {copies} times"
        raw, new, replace = [], [], []
        for _ in range(rounds):
            raw.append(raw_upload(whole))
            a, b = push_twice(graphs)
            new.append(a)
            replace.append(b)
        r, p1, p2 = (statistics.median(x) for x in (raw, new, replace))
        return {"graphs": n_graphs, "triples": triples, "mb": round(whole.stat().st_size / 1e6, 1),
                "rounds": rounds, "target_share": 0.7, "source": source,
                "methods": [{"method": name, "seconds": round(sec, 3), "triples_per_s": round(triples / sec),
                             "share_of_raw": round(r / sec, 3)}
                            for name, sec in (("raw GSP POST /store (n-quads)", r),
                                              ("treatykg push (empty store)", p1),
                                              ("treatykg push (replace all)", p2))]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=40, help="copies of each converted text (default 40)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds; the median is shown (default 3)")
    ap.add_argument("--graphs", type=Path, help="push these graph files (a build's OUT/graphs) instead of copies")
    args = ap.parse_args()
    m = measure(args.copies, args.rounds, graphs=args.graphs)
    print(f"{m['graphs']} graphs, {m['triples']} triples, {m['mb']:.1f} MB of N-Quads; "
          f"median of {m['rounds']} rounds")
    print(f"{'method':34s} {'seconds':>8s} {'triples/s':>11s} {'vs raw':>7s}")
    for row in m["methods"]:
        print(f"{row['method']:34s} {row['seconds']:8.2f} {row['triples_per_s']:11d} {row['share_of_raw']:7.0%}")


if __name__ == "__main__":
    main()
