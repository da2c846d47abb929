"""Derived facts about what a build puts in its images, computed once per file on demand.

The flagship rules ask the same questions: what base does a stage's chain end at and what does
that image contain (a shell? a CA bundle? libc?), what did the build copy or install on top of it,
how was the program built (static or dynamic), what does the final image run, and does anything
in it reach for ``https://``. The answers live here so that rules stay small and agree.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

from . import images
from .shell import Command, Script, script_for
from .source import Span
from .syntax import Instruction

if TYPE_CHECKING:
    from .model import Dockerfile, Stage

__all__ = ["Facts", "Evidence", "CaSource", "Runtime", "PACKAGE_MANAGERS"]

URL_RE = re.compile(r"\b(?:https|wss)://[A-Za-z0-9\[][^\s'\"`<>\\)\]}]*")
# TLS client calls in program source, by language
TLS_CALL_RE = re.compile(
    r"\btls\.Dial\b|\btls\.Config\s*\{|\bcredentials\.NewTLS\b|\bcredentials\.NewClientTLS"
    r"|\bssl\.create_default_context\b|\bssl\.wrap_socket\b|\bhttps\.(?:get|request)\s*\("
    r"|\bHttpsURLConnection\b|\bSSLContext\.getInstance\b|\breqwest::Client\b")
# in context files, a URL only counts inside a string literal (comments are full of links)
_QUOTED_URL_RE = re.compile(r"[\"'`]((?:https|wss)://[A-Za-z0-9\[][^\s'\"`<>\\)]*)")

CA_PATHS = ("/etc/ssl/certs", "/etc/ssl/cert.pem", "/etc/pki/tls/certs", "/etc/pki/tls/cert.pem",
            "/etc/pki/ca-trust", "/etc/ca-certificates", "/usr/share/ca-certificates",
            "/usr/local/share/ca-certificates")
CA_FILE_NAMES = ("ca-certificates.crt", "ca-bundle.crt", "cacert.pem", "cert.pem",
                 "ca-bundle.pem", "tls-ca-bundle.pem")
CA_PACKAGES = ("ca-certificates", "ca-certificates-bundle", "ca_root_nss")
# Debian packages whose Recommends/Depends pull in ca-certificates
_PULLS_CA = ("curl", "wget", "openssl", "git", "gnupg", "apt-transport-https", "python3-pip",
             "python3-requests", "ca-certificates-java", "default-jre", "default-jdk",
             "openjdk", "nodejs", "npm", "libcurl4", "libssl")

PACKAGE_MANAGERS = {
    # manager -> subcommands that install
    "apt-get": ("install",), "apt": ("install",), "aptitude": ("install",),
    "apk": ("add",), "dnf": ("install",), "yum": ("install",), "microdnf": ("install",),
    "zypper": ("install", "in"), "tdnf": ("install",), "pacman": ("-S", "-Sy", "-Syu"),
    "pip": ("install",), "pip3": ("install",), "npm": ("install", "i", "ci", "add"),
    "yarn": ("install", "add"), "pnpm": ("install", "add", "i"), "gem": ("install",),
    "composer": ("install", "require"), "bundle": ("install",), "conda": ("install",),
    "go": ("install", "get"), "cargo": ("install",), "uv": ("pip", "sync", "add"),
    "poetry": ("install", "add"),
}
_BUILD_COMMANDS = {"go": ("build", "install", "generate"), "cargo": ("build", "install"),
                   "mvn": (), "gradle": (), "./gradlew": (), "gradlew": (), "make": (),
                   "cmake": (), "ninja": (), "gcc": (), "g++": (), "cc": (), "c++": (),
                   "clang": (), "clang++": (), "javac": (), "dotnet": ("build", "publish"),
                   "npm": ("run", "build"), "yarn": ("build", "run"), "pnpm": ("build", "run"),
                   "tsc": (), "webpack": (), "rustc": (), "bazel": ("build",), "meson": (),
                   "python": ("setup.py",), "python3": ("setup.py",)}
# commands a final stage may run without building or installing anything
BENIGN_COMMANDS = {"chmod", "chown", "chgrp", "mkdir", "ln", "cp", "mv", "rm", "touch", "echo",
                   "printf", "true", "false", "set", "cd", "test", "[", "ls", "cat", "sed",
                   "useradd", "adduser", "addgroup", "groupadd", "usermod", "id", "env",
                   "export", "update-ca-certificates", "setcap", "install", "tee", "sh", "bash",
                   "find", "xargs", "exit", "umask", "unset", ":"}
_PM_CONFIG_PATHS = ("/etc/apt/", "/etc/apk/", "/etc/yum.repos.d/", "/etc/zypp/", "/etc/dnf/",
                    "/etc/pip.conf", ".npmrc", ".pypirc", ".netrc", "/etc/yum.conf",
                    "pip.conf", ".yarnrc", "/etc/resolv.conf", "/etc/hosts")
_SOURCE_EXTENSIONS = (".go", ".rs", ".py", ".js", ".mjs", ".cjs", ".ts", ".java", ".kt", ".rb",
                      ".php", ".c", ".cc", ".cpp", ".h", ".hpp", ".cs", ".swift", ".scala",
                      ".ex", ".exs", ".clj", ".dart", ".lua", ".pl")
_CONFIG_EXTENSIONS = (".yaml", ".yml", ".toml", ".ini", ".conf", ".cfg", ".env",
                      ".properties")
_SKIP_PARTS = {"test", "tests", "testdata", "testing", "__tests__", "docs", "doc", "examples",
               "example", "vendor", "third_party", "node_modules", "fixtures", "spec", "e2e",
               ".github", "scripts", "hack"}


@dataclass(frozen=True)
class Evidence:
    """Something in the build that shows the final program makes TLS calls."""

    text: str                  # the URL or call
    where: str                 # "ENV", "CMD", "program source written by RUN", "file main.go:3"
    span: Span                 # where to point in the Dockerfile
    line: int

    def describe(self) -> str:
        return f"`{self.text}` ({self.where}, line {self.line})"


@dataclass(frozen=True)
class CaSource:
    """Something that puts a CA bundle into an image."""

    instruction: Instruction
    span: Span
    description: str


@dataclass(frozen=True)
class Runtime:
    """What a final image runs: ``kind`` is static | glibc | cc | musl | jar | node | python |
    ruby | php | unknown; ``detail`` says how we know."""

    kind: str
    detail: str
    builder: "int | None" = None     # the stage that built it, when known


class Facts:
    """Derived facts for one :class:`~docklint.model.Dockerfile`."""

    def __init__(self, df: "Dockerfile") -> None:
        self.df = df
        self._scripts: dict[int, Script | None] = {}

    # ---- shell
    def script(self, ins: Instruction) -> Script | None:
        """The parsed shell of a shell-form RUN/CMD/ENTRYPOINT/HEALTHCHECK, or None (exec form,
        or a stage whose SHELL is not a POSIX shell). Parsed once."""
        key = id(ins)
        if key not in self._scripts:
            script = None
            if not ins.effective.json and self.posix_shell(ins):
                script = script_for(ins)
            self._scripts[key] = script
        return self._scripts[key]

    def commands(self, stage: "Stage", keyword: str = "RUN"
                 ) -> Iterator[tuple[Instruction, Script, Command]]:
        for ins in stage.instructions:
            if ins.keyword == keyword:
                script = self.script(ins)
                if script is not None:
                    for cmd in script.commands:
                        yield ins, script, cmd

    def shell_of(self, stage: "Stage", before: Instruction | None = None) -> list[str]:
        """The SHELL in effect (inherited through FROM <stage>); ``["/bin/sh", "-c"]`` if none."""
        for st in self.df.graph.chain(stage.index):
            found = None
            for ins in st.instructions:
                if before is not None and ins is before:
                    break
                if ins.keyword == "SHELL" and ins.json and ins.args:
                    found = [a.value for a in ins.args]
            if found is not None:
                return found
            before = None
        return ["/bin/sh", "-c"]

    def posix_shell(self, ins: Instruction) -> bool:
        stage = self.df.stage_of(ins)
        if stage is None:
            return True
        exe = posixpath.basename(self.shell_of(stage, ins)[0]).lower()
        return not any(x in exe for x in ("powershell", "pwsh", "cmd"))

    # ---- bases
    def base_facts(self, index: int) -> images.ImageFacts | None:
        """Facts about the image at the end of a stage's FROM chain (None when unknown)."""
        root = self.df.graph.root_base(index)
        if root is None:
            return None
        if root.kind == "scratch":
            return images.scratch()
        if root.kind == "image" and root.image is not None:
            return images.lookup(root.image)
        return None

    # ---- installs
    @staticmethod
    def installs(cmd: Command) -> list[str]:
        """Packages a package-manager command installs (as written), else []."""
        subs = PACKAGE_MANAGERS.get(cmd.name)
        if not subs or cmd.name in ("go", "cargo", "npm", "yarn", "pnpm", "pip", "pip3", "uv",
                                    "poetry", "gem", "composer", "bundle", "conda"):
            return []
        pos = cmd.positional()
        if not pos or pos[0].value not in subs:
            if not (cmd.name == "pacman" and any(a.value.startswith("-S") for a in cmd.args)):
                return []
            return [p.value for p in pos]
        return [p.value for p in pos[1:]]

    def installed_packages(self, stage: "Stage") -> list[str]:
        """OS packages a stage installs with a system package manager (apt, apk, dnf...)."""
        out: list[str] = []
        for _ins, _script, cmd in self.commands(stage):
            out += self.installs(cmd)
        return out

    def installs_ca(self, stage: "Stage") -> CaSource | None:
        for ins, script, cmd in self.commands(stage):
            pkgs = self.installs(cmd)
            for p in pkgs:
                name = re.split(r"[=<>~]", p, maxsplit=1)[0]
                if name in CA_PACKAGES:
                    return CaSource(ins, script.command_span(cmd), f"installs {name}")
            if cmd.name in ("apt-get", "apt") and pkgs and \
                    not cmd.has_flag("--no-install-recommends"):
                for p in pkgs:
                    if p.startswith(_PULLS_CA):
                        return CaSource(ins, script.command_span(cmd),
                                        f"installs {p}, which pulls in ca-certificates")
        return None

    # ---- copies
    def copy_paths(self, ins: Instruction) -> tuple[list[str], str | None]:
        """(sources, destination) of a COPY/ADD after ARG/ENV expansion (unresolved words
        dropped)."""
        ins = ins.effective
        words = [w.value for w in ins.args]
        if len(words) < 2:
            return [], None
        stage = self.df.stage_of(ins)
        env = stage.env_before(ins) if stage else {}
        out = []
        for w in words:
            v = self.df.expand(w, env).value
            out.append(v)
        dest = out[-1]
        srcs = [s for s in out[:-1] if s is not None]
        if dest is not None and not dest.startswith("/"):
            workdir = self.workdir(stage, ins) if stage else "/"
            dest = posixpath.join(workdir, dest) + ("/" if dest.endswith("/") else "")
        return srcs, dest

    def workdir(self, stage: "Stage", before: Instruction) -> str:
        wd = "/"
        for st in reversed(self.df.graph.chain(stage.index)):
            for ins in st.instructions:
                if ins is before:
                    return wd
                if ins.keyword == "WORKDIR" and ins.args:
                    v = self.df.expand(ins.args[0].value, st.env_before(ins)).value
                    if v:
                        wd = posixpath.normpath(posixpath.join(wd, v))
        return wd

    def ca_sources(self, index: int) -> list[CaSource]:
        """What brings a CA bundle into the image of stage ``index`` (its whole chain)."""
        out: list[CaSource] = []
        for stage in self.df.graph.chain(index):
            cert_env: list[tuple[Instruction, str]] = []
            for ins in stage.instructions:
                if ins.keyword in ("COPY", "ADD"):
                    srcs, dest = self.copy_paths(ins)
                    for p in [*srcs, dest or ""]:
                        if _is_ca_path(p):
                            out.append(CaSource(ins, ins.span, f"copies {p}"))
                            break
                    else:
                        if ins.flag("from") is not None and dest in ("/", "/etc", "/etc/") and \
                                any(s.rstrip("/") in ("", "/etc") or s == "/" for s in srcs):
                            out.append(CaSource(ins, ins.span, "copies /etc from another image"))
                elif ins.keyword == "ENV":
                    for key, value, _ in ins.pairs():
                        if key.value in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
                            cert_env.append((ins, value.value.strip("\"'")))
            ca = self.installs_ca(stage)
            if ca:
                out.append(ca)
            for ins, path in cert_env:
                for other in stage.instructions:
                    if other.keyword in ("COPY", "ADD"):
                        _, dest = self.copy_paths(other)
                        if dest and (dest == path or (dest.endswith("/") and
                                                      path.startswith(dest))):
                            out.append(CaSource(ins, ins.span, f"SSL_CERT_* points at {path}"))
        return out

    def stage_has_ca(self, index: int) -> bool:
        base = self.base_facts(index)
        return bool(base and base.has_ca_certs) or bool(self.ca_sources(index))

    # ---- evidence of TLS
    def tls_evidence(self, index: int) -> list[Evidence]:
        """Evidence that the program the image of stage ``index`` runs makes TLS calls."""
        out: list[Evidence] = []
        df = self.df
        src = df.source
        graph = df.graph
        chain = graph.chain(index)
        # run-time configuration: ENV and ARG values in the chain
        for stage in chain:
            for ins in stage.instructions:
                if ins.keyword == "ENV":
                    for _key, value, _ in ins.pairs():
                        out += self._urls_in_word(ins, value, "ENV value")
                elif ins.keyword == "ARG":
                    for word in ins.args:
                        if "=" in word.value:
                            out += self._urls_in_word(ins, word, "ARG default")
        # the command: CMD/ENTRYPOINT/HEALTHCHECK in effect
        for kw in ("ENTRYPOINT", "CMD", "HEALTHCHECK"):
            ins = self.last_in_chain(index, kw)
            if ins is None:
                continue
            words = ins.args[1:] if kw == "HEALTHCHECK" else ins.args
            for word in words:
                out += self._urls_in_word(ins, word, kw)
        # program source the build writes, in every stage the target's build reaches
        for si in sorted(graph.reachable(index)):
            stage = graph.stages[si]
            for ins in stage.instructions:
                if ins.keyword == "RUN":
                    out += self._written_by_run(ins)
                elif ins.keyword in ("COPY", "ADD"):
                    for h in ins.heredocs:
                        out += self._urls_in_text(h.content, h.body_span.start,
                                                  f"file written by {ins.keyword} <<{h.name}")
                    out += self._context_evidence(ins)
        seen: set[tuple[str, int]] = set()
        unique = []
        for ev in out:
            key = (ev.text, ev.span.start)
            if key not in seen:
                seen.add(key)
                unique.append(ev)
        _ = src
        return unique

    def last_in_chain(self, index: int, keyword: str) -> Instruction | None:
        """The instruction of ``keyword`` in effect for the image of stage ``index``."""
        for stage in self.df.graph.chain(index):
            found = None
            for ins in stage.instructions:
                if ins.keyword == keyword:
                    found = ins
            if found is not None:
                return found
        return None

    def _urls_in_word(self, ins: Instruction, word, where: str) -> list[Evidence]:
        out = []
        for m in URL_RE.finditer(word.value):
            if ins.json or word.lend - word.lstart != len(word.value):
                span = word.span
            else:
                span = ins.span_of(word.lstart + m.start(), word.lstart + m.end())
            out.append(Evidence(m.group(0), where, span, self.df.source.position(span.start)[0]))
        return out

    def _urls_in_text(self, text: str, base: int, where: str, script: Script | None = None
                      ) -> list[Evidence]:
        out = []
        for rx in (URL_RE, TLS_CALL_RE):
            for m in rx.finditer(text):
                if script is not None:
                    span = script.span(base + m.start(), base + m.end())
                else:
                    span = Span(base + m.start(), base + m.end())
                out.append(Evidence(m.group(0), where, span,
                                    self.df.source.position(span.start)[0]))
        return out

    def _written_by_run(self, ins: Instruction) -> list[Evidence]:
        script = self.script(ins)
        if script is None:
            return []
        out: list[Evidence] = []
        for cmd in script.commands:
            targets = [w.value for w in cmd.writes_to()]
            if cmd.name == "tee":
                targets += [a.value for a in cmd.positional()]
            if not targets or all(t.startswith(_PM_CONFIG_PATHS) or
                                  any(p in t for p in _PM_CONFIG_PATHS) or t.startswith("/dev/")
                                  for t in targets):
                continue
            where = f"written to {targets[0]} by RUN"
            if cmd.name in ("echo", "printf"):
                for a in cmd.args:
                    out += self._urls_in_text(a.raw, a.start, where, script)
            for r in cmd.redirects:
                if r.body is not None:
                    out += self._urls_in_text(r.body, r.body_start, where, script)
        return out

    def _context_evidence(self, ins: Instruction) -> list[Evidence]:
        if ins.flag("from") is not None or self.df.context is None:
            return []
        from .context import context_for
        ctx = context_for(self.df.context)
        srcs, _ = self.copy_paths(ins)
        out: list[Evidence] = []
        for s in srcs:
            if s.startswith("<<"):
                continue
            for rel, path in ctx.files(s):
                if not _is_program_file(rel):
                    continue
                text = ctx.read_text(path)
                if not text or ("://" not in text and "tls" not in text.lower()
                                and "ssl" not in text.lower()):
                    continue
                found = _file_evidence(text, rel.endswith(_CONFIG_EXTENSIONS))
                if found:
                    lineno, what = found
                    out.append(Evidence(what, f"in {rel}:{lineno}, copied by {ins.keyword}",
                                        ins.span, ins.line))
                    if len(out) >= 3:
                        return out
        return out

    # ---- what was built and what runs
    def built_kind(self, index: int) -> tuple[str, str] | None:
        """How the program of stage ``index`` was built: (kind, how), kind one of static,
        glibc, cc, musl; None when the stage builds nothing docklint recognises."""
        base = self.base_facts(index)
        libc = base.libc if base else None
        chain = self.df.graph.chain(index)
        has_cc = False
        for stage in reversed(chain):
            for ins, script, cmd in self.commands(stage):
                for p in self.installs(cmd):
                    if p in ("gcc", "build-base", "musl-dev", "g++", "clang", "build-essential"):
                        has_cc = True
        result: tuple[str, str] | None = None
        for stage in reversed(chain):
            for ins, script, cmd in self.commands(stage):
                line = ins.line
                sub = cmd.positional()[0].value if cmd.positional() else ""
                if cmd.name == "go" and sub in ("build", "install"):
                    env = stage.env_before(ins)
                    cgo = cmd.env("CGO_ENABLED") or _exported(script, cmd, "CGO_ENABLED") or \
                        env.get("CGO_ENABLED")
                    flags = " ".join(a.value for a in cmd.args)
                    if cgo == "0":
                        result = ("static", f"go build with CGO_ENABLED=0, line {line}")
                    elif "-static" in flags or ("netgo" in flags and "osusergo" in flags):
                        result = ("static", f"go build with static linking, line {line}")
                    elif libc == "musl" and not has_cc:
                        result = ("static", f"go build on alpine without a C compiler (so "
                                            f"cgo is off), line {line}")
                    elif libc == "musl":
                        result = ("musl", f"go build with cgo on alpine, line {line}")
                    else:
                        result = ("glibc", f"go build without CGO_ENABLED=0 on a glibc image, "
                                           f"line {line}")
                elif cmd.name == "cargo" and sub in ("build", "install"):
                    target = cmd.flag_value("--target") or ""
                    if "musl" in target or (libc == "musl" and not target):
                        result = ("static", f"cargo build for a musl target, line {line}")
                    else:
                        result = ("cc", f"cargo build for a glibc target, line {line}")
                elif cmd.name in ("gcc", "g++", "cc", "c++", "clang", "clang++"):
                    if any(a.value == "-static" for a in cmd.args):
                        result = ("static", f"{cmd.name} -static, line {line}")
                    else:
                        result = ("cc" if "++" in cmd.name else libc or "glibc",
                                  f"{cmd.name} without -static, line {line}")
        return result

    def copies_from(self, index: int) -> list[tuple[Instruction, int | None, list[str], str]]:
        """COPY --from in the chain of ``index``: (instruction, source stage, sources, dest)."""
        out = []
        for edge in self.df.graph.edges:
            if edge.kind != "copy" or edge.source not in {s.index for s in
                                                          self.df.graph.chain(index)}:
                continue
            srcs, dest = self.copy_paths(edge.instruction)
            out.append((edge.instruction, edge.target, srcs, dest or ""))
        return out

    def runtime(self, index: int) -> Runtime:
        """What the image of stage ``index`` runs."""
        entry = self.last_in_chain(index, "ENTRYPOINT")
        cmd = self.last_in_chain(index, "CMD")
        exe = None
        for ins in (entry, cmd):
            if ins is None:
                continue
            if ins.json:
                if ins.args:
                    exe = ins.args[0].value
                    break
            else:
                script = self.script(ins)
                if script and script.commands:
                    first = script.commands[0]
                    exe = first.name_word.value if first.name_word else None
                    if first.name in ("exec",) and first.args:
                        exe = first.args[0].value
                    break
        copies = self.copies_from(index)
        if exe:
            kind = _language_of(exe)
            if kind:
                return Runtime(kind, f"it runs {exe}")
            for ins, stage, srcs, dest in copies:
                for s in srcs:
                    placed = dest.rstrip("/") + "/" + posixpath.basename(s.rstrip("/")) \
                        if dest.endswith("/") or len(srcs) > 1 or dest in ("/", ".") \
                        else dest
                    if posixpath.normpath(placed) == posixpath.normpath(exe) or \
                            posixpath.basename(s) == posixpath.basename(exe):
                        if s.endswith(".jar"):
                            return Runtime("jar", f"it runs {exe}")
                        if stage is not None:
                            built = self.built_kind(stage)
                            if built:
                                return Runtime(built[0], built[1], stage)
        for ins, stage, srcs, dest in copies:
            if any(s.endswith(".jar") for s in srcs) or dest.endswith(".jar"):
                return Runtime("jar", f"it copies a JAR (line {ins.line})")
        built_stages = [(st, self.built_kind(st)) for _, st, _, _ in copies if st is not None]
        built_stages = [(st, b) for st, b in built_stages if b]
        if len({b[0] for _, b in built_stages}) == 1:
            st, b = built_stages[0]
            return Runtime(b[0], b[1], st)
        base = self.base_facts(index)
        if base and base.family in ("node", "python", "ruby", "php"):
            return Runtime(base.family, f"the base is {base.family}")
        if base and base.family in ("eclipse-temurin", "openjdk", "amazoncorretto", "maven",
                                    "gradle"):
            return Runtime("jar", f"the base is a JDK ({base.family})")
        return Runtime("unknown", "no entrypoint docklint can place")

    def run_activity(self, stage: "Stage") -> str:
        """``none`` (no RUN), ``benign`` (only file housekeeping) or ``builds`` (builds or
        installs, or does something docklint does not recognise)."""
        result = "none"
        for ins in stage.instructions:
            if ins.keyword != "RUN":
                continue
            script = self.script(ins)
            if script is None:
                return "builds"
            result = "benign"
            for cmd in script.commands:
                if cmd.name not in BENIGN_COMMANDS:
                    return "builds"
        return result

    @cached_property
    def reaches_https(self) -> bool:
        t = self.df.graph.target
        return bool(t is not None and self.tls_evidence(t))


def _exported(script: Script, cmd: Command, name: str) -> str | None:
    """A value ``export NAME=x`` (or ``NAME=x`` alone) set earlier in the same script."""
    value = None
    for c in script.commands:
        if c is cmd or c.start >= cmd.start:
            break
        for a in (*c.args, *c.assignments):
            k, eq, v = a.value.partition("=")
            if eq and k == name and (c.name in ("export", "") or a in c.assignments):
                value = v
    return value


def _is_ca_path(path: str) -> bool:
    if not path:
        return False
    norm = path.rstrip("/") or "/"
    if norm in ("/etc/ssl", "/etc/pki"):
        return True
    if any(norm == p or norm.startswith(p + "/") for p in CA_PATHS):
        return True
    return posixpath.basename(norm) in CA_FILE_NAMES


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


def _is_program_file(rel: str) -> bool:
    parts = rel.lower().split("/")
    if any(p in _SKIP_PARTS for p in parts[:-1]):
        return False
    name = parts[-1]
    if name.endswith(("_test.go", ".test.js", ".test.ts", ".spec.js", ".spec.ts")) or \
            name.startswith("test_"):
        return False
    return name.endswith(_SOURCE_EXTENSIONS) or name.endswith(_CONFIG_EXTENSIONS)


def _file_evidence(text: str, config: bool) -> tuple[int, str] | None:
    """(line, evidence) of the first TLS evidence in a context file."""
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith(("//", "#", "*", "/*", ";", "--")):
            continue
        if config:
            m = URL_RE.search(line)
            if m:
                return lineno, m.group(0)
            continue
        m = _QUOTED_URL_RE.search(line)
        if m:
            return lineno, m.group(1)
        m = TLS_CALL_RE.search(line)
        if m:
            return lineno, m.group(0)
    return None
