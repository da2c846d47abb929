"""dockerfile-parse as a differential oracle for instruction boundaries (DESIGN.md section 3).

For every corpus file we compare, instruction by instruction, ``(KEYWORD, first line, last line)``
from dockerfile-parse's ``structure`` (0-based lines, shifted to 1-based here) with what
``docklint.parse`` produces. The two must agree, except where dockerfile-parse is known to be wrong
and BuildKit (``../shared/reference/dockerfile-syntax.md``, "ref" below) agrees with docklint.
Each such category is listed in :data:`CATEGORIES` and is only accepted when its trigger is found
in the file at the place the two parsers part ways; a disagreement that fits no category fails the
test, naming the file and the first differing instruction.

How a file is compared: every dockerfile-parse instruction is assigned to the docklint
instruction whose line range contains its first line (an *orphan* if there is none). A docklint
instruction agrees when exactly one dockerfile-parse instruction, with the same keyword and the
same first and last line, was assigned to it. Otherwise the category is decided by where
dockerfile-parse ended that instruction and what the source text holds there. Fake instructions
that dockerfile-parse makes of the rest of the region (heredoc bodies, lines after a blank line)
are part of the same disagreement; a dockerfile-parse instruction that runs past the region and
swallows the next docklint instructions makes those disagree for the same reason. One trigger
is file-wide: after a `# check=` directive dockerfile-parse ignores `# escape=`, which shifts
every continuation. ``test_oracle_catches_a_wrong_boundary`` shows that a docklint boundary off
by one line is not excused. No disagreement where dockerfile-parse is right is known; one would
be a docklint bug to fix, not a category to add.

Run with ``-s`` to see the counts per category; they are also recorded as the test's
``record_property`` values (visible in ``--junitxml`` reports).

Only this test (and ``linter/parse.py``) may import dockerfile_parse.
"""

from __future__ import annotations

import bisect
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass, field

import dockerfile_parse
import pytest

from docklint.parse import Parsed, parse
from docklint.record import replace
from docklint.source import Source, decode_bytes

from .conftest import corpus_files


# category -> what dockerfile-parse gets wrong, and where the reference says BuildKit does otherwise
CATEGORIES: dict[str, str] = {
    "heredoc-body": (
        "dockerfile-parse ends a RUN/COPY/ADD at the line holding the <<EOF marker and turns the "
        "heredoc body (and terminator) into fake instructions (its issue #145); BuildKit's node "
        "spans the bodies and terminators (ref 2.8, 2.12 item 14)"),
    "blank-line-in-continuation": (
        "a blank or whitespace-only line inside a continuation ends the instruction in "
        "dockerfile-parse, and the following lines become fake instructions; BuildKit skips such "
        "lines and the instruction goes on (ref 2.4, 2.12 item 2)"),
    "continuation-at-eof": (
        "the file ends while a continuation is open: dockerfile-parse drops the last instruction; "
        "BuildKit ends it normally (ref 2.4 'End of file inside a continuation', tests "
        "continue-at-eof and env)"),
    "escaped-escape-at-eol": (
        "a line ending in an escaped escape character (\\\\, or `` with `# escape=`; BuildKit "
        "also does not continue after \\\\\\), so not a continuation in BuildKit, is continued by "
        "dockerfile-parse, which merges the following lines into it (ref 2.4 'An escaped escape "
        "at the end of line does not continue', test trailing-backslash)"),
    "bare-keyword-at-eof": (
        "the last line is a keyword alone (e.g. `RUN`) with no newline after it: dockerfile-parse "
        "needs whitespace after the keyword and drops it; BuildKit parses it as an instruction "
        "with no arguments (ref 2.12 item 5)"),
    "bom": (
        "a UTF-8 byte-order mark leaks into dockerfile-parse's first keyword; BuildKit strips it "
        "(ref 2.1). The corpus has no BOM files, so this is only exercised by the examples below"),
    "rejected-by-buildkit": (
        "a line BuildKit's parser rejects (e.g. `ENV PATH`: 'ENV must have two arguments', ref "
        "2.6): docklint reports a parse error there and keeps no instruction for it, "
        "dockerfile-parse keeps one"),
    "whitespace-after-escape": (
        "the escape character is followed by whitespace other than spaces and tabs (e.g. a form "
        "feed): dockerfile-parse (regex \\s) continues the line, BuildKit does not (ref 2.4: "
        "'optionally followed by spaces or tabs'). Not in the corpus"),
    "check-directive": (
        "dockerfile-parse knows only the `syntax` and `escape` directives, so a `# check=` line "
        "ends its directive block and a later `# escape=` is ignored, changing every "
        "continuation; BuildKit accepts the three in any order (ref 2.2, 2.12 item 6). Not in "
        "the corpus; any disagreement in a file with this trigger is put here"),
    # Listed for completeness: it cannot move an instruction boundary, so it never fires here.
    "default-value-mangling": (
        "`${X:-default}` is mangled by dockerfile-parse's value substitution (its issue #122); "
        "values are not compared by this test, so this category never applies to boundaries"),
}

Entry = tuple[str, int, int]          # (KEYWORD, first line, last line), 1-based


@dataclass
class Disagreement:
    category: str | None              # None: unexplained
    ours: Entry | None
    theirs: list[Entry]


@dataclass
class Comparison:
    path: str
    ours: list[Entry]
    theirs: list[Entry]
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def unexplained(self) -> list[Disagreement]:
        return [d for d in self.disagreements if d.category is None]

    @property
    def categories(self) -> set[str]:
        return {d.category for d in self.disagreements if d.category is not None}


def theirs_of(data: bytes) -> list[Entry]:
    parser = dockerfile_parse.DockerfileParser(fileobj=io.BytesIO(data))
    return [(s["instruction"], s["startline"] + 1, s["endline"] + 1)
            for s in parser.structure if s["instruction"] != "COMMENT"]


def parse_bytes(data: bytes, path: str) -> Parsed:
    decoded = decode_bytes(data)
    return parse(Source(decoded.text, path, bom=decoded.bom, encoding=decoded.encoding))


def compare(data: bytes, path: str = "Dockerfile") -> Comparison:
    """Compare both parsers' instruction boundaries on one file and classify what differs."""
    parsed = parse_bytes(data, path)
    source = parsed.source
    text = source.text
    esc = parsed.escape
    nlines = source.line_count
    instructions = parsed.instructions
    ours: list[Entry] = [(i.keyword, i.line, i.end_line) for i in instructions]
    theirs = theirs_of(data)
    result = Comparison(path, ours, list(theirs))
    if ours == theirs:
        return result

    def line(n: int) -> str:
        return source.line_text(n) if 1 <= n <= nlines else ""

    def continues(n: int) -> bool:
        """Whether physical line n ends with an unescaped escape character (BuildKit)."""
        s = line(n).rstrip(" \t")
        return s.endswith(esc) and not s.endswith(esc + esc)

    def open_continuation(first: int, n: int) -> bool:
        """Whether line n (after ``first``) is inside a continuation: the closest line above it
        that is neither blank nor a comment ends with the escape character."""
        m = n - 1
        while m > first and (not line(m).strip() or line(m).lstrip().startswith("#")):
            m -= 1
        return continues(m)

    def last_code_line(first: int, n: int) -> int:
        """Line n, or the closest line above it that is not a comment (comment lines inside a
        continuation do not end it, in either parser)."""
        while n > first and line(n).lstrip().startswith("#"):
            n -= 1
        return n

    # A leaked BOM is a whole-file matter: note it, strip it, compare the rest.
    if theirs and theirs[0][0].startswith("\ufeff"):
        kw, a, b = theirs[0]
        theirs = [(kw.lstrip("\ufeff"), a, b), *theirs[1:]]
        result.disagreements.append(Disagreement("bom", ours[0] if ours else None,
                                                 [result.theirs[0]]))

    # Assign dockerfile-parse's instructions to the docklint instruction containing their start.
    starts = [o[1] for o in ours]
    groups: list[list[Entry]] = [[] for _ in ours]
    orphans: list[Entry] = []
    for t in theirs:
        k = bisect.bisect_right(starts, t[1]) - 1
        if k >= 0 and ours[k][1] <= t[1] <= ours[k][2]:
            groups[k].append(t)
        else:
            orphans.append(t)

    error_lines = {source.line_of(e.span.start) for e in parsed.errors}
    for t in orphans:
        # docklint has no instruction there: fine only where BuildKit's parser rejects the line.
        category = "rejected-by-buildkit" if t[1] in error_lines else None
        result.disagreements.append(Disagreement(category, None, [t]))

    overrun_end, overrun_category = 0, None
    last = len(ours) - 1
    for k, (o, g) in enumerate(zip(ours, groups)):
        if g == [o]:
            continue
        kw, first, end = o
        ins = instructions[k]
        category: str | None = None
        if first <= overrun_end:
            # an earlier dockerfile-parse instruction ran on into this one
            category = overrun_category
        elif not g:
            if k == last and end == nlines and not ins.heredocs and continues(
                    last_code_line(first, end)):
                category = "continuation-at-eof"
            elif (k == last and first == end == nlines and not text.endswith("\n")
                  and len(line(end).split()) == 1):
                category = "bare-keyword-at-eof"
        elif g[0][0] == kw and g[0][1] == first:
            their_end = g[0][2]
            if their_end < end:
                body = ins.effective.heredocs
                if not line(their_end).strip() and open_continuation(first, their_end):
                    category = "blank-line-in-continuation"
                elif (body and "<<" in line(their_end)
                      and source.line_of(body[0].body_span.start) == their_end + 1
                      and _is_terminator(line(end), body[-1].name, body[-1].chomp)):
                    category = "heredoc-body"
            elif their_end > end:
                s = line(end).rstrip(" \t")
                if s.endswith(esc + esc):
                    category = "escaped-escape-at-eol"
                elif re.search(re.escape(esc) + r"[ \t]*[^\S \t][\s]*$", line(end)):
                    category = "whitespace-after-escape"
        for t in g:
            if t[2] > end and category is not None:
                if t[2] > overrun_end:
                    overrun_end, overrun_category = t[2], category
        result.disagreements.append(Disagreement(category, o, g))

    escape = parsed.directives.get("escape")
    check = parsed.directives.get("check")
    if escape is not None and check is not None and check.line < escape.line:
        for d in result.disagreements:
            if d.category is None:
                d.category = "check-directive"
    return result


def _is_terminator(text: str, name: str, chomp: bool) -> bool:
    return (text.lstrip("\t") if chomp else text) == name


@pytest.fixture(scope="module")
def corpus_comparisons() -> list[Comparison]:
    corpus, files = corpus_files()
    return [compare((corpus / f).read_bytes(), f) for f in files]


def _describe(c: Comparison) -> str:
    d = c.unexplained[0] if c.unexplained else c.disagreements[0]
    if d.ours is not None:
        ours = f"docklint {d.ours[0]} lines {d.ours[1]}-{d.ours[2]}"
    else:
        ours = "docklint: no instruction there"
    theirs = ", ".join(f"{t[0]!r} lines {t[1]}-{t[2]}" for t in d.theirs) or "nothing"
    return f"{c.path}: {ours}; dockerfile-parse: {theirs}"


def test_corpus_boundaries_agree_except_in_known_categories(corpus_comparisons, record_property):
    files_per_category: Counter[str] = Counter()
    instructions_per_category: Counter[str] = Counter()
    unexplained = []
    for c in corpus_comparisons:
        for cat in c.categories:
            files_per_category[cat] += 1
        for d in c.disagreements:
            if d.category is not None:
                instructions_per_category[d.category] += 1
        if c.unexplained:
            unexplained.append(c)
    disagreeing = sum(1 for c in corpus_comparisons if c.disagreements)
    lines = [f"dockerfile-parse oracle: {len(corpus_comparisons)} files, "
             f"{len(corpus_comparisons) - disagreeing} agree on every instruction boundary, "
             f"{disagreeing} disagree"]
    for cat in CATEGORIES:
        lines.append(f"  {cat:28} {files_per_category[cat]:4} files "
                     f"{instructions_per_category[cat]:5} instructions differ")
        record_property(f"files:{cat}", files_per_category[cat])
    lines.append(f"  {'UNEXPLAINED':28} {len(unexplained):4} files")
    record_property("files:unexplained", len(unexplained))
    print("\n" + "\n".join(lines))
    assert not unexplained, (
        "instruction boundaries differ from dockerfile-parse's in no known category:\n"
        + "\n".join(_describe(c) for c in unexplained))


def test_oracle_agrees_on_most_of_the_corpus(corpus_comparisons):
    """Guard against the oracle silently comparing nothing (e.g. an API change)."""
    agree = [c for c in corpus_comparisons if not c.disagreements]
    assert len(agree) > 0.9 * len(corpus_comparisons)
    assert sum(len(c.ours) for c in agree) > 10 * len(agree)


# Each category, shown on minimal files: dockerfile-parse really disagrees in that way, and the
# classifier names it. Needs no shared data.
EXAMPLES: list[tuple[str, bytes]] = [
    ("heredoc-body", b"FROM alpine\nRUN <<EOF\napt-get update\nset -e\nEOF\nUSER nobody\n"),
    ("heredoc-body", b"FROM alpine\nONBUILD COPY <<-A <<B /x/\n\ta \\\n\tA\nb\nB\nUSER u\n"),
    ("blank-line-in-continuation", b"FROM alpine\nRUN apk add \\\n\n    curl\nUSER nobody\n"),
    ("blank-line-in-continuation", b"FROM alpine\nRUN a \\\n  # c\n \t\n  b\n"),
    ("continuation-at-eof", b"FROM alpine\nRUN echo hi \\\n"),
    ("continuation-at-eof", b"FROM alpine\nRUN echo hi \\\n  # a comment\n"),
    ("escaped-escape-at-eol", b"FROM alpine\nENV A=b\\\\\nENV C=d\n"),
    ("escaped-escape-at-eol", b"FROM alpine\nRUN echo \\\\\\\nRUN echo b\n"),
    ("escaped-escape-at-eol", b"# escape=`\nFROM alpine\nRUN echo a ``\nRUN echo b `\n  c\n"),
    ("bare-keyword-at-eof", b"FROM alpine\nUSER"),
    ("bom", b"\xef\xbb\xbfFROM alpine\nUSER nobody\n"),
    ("rejected-by-buildkit", b"FROM alpine\nENV PATH\nUSER nobody\n"),
    ("whitespace-after-escape", b"FROM alpine\nRUN echo a \\\x0c\nRUN echo b\n"),
    ("check-directive", b"# check=skip=all\n# escape=`\nFROM alpine\nRUN echo a `\n  b\n"),
]


@pytest.mark.parametrize("category,data", EXAMPLES, ids=[f"{c}-{i}" for i, (c, _) in
                                                         enumerate(EXAMPLES)])
def test_category_example(category, data):
    c = compare(data)
    assert c.disagreements, "dockerfile-parse now agrees: the category may be obsolete"
    assert c.categories == {category} and not c.unexplained, c.disagreements


def test_agreement_example():
    data = (b"# syntax=docker/dockerfile:1\nFROM alpine AS build\n# comment\nRUN a \\\n"
            b"    # inside\n    b\nCOPY --from=build /x /y\nCMD [\"x\"]\n")
    c = compare(data)
    assert c.ours == c.theirs and not c.disagreements


@pytest.mark.parametrize("data,index", [
    (b"FROM alpine\nRUN a \\\n  b\nUSER nobody\n", 1),
    (b"FROM alpine\nRUN <<EOF\nx\nEOF\nUSER nobody\n", 1),
    (b"FROM alpine\nRUN a \\\n\n  b\nUSER nobody\n", 1),
])
def test_oracle_catches_a_wrong_boundary(data, index, monkeypatch):
    """Make docklint end one instruction a line early: the oracle must not excuse it."""
    real = parse_bytes

    def broken(data: bytes, path: str) -> Parsed:
        parsed = real(data, path)
        ins = parsed.instructions[index]
        parsed.instructions[index] = replace(ins, end_line=ins.end_line - 1)
        return parsed

    monkeypatch.setattr(sys.modules[__name__], "parse_bytes", broken)
    assert compare(data).unexplained


def test_every_category_is_documented():
    assert {c for c, _ in EXAMPLES} <= set(CATEGORIES)
