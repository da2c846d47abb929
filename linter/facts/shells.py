"""The shell of shell-form instructions: their parsed scripts and commands, the SHELL in effect,
and whether the image has that shell.

The model parses the scripts and knows the SHELL in effect (its variable scan needs both); the
Facts questions about them are answered from there, so that a script is parsed once per file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..model import Stage
from ..shell import Command, Script
from ..syntax import Instruction

if TYPE_CHECKING:
    from . import Facts

__all__ = ["script", "commands", "shell_of", "posix_shell", "windows", "shell_path",
           "has_shell"]


def script(facts: "Facts", ins: Instruction) -> Script | None:
    """The parsed shell of a shell-form RUN/CMD/ENTRYPOINT/HEALTHCHECK, or None (exec form,
    or a stage whose SHELL is not a POSIX shell). Parsed once."""
    return facts.df.script(ins)


def commands(facts: "Facts", stage: Stage, keyword: str = "RUN", onbuild: bool = False
             ) -> Iterator[tuple[Instruction, Script, Command]]:
    """Every shell command of the stage's ``keyword`` instructions (shell form, POSIX
    shell), in order; with ``onbuild``, also those of ``ONBUILD <keyword>`` triggers (the
    instruction yielded is then the ONBUILD; spans still point into the trigger)."""
    for ins in stage.instructions:
        if ins.keyword == keyword or (onbuild and ins.keyword == "ONBUILD" and
                                      ins.sub is not None and ins.sub.keyword == keyword):
            script = facts.script(ins)
            if script is not None:
                for cmd in script.commands:
                    yield ins, script, cmd


def windows(facts: "Facts", index: int) -> bool:
    """Whether stage ``index`` builds a Windows image: a ``--platform=windows/...`` in its
    chain, a base whose name says so (``mcr.microsoft.com/windows/nanoserver``,
    ``...-windowsservercore-ltsc2022``, ``mcr.microsoft.com/dotnet/framework/...``), or a
    file written with the backtick escape, as Windows Dockerfiles are."""
    return facts.df.windows(index)


def shell_of(facts: "Facts", stage: Stage, before: Instruction | None = None) -> list[str]:
    """The SHELL in effect (inherited through FROM <stage>); else the platform's default:
    ``["/bin/sh", "-c"]``, or ``["cmd", "/S", "/C"]`` on Windows."""
    return facts.df.shell_of(stage, before)


def posix_shell(facts: "Facts", ins: Instruction) -> bool:
    """Whether the SHELL in effect for ``ins`` is a POSIX shell (not cmd or PowerShell)."""
    return facts.df.posix_shell(ins)


def shell_path(facts: "Facts", index: int, before: Instruction | None = None) -> str:
    """The absolute path of the shell shell-form instructions of stage ``index`` run."""
    shell = facts.shell_of(facts.df.stages[index], before)[0]
    return shell if shell.startswith("/") else "/bin/" + shell


def has_shell(facts: "Facts", index: int, before: Instruction | None = None) -> bool | None:
    """Whether the image of stage ``index`` has the shell its SHELL (or /bin/sh) names:
    copied in, or in the base image; None when unknown."""
    path = facts.shell_path(index, before)
    if facts.provider(index, path):
        return True
    base = facts.base_facts(index)
    if base is None or base.has_shell is None:
        return None
    if not base.has_shell:
        return False
    return True if path == "/bin/sh" else None
