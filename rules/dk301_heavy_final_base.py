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

The lighter base must keep what the image uses. When its HEALTHCHECK, ENTRYPOINT or CMD runs a
tool the heavy base has and the suggested one lacks (`curl` or `git` of the full golang, node,
python and ruby images, which are built on buildpack-deps; `wget` and `nc` have no counterpart
in distroless or the `-slim` images either), the message says so and what to do (let the
program check itself, copy a static tool in, or install it on the `-slim` image). When the final
image copies language packages (site-packages, a virtualenv, gems, node_modules) that a stage
of the build installed, the message for the `-slim` image warns that their compiled extensions
may link against system libraries the full image has and the slim one lacks (libpq,
libmariadb...).

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
names a user the base may not have (`USER app`, `--chown=app`), when the stage uses a
variable the heavy image sets (`$GOPATH`), or when the image runs a tool the suggested base
lacks (the fix would leave a HEALTHCHECK that always fails). The image loses everything the
heavy base had and the program might still use at run time (a tool it calls, a library
docklint did not see, such as one a copied Python extension links, CA certificates or time
zones in some bases), a digest pin is dropped, and the version follows docklint's suggestion:
the fix is unsafe.
"""

from __future__ import annotations

import posixpath

from docklint import images
from docklint.facts import PACKAGE_MANAGERS, facts_of
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


def _tools_used(facts, target) -> list[tuple[str, str]]:
    """(tool, instruction keyword) for each tool docklint knows images by (curl, wget, nc,
    git, bash...) that the HEALTHCHECK, ENTRYPOINT or CMD in effect runs and no COPY puts in
    the image."""
    out: list[tuple[str, str]] = []
    for kw in ("HEALTHCHECK", "ENTRYPOINT", "CMD"):
        ins = facts.last_in_chain(target.index, kw)
        if ins is None or not ins.args:
            continue
        if kw == "HEALTHCHECK" and (len(ins.args) < 2 or ins.args[0].value.upper() != "CMD"):
            continue
        if ins.json:
            words = ins.args[1:] if kw == "HEALTHCHECK" else ins.args
            names = [words[0].value] if words else []
        else:
            script = facts.script(ins)
            names = [c.name for c in script.commands] if script else []
        for exe in names:
            name = posixpath.basename(exe)
            if name in ("sh", "ash") or not images.is_tool(name) or \
                    any(t == name for t, _ in out):
                continue
            paths = facts.exe_paths(target.index, exe) or ()
            if any(facts.provider(target.index, p) for p in paths):
                continue
            out.append((name, kw))
    return out


def _lacking(facts, target, current, suggestion) -> list[tuple[str, str]]:
    """The tools the image runs that its current base has and the suggested one lacks (or
    may lack)."""
    have = images.tools(current)
    if not have:
        return []
    offered = images.tools(suggestion.facts) or frozenset()
    return [(t, kw) for t, kw in _tools_used(facts, target) if t in have and t not in offered]


_LANGUAGE_INSTALLERS = frozenset({"pip", "pip3", "uv", "poetry", "pipenv", "pdm", "gem",
                                  "bundle", "npm", "yarn", "pnpm"})
# where those installs put packages besides the working directory (pip's site-packages and
# --user tree, the images' GEM_HOME, npm's global tree) and the names of such trees
_PACKAGE_HOMES = ("/usr/local/lib/python", "/root/.local", "/usr/local/bundle",
                  "/usr/local/lib/node_modules")
_PACKAGE_TREES = ("site-packages", "dist-packages", "node_modules", "venv", "virtualenv",
                  "/gems", "/bundle", "vendor")
_INSTALL_DIR_FLAGS = ("--prefix", "--target", "-t", "--root", "--path", "--install-dir",
                      "--user-install", "--modules-folder")


def _installs(facts, index) -> list[tuple[object, list[str]]]:
    """The language package installs in the chain of stage ``index``: (instruction, the
    directories they may put packages in)."""
    out = []
    for stage in facts.df.graph.chain(index):
        for ins, _script, cmd in facts.commands(stage):
            name = cmd.name
            pos = [a.value for a in cmd.positional()]
            if name.startswith("python") and pos[:2] == ["-m", "pip"]:
                name, pos = "pip", pos[2:]
            elif name.startswith("python") and pos[:1] == ["pip"]:
                name, pos = "pip", pos[1:]
            if name not in _LANGUAGE_INSTALLERS:
                continue
            if not (any(p in PACKAGE_MANAGERS.get(name, ("install",)) for p in pos[:2]) or
                    (name in ("bundle", "yarn", "pnpm") and not pos)):
                continue
            workdir = facts.workdir(stage, ins)
            dirs = [workdir, *_PACKAGE_HOMES]
            for flag in _INSTALL_DIR_FLAGS:
                value = cmd.flag_value(flag)
                if value and not value.startswith("-") and "$" not in value:
                    dirs.append(posixpath.normpath(posixpath.join(workdir, value)))
            out.append((ins, dirs))
    return out


def _copied_packages(facts, target) -> str | None:
    """Where the final image gets language packages (site-packages, a virtualenv, gems,
    node_modules) a stage of the build installed: the install's line, or None. Its base
    stages count whole; from other stages, a COPY of a package tree (by name, or a directory
    an install wrote into, or one above it). Compiled extensions among them may link against
    system libraries the lighter image lacks."""
    for stage in facts.df.graph.chain(target.index)[1:]:
        found = _installs(facts, stage.index)
        if found:
            return f"line {found[0][0].line}"
    for _ins, src, srcs, _dest in facts.copies_from(target.index):
        if src is None:
            continue
        found = _installs(facts, src)
        for path in srcs:
            path = posixpath.normpath(posixpath.join("/", path))
            for ins, dirs in found:
                if any(t in path for t in _PACKAGE_TREES) or any(
                        d == path or d.startswith(path.rstrip("/") + "/") for d in dirs):
                    return f"line {ins.line}"
    return None


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
    suggestion = images.suggest_lighter(root.image, kind, needs_shell=shell is not None,
                                        declared=df.declared_images)
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
    fix = _fix(df, target, suggestion, how)
    lacking = _lacking(facts, target, base, suggestion)
    if lacking:
        # the suggested base would break the check or the command: say what it needs, and
        # offer no fix
        fix = None
        uses = " and ".join(f"its {kw} runs {tool}" for tool, kw in lacking)
        names = " and ".join(tool for tool, _ in lacking)
        itself = "let the program check itself, or " if all(
            kw == "HEALTHCHECK" for _, kw in lacking) else ""
        if suggestion.facts.has_shell is True:
            tail += f"; but {uses}, which {suggestion.image} lacks: {itself}install {names} there"
        else:
            tail += (f"; but {uses}, which {suggestion.image} lacks: {itself}copy a static "
                     f"{names} in")
    if kind in ("python", "ruby", "node"):
        packages = _copied_packages(facts, target)
        if packages is not None:
            tail += (f"; but the packages installed at {packages} may hold compiled "
                     "extensions linked against system libraries the full image has and "
                     f"{suggestion.image} lacks (libpq, libmariadb...): install their run-time "
                     "packages there too")
    message = (f"the final image is based on {images.describe(root.text or root.raw, base)}"
               f"{via}, a {what} image, yet only assembles artifacts: {tail}")
    yield Finding(target.from_.span, message, fix=fix)
