"""Shared fixtures: the reference corpus copied into tests/corpus, and running the CLI."""
from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
SEED = "1958-02-19_cn-kp_joint-statement.txt"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The six reference texts and their gold records (copies, read-only by convention)."""
    return CORPUS


@pytest.fixture(scope="session")
def seed_text(corpus_dir: Path) -> str:
    """The 1958 joint statement, a genuine database export, decoded."""
    return (corpus_dir / SEED).read_text(encoding="utf-8")


@pytest.fixture
def run_main(capsys):
    """Run ``treatykg.cli.main(argv)`` in-process: returns (exit code, stdout, stderr).

    This is the real entry point, with its mapping of errors to exit codes.
    """
    from treatykg.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            main([str(a) for a in argv])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/cases/*/expected.nq from the current output (tests/cases/README.md)")
