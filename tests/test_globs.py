"""Path globs matched without backtracking (linter/globs.py): the automaton agrees with the
regular expression on every pattern, and a many-star pattern from a hostile .dockerignore or
.gitignore cannot make matching exponential."""

from __future__ import annotations

import random
import re

import pytest

from docklint.context import _pattern_regex
from docklint.discovery import compile_pattern
from docklint.globs import _REGEX, NOT_SLASH, Glob

_TOKENS = [("lit", "a"), ("lit", "b"), ("lit", "/"), ("star", None), ("any", None),
           ("dirs", None), ("one", NOT_SLASH), ("one", "[ab]"), ("one", "[^a/]")]


def _regex(tokens, below):
    text = "".join(re.escape(a) if k == "lit" else a if k == "one" else _REGEX[k]
                   for k, a in tokens)
    return re.compile(text + ("(?:/.*)?" if below else ""), re.DOTALL)


@pytest.mark.parametrize("seed", range(20))
def test_the_automaton_agrees_with_the_regex(seed) -> None:
    rnd = random.Random(seed)
    for _ in range(300):
        tokens = [rnd.choice(_TOKENS) for _ in range(rnd.randint(0, 7))]
        below = rnd.random() < 0.5
        glob = Glob(tokens, below=below)
        rx = _regex(tokens, below)
        for _ in range(10):
            path = "".join(rnd.choice("ab/c") for _ in range(rnd.randint(0, 10)))
            assert glob._simulate(path) == (rx.fullmatch(path) is not None), (tokens, path)


def test_few_stars_use_the_regex_and_many_the_automaton() -> None:
    assert Glob([("star", None), ("lit", "a"), ("dirs", None)])._regex is not None
    assert Glob([("star", None), ("lit", "a")] * 3)._regex is None


@pytest.mark.parametrize("stars", [8, 30, 200])
def test_many_stars_do_not_backtrack(stars) -> None:
    """``*a*a...*b`` against a long run of ``a``: a backtracking regex takes minutes from 7
    stars on (the 200-star case would never end); the automaton's work is bounded by pattern
    length times path length."""
    pattern = "*a" * stars + "*b"
    name = "a" * 200
    assert not _pattern_regex(pattern).match(name)
    assert not compile_pattern(pattern).matches(name, False)
    assert compile_pattern(pattern).matches("dir/" + "a" * stars + "b", False)
    assert _pattern_regex(pattern).match("a" * stars + "b/below")


def test_ignore_semantics_kept() -> None:
    """.dockerignore: a pattern matches what is below a match; ``**/`` any directories.
    .gitignore: a pattern without a slash matches in any directory; an unclosed class never."""
    assert _pattern_regex("node_modules").match("node_modules/x/y")
    assert _pattern_regex("**/*.pyc").match("a/b/c.pyc")
    assert not _pattern_regex("*.pyc").match("a/c.pyc")
    assert compile_pattern("*.pyc").matches("a/c.pyc", False)
    assert not compile_pattern("/*.pyc").matches("a/c.pyc", False)
    assert not compile_pattern("[ab").matches("[ab", False)
    assert compile_pattern("build/").matches("x/build", True)
    assert not compile_pattern("build/").matches("x/build", False)
