"""A label the label schema types `hash` does not hold a git commit id.

## What it does
Does nothing until the option `label-schema` gives some label the type `hash`. Then a `LABEL`
(in any stage) whose value for that label is not a git commit id is reported at the value: 7 to
40 lowercase hexadecimal digits (an abbreviated or full SHA-1 id), or 64 (a repository using
SHA-256). Values are read after `ARG` and `ENV` substitution, so a placeholder default such as
`ARG REVISION=unknown` is reported; a bare `ARG REVISION` (no default) is unknown and left
alone, as are empty values (DK609).

Under ONBUILD: an `ONBUILD LABEL` trigger is checked too, at its value in the ONBUILD line:
the images built FROM this one get the label. Its variables are expanded when that build runs,
with this image's `ENV` values only; a value built from anything else is unknown and left alone.

## Differences from hadolint
hadolint's DL3055 accepts exactly 7 or 40 digits; docklint also accepts the longer
abbreviations git prints when 7 digits are ambiguous, and SHA-256 ids. hadolint reads the value
as written: it reports every `$VARIABLE` value, even one CI fills with a good value through a
build argument, and misses a bad default. docklint checks the value the label gets after `ARG`
and `ENV` substitution, and leaves alone one that depends on a build argument with no value.
hadolint does not look inside `ONBUILD`; docklint checks `ONBUILD LABEL` triggers too.

## Why is this bad?
The revision label is how an image is traced back to the commit that built it. A branch name,
a tag or `HEAD` moves over time, and a placeholder says nothing, so the trace is lost exactly
when it is needed: while debugging a running image.

## Example
With this configuration (`.docklint.yaml`):
```yaml
label-schema:
  org.opencontainers.image.revision: hash
```
```dockerfile
FROM alpine:3.20
ARG REVISION=main
LABEL org.opencontainers.image.revision=$REVISION
```

## Use instead
```dockerfile
FROM alpine:3.20
ARG REVISION
LABEL org.opencontainers.image.revision=$REVISION
```
"""

from __future__ import annotations

from docklint.labels import SCHEMA_OPTION, check_values
from docklint.rule import Severity, rule

# the options the documentation's Example and Use instead are linted with (a docs test reads it)
EXAMPLE_OPTIONS = {"label-schema": {"org.opencontainers.image.revision": "hash"}}


@rule("DK613", "label-not-git-hash", Severity.WARNING, tags={"metadata"}, aliases=("DL3055",),
      options={"label-schema": SCHEMA_OPTION}, triggers=("LABEL",))
def check(df, options):
    yield from check_values(df, options, "hash",
                            "a git commit id of 7 to 40 lowercase hex digits")
