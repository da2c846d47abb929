"""The console entry point (docklint._entry) ends the process with ``os._exit`` after the
command: the whole report must still be written, and the exit status be the command's."""

from __future__ import annotations

import json
import subprocess
import sys


def run(args, cwd, stdin=None):
    return subprocess.run([sys.executable, "-m", "docklint", "--no-shellcheck", *args],
                          cwd=cwd, input=stdin, capture_output=True, timeout=120)


def test_a_long_report_is_written_whole_through_a_pipe(tmp_path):
    # thousands of findings, far more than a pipe buffer: the JSON must be complete
    text = "FROM debian\n" + "".join(f"RUN apt-get install -y pkg{n}\n" for n in range(3000))
    (tmp_path / "Dockerfile").write_text(text)
    result = run(["--format", "json", "Dockerfile"], tmp_path)
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert len(findings) > 3000


def test_exit_statuses_are_the_commands(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nUSER 1000\nCMD [\"x\"]\n")
    assert run(["Dockerfile"], tmp_path).returncode == 0
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    assert run(["Dockerfile"], tmp_path).returncode == 1
    bad = run(["--no-such-option"], tmp_path)
    assert bad.returncode == 2 and b"no such option" in bad.stderr.lower()
    assert run(["missing"], tmp_path).returncode == 2
    rules = subprocess.run([sys.executable, "-m", "docklint", "rules"], cwd=tmp_path,
                           capture_output=True, timeout=120)
    assert rules.returncode == 0 and b"DK101" in rules.stdout
