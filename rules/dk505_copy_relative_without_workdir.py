"""COPY or ADD to a relative destination before any WORKDIR.

## What it does
Fires on a `COPY` or `ADD` whose destination, after ARG and ENV substitution, is a relative path
(`.`, `app/`, `config.yml`) while no `WORKDIR` has set the working directory yet: not earlier
in the stage, and not in any stage its `FROM` chain leads through (`FROM builder` inherits the
builder's `WORKDIR`, however many stages up; an `ONBUILD WORKDIR` of such a stage counts too).
It reports the destination.

Differences from hadolint's DL3045:

- the whole chain of in-file base stages counts, not only the stage named in this `FROM`;
- `ADD` is checked as well as `COPY`;
- a destination with a variable is judged by its value (`ARG DEST=app` then `COPY x $DEST` is
  relative) instead of being accepted because it starts with `$`; one that depends on a build
  argument without a value is skipped;
- a stage built on `scratch` is not reported: there the working directory can only be `/`.

## Why is this bad?
A relative destination is resolved against the working directory the base image left behind:
`/` for most images, `/go` for `golang`, another directory for others, and it changes when the
base does. Files then end up somewhere the Dockerfile does not say, and the `CMD` that expects
them there breaks after an innocent base image bump.

## Example
```dockerfile
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
```
"""

from __future__ import annotations

from docklint.checks import has_parse_error, is_absolute, workdir_before
from docklint.rule import Finding, Severity, rule


@rule("DK505", "copy-relative-without-workdir", Severity.WARNING, tags={"portability"},
      aliases=("DL3045",))
def check(df, options):
    for stage in df.stages:
        root = df.graph.root_base(stage.index)
        if root is not None and root.kind == "scratch":
            continue
        for ins in stage.instructions:
            if ins.keyword not in ("COPY", "ADD") or len(ins.args) < 2 or \
                    has_parse_error(df, ins):
                continue
            word = ins.args[-1]
            if any((word.lstart, word.lend) == (h.marker_lstart, h.marker_lend)
                   for h in ins.heredocs):
                continue
            exp = df.expand(word.value, stage.env_before(ins))
            dest = exp.value
            if dest is None:
                if word.value.lstrip("\"'").startswith("$"):
                    continue
                dest = exp.text
            if is_absolute(dest) or workdir_before(df, stage, ins) is not None:
                continue
            base = f" ({root.text})" if root is not None and root.kind == "image" and \
                root.text else ""
            yield Finding(word.span, f"{ins.keyword} to the relative destination `{dest}` "
                                     "before any WORKDIR: it lands in the working directory "
                                     f"of the base image{base}; set an absolute WORKDIR first "
                                     "or use an absolute destination")
