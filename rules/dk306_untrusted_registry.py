"""An image comes from a registry that is not on the trusted list.

## What it does
Does nothing until the option `trusted-registries` lists at least one registry. Then every
external image the build pulls (each `FROM` base, `COPY --from=<image>` and
`RUN --mount=...,from=<image>`, after build arguments are substituted) must come from a listed
registry; the finding points at the image reference.

A reference without a registry host (`golang:1.22`, `bitnami/redis`) is a Docker Hub image and
counts as `docker.io`; listing any of Docker Hub's names (`docker.io`, `index.docker.io`,
`registry-1.docker.io`, `hub.docker.com`) trusts it. Patterns match the registry host, ignoring
case: `*` matches everything, `*.example.com` any subdomain of example.com (but not
`example.com` itself: list both to trust both), `registry.example*`
anything that starts with `registry.example`, and anything else the exact host. A registry with
a port is matched with its port (`localhost:5000`), so list it that way or use `localhost*`.
Stage names, `scratch` and references that depend on a build argument with no value are left
alone, and so is a bare name in `COPY --from=name` or a mount's `from=name` (no `/`, `:` or
`@`): BuildKit takes it for a named build context (`--build-context name=...`, bake's
`contexts`) when the build passes one, and only otherwise for a Docker Hub image (DK201 warns
about it). Without `--target` every stage is checked; with `--target`, only the stages its build
reaches.

Under ONBUILD: `ONBUILD FROM` is refused (DK000), but the images an `ONBUILD COPY --from=` or
`ONBUILD RUN --mount=...,from=` trigger pulls are checked like those of a COPY or RUN (the
finding points inside the trigger). Where a stage of this file is built `FROM` the trigger's
stage, the reference is read as that stage's build reads it (once, however many stages run the
trigger); where only other builds run it, only a reference that must be an image (it has a
`/`, `:` or `@`) and uses no variable (expanded in that build) is checked.

The option takes a list in a configuration file, or a comma-separated string on the command
line (`--rule-option DK306.trusted-registries=docker.io,registry.example.com`).

## Why is this bad?
Teams that restrict where images come from do so because a base image runs with full trust in
every build and every deploy: an image from an unvetted registry can carry anything, and a
typo in a registry name can pull from someone else's. The list turns that policy into a check
that runs before the image is built.

## Differences from hadolint
Same trigger as hadolint's DL3026 (`trustedRegistries`, the same wildcards, Docker Hub names,
`scratch` and stage aliases exempt), with these differences: docklint substitutes `ARG` values
first, so `FROM $REGISTRY/app:1.0` is checked against the registry the build will actually use;
it leaves a bare `--from=name` (a possible build context) to DK201; it checks ONBUILD triggers,
which DL3026 does not look inside; and with `--target` it checks only the stages that build
reaches.

## Example
With this configuration (`.docklint.yaml`), Docker Hub is not trusted:
```yaml
trusted-registries: [registry.example.com]
```
```dockerfile
FROM python:3.12-slim
COPY app.py /app/
CMD ["python", "/app/app.py"]
```

## Use instead
```dockerfile
FROM registry.example.com/mirror/python:3.12-slim
COPY app.py /app/
CMD ["python", "/app/app.py"]
```
"""

from __future__ import annotations

import fnmatch

from docklint.facts.pulls import all_pulls
from docklint.imageref import DOCKER_HUB
from docklint.rule import Finding, Option, Severity, rule

# the options the documentation's Example and Use instead are linted with (a docs test reads it)
EXAMPLE_OPTIONS = {"trusted-registries": ["registry.example.com"]}

_HUB_NAMES = {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com",
              "hub.docker.com"}


@rule("DK306", "untrusted-registry", Severity.ERROR, tags={"security"}, aliases=("DL3026",),
      options={"trusted-registries": Option(
          default=[], type=(list, str),
          help="registries images may come from (patterns: `*.example.com`, `prefix*`); "
               "Docker Hub images count as docker.io; empty turns the rule off")},
      off_unless="trusted-registries")
def check(df, options):
    patterns = _patterns(options.get("trusted-registries"))
    if not patterns:
        return
    for pull in all_pulls(df):
        if pull.kind != "from" and not any(c in pull.image.raw for c in "/:@"):
            continue        # a bare `--from=name`: maybe a build context (DK201 says so)
        registry = pull.image.registry.lower()
        if any(_matches(registry, p) for p in patterns):
            continue
        where = "Docker Hub (`docker.io`)" if registry == DOCKER_HUB else f"`{registry}`"
        written = f"`{pull.raw}`" if pull.raw == pull.image.raw else \
            f"`{pull.raw}` (resolved to `{pull.image.raw}`)"
        yield Finding(pull.span, f"{pull.what} {written} comes from {where}, which is not "
                                 f"among the trusted registries ({', '.join(patterns)})")


def _patterns(value) -> list[str]:
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    return [item.strip() for item in items if item.strip()]


def _matches(registry: str, pattern: str) -> bool:
    pattern = pattern.lower().rstrip("/")
    if pattern in _HUB_NAMES:
        pattern = DOCKER_HUB
    if pattern == "*":
        return True
    if pattern.startswith("*."):
        return registry.endswith(pattern[1:])
    if pattern.endswith("*") and "*" not in pattern[:-1]:
        return registry.startswith(pattern[:-1])
    if "*" in pattern or "?" in pattern:
        return fnmatch.fnmatchcase(registry, pattern)
    return registry == pattern
