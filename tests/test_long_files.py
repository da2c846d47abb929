"""Questions the rules ask before nearly every instruction (which copy may put a file at a path,
the working directory, the WORKDIR in effect, a name like this one) are answered from tables
worked out once per file, not by a walk over every instruction each time: a file of thousands
of instructions stays linear. Each table gives the answers the walk gave (checked against a
plain walk on generated Dockerfiles), and the work is counted, never timed."""

from __future__ import annotations

import posixpath
import random

from docklint.checks import workdir_before
from docklint.engine import Settings, lint_bytes
from docklint.facts import facts_of
from docklint.facts import files
from docklint.facts._core import _norm
from docklint.model import build
from docklint.source import Source

_SOURCES = ["app", "app/", "main.go", "bin/tool", "*.txt", ".", "conf/nginx.conf", "$UNSET/x",
            "rootfs/", "out.tar.gz", "<<EOF"]
_DESTS = ["/", "/app/", "/app", "/usr/local/bin/", "/usr/local/bin/tool", "/etc/passwd", "rel/",
          "rel", "$UNSET", "/srv/./www/", "/etc/", "/bin/sh", "./"]
_WORKDIRS = ["/app", "sub", "/srv/www", "$UNSET", "../up", "/"]


def _random_dockerfile(rng: random.Random) -> str:
    lines = []
    for stage in range(rng.randint(1, 3)):
        base = f"s{rng.randrange(stage)}" if stage and rng.random() < 0.6 else \
            rng.choice(["alpine:3.20", "scratch", "debian:12"])
        lines.append(f"FROM {base} AS s{stage}")
        for _ in range(rng.randint(1, 14)):
            kind = rng.random()
            if kind < 0.45:
                src = rng.choice(_SOURCES)
                origin = f"--from=s{rng.randrange(stage)} " if stage and rng.random() < 0.3 \
                    else ""
                keyword = rng.choice(["COPY", "COPY", "ADD"])
                if src == "<<EOF":
                    lines += [f"{keyword} <<EOF {rng.choice(_DESTS)}", "x", "EOF"]
                else:
                    lines.append(f"{keyword} {origin}{src} {rng.choice(_DESTS)}")
            elif kind < 0.7:
                lines.append(f"WORKDIR {rng.choice(_WORKDIRS)}")
            elif kind < 0.75:
                lines.append("ONBUILD WORKDIR /trigger")
            elif kind < 0.8:
                lines.append(f"ONBUILD COPY {rng.choice(_SOURCES[:4])} {rng.choice(_DESTS)}")
            else:
                lines.append(rng.choice(["RUN echo hi", "ENV UNSET=/set", "USER app",
                                         "RUN make install", "RUN echo x > /etc/f",
                                         'RUN ["/bin/busybox", "--install", "-s"]',
                                         "RUN useradd app", "RUN mkdir -p /x"]))
    return "\n".join(lines) + "\n"


def _paths(placed) -> set[str]:
    out = {"/bin/sh", "/etc/passwd", "/", "/app", "rel/x", "/app/main.go"}
    for p in placed:
        for path in (p.dest, p.landing):
            if path:
                out |= {path, _norm(path), posixpath.dirname(path), path.rstrip("/") + "/x"}
    return out


def test_provider_answers_as_a_scan_of_every_copy() -> None:
    rng = random.Random(20261207)
    asked = 0
    for _ in range(150):
        df = build(Source(_random_dockerfile(rng), "Dockerfile"))
        facts = facts_of(df)
        for stage in df.stages:
            placed = facts.placed(stage.index)
            befores = [None, *[i for st in df.graph.chain(stage.index)
                               for i in st.instructions]]
            for path in sorted(_paths(placed)):
                for before in befores:
                    want = next((p for p in reversed(placed)
                                 if (before is None or p.instruction.index < before.index)
                                 and p.may_provide(_norm(path),
                                                   files._is_file_output(facts, p))), None)
                    assert facts.provider(stage.index, path, before) is want, \
                        (df.source.text, stage.index, path, before)
                    asked += 1
    assert asked > 10_000


def _walked_writer(facts, index, before):
    for stage in facts.df.graph.chain(index):       # newest first
        for ins in reversed(stage.instructions):
            if before is not None and ins.index >= before.index:
                continue
            if ins.keyword != "RUN" or (not ins.args and not ins.heredocs):
                continue
            if ins.json or files._may_write(facts, ins):
                return ins
    return None


def test_users_and_writers_answer_as_a_walk() -> None:
    """Which RUN last may have written files docklint cannot place, and whether a command
    before an instruction changed the users: from per-stage tables, as a walk would say."""
    from docklint.facts.users import _base_users, passwd_users
    rng = random.Random(11)
    known = 0
    for _ in range(150):
        text = _random_dockerfile(rng).replace("FROM debian:12", "FROM scratch")
        df = build(Source(text, "Dockerfile"))
        facts = facts_of(df)
        for stage in df.stages:
            chain = df.graph.chain(stage.index)
            for before in [None, *[i for st in chain for i in st.instructions]]:
                assert facts.writer(stage.index, before) is \
                    _walked_writer(facts, stage.index, before)
                want = _base_users(facts.base_facts(stage.index))
                if facts.provider(stage.index, "/etc/passwd", before) or any(
                        (before is None or ins.index < before.index) and cmd.name in
                        ("useradd", "adduser", "groupadd", "addgroup", "usermod")
                        for st in chain for ins, _s, cmd in facts.commands(st)):
                    want = None
                assert passwd_users(facts, stage.index, before) == want, text
                known += want is not None
    assert known > 100


def test_working_directories_answer_as_a_walk() -> None:
    rng = random.Random(7)
    for _ in range(150):
        df = build(Source(_random_dockerfile(rng), "Dockerfile"))
        facts = facts_of(df)
        for stage in df.stages:
            chain = df.graph.chain(stage.index)
            for before in [None, *[i for st in chain for i in st.instructions]]:
                assert facts.workdir(stage, before) == _walked_workdir(df, chain, before)
                assert workdir_before(df, stage, before) is \
                    _walked_workdir_before(chain, before)


def _walked_workdir(df, chain, before) -> str:
    wd = "/"
    for st in reversed(chain):
        for ins in st.instructions:
            if ins is before:
                return wd
            if ins.keyword == "WORKDIR" and ins.args:
                v = df.expand(ins.args[0].value, st.env_before(ins)).value
                if v:
                    wd = _norm(posixpath.join(wd, v))
    return wd


def _walked_workdir_before(chain, before):
    for k, st in enumerate(chain):
        found = None
        for ins in st.instructions:
            if k == 0 and ins is before:
                break
            if ins.keyword == "WORKDIR":
                found = ins
            elif k > 0 and ins.keyword == "ONBUILD" and ins.sub is not None and \
                    ins.sub.keyword == "WORKDIR" and found is None:
                found = ins
        if found is not None:
            return found
    return None


def test_a_long_file_asks_of_each_copy_a_fixed_number_of_times(monkeypatch) -> None:
    """Thousands of COPY and RUN instructions: whether a copy's source is a single file is
    asked a fixed number of times per copy, however many RUNs ask whether a shell is there
    (four times the instructions: four times the questions; a scan per RUN made it sixteen)."""
    calls: list[int] = []
    real = files._is_file_output

    def counting(facts, p):
        calls.append(id(p))
        return real(facts, p)

    monkeypatch.setattr(files, "_is_file_output", counting)

    def asked(n: int) -> int:
        calls.clear()
        text = "FROM scratch\n" + "".join(f"WORKDIR /w{i}\nCOPY a{i} b/\nRUN make\n"
                                           for i in range(n))
        result = lint_bytes(text.encode(), "Dockerfile",
                            Settings(select=["ALL"], ignore=["DK440"]))
        assert result.error is None and not result.internal
        return len(calls)
    small, large = asked(300), asked(1200)
    assert small >= 300 and large == 4 * small


def test_did_you_mean_has_a_budget() -> None:
    """A file with thousands of variables and near misses: the suggestions stop when the
    file's budget of comparisons is spent; the findings themselves do not (a known base)."""
    n = 400
    text = ("FROM alpine:3.20\n" + "".join(f"ENV NAME_{i}=x\n" for i in range(n))
            + "".join(f"LABEL l{i}=$NAME_{i}x\n" for i in range(n)))
    result = lint_bytes(text.encode(), "Dockerfile", Settings(select=["DK209"]))
    messages = [f.message for f in result.findings]
    assert len(messages) == n
    hinted = [m for m in messages if "did you mean" in m]
    assert hinted and hinted == [m for m in messages[:len(hinted)]]
    assert len(hinted) < n
    small = lint_bytes(b"FROM alpine:3.20\nENV NAME_1=x\nLABEL a=$NAME_1x\n", "Dockerfile",
                       Settings(select=["DK209"]))
    assert "(did you mean `$NAME_1`?)" in small.findings[0].message


def _walked_later_ok(df, use, apt) -> bool:
    """DK402's question as a walk over every command (what _Later answers from its tables)."""
    from docklint.rules.dk402_apt_lists_not_cleaned import _reads_lists
    if use.onbuild:
        return any(o.script is use.script and o.command.start > use.command.start and
                   _reads_lists(o) for o in apt)
    here = use.stage.index
    stages = {here} | {s.index for s in df.stages
                       if any(c.index == here for c in df.graph.chain(s.index)[1:])}
    updated: dict[int, int] = {}
    for other in apt:
        if other.pc.action == "update":
            key = id(other.script)
            updated[key] = min(updated.get(key, other.command.start), other.command.start)
    for stage in df.stages:
        if stage.index not in stages:
            continue
        for ins, script, cmd in facts_of(df).commands(stage, onbuild=True):
            if stage is use.stage and ins.index <= use.instruction.index:
                continue
            if cmd.name == "apt-cache" and id(script) not in updated:
                return False
    for other in apt:
        if other.stage.index not in stages or other.script is use.script or \
                (other.stage is use.stage and other.instruction.index < use.instruction.index):
            continue
        if _reads_lists(other) and updated.get(id(other.script), other.command.start) >= \
                other.command.start:
            return False
    return True


def test_dk402_asks_of_later_commands_what_a_walk_would() -> None:
    from docklint.packages import uses
    from docklint.rules.dk402_apt_lists_not_cleaned import _Later
    steps = ["apt-get update", "apt-get install -y curl", "apt-cache policy curl",
             "apt-get update && apt-get install -y git", "apt-get install -y x && apt-get update",
             "echo hi", "apt-get -s install y", "rm -rf /var/lib/apt/lists/*"]
    rng = random.Random(402)
    compared = 0
    for _ in range(200):
        lines = []
        for stage in range(rng.randint(1, 3)):
            base = f"s{rng.randrange(stage)}" if stage and rng.random() < 0.6 else "debian:12"
            lines.append(f"FROM {base} AS s{stage}")
            for _ in range(rng.randint(1, 8)):
                run = " && ".join(rng.sample(steps, rng.randint(1, 3)))
                lines.append(("ONBUILD RUN " if rng.random() < 0.15 else "RUN ") + run)
        df = build(Source("\n".join(lines) + "\n", "Dockerfile"))
        apt = list(uses(df, "apt"))
        later = _Later(df, apt)
        for use in apt:
            assert later.ok(use) is _walked_later_ok(df, use, apt), (df.source.text, use)
            compared += 1
    assert compared > 1000


def _walked_matching(active, rule, sub, span) -> list:
    """Which pragmas silence a finding, asked of every pragma naming the code (what
    Active.matching answers from its per-scope tables)."""
    from docklint.suppress import _HADOLINT_REPORTED_LATER
    hits = []
    dispatch = active._dispatched_at(rule, span)
    for key in ((rule.code, sub) if sub else (rule.code,)):
        for p, k in active._by_code.get(key, ()):
            if p.scope in ("global", "file"):
                ok = True
            elif p.scope == "instruction":
                ok = dispatch is p.instruction
            else:
                ok = p.covers is not None and p.covers.start <= span.start <= p.covers.end
                if not ok and p.covers is not None and p.form == "hadolint" and \
                        any(a in _HADOLINT_REPORTED_LATER for a in rule.aliases):
                    ok = dispatch is not None and \
                        p.covers.start <= dispatch.span.start <= p.covers.end
            if ok:
                hits.append((p, k))
    return hits


def test_pragmas_silence_what_asking_each_of_them_would() -> None:
    from docklint.registry import get
    from docklint.source import Span
    from docklint.suppress import suppressions
    comments = ["# docklint ignore=DK401", "# hadolint ignore=DL3008,DL4003",
                "# docklint stage ignore=DK401,DK202", "# docklint global ignore=DK202",
                "# check=skip=MultipleInstructionsDisallowed", "# hadolint ignore=DL4003",
                "# docklint ignore=SC2086"]
    instructions = ["RUN apt-get install -y curl", "CMD [\"a\"]", "CMD b", "ENTRYPOINT x",
                    "RUN echo $X", "FROM alpine:3.20 AS s{n}", "USER app"]
    rules = [get(code) for code in ("DK401", "DK202", "DK440")]
    rules += [r for r in (get(a) for a in ("DL4003",)) if r is not None]
    rng = random.Random(27)
    compared = silenced = 0
    for n in range(150):
        lines = ["# check=skip=JSONArgsRecommended"] if rng.random() < 0.3 else []
        lines.append("FROM debian:12 AS base")
        for _ in range(rng.randint(2, 25)):
            if rng.random() < 0.4:
                lines.append(rng.choice(comments))
            lines.append(rng.choice(instructions).format(n=len(lines)))
        text = "\n".join(lines) + "\n"
        df = build(Source(text, "Dockerfile"))
        active = suppressions(df).active()
        for point in range(0, len(text), 3):
            span = Span(point, point + 1)
            for rule in rules:
                for sub in (("", "SC2086") if rule.code == "DK440" else ("",)):
                    want = _walked_matching(active, rule, sub, span)
                    assert active.matching(rule, sub, span) == want, (text, point, rule.code)
                    compared += 1
                    silenced += bool(want)
    assert compared > 10_000 and silenced > 1_000


def test_stage_names_a_pattern_may_begin_with_are_all_offered() -> None:
    """FROM and --from patterns (``build-$MODE``) are tried only against the stage names that
    may begin with their literal start: every name the pattern's regex could match is
    offered, case folding included (``ſ`` matches ``s``, the Kelvin sign ``k``)."""
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from docklint.model import _SortedNames
    alphabet = st.sampled_from(list("abk-s.1") + ["ſ", "\u212a", "B", "S"])
    words = st.text(alphabet, min_size=0, max_size=5)

    @settings(max_examples=400, deadline=None)
    @given(st.lists(words.map(str.lower), max_size=12, unique=True), words)
    def check(names, start):
        index = _SortedNames()
        for i, name in enumerate(names):
            index.add(name, i)
        offered = set(index.starting(start))
        for i, name in enumerate(names):
            if re.match(re.escape(start), name, re.I | re.S):
                assert (name, i) in offered, (names, start)
    check()


def test_many_from_lines_with_a_variable_try_few_stage_names() -> None:
    """``FROM image:$TAG`` cannot name a stage (a stage name has no ``:``), and ``FROM
    build-$MODE`` can only name the stages whose names begin ``build-``."""
    from docklint.model import build
    text = ("ARG MODE\nFROM alpine:3.20 AS build-dev\nFROM alpine:3.20 AS build-prod\n"
            "FROM alpine:3.20 AS other\n" + "".join(f"FROM alpine:$V{i} AS s{i}\n"
                                                    for i in range(50))
            + "FROM build-$MODE AS final\nFROM $MODE AS any\n")
    df = build(Source(text, "Dockerfile"))
    by_name = {s.name: s for s in df.stages}
    assert all(by_name[f"s{i}"].base.candidates == () for i in range(50))
    assert by_name["final"].base.candidates == (0, 1)
    assert len(by_name["any"].base.candidates) == 54        # anything: every earlier stage


def test_dk431_finds_each_scripts_opening_command_once(monkeypatch) -> None:
    """A RUN of thousands of ``cd`` commands: which command opens the script is worked out
    once, not once per ``cd`` (each a sort of every command)."""
    from docklint.rules import dk431_cd_instead_of_workdir as dk431
    calls: list[int] = []
    real = dk431._opening
    monkeypatch.setattr(dk431, "_opening", lambda script: calls.append(1) or real(script))
    text = "FROM debian:12\nRUN cd /app; " + "; ".join(f"cd /d{i}" for i in range(2000)) + \
        "\nRUN cd /app && make\n"
    result = lint_bytes(text.encode(), "Dockerfile", Settings(select=["DK431"]))
    [finding] = result.findings
    assert finding.line == 2 and [r[0] for r in finding.related_positions] == [3]
    assert len(calls) == 2


def test_dk408_reports_what_asking_every_apk_command_would() -> None:
    """DK408 skips an ``apk update`` followed in its script by a caching ``apk add``: from a
    table of where each script's last one starts, the same findings as asking every
    command."""
    from docklint.packages import leaves_cache, uses
    from docklint.rules.dk408_apk_cache_not_disabled import _caches
    steps = ["apk update", "apk add curl", "apk add --no-cache git", "apk upgrade",
             "apk add -s x", "rm -rf /var/cache/apk/*", "echo hi"]
    rng = random.Random(408)
    compared = 0
    for _ in range(200):
        lines = ["FROM alpine:3.20"]
        for _ in range(rng.randint(1, 6)):
            lines.append("RUN " + " && ".join(rng.choice(steps)
                                              for _ in range(rng.randint(1, 4))))
        text = "\n".join(lines) + "\n"
        df = build(Source(text, "Dockerfile"))
        apk = [u for u in uses(df, "apk") if u.pc.action in ("add", "upgrade", "update")]
        want = []
        for use in apk:
            if not leaves_cache(df, use, "apk"):
                continue
            if use.pc.action == "update":
                if not any(other.script is use.script and
                           other.command.start > use.command.start and _caches(other)
                           for other in apk):
                    want.append(use.span())
            elif _caches(use):
                want.append(use.span())
        from docklint.registry import get
        got = list(get("DK408").check(df, {}))          # before the engine groups them
        assert sorted((s.start, s.end) for s in want) == \
            sorted((f.span.start, f.span.end) for f in got), text
        compared += len(want)
    assert compared > 200


def test_the_parents_of_each_landing_are_added_as_a_full_climb_would() -> None:
    """A copy's landing makes the directories above it known; a climb stops where an earlier
    one went, and the directories known are those a climb to the top each time gives."""
    rng = random.Random(5)
    for _ in range(300):
        dirs: set[str] = {"/", "/usr/bin"}
        climbed: set[str] = set()
        walked = set(dirs)
        for _ in range(rng.randint(1, 12)):
            path = rng.choice(["", "/", "rel/"]) + "/".join(
                rng.choice("abc") for _ in range(rng.randint(1, 6)))
            files._add_parents(dirs, climbed, path)
            parent = posixpath.dirname(path)
            while parent not in ("", "/", "."):
                walked.add(parent)
                parent = posixpath.dirname(parent)
            dirs.add(path)      # as a WORKDIR or a copy into a directory adds one
            walked.add(path)
            assert dirs == walked


def test_a_path_of_thousands_of_directories_is_unknown() -> None:
    """Each program a RUN names is looked for in each PATH directory: a file that appends to
    PATH thousands of times gets an unknown PATH (nothing concluded), not a quadratic lint."""
    from docklint.facts.builds import MAX_PATH_DIRS

    def path_of(n: int):
        text = "FROM alpine:3.20\n" + "".join(f"ENV PATH=$PATH:/x{i}\n" for i in range(n))
        df = build(Source(text, "Dockerfile"))
        return facts_of(df).search_path(0)
    few = path_of(3)
    assert few is not None and few[-3:] == ["/x0", "/x1", "/x2"]
    assert len(path_of(MAX_PATH_DIRS - 10)) == MAX_PATH_DIRS - 10 + len(few) - 3
    assert path_of(MAX_PATH_DIRS + 1) is None


def _walked_build_for(facts, index, path):
    """Which build wrote a file, asking every build of the chain (what build_for answers from
    its per-stage table)."""
    from docklint.facts.builds import _CARGO_OUT
    path = _norm(path)
    builds = facts.builds(index)
    if path in facts.outputs(index) and not any(b.output == path for b in builds):
        return None
    m = _CARGO_OUT.search(path)
    in_path = m.group(1) if m and m.group(1) not in ("release", "debug") else None
    for b in reversed(builds):
        if b.output == path:
            return b
        if b.tool == "cargo" and "/target/" in path:
            if in_path is not None and b.target is not None and \
                    in_path not in b.target.split(", "):
                continue
            return b
        if b.tool == "go install" and b.output is None and \
                posixpath.dirname(path) in ("/go/bin", "/root/go/bin"):
            return b
        if b.output is None and b.tool in ("go",) and posixpath.dirname(path) == b.workdir:
            return b
    if len(builds) == 1 and builds[0].output is None and \
            builds[0].tool not in ("go install", "go"):
        return builds[0]
    return None


def test_build_for_answers_as_asking_every_build() -> None:
    runs = ["go build -o /out/app .", "go build -o /out/tool ./cmd/tool", "go build .",
            "go install example.com/x@v1", "cargo build --release",
            "cargo build --release --target x86_64-unknown-linux-musl",
            "cargo build --release --target aarch64-unknown-linux-gnu", "cp /a /out/app",
            "make", "gcc -o /usr/local/bin/c main.c"]
    paths = ["/out/app", "/out/tool", "/src/app", "/src/x", "/go/bin/x", "/root/go/bin/y",
             "/src/target/release/app", "/src/target/x86_64-unknown-linux-musl/release/app",
             "/src/target/aarch64-unknown-linux-gnu/release/app", "/usr/local/bin/c",
             "/elsewhere/app", "/app"]
    rng = random.Random(376)
    compared = found = 0
    for _ in range(200):
        lines = [rng.choice(["FROM golang:1.22 AS b", "FROM rust:1.80 AS b"])]
        for _ in range(rng.randint(1, 6)):
            lines.append(rng.choice([f"WORKDIR {rng.choice(['/src', '/app', 'sub'])}",
                                     f"RUN {rng.choice(runs)}"]))
        lines += ["FROM b AS c", f"RUN {rng.choice(runs)}"]
        df = build(Source("\n".join(lines) + "\n", "Dockerfile"))
        facts = facts_of(df)
        for stage in df.stages:
            for path in paths:
                want = _walked_build_for(facts, stage.index, path)
                assert facts.build_for(stage.index, path) is want, (df.source.text, path)
                compared += 1
                found += want is not None
    assert compared > 2000 and found > 500
