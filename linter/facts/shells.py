"""The shell of shell-form instructions: their parsed scripts and commands, the SHELL in effect,
whether the image has that shell, and which shell its ``/bin/sh`` is.

The model parses the scripts and knows the SHELL in effect (its variable scan needs both); the
Facts questions about them are answered from there, so that a script is parsed once per file.
"""

from __future__ import annotations

import posixpath
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from ..model import Stage
from ..shell import Command, Script
from ..syntax import Instruction

if TYPE_CHECKING:
    from typing import Iterator
    from . import Facts

__all__ = ["script", "commands", "shell_of", "posix_shell", "windows", "shell_path",
           "has_shell", "run_has_shell", "bin_sh"]


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
    """The shell shell-form instructions of stage ``index`` run: its absolute path; for a
    name without a slash (``SHELL ["busybox", "sh", "-c"]``), which BuildKit and the runtime
    look up on the PATH, the first place on the image's PATH where a COPY/ADD puts it, else
    the name as written."""
    shell = facts.shell_of(facts.df.stages[index], before)[0]
    if shell.startswith("/"):
        return shell
    for path in _candidates(facts, index, shell) or ():
        if facts.provider(index, path, before):
            return path
    return shell


def _candidates(facts: "Facts", index: int, shell: str) -> list[str] | None:
    """Where the image looks for the shell ``shell``; None when its PATH is unknown."""
    if shell.startswith("/"):
        return [shell]
    return facts.exe_paths(index, shell)


def has_shell(facts: "Facts", index: int, before: Instruction | None = None) -> bool | None:
    """Whether the image of stage ``index`` (just before ``before``, if given) has the shell
    its SHELL (or /bin/sh) names: copied in (a name without a slash is looked up on the
    image's PATH), or in the base image; None when unknown: the PATH is unknown, or the base
    has no shell but a RUN before may have made one (an exec-form
    ``RUN ["/bin/busybox", "--install", "-s", "/bin"]``, see :func:`.files.writer`)."""
    shell = facts.shell_of(facts.df.stages[index], before)[0]
    paths = _candidates(facts, index, shell)
    if paths is None:
        return None
    if any(facts.provider(index, p, before) for p in paths):
        return True
    base = facts.base_facts(index)
    if base is None or base.has_shell is None:
        return None
    if base.has_shell:
        return True if shell in ("/bin/sh", "sh") else None
    if facts.writer(index, before) is not None:
        return None
    return False


def run_has_shell(facts: "Facts", ins: Instruction) -> bool | None:
    """Whether a shell-form RUN finds its shell when it runs: in the image (:func:`has_shell`),
    or in a ``--mount=type=bind`` of the RUN itself that covers the shell's path (BuildKit
    mounts it before it starts the shell, so ``--mount=type=bind,from=busybox,source=/bin,
    target=/bin`` lets a RUN work in a distroless stage; the image still has no shell
    afterwards). None when unknown."""
    stage = facts.df.stage_of(ins)
    if stage is None:
        return None
    found = facts.has_shell(stage.index, before=ins)
    if found is not False:
        return found
    paths = _candidates(facts, stage.index, facts.shell_of(stage, ins)[0]) or []
    answer: bool | None = False
    for mount in _bind_mounts(ins):
        target = (mount.target or "").rstrip("/") or "/"
        source = mount.options.get("source") or mount.options.get("src") or "/"
        if "$" in target or "$" in source:
            answer = None               # a mount docklint cannot place may hold it
            continue
        for path in paths:
            if not (path == target or path.startswith(target.rstrip("/") + "/")):
                continue
            inside = posixpath.normpath(posixpath.join("/", source,
                                                       posixpath.relpath(path, target)))
            has = _image_has_file(facts, stage, ins, mount, inside)
            if has:
                return True
            if has is None:
                answer = None
    return answer


def _bind_mounts(ins: Instruction):
    from ..model import parse_mount
    for flag in ins.flags:
        if flag.name == "mount" and flag.value:
            mount = parse_mount(flag)
            if mount.type == "bind":
                yield mount


def _image_has_file(facts: "Facts", stage: Stage, ins: Instruction, mount, path: str
                    ) -> bool | None:
    """Whether what a bind mount reads from (a stage, an image, the context) has ``path``:
    a shell at /bin/sh of an image known to have one, or a file a stage copies there."""
    ref = mount.source_from
    if not ref:
        return None                     # the build context: docklint cannot tell
    from .files import edges_of
    edge = next((e for e in edges_of(facts, ins)
                 if e.kind == "mount" and (e.raw == ref or e.ref == ref)), None)
    if edge is None or not edge.resolved:
        return None
    if edge.target is not None:
        if facts.provider(edge.target, path):
            return True
        base = facts.base_facts(edge.target)
    elif edge.image is not None:
        base = facts.df.image_facts(edge.image)
    else:
        return None
    if base is None or base.has_shell is None:
        return None
    if not base.has_shell:
        return False
    return True if path in ("/bin/sh", "/usr/bin/sh") else None


# What runs as /bin/sh, by the distribution under it: Debian and Ubuntu link it to dash, Alpine
# and BusyBox images to BusyBox ash, the RPM distributions (Fedora, RHEL and its rebuilds,
# Amazon Linux, openSUSE) to bash.
_DASH_FAMILIES = frozenset({"debian", "ubuntu", "buildpack-deps", "golang", "node", "python",
                            "ruby", "php", "rust", "gcc", "openjdk", "eclipse-temurin", "maven",
                            "gradle"})
_BASH_FAMILIES = frozenset({"fedora", "centos", "rockylinux", "almalinux", "oraclelinux",
                            "amazonlinux", "amazoncorretto", "opensuse-leap"})
# the distributions an image's name can say, each a whole run of letters in it (`bookworm` in
# `python:3.12-bookworm`, `debian` in `debian12`; not `sid` in `inside`)
_DEBIAN_NAMES = frozenset({"debian", "ubuntu", "jessie", "stretch", "buster", "bullseye",
                           "bookworm", "trixie", "forky", "sid", "xenial", "bionic", "focal",
                           "jammy", "noble", "oracular", "plucky", "questing"})
_ALPINE_NAMES = frozenset({"alpine", "busybox"})
_RPM_NAMES = frozenset({"fedora", "centos", "rockylinux", "rocky", "almalinux", "alma",
                        "oraclelinux", "amazonlinux", "amazoncorretto", "ubi", "rhel", "opensuse",
                        "sles", "mariner", "azurelinux"})
_NAMES = (("ash", _ALPINE_NAMES), ("bash", _RPM_NAMES), ("dash", _DEBIAN_NAMES))
_BY_COMMAND = (("ash", frozenset({"apk"})),
               ("dash", frozenset({"apt-get", "apt", "aptitude", "dpkg", "dpkg-reconfigure",
                                   "update-alternatives"})),
               ("bash", frozenset({"yum", "dnf", "microdnf", "dnf5", "rpm", "zypper"})))


def bin_sh(facts: "Facts", index: int) -> str | None:
    """What ``/bin/sh`` is in the image of stage ``index``: ``"dash"`` (Debian, Ubuntu and the
    images built on them), ``"ash"`` (BusyBox: Alpine, BusyBox), ``"bash"`` (Fedora, RHEL and
    its rebuilds, Amazon Linux, openSUSE), or None when docklint cannot tell.

    Read from what docklint knows of the base image, else from its name (a Debian or Ubuntu
    release, ``alpine``), else from the package manager the stage's chain runs (``apk``,
    ``apt-get``/``dpkg``, ``yum``/``dnf``/``zypper``). A stage whose chain changes ``/bin/sh``
    (``ln -s bash /bin/sh``) gives None. Computed once per stage."""
    from ._core import memo
    cache = memo(facts, "_bin_sh")
    if index not in cache:
        cache[index] = _bin_sh(facts, index)
    return cache[index]


def _bin_sh(facts: "Facts", index: int) -> str | None:
    df = facts.df
    chain = df.graph.chain(index)
    for st in chain:
        for _ins, _script, cmd in facts.commands(st):
            if cmd.name == "ln" and any(a.value.rstrip("/") in ("/bin/sh", "/usr/bin/sh")
                                        for a in cmd.args):
                return None
    base = facts.base_facts(index)
    if base is not None and (base.libc == "musl" or base.family == "busybox"):
        return "ash"
    # the distribution a tag names (`maven:3-amazoncorretto-21`, `python:3.12-bookworm`) wins
    # over the image's usual one
    root = df.graph.root_base(index)
    if root is not None and root.kind == "image" and root.image is not None:
        name = f"{root.image.repository}:{root.image.tag or ''}".lower()
        runs = set("".join(c if "a" <= c <= "z" else " " for c in name).split())
        for flavour, names in _NAMES:
            if not runs.isdisjoint(names):
                return flavour
    if base is not None:
        if base.libc == "glibc" and base.family in _DASH_FAMILIES:
            return "dash"
        if base.family in _BASH_FAMILIES:
            return "bash"
    for st in chain:
        for _ins, _script, cmd in facts.commands(st, onbuild=True):
            for flavour, names in _BY_COMMAND:
                if cmd.name in names:
                    return flavour
    return None
