"""A `yum` install leaves yum's cache in the image.

## What it does
Fires on a `yum` command that fills the cache (`install`, `groupinstall`, `localinstall`,
`reinstall`, `update`/`upgrade`, `downgrade`, `makecache`...) when nothing later in the same RUN
cleans it: `yum clean all` (or `dnf clean all`, which cleans the same cache on systems where yum
is dnf), `rm -rf /var/cache/yum` or `/var/cache/dnf` (the directory, its contents, or an
ancestor). The finding points at the last such command of the RUN, from `yum` to its
subcommand, and says what to append. Cleanups inside heredoc scripts and `sh -c` strings count.

Only stages whose files reach an image that ships are checked: the target stage, the stages it
is built `FROM` (directly or through other stages), and `ONBUILD RUN` triggers. A RUN with a
cache or tmpfs mount on `/var/cache/yum` (or `/var/cache/dnf`) is exempt.

## Why is this bad?
yum keeps repository metadata, and often the downloaded packages, under `/var/cache/yum`: tens
to hundreds of megabytes that are useless at run time and stay in the layer forever once the
RUN ends. Cleaning in a later RUN does not shrink the image.

## Differences from hadolint
hadolint's DL3032 checks every stage, accepts only `yum clean all` or the exact `rm` of
`/var/cache/yum/*`, and reports each install; docklint follows the stage graph, accepts any
cleanup that covers the cache (`dnf clean all` included), and reports once per RUN.

## Example
```dockerfile
FROM centos:7
RUN yum install -y httpd-2.4.6
```

## Use instead
```dockerfile
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all && rm -rf /var/cache/yum
```
"""

from __future__ import annotations

from docklint.packages import RPM_CACHING, append_hint, command_words, last_per_run, leaves_cache, uses
from docklint.rule import Finding, Severity, rule


@rule("DK412", "yum-cache-not-cleaned", Severity.WARNING, tags={"size", "packages"},
      aliases=("DL3032",), triggers=("RUN",),
      words=command_words("yum"))
def check(df, options):
    found = [use for use in uses(df, "yum") if use.pc.action in RPM_CACHING and
             leaves_cache(df, use, "yum")]
    for use in last_per_run(found):
        yield Finding(use.span(), f"`yum {use.pc.subcommand}` leaves its cache in /var/cache/yum; "
                                  f"{append_hint(use, 'yum clean all')}")
