r"""A shell command uses a global ARG that is not in scope in its stage.

## What it does
Fires when a shell-form RUN, CMD, ENTRYPOINT or HEALTHCHECK (a RUN heredoc script and the
script of `sh -c '...'` included) expands `$NAME` or `${NAME...}` where `NAME` is declared only
as a global ARG (before the first FROM): no `ARG NAME` in the stage or in the stages its FROM
chain is built on, and no `ENV NAME=...` there either. The automatic platform ARGs
(`TARGETARCH`, `BUILDPLATFORM`...) follow the same scoping and are reported the same way.

Not reported: variables the script sets itself (`NAME=x`, `export`, `read NAME`,
`for NAME in ...`), uses after the script sources a file or runs `eval` (`. /etc/os-release`
may set anything), `$NAME` inside single quotes (the shell does not expand it; the script of
`sh -c '...'` is looked at by itself), names the base image is known to set (`NODE_VERSION` in
the node images), proxy variables such as `HTTP_PROXY`, which BuildKit passes to RUN
undeclared, exec-form commands, and shells other than a POSIX one (a `SHELL ["pwsh", ...]`).
The same mistake in instructions BuildKit expands itself (COPY, ENV, WORKDIR, LABEL...) is
reported by DK209.

Under ONBUILD: a trigger's commands are not checked, because the trigger runs in a build FROM
this image, where this file's ARGs are not declared and that build's own ARGs and ENV (which
this file does not know) are in scope.

## Why is this bad?
A global ARG is visible only to FROM lines. Inside a stage the variable is simply not set, so
the shell expands it to an empty string and the command runs with a missing version, path or
flag, usually without failing: `curl .../v$VERSION/tool.tar.gz` fetches the wrong file,
`go build -ldflags "-X main.version=$VERSION"` bakes in an empty version. CMD, ENTRYPOINT and
HEALTHCHECK run in the container, which sees ENV values only, so they need
`ENV NAME=$NAME` after the `ARG NAME`.

## Example
```dockerfile
ARG VERSION=1.4.2
FROM alpine:3.20
RUN wget -O /tmp/tool.tgz https://example.com/tool/v$VERSION/tool.tgz
```

## Use instead
```dockerfile
ARG VERSION=1.4.2
FROM alpine:3.20
ARG VERSION
RUN wget -O /tmp/tool.tgz https://example.com/tool/v$VERSION/tool.tgz
```

## Fix safety
The fix adds `ARG NAME` on the line after the stage's `FROM`, one line per name, for every name
the stage uses out of scope (DK209's findings in the same stage share it, so each name is
declared once). The instruction then sees the value it was written for instead of an empty
string: the fix is safe. A name that a CMD, ENTRYPOINT or HEALTHCHECK uses gets `ARG NAME` and
then `ENV NAME=$NAME`, so that the running container has it; that puts the variable in the
environment of every process of the container and of images built `FROM` it, so that fix is
unsafe.
"""

from __future__ import annotations

from docklint.fixes import stage_arg_fix
from docklint.rule import Finding, Related, Severity, rule


@rule("DK206", "arg-out-of-scope", Severity.WARNING, tags={"args"}, fixable="always",
      triggers=("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"),
      words=("$",))
def check(df, options):
    for stage in df.stages:
        after = stage.from_.end_line
        fixes = None
        for ins in stage.instructions:
            if ins.keyword not in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK") or ins.json:
                continue
            seen: set[str] = set()
            for use in df.var_uses(ins):
                if use.expander != "shell" or use.how not in ("global-arg", "automatic-arg") \
                        or use.name in seen:
                    continue
                seen.add(use.name)
                if fixes is None:
                    fixes = stage_arg_fix(df, stage)
                yield _finding(use, after, runtime=ins.keyword != "RUN",
                               fix=fixes.get(use.name))


def _finding(use, after: int, runtime: bool, fix=None) -> Finding:
    name = use.name
    hint = f"add `ARG {name}` after line {after}"
    if runtime:
        hint += (f", then `ENV {name}=${name}` (a running container sees ENV values, not "
                 f"ARGs)")
    if use.how == "global-arg":
        what = f"`${name}` is a global ARG (line {use.decl.instruction.line})"
        related = (Related(use.decl.word.span, "declared here, before the first FROM"),)
    else:
        what = f"`${name}` is an automatic platform ARG"
        related = ()
    return Finding(use.span, f"{what} that is not in scope here: {hint}; the shell sees it "
                             f"empty", related=related, fix=fix)
