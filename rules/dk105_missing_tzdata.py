"""The program uses time zones but the image has no time-zone database.

## What it does
Fires when the final image has no zoneinfo (scratch, alpine without the `tzdata` package, and
other bases the data marks as lacking it) while the build shows time-zone use: `ENV TZ=` naming
a zone of the time-zone database (`Europe/Paris`, `Japan`; not UTC under any of its names, not
a POSIX TZ string such as `EST5EDT` or `CST-8`, which carries its own offset and rules, not a
path such as `:/etc/localtime`), or source code that loads zones (Go `time.LoadLocation`, Python
`zoneinfo.ZoneInfo`, `dateutil.tz.gettz`, Ruby `TZInfo::Timezone.get`) in files the build writes
or copies in from the context. It stays quiet when something provides the database: a COPY of
`/usr/share/zoneinfo`, installing `tzdata` (or Python's `tzdata` or `pytz` package), a Go
build with `-tags timetzdata` or a program that imports `time/tzdata`, `ZONEINFO` pointing at
one, or a runtime that brings its own: Node.js (built with full ICU) and the JVM.

Under ONBUILD: triggers (`ONBUILD ENV TZ=...`, an `ONBUILD COPY` of source code) are not read,
because they act in the builds FROM this image, whose final image this file does not describe.

## Why is this bad?
Without zoneinfo, `time.LoadLocation("Europe/Paris")` returns `unknown time zone`, Python raises
`ZoneInfoNotFoundError`, and `TZ=Europe/Paris` silently falls back to UTC: timestamps shift by
hours in production while every test (run on a full OS) passes.

## Example
```dockerfile
FROM golang:1.22-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM scratch
COPY --from=build /out/app /app
ENV TZ=Europe/Paris
ENTRYPOINT ["/app"]
```

## Use instead
```dockerfile
FROM golang:1.22-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -tags timetzdata -o /out/app .

FROM scratch
COPY --from=build /out/app /app
ENV TZ=Europe/Paris
ENTRYPOINT ["/app"]
```
"""

from __future__ import annotations

from docklint.facts import facts_of
from docklint.rule import Finding, Related, Severity, rule


@rule("DK105", "missing-tzdata", Severity.WARNING, tags={"runtime"})
def check(df, options):
    target = df.target
    if target is None:
        return
    facts = facts_of(df)
    base = facts.base_facts(target.index)
    if base is None or base.has_tzdata is not False:
        return
    evidence = facts.tz_evidence(target.index)
    if not evidence or facts.tz_sources(target.index):
        return
    what = facts.base_label(target.index)
    shown = ", ".join(e.describe() for e in evidence[:2])
    install = " or install tzdata" if base.has_shell else ""
    message = (f"the final image ({what}) has no time-zone database but the program uses time "
               f"zones: {shown}; copy /usr/share/zoneinfo from a stage that has it{install}, "
               "or embed it (Go: -tags timetzdata)")
    yield Finding(target.from_.span, message,
                  related=tuple(Related(e.span, f"time-zone use: {e.text}")
                                for e in evidence[:10]))
