"""A rule that could not check this file, so the report is incomplete.

## What it does
Reports, at the instruction it was checking (or at line 1 when that is not known), a rule that
stopped before it had checked the whole file, and why: input nested deeper than docklint can
follow (`RecursionError`: a `RUN` of thousands of `&&`-joined commands, `$(` nested hundreds
deep), memory running out, a budget a rule keeps on hostile input, or a bug in docklint. The
rule's findings made before it stopped are still reported; the others are missing. Several
rules that failed at one place for one reason are one finding that names them all:

```
Dockerfile:3:1: DK005 [error] rule DK401 (apt-no-install-recommends) could not check this RUN:
too deeply nested (RecursionError); its findings for this file may be incomplete (rule-failed)
```

The engine makes these findings, not a check of the file, so they cannot be turned off:
selecting or ignoring rules, a `# docklint ignore=` pragma or a `# check=skip=` directive do not
hide them (a file from an untrusted pull request must not be able to make its own report look
clean). The run exits with status 2, as for any error, whatever `--fail-on` says; the text
report's summary says how many rules failed, the message also goes to standard error, and the
SARIF report lists each failure in `invocations[0].toolExecutionNotifications` (with the failing
rule) and sets `executionSuccessful` to false.

## Why is this bad?
Without it, a rule that failed would leave no trace in a JSON or SARIF report: the file would
look clean when it was never fully checked. A failure caused by the input (deep nesting) means
the instruction is far beyond what a person writes or reviews; any other failure is a docklint
bug worth reporting with the file that causes it.

## Example
A `RUN` nested deeper than the rules can follow (shown shortened; hundreds of levels of `$(`):
```dockerfile
FROM alpine:3.20
RUN echo $(echo $(echo $(echo $(echo $(echo ... ))))))
```

## Use instead
Split the command, or move the script into a file that the build copies and runs:
```dockerfile
FROM alpine:3.20
COPY build.sh /usr/local/bin/
RUN build.sh
```
"""

from __future__ import annotations

from docklint.rule import Severity, rule

# The findings are made by the engine (docklint.engine.FAILED_CODE), not by this check: the
# docs test and the fixtures test know that this rule's Example cannot be linted into a finding
# (the failures it reports are docklint's, not the file's).
ENGINE_FINDINGS = True


@rule("DK005", "rule-failed", Severity.ERROR, tags={"syntax"})
def check(df, options):
    return ()
