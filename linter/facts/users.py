"""The users of an image: who is in its /etc/passwd, whether it has an /etc/group, the user it
runs as, and the numeric IDs of a user and group."""

from __future__ import annotations

TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from .. import images
from ..syntax import Instruction
from ._core import memo

if TYPE_CHECKING:
    from . import Facts

__all__ = ["passwd_users", "has_group_file", "effective_user", "user_ids"]


def passwd_users(facts: "Facts", index: int, before: Instruction | None = None
                 ) -> frozenset[str] | None:
    """User names in the image's /etc/passwd, when known: the base's, unless a COPY brings
    a passwd file in or a RUN adds users (then unknown: None)."""
    users = _base_users(facts.base_facts(index))
    if users is None:
        return None
    if facts.provider(index, "/etc/passwd", before):
        return None
    first = _first_user_change(facts, index)
    if first is not None and (before is None or first < before.index):
        return None
    return users


def _first_user_change(facts: "Facts", index: int) -> int | None:
    """Where (the instruction's place in the file) the chain of stage ``index`` first runs a
    command that adds or changes users; None when it runs none. Worked out once per stage
    (asked before every ``COPY --chown``)."""
    cache = memo(facts, "_first_user_change")
    if index not in cache:
        places = [ins.index for stage in facts.df.graph.chain(index)
                  for ins, _script, cmd in facts.commands(stage)
                  if cmd.name in ("useradd", "adduser", "groupadd", "addgroup", "usermod")]
        cache[index] = min(places, default=None)
    return cache[index]


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


# the /etc/passwd of distroless images (GoogleContainerTools/distroless, base/base.bzl: root,
# nobody and nonroot, uid 65532), the same in every variant (:debug, :nonroot) and release
_DISTROLESS_USERS = frozenset({"root", "nonroot", "nobody"})


def user_ids(facts: "Facts", index: int, name: str, group: str | None = None
             ) -> tuple[int | None, int | None]:
    """(uid, gid) of the user ``name`` (and of the group ``group``, default: the group of the
    same name) in the image of stage ``index``, as far as docklint knows: the last
    ``useradd``/``adduser`` (``groupadd``/``addgroup``) in the chain that gives the id with
    ``-u``/``--uid`` (``-g``/``--gid``), else the ids the base image is known to give (node's
    ``node`` 1000, distroless' ``nonroot`` 65532, ``nobody`` 65534, ``www-data`` 33 on glibc
    and 82 on musl). None for what is unknown."""
    group = group or name
    uid = gid = None
    for stage in reversed(facts.df.graph.chain(index)):
        for _ins, _script, cmd in facts.commands(stage):
            args = [a.value for a in cmd.positional()]
            if cmd.name in ("useradd", "adduser") and name in args:
                uid = _number(cmd.flag_value("-u", "--uid"), uid)
                if group == name:
                    # busybox adduser's -g is the GECOS field, not a group
                    flags = ("-g", "--gid") if cmd.name == "useradd" else ("--gid",)
                    gid = _number(cmd.flag_value(*flags), gid)
            elif cmd.name in ("groupadd", "addgroup") and group in args:
                gid = _number(cmd.flag_value("-g", "--gid"), gid)
    base = facts.base_facts(index)
    known = _base_ids(base)
    if uid is None:
        uid = known.get(name)
    if gid is None:
        gid = known.get(group)
    return uid, gid


def _number(text: str | None, old: int | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else old


def _base_ids(base: "images.ImageFacts | None") -> dict[str, int]:
    """User (and group) names the base image gives known ids."""
    if base is None or base.kind == "scratch":
        return {}
    if base.users is not None or base.groups is not None:     # declared or learned
        return {name: ident for name, ident in (*(base.groups or ()), *(base.users or ()))
                if ident is not None}
    out = {}
    if base.family.startswith("distroless"):
        return {"nonroot": 65532, "nobody": 65534}     # their whole /etc/passwd, but root
    if base.family.startswith("chainguard"):
        return {"nonroot": 65532}
    if base.family == "node":
        out["node"] = 1000
    if base.family in _RPM_FAMILIES:
        return out            # nobody is 99 on some of them; no www-data
    if base.libc in ("glibc", "musl"):
        out["nobody"] = 65534
    if base.libc == "glibc":
        out["www-data"] = 33      # Debian and Ubuntu
    elif base.libc == "musl":
        out["www-data"] = 82      # Alpine
    return out


_RPM_FAMILIES = frozenset({"centos", "fedora", "rockylinux", "almalinux", "amazonlinux",
                           "amazoncorretto", "oraclelinux", "openjdk", "opensuse-leap"})


def _base_users(base: "images.ImageFacts | None") -> frozenset[str] | None:
    """The users in a base image's /etc/passwd, when docklint knows them: none in scratch;
    root, nonroot and nobody in a distroless image."""
    if base is None:
        return None
    if base.kind == "scratch":
        return frozenset()
    if base.users is not None:                # declared or learned: its /etc/passwd
        return frozenset(name for name, _ in base.users)
    if base.family.startswith("distroless-"):
        return _DISTROLESS_USERS
    return None
