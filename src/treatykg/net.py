"""Every HTTP request treatykg makes (push, query --endpoint, wikidata): a total deadline, and
nothing secret in a message.

**Deadlines.** ``requests``' ``timeout`` is a limit per socket read: a server that answers one
byte a second never trips it, and ``push``, ``query --endpoint`` and ``wikidata`` hung with
``--timeout 2``. Here ``--timeout`` is the whole request: connecting, sending, the status
line, the headers and the body. :func:`session` returns a ``requests.Session`` whose
connections are tracked; inside :func:`deadline`, a timer shuts the tracked sockets down when
the time is up, which ends whatever read is waiting, and the request raises
:class:`DeadlineExceeded` (a ``requests.Timeout``). Only the name lookup (DNS) is not
bounded: Python cannot interrupt ``getaddrinfo``.

>>> import requests
>>> s = session("treatykg-doc")
>>> with deadline(5) as d:                                                   # doctest: +SKIP
...     r = s.get("http://127.0.0.1:7878/query", params={"query": "ASK {}"}, timeout=d.timeout)

**Secrets.** :func:`redact` takes out of a text (a server's error page, a log line) the
passwords and tokens in use, the Base64 of ``user:password`` (a Basic ``Authorization``
header that a server echoes *is* the password), any ``Authorization`` header or
``Basic``/``Bearer`` credential, and the user information of URLs.

**Retries.** :func:`retry_after` is the one reader of a ``Retry-After`` header (seconds or an
HTTP date), and :class:`RetryPolicy` the one answer to "how long before the next attempt":
what the server asked for, else the caller's fallback, else exponential backoff with jitter;
never less than 0 nor more than ``max_wait``. ``push`` and the Wikidata client both use it
(what each retries on is theirs: push also retries connection errors and 5xx).

>>> RetryPolicy(retries=3).delay(0, {"Retry-After": "7"})
7.0

Library code: nothing here prints or exits.
"""
from __future__ import annotations

import base64
import email.utils
import random
import re
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection

__all__ = ["DeadlineExceeded", "Deadline", "deadline", "session", "track", "redact", "secrets_of",
           "redact_url", "check_url", "retry_after", "RetryPolicy"]


class DeadlineExceeded(requests.Timeout):
    """The whole request took longer than its deadline (a ``requests.Timeout``)."""


# ---------------------------------------------------------------- deadlines
_local = threading.local()


class Deadline:
    """The sockets of the requests made inside one :func:`deadline` block, and its timer."""

    def __init__(self, seconds: float, connect: float):
        self.seconds = seconds
        #: what to pass as requests' ``timeout``: no single wait may outlast the deadline either.
        self.timeout = (min(connect, seconds), seconds)
        self.expired = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()

    def track(self, sock: Any) -> None:
        if sock is None:
            return
        with self._lock:
            if self.expired:
                _shut(sock)
            else:
                self._socks.append(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            socks, self._socks = self._socks, []
        for sock in socks:
            _shut(sock)


def _shut(sock: Any) -> None:
    """End every read and write on ``sock`` now (the plain socket's shutdown, also under TLS)."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, TypeError):
        pass


def track(sock: Any) -> None:
    """Put ``sock`` under the deadline of the current thread's :func:`deadline` block, if any."""
    scope = getattr(_local, "scope", None)
    if scope is not None:
        scope.track(sock)


@contextmanager
def deadline(seconds: float, *, connect: float = 10.0) -> Iterator[Deadline]:
    """Requests made in this block (by a :func:`session`, in this thread) must be complete within
    ``seconds``; pass ``d.timeout`` as their ``timeout``. A request still running then fails,
    and the block raises :class:`DeadlineExceeded` instead of whatever the cut connection raised
    (a truncated answer is never returned as if it were whole)."""
    scope = Deadline(seconds, connect)
    outer = getattr(_local, "scope", None)
    _local.scope = scope
    timer = threading.Timer(seconds, scope.expire)
    timer.daemon = True
    timer.start()
    try:
        yield scope
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        if scope.expired:
            raise DeadlineExceeded(f"no complete answer within {seconds:g} s") from exc
        raise
    finally:
        timer.cancel()
        _local.scope = outer
    if scope.expired:
        raise DeadlineExceeded(f"no complete answer within {seconds:g} s")


class _TrackedHTTPConnection(HTTPConnection):
    def _new_conn(self):
        sock = super()._new_conn()
        track(sock)
        return sock

    def request(self, *args, **kwargs):
        track(self.sock)        # a kept-alive connection, used again
        return super().request(*args, **kwargs)


class _TrackedHTTPSConnection(HTTPSConnection):
    def _new_conn(self):        # the TCP socket, before the TLS handshake: that is bounded too
        sock = super()._new_conn()
        track(sock)
        return sock

    def request(self, *args, **kwargs):
        track(self.sock)
        return super().request(*args, **kwargs)


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _TrackedHTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _TrackedHTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections :func:`deadline` can cut."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy, **kwargs):
        manager = super().proxy_manager_for(proxy, **kwargs)
        if hasattr(manager, "pool_classes_by_scheme") and not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = dict(_POOLS)
        return manager


def session(user_agent: str | None = None, base: requests.Session | None = None) -> requests.Session:
    """A ``requests.Session`` (``base``, or a new one) whose requests :func:`deadline` bounds."""
    s = base if base is not None else requests.Session()
    adapter = _DeadlineAdapter()
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    if user_agent:
        s.headers["User-Agent"] = user_agent
    return s


# ---------------------------------------------------------------- secrets
#: an Authorization header or field and its value: quoted (JSON), else to the end of the line
_AUTH_FIELD = re.compile(r"""(?i)(\b(?:proxy-)?authorization["']?\s*[:=]\s*)("[^"\r\n]*"|'[^'\r\n]*'|[^\r\n]*)""")
_CREDENTIAL = re.compile(r"(?i)\b(basic|bearer|digest|token)(\s+)[A-Za-z0-9._~+/=-]{6,}")
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]*@")


def secrets_of(auth: Any) -> list[str]:
    """What must never be shown of a requests auth object: its password or token, and the Base64
    of ``user:password`` that a Basic ``Authorization`` header carries."""
    out: list[str] = []
    for attr in ("password", "_token", "token"):
        value = getattr(auth, attr, None)
        if isinstance(value, bytes):
            value = value.decode("latin-1", "replace")
        if isinstance(value, str) and value:
            out.append(value)
    user = getattr(auth, "username", None)
    password = getattr(auth, "password", None)
    if isinstance(user, str) and isinstance(password, str):
        for encoding in ("latin-1", "utf-8"):
            try:
                pair = f"{user}:{password}".encode(encoding)
            except UnicodeEncodeError:
                continue
            out.append(base64.b64encode(pair).decode("ascii"))
            out.append(base64.b64encode(pair).decode("ascii").rstrip("="))
    return out


def _hide_value(m: re.Match) -> str:
    quote = m.group(2)[:1]
    return m.group(1) + (f"{quote}***{quote}" if quote in ("'", '"') else "***")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without the given secrets (of three characters or more), any ``Authorization``
    value, ``Basic``/``Bearer`` credential, or user information in a URL (``***`` instead).

    >>> redact('{"Authorization": "Basic dXNlcjpodW50ZXIy"} at http://u:pw@host/x')
    '{"Authorization": "***"} at http://***@host/x'
    """
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, "***")
    text = _AUTH_FIELD.sub(_hide_value, text)
    text = _CREDENTIAL.sub(lambda m: m.group(1) + m.group(2) + "***", text)
    return _USERINFO.sub(r"\1***@", text)


def check_url(url: str, what: str = "URL") -> str:
    """``url`` if it is an http(s) URL that parses (host, port); else
    :class:`~treatykg.errors.InputError` (exit 3) naming it without credentials."""
    from urllib.parse import urlsplit

    from .errors import InputError

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise InputError(f"not a valid {what}: {_safe_url(url)} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"not an http(s) {what}: {_safe_url(url)}")
    return url


def _safe_url(url: str) -> str:
    try:
        return redact_url(url)
    except ValueError:
        return _USERINFO.sub(r"\1***@", url)


def redact_url(url: str) -> str:
    """``url`` without any user name or password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


# ---------------------------------------------------------------- retries
def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """The seconds a ``Retry-After`` header asks to wait (a number, or an HTTP date from now):
    None when there is none or it does not read as either.

    >>> retry_after({"Retry-After": "3"}), retry_after({"Retry-After": "soon"}), retry_after(None)
    (3.0, None, None)
    """
    value = headers.get("Retry-After") if headers is not None else None
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        try:
            return email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError):
            return None


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try a request again, and how long to wait before each new attempt."""

    #: attempts after the first
    retries: int = 4
    #: seconds before the first retry when neither the server nor the caller says (doubled each time)
    backoff: float = 0.5
    #: the longest wait, whatever the server asks
    max_wait: float = 120.0
    #: how to wait (None: ``time.sleep``; tests pass a list's ``append``)
    sleep: Callable[[float], None] | None = None

    def delay(self, attempt: int, headers: Mapping[str, str] | None = None,
              fallback: float | None = None) -> float:
        """Seconds to wait after attempt ``attempt`` (0 the first) failed: the answer's
        ``Retry-After``, else ``fallback``, else ``backoff * 2**attempt`` plus up to a quarter
        more (jitter); between 0 and ``max_wait``."""
        wait = retry_after(headers)
        if wait is None:
            wait = fallback if fallback is not None else self.backoff * (2 ** attempt) * (1 + random.random() / 4)
        return max(0.0, min(wait, self.max_wait))

    def pause(self, attempt: int, headers: Mapping[str, str] | None = None,
              fallback: float | None = None) -> None:
        """Sleep :meth:`delay` seconds."""
        (self.sleep or time.sleep)(self.delay(attempt, headers, fallback))
