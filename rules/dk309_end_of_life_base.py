"""An image the build pulls has reached its end of life.

## What it does
Looks up every external image the build pulls (each `FROM` base, `COPY --from=<image>` and
`RUN --mount=...,from=<image>`, after build arguments are substituted) in docklint's base-image
data, and fires when the data records an end-of-life date for it that is today or earlier. The
message gives the date (unless the data only knows that the image was already end-of-life when
it was recorded) and who says so (the full provenance is in `linter/data/base_images.tsv`), and
names a supported successor when the data
has one: for a distroless image tied to a Debian release, the same image on the newest Debian
release the data records as supported, keeping a tag such as `nonroot`
(`gcr.io/distroless/static-debian11` -> `gcr.io/distroless/static-debian13`).

What the data records today: the distroless images built on Debian 11 (already end-of-life) and
on Debian 12 (support ended in September 2026), per distroless' support policy, and CentOS Linux
(its last release, 7, ended on 2024-06-30). An image the data does not know, or knows without an
end-of-life date, is never reported: docklint does not guess. Without `--target` every stage
is checked; with `--target`, only the stages its build reaches. No peer linter has this check.

Under ONBUILD: `ONBUILD FROM` is refused (DK000), but the images an `ONBUILD COPY --from=` or
`ONBUILD RUN --mount=...,from=` trigger pulls are checked (the finding points inside the
trigger): where a stage of this file is built `FROM` the trigger's stage, as that stage's build
reads the reference (once, however many stages run it); where only other builds run it, only a
reference that must be an image (it has a `/`, `:` or `@`) and uses no variable.

## Why is this bad?
An end-of-life image gets no more security updates: every vulnerability found after that date
stays in your image for good, and scanners will keep reporting it. Registries also tend to stop
publishing, and sometimes delete, end-of-life tags, so the build can break without warning.

## Example
```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian11
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian13
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
```
"""

from __future__ import annotations


from docklint.lazyre import lazy
from docklint import images
from docklint.facts.pulls import all_pulls
from docklint.rule import Finding, Severity, rule

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from datetime import date


_SOURCE = lazy(r"^(?P<who>[^:]+?)(?::(?P<doc>[^@:\s]+))?(?:@\w+)?:\s")


def _who(source: str | None) -> str:
    """Who says so, in a few words: `distroless SUPPORT_POLICY.md`, `CentOS project`."""
    m = _SOURCE.match(source or "")
    if m is None:
        return "docklint's base-image data"
    who = m.group("who").rsplit("/", 1)[-1]
    return f"{who} {m.group('doc')}" if m.group("doc") else who


def today() -> date | None:
    """The date end-of-life is judged against; None: the current local date (a function, so
    that tests can replace it)."""
    return None


@rule("DK309", "end-of-life-base", Severity.WARNING, tags={"security"})
def check(df, options):
    now = today()
    for pull in all_pulls(df):
        facts = df.image_facts(pull.image)
        if facts is None or not images.is_eol(facts, now):
            continue
        name = pull.image.raw
        when = "" if "upper bound" in (facts.eol_source or "") else f" since {facts.eol}"
        message = (f"{pull.what} `{name}` is end-of-life{when} ({_who(facts.eol_source)}), "
                   f"so it gets no security updates")
        successor = images.successor(pull.image, now)
        if successor:
            message += f"; move to its supported successor `{successor}`"
        yield Finding(pull.span, message)
