"""EXPOSE with an IP address or a host port.

## What it does
Fires for each port spec of an `EXPOSE` that names an IP address or a host port, the way
`docker run -p` does: `127.0.0.1:8080:80`, `[::1]:8080:80`, `8080:80`. Specs are split at `:`
as Docker splits them: the last part is the container port, the one before it the host port,
and anything before that the IP address; a spec fires when the IP or the host port is not
empty. Specs are checked after build arguments and `ENV` values are substituted; a spec that
depends on a variable with no value is left alone. Each spec gets its own finding, at the spec
as written.

Under ONBUILD: an `ONBUILD EXPOSE` trigger is checked the same way (the finding points inside
the ONBUILD line), except that a spec with a variable is left alone: the build that runs the
trigger expands it with its own build arguments, which this file does not know.

## Differences from BuildKit
Same trigger as BuildKit's ExposeInvalidFormat, after the same substitution of build arguments and
`ENV` values. BuildKit reports the whole instruction, once per bad spec; docklint points at
each spec. BuildKit does not look inside an `ONBUILD` line until a later build runs the
trigger; docklint checks `ONBUILD EXPOSE` where it is written.

## Why is this bad?
`EXPOSE` only documents which ports the container listens on; it cannot publish a port or bind
it to an address. Docker silently drops the address and the host port, so
`EXPOSE 127.0.0.1:8080:80` exposes port 80, reachable from wherever `docker run -p` later
publishes it, which is probably not what its author meant. BuildKit says this form will become
an error.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 127.0.0.1:8080:80
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 80
```
Publish the port when running the container: `docker run -p 127.0.0.1:8080:80 image`.

## Fix safety
The fix keeps the container port (and protocol) of a spec written without variables and drops
the rest, which is what Docker keeps: the image is the same. Specs that come from a variable are
not fixed.
"""

from __future__ import annotations

from docklint.rule import Edit, Finding, Fix, Severity, rule
from docklint.rules.dk621_expose_proto_casing import expose_specs, exposes


def split_parts(spec: str) -> tuple[str, str, str]:
    """(ip, host port, container port) of a port spec (protocol included in the last), split
    at `:` the way Docker does."""
    parts = spec.split(":")
    n = len(parts)
    if n == 1:
        return "", "", parts[0]
    if n == 2:
        return "", parts[0], parts[1]
    if n == 3:
        return parts[0], parts[1], parts[2]
    return ":".join(parts[:-2]), parts[-2], parts[-1]


@rule("DK622", "expose-invalid-format", Severity.WARNING, tags={"correctness"},
      aliases=("ExposeInvalidFormat",), fixable="sometimes", triggers=("EXPOSE",))
def check(df, options):
    for ins, holder in exposes(df):
        for spec, word, literal in expose_specs(df, ins, holder):
            ip, host, port = split_parts(spec)
            if not ip and not host:
                continue
            what = " and ".join(x for x in (f"IP address `{ip}`" if ip else "",
                                            f"host port `{host}`" if host else "") if x)
            fix = Fix(f"Expose only `{port}`", (Edit(word.span, port),)) \
                if literal and port else None
            via = "" if literal else f" (from `{word.value}`)"
            yield Finding(word.span, f"`{spec}`{via} gives {what}, which EXPOSE ignores; "
                                     f"expose the container port (`{port}`) and publish "
                                     "with `docker run -p`", fix=fix)
