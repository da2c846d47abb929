"""A stage name with upper-case letters.

## What it does
Fires when the name in `FROM image AS Name` is not all lower case. It points at the name. This
is BuildKit's StageNameCasing check (accepted as an alias), with the same trigger; a name that
is invalid however it is written (`AS 1st`) is a parse error (DK000), not this.

## Why is this bad?
BuildKit lower-cases stage names: `AS Build` defines the stage `build`, and `COPY --from=BUILD`,
`--from=build` and `--target build` all find it. Writing it in mixed case suggests a
distinction that does not exist, and a search for `Build` misses the places that spell it
`build`. BuildKit warns about it on every build.

## Example
```dockerfile
FROM golang:1.22 AS Build
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=Build /out/app /app
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
```

## Fix safety
The fix lower-cases the name where the stage is defined. References to it keep working, because
BuildKit matches stage names ignoring case, so the build is the same; references spelt in
another case are left as they are.
"""

from __future__ import annotations

import re

from docklint.rule import Edit, Finding, Fix, Severity, rule

_VALID = re.compile(r"[a-z][a-z0-9\-_.]*")


@rule("DK901", "stage-name-casing", Severity.WARNING, tags={"style"},
      aliases=("StageNameCasing",), fixable="always")
def check(df, options):
    for stage in df.stages:
        word = stage.name_word
        if word is None or word.value == word.value.lower() or \
                not _VALID.fullmatch(word.value.lower()):
            continue
        low = word.value.lower()
        yield Finding(word.span, f"stage name `{word.value}` should be lower case: BuildKit "
                                 f"calls the stage `{low}` anyway",
                      fix=Fix(f"Rename to `{low}`", (Edit(word.span, low),)))
