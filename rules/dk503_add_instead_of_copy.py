"""ADD of a local file or directory that COPY would copy the same way.

## What it does
Fires on each source of an `ADD` (an `ONBUILD ADD` included) that comes from the build context
and is not an archive `ADD` would unpack: after ARG and ENV substitution, not an `http(s)://`
URL, not a git repository (`git@host:repo`, `git://`, `ssh://`, a URL ending in `.git`), and
not named like a tar archive, plain or compressed (`.tar`, `.tgz`, `.tar.gz`, `.gz`, `.xz`,
`.bz2`, `.zst`...). A here-document source (`ADD <<EOF /etc/motd`) counts as local. With
`--unpack=false`, archives are reported too: nothing is unpacked. A `.zip` (or `.jar`, `.whl`,
`.deb`...) is reported with a note that `ADD` copies it as it is.

A word that is a flag written after the first source (`ADD a --chown=x /b/`, DK507's finding)
is not a source here.

## Differences from hadolint
hadolint's DL3020 reports every `ADD` source without an archive extension that is not an
`http(s)://` URL. docklint differs:

- git sources are not reported: fetching a repository is something only `ADD` does;
- a source that depends on a build argument without a value is skipped instead of reported (it
  may be a URL or an archive); one with a known value is judged by that value;
- `.zip` and the like are reported, with a message saying `ADD` does not unpack them;
- it is a warning, not an error: the build works, and a local file is copied as `COPY` would.

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
When every source is local and no flag only `ADD` takes is used (`--checksum`,
`--keep-git-dir`; `--unpack=false` is dropped, as COPY never unpacks), the fix replaces `ADD`
with `COPY`. The one thing `ADD` does with a local source that `COPY` does not is unpack it when
the file *is* a tar archive (plain or compressed), which `ADD` decides from the content, not the
name. So the fix is safe when no source can be one:

- a here-document, or a directory (`.`, a name ending in `/`, or a directory of the build
  context): `ADD` copies a directory's files as they are;
- a file of the build context (when docklint has it; not for an `ONBUILD ADD`, which copies
  from the context of a later build) whose first bytes are neither a tar header nor gzip,
  bzip2, xz or zstd data (for a pattern, every file it names: when the context holds more
  files than docklint walks, the name decides);
- without the file at hand, a name with an extension that is not an archive's (`app.py`,
  `nginx.conf`), or one `ADD` never unpacks (`.zip`, `.jar`, `.whl`...);
- with `--unpack=false`, anything: nothing is unpacked either way.

Otherwise (a name without an extension such as `bin/app`, a glob, or a context file that looks
like an archive) the fix is unsafe: an archive the name does not reveal would be unpacked by the
original and copied as it is by the fix.
"""

from __future__ import annotations

import os
import posixpath

from docklint.checks import archive_suffix, copy_words, has_parse_error, is_remote_source
from docklint.rule import Edit, Finding, Fix, Severity, rule
from docklint.source import Span

_ADD_ONLY_FLAGS = ("checksum", "keep-git-dir")
# first bytes of what ADD unpacks: compressed data (that may hold a tar) and tar headers
_COMPRESSED_MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd")


def _may_be_tar(path) -> bool:
    from docklint.reading import ReadError, read_head
    try:
        head = read_head(path, 262)     # a FIFO or a device is refused, never read
    except ReadError:
        return True
    return head.startswith(_COMPRESSED_MAGIC) or head[257:262] == b"ustar"


def _plain(df, src: str | None, sniff: bool = True) -> bool:
    """Whether ADD certainly copies ``src`` (a local source, after expansion; None for a
    here-document) as it is, without unpacking anything. With ``sniff``, a file of the build
    context is judged by its first bytes (an ONBUILD trigger copies from another context)."""
    if src is None or src in (".", "./") or src.endswith("/"):
        return True
    if sniff and df.context is not None:
        from docklint.context import context_for
        ctx = context_for(df.context, df.path)
        rel = posixpath.normpath(src.lstrip("/"))
        if not any(c in src for c in "*?[") and os.path.isdir(ctx.path(rel)):
            return True
        files = list(ctx.files(src))
        if files:
            if any(_may_be_tar(path) for _rel, path in files):
                return False
            if ctx.complete(src):
                return True
            # more files than docklint walks: those it did not see are judged by the name
    if any(c in src for c in "*?["):
        return False
    kind = archive_suffix(src)
    if kind is not None:
        return kind[0] == "other"
    name = posixpath.basename(src)
    return "." in name.lstrip(".")


def _with_blanks(df, span: Span) -> Span:
    """``span`` and the blanks after it."""
    text = df.source.text
    end = span.end
    while end < len(text) and text[end] in " \t":
        end += 1
    return Span(span.start, end)


def _unpack(ins) -> bool:
    flag = ins.flag("unpack")
    if flag is None:
        return True
    return (flag.value or "true").lower() in ("true", "1", "t", "yes")


@rule("DK503", "add-instead-of-copy", Severity.WARNING, tags={"style"}, aliases=("DL3020",),
      fixable="sometimes", triggers=("ADD",))
def check(df, options):
    for stage in df.stages:
        for holder in stage.instructions:
            ins = holder.effective
            if ins.keyword != "ADD" or has_parse_error(df, holder):
                continue
            env = stage.env_before(holder) if ins is holder else {}
            heredocs = {h.name for h in ins.heredocs}
            markers = {(h.marker_lstart, h.marker_lend): h.name for h in ins.heredocs}
            words = copy_words(ins)
            if words is None:
                continue
            flagged = []
            all_local = True
            plain = True
            unpack = _unpack(ins)
            for word in words[0]:
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
                plain = plain and (not unpack or _plain(df, src, sniff=ins is holder))
                flagged.append((word, f"`{src}`", note))
            if not flagged:
                continue
            fix = None
            flag = ins.flag("unpack")
            if all_local and not any(ins.flag(f) is not None for f in _ADD_ONLY_FLAGS) and \
                    (flag is None or not unpack):
                copy = "copy" if ins.written.islower() else "COPY"
                edits = [Edit(ins.keyword_span, copy)]
                if flag is not None:
                    edits += [Edit(_with_blanks(df, f.span), "")
                              for f in ins.flags if f.name == "unpack"]
                fix = Fix("Replace ADD with COPY", tuple(edits), safe=plain)
            for k, (word, what, note) in enumerate(flagged):
                yield Finding(word.span, f"ADD of the local {what} does nothing COPY would not "
                                         f"do; use COPY{note}", fix=fix if k == 0 else None)
