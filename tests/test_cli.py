"""The ``docklint`` command line: options, formats, exit codes, subcommands, robustness.

Most tests drive the click commands in-process with :class:`click.testing.CliRunner`; those where
the process matters (exit status, stdout/stderr separation, colour on a real pipe, signals,
tracebacks) run ``python -m docklint`` in a subprocess. Every Dockerfile is written to a
``tmp_path``; every test changes into it, so reported paths are the relative ones given.

The rule set grows all the time, and any new rule may fire on the small files below. So every
test that pins findings, exit codes or output passes ``--select`` with the rules it is about
(the comments on the samples say what those rules report); the tests of the default rule set
and of ``--select``/``--ignore`` themselves assert on the rules they name, never that nothing
else fires.
"""

from __future__ import annotations

import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import pytest
from click.testing import CliRunner

import docklint
from docklint import cli
from docklint.cli import graph_cmd, inspect_cmd, lint, rule_cmd, rules_cmd
from docklint.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DOCKLINT_SHARED", ROOT.parent / "shared"))
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"

ANSI = "\x1b["
# what the environment may set that changes the output of a subprocess
_NOISY_ENV = ("FORCE_COLOR", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "DOCKLINT_DEBUG",
              "PYTHONUNBUFFERED", "PYTHONWARNINGS")

# DK301 (warning) at 6:1-6:11: the final stage is the golang builder and only copies.
HEAVY = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM build
COPY --from=build /out/app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
"""

# No DK000, DK101 or DK301 finding (other rules, e.g. about the untagged base, may fire).
CLEAN = """\
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian13
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"""

# DK000 (error) at 2:1-2:5.
BROKEN = "FROM alpine:3.20\nRUNN true\n"
BROKEN_MESSAGE = "unknown instruction: RUNN (did you mean RUN?)"

# Four candidate targets. The default (prod) is clean; slim is scratch with TLS evidence written
# by a RUN (DK101 at 6:1); fat is a golang image that only copies (DK301 at 10:1).
TARGETS = """\
FROM golang:1.22-alpine AS build
WORKDIR /src
RUN printf 'package main\\nimport "net/http"\\nfunc main() { http.Get("https://example.com") }\\n' > main.go
RUN go mod init example && CGO_ENABLED=0 go build -o /app .

FROM scratch AS slim
COPY --from=build /app /app
ENTRYPOINT ["/app"]

FROM golang:1.22 AS fat
COPY --from=build /app /app
ENTRYPOINT ["/app"]

FROM gcr.io/distroless/static-debian13 AS prod
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"""

# The program comes from the build context (COPY . .); the final image is scratch. DK101 fires
# (at 6:1) only when the context holds a source file with TLS evidence.
FROM_CONTEXT = """\
FROM golang:1.22-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /app .

FROM scratch
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"""
MAIN_GO = 'package main\n\nimport "net/http"\n\nfunc main() { http.Get("https://example.com") }\n'

# The final base comes from a build argument without a default: DK301 at 7:1 once --build-arg
# makes it golang:1.22.
FROM_ARG = """\
ARG BASE
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM $BASE
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"""


# ---------------------------------------------------------------------------------------------
# helpers

def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)        # click < 8.2
    except TypeError:
        return CliRunner()                        # click >= 8.2 keeps stderr apart anyway


def invoke(command, args, *, input=None, env: Mapping[str, str | None] | None = None):
    """Run a click command in-process; the environment's colour settings are cleared."""
    base = {name: None for name in ("FORCE_COLOR", "NO_COLOR", "DOCKLINT_DEBUG")}
    base.update(env or {})
    return _runner().invoke(command, list(args), input=input, env=base,
                            catch_exceptions=False)


def run_lint(*args, **kwargs):
    return invoke(lint, args, **kwargs)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _NOISY_ENV}
    env.update(extra)
    return env


def run_proc(*args: str, input: bytes | None = None, env: dict[str, str] | None = None,
             timeout: float = 60, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m docklint ARGS`` in a subprocess, with bytes in and out."""
    return subprocess.run([sys.executable, "-m", "docklint", *args], input=input,
                          capture_output=True, timeout=timeout, cwd=cwd,
                          env=env if env is not None else clean_env())


@dataclass
class MainResult:
    code: int
    stdout: str
    stderr: str


def run_main(argv: list[str], *, env: Mapping[str, str | None] | None = None,
             input: str | bytes | None = None) -> MainResult:
    """Call :func:`docklint.cli.main` in-process with captured streams."""
    base = {name: None for name in ("FORCE_COLOR", "NO_COLOR", "DOCKLINT_DEBUG")}
    base.update(env or {})
    with _runner().isolation(input=input, env=base) as streams:
        try:
            cli.main(argv)
        except SystemExit as exc:
            code = exc.code
        else:  # pragma: no cover - main always exits
            code = None
        out, err = streams[0], streams[1]
        sys.stdout.flush()
        sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace") if err is not None else ""
    return MainResult(code, stdout, stderr)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


GNU_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info): "
                      r"(?P<msg>.*) \[(?P<code>[A-Z]+\d+)\]$")


def gnu(text: str) -> list[tuple[str, int, int, str, str]]:
    """(path, line, column, severity, code) of each line of GNU output; fails on other lines."""
    out = []
    for line in text.splitlines():
        m = GNU_LINE.match(line)
        assert m, f"not a GNU diagnostic line: {line!r}"
        out.append((m["path"], int(m["line"]), int(m["col"]), m["sev"], m["code"]))
    return out


def codes(text: str) -> list[str]:
    return [item[4] for item in gnu(text)]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("FORCE_COLOR", "NO_COLOR", "DOCKLINT_DEBUG"):
        monkeypatch.delenv(name, raising=False)


# ---------------------------------------------------------------------------------------------
# exit codes and --fail-on

@pytest.mark.parametrize("content, fail_on, expected", [
    (CLEAN, "error", 0), (CLEAN, "warning", 0), (CLEAN, "info", 0), (CLEAN, "none", 0),
    (HEAVY, "error", 0), (HEAVY, "warning", 1), (HEAVY, "info", 1), (HEAVY, "none", 0),
    (BROKEN, "error", 1), (BROKEN, "warning", 1), (BROKEN, "info", 1), (BROKEN, "none", 0),
])
def test_fail_on_thresholds(tmp_path, content, fail_on, expected):
    write(tmp_path / "Dockerfile", content)
    result = run_lint("--fail-on", fail_on, "--format", "gnu", "--select", "DK000,DK301",
                      "Dockerfile")
    assert result.exit_code == expected, result.output
    # the threshold decides the exit status only, never what is reported
    assert len(gnu(result.stdout)) == (0 if content is CLEAN else 1)


def test_default_fail_on_is_warning(tmp_path):
    write(tmp_path / "Dockerfile", HEAVY)                     # one DK301 warning
    assert run_lint("--select", "DK301", "Dockerfile").exit_code == 1
    assert run_lint("--fail-on", "error", "--select", "DK301", "Dockerfile").exit_code == 0


def _info_settings(directory):
    """Make DK301 an info finding through the configuration's severity setting, so that the
    one finding of HEAVY under ``--select DK301`` is an info one."""
    write(directory / ".docklint.yaml", "severity:\n  DK301: info\n")


@pytest.mark.parametrize("fail_on, expected", [("error", 0), ("warning", 0), ("info", 1),
                                               ("none", 0)])
def test_fail_on_info_findings(tmp_path, monkeypatch, fail_on, expected):
    monkeypatch.chdir(tmp_path)
    _info_settings(tmp_path)
    write(tmp_path / "Dockerfile", HEAVY)
    result = run_lint("--fail-on", fail_on, "--select", "DK301", "Dockerfile")
    assert result.exit_code == expected
    assert "DK301 [info]" in result.stdout
    assert result.stdout.endswith("\nFound 1 problem (1 info) in 1 file.\n")


def test_bad_fail_on_value_is_a_usage_error(tmp_path):
    write(tmp_path / "Dockerfile", CLEAN)
    result = run_lint("--fail-on", "fatal", "Dockerfile")
    assert result.exit_code == 2
    assert "'fatal' is not one of" in result.stderr


def test_exit_codes_at_process_level(tmp_path):
    write(tmp_path / "clean.Dockerfile", CLEAN)
    write(tmp_path / "heavy.Dockerfile", HEAVY)
    sel = ("--select", "DK000,DK301")
    assert run_proc(*sel, "clean.Dockerfile", cwd=tmp_path).returncode == 0
    proc = run_proc(*sel, "heavy.Dockerfile", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr == b""
    proc = run_proc(*sel, "heavy.Dockerfile", "missing.Dockerfile", cwd=tmp_path)
    assert proc.returncode == 2
    assert b"heavy.Dockerfile:6:1: DK301 [warning]" in proc.stdout   # still linted
    assert proc.stderr == b"docklint: missing.Dockerfile: no such file\n"


# ---------------------------------------------------------------------------------------------
# standard input

def test_stdin_is_reported_as_dash(tmp_path):
    result = run_lint("--format", "gnu", "--select", "DK000,DK301", "-", input=HEAVY)
    assert result.exit_code == 1
    assert gnu(result.stdout) == [("-", 6, 1, "warning", "DK301")]


def test_stdin_filename_names_the_input(tmp_path):
    result = run_lint("--format", "gnu", "--select", "DK000", "--stdin-filename",
                      "services/api/Dockerfile", "-", input=BROKEN)
    assert gnu(result.stdout) == [("services/api/Dockerfile", 2, 1, "error", "DK000")]
    assert result.exit_code == 1


def test_stdin_filename_alone_reads_stdin(tmp_path):
    # a Dockerfile in the current directory must not be searched instead
    write(tmp_path / "Dockerfile", HEAVY)
    result = run_lint("--format", "gnu", "--select", "DK000,DK301", "--stdin-filename",
                      "x/Dockerfile", input=BROKEN)
    assert gnu(result.stdout) == [("x/Dockerfile", 2, 1, "error", "DK000")]


def test_stdin_mixed_with_files_keeps_command_line_order(tmp_path):
    write(tmp_path / "a.Dockerfile", BROKEN)
    write(tmp_path / "b.Dockerfile", HEAVY)
    result = run_lint("--format", "gnu", "--select", "DK000,DK301", "a.Dockerfile", "-",
                      "b.Dockerfile", input=BROKEN)
    assert gnu(result.stdout) == [
        ("a.Dockerfile", 2, 1, "error", "DK000"),
        ("-", 2, 1, "error", "DK000"),
        ("b.Dockerfile", 6, 1, "warning", "DK301"),
    ]
    assert result.exit_code == 1


def test_stdin_named_twice_is_read_once(tmp_path):
    result = run_lint("--format", "gnu", "--select", "DK000", "-", "-", input=BROKEN)
    # before the fix the second read saw an empty stream: a bogus "file with no instructions"
    assert gnu(result.stdout) == [("-", 2, 1, "error", "DK000")]


def test_stdin_filename_sets_the_build_context(tmp_path):
    write(tmp_path / "svc" / "main.go", MAIN_GO)
    result = run_lint("--format", "gnu", "--select", "DK101", "-", input=FROM_CONTEXT)
    assert result.stdout == "" and result.exit_code == 0     # no context: no evidence
    result = run_lint("--format", "gnu", "--select", "DK101", "--stdin-filename",
                      "svc/Dockerfile", "-", input=FROM_CONTEXT)
    assert gnu(result.stdout) == [("svc/Dockerfile", 6, 1, "error", "DK101")]
    assert "main.go" in result.stdout


def test_stdin_over_the_size_limit(tmp_path):
    big = "FROM alpine:3.20\n" + "RUN true\n" * (10 * 1024 * 1024 // 9 + 10)
    proc = run_proc("--format", "gnu", "--select", "DK000", "-", input=big.encode(),
                    cwd=tmp_path)
    assert proc.returncode == 1
    [(path, line, col, sev, code)] = gnu(proc.stdout.decode())
    assert (path, line, col, sev, code) == ("-", 1, 1, "error", "DK000")
    # reading stops at the limit + 1 byte: the whole size is never known
    assert "standard input is more than 10485760 bytes, over the limit" in proc.stdout.decode()


# ---------------------------------------------------------------------------------------------
# output formats

def test_text_format(tmp_path):
    write(tmp_path / "Dockerfile", HEAVY)
    result = run_lint("--select", "DK301", "Dockerfile")
    lines = result.stdout.split("\n")
    assert re.fullmatch(r"Dockerfile:6:1: DK301 \[warning\] .*golang:1\.22.* \(heavy-final-base\)",
                        lines[0])
    assert lines[1] == "  6 | FROM build"
    assert lines[2] == "    | ^^^^^^^^^^"
    assert lines[3:] == ["", "Found 1 problem (1 warning) in 1 file.", ""]
    assert result.stderr == ""


def test_text_format_summary_counts_files_and_severities(tmp_path):
    write(tmp_path / "a.Dockerfile", HEAVY)
    write(tmp_path / "b.Dockerfile", BROKEN + "RUNN again\n")
    result = run_lint("--select", "DK000,DK301", "a.Dockerfile", "b.Dockerfile")
    assert result.stdout.endswith("\nFound 3 problems (2 errors, 1 warning) in 2 files.\n")
    assert "b.Dockerfile:3:1: DK000 [error] unknown instruction: RUNN" in result.stdout
    assert "  3 | RUNN again\n    | ^^^^\n" in result.stdout


def test_text_format_without_findings_prints_nothing(tmp_path):
    write(tmp_path / "Dockerfile", CLEAN)
    result = run_lint("--select", "DK000,DK101,DK301", "Dockerfile")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_no_show_source(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_lint("--no-show-source", "--select", "DK000", "Dockerfile")
    assert result.stdout == (f"Dockerfile:2:1: DK000 [error] {BROKEN_MESSAGE} (parse-error)\n"
                             "\nFound 1 problem (1 error) in 1 file.\n")


def test_json_format(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_lint("--format", "json", "--select", "DK000", "Dockerfile")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data == [{
        "file": "Dockerfile", "line": 2, "column": 1, "level": "error", "code": "DK000",
        "message": BROKEN_MESSAGE, "end_line": 2, "end_column": 5, "rule": "parse-error",
        "severity": "error", "related": [],
    }]
    # hadolint's keys come first, in hadolint's order
    assert list(data[0])[:6] == ["file", "line", "column", "level", "code", "message"]


def test_json_format_related_positions(tmp_path):
    write(tmp_path / "svc" / "main.go", MAIN_GO)
    write(tmp_path / "svc" / "Dockerfile", FROM_CONTEXT)
    [item] = json.loads(run_lint("--format", "json", "--select", "DK101",
                                 "svc/Dockerfile").stdout)
    assert (item["code"], item["line"], item["column"], item["end_line"], item["end_column"]) \
        == ("DK101", 6, 1, 6, 13)
    assert item["related"] and item["related"][0]["line"] == 3     # the COPY . . line


def test_json_format_empty_run_prints_empty_list(tmp_path):
    write(tmp_path / "Dockerfile", CLEAN)
    result = run_lint("--format", "json", "--select", "DK000,DK101,DK301", "Dockerfile")
    assert (result.exit_code, result.stdout) == (0, "[]\n")


def test_gnu_format(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_lint("--format", "gnu", "--select", "DK000", "Dockerfile")
    assert result.stdout == f"Dockerfile:2:1: error: {BROKEN_MESSAGE} [DK000]\n"


def test_github_format(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    write(tmp_path / "sub" / "Dockerfile", HEAVY)
    result = run_lint("--format", "github", "--select", "DK000,DK301", "Dockerfile",
                      "sub/Dockerfile")
    lines = result.stdout.splitlines()
    assert lines[0] == ("::error file=Dockerfile,line=2,col=1,endLine=2,endColumn=5,"
                        f"title=DK000 (parse-error)::{BROKEN_MESSAGE}")
    assert lines[1].startswith("::warning file=sub/Dockerfile,line=6,col=1,endLine=6,"
                               "endColumn=11,title=DK301 (heavy-final-base)::")
    assert len(lines) == 2


def _sarif_schema():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed "
                                                          "(pip install docklint[test])")
    if not SARIF_SCHEMA.exists():
        pytest.skip(f"{SARIF_SCHEMA} is absent: the shared test data (../shared) is only in "
                    "the development workspace and CI")
    return jsonschema, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))


def test_sarif_format_validates(tmp_path):
    jsonschema, schema = _sarif_schema()
    write(tmp_path / "Dockerfile", FROM_CONTEXT)
    write(tmp_path / "main.go", MAIN_GO)
    write(tmp_path / "broken.Dockerfile", BROKEN)
    result = run_lint("--format", "sarif", "--select", "DK000,DK101", "Dockerfile",
                      "broken.Dockerfile")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    jsonschema.validate(data, schema)
    assert data["version"] == "2.1.0"
    [run] = data["runs"]
    assert run["tool"]["driver"]["name"] == "docklint"
    got = sorted((r["ruleId"], r["level"],
                  r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                  r["locations"][0]["physicalLocation"]["region"]["startLine"],
                  r["locations"][0]["physicalLocation"]["region"]["startColumn"])
                 for r in run["results"])
    assert got == [("DK000", "error", "broken.Dockerfile", 2, 1),
                   ("DK101", "error", "Dockerfile", 6, 1)]


def test_sarif_records_unreadable_files(tmp_path):
    jsonschema, schema = _sarif_schema()
    write(tmp_path / "Dockerfile", CLEAN)
    result = run_lint("--format", "sarif", "Dockerfile", "missing.Dockerfile")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    jsonschema.validate(data, schema)
    [invocation] = data["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "missing.Dockerfile: no such file" in json.dumps(invocation)
    assert result.stderr == "docklint: missing.Dockerfile: no such file\n"


def test_cli_formats_are_the_formatters(tmp_path):
    from docklint.formatters import FORMATS
    assert cli.OUTPUT_FORMATS == FORMATS


def test_checkstyle_format(tmp_path):
    from xml.etree import ElementTree
    write(tmp_path / "Dockerfile", BROKEN)
    write(tmp_path / "clean.Dockerfile", CLEAN)
    result = run_lint("--format", "checkstyle", "--select", "DK000", "Dockerfile",
                      "clean.Dockerfile")
    assert result.exit_code == 1
    root = ElementTree.fromstring(result.stdout)
    assert [(f.get("name"), [e.attrib for e in f]) for f in root] == [
        ("Dockerfile", [{"line": "2", "column": "1", "severity": "error",
                         "message": BROKEN_MESSAGE, "source": "docklint.DK000"}]),
        ("clean.Dockerfile", []),
    ]


def test_junit_format(tmp_path):
    from xml.etree import ElementTree
    write(tmp_path / "Dockerfile", BROKEN)
    write(tmp_path / "clean.Dockerfile", CLEAN)
    result = run_lint("--format", "junit", "--select", "DK000", "Dockerfile",
                      "clean.Dockerfile", "missing.Dockerfile")
    assert result.exit_code == 2                               # the missing file
    assert result.stderr == "docklint: missing.Dockerfile: no such file\n"
    [suite] = ElementTree.fromstring(result.stdout)
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    cases = {c.get("name"): c for c in suite}
    [failure] = cases["Dockerfile"]
    assert (failure.get("type"), failure.get("message"), failure.text) == \
        ("DK000", BROKEN_MESSAGE, f"Dockerfile:2:1: DK000 {BROKEN_MESSAGE}")
    assert list(cases["clean.Dockerfile"]) == []
    assert cases["missing.Dockerfile"][0].tag == "error"


def test_gitlab_format(tmp_path):
    write(tmp_path / "svc" / "Dockerfile", BROKEN)
    result = run_lint("--format", "gitlab", "--select", "DK000", str(tmp_path / "svc"))
    assert result.exit_code == 1
    [issue] = json.loads(result.stdout)
    assert issue["check_name"] == "DK000"
    assert issue["severity"] == "critical"
    # an absolute path under the current directory is made relative, as GitLab needs
    assert issue["location"] == {"path": "svc/Dockerfile", "lines": {"begin": 2, "end": 2}}
    assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    again = json.loads(run_lint("--format", "gitlab", "--select", "DK000", "svc").stdout)
    assert again[0]["fingerprint"] == issue["fingerprint"]


def test_unknown_format_is_a_usage_error(tmp_path):
    result = run_lint("--format", "xml", "Dockerfile")
    assert result.exit_code == 2
    assert "'xml' is not one of" in result.stderr


# ---------------------------------------------------------------------------------------------
# --output

@pytest.mark.parametrize("fmt", cli.OUTPUT_FORMATS)
def test_output_file_gets_what_stdout_would(tmp_path, fmt):
    write(tmp_path / "Dockerfile", HEAVY)
    to_stdout = run_lint("--format", fmt, "Dockerfile")
    result = run_lint("--format", fmt, "--output", "report.out", "Dockerfile")
    assert result.exit_code == to_stdout.exit_code == 1
    assert result.stdout == ""
    assert (tmp_path / "report.out").read_text(encoding="utf-8") == to_stdout.stdout


def test_output_dash_is_stdout(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_lint("--format", "gnu", "--select", "DK000", "-o", "-", "Dockerfile")
    assert result.stdout == f"Dockerfile:2:1: error: {BROKEN_MESSAGE} [DK000]\n"
    assert not (tmp_path / "-").exists()


def test_output_unwritable(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_lint("--output", "no/such/dir/report.txt", "Dockerfile")
    assert result.exit_code == 2
    assert result.stderr == ("docklint: cannot write no/such/dir/report.txt: "
                             "No such file or directory\n")


def test_output_is_never_coloured(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    run_lint("--output", "r.txt", "Dockerfile", env={"FORCE_COLOR": "1"})
    assert ANSI not in (tmp_path / "r.txt").read_text(encoding="utf-8")


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs byte file names")
def test_output_file_with_a_non_utf8_path(tmp_path):
    try:
        os.makedirs(os.path.join(os.fsencode(tmp_path), b"d\xff"))
    except (OSError, UnicodeError) as exc:
        pytest.skip(f"cannot create a non-UTF-8 file name here: {exc}")
    write(tmp_path / os.fsdecode(b"d\xff") / "Dockerfile", BROKEN)
    result = run_main(["--format", "json", "--select", "DK000", "-o", "r.json", "."])
    assert (result.code, result.stderr) == (1, "")
    assert b'"file": "./d\xff/Dockerfile"' in (tmp_path / "r.json").read_bytes()


# ---------------------------------------------------------------------------------------------
# several reports in one run

def test_text_to_stdout_and_sarif_to_a_file(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    sel = ("--select", "DK000")
    alone_text = run_lint(*sel, "Dockerfile").stdout
    alone_sarif = run_lint(*sel, "--format", "sarif", "Dockerfile").stdout
    result = run_lint(*sel, "--format", "text", "--format", "sarif", "--output", "-",
                      "--output", "docklint.sarif", "Dockerfile")
    assert result.exit_code == 1
    assert result.stdout == alone_text
    assert (tmp_path / "docklint.sarif").read_text(encoding="utf-8") == alone_sarif
    assert result.stderr == ""


def test_pairs_follow_the_order_given(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_lint("--select", "DK000", "-o", "r.json", "--format", "json", "-o", "r.gnu",
                      "--format", "gnu", "--format", "junit", "-o", "-", "Dockerfile")
    assert result.stdout.startswith('<?xml version="1.0"')
    assert json.loads((tmp_path / "r.json").read_text())[0]["code"] == "DK000"
    assert gnu((tmp_path / "r.gnu").read_text()) == [("Dockerfile", 2, 1, "error", "DK000")]


def test_colour_only_for_text_on_stdout(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    env = {"FORCE_COLOR": "1"}
    result = run_lint("--format", "text", "--format", "text", "-o", "-", "-o", "r.txt",
                      "Dockerfile", env=env)
    assert ANSI in result.stdout
    assert ANSI not in (tmp_path / "r.txt").read_text(encoding="utf-8")
    result = run_lint("--format", "gnu", "--format", "text", "-o", "-", "-o", "r2.txt",
                      "Dockerfile", env=env)
    assert ANSI not in result.stdout
    assert ANSI not in (tmp_path / "r2.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["--format", "text", "--format", "sarif"],
     "--format is given 2 times but --output never: give one --output per --format "
     "(- for standard output)"),
    (["--format", "text", "--format", "sarif", "-o", "r.sarif"],
     "--format is given 2 times but --output once: give one --output per --format "
     "(- for standard output)"),
    (["--format", "sarif", "-o", "a.sarif", "-o", "b.sarif"],
     "--format is given once but --output 2 times: give one --output per --format "
     "(- for standard output)"),
    (["-o", "a.txt", "-o", "b.txt"],
     "--format is given once but --output 2 times: give one --output per --format "
     "(- for standard output)"),
    (["--format", "text", "--format", "json", "-o", "-", "-o", "-"],
     "--output: standard output (-) is named more than once (one report each)"),
    (["--format", "gnu", "--format", "json", "-o", "r.out", "-o", "./r.out"],
     "--output: ./r.out is named more than once (one report each)"),
])
def test_mismatched_outputs_are_a_usage_error(tmp_path, args, message):
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_main([*args, "Dockerfile"])
    assert (result.code, result.stdout, result.stderr) == (2, "", f"docklint: {message}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]   # nothing written


def test_an_unwritable_output_does_not_stop_the_others(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_main(["--select", "DK000", "--format", "gnu", "--format", "json", "-o",
                       "no/such/dir/r.gnu", "-o", "r.json", "Dockerfile", "missing"])
    assert result.code == 2
    assert json.loads((tmp_path / "r.json").read_text())[0]["code"] == "DK000"
    assert result.stderr == ("docklint: cannot write no/such/dir/r.gnu: No such file or "
                             "directory\ndocklint: missing: no such file\n")


def test_several_reports_process_level(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    proc = run_proc("--select", "DK000", "--format", "gnu", "--format", "sarif", "-o", "-",
                    "-o", "r.sarif", "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.decode() == f"Dockerfile:2:1: error: {BROKEN_MESSAGE} [DK000]\n"
    assert json.loads((tmp_path / "r.sarif").read_text())["runs"][0]["results"]


# ---------------------------------------------------------------------------------------------
# --sarif-category

def test_sarif_category(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_lint("--format", "sarif", "--sarif-category", "dockerfiles/prod",
                      "--select", "DK000", "Dockerfile")
    assert json.loads(result.stdout)["runs"][0]["automationDetails"] == \
        {"id": "dockerfiles/prod/"}
    plain = run_lint("--format", "sarif", "--select", "DK000", "Dockerfile")
    assert "automationDetails" not in json.loads(plain.stdout)["runs"][0]


def test_sarif_category_with_several_reports(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_lint("--format", "text", "--format", "sarif", "-o", "-", "-o", "r.sarif",
                      "--sarif-category", "docklint", "--select", "DK000", "Dockerfile")
    assert "automationDetails" not in result.stdout
    assert json.loads((tmp_path / "r.sarif").read_text())["runs"][0]["automationDetails"] \
        == {"id": "docklint/"}


@pytest.mark.parametrize("args, message", [
    (["--sarif-category", "x"], "--sarif-category applies to the SARIF report only: add "
                                "--format sarif"),
    (["--format", "sarif", "--sarif-category", " "], "--sarif-category: the name is empty"),
])
def test_bad_sarif_category(tmp_path, args, message):
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_main([*args, "Dockerfile"])
    assert (result.code, result.stdout, result.stderr) == (2, "", f"docklint: {message}\n")


# ---------------------------------------------------------------------------------------------
# --statistics

# DK000 three times (errors), DK301 once (warning); in two files
STATS_A = "FROM golang:1.22 AS build\nFOO bar\nBAR baz\n" + HEAVY.split("\n", 1)[1]
STATS_B = BROKEN


def _stats_files(tmp_path):
    write(tmp_path / "a.Dockerfile", STATS_A)
    write(tmp_path / "b.Dockerfile", STATS_B)
    return ("--select", "DK000,DK301", "a.Dockerfile", "b.Dockerfile")


def test_statistics_after_a_text_report(tmp_path):
    args = _stats_files(tmp_path)
    plain = run_lint(*args)
    result = run_lint("--statistics", *args)
    assert result.exit_code == 1
    report, summary = plain.stdout.rsplit("\n\nFound", 1)
    assert result.stdout == (report + "\n\n"
                             "  3  DK000  parse-error\n"
                             "  1  DK301  heavy-final-base\n"
                             "\nFound" + summary)
    assert result.stderr == ""


def test_statistics_order_and_alignment():
    from docklint.engine import FileResult
    from docklint.rule import Finding
    from docklint.source import Span

    def finding(code, slug):
        return Finding(span=Span(0, 1), message="m", code=code, slug=slug, path="D", line=1,
                       column=1)

    findings = ([finding("DK301", "heavy-final-base")] * 2 + [finding("DK101", "ca")] * 2
                + [finding("SC2086", "")] + [finding("DK000", "parse-error")] * 12)
    assert cli._statistics([FileResult("D", findings)]) == (
        "  12  DK000   parse-error\n"
        "   2  DK101   ca\n"
        "   2  DK301   heavy-final-base\n"
        "   1  SC2086\n")
    assert cli._statistics([FileResult("D", [])]) == ""


@pytest.mark.parametrize("fmt", ["json", "sarif", "gnu", "github", "checkstyle", "gitlab",
                                 "junit"])
def test_statistics_go_to_stderr_for_machine_formats(tmp_path, fmt):
    args = _stats_files(tmp_path)
    plain = run_lint("--format", fmt, *args)
    result = run_lint("--format", fmt, "--statistics", *args)
    assert result.stdout == plain.stdout                     # still machine-readable
    assert result.stderr == "  3  DK000  parse-error\n  1  DK301  heavy-final-base\n"


def test_statistics_with_text_in_a_file(tmp_path):
    args = _stats_files(tmp_path)
    result = run_lint("--statistics", "--format", "json", "--format", "text", "-o", "-",
                      "-o", "r.txt", *args)
    table = "  3  DK000  parse-error\n  1  DK301  heavy-final-base\n"
    assert table in (tmp_path / "r.txt").read_text()
    assert result.stderr == table                # the terminal shows it too
    json.loads(result.stdout)


def test_statistics_without_findings_print_nothing(tmp_path):
    write(tmp_path / "Dockerfile", CLEAN)
    for fmt in ("text", "json"):
        result = run_lint("--statistics", "--format", fmt, "--select", "DK000", "Dockerfile")
        assert result.exit_code == 0 and result.stderr == ""
        assert result.stdout == ("" if fmt == "text" else "[]\n")


# ---------------------------------------------------------------------------------------------
# start-up

def test_a_plain_run_imports_nothing_it_does_not_need(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    code = ("import sys\n"
            "from docklint.cli import main\n"
            "try:\n"
            "    main(['Dockerfile'])\n"
            "except SystemExit:\n"
            "    pass\n"
            "names = sorted(m for m in sys.modules if m.startswith(('docklint.formatters.', "
            "'docklint.discovery', 'xml', 'sarif_om', 'hashlib')))\n"
            "sys.stderr.write(repr(names))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, env=clean_env())
    assert proc.stderr == "['docklint.formatters.text']"


# ---------------------------------------------------------------------------------------------
# --select / --ignore

# A code no rule has, and too far from any DKnnn code for a "did you mean" hint (DK999 would get
# one as soon as a rule such as DK399 or DK990 exists).
UNKNOWN_RULE = "DK99999"


@pytest.fixture
def two_findings(tmp_path):
    """DK000 at 2:1 and DK301 at 7:1 (other rules may fire too)."""
    write(tmp_path / "Dockerfile", "FROM golang:1.22 AS build\nFOO bar\n" + HEAVY.split("\n", 1)[1])
    result = run_lint("--format", "gnu", "--select", "DK000,DK301", "Dockerfile")
    assert gnu(result.stdout) == [("Dockerfile", 2, 1, "error", "DK000"),
                                  ("Dockerfile", 7, 1, "warning", "DK301")]
    return "Dockerfile"


# selections that name the rules: exactly those rules run
@pytest.mark.parametrize("args, expected", [
    (["--select", "DK000"], ["DK000"]),
    (["--select", "dk301"], ["DK301"]),
    (["--select", "heavy-final-base"], ["DK301"]),           # slug
    (["--select", "parse-error,heavy-final-base"], ["DK000", "DK301"]),
    (["--select", "DK000", "--select", "DK301"], ["DK000", "DK301"]),
    (["--select", "DK000,DK301", "--ignore", "DK000"], ["DK301"]),
    (["--select", "DK000,DK301", "--ignore", "heavy-final-base"], ["DK000"]),
    (["--select", "DK000,DK301", "--ignore", "DK3"], ["DK000"]),
])
def test_select_and_ignore(two_findings, args, expected):
    result = run_lint("--format", "gnu", *args, two_findings)
    assert codes(result.stdout) == expected
    assert result.exit_code == (1 if expected else 0)


@pytest.mark.parametrize("args, message", [
    (["--select", "DK000,DK301", "--ignore", "DK000, DK301"],
     "docklint: no rules left to run: the selection and the ignores cancel out\n"),
    (["--select", " , "], "docklint: --select: no rule named (an empty --select would run "
                          "nothing)\n"),
])
def test_selecting_nothing_is_a_usage_error(two_findings, args, message):
    result = run_lint(*args, two_findings)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == message


# selections by prefix, ALL, or the default set minus some: assert on the rules they name (they
# must, or must not, be reported) and that every reported code is within the selection
@pytest.mark.parametrize("args, present, absent, scope", [
    (["--select", "DK3"], {"DK301"}, ("DK0",), ("DK3",)),                     # prefix
    (["--select", "DK0"], {"DK000"}, ("DK3",), ("DK0",)),
    (["--select", "ALL"], {"DK000", "DK301"}, (), ("DK",)),
    (["--ignore", "DK000"], {"DK301"}, ("DK000",), ("DK",)),
    (["--ignore", "heavy-final-base"], {"DK000"}, ("DK301",), ("DK",)),
    (["--ignore", "DK3"], {"DK000"}, ("DK3",), ("DK",)),
    (["--ignore", "DK000, DK301"], set(), ("DK000", "DK301"), ("DK",)),
    (["--select", "DK0,DK3", "--ignore", "parse-error"], {"DK301"}, ("DK000",),
     ("DK0", "DK3")),
])
def test_select_and_ignore_open_sets(two_findings, args, present, absent, scope):
    result = run_lint("--format", "gnu", *args, two_findings)
    found = gnu(result.stdout)
    reported = {item[4] for item in found}
    assert present <= reported
    assert not [c for c in reported if c.startswith(absent)], reported
    assert all(c.startswith(scope) for c in reported), reported
    assert reported <= {r.code for r in all_rules()}          # every reported code is a rule
    # the named rules report once each, where they did before
    known = [("Dockerfile", 2, 1, "error", "DK000"), ("Dockerfile", 7, 1, "warning", "DK301")]
    assert [item for item in found if item[4] in ("DK000", "DK301")] \
        == [item for item in known if item[4] in present]
    # the default --fail-on (warning) decides the status from what is reported
    assert result.exit_code == (1 if any(item[3] != "info" for item in found) else 0)


def test_default_rule_set_runs_the_rules(tmp_path):
    """With no --select, the default rule set runs: DK000, DK101 and DK301 among them (what else
    fires is up to the other rules)."""
    write(tmp_path / "Dockerfile", "FROM golang:1.22 AS build\nFOO bar\n" + HEAVY.split("\n", 1)[1])
    write(tmp_path / "svc" / "Dockerfile", FROM_CONTEXT)
    write(tmp_path / "svc" / "main.go", MAIN_GO)
    result = run_lint("--format", "gnu", "Dockerfile", "svc/Dockerfile")
    found = gnu(result.stdout)
    assert {("Dockerfile", 2, 1, "error", "DK000"), ("Dockerfile", 7, 1, "warning", "DK301"),
            ("svc/Dockerfile", 6, 1, "error", "DK101")} <= set(found)
    assert {item[4] for item in found} <= {r.code for r in all_rules() if r.default_enabled}
    assert result.exit_code == 1


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_is_a_one_line_usage_error(tmp_path, option):
    write(tmp_path / "Dockerfile", HEAVY)
    result = run_lint(option, UNKNOWN_RULE, "Dockerfile")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (f"docklint: --select/--ignore: unknown rule '{UNKNOWN_RULE}' "
                             "(see `docklint rules`)\n")


def test_misspelt_rule_gets_a_suggestion(tmp_path):
    write(tmp_path / "Dockerfile", HEAVY)
    result = run_lint("--select", "heavy-final-bse", "Dockerfile")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "did you mean DK301 heavy-final-base?" in result.stderr


# ---------------------------------------------------------------------------------------------
# --target, --build-arg, --rule-option, --context

@pytest.mark.parametrize("target, expected", [
    (None, []),                                  # prod: distroless static, fine
    ("prod", []),
    ("slim", [("Dockerfile", 6, 1, "error", "DK101")]),
    ("SLIM", [("Dockerfile", 6, 1, "error", "DK101")]),   # stage names are case-insensitive
    ("fat", [("Dockerfile", 10, 1, "warning", "DK301")]),
])
def test_target_selects_the_final_stage(tmp_path, target, expected):
    write(tmp_path / "Dockerfile", TARGETS)
    args = (["--format", "gnu", "--select", "DK101,DK301"]
            + (["--target", target] if target else []) + ["Dockerfile"])
    result = run_lint(*args)
    assert gnu(result.stdout) == expected
    assert result.exit_code == (1 if expected else 0)


def test_unknown_target_names_the_stages(tmp_path):
    write(tmp_path / "Dockerfile", TARGETS)
    result = run_lint("--target", "nope", "Dockerfile")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == ("docklint: Dockerfile: target stage 'nope' not found "
                             "(stages: build, slim, fat, prod)\n")


def test_build_arg_resolves_from(tmp_path):
    write(tmp_path / "Dockerfile", FROM_ARG)
    quiet = run_lint("--format", "gnu", "--select", "DK301", "Dockerfile")
    assert (quiet.exit_code, quiet.stdout) == (0, "")          # $BASE unresolved: no guess
    fired = run_lint("--format", "gnu", "--select", "DK301", "--build-arg", "BASE=golang:1.22",
                     "Dockerfile")
    assert gnu(fired.stdout) == [("Dockerfile", 7, 1, "warning", "DK301")]
    assert "golang:1.22" in fired.stdout
    other = run_lint("--format", "gnu", "--select", "DK301", "--build-arg",
                     "BASE=gcr.io/distroless/static-debian13", "Dockerfile")
    assert (other.exit_code, other.stdout) == (0, "")


def test_build_arg_without_value_comes_from_the_environment(tmp_path):
    write(tmp_path / "Dockerfile", FROM_ARG)
    fired = run_lint("--format", "gnu", "--select", "DK301", "--build-arg", "BASE", "Dockerfile",
                     env={"BASE": "golang:1.22"})
    assert codes(fired.stdout) == ["DK301"]
    unset = run_lint("--format", "gnu", "--select", "DK301", "--build-arg", "BASE", "Dockerfile",
                     env={"BASE": None})
    assert (unset.exit_code, unset.stdout) == (0, "")


def test_build_arg_overrides_a_default(tmp_path):
    write(tmp_path / "Dockerfile",
          FROM_ARG.replace("ARG BASE\n", "ARG BASE=gcr.io/distroless/static-debian13\n"))
    assert run_lint("--format", "gnu", "--select", "DK301", "Dockerfile").stdout == ""
    fired = run_lint("--format", "gnu", "--select", "DK301", "--build-arg", "BASE=golang:1.22",
                     "Dockerfile")
    assert codes(fired.stdout) == ["DK301"]


def test_malformed_build_arg(tmp_path):
    write(tmp_path / "Dockerfile", FROM_ARG)
    result = run_lint("--build-arg", "=golang", "Dockerfile")
    assert result.exit_code == 2
    assert result.stderr == "docklint: --build-arg: expected KEY=VALUE, got '=golang'\n"


def test_rule_option_assume_tls(tmp_path):
    write(tmp_path / "app" / "Dockerfile", FROM_CONTEXT)         # no source with TLS evidence
    sel = ("--select", "DK101")
    quiet = run_lint("--format", "gnu", *sel, "app/Dockerfile")
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    fired = run_lint("--format", "gnu", *sel, "--rule-option", "DK101.assume-tls=true",
                     "app/Dockerfile")
    assert gnu(fired.stdout) == [("app/Dockerfile", 6, 1, "error", "DK101")]
    assert "assume-tls" in fired.stdout
    # by slug, and false is the default
    assert codes(run_lint("--format", "gnu", *sel, "--rule-option",
                          "missing-ca-bundle.assume-tls=TRUE", "app/Dockerfile").stdout) \
        == ["DK101"]
    assert run_lint("--format", "gnu", *sel, "--rule-option", "DK101.assume-tls=false",
                    "app/Dockerfile").stdout == ""


@pytest.mark.parametrize("value, message", [
    ("DK101.nope=true", "--rule-option: DK101 has no option 'nope' (options: assume-tls)"),
    ("DK101.assume-tls=maybe", "--rule-option: DK101.assume-tls: expected true or false"),
    ("DK101.assume-tls=1", "--rule-option: DK101.assume-tls: expected true or false"),
    ("DK301.anything=1", "--rule-option: DK301 has no option 'anything' (options: none)"),
    (f"{UNKNOWN_RULE}.x=1", f"--rule-option: unknown rule '{UNKNOWN_RULE}' (see `docklint rules`)"),
    ("assume-tls=true", "--rule-option: expected RULE.OPTION=VALUE, got 'assume-tls=true'"),
    ("DK101.assume-tls", "--rule-option: expected RULE.OPTION=VALUE, got 'DK101.assume-tls'"),
])
def test_bad_rule_option(tmp_path, value, message):
    write(tmp_path / "Dockerfile", FROM_CONTEXT)
    result = run_lint("--rule-option", value, "Dockerfile")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"docklint: {message}\n"


def test_context_supplies_tls_evidence(tmp_path):
    write(tmp_path / "docker" / "Dockerfile", FROM_CONTEXT)
    write(tmp_path / "src" / "main.go", MAIN_GO)
    without = run_lint("--format", "gnu", "--select", "DK101", "docker/Dockerfile")
    assert (without.exit_code, without.stdout) == (0, "")
    with_ctx = run_lint("--format", "gnu", "--select", "DK101", "--context", "src",
                        "docker/Dockerfile")
    assert gnu(with_ctx.stdout) == [("docker/Dockerfile", 6, 1, "error", "DK101")]
    assert "main.go" in with_ctx.stdout


def test_context_defaults_to_the_dockerfiles_directory(tmp_path):
    write(tmp_path / "svc" / "Dockerfile", FROM_CONTEXT)
    write(tmp_path / "svc" / "cmd" / "main.go", MAIN_GO)
    assert codes(run_lint("--format", "gnu", "--select", "DK101", "svc/Dockerfile").stdout) \
        == ["DK101"]


def test_context_must_be_a_directory(tmp_path):
    write(tmp_path / "Dockerfile", FROM_CONTEXT)
    result = run_lint("--context", "nowhere", "Dockerfile")
    assert result.exit_code == 2
    assert result.stderr == "docklint: --context: nowhere: not a directory\n"


# ---------------------------------------------------------------------------------------------
# directory discovery

LINTED = [
    "Dockerfile",
    ".github/actions/build/Dockerfile",       # only .git itself is skipped
    "a/Containerfile",
    "a/DOCKERFILE",
    "a/Dockerfile-dev",
    "a/Dockerfile.prod",
    "a/web.dockerfile",
    "a/b/Containerfile.arm",
    "a/b/api.Dockerfile",
    "build/package/Dockerfile",               # Go's project layout keeps Dockerfiles here
]
NOT_LINTED = [
    "a/notes.txt",
    "a/Dockerfile.dockerignore",              # BuildKit's per-Dockerfile ignore file
    "a/dockerfile_utils.py",
    "a/mydockerfile",
    ".git/Dockerfile",
    "node_modules/pkg/Dockerfile",
    ".venv/Dockerfile",
    "vendor/github.com/x/Dockerfile",
    "__pycache__/Dockerfile",
]


@pytest.fixture
def tree(tmp_path):
    for name in LINTED + NOT_LINTED:
        write(tmp_path / name, BROKEN)           # one DK000 each: every linted file shows up
    return tmp_path


def lint_dk000(*args, **kwargs):
    """Lint in GNU format with DK000 only: one line per linted file (each is BROKEN)."""
    return run_lint("--format", "gnu", "--select", "DK000", *args, **kwargs)


def _paths(stdout: str) -> list[str]:
    return [os.path.normpath(item[0]).replace(os.sep, "/") for item in gnu(stdout)]


def test_directory_discovery(tree):
    result = lint_dk000(".")
    assert _paths(result.stdout) == LINTED
    assert result.exit_code == 1


def test_no_path_searches_the_current_directory(tree):
    assert _paths(lint_dk000().stdout) == LINTED


def test_nested_directory_argument(tree):
    result = lint_dk000("a/b")
    assert [item[0] for item in gnu(result.stdout)] == ["a/b/Containerfile.arm",
                                                       "a/b/api.Dockerfile"]


def test_explicit_files_are_linted_whatever_their_name(tree):
    result = lint_dk000("a/notes.txt", "node_modules/pkg/Dockerfile")
    assert [item[0] for item in gnu(result.stdout)] == ["a/notes.txt",
                                                       "node_modules/pkg/Dockerfile"]


def test_explicit_skipped_directory_is_searched(tree):
    result = lint_dk000("node_modules")
    assert [item[0] for item in gnu(result.stdout)] == ["node_modules/pkg/Dockerfile"]


def test_a_file_is_linted_once(tree):
    result = lint_dk000("Dockerfile", "./Dockerfile", "a/b", "a/b/", "a/b/api.Dockerfile")
    assert _paths(result.stdout) == ["Dockerfile", "a/b/Containerfile.arm", "a/b/api.Dockerfile"]


def test_directory_without_dockerfiles(tmp_path):
    write(tmp_path / "empty" / "README.md", "nothing here\n")
    result = run_lint("empty")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == ("docklint: empty: no Dockerfiles found (looked for Dockerfile, "
                             "Dockerfile.*, Dockerfile-*, *.Dockerfile, *.dockerfile, "
                             "Containerfile*)\n")


def test_directory_without_dockerfiles_does_not_stop_the_others(tmp_path):
    write(tmp_path / "empty" / "README.md", "nothing here\n")
    write(tmp_path / "svc" / "Dockerfile", BROKEN)
    result = lint_dk000("empty", "svc")
    assert gnu(result.stdout) == [("svc/Dockerfile", 2, 1, "error", "DK000")]
    assert result.exit_code == 2
    assert result.stderr.startswith("docklint: empty: no Dockerfiles found")


def test_unreadable_subdirectory_is_reported(tree, monkeypatch):
    # (as root, chmod cannot make a directory unreadable: make scandir fail instead)
    real = os.scandir

    def scandir(path="."):
        if os.path.basename(os.fspath(path).rstrip("/\\")) == "b":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = lint_dk000("a")
    assert result.exit_code == 2
    assert result.stderr == "docklint: a/b: cannot read directory: Permission denied\n"
    assert [item[0] for item in gnu(result.stdout)] == [
        "a/Containerfile", "a/DOCKERFILE", "a/Dockerfile-dev", "a/Dockerfile.prod",
        "a/web.dockerfile"]


def test_unreadable_file_in_process(tmp_path, monkeypatch):
    # test_bad_input covers chmod 000 (not as root); this covers the message at any uid
    from docklint import reading
    write(tmp_path / "locked.Dockerfile", BROKEN)
    write(tmp_path / "ok.Dockerfile", BROKEN)
    real_open = os.open

    def fake_open(path, *args, **kwargs):      # every file docklint reads is opened there
        if os.fspath(path).endswith("locked.Dockerfile"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(reading.os, "open", fake_open)
    result = lint_dk000("locked.Dockerfile", "ok.Dockerfile")
    assert result.exit_code == 2
    assert result.stderr == "docklint: locked.Dockerfile: permission denied\n"
    assert gnu(result.stdout) == [("ok.Dockerfile", 2, 1, "error", "DK000")]


# ---------------------------------------------------------------------------------------------
# --version, --help, rules, rule

def test_version():
    result = run_lint("--version")
    assert (result.exit_code, result.stdout) == (0, f"docklint, version {docklint.__version__}\n")


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(flag):
    result = run_main([flag])
    assert result.code == 0
    text = " ".join(result.stdout.split())
    assert text.startswith("Usage: docklint [OPTIONS] [PATH|-]...")
    assert "Other commands: docklint rules | rule CODE | inspect FILE | graph FILE" in text
    assert ("Exit codes: 0 clean; 1 findings at or above --fail-on; "
            "2 usage, config or I/O error.") in text
    for option in ("--format", "--output", "--select", "--ignore", "--target", "--build-arg",
                   "--context", "--rule-option", "--fail-on", "--stdin-filename",
                   "--show-source", "--no-color", "--version", "--sarif-category",
                   "--statistics"):
        assert option in text


@pytest.mark.parametrize("sub", ["rules", "rule", "inspect", "graph"])
def test_subcommand_help_through_main(sub):
    result = run_main([sub, "--help"])
    assert result.code == 0
    assert result.stdout.startswith(f"Usage: docklint {sub} ")


def test_rules_text():
    result = invoke(rules_cmd, [])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    rules = all_rules()
    assert len(lines) == len(rules)
    for line, r in zip(lines, rules):
        fields = line.split()
        assert fields[:4] == [r.code, r.slug, r.severity.label, r.status]
        assert r.status in ("stable", "preview")
        assert r.summary in line
        for alias in r.aliases:
            assert alias in line


def test_rules_json():
    result = run_main(["rules", "--format", "json"])          # through main's dispatch
    assert result.code == 0
    data = json.loads(result.stdout)
    assert [d["code"] for d in data] == [r.code for r in all_rules()]
    for d, r in zip(data, all_rules()):
        assert d["slug"] == r.slug
        assert d["severity"] == r.severity.label
        assert d["aliases"] == list(r.aliases)
        assert d["summary"] == r.summary and d["summary"]
    assert {"DK000", "DK001", "DK003", "DK101", "DK301"} <= {d["code"] for d in data}


def test_rules_json_status():
    data = json.loads(invoke(rules_cmd, ["--format", "json"]).stdout)
    assert [d["status"] for d in data] == [r.status for r in all_rules()]


def test_rules_markdown():
    result = run_main(["rules", "--format", "markdown"])
    assert result.code == 0
    out = result.stdout
    assert out.startswith("# Rule reference\n")
    for r in all_rules():
        fragment = r.help_uri.rpartition("#")[2]
        assert f'<a id="{fragment}"></a>\n\n## {r.code} {r.slug}\n\n' \
               f"- Severity: {r.severity.label}\n- Status: {r.status}\n" in out
        assert f"| [{r.code}](#{fragment}) | `{r.slug}` |" in out
        for alias in r.aliases:
            assert f"`{alias}`" in out
        for name in r.options:
            assert f"  - `{name}` (default `" in out
    # the sections come in code order
    positions = [out.index(f"\n## {r.code} ") for r in all_rules()]
    assert positions == sorted(positions)
    assert '- Options:\n  - `assume-tls` (default `false`): ' in out


def test_committed_rule_reference_is_up_to_date():
    """docs/rules.md is the output of `docklint rules --format markdown`: regenerate it with
    that command whenever a rule or its docs change."""
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    generated = invoke(rules_cmd, ["--format", "markdown"]).stdout
    assert committed == generated, ("docs/rules.md is stale: run `docklint rules --format "
                                    "markdown > docs/rules.md`")


@pytest.mark.parametrize("name", ["DK101", "dk101", "missing-ca-bundle"])
def test_rule_docs(name):
    result = invoke(rule_cmd, [name])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:3] == ["DK101 missing-ca-bundle", "Default severity: error", "Fixable: always"]
    assert lines[3].startswith("Option assume-tls (default False): ")
    [r] = [r for r in all_rules() if r.code == "DK101"]
    assert result.stdout.endswith(r.docs + "\n")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in result.stdout


def test_rule_unknown():
    result = run_main(["rule", "NOPE"])
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr == "docklint: unknown rule 'NOPE' (see `docklint rules`)\n"


def test_rule_subcommand_through_main_dispatch():
    result = run_main(["rule", "DK301"])
    assert result.code == 0
    assert result.stdout.startswith("DK301 heavy-final-base\nDefault severity: warning\n")


# ---------------------------------------------------------------------------------------------
# inspect

MULTI = """\
# syntax=docker/dockerfile:1
ARG BASE=alpine:3.20
FROM golang:1.22 AS build
ENV A=1 B="two words"
RUN --mount=type=cache,target=/root/.cache go build -o /app .
COPY --chmod=644 <<-CONF /etc/conf
\thello $A
\tCONF
FROM $BASE AS tools
RUN --mount=type=bind,from=build,source=/app,target=/x true
FROM alpine:3.20 AS unused
RUN true
FROM scratch AS final
COPY --from=build /app /app
ONBUILD RUN --network=none echo hi
ENV C 3
"""


def _inspect(tmp_path, *args, content=MULTI):
    write(tmp_path / "Dockerfile", content)
    return invoke(inspect_cmd, [*args, "Dockerfile"])


def test_inspect_json_shape(tmp_path):
    result = _inspect(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert set(data) == {"directives", "instructions", "global_args", "stages", "edges",
                         "target", "reachable", "errors"}
    assert data["directives"] == {"syntax": "docker/dockerfile:1"}
    assert data["global_args"] == {"BASE": "alpine:3.20"}
    ins = data["instructions"]
    assert [i["keyword"] for i in ins] == ["ARG", "FROM", "ENV", "RUN", "COPY", "FROM", "RUN",
                                           "FROM", "RUN", "FROM", "COPY", "ONBUILD", "ENV"]
    for i in ins:
        assert set(i) == {"keyword", "written", "line", "column", "end_line", "end_column",
                          "flags", "args", "json", "heredocs", "comments"}
    frm = ins[1]
    assert (frm["line"], frm["column"], frm["end_line"], frm["end_column"]) == (3, 1, 3, 26)
    assert frm["args"] == ["golang:1.22", "AS", "build"]
    # ENV: (key, value, separator) triples, the value as written
    assert ins[2]["args"] == ["A", "1", "=", "B", '"two words"', "="]
    assert ins[12]["args"] == ["C", "3", ""]
    run = ins[3]
    assert run["flags"] == ["--mount=type=cache,target=/root/.cache"]
    assert run["args"] == ["go build -o /app ."] and run["json"] is False
    copy = ins[4]
    assert (copy["line"], copy["end_line"]) == (6, 8)
    assert copy["flags"] == ["--chmod=644"]
    assert copy["heredocs"] == [{"name": "CONF", "content": "\thello $A\n", "expand": True,
                                 "chomp": True, "fd": 0}]
    onbuild = ins[11]
    [nested] = onbuild["args"]
    assert nested["keyword"] == "RUN"
    assert nested["flags"] == ["--network=none"]
    assert nested["args"] == ["echo hi"]
    assert onbuild["flags"] == [] and onbuild["line"] == 15
    assert data["target"] == 3
    assert data["reachable"] == [0, 3]
    assert data["errors"] == []


def test_inspect_json_stages_and_edges(tmp_path):
    data = json.loads(_inspect(tmp_path).stdout)
    stages = data["stages"]
    assert [(s["index"], s["name"], s["line"]) for s in stages] == [
        (0, "build", 3), (1, "tools", 9), (2, "unused", 11), (3, "final", 13)]
    assert stages[1]["base"]["raw"] == "$BASE"
    assert stages[1]["base"]["resolved"] == "alpine:3.20"         # from the global ARG default
    assert stages[3]["base"]["kind"] == "scratch"
    assert stages[0]["instructions"] == [1, 2, 3, 4]
    # "from" is the stage that depends, "to" the stage it depends on
    assert [(e["kind"], e["from"], e["to"], e["ref"], e["line"]) for e in data["edges"]] == [
        ("mount", 1, 0, "build", 10), ("copy", 3, 0, "build", 14)]


def test_inspect_build_arg_and_target(tmp_path):
    result = _inspect(tmp_path, "--build-arg", "BASE=debian:12", "--target", "tools")
    data = json.loads(result.stdout)
    assert data["stages"][1]["base"]["resolved"] == "debian:12"
    assert data["target"] == 1
    assert data["reachable"] == [0, 1]


def test_inspect_onbuild_trigger_position(tmp_path):
    # the trigger starts at its own keyword, not at ONBUILD
    data = json.loads(_inspect(tmp_path).stdout)
    nested = data["instructions"][11]["args"][0]
    assert (nested["line"], nested["column"]) == (15, 9)


def test_inspect_text(tmp_path):
    result = _inspect(tmp_path, "--format", "text")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "directive syntax=docker/dockerfile:1"
    assert lines[1] == "global ARG BASE='alpine:3.20'"
    assert "stage 0 build: FROM golang:1.22 [image]" in lines
    assert "stage 1 tools (unreachable): FROM alpine:3.20 [image]" in lines
    assert "stage 2 unused (unreachable): FROM alpine:3.20 [image]" in lines
    assert "stage 3 final (target): FROM scratch [scratch]" in lines
    assert "  mount from stage 0 (line 10)" in lines
    assert "  copy from stage 0 (line 14)" in lines


def test_inspect_broken_file(tmp_path):
    result = _inspect(tmp_path, content=BROKEN + "CMD [\"a\", 1]\n")
    assert result.exit_code == 1
    data = json.loads(result.stdout)                    # the model is still printed
    # (a line BuildKit rejects outright is not an instruction of the model)
    assert [i["keyword"] for i in data["instructions"]] == ["FROM", "RUNN"]
    assert [e["line"] for e in data["errors"]] == [2, 3]
    assert result.stderr.splitlines() == [
        f"Dockerfile:2:1: {BROKEN_MESSAGE}",
        "Dockerfile:3:1: CMD: the JSON array must contain only strings (a nested array, number "
        "or null is not allowed)",
    ]


def test_inspect_broken_file_ignores_pragmas(tmp_path):
    result = _inspect(tmp_path, content="FROM alpine:3.20\n# docklint ignore=DK000\nRUNN x\n")
    assert result.exit_code == 1
    assert "Dockerfile:3:1: unknown instruction: RUNN" in result.stderr


def test_inspect_broken_file_process_level(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    proc = run_proc("inspect", "Dockerfile", cwd=tmp_path)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["errors"] == [{"line": 2, "message": BROKEN_MESSAGE}]
    assert proc.stderr.decode() == f"Dockerfile:2:1: {BROKEN_MESSAGE}\n"


def test_inspect_stdin(tmp_path):
    result = invoke(inspect_cmd, ["-"], input=BROKEN)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"][0]["line"] == 2
    assert result.stderr == f"-:2:1: {BROKEN_MESSAGE}\n"


@pytest.mark.parametrize("args, message", [
    (["missing"], "docklint: missing: no such file\n"),
    (["--target", "nope", "Dockerfile"],
     "docklint: Dockerfile: target stage 'nope' not found (stages: build, slim, fat, prod)\n"),
    (["--context", "nowhere", "Dockerfile"], "docklint: --context: nowhere: not a directory\n"),
    (["--build-arg", "=x", "Dockerfile"], "docklint: --build-arg: expected KEY=VALUE, got '=x'\n"),
])
@pytest.mark.parametrize("sub", ["inspect", "graph"])
def test_inspect_and_graph_errors(tmp_path, sub, args, message):
    write(tmp_path / "Dockerfile", TARGETS)
    result = run_main([sub, *args])
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr == message


# ---------------------------------------------------------------------------------------------
# graph

GRAPH = """\
FROM golang:1.22 AS build
RUN go build -o /app .
FROM build AS test
RUN go test ./...
FROM alpine:3.20 AS tools
RUN --mount=type=bind,from=build,source=/app,target=/x true
FROM scratch
COPY --from=build /app /app
COPY --from=tools /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
"""


def test_graph_mermaid(tmp_path):
    write(tmp_path / "Dockerfile", GRAPH)
    result = invoke(graph_cmd, ["Dockerfile"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "flowchart TD"
    for expected in [
        '  img0[("golang:1.22")]', '  img1[("alpine:3.20")]', '  img2[("scratch")]',
        '  img3[("nginx:1.27")]',
        '  s0["build<br/>FROM golang:1.22"]',
        '  s1["test<br/>FROM build<br/>(unreachable)"]',
        '  s2["tools<br/>FROM alpine:3.20"]',
        '  s3["stage 3<br/>FROM scratch<br/>(target)"]',
        "  img0 -->|base| s0", "  s0 -->|base| s1", "  s0 -->|mount| s2",
        "  s0 -->|copy| s3", "  s2 -->|copy| s3", "  img3 -->|copy| s3",
        "  class s3 target", "  class s1 unreachable",
    ]:
        assert expected in lines


def test_graph_dot(tmp_path):
    write(tmp_path / "Dockerfile", GRAPH)
    result = invoke(graph_cmd, ["--format", "dot", "Dockerfile"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "digraph stages {" and lines[-1] == "}"
    for expected in [
        '  img0 [label="golang:1.22", shape=cylinder];',
        '  s0 [label="build\\nFROM golang:1.22"];',
        '  s1 [label="test\\nFROM build\\n(unreachable)", style=dashed, fontcolor=gray];',
        '  s3 [label="stage 3\\nFROM scratch\\n(target)", penwidth=3];',
        '  s0 -> s1 [label="base"];', '  s0 -> s2 [label="mount"];',
        '  s0 -> s3 [label="copy"];', '  img3 -> s3 [label="copy"];',
    ]:
        assert expected in lines


def test_graph_target_moves_the_marks(tmp_path):
    write(tmp_path / "Dockerfile", GRAPH)
    lines = invoke(graph_cmd, ["--target", "test", "Dockerfile"]).stdout.splitlines()
    assert '  s1["test<br/>FROM build<br/>(target)"]' in lines
    assert '  s2["tools<br/>FROM alpine:3.20<br/>(unreachable)"]' in lines
    assert '  s3["stage 3<br/>FROM scratch<br/>(unreachable)"]' in lines
    assert "  class s2,s3 unreachable" in lines


def test_graph_broken_file(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_main(["graph", "Dockerfile"])
    assert result.code == 1
    assert result.stdout.startswith("flowchart TD\n")
    assert result.stderr == f"Dockerfile:2:1: {BROKEN_MESSAGE}\n"


# ---------------------------------------------------------------------------------------------
# colour

def test_no_colour_when_not_a_terminal(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    assert ANSI not in run_lint("Dockerfile").stdout


def test_force_color(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    out = run_lint("Dockerfile", env={"FORCE_COLOR": "1"}).stdout
    assert ANSI in out
    assert "\x1b[1mDK000\x1b[0m" in out


@pytest.mark.parametrize("args, env", [
    (["--no-color"], {"FORCE_COLOR": "1"}),
    ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}),
    (["--format", "gnu"], {"FORCE_COLOR": "1"}),
    (["--format", "json"], {"FORCE_COLOR": "1"}),
])
def test_colour_switched_off(tmp_path, args, env):
    write(tmp_path / "Dockerfile", BROKEN)
    out = run_lint(*args, "Dockerfile", env=env).stdout
    assert out and ANSI not in out


def test_colour_process_level(tmp_path):
    write(tmp_path / "Dockerfile", BROKEN)
    plain = run_proc("Dockerfile", cwd=tmp_path)
    assert plain.returncode == 1 and plain.stdout and b"\x1b[" not in plain.stdout
    forced = run_proc("Dockerfile", cwd=tmp_path, env=clean_env(FORCE_COLOR="1"))
    assert forced.returncode == 1 and b"\x1b[" in forced.stdout
    assert forced.stdout.replace(b"\x1b[", b"").count(b"DK000") == 1
    off = run_proc("Dockerfile", cwd=tmp_path, env=clean_env(FORCE_COLOR="1", NO_COLOR="1"))
    assert b"\x1b[" not in off.stdout


# ---------------------------------------------------------------------------------------------
# main(): no traceback ever

def test_internal_error_is_one_line(tmp_path, monkeypatch):
    from docklint import formatters

    def boom(*args, **kwargs):
        raise RuntimeError("the formatter\nexploded")

    monkeypatch.setattr(formatters, "render", boom)
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_main(["Dockerfile"])
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr == ("docklint: internal error: RuntimeError: the formatter exploded "
                             "(please report this)\n")


def test_internal_error_in_a_subcommand(tmp_path, monkeypatch):
    from docklint import inspect as inspect_module
    monkeypatch.setattr(inspect_module, "graph_mermaid",
                        lambda df: (_ for _ in ()).throw(KeyError("s9")))
    write(tmp_path / "Dockerfile", CLEAN)
    result = run_main(["graph", "Dockerfile"])
    assert result.code == 2
    assert result.stderr == "docklint: internal error: KeyError: 's9' (please report this)\n"


def test_internal_error_traceback_on_request(tmp_path, monkeypatch):
    from docklint import formatters
    monkeypatch.setattr(formatters, "render",
                        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    write(tmp_path / "Dockerfile", BROKEN)
    with pytest.raises(RuntimeError, match="boom"):
        run_main(["Dockerfile"], env={"DOCKLINT_DEBUG": "1"})


def test_crash_on_one_file_does_not_stop_the_others(tmp_path, monkeypatch):
    from docklint import engine
    real = engine.load_file            # the CLI reads and parses each file through it

    def load_file(path, *args, **kwargs):
        if path == "bad.Dockerfile":
            raise ValueError("kaput")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(engine, "load_file", load_file)
    write(tmp_path / "bad.Dockerfile", CLEAN)
    write(tmp_path / "good.Dockerfile", BROKEN)
    result = run_main(["--format", "gnu", "--select", "DK000", "bad.Dockerfile",
                       "good.Dockerfile"])
    assert result.code == 2
    assert gnu(result.stdout) == [("good.Dockerfile", 2, 1, "error", "DK000")]
    assert result.stderr == ("docklint: bad.Dockerfile: internal error: ValueError: kaput "
                             "(please report this)\n")


def test_keyboard_interrupt_exits_130(tmp_path, monkeypatch):
    from docklint import engine

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "load_file", interrupted)
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_main(["Dockerfile"])
    assert (result.code, result.stdout, result.stderr) == (130, "", "")


def test_broken_pipe_in_process(tmp_path, monkeypatch):
    from docklint import formatters
    monkeypatch.setattr(formatters, "render",
                        lambda *a, **k: (_ for _ in ()).throw(BrokenPipeError(32, "Broken pipe")))
    write(tmp_path / "Dockerfile", BROKEN)
    result = run_main(["Dockerfile"])
    assert (result.code, result.stderr) == (141, "")


def test_usage_error_through_main(tmp_path):
    result = run_main(["--no-such-option"])
    assert result.code == 2
    assert "No such option" in result.stderr and "--no-such-option" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_error_through_main(tmp_path):
    write(tmp_path / "Dockerfile", CLEAN)
    result = run_main(["--select", UNKNOWN_RULE, "Dockerfile"])
    assert result.code == 2
    assert result.stderr == (f"docklint: --select/--ignore: unknown rule '{UNKNOWN_RULE}' "
                             "(see `docklint rules`)\n")


def _many_findings(tmp_path) -> Path:
    # about 400 KB of output: far more than a pipe buffer holds
    return write(tmp_path / "Dockerfile", "FROM alpine:3.20\n" + "RUNN x\n" * 5000)


def _read_a_little_then_close(args, cwd, env) -> tuple[int, bytes]:
    """Like ``docklint ARGS | head -c 100``: (exit status, stderr)."""
    with subprocess.Popen([sys.executable, "-m", "docklint", *args], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        proc.stdout.read(100)
        proc.stdout.close()
        err = proc.stderr.read()
        return proc.wait(timeout=60), err


@pytest.mark.parametrize("args", [["--format", "gnu", "Dockerfile"], ["Dockerfile"],
                                  ["inspect", "Dockerfile"]])
def test_broken_pipe_process_level(tmp_path, args):
    _many_findings(tmp_path)
    code, err = _read_a_little_then_close(args, tmp_path, clean_env())
    assert err == b""
    assert code == 141


def test_broken_pipe_with_unbuffered_python(tmp_path):
    # with PYTHONUNBUFFERED Python drops the rest of a short write without an error; what
    # matters is that nothing is printed
    _many_findings(tmp_path)
    code, err = _read_a_little_then_close(["Dockerfile"], tmp_path,
                                          clean_env(PYTHONUNBUFFERED="1"))
    assert err == b""
    assert code in (1, 141)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_while_reading_stdin(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "docklint", "-"], cwd=tmp_path,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=clean_env())
    proc.stdin.write(b"FROM alpine:3.20\n")
    proc.stdin.flush()
    # Wait until it blocks reading standard input: read(0, ...) is syscall 0 on x86-64 Linux;
    # elsewhere fall back to a generous pause.
    syscall = Path(f"/proc/{proc.pid}/syscall")
    if platform.machine() in ("x86_64", "AMD64") and syscall.exists():
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if syscall.read_text().startswith("0 0x0 "):
                    break
            except OSError:
                break
            time.sleep(0.05)
    else:
        time.sleep(3)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert b"Traceback" not in err
    assert err == b""
    assert proc.returncode == 130


def test_jobs_give_the_same_report_in_the_same_order(tmp_path):
    for i in range(12):
        write(tmp_path / f"svc{i:02d}" / "Dockerfile",
              "FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 go build -o /app .\n"
              f"FROM golang:1.22\nCOPY --from=b /app /app{i}\nENTRYPOINT [\"/app{i}\"]\n"
              "RUNN oops\n")
    args = ["--format", "json", "--select", "DK000,DK301", str(tmp_path)]
    one = run_proc("--jobs", "1", *args)
    two = run_proc("--jobs", "2", *args)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    data = json.loads(one.stdout)
    assert [d["file"] for d in data] == sorted(d["file"] for d in data)
    assert len(data) == 24


def test_the_vscode_extension_covers_the_names_the_cli_lints() -> None:
    """The extension's document selector and activation events name exactly the file patterns
    the CLI looks for (docklint.cli._PATTERNS), so that a Dockerfile the CLI lints is not left
    without diagnostics in the editor."""
    root = Path(__file__).resolve().parent.parent / "editors" / "vscode"
    wanted = {f"**/{p.strip()}" for p in cli._PATTERNS.split(",")}
    selector = (root / "src" / "logic.ts").read_text(encoding="utf-8")
    block = selector[selector.index("DOCUMENT_SELECTOR"):]
    block = block[:block.index("];")]
    assert set(re.findall(r'"(\*\*/[^"]+)"', block)) == wanted
    events = json.loads((root / "package.json").read_text(encoding="utf-8"))["activationEvents"]
    assert {e.split(":", 1)[1] for e in events if e.startswith("workspaceContains:")} == wanted


def test_the_default_worker_count_follows_the_measured_break_even(monkeypatch):
    """In process below POOL_MIN_FILES files (POOL_MIN_FILES_SHELLCHECK when ShellCheck runs,
    since it already works on another CPU), one process per CPU from there; --jobs is obeyed."""
    from docklint import cli as cli_module
    monkeypatch.setattr(cli_module.os, "cpu_count", lambda: 4)
    small, big = cli_module.POOL_MIN_FILES, cli_module.POOL_MIN_FILES_SHELLCHECK
    assert small < big
    assert cli_module._workers(None, small - 1) == 1
    assert cli_module._workers(None, small) == 4
    assert cli_module._workers(None, small, shellcheck=True) == 1
    assert cli_module._workers(None, big, shellcheck=True) == 4
    assert cli_module._workers(3, 2) == 2 and cli_module._workers(1, 500) == 1
    from docklint.registry import get
    assert cli_module._runs_shellcheck([[get("DK401")], []]) is False
    from docklint import shellcheck
    monkeypatch.setattr(shellcheck, "binary", lambda: "/bin/true")
    assert cli_module._runs_shellcheck([[get("DK401")], [get("DK440")]]) is True
    monkeypatch.setattr(shellcheck, "binary", lambda: None)
    assert cli_module._runs_shellcheck([[get("DK440")]]) is False
