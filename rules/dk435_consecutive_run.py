"""Two short RUN instructions in a row that could be one.

## What it does
Fires on a `RUN` that directly follows another `RUN` (only comments and blank lines between
them) when both have exactly the same flags, the first runs a single command or pipeline
(`RUN apt-get update`, `RUN curl -fsSL URL | sh`: it chains nothing with `&&`, `||` or `;`) and
the second runs at most two commands (`RUN apt-get install -y curl && rm -rf
/var/lib/apt/lists/*`). It reports the second `RUN` and points at the first.

When the first `RUN` already chains commands, its author knows how to merge steps and chose to
keep these apart: "merge them" would tell them nothing, so the pair is not reported. Shell
options do not count: `RUN set -eux; apk add ...` runs one command, like `RUN apk add ...`.
Flags count: a `RUN --mount=type=cache,...` next to a plain `RUN`, or two `RUN`s with different
`--mount`s (or `--network`, `--security`), are kept apart, because merging them would change what
each command sees. Commands are counted in the script as the shell runs it: each part of an
`&&`/`||`/`;` list or a pipe, and the commands inside `$(...)`, `sh -c` strings and heredoc
scripts; an exec-form `RUN` is one command. An `ONBUILD RUN` or any other instruction in between
separates two `RUN`s; a `RUN` in a stage whose `SHELL` is PowerShell or cmd is never counted as
short.

## Differences from hadolint
hadolint's DL3059 reports a `RUN` after another whenever both run at most two commands, also
when the first already chains two (`RUN a && b`, then `RUN c`); docklint does not (see above).
hadolint also counts `set -eux` as a command, so that it never reports the `RUN set -eux; ...`
style of the Docker Official Images; docklint does not count it.

## Why is this bad?
Each `RUN` is a layer and a cache step. Short steps in a row, such as one line per package
install, make the image bigger (files deleted in a later layer still ship in the earlier one),
slower to pull, and slower to build. Merging them keeps related work in one layer.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl
```
"""

from __future__ import annotations

from docklint.facts import facts_of
from docklint.rule import Finding, Related, Severity, rule


# shell options: `set -eux` is how a script starts, not something it does
_OPTIONS = {"set", "shopt"}


def _count(df, ins) -> tuple[int, int] | None:
    """How many commands a RUN runs, and how many pipelines it chains at its top level (with
    `&&`, `||`, `;` or newlines), shell options aside (None when its shell is not one docklint
    parses)."""
    if ins.json:
        return 1, 1
    script = facts_of(df).script(ins)
    if script is None:
        return None
    cmds = [c for c in script.commands if c.name not in _OPTIONS]
    return len(cmds), sum(1 for c in cmds if c.depth == 0 and not c.pipeline_prev)


def _flags(ins) -> list[tuple[str, str | None]]:
    return sorted(((f.name, f.value) for f in ins.flags),
                  key=lambda nv: (nv[0], nv[1] is not None, nv[1] or ""))


@rule("DK435", "consecutive-run", Severity.INFO, tags={"size"}, aliases=("DL3059",))
def check(df, options):
    for stage in df.stages:
        prev = None
        prev_count = None
        for ins in stage.instructions:
            if ins.keyword != "RUN":
                prev = None
                continue
            count = _count(df, ins)
            if prev is not None and ins.index == prev.index + 1 and \
                    count is not None and prev_count is not None and \
                    count[0] <= 2 and prev_count[0] <= 2 and prev_count[1] <= 1 and \
                    _flags(ins) == _flags(prev):
                yield Finding(ins.span, "this RUN follows another RUN with the same flags, "
                                        "which runs a single command: merge them with `&&` "
                                        "into one layer",
                              related=(Related(prev.span, "the previous RUN"),))
            prev, prev_count = ins, count
