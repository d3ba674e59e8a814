"""Lint and type checks against baselines that may only shrink (issue 18).

ruff (the rule set and the complexity ceiling of ``[tool.ruff]`` in pyproject.toml) and mypy
(``[tool.mypy]``) run over the code; their findings are compared with the checked-in
baselines ``tests/baselines/ruff.txt`` and ``tests/baselines/mypy.txt``:

* a finding that is not in its baseline fails (fix it; a baseline never grows);
* a function over the complexity ceiling (ruff C901) may stay in the baseline only at most
  as complex as it is written there;
* a baseline entry that no longer occurs fails too, until the baseline is shrunk with
  ``python scripts/checks.py --shrink``, so that what was fixed stays fixed.

Findings are keyed without line numbers (file, rule, message), so an edit elsewhere in a file
does not disturb them. Code moved to another file takes its findings along: rename their path
in the baseline in the same commit (the diff shows the same lines, moved, none added).
``tests/test_checks.py`` runs this in ``make test``.

    python scripts/checks.py            # compare (exit 1 when a check fails)
    python scripts/checks.py --shrink   # rewrite the baselines without what was fixed; never adds
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINES = ROOT / "tests" / "baselines"
RUFF_PATHS = ["src", "tests", "scripts", "benchmarks"]
MYPY_PATHS = ["src/treatykg"]
_C901 = re.compile(r"^`(?P<name>.+)` is too complex \((?P<n>\d+) > \d+\)$")
_SIZE = re.compile(r" \(\d+ > \d+\)$")


def _tool(name: str) -> list[str]:
    """The tool beside this Python (the venv's), else on PATH, else ``python -m name``."""
    here = Path(sys.executable).with_name(name)
    if here.exists():
        return [str(here)]
    found = shutil.which(name)
    return [found] if found else [sys.executable, "-m", name]


def ruff_findings() -> list[str]:
    """``path<TAB>rule<TAB>message`` per finding; for C901 the message keeps the complexity."""
    run = subprocess.run(_tool("ruff") + ["check", "--no-cache", "--output-format", "json", "--exit-zero",
                                          *RUFF_PATHS], cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"ruff failed: {run.stderr.strip()}")
    out = []
    for f in json.loads(run.stdout):
        path = Path(f["filename"]).resolve().relative_to(ROOT).as_posix()
        message = f["message"] if f["code"] == "C901" else _SIZE.sub("", f["message"])
        out.append(f"{path}\t{f['code']}\t{message}")
    return sorted(out)


def mypy_findings() -> list[str]:
    """``path<TAB>code<TAB>message`` per mypy error."""
    run = subprocess.run(_tool("mypy") + ["--no-error-summary", "--no-pretty", "--show-error-codes",
                                          "--no-color-output", *MYPY_PATHS],
                         cwd=ROOT, capture_output=True, text=True)
    if run.returncode not in (0, 1):
        raise SystemExit(f"mypy failed: {run.stderr.strip() or run.stdout.strip()}")
    out = []
    for line in run.stdout.splitlines():
        m = re.match(r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<msg>.*?)(?:  \[(?P<code>[a-z-]+)\])?$", line)
        if m:
            out.append(f"{Path(m['path']).as_posix()}\t{m['code'] or 'error'}\t{m['msg']}")
    return sorted(out)


def _key(finding: str) -> tuple[str, int]:
    """(finding without the complexity, complexity) for C901; (finding, 0) otherwise."""
    path, code, message = finding.split("\t", 2)
    m = _C901.match(message) if code == "C901" else None
    if m:
        return f"{path}\t{code}\t`{m['name']}` is too complex", int(m["n"])
    return finding, 0


def compare(found: list[str], baseline: list[str]) -> tuple[list[str], list[str]]:
    """(new findings, baseline entries that no longer occur)."""
    base = Counter(_key(b)[0] for b in baseline)
    ceiling = {k: n for k, n in map(_key, baseline) if n}
    now = Counter()
    new = []
    for f in found:
        key, n = _key(f)
        now[key] += 1
        if now[key] > base[key] or (n and n > ceiling.get(key, 0)):
            new.append(f)
    gone = []
    seen = Counter(_key(f)[0] for f in found)
    complexity = {k: n for k, n in map(_key, found) if n}
    for b in baseline:
        key, n = _key(b)
        if seen[key] > 0:
            seen[key] -= 1
            if n and complexity.get(key, n) < n:
                gone.append(f"{b}  (now {complexity[key]})")
        else:
            gone.append(b)
    return new, gone


def read_baseline(name: str) -> list[str]:
    path = BASELINES / f"{name}.txt"
    return sorted(ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#"))


def write_baseline(name: str, findings: list[str]) -> None:
    header = (f"# {name} findings allowed for now: this file may only shrink (scripts/checks.py; "
              "python scripts/checks.py --shrink after fixing some).\n")
    (BASELINES / f"{name}.txt").write_text(header + "".join(f + "\n" for f in findings), encoding="utf-8")


CHECKS = {"ruff": ruff_findings, "mypy": mypy_findings}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shrink", action="store_true", help="drop fixed findings from the baselines (never adds)")
    ap.add_argument("--create", action="store_true", help="write a baseline that does not exist yet")
    ap.add_argument("checks", nargs="*", metavar="CHECK", help="ruff, mypy (default: both)")
    args = ap.parse_args(argv)
    unknown = set(args.checks) - set(CHECKS)
    if unknown:
        ap.error(f"unknown check {sorted(unknown)[0]!r}: ruff or mypy")
    failed = False
    for name in args.checks or list(CHECKS):
        if args.create and not (BASELINES / f"{name}.txt").exists():
            write_baseline(name, CHECKS[name]())
            print(f"{name}: baseline created")
        found, baseline = CHECKS[name](), read_baseline(name)
        new, gone = compare(found, baseline)
        if new:
            failed = True
            print(f"{name}: {len(new)} finding(s) not in tests/baselines/{name}.txt (fix them; "
                  "the baseline never grows):")
            print("".join(f"  {f}\n" for f in new), end="")
        if gone and args.shrink and not new:
            write_baseline(name, found)
            print(f"{name}: baseline shrunk from {len(baseline)} to {len(found)}")
        elif gone:
            failed = True
            print(f"{name}: {len(gone)} baseline entr{'y' if len(gone) == 1 else 'ies'} fixed: shrink the "
                  "baseline with `python scripts/checks.py --shrink`:")
            print("".join(f"  {g}\n" for g in gone), end="")
        if not new and not gone:
            print(f"{name}: {len(found)} finding(s), all in the baseline")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
