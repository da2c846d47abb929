"""What a final image runs: the program it starts, the kind of runtime that program needs
(static, glibc, musl, a JVM, an interpreter), and what its RUNs do."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Stage
from ..syntax import Instruction
from .builds import BuildInfo

if TYPE_CHECKING:
    from . import Facts

__all__ = ["Runtime", "BENIGN_COMMANDS", "entry_exe", "runtime", "run_activity"]

# commands a final stage may run without building or installing anything
BENIGN_COMMANDS = {"chmod", "chown", "chgrp", "mkdir", "ln", "cp", "mv", "rm", "touch", "echo",
                   "printf", "true", "false", "set", "cd", "test", "[", "ls", "cat", "sed",
                   "useradd", "adduser", "addgroup", "groupadd", "usermod", "id", "env",
                   "export", "update-ca-certificates", "setcap", "install", "tee", "sh", "bash",
                   "find", "xargs", "exit", "umask", "unset", ":"}


@dataclass(frozen=True)
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
