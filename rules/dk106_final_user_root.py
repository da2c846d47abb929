"""The final image explicitly runs as root.

## What it does
Fires when the last `USER` in the target's chain (the target stage and the stages its `FROM`
leads through) is `root`, `0`, `root:<group>` or `0:<group>`. It reports that `USER` line.

Unlike hadolint's DL3002, which flags the last `USER` of every stage, builder stages are never
flagged: running a build step as root in a stage whose files are copied out is normal and does
not make the final image run as root. A `USER root` in an ancestor stage counts when the target
does not switch away from it.

## Why is this bad?
A process running as root inside a container is root on the host's kernel: a container escape
or a writable host mount turns an application bug into a host compromise. Most images switch to
root to install packages and forget to switch back.

## Example
```dockerfile
FROM debian:12-slim
USER root
RUN apt-get update && apt-get install -y --no-install-recommends curl
COPY app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
```

## Use instead
```dockerfile
FROM debian:12-slim
USER root
RUN apt-get update && apt-get install -y --no-install-recommends curl
COPY app /usr/local/bin/app
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
```
"""

from __future__ import annotations

from docklint.rule import Finding, Severity, rule


@rule("DK106", "final-user-root", Severity.WARNING, tags={"runtime", "security"},
      aliases=("DL3002",))
def check(df, options):
    target = df.target
    if target is None:
        return
    user, ins = df.facts.effective_user(target.index)
    if ins is None or user is None:
        return
    name = user.split(":", 1)[0]
    if name not in ("root", "0"):
        return
    where = "" if df.stage_of(ins) is target else \
        f" (set in stage {df.stage_of(ins).label} and inherited)"
    yield Finding(ins.span, f"the final image runs as {user}{where}; switch to an "
                            "unprivileged user after the steps that need root, e.g. "
                            "`USER 10001:10001`")
