"""A RUN calls an interactive or system-management tool that does nothing useful in a build.

## What it does
Fires when a shell-form `RUN` (or `ONBUILD RUN`) runs one of `free`, `kill`, `mount`, `ps`,
`service`, `shutdown`, `ssh`, `top` or `vim` as a command. It points at the command's name, in
`&&` chains, pipes, subshells, `sh -c` strings and heredoc scripts alike. Installing such a tool
(`apt-get install vim`) or testing for it (`command -v ps`) is not running it.

## Differences from hadolint
hadolint's DL3001 reports every such command, these three cases included; docklint does not
report `service <name> start` (or `restart`) followed in the same `RUN` by `service <name>
stop` (starting a database to load a schema and stopping it again is a normal build step),
`kill` of a process the same `RUN` started in the background (`kill $!`, `kill "$pid"`), or
`ssh` in a `RUN --mount=type=ssh`, which hands the build an SSH agent on purpose. hadolint also
looks at exec-form `RUN ["vim", ...]`, which docklint leaves alone; docklint finds the commands
where hadolint does not: called by path (`/usr/bin/vim`) or inside an `sh -c` string.

## Why is this bad?
A build step has no terminal, no init system and no running services: `vim` waits for input
forever, `top` and `ps` only print the state of a throw-away build container, `service ... start`
starts a process that dies with the step, `shutdown` and `mount` fail without privileges, and
`ssh` reaches out with credentials the image should not hold. The step is at best noise and at
worst hangs the build.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends nginx \
    && service nginx start
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends nginx
CMD ["nginx", "-g", "daemon off;"]
```
"""

from __future__ import annotations

from docklint.facts import facts_of
from docklint.model import parse_mount
from docklint.rule import Finding, Severity, rule

POINTLESS = {
    "free": "only prints the memory of a throw-away build container",
    "kill": "stops a process of the build container, which ends with the step anyway",
    "mount": "needs privileges a build step does not have; use `RUN --mount=...`",
    "ps": "only lists the processes of a throw-away build container",
    "service": "starts or stops a service that does not outlive the step; start it from "
               "CMD/ENTRYPOINT",
    "shutdown": "cannot shut anything down in a build container",
    "ssh": "opens a remote session from the build; fetch what you need with `RUN "
           "--mount=type=ssh` and git, or COPY it",
    "top": "is interactive and only shows a throw-away build container",
    "vim": "waits for keyboard input a build never gives",
}


def _service_pair(script, cmd) -> bool:
    """``service X start`` with a later ``service X stop`` in the same script, or that stop."""
    pos = [a.value for a in cmd.positional()]
    if len(pos) < 2:
        return False
    name, verb = pos[0], pos[1]

    def has(want: str, before: bool) -> bool:
        return any(c.name == "service" and [a.value for a in c.positional()][:2] == [name, want]
                   and (c.start < cmd.start if before else c.start > cmd.start)
                   for c in script.commands)

    if verb in ("start", "restart"):
        return has("stop", before=False)
    if verb == "stop":
        return has("start", before=True) or has("restart", before=True)
    return False


def _kills_own_job(cmd) -> bool:
    """``kill $!``, ``kill "$pid"``, ``kill %1``: a background job of the same script."""
    targets = cmd.positional()
    return bool(targets) and all(a.dynamic or a.value.startswith("%") for a in targets)


def _mounts_ssh(ins) -> bool:
    """The RUN mounts the SSH agent: using ssh there is deliberate."""
    return any(f.name == "mount" and f.value and parse_mount(f).type == "ssh"
               for f in ins.effective.flags)


@rule("DK430", "pointless-command", Severity.INFO, tags={"style"}, aliases=("DL3001",),
      triggers=("RUN",),
      words=tuple(POINTLESS))
def check(df, options):
    for stage in df.stages:
        for ins, script, cmd in facts_of(df).commands(stage, onbuild=True):
            if cmd.name not in POINTLESS or cmd.name_word is None:
                continue
            if cmd.name == "service" and _service_pair(script, cmd):
                continue
            if cmd.name == "kill" and _kills_own_job(cmd):
                continue
            if cmd.name == "ssh" and _mounts_ssh(ins):
                continue
            yield Finding(script.word_span(cmd.name_word),
                          f"`{cmd.name}` in a RUN {POINTLESS[cmd.name]}")
