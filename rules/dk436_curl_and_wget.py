"""One stage downloads with both curl and wget.

## What it does
Fires when the `RUN`s of one stage (`ONBUILD RUN` included) call both `curl` and `wget`. Each
`RUN` that calls either is reported once, at its first `curl` or `wget`, with a pointer to where
the stage uses the other tool. Installing a tool is not calling it, and stages are independent:
`curl` in a builder and `wget` in the final stage is fine.

Difference from hadolint's DL4001: a `RUN` that checks which tool exists and uses whichever it
finds (`command -v curl && curl ... || wget ...`, `if which wget ...`) is a portable download
idiom, not a second tool; its calls are not counted.

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

from docklint.facts import facts_of
from docklint.rule import Finding, Related, Severity, rule

TOOLS = ("curl", "wget")
_PROBES = ("command", "which", "type", "hash")


def _probes(script) -> bool:
    """The script checks whether curl or wget exists (``command -v curl``...)."""
    return any(c.name in _PROBES and any(a.value in TOOLS for a in c.args)
               for c in script.commands)


@rule("DK436", "curl-and-wget", Severity.WARNING, tags={"size"}, aliases=("DL4001",))
def check(df, options):
    for stage in df.stages:
        # instruction -> (its first curl/wget command, the script)
        first: dict[int, tuple] = {}
        order: list = []
        seen: dict[str, tuple] = {}
        probing: dict[int, bool] = {}
        for ins, script, cmd in facts_of(df).commands(stage, onbuild=True):
            if cmd.name not in TOOLS or cmd.name_word is None:
                continue
            key = id(script)
            if key not in probing:
                probing[key] = _probes(script)
            if probing[key]:
                continue
            seen.setdefault(cmd.name, (script, cmd, ins))
            if key not in first:
                first[key] = (script, cmd, ins)
                order.append(key)
        if len(seen) < 2:
            continue
        for key in order:
            script, cmd, ins = first[key]
            other = "wget" if cmd.name == "curl" else "curl"
            oscript, ocmd, _oins = seen[other]
            where = oscript.word_span(ocmd.name_word)
            line = df.source.line_of(where.start)
            yield Finding(script.word_span(cmd.name_word),
                          f"this stage downloads with both curl and wget ({other} on line "
                          f"{line}); use one of them",
                          related=(Related(where, f"{other} used here"),))
