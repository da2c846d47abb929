r"""A tar archive is copied into the image and then unpacked by a RUN.

## What it does
Fires on a `COPY` of a local tar archive (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`, `.tar.bz2`,
`.tar.zst`...; names after ARG and ENV substitution) when a later `RUN` of the same stage, or of
a stage built `FROM` it, unpacks that file with `tar -x` as a whole. Only the stages whose layers
make up the final image are checked: the target and the stages its `FROM` chain leads through.
It reports the archive in the COPY and points at the `tar` command.

The file is matched by its name, whatever the path around it: quotes are removed and Windows
separators count (`COPY dist\app.tar C:\tmp\` then `RUN tar -xf C:\tmp\app.tar`). In a Windows
stage, whose RUN runs under `cmd` or PowerShell, the commands are split on `&&`, `||`, `&`, `|`
and `;` and `tar.exe` counts as `tar`; deleting the archive afterwards (`rm`, `del`, `erase`,
`Remove-Item`) does not count as another use of it.

## Differences from hadolint
It is narrower than hadolint's DL3010, which checks every stage, and only fires where the
archive costs image size and `ADD` really can do the job:

- a builder stage whose files are copied out is not reported: its layers never ship;
- `.zip` files unpacked with `unzip`, and single files compressed with `gzip`/`xz` (`gunzip`,
  `zcat`), are not reported: `ADD` only unpacks tar archives;
- a `tar` that does more than unpack the whole archive is not reported: `--strip-components`,
  `--transform`, `--wildcards`, `--exclude`, `-O`/`--to-stdout`, or a list of members;
- an archive the build also does something else with (checks its checksum or signature, moves
  it elsewhere) is not reported: `ADD` would leave nothing to check.

Under ONBUILD: an `ONBUILD COPY` trigger of such a stage is checked too, against the later
`ONBUILD RUN` triggers of the same stage (they run in that order, in the build `FROM` this
image) and the RUNs of a stage built `FROM` it in this file; the finding points at the
archive in the trigger. A plain RUN of the stage is not counted: it runs in this build, before
any trigger. hadolint's DL3010 does not look inside ONBUILD.

## Why is this bad?
The archive stays in the layer the `COPY` made, even when the `RUN` deletes it afterwards, so
the image carries it twice: packed and unpacked. `ADD archive.tar.gz /dest/` unpacks a local
tar archive in one step, and `RUN --mount=type=bind,source=archive.tar.gz,target=/tmp/a.tgz
tar -xzf /tmp/a.tgz -C /dest` does it with `tar` without the archive ever entering a layer.

## Example
```dockerfile
FROM debian:12-slim
COPY jdk-21.tar.gz /tmp/
RUN mkdir -p /opt/jdk && tar -xzf /tmp/jdk-21.tar.gz -C /opt/jdk && rm /tmp/jdk-21.tar.gz
```

## Use instead
```dockerfile
FROM debian:12-slim
ADD jdk-21.tar.gz /opt/jdk/
```
"""

from __future__ import annotations

import re
from docklint.record import record

from docklint.checks import archive_suffix, has_parse_error
from docklint.facts import facts_of
from docklint.rule import Finding, Related, Severity, rule

# tar options that make the result something ADD cannot reproduce
_BLOCKING = ("--strip-components", "--strip", "--transform", "--xform", "--wildcards",
             "--exclude", "--exclude-from", "--to-stdout", "--to-command", "--occurrence",
             "--files-from", "--anchored", "--no-wildcards")
# tar options that take the next word as their value (when not written --opt=value)
_VALUE_OPTIONS = ("--file", "--directory", "--strip-components", "--exclude", "--transform",
                  "--xform", "--owner", "--group", "--mode", "--use-compress-program",
                  "--files-from", "--exclude-from", "--blocking-factor", "--record-size",
                  "--to-command", "--format", "--checkpoint", "--checkpoint-action")
# short options that take a value
_SHORT_VALUE = "fCbTXIHLg"


def _tar_extract(cmd):
    """(archive file, directory or None) when ``cmd`` is a tar that unpacks a whole archive."""
    args = list(cmd.args)
    extract = False
    file_word = None
    directory = None
    members = 0
    i = 0
    while i < len(args):
        v = args[i].value
        if i == 0 and v.isalpha() and not v.startswith("-"):
            # old-style bundle: "tar xzf file.tgz"; option values follow in letter order
            extract = "x" in v
            takes = [c for c in v if c in _SHORT_VALUE]
            for k, c in enumerate(takes):
                if i + 1 + k < len(args):
                    if c == "f":
                        file_word = args[i + 1 + k].value
                    elif c == "C":
                        directory = args[i + 1 + k].value
            if "O" in v:
                return None
            i += 1 + len(takes)
            continue
        if v == "--":
            members += len(args) - i - 1
            break
        if v.startswith("--"):
            name, eq, val = v.partition("=")
            if name.startswith(_BLOCKING):
                return None
            if name in ("--extract", "--get"):
                extract = True
            takes_next = name in _VALUE_OPTIONS and not eq
            value_word = args[i + 1] if takes_next and i + 1 < len(args) else None
            if name == "--file":
                file_word = value_word.value if value_word is not None else (val or None)
            elif name == "--directory":
                directory = value_word.value if value_word is not None else val
            i += 2 if takes_next else 1
            continue
        if v.startswith("-") and len(v) > 1:
            letters = v[1:]
            if not letters.isalnum():
                i += 1
                continue
            if "x" in letters:
                extract = True
            if "O" in letters:
                return None
            consumed = 0
            for k, c in enumerate(letters):
                if c in _SHORT_VALUE:
                    rest = letters[k + 1:]
                    if rest:            # "-fFILE", "-Cdir": the value is glued on
                        if c == "C":
                            directory = rest
                        elif c == "f":
                            return None     # unusual; the position would be a guess
                    else:
                        consumed += 1
                        if i + consumed < len(args):
                            if c == "f":
                                file_word = args[i + consumed].value
                            elif c == "C":
                                directory = args[i + consumed].value
                    break
            i += 1 + consumed
            continue
        members += 1
        i += 1
    if not extract or file_word is None or members:
        return None
    return file_word, directory


def _basename(path: str) -> str:
    """The last part of a path, Windows separators included (``C:\\tmp\\app.tar``), quotes
    around it removed."""
    path = path.strip().strip("\"'").rstrip("/\\")
    return re.split(r"[\\/]", path)[-1]


@record(frozen=True)
class _Word:
    value: str


@record(frozen=True)
class _Command:
    name: str
    args: tuple


class _WindowsScript:
    """The commands of a RUN in a Windows stage (run by `cmd /S /C` or PowerShell, which the
    POSIX shell parser does not read): split on `&&`, `||`, `&`, `|` and `;`, words on blanks
    outside double quotes. Enough to see ``tar -xf C:\\tmp\\app.tar``."""

    def __init__(self, ins) -> None:
        self._ins = ins
        text = " ".join(w.value for w in ins.args) if ins.json else \
            (ins.args[0].value if ins.args else "")
        commands = []
        for part in re.split(r"&&|\|\||[&|;]", text[:20000]):
            words = [w.strip('"') for w in re.findall(r'"[^"]*"|[^\s"]+', part)]
            if words:
                name = _basename(words[0]).lower()
                name = name[:-4] if name.endswith(".exe") else name
                commands.append(_Command(name, tuple(_Word(w) for w in words[1:])))
        self.commands = commands

    def command_span(self, _cmd):
        return self._ins.span


def _mentions(cmd, name: str) -> bool:
    """The command names the archive, or a file named after it (``app.tar.gz.sha256``)."""
    for a in cmd.args:
        base = _basename(a.value.partition("=")[2] or a.value) \
            if a.value.startswith("--") else _basename(a.value)
        if base == name or base.startswith(name + "."):
            return True
    return False


@rule("DK502", "copy-then-extract", Severity.INFO, tags={"size"}, aliases=("DL3010",),
      triggers=("COPY",), words=("tar",))
def check(df, options):
    facts = facts_of(df)
    graph = df.graph
    target_chain = graph.chain() if df.target is not None else []
    shipped = {s.index for s in target_chain}
    position = {s.index: i for i, s in enumerate(target_chain)}
    # the chain of a stage in the target's chain is the rest of that chain, unless the chain
    # loops back (a cycle, DK202): then each stage's own chain is walked (a chain cut at the
    # model's MAX_CHAIN ends at a stage outside it: no cycle)
    last = target_chain[-1] if target_chain else None
    cyclic = last is not None and last.base.kind == "stage" and last.base.stage in shipped
    for stage in df.stages:
        if stage.index not in shipped:
            continue            # a builder's layers never reach the final image
        if cyclic:
            later_stages = [s for s in target_chain if s.index != stage.index and
                            any(c.index == stage.index for c in graph.chain(s.index))]
        else:
            # the stages built on this one: those before it in the target's chain
            later_stages = target_chain[:position[stage.index]]
        for ins in stage.instructions:
            eff = ins.effective
            if eff.keyword != "COPY" or (eff.flag("from") is not None and eff.flag("from").value) \
                    or has_parse_error(df, ins):
                continue
            markers = {(h.marker_lstart, h.marker_lend) for h in eff.heredocs}
            words = [w for w in eff.args if (w.lstart, w.lend) not in markers]
            if len(words) < 2:
                continue
            if eff is ins:
                env = stage.env_before(ins)
            else:
                # a trigger expands in the build FROM this image: with its ENV, not its ARGs
                end = stage.env_end
                env = {k: end.get(k) for k in end if end.kinds.get(k) == "env"}
            for word in words[:-1]:
                src = df.expand(word.value, env).value
                if not src or any(c in src for c in "*?["):
                    continue
                kind = archive_suffix(src)
                if kind is None or kind[0] != "tar":
                    continue
                name = _basename(src)
                found = _extraction(facts, stage, ins, later_stages, name)
                raw = _basename(word.value)
                if found is None and raw != name and "$" not in raw:
                    # a Windows path the escape character ate (`dist\app.tar`)
                    name, src = raw, word.value.strip("\"'")
                    found = _extraction(facts, stage, ins, later_stages, name)
                if found is None:
                    continue
                run, script, cmd, directory = found
                sep = "\\" if directory and "\\" in directory else "/"
                dest = f"{directory.rstrip('/' + sep)}{sep}" if directory and \
                    "$" not in directory else "<directory>/"
                add = "ADD" if eff is ins else "ONBUILD ADD"
                yield Finding(
                    word.span,
                    f"`{name}` is copied in and then unpacked by `tar` on line {run.line}: the "
                    f"archive stays in the COPY layer; `{add} {src} {dest}` unpacks a local tar "
                    "archive itself (or bind-mount it into that RUN)",
                    related=(Related(script.command_span(cmd), "unpacked here"),))


def _extraction(facts, stage, copy, later_stages, name):
    """The RUN and tar command that unpack ``name`` after ``copy``; None when there is none,
    or when the build also uses the archive for something ADD would not allow."""
    runs = []
    after = False
    trigger = copy.keyword == "ONBUILD"
    for ins in stage.instructions:
        if ins is copy:
            after = True
        elif after and (ins.keyword == "RUN" if not trigger else
                        ins.keyword == "ONBUILD" and ins.sub is not None and
                        ins.sub.keyword == "RUN"):
            # a COPY trigger is followed by the later RUN triggers (both run in the build
            # FROM this image, in order), then by the RUNs of a stage built FROM this one
            runs.append(ins)
    for st in later_stages:
        runs += [i for i in st.instructions if i.keyword == "RUN"]
    found = None
    for ins in runs:
        script = facts.script(ins)
        if script is None:
            st = facts.df.stage_of(ins)
            if st is None or not facts.windows(st.index) or ins.keyword == "ONBUILD":
                continue
            script = _WindowsScript(ins)
        for cmd in script.commands:
            if not _mentions(cmd, name):
                continue
            if cmd.name == "tar":
                if not any(_basename(a.value.partition("=")[2] if
                                     a.value.startswith("--") else a.value) == name
                           for a in cmd.args):
                    return None          # a file named after the archive, not the archive
                got = _tar_extract(cmd)
                if got is None:
                    return None
                file_word, directory = got
                if _basename(file_word) != name:
                    return None
                if found is None:
                    if directory is None and ins.keyword != "ONBUILD" and \
                            not any(c.name == "cd" for c in script.commands):
                        st = facts.df.stage_of(ins)
                        directory = facts.workdir(st, ins) if st is not None else None
                    found = (ins, script, cmd, directory)
            elif cmd.name not in ("rm", "ls", "echo", "mkdir", "del", "erase", "remove-item"):
                return None      # checked, moved, copied: it is used as a file
    return found

