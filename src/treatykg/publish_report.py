"""What ``push`` did, as result objects: every request, and per graph the counts and the read-back.

:class:`PushReport` (one :class:`GraphReport` per graph, each with its :class:`RequestInfo`
list) has a readable ``__str__``, a one-line :meth:`~PushReport.summary` and ``to_json()``; the
command prints them. Rules: a URL in a report is the URL without credentials (the caller
redacts it before it gets here); a report is filled in as the push goes, so the part done is
there when it fails (``exc.report``).

Library code: nothing here prints or exits.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["RequestInfo", "GraphReport", "PushReport", "graph_line"]


@dataclass
class RequestInfo:
    """One HTTP request, as sent or as it would be sent (``--dry-run``)."""

    method: str
    url: str
    what: str
    content_type: str | None = None
    nbytes: int = 0

    def __str__(self) -> str:
        body = f" ({self.content_type}, {self.nbytes} bytes)" if self.content_type else ""
        return f"{self.method} {self.url}{body}: {self.what}"

    def to_json(self) -> dict:
        return dict(method=self.method, url=self.url, what=self.what,
                    content_type=self.content_type, bytes=self.nbytes)


@dataclass
class GraphReport:
    """What happened to one graph: local and remote triple counts, the requests, and what the
    endpoint returned when the graph was read back (``same``: True when it is exactly the
    triples sent; ``difference``: one differing triple, or why the graph could not be read
    back whole, when it is not)."""

    graph: str
    sources: list[str]
    local_triples: int
    remote_triples: int | None = None
    strategy: str = ""
    requests: list[RequestInfo] = field(default_factory=list)
    same: bool | None = None
    difference: str | None = None

    @property
    def ok(self) -> bool:
        return self.remote_triples == self.local_triples and self.same is not False

    def to_json(self) -> dict:
        return dict(graph=self.graph, sources=self.sources, local_triples=self.local_triples,
                    remote_triples=self.remote_triples, same=self.same, difference=self.difference,
                    strategy=self.strategy, ok=self.ok, requests=[r.to_json() for r in self.requests])


def graph_line(g: GraphReport) -> str:
    """``ok       <graph>  local N  endpoint N`` (``MISMATCH`` when the counts or the triples
    differ, with one differing triple)."""
    state = "ok" if g.ok else "MISMATCH"
    line = f"{state:8s} {g.graph}  local {g.local_triples}  endpoint {g.remote_triples}"
    return line if g.ok or not g.difference else f"{line}  ({g.difference})"


@dataclass
class PushReport:
    """The result of :func:`push`: one :class:`GraphReport` per graph."""

    endpoint: str
    profile: str
    dry_run: bool
    graphs: list[GraphReport] = field(default_factory=list)
    seconds: float = 0.0
    requests_sent: int = 0
    bytes_sent: int = 0
    #: the evidence graphs left out (``evidence=False``), not sent
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.dry_run or all(g.ok for g in self.graphs)

    @property
    def triples(self) -> int:
        return sum(g.local_triples for g in self.graphs)

    @property
    def mismatches(self) -> list[GraphReport]:
        return [] if self.dry_run else [g for g in self.graphs if not g.ok]

    def summary(self) -> str:
        """One line: how many graphs and triples went where, in how long (and how many evidence
        graphs were left out)."""
        left_out = (f"; {len(self.skipped)} evidence graph{'s' * (len(self.skipped) != 1)} left out "
                    "(--no-evidence)") if self.skipped else ""
        if self.dry_run:
            return "dry run: nothing sent" + left_out
        return (f"{len(self.graphs)} graph{'s' * (len(self.graphs) != 1)}, {self.triples} triples pushed to "
                f"{self.endpoint} ({self.profile}) and read back in {self.seconds:.2f} s, "
                f"{self.requests_sent} requests{left_out}")

    def __str__(self) -> str:
        lines = [self.summary()]
        for g in self.graphs:
            if self.dry_run:
                lines.append(f"{g.graph}  {g.local_triples} triples  [{g.strategy}]")
                lines.extend(f"    {r}" for r in g.requests)
            else:
                lines.append(graph_line(g))
        return "\n".join(lines)

    def to_json(self) -> dict:
        return dict(endpoint=self.endpoint, profile=self.profile, dry_run=self.dry_run, ok=self.ok,
                    seconds=round(self.seconds, 3), requests_sent=self.requests_sent,
                    bytes_sent=self.bytes_sent, graphs=[g.to_json() for g in self.graphs],
                    skipped=list(self.skipped))
