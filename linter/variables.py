"""Variable expansion the way BuildKit's own word lexer does it (not a real shell).

Used by the model to resolve ARG and ENV values, FROM images, ``--platform`` and the other
instructions the builder expands itself. Anything that depends on a variable that is unset stays
*unresolved* (``value is None``); callers skip it instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

__all__ = ["VarRef", "Expansion", "expand", "expand_pattern", "references", "UNSET"]

# Marks a variable that is declared (``ARG X``) but has no value.
UNSET = None

_NAME_START = re.compile(r"[A-Za-z_]")
_NAME = re.compile(r"[A-Za-z0-9_]*")
_SPECIAL = set("0123456789@*#?-$!")
_MODIFIERS = (":-", ":+", ":?", "##", "%%", "//", "-", "+", "?", "#", "%", "/")


@dataclass(frozen=True, slots=True)
class VarRef:
    """A variable reference in a text: ``name`` at ``[start, end)`` (the whole ``${...}``)."""

    name: str
    start: int
    end: int
    modifier: str = ""       # ":-", "+", "#", ... ("" for a plain reference)
    word: str = ""           # the modifier's word, unexpanded


@dataclass(frozen=True, slots=True)
class Expansion:
    """The result of expanding a text.

    ``value`` is None when the result depends on a variable that is not set (``unresolved``
    names it). ``used`` lists every name referenced; ``error`` is set when BuildKit would fail
    (``${X:?msg}`` on an unset X, a bad modifier, a missing ``}``). ``text`` is the result with
    every unset variable read as empty, which is what BuildKit produces when nothing sets them
    (equal to ``value`` when that is not None).
    """

    value: str | None
    used: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    error: str | None = None
    text: str = ""


class _Lexer:
    def __init__(self, text: str, env: Mapping[str, str | None], esc: str,
                 keep_quotes: bool, quotes: bool = True) -> None:
        self.s = text
        # False: quotes are ordinary characters (BuildKit's SkipProcessQuotes, for heredocs)
        self.quotes = quotes
        self.n = len(text)
        self.i = 0
        self.env = env
        self.esc = esc
        self.keep_quotes = keep_quotes
        self.used: list[str] = []
        self.unresolved: list[str] = []
        self.refs: list[VarRef] = []
        self.error: str | None = None
        # BuildKit's rawEscapes: keep the escape character (pattern words of # % /)
        self.raw_escapes = False

    def peek(self) -> str:
        return self.s[self.i] if self.i < self.n else ""

    def word(self, stop: str = "") -> str:
        out: list[str] = []
        while self.i < self.n:
            ch = self.s[self.i]
            if stop and ch in stop:
                break
            if ch == "'" and self.quotes:
                out.append(self.single_quote())
            elif ch == '"' and self.quotes:
                out.append(self.double_quote())
            elif ch == "$":
                out.append(self.dollar())
            elif ch == self.esc:
                self.i += 1
                if self.i < self.n:
                    if self.raw_escapes:
                        out.append(ch)
                    out.append(self.s[self.i])
                    self.i += 1
            else:
                out.append(ch)
                self.i += 1
        return "".join(out)

    def single_quote(self) -> str:
        self.i += 1
        j = self.s.find("'", self.i)
        if j < 0:
            self.error = self.error or "unexpected end of statement while looking for " \
                                       "matching single-quote"
            j = self.n
        body = self.s[self.i:j]
        self.i = min(j + 1, self.n)
        return f"'{body}'" if self.keep_quotes else body

    def double_quote(self) -> str:
        self.i += 1
        out: list[str] = []
        closed = False
        while self.i < self.n:
            ch = self.s[self.i]
            if ch == '"':
                self.i += 1
                closed = True
                break
            if ch == "$":
                out.append(self.dollar())
                continue
            self.i += 1
            if ch == self.esc and self.i < self.n:
                if self.raw_escapes:
                    out.append(ch)
                if self.s[self.i] in ('"', "$", self.esc):
                    ch = self.s[self.i]
                    self.i += 1
            out.append(ch)
        if not closed:
            self.error = self.error or "unexpected end of statement while looking for " \
                                       "matching double-quote"
        body = "".join(out)
        return f'"{body}"' if self.keep_quotes else body

    def lookup(self, name: str) -> tuple[bool, str]:
        """(is set, value)."""
        if name not in self.used:
            self.used.append(name)
        value = self.env.get(name)
        return (value is not None), (value or "")

    def mark_unresolved(self, name: str) -> None:
        if name not in self.unresolved:
            self.unresolved.append(name)

    def dollar(self) -> str:
        start = self.i
        self.i += 1
        ch = self.peek()
        if ch == "{":
            return self.braced(start)
        if ch and _NAME_START.match(ch):
            m = _NAME.match(self.s, self.i)
            name = self.s[self.i:m.end()]
            self.i = m.end()
            self.refs.append(VarRef(name, start, self.i))
            is_set, value = self.lookup(name)
            if not is_set:
                self.mark_unresolved(name)
            return value
        if ch and ch.isdigit():
            # positional parameters: all the digits are the name ($12 is one parameter)
            while self.i < self.n and self.s[self.i].isdigit():
                self.i += 1
            return ""
        if ch and ch in _SPECIAL:
            self.i += 1
            return ""
        return "$"

    def braced(self, start: int) -> str:
        self.i += 1  # "{"
        ch = self.peek()
        if not ch or not (_NAME_START.match(ch) or ch in _SPECIAL):
            self.error = self.error or "bad substitution"
            self.i = self._skip_to_close()
            return ""
        if ch.isdigit():
            j = self.i
            while j < self.n and self.s[j].isdigit():
                j += 1
            name = self.s[self.i:j]
            self.i = j
        elif ch in _SPECIAL:
            name = ch
            self.i += 1
        else:
            m = _NAME.match(self.s, self.i)
            name = self.s[self.i:m.end()]
            self.i = m.end()
        special = name in _SPECIAL or name.isdigit()
        if self.peek() == "}":
            self.i += 1
            if special:
                return ""
            self.refs.append(VarRef(name, start, self.i))
            is_set, value = self.lookup(name)
            if not is_set:
                self.mark_unresolved(name)
            return value
        mod = next((m for m in _MODIFIERS if self.s.startswith(m, self.i)), None)
        if mod is None:
            if self.s.startswith((":#", ":%"), self.i):
                self.error = self.error or f"unsupported modifier ({self.s[self.i:self.i+2]}) " \
                                           "in substitution"
            else:
                self.error = self.error or "missing '}' or unsupported modifier"
            self.i = self._skip_to_close()
            return ""
        self.i += len(mod)
        wstart = self.i
        # the word may itself contain expansions; expand it lazily with the same rules
        saved_unresolved = list(self.unresolved)
        pattern_mod = mod[-1] in "#%/"
        saved_raw = self.raw_escapes
        # BuildKit reads pattern words with raw escapes (the glob sees ``\*``)
        self.raw_escapes = pattern_mod
        replacement = ""
        if mod in ("/", "//"):
            # ${x/pattern/replacement}: the pattern ends at the first unquoted "/"; BuildKit
            # has no ${x/pattern} short form
            word = self.word(stop="/")
            if self.peek() != "/":
                self.raw_escapes = saved_raw
                self.unresolved = saved_unresolved
                self.error = self.error or "missing '/' in ${}"
                return ""
            self.i += 1
            replacement = self.word(stop="}")
        else:
            word = self.word(stop="}")
        self.raw_escapes = saved_raw
        word_unresolved = [n for n in self.unresolved if n not in saved_unresolved]
        self.unresolved = saved_unresolved
        raw_word = self.s[wstart:self.i]
        if self.peek() != "}":
            self.error = self.error or "missing '}' in substitution"
        else:
            self.i += 1
        if special:
            is_set, value = False, ""
        else:
            self.refs.append(VarRef(name, start, self.i, mod, raw_word))
            is_set, value = self.lookup(name)
        empty_counts = mod.startswith(":")
        present = is_set and (value != "" or not empty_counts)
        if mod in (":-", "-"):
            if present:
                return value
            for n in word_unresolved:
                self.mark_unresolved(n)
            return word
        if mod in (":+", "+"):
            if present:
                for n in word_unresolved:
                    self.mark_unresolved(n)
                return word
            if not is_set and not empty_counts:
                return ""
            return ""
        if mod in (":?", "?"):
            if present:
                return value
            if not is_set and not special:
                self.mark_unresolved(name)
            else:
                why = "is not allowed to be " + ("empty" if is_set else "unset")
                self.error = self.error or f"{name}: {word or why}"
            return ""
        # pattern modifiers need the value itself
        if not is_set:
            if not special:
                self.mark_unresolved(name)
            return ""
        for n in word_unresolved:
            self.mark_unresolved(n)
        try:
            return _pattern(value, mod, word, replacement)
        except ValueError as exc:
            self.error = self.error or f"invalid pattern ({word}) in substitution: {exc}"
            return ""

    def _skip_to_close(self) -> int:
        j = self.s.find("}", self.i)
        return self.n if j < 0 else j + 1


def _glob(pattern: str) -> str:
    """A BuildKit substitution pattern as a regex: ``*`` and ``?`` are wildcards; ``\\`` makes
    ``*``, ``?`` and ``\\`` literal, is dropped before ``}`` and ``/``, and is an error before
    anything else (BuildKit's convertShellPatternToRegex)."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == "\\":
            nxt = pattern[i + 1] if i + 1 < n else ""
            if nxt in ("}", "/"):
                i += 1
                continue
            if nxt not in ("*", "?", "\\"):
                raise ValueError(f"invalid escape '\\{nxt}'")
            i += 1
            out.append(re.escape(nxt))
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _pattern(value: str, mod: str, word: str, replacement: str = "") -> str:
    if mod in ("#", "##", "%", "%%"):
        rx = re.compile(_glob(word), re.S)
        n = len(value)
        if mod in ("#", "##"):
            cuts = range(n + 1) if mod == "#" else range(n, -1, -1)
            for k in cuts:
                if rx.fullmatch(value, 0, k):
                    return value[k:]
        else:
            cuts = range(n, -1, -1) if mod == "%" else range(n + 1)
            for k in cuts:
                if rx.fullmatch(value, k, n):
                    return value[:k]
        return value
    return re.sub(_glob(word), lambda _m: replacement, value, count=0 if mod == "//" else 1,
                  flags=re.S)


def expand(text: str, env: Mapping[str, str | None], escape: str = "\\", *,
           keep_quotes: bool = False) -> Expansion:
    """Expand ``text`` against ``env`` (name -> value, or None for declared-but-unset).

    Quotes are removed unless ``keep_quotes``. Names missing from ``env`` count as unset.
    """
    if "$" not in text and "'" not in text and '"' not in text and escape not in text:
        return Expansion(text, text=text)
    lx = _Lexer(text, env, escape, keep_quotes)
    value = lx.word()
    resolved = None if lx.unresolved else value
    return Expansion(resolved, tuple(lx.used), tuple(lx.unresolved), lx.error, value)


def references(text: str, escape: str = "\\", *, quotes: bool = True) -> list[VarRef]:
    """Every variable reference in ``text`` with its position (escaped and single-quoted
    ``$`` excluded), in order.

    ``quotes=False`` reads quotes as ordinary characters, the way BuildKit expands the body of a
    COPY/ADD heredoc (there ``'$X'`` is a reference)."""
    if "$" not in text:
        return []
    lx = _Lexer(text, {}, escape, keep_quotes=False, quotes=quotes)
    lx.word()
    return sorted(lx.refs, key=lambda r: r.start)


_ANY = "\x00"


class _Wild(dict):
    """An environment where every unset name reads as a marker for "any text"."""

    def get(self, key, default=None):
        value = dict.get(self, key)
        return _ANY if value is None else value


def expand_pattern(text: str, env: Mapping[str, str | None], escape: str = "\\",
                   flags: int = 0) -> "re.Pattern[str]":
    """A regex for what ``text`` may expand to when the unset variables can take any value (a
    ``--build-arg`` at build time, an automatic platform ARG): set variables expand as usual,
    each unset one matches any text. Use ``fullmatch``."""
    value = expand(text, _Wild(env), escape).text
    return re.compile(".*".join(re.escape(part) for part in value.split(_ANY)), flags | re.S)
