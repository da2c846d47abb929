"""The facts behind DK101 (missing-ca-bundle): what installs packages (ARG/ENV lists, exec
form), what puts a CA bundle into an image or may (ca.py), how strong the evidence of TLS is
and which code is the program (evidence.py); and the severity of each DK101 fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from docklint.engine import Settings, lint_bytes
from docklint.facts import facts_of
from docklint.facts.evidence import _not_endpoint, client_calls
from docklint.model import build
from docklint.source import Source

from .conftest import FIXTURES
from .fixture_format import load


def facts(text: str, context: str | None = None):
    df = build(Source(text, "Dockerfile"))
    if context is not None:
        df.context = context
    return facts_of(df)


def target_facts(text: str, context: str | None = None):
    f = facts(text, context)
    return f, f.df.graph.target


# ---- installs: package lists
@pytest.mark.parametrize("run, packages, readable", [
    ("apt-get install -y $PKGS", ["ca-certificates", "tzdata"], True),
    ('apt-get install -y "${PKGS}" curl', ["ca-certificates", "tzdata", "curl"], True),
    ("apt-get install -y $UNSET_LIST", ["$UNSET_LIST"], False),
    ("apt-get install -y $(cat /tmp/list)", ["$(cat /tmp/list)"], False),
    ("xargs -a /tmp/list apt-get install -y", [], False),
    ("apt-get install -y --no-install-recommends tzdata", ["tzdata"], True),
])
def test_package_words(run, packages, readable) -> None:
    f = facts(f'FROM debian:12\nARG PKGS="ca-certificates tzdata"\nARG UNSET_LIST\nRUN {run}\n')
    stage = f.df.stages[0]
    found = [f.package_words(stage, ins, cmd) for ins, _s, cmd in f.run_commands(stage)]
    found = [w for w in found if w != ([], True)]
    assert found == [(packages, readable)]


def test_exec_form_runs_are_read() -> None:
    f = facts('FROM debian:12\nRUN ["apt-get", "install", "-y", "ca-certificates"]\n'
              'RUN ["/bin/sh", "-c", "apt-get install -y tzdata && ./setup.sh"]\n')
    stage = f.df.stages[0]
    assert f.installed_packages(stage) == ["ca-certificates", "tzdata"]
    assert [ins.line for ins in f.opaque_steps(0)] == [3]       # the script, not the install
    assert f.installs_ca(stage).description == "installs ca-certificates"


def test_env_package_list_is_expanded() -> None:
    f = facts("FROM debian:12\nENV RUNTIME_DEPS=ca-certificates\n"
              "RUN apt-get install -y ${RUNTIME_DEPS}\n")
    assert [s.description for s in f.ca_sources(0)] == ["installs ca-certificates"]


# ---- ca: Debian packages
@pytest.mark.parametrize("install, source, doubt", [
    ("--no-install-recommends ruby", "installs ruby, which depends on ca-certificates", None),
    ("--no-install-recommends python3-pip", "installs python3-pip, which depends", None),
    ("curl", "installs curl, which pulls in ca-certificates", None),
    ("--no-install-recommends curl tzdata", None, None),
    ("openssl", None, None),
    ("--no-install-recommends libgdal32", None, "`libgdal32`, installed at line 2, pulls it in"),
    ("--no-install-recommends libfoo1 libbar2", None,
     "one of the packages installed at line 2 (`libfoo1`, `libbar2`) pulls it in"),
])
def test_debian_packages(install, source, doubt) -> None:
    f = facts(f"FROM debian:bookworm-slim\nRUN apt-get install -y {install}\n")
    sources = [s.description for s in f.ca_sources(0)]
    assert (sources[0] if sources else None) == source or source and sources[0].startswith(source)
    doubts = [d.reason for d in f.ca_doubts(0)]
    assert (doubts[0] if doubts else None) == doubt


def test_doubts_on_scratch_are_not_about_packages() -> None:
    f = facts("FROM scratch\nCOPY app /app\n")
    assert f.ca_doubts(0) == []


# ---- ca: trees copied whole, bundles at run time
def test_staged_root_filesystem() -> None:
    with_certs = ("FROM alpine:3.20 AS build\nRUN apk add ca-certificates && mkdir -p "
                  "/rootfs/etc/ssl/certs && cp /etc/ssl/certs/ca-certificates.crt "
                  "/rootfs/etc/ssl/certs/\nFROM scratch\nCOPY --from=build /rootfs/ /\n")
    f = facts(with_certs)
    assert [s.description for s in f.ca_sources(1)] == \
        ["copies /rootfs/ of a stage whose RUN at line 2 puts CA certificates there"]
    f = facts("FROM alpine:3.20 AS build\nRUN mkdir -p /out && ./stage.sh /out\n"
              "FROM scratch\nCOPY --from=build /out/ /\n")
    assert f.ca_sources(1) == []
    assert [d.reason for d in f.ca_doubts(1)] == \
        ["the COPY at line 4, which copies /out/ of another stage to /, brings one"]
    f = facts("FROM golang:1.22 AS build\nRUN go build -o /out/app .\n"
              "FROM scratch\nCOPY --from=build /out/app /\n")
    assert f.ca_sources(1) == [] and f.ca_doubts(1) == []        # a file, not a tree
    f = facts("FROM alpine:3.20 AS build\nRUN adduser -D app\n"
              "FROM scratch\nCOPY --from=build /etc/passwd /etc/group /etc/\n")
    assert f.ca_sources(1) == [] and f.ca_doubts(1) == []        # files into /etc


def test_tree_from_context(tmp_path: Path) -> None:
    (tmp_path / "rootfs" / "etc" / "ssl" / "certs").mkdir(parents=True)
    (tmp_path / "rootfs" / "etc" / "ssl" / "certs" / "ca-certificates.crt").write_text("x")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "motd").write_text("hi")
    f = facts("FROM scratch\nCOPY rootfs/ /\n", str(tmp_path))
    assert [s.description for s in f.ca_sources(0)] == \
        ["copies rootfs/ from the build context, with CA certificates in it"]
    f = facts("FROM scratch\nCOPY empty/ /\n", str(tmp_path))
    assert f.ca_sources(0) == [] and f.ca_doubts(0) == []
    f = facts("FROM scratch\nADD rootfs.tar.gz /\n", str(tmp_path))
    assert [d.reason for d in f.ca_doubts(0)] == \
        ["the ADD at line 2, which copies rootfs.tar.gz to /, brings one"]


def test_bundle_given_at_run_time() -> None:
    f = facts("FROM scratch\nVOLUME /etc/ssl/certs\n")
    assert [d.reason for d in f.ca_doubts(0)] == \
        ["a volume mounted at /etc/ssl/certs (line 2) provides one at run time"]
    f = facts("FROM scratch\nENV SSL_CERT_FILE=/run/secrets/ca.pem\n")
    assert len(f.ca_doubts(0)) == 1
    f = facts("FROM scratch\nENV SSL_CERT_DIR=/etc/ssl/certs\n")
    assert f.ca_doubts(0) == []          # the usual place names nothing new


def test_a_stage_copying_from_itself_does_not_loop() -> None:
    f = facts("FROM scratch AS a\nCOPY --from=a / /\n")
    assert f.ca_sources(0) == []


# ---- evidence: outbound client calls
@pytest.mark.parametrize("source, calls", [
    ('resp, err := http.Get("https://api.example.com/v1")', ["https://api.example.com/v1"]),
    ('req, _ := http.NewRequest("GET", "https://a.example.com", nil)', ["https://a.example.com"]),
    ('const api = "https://a.example.com"\nhttp.Post(api+"/x", "", nil)',
     ["https://a.example.com"]),
    ('r = requests.get(f"https://api.example.com/items")', ["https://api.example.com/items"]),
    ("await fetch(`https://api.example.com/${id}`)", ["https://api.example.com/${id}"]),
    ('let b = reqwest::blocking::get("https://x.example.com")?;', ["https://x.example.com"]),
    ('client.get("https://api.github.com/zen").send()?', ["https://api.github.com/zen"]),
    ('conn, _ := tls.Dial("tcp", "mail.example.com:465", nil)', ["tls.Dial"]),
    ('puts Net::HTTP.get(URI("https://api.example.com"))', ["https://api.example.com"]),
    # not calls
    ('http.Redirect(w, r, "https://www.example.com", 301)', []),
    ('var origins = []string{"https://app.example.com"}', []),
    ('if r.Header.Get("Origin") == "https://app.example.com" {', []),
    ('resp, _ := http.Get("http://localhost:8080/health")', []),
    ('// http.Get("https://api.example.com")', []),
    ('log.Printf("see https://docs.example.com")', []),
])
def test_client_calls(source, calls) -> None:
    assert [what for _a, _b, what in client_calls(source)] == calls


@pytest.mark.parametrize("name, not_endpoint", [
    ("BASE_URL", True), ("SERVER_URL", True), ("PUBLIC_URL", True), ("ALLOWED_HOSTS", True),
    ("CORS_ORIGINS", True), ("AUTH0_AUDIENCE", True), ("OIDC_REDIRECT_URI", True),
    ("web.external-url", True), ("public-url", True), ("cors-origin", True), ("baseURL", True),
    ("API_BASE_URL", False), ("API_URL", False), ("UPSTREAM", False), ("upstream", False),
    ("SENTRY_DSN", False), ("url", False), ("feed", False),
])
def test_not_endpoint_names(name, not_endpoint) -> None:
    assert _not_endpoint(name) is not_endpoint


def strengths(text: str, context: str | None = None) -> list[tuple[str, str]]:
    f, t = target_facts(text, context)
    return [(e.text, e.strength) for e in f.tls_evidence(t)]


def test_command_arguments() -> None:
    base = "FROM scratch\nCOPY app /app\n"
    assert strengths(base + 'ENTRYPOINT ["/app", "--upstream", "https://up.example.com"]\n') \
        == [("https://up.example.com", "call")]
    assert strengths(base + 'ENTRYPOINT ["/app", "--public-url", "https://me.example.com", '
                     '"--web.external-url=https://me.example.com/", '
                     '"--cors-origin=https://app.example.com"]\n') == []
    assert strengths(base + 'HEALTHCHECK CMD ["/app", "health", "--url", '
                     '"https://app:8443/healthz", "--insecure"]\n') == []


def test_program_text_strength() -> None:
    got = strengths("FROM golang:1.22 AS b\n"
                    "RUN printf 'package main\\nimport \"net/http\"\\nvar u = "
                    "\"https://a.example.com\"\\nfunc main() { http.Get(\"https://b.example.com\")"
                    " }\\n' > main.go\nRUN CGO_ENABLED=0 go build -o /app .\n"
                    "FROM scratch\nCOPY --from=b /app /app\n")
    assert got == [("https://a.example.com", "program"), ("https://b.example.com", "call")]


def test_tls_server_config_is_not_evidence() -> None:
    server = ("srv := &http.Server{TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}}\n"
              "srv.ListenAndServeTLS(\"c\", \"k\")")
    client = "tr := &http.Transport{TLSClientConfig: &tls.Config{}}"
    for text, expected in ((server, []), (client, [("tls.Config{", "program")])):
        body = text.replace("\\", "\\\\").replace("'", "'\\''").replace("\n", "\\n")
        got = strengths("FROM golang:1.22 AS b\n"
                        f"RUN printf 'package main\\n{body}\\n' > main.go\n"
                        "RUN CGO_ENABLED=0 go build -o /app .\n"
                        "FROM scratch\nCOPY --from=b /app /app\n")
        assert got == expected


# ---- evidence: which code is the program
GO_MAIN = 'package main\n\nimport "net/http"\n\nfunc main() {{ http.Get("{url}") }}\n'


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_other_go_mains_and_ignored_files(tmp_path: Path) -> None:
    write(tmp_path / "go.mod", "module example.com/m\n\ngo 1.22\n")
    write(tmp_path / "cmd/a/main.go", GO_MAIN.format(url="https://a.example.com"))
    write(tmp_path / "cmd/b/main.go", GO_MAIN.format(url="https://b.example.com"))
    write(tmp_path / "gen.go",
          "//go:build ignore\n\n" + GO_MAIN.format(url="https://g.example.com"))
    text = ("FROM golang:1.22 AS b\nWORKDIR /src\nCOPY . .\n"
            "RUN CGO_ENABLED=0 go build -o /app ./cmd/{which}\n"
            "FROM scratch\nCOPY --from=b /app /app\n")
    assert strengths(text.format(which="a"), str(tmp_path)) == [("https://a.example.com", "call")]
    assert strengths(text.format(which="b"), str(tmp_path)) == [("https://b.example.com", "call")]
    both = text.format(which="a").replace("./cmd/a", "./cmd/...")
    assert sorted(strengths(both, str(tmp_path))) == \
        [("https://a.example.com", "call"), ("https://b.example.com", "call")]


def test_browser_sources_are_not_the_program(tmp_path: Path) -> None:
    write(tmp_path / "web/src/app.ts", 'fetch("https://api.example.com/v1")\n')
    write(tmp_path / "main.go", 'package main\n\nfunc main() {}\n')
    text = ("FROM node:20 AS web\nWORKDIR /web\nCOPY web/ .\nRUN npm ci && npm run build\n"
            "FROM golang:1.22 AS b\nWORKDIR /src\nCOPY main.go .\n"
            "RUN CGO_ENABLED=0 go build -o /app main.go\n"
            "FROM scratch\nCOPY --from=b /app /app\nCOPY --from=web /web/dist /www\n"
            'ENTRYPOINT ["/app"]\n')
    assert strengths(text, str(tmp_path)) == []


# ---- evidence: programs with their own roots
@pytest.mark.parametrize("cargo, own", [
    ('reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }',
     True),
    ('reqwest = { version = "0.12", features = ["json"] }', False),
    ('reqwest = { version = "0.12", default-features = false, '
     'features = ["rustls-tls-native-roots"] }', False),
    ('ureq = "2"', True),
    ('ureq = { version = "2", features = ["native-certs"] }', False),
    ('webpki-roots = "0.26"', True),
    ('tokio-tungstenite = { version = "0.21", features = ["rustls-tls-webpki-roots"] }', True),
])
def test_cargo_roots(cargo, own) -> None:
    text = ("FROM rust:1.78 AS b\nWORKDIR /src\nCOPY <<EOF Cargo.toml\n[package]\nname = \"x\"\n"
            f"version = \"0.1.0\"\n\n[dependencies]\n{cargo}\nEOF\nRUN cargo build --release\n"
            "FROM scratch\nCOPY --from=b /src/target/release/x /x\n")
    f, t = target_facts(text)
    assert bool(f.embedded_roots(t)) is own


def test_go_fallback_roots(tmp_path: Path) -> None:
    write(tmp_path / "main.go", 'package main\n\nimport _ "golang.org/x/crypto/x509roots/fallback"'
          '\n\nfunc main() {}\n')
    f, t = target_facts("FROM golang:1.22 AS b\nCOPY . .\nRUN go build -o /app .\n"
                        "FROM scratch\nCOPY --from=b /app /app\n", str(tmp_path))
    assert f.embedded_roots(t) == "it imports golang.org/x/crypto/x509roots/fallback"


# ---- the severity of every DK101 fixture (the fixture grammar checks messages, not levels)
SEVERITIES = {
    "article-scratch-without-certs": "error", "debian-slim-without-certs": "error",
    "evidence-cmd-args": "error", "evidence-context-file": "error",
    "evidence-copy-heredoc": "error", "evidence-run-heredoc": "error",
    "exec-form-install-without-certs": "error", "built-main-package": "error",
    "interpreter-on-debian": "error", "assume-tls": "error",
    "arg-flows-into-env": "warning", "arg-flows-into-program-text": "warning",
    "config-file-from-context": "warning", "config-file-in-the-image": "warning",
    "env-nothing-reads": "warning", "env-read-by-the-command": "warning",
    "evidence-env": "warning", "no-stage-has-certs-crlf": "warning",
    "scratch-via-stage-alias": "warning", "script-may-install-certs": "warning",
    "url-literal-alone": "warning", "package-list-unresolved": "warning",
    "package-list-from-file": "warning", "package-list-from-input": "warning",
    "staged-tree-may-hold-certs": "warning", "debian-package-may-pull-certs": "warning",
    "bundle-mounted-at-run-time": "warning", "ssl-cert-file-from-secret": "warning",
}
DK101 = sorted(p for p in (FIXTURES / "rules" / "DK101").glob("*.Dockerfile")
               if not p.name.endswith(".fixed.Dockerfile"))


@pytest.mark.parametrize("path", DK101, ids=[p.stem for p in DK101])
def test_dk101_fixture_severity(path: Path) -> None:
    fx = load(path)
    settings = Settings(select=["DK101"], options={"DK101": fx.options})
    result = lint_bytes(fx.data, str(path), settings,
                        context=str(fx.context) if fx.context else None)
    levels = [f.severity.name.lower() for f in result.findings]
    expected = SEVERITIES.get(path.stem)
    assert levels == ([expected] if expected else [])


@pytest.mark.parametrize("header, tags, excluded", [
    ("//go:build ignore", (), True), ("// +build ignore", (), True),
    ("//go:build tools", (), True), ("//go:build integration", (), True),
    ("//go:build integration", ("integration",), False), ("//go:build !integration", (), False),
    ("//go:build windows", (), True), ("//go:build linux && amd64", (), False),
    ("//go:build darwin || linux", (), False), ("", (), False),
])
def test_go_build_constraints(header, tags, excluded) -> None:
    from docklint.facts.evidence import _go_excluded
    assert _go_excluded(f"{header}\n\npackage main\n", frozenset(tags)) is excluded


# ---- work per instruction, not per source
def test_copy_with_many_sources_is_read_once(monkeypatch):
    """A COPY naming thousands of sources is placed once per source; what it copies and where
    is worked out once for the instruction (the fuzzer found a 6,000-source COPY on scratch
    taking minutes: every placement re-expanded every word)."""
    from docklint.facts import files

    calls: list[int] = []
    real = files._copy_paths

    def counting(facts, ins):
        calls.append(ins.line)
        return real(facts, ins)

    monkeypatch.setattr(files, "_copy_paths", counting)
    sources = " ".join(f"$X/f{i}" for i in range(3000))
    text = ("FROM golang:1.22 AS build\nARG X=src\n"
            f"COPY {sources} /out/\n"
            "FROM scratch\nCOPY --from=build /out/ /\n"
            'ENTRYPOINT ["/app"]\n')
    result = lint_bytes(text.encode(), "Dockerfile", Settings(select=["ALL"], ignore=["DK440"]))
    assert result.error is None and not result.internal
    assert calls and len(calls) == len(set(calls)), "copy_paths worked out again"


def test_stage_outputs_are_worked_out_once(monkeypatch):
    """What a stage writes is asked once per source a COPY --from places; it is worked out
    once per stage (the fuzzer found a 36,000-source COPY --from taking minutes)."""
    from docklint.facts import files

    calls: list[int] = []
    real = files._outputs

    def counting(facts, index):
        calls.append(index)
        return real(facts, index)

    monkeypatch.setattr(files, "_outputs", counting)
    sources = " ".join(f"/out/f{i}.bin" for i in range(3000))
    text = ("FROM golang:1.22 AS build\nRUN go build -o /out/app .\n"
            f"FROM scratch\nCOPY --from=build {sources} /\n"
            'ENTRYPOINT ["/app"]\n')
    result = lint_bytes(text.encode(), "Dockerfile", Settings(select=["ALL"], ignore=["DK440"]))
    assert result.error is None and not result.internal
    assert calls and len(calls) == len(set(calls)), "outputs worked out again"
