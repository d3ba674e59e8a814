"""The inputs of a build: the texts of its source folders, their stable names, and the
curation (corrections, database metadata) that applies to each (see :mod:`treatykg.build`)."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Curation", "curation_key", "stable_name", "sha256_file", "scan"]


@dataclass
class Curation:
    """The collection's corrections file and database metadata, as each document needs them."""

    corrections: Any = None   # treatykg.corrections.CorrectionsFile
    metadata: Any = None      # treatykg.metadata.MetadataTable

    @classmethod
    def load(cls, corrections: str | Path | None, metadata: str | Path | None) -> "Curation":
        from . import corrections as corr
        from . import metadata as meta

        return cls(corr.load(corrections) if corrections else None, meta.load(metadata) if metadata else None)

    def for_document(self, rel: str, sha256: str) -> dict[str, Any]:
        """What applies to one input (plain JSON, kept in its manifest entry)."""
        out: dict[str, Any] = {}
        if self.metadata is not None:
            row = self.metadata.for_document(rel)
            if row:
                out["metadata"] = row
                out["metadata_file"] = Path(self.metadata.path).name
        if self.corrections is not None:
            items = self.corrections.for_document(rel, sha256)
            if items:
                out["corrections"] = [c.to_json() for c in items]
                out["corrections_file"] = Path(self.corrections.path).name
        return out


def curation_key(curation: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(curation, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def stable_name(rel: str) -> str:
    """``sub/004_treaty.txt`` -> ``sub/004_treaty`` (the name of its graph file, without ``.nq``)."""
    return rel[:-4] if rel.lower().endswith(".txt") else rel


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def scan(srcs: list[Path], out: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The texts of the source folders, by their path in the build, and what was skipped, with why.

    Every ``*.txt`` file (any case of the suffix) below each folder, following symbolic links
    to files and folders (a folder reached twice — a link loop, or two links to one folder —
    is read once); with several folders, each input's path starts with its folder's name.
    Our own output folder is never read. Files that are not texts, unreadable folders and
    links to nothing are skipped and said.
    """
    found: dict[str, str] = {}  # (str, not Path: one per input, 20,000 in a large build)
    skipped: list[tuple[str, str]] = []
    out_r = out.resolve()
    labels = _labels(srcs)
    visited: set[str] = set()
    for src, label in zip(srcs, labels):
        def failed(exc: OSError, src: Path = src) -> None:
            skipped.append((str(exc.filename or src), f"cannot read the folder: {exc.strerror or exc}"))

        for dirpath, dirnames, filenames in os.walk(src, onerror=failed, followlinks=True):
            real = Path(os.path.realpath(dirpath))
            if str(real) in visited:
                skipped.append((dirpath, "a folder already read (a link to it, or a link loop)"))
                dirnames[:] = []
                continue
            if real == out_r or out_r in real.parents:
                dirnames[:] = []  # never read our own output
                continue
            visited.add(str(real))
            dirnames.sort()
            for name in sorted(filenames):
                p = Path(dirpath) / name
                rel = p.relative_to(src).as_posix()
                key = f"{label}/{rel}" if label else rel
                if not name.lower().endswith(".txt"):
                    skipped.append((key, "not a .txt text"))
                    continue
                if not p.is_file():
                    skipped.append((key, "a link to nothing, or not a regular file"))
                    continue
                rp = p.resolve()
                if rp == out_r or out_r in rp.parents:
                    continue  # never read our own output
                found[key] = str(p)
    return found, skipped


def _labels(srcs: list[Path]) -> list[str]:
    """Path prefixes of the inputs of each source folder: none for one folder, else each folder's
    name (made unique with -2, -3 …)."""
    if len(srcs) == 1:
        return [""]
    out: list[str] = []
    for s in srcs:
        name = s.resolve().name or "src"
        label, n = name, 1
        while label in out:
            n += 1
            label = f"{name}-{n}"
        out.append(label)
    return out
