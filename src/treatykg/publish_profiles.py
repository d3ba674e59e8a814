"""Where a kind of SPARQL store has its endpoints, how it is written, and the credentials to send.

A :class:`Profile` per store (:data:`PROFILES`: Oxigraph, Fuseki, Virtuoso, GraphDB, a generic
SPARQL 1.1 endpoint) says where its query, update and Graph Store endpoints are relative to the
URL given (``--endpoint``), how a graph is replaced and how the batches of a large one are sent,
how many triples one request and one read-back answer may hold, and what the store guarantees
(``atomic``, quoted by the README). :func:`query_url` applies a profile to an endpoint URL; every
URL it yields is checked (:func:`treatykg.net.check_url`).

:func:`resolve_auth` finds the credentials for a URL (``TREATYKG_TOKEN``,
``TREATYKG_USER``/``TREATYKG_PASSWORD``, the URL's user, ``~/.netrc``), for ``push`` and for
``query --endpoint`` alike. Rules: a secret never shows in a ``repr`` or a message (a netrc file
that does not parse is named by its line, never quoted).

Library code: nothing here prints or exits.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from . import net
from .errors import InputError

__all__ = ["Profile", "PROFILES", "BearerAuth", "resolve_auth", "query_url"]


@dataclass(frozen=True)
class Profile:
    """Where a kind of store has its endpoints, relative to ``--endpoint``, and how it is written.

    ``replace``: ``update`` (one SPARQL Update request) or ``gsp`` (one Graph Store PUT) for a
    graph that fits in one batch. ``batches``: ``update`` or ``gsp`` for the batches of a larger
    graph into its temporary graph. ``atomic`` says, for the README, what the store guarantees.
    """

    name: str
    query: str | None
    update: str | None
    store: str | None
    replace: str
    batches: str
    auth_scheme: str
    batch_bytes: int
    atomic: str
    #: the most triples read back in one answer when a graph is verified
    read_rows: int = 50_000
    #: the most triples in one request (None: only ``batch_bytes`` bounds a request)
    batch_triples: int | None = None
    #: the answer format asked for when graphs are read back: ``json`` (SPARQL JSON results) or
    #: ``tsv`` (SPARQL TSV results, with JSON accepted too: terms written as in N-Triples, so
    #: the rows are compared with the lines sent without parsing most of them)
    read_format: str = "json"
    #: a group of graphs is read back while the next is sent (two requests at once: one
    #: writing, one reading other graphs)
    overlap: bool = False


PROFILES: dict[str, Profile] = {
    "oxigraph": Profile(
        "oxigraph", "/query", "/update", "/store", replace="update", batches="gsp",
        auth_scheme="basic", batch_bytes=8 * 1024 * 1024,
        atomic="atomic: each update request runs in one transaction (tested: a request "
               "failing in its last operation changes nothing); a GSP PUT is not (the graph is "
               "cleared, then loaded), so replacing uses an update, batches use GSP",
        read_format="tsv", overlap=True),
    "fuseki": Profile(
        "fuseki", "/query", "/update", "/data", replace="gsp", batches="gsp",
        auth_scheme="basic", batch_bytes=8 * 1024 * 1024,
        atomic="atomic as documented by Fuseki (each request one write transaction on "
               "TDB/TDB2); not tested here"),
    "virtuoso": Profile(
        "virtuoso", "/sparql-auth", "/sparql-auth", "/sparql-graph-crud-auth", replace="update",
        batches="update", auth_scheme="digest", batch_bytes=64 * 1024,
        atomic="NOT atomic: Virtuoso 7 keeps the operations of a request that fails "
               "half-way (tested), and readers may see the graph between DROP and INSERT; "
               "the window is one request run inside the server, the count check reports a bad "
               "outcome (exit 7) and a re-run repairs it. Large INSERT DATA requests fail "
               "there (SP030), hence 64 KiB batches; no blank nodes in INSERT DATA (SP031)",
        read_rows=8_000,   # under ResultSetMaxRows (10,000 in the shipped virtuoso.ini)
        batch_triples=1_000),  # ~2,000 short triples make more than the 10,000 lines of SQL it allows (SP031)
    "graphdb": Profile(
        "graphdb", "", "/statements", "/rdf-graphs/service", replace="gsp", batches="gsp",
        auth_scheme="basic", batch_bytes=8 * 1024 * 1024,
        atomic="atomic as documented by GraphDB (each request one RDF4J transaction); "
               "not tested here"),
    "generic": Profile(
        "generic", "", "", None, replace="update", batches="gsp",  # gsp only with --store-url
        auth_scheme="basic", batch_bytes=1024 * 1024,
        atomic="one update request; atomic where the store treats a request atomically, "
               "as SPARQL 1.1 Update says it SHOULD",
        read_rows=8_000),
}


# ---------------------------------------------------------------- credentials
class BearerAuth(AuthBase):
    """``Authorization: Bearer <token>``; the token never shows in a repr."""

    def __init__(self, token: str):
        self._token = token

    def __call__(self, r):
        r.headers["Authorization"] = f"Bearer {self._token}"
        return r

    def __repr__(self) -> str:
        return "BearerAuth(***)"


def resolve_auth(url: str, scheme: str = "basic", *, auth: Any = None,
                 environ: dict[str, str] | None = None) -> AuthBase | None:
    """The credentials for ``url``: ``auth`` if given (an AuthBase, or a (user, password) pair
    used with ``scheme``), else ``TREATYKG_TOKEN`` (Bearer), else ``TREATYKG_USER`` and
    ``TREATYKG_PASSWORD``, else a user and password in the URL, else ``~/.netrc`` (or the file
    named by ``NETRC``). ``scheme`` is ``basic`` or ``digest``. None when there are none.
    """
    env = os.environ if environ is None else environ

    def pair(user: str, password: str) -> AuthBase:
        return HTTPDigestAuth(user, password) if scheme == "digest" else HTTPBasicAuth(user, password)

    if isinstance(auth, AuthBase):
        return auth
    if isinstance(auth, tuple) and len(auth) == 2:
        return pair(*auth)
    if env.get("TREATYKG_TOKEN"):
        return BearerAuth(env["TREATYKG_TOKEN"])
    if env.get("TREATYKG_USER") and env.get("TREATYKG_PASSWORD") is not None:
        return pair(env["TREATYKG_USER"], env["TREATYKG_PASSWORD"])
    parts = urlsplit(url)
    if parts.username:
        from urllib.parse import unquote
        return pair(unquote(parts.username), unquote(parts.password or ""))
    found = _netrc_auth(url, env)
    if found:
        return pair(*found)
    return None


def _netrc_auth(url: str, env) -> tuple[str, str] | None:
    """(login, password) for the URL's host in ``$NETRC`` or ``~/.netrc``, or None."""
    import netrc

    path = Path(env.get("NETRC") or Path.home() / ".netrc").expanduser()
    host = urlsplit(url).hostname
    if not host or not path.is_file():
        return None
    try:
        found = netrc.netrc(str(path)).authenticators(host)
    except netrc.NetrcParseError as exc:   # its message may quote a secret: not shown
        raise InputError(f"the netrc file does not parse (line {exc.lineno})", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the netrc file: {exc.strerror}", path=str(path)) from None
    if not found:
        return None
    login, _account, password = found
    return login or "", password or ""



@dataclass
class Endpoints:
    """The URLs one push talks to: SPARQL query, SPARQL update, Graph Store (None: none)."""

    query: str
    update: str
    store: str | None


def endpoints(profile: Profile, endpoint: str, query_url: str | None, update_url: str | None,
              store_url: str | None) -> Endpoints:
    """The URLs of ``endpoint`` read as ``profile`` reads it, each overridden when given."""
    base = endpoint.rstrip("/")
    if profile.name == "generic":
        query = query_url or endpoint
        update = update_url or endpoint
        store = store_url
    else:
        query = query_url or base + (profile.query or "")
        update = update_url or base + (profile.update or "")
        store = store_url or (base + profile.store if profile.store is not None else None)
    for url in (endpoint, query, update, store):
        if url is not None:
            net.check_url(url)
    return Endpoints(query, update, store)


def query_url(profile: Profile, endpoint: str) -> str:
    """The SPARQL query URL of ``endpoint`` read as ``profile`` reads it (the URL itself for
    ``generic``, the base URL plus the profile's query path otherwise)."""
    return endpoints(profile, endpoint, None, None, None).query
