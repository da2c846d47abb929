"""Run-time rules where an error would be wrong, kept fixed:
per-target Rust flags and $CARGO_HOME (facts.targets), C++ static runtimes and Go build tags
(facts.builds), what a final image supplies a dynamic program (facts.runtime.libraries), files
an exec-form RUN may make and a relative SHELL (facts.files, facts.shells), the severity of
HEALTHCHECK findings, and DK301's fixes never breaking the image."""

from __future__ import annotations

from pathlib import Path

import pytest

from docklint.engine import Settings, lint_bytes
from docklint.facts import facts_of
from docklint.facts.targets import _cfg
from docklint.fix import fix_bytes
from docklint.model import build
from docklint.registry import get
from docklint.rule import Severity
from docklint.source import Source

from .fixture_format import load

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"


def facts(text: str, context: str | None = None):
    df = build(Source(text, "Dockerfile"))
    if context is not None:
        df.context = context
    return facts_of(df)


def only_build(text: str, stage: int = 0):
    found = facts(text).builds(stage)
    assert len(found) == 1, found
    return found[0]


def lint(text: str, *codes: str):
    return lint_bytes(text.encode(), "Dockerfile", Settings(select=list(codes))).findings


# ---- Rust flags: per target, cargo's precedence, $CARGO_HOME
RUST = ("FROM rust:1.78 AS b\nWORKDIR /src\nCOPY Cargo.toml ./\nCOPY src ./src\n")


@pytest.mark.parametrize("setup, command, kind", [
    # a table for another target does not apply; the target's own does
    ("RUN printf '[target.x86_64-unknown-linux-gnu]\\nrustflags = [\"-C\", "
     "\"target-feature=+crt-static\"]\\n[target.aarch64-unknown-linux-gnu]\\nrustflags = "
     "[\"-C\", \"target-feature=-crt-static\"]\\n' > /usr/local/cargo/config.toml\n",
     "cargo build --target x86_64-unknown-linux-gnu", "static"),
    ("RUN printf '[target.x86_64-unknown-linux-gnu]\\nrustflags = [\"-C\", "
     "\"target-feature=+crt-static\"]\\n[target.aarch64-unknown-linux-gnu]\\nrustflags = "
     "[\"-C\", \"target-feature=-crt-static\"]\\n' > /usr/local/cargo/config.toml\n",
     "cargo build --target aarch64-unknown-linux-gnu", "cc"),
    # without --target the build is for the builder: x86_64 by docklint's convention
    ("RUN printf '[target.x86_64-unknown-linux-gnu]\\nrustflags = [\"-C\", "
     "\"target-feature=+crt-static\"]\\n' >> \"$CARGO_HOME/config.toml\"\n",
     "cargo build --release", "static"),
    # a target table wins over [build]
    ("RUN printf '[build]\\nrustflags = [\"-C\", \"target-feature=+crt-static\"]\\n"
     "[target.x86_64-unknown-linux-gnu]\\nrustflags = [\"-C\", \"target-feature=-crt-static\"]"
     "\\n' > .cargo/config.toml\n", "cargo build --release", "cc"),
    # CARGO_TARGET_<TRIPLE>_RUSTFLAGS for another target
    ("ENV CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUSTFLAGS=\"-C target-feature=-crt-static\" "
     "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS=\"-C target-feature=+crt-static\"\n",
     "cargo build --target x86_64-unknown-linux-gnu", "static"),
    ("ENV CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS=\"-C target-feature=+crt-static\"\n",
     "cargo build --target x86_64-unknown-linux-gnu", "cc"),
    # RUSTFLAGS replaces every configured flag
    ("ENV RUSTFLAGS=\"-C target-feature=+crt-static\"\n",
     "cargo build --config 'target.x86_64-unknown-linux-gnu.rustflags=[\"-C\","
     "\"target-feature=-crt-static\"]'", "static"),
    # --config for the target
    ("", "cargo build --config 'target.x86_64-unknown-linux-gnu.rustflags=[\"-C\","
     "\"target-feature=+crt-static\"]'", "static"),
    # a cfg() table
    ("RUN printf '[target.'\"'\"'cfg(all(target_os = \"linux\", target_env = \"gnu\"))'\"'\"']"
     "\\nrustflags = [\"-C\", \"target-feature=+crt-static\"]\\n' > .cargo/config.toml\n",
     "cargo build", "static"),
    ("RUN printf '[target.'\"'\"'cfg(target_env = \"musl\")'\"'\"']"
     "\\nrustflags = [\"-C\", \"target-feature=+crt-static\"]\\n' > .cargo/config.toml\n",
     "cargo build", "cc"),
])
def test_rust_flags_follow_cargo(setup: str, command: str, kind: str) -> None:
    b = only_build(RUST + setup + f"RUN {command}\n")
    assert (b.kind, b.certain) == (kind, True), b


def test_cargo_home_from_the_image_and_unknown(tmp_path) -> None:
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "a"\n')
    (tmp_path / "cfg.toml").write_text(
        '[build]\nrustflags = ["-C", "target-feature=+crt-static"]\n')
    text = "COPY cfg.toml $CARGO_HOME/config.toml\nWORKDIR /src\nCOPY Cargo.toml ./\n" \
           "RUN cargo build --release\n"
    f = facts("FROM rust:1.78\n" + text, str(tmp_path))
    assert (f.builds(0)[0].kind, f.builds(0)[0].certain) == ("static", True)
    # CARGO_HOME set by the Dockerfile wins over the image's
    f = facts("FROM rust:1.78\nENV CARGO_HOME=/opt/cargo\n" + text, str(tmp_path))
    assert f.copy_paths(f.df.stages[0].instructions[1])[1] == "/opt/cargo/config.toml"
    # an image whose CARGO_HOME docklint does not know: uncertain
    b = facts("FROM debian:12\nRUN apt-get install -y cargo\n" + text, str(tmp_path)).builds(0)[0]
    assert (b.kind, b.certain) == ("cc", False)
    b = only_build("FROM debian:12\nRUN printf '[build]\\nrustflags = [\"-C\", "
                   "\"target-feature=+crt-static\"]\\n' > \"$CARGO_HOME/config.toml\"\n"
                   "RUN cargo build --release\n")
    assert (b.kind, b.certain) == ("cc", False)


@pytest.mark.parametrize("expr, value", [
    ('cfg(all())', True), ('cfg(any())', False), ('cfg(unix)', True), ('cfg(windows)', False),
    ('cfg(target_env = "gnu")', True), ('cfg(not(target_env = "gnu"))', False),
    ('cfg(all(target_arch = "x86_64", target_os = "linux"))', True),
    ('cfg(target_arch = "aarch64")', False), ('cfg(target_feature = "sse2")', None),
    ('cfg(any(target_feature = "sse2", target_os = "linux"))', True),
    ('cfg(all(target_feature = "sse2", target_os = "windows"))', False),
    ('cfg(all(', None), ('nonsense', None),
])
def test_cfg_predicates(expr: str, value: bool | None) -> None:
    assert _cfg(expr, "x86_64-unknown-linux-gnu") is value


# ---- C++ and Go builds
def test_cxx_static_runtime_flags() -> None:
    b = only_build("FROM gcc:13\nRUN g++ -static-libstdc++ -static-libgcc -o /a a.cpp\n")
    assert (b.kind, b.libs) == ("glibc", ())
    b = only_build("FROM gcc:13\nRUN g++ -static-libstdc++ -o /a a.cpp\n")
    assert (b.kind, b.libs) == ("cc", ("libgcc_s",))
    b = only_build("FROM gcc:13\nRUN g++ -static-libgcc -o /a a.cpp\n")
    assert (b.kind, b.libs) == ("cc", ("libgcc_s", "libstdc++"))
    assert only_build("FROM rust:1.78\nRUN cargo build\n").libs == ("libgcc_s",)


def test_go_tags_and_goflags() -> None:
    b = only_build("FROM golang:1.22\nRUN go build -tags netgo -o /a .\n")
    assert (b.kind, b.tags) == ("glibc", frozenset({"netgo"}))
    b = only_build("FROM golang:1.22\nRUN go build -tags 'netgo osusergo' -o /a .\n")
    assert b.kind == "static"
    b = only_build("FROM golang:1.22\nENV GOFLAGS=\"-tags=netgo,osusergo -trimpath\"\n"
                   "RUN go build -o /a .\n")
    assert b.kind == "static"
    b = only_build("FROM golang:1.22\nENV GOFLAGS=-ldflags=-extldflags=-static\n"
                   "RUN go build -o /a .\n")
    assert b.kind == "static"


def test_go_build_without_output_writes_only_into_its_directory() -> None:
    f = facts("FROM golang:1.22\nWORKDIR /src\nRUN go build ./...\nRUN make build\n")
    assert f.build_for(0, "/src/bin/app") is None
    assert f.build_for(0, "/src/src") is not None          # go build . writes /src/<dir>


# ---- what the final image gives a dynamic program
@pytest.mark.parametrize("final, have, maybe", [
    ("FROM alpine:3.20\nRUN apk add --no-cache gcompat\n",
     {"musl-loader", "glibc-loader", "libc"}, False),
    ("FROM alpine:3.20\nRUN apk add --no-cache libstdc++\n",
     {"musl-loader", "libstdc++", "libgcc_s"}, False),
    ("FROM scratch\nCOPY --from=d /lib64/ld-linux-x86-64.so.2 /lib64/\n"
     "COPY --from=d /lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/\n",
     {"glibc-loader", "libc"}, False),
    ("FROM gcr.io/distroless/base-debian13\n", {"glibc-loader", "libc"}, False),
    ("FROM gcr.io/distroless/cc-debian13\n", {"glibc-loader", "libc", "libgcc_s", "libstdc++"},
     False),
    ("FROM scratch\nCOPY --from=d /usr/lib/ /usr/lib/\n", set(), True),
    ("FROM scratch\nCOPY --from=d /rootfs/ /\n", set(), True),
    ("FROM scratch\nCOPY --from=d /out/app.conf /etc/app.conf\n", set(), False),
    ("FROM alpine:3.20\nARG PKGS\nRUN apk add $PKGS\n", {"musl-loader"}, True),
])
def test_libraries_of_an_image(final: str, have: set, maybe: bool) -> None:
    f = facts("FROM debian:12 AS d\n" + final)
    libs = f.libraries(1)
    assert set(libs.have) == have
    assert bool(libs.maybe) is maybe


# ---- files an exec-form RUN may make; a relative SHELL
def test_a_run_may_make_what_no_copy_provides() -> None:
    f = facts("FROM scratch\nCOPY --from=busybox:1.36-musl /bin/busybox /bin/busybox\n"
              "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\nCMD echo hi\n")
    assert f.writer(0) is not None and f.has_shell(0) is None
    run = f.df.stages[0].instructions[1]
    assert f.writer(0, before=run) is None
    f = facts("FROM gcr.io/distroless/static-debian13\n"
              "RUN --mount=type=bind,from=busybox:1.36-musl,source=/bin,target=/bin mkdir /d\n")
    assert f.writer(0) is None and f.has_shell(0) is False


def test_a_shell_named_without_a_slash_is_looked_up_on_the_path() -> None:
    f = facts("FROM scratch\nCOPY --from=busybox:1.36-musl /bin/busybox /usr/local/bin/busybox\n"
              "SHELL [\"busybox\", \"sh\", \"-c\"]\n")
    assert f.shell_path(0) == "/usr/local/bin/busybox" and f.has_shell(0) is True
    f = facts("FROM scratch\nCOPY --from=busybox:1.36-musl /bin/busybox /opt/busybox\n"
              "SHELL [\"busybox\", \"sh\", \"-c\"]\n")
    assert f.shell_path(0) == "busybox" and f.has_shell(0) is False
    assert facts("FROM debian:12\nSHELL [\"sh\", \"-c\"]\n").has_shell(0) is True


# ---- severities: a HEALTHCHECK that cannot run leaves a running container
def test_healthcheck_findings_are_warnings() -> None:
    text = ("FROM gcr.io/distroless/static-debian13\nCOPY app /app\n"
            "HEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD /app --port 80\n")
    found = {(f.code, f.line): f.severity for f in lint(text, "DK102", "DK108")}
    assert found == {("DK102", 3): Severity.WARNING, ("DK102", 4): Severity.ERROR,
                     ("DK108", 3): Severity.WARNING}
    assert get("DK108").severity is Severity.WARNING


# ---- DK301's fixes never make the image fail DK102/DK107/DK108
RUNTIME = ["DK102", "DK107", "DK108"]
DK301_CASES = sorted(p for p in (FIXTURES / "DK301").glob("*.Dockerfile")
                     if not p.name.endswith(".fixed.Dockerfile"))


@pytest.mark.parametrize("case", DK301_CASES, ids=[p.stem for p in DK301_CASES])
def test_dk301_unsafe_fixes_break_nothing(case: Path) -> None:
    fx = load(case)
    context = str(fx.context) if fx.context else None
    settings = Settings(select=["DK301"], target=fx.target, build_args=fx.build_args)
    out = fix_bytes(fx.data, str(case), settings, [get("DK301")], unsafe=True, context=context)
    check = Settings(select=RUNTIME, target=fx.target, build_args=fx.build_args)

    def runtime_findings(data: bytes) -> set:
        return {f.code for f in lint_bytes(data, str(case), check, context=context).findings}

    assert runtime_findings(out.data) <= runtime_findings(fx.data)


def test_dk301_offers_no_fix_when_the_lighter_base_lacks_a_tool() -> None:
    found = lint("FROM golang:1.22 AS b\nRUN CGO_ENABLED=0 go build -o /app .\n"
                 "FROM golang:1.22\nCOPY --from=b /app /app\n"
                 "HEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/\"]\n"
                 "ENTRYPOINT [\"/app\"]\n", "DK301")
    assert len(found) == 1 and found[0].fix is None and "lacks" in found[0].message


@pytest.mark.parametrize("copy, warned", [
    ("COPY --from=b /app/node_modules ./node_modules\n", True),
    ("COPY --from=b /app /app\n", True),
    ("COPY --from=b /app/dist ./dist\n", False),
])
def test_dk301_warns_about_packages_built_on_the_full_image(copy: str, warned: bool) -> None:
    found = lint("FROM node:20 AS b\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n"
                 "FROM node:20\nWORKDIR /app\n" + copy + "USER node\n"
                 "CMD [\"node\", \"dist/server.js\"]\n", "DK301")
    assert len(found) == 1
    assert ("may hold compiled extensions" in found[0].message) is warned


def test_entrypoint_named_like_a_script_with_an_unknown_path() -> None:
    """An ENV PATH docklint cannot resolve makes the search path unknown: an entrypoint named
    `docker-entrypoint` is then neither found nor missing, and no rule crashes (fuzzer input
    40329: DK303/DK304 raised TypeError)."""
    from docklint.engine import Settings, lint_text
    text = ('FROM node:20-slim\nARG EXTRA\nENV PATH=$EXTRA:$PATH\n'
            'ENTRYPOINT ["docker-entrypoint"]\nCMD ["node", "app.js"]\n')
    result = lint_text(text, "Dockerfile", Settings(select=["ALL"], ignore=["DK440"]))
    assert result.internal == [] and not [f for f in result.findings if f.code == "DK005"]
