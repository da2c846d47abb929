"""A label the label schema types `email` does not hold an email address.

## What it does
Does nothing until the option `label-schema` gives some label the type `email`. Then a `LABEL`
(in any stage) whose value for that label is not an RFC 5322 address is reported at the value.
docklint accepts a bare address (`team@example.com`), an address with a display name
(`Jane Doe <jane@example.com>`), and several of those separated by commas. Values are read
after `ARG` and `ENV` substitution; values that depend on a build argument with no value, and
empty values (DK609), are left alone.

Under ONBUILD: an `ONBUILD LABEL` trigger is checked too, at its value in the ONBUILD line:
the images built FROM this one get the label. Its variables are expanded when that build runs,
with this image's `ENV` values only; a value built from anything else is unknown and left alone.

## Differences from hadolint
hadolint's DL3058 accepts only a bare address, so it reports the common `Name <address>` form,
which docklint accepts. hadolint reads the value as written: it reports every `$VARIABLE`
value, even one CI fills with a good value through a build argument, and misses a bad default.
docklint checks the value the label gets after `ARG` and `ENV` substitution, and leaves alone
one that depends on a build argument with no value. hadolint does not look inside `ONBUILD`;
docklint checks `ONBUILD LABEL` triggers too.

## Why is this bad?
A contact label is only useful if a tool or a person can write to it: alerting and ownership
tools send mail to it, and a value such as `Platform team` or `jane at example.com` goes
nowhere.

## Example
With this configuration (`.docklint.yaml`):
```yaml
label-schema:
  maintainer: email
```
```dockerfile
FROM alpine:3.20
LABEL maintainer="Platform team"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL maintainer="Platform team <platform@example.com>"
```
"""

from __future__ import annotations

from docklint.labels import SCHEMA_OPTION, check_values
from docklint.rule import Severity, rule

# the options the documentation's Example and Use instead are linted with (a docs test reads it)
EXAMPLE_OPTIONS = {"label-schema": {"maintainer": "email"}}


@rule("DK616", "label-not-email", Severity.WARNING, tags={"metadata"}, aliases=("DL3058",),
      options={"label-schema": SCHEMA_OPTION}, triggers=("LABEL",))
def check(df, options):
    yield from check_values(df, options, "email",
                            "an email address such as `team@example.com` or "
                            "`Name <team@example.com>`")
