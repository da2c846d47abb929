"""A line BuildKit would refuse to build.

## What it does
Reports everything BuildKit's Dockerfile frontend rejects, at its location: an unknown
instruction, a flag that the instruction does not take or that lacks its value, `FROM` with the
wrong number of arguments, an invalid stage name, `ENV` without a value, a JSON array with a
non-string in it, an unterminated heredoc, a duplicated or invalid parser directive, a line
longer than BuildKit can read, an instruction before the first `FROM`, an image reference
written without variables that is not a valid reference (`FROM Alpine:3.20`,
`FROM repo:tag:more`, `COPY --from=ghcr.io/o/App:1`: BuildKit fails with
`invalid reference format`; a first component with capitals, as in `MyRegistry/app`, is a
registry host and fine), and files that are not Dockerfiles at all (binary, UTF-16, empty). A
reference built from ARGs is DK208's to judge. hadolint's DL3043 (`ONBUILD ONBUILD`,
`ONBUILD FROM`, `ONBUILD MAINTAINER`) and DL3061 (an instruction before the first `FROM`) are
among these, so their codes name this rule.

HEALTHCHECK values are judged as BuildKit parses them: an empty `--interval=` is the default,
a duration is Go's (`-0`, `+0`, `1m30s`) and must be 0 or at least 1ms, `--retries` a
non-negative integer (`+3` included); `HEALTHCHECK NONE` ignores flags.

Values BuildKit checks only once variables are expanded are checked the same way:
`RUN --mount=type=$TYPE` is judged on the value of `TYPE` (in any case: `type=Cache` is
fine), and not at all when it has none.

An error inside an `ONBUILD` trigger (`ONBUILD COPY onlyone`, a bad flag) does not stop this
build: BuildKit stores the trigger as text and runs it in the builds that use the image as a
base. It is a **warning** that says so, and an error when a stage of this file is built `FROM`
the one that holds it (`ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER` are errors
at once).

A file whose `# syntax=` directive names another frontend than BuildKit's Dockerfile frontend
(`docker/dockerfile`, `docker/dockerfile-upstream`, on any registry, with any tag), or that names
any other frontend with a `//syntax=` line or as a JSON `{"syntax": "..."}` file, is that
frontend's to judge: its own instructions (dockerfile-x's `INCLUDE`) are no errors. The rule
reports that once, as **info**, at the directive: what it did not check, and why. The other
rules still read a `# syntax=` file as a Dockerfile; a `//syntax=` or JSON file is not linted.

Two warnings say where docklint itself stopped, on input no real Dockerfile has: a value
that would expand to more than 262144 characters (`ARG A2=$A1$A1` doubling line after line)
or nest `${X:-${Y:-...}}` more than 64 levels deep ("ARG A18 expands to more than 262144
characters; docklint stopped expanding it (rules treat it as unknown)"), and a RUN, CMD,
ENTRYPOINT or HEALTHCHECK script nested more than 100 levels deep ("RUN nested deeper than
100 levels; shell checks skipped past that depth"). The rules then say less about that value
or script, instead of guessing.

Instructions before the first `FROM` (ARGs aside) are reported once, at the first of them, as
BuildKit does (`no build stage in current context`), but they are still linted: docklint puts
them in an implicit stage whose base image is unknown, so a fragment, a snippet or a file whose
`FROM` line is broken (`FROM` with no image, `FRM alpine`) gets every finding about its `RUN`,
`COPY`, `ENV`, `LABEL` and `ONBUILD` lines. Nothing is guessed about that stage's image (its
shell, user, libc, size, environment): the rules about the final image stay quiet for it, a
`--from=builder` or `--from=0` in it that names no stage of the file is taken to name one of the
file it belongs in, and it is no stage a build could run (`docklint inspect` and `graph` show
it as the implicit stage). ARGs before its first instruction are global ARGs, which it sees;
ARGs after it are its own. A `FROM` without an image gives a stage with an unknown base in the
same way.

## Why is this bad?
`docker build` stops at the first of these with an error; nothing else in the file matters
until it is fixed. docklint keeps linting the rest of the file so you see every problem at once.

## Differences from hadolint
hadolint's DL3061 flags every instruction before the first `FROM`; docklint reports the first
one, as BuildKit stops there, and lints them all. hadolint's DL3043 (`ONBUILD ONBUILD`,
`ONBUILD FROM`, `ONBUILD MAINTAINER`) fires where this rule does. The rest of what this rule
reports (a flag BuildKit does not know or that lacks its `=`, an invalid stage name such as
`AS platform-arm/v7`, an unknown `--mount` option, an invalid image reference) hadolint parses
without complaint; since both DL codes name this rule, a comparison by code counts those
findings as docklint's alone.

## Example
```dockerfile
FROM alpine:3.20
RUN --mount type=cache,target=/root/.cache apk add curl
COPY --chmod=755 entrypoint.sh
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN --mount=type=cache,target=/root/.cache apk add curl
COPY --chmod=755 entrypoint.sh /usr/local/bin/
```
"""

from __future__ import annotations

from docklint.checks import has_parse_error
from docklint.facts import facts_of
from docklint.model import mount_fields
from docklint.parse import MOUNT_TYPES
from docklint.rule import Finding, Severity, rule
from docklint.shell import MAX_DEPTH
from docklint.syntax import KNOWN_INSTRUCTIONS


_SCRIPTED = ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK")


@rule("DK000", "parse-error", Severity.ERROR, tags={"syntax"}, aliases=("DL3043", "DL3061"))
def check(df, options):
    frontend = df.parsed.frontend
    if frontend is not None:
        yield _other_frontend(df, frontend)
        return
    for err in df.errors:
        if err.trigger:
            yield _trigger_error(df, err)
        elif err.limit:
            yield Finding(err.span, err.message, severity=Severity.WARNING)
        else:
            yield Finding(err.span, err.message)
    yield from _too_deep(df)
    for stage in df.stages:
        base = stage.base
        if base.kind == "image" and "$" not in base.raw and base.image is not None and \
                base.image.error and not has_parse_error(df, stage.from_):
            yield _bad_ref(base.span, base.raw, base.image.error)
        for ins in stage.instructions:
            if ins.keyword == "RUN" and not has_parse_error(df, ins):
                yield from _mount_types(df, stage, ins)
    for edge in df.graph.edges:
        if edge.kind != "base" and edge.image is not None and edge.image.error and \
                "$" not in edge.raw and any(c in edge.raw for c in "/:@"):
            yield _bad_ref(edge.value_span or edge.span, edge.raw, edge.image.error)


def _too_deep(df):
    """A shell script nested past docklint's bound (see ``docklint.shell.MAX_DEPTH``): the
    shell checks saw only the part above it."""
    for stage in df.stages:
        for ins in stage.instructions:
            eff = ins.effective
            if eff.keyword in _SCRIPTED and not eff.json:
                script = df.script(ins)
                if script is not None and script.too_deep:
                    yield Finding(ins.span, f"{eff.keyword} nested deeper than {MAX_DEPTH} "
                                            f"levels; shell checks skipped past that depth",
                                  severity=Severity.WARNING)


def _bad_ref(span, raw: str, error: str) -> Finding:
    return Finding(span, f"`{raw}` is not a valid image reference ({error}): BuildKit fails "
                         f"with `invalid reference format`")


def _mount_types(df, stage, ins):
    """``--mount=type=$X``: BuildKit checks the type once expanded (in lower case)."""
    for flag in ins.flags:
        if flag.name != "mount" or not flag.value:
            continue
        for key, value, _at in mount_fields(flag):
            if key != "type" or "$" not in value:
                continue
            got = df.expand(value, stage.env_before(ins)).value
            if got is not None and got.lower() not in MOUNT_TYPES:
                yield Finding(flag.span, f"unsupported mount type {got!r} (`{value}` expanded)")


def _trigger_error(df, err) -> Finding:
    """A typed-layer error inside an ONBUILD trigger: BuildKit stores the trigger as text, so
    only the builds that run it fail (an error when a stage of this file is built FROM the
    one that holds it)."""
    holder = next((i for i in df.instructions
                   if i.span.start <= err.span.start < max(i.span.end, i.span.start + 1)), None)
    stage = df.stage_of(holder) if holder is not None else None
    if stage is not None and facts_of(df).used_as_base(stage.index):
        child = next(s for s in df.stages if s.base.kind == "stage" and
                     s.base.stage == stage.index)
        return Finding(err.span, f"{err.message} (in an ONBUILD trigger that runs when stage "
                                 f"`{child.label}` is built FROM this one, and fails it)")
    return Finding(err.span, f"{err.message} (in an ONBUILD trigger: BuildKit stores the "
                             f"trigger and builds this file, but every build FROM this image "
                             f"runs the trigger and fails)", severity=Severity.WARNING)


def _other_frontend(df, frontend) -> Finding:
    how = {"#": "a `# syntax=` directive", "//": "a `//syntax=` line",
           "json": "a JSON `{\"syntax\": ...}` file"}[frontend.form]
    if frontend.form == "#":
        unknown = list(dict.fromkeys(f"`{i.written}`" for i in df.instructions
                                     if i.keyword not in KNOWN_INSTRUCTIONS))
        what = ("that frontend decides which syntax is valid, so docklint did not check it"
                + (f" (the file uses instructions BuildKit's Dockerfile frontend does not "
                   f"have: {', '.join(unknown[:5])})" if unknown else "")
                + "; the other rules read the file as a Dockerfile")
    else:
        what = "the file is not a Dockerfile, and docklint did not lint it"
    return Finding(frontend.span, f"the file selects the frontend `{frontend.ref}` ({how}), "
                                  f"not BuildKit's Dockerfile frontend: {what}",
                   severity=Severity.INFO)
