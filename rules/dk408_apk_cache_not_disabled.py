"""An `apk` command leaves its package index cache in the image.

## What it does
Fires on `apk add` and `apk upgrade` without `--no-cache`, and on `apk update` when no later
`apk add`/`apk upgrade` of the same RUN is reported already, unless something later in the same
RUN removes the cache (`rm -rf /var/cache/apk/*`, `apk cache clean`) or a cache or tmpfs mount of
the RUN covers `/var/cache/apk`. The finding points at the command from `apk` to its
subcommand (`apk add`), in multi-line RUNs, heredoc scripts, `sh -c` strings and `ONBUILD RUN`
triggers.

Only stages whose files reach an image that ships are checked: the target stage, the stages it
is built `FROM` (directly or through other stages), and `ONBUILD RUN` triggers; a builder whose
output is copied out never ships its cache.

## Why is this bad?
`apk update` and `apk add --update` download the repository indexes into `/var/cache/apk`, a
few megabytes that stay in the layer and are useless at run time. `--no-cache` fetches the
index into a temporary place and leaves nothing behind, and makes a separate `apk update`
unnecessary.

## Differences from hadolint
hadolint's DL3019 checks `apk add` in every stage; docklint follows the stage graph (a builder
whose output is copied out never ships its cache), accepts a later cleanup in the RUN, and treats
`apk add --no-network` as leaving no index behind (it downloads nothing; the Docker Official
Images' PHP-based images use it), where hadolint reports it. docklint also reports `apk upgrade`
without `--no-cache` and an `apk update` whose index nothing removes, even when the install
itself uses `--no-cache`.

## Example
```dockerfile
FROM alpine:3.20
RUN apk update && apk add curl~8.9
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl~8.9
```

## Fix safety
For `apk add` and `apk upgrade` the fix inserts ` --no-cache` after the subcommand. It is safe:
the command fetches a fresh index itself and installs the same packages. `apk update` gets no
fix (remove it, or remove the cache after the install).
"""

from __future__ import annotations

from docklint.packages import append_hint, command_words, leaves_cache, uses
from docklint.rule import Edit, Finding, Fix, Severity, rule


def _caches(use) -> bool:
    return use.pc.action in ("add", "upgrade") and not use.pc.simulates and \
        not use.pc.has_option("--no-cache", "--no-network")


@rule("DK408", "apk-cache-not-disabled", Severity.INFO, tags={"size", "packages"},
      aliases=("DL3019",), fixable="sometimes", triggers=("RUN",),
      words=command_words("apk"))
def check(df, options):
    apk = [u for u in uses(df, "apk") if u.pc.action in ("add", "upgrade", "update")]
    # per script: where its last caching `apk add`/`upgrade` starts (an update before it is
    # that command's to report)
    last_caching: dict[int, int] = {}
    for other in apk:
        if _caches(other):
            key = id(other.script)
            last_caching[key] = max(last_caching.get(key, -1), other.command.start)
    for use in apk:
        if not leaves_cache(df, use, "apk"):
            continue
        if use.pc.action == "update":
            if last_caching.get(id(use.script), -1) > use.command.start:
                continue
            yield Finding(use.span(), "`apk update` stores the package index in "
                                      "/var/cache/apk; drop it and use `apk add --no-cache`, or "
                                      f"{append_hint(use, 'rm -rf /var/cache/apk/*')}")
        elif _caches(use):
            yield Finding(use.span(), f"`apk {use.pc.action}` without `--no-cache` keeps the "
                                      "package index in /var/cache/apk; add `--no-cache`",
                          fix=Fix("Add --no-cache", (Edit(use.insert_after(),
                                                          " --no-cache"),)))
