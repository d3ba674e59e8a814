"""``treatykg query``: SPARQL on the embedded store of a build, or on an endpoint."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import click
from urllib.parse import unquote

from .options import EXIT_CODES
from ..output import for_terminal, plain_text, terminal_safe
from ..publish import PROFILES, query_url


def _named_help() -> str:
    try:
        from ..sparql import named_queries

        return ", ".join(named_queries())
    except Exception:  # pragma: no cover - resources missing
        return "see queries/README.md"


def _params_help() -> str:
    """Which named query takes which parameters, read from the query files."""
    try:
        from ..sparql import named_queries, query_parameters

        takes = []
        for name, path in named_queries().items():
            params = query_parameters(path.read_text(encoding="utf-8"))
            if params:
                takes.append(f"{name}: " + ", ".join(p.name for p in params))
        return "; ".join(takes) or "none"
    except Exception:  # pragma: no cover - resources missing
        return "see queries/README.md"


@click.command("query", epilog=EXIT_CODES)
@click.argument("query", required=False)
@click.option("--store", "store", type=click.Path(path_type=Path), default=None,
              help="The output folder of `treatykg build` (its embedded store is queried).")
@click.option("--endpoint", default=None, metavar="URL",
              help="Query this SPARQL endpoint instead of the embedded store: its query URL "
                   "(http://host:7878/query), or, with --profile, the server's base URL as push takes it.")
@click.option("--profile", type=click.Choice(sorted(PROFILES)), default="generic", show_default=True,
              help="How --endpoint is read, as in push: generic: the query URL itself; oxigraph, fuseki, "
                   "virtuoso, graphdb: the server's base URL (the profile adds /query, /sparql-auth …).")
@click.option("--auth-scheme", type=click.Choice(["basic", "digest"]), default=None,
              help="How to send TREATYKG_USER/TREATYKG_PASSWORD to --endpoint (default: the profile's). "
                   "Credentials as for push: TREATYKG_TOKEN, TREATYKG_USER and TREATYKG_PASSWORD, "
                   "the URL's user, ~/.netrc.")
@click.option("-f", "--file", "file", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="Read the query from this file.")
@click.option("--named", default=None, metavar="NAME",
              help=f"Run a named query shipped with treatykg ({_named_help()}).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help=f"A parameter of the query, repeatable; one not given narrows nothing "
                   f"({_params_help()}). `--named NAME --describe` says what each takes.")
@click.option("--describe", is_flag=True,
              help="Print what the query answers, its columns and parameters, and exit.")
@click.option("--base", default=None, metavar="IRI",
              help="Base IRI of the data, for parameters that become IRIs (default: the build's, "
                   "else https://w3id.org/treatykg/id/).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table for people; csv and json (SPARQL 1.1 results formats) for programs.")
@click.option("--columns", default=None, metavar="A,B,…",
              help="Show only these variables of a SELECT, in this order (e.g. date,name,title,party).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60, show_default=True, metavar="SECONDS",
              help="Seconds the query may take, on the store or at the endpoint (the whole request: "
                   "a server that trickles its answer is cut off).")
@click.option("--allow-service", is_flag=True,
              help="--store: let the query call SERVICE, i.e. fetch data from the URLs it names "
                   "(off by default: a query would make this machine fetch any address).")
def query_command(query: str | None, store: Path | None, endpoint: str | None, profile: str,
                  auth_scheme: str | None, file: Path | None, named: str | None, params: tuple[str, ...],
                  describe: bool, base: str | None, fmt: str, columns: str | None, timeout: float,
                  allow_service: bool) -> None:
    """Run a SPARQL query: QUERY, or -f FILE, or --named NAME.

    Against the embedded store of a build (--store OUT; opened read-only, the default
    graph is the union of all document graphs; no SERVICE unless --allow-service), or a
    SPARQL endpoint (--endpoint URL: the query URL, or a server's base URL with --profile).
    A query declares its parameters in its header comment (`# param NAME: TYPE — what`);
    --param NAME=VALUE binds one (types: state id, person id/name/IRI, 4-digit year, string).

    \b
    Examples:
      treatykg query --store out --named documents --param partner=kp
      treatykg query --store out --named documents --param person=zhou-enlai --param from=1950 --param to=1969
      treatykg query --store out --named timeline --param from=1970 --param to=1979
      treatykg query --named documents --describe
      treatykg query --store out 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format csv
      treatykg query --endpoint http://127.0.0.1:7878/query --named timeline --format json
      treatykg query --endpoint http://127.0.0.1:7878 --profile oxigraph --named timeline
    """
    from .. import api, sparql

    given = [x for x in (query, file, named) if x is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of QUERY, -f FILE or --named NAME")
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            from ..errors import InputError

            reason = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or str(exc))
            raise InputError(f"cannot read the query: {reason}", path=str(file)) from None
    elif named is not None:
        text = sparql.named_query(named)
    else:
        text = query
    if describe:
        click.echo(describe_text(named or str(file or "QUERY"), text))
        return
    if (store is None) == (endpoint is None):
        raise click.UsageError("give exactly one of --store OUT or --endpoint URL")
    if base is not None:
        import pyoxigraph as ox

        try:
            ox.NamedNode(base)
        except ValueError as exc:
            raise click.BadParameter(f"{base!r} is not an IRI ({exc})", param_hint="'--base'") from None
    values = parse_params(params)
    try:  # check every value before touching the store or the network
        sparql.bind_parameters(text, values, base=base or sparql.DEFAULT_BASE)
    except sparql.ParameterError as exc:
        raise click.BadParameter(exc.message, param_hint="'--param'") from None
    if endpoint:
        prof = PROFILES[profile]
        url = query_url(prof, endpoint)
        result = api.query(text, endpoint_url=url, params=values, base=base, timeout=timeout,
                           auth_scheme=auth_scheme or prof.auth_scheme)
    else:
        result = api.query(text, store=store, params=values, base=base, allow_service=allow_service,
                           timeout=timeout)
    if columns is not None:
        result = select_columns(result, columns)
    render(result, fmt)


def select_columns(result, columns: str):
    """``result`` with only the named variables, in that order; a usage error for one it lacks."""
    from ..sparql import QueryResult

    wanted = [c.strip().lstrip("?$") for c in columns.split(",") if c.strip()]
    if result.boolean is not None or result.triples is not None:
        raise click.BadParameter("only a SELECT query has columns", param_hint="'--columns'")
    missing = [c for c in wanted if c not in result.columns]
    if missing or not wanted:
        raise click.BadParameter(f"{', '.join(missing) or columns!r}: not a column of this query "
                                 f"(it has {', '.join(result.columns)})", param_hint="'--columns'")
    at = [result.columns.index(c) for c in wanted]
    return QueryResult(columns=wanted, rows=[[row[i] for i in at] for row in result.rows])


def parse_params(params: tuple[str, ...]) -> dict[str, str]:
    """``("partner=kp", "from=1970")`` -> ``{"partner": "kp", "from": "1970"}``; a usage error
    for a missing ``=``, an empty name or a name given twice."""
    values: dict[str, str] = {}
    for item in params:
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name:
            raise click.BadParameter(f"{item!r}: expected NAME=VALUE (partner=kp)", param_hint="'--param'")
        if name in values:
            raise click.BadParameter(f"{name} given twice", param_hint="'--param'")
        values[name] = value
    return values


def describe_text(name: str, text: str) -> str:
    """The header comment of a query, then its parameters with their types and the form each
    value takes."""
    from ..sparql import PARAMETER_TYPES, query_description, query_parameters

    lines = [query_description(text) or name]
    params = query_parameters(text)
    if params:
        lines += ["", "Parameters (--param NAME=VALUE; one not given narrows nothing):"]
        for p in params:
            lines.append(f"  {p.name} ({p.type}): {p.description}")
        lines += ["", "Types:"]
        for kind in sorted({p.type for p in params}):
            lines.append(f"  {kind}: {PARAMETER_TYPES[kind]}")
    else:
        lines += ["", "Parameters: none."]
    return "\n".join(lines)


def render(result, fmt: str) -> None:
    """The result on standard output. ``table`` for people: IRIs as prefixed names, never broken
    across lines (a column is at least as wide as its longest IRI; on a terminal the other
    columns wrap, elsewhere nothing wraps), values shown as plain text (no Rich markup, control
    characters as escapes). csv and json as the SPARQL 1.1 formats, byte for byte, except that
    control characters are shown as escapes when standard output is a terminal."""
    from ..sparql import to_json_text

    tty = sys.stdout.isatty()
    if result.triples is not None and fmt != "json":
        click.echo(for_terminal("\n".join(result.triples)))
        return
    if fmt == "json":
        click.echo(for_terminal(to_json_text(result)))
    elif fmt == "csv":
        sys.stdout.write(for_terminal(result.to_csv()))
        sys.stdout.flush()
    elif result.boolean is not None:
        click.echo("true" if result.boolean else "false")
    else:
        table_out(result, tty)
        click.echo(f"{len(result.rows)} row{'s' * (len(result.rows) != 1)}")


def table_out(result, tty: bool) -> None:
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    from ..namespaces import curie

    def shown(term) -> str:
        if term is None:
            return ""
        if term.kind == "uri":  # IRIs as prefixed names, decoded, for reading (csv/json keep them whole)
            return terminal_safe(curie(term.value, decode=True, needs_local=True) or unquote(term.value))
        return terminal_safe(term.value, newlines=True)

    cells = [[shown(t) for t in row] for row in result.rows]
    iri_width = [max([cell_len(cells[r][c]) for r, row in enumerate(result.rows)
                      if row[c] is not None and row[c].kind == "uri"] or [0])
                 for c in range(len(result.columns))]
    table = Table(show_lines=False)
    for c, name in enumerate(result.columns):
        table.add_column(plain_text(name), overflow="fold", min_width=iri_width[c] or None)
    for row in cells:
        table.add_row(*(plain_text(x) for x in row))
    probe = Console(width=100_000, file=io.StringIO())
    natural = probe.measure(table).maximum
    if tty:
        # every IRI whole: at least the IRI columns, 12 cells for each other, and the borders
        floor = sum(w or min(12, natural) for w in iri_width) + 3 * len(iri_width) + 1
        width = max(Console().width, min(natural, floor))
    else:
        width = natural  # in a file or a pipe nothing wraps: one line per row
    Console(width=max(width, 20), file=sys.stdout, highlight=False, soft_wrap=False).print(table)

