"""What a stage installs with a package manager, and the table of package managers."""

from __future__ import annotations

import re
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from ..model import Stage
from ..shell import SHELL_NAMES, Command, Script, parse_script
from ..syntax import Instruction
from ._core import memo

if TYPE_CHECKING:
    from typing import Iterator
    from . import Facts

__all__ = ["PACKAGE_MANAGERS", "installs", "installed_packages", "package_words",
           "run_commands", "exec_script"]

PACKAGE_MANAGERS = {
    # manager -> subcommands that install
    "apt-get": ("install",), "apt": ("install",), "aptitude": ("install",),
    "apk": ("add",), "dnf": ("install",), "yum": ("install",), "microdnf": ("install",),
    "zypper": ("install", "in"), "tdnf": ("install",), "pacman": ("-S", "-Sy", "-Syu"),
    "pip": ("install",), "pip3": ("install",), "npm": ("install", "i", "ci", "add"),
    "yarn": ("install", "add"), "pnpm": ("install", "add", "i"), "gem": ("install",),
    "composer": ("install", "require"), "bundle": ("install",), "conda": ("install",),
    "go": ("install", "get"), "cargo": ("install",), "uv": ("pip", "sync", "add"),
    "poetry": ("install", "add"),
}
# commands that feed a command's arguments from their input
_ARGS_FROM_INPUT = {"xargs", "parallel"}


def installs(cmd: Command) -> list[str]:
    """OS packages a system package-manager command installs (as written), else []."""
    return [w.value for w in _operands(cmd)]


def _operands(cmd: Command) -> list:
    from ..packages import parse
    pc = parse(cmd)
    if pc is not None:
        if pc.family in ("apt", "apk", "yum", "dnf", "zypper") and pc.installs and \
                not pc.simulates:
            return list(pc.operands)
        return []
    if cmd.name in ("tdnf", "pacman"):
        pos = cmd.positional()
        if cmd.name == "tdnf" and pos and pos[0].value == "install":
            return list(pos[1:])
        if cmd.name == "pacman" and any(a.value.startswith("-S") for a in cmd.args):
            return list(pos)
    return []


def _is_os_install(cmd: Command) -> bool:
    """Whether ``cmd`` runs a system package manager's install (its operands aside)."""
    from ..packages import parse
    pc = parse(cmd)
    if pc is not None:
        return pc.family in ("apt", "apk", "yum", "dnf", "zypper") and pc.installs and \
            not pc.simulates
    pos = cmd.positional()
    return (cmd.name == "tdnf" and bool(pos) and pos[0].value == "install") or \
        (cmd.name == "pacman" and any(a.value.startswith("-S") for a in cmd.args))


def package_words(facts: "Facts", stage: Stage, ins: Instruction, cmd: Command
                  ) -> tuple[list[str], bool]:
    """(packages, readable) of a system package-manager install: its operands with the
    ARG/ENV values of the stage expanded (``apt-get install $PKGS`` with ``ARG PKGS="a b"``
    installs ``a`` and ``b``). ``readable`` is False when docklint cannot know the whole
    list: an operand names a variable that is not set or set in the script itself, or a
    command substitution (``$(cat list.txt)``), or the packages come from the command's input
    (``xargs apt-get install``); such operands are kept as written."""
    if not _is_os_install(cmd):
        return [], True
    readable = cmd.name not in _ARGS_FROM_INPUT
    env = stage.env_before(ins)
    out: list[str] = []
    for word in _operands(cmd):
        value = word.value
        if not word.dynamic and "$" not in value and "`" not in value:
            out.append(value)
            continue
        if "$(" in value or "`" in value:
            out.append(value)
            readable = False
            continue
        expanded = facts.df.expand(value, env).value
        if expanded is None:
            out.append(value)
            readable = False
            continue
        out += expanded.split()
    return out, readable


def exec_script(facts: "Facts", ins: Instruction) -> Script | None:
    """The commands of an exec-form RUN (``RUN ["apt-get", "install", "-y", "curl"]``, or
    the script of ``RUN ["sh", "-c", "..."]``), parsed from its words; None for any other
    instruction. Offsets in it are not offsets in the Dockerfile: point at the instruction."""
    ins = ins.effective
    if ins.keyword != "RUN" or not ins.json or not ins.args:
        return None
    cache = memo(facts, "_exec_scripts")
    if id(ins) not in cache:
        words = [w.value for w in ins.args]
        text = None
        if words[0].rsplit("/", 1)[-1] in SHELL_NAMES:
            for i, w in enumerate(words[1:-1], 1):
                if re.fullmatch(r"-[a-z]*c[a-z]*", w):
                    text = words[i + 1]
                    break
        if text is None:
            import shlex
            text = " ".join(shlex.quote(w) for w in words)
        try:
            script = parse_script(text)
        except Exception:       # bad input never crashes: a RUN we cannot read
            script = None
        cache[id(ins)] = script
    return cache[id(ins)]


def run_commands(facts: "Facts", stage: Stage) -> Iterator[tuple[Instruction, Script, Command]]:
    """Every command of the stage's RUN instructions, shell form and exec form
    (:func:`exec_script`), in order."""
    for ins in stage.instructions:
        if ins.keyword != "RUN":
            continue
        script = facts.script(ins) if not ins.effective.json else exec_script(facts, ins)
        if script is not None:
            for cmd in script.commands:
                yield ins, script, cmd


def installed_packages(facts: "Facts", stage: Stage) -> list[str]:
    """OS packages a stage installs with a system package manager (apt, apk, dnf...), in
    shell-form and exec-form RUNs, ARG/ENV values expanded (:func:`package_words`)."""
    out: list[str] = []
    for ins, _script, cmd in run_commands(facts, stage):
        out += package_words(facts, stage, ins, cmd)[0]
    return out
