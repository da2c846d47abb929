"""The final image runs as root because nothing sets a user.

## What it does
Fires (as information) when no `USER` appears anywhere in the target's chain and the base image
is known to run as root (uid 0) by default: scratch, Debian, Alpine, the official language
images... Bases that already run as a non-root user (distroless `:nonroot`, Chainguard images)
stay quiet, and so do bases docklint knows nothing about. The message names the base's non-root
user where docklint's data knows one.

Only application images are reported: not base images (no `CMD`/`ENTRYPOINT` in the chain, or
ONBUILD triggers), whose children choose the user; not shells, interpreters, toolchains, test
runners or SDK CLIs run as the command; not a target stage, Dockerfile or directory named for
development, tests or building. Nor images that leave root on their own: they start through a
tool that switches user (`gosu`, `su-exec`, `setpriv`, `runuser`, `chroot --userspec`,
`s6-setuidgid`...) or install or copy one in, they start through an entrypoint script
(`docker-entrypoint.sh`, which usually switches user before `exec "$@"`), or they run a server
or supervisor that starts as root by design and runs its work as another user (nginx, httpd,
php-fpm, haproxy, sshd, mysqld, cron, supervisord, an init system such as s6-overlay's
`/init`).

## Why is this bad?
Without a `USER`, the container's process runs as root. That is rarely needed at run time and
widens what an attacker gets from any bug in the program. DK106 covers an explicit `USER root`.

## Example
```dockerfile
FROM gcr.io/distroless/static-debian13
COPY app /app
ENTRYPOINT ["/app"]
```

## Use instead
```dockerfile
FROM gcr.io/distroless/static-debian13:nonroot
COPY app /app
ENTRYPOINT ["/app"]
```

## Fix safety
Where docklint's data knows the base image's unprivileged user, the fix adds a `USER` for it:
`USER 65532:65532` on distroless images (their `nonroot` user; this works for every distroless
image and tag, where switching to the `:nonroot` tag would not, e.g. for an image pinned by
digest) and `USER node` on the node images. It goes after the target stage's last instruction
that may need root: before the CMD, ENTRYPOINT and other run-time settings that end the stage,
else at its end. The program then runs without root, and may fail where it writes to
root-owned files, binds a port below 1024 or reads something only root can: the fix is unsafe.
Other bases get no fix: which user to run as is for the author to decide.
"""

from __future__ import annotations

from docklint.facts import facts_of
from docklint.fixes import keyword, known_non_root_user, user_insertion
from docklint.rule import Finding, Fix, Severity, rule


def _advice(base) -> str:
    family = base.family
    if family.startswith("distroless"):
        return "use the base's `:nonroot` tag, or add `USER 65532:65532` (its nonroot user)"
    if family == "node":
        return "add `USER node` (the base image has a `node` user, uid 1000)"
    return "add `USER <uid>:<gid>` with an unprivileged numeric id, e.g. `USER 10001:10001`"


def _fix(df, target, base) -> Fix | None:
    user = known_non_root_user(base)
    if user is None:
        return None
    line = f"{keyword(target.from_, 'USER')} {user}"
    return Fix(f"Add `{line}`", (user_insertion(df, target, [line]),), safe=False)


@rule("DK110", "final-user-unset", Severity.INFO, tags={"runtime", "security"},
      fixable="sometimes")
def check(df, options):
    target = df.target
    if target is None:
        return
    facts = facts_of(df)
    if facts.last_in_chain(target.index, "USER") is not None:
        return
    base = facts.base_facts(target.index)
    if base is None or base.default_uid != 0:
        return
    if facts.purpose(target.index) != "app" or facts.drops_privileges(target.index):
        return            # not an application image, or it leaves root on its own
    what = "scratch" if base.kind == "scratch" else (df.graph.root_base(target.index).text or "")
    yield Finding(target.from_.span,
                  f"no USER is set, so the final image runs as root (the default user of "
                  f"{what}); {_advice(base)}", fix=_fix(df, target, base))
