"""Derived facts about what a build puts in its images, computed once per file on demand.

The flagship rules ask the same questions: what base does a stage's chain end at and what does
that image contain (a shell? a CA bundle? libc?), what did the build copy or install on top of it,
how was the program built (static or dynamic), what does the final image run, and does anything
in it reach for ``https://``. The answers live here so that rules stay small and agree.

Rules ask through :class:`Facts`, one per Dockerfile (:func:`facts_of`). Each question is
answered by one module of this package, by a function that takes the Facts as its first
argument; the class only binds them, so its body is an index of which module answers what.
A module is imported when one of its answers is first asked for (most files' rules need a
few of them: a file with no scratch or distroless final stage never needs ``evidence``):

- ``shells``: the parsed script of a shell-form instruction, its commands, the SHELL in effect,
  whether the image has that shell, and what its ``/bin/sh`` is (dash, BusyBox ash, bash);
- ``stages``: which stages ship or are bases of others, the instruction in effect for an
  image, the working directory, cache mounts;
- ``bases``: what docklint's data knows about the image at the end of a FROM chain;
- ``files``: what COPY/ADD put where, which copy may provide a path, and the RUNs that may
  have made files docklint cannot place;
- ``users``: the users in /etc/passwd, /etc/group, the user an image runs as, their IDs;
- ``installs``: the packages a stage installs;
- ``ca``: what puts a CA bundle into an image, and what may without docklint being able
  to tell (RUNs it cannot read, package lists it cannot resolve, trees copied whole);
- ``evidence``: what shows the program makes TLS calls (and how strongly), loads time
  zones or uses cgo, and whether it carries its own root certificates;
- ``builds``: how the programs were built, and which build made a file;
- ``targets``: what a compile command builds for (its target, from the resolved command line);
- ``runtime``: what the image runs, what its RUNs do, and the loaders and shared libraries
  it gives a dynamically linked program;
- ``purposes``: what an image is for (app, tooling, interactive, base, or unknown for a
  stage built on no image), how it starts its
  program (through a shell? dropping root itself?) and what kind of program that is;
- ``pulls``: the external images a build pulls;
- ``_core``: the memo tables and path normalisation the others share.
"""

from __future__ import annotations

import sys
from functools import cached_property

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any

    from ..model import Dockerfile
    from .builds import BuildInfo
    from .ca import CaDoubt, CaSource
    from .evidence import Evidence
    from .files import Placed
    from .installs import PACKAGE_MANAGERS
    from .pulls import Pull, pulled_images
    from .purposes import is_tooling_command, purpose
    from .runtime import Runtime

__all__ = ["Facts", "facts_of", "Evidence", "CaSource", "CaDoubt", "Runtime", "BuildInfo",
           "Placed", "Pull", "PACKAGE_MANAGERS", "pulled_images", "purpose", "is_tooling_command"]

# what this package exports from its modules (imported on first use, as the answers are)
_EXPORTS = {"BuildInfo": "builds", "CaDoubt": "ca", "CaSource": "ca", "Evidence": "evidence",
            "Placed": "files", "PACKAGE_MANAGERS": "installs", "Pull": "pulls",
            "pulled_images": "pulls", "purpose": "purposes", "is_tooling_command": "purposes",
            "Runtime": "runtime"}


def _module(name: str) -> Any:
    qualified = f"{__name__}.{name}"
    module = sys.modules.get(qualified)
    if module is None:
        __import__(qualified)
        module = sys.modules[qualified]
    return module


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


class _answer:  # noqa: N801 - used like a decorator in the class body below
    """``Facts.<attr>``: the function ``<module>.<function>`` of this package (as a method; a
    ``cached`` property; a ``static`` method), put on the class when it is first asked for."""

    __slots__ = ("where", "cached", "static", "attr")

    def __init__(self, where: str, *, cached: bool = False, static: bool = False) -> None:
        self.where, self.cached, self.static, self.attr = where, cached, static, ""

    def __set_name__(self, owner: type, attr: str) -> None:
        self.attr = attr

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        owner = owner if owner is not None else type(obj)
        module, function = self.where.split(".")
        fn = getattr(_module(module), function)
        if self.cached:
            bound: Any = cached_property(fn)
            bound.__set_name__(owner, self.attr)
        elif self.static:
            bound = staticmethod(fn)
        else:
            bound = fn
        setattr(owner, self.attr, bound)
        return bound.__get__(obj, owner)


class Facts:
    """Derived facts for one :class:`~docklint.model.Dockerfile`."""

    def __init__(self, df: Dockerfile) -> None:
        self.df = df

    # ---- shells
    script = _answer("shells.script")
    commands = _answer("shells.commands")
    shell_of = _answer("shells.shell_of")
    posix_shell = _answer("shells.posix_shell")
    windows = _answer("shells.windows")
    shell_path = _answer("shells.shell_path")
    has_shell = _answer("shells.has_shell")
    run_has_shell = _answer("shells.run_has_shell")
    bin_sh = _answer("shells.bin_sh")

    # ---- stages
    used_as_base = _answer("stages.used_as_base")
    ships = _answer("stages.ships")
    shipping_stages = _answer("stages.shipping_stages", cached=True)
    last_in_chain = _answer("stages.last_in_chain")
    workdir = _answer("stages.workdir")
    cache_mounts = _answer("stages.cache_mounts", static=True)

    # ---- bases
    base_facts = _answer("bases.base_facts")
    base_label = _answer("bases.base_label")

    # ---- files
    copy_paths = _answer("files.copy_paths")
    placed = _answer("files.placed")
    provider = _answer("files.provider")
    outputs = _answer("files.outputs")
    writer = _answer("files.writer")

    # ---- users
    passwd_users = _answer("users.passwd_users")
    has_group_file = _answer("users.has_group_file")
    effective_user = _answer("users.effective_user")
    user_ids = _answer("users.user_ids")

    # ---- installs
    installs = _answer("installs.installs", static=True)
    installed_packages = _answer("installs.installed_packages")
    package_words = _answer("installs.package_words")
    run_commands = _answer("installs.run_commands")
    exec_script = _answer("installs.exec_script")

    # ---- ca
    ca_sources = _answer("ca.ca_sources")
    stage_has_ca = _answer("ca.stage_has_ca")
    installs_ca = _answer("ca.installs_ca")
    opaque_steps = _answer("ca.opaque_steps")
    ca_doubts = _answer("ca.ca_doubts")

    # ---- evidence
    tls_evidence = _answer("evidence.tls_evidence")
    tz_evidence = _answer("evidence.tz_evidence")
    cgo_evidence = _answer("evidence.cgo_evidence")
    tz_sources = _answer("evidence.tz_sources")
    embedded_roots = _answer("evidence.embedded_roots")
    reaches_https = _answer("evidence.reaches_https", cached=True)

    # ---- builds
    builds = _answer("builds.builds")
    build_info = _answer("builds.build_info")
    built_kind = _answer("builds.built_kind")
    build_for = _answer("builds.build_for")
    exe_paths = _answer("builds.exe_paths")
    search_path = _answer("builds.search_path")
    wasm_image = _answer("builds.wasm_image")
    copies_from = _answer("builds.copies_from")

    # ---- runtime
    entry_exe = _answer("runtime.entry_exe")
    runtime = _answer("runtime.runtime")
    run_activity = _answer("runtime.run_activity")
    libraries = _answer("runtime.libraries")

    # ---- purposes
    purpose = _answer("purposes.stage_purpose")
    start = _answer("purposes.start")
    drops_privileges = _answer("purposes.drops_privileges")
    program_kind = _answer("purposes.program_kind")

    # ---- pulls
    pulls = _answer("pulls.pulls", cached=True)


def facts_of(df: Dockerfile) -> Facts:
    """The :class:`Facts` of ``df``: built on first use, once per Dockerfile (kept in the room
    the model leaves for the layers built on it, so it lives as long as the Dockerfile)."""
    found = df._derived.get("facts")
    if found is None:
        found = df._derived["facts"] = Facts(df)
    return found
