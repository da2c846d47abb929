"""A RUN changes directory with `cd` where a WORKDIR would say it once.

## What it does
Fires when a shell-form `RUN` (heredoc scripts included) starts by changing directory:
`RUN cd /app && ...`, or a script whose first command after `set -e` (or `export`, `umask`) is
`cd`. That `cd` is exactly what a `WORKDIR` before the `RUN` says. It points at the `cd`
command.

It stays quiet where `WORKDIR` is not the better tool, which hadolint's DL3003 (any `cd`
anywhere) does not distinguish:
- a `cd` in the middle of a script, into a directory the steps before it fetched, unpacked or
  created (`curl ... && tar -xf src.tgz && cd src && make`): a `WORKDIR` cannot go there
  without splitting the `RUN` into more layers;
- `cd` back somewhere (`cd ..`, `cd -`, `cd /`, `cd ~`, a bare `cd`);
- a directory only the script itself knows: a variable the script sets, `$(...)`
  (`cd "$(mktemp -d)"`); a `$NAME` that an ARG or ENV sets is resolved and still reported;
- a directory that exists for this step only: a `RUN --mount` target (bind, cache, tmpfs),
  where a `WORKDIR` would leave an empty directory in the image;
- a scratch directory: under `/tmp` or `/var/tmp`, or one the same `RUN` later deletes
  (`cd /usr/src/app && make && cd / && rm -rf /usr/src/app`), since a `WORKDIR` would leave it
  behind, empty, in the image;
- `cd` inside `$(...)` or an `sh -c` string.

Like DL3003, `ONBUILD RUN` is not checked.

## Why is this bad?
A `cd` lasts for one `RUN` only, which makes Dockerfiles that chain `cd /app && ...` in every
step repetitive and easy to break: one step that forgets the `cd` runs in the wrong directory,
and `RUN cd /app` on its own line does nothing at all. `WORKDIR` sets the directory for every
following `RUN`, `COPY`, `CMD` and `ENTRYPOINT`, creates it if needed, and documents it.

## Example
```dockerfile
FROM node:20-slim
COPY . /app
RUN cd /app && npm ci --omit=dev
CMD ["node", "/app/server.js"]
```

## Use instead
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
CMD ["node", "server.js"]
```
"""

from __future__ import annotations

import posixpath

from docklint.facts import facts_of
from docklint.model import parse_mount
from docklint.rule import Finding, Severity, rule

_RETURNS = {"-", "..", "/", "~", "../..", "./"}
# commands that may come before the `cd` without making it part of a longer procedure
_PREAMBLE = {"set", "export", "umask", ":", "true"}
_SCRATCH = ("/tmp", "/var/tmp")


def _target(df, stage, ins, word) -> str | None:
    """The directory ``cd`` goes to, as a path, when the build alone decides it."""
    if not word.dynamic:
        return word.value
    if "$(" in word.raw or "`" in word.raw:
        return None
    return df.expand(word.value, stage.env_before(ins)).value or None


def _removed_later(script, cd, path: str, workdir: str) -> bool:
    """Whether an ``rm`` after ``cd`` in the script deletes ``path`` or a directory above it."""
    full = posixpath.normpath(posixpath.join(workdir, path))
    for cmd in script.commands:
        if cmd.name != "rm" or cmd.start < cd.end:
            continue
        for arg in cmd.positional():
            if arg.dynamic or not arg.value:
                continue
            gone = arg.value.rstrip("/") or "/"
            if gone == "/":
                continue
            if not gone.startswith("/"):
                if posixpath.normpath(gone) == posixpath.normpath(path):
                    return True
                gone = posixpath.join(workdir, gone)
            gone = posixpath.normpath(gone)
            if full == gone or full.startswith(gone + "/"):
                return True
    return False


def _opens(script, cmd) -> bool:
    """``cmd`` is the first thing the script does (after ``set -e`` and the like)."""
    for c in sorted(script.commands, key=lambda c: c.start):
        if c.depth > 0 or c.name in _PREAMBLE:
            continue
        return c is cmd
    return False


def _mounted(ins) -> list[str]:
    """Directories a ``RUN --mount`` (bind, cache, tmpfs) puts in place for this step only."""
    out = []
    for flag in ins.effective.flags:
        if flag.name == "mount" and flag.value:
            mount = parse_mount(flag)
            if mount.type in ("bind", "cache", "tmpfs") and mount.target:
                out.append(posixpath.normpath(posixpath.join("/", mount.target)))
    return out


@rule("DK431", "cd-instead-of-workdir", Severity.WARNING, tags={"style"}, aliases=("DL3003",))
def check(df, options):
    facts = facts_of(df)
    for stage in df.stages:
        for ins, script, cmd in facts.commands(stage):
            if cmd.name != "cd" or cmd.depth > 0 or cmd.subshell or not _opens(script, cmd):
                continue
            pos = cmd.positional()
            if not pos:
                continue
            path = _target(df, stage, ins, pos[0])
            if path is None or path in _RETURNS or path.startswith(("~", "..")):
                continue
            workdir = facts.workdir(stage, ins)
            full = posixpath.normpath(posixpath.join(workdir, path))
            scratch = _SCRATCH + tuple(_mounted(ins))
            if full == "/" or any(full == d or full.startswith(d + "/") for d in scratch):
                continue
            if _removed_later(script, cmd, path, workdir):
                continue
            if full == workdir:
                message = (f"`cd {pos[0].raw}` goes to {full}, which is already the working "
                           "directory; drop it")
            else:
                shown = full if path.startswith("/") or workdir != "/" else path
                message = (f"use `WORKDIR {shown}` instead of `cd {pos[0].raw}`: a `cd` lasts "
                           "for this RUN only")
            yield Finding(script.command_span(cmd), message)
