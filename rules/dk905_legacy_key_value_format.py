"""ENV or LABEL in the legacy `KEY value` form.

## What it does
Fires for an `ENV` or `LABEL` whose first word has no `=`: the old form that sets one key to
the whole rest of the line (`ENV PATH /opt/bin:$PATH`). It is one style choice, so it is one
finding per file: at the key of the first such instruction, with every other one as a related
location (each with its own fix; `--fix` rewrites them all). `ARG` has no such form (`ARG A B`
declares two build arguments).

The severity is info, and the rule stays on by default. For a single key the two forms mean
exactly the same thing, and many careful authors keep the legacy form as a deliberate house
style: it is used in about four out of five of the official images' Dockerfiles
(docker-library). BuildKit prints the same check (as it prints all its checks) at the end of
every build, and fails the build on it only with `# check=error=true`, which raises this rule
to an error as well. A project that keeps the legacy form on purpose can switch the rule off
(`--ignore DK905`, or BuildKit's `# check=skip=LegacyKeyValueFormat`).

## Differences from BuildKit
Same trigger as BuildKit's LegacyKeyValueFormat: an `ENV` or `LABEL` whose first word has no
`=`. BuildKit warns once per instruction; docklint gives one finding per file, at the first
such instruction, the others being related locations (a style choice is made once per file),
and it is info here, a warning there. BuildKit reports an `ONBUILD ENV` only when a later build
runs the trigger; docklint reports the trigger where it is written.

## Why is this bad?
The legacy form does not look like what it does: `ENV A B C` sets `A` to `B C`, while
`ENV A=B C=D` sets two variables, and adding a second key to a legacy line silently turns it
into part of the value. Docker's documentation calls the form deprecated.

## Example
```dockerfile
FROM alpine:3.20
ENV APP_HOME /srv/app
LABEL description A small web service
```

## Use instead
```dockerfile
FROM alpine:3.20
ENV APP_HOME=/srv/app
LABEL description="A small web service"
```

## Fix safety
The fix writes `KEY=value`, quoting the value with `"` when it contains blanks. The builder
reads the new form to the same value, so the fix is safe; it is offered only when that is
certain: not when the value contains quotes, backslashes or backticks together with blanks,
nor when the instruction is split over several lines between the key and its value.
"""

from __future__ import annotations

from docklint.rule import Edit, Finding, Fix, Severity, rule
from docklint.source import Span


def _fix(df, ins):
    key, value, _sep = ins.pairs()[0]
    text = df.source.text
    between = Span(key.span.end, value.span.start)
    if any(c not in " \t" for c in text[between.start:between.end]):
        return None
    v = value.value
    edits = [Edit(between, "=")]
    if any(c.isspace() for c in v):
        written = text[value.span.start:value.span.end]
        if written != v or any(c in v for c in "\"'\\`"):
            return None
        edits.append(Edit(value.span, f'"{v}"'))
    return Fix("Write `KEY=value`", tuple(edits))


@rule("DK905", "legacy-key-value-format", Severity.INFO, tags={"style"},
      aliases=("LegacyKeyValueFormat",), fixable="sometimes", group="file",
      group_message="{count} ENV/LABEL instructions use the legacy `KEY value` form "
                    "(keys {labels}); write `KEY=value`", triggers=("ENV", "LABEL"))
def check(df, options):
    for stage in df.stages:
        for outer in stage.instructions:
            ins = outer.effective
            if ins.keyword not in ("ENV", "LABEL") or len(ins.args) != 3 or \
                    ins.args[2].value != "":
                continue
            key, value = ins.args[0], ins.args[1]
            shown = value.value if len(value.value) <= 40 else value.value[:37] + "..."
            yield Finding(key.span, f"`{ins.written} {key.value} {shown}` uses the legacy "
                                    f"`KEY value` form; write "
                                    f"`{ins.written} {key.value}={_suggested(value.value)}`",
                          fix=_fix(df, ins), label=key.value)


def _suggested(value: str) -> str:
    if len(value) > 40:
        return "..."
    if any(c.isspace() for c in value) and not any(c in value for c in "\"'\\`"):
        return f'"{value}"'
    return value if not any(c.isspace() for c in value) else "..."
