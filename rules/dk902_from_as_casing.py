"""`AS` in a FROM line whose case does not match the `FROM` keyword.

## What it does
Fires when a `FROM image AS name` line writes `FROM` in upper case but `AS` not in upper case
(`FROM x as y`), or `from` in lower case but `as` not in lower case (`from x AS y`). A keyword
in mixed case (`From`) is not checked here: DK904 reports it. The finding points at `AS`.

Under ONBUILD: nothing to check, because `ONBUILD FROM` is not allowed (DK000 reports it).

## Differences from BuildKit
Same trigger as BuildKit's FromAsCasing, except where the `FROM` keyword itself is not in the
case of most keywords of the file, which DK904 (ConsistentInstructionCasing) reports: there
`AS` is compared with the file's case, so that the two rules never give opposite advice (in an
upper-case file, `from x AS y` gets DK904's "write `FROM`" alone, where BuildKit also asks for
`as`, and `from x as y` gets "write `FROM`" and "write `AS`", where BuildKit is quiet about
`as`). BuildKit reports the whole FROM line; docklint points at `AS`.

## Why is this bad?
Both spellings work, but a file that mixes them reads as if `as` were something other than the
keyword, and BuildKit warns about it on every build.

## Example
```dockerfile
FROM golang:1.22 as build
RUN go build -o /out/app .
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .
```

## Fix safety
The fix writes `AS` in the case of the `FROM` keyword; keywords are case-insensitive, so the
build is the same.
"""

from __future__ import annotations

from docklint.checks import keyword_case
from docklint.rule import Edit, Finding, Fix, Severity, rule


@rule("DK902", "from-as-casing", Severity.WARNING, tags={"style"}, aliases=("FromAsCasing",),
      fixable="always", needs="stage-names")
def check(df, options):
    case = None
    for stage in df.stages:
        ins = stage.from_
        if len(ins.args) < 3 or ins.args[1].value.lower() != "as":
            continue
        kw, word = ins.written, ins.args[1]
        if kw not in (kw.upper(), kw.lower()):
            continue          # `From`: DK904 reports the keyword
        if case is None:
            case = keyword_case(df)
        upper = kw == kw.upper()
        if upper == (case == "upper"):
            why = f"the case of `{kw}`"
        else:
            # DK904 asks for the keyword in the file's case: agree with it, not with `kw`
            upper = not upper
            why = (f"the case of this file's keywords (DK904 asks for "
                   f"`{kw.upper() if upper else kw.lower()}`)")
        want = word.value.upper() if upper else word.value.lower()
        if word.value == want:
            continue
        yield Finding(word.span, f"`{word.value}` does not match {why}: write `{want}`",
                      fix=Fix(f"Write `{want}`", (Edit(word.span, want),)))
