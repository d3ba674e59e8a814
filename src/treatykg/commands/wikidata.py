"""``treatykg wikidata``: reconcile entities with Wikidata, export QuickStatements for review.

Nothing is ever written to Wikidata: ``reconcile`` reads (politely, cached) and writes
local files; ``export`` writes QuickStatements commands for a human to check and upload.
"""
from __future__ import annotations

import csv
from pathlib import Path

import click

from .. import api
from ..errors import InputError, PartialFailure, TreatyKGError
from ..model import Record
from ..output import terminal_safe

_EXIT = """\b
Exit codes:
  0  success
  2  usage error (unknown option, missing argument, malformed QID or date;
     export without --source-url, --stated-in or a metadata source_url)
  3  input error: missing, empty, binary, undecodable or oversized file; bad decisions file
  4  extraction error: the text holds no treaty
  5  output error: an output file or the cache could not be written
  7  endpoint error: the Wikidata API or SPARQL endpoint failed, or cannot be
     reached (reconcile needs the network)
  8  partial failure: some texts of a folder could not be read
  9  internal error (a bug: please report it with the input)"""


def _records(path: Path) -> tuple[list[Record], list[str]]:
    """The records of a treaty text, or of every ``*.txt`` in a folder (sorted), and the failures."""
    if not path.exists():
        raise InputError("no such file or folder", path=str(path))
    files = sorted(p for p in path.glob("*.txt") if p.is_file()) if path.is_dir() else [path]
    if not files:
        raise InputError("no treaty texts (*.txt) in this folder", path=str(path))
    records, failures = [], []
    for f in files:
        try:
            records.append(api.extract(f))
        except TreatyKGError as exc:
            if not path.is_dir():
                raise
            failures.append(str(exc))
    return records, failures


def _write(path: Path, data: bytes | str) -> None:
    from ..output import write_atomic

    write_atomic(path, data.encode("utf-8") if isinstance(data, str) else data)


def _named(output: Path | None) -> bool:
    return output is not None and str(output) != "-"


def _emit(output: Path | None, data: bytes | str) -> None:
    """``data`` to the file ``output``, or to standard output when it is None or ``-``."""
    if output is not None and str(output) != "-":
        _write(output, data)
    else:
        click.echo(data, nl=False)


def _finish(failures: list[str]) -> None:
    for f in failures:
        click.echo(terminal_safe(f"treatykg: error: {f}"), err=True)
    if failures:
        raise PartialFailure(f"{len(failures)} text(s) could not be read")


@click.group("wikidata", epilog=_EXIT)
def wikidata_group() -> None:
    """Link entities to Wikidata and prepare candidate edits for human review.

    \b
      treatykg wikidata reconcile data/ -o links.ttl --review review.tsv --decisions decisions.tsv
      treatykg wikidata export data/004_cn_gh_friendship_treaty_1961.txt \\
          --source-url https://example.org/treaties/004 --decisions decisions.tsv \\
          -o new-items.qs --review export-review.tsv

    reconcile needs the network (the Wikidata API and query service); export does not.
    Nothing is written to Wikidata by treatykg.
    """


@wikidata_group.command("reconcile", epilog=_EXIT)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Turtle file of the links: owl:sameAs and skos:exactMatch from our IRIs "
                   "(state/{id}, places, persons), wdt:P17 from organs. Default: standard output.")
@click.option("--review", type=click.Path(path_type=Path), default=None,
              help="TSV of the candidates, with scores, of entities not linked. Default: not written "
                   "(their number is printed).")
@click.option("--decisions", type=click.Path(path_type=Path), default=None,
              help="TSV of decisions (key, QID, accept/reject/verified/auto, note): read if it exists, "
                   "then rewritten with the new verified and automatic links. Default: none kept.")
@click.option("--api-url", default=None, metavar="URL",
              help="MediaWiki API (default https://www.wikidata.org/w/api.php).")
@click.option("--sparql-url", default=None, metavar="URL",
              help="SPARQL endpoint (default https://query.wikidata.org/sparql).")
@click.option("--facts", "facts_via", type=click.Choice(["sparql", "api"]), default="sparql",
              show_default=True, help="Read the candidates' facts (P31, P569, P570, P571, P576) from the "
                                      "SPARQL endpoint or with wbgetentities (states are always looked up "
                                      "on the SPARQL endpoint).")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=None,
              help="Cache of the answers (default ~/.cache/treatykg/wikidata).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--offices", is_flag=True, help="Also reconcile office titles (always sent to review "
                                               "unless --position-class is given).")
@click.option("--position-class", "position_classes", multiple=True, metavar="QID",
              help="A class whose instances (or subclasses) count as positions, for --offices.")
@click.option("--base", default=None, metavar="IRI", help="Base IRI of our identifiers.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, metavar="SECONDS",
              help="Seconds one request may take in all: connecting, sending and the whole answer "
                   "(a server that trickles its answer is cut off).")
def reconcile_cmd(path: Path, output: Path | None, review: Path | None, decisions: Path | None,
                  api_url: str | None,
                  sparql_url: str | None, facts_via: str, cache_dir: Path | None, no_cache: bool,
                  offices: bool, position_classes: tuple[str, ...], base: str | None, timeout: float) -> None:
    """Look up the parties (as states), signatories and places of PATH (a treaty text or
    a folder of them) on Wikidata, and link what is found by a unique key or has exactly one
    candidate left; write the rest, with scores and reasons, to the review file.

    \b
    States: by ISO 3166 code (P297 alpha-2, P773 alpha-4); a code held by exactly one
    item is a verified link. States without a code, or whose code no item holds: by
    label, and only if the dissolution (P576) and inception (P571) years agree with the
    gazetteer's (decision auto). The gazetteer's own ids are never overwritten; anything
    that disagrees with them goes to review. Persons, places: wbsearchentities, then the
    constraints (a human alive at the date; a place that existed then).

    Needs the network: offline it stops with exit 7 and writes nothing."""
    from .. import wikidata as wd
    from ..namespaces import DEFAULT_BASE

    from ..net import check_url

    for url in (api_url, sparql_url):
        if url is not None:
            check_url(url)
    records, failures = _records(path)
    client = wd.WikidataClient(api_url=api_url or wd.DEFAULT_API_URL,
                               sparql_url=sparql_url or wd.DEFAULT_SPARQL_URL,
                               cache_dir=None if no_cache else (cache_dir or wd.DEFAULT_CACHE_DIR),
                               timeout=timeout)
    result = api.reconcile(records, client, decisions=wd.Decisions.load(decisions),
                          base=base or DEFAULT_BASE, facts_via=facts_via, offices=offices,
                          position_classes=position_classes)
    _emit(output, wd.links_turtle(result))
    where = [f"links in {output}" if _named(output) else "links on standard output"]
    if review is not None:
        _write(review, wd.review_tsv(result))
        where.append(f"review in {review}")
    else:
        where.append("review not written (--review FILE)")
    if decisions is not None:
        _write(decisions, result.decisions.to_tsv())
        where.append(f"decisions in {decisions}")
    click.echo(terminal_safe(f"treatykg: {result}; {', '.join(where)}"), err=True)
    _finish(failures)


def _metadata(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None:
        return {}
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the metadata file: {exc}", path=str(path)) from exc
    if rows and "file" not in rows[0]:
        raise InputError("the metadata file needs a 'file' column (and source_url, en_title)",
                         path=str(path))
    return {r["file"]: r for r in rows if r.get("file")}


_NO_REFERENCE = ("every statement needs a reference: pass --source-url URL or --stated-in QID "
                 "(or --metadata FILE with a source_url column)")


@wikidata_group.command("export", epilog=_EXIT)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="QuickStatements file (default: standard output).")
@click.option("--review", type=click.Path(path_type=Path), default=None,
              help="TSV of what was left out (unverified ids, persons, no reference). Default: not "
                   "written (their number is printed).")
@click.option("--source-url", default=None, metavar="URL",
              help="Where the text is published: P953 and the reference (S854) of every statement.")
@click.option("--stated-in", default=None, metavar="QID",
              help="Reference every statement with 'stated in' (S248) this item.")
@click.option("--retrieved", default=None, metavar="YYYY-MM-DD",
              help="Retrieval date of the source (S813). Default: today.")
@click.option("--class", "item_class", default=None, metavar="QID",
              help="P31 of the new items. Default: by document type — treaty (Q131569), or "
                   "bilateral treaty (Q9557810) with exactly two parties, for a treaty, agreement, "
                   "protocol or exchange of notes; none (listed for review) for joint statements, "
                   "communiqués, declarations and memoranda, which no verified class fits.")
@click.option("--metadata", type=click.Path(path_type=Path), default=None,
              help="TSV with columns file, source_url, en_title: per-text source URL and English title.")
@click.option("--decisions", type=click.Path(path_type=Path), default=None,
              help="Decisions file of `reconcile`: its 'accept' and 'verified' links are used too "
                   "('auto' ones are not: check them and make them 'accept').")
def export_cmd(path: Path, output: Path | None, review: Path | None, source_url: str | None,
               stated_in: str | None, retrieved: str | None, item_class: str | None,
               metadata: Path | None, decisions: Path | None) -> None:
    """QuickStatements v1 commands creating one Wikidata item per treaty text in PATH.

    Every statement is referenced: pass --source-url, --stated-in, or --metadata with a
    source_url per text (without any of them there is nothing to make: exit 2). Only
    verified ids are used (the gazetteer's, and 'accept' or 'verified' decisions); persons
    never get an item. Review the commands, then paste them into QuickStatements
    yourself: treatykg writes nothing to Wikidata.
    """
    from .. import wikidata as wd

    if not (source_url or stated_in or metadata):
        raise click.UsageError(_NO_REFERENCE)
    records, failures = _records(path)
    meta = _metadata(metadata)
    urls = {r.source.name: (meta.get(r.source.name, {}).get("source_url") or source_url or "")
            for r in records}
    if not stated_in and not any(urls.values()):
        raise click.UsageError(f"{_NO_REFERENCE} ({metadata} gives no source_url for these texts)")
    titles = {name: m.get("en_title") or "" for name, m in meta.items()}
    try:
        result = api.quickstatements(records, source_url=urls, stated_in=stated_in, retrieved=retrieved,
                                    item_class=item_class, en_titles=titles,
                                    decisions=wd.Decisions.load(decisions) if decisions else None)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    _emit(output, result.text())
    if review is not None:
        _write(review, result.review_tsv())
    listed = f"listed in {review}" if review is not None else "not listed (--review FILE)"
    click.echo(terminal_safe(f"treatykg: {result.documents} item(s) to create; {len(result.review)} thing(s) "
                             f"left out, {listed}"), err=True)
    _finish(failures)

