"""References resolved across a collection: a document that cites another of the collection links to it."""
from __future__ import annotations

import pyoxigraph as ox

from treatykg.build import build
from treatykg.citations import citations_graph
from treatykg.namespaces import DEFAULT_BASE
from treatykg.sparql import named_query, query_store

DISCLAIMER = ("免 责 条 款\n\n我们努力提供准确的条约信息并定期核查、更新，但仍难以保证数据库中的条约信息与条约正式文本完全一致。"
              "对于使用本数据库信息可能导致的损失或法律纠纷，我们不承担任何责任。感谢您的理解和支持。\n\n")
AGREEMENT = DISCLAIMER + """中华人民共和国政府和新西兰政府贸易协定
中华人民共和国政府和新西兰政府达成协议如下：
第一条 双方发展贸易。
本协定于一九七三年二月五日在惠灵顿签订，一式两份，每份都用中文和英文写成。
中华人民共和国政府代表　　　　新西兰政府代表
王一平　　　　　　　　　　　　约翰·布朗
"""
PROTOCOL = DISCLAIMER + """中华人民共和国政府和新西兰政府关于修改贸易协定的议定书
中华人民共和国政府和新西兰政府，愿意修改一九七三年二月五日在惠灵顿签订的《中华人民共和国政府和新西兰政府贸易协定》，达成协议如下：
第一条 双方扩大贸易。
本议定书于一九八〇年三月一日在北京签订。
中华人民共和国政府代表　　　　新西兰政府代表
李文明　　　　　　　　　　　　彼得·格林
"""


def test_a_document_citing_another_of_the_collection_links_to_it(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text(AGREEMENT, encoding="utf-8")
    (src / "b.txt").write_text(PROTOCOL, encoding="utf-8")
    report = build(src, out, workers=1)
    assert report.ok
    docs = {d.path: d.document for d in report.documents}
    rows = query_store(out, named_query("citations")).records()
    assert [(r["citing"], r["cited"]) for r in rows] == [(docs["b.txt"], docs["a.txt"])]
    assert (out / "graphs" / "_collection" / "citations.nq").is_file()
    # the reference node of the citing document is the cited document
    store = ox.Store.read_only(str(out / "store"))
    same = list(store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"),
                                        ox.NamedNode(docs["a.txt"]), ox.NamedNode(citations_graph(DEFAULT_BASE))))
    assert len(same) == 1


def test_a_reference_that_fits_two_documents_links_to_neither(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text(AGREEMENT, encoding="utf-8")
    (src / "a2.txt").write_text(AGREEMENT.replace("一九七三年二月五日", "一九七九年二月五日"), encoding="utf-8")
    undated = PROTOCOL.replace("一九七三年二月五日在惠灵顿签订的", "")
    (src / "b.txt").write_text(undated, encoding="utf-8")
    assert build(src, out, workers=1).ok
    assert query_store(out, named_query("citations")).records() == []


def test_the_links_follow_the_collection(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text(AGREEMENT, encoding="utf-8")
    (src / "b.txt").write_text(PROTOCOL, encoding="utf-8")
    build(src, out, workers=1)
    (src / "a.txt").unlink()
    build(src, out, workers=1)
    assert query_store(out, named_query("citations")).records() == []
    assert not (out / "graphs" / "_collection" / "citations.nq").exists()
