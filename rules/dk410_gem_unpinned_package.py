"""A `gem install` names a gem without a version.

## What it does
Fires on every gem of `gem install` (or `gem i`) written without a version, unless the command
gives one with `-v`/`--version`. Pinned means `name:version` (`bundler:2.5.18`) or `-v 2.5.18`
(also a requirement such as `-v '~> 2.5'`). One finding per instruction names every such gem and
points at the first, the others being related locations (each at its exact position), in multi-line
RUNs, `sh -c '...'` strings, heredoc scripts and `ONBUILD RUN` triggers.

Not gems, so never reported: local `.gem` files and paths, words built from variables, option
values (`--install-dir /opt/gems`, `--source URL`), and the build options after `--`
(`gem install pg -- --with-pg-config=...`).

## Why is this bad?
Without a version, RubyGems installs the newest release on the day of the build, so rebuilding
the same Dockerfile can give a different image; `gem install bundler` is the classic case that
breaks a build when a new Bundler major version drops support for the project's Ruby.

## Differences from hadolint
Same trigger as hadolint's DL3028 (`gem install`/`gem i` of a gem with no `:version` and no
`-v/--version`). docklint also knows which words are option values and build options (after
`--`), and points at each gem (one finding per instruction, naming them all).

## Example
```dockerfile
FROM ruby:3.3-slim
RUN gem install bundler --no-document
```

## Use instead
```dockerfile
FROM ruby:3.3-slim
RUN gem install bundler:2.5.18 --no-document
```
"""

from __future__ import annotations

from docklint.packages import command_words, unpinned
from docklint.rule import Finding, Severity, rule


@rule("DK410", "gem-unpinned-package", Severity.WARNING, tags={"reproducibility", "packages"},
      aliases=("DL3028",),
      group_message="{count} gems are not pinned to a version: {labels}; write "
                    "`name:<version>` for each", triggers=("RUN",),
      words=command_words("gem"))
def check(df, options):
    for use, pkg in unpinned(df, "gem"):
        yield Finding(use.word_span(pkg.word),
                      f"gem `{pkg.text}` is not pinned to a version; write "
                      f"`{pkg.name}:<version>` or add `-v <version>`", label=pkg.text)
