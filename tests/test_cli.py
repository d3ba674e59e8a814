"""The command line, in process: exit codes, outputs, and the validate round trip."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from treatykg.cli import cli, main

CORPUS = Path(__file__).parent / "corpus"
SEED = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"
COMMANDS = sorted(cli.commands)


def run(args, **kw):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, **kw)


def run_main(args, capsys):
    """Through main(), which maps errors to exit codes and one-line messages."""
    code = 0
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", [None] + COMMANDS)
def test_every_command_has_help_with_exit_codes(command):
    result = run(([command] if command else []) + ["--help"])
    assert result.exit_code == 0
    assert "Exit codes" in result.output and "3  input error" in result.output


def test_extract_json_is_the_record_of_the_corpus_readme():
    result = run(["extract", SEED, "--format", "json"])
    record = json.loads(result.output)
    for key in ("title", "doc_type", "parties", "signed_date", "signed_place", "signatories",
                "authentic_languages", "articles", "referenced", "entry_into_force", "evidence"):
        assert key in record
    assert record["signed_date"] == "1958-02-19"


def test_extract_text_shows_each_fact_beside_its_quote():
    result = run(["extract", SEED, "--format", "text"])
    line = next(ln for ln in result.output.splitlines() if ln.startswith("signed_date"))
    assert "1958-02-19" in line and "«1958年2月19日»" in line


@pytest.mark.parametrize("fmt, parse_as", [("turtle", "turtle"), ("trig", "trig"), ("nt", "nt"),
                                           ("nq", "nquads"), ("jsonld", "json-ld")])
def test_convert_writes_parsable_rdf_in_each_format(tmp_path, fmt, parse_as):
    out = tmp_path / f"seed.{fmt}"
    assert run(["convert", SEED, "-o", out, "--format", fmt]).exit_code == 0
    ds = rdflib.Dataset()
    ds.parse(out, format=parse_as)
    titles = {str(o) for _, _, o, _ in ds.quads((None, rdflib.URIRef("http://purl.org/dc/terms/title"), None, None))}
    assert "中华人民共和国政府和朝鲜民主主义人民共和国政府联合声明" in titles


def test_convert_is_byte_identical_on_rerun(tmp_path):
    a, b = tmp_path / "a.trig", tmp_path / "b.trig"
    run(["convert", SEED, "-o", a])
    run(["convert", SEED, "-o", b])
    assert a.read_bytes() == b.read_bytes()


def test_timestamp_is_only_there_when_asked(tmp_path):
    plain, stamped = tmp_path / "p.nq", tmp_path / "s.nq"
    run(["convert", SEED, "-o", plain])
    run(["convert", SEED, "-o", stamped, "--timestamp"])
    assert "generatedAtTime" not in plain.read_text() and "generatedAtTime" in stamped.read_text()


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
def test_every_reference_text_conforms(tmp_path, path, capsys):
    out = tmp_path / "doc.trig"
    assert run(["convert", path, "-o", out]).exit_code == 0
    code, text, _ = run_main(["validate", out], capsys)
    assert code == 0, text


@pytest.mark.parametrize("predicate", ["eli/ontology#date_document", "dc/terms/title"])
def test_deleting_the_date_or_the_title_makes_validate_exit_1(tmp_path, predicate, capsys):
    out = tmp_path / "doc.nq"
    run(["convert", SEED, "-o", out])
    kept = [ln for ln in out.read_text(encoding="utf-8").splitlines() if predicate not in ln]
    assert len(kept) < len(out.read_text(encoding="utf-8").splitlines())
    broken = tmp_path / "broken.nq"
    broken.write_text("\n".join(kept) + "\n", encoding="utf-8")
    code, text, _ = run_main(["validate", broken], capsys)
    assert code == 1
    assert re.search(r"(?i)violation", text)


def test_validate_json_report(tmp_path, capsys):
    out = tmp_path / "doc.ttl"
    run(["convert", SEED, "-o", out])
    code, text, _ = run_main(["validate", out, "--format", "json"], capsys)
    assert code == 0 and json.loads(text)["conforms"] is True


def test_validate_reads_a_treaty_text_directly(capsys):
    code, text, _ = run_main(["validate", SEED], capsys)
    assert code == 0


@pytest.mark.parametrize("args, code, message", [
    (["extract", "/nonexistent/x.txt"], 3, "no such file"),
    (["extract", CORPUS], 3, "is a folder"),
    (["extract", SEED, "--max-bytes", "100"], 3, "over the limit"),
    (["validate", "/nonexistent/x.ttl"], 3, "no such file"),
])
def test_bad_input_is_one_line_with_a_documented_exit_code(args, code, message, capsys):
    got, _, err = run_main(args, capsys)
    assert got == code
    assert message in err and str(args[1]) in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unparsable_rdf_is_exit_6_naming_the_file(tmp_path, capsys):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> \"unterminated .\n", encoding="utf-8")
    code, _, err = run_main(["validate", bad], capsys)
    assert code == 6 and "bad.ttl" in err and len(err.strip().splitlines()) == 1


def test_usage_error_is_exit_2(capsys):
    code, _, _ = run_main(["extract", "--no-such-option"], capsys)
    assert code == 2


def test_strict_turns_warnings_into_exit_1(tmp_path, capsys):
    text = SEED.read_text(encoding="utf-8")
    no_sig = tmp_path / "nosig.txt"
    no_sig.write_text(text[: text.index("1958年2月19日于平壤")], encoding="utf-8")
    code, _, err = run_main(["extract", no_sig], capsys)
    assert code == 0 and "warning" in err
    code, _, err = run_main(["extract", no_sig, "--strict"], capsys)
    assert code == 1 and "nosig.txt" in err


def test_python_dash_m_treatykg_is_the_treatykg_command():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "treatykg", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Usage:" in proc.stdout and "build" in proc.stdout


# ---------------------------------------------------------------- a true front door (issue 18)
README = Path(__file__).resolve().parent.parent / "README.md"


def _between(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def _all_commands():
    """(name as typed, click command) for every command, subcommands of groups included."""
    import click

    for name, command in sorted(cli.commands.items()):
        if isinstance(command, click.Group):
            for sub, subcommand in sorted(command.commands.items()):
                yield f"{name} {sub}", subcommand
        else:
            yield name, command


def test_the_readme_exit_codes_are_the_error_classes():
    """The README's table and the --help epilog are made from treatykg.errors, never by hand."""
    from treatykg.errors import exit_codes, exit_codes_help, exit_codes_markdown

    readme = README.read_text(encoding="utf-8")
    table = _between(readme, "<!-- exit-codes: generated by `python -m treatykg.errors` -->\n", "<!-- /exit-codes -->")
    assert table == exit_codes_markdown(), "README exit codes differ: paste `python -m treatykg.errors`"
    assert run(["--help"]).output.count("Exit codes") == 1
    assert exit_codes_help() in cli.epilog
    codes = {code for code, _ in exit_codes()}
    assert codes == {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 130}
    for name, command in _all_commands():   # a command's own table names only codes that exist
        listed = {int(m) for m in re.findall(r"^  (\d+) ", (command.epilog or "").split("Exit codes:")[-1], re.M)}
        assert listed <= codes, (name, listed - codes)


def test_ctrl_c_is_exit_130_without_a_traceback(monkeypatch, capsys):
    from treatykg import api as api_module

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(api_module, "extract", interrupted)
    code, out, err = run_main(["extract", SEED], capsys)
    assert code == 130 and err.strip() == "treatykg: interrupted"   # after the newline that ends ^C


def test_commands_are_registered_by_name_in_cli_py():
    """No discovery: cli.py names every command module it registers (pkgutil found them before)."""
    import inspect

    import treatykg.cli as cli_module
    import treatykg.commands as commands_package

    source = inspect.getsource(cli_module)
    assert "pkgutil" not in inspect.getsource(commands_package)
    modules = sorted(p.stem for p in Path(commands_package.__file__).parent.glob("*.py")
                     if p.stem not in ("__init__", "options"))
    for module in modules:
        assert "from .commands import" in source and f"{module} as {module}_cmd" in source, module
    for name, command in cli.commands.items():
        if command.callback.__module__ != "treatykg.cli":
            assert f"{command.callback.__name__}" in source, name


def test_every_command_calls_its_function_of_the_api():
    """Each command's callback calls the treatykg.api function the README's table names."""
    import importlib
    import inspect

    from treatykg import api as api_module

    readme = README.read_text(encoding="utf-8")
    table = _between(readme, "<!-- api-commands: treatykg.api.COMMANDS; a test checks this table -->",
                     "<!-- /api-commands -->")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([a-z -]+)` \| `(\w+)` \|", table, re.M)}
    for ref in re.findall(r"`(treatykg(?:\.\w+)+)`", table):     # "does the work": each name exists
        try:
            importlib.import_module(ref)                  # a module
        except ModuleNotFoundError:
            module, _, name = ref.rpartition(".")        # or a function of one
            assert hasattr(importlib.import_module(module), name), ref
    commands = dict(_all_commands())
    assert rows == api_module.COMMANDS
    assert set(rows) == {n for n, c in commands.items() if c.callback is not None}
    for name, function in rows.items():
        assert callable(getattr(api_module, function)), function
        source = inspect.getsource(commands[name].callback)
        helpers = [inspect.getsource(f) for f in vars(inspect.getmodule(commands[name].callback)).values()
                   if inspect.isfunction(f) and f.__module__ == commands[name].callback.__module__]
        assert f"api.{function}(" in source or any(f"api.{function}(" in h for h in helpers), name


def test_extract_text_columns_line_up_in_a_terminal_with_chinese_values():
    """A CJK character takes two terminal columns: the evidence column starts at the same column
    on every row whose value fits (it drifted by one column per Chinese character)."""
    import unicodedata

    from treatykg.api import extract
    from treatykg.cli import render_text

    def columns(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    out = render_text(extract(Path("data/1958-02-19_cn-kp_joint-statement.txt")))
    heads = [line[: line.index(" [")] for line in out.splitlines() if " [" in line and not line.startswith("#")]
    fitting = [h for h in heads if columns(h[29:].rstrip()) <= 40]
    assert any(columns(h[29:]) > len(h[29:]) for h in fitting)  # Chinese values among them
    assert {columns(h) for h in fitting} == {28 + 1 + 40}
