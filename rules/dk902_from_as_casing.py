"""`AS` in a FROM line whose case does not match the `FROM` keyword.

## What it does
Fires when a `FROM image AS name` line writes `FROM` in upper case but `AS` not in upper case
(`FROM x as y`), or `from` in lower case but `as` not in lower case (`from x AS y`). A keyword
in mixed case (`From`) is not checked here: DK904 reports it. The finding points at `AS`. This
is BuildKit's FromAsCasing check (accepted as an alias), with the same trigger.

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

from docklint.rule import Edit, Finding, Fix, Severity, rule


@rule("DK902", "from-as-casing", Severity.WARNING, tags={"style"}, aliases=("FromAsCasing",),
      fixable="always")
def check(df, options):
    for stage in df.stages:
        ins = stage.from_
        if len(ins.args) < 3 or ins.args[1].value.lower() != "as":
            continue
        kw, word = ins.written, ins.args[1]
        if kw == kw.upper() and word.value != word.value.upper():
            want = word.value.upper()
        elif kw == kw.lower() and word.value != word.value.lower():
            want = word.value.lower()
        else:
            continue
        yield Finding(word.span, f"`{word.value}` does not match the case of `{kw}`: write "
                                 f"`{want}`", fix=Fix(f"Write `{want}`", (Edit(word.span, want),)))
