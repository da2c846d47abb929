"""A scratch image's entrypoint is a file nothing puts there.

## What it does
Fires when the target's base is `scratch` and the program of its exec-form ENTRYPOINT (or CMD,
when there is no ENTRYPOINT) is a path that no COPY/ADD in the target's chain puts there.
docklint follows Docker's copy rules: `COPY --from=build /go/bin/app /` lands at `/app`, a
destination ending in `/` (or several sources) is a directory, a relative destination is
relative to the WORKDIR, a directory source spreads its contents under the destination, and a
bare program name is looked up in the image's PATH (its `ENV PATH`, `$PATH` in it standing for
the PATH before; else the default one). A WebAssembly module (`ENTRYPOINT ["app.wasm"]`, or any
entrypoint of an image for a `wasi/wasm` platform) is also looked for where wasm shims look:
relative to the WORKDIR and to the root. A source docklint cannot place (an unresolved
variable, a directory copy that may contain the file, `COPY --parents`) is assumed to provide
it, and a PATH it cannot resolve stops it, so the rule only fires when nothing could. So does a
RUN in the chain that may have made files docklint cannot place (an exec-form
`RUN ["/bin/busybox", "--install", "-s", "/bin"]`, or a shell-form RUN that does more than
`mkdir`/`chmod`-style housekeeping).

Under ONBUILD: an `ONBUILD ENTRYPOINT` or `ONBUILD CMD` is not checked, because it takes effect
in a build FROM this image, which may copy the program in and whose final image this file does
not describe.

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
    if candidates is None:
        return            # an ENV PATH docklint cannot resolve
    if any(facts.provider(target.index, c) for c in candidates):
        return
    if facts.writer(target.index) is not None:
        return            # a RUN docklint cannot follow may have made it
    placed = [p.landing for p in facts.placed(target.index) if p.resolved]
    shown = ", ".join(sorted(set(placed))[:5]) or "nothing"
    wasm = exe.endswith(".wasm") or facts.wasm_image(target.index)
    if len(candidates) == 1:
        where = candidates[0]
    elif "/" in exe:
        where = f"{exe} (looked for at {' and '.join(candidates)})"
    else:
        dirs = ":".join(facts.search_path(target.index) or ())
        shim = ""
        if wasm:
            workdir = facts.workdir(target, None)
            shim = ", and where a wasm shim looks: " + \
                (f"{workdir} and /" if workdir != "/" else "/")
        where = f"{exe} (searched in the PATH {dirs}{shim})"
    yield Finding(word.span, f"{ins.keyword} runs {where}, but nothing in this scratch image is "
                             f"there (its COPY/ADD put: {shown}): the container fails with "
                             f"exec: \"{exe}\": no such file or directory")
