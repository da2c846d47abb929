"""Two stages have the same name.

## What it does
Fires at the name of every stage (`FROM image AS name`) whose name an earlier stage already
uses. Names are compared the way BuildKit compares them, ignoring case: `AS Build` and
`AS build` are the same name. The message gives the line of the first stage with that name.

BuildKit reports it as a build-check warning and builds the file anyway (it fails only with
`# check=error=true`), so this is a warning here too.

Under ONBUILD: nothing to check, since stage names are only given by `FROM` and BuildKit refuses
`ONBUILD FROM` (DK000).

## Why is this bad?
Every `FROM name`, `COPY --from=name` and `--target name` becomes ambiguous: it silently means
one of the stages while the author may have edited the other.

## Differences from hadolint
hadolint's DL3024 (an error there) compares names as written, so `AS build` and `AS Build` pass;
docklint compares them ignoring case, as BuildKit does, and reports a warning, as BuildKit does.

## Differences from BuildKit
Same trigger as BuildKit's DuplicateStageName (the later stage of each pair). BuildKit points
at the whole FROM line; docklint points at the name and gives the first stage as a related
location.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/api ./cmd/api

FROM node:22 AS Build
RUN npm ci && npm run build
```

## Use instead
```dockerfile
FROM golang:1.22 AS build-api
RUN go build -o /out/api ./cmd/api

FROM node:22 AS build-web
RUN npm ci && npm run build
```
"""

from __future__ import annotations

from docklint.rule import Finding, Related, Severity, rule


@rule("DK203", "duplicate-stage-name", Severity.WARNING, tags={"stages"},
      aliases=("DL3024", "DuplicateStageName"), needs="stage-names")
def check(df, options):
    for stage in df.stages:
        if not stage.name or stage.name_word is None:
            continue
        first = df.graph.stage_named(stage.name)
        if first is None or first.index == stage.index:
            continue
        written = first.name_word.value if first.name_word else first.name
        yield Finding(stage.name_word.span,
                      f"stage name `{stage.name_word.value}` is already used by the stage at "
                      f"line {first.from_.line} (`{written}`; names ignore case): give this "
                      f"stage another name",
                      related=(Related(first.name_word.span if first.name_word else
                                       first.from_.span, "first stage with this name"),))
