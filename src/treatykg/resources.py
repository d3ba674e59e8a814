"""Where the ontology, SHACL shapes, JSON-LD context and named queries live.

An installed wheel carries them inside the package, at
``treatykg/resources/{ontology,shapes,queries}`` (hatch ``force-include``); a
source checkout keeps them at the top of the repository. :func:`resource_dir`
looks in the package first and falls back to the checkout.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import RDFError

KINDS = ("ontology", "shapes", "queries", "data")

_PACKAGE_DIR = Path(__file__).resolve().parent


def _candidates(kind: str) -> list[Path]:
    return [
        _PACKAGE_DIR / "resources" / kind,           # installed wheel
        Path(__file__).resolve().parents[2] / kind,  # source checkout: <repo>/src/treatykg/..
    ]


@lru_cache(maxsize=None)
def resource_dir(kind: str) -> Path:
    """The folder holding resources of ``kind`` (``ontology``, ``shapes`` or ``queries``).

    Raises :class:`RDFError` when neither the installed nor the checkout folder exists.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {', '.join(KINDS)}")
    for folder in _candidates(kind):
        if folder.is_dir():
            return folder
    raise RDFError(f"resource folder '{kind}' not found (looked in "
                   + ", ".join(str(p) for p in _candidates(kind)) + ")")


def resource_path(kind: str, name: str) -> Path:
    """The path of resource file ``name`` of ``kind``, e.g. ``resource_path("shapes", "treatykg.ttl")``.

    Raises :class:`RDFError` when the file is missing.
    """
    path = resource_dir(kind) / name
    if not path.is_file():
        raise RDFError(f"resource file not found: {path}")
    return path


def ontology_path() -> Path:
    return resource_path("ontology", "treatykg.ttl")


def shapes_path() -> Path:
    return resource_path("shapes", "treatykg.ttl")


def context_path() -> Path:
    return resource_path("ontology", "context.jsonld")


def queries_dir() -> Path:
    return resource_dir("queries")
