"""Image references as Docker reads them: ``[registry/]path[:tag][@digest]``.

Kept apart from the model so that ``images.py`` and the model can both use it without importing
each other.
"""

from __future__ import annotations

import re

from docklint.lazyre import lazy
from docklint.record import record

__all__ = ["ImageRef", "parse_image_ref"]

_DIGEST = lazy(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")
_TAG = lazy(r"^[\w][\w.-]{0,127}$", re.ASCII)
_PATH_COMPONENT = lazy(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_DOMAIN = lazy(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)"
                     r"(?:\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?))*(?::[0-9]+)?$"
                     r"|^\[[0-9A-Fa-f:.]+\](?::[0-9]+)?$")

DOCKER_HUB = "docker.io"
_HUB_ALIASES = {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}


@record(frozen=True, slots=True)
class ImageRef:
    """A parsed image reference.

    ``registry`` is normalised (Docker Hub is ``docker.io``), ``path`` is the repository path on
    that registry (``library/golang`` for the official ``golang``). ``error`` says why the text is
    not a valid reference (then the other fields are best effort).
    """

    raw: str
    registry: str
    path: str
    tag: str | None = None
    digest: str | None = None
    explicit_registry: bool = False
    error: str | None = None

    @property
    def valid(self) -> bool:
        return self.error is None

    @property
    def repository(self) -> str:
        """The familiar name: ``golang`` for Docker Hub official images, ``registry/path`` else."""
        if self.registry == DOCKER_HUB:
            return self.path[len("library/"):] if self.path.startswith("library/") else self.path
        return f"{self.registry}/{self.path}"

    @property
    def is_docker_hub(self) -> bool:
        return self.registry == DOCKER_HUB

    @property
    def pinned(self) -> bool:
        """Pinned to something other than an implicit or explicit ``latest``."""
        return self.digest is not None or (self.tag is not None and self.tag != "latest")

    def __str__(self) -> str:
        out = self.repository
        if self.tag:
            out += ":" + self.tag
        if self.digest:
            out += "@" + self.digest
        return out


def parse_image_ref(text: str) -> ImageRef:
    """Parse ``text`` as an image reference; never raises (see ``ImageRef.error``)."""
    raw = text
    error: str | None = None
    if not text:
        return ImageRef(raw=raw, registry=DOCKER_HUB, path="", error="empty image name")
    digest = None
    if "@" in text:
        text, digest = text.split("@", 1)
        if not _DIGEST.match(digest):
            error = f"invalid digest {digest!r}"
    tag = None
    last_slash = text.rfind("/")
    colon = text.rfind(":")
    if colon > last_slash:
        text, tag = text[:colon], text[colon + 1:]
        if not _TAG.match(tag):
            error = error or f"invalid tag {tag!r}"
    parts = text.split("/")
    explicit = False
    # Docker's splitDockerDomain: the first component is a registry host when it has a `.` or
    # `:`, is `localhost`, or is not all lower case (`MyRegistry/app`: host names may have
    # capitals, repository paths may not)
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"
                           or parts[0].startswith("[") or parts[0] != parts[0].lower()):
        registry = parts[0]
        path_parts = parts[1:]
        explicit = True
        if not _DOMAIN.match(registry):
            error = error or f"invalid registry {registry!r}"
        registry = registry.lower()      # host names are case-insensitive
        if registry in _HUB_ALIASES:
            registry = DOCKER_HUB
    else:
        registry = DOCKER_HUB
        path_parts = parts
    if registry == DOCKER_HUB and len(path_parts) == 1:
        path_parts = ["library", *path_parts]
    for comp in path_parts:
        if not _PATH_COMPONENT.match(comp):
            if comp.lower() != comp and _PATH_COMPONENT.match(comp.lower()):
                error = error or "repository name must be lowercase"
            else:
                error = error or f"invalid repository name component {comp!r}"
            break
    return ImageRef(raw=raw, registry=registry, path="/".join(path_parts), tag=tag,
                    digest=digest, explicit_registry=explicit, error=error)
