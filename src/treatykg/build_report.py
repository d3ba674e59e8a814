"""What a build says it did: :class:`BuildReport` (one :class:`DocumentResult` per input) and
the :class:`BuildEvent` its ``progress`` callback receives (see :mod:`treatykg.build`)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["BuildEvent", "DocumentResult", "BuildReport"]


@dataclass(frozen=True)
class BuildEvent:
    """What :func:`build` tells its ``progress`` callback.

    ``kind`` is ``"start"`` (``total`` documents to convert, ``inputs`` found),
    ``"document"`` (one finished: ``path``, ``status`` built|failed|removed, ``reason``;
    ``completed`` of ``total``) or ``"finish"``.
    """

    kind: str
    total: int = 0
    completed: int = 0
    inputs: int = 0
    path: str | None = None
    status: str | None = None
    reason: str | None = None


@dataclass(slots=True)  # one per input: small, a build of 20,000 holds 20,000
class DocumentResult:
    """One input of the build. ``status``: built | unchanged | failed | removed."""

    path: str
    status: str
    name: str | None = None
    document: str | None = None
    graph: str | None = None
    triples: int = 0
    reason: str | None = None
    conforms: bool | None = None
    violations: int = 0
    warnings: int = 0


@dataclass
class BuildReport:
    out_dir: Path
    documents: list[DocumentResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why): inputs not read
    converted: int = 0  # documents extracted + converted + validated in this build
    repaired: int = 0   # graphs re-loaded into the store from their .nq file
    triples: int = 0    # quads in the store after the build

    def _with(self, status: str) -> list[DocumentResult]:
        return [d for d in self.documents if d.status == status]

    @property
    def built(self) -> list[DocumentResult]:
        return self._with("built")

    @property
    def unchanged(self) -> list[DocumentResult]:
        return self._with("unchanged")

    @property
    def failed(self) -> list[DocumentResult]:
        return self._with("failed")

    @property
    def removed(self) -> list[DocumentResult]:
        return self._with("removed")

    @property
    def nonconforming(self) -> list[DocumentResult]:
        """Documents kept in the collection although they do not conform (their report attached)."""
        return [d for d in self.documents if d.status in ("built", "unchanged") and d.conforms is False]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.nonconforming

    def __str__(self) -> str:
        graphs = len(self.built) + len(self.unchanged)
        text = (f"{graphs} document graph{'s' * (graphs != 1)} in {self.out_dir}: "
                f"{len(self.built)} built, {len(self.unchanged)} unchanged, "
                f"{len(self.removed)} removed, {len(self.failed)} failed; {self.triples} triples")
        for d in self.failed:
            text += f"\nfailed: {d.path}: {d.reason}"
        for d in self.nonconforming:
            text += f"\nkept, does not conform: {d.path}: {d.reason}"
        return text

    def to_json(self) -> dict[str, Any]:
        return {"out_dir": str(self.out_dir), "converted": self.converted, "repaired": self.repaired,
                "triples": self.triples, "documents": [asdict(d) for d in self.documents],
                "skipped": [{"path": p, "why": w} for p, w in self.skipped]}
