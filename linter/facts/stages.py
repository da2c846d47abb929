"""Questions about the stages and their chains: which stages ship, which are bases of others,
the instruction in effect for an image, the working directory, cache mounts."""

from __future__ import annotations

import posixpath
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from ..model import Stage, parse_mount
from ..syntax import Instruction
from ._core import _norm, memo

if TYPE_CHECKING:
    from . import Facts

__all__ = ["used_as_base", "ships", "shipping_stages", "last_in_chain", "workdir",
           "cache_mounts"]


def used_as_base(facts: "Facts", index: int) -> bool:
    """Whether another stage is built FROM stage ``index``."""
    return any(s.base.kind == "stage" and s.base.stage == index for s in facts.df.stages)


def ships(facts: "Facts", index: int) -> bool:
    """Whether what stage ``index`` leaves on disk ends up in the target image: it is the
    target or a stage the target is built on through ``FROM`` (or, with other build args,
    may be). A builder that is only the base of other builders does not ship. Cleanup
    rules (apt lists, package caches) only matter for these."""
    return index in facts.shipping_stages


def shipping_stages(facts: "Facts") -> frozenset[int]:
    """The stages that ship (see :func:`ships`); a cached property of Facts."""
    df = facts.df
    target = df.graph.target
    if target is None:
        return frozenset(s.index for s in df.stages)
    seen: set[int] = set()
    todo = [target]
    while todo:
        i = todo.pop()
        if i in seen or not 0 <= i < len(df.stages):
            continue
        seen.add(i)
        base = df.stages[i].base
        if base.kind == "stage" and base.stage is not None:
            todo.append(base.stage)
        todo.extend(getattr(base, "candidates", ()))
    return frozenset(seen)


def cache_mounts(ins: Instruction) -> list[str]:
    """Targets of the ``--mount=type=cache`` and ``type=tmpfs`` flags of a RUN: what is
    written there never lands in the image."""
    out = []
    for flag in ins.effective.flags:
        if flag.name == "mount" and flag.value:
            mount = parse_mount(flag)
            if mount.type in ("cache", "tmpfs") and mount.target:
                out.append(_norm(mount.target))
    return out


def last_in_chain(facts: "Facts", index: int, keyword: str) -> Instruction | None:
    """The instruction of ``keyword`` in effect for the image of stage ``index``."""
    for stage in facts.df.graph.chain(index):
        found = None
        for ins in stage.instructions:
            if ins.keyword == keyword:
                found = ins
        if found is not None:
            return found
    return None


def workdir(facts: "Facts", stage: Stage, before: Instruction | None) -> str:
    """The working directory before ``before`` (at the end of the stage when None, or when
    ``before`` is not an instruction of the stage's chain). Each stage's directories are
    worked out once (a table per stage): the rules ask this of nearly every instruction."""
    tables = memo(facts, "_workdirs")
    wd = "/"
    for st in reversed(facts.df.graph.chain(stage.index)):
        table = tables.get(st.index)
        if table is None:
            # a stage's chain is fixed, so its directory at the start is its parent's at the end
            befores: dict[int, str] = {}
            for ins in st.instructions:
                befores[id(ins)] = wd
                if ins.keyword == "WORKDIR" and ins.args:
                    v = facts.df.expand(ins.args[0].value, st.env_before(ins)).value
                    if v:
                        wd = _norm(posixpath.join(wd, v))
            table = tables[st.index] = (befores, wd)
        if before is not None:
            found = table[0].get(id(before))
            if found is not None:
                return found
        wd = table[1]
    return wd
