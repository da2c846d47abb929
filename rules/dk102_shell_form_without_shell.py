"""A shell-form command in an image that has no shell.

## What it does
Fires when CMD, ENTRYPOINT or `HEALTHCHECK CMD` is written in shell form (`CMD app --flag`,
which Docker runs as `/bin/sh -c "app --flag"`) while the target image has no shell: its base is
scratch, a distroless image without `:debug`, or a Chainguard static image, and no `COPY` puts
the shell there. A shell-form CMD is only checked when no exec-form ENTRYPOINT takes it as
arguments. Also fires for a shell-form RUN in any stage whose image has no shell: that build
step cannot run. A `SHELL` instruction that names a shell the build copied in (for example
busybox) satisfies both.

## Why is this bad?
The container never starts: `exec: "/bin/sh": stat /bin/sh: no such file or directory`. For
RUN, the build fails at that step. The mistake is easy to make when moving a working Dockerfile
to a smaller base.

## Example
```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian13
COPY --from=build /out/app /app
CMD /app --port 8080
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian13
COPY --from=build /out/app /app
CMD ["/app", "--port", "8080"]
```
"""

from __future__ import annotations

import json

from docklint.rule import Finding, Severity, rule


def _exec_form(ins) -> str:
    """The shell-form command rewritten as exec form, when it is a plain word list."""
    text = ins.args[-1].value if ins.args else ""
    if any(c in text for c in "$|&;<>(){}`*?[]'\"\\\n"):
        return ""
    words = text.split()
    if not words:
        return ""
    prefix = "HEALTHCHECK CMD " if ins.keyword == "HEALTHCHECK" else f"{ins.keyword} "
    return f"; use exec form: `{prefix}{json.dumps(words)}`"


@rule("DK102", "shell-form-without-shell", Severity.ERROR, tags={"runtime"})
def check(df, options):
    facts = df.facts
    target = df.target
    if target is not None and facts.has_shell(target.index) is False:
        entry = facts.last_in_chain(target.index, "ENTRYPOINT")
        checks = [entry]
        if entry is None or not entry.json:
            checks.append(facts.last_in_chain(target.index, "CMD"))
        health = facts.last_in_chain(target.index, "HEALTHCHECK")
        if health is not None and health.args and health.args[0].value.upper() == "CMD":
            checks.append(health)
        base = df.graph.root_base(target.index)
        what = "scratch" if base.kind == "scratch" else base.text
        shell = facts.shell_path(target.index)
        for ins in checks:
            if ins is None or ins.json or not ins.args or \
                    (ins.keyword == "HEALTHCHECK" and len(ins.args) < 2):
                continue
            effect = "every health check fails" if ins.keyword == "HEALTHCHECK" else \
                "the container cannot start"
            yield Finding(ins.span, f"shell-form {ins.keyword} runs through {shell}, but the "
                                    f"final image ({what}) has no shell, so {effect} (exec: "
                                    f"\"{shell}\": no such file or directory){_exec_form(ins)}")
    for stage in df.stages:
        for ins in stage.instructions:
            if ins.keyword != "RUN" or ins.json or not ins.args and not ins.heredocs:
                continue
            if facts.has_shell(stage.index, before=ins) is False:
                shell = facts.shell_path(stage.index, ins)
                yield Finding(ins.span, f"shell-form RUN needs {shell}, but the image of stage "
                                        f"{stage.label} has no shell: the build fails at this "
                                        "step; use exec form, or copy a shell in and point "
                                        "SHELL at it")
