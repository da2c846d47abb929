"""A label the label schema types `semver` does not hold a semantic version.

## What it does
Does nothing until the option `label-schema` gives some label the type `semver`. Then a
`LABEL` (in any stage) whose value for that label is not a Semantic Versioning 2.0.0 version is
reported at the value: three numbers without leading zeros (`1.4.0`), optionally followed by a
pre-release (`-rc.1`) and build metadata (`+build.7`). A leading `v` (`v1.4.0`) and two-part
versions (`1.4`) are not semantic versions. Values are read after `ARG` and `ENV`
substitution; values that depend on a build argument with no value, and empty values (DK609),
are left alone.

Under ONBUILD: an `ONBUILD LABEL` trigger is checked too, at its value in the ONBUILD line:
the images built FROM this one get the label. Its variables are expanded when that build runs,
with this image's `ENV` values only; a value built from anything else is unknown and left alone.

## Differences from hadolint
Same format as hadolint's DL3056. hadolint reads the value as written: it reports every
`$VARIABLE` value, even one CI fills with a good value through a build argument, and misses a
bad default. docklint checks the value the label gets after `ARG` and `ENV` substitution, and
leaves alone one that depends on a build argument with no value. hadolint does not look inside
`ONBUILD`; docklint checks `ONBUILD LABEL` triggers too.

## Why is this bad?
A team that declares the version label `semver` has tools that compare versions: promotion
pipelines, update bots, vulnerability databases. `latest`, `v2` or a date cannot be ordered
against `2.1.0`, so those tools skip the image or order it wrongly.

## Example
With this configuration (`.docklint.yaml`):
```yaml
label-schema:
  org.opencontainers.image.version: semver
```
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="v2.1"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="2.1.0"
```
"""

from __future__ import annotations

from docklint.labels import SCHEMA_OPTION, check_values
from docklint.rule import Severity, rule

# the options the documentation's Example and Use instead are linted with (a docs test reads it)
EXAMPLE_OPTIONS = {"label-schema": {"org.opencontainers.image.version": "semver"}}


@rule("DK614", "label-not-semver", Severity.WARNING, tags={"metadata"}, aliases=("DL3056",),
      options={"label-schema": SCHEMA_OPTION}, triggers=("LABEL",))
def check(df, options):
    yield from check_values(df, options, "semver",
                            "a semantic version such as `1.4.0` or `2.0.0-rc.1`")
