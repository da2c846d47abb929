"""A `yarn install` in a shipped image keeps yarn's package cache.

## What it does
Fires on `yarn install`, a bare `yarn` (which installs), `yarn add` and `yarn global add` when
nothing later in the same RUN removes yarn's cache: `yarn cache clean`, or an `rm -rf` of the
cache directory (`/usr/local/share/.cache/yarn` for root, `~/.cache/yarn`,
`~/.yarn/berry/cache`, an ancestor such as `/usr/local/share/.cache`, or
`"$(yarn cache dir)"`). The finding points at the last such command of the RUN and says what
to append. Cleanups inside heredoc scripts and `sh -c` strings count.

Only stages whose files reach an image that ships are checked: the target stage, the stages it
is built `FROM` (directly or through other stages), and `ONBUILD RUN` triggers. A builder whose
`node_modules` or build output is copied out never ships its cache. A RUN with a cache or tmpfs
mount on the cache directory (or on the folder `--cache-folder` or `YARN_CACHE_FOLDER` names) is
exempt.

## Why is this bad?
yarn keeps a copy of every package it downloads, often as large as `node_modules` itself. In an
image it is dead weight, and removing it in a later RUN does not shrink the layer that holds it.

## Differences from hadolint
hadolint's DL3060 only knows `yarn install` (in the final stage and stages used as a base);
docklint also covers bare `yarn` and `yarn add`, follows the target's `FROM` chain only, accepts
any removal of the cache directory, and the cache mounts of yarn's real cache paths.

## Example
```dockerfile
FROM node:22-alpine
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile --production
COPY . .
CMD ["node", "server.js"]
```

## Use instead
```dockerfile
FROM node:22-alpine
WORKDIR /app
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile --production && yarn cache clean
COPY . .
CMD ["node", "server.js"]
```
"""

from __future__ import annotations

from docklint.packages import append_hint, command_words, last_per_run, leaves_cache, uses
from docklint.rule import Finding, Severity, rule

INSTALLS = {"install", "add", "global add"}


def _installs(use) -> bool:
    pc = use.pc
    return pc.action in INSTALLS or (pc.action == "" and not pc.operands and
                                     not pc.has_option("--version", "-v", "--help", "-h"))


@rule("DK422", "yarn-cache-not-cleaned", Severity.INFO, tags={"size", "packages"},
      aliases=("DL3060",), triggers=("RUN",),
      words=command_words("yarn"))
def check(df, options):
    found = []
    for use in uses(df, "yarn"):
        if not _installs(use):
            continue
        env = use.stage.env_before(use.instruction)
        folders = [use.pc.option_value("--cache-folder"), use.command.env("YARN_CACHE_FOLDER"),
                   env.get("YARN_CACHE_FOLDER")]
        if leaves_cache(df, use, "yarn", [f for f in folders if f]):
            found.append(use)
    for use in last_per_run(found):
        what = f"yarn {use.pc.action}" if use.pc.action else "yarn"
        yield Finding(use.span(), f"`{what}` leaves its package cache in the image; "
                                  f"{append_hint(use, 'yarn cache clean')}")
