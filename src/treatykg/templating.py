"""HTML from templates: the helpers the site (:mod:`treatykg.site`), the annotated page
(:mod:`treatykg.view`) and the documentation (:mod:`treatykg.docs`) share.

Markup lives in Jinja2 templates (``templates/``), styles and scripts in files
(``static/``); both travel inside the package and are read as package data
(``importlib.resources``), so an installed wheel finds them as a checkout does. Every page is
self-contained: its CSS and JS are inlined from ``static/`` (each file read once).

Rules:

* **Autoescape, always.** The environment escapes every ``{{ value }}`` of every template. It
  escapes as :func:`html.escape` does (``&quot;``, ``&#x27;``), which is how the pages were
  escaped before they came from templates; MarkupSafe, Jinja2's own escaper, writes ``&#34;``
  and ``&#39;`` (the same meaning in other bytes). The environment's ``finalize`` does it, for
  variables; so in a template, never glue data to markup with ``~`` or the ``join`` filter
  (those escape the MarkupSafe way): join the strings in Python, or loop.
* **Markup only for what is already safe**: a macro's output, the SVG of :mod:`treatykg.charts`
  (every text in it escaped there, with :func:`escape`), the files of ``static/``, JSON for a
  ``<script>`` (:func:`json_for_script`), and the navigation HTML a caller of
  :func:`treatykg.view.render_document` gives. Each use says why.
* **Shared macros are globals**: ``bi(en, zh)`` (``macros.html``, a bilingual label) is
  memoised, and ``static(name)`` inlines a file of ``static/``.
* **Whitespace is output.** The pages keep the bytes they had: ``trim_blocks`` and
  ``lstrip_blocks`` drop the lines block tags stand on, and a line that starts with ``{#- #}``
  continues the previous one (the newline and the indentation before it are not output).
"""
from __future__ import annotations

import html
import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from markupsafe import escape as markupsafe_escape

__all__ = ["render", "static_text", "escape", "json_for_script", "environment"]


def escape(text: Any) -> str:
    """``text`` escaped for element content and (double-quoted) attribute values, as the
    templates escape values: for markup written in Python (the charts' SVG)."""
    return html.escape("" if text is None else str(text), quote=True)


def _finalize(value: Any) -> Any:
    """Every ``{{ value }}`` of a template: markup as it is, anything else escaped as
    :func:`escape` does (None is written as nothing). MarkupSafe's escaper (compiled) does the
    work; its two entities that differ are then written as :func:`html.escape` writes them
    (a ``&`` of the value is ``&amp;`` by then: only the escaper's own entities can match)."""
    if hasattr(value, "__html__"):
        return value
    if value is None:
        return Markup()
    text = markupsafe_escape(value)
    if "&#3" in text:
        text = Markup(str(text).replace("&#34;", "&quot;").replace("&#39;", "&#x27;"))
    return text


@lru_cache(maxsize=None)
def static_text(name: str) -> str:
    """The text of ``static/<name>`` (a style sheet or a script), read once."""
    return files("treatykg").joinpath("static", name).read_text(encoding="utf-8")


def _static(name: str) -> Markup:
    # Markup: our own CSS or JS from static/, inlined as it is (escaping would break it).
    return Markup(static_text(name))


def json_for_script(data: Any) -> Markup:
    """``data`` as JSON to put inside ``<script type="application/json">``: ``<``, ``>`` and
    ``&`` (and U+2028/2029) written as ``\\uXXXX``, so that no value can close the script."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    # Markup: JSON whose every character that HTML could read as markup is a \u escape.
    return Markup(text)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of every page: templates from the package, autoescape on."""
    env = Environment(loader=PackageLoader("treatykg", "templates"), autoescape=True, finalize=_finalize,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      undefined=StrictUndefined)
    env.globals["static"] = _static
    # bi (macros.html) as a global, memoised: its output depends only on its two strings, and
    # a collection's pages call it hundreds of thousands of times with a few dozen pairs
    env.globals["bi"] = lru_cache(maxsize=4096, typed=True)(env.get_template("macros.html").module.bi)
    return env


def render(name: str, **context: Any) -> str:
    """The template ``templates/<name>`` rendered with ``context``."""
    return environment().get_template(name).render(**context)
