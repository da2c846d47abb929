"""Where a Dockerfile's project begins: the root of its git checkout.

Kept apart from :mod:`docklint.discovery` (which walks directories and is loaded only for them):
rules read meaning into the directory names of a Dockerfile's path, and only the project's own
part of that path may count.
"""

from __future__ import annotations

import os
from functools import lru_cache

__all__ = ["git_top", "project_path"]


@lru_cache(maxsize=256)
def git_top(directory: str) -> str | None:
    """The nearest ancestor of ``directory`` (itself included) that holds ``.git``."""
    current = directory
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def project_path(path: str | None) -> str:
    """The part of a Dockerfile's path that belongs to its project, with ``/`` separators:
    below the root of its git checkout, else below the working directory, else the path as
    given. Rules that read meaning into directory names (`tests/`, `arm64/`) use this, so that
    where a checkout happens to live (`/builds/ci/`, `/home/me/tests/`) says nothing about the
    file."""
    if not path or path == "-":
        return ""
    full = os.path.abspath(path)
    top = git_top(os.path.dirname(full))
    if top is None:
        cwd = os.getcwd()
        top = cwd if full.startswith(os.path.join(cwd, "")) else None
    shown = os.path.relpath(full, top) if top is not None else path
    return "/".join(p for p in shown.replace(os.sep, "/").replace("\\", "/").split("/")
                    if p not in ("", "."))
