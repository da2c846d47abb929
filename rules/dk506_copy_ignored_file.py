"""COPY or ADD names a file that `.dockerignore` keeps out of the build context.

## What it does
Fires on a local source of `COPY` (not `--from`, not a here-document) or `ADD` (not a URL, not
a git repository) when, after ARG and ENV substitution and path cleaning (`./app/` is `app`,
`/app` is `app`), the source or one of its parent directories matches a pattern of the build
context's `.dockerignore`. It reports the source and names the pattern.

It has the limits of BuildKit's check:

- it only runs when the `.dockerignore` has no exception patterns (`!keep-me`): with them, a
  directory that matches a pattern may still have files the build sees;
- the whole context (`.` or `/`) is only reported when a pattern excludes everything (`*`,
  `**` or `**/*`);
- it needs the build context on disk (the Dockerfile's directory, or `--context`); without
  one, or without a `.dockerignore`, it stays quiet; a `.dockerignore` it cannot use (not a
  regular file, over 1 MiB or 10,000 patterns, a symlink out of the context) is reported as a
  DK005 finding: the check could not run;
- a source that depends on a build argument without a value is skipped, and a wildcard is
  compared as written, as BuildKit does.

BuildKit reads `<name>.dockerignore` next to a Dockerfile called `<name>` in preference to the
context's `.dockerignore`, and so does docklint.

A source written without wildcards that is excluded makes the build fail (`not found`): that
finding is an **error**. A wildcard source BuildKit skips when it matches nothing, and a copy of
the whole context copies an empty directory: those are warnings.

Under ONBUILD: an `ONBUILD COPY`/`ONBUILD ADD` is not checked, because it reads the build
context (and `.dockerignore`) of the build that runs the trigger, not this one.

## Differences from BuildKit
Same trigger as BuildKit's CopyIgnoredFile, with the same limits (listed above). docklint
differs in what it says: a literal source that is excluded is an error, since the build then
fails, where BuildKit warns; and the finding points at the source rather than the whole
instruction.

## Why is this bad?
The builder never sees an ignored file: the `COPY` fails with "not found", or, when the source
is a directory, silently copies it without the ignored part. Either the pattern or the `COPY` is
wrong.

## Example
With this `.dockerignore` in the build context:
```dockerignore
dist
```
```dockerfile
FROM alpine:3.20
COPY dist/ /srv/
```

## Use instead
With the same `.dockerignore`:
```dockerignore
dist
```
```dockerfile
FROM alpine:3.20
COPY build/ /srv/
```
"""

from __future__ import annotations

import os
import posixpath

from docklint.checks import copy_words, has_parse_error, is_remote_source
from docklint.rule import CannotCheck, Finding, Severity, rule

_EVERYTHING = ("*", "**", "**/*")


def _clean(src: str) -> str:
    path = posixpath.normpath(src.replace("\\", "/")).lstrip("/")
    return "." if path in ("", ".") else path


@rule("DK506", "copy-ignored-file", Severity.WARNING, tags={"context"},
      aliases=("CopyIgnoredFile",))
def check(df, options):
    if not df.context or not os.path.isdir(df.context):
        return
    from docklint.context import context_for
    ctx = context_for(df.context, df.path)
    rules = ctx.ignore_rules
    if ctx.ignore_error:
        # a .dockerignore that is a FIFO, a device, a link out of the context, too big...:
        # this check cannot run, and the report says so (DK005)
        raise CannotCheck(f"cannot use the ignore file: {ctx.ignore_error}",
                          df.instructions[0].span if df.instructions else None)
    if not rules or any(neg for neg, _rx, _text in rules):
        return
    everything = next((text for _neg, _rx, text in rules
                       if posixpath.normpath(text.lstrip("/")) in _EVERYTHING), None)
    for stage in df.stages:
        for ins in stage.instructions:
            if ins.keyword not in ("COPY", "ADD") or has_parse_error(df, ins):
                continue
            words = copy_words(ins)
            if words is None:
                continue
            if ins.keyword == "COPY" and ins.flag("from") is not None and ins.flag("from").value:
                continue
            markers = {(h.marker_lstart, h.marker_lend) for h in ins.heredocs}
            env = stage.env_before(ins)
            for word in words[0]:
                if (word.lstart, word.lend) in markers:
                    continue
                src = df.expand(word.value, env).value
                if src is None or (ins.keyword == "ADD" and is_remote_source(src)):
                    continue
                path = _clean(src)
                if path == ".":
                    pattern = everything
                else:
                    pattern = next((text for _neg, rx, text in rules if rx.match(path)), None)
                if pattern is None:
                    continue
                if path == ".":
                    yield Finding(word.span, f"{ins.keyword} of the whole build context, which "
                                             f"the .dockerignore pattern `{pattern}` empties: "
                                             f"the builder sees none of its files")
                elif any(c in src for c in "*?["):
                    yield Finding(word.span, f"{ins.keyword} source `{src}` is excluded by the "
                                             f".dockerignore pattern `{pattern}`: the builder "
                                             f"never sees what it matches, and skips the "
                                             f"pattern")
                else:
                    yield Finding(word.span, f"{ins.keyword} source `{src}` is excluded by the "
                                             f".dockerignore pattern `{pattern}`: the builder "
                                             f"never sees it, and the build fails (`not "
                                             f"found`)", severity=Severity.ERROR)
