"""COPY or ADD to a relative destination before any WORKDIR.

## What it does
Fires on each `COPY` or `ADD` whose destination, after ARG and ENV substitution, is a relative
path (`.`, `app/`, `config.yml`) while no `WORKDIR` has set the working directory yet: not
earlier in the stage, and not in any stage its `FROM` chain leads through (`FROM builder`
inherits the builder's `WORKDIR`, however many stages up; an `ONBUILD WORKDIR` of such a stage
counts too). The files then land in the working directory the base image left behind, which
the Dockerfile does not show. That holds on every base image, `scratch` included. It is a
warning where the Dockerfile depends on it and the base is not known to use another directory
than `/`:

- the whole build context (`COPY . .`, `COPY ./ ./`) is copied there: on most images that is
  `/`, where the project mixes with `/bin`, `/etc` and the rest of the system;
- the copy is part of the final image, and its `CMD` or `ENTRYPOINT` names what the copy put
  there by a relative path (`COPY app .` with `CMD ["./app"]`, `COPY main.py .` with
  `CMD ["python", "main.py"]`) or by an absolute path that is right only while the working
  directory is `/` (`COPY server .` with `CMD ["/server"]`).

Every other relative destination is an info: a file copied to `.` for a command of the same
stage (`COPY requirements.txt .` then `RUN pip install -r requirements.txt` works wherever `.`
is), a stage built on `scratch` (where the directory is `/`), or a base image whose working
directory is a documented part of it (`golang`: `/go`, `php` and `wordpress`: `/var/www/html`,
`tomcat`, `httpd`, `pytorch/pytorch`: `/workspace`...; the message names it). A destination
with a variable is judged by its value (`ARG DEST=app` then `COPY x $DEST` is relative); one
that depends on a build argument without a value is skipped.

## Differences from hadolint
hadolint's DL3045 reports every relative `COPY` destination before a `WORKDIR` of the stage or
of the stage it names as its base, all alike. docklint reports the same destinations, but
grades them (a warning where it matters, an info otherwise, see above), checks `ADD` as well
as `COPY`, and expands variables instead of trusting any destination that starts with `$`.
Like DL3045, it follows the chain of in-file base stages and leaves `ONBUILD COPY` alone.

## Why is this bad?
The working directory is whatever the base image set: `/` for most images, and it can change
when the base does. The whole project copied into `/` clutters the system directories (and
may overwrite one of their files); a `CMD` that finds its program only because the working
directory happens to be `/` breaks after an innocent base image change. An explicit `WORKDIR`
says where the application lives.

## Example
```dockerfile
FROM python:3.12-slim
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "main.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "main.py"]
```
"""

from __future__ import annotations

import posixpath

from docklint.checks import copy_words, has_parse_error, is_absolute, workdir_before
from docklint.facts import facts_of
from docklint.rule import Finding, Related, Severity, rule

# images whose working directory is part of their documented interface (their Dockerfiles set
# it): a relative destination there is where the image means files to go
_KNOWN_WORKDIRS = {"golang": "/go", "php": "/var/www/html", "wordpress": "/var/www/html",
                   "drupal": "/var/www/html", "joomla": "/var/www/html",
                   "tomcat": "/usr/local/tomcat", "httpd": "/usr/local/apache2",
                   "pytorch/pytorch": "/workspace", "nvcr.io/nvidia/pytorch": "/workspace",
                   "jupyter/base-notebook": "/home/jovyan", "jenkins/jenkins": "/var/jenkins_home"}
_CONTEXT = (".", "./")


@rule("DK505", "copy-relative-without-workdir", Severity.WARNING, tags={"portability"},
      aliases=("DL3045",), triggers=("COPY", "ADD"))
def check(df, options):
    target = df.target
    final = {st.index for st in df.graph.chain(target.index)} if target is not None else set()
    runs = None
    for stage in df.stages:
        root = df.graph.root_base(stage.index)
        workdir, base = _inherited(root)
        for ins in stage.instructions:
            if ins.keyword not in ("COPY", "ADD") or has_parse_error(df, ins):
                continue
            words = copy_words(ins)
            if words is None:
                continue
            word = words[1]
            if any((word.lstart, word.lend) == (h.marker_lstart, h.marker_lend)
                   for h in ins.heredocs):
                continue
            env = stage.env_before(ins)
            exp = df.expand(word.value, env)
            dest = exp.value
            if dest is None:
                if word.value.lstrip("\"'").startswith("$"):
                    continue
                dest = exp.text
            if is_absolute(dest) or workdir_before(df, stage, ins) is not None:
                continue
            sources = [df.expand(w.value, env).value for w in words[0]]
            start = f"{ins.keyword} to the relative destination `{dest}` before any WORKDIR"
            # on `/` (where most images leave it) the files mix with the system directories;
            # a base whose directory is known and is not `/` (golang's /go) or scratch (where
            # `/` is certain) only hides where the files go
            serious = workdir is None
            if posixpath.normpath(dest) == "." and any(src in _CONTEXT for src in sources) \
                    and ins.flag("from") is None:
                yield Finding(word.span, f"{start}: the whole build context lands in the "
                                         f"working directory of the base image{base}; set an "
                                         f"absolute WORKDIR first",
                              severity=None if serious else Severity.INFO)
                continue
            hit = None
            if stage.index in final:
                if runs is None:
                    runs = _run_words(df, target)
                hit = _relies(dest, [s for s in sources if s], runs)
            if hit is not None:
                user, word_text = hit
                yield Finding(word.span, f"{start}: it lands in the working directory of the "
                                         f"base image{base}, and the {user.keyword} on line "
                                         f"{user.line} finds it there as `{word_text}`; set an "
                                         f"absolute WORKDIR first or use an absolute "
                                         f"destination",
                              related=(Related(user.span, f"uses `{word_text}`"),),
                              severity=None if serious else Severity.INFO)
                continue
            yield Finding(word.span, f"{start}: it lands in the working directory of the base "
                                     f"image{base}, which this file does not show; set an "
                                     f"absolute WORKDIR first or use an absolute destination",
                          severity=Severity.INFO)


def _inherited(root) -> tuple[str | None, str]:
    """The working directory the root base is known to leave (None when unknown: most images
    leave `/`), and how a message names it."""
    if root is not None and root.kind == "scratch":
        return "/", " (`/` in scratch)"
    if root is not None and root.kind == "image" and root.image is not None:
        known = _KNOWN_WORKDIRS.get(root.image.repository)
        if known is not None:
            return known, f" (`{known}` in {root.text})"
        if root.text:
            return None, f" (`/` unless {root.text} sets another)"
    return None, ""


def _run_words(df, target) -> list[tuple[object, str]]:
    """(instruction, word) of the final image's ENTRYPOINT and CMD."""
    facts = facts_of(df)
    out = []
    for kw in ("ENTRYPOINT", "CMD"):
        ins = facts.last_in_chain(target.index, kw)
        if ins is None:
            continue
        if ins.json:
            words = [w.value for w in ins.args]
        else:
            text = ins.args[0].value if ins.args else ""
            words = [w.strip("\"'") for w in text.split()]
        out += [(ins, w) for w in words if w and not w.startswith("-")]
    return out


def _relies(dest: str, sources: list[str], runs) -> tuple[object, str] | None:
    """The ENTRYPOINT/CMD word that names what the copy put in the working directory."""
    rel = posixpath.normpath(dest)
    if rel == ".":
        prefixes = {posixpath.basename(s.rstrip("/")) for s in sources
                    if s not in _CONTEXT and not any(c in s for c in "*?[")}
    else:
        prefixes = {rel}
    prefixes -= {"", ".", ".."}
    for ins, word in runs:
        path = word[1:] if word.startswith("/") else word
        while path.startswith("./"):
            path = path[2:]
        if word.startswith("/") and "/" in path.strip("/") and rel == ".":
            continue        # /usr/bin/app is not the copied `app`
        if any(path == p or path.startswith(p + "/") for p in prefixes):
            return ins, word
    return None
