"""``treatykg serve``: a local read-only SPARQL endpoint over the store of a build."""
from __future__ import annotations

import signal
from pathlib import Path

import click

from .options import EXIT_CODES


@click.command("serve", epilog=EXIT_CODES)
@click.option("--store", "store", required=True, type=click.Path(path_type=Path),
              help="The output folder of `treatykg build`.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=7878, show_default=True,
              help="TCP port (0: any free port). A port another program holds is an error (exit 7).")
@click.option("--bind", "host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help="Address to listen on (IPv4 or IPv6, e.g. ::1); loopback only unless --public.")
@click.option("--public", is_flag=True,
              help="Allow a non-loopback --bind address (the endpoint has no authentication).")
@click.option("--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True, metavar="SECONDS",
              help="Seconds a query may run; then it is cancelled and the client gets HTTP 503.")
@click.option("--allow-service", is_flag=True,
              help="Let queries call SERVICE, i.e. make this machine fetch the URLs a query names "
                   "(off by default: such queries get HTTP 400).")
def serve_command(store: Path, port: int, host: str, public: bool, timeout: float, allow_service: bool) -> None:
    """Serve the store of a build as a read-only SPARQL 1.1 endpoint until Ctrl-C.

    The query page (named queries as examples, the treatykg prefixes) is at /, the SPARQL
    endpoint at /query, the build's static site (OUT/site) at /site/, and the IRIs the build
    minted at /id/: the IRI {base}REST (the build's base, by default
    https://w3id.org/treatykg/id/) is served at /id/REST by content negotiation (RDF of a
    document's graphs or of what the collection says about an entity; text/html a 303 to
    its page of the site; a document's /text its text; an alias a 301). Queries run in the
    Oxigraph server (`oxigraph serve-read-only`, from the `oxigraph` package), read-only,
    with the union of the document graphs as default graph; no SERVICE unless
    --allow-service; each query at most --timeout seconds (a query whose client has gone
    runs on until it ends or reaches that limit). While it runs, `treatykg build` refuses
    to write the store.
    """
    from ..errors import EndpointError
    from .. import api
    from ..serve import is_loopback

    if not public and not is_loopback(host):
        raise click.BadParameter(f"{host} is not a loopback address; pass --public to serve it anyway",
                                 param_hint="--bind")

    def on_term(signum, frame):  # terminated like Ctrl-C: stop the server, exit 0
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    server = None
    try:
        server = api.serve(store, port=port, host=host, public=public, timeout=timeout, allow_service=allow_service)
        click.echo(f"Query page:      {server.url}")
        click.echo(f"SPARQL endpoint: {server.query_url}")
        click.echo(f"IRIs:            {server.iri_url}…  = {server.minted.base}…")
        if server.site_url:
            click.echo(f"Site:            {server.site_url}")
        click.echo("Read-only" + (", SERVICE allowed" if allow_service else "")
                   + f", queries stop after {timeout:g} s. Press Ctrl-C to stop.", err=True)
        server.wait()
        message = server.error()
    except KeyboardInterrupt:
        return
    finally:
        if server is not None:
            server.stop()
        signal.signal(signal.SIGTERM, previous)
    raise EndpointError(f"the oxigraph server stopped: {message}")

