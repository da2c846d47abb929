"""What a stage installs with a package manager, and the table of package managers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Stage
from ..shell import Command

if TYPE_CHECKING:
    from . import Facts

__all__ = ["PACKAGE_MANAGERS", "installs", "installed_packages"]

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


def installs(cmd: Command) -> list[str]:
    """OS packages a system package-manager command installs (as written), else []."""
    from ..packages import parse
    pc = parse(cmd)
    if pc is not None:
        if pc.family in ("apt", "apk", "yum", "dnf", "zypper") and pc.installs and \
                not pc.simulates:
            return [w.value for w in pc.operands]
        return []
    if cmd.name in ("tdnf", "pacman"):
        pos = cmd.positional()
        if cmd.name == "tdnf" and pos and pos[0].value == "install":
            return [p.value for p in pos[1:]]
        if cmd.name == "pacman" and any(a.value.startswith("-S") for a in cmd.args):
            return [p.value for p in pos]
    return []


def installed_packages(facts: "Facts", stage: Stage) -> list[str]:
    """OS packages a stage installs with a system package manager (apt, apk, dnf...)."""
    out: list[str] = []
    for _ins, _script, cmd in facts.commands(stage):
        out += facts.installs(cmd)
    return out
