"""`wget` without a quieter progress display floods the build log.

## What it does
Fires on a `wget` in a shell-form `RUN` or `ONBUILD RUN` (chains, pipes, `sh -c` strings,
heredoc scripts) that has none of `--progress=...`, `-q`/`--quiet`, `-nv`/`--no-verbose`,
`-o`/`--output-file` or `-a`/`--append-output`. It points at the word `wget` (one finding per
`RUN`, listing the others). Short options in a bundle count (`-qO-`, `-cq`).

## Differences from hadolint
hadolint's DL3047 reports every such `wget`, exec-form `RUN ["wget", ...]` included (docklint
looks at shell form only). docklint does not report
- BusyBox's `wget`, the one of Alpine and BusyBox images (and of an image docklint does not
  know whose stage runs `apk`) unless the stage installs the `wget` package: without a
  terminal it prints a few lines whatever the size of the download;
- a `wget` whose every URL names a small text file (a signature, key or checksum: `.asc`,
  `.sig`, `.sha256`...; a patch; a script or configuration: `.sh`, `.py`, `.json`...), for
  which GNU wget prints a few lines anyway;
- a `wget` whose error output goes to `/dev/null` (`2>/dev/null`, `&>/dev/null`,
  `>/dev/null 2>&1`), which prints nothing to the log;
and bundled options such as `-qO-` are understood.

## Why is this bad?
Without a terminal, GNU wget's default progress display prints a line every few kilobytes: a
100 MB download adds thousands of lines to the build log, hiding the lines that matter and, on
CI systems that cap log size, truncating it. `--progress=dot:giga` keeps a coarse progress
report; `-nv` (GNU wget) or `-q` (also BusyBox wget) keep only errors.

## Example
```dockerfile
FROM debian:12-slim
RUN wget https://example.com/tool.tar.gz && tar xzf tool.tar.gz
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN wget --progress=dot:giga https://example.com/tool.tar.gz && tar xzf tool.tar.gz
```

## Fix safety
The fix inserts ` --progress=dot:giga` after `wget`. GNU wget then prints a line per 32 MB
instead of a line every few kilobytes and downloads the same file: where the image's wget is
known to be GNU wget (a glibc-based base image such as Debian, Ubuntu or the official language
images, or a `wget` package the stage's chain installs), the fix is safe. On a base docklint
does not know, the fix is unsafe: BusyBox wget rejects `--progress`, and the build fails if
that wget is BusyBox's.
"""

from __future__ import annotations

import re

from docklint.facts import facts_of
from docklint.rule import Edit, Finding, Fix, Severity, rule
from docklint.source import Span

_QUIET_LONG = ("--progress", "--quiet", "--no-verbose", "--output-file", "--append-output")
# short options that take a value (the rest of a bundle is then that value)
_WITH_VALUE = set("aAbBDeiIlOoPQRtTUwX")


def _quiet(cmd) -> bool:
    for a in cmd.args:
        v = a.value
        if v == "--":
            break
        if v.startswith("--"):
            if any(v == f or v.startswith(f + "=") for f in _QUIET_LONG):
                return True
            continue
        if not v.startswith("-") or v == "-":
            continue
        if v == "-nv":
            return True
        for ch in v[1:]:
            if ch in "qoa":
                return True
            if ch in _WITH_VALUE or ch == "n":
                break
    return False


def _silenced(cmd) -> bool:
    """Its error output (where wget writes progress) goes to /dev/null."""
    reds = cmd.redirects
    to_null = {r.op for r in reds if r.target is not None and r.target.value == "/dev/null"}
    if to_null & {"2>", "&>", "&>>", ">&", "2>>"}:
        return True
    dup = any(r.op == "2>&" and r.target is not None and r.target.value == "1" for r in reds)
    return dup and bool(to_null & {">", ">>", "1>"})


def _gnu_wget(df, stage) -> bool | None:
    """Whether the stage's wget is GNU wget (True), BusyBox's (False), or unknown (None)."""
    facts = facts_of(df)
    installed = (re.split(r"[=<>~]", p, maxsplit=1)[0]
                 for st in df.graph.chain(stage.index) for p in facts.installed_packages(st))
    if "wget" in installed:
        return True           # the distribution's wget package is GNU wget
    base = facts.base_facts(stage.index)
    if base is not None and (base.family == "busybox" or base.libc == "musl"):
        return False
    if base is not None and base.libc == "glibc":
        return True
    # an image docklint does not know: BusyBox's wget where /bin/sh is BusyBox ash (an Alpine
    # base, or a stage that runs apk)
    return False if facts.bin_sh(stage.index) == "ash" else None


# files of a few kilobytes, for which GNU wget prints a few lines anyway: signatures, keys,
# checksums, patches, scripts and text
_SMALL = (".asc", ".sig", ".sign", ".gpg", ".pub", ".key", ".pem", ".crt", ".sha1",
          ".sha256", ".sha512", ".sha256sum", ".sha512sum", ".md5", "sums", "sums.txt",
          ".patch", ".diff", ".sh", ".py", ".pl", ".txt", ".json", ".yaml", ".yml", ".toml",
          ".conf", ".cfg", ".ini", ".repo", ".list", ".xml")


# long options that take their value as the next word
_LONG_WITH_VALUE = {"--output-document", "--output-file", "--append-output", "--directory-prefix",
                    "--header", "--user-agent", "--post-data", "--post-file", "--user",
                    "--password", "--http-user", "--http-password", "--tries", "--timeout",
                    "--input-file", "--referer", "--load-cookies", "--save-cookies",
                    "--ca-certificate", "--ca-directory", "--certificate", "--private-key",
                    "--method", "--body-data", "--wait", "--limit-rate", "--quota"}


def _urls(cmd) -> list[str]:
    """The operands of ``wget``: what it downloads (option values left out)."""
    out: list[str] = []
    args = [a.value for a in cmd.args]
    i = 0
    while i < len(args):
        v = args[i]
        if v == "--":
            out += args[i + 1:]
            break
        if v.startswith("--"):
            i += 2 if v in _LONG_WITH_VALUE else 1
            continue
        if v.startswith("-") and len(v) > 1:
            # a bundle: the first letter that takes a value takes the rest, or the next word
            for k, ch in enumerate(v[1:]):
                if ch in _WITH_VALUE:
                    i += 1 if v[k + 2:] else 2
                    break
            else:
                i += 1
            continue
        out.append(v)
        i += 1
    return out


def _small_files(cmd) -> bool:
    """Whether every URL the command fetches names a small text file (see ``_SMALL``)."""
    urls = _urls(cmd)
    return bool(urls) and all(u.split("?", 1)[0].split("#", 1)[0].lower().endswith(_SMALL)
                              for u in urls)


@rule("DK434", "wget-progress", Severity.INFO, tags={"style"}, aliases=("DL3047",),
      fixable="sometimes", triggers=("RUN",),
      words=("wget",))
def check(df, options):
    for stage in df.stages:
        gnu = "?"
        for _ins, script, cmd in facts_of(df).commands(stage, onbuild=True):
            if cmd.name != "wget" or cmd.name_word is None:
                continue
            if _quiet(cmd) or _silenced(cmd) or _small_files(cmd):
                continue
            if gnu == "?":
                gnu = _gnu_wget(df, stage)
            if gnu is False:
                continue            # BusyBox wget prints a few lines, whatever the size
            span = script.word_span(cmd.name_word)
            fix = Fix("Add --progress=dot:giga",
                      (Edit(Span(span.end, span.end), " --progress=dot:giga"),),
                      safe=gnu is True)
            yield Finding(span, "wget without `--progress=dot:giga`, `-nv` or `-q` fills the "
                                "build log with its progress display", fix=fix)
