"""The model rules read: stages, bases, ARG scopes, the stage graph, the target.

Built once per file from the parser's output. Rules never re-derive stages, aliases or ARG values:
they read them here. Anything that depends on a build argument without a value stays unresolved
(``None`` values, ``Base.kind == "unresolved"``) and rules skip it rather than guess.

Error recovery: instructions before the first FROM. BuildKit refuses such a file (``no build
stage in current context``, DK000), but a fragment, a snippet or a file whose FROM line is
broken is still worth linting, so the model puts them in an *implicit stage*
(``Stage.implicit``) whose base is unknown (``Base.kind == "unknown"``: nothing is known about
its shell, user, libc, size or environment, and the rules about the final image's contents stay
quiet for it). The rules about instructions read it like any stage.

- Only a non-ARG instruction starts it: ARGs before it are global ARGs, as in any Dockerfile
  (FROM lines see them), and the implicit stage sees them too (its environment starts with
  them, as if the fragment were pasted into a stage after them: a fragment's leading ARGs are
  most likely meant for its own instructions, and BuildKit has no rule to follow here). An ARG
  after it (still before the first FROM) belongs to the implicit stage: a stage ARG its later
  instructions see, and no global ARG for the FROM lines.
- It is numbered *after* the real stages (``index == len(real stages)``, last in
  ``df.stages``) so the numbers of the FROM stages stay BuildKit's (``COPY --from=0`` is the
  first FROM); it has no name, and no ``--from``/FROM can refer to it. Only ``df.stages``'
  order differs from the text's for it.
- Its ``from_`` is a synthetic FROM that is not in ``df.instructions``: keyword ``FROM``,
  written ``""``, no flags or words, an empty span at the start of the stage's first
  instruction, on that instruction's line.
- The target (without ``--target``) is the last real stage; in a file without a FROM it is the
  implicit stage (whose unknown base keeps the final-image rules quiet).
- A FROM without an image (``FROM``, ``FROM --platform=x``) gives a real stage with an
  ``unknown`` base too.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from docklint.record import record, field
from functools import cached_property, lru_cache
TYPE_CHECKING = False   # typing.TYPE_CHECKING without importing typing (3 ms of each start)
if TYPE_CHECKING:
    from typing import Any, Iterable, Iterator, Mapping

from .imageref import ImageRef, parse_image_ref
from .parse import Parsed, parse
from .shell import Script, script_for
from .source import Source, Span
from .syntax import (KNOWN_INSTRUCTIONS, Comment, Directive, Flag, Heredoc, Instruction, LineMap, ParseError,
                     Word)
from .variables import Budget, Expansion, expand, expand_parts, parts_pattern, references

__all__ = ["Instruction", "Flag", "Word", "Heredoc", "Directive", "Comment", "ParseError",
           "LineMap", "ImageRef", "ArgDecl", "Base", "Stage", "Edge", "StageGraph", "Env",
           "Dockerfile", "build", "AUTOMATIC_ARGS", "Mount", "parse_mount", "mount_fields",
           "VarUse", "closest", "PROXY_ARGS", "FILE_ADDING"]

# ARGs BuildKit provides to FROM lines without a declaration (their values depend on the build).
AUTOMATIC_ARGS = ("BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT",
                  "TARGETPLATFORM", "TARGETOS", "TARGETOSVERSION", "TARGETARCH", "TARGETVARIANT",
                  "TARGETSTAGE")
# What the automatic ARGs hold in a build for linux/amd64, the values docklint assumes where it
# must expand a FROM line the way BuildKit's checks do (InvalidDefaultArgInFrom)
AUTOMATIC_ARG_VALUES = {"BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux", "BUILDOSVERSION": "",
                        "BUILDARCH": "amd64", "BUILDVARIANT": "", "TARGETPLATFORM": "linux/amd64",
                        "TARGETOS": "linux", "TARGETOSVERSION": "", "TARGETARCH": "amd64",
                        "TARGETVARIANT": ""}
# Build args BuildKit passes to RUN without an ARG declaration (when the build sets them)
PROXY_ARGS = frozenset(n for p in ("HTTP", "HTTPS", "FTP", "NO", "ALL")
                       for n in (f"{p}_PROXY", f"{p.lower()}_proxy"))
# Variables any POSIX shell (or the container runtime) sets by itself; bash-only ones such as
# UID are left out, since the default shell, /bin/sh, does not set them
_SHELL_VARS = frozenset({"HOME", "HOSTNAME", "PWD", "OLDPWD", "SHLVL", "IFS", "PPID", "LINENO",
                         "OPTARG", "OPTIND", "PS1", "PS2", "PS4", "REPLY"})
# Instructions that put files into a stage's filesystem
FILE_ADDING = ("COPY", "ADD", "RUN", "WORKDIR")
# variable values kept in the per-instruction environments of one file (each ARG/ENV line
# keeps a snapshot of every variable before it); the busiest real Dockerfiles keep a few
# thousand
MAX_ENV_CELLS = 200_000
# stages a chain of FROMs is followed through (real files: a handful; each stage's facts walk
# its chain, so thousands of stages each built on the one before would cost their square)
MAX_CHAIN = 256

@record(frozen=True)
class ArgDecl:
    """One name declared by an ARG instruction.

    ``value`` is what the build sees: the ``--build-arg`` value, else the (expanded) default,
    else, for a re-declared global ARG, the global value; None when unset or unresolved.
    """

    name: str
    default: str | None
    value: str | None
    instruction: Instruction
    word: Word
    stage: int | None          # None for a global ARG (before the first FROM)


@record(frozen=True)
class Base:
    """What a FROM points at after ARG substitution."""

    # "unknown": no image at all: the implicit stage of instructions before the first FROM, or
    # a FROM without an image (the file does not build; DK000 says why)
    kind: str                  # "stage" | "image" | "scratch" | "unresolved" | "unknown"
    raw: str                   # as written
    text: str | None           # after expansion (None when unresolved)
    span: Span                 # the image word
    stage: int | None = None   # for kind "stage"
    image: ImageRef | None = None  # for kind "image"
    unresolved: tuple[str, ...] = ()   # variables without a value
    # when the text has variables (kind "unresolved", or a stage picked by one): the earlier
    # stages it may expand to in some build (a build arg may override any ARG default)
    candidates: tuple[int, ...] = ()


@record(frozen=True)
class Edge:
    """``source`` stage depends on ``target`` (a stage index) or on an external ``image``.

    A copy or mount edge with neither ``target`` nor ``image`` is unresolved (``resolved`` is
    False; ``candidates`` lists the stages it may name) or a stage index out of range.
    In the implicit stage (instructions before the first FROM, see the module's docstring) a
    number or a bare name that names no stage of the file is unresolved too (``unresolved``
    empty): it most likely names a stage of the file the fragment belongs in.
    ``onbuild`` edges come from an ``ONBUILD COPY --from``/``ONBUILD RUN --mount`` trigger of
    the stage ``source`` is built on: BuildKit runs it at the start of ``source``;
    ``instruction`` is then the ONBUILD instruction.
    """

    kind: str                  # "base" | "copy" | "mount"
    source: int
    ref: str                   # the reference as written (after expansion when resolved)
    instruction: Instruction
    span: Span                 # the whole flag (or the FROM image word)
    target: int | None = None
    image: ImageRef | None = None
    resolved: bool = True      # False when the reference depends on an unset variable
    unresolved: tuple[str, ...] = ()
    raw: str = ""              # the reference as written, before expansion
    value_span: Span | None = None     # the reference itself (``X`` of ``--from=X``)
    # with variables (unresolved, or a stage picked by one): the stages it may name in some
    # build (a build arg may override any ARG default)
    candidates: tuple[int, ...] = ()
    onbuild: bool = False

    @property
    def to_self(self) -> bool:
        return self.target is not None and self.target == self.source

    @property
    def to_later(self) -> bool:
        """It names a stage defined after the one that uses it (BuildKit rejects that)."""
        return self.target is not None and self.target > self.source

    @property
    def out_of_range(self) -> bool:
        """A numeric reference to a stage index the file does not have."""
        return self.resolved and self.target is None and self.image is None and \
            self.kind != "base"


@record(frozen=True)
class Mount:
    """One ``RUN --mount=...`` flag, parsed."""

    type: str
    options: Mapping[str, str]
    flag: Flag

    @property
    def source_from(self) -> str | None:
        return self.options.get("from")

    @property
    def target(self) -> str | None:
        for key in ("target", "dst", "destination"):
            if key in self.options:
                return self.options[key]
        return None


def mount_fields(flag: Flag) -> list[tuple[str, str, int]]:
    """The ``key=value`` fields of a ``--mount`` flag: (lower-cased key, value, offset of the
    value in ``flag.value``). A bare key has the value ``"true"`` and offset -1."""
    out: list[tuple[str, str, int]] = []
    text = flag.value or ""
    cur: list[str] = []
    offs: list[int] = []
    quoted = False

    def end_field() -> None:
        item = "".join(cur)
        if item:
            key, eq, value = item.partition("=")
            at = offs[len(key) + 1] if eq and len(offs) > len(key) + 1 else \
                (offs[-1] + 1 if eq else -1)
            out.append((key.strip().lower(), value if eq else "true", at))

    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
            continue
        if ch == "," and not quoted:
            end_field()
            cur, offs = [], []
            continue
        cur.append(ch)
        offs.append(i)
    end_field()
    return out


def parse_mount(flag: Flag) -> Mount:
    fields: dict[str, str] = {}
    cur: list[str] = []
    quoted = False
    items: list[str] = []
    for ch in flag.value or "":
        if ch == '"':
            quoted = not quoted
            continue
        if ch == "," and not quoted:
            items.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    items.append("".join(cur))
    for item in items:
        if not item:
            continue
        key, eq, value = item.partition("=")
        fields[key.strip().lower()] = value if eq else "true"
    return Mount(type=fields.get("type", "bind"), options=fields, flag=flag)


@record(frozen=True)
class VarUse:
    """One variable reference (``$NAME``, ``${NAME...}``) that the build expands, and what the
    name means at that point.

    ``expander`` is ``"builder"`` for text BuildKit expands itself (FROM, COPY, ADD, ENV,
    LABEL, WORKDIR, USER, VOLUME, STOPSIGNAL, EXPOSE, ARG defaults, ``RUN --mount`` values,
    unquoted COPY/ADD heredocs) and ``"shell"`` for shell-form RUN, CMD, ENTRYPOINT and
    HEALTHCHECK (RUN heredoc scripts and ``sh -c`` strings included), which the shell expands
    when it runs. ``part`` says where in the instruction (``image``, ``platform``, ``source``,
    ``destination``, ``--chown``, ``heredoc``, ``mount``, ``key``, ``value``, ``default``,
    ``argument``, ``command``).

    ``defined`` says whether the expander sees a definition; ``how`` says which:
    ``arg`` (an ARG in scope; in FROM lines a global ARG), ``env`` (ENV in the stage or its
    FROM chain), ``automatic`` (an automatic platform ARG, in FROM lines), ``image`` (``PATH``,
    which BuildKit always sets, or a name the base image is known to set:
    :meth:`Dockerfile.image_env`), ``script`` (the shell script assigns it itself), ``shell``
    (the shell sets it: ``HOME``, ``PWD``...), ``proxy`` (a proxy build arg, passed to RUN
    undeclared), ``sourced`` (it comes after a ``. file``, ``source`` or ``eval``, which may
    set anything); or why not: ``global-arg`` (only a global ARG, not re-declared in the stage;
    ``decl`` is that declaration), ``automatic-arg`` (an automatic platform ARG not
    re-declared), ``same-instruction`` (set by the same ENV instruction, which expands against
    the environment before it), ``build-only`` (an ARG, which a running container does not
    see: CMD, ENTRYPOINT, HEALTHCHECK), ``unknown`` (declared nowhere in the file: only the
    base image could define it); ``untracked`` (docklint stopped following ARG and ENV
    before this instruction: a budget, see ``_Builder._copy_env``; counted as defined).
    """

    name: str
    span: Span
    instruction: Instruction
    stage: int | None
    expander: str
    part: str
    modifier: str
    defined: bool
    how: str
    decl: "ArgDecl | None" = None


# names a file's "did you mean" suggestions may compare in all (Dockerfile.spelling_budget)
SPELLING_COMPARISONS = 20_000


def closest(name: str, candidates: Iterable[str], budget: Budget | None = None) -> str | None:
    """The candidate most like ``name`` (case aside, a transposition counts one edit), when it is
    close enough to be a likely typo: at most one edit for names of up to seven characters,
    two for longer ones. None when nothing is close, and when ``budget`` (a file's
    ``spelling_budget``: one unit per name compared) is spent: then no more suggestions."""
    low = name.lower()
    limit = 1 if len(name) <= 7 else 2
    best: tuple[int, str] | None = None
    for cand in candidates:
        if cand == name or abs(len(cand) - len(name)) > limit:
            continue
        if budget is not None:
            if budget.left <= 0:
                return None
            budget.left -= 1
        d = _distance(low, cand.lower(), limit if best is None else best[0] - 1)
        if d <= limit and (best is None or d < best[0]):
            best = (d, cand)
    return best[1] if best else None


@lru_cache(maxsize=4096)
def _distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions), or
    ``limit + 1`` as soon as it is certain to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        # a transposition reaches back two rows: stop only when both exceed the limit
        if min(cur) > limit and min(prev) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[len(b)], limit + 1)


class Env(dict):
    """Variables visible at one point of a stage: name -> value (None = declared, no value).

    ``kinds`` says where each came from: "arg" or "env".

    ``untracked`` is True past the model's budget of variable values (a file with thousands
    of ARG/ENV lines, each a snapshot of all the variables before it): docklint stopped
    following ARG and ENV there, so a name missing from it may still be set.
    """

    __slots__ = ("kinds", "untracked")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kinds: dict[str, str] = {}
        self.untracked = False

    def copy(self) -> "Env":
        new = Env(self)
        new.kinds = dict(self.kinds)
        new.untracked = self.untracked
        return new


@record(eq=False)
class Stage:
    """One build stage: its FROM and the instructions up to the next FROM.

    ``implicit``: the stage of the instructions before the first FROM (see the module's
    docstring): its ``from_`` is synthetic, its base ``unknown``, its index after the real
    stages'.
    """

    index: int
    from_: Instruction
    base: Base
    name: str | None = None            # lower-cased, as BuildKit matches it
    name_word: Word | None = None
    platform: str | None = None        # after expansion
    platform_flag: Flag | None = None
    instructions: tuple[Instruction, ...] = ()
    args: tuple[ArgDecl, ...] = ()
    # environment before each instruction (same order as ``instructions``), and at the end
    envs: tuple[Env, ...] = ()
    env_end: Env = field(default_factory=Env)
    implicit: bool = False

    @property
    def label(self) -> str:
        """How to call the stage in a message: its name, or ``#index`` (``(before FROM)`` for
        the implicit stage)."""
        if self.implicit:
            return "(before FROM)"
        return self.name if self.name else f"#{self.index}"

    def env_before(self, ins: Instruction) -> Env:
        """The variables in scope just before ``ins`` (the end of the stage for an instruction
        of another stage)."""
        index = self.__dict__.get("_env_index")
        if index is None or len(index) != len(self.instructions):
            index = {id(cand): i for i, cand in enumerate(self.instructions)}
            self.__dict__["_env_index"] = index
        i = index.get(id(ins))
        return self.envs[i] if i is not None and i < len(self.envs) else self.env_end

    def of_kind(self, *keywords: str) -> Iterator[Instruction]:
        for ins in self.instructions:
            if ins.keyword in keywords:
                yield ins

    def trigger_env(self) -> dict[str, str | None]:
        """The variables docklint knows an ONBUILD trigger of this stage sees: it runs in the
        build of an image FROM this one, whose environment starts as this stage's ENV values.
        Its ARGs do not reach that build, the base image's ENV is not known, and a name an
        ONBUILD ARG or ENV of the stage sets may change first: all those are left out
        (unknown, so a value built from them is unknown too)."""
        end = self.env_end
        if getattr(end, "untracked", False):
            return {}
        kinds = getattr(end, "kinds", {})
        out = {k: v for k, v in end.items() if kinds.get(k) == "env"}
        for holder in self.instructions:
            sub = holder.sub
            if holder.keyword == "ONBUILD" and sub is not None and sub.keyword in ("ARG", "ENV"):
                words = [k for k, _v, _s in sub.pairs()] if sub.keyword == "ENV" else sub.args
                for word in words:
                    out.pop(word.value.partition("=")[0], None)
        return out


_CHAIN_CACHE_ENTRIES = 1_000_000     # StageGraph.chain: stages kept in remembered chains


class StageGraph:
    """Stages and the edges between them, with the target and what a build of it reaches."""

    def __init__(self, stages: list[Stage], edges: list[Edge], target: int | None) -> None:
        self.stages = stages
        self.edges = edges
        self.target = target
        self._by_name = {}
        for s in stages:
            if s.name and s.name not in self._by_name:
                self._by_name[s.name] = s.index

    def stage_named(self, name: str) -> Stage | None:
        idx = self._by_name.get(name.lower())
        return self.stages[idx] if idx is not None else None

    def deps(self, index: int, *, possibly: bool = False) -> list[int]:
        """Stages ``index`` directly depends on (base, copy, mount), in order, no repeats.

        ``possibly=True`` adds the stages a reference with variables may name in some build
        (``FROM base-$TARGETARCH``, ``FROM build-${MODE}`` whatever MODE's default,
        ``COPY --from=$SRC``)."""
        out: list[int] = []
        by_source = self.__dict__.get("_edges_by_source")
        if by_source is None:        # the edges of each stage, in order (built once)
            by_source = self.__dict__["_edges_by_source"] = {}
            for e in self.edges:
                by_source.setdefault(e.source, []).append(e)
        for e in by_source.get(index, ()):
            targets = (e.target,) if e.target is not None else ()
            for t in targets + (e.candidates if possibly else ()):
                if t not in out:
                    out.append(t)
        if possibly and 0 <= index < len(self.stages):
            for t in self.stages[index].base.candidates:
                if t not in out:
                    out.append(t)
        return out

    def dependents(self, index: int) -> list[int]:
        out: list[int] = []
        for e in self.edges:
            if e.target == index and e.source not in out:
                out.append(e.source)
        return out

    def edges_from(self, index: int) -> list[Edge]:
        return [e for e in self.edges if e.source == index]

    def reachable(self, start: int | None = None, *, possibly: bool = False) -> set[int]:
        """Stages a build of ``start`` (default: the target) builds; with ``possibly=True`` also
        those it may build with other build args (see :meth:`deps`)."""
        start = self.target if start is None else start
        if start is None:
            return set()
        seen = {start}
        todo = [start]
        while todo:
            for dep in self.deps(todo.pop(), possibly=possibly):
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    def path(self, start: int, goal: int) -> list[Edge] | None:
        """A shortest chain of resolved edges by which ``start`` depends on ``goal`` (``[]`` when
        they are the same stage), or None."""
        if start == goal:
            return []
        came: dict[int, Edge] = {}
        todo = [start]
        seen = {start}
        while todo:
            nxt = []
            for cur in todo:
                for e in self.edges:
                    if e.source != cur or e.target is None or e.target in seen:
                        continue
                    seen.add(e.target)
                    came[e.target] = e
                    if e.target == goal:
                        out = [e]
                        while out[0].source != start:
                            out.insert(0, came[out[0].source])
                        return out
                    nxt.append(e.target)
            todo = nxt
        return None

    def is_empty(self, index: int, before: Instruction | None = None) -> bool:
        """The stage's filesystem is empty (with ``before``: just before that instruction of the
        stage): its FROM chain starts at ``scratch`` and nothing in the chain adds a file (COPY,
        ADD, RUN, WORKDIR, or such an ONBUILD trigger of a stage another one in the chain is
        built on)."""
        chain = self.chain(index)
        if not chain or chain[-1].base.kind != "scratch":
            return False
        for k, stage in enumerate(chain):
            for ins in stage.instructions:
                if k == 0 and ins is before:
                    break
                if ins.keyword in FILE_ADDING:
                    return False
                if k > 0 and ins.keyword == "ONBUILD" and ins.sub is not None and \
                        ins.sub.keyword in FILE_ADDING:
                    return False
        return True

    def chain(self, index: int | None = None) -> list[Stage]:
        """The stage and the in-file stages its FROM leads through, nearest first: at most
        :data:`MAX_CHAIN` of them (a longer chain ends at a stage, as a cycle does, so what
        its root would say is unknown; the model reports the file once)."""
        index = self.target if index is None else index
        # chains are remembered (the graph is final once built), up to a total length: a
        # file of thousands of stages built on each other asks for each stage's chain often
        cache = self.__dict__.setdefault("_chains", {})
        found = cache.get(index)
        if found is not None:
            return list(found)
        start = index
        out: list[Stage] = []
        seen: set[int] = set()
        while index is not None and index not in seen and len(out) < MAX_CHAIN:
            rest = cache.get(index)
            if rest is not None and not (rest[-1].base.kind == "stage" and
                                         rest[-1].base.stage is not None):
                out.extend(rest[:MAX_CHAIN - len(out)])   # a chain that ends outside the file
                break                                     # cannot loop back here
            seen.add(index)
            stage = self.stages[index]
            out.append(stage)
            index = stage.base.stage if stage.base.kind == "stage" else None
        kept = self.__dict__.get("_chains_kept", 0)
        if kept + len(out) <= _CHAIN_CACHE_ENTRIES:
            cache[start] = tuple(out)
            self.__dict__["_chains_kept"] = kept + len(out)
        return out

    def root_base(self, index: int | None = None) -> Base | None:
        """The non-stage base at the end of ``index``'s chain."""
        chain = self.chain(index)
        return chain[-1].base if chain else None


class Dockerfile:
    """Everything known about one Dockerfile: syntax, stages, graph, and derived facts."""

    def __init__(self, source: Source, parsed: Parsed, *, build_args: Mapping[str, str],
                 target_name: str | None, context: str | None,
                 images: tuple[Any, ...] = ()) -> None:
        self.source = source
        # the configuration's `images:` entries (docklint.imagedecl.Declared): base images the
        # user described, looked up before the data file (see image_facts)
        self.declared_images = tuple(images)
        self.path = source.path
        self.parsed = parsed
        self.build_args = dict(build_args)
        self.target_name = target_name
        self.context = context
        self.instructions: list[Instruction] = parsed.instructions
        self.escape = parsed.escape
        self.global_args: list[ArgDecl] = []
        self.stages: list[Stage] = []
        self.errors: list[ParseError] = list(parsed.errors)
        self.target_error: str | None = None
        # (offset, message) of bytes that did not decode cleanly (set by the engine)
        self.encoding_problems: list[tuple[int, str]] = []
        self.graph: StageGraph = StageGraph([], [], None)
        # Room for what the layers built on the model compute once per file (docklint.facts
        # keeps its Facts here, docklint.suppress the parsed pragmas), keyed by the layer: the
        # model never reads it, so it needs to know neither layer. A plain attribute rather
        # than a WeakKeyDictionary in each layer: a Facts refers to its Dockerfile, so as a
        # weak dictionary's value it would keep its key, and every Dockerfile, alive; here the
        # cache lives and dies with the Dockerfile, as the cached properties it replaces did.
        self._derived: dict[str, Any] = {}
        # what expanding variables may build for this file (see docklint.variables); the model
        # and df.expand share it, so an expansion bomb is paid for once
        self.expand_budget = Budget()
        # how many more names the "did you mean" suggestions of this file may compare (see
        # closest): a file with thousands of variables must not make every lookup quadratic
        self.spelling_budget = Budget(SPELLING_COMPARISONS)
        _Builder(self).run()

    @property
    def directives(self) -> dict[str, Directive]:
        return self.parsed.directives

    @property
    def comments(self) -> list[Comment]:
        return self.parsed.comments

    @property
    def target(self) -> Stage | None:
        t = self.graph.target
        return self.stages[t] if t is not None else None

    @property
    def implicit(self) -> Stage | None:
        """The implicit stage of the instructions before the first FROM, if there are any (see
        the module's docstring)."""
        return self.stages[-1] if self.stages and self.stages[-1].implicit else None

    @property
    def global_env(self) -> Env:
        env = Env()
        for a in self.global_args:
            env[a.name] = a.value
            env.kinds[a.name] = "arg"
        return env

    def stage_of(self, ins: Instruction) -> Stage | None:
        """The stage an instruction belongs to (None for global ARGs)."""
        idx = self._stage_index.get(id(ins))
        return self.stages[idx] if idx is not None else None

    @cached_property
    def _stage_index(self) -> dict[int, int]:
        out = {}
        for s in self.stages:
            out[id(s.from_)] = s.index
            for ins in s.instructions:
                out[id(ins)] = s.index
        return out

    def expand(self, text: str, env: Mapping[str, str | None]) -> Expansion:
        """``text`` expanded against ``env``; over docklint's budget the value is unknown
        (``value`` None, ``overflow`` set)."""
        return expand(text, env, self.escape, budget=self.expand_budget)

    # ---- global ARGs as BuildKit's checks see them
    def global_arg(self, name: str) -> ArgDecl | None:
        """The first global ARG that declares ``name``."""
        return next((a for a in self.global_args if a.name == name), None)

    @cached_property
    def default_global_env(self) -> Env:
        """The global ARGs from their defaults alone (``--build-arg`` ignored; no default: unset),
        plus the automatic platform ARGs of a linux/amd64 build: what BuildKit's
        InvalidDefaultArgInFrom check expands FROM lines against."""
        env = Env(AUTOMATIC_ARG_VALUES)
        env.kinds.update({k: "arg" for k in AUTOMATIC_ARG_VALUES})
        for a in self.global_args:
            value = None
            if a.default is not None:
                exp = expand(a.default, env, self.escape, budget=self.expand_budget)
                value = None if exp.overflow else exp.text
            env[a.name] = value
            env.kinds[a.name] = "arg"
        return env

    def image_facts(self, ref: Any) -> Any:
        """What docklint knows of the image ``ref`` (an ImageRef or its text): a declared
        ``images:`` entry of the configuration, else the data file's row; None when unknown
        (:func:`docklint.images.lookup`)."""
        from .images import lookup
        if not self.declared_images:
            return lookup(ref)
        # matching the declared patterns is paid once per reference and file
        cache = self._derived.setdefault("image_facts", {})
        key = ref if isinstance(ref, str) else ref.raw
        if key not in cache:
            cache[key] = lookup(ref, self.declared_images)
        return cache[key]

    def image_env(self, index: int) -> frozenset[str] | None:
        """Names the environment of the image at the root of stage ``index``'s FROM chain
        defines, as far as docklint knows (``PATH`` always; ``data/image_env.tsv`` for well-known
        images); None when that image's environment is unknown."""
        root = self.graph.root_base(index)
        if root is None:
            return None
        if root.kind == "scratch":
            return frozenset({"PATH"})
        if root.kind != "image" or root.image is None:
            return None
        ref = root.image
        if self.declared_images:
            declared = self.image_facts(ref)
            if declared is not None and declared.origin == "declared":
                if declared.env is not None:
                    return frozenset(k for k, _ in declared.env) | {"PATH"}
                if declared.like is None:
                    return None
                from .imageref import parse_image_ref
                ref = parse_image_ref(declared.like)     # the environment of the `like:` image
        parts = ref.path.split("/")
        if ref.registry in ("docker.io", "mirror.gcr.io") and \
                (len(parts) == 1 or (len(parts) == 2 and parts[0] == "library")):
            key = parts[-1]
        elif len(parts) >= 2 and parts[-2] == "library":
            key = parts[-1]
        else:
            key = ref.repository
        from .images import image_env
        known = image_env(key)
        return None if known is None else known | {"PATH"}

    def base_from_defaults(self, stage: Stage) -> Expansion:
        """The stage's FROM image expanded with :attr:`default_global_env` (``.text`` reads
        unset variables as empty, as BuildKit does)."""
        return expand(stage.base.raw, self.default_global_env, self.escape,
                      budget=self.expand_budget)

    # ---- variable references
    def var_uses(self, ins: Instruction) -> list[VarUse]:
        """Every variable reference the build expands in ``ins`` (a FROM, or an instruction of a
        stage), in text order, classified against the scope at that point: see
        :class:`VarUse`. Shell-form RUN/CMD/ENTRYPOINT/HEALTHCHECK are parsed with the shell
        model (on first use). ONBUILD instructions and global ARGs give none (a trigger is
        expanded where it runs)."""
        key = id(ins)
        cache = self._var_uses
        if key not in cache:
            cache[key] = _VarScan(self, ins).run()
        return cache[key]

    @cached_property
    def _var_uses(self) -> dict[int, list[VarUse]]:
        return {}

    # ---- the shell of shell-form instructions (the variable scan reads their scripts;
    # docklint.facts answers the same questions with these)
    def script(self, ins: Instruction) -> Script | None:
        """The parsed shell of a shell-form RUN/CMD/ENTRYPOINT/HEALTHCHECK, or None (exec form,
        or a stage whose SHELL is not a POSIX shell). Parsed once."""
        key = id(ins)
        cache = self._scripts
        if key not in cache:
            script = None
            if not ins.effective.json and self.posix_shell(ins):
                script = script_for(ins)
            cache[key] = script
        return cache[key]

    @cached_property
    def _scripts(self) -> dict[int, Script | None]:
        return {}

    def windows(self, index: int) -> bool:
        """Whether stage ``index`` builds a Windows image: a ``--platform=windows/...`` in its
        chain, a base whose name says so (``mcr.microsoft.com/windows/nanoserver``,
        ``...-windowsservercore-ltsc2022``, ``mcr.microsoft.com/dotnet/framework/...``), or a
        file written with the backtick escape, as Windows Dockerfiles are."""
        cache = self._windows
        if index not in cache:
            chain = self.graph.chain(index)
            root = chain[-1].base if chain else None
            text = f"{root.raw} {root.text or ''}".lower() if root is not None else ""
            cache[index] = (self.escape == "`" or
                            any(st.platform and st.platform.lower().startswith("windows")
                                for st in chain) or
                            any(h in text for h in _WINDOWS_HINTS))
        return cache[index]

    @cached_property
    def _windows(self) -> dict[int, bool]:
        return {}

    def shell_of(self, stage: Stage, before: Instruction | None = None) -> list[str]:
        """The SHELL in effect (inherited through FROM <stage>); else the platform's default:
        ``["/bin/sh", "-c"]``, or ``["cmd", "/S", "/C"]`` on Windows."""
        chain = self.graph.chain(stage.index)
        last = chain[-1]
        if last.base.kind == "stage" and last.base.stage is not None:   # a cycle (DK202)
            for st in chain:
                changes = self._shell_changes(st)
                if before is not None:
                    # the SHELLs of this stage that come before ``before``
                    cut = bisect.bisect_left(changes, (before.index,))
                    changes = changes[:cut]
                if changes:
                    return changes[-1][1]
                before = None
        else:
            changes = self._shell_changes(chain[0])
            if before is not None:
                changes = changes[:bisect.bisect_left(changes, (before.index,))]
            if changes:
                return changes[-1][1]
            found = self._inherited_shell(chain) if len(chain) > 1 else None
            if found is not None:
                return found
        return ["cmd", "/S", "/C"] if self.windows(stage.index) else ["/bin/sh", "-c"]

    def _inherited_shell(self, chain: list[Stage]) -> list[str] | None:
        """The last SHELL of the nearest stage of ``chain[1:]`` (a chain that does not loop)
        that has one; memoised per stage, so a long FROM chain is walked once, not per stage."""
        memo = self.__dict__.setdefault("_shell_found", {})
        pending: list[Stage] = []
        found = None
        for st in chain[1:]:
            if st.index in memo:
                found = memo[st.index]
                break
            pending.append(st)
        for st in reversed(pending):
            changes = self._shell_changes(st)
            if changes:
                found = changes[-1][1]
            memo[st.index] = found
        return found

    def _shell_changes(self, stage: Stage) -> list[tuple[int, list[str]]]:
        """(instruction index, shell) of every SHELL of a stage, in order (computed once)."""
        cache = self._shells
        if stage.index not in cache:
            cache[stage.index] = [(ins.index, [a.value for a in ins.args])
                                  for ins in stage.instructions
                                  if ins.keyword == "SHELL" and ins.json and ins.args]
        return cache[stage.index]

    @cached_property
    def _shells(self) -> dict[int, list[tuple[int, list[str]]]]:
        return {}

    def posix_shell(self, ins: Instruction) -> bool:
        stage = self.stage_of(ins)
        if stage is None:
            return True
        exe = posixpath.basename(self.shell_of(stage, ins)[0]).lower()
        return not any(x in exe for x in ("powershell", "pwsh", "cmd"))


_WINDOWS_HINTS = ("mcr.microsoft.com/windows", "microsoft/windows", "nanoserver", "servercore",
                  "dotnet/framework", "ltsc20")


class _SortedNames:
    """Stage names (lower case) with their stage, sorted, so that the names beginning with a
    text are found by a binary search. A name that is not plain ASCII is always offered: case
    folding can match it to a start it does not begin with (``ſ`` and ``s``)."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.stages: list[int] = []
        self.other: list[tuple[str, int]] = []

    def add(self, name: str, stage: int) -> None:
        if not name.isascii():
            self.other.append((name, stage))
            return
        at = bisect.bisect_right(self.keys, name)
        self.keys.insert(at, name)
        self.stages.insert(at, stage)

    def starting(self, text: str) -> list[tuple[str, int]]:
        """The (name, stage) pairs whose name may begin with ``text`` (case aside)."""
        if not text or not text.isascii():
            return [*zip(self.keys, self.stages), *self.other]
        low = text.lower()
        lo = bisect.bisect_left(self.keys, low)
        hi = lo
        while hi < len(self.keys) and self.keys[hi].startswith(low):
            hi += 1
        return [*zip(self.keys[lo:hi], self.stages[lo:hi]), *self.other]


class _Builder:
    def __init__(self, df: Dockerfile) -> None:
        self.df = df
        self._earlier: dict[str, int] = {}   # _base: the first stage of each name so far
        self._earlier_n = 0
        self._earlier_sorted = _SortedNames()   # the same names, for _candidates
        # every stage name in the file -> its index (the first stage wins a duplicate name)
        self.names: dict[str, int] = {}
        idx = 0
        for ins in df.instructions:
            if ins.keyword == "FROM":
                if len(ins.args) == 3 and ins.args[1].value.lower() == "as":
                    self.names.setdefault(ins.args[2].value.lower(), idx)
                idx += 1
        self.count = idx       # stages in the file
        self._names_sorted: _SortedNames | None = None     # self.names, for _candidates
        self._overflowed: set[int] = set()      # instructions with a budget finding
        self._env_cells = 0                     # variable values kept in snapshots so far

    def _expand(self, raw: str, env: Mapping[str, str | None], ins: Instruction, what: str,
                span: Span | None = None) -> Expansion:
        """``raw`` expanded against ``env`` within the file's budget. Over it, the value is
        unknown and the instruction gets one DK000 finding that says so."""
        exp = expand(raw, env, self.df.escape, budget=self.df.expand_budget)
        if exp.overflow is not None and id(ins) not in self._overflowed:
            self._overflowed.add(id(ins))
            self.df.errors.append(ParseError(
                f"{what} {exp.overflow}; docklint stopped expanding it (rules treat it as "
                f"unknown)", span or ins.span, limit=True))
        return exp

    def run(self) -> None:
        df = self.df
        genv = Env()
        edges: list[Edge] = []
        current: Stage | None = None
        body: list[Instruction] = []
        implicit: Stage | None = None
        for ins in df.instructions:
            if ins.keyword not in KNOWN_INSTRUCTIONS:
                continue   # BuildKit rejects it (DK000); the model leaves it out
            if ins.keyword == "FROM":
                if current is not None:
                    self._finish(current, body, edges)
                current = self._stage(ins, len(df.stages), genv)
                df.stages.append(current)
                body = []
            elif current is None and ins.keyword == "ARG":
                for decl in self._args(ins, genv, None, None):
                    df.global_args.append(decl)
            elif current is None:
                # before the first FROM (DK000): an implicit stage, numbered after the real
                # ones (self.count of them) so that --from=N keeps BuildKit's numbers
                current = implicit = self._implicit(ins)
                body = [ins]
            else:
                body.append(ins)
        if current is not None:
            self._finish(current, body, edges)
        if implicit is not None:
            df.stages.append(implicit)
        # FROM-stage edges first, in stage order
        base_edges = [Edge("base", s.index, s.base.raw, s.from_, s.base.span,
                           target=s.base.stage) for s in df.stages if s.base.kind == "stage"]
        target = self._target()
        df.graph = StageGraph(df.stages, base_edges + edges, target)
        depth: list[int] = []
        for s in df.stages:
            parent = s.base.stage if s.base.kind == "stage" else None
            depth.append(depth[parent] + 1 if parent is not None and parent < s.index else 1)
            if depth[-1] == MAX_CHAIN + 1:
                df.errors.append(ParseError(
                    f"this stage is built on a chain of more than {MAX_CHAIN} stages; docklint "
                    f"follows the first {MAX_CHAIN} (what the chain's root image holds is "
                    "treated as unknown for this and later stages)", s.from_.span, limit=True))
                break

    def _target(self) -> int | None:
        df = self.df
        if not df.stages:
            return None
        if df.target_name:
            want = df.target_name.lower()
            for s in df.stages:
                if s.name == want:
                    return s.index
            names = ", ".join(s.name for s in df.stages if s.name) or "none"
            df.target_error = f"target stage {df.target_name!r} not found (stages: {names})"
            return None
        real = [s for s in df.stages if not s.implicit]
        return real[-1].index if real else df.stages[-1].index

    def _implicit(self, first: Instruction) -> Stage:
        """The implicit stage that ``first``, an instruction before the first FROM, starts; its
        ``from_`` is a synthetic FROM at the start of ``first`` (see the module's docstring)."""
        at = first.span.start
        here = Span(at, at)
        from_ = Instruction(keyword="FROM", written="", span=here, keyword_span=here, flags=(),
                            args=(), json=False, heredocs=(), original="",
                            line_map=LineMap([(0, at, 0)]), rest_lstart=0, rest_lend=0,
                            line=first.line, end_line=first.line, index=first.index)
        base = Base("unknown", "", None, here)
        return Stage(index=self.count, from_=from_, base=base, implicit=True)

    def _args(self, ins: Instruction, env: Env, stage: int | None,
              globals_: Mapping[str, str | None] | None) -> list[ArgDecl]:
        out = []
        for word in ins.args:
            raw_name, eq, raw_default = word.value.partition("=")
            name = self._expand(raw_name, env, ins, "the name of an ARG", word.span).value \
                or raw_name
            default: str | None = None
            if eq:
                exp = self._expand(raw_default, env, ins, f"ARG {name}", word.span)
                default = raw_default
                value = exp.value
            elif globals_ is not None and name in globals_:
                value = globals_[name]
            else:
                value = None
            if name in self.df.build_args:
                value = self.df.build_args[name]
            env[name] = value
            env.kinds[name] = "arg"
            out.append(ArgDecl(name, default, value, ins, word, stage))
        return out

    def _stage(self, ins: Instruction, index: int, genv: Env) -> Stage:
        df = self.df
        args = ins.args
        word = args[0] if args else Word("", ins.keyword_span, 0, 0)
        name_word = args[2] if len(args) == 3 and args[1].value.lower() == "as" else None
        # "FROM" or "FROM --platform=x" without an image (DK000): nothing known about the base
        base = self._base(word, genv, ins) if args else Base("unknown", "", None, word.span)
        platform_flag = ins.flag("platform")
        platform = None
        if platform_flag is not None and platform_flag.value is not None:
            platform = self._expand(platform_flag.value, genv, ins, "--platform",
                                    platform_flag.span).value
        return Stage(index=index, from_=ins, base=base,
                     name=name_word.value.lower() if name_word else None, name_word=name_word,
                     platform=platform, platform_flag=platform_flag)

    def _fixed(self, env: Env) -> dict[str, str | None]:
        """The part of ``env`` a build cannot change: ENV values and ARGs docklint was given a
        ``--build-arg`` for (any other ARG default may be overridden)."""
        kinds = env.kinds
        return {k: v for k, v in env.items()
                if kinds.get(k) != "arg" or k in self.df.build_args}

    def _candidates(self, raw: str, env: Env, names: "_SortedNames",
                    indexes: range = range(0)) -> tuple[int, ...]:
        """Stages (of ``names``, and numbered ``indexes``) that ``raw`` may expand to in some
        build. Only the names that begin with the expansion's literal start are tried (a file
        of thousands of ``FROM image:$TAG`` lines: none can be a stage name)."""
        parts = expand_parts(raw, self._fixed(env), self.df.escape)
        rx = parts_pattern(parts, re.I)
        start = parts[0] if parts is not None else ""
        found = {i for n, i in names.starting(start) if rx.fullmatch(n)}
        if not start or start.isdigit():
            found |= {i for i in indexes if rx.fullmatch(str(i))}
        return tuple(sorted(found))

    def _all_names(self) -> "_SortedNames":
        if self._names_sorted is None:
            self._names_sorted = _SortedNames()
            for name, index in self.names.items():
                self._names_sorted.add(name, index)
        return self._names_sorted

    def _base(self, word: Word, genv: Env, ins: Instruction) -> Base:
        raw = word.value
        exp = self._expand(raw, genv, ins, "the image of this FROM", word.span)
        # the first stage of each name (kept up to date as stages are added: linear time)
        earlier = self._earlier
        for s in self.df.stages[self._earlier_n:]:
            if s.name and s.name not in earlier:
                earlier[s.name] = s.index
                self._earlier_sorted.add(s.name, s.index)
        self._earlier_n = len(self.df.stages)
        if exp.value is None or (exp.value == "" and raw != ""):
            return Base("unresolved", raw, None, word.span, unresolved=exp.unresolved,
                        candidates=self._candidates(raw, genv, self._earlier_sorted))
        text = exp.value
        low = text.lower()
        if low in earlier:
            # "FROM build-${MODE}": a build arg may pick another stage
            cands = self._candidates(raw, genv, self._earlier_sorted) if "$" in raw else ()
            return Base("stage", raw, text, word.span, stage=earlier[low], candidates=cands)
        if low == "scratch":
            return Base("scratch", raw, text, word.span)
        return Base("image", raw, text, word.span, image=parse_image_ref(text))

    def _finish(self, stage: Stage, body: list[Instruction], edges: list[Edge]) -> None:
        df = self.df
        genv = df.global_env
        triggers: list[Instruction] = []
        if stage.base.kind == "stage" and stage.base.stage is not None:
            parent = df.stages[stage.base.stage]
            env = self._copy_env(parent.env_end, stage.from_)
            # the parent's ONBUILD triggers run first in this stage
            triggers = [i for i in parent.instructions if i.keyword == "ONBUILD" and i.sub]
        elif stage.implicit:
            # the global ARGs declared before it: a fragment's leading ARGs are most likely
            # meant for its own instructions (BuildKit has no rule here: it refuses the file)
            env = self._copy_env(genv, stage.from_)
        else:
            env = Env()
        for ins in triggers:
            env = self._apply(ins.sub, ins, env, stage, genv, [])
            self._refs(ins.sub, ins, env, stage, edges, onbuild=True)
        envs: list[Env] = []
        decls: list[ArgDecl] = []
        for ins in body:
            envs.append(env)
            env = self._apply(ins, ins, env, stage, genv, decls)
            if ins.sub is None:
                self._refs(ins, ins, env, stage, edges)
        stage.instructions = tuple(body)
        stage.args = tuple(decls)
        stage.envs = tuple(envs)
        stage.env_end = env

    def _apply(self, eff: Instruction, ins: Instruction, env: Env, stage: Stage,
               genv: Env, decls: list[ArgDecl]) -> Env:
        """The environment after ``eff`` (ARG and ENV change it)."""
        if eff.keyword in ("ARG", "ENV") and env.untracked:
            return env          # past the budget: no longer followed (see _copy_env)
        if eff.keyword == "ARG":
            env = self._copy_env(env, ins)
            found = self._args(eff, env, stage.index, genv)
            if eff is ins:
                decls += found
        elif eff.keyword == "ENV":
            before = env
            env = self._copy_env(env, ins)
            for key, value, _sep in eff.pairs():
                exp = self._expand(value.value, before, ins, f"ENV {key.value}", value.span)
                env[key.value] = exp.value
                env.kinds[key.value] = "env"
        return env

    def _copy_env(self, env: Env, ins: Instruction) -> Env:
        """A copy of ``env`` to change (every instruction keeps the environment before it),
        within the file's budget of variable values kept: a file of thousands of ARG/ENV lines
        would otherwise keep millions (memory grows with the square of the file). Past the
        budget the copy is *untracked*: ARG and ENV are no longer followed, and names missing
        from it count as possibly set; the instruction gets one DK000 finding saying so."""
        if env.untracked:
            return env
        self._env_cells += len(env) + 1
        new = env.copy()
        if self._env_cells > MAX_ENV_CELLS:
            new.untracked = True
            self.df.errors.append(ParseError(
                f"the ARG and ENV lines up to here keep more than {MAX_ENV_CELLS} variable "
                "values in all; docklint stopped following ARG and ENV here (later variables "
                "are treated as unknown)", ins.span, limit=True))
        return new

    def _refs(self, eff: Instruction, ins: Instruction, env: Env, stage: Stage,
              edges: list[Edge], onbuild: bool = False) -> None:
        """The copy and mount edges of ``eff`` (``ins`` is the ONBUILD holding a trigger)."""
        if eff.keyword == "COPY":
            flag = eff.flag("from")
            # "--from=" (empty) copies from the build context, like no --from at all
            if flag is not None and flag.value:
                vspan = _flag_value_span(eff, flag, 0, len(flag.value))
                edges.append(self._ref_edge("copy", stage, flag.value, ins, flag.span, env,
                                            vspan, onbuild))
        elif eff.keyword == "RUN":
            for flag in eff.flags:
                if flag.name == "mount" and flag.value:
                    mount = parse_mount(flag)
                    ref = mount.source_from
                    if ref and mount.type in ("bind", "cache"):
                        at = next((a for k, _v, a in mount_fields(flag) if k == "from"), -1)
                        vspan = _flag_value_span(eff, flag, at, at + len(ref)) if at >= 0 \
                            else flag.span
                        edges.append(self._ref_edge("mount", stage, ref, ins, flag.span, env,
                                                    vspan, onbuild))

    def _ref_edge(self, kind: str, stage: Stage, raw: str, ins: Instruction, span: Span,
                  env: Env, vspan: Span | None = None, onbuild: bool = False) -> Edge:
        exp = self._expand(raw, env, ins, f"--{'from' if kind == 'copy' else 'mount from'}",
                           vspan or span)
        more = dict(raw=raw, value_span=vspan or span, onbuild=onbuild)
        if exp.value is None:
            return Edge(kind, stage.index, raw, ins, span, resolved=False,
                        unresolved=exp.unresolved,
                        candidates=self._candidates(raw, env, self._all_names(),
                                                    range(self.count)),
                        **more)
        ref = exp.value
        # "--from=build-${MODE}" naming a stage: a build arg may pick another stage
        cands = self._candidates(raw, env, self._all_names(), range(self.count)) if "$" in raw \
            else ()
        # in the implicit stage (before the first FROM), a number or a bare name that names no
        # stage of the file most likely names one of the file the fragment is pasted into
        outside = stage.implicit and not any(c in ref for c in "/:@")
        if ref.isdigit():
            idx = int(ref)
            if idx < self.count:
                return Edge(kind, stage.index, ref, ins, span, target=idx, candidates=cands,
                            **more)
            if outside:
                return Edge(kind, stage.index, ref, ins, span, resolved=False, **more)
            return Edge(kind, stage.index, ref, ins, span, **more)   # out of range: neither
        low = ref.lower()
        # a name refers to any stage in the file (BuildKit errors on later ones; DK202 says so)
        idx = self.names.get(low)
        if idx is not None:
            return Edge(kind, stage.index, ref, ins, span, target=idx, candidates=cands, **more)
        if outside:
            return Edge(kind, stage.index, ref, ins, span, resolved=False, **more)
        return Edge(kind, stage.index, ref, ins, span, image=parse_image_ref(ref), **more)


class _VarScan:
    """Finds and classifies the variable references of one instruction."""

    def __init__(self, df: Dockerfile, ins: Instruction) -> None:
        self.df = df
        self.ins = ins
        self.stage = df.stage_of(ins)
        self.out: list[VarUse] = []
        known = df.image_env(self.stage.index) if self.stage is not None else None
        self.image_env = known or frozenset()

    def run(self) -> list[VarUse]:
        ins, stage = self.ins, self.stage
        if stage is None or ins.keyword == "ONBUILD":
            return []
        if ins is stage.from_:
            self.from_line(stage)
        else:
            env = stage.env_before(ins)
            kw = ins.keyword
            if kw in ("COPY", "ADD"):
                self.copy(env)
            elif kw in ("ENV", "LABEL"):
                earlier: set[str] = set()
                for key, value, _sep in ins.pairs():
                    self.word(key, env, "key", same=earlier)
                    self.word(value, env, "value", same=earlier)
                    if kw == "ENV":
                        earlier = earlier | {key.value}
            elif kw in ("WORKDIR", "USER", "STOPSIGNAL", "VOLUME", "EXPOSE"):
                for w in ins.args:
                    self.word(w, env, "argument")
            elif kw == "ARG":
                self.arg(env)
            elif kw == "RUN":
                self.mounts(env)
            if kw in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"):
                self.shell(stage, env)
        self.out.sort(key=lambda u: (u.span.start, u.span.end))
        return self.out

    # ---- classification
    def add(self, name: str, span: Span, expander: str, part: str, modifier: str,
            env: Mapping[str, str | None], *, same: Iterable[str] = (), shell_assigned=(),
            runtime: bool = False, sourced: bool = False) -> None:
        kinds = getattr(env, "kinds", {})
        decl = None
        # a running container (CMD, ENTRYPOINT, HEALTHCHECK) sees ENV values, not ARGs
        build_only = runtime and name in env and kinds.get(name) != "env"
        if name in env and not build_only:
            defined, how = True, kinds.get(name, "env")
        elif getattr(env, "untracked", False):
            defined, how = True, "untracked"
        elif name == "PATH" or name in self.image_env:
            defined, how = True, "image"
        elif build_only:
            defined, how = False, "build-only"
        elif name in shell_assigned:
            defined, how = True, "script"
        elif sourced:
            defined, how = True, "sourced"
        elif expander == "shell" and name in _SHELL_VARS:
            defined, how = True, "shell"
        elif expander == "shell" and not runtime and name in PROXY_ARGS:
            defined, how = True, "proxy"
        elif name in same:
            defined, how = False, "same-instruction"
        elif self.df.global_arg(name) is not None:
            defined, how, decl = False, "global-arg", self.df.global_arg(name)
        elif name in AUTOMATIC_ARGS:
            defined, how = False, "automatic-arg"
        else:
            defined, how = False, "unknown"
        self.out.append(VarUse(name, span, self.ins, self.stage.index if self.stage else None,
                               expander, part, modifier, defined, how, decl))

    def refs(self, text: str, to_span, env, part: str, *, quotes: bool = True,
             escape: str | None = None, same: Iterable[str] = ()) -> None:
        for r in references(text, self.df.escape if escape is None else escape, quotes=quotes):
            self.add(r.name, to_span(r.start, r.end), "builder", part, r.modifier, env,
                     same=same)

    def word(self, w: Word, env, part: str, same: Iterable[str] = ()) -> None:
        if "$" not in w.value:
            return
        ins = self.ins
        if ins.json:
            inner = ins.original[w.lstart + 1:w.lend - 1]
            if inner == w.value:
                base = w.lstart + 1
                self.refs(w.value, lambda a, b: ins.span_of(base + a, base + b), env, part,
                          same=same)
            else:
                self.refs(w.value, lambda a, b: w.span, env, part, same=same)
            return
        self.refs(w.value, lambda a, b: ins.span_of(w.lstart + a, w.lstart + b), env, part,
                  same=same)

    def flag(self, flag: Flag, env, part: str) -> None:
        if flag.value and "$" in flag.value:
            self.refs(flag.value, lambda a, b: _flag_value_span(self.ins, flag, a, b), env, part)

    # ---- instructions
    def from_line(self, stage: Stage) -> None:
        """A FROM sees the global ARGs (declared, with or without a value) and the automatic
        platform ARGs."""
        ins = stage.from_
        if ins.args:
            w = ins.args[0]
            for r in references(w.value, self.df.escape):
                self.from_ref(r, ins.span_of(w.lstart + r.start, w.lstart + r.end), "image")
        flag = stage.platform_flag
        if flag is not None and flag.value:
            for r in references(flag.value, self.df.escape):
                self.from_ref(r, _flag_value_span(ins, flag, r.start, r.end), "platform")

    def from_ref(self, r, span: Span, part: str) -> None:
        decl = self.df.global_arg(r.name)
        if decl is not None:
            defined, how = True, "arg"
        elif r.name in AUTOMATIC_ARGS:
            defined, how = True, "automatic"
        else:
            defined, how = False, "unknown"
        self.out.append(VarUse(r.name, span, self.ins, self.stage.index, "builder", part,
                               r.modifier, defined, how, decl))

    def copy(self, env) -> None:
        ins = self.ins
        markers = {(h.marker_lstart, h.marker_lend) for h in ins.heredocs}
        words = [w for w in ins.args if (w.lstart, w.lend) not in markers]
        for k, w in enumerate(words):
            self.word(w, env, "destination" if k == len(words) - 1 else "source")
        for name in ("chown", "chmod", "checksum") if ins.keyword == "ADD" else \
                ("chown", "chmod"):
            flag = ins.flag(name)
            if flag is not None:
                self.flag(flag, env, "--" + name)
        for h in ins.heredocs:
            if h.expand and "$" in h.content:
                base = h.body_span.start
                self.refs(h.content, lambda a, b, _b=base: Span(_b + a, _b + b), env, "heredoc",
                          quotes=False, escape="\\")

    def arg(self, env) -> None:
        ins = self.ins
        scope = Env(env)
        scope.kinds = dict(getattr(env, "kinds", {}))
        for w in ins.args:
            name, eq, default = w.value.partition("=")
            if "$" in name:
                self.refs(name, lambda a, b: ins.span_of(w.lstart + a, w.lstart + b), scope,
                          "key")
            if eq and "$" in default:
                off = w.lstart + len(name) + 1
                self.refs(default, lambda a, b, _o=off: ins.span_of(_o + a, _o + b), scope,
                          "default")
            # ARG applies its names one by one: later ones see earlier ones
            scope[name] = scope.get(name)
            scope.kinds[name] = "arg"

    def mounts(self, env) -> None:
        ins = self.ins
        for flag in ins.flags:
            if flag.name != "mount" or not flag.value or "$" not in flag.value:
                continue
            for key, value, at in mount_fields(flag):
                if key == "from" or at < 0 or "$" not in value:
                    continue
                self.refs(value, lambda a, b, _f=flag, _at=at: _flag_value_span(
                    ins, _f, _at + a, _at + b), env, "mount")

    def shell(self, stage: Stage, env) -> None:
        ins = self.ins
        if ins.json:
            return
        script = self.df.script(ins)
        if script is None or not script.variables:
            return
        runtime = ins.keyword != "RUN"
        if runtime:
            env = stage.env_end
        assigned = script.assigned
        # after ". file", "source file" or "eval", any variable may have been set
        sourced = min((c.start for c in script.commands if c.name in (".", "source", "eval")),
                      default=None)
        for v in script.variables:
            self.add(v.name, script.span(v.start, v.end), "shell", "command", v.modifier, env,
                     shell_assigned=assigned, runtime=runtime,
                     sourced=sourced is not None and v.start > sourced)


def _flag_value_span(ins: Instruction, flag: Flag, start: int, end: int) -> Span:
    """Source span of ``flag.value[start:end]``; the whole value when the flag was written with
    quotes or escapes (then offsets in the value are not offsets in the text)."""
    prefix = 2 + len(flag.name) + 1
    if flag.value is None or ins.original[flag.lstart:flag.lend] != flag.text or \
            not flag.text.startswith("--"):
        return flag.value_span
    return ins.span_of(flag.lstart + prefix + start, flag.lstart + prefix + end)


def build(source: Source, *, build_args: Mapping[str, str] | None = None,
          target: str | None = None, context: str | None = None,
          parsed: Parsed | None = None, images: tuple[Any, ...] = ()) -> Dockerfile:
    """Parse (once) and model ``source``; ``images`` are the configuration's declared base
    images (see :mod:`docklint.imagedecl`)."""
    parsed = parsed if parsed is not None else parse(source)
    return Dockerfile(source, parsed, build_args=build_args or {}, target_name=target,
                      context=context, images=images)
