"""``treatykg build``: a folder of treaty texts -> graphs, embedded store, VoID, validation summary."""
from __future__ import annotations

from pathlib import Path

import click

from ..cli import EXIT_CODES


@click.command("build", epilog=EXIT_CODES)
@click.argument("src", type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=True, file_okay=False),
              help="Output folder: graphs/, store/, void.ttl, validation.json, manifest.json.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of CPUs; 1 runs in this process).")
@click.option("--base", default=None, metavar="IRI",
              help="Base IRI for minted identifiers (default https://w3id.org/treatykg/id/).")
@click.option("--force", is_flag=True, help="Rebuild everything, ignoring what the last build did.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no per-document lines; "
                                                  "failures and the summary are still printed.")
def build_command(src: Path, out: Path, workers: int | None, base: str | None, force: bool, quiet: bool) -> None:
    """Build every treaty text (*.txt, recursively) of SRC into OUT.

    Each text is extracted, converted and validated in a worker process; its named
    graph is written to OUT/graphs/<name>.nq and replaces the document's graph in the
    embedded store OUT/store. Only inputs that changed since the last build are redone;
    graphs of deleted inputs are removed. A document that fails is reported with its
    reason and skipped: the build goes on and exits 8.

    The store must not be in use: stop `treatykg serve` on OUT first.
    """
    from ..build import build
    from ..errors import PartialFailure

    if quiet:
        report = build(src, out, workers=workers, base=base, force=force)
    else:
        report = _with_progress(src, out, workers=workers, base=base, force=force)
    for d in report.failed:
        click.echo(f"treatykg: failed: {d.path}: {d.reason}", err=True)
    graphs = len(report.built) + len(report.unchanged)
    click.echo(f"{graphs} document graph{'s' * (graphs != 1)} in {out}: {len(report.built)} built, "
               f"{len(report.unchanged)} unchanged, {len(report.removed)} removed, "
               f"{len(report.failed)} failed; {report.triples} triples")
    if report.failed:
        n = len(report.failed)
        raise PartialFailure(f"{n} of {n + graphs} document{'s' * (n + graphs != 1)} failed "
                             f"(reasons above; details in {out / 'validation.json'})")


def _with_progress(src: Path, out: Path, **kwargs):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..build import build

    console = Console(stderr=True)
    with Progress(TextColumn("[bold]building[/]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.fields[last]}"), console=console, transient=True) as bar:
        task = bar.add_task("build", total=None, last="")

        def on_event(event) -> None:
            if event.kind == "start":
                bar.update(task, total=event.total)
            elif event.kind == "document":
                bar.update(task, completed=event.completed, last=event.path or "")
                if event.status == "failed":
                    bar.console.print(f"[red]failed[/] {event.path}: {event.reason}", markup=True,
                                      highlight=False)

        return build(src, out, progress=on_event, **kwargs)


COMMANDS = [build_command]
