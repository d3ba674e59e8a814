"""``treatykg build``: a folder of treaty texts -> graphs, embedded store, VoID, validation summary."""
from __future__ import annotations

from pathlib import Path

import click

from .options import EXIT_CODES, evidence as _evidence
from ..build import DEFAULT_TIME_LIMIT
from ..ingest import DEFAULT_MAX_BYTES


@click.command("build", epilog=EXIT_CODES)
@click.argument("src", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=True, file_okay=False),
              help="Output folder: graphs/, store/, void.ttl, validation.json, manifest.json.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs).")
@click.option("--base", default=None, metavar="IRI",
              help="Base IRI for minted identifiers (default https://w3id.org/treatykg/id/).")
@click.option("--force", is_flag=True, help="Rebuild everything, ignoring what the last build did.")
@click.option("--corrections", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="A corrections file (TOML, see the README's 'Curating a collection'): what a curator "
                   "asserts over what was read. Stale corrections are reported, not applied.")
@click.option("--metadata", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The database's metadata (TSV, or CSV for a .csv file; columns file, title, signed_date, "
                   "entry_into_force, signed_place, type, partner, source_url): what the text does not "
                   "print is added; disagreements go to OUT/review.tsv.")
@_evidence
@click.option("--dataset", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="FILE",
              help="What the publisher says about the collection, for OUT/void.ttl (TOML: title, description, "
                   "licence, publisher, publisher_iri, sparql_endpoint, download; see the README's "
                   "'Publishing'). Default licence: CC BY 4.0.")
@click.option("--strict", is_flag=True,
              help="Drop a document that does not conform from the collection (by default it is kept, "
                   "its validation report attached, and the build exits 8).")
@click.option("--time-limit", type=click.FloatRange(min=0), default=DEFAULT_TIME_LIMIT, show_default=True, metavar="SECONDS",
              help="What one document may take (read, convert, validate); a document over it fails, "
                   "its worker is stopped and the build goes on. 0: no limit.")
@click.option("--memory-limit", type=click.IntRange(min=0), default=None, metavar="MB",
              help="The memory one document's worker may use; a document over it fails and the build "
                   "goes on (default: the machine's memory shared by the workers and the build; 0: no limit).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Refuse an input file larger than this many bytes (it fails; the build goes on).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no per-document lines; "
                                                  "failures and the summary are still printed.")
def build_command(src: tuple[Path, ...], out: Path, workers: int | None, base: str | None, force: bool,
                  corrections: Path | None, metadata: Path | None, evidence: str, dataset: Path | None,
                  strict: bool, time_limit: float,
                  memory_limit: int | None, max_bytes: int, quiet: bool) -> None:
    """Build every treaty text (*.txt, recursively, following links) of each SRC folder into OUT.

    Each text is extracted, curated (--metadata, then --corrections), converted and validated
    in a worker process, within a time and a memory limit; its named graphs (facts, evidence
    …) are written to OUT/graphs/<name>.nq, its text to OUT/texts/<name>.txt (what the
    evidence points into), and the graphs replace the document's in the embedded store
    OUT/store. Only inputs that changed since the
    last build (their text, their corrections, their metadata row) are redone; graphs of
    deleted inputs are removed. A document that does not conform is kept with its validation
    report (unless --strict); one that cannot be read fails with its reason: either way the
    build goes on and exits 8. What a curator should look at is in OUT/review.tsv
    (`treatykg review OUT`). Files that are not texts and folders that cannot be read are
    skipped and listed.

    The store must not be in use: stop `treatykg serve` on OUT first.
    """
    from .. import api
    from ..errors import PartialFailure

    kwargs = dict(workers=workers, base=base, force=force, corrections=corrections, metadata=metadata,
                  strict=strict, evidence=evidence, dataset=dataset, time_limit=time_limit or None,
                  max_bytes=max_bytes,
                  memory_limit=0 if memory_limit is None else (memory_limit << 20 or None))
    sources = list(src)
    if quiet:
        report = api.build(sources, out, **kwargs)
    else:
        report = _with_progress(sources, out, **kwargs)
    _print_skipped(report.skipped)
    for d in report.failed:
        click.echo(f"treatykg: failed: {d.path}: {d.reason}", err=True)
    for d in report.nonconforming:
        click.echo(f"treatykg: kept, does not conform: {d.path}: {d.reason}", err=True)
    built, unchanged, failed, kept = (report.count(s) for s in ("built", "unchanged", "failed", "nonconforming"))
    graphs = built + unchanged
    click.echo(f"{graphs} document graph{'s' * (graphs != 1)} in {out}: {built} built, "
               f"{unchanged} unchanged, {report.count('removed')} removed, "
               f"{failed} failed, {kept} kept without conforming; "
               f"{report.triples} triples")
    if failed or kept:
        total = failed + graphs
        parts = ([f"{failed} of {total} document{'s' * (total != 1)} failed"] if failed else []) + \
            ([f"{kept} kept without conforming"] if kept else [])
        raise PartialFailure(f"{'; '.join(parts)} (reasons above; see `treatykg review {out}` and "
                             f"{out / 'validation.json'})")


def _print_skipped(skipped: list[tuple[str, str]]) -> None:
    """What the build did not read, said in a few lines: counted by reason, a few examples each."""
    by_reason: dict[str, list[str]] = {}
    for path, why in skipped:
        by_reason.setdefault(why, []).append(path)
    for why, paths in sorted(by_reason.items()):
        shown = ", ".join(paths[:3]) + (f" … (+{len(paths) - 3})" if len(paths) > 3 else "")
        click.echo(f"treatykg: skipped {len(paths)} ({why}): {shown}", err=True)


def _with_progress(src: list[Path], out: Path, **kwargs):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from .. import api

    console = Console(stderr=True)
    # paths and reasons are data: shown as plain text, never read as Rich markup ("[/x]", "[red]")
    with Progress(TextColumn("[bold]building[/]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[last]}", markup=False), console=console, transient=True,
                  disable=not console.is_terminal) as bar:  # a bar only where someone watches
        task = bar.add_task("build", total=None, last="")

        def on_event(event) -> None:
            if event.kind == "start":
                bar.update(task, total=event.total)
            elif event.kind == "document":
                bar.update(task, completed=event.completed, last=_printable(event.path or ""))
                if event.status == "failed":
                    line = Text("failed", style="red")
                    line.append(f" {_printable(event.path or '')}: {_printable(event.reason or '')}")
                    bar.console.print(line, highlight=False)

        return api.build(src, out, progress=on_event, **kwargs)


def _printable(text: str) -> str:
    """Control characters (a terminal escape sequence in a file name) shown, not obeyed."""
    return "".join(c if c.isprintable() or c == " " else f"\\x{ord(c):02x}" for c in text)

