"""Searching directories for Dockerfiles: .gitignore files, symbolic links, what is skipped.

The pattern semantics are pinned by hand-written cases and, where git is installed, checked
against git itself (``git ls-files --others --exclude-standard`` lists exactly the files a
search must see) over a matrix of patterns and pattern pairs.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from docklint.cli import lint
from docklint.discovery import GitIgnore, compile_pattern, parse_gitignore, walk

BROKEN = "FROM alpine:3.20\nRUNN x\n"          # one DK000 finding: each linted file shows up


def write(path: Path, content: str = BROKEN) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def ignored(lines: list[str], path: str, is_dir: bool = False) -> bool:
    gi = GitIgnore()
    gi.add("", parse_gitignore("\n".join(lines)))
    return gi.ignored_path(path, is_dir)


def found(root: Path | str, wanted=lambda name: True) -> list[str]:
    errors: list[tuple[str, OSError]] = []
    out = [os.path.relpath(p, root).replace(os.sep, "/")
           for p in walk(str(root), wanted, lambda d, e: errors.append((d, e)))]
    assert not errors
    return out


def _symlink(link: Path, target: Path, *, directory: bool = False) -> None:
    try:
        link.symlink_to(target, target_is_directory=directory)
    except (OSError, NotImplementedError) as exc:
        pytest.skip(f"cannot create a symlink here: {exc}")


# ---------------------------------------------------------------------------------------------
# patterns

@pytest.mark.parametrize("lines, path, is_dir, expected", [
    (["foo"], "foo", False, True),
    (["foo"], "a/b/foo", False, True),                 # no slash: any depth
    (["foo"], "foo/x", False, True),                   # ... and all that is inside
    (["foo"], "foobar", False, False),
    (["/foo"], "foo", False, True),                    # anchored
    (["/foo"], "a/foo", False, False),
    (["a/b"], "a/b", False, True),                     # a middle slash anchors too
    (["a/b"], "x/a/b", False, False),
    (["build/"], "build", True, True),                 # directory only
    (["build/"], "build", False, False),
    (["build/"], "src/build/Dockerfile", False, True),
    (["*.txt"], "a/b/c.txt", False, True),
    (["a/*.txt"], "a/b/c.txt", False, False),          # * does not cross /
    (["**/foo"], "foo", False, True),
    (["**/foo"], "a/b/foo", False, True),
    (["a/**/b"], "a/b", False, True),                  # zero directories
    (["a/**/b"], "a/x/y/b", False, True),
    (["a/**"], "a/x/y", False, True),
    (["a/**"], "a", True, False),                      # everything inside, not a itself
    (["a**b"], "axyb", False, True),                   # other ** is a plain *
    (["a**b"], "ax/yb", False, False),
    (["?x"], "ax", False, True),
    (["?x"], "/x", False, False),
    (["[a-c]x"], "bx", False, True),
    (["[!a-c]x"], "dx", False, True),
    (["[!a-c]x"], "bx", False, False),
    (["[[:digit:]]x"], "7x", False, True),
    (["x["], "x[", False, False),                      # an unclosed class matches nothing
    (["\\#x"], "#x", False, True),                     # escaped comment sign
    (["#x"], "#x", False, False),                      # a comment
    (["\\!x"], "!x", False, True),
    (["x\\ "], "x ", False, True),                     # escaped trailing space is kept
    (["x  "], "x", False, True),                       # unescaped trailing spaces are not
    (["\\*"], "*", False, True),
    (["\\*"], "a", False, False),
    (["*.log", "!keep.log"], "keep.log", False, False),   # the last match wins
    (["!keep.log", "*.log"], "keep.log", False, True),
    (["d/", "!d/x"], "d/x", False, True),              # no re-including inside an ignored dir
    (["d/*", "!d/x"], "d/x", False, False),            # ... but the contents can be re-included
    ([""], "x", False, False),
])
def test_gitignore_patterns(lines, path, is_dir, expected):
    assert ignored(lines, path, is_dir) is expected


def test_blank_lines_and_comments_are_not_patterns():
    assert parse_gitignore("\n# comment\n   \n\n") == []
    assert compile_pattern("# x") is None and compile_pattern("") is None
    assert compile_pattern("/") is None and compile_pattern("!") is None


def test_crlf_and_byte_order_mark():
    assert ignored(["build/\r", "*.tmp\r"], "build", True)
    assert ignored(["build/\r", "*.tmp\r"], "a.tmp")
    assert ignored(["\ufeffa.tmp"], "a.tmp")
    assert not ignored(["a\x0cb"], "a")            # only \n ends a line


# ---------------------------------------------------------------------------------------------
# walking a tree

def test_nested_gitignore_files(tmp_path):
    write(tmp_path / ".gitignore", "gen/\n*.bak\n/top-only\n")
    write(tmp_path / "Dockerfile")
    write(tmp_path / "x.bak")
    write(tmp_path / "top-only")
    write(tmp_path / "gen" / "Dockerfile")
    write(tmp_path / "svc" / ".gitignore", "!keep.bak\nlocal/\n/anchored\n")
    write(tmp_path / "svc" / "keep.bak")
    write(tmp_path / "svc" / "other.bak")
    write(tmp_path / "svc" / "top-only")                  # /top-only is anchored to the root
    write(tmp_path / "svc" / "anchored")
    write(tmp_path / "svc" / "deep" / "anchored")         # /anchored is anchored to svc/
    write(tmp_path / "svc" / "local" / "Dockerfile")
    write(tmp_path / "other" / "local" / "Dockerfile")    # svc/.gitignore does not reach here
    assert found(tmp_path) == [
        ".gitignore", "Dockerfile", "other/local/Dockerfile", "svc/.gitignore",
        "svc/keep.bak", "svc/top-only", "svc/deep/anchored"]


def test_gitignore_above_the_searched_directory_in_a_work_tree(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git" / "info" / "exclude", "*.excluded\n")
    write(tmp_path / ".gitignore", "generated/\n")
    write(tmp_path / "services" / ".gitignore", "old/\n")
    write(tmp_path / "services" / "api" / "Dockerfile")
    write(tmp_path / "services" / "api" / "generated" / "Dockerfile")
    write(tmp_path / "services" / "api" / "old" / "Dockerfile")
    write(tmp_path / "services" / "api" / "x.excluded")
    assert found(tmp_path / "services" / "api") == ["Dockerfile"]


def test_gitignore_above_is_not_read_outside_a_work_tree(tmp_path):
    write(tmp_path / ".gitignore", "generated/\n")
    write(tmp_path / "proj" / "generated" / "Dockerfile")
    assert found(tmp_path / "proj") == ["generated/Dockerfile"]


def test_named_directory_is_searched_even_if_ignored(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".gitignore", "build/\n")
    write(tmp_path / "build" / "package" / "Dockerfile")
    assert found(tmp_path) == [".gitignore"]
    assert found(tmp_path / "build") == ["package/Dockerfile"]


def test_symlinked_directories_are_not_followed(tmp_path):
    write(tmp_path / "outside" / "Dockerfile")
    write(tmp_path / "tree" / "real" / "Dockerfile")
    _symlink(tmp_path / "tree" / "to-outside", tmp_path / "outside", directory=True)
    _symlink(tmp_path / "tree" / "to-real", tmp_path / "tree" / "real", directory=True)
    assert found(tmp_path / "tree") == ["real/Dockerfile"]


def test_symlinked_files_only_inside_the_tree(tmp_path):
    write(tmp_path / "outside" / "Dockerfile.secret")
    write(tmp_path / "tree" / "real" / "Dockerfile")
    _symlink(tmp_path / "tree" / "Dockerfile.out", tmp_path / "outside" / "Dockerfile.secret")
    _symlink(tmp_path / "tree" / "Dockerfile.in", tmp_path / "tree" / "real" / "Dockerfile")
    _symlink(tmp_path / "tree" / "Dockerfile.broken", tmp_path / "tree" / "gone")
    assert found(tmp_path / "tree") == ["Dockerfile.in", "real/Dockerfile"]


def test_a_searched_symlink_is_its_own_tree(tmp_path):
    write(tmp_path / "real" / "Dockerfile")
    write(tmp_path / "real" / "sub" / "Dockerfile")
    _symlink(tmp_path / "real" / "Dockerfile.link", tmp_path / "real" / "sub" / "Dockerfile")
    _symlink(tmp_path / "link", tmp_path / "real", directory=True)
    assert found(tmp_path / "link") == ["Dockerfile", "Dockerfile.link", "sub/Dockerfile"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_special_files_are_skipped(tmp_path):
    os.mkfifo(tmp_path / "Dockerfile")
    write(tmp_path / "a" / "Dockerfile")
    assert found(tmp_path) == ["a/Dockerfile"]


# ---------------------------------------------------------------------------------------------
# through the command line

def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)        # click < 8.2
    except TypeError:
        return CliRunner()


def lint_paths(*args: str) -> tuple[int, list[str], str]:
    result = _runner().invoke(lint, ["--format", "gnu", "--select", "DK000", *args],
                              catch_exceptions=False)
    paths = [os.path.normpath(line.split(":", 1)[0]).replace(os.sep, "/")
             for line in result.stdout.splitlines()]
    return result.exit_code, paths, result.stderr


def test_cli_honours_gitignore(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".gitignore",
          "third_party/\n*.generated.Dockerfile\n!keep.generated.Dockerfile\n")
    write(tmp_path / "Dockerfile")
    write(tmp_path / "a.generated.Dockerfile")
    write(tmp_path / "keep.generated.Dockerfile")
    write(tmp_path / "third_party" / "x" / "Dockerfile")
    assert lint_paths() == (1, ["Dockerfile", "keep.generated.Dockerfile"], "")
    # named files are linted whatever .gitignore says
    assert lint_paths("third_party/x/Dockerfile", "a.generated.Dockerfile") == \
        (1, ["third_party/x/Dockerfile", "a.generated.Dockerfile"], "")
    # and so is a named directory
    assert lint_paths("third_party") == (1, ["third_party/x/Dockerfile"], "")


def test_cli_all_ignored_is_no_dockerfiles(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "proj" / ".gitignore", "*\n")
    write(tmp_path / "proj" / "Dockerfile")
    code, paths, stderr = lint_paths("proj")
    assert (code, paths) == (2, [])
    assert stderr.startswith("docklint: proj: no Dockerfiles found")


def test_cli_exclude_and_gitignore_together(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".docklint.yaml", "exclude:\n  - legacy/\n")
    write(tmp_path / ".gitignore", "tmp/\n")
    write(tmp_path / "Dockerfile")
    write(tmp_path / "legacy" / "Dockerfile")
    write(tmp_path / "tmp" / "Dockerfile")
    assert lint_paths(".") == (1, ["Dockerfile"], "")
    assert lint_paths("legacy/Dockerfile") == (1, ["legacy/Dockerfile"], "")


def test_walking_is_imported_only_for_directories(tmp_path):
    write(tmp_path / "Dockerfile")
    code = ("import sys\n"
            "from docklint.cli import main\n"
            "try:\n"
            "    main(['--format', 'gnu', 'Dockerfile'])\n"
            "except SystemExit:\n"
            "    pass\n"
            "sys.stderr.write(str('docklint.discovery' in sys.modules))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True)
    assert proc.stderr.endswith("False")
    proc = subprocess.run([sys.executable, "-c", code.replace("'Dockerfile'", "'.'")],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.stderr.endswith("True")


# ---------------------------------------------------------------------------------------------
# against git itself

FILES = ["foo2", "a/foo", "foo/x", "a/b", "a/x/b", "a/x/y/b", "b/foo/c", "x.txt", "a/x.txt",
         "abc", "ac", "bc", "cc", "bx", "#x", "!x", "x ", "x", "a/b2/c", "a/c/b", "axxb",
         "d/keep", "d/other", "1z", "c1/dd", "q/d/r", "x[", "a/x/d/y", "ab/c", "d/sub/keep"]
SINGLE = ["foo", "/foo", "foo/", "a/b", "a/**/b", "**/foo", "foo/**", "*.txt", "a*", "a?c",
          "[ab]c", "[!a]c", "[a-c]x", "\\#x", "\\!x", "x\\ ", "x ", "*", "**", "a/*/b", "a**b",
          "d/", "[[:digit:]]z", "b/", "/a/b2/c", "c?/d*", "**/d/**", "x[", "d/**", "/*"]
PAIRS = ["foo/", "!foo", "*.txt", "!a/x.txt", "a/", "!a/b", "d/*", "!d/keep", "**/d", "/b",
         "d/**", "!d/sub/", "/*", "!/a", "!**/keep"]
NESTED = [
    {"": ["*.txt"], "a": ["!x.txt"]},
    {"": ["b"], "a": ["!b"]},
    {"a": ["/b", "x/"]},
    {"d": ["*", "!keep"]},
    {"": ["/*", "!/d"], "d": ["other"]},
    {"": ["d/*", "!d/sub"], "d/sub": ["*", "!keep"]},
]
GIT_CASES = ([{"": [p]} for p in SINGLE]
             + [{"": list(pair)} for pair in itertools.permutations(PAIRS, 2)][::3]
             + NESTED)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("case", GIT_CASES, ids=lambda c: repr(c))
def test_agrees_with_git(tmp_path, case):
    if sys.platform == "win32":
        pytest.skip("file names such as 'x ' and '*' are not valid on Windows")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    for name in FILES:
        write(tmp_path / name, "")
    for where, lines in case.items():
        write(tmp_path / where / ".gitignore", "\n".join(lines) + "\n")
    out = subprocess.run(["git", "-C", str(tmp_path), "ls-files", "--others",
                          "--exclude-standard", "-z"],
                         capture_output=True, text=True, check=True, env=env).stdout
    expected = sorted(p for p in out.split("\0") if p and not p.endswith(".gitignore"))
    assert sorted(found(tmp_path, lambda name: name != ".gitignore")) == expected


def test_project_path_keeps_only_the_projects_part(tmp_path, monkeypatch) -> None:
    """Rules that read meaning into directory names (`tests/`, `arm64/`) see the part of the
    path inside the project: below its git checkout, else below the working directory; where
    a checkout lives says nothing about a file."""
    from docklint.projects import project_path
    repo = tmp_path / "ci" / "tests" / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "services" / "api").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert project_path(str(repo / "services" / "api" / "Dockerfile")) == \
        "services/api/Dockerfile"
    assert project_path("ci/tests/repo/services/api/Dockerfile") == "services/api/Dockerfile"
    elsewhere = tmp_path / "work"
    (elsewhere / "e2e").mkdir(parents=True)
    assert project_path(str(elsewhere / "e2e" / "Dockerfile")) == "work/e2e/Dockerfile"
    assert project_path(None) == project_path("-") == ""


def test_a_checkout_in_a_directory_named_for_ci_is_still_an_application(tmp_path,
                                                                         monkeypatch) -> None:
    from docklint.engine import Settings, lint_text
    text = ("FROM golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n"
            "FROM golang:1.22\nCOPY --from=build /app /app\nCMD [\"/app\"]\n")
    repo = tmp_path / "builds" / "ci"
    (repo / ".git").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)

    def fires(path) -> bool:
        return bool(lint_text(text, str(path), Settings(select=["DK301"])).findings)

    assert fires(repo / "service" / "Dockerfile")
    assert not fires(repo / "ci" / "Dockerfile")          # the project's own CI image
    assert not fires(repo / "tests" / "e2e" / "Dockerfile")
