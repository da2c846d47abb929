"""Suppressions: docklint's and hadolint's pragmas, BuildKit's `# check=` directive, comments and
build argument, DK001 (invalid-pragma) and DK002 (unused-suppression).

The rules here are fakes with known aliases, registered in place of the real ones, so that the
exact behaviour does not depend on which peer names docklint's real rules carry.
"""

from __future__ import annotations

import pytest

from docklint import registry
from docklint.engine import Settings, lint_text
from docklint.rule import Finding, Rule, Severity
from docklint.suppress import (BUILDKIT_CHECKS, BUILDKIT_FROM_LEVEL, BUILDKIT_WHOLE_FILE,
                               HADOLINT_RULES, Collected, pragmas_of, suppressions)


def _at(keyword: str, name: str = ""):
    def check(df, options):
        for ins in df.instructions:
            if ins.keyword == keyword:
                yield Finding(ins.span, f"{name or keyword.lower()} here")
    return check


def _earlier_cmd(df, options):
    """Like MultipleInstructionsDisallowed: each CMD that a later CMD of its stage overrides."""
    for stage in df.stages:
        cmds = [i for i in stage.instructions if i.keyword == "CMD"]
        for ins in cmds[:-1]:
            yield Finding(ins.span, "overridden CMD")


def _shellcheck(df, options):
    for ins in df.instructions:
        if ins.keyword == "RUN":
            yield Finding(ins.span, "quote this", code="SC2086", slug="sc2086")
            yield Finding(ins.span, "useless cat", code="SC2002", slug="sc2002")


def _crash(df, options):
    raise RuntimeError("boom")
    yield  # pragma: no cover


FAKES = (
    Rule("DK901", "fake-from", Severity.WARNING, _at("FROM"), "From.",
         aliases=("StageNameCasing",)),
    Rule("DK902", "fake-run", Severity.WARNING, _at("RUN"), "Run.",
         aliases=("UndefinedVar", "DL3008")),
    Rule("DK903", "fake-dup", Severity.WARNING, _at("FROM", "dup"), "Dup.",
         aliases=("DuplicateStageName", "DL3024")),
    Rule("DK904", "fake-cmd", Severity.WARNING, _earlier_cmd, "Cmd.",
         aliases=("MultipleInstructionsDisallowed", "DL4003")),
    Rule("DK905", "fake-desc", Severity.INFO, _at("FROM", "desc"), "Desc.",
         aliases=("InvalidDefinitionDescription",)),
    Rule("DK906", "fake-plain", Severity.WARNING, _at("RUN", "plain"), "Plain."),
    Rule("DK907", "fake-shellcheck", Severity.WARNING, _shellcheck, "Sc.", subcodes=r"SC\d{4}"),
    Rule("DK908", "fake-user", Severity.WARNING, _at("USER"), "User.", aliases=("DL3002",)),
    Rule("DK909", "fake-crash", Severity.WARNING, _crash, "Crash.", aliases=("DL3009",)),
)


@pytest.fixture(autouse=True)
def fake_rules(monkeypatch):
    real = {r.code: r for r in registry.all_rules()}
    rules = tuple(sorted((real["DK001"], real["DK002"], *FAKES), key=lambda r: r.code))
    monkeypatch.setattr(registry, "all_rules", lambda: rules)
    registry._index.cache_clear()
    yield
    registry._index.cache_clear()


WORKING = ["DK901", "DK902", "DK903", "DK904", "DK905", "DK906", "DK907", "DK908"]


def lint(text: str, select=None, **kw) -> list[tuple[str, int]]:
    settings = Settings(select=select or WORKING + ["DK001"], **kw)
    return [(f.code, f.line) for f in lint_text(text, settings=settings).findings]


def findings(text: str, select=None, **kw):
    return lint_text(text, settings=Settings(select=select or WORKING + ["DK001"], **kw)).findings


def pragma_problems(text: str, **kw) -> list[tuple[int, int, int, str]]:
    return [(f.line, f.column, f.end_column, f.message)
            for f in findings(text, select=["DK001"], **kw)]


def unused(text: str, **kw) -> list[tuple[int, str]]:
    return [(f.line, f.message) for f in findings(text, select=["DK002"], **kw)]


# ---------------------------------------------------------------- docklint's own pragmas

def test_docklint_pragma_scopes_reason_and_names() -> None:
    text = ("# docklint global ignore=fake-user  # reason\n"
            "FROM alpine:3.20\n"
            "# docklint ignore=DK902,fake-plain  # reason\n"
            "\n"
            "# another comment\n"
            "RUN a\n"
            "RUN b\n"
            "USER x\n")
    assert lint(text, ["DK902", "DK906", "DK908"]) == [("DK902", 7), ("DK906", 7)]


def test_docklint_aliases_prefixes_and_subcodes() -> None:
    text = ("FROM alpine:3.20\n# docklint ignore=DL3008,sc2086\nRUN a\n"
            "# docklint ignore=dk90\nRUN b\n")
    found = findings(text, ["DK902", "DK906", "DK907"])
    assert [(f.code, f.line) for f in found] == [("DK906", 3), ("SC2002", 3)]


# ---------------------------------------------------------------- hadolint's pragmas

def test_hadolint_ignore_next_instruction() -> None:
    text = ("FROM alpine:3.20\n"
            "# hadolint ignore=DL3008\n"
            "\n"
            "# why: the mirror only has one version\n"
            "RUN a\n"
            "RUN b\n")
    assert lint(text, ["DK902"]) == [("DK902", 6)]


@pytest.mark.parametrize("pragma", [
    "#hadolint ignore=DL3008", "# hadolint ignore=DL3008", "#  hadolint   ignore = DL3008",
    "# hadolint ignore=dl3008", "# Hadolint IGNORE=DL3008", "# hadolint ignore=DL3002, DL3008",
    "# hadolint ignore=DL3008 # reason", "\t# hadolint ignore=DL3008",
])
def test_hadolint_whitespace_and_case_variants(pragma: str) -> None:
    text = f"FROM alpine:3.20\n{pragma}\nRUN a\n"
    assert lint(text, ["DK902", "DK001"]) == []


def test_hadolint_global_and_stage() -> None:
    text = ("# hadolint global ignore=DL3002\n"
            "# hadolint stage ignore=DL3008\n"
            "FROM alpine:3.20 AS a\n"
            "RUN a\n"
            "USER x\n"
            "FROM alpine:3.20\n"
            "RUN b\n"
            "USER y\n")
    assert lint(text, ["DK902", "DK908", "DK001"]) == [("DK902", 7)]


def test_hadolint_shellcheck_codes_silence_one_subcode() -> None:
    text = "FROM alpine:3.20\n# hadolint ignore=SC2086\nRUN a\n"
    assert [f.code for f in findings(text, ["DK907"])] == ["SC2002"]


def test_hadolint_code_docklint_does_not_implement_is_accepted() -> None:
    # DL3029 is a real hadolint rule no (fake) docklint rule carries: nothing to silence
    text = "FROM alpine:3.20\n# hadolint ignore=DL3029,DL3008\nRUN a\n"
    assert lint(text, ["DK902", "DK001"]) == []
    assert "DL3029" in HADOLINT_RULES


def test_hadolint_unknown_codes_are_dk001_and_the_rest_still_works() -> None:
    text = ("FROM alpine:3.20\n"
            "# hadolint ignore=DL9999,DL3008\n"
            "RUN a\n"
            "# hadolint ignore=DL3005\n"
            "RUN b\n"
            "# hadolint ignore=DK906,fake-plain,SC20\n"
            "RUN c\n")
    assert lint(text, ["DK902", "DK001"]) == [("DK001", 2), ("DK001", 4), ("DK902", 5),
                                              ("DK001", 6), ("DK001", 6), ("DK001", 6),
                                              ("DK902", 7)]
    assert [m for *_, m in pragma_problems(text)] == [
        "DL9999 is not a hadolint rule docklint knows",
        "DL3005 is a retired hadolint rule: nothing reports it any more, so this ignore does "
        "nothing",
        "DK906 is not a hadolint rule docklint knows (use `# docklint ignore=` for docklint's "
        "own names)",
        "SC20 is not a hadolint rule docklint knows",
        "fake-plain is not a hadolint rule docklint knows (use `# docklint ignore=` for "
        "docklint's own names)",
    ]


def test_hadolint_malformed_misplaced_and_shell() -> None:
    text = ("# hadolint shell=bash\n"
            "# hadolint is run in CI as well\n"
            "FROM alpine:3.20\n"
            "# hadolint ignore DL3008\n"
            "RUN a\n"
            "# hadolint stage ignore=DL3008\n"
            "RUN b\n"
            "# hadolint shell=\n"
            "# hadolint ignore=,\n"
            "RUN c\n"
            "# hadolint ignore=DL3008\n")
    expected = "`# hadolint [global|stage] ignore=DLnnnn[,...]` or `# hadolint shell=NAME`"
    assert pragma_problems(text) == [
        (4, 1, 25, f"malformed hadolint pragma: expected {expected}"),
        (6, 1, 31, "`hadolint stage ignore=` must come right before a FROM"),
        (8, 1, 18, f"malformed hadolint pragma: expected {expected}"),
        (9, 1, 20, "hadolint pragma names no rule"),
        (11, 1, 25, "hadolint pragma is not followed by an instruction"),
    ]


# ---------------------------------------------------------------- pragmas never silence DK001

def test_nothing_silences_dk001() -> None:
    text = ("# docklint global ignore=ALL\n"
            "# hadolint global ignore=DL9999\n"
            "# docklint global ignore=DK001\n"
            "FROM alpine:3.20\n")
    assert lint(text, ["DK001", "DK901"]) == [("DK001", 2), ("DK001", 3)]
    assert pragma_problems(text)[1][3] == ("DK001 (invalid-pragma) cannot be silenced by a "
                                           "pragma")


def test_pragma_inside_a_continuation_is_dk001() -> None:
    text = ("FROM alpine:3.20\nRUN a \\\n  # hadolint ignore=DL3008\n  && b \\\n"
            "  # check=skip=UndefinedVar\n  && c\n")
    assert lint(text, ["DK902", "DK001"]) == [("DK902", 2), ("DK001", 3), ("DK001", 5)]
    assert [m for *_, m in pragma_problems(text)] == [
        "hadolint pragma inside a continued instruction applies to nothing (BuildKit drops "
        "comments there); put it above the instruction",
        "`# check=` comment inside a continued instruction applies to nothing (BuildKit drops "
        "comments there); put it above the instruction"]


# ---------------------------------------------------------------- the file-level `# check=`

STAGES = ("FROM alpine:3.20 AS base\n"        # 2: DK901, DK903, DK905
          "RUN a\n"                           # 3: DK902, DK906
          "FROM base\n"                       # 4: DK901, DK903, DK905
          "RUN b\n")                          # 5: DK902, DK906


def test_check_skip_names_silence_their_rules_in_the_whole_file() -> None:
    text = "# check=skip=StageNameCasing,UndefinedVar\n" + STAGES
    assert lint(text, ["DK901", "DK902", "DK906", "DK001"]) == [("DK906", 3), ("DK906", 5)]


def test_check_names_are_case_sensitive_and_unknown_ones_are_dk001() -> None:
    text = "# check=skip=stagenamecasing,Nope\n" + STAGES
    assert lint(text, ["DK901", "DK001"]) == [("DK001", 1), ("DK001", 1), ("DK901", 2),
                                              ("DK901", 4)]
    assert [m for *_, m in pragma_problems(text)] == [
        "BuildKit check names are case-sensitive: `stagenamecasing` matches nothing (did you "
        "mean StageNameCasing?)",
        "Nope is not a BuildKit check: BuildKit accepts it silently, so it does nothing"]


def test_check_skip_all_spares_experimental_and_non_buildkit_rules() -> None:
    select = ["DK901", "DK902", "DK903", "DK905", "DK906", "DK001"]
    text = "# check=skip=all\n" + STAGES
    assert lint(text, select) == [("DK905", 2), ("DK906", 3), ("DK905", 4), ("DK906", 5)]
    # enabling the experimental check does not make skip=all reach it
    text = "# check=skip=all;experimental=InvalidDefinitionDescription\n" + STAGES
    assert lint(text, select) == [("DK905", 2), ("DK906", 3), ("DK905", 4), ("DK906", 5)]


def test_check_skip_of_the_experimental_check_does_nothing() -> None:
    text = "# check=skip=InvalidDefinitionDescription\n" + STAGES
    assert lint(text, ["DK905", "DK001"]) == [("DK001", 1), ("DK905", 2), ("DK905", 4)]
    assert pragma_problems(text)[0][3].startswith(
        "`skip=` does not affect the experimental check InvalidDefinitionDescription")


def test_check_reads_only_up_to_the_first_space() -> None:
    text = "# check=skip=UndefinedVar StageNameCasing // reason\n" + STAGES
    assert lint(text, ["DK901", "DK902", "DK001"]) == [("DK901", 2), ("DK901", 4)]
    text = "# check=skip=UndefinedVar, StageNameCasing\n" + STAGES
    assert lint(text, ["DK901", "DK902", "DK001"]) == [("DK001", 1), ("DK901", 2), ("DK901", 4)]
    assert pragma_problems(text)[0][3] == ("empty check name in `skip=` (BuildKit reads the "
                                           "value only up to the first space)")


def test_check_third_part_takes_the_rest() -> None:
    text = "# check=skip=UndefinedVar;error=false;experimental=all;skip=StageNameCasing\n" + STAGES
    assert pragma_problems(text) == [(1, 1, 76, "all;skip=StageNameCasing is not a BuildKit "
                                      "check: BuildKit accepts it silently, so it does nothing")]
    assert lint(text, ["DK901", "DK902"]) == [("DK901", 2), ("DK901", 4)]


@pytest.mark.parametrize("directive, problem", [
    ("skip=all;foo=1", 'invalid check option "foo"'),
    ("skip", 'invalid check option "skip"'),
    ("error=yes", 'invalid boolean "yes" in check option "error=yes"'),
    ("Skip=all", 'invalid check option "Skip"'),
])
def test_invalid_check_directive_fails_the_build_and_silences_nothing(directive: str,
                                                                      problem: str) -> None:
    text = f"# check={directive}\n" + STAGES
    assert lint(text, ["DK901", "DK001"]) == [("DK001", 1), ("DK901", 2), ("DK901", 4)]
    assert pragma_problems(text)[0][3] == ("invalid `# check=` directive: BuildKit fails the "
                                           f"build: {problem}")


@pytest.mark.parametrize("value, error", [("true", True), ("1", True), ("T", True),
                                          ("TRUE", True), ("false", False), ("0", False)])
def test_check_error_makes_buildkit_rules_errors(value: str, error: bool) -> None:
    text = f"# check=error={value}\n" + STAGES
    found = findings(text, ["DK901", "DK902", "DK905", "DK906", "DK001"],
                     severity={"UndefinedVar": "info"})
    sev = {(f.code, f.line): f.severity for f in found}
    assert sev[("DK906", 3)] == Severity.WARNING          # no BuildKit name
    # the experimental check: BuildKit does not run it unless `experimental=` names it
    assert sev[("DK905", 2)] == Severity.INFO
    if error:
        assert {sev[k] for k in [("DK901", 2), ("DK902", 3)]} == {Severity.ERROR}
    else:
        assert (sev[("DK901", 2)], sev[("DK902", 3)]) == (Severity.WARNING, Severity.INFO)


@pytest.mark.parametrize("config, build_arg, lines", [
    ("error=true;experimental=InvalidDefinitionDescription", None, {2, 4}),
    ("error=true;experimental=all", None, {2, 4}),
    ("error=true", None, set()),
    ("error=false;experimental=all", None, set()),
    # the build arg replaces the directive
    ("error=true;experimental=all", "error=true", set()),
    ("error=true", "error=true;experimental=InvalidDefinitionDescription", {2, 4}),
])
def test_check_error_raises_the_experimental_check_only_where_it_runs(
        config: str, build_arg, lines: set) -> None:
    text = f"# check={config}\n" + STAGES
    found = findings(text, ["DK905"], build_args={"BUILDKIT_DOCKERFILE_CHECK": build_arg}
                     if build_arg else {})
    assert {f.line for f in found if f.severity == Severity.ERROR} == lines
    assert {f.line for f in found} == {2, 4}


def test_check_error_raises_the_experimental_check_enabled_above_an_instruction() -> None:
    text = ("# check=error=true\n\n"
            "# check=experimental=InvalidDefinitionDescription\n"
            "FROM alpine:3.20 AS base\nRUN a\nFROM base\nRUN b\n")
    sev = {f.line: f.severity for f in findings(text, ["DK905"])}
    assert sev == {4: Severity.ERROR, 6: Severity.INFO}


def test_check_directive_only_counts_in_the_directive_block() -> None:
    # quirk: after a non-directive line it is the first instruction's comment, nothing more
    text = "# hello\n# check=skip=all\n" + STAGES
    assert lint(text, ["DK901", "DK902", "DK903", "DK001"]) == [
        ("DK903", 3), ("DK902", 4), ("DK901", 5), ("DK903", 5), ("DK902", 6)]


def test_indented_check_at_the_top_applies_nowhere() -> None:
    text = "  # check=skip=all\n" + STAGES
    assert lint(text, ["DK901", "DK001"]) == [("DK001", 1), ("DK901", 2), ("DK901", 4)]
    assert pragma_problems(text)[0][:3] == (1, 3, 19)


def test_check_after_a_shebang_and_syntax() -> None:
    text = "#!/usr/bin/env docker-build\n# syntax=docker/dockerfile:1\n" \
           "# check=skip=UndefinedVar\n" + STAGES
    assert lint(text, ["DK902", "DK001"]) == []
    # the line is also the first instruction's comment: no per-instruction complaint about it
    text = "#!/bin/sh\n# check=skip=DuplicateStageName\n" + STAGES
    assert lint(text, ["DK903", "DK001"]) == []


def test_build_arg_replaces_the_directive() -> None:
    text = "# check=skip=StageNameCasing;error=true\n" + STAGES
    args = {"BUILDKIT_DOCKERFILE_CHECK": "skip=UndefinedVar"}
    found = findings(text, ["DK901", "DK902"], build_args=args)
    assert [(f.code, f.line, f.severity) for f in found] == [
        ("DK901", 2, Severity.WARNING), ("DK901", 4, Severity.WARNING)]
    # an empty value replaces it with nothing
    assert lint(text, ["DK901"], build_args={"BUILDKIT_DOCKERFILE_CHECK": ""}) == [
        ("DK901", 2), ("DK901", 4)]
    found = findings(STAGES, ["DK901"], build_args={"BUILDKIT_DOCKERFILE_CHECK": "error=1"})
    assert {f.severity for f in found} == {Severity.ERROR}


def test_invalid_build_arg_is_dk001_at_the_top() -> None:
    args = {"BUILDKIT_DOCKERFILE_CHECK": "skip=all;oops"}
    assert pragma_problems(STAGES, build_args=args) == [
        (1, 1, 1, 'invalid BUILDKIT_DOCKERFILE_CHECK build arg: BuildKit fails the build: '
                  'invalid check option "oops"')]
    args = {"BUILDKIT_DOCKERFILE_CHECK": "skip=Bogus"}
    assert pragma_problems(STAGES, build_args=args)[0][3] == (
        "BUILDKIT_DOCKERFILE_CHECK build arg: Bogus is not a BuildKit check: BuildKit accepts "
        "it silently, so it does nothing")


# ---------------------------------------------------------------- `# check=` above an instruction

def test_check_comment_applies_to_its_instruction_only() -> None:
    text = ("FROM alpine:3.20\n"
            "# check=skip=UndefinedVar // flaky\n"
            "\n"
            "# blank lines and other comments may come between\n"
            "RUN a\n"
            "RUN b\n")
    assert lint(text, ["DK902", "DK001"]) == [("DK902", 6)]


def test_empty_hash_line_detaches_the_check_comment() -> None:
    text = "FROM alpine:3.20\n# check=skip=UndefinedVar\n#\nRUN a\n"
    assert lint(text, ["DK902", "DK001"]) == [("DK001", 2), ("DK902", 4)]
    text = "FROM alpine:3.20\nRUN a\n# check=skip=UndefinedVar\n"
    assert lint(text, ["DK902", "DK001"]) == [("DK902", 2), ("DK001", 3)]


def test_only_the_first_check_comment_counts() -> None:
    text = ("FROM alpine:3.20\n# check=skip=StageNameCasing\n# check=skip=UndefinedVar\n"
            "RUN a\n")
    assert lint(text, ["DK902", "DK001"]) == [("DK001", 3), ("DK902", 4)]
    # an unparsable first one is ignored, and still hides the second
    text = ("FROM alpine:3.20\n# check=skip=UndefinedVar;bogus\n# check=skip=UndefinedVar\n"
            "RUN a\n")
    assert lint(text, ["DK902", "DK001"]) == [("DK001", 2), ("DK001", 3), ("DK902", 4)]
    assert [m for *_, m in pragma_problems(text)] == [
        'BuildKit ignores this `# check=` comment: invalid check option "bogus"',
        "only the first `# check=` comment above an instruction counts: BuildKit ignores "
        "this one"]


def test_error_in_a_check_comment_is_ignored() -> None:
    text = "FROM alpine:3.20\n# check=skip=UndefinedVar;error=true\nRUN a\nRUN b\n"
    found = findings(text, ["DK901", "DK902", "DK001"])
    assert [(f.code, f.line, f.severity) for f in found] == [
        ("DK901", 1, Severity.WARNING), ("DK001", 2, Severity.WARNING),
        ("DK902", 4, Severity.WARNING)]


def test_check_comment_on_a_from_affects_only_from_level_checks() -> None:
    # (a `# check=` on line 1 would be the file-level directive: start with an ARG)
    text = ("ARG V=1\n"
            "# check=skip=all\n"
            "FROM alpine:3.20 AS base\n"
            "RUN a\n")
    assert lint(text, ["DK901", "DK902", "DK903", "DK001"]) == [("DK903", 3), ("DK902", 4)]
    text = ("ARG V=1\n# check=skip=StageNameCasing,UndefinedVar,DuplicateStageName\n"
            "FROM alpine:3.20 AS base\nRUN a\n")
    assert lint(text, ["DK901", "DK902", "DK903", "DK001"]) == [
        ("DK001", 2), ("DK001", 2), ("DK903", 3), ("DK902", 4)]
    assert [m for *_, m in pragma_problems(text)] == [
        "DuplicateStageName is a whole-file check: a `# check=` comment above an instruction "
        "does not affect it (use the file-level directive)",
        "on a FROM, a `# check=` comment only affects the FROM's own checks (FromAsCasing, "
        "FromPlatformFlagConstDisallowed, InvalidDefinitionDescription, RedundantTargetPlatform, "
        "StageNameCasing, UndefinedArgInFrom): UndefinedVar is not one of them"]


def test_check_comment_never_reaches_experimental_or_non_buildkit_rules() -> None:
    text = ("ARG V=1\n# check=skip=all;experimental=all\nFROM alpine:3.20\n"
            "# check=skip=all\nRUN a\n")
    assert lint(text, ["DK901", "DK905", "DK906", "DK001"]) == [("DK905", 3), ("DK906", 5)]


def test_multiple_instructions_comment_above_the_later_one_counts() -> None:
    base = "FROM alpine:3.20\nCMD a\n{}CMD b\n"
    # reported at the earlier CMD; a comment above it does not silence it
    text = "FROM alpine:3.20\n# check=skip=MultipleInstructionsDisallowed\nCMD a\nCMD b\n"
    assert lint(text, ["DK904", "DK001"]) == [("DK904", 3)]
    text = base.format("# check=skip=MultipleInstructionsDisallowed\n")
    assert lint(text, ["DK904", "DK001"]) == []
    # a docklint pragma goes by where the finding is; a hadolint one also by where hadolint
    # reports DL4003 (the later CMD), so that a file migrated from hadolint stays clean
    text = base.format("# docklint ignore=DK904\n")
    assert lint(text, ["DK904", "DK001"]) == [("DK904", 2)]
    text = base.format("# hadolint ignore=DL4003\n")
    assert lint(text, ["DK904", "DK001"]) == []


def test_allow_pragmas_false_makes_file_pragmas_inert() -> None:
    text = ("# check=skip=StageNameCasing;error=true\n"
            "# docklint global ignore=DK906\n"
            "# hadolint global ignore=DL3008\n"
            "FROM alpine:3.20\n"
            "# check=skip=UndefinedVar\n"
            "RUN a\n")
    assert lint(text, ["DK901", "DK902", "DK906"]) == []
    found = findings(text, ["DK901", "DK902", "DK906"], allow_pragmas=False)
    assert [(f.code, f.line, f.severity) for f in found] == [
        ("DK901", 4, Severity.ERROR), ("DK902", 6, Severity.ERROR), ("DK906", 6, Severity.WARNING)]
    # the build argument is configuration: it still applies
    found = findings(text, ["DK901", "DK902"], allow_pragmas=False,
                     build_args={"BUILDKIT_DOCKERFILE_CHECK": "skip=UndefinedVar"})
    assert [(f.code, f.line, f.severity) for f in found] == [("DK901", 4, Severity.WARNING)]


# ---------------------------------------------------------------- DK002 unused-suppression

def test_unused_is_off_by_default() -> None:
    assert registry.get("DK002").default_enabled is False
    text = "FROM alpine:3.20\n# docklint ignore=DK906\nUSER x\n"
    assert [f.code for f in lint_text(text).findings if f.code == "DK002"] == []


def test_unused_messages_for_every_form() -> None:
    text = ("# check=skip=StageNameCasing,MaintainerDeprecated\n"
            "# docklint global ignore=fake-user\n"
            "# hadolint stage ignore=DL3024\n"
            "FROM alpine:3.20 AS base\n"
            "# hadolint ignore=DL3002,DL3008\n"
            "RUN a\n"
            "# check=skip=all\n"
            "USER x\n")
    # MaintainerDeprecated: no (fake) docklint rule carries it, so it is not judged
    assert unused(text) == [
        (5, "partly unused suppression: no finding of DL3002 on the next instruction (this "
            "hadolint pragma is needed for DL3008)"),
        (7, "unused suppression: this `# check=` comment silences nothing: no finding of any "
            "BuildKit check on this instruction"),
    ]
    text = ("FROM alpine:3.20\n# docklint ignore=DK908,fake-from  # old\nRUN a\n"
            "# docklint stage ignore=DK902\nFROM alpine:3.20\nUSER x\n")
    assert unused(text) == [
        (2, "unused suppression: this docklint pragma silences nothing: no finding of DK908, "
            "fake-from on the next instruction"),
        (4, "unused suppression: this docklint pragma silences nothing: no finding of DK902 "
            "in this stage")]


def test_unused_judges_rules_the_configuration_does_not_run() -> None:
    text = "FROM alpine:3.20\n# hadolint ignore=DL3008\nRUN a\n# hadolint ignore=DL3002\nRUN b\n"
    assert unused(text) == [(4, "unused suppression: this hadolint pragma silences nothing: "
                                "no finding of DL3002 on the next instruction")]
    # a suppression of a rule the configuration turns off is still judged on the rule
    result = lint_text(text, settings=Settings(select=["DK002", "DK906"]))
    assert [(f.code, f.line) for f in result.findings] == [("DK906", 3), ("DK002", 4),
                                                           ("DK906", 5)]
    text = "# check=skip=StageNameCasing,UndefinedVar\n" + STAGES.replace("RUN b\n", "")
    assert unused(text) == []
    text = "# check=skip=StageNameCasing,UndefinedVar\n" + STAGES.replace("RUN", "COPY")
    assert unused(text) == [(1, "partly unused suppression: no finding of UndefinedVar in this "
                                "file (this `# check=` directive is needed for StageNameCasing)")]


def test_unused_does_not_judge_what_docklint_cannot_know() -> None:
    text = ("# check=skip=InvalidBaseImagePlatform\n"   # a BuildKit check docklint lacks
            "FROM alpine:3.20\n"
            "# hadolint ignore=DL3029,SC2086\n"         # DL3029: no docklint rule
            "RUN a\n"
            "# hadolint ignore=DL3009\n"                # its rule crashes
            "RUN b\n"
            "# docklint global ignore=DK002\n")
    assert unused(text) == []
    assert unused(STAGES, build_args={"BUILDKIT_DOCKERFILE_CHECK": "skip=UndefinedVar"}) == []


def test_unused_with_subcodes() -> None:
    text = "FROM alpine:3.20\n# hadolint ignore=SC2086,SC2046\nRUN a\n"
    assert unused(text) == [(2, "partly unused suppression: no finding of SC2046 on the next "
                                "instruction (this hadolint pragma is needed for SC2086)")]


def test_unused_findings_can_be_silenced_and_are_off_without_pragmas() -> None:
    text = "# docklint global ignore=DK002\nFROM alpine:3.20\n# docklint ignore=DK906\nUSER x\n"
    assert unused(text) == []
    text = "FROM alpine:3.20\n# docklint ignore=DK906\nUSER x\n"
    assert unused(text, allow_pragmas=False) == []
    assert [line for line, _ in unused(text)] == [2]


def test_a_pragma_is_used_when_it_covers_a_finding_another_also_covers() -> None:
    text = ("# docklint global ignore=DK902\nFROM alpine:3.20\n# hadolint ignore=DL3008\n"
            "RUN a\n")
    assert unused(text) == []


# ---------------------------------------------------------------- parsed once

def test_pragmas_are_parsed_once_per_file() -> None:
    text = "# check=skip=UndefinedVar\nFROM alpine:3.20\n# hadolint ignore=DL3008\nRUN a\n"
    df = lint_text(text, settings=Settings(select=["DK902"])).dockerfile
    assert isinstance(pragmas_of(df), Collected)
    assert pragmas_of(df) is pragmas_of(df)
    assert suppressions(df) is suppressions(df)
    assert [(p.form, p.scope) for p in suppressions(df).pragmas] == [("hadolint", "next"),
                                                                     ("check", "file")]


def test_buildkit_name_tables_match_the_reference() -> None:
    assert len(BUILDKIT_CHECKS) == 22
    assert BUILDKIT_FROM_LEVEL <= BUILDKIT_CHECKS and BUILDKIT_WHOLE_FILE <= BUILDKIT_CHECKS
    assert not BUILDKIT_FROM_LEVEL & BUILDKIT_WHOLE_FILE
    assert len(HADOLINT_RULES) == 71


def test_unused_peer_pragmas_option() -> None:
    text = ("# check=skip=UndefinedVar\nFROM alpine:3.20\n# hadolint ignore=DL3002\n"
            "# docklint ignore=DK908\nCOPY a /a\n")
    assert [line for line, _ in unused(text)] == [1, 3, 4]
    assert [line for line, _ in unused(text, options={"DK002": {"peer-pragmas": False}})] == [4]
