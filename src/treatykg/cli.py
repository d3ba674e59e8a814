"""The ``treatykg`` command: thin click commands over :mod:`treatykg.api`.

Every command parses its options, calls one function of :mod:`treatykg.api` and renders the
result. Errors become one line on standard error and a documented exit code (the table of
:func:`treatykg.errors.exit_codes`; Ctrl-C is 130). ``extract``, ``convert`` and ``validate``
are defined here; the others, one module each in :mod:`treatykg.commands`, are registered by
name below them.
"""
from __future__ import annotations

import errno
import io
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from . import __version__, api
from .commands import build as build_cmd, publish_config as publish_config_cmd, push as push_cmd
from .commands import query as query_cmd, review as review_cmd, serve as serve_cmd
from .commands import view as view_cmd, wikidata as wikidata_cmd
from .errors import TreatyKGError
from .model import Record
from .output import for_terminal, terminal_safe

from .commands.options import EXIT_CODES
from .commands.options import encoding as _encoding, evidence as _evidence, input_file as _input
from .commands.options import max_bytes as _max_bytes, strict as _strict


@click.group(epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="treatykg")
def cli() -> None:
    """treatykg: treaty texts exported from the PRC treaty database in, validated
    linked open data out.

    \b
    Typical use:
      treatykg extract data/1958-02-19_cn-kp_joint-statement.txt
      treatykg convert data/1958-02-19_cn-kp_joint-statement.txt -o seed.ttl
      treatykg validate seed.ttl
    """


@cli.command(epilog=EXIT_CODES)
@_input
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True,
              help="json: the record (as in the corpus README) with evidence spans; "
                   "text: each fact beside the quote it was read from, for a reviewer.")
@click.option("--mentions/--no-mentions", default=False, show_default=True,
              help="text: list every mention (states, persons, places … named in the text) too; "
                   "by default only their number. json always holds them.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
@_strict
@_max_bytes
@_encoding
def extract(file: Path, fmt: str, mentions: bool, output: Path | None, strict: bool, max_bytes: int,
            encoding: str | None) -> None:
    """Read one treaty text FILE and print its record.

    Offsets in the evidence are Unicode code points into the original text
    (decoded, byte-order mark removed), end exclusive.
    """
    record = api.extract(file, strict=strict, max_bytes=max_bytes, encoding=encoding)
    if fmt == "json":
        text = json.dumps(record.to_json(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_text(record, mentions=mentions)
    _emit(text.encode("utf-8"), output)
    _warn(file, record.warnings)


@cli.command(epilog=EXIT_CODES)
@_input
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Output file (written atomically); '-' or none for standard output.")
@click.option("--format", "fmt", type=click.Choice(sorted(api.FORMATS)), default=None,
              help="RDF format. Default: from the output file's extension, else turtle.")
@click.option("--base", default=None, metavar="IRI",
              help="Base IRI for minted identifiers (default https://w3id.org/treatykg/id/).")
@click.option("--timestamp", is_flag=True,
              help="Record the generation time in the document graph's provenance "
                   "(off by default, so that the same input gives byte-identical output).")
@click.option("--wikidata-triples", is_flag=True,
              help="Also write Wikidata-shaped wdt: statements and owl:sameAs links for the "
                   "entities with a verified Wikidata id (no network).")
@_evidence
@click.option("--corrections", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Apply a corrections file (TOML, see the README's 'Curating a collection'); "
                   "stale corrections are reported, not applied.")
@click.option("--metadata", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Add what the database's metadata (TSV/CSV) says and the text does not print; "
                   "disagreements are reported.")
@_strict
@_max_bytes
@_encoding
def convert(file: Path, output: Path | None, fmt: str | None, base: str | None, timestamp: bool,
            wikidata_triples: bool, evidence: str, corrections: Path | None, metadata: Path | None, strict: bool,
            max_bytes: int, encoding: str | None) -> None:
    """Convert one treaty text FILE to RDF: one named graph per document (more where a curator
    or the database's metadata asserts facts: see --corrections, --metadata).

    Formats: turtle and trig for people, nt and nq for volume, jsonld with a
    local context (no network).
    """
    fmt = fmt or (api.format_for(output) if output and str(output) != "-" else "turtle")
    record = api.extract(file, strict=strict, max_bytes=max_bytes, encoding=encoding)
    if corrections or metadata:
        record, stale, disagreements = api.curate(record, file, corrections=corrections, metadata=metadata)
        for s in stale:
            click.echo(f"treatykg: stale correction {s['number']} ({s['field']}): {file}: {s['why']}", err=True)
        for d in disagreements:
            click.echo(f"treatykg: metadata disagrees on {d['field']}: {file}: the text gives "
                       f"{d['text']!r}, the metadata {d['metadata']!r}", err=True)
    when = datetime.now(timezone.utc).replace(microsecond=0) if timestamp else None
    data = api.convert(record, fmt, base=base, generated_at=when, wikidata_triples=wikidata_triples,
                       evidence=evidence)
    _emit(data, output)
    _warn(file, record.warnings)


@cli.command(epilog=EXIT_CODES)
@_input
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True,
              help="text: a readable report grouped by document; json; turtle: the SHACL report graph.")
@click.option("--engine", type=click.Choice(["auto", "fast", "pyshacl"]), default="auto", show_default=True,
              help="fast: the shapes compiled to Python checks and Oxigraph SPARQL (same results, "
                   "~10x faster); pyshacl: the reference implementation; auto: fast when the "
                   "shapes use only what it compiles.")
@_max_bytes
@_encoding
def validate(file: Path, fmt: str, engine: str, max_bytes: int, encoding: str | None) -> None:
    """Validate FILE against the shapes: exit 0 if it conforms, 1 if not.

    FILE is RDF (.ttl, .trig, .nt, .nq, .jsonld) or a treaty text, which is
    converted first. Warnings alone conform; violations do not.
    """
    report = api.validate(file, engine=engine, max_bytes=max_bytes, encoding=encoding)
    if fmt == "json":
        click.echo(for_terminal(json.dumps(report.to_json(), ensure_ascii=False, indent=2)))
    elif fmt == "turtle":
        click.echo(for_terminal(report.to_turtle()))
    else:
        click.echo(terminal_safe(str(report), newlines=True))
    sys.exit(0 if report.conforms else 1)


# The other commands, one module each under treatykg/commands/, registered by name.
for _command in (build_cmd.build_command, query_cmd.query_command, serve_cmd.serve_command,
                 push_cmd.push_command, publish_config_cmd.publish_config_command,
                 review_cmd.review_command, view_cmd.view_command, view_cmd.site_command,
                 view_cmd.docs_command, wikidata_cmd.wikidata_group):
    cli.add_command(_command)


def _warn(file: Path, warnings: list[str]) -> None:
    """One line per warning on standard error, control characters neutralised."""
    for w in warnings:
        click.echo(terminal_safe(f"treatykg: warning: {file}: {w}"), err=True)


def _emit(data: bytes, output: Path | None) -> None:
    if output is None or str(output) == "-":
        if sys.stdout.isatty():  # a terminal: control characters shown, not obeyed
            data = for_terminal(data.decode("utf-8", "replace")).encode("utf-8")
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        from .output import write_atomic

        write_atomic(output, data)


def render_text(record: Record, *, mentions: bool = True) -> str:
    """Each fact beside the quote it was read from (``[start:end] «quote»``), one per line, as
    :data:`treatykg.model.FIELDS` says (which fields, in what order, their values); control
    characters of the text shown as escapes. ``mentions=False``: the mentions are counted by type
    on one line instead of listed."""
    data = record.to_json()
    ev = record.evidence()
    lines = [f"# {record.source.name}  sha256:{record.source.sha256[:12]}  ({record.source.encoding})"]
    rows = sorted((fld.text_at, n, fld, path, value) for n, (fld, path, _, value) in enumerate(record.fields(data))
                  if fld.text is not None and (mentions or fld.head != "mentions"))
    for _, _, fld, path, value in rows:
        shown = fld.text(value) if fld.text is not None else None
        if shown is None:
            continue
        where = "; ".join(f"[{s.start}:{s.end}] «{s.exact}»" for s in ev.get(path, [])) or "(no evidence)"
        lines.append(f"{path:28s} {_padded(str(shown), 40)} {where}")
        if fld.note is not None:
            lines.append(f"{'':28s} {fld.note(value)}")
    if not mentions and data["mentions"]:
        kinds: dict[str, int] = {}
        for m in data["mentions"]:
            kinds[m["type"]] = kinds.get(m["type"], 0) + 1
        counted = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        lines.append(f"{'mentions':28s} {len(data['mentions'])} ({counted}); --mentions lists them")
    for w in record.warnings:
        lines.append(f"warning: {w}")
    return "\n".join(terminal_safe(line) for line in lines) + "\n"


def _padded(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (a CJK character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


#: errno values of a write that failed for want of room or a working device: exit 5, not 9.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning every error into one line and an exit code.

    Every message is passed through :func:`treatykg.output.terminal_safe`: a file name or a
    server's answer cannot put control characters on the terminal or break the line.
    """
    try:
        try:
            cli.main(args=argv, prog_name="treatykg", standalone_mode=False)
        finally:
            sys.stdout.flush()  # a full disk shows here, while the error can still be reported
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        shown = io.StringIO()
        exc.show(file=shown)
        sys.stderr.write(terminal_safe(shown.getvalue(), newlines=True))
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("treatykg: interrupted", err=True)
        sys.exit(130)
    except TreatyKGError as exc:
        click.echo(terminal_safe(f"treatykg: error: {exc}"), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("treatykg: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(0)
    except OSError as exc:
        if exc.errno not in _WRITE_ERRNOS:
            _internal_error(exc)
        _quiet_stdout()
        click.echo(terminal_safe(f"treatykg: error: cannot write the output: {exc.strerror or exc}"), err=True)
        sys.exit(5)
    except Exception as exc:  # a bug: one line, not a traceback (TREATYKG_DEBUG=1 shows it)
        _internal_error(exc)


def _internal_error(exc: BaseException) -> None:
    if os.environ.get("TREATYKG_DEBUG"):
        raise exc
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    click.echo(terminal_safe(f"treatykg: internal error: {type(exc).__name__}: {detail} "
                             "(please report it with the input file)"), err=True)
    sys.exit(9)


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that Python's last flush of what could not be
    written (a closed pipe, a full disk) neither fails nor prints "Exception ignored"."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":  # pragma: no cover
    main()
