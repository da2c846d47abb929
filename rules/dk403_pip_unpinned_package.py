"""A `pip install` names a package without a version.

## What it does
Fires on every package of a `pip install` (`pip`, `pip3`, `pip3.12`, `python -m pip`,
`uv pip install`) that carries no version specifier (`==`, `===`, `~=`, `>=`, `<=`, `<`, `>`,
`!=`; extras such as `uvicorn[standard]==0.30.0` are fine). One finding per instruction names every
such package and points at the first, the others being related locations (each at its exact
position), in multi-line RUNs, `sh -c '...'` strings, heredoc scripts and `ONBUILD RUN` triggers.

A VCS requirement (`git+https://github.com/org/lib.git`, `name @ git+ssh://...`, also `hg+`,
`svn+`, `bzr+`) is a package too: pinned by an `@<tag or commit>` after the repository path
(`git+https://github.com/org/lib.git@v1.2.0`); without one it installs the default branch as it
is on the day of the build, and a branch name (`@main`, `@master`, `@HEAD`, `@develop`...) moves
the same way.

Not reported: `pip`, `setuptools` and `wheel` given to `pip install --upgrade` (see below,
and the option `installer-upgrades`). Not packages, so never reported either: requirement and
constraint files (`-r requirements.txt`, `-c constraints.txt`), editable and local installs
(`-e .`, `.`, `./lib`, `src/`), wheels and source archives (`.whl`, `.tar.gz`, `.zip`), other
URLs and direct references (`https://.../lib-1.0.tar.gz`, `name @ https://...`), words built
from variables (`$PACKAGES`), and option values (`--index-url X`, `--target /opt/lib`,
`--platform manylinux2014_x86_64`, and a `true`/`false`/number after an option docklint does not
know).

## Why is this bad?
An unpinned package resolves to the newest release on the day of the build, so the same
Dockerfile builds different images over time, and a new major release can break the build or,
worse, the running program.

## Differences from hadolint
Compared with hadolint's DL3013, docklint treats a `-c`/`--constraint` file (or
`PIP_CONSTRAINT`) as pinning every package of the command, knows more option values that are
not packages, and points at each package (one finding per instruction, naming them all). It also
leaves alone the common
`pip install --upgrade pip setuptools wheel`: that refreshes the installer the base image
shipped, not the application's dependencies, and pinning it fights the base image's own
updates. Set the option `installer-upgrades = true` to report it as well. hadolint accepts any
VCS URL with an `@`; docklint reports one whose ref is a branch name (`@main`), which moves like
no ref at all.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask gunicorn
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0
```
or list the pinned versions in a requirements file and `pip install -r requirements.txt`.
"""

from __future__ import annotations

from docklint.packages import command_words, pin_hint, unpinned
from docklint.rule import Finding, Option, Severity, rule

INSTALLER = {"pip", "setuptools", "wheel"}


@rule("DK403", "pip-unpinned-package", Severity.WARNING, tags={"reproducibility", "packages"},
      aliases=("DL3013",),
      group_message="{count} pip packages are not pinned to a version: {labels}; write "
                    "`name==<version>` for each",
      options={"installer-upgrades": Option(False, "also report `pip install --upgrade pip "
                                                   "setuptools wheel` without versions")},
      triggers=("RUN",),
      words=command_words("pip", "uv"))
def check(df, options):
    for use, pkg in unpinned(df, "pip", "uv"):
        if not options.get("installer-upgrades") and pkg.name.lower() in INSTALLER and \
                use.pc.has_option("-U", "--upgrade"):
            continue
        if pkg.kind == "git":
            why = pkg.why or "the URL has no `@<tag or commit>`"
            yield Finding(use.word_span(pkg.word),
                          f"pip package `{pkg.text}` is not pinned to a version: {why}; "
                          f"write `{pkg.name}@<tag or commit>`", label=pkg.text)
            continue
        yield Finding(use.word_span(pkg.word),
                      f"pip package `{pkg.text}` is not pinned to a version; write "
                      f"`{pin_hint('pip', pkg.name)}`", label=pkg.text)
