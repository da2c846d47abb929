"""Hostile nesting and expansion bombs: every expansion and every walk over a shell tree has a
budget. A file past one gets one DK000 warning at the instruction, the rest of the file is
still linted, and nothing crashes (issue 12, items 2 and 4)."""

from __future__ import annotations

import os
import random
import re
import resource
import subprocess
import sys

import pytest

from docklint import shell
from docklint.engine import Settings, lint_text
from docklint.shell import MAX_DEPTH, parse_script
from docklint.variables import MAX_NESTING, MAX_TOTAL, MAX_VALUE, Budget, _glob, expand

# ShellCheck is an external program with its own time and memory limits; it is left out so that
# these tests look at docklint's own parsing and walking
SETTINGS = Settings(ignore=["DK440"])
ROOT = "the final image runs as root"           # DK106, on the last line of every case
TAIL = "USER root\n"
DEEP_RUN = f"RUN nested deeper than {MAX_DEPTH} levels; shell checks skipped past that depth"


def lint(text: str):
    result = lint_text(text, "Dockerfile", SETTINGS)
    assert result.internal == []
    assert result.error is None
    return result


def messages(result, code: str) -> list[str]:
    return [f.message for f in result.findings if f.code == code]


def assert_rest_linted(result, text: str) -> None:
    """The problem on the last line is still found."""
    last = text.rstrip("\n").count("\n") + 1
    assert [f.line for f in result.findings if f.code == "DK106" and ROOT in f.message] == [last]


def overflow(what: str) -> str:
    return (f"{what} expands to more than {MAX_VALUE} characters; docklint stopped expanding it "
            f"(rules treat it as unknown)")


# ---- expansion bombs

def doubling_args(n: int) -> str:
    return "".join(["ARG A0=xx\n"] + [f"ARG A{i}=${{A{i - 1}}}${{A{i - 1}}}\n"
                                      for i in range(1, n)]) + f"FROM debian:$A{n - 1}\n" + TAIL


@pytest.mark.parametrize("lines", [28, 40])
def test_doubling_args_stop_at_the_cap_with_one_finding(lines):
    text = doubling_args(lines)
    result = lint(text)
    # A0 has 2 characters, A17 2**18 = MAX_VALUE: A18 is the first one over
    assert messages(result, "DK000") == [overflow("ARG A18")]
    f = next(f for f in result.findings if f.code == "DK000")
    assert f.line == 19
    assert_rest_linted(result, text)
    df = result.dockerfile
    assert df.stages[0].base.kind == "unresolved"      # unknown, not guessed
    assert {a.name: a.value for a in df.global_args}["A18"] is None
    assert len({a.name: a.value for a in df.global_args}["A17"]) == MAX_VALUE
    assert not messages(result, "DK208")


def test_doubling_env():
    text = "FROM debian:12\nENV B0=xx\n" + "".join(
        f"ENV B{i}=${{B{i - 1}}}${{B{i - 1}}}\n" for i in range(1, 40)) + TAIL
    result = lint(text)
    assert messages(result, "DK000") == [overflow("ENV B18")]
    assert_rest_linted(result, text)
    assert result.dockerfile.stages[0].env_end["B39"] is None


def test_doubling_through_a_default():
    text = "ARG B=xx\n" + "".join(f"ARG A{i}=${{A{i}:-$B$B}}\nARG B=$A{i}\n"
                                  for i in range(1, 40)) + "FROM debian:$B\n" + TAIL
    result = lint(text)
    assert messages(result, "DK000") == [overflow("ARG A18")]
    assert_rest_linted(result, text)


def test_nested_defaults_in_from():
    text = "FROM debian:" + "${X:-" * 500 + "12" + "}" * 500 + "\n" + TAIL
    result = lint(text)
    assert messages(result, "DK000") == [
        f"the image of this FROM nests variable references deeper than {MAX_NESTING} levels; "
        "docklint stopped expanding it (rules treat it as unknown)"]
    assert_rest_linted(result, text)
    assert not messages(result, "DK208")


def test_shallow_nested_defaults_still_expand():
    text = "FROM debian:" + "${X:-" * 10 + "12" + "}" * 10 + "\n" + TAIL
    result = lint(text)
    assert messages(result, "DK000") == []
    assert result.dockerfile.stages[0].base.text == "debian:12"


def test_file_budget_is_shared_by_every_expansion():
    refs = "${S}" * 131
    grows = 131 * 1000 - len(refs)          # what each ENV H<i> line adds to its text
    fit = MAX_TOTAL // grows
    lines = ["FROM debian:12\n", f"ENV S={'y' * 1000}\n"]
    lines += [f"ENV H{i}={refs}\n" for i in range(fit + 2)]
    text = "".join(lines) + TAIL
    result = lint(text)
    assert messages(result, "DK000") == [
        f"ENV H{i} would take the values docklint expands in this file past {MAX_TOTAL} "
        f"characters; docklint stopped expanding it (rules treat it as unknown)"
        for i in (fit, fit + 1)]
    env = result.dockerfile.stages[0].env_end
    assert len(env[f"H{fit - 1}"]) == 131_000 and env[f"H{fit}"] is None
    assert_rest_linted(result, text)


def test_replacement_bomb():
    text = ("ARG A=" + "a" * 1000 + "\nARG B=${A//a/$A}\nFROM debian:$B\n" + TAIL)
    result = lint(text)
    assert messages(result, "DK000") == [overflow("ARG B")]
    assert_rest_linted(result, text)


def test_costly_pattern_is_unknown_not_slow():
    exp = expand("${A#*a*a*a*b}", {"A": "a" * 200_000})
    assert exp.value == "a" * 200_000        # linear matcher: no match, value kept
    exp = expand("${A//*a*a*b/x}", {"A": "a" * 5000})
    assert exp.value is None
    assert exp.overflow == "uses a pattern too costly to match against its value"


def test_cap_is_checked_while_building():
    exp = expand("$A$A$A", {"A": "x" * (MAX_VALUE // 2)})
    assert exp.value is None and exp.text == "$A$A$A"
    assert exp.overflow == f"expands to more than {MAX_VALUE} characters"
    budget = Budget(10)
    assert expand("$A", {"A": "12345"}, budget=budget).value == "12345"
    assert budget.left == 7                       # what the value adds to "$A"
    assert expand("$A", {"A": "x" * 20}, budget=budget).overflow.startswith(
        "would take the values docklint expands in this file past 10 characters")


@pytest.mark.parametrize("seed", range(20))
def test_pattern_matcher_agrees_with_the_regex(seed):
    rnd = random.Random(seed)
    for _ in range(200):
        value = "".join(rnd.choice("ab/.") for _ in range(rnd.randrange(8)))
        word = "".join(rnd.choice("ab*?.") for _ in range(rnd.randrange(5)))
        rx = re.compile(_glob(word), re.S)
        n = len(value)
        want = {
            "#": next((value[k:] for k in range(n + 1) if rx.fullmatch(value, 0, k)), value),
            "##": next((value[k:] for k in range(n, -1, -1) if rx.fullmatch(value, 0, k)),
                       value),
            "%": next((value[:k] for k in range(n, -1, -1) if rx.fullmatch(value, k, n)),
                      value),
            "%%": next((value[:k] for k in range(n + 1) if rx.fullmatch(value, k, n)), value),
        }
        for mod, expected in want.items():
            assert expand("${V" + mod + word + "}", {"V": value}).value == expected, \
                (value, mod, word)


# ---- deep shell

def run_file(script: str) -> str:
    return "FROM debian:12\nRUN " + script + "\n" + TAIL


CHAINS = [(op, 1000) for op in ("&&", "||", ";", "|")] + [("&&", 100_000), ("||", 100_000)]


@pytest.mark.parametrize("op,count", CHAINS)
def test_flat_chains_are_parsed_whole(op, count, monkeypatch):
    # tree-sitter's time budget (PARSE_SECONDS) is not what this test is about: on a busy
    # machine it could give up on the 800 KB line first
    monkeypatch.setattr(shell, "PARSE_SECONDS", 60.0)
    text = run_file(f" {op} ".join(["true"] * count))
    result = lint(text)
    line = len(text.splitlines()[1]) + 1
    too_long = (f"line 2 is {line} bytes long; BuildKit cannot read lines longer than 64 KiB "
                "(bufio.Scanner: token too long)")
    assert messages(result, "DK000") == ([too_long] if line > 65536 else [])
    script = result.dockerfile.script(result.dockerfile.stages[0].instructions[0])
    assert len(script.commands) == count and not script.too_deep
    assert_rest_linted(result, text)


def test_or_chain_marks_tested_commands():
    # `a || b || c && d`: every command left of a `||` is tested; the last before `&&` is not
    script = parse_script(" || ".join(["true"] * 2000) + " && false")
    assert [c.tested for c in script.commands] == [True] * 1999 + [False, False]


DEEP = {
    "command substitution 200": "echo " + "$(" * 200 + "true" + ")" * 200,
    "command substitution 5000": "echo " + "$(" * 5000 + "true" + ")" * 5000,
    "quoted substitutions": "echo " + '"$(echo ' * 1500 + "x" + ')"' * 1500,
    "subshells": "( " * 2000 + "true" + " )" * 2000,
    "groups": "{ " * 2000 + "true; " + "}; " * 2000,
    "if": "if true; then " * 2000 + "true; " + "fi; " * 2000,
    "arithmetic": "echo " + "$((" * 2000 + "1" + "))" * 2000,
}


@pytest.mark.parametrize("name", list(DEEP))
def test_deep_scripts_are_bounded(name):
    text = run_file(DEEP[name])
    result = lint(text)
    found = messages(result, "DK000")
    assert found == [DEEP_RUN]
    assert_rest_linted(result, text)


def test_nested_backticks():
    # a backtick nests only by doubling its escapes: 12 levels take 4 KB, and are not deep
    ticks = ["\\" * (2 ** i - 1) + "`" for i in range(12)]
    text = run_file("echo " + "".join(ticks) + "x" + "".join(reversed(ticks)))
    result = lint(text)
    assert messages(result, "DK000") == []
    assert_rest_linted(result, text)


def test_deep_script_keeps_what_lies_above_the_bound():
    text = run_file("apt-get install curl && echo " + "$(" * 5000 + "true" + ")" * 5000)
    result = lint(text)
    assert messages(result, "DK000") == [DEEP_RUN]
    assert [f.line for f in result.findings if f.code == "DK404"] == [2]
    assert_rest_linted(result, text)


def test_nested_heredoc_shells():
    body = "".join(f"sh <<E{i}\n" for i in range(1, 400)) + "true\n" + \
        "".join(f"E{i}\n" for i in range(399, 0, -1))
    text = "FROM debian:12\nRUN <<E0\n" + body + "E0\n" + TAIL
    result = lint(text)
    assert messages(result, "DK000") == [DEEP_RUN]
    assert_rest_linted(result, text)


def test_long_word_chains_in_commands():
    text = "FROM debian:12\nCMD " + "bundle exec " * 3000 + "rails s\n" + TAIL
    assert_rest_linted(lint(text), text)
    text = "FROM debian:12\n" + "ONBUILD " * 3000 + "RUN true\n"
    assert messages(lint(text), "DK000") == ["ONBUILD isn't allowed as an ONBUILD trigger"]


# ---- the bombs under a memory limit, in a process of their own

def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


BOMBS = {
    "args": (doubling_args(40), overflow("ARG A18")),
    "from": ("FROM debian:" + "${X:-" * 500 + "12" + "}" * 500 + "\n" + TAIL,
             f"nests variable references deeper than {MAX_NESTING} levels"),
    "shell": (run_file("echo " + "$(" * 5000 + "true" + ")" * 5000), DEEP_RUN),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_bombs_under_a_memory_limit(tmp_path, name):
    text, message = BOMBS[name]
    (tmp_path / "Dockerfile").write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKLINT", "NO_COLOR"))}
    proc = subprocess.run([sys.executable, "-m", "docklint", "--format", "gnu", "--ignore",
                           "DK440", "Dockerfile"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, preexec_fn=_limit, env=env)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    assert message in proc.stdout
    assert "[DK106]" in proc.stdout


# ---- thousands of ARG/ENV lines: the per-instruction environments stay bounded
def test_thousands_of_env_lines_keep_a_bounded_environment() -> None:
    """Each ARG/ENV line keeps the environment before it; 3,000 lines each adding a variable
    would keep 4.5 million values. Past the budget the model stops following ARG/ENV, says so
    once, and later variables count as possibly set (no undefined-variable guesses); what
    comes before the budget is still checked."""
    from docklint.model import MAX_ENV_CELLS
    n = 3000
    text = "FROM debian:12\nENV A0=x\nWORKDIR /$UNSET_EARLY\n" + \
        "".join(f"ENV A{i}=${{A{i - 1}}}x\n" for i in range(1, n)) + \
        "WORKDIR /$A2999/$NEVER_SET\n" + TAIL
    result = lint(text)
    assert not result.internal
    assert messages(result, "DK000") == [
        f"the ARG and ENV lines up to here keep more than {MAX_ENV_CELLS} variable values in "
        "all; docklint stopped following ARG and ENV here (later variables are treated as "
        "unknown)"]
    assert [(f.line, f.message.split(";")[0]) for f in result.findings if f.code == "DK209"] \
        == [(3, "usage of undefined variable `$UNSET_EARLY`")]
    assert_rest_linted(result, text)


# ---- thousands of stages each built on the one before
def test_a_long_chain_of_stages_is_followed_to_a_bound() -> None:
    """Every stage's facts walk its FROM chain; 10,000 stages each built on the one before
    cost the square of that. Chains are followed through MAX_CHAIN stages; the first stage past
    it gets one DK000 warning, and what its root image holds counts as unknown (no guess)."""
    from docklint.model import MAX_CHAIN, build
    from docklint.source import Source
    n = MAX_CHAIN + 50
    text = "FROM scratch AS s0\n" + "".join(
        f"FROM s{i - 1} AS s{i}\nRUN echo {i}\n" for i in range(1, n)) + TAIL
    df = build(Source(text, "Dockerfile"))
    assert len(df.graph.chain()) == MAX_CHAIN
    assert len(df.graph.chain(10)) == 11 and df.graph.chain(10)[-1].base.kind == "scratch"
    result = lint(text)
    limit = f"this stage is built on a chain of more than {MAX_CHAIN} stages"
    assert [(f.line, f.message.split(";")[0]) for f in result.findings if f.code == "DK000"] \
        == [(2 * MAX_CHAIN, limit)]
    # RUN on scratch (no shell) is reported while the root is in reach; past the bound the
    # root is unknown: no guess
    lines = {f.line for f in result.findings if f.code == "DK102"}
    assert 3 in lines and max(lines) < 2 * MAX_CHAIN
    assert_rest_linted(result, text)
