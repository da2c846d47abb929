"""The final image explicitly runs as root.

## What it does
Fires when the last `USER` in the target's chain (the target stage and the stages its `FROM`
leads through) is `root`, `0`, `root:<group>` or `0:<group>`. It reports that `USER` line.

Builder stages are never flagged: running a build step as root in a stage whose files are
copied out is normal and does not make the final image run as root. A `USER root` in an
ancestor stage counts when the target does not switch away from it. When the root comes from a
build ARG's default (`USER $UID:$GID` with `ARG UID=0`), the message says so.

It stays quiet when the image leaves root on its own: it starts through a tool that switches
user (`gosu`, `su-exec`, `setpriv`, `runuser`, `chroot --userspec`, `s6-setuidgid`...) or
installs or copies one in, it starts through an entrypoint script (`docker-entrypoint.sh`,
which usually switches user before `exec "$@"`), or it runs a server or supervisor that starts
as root by design and runs its work as another user (nginx, httpd, php-fpm, haproxy, sshd,
mysqld, cron, supervisord, an init system such as s6-overlay's `/init`). It also stays quiet
for onbuild bases (ONBUILD triggers in the target stage) and for development, test and
interactive images: a shell, interpreter, toolchain, test runner or SDK CLI as the command, or
a target stage, Dockerfile or directory named for development, tests or building. An image
without `CMD`/`ENTRYPOINT` is still reported: it runs its base's command, as root. A fragment
without a `FROM` (or with a `FROM` that names no image) is not: which image it ends up in, and
what runs there, is unknown.

Under ONBUILD: an `ONBUILD USER` trigger of a stage that the target's chain is built `FROM`
runs in this build, at the start of the stage built on it, and counts like a `USER` there (the
finding points at the trigger's `USER`). An `ONBUILD USER` of the target stage itself runs
only in the images later built `FROM` this one, whose authors choose their own final user: it
does not change the user this image runs as, and is not reported (hadolint's DL3002 does not
look inside ONBUILD either).

## Why is this bad?
A process running as root inside a container is root on the host's kernel: a container escape
or a writable host mount turns an application bug into a host compromise. Most images switch to
root to install packages and forget to switch back.

## Differences from hadolint
hadolint's DL3002 flags the last `USER` of every stage when it is root. docklint judges only the
image that runs: the target's chain (a root builder stage whose files are copied out is not
reported, a `USER root` inherited from a stage the target is built FROM is), and it stays quiet
where the image leaves root on its own or is a development, test or onbuild image (the cases
above: hadolint reports a `.gitpod.Dockerfile` or a test fixture ending in `USER root`). It also
resolves `USER $UID` with `ARG UID=0` (hadolint sees `$UID`, not root) and follows `ONBUILD
USER` triggers of a parent stage. Like DL3002, it says nothing when no `USER` is written (the
chain then runs as its base image's user, which docklint does not assume to be root).

## Example
```dockerfile
FROM debian:12-slim
USER root
RUN apt-get update && apt-get install -y --no-install-recommends curl
COPY app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
```

## Use instead
```dockerfile
FROM debian:12-slim
USER root
RUN apt-get update && apt-get install -y --no-install-recommends curl
COPY app /usr/local/bin/app
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/app"]
```

## Fix safety
The fix switches to an unprivileged user, when docklint knows one that exists in the image: the
user an earlier `USER` of the chain had set before the switch to root (written as it was), else
the base image's own (`65532:65532`, distroless's `nonroot`; `node` in the node images), else
the non-root uid the base image runs as by default. When nothing after the `USER root` of the
target stage runs anything (only CMD, ENTRYPOINT, HEALTHCHECK, EXPOSE, STOPSIGNAL, LABEL, ENV,
ARG, COPY or ADD follow it), the fix writes that user in place of `root`; otherwise it adds a
`USER` line after the target stage's last instruction that may need root (before the CMD,
ENTRYPOINT and other run-time settings that end the stage, else at its end). The program then
runs without root, and may fail where it writes to root-owned files, binds a port below 1024
or reads something only root can: the fix is unsafe.
"""

from __future__ import annotations

from docklint.facts import facts_of
from docklint.fixes import keyword, known_non_root_user, user_insertion
from docklint.rule import Edit, Finding, Fix, Severity, rule

# instructions that do not run anything as the current user
_NO_USER_NEEDED = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK", "EXPOSE", "STOPSIGNAL",
                             "LABEL", "ENV", "ARG", "COPY", "ADD"})


def _is_root(user: str | None) -> bool:
    return user is not None and user.split(":", 1)[0] in ("root", "0")


def _previous_user(df, target, root_ins) -> str | None:
    """The user an earlier USER of the target's chain set before ``root_ins``, as written
    (None when there is none, or it is root, or it depends on a variable)."""
    chain = list(reversed(df.graph.chain(target.index)))
    found = None
    for stage in chain:
        for ins in stage.instructions:
            if ins is root_ins:
                return found
            if ins.keyword == "USER" and ins.args:
                value = ins.args[0].value
                found = None if "$" in value or _is_root(value) else value
    return None


def _fix(df, target, root_ins) -> Fix | None:
    base = facts_of(df).base_facts(target.index)
    user = _previous_user(df, target, root_ins) or known_non_root_user(base)
    if user is None and base is not None and base.default_uid:
        user = str(base.default_uid)
    if user is None:
        return None
    body = list(target.instructions)
    if root_ins in body and len(root_ins.args) == 1 and \
            all(ins.keyword in _NO_USER_NEEDED for ins in body[body.index(root_ins) + 1:]):
        return Fix(f"Run as {user} instead of root", (Edit(root_ins.args[0].span, user),),
                   safe=False)
    line = f"{keyword(target.from_, 'USER')} {user}"
    after = root_ins if root_ins in body else None
    return Fix(f"Add `{line}` after the steps that need root",
               (user_insertion(df, target, [line], after=after),), safe=False)


def _trigger_user(df, target):
    """The ``ONBUILD USER`` trigger of a stage in the target's chain that sets the user the
    final image runs as (a trigger runs at the start of the stage built FROM its stage, so it
    comes after every USER of its own stage and before those of that child), with the user it
    sets; (None, None) when a plain USER has the last word, or no trigger sets one."""
    chain = list(reversed(df.graph.chain(target.index)))
    last = None
    for k, stage in enumerate(chain):
        if k > 0:
            parent = chain[k - 1]
            for ins in parent.instructions:
                if ins.keyword == "ONBUILD" and ins.sub is not None and \
                        ins.sub.keyword == "USER" and ins.sub.args:
                    last = (ins, parent)
        for ins in stage.instructions:
            if ins.keyword == "USER" and ins.args:
                last = None
    if last is None:
        return None, None
    ins, parent = last
    return ins, df.expand(ins.sub.args[0].value, parent.env_end).value


def _from_args(df, ins) -> str:
    """`` ($USER_ID defaults to 0)`` when the USER's root comes from build ARG defaults."""
    stage = df.stage_of(ins)
    if stage is None or not ins.args or "$" not in ins.args[0].value:
        return ""
    env = stage.env_before(ins)
    used = df.expand(ins.args[0].value, env).used
    args = [f"${name} defaults to {env[name]}" for name in dict.fromkeys(used)
            if env.kinds.get(name) == "arg" and env.get(name) is not None]
    return f" ({', '.join(args)}; a --build-arg can change that)" if args else ""


@rule("DK106", "final-user-root", Severity.WARNING, tags={"runtime", "security"},
      aliases=("DL3002",), fixable="sometimes")
def check(df, options):
    target = df.target
    if target is None:
        return
    facts = facts_of(df)
    trigger, user = _trigger_user(df, target)
    if trigger is None:
        user, ins = facts.effective_user(target.index)
    else:
        ins = trigger
    if ins is None or user is None:
        return
    if not _is_root(user):
        return
    purpose = facts.purpose(target.index)
    if purpose in ("tooling", "interactive", "unknown") or \
            facts.drops_privileges(target.index) or \
            any(i.keyword == "ONBUILD" for i in target.instructions):
        return            # a development, test or interactive image, an onbuild base, or an
        #                   image that leaves root on its own
    if trigger is not None:
        where = f" (set by an ONBUILD trigger of stage {df.stage_of(ins).label}, which runs " \
                f"in the stage built FROM it)"
        yield Finding(ins.sub.span, f"the final image runs as {user}{where}; switch to an "
                                    "unprivileged user after the steps that need root, e.g. "
                                    "`USER 10001:10001`", fix=_fix(df, target, ins))
        return
    where = "" if df.stage_of(ins) is target else \
        f" (set in stage {df.stage_of(ins).label} and inherited)"
    yield Finding(ins.span, f"the final image runs as {user}{_from_args(df, ins)}{where}; "
                            "switch to an unprivileged user after the steps that need root, "
                            "e.g. `USER 10001:10001`", fix=_fix(df, target, ins))
