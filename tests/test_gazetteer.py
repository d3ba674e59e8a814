"""The gazetteer as data: states.tsv is what scripts/make_states.py writes; states, their
names, dates, abbreviations and capitals resolve as a reader of PRC treaty texts expects;
every state of the shared test oracle (tests/tools/variants.py) is known."""
from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from pathlib import Path

import pytest

from treatykg.gazetteer import Entry, Gazetteer, default, default_paths
from treatykg.ingest import to_simplified

ROOT = Path(__file__).resolve().parents[1]
GAZ = default()

#: The only Wikidata ids the gazetteer may carry: verified in issue 6, each with its source.
VERIFIED_QIDS = {"cn": "Q148", "kp": "Q423", "kr": "Q884", "suhh": "Q15180", "pl": "Q36", "ddde": "Q16957",
                 "frg": "Q713750", "id": "Q252", "in": "Q668", "jp": "Q17", "us": "Q30", "tw": "Q865",
                 "pyongyang": "Q18808", "nato": "Q7184", "zh-lang": "Q7850", "ko-lang": "Q9176"}


def _load_script(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_states():
    pytest.importorskip("pycountry", reason="pycountry is needed to regenerate states.tsv: pip install -e '.[test]'")
    return _load_script("make_states", ROOT / "scripts" / "make_states.py")


# ------------------------------------------------------------------ generated file
def test_states_tsv_is_what_the_generator_writes(make_states):
    written = (ROOT / "data" / "states.tsv").read_text(encoding="utf-8")
    assert make_states.build_states() == written, \
        "data/states.tsv differs from its sources: run python scripts/make_states.py"


def test_the_generator_writes_the_same_bytes_twice(make_states):
    assert make_states.build_states() == make_states.build_states()


def test_check_mode_exit_codes(make_states, tmp_path, capsys):
    assert make_states.main(["--check"]) == 0
    stale = tmp_path / "states.tsv"
    stale.write_text((ROOT / "data" / "states.tsv").read_text(encoding="utf-8").replace("新西兰", "纽西兰"),
                     encoding="utf-8")
    assert make_states.main(["--check", "--out", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err


def test_the_generator_refuses_an_iso_code_nobody_decided_on(make_states, tmp_path, capsys):
    lines = (ROOT / "data" / "states-extra.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    extra = tmp_path / "extra.tsv"
    extra.write_text("".join(ln for ln in lines if not ln.startswith("nz\t")), encoding="utf-8")
    assert make_states.main(["--stdout", "--extra", str(extra)]) == 3
    assert "ISO 3166-1 NZ" in capsys.readouterr().err


def test_the_generator_refuses_an_iso_3166_3_code_nobody_decided_on(make_states, tmp_path, capsys):
    text = (ROOT / "data" / "states-extra.tsv").read_text(encoding="utf-8")
    extra = tmp_path / "extra.tsv"
    extra.write_text(text.replace("\tBUMM\t", "\t\t"), encoding="utf-8")
    assert make_states.main(["--stdout", "--extra", str(extra)]) == 3
    assert "ISO 3166-3 BUMM" in capsys.readouterr().err


def test_pycountry_errors_stay_out(make_states):
    text = make_states.build_states()
    assert "柬埔塞" not in text and "吉尔吉斯坦" not in text
    assert "馬裏" not in text  # OpenCC's s2t of 马里; the name is 馬里 in traditional script too


# ------------------------------------------------------------------ every row
def _parse(date: str) -> dt.date:
    assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date), date
    parts = [int(p) for p in date.split("-")] + [1, 1]
    return dt.date(*parts[:3])


def test_every_state_has_an_id_names_dates_and_a_capital():
    states = GAZ.states()
    assert len(states) > 200
    for e in states:
        assert re.fullmatch(r"[a-z][a-z0-9-]*", e.id), e.id
        assert e.zh and e.en and e.capital, e.id
        start = _parse(e.valid_from) if e.valid_from else None
        end = _parse(e.valid_to) if e.valid_to else None
        if start and end:
            assert start <= end, e.id
        if e.iso:
            assert e.id == e.iso.lower(), e.id  # ISO ids are the lowercase code
            assert re.fullmatch(r"[A-Z]{2}|[A-Z]{4}", e.iso), e.id
            if len(e.iso) == 4:
                assert e.valid_to, f"{e.id}: an ISO 3166-3 state is a dissolved one"


def test_counts():
    states = GAZ.states()
    historical = [e for e in states if e.valid_to]
    assert len(GAZ.states("2024-01-01")) == 197  # 193 UN members, the Holy See, Palestine, Cook Islands, Niue
    assert {e.id for e in historical} == {"suhh", "ddde", "frg", "yucs", "csxx", "cshh", "ydye", "yar",
                                          "vdvn", "rvn", "rsv", "zanzibar"}


def test_ids_are_unique_across_the_files():
    ids = [e.id for e in GAZ.entries]
    assert len(ids) == len(set(ids))


def test_a_repeated_id_across_files_is_an_error(tmp_path):
    mine = tmp_path / "mine.tsv"
    mine.write_text("id\ttype\tzh\tvariants\ten\tvalid_from\tvalid_to\twikidata\twikidata_source\n"
                    "nz\tplace\t新西兰岛\t\tNew Zealand islands\t\t\t\t\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'nz' is already defined"):
        Gazetteer.load([*default_paths(), mine])


def test_a_single_custom_file_still_loads(tmp_path):
    """The old column set (no iso/abbr/capital/within) is a gazetteer of its own."""
    mine = tmp_path / "mine.tsv"
    mine.write_text("# my places\nid\ttype\tzh\tvariants\ten\tvalid_from\tvalid_to\twikidata\twikidata_source\n"
                    "kaesong\tplace\t开城\t開城\tKaesong\t\t\t\t\n", encoding="utf-8")
    gaz = Gazetteer.load(mine)
    e = gaz.lookup("開城", "place")
    assert e.id == "kaesong" and e.within is None and e.abbr == () and e.iso is None
    extended = Gazetteer.load([*default_paths(), mine])
    assert extended.lookup("开城", "place").id == "kaesong"
    assert extended.lookup("新西兰", "state", "1972").id == "nz"


def test_only_verified_wikidata_ids():
    got = {e.id: e.wikidata for e in GAZ.entries if e.wikidata}
    assert got == VERIFIED_QIDS
    assert all(e.wikidata_source for e in GAZ.entries if e.wikidata)


def test_every_within_is_a_state_of_today():
    for e in GAZ.entries:
        if e.within:
            state = GAZ.by_id(e.within)
            assert state is not None and state.type == "state" and not state.valid_to, (e.id, e.within)


# ------------------------------------------------------------------ names shared by two entities
def _span(e: Entry) -> tuple[str, str]:
    def day(d: str | None, end: bool) -> str:
        if not d:
            return "9999-12-31" if end else "0000-01-01"
        if len(d) == 4:
            return d + ("-12-31" if end else "-01-01")
        if len(d) == 7:
            return d + ("-31" if end else "-01")
        return d
    return day(e.valid_from, False), day(e.valid_to, True)


def _shared_names(types: set[str]) -> tuple[set, set]:
    """(names two entries hold on the same day, names two entries hold one after the other)."""
    by_name: dict[str, set] = {}
    for e in GAZ.entries:
        if e.type in types:
            for n in e.names():
                by_name.setdefault(to_simplified(n), set()).add(e)
    same, successive = set(), set()
    for name, es in by_name.items():
        es = sorted(es, key=lambda e: e.id)
        for i, a in enumerate(es):
            for b in es[i + 1:]:
                (fa, ta), (fb, tb) = _span(a), _span(b)
                (same if fa <= tb and fb <= ta else successive).add((name, a.id, b.id))
    return same, successive


def test_no_name_stands_for_two_states_on_the_same_day():
    """刚果 is the Republic of the Congo's alone (cg): unambiguous while the other Congo was Zaire
    (1971-1997), and PRC texts name the other one 刚果民主共和国, 刚果（金）or 刚果（利）.
    中非 is no name at all (it means China-Africa); 德国 is today's Germany only (before 1990
    PRC texts mean Germany as a whole by it: 两个德国)."""
    same, _ = _shared_names({"state"})
    assert same == set()
    assert GAZ.lookup("刚果", "state", "1980").id == "cg"
    assert GAZ.lookup("中非", "state") is None
    assert GAZ.lookup("德国", "state", "1958") is None


def test_names_states_hold_one_after_the_other():
    _, successive = _shared_names({"state"})
    assert successive == {
        ("德意志联邦共和国", "de", "frg"), ("联邦德国", "de", "frg"),  # the FRG to 1990-10-02, Germany from 1990-10-03
        ("也门", "yar", "ye"), ("叶门", "yar", "ye"),  # North Yemen to 1990-05-21, Yemen from 1990-05-22
        ("越南", "vdvn", "vn"),                        # the DRV to 1976-07-01, Vietnam from 1976-07-02
        ("南斯拉夫", "csxx", "yucs"),                  # the SFRY to 1992-04-26, the FRY from 1992-04-27
    }


def test_names_of_two_entities_on_the_same_day_are_told_apart_by_type_or_state():
    same, _ = _shared_names({"state", "organization", "place", "person", "language"})
    assert same == {("桑给巴尔", "zanzibar", "zanzibar-island"),   # the state (1963-1964) and the island
                    ("金斯敦", "kingston", "kingstown")}           # Kingston (jm) and Kingstown (vc)
    assert GAZ.lookup("桑给巴尔", "state", "1964-01").id == "zanzibar"
    assert GAZ.lookup("桑给巴尔", "place", "1970").id == "zanzibar-island"
    assert GAZ.lookup("金斯敦", "place") is None
    assert GAZ.lookup("金斯敦", "place", within="jm").id == "kingston"
    assert GAZ.lookup("金斯敦", "place", within="vc").id == "kingstown"


# ------------------------------------------------------------------ what a reader looks up
@pytest.mark.parametrize("name, date, expected", [
    ("新西兰", "1972", "nz"),
    ("苏联", "1958", "suhh"),
    ("苏联", "1995", None),
    ("西德", "1980", "frg"),
    ("德意志联邦共和国", "1980", "frg"),
    ("德意志联邦共和国", "1990-10-02", "frg"),
    ("德意志联邦共和国", "1990-10-03", "de"),
    ("德意志联邦共和国", "1990", None),   # by prefix, 1990 is inside both
    ("德国", "2000", "de"),
    ("民主德国", "1980", "ddde"),
    ("东德", "1991", None),
    ("锡兰", "1960", "lk"),
    ("斯里兰卡", "2000", "lk"),
    ("叶门", "1995", "ye"),
    ("也门", "1980", "yar"),
    ("也门", "1995", "ye"),
    ("阿拉伯也门共和国", "1980", "yar"),
    ("民主也门", "1980", "ydye"),
    ("也门民主人民共和国", "1980", "ydye"),
    ("南朝鲜", "1958", "kr"),
    ("北朝鲜", "1958", "kp"),
    ("朝鮮民主主義人民共和國", "1958", "kp"),
    ("北越", "1965", "vdvn"),
    ("越南", "1965", "vdvn"),
    ("越南", "1980", "vn"),
    ("南越", "1965", "rvn"),
    ("越南共和国", "1965", "rvn"),
    ("缅甸联邦", "1954", "mm"),
    ("缅甸", "2020", "mm"),
    ("扎伊尔", "1980", "cd"),
    ("达荷美", "1965", "bj"),
    ("上沃尔特", "1970", "bf"),
    ("高棉共和国", "1972", "kh"),
    ("民主柬埔寨", "1977", "kh"),
    ("柬埔寨", "1995", "kh"),
    ("斯威士兰", "1990", "sz"),
    ("捷克斯洛伐克", "1960", "cshh"),
    ("捷克共和国", "2000", "cz"),
    ("捷克", "2020", "cz"),
    ("南斯拉夫", "1960", "yucs"),
    ("南斯拉夫", "1995", "csxx"),
    ("南斯拉夫联盟共和国", "1999", "csxx"),
    ("塞尔维亚", "2010", "rs"),
    ("波兰人民共和国", "1954", "pl"),
    ("蒙古人民共和国", "1958", "mn"),
    ("阿拉伯联合共和国", "1965", "eg"),
    ("坦噶尼喀", "1962", "tz"),
    ("桑给巴尔人民共和国", "1964-02", "zanzibar"),
    ("大不列颠及北爱尔兰联合王国", "1972", "gb"),
    ("联合王国", "1972", "gb"),
    ("英国", "1972", "gb"),
    ("美利坚合众国", "1979", "us"),
    ("法兰西共和国", "1975", "fr"),
    ("巴基斯坦伊斯兰共和国", "2007", "pk"),
    ("多米尼加共和国", "2018", "do"),
    ("瑙鲁共和国", "2002", "nr"),
    ("斐济", "1975", "fj"),
    ("斐济共和国", "2000", "fj"),
    ("加纳共和国", "1961", "gh"),
    ("意大利共和国", "1986", "it"),
    ("罗马尼亚社会主义共和国", "1980", "ro"),
    ("老挝王国", "1961", "la"),
    ("中华人民共和国", "1958", "cn"),
    ("中华人民共和国", "1948", None),
    ("台湾", None, None),          # never a state
])
def test_state_lookups(name, date, expected):
    e = GAZ.lookup(name, "state", date)
    assert (e.id if e else None) == expected


@pytest.mark.parametrize("name", ["加拿大", "澳大利亚", "罗马尼亚", "牙买加", "新西兰"])
def test_short_names_that_are_the_full_names_resolve(name):
    e = GAZ.lookup(name, "state", "2000")
    assert e is not None and e.type == "state"


def test_a_state_at_a_date_is_valid_by_day_at_its_ends():
    frg, de = GAZ.by_id("frg"), GAZ.by_id("de")
    assert frg.valid_at("1990-10-02") and not frg.valid_at("1990-10-03")
    assert de.valid_at("1990-10-03") and not de.valid_at("1990-10-02")


def test_states_at_a_date():
    ids_1958 = {e.id for e in GAZ.states("1958")}
    assert {"cn", "kp", "kr", "suhh", "ddde", "frg", "vdvn", "rvn", "yar", "yucs", "cshh"} <= ids_1958
    assert not {"ru", "de", "vn", "ye", "cz", "sk"} & ids_1958
    assert "suhh" not in {e.id for e in GAZ.states("1995")}


def test_abbreviations():
    assert "mm" in {e.id for e in GAZ.states_by_abbr("缅", "1954")}
    assert {e.id for e in GAZ.states_by_abbr("也", "1980")} == {"yar", "ydye"}
    assert {e.id for e in GAZ.states_by_abbr("也", "1995")} == {"ye"}
    assert {e.id for e in GAZ.states_by_abbr("新", "2000")} == {"sg", "nz"}  # the text names which
    assert {e.id for e in GAZ.states_by_abbr("德", "1980")} == {"frg", "ddde"}
    assert {e.id for e in GAZ.states_by_abbr("德", "2000")} == {"de"}
    assert {e.id for e in GAZ.states_by_abbr("苏", "1958")} >= {"suhh"}
    assert "in" in {e.id for e in GAZ.states_by_abbr("印")} and "id" in {e.id for e in GAZ.states_by_abbr("印尼")}
    assert GAZ.by_id("lk").abbr == ("斯", "锡")
    assert GAZ.by_id("cf").abbr == ()   # 中非 means China-Africa
    assert GAZ.lookup("缅") is None      # an abbreviation is not a name


def test_every_state_but_a_few_has_an_abbreviation():
    none = {e.id for e in GAZ.states() if not e.abbr}
    assert none == {"cf", "tl", "rvn", "rsv"}


# ------------------------------------------------------------------ places, organisations
def test_capitals_resolve_as_places_within_their_state():
    city_states = {"sg", "mc"}
    disputed = {"il", "ps"}  # 耶路撒冷: within no state
    for e in GAZ.states():
        if e.id in city_states:
            assert e.capital in e.names()
            continue
        if e.id in disputed:
            place = GAZ.lookup(e.capital, "place")
            assert place is not None and place.within is None
            continue
        if not e.valid_to:
            place = GAZ.lookup(e.capital, "place", within=e.id)
            assert place is not None, (e.id, e.capital)
        else:  # a dissolved state's capital is within the state that holds it today
            places = [p for p in GAZ.entries if p.type == "place" and e.capital in p.names()]
            assert len(places) == 1 and GAZ.by_id(places[0].within).valid_to is None, (e.id, e.capital)


def test_some_capitals():
    assert GAZ.lookup("圣地亚哥", "place").within == "cl"
    assert GAZ.lookup("堪培拉", "place").within == "au"
    assert GAZ.lookup("平壤", "place").wikidata == "Q18808"
    assert GAZ.lookup("波恩", "place").within == "de"
    assert GAZ.lookup("东柏林", "place").id == "berlin"
    assert GAZ.lookup("西贡", "place").id == "ho-chi-minh-city"
    assert GAZ.lookup("汉城", "place").id == "seoul"
    assert GAZ.by_id("frg").capital == "波恩" and GAZ.by_id("ydye").capital == "亚丁"


def test_territories_are_places_within_their_state():
    assert GAZ.lookup("香港", "place").within == "cn"
    assert GAZ.lookup("澳门", "place").within == "cn"
    tw = GAZ.lookup("台湾", "place")
    assert tw.id == "tw" and tw.within == "cn" and tw.wikidata == "Q865"
    assert GAZ.lookup("中国台湾省", "place").id == "tw"
    assert GAZ.lookup("波多黎各", "place").within == "us"
    assert GAZ.lookup("格陵兰", "place").within == "dk"


def test_international_organisations_and_the_sar_governments():
    unesco = GAZ.lookup("联合国教育、科学及文化组织", "organization")
    assert unesco.id == "unesco" and unesco.en.startswith("United Nations Educational")
    assert GAZ.lookup("联合国教科文组织", "organization").id == "unesco"
    assert GAZ.lookup("世界银行", "organization").id == "ibrd"
    assert GAZ.lookup("东盟", "organization").id == "asean"
    assert GAZ.lookup("非洲统一组织", "organization", "1990").id == "oau"
    assert GAZ.lookup("非洲统一组织", "organization", "2010") is None
    assert GAZ.lookup("欧洲经济共同体", "organization", "1975").id == "european-communities"
    hk = GAZ.lookup("中华人民共和国香港特别行政区政府", "organization", "2000")
    assert hk.id == "hksar-government" and hk.within == "cn"
    assert GAZ.lookup("香港特别行政区政府", "organization", "1990") is None  # before 1997-07-01
    assert GAZ.lookup("澳门特别行政区政府", "organization", "2005").within == "cn"


def test_language_names_are_languages_not_states():
    assert GAZ.lookup("西班牙文").type == "language"
    assert GAZ.lookup("意大利文").type == "language"


def test_names_hold_every_name_the_longest_first():
    names = GAZ.names()
    assert len(names) > 900
    assert [len(n) for n, _ in names] == sorted((len(n) for n, _ in names), reverse=True)
    found = {n for n, _ in names}
    assert {"锡兰", "西德", "南朝鲜", "叶门", "阿拉伯也门共和国", "联合国教育、科学及文化组织"} <= found


# ------------------------------------------------------------------ the shared test oracle
#: Forms of the oracle's table that do not resolve at the midpoint of their row's years, and why.
ORACLE_EXCEPTIONS = {
    "德国": "the oracle's FRG row (1949-) merges the FRG and Germany; before reunification PRC texts "
            "mean Germany as a whole by 德国 (两个德国), so it names today's Germany only (de, from 1990-10-03)",
    "中非": "in PRC texts 中非 means China-Africa (中非合作论坛); the state is 中非共和国 (the oracle flags it x too)",
}


def _oracle():
    return _load_script("treatykg_tests_variants", ROOT / "tests" / "tools" / "variants.py")


def test_every_state_of_the_oracle_table_resolves_to_one_state():
    """tests/tools/variants.py (a copy of the shared tool) swaps the partner state of a text for
    another of its 231 states; each such state must be one of ours at the row's years."""
    variants = _oracle()
    assert len(variants.STATES) == 231
    failures = []
    for st in variants.STATES:
        first, last = st.years[0] or 1950, st.years[1] or 2024
        mid = str((first + last) // 2)
        forms = [st.full, *st.full_aliases, st.short, *st.short_aliases]
        ids = set()
        for form in forms:
            e = GAZ.lookup(form, "state", mid)
            if e is None:
                if form in ORACLE_EXCEPTIONS:
                    continue
                failures.append(f"{form} ({st.full}) at {mid}")
            else:
                ids.add(e.id)
        if len(ids) != 1:
            failures.append(f"{st.full}: forms resolve to {sorted(ids)} at {mid}")
    assert not failures, "\n".join(failures)


def test_the_oracle_exceptions_resolve_at_another_date_or_not_at_all():
    assert GAZ.lookup("德国", "state", "1995").id == "de"
    assert GAZ.lookup("中非", "state") is None
