"""A scratch image's entrypoint is a file nothing puts there.

## What it does
Fires when the target's base is `scratch` and the program of its exec-form ENTRYPOINT (or CMD,
when there is no ENTRYPOINT) is a path that no COPY/ADD in the target's chain puts there.
docklint follows Docker's copy rules: `COPY --from=build /go/bin/app /` lands at `/app`, a
destination ending in `/` (or several sources) is a directory, a relative destination is
relative to the WORKDIR, a directory source spreads its contents under the destination, and a
bare program name is looked up in the default PATH. A source docklint cannot place (an unresolved
variable, a directory copy that may contain the file) is assumed to provide it, so the rule only
fires when nothing could.

## Why is this bad?
A scratch image contains exactly what the Dockerfile copies into it. When the entrypoint path
does not match, the image builds and the container fails at once with
`exec: "/server": stat /server: no such file or directory` — often after a rename of the binary
or its destination.

## Example
```dockerfile
FROM golang:1.22-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /go/bin/app .

FROM scratch
COPY --from=build /go/bin/app /
ENTRYPOINT ["/server"]
```

## Use instead
```dockerfile
FROM golang:1.22-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /go/bin/app .

FROM scratch
COPY --from=build /go/bin/app /server
ENTRYPOINT ["/server"]
```
"""

from __future__ import annotations

from docklint.facts import facts_of
from docklint.rule import Finding, Severity, rule

@rule("DK107", "entrypoint-not-in-image", Severity.ERROR, tags={"runtime"})
def check(df, options):
    target = df.target
    if target is None:
        return
    root = df.graph.root_base(target.index)
    if root is None or root.kind != "scratch":
        return
    facts = facts_of(df)
    ins = facts.last_in_chain(target.index, "ENTRYPOINT") or \
        facts.last_in_chain(target.index, "CMD")
    if ins is None or not ins.json or not ins.args:
        return
    word = ins.args[0]
    exe = word.value
    if not exe or "$" in exe:
        return
    candidates = facts.exe_paths(target.index, exe)
    if any(facts.provider(target.index, c) for c in candidates):
        return
    placed = [p.landing for p in facts.placed(target.index) if p.resolved]
    shown = ", ".join(sorted(set(placed))[:5]) or "nothing"
    where = candidates[0] if len(candidates) == 1 else f"{exe} (searched in the default PATH)"
    yield Finding(word.span, f"{ins.keyword} runs {where}, but nothing in this scratch image is "
                             f"there (its COPY/ADD put: {shown}): the container fails with "
                             f"exec: \"{exe}\": no such file or directory")
