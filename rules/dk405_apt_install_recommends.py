"""An `apt-get install` in a shipped image also installs recommended packages.

## What it does
Fires on `apt-get install` and `apt install` without `--no-install-recommends` (and
`aptitude install` without `--without-recommends`/`-R`), unless recommends are turned off some
other way: `-o APT::Install-Recommends=false` (or `0`/`no`) on the command, or an
`APT::Install-Recommends "false";` setting written to apt's configuration earlier in the build
(by a RUN or a COPY heredoc of the stage or the stages it is built on). The finding points at
`apt-get install`. An install with no package arguments (`apt-get install -f`) is not
reported.

Only stages whose files reach an image that ships are checked: the target stage, the stages it
is built `FROM` (directly or through other stages), and `ONBUILD RUN` triggers. In a builder
whose output is copied out, the extra packages cost some build time but never reach the final image.

## Why is this bad?
Recommended packages are not needed for the package to work, and they are many: documentation,
extra tools, fonts, sometimes a whole X11 stack. They make the image larger and add code that
needs security updates.

## Differences from hadolint
hadolint's DL3015 reports every stage, builders included, and does not read apt configuration
written earlier in the build; docklint follows the stage graph and reads it. hadolint also
reports `apt-get install -f` with no package (it only completes earlier installs) and
`apt-get install -s` (a simulation); docklint does not. docklint also checks `apt install` and
`aptitude install`.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8 \
 && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
 && rm -rf /var/lib/apt/lists/*
```

## Fix safety
The fix inserts ` --no-install-recommends` after `install`. It is unsafe: a program may rely on
a package that was only recommended (`ca-certificates` recommended by `curl` is the classic
case), so the image can change behaviour; add such packages explicitly.
"""

from __future__ import annotations

import re

from docklint.lazyre import lazy
from docklint.packages import command_words, earlier_search, ships, uses
from docklint.rule import Edit, Finding, Fix, Severity, rule

_CONFIG = lazy(r"APT::Install-Recommends[\"'\s=]+\"?(false|no|0)\b", re.I)


@rule("DK405", "apt-install-recommends", Severity.INFO, tags={"size", "packages"},
      aliases=("DL3015",), fixable="always", triggers=("RUN",),
      words=command_words("apt"))
def check(df, options):
    for use in uses(df, "apt"):
        pc = use.pc
        if pc.action != "install" or not pc.operands or pc.simulates or not ships(df, use):
            continue
        flag = "--without-recommends" if pc.tool == "aptitude" else "--no-install-recommends"
        if pc.has_option("--no-install-recommends", "--without-recommends") or \
                (pc.tool == "aptitude" and pc.has_option("-R")):
            continue
        if any(_CONFIG.search(v) for v in pc.option_values("-o", "--option")) or \
                earlier_search(df, use, _CONFIG):
            continue
        yield Finding(use.span(), f"`{pc.tool} install` also installs recommended packages; "
                                  f"add `{flag}` and name the packages you need",
                      fix=Fix(f"Add {flag}", (Edit(use.insert_after(),
                                                   f" {flag}"),), safe=False))
