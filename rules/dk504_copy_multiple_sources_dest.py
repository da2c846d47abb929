r"""COPY or ADD with several sources into a destination that does not end in `/`.

## What it does
Fires on a `COPY` or `ADD` (an `ONBUILD` one included) that names two or more sources, here-
documents included, when its destination, after ARG and ENV substitution, does not end with
`/` (or `\` on Windows) and is not `.` or `..`. It reports the destination.

A destination with a variable is judged by its value (`ARG DEST=/app/` then
`COPY a b $DEST` is fine); one that depends on a build argument without a value is skipped. A
single wildcard source (`COPY *.json /app`) is not counted as several: how many files it matches
is only known at build time.

Words that BuildKit reads as sources but that were meant as flags (`COPY a --chown=x /b`) or
as a JSON array (`COPY ['a', 'b']`) are DK507's: they are not counted as sources here, and an
instruction whose JSON array is broken, or whose last word is such a flag, is left to DK507.

The severity is warning: BuildKit, the default builder, does not refuse the build.

## Differences from hadolint
hadolint's DL3021 checks `COPY` only; the same requirement holds for `ADD`, so docklint checks
both. It also expands variables in the destination, does not count a single wildcard as
several sources, and leaves alone an instruction BuildKit refuses to parse (a flag without a
value, `COPY --chmod 755 a /b`: DK000) or whose extra words are misplaced flags (DK507), where
hadolint counts the flag's value as a source. It is a warning, where hadolint reports an error.

## Why is this bad?
Several sources can only go into a directory, and the Dockerfile reference requires such a
destination to end with `/`. The classic builder refuses to build without it. BuildKit builds,
but unless the destination already exists as a directory it copies the sources onto that one
path in turn, which is not what the line suggests; and readers (and other tools) cannot tell
whether `/app` names a directory or a file.

## Example
```dockerfile
FROM node:20-slim
COPY package.json package-lock.json /app
```

## Use instead
```dockerfile
FROM node:20-slim
COPY package.json package-lock.json /app/
```

## Fix safety
The fix appends `/` to the destination. Several sources are copied into a directory either way,
so the fix is safe.
"""

from __future__ import annotations

from docklint.checks import copy_words, has_parse_error
from docklint.rule import Edit, Finding, Fix, Severity, rule
from docklint.source import Span


def _is_dir(dest: str) -> bool:
    return dest.endswith(("/", "\\")) or dest in (".", "..") or \
        dest.endswith(("/.", "/..", "\\.", "\\.."))


@rule("DK504", "copy-multiple-sources-dest", Severity.WARNING, tags={"syntax"},
      aliases=("DL3021",), fixable="always", triggers=("COPY", "ADD"))
def check(df, options):
    for stage in df.stages:
        for holder in stage.instructions:
            ins = holder.effective
            if ins.keyword not in ("COPY", "ADD") or has_parse_error(df, holder):
                continue
            words = copy_words(ins)
            if words is None or len(words[0]) < 2:
                continue
            sources, word = words
            if any((word.lstart, word.lend) == (h.marker_lstart, h.marker_lend)
                   for h in ins.heredocs):
                continue                # a heredoc as destination: a parse error
            env = stage.env_before(holder) if ins is holder else {}
            dest = df.expand(word.value, env).value
            if dest is None or _is_dir(dest):
                continue
            at = word.span.end - 1 if ins.json else word.span.end
            count = len(sources)
            yield Finding(word.span, f"{ins.keyword} with {count} sources into `{dest}`, which "
                                     f"does not end with `/`: unless `{dest}` is already a "
                                     f"directory, BuildKit copies the sources onto that one "
                                     f"path in turn (the classic builder refuses the build); "
                                     f"write `{dest}/`",
                          fix=Fix(f"Write the destination as `{dest}/`",
                                  (Edit(Span(at, at), "/"),)))
