"""CMD or ENTRYPOINT in shell form.

## What it does
Fires on a `CMD` or `ENTRYPOINT` written in shell form (`CMD node server.js`, a bare `CMD`
included), which Docker runs as `/bin/sh -c "node server.js"`, unless a `SHELL` instruction is
in effect: earlier in the stage, in a stage its `FROM` chain leads through, or in an
`ONBUILD SHELL` of such a stage. Whoever sets `SHELL` has chosen shell form on purpose. It
reports the command text.

This is BuildKit's JSONArgsRecommended check, with these differences, and not hadolint's DL3025:

- `HEALTHCHECK CMD` is not reported (hadolint reports it). A health check is a short-lived
  command the engine starts and waits for; signals and PID 1 do not matter there, and shell
  features such as `curl -f http://localhost/ || exit 1` are what it is usually written with.
- A `CMD` whose command ends by `exec`-ing the program (`CMD exec gunicorn --bind :$PORT
  app:app`) is not reported: the program replaces the shell, gets the signals, and the shell
  still expands `$PORT`. A shell-form `ENTRYPOINT` is reported even then, because it also
  ignores `CMD` and the arguments of `docker run`.
- Where DK102 (`shell-form-without-shell`) already reports the instruction as an error (the
  final image has no `/bin/sh` at all), this rule stays quiet: one finding per problem.

On a Windows base image (`mcr.microsoft.com/windows/...`, `dotnet/framework`, a `nanoserver`
or `servercore` tag) the message names `cmd /S /C`, the shell Windows images run shell form
with.

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
When the command is a plain list of words (no variables, quotes, escapes, operators,
redirections, globs, comments or `~`, no `NAME=value` prefix, and not a word only the shell knows
such as `cd` or `export`), the fix rewrites it in exec form; a leading `exec` is dropped. That
removes `/bin/sh` from the command line, and changes how a shell-form `CMD` combines with an
exec-form `ENTRYPOINT` (and how an `ENTRYPOINT` combines with `CMD`), so the fix is unsafe.
DK102 offers the same rewrite where the image has no shell at all.
"""

from __future__ import annotations

from docklint.checks import has_parse_error, windows_stage
from docklint.facts import facts_of
from docklint.fixes import exec_form, exec_form_text
from docklint.rule import Edit, Finding, Fix, Severity, rule


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


@rule("DK603", "json-args-recommended", Severity.WARNING, tags={"runtime"},
      aliases=("DL3025", "JSONArgsRecommended"), fixable="sometimes")
def check(df, options):
    skip = None
    for stage in df.stages:
        for ins in stage.instructions:
            if ins.keyword not in ("CMD", "ENTRYPOINT") or ins.json or has_parse_error(df, ins):
                continue
            if _shell_set(df, stage, ins):
                continue
            if skip is None:
                skip = _dk102_reports(df)
            if id(ins) in skip:
                continue
            if ins.keyword == "CMD" and _execs(df, ins):
                continue
            text = ins.args[0].value if ins.args else ""
            fix = None
            hint = ""
            words = exec_form(text)
            if words:
                json_form = exec_form_text(words)
                hint = f": `{ins.written} {json_form}`"
                fix = Fix(f"Rewrite in exec form: {json_form}",
                          (Edit(ins.rest_span, json_form),), safe=False)
            windows = windows_stage(df, stage)
            shell = "cmd /S /C" if windows else "/bin/sh -c"
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
            span = ins.rest_span if ins.args else ins.keyword_span
            yield Finding(span, f"{ins.keyword} in shell form runs under `{shell}`: {why}; "
                                f"use exec (JSON) form{hint}", fix=fix)
