r"""A LABEL key that does not follow Docker's label key format.

## What it does
Fires on each `LABEL` key (after quote removal and ARG/ENV substitution) that

- has upper-case letters (`Maintainer`, `Version`),
- has characters other than lower-case letters, digits, `.`, `-`, `_` and `/`,
- does not start with a letter or does not end with a letter or digit,
- has `..` or `--` in it,
- or is in a namespace Docker reserves for itself: `com.docker.`, `io.docker.`,
  `org.dockerproject.`.

It reports the key and says what is wrong with it. These are hadolint's DL3048 conditions, with
one exception: the `com.docker.desktop.extension.*` and `com.docker.extension.*` keys, which
Docker's own documentation tells Docker Desktop extension authors to set, are accepted. A key
that depends on a build argument without a value is skipped.

## Why is this bad?
Docker's guidelines ask for lower-case, reverse-DNS label keys (`org.opencontainers.image.
version`, `com.example.team`) so that labels from different tools do not collide and can be
queried reliably: `docker image ls --filter label=...` matches keys exactly, so `Version` and
`version` are two different labels. Reserved namespaces may be overwritten by Docker.

## Example
```dockerfile
FROM alpine:3.20
LABEL Maintainer="team@example.com" Version=1.4
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.authors="team@example.com" \
      org.opencontainers.image.version=1.4
```
"""

from __future__ import annotations

from docklint.checks import has_parse_error, label_key_problems
from docklint.rule import Finding, Severity, rule


@rule("DK606", "invalid-label-key", Severity.INFO, tags={"style"}, aliases=("DL3048",))
def check(df, options):
    for stage in df.stages:
        for ins in stage.instructions:
            if ins.keyword != "LABEL" or has_parse_error(df, ins):
                continue
            env = stage.env_before(ins)
            for key, _value, _sep in ins.pairs():
                name = df.expand(key.value, env).value
                if name is None:
                    continue
                problems = label_key_problems(name)
                if problems:
                    yield Finding(key.span, f"label key `{name}` {'; '.join(problems)}: use "
                                            "lower-case reverse-DNS keys such as "
                                            "`org.opencontainers.image.title`")
