"""Putting a collection online: the redirect rules of its persistent IRIs, and what goes where.

>>> from treatykg.publish_config import write_config
>>> config = write_config("out", "https://example.org/treaties/")                  # doctest: +SKIP
>>> [str(p) for p in config.files]                                                 # doctest: +SKIP
['out/publish/.htaccess', 'out/publish/PUBLISH.md']

A build's IRIs are ``{base}…`` (by default ``https://w3id.org/treatykg/id/…``, a w3id.org
persistent identifier). w3id.org answers them with the Apache ``mod_rewrite`` rules of an
``.htaccess`` file in its repository (https://github.com/perma-id/w3id.org): the file lives
in the folder of the base's first path segment (``treatykg/.htaccess``), and its patterns
match the rest of the path (``^id/doc/…``) after Apache has decoded it (``%E5%91%A8`` is
matched as ``周``). :func:`htaccess` writes those rules for one of two ways of publishing
(``target``):

``static`` — the build folder copied to a web host at ``base_url`` (``site/``, ``graphs/``,
``texts/``, ``void.ttl``; no server of ours). The rules do the content negotiation
themselves, one document at a time (a document's files are named after its input, not its
IRI):

* an alias (``aliases.tsv``) and every IRI under it: **301** to the new IRI (at w3id.org, so
  the rules below answer it next);
* ``{doc}/text``: **302** to ``texts/<name>.txt``;
* ``{doc}`` and every IRI under it, when ``Accept`` names an RDF type (Turtle, TriG, N-Quads,
  N-Triples, JSON-LD, RDF/XML): **303** to ``graphs/<name>.nq`` — N-Quads whatever RDF type
  was asked for, since a static host cannot convert; else **303** to the document's page
  ``site/doc/<slug>.html`` (to the N-Quads file when the build has no site);
* a state or a person with a page of the site (a party goes to its state's page): **303** to
  the page; to the SPARQL endpoint's ``DESCRIBE`` when ``Accept`` names an RDF type and an
  endpoint is known (``sparql_endpoint``, by default the build's ``--dataset`` setting);
* any other entity, with an endpoint: **303** to its ``DESCRIBE``; without one, none (404);
* ``graph/…`` of the collection: **303** to ``graphs/_collection/<name>.nq``; ``dataset``: to
  ``void.ttl`` (RDF) or the site's index.

The matching is crude (``RewriteCond %{HTTP_ACCEPT}``: a type named with ``q=0`` still
counts), and the file grows with the collection: about four lines per document and two per
entity with a page.

``serve`` — the collection answered by ``treatykg serve`` (behind a proxy) at ``base_url``:
one rule sends ``{base}{rest}`` to ``{base_url}id/{rest}`` (**302**), and the server does the
rest (:mod:`treatykg.deref`: content negotiation in every RDF format, aliases, 404s).

:func:`write_config` writes the ``.htaccess`` and ``PUBLISH.md`` (what to upload where, the
media types the host must send, how to submit the rules to w3id.org, the licence and what
``void.ttl`` says) to ``OUT/publish/`` or the folder given. Library code: nothing here prints
or exits.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .deref import Minted
from .errors import InputError

__all__ = ["TARGETS", "RDF_ACCEPT", "Config", "htaccess", "publish_md", "write_config", "dataset_settings"]

TARGETS = ("static", "serve")
#: The ``Accept`` header of a client that asks for RDF, as a ``RewriteCond`` pattern.
RDF_ACCEPT = r"(text/turtle|application/(trig|n-quads|n-triples|ld\+json|rdf\+xml))"
_GRAPHS = ("graph", "evidence", "curated", "metadata", "validation")
_TKG = "https://w3id.org/treatykg/ontology#"


@dataclass
class Config:
    """What :func:`write_config` wrote and what the rules cover."""

    target: str
    base: str
    base_url: str
    files: list[Path] = field(default_factory=list)
    documents: int = 0
    aliases: int = 0
    pages: int = 0           # entities sent to a page of the site
    described: int = 0       # entities sent to the SPARQL endpoint only
    rules: int = 0

    def summary(self) -> str:
        if self.target == "serve":
            return (f"one rule: <{self.base}…> to {self.base_url}id/… (treatykg serve answers there); "
                    f"files: {', '.join(str(f) for f in self.files)}")
        return (f"{self.rules} rules for <{self.base}…>: {self.documents} documents, {self.aliases} aliases, "
                f"{self.pages} entities with a page, {self.described} more described by the SPARQL endpoint; "
                f"files: {', '.join(str(f) for f in self.files)}")


# ---------------------------------------------------------------- where the rules live
def _split_base(base: str) -> tuple[str, str, str]:
    """(host, folder of the .htaccess, prefix its patterns start with) of a base IRI:
    ``https://w3id.org/treatykg/id/`` -> (``w3id.org``, ``treatykg/``, ``id/``)."""
    parts = urlsplit(base)
    segments = parts.path.lstrip("/")
    folder, _, rest = segments.partition("/")
    if not rest and not segments.endswith("/"):
        folder, rest = "", segments
    return parts.netloc, (folder + "/" if folder else ""), rest


def _pattern(local: str) -> str:
    """A ``RewriteRule`` pattern for an IRI's local part, as Apache matches it (decoded)."""
    return re.escape(unquote(local))


def _target(url: str) -> str:
    """A substitution that is a literal URL: ``%`` and ``$`` escaped (else they are backreferences)."""
    return url.replace("\\", "\\\\").replace("%", "\\%").replace("$", "\\$")


def _url(base_url: str, rel: str) -> str:
    return base_url + quote(rel, safe="/-._~")


def _entities(out: Path, base: str) -> tuple[dict[str, str | None], list[str]]:
    """(every party/state/person IRI under ``base`` -> the state it is of (or None), every other
    typed IRI under ``base`` outside the documents), read from the store."""
    from .store import locked, open_read_only

    with locked(out, exclusive=False):
        store = open_read_only(out)
        try:
            of_state: dict[str, str | None] = {}
            for row in store.query(f"SELECT DISTINCT ?s ?st WHERE {{ GRAPH ?g {{ ?s <{_TKG}ofState> ?st }} }}"):
                of_state[row["s"].value] = row["st"].value
            for row in store.query("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a <http://www.w3.org/ns/prov#Person> } }"):
                of_state.setdefault(row["s"].value, None)
            others = sorted({row["s"].value for row in store.query(
                "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?t } FILTER(isIRI(?s)) }")} - set(of_state))
        finally:
            del store
    keep = {k: v for k, v in of_state.items() if k.startswith(base) and not k.startswith(base + "doc/")}
    return keep, [s for s in others if s.startswith(base) and not s.startswith(base + "doc/")
                  and not s.startswith(base + "dataset/") and s != base + "dataset"]


def _describe_url(endpoint: str, iri: str) -> str:
    sep = "&" if "?" in endpoint else "?"
    return f"{endpoint}{sep}query={quote(f'DESCRIBE <{iri}>', safe='')}"


# ---------------------------------------------------------------- the rules
def htaccess(out: str | Path, base_url: str, *, target: str = "static", sparql_endpoint: str | None = None,
             config: Config | None = None) -> str:
    """The ``.htaccess`` for the base IRI of build ``out`` (see the module doc); ``config``, when
    given, is filled in with what the rules cover."""
    if target not in TARGETS:
        raise InputError(f"unknown target {target!r} (expected {' or '.join(TARGETS)})")
    minted = Minted(out)
    base = minted.base
    host, folder, prefix = _split_base(base)
    config = config if config is not None else Config(target, base, base_url)
    lines = [f"# Redirect rules for the IRIs <{base}…> of a treatykg collection, written by",
             "# `treatykg publish-config` (see its PUBLISH.md). Place this file in the folder",
             f"# /{folder} of {host}" + (" (the w3id.org repository: "
                                         f"https://github.com/perma-id/w3id.org/tree/master/{folder})."
                                         if host == "w3id.org" else "."),
             "# Patterns match the path after that folder, decoded (Apache mod_rewrite).",
             "Options +FollowSymLinks", "RewriteEngine on", ""]
    rules = _Rules(config, re.escape(prefix), base, base_url)
    if target == "serve":
        lines.append(f"# Everything to `treatykg serve` at {base_url}: it negotiates, redirects aliases, answers 404.")
        rules.rule(f"{re.escape(prefix)}(.*)$", _target(unquote(base_url) + "id/") + "$1", "R=302,L")
        return "\n".join(lines + rules.lines) + "\n"
    rules.aliases(minted)
    rules.documents(minted)
    rules.collection(Path(out), minted)
    rules.entities(Path(out), minted, sparql_endpoint)
    return "\n".join(lines + rules.lines) + "\n"


class _Rules:
    """The rules of a ``static`` target, a section at a time (one method each), counted in ``config``.

    ``p`` is the pattern of the base's path after the ``.htaccess`` folder (escaped)."""

    def __init__(self, config: Config, p: str, base: str, base_url: str):
        self.config = config
        self.p = p
        self.base = base
        self.base_url = base_url
        self.lines: list[str] = []

    def rule(self, pattern: str, substitution: str, flags: str, accept_rdf: bool = False) -> None:
        if accept_rdf:
            self.lines.append(f"RewriteCond %{{HTTP_ACCEPT}} {RDF_ACCEPT}")
        self.lines.append(f"RewriteRule ^{pattern} {substitution} [{flags}]")
        self.config.rules += 1

    def aliases(self, minted: Minted) -> None:
        """301 from an alias (and every IRI under it) to the IRI it moved to."""
        if not minted.aliases:
            return
        self.lines.append("# Aliases: IRIs that moved (aliases.tsv), and every IRI under them")
        for old, new in sorted(minted.aliases.items()):
            if old.startswith(self.base):   # the new IRI decoded: Apache encodes the result (no NE), $1 too
                self.rule(f"{self.p}{_pattern(old[len(self.base):])}(/.*)?$", _target(unquote(new)) + "$1", "R=301,L")
                self.config.aliases += 1
        self.lines.append("")

    def documents(self, minted: Minted) -> None:
        """Per document: its text (302), its N-Quads for RDF, else its page (303)."""
        base, base_url = self.base, self.base_url
        self.lines.append("# Documents: the text; RDF (N-Quads, whatever RDF type is asked for); the page of the site")
        for iri, doc in sorted(minted.documents.items()):
            if not iri.startswith(base):
                continue
            here = f"{self.p}{_pattern(iri[len(base):])}"
            nq = _target(_url(base_url, f"graphs/{doc.name}.nq"))
            if minted.text_file(doc.name).is_file():
                self.rule(f"{here}/text$", _target(_url(base_url, f"texts/{doc.name}.txt")), "R=302,NE,L")
            page = minted.page(iri)
            if page is not None:
                self.rule(f"{here}(/.*)?$", nq, "R=303,NE,L", accept_rdf=True)
                self.rule(f"{here}(/.*)?$", _target(_url(base_url, page.lstrip("/"))), "R=303,NE,L")
            else:
                self.rule(f"{here}(/.*)?$", nq, "R=303,NE,L")
            self.config.documents += 1
        self.lines.append("")

    def collection(self, out: Path, minted: Minted) -> None:
        """The collection's graphs (303 to their N-Quads) and the dataset (``void.ttl``, or the index)."""
        p, base_url = self.p, self.base_url
        self.lines.append("# The collection's graphs, and the dataset (VoID + DCAT)")
        for nq in sorted((out / "graphs" / "_collection").glob("*.nq")):
            self.rule(f"{p}graph/{re.escape(nq.stem)}$", _target(_url(base_url, f"graphs/_collection/{nq.name}")),
                      "R=303,NE,L")
        void = _target(_url(base_url, "void.ttl"))
        if minted.site is not None:
            self.rule(f"{p}dataset$", void, "R=303,NE,L", accept_rdf=True)
            self.rule(f"{p}dataset$", _target(_url(base_url, "site/index.html")), "R=303,NE,L")
        else:
            self.rule(f"{p}dataset$", void, "R=303,NE,L")

    def entities(self, out: Path, minted: Minted, sparql_endpoint: str | None) -> None:
        """States, parties and persons with a page (303 to it; RDF to the endpoint's DESCRIBE when
        there is one); with an endpoint, every other entity to its DESCRIBE."""
        base = self.base
        with_page, others = _pages(out, minted, base)
        if with_page:
            self.lines.append("")
            self.lines.append("# States, parties and persons: their page of the site"
                              + ("; RDF: the SPARQL endpoint's DESCRIBE" if sparql_endpoint else ""))
        for iri, page in with_page:
            here = f"{self.p}{_pattern(iri[len(base):])}$"
            if sparql_endpoint:
                self.rule(here, _target(_describe_url(sparql_endpoint, iri)), "R=303,NE,L", accept_rdf=True)
            self.rule(here, _target(_url(self.base_url, page.lstrip("/"))), "R=303,NE,L")
            self.config.pages += 1
        if sparql_endpoint:
            self.lines.append("")
            self.lines.append("# Other entities (places, organisations, cited documents …): the SPARQL endpoint's "
                              "DESCRIBE")
            for iri in sorted(set(others)):
                self.rule(f"{self.p}{_pattern(iri[len(base):])}$", _target(_describe_url(sparql_endpoint, iri)),
                          "R=303,NE,L")
                self.config.described += 1


def _pages(out: Path, minted: Minted, base: str) -> tuple[list[tuple[str, str]], list[str]]:
    """((entity, its page) for each state, party and person with a page of the site, every other
    entity under ``base``): a party's page is its state's."""
    entities, others = _entities(out, base)
    with_page = []
    for iri, state in sorted(entities.items()):
        quads = []
        if state is not None:
            import pyoxigraph as ox
            quads = [ox.Quad(ox.NamedNode(iri), ox.NamedNode(_TKG + "ofState"), ox.NamedNode(state))]
        page = minted.page(iri, quads)
        if page is not None:
            with_page.append((iri, page))
        else:
            others.append(iri)
    return with_page, others


# ---------------------------------------------------------------- the layout, in words
def dataset_settings(out: str | Path) -> dict:
    """The dataset settings the build was last made with (``build --dataset``), or {}."""
    from .build import SETTINGS

    try:
        data = json.loads((Path(out) / SETTINGS).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def publish_md(out: str | Path, base_url: str, *, target: str = "static", sparql_endpoint: str | None = None) -> str:
    """``PUBLISH.md``: what to put where, and what the rules do (see the module doc)."""
    out = Path(out)
    minted = Minted(out)
    base = minted.base
    host, folder, prefix = _split_base(base)
    s = dataset_settings(out)
    licence = s.get("licence") or "https://creativecommons.org/licenses/by/4.0/ (the default)"
    doc = next(iter(sorted(minted.documents)), f"{base}doc/t…")
    name = minted.documents[doc].name if doc in minted.documents else "<name>"
    w3id = host == "w3id.org"
    md = [f"# Publishing the collection <{base}…>", "",
          f"Written by `treatykg publish-config` for the target `{target}`, at `{base_url}`.", ""]
    if target == "static":
        md += ["## 1. Upload the build folder", "",
               f"Copy these parts of `{out}` to `{base_url}` (same names, same layout):", "",
               "| from the build | to | what it is |", "|---|---|---|",
               f"| `site/` | `{base_url}site/` | the pages (`treatykg site OUT` writes them) |",
               f"| `graphs/` | `{base_url}graphs/` | one N-Quads file per document, `_collection/` the collection's graphs |",
               f"| `texts/` | `{base_url}texts/` | each document's text, what its evidence points into |",
               f"| `void.ttl` | `{base_url}void.ttl` | the dataset's description (VoID + DCAT) |",
               "", "Not `store/`, `manifest.json`, `validation.json` or the dot files: they serve the build.",
               "", "The host should send these media types (most do for `.html`, `.txt`; set the others):", "",
               "| extension | Content-Type |", "|---|---|",
               "| `.nq` | `application/n-quads` |", "| `.ttl` | `text/turtle; charset=utf-8` |",
               "| `.txt` | `text/plain; charset=utf-8` |", "| `.html` | `text/html; charset=utf-8` |", "",
               "## 2. The redirect rules", "",
               f"`.htaccess` answers <{base}…> by content negotiation, for example:", "",
               "| IRI | Accept | goes to |", "|---|---|---|",
               f"| `{doc}` | `text/html` | 303 `{base_url}site/doc/…html` |",
               f"| `{doc}` | `text/turtle` (any RDF type) | 303 `{base_url}graphs/{name}.nq` |",
               f"| `{doc}/graph`, `…/evidence` | any RDF type | 303 the same N-Quads file (all the document's graphs) |",
               f"| `{doc}/text` | any | 302 `{base_url}texts/{name}.txt` |",
               f"| `{base}state/kp` | `text/html` | 303 `{base_url}site/state/kp.html` |",
               f"| `{base}state/kp` | any RDF type | "
               + (f"303 `{sparql_endpoint}?query=DESCRIBE …`" if sparql_endpoint else "the page (no SPARQL endpoint given)")
               + " |",
               "| an alias in `aliases.tsv` | any | 301 the new IRI |",
               f"| `{base}graph/aliases` … | any | 303 `{base_url}graphs/_collection/aliases.nq` … |",
               f"| `{base}dataset` | RDF / HTML | 303 `{base_url}void.ttl` / the site's index |", "",
               "A static host cannot convert: every RDF type gets N-Quads. For Turtle, JSON-LD and the rest, "
               "and for entities without an endpoint, serve the collection with `treatykg serve` and write the "
               "rules with `--target serve`. The rules list every document and entity: run "
               "`treatykg publish-config` again after each build."]
    else:
        md += ["## 1. Serve the collection", "",
               f"Run `treatykg serve --store {out} --bind ADDRESS --public` behind a reverse proxy that "
               f"answers `{base_url}` (the proxy passes `{base_url}id/…` to it; serve's site at "
               f"`{base_url}site/`, its SPARQL endpoint at `{base_url}query`).", "",
               "## 2. The redirect rules", "",
               f"`.htaccess` sends every IRI <{base}REST> to `{base_url}id/REST` (302); `treatykg serve` "
               "negotiates (Turtle, TriG, N-Quads, N-Triples, JSON-LD, RDF/XML, a 303 to the page for "
               "`text/html`), redirects aliases (301) and answers 404 for what the collection does not hold. "
               "The rules need no update after a build."]
    md += ["", "## 3. Submit the rules", ""]
    if w3id:
        md += [f"Fork https://github.com/perma-id/w3id.org, put `.htaccess` in the folder `{folder.rstrip('/')}/` "
               "(with a `README.md` naming its maintainers, as w3id.org asks), and open a pull request. "
               "Once merged, the IRIs answer within minutes."]
    else:
        md += [f"The base IRI is not at w3id.org: put `.htaccess` in the folder `/{folder}` of the Apache "
               f"server of {host} (with `AllowOverride FileInfo` and `mod_rewrite`)."]
    md += ["", "## 4. What the dataset says", "",
           f"* Licence: <{licence}> (`build --dataset FILE`, key `licence`), in `void.ttl` and the graph "
           f"`{base}graph/dataset`.",
           f"* SPARQL endpoint: {('<' + sparql_endpoint + '>') if sparql_endpoint else 'none given'}; "
           f"download: {('<' + s['download'] + '>') if s.get('download') else 'none given'} "
           "(`build --dataset`: `sparql_endpoint`, `download`; build again to change them).",
           "* `void.ttl`: title, licence, publisher, the distributions (graphs as N-Quads, texts), triples, "
           "documents, one subset per document graph, class and property partitions, the linkset to Wikidata.",
           "* Persistence: document IRIs are keys of their texts; an IRI that must change stays as an alias "
           "(README, \"Persistence\"); the rules redirect aliases permanently."]
    return "\n".join(md) + "\n"


def write_config(out: str | Path, base_url: str, *, target: str = "static", sparql_endpoint: str | None = None,
                 dest: str | Path | None = None) -> Config:
    """Write ``.htaccess`` and ``PUBLISH.md`` for build ``out`` to ``dest`` (default ``OUT/publish``).

    ``base_url``: where the build folder is published (``static``) or where ``treatykg serve``
    answers (``serve``); a ``/`` is added at its end. ``sparql_endpoint``: for the RDF of entities
    (``static``); by default the build's ``--dataset`` setting. Raises :class:`InputError` (not a
    build folder, a URL that is not http(s)) or :class:`~treatykg.errors.OutputError`.
    """
    from .net import check_url
    from .output import write_atomic

    out = Path(out)
    if not (out / "manifest.json").is_file():
        raise InputError("not the output folder of `treatykg build` (no manifest.json)", path=str(out),
                         hint="run treatykg build DIR --out OUT first")
    check_url(base_url, "--base-url")
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    if sparql_endpoint is None and target == "static":
        sparql_endpoint = dataset_settings(out).get("sparql_endpoint") or None
    if sparql_endpoint:
        check_url(sparql_endpoint, "SPARQL endpoint URL")
    folder = Path(dest) if dest is not None else out / "publish"
    config = Config(target, Minted(out).base, base_url)
    rules = htaccess(out, base_url, target=target, sparql_endpoint=sparql_endpoint, config=config)
    guide = publish_md(out, base_url, target=target, sparql_endpoint=sparql_endpoint)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from .errors import OutputError
        raise OutputError(f"cannot create the folder: {exc.strerror or exc}", path=str(folder)) from None
    for name, text in ((".htaccess", rules), ("PUBLISH.md", guide)):
        write_atomic(folder / name, text.encode("utf-8"))
        config.files.append(folder / name)
    return config
