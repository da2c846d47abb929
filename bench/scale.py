#!/usr/bin/env python3
"""docklint on large inputs: prints time, peak memory and the growth from 1x to 10x input;
asserts nothing (not run by CI).

    python bench/scale.py [--quick] [--shellcheck] [--json] [--only NAME,...]

Cases (each size measured in a fresh interpreter, so peak memory is that run's own):

- ``runs``: N one-command ``RUN`` lines in one stage, N = 10,000 and 100,000;
- ``stages``: N two-instruction stages (``FROM ... AS sN`` + ``RUN``), N = 1,000 and 10,000;
- ``stages-chained``: the same, each stage built on the one before (``FROM s{N-1} AS sN``);
- ``fix-mixed``: ``--fix --unsafe-fixes`` on 300 and 3,000 instructions in five-instruction
  stages, each stage with findings of five fixing rules (DK404, DK405, DK603, DK620, DK902);
- ``fix-one-stage``: ``--fix --unsafe-fixes`` on 300 and 3,000 ``run apt-get install`` lines
  in one stage (every line fixed by two rules; the lowercase keyword by a third);
- ``lsp``: the language server (in process, its real threads and scheduling; no JSON-RPC):
  the latency from opening a small document to its diagnostics, alone, next to a
  200,000-line document (over the server's line budget: one "too large" diagnostic), and next
  to a 9,000-line document being linted (under the budget).

The lint cases run the CLI's ``main`` in process (text report to /dev/null) after a warm-up,
so the figures are docklint's work, not interpreter start-up. The ratio is
time(10N) / time(N); linear is 10, and the goal is at most 12 (within 1.2x of linear).

DK440 (ShellCheck, an external program with its own 20 s limit) is left out unless
``--shellcheck`` is given: its time is ShellCheck's, not docklint's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GOAL = 12.0


# ---- inputs ----------------------------------------------------------------------------------

def runs(n: int) -> str:
    return "FROM debian:12\n" + "".join(f"RUN echo {i}\n" for i in range(n))


def stages(n: int) -> str:
    return "".join(f"FROM debian:12 AS s{i}\nRUN echo {i}\n" for i in range(n))


def stages_chained(n: int) -> str:
    return "FROM debian:12 AS s0\nRUN echo 0\n" + "".join(
        f"FROM s{i - 1} AS s{i}\nRUN echo {i}\n" for i in range(1, n))


def fix_mixed(n: int) -> str:
    out: list[str] = []
    i = 0
    while len(out) < n:
        out += [f"from debian:12 AS s{i}", f"run apt-get install curl{i}", "maintainer me@x.org",
                "expose 80", "cmd echo hi"]
        i += 1
    return "\n".join(out[:n]) + "\n"


def fix_one_stage(n: int) -> str:
    return "FROM debian:12\n" + "".join(f"run apt-get install curl{i}\n" for i in range(n - 1))


CASES = {
    "runs": (runs, (10_000, 100_000), ()),
    "stages": (stages, (1_000, 10_000), ()),
    "stages-chained": (stages_chained, (1_000, 10_000), ()),
    "fix-mixed": (fix_mixed, (300, 3_000), ("--fix", "--unsafe-fixes")),
    "fix-one-stage": (fix_one_stage, (300, 3_000), ("--fix", "--unsafe-fixes")),
}
QUICK = {"runs": (1_000, 10_000), "stages": (100, 1_000), "stages-chained": (100, 1_000),
         "fix-mixed": (300, 3_000),
         "fix-one-stage": (300, 3_000)}


# ---- one measurement, in a child interpreter -------------------------------------------------

def _peak_kb() -> int:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_lint(name: str, n: int, shellcheck: bool) -> dict:
    from docklint import cli
    make, _sizes, flags = CASES[name]
    with tempfile.TemporaryDirectory(prefix="docklint-scale-") as tmp:
        warm = os.path.join(tmp, "warm.Dockerfile")
        path = os.path.join(tmp, "Dockerfile")
        with open(warm, "w") as fh:
            fh.write(make(10))
        with open(path, "w") as fh:
            fh.write(make(n))
        ignore = () if shellcheck else ("--ignore", "DK440")
        devnull = open(os.devnull, "w")
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = devnull
        try:
            try:
                cli.main([*ignore, *flags, warm])
            except SystemExit:
                pass
            base_kb = _peak_kb()
            started = time.perf_counter()
            try:
                cli.main([*ignore, *flags, path])
            except SystemExit as exc:
                status = exc.code
            else:
                status = 0
            seconds = time.perf_counter() - started
        finally:
            sys.stdout, sys.stderr = saved
            devnull.close()
    return {"case": name, "n": n, "seconds": seconds, "peak_kb": _peak_kb(),
            "warm_kb": base_kb, "status": status}


def child_lsp(big_lines: int) -> dict:
    """Open a small document next to a big one (``big_lines`` lines; 0: none) and time the
    small one's diagnostics (from didOpen to publishDiagnostics)."""
    import asyncio

    from lsprotocol import types as T

    from docklint import lsp

    small_text = "FROM debian:12\nRUN apt-get install curl\nUSER app\n"
    big_text = "FROM debian:12\n" + "RUN echo hi\n" * max(0, big_lines - 1)
    server = lsp.DocklintServer(debounce=0)
    server._log = lambda kind, message: None         # type: ignore[method-assign]
    server._show = lambda kind, message: None        # type: ignore[method-assign]
    arrived: dict[str, float] = {}
    counts: dict[str, int] = {}
    events: dict[str, asyncio.Event] = {}

    def publish(params) -> None:
        arrived.setdefault(params.uri, time.perf_counter())
        counts[params.uri] = len(params.diagnostics)
        events[params.uri].set()
    server.ls.text_document_publish_diagnostics = publish  # type: ignore[method-assign]

    def open_(uri: str, text: str) -> None:
        server._did_open(T.DidOpenTextDocumentParams(text_document=T.TextDocumentItem(
            uri=uri, language_id="dockerfile", version=1, text=text)))

    # warm up (imports, rule registry, data) on another document
    async def warm() -> None:
        events["file:///warm/Dockerfile"] = asyncio.Event()
        open_("file:///warm/Dockerfile", small_text)
        await events["file:///warm/Dockerfile"].wait()

    async def scenario() -> dict:
        await warm()
        out: dict = {"big_lines": big_lines}
        big, small = "file:///big/Dockerfile", "file:///small/Dockerfile"
        events[big], events[small] = asyncio.Event(), asyncio.Event()
        t0 = time.perf_counter()
        if big_lines:
            open_(big, big_text)
            await asyncio.sleep(0.05)        # the big lint is under way
        t1 = time.perf_counter()
        open_(small, small_text)
        await asyncio.wait_for(events[small].wait(), 600)
        out["small_latency"] = arrived[small] - t1
        out["small_diagnostics"] = counts[small]
        if big_lines:
            out["big_pending_when_small_done"] = big not in arrived
            try:
                await asyncio.wait_for(events[big].wait(), 300)
            except asyncio.TimeoutError:     # (older servers dropped it when another opened)
                out["big_seconds"] = None
            else:
                out["big_seconds"] = arrived[big] - t0
                out["big_diagnostics"] = counts[big]
        for doc in list(server.docs.values()):
            close = getattr(doc, "close", None)      # (older servers: one lint thread)
            if close is not None:
                close()
        return out
    result = asyncio.run(scenario())
    result["peak_kb"] = _peak_kb()
    return result


def _child(spec: dict, timeout: float) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", json.dumps(spec)]
    started = time.perf_counter()
    try:
        ran = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:g} s", **spec}
    if ran.returncode != 0:
        return {"error": (ran.stderr.strip().splitlines() or ["failed"])[-1], **spec}
    out = json.loads(ran.stdout.strip().splitlines()[-1])
    out["wall"] = time.perf_counter() - started
    return out


# ---- the report ------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes (same 10x growth)")
    ap.add_argument("--shellcheck", action="store_true", help="include DK440 (ShellCheck)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--only", default="", help="comma-separated case names (and/or 'lsp')")
    ap.add_argument("--timeout", type=float, default=900.0, help="per measurement (seconds)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        spec = json.loads(args.child)
        if spec["case"] == "lsp":
            print(json.dumps(child_lsp(spec["big_lines"])))
        else:
            print(json.dumps(child_lint(spec["case"], spec["n"], spec.get("shellcheck", False))))
        return

    only = {s.strip() for s in args.only.split(",") if s.strip()}
    figures: dict = {"cases": [], "lsp": []}
    for name, (_make, sizes, _flags) in CASES.items():
        if only and name not in only:
            continue
        sizes = QUICK[name] if args.quick else sizes
        rows = [_child({"case": name, "n": n, "shellcheck": args.shellcheck}, args.timeout)
                for n in sizes]
        entry = {"case": name, "runs": rows}
        if all("seconds" in r for r in rows) and rows[0]["seconds"] > 0:
            entry["ratio"] = rows[1]["seconds"] / rows[0]["seconds"]
        figures["cases"].append(entry)
        if not args.json:
            _print_case(entry)
    if not only or "lsp" in only:
        big = 20_000 if args.quick else 200_000
        for lines in (0, big, 9_000):
            row = _child({"case": "lsp", "big_lines": lines}, args.timeout)
            figures["lsp"].append(row)
            if not args.json:
                _print_lsp(row)
    if args.json:
        print(json.dumps(figures, indent=2))


def _print_case(entry: dict) -> None:
    print(f"{entry['case']}:")
    for r in entry["runs"]:
        if "error" in r:
            print(f"  N={r['n']:>7,}: {r['error']}")
            continue
        print(f"  N={r['n']:>7,}: {r['seconds']:8.2f} s   peak {r['peak_kb'] / 1024:7.1f} MB "
              f"(after warm-up {r['warm_kb'] / 1024:.1f} MB)   exit {r['status']}")
    if "ratio" in entry:
        verdict = "within 1.2x of linear" if entry["ratio"] <= GOAL else "SUPERLINEAR"
        print(f"  growth 1x -> 10x: {entry['ratio']:.1f} (linear: 10; goal <= {GOAL:g}): "
              f"{verdict}")


def _print_lsp(r: dict) -> None:
    if "error" in r:
        print(f"lsp (big document {r.get('big_lines')} lines): {r['error']}")
        return
    if not r["big_lines"]:
        print(f"lsp: small document alone: diagnostics after {r['small_latency'] * 1000:.0f} ms")
        return
    big = (f"the big one's {r['big_diagnostics']} diagnostic(s) after {r['big_seconds']:.2f} s"
           if r.get("big_seconds") is not None else "the big one's never came (300 s)")
    print(f"lsp: small document next to a {r['big_lines']:,}-line one: diagnostics after "
          f"{r['small_latency'] * 1000:.0f} ms (big one still pending then: "
          f"{r['big_pending_when_small_done']}); {big}; peak {r['peak_kb'] / 1024:.1f} MB")


if __name__ == "__main__":
    main()
