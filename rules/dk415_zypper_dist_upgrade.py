"""A RUN upgrades the whole distribution with `zypper dist-upgrade`.

## What it does
Fires on `zypper dist-upgrade` and its short form `zypper dup`, in multi-line RUNs, heredoc
scripts, `sh -c` strings and `ONBUILD RUN` triggers. The finding points at the command from
`zypper` to its subcommand.

## Why is this bad?
`dist-upgrade` may move the image to new versions of everything, replace packages and change
vendors: the result depends on the day of the build and may no longer match the base image's
release. Update the base image instead (a newer tag or digest), and use `zypper patch` or
`zypper update` for the security fixes the base image lacks.

## Differences from hadolint
Same trigger as hadolint's DL3035: `zypper dist-upgrade` or `zypper dup`. docklint also finds
it in heredoc scripts, `sh -c` strings and behind wrappers such as `sudo`.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper -n dup && zypper clean --all
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper -n patch && zypper clean --all
```
"""

from __future__ import annotations

from docklint.packages import command_words, uses
from docklint.rule import Finding, Severity, rule


@rule("DK415", "zypper-dist-upgrade", Severity.WARNING, tags={"reproducibility", "packages"},
      aliases=("DL3035",), triggers=("RUN",),
      words=command_words("zypper"))
def check(df, options):
    for use in uses(df, "zypper"):
        if use.pc.action == "dist-upgrade":
            yield Finding(use.span(), f"`zypper {use.pc.subcommand}` upgrades the whole "
                                      "distribution to whatever the build day offers; use a "
                                      "newer base image, or `zypper patch` for fixes")
