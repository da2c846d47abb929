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

Not reported: local packages and patterns (`.`, `./cmd/...`, `all`), `.go` files, words built
from variables, `@none` (which removes a requirement), and `go install`/`go run` of a path
without `@`: those build the version the main module's `go.mod` requires, which is pinned.
Nor is the GOPATH-era idiom that pins with git: `go get example.com/tool || true` followed, in
the same stage, by a `git checkout` (or `git reset`) in the module's source directory
(`cd $GOPATH/src/example.com/tool && git checkout "$VERSION"`, a `WORKDIR` there, or
`git -C <dir>`): `go get` only fetches, the checkout picks the version.

For `go get` the message suggests `go get module@<version>`; to install a tool with Go 1.16 or
later, where `go get` no longer builds binaries, that is `go install module@<version>`.

## Why is this bad?
A moving version resolves to whatever is newest on the day of the build, so rebuilding the same
Dockerfile can give a different tool or program, and a new release can break the build.

hadolint's DL3062 also reports `go install example.com/cmd` without `@`, which builds the version
pinned in `go.mod` (or fails outside a module), and `@none`; docklint does not.

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

from docklint.checks import build_time_value
from docklint.facts import facts_of
from docklint.packages import unpinned
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


@rule("DK423", "go-install-unpinned", Severity.WARNING, tags={"reproducibility", "packages"},
      aliases=("DL3062",),
      group_message="{count} Go modules are fetched at a moving version: {labels}; write "
                    "`module@<version>` for each")
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
