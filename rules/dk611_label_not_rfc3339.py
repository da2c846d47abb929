"""A label the label schema types `rfc3339` does not hold an RFC 3339 timestamp.

## What it does
Does nothing until the option `label-schema` gives some label the type `rfc3339`. Then a
`LABEL` (in any stage) that sets that label to something other than an RFC 3339 date and time
is reported at the value. The value needs a full date, a `T`, the time with seconds (a
fraction is allowed), and a time zone: `Z` or an offset such as `+02:00`. Every field must be
in range, so `2023-02-29` is refused. Values are read after `ARG` and `ENV` substitution;
values that depend on a build argument with no value, and empty values (DK609), are left alone.

Under ONBUILD: an `ONBUILD LABEL` trigger is checked too, at its value in the ONBUILD line:
the images built FROM this one get the label. Its variables are expanded when that build runs,
with this image's `ENV` values only; a value built from anything else is unknown and left alone.

## Differences from hadolint
Same format as hadolint's DL3053. hadolint reads the value as written: it reports every
`$VARIABLE` value, even one CI fills with a good value through a build argument, and misses a
bad default. docklint checks the value the label gets after `ARG` and `ENV` substitution, and
leaves alone one that depends on a build argument with no value. hadolint does not look inside
`ONBUILD`; docklint checks `ONBUILD LABEL` triggers too.

## Why is this bad?
`org.opencontainers.image.created` is defined as an RFC 3339 timestamp, and tools that sort or
expire images by it parse it as one. A date alone, a missing time zone or `date`'s default
output (`Tue May  7 12:00:00 UTC 2024`) is unreadable to them or, worse, read in the wrong zone.
Generate it with `date -u +%Y-%m-%dT%H:%M:%SZ`.

## Example
With this configuration (`.docklint.yaml`):
```yaml
label-schema:
  org.opencontainers.image.created: rfc3339
```
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.created="2024-05-07 12:00"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.created="2024-05-07T12:00:00Z"
```
"""

from __future__ import annotations

from docklint.labels import SCHEMA_OPTION, check_values
from docklint.rule import Severity, rule

# the options the documentation's Example and Use instead are linted with (a docs test reads it)
EXAMPLE_OPTIONS = {"label-schema": {"org.opencontainers.image.created": "rfc3339"}}


@rule("DK611", "label-not-rfc3339", Severity.WARNING, tags={"metadata"}, aliases=("DL3053",),
      options={"label-schema": SCHEMA_OPTION}, triggers=("LABEL",))
def check(df, options):
    yield from check_values(df, options, "rfc3339",
                            "an RFC 3339 timestamp such as `2024-05-07T12:00:00Z`")
