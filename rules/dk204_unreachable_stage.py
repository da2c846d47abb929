"""A stage that a build of the target never builds.

## What it does
Reports every stage that the target stage (the last stage, or the one `--target` names) does not
depend on, directly or through other stages, by `FROM <stage>`, `COPY --from=<stage>`,
`RUN --mount=...,from=<stage>`, or an ONBUILD trigger of a stage it is built on. The finding
points at the stage's FROM and names the target.

Where a reference depends on a variable docklint cannot resolve (`FROM build-$TARGETARCH`,
`COPY --from=$SRC` with no default), every stage whose name the reference could expand to
counts as used.

## Why is this bad?
BuildKit skips such a stage entirely, so whatever it does never reaches the image: a
certificate stage that nothing copies from, a test stage that was meant to gate the build, a
leftover of a refactoring. If the stage is an alternative target, built on purpose with
`--target`, this is expected: silence the finding for that stage with a pragma, or lint with
that target. (The legacy builder did build every stage, which is why old Dockerfiles keep
stages that no longer do anything.)

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

from docklint.rule import Finding, Related, Severity, rule


@rule("DK204", "unreachable-stage", Severity.INFO, tags={"stages"})
def check(df, options):
    target = df.target
    if target is None:
        return
    used = df.graph.reachable(possibly=True)
    how = "with `--target " + df.target_name + "`" if df.target_name else "(the last stage)"
    for stage in df.stages:
        if stage.index in used:
            continue
        name = f"stage `{stage.name}`" if stage.name else f"stage #{stage.index}"
        shown = f"`{target.name}`" if target.name else f"stage #{target.index}"
        yield Finding(stage.from_.span,
                      f"{name} is never built: the target {shown} {how} does not use it "
                      f"through FROM, COPY --from or RUN --mount",
                      related=(Related(target.from_.span, "the target stage"),))
