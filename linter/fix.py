"""Applying fixes: combine non-overlapping edits, re-lint, repeat until nothing changes.

Fixing works on the decoded text and gives back text with the file's own line endings and BOM.
It never returns text that parses worse than what it started from, and a file only changes
when at least one fix applied. Writing is atomic: a temporary file in the same directory,
then a rename, keeping the file's permissions.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field

from .engine import FileResult, Settings, lint_bytes
from .rule import Edit, Finding, Rule

__all__ = ["FixOutcome", "apply_edits", "fix_bytes", "write_atomic", "unified_diff",
           "MAX_ROUNDS"]

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
    errors_before = len(result.dockerfile.errors) if result.dockerfile else 0
    applied: Counter = Counter()
    for _round in range(max_rounds):
        chosen: list[tuple[Finding, list[Edit]]] = []
        taken: list[tuple[int, int]] = []
        for f in result.findings:
            fix = f.fix
            if fix is None or not fix.edits or (not fix.safe and not unsafe):
                continue
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
        still = sorted({f.code for f in result.findings
                        if f.fix and f.fix.edits and (f.fix.safe or unsafe)})
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
    """Replace ``path`` with ``data`` atomically, keeping its permissions. The original stays
    intact if anything fails before the final rename."""
    directory = os.path.dirname(os.path.abspath(path))
    st = os.stat(path)
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
