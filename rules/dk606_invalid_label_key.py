r"""A LABEL key that does not follow Docker's label key format.

## What it does
Fires on each `LABEL` key (after quote removal and ARG/ENV substitution) that

- has upper-case letters (`Maintainer`, `Version`),
- has characters other than lower-case letters, digits, `.`, `-`, `_` and `/`,
- does not start with a letter or does not end with a letter or digit,
- has `..` or `--` in it,
- or is in a namespace Docker reserves for itself: `com.docker.`, `io.docker.`,
  `org.dockerproject.`.

It reports the key and says what is wrong with it. A key built from a variable that has no
value at that point (`LABEL a$b=1` where `b` is not set, `LABEL ${NS}.tier=web` with `ARG NS`
without a default) is reported as having a `$` in it: its name is not known until the build.

Under ONBUILD: an `ONBUILD LABEL` trigger's keys are checked the same way, at the key in the
ONBUILD line, since the images built FROM this one get those labels. Variables in a trigger are
expanded when that build runs, with this image's `ENV` values: a key built from anything else
(an `ARG`, the base image's environment) is not known here and is left alone.

## Differences from hadolint
These are hadolint's DL3048 conditions, with three differences:

- the `com.docker.desktop.extension.*` and `com.docker.extension.*` keys, which Docker's own
  documentation tells Docker Desktop extension authors to set, are accepted;
- a key with a variable whose value docklint knows (`ARG NS=com.example` then
  `LABEL ${NS}.tier=web`) is judged by the key BuildKit sets, `com.example.tier`, not by the
  `$` and braces as written (hadolint reports every `$`);
- `ONBUILD LABEL` keys are checked too (hadolint does not look inside ONBUILD).

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


@rule("DK606", "invalid-label-key", Severity.INFO, tags={"style"}, aliases=("DL3048",),
      triggers=("LABEL",))
def check(df, options):
    for stage in df.stages:
        for holder in stage.instructions:
            ins = holder.effective
            if ins.keyword != "LABEL" or has_parse_error(df, holder):
                continue
            trigger = ins is not holder
            env = stage.trigger_env() if trigger else stage.env_before(holder)
            where = " (in an ONBUILD trigger: images built FROM this one get this label)" \
                if trigger else ""
            for key, _value, _sep in ins.pairs():
                exp = df.expand(key.value, env)
                name = exp.value
                if name is None:
                    if trigger:
                        continue        # the build FROM this image may well give it a value
                    names = ", ".join(f"`{n}`" for n in dict.fromkeys(exp.unresolved)) or \
                        "a variable"
                    yield Finding(key.span, f"label key `{key.value}` has `$` in it: it is "
                                            f"built from {names}, which has no value here, so "
                                            "the key is not known until the build; use a fixed, "
                                            "lower-case reverse-DNS key such as "
                                            "`org.opencontainers.image.title`")
                    continue
                problems = label_key_problems(name)
                if problems:
                    yield Finding(key.span, f"label key `{name}` {'; '.join(problems)}: use "
                                            "lower-case reverse-DNS keys such as "
                                            f"`org.opencontainers.image.title`{where}")
