"""A stage copies from itself, from a later stage, or from stages that depend on it.

## What it does
Fires on a `COPY --from=X` or `RUN --mount=...,from=X` (also a `--from` of an ONBUILD trigger
that runs in a stage built on its stage) when X, after ARG substitution and matched the way
BuildKit matches stage names (case-insensitive names, or a 0-based index), is:

- the stage itself;
- a stage defined further down the file. If that stage in turn depends on this one (through
  FROM, COPY --from or mounts), the message shows the cycle.

Both are errors. A reference to a later stage is sometimes described as a warning that "works
with BuildKit only" (the request for this rule said so too); BuildKit in fact rejects it, the
build stops with `cannot copy from stage "x", it needs to be defined before current stage`, so
docklint reports it as an error.

## Why is this bad?
A stage cannot read its own result before it exists, and BuildKit builds stages in file order
for `--from` references: a reference to a later stage, to the stage itself, or around a cycle
fails the build.

## Differences from hadolint
hadolint's DL3023 fires only when `COPY --from` names the current stage's own alias, compared
as written. docklint also catches the stage's own index (`--from=1` in stage 1), an alias in
another case (`--from=Build` in `AS build`), a name that comes from an ARG, mounts
(`RUN --mount=from=`), ONBUILD triggers that run in a stage of the file, and a stage defined
later (hadolint reports that one as DL3022, a warning; here it is this error, with the cycle
if there is one).

## Example
```dockerfile
FROM alpine:3.20 AS app
COPY --from=assets /dist /srv/www

FROM node:22 AS assets
RUN npm ci && npm run build
```

## Use instead
```dockerfile
FROM node:22 AS assets
RUN npm ci && npm run build

FROM alpine:3.20 AS app
COPY --from=assets /dist /srv/www
```
"""

from __future__ import annotations

from docklint.rule import Finding, Related, Severity, rule


@rule("DK202", "stage-self-or-cycle", Severity.ERROR, tags={"stages"}, aliases=("DL3023",),
      words=("from=",))
def check(df, options):
    graph = df.graph
    for e in graph.edges:
        if e.kind == "base" or e.target is None:
            continue
        stage = df.stages[e.source]
        other = df.stages[e.target]
        verb = "mounts" if e.kind == "mount" else "copies from"
        via = " (through an ONBUILD trigger of its base)" if e.onbuild else ""
        if e.to_self:
            yield Finding(e.value_span,
                          f"stage `{stage.label}` {verb} itself{via}: a stage cannot use its "
                          f"own result while it is being built")
        elif e.to_later:
            message = (f"stage `{stage.label}` {verb} stage `{other.label}`{via}, which is "
                       f"defined later (line {other.from_.line}); BuildKit stops with `cannot "
                       f"copy from stage \"{e.ref}\", it needs to be defined before "
                       f"current stage`: move stage `{other.label}` above line "
                       f"{stage.from_.line}")
            back = graph.path(e.target, e.source)
            if back:
                loop = " -> ".join(f"`{df.stages[x.source].label}`" for x in back)
                message += (f"; that stage also depends on this one ({loop} -> "
                            f"`{stage.label}`), a cycle no order can build")
            yield Finding(e.value_span, message,
                          related=(Related(other.from_.span, f"stage `{other.label}`"),))
