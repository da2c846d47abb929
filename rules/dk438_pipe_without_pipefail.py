"""A RUN pipes commands while a failure on the left of the pipe goes unnoticed.

## What it does
Fires on a shell-form `RUN` with a pipe (`curl ... | sh`, heredoc scripts included) when
nothing turns on `pipefail` for it and the failure of a command on the left would let the RUN
succeed. It points at that command (one finding per RUN). `pipefail` is on when:
- the `SHELL` in effect runs `bash`, `zsh`, `ash`, `ksh`, `dash` or `sh` with `-o pipefail`
  (`SHELL ["/bin/bash", "-eo", "pipefail", "-c"]`), including a `SHELL` set in the stage this
  one is built `FROM`;
- the script itself runs `set -o pipefail` (or `set -euo pipefail`...) before the pipe.
A pipe inside `sh -c '...'` runs in a new shell that does not inherit the `SHELL` options, so
there it takes `bash -o pipefail -c` or a `set -o pipefail` inside the string. A heredoc script
with its own `#!` line is not run through `SHELL` either. A PowerShell or cmd `SHELL` turns the
rule off, and so does a Windows base image (whose default shell is `cmd`).

Under ONBUILD: an `ONBUILD RUN` trigger is checked like a RUN (the finding points inside the
trigger). It runs at the start of a build `FROM` this image, before anything of that build, so
under the `SHELL` this stage ends with (a `SHELL` after the `ONBUILD` line counts) and on this
image's `/bin/sh`.

A pipe is not reported when the failure cannot go unnoticed, or is handled on purpose:
- the command at the end fails on the empty or truncated input a failed command leaves it, and
  everything in between only filters (`grep`, `sed`, `awk`, `sort`, `cut`, `tr`, `head`,
  `tail`, `tee`, a decompressor...): `tar` extracting or listing what it reads
  (`curl ... | tar -xz`), `gpg --import`/`--dearmor`/`--verify`/`--decrypt`, `apt-key add`,
  `sha256sum -c` (and the other checksum tools), `grep`, a decompressor (`gunzip`, `xz -d`...),
  `xargs apt-mark auto` (without `-r`, xargs runs a command that then fails for lack of
  arguments); all of them also behind `sudo`. Tested: each exits non-zero on empty input, GNU
  and BusyBox alike;
- the pipe's status is tested: an `if`/`elif`/`while`/`until` condition, the left side of `||`
  (`curl ... | sh || echo skipped`), or negated with `!`. The left side of `&&` is not a test:
  in `curl ... | php && ln ...` a failure of `php` still ends the chain, but one of `curl` is
  still hidden;
- the Docker Official Images' scan for the libraries a freshly built program needs
  (`find ... | ... | xargs -r dpkg-query --search | ... | xargs -r apt-mark manual`, or
  `... | xargs -rt apk add --virtual .rundeps`), usually followed by a smoke test
  (`php --version`): its left side scans files the same RUN just built, so it fails only where
  there is nothing to keep, and `pipefail` would fail the build on every file no package owns;
- the command on the left cannot fail: `echo`, `printf`, `true`, `yes` and `cat <<EOF` (for
  `yes | cmd`, `pipefail` would even make the step fail); nor is a filter in the middle
  reported (`a | grep x | sh` reports `a`);
- pipes inside `$(...)` (`echo "$(uname -m | tr A-Z a-z)"`): the status of a command
  substitution is dropped when it is an argument, and its output, empty when the pipe failed,
  is what the next command gets to notice.
Still reported, because the consumer succeeds on empty input: `| sh`, `| bash`, `| python`,
`| php` (an empty script runs fine), `| xargs` (with `-r`, or running a command that accepts no
arguments), `| tee`, `| patch`, `| jq`, `| sort > file`, `| while read`, `| tar -c`.

The advice fits the shell that runs the script: dash, Debian's and Ubuntu's `/bin/sh`, rejects
`set -o pipefail` (`set: Illegal option -o pipefail`, and the RUN fails), so there the message
offers `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or downloading to a file first); on
Alpine and BusyBox (ash), and where the shell is bash, `set -o pipefail` works too. Where
docklint does not know what `/bin/sh` is, it says so.

`sh -o pipefail` (in `SHELL ["/bin/sh", "-o", "pipefail", "-c"]` or `sh -o pipefail -c '...'`)
counts, except where `/bin/sh` is known to be a dash without `pipefail`: dash accepts
`-o pipefail` only from 0.5.13 on, and the Debian and Ubuntu releases docklint can name from the
base image ship older ones (Debian 12 "bookworm" and older, Ubuntu 24.04 "noble" and older, and
the images built on them, e.g. `python:3.12-slim-bookworm`). There dash rejects the option
(`sh: 0: Illegal option -o pipefail`): the script does not run with `pipefail`, and the RUN
fails. The pipe is reported with a message that says so and offers `/bin/bash`. On other bases (`debian:latest`,
`python:3.12-slim`, newer releases, images docklint does not know) it is taken at its word.

## Differences from hadolint
hadolint's DL4006 forgets the `SHELL` of the parent stage on every `FROM`, does not see
`set -o pipefail` in the script, and reports every pipe, whatever its consumer or left side. It
accepts only a `SHELL` running bash, zsh or ash with `-o pipefail`; docklint also accepts `sh`
and `dash` with it, except on the bases known to have a dash without `pipefail` (see above).
hadolint does not look inside ONBUILD; a pipe in a trigger hides a failure in the build that
runs it just the same, so docklint checks `ONBUILD RUN` too.

## Why is this bad?
Without `pipefail` a pipeline's exit status is that of its last command. In
`RUN curl -fsSL https://example.com/install.sh | sh`, a failed download leaves `sh` reading an
empty script, which succeeds: the step passes and the build goes on without what the script
should have installed, to fail much later or not at all.

## Example
```dockerfile
FROM debian:12-slim
RUN curl -fsSL https://example.com/install.sh | sh
```

## Use instead
```dockerfile
FROM debian:12-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/install.sh | sh
```
"""

from __future__ import annotations

import bisect

from docklint.lazyre import lazy
from docklint.checks import windows_stage
from docklint.facts import facts_of
from docklint.packages import unwrap
from docklint.rule import Finding, Severity, rule
from docklint.shell import SHELL_NAMES, program_of

_PIPEFAIL_SHELLS = {"bash", "zsh", "ash", "sh", "ksh", "mksh", "dash", "busybox"}
# shells whose `set -o pipefail` works wherever they run
_BASHLIKE = {"bash", "zsh", "ksh", "mksh"}
_HARMLESS = {"echo", "printf", "true", ":", "yes"}
# commands that pass empty input on as empty output (or fail on it), so that a consumer after
# them still sees what the producer failed to give
_FILTERS = {"grep", "egrep", "fgrep", "sed", "awk", "gawk", "mawk", "sort", "uniq", "cut", "tr",
            "head", "tail", "tee", "cat", "base64", "gunzip", "zcat", "gzip", "xz", "unxz",
            "xzcat", "bzip2", "bunzip2", "bzcat", "zstd", "unzstd", "zstdcat"}
_DECOMPRESSORS = {"gunzip", "zcat", "unxz", "xzcat", "bunzip2", "bzcat", "unzstd", "zstdcat"}
_DECOMPRESSING = {"gzip", "xz", "bzip2", "zstd"}       # with -d / --decompress
_CHECKSUMS = {"sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "md5sum", "b2sum",
              "shasum", "cksum"}
_GPG_READING = ("--import", "--dearmor", "--dearmour", "--verify", "--decrypt")
# apt-mark subcommands that fail when given no package
_APT_MARK_NEEDS_ARGS = {"auto", "manual", "hold", "unhold", "minimize-manual"}


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


def _shell_sets_pipefail(words, old_dash: bool = False) -> bool:
    """Whether the shell command ``words`` runs with ``-o pipefail``; with ``old_dash`` (its
    ``/bin/sh`` is a dash without the option), ``sh -o pipefail`` and ``dash -o pipefail`` do
    not."""
    exe, rest = _program(words)
    if exe not in _PIPEFAIL_SHELLS or (old_dash and exe in _DASH_NAMES):
        return False
    found = _option(rest)
    return bool(found) and found[-1][1]


_DASH_NAMES = {"sh", "dash"}
# base images whose /bin/sh is a dash older than 0.5.13 (no `-o pipefail`): Debian 12 and
# older, Ubuntu 24.04 and older, by release number or codename in the tag
_OLD_DEBIAN = lazy(r"(?:^|[-_.])(?:jessie|stretch|buster|bullseye|bookworm|xenial|bionic|"
                         r"focal|jammy|noble)(?:$|[-_.])")
_OLD_RELEASE = {"debian": lazy(r"(?:8|9|10|11|12)(?:$|[.-])"),
                "ubuntu": lazy(r"(?:14|16|18|20|22|24)\.04(?:$|[.-])")}


def _old_dash(df, facts, stage) -> bool:
    """Whether the stage's ``/bin/sh`` is known to be a dash without ``-o pipefail``."""
    if facts.bin_sh(stage.index) != "dash":
        return False
    root = df.graph.root_base(stage.index)
    if root is None or root.kind != "image" or root.image is None:
        return False
    tag = (root.image.tag or "").lower()
    if not tag or "$" in tag:
        return False
    repo = root.image.repository.lower().rsplit("/", 1)[-1]
    release = _OLD_RELEASE.get(repo)
    return bool(_OLD_DEBIAN.search(tag) or (release is not None and release.match(tag)))


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


def _pipelines(script, bodies):
    """The pipelines of the script, each as its commands in order (a group or subshell in a
    pipe is represented by its first and last commands)."""
    cmds = sorted(script.commands, key=lambda c: c.start)
    readers = [c for c in cmds if c.pipeline_prev]          # commands reading from a pipe
    starts = [c.start for c in readers]
    for first in cmds:
        if not first.pipeline_next or first.pipeline_prev:
            continue
        members = [first]
        cur = first
        ctx = _context(bodies, first)
        while cur.pipeline_next:
            k = bisect.bisect_left(starts, cur.end)
            nxt = next((d for d in readers[k:] if d.depth == cur.depth and
                        _context(bodies, d) == ctx), None)
            if nxt is None:
                break
            members.append(nxt)
            cur = nxt
        if len(members) > 1:
            yield members


def _short_flags(cmd) -> str:
    """The letters of the command's short options (``-xzf`` -> ``xzf``)."""
    return "".join(a.value[1:] for a in cmd.args
                   if a.value.startswith("-") and not a.value.startswith("--"))


def _tar_reads_stdin(cmd) -> bool:
    """``tar`` extracting or listing the archive on its standard input."""
    args = [a.value for a in cmd.args]
    letters = _short_flags(cmd)
    if args and not args[0].startswith("-"):
        letters += args[0]                      # old style: `tar xzf -`
    if not ({"x", "t"} & set(letters) or {"--extract", "--get", "--list"} & set(args)):
        return False
    for i, v in enumerate(args):                # an archive file other than `-`: not stdin
        if v.startswith("--file="):
            return v == "--file=-"
        if (v == "--file" or (v.startswith("-") and not v.startswith("--") and
                              v.endswith("f"))) and i + 1 < len(args):
            return args[i + 1] == "-"
    if args and not args[0].startswith("-") and args[0].endswith("f") and len(args) > 1:
        return args[1] == "-"
    return True


def _fails_on_empty(cmd) -> bool:
    """Whether ``cmd`` fails when its input is empty, truncated or not what it expects, so
    that the producer's failure still fails the pipe: ``tar -x``, ``gpg --import/--dearmor``,
    ``apt-key add``, ``sha256sum -c``, ``grep``, a decompressor (behind ``sudo`` and the
    like too), ``xargs apt-mark auto``."""
    if _xargs_fails_on_empty(cmd):
        return True
    cmd = unwrap(cmd)
    name = cmd.name
    args = [a.value for a in cmd.args]
    if name == "tar":
        return _tar_reads_stdin(cmd)
    if name in ("gpg", "gpg2"):
        return any(a in _GPG_READING or a.split("=", 1)[0] in _GPG_READING for a in args)
    if name == "apt-key":
        return "add" in args
    if name in _CHECKSUMS:
        return "-c" in args or "--check" in args or "c" in _short_flags(cmd)
    if name in ("grep", "egrep", "fgrep"):
        return True
    if name in _DECOMPRESSORS:
        return True
    if name in _DECOMPRESSING:
        return "--decompress" in args or "d" in _short_flags(cmd)
    return False


def _xargs_fails_on_empty(cmd) -> bool:
    """``xargs`` without ``-r`` runs its command once, without arguments, on empty input: it
    fails when that command needs arguments (``xargs apt-mark auto``)."""
    if cmd.name != "xargs" or "--no-run-if-empty" in [a.value for a in cmd.args] or \
            "r" in _short_flags(cmd):
        return False
    inner = unwrap(cmd)
    words = [a.value for a in inner.args]
    if inner.name == "apt-mark":
        return bool(words) and words[0] in _APT_MARK_NEEDS_ARGS
    if inner.name == "dpkg-query":
        return "-S" in words or "--search" in words
    return False


def _runtime_deps(cmd) -> bool:
    """``xargs -r apt-mark manual`` / ``xargs -r apk add --virtual NAME``: the end of the
    official images' scan for the libraries a freshly built program needs."""
    if cmd.name != "xargs":
        return False
    if not ("--no-run-if-empty" in [a.value for a in cmd.args] or "r" in _short_flags(cmd)):
        return False
    inner = unwrap(cmd)
    words = [a.value for a in inner.args]
    if inner.name == "apt-mark":
        return "manual" in words
    if inner.name == "apk":
        return "add" in words and any(w in ("--virtual", "-t") or w.startswith("--virtual=")
                                      for w in words)
    return False


def _safe(members, i) -> bool:
    """Whether the failure of ``members[i]`` cannot go unnoticed although the pipe hides its
    status: the consumer at the end fails on the empty or partial input it then gets, and every
    command in between only filters."""
    rest = members[i + 1:]
    return all(unwrap(c).name in _FILTERS or _fails_on_empty(c) for c in rest[:-1]) and \
        _fails_on_empty(rest[-1])


def _advice(facts, stage, shell: str, where: str) -> str:
    """How to turn pipefail on for a script run by ``shell`` (a program name), ``where`` being
    "run" (the RUN's own shell), "string" (an `sh -c` string), "stdin" (a heredoc a shell
    reads) or "shebang" (a heredoc script with its own `#!` line)."""
    flavour = shell if shell in _BASHLIKE or shell in ("dash", "ash") else None
    if shell in ("sh", "busybox"):
        flavour = facts.bin_sh(stage.index)
    if where == "string":
        if flavour in _BASHLIKE or flavour == "ash":
            return "add `set -o pipefail` at the start of the string, or run it with " \
                   "`bash -o pipefail -c`"
        return "run it with `bash -o pipefail -c` (`set -o pipefail` fails under dash, " \
               "Debian's and Ubuntu's /bin/sh)"
    if where in ("stdin", "shebang"):
        at = "heredoc script" if where == "shebang" else "script it reads"
        if flavour in _BASHLIKE or flavour == "ash":
            return f"add `set -o pipefail` at the top of the {at}"
        return f"run the {at} with bash and add `set -o pipefail` at its top (dash, " \
               "Debian's and Ubuntu's /bin/sh, rejects it)"
    if flavour in _BASHLIKE:
        path = f"/bin/{flavour}"
        return (f"start the script with `set -o pipefail`, or put `SHELL [\"{path}\", \"-o\", "
                "\"pipefail\", \"-c\"]` before this RUN")
    if flavour == "ash":
        return ("put `SHELL [\"/bin/ash\", \"-o\", \"pipefail\", \"-c\"]` before this RUN, or "
                "start the script with `set -o pipefail` (BusyBox ash has it)")
    if flavour == "dash":
        return ("put `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this RUN "
                "(/bin/sh here is dash, which rejects `set -o pipefail`), or download to a file "
                "first and use the file")
    return ("put `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this RUN if the "
            "image has bash (`set -o pipefail` fails where /bin/sh is dash, as on Debian and "
            "Ubuntu), or download to a file first and use the file")


@rule("DK438", "pipe-without-pipefail", Severity.WARNING, tags={"reliability"},
      aliases=("DL4006",), triggers=("RUN",),
      words=("|",))
def check(df, options):
    facts = facts_of(df)
    for stage in df.stages:
        if windows_stage(df, stage):
            continue
        for ins in stage.instructions:
            eff = ins.effective
            if eff is None or eff.keyword != "RUN" or eff.json:
                continue
            script = facts.script(ins)
            if script is None or not any(c.pipeline_next for c in script.commands):
                continue
            shebang = script.text.startswith("#!") and len(eff.heredocs) == 1 and \
                script.text == eff.heredocs[0].content
            # a trigger runs under the SHELL this stage ends with (the built image's)
            shell_words = script.text[2:].split("\n", 1)[0].split() if shebang else \
                facts.shell_of(stage, before=None if eff is not ins else ins)
            if eff is not ins and not shebang and shell_words and any(
                    x in shell_words[0].rsplit("/", 1)[-1].lower()
                    for x in ("powershell", "pwsh", "cmd")):
                continue        # the stage ends with a PowerShell or cmd SHELL
            old_dash = _old_dash(df, facts, stage)
            on = _shell_sets_pipefail(shell_words, old_dash)
            # `-o pipefail` given to a dash that rejects it
            rejected = old_dash and not on and _shell_sets_pipefail(shell_words)
            bodies = _bodies(script)
            hit = None
            for members in _pipelines(script, bodies):
                first = members[0]
                ctx = _context(bodies, first)
                if ctx is None and first.depth > 0:
                    continue            # inside $(...): its status is not the RUN's
                if _runtime_deps(members[-1]):
                    continue
                for i, cmd in enumerate(members[:-1]):
                    if _harmless(cmd) or cmd.tested or _safe(members, i):
                        continue
                    if i > 0 and unwrap(cmd).name in _FILTERS:
                        continue        # only filters what comes before it: that one counts
                    if ctx is None:
                        if on or _set_before(script, cmd, None, bodies):
                            continue
                    else:
                        shell_cmd = ctx[2]
                        if _shell_sets_pipefail([shell_cmd.name] +
                                                [a.value for a in shell_cmd.args], old_dash) \
                                or _set_before(script, cmd, ctx, bodies):
                            continue
                    if hit is None or cmd.start < hit[0].start:
                        hit = (cmd, ctx)
                    break
            if hit is None:
                continue
            cmd, ctx = hit
            name = cmd.name or "the command"
            inner = [ctx[2].name] + [a.value for a in ctx[2].args] if ctx is not None else None
            if rejected if ctx is None else \
                    (old_dash and _shell_sets_pipefail(inner) and ctx[3] == "string"):
                what = "this SHELL runs" if ctx is None else f"`{ctx[2].name}` runs"
                fix = ("put `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this "
                       "RUN") if ctx is None else "run it with `bash -o pipefail -c`"
                yield Finding(script.command_span(cmd),
                              f"{what} dash with `-o pipefail`, which this base's dash (older "
                              "than 0.5.13) rejects (`Illegal option -o pipefail`): the RUN "
                              f"fails, and `{name}` gets no pipefail; {fix}")
                continue
            if ctx is not None:
                where = "stdin" if ctx[3] == "heredoc" else "string"
                advice = _advice(facts, stage, ctx[2].name, where)
                if where == "stdin":
                    advice = advice.replace("the script it reads",
                                            f"the script `{ctx[2].name}` reads")
            elif shebang:
                advice = _advice(facts, stage, _program(shell_words)[0], "shebang")
            else:
                advice = _advice(facts, stage, _program(shell_words)[0], "run")
            yield Finding(script.command_span(cmd),
                          f"if `{name}` fails, the pipe hides it and the RUN still succeeds; "
                          f"{advice}")
