"""`COPY --from` a stage that is empty.

## What it does
Fires on `COPY --from=X` (also through an ONBUILD trigger run in a stage) when X is a stage built
`FROM scratch`, directly or through other stages, to which nothing adds a file: no COPY, ADD,
RUN or WORKDIR in it or in the stages its FROM chain goes through (nor an ONBUILD trigger that
runs one). Stage names, indexes and ARG-resolved references are all followed.

Copying the root of an empty stage (`COPY --from=X / /dest/`, also written `.` or `./`: a
`--from` source is relative to the stage's root) copies nothing and succeeds, and so does a
wildcard source (`/plugins/*.so`) that matches nothing, so neither is reported: an empty
`FROM scratch AS X` is a common placeholder that a build replaces with `--build-context X=...`
when it has something to add.

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

from docklint.checks import has_parse_error
from docklint.facts import facts_of
from docklint.rule import Finding, Related, Severity, rule


@rule("DK210", "copy-from-empty-stage", Severity.ERROR, tags={"stages"},
      words=("from=",))
def check(df, options):
    graph = df.graph
    for e in graph.edges:
        if e.kind != "copy" or e.target is None or e.to_self or e.to_later:
            continue
        if not graph.is_empty(e.target):
            continue
        if has_parse_error(df, e.instruction):
            continue          # DK000's finding
        srcs, _dest = facts_of(df).copy_paths(e.instruction)
        if not any(_needs_a_file(p) for p in srcs):
            continue          # the root, or patterns: they copy nothing, and no error
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


def _needs_a_file(path: str) -> bool:
    """Whether copying ``path`` out of an empty stage fails: a literal path other than the
    root. A ``--from`` source is relative to the stage's root, so ``.`` and ``./`` are the root
    too; a wildcard that matches nothing copies nothing (BuildKit allows empty wildcards)."""
    if not path or path.startswith("<<") or any(c in path for c in "*?["):
        return False
    return posixpath.normpath("/" + path) not in ("/", "//")
