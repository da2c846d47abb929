"""An `apt-get update` leaves the package lists in the image.

## What it does
Fires on `apt-get update` (also `apt update`, `aptitude update`) when nothing later in the same
RUN removes `/var/lib/apt/lists`: `rm -rf /var/lib/apt/lists/*` (or the directory itself, or an
ancestor such as `/var/lib/apt`), `find /var/lib/apt/lists ... -delete`, or `apt-get distclean`
(`dist-clean`). The cleanup may sit anywhere after the update in the same RUN, including inside
a heredoc script or an `sh -c` string. The finding points at `apt-get update` (the last one of
the RUN, when it updates twice) and says what to append.

Only stages whose files reach an image that ships are checked: the target stage, the stages it
is built `FROM` (directly or through other stages), and `ONBUILD RUN` triggers. A builder stage
whose output is only copied from is left alone, because its lists never reach the final image. A
RUN with a cache or tmpfs mount on `/var/lib/apt/lists` or on a directory above it (the usual
`--mount=type=cache,target=/var/lib/apt`) is exempt: the lists stay in the mount.

## Why is this bad?
The lists are tens of megabytes of index files that are useless at run time. Removing them in a
later RUN does not help: they are already stored in the earlier layer. They also make a later
`apt-get install` in a derived image use a stale index instead of failing clearly.

## Differences from hadolint
hadolint's DL3009 also reports only the final stage and stages used as a base, but it counts a
stage that a later builder is built `FROM`; docklint counts only the target's own `FROM` chain
(a base of builders whose files are copied out never ships). hadolint accepts only
`rm -rf /var/lib/apt/lists/*`, anywhere in the RUN; docklint accepts any removal that covers the
directory (`rm /var/lib/apt/lists/*_*`, `find ... -delete`, `apt-get distclean` or
`dist-clean` of apt 3, as the Docker Official Images on Debian trixie use), but only after the
last `apt-get update` of the RUN: an `update` run again after the cleanup (a second repository
added) leaves fresh lists, which hadolint misses.

## Example
```dockerfile
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6
```

## Use instead
```dockerfile
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6 \
 && rm -rf /var/lib/apt/lists/*
```
or keep the lists out of the image with a cache mount:
```dockerfile
FROM ubuntu:24.04
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \
    --mount=type=cache,target=/var/cache/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6
```

## Fix safety
The fix appends ` && rm -rf /var/lib/apt/lists/*` to the RUN, after its last command (`&&`
keeps the RUN's exit status: a failed install still fails the build), on a continuation line of
its own when the RUN writes one step per line. In a heredoc script it
adds `rm -rf /var/lib/apt/lists/*` as the script's last line when the script runs with
`set -e`, and otherwise appends ` && rm -rf /var/lib/apt/lists/*` to its last command. Only the
index files are removed, and nothing after the RUN needs them: the fix is offered only when
every later `apt-get`/`apt`/`aptitude` command that reads the lists (install, upgrade,
`apt-cache`...) in the stage or in the stages built `FROM` it runs its own `apt-get update`
first (for an `ONBUILD RUN`, whose later steps are in another Dockerfile, only when the same RUN
installs after its update). With that, the fix is safe. It is not offered when the RUN ends in a
way docklint does not append to (a shell comment, a trailing operator).
"""

from __future__ import annotations

import re

from docklint.lazyre import lazy
from docklint.facts import facts_of
from docklint.packages import append_hint, command_words, last_per_run, leaves_cache, removes, uses
from docklint.rule import Edit, Finding, Fix, Severity, rule
from docklint.shell import parse_script
from docklint.source import Span

CLEANUP = "rm -rf /var/lib/apt/lists/*"
# apt actions that read the package lists
_READS_LISTS = frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep",
                          "source", "download", "reinstall", "satisfy", "changelog"})
# the script stops at the first failing command: "set -e", "set -euo pipefail", "set -o errexit",
# or a "#!/bin/sh -e" line
_ERREXIT = lazy(r"^[ \t]*set[ \t]+(?:-[a-zA-Z]*e[a-zA-Z]*\b|-o[ \t]+errexit\b)"
                      r"|\A#![^\n]*[ \t]-[a-zA-Z]*e[a-zA-Z]*(?:[ \t]|$)", re.M)


def _reads_lists(use) -> bool:
    return use.pc.action in _READS_LISTS and not use.pc.simulates


class _Later:
    """What :meth:`ok` needs of the whole file, worked out once per check (it is asked for
    every finding: a file of thousands of RUNs must not rescan every command for each)."""

    def __init__(self, df, apt) -> None:
        self.df = df
        self.by_script: dict[int, list] = {}
        # the first `update` of each script
        self.updated: dict[int, int] = {}
        for other in apt:
            self.by_script.setdefault(id(other.script), []).append(other)
            if other.pc.action == "update":
                key = id(other.script)
                self.updated[key] = min(self.updated.get(key, other.command.start),
                                        other.command.start)
        # per stage: the last instruction with an apt-cache whose script has no update, and
        # the commands reading the lists before any update of their script (in file order)
        self.cache_at: dict[int, int] = {}
        facts = facts_of(df)
        for stage in df.stages:
            for ins, script, cmd in facts.commands(stage, onbuild=True):
                if cmd.name == "apt-cache" and id(script) not in self.updated:
                    self.cache_at[stage.index] = max(self.cache_at.get(stage.index, -1),
                                                     ins.index)
        self.readers: dict[int, list[tuple[int, int]]] = {}
        for other in apt:
            if _reads_lists(other) and self.updated.get(id(other.script),
                                                        other.command.start) >= \
                    other.command.start:
                self.readers.setdefault(other.stage.index, []).append(
                    (other.instruction.index, id(other.script)))
        for rows in self.readers.values():
            rows.sort()
        self.stages: dict[int, set[int]] = {}

    def ok(self, use) -> bool:
        """Whether removing the lists at the end of ``use``'s RUN leaves every later command
        that reads them with lists of its own (an update earlier in its RUN)."""
        if use.onbuild:
            return any(o.command.start > use.command.start and _reads_lists(o)
                       for o in self.by_script.get(id(use.script), ()))
        df = self.df
        here = use.stage.index
        stages = self.stages.get(here)
        if stages is None:
            stages = self.stages[here] = {here} | {
                s.index for s in df.stages
                if any(c.index == here for c in df.graph.chain(s.index)[1:])}
        at = use.instruction.index
        for index in stages:
            last = self.cache_at.get(index)
            if last is not None and (index != here or last > at):
                return False
        own = id(use.script)
        for index in stages:
            for place, script in reversed(self.readers.get(index, ())):
                if index == here and place < at:
                    break
                if script != own:
                    return False
        return True


def _appended(text: str) -> str | None:
    """What to append to shell ``text`` so that it ends by removing the lists, or None when
    docklint cannot append to it safely."""
    body = text.rstrip()
    if not body or body.endswith(("&&", "||", "|", "&", "\\")):
        return None
    tail = f" {CLEANUP}" if body.endswith(";") else f" && {CLEANUP}"
    script = parse_script(body + tail)
    if script.has_error:
        return None
    last = max((c for c in script.commands if c.depth == 0), key=lambda c: c.end, default=None)
    if last is None or last.start < len(body) or not removes(last, "apt-lists"):
        return None           # it landed in a comment, or somewhere that does not always run
    return tail


def _fix(df, use, later: _Later) -> Fix | None:
    if not later.ok(use):
        return None
    ins = use.instruction.effective
    at = use.script.span(use.command.start, use.command.end).start
    for h in ins.heredocs:
        if not h.body_span.start <= at < h.body_span.end:
            continue
        content = h.content
        lines = content.splitlines()
        kept = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
        if not kept:
            return None
        if _ERREXIT.search(content[:at - h.body_span.start]):
            last = kept[-1]
            pad = last[:len(last) - len(last.lstrip())]
            end = h.body_span.end
            if not content.endswith("\n"):
                return None
            return Fix(f"Add `{CLEANUP}` at the end of the <<{h.name} script",
                       (Edit(Span(end, end), f"{pad}{CLEANUP}\n"),))
        tail = _appended(content)
        if tail is None:
            return None
        end = h.body_span.start + len(content.rstrip())
        return Fix(f"Append `{tail.strip()}` to the <<{h.name} script",
                   (Edit(Span(end, end), tail),))
    if ins.heredocs:
        return None           # a command line with heredocs: the script is more than the line
    text = ins.rest
    tail = _appended(text)
    if tail is None:
        return None
    end = ins.span_of(0, ins.rest_lstart + len(text.rstrip())).end
    return Fix(f"Append `{tail.strip()}` to the RUN",
               (Edit(Span(end, end), _styled(df, end, tail)),))


def _styled(df, end: int, tail: str) -> str:
    """``tail`` (`` && rm ...``) written like the RUN's continuation lines: on a line of its own
    when the RUN puts each step on one (``\\`` then ``&& step``, or ``step && \\``)."""
    src = df.source
    line = src.line_of(end)
    text = src.line_text(line)
    indent = text[:len(text) - len(text.lstrip(" \t"))]
    if not tail.startswith(" && ") or line == 1:
        return tail
    esc = df.escape
    above = src.line_text(line - 1).rstrip()
    if text.lstrip().startswith("&&") and above.endswith(esc):
        return f" {esc}\n{indent}&& {CLEANUP}"
    if above.endswith(f"&& {esc}") and indent:
        return f" && {esc}\n{indent}{CLEANUP}"
    return tail


@rule("DK402", "apt-lists-not-cleaned", Severity.INFO, tags={"size", "packages"},
      aliases=("DL3009",), fixable="sometimes", triggers=("RUN",),
      words=command_words("apt"))
def check(df, options):
    apt = list(uses(df, "apt"))
    found = [use for use in apt if use.pc.action == "update" and
             leaves_cache(df, use, "apt-lists")]
    later = _Later(df, apt) if found else None
    for use in last_per_run(found):
        yield Finding(use.span(), f"`{use.pc.tool} update` leaves the package lists in the "
                                  f"image; {append_hint(use, CLEANUP)}",
                      fix=_fix(df, use, later))
