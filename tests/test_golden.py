"""Golden cases: each ``tests/cases/<name>/input.txt`` converted to N-Quads must give
``expected.nq`` byte for byte (sorted canonical N-Quads), see ``tests/cases/README.md``.

Update the expected files only after reading what changed:
``pytest tests/test_golden.py --update-golden`` (or ``TREATYKG_UPDATE_GOLDEN=1``).
A case with a ``wrong.md`` holds a text whose output a careful reader would not sign off
(the file says what is wrong): it is skipped with that reason and never written.
"""
from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest

from treatykg import api

CASES = Path(__file__).resolve().parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())

#: The code fingerprint in ``tkg:toolVersion`` ("0.1.0+3f9a1c2b4d5e") changes with any edit
#: of the code that shapes a graph; the golden files hold a placeholder instead.
_TOOL_VERSION = re.compile(r'(<https://w3id\.org/treatykg/ontology#toolVersion> )"[^"]*"')


def golden_nquads(text_file: Path) -> str:
    """The case's N-Quads as compared: sorted lines, the tool version replaced by ``VERSION``."""
    record = api.extract(text_file)
    data = api.convert(record, "nq").decode("utf-8")
    lines = sorted(_TOOL_VERSION.sub(r'\1"VERSION"', line) for line in data.splitlines() if line)
    return "".join(line + "\n" for line in lines)


def _updating(request) -> bool:
    return bool(request.config.getoption("--update-golden")) or os.environ.get("TREATYKG_UPDATE_GOLDEN") == "1"


def test_every_case_is_complete(request):
    """input.txt and either expected.nq (blessed) or wrong.md (not blessed, says why) — not both."""
    if _updating(request):
        pytest.skip("--update-golden: the cases are being written")
    for name in NAMES:
        case = CASES / name
        assert (case / "input.txt").is_file(), f"{name}: no input.txt"
        blessed, wrong = (case / "expected.nq").is_file(), (case / "wrong.md").is_file()
        assert blessed != wrong, f"{name}: needs exactly one of expected.nq and wrong.md"


@pytest.mark.parametrize("name", NAMES)
def test_golden_case(name, request):
    case = CASES / name
    if (case / "wrong.md").is_file():
        pytest.skip(f"{name} not blessed: {(case / 'wrong.md').read_text(encoding='utf-8').splitlines()[0]}")
    actual = golden_nquads(case / "input.txt")
    expected_file = case / "expected.nq"
    if _updating(request):
        if not expected_file.is_file() or expected_file.read_text(encoding="utf-8") != actual:
            expected_file.write_text(actual, encoding="utf-8")
        return
    expected = expected_file.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            f"tests/cases/{name}/expected.nq", "now", n=0))
        pytest.fail(f"{name}: the N-Quads differ from expected.nq (- expected, + now). If the change is "
                    f"right, read it, then run pytest tests/test_golden.py --update-golden\n{diff}",
                    pytrace=False)
