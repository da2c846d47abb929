"""The final image's base is one docklint knows nothing about, so its runtime checks were skipped.

## What it does
Reports, once per file, at the `FROM` the final image starts from, when docklint cannot tell what
is in that base image:
- an image neither docklint's base-image data nor the configuration's `images:` key describes
  (a private image such as `registry.corp.example/platform/base:3`, or a public one whose
  repository docklint has no rows for, such as `nginx`);
- a base given by a variable with no value (`FROM ${BASE_IMAGE}` where the ARG has no default
  and no `--build-arg` or `build-args:` sets it).

The message says what was skipped and how to describe the image. A base that is `scratch`, a
known image, or an image the configuration declares is not reported, nor a Windows image (a
`--platform=windows/...`, a base whose name says so such as `mcr.microsoft.com/windows/...` or
`dotnet/framework`, or a file written with the backtick escape: the runtime checks are about
Linux images), nor a file that has no `FROM` at all (DK000 says that). Nor is a tag docklint
cannot place of a repository it does know (`php:8.4-fpm`, `ubuntu:resolute`): the runtime
checks are skipped there too, but filling that gap is docklint's data's job, not a line in
your configuration. It is info: nothing is wrong with the Dockerfile.

## Why is this bad?
docklint's runtime checks (a CA bundle for HTTPS calls, a shell for shell-form `CMD`, the users
of `/etc/passwd` for a named `USER`, the right libc for a dynamic binary, tzdata) and its size
checks rest on facts about the final base image. docklint never guesses at an image it does not
know, so for such a base those checks stay silent, and without this finding a clean report
would look like a clean image. Describing the image turns them on:
```yaml
# .docklint.yaml
images:
  "registry.corp.example/platform/base:*":
    like: debian:12-slim        # or the facts themselves: shell, libc, ca-bundle, users...
```
`docklint image learn IMAGE.tar --name registry.corp.example/platform/base:3` prints such an
entry from the archive `docker save` (or `podman save`, or an OCI layout) writes, and
`docklint image list` shows the images docklint knows.

## Example
```dockerfile
FROM registry.corp.example/platform/base:3
COPY app /app
CMD ["/app"]
```

## Use instead
Describe the image in the configuration (see above), or build on an image docklint knows:
```dockerfile
FROM gcr.io/distroless/static-debian12
COPY app /app
CMD ["/app"]
```
"""

from __future__ import annotations

from docklint import images
from docklint.facts import facts_of
from docklint.rule import Finding, Severity, rule

_SKIPPED = ("the runtime checks (CA bundle, shell, /etc/passwd users, libc, tzdata) and the "
            "size checks were skipped for it")


@rule("DK310", "unknown-final-base", Severity.INFO, tags={"runtime"})
def check(df, options):
    target = df.target
    if target is None or target.implicit:
        return
    chain = df.graph.chain(target.index)
    if not chain:
        return
    root = chain[-1]
    base = root.base
    if base.kind == "unresolved":
        names = ", ".join(f"`{n}`" for n in base.unresolved) or "a variable"
        first = base.unresolved[0] if base.unresolved else "NAME"
        yield Finding(base.span, f"the final image's base `{base.raw}` is not known before the "
                                 f"build ({names} has no value), so {_SKIPPED}; give it a value "
                                 f"to check it (`--build-arg {first}=IMAGE`, or `build-args:` "
                                 "in .docklint.yaml)")
        return
    if base.kind != "image" or base.image is None or not base.image.valid:
        return
    if facts_of(df).base_facts(root.index) is not None or df.windows(target.index):
        return                  # known; or Windows, where the runtime checks do not apply
    if images.knows_repository(base.image):
        return                  # a tag of a known image: a gap in docklint's data, not yours
    yield Finding(base.span, f"docklint does not know the final image's base `{base.text}`, so "
                             f"{_SKIPPED}; describe it under `images:` in .docklint.yaml "
                             "(`docklint image learn` prints the entry from a `docker save` "
                             "archive)")
