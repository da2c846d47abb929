"""`FROM --platform=$TARGETPLATFORM` says what the builder does anyway.

## What it does
Fires on a `FROM --platform=` whose value is nothing but the `TARGETPLATFORM` variable, however
it is written (`$TARGETPLATFORM`, `${TARGETPLATFORM}`, or a form such as
`${TARGETPLATFORM:-linux/amd64}` that always yields its value). A value that combines it with
anything else, or uses another variable as well, is left alone. Every stage is checked,
reachable or not.

This is BuildKit's `RedundantTargetPlatform` check, with its name accepted as an alias (so
`# check=skip=RedundantTargetPlatform` works); hadolint's DL3065, also an alias, only recognises
the two plain spellings `$TARGETPLATFORM` and `${TARGETPLATFORM}`.

## Why is this bad?
Every stage is built for the target platform unless told otherwise, so the flag changes nothing.
It is noise that suggests a cross-compilation setup where there is none, and it is often a
mistake for `--platform=$BUILDPLATFORM`, the value that actually makes a builder stage run
natively while it compiles for the target.

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

from docklint.model import AUTOMATIC_ARGS
from docklint.rule import Finding, Severity, rule
from docklint.variables import expand

# two different values TARGETPLATFORM could have: redundant means "yields it in both cases"
_SAMPLES = ("linux/amd64", "linux/arm64/v8")


@rule("DK308", "redundant-target-platform", Severity.WARNING, tags={"style"},
      aliases=("RedundantTargetPlatform", "DL3065"))
def check(df, options):
    for stage in df.stages:
        flag = stage.platform_flag
        if flag is None or not flag.value or "TARGETPLATFORM" not in flag.value:
            continue
        if all(_yields_target(df, flag.value, sample) for sample in _SAMPLES):
            yield Finding(flag.span, f"`--platform={flag.value}` is redundant: a stage is "
                                     f"built for the target platform by default; drop the flag "
                                     f"(or use `$BUILDPLATFORM` if the stage should run on the "
                                     f"build machine)")


def _yields_target(df, value: str, sample: str) -> bool:
    env = dict(df.global_env)
    for name in AUTOMATIC_ARGS:
        if env.get(name) is None:
            env[name] = f"<{name}>"
    env["TARGETPLATFORM"] = sample
    result = expand(value, env, df.escape)
    return set(result.used) == {"TARGETPLATFORM"} and result.value == sample
