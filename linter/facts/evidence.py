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

import posixpath
import re
from docklint.record import record
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from docklint.lazyre import lazy
from ..shell import Script
from ..source import Span
from ..syntax import Instruction

if TYPE_CHECKING:
    from . import Facts

__all__ = ["Evidence", "URL_RE", "TLS_CALL_RE", "TZ_API_RE", "TLS_PROBE", "TZ_PROBE",
           "TZ_EMBED_PROBE", "CGO_PROBE", "tls_evidence", "tz_evidence", "cgo_evidence",
           "tz_sources", "reaches_https", "needs_zoneinfo", "client_calls", "embedded_roots"]

URL_RE = lazy(r"\b(?:https|wss)://[A-Za-z0-9\[][^\s'\"`<>\\)\]}]*")
# TLS client calls in program source, by language
TLS_CALL_RE = lazy(
    r"\btls\.Dial\b|\btls\.Config\s*\{|\bcredentials\.NewTLS\b|\bcredentials\.NewClientTLS"
    r"|\bssl\.create_default_context\b|\bssl\.wrap_socket\b|\bhttps\.(?:get|request)\s*\("
    r"|\bHttpsURLConnection\b|\bSSLContext\.getInstance\b|\breqwest::Client\b")
# in context files, a URL only counts inside a string literal (comments are full of links)
_QUOTED_URL_RE = lazy(r"[\"'`]((?:https|wss)://[A-Za-z0-9\[][^\s'\"`<>\\)]*)")
# an outbound client call: an HTTP/TLS client API whose arguments hold an https:// or wss://
# literal (or a name bound to one): Go http.Get/Post/NewRequest and client methods, Python
# requests/httpx/urllib, Node fetch/axios/got, Rust reqwest/ureq, Java HttpClient/RestTemplate/
# OkHttp, .NET HttpClient, PHP curl/Guzzle, Ruby Net::HTTP/HTTParty, libcurl
_CLIENT_HEAD_RE = lazy(
    r"(?:\.|::|->)(?:get|post|put|patch|delete|head|request|fetch|urlopen|urlretrieve|uri|url|"
    r"Get|Post|Put|Patch|Delete|Head|PostForm|NewRequest|NewRequestWithContext|Dial|"
    r"DialContext|connect|newBuilder|getForObject|getForEntity|postForObject|postForEntity|"
    r"exchange|GetAsync|PostAsync|PutAsync|DeleteAsync|SendAsync|GetStringAsync|"
    r"GetStreamAsync|GetByteArrayAsync|GetFromJsonAsync|PostAsJsonAsync|get_response|"
    r"post_form|open)\s*\("
    r"|(?<![\w.])(?:fetch|urlopen|urlretrieve|axios|got|needle|superagent|curl_init|"
    r"curl_easy_setopt|file_get_contents|connect_async|WebSocket|HttpGet|HttpPost)\s*\(")
# calls that open a TLS client connection whatever their arguments
_TLS_CLIENT_RE = lazy(
    r"\btls\.Dial(?:WithDialer)?\s*\(|\btls\.connect\s*\(|\bhttps\.(?:get|request)\s*\("
    r"|\bHTTPSConnection\s*\(|\bHttpsURLConnection\b"
    r"|\bcredentials\.NewClientTLSFromCert\s*\(\s*nil\b")
# a name bound to a URL literal: `api := "https://..."`, `const API = '...'`, `let u: &str = "..."`
_BINDING_RE = lazy(
    r"\b([A-Za-z_]\w*)\s*(?::\s*[\w&'<>\[\]. ]{1,40})?(?::=|=)\s*[rRbBfFuU]{0,2}[\"'`]"
    r"((?:https|wss)://[A-Za-z0-9\[][^\s'\"`<>\\)]*)")
# a line where a URL literal is not a place the program calls: a CORS allow-list, a redirect
# target, a link in HTML the program serves, the service's own address
_NOT_CALLED_LINE = lazy(
    r"[Oo]rigin|CORS|[Cc]ors[A-Z_]|[Rr]edirect|\bhref\s*=|\bsrc\s*=|<a\s|<link\b|<script\b|"
    r"<img\b|<meta\b|\bLocation\b|[Cc]anonical|[Hh]omepage|[Rr]epository|[Ll]icense|"
    r"[Pp]ublicU[Rr][Ll]|PUBLIC_URL|[Ee]xternalU[Rr][Ll]|[Ss]elfU[Rr][Ll]|[Aa]udience|"
    r"[Aa]llowed[A-Z_]|ALLOWED_|[Tt]rusted[A-Z_]|TRUSTED_")
# a TLS server, whose tls.Config needs no CA bundle; and what shows a client beside it
_TLS_SERVER_RE = lazy(r"ListenAndServeTLS|\bServeTLS\b|\btls\.Listen\b|tls\.NewListener|"
                            r"\bTLSConfig\s*:|createServer\s*\(\s*\{|\bssl\.PROTOCOL_TLS_SERVER")
_TLS_CLIENT_HINT_RE = lazy(r"TLSClientConfig|\btls\.Dial|http\.Transport|grpc\.Dial|"
                                 r"grpc\.NewClient|NewClientTLS|\bInsecureSkipVerify\b")

TZ_API_RE = lazy(
    r"\btime\.LoadLocation\s*\(|\bzoneinfo\.ZoneInfo\s*\(|\bfrom\s+zoneinfo\s+import\b"
    r"|\bZoneInfo\s*\(\s*[\"']|\btz\.gettz\s*\(|\bTZInfo::Timezone\.get\b")
_TZ_EMBED_RE = lazy(r"[\"`]time/tzdata[\"`]")
_UTC_ZONES = {"UTC", "ETC/UTC", "UCT", "ZULU", "GMT", "ETC/GMT", "UNIVERSAL", "UTC0", "GMT0",
              "GMT+0", "GMT-0", "GREENWICH"}


@record(frozen=True)
class _Probe:
    """What counts as evidence of one behaviour, where: in ENV values and the command
    (``values``), in program text the build writes (``text``), in source files (``file``) and
    configuration files (``config``) of the context. ``keywords`` pre-filter file contents."""

    values: "re.Pattern[str] | None"
    text: "re.Pattern[str]"
    file: "re.Pattern[str] | None"
    config: "re.Pattern[str] | None"
    keywords: tuple[str, ...]
    # source text is also searched for outbound client calls (:func:`client_calls`)
    calls: bool = False


_CGO_RE = lazy(r"\"(?:net|net/http|net/rpc|os/user|net/smtp)\"|\bimport\s+\"C\"")
CGO_PROBE = _Probe(values=None, text=_CGO_RE, file=_CGO_RE, config=None,
                   keywords=('"net', '"os/user"', '"C"'))

TLS_PROBE = _Probe(
    values=URL_RE,
    text=re.compile(f"{URL_RE.pattern}|{TLS_CALL_RE.pattern}"),
    file=re.compile(f"{_QUOTED_URL_RE.pattern}|{TLS_CALL_RE.pattern}"),
    config=URL_RE,
    keywords=("://", "tls", "ssl", "TLS", "SSL", "Https", "reqwest"),
    calls=True)
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
_NOT_CALLED = lazy(r"^(?:https?|wss)://(?:[^/]*\.)?(?:w3\.org|json-schema\.org|"
                         r"schemastore\.org|xmlsoap\.org|purl\.org|schemas\.[^/]+|"
                         r"localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1?\])(?:[:/]|$)", re.I)
# a URL of a file to download (an archive, a package, an installer, a signature)
_DOWNLOAD = lazy(r"\.(?:tar|t?gz|tgz|bz2|tbz2?|xz|txz|zst|zip|7z|exe|msi|deb|rpm|apk|"
                       r"dmg|pkg|whl|jar|war|gem|nupkg|asc|sig|sha\d*|sha256sum|md5|"
                       r"AppImage|iso|img|run|bin)(?:[?#].*)?$", re.I)
# variables build tools read (module proxies, package indexes, mirrors, download sites) and
# proxies: a value there is what the build fetches from
_BUILD_TOOL_VAR = lazy(
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
_ENDPOINT_NAME = lazy(
    r"(?:^|_)(?:API|APIS|ENDPOINTS?|UPSTREAMS?|WEBHOOKS?|DSN|ISSUER|AUTH\w*|OIDC|OAUTH\w*|"
    r"JWKS|TOKEN|GATEWAY|BACKENDS?|BROKERS?|COLLECTOR|OTLP|OTEL|SINK|REMOTE|SERVICES?|"
    r"SERVERS?|HOSTS?|ADDR|ADDRESS|URLS?|URIS?)(?:_|$)", re.I)
_NOT_ENDPOINT_NAME = lazy(
    r"(?:^|_)(?:PUBLIC|SITE|EXTERNAL|SELF|CALLBACK|REDIRECTS?|FRONTEND|CANONICAL|"
    r"WEB|WEBSITE|BASE_PATH|URL_PREFIX|ORIGINS?|CORS|AUDIENCES?|AUD|ALLOWED|ALLOW|TRUSTED|"
    r"LISTEN|BIND|ADVERTISED?|INGRESS|VIRTUAL_HOST|LETSENCRYPT|ACME)(?:_|$)", re.I)
# names of links a variable documents (a value nothing reads): not options of a command
_LINK_NAME = lazy(
    r"(?:^|_)(?:HOMEPAGE|HOME|DOCS?|DOCUMENTATION|LICENSE|SOURCE|REPO|REPOSITORY|ISSUES?|"
    r"CHANGELOG|LOGO|ICON|IMAGE|AVATAR|BADGE|SUPPORT|HELP|PRIVACY|TERMS|LINK|ASSETS?|STATIC|"
    r"CDN|PROJECT|VENDOR|MAINTAINER|AUTHOR)(?:_|$)", re.I)
# names of the service's own address unless an endpoint word says otherwise: BASE_URL,
# SERVER_URL, APP_URL, ROOT_URL are the service itself; API_BASE_URL is an API it calls
_OWN_ADDRESS_NAME = lazy(r"(?:^|_)(?:BASE|SERVER|SERVICE)_(?:URL|URI|ADDR)S?$|"
                               r"(?:^|_)(?:APP|ROOT|DOMAINS?|HOSTNAME|FQDN)(?:_|$)", re.I)
_CALLED_NAME = lazy(
    r"(?:^|_)(?:API|APIS|ENDPOINTS?|UPSTREAMS?|WEBHOOKS?|DSN|ISSUER|OIDC|OAUTH\w*|JWKS|TOKEN|"
    r"GATEWAY|BACKENDS?|BROKERS?|COLLECTOR|OTLP|OTEL|SINK|REMOTE|AUTH\w*)(?:_|$)", re.I)


def _not_endpoint(name: str, links: bool = True) -> bool:
    """Whether a variable or option name says its URL is not a place the program calls: the
    service's own address (``PUBLIC_URL``, ``BASE_URL``, ``SERVER_URL``, ``--web.external-url``),
    an allow-list or identifier (``ALLOWED_HOSTS``, ``CORS_ORIGINS``, ``AUTH0_AUDIENCE``), a
    redirect or callback target; with ``links``, a link it documents (``DOCS_URL``,
    ``SOURCE_URL``: for a variable nothing reads, not for a command's option)."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)       # baseURL -> base_URL
    name = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")
    if _NOT_ENDPOINT_NAME.search(name) or (links and _LINK_NAME.search(name)):
        return True
    return bool(_OWN_ADDRESS_NAME.search(name)) and not _CALLED_NAME.search(name)
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


@record(frozen=True)
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


_ZONE_NAME = lazy(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)+|[A-Za-z][A-Za-z_-]*")


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
                previous = None
                for word in words:
                    out += _in_word(facts, ins, word, kw, probe.values, previous)
                    previous = word
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
        if _BUILD_TOOL_VAR.match(name) or _not_endpoint(name):
            continue            # what a build tool reads; the service's own address, a link
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
    ``wget --no-check-certificate``, any program's ``--insecure``, ``--tls-skip-verify``...):
    its URLs need no CA bundle."""
    words = [w.value for w in ins.args]
    text = " ".join(words)
    if re.search(r"(?:^|\s)--?(?:insecure|no-check-certificate|(?:tls-?)?skip-(?:tls-)?verify|"
                 r"insecure-skip-tls-verify|tls-insecure|no-verify|no-tls-verify|"
                 r"tls-verify=false|verify=false|ssl-verify=false)(?:=true)?(?=\s|$)", text,
                 re.I):
        return True
    return bool(re.search(r"(?:^|\s)(?:-k|-[a-zA-Z]*k[a-zA-Z]*)(?=\s|$)", text)) and bool(
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


def _in_word(facts: "Facts", ins: Instruction, word, where: str, rx: re.Pattern[str],
             previous=None) -> list[Evidence]:
    """The URLs in one word of a CMD/ENTRYPOINT/HEALTHCHECK: arguments of the program the
    image runs, so evidence of a call (``call``), unless the option they are the value of
    names something the program does not call (``--public-url``, ``--web.external-url=``,
    ``--cors-origin``: :func:`_not_endpoint`)."""
    value = word.value
    flag = None
    m = re.match(r"(-{1,2}[A-Za-z][\w.-]*)=", value)
    if m:
        flag = m.group(1)
    elif previous is not None and re.fullmatch(r"-{1,2}[A-Za-z][\w.-]*", previous.value):
        flag = previous.value
    if flag is not None and _not_endpoint(flag.lstrip("-"), links=False):
        return []
    out = []
    for m in _urls(value, rx):
        if ins.json or word.lend - word.lstart != len(value):
            span = word.span
        else:
            span = ins.span_of(word.lstart + m.start(), word.lstart + m.end())
        out.append(Evidence(m.group(0), where, span, facts.df.source.position(span.start)[0],
                            "call"))
    return out


def _in_text(facts: "Facts", text: str, base: int, where: str, probe: "_Probe", kind: str,
             script: Script | None = None, env=None) -> list[Evidence]:
    """Evidence in the text of a file the build writes (``kind``: :func:`_file_kind`): in
    program source an outbound client call (:func:`client_calls`, strength ``call``), a TLS
    API or a quoted URL (``program``), in other files any URL (``config``), outside comment
    lines; with ``env``, also the values of the ``$VAR`` references the text expands."""
    if kind != "source" and probe.config is None:
        return []
    out = []

    def add(start: int, end: int, what: str, strength: str) -> None:
        if script is not None:
            span = script.span(base + start, base + end)
        else:
            span = Span(base + start, base + end)
        out.append(Evidence(what, where, span, facts.df.source.position(span.start)[0],
                            strength))

    for start, end, what, strength in _text_matches(text, probe, kind != "source"):
        add(start, end, what, strength)
    if env is not None and probe.values is not None and "$" in text:
        from ..variables import references
        for r in references(text, "\\", quotes=False):
            value = env.get(r.name)
            if not value:
                continue
            for m in _urls(value, probe.values):
                add(r.start, r.end, m.group(0), "program" if kind == "source" else "config")
    return out


def _mask_comments(text: str) -> str:
    """``text`` with its comment lines blanked (same length, newlines kept)."""
    out = []
    for line in text.splitlines(keepends=True):
        # (an echo argument keeps its quotes: `echo '; a comment' >> php.ini`)
        stripped = line.lstrip().lstrip("'\"").lstrip()
        if stripped.startswith(("//", "#", "*", "/*", ";", "--")):
            body = line.rstrip("\r\n")
            out.append(" " * len(body) + line[len(body):])
        else:
            out.append(line)
    return "".join(out)


def _text_matches(text: str, probe: "_Probe", config: bool
                  ) -> list[tuple[int, int, str, str]]:
    """(start, end, what, strength) of the evidence in a file's text, comment lines
    skipped: in program source (``config`` False) outbound client calls first (``call``),
    then TLS APIs and quoted URLs (``program``), leaving out a URL on a line that shows it is
    not called (a CORS allow-list, a redirect target, an HTML link: ``_NOT_CALLED_LINE``) and
    a ``tls.Config`` of a TLS server; in configuration files any URL (``config``)."""
    rx = probe.config if config else probe.file
    if rx is None:
        return []
    masked = _mask_comments(text)
    out: list[tuple[int, int, str, str]] = []
    calls = client_calls(masked, masked=True) if probe.calls and not config else []
    out += [(a, b, what, "call") for a, b, what in calls]
    server = probe.calls and not config and bool(_TLS_SERVER_RE.search(masked)) and \
        not _TLS_CLIENT_HINT_RE.search(masked)
    called = {a for a, _b, _w in calls}
    weak = 0
    offset = 0
    for line in masked.splitlines(keepends=True):
        not_called = None
        for m in _urls(line, rx):
            group = m.lastindex or 0
            a, b = offset + m.start(group), offset + m.end(group)
            if a in called:
                continue
            if probe.calls and not config:
                what = m.group(group)
                if "://" in what:
                    if not_called is None:
                        not_called = bool(_NOT_CALLED_LINE.search(line))
                    if not_called:
                        continue    # an allow-list, a redirect, a link: not called
                elif server and what.startswith("tls.Config"):
                    continue        # a TLS server's configuration
            out.append((a, b, m.group(group), "config" if config else "program"))
            weak += 1
            if weak >= 100:
                break               # a budget: enough to show
        if weak >= 100:
            break
        offset += len(line)
    out.sort()
    return out


def client_calls(text: str, masked: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, what) of the outbound TLS client calls in program source: an HTTP/TLS
    client API whose arguments hold an ``https://``/``wss://`` literal, or a name the text
    binds to one (``http.Get("https://...")``, ``requests.post(API + "/x")`` with ``API =
    "https://..."``; ``what`` is the URL), and calls that open a TLS client connection
    whatever their arguments (``tls.Dial``, Node's ``https.get``, ``HTTPSConnection``;
    ``what`` is the call). Comment lines are skipped (``masked``: already blanked)."""
    if not masked:
        text = _mask_comments(text)
    out: list[tuple[int, int, str]] = []
    bindings: dict[str, str] = {}
    for m in _BINDING_RE.finditer(text):
        if not _NOT_CALLED.match(m.group(2)):
            bindings.setdefault(m.group(1), m.group(2))
    for m in _TLS_CLIENT_RE.finditer(text):
        out.append((m.start(), m.end(), m.group(0).rstrip("( ")))
    for n, m in enumerate(_CLIENT_HEAD_RE.finditer(text)):
        if n >= 2000:
            break               # a budget for pathological files
        open_at = m.end() - 1
        close = _closing(text, open_at)
        args = text[open_at + 1:close]
        found = False
        if len(out) >= 100:
            break                   # a budget: enough to show
        for u in _QUOTED_URL_RE.finditer(args):
            if not _NOT_CALLED.match(u.group(1)):
                out.append((open_at + 1 + u.start(1), open_at + 1 + u.end(1), u.group(1)))
                found = True
        if not found and bindings:
            for ident in re.finditer(r"(?<![\w.\"'])([A-Za-z_]\w*)\b(?!\s*[:(])", args):
                url = bindings.get(ident.group(1))
                if url is not None:
                    at = open_at + 1 + ident.start(1)
                    out.append((at, at + len(ident.group(1)), url))
                    break
    out.sort()
    return out


def _closing(text: str, open_at: int, limit: int = 400) -> int:
    """The offset of the parenthesis that closes the one at ``open_at`` (strings skipped;
    at most ``limit`` characters on, or the end of the text)."""
    depth = 0
    quote = None
    i = open_at
    end = min(len(text), open_at + limit)
    while i < end:
        c = text[i]
        if quote is not None:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "\"'`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return end


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


_LANGUAGE_SOURCES = {"node": (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"),
                     "python": (".py",), "ruby": (".rb",), "php": (".php",),
                     "jar": (".java", ".kt", ".scala", ".clj")}
_BROWSER_SOURCES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")
_NODE_EXES = {"node", "nodejs", "npm", "npx", "yarn", "pnpm", "bun", "deno", "tsx", "ts-node"}


def _source_extensions(facts: "Facts", index: int) -> tuple[str, ...] | None:
    """The source file extensions of the program the image of stage ``index`` runs: the
    language of the build that made it (go, cargo, a C compiler) or of the interpreter that
    runs it; else those of the programs built in the stages it reaches (every build is go,
    cargo or a C compiler); else None (any language). JavaScript and TypeScript count only
    where the image can run them (Node.js, Bun or Deno in it): elsewhere they are what a
    node stage bundles for the browser, served as static files."""
    from ._core import memo
    cache = memo(facts, "_source_extensions")
    if index in cache:
        return cache[index]
    try:
        rt = facts.runtime(index)
    except Exception:           # an unexpected shape of the build: fall back below
        rt = None
    found: tuple[str, ...] | None = None
    if rt is not None and rt.build is not None:
        tool = (rt.build.tool or "").split()[0] if rt.build.tool else ""
        for tools, exts in _BUILD_SOURCES:
            if tool in tools or tool.rsplit("/", 1)[-1] in tools:
                found = exts
    elif rt is not None and rt.kind in _LANGUAGE_SOURCES:
        found = _LANGUAGE_SOURCES[rt.kind]
    if found is None:
        extensions: set[str] = set()
        mixed = False
        for si in facts.df.graph.reachable(index):
            for _ins, _script, cmd in facts.commands(facts.df.graph.stages[si]):
                if cmd.name in _INTERPRETER_BUILDS:
                    mixed = True         # a mixed build: any source may be the program's
                for tools, exts in _BUILD_SOURCES:
                    if cmd.name in tools:
                        extensions.update(exts)
        if not mixed and extensions:
            found = tuple(sorted(extensions))
        elif mixed and not _runs_node(facts, index, rt):
            found = tuple(e for e in _SOURCE_EXTENSIONS if e not in _BROWSER_SOURCES)
    cache[index] = found
    return found


def _runs_node(facts: "Facts", index: int, rt) -> bool:
    """Whether the image of stage ``index`` may run JavaScript on a server: it runs Node.js
    (Bun, Deno), its base is such an image, or it installs or copies one in."""
    if rt is not None and rt.kind == "node":
        return True
    exe = (facts.entry_exe(index) or "").rsplit("/", 1)[-1]
    if exe in _NODE_EXES:
        return True
    base = facts.base_facts(index)
    if base is None:
        return True             # an image docklint does not know may have Node.js
    if any(k in (base.family or "") for k in ("node", "bun", "deno")):
        return True
    for stage in facts.df.graph.chain(index):
        if any(p.split("=")[0] in ("nodejs", "npm", "node") for p in
               facts.installed_packages(stage)):
            return True
    return any(posixpath.basename(p.landing) in _NODE_EXES or
               posixpath.basename(p.source.rstrip("/")) in _NODE_EXES
               for p in facts.placed(index))


# ---- which Go files are the program: the main packages the build compiles
_GO_VALUE_FLAGS = {"-o", "-ldflags", "-gcflags", "-asmflags", "-tags", "-mod", "-modfile",
                   "-p", "-buildmode", "-compiler", "-gccgoflags", "-installsuffix",
                   "-pkgdir", "-overlay", "-pgo", "-exec", "-C", "-toolexec", "-covermode",
                   "-coverpkg", "-buildvcs"}
_GO_MAIN_RE = lazy(r"^package\s+main\b", re.M)
_GO_IGNORED_RE = lazy(r"^//\s*(?:go:build|\+build)\s+(?:ignore|tools)\s*$", re.M)
_GO_BUILD_LINE = lazy(r"^//go:build\s+(.+?)\s*$", re.M)
_GO_TRUE = {"linux", "unix", "gc", "cgo", "386", "amd64", "arm", "arm64", "loong64", "mips",
            "mipsle", "mips64", "mips64le", "ppc64", "ppc64le", "riscv64", "s390x", "wasm"}


def _go_excluded(text: str, tags: frozenset[str] = frozenset()) -> bool:
    """Whether a Go file is left out of a Linux build with ``tags``: ``//go:build ignore``
    (or ``tools``), another OS (``windows``), or a tag the build does not set
    (``integration``, ``e2e``); architecture tags and ``cgo`` count as set."""
    if _GO_IGNORED_RE.search(text[:4096]):
        return True
    m = _GO_BUILD_LINE.search(text[:4096])
    if m is None:
        return False
    expr = m.group(1)
    if not re.fullmatch(r"[\w.!&|() ]+", expr):
        return False

    def value(tag: "re.Match[str]") -> str:
        t = tag.group(0)
        on = t in tags or t in _GO_TRUE or t.startswith("go1.")
        return " True " if on else " False "
    py = re.sub(r"[A-Za-z_][\w.]*", value, expr)
    py = py.replace("&&", " and ").replace("||", " or ").replace("!", " not ")
    try:
        return not eval(py, {"__builtins__": {}}, {})     # noqa: S307 (only booleans)
    except Exception:
        return False


def _go_builds(facts: "Facts", index: int) -> list[tuple[str, str]] | None:
    """(pattern, how) of the Go packages the builds reachable from stage ``index`` compile:
    ``how`` is ``dir`` (an absolute directory), ``tree`` (a directory and everything below:
    ``./...``) or ``path`` (an import path, matched by its last elements). None when there is
    no ``go build``/``go install`` of local packages."""
    out: list[tuple[str, str]] = []
    for si in sorted(facts.df.graph.reachable(index)):
        stage = facts.df.graph.stages[si]
        for ins in stage.instructions:
            if ins.keyword != "RUN":
                continue
            script = facts.script(ins)
            if script is None:
                continue
            cwd = facts.workdir(stage, ins)
            for cmd in script.commands:
                if cmd.name == "cd" and cmd.args:
                    target = cmd.args[0].value
                    if "$" not in target:
                        cwd = _norm_join(cwd, target)
                    continue
                if cmd.name != "go" or not cmd.args or \
                        cmd.args[0].value not in ("build", "install"):
                    continue
                wd = cwd
                pkgs: list[str] = []
                args = [a.value for a in cmd.args[1:]]
                i = 0
                while i < len(args):
                    a = args[i]
                    if a.startswith("-"):
                        flag = a.split("=", 1)[0].replace("--", "-")
                        if flag in _GO_VALUE_FLAGS and "=" not in a:
                            if flag == "-C" and i + 1 < len(args):
                                wd = _norm_join(wd, args[i + 1])
                            i += 2
                            continue
                        i += 1
                        continue
                    pkgs.append(a)
                    i += 1
                for pkg in pkgs or ["."]:
                    if "@" in pkg or "$" in pkg:
                        continue            # a tool from a module proxy; unknown
                    if pkg.endswith(".go"):
                        out.append((posixpath.dirname(_norm_join(wd, pkg)), "dir"))
                    elif pkg.startswith((".", "/")):
                        if pkg.endswith("/...") or pkg == "...":
                            out.append((_norm_join(wd, pkg[:-4] or "."), "tree"))
                        else:
                            out.append((_norm_join(wd, pkg), "dir"))
                    elif pkg.endswith("..."):
                        out.append(("/", "tree"))
                    else:
                        out.append(("/".join(pkg.split("/")[-2:]), "path"))
    return out or None


def _go_tags(facts: "Facts", index: "int | None") -> frozenset[str]:
    """The build tags (``-tags``) of the Go builds reachable from stage ``index``."""
    if index is None:
        return frozenset()
    from ._core import memo
    cache = memo(facts, "_go_tags")
    if index not in cache:
        tags: set[str] = set()
        for si in facts.df.graph.reachable(index):
            for _ins, _script, cmd in facts.commands(facts.df.graph.stages[si]):
                if cmd.name != "go":
                    continue
                words = [a.value for a in cmd.args]
                for i, w in enumerate(words):
                    if w in ("-tags", "--tags") and i + 1 < len(words):
                        tags.update(re.split(r"[,\s]+", words[i + 1]))
                    elif w.startswith(("-tags=", "--tags=")):
                        tags.update(re.split(r"[,\s]+", w.split("=", 1)[1]))
        cache[index] = frozenset(t for t in tags if t)
    return cache[index]


def _norm_join(wd: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(wd, path))


class _GoProgram:
    """The Go packages of the program a build compiles, where the build's COPYs put them:
    ``mains`` the main packages it compiles, ``dirs`` those and the packages of the same
    module they import (transitively), ``modules`` the roots of the modules (go.mod) whose
    import graph docklint read."""

    def __init__(self, mains: set[str], dirs: set[str], modules: set[str],
                 tags: frozenset[str]) -> None:
        self.mains, self.dirs, self.modules, self.tags = mains, dirs, modules, tags

    def includes(self, text: str, landing: str) -> bool:
        """Whether a Go file landing at ``landing`` is part of the program: not excluded
        from every build (``//go:build ignore``, ``tools``); a main package the build
        compiles; a package those import, when docklint read the module's imports (a file
        of another module, or with no go.mod, counts)."""
        if _go_excluded(text, self.tags):
            return False
        directory = posixpath.dirname(landing)
        if _GO_MAIN_RE.search(text):
            return directory in self.mains
        if any(directory == m or directory.startswith(m.rstrip("/") + "/")
               for m in self.modules):
            return directory in self.dirs
        return True


_GO_IMPORT_RE = lazy(r'^\s*import\s*(?:[\w.]+\s+)?"([^"]+)"|^\s*import\s*\(([^)]*)\)',
                           re.M)
_GO_MODULE_RE = lazy(r"^\s*module\s+(\S+)", re.M)


def _go_program(facts: "Facts", index: int) -> "_GoProgram | None":
    """The Go packages of the program the builds reachable from stage ``index`` compile
    (:class:`_GoProgram`); None when docklint cannot tell (no such build, no context, or no
    main package in the context lands where a build looks)."""
    from ._core import memo
    cache = memo(facts, "_go_program")
    if index in cache:
        return cache[index]
    cache[index] = None
    builds = _go_builds(facts, index)
    if not builds or facts.df.context is None:
        return None
    tags = _go_tags(facts, index)
    from ..context import context_for
    ctx = context_for(facts.df.context, facts.df.path)
    mains: set[str] = set()
    imports: dict[str, set[str]] = {}       # package dir -> import paths
    modules: dict[str, str] = {}            # module root dir -> module path
    budget = 3000
    for si in sorted(facts.df.graph.reachable(index)):
        for ins in facts.df.graph.stages[si].instructions:
            if ins.keyword not in ("COPY", "ADD") or ins.flag("from") is not None:
                continue
            srcs, dest = facts.copy_paths(ins)
            for src in srcs:
                if src.startswith("<<"):
                    continue
                for rel, path in ctx.files(src):
                    name = rel.rsplit("/", 1)[-1]
                    if name != "go.mod" and (not name.endswith(".go") or
                                             name.endswith("_test.go")):
                        continue
                    budget -= 1
                    if budget < 0:
                        return None
                    text = ctx.read_text(path)
                    if not text:
                        continue
                    directory = posixpath.dirname(_landing(src, rel, dest or "/"))
                    if name == "go.mod":
                        m = _GO_MODULE_RE.search(text)
                        if m:
                            modules[directory] = m.group(1)
                        continue
                    if _go_excluded(text, tags):
                        continue
                    if _GO_MAIN_RE.search(text):
                        mains.add(directory)
                    found = imports.setdefault(directory, set())
                    for m in _GO_IMPORT_RE.finditer(text):
                        if m.group(1):
                            found.add(m.group(1))
                        else:
                            found.update(re.findall(r'"([^"]+)"', m.group(2) or ""))
    chosen = {d for d in mains if any(_go_matches(d, pattern, how) for pattern, how in builds)}
    if not chosen:
        return None
    dirs = set(chosen)
    todo = list(chosen)
    while todo:
        directory = todo.pop()
        for path in imports.get(directory, ()):
            for root, module in modules.items():
                if path.startswith(module + "/"):
                    target = posixpath.normpath(posixpath.join(root, path[len(module) + 1:]))
                    if target in imports and target not in dirs:
                        dirs.add(target)
                        todo.append(target)
    cache[index] = _GoProgram(chosen, dirs, set(modules), tags)
    return cache[index]


def _go_matches(directory: str, pattern: str, how: str) -> bool:
    if how == "dir":
        return directory == pattern
    if how == "tree":
        return pattern == "/" or directory == pattern or directory.startswith(pattern + "/")
    return directory == "/" + pattern or directory.endswith("/" + pattern)


def _context_evidence(facts: "Facts", ins: Instruction, probe: "_Probe",
                      extensions: tuple[str, ...] | None = None, index: int | None = None
                      ) -> list[Evidence]:
    if ins.flag("from") is not None or facts.df.context is None:
        return []
    from ..context import context_for
    ctx = context_for(facts.df.context, facts.df.path)
    srcs, dest = facts.copy_paths(ins)
    program = _go_program(facts, index) if index is not None else None
    out: list[Evidence] = []
    strong = 0
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
            landing = _landing(s, rel, dest or "/")
            if kind != "source" and index is not None and \
                    not _reaches(facts, index, ins, landing):
                continue
            text = ctx.read_text(path)
            if not text or not any(k in text for k in probe.keywords):
                continue
            if rel.endswith(".go") and (_go_excluded(text, _go_tags(facts, index)) or (
                    program is not None and not program.includes(text, landing))):
                continue
            found = _file_evidence(text, probe, kind != "source")
            if found:
                lineno, what, strength = found
                if strength != "call" and len(out) - strong >= 3:
                    continue
                out.append(Evidence(what, f"in {rel}:{lineno}, copied by {ins.keyword}",
                                    ins.span, ins.line, strength))
                strong += strength == "call"
                if strong >= 3:
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


def _file_evidence(text: str, probe: "_Probe", config: bool) -> tuple[int, str, str] | None:
    """(line, evidence, strength) of the strongest, then first, match of ``probe`` in a
    context file, skipping comments (see :func:`_text_matches`)."""
    found = _text_matches(text, probe, config)
    if not found:
        return None
    best = next((f for f in found if f[3] == "call"), found[0])
    return text.count("\n", 0, best[0]) + 1, best[2], best[3]


# ---- programs that carry their own root certificates
_NATIVE_FEATURE = lazy(r"native-certs|native-tls|native-roots|platform-verifier|openssl")


def embedded_roots(facts: "Facts", index: int) -> str | None:
    """How the program of the image of stage ``index`` carries its own root certificates,
    so that it verifies TLS peers without a CA bundle in the image; None when nothing shows
    it does. Go: an import of ``golang.org/x/crypto/x509roots/fallback`` (in its source or
    go.mod). Rust: a dependency on ``webpki-roots``, ``reqwest`` with ``rustls-tls`` (whose
    roots are webpki-roots), ``ureq`` with its default TLS (rustls with webpki-roots; not with
    ``native-certs``/``native-tls``), any crate feature naming webpki roots; or a Cargo.lock
    with webpki-roots and no native certificate loader or OpenSSL. Read from the files the
    reachable stages copy from the build context or write themselves."""
    return _roots(facts, index)[0]


def roots_unread(facts: "Facts", index: int) -> Instruction | None:
    """The COPY (or ADD) whose files :func:`embedded_roots` could not all read (more than
    docklint walks or reads of a build context), when it found no embedded roots: a file it
    did not read may carry them. None when it read them all (or found roots)."""
    return _roots(facts, index)[1]


def _roots(facts: "Facts", index: int) -> tuple[str | None, Instruction | None]:
    """(:func:`embedded_roots`, :func:`roots_unread`), worked out together once per stage."""
    from ._core import memo
    cache = memo(facts, "_embedded_roots")
    if index in cache:
        return cache[index]
    cache[index] = (None, None)
    ureq_used = ureq_native = False
    found = None
    gaps: list = []
    for name, text in _build_texts(facts, index, gaps):
        base = name.rsplit("/", 1)[-1]
        if base == "go.mod" or base.endswith(".go"):
            if "x509roots/fallback" in text and (
                    base == "go.mod" or not _GO_IGNORED_RE.search(text)):
                found = "it imports golang.org/x/crypto/x509roots/fallback"
        elif base == "Cargo.toml":
            why, uses_ureq, native = _cargo_roots(text)
            found = found or why
            ureq_used |= uses_ureq
            ureq_native |= native
        elif base == "Cargo.lock":
            if 'name = "webpki-roots"' in text and not re.search(
                    r'name = "(?:rustls-native-certs|openssl-sys|native-tls|'
                    r'rustls-platform-verifier)"', text):
                found = found or "its Cargo.lock links webpki-roots and no system store"
        elif base.endswith(".rs") and re.search(r"\bureq::", text):
            ureq_used = True
        if found:
            break
    if found is None and ureq_used and not ureq_native:
        found = "it uses ureq, whose default TLS brings webpki-roots"
    cache[index] = (found, None if found else next(iter(gaps), None))
    return cache[index]


def _cargo_roots(text: str) -> tuple[str | None, bool, bool]:
    """(why the crate carries its own roots or None, whether it depends on ureq, whether
    its ureq uses the system store) from a Cargo.toml."""
    deps: dict[str, object] = {}
    try:
        import tomllib
        data = tomllib.loads(text)
        tables = [data.get(k, {}) for k in ("dependencies", "build-dependencies")]
        tables.append(data.get("workspace", {}).get("dependencies", {}))
        for target in (data.get("target") or {}).values():
            if isinstance(target, dict):
                tables.append(target.get("dependencies", {}))
        for table in tables:
            if isinstance(table, dict):
                deps.update(table)
    except Exception:           # not TOML docklint can read: a line-based look
        for m in re.finditer(r"^\s*([A-Za-z0-9_-]+)\s*=\s*(.*)$", text, re.M):
            deps[m.group(1)] = m.group(2)

    def features(spec: object) -> list[str]:
        if isinstance(spec, dict):
            return [str(f) for f in spec.get("features") or []]
        if isinstance(spec, str):
            return re.findall(r"[\"']([\w-]+)[\"']", spec.split("features", 1)[1]) \
                if "features" in spec else []
        return []

    def no_defaults(spec: object) -> bool:
        if isinstance(spec, dict):
            return spec.get("default-features") is False or \
                spec.get("default_features") is False
        return isinstance(spec, str) and bool(re.search(r"default[-_]features\s*=\s*false",
                                                        spec))

    why = None
    if "webpki-roots" in deps:
        why = "it depends on webpki-roots"
    for name, spec in deps.items():
        feats = features(spec)
        if name == "reqwest" and any(re.fullmatch(r"rustls-tls(?:-webpki-roots"
                                                  r"(?:-no-provider)?)?", f) for f in feats):
            why = why or "reqwest with rustls-tls brings webpki-roots"
        elif any("webpki-roots" in f or f == "webpki-tokio" for f in feats):
            why = why or f"{name} with {next(f for f in feats if 'webpki' in f)}"
    ureq = deps.get("ureq")
    uses = ureq is not None
    native = False
    if uses:
        feats = features(ureq)
        native = any(_NATIVE_FEATURE.search(f) for f in feats) or (
            no_defaults(ureq) and not any(f in ("tls", "rustls") for f in feats))
    return why, uses, native


def _build_texts(facts: "Facts", index: int, gaps: list):
    """(name, text) of the Go and Rust sources and manifests the stages a build of stage
    ``index`` reaches copy from the build context or write (COPY heredocs, RUN echo/printf/cat
    into a file); a budget of files. ``gaps`` gets each COPY/ADD of which some files were not
    read (a context listing cut short, the budget spent)."""
    wanted = (".go", ".rs", "go.mod", "Cargo.toml", "Cargo.lock")
    ctx = None
    if facts.df.context is not None:
        from ..context import context_for
        ctx = context_for(facts.df.context, facts.df.path)
    budget = 3000
    for si in sorted(facts.df.graph.reachable(index)):
        stage = facts.df.graph.stages[si]
        for ins in stage.instructions:
            if ins.keyword in ("COPY", "ADD"):
                srcs, dest = facts.copy_paths(ins)
                for h in ins.heredocs:
                    path = (dest or "") + h.name if (dest or "").endswith("/") else dest or ""
                    if path.endswith(wanted):
                        yield path, h.content
                if ctx is None or ins.flag("from") is not None:
                    continue
                for src in srcs:
                    if src.startswith("<<"):
                        continue
                    if not ctx.complete(src):
                        gaps.append(ins)
                    for rel, path in ctx.files(src):
                        if not rel.endswith(wanted) or rel.endswith("_test.go"):
                            continue
                        budget -= 1
                        if budget < 0:
                            gaps.append(ins)
                            return
                        text = ctx.read_text(path)
                        if text:
                            yield rel, text
            elif ins.keyword == "RUN":
                script = facts.script(ins)
                if script is None:
                    continue
                for cmd in script.commands:
                    targets = [w.value for w in cmd.writes_to()]
                    if cmd.name == "tee":
                        targets += [a.value for a in cmd.positional()]
                    target = next((t for t in targets if t.endswith(wanted)), None)
                    if target is None:
                        continue
                    parts = [a.raw for a in cmd.args] if cmd.name in ("echo", "printf") else []
                    parts += [r.body for r in cmd.redirects if r.body is not None]
                    yield target, "\n".join(parts).replace("\\n", "\n")
