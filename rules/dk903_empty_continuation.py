r"""An empty line inside an instruction continued with `\`.

## What it does
Fires for an instruction whose continuation lines include an empty or whitespace-only line. One
finding per instruction, at its first empty line; the message says how many there are. Comment
lines inside a continuation are fine and not counted.

Under ONBUILD: an `ONBUILD` instruction is checked like any other, its trigger being part of its
lines.

## Differences from BuildKit
Same trigger as BuildKit's NoEmptyContinuation: one finding per instruction with an empty or
whitespace-only continuation line. BuildKit reports the instruction's *last* line, because that
is where its parser happens to be when it notices. docklint points at the first empty line
itself: that is the line to delete, and it is often far from the last line of a long `RUN`.

## Why is this bad?
The builder skips the empty line and keeps reading the instruction, so it looks as if the
instruction ended there when it did not. When someone deletes the `\` above it on purpose, or
an editor strips trailing blanks, the meaning changes. BuildKit says empty continuation lines
will become an error.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update && \

    apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && \
    apt-get install -y --no-install-recommends curl
```

## Fix safety
The fix deletes the empty lines of the instruction. The builder skips them already, so the
build is the same.
"""

from __future__ import annotations

from docklint.rule import Edit, Finding, Fix, Severity, rule
from docklint.source import Span


@rule("DK903", "empty-continuation", Severity.WARNING, tags={"style"},
      aliases=("NoEmptyContinuation",), fixable="always",
      needs="empty-continuations")
def check(df, options):
    src = df.source
    for ins in df.instructions:
        lines = ins.empty_continuation_lines
        if not lines:
            continue
        edits = []
        for n in lines:
            end = src.line_start(n + 1) if n < src.line_count else len(src.text)
            edits.append(Edit(Span(src.line_start(n), end), ""))
        more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
        yield Finding(src.line_span(lines[0]),
                      f"empty line inside the {ins.written} instruction starting on line "
                      f"{ins.line}{more}: the builder skips it and the instruction goes on; "
                      "delete it",
                      fix=Fix("Delete the empty continuation lines", tuple(edits)))
