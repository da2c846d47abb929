"""`COPY --from` a stage that is empty.

## What it does
Fires on `COPY --from=X` (also through an ONBUILD trigger run in a stage) when X is a stage built
`FROM scratch`, directly or through other stages, to which nothing adds a file: no COPY, ADD,
RUN or WORKDIR in it or in the stages its FROM chain goes through (nor an ONBUILD trigger that
runs one). Stage names, indexes and ARG-resolved references are all followed.

Copying the root (`COPY --from=X / /dest/`) of an empty stage copies nothing and succeeds, so it
is not reported: an empty `FROM scratch AS X` is a common placeholder that a build replaces with
`--build-context X=...` when it has something to add.

## Why is this bad?
Such a stage has an empty filesystem, so every path the COPY asks for is missing and the build
fails with `not found`. Usually the stage lost its content in an edit, or the COPY names the
wrong stage.

## Example
```dockerfile
FROM scratch AS assets

FROM nginx:1.27
COPY --from=assets /dist /usr/share/nginx/html
```

## Use instead
```dockerfile
FROM scratch AS assets
COPY dist /dist

FROM nginx:1.27
COPY --from=assets /dist /usr/share/nginx/html
```
"""

from __future__ import annotations

import posixpath

from docklint.facts import facts_of
from docklint.rule import Finding, Related, Severity, rule


@rule("DK210", "copy-from-empty-stage", Severity.ERROR, tags={"stages"})
def check(df, options):
    graph = df.graph
    for e in graph.edges:
        if e.kind != "copy" or e.target is None or e.to_self or e.to_later:
            continue
        if not graph.is_empty(e.target):
            continue
        srcs, _dest = facts_of(df).copy_paths(e.instruction)
        if srcs and all(posixpath.normpath(p) in ("/", "//") for p in srcs):
            continue          # the (empty) root: nothing to copy, and no error
        stage = df.stages[e.target]
        chain = graph.chain(e.target)
        via = "" if len(chain) == 1 else \
            " (through " + ", ".join(f"`{s.label}`" for s in chain[1:]) + ")"
        yield Finding(e.value_span,
                      f"stage `{stage.label}` (line {stage.from_.line}) is FROM scratch{via} and "
                      f"nothing adds a file to it: there is nothing to copy"
                      + (f" (unless a `--build-context {stage.name}=...` replaces the stage)"
                         if stage.name else ""),
                      related=(Related(stage.from_.span, "the empty stage"),))
