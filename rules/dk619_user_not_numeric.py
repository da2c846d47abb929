"""The final image runs as a user given by name, not by numeric ID.

## What it does
Fires on the `USER` in effect for the image the build produces (the last `USER` of the target
stage, or of the stages its `FROM` chain leads through) when its user part, the text before `:`
after ARG and ENV substitution, is not a number. `USER 10001`, `USER 10001:app` and
`ARG UID=10001` then `USER $UID` are fine; a user that depends on a build argument without a
value is skipped. `USER root` is left to DK106 (`final-user-root`), which reports it as a
problem of its own. Windows images are skipped: their users (`ContainerUser`,
`ContainerAdministrator`) have names, not numeric IDs.

Under ONBUILD: an `ONBUILD USER` trigger counts where it runs. One in a stage that another
stage of the chain is built FROM acts as a `USER` at the start of that stage (its own `USER`s
come after it), so it is reported when it is the one in effect. One in the target stage decides
how the images built FROM the final image run, unless they set a user of their own: a name
there is reported too, at the name in the ONBUILD line. A trigger's variables are expanded in
that later build, with this image's `ENV` values only; a user built from anything else is
unknown and skipped.

The message gives the numeric ID to write where docklint knows it: from a `useradd` or
`adduser` in the image's stages that sets it (`-u 1001`, `--uid 1001`; the group's from
`-g`/`--gid` or a `groupadd -g`), or from the base image (`node` is 1000 in the node images,
`nonroot` 65532 in distroless, `nobody` 65534 and `www-data` 33 on Debian or Ubuntu, 82 on
Alpine). Otherwise it says how to find it, never an invented number: a UID that is not in the
image's `/etc/passwd` would not own the files the Dockerfile gave the user.

## Differences from hadolint
hadolint's DL3066 checks every `USER` of every stage (its newer versions only the last one of
the last stage). docklint checks only the one that decides how the final image runs, wherever
in its `FROM` chain it is written: builder stages never run as containers, so their users do
not matter, and an earlier `USER` that a later one replaces never takes effect. hadolint skips
any `USER` that mentions a declared ARG and reads an `ENV` variable as a name; docklint
substitutes both (`ARG UID=app` then `USER $UID` is reported, `ENV UID=1000` then `USER $UID` is
not). hadolint does not look inside `ONBUILD`; docklint checks the final image's
`ONBUILD USER`. `USER root` is DK106's finding here, not this rule's.

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


def _trigger(stage, keyword: str):
    """The last ONBUILD trigger of ``keyword`` in ``stage``, with its ONBUILD, or (None, None)."""
    found = (None, None)
    for holder in stage.instructions:
        if holder.keyword == "ONBUILD" and holder.sub is not None and \
                holder.sub.keyword == keyword:
            found = (holder.sub, holder)
    return found


def _effective_user(df, target):
    """(USER, its ONBUILD or None, stage it is written in, stage it runs in, variables) of the
    USER in effect for the image of ``target``: the last USER of the nearest stage of the chain
    that has one, where a stage's own USERs come after the ONBUILD USER triggers of its parent,
    which run first when it is built."""
    chain = df.graph.chain(target.index)
    for k, stage in enumerate(chain):
        plain = None
        for ins in stage.instructions:
            if ins.keyword == "USER":
                plain = ins
        if plain is not None:
            return plain, None, stage, stage, stage.env_before(plain)
        if k + 1 < len(chain):
            parent = chain[k + 1]
            sub, holder = _trigger(parent, "USER")
            if sub is not None:
                return sub, holder, parent, stage, parent.trigger_env()
    return None, None, None, None, None


@rule("DK619", "user-not-numeric", Severity.INFO, tags={"runtime", "security"},
      aliases=("DL3066",))
def check(df, options):
    target = df.target
    if target is None or windows_stage(df, target):
        return          # Windows users are names (ContainerUser); there are no numeric IDs
    ins, holder, written, runs, env = _effective_user(df, target)
    if ins is not None:
        where = ""
        if holder is not None:
            where = (f" (set by an ONBUILD trigger of stage {written.label}, which runs when "
                     f"stage {runs.label} is built FROM it"
                     + (", and inherited)" if runs is not target else ")"))
        elif written is not target:
            where = f" (set in stage {written.label} and inherited)"
        yield from _finding(df, target, ins, holder, env, "the final image runs as", where)
    # the target's own ONBUILD USER decides how the images built FROM the final image run
    sub, holder = _trigger(target, "USER")
    if sub is not None:
        yield from _finding(df, target, sub, holder, target.trigger_env(),
                            "images built FROM the final image run as", " (set by this "
                            "ONBUILD trigger, unless they set a USER of their own)")


def _finding(df, target, ins, holder, env, subject, where):
    if not ins.args or has_parse_error(df, holder or ins):
        return
    word = ins.args[0]
    user = df.expand(word.value, env).value
    if user is None:
        return
    name = user.split(":", 1)[0]
    if not name or name.isdigit() or name == "root":
        return          # root is DK106's
    raw_name = word.value.split(":", 1)[0]
    span = word_part_span(ins, word, 0, len(raw_name)) if raw_name == name else word.span
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
    yield Finding(span, f"{subject} the user name `{name}`{where}, which "
                        f"Kubernetes' runAsNonRoot cannot verify without the image's "
                        f"/etc/passwd: {advice}")
