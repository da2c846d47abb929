"""A `dnf` command that asks for confirmation runs without `-y`.

## What it does
Fires on `dnf` commands that change packages (`install`, `groupinstall`, `localinstall`,
`reinstall`, `upgrade`/`update`, `remove`, `downgrade`, `distro-sync`, `module install`...)
without `-y` or `--assumeyes` (also inside a bundle such as `-qy`), unless the answer comes
another way: `--setopt=assumeyes=1`, a `yes |` pipe, or `assumeyes=1` written to dnf's
configuration earlier in the build (by a RUN or a COPY heredoc of the stage or the stages it is
built on). The finding points at the command from `dnf` to its subcommand, in multi-line RUNs,
heredoc scripts, `sh -c` strings and `ONBUILD RUN` triggers.

`microdnf` is not reported: in a build (no terminal) it goes ahead without `-y`. The Docker
Official Images show it: `docker-library/openjdk` builds its `oraclelinux:9-slim` and
`oraclelinux:10-slim` variants with `microdnf install gzip tar ...`, no `-y`, and they build.

## Why is this bad?
A build has no terminal: dnf asks `Is this ok [y/N]:`, reads end-of-file, stops and fails the
step. Whether it asks depends on what there is to do, so the Dockerfile may only break on a
later rebuild.

## Differences from hadolint
hadolint's DL3038 checks only the install subcommands (`install`, `groupinstall`,
`localinstall`) and does not see an answer given another way (`--setopt=assumeyes=1`, `yes |`,
`assumeyes=1` in dnf's configuration); docklint covers every subcommand that asks and accepts
every way of answering. hadolint also reports `microdnf install` without `-y`; docklint does
not, because that command does not stop a build (see above): reporting it would ask for a change
that fixes nothing.

## Example
```dockerfile
FROM fedora:40
RUN dnf install nginx-1.26.1 && dnf clean all
```

## Use instead
```dockerfile
FROM fedora:40
RUN dnf install -y nginx-1.26.1 && dnf clean all
```

## Fix safety
The fix inserts ` -y` after the subcommand. It is safe: it only answers the question the build
cannot answer.
"""

from __future__ import annotations

from docklint.packages import RPM_ASKS, command_words, rpm_assumes_yes, uses
from docklint.rule import Edit, Finding, Fix, Severity, rule


@rule("DK418", "dnf-missing-yes", Severity.WARNING, tags={"packages", "build"},
      aliases=("DL3038",), fixable="always", triggers=("RUN",),
      words=command_words("dnf"))
def check(df, options):
    for use in uses(df, "dnf"):
        if use.pc.name == "microdnf" or use.pc.action not in RPM_ASKS or \
                use.pc.simulates or rpm_assumes_yes(df, use):
            continue
        yield Finding(use.span(), f"`{use.pc.name} {use.pc.subcommand}` without `-y` stops at its "
                                  "confirmation prompt and fails the build; add `-y`",
                      fix=Fix("Add -y", (Edit(use.insert_after(), " -y"),)))
