"""A suppression comment that does not do what it says.

## What it does
Reports a pragma that docklint (or the tool it is written for) cannot act on:

- a `# docklint ...` or `# hadolint ...` comment that is not a well-formed pragma, names a rule
  that does not exist (`DL9999`, a retired hadolint code, a typo such as `DK1O1`), has no
  instruction after it, or sits inside a continued instruction (the valid names of a pragma
  that also holds an unknown one still apply);
- a `# check=` directive or comment (BuildKit's build-check configuration) with an option
  BuildKit rejects or ignores, a check name BuildKit does not have (names are case-sensitive, and
  BuildKit accepts unknown ones silently), `skip=` of the experimental check, `error=` in a
  comment above an instruction (only the file-level directive counts), a whole-file check skipped
  above one instruction, a non-FROM check skipped above a FROM, a second `# check=` comment above
  the same instruction, or a `# check=` line that is neither the file-level directive nor
  attached to an instruction (indented at the top, or cut off by an empty `#` line);
- an invalid `BUILDKIT_DOCKERFILE_CHECK` build argument (reported at the top of the file);
- a pragma that names DK001 itself: no pragma silences this rule.

## Why is this bad?
A pragma that fails silently is worse than none: you believe a finding is silenced (or that a
check runs) when it is not. A typo such as `DK1O1`, `ignore DK101` or `skip=stagenamecasing`
would otherwise go unnoticed, in docklint and in the build.

## Differences from hadolint
hadolint drops a whole `# hadolint ignore=` pragma when one of its names is not a rule code it
can read: `# hadolint ignore=crazy,DL3002` silences nothing there, silently. docklint keeps the
names it knows and reports the others: that pragma still silences DL3002 (DK106), and `crazy`
is reported here, so the typo is seen and the intended suppression holds.

## Example
```dockerfile
FROM scratch
# docklint ignore=DK999
COPY app /app
# hadolint ignore=DL9999
USER 10001
```

## Use instead
```dockerfile
FROM scratch
# docklint ignore=DK101  # the app only serves plain HTTP inside the cluster
COPY app /app
# hadolint ignore=DL3002
USER 10001
```
"""

from __future__ import annotations

from docklint.rule import Finding, Severity, rule
from docklint.suppress import suppressions


# each pragma comment is its own place, even inside a continued instruction
@rule("DK001", "invalid-pragma", Severity.WARNING, tags={"meta"}, group="none")
def check(df, options):
    for problem in suppressions(df).problems:
        yield Finding(problem.span, problem.message)
