"""A `zypper` command that asks questions runs without `-n`.

## What it does
Fires on `zypper` commands that change packages (`install`/`in`, `remove`/`rm`,
`source-install`/`si`, `patch`, `update`/`up`, `dist-upgrade`/`dup`) when nothing answers their
questions: neither `--non-interactive` (before or after the subcommand), the global `-n`
(before the subcommand), the subcommand's `-y`/`--no-confirm`, nor a `yes |` pipe. A `-n` after
the subcommand does not count: there it is the subcommand's own `-n`, `--name` (select packages
by name), and zypper still asks; the message then says to move it. The finding points at the
command from
`zypper` to its subcommand, in multi-line RUNs, heredoc scripts, `sh -c` strings and
`ONBUILD RUN` triggers.

## Why is this bad?
A build has no terminal: zypper asks `Continue? [y/n/v/...? shows all options] (y):`, reads
end-of-file and fails the step. Whether it asks depends on what there is to do, so the
Dockerfile may only break on a later rebuild.

## Differences from hadolint
hadolint's DL3034 checks fewer subcommands (not `update` or `dist-upgrade`) and accepts `-n`
anywhere; docklint covers every subcommand that asks and reads `-n` where zypper does:
`zypper install -n curl` is `zypper install --name curl`, which still asks. Both accept
`--non-interactive` in either position.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper install curl=8.6.0 && zypper clean --all
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install curl=8.6.0 && zypper clean --all
```

## Fix safety
The fix inserts the global ` -n` right after `zypper` (after the subcommand, `-n` would mean
something else). It is safe: it only answers the questions the build cannot answer.
"""

from __future__ import annotations

from docklint.packages import command_words, fed_yes, uses
from docklint.rule import Edit, Finding, Fix, Severity, rule

ASKS = {"install", "remove", "source-install", "patch", "update", "dist-upgrade"}


@rule("DK414", "zypper-missing-non-interactive", Severity.WARNING, tags={"packages", "build"},
      aliases=("DL3034",), fixable="always", triggers=("RUN",),
      words=command_words("zypper"))
def check(df, options):
    for use in uses(df, "zypper"):
        pc = use.pc
        if pc.action not in ASKS or pc.simulates or fed_yes(use) or \
                pc.has_global_option("-n") or \
                pc.has_option("-y", "--no-confirm", "--non-interactive"):
            continue
        late = " (`-n` after the subcommand means `--name`)" if pc.has_option("-n") else ""
        yield Finding(use.span(), f"`zypper {pc.subcommand}` without `-n` stops at its "
                                  "first question and fails the build; write `zypper -n "
                                  f"{pc.subcommand}`{late}",
                      fix=Fix("Add -n", (Edit(use.insert_after(pc.command.name_word),
                                              " -n"),)))
