"""The syntax tree the parser produces: instructions, flags, words, heredocs, directives, comments.

These are frozen records (docklint.record); the parser builds them once and nothing changes them afterwards.
Every piece carries a :class:`~docklint.source.Span` into the source text.
"""

from __future__ import annotations

import bisect
from docklint.record import record

from .source import Span

__all__ = ["LineMap", "Word", "Flag", "Heredoc", "Instruction", "Directive", "Comment",
           "ParseError", "KNOWN_INSTRUCTIONS"]

KNOWN_INSTRUCTIONS = ("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
                      "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL",
                      "STOPSIGNAL", "USER", "VOLUME", "WORKDIR")


class LineMap:
    """Maps offsets in an instruction's logical line (continuations joined, comment lines
    dropped) back to offsets in the source text.

    The logical line is a concatenation of contiguous pieces of the source; each piece is recorded
    as ``(logical start, source start, length)``.
    """

    __slots__ = ("_lstarts", "_sstarts", "_lens")

    def __init__(self, pieces: list[tuple[int, int, int]]) -> None:
        self._lstarts = [p[0] for p in pieces]
        self._sstarts = [p[1] for p in pieces]
        self._lens = [p[2] for p in pieces]

    def to_source(self, lpos: int) -> int:
        """Source offset of the character at logical offset ``lpos``."""
        if not self._lstarts:
            return 0
        i = max(0, bisect.bisect_right(self._lstarts, lpos) - 1)
        # past the end of a piece (e.g. the end of the line): stay on that piece
        return self._sstarts[i] + min(lpos - self._lstarts[i], self._lens[i])

    def end_to_source(self, lend: int) -> int:
        """Source offset just after the character at logical offset ``lend - 1``."""
        if lend <= 0:
            return self.to_source(0)
        return self.to_source(lend - 1) + 1

    def pieces(self, lstart: int = 0, lend: int | None = None) -> list[tuple[int, int, int]]:
        """The pieces covering ``[lstart, lend)``, re-based so that ``lstart`` is offset 0."""
        out = []
        for ls, ss, n in zip(self._lstarts, self._sstarts, self._lens):
            a = max(ls, lstart)
            b = ls + n if lend is None else min(ls + n, lend)
            if a < b:
                out.append((a - lstart, ss + (a - ls), b - a))
        return out

    def slice(self, lstart: int, lend: int) -> "LineMap":
        """A map for the sub-range ``[lstart, lend)`` whose offset 0 is ``lstart``."""
        return LineMap(self.pieces(lstart, lend))

    def span(self, lstart: int, lend: int) -> Span:
        """Source span of the logical range ``[lstart, lend)``."""
        start = self.to_source(lstart)
        if lend <= lstart:
            return Span(start, start)
        return Span(start, max(start, self.end_to_source(lend)))


@record(frozen=True, slots=True)
class Word:
    """One argument word as BuildKit's parser gives it.

    ``value`` is the word exactly as in BuildKit's AST (for shell-form words a raw substring of the
    logical line: quotes and escapes kept; for exec-form words the decoded JSON string).
    ``lstart``/``lend`` locate it in the instruction's logical line (for JSON words: the literal,
    quotes included), ``span`` in the source.
    """

    value: str
    span: Span
    lstart: int
    lend: int


@record(frozen=True, slots=True)
class Flag:
    """A leading ``--name[=value]`` word. ``value`` is None for a bare boolean flag."""

    name: str
    value: str | None
    text: str
    span: Span
    lstart: int
    lend: int

    @property
    def value_span(self) -> Span:
        """Source span of the value part (the whole flag when the value was quoted oddly)."""
        return self.span if self.value is None else Span(
            min(self.span.end, self.span.start + len(self.name) + 3), self.span.end)


@record(frozen=True, slots=True)
class Heredoc:
    """A here-document attached to RUN, COPY or ADD.

    ``content`` is the raw body (line endings included), which is exactly
    ``source.text[body_span.start:body_span.end]``. ``span`` covers the body and the terminator
    line; ``marker_span`` is the ``<<EOF`` word in the instruction line.
    """

    name: str
    content: str
    expand: bool
    chomp: bool
    fd: int
    marker_span: Span
    body_span: Span
    span: Span
    marker_lstart: int
    marker_lend: int


@record(frozen=True, eq=False)
class Instruction:
    """One Dockerfile instruction."""

    keyword: str                    # normalised upper case, e.g. "RUN"
    written: str                    # the keyword as written, e.g. "run"
    span: Span                      # keyword to the end of its last line (heredocs included)
    keyword_span: Span
    flags: tuple[Flag, ...]
    args: tuple[Word, ...]          # BuildKit's words (ENV/LABEL: key, value, sep triples)
    json: bool                      # exec (JSON array) form
    heredocs: tuple[Heredoc, ...]
    original: str                   # the logical line
    line_map: LineMap
    rest_lstart: int                # logical range of the text after the flags
    rest_lend: int
    line: int                       # 1-based first line
    # 1-based last line as BuildKit counts it: heredoc terminators included, and so are the
    # empty lines that end an instruction after a continuation or inside an unterminated heredoc;
    # ``span`` stops at the last character of text, so findings never point at those blank lines
    end_line: int
    index: int = -1                 # position in the file (-1 for an ONBUILD trigger)
    sub: "Instruction | None" = None          # ONBUILD's trigger instruction
    comments: tuple[str, ...] = ()            # comment lines attached above (BuildKit PrevComment)
    empty_continuation_lines: tuple[int, ...] = ()

    @property
    def rest(self) -> str:
        """The argument text after the flags, as one string (shell form's command)."""
        return self.original[self.rest_lstart:self.rest_lend]

    @property
    def rest_span(self) -> Span:
        return self.line_map.span(self.rest_lstart, self.rest_lend)

    def span_of(self, lstart: int, lend: int) -> Span:
        """Source span of a logical range of this instruction's line."""
        return self.line_map.span(lstart, lend)

    def flag(self, name: str) -> Flag | None:
        """The last flag called ``name`` (without ``--``), if any."""
        found = None
        for f in self.flags:
            if f.name == name:
                found = f
        return found

    def flag_values(self, name: str) -> list[str]:
        return [f.value or "" for f in self.flags if f.name == name]

    @property
    def shell_form(self) -> bool:
        return not self.json

    @property
    def effective(self) -> "Instruction":
        """The instruction that acts: the trigger of an ONBUILD, else itself."""
        return self.sub if self.sub is not None else self

    def pairs(self) -> list[tuple[Word, Word, Word]]:
        """ENV/LABEL (key, value, separator) triples."""
        a = self.args
        return [(a[i], a[i + 1], a[i + 2]) for i in range(0, len(a) - 2, 3)]


@record(frozen=True, slots=True)
class Directive:
    """A parser directive (``# syntax=``, ``# escape=``, ``# check=``) at the top of the file."""

    name: str
    value: str
    span: Span
    line: int


@record(frozen=True, slots=True)
class Comment:
    """A comment line; ``text`` is what follows ``#``, stripped."""

    text: str
    span: Span
    line: int
    in_continuation: bool = False
    directive: bool = False


@record(frozen=True, slots=True)
class ParseError:
    """Something BuildKit would reject, at a location.

    ``trigger``: a typed-layer error inside an ONBUILD trigger. BuildKit stores the trigger as
    text and builds the file; the error fails the builds that run the trigger (a stage or an
    image built FROM this one).

    ``limit``: not BuildKit's error but docklint's: the input passed one of its budgets (an
    expansion too large, a script nested too deep), so it did not check everything there; a
    warning.

    ``outside_stage``: the instruction is well formed but comes before the first FROM (BuildKit:
    ``no build stage in current context``). The model puts it in an implicit stage (see
    :class:`docklint.model.Stage`) and the rules read it as usual: unlike the other errors, it
    does not mean the instruction's words are not what the author meant.
    """

    message: str
    span: Span
    trigger: bool = False
    limit: bool = False
    outside_stage: bool = False
