"""A `go install`, `go get` or `go run` fetches a module at a moving version.

## What it does
Fires on a module path given to `go install` or `go run` with a version query that moves:
`@latest`, `@upgrade`, `@patch`, or a branch name (`@master`, `@main`, `@HEAD`...); and on
`go get` of a module path without any version (which asks for the newest one) or with such a
query. A version (`@v1.2.3`, `@v0.0.0-20240101000000-abcdef123456`) or a commit hash pins it.
One finding per instruction names every such package and points at the first, the others being
related locations (each at its exact position), in multi-line RUNs, `sh -c '...'` strings, heredoc
scripts and `ONBUILD RUN` triggers. For `go run`, only the first argument is a package; the
rest belong to the program.

`go install`/`go run` of a module path without `@` is reported where no module can be in play:
nothing was copied into the image (no `COPY`/`ADD` in the stage or the stages it is built on,
no bind mount on the RUN), nothing fetched or unpacked source before it (`git clone`,
`go mod init`, `go get`, `tar`, `unzip`, a `cd`), on a base image docklint knows (an official
image such as `golang`, which holds no project); not in `ONBUILD RUN` triggers, whose image is
not known. There, Go 1.16 and later refuse the command
(`go: 'go install' requires a version when current directory is not in a module`) and older Go
fetches the newest version. Inside a module (the project's sources copied in), such a path
builds the version the main module's `go.mod` requires, which is pinned: not reported.

Not reported: local packages and patterns (`.`, `./cmd/...`, `all`), `.go` files, words built
from variables, `@none` (which removes a requirement), and `go install`/`go run` of a path
without `@` where a module may be in play (see above).
Nor is the GOPATH-era idiom that pins with git: `go get example.com/tool || true` followed, in
the same stage, by a `git checkout` (or `git reset`) in the module's source directory
(`cd $GOPATH/src/example.com/tool && git checkout "$VERSION"`, a `WORKDIR` there, or
`git -C <dir>`): `go get` only fetches, the checkout picks the version.

For `go get` the message suggests `go get module@<version>`; to install a tool with Go 1.16 or
later, where `go get` no longer builds binaries, that is `go install module@<version>`.

## Why is this bad?
A moving version resolves to whatever is newest on the day of the build, so rebuilding the same
Dockerfile can give a different tool or program, and a new release can break the build.

## Differences from hadolint
hadolint's DL3062 reports every `go install example.com/cmd` without `@`, and `@none`; docklint
reports a path without `@` only where no `go.mod` can pin it (see above): after `COPY . .` it is
usually the project's own command, built at the version of its sources. `@none` removes a
requirement and installs nothing. hadolint also reports the GOPATH-era `go get example.com/tool`
pinned by a later `git checkout` in its source directory, paths whose first element has no dot
(`go install app/server`: a package of the GOPATH, not a module to download), and `go run
build.go`; docklint does not.

## Example
```dockerfile
FROM golang:1.23
RUN go install golang.org/x/tools/gopls@latest
```

## Use instead
```dockerfile
FROM golang:1.23
RUN go install golang.org/x/tools/gopls@v0.16.2
```
"""

from __future__ import annotations

import posixpath
import re

from docklint.lazyre import lazy
from docklint.checks import build_time_value
from docklint.facts import facts_of
from docklint.packages import command_words, earlier_search, unpinned, uses
from docklint.rule import Finding, Severity, rule

_PINNING_GIT = ("checkout", "reset", "switch")


def _git_dir(cmd, cwd: str) -> str | None:
    """The repository directory of a ``git checkout/reset/switch`` command (``-C dir``
    applied to ``cwd``); None when ``cmd`` is not one."""
    if cmd.name != "git":
        return None
    args = [a.value for a in cmd.args]
    where = cwd
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] == "-C" and i + 1 < len(args):
            where = posixpath.join(where, args[i + 1])
            i += 2
            continue
        i += 2 if args[i] == "-c" else 1
    if i >= len(args) or args[i] not in _PINNING_GIT:
        return None
    return posixpath.normpath(where)



def _checked_out(df, use, path: str) -> bool:
    """Whether a ``git checkout`` (``reset``, ``switch``) in the source directory of ``path``
    (``.../src/<path>``) runs after the ``go get`` of ``use`` in its stage: the GOPATH idiom
    that pins a fetched module by git. The directory is that of a ``cd`` earlier in the same
    RUN, of ``git -C``, or the WORKDIR; a variable in it counts as any directory."""
    facts = facts_of(df)
    stage = use.stage
    started = False
    for ins in stage.instructions:
        if ins is use.instruction:
            started = True
        if not started or ins.keyword != "RUN":
            continue
        script = facts.script(ins)
        if script is None:
            continue
        cwd = facts.workdir(stage, ins)
        for cmd in sorted(script.commands, key=lambda c: c.start):
            if ins is use.instruction and cmd.start < use.command.end:
                continue
            if cmd.name == "cd" and cmd.depth == 0 and cmd.positional():
                target = build_time_value(df, stage, ins, cmd.positional()[0])
                cwd = posixpath.join(cwd, target) if target else "/?"
                continue
            where = _git_dir(cmd, cwd)
            if where is not None and _source_of(where, path):
                return True
    return False


def _source_of(where: str, path: str) -> bool:
    """Whether directory ``where`` holds the source of Go package ``path``: ``.../src/<repo>``
    where the package is the repository or inside it (a directory docklint cannot resolve
    counts)."""
    if "/?" in where:
        return True
    path = path.removesuffix("/...")
    if "/src/" not in where + "/":
        return False
    repo = (where + "/").split("/src/", 1)[1].rstrip("/")
    return bool(repo) and (path == repo or path.startswith(repo + "/"))


# what may bring a module's sources (and its go.mod) into the image before the command
_SOURCES = lazy(r"\b(?:git\s+clone|go\s+mod\s+init|go\s+get|go\.mod|tar|unzip|cd|"
                      r"svn|hg|bzr|wget|curl)\b")


def _bare_paths(use):
    """The module paths that ``go install``/``go run`` names without ``@``."""
    pc = use.pc
    if pc.action not in ("install", "run") or pc.simulates:
        return
    for w in pc.operands:
        v = w.value
        if not v or "@" in v or "$" in w.raw or "`" in w.raw or v.startswith((".", "/", "~", "-")) or \
                v.endswith(".go") or "." not in v.split("/", 1)[0] or "/" not in v:
            continue
        yield w


def _outside_module(df, use) -> bool:
    """Whether no module can be in play for ``use``: a known base image, nothing copied in
    (COPY/ADD in the chain, a bind mount on the RUN), and no earlier command that fetches or
    unpacks sources or changes directory."""
    root = df.graph.root_base(use.stage.index)
    if root is None or root.kind != "image" or root.image is None or \
            df.image_facts(root.image) is None:
        return False
    for st in df.graph.chain(use.stage.index):
        for ins in st.instructions:
            if st is use.stage and ins is use.instruction:
                break
            if ins.effective.keyword in ("COPY", "ADD", "ONBUILD"):
                return False
    for flag in use.instruction.effective.flags:
        if flag.name == "mount" and not re.search(r"(?:^|,)type=(?:cache|tmpfs|secret|ssh)\b",
                                                  flag.value or ""):
            return False
    return not earlier_search(df, use, _SOURCES)


@rule("DK423", "go-install-unpinned", Severity.WARNING, tags={"reproducibility", "packages"},
      aliases=("DL3062",),
      group_message="{count} Go modules are fetched at a moving version: {labels}; write "
                    "`module@<version>` for each", triggers=("RUN",),
      words=command_words("go"))
def check(df, options):
    for use, pkg in unpinned(df, "go"):
        action = use.pc.action
        if action == "get" and not pkg.version and _checked_out(df, use, pkg.name):
            continue
        if pkg.why:
            msg = f"`go {action} {pkg.text}`: {pkg.why}; write `{pkg.name}@<version>`"
        else:
            msg = f"`go {action} {pkg.text}` asks for the newest version; write " \
                  f"`{pkg.name}@<version>`"
        if action == "get":
            msg += f" (to install a tool with Go 1.16 or later: `go install " \
                   f"{pkg.name}@<version>`)"
        yield Finding(use.word_span(pkg.word), msg, label=pkg.text)
    for use in uses(df, "go"):
        if use.onbuild:
            continue            # the child image's sources are unknown
        words = list(_bare_paths(use))
        if not words or not _outside_module(df, use):
            continue
        for w in words:
            yield Finding(use.word_span(w),
                          f"`go {use.pc.action} {w.value}` names no version: outside a module, "
                          f"Go 1.16 and later refuse it and older Go fetches the newest; write "
                          f"`{w.value}@<version>`", label=w.value)
