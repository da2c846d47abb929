"""The final image lacks a label that the label schema requires.

## What it does
Does nothing until the option `label-schema` lists labels (hadolint's configuration key of the
same name is read too). Then every label of the schema must be set on the image the build
produces: by a `LABEL` in the target stage, in a stage of this Dockerfile it is built `FROM`
(a stage keeps the labels of its base stage), or by an `ONBUILD LABEL` of such a base stage.
One finding per missing label, at the target's `FROM`. A label set to an empty value counts as
present here; DK609 reports the empty value.

Labels the external base image already carries, and labels added with `docker build --label`,
are not known to docklint and do not count. A `LABEL` whose key depends on a build argument
with no value may set any label, so the rule stays quiet when one is in the chain, and so it
does when the file's `# syntax=` names another frontend and the file uses an instruction
BuildKit's Dockerfile frontend does not have (such as `INCLUDE`), which may set any label.

hadolint's DL3049 (accepted as an alias) checks every stage of the file except named stages
that a `COPY --from` reads. docklint checks only the image the build produces, the target (the
last stage, or `--target`) and the stages it is built on: labels on a builder stage never reach
anyone, so asking for them there is noise.

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
from docklint.labels import SCHEMA_OPTION, label_keys_in_chain, schema_from
from docklint.rule import Finding, Severity, rule

# the options the documentation's Example and Use instead are linted with (a docs test reads it)
EXAMPLE_OPTIONS = {"label-schema": {"org.opencontainers.image.source": "url",
                                    "org.opencontainers.image.revision": "hash"}}


@rule("DK607", "label-missing", Severity.INFO, tags={"metadata"}, aliases=("DL3049",),
      options={"label-schema": SCHEMA_OPTION})
def check(df, options):
    schema = schema_from(options)
    target = df.target
    if not schema or target is None or foreign_instructions(df):
        return
    keys, unknown = label_keys_in_chain(df, target.index)
    if unknown:
        return
    chain = df.graph.chain(target.index)
    stages = "" if len(chain) == 1 else \
        " (set in none of its stages: " + ", ".join(s.label for s in chain) + ")"
    for label, typ in schema.items():
        if label not in keys:
            yield Finding(target.from_.span,
                          f"the final image has no label `{label}`{stages}, which the label "
                          f"schema requires (type `{typ}`); add `LABEL {label}=...`")
