"""The final image lacks a label that the label schema requires.

## What it does
Does nothing until the option `label-schema` lists labels (hadolint's configuration key of the
same name is read too). Then every label of the schema must be set on each image the file
produces: by a `LABEL` in that stage, in a stage of this Dockerfile it is built `FROM` (a stage
keeps the labels of its base stage), or by an `ONBUILD LABEL` of such a base stage. A label in
any other stage (one the image only copies files from, or an unrelated one) does not count.
One finding per missing label, at the `FROM` of the stage that lacks it. A label set to an
empty value counts as present here; DK609 reports the empty value.

The images the file produces are the target when one is given (`--target`, or the `target`
option); otherwise every stage that no other stage builds on, copies from or mounts: the last
stage, and any other stage a `docker build --target` would stop at (`FROM base AS dev` next to
`FROM base AS prod`). A stage that another one uses is a step, not an image.

Labels the external base image already carries, and labels added with `docker build --label`,
are not known to docklint and do not count. A `LABEL` whose key depends on a build argument
with no value may set any label, so the rule stays quiet for an image with one in its chain,
and for every image when the file's `# syntax=` names another frontend and the file uses an
instruction BuildKit's Dockerfile frontend does not have (such as `INCLUDE`), which may set any
label.

## Differences from hadolint
hadolint's DL3049 (accepted as an alias) checks every stage of the file except named stages
that a `COPY --from` reads, so it also asks for the labels on a stage that others are built
`FROM`, even when the stage built on it sets them. docklint checks only the images the build
produces, as described above: labels on a stage that is only a step never reach anyone.

## Why is this bad?
Teams that agree on a label schema rely on it downstream: registries show the source URL and
license, scanners map an image back to the commit that built it, and clean-up jobs find the
owner. An image that silently lacks a required label breaks those tools without breaking the
build.

## Example
With this configuration (`.docklint.yaml`):
```yaml
label-schema:
  org.opencontainers.image.source: url
  org.opencontainers.image.revision: hash
```
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.source="https://github.com/example/app"
COPY app /usr/local/bin/app
```

## Use instead
```dockerfile
FROM alpine:3.20 AS base
LABEL org.opencontainers.image.source="https://github.com/example/app"

FROM base
ARG REVISION=0123456789abcdef0123456789abcdef01234567
LABEL org.opencontainers.image.revision=$REVISION
COPY app /usr/local/bin/app
```
"""

from __future__ import annotations

from docklint.checks import foreign_instructions
from docklint.labels import SCHEMA_OPTION, final_images, label_keys_in_chain, \
    schema_from
from docklint.rule import Finding, Severity, rule

# the options the documentation's Example and Use instead are linted with (a docs test reads it)
EXAMPLE_OPTIONS = {"label-schema": {"org.opencontainers.image.source": "url",
                                    "org.opencontainers.image.revision": "hash"}}


@rule("DK607", "label-missing", Severity.INFO, tags={"metadata"}, aliases=("DL3049",),
      options={"label-schema": SCHEMA_OPTION},
      off_unless="label-schema")
def check(df, options):
    schema = schema_from(options)
    target = df.target
    if not schema or target is None or foreign_instructions(df):
        return
    finals = final_images(df)
    for stage in finals:
        keys, unknown = label_keys_in_chain(df, stage.index)
        if unknown:
            continue
        chain = df.graph.chain(stage.index)
        stages = "" if len(chain) == 1 else \
            " (set in none of its stages: " + ", ".join(s.label for s in chain) + ")"
        what = "the final image" if stage is target else \
            f"the image of stage `{stage.label}` (no other stage builds on it or copies from " \
            f"it, so a build with `--target` produces it)"
        for label, typ in schema.items():
            if label not in keys:
                yield Finding(stage.from_.span,
                              f"{what} has no label `{label}`{stages}, which the label "
                              f"schema requires (type `{typ}`); add `LABEL {label}=...`")
