"""`--from` names no stage of this Dockerfile (a typo, or an image by accident).

## What it does
Looks at every `COPY --from=X` and `RUN --mount=...,from=X` (and such ONBUILD triggers of a
stage another stage is built on) after ARG substitution, and at what X turns out to be:

- a stage name (case-insensitive) or a stage index that exists: fine here (DK202 checks that the
  stage comes earlier and is not the stage itself);
- a number with no stage of that index: an **error**;
- a name one or two typos away from a stage name (`bulider` for `builder`), both at least
  four characters long, and not an image docklint knows: an **error** that names the stage
  meant;
- any other bare name (no `/`, `:` or `@`) that docklint's image data does not know: a
  **warning**, since BuildKit will pull an image of that name, or use a build context passed
  with `--build-context X=...`;
- anything that is clearly an image (`nginx:1.27`, `ghcr.io/o/tool`, an `@sha256:` digest, a
  name docklint knows such as `alpine` or `golang`): quiet.

`--from=$VAR` whose variable has no value stays quiet: docklint cannot tell what it names. So
does every name that is not a stage when a `FROM ... AS name` of the file has a stage name
BuildKit refuses (`AS ${NAME}`, reported by DK000): the reference may well mean that stage.

hadolint's DL3022 differs: it flags every `--from=$VAR` and every bare image name such as
`hello-world` alike. docklint resolves the variable first and only errs on what is almost
certainly a mistake.

## Why is this bad?
A `--from` value that is not a stage is an image reference, so a misspelt stage name does not
fail as a missing stage: BuildKit tries to pull `docker.io/library/bulider:latest`, and the build
fails later with a confusing pull error or, worse, copies from an unrelated public image that
happens to have that name. A numeric index past the last stage fails the build outright.

## Example
```dockerfile
FROM golang:1.22 AS builder
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=bulider /out/app /app
```

## Use instead
```dockerfile
FROM golang:1.22 AS builder
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=builder /out/app /app
```
To copy from an image, name it with a tag or digest (`--from=nginx:1.27`), which also pins it.
"""

from __future__ import annotations

from docklint import images
from docklint.checks import has_parse_error
from docklint.model import closest

# names shorter than this are never called a typo of each other (`xx` is a common build
# context, `x` a stage)
_MIN_TYPO = 4
from docklint.rule import Finding, Severity, rule


@rule("DK201", "copy-from-unknown-stage", Severity.ERROR, tags={"stages"},
      aliases=("DL3022",))
def check(df, options):
    stages = df.stages
    names = [s.name for s in stages if s.name]
    broken_names = any(s.name_word is not None and has_parse_error(df, s.from_)
                       for s in stages)
    for e in df.graph.edges:
        if e.kind == "base" or not e.resolved or e.target is not None:
            continue
        shown = f"`from={e.raw}` of `--mount`" if e.kind == "mount" else f"`--from={e.raw}`"
        if e.raw != e.ref:
            shown += f" (`{e.ref}`)"
        if e.out_of_range:
            # the implicit stage (before the first FROM) comes last and has no number
            last = len([s for s in stages if not s.implicit]) - 1
            yield Finding(e.value_span,
                          f"{shown} names stage index {e.ref}, but the stages are numbered 0 to "
                          f"{last}; did you mean {_describe(stages[last])}?")
            continue
        ref = e.ref
        if any(c in ref for c in "/:@") or images.lookup(ref) is not None:
            continue
        if broken_names:
            continue          # a stage name BuildKit refuses (DK000): the name may be meant
        guess = closest(ref, names)
        if guess is not None and min(len(guess), len(ref)) < _MIN_TYPO:
            guess = None      # `xx` and `x`: too short to call one a typo of the other
        if guess is not None:
            stage = df.graph.stage_named(guess)
            yield Finding(e.value_span,
                          f"{shown} names no stage; did you mean `{guess}` (line "
                          f"{stage.from_.line})? As written, BuildKit pulls an image called "
                          f"`{ref}`")
            continue
        yield Finding(e.value_span,
                      f"{shown} names no stage of this Dockerfile: BuildKit will pull an image "
                      f"called `{ref}` (or use a build context passed with "
                      f"`--build-context {ref}=...`); if you mean an image, give it a tag "
                      f"(`{ref}:<tag>`)",
                      severity=Severity.WARNING)


def _describe(stage) -> str:
    return f"`{stage.index}` (stage `{stage.name}`)" if stage.name else f"`{stage.index}`"
