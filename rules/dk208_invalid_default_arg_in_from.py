"""With only the ARG defaults, a FROM line does not name a valid image.

## What it does
Expands every FROM image reference that contains a variable the way BuildKit's
InvalidDefaultArgInFrom check does (also accepted as a name of this rule): with the defaults of
the global ARGs only, ignoring any `--build-arg`, an ARG without a default read as empty, and
the automatic platform ARGs set for a linux/amd64 build. It fires when the result is empty or
not a valid image reference: `alpine:` (an empty tag), an upper-case repository, a stray
character. The message shows the result and which ARGs lack a default.

FROM lines without variables are not this rule's business.

## Why is this bad?
A build that forgets `--build-arg` (a developer's laptop, a CI job, `docker compose build`)
fails with `invalid reference format` or, for an empty name, a confusing parse error. A
default that produces a working build documents the expected value and makes the Dockerfile
buildable as is.

## Example
```dockerfile
ARG NODE_VERSION
FROM node:${NODE_VERSION}-alpine
RUN node --version
```

## Use instead
```dockerfile
ARG NODE_VERSION=22
FROM node:${NODE_VERSION}-alpine
RUN node --version
```
"""

from __future__ import annotations

from docklint.imageref import parse_image_ref
from docklint.rule import Finding, Severity, rule


@rule("DK208", "invalid-default-arg-in-from", Severity.WARNING, tags={"args"},
      aliases=("InvalidDefaultArgInFrom",))
def check(df, options):
    for stage in df.stages:
        raw = stage.base.raw
        if "$" not in raw:
            continue
        exp = df.base_from_defaults(stage)
        if exp.error:
            continue          # a malformed substitution; BuildKit stops before this check
        result = exp.text
        problem = "is empty" if result == "" else parse_image_ref(result).error
        if problem is None:
            continue
        if result:
            message = (f"with the ARG defaults alone, `{raw}` expands to `{result}`, which is "
                       f"not a valid image reference ({problem})")
        else:
            message = f"with the ARG defaults alone, `{raw}` expands to an empty image name"
        defaults = df.default_global_env
        missing = [n for n in exp.used if df.global_arg(n) is not None and not defaults.get(n)]
        if missing:
            decl = df.global_arg(missing[0])
            message += (f": give `ARG {missing[0]}` (line {decl.instruction.line}) a default "
                        f"that works")
        yield Finding(stage.base.span, message)
