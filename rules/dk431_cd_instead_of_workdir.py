"""A RUN changes directory with `cd` where a WORKDIR would say it once.

## What it does
Looks at the `cd` that opens a shell-form `RUN` (heredoc scripts included): `RUN cd /app && ...`,
or a script whose first command after `set -e` (or `export`, `umask`) is `cd`. That `cd` says
what a `WORKDIR` before the `RUN` would say. It reports:
- the same directory opening two or more `RUN`s of a stage (`RUN cd /opt/env && make` and later
  `RUN cd /opt/env && make install`): one finding, at the first `cd`, with the others as
  related places. One `WORKDIR` says it once, and a new step cannot forget it;
- a `RUN` that does nothing but `cd` (`RUN cd /app`): the directory is gone at the end of the
  step, so it does nothing at all;
- a `cd` into the directory that already is the working directory.

A single `cd` at the start of one `RUN` is not reported: the Docker Official Images do that on
purpose (`cd "${PHP_INI_DIR%/php}"; ...`) to work somewhere for one step without changing the
working directory of the steps and the container that follow, which a `WORKDIR` would (or
would take a second `WORKDIR` to undo).

Nor is a `cd` reported, even repeated, where `WORKDIR` is not the better tool:
- a `cd` in the middle of a script, into a directory the steps before it fetched, unpacked or
  created (`curl ... && tar -xf src.tgz && cd src && make`): a `WORKDIR` cannot go there
  without splitting the `RUN` into more layers;
- `cd` back somewhere (`cd ..`, `cd -`, `cd /`, `cd ~`, a bare `cd`);
- a directory only the script itself knows: a variable the script sets, `$(...)`
  (`cd "$(mktemp -d)"`); a `$NAME` that an ARG or ENV sets is resolved;
- a directory that exists for this step only: a `RUN --mount` target (bind, cache, tmpfs),
  where a `WORKDIR` would leave an empty directory in the image;
- a scratch directory: under `/tmp` or `/var/tmp`, or one the same `RUN` later deletes
  (`cd /usr/src/app && make && cd / && rm -rf /usr/src/app`), since a `WORKDIR` would leave it
  behind, empty, in the image;
- `cd` inside a subshell, `$(...)` or an `sh -c` string.

`ONBUILD RUN` is not checked. It is info: a style matter, the build is the same.

## Differences from hadolint
hadolint's DL3003 reports every `RUN` that runs `cd` anywhere (exec form `RUN ["cd", ...]`
included), one finding per `RUN`. docklint reports only the three cases above, once per
directory with the other `RUN`s as related places: a single opening `cd`, a `cd` in the middle
of a script and the other cases listed are kept quiet on purpose, for the reasons given. Like
DL3003, it does not look inside `ONBUILD RUN`.

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
RUN cd /app && npm run build
CMD ["node", "/app/server.js"]
```

## Use instead
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
RUN npm run build
CMD ["node", "server.js"]
```
"""

from __future__ import annotations

import posixpath

from docklint.checks import build_time_value
from docklint.facts import facts_of
from docklint.model import parse_mount
from docklint.rule import Finding, Related, Severity, rule

_RETURNS = {"-", "..", "/", "~", "../..", "./"}
# commands that may come before the `cd` without making it part of a longer procedure
_PREAMBLE = {"set", "export", "umask", ":", "true"}
_SCRATCH = ("/tmp", "/var/tmp")



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


def _opening(script):
    """The first thing the script does (after ``set -e`` and the like), or None."""
    for c in sorted(script.commands, key=lambda c: c.start):
        if c.depth > 0 or c.name in _PREAMBLE:
            continue
        return c
    return None


def _mounted(ins) -> list[str]:
    """Directories a ``RUN --mount`` (bind, cache, tmpfs) puts in place for this step only."""
    out = []
    for flag in ins.effective.flags:
        if flag.name == "mount" and flag.value:
            mount = parse_mount(flag)
            if mount.type in ("bind", "cache", "tmpfs") and mount.target:
                out.append(posixpath.normpath(posixpath.join("/", mount.target)))
    return out


@rule("DK431", "cd-instead-of-workdir", Severity.INFO, tags={"style"}, aliases=("DL3003",),
      triggers=("RUN",),
      words=("cd",))
def check(df, options):
    facts = facts_of(df)
    for stage in df.stages:
        opening: dict[str, list] = {}
        first: dict[int, object] = {}       # id(script) -> its opening command (or None)
        for ins, script, cmd in facts.commands(stage):
            if cmd.name != "cd" or cmd.depth > 0 or cmd.subshell:
                continue
            if id(script) not in first:
                first[id(script)] = _opening(script)
            if first[id(script)] is not cmd:
                continue
            pos = cmd.positional()
            if not pos:
                continue
            path = build_time_value(df, stage, ins, pos[0])
            if path is None or path in _RETURNS or path.startswith(("~", "..")):
                continue
            workdir = facts.workdir(stage, ins)
            full = posixpath.normpath(posixpath.join(workdir, path))
            scratch = _SCRATCH + tuple(_mounted(ins))
            if full == "/" or any(full == d or full.startswith(d + "/") for d in scratch):
                continue
            if _removed_later(script, cmd, path, workdir):
                continue
            shown = full if path.startswith("/") or workdir != "/" else path
            if full == workdir:
                yield Finding(script.command_span(cmd),
                              f"`cd {pos[0].raw}` goes to {full}, which is already the "
                              "working directory; drop it")
            elif _alone(script, cmd):
                yield Finding(script.command_span(cmd),
                              f"this RUN only runs `cd {pos[0].raw}`, which lasts for this RUN "
                              f"only and does nothing; use `WORKDIR {shown}`")
            else:
                opening.setdefault(full, []).append((script, cmd, pos[0], shown))
        for full, places in opening.items():
            if len(places) < 2:
                continue
            script, cmd, word, shown = places[0]
            others = tuple(Related(s.command_span(c), f"`cd {w.raw}` again", occurrence=True)
                           for s, c, w, _ in places[1:])
            yield Finding(script.command_span(cmd),
                          f"{len(places)} RUNs of this stage start with `cd` into {full}: put "
                          f"`WORKDIR {shown}` before the first and drop the `cd`s (a `cd` "
                          "lasts for one RUN only)", related=others)


def _alone(script, cmd) -> bool:
    """Whether ``cmd`` is all the script does (besides ``set -e`` and the like)."""
    return all(c is cmd or c.name in _PREAMBLE for c in script.commands)
