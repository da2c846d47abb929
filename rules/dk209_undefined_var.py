r"""An instruction that BuildKit expands uses a variable that is not defined.

## What it does
BuildKit itself expands variables in COPY and ADD (sources, destination, `--chown`, `--chmod`,
ADD's `--checksum`, the body of a heredoc with an unquoted delimiter), ENV, LABEL, WORKDIR,
USER, VOLUME, STOPSIGNAL, ARG defaults and the options of `RUN --mount`. This rule fires for a
`$NAME` or `${NAME...}` there when, at that point, `NAME` is

- not set by an ENV or declared by an ARG in the stage or in the stages its FROM chain builds on
  (an ARG without a value counts as declared),
- not `PATH`, which BuildKit always sets,
- not in the `known-vars` option, the names your base images define in their environment.

A name declared nowhere in the file is not reported in a form that says what to do when it is
unset, `${NAME:-default}`, `${NAME-default}`, `${NAME:+alternative}` or `${NAME+alternative}`
(nor a plain `$NAME` inside such an alternative: in
`${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}/opt/lib` it is only expanded when set). The author has
handled the unset case, usually to extend a variable the base image may set. A global ARG or an
automatic platform ARG is still reported in those forms, since the default then hides a scoping
mistake. Otherwise: an escaped `\$NAME` and `'$NAME'` (where quotes
are processed) are not variables; one finding per variable per instruction; an ENV with several
pairs expands all of them against the environment *before* it, so `ENV A=1 B=$A` uses an
undefined `A`, while `ARG A=1 B=$A` does not: that same-ENV case is reported as BuildKit
reports it (DK605 `env-self-reference`, hadolint's DL3044, says more about it). When a defined name is close, the
message suggests it. A name that is a global ARG gets a message naming that declaration and the
fix, and so do the automatic platform ARGs (`TARGETARCH`...), which a stage must also declare
before use; for these two cases EXPOSE is checked too (BuildKit expands EXPOSE but does not
report unknown names there). FROM lines are DK207's; RUN, CMD and the other shell commands are
DK206's.

BuildKit knows the environment of the base image; docklint does not pull images. It knows what
the widely used official images set (`GOPATH` in golang, `JAVA_HOME` in eclipse-temurin,
`PHP_INI_DIR` in php, `NGINX_VERSION` in nginx...), that OS images such as debian and alpine
set only `PATH`, and that `scratch` sets nothing (BuildKit adds `PATH`). `HOME`, for instance,
is not part of those images' environment, so BuildKit expands `WORKDIR $HOME/app` to `/app`.
On these bases every undefined name is reported, as BuildKit does.

On any other base (an image docklint has no data for, or one named by an unresolved ARG) a name
declared nowhere may come from that image, so docklint reports it only when it is one or two
typos away from a name that is defined (then it suggests that name). Global ARGs, automatic
platform ARGs are reported on every base. Two options adjust this:
`known-vars` lists names your base images set (a list, or a comma-separated string; default
empty), and `unknown-base-env-is-empty = true` treats every unknown base like `scratch`, to
report everything BuildKit would report for an image that sets nothing.

Suggestions have a budget: a file's "did you mean" hints (this rule's, DK201's, DK207's and
DK608's) compare at most 20,000 names in all. A file with thousands of variables gets no
more hints once it is spent, and then, on an unknown base, no more of the findings that only
a near name would justify.

Under ONBUILD: a trigger's variables are not checked, because the trigger is expanded in a build
FROM this image, where this file's ARGs are not in scope and that build's own ARGs (which this
file does not know) may define them.

## Why is this bad?
BuildKit replaces an undefined variable with an empty string and goes on: `COPY app $APP_DIR/`
copies to `/`, `WORKDIR $HOME/app` becomes `/app`, `USER $APP_UID` sets an empty user (so the
container runs as root), `LABEL version=$VERSION` records nothing.

## Differences from BuildKit
Same instructions and scoping as BuildKit's UndefinedVar, with three deliberate differences.
BuildKit reports the guarded forms (`${NAME:-default}`, `${NAME:+alternative}`) of a name
declared nowhere; docklint does not (see above). BuildKit reads the real environment of the
base image; docklint knows it only for the images it has data for, and on any other base
reports a name declared nowhere only when it is a likely typo (the `known-vars` and
`unknown-base-env-is-empty` options adjust this). And docklint reports a global or automatic
platform ARG used in EXPOSE, which BuildKit expands without reporting. Like BuildKit, it skips
ONBUILD triggers, RUN/CMD/ENTRYPOINT (DK206's) and FROM (DK207's).

## Example
```dockerfile
ARG APP_VERSION=1.0.0
FROM alpine:3.20
ENV APP_HOME=/srv/app
WORKDIR $APP_HOM
LABEL org.opencontainers.image.version=$APP_VERSION
```

## Use instead
```dockerfile
ARG APP_VERSION=1.0.0
FROM alpine:3.20
ARG APP_VERSION
ENV APP_HOME=/srv/app
WORKDIR $APP_HOME
LABEL org.opencontainers.image.version=$APP_VERSION
```

## Fix safety
For a global ARG or an automatic platform ARG, the fix adds `ARG NAME` on the line after the
stage's `FROM`, one line per name, for every such name the stage uses (DK206's findings in the
same stage share it, so each name is declared once). The instruction then gets the value it was
written for instead of an empty string: the fix is safe. When a CMD, ENTRYPOINT or HEALTHCHECK
of the stage also uses the name (DK206's case), the fix adds `ENV NAME=$NAME` after the ARG, so
that the running container has it too; that changes the environment of the container, and the
fix is unsafe. Other undefined names get no fix: docklint cannot know what they were meant to
be.
"""

from __future__ import annotations

from docklint.fixes import stage_arg_fix
from docklint.model import closest
from docklint.rule import Finding, Option, Related, Severity, rule

# "same-instruction": ENV A=1 B=$A, where A is set only by an earlier pair of the same ENV
_REPORTED = ("unknown", "global-arg", "automatic-arg", "same-instruction")
# forms that say what to do when the variable is unset: ${X:-default}, ${X:+alternative}...
_GUARDS = (":-", "-", ":+", "+")


@rule("DK209", "undefined-var", Severity.WARNING, tags={"args"}, aliases=("UndefinedVar",),
      fixable="sometimes", words="$", options={
          "known-vars": Option([], "names your base images set in their environment (docklint "
                                   "cannot see it), as a list or a comma-separated string; "
                                   "PATH is always known", type=(list, str)),
          "unknown-base-env-is-empty": Option(
              False, "on a base image whose environment docklint does not know, report every "
                     "undeclared name, not only likely typos")})
def check(df, options):
    known = options.get("known-vars") or ()
    if isinstance(known, str):
        known = known.split(",")
    known = {str(k).strip() for k in known}
    strict = bool(options.get("unknown-base-env-is-empty"))
    for stage in df.stages:
        after = stage.from_.end_line
        image_env = df.image_env(stage.index)
        base_known = strict or image_env is not None
        from_image = sorted(image_env or {"PATH"})
        fixes = None
        for k, ins in enumerate(stage.instructions):
            uses = [u for u in df.var_uses(ins) if u.expander == "builder"]
            if not uses:
                continue
            env = stage.envs[k]
            seen: set[str] = set()
            guarded = [(u.name, u.span) for u in uses
                       if u.how in ("unknown", "same-instruction") and u.modifier in _GUARDS]
            for use in uses:
                if use.defined or use.how not in _REPORTED or use.name in known or \
                        use.name in seen:
                    continue
                if use.how in ("unknown", "same-instruction") and (
                        use.modifier in _GUARDS or any(
                        n == use.name and sp.start <= use.span.start and use.span.end <= sp.end
                        for n, sp in guarded)):
                    continue      # the author handles "unset" (an alternative or a default)
                if ins.keyword == "EXPOSE" and use.how not in ("global-arg", "automatic-arg"):
                    continue
                guess = closest(use.name, [*env, *from_image], df.spelling_budget) \
                    if use.how == "unknown" else None
                if use.how == "unknown" and not base_known and guess is None:
                    continue      # the base image may well set it
                seen.add(use.name)
                scoped = None
                if use.how != "unknown":
                    if fixes is None:
                        fixes = stage_arg_fix(df, stage, exclude=known)
                    scoped = fixes.get(use.name)
                yield _finding(use, guess, after, scoped)


def _finding(use, guess: str | None, after: int, fix=None) -> Finding:
    name = use.name
    message = f"usage of undefined variable `${name}`"
    related = ()
    if use.how == "global-arg":
        message += (f": it is a global ARG (line {use.decl.instruction.line}) that is not in "
                    f"scope here; add `ARG {name}` after line {after}")
        related = (Related(use.decl.word.span, "declared here, before the first FROM"),)
    elif use.how == "same-instruction":
        message += (f": `{name}` is set by an earlier pair of this same ENV, but BuildKit "
                    f"expands every value of an ENV against the environment before it, so it "
                    f"is empty here; set `{name}` in an earlier ENV")
    elif use.how == "automatic-arg":
        message += (f": it is an automatic platform ARG, which a stage must declare before "
                    f"use; add `ARG {name}` after line {after}")
    else:
        if guess:
            message += f" (did you mean `${guess}`?)"
        message += (f"; BuildKit expands it to an empty string (if the base image sets it, "
                    f"add `{name}` to the `known-vars` option)")
    return Finding(use.span, message, related=related, fix=fix)
