"""Evidence in the program and its configuration: what shows that the program an image runs
makes TLS calls, loads time zones or uses cgo, in the Dockerfile, in program text the build
writes, and in the files of the build context, and how strongly (in the program itself, or in
its configuration); and what gives an image a time-zone database.

What the build itself uses is not evidence: an ENV value is followed to where the Dockerfile
uses it (only build-time uses: not evidence), an ARG counts only where it flows into an ENV or
program text, and package-manager and build-tool configuration, build manifests and the
variables build tools read are left out.
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
           "tz_sources", "reaches_https", "needs_zoneinfo"]

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
_UTC_ZONES = {"UTC", "ETC/UTC", "UCT", "ZULU", "GMT", "ETC/GMT", "UNIVERSAL", "UTC0", "GMT0",
              "GMT+0", "GMT-0", "GREENWICH"}


@dataclass(frozen=True)
class _Probe:
    """What counts as evidence of one behaviour, where: in ENV values and the command
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

# configuration of package managers and build tools: what the build fetches with, never what
# the program reads
_PM_CONFIG_PATHS = ("/etc/apt/", "/etc/apk/", "/etc/yum.repos.d/", "/etc/zypp/", "/etc/dnf/",
                    "/etc/pip.conf", ".npmrc", ".pypirc", ".netrc", "/etc/yum.conf",
                    "pip.conf", "pip.ini", ".yarnrc", "/etc/resolv.conf", "/etc/hosts",
                    ".cargo/config", "cargo/config.toml", ".cargo/credentials",
                    "/.m2/", "maven/conf/settings.xml", "settings.xml", ".gitconfig",
                    "/etc/gitconfig", ".git-credentials", ".gradle/", "gradle.properties",
                    "init.gradle", ".condarc", ".bundle/config", ".gemrc", "/.composer/",
                    "composer/config.json", "/.docker/", ".curlrc", ".wgetrc", "/etc/wgetrc",
                    "go/env", "go.env", "/.rustup/", "sources.list", "nuget.config", "NuGet.Config",
                    "/.sbt/", "/.ivy2/", "bunfig.toml", ".bowerrc", "uv.toml", "/.config/uv/",
                    "/.config/pip/", "/.pip/", ".pnpmrc", ".yarnrc.yml", "/etc/environment",
                    "Rprofile", ".Renviron", "/etc/R/", ".julia/config", "/etc/pacman",
                    "/etc/portage/", "/etc/dpkg/", "/etc/ssl/openssl.cnf")
# build manifests, CI and tooling configuration: they name URLs the program never calls
_MANIFESTS = {"cargo.toml", "cargo.lock", "pyproject.toml", "setup.cfg", "tox.ini",
              "poetry.lock", "pipfile", "pdm.lock", "uv.lock", "rust-toolchain.toml",
              "rustfmt.toml", ".rustfmt.toml", "clippy.toml", "deny.toml", "cliff.toml",
              ".pre-commit-config.yaml", ".pre-commit-hooks.yaml", "mkdocs.yml", "mkdocs.yaml",
              ".gitlab-ci.yml", ".travis.yml", "azure-pipelines.yml", "appveyor.yml",
              "codecov.yml", ".codecov.yml", ".golangci.yml", ".golangci.yaml",
              ".goreleaser.yml", ".goreleaser.yaml", "netlify.toml", "fly.toml", "chart.yaml",
              "skaffold.yaml", "cloudbuild.yaml", "buf.yaml", "buf.gen.yaml", "buf.work.yaml",
              ".readthedocs.yml", ".readthedocs.yaml", "environment.yml", "environment.yaml",
              "pnpm-workspace.yaml", "pnpm-lock.yaml", "dependabot.yml", "renovate.json",
              ".markdownlint.yaml", ".markdownlint.yml", ".eslintrc.yml", ".eslintrc.yaml",
              ".prettierrc.yaml", ".prettierrc.yml", ".releaserc.yml", ".yamllint",
              ".yamllint.yml", ".yamllint.yaml", "docker-compose.yml", "docker-compose.yaml",
              "compose.yml", "compose.yaml", "kustomization.yaml", "kustomization.yml",
              "values.yaml", "taskfile.yml", "taskfile.yaml", "lefthook.yml", ".mergify.yml",
              "_config.yml", "hugo.toml", "hugo.yaml", "config.toml.example", "requirements.txt",
              "setup.py", "go.work", "project.toml", "cloudbuild.yml",
              "devfile.yaml", "tilt_config.json", "codeql-config.yml", "gradle.properties"}
# URLs that are names, not places a program connects to: XML namespaces, JSON schemas
_NOT_CALLED = re.compile(r"^(?:https?|wss)://(?:[^/]*\.)?(?:w3\.org|json-schema\.org|"
                         r"schemastore\.org|xmlsoap\.org|purl\.org|schemas\.[^/]+|"
                         r"localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1?\])(?:[:/]|$)", re.I)
# a URL of a file to download (an archive, a package, an installer, a signature)
_DOWNLOAD = re.compile(r"\.(?:tar|t?gz|tgz|bz2|tbz2?|xz|txz|zst|zip|7z|exe|msi|deb|rpm|apk|"
                       r"dmg|pkg|whl|jar|war|gem|nupkg|asc|sig|sha\d*|sha256sum|md5|"
                       r"AppImage|iso|img|run|bin)(?:[?#].*)?$", re.I)
# variables build tools read (module proxies, package indexes, mirrors, download sites) and
# proxies: a value there is what the build fetches from
_BUILD_TOOL_VAR = re.compile(
    r"^(?:GO(?:PROXY|SUMDB|NOSUMDB|PRIVATE|NOPROXY|INSECURE|FLAGS|TOOLCHAIN)|PIP_\w+|"
    r"UV_\w*(?:INDEX|MIRROR|FIND_LINKS)\w*|POETRY_\w+|PDM_\w+|PIPENV_\w+|PYPI_\w+|"
    r"NPM_CONFIG_\w+|YARN_\w+|PNPM_\w+|BUN_\w+|N(?:VM_)?NODE(?:JS)?_(?:ORG_)?MIRROR|"
    r"NODEJS_ORG_MIRROR|ELECTRON_\w+|SASS_BINARY_SITE|PUPPETEER_\w+|PLAYWRIGHT_\w+|"
    r"CHROMEDRIVER_\w+|CYPRESS_\w+|RUSTUP_\w+|CARGO_\w+|GRADLE_\w+|MAVEN_\w+|SBT_\w+|"
    r"COMPOSER_\w+|GEM_\w+|BUNDLE_\w+|CONDA_\w+|MAMBA_\w+|HOMEBREW_\w+|APT_\w+|"
    r"(?:HTTPS?|FTP|ALL|NO)_PROXY|\w*MIRROR\w*|\w*DOWNLOAD\w*|\w*_(?:SHA\d*|CHECKSUM|ASC)"
    r"(?:_URL)?|\w*INDEX_URL|\w*_RELEASES?_URL|\w*GPG_\w+|GET_PIP_URL|\w*_GET_PIP_URL|"
    r"\w*INSTALLER_URL|\w*_TARBALL\w*|\w*_ARCHIVE_URL)$", re.I)
# names of an endpoint the program calls (API, upstream, webhook...), and of URLs that are not
# one (the service's own public address, documentation, links): those are not evidence at all
_ENDPOINT_NAME = re.compile(
    r"(?:^|_)(?:API|APIS|ENDPOINTS?|UPSTREAMS?|WEBHOOKS?|DSN|ISSUER|AUTH\w*|OIDC|OAUTH\w*|"
    r"JWKS|TOKEN|GATEWAY|BACKENDS?|BROKERS?|COLLECTOR|OTLP|OTEL|SINK|REMOTE|SERVICES?|"
    r"SERVERS?|HOSTS?|ADDR|ADDRESS|URLS?|URIS?)(?:_|$)", re.I)
_NOT_ENDPOINT_NAME = re.compile(
    r"(?:^|_)(?:PUBLIC|SITE|APP|ROOT|EXTERNAL|SELF|CALLBACK|REDIRECT|FRONTEND|CANONICAL|"
    r"HOMEPAGE|HOME|WEB|WEBSITE|DOCS?|DOCUMENTATION|LICENSE|SOURCE|REPO|REPOSITORY|ISSUES?|"
    r"CHANGELOG|LOGO|ICON|IMAGE|AVATAR|BADGE|SUPPORT|HELP|PRIVACY|TERMS|LINK|BASE_PATH|"
    r"ASSETS?|STATIC|CDN|PROJECT|VENDOR|MAINTAINER|AUTHOR|URL_PREFIX)(?:_|$)", re.I)
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
    """Something in the build that shows the final program makes TLS calls (loads time zones,
    uses cgo), and how strongly."""

    text: str                  # the URL or call
    where: str                 # "ENV", "CMD", "program source written by RUN", "file main.go:3"
    span: Span                 # where to point in the Dockerfile
    line: int
    # "program": in the program itself (its source, its command line, an ENV it reads at run
    # time that names a service endpoint); "config": weaker (a configuration file, an ENV
    # value nothing in the Dockerfile reads that may be anything)
    strength: str = "program"

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
    zone name the time-zone database defines (``Europe/Paris``, ``Japan``; not UTC, not a
    POSIX TZ string such as ``EST5EDT`` or ``CST-8``, which the C library reads without the
    database, not a file path such as ``:/etc/localtime``), or zone-loading calls in its
    source."""
    out: list[Evidence] = []
    for stage in facts.df.graph.chain(index):
        for ins in stage.instructions:
            if ins.keyword != "ENV":
                continue
            for key, value, _ in ins.pairs():
                if key.value != "TZ":
                    continue
                zone = (facts.df.expand(value.value, stage.env_before(ins)).value or "")
                zone = zone.strip()
                if needs_zoneinfo(zone):
                    out.append(Evidence(f"TZ={zone}", "ENV", value.span, ins.line))
    return out + _evidence(facts, index, TZ_PROBE)


_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)+|[A-Za-z][A-Za-z_-]*")


def needs_zoneinfo(tz: str) -> bool:
    """Whether a ``TZ`` value names a zone of the time-zone database (``Europe/Paris``,
    ``America/Argentina/Buenos_Aires``, ``Japan``, ``CET``), which needs zoneinfo files. UTC
    (under any of its names), POSIX TZ strings (``EST5EDT``, ``CST-8``, ``<+03>-3``,
    ``UTC+3``: an offset, which the C library reads by itself) and file paths
    (``:/etc/localtime``) do not."""
    tz = tz.strip()
    if tz.startswith(":"):
        tz = tz[1:]
    if not tz or tz.startswith("/") or tz.upper() in _UTC_ZONES:
        return False
    if tz.upper().startswith("ETC/") and tz.upper()[4:] in _UTC_ZONES | {"GREENWICH"}:
        return False
    return _ZONE_NAME.fullmatch(tz) is not None and ("/" in tz or not any(
        c.isdigit() for c in tz))


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
    """What gives the image of stage ``index`` a time-zone database (besides its base): the
    tzdata package, a copy of /usr/share/zoneinfo, Go's embedded database, Python's tzdata or
    pytz packages, ``ZONEINFO``, or a runtime that ships its own (Node.js with full ICU, a
    JVM)."""
    out = []
    for stage in facts.df.graph.chain(index):
        for pkg in facts.installed_packages(stage):
            if pkg.split("=")[0] in ("tzdata", "tzdata-legacy", "timezone"):
                out.append(f"installs {pkg}")
        for ins, _script, cmd in facts.commands(stage):
            if cmd.name in ("pip", "pip3", "uv", "poetry", "pipenv") or (
                    cmd.name.startswith("python") and any(a.value == "pip" for a in cmd.args)):
                names = {re.split(r"[=<>~!\[; ]", a.value, maxsplit=1)[0].lower()
                         for a in cmd.args}
                for name in ("tzdata", "pytz"):
                    if name in names:
                        out.append(f"installs the {name} Python package (line {ins.line})")
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
    runtime = facts.runtime(index)
    if runtime.kind in ("node", "jar"):
        own = "Node.js (full ICU)" if runtime.kind == "node" else "the JVM"
        out.append(f"{own} brings its own time-zone data ({runtime.detail})")
    out += [f"{e.text} ({e.where})" for e in _evidence(facts, index, TZ_EMBED_PROBE)]
    return out


def _evidence(facts: "Facts", index: int, probe: "_Probe") -> list[Evidence]:
    out: list[Evidence] = []
    graph = facts.df.graph
    chain = {s.index for s in graph.chain(index)}
    if probe.values is not None:
        # run-time configuration: ENV values in the chain (followed to where the Dockerfile
        # uses them), and the command in effect. An ARG never reaches a running container:
        # its value counts only where it flows into an ENV or into program text (below).
        for stage in graph.chain(index):
            for ins in stage.instructions:
                if ins.keyword == "ENV":
                    out += _env_evidence(facts, stage, ins, probe.values)
        for kw in ("ENTRYPOINT", "CMD", "HEALTHCHECK"):
            ins = facts.last_in_chain(index, kw)
            if ins is not None and not _no_verify(ins):
                words = ins.args[1:] if kw == "HEALTHCHECK" else ins.args
                for word in words:
                    out += _in_word(facts, ins, word, kw, probe.values)
    # program source the build writes, in every stage the target's build reaches; when
    # the program is compiled by a build docklint recognises, only that language's sources
    # (and configuration files) in the context count. Configuration files count (as weaker
    # evidence) only where they end up in the final image.
    extensions = _source_extensions(facts, index)
    for si in sorted(graph.reachable(index)):
        stage = graph.stages[si]
        final = si in chain
        for ins in stage.instructions:
            if ins.keyword == "RUN":
                out += _written_by_run(facts, stage, ins, probe, final, index)
            elif ins.keyword in ("COPY", "ADD"):
                _srcs, dest = facts.copy_paths(ins)
                for h in ins.heredocs:
                    path = (dest or "") + h.name if (dest or "").endswith("/") else dest or ""
                    kind = _file_kind(path)
                    if kind == "build" or (kind != "source" and
                                           not _reaches(facts, index, ins, path)):
                        continue
                    env = stage.env_before(ins) if h.expand else None
                    out += _in_text(facts, h.content, h.body_span.start,
                                    f"file written by {ins.keyword} <<{h.name}", probe, kind,
                                    env=env)
                out += _context_evidence(facts, ins, probe, extensions, index)
    seen: set[tuple[str, int]] = set()
    unique = []
    for ev in out:
        key = (ev.text, ev.span.start)
        if key not in seen:
            seen.add(key)
            unique.append(ev)
    return unique


def _urls(text: str, rx: "re.Pattern[str]"):
    """The matches of ``rx`` in ``text`` that are places a program may connect to (not an
    XML namespace, a JSON schema or localhost)."""
    for m in rx.finditer(text):
        if not _NOT_CALLED.match(m.group(m.lastindex or 0)):
            yield m


def _env_evidence(facts: "Facts", stage, ins: Instruction, rx: "re.Pattern[str]"
                  ) -> list[Evidence]:
    """Evidence in one ENV: a URL in a value (after expansion: an ARG flows in there) that
    the program may read at run time. A value the Dockerfile only uses at build time (``ADD
    $URL``, ``RUN curl $URL``...) is not evidence, nor is one a build tool reads (GOPROXY,
    PIP_INDEX_URL...); one a CMD/ENTRYPOINT/HEALTHCHECK uses, or that names a service endpoint
    nothing in the Dockerfile reads, is evidence in the program; the service's own address
    (APP_URL, PUBLIC_URL...) or a link to documentation is none; any other value nothing
    reads is weaker evidence."""
    out: list[Evidence] = []
    env = stage.env_before(ins)
    for key, value, _ in ins.pairs():
        name = key.value
        if _BUILD_TOOL_VAR.match(name):
            continue
        text = facts.df.expand(value.value, env).value or value.value
        urls = [m.group(0) for m in _urls(text, rx)]
        if not urls:
            continue
        uses = _env_uses(facts, stage, ins, name)
        if "runtime" in uses:
            strength, where = "program", f"ENV {name}, read by the command"
        elif uses:
            continue            # used at build time only, or passed on to another ENV
        elif all(_DOWNLOAD.search(u) for u in urls):
            continue            # a file to download (an archive, an installer), not a service
        elif _NOT_ENDPOINT_NAME.search(name):
            continue            # the service's own address, documentation, a link
        elif _ENDPOINT_NAME.search(name):
            strength, where = "program", f"ENV {name}, a service endpoint the program reads"
        else:
            strength, where = "config", f"ENV {name}, not read in the Dockerfile"
        for url in urls:
            at = value.value.find(url)
            if at >= 0 and not ins.json and value.lend - value.lstart == len(value.value):
                span = ins.span_of(value.lstart + at, value.lstart + at + len(url))
            else:
                span = value.span
            out.append(Evidence(url, where, span, facts.df.source.position(span.start)[0],
                                strength))
    return out


def _env_uses(facts: "Facts", stage, ins: Instruction, name: str) -> set[str]:
    """How the Dockerfile uses the variable an ENV sets, after it: ``runtime`` (a CMD,
    ENTRYPOINT or HEALTHCHECK, where the container's shell expands it), ``build`` (RUN,
    COPY/ADD, WORKDIR...: the build reads it), ``env`` (another ENV takes it over). LABEL
    values are documentation and do not count."""
    from ._core import memo
    cache = memo(facts, "_env_uses")
    key = (id(ins), name)
    if key in cache:
        return cache[key]
    df = facts.df
    out: set[str] = set()
    ref = re.compile(r"\$(?:\{)?" + re.escape(name) + r"\b")
    foreign = re.compile(r"\$(?:\{)?(?:env:)?" + re.escape(name) + r"\b|%" + re.escape(name) +
                         "%", re.I)
    for other_stage in df.stages:
        if not any(s.index == stage.index for s in df.graph.chain(other_stage.index)):
            continue
        for other in other_stage.instructions:
            if other_stage is stage and other.index <= ins.index:
                continue
            kw = other.keyword
            if kw in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
                # exec form: a `sh -c` among the words expands it when the container runs
                if other.json and any(ref.search(w.value) for w in other.args):
                    out.add("runtime")
                elif not other.json and any(u.name == name for u in df.var_uses(other)):
                    out.add("runtime")
                continue
            if kw == "LABEL" or kw == "ONBUILD":
                continue
            if any(u.name == name for u in df.var_uses(other)):
                out.add("env" if kw == "ENV" else "build")
            elif kw == "RUN" and facts.script(other) is None and \
                    foreign.search(other.original):
                out.add("build")        # PowerShell, cmd, exec form: $env:NAME, %NAME%
    cache[key] = out
    return out


def _no_verify(ins: Instruction) -> bool:
    """Whether a CMD/ENTRYPOINT/HEALTHCHECK turns certificate checks off (``curl -k``,
    ``wget --no-check-certificate``): its URLs need no CA bundle."""
    words = [w.value for w in ins.args]
    text = " ".join(words)
    return bool(re.search(r"(?:^|\s)(?:-k|--insecure|--no-check-certificate|-[a-zA-Z]*k"
                          r"[a-zA-Z]*)(?=\s|$)", text)) and bool(
        re.search(r"(?:^|[\s/])(?:curl|wget)(?=\s|$)", text))


def _file_kind(path: str) -> str:
    """What a file the build writes is to the program: ``build`` (package-manager or
    build-tool configuration, a build manifest), ``source`` (program source), ``config``
    (a configuration file) or ``other``."""
    low = path.lower()
    name = low.rsplit("/", 1)[-1]
    if low.startswith("/dev/") or name in _MANIFESTS or \
            any(p.lower() in low for p in _PM_CONFIG_PATHS):
        return "build"
    if name.endswith(_SOURCE_EXTENSIONS):
        return "source"
    if name.endswith(_CONFIG_EXTENSIONS):
        return "config"
    return "other"


def _reaches(facts: "Facts", index: int, ins: Instruction, path: str) -> bool:
    """Whether a file ``ins`` puts at ``path`` ends up in the image of stage ``index``: it is
    in its chain, or a COPY --from in the chain copies a directory holding it."""
    stage = facts.df.stage_of(ins)
    if stage is None:
        return False
    if any(s.index == stage.index for s in facts.df.graph.chain(index)):
        return True
    path = path.rstrip("/")
    for _copy, source, srcs, _dest in facts.copies_from(index):
        if source is None or not any(s.index == stage.index
                                     for s in facts.df.graph.chain(source)):
            continue
        for src in srcs:
            src = src.rstrip("/") or "/"
            if src == "/" or path == src or path.startswith(src + "/") or \
                    (not path.startswith("/") and src.endswith("/" + path.split("/")[0])):
                return True
    return False


def _in_word(facts: "Facts", ins: Instruction, word, where: str, rx: re.Pattern[str]
             ) -> list[Evidence]:
    out = []
    for m in _urls(word.value, rx):
        if ins.json or word.lend - word.lstart != len(word.value):
            span = word.span
        else:
            span = ins.span_of(word.lstart + m.start(), word.lstart + m.end())
        out.append(Evidence(m.group(0), where, span, facts.df.source.position(span.start)[0]))
    return out


def _in_text(facts: "Facts", text: str, base: int, where: str, probe: "_Probe", kind: str,
             script: Script | None = None, env=None) -> list[Evidence]:
    """Evidence in the text of a file the build writes (``kind``: :func:`_file_kind`): in
    program source a TLS call or a quoted URL, in other files any URL, outside comment
    lines; with ``env``, also the values of the ``$VAR`` references the text expands."""
    rx = probe.file if kind == "source" else probe.config
    if rx is None:
        return []
    strength = "program" if kind == "source" else "config"
    out = []

    def add(start: int, end: int, what: str) -> None:
        if script is not None:
            span = script.span(base + start, base + end)
        else:
            span = Span(base + start, base + end)
        out.append(Evidence(what, where, span, facts.df.source.position(span.start)[0],
                            strength))

    offset = 0
    for line in text.splitlines(keepends=True):
        # (an echo argument keeps its quotes: `echo '; a comment' >> php.ini`)
        stripped = line.lstrip().lstrip("'\"").lstrip()
        if not stripped.startswith(("//", "#", "*", "/*", ";", "--")):
            for m in _urls(line, rx):
                group = m.lastindex or 0
                add(offset + m.start(group), offset + m.end(group), m.group(group))
        offset += len(line)
    if env is not None and probe.values is not None and "$" in text:
        from ..variables import references
        for r in references(text, "\\", quotes=False):
            value = env.get(r.name)
            if not value:
                continue
            for m in _urls(value, probe.values):
                add(r.start, r.end, m.group(0))
    return out


def _written_by_run(facts: "Facts", stage, ins: Instruction, probe: "_Probe", final: bool,
                    index: int) -> list[Evidence]:
    script = facts.script(ins)
    if script is None:
        return []
    env = stage.env_before(ins)
    out: list[Evidence] = []
    for cmd in script.commands:
        targets = [w.value for w in cmd.writes_to()]
        if cmd.name == "tee":
            targets += [a.value for a in cmd.positional()]
        if not targets:
            continue
        kinds = {_file_kind(t) for t in targets}
        kind = "source" if "source" in kinds else "config" if "config" in kinds else \
            "other" if "other" in kinds else "build"
        if kind == "build" or (kind != "source" and not final and
                               not any(_reaches(facts, index, ins, t) for t in targets)):
            continue
        where = f"written to {targets[0]} by RUN"
        if cmd.name in ("echo", "printf"):
            for a in cmd.args:
                expand = env if a.dynamic and not a.raw.startswith("'") else None
                out += _in_text(facts, a.raw, a.start, where, probe, kind, script, expand)
        for r in cmd.redirects:
            if r.body is not None:
                quoted = r.target is not None and any(c in r.target.raw for c in "'\"\\")
                out += _in_text(facts, r.body, r.body_start, where, probe, kind, script,
                                None if quoted else env)
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
                      extensions: tuple[str, ...] | None = None, index: int | None = None
                      ) -> list[Evidence]:
    if ins.flag("from") is not None or facts.df.context is None:
        return []
    from ..context import context_for
    ctx = context_for(facts.df.context, facts.df.path)
    srcs, dest = facts.copy_paths(ins)
    out: list[Evidence] = []
    for s in srcs:
        if s.startswith("<<"):
            continue
        for rel, path in ctx.files(s):
            if not _is_program_file(rel) or (
                    extensions is not None and not rel.endswith(extensions) and
                    not rel.endswith(_CONFIG_EXTENSIONS)):
                continue
            kind = _file_kind("/" + rel)
            if kind == "build":
                continue
            if kind != "source" and index is not None and \
                    not _reaches(facts, index, ins, _landing(s, rel, dest or "/")):
                continue
            text = ctx.read_text(path)
            if not text or not any(k in text for k in probe.keywords):
                continue
            found = _file_evidence(text, probe, kind != "source")
            if found:
                lineno, what = found
                out.append(Evidence(what, f"in {rel}:{lineno}, copied by {ins.keyword}",
                                    ins.span, ins.line,
                                    "program" if kind == "source" else "config"))
                if len(out) >= 3:
                    return out
    return out


def _landing(source: str, rel: str, dest: str) -> str:
    """Where the context file ``rel``, copied by a COPY of ``source`` to ``dest``, lands."""
    import posixpath
    base = posixpath.normpath(source).lstrip("/")
    base = "" if base == "." else base
    inner = rel[len(base) + 1:] if base and rel.startswith(base + "/") else \
        posixpath.basename(rel) if base else rel
    if not dest.endswith("/") and base == rel:
        return dest                 # a file copied to a file name
    return posixpath.join(dest if dest.startswith("/") else "/" + dest, inner)


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
        for m in _urls(line, rx):
            return lineno, m.group(m.lastindex or 0)
    return None
