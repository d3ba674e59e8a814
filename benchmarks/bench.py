"""treatykg at collection scale: throughput, memory and growth, per stage, for ``build`` and
for the site, against issue 21's targets, side by side in one run.

    .venv/bin/python benchmarks/bench.py                      # sizes 1000,2000,5000,20000 (make bench)
    .venv/bin/python benchmarks/bench.py --sizes 200,1000     # a quick run
    .venv/bin/python benchmarks/bench.py --sizes 100 --push-copies 2 --out /tmp/r   # a smoke test
    .venv/bin/python benchmarks/bench.py --sizes 200 --no-build --big-only

For each size N a collection of N distinct texts is generated from ``data/*.txt``
(:mod:`generate`, deterministic with ``--seed``) and measured:

extract / convert / validate
    documents per second in one process, one document at a time: ``api.extract``;
    extract + ``rdf.serialize(record, "nq")``; ``validate.validate_record`` (record ->
    quads -> SHACL) with the fast engine (what ``build`` uses) and, for comparison, with
    pySHACL. extract and convert run over the whole collection; validate over the first
    ``--validate-sample`` documents (pySHACL: a tenth of them), which mix the six
    reference texts in equal parts like the whole collection.
build
    ``treatykg.build.build(DIR, OUT, workers=W, force=True)`` (data only: the site is its
    own stage) in a fresh subprocess, from scratch: wall time, documents/s, quads, failures,
    and the memory of every process it starts (:class:`TreeSampler`: each process's own peak,
    VmHWM, grouped by role: main, workers, a store process, others).
bulk load
    after the build, pyoxigraph's own bulk load of the same quads: one
    ``Store(fresh dir).bulk_load`` of every ``OUT/graphs/**/*.nq`` streamed in order, in a
    fresh process; the build's wall time divided by it (target <= 2.5).
site
    ``treatykg site OUT`` on the build, in a fresh process: HTML pages per second; then a
    second run on the unchanged build: its time, the annotated pages it rendered again
    (should be 0) and the files it rewrote.
evidence
    at the target size (``--target-size``, default 2,000, or the closest size run): per
    evidence mode (compact, full, none) quads per document and documents/s of extract +
    ``rdf.serialize(record, "nq", evidence=MODE)`` in one process, the seed document's quads,
    and a build per mode (the compact one is the build above).
growth
    the time per document at size N divided by the time per document at the previous
    size: 1.0 is linear; above ~1.2 the cost grows faster than the collection.

Plus the single-file benchmark: one ~1 MB text (the 1958 joint statement with its body
paragraphs repeated) extracted and converted to N-Quads (target: under 2 s), and the
push benchmark (:mod:`bench_push`): ``treatykg push`` of the target-size build's graph files
to a local Oxigraph server against one raw Graph Store upload of the same N-Quads (target:
at least 70 % of its rate into an empty store).

Results: ``benchmarks/results/results.json``, ``results.md`` (a targets table, then a table
per measurement) and ``scaling.svg`` (documents/s and peak memory against collection size).
The numbers are the machine's: ``uptime`` load is recorded with them. This never fails on speed.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

RESULTS = HERE / "results"


# ---------------------------------------------------------------- helpers
def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


def _status_kib(pid: int | str, field: str = "VmRSS") -> int:
    """A memory field of /proc/PID/status in KiB: VmRSS (resident now) or VmHWM (the
    process's own peak since its exec; 0 when the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def _descendants(root: int) -> list[int]:
    found, todo, seen = [], list(_children(root)), {root}
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        found.append(pid)
        todo += _children(pid)
    return found


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return [a.decode("utf-8", "replace") for a in fh.read().split(b"\0") if a]
    except OSError:
        return []


def _holds_open(pid: int, folder: str) -> bool:
    """Whether process ``pid`` has a file under ``folder`` open (e.g. the store's tables)."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(folder):
                return True
        except OSError:
            pass
    return False


def process_role(argv: list[str]) -> str:
    """What a child process is, from its command line alone: ``worker`` (a spawned
    multiprocessing child: the build's and the site's pools), ``resource tracker``,
    ``forkserver``, else the program's name and its first argument (``oxigraph serve``).
    :class:`TreeSampler` makes a process that holds the store open ``store``."""
    joined = " ".join(argv)
    if "multiprocessing.resource_tracker" in joined:
        return "resource tracker"
    if "multiprocessing.forkserver" in joined:
        return "forkserver"
    if "multiprocessing.spawn" in joined or "--multiprocessing-fork" in joined:
        return "worker"
    if not argv:
        return "?"
    prog = os.path.basename(argv[0])
    rest = [a for a in argv[1:] if not a.startswith("-")]
    if prog.startswith("python") and "-m" in argv[1:-1]:
        return f"{prog} -m {argv[argv.index('-m') + 1]}"
    return f"{prog} {os.path.basename(rest[0])}" if rest else prog


class TreeSampler(threading.Thread):
    """Memory of a process and of every process it starts, sampled from /proc: the peak of
    their summed resident memory (``peak_kib``), and per process its own peak (VmHWM) and
    role (``processes``: pid -> {"role", "cmd", "hwm_kib"}). Children are found by walking
    ``/proc/PID/task/PID/children`` from the root at every sample, so whatever the process
    starts (pool workers, a store process, a server) is seen, grouped by :func:`process_role`;
    a child holding a file under ``store_dir`` open (at two checks 0.5 s apart) is a ``store``
    process. What is sampled of a child before its exec (its parent's command line, memory
    and open files, between fork and exec) is dropped when its command line changes.

    Not ``getrusage(RUSAGE_CHILDREN).ru_maxrss``: Linux records in a child's maxrss the
    resident size of the memory it was forked from, before its exec, so a worker started
    by a 400 MiB process reports at least 400 MiB. VmHWM belongs to the process's own
    memory after its exec. A process's last sample is taken at most ``every`` seconds
    before it ends."""

    def __init__(self, pid: int, every: float = 0.05, store_dir: Path | None = None):
        super().__init__(daemon=True)
        self.pid, self.every, self._halt = pid, every, threading.Event()
        self.store_dir = str(store_dir) if store_dir else None
        self.peak_kib = 0
        self.processes: dict[int, dict] = {}

    @property
    def child_peak_kib(self) -> int:
        """The largest VmHWM of any child (of any role)."""
        return max([0] + [p["hwm_kib"] for p in self.processes.values()])

    def run(self) -> None:
        tick = 0
        while not self._halt.is_set():
            kids = _descendants(self.pid)
            self.peak_kib = max(self.peak_kib, _status_kib(self.pid) + sum(_status_kib(k) for k in kids))
            for k in kids:
                argv = _cmdline(k)
                if not argv:  # gone
                    continue
                p = self.processes.get(k)
                if p is None or p["argv"] != argv:
                    # new, or it has just exec'd: a child sampled between its fork and its exec
                    # shows its parent's command line, memory (VmHWM) and open files, so what
                    # was sampled before the exec is forgotten
                    p = self.processes[k] = {"role": process_role(argv), "cmd": " ".join(argv)[:200],
                                             "argv": argv, "hwm_kib": 0, "store_checks": 0}
                p["hwm_kib"] = max(p["hwm_kib"], _status_kib(k, "VmHWM"))
                if self.store_dir and p["role"] != "store" and tick % 10 == 0 and _holds_open(k, self.store_dir):
                    p["store_checks"] += 1
                    if p["store_checks"] >= 2:  # twice, 0.5 s apart: not a fork on its way to an exec
                        p["role"] = "store"
            tick += 1
            self._halt.wait(self.every)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak_kib

    def summary(self) -> list[dict]:
        return [{"pid": pid, "role": p["role"], "cmd": p["cmd"], "hwm_mib": round(p["hwm_kib"] / 1024, 1)}
                for pid, p in self.processes.items()]

    def by_role(self) -> dict[str, dict]:
        """Per role: how many processes, the largest VmHWM (MiB), and the sum of their VmHWMs."""
        out: dict[str, dict] = {}
        for p in self.processes.values():
            r = out.setdefault(p["role"], {"processes": 0, "peak_mib": 0.0, "sum_peaks_mib": 0.0})
            r["processes"] += 1
            r["peak_mib"] = max(r["peak_mib"], p["hwm_kib"] / 1024)
            r["sum_peaks_mib"] += p["hwm_kib"] / 1024
        return dict(sorted(out.items()))


def _timed(fn, items) -> float:
    gc.collect()
    t = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - t


# ---------------------------------------------------------------- stages
def bench_stages(files: list[Path], validate_sample: int) -> dict:
    from treatykg import rdf
    from treatykg.api import extract
    from treatykg.validate import validate_record

    # warm up: imports, gazetteer, shapes, prepared SPARQL queries
    for f in files[:6]:
        validate_record(extract(f))
    out = {}
    t = _timed(extract, files)
    out["extract"] = {"documents": len(files), "seconds": t, "docs_per_s": len(files) / t}
    t = _timed(lambda f: rdf.serialize(extract(f), "nq"), files)
    out["convert"] = {"documents": len(files), "seconds": t, "docs_per_s": len(files) / t}
    sample = files[:validate_sample]
    records = [extract(f) for f in sample]
    t = _timed(lambda r: validate_record(r, engine="fast"), records)
    out["validate"] = {"documents": len(sample), "seconds": t, "docs_per_s": len(sample) / t}
    few = records[:max(6, len(records) // 10)]
    t = _timed(lambda r: validate_record(r, engine="pyshacl"), few)
    out["validate_pyshacl"] = {"documents": len(few), "seconds": t, "docs_per_s": len(few) / t}
    return out


_BUILD_SCRIPT = """
import json, resource, sys, time
from treatykg.build import build
t = time.perf_counter()
r = build(sys.argv[1], sys.argv[2], workers=int(sys.argv[3]) or None, force=True, evidence=sys.argv[4])
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "converted": r.converted, "failed": len(r.failed),
                  "triples": r.triples, "first_failure": (r.failed[0].reason if r.failed else None),
                  "self_hwm_kib": [int(l.split()[1]) for l in open("/proc/self/status")
                                   if l.startswith("VmHWM:")][0],
                  "main_cpu_s": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
                  "workers_cpu_s": sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])}))
"""


def _memory(res: dict, sampler: TreeSampler, peak_kib: int) -> dict:
    """The memory fields of a stage run in a subprocess: its tree's peak, the main process's
    own VmHWM, the largest worker's, and every role of child process."""
    roles = sampler.by_role()
    return {"peak_tree_rss_mib": peak_kib / 1024,
            "peak_single_process_rss_mib": max(res["self_hwm_kib"], sampler.child_peak_kib) / 1024,
            "main_process_rss_mib": res["self_hwm_kib"] / 1024,
            "worker_rss_mib": roles.get("worker", {}).get("peak_mib", 0.0),
            "workers_seen": roles.get("worker", {}).get("processes", 0),
            "children": roles, "processes": sampler.summary()}


def _run_sampled(args: list[str], store_dir: Path | None) -> tuple[dict, TreeSampler, int, float]:
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    sampler = TreeSampler(proc.pid, store_dir=store_dir)
    sampler.start()
    stdout, stderr = proc.communicate()
    peak = sampler.stop()
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{args[1:]} failed ({proc.returncode}):\n{stderr[-2000:]}")
    return json.loads(stdout.strip().splitlines()[-1]), sampler, peak, elapsed


def bench_build(src: Path, out: Path, workers: int, evidence: str = "compact") -> dict:
    """``treatykg.build.build`` (data only: no site) in a fresh process, from scratch."""
    shutil.rmtree(out, ignore_errors=True)
    res, sampler, peak, elapsed = _run_sampled([_BUILD_SCRIPT, str(src), str(out), str(workers), evidence],
                                               out / "store")
    n = res["converted"]
    return {"documents": n, "evidence": evidence, "seconds": res["wall"], "process_seconds": elapsed,
            "docs_per_s": n / res["wall"], "failed": res["failed"], "first_failure": res["first_failure"],
            "triples": res["triples"], "quads_per_doc": res["triples"] / n if n else 0.0,
            **_memory(res, sampler, peak),
            "main_cpu_s": res["main_cpu_s"], "workers_cpu_s": res["workers_cpu_s"],
            "workers": workers or os.cpu_count()}


_BULK_SCRIPT = """
import io, json, sys, time
from pathlib import Path
import pyoxigraph as ox

class Concat(io.RawIOBase):
    # every file, in order, as one stream (a newline between files that lack one)
    def __init__(self, files):
        self.files, self.fh, self.bytes = iter(files), None, 0
    def readable(self):
        return True
    def readinto(self, buf):
        while True:
            if self.fh is None:
                f = next(self.files, None)
                if f is None:
                    return 0
                self.fh = open(f, "rb")
            n = self.fh.readinto(buf)
            if n:
                self.bytes += n
                return n
            self.fh.close()
            self.fh = None
            buf[0:1] = b"\\n"
            self.bytes += 1
            return 1

files = sorted(Path(sys.argv[1]).rglob("*.nq"))
t = time.perf_counter()
store = ox.Store(sys.argv[2])
stream = Concat(files)
store.bulk_load(io.BufferedReader(stream, 1 << 20), format=ox.RdfFormat.N_QUADS)
store.flush()
wall = time.perf_counter() - t
print(json.dumps({"files": len(files), "bytes": stream.bytes, "seconds": wall, "quads": len(store)}))
"""


def bench_bulk_load(out: Path, build_seconds: float) -> dict:
    """pyoxigraph's own bulk load of what the build wrote: every ``OUT/graphs/**/*.nq``, in
    one ``Store(fresh dir).bulk_load`` of the files streamed one after the other (opening
    the store, loading and flushing timed; in a fresh process)."""
    target = out.parent / (out.name + "-bulk-store")
    shutil.rmtree(target, ignore_errors=True)
    proc = subprocess.run([sys.executable, "-c", _BULK_SCRIPT, str(out / "graphs"), str(target)],
                          capture_output=True, text=True)
    shutil.rmtree(target, ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit(f"bulk load failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["method"] = "one bulk_load of every graphs/**/*.nq file, streamed in order"
    res["quads_per_s"] = res["quads"] / res["seconds"] if res["seconds"] else 0.0
    res["build_ratio"] = build_seconds / res["seconds"] if res["seconds"] else 0.0
    return res


_SITE_SCRIPT = """
import collections, json, resource, sys, time
import treatykg.site as S
plans = collections.Counter()
_Site = getattr(S, "_Site", None)
_orig = getattr(_Site, "_plan", None)
if _orig is not None:
    # count what the site decides per annotated page: "render", "cached" (not rendered
    # again) or "facts" (a page without its text); the pages themselves are untouched
    def _plan(self, d, cached):
        r = _orig(self, d, cached)
        plans[r[0]] += 1
        return r
    _Site._plan = _plan
from treatykg.cli import main
argv = ["site", sys.argv[1]] + (["--workers", sys.argv[2]] if int(sys.argv[2]) else [])
t = time.perf_counter()
try:
    main(argv)
except SystemExit as exc:
    if exc.code:
        raise
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "plans": dict(plans) if _orig is not None else None,
                  "self_hwm_kib": [int(l.split()[1]) for l in open("/proc/self/status")
                                   if l.startswith("VmHWM:")][0],
                  "main_cpu_s": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
                  "workers_cpu_s": sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])}))
"""


def _site_files(out: Path) -> dict[str, int]:
    root = out / "site"
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")
            if p.is_file() and p.suffix in (".html", ".svg")} if root.is_dir() else {}


def bench_site(out: Path, workers: int) -> dict:
    """``treatykg site OUT`` on the build just made, twice: the first run writes every page
    (pages/s = HTML pages in OUT/site / wall s); the second, on the unchanged build, should
    render no annotated page again (counted by wrapping the site's plan per page) and
    rewrite no file (modification times compared)."""
    runs = []
    for _ in range(2):
        before = _site_files(out)
        res, sampler, peak, elapsed = _run_sampled([_SITE_SCRIPT, str(out), str(workers)], out / "store")
        after = _site_files(out)
        html = [p for p in after if p.endswith(".html")]
        kinds = {"doc": 0, "person": 0, "state": 0, "other": 0}
        for p in html:
            kinds[p.split("/", 1)[0] if "/" in p and p.split("/", 1)[0] in kinds else "other"] += 1
        plans = res["plans"]
        runs.append({"seconds": res["wall"], "process_seconds": elapsed, "pages": len(html),
                     "pages_by_kind": kinds, "svg": len(after) - len(html),
                     "pages_per_s": len(html) / res["wall"] if res["wall"] else 0.0,
                     "rendered": plans.get("render", 0) if plans is not None else None,
                     "cached": plans.get("cached", 0) if plans is not None else None,
                     "facts_pages": plans.get("facts", 0) if plans is not None else None,
                     "files_written": sum(1 for p, m in after.items() if before.get(p) != m),
                     **_memory(res, sampler, peak),
                     "main_cpu_s": res["main_cpu_s"], "workers_cpu_s": res["workers_cpu_s"]})
    return {"first": runs[0], "again": runs[1]}


def bench_evidence(files: list[Path], seed: Path) -> dict:
    """Per evidence mode (``rdf.EVIDENCE_MODES``), in one process: extract +
    ``rdf.serialize(record, "nq", evidence=mode)`` of every file (docs/s, quads per
    document), and the seed document's quads."""
    from treatykg import rdf
    from treatykg.api import extract

    modes = getattr(rdf, "EVIDENCE_MODES", ("compact",))
    for f in files[:6]:
        for mode in modes:
            rdf.serialize(extract(f), "nq", evidence=mode)
    out = {}
    seed_record = extract(seed)
    for mode in modes:
        quads = []
        t = _timed(lambda f: quads.append(rdf.serialize(extract(f), "nq", evidence=mode).count(b"\n")), files)
        out[mode] = {"documents": len(files), "seconds": t, "docs_per_s": len(files) / t,
                     "quads": sum(quads), "quads_per_doc": sum(quads) / len(files),
                     "seed_quads": rdf.serialize(seed_record, "nq", evidence=mode).count(b"\n")}
    return out


def bench_big(work: Path, size: int = 1_000_000) -> dict:
    from treatykg import rdf
    from treatykg.api import extract

    path = work / "big.txt"
    path.write_bytes(generate.big_text(size).encode("utf-8"))
    runs = []
    for _ in range(3):
        gc.collect()
        t0 = time.perf_counter()
        record = extract(path)
        t1 = time.perf_counter()
        nq = rdf.serialize(record, "nq")
        t2 = time.perf_counter()
        runs.append((t1 - t0, t2 - t1, t2 - t0))
    best = min(runs, key=lambda r: r[2])
    return {"bytes": path.stat().st_size, "characters": record.source.length, "quads": nq.count(b"\n"),
            "annotations": sum(len(v) for v in record.evidence().values()),
            "extract_s": best[0], "serialize_s": best[1], "convert_s": best[2],
            "convert_runs_s": [round(r[2], 3) for r in runs], "target_s": 2.0}


# ---------------------------------------------------------------- output
#: issue 21's targets, measured side by side (see :func:`targets`)
TARGET_SIZE = 2000          # documents: the build and site targets are at this size
BUILD_DOCS_PER_S = 150.0
BULK_LOAD_RATIO = 2.5
COMPACT_SHARE = 0.40        # quads/doc with default evidence, of today's (the full selectors)
SEED_QUADS = 1400
SITE_PAGES_PER_S = 100.0
MAIN_MEMORY_GROWTH = 1.3    # main process peak at 20k / at 1k
PUSH_SHARE = 0.70
SEED = "1958-02-19_cn-kp_joint-statement.txt"


def _closest(rows: list[dict], want: int, key) -> dict | None:
    """The row at ``want`` documents that has ``key`` (a function of the row), else the
    row closest to it that does."""
    have = [r for r in rows if key(r) is not None]
    return min(have, key=lambda r: (abs(r["documents"] - want), -r["documents"])) if have else None


def _at(row: dict, want: int) -> str:
    return f"{row['documents']:,} docs" + ("" if row["documents"] == want else f" (not {want:,})")


def targets(data: dict) -> list[dict]:
    """Each issue-21 target with the value this run measured and whether it is met (None:
    not measured in this run)."""
    rows, out = data["sizes"], []

    def add(target, measured, met, where=""):
        out.append({"target": target, "measured": measured, "met": met, "where": where})

    r = _closest(rows, TARGET_SIZE, lambda r: r.get("build"))
    if r:
        v = r["build"]["docs_per_s"]
        add(f"`build` ≥ {BUILD_DOCS_PER_S:.0f} docs/s on {TARGET_SIZE:,} variants (default evidence, no site)",
            f"{v:.1f} docs/s", v >= BUILD_DOCS_PER_S, _at(r, TARGET_SIZE))
    else:
        add(f"`build` ≥ {BUILD_DOCS_PER_S:.0f} docs/s on {TARGET_SIZE:,} variants", "not measured", None)
    r = _closest(rows, TARGET_SIZE, lambda r: r.get("bulk_load"))
    if r:
        v = r["bulk_load"]["build_ratio"]
        add(f"`build` wall ≤ {BULK_LOAD_RATIO}× pyoxigraph's bulk load of the same quads", f"×{v:.2f}",
            v <= BULK_LOAD_RATIO, _at(r, TARGET_SIZE))
    else:
        add(f"`build` wall ≤ {BULK_LOAD_RATIO}× pyoxigraph's bulk load", "not measured", None)
    r = _closest(rows, TARGET_SIZE, lambda r: r.get("evidence"))
    ev = r["evidence"] if r else {}
    if "compact" in ev and "full" in ev:
        share = ev["compact"]["quads_per_doc"] / ev["full"]["quads_per_doc"]
        add(f"quads/doc, default evidence ≤ {COMPACT_SHARE:.0%} of today's (`--evidence full`)",
            f"{ev['compact']['quads_per_doc']:.0f} / {ev['full']['quads_per_doc']:.0f} = {share:.0%}",
            share <= COMPACT_SHARE, _at(r, TARGET_SIZE))
    else:
        add(f"quads/doc, default evidence ≤ {COMPACT_SHARE:.0%} of today's", "not measured", None)
    if "compact" in ev:
        v = ev["compact"]["seed_quads"]
        add(f"the seed ({SEED}) ≤ {SEED_QUADS:,} quads", f"{v:,}", v <= SEED_QUADS, "one document")
    else:
        add(f"the seed ≤ {SEED_QUADS:,} quads", "not measured", None)
    r = _closest(rows, TARGET_SIZE, lambda r: r.get("site"))
    if r:
        v = r["site"]["first"]["pages_per_s"]
        add(f"site ≥ {SITE_PAGES_PER_S:.0f} pages/s", f"{v:.1f} pages/s", v >= SITE_PAGES_PER_S,
            _at(r, TARGET_SIZE))
    else:
        add(f"site ≥ {SITE_PAGES_PER_S:.0f} pages/s", "not measured", None)
    sites = [r for r in rows if r.get("site")]
    if sites:
        again = [r["site"]["again"] for r in sites]
        rendered = [a["rendered"] for a in again]
        known = [x for x in rendered if x is not None]
        written = sum(a["files_written"] for a in again)
        add("unchanged pages are not rendered again (a second `site` run)",
            (f"{sum(known)} rendered again" if known else "rendered: unknown") + f", {written} files rewritten",
            (sum(known) == 0 and written == 0) if known else None,
            "every site run: " + ", ".join(f"{r['documents']:,}" for r in sites))
    else:
        add("unchanged pages are not rendered again", "not measured", None)
    built = [r for r in rows if r.get("build")]
    # at 1,000 and 20,000 documents; else the smallest and the largest build
    lo = next((r for r in built if r["documents"] == 1000), built[0] if built else None)
    hi = next((r for r in built if r["documents"] == 20000), built[-1] if built else None)
    if lo and hi and hi["documents"] > lo["documents"]:
        v = hi["build"]["main_process_rss_mib"] / lo["build"]["main_process_rss_mib"]
        add(f"`build` main process peak at 20k ≤ {MAIN_MEMORY_GROWTH}× its peak at 1k",
            f"{hi['build']['main_process_rss_mib']:.0f} / {lo['build']['main_process_rss_mib']:.0f} MiB = ×{v:.2f}",
            v <= MAIN_MEMORY_GROWTH,
            f"{hi['documents']:,} / {lo['documents']:,} docs"
            + ("" if (lo["documents"], hi["documents"]) == (1000, 20000) else " (not 20,000 / 1,000)"))
    else:
        add(f"`build` main process peak at 20k ≤ {MAIN_MEMORY_GROWTH}× at 1k",
            "not measured (needs two build sizes)", None)
    push = data.get("push")
    if push:
        v = push["methods"][1]["share_of_raw"]
        add(f"push ≥ {PUSH_SHARE:.0%} of a raw Graph Store upload (empty store)", f"{v:.0%}", v >= PUSH_SHARE,
            push.get("source", ""))
    else:
        add(f"push ≥ {PUSH_SHARE:.0%} of a raw Graph Store upload", "not measured", None)
    big = data.get("big")
    if big:
        add("one ~1 MB text to N-Quads < 2 s (earlier target)", f"{big['convert_s']:.2f} s",
            big["convert_s"] < big["target_s"], f"{big['characters']:,} characters")
    add("every test passes; `view` shows the same facts and quotes", "not measured here: `make test`", None)
    return out


def _mib(v: float) -> str:
    return f"{v:.0f}"


def _children_cell(mem: dict) -> str:
    others = {k: v for k, v in mem.get("children", {}).items() if k != "worker"}
    return "; ".join(f"{k} ×{v['processes']}: {v['peak_mib']:.0f}" for k, v in others.items()) or "none"


def write_markdown(data: dict, path: Path) -> None:
    m = data["machine"]
    lines = [
        "# treatykg benchmark results",
        "",
        f"Measured {data['when']} on {m['cpus']} CPUs ({m['platform']}, Python {m['python']}); "
        f"load average before/after: {data['load_before']} / {data['load_after']}; "
        f"the run took {data.get('duration_s', 0) / 60:.1f} min.",
        f"Command: `{data['command']}`",
        "",
        "## Targets (issue 21)",
        "",
        "| target | measured | where | met |",
        "|---|---:|---|---|",
    ]
    for t in data.get("targets", []):
        met = {True: "yes", False: "**no**", None: "—"}[t["met"]]
        lines.append(f"| {t['target']} | {t['measured']} | {t['where']} | {met} |")
    lines += [
        "",
        "## Collection",
        "",
        "Documents per second. extract, convert and validate run in one process; `build` "
        "(`treatykg.build.build`: data only, no site) uses all workers.",
        "",
        "| documents | extract docs/s | convert docs/s | validate docs/s (sample) | validate with pySHACL docs/s (sample) "
        "| build docs/s | build wall s | CPU s main / workers | quads (documents) | quads/doc | failed "
        "| growth (per-doc time vs previous size) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in data["sizes"]:
        s, b, g = row["stages"], row.get("build"), row.get("growth", {})
        growth = ", ".join(f"{k} ×{v:.2f}" for k, v in g.items()) or "—"
        vp = s.get("validate_pyshacl")
        pyshacl_cell = f"{vp['docs_per_s']:.1f} ({vp['documents']})" if vp else "—"
        lines.append(
            f"| {row['documents']} | {s['extract']['docs_per_s']:.0f} | {s['convert']['docs_per_s']:.0f} "
            f"| {s['validate']['docs_per_s']:.1f} ({s['validate']['documents']}) "
            f"| {pyshacl_cell} "
            + (f"| {b['docs_per_s']:.1f} | {b['seconds']:.1f} "
               f"| {b['main_cpu_s']:.0f} / {b['workers_cpu_s']:.0f} | {b['triples']} | {b['quads_per_doc']:.0f} "
               f"| {b['failed']} "
               if b else "| — | — | — | — | — | — ")
            + f"| {growth} |")
    bulk = [r for r in data["sizes"] if r.get("bulk_load")]
    if bulk:
        lines += ["", "## Build against pyoxigraph's own bulk load", "",
                  "After each build, a fresh process loads every `OUT/graphs/**/*.nq` into a new "
                  "`pyoxigraph.Store(dir)` with **one** `bulk_load` of the files streamed one after the "
                  "other (store opened, loaded and flushed: timed). The build loads its store in "
                  "batches of graphs; ratio = build wall ÷ bulk-load wall.", "",
                  "| documents | build wall s | graph files | MB | quads loaded (all files) "
                  "| the build's quads (documents) | bulk_load s | quads/s | build ÷ bulk load |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in bulk:
            bl, b = r["bulk_load"], r["build"]
            lines.append(f"| {r['documents']} | {b['seconds']:.1f} | {bl['files']} | {bl['bytes'] / 1e6:.1f} "
                         f"| {bl['quads']} | {b['triples']} | {bl['seconds']:.2f} | {bl['quads_per_s']:.0f} "
                         f"| ×{bl['build_ratio']:.2f} |")
    sites = [r for r in data["sizes"] if r.get("site")]
    if sites:
        lines += ["", "## Site", "",
                  "`treatykg site OUT` on the build just made (fresh process, all workers), then again on "
                  "the unchanged build. pages/s = HTML pages in `OUT/site` ÷ wall s of the first run. "
                  "*rendered*: annotated document pages the site rendered (the rest it found current in "
                  "`OUT/.site-pages.json`: *cached*); *files rewritten*: pages and pictures whose "
                  "modification time changed.", "",
                  "| documents | HTML pages (doc / person / state / other) | first run s | pages/s | rendered "
                  "| again: s | rendered again | cached | files rewritten |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in sites:
            f, a = r["site"]["first"], r["site"]["again"]
            k = f["pages_by_kind"]

            def n(v):
                return "?" if v is None else str(v)
            lines.append(f"| {r['documents']} | {f['pages']} ({k['doc']} / {k['person']} / {k['state']} / "
                         f"{k['other']}) | {f['seconds']:.1f} | {f['pages_per_s']:.1f} | {n(f['rendered'])} "
                         f"| {a['seconds']:.1f} | {n(a['rendered'])} | {n(a['cached'])} | {a['files_written']} |")
    mem_rows = []
    for r in data["sizes"]:
        if r.get("build"):
            mem_rows.append((r["documents"], "build", r["build"]))
        for mode, b in (r.get("evidence_builds") or {}).items():
            mem_rows.append((r["documents"], f"build --evidence {mode}", b))
        if r.get("site"):
            mem_rows.append((r["documents"], "site", r["site"]["first"]))
            mem_rows.append((r["documents"], "site again", r["site"]["again"]))
    if mem_rows:
        lines += ["", "## Peak memory per process", "",
                  "MiB. Each process's own peak (`VmHWM` from `/proc`, not `ru_maxrss`); the child "
                  "processes are found by walking `/proc/PID/task/PID/children` from the stage's process "
                  "every 50 ms and grouped by command line (*worker*: a spawned multiprocessing child; "
                  "*store*: a child holding `OUT/store` open; others by program name), each group's "
                  "largest peak shown. *all processes*: the largest sum of resident memory over the tree "
                  "at one sample (sampled, so it can be below *main*, a peak the kernel keeps).", "",
                  "| documents | stage | all processes | main | largest worker (workers seen) | other children |",
                  "|---:|---|---:|---:|---:|---|"]
        for n, stage, mem in mem_rows:
            lines.append(f"| {n} | {stage} | {_mib(mem['peak_tree_rss_mib'])} | {_mib(mem['main_process_rss_mib'])} "
                         f"| {_mib(mem['worker_rss_mib'])} ({mem.get('workers_seen', '?')}) | {_children_cell(mem)} |")
        built = [r for r in data["sizes"] if r.get("build")]
        if len(built) > 1:
            base = built[0]["build"]["main_process_rss_mib"]
            lines += ["", "Main process of the build against the smallest build ("
                      f"{built[0]['documents']:,} docs): "
                      + ", ".join(f"{r['documents']:,} ×{r['build']['main_process_rss_mib'] / base:.2f}"
                                  for r in built[1:]) + "."]
    ev_rows = [r for r in data["sizes"] if r.get("evidence")]
    for r in ev_rows:
        ev, builds = r["evidence"], dict(r.get("evidence_builds") or {})
        if r.get("build") and r["build"].get("evidence", "compact") == "compact":
            builds.setdefault("compact", r["build"])
        full = ev.get("full", {}).get("quads_per_doc")
        lines += ["", f"## Evidence: compact, full, none ({r['documents']:,} documents)", "",
                  "convert: extract + `rdf.serialize(record, \"nq\", evidence=MODE)` in one process; "
                  "build: `build(..., evidence=MODE)` (data only)"
                  + ("" if builds.keys() >= set(ev) else "; a build per mode was not run for every mode "
                     "(`--no-evidence-builds`, or no build at this size)") + f"; seed: `data/{SEED}`.", "",
                  "| evidence | quads/doc (convert) | of full | convert docs/s | seed quads "
                  "| build docs/s | build quads/doc | build wall s |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for mode, e in ev.items():
            b = builds.get(mode)
            share = f"{e['quads_per_doc'] / full:.0%}" if full else "—"
            label = mode + (" (default)" if mode == "compact" else "")
            lines.append(f"| {label} | {e['quads_per_doc']:.0f} | {share} | {e['docs_per_s']:.0f} | {e['seed_quads']} "
                         + (f"| {b['docs_per_s']:.1f} | {b['quads_per_doc']:.0f} | {b['seconds']:.1f} |"
                            if b else "| — | — | — |"))
    big = data.get("big")
    if big:
        ok = "meets" if big["convert_s"] < big["target_s"] else "misses"
        lines += ["", "## One large text", "",
                  f"{big['bytes']} bytes ({big['characters']} characters, {big['annotations']} evidence "
                  f"annotations, {big['quads']} quads): extract {big['extract_s']:.2f} s + serialize N-Quads "
                  f"{big['serialize_s']:.2f} s = **{big['convert_s']:.2f} s** (best of "
                  f"{len(big['convert_runs_s'])}: {big['convert_runs_s']}), {ok} the {big['target_s']:.0f} s target."]
    push = data.get("push")
    if push:
        lines += ["", "## Push", "",
                  f"`treatykg push` to a local Oxigraph server against one raw Graph Store POST of the same "
                  f"N-Quads ({push.get('source', '')}: {push['graphs']} graphs, {push['triples']} triples, "
                  f"{push['mb']} MB; median of {push['rounds']} rounds, fresh servers; "
                  f"`benchmarks/bench_push.py`). Target: push into an empty store at least "
                  f"{push['target_share']:.0%} of the raw rate.", "",
                  "| method | seconds | triples/s | share of raw |", "|---|---:|---:|---:|"]
        lines += [f"| {m['method']} | {m['seconds']:.2f} | {m['triples_per_s']} | {m['share_of_raw']:.0%} |"
                  for m in push["methods"]]
    lines += ["", "Growth ×1.00 is linear; the stages run in one process, `build` uses "
              "all workers. See benchmarks/README.md for how to read this.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def write_svg(data: dict, path: Path) -> None:
    """Two panels, log-scaled size axis: documents/s per stage, and build peak memory."""
    rows = data["sizes"]
    W, H, pad, gap = 860, 360, 60, 70
    pw = (W - 2 * pad - gap) / 2
    ph = H - 2 * pad
    import math

    xs = [r["documents"] for r in rows]
    lo, hi = math.log10(min(xs)), math.log10(max(xs))
    span = (hi - lo) or 1.0

    def x_of(n: float, panel: int) -> float:
        x0 = pad + panel * (pw + gap)
        return x0 + (math.log10(n) - lo) / span * pw if len(xs) > 1 else x0 + pw / 2

    series = {"extract": "#1f77b4", "convert": "#2ca02c", "validate": "#d62728", "build": "#9467bd"}
    values = {k: [(r["documents"], (r["build"]["docs_per_s"] if k == "build" and r.get("build") else
                                    r["stages"][k]["docs_per_s"] if k != "build" else None)) for r in rows]
              for k in series}
    ymax = max(v for pts in values.values() for _, v in pts if v) * 1.15
    ylog_lo = math.log10(max(min(v for pts in values.values() for _, v in pts if v) / 2, 0.1))
    ylog_hi = math.log10(ymax)

    def y_rate(v: float) -> float:
        return pad + ph - (math.log10(v) - ylog_lo) / (ylog_hi - ylog_lo) * ph

    mem = [(r["documents"], r["build"]["peak_tree_rss_mib"]) for r in rows if r.get("build")]
    mmax = max([m for _, m in mem] + [1024]) * 1.1

    def y_mem(v: float) -> float:
        return pad + ph - v / mmax * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="18" text-anchor="middle" font-size="14">treatykg at scale — '
           f'{data["machine"]["cpus"]} CPUs, load {data["load_before"]}</text>']
    for panel, title in enumerate(("documents/s (log scale)", "build peak RSS, whole process tree (MiB)")):
        x0 = pad + panel * (pw + gap)
        out.append(f'<rect x="{x0}" y="{pad}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>')
        out.append(f'<text x="{x0 + pw / 2}" y="{pad - 10}" text-anchor="middle">{title}</text>')
        for n in xs:
            out.append(f'<line x1="{x_of(n, panel):.1f}" y1="{pad + ph}" x2="{x_of(n, panel):.1f}" '
                       f'y2="{pad + ph + 5}" stroke="#888"/>')
            out.append(f'<text x="{x_of(n, panel):.1f}" y="{pad + ph + 18}" text-anchor="middle">{n}</text>')
        out.append(f'<text x="{x0 + pw / 2}" y="{pad + ph + 36}" text-anchor="middle">documents in the collection</text>')
    # rate ticks (decades)
    for e in range(math.floor(ylog_lo), math.ceil(ylog_hi) + 1):
        v = 10 ** e
        if ylog_lo <= e <= ylog_hi:
            y = y_rate(v)
            out.append(f'<line x1="{pad}" y1="{y:.1f}" x2="{pad + pw}" y2="{y:.1f}" stroke="#eee"/>')
            out.append(f'<text x="{pad - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>')
    legend = [f'<rect x="{pad + 3}" y="{pad + 3}" width="62" height="{13 * len(series) + 6}" '
               f'fill="white" fill-opacity="0.85" stroke="#ccc"/>']
    for i, (name, colour) in enumerate(series.items()):
        pts = [(x_of(n, 0), y_rate(v)) for n, v in values[name] if v]
        if pts:
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                       + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
            out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in pts]
        legend.append(f'<text x="{pad + 8}" y="{pad + 16 + 13 * i}" fill="{colour}">{name}</text>')
    out += legend
    x1 = pad + pw + gap
    for v in range(0, int(mmax) + 1, 256 if mmax > 600 else 128):
        y = y_mem(v)
        out.append(f'<line x1="{x1}" y1="{y:.1f}" x2="{x1 + pw}" y2="{y:.1f}" stroke="#eee"/>')
        out.append(f'<text x="{x1 - 6}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
    y = y_mem(1024)
    out.append(f'<line x1="{x1}" y1="{y:.1f}" x2="{x1 + pw}" y2="{y:.1f}" stroke="#d62728" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{x1 + pw - 4}" y="{y - 4:.1f}" text-anchor="end" fill="#d62728">1 GiB target</text>')
    if mem:
        pts = [(x_of(n, 1), y_mem(m)) for n, m in mem]
        out.append('<polyline fill="none" stroke="#9467bd" stroke-width="2" points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
        out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#9467bd"/>' for x, y in pts]
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,2000,5000,20000", help="comma-separated collection sizes")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=0, help="build and site workers (default: all CPUs)")
    ap.add_argument("--validate-sample", type=int, default=1000,
                    help="documents validated per size for the validate stage (default 1000; "
                         "pySHACL: a tenth of them)")
    ap.add_argument("--work", type=Path, help="where collections and builds go (default: a temporary folder)")
    ap.add_argument("--no-build", action="store_true", help="skip the build measurement (and site, bulk load)")
    ap.add_argument("--build-sizes", help="measure build only at these sizes (default: every size)")
    ap.add_argument("--target-size", type=int, default=TARGET_SIZE,
                    help=f"the size of issue 21's targets (default {TARGET_SIZE}): evidence modes, their builds "
                         "and the push use the collection of this size, or the closest one measured")
    ap.add_argument("--no-site", action="store_true", help="skip `treatykg site` after each build")
    ap.add_argument("--site-sizes", help="run the site only after the builds of these sizes (default: every build)")
    ap.add_argument("--no-bulk-load", action="store_true",
                    help="skip pyoxigraph's own bulk load of each build's graphs")
    ap.add_argument("--no-evidence", action="store_true", help="skip the evidence modes (compact, full, none)")
    ap.add_argument("--no-evidence-builds", action="store_true",
                    help="compare the evidence modes by conversion only, without a build per mode")
    ap.add_argument("--no-big", action="store_true", help="skip the 1 MB single-file benchmark")
    ap.add_argument("--big-only", action="store_true", help="only the 1 MB single-file benchmark")
    ap.add_argument("--no-push", action="store_true",
                    help="skip the push benchmark (push to a local Oxigraph server against a raw upload)")
    ap.add_argument("--push-from", choices=("build", "copies"), default="build",
                    help="push the graph files of the build at the target size (default; copies when there "
                         "is no build), or copies of the six texts' graphs")
    ap.add_argument("--push-copies", type=int, default=40,
                    help="push benchmark without a build: copies of each reference text's graph (default 40)")
    ap.add_argument("--push-rounds", type=int, default=2, help="push benchmark rounds, median shown (default 2)")
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    a = ap.parse_args(argv)
    started = time.perf_counter()
    sizes = [] if a.big_only else sorted(int(s) for s in a.sizes.split(",") if s.strip())
    build_sizes = set(sizes) if not a.build_sizes else {int(x) for x in a.build_sizes.split(",") if x.strip()}
    if a.no_build:
        build_sizes = set()
    site_sizes = (set() if a.no_site else build_sizes if not a.site_sizes
                  else {int(x) for x in a.site_sizes.split(",") if x.strip()})
    # the collection the evidence modes, their builds and the push use: the target size or the closest
    at = min(sizes, key=lambda n: (abs(n - a.target_size), -n)) if sizes else None
    built_near = (min(build_sizes & set(sizes), key=lambda n: (abs(n - a.target_size), -n))
                  if build_sizes & set(sizes) else None)
    push_size = built_near if a.push_from == "build" and not a.no_push else None
    work = a.work or Path(tempfile.mkdtemp(prefix="treatykg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data = {"when": time.strftime("%Y-%m-%d %H:%M %Z"), "load_before": _load(),
            "command": " ".join([".venv/bin/python", "benchmarks/bench.py"]
                                + (argv if argv is not None else sys.argv[1:])),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
            "seed": a.seed, "target_size": a.target_size, "sizes": []}
    seeds = generate.load_seeds(ROOT / "data")
    push_graphs = None
    try:
        prev = None
        for n in sizes:
            src = work / f"texts-{n}"
            if not src.is_dir() or len(list(src.glob("*.txt"))) != n:
                shutil.rmtree(src, ignore_errors=True)
                src.mkdir(parents=True)
                for name, text in generate.variants(seeds, n, a.seed):
                    with open(src / name, "w", encoding="utf-8", newline="") as fh:
                        fh.write(text)
            files = sorted(src.glob("*.txt"))
            print(f"[{n}] stages ...", file=sys.stderr, flush=True)
            row = {"documents": n, "stages": bench_stages(files, min(a.validate_sample, n))}
            if n == at and not a.no_evidence:
                print(f"[{n}] evidence modes (convert) ...", file=sys.stderr, flush=True)
                row["evidence"] = bench_evidence(files, ROOT / "data" / SEED)
            if n in build_sizes:
                out = work / f"out-{n}"
                print(f"[{n}] build ...", file=sys.stderr, flush=True)
                row["build"] = bench_build(src, out, a.workers)
                if not a.no_bulk_load:
                    print(f"[{n}] pyoxigraph bulk load ...", file=sys.stderr, flush=True)
                    row["bulk_load"] = bench_bulk_load(out, row["build"]["seconds"])
                if n in site_sizes:
                    print(f"[{n}] site, twice ...", file=sys.stderr, flush=True)
                    row["site"] = bench_site(out, a.workers)
                if n == push_size:
                    push_graphs = out / "graphs"  # kept for the push benchmark
                else:
                    shutil.rmtree(out, ignore_errors=True)
                if n == at and not a.no_evidence and not a.no_evidence_builds:
                    from treatykg import rdf

                    row["evidence_builds"] = {}
                    for mode in (m for m in getattr(rdf, "EVIDENCE_MODES", ()) if m != "compact"):
                        print(f"[{n}] build --evidence {mode} ...", file=sys.stderr, flush=True)
                        row["evidence_builds"][mode] = bench_build(src, work / f"out-{n}-{mode}", a.workers, mode)
                        shutil.rmtree(work / f"out-{n}-{mode}", ignore_errors=True)
            if prev is not None:
                g = {}
                for k in ("extract", "convert"):
                    g[k] = (row["stages"][k]["seconds"] / n) / (prev["stages"][k]["seconds"] / prev["documents"])
                if row.get("build") and prev.get("build"):
                    g["build"] = (row["build"]["seconds"] / n) / (prev["build"]["seconds"] / prev["documents"])
                row["growth"] = g
            data["sizes"].append(row)
            prev = row
            print(json.dumps(row), file=sys.stderr, flush=True)
        if not a.no_big:
            print("[1 MB text] ...", file=sys.stderr, flush=True)
            data["big"] = bench_big(work)
        if not a.no_push and not a.big_only:
            print("[push] ...", file=sys.stderr, flush=True)
            import bench_push

            data["push"] = bench_push.measure(a.push_copies, rounds=a.push_rounds, graphs=push_graphs)
            if push_graphs is not None:
                data["push"]["source"] += f", the {push_size:,}-document build"
    finally:
        if push_graphs is not None:
            shutil.rmtree(push_graphs.parent, ignore_errors=True)
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    data["load_after"] = _load()
    data["duration_s"] = time.perf_counter() - started
    data["targets"] = targets(data)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "results.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    write_markdown(data, a.out / "results.md")
    if data["sizes"]:
        write_svg(data, a.out / "scaling.svg")
    print((a.out / "results.md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
