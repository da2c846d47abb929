"""How the programs of an image were built: the builds docklint recognises in a stage's chain
(go and tinygo, cargo/cross/rustc, C/C++ compilers and cross compilers, zig, emcc, wasm-pack),
what they build for (:mod:`.targets`) and how they link, which build produced a file, where the
image looks for a program (its PATH; wasm shims), and what it copies from other stages."""

from __future__ import annotations

import posixpath
import re
from docklint.record import record
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from docklint.lazyre import lazy
from ..source import Span
from ..syntax import Instruction
from ._core import _norm, memo
from .targets import (FOREIGN, UNSET, CommandLine, Target, c_compiler, cargo_config,
                      cargo_subcommand, classify, is_wasm_platform, rust_crt_static,
                      target_of)

if TYPE_CHECKING:
    from . import Facts

__all__ = ["BuildInfo", "builds", "build_info", "built_kind", "build_for", "exe_paths",
           "search_path", "wasm_image", "copies_from"]

_DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


@record(frozen=True)
class BuildInfo:
    """How a stage built its program: ``kind`` is static | glibc | musl | cc (glibc plus
    libgcc/libstdc++) | wasm (a WebAssembly module) | foreign (a program for another OS or
    for no OS: Windows, macOS, Android, bare metal) | unknown (the builder's libc, or the
    target, is unknown). ``certain`` is False when the linking depends on what docklint
    cannot see (a Go build without CGO_ENABLED=0 is dynamic only if it uses cgo; a cargo build
    may take its target or flags from a .cargo/config the build copies in); ``caveat`` says
    what. ``output`` is the absolute path it writes, when the command names it; ``target`` the
    target triple (or GOOS/GOARCH) it builds for, when it names one. ``libs`` are the shared
    libraries beyond the C library a ``cc`` program needs: ``libgcc_s`` for Rust (its standard
    library unwinds with it) and for C++ linked with ``-static-libstdc++``, ``libgcc_s`` and
    ``libstdc++`` for other C++. ``tags`` are the Go build tags of a go build (``-tags``, also
    from ``GOFLAGS``)."""

    kind: str
    how: str
    tool: str
    instruction: Instruction
    span: Span
    certain: bool = True
    output: str | None = None
    workdir: str = "/"
    target: str | None = None
    caveat: str = ""
    libs: tuple[str, ...] = ()
    tags: frozenset[str] = frozenset()


# ---- what was built
def built_kind(facts: "Facts", index: int) -> tuple[str, str] | None:
    """How the program of stage ``index`` was built: (kind, how), kind one of static,
    glibc, cc, musl, wasm, foreign, unknown; None when the stage builds nothing docklint
    recognises."""
    info = facts.build_info(index)
    return (info.kind, info.how) if info else None


def build_info(facts: "Facts", index: int) -> BuildInfo | None:
    """The last program build in the chain of stage ``index`` docklint recognises."""
    builds = facts.builds(index)
    return builds[-1] if builds else None


_CC_PACKAGES = ("gcc", "build-base", "musl-dev", "g++", "clang", "build-essential")
# compiler flags that make no executable (objects, preprocessed text, shared libraries) or
# only print something
_NO_EXECUTABLE = ("-c", "-E", "-S", "-M", "-MM", "-shared", "--version", "-v", "-dumpversion",
                  "-dumpmachine", "--help", "-print-search-dirs", "-###", "-fsyntax-only")
_STATIC_FLAGS = ("-static", "-static-pie", "--static")
# a C driver links the C++ runtime for C++ sources or when told to
_CXX_SOURCE = lazy(r"\.(?:cpp|cc|cxx|c\+\+|cp|CPP|C|ii)$")
_CXX_FLAG = lazy(r"^(?:-lstdc\+\+|-lc\+\+|-std=(?:c|gnu)\+\+\w*|-stdlib=.*|-x\s*c\+\+)$")
_CARGO_BUILDS = ("build", "install", "zigbuild", "rustc", "auditable")
_GO_NOT_EXECUTABLE = ("c-shared", "c-archive", "shared", "plugin", "archive")


def builds(facts: "Facts", index: int) -> list[BuildInfo]:
    """Every program build docklint recognises in the chain of stage ``index``, in order:
    go build/install, tinygo, cargo/cross build/install/zigbuild, rustc, C/C++ compilers
    (cross compilers by name, clang --target, zig cc), emcc, wasm-pack. What they build for
    is read from the resolved command line (:mod:`.targets`)."""
    from ._core import memo
    cache = memo(facts, "_builds")
    if index in cache:
        return cache[index]
    base = facts.base_facts(index)
    libc = base.libc if base else None
    chain = list(reversed(facts.df.graph.chain(index)))
    has_cc = any(p in _CC_PACKAGES for stage in chain for p in facts.installed_packages(stage))
    out: list[BuildInfo] = []
    for stage in chain:
        for ins, script, cmd in facts.commands(stage):
            if cmd.name not in _BUILDERS and c_compiler(cmd.name) is None:
                continue
            cl = CommandLine(facts, stage, ins, script, cmd)
            found = _build(facts, cl, libc, has_cc)
            if found is None:
                continue
            workdir = facts.workdir(stage, ins)
            span = script.command_span(cmd)
            for kind, how, tool, output, certain, target, caveat, *more in found:
                if output is not None:
                    output = _norm(posixpath.join(workdir, output))
                libs = more[0] if more else ()
                if kind == "cc" and not libs:
                    libs = ("libgcc_s",) if tool in ("cargo", "rustc") else \
                        ("libgcc_s", "libstdc++")
                tags = _go_tags(cl) if cmd.name == "go" else frozenset()
                out.append(BuildInfo(kind, f"{how}, line {ins.line}", tool, ins, span,
                                     certain, output, workdir, target, caveat, libs, tags))
    cache[index] = out
    return out


_BUILDERS = ("go", "tinygo", "cargo", "cross", "rustc", "zig", "emcc", "em++", "wasm-pack",
             "trunk")
_Found = tuple  # (kind, how, tool, output, certain, target, caveat[, libs])


def _build(facts: "Facts", cl: CommandLine, libc: str | None, has_cc: bool
           ) -> list[_Found] | None:
    name = cl.cmd.name
    if name == "go":
        return _go(facts, cl, libc, has_cc)
    if name in ("cargo", "cross", "rustc"):
        return _rust(facts, cl, libc)
    if name == "tinygo":
        if not cl.positional() or cl.positional()[0] != "build":
            return None
        target = target_of(facts, cl)
        output = _output(cl)
        if target is None:
            return [("unknown", "tinygo build", "tinygo", output, False, None, "")]
        return [(_kind_of(target), f"tinygo build for {_target_text(target)}", "tinygo",
                 output, True, target.text, "")]
    if name in ("emcc", "em++"):
        if cl.has(*_NO_EXECUTABLE):
            return None
        return [("wasm", f"{name} (WebAssembly)", name, _output(cl), True,
                 "wasm32-unknown-emscripten", "")]
    if name in ("wasm-pack", "trunk"):
        if not cl.positional() or cl.positional()[0] != "build":
            return None
        return [("wasm", f"{name} build (WebAssembly)", name, None, True,
                 "wasm32-unknown-unknown", "")]
    if name == "zig":
        pos = cl.positional()
        sub = pos[0] if pos else None
        if sub in ("cc", "c++"):
            return _c(facts, cl, libc, f"zig {sub}", sub == "c++")
        if sub in ("build-exe", "build"):
            target = target_of(facts, cl)
            if target is None:
                return [("unknown", f"zig {sub}", "zig", _output(cl, "-femit-bin"), False,
                         None, "")]
            static = target.kind == "musl" or cl.has(*_STATIC_FLAGS)
            kind = "static" if static else "glibc" if target.kind == "gnu" else \
                _kind_of(target)
            return [(kind, f"zig {sub} for {_target_text(target)}", "zig",
                     _output(cl, "-femit-bin"), True, target.text, "")]
        return None
    cc = c_compiler(name)
    if cc is not None:
        return _c(facts, cl, libc, name, cc[1])
    return None


def _output(cl: CommandLine, *flags: str) -> str | None:
    found = cl.flag_values("-o", *flags, stop=None)
    return found[-1] if found else None


def _target_text(target: Target) -> str:
    return target.text or f"a target docklint cannot resolve ({target.via})"


def _kind_of(target: Target) -> str:
    """The BuildInfo kind of a program built for ``target`` (gnu and musl aside)."""
    if target.kind == "wasm":
        return "wasm"
    if target.kind in FOREIGN:
        return "foreign"
    return "unknown"


def _go(facts: "Facts", cl: CommandLine, libc: str | None, has_cc: bool
        ) -> list[_Found] | None:
    pos = cl.positional()
    sub = pos[0] if pos else None
    if sub not in ("build", "install"):
        return None
    if any(v in _GO_NOT_EXECUTABLE for v in cl.flag_values("-buildmode")):
        return None
    tool = "go install" if sub == "install" else "go"
    output = _output(cl) if sub == "build" else None
    target = target_of(facts, cl)
    if target is not None and target.kind != "unknown":
        kind = _kind_of(target)
        return [(kind, f"go {sub} for {_target_text(target)}", tool, output,
                 kind != "unknown", target.text, "")]
    cgo = cl.var("CGO_ENABLED")
    # the words as written too: "-extldflags -static" inside an -ldflags with a $(...); and
    # GOFLAGS, which go reads as flags of every command
    goflags = cl.var("GOFLAGS")
    flags = " ".join([a for a in cl.args if a is not None] + [w.value for w in cl.cmd.args] +
                     ([goflags] if isinstance(goflags, str) else []))
    if cgo == "0":
        return [("static", f"go {sub} with CGO_ENABLED=0", tool, output, True, None, "")]
    if "-static" in flags or {"netgo", "osusergo"} <= _go_tags(cl):
        return [("static", f"go {sub} with static linking", tool, output, True, None, "")]
    if libc == "musl" and not has_cc and cgo is UNSET:
        return [("static", f"go {sub} on alpine without a C compiler (so cgo is off)", tool,
                 output, True, None, "")]
    if target is not None:
        return [("unknown", f"go {sub} for {_target_text(target)}", tool, output, False,
                 None, "")]
    if cgo is None or cl.hides_flags("-ldflags", "-tags", "--ldflags", "--tags"):
        return [("unknown", f"go {sub} with flags docklint cannot resolve", tool, output,
                 False, None, "")]
    arch = cl.var("GOARCH")
    if cgo is UNSET and (arch is None or (isinstance(arch, str) and
                                          arch not in ("", "amd64"))):
        # cross-compiling turns cgo off by default; on a builder of that arch it stays on
        return [("unknown", f"go {sub} for GOARCH={arch or 'a value docklint cannot resolve'}",
                 tool, output, False, None, "")]
    cc = cl.var("CC")
    cc_target = None
    if isinstance(cc, str) and c_compiler(cc.split()[0].rsplit("/", 1)[-1] if cc else ""):
        prefix = c_compiler(cc.split()[0].rsplit("/", 1)[-1])[0]
        cc_target = classify(prefix) if prefix else None
    if cc_target == "musl":
        return [("musl", f"go {sub} with cgo and CC={cc}", tool, output, False, None, "")]
    if cc_target == "gnu":
        return [("glibc", f"go {sub} with cgo and CC={cc}", tool, output, False, None, "")]
    if cc_target is not None:
        return [("unknown", f"go {sub} with CC={cc}", tool, output, False, None, "")]
    if libc is None:
        return [("unknown", f"go {sub} on an image docklint does not know", tool, output,
                 False, None, "")]
    if libc == "musl":
        return [("musl", f"go {sub} with cgo on alpine", tool, output, False, None, "")]
    # dynamic only when the program uses cgo (net, os/user...): likely
    return [("glibc", f"go {sub} without CGO_ENABLED=0 on a glibc image", tool, output,
             False, None, "")]


def _go_tags(cl: CommandLine) -> frozenset[str]:
    """The build tags of a go command: its ``-tags`` (comma- or space-separated), else those
    of a ``-tags=`` in ``GOFLAGS``; unresolved values give none."""
    values = cl.flag_values("-tags", "--tags", stop=None)
    if not values:
        goflags = cl.var("GOFLAGS")
        if isinstance(goflags, str):
            values = [m.group(1) for m in re.finditer(
                r"(?:^|\s)--?tags=(\S+)", goflags)]
    tags: set[str] = set()
    for v in values:
        if v is not None:
            tags.update(t for t in re.split(r"[,\s]+", v.strip("'\"")) if t)
    return frozenset(tags)


def _rust(facts: "Facts", cl: CommandLine, libc: str | None) -> list[_Found] | None:
    name = cl.cmd.name
    if name == "rustc":
        tool, what, output = "rustc", "rustc", _output(cl)
        if not any(a is None or a.endswith(".rs") for a in cl.positional()):
            return None
    else:
        sub = cargo_subcommand(cl)
        if sub not in _CARGO_BUILDS:
            return None
        if sub == "auditable":
            pos = [p for p in cl.positional() if p is None or not p.startswith("+")]
            if len(pos) < 2 or pos[1] != "build":
                return None
        tool, what, output = "cargo", f"{name} {sub}", None
    target = target_of(facts, cl)
    static, flags_doubt = rust_crt_static(
        facts, cl, target.text if target is not None and target.kind in ("gnu", "musl")
        and target.text and ", " not in target.text else None)
    target_doubt = False
    if target is None:
        if name != "rustc":
            target_doubt = cargo_config(facts, cl.stage, cl.ins).unseen
        host = "musl" if libc == "musl" else "gnu" if libc == "glibc" else None
        if host is None:
            return [("unknown", what, tool, output, False, None, "")]
        triple = None
    else:
        if target.kind not in ("gnu", "musl"):
            kind = _kind_of(target)
            return [(kind, f"{what} for {_target_text(target)}", tool, output,
                     kind != "unknown", target.text, "")]
        host, triple = target.kind, target.text
    certain = not target_doubt and not flags_doubt
    if flags_doubt == "config" or target_doubt:
        sets = " or ".join(w for w, doubt in (("another target", target_doubt),
                                               ("-C target-feature=+crt-static",
                                                flags_doubt == "config")) if doubt)
        caveat = f"unless a .cargo/config.toml the build copies in sets {sets}"
    elif flags_doubt:
        caveat = f"unless it sets -C target-feature=+crt-static: {flags_doubt}"
    else:
        caveat = ""
    if host == "musl":
        if static is False:
            return [("musl", f"{what} for {triple or 'a musl target'} with -crt-static", tool,
                     output, certain, triple, caveat)]
        return [("static", f"{what} for a musl target", tool, output, True, triple, "")]
    if static:
        return [("static", f"{what} with +crt-static", tool, output, True, triple, "")]
    how = f"{what} for {triple}" if triple else f"{what} for the builder's glibc target"
    return [("cc", how, tool, output, certain, triple, caveat)]


def _c(facts: "Facts", cl: CommandLine, libc: str | None, name: str, cxx: bool
       ) -> list[_Found] | None:
    if not cl.args or cl.has(*_NO_EXECUTABLE):
        return None
    output = _output(cl)
    args = [a for a in cl.args if a is not None]
    cxx = cxx or any(_CXX_SOURCE.search(a) or _CXX_FLAG.match(a) for a in args) or \
        any(a == "-x" and b.startswith("c++") for a, b in zip(args, args[1:]))
    target = target_of(facts, cl)
    static = cl.has(*_STATIC_FLAGS)
    if static:
        return [("static", f"{name} {next(a for a in cl.args if a in _STATIC_FLAGS)}", name,
                 output, True, target.text if target else None, "")]
    if cl.hides_flags("-Wl", "-Xlinker"):
        return [("unknown", f"{name} with arguments docklint cannot resolve", name, output,
                 False, None, "")]
    # C++ linked with -static-libstdc++ and -static-libgcc needs only the C library; with
    # -static-libstdc++ alone, libgcc_s too (libstdc++.so itself needs libgcc_s, so
    # -static-libgcc alone changes nothing)
    cxx_libs: tuple[str, ...] = ("libgcc_s", "libstdc++")
    no_lib = ""
    if cxx and cl.has("-static-libstdc++"):
        cxx = not cl.has("-static-libgcc")
        cxx_libs = ("libgcc_s",)
        no_lib = " with -static-libstdc++" + ("" if cxx else " -static-libgcc")
    if target is not None:
        # the compiler's name says the target; a --target flag is named
        what = name if target.via == "the compiler's name" else \
            f"{name} {target.via} {target.text}"
        if target.kind == "musl":
            if name.startswith("zig"):
                return [("static", f"{what} (zig links musl statically)", name, output, True,
                         target.text, "")]
            return [("musl", f"{what} without -static", name, output, True, target.text, "")]
        if target.kind == "gnu":
            return [("cc" if cxx else "glibc", f"{what} without -static{no_lib}", name, output,
                     True, target.text, "", cxx_libs if cxx else ())]
        kind = _kind_of(target)
        return [(kind, f"{name} for {_target_text(target)}", name, output, kind != "unknown",
                 target.text, "")]
    if name.startswith("zig"):
        return [("unknown", name, name, output, False, None, "")]
    if libc is None or libc == "none":
        return [("unknown", name, name, output, False, None, "")]
    kind = "cc" if cxx and libc == "glibc" else libc
    return [(kind, f"{name} without -static{no_lib}", name, output, True, None, "",
             cxx_libs if kind == "cc" else ())]


def build_for(facts: "Facts", index: int, path: str) -> BuildInfo | None:
    """The build in the chain of stage ``index`` that produced the file at ``path``."""
    path = _norm(path)
    builds = facts.builds(index)
    by_output, cargo, go_install, go_by_workdir = _build_index(facts, index)
    if path in facts.outputs(index) and path not in by_output:
        return None          # written by cp/mv/curl..., not by a build docklint knows
    # the last build (in the chain's order) that wrote the file: by its output, a cargo
    # build for a path under a target/ directory, a go install into GOPATH's bin, a go
    # build without -o into its working directory
    found = [by_output.get(path, -1)]
    if "/target/" in path:
        m = _CARGO_OUT.search(path)
        in_path = m.group(1) if m and m.group(1) not in ("release", "debug") else None
        found.append(next((at for at in reversed(cargo)
                           if in_path is None or builds[at].target is None or
                           in_path in builds[at].target.split(", ")), -1))
    directory = posixpath.dirname(path)
    if directory in ("/go/bin", "/root/go/bin") and go_install:
        found.append(go_install[-1])
    found.append(go_by_workdir.get(directory, -1))
    if max(found) >= 0:
        return builds[max(found)]
    # one build whose output docklint could not name, and nothing else writes the file (a
    # go build without -o writes into its working directory, or nowhere for several
    # packages: it is matched above or not at all)
    if len(builds) == 1 and builds[0].output is None and \
            builds[0].tool not in ("go install", "go"):
        return builds[0]
    return None


def _build_index(facts: "Facts", index: int
                      ) -> tuple[dict[str, int], list[int], list[int], dict[str, int]]:
    """The builds of the chain of stage ``index`` (their places in ``facts.builds(index)``),
    looked up as :func:`build_for` needs (once per stage: it is asked for every file a COPY
    --from brings): the last one per output, the cargo builds, the go installs without an
    output, and the last go build without an output per working directory."""
    cache = memo(facts, "_build_index")
    if index not in cache:
        by_output: dict[str, int] = {}
        cargo: list[int] = []
        go_install: list[int] = []
        go_by_workdir: dict[str, int] = {}
        for at, b in enumerate(facts.builds(index)):
            if b.output is not None:
                by_output[b.output] = at
            if b.tool == "cargo":
                cargo.append(at)
            if b.tool == "go install" and b.output is None:
                go_install.append(at)
            if b.tool == "go" and b.output is None:
                go_by_workdir[b.workdir] = at
        cache[index] = (by_output, cargo, go_install, go_by_workdir)
    return cache[index]


_CARGO_OUT = lazy(r"/target/([^/]+)/")


# a PATH of more directories than this is taken as unknown (real images have a dozen or two)
MAX_PATH_DIRS = 100


def search_path(facts: "Facts", index: int) -> list[str] | None:
    """The directories the image of stage ``index`` searches for a program named without a
    slash: its PATH, from the ``ENV PATH`` in its chain (``$PATH`` in it is the PATH before),
    else the default PATH BuildKit and Docker use; None when an ENV PATH depends on a value
    docklint cannot resolve, or names more than :data:`MAX_PATH_DIRS` directories (a file
    that appends to PATH thousands of times: each program would be looked for in each).
    Worked out once per stage (asked for every program a RUN names)."""
    cache = memo(facts, "_search_path")
    if index not in cache:
        found = _search_path(facts, index)
        if found is not None and len(found) > MAX_PATH_DIRS:
            found = None
        cache[index] = None if found is None else tuple(found)
    found = cache[index]
    return None if found is None else list(found)


def _search_path(facts: "Facts", index: int) -> list[str] | None:
    path: list[str] | None = list(_DEFAULT_PATH)
    for stage in reversed(facts.df.graph.chain(index)):
        for ins in stage.instructions:
            if ins.keyword != "ENV":
                continue
            for key, value, _ in ins.pairs():
                if key.value != "PATH":
                    continue
                if path is None:
                    continue
                env = dict(stage.env_before(ins))
                env["PATH"] = ":".join(path)
                expanded = facts.df.expand(value.value, env).value
                if expanded is None:
                    path = None
                    continue
                workdir = facts.workdir(stage, ins)
                path = [_norm(posixpath.join(workdir, d)) for d in expanded.split(":") if d]
    return path


def wasm_image(facts: "Facts", index: int) -> bool:
    """Whether the image of stage ``index`` is built for a WebAssembly platform
    (``FROM --platform=wasi/wasm``, ``wasip1/wasm``...): a wasm shim runs it."""
    for stage in facts.df.graph.chain(index):
        if stage.platform and is_wasm_platform(stage.platform):
            return True
    return False


def exe_paths(facts: "Facts", index: int, exe: str) -> list[str] | None:
    """Where the image of stage ``index`` looks for the program ``exe``: a path as it is
    (relative to the WORKDIR), a bare name in each directory of its PATH
    (:func:`search_path`). A WebAssembly module (``*.wasm``, or any entrypoint of an image for
    a wasm platform) is also looked for the way wasm shims do: relative to the WORKDIR and to
    the root. None when the PATH is unknown."""
    stage = facts.df.stages[index]
    workdir = facts.workdir(stage, None)
    if exe.startswith("/"):
        return [_norm(exe)]
    wasm = exe.endswith(".wasm") or facts.wasm_image(index)
    extra = [_norm(posixpath.join(workdir, exe)), _norm("/" + exe)] if wasm else []
    if "/" in exe:
        return list(dict.fromkeys([_norm(posixpath.join(workdir, exe))] + extra))
    path = facts.search_path(index)
    if path is None:
        return None
    return list(dict.fromkeys([posixpath.join(d, exe) for d in path] + extra))


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
