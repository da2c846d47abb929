"""MAINTAINER is deprecated.

## What it does
Fires on every `MAINTAINER` instruction.

Under ONBUILD: nothing to add, since BuildKit refuses `ONBUILD MAINTAINER` outright (the file
does not build) and DK000 reports it as that error.

## Differences from hadolint
Same trigger as hadolint's DL4000: every `MAINTAINER`. hadolint has it as an error, docklint
as a warning (the build works). An `ONBUILD MAINTAINER` is hadolint's DL3043 and DK000 here.
docklint adds a fix where the value can become a label.

## Differences from BuildKit
Same trigger as BuildKit's MaintainerDeprecated: every `MAINTAINER`, with the same severity.
docklint adds a fix where the value can become a label.

## Why is this bad?
`MAINTAINER` has been deprecated since Docker 1.13. It fills the image's `Author` field, which
few tools read, while the rest of the metadata lives in labels. The OCI annotation
`org.opencontainers.image.authors` is where registries and scanners look for who maintains an
image.

## Example
```dockerfile
FROM debian:12-slim
MAINTAINER Jane Doe <jane@example.com>
```

## Use instead
```dockerfile
FROM debian:12-slim
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
```

## Fix safety
The fix replaces the instruction with `LABEL org.opencontainers.image.authors="..."`, keeping
the text. The image's `Author` field is no longer set, which a tool reading it would notice, so
the fix is unsafe.
"""

from __future__ import annotations

from docklint.rule import Edit, Finding, Fix, Severity, rule

KEY = "org.opencontainers.image.authors"


def _quoted(text: str, escape: str) -> str:
    out = []
    for ch in text:
        if ch in ('"', "$", escape):
            out.append(escape)
        out.append(ch)
    return '"' + "".join(out) + '"'


@rule("DK620", "maintainer-deprecated", Severity.WARNING, tags={"style"},
      aliases=("DL4000", "MaintainerDeprecated"), fixable="sometimes", triggers=("MAINTAINER",))
def check(df, options):
    for ins in df.instructions:
        if ins.keyword != "MAINTAINER":
            continue
        text = ins.args[0].value.strip() if ins.args else ""
        fix = None
        if text and "\n" not in text:
            label = "label" if ins.written.islower() else "LABEL"
            fix = Fix(f"Replace with LABEL {KEY}",
                      (Edit(ins.span, f"{label} {KEY}={_quoted(text, df.escape)}"),),
                      safe=False)
        yield Finding(ins.span, "MAINTAINER is deprecated: record the maintainer with "
                                f"`LABEL {KEY}=\"...\"`", fix=fix)
