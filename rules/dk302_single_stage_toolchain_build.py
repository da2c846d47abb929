"""The final stage compiles its program on a toolchain image, so the compiler ships with it.

## What it does
Fires when the target stage is based, directly or through other stages, on a toolchain image
(golang, rust, gcc, maven, gradle, a JDK, the full node, python, ruby or php images) and itself
builds its program with the toolchain that image provides: `go build`/`go install` on golang,
`cargo build`/`cargo install` or `rustc` on rust, `mvn package` (or `install`, `verify`...),
`gradle build` (or `assemble`, `bootJar`...) or `javac` on a JDK, maven or gradle image,
`npm`/`yarn`/`pnpm run build` on node, and a C compiler, `make`, `cmake --build` or `ninja` on
the images that ship gcc (gcc, buildpack-deps, rust, and the full golang, node, python, ruby and
php images). The finding points at the build command, with the base as related location.
Where it can, the message names the base the program could run on instead and the size that
saves, with the same data and choice as DK301: a static binary goes on
`gcr.io/distroless/static-debian13`, a dynamically linked C one on distroless `base`, a C++ or
Rust one (`g++`, or `gcc` given C++ sources or `-lstdc++`) on distroless `cc`, a JAR on a JRE,
a Node or Python app on the `-slim` image. When the image starts its program through a shell
script or `sh -c`, or its shell-form CMD uses the shell, only a base with a shell is named
(Debian's `-slim` image); when the shell form is all that needs one, the message says to write
the command in exec form.

It stays quiet for `-slim`, alpine runtime, distroless and other non-toolchain bases; for a
compiler the RUN installs itself (DK303 covers that); when the build happened in an earlier
stage that the final stage only extends (DK301 covers that); and for images that are not
application images: no `CMD`/`ENTRYPOINT` at all (a base or tool image), a bare shell or an
interpreter started without a program (`CMD ["python3"]`), a toolchain, debugger, test runner or
dev server as the command (`go run`, `dlv`, `npm run dev`, `mvn spring-boot:run`), ONBUILD
triggers (a base for other images), or a target stage, Dockerfile or directory named for
development, tests or building (`AS dev`, `Dockerfile.dev`, `Dockerfile.build`, `tests/`).

## Why is this bad?
The image carries everything it took to build the program: a Go toolchain is over 300 MB
compressed, the distroless static image about 2 MiB. Every deploy pulls it, every node stores
it, and the compilers, headers and package managers are attack surface and vulnerability-scanner
noise for a program that needs none of them.

## Example
```dockerfile
FROM golang:1.22
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /usr/local/bin/app .
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
"""

from __future__ import annotations

import posixpath

from docklint import images
from docklint.facts import facts_of
from docklint.rule import Finding, Related, Severity, rule

_MAVEN_GOALS = {"package", "install", "verify", "compile", "deploy", "spring-boot:repackage"}
_GRADLE_TASKS = {"build", "assemble", "bootJar", "jar", "shadowJar", "installDist", "war",
                 "bootWar", "distTar", "distZip", "nativeCompile"}
_C_TOOLS = {"gcc", "g++", "cc", "c++", "clang", "clang++", "make", "gmake", "ninja"}
# which base families carry which toolchain (the full Debian-based language images are built
# on buildpack-deps, which has gcc and make; see the images data notes)
_JVM = {"eclipse-temurin", "openjdk", "amazoncorretto", "maven", "gradle"}
_PROVIDES = {"go": {"golang"}, "rust": {"rust"}, "jvm": _JVM, "node": {"node"},
             "cc": {"gcc", "buildpack-deps", "rust"}}
_CC_IN_FULL = {"golang", "node", "python", "ruby", "php"}
_OUTPUT = {"static": "the binary", "glibc": "the binary", "cc": "the binary",
           "musl": "the binary", "jar": "the JAR"}


@rule("DK302", "single-stage-toolchain-build", Severity.WARNING, tags={"size"})
def check(df, options):
    target = df.target
    if target is None:
        return
    root = df.graph.root_base(target.index)
    if root is None or root.kind != "image" or root.image is None:
        return
    facts = facts_of(df)
    base = facts.base_facts(target.index)
    if base is None or base.kind != "toolchain":
        return
    found = _first_build(facts, target, base)
    if found is None or facts_of(df).purpose(target.index) != "app":
        return            # a base, interactive or development image keeps its toolchain
    script, cmd, words = found
    span = script.span(words[0].start, words[-1].end)
    what = " ".join(w.value for w in words)
    runs, _how = facts.program_kind(target.index, built=True)
    current = images.describe(root.text or root.raw, base)
    message = f"{current} ships with the program: the final stage runs `{what}` on it"
    start = facts.start(target.index)
    shell = start.shell or _shell_healthcheck(facts, target.index)
    suggestion = None
    if runs in images.RUNS:
        suggestion = images.suggest_lighter(root.image, runs, needs_shell=shell is not None,
                                            declared=df.declared_images)
    if suggestion is not None and suggestion.facts.kind != "toolchain":
        output = _OUTPUT.get(runs, "the built app")
        message += (f"; build in a separate stage and copy {output} into "
                    f"{images.describe(suggestion.image, suggestion.facts)}")
        if shell and runs in ("static", "glibc", "cc"):
            message += f", a base with the shell it needs ({shell})"
        saved = images.saving(base, suggestion.facts)
        if saved:
            message += f", saving {saved}"
        if start.exec_form and suggestion.facts.has_shell is not True:
            kw = start.instruction.keyword
            message += (f"; write the {kw} in exec form there, `{kw} {start.exec_form}`, as "
                        "that base has no shell to run the shell form")
    else:
        message += "; build in a separate stage and copy only the result into a runtime image"
    root_stage = df.graph.chain(target.index)[-1]
    yield Finding(span, message,
                  related=(Related(root_stage.base.span, f"toolchain base {root.text}"),))


def _first_build(facts, stage, base):
    """(script, command, the words that name the build) of the stage's first command that
    builds with the toolchain ``base`` provides."""
    for _ins, script, cmd in facts.commands(stage):
        found = _build_words(cmd)
        if found and _provides(base, found[1]):
            return script, cmd, found[0]
    return None


def _provides(base, toolchain: str) -> bool:
    if base.family in _PROVIDES[toolchain]:
        return True
    return toolchain == "cc" and base.family in _CC_IN_FULL and base.variant == "full"


def _build_words(cmd):
    """(the words naming the build, the toolchain it uses), or None for other commands."""
    name = posixpath.basename(cmd.name)
    pos = cmd.positional()
    first = pos[0].value if pos else ""
    head = cmd.name_word
    if head is None:
        return None
    if name == "go" and first in ("build", "install"):
        return [head, pos[0]], "go"
    if name == "cargo" and first in ("build", "install"):
        return [head, pos[0]], "rust"
    if name == "rustc":
        return [head], "rust"
    if name in ("mvn", "mvnw"):
        goal = next((p for p in pos if p.value in _MAVEN_GOALS), None)
        return ([head, goal], "jvm") if goal else None
    if name in ("gradle", "gradlew"):
        task = next((p for p in pos if p.value.lstrip(":").split(":")[-1] in _GRADLE_TASKS),
                    None)
        return ([head, task], "jvm") if task else None
    if name == "javac":
        return [head], "jvm"
    if name in ("npm", "yarn", "pnpm"):
        if first == "run" and len(pos) > 1 and pos[1].value.startswith("build"):
            return [head, pos[0], pos[1]], "node"
        if name != "npm" and first.startswith("build"):
            return [head, pos[0]], "node"
        return None
    if name == "cmake":
        build = next((a for a in cmd.args if a.value == "--build"), None)
        return ([head, build], "cc") if build else None
    if name in _C_TOOLS:
        return [head], "cc"
    return None


def _shell_healthcheck(facts, index: int) -> str | None:
    check = facts.last_in_chain(index, "HEALTHCHECK")
    if check is not None and len(check.args) > 1 and check.args[0].value.upper() == "CMD" and \
            not check.json:
        return "its HEALTHCHECK is in shell form"
    return None
