"""pre-commit runs the hooks from this repository: a bad Dockerfile fails ``docklint``, a good
one passes; ``docklint-fix`` fails once on a file it fixes, and the fixed file then passes.

This builds a real hook environment (pip install of this repository), so it takes a while and
needs the package index. Deselect it with ``-m "not precommit"`` where pre-commit cannot build
environments; CI runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.precommit

BAD = ("FROM golang:1.22-alpine AS build\nRUN CGO_ENABLED=0 go build -o /app .\n"
       "FROM scratch\nCOPY --from=build /app /app\n"
       'ENTRYPOINT ["/app", "--upstream", "https://api.example.com"]\n')
GOOD = ("FROM golang:1.22-alpine AS build\nRUN CGO_ENABLED=0 go build -o /app .\n"
        "FROM gcr.io/distroless/static-debian13:nonroot\nCOPY --from=build /app /app\n"
        'ENTRYPOINT ["/app"]\n')
# GOOD with one lower-case keyword: DK904 (instruction-casing), which has a safe fix
FIXABLE = GOOD.replace("\nRUN ", "\nrun ")


def _pre_commit() -> list[str]:
    exe = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or \
        shutil.which("pre-commit")
    if exe is None:
        pytest.skip("pre-commit is not installed (it comes with the test extra)")
    return [exe]


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _try_repo(workdir, hook_files: dict[str, str],
              hook: str = "docklint") -> subprocess.CompletedProcess:
    for name, text in hook_files.items():
        path = workdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    _git(workdir, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(workdir.parent / "pre-commit-home"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run([*_pre_commit(), "try-repo", str(ROOT), hook,
                           "--all-files", "--verbose"],
                          cwd=workdir, capture_output=True, text=True, env=env, timeout=900)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    wd = tmp_path_factory.mktemp("precommit") / "repo"
    wd.mkdir()
    _git(wd, "init", "-q")
    return wd


def test_bad_dockerfile_fails_the_hook(workdir):
    proc = _try_repo(workdir, {"svc/Dockerfile": BAD, "svc/Dockerfile-dev": GOOD})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "svc/Dockerfile:3:1: DK101 [error]" in out
    assert "Failed" in out


def test_good_dockerfiles_pass_the_hook(workdir):
    (workdir / "svc" / "Dockerfile").write_text(GOOD)
    proc = _try_repo(workdir, {"app.dockerfile": GOOD, "Containerfile.ci": GOOD})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Passed" in out


def test_fix_hook_fixes_then_passes(workdir):
    assert FIXABLE != GOOD
    for old in workdir.rglob("*"):                 # only the file under test
        if old.is_file() and ".git" not in old.parts:
            old.unlink()
    proc = _try_repo(workdir, {"fix/Dockerfile": FIXABLE}, hook="docklint-fix")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Failed" in out and "files were modified by this hook" in out
    assert "Fixed 1 problem (DK904: 1) in 1 file; 0 remaining." in out
    assert (workdir / "fix" / "Dockerfile").read_text() == GOOD
    proc = _try_repo(workdir, {}, hook="docklint-fix")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Passed" in out
