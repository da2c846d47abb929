"""Lazily compiled regular expressions (docklint.lazyre), and the ``needs`` they declare: text
one piece of which every match contains, so that a string without any is refused without
compiling (or running) the pattern."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import docklint
import docklint.rules
from docklint.lazyre import Lazy, lazy


def test_a_pattern_compiles_on_first_use():
    pattern = lazy(r"a(b+)")
    assert pattern._compiled is None
    assert pattern.match("abb").group(1) == "bb"
    assert isinstance(pattern.compiled, re.Pattern)


def test_a_string_without_what_the_pattern_needs_is_refused_without_compiling():
    pattern = lazy(r"pip(\d*)", needs=("pip",))
    for method in ("match", "fullmatch", "search"):
        assert getattr(pattern, method)("python3") is None
    assert pattern._compiled is None                      # nothing was compiled for that
    assert pattern.fullmatch("pip3").group(1) == "3"
    assert pattern.search("x pip y").start() == 2
    assert pattern.match("apip") is None                  # the piece is there, no match: as re
    assert pattern.match("pip3", 1) is None and pattern.search("pipx", 1) is None  # pos


@pytest.mark.parametrize("needs, flags", [(("",), 0), ((3,), 0), (("a",), re.IGNORECASE)])
def test_what_a_pattern_needs_is_non_empty_text_of_a_case_sensitive_pattern(needs, flags):
    with pytest.raises(ValueError, match="needs"):
        lazy("a", flags, needs=needs)


def _declared() -> list[tuple[str, Lazy]]:
    """Every module-level lazy pattern of docklint that declares what it needs."""
    found = {}
    # docklint.rules is a directory of its own in a source checkout (an editable install)
    for package in (docklint, docklint.rules):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.rpartition(".")[2] in ("__main__", "lsp"):
                continue        # running the command; the language server's own libraries
            module = importlib.import_module(info.name)
            for name, value in vars(module).items():
                if isinstance(value, Lazy) and value.needs:
                    found[f"{info.name}.{name}"] = value
    return sorted(found.items())


DECLARED = _declared()


def test_the_patterns_that_declare_needs_are_found():
    names = {name for name, _ in DECLARED}
    assert {"docklint.packages.PIP_NAME", "docklint.packages.PYTHON_NAME",
            "docklint.parse._DIRECTIVE", "docklint.facts.purposes._COMPILER",
            "docklint.rules.dk303_build_tools_in_final._COMPILER"} <= names


@pytest.mark.parametrize("name, pattern", DECLARED, ids=[name for name, _ in DECLARED])
def test_every_match_contains_what_the_pattern_says_it_needs(name, pattern):
    @settings(max_examples=300, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.from_regex(pattern.compiled, fullmatch=True))
    def matched_text(text):
        assert any(piece in text for piece in pattern.needs), (name, text)

    matched_text()
