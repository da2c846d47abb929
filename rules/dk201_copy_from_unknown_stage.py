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

A `COPY --from` that uses a variable (`--from=$SRC`, `--from=build-${FLAVOUR}`, also in an
ONBUILD trigger) is a **warning** whatever the variable holds: BuildKit does not expand
variables in `--from`, so `docker build` fails, while podman and buildah expand them (the message
gives the value the variable has in this file, if any). When the value names no stage and is a
likely typo or an index out of range, that error says so too. (A `RUN --mount` with `from=$X`
is refused by BuildKit's parser: DK000 reports it.) A name that is not a stage stays quiet when
a `FROM ... AS name` of the file has a stage name BuildKit refuses (`AS ${NAME}`, reported by
DK000): the reference may well mean that stage.

## Why is this bad?
A `--from` value that is not a stage is an image reference, so a misspelt stage name does not
fail as a missing stage: BuildKit tries to pull `docker.io/library/bulider:latest`, and the build
fails later with a confusing pull error or, worse, copies from an unrelated public image that
happens to have that name. A numeric index past the last stage fails the build outright.

## Differences from hadolint
hadolint's DL3022 flags every `--from` that is not an earlier stage name or index and has no
`:`: variables (`--from=$SRC`) and image names without a tag (`hello-world`,
`webdevops/toolbox`) alike. docklint reports every variable too, as a warning that names the
builders it breaks (BuildKit) and those it works with (podman, buildah), but it leaves an image
with a `/` or `@`, or one docklint knows (`alpine`), to DK305 (which asks for a tag); an unknown
bare name is a warning, as it may be a build context. docklint also checks `RUN
--mount=from=` and ONBUILD triggers, names the stage a typo meant, and reports a stage named
later in the file as DK202's error, not as an unknown stage.

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

from docklint.checks import has_parse_error
from docklint.model import closest
from docklint.rule import Finding, Severity, rule
from docklint.variables import references

# names shorter than this are never called a typo of each other (`xx` is a common build
# context, `x` a stage)
_MIN_TYPO = 4


@rule("DK201", "copy-from-unknown-stage", Severity.ERROR, tags={"stages"},
      aliases=("DL3022",),
      words=("from=",))
def check(df, options):
    stages = df.stages
    names = [s.name for s in stages if s.name]
    broken_names = any(s.name_word is not None and has_parse_error(df, s.from_)
                       for s in stages)
    done: set[int] = set()         # value spans already reported (a variable's, once)
    for e in df.graph.edges:
        if e.kind == "base":
            continue
        variable = e.kind == "copy" and _has_variable(df, e.raw, e.value_span)
        found = _unknown(df, e, stages, names, broken_names) \
            if e.resolved and e.target is None else None
        if not variable:
            if found is not None:
                yield found
            continue
        if e.value_span.start in done:
            continue
        done.add(e.value_span.start)
        if found is not None and found.severity is None:
            # an error in its own right (a typo, an index out of range): say both
            yield Finding(found.span, f"{found.message}; besides, {_NOT_EXPANDED}")
            continue
        value = e.ref if e.resolved else None
        yield _variable(e.value_span, e.raw, value)
    # COPY --from=$X of an ONBUILD trigger that only other builds run (no edge here)
    for ins in df.instructions:
        sub = ins.sub if ins.keyword == "ONBUILD" else None
        if sub is None or sub.keyword != "COPY":
            continue
        flag = sub.flag("from")
        if flag is None or not flag.value:
            continue
        span = flag.value_span
        if not _has_variable(df, flag.value, span):
            continue
        if span.start not in done:
            done.add(span.start)
            yield _variable(span, flag.value, None)


def _has_variable(df, value: str, span) -> bool:
    """Whether a ``--from`` value uses a variable as written (``\\$X`` is none)."""
    return "$" in value and bool(references(df.source.text[span.start:span.end], df.escape))


_NOT_EXPANDED = ("BuildKit does not expand variables in `--from`, so `docker build` fails "
                 "here (podman and buildah expand it)")


def _variable(span, raw: str, value: str | None) -> Finding:
    """``COPY --from=$X``: BuildKit refuses it, buildah and podman expand it."""
    got = f", to `{value}`" if value is not None else ""
    return Finding(span, f"`--from={raw}`: BuildKit does not expand variables in `--from`, so "
                         f"`docker build` fails (podman and buildah expand it{got}); for "
                         f"BuildKit, add a stage `FROM {raw} AS <name>` (with a global ARG) "
                         f"and use `--from=<name>`",
                   severity=Severity.WARNING)


def _unknown(df, e, stages, names, broken_names) -> Finding | None:
    """A resolved ``--from`` that names no stage: what is wrong with it, if anything."""
    shown = f"`from={e.raw}` of `--mount`" if e.kind == "mount" else f"`--from={e.raw}`"
    if e.raw != e.ref:
        shown += f" (`{e.ref}`)"
    if e.out_of_range:
        # the implicit stage (before the first FROM) comes last and has no number
        last = len([s for s in stages if not s.implicit]) - 1
        return Finding(e.value_span,
                       f"{shown} names stage index {e.ref}, but the stages are numbered 0 to "
                       f"{last}; did you mean {_describe(stages[last])}?")
    ref = e.ref
    if any(c in ref for c in "/:@") or df.image_facts(ref) is not None:
        return None
    if broken_names:
        return None           # a stage name BuildKit refuses (DK000): the name may be meant
    guess = closest(ref, names, df.spelling_budget)
    if guess is not None and min(len(guess), len(ref)) < _MIN_TYPO:
        guess = None          # `xx` and `x`: too short to call one a typo of the other
    if guess is not None:
        stage = df.graph.stage_named(guess)
        return Finding(e.value_span,
                       f"{shown} names no stage; did you mean `{guess}` (line "
                       f"{stage.from_.line})? As written, BuildKit pulls an image called "
                       f"`{ref}`")
    return Finding(e.value_span,
                   f"{shown} names no stage of this Dockerfile: BuildKit will pull an image "
                   f"called `{ref}` (or use a build context passed with "
                   f"`--build-context {ref}=...`); if you mean an image, give it a tag "
                   f"(`{ref}:<tag>`)",
                   severity=Severity.WARNING)


def _describe(stage) -> str:
    return f"`{stage.index}` (stage `{stage.name}`)" if stage.name else f"`{stage.index}`"
