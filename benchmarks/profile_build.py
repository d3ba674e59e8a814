"""cProfile of a build worker's per-document path, written to ``benchmarks/results/profile.md``.

    .venv/bin/python benchmarks/profile_build.py [--count 120] [--seed 7] [--top 25]

Runs :func:`treatykg.build_job.convert_document` — exactly what a ``build`` worker does for
one text: ingest, segment, extract, map to quads, serialise N-Quads, validate (the fast
SHACL engine, :mod:`treatykg.shacl_fast`) — over ``--count`` generated texts (the six reference
texts in equal parts) in this process, under cProfile, after a warm-up (imports,
gazetteer, shapes). Reports the time per stage (cumulative time of the stage's entry
function, so a stage includes what it calls) and the top functions by own time.
Anything below the findings marker in an existing profile.md is kept.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

#: stage -> (file suffix, function name) whose cumulative time is the stage's.
STAGES = [
    ("ingest (read, decode, normalise)", ("treatykg/ingest.py", "ingest_file")),
    ("segment", ("treatykg/segment.py", "segment")),
    ("extract (segment -> record, incl. segment)", ("treatykg/extract/__init__.py", "extract_document")),
    ("rdf: record -> quads", ("treatykg/rdf.py", "record_quads")),
    ("rdf: serialise N-Quads", ("treatykg/serialization.py", "serialize_quads")),
    ("validate_quads (total)", ("treatykg/validate.py", "validate_quads")),
    ("  fast engine: index of the triples", ("treatykg/shacl_fast.py", "__init__")),
    ("  fast engine: core constraints", ("treatykg/shacl_fast.py", "_check_values")),
    ("  fast engine: SPARQL constraints (Oxigraph)", ("treatykg/shacl_fast.py", "_run_sparql")),
    ("  pySHACL (only if the shapes need it)", ("pyshacl/entrypoints.py", "validate")),
    ("convert_document (the whole worker path)", ("treatykg/build_job.py", "convert_document")),
]


FINDINGS_MARKER = "<!-- findings: written by hand, kept when this file is regenerated -->"


def _cum(stats: pstats.Stats, suffix: str, name: str) -> tuple[float, int]:
    total, calls = 0.0, 0
    for (file, _line, func), (cc, nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if func == name and file.replace("\\", "/").endswith(suffix):
            total += ct
            calls += cc
    return total, calls


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=120)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "profile.md")
    a = ap.parse_args(argv)

    from treatykg.build import convert_document
    from treatykg.namespaces import DEFAULT_BASE

    with tempfile.TemporaryDirectory(prefix="treatykg-profile-") as tmp:
        files = generate.generate(Path(tmp), a.count, a.seed)
        for f in files[:6]:  # warm-up: imports, gazetteer, shapes, prepared queries
            convert_document(str(f), f.name, DEFAULT_BASE)
        t = time.perf_counter()
        for f in files:
            convert_document(str(f), f.name, DEFAULT_BASE)
        plain = time.perf_counter() - t
        prof = cProfile.Profile()
        prof.enable()
        for f in files:
            res = convert_document(str(f), f.name, DEFAULT_BASE)
            assert res.ok, res.reason
        prof.disable()
    stats = pstats.Stats(prof)
    whole = _cum(stats, "treatykg/build_job.py", "convert_document")[0]
    n = len(files)
    lines = [
        "# Profile of a build worker's per-document path",
        "",
        f"`{' '.join(['.venv/bin/python', 'benchmarks/profile_build.py'] + (argv or sys.argv[1:]))}` — "
        f"{n} generated texts (the six reference texts in equal parts), one process, "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}.",
        f"Without the profiler: {plain:.2f} s, **{1000 * plain / n:.1f} ms per document** "
        f"({n / plain:.1f} documents/s per worker). Under cProfile everything is ~1.5–2× slower; "
        "the shares are what matter.",
        "",
        "| stage | ms per document (profiled) | share of the worker path |",
        "|---|---:|---:|",
    ]
    for label, (suffix, name) in STAGES:
        ct, _calls = _cum(stats, suffix, name)
        lines.append(f"| {label} | {1000 * ct / n:.2f} | {100 * ct / whole:.1f}% |")
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(a.top)
    top = [ln for ln in buf.getvalue().splitlines() if ln.strip()][3:]
    buf2 = io.StringIO()
    pstats.Stats(prof, stream=buf2).sort_stats("cumulative").print_stats(a.top)
    cum = [ln for ln in buf2.getvalue().splitlines() if ln.strip()][3:]
    lines += ["", f"## Top {a.top} functions by own time", "", "```", *top, "```",
              "", f"## Top {a.top} functions by cumulative time", "", "```", *cum, "```", ""]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    kept = ""
    if a.out.is_file():  # the hand-written findings below the marker survive a re-run
        old = a.out.read_text(encoding="utf-8")
        if FINDINGS_MARKER in old:
            kept = old[old.index(FINDINGS_MARKER):]
    a.out.write_text("\n".join(lines) + ("\n" + kept if kept else ""), encoding="utf-8")
    print("\n".join(lines[:8 + len(STAGES)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
