"""A RUN uses `sudo`.

## What it does
Fires on a shell-form `RUN` or `ONBUILD RUN` that calls `sudo`, in `&&` chains, pipes,
`sh -c` strings and heredoc scripts. It points at the first `sudo` of the `RUN` (the others are
listed with it). Installing the `sudo` package is not using it.

Not reported: a step that runs as root (no `USER`, or `USER root`, before it) and uses `sudo`
only as `sudo -u <someone else>`, to run a command as another user (`sudo -u postgres psql`
between `service postgresql start` and `stop`, `sudo -u builduser makepkg`, which refuses to
run as root): that drops privileges for one command, as `gosu` or `setpriv` would, and needs
no sudoers entry. The message says what to write instead: `USER root` for a command that
needs root, `USER <name>` (or `setpriv`/`gosu`) for `sudo -u <name>`.

It is a warning: the build fails (`sudo: not found`) only where the image lacks sudo, which
docklint cannot always tell.

## Differences from hadolint
hadolint's DL3004 reports every `RUN` that calls `sudo`, as an error, `sudo -u <name>` in a step
that already runs as root included, and also exec-form `RUN ["sudo", ...]`, which docklint
leaves alone. docklint reports `sudo` called by path (`/usr/bin/sudo`) and inside `sh -c`
strings, which hadolint does not, and rates it a warning (see above).

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

_ROOT = ("root", "0", "#0")


def _user_before(df, stage, ins) -> str | None:
    """The user a step runs as: the last USER before ``ins`` in the stage's FROM chain, else
    the base image's default ("root" when it runs as uid 0); None when unknown."""
    user = None
    for st in reversed(df.graph.chain(stage.index)):
        for other in st.instructions:
            if other is ins:
                break
            if other.keyword == "USER" and other.args:
                user = df.expand(other.args[0].value, st.env_before(other)).value
                user = user.split(":", 1)[0] if user else None
                if user is None:
                    return None
    if user is not None:
        return user
    base = facts_of(df).base_facts(stage.index)
    if base is None or base.default_uid is None:
        return "root"              # docklint's default for images it does not know
    return "root" if base.default_uid == 0 else str(base.default_uid)


def _other_user(cmd) -> str | None:
    """The user of ``sudo -u NAME`` when it is not root."""
    user = cmd.flag_value("-u", "--user")
    return user if user and user not in _ROOT else None


@rule("DK432", "sudo", Severity.WARNING, tags={"security"}, aliases=("DL3004",), triggers=("RUN",),
      words=("sudo",))
def check(df, options):
    for stage in df.stages:
        found: dict[int, list] = {}
        for ins, script, cmd in facts_of(df).commands(stage, onbuild=True):
            if cmd.name == "sudo" and cmd.name_word is not None:
                found.setdefault(id(script), [ins, script]).append(cmd)
        for ins, script, *cmds in found.values():
            cmds.sort(key=lambda c: c.start)
            if all(_other_user(c) for c in cmds) and \
                    _user_before(df, stage, ins) in _ROOT:
                continue            # root running one command as another user
            cmd = cmds[0]
            user = _other_user(cmd)
            if user:
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
