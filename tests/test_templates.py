"""Pages from templates (issue 18): every template autoescapes, hostile values come out escaped
on the site, the annotated page and the docs, and an installed package finds its templates and
static files. That the pages did not change when they moved into templates is checked by
``scripts/page_outputs.py`` (record the pages of two trees, compare them byte for byte)."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from treatykg.templating import environment, render, static_text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "corpus"
SEED = CORPUS / "1958-02-19_cn-kp_joint-statement.txt"

HOSTILE = "<script>alert(1)</script>\"'&"
ESCAPED = html.escape(HOSTILE, quote=True)  # &lt;script&gt;…&quot;&#x27;&amp;
DISCLAIMER = ("免 责 条 款\n\n我们努力提供准确的条约信息并定期核查、更新，但仍难以保证数据库中的条约信息与条约正式文本完全一致。"
              "对于使用本数据库信息可能导致的损失或法律纠纷，我们不承担任何责任。感谢您的理解和支持。\n\n")
#: a title, a file name, a party and a signatory's name that carry markup, quotes and an ampersand
FILE_NAME = "hostile <b>\"'&.txt"
TEXT = DISCLAIMER + f"""中华人民共和国政府和新西兰政府关于{HOSTILE}文化合作的协定
中华人民共和国政府和新西兰政府达成协议如下：
第一条 双方交换文化代表团。
本协定于一九八八年九月十日在北京签订。
中华人民共和国政府代表　　　　新西兰政府代表
梁一平　　　　　　　　　　　　约翰·布朗
"""
TOML_HOSTILE = HOSTILE.replace('"', '\\"')  # in a TOML basic string
TOML_FILE_NAME = FILE_NAME.replace('"', '\\"')
#: a text without a signature block: the index lists it to review, by its file name
UNSIGNED_NAME = "unsigned <i>\"'&.txt"
UNSIGNED = DISCLAIMER + """联合新闻公报
应双方商定，两国外长于一九八五年五月六日在北京举行了会谈，就共同关心的问题交换了意见。
一九八五年五月六日于北京
"""
CORRECTIONS = f"""
[[correction]]
document = "{TOML_FILE_NAME}"
field = "parties"
action = "set"
value = ["中华人民共和国政府", "{TOML_HOSTILE}政府"]
curator = "{TOML_HOSTILE}"

[[correction]]
document = "{TOML_FILE_NAME}"
field = "signatories"
action = "set"
value = [{{ name = "{TOML_HOSTILE}", title = "中华人民共和国政府代表", party = "中华人民共和国政府" }}]
curator = "x"
"""


def assert_escaped(page: str, *values: str) -> None:
    """No hostile value as it is in ``page``; each of ``values`` there, escaped as the pages escape."""
    assert "<script>alert" not in page
    assert "<b>" not in page and "<i>" not in page
    for v in values:
        assert v not in page
        assert html.escape(v, quote=True) in page, v


# ---------------------------------------------------------------- every template
def test_every_template_autoescapes_and_none_turns_it_off():
    env = environment()
    names = env.list_templates()
    assert {"page.html", "macros.html", "view.html", "site/index.html", "site/facts.html", "site/person.html",
            "site/state.html", "site/macros.html", "docs/ontology.html", "docs/shapes.html"} <= set(names)
    assert env.autoescape is True
    for name in names:
        source = (files("treatykg") / "templates" / name).read_text(encoding="utf-8")
        # no value marked safe, no autoescape switched off, no escaping by hand
        assert not re.search(r"\|\s*safe\b|autoescape\s+false|\|\s*e(scape)?\b|\|\s*join\b", source), name
        env.get_template(name)  # compiles


def test_values_are_escaped_as_html_escape_does_not_the_markupsafe_way():
    page = render("page.html", title=HOSTILE, style=None, script=None)
    assert f"<title>{ESCAPED}</title>" in page
    assert "&#34;" not in page and "&#39;" not in page  # MarkupSafe's bytes: never in a page


@given(st.one_of(st.text(), st.integers(), st.none()))
def test_a_template_escapes_any_value_as_html_escape_does(value):
    expected = html.escape("" if value is None else str(value), quote=True)
    assert environment().from_string("{{ v }}").render(v=value) == expected


# ---------------------------------------------------------------- the site
@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> Path:
    from treatykg.build import build

    tmp = tmp_path_factory.mktemp("hostile")
    src, out = tmp / "src", tmp / "out"
    src.mkdir()
    (src / FILE_NAME).write_text(TEXT, encoding="utf-8")
    (src / UNSIGNED_NAME).write_text(UNSIGNED, encoding="utf-8")
    corrections = tmp / "corrections.toml"
    corrections.write_text(CORRECTIONS, encoding="utf-8")
    build(src, out, workers=1, corrections=corrections)
    return out


def _pages(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*")
            if p.suffix in (".html", ".svg")}


def test_hostile_titles_names_and_file_names_are_escaped_on_the_site(hostile_build, tmp_path):
    from treatykg.site import build_site

    out = tmp_path / "out"
    shutil.copytree(hostile_build, out, ignore=shutil.ignore_patterns(".treatykg.lock"))
    build_site(out, workers=1)
    pages = _pages(out / "site")
    index = pages["index.html"]
    assert_escaped(index, f"关于{HOSTILE}文化合作的协定", f"{HOSTILE}政府", UNSIGNED_NAME)
    assert 'id="review-list"' in index
    (doc,) = [p for n, p in pages.items() if n.startswith("doc/") and "关于" in p]
    assert_escaped(doc, f"关于{HOSTILE}文化合作的协定", FILE_NAME)
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in doc  # the facts' JSON, not markup
    persons = [p for n, p in pages.items() if n.startswith("person/")]
    assert any(ESCAPED in p for p in persons)
    for name, page in pages.items():
        assert_escaped(page)
        if name.endswith(".html"):
            assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")

    # without its text, the document page lists the facts: escaped too
    shutil.rmtree(out / "texts")
    build_site(out, workers=1)
    (doc,) = [p for n, p in _pages(out / "site").items() if n.startswith("doc/") and "关于" in p]
    assert 'class="facts"' in doc
    assert_escaped(doc, f"关于{HOSTILE}文化合作的协定", FILE_NAME)


def test_hostile_values_in_the_pages_of_a_collection_made_by_hand(tmp_path):
    from treatykg.site import Collection, Document, Person, Role, _Site
    from treatykg.collection import State

    base = "https://example.org/id/"
    col = Collection(base=base)
    doc = f"{base}doc/d"
    col.documents[doc] = Document(graph=f"{doc}/graph", iri=doc, type_local="Treaty", title=f"条约{HOSTILE}",
                                  date="1960-01-01", place=f"北京{HOSTILE}", file_name=FILE_NAME, slug="d",
                                  parties=[(f"{base}agent/x", f"甲{HOSTILE}")])
    col.persons[f"{base}person/p"] = Person(iri=f"{base}person/p", zh=f"人{HOSTILE}", en=f"P{HOSTILE}", slug="p")
    col.roles.append(Role(person=f"{base}person/p", document=doc, role="signatory", office=f"代表{HOSTILE}",
                          agent=f"{base}agent/x", agent_label=f"甲{HOSTILE}"))
    col.states["k"] = State(key="k", zh=f"国{HOSTILE}", en=f"S{HOSTILE}", iri=f"{base}agent/x", slug="k",
                            wikidata='Q1"><script>', agents={f"{base}agent/x", f"{base}agent/y"})
    col.state_of_agent[f"{base}agent/x"] = "k"
    site = _Site(tmp_path, col, {})
    assert_escaped(site.index("<svg></svg>", "<svg></svg>"), f"条约{HOSTILE}", f"北京{HOSTILE}", f"甲{HOSTILE}",
                   f"人{HOSTILE}", f"P{HOSTILE}", f"国{HOSTILE}", f"S{HOSTILE}")
    assert_escaped(site.person(col.persons[f"{base}person/p"]), f"人{HOSTILE}", f"代表{HOSTILE}", f"条约{HOSTILE}")
    state = site.state(col.states["k"])
    assert_escaped(state, f"国{HOSTILE}", f"人{HOSTILE}", f"甲{HOSTILE}")
    assert "wikidata.org" not in state  # not a Q-number: no link at all
    assert_escaped(site.facts_page(col.documents[doc], f"why {HOSTILE}"), f"why {HOSTILE}", f"条约{HOSTILE}",
                   FILE_NAME)


# ---------------------------------------------------------------- the annotated page
def test_hostile_titles_names_and_file_names_are_escaped_on_the_view_page(tmp_path, run_main):
    text = tmp_path / FILE_NAME
    text.write_text(TEXT, encoding="utf-8")
    corrections = tmp_path / "corrections.toml"
    corrections.write_text(CORRECTIONS, encoding="utf-8")
    page = tmp_path / "page.html"
    code, _, err = run_main("view", str(text), "-o", str(page), "--corrections", str(corrections))
    assert code == 0, err
    result = page.read_text(encoding="utf-8")
    assert_escaped(result, f"关于{HOSTILE}文化合作的协定", f"{HOSTILE}政府", FILE_NAME)
    assert f"<title>中华人民共和国政府和新西兰政府关于{ESCAPED}文化合作的协定</title>" in result
    assert f"✎ {ESCAPED}" in result  # the curator, in the rejected list


# ---------------------------------------------------------------- the docs
def test_hostile_labels_comments_messages_and_file_names_are_escaped_on_the_docs_pages(tmp_path):
    from treatykg.docs import ontology_html, shapes_html

    lit = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    onto = tmp_path / f"onto {HOSTILE[:8]}&.ttl"
    onto.write_text(f"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix tkg: <https://w3id.org/treatykg/ontology#> .
<https://w3id.org/treatykg/ontology> a owl:Ontology ; rdfs:label "O{lit}"@en ; owl:versionInfo "1{lit}" .
tkg:Thing a owl:Class ; rdfs:label "T{lit}"@en , "物{lit}"@zh ; rdfs:comment "C{lit}"@en .
""", encoding="utf-8")
    page = ontology_html(onto)
    assert_escaped(page, f"O{HOSTILE}", f"1{HOSTILE}", f"T{HOSTILE}", f"物{HOSTILE}", f"C{HOSTILE}", onto.name)

    shapes = tmp_path / f"shapes {HOSTILE[:8]}&.ttl"
    shapes.write_text(f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix tkg: <https://w3id.org/treatykg/ontology#> .
@prefix tkgsh: <https://w3id.org/treatykg/shapes#> .
tkgsh:S a sh:NodeShape ; sh:targetClass tkg:Thing ; sh:message "M{lit}" ;
  sh:property [ sh:path tkg:p ; sh:hasValue "V{lit}" ; sh:in ( "I{lit}" 1 ) ] .
""", encoding="utf-8")
    page = shapes_html(shapes)
    assert_escaped(page, f"M{HOSTILE}", shapes.name)
    assert "V&lt;script&gt;" in page and "I&lt;script&gt;" in page


# ---------------------------------------------------------------- package data
def test_the_package_finds_every_template_and_static_file_it_names():
    root = files("treatykg")
    for name in ("page.css", "view.css", "view.js", "site.js", "docs.css"):
        assert (root / "static" / name).is_file()
        assert static_text(name) and static_text(name) is static_text(name)  # read once
    sources = "".join((ROOT / "src" / "treatykg" / m).read_text(encoding="utf-8")
                      for m in ("view.py", "site_pages.py", "docs.py"))
    rendered = set(re.findall(r'render\(\s*"([\w/]+\.html)"', sources))
    assert {"view.html", "site/index.html", "site/facts.html", "site/person.html", "site/state.html",
            "docs/ontology.html", "docs/shapes.html"} <= rendered
    for name in rendered:
        assert (root / "templates" / name).is_file(), name
    for name in ("documents", "parties", "roles", "annotations"):
        assert (root / "collection_queries" / f"{name}.rq").is_file()


def test_an_installed_wheel_renders_its_pages_from_its_own_templates_and_static_files(tmp_path):
    """The wheel ``pip install .`` would install, unpacked in a folder of its own: the pages it
    renders (view, docs) come from its templates and static files, not from this checkout."""
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling: pip install -e '.[test]'")
    wheels = tmp_path / "wheels"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--no-index", "--quiet", "-w", str(wheels), str(ROOT)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (wheel,) = wheels.glob("treatykg-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("templates/page.html", "templates/view.html", "templates/site/index.html",
                 "templates/docs/shapes.html", "static/page.css", "static/view.js", "static/site.js",
                 "collection_queries/roles.rq"):
        assert f"treatykg/{name}" in names, name
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    script = """
import sys
from pathlib import Path
import treatykg
from importlib.resources import files
from treatykg.docs import write_docs
from treatykg.view import view_file
assert Path(treatykg.__file__).resolve().is_relative_to(Path(sys.argv[1]).resolve()), treatykg.__file__
assert files("treatykg").joinpath("templates", "view.html").is_file()
view_file(sys.argv[2], Path(sys.argv[3]) / "view.html")
write_docs(sys.argv[3])
"""
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-c", script, str(site), str(SEED), str(out)],
                          env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = (out / "view.html").read_text(encoding="utf-8")
    assert static_text("page.css") in page and static_text("view.css") in page and static_text("view.js") in page
    assert 'id="ann-1"' in page
    assert static_text("docs.css") in (out / "ontology.html").read_text(encoding="utf-8")
    assert "tkgsh:" in (out / "shapes.html").read_text(encoding="utf-8")
