"""A RUN replaces /bin/sh with a link to another shell.

## What it does
Fires when `ln` in a shell-form `RUN` or `ONBUILD RUN` makes `/bin/sh` the link it creates
(`ln -sf /bin/bash /bin/sh`, `ln -s bash /bin/sh`), or `/usr/bin/sh` (the same file on a
merged-`/usr` system such as Debian 12, and the `sh` found first on `PATH` elsewhere). A
relative link name counts from the working directory: the `WORKDIR`, or a `cd` earlier in the
same `RUN` (`cd /bin && ln -sf bash sh`). It points at the link name.

## Differences from hadolint
hadolint's DL4005 fires on any `ln` that mentions `/bin/sh`, exec-form `RUN ["ln", ...]`
included. A link that *points to* `/bin/sh` (`ln -s /bin/sh /usr/local/bin/sh`) leaves the
default shell alone and is not reported by docklint; neither is `ln -t DIR ...`, whose link
names come from the sources, nor an exec-form `RUN`. docklint reports what hadolint misses:
`/usr/bin/sh` as the link, and a relative link name that lands on `/bin/sh`
(`cd /bin && ln -sf bash sh`).

## Why is this bad?
Later `RUN`s, and every script in the image that starts with `#!/bin/sh`, silently get another
shell than the base image meant, while the Dockerfile still reads as if `/bin/sh` were used.
Packages that run maintainer scripts through `/bin/sh` may break on the next upgrade (Debian's
`dash` package even resets the link). `SHELL` changes the shell of the build steps, visibly,
without touching the image's files.

## Example
```dockerfile
FROM debian:12-slim
RUN ln -sf /bin/bash /bin/sh
RUN source /etc/os-release && echo "$VERSION_ID"
```

## Use instead
```dockerfile
FROM debian:12-slim
SHELL ["/bin/bash", "-c"]
RUN source /etc/os-release && echo "$VERSION_ID"
```
"""

from __future__ import annotations

import posixpath

from docklint.facts import facts_of
from docklint.rule import Finding, Severity, rule


def _link_name(cmd):
    """The word naming the link ``ln`` creates, when it names exactly one."""
    if cmd.has_flag("-t", "--target-directory"):
        return None
    pos = cmd.positional()
    return pos[-1] if len(pos) >= 2 else None


_SHELL_PATHS = ("/bin/sh", "/usr/bin/sh")


def _cwd(df, stage, ins, script, cmd) -> str | None:
    """The directory ``cmd`` runs in: the WORKDIR, moved by the ``cd``s before it in the same
    shell; None when one of them goes somewhere docklint cannot resolve."""
    cwd = facts_of(df).workdir(stage, ins)
    for c in sorted(script.commands, key=lambda c: c.start):
        if c.start >= cmd.start:
            break
        if c.name != "cd" or c.depth != cmd.depth or c.subshell:
            continue
        pos = c.positional()
        if not pos or pos[0].dynamic:
            return None
        cwd = posixpath.normpath(posixpath.join(cwd, pos[0].value))
    return cwd


@rule("DK437", "ln-bin-sh", Severity.WARNING, tags={"portability"}, aliases=("DL4005",),
      triggers=("RUN",),
      words=("ln",))
def check(df, options):
    for stage in df.stages:
        for ins, script, cmd in facts_of(df).commands(stage, onbuild=True):
            if cmd.name != "ln":
                continue
            word = _link_name(cmd)
            if word is None or word.dynamic:
                continue
            path = word.value.rstrip("/") or "/"
            if not path.startswith("/"):
                cwd = _cwd(df, stage, ins, script, cmd)
                if cwd is None:
                    continue
                path = posixpath.normpath(posixpath.join(cwd, path))
            if path not in _SHELL_PATHS:
                continue
            yield Finding(script.word_span(word),
                          f"this replaces {path} with a link, which changes the shell of "
                          "every later step and script behind the reader's back; use `SHELL "
                          "[\"/bin/bash\", \"-c\"]` (or the shell you want) instead")
