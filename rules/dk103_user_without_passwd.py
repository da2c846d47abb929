"""A user or group name that the image's /etc/passwd does not define.

## What it does
Fires when `USER name` (the one in effect for the final image) or a `--chown=name[:group]` on
COPY/ADD (in any stage) uses a non-numeric user or group that the image cannot resolve: its base
has no `/etc/passwd` entry for it (scratch has no passwd file at all; distroless images define
only `root`, `nonroot` and `nobody`) and no COPY brings an `/etc/passwd` (or `/etc/group` for a
group name) in. Numeric ids never need a passwd entry and are always fine. Bases docklint has no
user data for, and names that come from unset variables, stay quiet.

Under ONBUILD: an `ONBUILD USER` or a trigger's `--chown` is not checked, because it acts in a
build FROM this image, whose files (an /etc/passwd that build or an earlier trigger copies in)
and final image this file does not describe.

## Why is this bad?
Docker resolves names through the image's own `/etc/passwd` and `/etc/group`. When the name is
missing the container fails to start (`unable to find user app: no matching entries in passwd
file`), and a `--chown` with an unknown name fails the build.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN useradd -u 10001 app
COPY . /src
RUN cd /src && CGO_ENABLED=0 go build -o /out/app .

FROM scratch
COPY --from=build /out/app /app
USER app
ENTRYPOINT ["/app"]
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN useradd -u 10001 app
COPY . /src
RUN cd /src && CGO_ENABLED=0 go build -o /out/app .

FROM scratch
COPY --from=build /etc/passwd /etc/passwd
COPY --from=build /out/app /app
USER app
ENTRYPOINT ["/app"]
```
or use the numeric id: `USER 10001`.
"""

from __future__ import annotations

from docklint.facts import facts_of
from docklint.rule import Finding, Severity, rule


def _describe(df, index: int) -> str:
    return facts_of(df).base_label(index)


def _problem(df, index: int, spec: str, before=None) -> str | None:
    facts = facts_of(df)
    user, _, group = spec.partition(":")
    users = facts.passwd_users(index, before)
    if user and not user.isdigit() and users is not None and user not in users:
        known = ", ".join(sorted(users)) or "none: it has no /etc/passwd"
        return (f"user `{user}` is not in the /etc/passwd of {_describe(df, index)} "
                f"(users: {known}) and nothing copies one in")
    if group and not group.isdigit() and facts.has_group_file(index, before) is False:
        return (f"group `{group}` cannot be resolved: {_describe(df, index)} has no /etc/group "
                "and nothing copies one in")
    return None


@rule("DK103", "user-without-passwd", Severity.ERROR, tags={"runtime"})
def check(df, options):
    facts = facts_of(df)
    target = df.target
    if target is not None:
        user, ins = facts.effective_user(target.index)
        if user and ins is not None:
            problem = _problem(df, target.index, user)
            if problem:
                yield Finding(ins.args[0].span, f"{problem}: the container fails to start; "
                                                "copy /etc/passwd (and /etc/group) in, or use a "
                                                "numeric id")
    for stage in df.stages:
        for ins in stage.instructions:
            if ins.keyword not in ("COPY", "ADD"):
                continue
            flag = ins.flag("chown")
            if flag is None or not flag.value:
                continue
            spec = df.expand(flag.value, stage.env_before(ins)).value
            if not spec:
                continue
            problem = _problem(df, stage.index, spec, before=ins)
            if problem:
                yield Finding(flag.span, f"--chown={spec}: {problem}, so the build fails; use "
                                         "numeric ids or copy /etc/passwd and /etc/group first")
