"""A stage named `scratch` or `context`.

## What it does
Fires at the name of a stage called `scratch` or `context` (in any case), as a warning:
BuildKit reports it as a build check and builds the file anyway (it fails only with
`# check=error=true`).

Under ONBUILD: nothing to check, since stage names are only given by `FROM` and BuildKit refuses
`ONBUILD FROM` (DK000).

## Why is this bad?
Both names already mean something to BuildKit: `scratch` is the empty image and `context` is the
build context. With a stage of either name, `FROM scratch` or `--from=context` no longer says
which one is meant.

## Differences from hadolint
hadolint's DL3063 compares the name as written, so `AS Scratch` passes there; docklint, like
BuildKit (which lower-cases stage names), reports it.

## Differences from BuildKit
Same trigger as BuildKit's ReservedStageName; docklint points at the name rather than at the
whole FROM line.

## Example
```dockerfile
FROM alpine:3.20 AS scratch
RUN mkdir -p /out && echo hi > /out/greeting

FROM alpine:3.20
COPY --from=scratch /out/greeting /greeting
```

## Use instead
```dockerfile
FROM alpine:3.20 AS workspace
RUN mkdir -p /out && echo hi > /out/greeting

FROM alpine:3.20
COPY --from=workspace /out/greeting /greeting
```
"""

from __future__ import annotations

from docklint.rule import Finding, Severity, rule

_MEANING = {"scratch": "the empty base image", "context": "the build context"}


@rule("DK205", "reserved-stage-name", Severity.WARNING, tags={"stages"},
      aliases=("DL3063", "ReservedStageName"), needs="stage-names")
def check(df, options):
    for stage in df.stages:
        if stage.name in _MEANING and stage.name_word is not None:
            yield Finding(stage.name_word.span,
                          f"`{stage.name_word.value}` is a reserved name ({_MEANING[stage.name]}) "
                          f"that should not name a stage: choose another name")
