"""The final image installs compilers, headers or git and keeps them.

## What it does
Looks at the package installs (`apt-get`/`apt`, `apk`, `dnf`/`yum`/`microdnf`, `zypper`,
`pacman`) of the target stage and of the stages it extends with `FROM <stage>`, since all of
their layers end up in the final image. It fires on each installed package that only building
needs: `build-essential`, `build-base`, `gcc`, `g++`, `clang` (and their versioned names such as
`gcc-12`), `make`, `cmake`, `autoconf`, `automake`, `libtool`, development headers (`*-dev`,
`*-devel`, `*-headers`) and `git`, unless the same RUN removes it again:
- `apt-get purge`/`remove` naming it, or `apt-mark auto` followed by
  `apt-get autoremove`/`purge --auto-remove` (the pattern of the official images);
- `apk del` naming it, or naming the `--virtual` group it was installed under
  (`apk add --virtual .build-deps gcc ... && apk del .build-deps`);
- `dnf`/`yum`/`microdnf remove` (or `erase`), `zypper remove`, `pacman -R` naming it.

A removal in a later RUN does not count: the earlier layer still holds the files, and the
message says so. `apt-get autoremove` on its own does not count either, because it only
removes packages that were pulled in as dependencies, never the ones named in the install.
The packages one RUN keeps are reported as one finding, each package a place of it.

`git` is reported only when the build itself uses it (a `git` command, `go get`, or a `git+...`
package source): a git installed and never used during the build is there for the program to
use at run time. Development headers are reported only when they serve a compile: the RUN that
installs them compiles (it installs a compiler or build tool, runs one such as `gcc`, `make`,
`./configure`, `cmake` or `docker-php-ext-install`, or runs a package installer that may build
native extensions, `pip install`, `gem install`, `npm ci`..., while a compiler is there), or a
compiler stays in the image (installed and kept, or shipped by the base: the full golang, node,
python, ruby and php images, gcc, rust, buildpack-deps) and something compiles. An image that
compiles nothing, or keeps a `-dev` package apart from a build that removes its compiler, has
it for the unversioned `.so` link a program opens at run time (`libpcap-dev` for masscan). Installs whose package list is a variable (`$BUILD_DEPS`) are
skipped, as are builder stages the final stage only copies from (installing compilers there is
what they are for) and images that are not application images: no `CMD`/`ENTRYPOINT` at all
(a base or CI image), ONBUILD triggers (a base whose children's builds use the tools), a bare
shell or interpreter, a toolchain, build system, test runner, dev server or SDK CLI as the
command (`bazel`, `clang++-17`, `make`, `pytest`), or a target stage, Dockerfile or directory
named for development, tests or building (`AS dev`, `Dockerfile.dev`, `Dockerfile.build`,
`tests/`, `e2e/`, `.devcontainer/`).

## Why is this bad?
Compilers, headers and git are needed to build the program, not to run it. In the final image
they add tens to hundreds of megabytes, hand an attacker who gets in a ready-made toolchain,
and fill vulnerability reports with packages the program never uses.

## Example
```dockerfile
FROM python:3.12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev \
 && pip install --no-cache-dir psycopg2==2.9.9 \
 && rm -rf /var/lib/apt/lists/*
COPY app.py /app/
CMD ["python", "/app/app.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev libpq5 \
 && pip install --no-cache-dir psycopg2==2.9.9 \
 && apt-get purge -y --auto-remove gcc libpq-dev \
 && rm -rf /var/lib/apt/lists/*
COPY app.py /app/
CMD ["python", "/app/app.py"]
```
or build the wheels in a separate stage and copy them in.
"""

from __future__ import annotations

import posixpath
import re

from docklint.lazyre import lazy
from docklint import images
from docklint.facts import facts_of
from docklint.packages import PIP_NAME
from docklint.rule import Finding, Severity, rule

_COMPILER_KIND, _TOOLCHAIN_KIND, _BUILD_TOOL_KIND = "a compiler", "a compiler toolchain", \
    "a build tool"
_HEADERS_KIND = "development headers"
_TOOLS = {"build-essential": _TOOLCHAIN_KIND, "build-base": _TOOLCHAIN_KIND,
          "base-devel": _TOOLCHAIN_KIND, "make": _BUILD_TOOL_KIND, "cmake": _BUILD_TOOL_KIND,
          "autoconf": _BUILD_TOOL_KIND, "automake": _BUILD_TOOL_KIND,
          "libtool": _BUILD_TOOL_KIND, "dpkg-dev": "a package build tool",
          "git": "a version control tool", "git-core": "a version control tool"}
# commands that compile native code
_BUILDS_NATIVE = frozenset({"make", "gmake", "cmake", "ninja", "meson", "configure", "./configure",
                            "autoreconf", "phpize", "docker-php-ext-install", "pecl", "cargo",
                            "rustc", "node-gyp", "bazel", "scons"})
# package installers that build native extensions when a compiler is there
_NATIVE_INSTALLERS = frozenset({"gem", "bundle", "npm", "yarn", "pnpm", "cpanm", "cpan", "uv",
                                "poetry", "pipenv", "luarocks", "Rscript", "R", "go"})
_GIT = {"git", "git-core"}
_COMPILER = lazy(r"^(?:gcc|g\+\+|gcc-c\+\+|clang|cpp|gfortran)(?:-\d+(?:\.\d+)*)?$",
                 needs=("gcc", "g++", "clang", "cpp", "gfortran"))
_HEADERS = ("-dev", "-devel", "-headers")
_APT = ("apt-get", "apt", "aptitude")
_RPM = ("dnf", "yum", "microdnf", "tdnf")
_HINT = {"apt": "`apt-get purge -y --auto-remove {p}`",
         "apk": "`apk add --virtual .build-deps {p}` ... `apk del .build-deps`",
         "rpm": "`{m} remove -y {p}`", "other": "its package manager"}


@rule("DK303", "build-tools-in-final", Severity.WARNING, tags={"size", "security"},
      group_message="{count} packages only a build needs are installed into the final image "
                    "and not removed in the same RUN: {labels}; build in a separate stage, or "
                    "remove them at the end of this RUN")
def check(df, options):
    target = df.target
    if target is None or facts_of(df).purpose(target.index) != "app":
        return            # base, builder, interactive and development images keep their tools
    facts = facts_of(df)
    runs = []   # (instruction, script) of the chain, oldest first
    for stage in reversed(df.graph.chain(target.index)):
        for ins in stage.instructions:
            if ins.keyword == "RUN":
                script = facts.script(ins)
                if script is not None:
                    runs.append((ins, script))
    removals = [_removed(script) for _ins, script in runs]
    uses_git = any(_uses_git(cmd) for _ins, script in runs for cmd in script.commands)
    compiling = _compiling(facts, target, runs, removals)
    shared = _shared_with_a_build(facts, target)
    compiling |= {n for n, (ins, _script) in enumerate(runs)
                  if df.stage_of(ins) is not None and df.stage_of(ins).index in shared}
    for n, (ins, script) in enumerate(runs):
        for cmd in script.commands:
            packages = facts.installs(cmd)
            if not packages:
                continue
            manager = _family(cmd.name)
            virtual = cmd.flag_value("--virtual", "-t") if manager == "apk" else None
            for word in cmd.positional()[-len(packages):]:
                if _variable(word) or word.value == virtual:
                    continue
                name = _name(word.value)
                what = _kind(name)
                if what is None or (name in _GIT and not uses_git) or \
                        (what == _HEADERS_KIND and n not in compiling) or \
                        _gone(removals[n], manager, name, virtual):
                    continue
                later = next((runs[k][0] for k in range(n + 1, len(runs))
                              if name in removals[k].names.get(manager, ())), None)
                hint = _HINT[manager].format(p=name, m=cmd.name)
                if what == _HEADERS_KIND:
                    hint += " (with the runtime library it links against installed on its own)"
                if later is not None:
                    tail = (f"; the RUN at line {later.line} removes it, but this RUN's layer "
                            f"still holds it: remove it in this RUN with {hint}, or build in "
                            f"a separate stage")
                else:
                    tail = (f"; build in a separate stage, or remove it at the end of this RUN "
                            f"with {hint}")
                yield Finding(script.word_span(word),
                              f"`{name}` ({what}) is installed into the final image and not "
                              f"removed in the same RUN{tail}", label=name)


def _compiling(facts, target, runs, removals) -> set[int]:
    """The RUNs (by position) whose development headers serve a compile: every RUN when a
    compiler stays in the image (installed and not removed in its RUN, or shipped by the base)
    and something compiles; else the RUNs that compile themselves. A RUN compiles when it
    installs a compiler or build tool, runs one (`gcc`, `make`, `./configure`, `cmake`,
    `docker-php-ext-install`...), or runs a package installer that may build native
    extensions (`pip install`, `gem install`, `npm ci`...) while a compiler is there. Headers
    kept apart from a build that removes its compiler, or in an image that compiles nothing,
    are there for the unversioned `.so` link a program opens at run time."""
    base = facts.base_facts(target.index)
    kept = base is not None and images.ships_compiler(base)
    available = kept
    found = []     # (runs a build, installs a compiler, runs an installer) per RUN
    for n, (_ins, script) in enumerate(runs):
        builds = installs = installer = False
        for cmd in script.commands:
            name = posixpath.basename(cmd.name)
            builds = builds or bool(_COMPILER.match(name)) or name in _BUILDS_NATIVE
            installer = installer or name in _NATIVE_INSTALLERS or \
                bool(PIP_NAME.fullmatch(name))
            manager = _family(cmd.name)
            virtual = cmd.flag_value("--virtual", "-t") if manager == "apk" else None
            for package in facts.installs(cmd):
                package = _name(package)
                if _kind(package) in (_COMPILER_KIND, _TOOLCHAIN_KIND, _BUILD_TOOL_KIND):
                    installs = available = True
                    kept = kept or not _gone(removals[n], manager, package, virtual)
        found.append((builds, installs, installer))
    compiling = {n for n, (builds, installs, installer) in enumerate(found)
                 if builds or installs or (installer and available)}
    return set(range(len(runs))) if kept and compiling else compiling


def _shared_with_a_build(facts, target) -> set[int]:
    """Stages of the final image's chain that a builder stage also extends and compiles on
    (`FROM base AS builder` ... `make`, `FROM base AS release`): their headers are there for
    that build, and ship in the final image for nothing."""
    df = facts.df
    mine = {s.index for s in df.graph.chain(target.index)}
    out: set[int] = set()
    for stage in df.stages:
        if stage.index in mine:
            continue
        chain = {s.index for s in df.graph.chain(stage.index)}
        if chain & mine and any(_compiles(facts, cmd) for _i, _s, cmd in facts.commands(stage)):
            out |= chain & mine
    return out


def _compiles(facts, cmd) -> bool:
    """The command compiles, or installs a compiler or build tool."""
    name = posixpath.basename(cmd.name)
    if _COMPILER.match(name) or name in _BUILDS_NATIVE:
        return True
    return any(_kind(_name(p)) in (_COMPILER_KIND, _TOOLCHAIN_KIND, _BUILD_TOOL_KIND)
               for p in facts.installs(cmd))


def _uses_git(cmd) -> bool:
    """The build itself runs git: a `git` command, `go get`, or a git package source
    (`git+https://...`, `git://...`, `git@host:...`, `github:user/repo`)."""
    if cmd.name == "git" or (cmd.name == "go" and cmd.positional()[:1] and
                             cmd.positional()[0].value == "get"):
        return True
    return any(a.value.startswith(("git+", "git://", "git@", "github:")) for a in cmd.args)


def _variable(word) -> bool:
    """The word depends on a variable or command substitution (a glob is fine)."""
    return "$" in word.raw or "`" in word.raw


def _name(package: str) -> str:
    """The package name without a version or architecture (`gcc=4:12.2`, `gcc:amd64`)."""
    return re.split(r"[=<>~:]", package, maxsplit=1)[0].lower()


def _kind(name: str) -> str | None:
    if name in _TOOLS:
        return _TOOLS[name]
    if _COMPILER.match(name):
        return _COMPILER_KIND
    if name.endswith(_HEADERS) and not name.startswith("-") and name not in _HEADERS:
        return _HEADERS_KIND
    return None


def _family(manager: str) -> str:
    if manager in _APT:
        return "apt"
    if manager == "apk":
        return "apk"
    if manager in _RPM:
        return "rpm"
    return "other"


class _Removals:
    """What one RUN removes, per package-manager family."""

    def __init__(self) -> None:
        self.names: dict[str, set[str]] = {}
        self.unknown: set[str] = set()       # a removal of a variable list: anything may go
        self.apt_auto_marked: set[str] | None = None   # None: nothing marked; {"*"}: all
        self.apt_autoremove = False
        self.apt_manual: set[str] = set()      # re-marked manual by name: kept


def _removed(script) -> _Removals:
    out = _Removals()
    for cmd in script.commands:
        pos = cmd.positional()
        sub = pos[0].value if pos else ""
        family = _family(cmd.name)
        names = pos[1:]
        removes = False
        if family == "apt" and sub in ("purge", "remove", "autoremove", "autopurge"):
            removes = True
            if sub.startswith("auto") or cmd.has_flag("--auto-remove", "--autoremove"):
                out.apt_autoremove = True
        elif cmd.name == "xargs" and [w.value for w in pos[:2]] == ["apt-mark", "auto"]:
            out.apt_auto_marked = {"*"}    # `apt-mark showmanual | xargs apt-mark auto`
        elif cmd.name == "apt-mark" and sub == "manual":
            out.apt_manual.update(_name(w.value) for w in names if not _variable(w))
        elif cmd.name == "apt-mark" and sub == "auto":
            marked = {w.value for w in names}
            if any(_variable(w) for w in names) or marked & {".*", "*", "^.*", "~i"}:
                out.apt_auto_marked = {"*"}
            else:
                out.apt_auto_marked = (out.apt_auto_marked or set()) | {_name(m) for m in marked}
        elif family == "apk" and sub == "del":
            removes = True
        elif family == "rpm" and sub in ("remove", "erase", "autoremove"):
            removes = True
        elif cmd.name == "zypper" and sub in ("remove", "rm"):
            removes = True
        elif cmd.name == "pacman" and any(a.value.startswith("-R") for a in cmd.args):
            removes, names, family = True, pos, "other"
        if not removes:
            continue
        if cmd.name == "apt-get" and cmd.has_flag("--auto-remove"):
            out.apt_autoremove = True
        if any(_variable(w) for w in names):
            out.unknown.add(family)
        out.names.setdefault(family, set()).update(_name(w.value) for w in names)
    return out


def _gone(removals: _Removals, family: str, name: str, virtual: str | None) -> bool:
    if family in removals.unknown:
        return True
    removed = removals.names.get(family, set())
    if name in removed or (virtual is not None and virtual.lower() in removed):
        return True
    if family == "apt" and removals.apt_autoremove and removals.apt_auto_marked is not None \
            and name not in removals.apt_manual:
        return "*" in removals.apt_auto_marked or name in removals.apt_auto_marked
    return False
