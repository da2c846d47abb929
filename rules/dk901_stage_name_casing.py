"""A stage name with upper-case letters.

## What it does
Fires when the name in `FROM image AS Name` is not all lower case. It points at the name. A name
that is invalid however it is written (`AS 1st`) is a parse error (DK000), not this.

## Differences from BuildKit
Same trigger as BuildKit's StageNameCasing: a `FROM image AS Name` whose name is not all lower
case. BuildKit reports the whole FROM line; docklint points at the name and adds a fix that
lower-cases it and the references to it.

## Why is this bad?
BuildKit lower-cases stage names: `AS Build` defines the stage `build`, and `COPY --from=BUILD`,
`--from=build` and `--target build` all find it. Writing it in mixed case suggests a
distinction that does not exist, and a search for `Build` misses the places that spell it
`build`. BuildKit warns about it on every build.

## Example
```dockerfile
FROM golang:1.22 AS Build
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=Build /out/app /app
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
```

## Fix safety
The fix lower-cases the name where the stage is defined and in every reference to the stage
written with its name: `FROM <stage>`, `COPY --from=<stage>`, `RUN --mount=...,from=<stage>`
(and those in `ONBUILD` triggers that resolve to it). BuildKit matches stage names ignoring
case, so each reference names the same stage before and after: the build is the same. A
reference spelt through a variable (`--from=$SRC`) or with quotes is left as it is.
"""

from __future__ import annotations


from docklint.lazyre import lazy
from docklint.rule import Edit, Finding, Fix, Severity, rule

_VALID = lazy(r"[a-z][a-z0-9\-_.]*")


def _reference_edits(df, stage, low: str) -> list[Edit]:
    """Edits that write every reference to ``stage`` by name in lower case."""
    text = df.source.text
    edits: dict[tuple[int, int], Edit] = {}
    for edge in df.graph.edges:
        if edge.target != stage.index or not edge.resolved:
            continue
        span = edge.value_span or edge.span
        raw = edge.ref if edge.kind == "base" else edge.raw
        written = text[span.start:span.end]
        # the reference exactly as written, naming the stage (not a variable, not quoted)
        if written != raw or written.lower() != low or written == low:
            continue
        edits.setdefault((span.start, span.end), Edit(span, low))
    return list(edits.values())


@rule("DK901", "stage-name-casing", Severity.WARNING, tags={"style"},
      aliases=("StageNameCasing",), fixable="always", needs="stage-names")
def check(df, options):
    for stage in df.stages:
        word = stage.name_word
        if word is None or word.value == word.value.lower() or \
                not _VALID.fullmatch(word.value.lower()):
            continue
        low = word.value.lower()
        edits = [Edit(word.span, low), *_reference_edits(df, stage, low)]
        refs = len(edits) - 1
        also = f" and {refs} reference{'s' if refs != 1 else ''} to it" if refs else ""
        yield Finding(word.span, f"stage name `{word.value}` should be lower case: BuildKit "
                                 f"calls the stage `{low}` anyway",
                      fix=Fix(f"Rename to `{low}`{also}", tuple(edits)))
