r"""A FROM line uses a variable that no global ARG declares.

## What it does
Fires for each variable in a FROM image reference or its `--platform` value that is neither
declared by an ARG before the first FROM (with or without a default) nor one of BuildKit's
automatic platform ARGs (`BUILDPLATFORM`, `TARGETARCH`, `TARGETOS`, ...). `${NAME:-default}`
counts as a use too. Escaped (`\$NAME`) and single-quoted text is not a variable. When a declared
name is close, the message suggests it. One finding per variable per FROM.

An ARG written between two stages belongs to the stage above it, not to the global scope: a
later FROM cannot use it, and the message says so.

Under ONBUILD: nothing to check, because `ONBUILD FROM` is not allowed (DK000 reports it).

## Why is this bad?
FROM lines see only global ARGs. An undeclared variable expands to an empty string, so
`FROM python:$PY_VERSION-slim` becomes `python:-slim` and the build fails, or, with a default in
the reference (`${TAG:-latest}`), silently uses the default even when `--build-arg TAG=...` is
given, because BuildKit ignores build args that are not declared.

## Differences from BuildKit
Same trigger as BuildKit's UndefinedArgInFrom (the same names count as known: global ARGs with
or without a default, and the automatic platform ARGs). docklint points at the variable rather
than the whole FROM line, suggests a close declared name, and says when the name is declared by
an ARG inside an earlier stage, which a later FROM cannot see.

## Example
```dockerfile
FROM python:${PYTHON_VERSION}-slim
RUN pip install --no-cache-dir flask
```

## Use instead
```dockerfile
ARG PYTHON_VERSION=3.12
FROM python:${PYTHON_VERSION}-slim
RUN pip install --no-cache-dir flask
```
"""

from __future__ import annotations

from docklint.model import AUTOMATIC_ARGS, closest
from docklint.rule import Finding, Severity, rule


@rule("DK207", "undefined-arg-in-from", Severity.WARNING, tags={"args"},
      aliases=("UndefinedArgInFrom",), words="$")
def check(df, options):
    known = [a.name for a in df.global_args] + list(AUTOMATIC_ARGS)
    earlier_args: dict = {}     # name -> the first ARG of that name in an earlier stage
    for stage in df.stages:
        seen: set[str] = set()
        for use in df.var_uses(stage.from_):
            if use.defined or use.name in seen:
                continue
            seen.add(use.name)
            message = f"FROM argument `{use.name}` is not declared"
            guess = closest(use.name, known, df.spelling_budget)
            if guess:
                message += f" (did you mean `{guess}`?)"
            local = earlier_args.get(use.name)
            if local is not None:
                message += (f": the `ARG {use.name}` at line {local.instruction.line} comes after "
                            f"a FROM, so it belongs to that stage; move it above the first FROM")
            else:
                message += f": add `ARG {use.name}=<default>` before the first FROM"
            yield Finding(use.span, message)
        for a in stage.args:
            earlier_args.setdefault(a.name, a)
