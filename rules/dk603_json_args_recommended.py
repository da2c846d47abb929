"""CMD or ENTRYPOINT in shell form.

## What it does
Fires on a `CMD` or `ENTRYPOINT` written in shell form (`CMD node server.js`, a bare `CMD`
included), which Docker runs as `/bin/sh -c "node server.js"`, unless a `SHELL` instruction is
in effect: earlier in the stage, in a stage its `FROM` chain leads through, or in an
`ONBUILD SHELL` of such a stage. Whoever sets `SHELL` has chosen shell form on purpose. It
reports the command text.

With the option `healthcheck` (on under a `.hadolint.yaml`), a shell-form `HEALTHCHECK CMD` is
reported too, as info (see the differences from hadolint below).

On a Windows base image (`mcr.microsoft.com/windows/...`, `dotnet/framework`, a `nanoserver`
or `servercore` tag) the message names `cmd /S /C`, the shell Windows images run shell form
with.

Under ONBUILD: an `ONBUILD CMD` or `ONBUILD ENTRYPOINT` is not reported where it is written.
It becomes the command of the images built FROM this one, and the build that runs the trigger
decides the rest: a `SHELL` or a later `CMD` there changes the answer. BuildKit checks it as an
ordinary instruction of that build, and hadolint does not look inside ONBUILD either.

## Differences from hadolint
hadolint's DL3025 also reports a shell-form `HEALTHCHECK CMD`. docklint does so only with the
option `healthcheck` (as info), which a `.hadolint.yaml` configuration turns on, so that a
project linted as hadolint lints it gets the same finding; by default it does not, as BuildKit's
JSONArgsRecommended does not (it checks only `CMD` and `ENTRYPOINT`): a health check is a
short-lived command the engine starts and waits for; signals and PID 1 do not matter there,
and shell features such as `curl -f http://localhost/ || exit 1` are what it is usually
written with. A shell-form health check in an image without a shell is DK102's finding
(`shell-form-without-shell`). hadolint also ignores `SHELL`: it reports a shell-form `CMD`
after a `SHELL` instruction (in the stage or a stage it is built FROM), where docklint, like
BuildKit, takes the shell form as chosen on purpose. The other differences below (`exec`, the
instructions left to DK102 and DK602, the messages) apply to DL3025 as well.

## Differences from BuildKit
This is BuildKit's JSONArgsRecommended check, with these differences:

- A `CMD` whose command ends by `exec`-ing the program (`CMD exec gunicorn --bind :$PORT
  app:app`) is not reported: the program replaces the shell, gets the signals, and the shell
  still expands `$PORT`. A shell-form `ENTRYPOINT` is reported even then, because it also
  ignores `CMD` and the arguments of `docker run`.
- Where DK102 (`shell-form-without-shell`) already reports the instruction as an error (the
  final image has no `/bin/sh` at all), this rule stays quiet: one finding per problem. So it
  does for a `CMD` or `ENTRYPOINT` that a later one in the same stage overrides (DK602's
  finding: it has no effect at all).
- A command that is more than one program, a loop (`while ...; do ...; done`), a pipeline
  (`app | tee log`, also inside `sh -c '...'`) or several commands (`./migrate && ./server`),
  gets a different message, as **info** for `CMD`: exec form cannot express it, and writing it
  as `["sh", "-c", "..."]` keeps the same shell as PID 1. The advice is to `exec` the
  long-running program as the last command, or to run the container under an init that
  forwards signals (tini, `docker run --init`).
- A command that was meant as exec form but is not valid JSON, and is therefore shell form
  (`CMD ['node', 'app.js']` with single quotes, a trailing comma, a missing comma or `]`, a
  backslash that is not a JSON escape such as `C:\app`), gets a precise message. Without a
  `SHELL`, the container runs `/bin/sh -c "['node', 'app.js']"`, which looks for a program
  named `[node,` and fails at start: an **error** when the target image (`--target`, else the
  last stage) runs it: the instruction is in the target's `FROM` chain, no nearer stage
  overrides it, and for a `CMD`, no nearer stage's `ENTRYPOINT` resets it (an `ENTRYPOINT` in a
  stage that sets no `CMD` clears the inherited one), no exec-form `ENTRYPOINT` receives it as
  arguments and no shell-form `ENTRYPOINT` ignores it. Otherwise it is a warning that says why
  the image does not run it: a `CMD` an exec-form `ENTRYPOINT` receives, or one a `SHELL`
  runs, depends on that program; a stage outside the chain still fails where it is built as a
  target. A shell test such as `CMD [ -f /ready ] || exit 1` (no comma after the first quoted
  word), or `CMD [ "$MIGRATE" ] && ./migrate; exec ./server` (quoted words without commas,
  blanks inside the brackets, a shell operator after them), is not taken for such an attempt.

## Why is this bad?
In shell form the program is a child of `sh`. Depending on the shell and on the command (any
`&&`, pipe or redirection), `sh` stays PID 1, does not pass `SIGTERM` on, and `docker stop`
waits out its timeout before killing the container: no graceful shutdown. A shell-form
`ENTRYPOINT` also ignores `CMD` and every argument given to `docker run`.

## Example
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY . .
CMD node server.js
```

## Use instead
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY . .
CMD ["node", "server.js"]
```

## Fix safety
For a JSON array that is broken only in its quotes or commas, the fix writes it as valid JSON;
the container then runs what the line says instead of failing (or passing other arguments),
which changes what it does: the fix is unsafe.

When the command is a plain list of words (no variables, quotes, escapes, operators,
redirections, globs, comments or `~`, no `NAME=value` prefix, and not a word only the shell knows
such as `cd` or `export`), the fix rewrites it in exec form; a leading `exec` is dropped. That
removes `/bin/sh` from the command line, and changes how a shell-form `CMD` combines with an
exec-form `ENTRYPOINT` (and how an `ENTRYPOINT` combines with `CMD`), so the fix is unsafe.
DK102 offers the same rewrite where the image has no shell at all.
"""

from __future__ import annotations


from docklint.checks import broken_exec_form, has_parse_error, image_command, windows_stage
from docklint.facts import facts_of
from docklint.fixes import exec_form_rewrite
from docklint.rule import Edit, Finding, Fix, Option, Severity, rule
from docklint.source import Span


def _shell_set(df, stage, ins) -> bool:
    """Whether a SHELL instruction is in effect for ``ins``."""
    for k, st in enumerate(df.graph.chain(stage.index)):
        for other in st.instructions:
            if k == 0 and other is ins:
                break
            if other.keyword == "SHELL":
                return True
            if k > 0 and other.keyword == "ONBUILD" and other.sub is not None and \
                    other.sub.keyword == "SHELL":
                return True
    return False


def _dk102_reports(df) -> set[int]:
    """The instructions DK102 reports as shell form in an image without a shell."""
    target = df.target
    facts = facts_of(df)
    if target is None or facts.has_shell(target.index) is not False:
        return set()
    entry = facts.last_in_chain(target.index, "ENTRYPOINT")
    found = [entry]
    if entry is None or not entry.json:
        found.append(facts.last_in_chain(target.index, "CMD"))
    return {id(ins) for ins in found if ins is not None and not ins.json and ins.args}


def _execs(df, ins) -> bool:
    """The command's last step replaces the shell with the program (``exec prog ...``)."""
    script = facts_of(df).script(ins)
    if script is None or script.has_error:
        return False
    top = [c for c in script.commands if c.depth == 0]
    return bool(top) and top[-1].name == "exec" and bool(top[-1].args)


_SHELLS = ("sh", "bash", "ash", "dash", "zsh", "ksh")


def _compound(df, ins) -> str | None:
    """What makes the command more than one program (a loop, a pipeline, several commands), or
    None for a single command. A command that is ``sh -c '...'`` is judged by its script."""
    script = facts_of(df).script(ins)
    if script is None or script.has_error:
        return None
    depth = 0
    top = [c for c in script.commands if c.depth == 0]
    if len(top) == 1 and top[0].name in _SHELLS and top[0].has_flag("-c"):
        depth = 1
        top = [c for c in script.commands if c.depth == 1]
    text = ins.args[0].value if ins.args else ""
    first = text.lstrip().split(None, 1)[0] if text.strip() else ""
    if depth == 0 and first in ("while", "until", "for") or \
            any(w in text.split() for w in ("do", "done")) and len(top) > 1:
        return "a loop"
    if any(c.pipeline_next for c in top):
        return "a pipeline"
    if len(top) > 1:
        return "several commands"
    return None


def _overridden(last: dict[str, int], ins) -> bool:
    """A later instruction of the same kind in the stage overrides it (DK602's finding);
    ``last``: the place of the stage's last instruction of each kind."""
    return last.get(ins.keyword, -1) > ins.index


def _last_of_each_kind(stage) -> dict[str, int]:
    last: dict[str, int] = {}
    for o in stage.instructions:
        last[o.keyword] = max(last.get(o.keyword, -1), o.index)
    return last


def _not_run(df, stage, ins) -> str | None:
    """Why the target image does not run ``ins`` (None when it does): the stage is outside the
    target's FROM chain, a nearer CMD/ENTRYPOINT overrides it, a nearer ENTRYPOINT resets the
    CMD, a shell-form ENTRYPOINT ignores the CMD, or ONBUILD triggers make it uncertain."""
    target = df.target
    if target is None:
        return None
    chain = [s.index for s in df.graph.chain(target.index)]
    if stage.index not in chain:
        return (f"stage `{stage.label}` is not in the FROM chain of the target image "
                f"(stage `{target.label}`), which therefore does not run it"
                + (f" (a build with `--target {stage.name}` would)" if stage.name else ""))
    run = image_command(df, target.index)
    if ins.keyword == "ENTRYPOINT":
        if run.entrypoint is not ins and run.entrypoint is not None:
            return (f"the ENTRYPOINT on line {run.entrypoint.line} overrides it in the target "
                    f"image")
    elif run.cmd is not ins:
        if run.cmd is not None:
            return f"the CMD on line {run.cmd.line} overrides it in the target image"
        if run.cleared_by is not None:
            return (f"the ENTRYPOINT on line {run.cleared_by.line}, in a stage that sets no CMD, "
                    f"resets the CMD inherited from its base, so the target image does not "
                    f"run it")
    elif run.entrypoint is not None and not run.entrypoint.json:
        return (f"the shell-form ENTRYPOINT on line {run.entrypoint.line} ignores CMD, so it has "
                f"no effect")
    if not run.known:
        return ("an ONBUILD CMD or ENTRYPOINT trigger in the chain may replace it in the target "
                "image")
    return None


def _broken(df, stage, ins, shell_set: bool):
    """A finding for a shell-form CMD/ENTRYPOINT that was meant as a JSON array."""
    text = ins.args[0].value if ins.args else ""
    broken = broken_exec_form(text)
    if broken is None:
        return None
    shown = text.strip() if len(text.strip()) <= 50 else text.strip()[:47] + "..."
    windows = windows_stage(df, stage)
    shell = "cmd /S /C" if windows else "/bin/sh -c"
    target = df.target
    entry = image_command(df, target.index).entrypoint if target is not None else None
    passed = ins.keyword == "CMD" and entry is not None and entry.json and entry.args
    not_run = _not_run(df, stage, ins)
    if not_run is not None:
        what = (f"so a container that runs it starts `{shell}` with the text `{shown}` and "
                f"fails; but {not_run}")
        severity = Severity.WARNING
    elif shell_set:
        what = (f"so the SHELL of the stage runs the text `{shown}` as a command, which is not "
                f"what was meant")
        severity = Severity.WARNING
    elif passed:
        what = (f"so the ENTRYPOINT gets `{shell}` and the text `{shown}` as its arguments, "
                f"not the program and arguments that were meant")
        severity = Severity.WARNING
    else:
        what = (f"so the container runs `{shell}` with the text `{shown}`, which starts a "
                f"command named after its first word, `[` and all: there is no such program "
                f"and the container fails at start")
        severity = Severity.ERROR
    message = (f"{ins.keyword} is not a JSON array ({broken.reason}): it is shell form, "
               f"{what}")
    fix = None
    if broken.items and not any(c in item for item in broken.items for c in '"\\'):
        import json      # only when this path runs (not on every lint)
        written = json.dumps(list(broken.items))
        message += f"; write `{ins.written} {written}`"
        fix = Fix(f"Write valid JSON: {written}", (Edit(ins.rest_span, written),), safe=False)
    return Finding(ins.rest_span, message, fix=fix, severity=severity)


def _healthcheck(df, stage, ins) -> Finding | None:
    """hadolint's DL3025 on a shell-form `HEALTHCHECK CMD` (the ``healthcheck`` option)."""
    if len(ins.args) < 2 or ins.args[0].value.upper() != "CMD" or ins.json or \
            has_parse_error(df, ins) or _shell_set(df, stage, ins):
        return None
    rewrite = exec_form_rewrite(ins)
    hint, fix = (f": `{rewrite[0]}`", rewrite[1]) if rewrite else ("", None)
    span = Span(ins.args[1].span.start, ins.args[-1].span.end)
    return Finding(span, "HEALTHCHECK CMD in shell form runs under `/bin/sh -c`, which the image "
                         f"must have; use exec form{hint} (hadolint's DL3025)", fix=fix,
                   severity=Severity.INFO)


@rule("DK603", "json-args-recommended", Severity.WARNING, tags={"runtime"},
      aliases=("DL3025", "JSONArgsRecommended"), fixable="sometimes",
      options={"healthcheck": Option(False, "also report a shell-form HEALTHCHECK CMD (info), "
                                            "as hadolint's DL3025 does; on when a "
                                            ".hadolint.yaml is the configuration")},
      triggers=("CMD", "ENTRYPOINT", "HEALTHCHECK"), needs="shell-form-commands")
def check(df, options):
    skip = None
    healthcheck = bool(options.get("healthcheck"))
    for stage in df.stages:
        last = _last_of_each_kind(stage)
        for ins in stage.instructions:
            if healthcheck and ins.keyword == "HEALTHCHECK":
                if _overridden(last, ins):
                    continue        # it has no effect: DK602 says so
                found = _healthcheck(df, stage, ins)
                if found is not None:
                    yield found
                continue
            if ins.keyword not in ("CMD", "ENTRYPOINT") or ins.json or has_parse_error(df, ins):
                continue
            if _overridden(last, ins):
                continue        # it has no effect: DK602 says so
            if skip is None:
                skip = _dk102_reports(df)
            if id(ins) in skip:
                continue
            shell_set = _shell_set(df, stage, ins)
            found = _broken(df, stage, ins, shell_set)
            if found is not None:
                yield found
                continue
            if shell_set:
                continue
            if ins.keyword == "CMD" and _execs(df, ins):
                continue
            windows = windows_stage(df, stage)
            shell = "cmd /S /C" if windows else "/bin/sh -c"
            span = ins.rest_span if ins.args else ins.keyword_span
            compound = None if windows or _execs(df, ins) else _compound(df, ins)
            if compound is not None:
                why = (f"{ins.keyword} runs {compound} under `{shell}`: the shell stays PID 1 "
                       f"and does not pass SIGTERM on, so `docker stop` waits out its timeout; "
                       f"exec form cannot express this: make the long-running program the "
                       f"last command and `exec` it, or run it under an init that forwards "
                       f"signals (tini, `docker run --init`)")
                if ins.keyword == "ENTRYPOINT":
                    why += "; a shell-form ENTRYPOINT also ignores CMD and `docker run` arguments"
                yield Finding(span, why, severity=Severity.INFO
                              if ins.keyword == "CMD" else None)
                continue
            rewrite = exec_form_rewrite(ins)
            hint, fix = (f": `{rewrite[0]}`", rewrite[1]) if rewrite else ("", None)
            if ins.keyword == "ENTRYPOINT":
                why = "it ignores CMD and `docker run` arguments" + (
                    "" if windows else ", and the shell may stay PID 1 and not pass SIGTERM on")
                if not hint:
                    hint = " (an entrypoint script, if the command needs the shell)"
            else:
                why = "the shell stays between the engine and the program" if windows else \
                    "the shell may stay PID 1 and not pass SIGTERM to the program"
                if not hint:
                    hint = ", or make the command end by `exec`-ing the program"
            yield Finding(span, f"{ins.keyword} in shell form runs under `{shell}`: {why}; "
                                f"use exec (JSON) form{hint}", fix=fix)
