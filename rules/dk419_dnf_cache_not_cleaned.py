"""A `dnf` or `microdnf` install leaves dnf's cache in the image.

## What it does
Fires on a `dnf` or `microdnf` command that fills the cache (`install`, `upgrade`/`update`,
`upgrade-minimal`, `reinstall`, `downgrade`, `distro-sync`, `makecache`...) when nothing later in
the same RUN cleans it: `dnf clean all` (or `yum clean all`, which is dnf on the systems that
have both), `microdnf clean all` where `microdnf` did the install (microdnf's `clean` does not
empty what `dnf` filled), or an `rm -rf` of `/var/cache/dnf`, `/var/cache/libdnf5` (dnf5)
or `/var/cache/yum` (the directory, its contents, or an ancestor). The finding points at the
last such command of the RUN, from the tool to its subcommand, and says what to append.
Cleanups inside heredoc scripts and `sh -c` strings count.

Only stages whose files reach an image that ships are checked: the target stage, the stages it
is built `FROM` (directly or through other stages), and `ONBUILD RUN` triggers. A RUN with a
cache or tmpfs mount on one of those directories (or `~/.cache/libdnf5`) is exempt.

## Why is this bad?
dnf keeps repository metadata, and possibly downloaded packages, in its cache: often more than
100 MB that are useless at run time and stay in the layer once the RUN ends. Cleaning in a
later RUN does not shrink the image.

## Differences from hadolint
hadolint's DL3040 checks every stage, accepts the cleanup only from the same tool (and only
`rm -rf /var/cache/libdnf5*`) and reports each install; docklint follows the stage graph, accepts
`yum clean all` and every `rm` that covers the cache, and reports once per RUN. Like hadolint, it
does not accept `microdnf clean all` after a `dnf` install.

## Example
```dockerfile
FROM fedora:40
RUN dnf install -y nginx-1.26.1
```

## Use instead
```dockerfile
FROM fedora:40
RUN dnf install -y nginx-1.26.1 && dnf clean all
```
"""

from __future__ import annotations

from docklint.packages import RPM_CACHING, append_hint, command_words, last_per_run, leaves_cache, uses
from docklint.rule import Finding, Severity, rule


@rule("DK419", "dnf-cache-not-cleaned", Severity.WARNING, tags={"size", "packages"},
      aliases=("DL3040",), triggers=("RUN",),
      words=command_words("dnf"))
def check(df, options):
    found = [use for use in uses(df, "dnf") if use.pc.action in RPM_CACHING and
             leaves_cache(df, use, "microdnf" if use.pc.name == "microdnf" else "dnf")]
    for use in last_per_run(found):
        yield Finding(use.span(), f"`{use.pc.name} {use.pc.subcommand}` leaves its cache in the "
                                  f"image; {append_hint(use, use.pc.name + ' clean all')}")
