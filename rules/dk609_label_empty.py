"""A label of the label schema is set to an empty value.

## What it does
Does nothing until the option `label-schema` lists labels. Then a `LABEL` (in any stage) that
sets one of them to an empty value is reported, whatever the label's type. Values are read the
way the builder expands them, with the stage's `ARG` and `ENV` values: `LABEL version=$VERSION`
after `ARG VERSION=` is empty, while after a bare `ARG VERSION` (no default and no build
argument given to docklint) it is unknown and left alone. The format rules (DK610-DK616)
leave empty values to this rule.

Under ONBUILD: an `ONBUILD LABEL` trigger is checked too, at its value in the ONBUILD line:
the images built FROM this one get the empty label. Its variables are expanded when that build
runs, with this image's `ENV` values only; a value built from anything else is unknown and
left alone.

## Differences from hadolint
hadolint's DL3051 reads the value as written: it reports `""` but not `$EMPTY` after
`ARG EMPTY=`, which docklint reports; both leave alone a variable whose value only the build
gives. hadolint does not look inside `ONBUILD`; docklint checks `ONBUILD LABEL` triggers too.

## Why is this bad?
An empty required label is worse than a missing one: it passes a presence check while telling
the reader nothing. It usually means a build argument that CI was supposed to pass was
forgotten.

## Example
With this configuration (`.docklint.yaml`):
```yaml
label-schema:
  org.opencontainers.image.version: semver
```
```dockerfile
FROM alpine:3.20
ARG VERSION=""
LABEL org.opencontainers.image.version=$VERSION
```

## Use instead
```dockerfile
FROM alpine:3.20
ARG VERSION=1.4.0
LABEL org.opencontainers.image.version=$VERSION
```
"""

from __future__ import annotations

from docklint.labels import SCHEMA_OPTION, in_trigger, label_settings, schema_from
from docklint.rule import Finding, Severity, rule

# the options the documentation's Example and Use instead are linted with (a docs test reads it)
EXAMPLE_OPTIONS = {"label-schema": {"org.opencontainers.image.version": "semver"}}


@rule("DK609", "label-empty", Severity.WARNING, tags={"metadata"}, aliases=("DL3051",),
      options={"label-schema": SCHEMA_OPTION}, triggers=("LABEL",), off_unless="label-schema")
def check(df, options):
    schema = schema_from(options)
    if not schema:
        return
    for item in label_settings(df, triggers=True):
        if item.key not in schema or item.value != "":
            continue
        word = item.value_word if len(item.value_word.span) else item.key_word
        how = f" (`{item.raw_value}` expands to nothing)" if "$" in item.raw_value else ""
        yield Finding(word.span, f"label `{item.key}` of the label schema is empty{how}; give "
                                 f"it a value or drop it{in_trigger(item)}")
