"""The build context on disk: ``.dockerignore`` and the files a COPY/ADD brings in.

Reading is bounded: every file is read through :mod:`docklint.reading` (regular files only, so
a FIFO or a link to ``/dev/zero`` is refused, never read), files over 1 MiB, binary files and
symlinks that leave the context are skipped, virtual environments and VCS/dependency directories
are not walked, symlinked directories are never followed, and a walk stops after a few thousand
files, a budget of directory entries or a depth, so a huge or hostile context never makes a lint
slow; :meth:`BuildContext.complete` says when a listing stopped short, so that no rule concludes
from the absence of a file it never saw. A ``.dockerignore`` that cannot be read (not a regular file, over 1 MiB or
:data:`MAX_IGNORE_PATTERNS` patterns, unreadable) counts as empty, and
:attr:`BuildContext.ignore_error` says why. A context's walks and
file texts are kept for the process (a batch lints many Dockerfiles of one context); a
long-lived process (the language server) calls :func:`forget` to see changes on disk.
"""

from __future__ import annotations

import errno
import os
import re
from functools import lru_cache
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Iterator

from .globs import NOT_SLASH, Glob
from .reading import IGNORE_LIMIT, ReadError, read_regular

__all__ = ["BuildContext", "MAX_FILE_BYTES", "MAX_FILES", "MAX_ENTRIES", "MAX_DEPTH",
           "MAX_IGNORE_PATTERNS", "context_for", "forget"]

MAX_FILE_BYTES = 1024 * 1024
MAX_FILES = 3000
MAX_ENTRIES = 50_000                     # directory entries a walk looks at (files and dirs)
MAX_DEPTH = 64                           # directories below the walk's top
MAX_IGNORE_PATTERNS = 10_000             # lines of a .dockerignore (each costs every match)
_MAX_CACHED_TEXT = 32 * 1024 * 1024      # characters of file text kept per context
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox",
              "site-packages", "dist-packages"}


def _pattern_regex(pattern: str) -> Glob:
    """A .dockerignore pattern (Go filepath.Match plus ``**``) as a :class:`~.globs.Glob` over
    '/'-paths, matching the paths below a match too (matched without backtracking: the
    pattern comes from the repository)."""
    out: list[tuple[str, object]] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if pattern.startswith("**", i):
                i += 2
                if i < n and pattern[i] == "/":
                    i += 1
                    out.append(("dirs", None))
                else:
                    out.append(("any", None))
                continue
            out.append(("star", None))
        elif ch == "?":
            out.append(("one", NOT_SLASH))
        elif ch == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                out.append(("lit", ch))
            else:
                body = pattern[i + 1:j]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                body = body.replace("\\", "\\\\").replace("[", "\\[")
                out.append(("one", "[" + ("^" if negate else "") + body + "]"))
                i = j
        elif ch == "\\" and i + 1 < n:
            i += 1
            out.append(("lit", pattern[i]))
        else:
            out.append(("lit", ch))
        i += 1
    # a pattern also matches everything below a matching directory
    try:
        return Glob(out, below=True)
    except re.error:        # a class the regex engine refuses ("[z-a]"): matches nothing
        return Glob([], never=True)




class BuildContext:
    """A build context directory."""

    def __init__(self, root: str, ignore_file: str | None = None) -> None:
        self.root = os.path.realpath(root)
        # BuildKit prefers `<Dockerfile name>.dockerignore` next to the Dockerfile
        self.ignore_file = ignore_file or os.path.join(self.root, ".dockerignore")
        self._rules: list[tuple[bool, re.Pattern[str], str]] | None = None
        #: why the ignore file could not be used (it then counts as empty), or None
        self.ignore_error: str | None = None
        self._walks: dict[str, list[tuple[str, str]]] = {}
        self._cut_short: set[str] = set()       # the walks that stopped before the end
        self._texts: dict[str, str | None] = {}
        self._cached_chars = 0

    def path(self, rel: str) -> str:
        """The absolute path of a context-relative path."""
        return os.path.join(self.root, rel) if rel not in ("", ".") else self.root

    @property
    def ignore_rules(self) -> list[tuple[bool, re.Pattern[str], str]]:
        """(is exception, regex, pattern text) for every line of ``.dockerignore``."""
        if self._rules is None:
            rules = []
            text = self._ignore_text()
            for line in text.splitlines():
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                neg = line.startswith("!")
                if neg:
                    line = line[1:].strip()
                pat = os.path.normpath(line.lstrip("/")).replace(os.sep, "/")
                if pat == ".":
                    pat = ""
                rules.append((neg, _pattern_regex(pat), line))
                if len(rules) > MAX_IGNORE_PATTERNS:
                    self.ignore_error = (f"{self.ignore_file}: more than {MAX_IGNORE_PATTERNS} "
                                         "patterns, over the limit")
                    rules = []
                    break
            self._rules = rules
        return self._rules

    def _ignore_text(self) -> str:
        """The ignore file's text; "" when there is none or it cannot be read (then
        ``ignore_error`` says why)."""
        try:
            if os.path.islink(self.ignore_file) and os.path.isfile(self.ignore_file) and \
                    not self._inside(self.ignore_file):
                # BuildKit reads it from the context it sends; nothing outside is sent (and a
                # rule quoting its patterns would show a stranger's file)
                self.ignore_error = (f"{self.ignore_file}: a symlink out of the build context "
                                     "(not read)")
                return ""
            data = read_regular(self.ignore_file, IGNORE_LIMIT, what="ignore file")
        except ReadError as exc:
            if exc.errno != errno.ENOENT or os.path.islink(self.ignore_file):
                self.ignore_error = exc.message     # a FIFO, /dev/zero, a directory, too big...
            return ""
        return data.decode("utf-8", errors="replace")

    def ignored(self, rel: str) -> bool:
        """Whether a context-relative path is excluded by ``.dockerignore``."""
        rel = rel.strip("/")
        result = False
        for neg, rx, _ in self.ignore_rules:
            if rx.match(rel):
                result = not neg
        return result

    def _inside(self, path: str) -> bool:
        try:
            real = os.path.realpath(path)
        except (OSError, ValueError):
            return False
        return real == self.root or real.startswith(self.root.rstrip(os.sep) + os.sep)

    def files(self, source: str, limit: int = MAX_FILES) -> Iterator[tuple[str, str]]:
        """(context-relative path, absolute path) of the regular files a COPY source names.

        Globs (``*.go``), directories (walked) and ``.`` work; ignored and escaping paths don't.
        """
        named = self._named(source)
        if named is None:
            return
        rel, top = named
        if top is None:                     # a single file
            candidates = [(rel, self.path(rel))]
        elif any(c in rel for c in "*?["):     # a pattern: matched over the whole context
            rx = _pattern_regex(rel)
            candidates = [p for p in self._walk(top) if rx.match(p[0])]
        else:
            candidates = self._walk(top)
        count = 0
        for relpath, path in candidates:
            if self.ignored(relpath):
                continue
            yield relpath, path
            count += 1
            if count >= limit:
                return

    def complete(self, source: str) -> bool:
        """Whether :meth:`files` lists every file ``source`` names (less the ignored ones):
        False when the walk behind it stopped at a budget (files, directory entries, depth) or
        at a directory it could not read. A rule that concludes from what is *not* there (no
        CA bundle in a copied tree, no archive among the sources) must not conclude from an
        incomplete listing."""
        named = self._named(source)
        if named is None or named[1] is None:
            return True
        self._walk(named[1])
        return named[1] not in self._cut_short

    def _named(self, source: str) -> tuple[str, str | None] | None:
        """What a COPY source names in the context: (its context-relative path, the directory
        :meth:`_walk` lists for it: the root for a pattern, the directory itself; None for a
        single file); None when it names nothing here (a URL, a path out of the context, a
        link out of it, nothing on disk)."""
        source = source.strip()
        if not source or "://" in source or source.startswith("git@") or "\0" in source:
            return None
        rel = os.path.normpath(source.lstrip("/")).replace(os.sep, "/")
        if rel.startswith(".."):
            return None
        if any(c in rel for c in "*?["):
            return rel, self.root
        target = self.path(rel)
        if os.path.islink(target) and not self._inside(target):
            return None
        if os.path.isdir(target):
            return rel, target
        if os.path.isfile(target):
            return rel, None
        return None

    def _walk(self, top: str) -> list[tuple[str, str]]:
        """(relative path, path) of the files below ``top`` in a stable order (top-down, a
        directory's files before its subdirectories), at most MAX_FILES; virtual environments and
        VCS/dependency directories are skipped, symlinked directories are not followed, and the
        walk stops after MAX_ENTRIES directory entries or MAX_DEPTH levels (iterative: a deep
        tree cannot exhaust the stack)."""
        if top in self._walks:
            return self._walks[top]
        out: list[tuple[str, str]] = []
        root = self.root
        entries = 0
        short = False               # stopped before the end (see complete())
        pending: list[tuple[str, int]] = [(top, 0)]          # a stack: last in, first walked
        while pending:
            if len(out) >= MAX_FILES or entries >= MAX_ENTRIES:
                short = True
                break
            dirpath, depth = pending.pop()
            # (name, is a directory, is a symlink): as os.walk, a link to a directory is a
            # directory (not a file), and is not entered
            names: list[tuple[str, bool, bool]] = []
            try:
                with os.scandir(dirpath) as it:
                    for entry in it:
                        entries += 1
                        if entries > MAX_ENTRIES:
                            short = True
                            break
                        try:
                            names.append((entry.name, entry.is_dir(), entry.is_symlink()))
                        except OSError:
                            short = True
                            continue
            except OSError:
                short = True
                continue
            if dirpath != top and any(n == "pyvenv.cfg" and not d for n, d, _ in names):
                continue
            subdirs = sorted(n for n, d, link in names if d and not link and n not in _SKIP_DIRS)
            files = sorted(n for n, d, _ in names if not d)
            for k, name in enumerate(files):
                path = os.path.join(dirpath, name)
                if os.path.islink(path) and not self._inside(path):
                    continue
                out.append((os.path.relpath(path, root).replace(os.sep, "/"), path))
                if len(out) >= MAX_FILES:
                    short = short or k + 1 < len(files) or bool(subdirs) or bool(pending)
                    break
            if depth < MAX_DEPTH:
                pending.extend((os.path.join(dirpath, d), depth + 1) for d in reversed(subdirs))
            elif subdirs:
                short = True
        self._walks[top] = out
        if short:
            self._cut_short.add(top)
        return out

    def read_text(self, path: str) -> str | None:
        """The file's text, or None when it is too big, binary or unreadable."""
        if path in self._texts:
            return self._texts[path]
        text = _read_text(path)
        if text is None:
            self._texts[path] = None                # not read again: the answer is the same
        elif self._cached_chars + len(text) <= _MAX_CACHED_TEXT:
            self._cached_chars += len(text)
            self._texts[path] = text
        return text


def _read_text(path: str) -> str | None:
    """The text of a context file read as evidence; None when it is not a regular file (a FIFO
    or a link to a device is refused, never read), too big, binary or unreadable."""
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except ReadError:
        return None
    if b"\x00" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def context_for(root: str, dockerfile: str | None = None) -> BuildContext:
    """The BuildContext of ``root`` as the build of ``dockerfile`` sees it: with
    ``<dockerfile>.dockerignore`` when that file exists (BuildKit prefers it), else the
    context's ``.dockerignore``. One per (directory, ignore file) per process."""
    special = f"{dockerfile}.dockerignore" if dockerfile and dockerfile != "-" else None
    if special is not None and not _exists(special):
        special = None
    return _context(os.path.abspath(root), os.path.abspath(special) if special else None)


def _exists(path: str) -> bool:
    """Whether something is at ``path`` (a FIFO or a broken link too: it is then the ignore
    file that applies, and reading it says what is wrong)."""
    try:
        os.lstat(path)
    except (OSError, ValueError):
        return False
    return True


@lru_cache(maxsize=32)
def _context(root: str, ignore_file: str | None) -> BuildContext:
    return BuildContext(root, ignore_file)


def forget() -> None:
    """Drop every cached context (its .dockerignore, walks and texts)."""
    _context.cache_clear()
