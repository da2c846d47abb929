"""A comment above a stage or ARG that does not describe it in the expected form.

## What it does
Off by default, like BuildKit's experimental InvalidDefinitionDescription check (accepted as an
alias). As in BuildKit, `# check=experimental=InvalidDefinitionDescription` (or
`experimental=all`) at the top of the Dockerfile, or the `BUILDKIT_DOCKERFILE_CHECK` build
argument, turns it on for that file, even together with `skip=all`; the same `# check=` comment
attached to one FROM or ARG turns it on for that instruction only. That applies when docklint
runs its default rule set (an explicit `select` without `default` decides alone, and an
`ignore` naming the rule wins); `select` turns it on everywhere. It looks at a `FROM ... AS
name` and at every `ARG` (global ones included) that has comment lines attached, that is, the
comment lines since the previous instruction (blank lines do not break the block; a lone `#`
line clears it; parser directives are not part of it). It fires when the first word of the
*last* attached comment line is not the stage name (as BuildKit stores it, lower case) or, for
an ARG, one of the names it declares.

Every comment counts, pragmas included: a `# hadolint ignore=...` or `# check=...` line right
above an ARG is read as its description too, by BuildKit and by this rule. So is a license
header above the first instruction, since blank lines do not detach it: end the header with a
lone `#` line to keep it out. The finding points
at the stage name or the ARG's first name, with the comment as related location.

Under ONBUILD: an `ONBUILD ARG` is not checked, because BuildKit's check does not look inside
an ONBUILD line (it keeps the trigger as text) and this rule follows BuildKit exactly.

## Differences from BuildKit
Same trigger as BuildKit's experimental InvalidDefinitionDescription, turned on the same
ways, `ONBUILD ARG` left alone as there. BuildKit reports the whole FROM or ARG instruction as a
warning; docklint points at the stage name or the ARG's first name, with the comment as a
related location, and reports it as info (the build is the same either way).

## Why is this bad?
`docker buildx build --call=outline` and `--call=targets` show a stage's or build argument's
description to users, taking it from the attached comment that starts with the name. A comment
in any other form is not picked up, so the stage or argument shows up undocumented.

## Example
```dockerfile
# The Go version to build with
ARG GO_VERSION=1.22

FROM golang:${GO_VERSION} AS build
RUN go version
```

## Use instead
```dockerfile
# GO_VERSION is the Go version to build with
ARG GO_VERSION=1.22

# build compiles the binary
FROM golang:${GO_VERSION} AS build
RUN go version
```
"""

from __future__ import annotations

from docklint.rule import Finding, Related, Severity, rule


def _last_comment(df, ins):
    """The last comment line attached above ``ins`` (the one BuildKit reads)."""
    found = None
    for c in df.comments:
        if c.line >= ins.line:
            break
        if not c.in_continuation and not c.directive and c.text:
            found = c
    return found


@rule("DK623", "invalid-definition-description", Severity.INFO, tags={"style"},
      aliases=("InvalidDefinitionDescription",), default_enabled=False)
def check(df, options):
    for ins in df.instructions:
        if not ins.comments:
            continue
        if ins.keyword == "FROM":
            stage = df.stage_of(ins)
            if stage is None or stage.name_word is None:
                continue
            keys = [stage.name]
            span = stage.name_word.span
            what = f"stage `{stage.name_word.value}`"
        elif ins.keyword == "ARG" and ins.args:
            keys = [w.value.partition("=")[0] for w in ins.args]
            first_word = ins.args[0]
            name = keys[0]
            span = ins.span_of(first_word.lstart, first_word.lstart + len(name))
            what = f"ARG `{name}`" if len(keys) == 1 else \
                "ARG " + ", ".join(f"`{k}`" for k in keys)
        else:
            continue
        first = ins.comments[-1].split(" ")[0]
        if first in keys:
            continue
        example = keys[0] if len(keys) == 1 else "<arg_key>"
        comment = _last_comment(df, ins)
        related = (Related(comment.span, "the comment read as its description"),) \
            if comment is not None else ()
        yield Finding(span, f"the comment above {what} does not describe it the way BuildKit "
                            f"reads descriptions: start its last line with the name, "
                            f"`# {example} ...`", related=related)
