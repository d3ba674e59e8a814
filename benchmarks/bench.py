"""treatykg at collection scale: throughput, memory and growth, per stage and for ``build``.

    .venv/bin/python benchmarks/bench.py                      # sizes 1000,5000,20000
    .venv/bin/python benchmarks/bench.py --sizes 200,1000     # a quick run
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
    ``treatykg.build.build(DIR, OUT, workers=W)`` in a fresh subprocess, from scratch:
    wall time, documents/s, peak RSS of the whole process tree (summed over the build
    and its workers, sampled from /proc every 50 ms), the peak of the main process and
    of the largest worker (VmHWM, see :class:`TreeSampler`), output triples, failures.
growth
    the time per document at size N divided by the time per document at the previous
    size: 1.0 is linear; above ~1.2 the cost grows faster than the collection.

Plus the single-file benchmark: one ~1 MB text (the 1958 joint statement with its body
paragraphs repeated) extracted and converted to N-Quads (target: under 2 s), and the
push benchmark (:mod:`bench_push`): ``treatykg push`` to a local Oxigraph server against
one raw Graph Store upload of the same N-Quads (target: at least 50 % of its rate).

Results: ``benchmarks/results/results.json``, ``results.md`` (a table) and
``scaling.svg`` (documents/s and peak memory against collection size). The numbers
are the machine's: ``uptime`` load is recorded with them. This never fails on speed.
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


class TreeSampler(threading.Thread):
    """Peak RSS of a process and all its descendants (summed), sampled from /proc, and
    the largest peak (VmHWM) of any one descendant.

    Not ``getrusage(RUSAGE_CHILDREN).ru_maxrss``: Linux records in a child's maxrss the
    resident size of the memory it was forked from, before its exec, so a worker started
    by a 400 MiB process reports at least 400 MiB. VmHWM belongs to the process's own
    memory after its exec."""

    def __init__(self, pid: int, every: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.every, self._halt = pid, every, threading.Event()
        self.peak_kib = self.child_peak_kib = 0

    def run(self) -> None:
        while not self._halt.is_set():
            kids = _descendants(self.pid)
            self.peak_kib = max(self.peak_kib, _status_kib(self.pid) + sum(_status_kib(k) for k in kids))
            self.child_peak_kib = max([self.child_peak_kib] + [_status_kib(k, "VmHWM") for k in kids])
            self._halt.wait(self.every)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak_kib


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
r = build(sys.argv[1], sys.argv[2], workers=int(sys.argv[3]) or None, force=True)
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "converted": r.converted, "failed": len(r.failed),
                  "triples": r.triples, "first_failure": (r.failed[0].reason if r.failed else None),
                  "self_hwm_kib": [int(l.split()[1]) for l in open("/proc/self/status")
                                   if l.startswith("VmHWM:")][0],
                  "main_cpu_s": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
                  "workers_cpu_s": sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2])}))
"""


def bench_build(src: Path, out: Path, workers: int) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _BUILD_SCRIPT, str(src), str(out), str(workers)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    stdout, stderr = proc.communicate()
    peak = sampler.stop()
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}):\n{stderr[-2000:]}")
    res = json.loads(stdout.strip().splitlines()[-1])
    n = res["converted"]
    return {"documents": n, "seconds": res["wall"], "process_seconds": elapsed,
            "docs_per_s": n / res["wall"], "failed": res["failed"], "first_failure": res["first_failure"],
            "triples": res["triples"], "peak_tree_rss_mib": peak / 1024,
            "peak_single_process_rss_mib": max(res["self_hwm_kib"], sampler.child_peak_kib) / 1024,
            "main_process_rss_mib": res["self_hwm_kib"] / 1024, "worker_rss_mib": sampler.child_peak_kib / 1024,
            "main_cpu_s": res["main_cpu_s"], "workers_cpu_s": res["workers_cpu_s"],
            "workers": workers or os.cpu_count()}


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
def write_markdown(data: dict, path: Path) -> None:
    m = data["machine"]
    lines = [
        "# treatykg benchmark results",
        "",
        f"Measured {data['when']} on {m['cpus']} CPUs ({m['platform']}, Python {m['python']}); "
        f"load average before/after: {data['load_before']} / {data['load_after']}.",
        f"Command: `{data['command']}`",
        "",
        "## Collection",
        "",
        "| documents | extract docs/s | convert docs/s | validate docs/s (sample) | validate with pySHACL docs/s (sample) | build docs/s | build wall s "
        "| peak RSS, tree MiB | peak RSS main / worker MiB | CPU s main / workers | triples | failed "
        "| growth (per-doc time vs previous size) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
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
            + (f"| {b['docs_per_s']:.1f} | {b['seconds']:.1f} | {b['peak_tree_rss_mib']:.0f} "
               f"| {b['main_process_rss_mib']:.0f} / {b['worker_rss_mib']:.0f} "
               f"| {b['main_cpu_s']:.0f} / {b['workers_cpu_s']:.0f} | {b['triples']} | {b['failed']} "
               if b else "| — | — | — | — | — | — | — ")
            + f"| {growth} |")
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
                  f"N-Quads ({push['graphs']} graphs, {push['triples']} triples, {push['mb']} MB; median of "
                  f"{push['rounds']} rounds, fresh servers; `benchmarks/bench_push.py`). Target: push at "
                  f"least {push['target_share']:.0%} of the raw rate.", "",
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
    ap.add_argument("--sizes", default="1000,5000,20000", help="comma-separated collection sizes")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=0, help="build workers (default: all CPUs)")
    ap.add_argument("--validate-sample", type=int, default=1000,
                    help="documents validated per size for the validate stage (default 1000; "
                         "pySHACL: a tenth of them)")
    ap.add_argument("--work", type=Path, help="where collections and builds go (default: a temporary folder)")
    ap.add_argument("--no-build", action="store_true", help="skip the build measurement")
    ap.add_argument("--build-sizes", help="measure build only at these sizes (default: every size)")
    ap.add_argument("--no-big", action="store_true", help="skip the 1 MB single-file benchmark")
    ap.add_argument("--big-only", action="store_true", help="only the 1 MB single-file benchmark")
    ap.add_argument("--no-push", action="store_true",
                    help="skip the push benchmark (push to a local Oxigraph server against a raw upload)")
    ap.add_argument("--push-copies", type=int, default=40,
                    help="push benchmark: copies of each reference text's graph (default 40)")
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    a = ap.parse_args(argv)
    sizes = [] if a.big_only else sorted(int(s) for s in a.sizes.split(",") if s.strip())
    work = a.work or Path(tempfile.mkdtemp(prefix="treatykg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data = {"when": time.strftime("%Y-%m-%d %H:%M %Z"), "load_before": _load(),
            "command": " ".join([".venv/bin/python", "benchmarks/bench.py"]
                                + (argv if argv is not None else sys.argv[1:])),
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
            "seed": a.seed, "sizes": []}
    seeds = generate.load_seeds(ROOT / "data")
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
            if not a.no_build and (not a.build_sizes or n in {int(x) for x in a.build_sizes.split(",")}):
                print(f"[{n}] build ...", file=sys.stderr, flush=True)
                row["build"] = bench_build(src, work / f"out-{n}", a.workers)
                shutil.rmtree(work / f"out-{n}", ignore_errors=True)
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

            data["push"] = bench_push.measure(a.push_copies, rounds=2)
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    data["load_after"] = _load()
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "results.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    write_markdown(data, a.out / "results.md")
    if data["sizes"]:
        write_svg(data, a.out / "scaling.svg")
    print((a.out / "results.md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
