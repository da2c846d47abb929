"""A `zypper` install leaves zypper's cache in the image.

## What it does
Fires on a `zypper install`/`in` (also `update`, `patch`, `dist-upgrade`, `source-install`)
when nothing later in the same RUN cleans the cache: `zypper clean` or `zypper cc` (with any
options), or `rm -rf /var/cache/zypp` (the directory, its contents, or an ancestor). The
finding points at the last such command of the RUN, from `zypper` to its subcommand, and says
what to append. Cleanups inside heredoc scripts and `sh -c` strings count.

Only stages whose files reach an image that ships are checked: the target stage, the stages it
is built `FROM` (directly or through other stages), and `ONBUILD RUN` triggers. A RUN with a
cache or tmpfs mount on `/var/cache/zypp` is exempt.

## Why is this bad?
zypper keeps repository metadata (and, for some repositories, the packages) under
`/var/cache/zypp`. It is useless at run time and stays in the layer once the RUN ends;
cleaning in a later RUN does not shrink the image.

## Differences from hadolint
hadolint's DL3036 checks every stage, accepts only `zypper clean`/`zypper cc` and reports each
install; docklint follows the stage graph, accepts any cleanup that covers the cache
(`rm -rf /var/cache/zypp`), and reports once per RUN.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper -n install curl=8.6.0
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper -n install curl=8.6.0 && zypper clean --all
```
"""

from __future__ import annotations

from docklint.packages import append_hint, command_words, last_per_run, leaves_cache, uses
from docklint.rule import Finding, Severity, rule

CACHING = {"install", "update", "patch", "dist-upgrade", "source-install"}


@rule("DK416", "zypper-cache-not-cleaned", Severity.WARNING, tags={"size", "packages"},
      aliases=("DL3036",), triggers=("RUN",),
      words=command_words("zypper"))
def check(df, options):
    found = [use for use in uses(df, "zypper") if use.pc.action in CACHING and
             leaves_cache(df, use, "zypper")]
    for use in last_per_run(found):
        yield Finding(use.span(), f"`zypper {use.pc.subcommand}` leaves its cache in "
                                  f"/var/cache/zypp; {append_hint(use, 'zypper clean --all')}")
