"""The build context on disk: ``.dockerignore`` and the files a COPY/ADD brings in.

Reading is bounded: files over 1 MiB, binary files and symlinks that leave the context are
skipped, and a walk stops after a few thousand files, so a huge context never makes a lint slow.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator

__all__ = ["BuildContext", "MAX_FILE_BYTES", "MAX_FILES"]

MAX_FILE_BYTES = 1024 * 1024
MAX_FILES = 3000
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox"}


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

    def __init__(self, root: str | os.PathLike[str], ignore_file: str | None = None) -> None:
        self.root = Path(root).resolve()
        # BuildKit prefers `<Dockerfile name>.dockerignore` next to the Dockerfile
        self.ignore_file = Path(ignore_file) if ignore_file else self.root / ".dockerignore"
        self._rules: list[tuple[bool, re.Pattern[str], str]] | None = None

    @property
    def ignore_rules(self) -> list[tuple[bool, re.Pattern[str], str]]:
        """(is exception, regex, pattern text) for every line of ``.dockerignore``."""
        if self._rules is None:
            rules = []
            try:
                text = self.ignore_file.read_text(encoding="utf-8",
                                                               errors="replace")
            except OSError:
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

    def _inside(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root)
            return True
        except (ValueError, OSError):
            return False

    def files(self, source: str, limit: int = MAX_FILES) -> Iterator[tuple[str, Path]]:
        """(context-relative path, path) of the regular files a COPY source names.

        Globs (``*.go``), directories (walked) and ``.`` work; ignored and escaping paths don't.
        """
        source = source.strip()
        if not source or "://" in source or source.startswith("git@"):
            return
        rel = os.path.normpath(source.lstrip("/")).replace(os.sep, "/")
        if rel.startswith(".."):
            return
        count = 0
        if any(c in rel for c in "*?["):
            rx = _pattern_regex(rel)
            candidates = (p for p in self._walk(self.root) if rx.match(p[0]))
        else:
            target = self.root if rel == "." else self.root / rel
            if target.is_symlink() and not self._inside(target):
                return
            if target.is_dir():
                candidates = self._walk(target)
            elif target.is_file():
                candidates = iter([(rel, target)])
            else:
                return
        for relpath, path in candidates:
            if self.ignored(relpath):
                continue
            yield relpath, path
            count += 1
            if count >= limit:
                return

    def _walk(self, top: Path) -> Iterator[tuple[str, Path]]:
        count = 0
        for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if path.is_symlink() and not self._inside(path):
                    continue
                rel = path.relative_to(self.root).as_posix()
                yield rel, path
                count += 1
                if count >= MAX_FILES:
                    return

    @staticmethod
    def read_text(path: Path) -> str | None:
        """The file's text, or None when it is too big, binary or unreadable."""
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        if b"\x00" in data[:8192]:
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
