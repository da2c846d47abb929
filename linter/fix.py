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

import bisect
import errno
import hashlib
import os
import stat
import tempfile
from collections import Counter
from docklint.record import record, field

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


def _conflict(e: Edit, start: int, end: int, same_start: bool = False) -> bool:
    # two insertions at the same point conflict too (their order would be arbitrary); with
    # same_start, any two edits that start at one place (an editor applies them in an order
    # of its own)
    if same_start and e.span.start == start:
        return True
    if e.span.start < end and start < e.span.end:
        return True
    if e.span.start == e.span.end == start == end:
        return True
    if e.span.start == e.span.end and start < e.span.start < end:
        return True
    return False


class Taken:
    """The spans of the edits chosen so far, sorted: whether a new edit conflicts with one of
    them is a look at its neighbours, not at all of them (a file with thousands of fixes).
    ``same_start``: two edits that start at one place conflict (the language server's rule:
    an editor applies such edits in an order of its own)."""

    def __init__(self, same_start: bool = False) -> None:
        self.spans: list[tuple[int, int]] = []
        self.disjoint = True     # sorted by start, the ends never decrease: neighbours suffice
        self.same_start = same_start

    def conflicts(self, edits: "list[Edit] | tuple[Edit, ...]") -> bool:
        same = self.same_start
        spans = self.spans
        if not self.disjoint:
            return any(_conflict(e, start, end, same) for e in edits for start, end in spans)
        for e in edits:
            i = bisect.bisect_left(spans, (e.span.start, -1))
            j = i - 1
            while j >= 0 and spans[j][1] >= e.span.start:
                if _conflict(e, *spans[j], same):
                    return True
                j -= 1
            while i < len(spans) and spans[i][0] <= e.span.end:
                if _conflict(e, *spans[i], same):
                    return True
                i += 1
        return False

    def add(self, edits: "list[Edit] | tuple[Edit, ...]") -> None:
        for e in edits:
            item = (e.span.start, e.span.end)
            i = bisect.bisect_right(self.spans, item)
            if (i > 0 and self.spans[i - 1][1] > item[0]) or \
                    (i < len(self.spans) and self.spans[i][0] < item[1]):
                self.disjoint = False      # a fix whose own edits overlap: check them all
            self.spans.insert(i, item)


@record
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
        taken = Taken()
        for f in result.findings:
            if not _wanted(f, unsafe):
                continue
            fix = f.fix
            assert fix is not None
            edits = [Edit(e.span, e.text.replace("\n", newline) if newline != "\n" else e.text)
                     for e in fix.edits]
            if taken.conflicts(edits):
                continue
            chosen.append((f, edits))
            taken.add(edits)
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


class ReadOnly(PermissionError):
    """The file (or its directory) is read-only: docklint leaves it alone, even as root."""


class Changed(Exception):
    """The file on disk is not the one that was read."""


def read_only(path: str) -> str | None:
    """Why ``path`` (a resolved file path) is not ours to change, or None: no write permission
    bit set on the file or on its directory, or no write access for this user. The bits are
    checked, not only ``os.access``: for root, ``os.access`` says yes to everything."""
    directory = os.path.dirname(path) or "."
    st = os.stat(path)
    if not stat.S_IMODE(st.st_mode) & 0o222 or not os.access(path, os.W_OK):
        return f"the file is read-only (mode {stat.S_IMODE(st.st_mode):04o})"
    dst = os.stat(directory)
    if not stat.S_IMODE(dst.st_mode) & 0o222 or not os.access(directory, os.W_OK | os.X_OK):
        return f"its directory is read-only (mode {stat.S_IMODE(dst.st_mode):04o})"
    return None


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def write_atomic(path: str, data: bytes, *, expected: bytes | None = None,
                 limit: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its permissions (and owner, where
    allowed). The original stays intact if anything fails (or the process dies) before the
    final rename. A symbolic link is followed: the file it points to is replaced, the link
    stays. A read-only file, or a file in a read-only directory, is refused (:class:`ReadOnly`)
    even as root, although replacing it through its directory would work: a read-only
    Dockerfile is not ours to change.

    With ``expected`` (the SHA-256 digest of the bytes the new ones were computed from), the
    file is read again right before the rename and :class:`Changed` is raised when its bytes
    differ: an edit made meanwhile is never lost, even one that kept the size and the time."""
    path = os.path.realpath(path)
    directory = os.path.dirname(path)
    st = os.stat(path)
    why = read_only(path)
    if why is not None:
        raise ReadOnly(errno.EACCES, why, path)
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
        if expected is not None:
            from .reading import ReadError, read_regular
            try:
                now = read_regular(path, limit if limit is not None else
                                   max(st.st_size, len(data)) * 2 + (1 << 20))
            except ReadError:
                raise Changed() from None
            if _digest(now) != expected:
                raise Changed()
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@record
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


def fix_file(path: str, settings: Settings, rules: list[Rule], *, unsafe: bool = False,
             write: bool = True, display: str | None = None) -> FileFix:
    """Fix one file (write it back atomically with ``write``; else only compute the fixed
    bytes, for a diff). A file that cannot be read, or is over the size limit, is linted as
    ``lint_file`` does and left alone. A file with nothing to fix is not written. Nor is a
    read-only file (or one in a read-only directory), nor a file whose bytes changed on disk
    while it was being fixed (compared by content, right before the replace)."""
    from .reading import ReadError, read_regular
    shown = display or path
    try:
        data: bytes | None = read_regular(path, settings.max_file_bytes, shown=shown)
    except ReadError:
        data = None
    if data is None:
        # lint_file reads again and reports the problem (or the size) in its own words
        return FileFix(lint_file(path, settings, rules, display=shown))
    context = settings.context or os.path.dirname(os.path.abspath(path))
    out = fix_data(data, shown, settings, rules, unsafe=unsafe, context=context)
    if not (write and out.changed):
        return out
    try:
        write_atomic(path, out.data, expected=_digest(data),
                     limit=settings.max_file_bytes)
        out.written = True
    except (OSError, Changed) as exc:
        if isinstance(exc, Changed):
            out.problem = "not fixed: the file changed while it was being fixed"
        elif isinstance(exc, ReadOnly):
            out.problem = f"not fixed: {exc.strerror}; it was left alone"
        else:
            out.problem = f"cannot write: {getattr(exc, 'strerror', None) or exc}"
        # the report is about what is on disk: the original
        out.result = lint_bytes(data, shown, settings, rules, context=context)
        out.applied = Counter()
        out.data = data
    return out


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
