"""Derived facts about what a build puts in its images, computed once per file on demand.

The flagship rules ask the same questions: what base does a stage's chain end at and what does
that image contain (a shell? a CA bundle? libc?), what did the build copy or install on top of it,
how was the program built (static or dynamic), what does the final image run, and does anything
in it reach for ``https://``. The answers live here so that rules stay small and agree.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

from . import images
from .imageref import ImageRef
from .shell import Command, Script, script_for
from .source import Span
from .syntax import Instruction

if TYPE_CHECKING:
    from .model import Dockerfile, Stage

__all__ = ["Facts", "Evidence", "CaSource", "Runtime", "BuildInfo", "Placed", "Pull",
           "PACKAGE_MANAGERS", "pulled_images", "purpose", "is_tooling_command"]

URL_RE = re.compile(r"\b(?:https|wss)://[A-Za-z0-9\[][^\s'\"`<>\\)\]}]*")
# TLS client calls in program source, by language
TLS_CALL_RE = re.compile(
    r"\btls\.Dial\b|\btls\.Config\s*\{|\bcredentials\.NewTLS\b|\bcredentials\.NewClientTLS"
    r"|\bssl\.create_default_context\b|\bssl\.wrap_socket\b|\bhttps\.(?:get|request)\s*\("
    r"|\bHttpsURLConnection\b|\bSSLContext\.getInstance\b|\breqwest::Client\b")
# in context files, a URL only counts inside a string literal (comments are full of links)
_QUOTED_URL_RE = re.compile(r"[\"'`]((?:https|wss)://[A-Za-z0-9\[][^\s'\"`<>\\)]*)")

TZ_API_RE = re.compile(
    r"\btime\.LoadLocation\s*\(|\bzoneinfo\.ZoneInfo\s*\(|\bfrom\s+zoneinfo\s+import\b"
    r"|\bZoneInfo\s*\(\s*[\"']|\btz\.gettz\s*\(|\bTZInfo::Timezone\.get\b")
_TZ_EMBED_RE = re.compile(r"[\"`]time/tzdata[\"`]")
_UTC_ZONES = {"UTC", "ETC/UTC", "UCT", "ZULU", "GMT", "ETC/GMT", "UNIVERSAL", "UTC0", "GMT0"}
_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
             ".gz", ".bz2", ".xz", ".zst")


@dataclass(frozen=True)
class _Probe:
    """What counts as evidence of one behaviour, where: in ENV/ARG values and the command
    (``values``), in program text the build writes (``text``), in source files (``file``) and
    configuration files (``config``) of the context. ``keywords`` pre-filter file contents."""

    values: "re.Pattern[str] | None"
    text: "re.Pattern[str]"
    file: "re.Pattern[str] | None"
    config: "re.Pattern[str] | None"
    keywords: tuple[str, ...]


_CGO_RE = re.compile(r"\"(?:net|net/http|net/rpc|os/user|net/smtp)\"|\bimport\s+\"C\"")
CGO_PROBE = _Probe(values=None, text=_CGO_RE, file=_CGO_RE, config=None,
                   keywords=('"net', '"os/user"', '"C"'))
_DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")

TLS_PROBE = _Probe(
    values=URL_RE,
    text=re.compile(f"{URL_RE.pattern}|{TLS_CALL_RE.pattern}"),
    file=re.compile(f"{_QUOTED_URL_RE.pattern}|{TLS_CALL_RE.pattern}"),
    config=URL_RE,
    keywords=("://", "tls", "ssl", "TLS", "SSL", "Https", "reqwest"))
TZ_PROBE = _Probe(values=None, text=TZ_API_RE, file=TZ_API_RE, config=None,
                  keywords=("LoadLocation", "zoneinfo", "ZoneInfo", "gettz", "TZInfo"))
TZ_EMBED_PROBE = _Probe(values=None, text=_TZ_EMBED_RE, file=_TZ_EMBED_RE, config=None,
                        keywords=("time/tzdata",))

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
# the commands that compile a program, and the sources they compile
_BUILD_SOURCES = (({"go"}, (".go",)), ({"cargo", "rustc"}, (".rs",)),
                  ({"gcc", "cc", "clang"}, (".c", ".h")),
                  ({"g++", "c++", "clang++"}, (".cc", ".cpp", ".cxx", ".h", ".hpp")))
# commands whose presence means interpreted sources may be the program too
_INTERPRETER_BUILDS = {"npm", "yarn", "pnpm", "node", "pip", "pip3", "python", "python3",
                       "poetry", "uv", "bundle", "gem", "composer", "mvn", "gradle", "dotnet",
                       "java", "php", "ruby"}
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
    build: "BuildInfo | None" = None


@dataclass(frozen=True)
class Placed:
    """One source of a COPY/ADD and where it lands in the image.

    ``dest`` is absolute, without a trailing slash; ``into_dir`` says the source goes *into*
    ``dest`` (a destination ending in ``/``, a directory the image has, or several sources).
    ``kind`` is where the source comes from: context, stage, image, heredoc or url; an
    unresolved source (``resolved`` False) may be anything.
    """

    instruction: Instruction
    stage: int
    source: str
    dest: str
    into_dir: bool
    from_stage: int | None
    kind: str
    resolved: bool = True      # False: the source (or dest) depends on an unset variable

    @cached_property
    def landing(self) -> str:
        """Where the source lands if it is a single file."""
        if not self.into_dir:
            return _norm(self.dest) if self.dest else self.dest
        name = self.source[2:].lstrip("-") if self.kind == "heredoc" else \
            posixpath.basename(self.source.rstrip("/"))
        return _norm(posixpath.join(self.dest, name))

    def may_provide(self, path: str, source_is_file: bool) -> bool:
        """Whether a file at ``path`` may come from this copy."""
        if not self.resolved or not self.dest:
            return not self.dest or path == self.dest or path.startswith(self.dest + "/") \
                or self.dest == "/"
        if self.landing == path:
            return True
        if source_is_file:
            return False
        # a directory's contents land under dest
        return self.dest == "/" or path == self.dest or path.startswith(self.dest + "/")


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

    def commands(self, stage: "Stage", keyword: str = "RUN", onbuild: bool = False
                 ) -> Iterator[tuple[Instruction, Script, Command]]:
        """Every shell command of the stage's ``keyword`` instructions (shell form, POSIX
        shell), in order; with ``onbuild``, also those of ``ONBUILD <keyword>`` triggers (the
        instruction yielded is then the ONBUILD; spans still point into the trigger)."""
        for ins in stage.instructions:
            if ins.keyword == keyword or (onbuild and ins.keyword == "ONBUILD" and
                                          ins.sub is not None and ins.sub.keyword == keyword):
                script = self.script(ins)
                if script is not None:
                    for cmd in script.commands:
                        yield ins, script, cmd

    def used_as_base(self, index: int) -> bool:
        """Whether another stage is built FROM stage ``index``."""
        return any(s.base.kind == "stage" and s.base.stage == index for s in self.df.stages)

    def ships(self, index: int) -> bool:
        """Whether what stage ``index`` leaves on disk ends up in the target image: it is the
        target or a stage the target is built on through ``FROM`` (or, with other build args,
        may be). A builder that is only the base of other builders does not ship. Cleanup
        rules (apt lists, package caches) only matter for these."""
        return index in self.shipping_stages

    @cached_property
    def shipping_stages(self) -> frozenset[int]:
        df = self.df
        target = df.graph.target
        if target is None:
            return frozenset(s.index for s in df.stages)
        seen: set[int] = set()
        todo = [target]
        while todo:
            i = todo.pop()
            if i in seen or not 0 <= i < len(df.stages):
                continue
            seen.add(i)
            base = df.stages[i].base
            if base.kind == "stage" and base.stage is not None:
                todo.append(base.stage)
            todo.extend(getattr(base, "candidates", ()))
        return frozenset(seen)

    @staticmethod
    def cache_mounts(ins: Instruction) -> list[str]:
        """Targets of the ``--mount=type=cache`` and ``type=tmpfs`` flags of a RUN: what is
        written there never lands in the image."""
        from .model import parse_mount
        out = []
        for flag in ins.effective.flags:
            if flag.name == "mount" and flag.value:
                mount = parse_mount(flag)
                if mount.type in ("cache", "tmpfs") and mount.target:
                    out.append(_norm(mount.target))
        return out

    def windows(self, index: int) -> bool:
        """Whether stage ``index`` builds a Windows image: a ``--platform=windows/...`` in its
        chain, a base whose name says so (``mcr.microsoft.com/windows/nanoserver``,
        ``...-windowsservercore-ltsc2022``, ``mcr.microsoft.com/dotnet/framework/...``), or a
        file written with the backtick escape, as Windows Dockerfiles are."""
        cache = self.__dict__.setdefault("_windows", {})
        if index not in cache:
            chain = self.df.graph.chain(index)
            root = chain[-1].base if chain else None
            text = f"{root.raw} {root.text or ''}".lower() if root is not None else ""
            cache[index] = (self.df.escape == "`" or
                            any(st.platform and st.platform.lower().startswith("windows")
                                for st in chain) or
                            any(h in text for h in _WINDOWS_HINTS))
        return cache[index]

    def shell_of(self, stage: "Stage", before: Instruction | None = None) -> list[str]:
        """The SHELL in effect (inherited through FROM <stage>); else the platform's default:
        ``["/bin/sh", "-c"]``, or ``["cmd", "/S", "/C"]`` on Windows."""
        for st in self.df.graph.chain(stage.index):
            changes = self._shell_changes(st)
            if before is not None:
                # the SHELLs of this stage that come before ``before``
                cut = bisect.bisect_left(changes, (before.index,))
                changes = changes[:cut]
            if changes:
                return changes[-1][1]
            before = None
        return ["cmd", "/S", "/C"] if self.windows(stage.index) else ["/bin/sh", "-c"]

    def _shell_changes(self, stage: "Stage") -> list[tuple[int, list[str]]]:
        """(instruction index, shell) of every SHELL of a stage, in order (computed once)."""
        cache = self.__dict__.setdefault("_shells", {})
        if stage.index not in cache:
            cache[stage.index] = [(ins.index, [a.value for a in ins.args])
                                  for ins in stage.instructions
                                  if ins.keyword == "SHELL" and ins.json and ins.args]
        return cache[stage.index]

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
        """OS packages a system package-manager command installs (as written), else []."""
        from .packages import parse
        pc = parse(cmd)
        if pc is not None:
            if pc.family in ("apt", "apk", "yum", "dnf", "zypper") and pc.installs and \
                    not pc.simulates:
                return [w.value for w in pc.operands]
            return []
        if cmd.name in ("tdnf", "pacman"):
            pos = cmd.positional()
            if cmd.name == "tdnf" and pos and pos[0].value == "install":
                return [p.value for p in pos[1:]]
            if cmd.name == "pacman" and any(a.value.startswith("-S") for a in cmd.args):
                return [p.value for p in pos]
        return []

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
        if dest is not None and (dest in (".", "..") or dest.endswith(("/.", "/.."))):
            dest += "/"          # "." names a directory: the source goes into it
        if dest is not None and not dest.startswith("/"):
            workdir = self.workdir(stage, ins) if stage else "/"
            dest = _norm(posixpath.join(workdir, dest)) + \
                ("/" if dest.endswith("/") else "")
        return srcs, dest

    def workdir(self, stage: "Stage", before: Instruction | None) -> str:
        """The working directory before ``before`` (at the end of the stage when None)."""
        wd = "/"
        for st in reversed(self.df.graph.chain(stage.index)):
            for ins in st.instructions:
                if ins is before:
                    return wd
                if ins.keyword == "WORKDIR" and ins.args:
                    v = self.df.expand(ins.args[0].value, st.env_before(ins)).value
                    if v:
                        wd = _norm(posixpath.join(wd, v))
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

    # ---- evidence in the program and its configuration
    def tls_evidence(self, index: int) -> list[Evidence]:
        """Evidence that the program the image of stage ``index`` runs makes TLS calls."""
        return self._evidence(index, TLS_PROBE)

    def tz_evidence(self, index: int) -> list[Evidence]:
        """Evidence that the program of stage ``index`` loads time zones: ``ENV TZ`` set to a
        zone other than UTC, or zone-loading calls in its source."""
        out: list[Evidence] = []
        for stage in self.df.graph.chain(index):
            for ins in stage.instructions:
                if ins.keyword != "ENV":
                    continue
                for key, value, _ in ins.pairs():
                    zone = (self.df.expand(value.value, stage.env_before(ins)).value or "")
                    zone = zone.strip().lstrip(":")
                    if key.value == "TZ" and zone and zone.upper() not in _UTC_ZONES and \
                            not zone.startswith("/"):
                        out.append(Evidence(f"TZ={zone}", "ENV", value.span, ins.line))
        return out + self._evidence(index, TZ_PROBE)

    def _evidence(self, index: int, probe: "_Probe") -> list[Evidence]:
        out: list[Evidence] = []
        graph = self.df.graph
        if probe.values is not None:
            # run-time configuration: ENV and ARG values in the chain, and the command in effect
            for stage in graph.chain(index):
                for ins in stage.instructions:
                    if ins.keyword == "ENV":
                        for _key, value, _ in ins.pairs():
                            out += self._in_word(ins, value, "ENV value", probe.values)
                    elif ins.keyword == "ARG":
                        for word in ins.args:
                            if "=" in word.value:
                                out += self._in_word(ins, word, "ARG default", probe.values)
            for kw in ("ENTRYPOINT", "CMD", "HEALTHCHECK"):
                ins = self.last_in_chain(index, kw)
                if ins is not None:
                    words = ins.args[1:] if kw == "HEALTHCHECK" else ins.args
                    for word in words:
                        out += self._in_word(ins, word, kw, probe.values)
        # program source the build writes, in every stage the target's build reaches; when
        # the program is compiled by a build docklint recognises, only that language's sources
        # (and configuration files) in the context count
        extensions = self._source_extensions(index)
        for si in sorted(graph.reachable(index)):
            for ins in graph.stages[si].instructions:
                if ins.keyword == "RUN":
                    out += self._written_by_run(ins, probe)
                elif ins.keyword in ("COPY", "ADD"):
                    for h in ins.heredocs:
                        out += self._in_text(h.content, h.body_span.start,
                                             f"file written by {ins.keyword} <<{h.name}",
                                             probe.text)
                    out += self._context_evidence(ins, probe, extensions)
        seen: set[tuple[str, int]] = set()
        unique = []
        for ev in out:
            key = (ev.text, ev.span.start)
            if key not in seen:
                seen.add(key)
                unique.append(ev)
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

    def _in_word(self, ins: Instruction, word, where: str, rx: re.Pattern[str]
                 ) -> list[Evidence]:
        out = []
        for m in rx.finditer(word.value):
            if ins.json or word.lend - word.lstart != len(word.value):
                span = word.span
            else:
                span = ins.span_of(word.lstart + m.start(), word.lstart + m.end())
            out.append(Evidence(m.group(0), where, span, self.df.source.position(span.start)[0]))
        return out

    def _in_text(self, text: str, base: int, where: str, rx: re.Pattern[str],
                 script: Script | None = None) -> list[Evidence]:
        out = []
        for m in rx.finditer(text):
            if script is not None:
                span = script.span(base + m.start(), base + m.end())
            else:
                span = Span(base + m.start(), base + m.end())
            out.append(Evidence(m.group(0), where, span, self.df.source.position(span.start)[0]))
        return out

    def _written_by_run(self, ins: Instruction, probe: "_Probe") -> list[Evidence]:
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
                    out += self._in_text(a.raw, a.start, where, probe.text, script)
            for r in cmd.redirects:
                if r.body is not None:
                    out += self._in_text(r.body, r.body_start, where, probe.text, script)
        return out

    def _source_extensions(self, index: int) -> tuple[str, ...] | None:
        """The source file extensions of the programs built for the image of stage ``index``
        (every build in the stages it reaches is go, cargo or a C compiler), or None."""
        extensions: set[str] = set()
        for si in self.df.graph.reachable(index):
            for _ins, _script, cmd in self.commands(self.df.graph.stages[si]):
                if cmd.name in _INTERPRETER_BUILDS:
                    return None      # a mixed build: any source may be the program's
                for tools, exts in _BUILD_SOURCES:
                    if cmd.name in tools:
                        extensions.update(exts)
        return tuple(sorted(extensions)) or None

    def _context_evidence(self, ins: Instruction, probe: "_Probe",
                          extensions: tuple[str, ...] | None = None) -> list[Evidence]:
        if ins.flag("from") is not None or self.df.context is None:
            return []
        from .context import context_for
        ctx = context_for(self.df.context, self.df.path)
        srcs, _ = self.copy_paths(ins)
        out: list[Evidence] = []
        for s in srcs:
            if s.startswith("<<"):
                continue
            for rel, path in ctx.files(s):
                if not _is_program_file(rel) or (
                        extensions is not None and not rel.endswith(extensions) and
                        not rel.endswith(_CONFIG_EXTENSIONS)):
                    continue
                text = ctx.read_text(path)
                if not text or not any(k in text for k in probe.keywords):
                    continue
                found = _file_evidence(text, probe, rel.endswith(_CONFIG_EXTENSIONS))
                if found:
                    lineno, what = found
                    out.append(Evidence(what, f"in {rel}:{lineno}, copied by {ins.keyword}",
                                        ins.span, ins.line))
                    if len(out) >= 3:
                        return out
        return out

    # ---- what the image contains
    @cached_property
    def _placed(self) -> dict[int, list["Placed"]]:
        return {}

    def placed(self, index: int) -> list["Placed"]:
        """Every COPY/ADD in the chain of stage ``index``, oldest first, with where it lands."""
        cache = self._placed
        if index not in cache:
            out: list[Placed] = []
            chain = list(reversed(self.df.graph.chain(index)))
            # directories the image is known to have: a WORKDIR creates one, a copy into a
            # directory or of a file below one does too, and a non-scratch base has the usual
            dirs: set[str] = {"/"}
            base = self.base_facts(index)
            root = self.df.graph.root_base(index)
            if not (root is not None and root.kind == "scratch") and \
                    (base is None or base.kind != "scratch"):
                dirs.update(_STANDARD_DIRS)
            for stage in chain:
                for ins in stage.instructions:
                    if ins.keyword == "WORKDIR":
                        dirs.add(self.workdir(stage, None if ins is stage.instructions[-1]
                                              else _next(stage, ins)))
                    elif ins.keyword in ("COPY", "ADD"):
                        new = self._placements(stage, ins, dirs)
                        for p in new:
                            if p.into_dir:
                                dirs.add(p.dest)
                            parent = posixpath.dirname(p.landing)
                            while parent not in ("", "/", "."):
                                dirs.add(parent)
                                up = posixpath.dirname(parent)
                                if up == parent:
                                    break
                                parent = up
                        out += new
            cache[index] = out
        return cache[index]

    def _placements(self, stage: "Stage", ins: Instruction, dirs: set[str]
                    ) -> list["Placed"]:
        srcs, dest = self.copy_paths(ins)
        from_flag = ins.flag("from")
        edge = next((e for e in self.df.graph.edges if e.instruction is ins), None)
        kind = "context"
        if from_flag is not None:
            kind = "stage" if edge is not None and edge.target is not None else "image"
        from_stage = edge.target if edge is not None else None
        if dest is None:
            return [Placed(ins, stage.index, "", "", True, from_stage, kind, resolved=False)]
        heredocs = {h.name for h in ins.heredocs}
        into_dir = dest.endswith("/") or len(ins.effective.args) > 2 or \
            (dest.rstrip("/") or "/") in dirs
        dest = dest.rstrip("/") or "/"
        out = []
        for src in srcs:
            src_kind = kind
            if src.startswith("<<") and src[2:].lstrip("-") in heredocs:
                src_kind = "heredoc"
            elif "://" in src or src.startswith("git@"):
                src_kind = "url"
            out.append(Placed(ins, stage.index, src, dest, into_dir, from_stage, src_kind))
        if len(srcs) < len(ins.effective.args) - 1:
            # a source that depends on an unset variable: it could be anything
            out.append(Placed(ins, stage.index, "", dest, True, from_stage, kind,
                              resolved=False))
        return out

    def provider(self, index: int, path: str, before: Instruction | None = None
                 ) -> "Placed | None":
        """The COPY/ADD in the chain of ``index`` (before ``before``, if given) that may put a
        file at absolute ``path``."""
        path = _norm(path)
        for p in reversed(self.placed(index)):
            if before is not None and p.instruction.index >= before.index:
                continue
            if p.may_provide(path, self._is_file_output(p)):
                return p
        return None

    def passwd_users(self, index: int, before: Instruction | None = None
                     ) -> frozenset[str] | None:
        """User names in the image's /etc/passwd, when known: the base's, unless a COPY brings
        a passwd file in or a RUN adds users (then unknown: None)."""
        users = _base_users(self.base_facts(index))
        if users is None:
            return None
        if self.provider(index, "/etc/passwd", before):
            return None
        for stage in self.df.graph.chain(index):
            for ins, _script, cmd in self.commands(stage):
                if before is not None and ins.index >= before.index:
                    continue
                if cmd.name in ("useradd", "adduser", "groupadd", "addgroup", "usermod"):
                    return None
        return users

    def has_group_file(self, index: int, before: Instruction | None = None) -> bool | None:
        """Whether the image has an /etc/group: None when unknown."""
        if self.provider(index, "/etc/group", before):
            return True
        users = _base_users(self.base_facts(index))
        if users is None:
            return None
        return bool(users)

    def _is_file_output(self, p: "Placed") -> bool:
        """Whether a COPY source is known to be a single file (not a directory)."""
        src = p.source
        if not src or src.endswith(("/", "/.")) or src in (".", "/") or \
                any(c in src for c in "*?["):
            return False
        if p.kind == "heredoc" or (p.kind == "context" and p.instruction.keyword == "COPY"
                                   and "." in posixpath.basename(src)):
            return True
        if p.instruction.keyword == "ADD" and src.endswith(_ARCHIVES):
            return False
        if p.kind == "stage" and p.from_stage is not None:
            return _norm(src) in self.outputs(p.from_stage)
        return False

    def outputs(self, index: int) -> set[str]:
        """Files the chain of stage ``index`` is known to write: build outputs (``-o``), files
        copied to a file path, downloads to a path."""
        out: set[str] = set()
        for stage in self.df.graph.chain(index):
            for ins, script, cmd in self.commands(stage):
                target = None
                sub = cmd.positional()[0].value if cmd.positional() else ""
                if cmd.name == "go" and sub in ("build",) or cmd.name in (
                        "gcc", "g++", "cc", "c++", "clang", "clang++", "rustc"):
                    target = cmd.flag_value("-o")
                elif cmd.name in ("cp", "mv", "install", "ln"):
                    pos = cmd.positional()
                    if len(pos) >= 2 and not pos[-1].value.endswith("/"):
                        target = pos[-1].value
                elif cmd.name == "curl":
                    target = cmd.flag_value("-o", "--output")
                elif cmd.name == "wget":
                    target = cmd.flag_value("-O", "--output-document")
                if target and not target.startswith("$"):
                    workdir = self.workdir(stage, ins)
                    out.add(_norm(posixpath.join(workdir, target)))
            for p in self.placed(stage.index):
                if not p.into_dir and p.kind in ("context", "heredoc") and p.source:
                    out.add(p.dest)
        return out

    def shell_path(self, index: int, before: Instruction | None = None) -> str:
        """The absolute path of the shell shell-form instructions of stage ``index`` run."""
        shell = self.shell_of(self.df.stages[index], before)[0]
        return shell if shell.startswith("/") else "/bin/" + shell

    def has_shell(self, index: int, before: Instruction | None = None) -> bool | None:
        """Whether the image of stage ``index`` has the shell its SHELL (or /bin/sh) names:
        copied in, or in the base image; None when unknown."""
        path = self.shell_path(index, before)
        if self.provider(index, path):
            return True
        base = self.base_facts(index)
        if base is None or base.has_shell is None:
            return None
        if not base.has_shell:
            return False
        return True if path == "/bin/sh" else None

    def effective_user(self, index: int) -> tuple[str | None, Instruction | None]:
        """(user as the image runs it, the USER that set it); (None, None) when no USER in the
        chain sets one. The user text is expanded; None if it depends on an unset variable."""
        ins = self.last_in_chain(index, "USER")
        if ins is None or not ins.args:
            return None, None
        stage = self.df.stage_of(ins)
        env = stage.env_before(ins) if stage else {}
        return self.df.expand(ins.args[0].value, env).value, ins

    def tz_sources(self, index: int) -> list[str]:
        """What gives the image of stage ``index`` a time-zone database (besides its base)."""
        out = []
        for stage in self.df.graph.chain(index):
            for pkg in self.installed_packages(stage):
                if pkg.split("=")[0] in ("tzdata", "tzdata-legacy", "timezone"):
                    out.append(f"installs {pkg}")
        for p in self.placed(index):
            if p.dest.startswith("/usr/share/zoneinfo") or p.source.rstrip("/").endswith(
                    "zoneinfo") or "zoneinfo" in p.source:
                out.append(f"copies {p.source} (line {p.instruction.line})")
        for si in self.df.graph.reachable(index):
            stage = self.df.stages[si]
            for ins, _script, cmd in self.commands(stage):
                if cmd.name == "go" and "timetzdata" in " ".join(a.value for a in cmd.args):
                    out.append(f"go build -tags timetzdata (line {ins.line})")
                if cmd.env("ZONEINFO"):
                    out.append(f"ZONEINFO set (line {ins.line})")
            for ins in stage.instructions:
                if ins.keyword == "ENV" and any(k.value == "ZONEINFO" for k, _, _ in ins.pairs()):
                    out.append(f"ENV ZONEINFO (line {ins.line})")
        out += [f"{e.text} ({e.where})" for e in self._evidence(index, TZ_EMBED_PROBE)]
        return out

    # ---- what was built and what runs
    def built_kind(self, index: int) -> tuple[str, str] | None:
        """How the program of stage ``index`` was built: (kind, how), kind one of static,
        glibc, cc, musl; None when the stage builds nothing docklint recognises."""
        info = self.build_info(index)
        return (info.kind, info.how) if info else None

    def build_info(self, index: int) -> "BuildInfo | None":
        """The last program build in the chain of stage ``index`` docklint recognises."""
        builds = self.builds(index)
        return builds[-1] if builds else None

    def builds(self, index: int) -> list["BuildInfo"]:
        """Every program build docklint recognises in the chain of stage ``index``, in order:
        go build/install, cargo build/install, gcc/g++/clang."""
        base = self.base_facts(index)
        libc = base.libc if base else None
        chain = list(reversed(self.df.graph.chain(index)))
        has_cc = any(p in ("gcc", "build-base", "musl-dev", "g++", "clang", "build-essential")
                     for stage in chain for p in self.installed_packages(stage))
        out: list[BuildInfo] = []
        for stage in chain:
            for ins, script, cmd in self.commands(stage):
                pos = cmd.positional()
                sub = pos[0].value if pos else ""
                span = script.command_span(cmd)
                workdir = self.workdir(stage, ins)

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
                    output = self._expanded(stage, ins, cmd.flag_value("-o"))
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
                    output = self._expanded(stage, ins, cmd.flag_value("-o"))
                    if any(a.value == "-static" for a in cmd.args):
                        out.append(info("static", f"{cmd.name} -static", cmd.name, output))
                    elif libc is None:
                        out.append(info("unknown", f"{cmd.name}", cmd.name, output, False))
                    else:
                        kind = "cc" if "++" in cmd.name else libc
                        out.append(info(kind, f"{cmd.name} without -static", cmd.name, output))
        return out

    def _expanded(self, stage: "Stage", ins: Instruction, text: str | None) -> str | None:
        if text is None:
            return None
        return self.df.expand(text, stage.env_before(ins)).value

    def build_for(self, index: int, path: str) -> "BuildInfo | None":
        """The build in the chain of stage ``index`` that produced the file at ``path``."""
        path = _norm(path)
        builds = self.builds(index)
        if path in self.outputs(index) and not any(b.output == path for b in builds):
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

    def exe_paths(self, index: int, exe: str) -> list[str]:
        """Where the image of stage ``index`` looks for the program ``exe``."""
        if "/" not in exe:
            return [posixpath.join(d, exe) for d in _DEFAULT_PATH]
        if exe.startswith("/"):
            return [_norm(exe)]
        stage = self.df.stages[index]
        return [_norm(posixpath.join(self.workdir(stage, None), exe))]

    def copies_from(self, index: int) -> list[tuple[Instruction, int | None, list[str], str]]:
        """COPY --from in the chain of ``index``: (instruction, source stage, sources, dest)."""
        out = []
        chain = {s.index for s in self.df.graph.chain(index)}
        for edge in self.df.graph.edges:
            if edge.kind != "copy" or edge.source not in chain:
                continue
            srcs, dest = self.copy_paths(edge.instruction)
            out.append((edge.instruction, edge.target, srcs, dest or ""))
        return out

    def entry_exe(self, index: int) -> str | None:
        """The program the image of stage ``index`` starts (ENTRYPOINT, else CMD)."""
        for kw in ("ENTRYPOINT", "CMD"):
            ins = self.last_in_chain(index, kw)
            if ins is None:
                continue
            if ins.json:
                return ins.args[0].value if ins.args else None
            script = self.script(ins)
            if script and script.commands:
                first = script.commands[0]
                if first.name == "exec" and first.args:
                    return first.args[0].value
                return first.name_word.value if first.name_word else None
            return None
        return None

    def runtime(self, index: int) -> Runtime:
        """What the image of stage ``index`` runs."""
        exe = self.entry_exe(index)
        if exe:
            kind = _language_of(exe)
            if kind:
                return Runtime(kind, f"it runs {exe}")
            for path in self.exe_paths(index, exe):
                placed = self.provider(index, path)
                if placed is None:
                    continue
                if placed.source.endswith(".jar"):
                    return Runtime("jar", f"it runs {exe}")
                if placed.kind == "stage" and placed.from_stage is not None:
                    built = self.build_for(placed.from_stage, placed.source)
                    if built is not None and built.kind != "unknown":
                        return Runtime(built.kind, built.how, placed.from_stage, built)
                break
        placed = [p for p in self.placed(index) if p.kind == "stage"]
        if any(p.source.endswith(".jar") or p.landing.endswith(".jar") for p in placed):
            jar = next(p for p in placed if p.source.endswith(".jar") or
                       p.landing.endswith(".jar"))
            return Runtime("jar", f"it copies a JAR (line {jar.instruction.line})")
        built = [(p.from_stage, self.build_for(p.from_stage, p.source)) for p in placed
                 if p.from_stage is not None]
        built = [(st, b) for st, b in built if b is not None and b.kind != "unknown"]
        if len({b.kind for _, b in built}) == 1:
            st, b = built[0]
            return Runtime(b.kind, b.how, st, b)
        base = self.base_facts(index)
        if base and base.family in ("node", "python", "ruby", "php"):
            return Runtime(base.family, f"the base is {base.family}")
        if base and base.family in ("eclipse-temurin", "openjdk", "amazoncorretto", "maven",
                                    "gradle"):
            return Runtime("jar", f"the base is a JDK ({base.family})")
        return Runtime("unknown", "no entrypoint docklint can place")

    def cgo_evidence(self, index: int) -> list[Evidence]:
        """Evidence that the Go program of the image of stage ``index`` uses packages that make
        a cgo-enabled build link dynamically (net, os/user, import "C"): its source, or an
        EXPOSE (a network server uses net)."""
        out = self._evidence(index, CGO_PROBE)
        for stage in self.df.graph.chain(index):
            for ins in stage.instructions:
                if ins.keyword == "EXPOSE" and ins.args:
                    out.append(Evidence(f"EXPOSE {ins.args[0].value}", "a network server uses "
                                        "the net package", ins.span, ins.line))
        return out

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

    def purpose(self, index: int) -> str:
        """What the image of stage ``index`` is for: base | interactive | tooling | app."""
        return purpose(self.df, index)

    @cached_property
    def pulls(self) -> list["Pull"]:
        """The external images the build pulls (see :func:`pulled_images`), computed once."""
        return pulled_images(self.df)

    @cached_property
    def reaches_https(self) -> bool:
        t = self.df.graph.target
        return bool(t is not None and self.tls_evidence(t))


_WINDOWS_HINTS = ("mcr.microsoft.com/windows", "microsoft/windows", "nanoserver", "servercore",
                  "dotnet/framework", "ltsc20")
_STANDARD_DIRS = {"/bin", "/sbin", "/usr", "/usr/bin", "/usr/sbin", "/usr/local", "/usr/local/bin",
                  "/usr/local/sbin", "/usr/share", "/usr/lib", "/etc", "/opt", "/tmp", "/var",
                  "/home", "/root", "/srv", "/lib"}


def _norm(path: str) -> str:
    """A path in the image, normalised: posixpath.normpath keeps a leading ``//`` (POSIX lets
    it mean something else); in a container image it is plain ``/``."""
    path = posixpath.normpath(path)
    return "/" + path.lstrip("/") if path.startswith("//") else path


def _next(stage: "Stage", ins: Instruction) -> Instruction | None:
    """The instruction after ``ins`` in its stage."""
    found = False
    for cand in stage.instructions:
        if found:
            return cand
        found = cand is ins
    return None


def _base_users(base: "images.ImageFacts | None") -> frozenset[str] | None:
    """The users in a base image's /etc/passwd, when the data knows them."""
    if base is None:
        return None
    if base.kind == "scratch":
        return frozenset()
    users = getattr(base, "users", None)
    return frozenset(users) if users is not None else None


def _exported(script: Script, cmd: Command, name: str) -> str | None:
    """A value ``export NAME=x`` (or a bare ``NAME=x``) sets earlier in the same script."""
    rx = re.compile(r"(?:^|[;&|(\s])(?:export\s+)?" + re.escape(name) + r"=([^\s;&|)]*)")
    found = None
    for m in rx.finditer(script.text, 0, cmd.start):
        found = m.group(1).strip("'\"")
    return found


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


def _file_evidence(text: str, probe: "_Probe", config: bool) -> tuple[int, str] | None:
    """(line, evidence) of the first match of ``probe`` in a context file, skipping comments."""
    rx = probe.config if config else probe.file
    if rx is None:
        return None
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith(("//", "#", "*", "/*", ";", "--")):
            continue
        m = rx.search(line)
        if m:
            return lineno, m.group(m.lastindex or 0)
    return None


# ---- images a build pulls-----------------------------------------------------------------

@dataclass(frozen=True)
class Pull:
    """An external image the build pulls: a ``FROM`` base, a ``COPY --from=<image>`` or a
    ``RUN --mount=from=<image>``, after ARG expansion.

    ``span`` covers the reference as written (the FROM word, the ``--from`` value, the mount's
    ``from=`` value); ``raw`` is that text before expansion; ``instruction`` is the FROM, COPY
    or RUN.
    """

    kind: str                  # "from" | "copy" | "mount"
    image: ImageRef
    raw: str
    span: Span
    stage: int
    instruction: Instruction

    @property
    def what(self) -> str:
        """How to name it in a message: ``base image``, ``COPY --from image``..."""
        return {"from": "base image", "copy": "COPY --from image",
                "mount": "RUN --mount image"}[self.kind]


def pulled_images(df: "Dockerfile") -> list[Pull]:
    """The external images a build of ``df`` pulls, in file order.

    Without an explicit ``--target`` every stage counts (any of them may be built as a
    target); with one, only the stages that target's build reaches. Stage references,
    ``scratch``, references that depend on an unset build argument and references that use
    an automatic platform argument (``$TARGETARCH``...) are left out.
    """
    graph = df.graph
    if df.target_name is not None:
        scope = graph.reachable() if graph.target is not None else set()
    else:
        scope = {s.index for s in df.stages}
    from docklint.model import AUTOMATIC_ARGS
    from docklint.variables import references
    known = {a.name for a in df.global_args if a.value is not None}

    def platform_dependent(raw: str) -> bool:
        # BuildKit always sets TARGETARCH and friends; the model takes them as unset, which
        # is wrong for `${TARGETARCH:+...}` forms: leave such references alone
        return any(r.name in AUTOMATIC_ARGS and r.name not in known
                   for r in references(raw, df.escape))

    out: list[Pull] = []
    for stage in df.stages:
        if stage.index in scope and stage.base.kind == "image" and stage.base.image is not None \
                and not platform_dependent(stage.base.raw):
            out.append(Pull("from", stage.base.image, stage.base.raw, stage.base.span,
                            stage.index, stage.from_))
    for edge in graph.edges:
        if edge.source not in scope or edge.image is None or not edge.resolved:
            continue
        if edge.kind == "copy" and edge.ref.lower() == "scratch":
            continue
        raw, span = edge.raw or edge.ref, edge.value_span or edge.span
        if not platform_dependent(raw):
            out.append(Pull(edge.kind, edge.image, raw, span, edge.source, edge.instruction))
    out.sort(key=lambda p: p.span.start)
    return out


# --- what a final image is for ---------------------------------------------------------------

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "fish"})
# interpreters that, started without a program, are a REPL: an interactive or base image
_REPLS = frozenset({"python", "python2", "python3", "pypy", "pypy3", "node", "irb", "jshell",
                    "php", "ruby", "ghci", "iex", "erl", "julia", "R", "perl", "lua"})
# what an image runs when it is a development, test or CI environment
_TOOLING = frozenset({"go", "cargo", "rustc", "rustup", "mvn", "mvnw", "gradle", "gradlew",
                      "make", "cmake", "gcc", "g++", "clang", "javac", "dlv", "gdb", "air",
                      "reflex", "nodemon", "jest", "vitest", "mocha", "karma", "pytest",
                      "py.test", "tox", "nox", "phpunit", "webpack-dev-server", "ts-node-dev",
                      "golangci-lint", "pre-commit"})
_TOOLING_SUBCOMMANDS = {"ng": {"serve", "test", "lint"}, "vite": {"", "dev", "serve"},
                        "next": {"dev"}, "nuxt": {"dev"}, "webpack": {"serve"}}
_PACKAGE_SCRIPTS = re.compile(r"^(?:dev|develop|watch|serve|test|lint|start:dev)(?:[:-].*)?$")
_WRAPPERS = frozenset({"tini", "tini-static", "dumb-init", "catatonit"})
_DEV_STAGE_WORDS = frozenset({"dev", "devel", "develop", "development", "devcontainer", "test",
                              "tests", "testing", "ci", "debug", "lint"})


def purpose(df: "Dockerfile", index: int) -> str:
    """What the image of stage ``index`` is for, judged by the command it runs.

    ``base``: no ENTRYPOINT or CMD anywhere in its chain (a base or tool image that inherits
    its base's default). ``interactive``: a bare shell or an interpreter without a program.
    ``tooling``: a toolchain, debugger, test runner, linter or development server (``go run``,
    ``npm run dev``, ``pytest``), or a stage named for development or tests (``dev``,
    ``devcontainer``, ``test``, ``ci``...) or a Dockerfile named so (``Dockerfile.dev``,
    ``test.Dockerfile``, ``Dockerfile.tilt``, ``.devcontainer/Dockerfile``). ``app``: anything
    else, including ``sh -c '...'``. An entrypoint script (``docker-entrypoint.sh``) defers to
    the CMD, as such scripts ``exec "$@"``.
    """
    name = df.stages[index].name or ""
    if set(re.split(r"[-_.]", name)) & _DEV_STAGE_WORDS:
        return "tooling"
    path = (df.path or "").replace("\\", "/").split("/")
    if set(re.split(r"[-_.]", path[-1].lower())) & (_DEV_STAGE_WORDS | {"tilt"}) or \
            ".devcontainer" in path[:-1]:
        return "tooling"
    facts = df.facts
    command = facts.last_in_chain(index, "ENTRYPOINT")
    cmd = facts.last_in_chain(index, "CMD")
    if command is not None and command.json and not command.args:
        command = None       # `ENTRYPOINT []` clears the entrypoint: the CMD decides
    if command is not None and cmd is not None and _is_entrypoint_script(command):
        command = None       # docker-entrypoint.sh and the like end in `exec "$@"`
    command = command or cmd
    if command is None:
        return "base"
    if command.json:
        commands = [[a.value for a in command.args]]
    else:
        commands = _commands(facts.script(command))
    for _ in range(3):   # see through init wrappers, `exec` and `sh -c '<script>'`
        words = commands[0] if commands else []
        while words and posixpath.basename(words[0]) in _WRAPPERS | {"exec"}:
            words = words[1:]
            while words and words[0].startswith("-"):
                words = words[1:]
        commands = [words, *commands[1:]]
        if len(words) >= 3 and posixpath.basename(words[0]) in _SHELLS and \
                re.fullmatch(r"-[a-z]*c", words[1]):
            from docklint.shell import parse_script
            commands = _commands(parse_script(words[2])) + commands[1:]
    commands = [c for c in commands if c and c[0] not in ("cd", "set", "export", ":")]
    if not commands:
        return "app"
    if any(_purpose_of(c) == "tooling" for c in commands):
        return "tooling"
    return _purpose_of(commands[0])


def _is_entrypoint_script(ins) -> bool:
    words = [a.value for a in ins.args] if ins.json else ins.rest.split()
    return len(words) == 1 and "entrypoint" in posixpath.basename(words[0]).lower()


def _commands(script) -> list[list[str]]:
    if script is None:
        return []
    return [[c.name, *(a.value for a in c.args)] for c in script.commands if c.name]


def is_tooling_command(words: list[str]) -> bool:
    """A command line that runs a toolchain, test runner, linter or development server."""
    return bool(words) and _purpose_of(words) == "tooling"


def _purpose_of(words: list[str]) -> str:
    exe, args = posixpath.basename(words[0]), words[1:]
    if exe == "npx" and args:
        exe, args = posixpath.basename(args[0]), args[1:]
    if exe in _SHELLS:
        return "interactive" if not args or args[0] in ("-l", "-i", "--login") else "app"
    if exe in _REPLS and not args:
        return "interactive"
    if exe in _TOOLING:
        return "tooling"
    if exe in _TOOLING_SUBCOMMANDS:
        return "tooling" if (args[0] if args else "") in _TOOLING_SUBCOMMANDS[exe] else "app"
    if exe in ("npm", "yarn", "pnpm"):
        script = args[1] if args[:1] == ["run"] and len(args) > 1 else (args[0] if args else "")
        return "tooling" if _PACKAGE_SCRIPTS.match(script) else "app"
    if re.fullmatch(r"python[\d.]*", exe) and args[:2] == ["-m", "pytest"]:
        return "tooling"
    return "app"
