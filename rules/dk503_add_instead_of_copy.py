"""ADD of a local file or directory that COPY would copy the same way.

## What it does
Fires on each source of an `ADD` (an `ONBUILD ADD` included) that comes from the build context
and is not an archive `ADD` would unpack: after ARG and ENV substitution, not an `http(s)://`
URL, not a git repository (`git@host:repo`, `git://`, `ssh://`, a URL ending in `.git`), and
not named like a tar archive, plain or compressed (`.tar`, `.tgz`, `.tar.gz`, `.gz`, `.xz`,
`.bz2`, `.zst`...). A here-document source (`ADD <<EOF /etc/motd`) counts as local. With
`--unpack=false`, archives are reported too: nothing is unpacked. A `.zip` (or `.jar`, `.whl`,
`.deb`...) is reported with a note that `ADD` copies it as it is.

Differences from hadolint's DL3020:

- git sources are not reported: fetching a repository is something only `ADD` does;
- a source that depends on a build argument without a value is skipped instead of reported (it
  may be a URL or an archive); one with a known value is judged by that value;
- `.zip` and the like are reported, with a message saying `ADD` does not unpack them.

## Why is this bad?
`ADD` does more than copy: it fetches URLs and repositories and unpacks tar archives. Used for
plain files it hides which of those the author meant, and a file that happens to be a tar
archive is unpacked instead of copied. `COPY` says exactly what happens.

## Example
```dockerfile
FROM node:20-slim
WORKDIR /app
ADD package.json package-lock.json ./
RUN npm ci --omit=dev
```

## Use instead
```dockerfile
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
```

## Fix safety
When every source is local and no flag only `ADD` takes is used (`--checksum`, `--keep-git-dir`,
`--unpack`), the fix replaces `ADD` with `COPY`. `ADD` decides whether to unpack by looking at
a file's content, not its name, so a tar archive with an unusual name would be unpacked by the
original and copied by the fix: the fix is unsafe.
"""

from __future__ import annotations

from docklint.checks import archive_suffix, has_parse_error, is_remote_source
from docklint.rule import Edit, Finding, Fix, Severity, rule

_ADD_ONLY_FLAGS = ("checksum", "keep-git-dir", "unpack")


def _unpack(ins) -> bool:
    flag = ins.flag("unpack")
    if flag is None:
        return True
    return (flag.value or "true").lower() in ("true", "1", "t", "yes")


@rule("DK503", "add-instead-of-copy", Severity.ERROR, tags={"style"}, aliases=("DL3020",),
      fixable="sometimes")
def check(df, options):
    for stage in df.stages:
        for holder in stage.instructions:
            ins = holder.effective
            if ins.keyword != "ADD" or has_parse_error(df, holder):
                continue
            env = stage.env_before(holder) if ins is holder else {}
            heredocs = {h.name for h in ins.heredocs}
            markers = {(h.marker_lstart, h.marker_lend): h.name for h in ins.heredocs}
            words = list(ins.args)
            if len(words) < 2:
                continue
            flagged = []
            all_local = True
            unpack = _unpack(ins)
            for word in words[:-1]:
                if (word.lstart, word.lend) in markers:
                    flagged.append((word, f"here-document `{markers[word.lstart, word.lend]}`",
                                    ""))
                    continue
                src = df.expand(word.value, env).value
                if src is None:
                    all_local = False
                    continue
                if src.startswith("<<") and src[2:].lstrip("-") in heredocs:
                    flagged.append((word, f"here-document `{src}`", ""))
                    continue
                if is_remote_source(src):
                    all_local = False
                    continue
                kind = archive_suffix(src)
                if kind is not None and kind[0] in ("tar", "compressed") and unpack:
                    all_local = False
                    continue
                note = ""
                if kind is not None and kind[0] == "other":
                    note = f" (ADD does not unpack {kind[1]} files: it copies them as they are)"
                elif kind is not None:
                    note = " (--unpack=false: nothing is unpacked)"
                flagged.append((word, f"`{src}`", note))
            if not flagged:
                continue
            fix = None
            if all_local and not any(ins.flag(f) is not None for f in _ADD_ONLY_FLAGS):
                copy = "copy" if ins.written.islower() else "COPY"
                fix = Fix("Replace ADD with COPY", (Edit(ins.keyword_span, copy),), safe=False)
            for k, (word, what, note) in enumerate(flagged):
                yield Finding(word.span, f"ADD of the local {what} does nothing COPY would not "
                                         f"do; use COPY{note}", fix=fix if k == 0 else None)
