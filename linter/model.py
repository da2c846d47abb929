"""The model rules read: stages, bases, ARG scopes, the stage graph, the target.

Built once per file from the parser's output. Rules never re-derive stages, aliases or ARG values:
they read them here. Anything that depends on a build argument without a value stays unresolved
(``None`` values, ``Base.kind == "unresolved"``) and rules skip it rather than guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Iterator, Mapping

from .imageref import ImageRef, parse_image_ref
from .parse import Parsed, parse
from .source import Source, Span
from .syntax import (KNOWN_INSTRUCTIONS, Comment, Directive, Flag, Heredoc, Instruction, LineMap, ParseError,
                     Word)
from .variables import Expansion, expand

if TYPE_CHECKING:
    from .facts import Facts
    from .suppress import Pragma, PragmaProblem

__all__ = ["Instruction", "Flag", "Word", "Heredoc", "Directive", "Comment", "ParseError",
           "LineMap", "ImageRef", "ArgDecl", "Base", "Stage", "Edge", "StageGraph", "Env",
           "Dockerfile", "build", "AUTOMATIC_ARGS", "Mount", "parse_mount"]

# ARGs BuildKit provides to FROM lines without a declaration (their values depend on the build).
AUTOMATIC_ARGS = ("BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT",
                  "TARGETPLATFORM", "TARGETOS", "TARGETOSVERSION", "TARGETARCH", "TARGETVARIANT",
                  "TARGETSTAGE")


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Base:
    """What a FROM points at after ARG substitution."""

    kind: str                  # "stage" | "image" | "scratch" | "unresolved"
    raw: str                   # as written
    text: str | None           # after expansion (None when unresolved)
    span: Span                 # the image word
    stage: int | None = None   # for kind "stage"
    image: ImageRef | None = None  # for kind "image"
    unresolved: tuple[str, ...] = ()   # variables without a value


@dataclass(frozen=True)
class Edge:
    """``source`` stage depends on ``target`` (a stage index) or on an external ``image``."""

    kind: str                  # "base" | "copy" | "mount"
    source: int
    ref: str                   # the reference as written (after expansion when resolved)
    instruction: Instruction
    span: Span
    target: int | None = None
    image: ImageRef | None = None
    resolved: bool = True      # False when the reference depends on an unset variable
    unresolved: tuple[str, ...] = ()


@dataclass(frozen=True)
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


class Env(dict):
    """Variables visible at one point of a stage: name -> value (None = declared, no value).

    ``kinds`` says where each came from: "arg" or "env".
    """

    __slots__ = ("kinds",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kinds: dict[str, str] = {}

    def copy(self) -> "Env":
        new = Env(self)
        new.kinds = dict(self.kinds)
        return new


@dataclass(eq=False)
class Stage:
    """One build stage: its FROM and the instructions up to the next FROM."""

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

    @property
    def label(self) -> str:
        """How to call the stage in a message: its name, or ``#index``."""
        return self.name if self.name else f"#{self.index}"

    def env_before(self, ins: Instruction) -> Env:
        for i, cand in enumerate(self.instructions):
            if cand is ins:
                return self.envs[i]
        return self.env_end

    def of_kind(self, *keywords: str) -> Iterator[Instruction]:
        for ins in self.instructions:
            if ins.keyword in keywords:
                yield ins


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

    def deps(self, index: int) -> list[int]:
        """Stages ``index`` directly depends on (base, copy, mount), in order, no repeats."""
        out: list[int] = []
        for e in self.edges:
            if e.source == index and e.target is not None and e.target not in out:
                out.append(e.target)
        return out

    def dependents(self, index: int) -> list[int]:
        out: list[int] = []
        for e in self.edges:
            if e.target == index and e.source not in out:
                out.append(e.source)
        return out

    def edges_from(self, index: int) -> list[Edge]:
        return [e for e in self.edges if e.source == index]

    def reachable(self, start: int | None = None) -> set[int]:
        """Stages a build of ``start`` (default: the target) builds."""
        start = self.target if start is None else start
        if start is None:
            return set()
        seen = {start}
        todo = [start]
        while todo:
            for dep in self.deps(todo.pop()):
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    def chain(self, index: int | None = None) -> list[Stage]:
        """The stage and the in-file stages its FROM leads through, nearest first."""
        index = self.target if index is None else index
        out: list[Stage] = []
        seen: set[int] = set()
        while index is not None and index not in seen:
            seen.add(index)
            stage = self.stages[index]
            out.append(stage)
            index = stage.base.stage if stage.base.kind == "stage" else None
        return out

    def root_base(self, index: int | None = None) -> Base | None:
        """The non-stage base at the end of ``index``'s chain."""
        chain = self.chain(index)
        return chain[-1].base if chain else None


class Dockerfile:
    """Everything known about one Dockerfile: syntax, stages, graph, and derived facts."""

    def __init__(self, source: Source, parsed: Parsed, *, build_args: Mapping[str, str],
                 target_name: str | None, context: str | None) -> None:
        self.source = source
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
        return expand(text, env, self.escape)

    @cached_property
    def pragmas(self) -> "tuple[list[Pragma], list[PragmaProblem]]":
        """docklint pragma comments, and the problems found in them (parsed once)."""
        from .suppress import collect
        return collect(self.comments, self.instructions)

    @cached_property
    def facts(self) -> "Facts":
        """Derived facts about the final image (computed on first use, once)."""
        from .facts import Facts
        return Facts(self)


class _Builder:
    def __init__(self, df: Dockerfile) -> None:
        self.df = df
        # every stage name in the file -> its index (the first stage wins a duplicate name)
        self.names: dict[str, int] = {}
        idx = 0
        for ins in df.instructions:
            if ins.keyword == "FROM":
                if len(ins.args) == 3 and ins.args[1].value.lower() == "as":
                    self.names.setdefault(ins.args[2].value.lower(), idx)
                idx += 1

    def run(self) -> None:
        df = self.df
        genv = Env()
        edges: list[Edge] = []
        current: Stage | None = None
        body: list[Instruction] = []
        for ins in df.instructions:
            if ins.keyword not in KNOWN_INSTRUCTIONS:
                continue   # BuildKit rejects it (DK000); the model leaves it out
            if ins.keyword == "FROM":
                if current is not None:
                    self._finish(current, body, edges)
                current = self._stage(ins, len(df.stages), genv)
                df.stages.append(current)
                body = []
            elif current is None:
                if ins.keyword == "ARG":
                    for decl in self._args(ins, genv, None, None):
                        df.global_args.append(decl)
            else:
                body.append(ins)
        if current is not None:
            self._finish(current, body, edges)
        # FROM-stage edges first, in stage order
        base_edges = [Edge("base", s.index, s.base.raw, s.from_, s.base.span,
                           target=s.base.stage) for s in df.stages if s.base.kind == "stage"]
        target = self._target()
        df.graph = StageGraph(df.stages, base_edges + edges, target)

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
        return len(df.stages) - 1

    def _args(self, ins: Instruction, env: Env, stage: int | None,
              globals_: Mapping[str, str | None] | None) -> list[ArgDecl]:
        out = []
        for word in ins.args:
            raw_name, eq, raw_default = word.value.partition("=")
            name = expand(raw_name, env, self.df.escape).value or raw_name
            default: str | None = None
            if eq:
                exp = expand(raw_default, env, self.df.escape)
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
        base = self._base(word, genv)
        platform_flag = ins.flag("platform")
        platform = None
        if platform_flag is not None and platform_flag.value is not None:
            platform = expand(platform_flag.value, genv, df.escape).value
        return Stage(index=index, from_=ins, base=base,
                     name=name_word.value.lower() if name_word else None, name_word=name_word,
                     platform=platform, platform_flag=platform_flag)

    def _base(self, word: Word, genv: Env) -> Base:
        raw = word.value
        exp = expand(raw, genv, self.df.escape)
        if exp.value is None or (exp.value == "" and raw != ""):
            return Base("unresolved", raw, None, word.span, unresolved=exp.unresolved)
        text = exp.value
        low = text.lower()
        for s in self.df.stages:
            if s.name == low:
                return Base("stage", raw, text, word.span, stage=s.index)
        if low == "scratch":
            return Base("scratch", raw, text, word.span)
        return Base("image", raw, text, word.span, image=parse_image_ref(text))

    def _finish(self, stage: Stage, body: list[Instruction], edges: list[Edge]) -> None:
        df = self.df
        genv = df.global_env
        if stage.base.kind == "stage" and stage.base.stage is not None:
            env = df.stages[stage.base.stage].env_end.copy()
        else:
            env = Env()
        envs: list[Env] = []
        decls: list[ArgDecl] = []
        for ins in body:
            envs.append(env)
            eff = ins.effective
            if ins.keyword == "ARG":
                env = env.copy()
                decls += self._args(ins, env, stage.index, genv)
            elif ins.keyword == "ENV":
                before = env
                env = env.copy()
                for key, value, _sep in ins.pairs():
                    exp = expand(value.value, before, df.escape)
                    env[key.value] = exp.value
                    env.kinds[key.value] = "env"
            if eff.keyword == "COPY" and eff is ins:
                flag = ins.flag("from")
                # "--from=" (empty) copies from the build context, like no --from at all
                if flag is not None and flag.value:
                    edges.append(self._ref_edge("copy", stage, flag.value, ins, flag.span, env))
            elif eff.keyword == "RUN" and eff is ins:
                for flag in ins.flags:
                    if flag.name == "mount" and flag.value:
                        mount = parse_mount(flag)
                        ref = mount.source_from
                        if ref and mount.type in ("bind", "cache"):
                            edges.append(self._ref_edge("mount", stage, ref, ins, flag.span, env))
        stage.instructions = tuple(body)
        stage.args = tuple(decls)
        stage.envs = tuple(envs)
        stage.env_end = env

    def _ref_edge(self, kind: str, stage: Stage, raw: str, ins: Instruction, span: Span,
                  env: Env) -> Edge:
        exp = expand(raw, env, self.df.escape)
        if exp.value is None:
            return Edge(kind, stage.index, raw, ins, span, resolved=False,
                        unresolved=exp.unresolved)
        ref = exp.value
        if ref.isdigit():
            idx = int(ref)
            if idx < len(self.df.stages):
                return Edge(kind, stage.index, ref, ins, span, target=idx)
            return Edge(kind, stage.index, ref, ins, span)   # out of range: neither
        low = ref.lower()
        # a name refers to any stage in the file (BuildKit errors on later ones; DK202 says so)
        idx = self.names.get(low)
        if idx is not None:
            return Edge(kind, stage.index, ref, ins, span, target=idx)
        return Edge(kind, stage.index, ref, ins, span, image=parse_image_ref(ref))


def build(source: Source, *, build_args: Mapping[str, str] | None = None,
          target: str | None = None, context: str | None = None,
          parsed: Parsed | None = None) -> Dockerfile:
    """Parse (once) and model ``source``."""
    parsed = parsed if parsed is not None else parse(source)
    return Dockerfile(source, parsed, build_args=build_args or {}, target_name=target,
                      context=context)
