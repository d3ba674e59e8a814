"""Participants in the talks, per side, with the titles printed beside their names.

Read from list sentences such as "<side>方面参加会谈的有：<item>、<item>…。", "<X>方参加会谈的有…",
"参加会谈的<X>方人员有…" (also 参加会议/谈判/会晤, 有/是, with or without a colon). Each item is "<title><name>"; the name
is split from the title by rule: the title ends in a title word (总理, 部长, 大使, 相 …)
and what follows is a personal name by shape (surname, 2–4 characters, or a
transliteration with "·"); failing that, a name written before its title
("周恩来总理"). Items that are not a title and a name (组织, 人员) are skipped.
"""
from __future__ import annotations

import re

from ..ingest import MappedText
from ..model import Participant
from ..lexicon import TITLE_SUFFIX_RE
from .names import is_name, split_title_name

_EVENTS = r"(?:会谈|会议|谈判|会晤|签字仪式)"
_LIST = re.compile(r"(?:(?P<side>[\u4e00-\u9fff]{2,20}?)方面|(?P<side2>[\u4e00-\u9fff]{1,20}?)方)"
                   r"(?:参加|出席)" + _EVENTS + r"的(?:主要)?(?:有|是|人员有|成员有|官员有)[：:]?(?P<items>[^。；]+)"
                   r"|(?:参加|出席)" + _EVENTS + r"的(?P<side3>[\u4e00-\u9fff]{1,20}?)方(?:面)?(?:主要)?(?:人员|官员|成员)?(?:有|是)"
                   r"[：:]?(?P<items2>[^。；]+)")


# what may follow the last name of a list or a name: 等 (and others), honorifics
_TRAILER = re.compile(r"(?:等人|等|同志|先生|女士|阁下)$")


def _split(item: str) -> tuple[str | None, int] | None:
    """(title or None, where the name starts) for one list item, or None if it is not a person."""
    cut = split_title_name(item)
    if cut is not None:
        return item[:cut], cut
    if is_name(item):
        return None, 0
    return None


def participants(body: list[MappedText]) -> list[Participant]:
    out: list[Participant] = []
    for para in body:
        if "参加" not in para.text and "出席" not in para.text:  # every list is introduced by one
            continue
        for m in _LIST.finditer(para.text):
            side = m.group("side") or m.group("side2") or m.group("side3")
            key = "items" if m.group("items") is not None else "items2"
            pos = m.start(key)
            for item in re.split(r"([、，,])", m.group(key)):
                if item in ("、", "，", ","):
                    pos += len(item)
                    continue
                stripped = _TRAILER.sub("", item.strip())
                lead = len(item) - len(item.lstrip())
                got = _split(stripped)
                if got is not None:
                    title, cut = got
                    a = pos + lead
                    out.append(Participant(
                        name=stripped[cut:], title=title, side=side,
                        span=para.span(a, a + len(stripped)),
                        name_span=para.span(a + cut, a + len(stripped)),
                        title_span=para.span(a, a + cut) if title else None))
                pos += len(item)
    return out


__all__ = ["participants", "TITLE_SUFFIX_RE"]
