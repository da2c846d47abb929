"""One stage downloads with both curl and wget.

## What it does
Fires when the `RUN`s of one stage (`ONBUILD RUN` included) call both `curl` and `wget`, and
the stage (or a stage it is built on) installs at least one of them with a package manager.
One finding per stage, at the first call of the tool the stage uses second, with a pointer to
where it uses the other. Installing a tool is not calling it, and stages are independent:
`curl` in a builder and `wget` in the final stage is fine.

It is info: the build works either way.

## Differences from hadolint
hadolint's DL4001 reports every `RUN` that uses either tool once both have appeared in the
stage, whether or not anything installs them; docklint reports one finding per stage. Where the
base image already ships both tools and the Dockerfile installs neither, there is nothing to
save, so nothing is reported; and a `RUN` that checks which tool exists and uses whichever it
finds (`command -v curl && curl ... || wget ...`, `if which wget ...`) is a portable download
idiom, not a second tool: its calls are not counted. It is info, where hadolint warns.

## Why is this bad?
The two tools do the same job. Having both means installing (and patching, and scanning) two
HTTP clients with different defaults for redirects, retries, TLS and error codes, so two
downloads in the same stage can fail differently. Pick one and use it throughout the stage.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl wget ca-certificates
RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
RUN wget -q -O /tmp/b.tgz https://example.com/b.tgz
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates
RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
RUN curl -fsSLo /tmp/b.tgz https://example.com/b.tgz
```
"""

from __future__ import annotations

import re

from docklint.facts import facts_of
from docklint.rule import Finding, Related, Severity, rule

TOOLS = ("curl", "wget")
_PROBES = ("command", "which", "type", "hash")


def _probes(script) -> bool:
    """The script checks whether curl or wget exists (``command -v curl``...)."""
    return any(c.name in _PROBES and any(a.value in TOOLS for a in c.args)
               for c in script.commands)


def _installs_one(df, stage) -> bool:
    """Whether the stage's FROM chain installs curl or wget with a package manager."""
    facts = facts_of(df)
    for st in df.graph.chain(stage.index):
        for pkg in facts.installed_packages(st):
            name = re.split(r"[=<>~@:]", pkg, maxsplit=1)[0]
            if name in TOOLS:
                return True
    return False


@rule("DK436", "curl-and-wget", Severity.INFO, tags={"size"}, aliases=("DL4001",),
      triggers=("RUN",),
      words=TOOLS)
def check(df, options):
    for stage in df.stages:
        seen: dict[str, tuple] = {}         # tool -> its first call (script, command)
        probing: dict[int, bool] = {}
        for _ins, script, cmd in facts_of(df).commands(stage, onbuild=True):
            if cmd.name not in TOOLS or cmd.name_word is None:
                continue
            key = id(script)
            if key not in probing:
                probing[key] = _probes(script)
            if not probing[key]:
                seen.setdefault(cmd.name, (script, cmd))
        if len(seen) < 2 or not _installs_one(df, stage):
            continue
        first, second = sorted(seen, key=lambda t: (
            seen[t][0].span(seen[t][1].start, seen[t][1].end).start))
        script, cmd = seen[second]
        oscript, ocmd = seen[first]
        where = oscript.word_span(ocmd.name_word)
        line = df.source.line_of(where.start)
        yield Finding(script.word_span(cmd.name_word),
                      f"this stage downloads with both {first} and {second} ({first} on line "
                      f"{line}); use one of them, and install only that one",
                      related=(Related(where, f"{first} used here"),))
