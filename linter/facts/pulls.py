"""The external images a build pulls: FROM bases, ``COPY --from=<image>`` and
``RUN --mount=from=<image>``."""

from __future__ import annotations

from docklint.record import record
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from ..imageref import ImageRef, parse_image_ref
from ..model import AUTOMATIC_ARGS, Dockerfile, _flag_value_span, mount_fields, parse_mount
from ..source import Span
from ..syntax import Instruction
from ..variables import references

if TYPE_CHECKING:
    from . import Facts

__all__ = ["Pull", "pulled_images", "pulls", "trigger_pulls", "all_pulls"]


@record(frozen=True)
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


def trigger_pulls(df: Dockerfile) -> list[Pull]:
    """The images pulled by the ONBUILD triggers that no stage of this file runs (a trigger a
    stage built FROM its stage runs is in :func:`pulled_images`, through that stage), in file
    order: the ``COPY --from`` and bind/cache mount ``from=`` values of those triggers that can
    only name an image (a ``/``, ``:`` or ``@`` in them: stage and build-context names have
    none) and use no variable (a trigger is expanded in the build that runs it). Stages are
    in scope as for :func:`pulled_images`."""
    graph = df.graph
    if df.target_name is not None:
        scope = graph.reachable() if graph.target is not None else set()
    else:
        scope = {s.index for s in df.stages}
    parents = {s.base.stage for s in df.stages
               if s.index in scope and s.base.kind == "stage" and s.base.stage is not None}
    out: list[Pull] = []
    for stage in df.stages:
        if stage.index not in scope or stage.index in parents:
            continue
        for ins in stage.instructions:
            sub = ins.sub if ins.keyword == "ONBUILD" else None
            if sub is None:
                continue
            refs: list[tuple[str, str, Span]] = []
            if sub.keyword == "COPY":
                flag = sub.flag("from")
                if flag is not None and flag.value:
                    refs.append(("copy", flag.value,
                                 _flag_value_span(sub, flag, 0, len(flag.value))))
            elif sub.keyword == "RUN":
                for flag in sub.flags:
                    if flag.name != "mount" or not flag.value:
                        continue
                    mount = parse_mount(flag)
                    ref = mount.source_from
                    if ref and mount.type in ("bind", "cache"):
                        at = next((a for k, _v, a in mount_fields(flag) if k == "from"), -1)
                        refs.append(("mount", ref, _flag_value_span(sub, flag, at, at + len(ref))
                                     if at >= 0 else flag.span))
            for kind, ref, span in refs:
                if "$" in ref or not any(c in ref for c in "/:@"):
                    continue
                image = parse_image_ref(ref)
                if image.valid:
                    out.append(Pull(kind, image, ref, span, stage.index, ins))
    return out


def all_pulls(df: Dockerfile) -> list[Pull]:
    """The images the build pulls, and those the ONBUILD triggers no stage here runs pull in
    the builds that run them; one per reference (a trigger that several stages run, once), in
    file order."""
    from . import facts_of
    seen: set[tuple[int, int]] = set()
    out: list[Pull] = []
    for pull in sorted([*facts_of(df).pulls, *trigger_pulls(df)], key=lambda p: p.span.start):
        key = (pull.span.start, pull.span.end)
        if key not in seen:
            seen.add(key)
            out.append(pull)
    return out
