"""The external images a build pulls: FROM bases, ``COPY --from=<image>`` and
``RUN --mount=from=<image>``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..imageref import ImageRef
from ..model import AUTOMATIC_ARGS, Dockerfile
from ..source import Span
from ..syntax import Instruction
from ..variables import references

if TYPE_CHECKING:
    from . import Facts

__all__ = ["Pull", "pulled_images", "pulls"]


@dataclass(frozen=True)
class Pull:
    """An external image the build pulls: a ``FROM`` base, a ``COPY --from=<image>`` or a
    ``RUN --mount=from=<image>``, after ARG expansion.

    ``span`` covers the reference as written (the FROM word, the ``--from`` value, the mount's
    ``from=`` value); ``raw`` is that text before expansion; ``instruction`` is the FROM, COPY
    or RUN.
    """

    kind: str                  # "from" | "copy" | "mount"
    image: ImageRef
    raw: str
    span: Span
    stage: int
    instruction: Instruction

    @property
    def what(self) -> str:
        """How to name it in a message: ``base image``, ``COPY --from image``..."""
        return {"from": "base image", "copy": "COPY --from image",
                "mount": "RUN --mount image"}[self.kind]


def pulls(facts: "Facts") -> list[Pull]:
    """The external images the build pulls (see :func:`pulled_images`), computed once."""
    return pulled_images(facts.df)


def pulled_images(df: Dockerfile) -> list[Pull]:
    """The external images a build of ``df`` pulls, in file order.

    Without an explicit ``--target`` every stage counts (any of them may be built as a
    target); with one, only the stages that target's build reaches. Stage references,
    ``scratch``, references that depend on an unset build argument and references that use
    an automatic platform argument (``$TARGETARCH``...) are left out.
    """
    graph = df.graph
    if df.target_name is not None:
        scope = graph.reachable() if graph.target is not None else set()
    else:
        scope = {s.index for s in df.stages}
    known = {a.name for a in df.global_args if a.value is not None}

    def platform_dependent(raw: str) -> bool:
        # BuildKit always sets TARGETARCH and friends; the model takes them as unset, which
        # is wrong for `${TARGETARCH:+...}` forms: leave such references alone
        return any(r.name in AUTOMATIC_ARGS and r.name not in known
                   for r in references(raw, df.escape))

    out: list[Pull] = []
    for stage in df.stages:
        if stage.index in scope and stage.base.kind == "image" and stage.base.image is not None \
                and not platform_dependent(stage.base.raw):
            out.append(Pull("from", stage.base.image, stage.base.raw, stage.base.span,
                            stage.index, stage.from_))
    for edge in graph.edges:
        if edge.source not in scope or edge.image is None or not edge.resolved:
            continue
        if edge.kind == "copy" and edge.ref.lower() == "scratch":
            continue
        raw, span = edge.raw or edge.ref, edge.value_span or edge.span
        if not platform_dependent(raw):
            out.append(Pull(edge.kind, edge.image, raw, span, edge.source, edge.instruction))
    out.sort(key=lambda p: p.span.start)
    return out
