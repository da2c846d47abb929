"""What a compile command builds for: its target (a target triple, Go's GOOS/GOARCH, a tinygo
or zig target), read from the resolved command line, and what kind of target that is.

The command line is read the way the shell will run it (:class:`CommandLine`): ``$VAR`` and
``${VAR}`` in its words expand against the ARG and ENV values in scope and the literal
assignments the script makes before it (``export T=x86_64-unknown-linux-musl``, also in every
branch of a ``case``); a word that depends on anything else (an ARG without a value, ``$(...)``,
a loop variable) is *unresolved*, and so is a target read from it: kind ``unknown``, never
guessed at.

Kinds (:func:`classify`): ``wasm`` (WebAssembly: wasm32-*, wasi, emscripten, GOARCH=wasm),
``musl``, ``gnu`` (glibc), ``windows`` (msvc, mingw, cygwin), ``apple``, ``android``, ``bare``
(no operating system: ``*-none-*``, ``*-elf``, boards), ``unknown`` (unresolved, or a target
docklint does not recognise). No target at all means the command builds for the machine it
runs on: :func:`target_of` returns None and the builder's own libc decides.
"""

from __future__ import annotations

import re
from docklint.record import record
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from docklint.lazyre import lazy
from ..variables import expand

if TYPE_CHECKING:
    from ..model import Stage
    from ..shell import Command, Script
    from ..syntax import Instruction
    from . import Facts

__all__ = ["Target", "CommandLine", "KINDS", "FOREIGN", "classify", "go_kind", "target_of",
           "c_compiler", "cargo_subcommand", "rust_crt_static", "cargo_config", "CargoConfig",
           "is_wasm_platform", "UNSET"]

KINDS = ("wasm", "musl", "gnu", "windows", "apple", "android", "bare", "unknown")
# kinds whose programs are not Linux programs at all: a Linux image cannot run them
FOREIGN = ("windows", "apple", "android", "bare")


class _Unset:
    """A variable nothing in the build sets (the shell reads it as empty)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()

_WASM_WORDS = ("wasi", "wasip1", "wasip2", "wasip3", "emscripten")
_APPLE_WORDS = ("apple", "darwin", "macos", "macosx", "ios", "tvos", "watchos", "visionos")
_OTHER_OS = ("freebsd", "netbsd", "openbsd", "dragonfly", "illumos", "solaris", "haiku",
             "fuchsia", "redox", "aix", "hurd")


def classify(triple: str | None) -> str:
    """The kind of a target triple (``x86_64-unknown-linux-musl``, ``aarch64-linux-gnu``,
    ``wasm32-wasip1``, ``x86_64-w64-mingw32``, ``thumbv7em-none-eabihf``...): one of
    :data:`KINDS`."""
    if not triple:
        return "unknown"
    t = triple.strip().lower()
    parts = [p for p in re.split(r"[-_.]", t) if p]
    if not parts:
        return "unknown"
    if parts[0].startswith("wasm") or any(p in _WASM_WORDS or p.startswith("wasm")
                                          for p in parts[1:]):
        return "wasm"
    if any(p in ("windows", "msvc", "mingw32", "mingw", "w64", "cygwin", "win32", "uwp")
           for p in parts):
        return "windows"
    if any(p.startswith("android") or p.startswith("androideabi") for p in parts):
        return "android"
    if any(p in _APPLE_WORDS for p in parts):
        return "apple"
    if any(p in _OTHER_OS for p in parts):
        return "unknown"
    if any(p.startswith("musl") for p in parts):
        return "musl"
    if "linux" in parts and any(p.startswith("gnu") for p in parts):
        return "gnu"
    if "none" in parts or "elf" in parts or "uefi" in parts or "cuda" in parts or \
            (any(p.startswith("eabi") for p in parts) and "linux" not in parts):
        return "bare"
    return "unknown"


def go_kind(goos: str, goarch: str) -> str | None:
    """The kind of a Go target; None for linux (the libc question stays open: cgo decides)."""
    goos, goarch = goos.strip().lower(), goarch.strip().lower()
    if goarch == "wasm" or goos in ("js", "wasip1", "wasip2", "wasi"):
        return "wasm"
    if goos in ("", "linux"):
        return None
    if goos == "windows":
        return "windows"
    if goos in ("darwin", "ios"):
        return "apple"
    if goos == "android":
        return "android"
    return "unknown"


def is_wasm_platform(platform: str) -> bool:
    """Whether an OCI platform (``--platform=wasi/wasm``, ``wasip1/wasm``, ``wasi/wasm32``)
    is a WebAssembly one."""
    parts = platform.strip().lower().split("/")
    return parts[0].startswith("wasi") or (len(parts) > 1 and parts[1].startswith("wasm"))


@record(frozen=True)
class Target:
    """What a compile command builds for: ``text`` as resolved (None when unresolved),
    ``kind`` (:func:`classify`) and ``via``, where the build says so (``--target``,
    ``CARGO_BUILD_TARGET``, ``GOOS/GOARCH``, ``the compiler's name``...)."""

    text: str | None
    kind: str
    via: str


# ---- the command line as the shell runs it
_ASSIGN = r"(?:^|[;&|(\s{])(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)*)?{name}=" \
          r"(\"[^\"]*\"|'[^']*'|[^\s;&|)]*)"


class CommandLine:
    """One command of a RUN as the shell will run it: its words and variables resolved
    against the ARG/ENV values in scope and the script's own literal assignments before it.

    ``args`` holds one entry per argument after word splitting: the text, or None where
    docklint cannot tell (``$(...)``, an unset ARG, a loop variable)."""

    def __init__(self, facts: "Facts", stage: "Stage", ins: "Instruction", script: "Script",
                 cmd: "Command") -> None:
        self.facts = facts
        self.stage = stage
        self.ins = ins
        self.script = script
        self.cmd = cmd
        self._env = None
        self._args: tuple[str | None, ...] | None = None

    # -- variables
    def env(self) -> dict:
        """The variables a ``$NAME`` in the command sees: ARG/ENV in scope, overlaid with
        what the script assigns before the command (None where that is not a literal)."""
        if self._env is None:
            env = dict(self.stage.env_before(self.ins))
            for name, at in self.script.assigned.items():
                if at < self.cmd.start:
                    values = self._assigned(name)
                    if values is not None:
                        env[name] = values[0] if values and len(set(values)) == 1 else None
            self._env = env
        return self._env

    def _assigned(self, name: str) -> list[str | None] | None:
        """The values the script assigns to ``name`` before the command (literal assignments,
        one per branch), expanded; [] when it assigns it in another way (``for``, ``read``);
        None when its only assignments are prefixes of other commands (``X=1 cmd``), which
        do not outlive them."""
        rx = re.compile(_ASSIGN.replace("{name}", re.escape(name)))
        prefixes = {a.start for c in self.script.commands for a in c.assignments}
        out: list[str | None] = []
        seen_prefix = False
        base = dict(self.stage.env_before(self.ins))
        for m in rx.finditer(self.script.text, 0, self.cmd.start):
            at = m.start() + m.group(0).index(name + "=")
            if at in prefixes:
                seen_prefix = True
                continue
            out.append(_shell_value(m.group(1), base))
        if not out and seen_prefix:
            return None
        return out

    def values(self, name: str) -> "list[str | None] | _Unset":
        """Every value ``name`` may have for this command: a ``NAME=x`` prefix of the command,
        else the script's assignments before it (one per branch), else ARG/ENV in scope;
        None for a value docklint cannot resolve; UNSET when nothing in the build sets it."""
        for a in self.cmd.assignments:
            key, _, raw = a.raw.partition("=")
            if key == name:
                return [_shell_value(raw, self.env())]
        at = self.script.assigned.get(name)
        if at is not None and at < self.cmd.start:
            found = self._assigned(name)
            if found is not None:
                return found if found else [None]
        env = self.stage.env_before(self.ins)
        if name in env:
            return [env[name]]
        known = self.facts.df.image_env(self.stage.index)
        if known is None or name in known:
            return [None]          # the base image may set it: unknown
        return UNSET

    def var(self, name: str) -> "str | None | _Unset":
        """The value of ``name`` for this command: UNSET, one value, or None (unresolved, or
        several different values)."""
        found = self.values(name)
        if found is UNSET:
            return UNSET
        return found[0] if len(set(found)) == 1 else None

    # -- arguments
    @property
    def args(self) -> tuple[str | None, ...]:
        if self._args is None:
            out: list[str | None] = []
            for w in self.cmd.args:
                if not w.dynamic:
                    out.append(w.value)
                    continue
                if "$(" in w.raw or "`" in w.raw:
                    out.append(None)
                    continue
                value = expand(w.value, self.env(), "\\").value
                if value is None:
                    out.append(None)
                elif '"' not in w.raw and "'" not in w.raw:
                    out.extend(value.split())       # an unquoted expansion is split
                else:
                    out.append(value)
            self._args = tuple(out)
        return self._args

    @property
    def resolved(self) -> bool:
        """Whether every argument is known."""
        return None not in self.args

    def hides_flags(self, *carriers: str) -> bool:
        """Whether an argument docklint cannot resolve may hold flags that matter: a bare
        expansion (``$LDFLAGS``, ``$(pkg-config --libs x)``) that is not the value of an
        option, or the value of one of the options ``carriers`` (``-ldflags``, ``-tags``...).
        ``-o "$OUT"``, ``-gcflags="$X"``, ``--features "$F"`` or a path do not."""
        words = self.cmd.args
        for i, w in enumerate(words):
            if not w.dynamic:
                continue
            if "$(" not in w.raw and "`" not in w.raw and \
                    expand(w.value, self.env(), "\\").value is not None:
                continue
            head = w.value.split("=", 1)[0] if w.value.startswith("-") else ""
            if head:
                if head in carriers and not _literal_around(w.value[len(head) + 1:]):
                    return True
                continue            # -gcflags=$X, --target=$T: that option's value
            prev = words[i - 1].value if i else ""
            if prev.startswith("-") and "=" not in prev:
                if prev in carriers and not _literal_around(w.value):
                    return True
                continue            # -o "$OUT": that option's value
            if w.raw.lstrip("\"'").startswith("$") and "/" not in w.value:
                return True         # a bare "$FLAGS" may expand to anything
        return False

    def flag_values(self, *names: str, stop: str | None = "--") -> list[str | None]:
        """Every value given to one of the flags ``names`` (``-f v``, ``-f=v``, ``--f v``,
        ``--f=v``), in order; None for an unresolved one."""
        out: list[str | None] = []
        args = self.args
        i = 0
        while i < len(args):
            a = args[i]
            if a is not None and stop is not None and a == stop:
                break
            if a is not None:
                for n in names:
                    if a == n:
                        out.append(args[i + 1] if i + 1 < len(args) else None)
                        i += 1
                        break
                    if a.startswith(n + "="):
                        out.append(a[len(n) + 1:])
                        break
            i += 1
        return out

    def has(self, *flags: str) -> bool:
        return any(a in flags for a in self.args if a is not None)

    def positional(self) -> list[str | None]:
        """Arguments that are not flags (a crude split, as :meth:`Command.positional`)."""
        out: list[str | None] = []
        for a in self.args:
            if a == "--":
                break
            if a is None or not a.startswith("-"):
                out.append(a)
        return out


def _literal_around(value: str) -> bool:
    """Whether the unresolved parts of an option's value are embedded in literal text
    (``-X main.version=$V -s -w``): values of its own settings, not more flags."""
    rest = re.sub(r"\$\([^)]*\)|\$\{[^}]*\}|\$\w+|`[^`]*`", "", value)
    return bool(re.search(r"[A-Za-z]", rest))


def _shell_value(raw: str, env) -> str | None:
    """The value of a shell assignment's right-hand side, as written."""
    if "$(" in raw or "`" in raw:
        return None
    if raw.startswith("'") and raw.endswith("'") and len(raw) >= 2:
        return raw[1:-1]
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        raw = raw[1:-1]
    return expand(raw, env, "\\").value if "$" in raw else raw


# ---- what a command builds for
_CC = lazy(r"^(?:(?P<prefix>[A-Za-z0-9_.]+(?:-[A-Za-z0-9_.]+)*)-)?"
                 r"(?P<driver>gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-\d+(?:\.\d+)*)?$")


def c_compiler(name: str) -> tuple[str | None, bool] | None:
    """(target prefix of its name or None, C++ driver) when ``name`` is a C/C++ compiler
    driver: ``gcc``, ``clang++-17``, ``x86_64-linux-musl-gcc``, ``musl-gcc``,
    ``aarch64-linux-gnu-g++``, ``x86_64-w64-mingw32-gcc``; else None."""
    m = _CC.match(name)
    if m is None:
        return None
    return m.group("prefix"), "++" in m.group("driver")


def cargo_subcommand(cl: CommandLine) -> str | None:
    """The subcommand of a cargo/cross command (``cargo +nightly build`` too)."""
    for a in cl.positional():
        if a is None:
            return None
        if a.startswith("+"):
            continue
        return a
    return None


def target_of(facts: "Facts", cl: CommandLine) -> Target | None:
    """What the compile command ``cl`` builds for; None when it gives no target (it builds
    for the machine it runs on) or is not a compile command docklint knows."""
    name = cl.cmd.name
    if name in ("cargo", "cross"):
        return _cargo_target(facts, cl)
    if name == "rustc":
        return _one(cl.flag_values("--target"), "--target")
    if name in ("go", "tinygo"):
        if name == "tinygo":
            found = cl.flag_values("-target", "--target")
            if found:
                value = found[-1]
                if value is None:
                    return Target(None, "unknown", "-target")
                kind = _tinygo_kind(value)
                return Target(value, kind, "-target")
        return _go_target(cl)
    if name in ("emcc", "em++", "emcmake", "emmake"):
        return Target("wasm32-unknown-emscripten", "wasm", "emscripten")
    if name in ("wasm-pack", "trunk"):
        return Target("wasm32-unknown-unknown", "wasm", name)
    if name == "zig":
        if cl.flag_values("-Dtarget"):
            return _one(cl.flag_values("-Dtarget"), "-Dtarget")
        return _one(cl.flag_values("-target", "--target"), "-target")
    cc = c_compiler(name)
    if cc is not None:
        found = cl.flag_values("--target", "-target") if "clang" in name else []
        if found:
            return _one(found, "--target")
        prefix, _cxx = cc
        if prefix:
            kind = classify(prefix)
            return Target(prefix, kind, "the compiler's name")
    return None


def _one(values: list[str | None], via: str) -> Target | None:
    """The target named by the values of a flag (several: all of one kind, else unknown)."""
    if not values:
        return None
    if any(v is None for v in values):
        return Target(None, "unknown", via)
    kinds = {classify(v) for v in values}
    kind = kinds.pop() if len(kinds) == 1 else "unknown"
    return Target(", ".join(dict.fromkeys(values)), kind, via)


def _tinygo_kind(value: str) -> str:
    v = value.lower()
    if v.startswith("wasm") or v.startswith("wasi"):
        return "wasm"
    if "-" in v:
        return classify(v)
    return "bare"               # a board or chip: pico, arduino, esp32, microbit...


def _go_target(cl: CommandLine) -> Target | None:
    goos = cl.values("GOOS")
    goarch = cl.values("GOARCH")
    os_values = [""] if goos is UNSET else goos
    arch_values = [""] if goarch is UNSET else goarch
    kinds = set()
    for o in os_values:
        for a in arch_values:
            if o is None:
                kinds.add("unknown")
            elif a is None:
                # the arch matters only for wasm, which needs GOOS=js/wasip1
                kinds.add(go_kind(o, "") if o not in ("", "linux") else None)
            else:
                kinds.add(go_kind(o, a))
    if kinds == {None}:
        return None
    text = None
    if len(os_values) == 1 and len(arch_values) == 1 and None not in os_values + arch_values:
        text = f"{os_values[0] or 'linux'}/{arch_values[0] or 'native'}"
    kind = kinds.pop() if len(kinds) == 1 else "unknown"
    return Target(text, kind, "GOOS/GOARCH")


def _cargo_target(facts: "Facts", cl: CommandLine) -> Target | None:
    found = cl.flag_values("--target")
    if found:
        return _one(found, "--target")
    for value in cl.flag_values("--config"):
        if value is None:
            return Target(None, "unknown", "--config")
        m = re.match(r"\s*build\.target\s*=\s*(.*)$", value)
        if m:
            triples = re.findall(r"[\"']([^\"']+)[\"']", m.group(1)) or [m.group(1).strip()]
            return _one(triples, "--config build.target")
    env = cl.values("CARGO_BUILD_TARGET")
    if env is not UNSET:
        return _one(list(env), "CARGO_BUILD_TARGET")
    config = cargo_config(facts, cl.stage, cl.ins)
    if config.targets:
        return _one(list(config.targets), ".cargo/config")
    return None


# ---- Rust's crt-static (a gnu target linked statically, a musl one dynamically)
_CRT_STATIC = lazy(r"target-feature\s*=\s*[\"']?([^\s\"'\]]*?)([+-])crt-static")
_RUSTFLAGS_ENV = ("CARGO_ENCODED_RUSTFLAGS", "RUSTFLAGS")


def rust_crt_static(facts: "Facts", cl: CommandLine, triple: str | None = None
                    ) -> tuple[bool | None, str]:
    """Whether a cargo/rustc build for ``triple`` (None: the builder's own, taken to be
    x86_64 Linux with the builder's libc, as docklint assumes a linux/amd64 build) sets
    ``-C target-feature=+crt-static`` (True) or ``-crt-static`` (False), or says nothing
    (None); and, when that answer is not certain, why: flags docklint cannot read (an
    unresolved RUSTFLAGS or argument), a .cargo/config it cannot see (``"config"``), a
    ``[target.'cfg(...)']`` table it cannot match (``""`` when certain).

    Cargo takes the flags from the first of: ``CARGO_ENCODED_RUSTFLAGS``, ``RUSTFLAGS``, every
    ``target.<triple>.rustflags`` and ``target.<cfg>.rustflags`` setting that matches the
    target (``CARGO_TARGET_<TRIPLE>_RUSTFLAGS``, ``--config``, the config files), and
    ``build.rustflags`` (``CARGO_BUILD_RUSTFLAGS``, ``--config``, the config files); a
    setting for another target does not apply. rustc reads only its own arguments."""
    why = ""
    texts: list[str] = []
    config_args = set()
    if cl.cmd.name != "rustc":
        config_args = {i for i, a in enumerate(cl.args) if a is not None and i > 0 and
                       cl.args[i - 1] == "--config"} | \
            {i for i, a in enumerate(cl.args) if a is not None and a.startswith("--config=")}
        env_flags = None
        for name in _RUSTFLAGS_ENV:
            v = cl.var(name)
            if v is None:
                why = why or f"{name} has a value docklint cannot resolve"
            elif v is not UNSET and env_flags is None:
                env_flags = str(v).replace("\x1f", " ")
        if env_flags is not None:
            texts.append(env_flags)
        else:
            flags, doubt = _config_rustflags(facts, cl, triple)
            texts += flags
            why = why or doubt
    if cl.hides_flags("--config", "-C", "--codegen"):
        why = why or "its arguments have values docklint cannot resolve"
    texts += [a for i, a in enumerate(cl.args) if a is not None and i not in config_args]
    # -C target-feature=... may be split over two words
    joined = " ".join(texts).replace("-C target-feature", "-Ctarget-feature")
    found = _CRT_STATIC.findall(joined)
    if not found:
        return None, why
    return found[-1][1] == "+", why


def _config_rustflags(facts: "Facts", cl: CommandLine, triple: str | None
                      ) -> tuple[list[str], str]:
    """The rustflags cargo takes from its configuration for a build for ``triple`` (see
    :func:`rust_crt_static`), and why that may be incomplete (``""`` when certain)."""
    host = None
    if triple is None:
        base = facts.base_facts(cl.stage.index)
        libc = base.libc if base else None
        host = "musl" if libc == "musl" else "gnu" if libc == "glibc" else None
        triple = f"x86_64-unknown-linux-{host}" if host else None
    why = ""
    config = cargo_config(facts, cl.stage, cl.ins)
    if config.unseen:
        why = "config"
    # settings, highest precedence first: --config on the command line, the environment,
    # the files
    settings: list[tuple[str, str]] = []
    for value in cl.flag_values("--config"):
        if value is None:
            continue            # hides_flags reports it
        m = re.match(r"\s*((?:[\w.\-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[\w\-]+|\"[^\"]*\""
                     r"|'[^']*'))*)\s*=\s*(.*)$", value, re.S)
        if m:
            path = _key_path(m.group(1))
            if path[-1:] == ("rustflags",):
                settings.append((".".join(path[:-1]) if path[:1] == ("build",) else
                                 "target." + ".".join(path[1:-1]), m.group(2)))
    if triple is not None:
        env_name = "CARGO_TARGET_" + re.sub(r"[^A-Za-z0-9]", "_", triple).upper() + "_RUSTFLAGS"
        v = cl.var(env_name)
        if v is None:
            why = why or f"{env_name} has a value docklint cannot resolve"
        elif v is not UNSET:
            settings.append((f"target.{triple}", str(v)))
    build_env = cl.var("CARGO_BUILD_RUSTFLAGS")
    if build_env is None:
        why = why or "CARGO_BUILD_RUSTFLAGS has a value docklint cannot resolve"
    elif build_env is not UNSET:
        settings.append(("build", str(build_env)))
    settings += list(config.rustflags)
    target_flags: list[str] = []
    build_flags: list[str] = []
    for table, text in settings:
        if table == "build":
            build_flags.append(text)
            continue
        if not table.startswith("target."):
            continue
        applies = _target_applies(table[len("target."):], triple)
        if applies:
            target_flags.append(text)
        elif applies is None and _CRT_STATIC.search(text):
            why = why or (f"its cargo configuration sets rustflags for {table}, which may "
                          "apply")
    if target_flags:
        # every matching target table is joined; build.rustflags is then ignored
        return list(reversed(target_flags)), why
    return list(reversed(build_flags)), why


def _key_path(key: str) -> tuple[str, ...]:
    """The parts of a dotted TOML key (``target."x86_64-unknown-linux-gnu".rustflags``)."""
    return tuple(a or b or c for a, b, c in
                 re.findall(r"\"([^\"]*)\"|'([^']*)'|([^.\s\"']+)", key))


def _target_applies(key: str, triple: str | None) -> bool | None:
    """Whether the ``[target.<key>]`` table of a cargo configuration (a triple, or
    ``cfg(...)``) applies to a build for ``triple``; None when docklint cannot tell."""
    key = key.strip()
    if triple is None:
        return None
    if not key.startswith("cfg("):
        return key == triple
    return _cfg(key, triple)


_CFG_TOKEN = lazy(r"\s*(?:([A-Za-z_][\w]*)\s*(?:=\s*\"([^\"]*)\")?|([(),]))")


def _cfg(expr: str, triple: str) -> bool | None:
    """The value of a ``cfg(...)`` predicate for a build for ``triple``: True, False, or
    None (a key docklint does not know: target_feature, feature...). Bounded by the text."""
    parts = triple.lower().split("-")
    arch = parts[0]
    kind = classify(triple)
    os_ = "linux" if "linux" in parts else "windows" if kind == "windows" else \
        "macos" if kind == "apple" else "android" if kind == "android" else \
        "none" if kind == "bare" else None
    env = "musl" if kind == "musl" else "gnu" if kind == "gnu" else \
        "msvc" if "msvc" in parts else None
    known = {"target_arch": arch, "target_os": os_, "target_env": env,
             "target_family": "unix" if os_ in ("linux", "macos", "android") else
             "windows" if os_ == "windows" else "wasm" if kind == "wasm" else None}
    pos = 0

    def atom(depth: int = 0) -> bool | None:
        nonlocal pos
        if depth > 32:          # cargo's own predicates nest two or three levels
            raise ValueError(expr)
        m = _CFG_TOKEN.match(expr, pos)
        if m is None or not m.group(1):
            raise ValueError(expr)
        pos = m.end()
        name, value = m.group(1), m.group(2)
        if name in ("all", "any", "not") and value is None:
            m2 = _CFG_TOKEN.match(expr, pos)
            if m2 is None or m2.group(3) != "(":
                raise ValueError(expr)
            pos = m2.end()
            args: list[bool | None] = []
            while True:
                m3 = _CFG_TOKEN.match(expr, pos)
                if m3 is None:
                    raise ValueError(expr)
                if m3.group(3) == ")":
                    pos = m3.end()
                    break
                if m3.group(3) == ",":
                    pos = m3.end()
                    continue
                args.append(atom(depth + 1))
            if name == "not":
                return None if not args or args[0] is None else not args[0]
            if name == "all":
                return False if False in args else None if None in args else True
            return True if True in args else None if None in args else False
        if value is None:
            if name in ("unix", "windows"):
                family = known["target_family"]
                return None if family is None else family == name
            return None
        if name in known:
            return None if known[name] is None else known[name] == value
        return None

    try:
        m = re.match(r"\s*cfg\s*\((.*)\)\s*$", expr, re.S)
        if m is None:
            return None
        expr = m.group(1)
        result = atom()
        if expr[pos:].strip():
            return None
        return result
    except ValueError:
        return None


# ---- .cargo/config files the build writes or copies in
@record(frozen=True)
class CargoConfig:
    """What the cargo configuration files of a build say: ``targets`` (build.target),
    ``rustflags`` (each rustflags setting: the table it is in, ``build`` or
    ``target.<triple or cfg(...)>``, and its text), and ``unseen`` when the build copies in
    or writes files docklint cannot read that may hold one (a whole context it does not
    have, a path it cannot resolve)."""

    targets: tuple[str, ...] = ()
    rustflags: tuple[tuple[str, str], ...] = ()
    unseen: bool = False


_CONFIG_PATH = lazy(r"(?:^|/)\.?cargo/config(?:\.toml)?$")
# a path that may be a cargo configuration file once its variables are known
_MAYBE_CONFIG = lazy(r"(?i)cargo[^/]*(?:/config(?:\.toml)?)?/?$|/config(?:\.toml)?$")
_TOML_HEADER = lazy(r"^[ \t]*\[(?!\[)([^\]\n]*)\][ \t]*(?:#.*)?$", re.M)
_TOML_SETTING = lazy(
    r"^[ \t]*((?:[\w\-]+|\"[^\"\n]*\"|'[^'\n]*')(?:[ \t]*\.[ \t]*(?:[\w\-]+|\"[^\"\n]*\""
    r"|'[^'\n]*'))*)[ \t]*=[ \t]*(\[[^\]]*\]|\"[^\"\n]*\"|'[^'\n]*')", re.M)


def _toml_settings(text: str) -> list[tuple[tuple[str, ...], str]]:
    """The ``target`` and ``rustflags`` settings of a cargo configuration text: (the full key
    path, table headers included, the value as written). A light scan, not a TOML parser:
    it also reads text that is not quite valid TOML (a printf with its quotes gone)."""
    headers = [(m.start(), _key_path(m.group(1))) for m in _TOML_HEADER.finditer(text)]
    out = []
    for m in _TOML_SETTING.finditer(text):
        key = _key_path(m.group(1))
        if not key or key[-1] not in ("target", "rustflags"):
            continue
        table: tuple[str, ...] = ()
        for at, path in headers:
            if at > m.start():
                break
            table = path
        out.append((table + key, m.group(2)))
    return out


def cargo_config(facts: "Facts", stage: "Stage", before: "Instruction") -> CargoConfig:
    """The cargo configuration a cargo command run by ``before`` (in ``stage``) reads: files
    the chain writes with RUN or COPY heredocs, and files of the build context it copies in
    (``.cargo/config.toml`` in the working directory or above it, ``$CARGO_HOME/config.toml``,
    with ``CARGO_HOME`` read from the ENV in scope or from the image: the rust image sets
    ``/usr/local/cargo``). ``unseen`` when a copy may bring one docklint cannot read: a
    directory copied to the working directory (or above it) from a context docklint does
    not have on disk, or one that does not hold the Cargo project (so not the context the
    build uses); or a copy or a RUN writes to a path it cannot resolve that may be one
    (``$HOME/.cargo/config.toml`` with HOME unknown)."""
    from ._core import memo
    cache = memo(facts, "_cargo_config")
    key = (stage.index, before.index)
    if key in cache:
        return cache[key]
    workdir = facts.workdir(stage, before)
    texts: list[str] = []
    unseen = False
    for st in reversed(facts.df.graph.chain(stage.index)):
        for ins in st.instructions:
            if st is stage and ins.index >= before.index:
                break
            if ins.keyword == "RUN":
                found, blind = _run_written(facts, st, ins)
                texts += found
                unseen = unseen or blind
            elif ins.keyword in ("COPY", "ADD"):
                srcs, dest = facts.copy_paths(ins)
                if dest is None:
                    words = [w.value for w in ins.effective.args]
                    if len(words) >= 2 and "$" in words[-1] and (
                            _MAYBE_CONFIG.search(words[-1]) or any(
                                w.rstrip("/").rsplit("/", 1)[-1] in
                                (".cargo", "config.toml", "config") for w in words[:-1])):
                        unseen = True       # $CARGO_HOME/config.toml, CARGO_HOME unknown
                    continue
                for h in ins.heredocs:
                    if _CONFIG_PATH.search(dest.rstrip("/")) or (
                            dest.endswith("/") and _CONFIG_PATH.search(dest + h.name)):
                        texts.append(h.content)
                if ins.flag("from") is not None:
                    continue
                found, blind = _context_config(facts, ins, srcs, dest, workdir)
                texts += found
                unseen = unseen or blind
    targets: list[str] = []
    flags: list[tuple[str, str]] = []
    for text in texts:
        for path, value in _toml_settings(text):
            if path == ("build", "target"):
                targets += re.findall(r"[\"']([^\"']+)[\"']", value)
            elif path == ("build", "rustflags"):
                flags.append(("build", value))
            elif len(path) >= 3 and path[0] == "target" and path[-1] == "rustflags":
                flags.append(("target." + ".".join(path[1:-1]), value))
    # the files later in the chain come last; cargo_config's callers read the last mention
    cache[key] = result = CargoConfig(tuple(targets), tuple(reversed(flags)), unseen)
    return result


def _run_written(facts: "Facts", stage: "Stage", ins: "Instruction") -> tuple[list[str], bool]:
    """(the cargo configuration texts a RUN writes, whether it writes to a path that may be
    one docklint cannot resolve)."""
    script = facts.script(ins)
    if script is None:
        return [], False
    from .files import with_image_values
    env = with_image_values(facts, stage.index, stage.env_before(ins))
    out = []
    blind = False
    for cmd in script.commands:
        targets = [w.value for w in cmd.writes_to()]
        if cmd.name == "tee":
            targets += [a.value for a in cmd.positional()]
        resolved = []
        for t in targets:
            if "$" in t:
                value = expand(t, env, "\\").value
                if value is None:
                    blind = blind or bool(_MAYBE_CONFIG.search(t))
                    continue
                t = value
            resolved.append(t)
        if not any(_CONFIG_PATH.search(t) for t in resolved):
            continue
        if cmd.name in ("echo", "printf"):
            out.append(" ".join(a.value for a in cmd.args).replace("\\n", "\n"))
        out += [r.body for r in cmd.redirects if r.body is not None]
    return out, blind


def _context_config(facts: "Facts", ins: "Instruction", srcs: list[str], dest: str,
                    workdir: str) -> tuple[list[str], bool]:
    """(the texts of the cargo configuration files a context copy brings in, whether it may
    bring one docklint cannot read)."""
    import posixpath
    texts: list[str] = []
    blind = False
    ctx = None
    if facts.df.context is not None:
        from ..context import context_for
        ctx = context_for(facts.df.context, facts.df.path)
    into = dest.rstrip("/") or "/"
    for s in srcs:
        if s.startswith("<<") or "://" in s:
            continue
        name = posixpath.basename(s.rstrip("/")) or "."
        # where a config file it holds would land: the destination names the file itself,
        # or the source is a .cargo directory, or a directory whose copy lands at or above
        # the working directory (cargo reads .cargo/config.toml there and in every parent)
        as_file = _CONFIG_PATH.search(dest) is not None and not dest.endswith("/")
        cargo_dir = name == ".cargo" or name in ("config.toml", "config") and \
            posixpath.basename(into) in (".cargo", "cargo")
        above = (workdir == into or workdir.startswith(into.rstrip("/") + "/")) and \
            ("." not in name or name in (".", ".."))
        if not (as_file or cargo_dir or above):
            continue
        if ctx is None:
            blind = True
            continue
        listed = list(ctx.files(s))
        if not ctx.complete(s):
            blind = True            # more files than docklint walks: a config may be beyond
        project = any(rel.endswith("Cargo.toml") for rel, _ in listed)
        if above and not (as_file or cargo_dir) and not project:
            blind = True            # the context on disk is not this project's
            continue
        if (as_file or cargo_dir) and not listed:
            blind = True
            continue
        for rel, path in listed:
            if as_file or cargo_dir or _CONFIG_PATH.search(rel):
                text = ctx.read_text(path)
                if text:
                    texts.append(text)
    return texts, blind
