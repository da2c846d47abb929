"""The expectation grammar of rule fixtures (DESIGN.md section 6).

A fixture is ``fixtures/rules/<CODE>/<case>.Dockerfile``. Own-line comments of the form::

    # expect: DK101 col=1-13 "CA bundle"
    # expect: DK301 col=1 end=9:4 "distroless"

apply to the next line that is not an expectation (``# also:`` in the same form expects another
place of a merged finding: a related occurrence of a finding of that code, at that range, whose
own message holds the text; checked both ways too); ``line=N`` before ``col=`` names the line
instead (for findings on lines no comment can precede, such as parser directives). ``col=S-E`` is a single-line range (``E`` is
the exclusive end column); ``col=S end=L:E`` ends on another line. The quoted text must occur in
the message. A fixture without expectations must produce no findings.

A first-line header ``# fixture: key=value ...`` sets ``target=``, ``build-arg=K=V`` (repeatable),
``option=NAME=VALUE`` (the rule's options), ``select=CODE`` (repeatable: a sub-code that is off
by default, such as ShellCheck's SC2086, selected besides the rule) and ``unsafe-fixes=true`` (the ``.fixed`` file
shows the result with unsafe fixes applied too). A sibling directory ``<case>.context/`` is the
build context; without one the fixture has no context on disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_EXPECT = re.compile(r'^\s*#\s*(?P<kind>expect|also):\s*(?P<code>[A-Za-z]+\d+)\s+(?:line=(?P<line>\d+)\s+)?'
                     r'col=(?P<col>\d+)'
                     r'(?:-(?P<endcol>\d+))?(?:\s+end=(?P<endline>\d+):(?P<endcol2>\d+))?'
                     r'\s+"(?P<text>[^"]*)"\s*$')
_HEADER = re.compile(r"^\s*#\s*fixture:(?P<body>.*)$")


@dataclass(frozen=True)
class Expectation:
    code: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    source_line: int
    # "expect": a finding here; "also": another place of a merged finding (a related
    # occurrence of a finding of this code, whose message holds the text)
    kind: str = "expect"

    def matches(self, f) -> bool:
        if self.kind == "also":
            return f.code == self.code and any(self.matches_place(pos) for _, pos in places(f))
        return (f.code == self.code and
                self.matches_place((f.line, f.column, f.end_line, f.end_column, f.message)))

    def matches_place(self, pos: tuple) -> bool:
        line, column, end_line, end_column, message = pos
        return ((line, column, end_line, end_column) ==
                (self.line, self.column, self.end_line, self.end_column) and self.text in message)

    def __str__(self) -> str:
        return (f"{self.kind} {self.code} {self.line}:{self.column}-{self.end_line}:"
                f"{self.end_column} {self.text!r}")


def places(f) -> list[tuple]:
    """The other places of a merged finding: (Related, (line, col, end_line, end_col, msg))."""
    return [(rel, pos) for rel, pos in zip(f.related, f.related_positions) if rel.occurrence]


@dataclass
class Fixture:
    path: Path
    text: str
    data: bytes
    expectations: list[Expectation] = field(default_factory=list)
    target: str | None = None
    build_args: dict[str, str] = field(default_factory=dict)
    options: dict[str, object] = field(default_factory=dict)
    context: Path | None = None
    unsafe_fixes: bool = False
    select: list[str] = field(default_factory=list)     # more selectors (a sub-code off by default)


def _value(raw: str) -> object:
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    if raw.isdigit():
        return int(raw)
    return raw


def _expectation(path: Path, src_line: int, m: re.Match[str], line: int) -> Expectation:
    col = int(m.group("col"))
    if m.group("endline"):
        end_line, end_col = int(m.group("endline")), int(m.group("endcol2"))
    elif m.group("endcol"):
        end_line, end_col = line, int(m.group("endcol"))
    else:
        raise ValueError(f"{path}:{src_line}: expectation needs col=S-E or end=L:C")
    return Expectation(m.group("code").upper(), line, col, end_line, end_col, m.group("text"),
                       src_line, m.group("kind"))


def load(path: Path) -> Fixture:
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    fx = Fixture(path, text, data)
    ctx = path.with_name(path.name[: -len(".Dockerfile")] + ".context")
    fx.context = ctx if ctx.is_dir() else None
    lines = text.splitlines()
    pending: list[tuple[int, re.Match[str]]] = []
    for idx, line in enumerate(lines, 1):
        head = _HEADER.match(line)
        if head and idx == 1:
            for item in head.group("body").split():
                key, _, value = item.partition("=")
                if key == "target":
                    fx.target = value
                elif key == "build-arg":
                    k, _, v = value.partition("=")
                    fx.build_args[k] = v
                elif key == "option":
                    k, _, v = value.partition("=")
                    fx.options[k] = _value(v)
                elif key == "select":
                    fx.select.append(value)
                elif key == "unsafe-fixes":
                    fx.unsafe_fixes = _value(value) is True
                else:
                    raise ValueError(f"{path}:{idx}: unknown fixture header key {key!r}")
            continue
        m = _EXPECT.match(line)
        if m and m.group("line"):
            fx.expectations.append(_expectation(path, idx, m, int(m.group("line"))))
            continue
        if m:
            pending.append((idx, m))
            continue
        if re.match(r"^\s*#\s*(?:expect|also)\b", line):
            raise ValueError(f"{path}:{idx}: malformed expectation: {line.strip()}")
        for src_line, pm in pending:
            fx.expectations.append(_expectation(path, src_line, pm, idx))
        pending = []
    if pending:
        raise ValueError(f"{path}:{pending[0][0]}: expectation at end of file applies to nothing")
    return fx
