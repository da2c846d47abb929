"""The users of an image: who is in its /etc/passwd, whether it has an /etc/group, and the
user it runs as."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import images
from ..syntax import Instruction

if TYPE_CHECKING:
    from . import Facts

__all__ = ["passwd_users", "has_group_file", "effective_user"]


def passwd_users(facts: "Facts", index: int, before: Instruction | None = None
                 ) -> frozenset[str] | None:
    """User names in the image's /etc/passwd, when known: the base's, unless a COPY brings
    a passwd file in or a RUN adds users (then unknown: None)."""
    users = _base_users(facts.base_facts(index))
    if users is None:
        return None
    if facts.provider(index, "/etc/passwd", before):
        return None
    for stage in facts.df.graph.chain(index):
        for ins, _script, cmd in facts.commands(stage):
            if before is not None and ins.index >= before.index:
                continue
            if cmd.name in ("useradd", "adduser", "groupadd", "addgroup", "usermod"):
                return None
    return users


def has_group_file(facts: "Facts", index: int, before: Instruction | None = None
                   ) -> bool | None:
    """Whether the image has an /etc/group: None when unknown."""
    if facts.provider(index, "/etc/group", before):
        return True
    users = _base_users(facts.base_facts(index))
    if users is None:
        return None
    return bool(users)


def effective_user(facts: "Facts", index: int) -> tuple[str | None, Instruction | None]:
    """(user as the image runs it, the USER that set it); (None, None) when no USER in the
    chain sets one. The user text is expanded; None if it depends on an unset variable."""
    ins = facts.last_in_chain(index, "USER")
    if ins is None or not ins.args:
        return None, None
    stage = facts.df.stage_of(ins)
    env = stage.env_before(ins) if stage else {}
    return facts.df.expand(ins.args[0].value, env).value, ins


def _base_users(base: "images.ImageFacts | None") -> frozenset[str] | None:
    """The users in a base image's /etc/passwd, when the data knows them."""
    if base is None:
        return None
    if base.kind == "scratch":
        return frozenset()
    users = getattr(base, "users", None)
    return frozenset(users) if users is not None else None
