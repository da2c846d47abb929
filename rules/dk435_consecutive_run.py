"""Two RUN instructions in a row that each run a single command.

## What it does
Fires on a `RUN` that directly follows another `RUN` (only comments and blank lines between
them) when both have exactly the same flags and each runs a single command (`RUN apt-get
update`, then `RUN apt-get install -y curl`). It reports the second `RUN` and points at the
first; a longer row of such `RUN`s is one finding, at its second `RUN`, with the later ones as
further places (hadolint reports each of them).

When either `RUN` already runs more than one command (chained with `&&`, `||` or `;`, or a
pipe such as `curl -fsSL URL | sh`), its author knows how to merge steps and chose to keep these
apart: "merge them" would tell them nothing, so the pair is not reported. Shell options do not
count, nor do declarations: `RUN set -eux; apk add ...` and `RUN export CGO_ENABLED=0 && go
build ...` run one command, like `RUN apk add ...`. Flags count: a `RUN --mount=type=cache,...`
next to a plain `RUN`, or two `RUN`s with different `--mount`s (or `--network`, `--security`),
are kept apart, because merging them would change what each command sees. Commands are counted in the script as the shell runs it: each part of an `&&`/`||`/`;`
list or a pipe, and the commands inside `$(...)`, `sh -c` strings and heredoc scripts (the
shell that runs such a string is not counted: `sh -c 'make'` is one command); an exec-form
`RUN` is one command. An `ONBUILD RUN` or any other instruction in between separates
two `RUN`s; a `RUN` in a stage whose `SHELL` is PowerShell or cmd is never counted as short.

## Differences from hadolint
Same trigger as hadolint's DL3059, which in practice (2.15.1) also reports only two `RUN`s with
the same flags that each run one command (counting those in `$(...)`), and also leaves
`ONBUILD RUN` alone. Two exceptions: hadolint counts `set -eux` and `export NAME=value` as
commands, so it never reports the `RUN set -eux; ...` style of the Docker Official Images, and
docklint does not count them; hadolint does not look inside `sh -c '...'` strings, so it
reports `RUN sh -c 'a && b'` after a one-command `RUN`, and docklint counts the commands of the
string and does not.

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
from docklint.shell import SHELL_NAMES


# shell options: `set -eux` is how a script starts, not something it does
_OPTIONS = {"set", "shopt"}


def _count(df, ins) -> int | None:
    """How many commands a RUN runs, shell options aside (None when its shell is not one
    docklint parses)."""
    if ins.json:
        return 1
    script = facts_of(df).script(ins)
    if script is None:
        return None
    cmds = [c for c in script.commands if c.name not in _OPTIONS]
    # `sh -c 'make'` runs one command: the shell that runs the string is not a second one
    return sum(1 for c in cmds if not (c.name in SHELL_NAMES and any(
        d.depth > c.depth and c.start <= d.start < c.end for d in cmds)))


def _flags(ins) -> list[tuple[str, str | None]]:
    return sorted(((f.name, f.value) for f in ins.flags),
                  key=lambda nv: (nv[0], nv[1] is not None, nv[1] or ""))


@rule("DK435", "consecutive-run", Severity.INFO, tags={"size"}, aliases=("DL3059",),
      triggers=("RUN",), needs="consecutive-runs",
      group_message="this RUN, the RUN before it and {others} more in a row after it, with the "
                    "same flags, each run a single command: merge them with `&&` into one "
                    "layer")
def check(df, options):
    for stage in df.stages:
        prev = None
        prev_count = None
        row = None          # the first RUN of the row the previous pair was in
        for ins in stage.instructions:
            if ins.keyword != "RUN":
                prev = row = None
                continue
            count = _count(df, ins)
            if prev is not None and ins.index == prev.index + 1 and \
                    count is not None and prev_count is not None and \
                    count <= 1 and prev_count <= 1 and _flags(ins) == _flags(prev):
                # a row of such RUNs is one problem: one finding, at its second RUN
                first = row is None
                row = prev if first else row
                yield Finding(ins.span, "this RUN and the RUN before it, with the same flags, "
                                        "each run a single command: merge them with `&&` "
                                        "into one layer",
                              related=(Related(prev.span, "the previous RUN"),) if first else (),
                              problem=f"row at {row.index}")
            else:
                row = None
            prev, prev_count = ins, count
