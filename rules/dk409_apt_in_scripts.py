"""A RUN uses `apt`, the interactive front end, instead of `apt-get`.

## What it does
Fires on every `apt` command in a RUN (`apt install`, `apt update`, `apt list`...), in
multi-line RUNs, heredoc scripts, `sh -c` strings, behind wrappers such as `sudo`, and in
`ONBUILD RUN` triggers. The finding points at the word `apt`. For the query subcommands
(`list`, `search`, `show`, `policy`) the message names the scriptable tool to use instead
(`apt-cache`, `dpkg-query`).

## Why is this bad?
`apt` is made for people at a terminal: its output and options may change between releases,
and it warns `apt does not have a stable CLI interface. Use with caution in scripts.` on every
run. `apt-get` and `apt-cache` do the same work with an interface meant for scripts. It is info:
the build works with `apt` today. One finding per `RUN` names every `apt` in it.

## Differences from hadolint
Same trigger as hadolint's DL3027: `apt` in a RUN. docklint also finds `apt` behind wrappers,
in heredoc scripts and `sh -c` strings, points at the word itself, names the replacement, and
offers a fix.

## Example
```dockerfile
FROM ubuntu:24.04
RUN apt update && apt install -y --no-install-recommends curl=8.5.0-2ubuntu10.6 \
 && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6 \
 && rm -rf /var/lib/apt/lists/*
```

## Fix safety
For `install`, `update`, `remove`, `purge`, `autoremove`, `clean`, `autoclean`, `source`,
`build-dep`, `download` and `dist-upgrade` the fix replaces `apt` with `apt-get`; other
subcommands (`upgrade` and `full-upgrade` differ in what they may install; the queries have no
`apt-get` form) get none. The fix is unsafe: unlike `apt-get`, `apt` deletes downloaded `.deb`
files after installing, so on a base image that does not configure that for `apt-get` too the
layer can grow.
"""

from __future__ import annotations

from docklint.packages import command_words, uses
from docklint.rule import Edit, Finding, Fix, Severity, rule

SAME = {"install", "update", "remove", "purge", "autoremove", "clean", "autoclean", "source",
        "build-dep", "download", "dist-upgrade"}
QUERIES = {"list": "dpkg-query -W", "search": "apt-cache search", "show": "apt-cache show",
           "policy": "apt-cache policy", "depends": "apt-cache depends",
           "rdepends": "apt-cache rdepends", "showsrc": "apt-cache showsrc",
           "full-upgrade": "apt-get dist-upgrade"}


@rule("DK409", "apt-in-scripts", Severity.INFO, tags={"packages", "build"},
      aliases=("DL3027",), fixable="sometimes", triggers=("RUN",),
      words=command_words("apt"))
def check(df, options):
    for use in uses(df, "apt"):
        word = use.pc.command.name_word
        if use.pc.tool != "apt" or word is None:
            continue
        action = use.pc.action
        instead = QUERIES.get(action, f"apt-get {action}" if action else "apt-get")
        fix = None
        if action in SAME and word.raw == "apt":
            fix = Fix("Use apt-get", (Edit(use.word_span(word), "apt-get"),), safe=False)
        yield Finding(use.word_span(word), f"`apt` has no stable command-line interface for "
                                           f"scripts; use `{instead}`", fix=fix)
