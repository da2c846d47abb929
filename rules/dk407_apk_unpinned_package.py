"""An `apk add` names a package without a version.

## What it does
Fires on every package of an `apk add` that carries no version constraint: pinned means
`name=version`, `name~version` (any version starting so, e.g. `curl~8.9`), or a comparison
(`name>=version`, `name<version`). One finding per instruction names every such package and points
at the first, the others being related locations (each at its exact position), in multi-line RUNs,
`sh -c '...'` strings, heredoc scripts and `ONBUILD RUN` triggers.

Not packages, so never reported: the name of a virtual package (`--virtual .build-deps`,
`-t .deps`), repository URLs (`--repository`, `-X`), other option values, local `.apk` files and
paths, glob patterns, and words built from variables (`$PACKAGES`).

## Why is this bad?
The version you get is whatever the Alpine mirror serves that day, so rebuilding the same
Dockerfile can produce a different image.

It is only info and off by default, because for distribution packages pinning is a trade-off, not a
plain fix. Alpine keeps only the newest build of each package in a release branch (`v3.20/main`):
when a security update lands, the old version is gone, and an exact pin (`curl=8.9.1-r1`) makes the
build fail until someone edits it. That is why the Docker Official Images do not pin Alpine
packages, on purpose: the release in the base image tag (`alpine:3.20`) already fixes what the
packages are, and updates within a branch bring only fixes. If you pin, use the fuzzy `~` on the
version you tested (`curl~8.9`: any 8.9.x), which keeps the security updates and still stops
surprise upgrades; or pin exactly where you also pin the archive (a mirror frozen at one date, on a
base image pinned by digest). On docklint's test corpus it fires on a quarter of the Docker
Official Images' Dockerfiles, and none of the findings read there was worth changing (see
`docs/rule-stats.md`). Turn it on with `--select default,DK407` (`select: [default, DK407]` in the
configuration) where you pin the repository too. A `.hadolint.yaml` turns it on, since hadolint
runs DL3018 by default, and `# hadolint ignore=DL3018` reaches it.

A package from a tagged repository (`cfssl@testing`) is pinned as `cfssl@testing=<version>`:
apk reads the tag as part of the name, before the version.

## Differences from hadolint
hadolint's DL3018 is on by default; DK407 is off by default (see above). Where both run they fire
on the same `apk add` packages and skip the same option values (`-t/--virtual`, `--repository`,
`-X`). docklint points at each package (one finding per instruction, naming them all) and leaves
alone words made of a shell variable (`apk add $buildDeps`) and glob patterns, which hadolint
reports as unpinned.

## Example
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache --virtual .build-deps gcc musl-dev
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache --virtual .build-deps gcc~13.2 musl-dev~1.2
```
"""

from __future__ import annotations

from docklint.packages import command_words, pin_hint, unpinned
from docklint.rule import Finding, Severity, rule


@rule("DK407", "apk-unpinned-package", Severity.INFO, tags={"reproducibility", "packages"},
      aliases=("DL3018",), default_enabled=False,
      group_message="{count} apk packages are not pinned to a version: {labels}; write "
                    "`name=<version>` or `name~<major.minor>` for each", triggers=("RUN",),
      words=command_words("apk"))
def check(df, options):
    for use, pkg in unpinned(df, "apk"):
        name, _, tag = pkg.name.partition("@")
        where = f" (from the repository tagged `@{tag}`)" if tag else ""
        yield Finding(use.word_span(pkg.word),
                      f"apk package `{name}`{where} is not pinned to a version; write "
                      f"`{pin_hint('apk', pkg.name)}` or `{pkg.name}~<major.minor>`",
                      label=pkg.text)
