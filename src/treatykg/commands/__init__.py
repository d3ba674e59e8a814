"""More ``treatykg`` commands, one module each.

Every module in this package that defines ``COMMANDS`` (a list of click commands or
groups) has them added to the ``treatykg`` group by :func:`register`. The modules stay
thin like :mod:`treatykg.cli`: parse options, call one library function, render.
"""
from __future__ import annotations

import importlib
import pkgutil

import click


def register(group: click.Group) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            group.add_command(command)
