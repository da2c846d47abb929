"""A CMD, ENTRYPOINT or HEALTHCHECK that a later one in the same stage overrides.

## What it does
Fires on every `CMD`, `ENTRYPOINT` and `HEALTHCHECK` (`HEALTHCHECK NONE` included) that is
followed by another instruction of the same kind in the same stage. The earlier, overridden
instruction is reported, and the later one is shown as related. A stage that sets them again
after its base stage did (`FROM base` then a new `CMD`) is fine: that is what overriding is for.

The severity is warning for all three: the build succeeds and the image does what the last
instruction says. The problem is an instruction that does nothing and misleads whoever reads
it, not a broken image.

## Differences from hadolint
hadolint's DL4003 (CMD), DL4004 (ENTRYPOINT) and DL3012 (HEALTHCHECK) fire in the same stages
for the same instructions, but at the *later* instruction of each pair: with three `CMD`s,
hadolint reports the second and third, docklint the first and second, each with the one that
overrides it as a related location. docklint points at the instruction that has no effect
(the one to delete, as the fix does), as BuildKit does. A `# hadolint ignore=DL4003` (DL4004,
DL3012) counts above either instruction: above the later one, where hadolint puts it, as well
as above the earlier one, so a file migrated from hadolint keeps its suppressions.
hadolint has DL4004 and DL3012 as errors and DL4003 as a warning; all three are warnings here.

## Differences from BuildKit
Same trigger and location as BuildKit's MultipleInstructionsDisallowed: the earlier,
overridden instruction (`HEALTHCHECK NONE` included), once per stage, a child stage re-setting
them being fine. As in BuildKit, a `# check=skip=MultipleInstructionsDisallowed` comment counts
above the later instruction, the one being handled when BuildKit notices. docklint adds the
overriding instruction as a related location and a fix that deletes the overridden one.

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
      fixable="always", triggers=("CMD", "ENTRYPOINT", "HEALTHCHECK"),
      needs="repeated-commands")
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
