"""A `yum install` names a package without a version.

## What it does
Fires on every package of `yum install` (and `localinstall`, `reinstall`) that carries no
version: pinned means the RPM form `name-version` or `name-version-release`, optionally with an
architecture (`httpd-2.4.6`, `httpd-2.4.6-99.el7.centos.1.x86_64`). A `yum module install`
needs a stream (`nodejs:18`). docklint reads the last dash-separated part: it must start with a
digit, so `java-11-openjdk` is a name with no version, not `java` version `11`. One finding per
instruction names every such package and points at the first, the others being related locations
(each at its exact position), in multi-line RUNs, `sh -c '...'` strings, heredoc scripts and
`ONBUILD RUN` triggers.

Not packages, so never reported: groups (`@core`, `groupinstall`, `group install`), local `.rpm`
files, paths and URLs, capabilities (`'perl(JSON)'`, `/usr/bin/python3`), glob patterns
(`'php-*'`), words built from variables, and option values (`--enablerepo epel`, `--setopt X`).

## Why is this bad?
Without a version, yum installs whatever the repository offers on the day of the build, so two
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
`--select default,DK413` (`select: [default, DK413]` in the configuration) where you pin the
repository too. A `.hadolint.yaml` turns it on, since hadolint runs DL3033 by default, and
`# hadolint ignore=DL3033` reaches it.

## Differences from hadolint
hadolint's DL3033 is on by default; DK413 is off by default (see above). hadolint counts any
dash followed by a digit as a version, so `java-11-openjdk` passes there; docklint requires the
version at the end, where RPM puts it. hadolint reports a local `./x.rpm`; docklint does not (a
file has one version). Both ask module installs for a stream (`nodejs:18`). docklint points at
each package (one finding per instruction, naming them all).

## Example
```dockerfile
FROM centos:7
RUN yum install -y httpd && yum clean all
```

## Use instead
```dockerfile
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
```
"""

from __future__ import annotations

from docklint.packages import command_words, pin_hint, unpinned
from docklint.rule import Finding, Severity, rule


@rule("DK413", "yum-unpinned-package", Severity.INFO, tags={"reproducibility", "packages"},
      aliases=("DL3033",), default_enabled=False,
      group_message="{count} yum packages or modules are not pinned: {labels}; write "
                    "`name-<version>` (a module: `name:<stream>`) for each", triggers=("RUN",),
      words=command_words("yum"))
def check(df, options):
    for use, pkg in unpinned(df, "yum"):
        if use.pc.action.startswith("module"):
            msg = f"module `{pkg.text}` names no stream; write `{pkg.name}:<stream>`"
        else:
            msg = f"yum package `{pkg.text}` is not pinned to a version; write " \
                  f"`{pin_hint('yum', pkg.name)}`"
        yield Finding(use.word_span(pkg.word), msg, label=pkg.text)
