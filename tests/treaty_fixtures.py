"""Hand-built records for the RDF and validation tests (no extractor involved).

The 1958 joint statement of the governments of the PRC and the DPRK, over a
short stand-in for its original text; every Span is computed from that text so
that ``ORIGINAL[s.start:s.end] == s.exact`` holds.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

try:  # a source checkout without `pip install -e .`
    import treatykg.model  # noqa: F401
except ImportError:  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from treatykg.iris import text_key  # noqa: E402
from treatykg.model import Party, Record, Reference, Signatory, Source, Span  # noqa: E402

TITLE = "中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明"
PRC = "中华人民共和国政府"
DPRK = "朝鲜民主主义人民共和国政府"

ORIGINAL = (
    "中华人民共和国政府和朝鲜民主主义人民共和国政府聯合聲明\n"
    "\n"
    "（一九五八年二月十九日）\n"
    "\n"
    "中华人民共和国政府和朝鲜民主主义人民共和国政府认为，"
    "一九五七年十一月各国共产党和工人党代表会议的宣言具有重大意义。"
    "双方完全支持一九五八年二月五日朝鲜民主主义人民共和国政府的声明。\n"
    "\n"
    "中华人民共和国国务院总理 周恩来\n"
    "朝鲜民主主义人民共和国内阁首相 金日成\n"
    "\n"
    "一九五八年二月十九日于平壤\n"
)


def span(exact: str, nth: int = 0, text: str = ORIGINAL, context: int = 8) -> Span:
    """The ``nth`` occurrence of ``exact`` in ``text`` as a Span with prefix/suffix."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(exact, start + 1)
    end = start + len(exact)
    return Span(start, end, exact, text[max(0, start - context):start], text[end:end + context])


def joint_statement_1958() -> Record:
    raw = ORIGINAL.encode("utf-8")
    source = Source(name="1958-02-19_中朝联合声明.txt", sha256=hashlib.sha256(raw).hexdigest(),
                    encoding="utf-8", size=len(raw), length=len(ORIGINAL), text_sha256=hashlib.sha256(raw).hexdigest(),
                    key=text_key(ORIGINAL))
    return Record(
        source=source,
        title=TITLE,
        title_span=span("中华人民共和国政府和朝鲜民主主义人民共和国政府聯合聲明"),
        doc_type="joint_statement",
        parties=[Party(PRC, span(PRC, 1), entity="cn", state="cn", organ="政府", kind="organ"),
                 Party(DPRK, span(DPRK, 1), entity="kp", state="kp", organ="政府", kind="organ")],
        signed_date="1958-02-19",
        signed_date_span=span("一九五八年二月十九日", 1),
        signed_place="平壤",
        signed_place_span=span("平壤"),
        signatories=[
            Signatory("周恩来", "中华人民共和国国务院总理", PRC,
                      name_span=span("周恩来"), title_span=span("中华人民共和国国务院总理")),
            Signatory("金日成", "朝鲜民主主义人民共和国内阁首相", DPRK,
                      name_span=span("金日成"), title_span=span("朝鲜民主主义人民共和国内阁首相")),
        ],
        authentic_languages=["中文", "朝鲜文"],
        articles=0,
        referenced=[
            Reference("各国共产党和工人党代表会议的宣言", "1957-11", "document",
                      span=span("各国共产党和工人党代表会议的宣言"), date_span=span("一九五七年十一月")),
            Reference("朝鲜民主主义人民共和国政府的声明", "1958-02-05", "document",
                      span=span("朝鲜民主主义人民共和国政府的声明"), date_span=span("一九五八年二月五日")),
            Reference("各国共产党和工人党代表会议", "1957", "event", place="莫斯科"),
        ],
        entry_into_force=None,
    )
