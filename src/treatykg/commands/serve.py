"""``treatykg serve``: a local read-only SPARQL endpoint over the store of a build."""
from __future__ import annotations

import signal
from pathlib import Path

import click

from ..cli import EXIT_CODES


@click.command("serve", epilog=EXIT_CODES)
@click.option("--store", "store", required=True, type=click.Path(path_type=Path),
              help="The output folder of `treatykg build`.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=7878, show_default=True,
              help="TCP port (0: any free port).")
@click.option("--bind", "host", default="127.0.0.1", show_default=True, metavar="ADDRESS",
              help="Address to listen on; loopback only unless --public.")
@click.option("--public", is_flag=True,
              help="Allow a non-loopback --bind address (the endpoint has no authentication).")
def serve_command(store: Path, port: int, host: str, public: bool) -> None:
    """Serve the store of a build as a read-only SPARQL 1.1 endpoint until Ctrl-C.

    Runs the Oxigraph server (`oxigraph serve-read-only`, from the `oxigraph` package):
    its query page at /, the SPARQL endpoint at /query. The default graph is the union
    of the document graphs. The build's static site (OUT/site) is served beside it, on the
    next port. While it runs, `treatykg build` refuses to write the store.
    """
    from ..serve import free_port, is_loopback, serve_site, start

    if not public and not is_loopback(host):
        raise click.BadParameter(f"{host} is not a loopback address; pass --public to serve it anyway",
                                 param_hint="--bind")
    from ..errors import EndpointError

    def on_term(signum, frame):  # terminated like Ctrl-C: stop the server, exit 0
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    server = None
    site = None
    try:
        server = start(store, port=port, host=host, public=public)
        click.echo(f"Query page:      {server.url}")
        click.echo(f"SPARQL endpoint: {server.query_url}")
        if (store / "site" / "index.html").is_file():
            site_port = server.port + 1 if server.port < 65535 else 0
            try:
                site, site_url = serve_site(store, host=host, port=site_port)
            except OSError:  # the next port is taken: any free one
                site, site_url = serve_site(store, host=host, port=free_port(host))
            click.echo(f"Site:            {site_url}")
        click.echo("Read-only. Press Ctrl-C to stop.", err=True)
        server.wait()
        message = server.error()
    except KeyboardInterrupt:
        return
    finally:
        if site is not None:
            site.shutdown()
        if server is not None:
            server.stop()
        signal.signal(signal.SIGTERM, previous)
    raise EndpointError(f"the oxigraph server stopped: {message}")


COMMANDS = [serve_command]
