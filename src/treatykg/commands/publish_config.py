"""``treatykg publish-config``: the redirect rules of a collection's IRIs and how to put it online
(a thin shell over :func:`treatykg.publish_config.write_config`)."""
from __future__ import annotations

from pathlib import Path

import click

from .options import EXIT_CODES
from ..publish_config import TARGETS


@click.command("publish-config", epilog=EXIT_CODES)
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--base-url", metavar="URL", default=None,
              help="Where the build folder is published (static), or where `treatykg serve` answers "
                   "(serve). Default: the build's `download` setting (build --dataset).")
@click.option("--target", type=click.Choice(TARGETS), default="static", show_default=True,
              help="static: the build folder on a web host, the rules negotiate (one per document); "
                   "serve: one rule to `treatykg serve`, which negotiates.")
@click.option("--sparql-endpoint", metavar="URL", default=None,
              help="For the RDF of states, persons and other entities (static): the endpoint's DESCRIBE. "
                   "Default: the build's `sparql_endpoint` setting.")
@click.option("--out", "dest", type=click.Path(path_type=Path), default=None,
              help="Folder to write .htaccess and PUBLISH.md to (default: OUT/publish).")
def publish_config_command(out: Path, base_url: str | None, target: str, sparql_endpoint: str | None,
                           dest: Path | None) -> None:
    """Write the w3id.org redirect rules (.htaccess) for the IRIs of build OUT, and
    PUBLISH.md: what to upload where, the media types the host must send, how to submit
    the rules, the licence and what void.ttl says.

    With --target static, the rules negotiate themselves: HTML to the page of the site,
    RDF to the document's N-Quads file (or the SPARQL endpoint's DESCRIBE for entities),
    a document's /text to its text, an alias 301 to the new IRI. With --target serve, one
    rule sends every IRI to `treatykg serve` at --base-url (/id/…), which does all that.
    Run it after `treatykg build` and `treatykg site`.
    """
    from .. import api

    try:
        config = api.publish_config(out, base_url, target=target, sparql_endpoint=sparql_endpoint, dest=dest)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(config.summary())

