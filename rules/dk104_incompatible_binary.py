"""A program copied into an image whose C library it cannot use.

## What it does
Follows the program the final image runs back to the stage that built it and compares how it was
linked with the libc of the final base:
- a dynamically linked glibc program (a Go build without `CGO_ENABLED=0` on a glibc image, a
  Rust build for a `-gnu` target, `gcc`/`g++` without `-static`) copied onto scratch, a
  distroless static image or alpine (musl);
- a program linked against musl (built with cgo on alpine, with `musl-gcc` or an
  `x86_64-linux-musl-gcc` cross compiler, or a Rust musl build with `-C target-feature=-crt-static`)
  copied onto scratch or a glibc image;
- a Rust or C++ program (which needs `libgcc_s`/`libstdc++`) on `distroless/base` or `static`.

What a build targets is read from its command line as the shell will run it, with ARG and ENV
values expanded (`cargo build --target "${ARCH}"` with `ARG ARCH=x86_64-unknown-linux-musl`):
`--target` of cargo, `cross`, `cargo zigbuild` and rustc, `CARGO_BUILD_TARGET`, a
`.cargo/config.toml` the build writes or copies from the context, clang `--target=`/`-target`,
cross compilers named for their target (`aarch64-linux-gnu-gcc`, `musl-gcc`,
`x86_64-w64-mingw32-gcc`), `zig cc -target`, Go's `GOOS`/`GOARCH`, `tinygo -target`, `emcc` and
`wasm-pack`. Static linking is read the same way: `CGO_ENABLED=0`, `-static` and `-static-pie`,
`-extldflags -static`, Rust's `-C target-feature=+crt-static` (in `RUSTFLAGS`, in `--config`,
in a `.cargo/config.toml`), and musl targets, which Rust and zig link statically. A WebAssembly
module, a program for another OS (Windows, macOS, Android) or for no OS is not checked; nor is a
build whose target or flags depend on a value docklint cannot resolve (an ARG without a value,
`$(...)`, a loop variable): it is never guessed at.

It is an error when the linking is certain and a warning when it is likely: a Go program built
with cgo on is dynamic only when it uses cgo-backed packages (`net`, `net/http`, `os/user`,
`import "C"`), so docklint fires for Go only when the build shows that: the source (written by
the build or copied from the context) imports one, or the image EXPOSEs a port (a network
server); a Go build for a `GOARCH` other than amd64 is left alone (cross-compiling turns cgo
off). A cargo
build that copies in a build context docklint cannot read (none on disk, or not the Cargo
project) may get another target or `+crt-static` from its `.cargo/config.toml`: a warning that
says so. The message says how the binary was built and how to fix it. The binary is followed
through the COPY that puts it where the image runs it back to the command that wrote it; a
binary docklint cannot trace (built by a script, say) is left alone.

## Why is this bad?
The dynamic loader the binary asks for does not exist in the final image, so the kernel refuses
to run it with the famously misleading `exec /app: no such file or directory` — the file is
there, its interpreter (`/lib64/ld-linux-x86-64.so.2`) is not.

## Example
```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM scratch
COPY --from=build /out/app /app
EXPOSE 8080
ENTRYPOINT ["/app"]
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM scratch
COPY --from=build /out/app /app
EXPOSE 8080
ENTRYPOINT ["/app"]
```
"""

from __future__ import annotations

from docklint.facts import facts_of
from docklint.rule import Finding, Related, Severity, rule

_NO_LIBGCC = ("distroless-static", "distroless-base", "distroless-base-nossl",
              "chainguard-static")


def _verdict(kind: str, libc: str | None, family: str, what: str) -> str | None:
    """Why a binary of ``kind`` cannot run on a base with ``libc``, or None."""
    if kind == "glibc" and libc == "none":
        return f"links against glibc, which the final image ({what}) does not have"
    if kind == "glibc" and libc == "musl":
        return f"links against glibc, but the final image ({what}) has musl"
    if kind == "cc" and libc in ("none", "musl"):
        return (f"links against glibc and libgcc/libstdc++, which the final image ({what}) "
                "does not have")
    if kind == "cc" and family in _NO_LIBGCC:
        return f"needs libgcc_s and libstdc++, which the final image ({what}) lacks"
    if kind == "musl" and libc == "none":
        return f"links against musl, which the final image ({what}) does not have"
    if kind == "musl" and libc == "glibc":
        return f"links against musl, but the final image ({what}) has glibc"
    return None


def _fix(info) -> str:
    if info.tool == "go":
        return "build with CGO_ENABLED=0 (or use gcr.io/distroless/base-debian13)"
    if info.tool in ("cargo", "rustc") and info.kind == "musl":
        return ("drop -C target-feature=-crt-static (musl targets link statically by "
                "default), or use an alpine base")
    if info.tool in ("cargo", "rustc"):
        return ("build for a musl target (--target x86_64-unknown-linux-musl) or with "
                "-C target-feature=+crt-static, or use gcr.io/distroless/cc-debian13")
    return "link with -static, or use a base with the same libc (gcr.io/distroless/cc-debian13)"


@rule("DK104", "incompatible-binary", Severity.ERROR, tags={"runtime"})
def check(df, options):
    target = df.target
    if target is None:
        return
    facts = facts_of(df)
    runtime = facts.runtime(target.index)
    info = runtime.build
    base = facts.base_facts(target.index)
    if info is None or runtime.builder is None or base is None or base.libc is None:
        return
    root = df.graph.root_base(target.index)
    what = "scratch" if root.kind == "scratch" else root.text
    why = _verdict(info.kind, base.libc, base.family, what)
    if why is None:
        return
    copy = runtime.copy or next((ins for ins, stage, _s, _d in facts.copies_from(target.index)
                                 if stage == runtime.builder), None)
    if copy is None:
        return
    related = [Related(info.span, f"built here: {info.how}")]
    likely = because = ""
    if not info.certain:
        likely = "likely "
        if info.tool in ("go", "go install"):
            # a Go build is dynamic only when the program uses cgo-backed packages: say why
            # we think so
            evidence = facts.cgo_evidence(target.index)
            if not evidence:
                return
            ev = evidence[0]
            if ev.text.startswith("EXPOSE "):
                because = (f" (cgo is on, and it EXPOSEs {ev.text[7:]} at line {ev.line}, so "
                           "it uses the net package)")
            else:
                because = f" (cgo is on, and its source imports {ev.text} at line {ev.line})"
            related += [Related(e.span, f"uses the net package: {e.text}")
                        for e in evidence[:3]]
        elif info.caveat:
            because = f" ({info.caveat})"
        else:
            return
    message = (f"the program copied here ({info.how}) {likely}{why}{because}: it fails with "
               f"`exec ...: no such file or directory`; {_fix(info)}")
    yield Finding(copy.span, message, related=tuple(related),
                  severity=None if info.certain else Severity.WARNING)
