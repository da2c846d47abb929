r"""The first WORKDIR of a stage is a relative path.

## What it does
Fires on the first `WORKDIR` that sets the working directory of a stage when its path, after
ARG and ENV substitution, is not absolute (`/srv/app`, or `C:\app` on Windows). "First" means
that neither this stage nor any stage its `FROM` chain leads through (`FROM builder`, also via
an `ONBUILD WORKDIR` of such a stage) has set a working directory before. A path that expands to
nothing is reported as `""`. A path whose value depends on a build argument without a value is
skipped, unless its literal start already makes it relative (`app/$VERSION`).

It applies on every base image, `scratch` included, as both peers do: the working directory an
image leaves behind is not written in the Dockerfile, so a reader cannot tell where a relative
path lands without knowing the base.

## Differences from hadolint
hadolint's DL3000 fires on every `WORKDIR` that does not start with `/`, `$` or a drive
letter; docklint follows BuildKit instead:

- a relative `WORKDIR` *after* an absolute one is well defined (`WORKDIR /src` then
  `WORKDIR cmd/server` is `/src/cmd/server` whatever the base image), so it is not reported;
- a path that starts with a variable is expanded rather than trusted: `ARG DIR=app` then
  `WORKDIR $DIR` is relative and is reported, `WORKDIR $HOME/app` with an absolute `HOME` is
  not.

## Differences from BuildKit
Same trigger as BuildKit's WorkdirRelativePath: only the first `WORKDIR` of a stage and the
in-file stages it is built on, after expansion, an empty value shown as `""`. BuildKit marks
the whole instruction; docklint points at the path and offers a fix (see below). Like BuildKit,
it does not check an `ONBUILD WORKDIR`, which runs in another build.

## Why is this bad?
A relative `WORKDIR` is resolved against the working directory the base image left behind.
That is `/` for most images, `/go` for `golang`, `/usr/src/app` or something else for others,
and it can change when the base image is bumped or swapped. Every relative `COPY` and every
`RUN` that follows then lands somewhere the Dockerfile does not say.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR app
COPY . .
CMD ["python", "main.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["python", "main.py"]
```

## Fix safety
When the path is a plain word, the fix puts a `/` in front of it. That is what the build does
already on a base image whose working directory is `/`, but not on one that sets another (on
`golang`, `WORKDIR app` is `/go/app`), so the fix is unsafe, except on `scratch`, whose working
directory is `/`.
"""

from __future__ import annotations

from docklint.checks import has_parse_error, is_absolute, workdir_before
from docklint.rule import Edit, Finding, Fix, Severity, rule
from docklint.source import Span


def _path(df, stage, ins) -> str | None:
    """The path the WORKDIR sets, expanded; None when it depends on an unset build argument
    from its very start."""
    word = ins.args[0]
    exp = df.expand(word.value, stage.env_before(ins))
    if exp.value is not None:
        return exp.value
    if word.value.lstrip("\"'").startswith("$"):
        return None
    return exp.text       # the literal start decides: "app/$X" is relative whatever X is


@rule("DK501", "workdir-relative-path", Severity.WARNING, tags={"portability"},
      aliases=("DL3000", "WorkdirRelativePath"), fixable="sometimes", triggers=("WORKDIR",))
def check(df, options):
    for stage in df.stages:
        first = next((i for i in stage.instructions if i.keyword == "WORKDIR" and i.args), None)
        if first is None or workdir_before(df, stage, first) is not None or \
                has_parse_error(df, first):
            continue
        root = df.graph.root_base(stage.index)
        path = _path(df, stage, first)
        if path is None or is_absolute(path):
            continue
        word = first.args[0]
        if root is not None and root.kind == "scratch":
            base = "the base image (`/` for scratch, but a reader has to know that)"
        elif root is not None and root.kind == "image" and root.text:
            base = f"the base image ({root.text})"
        else:
            base = "the base image"
        fix = None
        plain = word.value == path and path and not first.json and \
            not any(c in path for c in "\"'$" + df.escape)
        if plain:
            at = Span(word.span.start, word.span.start)
            fix = Fix(f"Make it absolute: `/{path}`", (Edit(at, "/"),),
                      safe=root is not None and root.kind == "scratch")
        shown = path if path else '""'
        yield Finding(word.span, f"WORKDIR `{shown}` is relative, so it depends on the working "
                                 f"directory of {base}, which no earlier WORKDIR in this stage "
                                 "sets; use an absolute path", fix=fix)

