"""The ShellCheck pass on hostile input (issue 12, items 7 and 9): bounded memory and time, a
visible finding when a RUN could not be checked, and nothing left behind (temporary files, a
running ``shellcheck``) on any way out, signals included.

Most tests use a stand-in ``shellcheck`` (a Python script) whose behaviour they set; the one
marked ``needs_binary`` drives the real ShellCheck into its memory limit.
"""

from __future__ import annotations

import math
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from docklint import shellcheck
from docklint.engine import Settings, lint_text

pytestmark = pytest.mark.usefixtures("fresh_shellcheck_cache")

posix_only = pytest.mark.skipif(os.name == "nt", reason="resource limits, process groups and "
                                                        "signals are POSIX")
memory_files_only = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and hasattr(os, "memfd_create")),
    reason="memory files are Linux's memfd_create")
needs_binary = pytest.mark.skipif(shellcheck.binary() is None,
                                  reason="the shellcheck binary is not installed")


def write_fake(path: Path, body: str) -> Path:
    path.write_text(f"#!{sys.executable}\n{textwrap.dedent(body)}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def fake_binary(tmp_path, monkeypatch):
    def make(body: str) -> Path:
        exe = write_fake(tmp_path / "shellcheck", body)
        monkeypatch.setattr(shellcheck, "_binary", str(exe))
        monkeypatch.setattr(shellcheck, "_version", (0, 11))
        return exe
    return make


def lint(text: str):
    """(code, line, message) of every finding; a RUN ShellCheck could not check is a DK005
    finding, which the engine also lists as a failure (stderr, SARIF, exit status 2)."""
    result = lint_text(text, settings=Settings(select=["DK440", "SC2086"]))
    failed = [f for f in result.findings if f.code == "DK005"]
    assert [(x.code, x.line, x.message) for x in result.failed] == \
        [("DK440", f.line, f.message) for f in failed]
    return [(f.code, f.line, f.message) for f in result.findings]


def not_checked(line: int, reason: str) -> tuple:
    return ("DK005", line, f"rule DK440 (shellcheck) could not check this RUN: {reason}")


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def wait_for(predicate, limit: float = 30.0) -> bool:
    """Poll ``predicate`` until it holds or ``limit`` seconds pass (a bound on a wait, not a
    timing assertion)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def kill_quietly(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


RUNS = "FROM debian:12\nRUN echo $A\nRUN echo $B\n"


# ---------------------------------------------------------------- limits and what is reported

@posix_only
def test_the_child_runs_under_limits_in_its_own_group(fake_binary, tmp_path) -> None:
    """Address space, CPU time (a little over the timeout) and output size are limited in the
    child; it leads a process group of its own; the signals the parent holds back while it
    starts the processes are not blocked in the child."""
    record = tmp_path / "record"
    fake_binary(f"""
        import json, os, resource, signal
        with open({str(record)!r}, "w") as fh:
            json.dump({{"as": resource.getrlimit(resource.RLIMIT_AS),
                       "cpu": resource.getrlimit(resource.RLIMIT_CPU),
                       "fsize": resource.getrlimit(resource.RLIMIT_FSIZE),
                       "core": resource.getrlimit(resource.RLIMIT_CORE),
                       "leader": os.getpgid(0) == os.getpid(),
                       "blocked": sorted(int(s) for s in signal.pthread_sigmask(
                           signal.SIG_BLOCK, []))}}, fh)
        print('{{"comments": []}}')
    """)
    import json
    outcome = shellcheck.check([shellcheck.prepare("echo $a", "sh")], timeout=7.5)
    assert outcome.failed == {} and outcome.comments == []
    got = json.loads(record.read_text())
    cpu = math.ceil(7.5) + shellcheck.CPU_MARGIN
    # the soft limits hold from the exec on; the hard ones, where the process is started by
    # posix_spawn (Linux), are set just after it starts (see test_shellcheck.py's
    # test_the_spawn_start_gives_the_child_its_limits_and_this_process_keeps_its_own)
    import resource
    ours = {k: resource.getrlimit(w)[1] for k, w in (
        ("as", resource.RLIMIT_AS), ("cpu", resource.RLIMIT_CPU),
        ("fsize", resource.RLIMIT_FSIZE), ("core", resource.RLIMIT_CORE))}
    want = {"as": [shellcheck.MEMORY_LIMIT] * 2, "cpu": [cpu, cpu + shellcheck.CPU_MARGIN],
            "fsize": [shellcheck.OUTPUT_LIMIT + 1] * 2, "core": [0, 0]}
    for key, (soft, hard) in want.items():
        assert got[key][0] == soft and got[key][1] in (hard, ours[key]), key
    assert (got["leader"], got["blocked"]) == (True, [])


@posix_only
def test_out_of_memory_is_reported_at_the_run(fake_binary, monkeypatch) -> None:
    monkeypatch.setattr(shellcheck, "MEMORY_LIMIT", 256 << 20)
    fake_binary("""
        import json, sys
        files = [a for a in sys.argv[1:] if not a.startswith("-")]
        if any("$B" in open(f).read() for f in files):
            hog = bytearray(1 << 30)          # over the limit: MemoryError
        print(json.dumps({"comments": [{"file": f, "line": 3, "column": 6, "endLine": 3,
                                        "endColumn": 8, "level": "info", "code": 2086,
                                        "message": "m"} for f in files]}))
    """)
    # one RUN per ShellCheck process: the one that did not run out of memory is reported
    monkeypatch.setattr(shellcheck, "SPLIT_CHARS", 1)
    monkeypatch.setattr(shellcheck, "PARALLEL", 2)
    assert lint(RUNS) == [
        ("SC2086", 2, "ShellCheck SC2086: m (see https://www.shellcheck.net/wiki/SC2086)"),
        not_checked(3, "ShellCheck ran out of memory (over the 256 MiB limit)")]


@needs_binary
@posix_only
def test_the_real_shellcheck_stops_at_its_memory_limit(monkeypatch) -> None:
    """ShellCheck's runtime stops with "out of memory" under the address-space limit (the
    limit lowered so that a 1 MB script reaches it); a small script beside it, checked by
    another process, still gets its comments."""
    monkeypatch.setattr(shellcheck, "MEMORY_LIMIT", 150 << 20)
    monkeypatch.setattr(shellcheck, "PARALLEL", 2)
    big = 'echo $x $y "$(ls $z)"\n' * 40000
    outcome = shellcheck.check([shellcheck.prepare(big, "sh"),
                                shellcheck.prepare("echo $a", "sh")])
    assert outcome.failed == {0: "ShellCheck ran out of memory (over the 150 MiB limit)"}
    assert {(c.job, c.code) for c in outcome.comments} == {(1, "SC2154"), (1, "SC2086")}
    assert big not in "".join(shellcheck._CACHE)        # a failure is not remembered


@posix_only
def test_a_timeout_is_reported_and_the_whole_group_killed(fake_binary, tmp_path,
                                                          monkeypatch) -> None:
    """The stand-in starts a child of its own (as a wrapper script would) and hangs: after the
    timeout both are gone, and each RUN says it was not checked."""
    pids = tmp_path / "pids"
    fake_binary(f"""
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        with open({str(pids)!r}, "w") as fh:
            fh.write(f"{{os.getpid()}} {{child.pid}}")
        time.sleep(60)
    """)
    monkeypatch.setattr(shellcheck, "TIMEOUT", 1.0)
    try:
        assert lint(RUNS) == [
            not_checked(2, "ShellCheck ran out of time (stopped after 1 s) (and 1 other RUN of "
                           "this file checked with it)")]
        fake, child = map(int, pids.read_text().split())
        assert not alive(fake)
        # the grandchild was killed with the group; init reaps it
        assert wait_for(lambda: not alive(child)), "the ShellCheck process group outlived it"
    finally:
        if pids.exists():
            for pid in map(int, pids.read_text().split()):
                kill_quietly(pid)


@posix_only
@pytest.mark.parametrize("body, reason", [
    ("import os, signal; os.kill(os.getpid(), signal.SIGXCPU)",
     "ShellCheck ran out of time (over its CPU time limit)"),
    ("import os, signal; signal.signal(signal.SIGXFSZ, signal.SIG_DFL); "
     "os.kill(os.getpid(), signal.SIGXFSZ)", "ShellCheck's output is over the 64 MiB limit"),
    ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)",
     "ShellCheck was stopped by signal SIGSEGV"),
    ("import sys; sys.exit(3)", "ShellCheck failed (exit status 3)"),
    ("print('not json')", "ShellCheck's output is not the JSON it writes"),
    ("print('{\"comments\": 5}')", "ShellCheck's output is not the JSON it writes"),
    ("import sys; sys.stderr.write('shellcheck: out of memory\\n'); sys.exit(251)",
     "ShellCheck ran out of memory (over the 1 GiB limit)"),
])
def test_every_failure_is_reported(fake_binary, body, reason) -> None:
    fake_binary(body)
    assert lint("FROM debian:12\nRUN echo $A\n") == [not_checked(2, reason)]


def test_output_over_the_limit_is_not_read(fake_binary, monkeypatch) -> None:
    """The output goes to a file whose size is capped: docklint never reads more than
    OUTPUT_LIMIT bytes of it."""
    monkeypatch.setattr(shellcheck, "OUTPUT_LIMIT", 1000)
    fake_binary("""
        import sys
        sys.stdout.write('{"comments": [' + ",".join(["{}"] * 5000) + ']}')
    """)
    assert lint("FROM debian:12\nRUN echo $A\n") == [
        not_checked(2, "ShellCheck's output is over the 1000 bytes limit")]


def test_a_binary_that_cannot_run_is_reported(tmp_path, monkeypatch) -> None:
    exe = tmp_path / "shellcheck"
    exe.write_text("not a program")
    exe.chmod(0o644)
    monkeypatch.setattr(shellcheck, "_binary", str(exe))
    monkeypatch.setattr(shellcheck, "_version", (0, 11))
    assert lint("FROM debian:12\nRUN echo $A\n") == [
        not_checked(2, "ShellCheck could not be run (Permission denied)")]


def open_descriptors() -> set[int]:
    return {int(n) for n in os.listdir("/proc/self/fd")}


@memory_files_only
def test_memory_files_are_closed_every_time(fake_binary, tmp_path, monkeypatch) -> None:
    """Success, failure and timeout: a pass that kept the RUN text in memory files closes
    them all (nothing of it stays open in docklint), and writes nothing to TMPDIR."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    seen = tmp_path / "seen"
    for body in (f'import sys; open({str(seen)!r}, "w").write(" ".join(sys.argv[1:]))\n'
                 'print(\'{"comments": []}\')', "import sys; sys.exit(3)",
                 "import time; time.sleep(30)"):
        fake_binary(body)
        shellcheck.clear_cache()
        before = open_descriptors()
        shellcheck.check([shellcheck.prepare("echo $a", "sh"), shellcheck.prepare("echo b", "sh")],
                         timeout=1)
        assert open_descriptors() == before
        assert list(temp.iterdir()) == []
    assert seen.read_text().split()[-2].startswith("/dev/fd/")      # the control


def test_no_temporary_directory_is_left(fake_binary, tmp_path, monkeypatch) -> None:
    """Success, failure and timeout: the directory holding the RUN text goes every time."""
    monkeypatch.setattr(shellcheck, "MEMORY_FILES", 0)
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    for body in ('print(\'{"comments": []}\')', "import sys; sys.exit(3)",
                 "import time; time.sleep(30)"):
        fake_binary(body)
        shellcheck.clear_cache()
        shellcheck.check([shellcheck.prepare("echo $a", "sh")], timeout=1)
        assert list(temp.iterdir()) == []


# ---------------------------------------------------------------- signals during the pass

_DRIVER = """
import sys
from docklint import shellcheck
shellcheck._binary = sys.argv[1]
shellcheck._version = (0, 11)
shellcheck.MEMORY_FILES = int(sys.argv[3])     # 0: the RUN text goes to a directory
from docklint.cli import main
main(["--jobs", "1", "--no-color", "--select", "DK440", sys.argv[2]])
"""


@posix_only
@pytest.mark.parametrize("signo, status", [
    (signal.SIGTERM, -signal.SIGTERM),      # the default action: a shell sees 143
    (signal.SIGHUP, -signal.SIGHUP),        # 129
    (signal.SIGINT, 130),                   # KeyboardInterrupt: docklint exits 130
])
@pytest.mark.parametrize("memory", [0, 256], ids=["directory", "memory-files"])
def test_a_signal_during_the_pass_leaves_nothing_behind(tmp_path, signo, status, memory
                                                        ) -> None:
    """docklint is signalled while ShellCheck (a stand-in that hangs) runs: it ends with the
    conventional status, the temporary directory with the RUN text is gone (where the text
    is not in memory files) and so is the ShellCheck process."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    pid_file = tmp_path / "pid"
    fake = write_fake(tmp_path / "shellcheck", f"""
        import os, time
        with open({str(pid_file)!r}, "w") as fh:
            fh.write(str(os.getpid()))
        time.sleep(60)
    """)
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian:12\nRUN echo secret-run-text $A\n")
    env = {**os.environ, "TMPDIR": str(temp)}
    proc = subprocess.Popen([sys.executable, "-c", _DRIVER, str(fake), str(dockerfile),
                             str(memory)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    pid = None
    try:
        assert wait_for(lambda: pid_file.exists() and pid_file.read_text() != ""), \
            "the stand-in ShellCheck never started"
        pid = int(pid_file.read_text())
        if memory and sys.platform.startswith("linux") and hasattr(os, "memfd_create"):
            assert list(temp.iterdir()) == []
        else:
            assert [p.name for p in temp.iterdir()][0].startswith("docklint-sc-")  # the control
        proc.send_signal(signo)
        proc.communicate(timeout=30)
        assert proc.returncode == status
        assert list(temp.iterdir()) == []
        assert wait_for(lambda: not alive(pid), 10), "an orphaned shellcheck is still running"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        if pid is not None:
            kill_quietly(pid)


_PARALLEL_DRIVER = _DRIVER.replace('"--jobs", "1"', '"--jobs", "2"').replace(
    "sys.argv[2]]", "*sys.argv[3:]]").replace("int(sys.argv[3])", "int(sys.argv[2])")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="lists the workers with "
                                                                  "Linux's ps --ppid")
def test_sigterm_stops_the_worker_processes_and_their_shellcheck(tmp_path) -> None:
    """With --jobs, files are linted in worker processes: SIGTERM to docklint reaches them too,
    so that no worker and no ShellCheck outlives it and no temporary directory is left."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    pids = tmp_path / "pids"
    pids.mkdir()
    fake = write_fake(tmp_path / "shellcheck", f"""
        import os, time
        with open(os.path.join({str(pids)!r}, str(os.getpid())), "w") as fh:
            fh.write("x")
        time.sleep(60)
    """)
    files = []
    for i in range(8):                      # with --jobs 2, linted by two workers
        files.append(tmp_path / f"D{i}")
        files[-1].write_text(f"FROM debian:12\nRUN echo $A{i}\n")
    proc = subprocess.Popen([sys.executable, "-c", _PARALLEL_DRIVER, str(fake), "0",
                             *map(str, files)],
                            env={**os.environ, "TMPDIR": str(temp)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started: list[int] = []
    workers: list[str] = []
    try:
        assert wait_for(lambda: len(list(pids.iterdir())) >= 2), "two workers never started"
        started = [int(p.name) for p in pids.iterdir()]
        workers = subprocess.run(["ps", "-o", "pid=", "--ppid", str(proc.pid)],
                                 capture_output=True, text=True).stdout.split()
        assert len(workers) >= 2                                      # the control
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == -signal.SIGTERM
        assert wait_for(lambda: not any(alive(int(w)) for w in workers), 10), \
            "a worker process outlived docklint"
        assert wait_for(lambda: not any(alive(p) for p in started), 10), \
            "a ShellCheck process outlived docklint"
        assert list(temp.iterdir()) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in [*started, *map(int, workers)]:
            kill_quietly(pid)


@posix_only
def test_the_previous_handlers_are_back_after_the_pass(fake_binary) -> None:
    """The handlers are the pass's only: before and after it, the program's own are in place
    (an ignored signal stays ignored throughout)."""
    fake_binary("print('{\"comments\": []}')")

    def mine(signo, frame):
        pass
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    try:
        signal.signal(signal.SIGTERM, mine)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        shellcheck.check([shellcheck.prepare("echo $a", "sh")])
        assert signal.getsignal(signal.SIGTERM) is mine
        assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGINT) is before[signal.SIGINT]
        assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    finally:
        for s, h in before.items():
            signal.signal(s, h)


# ---------------------------------------------------------------- a script ShellCheck could not read

def test_a_script_shellcheck_could_not_read_is_reported_not_taken_as_clean(fake_binary,
                                                                          monkeypatch) -> None:
    """ShellCheck exits 2 when it could not process some of its files, and reports the others
    as usual: the one its errors name is a failure, the others keep their comments."""
    monkeypatch.setattr(shellcheck, "MEMORY_FILES", 0)
    fake_binary("""
        import json, sys
        files = [a for a in sys.argv[1:] if not a.startswith("-")]
        print(json.dumps({"comments": [{"file": files[0], "line": 2, "column": 6,
                                        "level": "warning", "code": 2154, "message": "m"}]}))
        sys.stderr.write(f"{files[1]}: {files[1]}: openBinaryFile: does not exist "
                         "(No such file or directory)\\n")
        sys.exit(2)
    """)
    outcome = shellcheck.check([shellcheck.prepare("echo $a", "sh"),
                                shellcheck.prepare("echo b", "sh")])
    assert [(c.job, c.code) for c in outcome.comments] == [(0, "SC2154")]
    assert outcome.failed == {1: "ShellCheck could not read the script (openBinaryFile: does "
                                 "not exist (No such file or directory))"}


def test_status_2_with_errors_that_name_no_script_fails_them_all(fake_binary) -> None:
    fake_binary("""
        import sys
        print('{"comments": []}')
        sys.stderr.write("something went wrong\\n")
        sys.exit(2)
    """)
    outcome = shellcheck.check([shellcheck.prepare("echo a", "sh"),
                                shellcheck.prepare("echo b", "sh")])
    assert outcome.comments == []
    assert outcome.failed == dict.fromkeys(
        (0, 1), "ShellCheck failed (exit status 2: something went wrong)")


@needs_binary
@pytest.mark.parametrize("memory", [256, 0], ids=["memory-files", "directory"])
def test_the_real_shellcheck_failing_to_read_a_script(monkeypatch, memory) -> None:
    """The real ShellCheck, given a script name it cannot open (here the second script's name
    is changed after it was written, in a pass of two): from a directory, that RUN is
    reported as not checked and the first keeps its finding; from memory files, it is
    checked again from a file (a pass of one, named as written) and both have theirs."""
    monkeypatch.setattr(shellcheck, "MEMORY_FILES", memory)
    real = shellcheck._store

    def store(texts):
        where, paths = real(texts)
        return where, paths[:1] + [p + "-gone" for p in paths[1:2]] + paths[2:]
    monkeypatch.setattr(shellcheck, "_store", store)
    outcome = shellcheck.check([shellcheck.prepare("echo $a", "sh"),
                                shellcheck.prepare("echo $b", "sh")])
    found = {(c.job, c.code) for c in outcome.comments}
    assert (0, "SC2154") in found
    in_memory = memory and sys.platform.startswith("linux") and hasattr(os, "memfd_create")
    if in_memory:
        assert (1, "SC2154") in found and outcome.failed == {}
    else:
        assert {c.job for c in outcome.comments} == {0} and list(outcome.failed) == [1]
        assert outcome.failed[1].startswith("ShellCheck could not read the script (")


def unreadable_stand_in(fake_binary, log: Path, bad: str) -> None:
    """A stand-in ShellCheck that logs the files of each call, cannot read those the
    statement ``bad`` (Python, over ``files``) lists (it says so as ShellCheck does, and exits
    2) and finds SC2154 at line 2 of the others."""
    fake_binary(f"""
        import json, sys
        files = [a for a in sys.argv[1:] if not a.startswith("-")]
        with open({str(log)!r}, "a") as fh:
            fh.write(" ".join(files) + "\\n")
        {bad}
        for f in bad:
            sys.stderr.write(f"{{f}}: {{f}}: openBinaryFile: permission denied\\n")
        print(json.dumps({{"comments": [{{"file": f, "line": 2, "column": 6, "level": "warning",
                                         "code": 2154, "message": "m"}}
                                        for f in files if f not in bad]}}))
        sys.exit(2 if bad else 1)
    """)


@memory_files_only
def test_a_shellcheck_that_cannot_read_memory_files_gets_files(fake_binary, tmp_path) -> None:
    """A ShellCheck that cannot open /dev/fd/N (a sandbox, a wrapper that closes descriptors)
    exits 2 naming them: the scripts are checked again from files, and later passes of the
    process use files from the start."""
    log = tmp_path / "calls"
    unreadable_stand_in(fake_binary, log, 'bad = [f for f in files if f.startswith("/dev/fd/")]')
    first = shellcheck.check([shellcheck.prepare("echo $a", "sh"),
                              shellcheck.prepare("echo $b", "sh")])
    assert first.failed == {} and [c.job for c in first.comments] == [0, 1]
    later = shellcheck.check([shellcheck.prepare("echo $c", "sh")])
    assert later.failed == {} and [c.job for c in later.comments] == [0]
    calls = [line.split() for line in log.read_text().splitlines()]
    assert [len(c) for c in calls] == [2, 2, 1]
    assert all(f.startswith("/dev/fd/") for f in calls[0])
    assert not any(f.startswith("/dev/fd/") for f in calls[1] + calls[2])


@memory_files_only
def test_only_the_scripts_it_could_not_read_are_checked_again(fake_binary, tmp_path) -> None:
    """From memory files, only the script ShellCheck could not read is checked again (from a
    file); the others keep what the first process found."""
    log = tmp_path / "calls"
    unreadable_stand_in(fake_binary, log, "bad = files[1:2] if len(files) == 3 else []")
    outcome = shellcheck.check([shellcheck.prepare(f"echo ${name}", "sh") for name in "abc"])
    calls = [line.split() for line in log.read_text().splitlines()]
    assert [len(c) for c in calls] == [3, 1]
    assert calls[1][0].endswith("run0.sh")           # a file in a directory
    assert outcome.failed == {} and [c.job for c in outcome.comments] == [0, 1, 2]
