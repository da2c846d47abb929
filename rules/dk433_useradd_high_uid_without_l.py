"""`useradd` with a large UID but without `-l`, which bloats the layer with a sparse log file.

## What it does
Fires when `useradd` in a shell-form `RUN` or `ONBUILD RUN` creates a user with a UID of six
digits or more (`-u 100000`, `--uid=123456`, `-mu 1000000`) and without `-l`
(`--no-log-init`). It points at the UID.

## Differences from hadolint
hadolint's DL3046 measures the UID as written (more than five characters). docklint resolves a
UID given through an ARG or ENV (`-u "$APP_UID"`) against the stage's ARG and ENV values and
reports it when the value is large; one whose value docklint cannot know (a variable without a
default, or one the script computes) is left alone, as is a short value such as `-u 1000`,
however it is spelled (`${APP_UID}` is not "ten characters long"). docklint also reads
`--uid=N`, which hadolint misses; hadolint also checks exec-form `RUN ["useradd", ...]`, which
docklint does not.

## Why is this bad?
Without `-l`, `useradd` writes the new user's slot in `/var/log/lastlog` and `/var/log/faillog`,
files indexed by UID. On disk they are sparse, but an image layer stores them in full: a UID
of 100000 adds about 29 MB of zeros to the image, a UID of 1000000000 makes the build run out of
disk. `-l` skips those logs, which a container never uses.

## Example
```dockerfile
FROM debian:12-slim
RUN useradd --create-home --uid 1000100 app
USER app
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN useradd --no-log-init --create-home --uid 1000100 app
USER app
```
"""

from __future__ import annotations

from docklint.facts import facts_of
from docklint.rule import Finding, Severity, rule

# short options of useradd that take a value
_WITH_VALUE = set("bcdefgGkKpPRsuZ")
_LASTLOG_RECORD = 292          # bytes per UID in /var/log/lastlog (glibc, 64-bit)


def _uid_word(cmd):
    """(the word holding the UID value, the value) of a useradd command, or (None, None)."""
    args = cmd.args
    for i, a in enumerate(args):
        v = a.value
        if v == "--":
            break
        if v == "--uid" and i + 1 < len(args):
            return args[i + 1], args[i + 1].value
        if v.startswith("--uid="):
            return a, v[len("--uid="):]
        if v.startswith("-") and not v.startswith("--"):
            for k, ch in enumerate(v[1:], 1):
                if ch not in _WITH_VALUE:
                    continue
                if ch != "u":
                    break            # the rest of the word is another option's value
                if k + 1 < len(v):
                    return a, v[k + 1:]
                if i + 1 < len(args):
                    return args[i + 1], args[i + 1].value
                break
    return None, None


def _no_log_init(cmd) -> bool:
    for a in cmd.args:
        v = a.value
        if v == "--":
            break
        if v == "--no-log-init":
            return True
        if v.startswith("-") and not v.startswith("--"):
            for ch in v[1:]:
                if ch == "l":
                    return True
                if ch in _WITH_VALUE:
                    break
    return False


@rule("DK433", "useradd-high-uid-without-l", Severity.WARNING, tags={"size"},
      aliases=("DL3046",), triggers=("RUN",),
      words=("useradd",))
def check(df, options):
    for stage in df.stages:
        for ins, script, cmd in facts_of(df).commands(stage, onbuild=True):
            if cmd.name != "useradd":
                continue
            word, value = _uid_word(cmd)
            if word is None or _no_log_init(cmd):
                continue
            if word.dynamic:
                if "$(" in word.raw or "`" in word.raw:
                    continue
                value = df.expand(value, stage.env_before(ins)).value
            if not value or not value.isdigit() or int(value) < 100000:
                continue
            size = int(value) * _LASTLOG_RECORD
            shown = f"{size / 1e9:.0f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"
            yield Finding(script.word_span(word),
                          f"useradd with UID {value} and without `-l` (`--no-log-init`) "
                          f"writes about {shown} of zeros to /var/log/lastlog in the layer; "
                          "add `--no-log-init`")
