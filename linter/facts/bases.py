"""What the image at the end of a stage's FROM chain is: from the configuration's declared
``images:``, else from docklint's image data."""

from __future__ import annotations

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from .. import images

if TYPE_CHECKING:
    from . import Facts

__all__ = ["base_facts", "base_label"]


def base_facts(facts: "Facts", index: int) -> images.ImageFacts | None:
    """Facts about the image at the end of a stage's FROM chain (None when unknown)."""
    root = facts.df.graph.root_base(index)
    if root is None:
        return None
    if root.kind == "scratch":
        return images.scratch()
    if root.kind == "image" and root.image is not None:
        return facts.df.image_facts(root.image)
    return None


def base_label(facts: "Facts", index: int) -> str:
    """How a message names the image at the end of stage ``index``'s FROM chain: ``scratch``,
    the reference as written (``golang:1.22``), and for an image the configuration describes,
    where (``registry.corp.example/base:1, declared in .docklint.yaml:4 (images: '...')``), so
    that a finding resting on a declared fact says where that fact comes from."""
    root = facts.df.graph.root_base(index)
    if root is None:
        return "its base"
    if root.kind == "scratch":
        return "scratch"
    text = root.text or root.raw
    base = base_facts(facts, index)
    if base is not None and base.origin == "declared":
        return f"{text}, {base.origin_note}"
    return text
