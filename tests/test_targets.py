"""What a build targets and how it links (facts.targets, facts.builds), and the other runtime
facts the DK1xx rules read: where a program is looked up (ENV PATH, wasm shims), what shows a
program makes TLS calls or loads zones (facts.evidence), the RUNs docklint cannot read
(facts.ca), a shell a RUN mounts (facts.shells), distroless users (facts.users)."""

from __future__ import annotations

import pytest

from docklint.context import forget
from docklint.facts import facts_of
from docklint.facts.evidence import needs_zoneinfo
from docklint.facts.targets import (UNSET, CommandLine, c_compiler, classify, go_kind,
                                    is_wasm_platform, target_of)
from docklint.model import build
from docklint.source import Source


def facts(text: str, context: str | None = None):
    df = build(Source(text, "Dockerfile"))
    if context is not None:
        df.context = context
    return facts_of(df)


def command_line(text: str, name: str, stage: int = -1) -> CommandLine:
    """The CommandLine of the first command called ``name`` in stage ``stage``."""
    f = facts(text)
    st = f.df.stages[stage]
    for ins, script, cmd in f.commands(st):
        if cmd.name == name:
            return CommandLine(f, st, ins, script, cmd)
    raise AssertionError(f"no {name} command")


def only_build(text: str, stage: int = 0, context: str | None = None):
    f = facts(text, context)
    found = f.builds(stage)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("triple, kind", [
    ("x86_64-unknown-linux-musl", "musl"), ("aarch64-unknown-linux-musl", "musl"),
    ("armv7-unknown-linux-musleabihf", "musl"), ("x86_64-linux-musl", "musl"),
    ("musl", "musl"), ("x86_64-alpine-linux-musl", "musl"),
    ("x86_64-unknown-linux-gnu", "gnu"), ("aarch64-linux-gnu", "gnu"),
    ("arm-linux-gnueabihf", "gnu"), ("x86_64-unknown-linux-gnu.2.17", "gnu"),
    ("wasm32-wasip1", "wasm"), ("wasm32-wasi", "wasm"), ("wasm32-unknown-unknown", "wasm"),
    ("wasm32-unknown-emscripten", "wasm"), ("wasm64-unknown-unknown", "wasm"),
    ("x86_64-pc-windows-msvc", "windows"), ("x86_64-pc-windows-gnu", "windows"),
    ("x86_64-w64-mingw32", "windows"), ("i686-w64-mingw32", "windows"),
    ("aarch64-apple-darwin", "apple"), ("aarch64-apple-ios", "apple"),
    ("aarch64-linux-android", "android"), ("armv7-linux-androideabi", "android"),
    ("thumbv7em-none-eabihf", "bare"), ("riscv32imac-unknown-none-elf", "bare"),
    ("arm-none-eabi", "bare"), ("aarch64-unknown-uefi", "bare"),
    ("x86_64-unknown-freebsd", "unknown"), ("x86_64-linux", "unknown"),
    ("xx", "unknown"), ("", "unknown"), (None, "unknown"),
])
def test_classify(triple, kind) -> None:
    assert classify(triple) == kind


def test_go_kinds_and_wasm_platforms() -> None:
    assert go_kind("wasip1", "wasm") == go_kind("js", "wasm") == "wasm"
    assert go_kind("windows", "amd64") == "windows"
    assert go_kind("darwin", "arm64") == "apple"
    assert go_kind("linux", "arm64") is None and go_kind("", "") is None
    assert go_kind("freebsd", "amd64") == "unknown"
    assert is_wasm_platform("wasi/wasm") and is_wasm_platform("wasip1/wasm")
    assert is_wasm_platform("wasi/wasm32")
    assert not is_wasm_platform("linux/amd64") and not is_wasm_platform("linux/arm64/v8")


def test_c_compiler_names() -> None:
    assert c_compiler("gcc") == (None, False)
    assert c_compiler("clang++-17") == (None, True)
    assert c_compiler("x86_64-linux-musl-gcc") == ("x86_64-linux-musl", False)
    assert c_compiler("musl-gcc") == ("musl", False)
    assert c_compiler("aarch64-linux-gnu-g++") == ("aarch64-linux-gnu", True)
    assert c_compiler("x86_64-w64-mingw32-gcc") == ("x86_64-w64-mingw32", False)
    assert c_compiler("distcc") is None and c_compiler("go") is None


# ---- the resolved command line
def test_command_line_expands_arg_and_env() -> None:
    cl = command_line('ARG ARCH=x86_64-unknown-linux-musl\nFROM rust:1.80\nARG ARCH\n'
                      'ENV FLAGS="--release --locked"\n'
                      'RUN cargo build $FLAGS --target "${ARCH}"\n', "cargo")
    assert cl.args == ("build", "--release", "--locked", "--target",
                       "x86_64-unknown-linux-musl")
    assert cl.flag_values("--target") == ["x86_64-unknown-linux-musl"]


def test_command_line_leaves_what_it_cannot_resolve_unresolved() -> None:
    cl = command_line("FROM rust:1.80\nARG T\n"
                      'RUN cargo build --target "$T" --out "$(cat /x)"\n', "cargo")
    assert cl.args == ("build", "--target", None, "--out", None)
    assert not cl.resolved


def test_script_assignments_before_the_command_count() -> None:
    cl = command_line("FROM rust:1.80\n"
                      "RUN export T=x86_64-unknown-linux-musl && cargo build --target $T\n",
                      "cargo")
    assert cl.flag_values("--target") == ["x86_64-unknown-linux-musl"]
    # one value per branch of a case
    cl = command_line("FROM rust:1.80\nARG TARGETARCH\n"
                      'RUN case "$TARGETARCH" in amd64) T=a-unknown-linux-musl ;; '
                      "arm64) T=b-unknown-linux-musl ;; esac && cargo build --target $T\n",
                      "cargo")
    assert cl.values("T") == ["a-unknown-linux-musl", "b-unknown-linux-musl"]
    assert cl.var("T") is None
    # a loop variable is assigned in another way: unresolved
    cl = command_line("FROM rust:1.80\n"
                      "RUN for t in a b; do cargo build --target $t; done\n", "cargo")
    assert cl.values("t") == [None]


def test_prefix_assignments_do_not_outlive_their_command() -> None:
    cl = command_line("FROM golang:1.22\n"
                      "RUN GOARCH=arm64 ./build.sh && go build -o /app .\n", "go")
    assert cl.var("GOARCH") is UNSET
    cl = command_line("FROM golang:1.22\nRUN GOARCH=arm64 go build -o /app .\n", "go")
    assert cl.var("GOARCH") == "arm64"


def test_unknown_base_image_may_set_anything() -> None:
    cl = command_line("FROM example.com/builder:1\nRUN go build -o /app .\n", "go")
    assert cl.var("GOOS") is None
    cl = command_line("FROM golang:1.22\nRUN go build -o /app .\n", "go")
    assert cl.var("GOOS") is UNSET


def test_hides_flags() -> None:
    text = "FROM golang:1.22\nARG V\nARG LDFLAGS\nARG OUT\n"
    assert not command_line(text + 'RUN go build -gcflags="$V" -o "$OUT" .\n', "go") \
        .hides_flags("-ldflags")
    assert not command_line(text + 'RUN go build -ldflags "-X main.v=$V -s" .\n', "go") \
        .hides_flags("-ldflags")
    assert command_line(text + 'RUN go build -ldflags "$LDFLAGS" .\n', "go") \
        .hides_flags("-ldflags")
    assert command_line(text + "RUN go build $LDFLAGS .\n", "go").hides_flags("-ldflags")


# ---- targets of build commands
@pytest.mark.parametrize("run, kind, text", [
    ("cargo build --target wasm32-wasip1", "wasm", "wasm32-wasip1"),
    ("cargo build --target=aarch64-unknown-linux-musl", "musl", "aarch64-unknown-linux-musl"),
    ("cross build --release --target aarch64-unknown-linux-gnu", "gnu",
     "aarch64-unknown-linux-gnu"),
    ("cargo zigbuild --target x86_64-unknown-linux-gnu.2.17", "gnu",
     "x86_64-unknown-linux-gnu.2.17"),
    ("cargo build --config 'build.target=\"x86_64-unknown-linux-musl\"'", "musl",
     "x86_64-unknown-linux-musl"),
    ("CARGO_BUILD_TARGET=x86_64-pc-windows-gnu cargo build", "windows",
     "x86_64-pc-windows-gnu"),
    ("rustc --target thumbv7em-none-eabihf main.rs", "bare", "thumbv7em-none-eabihf"),
    ("clang --target=x86_64-linux-musl -o a a.c", "musl", "x86_64-linux-musl"),
    ("clang -target aarch64-linux-gnu -o a a.c", "gnu", "aarch64-linux-gnu"),
    ("x86_64-w64-mingw32-gcc -o a.exe a.c", "windows", "x86_64-w64-mingw32"),
    ("zig cc -target x86_64-linux-musl -o a a.c", "musl", "x86_64-linux-musl"),
    ("GOOS=wasip1 GOARCH=wasm go build -o a.wasm .", "wasm", "wasip1/wasm"),
    ("GOOS=windows go build -o a.exe .", "windows", "windows/native"),
    ("tinygo build -target wasi -o a.wasm .", "wasm", "wasi"),
    ("tinygo build -target=pico -o a.uf2 .", "bare", "pico"),
    ("emcc a.c -o a.js", "wasm", "wasm32-unknown-emscripten"),
    ("wasm-pack build --release", "wasm", "wasm32-unknown-unknown"),
])
def test_target_of(run, kind, text) -> None:
    name = next(w for w in run.split() if "=" not in w)
    cl = command_line(f"FROM debian:12\nRUN {run}\n", name)
    target = target_of(cl.facts, cl)
    assert target is not None and (target.kind, target.text) == (kind, text)


def test_no_target_builds_for_the_builder() -> None:
    for run, name in (("cargo build --release", "cargo"), ("gcc -o a a.c", "gcc"),
                      ("GOOS=linux GOARCH=arm64 go build .", "go")):
        cl = command_line(f"FROM debian:12\nRUN {run}\n", name)
        assert target_of(cl.facts, cl) is None


def test_unresolved_target_is_unknown() -> None:
    cl = command_line('FROM rust:1.80\nARG T\nRUN cargo build --target "$T"\n', "cargo")
    target = target_of(cl.facts, cl)
    assert target is not None and (target.text, target.kind) == (None, "unknown")


# ---- how builds link
def test_rust_builds() -> None:
    b = only_build("FROM rust:1.80\nRUN cargo build --target x86_64-unknown-linux-musl\n")
    assert (b.kind, b.target) == ("static", "x86_64-unknown-linux-musl")
    b = only_build('FROM rust:1.80\nENV RUSTFLAGS="-C target-feature=+crt-static"\n'
                   "RUN cargo build --target x86_64-unknown-linux-gnu\n")
    assert b.kind == "static"
    b = only_build('FROM rust:1.80-alpine\n'
                   'RUN RUSTFLAGS="-C target-feature=-crt-static" cargo build\n')
    assert b.kind == "musl"
    b = only_build("FROM rust:1.80\nRUN cargo build --target wasm32-wasip1\n")
    assert (b.kind, b.certain) == ("wasm", True)
    b = only_build("FROM rust:1.80\nRUN cargo build --target x86_64-apple-darwin\n")
    assert b.kind == "foreign"
    b = only_build("FROM rust:1.80\nARG T\nRUN cargo build --target $T\n")
    assert b.kind == "unknown"
    assert only_build("FROM rust:1.80\nRUN cargo chef cook --release\n".replace(
        "cargo chef cook --release", "cargo build")).kind == "cc"
    assert facts("FROM rust:1.80\nRUN cargo chef cook --release\n").builds(0) == []


def test_cargo_builds_are_uncertain_when_a_copied_context_may_hold_a_cargo_config(
        tmp_path) -> None:
    text = "FROM rust:1.80\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n"
    b = only_build(text)
    assert (b.kind, b.certain) == ("cc", False)
    assert "another target" in b.caveat and "+crt-static" in b.caveat
    # a context that holds the project, and no .cargo/config.toml: certain
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "a"\n')
    b = only_build(text, context=str(tmp_path))
    assert (b.kind, b.certain) == ("cc", True)
    # its .cargo/config.toml sets a musl target
    forget()                      # contexts are read once per process
    (tmp_path / ".cargo").mkdir()
    (tmp_path / ".cargo" / "config.toml").write_text(
        '[build]\ntarget = "x86_64-unknown-linux-musl"\n')
    b = only_build(text, context=str(tmp_path))
    assert (b.kind, b.target) == ("static", "x86_64-unknown-linux-musl")
    # copying only files cannot bring a config
    b = only_build("FROM rust:1.80\nWORKDIR /src\nCOPY Cargo.toml Cargo.lock ./\n"
                   "COPY src ./src\nRUN cargo build --release\n")
    assert b.certain


def test_cargo_config_written_by_the_build() -> None:
    b = only_build("FROM rust:1.80\n"
                   "RUN mkdir -p .cargo && printf '[build]\\ntarget = "
                   "\"aarch64-unknown-linux-musl\"\\n' > .cargo/config.toml\n"
                   "RUN cargo build --release\n")
    assert b.kind == "static"


def test_c_builds() -> None:
    assert only_build("FROM gcc:14\nRUN gcc -static-pie -o /a a.c\n").kind == "static"
    assert only_build("FROM debian:12\nRUN gcc -o /a a.c\n").kind == "glibc"
    assert only_build("FROM debian:12\nRUN gcc -o /a a.cpp\n").kind == "cc"
    assert only_build("FROM debian:12\nRUN gcc -o /a a.o -lstdc++\n").kind == "cc"
    assert only_build("FROM debian:12\nRUN musl-gcc -o /a a.c\n").kind == "musl"
    assert only_build("FROM debian:12\nRUN x86_64-w64-mingw32-gcc -o /a a.c\n").kind == \
        "foreign"
    assert facts("FROM debian:12\nRUN gcc -c a.c -o a.o && gcc --version\n").builds(0) == []
    assert only_build("FROM debian:12\nARG LDFLAGS\nRUN gcc -o /a a.c $LDFLAGS\n").kind == \
        "unknown"


def test_go_builds() -> None:
    b = only_build("FROM golang:1.22\nRUN CGO_ENABLED=0 go build -o /a .\n")
    assert (b.kind, b.output) == ("static", "/a")
    b = only_build("FROM golang:1.22\nRUN go build -o /a .\n")
    assert (b.kind, b.certain) == ("glibc", False)
    # cross-compiling turns cgo off unless the builder has that arch: not guessed
    assert only_build("FROM golang:1.22\nRUN GOARCH=arm64 go build -o /a .\n").kind == \
        "unknown"
    assert only_build("FROM golang:1.22\nARG TARGETOS\n"
                      "RUN GOOS=$TARGETOS go build -o /a .\n").kind == "unknown"
    # static flags hold whatever else is unresolved
    b = only_build("FROM golang:1.22\nRUN go build -ldflags \"-X v=$(git describe) "
                   "-extldflags -static\" -o /a .\n")
    assert b.kind == "static"
    assert only_build("FROM golang:1.22-alpine\nARG TARGETARCH\n"
                      "RUN GOARCH=$TARGETARCH go build -o /a .\n").kind == "static"
    assert only_build("FROM golang:1.22\nRUN GOOS=js GOARCH=wasm go build -o /a.wasm .\n"
                      ).kind == "wasm"
    assert facts("FROM golang:1.22\nRUN go build -buildmode=c-shared -o a.so .\n"
                 ).builds(0) == []


def test_build_for_picks_the_cargo_target_of_the_path() -> None:
    f = facts("FROM rust:1.80 AS b\n"
              "RUN cargo build --target x86_64-unknown-linux-gnu "
              "&& cargo build --target x86_64-unknown-linux-musl\n")
    b = f.build_for(0, "/src/target/x86_64-unknown-linux-gnu/release/app")
    assert b is not None and b.target == "x86_64-unknown-linux-gnu"
    b = f.build_for(0, "/src/target/x86_64-unknown-linux-musl/release/app")
    assert b is not None and b.target == "x86_64-unknown-linux-musl"


# ---- where a program is looked up
def test_env_path_and_wasm_lookups() -> None:
    f = facts("FROM scratch\nENV PATH=/ko-app:$PATH\nENTRYPOINT [\"server\"]\n")
    assert f.search_path(0)[:2] == ["/ko-app", "/usr/local/sbin"]
    assert "/ko-app/server" in f.exe_paths(0, "server")
    f = facts("FROM scratch\nARG D\nENV PATH=$D:/bin\n")
    assert f.search_path(0) is None and f.exe_paths(0, "x") is None
    assert f.exe_paths(0, "/x") == ["/x"]
    f = facts("FROM --platform=wasi/wasm scratch\nWORKDIR /app\n")
    assert f.wasm_image(0)
    assert {"/app/m", "/m"} <= set(f.exe_paths(0, "m"))
    assert f.runtime(0).kind == "wasm"
    f = facts("FROM scratch\nENTRYPOINT [\"hello.wasm\"]\n")
    assert "/hello.wasm" in f.exe_paths(0, "hello.wasm")
    assert f.runtime(0).kind == "wasm"


# ---- evidence
@pytest.mark.parametrize("tz, needs", [
    ("Europe/Paris", True), (":Europe/Paris", True), ("America/Argentina/Buenos_Aires", True),
    ("Japan", True), ("CET", True), ("Etc/GMT+5", True),
    ("UTC", False), ("Etc/UTC", False), ("GMT", False), ("CST-8", False),
    ("EST5EDT", False), ("<+0330>-3:30", False), ("UTC+3", False), (":/etc/localtime", False),
    ("", False),
])
def test_needs_zoneinfo(tz, needs) -> None:
    assert needs_zoneinfo(tz) is needs


def evidence(text: str) -> list[tuple[str, str]]:
    f = facts(text)
    return [(e.text, e.strength) for e in f.tls_evidence(f.df.graph.target)]


def test_env_evidence_follows_the_variable() -> None:
    base = "FROM scratch\nCOPY app /app\n"
    assert evidence(base + "ENV URL=https://a.example.com/c.json\nADD $URL /c.json\n") == []
    assert evidence("FROM debian:12\nENV U=https://a.example.com/x\nRUN curl -O $U\n") == []
    assert evidence("FROM debian:12\nENV U=https://a.example.com\n"
                    'CMD app --upstream "$U"\n') == [("https://a.example.com", "program")]
    assert evidence(base + "ENV API_URL=https://api.example.com\n") == \
        [("https://api.example.com", "program")]
    assert evidence(base + "ENV FEED=https://feeds.example.com/rss\n") == \
        [("https://feeds.example.com/rss", "config")]
    assert evidence(base + "ENV APP_URL=https://me.example.com DOCS_URL=https://d.example.com"
                    " TOOL_URL=https://x.example.com/tool-1.0.tar.gz\n") == []
    assert evidence(base + "ENV GOPROXY=https://proxy.example.com "
                    "PIP_INDEX_URL=https://pypi.example.com/simple\n") == []


def test_arg_values_count_only_where_they_flow() -> None:
    assert evidence("FROM scratch\nARG URL=https://a.example.com\nCOPY app /app\n") == []
    assert evidence("FROM scratch\nARG URL=https://a.example.com\n"
                    "ENV UPSTREAM_URL=$URL\n") == [("https://a.example.com", "program")]


def test_build_tool_configuration_is_not_evidence() -> None:
    assert evidence("FROM golang:1.22 AS b\nCOPY <<EOF /etc/apt/sources.list.d/x.list\n"
                    "deb https://deb.example.com/debian bookworm main\nEOF\n"
                    "RUN printf 'registry=https://npm.example.com/\\n' > /root/.npmrc\n"
                    "RUN CGO_ENABLED=0 go build -o /app .\n"
                    "FROM scratch\nCOPY --from=b /app /app\n") == []


def test_written_program_text_and_configuration() -> None:
    got = evidence("FROM golang:1.22 AS b\n"
                   "RUN printf 'package main\\n// https://docs.example.com\\n"
                   "var u = \"https://api.example.com\"\\n' > main.go\n"
                   "RUN CGO_ENABLED=0 go build -o /app .\n"
                   "FROM scratch\nCOPY --from=b /app /app\n"
                   "COPY <<EOF /etc/app.yaml\nhook: https://hooks.example.com\nEOF\n")
    assert got == [("https://api.example.com", "program"),
                   ("https://hooks.example.com", "config")]


def test_opaque_steps() -> None:
    f = facts("FROM debian:12\nRUN /tmp/install.sh\nRUN apt-get update\n"
              "RUN curl -fsSL https://x.example.com/i | sh\nRUN sh -c 'echo hi'\n"
              "RUN dpkg --print-architecture && dpkg -i /x.deb\n")
    assert [ins.line for ins in f.opaque_steps(0)] == [2, 4, 6]


def test_a_run_finds_the_shell_its_mount_puts_there() -> None:
    f = facts("FROM gcr.io/distroless/static-debian13\n"
              "RUN --mount=type=bind,from=busybox:1.36-musl,source=/bin,target=/bin mkdir /d\n"
              "RUN --mount=type=bind,from=busybox:1.36-musl,source=/bin,target=/t mkdir /e\n"
              "RUN --mount=type=bind,source=/bin,target=/bin mkdir /f\n")
    runs = [i for i in f.df.stages[0].instructions if i.keyword == "RUN"]
    assert [f.run_has_shell(i) for i in runs] == [True, False, None]
    assert f.has_shell(0) is False


def test_distroless_users() -> None:
    f = facts("FROM gcr.io/distroless/static-debian13\n")
    assert f.passwd_users(0) == frozenset({"root", "nonroot", "nobody"})
    assert facts("FROM debian:12\n").passwd_users(0) is None


def test_cfg_predicates_are_read_with_a_depth_bound() -> None:
    """``[target.'cfg(...)']`` tables in a repository's .cargo/config: evaluated for a
    target, unknown keys unknown, and a hostile nesting depth gives "unknown", not a
    RecursionError."""
    from docklint.facts.targets import _cfg
    musl = "x86_64-unknown-linux-musl"
    assert _cfg('cfg(all(target_os = "linux", not(target_env = "gnu")))', musl) is True
    assert _cfg('cfg(target_env = "gnu")', musl) is False
    assert _cfg('cfg(target_feature = "crt-static")', musl) is None
    assert _cfg("cfg(" + "not(" * 20 + "unix" + ")" * 21, musl) is True
    assert _cfg("cfg(" + "not(" * 5000 + "unix" + ")" * 5001, musl) is None
