"""Applying fixes: combine non-overlapping edits, re-lint, repeat until nothing changes.

Fixing works on the decoded text and gives back text with the file's own line endings and BOM.
It never returns text that parses worse than what it started from, and a file only changes
when at least one fix applied. A file that is not valid UTF-8 is not fixed (the decoded text
holds U+FFFD where the bad bytes were: writing it back would change them). Writing is atomic:
a temporary file in the same directory, fsync'ed, given the file's permissions (and owner,
where allowed), then renamed over the file (through a symbolic link, to its target); a crash
at any point leaves either the old file or the new one. Hard links to the file are not
updated (the rename gives the path a new inode), and extended attributes are not copied.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections import Counter
from dataclasses import dataclass, field

from .engine import FileResult, Settings, lint_bytes, lint_file
from .rule import Edit, Finding, Rule

__all__ = ["FileFix", "FixOutcome", "apply_edits", "fix_bytes", "fix_data", "fix_file",
           "write_atomic", "unified_diff", "MAX_ROUNDS"]

MAX_ROUNDS = 10


class OverlapError(ValueError):
    """Two edits touch the same text."""


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (offsets into ``text``) all at once."""
    ordered = sorted(edits, key=lambda e: (e.span.start, e.span.end))
    out: list[str] = []
    pos = 0
    for e in ordered:
        if e.span.start < pos:
            raise OverlapError(f"edits overlap at offset {e.span.start}")
        out.append(text[pos:e.span.start])
        out.append(e.text)
        pos = e.span.end
    out.append(text[pos:])
    return "".join(out)


def _overlaps(a: list[Edit], taken: list[tuple[int, int]]) -> bool:
    for e in a:
        for start, end in taken:
            # two insertions at the same point conflict too (their order would be arbitrary)
            if e.span.start < end and start < e.span.end:
                return True
            if e.span.start == e.span.end == start == end:
                return True
            if e.span.start == e.span.end and start < e.span.start < end:
                return True
    return False


@dataclass
class FixOutcome:
    """What fixing one file did."""

    original: bytes
    data: bytes                         # the fixed bytes (== original when nothing applied)
    applied: Counter = field(default_factory=Counter)      # rule code -> fixes applied
    remaining: list[Finding] = field(default_factory=list)  # findings left after fixing
    result: FileResult | None = None    # the last lint
    converged: bool = True
    looping: list[str] = field(default_factory=list)        # rules still fixing at the limit
    refused: str | None = None          # why nothing was written (fixes broke the parse)

    @property
    def changed(self) -> bool:
        return self.data != self.original


def _newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"


def _encode(text: str, bom: bool) -> bytes:
    data = text.encode("utf-8", "surrogateescape")
    return (b"\xef\xbb\xbf" + data) if bom else data


def _wanted(f: Finding, unsafe: bool) -> bool:
    """Whether this run applies the finding's fix (if it has one)."""
    return f.fix is not None and bool(f.fix.edits) and (f.fix.safe or unsafe)


def fix_bytes(data: bytes, path: str, settings: Settings, rules: list[Rule], *,
              unsafe: bool = False, context: str | None = None,
              max_rounds: int = MAX_ROUNDS) -> FixOutcome:
    """Fix a Dockerfile's bytes: apply every safe fix (and unsafe ones with ``unsafe``),
    re-lint, and repeat until no fix applies or ``max_rounds`` is reached."""
    outcome = FixOutcome(original=data, data=data)
    result = lint_bytes(data, path, settings, rules, context=context)
    outcome.result = result
    if result.source is None or result.error:
        outcome.remaining = list(result.findings)
        return outcome
    source = result.source
    bom = source.bom
    newline = _newline(source.text)
    text = source.text
    if _encode(text, bom) != data and any(_wanted(f, unsafe) for f in result.findings):
        # invalid UTF-8 decodes to U+FFFD: writing the text back would change bytes that no
        # fix touches
        outcome.refused = ("the file is not valid UTF-8, and fixing it would rewrite bytes no "
                           "fix touches; nothing was written")
        outcome.remaining = list(result.findings)
        return outcome
    errors_before = len(result.dockerfile.errors) if result.dockerfile else 0
    applied: Counter = Counter()
    for _round in range(max_rounds):
        chosen: list[tuple[Finding, list[Edit]]] = []
        taken: list[tuple[int, int]] = []
        for f in result.findings:
            if not _wanted(f, unsafe):
                continue
            fix = f.fix
            assert fix is not None
            edits = [Edit(e.span, e.text.replace("\n", newline) if newline != "\n" else e.text)
                     for e in fix.edits]
            if _overlaps(edits, taken):
                continue
            chosen.append((f, edits))
            taken += [(e.span.start, e.span.end) for e in edits]
        if not chosen:
            break
        new_text = apply_edits(text, [e for _, edits in chosen for e in edits])
        if new_text == text:
            break
        new_data = _encode(new_text, bom)
        new_result = lint_bytes(new_data, path, settings, rules, context=context)
        new_errors = len(new_result.dockerfile.errors) if new_result.dockerfile else 0
        if new_errors > errors_before:
            codes = sorted({f.code for f, _ in chosen})
            outcome.refused = (f"fixes by {', '.join(codes)} would make the file fail to "
                               "parse; nothing was written")
            outcome.data = data
            outcome.applied = Counter()
            outcome.remaining = list(result.findings)
            outcome.result = result
            return outcome
        for f, _ in chosen:
            applied[f.code] += 1
        text, result = new_text, new_result
    else:
        # still fixing after the last round: report who, write nothing
        still = sorted({f.code for f in result.findings if _wanted(f, unsafe)})
        if still:
            outcome.converged = False
            outcome.looping = still
            outcome.data = data
            outcome.applied = Counter()
            outcome.remaining = list(result.findings)
            outcome.result = result
            return outcome
    outcome.data = _encode(text, bom) if applied else data
    outcome.applied = applied
    outcome.remaining = list(result.findings)
    outcome.result = result
    return outcome


def write_atomic(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its permissions (and owner, where
    allowed). The original stays intact if anything fails (or the process dies) before the
    final rename. A symbolic link is followed: the file it points to is replaced, the link
    stays. A file we may not write is refused (PermissionError), although replacing it through
    its directory would work: a read-only Dockerfile is not ours to change."""
    path = os.path.realpath(path)
    directory = os.path.dirname(path)
    st = os.stat(path)
    if not os.access(path, os.W_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
    fd, tmp = tempfile.mkstemp(prefix=".docklint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, st.st_mode & 0o7777)
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except (PermissionError, AttributeError):
            pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@dataclass
class FileFix:
    """What ``fix_file`` did to one file: the report's result (the findings left, positioned
    in the fixed text), the fixes applied, and the problem that stopped it, if any."""

    result: FileResult
    applied: Counter = field(default_factory=Counter)
    original: bytes | None = None       # the bytes read (None: the file could not be read)
    data: bytes | None = None           # the fixed bytes (== original when nothing changed)
    problem: str | None = None          # "not fixed: ..." or "cannot write: ..."
    written: bool = False

    @property
    def changed(self) -> bool:
        return self.original is not None and self.data is not None and \
            self.data != self.original


def fix_data(data: bytes, shown: str, settings: Settings, rules: list[Rule], *,
             unsafe: bool = False, context: str | None = None,
             max_rounds: int = MAX_ROUNDS) -> FileFix:
    """:func:`fix_bytes` as a :class:`FileFix` (a refusal or a loop becomes its problem)."""
    outcome = fix_bytes(data, shown, settings, rules, unsafe=unsafe, context=context,
                        max_rounds=max_rounds)
    assert outcome.result is not None
    out = FileFix(outcome.result, outcome.applied, data, outcome.data)
    if outcome.refused:
        out.problem = f"not fixed: {outcome.refused}"
    elif not outcome.converged:
        out.problem = (f"not fixed: the fixes of {', '.join(outcome.looping)} still change "
                       f"the file after {max_rounds} rounds; nothing was written")
    return out


def _stamp_of(st: os.stat_result) -> tuple:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def fix_file(path: str, settings: Settings, rules: list[Rule], *, unsafe: bool = False,
             write: bool = True, display: str | None = None) -> FileFix:
    """Fix one file (write it back atomically with ``write``; else only compute the fixed
    bytes, for a diff). A file that cannot be read, or is over the size limit, is linted as
    ``lint_file`` does and left alone. A file with nothing to fix is not written. The file is
    not written either if it changed on disk while being fixed."""
    shown = display or path
    data: bytes | None = None
    try:
        st = os.stat(path)
        if stat.S_ISREG(st.st_mode) and st.st_size <= settings.max_file_bytes:
            with open(path, "rb") as fh:
                data = fh.read(settings.max_file_bytes + 1)
    except OSError:
        data = None
    if data is None or len(data) > settings.max_file_bytes:
        # lint_file reads again and reports the problem (or the size) in its own words
        return FileFix(lint_file(path, settings, rules, display=shown))
    context = settings.context or os.path.dirname(os.path.abspath(path))
    out = fix_data(data, shown, settings, rules, unsafe=unsafe, context=context)
    if not (write and out.changed):
        return out
    try:
        if _stamp_of(os.stat(path)) != _stamp_of(st):
            raise _Changed()
        write_atomic(path, out.data)
        out.written = True
    except (OSError, _Changed) as exc:
        out.problem = ("not fixed: the file changed while it was being fixed" if
                       isinstance(exc, _Changed) else
                       f"cannot write: {getattr(exc, 'strerror', None) or exc}")
        # the report is about what is on disk: the original
        out.result = lint_bytes(data, shown, settings, rules, context=context)
        out.applied = Counter()
        out.data = data
    return out


class _Changed(Exception):
    """The file on disk is not the one that was read."""


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    """A unified diff of the change, as ``git diff`` would show it."""
    import difflib
    a = before.decode("utf-8", "replace").splitlines(keepends=True)
    b = after.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(a, b, fromfile=f"a/{path}", tofile=f"b/{path}")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
