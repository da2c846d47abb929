"""An inline suppression comment, for teams that keep exceptions in the configuration.

## What it does
Off by default. Reports every inline pragma that silences rules for the next instruction:
`# docklint ignore=...` and hadolint's `# hadolint ignore=...`. File-wide (`global ignore=`) and
stage-wide (`stage ignore=`) pragmas, BuildKit's `# check=` comments, and `# hadolint shell=`
are not reported; neither is a malformed pragma (DK001 reports that one).
A pragma before an `ONBUILD` line is reported like any other (it silences the trigger's
findings).

## Differences from hadolint
Same trigger as hadolint's DL1001 for `# hadolint ignore=` (with or without a space after `#`),
and off by default as DL1001 is (its severity is "ignore"). hadolint only knows its own
comments; docklint also reports its own `# docklint ignore=`, since both silence the same rules.

## Why is this bad?
Scattered inline exceptions are hard to review: nobody sees the list of what a repository
silences, and they outlive the reason they were added. Teams that want one place for exceptions
turn this rule on and move them to `.docklint.yaml` (`ignore`, `per-file-ignores`), where a
change shows up in review.

## Example
```dockerfile
FROM debian:12-slim
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12
```
"""

from __future__ import annotations

import re

from docklint.lazyre import lazy
from docklint.rule import Finding, Severity, rule
from docklint.suppress import Pragma, pragmas_of

# a hadolint inline pragma, for a suppress module that does not parse hadolint's forms
_HADOLINT_INLINE = lazy(r"^hadolint\s+ignore\s*=", re.I)


@rule("DK004", "no-inline-pragmas", Severity.INFO, tags={"meta"}, aliases=("DL1001",),
      default_enabled=False)
def check(df, options):
    if not df.comments:
        return
    seen: set[int] = set()
    for p in pragmas_of(df)[0]:
        form = getattr(p, "form", "docklint")
        if form not in ("docklint", "hadolint") or p.scope != "next":
            continue
        span = getattr(p, "span", None) or p.comment.span
        if span.start in seen:
            continue
        seen.add(span.start)
        yield Finding(span, f"inline `# {form} ignore=` pragma: fix the finding, or list the "
                            "exception in the configuration (`ignore`, `per-file-ignores`)")
    if "form" in getattr(Pragma, "__record_fields__", ()):
        return
    # suppress.py without hadolint's forms: find them among the comments
    for c in df.comments:
        if c.in_continuation or c.directive or c.span.start in seen:
            continue
        if _HADOLINT_INLINE.match(c.text):
            yield Finding(c.span, "inline `# hadolint ignore=` pragma: fix the finding, or "
                                  "list the exception in the configuration (`ignore`, "
                                  "`per-file-ignores`)")
