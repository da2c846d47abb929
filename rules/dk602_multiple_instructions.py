"""A CMD, ENTRYPOINT or HEALTHCHECK that a later one in the same stage overrides.

## What it does
Fires on every `CMD`, `ENTRYPOINT` and `HEALTHCHECK` (`HEALTHCHECK NONE` included) that is
followed by another instruction of the same kind in the same stage. The earlier, overridden
instruction is reported, and the later one is shown as related. A stage that sets them again
after its base stage did (`FROM base` then a new `CMD`) is fine: that is what overriding is for.

This is BuildKit's MultipleInstructionsDisallowed check, which also reports the earlier
instruction. hadolint's DL4003 (CMD), DL4004 (ENTRYPOINT) and DL3012 (HEALTHCHECK) report the
later one instead: docklint points at the one that has no effect. A `# hadolint ignore=DL4003`
written above the later `CMD` therefore no longer covers the finding; move it above the earlier
one.

The severity is warning, as in BuildKit, for all three; hadolint has DL4004 and DL3012 as
errors and DL4003 as a warning. The build succeeds and the image does what the last instruction
says: the problem is an instruction that does nothing and misleads whoever reads it, not a
broken image.

## Why is this bad?
Only the last `CMD`, `ENTRYPOINT` and `HEALTHCHECK` of a stage end up in the image. An earlier
one is dead code: usually a leftover from an edit, sometimes a sign that the author expected
both to run.

## Example
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY . .
CMD ["npm", "run", "migrate"]
CMD ["node", "server.js"]
```

## Use instead
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
```

## Fix safety
The fix deletes the overridden instruction. Since it has no effect on the image, the fix is
safe.
"""

from __future__ import annotations

from docklint.checks import has_parse_error
from docklint.rule import Edit, Finding, Fix, Related, Severity, rule
from docklint.source import Span

KEYWORDS = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


def _whole_lines(df, ins) -> Span:
    source = df.source
    start = source.line_start(ins.line)
    end = source.line_start(ins.end_line + 1) if ins.end_line < source.line_count \
        else len(source.text)
    return Span(start, end)


@rule("DK602", "multiple-instructions", Severity.WARNING, tags={"runtime"},
      aliases=("DL3012", "DL4003", "DL4004", "MultipleInstructionsDisallowed"),
      fixable="always")
def check(df, options):
    for stage in df.stages:
        last: dict[str, object] = {}
        for ins in reversed(stage.instructions):
            kw = ins.keyword
            if kw not in KEYWORDS:
                continue
            later = last.get(kw)
            last[kw] = ins
            if later is None or has_parse_error(df, ins) or has_parse_error(df, later):
                continue
            fix = Fix(f"Delete the overridden {kw}", (Edit(_whole_lines(df, ins), ""),))
            yield Finding(ins.span, f"this {kw} has no effect: the {kw} on line {later.line} "
                                    f"overrides it (a stage keeps only its last {kw})",
                          fix=fix, related=(Related(later.span, f"the {kw} that takes "
                                                                "effect"),))
