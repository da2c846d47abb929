"""How the programs of an image were built: the builds docklint recognises in a stage's chain
(go, cargo, C compilers) and how they link, which build produced a file, where the image looks
for a program, and what it copies from other stages."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Stage
from ..shell import Command, Script
from ..source import Span
from ..syntax import Instruction
from ._core import _norm

if TYPE_CHECKING:
    from . import Facts

__all__ = ["BuildInfo", "builds", "build_info", "built_kind", "build_for", "exe_paths",
           "copies_from"]

_DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
_BUILD_COMMANDS = {"go": ("build", "install", "generate"), "cargo": ("build", "install"),
                   "mvn": (), "gradle": (), "./gradlew": (), "gradlew": (), "make": (),
                   "cmake": (), "ninja": (), "gcc": (), "g++": (), "cc": (), "c++": (),
                   "clang": (), "clang++": (), "javac": (), "dotnet": ("build", "publish"),
                   "npm": ("run", "build"), "yarn": ("build", "run"), "pnpm": ("build", "run"),
                   "tsc": (), "webpack": (), "rustc": (), "bazel": ("build",), "meson": (),
                   "python": ("setup.py",), "python3": ("setup.py",)}


@dataclass(frozen=True)
class BuildInfo:
    """How a stage built its program: ``kind`` is static | glibc | musl | cc (glibc plus
    libgcc/libstdc++) | unknown (the builder's libc is unknown); ``certain`` is False when the
    linking depends on the program (a Go build without CGO_ENABLED=0 is dynamic only if it
    uses cgo). ``output`` is the absolute path it writes, when the command names it."""

    kind: str
    how: str
    tool: str
    instruction: Instruction
    span: Span
    certain: bool = True
    output: str | None = None
    workdir: str = "/"


# ---- what was built
def built_kind(facts: "Facts", index: int) -> tuple[str, str] | None:
    """How the program of stage ``index`` was built: (kind, how), kind one of static,
    glibc, cc, musl; None when the stage builds nothing docklint recognises."""
    info = facts.build_info(index)
    return (info.kind, info.how) if info else None


def build_info(facts: "Facts", index: int) -> BuildInfo | None:
    """The last program build in the chain of stage ``index`` docklint recognises."""
    builds = facts.builds(index)
    return builds[-1] if builds else None


def builds(facts: "Facts", index: int) -> list[BuildInfo]:
    """Every program build docklint recognises in the chain of stage ``index``, in order:
    go build/install, cargo build/install, gcc/g++/clang."""
    base = facts.base_facts(index)
    libc = base.libc if base else None
    chain = list(reversed(facts.df.graph.chain(index)))
    has_cc = any(p in ("gcc", "build-base", "musl-dev", "g++", "clang", "build-essential")
                 for stage in chain for p in facts.installed_packages(stage))
    out: list[BuildInfo] = []
    for stage in chain:
        for ins, script, cmd in facts.commands(stage):
            pos = cmd.positional()
            sub = pos[0].value if pos else ""
            span = script.command_span(cmd)
            workdir = facts.workdir(stage, ins)

            def info(kind: str, how: str, tool: str, output: str | None,
                     certain: bool = True) -> BuildInfo:
                if output is not None:
                    output = _norm(posixpath.join(workdir, output))
                return BuildInfo(kind, f"{how}, line {ins.line}", tool, ins, span, certain,
                                 output, workdir)

            if cmd.name == "go" and sub in ("build", "install"):
                cgo = cmd.env("CGO_ENABLED") or _exported(script, cmd, "CGO_ENABLED") or \
                    stage.env_before(ins).get("CGO_ENABLED")
                flags = " ".join(a.value for a in cmd.args)
                tool = "go install" if sub == "install" else "go"
                output = _expanded(facts, stage, ins, cmd.flag_value("-o"))
                if cgo == "0":
                    out.append(info("static", f"go {sub} with CGO_ENABLED=0", tool, output))
                elif "-static" in flags or ("netgo" in flags and "osusergo" in flags):
                    out.append(info("static", f"go {sub} with static linking", tool, output))
                elif libc is None:
                    out.append(info("unknown", f"go {sub} on an image docklint does not "
                                               "know", tool, output, False))
                elif libc == "musl" and not has_cc:
                    out.append(info("static", f"go {sub} on alpine without a C compiler "
                                              "(so cgo is off)", tool, output))
                elif libc == "musl":
                    out.append(info("musl", f"go {sub} with cgo on alpine", tool, output,
                                    False))
                else:
                    # dynamic only when the program uses cgo (net, os/user...): likely
                    out.append(info("glibc", f"go {sub} without CGO_ENABLED=0 on a glibc "
                                             "image", tool, output, False))
            elif cmd.name == "cargo" and sub in ("build", "install"):
                target = cmd.flag_value("--target") or ""
                if "musl" in target or (libc == "musl" and not target):
                    out.append(info("static", "cargo build for a musl target", "cargo",
                                    None))
                elif libc is None and not target:
                    out.append(info("unknown", "cargo build", "cargo", None, False))
                else:
                    out.append(info("cc", "cargo build for a glibc target", "cargo", None))
            elif cmd.name in ("gcc", "g++", "cc", "c++", "clang", "clang++"):
                output = _expanded(facts, stage, ins, cmd.flag_value("-o"))
                if any(a.value == "-static" for a in cmd.args):
                    out.append(info("static", f"{cmd.name} -static", cmd.name, output))
                elif libc is None:
                    out.append(info("unknown", f"{cmd.name}", cmd.name, output, False))
                else:
                    kind = "cc" if "++" in cmd.name else libc
                    out.append(info(kind, f"{cmd.name} without -static", cmd.name, output))
    return out


def _expanded(facts: "Facts", stage: Stage, ins: Instruction, text: str | None) -> str | None:
    if text is None:
        return None
    return facts.df.expand(text, stage.env_before(ins)).value


def _exported(script: Script, cmd: Command, name: str) -> str | None:
    """A value ``export NAME=x`` (or a bare ``NAME=x``) sets earlier in the same script."""
    rx = re.compile(r"(?:^|[;&|(\s])(?:export\s+)?" + re.escape(name) + r"=([^\s;&|)]*)")
    found = None
    for m in rx.finditer(script.text, 0, cmd.start):
        found = m.group(1).strip("'\"")
    return found


def build_for(facts: "Facts", index: int, path: str) -> BuildInfo | None:
    """The build in the chain of stage ``index`` that produced the file at ``path``."""
    path = _norm(path)
    builds = facts.builds(index)
    if path in facts.outputs(index) and not any(b.output == path for b in builds):
        return None          # written by cp/mv/curl..., not by a build docklint knows
    for b in reversed(builds):
        if b.output == path:
            return b
        if b.tool == "cargo" and "/target/" in path:
            return b
        if b.tool == "go install" and b.output is None and \
                posixpath.dirname(path) in ("/go/bin", "/root/go/bin"):
            return b
        if b.output is None and b.tool in ("go",) and posixpath.dirname(path) == b.workdir:
            return b
    # one build whose output docklint could not name, and nothing else writes the file
    if len(builds) == 1 and builds[0].output is None and builds[0].tool != "go install":
        return builds[0]
    return None


def exe_paths(facts: "Facts", index: int, exe: str) -> list[str]:
    """Where the image of stage ``index`` looks for the program ``exe``."""
    if "/" not in exe:
        return [posixpath.join(d, exe) for d in _DEFAULT_PATH]
    if exe.startswith("/"):
        return [_norm(exe)]
    stage = facts.df.stages[index]
    return [_norm(posixpath.join(facts.workdir(stage, None), exe))]


def copies_from(facts: "Facts", index: int
                ) -> list[tuple[Instruction, int | None, list[str], str]]:
    """COPY --from in the chain of ``index``: (instruction, source stage, sources, dest)."""
    out = []
    chain = {s.index for s in facts.df.graph.chain(index)}
    for edge in facts.df.graph.edges:
        if edge.kind != "copy" or edge.source not in chain:
            continue
        srcs, dest = facts.copy_paths(edge.instruction)
        out.append((edge.instruction, edge.target, srcs, dest or ""))
    return out
