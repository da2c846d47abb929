"""`COPY --from=X / /` copies a whole image over the stage's filesystem.

## What it does
Fires on a COPY with `--from` (any other flags allowed) that copies the root directory of the
source (`/`, also written `/.` or `//`, after ARG substitution) to the root of the stage (a
destination that resolves to `/`, a relative one under `WORKDIR /` included), when the source
is a whole operating system or runtime: an image docklint's image data knows (debian, alpine,
golang, distroless...), or a stage built on one.

It is narrower than hadolint's DL3067, which flags every `COPY --from=X / /`. docklint stays
quiet when

- the source is a stage built up from `scratch`, or an image docklint does not know: such
  images are often made to be copied whole (`tonistiigi/xx` documents `COPY --from=xx / /`);
- the stage being built is still empty at that point (`FROM scratch` and nothing added yet):
  that is the usual way to squash a filesystem into one layer, and nothing is overwritten.

## Why is this bad?
The whole source image, its package database, `/etc` and libraries included, is laid over the
current one in a single layer: files of the base are silently replaced by those of another
distribution, the image grows by the full size of the source, and what ends up in it is no
longer visible in the Dockerfile. Copy the directories the program needs instead.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN CGO_ENABLED=0 go build -o /out/app .

FROM alpine:3.20
COPY --from=build / /
ENTRYPOINT ["/out/app"]
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN CGO_ENABLED=0 go build -o /out/app .

FROM alpine:3.20
COPY --from=build /out/app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
```
"""

from __future__ import annotations

import posixpath

from docklint import images
from docklint.facts import facts_of
from docklint.rule import Finding, Severity, rule


def _root(path: str | None) -> bool:
    return bool(path) and path.startswith("/") and posixpath.normpath(path) in ("/", "//")


def _whole_system(df, edge) -> str | None:
    """What the source is, when it is known to be a full OS or runtime image."""
    if edge.target is not None:
        base = df.graph.root_base(edge.target)
        ref = base.image if base is not None and base.kind == "image" else None
        what = f"stage `{df.stages[edge.target].label}` (built on {ref})"
    else:
        ref = edge.image
        what = f"`{edge.ref}`"
    known = images.lookup(ref) if ref is not None else None
    return what if known is not None and known.kind != "scratch" else None


@rule("DK211", "copy-entire-filesystem", Severity.WARNING, tags={"size"}, aliases=("DL3067",))
def check(df, options):
    graph = df.graph
    facts = facts_of(df)
    for e in graph.edges:
        if e.kind != "copy" or e.onbuild:
            continue
        ins = e.instruction
        srcs, dest = facts.copy_paths(ins)
        if not _root(dest) or not any(_root(s) for s in srcs):
            continue
        if graph.is_empty(e.source, before=ins):
            continue          # squashing into an empty stage
        what = _whole_system(df, e)
        if what is None:
            continue
        words = list(ins.args)
        span = ins.span_of(words[0].lstart, words[-1].lend) if words else ins.span
        yield Finding(span, f"copies the entire filesystem of {what} over this stage's: copy "
                            f"only the paths the image needs")
