"""``treatykg view`` (one annotated HTML page), ``treatykg site`` (a browsable collection)
and ``treatykg docs`` (ontology and shapes documentation)."""
from __future__ import annotations

from pathlib import Path

import click

from .options import EXIT_CODES, encoding as _encoding, max_bytes as _max_bytes
from ..output import terminal_safe


@click.command("view", epilog=EXIT_CODES)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True, exists=False))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="The HTML page to write (atomically), e.g. page.html.")
@click.option("--base", default=None, metavar="IRI",
              help="Base IRI for minted identifiers (default https://w3id.org/treatykg/id/).")
@click.option("--corrections", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Apply a corrections file (TOML): corrected facts are marked with who corrected them.")
@click.option("--metadata", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Add what the database's metadata (TSV/CSV) says: such facts are marked as from it.")
@_max_bytes
@_encoding
def view_command(file: Path, output: Path, base: str | None, corrections: Path | None, metadata: Path | None,
                 max_bytes: int, encoding: str | None) -> None:
    """Write one self-contained HTML page showing the treaty text FILE with every
    extracted fact highlighted where it was read.

    Focus or hover a highlight to see its field, value and the RDF statement it
    supports; the side panel lists the fields and jumps to their evidence. A fact a
    curator asserted (--corrections) or taken from the database's metadata (--metadata)
    is marked as such, and what the curator replaced is listed. The page has no outside
    resources: it works offline, from the file system.
    """
    from .. import api

    warnings = api.view(file, output, base=base, max_bytes=max_bytes, encoding=encoding,
                         corrections=corrections, metadata=metadata)
    for w in warnings:
        click.echo(terminal_safe(f"treatykg: warning: {file}: {w}"), err=True)
    click.echo(terminal_safe(f"wrote {output}"), err=True)


@click.command("site", epilog=EXIT_CODES)
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option("--texts", "texts_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="The folder the collection was built from (default: the texts the build published "
                   "in OUT/texts/). A document without its text gets a page listing its facts.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes rendering the annotated pages (default: the number of CPUs).")
def site_command(out: Path, texts_dir: Path | None, workers: int | None) -> None:
    """Write a static site for the build folder OUT into OUT/site/: an index of the
    documents (sortable), one annotated page per document, one page per person and per
    state, and two pictures (documents per year, partner states) as SVG.

    The site is a stage of its own: run it after `treatykg build` (`make demo` runs both).
    It is incremental: an annotated page whose document, text and code did not change is
    not rendered again, and a run that was cut short is finished by the next one.
    Reads OUT/store (read-only; OUT/graphs/*.nq while a build holds the store).
    The pages link relatively: open OUT/site/index.html from the file system or serve it
    (`treatykg serve --store OUT` serves it at /site/).
    """
    from .. import api

    index = api.site(out, src_dir=texts_dir, workers=workers)
    click.echo(terminal_safe(index))


@click.command("docs", epilog=EXIT_CODES)
@click.option("--out", "out", type=click.Path(path_type=Path, file_okay=False), default=Path("docs"),
              show_default=True, help="Folder for ontology.html and shapes.html.")
def docs_command(out: Path) -> None:
    """Write the ontology documentation (ontology.html: classes and properties with their
    English and Chinese labels and comments, domains, ranges, reused vocabularies) and
    the shapes table (shapes.html) into OUT, from ontology/treatykg.ttl and shapes/treatykg.ttl."""
    from .. import api

    for path in api.docs(out):
        click.echo(terminal_safe(path))

