"""Generate a scale collection of treaty texts from the real reference texts (``data/*.txt``).

    python benchmarks/generate.py OUT_DIR --count 5000 [--seed 7] [--source data]
    python benchmarks/generate.py --big OUT.txt [--size 1000000]    # one ~1 MB text

Every variant is a real reference text with, deterministically from ``--seed``:

* **dates moved**: every year in the text (Arabic ``1958年`` or Chinese ``一九五四年``) moves
  by the same number of years, and every day of the month (``14日``, ``二十日``) by the
  same number of days, so a visit "from the 14th to the 21st" stays a week. Years never
  go before 1949 (these are PRC documents) nor past last year (never into the future);
  days stay within 1–28, and a text with a 29 February only moves by whole leap cycles;
* **a partner state swapped in** from a small list (the official full name, in the
  script of the text) — so the title, the parties and the document IRI change;
* **body paragraphs reordered**: two paragraphs of the body that are neither the
  title, an article, a numbered point, the dating clause nor part of the signature
  block change places (only when the text has two such paragraphs);
* the database's **disclaimer kept**, as are the encoding, BOM and line endings.

No two variants of a run share (seed text, partner, year shift, day shift), so no two
give the same document IRI (date, type and title differ), and ``treatykg build`` sees
``count`` distinct documents (up to ~22,000: 3,800 per reference text). Same arguments,
same files, byte for byte; the first N files of a larger run are the files of a run of N.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The partner state's full name(s) in each reference text (the forms that are swapped).
PARTNER_FORMS = {
    "002_cn_pl_techsci_agreement_1954": ["波兰人民共和国"],
    "004_cn_gh_friendship_treaty_1961": ["加纳共和国"],
    "005_cn_gb_ambassadors_communique_1972_hant": ["大不列顛及北愛爾蘭聯合王國", "大不列顛及北愛爾蘭\n聯合王國"],
    "007_cn_fr_shipping_tax_notes_1975": ["法兰西共和国"],
    "012_cn_ye_mfa_mou_1995": ["叶门共和国"],
    "1958-02-19_cn-kp_joint-statement": ["朝鲜民主主义人民共和国", "朝鮮民主主义人民共和国",
                                         "朝鲜民主主义 人民共和国"],
}

#: Partner states swapped in: (simplified, traditional). A small, plausible list.
PARTNERS = [
    ("罗马尼亚人民共和国", "羅馬尼亞人民共和國"),
    ("保加利亚人民共和国", "保加利亞人民共和國"),
    ("匈牙利人民共和国", "匈牙利人民共和國"),
    ("蒙古人民共和国", "蒙古人民共和國"),
    ("马里共和国", "馬里共和國"),
    ("几内亚共和国", "幾內亞共和國"),
    ("坦桑尼亚联合共和国", "坦桑尼亞聯合共和國"),
    ("阿尔及利亚民主人民共和国", "阿爾及利亞民主人民共和國"),
    ("巴基斯坦伊斯兰共和国", "巴基斯坦伊斯蘭共和國"),
    ("尼泊尔王国", "尼泊爾王國"),
]

_CN_DIGITS = "〇一二三四五六七八九"
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})(?=年)")
_AR_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?=\s*年)")
_AR_DAY = re.compile(r"(?<!\d)(\d{1,2})(?=\s*日)")
_CN_DAY = re.compile(r"(?<![〇零一二三四五六七八九十])([一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])(?=日)")
_NOT_MOVABLE = re.compile(r"^\s*(第[一二三四五六七八九十百\d]+条|[一二三四五六七八九十]+[、,，.]|\d+[、.])|签|簽|年.*月.*日.*于|於")


def _cn_year(text: str) -> int:
    return int("".join(str(_CN_DIGITS.index("〇" if c == "零" else c)) for c in text))


def _to_cn_year(year: int) -> str:
    return "".join(_CN_DIGITS[int(c)] for c in str(year))


def _cn_day(text: str) -> int:
    n = {c: i for i, c in enumerate(_CN_DIGITS)}
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (n[tens] if tens else 1) * 10 + (n[ones] if ones else 0)
    return n[text]


def _to_cn_day(day: int) -> str:
    tens, ones = divmod(day, 10)
    if not tens:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def _years(text: str) -> list[int]:
    return [int(m) for m in _AR_YEAR.findall(text)] + [_cn_year(m) for m in _CN_YEAR.findall(text)]


def _days(text: str) -> list[int]:
    return [int(m) for m in _AR_DAY.findall(text)] + [_cn_day(m) for m in _CN_DAY.findall(text)]


def shift_dates(text: str, years: int, days: int) -> str:
    """Every year of ``text`` moved by ``years``, every day of the month by ``days``."""
    text = _AR_YEAR.sub(lambda m: str(int(m.group(1)) + years), text)
    text = _CN_YEAR.sub(lambda m: _to_cn_year(_cn_year(m.group(1)) + years), text)
    text = _AR_DAY.sub(lambda m: str(int(m.group(1)) + days), text)
    return _CN_DAY.sub(lambda m: _to_cn_day(_cn_day(m.group(1)) + days), text)


def _shift_ranges(text: str) -> tuple[range, range]:
    """The year shifts and day shifts that keep every date of ``text`` in 1949..last year, days 1..28."""
    ys, ds = _years(text), _days(text)
    last_year = _dt.date.today().year - 1
    year_shifts = range(1949 - min(ys), last_year - max(ys) + 1) if ys else range(0, 1)
    if not ds:
        return year_shifts, range(0, 1)
    # a day up to the 28th may move to any day up to the 28th; a later one (the 30th) only back
    upper = min(28 - d if d <= 28 else 0 for d in ds)
    return year_shifts, range(min(0, 1 - min(ds)), max(0, upper) + 1)


def _swap_paragraphs(text: str, rng: random.Random) -> str:
    """Two movable body paragraphs change places (lines, so CRLF and blank lines are kept)."""
    lines = text.splitlines(keepends=True)
    body = [i for i, ln in enumerate(lines) if ln.strip()]
    # after the disclaimer (2 paragraphs) and the title (1), before the last quarter (signature block)
    start, stop = 4, len(body) - max(3, len(body) // 4)
    movable = [i for i in body[start:stop] if not _NOT_MOVABLE.search(lines[i])
               and len(lines[i].strip()) > 20]
    if len(movable) < 2:
        return text
    a, b = sorted(rng.sample(movable, 2))
    end_a = lines[a][len(lines[a].rstrip("\r\n")):]
    end_b = lines[b][len(lines[b].rstrip("\r\n")):]
    lines[a], lines[b] = lines[b].rstrip("\r\n") + end_a, lines[a].rstrip("\r\n") + end_b
    return "".join(lines)


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as fh:  # BOM (as U+FEFF) and CRLF kept
        return fh.read()


def load_seeds(source: Path) -> dict[str, str]:
    seeds = {p.stem: _read(p) for p in sorted(source.glob("*.txt")) if p.stem in PARTNER_FORMS}
    if not seeds:
        raise SystemExit(f"no reference texts in {source}")
    return seeds


def variants(seeds: dict[str, str], count: int, seed: int = 7):
    """Yield ``count`` (file name, text) pairs, deterministic for ``seed``; all distinct."""
    rng = random.Random(seed)
    names = sorted(seeds)
    combos: dict[str, list[tuple[int, int, int]]] = {}
    for n in names:  # every (partner, year shift, day shift) of each text, in a seeded order
        ys, ds = _shift_ranges(seeds[n])
        leap = bool(re.search(r"2月29日|二月二十九日", seeds[n]))
        combos[n] = [(p, y, d) for p in range(len(PARTNERS)) for y in ys for d in ds if not (leap and y % 4)]
        rng.shuffle(combos[n])
    need = -(-count // len(names))
    short = [n for n in names if len(combos[n]) < need]
    if short:
        raise SystemExit(f"cannot make {count} distinct variants: {short[0]} has only {len(combos[short[0]])}")
    for i in range(count):
        name = names[i % len(names)]
        text = seeds[name]
        partner, years, days = combos[name][i // len(names)]
        traditional = name.endswith("_hant")
        new_name = PARTNERS[partner][1 if traditional else 0]
        for form in PARTNER_FORMS[name]:
            text = text.replace(form, new_name)
        text = shift_dates(text, years, days)
        if rng.random() < 0.5:
            text = _swap_paragraphs(text, rng)
        yield f"{i:06d}_{name}.txt", text


def generate(out: Path, count: int, seed: int = 7, source: Path = ROOT / "data") -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for fname, text in variants(load_seeds(source), count, seed):
        p = out / fname
        with open(p, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        written.append(p)
    return written


def big_text(size: int = 1_000_000, source: Path = ROOT / "data",
             seed_name: str = "1958-02-19_cn-kp_joint-statement") -> str:
    """One text of about ``size`` UTF-8 bytes: the seed with its body paragraphs repeated
    (disclaimer, title and signature block once)."""
    text = _read(source / f"{seed_name}.txt")
    lines = text.splitlines(keepends=True)
    body = [i for i, ln in enumerate(lines) if ln.strip()]
    start, stop = body[3], body[len(body) - max(3, len(body) // 4)]
    head, middle, tail = "".join(lines[:start]), "".join(lines[start:stop]), "".join(lines[stop:])
    fixed = len((head + tail).encode("utf-8"))
    reps = max(1, round((size - fixed) / len(middle.encode("utf-8"))))
    return head + middle * reps + tail


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", type=Path, help="folder to write the variants to")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--source", type=Path, default=ROOT / "data", help="the reference texts")
    ap.add_argument("--big", type=Path, help="write one large text (repeated body paragraphs) here")
    ap.add_argument("--size", type=int, default=1_000_000, help="bytes of the --big text")
    a = ap.parse_args(argv)
    if a.big:
        a.big.parent.mkdir(parents=True, exist_ok=True)
        a.big.write_bytes(big_text(a.size, a.source).encode("utf-8"))
        print(f"{a.big}: {a.big.stat().st_size} bytes")
    if a.out:
        files = generate(a.out, a.count, a.seed, a.source)
        print(f"{len(files)} texts in {a.out}")
    if not (a.big or a.out):
        ap.error("give OUT_DIR and/or --big FILE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
