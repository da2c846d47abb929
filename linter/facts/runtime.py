"""What a final image runs: the program it starts, the kind of runtime that program needs
(static, glibc, musl, a JVM, an interpreter), and what its RUNs do."""

from __future__ import annotations

import posixpath
import re
from docklint.lazyre import lazy
from docklint.record import record
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from ..model import Stage
from ..syntax import Instruction
from .builds import BuildInfo

if TYPE_CHECKING:
    from . import Facts

__all__ = ["Runtime", "Libraries", "BENIGN_COMMANDS", "entry_exe", "runtime", "run_activity",
           "libraries", "LIBRARY_FILES"]

# commands a final stage may run without building or installing anything
BENIGN_COMMANDS = {"chmod", "chown", "chgrp", "mkdir", "ln", "cp", "mv", "rm", "touch", "echo",
                   "printf", "true", "false", "set", "cd", "test", "[", "ls", "cat", "sed",
                   "useradd", "adduser", "addgroup", "groupadd", "usermod", "id", "env",
                   "export", "update-ca-certificates", "setcap", "install", "tee", "sh", "bash",
                   "find", "xargs", "exit", "umask", "unset", ":"}


@record(frozen=True)
class Runtime:
    """What a final image runs: ``kind`` is static | glibc | cc | musl | wasm | foreign | jar |
    node | python | ruby | php | unknown (the kinds of :class:`~docklint.facts.BuildInfo` for a
    program a build made); ``detail`` says how we know."""

    kind: str
    detail: str
    builder: "int | None" = None     # the stage that built it, when known
    build: "BuildInfo | None" = None
    copy: "Instruction | None" = None   # the COPY that put it in the image, when known


def entry_exe(facts: "Facts", index: int) -> str | None:
    """The program the image of stage ``index`` starts (ENTRYPOINT, else CMD)."""
    for kw in ("ENTRYPOINT", "CMD"):
        ins = facts.last_in_chain(index, kw)
        if ins is None:
            continue
        if ins.json:
            return ins.args[0].value if ins.args else None
        script = facts.script(ins)
        if script and script.commands:
            first = script.commands[0]
            if first.name == "exec" and first.args:
                return first.args[0].value
            return first.name_word.value if first.name_word else None
        return None
    return None


def runtime(facts: "Facts", index: int) -> Runtime:
    """What the image of stage ``index`` runs."""
    exe = facts.entry_exe(index)
    if facts.wasm_image(index):
        return Runtime("wasm", "its platform is WebAssembly: a wasm shim runs it")
    if exe:
        if exe.endswith(".wasm"):
            return Runtime("wasm", f"it runs {exe}, a WebAssembly module")
        kind = _language_of(exe)
        if kind:
            return Runtime(kind, f"it runs {exe}")
        for path in facts.exe_paths(index, exe) or ():
            placed = facts.provider(index, path)
            if placed is None:
                continue
            if placed.source.endswith(".jar"):
                return Runtime("jar", f"it runs {exe}")
            if placed.kind == "stage" and placed.from_stage is not None:
                built = facts.build_for(placed.from_stage, placed.source)
                if built is not None and built.kind != "unknown":
                    return Runtime(built.kind, built.how, placed.from_stage, built,
                                   placed.instruction)
            break
    placed = [p for p in facts.placed(index) if p.kind == "stage"]
    if any(p.source.endswith(".jar") or p.landing.endswith(".jar") for p in placed):
        jar = next(p for p in placed if p.source.endswith(".jar") or
                   p.landing.endswith(".jar"))
        return Runtime("jar", f"it copies a JAR (line {jar.instruction.line})")
    built = [(p, facts.build_for(p.from_stage, p.source)) for p in placed
             if p.from_stage is not None]
    built = [(p, b) for p, b in built if b is not None and b.kind != "unknown"]
    if len({b.kind for _, b in built}) == 1:
        p, b = built[0]
        return Runtime(b.kind, b.how, p.from_stage, b, p.instruction)
    base = facts.base_facts(index)
    if base and base.family in ("node", "python", "ruby", "php"):
        return Runtime(base.family, f"the base is {base.family}")
    if base and base.family in ("eclipse-temurin", "openjdk", "amazoncorretto", "maven",
                                "gradle"):
        return Runtime("jar", f"the base is a JDK ({base.family})")
    return Runtime("unknown", "no entrypoint docklint can place")


# What a dynamically linked program needs from the image, by key: the file the dynamic
# loader or the program asks for (the loaders are named for x86_64; every architecture's
# loader counts), how docklint recognises a copy of it, and the packages that install it.
LIBRARY_FILES = {
    "glibc-loader": "ld-linux-x86-64.so.2", "libc": "libc.so.6",
    "libgcc_s": "libgcc_s.so.1", "libstdc++": "libstdc++.so.6",
    "musl-loader": "ld-musl-x86_64.so.1",
}
_LIBRARY_NAMES = (
    ("glibc-loader", lazy(r"^ld-linux[\w.+-]*\.so")),
    ("libc", lazy(r"^libc\.so")),
    ("libgcc_s", lazy(r"^libgcc_s\.so")),
    ("libstdc++", lazy(r"^libstdc\+\+\.so")),
    ("musl-loader", lazy(r"^ld-musl[\w.+-]*\.so|^libc\.musl")),
)
# packages that install them: Alpine's glibc compatibility layers (gcompat, libc6-compat)
# bring a glibc loader and symbols on musl; Debian's musl package the musl loader
_LIBRARY_PACKAGES = {
    "gcompat": ("glibc-loader", "libc"), "libc6-compat": ("glibc-loader", "libc"),
    "libgcc": ("libgcc_s",), "libgcc-s1": ("libgcc_s",), "libgcc1": ("libgcc_s",),
    "libstdc++": ("libstdc++", "libgcc_s"), "libstdc++6": ("libstdc++", "libgcc_s"),
    "musl": ("musl-loader",),
}
# where the dynamic loader looks for libraries (a directory copied there may hold any)
_LIBRARY_DIRS = ("/lib", "/lib64", "/lib32", "/usr/lib", "/usr/lib64", "/usr/local/lib",
                 "/usr/local/lib64")
# distroless and Chainguard images without libgcc_s and libstdc++
_NO_LIBGCC = ("distroless-static", "distroless-base", "distroless-base-nossl",
              "chainguard-static")


@record(frozen=True)
class Libraries:
    """What the image of a stage gives a dynamically linked program: ``have`` maps the keys
    of :data:`LIBRARY_FILES` it has to how (its base, a package, a COPY); ``maybe`` is a
    step that may bring any of the others, which docklint cannot see into (a directory
    copied to ``/`` or into a library directory, a package list it cannot read), or "";
    ``packaged`` the keys a package brings, whose own dependencies docklint does not
    know."""

    have: dict
    maybe: str = ""
    packaged: frozenset = frozenset()


def libraries(facts: "Facts", index: int, program: Instruction | None = None) -> Libraries:
    """The loaders and shared libraries the image of stage ``index`` has, from its base
    (glibc or musl; libgcc_s and libstdc++ where the base is known to have them), the
    packages its chain installs (``gcompat``, ``libc6-compat``, ``libgcc``, ``libstdc++``,
    ``musl``...) and the files it copies (``ld-linux-*.so*``, ``libc.so.6``,
    ``libgcc_s.so.1``, ``libstdc++.so.6``, ``ld-musl-*.so.1``, under any directory).
    ``program`` is the COPY of the program itself: it brings no library."""
    from .files import _is_file_output
    have: dict[str, str] = {}
    packaged: set[str] = set()
    maybe = ""
    base = facts.base_facts(index)
    root = facts.df.graph.root_base(index)
    what = facts.base_label(index)
    if base is not None and base.libc == "glibc":
        have.update({"glibc-loader": what, "libc": what})
        if base.family not in _NO_LIBGCC:
            have.update({"libgcc_s": what, "libstdc++": what})
    elif base is not None and base.libc == "musl":
        have["musl-loader"] = what
    for stage in facts.df.graph.chain(index):
        for ins, _script, cmd in facts.commands(stage):
            for pkg in facts.installs(cmd):
                name = re.split(r"[=<>~]", pkg, maxsplit=1)[0]
                if "$" in pkg:
                    maybe = maybe or f"the packages installed at line {ins.line}"
                for key in _LIBRARY_PACKAGES.get(name, ()):
                    if key not in have:
                        have[key] = f"installs {name} (line {ins.line})"
                        packaged.add(key)
    dirs = _LIBRARY_DIRS + _ld_library_path(facts, index)
    for p in facts.placed(index):
        names = [posixpath.basename(p.source.rstrip("/")), posixpath.basename(p.landing)]
        matched = False
        for key, rx in _LIBRARY_NAMES:
            if any(rx.match(n) for n in names if n):
                matched = True
                if key not in have or key in packaged:
                    have[key] = f"copies {names[0] or names[1]} (line {p.instruction.line})"
                    packaged.discard(key)
        if matched or maybe or p.instruction is program:
            continue
        dest = p.dest or "/"
        into_lib = dest in ("/", "/usr", "/usr/local") or any(
            dest == d or dest.startswith(d.rstrip("/") + "/") for d in dirs)
        source = p.source
        directory = not p.resolved or not source or source.endswith("/") or \
            any(c in source for c in "*?[") or source in (".", "/") or (
                "." not in posixpath.basename(source) and not _is_file_output(facts, p))
        if into_lib and directory:
            maybe = f"the COPY at line {p.instruction.line}, which copies " + \
                (f"{source} to {dest}" if source else f"into {dest}")
    return Libraries(have, maybe, frozenset(packaged))


def _ld_library_path(facts: "Facts", index: int) -> tuple[str, ...]:
    """The directories an ``ENV LD_LIBRARY_PATH`` in the chain of ``index`` names."""
    out: list[str] = []
    for stage in facts.df.graph.chain(index):
        for ins in stage.instructions:
            if ins.keyword == "ENV":
                for key, value, _ in ins.pairs():
                    if key.value == "LD_LIBRARY_PATH":
                        text = facts.df.expand(value.value, stage.env_before(ins)).value or ""
                        out += [d for d in text.split(":") if d.startswith("/")]
    return tuple(out)


def run_activity(facts: "Facts", stage: Stage) -> str:
    """``none`` (no RUN), ``benign`` (only file housekeeping) or ``builds`` (builds or
    installs, or does something docklint does not recognise)."""
    result = "none"
    for ins in stage.instructions:
        if ins.keyword != "RUN":
            continue
        script = facts.script(ins)
        if script is None:
            return "builds"
        result = "benign"
        for cmd in script.commands:
            if cmd.name not in BENIGN_COMMANDS:
                return "builds"
    return result


def _language_of(exe: str) -> str | None:
    name = posixpath.basename(exe).lower()
    if name.startswith("java") or name.endswith(".jar"):
        return "jar"
    if name in ("node", "nodejs", "npm", "npx", "yarn", "pnpm") or name.endswith((".js", ".mjs")):
        return "node"
    if name.startswith("python") or name in ("gunicorn", "uvicorn", "flask", "celery",
                                             "hypercorn", "daphne") or name.endswith(".py"):
        return "python"
    if name in ("ruby", "bundle", "rails", "puma", "rackup", "unicorn") or name.endswith(".rb"):
        return "ruby"
    if name.startswith("php") or name in ("apache2-foreground", "frankenphp"):
        return "php"
    return None
