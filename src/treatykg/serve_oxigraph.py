"""The Oxigraph process behind ``treatykg serve``, and :class:`Server`, the running endpoint.

Rules: Oxigraph (``oxigraph serve-read-only``, the ``oxigraph`` package from PyPI) listens on a
free port of 127.0.0.1 that only this process uses, and is started only once it is known to hold
that port (its log says "Listening for requests"; another port is tried if something took the
first). It holds the build folder's shared lock (the descriptor passed to it), and gets SIGTERM
when treatykg dies, even by SIGKILL (Linux: the parent-death signal, which is why every Oxigraph
process is started by one long-lived thread, :class:`Starter`). A query past its time limit gets
its Oxigraph process killed and another started over the same store
(:meth:`Server.replace_oxigraph`, once per overrun whatever the number of threads that saw it).
:meth:`Server.stop` ends both servers, releases the lock and removes the log. The front server
(what clients talk to) is :mod:`treatykg.serve`.

Library code: nothing here prints or exits.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .deref import PREFIX
from .errors import EndpointError

__all__ = ["Server", "Starter", "oxigraph_executable", "free_port", "start_oxigraph", "wait_ready",
           "DEFAULT_TIMEOUT", "MAX_CONCURRENT"]

#: Seconds a query may run (``--timeout``).
DEFAULT_TIMEOUT = 60.0
#: Queries served at once; more get HTTP 503.
MAX_CONCURRENT = 32


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
    """A running endpoint: the Oxigraph process and the front server (see the module doc)."""

    process: subprocess.Popen
    host: str
    port: int
    log: Path
    timeout: float = DEFAULT_TIMEOUT
    allow_service: bool = False
    site_dir: Path | None = None
    oxigraph_url: str = ""
    page: bytes = b""
    httpd: ThreadingHTTPServer | None = None
    upstream: Any = None
    slots: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(MAX_CONCURRENT))
    folder: Path | None = None
    lock_fd: int | None = None      # the build folder's shared lock, held while serving
    generation: int = 0             # how many times Oxigraph was replaced
    _replacing: threading.Lock = field(default_factory=threading.Lock)
    starter: Starter | None = None
    minted: Any = None              # treatykg.deref.Minted: the IRIs served under /id/

    @property
    def url(self) -> str:
        """The query page."""
        return f"http://{_url_host(self.host)}:{self.port}/"

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 query endpoint."""
        return self.url + "query"

    @property
    def iri_url(self) -> str:
        """Where the collection's IRIs are served: ``{base}{rest}`` at this URL plus ``{rest}``."""
        return self.url + PREFIX.lstrip("/")

    @property
    def site_url(self) -> str | None:
        """The build's static site, or None when the build has none."""
        return self.url + "site/" if self.site_dir is not None else None

    def wait(self) -> int:
        """Until the Oxigraph process stops (other than by :meth:`replace_oxigraph`): its exit status."""
        while True:
            proc = self.process
            code = proc.wait()
            with self._replacing:
                if self.process is proc:
                    return code

    def replace_oxigraph(self, generation: int) -> None:
        """Kill the Oxigraph process (a query ran past the time limit) and start another on the
        same store, unless another thread did so since ``generation``."""
        with self._replacing:
            if generation != self.generation or self.lock_fd is None or self.starter is None:
                return
            old, old_log = self.process, self.log
            old.kill()
            old.wait()
            old_log.unlink(missing_ok=True)
            self.process, inner_port, self.log = self.starter.call(start_oxigraph, self.folder, self.lock_fd,
                                                                   self.timeout)
            self.oxigraph_url = f"http://127.0.0.1:{inner_port}/query"
            self.generation += 1

    def stop(self) -> None:
        """Stop the front server and Oxigraph (SIGTERM, then SIGKILL), release the lock, remove the log."""
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None
        with self._replacing:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            if self.lock_fd is not None:
                os.close(self.lock_fd)
                self.lock_fd = None
            if self.starter is not None:
                self.starter.close()
                self.starter = None
        if self.upstream is not None:
            self.upstream.close()
        try:
            self.log.unlink()
        except OSError:
            pass

    def error(self) -> str:
        """The last error line of the Oxigraph log (secrets taken out), or its exit status."""
        from .net import redact

        try:
            lines = [ln for ln in self.log.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
        except OSError:
            lines = []
        errors = [ln for ln in lines if ln.startswith("Error")]
        return redact((errors or lines)[-1][:300]) if lines else f"exit status {self.process.returncode}"


class Starter:
    """One long-lived thread that starts every Oxigraph process: Linux sends the parent-death
    signal (:func:`_die_with_parent`) when the *thread* that started a child ends, so a child
    started by a request's thread would die with that request."""

    def __init__(self):
        import queue

        self._jobs: queue.Queue = queue.Queue()
        threading.Thread(target=self._run, name="treatykg-oxigraph-starter", daemon=True).start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            job()

    def call(self, fn, *args):
        done = threading.Event()
        box: dict[str, Any] = {}

        def job() -> None:
            try:
                box["value"] = fn(*args)
            except BaseException as exc:
                box["error"] = exc
            finally:
                done.set()

        self._jobs.put(job)
        done.wait()
        if "error" in box:
            raise box["error"]
        return box["value"]

    def close(self) -> None:
        self._jobs.put(None)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the server gets SIGTERM when treatykg dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def start_oxigraph(folder: Path, fd: int, timeout: float) -> tuple[subprocess.Popen, int, Path]:
    """Oxigraph on a free loopback port that it did bind: started again on another port if
    something took the one chosen first."""
    exe = oxigraph_executable()
    for _attempt in range(5):
        port = free_port("127.0.0.1")
        log_fd, log_name = tempfile.mkstemp(prefix="treatykg-serve-", suffix=".log")
        cmd = [exe, "serve-read-only", "--location", str(folder), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph", "--timeout-s", str(max(1, round(timeout)))]
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log_fd, stderr=log_fd, pass_fds=(fd,),
                                    preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        except OSError as exc:
            raise EndpointError(f"cannot start {exe}: {exc.strerror or exc}") from None
        finally:
            os.close(log_fd)
        log = Path(log_name)
        # Oxigraph says "Listening for requests at …" once it holds the port, and exits if it cannot.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if b"Listening for requests" in log.read_bytes():
                return proc, port, log
            time.sleep(0.05)
        text = log.read_text(encoding="utf-8", errors="replace")
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.unlink(missing_ok=True)
        if "Address already in use" not in text:
            first = next((ln for ln in text.splitlines() if ln.startswith("Error")), text.strip()[:200])
            raise EndpointError(f"the oxigraph server did not start: {first or f'exit status {proc.returncode}'}")
    raise EndpointError("the oxigraph server found no free port on 127.0.0.1")


def wait_ready(server: Server, ready_timeout: float) -> None:
    """Until Oxigraph answers ``ASK {}``; an EndpointError if it stops or does not answer in time."""
    import requests

    deadline = time.monotonic() + ready_timeout
    while True:
        if server.process.poll() is not None:
            raise EndpointError(f"the oxigraph server stopped at once: {server.error()}")
        try:
            r = server.upstream.get(server.oxigraph_url, params={"query": "ASK {}"}, timeout=2,
                                    headers={"Accept": "application/sparql-results+json"})
            if r.status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise EndpointError(f"the oxigraph server did not answer within {ready_timeout:g} s")
        time.sleep(0.1)
