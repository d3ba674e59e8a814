"""Stage tests for the reading rules, on invented texts (not the reference corpus).

Each test writes a small export the way the PRC treaty database (or a web copy of it)
prints one kind of document or layout, and asserts what a careful reader takes from it.
"""
from __future__ import annotations

import pytest

from treatykg.dates import find_ranges, parse_date, parse_numeric_date
from treatykg.extract import extract_bytes

DISCLAIMER = ("免 责 条 款\n\n我们努力提供准确的条约信息并定期核查、更新，但仍难以保证数据库中的条约信息与条约正式文本完全一致。"
              "对于使用本数据库信息可能导致的损失或法律纠纷，我们不承担任何责任。感谢您的理解和支持。\n\n")


def read(body: str, name: str = "t.txt") -> dict:
    return extract_bytes((DISCLAIMER + body).encode("utf-8"), name=name).to_json()


def sigs(r: dict) -> list[tuple]:
    return [(s["name"], "".join((s["title"] or "").split()) or None) for s in r["signatories"]]


# -- dates ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, iso", [
    ("一九八0年四月二十三日", "1980-04-23"),          # a stray Arabic zero inside Chinese numerals
    ("一九九O年五月六日", "1990-05-06"),            # a letter O for zero
    ("二零一一年十二月三十一日", "2011-12-31"),
    ("二○○三年一月九日", "2003-01-09"),             # U+25CB
    ("２００３年１月９日", "2003-01-09"),            # full-width digits
    ("1977 年 10 月 3 日", "1977-10-03"),            # spaces inside a date
    ("一九七七年十月", "1977-10"), ("1964年", "1964"),
    ("一九六三年二月廿一日", "1963-02-21"),           # 廿 for twenty
    ("1958年2月30日", "1958-02"),                   # an impossible day is dropped, not invented
])
def test_dates_in_every_numeral_form(text, iso):
    assert parse_date(text).iso == iso


def test_day_ranges_in_both_numeral_systems_and_across_a_month():
    assert [(r.first.iso, r.last_iso) for r in find_ranges("于一九七一年十一月二十日至二十六日访问")] == \
        [("1971-11-20", "1971-11-26")]
    assert [(r.first.iso, r.last_iso) for r in find_ranges("从1983年6月29日到7月3日")] == [("1983-06-29", "1983-07-03")]
    assert [(r.first.iso, r.last_iso) for r in find_ranges("1990年12月30日至1991年1月2日")] == \
        [("1990-12-30", "1991-01-02")]


def test_numeric_metadata_dates():
    assert parse_numeric_date("【签订日期】1983.06.29").iso == "1983-06-29"
    assert parse_numeric_date("签订日期：1983-6-29").iso == "1983-06-29"


# -- the document's own signing ---------------------------------------------------------------
AGREEMENT = """中华人民共和国政府和新西兰政府文化合作协定
中华人民共和国政府和新西兰政府，愿意加强两国的文化交流，并回顾一九七五年三月一日在惠灵顿签订的《中华人民共和国政府和新西兰政府贸易协定》，达成协议如下：
第一条 双方鼓励两国文化机构的合作。
第二条 本协定自签字之日起生效，有效期五年。
本协定于一九八八年九月十日在北京签订，一式两份，每份都用中文和英文写成，两种文本同等作准。
中华人民共和国政府　　　　新西兰政府
代表　　　　　　　　　　　代表
梁一平　　　　　　　　　　约翰·布朗
"""


def test_the_documents_own_clause_not_the_clause_that_dates_another_document():
    r = read(AGREEMENT)
    assert (r["signed_date"], r["signed_place"]) == ("1988-09-10", "北京")
    ref = next(x for x in r["referenced"] if "贸易协定" in x["label"])
    assert (ref["date"], ref["place"]) == ("1975-03-01", "惠灵顿")


def test_entry_into_force_on_signature_resolves_to_the_signing_date():
    r = read(AGREEMENT)
    assert r["entry_into_force"].startswith("本协定自签字之日起生效")
    assert r["entry_into_force_date"] == "1988-09-10"


@pytest.mark.parametrize("sentence, months", [
    ("第二条 本协定自签字之日起生效，有效期五年。", 60),
    ("第四条 本协定有效期限自签字日起共为十年，如在期满前一年任何一方未提出废除时，本协定有效期自动延长五年。", 120),
    ("第二条 本备忘录有效期为六个月。在有效期内，经双方商定可对本备忘录进行修改。", 6),
    ("第二条 本协定有效期三十年。", 360),
    # what follows the term is not its length; another document's term is not this one's
    ("第二条 本协定自签字之日起生效。有效期满前六个月，双方商谈延长事宜。", None),
    ("第二条 双方回顾贸易协定有效期五年。", None),
])
def test_the_validity_is_counted_in_months_with_its_evidence(sentence, months):
    r = read(AGREEMENT.replace("第二条 本协定自签字之日起生效，有效期五年。", sentence))
    assert r["validity_months"] == months
    assert ("validity_months" in r["evidence"]) == (months is not None)
    if months is not None:
        assert r["evidence"]["validity_months"][0]["exact"].startswith("有效期")


def test_signature_columns_aligned_with_ideographic_spaces():
    r = read(AGREEMENT)
    assert sigs(r) == [("梁一平", "中华人民共和国政府代表"), ("约翰·布朗", "新西兰政府代表")]
    assert [s["party"] for s in r["signatories"]] == ["中华人民共和国政府", "新西兰政府"]


def test_closing_line_without_a_signing_verb():
    r = read("中华人民共和国政府和加拿大政府关于互设领事馆的议定书\n双方商定如下：\n一、双方互设总领事馆。\n"
             "二〇〇一年五月三日于北京，一式两份，用中文、英文和法文写成，三种文本同等作准。\n"
             "中华人民共和国政府代表\t\t加拿大政府代表\n何文彬\t\t\t\t彼得·汤普森\n")
    assert (r["signed_date"], r["signed_place"]) == ("2001-05-03", "北京")
    assert r["authentic_languages"] == ["中文", "英文", "法文"]
    assert sigs(r) == [("何文彬", "中华人民共和国政府代表"), ("彼得·汤普森", "加拿大政府代表")]


@pytest.mark.parametrize("dateline", ["一九八二年六月四日于堪培拉", "（一九八二年六月四日于堪培拉）", "(1982年6月4日于堪培拉)"])
def test_a_dateline_under_the_title_with_or_without_parentheses(dateline):
    r = read(f"中华人民共和国和澳大利亚联合新闻公报\n{dateline}\n"
             "双方同意进一步发展两国关系，并决定自一九八二年七月一日起互设领事馆。\n")
    assert (r["signed_date"], r["signed_place"]) == ("1982-06-04", "堪培拉")
    assert r["parties"] == ["中华人民共和国", "澳大利亚"]
    assert [(c["actor"], c["deadline"]) for c in r["commitments"]] == [("双方", "1982-07-01")]


def test_a_database_metadata_line_is_kept_apart_and_dates_an_undated_text():
    r = read("中华人民共和国政府和牙买加政府经济技术合作协定\n【签订日期】1983.06.29　【文种】协定\n"
             "中华人民共和国政府和牙买加政府达成协议如下：\n第一条 双方开展经济技术合作。\n")
    assert r["signed_date"] == "1983-06-29"
    assert r["title"] == "中华人民共和国政府和牙买加政府经济技术合作协定"
    assert r["articles"] == 1 and r["signatories"] == []


NOTES = """中华人民共和国政府和罗马尼亚政府关于互免签证的换文
（一）中方去照
罗马尼亚驻华大使扬·波佩斯库阁下：
我谨代表中华人民共和国政府提议：两国持外交护照的公民互免签证。上述内容如蒙阁下代表罗马尼亚政府复照确认，本照会和阁下的复照即构成两国政府之间的一项协议，并自阁下复照之日起生效。
顺致崇高的敬意。
中华人民共和国外交部副部长
钱方明
一九八四年三月二日于北京
（二）罗方复照
中华人民共和国外交部副部长钱方明先生阁下：
我荣幸地确认收到阁下一九八四年三月二日的照会，并同意照会的内容。
顺致崇高的敬意。
罗马尼亚驻华大使
扬·波佩斯库
一九八四年三月九日于北京
"""


def test_an_exchange_of_notes_is_dated_by_its_last_letter_and_enters_into_force_on_the_reply():
    r = read(NOTES)
    assert r["doc_type"] == "exchange_of_notes"
    assert (r["signed_date"], r["signed_place"]) == ("1984-03-09", "北京")
    assert r["entry_into_force_date"] == "1984-03-09"
    assert sigs(r) == [("钱方明", "中华人民共和国外交部副部长"), ("扬·波佩斯库", "罗马尼亚驻华大使")]
    assert r["referenced"] == []  # "一项协议" is this exchange itself


# -- signature blocks -----------------------------------------------------------------------------
def _closing(block: str) -> str:
    return ("中华人民共和国政府和新西兰政府贸易协定\n双方达成协议如下：\n第一条 双方发展贸易。\n"
            "本协定于1980年5月6日在惠灵顿签订。\n" + block)


@pytest.mark.parametrize("block", [
    # stacked, each signatory with its marker
    "中华人民共和国政府代表\n外经贸部副部长\n陈 明 远\n（签字）\n新西兰政府代表\n贸易部长\n布莱恩·塔尔博伊斯\n（签字）\n",
    # side by side, aligned with ASCII spaces, a stray space in a name
    "中华人民共和国政府代表      新西兰政府代表\n外经贸部副部长              贸易部长\n陈明 远                     布莱恩·塔尔博伊斯\n",
    # side by side with tabs and markers after the names
    "中华人民共和国政府代表\t新西兰政府代表\n外经贸部副部长\t贸易部长\n陈明远（签字）\t布莱恩·塔尔博伊斯（签字）\n",
    # side by side, single spaces only, spaced-out name
    "中华人民共和国政府代表 新西兰政府代表\n外经贸部副部长 贸易部长\n陈 明 远 布莱恩·塔尔博伊斯\n",
])
def test_signatories_in_every_layout_take_their_titles_from_their_own_column(block):
    r = read(_closing(block))
    assert sigs(r) == [("陈明远", "中华人民共和国政府代表外经贸部副部长"), ("布莱恩·塔尔博伊斯", "新西兰政府代表贸易部长")]


def test_columns_written_together_without_any_gap():
    r = read(_closing("中华人民共和国政府全权代表新西兰政府全权代表\n吴学谦布莱恩·塔尔博伊斯\n（签字）（签字）\n"))
    assert sigs(r) == [("吴学谦", "中华人民共和国政府全权代表"), ("布莱恩·塔尔博伊斯", "新西兰政府全权代表")]


def test_a_column_empty_on_one_row_keeps_its_cells_where_they_stand():
    block = ("中华人民共和国政府代表          新西兰政府代表\n"
             "外经贸部副部长                  贸易部长\n"
             "                                特命全权大使\n"
             "陈明远                          布莱恩·塔尔博伊斯\n")
    r = read(_closing(block))
    assert sigs(r) == [("陈明远", "中华人民共和国政府代表外经贸部副部长"),
                       ("布莱恩·塔尔博伊斯", "新西兰政府代表贸易部长特命全权大使")]


def test_titles_then_names_and_a_title_with_its_name_on_one_line():
    r = read(_closing("中华人民共和国政府代表\n新西兰政府代表\n陈明远\n布莱恩·塔尔博伊斯\n（签字）\n（签字）\n"))
    assert sigs(r) == [("陈明远", "中华人民共和国政府代表"), ("布莱恩·塔尔博伊斯", "新西兰政府代表")]
    r = read(_closing("中华人民共和国全权代表陈明远\n（签字）\n新西兰全权代表布莱恩·塔尔博伊斯\n（签字）\n"))
    assert sigs(r) == [("陈明远", "中华人民共和国全权代表"), ("布莱恩·塔尔博伊斯", "新西兰全权代表")]


def test_blocks_whose_names_were_lost_keep_their_parties():
    r = read(_closing("中华人民共和国政府 |\n新西兰政府 |\n"))
    assert [(s["name"], s["party"]) for s in r["signatories"]] == [(None, "中华人民共和国政府"), (None, "新西兰政府")]


# -- references -------------------------------------------------------------------------------------
def test_titled_documents_take_the_date_printed_with_them():
    r = read("中华人民共和国和厄瓜多尔共和国关于建立外交关系的联合公报\n"
             "两国政府商定，将根据一九六一年《维也纳外交关系公约》和1963年4月24日签订的《维也纳领事关系公约》的规定，"
             "本着1970年12月15日两国建立外交关系的联合公报的精神，发展两国关系，并废除其他官方协议。\n"
             "一九八〇年一月二日于纽约\n")
    got = {x["label"]: x["date"] for x in r["referenced"]}
    assert got == {"维也纳外交关系公约": "1961", "维也纳领事关系公约": "1963-04-24",
                   "两国建立外交关系的联合公报": "1970-12-15"}


def test_fragments_of_running_text_are_not_references():
    r = read("中华人民共和国政府和冰岛政府关于互免签证的协议\n双方达成如下协议：\n一、双方互免签证。\n"
             "二、本协议自签字之日起生效，双方同意签订其他有关协议。\n二〇〇五年四月九日于雷克雅未克\n")
    assert r["referenced"] == []


# -- commitments ---------------------------------------------------------------------------------------
COMMUNIQUE = """中华人民共和国和巴拿马共和国关于建立外交关系的联合公报
中华人民共和国和巴拿马共和国，根据两国人民的利益和愿望，决定自公报签署之日起相互承认并建立大使级外交关系。
巴拿马共和国政府承认世界上只有一个中国。据此，巴拿马共和国政府即日断绝同台湾的“外交关系”，并承诺不再同台湾发生任何官方关系。
双方商定，两国将于二〇一七年九月三十日以前互派大使。
双方签署代表受各自政府授权，于二〇一七年六月十三日在北京签署公报中文、西班牙文文本一式两份，两种文本同等作准。
中华人民共和国代表          巴拿马共和国代表
宋 涛                       伊莎贝尔·德圣马洛
"""


def test_communique_commitments_take_their_dates_from_the_signing():
    r = read(COMMUNIQUE)
    assert (r["signed_date"], r["signed_place"]) == ("2017-06-13", "北京")
    got = [(c["actor"], c["deadline"]) for c in r["commitments"]]
    assert ("双方", "2017-06-13") in got
    assert ("巴拿马共和国政府", "2017-06-13") in got
    assert ("双方", "2017-09-30") in got
    assert r["authentic_languages"] == ["中文", "西班牙文"]
    assert sigs(r) == [("宋涛", "中华人民共和国代表"), ("伊莎贝尔·德圣马洛", "巴拿马共和国代表")]


# -- languages --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("clause, langs", [
    ("一式两份，每份都用中文和阿拉伯文写成，两种文本同等作准。", ["中文", "阿拉伯文"]),
    ("共两份，每份以中、匈、俄三种文字书就，三种文字的条文均有同等效力。", ["中文", "匈牙利文", "俄文"]),
    ("一式两份，用英文写成。", ["英文"]),
    ("中文本和葡萄牙文本同等作准。", ["中文", "葡萄牙文"]),
])
def test_authentic_languages_in_every_phrasing(clause, langs):
    r = read("中华人民共和国政府和某国政府协定\n双方达成协议如下：\n第一条 双方合作。\n"
             f"本协定于1990年1月1日在北京签订，{clause}\n")
    assert r["authentic_languages"] == langs


def test_a_language_clause_is_found_in_a_paragraph_of_its_own_and_the_skip_loses_none(monkeypatch):
    """languages() skips paragraphs with neither 文 nor 语; on texts whose clauses stand in
    paragraphs of their own, among paragraphs without them, the result is what reading every
    paragraph gives (an unknown language name too)."""
    from treatykg.extract import clauses

    body = ("中华人民共和国政府和某国政府协定\n双方达成协议如下：\n第一条 双方合作。\n第二条 双方交流。\n"
            "本协定于1990年1月1日在北京签订。\n一式两份，每份都用中文和斯瓦希里文写成，两种文本同等作准。\n")
    skipped = read(body)
    monkeypatch.setattr(clauses, "_LANG_MARKS", ("",))
    assert read(body)["authentic_languages"] == skipped["authentic_languages"] == ["中文", "斯瓦希里文"]


# -- the visit -------------------------------------------------------------------------------------------------
def test_a_visit_in_person_on_a_journey_names_its_host_state_and_city():
    r = read("中锡两国总理联合声明\n一九五七年二月五日于科伦坡\n"
             "中华人民共和国国务院总理周恩来阁下，应锡兰总理班达拉奈克阁下的邀请，在出访南亚途中来锡兰首都科伦坡作了三天的访问。"
             "两国总理就共同关心的问题交换了意见。\n")
    assert r["parties"] == ["中华人民共和国", "锡兰"]
    v = r["visit"]
    assert (v["led_by"], v["host"], v["places_visited"]) == ("周恩来", "锡兰", ["科伦坡"])


def test_a_visit_to_a_city_during_which_the_document_was_signed():
    r = read("中华人民共和国卫生部和几内亚共和国卫生部合作议定书\n"
             "几内亚共和国卫生部长马马杜·巴里于一九八五年五月十二日至十八日访问北京期间，与中华人民共和国卫生部长进行了会谈，达成协议如下：\n"
             "一、中方派遣医疗队。\n本议定书于一九八五年五月十七日在北京签订。\n")
    v = r["visit"]
    assert (v["led_by"], v["start"], v["end"], v["places_visited"]) == ("马马杜·巴里", "1985-05-12", "1985-05-18", ["北京"])
    assert v["host"] == "中华人民共和国"


# -- parties -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("partner, state", [
    ("新西兰政府", "nz"), ("加拿大政府", "ca"), ("澳大利亚政府", "au"), ("罗马尼亚政府", "ro"),
    ("牙买加政府", "jm"), ("联合国教育、科学及文化组织", None),
])
def test_parties_by_the_titles_structure_whatever_the_names_end_in(partner, state):
    r = read(f"中华人民共和国政府和{partner}关于文化合作的换文\n双方达成协议如下：\n一、双方合作。\n一九九〇年一月五日于北京\n")
    assert r["parties"] == ["中华人民共和国政府", partner]
    details = r["party_details"]
    assert details[0]["state"] == "cn"
    if state:
        assert details[1]["state"] == state and details[1]["organ"] == "政府"
    else:
        assert details[1]["kind"] == "organization" and details[1]["entity"]


def test_an_unknown_party_is_kept_and_flagged_for_review():
    r = read("中华人民共和国政府和乌托邦政府关于文化合作的换文\n双方达成协议如下：\n一、双方合作。\n一九九〇年一月五日于北京\n")
    assert r["parties"] == ["中华人民共和国政府", "乌托邦政府"]
    assert r["party_details"][1]["review"] and any("乌托邦政府" in w for w in r["warnings"])


def test_a_title_that_abbreviates_the_parties_takes_them_from_the_first_sentence():
    r = read("中尼两国总理联合公报\n一九六〇年四月二十八日于加德满都\n"
             "应尼泊尔王国首相柯伊拉腊的邀请，中华人民共和国国务院总理周恩来访问了尼泊尔王国。\n")
    assert r["parties"] == ["中华人民共和国", "尼泊尔王国"]
    assert [p["state"] for p in r["party_details"]] == ["cn", "np"]


def test_a_preamble_that_names_the_governments_of_the_titles_states():
    r = read("中华人民共和国和匈牙利人民共和国文化合作协定\n"
             "中华人民共和国中央人民政府和匈牙利人民共和国政府为发展两国文化关系，决定签订本协定如下：\n"
             "第一条 双方交换文化代表团。\n本协定于一九五一年七月十二日在北京签订。\n")
    assert r["parties"] == ["中华人民共和国中央人民政府", "匈牙利人民共和国政府"]
    assert [p["state"] for p in r["party_details"]] == ["cn", "hu"]


# -- more layouts ---------------------------------------------------------------------------------------
def test_a_title_and_its_name_on_each_line_are_not_two_columns():
    r = read("中华人民共和国和东帝汶民主共和国联合声明\n双方同意加强合作。\n"
             "中华人民共和国外交部长 唐家璇\n东帝汶民主共和国外交部长 若泽·拉莫斯-奥尔塔\n二〇〇二年五月二十日于帝力\n")
    assert sigs(r) == [("唐家璇", "中华人民共和国外交部长"), ("若泽·拉莫斯-奥尔塔", "东帝汶民主共和国外交部长")]
    assert (r["signed_date"], r["signed_place"]) == ("2002-05-20", "帝力")


def test_a_colon_between_title_and_name_and_a_dateline_with_订于():
    r = read("中华人民共和国政府和尼泊尔王国政府边界协定\n双方达成协议如下：\n第一条 双方确认边界线。\n"
             "中华人民共和国政府代表：陈毅\n尼泊尔王国政府代表：图尔西·吉里\n一九六一年十月五日订于北京\n")
    assert sigs(r) == [("陈毅", "中华人民共和国政府代表"), ("图尔西·吉里", "尼泊尔王国政府代表")]
    assert (r["signed_date"], r["signed_place"]) == ("1961-10-05", "北京")


def test_heads_of_state_in_a_title_are_parties():
    r = read("中华人民共和国主席和芬兰共和国总统联合声明\n双方同意加强合作。\n一九九五年五月五日于北京\n")
    assert r["parties"] == ["中华人民共和国主席", "芬兰共和国总统"]
    assert [p["state"] for p in r["party_details"]] == ["cn", "fi"]


def test_talks_participants_listed_per_side_in_other_phrasings():
    r = read("中华人民共和国和阿尔及利亚民主人民共和国联合公报\n"
             "中方参加会谈的有：国务院副总理李先念、外交部副部长韩念龙。"
             "参加会谈的阿方人员有：外交部长阿卜杜勒-阿齐兹·布特弗利卡。\n一九七一年七月二日于北京\n")
    got = [(p["name"], p["side"]) for p in r["talks_participants"]]
    assert ("李先念", "中") in got and ("韩念龙", "中") in got


def test_stacked_blocks_separated_by_blank_lines_with_names_no_list_knows():
    r = read("中华人民共和国政府和俄罗斯联邦政府关于互免团体旅游签证的协定\n双方达成协议如下：\n第一条 双方互免签证。\n"
             "本协定于2000年12月1日在北京签署，一式两份，分别用中文和俄文写成，两种文本同等作准。\n\n"
             "中华人民共和国政府\n代 表\n唐家璇\n\n俄罗斯联邦政府\n代 表\n伊万诺夫\n")
    assert sigs(r) == [("唐家璇", "中华人民共和国政府代表"), ("伊万诺夫", "俄罗斯联邦政府代表")]
    assert r["authentic_languages"] == ["中文", "俄文"]


def test_a_title_and_a_name_no_list_knows_before_a_signature_mark():
    r = read("中华人民共和国和苏维埃社会主义共和国联盟友好同盟互助条约\n缔约双方决定缔结本条约。\n第一条 双方合作。\n"
             "本条约于一九五〇年二月十四日在莫斯科签订，每份均以中文和俄文书就。\n"
             "中华人民共和国全权代表 周恩来（签字）\n苏维埃社会主义共和国联盟全权代表 维辛斯基（签字）\n")
    assert sigs(r) == [("周恩来", "中华人民共和国全权代表"), ("维辛斯基", "苏维埃社会主义共和国联盟全权代表")]
    assert [p["state"] for p in r["party_details"]] == ["cn", "suhh"]


# -- the visit: the invitation first -------------------------------------------------------------------------
@pytest.mark.parametrize("sentence, led_by, host, start, end", [
    ("应中华人民共和国主席习近平的邀请，大韩民国总统李在明于2025年11月1日至4日对中华人民共和国进行了国事访问。",
     "李在明", "中华人民共和国", "2025-11-01", "2025-11-04"),      # a name holding 在, ASCII numerals
    (("應巴基斯坦伊斯蘭共和國總理納瓦茲·謝里夫閣下的邀請，中華人民共和國國務院總理李強於二〇二四年六月七日至十日"
      "對巴基斯坦伊斯蘭共和國進行了正式訪問。"), "李强", "巴基斯坦伊斯兰共和国", "2024-06-07", "2024-06-10"),  # traditional, 阁下
    ("应大韩民国总统尹明浩的邀请,蒙古国总统巴特尔·朝格图在2014年3月2日对大韩民国进行了国事访问。",
     "巴特尔·朝格图", "大韩民国", "2014-03-02", "2014-03-02"),      # ASCII comma, a transliterated name, 在
    ("应尼泊尔王国首相柯伊拉腊的邀请，中华人民共和国国务院总理周恩来访问了尼泊尔王国。",
     "周恩来", "尼泊尔王国", None, None),                            # no date, 访问了
])
def test_a_visit_told_invitation_first_names_its_leader_like_visitor_first(sentence, led_by, host, start, end):
    r = read(f"中华人民共和国和某国联合公报\n{sentence}\n双方同意加强合作。\n")
    v = r["visit"]
    assert (v["led_by"], v["host"], v["start"], v["end"]) == (led_by, host, start, end)
    assert v["led_by"] not in ("习近平", "纳瓦兹·谢里夫", "尹明浩", "柯伊拉腊")   # never the inviter


def test_a_delegation_invited_first_has_no_personal_leader_read_from_its_inviter():
    r = read("中华人民共和国和越南社会主义共和国联合公报\n"
             "应中华人民共和国国务院总理李鹏的邀请，越南社会主义共和国政府代表团于一九九一年十一月五日至十日访问了中华人民共和国。\n")
    v = r["visit"]
    assert (v["delegation"], v["led_by"], v["host"]) == ("越南社会主义共和国政府代表团", None, "中华人民共和国")


# -- signature blocks: names and offices spaced out ----------------------------------------------------------
_KZ = ("中华人民共和国政府和哈萨克斯坦共和国政府经济合作协定\n双方达成协议如下：\n第一条 双方合作。\n"
       "本协定于2010年5月6日在阿斯塔纳签订。\n")


@pytest.mark.parametrize("block, names", [
    # stacked, ideographic spaces between the characters of a three- and a two-character name
    ("中华人民共和国政府代表\n王　立　军\n哈萨克斯坦共和国政府代表\n努尔兰·卡帕罗夫\n", ("王立军", "努尔兰·卡帕罗夫")),
    ("中华人民共和国政府代表\n李　明\n哈萨克斯坦共和国政府代表\n阿　里\n", ("李明", "阿里")),
    # traditional script, with signature marks
    ("中華人民共和國政府代表\n許　志　強\n（簽字）\n哈薩克斯坦共和國政府代表\n努爾蘭·卡帕羅夫\n（簽字）\n",
     ("许志强", "努尔兰·卡帕罗夫")),
    # two columns, wide and single ideographic gaps between them
    ("中华人民共和国政府代表　　　　哈萨克斯坦共和国政府代表\n王　立　军　　　　　　　　努尔兰·卡帕罗夫\n",
     ("王立军", "努尔兰·卡帕罗夫")),
    ("中华人民共和国政府代表　哈萨克斯坦共和国政府代表\n王　立　军　努尔兰·卡帕罗夫\n", ("王立军", "努尔兰·卡帕罗夫")),
])
def test_a_name_spaced_with_ideographic_spaces_is_one_signatory(block, names):
    r = read(_KZ + block)
    assert sigs(r) == [(names[0], "中华人民共和国政府代表"), (names[1], "哈萨克斯坦共和国政府代表")]
    assert [s["party"] for s in r["signatories"]] == ["中华人民共和国政府", "哈萨克斯坦共和国政府"]


@pytest.mark.parametrize("block, office", [
    ("中华人民共和国政府 哈萨克斯坦共和国政府\n代 表 代 表\n王 立 军 努尔兰·卡帕罗夫\n", "代表"),   # single spaces only
    ("中华人民共和国政府　　　　哈萨克斯坦共和国政府\n代　表　　　　　　　　代　表\n王　立　军　　　　　　努尔兰·卡帕罗夫\n",
     "代表"),                                                                              # ideographic spaces
    ("中华人民共和国政府 哈萨克斯坦共和国政府\n全 权 代 表 全 权 代 表\n王 立 军 努尔兰·卡帕罗夫\n", "全权代表"),
    ("中华人民共和国政府    哈萨克斯坦共和国政府\n代表代表\n王立军    努尔兰·卡帕罗夫\n", "代表"),   # written together
])
def test_an_office_printed_once_per_column_goes_to_each_column(block, office):
    r = read(_KZ + block)
    assert [(s["name"], s["title"]) for s in r["signatories"]] == [
        ("王立军", f"中华人民共和国政府 {office}"), ("努尔兰·卡帕罗夫", f"哈萨克斯坦共和国政府 {office}")]


# -- commitments inside numbered articles --------------------------------------------------------------------
_MN = "中华人民共和国政府和蒙古国政府关于边境口岸合作的协定\n中华人民共和国政府和蒙古国政府达成协议如下：\n"


@pytest.mark.parametrize("clause, action, deadline", [
    ("第三条 双方同意于2015年12月31日前互派常驻代表。", "互派常驻代表", "2015-12-31"),
    ("第五條　雙方同意於二〇〇八年三月一日以前交換批准書。", "交换批准书", "2008-03-01"),       # traditional, 以前
    ("（二）双方商定于二〇一六年一月一日之前开通直达航线。", "开通直达航线", "2016-01-01"),        # (二), 之前
    ("第十二条 两国政府同意于1999年6月底以前完成勘界工作。", "完成勘界工作", "1999-06-30"),       # a month's end
])
def test_a_deadline_commitment_in_an_article_is_one_commitment_of_both_sides(clause, action, deadline):
    r = read(_MN + clause + "\n本协定于二〇一一年九月八日在北京签订。\n")
    assert [(c["actor"], c["action"], c["deadline"]) for c in r["commitments"]] == [("双方", action, deadline)]


# -- entry into force: the clause that says so, not one that counts from it ---------------------------------
@pytest.mark.parametrize("articles, clause, date", [
    ("第二条 双方应当在本议定书生效后六个月内互相通报疫情信息。\n第四条 本议定书自签字之日起生效，有效期五年。",
     "本议定书自签字之日起生效，有效期五年。", "2011-09-08"),
    ("第一条 自本协定生效之日起三十日内，双方互派联络员。\n第二条 本协定自双方完成各自国内法律程序并相互通知之日起生效。",
     "本协定自双方完成各自国内法律程序并相互通知之日起生效。", None),   # depends on a later act
    ("第一條　雙方應在本協定生效前指定聯絡機構。\n第二條　本協定自簽字之日起生效。", "本协定自签字之日起生效。", "2011-09-08"),
])
def test_entry_into_force_comes_from_the_clause_that_says_the_instrument_enters_into_force(articles, clause, date):
    r = read(_MN + articles + "\n本协定于二〇一一年九月八日在北京签订。\n")
    assert (r["entry_into_force"], r["entry_into_force_date"]) == (clause, date)


def test_a_period_counted_from_entry_into_force_is_no_entry_into_force_clause():
    r = read("中华人民共和国政府和法兰西共和国政府关于互免海运企业税收的换文\n"
             "双方同意：缔约任何一方的航运企业的收入，自本换文生效之日起免付一切税捐。\n一九八〇年五月六日于巴黎\n")
    assert r["entry_into_force"] is None


# -- references: a document named by both parties, one of whose names holds 和 ---------------------------------
@pytest.mark.parametrize("state", ["特立尼达和多巴哥共和国", "圣多美和普林西比民主共和国", "安提瓜和巴布达"])
def test_a_party_whose_name_holds_a_conjunction_stays_whole_in_a_named_document(state):
    r = read(f"中华人民共和国政府和{state}政府联合公报\n"
             f"双方同意认真执行中华人民共和国政府和{state}政府贸易协定。\n一九九零年一月一日于北京\n")
    assert [x["label"] for x in r["referenced"]] == [f"中华人民共和国政府和{state}政府贸易协定"]


# -- references: a recurring meeting is no referenced event ----------------------------------------------------
@pytest.mark.parametrize("clause", [
    "第三条 双方每年轮流在两国举行一次会议，商讨执行本协定的有关事宜。",
    "第三条 两国外交部每两年举行两次会议。",
    "第三条 混合委员会每年举行定期会议，必要时可举行特别会议。",
    "第三條　雙方每年輪流在兩國舉行一次會議。",
])
def test_a_recurring_or_counted_meeting_is_not_a_referenced_event(clause):
    r = read(_MN + clause + "\n本协定于二〇一一年九月八日在北京签订。\n")
    assert r["referenced"] == []


def test_a_particular_meeting_is_still_a_referenced_event():
    r = read(_MN + "第一条 双方重申一九五五年万隆会议的原则，每年举行一次会议。\n本协定于二〇一一年九月八日在北京签订。\n")
    assert [(x["label"], x["kind"]) for x in r["referenced"] if x["kind"] == "event"] == [("一九五五年万隆会议", "event")]
