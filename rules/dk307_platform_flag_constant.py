"""`FROM --platform=` is set to a fixed platform.

## What it does
Fires on a `FROM --platform=<value>` whose value uses no variable at all and reads as a platform
(`linux/amd64`, `linux/arm64/v8`, `arm64`, `windows`...). It stays quiet when the value uses any
variable (`$BUILDPLATFORM`, `$TARGETOS/$TARGETARCH`, your own `ARG`), when the value is not a
platform (the build itself rejects that), and when the stage name contains the platform's
operating system or architecture (`AS build-arm64`, `AS linux-tools`): such a stage is one of a
set written per platform on purpose. docklint also stays quiet where the Dockerfile's path
names the architecture (`ubuntu22.04-arm32v7/Dockerfile`, `Dockerfile.arm64`: a file written
for one architecture) and for an operating system other than Linux (`wasi/wasm`,
`windows/amd64`, `darwin/arm64`), which no build gets by default, so the value cannot be a
default someone forgot to make variable. Platform names are normalised first, as the builder does
(`x86_64` is `amd64`, `aarch64` is `arm64`), so `--platform=linux/x86_64` needs `amd64` (or
`linux`) in the stage name. Every stage is checked, reachable or not.

Under ONBUILD: nothing to check, since only `FROM` takes this flag here and BuildKit refuses
`ONBUILD FROM` (DK000).

## Why is this bad?
A fixed platform pins the stage to one architecture whatever the build asks for: on an arm64
machine, or in a multi-platform build, `FROM --platform=linux/amd64` still pulls and runs the
amd64 image (under emulation, slowly, or not at all), and the image produced for arm64 silently
contains amd64 binaries. Builders that cross-compile want `--platform=$BUILDPLATFORM`; final
stages want no flag at all.

## Differences from hadolint
hadolint's DL3029 fires whenever the value mentions neither `BUILDPLATFORM` nor
`TARGETPLATFORM`: it also flags `--platform=$TARGETOS/$TARGETARCH` and `--platform=$MYARG`
(variables the build sets), and it has none of the exceptions above (stage name, path, an
operating system other than Linux). On real files most of the difference is per-architecture
Dockerfiles (`ubuntu22.04-arm32v7/Dockerfile` with `FROM --platform=linux/arm/v7 ... AS
installer-env`), which hadolint reports and docklint does not.

## Differences from BuildKit
Same condition as BuildKit's FromPlatformFlagConstDisallowed (a value without variables that
parses as a platform, unless the stage name contains its OS or architecture), plus two
exceptions of docklint's own: a Dockerfile whose path names the architecture (BuildKit does
not look at the path, so it does report the per-architecture files above, whose stage names
such as `installer-env` name no architecture) and an operating system other than Linux. For a
value that names only an operating system (`--platform=linux`), BuildKit also accepts a stage
name containing the architecture of the machine running the build, which a linter cannot know;
docklint checks the operating system only.

## Example
```dockerfile
FROM --platform=linux/amd64 golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian13
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
```

## Use instead
```dockerfile
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .

FROM gcr.io/distroless/static-debian13
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
```
"""

from __future__ import annotations

import re

from docklint.lazyre import lazy
from docklint.projects import project_path
from docklint.rule import Finding, Severity, rule
from docklint.variables import references

# containerd's platforms package: what it accepts and how it normalises
_KNOWN_OS = frozenset("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd "
                      "openbsd plan9 solaris wasip1 windows zos".split())
_KNOWN_ARCH = frozenset("386 amd64 amd64p32 arm armbe arm64 arm64be ppc64 ppc64le loong64 mips "
                        "mipsle mips64 mips64le mips64p32 mips64p32le ppc riscv riscv64 s390 "
                        "s390x sparc sparc64 wasm".split())
_COMPONENT = lazy(r"^[A-Za-z0-9_-]+$")


@rule("DK307", "platform-flag-constant", Severity.WARNING, tags={"portability"},
      aliases=("FromPlatformFlagConstDisallowed", "DL3029"),
      words=("--platform",))
def check(df, options):
    for stage in df.stages:
        flag = stage.platform_flag
        if flag is None or not flag.value or references(flag.value, df.escape):
            continue
        value = df.expand(flag.value, {}).value
        platform = parse_platform(value or "")
        if platform is None:
            continue
        os_name, arch = platform
        name = stage.name or ""
        if os_name in name or (arch is not None and arch in name):
            continue
        if os_name != "linux":
            continue      # wasi/wasm, windows, darwin: no build targets them by default
        if _in_path(df.path, arch):
            continue      # a Dockerfile written for one architecture, as its path says
        yield Finding(flag.span, f"`--platform={value}` is a constant: the stage uses the "
                                 f"{value} variant of its base whatever platform the build "
                                 f"targets; use `--platform=$BUILDPLATFORM` for a stage that "
                                 f"cross-compiles, or drop the flag")


# the spellings of an architecture that name a per-architecture directory or file
_ARCH_SPELLINGS = {"amd64": ("amd64", "x86_64", "x86-64", "x64"),
                   "arm64": ("arm64", "aarch64", "armv8", "arm64v8"),
                   "arm": ("arm32", "armv7", "armv6", "armv5", "armhf", "armel", "arm32v"),
                   "386": ("i386", "i686", "x86"),
                   "ppc64le": ("ppc64le",), "s390x": ("s390x",), "riscv64": ("riscv64",)}


def _in_path(path: str | None, arch: str | None) -> bool:
    """Whether a directory or the name of the file names the architecture (`.../arm32v7/...`,
    `Dockerfile.arm64`): a file written for that architecture alone."""
    if not path or arch is None:
        return False
    spellings = _ARCH_SPELLINGS.get(arch, (arch,))
    low = project_path(path).lower()
    if any(sp in low for sp in spellings if not sp.isalnum()):
        return True           # x86_64, x86-64: split below
    parts = [p for p in re.split(r"[/\\._-]+", low) if p]
    return any(p == sp or (p.startswith(sp) and not p[len(sp):].isalpha())
               for p in parts for sp in spellings)


def parse_platform(text: str) -> tuple[str, str | None] | None:
    """(os, architecture) of a platform specifier, normalised the way containerd's
    ``platforms.Parse`` does; None when it would reject it. The architecture is None for an
    OS-only specifier (containerd fills in the build machine's)."""
    if "*" in text:
        return None
    text = re.sub(r"\([^)]*\)", "", text, count=1)   # an OS version: windows(10.0.17763)/amd64
    parts = text.split("/")
    if not all(_COMPONENT.match(p) for p in parts):
        return None
    if len(parts) == 1:
        os_name = _normalize_os(parts[0])
        if os_name in _KNOWN_OS:
            return os_name, None
        arch = _normalize_arch(parts[0])
        return ("linux", arch) if arch in _KNOWN_ARCH else None
    if len(parts) in (2, 3):
        return _normalize_os(parts[0]), _normalize_arch(parts[1])
    return None


def _normalize_os(name: str) -> str:
    name = name.lower()
    return "darwin" if name == "macos" else name


def _normalize_arch(arch: str) -> str:
    arch = arch.lower()
    return {"i386": "386", "x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64",
            "armhf": "arm", "armel": "arm"}.get(arch, arch)
