"""A `yum` command that asks for confirmation runs without `-y`.

## What it does
Fires on `yum` commands that change packages (`install`, `groupinstall`, `localinstall`,
`reinstall`, `update`/`upgrade`, `remove`/`erase`, `downgrade`, ...) without `-y` or
`--assumeyes` (also inside a bundle such as `-qy`), unless the answer comes another way:
`--setopt=assumeyes=1`, a `yes |` pipe, or `assumeyes=1` written to yum's configuration earlier
in the build (by a RUN or a COPY heredoc of the stage or the stages it is built on). The
finding points at the command from `yum` to its subcommand, in multi-line RUNs, heredoc
scripts, `sh -c` strings and `ONBUILD RUN` triggers.

## Why is this bad?
A build has no terminal: yum asks `Is this ok [y/N]:`, reads end-of-file, gives up and fails
the step. Whether it asks depends on what there is to do, so a Dockerfile that built once may
fail on a later rebuild.

## Differences from hadolint
hadolint's DL3030 checks only the install subcommands (`install`, `groupinstall`,
`localinstall`) and does not notice `assumeyes` in the configuration; docklint covers every
subcommand that asks (`update`, `remove`...) and reads the build's yum settings.

## Example
```dockerfile
FROM centos:7
RUN yum install httpd-2.4.6 && yum clean all
```

## Use instead
```dockerfile
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
```

## Fix safety
The fix inserts ` -y` after the subcommand. It is safe: it only answers the question the build
cannot answer.
"""

from __future__ import annotations

from docklint.packages import RPM_ASKS, command_words, rpm_assumes_yes, uses
from docklint.rule import Edit, Finding, Fix, Severity, rule


@rule("DK411", "yum-missing-yes", Severity.WARNING, tags={"packages", "build"},
      aliases=("DL3030",), fixable="always", triggers=("RUN",),
      words=command_words("yum"))
def check(df, options):
    for use in uses(df, "yum"):
        if use.pc.action not in RPM_ASKS or use.pc.simulates or rpm_assumes_yes(df, use):
            continue
        yield Finding(use.span(), f"`yum {use.pc.subcommand}` without `-y` stops at its "
                                  "confirmation prompt and fails the build; add `-y`",
                      fix=Fix("Add -y", (Edit(use.insert_after(), " -y"),)))

