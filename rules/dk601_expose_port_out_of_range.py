"""EXPOSE names a port above 65535, or a range that runs backwards.

## What it does
Fires on each `EXPOSE` port (an `ONBUILD EXPOSE` included) whose number, after ARG and ENV
substitution, is above 65535, on either end of a range (`8000-70000`), and on a range whose end
is below its start (`9000-8000`). The host-port part of a `host:container` mapping is checked
too. It reports the number itself.

A port that depends on a build argument without a value is skipped. Non-numeric ports and
the `ip:host:container` form are other rules' business.

## Differences from hadolint
hadolint's DL3011 fires on the same ports written literally, above 65535 on either end of a
range. docklint also expands variables (`ARG PORT=80800` then `EXPOSE $PORT`), reports a
reversed range (`9000-8000`), which Docker rejects as well, and checks `ONBUILD EXPOSE`, which
hadolint does not look inside. It reports each bad number, not the whole instruction.

## Why is this bad?
TCP and UDP ports are 16-bit numbers: Docker refuses the image configuration (`invalid
containerPort`, `invalid range`) when it is built or run. An out-of-range port is almost always
a typo (`80800` for `8080`).

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 80800
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 8080
```
"""

from __future__ import annotations

import re

from docklint.lazyre import lazy
from docklint.checks import has_parse_error, parse_port_spec, word_part_span
from docklint.rule import Finding, Severity, rule

MAX_PORT = 65535
_NUM = lazy(r"\d+")


def _problems(spec_text: str) -> list[tuple[int, int, str]]:
    """(start, end, message) of each problem in one port spec (offsets into ``spec_text``)."""
    spec = parse_port_spec(spec_text)
    out = []
    for part, offset, what in ((spec.port, spec.port_offset, "port"),
                               (spec.host, spec.host_offset, "host port")):
        if part is None or offset < 0:
            continue
        nums = [(m.start(), m.end(), int(m.group())) for m in _NUM.finditer(part)]
        lo, hi = spec.range_of(part)
        if lo is None:
            continue
        for a, b, n in nums:
            if n > MAX_PORT:
                out.append((offset + a, offset + b,
                            f"{what} {n} is out of range: ports go from 0 to {MAX_PORT}"))
        if hi is not None and hi < lo and hi <= MAX_PORT:
            out.append((offset, offset + len(part),
                        f"{what} range {part} runs backwards: write {hi}-{lo}"))
    return out


@rule("DK601", "expose-port-out-of-range", Severity.ERROR, tags={"syntax"},
      aliases=("DL3011",), triggers=("EXPOSE",))
def check(df, options):
    for stage in df.stages:
        for holder in stage.instructions:
            ins = holder.effective
            if ins.keyword != "EXPOSE" or has_parse_error(df, holder):
                continue
            env = stage.env_before(holder) if ins is holder else {}
            for word in ins.args:
                text = df.expand(word.value, env).value
                if text is None:
                    continue
                plain = text == word.value
                for spec_text, base in _split(text):
                    for a, b, message in _problems(spec_text):
                        span = word_part_span(ins, word, base + a, base + b) if plain \
                            else word.span
                        yield Finding(span, message)


def _split(text: str) -> list[tuple[str, int]]:
    """A word may expand to several specs (``ARG PORTS="80 443"``): each with its offset."""
    return [(m.group(), m.start()) for m in re.finditer(r"\S+", text)]
