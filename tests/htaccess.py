"""A small evaluator of the Apache ``mod_rewrite`` rules ``treatykg publish-config`` writes, so that
the tests can check where an IRI goes without Apache or the network.

It follows Apache 2.4's documented semantics for the subset the rules use, and refuses anything
else (so a rule it does not understand fails the tests instead of passing unnoticed):

* the file sits in a folder (``treatykg/`` of w3id.org); a request's path has that folder
  stripped and is **percent-decoded** before the patterns see it (per-directory context);
  an encoded slash (``%2F``) is a 404, as with ``AllowEncodedSlashes Off``;
* ``RewriteCond %{HTTP_ACCEPT} [!]regex [NC]`` (a regular expression searched in the value;
  conditions apply to the next ``RewriteRule`` only);
* ``RewriteRule regex substitution [flags]``, flags ``R=code``, ``L``, ``NE``; in the
  substitution ``$N`` is a group of the rule's pattern, ``%N`` of the last condition's,
  ``\\x`` the character ``x``; without ``NE`` the result is escaped for the redirect
  (``%`` becomes ``%25``, non-ASCII its UTF-8 bytes in lowercase hex, as Apache writes them);
* every rule here redirects (``R``) and ends (``L``): the first that matches answers.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit


@dataclass
class Rule:
    conds: list[tuple[str, str, bool, bool]]   # (variable, regex, negated, nocase)
    pattern: str
    substitution: str
    status: int
    escape: bool


def parse(text: str) -> list[Rule]:
    rules: list[Rule] = []
    conds: list[tuple[str, str, bool, bool]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = shlex.split(line, posix=False)
        if words[0] == "Options" or words == ["RewriteEngine", "on"]:
            continue
        flags = set()
        if words[-1].startswith("[") and words[-1].endswith("]"):
            flags = set(words.pop()[1:-1].split(","))
        if words[0] == "RewriteCond":
            assert len(words) == 3 and words[1] == "%{HTTP_ACCEPT}", f"line {number}: {line}"
            assert flags <= {"NC"}, f"line {number}: flags {flags}"
            regex = words[2]
            conds.append(("HTTP_ACCEPT", regex.lstrip("!"), regex.startswith("!"), "NC" in flags))
        elif words[0] == "RewriteRule":
            assert len(words) == 3, f"line {number}: {line}"
            status = [int(f[2:]) for f in flags if f.startswith("R=")]
            assert len(status) == 1 and "L" in flags and flags <= {"L", "NE", f"R={status[0]}"}, \
                f"line {number}: flags {flags}"
            rules.append(Rule(conds, words[1], words[2], status[0], "NE" not in flags))
            conds = []
        else:
            raise AssertionError(f"line {number}: not understood: {line}")
    assert not conds, "a RewriteCond without its RewriteRule"
    return rules


def _substitute(text: str, groups: tuple, cond_groups: tuple) -> str:
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        elif c in "$%" and i + 1 < len(text) and text[i + 1].isdigit():
            n = int(text[i + 1])
            source = groups if c == "$" else cond_groups
            out.append((source[n] if n < len(source) else "") or "")
            i += 2
        else:
            assert not (c == "%" and text[i + 1:i + 2] == "{"), "server variables are not used"
            out.append(c)
            i += 1
    return "".join(out)


def _escape(url: str) -> str:
    """What Apache does to a redirect's result without NE: every character outside the URL's
    own set percent-encoded (``%`` too), in lowercase hex."""
    parts = urlsplit(url)
    path = quote(parts.path, safe="/:@!$&'()*+,;=-._~")
    path = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), path)
    return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{parts.query}" if parts.query else "")


class Rules:
    """The rules of one ``.htaccess``, living in ``folder`` (``treatykg/``) of its host."""

    def __init__(self, text: str, folder: str):
        self.rules = parse(text)
        self.folder = folder

    def answer(self, path: str, accept: str | None = None) -> tuple[int, str] | None:
        """(status, Location) for a request of ``path`` (as sent: percent-encoded, from the
        host's root), or None (no rule: the host answers 404)."""
        prefix = "/" + self.folder
        if not path.startswith(prefix) or "%2f" in path.lower():
            return None
        local = unquote(path[len(prefix):])
        for rule in self.rules:
            m = re.search(rule.pattern, local)
            if not m:
                continue
            cond_groups: tuple = ("",)
            ok = True
            for _var, regex, negated, nocase in rule.conds:
                c = re.search(regex, accept or "", re.IGNORECASE if nocase else 0)
                if bool(c) == negated:
                    ok = False
                    break
                if c:
                    cond_groups = (c.group(0),) + c.groups()
            if not ok:
                continue
            result = _substitute(rule.substitution, (m.group(0),) + m.groups(), cond_groups)
            return rule.status, (_escape(result) if rule.escape else result)
        return None

    def follow(self, path: str, accept: str | None, host: str, limit: int = 5) -> list[tuple[int, str]]:
        """The answers from ``path`` on, following the redirects back to ``host`` (an alias)."""
        chain: list[tuple[int, str]] = []
        for _ in range(limit):
            got = self.answer(path, accept)
            if got is None:
                break
            chain.append(got)
            parts = urlsplit(got[1])
            if parts.netloc != host:
                break
            path = parts.path
        return chain
