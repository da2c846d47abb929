"""The final image runs as root because nothing sets a user.

## What it does
Fires (as information) when no `USER` appears anywhere in the target's chain and the base image
is known to run as root (uid 0) by default: scratch, Debian, Alpine, the official language
images... Bases that already run as a non-root user (distroless `:nonroot`, Chainguard images)
stay quiet, and so do bases docklint knows nothing about. The message names the base's non-root
user where docklint's data knows one.

## Why is this bad?
Without a `USER`, the container's process runs as root. That is rarely needed at run time and
widens what an attacker gets from any bug in the program. DK106 covers an explicit `USER root`.

## Example
```dockerfile
FROM gcr.io/distroless/static-debian13
COPY app /app
ENTRYPOINT ["/app"]
```

## Use instead
```dockerfile
FROM gcr.io/distroless/static-debian13:nonroot
COPY app /app
ENTRYPOINT ["/app"]
```
"""

from __future__ import annotations

from docklint.rule import Finding, Severity, rule


def _advice(base) -> str:
    family = base.family
    if family.startswith("distroless"):
        return "use the base's `:nonroot` tag, or add `USER 65532:65532` (its nonroot user)"
    if family == "node":
        return "add `USER node` (the base image has a `node` user, uid 1000)"
    return "add `USER <uid>:<gid>` with an unprivileged numeric id, e.g. `USER 10001:10001`"


@rule("DK110", "final-user-unset", Severity.INFO, tags={"runtime", "security"})
def check(df, options):
    target = df.target
    if target is None:
        return
    facts = df.facts
    if facts.last_in_chain(target.index, "USER") is not None:
        return
    base = facts.base_facts(target.index)
    if base is None or base.default_uid != 0:
        return
    what = "scratch" if base.kind == "scratch" else (df.graph.root_base(target.index).text or "")
    yield Finding(target.from_.span,
                  f"no USER is set, so the final image runs as root (the default user of "
                  f"{what}); {_advice(base)}")
