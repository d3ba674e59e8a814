"""``treatykg review``: what a curator should look at in a build, with corrections to start from."""
from __future__ import annotations

from pathlib import Path

import click

from .options import EXIT_CODES


@click.command("review", epilog=EXIT_CODES)
@click.argument("out", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "tsv"]), default="text", show_default=True,
              help="text: per document, its page, what to look at and a [[correction]] to start from; "
                   "tsv: the rows of OUT/review.tsv.")
def review_command(out: Path, fmt: str) -> None:
    """List the documents of the build OUT that need a curator's look: violations and warnings of
    the shapes, what the reader could not read (a missing date, a party it could not resolve),
    stale corrections, disagreements with the database metadata. Each comes with the link to its
    annotated page (OUT/site/doc/…) and a ready-to-edit [[correction]] table for the corrections
    file (see the README's 'Curating a collection'), filled with the field's current value.

    \b
    Example:
      treatykg review demo-out/collection > todo.toml   # edit, then: treatykg build data --out
      demo-out/collection --corrections corrections.toml
    """
    from .. import api

    result = api.review(out)
    if fmt == "tsv":
        from ..reports import REVIEW_HEADER

        click.echo(REVIEW_HEADER)
        for item in result.items:
            for row in item.rows:
                click.echo(row.tsv())
        return
    click.echo(result.text(), nl=False)

