"""Real SPARQL servers on loopback for the publisher tests, and a faulty proxy.

* :class:`OxigraphServer` runs ``oxigraph serve`` (the ``oxigraph`` package, installed with
  ``pip install -e '.[test]'``) on a free 127.0.0.1 port, over a temporary folder.
* :class:`VirtuosoServer` runs Virtuoso 7 (``virtuoso-t``, Debian/Ubuntu package
  ``virtuoso-opensource``; ``.ci/install-servers.sh`` installs it) with its database in a
  temporary folder, SQL and HTTP ports on free 127.0.0.1 ports, and a fresh ``dba`` password.
* :class:`FaultyProxy` forwards to a server, but answers, delays or drops the requests a
  test script tells it to.

Each ``start()`` raises :class:`Unavailable` with a message saying how to get the server.
"""
from __future__ import annotations

import http.server
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests


class Unavailable(RuntimeError):
    """The server cannot be run here; the message says how to get it."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, deadline: float, proc: subprocess.Popen, log: Path, auth=None) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Unavailable(f"the server exited with code {proc.returncode}: "
                              f"{log.read_text(errors='replace')[-800:]}")
        try:
            r = requests.get(url, params={"query": "ASK {}"}, timeout=2, auth=auth)
            if r.status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise Unavailable(f"the server did not answer at {url} in time: {log.read_text(errors='replace')[-800:]}")


class OxigraphServer:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT``; ``stop()`` kills it, ``start()``
    brings it back on the same folder and port."""

    def __init__(self, location: Path | None = None):
        self.location = Path(location or tempfile.mkdtemp(prefix="tkg-oxigraph-"))
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = self.location.parent / f"{self.location.name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @staticmethod
    def binary() -> str:
        here = Path(sys.executable).parent / "oxigraph"
        found = str(here) if here.exists() else shutil.which("oxigraph")
        if not found:
            raise Unavailable("the oxigraph server is not installed: pip install oxigraph "
                              "(part of pip install -e '.[test]')")
        return found

    def start(self, timeout: float = 20) -> "OxigraphServer":
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([self.binary(), "serve", "--location", str(self.location),
                                          "--bind", f"127.0.0.1:{self.port}"],
                                         stdout=log, stderr=subprocess.STDOUT)
        _wait(f"{self.url}/query", time.monotonic() + timeout, self.proc, self.log)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.location, ignore_errors=True)
        self.log.unlink(missing_ok=True)


def _ini_template() -> Path:
    for p in ("/etc/virtuoso-opensource-7/virtuoso.ini", "/usr/share/virtuoso-opensource-7/virtuoso.ini"):
        if Path(p).exists():
            return Path(p)
    raise Unavailable("no virtuoso.ini found: install Virtuoso 7 (Debian/Ubuntu: "
                      "sudo apt-get install virtuoso-opensource, or run .ci/install-servers.sh)")


class VirtuosoServer:
    """Virtuoso 7 with its database in a temporary folder, on free loopback ports, with a
    random ``dba`` password (``self.password``). Digest auth on ``/sparql-auth``."""

    HOW = ("Virtuoso 7 is not installed: on Debian/Ubuntu run "
           "`sudo apt-get install virtuoso-opensource` (or .ci/install-servers.sh)")

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="tkg-virtuoso-"))
        self.sql_port = free_port()
        self.http_port = free_port()
        self.user = "dba"
        self.password = "tkg-" + secrets.token_hex(12)
        self.proc: subprocess.Popen | None = None
        self.log = self.dir / "stdout.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def _ini(self) -> Path:
        text = _ini_template().read_text(encoding="utf-8", errors="replace")
        text = text.replace("/var/lib/virtuoso-opensource-7/db/", f"{self.dir}/")
        text = re.sub(r"(?m)^(\s*ServerPort\s*=\s*)1111\b.*$", rf"\g<1>127.0.0.1:{self.sql_port}", text)
        text = re.sub(r"(?m)^(\s*ServerPort\s*=\s*)8890\b.*$", rf"\g<1>127.0.0.1:{self.http_port}", text)
        text = re.sub(r"(?m)^(\s*DefaultHost\s*=\s*).*$", rf"\g<1>127.0.0.1:{self.http_port}", text)
        if f"127.0.0.1:{self.sql_port}" not in text or f"127.0.0.1:{self.http_port}" not in text:
            raise Unavailable("could not set the ports in virtuoso.ini (unexpected layout)")
        ini = self.dir / "virtuoso.ini"
        ini.write_text(text, encoding="utf-8")
        return ini

    def start(self, timeout: float = 60) -> "VirtuosoServer":
        binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
        if not binary or not isql:
            raise Unavailable(self.HOW)
        ini = self._ini()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([binary, "-f", "-c", str(ini)], cwd=self.dir,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait(f"{self.url}/sparql", time.monotonic() + timeout, self.proc, self.log)
        # The stored procedure's argument is our own random hex string, not data.
        out = subprocess.run([isql, f"127.0.0.1:{self.sql_port}", "dba", "dba",
                              f"exec=user_set_password('dba', '{self.password}');"],
                             capture_output=True, timeout=30)
        if out.returncode != 0:
            raise Unavailable(f"isql-vt could not set the dba password: {out.stdout[-300:]!r}")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class FaultyProxy:
    """A loopback HTTP proxy to ``target``. ``script`` maps the index of a request (0, 1, …) or
    a predicate ``f(method, path, body) -> bool`` to an action:

    * ``("status", code, headers)``: answer that status, do not forward;
    * ``("stall", seconds)``: wait, then close without an answer (a read timeout);
    * ``("late", seconds)``: forward, then wait before answering.

    ``requests`` records (method, path, status answered).
    """

    def __init__(self, target: str, script: dict | None = None, predicates: list | None = None,
                 require_auth: str | None = None):
        self.target = target.rstrip("/")
        self.script = dict(script or {})
        self.predicates = list(predicates or [])
        self.require_auth = require_auth
        self.seen: list[tuple[str, str, int]] = []
        self.count = 0
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    index = proxy.count
                    proxy.count += 1
                action = proxy.script.get(index)
                for pred, act in proxy.predicates:
                    if action is None and pred(self.command, self.path, body):
                        action = act
                if proxy.require_auth is not None and self.headers.get("Authorization") != proxy.require_auth:
                    return self._answer(401, b"authentication required\n", {"WWW-Authenticate": "Bearer"})
                if action and action[0] == "status":
                    return self._answer(action[1], f"scripted failure {action[1]}\n".encode(), action[2])
                if action and action[0] == "stall":
                    time.sleep(action[1])
                    proxy.seen.append((self.command, self.path, 0))
                    self.close_connection = True
                    return
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() in ("content-type", "accept")}
                r = requests.request(self.command, proxy.target + self.path, data=body, headers=headers,
                                     timeout=60)
                if action and action[0] == "late":
                    time.sleep(action[1])
                keep = {k: v for k, v in r.headers.items() if k.lower() in ("content-type",)}
                self._answer(r.status_code, r.content, keep)

            def _answer(self, code, data, headers):
                proxy.seen.append((self.command, self.path, code))
                try:
                    self.send_response(code)
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FaultyProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
