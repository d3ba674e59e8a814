"""Segment: title, body, date lines and signature blocks of each layout."""
from __future__ import annotations

from pathlib import Path

import pytest

from treatykg.ingest import ingest_bytes, ingest_file
from treatykg.segment import segment

CORPUS = Path(__file__).parent / "corpus"


def seg(name: str):
    return segment(ingest_file(CORPUS / name))


def block_texts(s):
    return [[ln.squeeze().text for ln in block] for block in s.signature_blocks]


def test_seed_title_body_and_one_signature_block_titles_first():
    s = seg("1958-02-19_cn-kp_joint-statement.txt")
    assert s.title.text == "中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明"
    assert s.body[0].text.startswith("以中华人民共和国国务院周恩来总理为首")
    assert [d.text for d in s.date_lines] == ["1958年2月19日于平壤"]
    assert block_texts(s) == [["中华人民共和国国务院总理", "朝鲜民主主义人民共和国内阁首相", "周恩来", "金日成",
                               "（签字）", "（签字）"]]


def test_flattened_single_line_body_is_cut_into_articles_and_a_signature_line():
    s = seg("002_cn_pl_techsci_agreement_1954.txt")
    assert [h.text for h in s.article_heads] == ["第一条", "第二条", "第三条", "第四条"]
    assert len(s.signature_blocks) == 1
    assert s.signature_blocks[0][0].text.startswith("中华人民共和国中央人民政府全权代表 波兰")


def test_blocks_are_cut_after_each_signature_marker():
    s = seg("004_cn_gh_friendship_treaty_1961.txt")
    assert block_texts(s) == [["中华人民共和国全权代表周恩来", "（签字）"],
                              ["加纳共和国全权代表克瓦米·恩克鲁玛", "（签字）"]]


def test_letters_of_an_exchange_of_notes_each_give_a_block():
    s = seg("007_cn_fr_shipping_tax_notes_1975.txt")
    assert block_texts(s) == [["中华人民共和国政府代表团团长", "于眉"], ["法兰西共和国政府代表团团长", "让·沙邦"]]
    assert len(s.address_lines) >= 2


def test_title_split_over_two_lines_is_joined():
    text = "免 责 条 款\n\n我们努力提供准确的条约信息。\n\n中华人民共和国政府和某某共和国政府\n关于文化合作的协定\n双方商定如下，第一条……。\n"
    s = segment(ingest_bytes(text.encode(), name="t"))
    assert s.title.text == "中华人民共和国政府和某某共和国政府关于文化合作的协定"


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_every_reference_text_has_a_title_and_a_signature_block_where_it_prints_one(name):
    import json

    s = seg(name)
    signed = json.loads((CORPUS / name).with_suffix(".gold.json").read_text(encoding="utf-8"))["signatories"]
    assert s.title is not None and bool(s.signature_blocks) == bool(signed)
