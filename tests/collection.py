"""A build of the whole reference corpus, made once per test session and shared by
test_build, test_query and test_serve (which only read it)."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
TEXTS = sorted(CORPUS.glob("*.txt"))


@lru_cache(maxsize=1)
def corpus_build():
    """(src, out, report, events): the reference texts built with two worker processes, and
    their site (`treatykg site`), as `make demo` does."""
    from treatykg.build import build
    from treatykg.site import build_site

    tmp = Path(tempfile.mkdtemp(prefix="treatykg-corpus-build-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    src = tmp / "src"
    src.mkdir()
    for t in TEXTS:
        shutil.copy(t, src / t.name)
    events: list = []
    report = build(src, tmp / "out", workers=2, progress=events.append)
    build_site(tmp / "out", workers=2)
    return src, tmp / "out", report, events
