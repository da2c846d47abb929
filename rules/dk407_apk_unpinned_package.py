"""An `apk add` names a package without a version.

## What it does
Fires on every package of an `apk add` that carries no version constraint: pinned means
`name=version`, `name~version` (any version starting so, e.g. `curl~8.9`), or a comparison
(`name>=version`, `name<version`). One finding per instruction names every such package and points
at the first, the others being related locations (each at its exact position), in multi-line RUNs,
`sh -c '...'` strings, heredoc scripts and `ONBUILD RUN` triggers.

Not packages, so never reported: the name of a virtual package (`--virtual .build-deps`,
`-t .deps`), repository URLs (`--repository`, `-X`), other option values, local `.apk` files and
paths, and words built from variables (`$PACKAGES`).

## Why is this bad?
The version you get is whatever the Alpine mirror serves that day, so rebuilding the same
Dockerfile can produce a different image. Alpine removes old package versions from its
repositories, so an exact pin (`=`) breaks when the release moves on; the fuzzy `~` pin on the
major and minor version keeps security fixes while avoiding surprise upgrades.

Compared with hadolint's DL3018, docklint points at each package (one finding per instruction,
naming them all) and leaves
variables alone.

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

from docklint.packages import pin_hint, unpinned
from docklint.rule import Finding, Severity, rule


@rule("DK407", "apk-unpinned-package", Severity.WARNING, tags={"reproducibility", "packages"},
      aliases=("DL3018",),
      group_message="{count} apk packages are not pinned to a version: {labels}; write "
                    "`name=<version>` or `name~<major.minor>` for each")
def check(df, options):
    for use, pkg in unpinned(df, "apk"):
        yield Finding(use.word_span(pkg.word),
                      f"apk package `{pkg.text}` is not pinned to a version; write "
                      f"`{pin_hint('apk', pkg.name)}` or `{pkg.name}~<major.minor>`", label=pkg.text)
