"""An `apt-get update` leaves the package lists in the image.

## What it does
Fires on `apt-get update` (also `apt update`, `aptitude update`) when nothing later in the same
RUN removes `/var/lib/apt/lists`: `rm -rf /var/lib/apt/lists/*` (or the directory itself, or an
ancestor such as `/var/lib/apt`), `find /var/lib/apt/lists ... -delete`, or `apt-get distclean`.
The cleanup may sit anywhere after the update in the same RUN, including inside a heredoc script
or an `sh -c` string. The finding points at `apt-get update` (the last one of the RUN, when it
updates twice) and says what to append.

Only stages whose files reach an image that ships are checked: the target stage, stages other
stages are built `FROM`, and `ONBUILD RUN` triggers. A builder stage whose output is only
copied from is left alone, because its lists never reach the final image. A RUN with a cache or
tmpfs mount on `/var/lib/apt/lists` or on a directory above it (the usual
`--mount=type=cache,target=/var/lib/apt`) is exempt: the lists stay in the mount.

## Why is this bad?
The lists are tens of megabytes of index files that are useless at run time. Removing them in a
later RUN does not help: they are already stored in the earlier layer. They also make a later
`apt-get install` in a derived image use a stale index instead of failing clearly.

hadolint's DL3009 reports every stage, builders included; docklint follows the stage graph and
accepts any removal that covers the directory.

## Example
```dockerfile
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6
```

## Use instead
```dockerfile
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6 \
 && rm -rf /var/lib/apt/lists/*
```
or keep the lists out of the image with a cache mount:
```dockerfile
FROM ubuntu:24.04
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \
    --mount=type=cache,target=/var/cache/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6
```
"""

from __future__ import annotations

from docklint.packages import append_hint, last_per_run, leaves_cache, uses
from docklint.rule import Finding, Severity, rule


@rule("DK402", "apt-lists-not-cleaned", Severity.INFO, tags={"size", "packages"},
      aliases=("DL3009",))
def check(df, options):
    found = [use for use in uses(df, "apt") if use.pc.action == "update" and
             leaves_cache(df, use, "apt-lists")]
    for use in last_per_run(found):
        yield Finding(use.span(), f"`{use.pc.tool} update` leaves the package lists in the "
                                  f"image; {append_hint(use, 'rm -rf /var/lib/apt/lists/*')}")
