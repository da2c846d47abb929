"""A shell-form command in an image that has no shell.

## What it does
Fires when CMD, ENTRYPOINT or `HEALTHCHECK CMD` is written in shell form (`CMD app --flag`,
which Docker runs as `/bin/sh -c "app --flag"`) while the target image has no shell: its base is
scratch, a distroless image without `:debug`, or a Chainguard static image, and no `COPY` puts
the shell there. A shell-form CMD is only checked when no exec-form ENTRYPOINT takes it as
arguments. Also fires for a shell-form RUN in any stage whose image has no shell: that build
step cannot run, unless its command is a here-document alone that starts with `#!` (BuildKit runs
that body with the interpreter the `#!` line names). A `SHELL` instruction that names a shell the build copied in (for example
busybox) satisfies both; a shell named without a slash (`SHELL ["busybox", "sh", "-c"]`) is
looked up on the image's PATH, as BuildKit and the runtime do. A RUN whose own
`--mount=type=bind` puts a shell at that path
(`--mount=type=bind,from=busybox:1.36-musl,source=/bin,target=/bin`) runs, as BuildKit mounts it
before it starts the shell; a mount from the build context, or one docklint cannot place, may do
the same and is not reported. Such a mount is gone once the step is done: it gives the image no
shell, so a shell-form CMD is still reported. A RUN before that may have made files docklint
cannot place (an exec-form `RUN ["/bin/busybox", "--install", "-s", "/bin"]`, or a shell-form
RUN that does more than `mkdir`/`chmod`-style housekeeping) may have made the shell too:
nothing is reported after it.

The CMD, ENTRYPOINT and RUN findings are errors. The HEALTHCHECK finding is a warning: the
container still runs, only its health status is wrong (see below).

Under ONBUILD: a trigger (`ONBUILD RUN`, `ONBUILD CMD`...) is not checked, because it runs in a
build FROM its stage's image, which may put a shell there first and whose final image this file
does not describe.

## Why is this bad?
The container never starts: `exec: "/bin/sh": stat /bin/sh: no such file or directory`. For
RUN, the build fails at that step. The mistake is easy to make when moving a working Dockerfile
to a smaller base. A shell-form HEALTHCHECK fails on every run instead: the container is
reported unhealthy, so Docker Swarm keeps replacing it and Compose services that wait for it to
be healthy never start (Kubernetes ignores HEALTHCHECK).

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

## Fix safety
For a CMD, ENTRYPOINT or `HEALTHCHECK CMD` whose command is a plain list of words (no
variables, quotes, escapes, operators, redirections, globs, comments or `~`, no `NAME=value`
prefix, and not a word only the shell knows such as `cd`), the fix rewrites it in exec form (a
leading `exec` is dropped), the same rewrite DK603 offers. The instruction can then run at all,
but what runs can differ from what the author had in mind: a shell-form ENTRYPOINT ignores CMD,
while in exec form it receives CMD as arguments. The fix is unsafe. A RUN gets no fix: its
program is usually as absent from the image as the shell.
"""

from __future__ import annotations

from docklint.facts import facts_of
from docklint.fixes import exec_form_rewrite
from docklint.rule import Finding, Fix, Severity, rule


def _exec_form(ins) -> tuple[str, Fix | None]:
    """The hint and the fix that rewrite a shell-form command in exec form, when it is a plain
    list of words."""
    rewrite = exec_form_rewrite(ins)
    if rewrite is None:
        return "", None
    written, fix = rewrite
    return f"; use exec form: `{written}`", fix


@rule("DK102", "shell-form-without-shell", Severity.ERROR, tags={"runtime"},
      fixable="sometimes")
def check(df, options):
    facts = facts_of(df)
    target = df.target
    if target is not None and facts.has_shell(target.index) is False:
        entry = facts.last_in_chain(target.index, "ENTRYPOINT")
        checks = [entry]
        if entry is None or not entry.json:
            checks.append(facts.last_in_chain(target.index, "CMD"))
        health = facts.last_in_chain(target.index, "HEALTHCHECK")
        if health is not None and health.args and health.args[0].value.upper() == "CMD":
            checks.append(health)
        what = facts.base_label(target.index)
        shell = facts.shell_path(target.index)
        for ins in checks:
            if ins is None or ins.json or not ins.args or \
                    (ins.keyword == "HEALTHCHECK" and len(ins.args) < 2):
                continue
            probe = ins.keyword == "HEALTHCHECK"
            effect = "every health check fails and the container is reported unhealthy" \
                if probe else "the container cannot start"
            hint, fix = _exec_form(ins)
            yield Finding(ins.span, f"shell-form {ins.keyword} runs through {shell}, but the "
                                    f"final image ({what}) has no shell, so {effect} "
                                    f"({_exec_error(shell)}){hint}", fix=fix,
                          severity=Severity.WARNING if probe else None)
    for stage in df.stages:
        for ins in stage.instructions:
            if ins.keyword != "RUN" or ins.json or not ins.args and not ins.heredocs:
                continue
            if _shebang_script(ins):
                continue      # BuildKit runs the body with the interpreter its `#!` names
            if facts.run_has_shell(ins) is False:
                shell = facts.shell_path(stage.index, ins)
                yield Finding(ins.span, f"shell-form RUN needs {shell}, but the image of stage "
                                        f"{stage.label} has no shell: the build fails at this "
                                        f"step ({_exec_error(shell)}); use exec form, or copy "
                                        "a shell in and point SHELL at it")


def _shebang_script(ins) -> bool:
    """A RUN whose command is a here-document alone, starting with `#!`: BuildKit runs the
    body as a script with the interpreter that line names, not with the SHELL."""
    if len(ins.heredocs) != 1:
        return False
    heredoc = ins.heredocs[0]
    alone = ins.original[ins.rest_lstart:ins.rest_lend].strip() == \
        ins.original[heredoc.marker_lstart:heredoc.marker_lend].strip()
    return alone and heredoc.content.lstrip(" \t").startswith("#!")


def _exec_error(shell: str) -> str:
    """What the runtime says when it cannot find the shell: a path that is not there, or a
    name not found on the PATH."""
    if "/" in shell:
        return f'exec: "{shell}": no such file or directory'
    return f'exec: "{shell}": executable file not found in $PATH'
