#!/usr/bin/env python3
"""docklint benchmark: prints figures, asserts nothing (not run by CI).

    python bench/bench.py [--corpus DIR] [--json] [--runs N]

Measures, with the Python running this script (use the project's venv):

1. corpus throughput: every file in MANIFEST.tsv linted in this one process through the engine
   API (``Settings()``, default rules), keeping every result as the CLI does; files/s, seconds,
   findings, files whose lint raised, rule crashes (``FileResult.internal``), peak memory;
2. cold start: ``python -m docklint FILE`` and the ``docklint`` console script (when it sits next
   to ``sys.executable``), each run N times in a fresh process: median, min, max;
3. import time: ``python -X importtime -m docklint FILE``, summarised per top-level module;
4. scaling: synthetic Dockerfiles of about 1,000 and 10,000 lines (RUN continuations, heredocs,
   ENV/ARG expansion, COPY --from across stages); a ratio near 10 means linear.

Only the standard library and docklint are used.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

try:
    import docklint
    from docklint.engine import Settings, lint_file, lint_text, select_rules
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
    with a FROM line."""
    for p in files:
        size = p.stat().st_size
        if 300 <= size <= 1000 and re.search(r"(?im)^\s*from\s", p.read_text(errors="replace")):
            return p
    return min(files, key=lambda p: p.stat().st_size)


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
    # a throw-away run first: warms the OS file cache and writes the bytecode cache
    subprocess.run([sys.executable, "-m", "docklint", str(target)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    out = {"file": str(target), "bytes": target.stat().st_size,
           "python_m": time_command([sys.executable, "-m", "docklint", str(target)], runs, env)}
    script = Path(sys.executable).parent / "docklint"
    if script.is_file() and os.access(script, os.X_OK):
        out["console_script"] = time_command([str(script), str(target)], runs, env)
    else:
        out["console_script"] = None
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
         "dockerfile_parse", "jsonschema", "pygls", "importlib.resources", "tempfile", "zipfile")


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
            out += [f"RUN apt-get update \\",
                    f"    && apt-get install -y --no-install-recommends pkg{k} \\",
                    f"    && rm -rf /var/lib/apt/lists/*"]
        elif kind == 1:
            out += [f"RUN <<EOF", "set -eu", f"echo step {k} > /tmp/step{k}",
                    f"curl -fsSL https://example.com/{k}.tar.gz | tar -xz -C /opt", "EOF"]
        elif kind == 2:
            out += [f"ENV STEP_{k}=${{APP_HOME}}/step{k} \\", f"    VERSION_{k}=${{VERSION:-0}}"]
        elif kind == 3:
            out += [f"COPY --chown=1000:1000 src/{k} ${{APP_HOME}}/src/{k}",
                    f"WORKDIR ${{APP_HOME}}/w{k}"]
        else:
            out += [f"COPY <<EOF /etc/app/{k}.conf", f"key={k}", f"version=${{VERSION}}", "EOF",
                    f"RUN echo {k} && ls /etc/app"]
    out += ["USER 1000", 'CMD ["/opt/app/run"]']
    return "\n".join(out) + "\n"


def bench_scaling(n: int, repeats: int = 3) -> dict:
    settings = Settings()
    rules = select_rules(settings)
    rows = {}
    for size in (n, 10 * n):
        text = synthetic(size)
        best = None
        findings = internal = 0
        for _ in range(repeats):
            started = time.perf_counter()
            result = lint_text(text, "synthetic.Dockerfile", settings, rules)
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
            findings, internal = len(result.findings), len(result.internal)
        rows[str(size)] = {"lines": text.count("\n"), "bytes": len(text.encode()),
                           "seconds": round(best, 4), "findings": findings,
                           "internal_errors": internal}
    small, large = rows[str(n)]["seconds"], rows[str(10 * n)]["seconds"]
    return {"sizes": rows, "ratio": round(large / small, 2) if small else None,
            "repeats": repeats, "timing": "best of repeats"}


# ----------------------------------------------------------------------------------------------

def _mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def report(data: dict) -> str:
    c, cold, imp, sc = data["corpus"], data["cold"], data["imports"], data["scaling"]
    out = [f"docklint {data['docklint_version']} on Python {data['python']} "
           f"({data['platform']})", ""]
    out += ["== corpus, one process, engine API, default rules "
            f"({', '.join(c['rules'])})",
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
    out += ["", f"== cold single-file run: {cold['file']} ({cold['bytes']} bytes), "
            f"{cold['python_m']['runs']} runs each, bytecode cached in a private "
            "PYTHONPYCACHEPREFIX (as installed)"]
    rows = (("python -m docklint", "python_m"), ("docklint (script)", "console_script"),
            ("python -c pass", "python_bare"), ("python -m docklint *", "python_m_as_is"))
    for label, key in rows:
        row = cold[key]
        if row is None:
            out.append(f"{label:21} not found next to {sys.executable}")
            continue
        out.append(f"{label:21} median {row['median_ms']:7.1f} ms   min {row['min_ms']:7.1f}   "
                   f"max {row['max_ms']:7.1f}   exit {row['exit_codes']}")
        if "stderr_tail" in row:
            out.append("  ! " + row["stderr_tail"].strip().replace("\n", "\n  ! "))
    out.append("  * in this environment as it is (PYTHONDONTWRITEBYTECODE="
               f"{'set' if cold['as_is_dont_write_bytecode'] else 'unset'}; edited modules with "
               "stale .pyc files are recompiled on every run)")
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
               f"{', '.join(imp['heavy_imported']) or 'none'}")
    out += ["", "== scaling (synthetic Dockerfiles, best of "
            f"{sc['repeats']}; linear ≈ 10)"]
    for size, row in sc["sizes"].items():
        out.append(f"{row['lines']:6} lines {row['bytes']:8} bytes  {row['seconds']:8.3f} s  "
                   f"{row['findings']} findings, {row['internal_errors']} rule crashes")
    out.append(f"ratio 10N/N      {sc['ratio']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=default_corpus(),
                    help="corpus directory with MANIFEST.tsv (default: ../shared/corpus)")
    ap.add_argument("--json", action="store_true", help="print every figure as JSON")
    ap.add_argument("--runs", type=int, default=10, help="runs per cold-start command")
    ap.add_argument("--import-runs", type=int, default=5, help="runs of -X importtime")
    ap.add_argument("--scale", type=int, default=1000, help="N for the N / 10N scaling test")
    args = ap.parse_args(argv)
    if not (args.corpus / "MANIFEST.tsv").is_file():
        ap.error(f"{args.corpus}/MANIFEST.tsv not found (the corpus is in the development "
                 "workspace's ../shared; pass --corpus DIR)")
    files = corpus_files(args.corpus)
    small = pick_small_file(files)
    data = {
        "docklint_version": docklint.__version__,
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "corpus_dir": str(args.corpus),
        "corpus": bench_corpus(files),
        "scaling": bench_scaling(args.scale),
    }
    with tempfile.TemporaryDirectory(prefix="docklint-bench-pyc-") as prefix:
        env = cached_env(prefix)
        data["cold"] = bench_cold(small, args.runs, env)
        data["imports"] = bench_imports(small, args.import_runs, env)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(report(data))
    return 1 if data["corpus"]["raised"] or data["corpus"]["internal_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
