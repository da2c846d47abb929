"""An `npm install` names a package without a version.

## What it does
Fires on every package of `npm install` (and its aliases `npm i`, `npm add`...) that has no
version after its name: `express` and `@nestjs/cli` are unpinned, `express@4.19.2`,
`express@^4` and `@nestjs/cli@10.4.5` are pinned. `@latest` (or `@*`) is reported too: it names
whatever is newest, which is what an unpinned package gets anyway. A git dependency
(`user/repo`, `github:user/repo`, `git+https://...`) is pinned by a `#ref`. One finding per
instruction names every such package and points at the first, the others being related locations
(each at its exact position), in multi-line RUNs, `sh -c '...'` strings, heredoc scripts and
`ONBUILD RUN`
triggers.

Not packages, so never reported: `npm install` / `npm ci` without arguments (they follow
`package-lock.json`), local folders and tarballs (`.`, `./pkg`, `file:../pkg`, `pkg.tgz`),
tarball URLs, words built from variables, and option values (`--registry X`, `--prefix /opt`).

## Why is this bad?
An unpinned package resolves to the newest release on the day of the build, so the same
Dockerfile builds different images over time, and a new major version can break the build or
the program. Global tools installed this way (`npm i -g typescript`) are a common source of
builds that break for no visible reason.

## Differences from hadolint
Same trigger as hadolint's DL3016 for `npm install` of a registry package, scoped or not, or of a
git URL without `#ref`. hadolint checks only the `install` spelling; docklint also checks its
aliases (`npm i`, `npm add`...). hadolint accepts `@latest`; docklint does not, because it pins
nothing.

## Example
```dockerfile
FROM node:22-alpine
RUN npm install -g pnpm typescript@latest
```

## Use instead
```dockerfile
FROM node:22-alpine
RUN npm install -g pnpm@9.12.1 typescript@5.6.3
```
"""

from __future__ import annotations

from docklint.packages import command_words, pin_hint, unpinned
from docklint.rule import Finding, Severity, rule


@rule("DK406", "npm-unpinned-package", Severity.WARNING, tags={"reproducibility", "packages"},
      aliases=("DL3016",),
      group_message="{count} npm packages are not pinned: {labels}; write "
                    "`name@<version>` for each", triggers=("RUN",),
      words=command_words("npm"))
def check(df, options):
    for use, pkg in unpinned(df, "npm"):
        if pkg.kind == "git":
            msg = f"git dependency `{pkg.text}` is not pinned; append `#<tag or commit>`"
        else:
            why = f": {pkg.why}" if pkg.why else " to a version"
            msg = f"npm package `{pkg.text}` is not pinned{why}; write " \
                  f"`{pin_hint('npm', pkg.name)}`"
        yield Finding(use.word_span(pkg.word), msg, label=pkg.text)
