"""The inputs of a build: the texts of its source folders, their stable names, and the
curation (corrections, database metadata) that applies to each (see :mod:`treatykg.build`)."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .build_report import BuildTable

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


def scan(srcs: list[Path], out: Path, table: BuildTable) -> list[tuple[str, str]]:
    """Put the texts of the source folders in ``table``, by their path in the build, and return
    what was skipped, with why.

    Every ``*.txt`` file (any case of the suffix) below each folder, following symbolic links
    to files and folders (a folder reached twice — a link loop, or two links to one folder —
    is read once; folders are read in name order, each before its subfolders); with several
    folders, each input's path starts with its folder's name. Our own output folder is never
    read. Files that are not texts, unreadable folders and links to nothing are skipped and
    said. A folder's entries are read as they come (``os.scandir``): a folder of 20,000 texts
    is never a list in memory.
    """
    skipped: list[tuple[str, str]] = []
    out_r = out.resolve()
    visited: set[str] = set()
    for src, label in zip(srcs, _labels(srcs)):
        folders = [(str(src), label)]  # (folder, its inputs' prefix): depth first, in name order
        while folders:
            folder, prefix = folders.pop()
            real = Path(os.path.realpath(folder))
            if str(real) in visited:
                skipped.append((folder, "a folder already read (a link to it, or a link loop)"))
                continue
            if not _outside(real, out_r):
                continue  # never read our own output
            visited.add(str(real))
            subfolders = _read_folder(folder, prefix, out_r, table, skipped)
            folders.extend(sorted(subfolders, reverse=True))
    return skipped


def _read_folder(folder: str, prefix: str, out_r: Path, table: BuildTable,
                 skipped: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The texts of one folder into ``table``; returns its subfolders (folder, prefix)."""
    subfolders: list[tuple[str, str]] = []
    said: list[tuple[str, str]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                key = f"{prefix}/{entry.name}" if prefix else entry.name
                if _true(entry.is_dir):  # a link to a folder is a folder
                    subfolders.append((entry.path, key))
                elif not entry.name.lower().endswith(".txt"):
                    said.append((key, "not a .txt text"))
                elif not _true(entry.is_file):
                    said.append((key, "a link to nothing, or not a regular file"))
                elif not entry.is_symlink() or _outside(Path(entry.path).resolve(), out_r):
                    table.add_input(key, entry.path)
    except OSError as exc:
        skipped.append((str(exc.filename or folder), f"cannot read the folder: {exc.strerror or exc}"))
    skipped.extend(sorted(said))
    return subfolders


def _true(test: Callable[[], bool]) -> bool:
    """``test()``, False when it cannot be answered (a link into a folder we may not read)."""
    try:
        return test()
    except OSError:
        return False


def _outside(path: Path, out_r: Path) -> bool:
    """Whether ``path`` (resolved) is neither our output folder ``out_r`` nor inside it."""
    return path != out_r and out_r not in path.parents


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
