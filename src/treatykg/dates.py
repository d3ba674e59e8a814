"""Dates in Arabic and Chinese numerals, kept at the precision the text gives.

``1958年2月19日`` -> ``1958-02-19``; ``一九五四年七月二十日`` -> ``1954-07-20``;
``1957年11月`` -> ``1957-11``; ``1955年`` -> ``1955``. Year digits may be written
with 〇, ○ or 零 for zero. Ranges ``从1958年2月14日到21日`` are read by
:func:`find_ranges`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_Y = r"(?:[12][0-9]{3}|[一二][〇○零一二三四五六七八九]{3})"
_M = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_D = r"(?:3[01]|[12][0-9]|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"

#: A date pattern (no groups), for use inside other patterns.
DATE_RE = _Y + r"\s*年(?:\s*" + _M + r"\s*月(?:\s*" + _D + r"\s*[日号])?)?"
_DATE = re.compile(r"(?P<y>" + _Y + r")\s*年(?:\s*(?P<m>" + _M + r")\s*月(?:\s*(?P<d>" + _D + r")\s*[日号])?)?")
_RANGE = re.compile(_DATE.pattern + r"\s*(?:至|到|—|-|～|~)\s*(?:(?P<m2>" + _M + r")\s*月\s*)?(?P<d2>" + _D + r")\s*[日号]")


def cn_number(s: str) -> int:
    """Small numbers in Arabic or Chinese numerals: '19', '十九', '二十', '三十一', '一九五四'."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)
    value = 0
    for ch in s:
        value = value * 10 + _CN_DIGIT[ch]
    return value


@dataclass(frozen=True)
class DateMatch:
    start: int  # offsets in the searched string
    end: int
    year: int
    month: int | None
    day: int | None

    @property
    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def _valid(y: int, m: int | None, d: int | None) -> bool:
    import calendar

    if not 1000 <= y <= 2999:
        return False
    if m is not None and not 1 <= m <= 12:
        return False
    if d is not None and (m is None or not 1 <= d <= calendar.monthrange(y, m)[1]):
        return False
    return True


def _from_match(m: re.Match) -> DateMatch | None:
    y = cn_number(m.group("y"))
    mo = cn_number(m.group("m")) if m.group("m") else None
    d = cn_number(m.group("d")) if m.group("d") else None
    # an impossible day or month is dropped, never invented: the date keeps what is sound
    if d is not None and not _valid(y, mo, d):
        d = None
    if mo is not None and not _valid(y, mo, None):
        mo = None
    if not _valid(y, mo, d):
        return None
    return DateMatch(m.start(), m.end(), y, mo, d)


def find_dates(text: str) -> list[DateMatch]:
    """Every valid date in ``text``, in order."""
    out = []
    for m in _DATE.finditer(text):
        dm = _from_match(m)
        if dm:
            out.append(dm)
    return out


def parse_date(text: str) -> DateMatch | None:
    """The first valid date in ``text``."""
    found = find_dates(text)
    return found[0] if found else None


@dataclass(frozen=True)
class DateRange:
    start: int
    end: int
    first: DateMatch
    last_iso: str


def find_ranges(text: str) -> list[DateRange]:
    """Day ranges such as 1958年2月14日到21日 or 1958年2月28日至3月5日."""
    out = []
    for m in _RANGE.finditer(text):
        first = _from_match(m)
        if not first or first.day is None:
            continue
        m2 = cn_number(m.group("m2")) if m.group("m2") else first.month
        d2 = cn_number(m.group("d2"))
        y2 = first.year + (1 if m2 < first.month else 0)
        if not _valid(y2, m2, d2):
            continue
        out.append(DateRange(m.start(), m.end(), first, f"{y2:04d}-{m2:02d}-{d2:02d}"))
    return out
