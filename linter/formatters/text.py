"""Human-readable output: one header line per finding, a source excerpt with carets, notes, fix.

::

    Dockerfile:3:5: DK101 [error] message (slug)
      3 | RUN apt-get install curl
        |     ^^^^^^^^^^^^^^^^^^^^
      = note: line 1:1: the stage starts here
      = fix: Add --no-install-recommends (unsafe)

Tabs are expanded (to multiples of :data:`TAB_SIZE`) in the excerpt and the caret line alike, wide
characters count two cells, and control characters are shown as visible symbols so that a
Dockerfile cannot drive the terminal. A line longer than :data:`EXCERPT_CHARS` characters is
shown as a window around the range, with ``…`` where it is cut.
"""

from __future__ import annotations

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Sequence

from ..rule import Severity
from ..rule import UNPRINTABLE
from . import finding_path, printable

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import FileResult
    from ..rule import Finding, Rule
    from ..source import Source

TAB_SIZE = 4
EXCERPT_CHARS = 200     # characters of a longer source line shown in the excerpt
EXCERPT_BEFORE = 40     # of which before the finding's range, when the line is cut

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RED = "\x1b[31m"
GREEN = "\x1b[32m"
YELLOW = "\x1b[33m"
BLUE = "\x1b[34m"
CYAN = "\x1b[36m"

SEVERITY_COLORS = {Severity.ERROR: RED, Severity.WARNING: YELLOW, Severity.INFO: BLUE}

# bidirectional controls are invisible yet reorder what the terminal shows ("Trojan Source")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def render(results: Sequence[FileResult], rules: Sequence[Rule], *, color: bool,
           show_source: bool, version: str, base_dir: str | None) -> str:
    blocks: list[str] = []
    for result in results:
        if result.error is not None:
            continue
        for finding in result.findings:
            blocks.append(_finding_block(result, finding, color=color, show_source=show_source))
    # With excerpts a blank line separates findings; without, it is one line per finding.
    separator = "\n\n" if show_source else "\n"
    return separator.join(blocks) + "\n" if blocks else ""


def _paint(text: str, *codes: str, color: bool) -> str:
    if not color or not codes:
        return text
    return "".join(codes) + text + RESET


def _finding_block(result: FileResult, finding: Finding, *, color: bool, show_source: bool) -> str:
    severity = finding.level
    sev_color = SEVERITY_COLORS.get(severity, "")
    path = printable(finding_path(result, finding))
    header = (f"{_paint(path, BOLD, color=color)}:{finding.line}:{finding.column}: "
              f"{_paint(finding.code, BOLD, color=color)} "
              f"[{_paint(severity.label, BOLD, sev_color, color=color)}] "
              f"{finding.message}")
    if finding.slug:
        header += f" ({_paint(finding.slug, DIM, color=color)})"
    lines = [header]
    if show_source and result.source is not None:
        lines.extend(_excerpt(result.source, finding, sev_color, color=color))
    # the other places of a merged finding on one line (its message already names them all),
    # the notes that explain it one per line
    also = []
    for rel, (line, column, _end_line, _end_column, message) in zip(
            finding.related, finding.related_positions):
        if rel.occurrence:
            also.append(f"{line}:{column}")
        else:
            lines.append(f"  {_paint('= note', BOLD, CYAN, color=color)}: line {line}:{column}: "
                         f"{message}")
    if also:
        lines.insert(len(lines) - sum(not r.occurrence for r in finding.related),
                     f"  {_paint('= also at', BOLD, CYAN, color=color)}: {', '.join(also)}")
    if finding.fix is not None:
        text = f"  {_paint('= fix', BOLD, GREEN, color=color)}: {finding.fix.message}"
        if not finding.fix.safe:
            text += " " + _paint("(unsafe)", YELLOW, color=color)
        lines.append(text)
    return "\n".join(lines)


def _excerpt(source: Source, finding: Finding, sev_color: str, *, color: bool) -> list[str]:
    """The finding's first line and a caret line under its range (to the end of that line when
    the range goes on)."""
    line_no = finding.line
    # line_count + 1 is the empty "line" after a final newline, where an end-of-file finding sits
    if line_no < 1 or line_no > source.line_count + 1:
        return []
    try:
        text = source.line_text(line_no)
    except IndexError:  # past the end of a text without a final newline
        return []
    start = min(max(finding.column, 1) - 1, len(text))
    if finding.end_line == line_no and finding.end_column >= finding.column:
        end = min(max(finding.end_column, 1) - 1, len(text))
    else:  # multi-line range (or no end): underline to the end of the first line
        end = len(text)
    # a long line is shown as a window that starts a little before the range, "…" marking
    # what is cut off at either end
    lo, hi = 0, len(text)
    if len(text) > EXCERPT_CHARS:
        lo = max(0, min(start - EXCERPT_BEFORE, len(text) - EXCERPT_CHARS))
        hi = lo + EXCERPT_CHARS
    shown, cells = display_line(text[lo:hi])
    lead = 0
    if lo > 0:
        shown, lead = "…" + shown, 1
    if hi < len(text):
        shown += "…"
    start, end = start - lo, min(end, hi) - lo
    width = max(1, cells[end] - cells[start])
    number = str(line_no)
    gutter = " " * len(number)
    bar = _paint("|", BLUE, color=color)
    carets = _paint("^" * width, BOLD, sev_color, color=color)
    return [
        f"  {_paint(number, BLUE, color=color)} {bar} {shown}".rstrip(),
        f"  {gutter} {bar} {' ' * (lead + cells[start])}{carets}",
    ]


def _zero_width(ch: str) -> bool:
    import unicodedata          # only for a line with non-ASCII text (a C extension to load)
    return bool(unicodedata.combining(ch)) or unicodedata.category(ch) in ("Mn", "Me", "Cf")


def _wide(ch: str) -> bool:
    import unicodedata
    return unicodedata.east_asian_width(ch) in ("W", "F")


def display_line(text: str) -> tuple[str, list[int]]:
    """``text`` as it is safe to show on a terminal, and the display cell at which each of its
    characters starts (one more entry for the end of the line)."""
    out: list[str] = []
    cells = [0]
    col = 0
    for ch in text:
        code = ord(ch)
        if ch == "\t":
            width = TAB_SIZE - col % TAB_SIZE
            shown = " " * width
        elif code < 0x20:
            shown, width = chr(0x2400 + code), 1  # control pictures: U+2400..U+241F
        elif code == 0x7F:
            shown, width = "\u2421", 1
        elif code < 0x80:
            shown, width = ch, 1            # printable ASCII
        elif ch in _BIDI or (UNPRINTABLE.match(ch) and ch not in "\n\r"):
            # C1 controls (0x9b is a CSI on 8-bit terminals), bidi controls, the other
            # invisible format characters, line separators, lone surrogates
            shown = f"<U+{code:04X}>"
            width = len(shown)
        elif _zero_width(ch):
            shown, width = ch, 0
        elif _wide(ch):
            shown, width = ch, 2
        else:
            shown, width = ch, 1
        out.append(shown)
        col += width
        cells.append(col)
    return "".join(out), cells
