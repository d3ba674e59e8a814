"""``treatykg query``: SPARQL on the embedded store of a build, or on an endpoint."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from urllib.parse import unquote

from ..cli import EXIT_CODES


def _named_help() -> str:
    try:
        from ..sparql import named_queries

        return ", ".join(named_queries())
    except Exception:  # pragma: no cover - resources missing
        return "see queries/README.md"


@click.command("query", epilog=EXIT_CODES)
@click.argument("query", required=False)
@click.option("--store", "store", type=click.Path(path_type=Path), default=None,
              help="The output folder of `treatykg build` (its embedded store is queried).")
@click.option("--endpoint", default=None, metavar="URL",
              help="Query this SPARQL 1.1 endpoint instead of the embedded store.")
@click.option("-f", "--file", "file", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="Read the query from this file.")
@click.option("--named", default=None, metavar="NAME",
              help=f"Run a named query shipped with treatykg ({_named_help()}).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table for people; csv and json (SPARQL 1.1 results formats) for programs.")
@click.option("--timeout", type=click.FloatRange(min=1), default=60, show_default=True,
              help="Seconds to wait for an endpoint.")
def query_command(query: str | None, store: Path | None, endpoint: str | None, file: Path | None,
                  named: str | None, fmt: str, timeout: float) -> None:
    """Run a SPARQL query: QUERY, or -f FILE, or --named NAME.

    Against the embedded store of a build (--store OUT; opened read-only, the default
    graph is the union of all document graphs), or a SPARQL endpoint (--endpoint URL).

    \b
    Examples:
      treatykg query --store out --named signatories
      treatykg query --store out 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format csv
      treatykg query --endpoint http://127.0.0.1:7878/query --named timeline --format json
    """
    from .. import sparql

    given = [x for x in (query, file, named) if x is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of QUERY, -f FILE or --named NAME")
    if (store is None) == (endpoint is None):
        raise click.UsageError("give exactly one of --store OUT or --endpoint URL")
    if file is not None:
        text = file.read_text(encoding="utf-8")
    elif named is not None:
        text = sparql.named_query(named)
    else:
        text = query
    if endpoint:
        result = sparql.query_endpoint(endpoint, text, timeout=timeout)
    else:
        result = sparql.query_store(store, text)
    render(result, fmt)


def render(result, fmt: str) -> None:
    from ..sparql import to_json_text

    if result.triples is not None and fmt != "json":
        click.echo("\n".join(result.triples))
        return
    if fmt == "json":
        click.echo(to_json_text(result))
    elif fmt == "csv":
        sys.stdout.write(result.to_csv())
        sys.stdout.flush()
    elif result.boolean is not None:
        click.echo("true" if result.boolean else "false")
    else:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        from ..namespaces import prefixes

        known = sorted(((iri, p) for p, iri in prefixes().items()), key=lambda x: -len(x[0]))

        def cell(term) -> Text:
            """Plain text, never console markup: a title may hold "[/x]"."""
            if term is None:
                return Text("")
            if term.kind == "uri":  # IRIs as prefixed names, decoded, for reading (csv/json keep them whole)
                for iri, prefix in known:
                    if term.value.startswith(iri) and len(term.value) > len(iri):
                        return Text(f"{prefix}:{unquote(term.value[len(iri):])}")
                return Text(unquote(term.value))
            return Text(term.value)

        table = Table(show_lines=False)
        for c in result.columns:
            table.add_column(Text(c), overflow="fold")
        for row in result.rows:
            table.add_row(*(cell(t) for t in row))
        Console(width=max(160, Console().width)).print(table)
        click.echo(f"{len(result.rows)} row{'s' * (len(result.rows) != 1)}")


COMMANDS = [query_command]
