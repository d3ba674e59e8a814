"""A local, read-only SPARQL 1.1 endpoint over a built collection: the Oxigraph server.

:func:`start` runs ``oxigraph serve-read-only --location OUT/store --bind HOST:PORT
--union-default-graph`` (the ``oxigraph`` package from PyPI) and returns a
:class:`Server` once it answers. The server's own query page (YASGUI) is at ``/``, the
SPARQL endpoint at ``/query``.

* Only loopback addresses (``127.0.0.1``, ``::1``, ``localhost``) unless ``public=True``:
  the endpoint has no authentication.
* The store is opened read-only, and the server holds the shared lock of the build
  folder for its whole life (see :mod:`treatykg.store`): ``treatykg build`` refuses to
  write the store while it runs (Oxigraph does not support a writer next to a
  read-only reader).
* The default graph is the union of the document graphs (``--union-default-graph``),
  as in ``treatykg query``.
"""
from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import EndpointError, InputError

__all__ = ["Server", "start", "is_loopback", "oxigraph_executable", "free_port"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (or ``localhost``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def oxigraph_executable() -> str:
    """The ``oxigraph`` server program: beside this Python (a virtualenv), else on PATH."""
    here = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if here.is_file():
        return str(here)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise EndpointError("the oxigraph server is not installed", hint="pip install oxigraph")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host.strip("[]"), 0))
        return s.getsockname()[1]


def _url_host(host: str) -> str:
    return f"[{host.strip('[]')}]" if ":" in host else host


@dataclass
class Server:
    process: subprocess.Popen
    host: str
    port: int
    log: Path

    @property
    def url(self) -> str:
        """The query page (the server's browser UI)."""
        return f"http://{_url_host(self.host)}:{self.port}/"

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 query endpoint."""
        return self.url + "query"

    def wait(self) -> int:
        return self.process.wait()

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and remove its log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        try:
            self.log.unlink()
        except OSError:
            pass

    def error(self) -> str:
        try:
            lines = [ln for ln in self.log.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
        except OSError:
            lines = []
        return lines[-1][:300] if lines else f"exit status {self.process.returncode}"


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the server gets SIGTERM when treatykg dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def start(out: str | Path, *, port: int = 7878, host: str = "127.0.0.1", public: bool = False,
          ready_timeout: float = 60.0) -> Server:
    """Start the endpoint over the store of build folder ``out`` and wait until it answers.

    ``port=0`` picks a free port. Raises :class:`InputError` (no store, a build is running,
    a non-loopback ``host`` without ``public``) or :class:`EndpointError` (the server cannot
    be started or does not answer).
    """
    import requests

    from .store import acquire, store_dir

    if not public and not is_loopback(host):
        raise InputError(f"refusing to serve on {host}: not a loopback address and the endpoint has "
                         "no authentication", hint="pass --public to allow it")
    folder = store_dir(out)
    port = port or free_port(host)
    exe = oxigraph_executable()
    fd = acquire(folder, exclusive=False)
    log_fd, log_name = tempfile.mkstemp(prefix="treatykg-serve-", suffix=".log")
    cmd = [exe, "serve-read-only", "--location", str(folder), "--bind", f"{_url_host(host)}:{port}",
           "--union-default-graph"]
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log_fd, stderr=log_fd, pass_fds=(fd,),
                                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
    except OSError as exc:
        raise EndpointError(f"cannot start {exe}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)  # the server holds the lock now
        os.close(log_fd)
    server = Server(proc, host, port, Path(log_name))
    deadline = time.monotonic() + ready_timeout
    probe = server.query_url
    while True:
        if proc.poll() is not None:
            msg = server.error()
            server.stop()
            raise EndpointError(f"the oxigraph server stopped at once: {msg}", hint=f"is port {port} in use?")
        try:
            r = requests.get(probe, params={"query": "ASK {}"}, timeout=2,
                             headers={"Accept": "application/sparql-results+json"})
            if r.status_code == 200:
                return server
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise EndpointError(f"GET {probe}: the oxigraph server did not answer")
        time.sleep(0.1)


def serve_site(out: str | Path, *, host: str = "127.0.0.1", port: int = 0):
    """Serve the static site of build folder ``out`` (``OUT/site``) over HTTP in a background thread.

    Returns ``(server, url)``; call ``server.shutdown()`` to stop it. Raises
    :class:`InputError` when the build folder has no site.
    """
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    site = Path(out) / "site"
    if not (site / "index.html").is_file():
        raise InputError("has no site (run `treatykg build` or `treatykg site` first)", path=str(out))

    class Quiet(SimpleHTTPRequestHandler):
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                          ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml; charset=utf-8"}

        def log_message(self, *args) -> None:  # library code never prints
            pass

    httpd = ThreadingHTTPServer((host, port or free_port(host)), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://{_url_host(host)}:{httpd.server_address[1]}/"
