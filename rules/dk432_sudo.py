"""A RUN uses `sudo`.

## What it does
Fires on a shell-form `RUN` or `ONBUILD RUN` that calls `sudo`, in `&&` chains, pipes,
`sh -c` strings and heredoc scripts. It points at the first `sudo` of the `RUN` (the others are
listed with it). Installing the `sudo` package is not using it.

Same condition as hadolint's DL3004; the message says what to write instead: `USER root` for a
command that needs root, `USER <name>` (or `setpriv`/`gosu`) for `sudo -u <name>`.

## Why is this bad?
A build step already runs as whatever `USER` says: root by default, so `sudo` adds nothing but
a dependency, and most base images do not even ship it (the build then fails with
`sudo: not found`). Where a stage switched to an unprivileged user, `sudo` quietly needs a
password-less sudoers entry, which stays in the image and lets anything in the container become
root. Changing `USER` around the steps that need it says the same thing plainly.

## Example
```dockerfile
FROM ubuntu:24.04
RUN useradd -m app
USER app
RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM ubuntu:24.04
RUN useradd -m app \
    && apt-get update && apt-get install -y --no-install-recommends curl
USER app
```
"""

from __future__ import annotations

from docklint.facts import facts_of
from docklint.rule import Finding, Related, Severity, rule


@rule("DK432", "sudo", Severity.ERROR, tags={"security"}, aliases=("DL3004",))
def check(df, options):
    for stage in df.stages:
        found: dict[int, list] = {}
        for _ins, script, cmd in facts_of(df).commands(stage, onbuild=True):
            if cmd.name == "sudo" and cmd.name_word is not None:
                found.setdefault(id(script), [script]).append(cmd)
        for script, *cmds in found.values():
            cmds.sort(key=lambda c: c.start)
            cmd = cmds[0]
            user = cmd.flag_value("-u", "--user")
            if user and user not in ("root", "0", "#0"):
                message = (f"do not use `sudo -u {user}` in a RUN: put `USER {user}` before "
                           "this step (or use `setpriv`/`gosu`)")
            else:
                message = ("do not use `sudo` in a RUN: steps run as the current USER; put "
                           "`USER root` before the steps that need root and switch back after")
            if len(cmds) > 1:
                message += f" ({len(cmds) - 1} more `sudo` in this RUN)"
            yield Finding(script.word_span(cmd.name_word), message,
                          related=tuple(Related(script.word_span(c.name_word), "sudo again")
                                        for c in cmds[1:]))
