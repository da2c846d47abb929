"""A label that the label schema does not list, with strict labels on.

## What it does
Does nothing unless the option `strict-labels` is true (hadolint's configuration key of the same
name is read too). Then every key a `LABEL` sets, in any stage, must be one of the labels of the
option `label-schema`; each other key is reported where it is written. With `strict-labels` on
and an empty schema, no label is allowed at all. Keys are compared exactly, after build
arguments are substituted; a key that depends on a build argument with no value is left alone.

Under ONBUILD: the keys of an `ONBUILD LABEL` trigger are checked too, at the key in the
ONBUILD line: the images built FROM this one get those labels. A key built from a variable
that only that build can give a value (anything but this image's `ENV`) is left alone.

## Differences from hadolint
Same trigger as hadolint's DL3050 (a key not in the schema, with `strict-labels` on), but
reported per key, at the key, instead of once per `LABEL` instruction, so that the position
shows which key is extra. hadolint compares keys as written and does not look inside
`ONBUILD`; docklint substitutes build arguments in keys and checks `ONBUILD LABEL` triggers.

## Why is this bad?
A strict schema keeps image metadata to an agreed vocabulary: a misspelt key
(`org.opencontainers.image.licence`) or a private one nobody reads is caught at review time,
not when a dashboard shows an empty column.

## Example
With this configuration (`.docklint.yaml`):
```yaml
strict-labels: true
label-schema:
  org.opencontainers.image.source: url
  org.opencontainers.image.licenses: spdx
```
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.source="https://github.com/example/app" \
      org.opencontainers.image.licence="MIT"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.source="https://github.com/example/app" \
      org.opencontainers.image.licenses="MIT"
```
"""

from __future__ import annotations

from docklint.labels import SCHEMA_OPTION, STRICT_OPTION, in_trigger, label_settings, \
    schema_from
from docklint.model import closest
from docklint.rule import Finding, Severity, rule

# the options the documentation's Example and Use instead are linted with (a docs test reads it)
EXAMPLE_OPTIONS = {"strict-labels": True,
                   "label-schema": {"org.opencontainers.image.source": "url",
                                    "org.opencontainers.image.licenses": "spdx"}}


@rule("DK608", "label-superfluous", Severity.INFO, tags={"metadata"}, aliases=("DL3050",),
      options={"label-schema": SCHEMA_OPTION, "strict-labels": STRICT_OPTION}, triggers=("LABEL",),
      off_unless="strict-labels")
def check(df, options):
    if options.get("strict-labels") is not True:
        return
    schema = schema_from(options)
    for item in label_settings(df, triggers=True):
        if item.key is None or item.key in schema:
            continue
        near = closest(item.key, schema, df.spelling_budget)
        hint = f"; did you mean `{near}`?" if near else ""
        yield Finding(item.key_word.span,
                      f"label `{item.key}` is not in the label schema, and strict labels are "
                      f"on{hint}{in_trigger(item)}")
