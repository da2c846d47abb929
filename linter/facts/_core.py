"""What several question modules share: the per-:class:`~docklint.facts.Facts` memo tables and
the normalisation of paths in an image."""

from __future__ import annotations

import posixpath
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

if TYPE_CHECKING:
    from typing import Any
    from . import Facts


def memo(facts: "Facts", name: str) -> dict[Any, Any]:
    """The memo table ``name`` of one Facts: a dict kept on the instance (made on first use),
    so it lives as long as the Facts, which :func:`~docklint.facts.facts_of` builds once per
    Dockerfile."""
    table = facts.__dict__.get(name)
    if table is None:
        table = facts.__dict__[name] = {}
    return table


def _norm(path: str) -> str:
    """A path in the image, normalised: posixpath.normpath keeps a leading ``//`` (POSIX lets
    it mean something else); in a container image it is plain ``/``."""
    path = posixpath.normpath(path)
    return "/" + path.lstrip("/") if path.startswith("//") else path
