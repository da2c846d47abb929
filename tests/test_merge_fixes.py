"""The fixes of merged findings combine into one (engine._merged_fix): edits that overlap an
earlier fix's are left out, identical ones kept once. Checked against the straightforward
pairwise definition on random fixes, and on thousands of places (the fuzzer's input with one
RUN of 4,700 commands made the pairwise version quadratic)."""

from __future__ import annotations

import random

from docklint.engine import _merged_fix
from docklint.rule import Edit, Finding, Fix
from docklint.source import Span


def pairwise(members: list[Finding]) -> list[tuple[int, int, str]]:
    """The definition: a fix is taken whole when none of its edits overlaps an edit taken
    before (the same edit twice is not an overlap)."""
    fixes = [f.fix for f in members if f.fix is not None and f.fix.edits]
    edits: list[Edit] = []
    for fix in fixes:
        if all(e.span.end <= o.span.start or o.span.end <= e.span.start or
               (e.span == o.span and e.text == o.text) for e in fix.edits for o in edits):
            edits += [e for e in fix.edits if e not in edits]
    return sorted((e.span.start, e.span.end, e.text) for e in edits)


def random_fix(rnd: random.Random) -> Fix:
    edits, pos = [], rnd.randint(0, 10)
    for _ in range(rnd.randint(1, 3)):          # a fix's own edits do not overlap
        start = pos + rnd.randint(0, 4)
        end = start + rnd.choice([0, 0, 1, 2, 3])
        edits.append(Edit(Span(start, end), rnd.choice(["x", "y"])))
        pos = end + (1 if start == end else 0)
    return Fix("f", tuple(edits))


def test_same_as_the_pairwise_definition():
    rnd = random.Random(11)
    for _ in range(5000):
        members = [Finding(Span(0, 1), "m", fix=random_fix(rnd))
                   for _ in range(rnd.randint(2, 8))]
        got = _merged_fix(members)
        assert sorted((e.span.start, e.span.end, e.text) for e in got.edits) == \
            pairwise(members)
        assert [e.span.start for e in got.edits] == sorted(e.span.start for e in got.edits)


def test_thousands_of_places():
    members = [Finding(Span(10 * n, 10 * n + 3), "m",
                       fix=Fix("quote it", (Edit(Span(10 * n, 10 * n + 3), f'"{n}"'),)))
               for n in range(5000)]
    members.append(Finding(Span(5, 12), "m", fix=Fix("other", (Edit(Span(5, 12), "z"),))))
    fix = _merged_fix(members)
    assert len(fix.edits) == 5000 and fix.message == "quote it; other"
