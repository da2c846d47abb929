"""A suppression comment that docklint cannot understand.

## What it does
Reports a `# docklint ...` comment that is not a well-formed pragma, names a rule that does not
exist, or has no instruction after it to apply to.

## Why is this bad?
A pragma that fails silently is worse than none: you believe a finding is silenced (or that a
check runs) when it is not. A typo such as `DK1O1` or `ignore DK101` would otherwise go unnoticed.

## Example
```dockerfile
FROM scratch
# docklint ignore=DK999
COPY app /app
```

## Use instead
```dockerfile
FROM scratch
# docklint ignore=DK101  # the app only serves plain HTTP inside the cluster
COPY app /app
```
"""

from __future__ import annotations

from docklint.rule import Finding, Severity, rule


@rule("DK001", "invalid-pragma", Severity.WARNING, tags={"meta"})
def check(df, options):
    for problem in df.pragmas[1]:
        yield Finding(problem.span, problem.message)
