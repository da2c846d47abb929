"""Source text, spans and positions.

A :class:`Source` holds the decoded text of one Dockerfile exactly as it is on disk (minus a UTF-8
byte-order mark), so every offset points at a real character and a fix can be written back byte for
byte. Lines end at ``\\n`` only, as in BuildKit; a ``\\r`` before it belongs to the line ending and is
never part of a column. Positions handed to users are 1-based lines and 1-based columns counted in
Unicode code points; end columns are exclusive (the column after the last character), as SARIF
wants.
"""

from __future__ import annotations

import bisect
from docklint.record import record

__all__ = ["Span", "Source", "Decoded", "decode_bytes", "MAX_LINE_BYTES"]

# BuildKit reads a Dockerfile with a bufio.Scanner whose default token limit is 64 KiB.
MAX_LINE_BYTES = 65535

UTF8_BOM = b"\xef\xbb\xbf"


@record(frozen=True, slots=True)
class Span:
    """A half-open range ``[start, end)`` of character offsets into a :class:`Source` text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} before start {self.start}")

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def cover(self, other: "Span") -> "Span":
        return Span(min(self.start, other.start), max(self.end, other.end))


@record(frozen=True, slots=True)
class Decoded:
    """The result of turning bytes into text, with what went wrong on the way."""

    text: str
    bom: bool = False
    encoding: str = "utf-8"
    # (character offset, message) for problems that do not stop linting (invalid UTF-8, NUL bytes)
    problems: tuple[tuple[int, str], ...] = ()
    # a reason the bytes are not a Dockerfile we can lint at all (binary, UTF-16)
    fatal: str | None = None


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" not in head:
        return False
    # Text with a stray NUL is still text; a file that is mostly control bytes is not.
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control > len(head) * 0.1


def decode_bytes(data: bytes) -> Decoded:
    """Decode a Dockerfile's bytes the way BuildKit reads them, reporting what it would choke on."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            text = data.decode(enc, errors="replace")
        return Decoded(text=text.lstrip("\ufeff"), encoding=enc,
                       fatal="file is UTF-16 encoded; BuildKit reads Dockerfiles as UTF-8 "
                             "(re-save it as UTF-8)")
    if _looks_binary(data):
        return Decoded(text="", fatal="binary file, not a Dockerfile")
    bom = data.startswith(UTF8_BOM)
    if bom:
        data = data[len(UTF8_BOM):]
    problems: list[tuple[int, str]] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode("utf-8", errors="replace")
        text = data.decode("utf-8", errors="replace")
        problems.append((len(prefix), f"invalid UTF-8 byte 0x{data[exc.start]:02x} "
                                      "(decoded as U+FFFD)"))
    nul = text.find("\x00")
    if nul >= 0:
        problems.append((nul, "NUL byte in a text file"))
    return Decoded(text=text, bom=bom, problems=tuple(problems))


class Source:
    """The text of one Dockerfile with offset <-> (line, column) conversion."""

    __slots__ = ("text", "path", "bom", "encoding", "_starts")

    def __init__(self, text: str, path: str | None = None, *, bom: bool = False,
                 encoding: str = "utf-8") -> None:
        self.text = text
        self.path = path
        self.bom = bom
        self.encoding = encoding
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts

    @property
    def line_count(self) -> int:
        """Number of lines; a final newline does not start another line."""
        n = len(self._starts)
        if n > 1 and self._starts[-1] == len(self.text):
            return n - 1
        return n

    def line_start(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self._starts[line - 1]

    def line_end(self, line: int) -> int:
        """Offset just past the last character of ``line``, excluding ``\\r\\n``/``\\n``."""
        idx = line - 1
        end = self._starts[idx + 1] - 1 if idx + 1 < len(self._starts) else len(self.text)
        start = self._starts[idx]
        while end > start and self.text[end - 1] in "\r\n":
            end -= 1
        return end

    def line_text(self, line: int) -> str:
        return self.text[self.line_start(line): self.line_end(line)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of the character at ``offset``."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def end_position(self, span: Span) -> tuple[int, int]:
        """1-based (line, exclusive column) of the end of ``span``.

        An empty span ends where it starts. A span ending right after a newline ends on the line it
        covers, not at column 1 of the next one.
        """
        if span.end <= span.start:
            return self.position(span.start)
        last = span.end - 1
        while last > span.start and self.text[last] in "\r\n":
            last -= 1
        line, col = self.position(last)
        return line, col + 1

    def range(self, span: Span) -> tuple[int, int, int, int]:
        """(start line, start column, end line, end column) of ``span``; end column exclusive."""
        sl, sc = self.position(span.start)
        el, ec = self.end_position(span)
        return sl, sc, el, ec

    def offset(self, line: int, column: int) -> int:
        """Offset of 1-based (line, column), clamped to the line."""
        line = max(1, min(line, len(self._starts)))
        start = self._starts[line - 1]
        return min(start + max(column, 1) - 1, self.line_end(line))

    def line_span(self, line: int) -> Span:
        return Span(self.line_start(line), self.line_end(line))

