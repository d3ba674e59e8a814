"""Extraction against the gold records, evidence that reproduces its quotes, and rules on new texts."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from treatykg.dates import find_ranges, parse_date
from treatykg.extract import extract_bytes, extract_file
from treatykg.ingest import to_simplified

CORPUS = Path(__file__).parent / "corpus"
TEXTS = sorted(CORPUS.glob("*.txt"))
DISCLAIMER = ("免 责 条 款\n\n我们努力提供准确的条约信息并定期核查、更新，但仍难以保证数据库中的条约信息与条约正式文本完全一致。"
              "对于使用本数据库信息可能导致的损失或法律纠纷，我们不承担任何责任。感谢您的理解和支持。\n\n")


def norm(value) -> str:
    """As the scorer compares: NFKC, simplified, no white space."""
    if value is None:
        return ""
    return "".join(to_simplified(unicodedata.normalize("NFKC", str(value))).split())


def gold(path: Path) -> dict:
    return json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_core_fields_match_the_gold_record(path):
    g, r = gold(path), extract_file(path).to_json()
    for key in ("title", "doc_type", "signed_date", "signed_place"):
        assert norm(r[key]) == norm(g[key]), key
    assert r["articles"] == g["articles"]
    assert {norm(p) for p in r["parties"]} == {norm(p) for p in g["parties"]}
    assert {norm(x) for x in r["authentic_languages"] or []} == {norm(x) for x in g["authentic_languages"] or []}
    assert {norm(s["name"]) for s in r["signatories"]} == {norm(s["name"]) for s in g["signatories"]}
    # each signatory acts for the party the gold names (the block may print only its state: 中华人民共和国
    # for the party 中华人民共和国文化部)
    assert len(r["signatories"]) == len(g["signatories"])
    for ours, theirs in zip(sorted(r["signatories"], key=lambda s: norm(s["party"])),
                            sorted(g["signatories"], key=lambda s: norm(s["party"]))):
        assert norm(ours["party"]).startswith(norm(theirs["party"])), theirs
    gdates = {x["date"] for x in g["referenced"] if x.get("date")}
    assert {x["date"] for x in r["referenced"] if x["date"]} == gdates


def test_seed_signatory_titles_and_rich_fields_are_exact():
    path = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"
    g, r = gold(path), extract_file(path).to_json()
    assert [(s["name"], s["title"], s["party"]) for s in r["signatories"]] == \
           [(s["name"], s["title"], s["party"]) for s in g["signatories"]]
    v = r["visit"]
    assert (v["start"], v["end"], v["places_visited"], v["led_by"], v["host"], v["delegation"]) == \
           (g["visit"]["start"], g["visit"]["end"], g["visit"]["places_visited"], g["visit"]["led_by"],
            g["visit"]["host"], g["visit"]["delegation"])
    assert [(c["actor"], c["deadline"]) for c in r["commitments"]] == \
           [(c["actor"], c["deadline"]) for c in g["commitments"]]
    assert r["entry_into_force"] is None and r["authentic_languages"] is None


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_every_fact_has_evidence_that_reproduces_its_quote(path):
    record = extract_file(path)
    original = path.read_bytes().decode("utf-8-sig")
    evidence = record.evidence()
    assert "title" in evidence and "signed_date" in evidence
    for i, s in enumerate(record.signatories):
        assert f"signatories[{i}].name" in evidence or s.name is None
    for spans in evidence.values():
        for s in spans:
            assert 0 <= s.start < s.end <= len(original)
            assert original[s.start:s.end] == s.exact
            assert original[max(0, s.start - len(s.prefix)):s.start] == s.prefix
            assert original[s.end:s.end + len(s.suffix)] == s.suffix


def test_signing_date_quote_is_the_date_as_written():
    record = extract_file(CORPUS / "002_cn_pl_techsci_agreement_1954.txt")
    assert record.signed_date_span.exact == "一九五四年七月二十日"


@pytest.mark.parametrize("text, iso", [
    ("1958年2月19日", "1958-02-19"), ("一九五四年七月二十日", "1954-07-20"), ("一九七二年三月十三日", "1972-03-13"),
    ("二〇〇一年十二月三十一日", "2001-12-31"), ("一九九○年一月一日", "1990-01-01"), ("二零零八年八月八日", "2008-08-08"),
    ("1957年11月", "1957-11"), ("1955年", "1955"), ("１９６１年８月１８日", "1961-08-18"),
])
def test_dates_keep_the_precision_the_text_gives(text, iso):
    d = parse_date(text)
    assert (d.iso if d else None) == iso


def test_impossible_dates_are_not_dates():
    assert parse_date("1958年2月30日").iso == "1958-02"  # the day is dropped, not invented
    assert parse_date("1958年13月1日").iso == "1958"


def test_date_ranges_read_the_end_day_in_the_same_month():
    (r,) = find_ranges("从1958年2月14日到21日在平壤")
    assert (r.first.iso, r.last_iso) == ("1958-02-14", "1958-02-21")
    (r,) = find_ranges("于1970年12月28日至1月3日访问")
    assert (r.first.iso, r.last_iso) == ("1970-12-28", "1971-01-03")


# --- rules carried over to texts the project has not seen --------------------------------

AGREEMENT = DISCLAIMER + """中华人民共和国政府和蒙古人民共和国政府经济和技术援助协定
中华人民共和国政府和蒙古人民共和国政府，为了发展两国的友好合作关系，达成协议如下：
第一条
中华人民共和国政府同意向蒙古人民共和国政府提供经济和技术援助。
第二条
本协定自签字之日起生效。
本协定于一九六〇年五月三十一日在乌兰巴托签订，共两份，每份都用中文和蒙文写成，两种文本具有同等效力。
中华人民共和国
政府全权代表
周恩来
（签字）
蒙古人民共和国
政府全权代表
泽登巴尔
（签字）
"""


def test_an_unseen_agreement_with_vertical_signature_blocks():
    r = extract_bytes(AGREEMENT.encode("utf-8"), name="mn.txt").to_json()
    assert r["doc_type"] == "agreement"
    assert r["parties"] == ["中华人民共和国政府", "蒙古人民共和国政府"]
    assert (r["signed_date"], r["signed_place"]) == ("1960-05-31", "乌兰巴托")
    assert r["articles"] == 2
    assert r["authentic_languages"] == ["中文", "蒙文"]
    assert r["entry_into_force"] == "本协定自签字之日起生效。"
    assert [(s["name"], s["party"]) for s in r["signatories"]] == [
        ("周恩来", "中华人民共和国政府"), ("泽登巴尔", "蒙古人民共和国政府")]


COMMUNIQUE = DISCLAIMER + """中华人民共和国和日本国政府联合声明
日本国内阁总理大臣田中角荣应中华人民共和国国务院总理周恩来的邀请，于一九七二年九月二十五日至九月三十日访问了中华人民共和国。
双方决定自一九七二年九月二十九日起建立外交关系。
中华人民共和国国务院总理 日本国内阁总理大臣
周恩来 田中角荣
（签字） （签字）
一九七二年九月二十九日于北京
"""


def test_an_unseen_statement_with_columns_on_one_line():
    r = extract_bytes(COMMUNIQUE.encode("utf-8"), name="jp.txt").to_json()
    assert r["doc_type"] == "joint_statement"
    assert r["parties"] == ["中华人民共和国", "日本国政府"]
    assert (r["signed_date"], r["signed_place"]) == ("1972-09-29", "北京")
    assert [(s["name"], s["title"]) for s in r["signatories"]] == [
        ("周恩来", "中华人民共和国国务院总理"), ("田中角荣", "日本国内阁总理大臣")]
    assert [c["deadline"] for c in r["commitments"]] == ["1972-09-29"]


def test_a_text_without_title_date_or_signatures_gives_warnings_not_errors():
    r = extract_bytes((DISCLAIMER + "双方就共同关心的问题交换了意见，取得了一致。\n").encode("utf-8"), name="x.txt")
    assert r.title is None and r.signed_date is None and not r.signatories
    assert any("date" in w for w in r.warnings) and any("signature" in w for w in r.warnings)


TWO_ROWS = DISCLAIMER + """中华人民共和国政府和日本国政府联合声明
日本国内阁总理大臣田中角荣应中华人民共和国国务院总理周恩来的邀请，于一九七二年九月二十五日至九月三十日访问了中华人民共和国。
二、中日两国政府决定自一九七二年九月二十九日起建立外交关系。

中华人民共和国国务院总理\u3000\u3000\u3000\u3000日本国内阁总理大臣
周恩来（签字）\u3000\u3000\u3000\u3000\u3000\u3000田中角荣（签字）
中华人民共和国外交部长\u3000\u3000\u3000\u3000日本国外务大臣
姬鹏飞（签字）\u3000\u3000\u3000\u3000\u3000\u3000大平正芳（签字）

一九七二年九月二十九日于北京
"""


def test_two_rows_of_columns_pair_each_title_with_the_name_below_it():
    r = extract_bytes(TWO_ROWS.encode("utf-8"), name="rows.txt").to_json()
    assert [(s["name"], s["title"], s["party"]) for s in r["signatories"]] == [
        ("周恩来", "中华人民共和国国务院总理", "中华人民共和国政府"),
        ("田中角荣", "日本国内阁总理大臣", "日本国政府"),
        ("姬鹏飞", "中华人民共和国外交部长", "中华人民共和国政府"),
        ("大平正芳", "日本国外务大臣", "日本国政府")]


def test_a_visit_in_person_without_a_delegation():
    v = extract_bytes(TWO_ROWS.encode("utf-8"), name="rows.txt").to_json()["visit"]
    assert (v["led_by"], v["host"], v["start"], v["end"]) == ("田中角荣", "中华人民共和国", "1972-09-25", "1972-09-30")
