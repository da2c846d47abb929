"""A RUN pipes commands while a failure on the left of the pipe goes unnoticed.

## What it does
Fires on a shell-form `RUN` with a pipe (`curl ... | tar x`, heredoc scripts included) when
nothing turns on `pipefail` for it. It points at the command whose failure the pipe would hide.
`pipefail` is on when:
- the `SHELL` in effect runs `bash`, `zsh`, `ash`, `ksh`, `dash` or `sh` with `-o pipefail`
  (`SHELL ["/bin/bash", "-eo", "pipefail", "-c"]`), including a `SHELL` set in the stage this
  one is built `FROM`;
- the script itself runs `set -o pipefail` (or `set -euo pipefail`...) before the pipe.
A pipe inside `sh -c '...'` runs in a new shell that does not inherit the `SHELL` options, so
there it takes `bash -o pipefail -c` or a `set -o pipefail` inside the string. A heredoc script
with its own `#!` line is not run through `SHELL` either. A PowerShell or cmd `SHELL` turns the
rule off, and so does a Windows base image (whose default shell is `cmd`). As in hadolint,
`ONBUILD RUN` is not checked: the `SHELL` it runs under is the one of the image built later.

Differences from hadolint's DL4006: hadolint forgets the `SHELL` of the parent stage on every
`FROM`, does not see `set -o pipefail` in the script, and flags pipes whose left side cannot
fail: `echo`, `printf`, `true`, `yes` and `cat <<EOF` feed a pipe without any failure to hide
(`echo "$SUM  file" | sha256sum -c -` fails when the check fails, `pipefail` or not), so those
are not reported. For `yes | cmd`, `pipefail` would even make the step fail. Nor are pipes
inside `$(...)` (`echo "$(uname -m | tr A-Z a-z)"`): the status of a command
substitution is dropped when it is an argument, and its output, empty when the pipe failed, is
what the next command gets to notice.

## Why is this bad?
Without `pipefail` a pipeline's exit status is that of its last command. In
`RUN curl -fsSL https://example.com/app.tgz | tar xz`, a failed download leaves `tar` reading
nothing, and depending on the tool the step succeeds and the build goes on with a missing or
truncated file, to fail much later or not at all.

## Example
```dockerfile
FROM debian:12-slim
RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt
```

## Use instead
```dockerfile
FROM debian:12-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt
```
"""

from __future__ import annotations

from docklint.checks import windows_stage
from docklint.facts import facts_of
from docklint.rule import Finding, Severity, rule
from docklint.shell import SHELL_NAMES, program_of

_PIPEFAIL_SHELLS = {"bash", "zsh", "ash", "sh", "ksh", "mksh", "dash", "busybox"}
_HARMLESS = {"echo", "printf", "true", ":", "yes"}


def _program(words):
    exe, rest = program_of(words)
    if exe == "busybox" and rest and rest[0] in SHELL_NAMES:
        exe, rest = rest[0], rest[1:]
    return exe, rest


def _option(words) -> list[tuple[int, bool]]:
    """Positions in ``words`` where ``-o pipefail`` (True) or ``+o pipefail`` (False) is set;
    ``-o`` may close a bundle (``-euo pipefail``)."""
    out = []
    for i in range(1, len(words)):
        if words[i] != "pipefail":
            continue
        prev = words[i - 1]
        if len(prev) >= 2 and prev[0] in "-+" and prev[-1] == "o" and prev[1:].isalpha():
            out.append((i, prev[0] == "-"))
    return out


def _shell_sets_pipefail(words) -> bool:
    exe, rest = _program(words)
    if exe not in _PIPEFAIL_SHELLS:
        return False
    found = _option(rest)
    return bool(found) and found[-1][1]


def _bodies(script):
    """``(start, end, shell command, kind)`` of every script a new shell runs: ``sh -c '...'``
    strings and the heredoc of ``sh <<EOF``."""
    out = []
    for cmd in script.commands:
        if cmd.name not in SHELL_NAMES:
            continue
        args = cmd.args
        for i, a in enumerate(args):
            v = a.value
            if v.startswith("-") and not v.startswith("--") and "c" in v and i + 1 < len(args):
                out.append((args[i + 1].start, args[i + 1].end, cmd, "string"))
                break
        else:
            for r in cmd.redirects:
                if r.op in ("<<", "<<-") and r.body is not None and r.body_start >= 0:
                    out.append((r.body_start, r.body_start + len(r.body), cmd, "heredoc"))
    return out


def _harmless(cmd) -> bool:
    if cmd.name in _HARMLESS:
        return True
    return cmd.name == "cat" and not cmd.positional() and \
        any(r.op in ("<<", "<<-", "<<<") for r in cmd.redirects)


def _context(bodies, cmd):
    """The innermost script of a new shell (see ``_bodies``) holding ``cmd``, or None."""
    best = None
    for body in bodies:
        if body[0] <= cmd.start < body[1] and (best is None or body[0] >= best[0]):
            best = body
    return best


def _set_before(script, cmd, ctx, bodies) -> bool:
    """A ``set -o pipefail`` in the same shell as ``cmd``, before it, still in force."""
    state = None
    for c in sorted(script.commands, key=lambda c: c.start):
        if c.start >= cmd.start:
            break
        if c.name != "set" or _context(bodies, c) != ctx:
            continue
        found = _option([""] + [a.value for a in c.args])
        if found:
            state = found[-1][1]
    return bool(state)


@rule("DK438", "pipe-without-pipefail", Severity.WARNING, tags={"reliability"},
      aliases=("DL4006",))
def check(df, options):
    facts = facts_of(df)
    for stage in df.stages:
        if windows_stage(df, stage):
            continue
        for ins in stage.instructions:
            if ins.keyword != "RUN" or ins.json:
                continue
            script = facts.script(ins)
            if script is None or not any(c.pipeline_next for c in script.commands):
                continue
            shebang = script.text.startswith("#!") and len(ins.heredocs) == 1 and \
                script.text == ins.heredocs[0].content
            if shebang:
                on = _shell_sets_pipefail(script.text[2:].split("\n", 1)[0].split())
            else:
                on = _shell_sets_pipefail(facts.shell_of(stage, before=ins))
            bodies = _bodies(script)
            hit = None
            for cmd in sorted(script.commands, key=lambda c: c.start):
                if not cmd.pipeline_next or _harmless(cmd):
                    continue
                ctx = _context(bodies, cmd)
                if ctx is None and cmd.depth > 0:
                    continue            # inside $(...): its status is not the RUN's
                if ctx is None:
                    if on or _set_before(script, cmd, None, bodies):
                        continue
                else:
                    shell_cmd = ctx[2]
                    if _shell_sets_pipefail([shell_cmd.name] + [a.value for a in shell_cmd.args]) \
                            or _set_before(script, cmd, ctx, bodies):
                        continue
                hit = (cmd, ctx)
                break
            if hit is None:
                continue
            cmd, ctx = hit
            name = cmd.name or "the command"
            if ctx is not None and ctx[3] == "heredoc":
                fix = f"add `set -o pipefail` at the top of the script `{ctx[2].name}` reads " \
                      "(a new shell: SHELL options do not reach it)"
            elif ctx is not None:
                fix = f"add `set -o pipefail` at the start of the `{ctx[2].name} -c` string, " \
                      "or run it with `bash -o pipefail -c`"
            elif shebang:
                fix = "add `set -o pipefail` at the top of the heredoc script"
            else:
                base = facts.base_facts(stage.index)
                shell = "/bin/ash" if base is not None and base.libc == "musl" else "/bin/bash"
                fix = (f"put `SHELL [\"{shell}\", \"-o\", \"pipefail\", \"-c\"]` before this RUN, "
                       "or start the script with `set -o pipefail`")
            yield Finding(script.command_span(cmd),
                          f"if `{name}` fails, the pipe hides it and the RUN still succeeds; "
                          f"{fix}")
