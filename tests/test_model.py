"""The model: stages, bases, ARG/ENV scopes, the stage graph, the target and reachability."""

from __future__ import annotations

from docklint.model import build, closest, mount_fields
from docklint.source import Source


def B(text: str, **kw):
    return build(Source(text), **kw)


def sl(df, span) -> str:
    return df.source.text[span.start:span.end]


def args_of(stage) -> list[tuple[str, str | None, str | None]]:
    return [(a.name, a.default, a.value) for a in stage.args]


# ================================================================================ ARG scope

def test_global_arg_is_visible_in_from_only():
    df = B("ARG V=1.2\nFROM alpine:$V\nRUN echo $V\nENV W=$V\n")
    assert [(a.name, a.default, a.value, a.stage) for a in df.global_args] == [
        ("V", "1.2", "1.2", None)]
    (st,) = df.stages
    assert st.base.kind == "image"
    assert (st.base.raw, st.base.text) == ("alpine:$V", "alpine:1.2")
    assert (st.base.image.path, st.base.image.tag) == ("library/alpine", "1.2")
    assert dict(st.envs[0]) == {}                  # V is not visible in the stage
    assert dict(st.env_end) == {"W": None}         # $V expands to nothing known
    assert st.env_end.kinds == {"W": "env"}
    assert dict(df.global_env) == {"V": "1.2"}
    assert df.global_env.kinds == {"V": "arg"}


def test_redeclared_global_arg_takes_the_global_value():
    df = B("ARG V=1\nARG NOVAL\nFROM a\nARG V\nARG NOVAL\nARG OWN=x\nRUN echo $V\n")
    st = df.stages[0]
    assert args_of(st) == [("V", None, "1"), ("NOVAL", None, None), ("OWN", "x", "x")]
    assert all(a.stage == 0 for a in st.args)
    assert dict(st.env_end) == {"V": "1", "NOVAL": None, "OWN": "x"}
    assert st.env_before(st.instructions[-1]) == {"V": "1", "NOVAL": None, "OWN": "x"}
    assert [d.instruction.line for d in st.args] == [4, 5, 6]
    assert [sl(df, d.word.span) for d in st.args] == ["V", "NOVAL", "OWN=x"]


def test_build_args_override_defaults_of_declared_args_only():
    text = "ARG V=1\nARG IMG\nFROM $IMG:$V\nARG V\nARG S=s\nARG T\nRUN x\n"
    df = B(text, build_args={"V": "9", "IMG": "debian", "S": "over", "UNDECLARED": "u"})
    assert [(a.name, a.value) for a in df.global_args] == [("V", "9"), ("IMG", "debian")]
    st = df.stages[0]
    assert st.base.text == "debian:9"
    assert args_of(st) == [("V", None, "9"), ("S", "s", "over"), ("T", None, None)]
    assert "UNDECLARED" not in st.env_end


def test_arg_without_value_leaves_from_unresolved():
    df = B("ARG REG\nARG TAG\nFROM ${REG}/app:${TAG:-latest} AS app\nFROM app\n")
    app, nxt = df.stages
    assert app.base.kind == "unresolved"
    assert app.base.text is None
    assert app.base.unresolved == ("REG",)
    assert sl(df, app.base.span) == "${REG}/app:${TAG:-latest}"
    assert app.base.image is None
    # a stage built on it is still a stage base
    assert (nxt.base.kind, nxt.base.stage) == ("stage", 0)
    assert df.graph.root_base(1) is app.base


def test_default_in_from_resolves():
    df = B("ARG IMG\nFROM ${IMG:-busybox}:${TAG:-1.36}\n")
    base = df.stages[0].base
    assert (base.kind, base.text) == ("image", "busybox:1.36")
    assert (base.image.path, base.image.tag) == ("library/busybox", "1.36")


def test_arg_between_stages_belongs_to_the_previous_stage():
    df = B("FROM a AS one\nARG BETWEEN=b\nFROM c AS two\nRUN echo $BETWEEN\n")
    assert df.global_args == []
    one, two = df.stages
    assert args_of(one) == [("BETWEEN", "b", "b")]
    assert args_of(two) == []
    assert dict(two.env_end) == {}
    assert df.stage_of(df.instructions[1]) is one


def test_env_expands_against_the_environment_before_the_instruction():
    df = B("FROM a\nENV a=0\nENV a=1 b=$a\nARG c=1 d=$c\n")
    st = df.stages[0]
    assert dict(st.env_end) == {"a": "1", "b": "0", "c": "1", "d": "1"}
    assert st.env_end.kinds == {"a": "env", "b": "env", "c": "arg", "d": "arg"}
    # one Env per instruction, as it was before that instruction
    assert [dict(e) for e in st.envs] == [{}, {"a": "0"}, {"a": "1", "b": "0"}]


def test_env_values_are_unquoted():
    df = B('FROM a\nENV A="x y" B=\'$A\' C=${A}z\nENV LEGACY some value D=${A}z\n')
    # C does not see the A set by the same instruction: unresolved
    assert dict(df.stages[0].env_end) == {"A": "x y", "B": "$A", "C": None,
                                          "LEGACY": "some value D=x yz"}


def test_stage_inherits_arg_and_env_through_from_stage():
    df = B("ARG G=g\nFROM a AS base\nARG G\nENV E=1\nARG A=2\n"
           "FROM base AS child\nRUN x\nFROM a AS fresh\n")
    base, child, fresh = df.stages
    assert (child.base.kind, child.base.stage) == ("stage", 0)
    assert dict(child.envs[0]) == {"G": "g", "E": "1", "A": "2"}
    assert child.env_end.kinds == {"G": "arg", "E": "env", "A": "arg"}
    assert dict(fresh.env_end) == {}


# ============================================================================= stage names

def test_stage_names_are_lower_cased_and_matched_case_insensitively():
    df = B("FROM a AS Build\nFROM BUILD AS Final\nCOPY --from=bUiLd /x /x\n")
    build_stage, final = df.stages
    assert build_stage.name == "build"
    assert sl(df, build_stage.name_word.span) == "Build"
    assert (final.base.kind, final.base.stage, final.base.raw) == ("stage", 0, "BUILD")
    assert df.graph.stage_named("BUILD") is build_stage
    assert df.graph.stage_named("nope") is None
    assert [(e.kind, e.source, e.target, e.ref) for e in df.graph.edges] == [
        ("base", 1, 0, "BUILD"), ("copy", 1, 0, "bUiLd")]
    assert build_stage.label == "build"
    assert B("FROM a\nFROM b\n").stages[1].label == "#1"


def test_from_an_earlier_stage_is_a_stage_from_a_later_name_is_an_image():
    df = B("FROM later AS first\nFROM scratch AS later\nFROM SCRATCH\n")
    first, later, last = df.stages
    assert first.base.kind == "image"
    assert (first.base.image.registry, first.base.image.path) == ("docker.io", "library/later")
    assert later.base.kind == "scratch"
    assert last.base.kind == "scratch"


def test_from_its_own_name_is_an_image():
    df = B("FROM node AS node\nFROM node\n")
    assert df.stages[0].base.kind == "image"
    assert (df.stages[1].base.kind, df.stages[1].base.stage) == ("stage", 0)


def test_platform_is_expanded_with_global_args():
    df = B("ARG P=linux/arm64\nFROM --platform=$P a\nFROM --platform=$BUILDPLATFORM b\n")
    one, two = df.stages
    assert one.platform == "linux/arm64"
    assert sl(df, one.platform_flag.span) == "--platform=$P"
    assert two.platform is None                      # depends on the build


# ==================================================================================== edges

COPIES = """\
ARG SRC_DEFAULT=build
FROM golang AS build
FROM alpine AS tools
FROM build AS test
FROM scratch AS final
ARG SRC=tools
COPY --from=build /a /a
COPY --from=1 /b /b
COPY --from=9 /c /c
COPY --from=nginx:1.2 /d /d
COPY --from=$SRC /e /e
COPY --from=$NOPE /f /f
COPY --from=$SRC_DEFAULT /g /g
RUN --mount=type=cache,from=test,target=/x --mount=type=bind,source=/s,from=tools,target=/y \\
    --mount=type=secret,id=x --mount=type=cache,target=/z --mount=from=ghcr.io/o/i:2,target=/w x
ONBUILD COPY --from=tools /h /h
"""


def test_copy_and_mount_edges():
    df = B(COPIES)
    got = [(e.kind, e.source, e.ref, e.target, e.image and str(e.image), e.resolved,
            e.unresolved, e.instruction.line) for e in df.graph.edges]
    assert got == [
        ("base", 2, "build", 0, None, True, (), 4),
        ("copy", 3, "build", 0, None, True, (), 7),
        ("copy", 3, "1", 1, None, True, (), 8),
        ("copy", 3, "9", None, None, True, (), 9),             # out of range: neither
        ("copy", 3, "nginx:1.2", None, "nginx:1.2", True, (), 10),
        ("copy", 3, "tools", 1, None, True, (), 11),           # through the stage's ARG
        ("copy", 3, "$NOPE", None, None, False, ("NOPE",), 12),
        ("copy", 3, "$SRC_DEFAULT", None, None, False, ("SRC_DEFAULT",), 13),  # global only
        ("mount", 3, "test", 2, None, True, (), 14),
        ("mount", 3, "tools", 1, None, True, (), 14),
        ("mount", 3, "ghcr.io/o/i:2", None, "ghcr.io/o/i:2", True, (), 14),
    ]
    copy_edges = [e for e in df.graph.edges if e.kind == "copy"]
    assert sl(df, copy_edges[0].span) == "--from=build"
    img = copy_edges[3].image
    assert (img.registry, img.path, img.tag, img.explicit_registry) == (
        "docker.io", "library/nginx", "1.2", False)
    mount = [e for e in df.graph.edges if e.kind == "mount"]
    assert sl(df, mount[1].span) == "--mount=type=bind,source=/s,from=tools,target=/y"
    assert mount[2].image.registry == "ghcr.io"


def test_copy_from_a_later_stage_points_at_it():
    df = B("FROM a AS one\nCOPY --from=two /x /x\nFROM b AS two\n")
    assert [(e.kind, e.source, e.target) for e in df.graph.edges] == [("copy", 0, 1)]


# =================================================================== target, reachability

GRAPH = """\
FROM alpine AS base
FROM base AS deps
FROM golang AS build
COPY --from=deps /d /d
FROM alpine AS unused
FROM scratch AS tool
FROM base AS final
COPY --from=build /app /app
RUN --mount=type=bind,from=tool,target=/t true
"""


def test_target_is_the_last_stage_and_reachability_follows_all_edges():
    df = B(GRAPH)
    g = df.graph
    assert g.target == 5
    assert df.target is df.stages[5]
    assert df.target_error is None
    assert g.reachable() == {5, 0, 2, 1, 4}
    assert 3 not in g.reachable()                  # "unused"
    assert g.reachable(2) == {2, 1, 0}
    assert g.reachable(3) == {3}
    assert g.deps(5) == [0, 2, 4]
    assert g.deps(2) == [1]
    assert g.dependents(0) == [1, 5]
    assert g.dependents(3) == []
    assert [e.kind for e in g.edges_from(5)] == ["base", "copy", "mount"]


def test_chain_and_root_base():
    df = B(GRAPH)
    g = df.graph
    assert [s.index for s in g.chain()] == [5, 0]
    assert [s.index for s in g.chain(1)] == [1, 0]
    assert g.root_base().kind == "image"
    assert g.root_base().text == "alpine"
    assert g.root_base(4).kind == "scratch"


def test_target_by_name_case_insensitive():
    df = B(GRAPH, target="BUILD")
    assert df.graph.target == 2
    assert df.target.name == "build"
    assert df.graph.reachable() == {2, 1, 0}
    assert [s.index for s in df.graph.chain()] == [2]


def test_unknown_target():
    df = B(GRAPH, target="nope")
    assert df.graph.target is None
    assert df.target is None
    assert df.target_error == ("target stage 'nope' not found (stages: base, deps, build, "
                               "unused, tool, final)")
    assert df.graph.reachable() == set()
    assert df.graph.chain() == []
    assert df.graph.root_base() is None


def test_no_stages():
    df = B("ARG A=1\n")
    assert df.stages == [] and df.graph.target is None and df.target is None
    assert [a.name for a in df.global_args] == ["A"]


def test_stage_contents():
    df = B("ARG G\nFROM a AS s\nRUN x\nBOGUS y\nCOPY a b\nFROM b\n")
    s = df.stages[0]
    assert [i.keyword for i in s.instructions] == ["RUN", "COPY"]   # unknown ones left out
    assert s.from_.line == 2
    assert [i.keyword for i in s.of_kind("COPY")] == ["COPY"]
    assert df.stage_of(df.instructions[0]) is None                # a global ARG
    assert df.stage_of(df.instructions[2]) is s
    assert df.stage_of(s.from_) is s


def test_empty_from_is_the_build_context():
    df = B("FROM a AS x\nCOPY --from= a b\nRUN --mount=type=bind,from=,target=/x y\nFROM b\n")
    assert df.graph.edges == []



# ===================================================================== references in detail

def test_edge_raw_value_span_and_relations():
    df = B("FROM a AS one\nARG S=two\nCOPY --from=$S /x /x\nCOPY --from=one /y /y\n"
           "COPY --from=5 /z /z\nRUN --mount=type=bind,from=one,target=/m true\n"
           "FROM b AS two\nCOPY --from=ONE /w /w\n")
    e_later, e_self, e_range, e_mount, e_back = [e for e in df.graph.edges if e.kind != "base"]
    assert (e_later.raw, e_later.ref, e_later.target) == ("$S", "two", 1)
    assert sl(df, e_later.value_span) == "$S"
    assert e_later.to_later and not e_later.to_self
    assert e_self.to_self and not e_self.to_later
    assert e_range.out_of_range and (e_range.target, e_range.image) == (None, None)
    assert sl(df, e_mount.value_span) == "one" and e_mount.to_self
    assert not any((e_back.to_self, e_back.to_later, e_back.out_of_range))
    assert df.graph.path(1, 0) == [e_back]
    assert df.graph.path(0, 1) == [e_later]
    assert df.graph.path(0, 0) == []


def test_quoted_flag_value_span_falls_back_to_the_whole_value():
    df = B('FROM a AS one\nFROM b\nCOPY --from="one" /x /x\n')
    (e,) = [e for e in df.graph.edges if e.kind == "copy"]
    assert e.target == 0
    assert sl(df, e.value_span) == '"one"'


def test_mount_fields_with_offsets():
    df = B('FROM a\nRUN --mount=type=cache,Target=/a,,from=x,ro true\n')
    flag = df.stages[0].instructions[0].flags[0]
    fields = mount_fields(flag)
    assert [(k, v) for k, v, _ in fields] == [("type", "cache"), ("target", "/a"),
                                              ("from", "x"), ("ro", "true")]
    assert [flag.value[at:at + len(v)] for k, v, at in fields if at >= 0] == [
        "cache", "/a", "x"]
    assert fields[-1][2] == -1


def test_onbuild_trigger_of_a_base_stage_runs_in_the_child():
    df = B("FROM a AS assets\nFROM b AS web\nONBUILD COPY --from=assets /d /d\n"
           "ONBUILD ARG FROM_TRIGGER=1\nFROM web\nRUN echo $FROM_TRIGGER\nFROM c AS unused\n"
           "ONBUILD COPY --from=assets /e /e\n")
    onb = [e for e in df.graph.edges if e.onbuild]
    assert [(e.source, e.target, e.instruction.keyword) for e in onb] == [(2, 0, "ONBUILD")]
    assert df.stages[2].envs[0] == {"FROM_TRIGGER": "1"}
    assert df.graph.reachable(2) == {2, 1, 0}


def test_candidates_of_references_with_variables():
    text = ("ARG MODE=false\nFROM a AS build-false\nFROM a AS build-true\nFROM a AS other\n"
            "FROM build-${MODE} AS picked\nFROM a AS tool-1\nFROM a AS tool-2\n"
            "FROM scratch\nARG TOOL\nCOPY --from=tool-${TOOL} /t /t\nCOPY --from=picked /p /p\n")
    df = B(text)
    picked = df.stages[3]
    assert (picked.base.kind, picked.base.stage, picked.base.candidates) == ("stage", 0, (0, 1))
    (unres,) = [e for e in df.graph.edges if not e.resolved]
    assert unres.candidates == (4, 5)
    assert df.graph.reachable() == {6, 3, 0}
    assert df.graph.reachable(possibly=True) == {6, 3, 0, 1, 4, 5}
    # a value docklint was given cannot change
    fixed = B(text, build_args={"MODE": "true"})
    assert fixed.stages[3].base.candidates == (1,)


def test_unresolved_from_may_name_earlier_stages_only():
    df = B("FROM a AS base-amd64\nFROM a AS base-arm64\nFROM base-${TARGETARCH}\n"
           "FROM a AS base-later\n")
    assert df.stages[2].base.kind == "unresolved"
    assert df.stages[2].base.candidates == (0, 1)


def test_is_empty():
    df = B("FROM scratch AS e\nLABEL a=b\nFROM e AS e2\nENV X=1\nFROM scratch AS w\nWORKDIR /x\n"
           "FROM scratch AS t\nONBUILD COPY a /a\nFROM t AS fromt\nFROM alpine AS img\n"
           "FROM scratch AS late\nENV A=1\nCOPY x /x\n")
    g = df.graph
    assert [g.is_empty(i) for i in range(len(df.stages))] == [
        True, True, False, True, False, False, False]
    late = df.stages[6]
    assert g.is_empty(6, before=late.instructions[1])
    assert not g.is_empty(6, before=None)


def test_closest():
    assert closest("bulider", ["builder", "build", "base"]) == "builder"
    assert closest("BUILDER", ["builder"]) == "builder"
    assert closest("app", ["api", "web"]) == "api"
    assert closest("GOPATH", ["PATH"]) is None
    assert closest("NODE_VERSON", ["NODE_VERSION", "NODE_ENV"]) == "NODE_VERSION"
    assert closest("x", ["x"]) is None


# ========================================================================== variable uses

def uses(df, ins):
    return [(u.name, sl(df, u.span), u.expander, u.part, u.defined, u.how)
            for u in df.var_uses(ins)]


VARS = """\
ARG G=1
ARG TAG
FROM alpine:${TAG:-x}$NOPE AS a
ARG L=2 M=$L
ENV E=$G A=1 B=$A
COPY --chown=$U:$E ${L}/x $G/y
COPY <<EOF /f
'$H' \\$no
EOF
RUN --mount=type=cache,target=/c/$L,from=$X echo $G $E $L $TARGETARCH $HOME $http_proxy $Q; Q=1
CMD echo $L $E $PATH
EXPOSE $G $P
FROM golang:1.22
WORKDIR $GOPATH/src
"""


def test_var_uses_classify_every_reference():
    df = B(VARS)
    a, go = df.stages
    assert uses(df, a.from_) == [("TAG", "${TAG:-x}", "builder", "image", True, "arg"),
                                 ("NOPE", "$NOPE", "builder", "image", False, "unknown")]
    arg, env, copy, heredoc, run, cmd, expose = a.instructions
    assert uses(df, arg) == [("L", "$L", "builder", "default", True, "arg")]
    assert uses(df, env) == [("G", "$G", "builder", "value", False, "global-arg"),
                             ("A", "$A", "builder", "value", False, "same-instruction")]
    assert df.var_uses(env)[0].decl is df.global_args[0]
    assert uses(df, copy) == [("U", "$U", "builder", "--chown", False, "unknown"),
                              ("E", "$E", "builder", "--chown", True, "env"),
                              ("L", "${L}", "builder", "source", True, "arg"),
                              ("G", "$G", "builder", "destination", False, "global-arg")]
    assert uses(df, heredoc) == [("H", "$H", "builder", "heredoc", False, "unknown")]
    assert uses(df, run) == [
        ("L", "$L", "builder", "mount", True, "arg"),
        ("G", "$G", "shell", "command", False, "global-arg"),
        ("E", "$E", "shell", "command", True, "env"),
        ("L", "$L", "shell", "command", True, "arg"),
        ("TARGETARCH", "$TARGETARCH", "shell", "command", False, "automatic-arg"),
        ("HOME", "$HOME", "shell", "command", True, "shell"),
        ("http_proxy", "$http_proxy", "shell", "command", True, "proxy"),
        ("Q", "$Q", "shell", "command", True, "script")]
    assert uses(df, cmd) == [("L", "$L", "shell", "command", False, "build-only"),
                             ("E", "$E", "shell", "command", True, "env"),
                             ("PATH", "$PATH", "shell", "command", True, "image")]
    assert [u[5] for u in uses(df, expose)] == ["global-arg", "unknown"]
    assert uses(df, go.instructions[0]) == [
        ("GOPATH", "$GOPATH", "builder", "argument", True, "image")]
    assert df.var_uses(df.instructions[0]) == []         # a global ARG


def test_var_uses_in_json_words_and_sourced_scripts():
    df = B('ARG V=1\nFROM a\nCOPY ["$V/a", "/b"]\nRUN echo $V && . /etc/os-release && echo $V\n'
           "RUN ['sh', '-c', 'echo $V']\n")
    copy, run, not_json = df.stages[0].instructions
    assert uses(df, copy) == [("V", "$V", "builder", "source", False, "global-arg")]
    assert [u[5] for u in uses(df, run)] == ["global-arg", "sourced"]
    # single quotes are not JSON: a shell command, whose '...' the shell does not expand
    assert uses(df, not_json) == []


def test_image_env_and_default_global_env():
    df = B("ARG T\nARG I=alp${T}ine\nFROM golang:1.22 AS a\nFROM mirror.gcr.io/library/node:22\n"
           "FROM scratch\nFROM example.com/own/base\nFROM a\nFROM $I:$T\n",
           build_args={"T": "3"})
    envs = [df.image_env(i) for i in range(len(df.stages))]
    assert "GOPATH" in envs[0] and "PATH" in envs[0]
    assert "NODE_VERSION" in envs[1]
    assert envs[2] == {"PATH"}
    assert envs[3] is None
    assert envs[4] == envs[0]                             # through FROM a
    defaults = df.default_global_env
    assert (defaults["T"], defaults["I"], defaults["TARGETARCH"]) == (None, "alpine", "amd64")
    exp = df.base_from_defaults(df.stages[5])
    assert (exp.value, exp.text, exp.unresolved) == (None, "alpine:", ("T",))
    assert df.stages[5].base.text == "alp3ine:3"          # the build itself uses build args


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance, the textbook full table (the reference)."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_bounded_distance_agrees_with_the_full_table():
    """_distance stops early once the result must exceed its limit; below the limit it is
    exact, above it it says limit + 1."""
    import itertools
    import random

    from docklint.model import _distance
    rng = random.Random(7)
    words = ["", "a", "ab", "ba", "abc", "acb", "bca", "abcd", "abdc", "xbcd", "builder",
             "bulider", "NODE_VERSION", "NODE_VERSON", "PATH", "GOPATH"]
    words += ["".join(rng.choice("abc") for _ in range(rng.randint(0, 7))) for _ in range(60)]
    for a, b in itertools.product(words, repeat=2):
        full = _osa(a, b)
        for limit in (0, 1, 2):
            got = _distance(a, b, limit)
            assert got == (full if full <= limit else limit + 1), (a, b, limit)
