"""A `zypper install` names a package without a version.

## What it does
Fires on every package of `zypper install`/`in` that carries no version: pinned means
`name=version` or a comparison (`'name>=version'`, `'name<version'`). One finding per instruction
names every such package and points at the first, the others being related locations (each at its
exact position), in multi-line RUNs, `sh -c '...'` strings, heredoc scripts and `ONBUILD RUN`
triggers.

Not packages, so never reported: patterns, patches and products (`-t pattern devel_basis`,
`pattern:devel_basis`), local `.rpm` files, paths and URLs, capabilities (`'perl(JSON)'`), glob
patterns, words built from variables, and option values (`--repo X`, `--from X`).

## Why is this bad?
Without a version, zypper installs whatever the repository offers on the day of the build, so
rebuilding the same Dockerfile can give a different image, and an update can break the build or
the program.

It is only info and off by default, because for distribution packages pinning is a trade-off, not a
plain fix. Whether a pinned version stays installable depends on the repository: Fedora's `updates`
repository, for one, keeps only the newest build. Where the repository drops old builds, the build
fails until someone edits the pin; where it keeps them, the pinned image goes without the security
fixes of newer builds. That is why the Docker Official Images do not pin distribution packages, on
purpose: the release in the base image tag already fixes what the packages are, and updates within
a release bring fixes. Pin where you also pin the repository (a snapshot or a local mirror of one
date, on a base image pinned by digest), so that the pinned versions stay installable. The other
distribution package rules (DK401, DK407, DK413, DK420) are off by default too. Turn it on with
`--select default,DK417` (`select: [default, DK417]` in the configuration) where you pin the
repository too. A `.hadolint.yaml` turns it on, since hadolint runs DL3037 by default, and
`# hadolint ignore=DL3037` reaches it.

## Differences from hadolint
hadolint's DL3037 is on by default; DK417 is off by default (see above). Where both run they
fire on the same packages without `=`, `>`, `<` and skip `.rpm` files; docklint also skips
patterns and other non-package types (`-t pattern`) and points at each package (one finding per
instruction, naming them all).

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper -n install curl && zypper clean --all
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper -n install curl=8.6.0 && zypper clean --all
```
"""

from __future__ import annotations

from docklint.packages import command_words, pin_hint, unpinned
from docklint.rule import Finding, Severity, rule


@rule("DK417", "zypper-unpinned-package", Severity.INFO,
      tags={"reproducibility", "packages"}, aliases=("DL3037",), default_enabled=False,
      group_message="{count} zypper packages are not pinned to a version: {labels}; write "
                    "`name=<version>` for each", triggers=("RUN",),
      words=command_words("zypper"))
def check(df, options):
    for use, pkg in unpinned(df, "zypper"):
        yield Finding(use.word_span(pkg.word),
                      f"zypper package `{pkg.text}` is not pinned to a version; write "
                      f"`{pin_hint('zypper', pkg.name)}`", label=pkg.text)
