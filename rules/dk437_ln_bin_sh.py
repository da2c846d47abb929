"""A RUN replaces /bin/sh with a link to another shell.

## What it does
Fires when `ln` in a shell-form `RUN` or `ONBUILD RUN` makes `/bin/sh` the link it creates
(`ln -sf /bin/bash /bin/sh`, `ln -s bash /bin/sh`). It points at `/bin/sh`.

Difference from hadolint's DL4005, which fires on any `ln` that mentions `/bin/sh`: a link that
*points to* `/bin/sh` (`ln -s /bin/sh /usr/local/bin/sh`) leaves the default shell alone and is
not reported; neither is `ln -t DIR ...`, whose link names come from the sources.

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

from docklint.facts import facts_of
from docklint.rule import Finding, Severity, rule


def _link_name(cmd):
    """The word naming the link ``ln`` creates, when it names exactly one."""
    if cmd.has_flag("-t", "--target-directory"):
        return None
    pos = cmd.positional()
    return pos[-1] if len(pos) >= 2 else None


@rule("DK437", "ln-bin-sh", Severity.WARNING, tags={"portability"}, aliases=("DL4005",))
def check(df, options):
    for stage in df.stages:
        for _ins, script, cmd in facts_of(df).commands(stage, onbuild=True):
            if cmd.name != "ln":
                continue
            word = _link_name(cmd)
            if word is None or word.dynamic or word.value.rstrip("/") != "/bin/sh":
                continue
            yield Finding(script.word_span(word),
                          "this replaces /bin/sh with a link, which changes the shell of "
                          "every later step and script behind the reader's back; use `SHELL "
                          "[\"/bin/bash\", \"-c\"]` (or the shell you want) instead")
