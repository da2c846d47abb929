"""An `apt-get` command that asks for confirmation runs without `-y`.

## What it does
Fires on `apt-get`, `apt` and `aptitude` commands that change packages (`install`, `remove`,
`purge`, `upgrade`, `dist-upgrade`, `full-upgrade`, `autoremove`, `reinstall`, `build-dep`)
without an answer to the confirmation prompt. Any of these counts as the answer: `-y`, `--yes`,
`--assume-yes` (also inside a bundle such as `-qy`), `-qq` / `-q -q` / `-q=2` (which imply
`-y`), `-o APT::Get::Assume-Yes=true`, a `yes |` pipe, or an `APT::Get::Assume-Yes "true";`
setting written to apt's configuration earlier in the build (by a RUN or a COPY heredoc in the
stage or the stages it is built on). The finding points at the command from its name to its
subcommand (`apt-get install`), in multi-line RUNs, heredoc scripts, `sh -c` strings and
`ONBUILD RUN` triggers.

## Why is this bad?
A build has no terminal: apt asks `Do you want to continue? [Y/n]`, reads end-of-file, aborts,
and the build step fails. Whether the question is asked depends on what has to be installed,
so the failure may only show up on a later rebuild.

## Differences from hadolint
hadolint's DL3014 checks `apt-get install` only; docklint covers every subcommand that asks
(`upgrade`, `dist-upgrade`, `remove`, `purge`, `autoremove`...), `apt` and `aptitude`, and reads the
build's apt settings (`APT::Get::Assume-Yes` written earlier). Both take `-qq` (and `-q -q`,
`-q=2`) as answering yes. hadolint also reports `apt-get install -s` (a simulation, often
`if apt-get install -s pkg >/dev/null; then`), which never asks; docklint does not.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10+deb12u8
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## Fix safety
The fix inserts ` -y` after the subcommand. It is safe: it only answers the question the build
cannot answer.
"""

from __future__ import annotations

import re

from docklint.lazyre import lazy
from docklint.packages import command_words, earlier_search, fed_yes, uses
from docklint.rule import Edit, Finding, Fix, Severity, rule

ASKS = {"install", "remove", "purge", "upgrade", "dist-upgrade", "full-upgrade", "autoremove",
        "autopurge", "reinstall", "build-dep"}
_CONFIG = lazy(r"APT::Get::Assume-Yes[\"'\s=]+\"?(true|yes|1)\b", re.I)


def answered(df, use) -> bool:
    pc = use.pc
    if pc.has_option("-y", "--yes", "--assume-yes") or pc.count_option("-q", "--quiet") >= 2:
        return True
    if any(_CONFIG.search(v) for v in pc.option_values("-o", "--option")):
        return True
    return fed_yes(use) or earlier_search(df, use, _CONFIG)


@rule("DK404", "apt-missing-yes", Severity.WARNING, tags={"packages", "build"},
      aliases=("DL3014",), fixable="always", triggers=("RUN",),
      words=command_words("apt"))
def check(df, options):
    for use in uses(df, "apt"):
        if use.pc.action not in ASKS or use.pc.simulates or answered(df, use):
            continue
        head = f"{use.pc.tool} {use.pc.subcommand}"
        yield Finding(use.span(), f"`{head}` without `-y` stops at its confirmation prompt and "
                                  "fails the build; add `-y`",
                      fix=Fix("Add -y", (Edit(use.insert_after(), " -y"),)))
