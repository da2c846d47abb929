"""`COPY --from=X / /` copies a whole image over the stage's filesystem.

## What it does
Fires on a COPY with `--from` (any other flags allowed) that copies the root directory of the
source (`/`, also written `/.` or `//`, after ARG substitution) to the root of the stage (a
destination that resolves to `/`, a relative one under `WORKDIR /` included), whatever the
source is: an image (known to docklint or not), a name that is not a stage (BuildKit pulls it
as an image), a reference with a variable, or a stage built on any of these.

## Differences from hadolint
hadolint's DL3067 flags every `COPY --from=X / /`. docklint stays quiet when copying all of
the source is the point:

- the source is a stage built up from `scratch` (files assembled to be copied together);
- the source is an image made to be copied whole (`tonistiigi/xx`, whose documentation says
  `COPY --from=xx / /`), directly or through a stage built on it;
- the stage being built is still empty at that point (`FROM scratch` and nothing added yet):
  that is the usual way to squash a filesystem into one layer, and nothing is overwritten.

It also sees `/.` and `//` as the root, expands ARGs in the paths, and counts a relative
destination under `WORKDIR /`.

Under ONBUILD: an `ONBUILD COPY --from=X / /` trigger is checked too (the finding points at
the trigger's paths). Where a stage of this file is built `FROM` the trigger's stage, `X` is
the stage or image it names there, with the exceptions above; where the trigger runs only in
another build, `X` names something of that build, so only an image made to be copied whole
(or known to be empty) is exempt. hadolint's DL3067 does not look inside ONBUILD.

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

from docklint.facts import facts_of
from docklint.imageref import parse_image_ref
from docklint.model import FILE_ADDING
from docklint.rule import Finding, Severity, rule


def _root(path: str | None) -> bool:
    return bool(path) and path.startswith("/") and posixpath.normpath(path) in ("/", "//")


# images made to be copied whole: their documentation says `COPY --from=xx / /`
_COPIED_WHOLE = ("tonistiigi/xx", "docker.io/tonistiigi/xx")


def _assembled(df, index: int, depth: int = 0) -> bool:
    """The stage is built up from `scratch`: directly, through other stages, or through a
    `FROM` with a variable all of whose possible stages are (`FROM binaries-$TARGETOS`)."""
    base = df.graph.root_base(index)
    if base is None:
        return False
    if base.kind == "scratch":
        return True
    options = base.candidates
    return bool(options) and depth < 8 and all(
        c != index and _assembled(df, c, depth + 1) for c in options)


def _whole_system(df, edge) -> str | None:
    """What the source is, or None when copying all of it is the point: a stage assembled on
    `scratch`, an image made to be copied whole."""
    if edge.target is not None:
        base = df.graph.root_base(edge.target)
        if _assembled(df, edge.target):
            return None
        ref = base.image if base is not None and base.kind == "image" else None
        built = f" (built on {ref})" if ref is not None else ""
        what = f"stage `{df.stages[edge.target].label}`{built}"
    elif edge.image is not None:
        ref = edge.image
        what = f"`{edge.ref}`"
    elif not edge.resolved:
        return f"`{edge.raw or edge.ref}` (whatever it names)"
    else:
        return None           # a stage index out of range: DK201's finding
    if ref is not None:
        if ref.repository in _COPIED_WHOLE:
            return None
        known = df.image_facts(ref)
        if known is not None and known.kind == "scratch":
            return None
    return what


def _other_build(df, ref: str) -> str | None:
    """What ``COPY --from=<ref>`` of a trigger that runs in another build copies (None when
    it is an image made to be copied whole)."""
    if "$" not in ref:
        image = parse_image_ref(ref)
        if image is not None and image.valid:
            if image.repository in _COPIED_WHOLE:
                return None
            known = df.image_facts(image)
            if known is not None and known.kind == "scratch":
                return None
    return f"`{ref}` (whatever it names in the build that runs the trigger)"


def _trigger_lands_in_empty(df, stage, trigger) -> bool:
    """The image built FROM ``stage`` is still empty when ``trigger`` (an ONBUILD of it) runs."""
    if not df.graph.is_empty(stage.index):
        return False
    for ins in stage.instructions:
        if ins is trigger:
            return True
        if ins.keyword == "ONBUILD" and ins.sub is not None and ins.sub.keyword in FILE_ADDING:
            return False
    return True


def _triggers(df, facts):
    """Findings for ``ONBUILD COPY --from=X / /`` triggers: through the edges of the stages
    built FROM the trigger's stage in this file, else as they run in another build."""
    by_trigger: dict[int, list] = {}
    for e in df.graph.edges:
        if e.kind == "copy" and e.onbuild:
            by_trigger.setdefault(id(e.instruction), []).append(e)
    for stage in df.stages:
        for ins in stage.instructions:
            sub = ins.sub if ins.keyword == "ONBUILD" else None
            if sub is None or sub.keyword != "COPY":
                continue
            flag = sub.flag("from")
            if flag is None or not flag.value:
                continue
            srcs, dest = facts.copy_paths(sub)
            if not _root(dest) or not any(_root(s) for s in srcs):
                continue
            if _trigger_lands_in_empty(df, stage, ins):
                continue      # squashing into an image still empty
            edges = by_trigger.get(id(ins))
            if edges:
                what = next((w for w in map(lambda e: _whole_system(df, e), edges)
                             if w is not None), None)
            else:
                what = _other_build(df, flag.value)
            if what is None:
                continue
            words = list(sub.args)
            span = sub.span_of(words[0].lstart, words[-1].lend) if words else sub.span
            yield Finding(span, f"this trigger copies the entire filesystem of {what} over "
                                f"the image built FROM this one: copy only the paths it needs")


@rule("DK211", "copy-entire-filesystem", Severity.WARNING, tags={"size"}, aliases=("DL3067",),
      words=("from=",))
def check(df, options):
    graph = df.graph
    facts = facts_of(df)
    yield from _triggers(df, facts)
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
