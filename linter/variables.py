"""Variable expansion the way BuildKit's own word lexer does it (not a real shell).

Used by the model to resolve ARG and ENV values, FROM images, ``--platform`` and the other
instructions the builder expands itself. Anything that depends on a variable that is unset stays
*unresolved* (``value is None``); callers skip it instead of guessing.
"""

from __future__ import annotations

import re

from docklint.lazyre import lazy
from docklint.record import record
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Mapping

__all__ = ["VarRef", "Expansion", "Budget", "expand", "expand_pattern", "expand_parts",
           "parts_pattern", "references", "UNSET",
           "MAX_VALUE", "MAX_TOTAL", "MAX_NESTING"]

# Marks a variable that is declared (``ARG X``) but has no value.
UNSET = None

_NAME_START = lazy(r"[A-Za-z_]")
_NAME = lazy(r"[A-Za-z0-9_]*")
_SPECIAL = set("0123456789@*#?-$!")
_MODIFIERS = (":-", ":+", ":?", "##", "%%", "//", "-", "+", "?", "#", "%", "/")

# Budgets. Expansion is exponential in the number of lines (``ARG A1=$A0$A0``, ``ARG A2=$A1$A1``
# ... doubles each time), so what one expansion may build is capped, and checked while it is
# built: nothing past the cap is ever made. A value over it is *unknown* (``value`` None,
# ``overflow`` says why) and the model reports it once, as a DK000 finding.
MAX_VALUE = 262144              # characters one expanded value may have
MAX_TOTAL = 16 * MAX_VALUE      # characters the expansions of one file may add to their input
MAX_NESTING = 64                # ${X:-${Y:-...}} levels (BuildKit has no limit; real files use 2)
_PATTERN_STEPS = 20_000_000     # work one ${X#pattern} / ${X/pattern/...} may take


class _Overflow(Exception):
    """Raised inside the lexer when a budget is spent; ``expand`` turns it into
    ``Expansion.overflow``."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class Budget:
    """What the expansions of one file may still add to their input text (see
    :data:`MAX_TOTAL`); shared by every :func:`expand` given it."""

    __slots__ = ("left", "total")

    def __init__(self, total: int = MAX_TOTAL) -> None:
        self.total = total
        self.left = total


@record(frozen=True, slots=True)
class VarRef:
    """A variable reference in a text: ``name`` at ``[start, end)`` (the whole ``${...}``)."""

    name: str
    start: int
    end: int
    modifier: str = ""       # ":-", "+", "#", ... ("" for a plain reference)
    word: str = ""           # the modifier's word, unexpanded


@record(frozen=True, slots=True)
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
    # set when a budget stopped the expansion (then ``value`` is None and ``text`` is the text
    # as written, unexpanded): the reason, worded to follow the name of what was expanded
    # ("expands to more than ...")
    overflow: str | None = None


class _Lexer:
    def __init__(self, text: str, env: Mapping[str, str | None], esc: str,
                 keep_quotes: bool, quotes: bool = True, limit: int = MAX_VALUE,
                 why: str = "") -> None:
        self.s = text
        # the most characters one word may build, and what to say when it is passed
        self.limit = limit
        self.why = why or f"expands to more than {limit} characters"
        # characters every word of this call may build together: a value built through
        # nested defaults is copied once per level
        self.work = 8 * limit + len(text)
        self.depth = 0
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

    def grow(self, size: int, piece: str) -> int:
        """The size of a word after ``piece`` is added to it; raises _Overflow past a budget
        (before anything is built)."""
        size += len(piece)
        self.work -= len(piece)
        if size > self.limit or self.work < 0:
            raise _Overflow(self.why)
        return size

    def word(self, stop: str = "") -> str:
        out: list[str] = []
        size = 0
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _Overflow(f"nests variable references deeper than {MAX_NESTING} levels")
        while self.i < self.n:
            ch = self.s[self.i]
            if stop and ch in stop:
                break
            if ch == "'" and self.quotes:
                piece = self.single_quote()
                size = self.grow(size, piece)
                out.append(piece)
            elif ch == '"' and self.quotes:
                piece = self.double_quote()
                size = self.grow(size, piece)
                out.append(piece)
            elif ch == "$":
                piece = self.dollar()
                size = self.grow(size, piece)
                out.append(piece)
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
        self.depth -= 1
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
        size = 0
        closed = False
        while self.i < self.n:
            ch = self.s[self.i]
            if ch == '"':
                self.i += 1
                closed = True
                break
            if ch == "$":
                piece = self.dollar()
                size = self.grow(size, piece)
                out.append(piece)
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
            return _pattern(value, mod, word, replacement, self.limit, self.why)
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
    return "".join(".*" if t is _STAR else "." if t is _ONE else re.escape(t)
                   for t in _tokens(pattern))


_STAR = object()
_ONE = object()


def _tokens(pattern: str) -> list:
    """A BuildKit substitution pattern as a list of literal characters, ``_ONE`` (``?``) and
    ``_STAR`` (``*``; runs of stars merged), with BuildKit's escapes (see :func:`_glob`)."""
    out: list = []
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if not out or out[-1] is not _STAR:
                out.append(_STAR)
        elif ch == "?":
            out.append(_ONE)
        elif ch == "\\":
            nxt = pattern[i + 1] if i + 1 < n else ""
            if nxt in ("}", "/"):
                i += 1
                continue
            if nxt not in ("*", "?", "\\"):
                raise ValueError(f"invalid escape '\\{nxt}'")
            i += 1
            out.append(nxt)
        else:
            out.append(ch)
        i += 1
    return out


def _prefix_matches(value: str, tokens: list, shortest: bool) -> int | None:
    """The length of the shortest (or longest) prefix of ``value`` the pattern ``tokens``
    matches as a whole, None when none does. An NFA run with the states as the bits of an int:
    linear in ``len(value)`` whatever the pattern (a regex per prefix is quadratic, and
    exponential with several stars)."""
    m = len(tokens)
    stars = 0
    one = 0
    lits: dict[str, int] = {}
    for i, t in enumerate(tokens):
        if t is _STAR:
            stars |= 1 << i
        elif t is _ONE:
            one |= 1 << i
        else:
            lits[t] = lits.get(t, 0) | (1 << i)
    accept = 1 << m
    state = 1
    state |= (state & stars) << 1
    found = 0 if state & accept else None
    if found is not None and shortest:
        return 0
    get = lits.get
    for k, ch in enumerate(value, 1):
        state = ((state & (get(ch, 0) | one)) << 1) | (state & stars)
        if not state:
            break
        state |= (state & stars) << 1
        if state & accept:
            found = k
            if shortest:
                return k
    return found


def _pattern(value: str, mod: str, word: str, replacement: str = "",
             limit: int = MAX_VALUE, why: str = "") -> str:
    if mod in ("#", "##", "%", "%%"):
        tokens = _tokens(word)
        if len(value) * (len(tokens) // 60 + 1) > _PATTERN_STEPS:
            raise _Overflow("uses a pattern too costly to match against its value")
        if mod in ("#", "##"):
            k = _prefix_matches(value, tokens, mod == "#")
            return value if k is None else value[k:]
        k = _prefix_matches(value[::-1], tokens[::-1], mod == "%")
        return value if k is None else value[:len(value) - k]
    rx = _glob(word)
    # Python's regex backtracks: a search costs up to len(value) ** (stars + 1) steps
    n = len(value) + 1
    stars = word.count("*")
    cost = n ** min(stars + 1, 8) if stars else n * (len(word) if "?" in word else 1)
    if cost > _PATTERN_STEPS:
        raise _Overflow("uses a pattern too costly to match against its value")
    out: list[str] = []
    size = 0
    at = 0
    for m in re.finditer(rx, value, flags=re.S):
        piece = value[at:m.start()]
        size += len(piece) + len(replacement)
        if size > limit:
            raise _Overflow(why or f"expands to more than {limit} characters")
        out.append(piece)
        out.append(replacement)
        at = m.end()
        if mod == "/":
            break
    out.append(value[at:])
    if size + len(value) - at > limit:
        raise _Overflow(why or f"expands to more than {limit} characters")
    return "".join(out)


def expand(text: str, env: Mapping[str, str | None], escape: str = "\\", *,
           keep_quotes: bool = False, budget: Budget | None = None,
           limit: int = MAX_VALUE) -> Expansion:
    """Expand ``text`` against ``env`` (name -> value, or None for declared-but-unset).

    Quotes are removed unless ``keep_quotes``. Names missing from ``env`` count as unset.

    At most ``limit`` characters are built (and, with a ``budget``, no more than it has left
    beyond the length of ``text``, which is then charged for what the result adds): past that,
    or past :data:`MAX_NESTING` levels of ``${X:-${Y...}}``, the result is unknown, with
    ``overflow`` saying why.
    """
    if "$" not in text and "'" not in text and '"' not in text and escape not in text:
        return Expansion(text, text=text)
    why = ""
    limit = max(limit, len(text))       # the text itself is never too large
    if budget is not None and len(text) + budget.left < limit:
        limit = len(text) + budget.left
        why = (f"would take the values docklint expands in this file past "
               f"{budget.total} characters")
    lx = _Lexer(text, env, escape, keep_quotes, limit=limit, why=why)
    try:
        value = lx.word()
        if len(value) > limit:
            raise _Overflow(lx.why)
    except _Overflow as exc:
        return Expansion(None, tuple(lx.used), tuple(lx.unresolved), lx.error, text, exc.why)
    if budget is not None and len(value) > len(text):
        budget.left -= len(value) - len(text)
    resolved = None if lx.unresolved else value
    return Expansion(resolved, tuple(lx.used), tuple(lx.unresolved), lx.error, value)


def references(text: str, escape: str = "\\", *, quotes: bool = True) -> list[VarRef]:
    """Every variable reference in ``text`` with its position (escaped and single-quoted
    ``$`` excluded), in order.

    ``quotes=False`` reads quotes as ordinary characters, the way BuildKit expands the body of a
    COPY/ADD heredoc (there ``'$X'`` is a reference)."""
    if "$" not in text:
        return []
    lx = _Lexer(text, {}, escape, keep_quotes=False, quotes=quotes, limit=len(text) + 1)
    try:
        lx.word()
    except _Overflow:
        pass                # nested past MAX_NESTING: the references found up to there
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
    return parts_pattern(expand_parts(text, env, escape), flags)


def parts_pattern(parts: list[str] | None, flags: int = 0) -> "re.Pattern[str]":
    """The regex of :func:`expand_parts`' result: the parts in order, any text between them
    (anything at all for None). Use ``fullmatch``."""
    if parts is None:
        return re.compile(".*", flags | re.S)     # unknown: it may be anything
    return re.compile(".*".join(re.escape(part) for part in parts), flags | re.S)


def expand_parts(text: str, env: Mapping[str, str | None], escape: str = "\\"
                 ) -> list[str] | None:
    """What :func:`expand_pattern` matches, as its literal parts: the expansion is the parts in
    order with any text between them (``["build-", ""]`` for ``build-$MODE`` with MODE
    unset). None when it may be anything (over the expansion budget)."""
    exp = expand(text, _Wild(env), escape)
    if exp.overflow is not None:
        return None
    return exp.text.split(_ANY)
