"""An EXPOSE protocol written in upper case.

## What it does
Fires for each port spec of an `EXPOSE` whose protocol, the part after `/`, is not all lower
case: `80/TCP`, `53/Udp`. Specs are checked after build arguments and `ENV` values are
substituted, as the builder does, so `EXPOSE $PORT` with `ENV PORT=80/TCP` fires too; a spec
that depends on a variable with no value is left alone. Each spec gets its own finding, at the
spec as written.

Under ONBUILD: an `ONBUILD EXPOSE` trigger is checked the same way (the finding points inside
the ONBUILD line), except that a spec with a variable is left alone: the build that runs the
trigger expands it with its own build arguments, which this file does not know.

## Differences from BuildKit
Same trigger as BuildKit's ExposeProtoCasing, after the same substitution of build arguments and
`ENV` values. BuildKit reports the whole instruction, once per bad spec; docklint points at
each spec. BuildKit does not look inside an `ONBUILD` line until a later build runs the
trigger; docklint checks `ONBUILD EXPOSE` where it is written.

## Why is this bad?
Docker lower-cases the protocol anyway, so `80/TCP` works, but it reads as if the case mattered,
and tools that parse Dockerfiles without Docker's leniency (scanners, compose generators) may
not recognise it. BuildKit warns about it on every build.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 80/TCP 443/tcp
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 80/tcp 443/tcp
```

## Fix safety
The fix lower-cases the protocol of a spec written without variables; Docker lower-cases it
itself, so the image is the same. Specs that come from a variable are not fixed.
"""

from __future__ import annotations

from docklint.checks import has_parse_error
from docklint.rule import Edit, Finding, Fix, Severity, rule
from docklint.source import Span


def exposes(df):
    """Each EXPOSE of the file, an ONBUILD EXPOSE's trigger included: (the instruction, the
    instruction in the stage: the ONBUILD for a trigger)."""
    for stage in df.stages:
        for holder in stage.instructions:
            ins = holder.effective
            if ins.keyword != "EXPOSE":
                continue
            if ins is not holder and has_parse_error(df, holder):
                continue
            yield ins, holder


def expose_specs(df, ins, holder=None):
    """(spec after expansion, the word it comes from, whether the spec is the word as written)
    for each port spec of an EXPOSE; specs depending on an unset variable are skipped. For an
    ONBUILD trigger (``holder`` the ONBUILD), a spec with a variable is skipped: the build that
    runs the trigger expands it, with its own variables."""
    holder = ins if holder is None else holder
    stage = df.stage_of(holder)
    if stage is None:
        return
    trigger = ins is not holder
    env = stage.env_before(holder)
    for word in ins.args:
        literal = not any(c in word.value for c in "$\"'\\`")
        if literal:
            yield word.value, word, True
            continue
        if trigger and "$" in word.value:
            continue
        value = df.expand(word.value, {} if trigger else env).value
        if value is None:
            continue
        for spec in value.split():
            yield spec, word, False


def proto_of(spec: str) -> tuple[str, int]:
    """The protocol of a port spec and its offset in the spec (Docker's rule: the second
    `/`-separated part; none when the port part is empty)."""
    parts = spec.split("/")
    if len(parts) < 2 or not parts[0]:
        return "", -1
    return parts[1], len(parts[0]) + 1


@rule("DK621", "expose-proto-casing", Severity.WARNING, tags={"style"},
      aliases=("ExposeProtoCasing",), fixable="sometimes", triggers=("EXPOSE",))
def check(df, options):
    for ins, holder in exposes(df):
        for spec, word, literal in expose_specs(df, ins, holder):
            proto, at = proto_of(spec)
            if proto == proto.lower():
                continue
            fix = None
            if literal:
                start = word.span.start + at
                fix = Fix(f"Write `{proto.lower()}`", (
                    Edit(Span(start, start + len(proto)), proto.lower()),))
            via = "" if literal else f" (from `{word.value}`)"
            yield Finding(word.span, f"protocol `{proto}` of port `{spec}`{via} should be "
                                     f"lower case: `{proto.lower()}`", fix=fix)
