"""Property-based tests: the engine's invariants over generated and mutated Dockerfiles.

The generators and mutators are bench/fuzz.py's (which runs the same checks on 100,000 inputs
with plain ``random``); here hypothesis drives them through :class:`DrawChooser`, so a failure
shrinks to a small input. Inputs:

- generated Dockerfiles (directives, FROM/ARG/RUN with continuations, heredocs and exec forms,
  COPY/ADD, ENV, LABEL, USER, ONBUILD, HEALTHCHECK, SHELL, quotes, escapes, ``# escape=``, CRLF);
- generated Dockerfiles put through 1 to 4 mutators (truncation, splicing, continuations,
  heredoc markers, stray quotes, escapes, NULs, invalid UTF-8, a very long line, byte flips, ...);
- real files of ../shared/corpus, mutated the same way (skipped when ../shared is absent);
- hostile files (what a stranger's pull request may hold): shell and variables nested up to a
  few thousand deep, thousands of ``&&``, doubling ARG/ENV chains of up to 40 lines, and control
  characters (ESC sequences, C1, bidi, BEL, NUL) in names, values, labels, users and file names;
  alone and mutated.

Every input is linted with every rule (``Settings(select=["ALL"], preview=True)``; DK440,
which runs the external ShellCheck binary, only in its own small test) and must hold the
properties of ``fuzz.Checker.check``: no exception and no rule crash; every span a rule yields
inside the text (checked before the engine clamps it); each finding's line/column/end positions
and related positions those of its spans; the parser's spans consistent; the same findings on a
second lint; ``inspect_json`` JSON-serialisable; no raw control character (C0 but tab and line
feed, DEL, C1, bidi) in a finding's message, related message or fix title; a rule that gives
up within a budget (``CannotCheck``) is a DK005 finding, any other rule failure a crash.

Known bugs that these properties found and that are not fixed yet go in ``fuzz.KNOWN_ISSUES``
(the property tests let them through) with a strict xfail test here holding the smallest input;
the bugs found so far are fixed and their inputs kept at the end of this module as regressions.

CI stays fast and reproducible: ``derandomize=True`` (examples depend on the test, not on a
random seed), no example database, modest ``max_examples``. ``DOCKLINT_PROPERTY_SCALE=K``
multiplies them by K for a deeper local run.
"""

from __future__ import annotations

import json
import os
import signal
from docklint.record import replace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from docklint.engine import Settings, lint_bytes, select_rules
from docklint.rule import Finding
from docklint.source import Span

from .conftest import bench_fuzz, shared_path


fuzz = bench_fuzz()

# DOCKLINT_PROPERTY_SCALE=K multiplies every max_examples by K (a deeper local run)
_SCALE = max(1, int(os.environ.get("DOCKLINT_PROPERTY_SCALE") or 1))


def _examples(n: int) -> int:
    return n * _SCALE


def _settings(n: int):
    return settings(max_examples=_examples(n), deadline=None, derandomize=True, database=None,
                    print_blob=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example,
                                           HealthCheck.function_scoped_fixture])


class DrawChooser:
    """The chooser interface of bench/fuzz.py on top of hypothesis draws: every decision is a
    draw, so hypothesis can shrink it (choices towards the first option, numbers towards the
    low end, chances towards "no")."""

    def __init__(self, draw) -> None:
        self.draw = draw

    def choice(self, seq):
        return self.draw(st.sampled_from(seq))

    def randint(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def chance(self, p: float) -> bool:
        return self.draw(st.integers(0, 999)) >= 1000 - round(p * 1000)


@st.composite
def generated(draw) -> bytes:
    return fuzz.generate(DrawChooser(draw))


@st.composite
def generated_mutated(draw) -> bytes:
    c = DrawChooser(draw)
    data, other = fuzz.generate(c), fuzz.generate(c)
    return fuzz.mutate(c, data, other)[0]


@st.composite
def hostile(draw, kind: str | None = None) -> bytes:
    return fuzz.generate_hostile(DrawChooser(draw), kind)[0]


@st.composite
def hostile_mutated(draw) -> bytes:
    c = DrawChooser(draw)
    data = fuzz.generate_hostile(c)[0]
    return fuzz.mutate(c, data, fuzz.generate(c))[0]


@st.composite
def corpus_mutated(draw, corpus: list[bytes]) -> bytes:
    c = DrawChooser(draw)
    data, other = c.choice(corpus), c.choice(corpus)
    return fuzz.mutate(c, data, other)[0]


_checker = None


def checker():
    global _checker
    if _checker is None:
        _checker = fuzz.Checker()
    return _checker


def assert_properties(data: bytes, shellcheck: bool = False) -> None:
    problems, _ = checker().check(data, shellcheck, timeout=10)
    new = [p for p in problems if fuzz.known_issue(p) is None]
    assert not new, f"input {data!r}:\n" + "\n".join(new)


@pytest.fixture(scope="module")
def corpus() -> list[bytes]:
    files = fuzz.load_corpus(shared_path("corpus"))
    if not files:
        pytest.skip("../shared/corpus has no MANIFEST.tsv")
    return files


# ----------------------------------------------------------------------------------------------
# the properties

@_settings(100)
@given(generated())
def test_generated_dockerfiles(data):
    assert_properties(data)


@_settings(60)
@given(generated_mutated())
def test_mutated_generated_dockerfiles(data):
    assert_properties(data)


@_settings(100)
@given(st.data())
def test_mutated_corpus_files(corpus, data):
    assert_properties(data.draw(corpus_mutated(corpus), label="input"))


@_settings(25)
@given(hostile("nesting"))
def test_deeply_nested_dockerfiles(data):
    assert_properties(data)


@_settings(25)
@given(hostile("bomb"))
def test_expansion_bombs(data):
    assert_properties(data)


@_settings(60)
@given(hostile("control"))
def test_control_characters_never_reach_a_message(data):
    assert_properties(data)


@_settings(30)
@given(hostile_mutated())
def test_mutated_hostile_dockerfiles(data):
    assert_properties(data)


@_settings(8)
@given(generated())
def test_generated_dockerfiles_with_shellcheck(data):
    from docklint import shellcheck
    if shellcheck.binary() is None:
        pytest.skip("no shellcheck binary (the shellcheck extra): DK440 reports nothing")
    assert_properties(data, shellcheck=True)


# ----------------------------------------------------------------------------------------------
# the generators and the checker themselves

def test_generators_are_reproducible():
    """bench/fuzz.py input i depends only on the seed and i."""
    a = [fuzz.input_for(3, i, []) for i in range(30)]
    b = [fuzz.input_for(3, i, []) for i in reversed(range(30))][::-1]
    assert a == b
    assert len({data for data, _ in a}) > 25


def test_generators_cover_the_instructions():
    """A few hundred generated files use every instruction, heredocs, the backtick escape and
    CRLF, so the properties are about more than FROM lines."""
    import random
    text = b"".join(fuzz.generate(fuzz.RandomChooser(random.Random(i))) for i in range(300))
    for keyword in (b"FROM", b"ARG", b"RUN", b"COPY", b"ADD", b"ENV", b"LABEL", b"USER",
                    b"WORKDIR", b"EXPOSE", b"VOLUME", b"ONBUILD", b"HEALTHCHECK", b"SHELL",
                    b"CMD", b"ENTRYPOINT", b"STOPSIGNAL", b"<<EOF", b"<<-", b"# escape=`",
                    b"\r\n", b" \\\n", b"`\n", b"--mount=", b'["'):
        assert keyword in text, keyword


def test_checker_catches_a_span_outside_the_text():
    """The checker is not vacuous: a rule yielding a span past the end of the text (which the
    engine would clamp) and a rule that raises are both reported."""
    c = fuzz.Checker()
    base = select_rules(Settings(select=["DK000"]))[0]

    def past_end(df, options):
        yield Finding(Span(0, len(df.source.text) + 5), "too far")

    def boom(df, options):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    c.rules[False] = c._wrap([replace(base, code="DK990", check=past_end),
                              replace(base, code="DK991", check=boom)])
    problems, _ = c.check(b"FROM alpine:3.20\n")
    assert any("DK990: rule yielded span" in p for p in problems), problems
    assert any("rule crash" in p and "DK991" in p and "RuntimeError: boom" in p
               for p in problems), problems


def test_hostile_generators_cover_what_they_promise():
    """Nesting past a thousand levels and chains of thousands of commands, doubling chains of
    up to 40 lines, and each family of control characters, in a few hundred inputs."""
    import random
    import re
    deepest = longest_chain = longest_bomb = 0
    controls = ""
    for i in range(300):
        c = fuzz.RandomChooser(random.Random(f"cover:{i}"))
        data, kind = fuzz.generate_hostile(c, fuzz.HOSTILE_KINDS[i % 3])
        text = data.decode("utf-8", "surrogateescape")
        if kind == "nesting":
            deepest = max(deepest, *(text.count(o) for o, _ in fuzz.NESTERS[:2]),
                          text.count("${X:-"))
            longest_chain = max(longest_chain, text.count("&&"))
        elif kind == "bomb":
            longest_bomb = max(longest_bomb, len(re.findall(r"(?m)^(?:ARG|ENV) [A-Z_]+\d+a?=",
                                                            text)))
        else:
            controls += "".join(ch for ch in text if fuzz.RAW_CONTROL.match(ch))
    assert deepest > 1000 and longest_chain > 1000
    assert 30 <= longest_bomb <= 46                      # 40 lines, some with two pairs
    for family in ("\x1b", "\x07", "\x00", "\x9b", "\x85", "\u202e", "\u2066", "\x7f"):
        assert family in controls, repr(family)


def test_checker_catches_a_raw_control_character(monkeypatch):
    """The control-character invariant is not vacuous: with the engine's sanitising turned off,
    a rule quoting an ESC sequence, a C1 or a bidi control in its message, related message or
    fix title is reported; tab and line feed are not control characters to it."""
    import docklint.engine as engine
    from docklint.rule import Edit, Fix, Related
    monkeypatch.setattr(engine, "printable", lambda text: text)
    monkeypatch.setattr(engine, "_printable_related", lambda rel: rel)
    monkeypatch.setattr(engine, "_printable_fix", lambda fix: fix)
    c = fuzz.Checker()
    base = select_rules(Settings(select=["DK000"]))[0]

    def quoting(df, options):
        yield Finding(Span(0, 4), "user \x1b]0;owned\x07 is\troot",
                      related=(Related(Span(0, 1), "name \u202eexe.txt"),),
                      fix=Fix("rename \x9b2J", (Edit(Span(0, 4), "FROM"),)))
        yield Finding(Span(5, 11), "a\ttab is fine")

    c.rules[False] = c._wrap([replace(base, code="DK992", check=quoting)])
    problems, _ = c.check(b"FROM alpine:3.20\n")
    assert [p.split(": ", 1)[1].split(":")[0] for p in problems] == [
        "message holds the raw control character U+001B",
        "related message holds the raw control character U+202E",
        "fix title holds the raw control character U+009B"], problems


def test_checker_tells_a_budget_from_a_crash():
    """A rule that gives up within a budget (CannotCheck) is a DK005 finding and no failure; a
    RecursionError in a rule is a crash."""
    from docklint.rule import CannotCheck
    c = fuzz.Checker()
    base = select_rules(Settings(select=["DK000"]))[0]

    def gives_up(df, options):
        raise CannotCheck("too deeply nested (over 100 levels)", df.instructions[0].span)
        yield  # pragma: no cover

    def recurses(df, options):
        def down(n):
            return down(n + 1)
        down(0)
        yield  # pragma: no cover

    c.rules[False] = c._wrap([replace(base, code="DK993", check=gives_up)])
    assert c.check(b"FROM alpine:3.20\n")[0] == []
    assert len(c.gave_up) == 1 and "DK993" in c.gave_up[0]
    c.rules[False] = c._wrap([replace(base, code="DK994", check=recurses)])
    problems, _ = c.check(b"FROM alpine:3.20\n")
    assert any(p.startswith("rule crash: ") and "DK994" in p and "RecursionError" in p
               for p in problems), problems


def test_known_issues_have_their_tests():
    names = {name for name in globals() if name.startswith("test_known_")}
    for name, pattern, test in fuzz.KNOWN_ISSUES:
        assert test in names, f"KNOWN_ISSUES {name}: no test {test} in this module"


def test_minimizer_keeps_the_failure():
    data = b"FROM a\nRUN echo 1\nRUN echo 2\nLABEL x=1\nRUN --mount --mount=x\nRUN x\n"
    small = fuzz.minimize(data, lambda d: b"--mount=" in d and b"RUN" in d)
    assert b"--mount=" in small and len(small) < 16


# ----------------------------------------------------------------------------------------------
# bugs these properties found, fixed; the smallest inputs, kept as regressions

ALL = Settings(select=["ALL"], preview=True)


@pytest.mark.parametrize("data", [b"FROM a\nRUN x \\\n\n", b"FROM a\nRUN <<E\n\n"])
def test_end_line_counts_trailing_empty_lines_the_span_does_not(data):
    """BuildKit's end line counts the empty lines that end an instruction; the span (and so
    every finding's range) stops at the last character of text."""
    df = lint_bytes(data, "Dockerfile", ALL).dockerfile
    run = df.instructions[-1]
    assert run.end_line == 3
    assert df.source.range(run.span)[2] == 2
    assert checker().check(data)[0] == []


@pytest.mark.parametrize("data", [b"FROM a\nCOPY x //y\n", b"FROM a\nWORKDIR //\nCOPY x y\n"])
def test_no_hang_on_a_path_starting_with_two_slashes(data):
    """Facts.placed walked up a COPY destination with dirname until '/', and dirname('//') is
    '//': a landing path starting with two slashes looped forever."""
    if not hasattr(signal, "setitimer"):
        pytest.skip("needs SIGALRM to stop a hang")
    lint_bytes(b"FROM a\nCOPY x /y\n", "Dockerfile", Settings())     # warm: imports, data
    # a 2-line file lints in milliseconds once warm: 5 s means a hang
    problems, _ = fuzz.Checker().check(data, timeout=5)
    assert problems == []


def test_dk435_flag_with_and_without_a_value():
    """DK435 sorted (flag name, value) pairs, and a flag without a value has value None."""
    result = lint_bytes(b"FROM a\nRUN --mount --mount=x\nRUN x\n", "Dockerfile", ALL)
    assert result.internal == []
    assert "DK000" in {f.code for f in result.findings}


@pytest.mark.parametrize("data", [
    b"FROM a\nRUN <<E\n$\nu|\nE\n",                 # DK438: if `$<nl>u` fails, the pipe...
    b"FROM a\nRUN <<E\nyum install \n\\x\nE\n",      # DK413: yum package `<nl>x`
    b"FROM a\nRUN <<E\nnpm install \n\\x\nE\n",      # DK406: npm package `<nl>x`
    b"FROM a\nRUN <<E\npip install x\n\\p\nE\n",     # DK403: pip package `<nl>p`
])
def test_messages_stay_on_one_line(data):
    """tree-sitter-bash reads a newline followed by `$` or a backslash escape as part of one
    word, and rules quote such words; the engine shows the line break escaped."""
    result = lint_bytes(data, "Dockerfile", ALL)
    assert {f.code for f in result.findings} & {"DK438", "DK413", "DK406", "DK403"}
    assert [f.message for f in result.findings if "\n" in f.message] == []


def test_inspect_of_a_known_input_is_json():
    """inspect_json on the nastiest small inputs above, for the record."""
    from docklint.inspect import inspect_json
    for data in (b"FROM a\nRUN x \\\n\n", b"\xff\xfe\x00", b"", b"FROM a\nRUN <<E\n$\nu|\nE\n"):
        json.dumps(inspect_json(lint_bytes(data, "Dockerfile", ALL).dockerfile),
                   allow_nan=False)
