"""The reference texts and their meaning-preserving variants (tests/tools/variants.py).

The variants rewrite each reference text (other numerals, another partner state, other
names, script, punctuation, layout, signature columns, dateline, database metadata lines)
with its gold record rewritten to match. A rule that passes a text but not its variants
is fitted, not general: these tests read them all.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from treatykg.extract import extract_file
from treatykg.gazetteer import default
from treatykg.ingest import to_simplified
from treatykg.validate import validate_record

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
TOOLS = HERE / "tools"
SEED, PER_DOC = 1, 10

sys.path.insert(0, str(TOOLS))
from score_extraction import score_record  # noqa: E402


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("variants")
    run = subprocess.run([sys.executable, str(TOOLS / "variants.py"), str(CORPUS), str(out),
                          "--per-doc", str(PER_DOC), "--seed", str(SEED), "-q"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return out


def _texts(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.txt") if p.with_suffix(".gold.json").exists())


def _scores(folder: Path) -> tuple[float, dict[str, float]]:
    fields: dict[str, list[float]] = {}
    overall = []
    for path in _texts(folder):
        gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))
        s = score_record(gold, extract_file(path).to_json())
        for k, v in s.items():
            fields.setdefault(k, []).append(v)
        overall.append(sum(s.values()) / len(s))
    return sum(overall) / len(overall), {k: sum(v) / len(v) for k, v in fields.items()}


def test_the_reference_texts_score_at_least_098_every_field_at_least_095():
    score, fields = _scores(CORPUS)
    assert score >= 0.98, fields
    assert all(v >= 0.95 for v in fields.values()), fields


def test_the_variants_score_at_least_097_every_field_at_least_095(variants):
    assert len(_texts(variants)) == 16 * PER_DOC
    score, fields = _scores(variants)
    assert score >= 0.97, fields
    assert all(v >= 0.95 for v in fields.values()), fields


def test_every_reference_text_and_variant_converts_to_rdf_that_conforms(variants):
    failures = []
    for path in _texts(CORPUS) + _texts(variants):
        report = validate_record(extract_file(path))
        if not report.conforms:
            failures.append(f"{path.name}: {[r.message for r in report.violations][:3]}")
    assert not failures, "\n".join(failures)


def _norm(s: str) -> str:
    return "".join(to_simplified(unicodedata.normalize("NFKC", s)).split())


def _manifest(variants: Path) -> dict[str, str]:
    """variant name -> the new partner's full name, for the variants that swapped the partner."""
    out = {}
    for line in (variants / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        name, _, kinds, details = (line.split("\t") + ["", "", "", ""])[:4]
        m = re.search(r"partner: [^;]*?→([^;]+)", details)
        if m and "partner" in kinds:
            out[name] = m.group(1).strip()
    return out


def test_every_party_of_every_text_and_variant_is_resolved_to_the_right_state(variants):
    gaz = default()
    swapped = _manifest(variants)
    assert swapped, "the variants swap partner states"
    failures = []
    for path in _texts(CORPUS) + _texts(variants):
        rec = extract_file(path)
        gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))
        if {_norm(p.name) for p in rec.parties} != {_norm(p) for p in gold["parties"]}:
            failures.append(f"{path.name}: parties {[p.name for p in rec.parties]} != {gold['parties']}")
            continue
        states = [p.state for p in rec.parties]
        if None in states or "cn" not in states:
            failures.append(f"{path.name}: unresolved {[(p.name, p.state) for p in rec.parties]}")
            continue
        new = swapped.get(path.stem)
        if new:
            entry = gaz.lookup(new, "state", rec.signed_date)
            partner = [s for s in states if s != "cn"]
            if entry is None or partner != [entry.id]:
                failures.append(f"{path.name}: partner {partner} is not {new} ({entry and entry.id})")
    assert not failures, "\n".join(failures)
