"""The final image has no HEALTHCHECK.

## What it does
Off by default; enable it where images run under an engine that uses Docker health checks
(Docker itself, Compose, Swarm). It fires when no `HEALTHCHECK` is in effect for the image the
build produces: neither the target stage nor any stage its `FROM` chain leads through has one
(an `ONBUILD HEALTHCHECK` of such a stage counts, and so does `HEALTHCHECK NONE`, which is a
deliberate choice). It reports the target's `FROM`, and likewise the `FROM` of any other
image the file produces: without `--target`, every stage that no other stage builds on,
copies from or mounts is one (`docker build --target` stops there), as DK607 counts them.

## Differences from hadolint
hadolint's DL3057 checks every stage. docklint checks only the images that ship, the target
stage (the last one, or `--target`) and the other final stages, each with its chain: a builder
stage whose files are copied out never runs as a container, so a health check there would be
dead weight. A `HEALTHCHECK` the
base image itself declares is not known to docklint (it does not pull images); silence the rule
for such files, or write `HEALTHCHECK` again to make it visible. Nor is what an instruction of
another frontend adds (a file whose `# syntax=` names another frontend and that uses an
instruction BuildKit's Dockerfile frontend does not have, such as `INCLUDE`): the rule stays
quiet there. So it does where the target has no image at all: a fragment without a `FROM` (its
instructions form an implicit stage, see DK000) or a `FROM` without an image.

## Why is this bad?
Without a health check, the engine only knows whether the main process is alive, not whether it
still answers: a deadlocked server stays "running" forever and is never restarted or taken out
of rotation.

## Example
```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
```

## Use instead
```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
```
"""

from __future__ import annotations

from docklint.checks import foreign_instructions
from docklint.labels import final_images
from docklint.rule import Finding, Severity, rule


@rule("DK615", "healthcheck-missing", Severity.INFO, tags={"runtime"}, aliases=("DL3057",),
      default_enabled=False)
def check(df, options):
    target = df.target
    if target is None or foreign_instructions(df):
        return
    for final in final_images(df):
        if not _has_healthcheck(df, final):
            name = f"stage `{final.name}`" if final.name else \
                ("the final stage" if final is target else f"stage {final.index}")
            yield Finding(final.from_.span, f"no HEALTHCHECK in {name} or the stages it is "
                                            "built on: the engine cannot tell a hung container "
                                            "from a healthy one")


def _has_healthcheck(df, stage) -> bool:
    """A HEALTHCHECK is in effect for the image of ``stage`` (True too when it has no image)."""
    chain = df.graph.chain(stage.index)
    if chain[-1].base.kind == "unknown":
        return True       # no image (a fragment before any FROM, a FROM without one): unknown
    for k, st in enumerate(chain):
        for ins in st.instructions:
            if ins.keyword == "HEALTHCHECK":
                return True
            if k > 0 and ins.keyword == "ONBUILD" and ins.sub is not None and \
                    ins.sub.keyword == "HEALTHCHECK":
                return True
    return False
