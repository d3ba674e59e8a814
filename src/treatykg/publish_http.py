"""The HTTP side of ``push``: one client that sends a request, retries it, and says what failed.

Rules: every request has a deadline for the whole answer (:func:`treatykg.net.deadline`);
connection errors, timeouts, HTTP 429 and 5xx are tried again (``retries`` times, waiting as
:class:`treatykg.net.RetryPolicy` says: ``Retry-After`` honoured, else exponential backoff);
another 4xx fails at once. A step that must not be repeated blindly passes ``before_retry``.
An error (:class:`~treatykg.errors.EndpointError`, exit 7) names the method, the URL without
credentials, the HTTP status and the first lines of the server's answer, with every secret in use
taken out (:func:`treatykg.net.redact`); the client's ``repr`` shows none.

Library code: nothing here prints or exits.
"""
from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase

from . import net
from .errors import EndpointError
from .publish_profiles import resolve_auth
from .publish_report import RequestInfo

__all__ = ["Client", "first_lines", "answer_text", "user_agent"]


def first_lines(text: str, n: int = 3, width: int = 200) -> str:
    """The first ``n`` lines of ``text`` that are not blank, each cut at ``width``, joined by ``|``."""
    lines = [ln.strip()[:width] for ln in text.strip().splitlines() if ln.strip()]
    return " | ".join(lines[:n])


def answer_text(response: requests.Response) -> str:
    """The answer's text: its declared charset, else UTF-8 (Virtuoso declares none on errors)."""
    charset = "charset=" in response.headers.get("Content-Type", "").lower() and response.encoding
    return response.content.decode(charset or "utf-8", errors="replace")


def _retry_after(response: requests.Response | None, attempt: int, backoff: float) -> float:
    """Seconds to wait after attempt ``attempt`` failed with ``response`` (:class:`treatykg.net.RetryPolicy`)."""
    return net.RetryPolicy(backoff=backoff).delay(attempt, response.headers if response is not None else None)


class Client:
    """requests with retries, timeouts, credentials and messages that never show a secret."""

    def __init__(self, scheme: str, auth: Any, timeout, retries: int, backoff: float,
                 on_request: Callable[[RequestInfo], None] | None):
        self.session = net.session(user_agent())
        self._scheme = scheme
        self._auth_arg = auth
        self._auth: dict[str, AuthBase | None] = {}
        # seconds for a whole request (net.deadline), and at most for connecting
        self.connect, self.timeout = (timeout if isinstance(timeout, tuple) else (min(10.0, timeout), timeout))
        self.retries = retries
        self.policy = net.RetryPolicy(retries=retries, backoff=backoff)
        self.on_request = on_request
        self.sent = 0
        self.nbytes = 0
        self.secrets: list[str] = []

    def __repr__(self) -> str:
        return "Client(***)"

    def auth_for(self, url: str) -> AuthBase | None:
        key = urlsplit(url).netloc
        if key not in self._auth:
            auth = resolve_auth(url, self._scheme, auth=self._auth_arg)
            self._auth[key] = auth
            self.secrets.extend(net.secrets_of(auth))
        return self._auth[key]

    def redact(self, text: str) -> str:
        """``text`` without the secrets in use (and their Base64), Authorization values or
        user information (:func:`treatykg.net.redact`)."""
        return net.redact(text, self.secrets)

    def send(self, info: RequestInfo, url: str, *, data: bytes | dict | None = None,
             params: dict | None = None, headers: dict | None = None,
             before_retry: Callable[[], bool] | None = None) -> requests.Response | None:
        """Send with retries. ``before_retry`` (for steps that must not be repeated blindly)
        runs before each retry: True means the step turned out done (None is returned)."""
        auth = self.auth_for(url)
        clean_url = net.redact_url(url)
        for attempt in range(self.retries + 1):
            if attempt and before_retry is not None and before_retry():
                return None
            if self.on_request is not None:
                self.on_request(info)
            problem: str
            response = None
            try:
                with net.deadline(self.timeout, connect=self.connect) as limit:
                    response = self.session.request(info.method, clean_url, data=data, params=params,
                                                    headers=headers, auth=auth, timeout=limit.timeout)
                self.sent += 1
                self.nbytes += len(data) if isinstance(data, bytes) else 0
            except requests.Timeout as exc:
                if isinstance(exc, requests.ConnectTimeout):
                    problem = "timed out connecting"
                else:
                    problem = f"timed out: no complete answer within {self.timeout:g} s"
            except requests.ConnectionError:
                problem = "connection failed (is the server running and the URL right?)"
            except requests.RequestException as exc:
                raise EndpointError(self.redact(f"{info.method} {info.url}: {type(exc).__name__}")) from None
            else:
                status = response.status_code
                if status < 400:
                    return response
                problem = f"HTTP {status} {response.reason or ''}".rstrip()
                body = first_lines(answer_text(response))
                if body:
                    problem += f": {body}"
                if status != 429 and status < 500:
                    hint = {401: "check the credentials: TREATYKG_USER and TREATYKG_PASSWORD, TREATYKG_TOKEN "
                                 "or ~/.netrc (and --auth-scheme)",
                            403: "the user may lack the right to update this store"}.get(status)
                    raise EndpointError(self.redact(f"{info.method} {info.url}: {problem}"), hint=hint)
            if attempt == self.retries:
                raise EndpointError(self.redact(f"{info.method} {info.url}: {problem}"),
                                    hint=f"gave up after {self.retries + 1} attempts")
            self.policy.pause(attempt, response.headers if response is not None else None)
        raise AssertionError("unreachable")  # pragma: no cover


def user_agent() -> str:
    """treatykg's User-Agent for push."""
    from . import __version__
    return f"treatykg/{__version__} (+https://w3id.org/treatykg) python-requests/{requests.__version__}"
