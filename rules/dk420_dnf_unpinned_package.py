"""A `dnf install` names a package without a version.

## What it does
Fires on every package of `dnf install` or `microdnf install` (and `localinstall`, `reinstall`)
that carries no version: pinned means the RPM form `name-version` or `name-version-release`,
optionally with an architecture (`nginx-1.20.1`, `nginx-1.20.1-14.el9_2.1.x86_64`). A
`dnf module install` needs a stream (`nodejs:20`). docklint reads the last dash-separated part:
it must start with a digit, so `java-17-openjdk-headless` is a name with no version. One finding
per instruction names every such package and points at the first, the others being related
locations (each at its exact position), in multi-line RUNs, `sh -c '...'` strings, heredoc scripts
and `ONBUILD RUN` triggers.

Not packages, so never reported: groups (`@development-tools`, `group install`), local `.rpm`
files, paths and URLs, capabilities (`'dnf-command(config-manager)'`, `/usr/bin/python3`), glob
patterns, words built from variables, and option values (`--enablerepo crb`, `--setopt X`).

## Why is this bad?
Without a version, dnf installs whatever the repository offers on the day of the build, so two
builds of the same Dockerfile can differ, and an update can break the build or the program.

It is only info and off by default, because for distribution packages pinning is a trade-off, not a
plain fix. Whether a pinned version stays installable depends on the repository: Fedora's `updates`
repository, for one, keeps only the newest build. Where the repository drops old builds, the build
fails until someone edits the pin; where it keeps them, the pinned image goes without the security
fixes of newer builds. That is why the Docker Official Images do not pin distribution packages, on
purpose: the release in the base image tag already fixes what the packages are, and updates within
a release bring fixes. Pin where you also pin the repository (a snapshot or a local mirror of one
date, on a base image pinned by digest), so that the pinned versions stay installable. None of its
findings on docklint's test corpus was worth changing (see `docs/rule-stats.md`). Turn it on with
`--select default,DK420` (`select: [default, DK420]` in the configuration) where you pin the
repository too. A `.hadolint.yaml` turns it on, since hadolint runs DL3041 by default, and
`# hadolint ignore=DL3041` reaches it.

## Differences from hadolint
hadolint's DL3041 is on by default; DK420 is off by default (see above). hadolint counts any
dash followed by a digit as a version, so `java-11-openjdk` passes there; docklint requires the
version at the end, where RPM puts it. hadolint reports a local `./x.rpm`; docklint does not.
Both ask module installs for a stream (`nodejs:18`). docklint points at each package (one
finding per instruction, naming them all).

## Example
```dockerfile
FROM fedora:40
RUN dnf install -y nginx && dnf clean all
```

## Use instead
```dockerfile
FROM fedora:40
RUN dnf install -y nginx-1.26.1 && dnf clean all
```
"""

from __future__ import annotations

from docklint.packages import command_words, pin_hint, unpinned
from docklint.rule import Finding, Severity, rule


@rule("DK420", "dnf-unpinned-package", Severity.INFO, tags={"reproducibility", "packages"},
      aliases=("DL3041",), default_enabled=False,
      group_message="{count} dnf packages or modules are not pinned: {labels}; write "
                    "`name-<version>` (a module: `name:<stream>`) for each", triggers=("RUN",),
      words=command_words("dnf"))
def check(df, options):
    for use, pkg in unpinned(df, "dnf"):
        if use.pc.action.startswith("module"):
            msg = f"module `{pkg.text}` names no stream; write `{pkg.name}:<stream>`"
        else:
            msg = f"{use.pc.name} package `{pkg.text}` is not pinned to a version; write " \
                  f"`{pin_hint('dnf', pkg.name)}`"
        yield Finding(use.word_span(pkg.word), msg, label=pkg.text)
