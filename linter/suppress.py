"""Inline suppressions: own-line pragma comments that silence findings.

``# docklint ignore=DK101,missing-ca-bundle  # reason`` silences those rules on the next
instruction (its whole span; blank lines and other comments may come between).
``# docklint global ignore=...`` silences them in the whole file. Codes, slugs and aliases all
work. A malformed pragma or an unknown code is reported (DK001), never silently ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .registry import UnknownRule, resolve, subcode_owner
from .source import Span
from .syntax import Comment, Instruction

__all__ = ["Pragma", "PragmaProblem", "collect", "suppressed"]

_PRAGMA = re.compile(r"^docklint\b(?P<body>.*)$", re.I)
_FORM = re.compile(r"^\s+(?:(?P<scope>global|stage)\s+)?ignore\s*=\s*(?P<codes>[^#]*?)\s*"
                   r"(?:#\s*(?P<reason>.*))?$", re.I)


@dataclass(frozen=True)
class Pragma:
    scope: str                   # "next" | "stage" | "global"
    codes: frozenset[str]        # rule codes
    comment: Comment
    covers: Span | None          # for "next": the instruction's span; for "stage": the stage's
    reason: str = ""


@dataclass(frozen=True)
class PragmaProblem:
    span: Span
    message: str


def collect(comments: list[Comment], instructions: list[Instruction]
            ) -> tuple[list[Pragma], list[PragmaProblem]]:
    """Parse every docklint pragma among ``comments``."""
    pragmas: list[Pragma] = []
    problems: list[PragmaProblem] = []
    starts = [i.span.start for i in instructions]
    for c in comments:
        if c.in_continuation or c.directive:
            continue
        m = _PRAGMA.match(c.text)
        if not m:
            continue
        form = _FORM.match(m.group("body"))
        if not form or not form.group("codes").strip():
            problems.append(PragmaProblem(c.span, "malformed docklint pragma: expected "
                                          "`# docklint [global|stage] ignore=CODE[,CODE...]`"))
            continue
        codes: set[str] = set()
        bad = False
        for raw in form.group("codes").split(","):
            name = raw.strip()
            if not name:
                continue
            if subcode_owner(name) is not None:
                codes.add(name.upper())     # one ShellCheck code, not the whole rule
                continue
            try:
                codes.update(r.code for r in resolve(name))
            except UnknownRule as exc:
                problems.append(PragmaProblem(c.span, f"{exc} in docklint pragma"))
                bad = True
        if not codes:
            if not bad:
                problems.append(PragmaProblem(c.span, "docklint pragma names no rule"))
            continue
        scope = (form.group("scope") or "next").lower()
        covers: Span | None = None
        if scope in ("next", "stage"):
            nxt = _next_instruction(instructions, starts, c.span.end)
            if nxt is None:
                problems.append(PragmaProblem(c.span, "docklint pragma is not followed by an "
                                              "instruction"))
                continue
            if scope == "stage":
                if nxt.keyword != "FROM":
                    problems.append(PragmaProblem(
                        c.span, "`docklint stage ignore=` must come right before a FROM"))
                    continue
                covers = _stage_span(instructions, nxt)
            else:
                covers = nxt.span
        pragmas.append(Pragma(scope, frozenset(codes), c, covers, form.group("reason") or ""))
    return pragmas, problems


def _next_instruction(instructions: list[Instruction], starts: list[int], offset: int
                      ) -> Instruction | None:
    import bisect
    i = bisect.bisect_left(starts, offset)
    return instructions[i] if i < len(instructions) else None


def _stage_span(instructions: list[Instruction], from_: Instruction) -> Span:
    end = from_.span.end
    started = False
    for ins in instructions:
        if ins is from_:
            started = True
            continue
        if started:
            if ins.keyword == "FROM":
                break
            end = ins.span.end
    return Span(from_.span.start, end)


def suppressed(pragmas: list[Pragma], codes: tuple[str, ...], span: Span) -> Pragma | None:
    """The pragma that silences a finding reported under any of ``codes`` (its rule's code
    and, for a sub-code, the sub-code) at ``span``, if any."""
    for p in pragmas:
        if not any(c in p.codes for c in codes):
            continue
        if p.scope == "global":
            return p
        if p.covers is not None and p.covers.start <= span.start <= p.covers.end:
            return p
    return None
