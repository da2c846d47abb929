"""What the image at the end of a stage's FROM chain is, from docklint's image data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import images

if TYPE_CHECKING:
    from . import Facts

__all__ = ["base_facts"]


def base_facts(facts: "Facts", index: int) -> images.ImageFacts | None:
    """Facts about the image at the end of a stage's FROM chain (None when unknown)."""
    root = facts.df.graph.root_base(index)
    if root is None:
        return None
    if root.kind == "scratch":
        return images.scratch()
    if root.kind == "image" and root.image is not None:
        return images.lookup(root.image)
    return None
