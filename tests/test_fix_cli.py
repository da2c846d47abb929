"""``docklint --fix``, ``--unsafe-fixes`` and ``--diff`` on the command line.

What is pinned: which fixes apply (safe ones, unsafe ones only on request), the exact diff, the
exact bytes written (and that nothing is written when nothing changes, or when a fix is refused),
what standard output carries when fixing standard input, the summary line, the report of what
remains, and the exit codes. The real rules used (each test selects them) are DK404
apt-missing-yes (safe fix: add ``-y``), DK405 apt-install-recommends (unsafe fix: add
``--no-install-recommends``, severity info) and DK904 instruction-casing (safe fix: the keyword
in the file's case). The refusal and loop tests use test-only rules put in place of the rule
selection.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from docklint import cli
from docklint.rule import Edit, Finding, Fix, Rule, Severity
from docklint.source import Span

SELECT = ("--select", "DK404,DK405")
# DK404 at 2:23 (safe: ` -y`), DK405 at 2:23 (unsafe: ` --no-install-recommends`, info)
APT = b"FROM debian:12\nRUN apt-get update && apt-get install curl\n"
APT_SAFE = b"FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
# both fixes insert at the same point: DK404's goes first, DK405's in the second round
APT_ALL = b"FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl\n"
CLEAN = b"FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"

REMAINING_DK405 = """\
Dockerfile:2:23: DK405 [info] `apt-get install` also installs recommended packages; add \
`--no-install-recommends` and name the packages you need (apt-install-recommends)
  2 | RUN apt-get update && apt-get install -y curl
    |                       ^^^^^^^^^^^^^^^
  = fix: Add --no-install-recommends (unsafe)

Fixed 1 problem (DK404: 1) in 1 file; 1 remaining (1 fixable with --unsafe-fixes).
"""


@dataclass
class Ran:
    code: int | None
    out: bytes
    err: str

    @property
    def stdout(self) -> str:
        return self.out.decode("utf-8", "surrogateescape")


def run(*argv: str, input: bytes | None = None) -> Ran:
    """``docklint ARGV`` through :func:`docklint.cli.main`, in this process."""
    try:
        runner = CliRunner(mix_stderr=False)      # click < 8.2
    except TypeError:
        runner = CliRunner()
    env = {name: None for name in ("FORCE_COLOR", "NO_COLOR", "DOCKLINT_DEBUG")}
    with runner.isolation(input=input, env=env) as streams:
        try:
            cli.main(list(argv))
        except SystemExit as exc:
            code = exc.code
        else:  # pragma: no cover - main always exits
            code = None
        sys.stdout.flush()
        sys.stderr.flush()
        out = streams[0].getvalue()
        err = streams[1].getvalue().decode("utf-8", "replace") if streams[1] is not None else ""
    return Ran(code, out, err)


def run_proc(*argv: str, input: bytes | None = None, cwd: Path | None = None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORCE_COLOR", "NO_COLOR", "DOCKLINT_DEBUG")}
    return subprocess.run([sys.executable, "-m", "docklint", *argv], input=input,
                          capture_output=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def write(path: Path, data: bytes, mode: int | None = None) -> Path:
    path.write_bytes(data)
    if mode is not None:
        os.chmod(path, mode)
    return path


def set_old_mtime(path: Path) -> os.stat_result:
    past = time.time() - 86400
    os.utime(path, (past, past))
    return os.stat(path)


# ---------------------------------------------------------------------------------------------
# test-only rules, in place of the rule selection

def _rule(code: str, fn) -> Rule:
    return Rule(code, code.lower(), Severity.WARNING, fn, f"{code}.", fixable="always")


def _upper_keywords(df, options):
    for ins in df.instructions:
        if ins.written != ins.keyword:
            yield Finding(ins.keyword_span, "lower-case keyword",
                          fix=Fix("upper-case it", (Edit(ins.keyword_span, ins.keyword),)))


def _breaker(df, options):
    ins = df.instructions[-1]
    if ins.written == "RUN":
        yield Finding(ins.keyword_span, "rename",
                      fix=Fix("rename", (Edit(ins.keyword_span, "RUNN"),)))


def _grower(df, options):
    end = len(df.source.text)
    yield Finding(Span(0, 4), "grow", fix=Fix("append", (Edit(Span(end, end), "# x\n"),)))


@pytest.fixture
def test_rules(monkeypatch):
    """Make the CLI run these rules (whatever the selection)."""
    def use(*rules: Rule) -> None:
        monkeypatch.setattr("docklint.engine.select_rules", lambda settings: list(rules))
    return use


# ---------------------------------------------------------------------------------------------
# safe and unsafe fixes

def test_fix_applies_safe_fixes_and_reports_what_remains(tmp_path):
    path = write(tmp_path / "Dockerfile", APT)
    ran = run("--fix", *SELECT, "--fail-on", "info", "Dockerfile")
    assert path.read_bytes() == APT_SAFE
    # the report is of the fixed file: DK405 is positioned in the new text
    assert ran.stdout == REMAINING_DK405
    assert ran.err == ""
    assert ran.code == 1         # DK405 (info) remains, at or above --fail-on info


def test_exit_code_is_computed_from_what_remains(tmp_path):
    write(tmp_path / "Dockerfile", APT)
    # before fixing, DK404 (a warning) fails the default --fail-on warning
    assert run(*SELECT, "Dockerfile").code == 1
    # after fixing, only DK405 (info) remains
    ran = run("--fix", *SELECT, "Dockerfile")
    assert ran.code == 0, ran.err


def test_unsafe_fixes_imply_fix_and_apply_both(tmp_path):
    path = write(tmp_path / "Dockerfile", APT)
    ran = run("--unsafe-fixes", *SELECT, "--fail-on", "info", "Dockerfile")
    assert path.read_bytes() == APT_ALL
    assert ran.stdout == "Fixed 2 problems (DK404: 1, DK405: 1) in 1 file; 0 remaining.\n"
    assert (ran.code, ran.err) == (0, "")
    assert run("--fix", "--unsafe-fixes", *SELECT, "--fail-on", "info",
               "Dockerfile").stdout == ""           # nothing left, nothing fixed: silent


def test_fixes_of_several_rules_and_files_add_up(tmp_path):
    write(tmp_path / "a.Dockerfile", b"FROM debian:12\nRUN true\nrun apt-get install curl\n")
    write(tmp_path / "b.Dockerfile", b"FROM debian:12\nRUN apt-get install curl\n")
    write(tmp_path / "c.Dockerfile", b"FROM debian:12\nRUN true\n")
    ran = run("--fix", "--select", "DK404,DK904", ".")
    assert ran.stdout == "Fixed 3 problems (DK404: 2, DK904: 1) in 2 files; 0 remaining.\n"
    assert (tmp_path / "a.Dockerfile").read_bytes() == \
        b"FROM debian:12\nRUN true\nRUN apt-get install -y curl\n"
    assert (tmp_path / "b.Dockerfile").read_bytes() == \
        b"FROM debian:12\nRUN apt-get install -y curl\n"
    assert ran.code == 0


def test_nothing_fixable_says_so(tmp_path):
    write(tmp_path / "Dockerfile", b"FROM debian:12\nRUN apt-get install -y curl\n")
    ran = run("--fix", "--select", "DK405", "--no-show-source", "Dockerfile")
    assert ran.stdout.endswith("\nNothing fixed; 1 remaining (1 fixable with --unsafe-fixes).\n")


def test_statistics_come_before_the_summary(tmp_path):
    write(tmp_path / "Dockerfile", APT)
    ran = run("--fix", *SELECT, "--statistics", "--no-show-source", "Dockerfile")
    assert ran.stdout.endswith("\n  1  DK405  apt-install-recommends\n\n"
                               "Fixed 1 problem (DK404: 1) in 1 file; 1 remaining "
                               "(1 fixable with --unsafe-fixes).\n")


def test_machine_format_keeps_stdout_parseable(tmp_path):
    write(tmp_path / "Dockerfile", APT)
    ran = run("--fix", *SELECT, "--format", "json", "Dockerfile")
    data = json.loads(ran.stdout)
    assert [(d["code"], d["line"], d["column"]) for d in data] == [("DK405", 2, 23)]
    assert ran.err == ("Fixed 1 problem (DK404: 1) in 1 file; 1 remaining "
                       "(1 fixable with --unsafe-fixes).\n")


def test_text_report_to_a_file_gets_the_summary_too(tmp_path):
    write(tmp_path / "Dockerfile", APT)
    ran = run("--fix", *SELECT, "--no-show-source", "-o", "report.txt", "Dockerfile")
    summary = "Fixed 1 problem (DK404: 1) in 1 file; 1 remaining (1 fixable with --unsafe-fixes).\n"
    assert (tmp_path / "report.txt").read_text().endswith("\n" + summary)
    assert ran.stdout == "" and ran.err == summary


def test_a_file_that_does_not_parse_is_left_alone(tmp_path):
    data = b"FROM debian:12\nRUNN apt-get install curl\nRUN apt-get install curl\n"
    path = write(tmp_path / "Dockerfile", data)
    before = set_old_mtime(path)
    ran = run("--fix", "--select", "DK000,DK404", "--no-show-source", "Dockerfile")
    # DK404's fix applies (the parse gets no worse); DK000 stays
    assert path.read_bytes() == data.replace(b"RUN apt-get install curl",
                                             b"RUN apt-get install -y curl")
    assert "DK000 [error] unknown instruction: RUNN" in ran.stdout
    assert ran.code == 1
    assert os.stat(path).st_mtime_ns != before.st_mtime_ns


# ---------------------------------------------------------------------------------------------
# --diff

def test_diff_prints_the_change_and_writes_nothing(tmp_path):
    path = write(tmp_path / "Dockerfile", APT)
    before = set_old_mtime(path)
    ran = run("--diff", *SELECT, "Dockerfile")
    assert ran.stdout == ("--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,2 @@\n"
                          " FROM debian:12\n"
                          "-RUN apt-get update && apt-get install curl\n"
                          "+RUN apt-get update && apt-get install -y curl\n")
    assert ran.err == ("Would fix 1 problem (DK404: 1) in 1 file; 1 would remain "
                       "(1 fixable with --unsafe-fixes).\n")
    assert ran.code == 1
    assert path.read_bytes() == APT and os.stat(path).st_mtime_ns == before.st_mtime_ns


def test_diff_with_unsafe_fixes_and_several_files(tmp_path):
    write(tmp_path / "a.Dockerfile", APT)
    write(tmp_path / "b.Dockerfile", CLEAN)
    write(tmp_path / "c.Dockerfile", b"FROM debian:12\nRUN apt-get install curl")    # no EOL
    ran = run("--diff", "--unsafe-fixes", *SELECT, "a.Dockerfile", "b.Dockerfile",
              "c.Dockerfile")
    assert ran.stdout == (
        "--- a/a.Dockerfile\n+++ b/a.Dockerfile\n@@ -1,2 +1,2 @@\n FROM debian:12\n"
        "-RUN apt-get update && apt-get install curl\n"
        "+RUN apt-get update && apt-get install --no-install-recommends -y curl\n"
        "--- a/c.Dockerfile\n+++ b/c.Dockerfile\n@@ -1,2 +1,2 @@\n FROM debian:12\n"
        "-RUN apt-get install curl\n\\ No newline at end of file\n"
        "+RUN apt-get install --no-install-recommends -y curl\n\\ No newline at end of file\n")
    assert ran.err == "Would fix 4 problems (DK404: 2, DK405: 2) in 2 files; 0 would remain.\n"
    assert ran.code == 1


def test_diff_with_nothing_to_fix_exits_0(tmp_path):
    write(tmp_path / "Dockerfile", CLEAN)
    ran = run("--diff", *SELECT, "Dockerfile")
    assert (ran.code, ran.out, ran.err) == (0, b"", "")
    # remaining findings do not change that: --diff is about the diff
    write(tmp_path / "Dockerfile", APT_SAFE)
    ran = run("--diff", *SELECT, "--fail-on", "info", "Dockerfile")
    assert (ran.code, ran.out) == (0, b"")
    assert ran.err == "Nothing to fix; 1 would remain (1 fixable with --unsafe-fixes).\n"


def test_diff_of_standard_input(tmp_path):
    ran = run("--diff", *SELECT, "--stdin-filename", "svc/Dockerfile", "-", input=APT)
    assert ran.stdout.startswith("--- a/svc/Dockerfile\n+++ b/svc/Dockerfile\n")
    assert ran.code == 1


@pytest.mark.parametrize("extra", [("--format", "json"), ("-o", "r.txt"), ("--statistics",)])
def test_diff_takes_no_report_options(tmp_path, extra):
    write(tmp_path / "Dockerfile", APT)
    ran = run("--diff", *extra, "Dockerfile")
    assert ran.code == 2
    assert ran.err == ("docklint: --diff prints a diff, not a report: drop --format, --output "
                       "and --statistics (or use --fix)\n")
    assert (tmp_path / "Dockerfile").read_bytes() == APT


# ---------------------------------------------------------------------------------------------
# standard input

def test_fix_stdin_prints_exactly_the_fixed_bytes(tmp_path):
    ran = run("--fix", *SELECT, "--no-show-source", "-", input=APT)
    assert ran.out == APT_SAFE
    assert ran.err == (
        "-:2:23: DK405 [info] `apt-get install` also installs recommended packages; add "
        "`--no-install-recommends` and name the packages you need (apt-install-recommends)\n"
        "  = fix: Add --no-install-recommends (unsafe)\n"
        "\nFixed 1 problem (DK404: 1) in 1 file; 1 remaining (1 fixable with --unsafe-fixes).\n")
    assert ran.code == 0


def test_fix_stdin_with_nothing_to_fix_echoes_the_input(tmp_path):
    data = b"\xef\xbb\xbfFROM debian:12\r\nRUN true"
    ran = run("--fix", *SELECT, "-", input=data)
    assert (ran.code, ran.out, ran.err) == (0, data, "")


def test_fix_stdin_keeps_bom_and_crlf(tmp_path):
    data = b"\xef\xbb\xbfFROM debian:12\r\nRUN true\r\nrun apt-get install curl\r\n"
    ran = run("--unsafe-fixes", "--select", "DK404,DK405,DK904", "-", input=data)
    assert ran.out == (b"\xef\xbb\xbfFROM debian:12\r\nRUN true\r\n"
                       b"RUN apt-get install --no-install-recommends -y curl\r\n")
    assert ran.err == "Fixed 3 problems (DK404: 1, DK405: 1, DK904: 1) in 1 file; 0 remaining.\n"


def test_fix_stdin_sends_every_report_to_stderr(tmp_path):
    ran = run("--fix", *SELECT, "--format", "json", "--stdin-filename", "app/Dockerfile", "-",
              input=APT)
    assert ran.out == APT_SAFE
    report, summary = ran.err.split("\n]\n")
    assert [d["file"] for d in json.loads(report + "\n]")] == ["app/Dockerfile"]
    assert summary == ("Fixed 1 problem (DK404: 1) in 1 file; 1 remaining "
                       "(1 fixable with --unsafe-fixes).\n")


def test_fix_stdin_in_a_real_process(tmp_path):
    # the bytes on a real pipe, with the exit status of remaining warnings
    data = b"from debian:12\nRUN apt-get install curl\nRUN true\n"
    proc = run_proc("--fix", "--select", "DK404,DK405,DK904", "--fail-on", "info", "-",
                    input=data)
    assert proc.stdout == b"FROM debian:12\nRUN apt-get install -y curl\nRUN true\n"
    assert proc.returncode == 1
    assert b"DK405" in proc.stderr and b"Fixed 2 problems (DK404: 1, DK904: 1)" in proc.stderr


def test_fix_stdin_refused_gives_the_input_back(tmp_path, test_rules):
    test_rules(_rule("DK992", _breaker))
    data = b"FROM debian:12\nRUN true\n"
    ran = run("--fix", "-", input=data)
    assert ran.out == data
    assert ran.code == 2
    assert "docklint: -: not fixed: fixes by DK992 would make the file fail to parse; " \
           "nothing was written\n" in ran.err


def test_fix_stdin_too_big_is_an_error_not_an_empty_output(tmp_path):
    (tmp_path / ".docklint.yaml").write_text("max-file-size: 100\n")
    ran = run("--fix", *SELECT, "--stdin-filename", "Dockerfile", "-", input=APT * 3)
    assert ran.out == b""
    assert ran.code == 2
    assert "docklint: Dockerfile: not fixed: standard input is over the size limit\n" in ran.err


# ---------------------------------------------------------------------------------------------
# what is written, and what is not

def test_crlf_bom_and_permissions_are_kept(tmp_path):
    data = b"\xef\xbb\xbfFROM debian:12\r\nRUN true\r\nrun apt-get install \\\r\n    curl\r\n"
    path = write(tmp_path / "Dockerfile", data, mode=0o751)
    ran = run("--fix", "--select", "DK404,DK904", "Dockerfile")
    assert ran.code == 0, ran.err
    assert path.read_bytes() == (b"\xef\xbb\xbfFROM debian:12\r\nRUN true\r\n"
                                 b"RUN apt-get install -y \\\r\n    curl\r\n")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o751
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]   # no temp file left


def test_a_file_with_nothing_to_fix_is_not_rewritten(tmp_path):
    path = write(tmp_path / "Dockerfile", APT_SAFE)          # DK405 has only an unsafe fix
    before = set_old_mtime(path)
    ran = run("--fix", *SELECT, "Dockerfile")
    after = os.stat(path)
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert path.read_bytes() == APT_SAFE
    assert ran.code == 0


def test_a_symlink_stays_a_link_and_its_target_is_fixed(tmp_path):
    real = write(tmp_path / "real.Dockerfile", APT)
    os.symlink("real.Dockerfile", tmp_path / "Dockerfile")
    ran = run("--fix", *SELECT, "Dockerfile")
    assert ran.code == 0, ran.err
    assert os.path.islink(tmp_path / "Dockerfile")
    assert real.read_bytes() == APT_SAFE


def test_a_fix_that_breaks_the_parse_is_refused(tmp_path, test_rules):
    test_rules(_rule("DK992", _breaker))
    data = b"FROM debian:12\nRUN true\n"
    path = write(tmp_path / "Dockerfile", data)
    before = set_old_mtime(path)
    ran = run("--fix", "--no-show-source", "Dockerfile")
    assert path.read_bytes() == data and os.stat(path).st_mtime_ns == before.st_mtime_ns
    assert ran.code == 2
    assert ran.err == ("docklint: Dockerfile: not fixed: fixes by DK992 would make the file "
                       "fail to parse; nothing was written\n")
    # the report is of the file as it is
    assert ran.stdout == ("Dockerfile:2:1: DK992 [warning] rename (dk992)\n"
                          "  = fix: rename\n\n"
                          "Nothing fixed; 1 remaining.\n")


def test_fixes_that_never_settle_write_nothing(tmp_path, test_rules):
    test_rules(_rule("DK993", _grower), _rule("DK991", _upper_keywords))
    data = b"from debian:12\n"
    path = write(tmp_path / "Dockerfile", data)
    ran = run("--fix", "--no-show-source", "Dockerfile")
    assert path.read_bytes() == data
    assert ran.code == 2
    assert ran.err == ("docklint: Dockerfile: not fixed: the fixes of DK993 still change the "
                       "file after 10 rounds; nothing was written\n")


def test_diff_reports_a_refusal_too(tmp_path, test_rules):
    test_rules(_rule("DK993", _grower))
    write(tmp_path / "Dockerfile", b"FROM debian:12\n")
    ran = run("--diff", "Dockerfile")
    assert (ran.code, ran.out) == (2, b"")
    assert "docklint: Dockerfile: not fixed: the fixes of DK993 still change" in ran.err


def test_invalid_utf8_is_not_rewritten(tmp_path):
    # the bad byte decodes to U+FFFD: writing the text back would change it
    data = b"FROM debian:12\n# caf\xe9\nRUN apt-get install curl\n"
    path = write(tmp_path / "Dockerfile", data)
    ran = run("--fix", "--select", "DK404", "Dockerfile")
    assert path.read_bytes() == data
    assert ran.code == 2
    assert ("docklint: Dockerfile: not fixed: the file is not valid UTF-8, and fixing it "
            "would rewrite bytes no fix touches; nothing was written\n") in ran.err


def test_a_write_failure_is_an_error_and_the_report_is_of_the_file_on_disk(tmp_path,
                                                                         monkeypatch):
    import errno

    from docklint import fix

    def refuse(path, data, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
    monkeypatch.setattr(fix, "write_atomic", refuse)
    path = write(tmp_path / "Dockerfile", APT)
    ran = run("--fix", *SELECT, "--no-show-source", "Dockerfile")
    assert path.read_bytes() == APT
    assert ran.code == 2
    assert ran.err == f"docklint: Dockerfile: cannot write: {os.strerror(errno.EROFS)}\n"
    assert "Dockerfile:2:23: DK404 [warning]" in ran.stdout     # still there
    assert ran.stdout.endswith("\nNothing fixed; 2 remaining (1 fixable with --unsafe-fixes).\n")


def test_a_file_changed_while_being_fixed_is_not_overwritten(tmp_path, monkeypatch):
    from docklint import fix
    path = write(tmp_path / "Dockerfile", APT)
    real = fix.fix_data

    def meddle(*args, **kwargs):
        out = real(*args, **kwargs)
        path.write_bytes(b"FROM debian:12\n# edited meanwhile\n")
        return out
    monkeypatch.setattr(fix, "fix_data", meddle)
    ran = run("--fix", *SELECT, "Dockerfile")
    assert path.read_bytes() == b"FROM debian:12\n# edited meanwhile\n"
    assert ran.code == 2
    assert "docklint: Dockerfile: not fixed: the file changed while it was being fixed\n" \
        in ran.err


def test_other_errors_still_exit_2(tmp_path):
    write(tmp_path / "Dockerfile", APT)
    ran = run("--fix", *SELECT, "Dockerfile", "missing.Dockerfile")
    assert ran.code == 2
    assert "docklint: missing.Dockerfile: no such file\n" in ran.err
    assert (tmp_path / "Dockerfile").read_bytes() == APT_SAFE      # the others are fixed


def test_fix_with_jobs_fixes_every_file_in_worker_processes(tmp_path):
    for i in range(10):
        write(tmp_path / f"s{i}.Dockerfile", APT)
    proc = run_proc("--fix", "--jobs", "2", *SELECT, "--no-show-source", ".", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert all((tmp_path / f"s{i}.Dockerfile").read_bytes() == APT_SAFE for i in range(10))
    assert proc.stdout.decode().endswith(
        "\nFixed 10 problems (DK404: 10) in 10 files; 10 remaining "
        "(10 fixable with --unsafe-fixes).\n")
    lines = [ln for ln in proc.stdout.decode().splitlines() if "DK405" in ln]
    assert [ln.split(":")[0] for ln in lines] == [f"./s{i}.Dockerfile" for i in range(10)]


# ---------------------------------------------------------------------------------------------
# atomic writes

@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_crash_between_write_and_rename_keeps_the_original(tmp_path):
    path = write(tmp_path / "Dockerfile", APT, mode=0o640)
    script = textwrap.dedent("""\
        import os, signal, sys
        from docklint.fix import write_atomic

        def die(src, dst):
            os.kill(os.getpid(), signal.SIGKILL)

        os.replace = die
        write_atomic(sys.argv[1], b"the new text\\n")
        print("not reached")
    """)
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert proc.stdout == b""
    assert path.read_bytes() == APT
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    # the killed process left its complete temporary file beside it, never the target
    leftovers = [p for p in tmp_path.iterdir() if p.name != "Dockerfile"]
    assert [p.name[:10] for p in leftovers] == [".docklint-"]
    assert leftovers[0].read_bytes() == b"the new text\n"
