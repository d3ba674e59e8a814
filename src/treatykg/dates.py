"""Dates in every numeral form a printed treaty uses, kept at the precision the text gives.

``1958年2月19日`` -> ``1958-02-19``; ``一九五四年七月二十日`` -> ``1954-07-20``;
``1957年11月`` -> ``1957-11``; ``1955年`` -> ``1955``.

Rules (for numeral systems, not for particular documents):

* Arabic digits, ASCII or full-width (``１９５８``), or Chinese numerals.
* A year in Chinese numerals is four digit characters; zero may be written 〇, ○, 零,
  a stray Arabic ``0`` or a letter O (OCR and web copies mix them: ``一九八0年``).
* Months and days in Chinese numerals use 十 (``十一``, ``二十九``, ``三十一``) and the
  old forms 廿 (20) and 卅 (30); Arabic ones may have a leading zero (``04``).
* Spaces may stand between the parts of a date (``1958 年 2 月 19 日``) and between
  the digits of a year (``一九 五八年``, left by a line or page break).
* An impossible day or month is dropped, never invented: ``1958年2月30日`` is
  ``1958-02``; a year outside 1000–2999 is no date.
* Day ranges (:func:`find_ranges`): ``从1958年2月14日到21日``,
  ``一九八〇年四月二十日至二十四日``, ``1958年2月28日至3月5日``,
  ``1990年12月30日至1991年1月2日``; the separator is 至, 到, a dash or a tilde.
* Numeric dates as database metadata prints them (:func:`parse_numeric_date`):
  ``1980-04-23``, ``1980.4.23``, ``1980/04/23``.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

_ZEROS = "〇○零0OoＯ０"
_CN_DIGIT = {**{z: 0 for z in _ZEROS}, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR_DIGIT = "[〇○零0OoＯ０一二三四五六七八九]"
_AR = "[0-9０-９]"
_SP = r"[ \t]?"  # one space at most between the characters of a year (a broken line)

_Y = (r"(?:[12１２]" + _SP + _AR + _SP + _AR + _SP + _AR
      + r"|[一二]" + _SP + _CN_YEAR_DIGIT + _SP + _CN_YEAR_DIGIT + _SP + _CN_YEAR_DIGIT + ")")
_M = r"(?:1[0-2]|0?[1-9]|１[０-２]|０?[１-９]|十[一二]?|[一二三四五六七八九])"
_D = (r"(?:3[01]|[12][0-9]|0?[1-9]|[１-３][０-９]|０?[１-９]|三十一?|卅一?|二十[一二三四五六七八九]?|廿[一二三四五六七八九]?"
      r"|十[一二三四五六七八九]?|[一二三四五六七八九])")

#: A date pattern (no groups), for use inside other patterns. A year stands alone only
#: when it is not the tail of a longer number.
DATE_RE = (r"(?<![0-9０-９〇○零一二三四五六七八九])" + _Y + r"\s*年(?:\s*" + _M + r"\s*月(?:\s*" + _D
           + r"\s*[日号])?)?")
_DATE = re.compile(r"(?<![0-9０-９〇○零一二三四五六七八九])(?P<y>" + _Y + r")\s*年(?:\s*(?P<m>" + _M
                   + r")\s*月(?:\s*(?P<d>" + _D + r")\s*[日号])?)?")
_SEP = r"\s*(?:至|到|—|–|－|-|～|~)\s*"
_RANGE = re.compile(_DATE.pattern + _SEP + r"(?:(?P<y2>" + _Y + r")\s*年\s*)?(?:(?P<m2>" + _M
                    + r")\s*月\s*)?(?P<d2>" + _D + r")\s*[日号]")
_NUMERIC = re.compile(r"(?<![0-9])(?P<y>[12][0-9]{3})\s*[-./]\s*(?P<m>0?[1-9]|1[0-2])\s*[-./]\s*"
                      r"(?P<d>0?[1-9]|[12][0-9]|3[01])(?![0-9])")


def cn_number(s: str) -> int:
    """Small numbers in Arabic or Chinese numerals: '19', '０４', '十九', '二十', '廿一', '一九五四', '一九八0'."""
    s = "".join(s.split())
    if s and all(c in "0123456789０１２３４５６７８９" for c in s):
        return int(s.translate(_FULLWIDTH_DIGITS))
    s = s.replace("廿", "二十").replace("卅", "三十")
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)
    value = 0
    for ch in s:
        value = value * 10 + (_CN_DIGIT[ch] if ch in _CN_DIGIT else int(ch))
    return value


_FULLWIDTH_DIGITS = {0xFF10 + i: str(i) for i in range(10)}


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


def valid(y: int, m: int | None, d: int | None) -> bool:
    """Whether year, month and day (the last two optional) name a calendar date."""
    if not 1000 <= y <= 2999:
        return False
    if m is not None and not 1 <= m <= 12:
        return False
    if d is not None and (m is None or not 1 <= d <= calendar.monthrange(y, m)[1]):
        return False
    return True


def _from_parts(start: int, end: int, ys: str, ms: str | None, ds: str | None) -> DateMatch | None:
    y = cn_number(ys)
    mo = cn_number(ms) if ms else None
    d = cn_number(ds) if ds else None
    # an impossible day or month is dropped, never invented: the date keeps what is sound
    if d is not None and not valid(y, mo, d):
        d = None
    if mo is not None and not valid(y, mo, None):
        mo, d = None, None
    if not valid(y, mo, d):
        return None
    return DateMatch(start, end, y, mo, d)


def _from_match(m: re.Match) -> DateMatch | None:
    return _from_parts(m.start(), m.end(), m.group("y"), m.group("m"), m.group("d"))


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


def parse_numeric_date(text: str) -> DateMatch | None:
    """The first date written with separators, as metadata prints it: 1980-04-23, 1980.4.23."""
    for m in _NUMERIC.finditer(text):
        dm = _from_parts(m.start(), m.end(), m.group("y"), m.group("m"), m.group("d"))
        if dm is not None and dm.day is not None:
            return dm
    return None


@dataclass(frozen=True)
class DateRange:
    start: int
    end: int
    first: DateMatch
    last_iso: str


def find_ranges(text: str) -> list[DateRange]:
    """Day ranges such as 1958年2月14日到21日, 1958年2月28日至3月5日, 1990年12月30日至1991年1月2日."""
    out = []
    for m in _RANGE.finditer(text):
        first = _from_match(m)
        if not first or first.day is None:
            continue
        y2 = cn_number(m.group("y2")) if m.group("y2") else None
        m2 = cn_number(m.group("m2")) if m.group("m2") else first.month
        d2 = cn_number(m.group("d2"))
        if y2 is None:
            y2 = first.year + (1 if m2 is not None and first.month is not None and m2 < first.month else 0)
        if not valid(y2, m2, d2):
            continue
        last = f"{y2:04d}-{m2:02d}-{d2:02d}"
        if last < first.iso:
            continue
        out.append(DateRange(m.start(), m.end(), first, last))
    return out


def month_end(year: int, month: int) -> int:
    """The last day of a month."""
    return calendar.monthrange(year, month)[1]
