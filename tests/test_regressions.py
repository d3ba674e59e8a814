"""Issue 18: the reproduced defects, one regression test each, named after what broke.

(The others live beside the code they test: ``test_validate.py::
test_warnings_alone_conform_with_both_engines_as_the_docs_say``, ``test_wikidata.py::
test_reconcile_and_export_write_no_file_into_the_current_folder``.)
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from treatykg import api
from treatykg.errors import ExtractionError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib internals

CORPUS = Path(__file__).resolve().parent / "corpus"
SEED = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"


@pytest.fixture(scope="module")
def seed_nq(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seed.nq"
    path.write_bytes(api.convert(api.extract(SEED), "nq", evidence="full"))  # offsets as oa:start/oa:end
    return path


def _without(nq: Path, folder: Path, fragment: str) -> Path:
    """``nq`` without its first line holding ``fragment``."""
    lines = nq.read_text(encoding="utf-8").splitlines(keepends=True)
    i = next(i for i, ln in enumerate(lines) if fragment in ln)
    path = folder / "changed.nq"
    path.write_text("".join(lines[:i] + lines[i + 1:]), encoding="utf-8")
    return path


# ---------------------------------------------------------------- validate: exit 9 on oa:start
def test_validate_with_a_blank_node_oa_start_is_not_exit_9(run_main, tmp_path, seed_nq):
    """``validate`` exited 9 (internal error): the fast engine raised ``shacl_fast.Unsupported``
    at run time, outside the error hierarchy. Now the fast engine reports the violation (exit 1),
    ``auto`` and ``fast`` agree, and pySHACL, which cannot compare a blank node, is exit 6."""
    lines = seed_nq.read_text(encoding="utf-8").splitlines(keepends=True)
    i = next(i for i, ln in enumerate(lines) if "/ns/oa#start> " in ln)
    head, _, rest = lines[i].partition("/ns/oa#start> ")
    lines[i] = head + "/ns/oa#start> _:offset <" + rest.rsplit(" <", 1)[1]
    path = tmp_path / "bnode-start.nq"
    path.write_text("".join(lines), encoding="utf-8")
    auto = run_main("validate", path)
    assert auto[0] == 1 and "Violation: annotation offset" in auto[1], auto[2]
    assert run_main("validate", path, "--engine", "fast") == auto
    code, _, err = run_main("validate", path, "--engine", "pyshacl")
    assert code == 6 and "internal error" not in err


def test_a_run_time_unsupported_falls_back_to_pyshacl(run_main, tmp_path, seed_nq, monkeypatch):
    """Anything the fast engine meets in the data that it cannot evaluate (``Unsupported`` raised
    by ``shacl_fast.run``) is validated by pySHACL under ``--engine auto``, with exactly the
    result of ``--engine pyshacl``; ``--engine fast`` says so (exit 6), never exit 9."""
    from treatykg import shacl_fast

    path = _without(seed_nq, tmp_path, "<http://purl.org/dc/terms/title>")  # a violation to report
    reference = run_main("validate", path, "--engine", "pyshacl")
    assert reference[0] == 1 and "missing title" in reference[1]

    def unsupported(*_a, **_k):
        raise shacl_fast.Unsupported("something met in the data")

    monkeypatch.setattr(shacl_fast, "run", unsupported)
    assert run_main("validate", path) == reference
    assert run_main("validate", path, "--format", "json")[1] == run_main(
        "validate", path, "--format", "json", "--engine", "pyshacl")[1]
    code, _, err = run_main("validate", path, "--engine", "fast")
    assert code == 6 and "something met in the data" in err and "--engine pyshacl" in err


# ---------------------------------------------------------------- exit 4 could never happen
NOT_A_TREATY = "Shopping list\neggs\nmilk\n"


@pytest.mark.parametrize("command", ["extract", "convert", "validate"])
def test_a_text_with_no_treaty_in_it_exits_4(run_main, tmp_path, command):
    """A readable text with nothing a treaty has (no kind of document in a title, no parties, no
    date of signature, no signature block) exited 0 with four warnings; exit 4 was documented
    but could never happen. Now it is exit 4, one line, and nothing is written."""
    path = tmp_path / "list.txt"
    path.write_text(NOT_A_TREATY, encoding="utf-8")
    out = tmp_path / "out.ttl"
    argv = [command, path] + (["-o", out] if command == "convert" else [])
    code, stdout, err = run_main(*argv)
    assert code == 4, err
    assert err.strip().splitlines() == [
        f"treatykg: error: {path}: holds no treaty: no kind of document named in a title, no parties, "
        "no date of signature, no signature block (is it a text exported from the treaty database?)"]
    assert stdout == "" and not out.exists()
    with pytest.raises(ExtractionError):
        api.extract(path)


def test_a_text_lacking_only_some_parts_of_a_treaty_is_still_read(run_main, tmp_path):
    """The rule is "nothing a treaty has", not "something missing": a title naming a kind of
    document is enough to be read (with warnings, exit 0)."""
    path = tmp_path / "title-only.txt"
    path.write_text("中华人民共和国和某国联合公报\n双方就共同关心的问题交换了意见。\n", encoding="utf-8")
    code, _, err = run_main("extract", path)
    assert code == 0, err
    assert "no date of signature found" in err


# ---------------------------------------------------------------- files of mode 0600
def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_files_written_follow_the_umask_not_0600(run_main, tmp_path):
    """Every atomically written file was mode 0600 (``tempfile.mkstemp``) whatever the umask:
    ``convert -o``, ``graphs/*.nq``, ``manifest.json``, ``validation.json``, ``void.ttl``, and the
    site's pages were forced to 0644. Now each gets ``0666 & ~umask``, as ``open()`` gives."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "seed.txt").write_bytes(SEED.read_bytes())
    old = os.umask(0o027)
    try:
        code, _, err = run_main("convert", SEED, "-o", tmp_path / "seed.ttl")
        assert code == 0, err
        assert _mode(tmp_path / "seed.ttl") == 0o640
        code, _, err = run_main("build", src, "--out", tmp_path / "out", "--workers", "1", "--quiet")
        assert code == 0, err
        code, _, err = run_main("site", tmp_path / "out")
        assert code == 0, err
        os.umask(0o002)
        code, _, err = run_main("convert", SEED, "-o", tmp_path / "seed.nq")
        assert code == 0, err
        assert _mode(tmp_path / "seed.nq") == 0o664
    finally:
        os.umask(old)
    out = tmp_path / "out"
    written = [out / "graphs" / "seed.nq", out / "manifest.json", out / "validation.json", out / "void.ttl",
               out / "site" / "index.html"]
    assert {str(p.relative_to(out)): _mode(p) for p in written} == {
        str(p.relative_to(out)): 0o640 for p in written}


# ---------------------------------------------------------------- the repeated "○" of ingest._FOLD
def test_a_large_circle_u25ef_is_read_as_the_zero_of_a_chinese_year():
    """``ingest._FOLD`` held the key "○" (U+25CB) twice, once as the character and once as
    ``\\u25cb``: the other circle meant was ◯ (U+25EF LARGE CIRCLE), which input methods give for
    〇. A year written ``二◯一一年`` was no date; now ◯ folds to 〇 as ○ does."""
    from treatykg.extract import extract_bytes
    from treatykg.ingest import _FOLD

    assert _FOLD["\u25cb"] == _FOLD["\u25ef"] == "〇"
    for zero in ("\u25ef", "\u25cb", "〇"):
        text = ("中华人民共和国政府和蒙古国政府文化合作议定书\n"
                f"本议定书于二{zero}一一年九月八日在乌兰巴托签订。\n"
                "中华人民共和国政府代表\n刘建国\n蒙古国政府代表\n巴特尔\n")
        record = extract_bytes(text.encode("utf-8"), name="circle.txt")
        assert record.signed_date == "2011-09-08", zero
        assert record.source.length == len(text)   # the fold maps offsets, never moves them
