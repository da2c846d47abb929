"""What the real command does with input that is not a nice Dockerfile.

Each row runs ``python -m docklint --format json ...`` in a subprocess (in a fresh ``tmp_path``)
and pins the exit status, the findings (code, position, severity and the gist of the message) or
the one-line ``docklint: ...`` message on stderr, and that no traceback ever shows.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

_NOISY_ENV = ("FORCE_COLOR", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "DOCKLINT_DEBUG",
              "PYTHONWARNINGS")
NO_DOCKERFILES = ("no Dockerfiles found (looked for Dockerfile, Dockerfile.*, Dockerfile-*, "
                  "*.Dockerfile, *.dockerfile, Containerfile*)")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _NOISY_ENV}


@dataclass
class Case:
    """``make(tmp_path)`` writes what the case needs and returns the command-line arguments
    (after ``--format json``); ``stdin`` is fed to the process (None: /dev/null)."""

    make: Callable[[Path], list[str]]
    status: int
    # (code, line, column, severity, message regex) of every finding, in order
    findings: list[tuple[str, int, int, str, str]] = field(default_factory=list)
    # the exact stderr ("{tmp}" stands for the test's directory), or a pattern it must match
    stderr: str | re.Pattern = ""
    stdin: bytes | None = None
    timeout: float = 60
    end: tuple[int, int] | None = None        # (end_line, end_column) of the first finding
    max_seconds: float | None = None


def file(name: str, content: bytes | str) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (tmp / name).write_bytes(data)
        return [name]
    return make


def _png() -> bytes:
    rng = random.Random(20240601)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(4096))


def _fifo(tmp: Path) -> list[str]:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp / "fifo")
    return ["fifo"]


def _broken_symlink(tmp: Path) -> list[str]:
    try:
        os.symlink(tmp / "gone.Dockerfile", tmp / "link.Dockerfile")
    except (OSError, NotImplementedError):
        pytest.skip("cannot create symlinks here")
    return ["link.Dockerfile"]


def _unreadable(tmp: Path) -> list[str]:
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    if os.geteuid() == 0:
        pytest.skip("running as root, which can read a chmod 000 file "
                    "(test_cli.py::test_unreadable_file_in_process covers the message)")
    path = tmp / "locked.Dockerfile"
    path.write_text("FROM alpine:3.20\n")
    path.chmod(0)
    return ["locked.Dockerfile"]


def _empty_dir(tmp: Path) -> list[str]:
    (tmp / "emptydir").mkdir()
    (tmp / "emptydir" / "README.md").write_text("no Dockerfile here\n")
    return ["emptydir"]


def _device(tmp: Path) -> list[str]:
    if not os.path.exists(os.devnull) or os.name != "posix":
        pytest.skip("no /dev/null character device")
    return [os.devnull]


def _with_config(name: str, content: str | bytes, *extra: str) -> Callable[[Path], list[str]]:
    """A clean Dockerfile with a configuration file ``name`` next to it (found by the walk up
    from the Dockerfile); ``extra`` arguments come before the path."""
    def make(tmp: Path) -> list[str]:
        (tmp / "Dockerfile").write_text("FROM alpine:3.20\nRUN true\n")
        (tmp / name).write_bytes(content.encode() if isinstance(content, str) else content)
        return [*extra, "Dockerfile"]
    return make


_NOT_LINTED = "docklint: Dockerfile: not linted: configuration error in {{tmp}}/{name}\n"
_NOT_LINTED_RE = r"docklint: Dockerfile: not linted: configuration error in {{tmp}}/{name}\n"


def _missing_config(tmp: Path) -> list[str]:
    (tmp / "Dockerfile").write_text("FROM alpine:3.20\nRUN true\n")
    return ["--config", "nope.yaml", "Dockerfile"]


def _missing(tmp: Path) -> list[str]:
    return ["nope.Dockerfile"]


def _stdin(tmp: Path) -> list[str]:
    return ["-"]


def _unknown_rule(tmp: Path) -> list[str]:
    (tmp / "Dockerfile").write_text("FROM alpine:3.20\n")
    # DK99999, not DK999: too far from any DKnnn code for a "did you mean" hint, so the message
    # does not change when rules are added
    return ["--select", "DK99999", "Dockerfile"]


LONG_LINE = b"FROM alpine:3.20\nRUN echo " + b"a" * (10 * 1000 * 1000) + b"\n"
MANY_LINES = ("FROM alpine:3.20\n" + "RUN true\n" * 100_000 + "RUNN x\n").encode()
TOO_BIG = ("FROM alpine:3.20\n" + "RUN true\n" * (10 * 1024 * 1024 // 9 + 1)).encode()

CASES: dict[str, Case] = {
    "empty-file": Case(file("Dockerfile", b""), 1,
                       [("DK000", 1, 1, "error", r"^file with no instructions$")]),
    "only-comments": Case(file("Dockerfile", "# syntax is nice\n\n# nothing else\n"), 1,
                          [("DK000", 1, 1, "error", r"^file with no instructions$")]),
    "only-blank-lines": Case(file("Dockerfile", "\n  \n\t\n"), 1,
                             [("DK000", 1, 1, "error", r"^file with no instructions$")]),
    "binary-png": Case(file("Dockerfile", _png()), 1,
                       [("DK000", 1, 1, "error", r"^binary file, not a Dockerfile$")]),
    "invalid-utf8": Case(file("Dockerfile", b'FROM alpine:3.20\nLABEL who="Jos\xe9"\n'), 1,
                         [("DK003", 2, 15, "warning",
                           r"^invalid UTF-8 byte 0xe9 \(decoded as U\+FFFD\)$")]),
    "utf8-bom-clean": Case(file("Dockerfile", b"\xef\xbb\xbfFROM alpine:3.20\nRUN true\n"), 0),
    "utf8-bom-positions": Case(
        file("Dockerfile", b"\xef\xbb\xbfFROM --mount=x alpine:3.20\nRUNN true\n"), 1,
        [("DK000", 1, 6, "error", r"^unknown flag: --mount$"),
         ("DK000", 2, 1, "error", r"^unknown instruction: RUNN")],
        end=(1, 15)),
    "utf16-bom": Case(file("Dockerfile", "FROM alpine:3.20\nRUN true\n".encode("utf-16")), 1,
                      [("DK000", 1, 1, "error", r"UTF-16")]),
    "crlf-clean": Case(file("Dockerfile", b"FROM alpine:3.20\r\nRUN true\r\n"), 0),
    "crlf-positions": Case(
        file("Dockerfile", b"FROM alpine:3.20\r\nRUN  --mount type=cache,target=/x true\r\n"), 1,
        [("DK000", 2, 6, "error", r"^missing a value on flag: --mount$")], end=(2, 13)),
    "lone-cr": Case(file("Dockerfile", b"FROM alpine:3.20\rRUN true\r"), 1,
                    [("DK000", 1, 1, "error", r".")]),
    "nul-byte": Case(file("Dockerfile", b"FROM alpine:3.20\nRUN echo a\x00b\n"), 1,
                     [("DK003", 2, 11, "warning", r"^NUL byte in a text file$")]),
    "10mb-line": Case(file("Dockerfile", LONG_LINE), 1,
                      [("DK000", 2, 1, "error",
                        r"^line 2 is 10000010 bytes long; BuildKit cannot read lines longer "
                        r"than 64 KiB")], max_seconds=15),
    "100k-lines": Case(file("Dockerfile", MANY_LINES), 1,
                       [("DK000", 100_002, 1, "error", r"^unknown instruction: RUNN")],
                       timeout=120),
    "over-10MiB": Case(file("Dockerfile", TOO_BIG), 1,
                       [("DK000", 1, 1, "error",
                         rf"^file is {len(TOO_BIG)} bytes, over the 10485760-byte limit")],
                       max_seconds=15),
    "unterminated-heredoc": Case(file("Dockerfile", "FROM alpine:3.20\nRUN <<EOF\necho hi\n"), 1,
                                 [("DK000", 2, 1, "error",
                                   r"^unterminated heredoc <<EOF: no line 'EOF' ends it$")]),
    "continuation-at-eof": Case(file("Dockerfile", "FROM alpine:3.20\nRUN echo a \\\n"), 0),
    "continuation-at-eof-no-newline": Case(file("Dockerfile", "FROM alpine:3.20\nRUN echo a \\"),
                                           0),
    "unterminated-json-array": Case(file("Dockerfile", 'FROM alpine:3.20\nCMD ["a", "b"\n'), 0),
    "json-non-string": Case(file("Dockerfile", 'FROM alpine:3.20\nCMD ["a", 1]\n'), 1,
                            [("DK000", 2, 1, "error",
                              r"^CMD: the JSON array must contain only strings")]),
    "unknown-instruction": Case(file("Dockerfile", "FROM alpine:3.20\nRUNN true\n"), 1,
                                [("DK000", 2, 1, "error",
                                  r"^unknown instruction: RUNN \(did you mean RUN\?\)$")],
                                end=(2, 5)),
    "missing-file": Case(_missing, 2, stderr="docklint: nope.Dockerfile: no such file\n"),
    "dir-without-dockerfiles": Case(_empty_dir, 2,
                                    stderr=f"docklint: emptydir: {NO_DOCKERFILES}\n"),
    "unreadable-file": Case(_unreadable, 2,
                            stderr="docklint: locked.Dockerfile: permission denied\n"),
    "fifo": Case(_fifo, 2, stderr="docklint: fifo: not a regular file (a FIFO)\n", timeout=20),
    "broken-symlink": Case(_broken_symlink, 2,
                           stderr="docklint: link.Dockerfile: broken symlink\n"),
    "device": Case(_device, 2, stderr=f"docklint: {os.devnull}: not a regular file (a device)\n"),
    # a broken configuration: its error, then the file it kept from being linted
    "config-invalid-yaml": Case(
        _with_config(".docklint.yaml", "select: [DK0\nignore: x\n"), 2,
        stderr=re.compile(r"docklint: {tmp}/\.docklint\.yaml:2:7: invalid YAML: [^\n]+\n"
                          + _NOT_LINTED_RE.format(name=r"\.docklint\.yaml"))),
    "config-unknown-key": Case(
        _with_config(".docklint.yaml", "select: [DK0]\nbogus-key: 1\n"), 2,
        stderr=re.compile(r"docklint: {tmp}/\.docklint\.yaml:2: unknown key 'bogus-key' "
                          r"\(known keys: [a-z-]+(, [a-z-]+)*\)\n"
                          + _NOT_LINTED_RE.format(name=r"\.docklint\.yaml"))),
    "config-not-a-mapping": Case(
        _with_config(".docklint.yaml", "- DK0\n- DK1\n"), 2,
        stderr="docklint: {tmp}/.docklint.yaml:1: the configuration must be a mapping of keys "
               "to values, not a list\n" + _NOT_LINTED.format(name=".docklint.yaml")),
    "config-a-scalar": Case(
        _with_config(".docklint.yaml", "just a string\n"), 2,
        stderr="docklint: {tmp}/.docklint.yaml:1: the configuration must be a mapping of keys "
               "to values, not a str\n" + _NOT_LINTED.format(name=".docklint.yaml")),
    "config-not-utf8": Case(
        _with_config(".docklint.yaml", b"select: [DK0]\n# caf\xe9\n"), 2,
        stderr="docklint: {tmp}/.docklint.yaml:2: not UTF-8 text\n"
               + _NOT_LINTED.format(name=".docklint.yaml")),
    "config-invalid-toml": Case(
        _with_config("pyproject.toml", "[tool.docklint\nselect = 1\n"), 2,
        stderr=re.compile(r"docklint: {tmp}/pyproject\.toml:1:15: invalid TOML: [^\n]+\n"
                          + _NOT_LINTED_RE.format(name=r"pyproject\.toml"))),
    "config-toml-unknown-key": Case(
        _with_config("pyproject.toml", '[tool.docklint]\nselect = ["DK0"]\nbogus = 1\n'), 2,
        stderr=re.compile(r"docklint: {tmp}/pyproject\.toml:3: unknown key 'bogus' "
                          r"\(known keys: [a-z-]+(, [a-z-]+)*\)\n"
                          + _NOT_LINTED_RE.format(name=r"pyproject\.toml"))),
    "config-missing": Case(_missing_config, 2,
                           stderr="docklint: --config: nope.yaml: no such file\n"),
    "unknown-rule-in-select": Case(_unknown_rule, 2,
                                   stderr="docklint: --select/--ignore: unknown rule 'DK99999' "
                                          "(see `docklint rules`)\n"),
    "empty-stdin": Case(_stdin, 1, [("DK000", 1, 1, "error", r"^file with no instructions$")],
                        stdin=b""),
    "stdin": Case(_stdin, 1, [("DK000", 2, 1, "error", r"^unknown instruction: RUNN")],
                  stdin=b"FROM alpine:3.20\nRUNN true\n"),
    "stdin-over-10MiB": Case(_stdin, 1,
                             [("DK000", 1, 1, "error",
                               r"^standard input is more than 10485760 bytes, over the limit")],
                             stdin=TOO_BIG, max_seconds=15),
}


def run(args: list[str], tmp: Path, stdin: bytes | None, timeout: float,
        **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docklint", *args], cwd=tmp,
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                          capture_output=True, timeout=timeout, env=clean_env(), **kwargs)


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_bad_input(tmp_path, case: Case):
    args = case.make(tmp_path)
    started = time.monotonic()
    # the meta rules only (parse, pragma, encoding): the matrix is about reading bad input, and
    # must not change when a new rule starts to fire on these small files
    proc = run(["--format", "json", "--select", "DK0", *args], tmp_path, case.stdin,
               case.timeout)
    elapsed = time.monotonic() - started
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr
    # the test's directory as docklint sees it (getcwd() resolves symlinks, e.g. on macOS)
    tmp_dirs = sorted({str(tmp_path), os.path.realpath(tmp_path)})
    if isinstance(case.stderr, re.Pattern):
        tmp_re = "(?:" + "|".join(map(re.escape, tmp_dirs)) + ")"
        assert re.fullmatch(case.stderr.pattern.replace("{tmp}", tmp_re), stderr), stderr
    else:
        assert stderr in {case.stderr.replace("{tmp}", d) for d in tmp_dirs}, stderr
    assert proc.returncode == case.status, proc.stdout[:2000]
    if case.max_seconds is not None:
        assert elapsed < case.max_seconds
    if case.status == 2 and not proc.stdout:
        return                                      # a usage error: no report at all
    findings = json.loads(proc.stdout)
    got = [(f["code"], f["line"], f["column"], f["level"]) for f in findings]
    assert got == [c[:4] for c in case.findings]
    for f, (*_, pattern) in zip(findings, case.findings):
        assert re.search(pattern, f["message"]), f["message"]
        assert "\n" not in f["message"]
    if case.end is not None:
        assert (findings[0]["end_line"], findings[0]["end_column"]) == case.end


def test_lone_cr_message_explains_the_line_endings(tmp_path):
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.20\rRUN true\r")
    proc = run(["--format", "json", "--select", "DK000", "Dockerfile"], tmp_path, None, 60)
    [finding] = json.loads(proc.stdout)
    assert re.search(r"\bCR\b|carriage return|line ending", finding["message"], re.I), \
        finding["message"]


def test_text_format_survives_bad_input(tmp_path):
    """The text formatter with its source excerpt, on the nastiest rows at once."""
    for name, content in [("bin.Dockerfile", _png()),
                          ("nul.Dockerfile", b"FROM a\nRUN \x00\x1b[2J\n"),
                          ("cr.Dockerfile", b"FROM alpine:3.20\rRUN true\r"),
                          ("bom.Dockerfile", b"\xef\xbb\xbfFROM --mount=x alpine:3.20\n")]:
        (tmp_path / name).write_bytes(content)
    proc = run(["bin.Dockerfile", "nul.Dockerfile", "cr.Dockerfile", "bom.Dockerfile"],
               tmp_path, None, 60)
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 1
    assert proc.stderr == b""
    assert "\x1b" not in out and "\x00" not in out     # control bytes are shown, not sent
    assert "  1 | FROM --mount=x alpine:3.20\n    |      ^^^^^^^^^\n" in out
    assert "Found " in out


def test_batch_with_a_missing_file(tmp_path):
    (tmp_path / "good.Dockerfile").write_text("FROM alpine:3.20\nRUNN true\n")
    for fmt in ("text", "gnu", "json"):
        proc = run(["--format", fmt, "missing.Dockerfile", "good.Dockerfile"], tmp_path, None, 60)
        assert proc.returncode == 2
        assert proc.stderr == b"docklint: missing.Dockerfile: no such file\n"
        assert b"good.Dockerfile" in proc.stdout and b"DK000" in proc.stdout
        assert b"missing.Dockerfile" not in proc.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_reports_bad_files_and_lints_the_rest(tmp_path, jobs):
    """One run over good, clean and bad paths (in a worker pool with --jobs 2):
    each bad path gets its one line on stderr, every readable file is linted, and the exit
    status is the worst outcome: 2 if a path could not be linted, else 1 for findings, else 0."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    (tmp_path / "good.Dockerfile").write_text("FROM alpine:3.20\nRUNN true\n")
    (tmp_path / "bin.Dockerfile").write_bytes(_png())
    (tmp_path / "utf16.Dockerfile").write_bytes("FROM alpine:3.20\n".encode("utf-16"))
    clean = [f"clean{i}.Dockerfile" for i in range(8)]
    for name in clean:
        (tmp_path / name).write_text("FROM alpine:3.20\nRUN true\n")
    os.mkfifo(tmp_path / "fifo")
    common = ["--format", "json", "--select", "DK0", "--jobs", jobs]
    linted = ["good.Dockerfile", "bin.Dockerfile", "utf16.Dockerfile"]

    proc = run([*common, "good.Dockerfile", "missing.Dockerfile", "bin.Dockerfile", "fifo",
                *clean, "utf16.Dockerfile"], tmp_path, None, 60)
    assert proc.returncode == 2
    assert proc.stderr == (b"docklint: missing.Dockerfile: no such file\n"
                           b"docklint: fifo: not a regular file (a FIFO)\n")
    assert [(f["file"], f["code"]) for f in json.loads(proc.stdout)] == \
        [(p, "DK000") for p in linted]

    proc = run([*common, *linted, *clean], tmp_path, None, 60)
    assert (proc.returncode, proc.stderr) == (1, b"")
    assert [f["file"] for f in json.loads(proc.stdout)] == linted

    proc = run([*common, *clean], tmp_path, None, 60)
    assert (proc.returncode, proc.stderr, json.loads(proc.stdout)) == (0, b"", [])


def test_batch_with_a_broken_config_in_one_directory(tmp_path):
    """A broken configuration costs the files under it only: its error is said once, each file
    under it is "not linted", every other file is linted and reported, and the status is 2."""
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "Dockerfile").write_text("FROM alpine:3.20\nRUNN true\n")
    (tmp_path / "b" / ".docklint.yaml").write_text("select: [DK0\n")
    proc = run(["--format", "json", "a/Dockerfile", "b/Dockerfile"], tmp_path, None, 60)
    assert proc.returncode == 2
    assert [(f["file"], f["code"]) for f in json.loads(proc.stdout)] == [("a/Dockerfile",
                                                                          "DK000")]
    stderr = proc.stderr.decode()
    tmp_re = "(?:" + "|".join(map(re.escape, {str(tmp_path), os.path.realpath(tmp_path)})) + ")"
    assert re.fullmatch(rf"docklint: {tmp_re}/b/\.docklint\.yaml:2:1: "
                        r"invalid YAML: [^\n]+\n"
                        rf"docklint: b/Dockerfile: not linted: configuration error in "
                        rf"{tmp_re}/b/\.docklint\.yaml\n", stderr), stderr


def test_stdin_closed(tmp_path):
    if os.name != "posix":
        pytest.skip("closing fd 0 in the child is POSIX-only")
    proc = subprocess.run([sys.executable, "-m", "docklint", "-"], cwd=tmp_path,
                          capture_output=False, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=None, timeout=60, env=clean_env(),
                          preexec_fn=lambda: os.close(0))
    assert proc.returncode == 2
    assert proc.stderr == (b"docklint: -: cannot read standard input: "
                           b"standard input is closed\n")


def test_stdin_closed_early(tmp_path):
    """The writer gives up half-way: docklint lints what arrived and does not hang."""
    proc = subprocess.Popen([sys.executable, "-m", "docklint", "--format", "gnu", "--select",
                             "DK0", "-"],
                            cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=clean_env())
    # the input stops in the middle of a word: EOF arrives, docklint lints what it got
    out, err = proc.communicate(b"FROM alpine:3.20\nRUNN tr", timeout=60)
    assert err == b""
    assert out.decode().startswith("-:2:1: error: unknown instruction: RUNN")
    assert len(out.decode().splitlines()) == 1
    assert proc.returncode == 1


def test_stdout_closed(tmp_path):
    if os.name != "posix":
        pytest.skip("closing fd 1 in the child is POSIX-only")
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUNN true\n")
    proc = subprocess.run([sys.executable, "-m", "docklint", "Dockerfile"], cwd=tmp_path,
                          stdout=None, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          timeout=60, env=clean_env(), preexec_fn=lambda: os.close(1))
    assert proc.returncode == 2
    assert proc.stderr == b"docklint: cannot write the report: standard output is closed\n"
