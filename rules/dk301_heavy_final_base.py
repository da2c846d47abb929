"""The final image ships a toolchain or a full OS it does not need.

## What it does
Fires when the target stage is based, directly or through other stages, on a heavy image (a
language toolchain such as golang, rust, gcc, maven, gradle, a JDK, or the full node, python,
ruby and php images; or a full OS image such as debian, ubuntu or fedora) while the target stage
itself only assembles artifacts: COPY/ADD, ENV, ARG, LABEL, EXPOSE, USER, WORKDIR, VOLUME, CMD,
ENTRYPOINT, HEALTHCHECK, STOPSIGNAL, and no RUN that builds or installs anything. It names the
lightest base that fits what the image runs, with both images' approximate compressed sizes:
a static binary (`CGO_ENABLED=0`, `-static`, a musl target) runs on
`gcr.io/distroless/static-debian13`, a dynamic glibc binary on `gcr.io/distroless/base-debian13`
(or `cc` for Rust and C++), a JAR on a JRE image, Node and Python apps on their `-slim` images.
Suggestions come from docklint's base-image data and never name an end-of-life image.

It stays quiet for distroless, scratch, alpine, `-slim` and Chainguard bases, for bases it cannot
resolve, and whenever the final stage builds or installs.

## Why is this bad?
Every byte of the base ships with every deploy: a golang image is over 300 MB compressed, the
distroless static image about 2 MiB. The compilers, package managers and shells of a full image
are also attack surface and CVE-scanner noise for a program that needs none of them.

## Example
```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM build
COPY --from=build /out/app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian13
COPY --from=build /out/app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
```

## Fix safety
When the target's `FROM` names the heavy image itself (not through another stage, and not
through a variable), the fix replaces it with the suggested base, keeping the rest of the line.
It is not offered when the suggested base has no shell and the stage needs one (a shell-form
CMD, ENTRYPOINT or HEALTHCHECK, or a command that starts a shell), names a user the base may
not have (`USER app`, `--chown=app`), or when the stage uses a variable the heavy image sets
(`$GOPATH`). The image loses everything the heavy base had and the
program might still use at run time (a tool it calls, a library docklint did not see, CA
certificates or time zones in some bases), a digest pin is dropped, and the version follows
docklint's suggestion: the fix is unsafe.
"""

from __future__ import annotations

import posixpath

from docklint import images
from docklint.facts import facts_of
from docklint.rule import Edit, Finding, Fix, Severity, rule
from docklint.shell import SHELL_NAMES

_DESCRIBE = {
    "static": "a static binary", "glibc": "a dynamically linked glibc binary",
    "cc": "a dynamically linked binary that needs libgcc/libstdc++", "jar": "a Java program",
    "node": "a Node.js program", "python": "a Python program", "ruby": "a Ruby program",
    "php": "a PHP program",
}


# users every shell-less suggestion (distroless, Chainguard static) has in its /etc/passwd
_SHELLLESS_USERS = frozenset({"root", "nonroot", "nobody"})


def _named_user_ok(value: str | None) -> bool:
    if not value:
        return True
    user = value.split(":", 1)[0]
    group = value.split(":", 1)[1] if ":" in value else ""
    return all(not part or part.isdigit() or part in _SHELLLESS_USERS for part in (user, group))


def _fits_shellless(target) -> bool:
    """Whether the target stage runs as it is on a base without a shell (and with only the
    usual users)."""
    for ins in target.instructions:
        kw = ins.keyword
        if kw in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            words = ins.args[1:] if kw == "HEALTHCHECK" else ins.args
            if kw == "HEALTHCHECK" and (not ins.args or ins.args[0].value.upper() != "CMD"):
                continue
            if not ins.json and words:
                return False
            if words and posixpath.basename(words[0].value) in SHELL_NAMES:
                return False
        elif kw == "USER" and ins.args and not _named_user_ok(ins.args[0].value):
            return False
        elif kw in ("COPY", "ADD") and not _named_user_ok(ins.flag("chown") and
                                                        ins.flag("chown").value):
            return False
    return True


def _fix(df, target, suggestion) -> Fix | None:
    base = target.base
    if base.kind != "image" or "$" in base.raw:
        return None                   # through a stage, or a variable: not ours to rewrite
    if any(use.how == "image" and use.name != "PATH"
           for ins in target.instructions for use in df.var_uses(ins)):
        return None                   # it reads the heavy image's environment (GOPATH...)
    if suggestion.facts.has_shell is not True and not _fits_shellless(target):
        return None
    return Fix(f"Base the final stage on {suggestion.image}",
               (Edit(base.span, suggestion.image),), safe=False)


@rule("DK301", "heavy-final-base", Severity.WARNING, tags={"size"}, fixable="sometimes")
def check(df, options):
    target = df.target
    if target is None:
        return
    root = df.graph.root_base(target.index)
    if root is None or root.kind != "image" or root.image is None:
        return
    facts = facts_of(df)
    base = facts.base_facts(target.index)
    if base is None or not base.heavy:
        return
    activity = facts.run_activity(target)
    if activity == "builds":
        return
    chain = df.graph.chain(target.index)
    if any(facts.installed_packages(stage) for stage in chain[1:]):
        return            # the final image inherits packages a stage installed on purpose
    runtime = facts.runtime(target.index)
    if runtime.kind == "musl":
        return            # a musl-dynamic binary needs alpine or similar; nothing lighter to say
    suggestion = images.suggest_lighter(root.image, runtime.kind)
    if suggestion is None:
        return
    if activity == "benign" and suggestion.facts.has_shell is not True:
        return            # its RUN lines need a shell the suggested base lacks
    if suggestion.facts.size_bytes is not None and base.size_bytes is not None and \
            suggestion.facts.size_bytes >= base.size_bytes:
        return
    via = ""
    if target.base.kind == "stage":
        via = f" through stage {df.stages[target.base.stage].label}"
    kind = "full OS" if base.kind.startswith("os") else "toolchain"
    lighter = images.describe(suggestion.image, suggestion.facts)
    if runtime.kind == "unknown":
        tail = f"{lighter} would do"
    else:
        tail = f"{_DESCRIBE[runtime.kind]} ({runtime.detail}) runs on {lighter}"
    message = (f"the final image is based on {images.describe(root.text or root.raw, base)}{via}, a "
               f"{kind} image, yet only assembles artifacts: {tail}")
    yield Finding(target.from_.span, message, fix=_fix(df, target, suggestion))
