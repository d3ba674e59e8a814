"""Record every HTML page treatykg writes, and compare two recordings byte for byte.

The pages (``treatykg site``, ``view``, ``docs``) must not change when only the way they are
made changes (issue 18: templates instead of f-strings). This script writes them all into one
folder, from any treatykg source tree, so that two trees can be compared::

    # the pages of a commit (a worktree of it), and those of the working tree
    git worktree add /tmp/wt-abc123 abc123
    python scripts/page_outputs.py record /tmp/pages-ref --src /tmp/wt-abc123/src
    python scripts/page_outputs.py record /tmp/pages-new --src src
    python scripts/page_outputs.py compare /tmp/pages-ref /tmp/pages-new

``record`` runs ``python -m treatykg.cli`` with ``PYTHONPATH=SRC`` (the interpreter running this
script; ``.venv/bin/python``), always on the same inputs (``--corpus``, default this checkout's
``tests/corpus``), and writes:

``corpus/``
    ``build`` of the corpus, then ``site``: the index, annotated document pages, person and state
    pages, the pictures (``corpus/site``).
``facts/``
    the same build without its published texts: every document page lists its facts.
``curated/``
    a few invented texts, one with ``<script>``, quotes and ``&`` in its title, names and file
    name, built with a corrections file and a metadata file: provenance marks, rejected values,
    the review list of the index.
``view/``
    ``view`` of every corpus text, and of the invented texts with the corrections.
``docs/``
    ``docs``: ontology.html and shapes.html.
``api/``
    :func:`treatykg.view.render_document` over a text that differs from the one read (spans
    that no longer match are dropped, and the page says so), with links and a navigation.

``compare`` lists the files that differ or exist on one side only (build data such as graphs and
the store are left out: only pages and pictures count) and exits 1 if there is any.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
DISCLAIMER = ("免 责 条 款\n\n我们努力提供准确的条约信息并定期核查、更新，但仍难以保证数据库中的条约信息与条约正式文本完全一致。"
              "对于使用本数据库信息可能导致的损失或法律纠纷，我们不承担任何责任。感谢您的理解和支持。\n\n")
HOSTILE = "<script>alert(1)</script>\"'&amp;"
# invented texts: no parties (corrected), undated (metadata), hostile characters everywhere
INVENTED = {
    "nameless.txt": DISCLAIMER + """联合新闻公报
应双方商定，两国外长于一九八五年五月六日在北京举行了会谈，就共同关心的问题交换了意见。
一九八五年五月六日于北京
""",
    "undated.txt": DISCLAIMER + """中华人民共和国政府和新西兰政府文化合作协定
中华人民共和国政府和新西兰政府达成协议如下：
第一条 双方交换文化代表团。
中华人民共和国政府代表　　　　新西兰政府代表
梁一平　　　　　　　　　　　　约翰·布朗
""",
    "hostile <b>\"'&amp;.txt": DISCLAIMER + f"""中华人民共和国政府和新西兰政府关于{HOSTILE}"文化"&'合作'的协定
中华人民共和国政府和新西兰政府达成协议如下：
第一条 双方交换"文化"代表团<b>。
本协定于一九八八年九月十日在北京签订。
中华人民共和国政府代表　　　　新西兰政府代表
梁一平　　　　　　　　　　　　约翰·布朗
""",
}
CORRECTIONS = """
[[correction]]
document = "nameless.txt"
field = "parties"
action = "set"
value = ["中华人民共和国政府", "新西兰政府"]
expect = []
curator = "Li Ming <li@example.org> & \\"co\\""
date = 2026-11-30
note = "the preamble abbreviates both governments <script>alert(1)</script> 'quoted'"

[[correction]]
document = "hostile <b>\\"'&amp;.txt"
field = "parties"
action = "set"
value = ["中华人民共和国政府", "<script>alert(1)</script>\\"'&amp;政府"]
curator = "<i>x</i>"
date = 2026-11-30
"""
METADATA = ("file\tsigned_date\tsigned_place\tpartner\tsource_url\n"
            "undated.txt\t1988-09-10\t北京\tnz\thttps://example.org/treaty/1?a=1&b=<2>\n"
            "dated.txt\t1958-02-20\t平壤\tkp\t\n")


API_PAGE = """
import sys
from pathlib import Path
from treatykg.rdf import document_iri
from treatykg.view import read_record, record_facts, render_document
record, text = read_record(Path(sys.argv[1]))
changed = text.replace("周恩来", "周恩來")
nodes = sorted({f.node for f in record_facts(record) if f.node} | {document_iri(record)})
links = {iri: f"../n/{i}.html" for i, iri in enumerate(nodes)}
page = render_document(record, changed, links=links, nav='<a href="../index.html">back</a>')
Path(sys.argv[2]).write_text(page, encoding="utf-8")
"""


def python(src: Path | None, code: str, *args: object) -> None:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src.resolve())
    subprocess.run([sys.executable, "-c", code, *map(str, args)], env=env, check=True)


def treatykg(src: Path | None, *args: object) -> None:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src.resolve())
    done = subprocess.run([sys.executable, "-m", "treatykg.cli", *map(str, args)], env=env,
                          capture_output=True, text=True)
    if done.returncode not in (0, 1, 8):  # 1: a text that does not conform, 8: a build that kept one
        sys.exit(f"treatykg {' '.join(map(str, args))}: exit {done.returncode}\n{done.stderr}")


def record(dest: Path, src: Path | None, corpus: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    treatykg(src, "build", corpus, "--out", dest / "corpus", "--quiet", "--workers", "2")
    treatykg(src, "site", dest / "corpus", "--workers", "1")
    shutil.copytree(dest / "corpus", dest / "facts",
                    ignore=shutil.ignore_patterns("site", "texts", ".site-pages.json", ".treatykg.lock"))
    treatykg(src, "site", dest / "facts", "--workers", "1")

    texts = dest / "invented"
    texts.mkdir()
    for name, text in INVENTED.items():
        (texts / name).write_text(text, encoding="utf-8")
    shutil.copy(corpus / "1958-02-19_cn-kp_joint-statement.txt", texts / "dated.txt")
    (dest / "corrections.toml").write_text(CORRECTIONS, encoding="utf-8")
    (dest / "metadata.tsv").write_text(METADATA, encoding="utf-8")
    treatykg(src, "build", texts, "--out", dest / "curated", "--quiet", "--workers", "1",
             "--corrections", dest / "corrections.toml", "--metadata", dest / "metadata.tsv")
    treatykg(src, "site", dest / "curated", "--workers", "1")

    (dest / "view").mkdir()
    for path in sorted(corpus.glob("*.txt")):
        treatykg(src, "view", path, "-o", dest / "view" / f"{path.stem}.html")
    for path in sorted(texts.glob("*.txt")):
        treatykg(src, "view", path, "-o", dest / "view" / f"invented-{path.stem}.html",
                 "--corrections", dest / "corrections.toml", "--metadata", dest / "metadata.tsv")
    treatykg(src, "docs", "--out", dest / "docs")
    (dest / "api").mkdir()
    python(src, API_PAGE, corpus / "1958-02-19_cn-kp_joint-statement.txt", dest / "api" / "changed.html")


def pages(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix in (".html", ".svg")}


def compare(a: Path, b: Path) -> int:
    left, right = pages(a), pages(b)
    differ = [k for k in left.keys() & right.keys() if left[k] != right[k]]
    only = sorted(left.keys() ^ right.keys())
    for k in sorted(differ):
        print(f"differs: {k}")
    for k in only:
        print(f"only in {a if k in left else b}: {k}")
    same = len(left.keys() & right.keys()) - len(differ)
    print(f"{same} pages identical, {len(differ)} differ, {len(only)} on one side only")
    return 1 if differ or only or not left else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="write every page into DEST")
    rec.add_argument("dest", type=Path)
    rec.add_argument("--src", type=Path, default=None, help="a treatykg source tree (its src/ folder)")
    rec.add_argument("--corpus", type=Path, default=HERE / "tests" / "corpus")
    cmp_ = sub.add_parser("compare", help="compare two recordings byte for byte")
    cmp_.add_argument("a", type=Path)
    cmp_.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "record":
        record(args.dest, args.src, args.corpus)
        print(f"{len(pages(args.dest))} pages in {args.dest}")
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
