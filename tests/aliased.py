"""A small build with an alias, made once per test session and shared by the tests of push,
serve and publish-config (which only read it): three reference texts, one of them edited after
a first build (a typo fixed in the file), so that its old IRI stays as an alias of the new one
(``aliases.tsv``, the graph ``graph/aliases``); then its site (`treatykg site`)."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
TEXTS = ["002_cn_pl_techsci_agreement_1954.txt", "012_cn_ye_mfa_mou_1995.txt",
         "1958-02-19_cn-kp_joint-statement.txt"]
EDITED = TEXTS[1]


@dataclass(frozen=True)
class AliasedBuild:
    src: Path
    out: Path
    old: str      # the edited text's IRI before the edit (an alias now)
    new: str      # its IRI after
    documents: dict[str, str]   # input file name -> document IRI


@lru_cache(maxsize=1)
def aliased_build() -> AliasedBuild:
    from treatykg.build import build
    from treatykg.site import build_site

    tmp = Path(tempfile.mkdtemp(prefix="treatykg-aliased-build-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    src, out = tmp / "src", tmp / "out"
    src.mkdir()
    for name in TEXTS:
        shutil.copy(CORPUS / name, src / name)
    first = build(src, out, workers=1)
    assert first.ok, str(first)
    old = {Path(d.path).name: d.document for d in first.built}[EDITED]
    edited = src / EDITED
    edited.write_text(edited.read_text(encoding="utf-8").replace("。", "；", 1), encoding="utf-8")
    second = build(src, out, workers=1)
    assert second.ok, str(second)
    documents = {Path(d.path).name: d.document for d in first.built}
    documents[EDITED] = new = {Path(d.path).name: d.document for d in second.built}[EDITED]
    assert old != new and (out / "graphs" / "_collection" / "aliases.nq").is_file()
    build_site(out, workers=1)
    return AliasedBuild(src, out, old, new, documents)


def serve_aliased_build():
    """`treatykg serve` over :func:`aliased_build` (its site included), for a module fixture:
    yields (build, the query page's URL as serve prints it) and stops the server after, checking
    it ends with 0. Skips where the oxigraph server is not installed."""
    import signal
    import subprocess
    import sys

    import pytest

    from treatykg.serve import oxigraph_executable

    try:
        oxigraph_executable()
    except Exception:
        pytest.skip("the oxigraph server is not installed: pip install -e '.[test]' (package oxigraph)")
    build = aliased_build()
    proc = subprocess.Popen([sys.executable, "-m", "treatykg.cli", "serve", "--store", str(build.out), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("Query page:"):
            url = line.split()[-1]
        if line.startswith("Site:"):
            break
    if url is None:
        proc.kill()
        pytest.fail(f"serve did not start: {proc.stderr.read() if proc.stderr else ''}")
    yield build, url
    proc.send_signal(signal.SIGTERM)
    assert proc.wait() == 0
