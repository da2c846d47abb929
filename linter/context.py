"""The build context on disk: ``.dockerignore`` and the files a COPY/ADD brings in.

Reading is bounded: files over 1 MiB, binary files and symlinks that leave the context are
skipped, virtual environments and VCS/dependency directories are not walked, and a walk stops
after a few thousand files, so a huge context never makes a lint slow. A context's walks and
file texts are kept for the process (a batch lints many Dockerfiles of one context); a
long-lived process (the language server) calls :func:`forget` to see changes on disk.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Iterator

__all__ = ["BuildContext", "MAX_FILE_BYTES", "MAX_FILES", "context_for", "forget"]

MAX_FILE_BYTES = 1024 * 1024
MAX_FILES = 3000
_MAX_CACHED_TEXT = 32 * 1024 * 1024      # characters of file text kept per context
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox",
              "site-packages", "dist-packages"}


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern (Go filepath.Match plus ``**``) as a regex over '/'-paths."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if pattern.startswith("**", i):
                i += 2
                if i < n and pattern[i] == "/":
                    i += 1
                    out.append("(?:.*/)?")
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1:j]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                body = body.replace("\\", "\\\\").replace("[", "\\[")
                out.append("[" + ("^" if negate else "") + body + "]")
                i = j
        elif ch == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    # a pattern also matches everything below a matching directory
    return re.compile("^" + "".join(out) + "(?:/.*)?$")




class BuildContext:
    """A build context directory."""

    def __init__(self, root: str, ignore_file: str | None = None) -> None:
        self.root = os.path.realpath(root)
        # BuildKit prefers `<Dockerfile name>.dockerignore` next to the Dockerfile
        self.ignore_file = ignore_file or os.path.join(self.root, ".dockerignore")
        self._rules: list[tuple[bool, re.Pattern[str], str]] | None = None
        self._walks: dict[str, list[tuple[str, str]]] = {}
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
            try:
                with open(self.ignore_file, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
            except (OSError, ValueError):
                text = ""
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
            self._rules = rules
        return self._rules

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
        source = source.strip()
        if not source or "://" in source or source.startswith("git@") or "\0" in source:
            return
        rel = os.path.normpath(source.lstrip("/")).replace(os.sep, "/")
        if rel.startswith(".."):
            return
        count = 0
        if any(c in rel for c in "*?["):
            rx = _pattern_regex(rel)
            candidates = [p for p in self._walk(self.root) if rx.match(p[0])]
        else:
            target = self.path(rel)
            if os.path.islink(target) and not self._inside(target):
                return
            if os.path.isdir(target):
                candidates = self._walk(target)
            elif os.path.isfile(target):
                candidates = [(rel, target)]
            else:
                return
        for relpath, path in candidates:
            if self.ignored(relpath):
                continue
            yield relpath, path
            count += 1
            if count >= limit:
                return

    def _walk(self, top: str) -> list[tuple[str, str]]:
        """(relative path, path) of the files below ``top`` in a stable order, at most
        MAX_FILES; virtual environments and VCS/dependency directories are skipped."""
        if top in self._walks:
            return self._walks[top]
        out: list[tuple[str, str]] = []
        root = self.root
        for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
            if "pyvenv.cfg" in filenames and dirpath != top:
                dirnames[:] = []
                continue
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                if os.path.islink(path) and not self._inside(path):
                    continue
                out.append((os.path.relpath(path, root).replace(os.sep, "/"), path))
                if len(out) >= MAX_FILES:
                    self._walks[top] = out
                    return out
        self._walks[top] = out
        return out

    def read_text(self, path: str) -> str | None:
        """The file's text, or None when it is too big, binary or unreadable."""
        if path in self._texts:
            return self._texts[path]
        text = _read_text(path)
        if text is not None and self._cached_chars + len(text) <= _MAX_CACHED_TEXT:
            self._cached_chars += len(text)
            self._texts[path] = text
        return text


def _read_text(path: str) -> str | None:
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(data) > MAX_FILE_BYTES or b"\x00" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")


def context_for(root: str, dockerfile: str | None = None) -> BuildContext:
    """The BuildContext of ``root`` as the build of ``dockerfile`` sees it: with
    ``<dockerfile>.dockerignore`` when that file exists (BuildKit prefers it), else the
    context's ``.dockerignore``. One per (directory, ignore file) per process."""
    special = f"{dockerfile}.dockerignore" if dockerfile and dockerfile != "-" else None
    if special is not None and not os.path.isfile(special):
        special = None
    return _context(os.path.abspath(root), os.path.abspath(special) if special else None)


@lru_cache(maxsize=32)
def _context(root: str, ignore_file: str | None) -> BuildContext:
    return BuildContext(root, ignore_file)


def forget() -> None:
    """Drop every cached context (its .dockerignore, walks and texts)."""
    _context.cache_clear()
