"""A HEALTHCHECK runs a tool the image does not have.

## What it does
Fires when the HEALTHCHECK in effect for the final image runs `curl`, `wget`, `nc` or a shell
while the image has none: its base has no shell and no tools (scratch, distroless without
`:debug`, Chainguard static) and no COPY puts the tool where the image looks for it (a bare name
in each directory of its PATH, from its `ENV PATH` or the default one). Both exec form
(`HEALTHCHECK CMD ["curl", ...]`) and the commands of a shell form are checked (a shell form
also needs `/bin/sh`, which DK102 reports). The finding points at the tool. A RUN in the chain
that may have made files docklint cannot place (an exec-form
`RUN ["/bin/busybox", "--install", "-s", "/bin"]`, or a shell-form RUN that does more than
`mkdir`/`chmod`-style housekeeping) may have made the tool: nothing is reported then.

It is a warning, not an error: the image builds and the container runs; only its health
status is wrong.

Under ONBUILD: an `ONBUILD HEALTHCHECK` is not checked, because it takes effect in a build FROM
this image, which may copy the tool in and whose final image this file does not describe.

## Why is this bad?
The health check itself fails on every run (`exec: "curl": executable file not found in
$PATH`), so the container is reported unhealthy although the program is fine: Docker Swarm
keeps replacing it, Compose services that wait for it to be healthy never start, and
monitoring that reads the status alerts (Kubernetes ignores HEALTHCHECK; its probes are
configured elsewhere). The check usually comes from a Dockerfile that had a fuller base.

## Example
```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian13
COPY --from=build /out/app /app
HEALTHCHECK CMD ["curl", "-f", "http://localhost:8080/healthz"]
ENTRYPOINT ["/app"]
```

## Use instead
Let the program check itself (a `healthcheck` subcommand or flag), or copy a static probe in:
```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian13
COPY --from=build /out/app /app
HEALTHCHECK CMD ["/app", "healthcheck"]
ENTRYPOINT ["/app"]
```
"""

from __future__ import annotations

import posixpath

from docklint.facts import facts_of
from docklint.rule import Finding, Severity, rule

TOOLS = ("curl", "wget", "nc", "ncat", "netcat", "sh", "bash", "ash")


@rule("DK108", "healthcheck-tool-missing", Severity.WARNING, tags={"runtime"},
      triggers=("HEALTHCHECK",))
def check(df, options):
    target = df.target
    if target is None:
        return
    facts = facts_of(df)
    health = facts.last_in_chain(target.index, "HEALTHCHECK")
    if health is None or len(health.args) < 2 or health.args[0].value.upper() != "CMD":
        return
    base = facts.base_facts(target.index)
    if base is None or base.has_shell is not False:
        return            # only images known to carry no tools at all
    if facts.writer(target.index) is not None:
        return            # a RUN docklint cannot follow may have made them
    uses = []             # (tool, span)
    if health.json:
        uses.append((health.args[1].value, health.args[1].span))
    else:
        script = facts.script(health)
        for cmd in script.commands if script else ():
            if cmd.name_word is not None:
                uses.append((cmd.name_word.value, script.word_span(cmd.name_word)))
    what = facts.base_label(target.index)
    for exe, span in uses:
        name = posixpath.basename(exe)
        if name not in TOOLS:
            continue
        paths = facts.exe_paths(target.index, exe)
        if paths is None or any(facts.provider(target.index, p) for p in paths):
            continue      # copied in (or an ENV PATH docklint cannot resolve)
        yield Finding(span, f"HEALTHCHECK runs {name}, but the final image ({what}) has no "
                            f"{name} and nothing copies it in: every check fails and the "
                            "container is reported unhealthy (it still runs); let the program "
                            "check itself or copy a static probe binary in")
