"""Derived facts about what a build puts in its images, computed once per file on demand.

The flagship rules ask the same questions: what base does a stage's chain end at and what does
that image contain (a shell? a CA bundle? libc?), what did the build copy or install on top of it,
how was the program built (static or dynamic), what does the final image run, and does anything
in it reach for ``https://``. The answers live here so that rules stay small and agree.

Rules ask through :class:`Facts`, one per Dockerfile (:func:`facts_of`). Each question is
answered by one module of this package, by a function that takes the Facts as its first
argument; the class only binds them, so its body is an index of which module answers what:

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

from functools import cached_property

from ..model import Dockerfile
from . import bases, ca, evidence, files, purposes, shells, stages, users
# imported under another name: each is also the name of a Facts attribute, which in the class
# body below would hide the module for the lines after it
from . import builds as _builds
from . import installs as _installs
from . import pulls as _pulls
from . import runtime as _runtime
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


class Facts:
    """Derived facts for one :class:`~docklint.model.Dockerfile`."""

    def __init__(self, df: Dockerfile) -> None:
        self.df = df

    # ---- shells
    script = shells.script
    commands = shells.commands
    shell_of = shells.shell_of
    posix_shell = shells.posix_shell
    windows = shells.windows
    shell_path = shells.shell_path
    has_shell = shells.has_shell
    run_has_shell = shells.run_has_shell
    bin_sh = shells.bin_sh

    # ---- stages
    used_as_base = stages.used_as_base
    ships = stages.ships
    shipping_stages = cached_property(stages.shipping_stages)
    last_in_chain = stages.last_in_chain
    workdir = stages.workdir
    cache_mounts = staticmethod(stages.cache_mounts)

    # ---- bases
    base_facts = bases.base_facts
    base_label = bases.base_label

    # ---- files
    copy_paths = files.copy_paths
    placed = files.placed
    provider = files.provider
    outputs = files.outputs
    writer = files.writer

    # ---- users
    passwd_users = users.passwd_users
    has_group_file = users.has_group_file
    effective_user = users.effective_user
    user_ids = users.user_ids

    # ---- installs
    installs = staticmethod(_installs.installs)
    installed_packages = _installs.installed_packages
    package_words = _installs.package_words
    run_commands = _installs.run_commands
    exec_script = _installs.exec_script

    # ---- ca
    ca_sources = ca.ca_sources
    stage_has_ca = ca.stage_has_ca
    installs_ca = ca.installs_ca
    opaque_steps = ca.opaque_steps
    ca_doubts = ca.ca_doubts

    # ---- evidence
    tls_evidence = evidence.tls_evidence
    tz_evidence = evidence.tz_evidence
    cgo_evidence = evidence.cgo_evidence
    tz_sources = evidence.tz_sources
    embedded_roots = evidence.embedded_roots
    reaches_https = cached_property(evidence.reaches_https)

    # ---- builds
    builds = _builds.builds
    build_info = _builds.build_info
    built_kind = _builds.built_kind
    build_for = _builds.build_for
    exe_paths = _builds.exe_paths
    search_path = _builds.search_path
    wasm_image = _builds.wasm_image
    copies_from = _builds.copies_from

    # ---- runtime
    entry_exe = _runtime.entry_exe
    runtime = _runtime.runtime
    run_activity = _runtime.run_activity
    libraries = _runtime.libraries

    # ---- purposes
    purpose = purposes.stage_purpose
    start = purposes.start
    drops_privileges = purposes.drops_privileges
    program_kind = purposes.program_kind

    # ---- pulls
    pulls = cached_property(_pulls.pulls)


def facts_of(df: Dockerfile) -> Facts:
    """The :class:`Facts` of ``df``: built on first use, once per Dockerfile (kept in the room
    the model leaves for the layers built on it, so it lives as long as the Dockerfile)."""
    found = df._derived.get("facts")
    if found is None:
        found = df._derived["facts"] = Facts(df)
    return found
