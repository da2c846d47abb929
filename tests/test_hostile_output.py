"""Output that is safe to show, and reports that are never silently incomplete (issue 12).

Terminal escape injection: messages quote the Dockerfile (a USER name, a LABEL key), and file
names come from the repository. Every escape class (ESC sequences: clear screen, window title,
OSC 8 hyperlinks; BEL; C1 controls such as 0x9B, a CSI; DEL; bidi overrides, isolates and marks;
other invisible format characters; line breaks) is shown escaped (``\\x1b``, ``\\u202e``, ``\\n``)
by the engine once, in every format; file names in line formats too; JSON and SARIF keep exact
values but write the characters as ``\\uXXXX``. The checks scan the bytes a real process writes.

Rule failures: a rule that raises gives a DK005 finding naming it and where it failed, a summary
line, a SARIF notification with ``executionSuccessful: false``, and exit 2, in every format.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from docklint import registry
from docklint.cli import lint
from docklint.engine import Settings, lint_text
from docklint.formatters import json_safe, render
from docklint.rule import CannotCheck, Finding, Rule, Severity, printable
from docklint.source import Span

from .conftest import shared_path

# the escape classes: (name, raw text, how a message shows it)
CLASSES = [
    ("clear-screen", "\x1b[2J", "\\x1b[2J"),
    ("window-title", "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    ("hyperlink", "\x1b]8;;evil.example\x07", "\\x1b]8;;evil.example\\x07"),   # OSC 8, BEL-ended
    ("bell", "\x07", "\\x07"),
    ("c1-csi", "\x9b2J", "\\x9b2J"),
    ("c1-osc", "\x9d0;t\x9c", "\\x9d0;t\\x9c"),
    ("del", "\x7f", "\\x7f"),
    ("rlo", "\u202eevil", "\\u202eevil"),
    ("lre-pdf", "\u202aa\u202c", "\\u202aa\\u202c"),
    ("isolates", "\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),
    ("marks", "\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"),
    ("zero-width", "\u200b\ufeff\u2060", "\\u200b\\ufeff\\u2060"),
    ("tag-chars", "\U000e0041\U000e007f", "\\U000e0041\\U000e007f"),
]
IDS = [c[0] for c in CLASSES]

FORMATS = ("text", "gnu", "github", "json", "sarif")


def forbidden(text: str) -> list[str]:
    """The characters in ``text`` that must not reach a terminal raw: C0 controls but newline
    and tab (the carriage return included), DEL, C1, bidi and other format characters, line
    separators, and undecodable bytes (surrogate-escaped) in the C1 range."""
    bad = []
    for ch in text:
        code = ord(ch)
        if ch in "\n\t":
            continue
        if code < 0x20 or 0x7F <= code <= 0x9F or 0xDC80 <= code <= 0xDC9F:
            bad.append(ch)
        elif ch in "\u061c\u200b\u200e\u200f\u2028\u2029\u2060\ufeff" or \
                0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or \
                0xE0000 <= code <= 0xE007F:
            bad.append(ch)
    return bad


def scan(data: bytes) -> None:
    text = data.decode("utf-8", "surrogateescape")
    assert forbidden(text) == [], f"raw control characters in the output: {forbidden(text)!r}"


# --- printable: the one function -------------------------------------------------------------

@pytest.mark.parametrize("name,raw,shown", CLASSES, ids=IDS)
def test_printable_escapes_each_class(name, raw, shown) -> None:
    assert printable(f"a{raw}b") == f"a{shown}b"
    assert forbidden(printable(f"a{raw}b")) == []


def test_printable_keeps_ordinary_text_and_tabs() -> None:
    text = "José 中文 😀 👨\u200d👩\u200d👧 naïve\tTAB ok"      # ZWJ sequences stay emoji
    assert printable(text) == text
    assert printable("a\nb\rc") == "a\\nb\\rc"
    assert printable("\udc9b") == "\\x9b"         # an undecodable byte of a file name


def test_json_safe_keeps_the_value() -> None:
    value = {"file": "a\x9b\u202e\U000e0041\n", "message": "x\x1b"}
    dumped = json_safe(json.dumps(value, ensure_ascii=False, indent=2))
    assert json.loads(dumped) == value
    assert forbidden(dumped) == []
    assert "\\u009b" in dumped and "\\u202e" in dumped and "\\udb40\\udc41" in dumped
    # a file name that is not UTF-8 keeps its bytes (written back by surrogateescape), but a
    # C1 byte (0x9B: CSI) is escaped
    assert json_safe('"d\udcff\udc9b"') == '"d\udcff\\udc9b"'


# --- through the engine: each class in a USER name and a LABEL key -----------------------------

def _user(raw: str) -> str:
    return f'FROM alpine:3.20\nUSER "ap{raw}p"\n'


def _one(text: str, code: str):
    result = lint_text(text, settings=Settings(select=[code]))
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1, [f.message for f in result.findings]
    return result, found[0]


@pytest.mark.parametrize("name,raw,shown", CLASSES, ids=IDS)
def test_user_name_message_is_escaped(name, raw, shown) -> None:
    result, f = _one(_user(raw), "DK619")
    assert f.message.startswith(f"the final image runs as the user name `ap{shown}p`, ")
    assert forbidden(f.message) == []
    for fmt in FORMATS:
        out = render(fmt, [result], [])
        assert forbidden(out) == [], (fmt, out)
        if fmt in ("text", "gnu", "github"):
            assert f"`ap{shown}p`" in out, (fmt, out)
        elif fmt == "json":
            assert json.loads(out)[0]["message"] == f.message
        else:
            assert json.loads(out)["runs"][0]["results"][0]["message"]["text"] == f.message


@pytest.mark.parametrize("name,raw,shown", CLASSES, ids=IDS)
def test_label_key_message_is_escaped(name, raw, shown) -> None:
    result, f = _one(f'FROM alpine:3.20\nLABEL "k{raw}ey"="v"\n', "DK606")
    assert f.message.startswith(f"label key `k{shown}ey` has ")
    assert forbidden(f.message) == []
    for fmt in FORMATS:
        assert forbidden(render(fmt, [result], [])) == [], fmt


def test_related_and_fix_messages_are_escaped() -> None:
    def check(df, options):
        span = df.instructions[0].span
        from docklint.rule import Edit, Fix, Related
        fix = Fix("rename \x1b]0;t\x07 to x", (Edit(span, "FROM alpine:3.20"),))
        yield Finding(span, "see \u202e", fix=fix,
                      related=(Related(span, "there \x9b", fix=fix, occurrence=False),))

    rule = Rule("DK996", "hostile-messages", Severity.WARNING, check, "Test.")
    [f] = lint_text("FROM alpine:3.20\n", rules=[rule]).findings
    assert f.message == "see \\u202e"
    assert f.fix.message == "rename \\x1b]0;t\\x07 to x"
    assert f.fix.edits[0].text == "FROM alpine:3.20"        # edits are text, never escaped
    assert f.related[0].message == "there \\x9b"
    assert f.related[0].fix.message == "rename \\x1b]0;t\\x07 to x"
    assert f.related_positions[0][4] == "there \\x9b"


def test_code_frame_shows_c1_bidi_and_format_characters() -> None:
    from docklint.formatters.text import display_line
    shown, cells = display_line("a\x1bb\x9bc\u202ed\u200be\u2028f")
    assert shown == "a\u241bb<U+009B>c<U+202E>d<U+200B>e<U+2028>f"
    assert cells[-1] == len(shown)
    assert forbidden(shown) == []


# --- through the CLI, bytes on stdout and stderr -----------------------------------------------

def _cli(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOCKLINT", "FORCE_COLOR", "NO_COLOR"))}
    env["HOME"] = str(tmp)
    return subprocess.run([sys.executable, "-m", "docklint", "--isolated", "--no-color",
                           *args], cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=120)


ALL_RAW = "".join(raw for _, raw, _ in CLASSES)
ALL_SHOWN = "".join(shown for _, _, shown in CLASSES)


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_output_has_no_raw_controls(fmt, tmp_path) -> None:
    name = "Dockerfile.x\x1b[2J\x9b\u202ey"
    (tmp_path / name).write_text(_user(ALL_RAW) + f'LABEL "k{ALL_RAW}"="v"\n',
                                 encoding="utf-8")
    proc = _cli(tmp_path, "--select", "DK619,DK606", "--format", fmt, name)
    scan(proc.stdout)
    scan(proc.stderr)
    assert proc.returncode == 0, proc.stderr      # DK619/DK606 are info
    out = proc.stdout.decode("utf-8")
    shown_name = "Dockerfile.x\\x1b[2J\\x9b\\u202ey"
    if fmt in ("text", "gnu"):
        assert f"{shown_name}:2:6: " in out
        assert f"`ap{ALL_SHOWN}p`" in out
    elif fmt == "github":
        assert f"::notice file={shown_name},line=2,col=6," in out
        assert f"`ap{ALL_SHOWN}p`" in out
    elif fmt == "json":
        data = json.loads(out)
        assert {item["file"] for item in data} == {name}       # the exact name, as data
        assert any(item["message"].startswith(f"the final image runs as the user name "
                                              f"`ap{ALL_SHOWN}p`") for item in data)
    else:
        log = json.loads(out)
        messages = [r["message"]["text"] for r in log["runs"][0]["results"]]
        assert any(f"`ap{ALL_SHOWN}p`" in m for m in messages)


@pytest.mark.parametrize("fmt", ["text", "gnu", "github"])
def test_newline_in_a_file_name_cannot_start_a_line(fmt, tmp_path) -> None:
    name = "Dockerfile.a\n::error::pwned\r::warning::x"
    (tmp_path / name).write_text(_user("x"), encoding="utf-8")
    proc = _cli(tmp_path, "--select", "DK619", "--format", fmt, "--no-show-source", name)
    scan(proc.stdout)
    out = proc.stdout.decode("utf-8")
    lines = [line for line in out.split("\n") if line]
    if fmt == "github":
        assert lines == [line for line in lines if line.startswith("::notice file=")]
        assert len(lines) == 1
        assert lines[0].startswith("::notice file=Dockerfile.a%0A%3A%3Aerror%3A%3Apwned%0D"
                                   "%3A%3Awarning%3A%3Ax,line=2,col=6,")
    else:
        assert not any(line.startswith(("::", "pwned")) for line in lines)
        assert lines[0].startswith("Dockerfile.a\\n::error::pwned\\r::warning::x:2:6: ")


def test_stderr_names_files_escaped(tmp_path) -> None:
    proc = _cli(tmp_path, "missing\x1b]0;t\x07\u202e\nDockerfile")
    scan(proc.stderr)
    assert proc.returncode == 2
    err = proc.stderr.decode("utf-8")
    assert err.startswith("docklint: missing\\x1b]0;t\\x07\\u202e\\nDockerfile: ")
    assert err.count("\n") == 1


# --- a rule that fails ----------------------------------------------------------------------

FAILING = "DK995"
TEXT = "FROM alpine:3.20\nUSER 10001\nRUN echo $(echo $(echo hi))\n"
WHY = ("too deeply nested (RecursionError); its findings for this file may be incomplete")


def _deep(df, options):
    """A rule that recurses without end on a RUN (as deep shell did), after one finding."""
    yield Finding(df.instructions[0].span, "a finding made before the failure")

    def down(ins, n):
        return down(ins, n + 1)

    for ins in df.instructions:
        if ins.keyword == "RUN":
            down(ins, 0)


DEEP = Rule(FAILING, "test-deep", Severity.WARNING, _deep, "A test rule that recurses.")


def test_a_rule_that_raises_gives_a_finding_at_the_instruction() -> None:
    result = lint_text(TEXT, rules=[DEEP])
    assert [(f.code, f.line, f.column, f.end_line, f.end_column, f.severity, f.message)
            for f in result.findings] == [
        (FAILING, 1, 1, 1, 17, Severity.WARNING, "a finding made before the failure"),
        ("DK005", 3, 1, 3, 28, Severity.ERROR,
         f"rule {FAILING} (test-deep) could not check this RUN: {WHY}")]
    assert [(x.code, x.line) for x in result.failed] == [(FAILING, 3)]
    assert result.internal == [f"Dockerfile: internal error in rule {FAILING} (test-deep): "
                               "RecursionError: maximum recursion depth exceeded"]


def test_rules_failing_at_one_place_are_one_finding_and_no_pragma_hides_it() -> None:
    other = Rule("DK994", "test-deep-too", Severity.INFO, _deep, "Another.")
    text = "FROM alpine:3.20\n# docklint ignore=DK005,DK995,DK994\nRUN echo hi\n"
    result = lint_text(text, rules=[DEEP, other])
    assert [(f.code, f.line, f.message) for f in result.findings] == [
        ("DK994", 1, "a finding made before the failure"),
        (FAILING, 1, "a finding made before the failure"),
        ("DK005", 3, f"2 rules ({FAILING} and DK994) could not check this RUN: {WHY}")]
    assert len(result.failed) == 2


def test_cannot_check_names_its_place_and_reason() -> None:
    def gives_up(df, options):
        raise CannotCheck("the value of `A` is over 1 MB", Span(17, 20))
        yield  # pragma: no cover

    rule = Rule("DK993", "test-budget", Severity.WARNING, gives_up, "Budget.")
    result = lint_text("FROM alpine:3.20\nARG A=x\n", rules=[rule])
    assert [(f.code, f.line, f.column, f.message) for f in result.findings] == [
        ("DK005", 2, 1, "rule DK993 (test-budget) could not check this ARG: the value of `A` "
                        "is over 1 MB")]
    assert result.internal == ["Dockerfile: rule DK993 (test-budget) could not check this "
                               "ARG: the value of `A` is over 1 MB"]


def test_a_hostile_exception_message_is_escaped_and_bounded() -> None:
    def boom(df, options):
        raise ValueError("\x1b]0;t\x07" + "x" * 100_000)
        yield  # pragma: no cover

    result = lint_text("FROM alpine:3.20\n", rules=[Rule("DK992", "t", Severity.INFO, boom,
                                                         "T.")])
    [f] = result.findings
    assert f.message.startswith("rule DK992 (t) could not check this file: ValueError: "
                                "\\x1b]0;t\\x07xxx")
    assert len(f.message) < 500 and forbidden(f.message) == []
    assert forbidden(result.internal[0]) == [] and len(result.internal[0]) < 500


@pytest.fixture
def failing_rule(monkeypatch):
    """DEEP registered as if it were a rule module (on by default)."""
    rules = tuple(sorted((*registry.all_rules(), DEEP), key=lambda r: r.code))
    index = registry._Index(rules)
    monkeypatch.setattr(registry, "all_rules", lambda: rules)
    monkeypatch.setattr(registry, "_index", lambda: index)
    return DEEP


def _run(tmp_path: Path, *args: str):
    (tmp_path / "Dockerfile").write_text(TEXT, encoding="utf-8")      # the caller chdirs
    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:
        runner = CliRunner()
    env = {"FORCE_COLOR": None, "NO_COLOR": None, "DOCKLINT_DEBUG": None, "HOME": str(tmp_path)}
    return runner.invoke(lint, ["--isolated", "--select", f"DK619,{FAILING}", *args,
                                "Dockerfile"], env=env, catch_exceptions=False)


def test_cli_text_reports_the_failure(failing_rule, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = _run(tmp_path, "--no-show-source")
    assert res.exit_code == 2
    assert res.stdout.splitlines() == [
        f"Dockerfile:1:1: {FAILING} [warning] a finding made before the failure (test-deep)",
        f"Dockerfile:3:1: DK005 [error] rule {FAILING} (test-deep) could not check this RUN: "
        f"{WHY} (rule-failed)",
        "",
        "Found 2 problems (1 error, 1 warning) in 1 file.",
        f"1 rule could not check 1 file ({FAILING}): the report is incomplete (see the DK005 "
        "findings).",
    ]
    assert res.stderr == (f"docklint: Dockerfile: internal error in rule {FAILING} "
                          "(test-deep): RecursionError: maximum recursion depth exceeded "
                          "(please report this)\n")


@pytest.mark.parametrize("fmt", ["json", "gnu", "github", "gitlab", "checkstyle", "junit"])
def test_cli_other_formats_carry_the_finding(fmt, failing_rule, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = _run(tmp_path, "--format", fmt, "--fail-on", "none")
    assert res.exit_code == 2
    assert "DK005" in res.stdout
    assert f"rule {FAILING} (test-deep) could not check this RUN" in res.stdout
    if fmt == "json":
        [item] = [i for i in json.loads(res.stdout) if i["code"] == "DK005"]
        assert (item["line"], item["column"], item["level"], item["rule"]) == \
            (3, 1, "error", "rule-failed")
        assert item["message"] == f"rule {FAILING} (test-deep) could not check this RUN: {WHY}"


def test_cli_sarif_says_the_execution_failed(failing_rule, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = _run(tmp_path, "--format", "sarif")
    assert res.exit_code == 2
    log = json.loads(res.stdout)
    run = log["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["message"]["text"] == \
        f"rule {FAILING} (test-deep) could not check this RUN: {WHY}"
    assert note["associatedRule"] == {"id": FAILING, "index": ids.index(FAILING)}
    [location] = note["locations"]
    assert location["physicalLocation"]["artifactLocation"] == \
        {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert location["physicalLocation"]["region"] == \
        {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 28}
    [dk005] = [r for r in run["results"] if r["ruleId"] == "DK005"]
    assert run["tool"]["driver"]["rules"][dk005["ruleIndex"]]["name"] == "rule-failed"
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a test extra")
    schema = json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(log)


def test_ignoring_dk005_does_not_hide_it(failing_rule, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = _run(tmp_path, "--format", "gnu", "--ignore", "DK005")
    assert res.exit_code == 2
    assert f"Dockerfile:3:1: error: rule {FAILING} (test-deep) could not check this RUN" \
        in res.stdout


def _gives_up(df, options):
    """A rule that stops within a budget (as DK440 does when ShellCheck runs out of time)."""
    raise CannotCheck("ShellCheck ran out of time (20 s)", df.instructions[2].span)
    yield  # pragma: no cover


def test_cli_a_rule_giving_up_is_reported_not_called_a_bug(tmp_path, monkeypatch) -> None:
    """A budget hit is not a docklint bug: stderr says what was not checked, without asking
    the user to report it; the finding and exit 2 are as for a crash."""
    giving_up = Rule(FAILING, "test-gives-up", Severity.WARNING, _gives_up, "Gives up.")
    rules = tuple(sorted((*registry.all_rules(), giving_up), key=lambda r: r.code))
    index = registry._Index(rules)
    monkeypatch.setattr(registry, "all_rules", lambda: rules)
    monkeypatch.setattr(registry, "_index", lambda: index)
    monkeypatch.chdir(tmp_path)
    res = _run(tmp_path, "--no-show-source")
    assert res.exit_code == 2
    assert f"Dockerfile:3:1: DK005 [error] rule {FAILING} (test-gives-up) could not check " \
           "this RUN: ShellCheck ran out of time (20 s) (rule-failed)" in res.stdout.splitlines()
    assert res.stderr == (f"docklint: Dockerfile: rule {FAILING} (test-gives-up) could not "
                          "check this RUN: ShellCheck ran out of time (20 s)\n")


def test_every_unprinted_character_is_one_isprintable_refuses():
    """docklint.rule.printable returns a text that str.isprintable accepts (tabs aside) as it
    is, without the pattern: that is only right if every character of UNPRINTABLE is one
    isprintable refuses. Checked over the whole of Unicode."""
    from docklint.rule import UNPRINTABLE, printable
    caught = [chr(c) for c in range(0x110000) if UNPRINTABLE.match(chr(c))]
    assert len(caught) > 2_000
    assert [c for c in caught if c.isprintable()] == []
    assert printable("plain\ttext — ünïcode") == "plain\ttext — ünïcode"
    assert printable("a\x1b[31mb\u202ec") == "a\\x1b[31mb\\u202ec"
