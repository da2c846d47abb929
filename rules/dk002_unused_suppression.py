"""A suppression that silences nothing.

## What it does
Reports a pragma whose rules report nothing where it reaches: `# docklint ignore=`,
`# hadolint ignore=` (and their `stage`/`global` forms), BuildKit's file-level `# check=skip=`
directive and a `# check=skip=` comment above an instruction. When only some of the names a
pragma lists are unused, the finding says which; the rest are still needed.

A pragma is judged on what its rules report in the file, whatever the configuration selects:
docklint runs the rules a pragma names even when they are not enabled, so a pragma kept for a
rule you switch off locally is not called unused. Names docklint has no rule for (a hadolint
code or BuildKit check docklint does not implement) are not judged, nor is the
`BUILDKIT_DOCKERFILE_CHECK` build argument. With `allow-pragmas: false` every pragma is inert
and this rule reports nothing. A pragma counts as used when it covers a finding, even if another
pragma covers the same finding.

hadolint's pragmas and BuildKit's `# check=skip=` serve those tools too, and docklint's rules
do not always fire exactly where theirs do (docklint's secret-in-arg-or-env, for one, does not
flag `PGP_KEY_ID`, which BuildKit's SecretsUsedInArgOrEnv does). If you still run hadolint or
`docker build --check`, set the option `peer-pragmas = false` to judge only docklint's own
pragmas.

This rule is off by default: select it (`--select default,DK002`) to clean up old pragmas.

## Why is this bad?
A suppression outlives the problem it was written for: the package got pinned, the stage was
renamed, the rule was fixed. Left in place it silences the next, real finding at that spot
without anyone deciding to, and it tells readers that something is wrong where nothing is.

## Example
```dockerfile
FROM alpine:3.20
# docklint ignore=final-user-root  # we need root for the entrypoint
USER 10001
```

## Use instead
```dockerfile
FROM alpine:3.20
# docklint ignore=final-user-root  # we need root for the entrypoint
USER root
```
"""

from __future__ import annotations

from docklint.rule import Option, Severity, rule


@rule("DK002", "unused-suppression", Severity.WARNING, tags={"meta"}, default_enabled=False,
      options={"peer-pragmas": Option(True, "Also judge hadolint's pragmas and BuildKit's "
                                      "`# check=skip=` (off: only `# docklint` pragmas)")})
def check(df, options):
    # The engine reports this rule's findings: whether a pragma silenced anything is known
    # only after every other rule ran and the pragmas were applied.
    return iter(())
