"""An instruction keyword whose case differs from the rest of the file.

## What it does
Counts the instruction keywords of the file: the `FROM` of every stage and every instruction
inside a stage. All-lower-case ones count as lower, all-upper-case ones as upper, mixed case
(`Run`) as neither. The file's case is lower only when lower-case keywords outnumber upper-case
ones, so a tie means upper. Then every keyword not written in that case is reported, mixed ones
always. `ARG`s before the first `FROM` are neither counted nor reported, and the instruction
inside an `ONBUILD` is not looked at.

## Differences from BuildKit
Same trigger as BuildKit's ConsistentInstructionCasing, with exactly its counting rules (ties
go to upper case, mixed case always reported, global ARGs and ONBUILD triggers left out).
docklint points at the keyword and adds a fix that rewrites it in the file's case.

## Why is this bad?
Keywords are case-insensitive, so this is about reading: upper-case keywords are the common
convention and make the instructions stand out from their arguments. A file that mixes cases
is usually a file pasted together from several sources, and BuildKit warns about it on every
build.

## Example
```dockerfile
FROM alpine:3.20
run apk add --no-cache curl
COPY app /app
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
COPY app /app
```

## Fix safety
The fix rewrites the keyword in the file's case; keywords are case-insensitive, so the build is
the same.
"""

from __future__ import annotations

from docklint.checks import keyword_counts
from docklint.rule import Edit, Finding, Fix, Severity, rule


def _keywords(df):
    for stage in df.stages:
        yield stage.from_
        yield from stage.instructions


@rule("DK904", "instruction-casing", Severity.WARNING, tags={"style"},
      aliases=("ConsistentInstructionCasing",), fixable="always")
def check(df, options):
    lower, upper = keyword_counts(df)
    majority_lower = lower > upper
    case = "lower" if majority_lower else "upper"
    for ins in _keywords(df):
        w = ins.written
        want = w.lower() if majority_lower else w.upper()
        if w == want:
            continue
        if lower == upper:
            why = f"{upper} upper-case and {lower} lower-case, and a tie goes to upper case"
        elif majority_lower:
            why = f"{lower} lower-case against {upper} upper-case"
        else:
            why = f"{upper} upper-case against {lower} lower-case"
        yield Finding(ins.keyword_span, f"`{w}` should be {case} case like most instructions "
                                        f"in this file ({why}): `{want}`",
                      fix=Fix(f"Write `{want}`", (Edit(ins.keyword_span, want),)))
