"""The final image runs as a user given by name, not by numeric ID.

## What it does
Fires on the `USER` in effect for the image the build produces (the last `USER` of the target
stage, or of the stages its `FROM` chain leads through) when its user part, the text before `:`
after ARG and ENV substitution, is not a number. `USER 10001`, `USER 10001:app` and
`ARG UID=10001` then `USER $UID` are fine; a user that depends on a build argument without a
value is skipped. `USER root` is left to DK106 (`final-user-root`), which reports it as a
problem of its own. Windows images are skipped: their users (`ContainerUser`,
`ContainerAdministrator`) have names, not numeric IDs.

hadolint's DL3066 checks every `USER` of every stage (its newer versions only the last one of
the last stage); docklint checks the one that decides how the final image runs, wherever in the
chain it is written. Builder stages never run as containers, so their users do not matter.

The message gives the numeric ID to write where docklint knows it: from a `useradd` or
`adduser` in the image's stages that sets it (`-u 1001`, `--uid 1001`; the group's from
`-g`/`--gid` or a `groupadd -g`), or from the base image (`node` is 1000 in the node images,
`nonroot` 65532 in distroless, `nobody` 65534 and `www-data` 33 on Debian or Ubuntu, 82 on
Alpine). Otherwise it says how to find it, never an invented number: a UID that is not in the
image's `/etc/passwd` would not own the files the Dockerfile gave the user.

## Why is this bad?
A user name only means something inside the image's `/etc/passwd`. Kubernetes, with
`runAsNonRoot: true`, cannot verify that a named user is not root and refuses to start the
container ("image has non-numeric user, cannot verify user is non-root"); host tools and volume
permissions see only numbers. A numeric ID works the same everywhere.

## Example
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY --chown=node:node . .
USER node
CMD ["node", "server.js"]
```

## Use instead
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY --chown=node:node . .
USER 1000:1000
CMD ["node", "server.js"]
```
"""

from __future__ import annotations

from docklint.checks import has_parse_error, windows_stage, word_part_span
from docklint.facts import facts_of
from docklint.rule import Finding, Severity, rule


@rule("DK619", "user-not-numeric", Severity.INFO, tags={"runtime", "security"},
      aliases=("DL3066",))
def check(df, options):
    target = df.target
    if target is None:
        return
    user, ins = facts_of(df).effective_user(target.index)
    if ins is None or user is None or has_parse_error(df, ins):
        return
    if windows_stage(df, target):
        return          # Windows users are names (ContainerUser); there are no numeric IDs
    name = user.split(":", 1)[0]
    if not name or name.isdigit() or name == "root":
        return
    word = ins.args[0]
    raw_name = word.value.split(":", 1)[0]
    span = word_part_span(ins, word, 0, len(raw_name)) if raw_name == name else word.span
    stage = df.stage_of(ins)
    where = "" if stage is target else f" (set in stage {stage.label} and inherited)"
    _, sep, group = user.partition(":")
    uid, gid = facts_of(df).user_ids(target.index, name, group or None)
    if uid is not None:
        if gid is not None and (sep or gid == uid):
            numeric, ids, of = f"{uid}:{gid}", "the user and group IDs", user
        elif sep:
            numeric, ids, of = f"{uid}:{group}", "the user ID", name
        else:
            numeric, ids, of = str(uid), "the user ID", name
        advice = f"write `USER {numeric}` ({ids} of `{of}` in this image)"
    else:
        advice = (f"give `{name}`'s numeric ID instead (`id -u {name}` in the image prints "
                  f"it; create the user with a fixed `--uid` to keep it stable)")
    yield Finding(span, f"the final image runs as the user name `{name}`{where}, which "
                        f"Kubernetes' runAsNonRoot cannot verify without the image's "
                        f"/etc/passwd: {advice}")
