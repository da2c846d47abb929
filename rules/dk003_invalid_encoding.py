"""Bytes that are not valid UTF-8 text.

## What it does
Reports the first byte that is not valid UTF-8 and any NUL byte in the file. docklint decodes
the file anyway (an invalid byte becomes U+FFFD) and lints the rest.

## Why is this bad?
BuildKit reads a Dockerfile as UTF-8. An invalid byte usually means the file was saved in a legacy
encoding (Latin-1, Windows-1252) and a label, path or command now carries a different value
than the author typed; a NUL byte usually means a corrupted or binary file.

## Example
This file, saved as Latin-1 (the `é` becomes the single byte `0xE9`):
```dockerfile
FROM alpine:3.20
LABEL maintainer="José"
```

## Use instead
The same file saved as UTF-8:
```dockerfile
FROM alpine:3.20
LABEL maintainer="José"
```
"""

from __future__ import annotations

from docklint.rule import Finding, Severity, rule
from docklint.source import Span


@rule("DK003", "invalid-encoding", Severity.WARNING, tags={"syntax"},
      needs="encoding-problems")
def check(df, options):
    for offset, message in df.encoding_problems:
        yield Finding(Span(offset, min(offset + 1, len(df.source.text))), message)
