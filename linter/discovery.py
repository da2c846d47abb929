"""Finding Dockerfiles under a directory: ``.gitignore`` files, skipped directories, symlinks.

Imported by the CLI only when a directory is searched, so that ``docklint Dockerfile`` never
pays for it.

What a search honours:

* ``.gitignore`` files, as git reads them (gitignore(5)): the one in each searched directory and
  in each directory between the searched one and the top of its git work tree (the nearest
  ancestor holding ``.git``), plus ``.git/info/exclude``. Patterns are relative to the directory
  of their file; blank lines and ``#`` comments are skipped; ``!`` re-includes; a trailing ``/``
  matches directories only; a ``/`` at the start or in the middle anchors the pattern to its
  file's directory, otherwise it matches a name at any depth; ``*``, ``?``, ``[...]`` and ``**``
  (``**/x``, ``x/**``, ``x/**/y``) work as in git; ``\\`` escapes the next character; trailing
  spaces are dropped unless escaped. The last matching pattern wins, and patterns of a deeper
  file come after those of a higher one. An ignored directory is not entered, so nothing under it
  can be re-included (git's rule too). Matching is case-sensitive (git's default on Linux); the
  global ``core.excludesFile`` is not read. Outside a git work tree only the ``.gitignore`` files
  inside the searched directory count.
* The directory named on the command line is always searched, even when a ``.gitignore`` above it
  or :data:`SKIP_DIRS` would skip it.
* Symbolic links to directories are never followed; a symbolic link to a file is taken only when
  its target lies inside the searched directory (a broken link is skipped).
* A ``.gitignore`` is read through :mod:`docklint.reading`: only a regular file (a symlink to one
  is followed) of at most 1 MiB and :data:`MAX_PATTERNS` patterns. One that is not (a FIFO, a
  link to ``/dev/zero``, a directory, too big, unreadable) is skipped, and ``on_ignore_error``
  is told why; a missing one is simply absent, as for git.
* The walk is iterative (a deep tree cannot exhaust the stack) and never follows a symlinked
  directory, so a link loop cannot make it go round.

Entries are visited in sorted order, a directory's files before its subdirectories, so that the
order of the report does not depend on the file system.
"""

from __future__ import annotations

import errno
import os
import re
from docklint.record import record, field
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Callable, Iterator

from .globs import NOT_SLASH, Glob
from .projects import git_top as _git_top
from .reading import IGNORE_LIMIT, ReadError, read_regular

__all__ = ["SKIP_DIRS", "MAX_PATTERNS", "GitIgnore", "Pattern", "parse_gitignore", "walk"]

#: patterns one ignore file may hold (each one costs every path it is matched against)
MAX_PATTERNS = 10_000

# Directories a search never enters (a directory named on the command line is always searched).
# Not "build": Go's common layout keeps Dockerfiles in build/package/.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv",
                       ".tox", ".mypy_cache", ".pytest_cache", "vendor", "dist", ".terraform"})


@record(frozen=True)
class Pattern:
    """One line of a ``.gitignore``: compiled against paths relative to the file's directory."""

    text: str
    regex: Glob                  # matched without backtracking (see globs.py)
    negated: bool
    dir_only: bool

    def matches(self, rel: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        return self.regex.fullmatch(rel)


def _unescaped_trailing_spaces(line: str) -> str:
    """Drop trailing spaces unless the last one is escaped by a backslash."""
    end = len(line)
    while end > 0 and line[end - 1] == " ":
        backslashes = 0
        i = end - 2
        while i >= 0 and line[i] == "\\":
            backslashes += 1
            i -= 1
        if backslashes % 2:       # "\ " keeps this space (and those before it)
            break
        end -= 1
    return line[:end]


_POSIX_CLASSES = {
    "alnum": "a-zA-Z0-9", "alpha": "a-zA-Z", "blank": " \\t", "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~",
    "punct": "!-/:-@\\[-`{-~", "space": " \\t\\n\\r\\f\\v", "upper": "A-Z",
    "xdigit": "0-9a-fA-F",
}


def _class(pattern: str, i: int) -> tuple[str, int] | None:
    """Translate the bracket expression starting at ``pattern[i] == '['``: (regex, index after
    it), or None when it is not closed."""
    j = i + 1
    negate = j < len(pattern) and pattern[j] in "!^"
    if negate:
        j += 1
    body: list[str] = []
    first = True
    while j < len(pattern):
        ch = pattern[j]
        if ch == "]" and not first:
            inner = "".join(body)
            # a class never matches the separator, negated or not
            return (f"[^/{inner}]" if negate else f"(?!/)[{inner}]"), j + 1
        if ch == "[" and pattern.startswith(":", j + 1):
            end = pattern.find(":]", j + 2)
            name = pattern[j + 2:end] if end != -1 else ""
            if name in _POSIX_CLASSES:
                body.append(_POSIX_CLASSES[name])
                first = False
                j = end + 2
                continue
        if ch == "\\" and j + 1 < len(pattern):
            j += 1
            ch = pattern[j]
        if ch == "-" and body and j + 1 < len(pattern) and pattern[j + 1] != "]":
            body.append("-")
        else:
            body.append(re.escape(ch) if ch != "-" else r"\-")
        first = False
        j += 1
    return None


def _translate(glob: str) -> list[tuple[str, object]] | None:
    """The :class:`~.globs.Glob` tokens of a glob with ``/`` separators where ``*``, ``?`` and
    classes stay within one path component, and ``**`` components span any number of them;
    None for a pattern that matches nothing (an unclosed ``[``)."""
    out: list[tuple[str, object]] = []
    i, n = 0, len(glob)
    while i < n:
        ch = glob[i]
        if ch == "*":
            j = i
            while j < n and glob[j] == "*":
                j += 1
            starts_component = i == 0 or glob[i - 1] == "/"
            ends_component = j == n or glob[j] == "/"
            if j - i >= 2 and starts_component and ends_component:
                if j == n:                                # "x/**" (or "**"): everything below
                    out.append(("any", None))
                else:                                     # "**/" zero or more directories
                    out.append(("dirs", None))
                    j += 1                                # the "/" is part of the repetition
            else:                                         # other asterisks are plain ones
                out.append(("star", None))
            i = j
            continue
        if ch == "?":
            out.append(("one", NOT_SLASH))
        elif ch == "[":
            translated = _class(glob, i)
            if translated is None:        # an unclosed "[": git's pattern matches nothing
                return None
            out.append(("one", translated[0]))
            i = translated[1]
            continue
        elif ch == "\\" and i + 1 < n:
            i += 1
            out.append(("lit", glob[i]))
        else:
            out.append(("lit", ch))
        i += 1
    return out


def compile_pattern(line: str) -> Pattern | None:
    """The pattern on one ``.gitignore`` line, or None for a blank line or a comment."""
    text = line.rstrip("\r\n")
    if not text or text.startswith("#"):
        return None
    text = _unescaped_trailing_spaces(text)
    negated = text.startswith("!")
    if negated:
        text = text[1:]
    elif text.startswith("\\!") or text.startswith("\\#"):
        text = text[1:]
    dir_only = text.endswith("/") and not text.endswith("\\/")
    body = text.rstrip("/") if dir_only else text
    if not body:
        return None
    anchored = "/" in body
    body = body.lstrip("/") if body.startswith("/") else body
    if not body:
        return None
    tokens = _translate(body)
    if tokens is not None and not anchored:
        tokens = [("dirs", None), *tokens]
    try:
        glob = Glob(tokens or [], never=tokens is None)
    except re.error:         # a class the regex engine refuses: matches nothing
        glob = Glob([], never=True)
    return Pattern(line.rstrip("\r\n"), glob, negated, dir_only)


def parse_gitignore(text: str) -> list[Pattern]:
    """The patterns of a ``.gitignore`` file's text (lines end at ``\n``, a ``\r`` before it
    is dropped, a leading byte order mark is skipped, as git does)."""
    text = text[1:] if text.startswith("\ufeff") else text
    patterns = (compile_pattern(line) for line in text.split("\n"))
    return [p for p in patterns if p is not None]


@record
class GitIgnore:
    """The patterns in force for a tree, each list keyed by its directory relative to the top
    (``""`` for the top itself), in the order the files apply (higher first)."""

    files: list[tuple[str, list[Pattern]]] = field(default_factory=list)

    def add(self, base: str, patterns: list[Pattern]) -> None:
        if patterns:
            self.files.append((base, patterns))

    def ignored_path(self, rel: str, is_dir: bool) -> bool:
        """Whether ``rel`` is ignored, itself or through one of its directories (what
        ``git check-ignore`` answers; :func:`walk` prunes ignored directories instead)."""
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            if self.ignored("/".join(parts[:depth]), True):
                return True
        return self.ignored(rel, is_dir)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """Whether the path ``rel`` (relative to the top, ``/`` separators) is ignored."""
        verdict = False
        for base, patterns in self.files:
            if base:
                if not rel.startswith(base + "/"):
                    continue
                sub = rel[len(base) + 1:]
            else:
                sub = rel
            for pattern in patterns:
                if pattern.matches(sub, is_dir):
                    verdict = not pattern.negated
        return verdict


def _read_patterns(path: str, on_ignore_error: Callable[[str], None] | None = None
                   ) -> list[Pattern]:
    """The patterns of the ignore file ``path``; none when it is absent, or when it cannot be
    used (then ``on_ignore_error`` gets a message naming it and saying why)."""
    try:
        data = read_regular(path, IGNORE_LIMIT, what="ignore file")
    except ReadError as exc:
        # absent: as for git, nothing to apply. Anything else (a FIFO, /dev/zero, a directory,
        # too big, unreadable) is said, and the file is skipped
        if (exc.errno != errno.ENOENT or os.path.islink(path)) and on_ignore_error is not None:
            on_ignore_error(exc.message)
        return []
    patterns = parse_gitignore(data.decode("utf-8", "surrogateescape"))
    if len(patterns) > MAX_PATTERNS:
        if on_ignore_error is not None:
            on_ignore_error(f"{path}: more than {MAX_PATTERNS} patterns, over the limit")
        return []
    return patterns


def _rel(path: str, top: str) -> str:
    rel = os.path.relpath(path, top)
    return "" if rel == os.curdir else rel.replace(os.sep, "/")


def _initial(root: str, on_ignore_error: Callable[[str], None] | None = None
             ) -> tuple[GitIgnore, str]:
    """The ignore files that apply above ``root`` (from the top of its work tree down to its
    parent) and ``root``'s path relative to that top."""
    absolute = os.path.abspath(root)
    top = _git_top(absolute)
    ignore = GitIgnore()
    if top is None:
        return ignore, ""
    git_dir = os.path.join(top, ".git")
    if os.path.isdir(git_dir):
        ignore.add("", _read_patterns(os.path.join(git_dir, "info", "exclude"),
                                      on_ignore_error))
    prefix = _rel(absolute, top)
    directory = top
    parts = prefix.split("/") if prefix else []
    for depth in range(len(parts)):       # the root's own .gitignore is read by the walk
        ignore.add("/".join(parts[:depth]),
                   _read_patterns(os.path.join(directory, ".gitignore"), on_ignore_error))
        directory = os.path.join(directory, parts[depth])
    return ignore, prefix


def walk(root: str, wanted: Callable[[str], bool],
         on_error: Callable[[str, OSError], None],
         on_ignore_error: Callable[[str], None] | None = None) -> Iterator[str]:
    """Yield the files under the directory ``root`` whose base name is ``wanted`` (paths start
    with ``root`` as given). A directory that cannot be listed is passed to ``on_error`` with the
    exception, and the search goes on; an ignore file that cannot be used is skipped and its
    problem passed to ``on_ignore_error`` (one message naming it)."""
    ignore, prefix = _initial(root, on_ignore_error)
    real_root = os.path.realpath(root)

    def inside_root(path: str) -> bool:
        target = os.path.realpath(path)
        return target == real_root or target.startswith(real_root.rstrip(os.sep) + os.sep)

    # an explicit stack instead of recursion: ("visit", directory, rel) enters a directory,
    # ("pop",) drops the patterns of the directory whose subtree is done
    stack: list[tuple[str, ...]] = [("visit", root, prefix)]
    while stack:
        task = stack.pop()
        if task[0] == "pop":
            ignore.files.pop()
            continue
        _, directory, rel_dir = task
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            on_error(directory, exc)
            continue
        patterns = []
        if any(e.name == ".gitignore" for e in entries):
            patterns = _read_patterns(os.path.join(directory, ".gitignore"), on_ignore_error)
        pushed = bool(patterns)
        if pushed:
            ignore.add(rel_dir, patterns)
        subdirs = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if entry.name not in SKIP_DIRS and not ignore.ignored(rel, True):
                    subdirs.append((entry.path, rel))
                continue
            if not wanted(entry.name) or ignore.ignored(rel, False):
                continue
            if is_link:
                # a link to a directory is not followed; a link to a file counts only
                # when the file is inside the searched tree
                if not os.path.isfile(entry.path) or not inside_root(entry.path):
                    continue
            elif not entry.is_file(follow_symlinks=False):
                continue      # a FIFO, socket or device named like a Dockerfile
            yield entry.path
        if pushed:
            stack.append(("pop",))
        stack.extend(("visit", path, rel) for path, rel in reversed(subdirs))
