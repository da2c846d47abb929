"""The final image has no HEALTHCHECK.

## What it does
Off by default; enable it where images run under an engine that uses Docker health checks
(Docker itself, Compose, Swarm). It fires when no `HEALTHCHECK` is in effect for the image the
build produces: neither the target stage nor any stage its `FROM` chain leads through has one
(an `ONBUILD HEALTHCHECK` of such a stage counts, and so does `HEALTHCHECK NONE`, which is a
deliberate choice). It reports the target's `FROM`.

hadolint's DL3057 checks every stage. docklint checks only the image that ships, the target
stage (the last one, or `--target`) with its chain: a builder stage whose files are copied out
never runs as a container, so a health check there would be dead weight. A `HEALTHCHECK` the
base image itself declares is not known to docklint (it does not pull images); silence the rule
for such files, or write `HEALTHCHECK` again to make it visible. Nor is what an instruction of
another frontend adds (a file whose `# syntax=` names another frontend and that uses an
instruction BuildKit's Dockerfile frontend does not have, such as `INCLUDE`): the rule stays
quiet there.

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
from docklint.rule import Finding, Severity, rule


@rule("DK615", "healthcheck-missing", Severity.INFO, tags={"runtime"}, aliases=("DL3057",),
      default_enabled=False)
def check(df, options):
    target = df.target
    if target is None or foreign_instructions(df):
        return
    chain = df.graph.chain(target.index)
    for k, stage in enumerate(chain):
        for ins in stage.instructions:
            if ins.keyword == "HEALTHCHECK":
                return
            if k > 0 and ins.keyword == "ONBUILD" and ins.sub is not None and \
                    ins.sub.keyword == "HEALTHCHECK":
                return
    where = f"stage `{target.name}`" if target.name else "the final stage"
    yield Finding(target.from_.span, f"no HEALTHCHECK in {where} or the stages it is built "
                                     "on: the engine cannot tell a hung container from a "
                                     "healthy one")
