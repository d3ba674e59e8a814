"""Docs that cannot drift (sqlite-utils' test_docs): every command and every option that
``--help`` shows is in the README; and the examples in the module docstrings run (doctest).
"""
from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import click
import pytest

from treatykg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SRC = ROOT / "src" / "treatykg"


def _commands(command: click.Command = cli, path: tuple[str, ...] = ()):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, path + (name,))


COMMANDS = list(_commands())
OPTIONS = sorted({(" ".join(path), opt) for path, command in COMMANDS for p in command.params
                  if isinstance(p, click.Option) and not p.hidden
                  for opt in p.opts + p.secondary_opts if opt.startswith("--")})


@pytest.mark.parametrize("path", [" ".join(p) for p, _ in COMMANDS if p])
def test_every_command_is_in_the_readme(path):
    assert f"treatykg {path}" in README, f"README.md does not show `treatykg {path}`"


@pytest.mark.parametrize("command, option", OPTIONS)
def test_every_option_is_in_the_readme(command, option):
    assert re.search(re.escape(option) + r"(?![\w-])", README), \
        f"README.md does not mention {option} (of `treatykg {command}`)"


#: Modules whose docstrings hold examples (``>>>``); the examples that need a build or a server
#: are marked ``# doctest: +SKIP`` where they stand.
DOCTEST_MODULES = sorted(".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")
                         for p in SRC.rglob("*.py") if ">>> " in p.read_text(encoding="utf-8"))


def test_there_are_doctests():
    assert {"treatykg.api", "treatykg.errors", "treatykg.extract"} <= set(DOCTEST_MODULES)


@pytest.mark.parametrize("module", DOCTEST_MODULES)
def test_doctests_run(module, monkeypatch):
    monkeypatch.chdir(ROOT)   # examples name files from the top of the repository
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} example(s) of {module} failed (run python -m doctest -v)"
