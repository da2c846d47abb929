"""Path globs (``.dockerignore``, ``.gitignore``, COPY sources) matched without backtracking.

A pull request writes these patterns. Translated to a regular expression, a pattern with many
stars (``*a*a*a*a*a*a*b``) makes Python's backtracking ``re`` take exponential time on a long
file name: seven stars and an 80-character name take minutes. So a pattern is a list of tokens;
one with at most two unbounded tokens is matched by a compiled regex (C speed, and two stars
cannot blow up), any other by simulating its automaton, whose time is linear in the path length
times the pattern length.

Tokens: ``("lit", ch)``; ``("one", regex)`` one character a single-character regex accepts (a
bracket expression, ``[^/]``); ``("star", None)`` any run of characters but ``/``;
``("any", None)`` any run of characters; ``("dirs", None)`` nothing, or any run ending in ``/``
(``**/``: zero or more leading directories).
"""

from __future__ import annotations

import re

__all__ = ["Glob", "NOT_SLASH"]

NOT_SLASH = "[^/]"
_REGEX = {"star": "[^/]*", "any": ".*", "dirs": "(?:.*/)?"}
_UNBOUNDED = frozenset(_REGEX)


class Glob:
    """A compiled path glob. :meth:`fullmatch` is True when the whole path matches; with
    ``below=True`` a path below a match (``match/anything``) matches too, as a
    ``.dockerignore`` pattern excludes everything under a directory it names."""

    __slots__ = ("tokens", "below", "_regex", "_never")

    def __init__(self, tokens: list[tuple[str, object]], *, below: bool = False,
                 never: bool = False) -> None:
        self.below = below
        self._never = never
        self.tokens = [(kind, re.compile(arg, re.DOTALL) if kind == "one" else arg)
                       for kind, arg in tokens]
        self._regex: re.Pattern[str] | None = None
        if not never and sum(kind in _UNBOUNDED for kind, _ in tokens) <= 2:
            text = "".join(re.escape(arg) if kind == "lit" else
                           arg if kind == "one" else _REGEX[kind]     # type: ignore[index]
                           for kind, arg in tokens)
            self._regex = re.compile(text + ("(?:/.*)?" if below else ""), re.DOTALL)

    def fullmatch(self, path: str) -> bool:
        if self._never:
            return False
        if self._regex is not None:
            return self._regex.fullmatch(path) is not None
        return self._simulate(path)

    # ``match`` reads as the regex API the callers used
    match = fullmatch

    def _closure(self, states: set[int]) -> set[int]:
        toks, n = self.tokens, len(self.tokens)
        todo = [s for s in states if 0 <= s < n]
        while todo:
            s = todo.pop()
            if toks[s][0] in _UNBOUNDED and s + 1 not in states:
                states.add(s + 1)
                if s + 1 < n:
                    todo.append(s + 1)
        return states

    def _simulate(self, path: str) -> bool:
        """The automaton run over ``path``: a state ``k >= 0`` is "at token k", ``-(k+1)`` is
        "inside the ``dirs`` token k" (past its first character, waiting for a ``/``)."""
        toks, n = self.tokens, len(self.tokens)
        cur = self._closure({0})
        for c in path:
            if self.below and c == "/" and n in cur:
                return True
            nxt: set[int] = set()
            for s in cur:
                if s < 0:
                    nxt.add(s)
                    if c == "/":
                        nxt.add(-s)          # -(k+1) -> k+1: the run ended with "/"
                    continue
                if s == n:
                    continue
                kind, arg = toks[s]
                if kind == "lit":
                    if c == arg:
                        nxt.add(s + 1)
                elif kind == "one":
                    if arg.match(c):     # type: ignore[union-attr]
                        nxt.add(s + 1)
                elif kind == "star":
                    if c != "/":
                        nxt.add(s)
                elif kind == "any":
                    nxt.add(s)
                else:                    # dirs
                    nxt.add(-(s + 1))
                    if c == "/":
                        nxt.add(s + 1)
            if not nxt:
                return False
            cur = self._closure(nxt)
        return n in cur
