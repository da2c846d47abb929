"""`FROM --platform=$TARGETPLATFORM` says what the builder does anyway.

## What it does
Fires on a `FROM --platform=` whose value is exactly `$TARGETPLATFORM` or `${TARGETPLATFORM}`.
A value that combines it with anything else (`${TARGETPLATFORM:-linux/amd64}`, which keeps the
file working with the classic builder, or `$TARGETPLATFORM-x`) is left alone. Every stage is
checked, reachable or not. A file that declares a global `ARG TARGETPLATFORM=<default>` of its
own is left alone: the flag then uses that value, not the automatic one.

Under ONBUILD: nothing to check, since only `FROM` takes this flag here and BuildKit refuses
`ONBUILD FROM` (DK000).

## Why is this bad?
Every stage is built for the target platform unless told otherwise, so the flag changes nothing.
It is noise that suggests a cross-compilation setup where there is none, and it is often a
mistake for `--platform=$BUILDPLATFORM`, the value that actually makes a builder stage run
natively while it compiles for the target.

## Differences from hadolint
Same trigger as hadolint's DL3065 (the two spellings above), except that hadolint also fires
when a global `ARG TARGETPLATFORM` with a default of its own gives the flag another value.

## Differences from BuildKit
Same trigger as BuildKit's RedundantTargetPlatform: the value is exactly the variable, which
expands to its own automatic value.

## Example
```dockerfile
FROM --platform=$TARGETPLATFORM alpine:3.20
RUN apk add --no-cache curl
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```
"""

from __future__ import annotations

from docklint.rule import Finding, Severity, rule

_PLAIN = ("$TARGETPLATFORM", "${TARGETPLATFORM}")


@rule("DK308", "redundant-target-platform", Severity.WARNING, tags={"style"},
      aliases=("RedundantTargetPlatform", "DL3065"),
      words=("--platform",))
def check(df, options):
    for stage in df.stages:
        flag = stage.platform_flag
        if flag is None or flag.value not in _PLAIN:
            continue
        decl = df.global_arg("TARGETPLATFORM")
        if decl is not None and decl.default is not None:
            continue      # a global ARG with a default of its own: not the automatic value
        yield Finding(flag.span, f"`--platform={flag.value}` is redundant: a stage is "
                                 f"built for the target platform by default; drop the flag "
                                 f"(or use `$BUILDPLATFORM` if the stage should run on the "
                                 f"build machine)")
