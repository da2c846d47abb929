"""A label the label schema types `spdx` does not hold an SPDX license expression.

## What it does
Does nothing until the option `label-schema` gives some label the type `spdx`. Then a `LABEL`
(in any stage) whose value for that label is not an SPDX license expression is reported at the
value. An expression is a license identifier from the SPDX License List (`MIT`, `Apache-2.0`;
letter case does not matter), a `LicenseRef-...` of your own, or several of those joined with
`AND`, `OR`, `WITH` an exception identifier, and parentheses; the operators are upper case.
Values are read after `ARG` and `ENV` substitution; values that depend on a build argument with
no value, and empty values (DK609), are left alone.

Under ONBUILD: an `ONBUILD LABEL` trigger is checked too, at its value in the ONBUILD line:
the images built FROM this one get the label. Its variables are expanded when that build runs,
with this image's `ENV` values only; a value built from anything else is unknown and left alone.

## Differences from hadolint
hadolint's DL3054 accepts only a single license identifier, so it reports `Apache-2.0 OR MIT`.
docklint accepts a full expression, because that is what `org.opencontainers.image.licenses` is
defined to hold. hadolint reads the value as written: it reports every `$VARIABLE` value, even
one CI fills with a good value through a build argument, and misses a bad default. docklint
checks the value the label gets after `ARG` and `ENV` substitution, and leaves alone one that
depends on a build argument with no value. hadolint does not look inside `ONBUILD`; docklint
checks `ONBUILD LABEL` triggers too.

## Why is this bad?
License scanners and SBOM tools read this label to decide whether an image may be shipped.
`Apache 2`, `BSD` or `GPLv3` are not identifiers any of them can match, so the image ends up
with an unknown license, which usually means a manual review or a blocked release.

## Example
With this configuration (`.docklint.yaml`):
```yaml
label-schema:
  org.opencontainers.image.licenses: spdx
```
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.licenses="Apache 2"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.licenses="Apache-2.0 OR MIT"
```
"""

from __future__ import annotations

from docklint.labels import SCHEMA_OPTION, check_values
from docklint.rule import Severity, rule

# the options the documentation's Example and Use instead are linted with (a docs test reads it)
EXAMPLE_OPTIONS = {"label-schema": {"org.opencontainers.image.licenses": "spdx"}}


@rule("DK612", "label-not-spdx", Severity.WARNING, tags={"metadata"}, aliases=("DL3054",),
      options={"label-schema": SCHEMA_OPTION}, triggers=("LABEL",))
def check(df, options):
    yield from check_values(df, options, "spdx",
                            "an SPDX license expression such as `MIT` or `Apache-2.0 OR MIT`")
