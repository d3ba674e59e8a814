"""Personal names by their shape: telling a name from a title, and cutting names written together.

Rules (for naming systems, not for particular people; the characters are data in
``data/lexicon/names.tsv``):

* a *transliterated* name is two or more runs of Chinese characters joined by a
  middle dot (·, or a full stop as older texts print it), hyphens allowed between
  runs too: 克瓦米·恩克鲁玛, 米.列师, 若泽·拉莫斯-奥尔塔;
* a *Chinese-style* name (Chinese, Korean, Vietnamese …) is 2–4 characters that start
  with a surname (one character, or a compound one: 欧阳) and hold no word of an office
  or an organ;
* a title and a name written together ("全权代表周恩来") are cut after the last office
  word when what follows is a name;
* two names written together ("吴学谦布莱恩·塔尔博伊斯", "何文彬阿卜杜·卡里姆") are cut where both
  halves are names and the characters on each side of the cut fit their side best:
  given-name characters on the Chinese side, transliteration characters on the other;
  a tie goes to the three-character Chinese name, the commonest length.
"""
from __future__ import annotations

import re

from ..ingest import is_cjk
from ..lexicon import GIVEN_CHARS, SURNAMES_1, SURNAMES_2, TITLE_SUFFIX_RE, TRANSLIT_CHARS

_FOREIGN_RUNS = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:[·.．\-－‐][\u4e00-\u9fff]{1,8})+$")
_MAX_NAME = 40


class _ForeignName:
    """Runs joined by separators, at least one of them a dot (a hyphen alone joins one run's parts)."""

    @staticmethod
    def match(s: str):
        if len(s) > _MAX_NAME or not any(c in "·.．" for c in s):
            return None
        return _FOREIGN_RUNS.match(s)


FOREIGN_NAME = _ForeignName()
_NOT_NAME_CHARS = set("国府部会团院局委员厅省市州代表首相长使馆处党军")
_TITLE_END = re.compile("(?:" + TITLE_SUFFIX_RE.pattern + ")$")


def is_foreign_name(s: str) -> bool:
    return bool(FOREIGN_NAME.match(s))


def is_name(s: str) -> bool:
    """A personal name, by shape: no title word, a surname, 2–4 characters; or a transliteration."""
    if not s or len(s) > _MAX_NAME:
        return False
    if FOREIGN_NAME.match(s):
        return True
    if not 2 <= len(s) <= 4:
        return False
    if not all(is_cjk(c) for c in s):
        return False
    if any(c in _NOT_NAME_CHARS for c in s[1:]) and not (len(s) <= 3 and s[0] in SURNAMES_1 and s[-1] not in "代长相使"):
        return False
    if TITLE_SUFFIX_RE.fullmatch(s) or s.endswith(("代表", "部长", "总理", "首相", "大使")):
        return False
    return s[0] in SURNAMES_1 or s[:2] in SURNAMES_2


def name_by_position(s: str) -> bool:
    """Could be a name where a block prints a name: short, Chinese, no office, organ or state word."""
    return (2 <= len(s) <= 12 and all(is_cjk(c) or c in "·." for c in s)
            and not TITLE_SUFFIX_RE.search(s) and not any(c in _NOT_NAME_CHARS for c in s))


def ends_in_title(s: str) -> bool:
    return bool(_TITLE_END.search(s))


def split_title_name(s: str, lenient: bool = False) -> int | None:
    """Where a name starts in "title+name" text, or None. The title must end in an office word;
    what follows must be a name by shape, or — ``lenient``, where the layout says a name stands
    there (a "(签字)" follows) — a short run of Chinese characters with no office in it."""
    for m in TITLE_SUFFIX_RE.finditer(s, max(0, len(s) - _MAX_NAME - 8)):
        rest = s[m.end():]
        if rest and (is_name(rest) or (lenient and name_by_position(rest) and len(rest) <= 8)):
            return m.end()
    return None


def _side_fit(chinese: str, foreign_first: str) -> int:
    """How well the characters fit their sides: given-name characters of the Chinese name (its
    surname aside) and transliteration characters of the foreign name's first run."""
    score = 0
    for c in chinese[1:]:
        score += 1 if c in GIVEN_CHARS else (-1 if c in TRANSLIT_CHARS else 0)
    for c in foreign_first:
        score += 1 if c in TRANSLIT_CHARS else (-1 if c in GIVEN_CHARS else 0)
    return score


def split_names(s: str, k: int = 2) -> list[int] | None:
    """Cut a run of ``k`` names written together into ``k`` names: the cut points, or None."""
    if k != 2 or len(s) > 40:
        return None
    choices = []
    for cut in range(2, len(s) - 1):
        a, b = s[:cut], s[cut:]
        if not (is_name(a) and is_name(b)):
            continue
        score = 0
        if FOREIGN_NAME.match(b) and not FOREIGN_NAME.match(a):
            score = _side_fit(a, re.split(r"[·.．]", b)[0])
        elif FOREIGN_NAME.match(a) and not FOREIGN_NAME.match(b):
            score = _side_fit(b, re.split(r"[·.．]", a)[-1][::-1])
        choices.append((score, len(a) == 3 or len(b) == 3, -abs(len(a) - len(b)), cut))
    if not choices:
        return None
    choices.sort(reverse=True)
    return [choices[0][-1]]
