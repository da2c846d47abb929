"""A COPY or ADD word that BuildKit reads as a source although it was written as a flag or as
part of a JSON array.

## What it does
BuildKit takes flags only as the leading words of an instruction, before the first source, and
reads the exec (JSON) form only when the whole argument is a valid JSON array. This rule fires
on a `COPY` or `ADD` (an `ONBUILD` one included) where either of those goes wrong, one finding
per instruction:

- **A flag after the first source**: `COPY src --chown=app:app /dst/` (or a flag as an element
  of the JSON array, `COPY ["--chmod=755", "run.sh", "/usr/local/bin/"]`, or a flag in quotes,
  `COPY "--chown=app:app" src /dst/`). BuildKit reads `--chown=app:app` as a source path; no
  such file exists, so the build fails (`not found`): an **error**. When the word is a
  wildcard pattern (`COPY src --exclude=*.md /dst/`), BuildKit skips a pattern that matches
  nothing, so the build goes on and the flag silently does not apply: a **warning**. So is a
  flag written last, which BuildKit takes as the destination.
- **A flag in brackets**: `COPY [--chown=app:app] . /dst/`, the Dockerfile reference's notation
  for an optional flag, copied as is. The brackets make the word a wildcard pattern that
  matches at most a file with a one-character name; BuildKit skips it and the chown never
  happens: a **warning**.
- **A JSON array that is not valid JSON**: `COPY ['app.js', './']` (single quotes), a trailing
  comma, a missing `]`, a backslash that is not a JSON escape. BuildKit silently falls back to
  shell form and splits the line at blanks: here it copies a source `[app.js,` to a
  destination `./]` (quotes are removed). The message names the words BuildKit uses: a
  **warning**.

Other COPY/ADD rules (DK503, DK504, DK505, DK506) do not count a misplaced flag as a source, and
leave an instruction with a broken JSON array or a flag as its destination to this rule.
The same mistake in `CMD` and `ENTRYPOINT` is reported by DK603.

## Why is this bad?
The flag does not do what it says, and nothing but a lint tells you: the ownership or mode is
not set, the exclusion does not happen, or the build stops with a `not found` error that
names a strange file. A broken JSON array copies files to a path nobody meant.

## Example
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY [--chown=node:node] package.json package-lock.json ./
COPY ['server.js', './']
```

## Use instead
```dockerfile
FROM node:22-slim
WORKDIR /app
COPY --chown=node:node package.json package-lock.json ./
COPY ["server.js", "./"]
```

## Fix safety
For a misplaced flag, the fix moves it before the sources (out of its brackets, quotes or JSON
array), when the instruction takes that flag and does not already set it. Where the build fails
as written (a literal path that does not exist), the fix makes it do what the line says: it is
safe. Where the build works without the flag (a wildcard pattern, a flag as the destination),
applying the flag changes the image (owner, mode, excluded files): the fix is unsafe. For a
broken JSON array whose elements are clear (only the quotes, a comma or the closing `]` are
wrong), the fix writes the array as valid JSON, with any flag in it moved in front; it changes
what is copied where, so it is unsafe.
"""

from __future__ import annotations


from docklint.checks import COPY_FLAGS, broken_exec_form, has_parse_error, stray_flags
from docklint.rule import Edit, Finding, Fix, Severity, rule
from docklint.source import Span


@rule("DK507", "copy-source-misread", Severity.ERROR, tags={"syntax"}, fixable="sometimes",
      triggers=("COPY", "ADD"))
def check(df, options):
    for stage in df.stages:
        for holder in stage.instructions:
            ins = holder.effective
            if ins.keyword not in ("COPY", "ADD") or not ins.args or \
                    has_parse_error(df, holder):
                continue
            env = stage.env_before(holder) if ins is holder else {}
            broken = None if ins.json else broken_exec_form(ins.rest)
            if broken is not None:
                yield _broken(df, ins, env, broken)
                continue
            stray = stray_flags(ins)
            for s in stray:
                yield _stray(df, ins, s, stray)


def _shown(df, ins, env) -> str:
    words = [df.expand(w.value, env).text for w in ins.args]
    sources = ", ".join(f"`{w}`" for w in words[:-1])
    plural = "s" if len(words) > 2 else ""
    return f"source{plural} {sources} and destination `{words[-1]}`" if len(words) > 1 else \
        f"the single word `{words[0]}`"


def _broken(df, ins, env, broken) -> Finding:
    text = ins.rest.strip()
    shown = text if len(text) <= 50 else text[:47] + "..."
    message = (f"`{shown}` is not a JSON array ({broken.reason}), so BuildKit reads "
               f"{ins.keyword} in shell form, split at blanks and with quotes removed: "
               f"{_shown(df, ins, env)}")
    fix = None
    if broken.items is not None and len(broken.items) >= 2 and \
            not any(c in item for item in broken.items for c in '"\\'):
        flags = [x for x in broken.items if x.startswith("--") and
                 x[2:].split("=", 1)[0] in COPY_FLAGS[ins.keyword]]
        rest = [x for x in broken.items if x not in flags]
        if len(rest) >= 2 and not any(ins.flag(f[2:].split("=", 1)[0]) is not None
                                      for f in flags):
            import json      # only when this path runs (not on every lint)
            written = " ".join(flags + [json.dumps(rest)])
            message += f"; write `{ins.written} {_flags_text(ins)}{written}`"
            fix = Fix(f"Write valid JSON: {written}", (Edit(ins.rest_span, written),),
                      safe=False)
    return Finding(ins.rest_span, message, fix=fix, severity=Severity.WARNING)


def _flags_text(ins) -> str:
    return "".join(f.text + " " for f in ins.flags)


def _stray(df, ins, s, stray) -> Finding:
    flag = s.flag
    if s.how == "bracketed":
        what = (f"`[{flag}]` is not a flag: BuildKit takes it as a source, a wildcard pattern "
                f"(the brackets make it one) that matches at most a file with a one-character "
                f"name; it skips a pattern that matches nothing, so the build goes on and "
                f"`{flag}` never applies")
    else:
        where = {"json": f"`{flag}` is an element of the JSON array, and BuildKit takes flags "
                         f"only before it",
                 "quoted": f"`{s.word.value}` is quoted, so BuildKit does not take it as a "
                           f"flag",
                 "after-source": f"`{flag}` comes after the first source, and BuildKit takes "
                                 f"flags only before the sources"}[s.how]
        if s.destination:
            what = (f"{where}: as the last word it is the destination, so the sources are "
                    f"copied to a path named `{s.read_as}` and `{flag}` never applies")
        elif s.glob:
            what = (f"{where}: it reads it as a source, a wildcard pattern that matches "
                    f"nothing, skips it, and `{flag}` never applies")
        else:
            what = (f"{where}: it reads it as a source path, which does not exist, and the "
                    f"build fails (`not found`)")
    fails = s.how != "bracketed" and not s.glob and not s.destination
    fix = _move(df, ins, s, stray, safe=fails)
    if fix is not None:
        what += f"; put `{flag}` before the sources"
    elif s.name not in COPY_FLAGS[ins.keyword]:
        what += f" ({ins.keyword} has no `--{s.name}` flag)"
    return Finding(s.span, what, fix=fix,
                   severity=Severity.ERROR if fails else Severity.WARNING,
                   label=flag)


def _move(df, ins, s, stray, safe: bool) -> Fix | None:
    """Move the flag before the sources, when the instruction takes it once and not yet."""
    name = s.name
    if name not in COPY_FLAGS[ins.keyword] or \
            (name != "exclude" and (ins.flag(name) is not None or
                                    sum(x.name == name for x in stray) > 1)):
        return None
    text = df.source.text
    word = s.word
    if ins.json:
        # drop the element with the comma after it (before it, for the last one)
        start, end = word.span.start, word.span.end
        after = _skip(text, end, ",")
        if after is not None:
            end = after
        else:
            before = _skip_back(text, start, ",")
            if before is None:
                return None
            start = before
        edits = (Edit(Span(ins.rest_span.start, ins.rest_span.start), s.flag + " "),
                 Edit(Span(start, end), ""))
    elif s.index == 0:
        edits = (Edit(word.span, s.flag),)
    else:
        end = word.span.end
        while end < len(text) and text[end] in " \t":
            end += 1
        start = word.span.start
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end + 1
        alone = not text[line_start:start].strip()
        if alone and text[end:line_end].strip() == df.escape:
            start, end = line_start, line_end      # alone on its line: drop the line
        elif alone:
            return None       # the last line: the line before it would continue elsewhere
        elif end == word.span.end or text[end:end + 1] in ("\n", "\r", df.escape):
            # the last word of its line: take the blanks before it instead
            end = word.span.end
            while start > 0 and text[start - 1] in " \t":
                start -= 1
        edits = (Edit(Span(ins.rest_span.start, ins.rest_span.start), s.flag + " "),
                 Edit(Span(start, end), ""))
    return Fix(f"Put `{s.flag}` before the sources", edits, safe=safe)


def _skip(text: str, at: int, sep: str) -> int | None:
    """The offset after blanks, ``sep`` and blanks from ``at``; None without ``sep``."""
    i = at
    while i < len(text) and text[i] in " \t":
        i += 1
    if text[i:i + 1] != sep:
        return None
    i += 1
    while i < len(text) and text[i] in " \t":
        i += 1
    return i


def _skip_back(text: str, at: int, sep: str) -> int | None:
    """The offset of ``sep`` (with the blanks around it) that ends just before ``at``."""
    i = at
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == 0 or text[i - 1] != sep:
        return None
    i -= 1
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i
