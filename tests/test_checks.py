"""Lint and types fail the build (issue 18): ruff and mypy findings against baselines that may
only shrink (``scripts/checks.py``; ``tests/baselines/``)."""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("checks", ROOT / "scripts" / "checks.py")
checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checks)  # type: ignore[union-attr]


def _have(tool: str) -> bool:
    return Path(sys.executable).with_name(tool).exists() or shutil.which(tool) is not None \
        or importlib.util.find_spec(tool) is not None


@pytest.mark.parametrize("name", sorted(checks.CHECKS))
def test_findings_are_within_their_baseline(name):
    if not _have(name):
        pytest.fail(f"{name} is not installed: it is in the test extra (pip install -e '.[test]', "
                    "or make venv)")
    new, gone = checks.compare(checks.CHECKS[name](), checks.read_baseline(name))
    assert not new, (f"{len(new)} {name} finding(s) not in tests/baselines/{name}.txt: fix them "
                     "(the baseline never grows):\n" + "\n".join(new))
    assert not gone, (f"{len(gone)} {name} finding(s) of the baseline are fixed: run "
                      "`python scripts/checks.py --shrink` and commit tests/baselines/:\n" + "\n".join(gone))


def test_a_baseline_only_shrinks():
    """The comparison itself: a new finding, a second one of a kind, a function grown more
    complex fail; fewer findings and a simpler function are asked to be shrunk away."""
    base = ["a.py\tF401\t`os` imported but unused", "a.py\tC901\t`f` is too complex (20 > 15)"]
    assert checks.compare(base, base) == ([], [])
    assert checks.compare(base + ["b.py\tE741\tAmbiguous variable name: `l`"], base)[0] == [
        "b.py\tE741\tAmbiguous variable name: `l`"]
    assert checks.compare(base + base[:1], base)[0] == base[:1]
    grown = ["a.py\tF401\t`os` imported but unused", "a.py\tC901\t`f` is too complex (21 > 15)"]
    assert checks.compare(grown, base)[0] == grown[1:]
    simpler = ["a.py\tC901\t`f` is too complex (18 > 15)"]
    assert checks.compare(simpler, base) == ([], [base[0], base[1] + "  (now 18)"])
