"""``treatykg push``: publish named graphs to a SPARQL endpoint (a thin shell over
:func:`treatykg.publish.push`)."""
from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..publish import DEFAULT_RETRIES, PROFILES, graph_line

EPILOG = """\b
Profiles (--endpoint is the base URL):
  oxigraph  http://host:7878            /query /update (+ /store for batches)
  fuseki    http://host:3030/DATASET    /query /update /data (GSP PUT)
  virtuoso  http://host:8890            /sparql-auth (digest; query and update)
  graphdb   http://host:7200/repositories/REPO   (query) /statements /rdf-graphs/service
  generic   the SPARQL endpoint itself (query and update), or --query-url/--update-url

\b
Credentials (never on the command line, never printed):
  TREATYKG_TOKEN (Bearer), or TREATYKG_USER and TREATYKG_PASSWORD
  (Basic; Digest for virtuoso, or --auth-scheme), or ~/.netrc (NETRC names another file).

\b
Exit codes:
  0  every graph was replaced and holds exactly its local triples
  2  usage error (unknown option, missing argument)
  3  input error: no such file or folder, no .nq/.trig file in the folder,
     an invalid URL
  6  an RDF file does not parse, or triples without a named graph
  7  endpoint error: connection, timeout, HTTP status, authentication,
     or a graph read back from the endpoint that is not the graph sent
     (a triple missing, added or rewritten: the message names one)
  9  internal error (a bug: please report it)"""


@click.command("push", epilog=EPILOG)
@click.argument("path", type=click.Path(path_type=Path, exists=False))
@click.option("--endpoint", required=True, metavar="URL",
              help="Base URL of the store (see the profiles below).")
@click.option("--profile", type=click.Choice(sorted(PROFILES)), required=True,
              help="The kind of store: where its endpoints are and how a graph is replaced atomically.")
@click.option("--query-url", default=None, metavar="URL", help="SPARQL query endpoint (overrides the profile).")
@click.option("--update-url", default=None, metavar="URL", help="SPARQL update endpoint (overrides the profile).")
@click.option("--store-url", default=None, metavar="URL",
              help="Graph Store Protocol endpoint (overrides the profile).")
@click.option("--auth-scheme", type=click.Choice(["basic", "digest"]), default=None,
              help="How to send TREATYKG_USER/TREATYKG_PASSWORD (default: the profile's).")
@click.option("--batch-bytes", type=click.IntRange(min=1024), default=None, metavar="N",
              help="Largest request body of one batch; larger graphs go in batches into a temporary "
                   "graph, then are moved into place (default: the profile's).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=300.0, show_default=True, metavar="SECONDS",
              help="Seconds one request may take in all: connecting (at most 10 s), sending, and the "
                   "whole answer (a server that trickles its answer is cut off). Retried requests "
                   "get the same again.")
@click.option("--retries", type=click.IntRange(min=0), default=DEFAULT_RETRIES, show_default=True,
              help="Retries on connection errors, timeouts, HTTP 429 and 5xx (exponential backoff, Retry-After).")
@click.option("--no-evidence", "no_evidence", is_flag=True,
              help="Leave out the evidence graphs (<{doc}/evidence>, a tkg:EvidenceGraph): push the facts "
                   "only. Evidence graphs already at the endpoint are left as they are.")
@click.option("--dry-run", is_flag=True, help="Show the graphs, their triple counts and the requests "
              "that would be sent; send nothing.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing on success (errors still go to standard error).")
def push_command(path: Path, endpoint: str, profile: str, query_url: str | None, update_url: str | None,
                 store_url: str | None, auth_scheme: str | None, batch_bytes: int | None, timeout: float,
                 retries: int, no_evidence: bool, dry_run: bool, quiet: bool) -> None:
    """Publish the named graphs in PATH to a SPARQL endpoint (a document's facts, its
    evidence, and the collection's graphs), each replaced in one request (atomic on
    oxigraph, fuseki and graphdb; NOT on virtuoso, which keeps half a request that
    fails), then read every graph back and check it holds exactly the triples sent.
    Larger graphs go in batches into a temporary graph, counted, then moved into place.

    PATH is a .nq, .trig, .nt or .ttl file, or a folder: every .nq and .trig file below
    it is read (a `store` folder is skipped), e.g. the output of `treatykg build`.
    """
    def progress(graph) -> None:  # each graph once, as it is done (a mismatch even with --quiet)
        if not dry_run and (not quiet or not graph.ok):
            click.echo(graph_line(graph))

    report = api.push(path, endpoint, profile=profile, query_url=query_url, update_url=update_url,
                  store_url=store_url, dry_run=dry_run, auth_scheme=auth_scheme,
                  timeout=(min(10.0, timeout), timeout), retries=retries, batch_bytes=batch_bytes,
                  evidence=not no_evidence, on_graph=progress)
    if dry_run:
        click.echo(str(report))
    elif not quiet:
        click.echo(report.summary())

