"""A program copied into an image whose C library it cannot use.

## What it does
Follows the program the final image runs back to the stage that built it, works out what it
needs at run time from how it was linked, and checks that the final image has it:
- a dynamically linked glibc program (a Go build without `CGO_ENABLED=0` on a glibc image, a
  Rust build for a `-gnu` target, `gcc`/`g++` without `-static`) needs the glibc loader and
  libc: scratch, a distroless static image and alpine (musl) have neither;
- a program linked against musl (built with cgo on alpine, with `musl-gcc` or an
  `x86_64-linux-musl-gcc` cross compiler, or a Rust musl build with
  `-C target-feature=-crt-static`) needs the musl loader: scratch and glibc images lack it;
- a Rust program also needs `libgcc_s`, and a C++ program `libgcc_s` and `libstdc++`, which
  `distroless/base` and `static` lack (`g++ -static-libstdc++ -static-libgcc` needs neither;
  `-static-libstdc++` alone still needs `libgcc_s`).

What the final image brings itself counts: a glibc compatibility package on alpine (`gcompat`,
`libc6-compat`), `libgcc`/`libstdc++`/`libgcc-s1`/`libstdc++6`/`musl` packages, and copied files
named like the loaders and libraries (`ld-linux-*.so*`, `libc.so.6`, `libgcc_s.so.1`,
`libstdc++.so.6`, `ld-musl-*.so.1`), wherever they land. A directory copied to `/` or into a
library directory (`/lib`, `/lib64`, `/usr/lib`, `/usr/local/lib`, one an `ENV LD_LIBRARY_PATH`
names), or a package list docklint cannot read, may bring the rest: then only a warning.

What a build targets is read from its command line as the shell will run it, with ARG and ENV
values expanded (`cargo build --target "${ARCH}"` with `ARG ARCH=x86_64-unknown-linux-musl`):
`--target` of cargo, `cross`, `cargo zigbuild` and rustc, `CARGO_BUILD_TARGET`, a
`.cargo/config.toml` the build writes or copies from the context (also to
`$CARGO_HOME/config.toml`, with `CARGO_HOME` from the ENV in scope or the image: the rust image
sets `/usr/local/cargo`), clang `--target=`/`-target`, cross compilers named for their target
(`aarch64-linux-gnu-gcc`, `musl-gcc`, `x86_64-w64-mingw32-gcc`), `zig cc -target`, Go's
`GOOS`/`GOARCH`, `tinygo -target`, `emcc` and `wasm-pack`. Static linking is read the same way:
`CGO_ENABLED=0`, `-static` and `-static-pie`, `-extldflags -static`, `-tags netgo,osusergo`
(also in `GOFLAGS`), Rust's `-C target-feature=+crt-static` and musl targets, which Rust and zig
link statically. Rust flags follow cargo's precedence: `RUSTFLAGS`, then the
`[target.<triple>]` and `[target.'cfg(...)']` tables and `CARGO_TARGET_<TRIPLE>_RUSTFLAGS` of
the target being built only (a build without `--target` is taken to run on x86_64, as docklint
assumes a linux/amd64 build), then `[build] rustflags`. A WebAssembly module, a program for
another OS (Windows, macOS, Android) or for no OS is not checked; nor is a build whose target or
flags depend on a value docklint cannot resolve (an ARG without a value, `$(...)`, a loop
variable): it is never guessed at.

It is an error when the linking is certain and a warning when it is likely: a Go program built
with cgo on is dynamic only when it uses cgo-backed packages (`net`, `net/http`, `os/user`,
`import "C"`), so docklint fires for Go only when the build shows that: the source (written by
the build or copied from the context) imports one, or the image EXPOSEs a port (a network
server); `-tags netgo` makes `net` pure Go and `-tags osusergo` does the same for `os/user`, so
those are then not evidence; a Go build for a `GOARCH` other than amd64 is left alone
(cross-compiling turns cgo off). A cargo build that copies in a build context docklint cannot
read (none on disk, or not the Cargo project), or a cargo configuration to a path it cannot
resolve, may get another target or `+crt-static` from it: a warning that says so. The message
says how the binary was built, what is missing and how to fix it. The binary is followed
through the COPY that puts it where the image runs it back to the command that wrote it; a
binary docklint cannot trace (built by a script or `make`, say) is left alone.

Under ONBUILD: triggers are not followed, because they run in the builds FROM this image, whose
final image and program this file does not describe.

## Why is this bad?
When the dynamic loader the binary asks for does not exist in the final image, the kernel
refuses to run it with the famously misleading `exec /app: no such file or directory`: the file
is there, its interpreter (`/lib64/ld-linux-x86-64.so.2`) is not. When the loader is there but a
library is not, the program stops at once with
`error while loading shared libraries: libgcc_s.so.1: cannot open shared object file`.

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
from docklint.facts.runtime import LIBRARY_FILES
from docklint.lazyre import lazy
from docklint.rule import Finding, Related, Severity, rule

_LOADERS = ("glibc-loader", "musl-loader")
_NAMES = {"glibc-loader": "the glibc loader", "libc": "glibc's libc.so.6",
          "libgcc_s": "libgcc_s", "libstdc++": "libstdc++", "musl-loader": "musl"}


def _needs(info) -> tuple[str, ...]:
    """What a program of ``info.kind`` needs from the image (keys of LIBRARY_FILES)."""
    if info.kind == "glibc":
        return ("glibc-loader", "libc")
    if info.kind == "cc":
        return ("glibc-loader", "libc") + tuple(info.libs)
    if info.kind == "musl":
        return ("musl-loader",)
    return ()


def _and(words) -> str:
    words = list(words)
    return " and ".join(words) if len(words) < 3 else \
        ", ".join(words[:-1]) + " and " + words[-1]


def _verdict(info, missing: list[str], libc: str | None, what: str) -> tuple[str, str]:
    """Why the program cannot run on the final image, and how it fails."""
    libs = [_NAMES[k] for k in missing if k not in _LOADERS and k != "libc"]
    rust = " (Rust's standard library links it)" if info.tool in ("cargo", "rustc") and \
        libs == ["libgcc_s"] else ""
    loader = next((k for k in missing if k in _LOADERS), None)
    if loader is not None:
        runtime = "glibc" if loader == "glibc-loader" else "musl"
        also = f" and needs {_and(libs)}" if libs else ""
        if libc in ("glibc", "musl") and libc != runtime:
            why = f"links against {runtime}{also}, but the final image ({what}) has {libc}"
        else:
            why = f"links against {runtime}{also}, which the final image ({what}) does not have"
        return why, "`exec ...: no such file or directory` (its loader is not there)"
    first = next(k for k in missing)
    names = [_NAMES[k] for k in missing]
    why = f"needs {_and(names)}{rust}, which the final image ({what}) lacks"
    return why, (f"`error while loading shared libraries: {LIBRARY_FILES[first]}: cannot open "
                 "shared object file`")


def _fix(info, missing: list[str]) -> str:
    if info.tool in ("go", "go install"):
        return "build with CGO_ENABLED=0 (or use gcr.io/distroless/base-debian13)"
    if info.tool in ("cargo", "rustc") and info.kind == "musl":
        return ("drop -C target-feature=-crt-static (musl targets link statically by "
                "default), or use an alpine base")
    if info.tool in ("cargo", "rustc"):
        return ("build for a musl target (--target x86_64-unknown-linux-musl) or with "
                "-C target-feature=+crt-static, or use gcr.io/distroless/cc-debian13")
    if info.kind == "musl":
        return "link with -static, or use an alpine base"
    if info.kind == "cc" and not any(k in _LOADERS or k == "libc" for k in missing):
        return ("link with -static-libstdc++ -static-libgcc (or -static), or use "
                "gcr.io/distroless/cc-debian13")
    if info.kind == "cc":
        return "link with -static, or use a base with the same libc (gcr.io/distroless/cc-debian13)"
    return "link with -static, or use a base with the same libc (gcr.io/distroless/base-debian13)"


# Go packages whose cgo versions a build tag replaces with pure Go
_TAG_REPLACES = {"netgo": lazy(r'^"net(?:/[\w/]+)?"$|^EXPOSE '),
                 "osusergo": lazy(r'^"os/user"$')}


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
    what = facts.base_label(target.index)
    copy = runtime.copy or next((ins for ins, stage, _s, _d in facts.copies_from(target.index)
                                 if stage == runtime.builder), None)
    if copy is None:
        return
    needs = _needs(info)
    libs = facts.libraries(target.index, copy)
    missing = [k for k in needs if k not in libs.have]
    if not missing:
        return
    why, failure = _verdict(info, missing, base.libc, what)
    related = [Related(info.span, f"built here: {info.how}")]
    likely = because = ""
    certain = info.certain
    if not info.certain:
        likely = "likely "
        if info.tool in ("go", "go install"):
            # a Go build is dynamic only when the program uses cgo-backed packages: say why
            # we think so (not the packages its build tags make pure Go: -tags netgo)
            evidence = [e for e in facts.cgo_evidence(target.index)
                        if not any(rx.search(e.text) for tag, rx in _TAG_REPLACES.items()
                                   if tag in info.tags)]
            if not evidence:
                return
            ev = evidence[0]
            if ev.text.startswith("EXPOSE "):
                because = (f" (cgo is on, and it EXPOSEs {ev.text[7:]} at line {ev.line}, so "
                           "it uses the net package)")
            else:
                because = f" (cgo is on, and its source imports {ev.text} at line {ev.line})"
            related += [Related(e.span, f"uses the net package: {e.text}" if
                                e.text.startswith("EXPOSE ") else f"uses cgo: {e.text}")
                        for e in evidence[:3]]
        elif info.caveat:
            because = f" ({info.caveat})"
        else:
            return
    if libs.maybe:
        certain = False
        likely = "likely "
        because += f" (unless {libs.maybe} brings {_and(_NAMES[k] for k in missing)})"
    elif libs.packaged and all(k not in _LOADERS and k != "libc" for k in missing):
        # a glibc compatibility package (gcompat) runs it; what else its dependencies bring
        # docklint does not know
        certain = False
        likely = "likely "
        because += (f" (unless the packages it installs for glibc compatibility bring "
                     f"{_and(_NAMES[k] for k in missing)})")
    message = (f"the program copied here ({info.how}) {likely}{why}{because}: it fails with "
               f"{failure}; {_fix(info, missing)}")
    yield Finding(copy.span, message, related=tuple(related),
                  severity=None if certain else Severity.WARNING)
