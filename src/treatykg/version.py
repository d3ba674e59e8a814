"""What version of treatykg made an output: the package's version and a fingerprint of its code.

The version number does not change while the code is being worked on; the fingerprint does.
``tool_version()`` (``0.1.0+3f9a1c2b4d5e``) is what every document graph records
(``tkg:toolVersion`` of the graph and of its conversion activity) and what a build's manifest
compares to decide whether a document must be redone.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

__all__ = ["package_version", "code_fingerprint", "tool_version"]

_PKG = Path(__file__).resolve().parent

#: Modules that do not shape a document's graph (commands, pages, publishing): changing them
#: does not redo the documents, nor change the version their graphs record.
NOT_IN_OUTPUT = {"cli.py", "view.py", "site.py", "site_pages.py", "charts.py", "collection.py", "templating.py",
                 "docs.py", "serve.py", "publish.py", "sparql.py", "store.py", "net.py", "output.py", "review.py",
                 "pool.py", "rdfio.py", "__main__.py", "publish_profiles.py", "publish_graphs.py",
                 "publish_http.py", "publish_verify.py", "publish_report.py", "sparql_text.py", "sparql_results.py",
                 "sparql_endpoint.py", "serve_oxigraph.py"} | {
    f"{pkg}/{p.name}" for pkg in ("commands", "wikidata", "pages") for p in (_PKG / pkg).glob("*.py")}


@lru_cache(maxsize=1)
def package_version() -> str:
    """treatykg's version: ``treatykg.__version__``, else the installed metadata, else ``0+unknown``."""
    try:
        from . import __version__  # type: ignore[attr-defined]
        return str(__version__)
    except ImportError:
        pass
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("treatykg")
    except PackageNotFoundError:
        return "0+unknown"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over treatykg's modules (but :data:`NOT_IN_OUTPUT`), shapes and data files
    (gazetteer, states, word lists, instruments): what a document's output depends on."""
    from .resources import resource_path, shapes_path

    h = hashlib.sha256()
    files = sorted(p for p in _PKG.rglob("*.py") if "__pycache__" not in p.parts
                   and p.relative_to(_PKG).as_posix() not in NOT_IN_OUTPUT)
    data = resource_path("data", "gazetteer.tsv").parent
    files += [shapes_path()] + sorted(p for p in data.rglob("*.tsv"))
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


@lru_cache(maxsize=1)
def tool_version() -> str:
    """``{package version}+{first 12 hex digits of the code fingerprint}``."""
    return f"{package_version()}+{code_fingerprint()[:12]}"
