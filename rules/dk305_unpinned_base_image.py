"""An image the build pulls has no tag, or only `latest`, and no digest.

## What it does
Looks at every external image the build pulls: each `FROM` base, each `COPY --from=<image>` and
each `RUN --mount=...,from=<image>`. It fires when the reference, after build arguments are
substituted, has neither a digest nor a tag other than `latest`. The finding points at the image
reference; when the reference or its tag came out of an `ARG`, the message says which one
(its default at a given line, or a `--build-arg`). The same reference left unpinned at several
places (`FROM alpine` in three stages) is one finding, at the first, with the others as
further places: pinning it is one decision (an `ARG` for the tag, say).

Stage names and `scratch` are left alone, and so are references that depend on a build
argument with no value, except a `FROM` whose tag is written `latest` in the file
(`FROM $REGISTRY/app:latest`): whatever the build passes, the tag stays `latest`. Without
`--target`, every stage is checked, since any of them may be built as a target; with
`--target`, only the stages that target's build reaches.

Under ONBUILD: `ONBUILD FROM` is refused (DK000), but the images an `ONBUILD COPY --from=` or
`ONBUILD RUN --mount=...,from=` trigger pulls are checked (the finding points inside the
trigger). Where a stage of this file is built `FROM` the trigger's stage, the reference is read
as that stage's build reads it (once, however many stages run the trigger); where only other
builds run it, only a reference that must be an image (it has a `/`, `:` or `@`, which stage
and build-context names cannot have) and uses no variable (expanded in that build) is checked.

For distroless images (`gcr.io/distroless/...`), which publish no version tags, the advice is a
digest, and for one without the Debian release in its name (`gcr.io/distroless/static`, which
moves to a new Debian release without notice), the release too.

## Why is this bad?
A missing tag means `latest`, and `latest` moves whenever the publisher pushes: two builds of
the same commit can produce different images, a rebuild can pick up a new major version that
breaks the program, and nobody can tell afterwards which base was used. A version tag makes the
choice visible; a digest (`@sha256:...`) makes the build reproducible.

## Differences from hadolint
hadolint splits this into DL3006 (no tag) and DL3007 (`latest`); both name this one rule, whose
message says which of the two it is. docklint substitutes `ARG` values first: hadolint skips any
`FROM $IMAGE` and never sees a `latest` or a missing tag that comes from an ARG default
(`ARG NODE_TAG=latest`, `FROM ${PREFIX}busybox`), which docklint reports, and it flags
`FROM img${SUFFIX}` or `FROM stage-${TARGETOS}` even when the ARG supplies a pinned tag or the
name of a stage, which docklint does not. hadolint's DL3006 and DL3007 look only at `FROM`;
docklint also checks the images `COPY --from=` and `RUN --mount=from=` pull, ONBUILD triggers
included, and skips stages a `--target` build does not reach.

## Example
```dockerfile
FROM node
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
```

## Use instead
```dockerfile
FROM node:22.11-bookworm-slim
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
```
"""

from __future__ import annotations


from docklint.lazyre import lazy
from docklint.facts.pulls import all_pulls
from docklint.rule import Finding, Severity, rule
from docklint.variables import references


@rule("DK305", "unpinned-base-image", Severity.WARNING, tags={"reproducibility"},
      aliases=("DL3006", "DL3007"), group_message="{message} (at {count} places in this file)")
def check(df, options):
    for pull in all_pulls(df):
        ref = pull.image
        if not ref.valid or ref.pinned:
            continue
        written = f"`{pull.raw}`"
        if pull.raw != ref.raw:
            written += f" (resolved to `{ref.raw}`)"
        if ref.tag is None:
            problem = f"{pull.what} {written} has no tag, which means `latest`"
            origin = _origin(df, pull, lambda v: True, whole=True)
            if origin:
                problem += f" (the reference comes from {origin})"
        else:
            problem = f"{pull.what} {written} uses the tag `latest`"
            origin = _origin(df, pull, lambda v: v == "latest" or v.endswith(":latest"))
            if origin:
                problem += f": tag `latest` comes from {origin}"
        message = f"{problem}; `latest` moves with every release: {_advice(ref)}"
        # the same reference unpinned at several places is one problem (pin it once: an ARG)
        yield Finding(pull.span, message, problem=message)
    yield from _unresolved_latest(df)


def _unresolved_latest(df):
    """``FROM $REGISTRY/app:latest`` with no value for ``REGISTRY``: whatever the build
    passes, the tag written in the file is `latest`."""
    graph = df.graph
    if df.target_name is not None:
        scope = graph.reachable() if graph.target is not None else set()
    else:
        scope = {s.index for s in df.stages}
    for stage in df.stages:
        base = stage.base
        if stage.index not in scope or base.kind != "unresolved" or "@" in base.raw:
            continue
        tail = base.raw.rsplit("/", 1)[-1]
        if tail.count(":") != 1 or tail.split(":")[1] != "latest":
            continue
        message = (f"base image `{base.raw}` uses the tag `latest` (written in the file, "
                   f"whatever the build arguments give the rest); `latest` moves with every "
                   f"release: pin a version tag, and a digest for a reproducible build")
        yield Finding(base.span, message, problem=message)


_DISTROLESS = lazy(r"^(?:gcr\.io|[a-z0-9.-]*\.pkg\.dev/[^/]+)/distroless/")
_DEBIAN_RELEASE = lazy(r"-debian\d+$")


def _advice(ref) -> str:
    """How to pin ``ref``: distroless images have no version tags, only a digest pins them."""
    name = ref.repository
    if _DISTROLESS.match(name):
        if _DEBIAN_RELEASE.search(name):
            return ("distroless images have no version tags (the Debian release is in the "
                    "name), so pin a digest (`@sha256:...`)")
        return ("distroless images have no version tags: name the Debian release "
                "(`-debian13`) and pin a digest (`@sha256:...`)")
    return "pin a version tag, and a digest for a reproducible build"


def _origin(df, pull, wanted, whole: bool = False) -> str | None:
    """Where the variable that produced the reference (``whole``: the variable that ends it)
    or its ``latest`` got its value."""
    stage = df.stages[pull.stage]
    if pull.kind == "from":
        env, scope = df.global_env, None
    else:
        env, scope = stage.env_before(pull.instruction), stage
    for ref in references(pull.raw, df.escape):
        if whole and ref.end != len(pull.raw):
            continue
        value = env.get(ref.name)
        if value is None or not wanted(value):
            continue
        if env.kinds.get(ref.name) == "env":
            return f"ENV {ref.name}"
        decl = _declaration(df, ref.name, scope, pull.instruction)
        if decl is None:
            return f"ARG {ref.name}"
        if ref.name in df.build_args:
            return f"--build-arg {ref.name}={df.build_args[ref.name]}"
        return f"ARG {ref.name}'s default at line {decl.instruction.line}"
    return None


def _declaration(df, name, stage, before):
    """The ARG declaration that gives ``name`` its value at ``before`` (in ``stage``'s chain,
    else the global one); a re-declaration without a default defers to the global ARG."""
    if stage is not None:
        for st in df.graph.chain(stage.index):
            found = None
            for decl in st.args:
                if decl.name == name and (st is not stage or
                                          decl.instruction.index < before.index):
                    found = decl
            if found is not None:
                if found.default is not None:
                    return found
                break
    return next((d for d in reversed(df.global_args) if d.name == name), None)
