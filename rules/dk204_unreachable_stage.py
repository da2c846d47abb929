"""A stage that a build of the target never builds.

## What it does
Looks for stages that the target stage (the last stage, or the one `--target` names) does not
depend on, directly or through other stages, by `FROM <stage>`, `COPY --from=<stage>`,
`RUN --mount=...,from=<stage>`, or an ONBUILD trigger of a stage it is built on. Where a
reference depends on a variable docklint cannot resolve (`FROM build-$TARGETARCH`,
`COPY --from=$SRC` with no default), every stage whose name the reference could expand to
counts as used.

Such stages come in groups: a stage nothing uses, and the stages only it uses. One finding per
group, at the FROM of the stage nothing uses (the others are related locations), and only
where the group is unlikely to be built on purpose with `--target`:

- an unnamed stage: `--target` cannot name it, so no build ever runs it;
- a named stage that takes nothing from the rest of the file (its `FROM` is an external image,
  not `scratch`; no `COPY --from` or `RUN --mount` of another stage), sets no `CMD` or
  `ENTRYPOINT`, and whose name has none of the words that name a target (`test`, `lint`,
  `check`, `ci`, `e2e`, `dev`, `debug`, `docs`, `release`, `bin`, `shell`...: `lint-go` and
  `unit_test` count): a helper whose output nobody copies, such as a certificate stage.

A named stage that builds on the rest of the file (`FROM build AS test`, a `FROM scratch`
stage that collects binaries for `--output`, a `dev` image that copies from the builders), or
that is an image meant to run, is an alternative target: it is not reported. Nor is a file
where a stage name is invalid (DK000): its stage graph is not what the author meant. Nor are
the instructions before the first `FROM` (DK000), which docklint lints as an implicit stage:
that is no stage a build could run.

## Why is this bad?
BuildKit skips such a stage entirely, so whatever it does never reaches the image: a
certificate stage that nothing copies from, a leftover of a refactoring. (The legacy builder
did build every stage, which is why old Dockerfiles keep stages that no longer do anything.)
If the stage is built on purpose with `--target`, silence the finding for that stage with a
pragma, or lint with that target.

## Example
```dockerfile
FROM alpine:3.20 AS certs
RUN apk add --no-cache ca-certificates

FROM golang:1.22 AS build
RUN CGO_ENABLED=0 go build -o /out/app .

FROM scratch
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
```

## Use instead
```dockerfile
FROM alpine:3.20 AS certs
RUN apk add --no-cache ca-certificates

FROM golang:1.22 AS build
RUN CGO_ENABLED=0 go build -o /out/app .

FROM scratch
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
```
"""

from __future__ import annotations

import re

from docklint.checks import has_parse_error
from docklint.rule import Finding, Related, Severity, rule


@rule("DK204", "unreachable-stage", Severity.INFO, tags={"stages"},
      needs="several-stages")
def check(df, options):
    target = df.target
    if target is None:
        return
    if any(has_parse_error(df, st.from_) for st in df.stages):
        return            # a FROM BuildKit refuses (DK000): the graph is not what was meant
    graph = df.graph
    used = graph.reachable(possibly=True)
    # the implicit stage (instructions before the first FROM, DK000) is no stage to build
    unused = [st for st in df.stages if st.index not in used and not st.implicit]
    if not unused:
        return
    needed = {d for st in unused for d in graph.deps(st.index, possibly=True)
              if d != st.index}
    how = "with `--target " + df.target_name + "`" if df.target_name else "(the last stage)"
    shown = f"`{target.name}`" if target.name else f"stage #{target.index}"
    for stage in unused:
        if stage.index in needed or not _dead(df, stage):
            continue
        group = sorted(graph.reachable(stage.index, possibly=True) - used - {stage.index})
        name = f"stage `{stage.name}`" if stage.name else f"stage #{stage.index}"
        message = (f"{name} is never built: the target {shown} {how} does not use it "
                   f"through FROM, COPY --from or RUN --mount")
        if group:
            labels = [df.stages[i].label for i in group]
            message += (f", nor the {'stage' if len(group) == 1 else f'{len(group)} stages'} "
                        f"only it uses ({', '.join(f'`{x}`' for x in labels)})")
        related = (Related(target.from_.span, "the target stage"),) + tuple(
            Related(df.stages[i].from_.span, f"used only by {name}") for i in group)
        yield Finding(stage.from_.span, message, related=related)


def _dead(df, stage) -> bool:
    """Whether an unused stage looks like dead code rather than an alternative target."""
    if not stage.name:
        return True           # --target cannot name it
    if stage.base.kind != "image":
        return False          # FROM scratch (an --output stage) or FROM another stage
    if graph_deps(df, stage):
        return False          # it collects from the build: a target of its own
    if _TARGET_WORDS & set(re.split(r"[-_.]+", stage.name)):
        return False          # `lint`, `test`, `dev`...: named as a target
    return not any(ins.keyword in ("CMD", "ENTRYPOINT") for ins in stage.instructions)


# words that name what a stage built on purpose with --target is for
_TARGET_WORDS = frozenset("test tests testing unit integration e2e smoke lint linter check "
                          "checks validate verify ci dev devel develop development debug docs "
                          "doc release prod production final runtime image bin binary "
                          "binaries artifact artifacts export output shell local bench "
                          "coverage".split())


def graph_deps(df, stage) -> bool:
    return any(e.target is not None or e.candidates or not e.resolved
               for e in df.graph.edges_from(stage.index))
