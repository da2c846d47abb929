"""What COPY and ADD put in an image: their sources and destinations, every placement in a
stage's chain, which copy may provide a path, and the files a chain is known to write."""

from __future__ import annotations

import posixpath
from bisect import bisect_left
from docklint.record import record
from functools import cached_property
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)

from ..model import Stage
from ..syntax import Instruction
from ._core import _norm, memo

if TYPE_CHECKING:
    from . import Facts

__all__ = ["Placed", "copy_paths", "placed", "provider", "outputs", "writer", "image_values",
           "with_image_values"]

_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
             ".gz", ".bz2", ".xz", ".zst")
_STANDARD_DIRS = {"/bin", "/sbin", "/usr", "/usr/bin", "/usr/sbin", "/usr/local", "/usr/local/bin",
                  "/usr/local/sbin", "/usr/share", "/usr/lib", "/etc", "/opt", "/tmp", "/var",
                  "/home", "/root", "/srv", "/lib"}


@record(frozen=True)
class Placed:
    """One source of a COPY/ADD and where it lands in the image.

    ``dest`` is absolute, without a trailing slash; ``into_dir`` says the source goes *into*
    ``dest`` (a destination ending in ``/``, a directory the image has, or several sources).
    ``kind`` is where the source comes from: context, stage, image, heredoc or url; an
    unresolved source (``resolved`` False) may be anything.
    """

    instruction: Instruction
    stage: int
    source: str
    dest: str
    into_dir: bool
    from_stage: int | None
    kind: str
    resolved: bool = True      # False: the source (or dest) depends on an unset variable

    @cached_property
    def landing(self) -> str:
        """Where the source lands if it is a single file."""
        if not self.into_dir:
            return _norm(self.dest) if self.dest else self.dest
        name = self.source[2:].lstrip("-") if self.kind == "heredoc" else \
            posixpath.basename(self.source.rstrip("/"))
        return _norm(posixpath.join(self.dest, name))

    def may_provide(self, path: str, source_is_file: bool) -> bool:
        """Whether a file at ``path`` may come from this copy."""
        if not self.resolved or not self.dest:
            return not self.dest or path == self.dest or path.startswith(self.dest + "/") \
                or self.dest == "/"
        if self.landing == path:
            return True
        if source_is_file:
            return False
        # a directory's contents land under dest
        return self.dest == "/" or path == self.dest or path.startswith(self.dest + "/")


def copy_paths(facts: "Facts", ins: Instruction) -> tuple[list[str], str | None]:
    """(sources, destination) of a COPY/ADD after ARG/ENV expansion (unresolved words
    dropped). Worked out once per instruction: a COPY with thousands of sources is asked
    about once per source it places."""
    ins = ins.effective
    cache = memo(facts, "_copy_paths")
    hit = cache.get(id(ins))
    if hit is None or hit[0] is not ins:
        hit = cache[id(ins)] = (ins, _copy_paths(facts, ins))
    srcs, dest = hit[1]
    return list(srcs), dest


def _copy_paths(facts: "Facts", ins: Instruction) -> tuple[tuple[str, ...], str | None]:
    words = [w.value for w in ins.args]
    if len(words) < 2:
        return (), None
    stage = facts.df.stage_of(ins)
    env = stage.env_before(ins) if stage else {}
    out = []
    for w in words:
        v = facts.df.expand(w, env).value
        if v is None and stage is not None and "$" in w:
            # a variable the stage's base image sets (rust's $CARGO_HOME): BuildKit expands
            # COPY/ADD words against the image's environment too
            v = facts.df.expand(w, with_image_values(facts, stage.index, env)).value
        out.append(v)
    dest = out[-1]
    srcs = [s for s in out[:-1] if s is not None]
    if dest is not None and (dest in (".", "..") or dest.endswith(("/.", "/.."))):
        dest += "/"          # "." names a directory: the source goes into it
    if dest is not None and not dest.startswith("/"):
        workdir = facts.workdir(stage, ins) if stage else "/"
        dest = _norm(posixpath.join(workdir, dest)) + \
            ("/" if dest.endswith("/") else "")
    return tuple(srcs), dest


# ---- what the image contains
def placed(facts: "Facts", index: int) -> list[Placed]:
    """Every COPY/ADD in the chain of stage ``index``, oldest first, with where it lands."""
    cache = memo(facts, "_placed")
    if index not in cache:
        out: list[Placed] = []
        chain = list(reversed(facts.df.graph.chain(index)))
        # directories the image is known to have: a WORKDIR creates one, a copy into a
        # directory or of a file below one does too, and a non-scratch base has the usual
        dirs: set[str] = {"/"}
        base = facts.base_facts(index)
        root = facts.df.graph.root_base(index)
        if not (root is not None and root.kind == "scratch") and \
                (base is None or base.kind != "scratch"):
            dirs.update(_STANDARD_DIRS)
        # the directories above a landing climbed before (their own ancestors are in dirs):
        # a climb stops there, so copies into ever deeper directories stay linear
        climbed: set[str] = set()
        for stage in chain:
            instructions = stage.instructions
            for at, ins in enumerate(instructions):
                if ins.keyword == "WORKDIR":
                    dirs.add(facts.workdir(stage, instructions[at + 1]
                                           if at + 1 < len(instructions) else None))
                elif ins.keyword in ("COPY", "ADD"):
                    new = _placements(facts, stage, ins, dirs)
                    for p in new:
                        if p.into_dir:
                            dirs.add(p.dest)
                        _add_parents(dirs, climbed, p.landing)
                    out += new
        cache[index] = out
    return cache[index]


def _add_parents(dirs: set[str], climbed: set[str], path: str) -> None:
    """Add every directory above ``path`` to ``dirs``; ``climbed``: the directories whose
    parents were added before (the climb stops at one of them)."""
    parent = posixpath.dirname(path)
    while parent not in ("", "/", ".") and parent not in climbed:
        dirs.add(parent)
        climbed.add(parent)
        up = posixpath.dirname(parent)
        if up == parent:
            break
        parent = up


def edges_of(facts: "Facts", ins: Instruction) -> list:
    """The stage-graph edges ``ins`` makes (``COPY --from``, ``RUN --mount=from=``), in the
    graph's order; the graph's edges are listed by instruction once per file (asked once per
    COPY of a file of thousands)."""
    table = memo(facts, "_edges_of")
    if not table and facts.df.graph.edges:
        for e in facts.df.graph.edges:
            table.setdefault(id(e.instruction), []).append(e)
    return table.get(id(ins), [])


def edge_of(facts: "Facts", ins: Instruction):
    """The first edge ``ins`` makes, or None."""
    found = edges_of(facts, ins)
    return found[0] if found else None


def _placements(facts: "Facts", stage: Stage, ins: Instruction, dirs: set[str]
                ) -> list[Placed]:
    srcs, dest = facts.copy_paths(ins)
    from_flag = ins.flag("from")
    edge = edge_of(facts, ins)
    kind = "context"
    if from_flag is not None:
        kind = "stage" if edge is not None and edge.target is not None else "image"
    from_stage = edge.target if edge is not None else None
    if dest is None:
        return [Placed(ins, stage.index, "", "", True, from_stage, kind, resolved=False)]
    heredocs = {h.name for h in ins.heredocs}
    into_dir = dest.endswith("/") or len(ins.effective.args) > 2 or \
        (dest.rstrip("/") or "/") in dirs
    dest = dest.rstrip("/") or "/"
    if ins.effective.flag("parents") is not None:
        # COPY --parents keeps each source's path under the destination: somewhere below it
        return [Placed(ins, stage.index, "", dest, True, from_stage, kind, resolved=False)]
    out = []
    for src in srcs:
        src_kind = kind
        if src.startswith("<<") and src[2:].lstrip("-") in heredocs:
            src_kind = "heredoc"
        elif "://" in src or src.startswith("git@"):
            src_kind = "url"
        out.append(Placed(ins, stage.index, src, dest, into_dir, from_stage, src_kind))
    if len(srcs) < len(ins.effective.args) - 1:
        # a source that depends on an unset variable: it could be anything
        out.append(Placed(ins, stage.index, "", dest, True, from_stage, kind,
                          resolved=False))
    return out


def image_values(facts: "Facts", index: int) -> dict[str, str]:
    """The values docklint knows of variables the image at the root of stage ``index``'s FROM
    chain sets (:func:`docklint.images.env_values`: rust's ``CARGO_HOME``, golang's
    ``GOPATH``)."""
    cache = memo(facts, "_image_values")
    if index not in cache:
        root = facts.df.graph.root_base(index)
        found: dict[str, str] = {}
        if root is not None and root.kind == "image" and root.image is not None:
            from .. import images
            declared = facts.df.image_facts(root.image) if facts.df.declared_images else None
            if declared is not None and declared.origin == "declared":
                # a declared image: the values its entry gives, else those of its `like:` image
                found = dict(declared.env) if declared.env is not None else \
                    images.env_values(declared.like) if declared.like else {}
            else:
                found = images.env_values(root.image)
        cache[index] = found
    return cache[index]


def with_image_values(facts: "Facts", index: int, env) -> dict:
    """``env`` (the ARG/ENV values in scope) over the values the base image of stage ``index``
    sets (:func:`image_values`): what a ``$NAME`` in a COPY or RUN of that stage reads."""
    values = image_values(facts, index)
    if not values:
        return env
    merged = dict(values)
    merged.update({k: v for k, v in env.items() if v is not None or k not in values})
    return merged


# commands that create no file at a path docklint would have to place (a RUN made only of
# them, without output redirections, adds no program to the image)
_NO_NEW_FILES = frozenset({
    "mkdir", "chmod", "chown", "chgrp", "rm", "rmdir", "touch", "true", "false", "set", "cd",
    "test", "[", "ls", "cat", "echo", "printf", "id", "env", "export", "exit", "umask",
    "unset", ":", "addgroup", "adduser", "useradd", "groupadd", "usermod", "setcap",
    "update-ca-certificates", "sleep", "whoami", "pwd", "stat", "du", "df", "uname", "date"})


def writer(facts: "Facts", index: int, before: Instruction | None = None
           ) -> Instruction | None:
    """The last RUN in the chain of stage ``index`` (before ``before``, if given) that may
    have created files docklint cannot place: an exec-form RUN (``RUN ["/bin/busybox",
    "--install", "-s", "/bin"]`` makes /bin/sh, wget, nc...), or a shell-form RUN that runs a
    command other than plain housekeeping (``mkdir``, ``chmod``, ``adduser``...) or
    redirects output into a file. None when there is none. A path no COPY/ADD provides may
    still be in the image when there is one."""
    # the chain's writers by their place in the file, worked out once per stage (this is
    # asked before every instruction that needs a shell or a file)
    cache = memo(facts, "_writers")
    table = cache.get(index)
    if table is None:
        rows = sorted(((ins.index, ins) for stage in facts.df.graph.chain(index)
                       for ins in stage.instructions
                       if ins.keyword == "RUN" and (ins.args or ins.heredocs) and
                       (ins.json or _may_write(facts, ins))), key=lambda row: row[0])
        table = cache[index] = ([at for at, _ in rows], [ins for _, ins in rows])
    places, writers = table
    k = len(places) if before is None else bisect_left(places, before.index)
    return writers[k - 1] if k else None


def _may_write(facts: "Facts", ins: Instruction) -> bool:
    script = facts.script(ins)
    if script is None:
        return True                     # a shell docklint cannot read (SHELL is not POSIX)
    for cmd in script.commands:
        name = posixpath.basename(cmd.name)
        if name == "busybox" and cmd.args and cmd.args[0].value in _NO_NEW_FILES:
            name = cmd.args[0].value
        if name not in _NO_NEW_FILES or cmd.writes_to():
            return True
    return False


def provider(facts: "Facts", index: int, path: str, before: Instruction | None = None
             ) -> Placed | None:
    """The COPY/ADD in the chain of ``index`` (before ``before``, if given) that may put a
    file at absolute ``path``: the last one whose :meth:`Placed.may_provide` says so.

    Rules ask this before nearly every instruction (is there a shell for this RUN?), so the
    copies that may provide each path asked about are worked out once per chain, ordered by
    their place in the file: each question is then a binary search."""
    path = _norm(path)
    table = memo(facts, "_providers")
    found = table.get(index)
    if found is None:
        found = table[index] = _Providers(facts, facts.placed(index))
    return found.last(path, before)


class _Providers:
    """The placements of a chain by where they may put a file: ``landing`` (a file lands
    there), ``under`` (a directory's contents land at or below that destination: directory
    copies, and copies whose source or destination is unresolved), ``anywhere`` (no
    destination known). The same answers as ``may_provide``, without asking every copy."""

    def __init__(self, facts: "Facts", placed: list[Placed]) -> None:
        self.placed = placed
        self.landing: dict[str, list[int]] = {}
        self.under: dict[str, list[int]] = {}
        self.anywhere: list[int] = []
        self.answers: dict[str, tuple[list[int], list[int]]] = {}
        for at, p in enumerate(placed):
            if not p.dest:
                self.anywhere.append(at)
                continue
            if p.resolved:
                self.landing.setdefault(p.landing, []).append(at)
                if _is_file_output(facts, p):
                    continue
            self.under.setdefault(p.dest, []).append(at)

    def last(self, path: str, before: Instruction | None) -> Placed | None:
        answer = self.answers.get(path)
        if answer is None:
            found = set(self.anywhere)
            found.update(self.landing.get(path, ()))
            for directory in _directories_of(path):
                found.update(self.under.get(directory, ()))
            # by the instruction's place in the file: the last copy placed before one
            rows = sorted((self.placed[at].instruction.index, at) for at in found)
            latest, best = -1, []
            for _, at in rows:
                latest = max(latest, at)
                best.append(latest)
            answer = self.answers[path] = ([row[0] for row in rows], best)
        places, best = answer
        k = len(places) if before is None else bisect_left(places, before.index)
        return self.placed[best[k - 1]] if k else None


def _directories_of(path: str) -> list[str]:
    """``path``, each directory above it, and ``/``: the destinations whose tree holds it."""
    out = [path, "/"]
    at = path.rfind("/")
    while at > 0:
        path = path[:at]
        out.append(path)
        at = path.rfind("/")
    return out


def _is_file_output(facts: "Facts", p: Placed) -> bool:
    """Whether a COPY source is known to be a single file (not a directory)."""
    src = p.source
    if not src or src.endswith(("/", "/.")) or src in (".", "/") or \
            any(c in src for c in "*?["):
        return False
    if p.kind == "heredoc" or (p.kind == "context" and p.instruction.keyword == "COPY"
                               and "." in posixpath.basename(src)):
        return True
    if p.instruction.keyword == "ADD" and src.endswith(_ARCHIVES):
        return False
    if p.kind == "stage" and p.from_stage is not None:
        return _norm(src) in facts.outputs(p.from_stage)
    return False


def outputs(facts: "Facts", index: int) -> frozenset[str]:
    """Files the chain of stage ``index`` is known to write: build outputs (``-o``), files
    copied to a file path, downloads to a path. Worked out once per stage (asked once per
    source a COPY --from places)."""
    cache = memo(facts, "_outputs")
    if index not in cache:
        cache[index] = frozenset(_outputs(facts, index))
    return cache[index]        # type: ignore[return-value]


def _outputs(facts: "Facts", index: int) -> set[str]:
    out: set[str] = {b.output for b in facts.builds(index) if b.output}
    for stage in facts.df.graph.chain(index):
        for ins, script, cmd in facts.commands(stage):
            target = None
            if cmd.name in ("cp", "mv", "install", "ln"):
                pos = cmd.positional()
                if len(pos) >= 2 and not pos[-1].value.endswith("/"):
                    target = pos[-1].value
            elif cmd.name == "curl":
                target = cmd.flag_value("-o", "--output")
            elif cmd.name == "wget":
                target = cmd.flag_value("-O", "--output-document")
            if target and not target.startswith("$"):
                workdir = facts.workdir(stage, ins)
                out.add(_norm(posixpath.join(workdir, target)))
        for p in facts.placed(stage.index):
            if not p.into_dir and p.kind in ("context", "heredoc") and p.source:
                out.add(p.dest)
    return out
