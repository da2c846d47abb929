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

from docklint.packages import unpinned
from docklint.rule import Finding, Severity, rule


@rule("DK423", "go-install-unpinned", Severity.WARNING, tags={"reproducibility", "packages"},
      aliases=("DL3062",),
      group_message="{count} Go modules are fetched at a moving version: {labels}; write "
                    "`module@<version>` for each")
def check(df, options):
    for use, pkg in unpinned(df, "go"):
        if pkg.why:
            msg = f"`go {use.pc.action} {pkg.text}`: {pkg.why}; write `{pkg.name}@<version>`"
        else:
            msg = f"`go {use.pc.action} {pkg.text}` asks for the newest version; write " \
                  f"`{pkg.name}@<version>`"
        yield Finding(use.word_span(pkg.word), msg, label=pkg.text)
