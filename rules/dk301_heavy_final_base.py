"""The final image ships a toolchain or a full OS it does not need.

## What it does
Fires when the target stage is based, directly or through other stages, on a heavy image (a
language toolchain such as golang, rust, gcc, maven, gradle, a JDK, or the full node, python,
ruby and php images; or a full OS image such as debian, ubuntu or fedora) while the target stage
itself only assembles artifacts: COPY/ADD, ENV, ARG, LABEL, EXPOSE, USER, WORKDIR, VOLUME, CMD,
ENTRYPOINT, HEALTHCHECK, STOPSIGNAL, and no RUN that builds or installs anything. It names the
lightest base that fits what the image runs, with both images' approximate compressed sizes
where docklint knows them: a static binary (`CGO_ENABLED=0`, `-static`, a musl target) runs on
`gcr.io/distroless/static-debian13`, a dynamic glibc C binary on
`gcr.io/distroless/base-debian13`, a Rust or C++ binary (built with `g++`/`clang++`, or with
`gcc`/`cc`/`clang` given C++ sources or `-lstdc++`) on `gcr.io/distroless/cc-debian13`, which
adds libstdc++ and libgcc; a JAR on a JRE image, Node and Python apps on their `-slim` images.
Suggestions come from docklint's base-image data and never name an end-of-life image.

Distroless images have no shell. When the image needs one (it starts its program through a
shell script such as `/entrypoint.sh` or through `sh -c`, its shell-form CMD uses pipes,
`&&` or variables, its HEALTHCHECK is in shell form, or the final stage has RUN lines) the
suggestion is a base with a shell (Debian's `-slim` image) or nothing. When only the form
is the problem (`CMD /app --port 8080`), the message says to write the command in exec form
first.

It stays quiet for distroless, scratch, alpine, `-slim` and Chainguard bases, for bases it cannot
resolve, whenever the final stage builds or installs, and for images that are not application
images: no `CMD`/`ENTRYPOINT` in the chain (a base, CI or tool image), ONBUILD triggers (a base
for other images, whose builds need the toolchain), a toolchain, build system, test runner or
SDK CLI as the command (`mvn spring-boot:run`, `bazel`, `gcc`), a bare shell or interpreter,
and a target stage, Dockerfile or directory named for development, tests or building
(`AS dev`, `Dockerfile.build`, `Dockerfile.e2e-tests`, `tests/`).

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
through a variable), the fix replaces it with the suggested base, keeping the rest of the line;
when that base has no shell and the target stage's shell-form CMD or ENTRYPOINT needs none
itself, the fix also writes it in exec form. It is not offered when the suggested base has no
shell and the stage needs one (a shell-form HEALTHCHECK, or a command that starts a shell),
names a user the base may not have (`USER app`, `--chown=app`), or when the stage uses a
variable the heavy image sets (`$GOPATH`). The image loses everything the heavy base had and
the program might still use at run time (a tool it calls, a library docklint did not see, CA
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


def _fits_shellless(target, rewritten=None) -> bool:
    """Whether the target stage runs as it is on a base without a shell (and with only the
    usual users), once ``rewritten`` is in exec form."""
    for ins in target.instructions:
        kw = ins.keyword
        if ins is rewritten:
            continue
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


def _fix(df, target, suggestion, how) -> Fix | None:
    base = target.base
    if base.kind != "image" or "$" in base.raw:
        return None                   # through a stage, or a variable: not ours to rewrite
    if any(use.how == "image" and use.name != "PATH"
           for ins in target.instructions for use in df.var_uses(ins)):
        return None                   # it reads the heavy image's environment (GOPATH...)
    edits = [Edit(base.span, suggestion.image)]
    message = f"Base the final stage on {suggestion.image}"
    if suggestion.facts.has_shell is not True:
        start = how.instruction if how.exec_form and how.instruction in target.instructions \
            else None
        if not _fits_shellless(target, start):
            return None
        if start is not None:
            edits.append(Edit(start.rest_span, how.exec_form))
            message += f" and write its {start.keyword} in exec form"
    return Fix(message, tuple(edits), safe=False)


def _shell_need(facts, target, activity) -> str | None:
    """Why the final image needs a shell (None when it does not): how it starts its program,
    a shell-form HEALTHCHECK, or RUN lines of its own."""
    how = facts.start(target.index)
    if how.shell:
        return how.shell
    check = facts.last_in_chain(target.index, "HEALTHCHECK")
    if check is not None and len(check.args) > 1 and check.args[0].value.upper() == "CMD" and \
            not check.json:
        return "its HEALTHCHECK is in shell form"
    if activity == "benign":
        return "its RUN lines run in a shell"
    return None


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
    if facts.purpose(target.index) != "app":
        return            # a base, builder, development, test or interactive image
    activity = facts.run_activity(target)
    if activity == "builds":
        return
    chain = df.graph.chain(target.index)
    if any(facts.installed_packages(stage) for stage in chain[1:]):
        return            # the final image inherits packages a stage installed on purpose
    kind, detail = facts.program_kind(target.index)
    if kind not in images.RUNS:
        return            # musl-dynamic (alpine or similar), wasm, another OS: nothing to say
    shell = _shell_need(facts, target, activity)
    suggestion = images.suggest_lighter(root.image, kind, needs_shell=shell is not None)
    if suggestion is None:
        return
    if suggestion.facts.size_bytes is not None and base.size_bytes is not None and \
            suggestion.facts.size_bytes >= base.size_bytes:
        return
    via = ""
    if target.base.kind == "stage":
        via = f" through stage {df.stages[target.base.stage].label}"
    what = "full OS" if base.kind.startswith("os") else "toolchain"
    lighter = images.describe(suggestion.image, suggestion.facts)
    if kind == "unknown":
        tail = f"{lighter} would do"
    else:
        tail = f"{_DESCRIBE[kind]} ({detail}) runs on {lighter}"
    if shell and kind in ("static", "glibc", "cc"):
        tail += f", a base with the shell it needs ({shell})"
    how = facts.start(target.index)
    if how.exec_form and suggestion.facts.has_shell is not True:
        kw = how.instruction.keyword
        tail += (f"; first write the {kw} in exec form, `{kw} {how.exec_form}`: that base has "
                 "no shell to run the shell form")
    message = (f"the final image is based on {images.describe(root.text or root.raw, base)}"
               f"{via}, a {what} image, yet only assembles artifacts: {tail}")
    yield Finding(target.from_.span, message, fix=_fix(df, target, suggestion, how))
