"""A `pip install` in a shipped image keeps pip's download cache.

## What it does
Fires on `pip install` (`pip`, `pip3`, `python -m pip`) without `--no-cache-dir`, and on
`uv pip install` without `--no-cache`, in a stage whose files reach an image that ships (the
target stage, the stages it is built `FROM` (directly or through other stages), and `ONBUILD
RUN` triggers). The finding points at the command from the tool to `install`.

Not reported when the cache is off or stays out of the image some other way:
- `--no-cache-dir`, or a prefix of it that pip accepts (`--no-cache`);
- `PIP_NO_CACHE_DIR` (uv: `UV_NO_CACHE`) set on the command, earlier in the RUN, or by `ENV` or
  `ARG` in the stage or a stage it is built `FROM`. pip turns its cache off for any value it
  accepts, `0`, `off`, `false` and `no` included (see below); uv only for a true value
  (`UV_NO_CACHE=0` or `false` leaves uv's cache on and is reported);
- `no-cache-dir` written to pip's configuration earlier in the build (`pip config set
  global.no-cache-dir ...`, a `pip.conf`);
- a cache or tmpfs mount on `~/.cache/pip` (uv: `~/.cache/uv`), an ancestor such as
  `/root/.cache`, or the directory `PIP_CACHE_DIR`/`--cache-dir` points at;
- a later command of the same RUN that removes the cache: `pip cache purge`, `uv cache clean`,
  `rm -rf /root/.cache/pip` or `rm -rf "$(pip cache dir)"`.

pipx and pipenv are other tools and are not checked.

## Why is this bad?
pip stores every wheel it downloads or builds under `~/.cache/pip`. In an image that is tens or
hundreds of megabytes nobody will use again, stored in the layer for good.

## Differences from hadolint
hadolint's DL3042 checks builder stages too (whose cache never ships), ignores a cleanup later in
the RUN and misses `uv pip`; docklint follows the stage graph and accepts every way of keeping
the cache out, including the abbreviation `--no-cache` that pip accepts for `--no-cache-dir`
(hadolint reports it). docklint also finds pip called by its path (`/venv/bin/pip install`).

hadolint accepts `PIP_NO_CACHE_DIR` only with a true value and reports `PIP_NO_CACHE_DIR=0`
(`off`, `false`, `no`). pip does not read it that way: for backward compatibility, any value it
accepts turns the cache off, false ones included (pip's `_handle_no_cache_dir`: "we disable the
cache directory not just on values that parse to True, but ... also on values that parse to
False"). docklint follows pip and stays quiet there; only a value pip rejects (which stops pip
with an error) does not count.

## Example
```dockerfile
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install -r requirements.txt
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
```
or keep the cache in a BuildKit cache mount, which also speeds up rebuilds:
```dockerfile
FROM python:3.12-slim
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
```

## Fix safety
The fix inserts ` --no-cache-dir` (uv: ` --no-cache`) after `install`. It is safe: the same
packages are installed; only the cache is not written.
"""

from __future__ import annotations

import re

from docklint.lazyre import lazy
from docklint.packages import TRUTHY_PIP, command_words, earlier_search, leaves_cache, uses
from docklint.rule import Edit, Finding, Fix, Severity, rule

# pip's configuration: "pip config set global.no-cache-dir ...", or a pip.conf line
_CONFIG = lazy(r"config\s+set\s+[\w.]*no-cache-dir\b"
                     r"|(?:^|\n|\\n|['\"])\s*no[-_]cache[-_]dir\s*=", re.I)
_UV_FALSE = {"0", "false", "no", "off", "n", "f"}
_TOOLS = {"pip": ("--no-cache-dir", "PIP_NO_CACHE_DIR", "PIP_CACHE_DIR", "pip"),
          "uv": ("--no-cache", "UV_NO_CACHE", "UV_CACHE_DIR", "uv")}


def _set(use, env, name: str) -> bool:
    value = use.command.env(name)
    if value is None and name in env:
        value = env[name]
        if value is None:
            return True                   # declared without a value docklint knows
    if value is not None:
        value = value.strip("'\"").lower()
        if use.pc.family == "uv":
            return value not in _UV_FALSE      # uv reads a boolean: 0/false/no/off mean "off"
        return value in TRUTHY_PIP
    at = use.script.assigned.get(name)
    return at is not None and at < use.command.start


def _flagged(pc, flag: str) -> bool:
    """``--no-cache-dir`` (pip also takes an unambiguous prefix such as ``--no-cache``), or
    uv's ``--no-cache``/``-n``."""
    if pc.family == "uv":
        return pc.has_option("--no-cache", "-n")
    return any(len(o.value) >= 9 and flag.startswith(o.value.split("=", 1)[0])
               for o in pc.options)


@rule("DK421", "pip-cache-not-disabled", Severity.WARNING, tags={"size", "packages"},
      aliases=("DL3042",), fixable="always", triggers=("RUN",),
      words=command_words("pip", "uv"))
def check(df, options):
    for use in uses(df, "pip", "uv"):
        pc = use.pc
        if pc.action != "install":
            continue
        flag, off_var, dir_var, cache = _TOOLS[pc.family]
        env = use.stage.env_before(use.instruction)
        if _flagged(pc, flag) or _set(use, env, off_var):
            continue
        dirs = [pc.option_value("--cache-dir"), use.command.env(dir_var), env.get(dir_var)]
        if not leaves_cache(df, use, cache, [d for d in dirs if d]):
            continue
        if pc.family == "pip" and earlier_search(df, use, _CONFIG):
            continue
        where = "~/.cache/pip" if cache == "pip" else "~/.cache/uv"
        yield Finding(use.span(), f"`{pc.tool} install` keeps its download cache in {where} "
                                  f"in the image; add `{flag}`",
                      fix=Fix(f"Add {flag}", (Edit(use.insert_after(), f" {flag}"),)))
