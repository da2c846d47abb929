"""The engine: rule selection, severities, options, pragmas, sub-codes, stamping, rule crashes."""

from __future__ import annotations

import pytest

from docklint import registry
from docklint.engine import Settings, lint_bytes, lint_text, select_rules
from docklint.registry import UnknownRule, all_rules, resolve
from docklint.rule import Finding, Related, Rule, Severity
from docklint.source import Span

SCRATCH_TLS = (
    "FROM golang:1.22-alpine AS build\n"
    "RUN CGO_ENABLED=0 go build -o /app .\n"
    "FROM scratch\n"
    "COPY --from=build /app /app\n"
    "ENV API=https://api.example.com\n"
    'ENTRYPOINT ["/app"]\n')


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def test_default_selection_is_the_default_enabled_rules() -> None:
    chosen = {r.code for r in select_rules(Settings())}
    assert chosen == {r.code for r in all_rules() if r.default_enabled}


@pytest.mark.parametrize("selector, expected", [
    ("DK101", {"DK101"}),
    ("missing-ca-bundle", {"DK101"}),
    ("dk1", {r.code for r in all_rules() if r.code.startswith("DK1")}),
    ("ALL", {r.code for r in all_rules()}),
    ("runtime", {r.code for r in all_rules() if "runtime" in r.tags}),
])
def test_resolve_selectors(selector: str, expected: set[str]) -> None:
    assert {r.code for r in resolve(selector)} == expected


def test_unknown_selector_suggests() -> None:
    with pytest.raises(UnknownRule, match="did you mean DK101"):
        resolve("DK1011")
    with pytest.raises(UnknownRule):
        resolve("nonsense-rule")


def test_ignore_removes_and_select_restricts() -> None:
    result = lint_text(SCRATCH_TLS, settings=Settings(select=["DK101", "DK110"]))
    assert sorted(set(codes(result))) == ["DK101", "DK110"]
    result = lint_text(SCRATCH_TLS, settings=Settings(select=["DK101", "DK110"],
                                                      ignore=["final-user-unset"]))
    assert codes(result) == ["DK101"]


def test_severity_override_and_positions() -> None:
    result = lint_text(SCRATCH_TLS, "x/Dockerfile",
                       Settings(select=["DK101"], severity={"DK101": "warning"}))
    [f] = result.findings
    assert (f.code, f.slug, f.severity, f.path) == ("DK101", "missing-ca-bundle",
                                                    Severity.WARNING, "x/Dockerfile")
    assert (f.line, f.column, f.end_line, f.end_column) == (3, 1, 3, 13)
    assert f.related_positions[0][:4] == (5, 9, 5, 32)


def test_rule_options_reach_the_rule() -> None:
    text = SCRATCH_TLS.replace("ENV API=https://api.example.com\n", "")
    assert codes(lint_text(text, settings=Settings(select=["DK101"]))) == []
    settings = Settings(select=["DK101"], options={"DK101": {"assume-tls": True}})
    assert codes(lint_text(text, settings=settings)) == ["DK101"]


def test_pragmas_next_instruction_and_global() -> None:
    text = ("# docklint global ignore=DK110\n" + SCRATCH_TLS.replace(
        "FROM scratch\n", "# docklint ignore=missing-ca-bundle  # reason\n\n# other\nFROM scratch\n"))
    assert codes(lint_text(text, settings=Settings(select=["DK101", "DK110"]))) == []
    # with pragmas disallowed both come back
    result = lint_text(text, settings=Settings(select=["DK101", "DK110"], allow_pragmas=False))
    assert sorted(codes(result)) == ["DK101", "DK110"]


def test_pragma_covers_only_its_instruction() -> None:
    text = ("FROM alpine:3.20\n# docklint ignore=DK000\nRUNN a\nRUNN b\n")
    result = lint_text(text, settings=Settings(select=["DK000"]))
    assert [(f.code, f.line) for f in result.findings] == [("DK000", 4)]


def test_stage_pragma_covers_the_stage() -> None:
    text = ("# docklint stage ignore=DK000\nFROM alpine:3.20 AS a\nRUNN x\n"
            "FROM alpine:3.20\nRUNN y\n")
    result = lint_text(text, settings=Settings(select=["DK000"]))
    assert [(f.code, f.line) for f in result.findings] == [("DK000", 5)]


def test_rule_crash_is_reported_not_raised(monkeypatch) -> None:
    def boom(df, options):
        raise RuntimeError("kaboom")
        yield  # pragma: no cover

    bad = Rule("DK999", "boom", Severity.ERROR, boom, "Boom.")
    result = lint_text("FROM alpine:3.20\n", rules=[bad])
    # never silent: a DK005 finding at line 1 (no instruction was being checked)
    assert [(f.code, f.line, f.column, f.message) for f in result.findings] == [
        ("DK005", 1, 1, "rule DK999 (boom) could not check this file: RuntimeError: kaboom "
                        "(a docklint bug: please report it); its findings for this file may be "
                        "incomplete")]
    assert result.internal == ["Dockerfile: internal error in rule DK999 (boom): RuntimeError: "
                               "kaboom"]


def test_out_of_range_span_is_clamped() -> None:
    def far(df, options):
        yield Finding(Span(10_000, 10_005), "far away")

    rule = Rule("DK998", "far", Severity.INFO, far, "Far.")
    [f] = lint_text("FROM alpine:3.20\n", rules=[rule]).findings
    assert f.span == Span(17, 17)


def _shellcheck_like() -> Rule:
    def check(df, options):
        span = df.instructions[0].keyword_span
        yield Finding(span, "quote this", code="SC2086", slug="sc2086")
        yield Finding(span, "useless cat", code="SC2002", slug="sc2002")

    return Rule("DK997", "fake-shellcheck", Severity.WARNING, check, "Fake.",
                subcodes=r"SC\d{4}")


@pytest.fixture
def with_subcode_rule(monkeypatch):
    rule = _shellcheck_like()
    rules = (rule, *all_rules())     # first: it owns the SC codes in this test
    monkeypatch.setattr(registry, "all_rules", lambda: rules)
    registry._index.cache_clear()
    yield rule
    registry._index.cache_clear()


def test_subcodes_are_stamped_selected_ignored_and_suppressed(with_subcode_rule) -> None:
    rule = with_subcode_rule
    result = lint_text("FROM alpine:3.20\n", rules=[rule])
    assert [(f.code, f.slug) for f in result.findings] == [("SC2002", "sc2002"),
                                                           ("SC2086", "sc2086")]
    result = lint_text("FROM alpine:3.20\n", settings=Settings(ignore=["SC2086"]),
                       rules=[rule])
    assert codes(result) == ["SC2002"]
    result = lint_text("FROM alpine:3.20\n", settings=Settings(select=["SC2086"]),
                       rules=[rule])
    assert codes(result) == ["SC2086"]
    text = "# docklint ignore=SC2002\nFROM alpine:3.20\n"
    result = lint_text(text, rules=[rule])
    assert codes(result) == ["SC2086"]
    assert resolve("sc2086") == [rule]


def test_lint_bytes_decodes_and_reports_encoding() -> None:
    result = lint_bytes(b"\xef\xbb\xbfFROM alpine:3.20\nLABEL a=\xff\n", "f",
                        Settings(select=["DK003", "DK000"]))
    assert [(f.code, f.line, f.column) for f in result.findings] == [("DK003", 2, 9)]
    assert result.source.bom is True


def test_messages_are_one_line() -> None:
    def multi(df, options):
        yield Finding(df.instructions[0].keyword_span, "word `a\nb`\r!",
                      related=(Related(df.instructions[0].span, "x\ny"),))

    [f] = lint_text("FROM alpine:3.20\n", rules=[Rule("DK996", "m", Severity.INFO, multi,
                                                      "M.")]).findings
    assert f.message == "word `a\\nb`\\r!"
    assert f.related_positions[0][4] == "x\\ny"


# ---- one problem, one finding: a rule's findings in one instruction are merged

MERGE = ("FROM debian:12-slim\n"
         "RUN apt-get update && apt-get install -y --no-install-recommends curl git make\n")


def test_a_rules_findings_in_one_instruction_are_one_finding() -> None:
    (f,) = lint_text(MERGE, settings=Settings(select=["DK401"])).findings
    assert (f.line, f.column, f.end_column) == (2, 66, 70)            # the first package
    assert f.message.startswith("3 apt packages are not pinned to a version: `curl`, `git` "
                                "and `make`")
    assert [pos[:4] for pos in f.related_positions] == [(2, 71, 2, 74), (2, 75, 2, 79)]
    assert all(r.occurrence for r in f.related)
    assert [pos[4] for pos in f.related_positions][0].startswith("apt package `git` is not "
                                                                 "pinned")


def test_findings_in_different_instructions_stay_apart() -> None:
    text = MERGE + "RUN apt-get install -y --no-install-recommends jq\n"
    found = lint_text(text, settings=Settings(select=["DK401"])).findings
    assert [(f.line, len(f.related)) for f in found] == [(2, 2), (3, 0)]


def test_a_file_grouped_rule_merges_across_instructions_and_pragmas_work_per_place() -> None:
    text = ("FROM alpine:3.20\n"
            "ENV A 1\n"
            "# docklint ignore=DK905\n"
            "ENV B 2\n"
            "LABEL c 3\n")
    (f,) = lint_text(text, settings=Settings(select=["DK905"])).findings
    # the pragma silences its instruction's place only; the others stay one finding
    assert f.line == 2 and [pos[0] for pos in f.related_positions] == [5]
    assert f.message.startswith("2 ENV/LABEL instructions use the legacy `KEY value` form "
                                "(keys `A` and `c`)")
    # one fix for all, and each place keeps its own
    assert [e.text for e in f.fix.edits] == ["=", "="]
    assert [e.text for e in f.related[0].fix.edits] == ["="]


def test_merged_severity_is_the_highest_and_a_lone_finding_is_unchanged(monkeypatch) -> None:
    def check(df, options):
        yield Finding(Span(5, 6), "one", severity=Severity.INFO)
        yield Finding(Span(7, 8), "two", severity=Severity.ERROR)
        yield Finding(Span(20, 21), "three")
    rule = Rule("DK998", "test-merge", Severity.WARNING, check, "", module="t")
    found = lint_text("FROM alpine:3.20\nRUN a b c\n", rules=[rule]).findings
    assert [(f.message, f.severity, len(f.related)) for f in found] == [
        ("one (1 more in this instruction: `p`)", Severity.ERROR, 1),
        ("three", Severity.WARNING, 0)]
    apart = Rule("DK998", "test-merge", Severity.WARNING, check, "", module="t", group="none")
    assert len(lint_text("FROM alpine:3.20\nRUN a b c\n", rules=[apart]).findings) == 3


def test_json_marks_the_other_places_with_their_fixes() -> None:
    import json
    from docklint.formatters import json_format
    text = "FROM alpine:3.20\nENV A 1\nENV B 2\n"
    result = lint_text(text, settings=Settings(select=["DK905"]))
    (item,) = json.loads(json_format.render([result], [], color=False, show_source=False,
                                            version="0", base_dir=None))
    (rel,) = item["related"]
    assert rel["occurrence"] is True and rel["line"] == 3
    assert rel["fix"]["edits"][0]["text"] == "="
    assert len(item["fix"]["edits"]) == 2


def test_merged_places_messages_are_one_line_like_their_positions() -> None:
    """Found by the fuzzer: a merged place quotes the file (a CR-only file is one long line)."""
    def check(df, options):
        yield Finding(Span(5, 6), "first")
        yield Finding(Span(7, 8), "second\rquoted\nlines")
    rule = Rule("DK998", "test-merge", Severity.WARNING, check, "", module="t")
    (f,) = lint_text("FROM alpine:3.20\n", rules=[rule]).findings
    assert f.related[0].message == f.related_positions[0][4] == "second\\rquoted\\nlines"


def test_findings_of_one_problem_merge_after_pragmas():
    """A row of single-command RUNs is one DK435 finding (Finding.problem); a pragma on one
    RUN of the row still silences that place only, as hadolint's DL3059 would."""
    text = ("FROM debian:12\nRUN echo 1\nRUN echo 2\n# hadolint ignore=DL3059\nRUN echo 3\n"
            "RUN echo 4\n")
    [f] = lint_bytes(text.encode(), "Dockerfile", Settings(select=["DK435"])).findings
    assert f.line == 3 and "1 more in a row" in f.message
    assert [r[0] for r in f.related_positions] == [6, 2]
