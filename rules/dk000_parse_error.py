"""A line BuildKit would refuse to build.

## What it does
Reports everything BuildKit's Dockerfile frontend rejects, at its location: an unknown
instruction, a flag that the instruction does not take or that lacks its value, `FROM` with the
wrong number of arguments, an invalid stage name, `ENV` without a value, a JSON array with a
non-string in it, an unterminated heredoc, a duplicated or invalid parser directive, a line
longer than BuildKit can read, an instruction before the first `FROM`, an image reference
written without variables that is not a valid reference (`FROM Alpine:3.20`,
`FROM repo:tag:more`, `COPY --from=ghcr.io/o/App:1`: BuildKit fails with
`invalid reference format`), and files that are not Dockerfiles at all (binary, UTF-16,
empty). A reference built from ARGs is DK208's to judge. hadolint's DL3043 (`ONBUILD ONBUILD`, `ONBUILD FROM`, `ONBUILD MAINTAINER`)
and DL3061 (an instruction before the first `FROM`) are among these, so their codes name this
rule.

## Why is this bad?
`docker build` stops at the first of these with an error; nothing else in the file matters
until it is fixed. docklint keeps linting the rest of the file so you see every problem at once.

## Example
```dockerfile
FROM alpine:3.20
RUN --mount type=cache,target=/root/.cache apk add curl
COPY --chmod=755 entrypoint.sh
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN --mount=type=cache,target=/root/.cache apk add curl
COPY --chmod=755 entrypoint.sh /usr/local/bin/
```
"""

from __future__ import annotations

from docklint.checks import has_parse_error
from docklint.rule import Finding, Severity, rule


@rule("DK000", "parse-error", Severity.ERROR, tags={"syntax"}, aliases=("DL3043", "DL3061"))
def check(df, options):
    for err in df.errors:
        yield Finding(err.span, err.message)
    for stage in df.stages:
        base = stage.base
        if base.kind == "image" and "$" not in base.raw and base.image is not None and \
                base.image.error and not has_parse_error(df, stage.from_):
            yield _bad_ref(base.span, base.raw, base.image.error)
    for edge in df.graph.edges:
        if edge.kind != "base" and edge.image is not None and edge.image.error and \
                "$" not in edge.raw and any(c in edge.raw for c in "/:@"):
            yield _bad_ref(edge.value_span or edge.span, edge.raw, edge.image.error)


def _bad_ref(span, raw: str, error: str) -> Finding:
    return Finding(span, f"`{raw}` is not a valid image reference ({error}): BuildKit fails "
                         f"with `invalid reference format`")
