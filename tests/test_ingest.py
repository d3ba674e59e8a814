"""Ingest: decoding, disclaimer, repairs, and the offset map back to the original."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from treatykg.errors import InputError
from treatykg.ingest import ingest_bytes, ingest_file, to_simplified

CORPUS = Path(__file__).parent / "corpus"
SEED = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"


def seed_bytes() -> bytes:
    return SEED.read_bytes()


def test_disclaimer_is_cut_and_title_comes_first():
    doc = ingest_file(SEED)
    assert "免" not in doc.view.text[:20]
    assert doc.view.text.startswith("中华人民共和国政府和朝鲜民主主义")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030"])
def test_every_supported_encoding_gives_the_same_view(encoding):
    text = seed_bytes().decode("utf-8")
    data = text.encode(encoding)
    doc = ingest_bytes(data, name="seed")
    assert doc.view.text == ingest_file(SEED).view.text


def test_crlf_gives_the_same_view_and_offsets_into_the_crlf_original():
    text = seed_bytes().decode("utf-8").replace("\n", "\r\n")
    doc = ingest_bytes(text.encode("utf-8"), name="crlf")
    assert doc.view.text == ingest_file(SEED).view.text
    assert "\r" not in doc.view.text
    for i, ch in enumerate(doc.view.text):
        if ch not in "\n":
            o = doc.original[doc.view.origin[i]]
            assert o == ch or to_simplified(o) == ch or o in ",;:()?!" or o.isspace()


def test_the_four_page_breaks_of_the_seed_are_joined():
    doc = ingest_file(SEED)
    joins = [r.detail for r in doc.repairs if r.kind == "page_break_joined"]
    assert joins == ["可|破", "各|国", "子|基", "何|时"]
    for word in ("牢不可破的", "各国的独立", "原子基地", "任何时候"):
        assert word in doc.view.text


def test_traditional_characters_are_simplified_in_the_view_only():
    doc = ingest_file(SEED)
    assert "朝鮮" in doc.original and "朝鮮" not in doc.view.text
    assert "会談" in doc.original and "会谈" in doc.view.text
    assert any(r.kind == "script" and r.detail == "鮮→鲜" for r in doc.repairs)


def test_ascii_punctuation_in_chinese_text_becomes_full_width():
    doc = ingest_file(CORPUS / "004_cn_gh_friendship_treaty_1961.txt")
    assert "," not in doc.view.text and "，" in doc.view.text


def test_every_view_character_maps_to_an_original_character():
    for path in sorted(CORPUS.glob("*.txt")):
        doc = ingest_file(path)
        assert len(doc.view.origin) == len(doc.view.text)
        assert all(0 <= o < len(doc.original) for o in doc.view.origin)
        assert doc.view.origin == sorted(doc.view.origin)  # order preserved


def test_squeeze_removes_stray_spaces_between_chinese_characters_only():
    doc = ingest_bytes("中华人民共和国政府和朝鲜民主主义 人民共和国政府联合声明\nABC DEF".encode(), name="x")
    first_line = doc.view.slice(0, doc.view.text.index("\n")).squeeze()
    assert first_line.text == "中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明"
    span = first_line.span()
    assert span.exact == "中华人民共和国政府和朝鲜民主主义 人民共和国政府联合声明"
    assert doc.view.slice(doc.view.text.index("\n") + 1, len(doc.view)).squeeze().text == "ABC DEF"


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (bytes(range(256)) * 4, "binary"),
    (b"\x80\x81\xfe\xfd\xff\x80" * 50 + b"\x80", "not UTF-8"),
])
def test_unreadable_input_is_an_input_error_with_a_clear_message(data, message):
    with pytest.raises(InputError) as err:
        ingest_bytes(data, name="bad.txt")
    assert message in str(err.value) and "bad.txt" in str(err.value)


def test_only_a_disclaimer_is_an_input_error():
    head = seed_bytes().decode("utf-8")
    disclaimer = head[: head.index("中华人民共和国政府和朝鲜")]
    with pytest.raises(InputError, match="no text after the database disclaimer"):
        ingest_bytes(disclaimer.encode("utf-8"), name="d.txt")


def test_utf16_without_bom_is_detected():
    text = seed_bytes().decode("utf-8")
    doc = ingest_bytes(text.encode("utf-16-le"), name="x")
    assert doc.source.encoding == "utf-16-le"
    assert codecs.BOM_UTF16_LE not in text.encode("utf-16-le")[:2]
