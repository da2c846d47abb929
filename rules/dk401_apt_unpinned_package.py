"""An `apt-get install` names a package without a version.

## What it does
Fires on every package of an `apt-get install`, `apt install` or `aptitude install` that is not
pinned: pinned means `name=version` (a version, possibly with a `*` wildcard) or `name/release`
(a release such as `bookworm-backports`). One finding per instruction names every such package and
points at the first, the others being related locations (each at its exact position), in
multi-line RUNs, `sh -c '...'` strings, heredoc scripts and `ONBUILD RUN` triggers alike.

Not packages, so never reported: local files and directories (`./pkg.deb`, `/tmp/x.deb`),
words built from variables (`$PACKAGES`, `"${PKG}"`: docklint cannot see their value), option
values (`-t bookworm-backports`, `-o Dpkg::Options::=--force-confold`), glob patterns
(`libcanberra-gtk*`: several packages, no single version to give) and `pkg-` (a removal).

## Why is this bad?
Without a version, the package you get is whatever the mirror serves on the day of the build.
Two builds of the same Dockerfile a month apart can ship different code, and a build that
worked yesterday can break when a new version changes behaviour.

It is only info and off by default, because for distribution packages pinning is a trade-off, not a
plain fix. Debian's and Ubuntu's archives keep only the current version of each package of a
release: when a security update lands, the old version is gone, and `curl=7.88.1-10+deb12u8` makes
the build fail until someone edits the pin. That is why the Docker Official Images, written by
people who maintain images for a living, do not pin distribution packages, on purpose: the release
in the base image tag (`debian:12`, `ubuntu:24.04`) already fixes what the packages are, and
updates bring only security and bug fixes. Pin where you also pin the archive, so that the pinned
versions stay installable: install from a snapshot mirror (`snapshot.debian.org`,
`snapshot.ubuntu.com`) of one date, on a base image pinned by digest, and the whole build becomes
reproducible. On docklint's test corpus it fires on half of the Docker Official Images'
Dockerfiles, and none of the findings read there was worth changing (see `docs/rule-stats.md`).
Turn it on with `--select default,DK401` (`select: [default, DK401]` in the configuration) where
you pin the archive too. A `.hadolint.yaml` turns it on, since hadolint runs DL3008 by default, and
`# hadolint ignore=DL3008` reaches it.

`name/release` (`curl/bookworm-backports`) counts as pinned, as in hadolint, although it picks
a release rather than a version (while `-t bookworm-backports curl` does not).

## Differences from hadolint
hadolint's DL3008 is on by default; DK401 is off by default (see above). Where both run, they
fire on the same `apt-get install` of a package without `=version`, both take `name/release` as
pinned and skip `.deb` files and the value of `-t`. docklint also checks `apt install` and
`aptitude install`, looks through wrappers (`sudo`, `env`, `xargs`, `eatmydata`) and into
`sh -c` strings and heredocs, and points at each package (one finding per instruction, naming
them all). hadolint reports a word made of a shell variable (`apt-get install $buildDeps`) and
glob patterns (`android-tools*`) as unpinned packages; docklint cannot tell what they hold and
leaves them alone.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
    ca-certificates=20230311 \
 && rm -rf /var/lib/apt/lists/*
```
with the sources pointed at a snapshot of the archive, so that these versions stay installable;
or leave the versions to the release and turn the rule off.
"""

from __future__ import annotations

from docklint.packages import command_words, pin_hint, unpinned
from docklint.rule import Finding, Severity, rule


@rule("DK401", "apt-unpinned-package", Severity.INFO, tags={"reproducibility", "packages"},
      aliases=("DL3008",), default_enabled=False,
      group_message="{count} apt packages are not pinned to a version: {labels}; write "
                    "`name=<version>` for each", triggers=("RUN",),
      words=command_words("apt"))
def check(df, options):
    for use, pkg in unpinned(df, "apt"):
        yield Finding(use.word_span(pkg.word),
                      f"apt package `{pkg.text}` is not pinned to a version; write "
                      f"`{pin_hint('apt', pkg.name)}`", label=pkg.text)
