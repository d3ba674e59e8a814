"""Word lists the extractors share: general knowledge of Chinese diplomatic texts, kept as data.

The lists live in ``data/lexicon/`` (installed with the package), one TSV file each,
with a header comment saying what every column means:

* ``doc_types.tsv`` — the record's document types: value, class, Chinese and English label;
* ``document_words.tsv`` — words that name kinds of documents (联合声明, 议定书, 换文 …)
  and the record's ``doc_type`` for a title ending in them;
* ``organs.tsv`` — organs of a state that conclude treaties (政府, 外交部, …部, …委员会);
* ``offices.tsv`` — words that end an office printed beside a name (全权代表, 部长 …);
* ``languages.tsv`` — languages of authentic texts, their variants, one-character
  abbreviations (中、捷、俄三种文字) and ISO 639-1 codes;
* ``names.tsv`` — characters of personal names (surnames, given names, transliteration).

Nothing here belongs to one document. Extending a file extends what treatykg reads.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from .resources import resource_path


def _rows(name: str) -> list[dict[str, str]]:
    path = resource_path("data", f"lexicon/{name}")
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines, delimiter="\t")]


def _alternation(words) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")"


# -- document types --------------------------------------------------------------------
@dataclass(frozen=True)
class DocType:
    """A document type: the record's value (``joint_statement``), its class in the ``tkg:``
    namespace (``JointStatement``), its Chinese and English label."""

    value: str
    cls: str
    zh: str
    en: str


@lru_cache(maxsize=1)
def doc_types() -> tuple[DocType, ...]:
    """Every document type, in the ontology's order (``data/lexicon/doc_types.tsv``)."""
    return tuple(DocType(r["doc_type"], r["class"], r["zh"], r["en"]) for r in _rows("doc_types.tsv"))


# -- document words ------------------------------------------------------------------
@lru_cache(maxsize=1)
def _document_words() -> tuple[tuple[str, str | None], ...]:
    out = [(r["word"], None if r["doc_type"] == "-" else r["doc_type"]) for r in _rows("document_words.tsv")]
    return tuple(sorted(out, key=lambda wt: (-len(wt[0]), wt[0])))


#: (word, doc_type) for the words that give a title its type, the longest first.
DOC_TYPE_WORDS: tuple[tuple[str, str], ...] = tuple((w, t) for w, t in _document_words() if t)
#: Every word that names a kind of document (also 宪章, 原则 …), as a regex alternation.
DOCUMENT_WORD_RE = _alternation(w for w, _ in _document_words())
#: The words that a document uses of itself after 本 (本协定, 本议定书 …), as an alternation.
SELF_WORD_RE = _alternation(w for w, t in _document_words() if t)


def doc_type_of_word(word: str) -> str | None:
    return next((t for w, t in DOC_TYPE_WORDS if w == word), None)


# -- organs ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Organ:
    form: str       # the word, or the suffix of a "…" row
    id: str
    en: str
    suffix: bool    # a "…部" row: any run of Chinese characters ending in ``form``


@lru_cache(maxsize=1)
def organs() -> tuple[Organ, ...]:
    out = []
    for r in _rows("organs.tsv"):
        form = r["form"]
        suffix = form.startswith("…")
        out.append(Organ(form.lstrip("…"), r["id"], r["en"], suffix))
    return tuple(out)


#: An organ as printed after a state's name: a listed word, or a run ending in a listed suffix.
ORGAN_RE = ("(?:" + "|".join(
    [re.escape(o.form) for o in sorted((o for o in organs() if not o.suffix), key=lambda o: -len(o.form))]
    + [r"[\u4e00-\u9fff]{1,10}?" + re.escape(o.form) for o in organs() if o.suffix]) + ")")


def organ_of(text: str) -> Organ | None:
    """The organ row that ``text`` (an organ as printed) is: an exact word, else the longest suffix."""
    for o in organs():
        if not o.suffix and o.form == text:
            return o
    best = None
    for o in organs():
        if o.suffix and text.endswith(o.form) and len(text) > len(o.form):
            if best is None or len(o.form) > len(best.form):
                best = o
    return best


# -- offices ---------------------------------------------------------------------------
TITLE_SUFFIXES: tuple[str, ...] = tuple(r["word"] for r in _rows("offices.tsv"))
TITLE_SUFFIX_RE = re.compile(_alternation(TITLE_SUFFIXES))


# -- languages -------------------------------------------------------------------------
@dataclass(frozen=True)
class Language:
    name: str
    variants: tuple[str, ...]
    abbr: tuple[str, ...]
    iso639_1: str | None


@lru_cache(maxsize=1)
def languages() -> tuple[Language, ...]:
    return tuple(Language(r["name"], tuple(v for v in r["variants"].split("|") if v),
                          tuple(a for a in r["abbr"].split("|") if a), r["iso639_1"] or None)
                 for r in _rows("languages.tsv"))


@lru_cache(maxsize=1)
def _language_index() -> tuple[dict[str, Language], dict[str, Language]]:
    by_name: dict[str, Language] = {}
    by_abbr: dict[str, Language] = {}
    for lang in languages():
        for n in (lang.name,) + lang.variants:
            by_name.setdefault(n, lang)
        for a in lang.abbr:
            by_abbr.setdefault(a, lang)
    return by_name, by_abbr


def language(name: str) -> Language | None:
    """The language printed as ``name`` (中文, 汉文, 英语 …), or None."""
    return _language_index()[0].get(name)


def language_by_abbr(ch: str) -> Language | None:
    """The language a one-character abbreviation stands for in "中、捷、俄三种文字"."""
    return _language_index()[1].get(ch)


#: Names of languages: listed ones, or a short run ending in 文 or 语.
LANGUAGE_RE = r"(?:" + _alternation(n for lang in languages() for n in (lang.name,) + lang.variants)[3:-1] \
    + r"|[\u4e00-\u9fff]{1,5}?[文语])"

# -- how the names of states end -------------------------------------------------------
STATE_END_RE = r"(?:共和国|联合王国|王国|合众国|联邦|联盟|酋长国|公国|大公国|苏丹国|帝国|民国|国)"


# -- personal names --------------------------------------------------------------------
@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return {r["kind"]: r["chars"] for r in _rows("names.tsv")}


SURNAMES_1 = frozenset(_names()["surname"])
SURNAMES_2 = frozenset(x for x in _names()["surname2"].split("|") if x)
GIVEN_CHARS = frozenset(_names()["given"])
TRANSLIT_CHARS = frozenset(_names()["transliteration"])
