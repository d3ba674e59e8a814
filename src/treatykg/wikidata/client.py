"""A polite, caching client for the Wikidata API and SPARQL endpoint, and the facts it reads.

Polite: a descriptive User-Agent, one request at a time, ``maxlag=5`` on the MediaWiki
API, ``Retry-After`` honoured (HTTP 429/503 and maxlag errors), every successful answer
cached on disk keyed by the request. Failures raise :class:`~treatykg.errors.EndpointError`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import __version__, net
from ..errors import EndpointError, OutputError
from .common import WD, WDT, _QID

DEFAULT_API_URL = "https://www.wikidata.org/w/api.php"
DEFAULT_SPARQL_URL = "https://query.wikidata.org/sparql"
DEFAULT_CACHE_DIR = Path("~/.cache/treatykg/wikidata").expanduser()
PROJECT_URL = "https://w3id.org/treatykg"
#: Who to contact about the requests; set TREATYKG_WIKIDATA_CONTACT to your e-mail or user page.
CONTACT_PLACEHOLDER = "set TREATYKG_WIKIDATA_CONTACT"


def default_user_agent(contact: str | None = None) -> str:
    """The User-Agent Wikimedia asks for: tool/version (project URL; contact) library."""
    contact = contact or os.environ.get("TREATYKG_WIKIDATA_CONTACT") or CONTACT_PLACEHOLDER
    return f"treatykg/{__version__} ({PROJECT_URL}; contact: {contact}) python-requests"


USER_AGENT = default_user_agent(CONTACT_PLACEHOLDER)


@dataclass
class Facts:
    """What the constraints need to know about one Wikidata item."""

    qid: str
    instance_of: set[str] = field(default_factory=set)   # P31
    subclass_of: set[str] = field(default_factory=set)   # P279
    born: list[str] = field(default_factory=list)        # P569 (YYYY-MM-DD or shorter)
    died: list[str] = field(default_factory=list)        # P570
    inception: list[str] = field(default_factory=list)   # P571
    dissolved: list[str] = field(default_factory=list)   # P576

    _BY_PROP = {"P31": "instance_of", "P279": "subclass_of", "P569": "born", "P570": "died",
                "P571": "inception", "P576": "dissolved"}

    def add(self, prop: str, value: str, precision: int | None = None) -> None:
        """Add a value: an item (``Q…`` or its IRI) or a Wikidata time (``+1898-03-05T00:00:00Z``)."""
        attr = self._BY_PROP.get(prop)
        if attr is None:
            return
        target = getattr(self, attr)
        if isinstance(target, set):
            if value.startswith(WD):
                value = value[len(WD):]
            target.add(value)
        else:
            d = _wikidata_date(value, precision)
            if d and d not in target:
                target.append(d)


def _wikidata_date(value: str, precision: int | None = None) -> str | None:
    """``+1898-03-05T00:00:00Z`` → ``1898-03-05`` (cut to the precision; 00 parts dropped)."""
    m = re.match(r"^\+?(\d{4,})-(\d{2})-(\d{2})", value or "")
    if not m:
        return None
    y, mo, d = m.groups()
    if len(y) > 4:
        y = y.lstrip("0").rjust(4, "0")
        if len(y) > 4:
            return None
    if precision is not None and precision <= 9 or mo == "00":
        return y
    if precision == 10 or d == "00":
        return f"{y}-{mo}"
    return f"{y}-{mo}-{d}"


def _request_error(url: str, exc: Exception, timeout: float) -> EndpointError:
    """One line for a request that got no HTTP answer (requests' own messages run to several
    hundred characters of pool and socket detail)."""
    import requests

    host = urlsplit(url).netloc or url
    if isinstance(exc, requests.exceptions.SSLError):
        return EndpointError(f"GET {url}: the TLS handshake with {host} failed",
                             hint="check the system's certificates or the proxy")
    if isinstance(exc, requests.ConnectionError):  # no route, DNS failure, refused, proxy down
        return EndpointError(f"Wikidata look-ups need the network, and {host} cannot be reached",
                             hint="connect to the network, or pass --api-url/--sparql-url of a "
                                  "server you can reach")
    if isinstance(exc, requests.Timeout):
        return EndpointError(f"GET {url}: no answer from {host} within {timeout:g} s",
                             hint="try again later")
    return EndpointError(f"GET {url} failed: {type(exc).__name__}",
                         hint="check --api-url/--sparql-url")


class _Row(dict):
    """A SPARQL result row: a variable the answer lacks is an EndpointError, not a KeyError."""

    def __init__(self, url: str, values: dict):
        super().__init__(values)
        self.url = url

    def __missing__(self, key: str):
        raise EndpointError(f"GET {self.url}: a result row without ?{key}: not an answer to the query")


class WikidataClient:
    """A polite, caching client for the Wikidata API and SPARQL endpoint.

    ``api_url`` and ``sparql_url`` point anywhere (tests use local fakes);
    ``cache_dir=None`` disables the disk cache. ``requests_made`` counts the HTTP
    requests actually sent (cache hits are not requests). Raises
    :class:`~treatykg.errors.EndpointError` on connection errors, timeouts, HTTP
    errors and API errors, and after ``max_retries`` waits.
    """

    def __init__(self, *, api_url: str = DEFAULT_API_URL, sparql_url: str = DEFAULT_SPARQL_URL,
                 cache_dir: str | Path | None = DEFAULT_CACHE_DIR, maxlag: int = 5,
                 max_retries: int = 5, max_wait: float = 120.0, timeout: float = 60.0,
                 user_agent: str | None = None, session: Any = None,
                 sleep: Callable[[float], None] = time.sleep):
        import requests

        self.api_url = api_url
        self.sparql_url = sparql_url
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else None
        self.maxlag = maxlag
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.timeout = timeout
        self.sleep = sleep
        #: the waits between attempts (``Retry-After`` honoured: :class:`treatykg.net.RetryPolicy`)
        self.policy = net.RetryPolicy(retries=max_retries, max_wait=max_wait, sleep=sleep)
        # --timeout is the whole request (treatykg.net.deadline): a server that trickles its
        # answer is cut off. A session passed in gets the same (when it is a requests.Session).
        if session is None or isinstance(session, requests.Session):
            session = net.session(base=session)
        self.session = session
        self.session.headers["User-Agent"] = user_agent or default_user_agent()
        self.requests_made = 0
        self.cache_hits = 0

    # -- cache -----------------------------------------------------------------------
    def _cache_file(self, url: str, params: dict[str, Any]) -> Path | None:
        if self.cache_dir is None:
            return None
        key = json.dumps([url, sorted((k, str(v)) for k, v in params.items() if k != "maxlag")],
                         ensure_ascii=False)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.cache_dir / digest[:2] / f"{digest}.json"

    def _cache_get(self, path: Path | None) -> Any:
        if path is None or not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))["response"]
        except (OSError, ValueError, KeyError):
            return None  # a broken cache entry is refetched

    def _cache_put(self, path: Path | None, url: str, params: dict[str, Any], data: Any) -> None:
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"url": url, "params": params, "response": data}, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(f"cannot write the Wikidata cache: {exc}", path=str(path),
                              hint="pass another --cache-dir or --no-cache") from exc

    # -- requests ----------------------------------------------------------------------
    def _get(self, url: str, params: dict[str, Any], *, accept: str, api: bool) -> Any:
        path = self._cache_file(url, params)
        cached = self._cache_get(path)
        if cached is not None:
            self.cache_hits += 1
            return cached
        import requests

        sent = dict(params)
        if api:
            sent["maxlag"] = self.maxlag
        for attempt in range(self.max_retries + 1):
            self.requests_made += 1
            try:
                with net.deadline(self.timeout) as limit:
                    resp = self.session.get(url, params=sent, headers={"Accept": accept},
                                            timeout=limit.timeout)
            except requests.RequestException as exc:
                raise _request_error(url, exc, self.timeout) from exc
            if resp.status_code in (429, 503):
                wait = 5.0
            elif resp.status_code != 200:
                first = net.redact(" ".join(resp.text.strip().splitlines()[:2])[:200])
                raise EndpointError(f"GET {url} answered HTTP {resp.status_code}: {first}")
            else:
                try:
                    data = resp.json()
                except ValueError as exc:
                    raise EndpointError(f"GET {url} answered something that is not JSON: "
                                        f"{net.redact(resp.text[:120])!r}") from exc
                if not isinstance(data, dict):
                    raise EndpointError(f"GET {url} answered JSON that is not an object: {type(data).__name__}")
                err = data.get("error")
                if err is not None and not isinstance(err, dict):
                    err = {"code": str(err), "info": ""}
                if err and err.get("code") == "maxlag":
                    wait = float(err.get("lag") or 5)
                elif err:
                    raise EndpointError(f"GET {url}: API error {err.get('code')}: {err.get('info')}")
                else:
                    self._cache_put(path, url, params, data)
                    return data
            if attempt < self.max_retries:
                self.policy.pause(attempt, resp.headers, fallback=wait)
        raise EndpointError(f"GET {url}: the server is busy (HTTP 429/503 or maxlag) after "
                            f"{self.max_retries + 1} attempts", hint="try again later")

    def api(self, **params: Any) -> Any:
        """One MediaWiki API GET (``format=json`` and ``maxlag`` added)."""
        return self._get(self.api_url, {**params, "format": "json"},
                         accept="application/json", api=True)

    def sparql(self, query: str) -> list[dict[str, dict[str, str]]]:
        """A SPARQL SELECT: the result bindings (JSON results format)."""
        data = self._get(self.sparql_url, {"query": query},
                         accept="application/sparql-results+json", api=False)
        try:
            bindings = data["results"]["bindings"]
            rows = [_Row(self.sparql_url, {str(k): {str(a): str(b) for a, b in v.items()}
                                           for k, v in b.items()}) for b in bindings]
        except (KeyError, TypeError, AttributeError) as exc:
            raise EndpointError(f"GET {self.sparql_url}: not SPARQL JSON results") from exc
        if any("value" not in v for row in rows for v in row.values()):
            raise EndpointError(f"GET {self.sparql_url}: not SPARQL JSON results (a term without a value)")
        return rows

    # -- Wikidata ------------------------------------------------------------------------
    def search(self, text: str, language: str, limit: int = 7) -> list[dict[str, Any]]:
        """``wbsearchentities``: items whose label or alias matches ``text`` in ``language``."""
        data = self.api(action="wbsearchentities", search=text, language=language,
                        uselang=language, type="item", limit=limit)
        hits = data.get("search") or []
        if not isinstance(hits, list) or not all(isinstance(h, dict) for h in hits):
            raise EndpointError(f"GET {self.api_url}: wbsearchentities answered no list of items")
        return [{k: v for k, v in h.items() if isinstance(v, (str, int, float, list, dict))}
                | {"id": str(h.get("id") or ""), "label": str(h.get("label") or ""),
                   "description": str(h.get("description") or "")} for h in hits]

    def facts(self, qids: Iterable[str], via: str = "sparql") -> dict[str, Facts]:
        """P31, P279, P569, P570, P571, P576 of each item, from SPARQL or ``wbgetentities``."""
        ids = sorted({q for q in qids if _QID.match(q)}, key=lambda s: int(s[1:]))
        out = {q: Facts(q) for q in ids}
        for i in range(0, len(ids), 50):
            chunk = ids[i:i + 50]
            if via == "api":
                data = self.api(action="wbgetentities", ids="|".join(chunk), props="claims")
                entities = data.get("entities") or {}
                if not isinstance(entities, dict):
                    raise EndpointError(f"GET {self.api_url}: wbgetentities answered no entities")
                for qid, ent in entities.items():
                    facts = out.get(qid)
                    if facts is None or not isinstance(ent, dict):
                        continue
                    claims_of = ent.get("claims") or {}
                    for prop, claims in (claims_of.items() if isinstance(claims_of, dict) else []):
                        for claim in (claims if isinstance(claims, list) else []):
                            if not isinstance(claim, dict) or claim.get("rank") == "deprecated":
                                continue
                            snak = claim.get("mainsnak")
                            datavalue = snak.get("datavalue") if isinstance(snak, dict) else None
                            value = datavalue.get("value") if isinstance(datavalue, dict) else None
                            if isinstance(value, dict) and isinstance(value.get("id"), str):
                                facts.add(prop, value["id"])
                            elif isinstance(value, dict) and isinstance(value.get("time"), str):
                                precision = value.get("precision")
                                facts.add(prop, value["time"], precision if isinstance(precision, int) else None)
            else:
                values = " ".join(f"wd:{q}" for q in chunk)
                query = (f"PREFIX wd: <{WD}>\nPREFIX wdt: <{WDT}>\n"
                         f"SELECT ?item ?p ?o WHERE {{\n  VALUES ?item {{ {values} }}\n"
                         "  VALUES ?p { wdt:P31 wdt:P279 wdt:P569 wdt:P570 wdt:P571 wdt:P576 }\n"
                         "  ?item ?p ?o .\n}")
                for row in self.sparql(query):
                    qid = row["item"]["value"].rsplit("/", 1)[-1]
                    prop = row["p"]["value"].rsplit("/", 1)[-1]
                    if qid in out:
                        out[qid].add(prop, row["o"]["value"])
        return out

