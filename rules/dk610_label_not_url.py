"""A label the label schema types `url` does not hold a URL.

## What it does
Does nothing until the option `label-schema` gives some label the type `url`. Then a `LABEL`
(in any stage) that sets that label to something other than an absolute URI is reported at the
value: it needs a scheme (`https:`), and only characters a URI may contain (a space, for one,
must be written `%20`). For `http`, `https`, `ftp`, `ws` and their secure forms, a host is
required too (`https://` alone is not enough). Values are read after `ARG` and `ENV`
substitution; values that depend on a build argument with no value, and empty values (DK609),
are left alone.

Under ONBUILD: an `ONBUILD LABEL` trigger is checked too, at its value in the ONBUILD line:
the images built FROM this one get the label. Its variables are expanded when that build runs,
with this image's `ENV` values only; a value built from anything else is unknown and left alone.

## Differences from hadolint
hadolint's DL3052 accepts any string its URI parser takes, `http:` with no host included;
docklint requires a host for the web schemes. hadolint reads the value as written: it reports
every `$VARIABLE` value, even one CI fills with a good value through a build argument, and
misses a bad default. docklint checks the value the label gets after `ARG` and `ENV`
substitution, and leaves alone one that depends on a build argument with no value. hadolint
does not look inside `ONBUILD`; docklint checks `ONBUILD LABEL` triggers too.

## Why is this bad?
Tools follow these labels: a registry links `org.opencontainers.image.source` to the code, and
Renovate and Dependabot use it to find release notes. `github.com/example/app` without a scheme
is a relative path to them, and the link goes nowhere.

## Example
With this configuration (`.docklint.yaml`):
```yaml
label-schema:
  org.opencontainers.image.source: url
```
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.source="github.com/example/app"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.source="https://github.com/example/app"
```
"""

from __future__ import annotations

from docklint.labels import SCHEMA_OPTION, check_values
from docklint.rule import Severity, rule

# the options the documentation's Example and Use instead are linted with (a docs test reads it)
EXAMPLE_OPTIONS = {"label-schema": {"org.opencontainers.image.source": "url"}}


@rule("DK610", "label-not-url", Severity.WARNING, tags={"metadata"}, aliases=("DL3052",),
      options={"label-schema": SCHEMA_OPTION}, triggers=("LABEL",))
def check(df, options):
    yield from check_values(df, options, "url", "an absolute URL such as `https://host/path`")
