"""Evidence in the program and its configuration: what shows that the program an image runs
makes TLS calls, loads time zones or uses cgo, in the Dockerfile, in program text the build
writes, and in the files of the build context; and what gives an image a time-zone database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..shell import Script
from ..source import Span
from ..syntax import Instruction

if TYPE_CHECKING:
    from . import Facts

__all__ = ["Evidence", "URL_RE", "TLS_CALL_RE", "TZ_API_RE", "TLS_PROBE", "TZ_PROBE",
           "TZ_EMBED_PROBE", "CGO_PROBE", "tls_evidence", "tz_evidence", "cgo_evidence",
           "tz_sources", "reaches_https"]

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


# ---- evidence in the program and its configuration
def tls_evidence(facts: "Facts", index: int) -> list[Evidence]:
    """Evidence that the program the image of stage ``index`` runs makes TLS calls."""
    return _evidence(facts, index, TLS_PROBE)


def reaches_https(facts: "Facts") -> bool:
    """Whether the target's program makes TLS calls (see :func:`tls_evidence`); a cached
    property of Facts."""
    t = facts.df.graph.target
    return bool(t is not None and facts.tls_evidence(t))


def tz_evidence(facts: "Facts", index: int) -> list[Evidence]:
    """Evidence that the program of stage ``index`` loads time zones: ``ENV TZ`` set to a
    zone other than UTC, or zone-loading calls in its source."""
    out: list[Evidence] = []
    for stage in facts.df.graph.chain(index):
        for ins in stage.instructions:
            if ins.keyword != "ENV":
                continue
            for key, value, _ in ins.pairs():
                zone = (facts.df.expand(value.value, stage.env_before(ins)).value or "")
                zone = zone.strip().lstrip(":")
                if key.value == "TZ" and zone and zone.upper() not in _UTC_ZONES and \
                        not zone.startswith("/"):
                    out.append(Evidence(f"TZ={zone}", "ENV", value.span, ins.line))
    return out + _evidence(facts, index, TZ_PROBE)


def cgo_evidence(facts: "Facts", index: int) -> list[Evidence]:
    """Evidence that the Go program of the image of stage ``index`` uses packages that make
    a cgo-enabled build link dynamically (net, os/user, import "C"): its source, or an
    EXPOSE (a network server uses net)."""
    out = _evidence(facts, index, CGO_PROBE)
    for stage in facts.df.graph.chain(index):
        for ins in stage.instructions:
            if ins.keyword == "EXPOSE" and ins.args:
                out.append(Evidence(f"EXPOSE {ins.args[0].value}", "a network server uses "
                                    "the net package", ins.span, ins.line))
    return out


def tz_sources(facts: "Facts", index: int) -> list[str]:
    """What gives the image of stage ``index`` a time-zone database (besides its base)."""
    out = []
    for stage in facts.df.graph.chain(index):
        for pkg in facts.installed_packages(stage):
            if pkg.split("=")[0] in ("tzdata", "tzdata-legacy", "timezone"):
                out.append(f"installs {pkg}")
    for p in facts.placed(index):
        if p.dest.startswith("/usr/share/zoneinfo") or p.source.rstrip("/").endswith(
                "zoneinfo") or "zoneinfo" in p.source:
            out.append(f"copies {p.source} (line {p.instruction.line})")
    for si in facts.df.graph.reachable(index):
        stage = facts.df.stages[si]
        for ins, _script, cmd in facts.commands(stage):
            if cmd.name == "go" and "timetzdata" in " ".join(a.value for a in cmd.args):
                out.append(f"go build -tags timetzdata (line {ins.line})")
            if cmd.env("ZONEINFO"):
                out.append(f"ZONEINFO set (line {ins.line})")
        for ins in stage.instructions:
            if ins.keyword == "ENV" and any(k.value == "ZONEINFO" for k, _, _ in ins.pairs()):
                out.append(f"ENV ZONEINFO (line {ins.line})")
    out += [f"{e.text} ({e.where})" for e in _evidence(facts, index, TZ_EMBED_PROBE)]
    return out


def _evidence(facts: "Facts", index: int, probe: "_Probe") -> list[Evidence]:
    out: list[Evidence] = []
    graph = facts.df.graph
    if probe.values is not None:
        # run-time configuration: ENV and ARG values in the chain, and the command in effect
        for stage in graph.chain(index):
            for ins in stage.instructions:
                if ins.keyword == "ENV":
                    for _key, value, _ in ins.pairs():
                        out += _in_word(facts, ins, value, "ENV value", probe.values)
                elif ins.keyword == "ARG":
                    for word in ins.args:
                        if "=" in word.value:
                            out += _in_word(facts, ins, word, "ARG default", probe.values)
        for kw in ("ENTRYPOINT", "CMD", "HEALTHCHECK"):
            ins = facts.last_in_chain(index, kw)
            if ins is not None:
                words = ins.args[1:] if kw == "HEALTHCHECK" else ins.args
                for word in words:
                    out += _in_word(facts, ins, word, kw, probe.values)
    # program source the build writes, in every stage the target's build reaches; when
    # the program is compiled by a build docklint recognises, only that language's sources
    # (and configuration files) in the context count
    extensions = _source_extensions(facts, index)
    for si in sorted(graph.reachable(index)):
        for ins in graph.stages[si].instructions:
            if ins.keyword == "RUN":
                out += _written_by_run(facts, ins, probe)
            elif ins.keyword in ("COPY", "ADD"):
                for h in ins.heredocs:
                    out += _in_text(facts, h.content, h.body_span.start,
                                    f"file written by {ins.keyword} <<{h.name}",
                                    probe.text)
                out += _context_evidence(facts, ins, probe, extensions)
    seen: set[tuple[str, int]] = set()
    unique = []
    for ev in out:
        key = (ev.text, ev.span.start)
        if key not in seen:
            seen.add(key)
            unique.append(ev)
    return unique


def _in_word(facts: "Facts", ins: Instruction, word, where: str, rx: re.Pattern[str]
             ) -> list[Evidence]:
    out = []
    for m in rx.finditer(word.value):
        if ins.json or word.lend - word.lstart != len(word.value):
            span = word.span
        else:
            span = ins.span_of(word.lstart + m.start(), word.lstart + m.end())
        out.append(Evidence(m.group(0), where, span, facts.df.source.position(span.start)[0]))
    return out


def _in_text(facts: "Facts", text: str, base: int, where: str, rx: re.Pattern[str],
             script: Script | None = None) -> list[Evidence]:
    out = []
    for m in rx.finditer(text):
        if script is not None:
            span = script.span(base + m.start(), base + m.end())
        else:
            span = Span(base + m.start(), base + m.end())
        out.append(Evidence(m.group(0), where, span, facts.df.source.position(span.start)[0]))
    return out


def _written_by_run(facts: "Facts", ins: Instruction, probe: "_Probe") -> list[Evidence]:
    script = facts.script(ins)
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
                out += _in_text(facts, a.raw, a.start, where, probe.text, script)
        for r in cmd.redirects:
            if r.body is not None:
                out += _in_text(facts, r.body, r.body_start, where, probe.text, script)
    return out


def _source_extensions(facts: "Facts", index: int) -> tuple[str, ...] | None:
    """The source file extensions of the programs built for the image of stage ``index``
    (every build in the stages it reaches is go, cargo or a C compiler), or None."""
    extensions: set[str] = set()
    for si in facts.df.graph.reachable(index):
        for _ins, _script, cmd in facts.commands(facts.df.graph.stages[si]):
            if cmd.name in _INTERPRETER_BUILDS:
                return None      # a mixed build: any source may be the program's
            for tools, exts in _BUILD_SOURCES:
                if cmd.name in tools:
                    extensions.update(exts)
    return tuple(sorted(extensions)) or None


def _context_evidence(facts: "Facts", ins: Instruction, probe: "_Probe",
                      extensions: tuple[str, ...] | None = None) -> list[Evidence]:
    if ins.flag("from") is not None or facts.df.context is None:
        return []
    from ..context import context_for
    ctx = context_for(facts.df.context, facts.df.path)
    srcs, _ = facts.copy_paths(ins)
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
