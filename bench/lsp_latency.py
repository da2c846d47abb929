#!/usr/bin/env python3
"""docklint language server latency: prints figures, asserts nothing (not run by CI).

    python bench/lsp_latency.py [--changes N] [--bursts N] [--json]

Needs the ``lsp`` extra (pygls). With the Python running this script (use the project's venv):

1. **raw lint time per change**: the server's own lint function
   (``docklint.lsp.lint_document``: settings from the configuration, lint, conversion to LSP
   diagnostics), called in this process on the same texts the server gets;
2. **end-to-end latency**: ``python -m docklint.lsp`` started as a subprocess and driven over
   stdio with pygls's LSP client. A realistic ~200-line multi-stage Dockerfile is opened, then N
   changes are sent one at a time; each latency runs from sending ``didChange`` to receiving the
   ``publishDiagnostics`` for that version. It includes the server's debounce (150 ms: the
   server waits for the typing to pause); the figure "beyond the debounce" subtracts it and is
   what linting, JSON-RPC and scheduling cost;
3. **typing bursts**: N bursts of 8 changes 30 ms apart (faster than the debounce); for each,
   the time from the last change to its diagnostics, and how many diagnostics were published
   per burst (1 means the debounce coalesced the burst);
4. **open**: from ``didOpen`` to the first diagnostics (the first lint of the process).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

try:
    from lsprotocol import types as T
    from pygls.lsp.client import LanguageClient
    from pygls.uris import from_fs_path
except ImportError:
    sys.exit("bench/lsp_latency.py needs the lsp extra: pip install '.[lsp]'")

from docklint.lsp import DEBOUNCE_SECONDS, lint_document

STAGE_TEMPLATE = """\
# ---- {name}: {what}
FROM {base} AS {name}
ARG VERSION_{idx}=1.{idx}.0
ENV APP_HOME=/opt/{name} \\
    PATH=/opt/{name}/bin:$PATH \\
    LANG=C.UTF-8
WORKDIR /opt/{name}
{install}
COPY {name}/requirements.txt {name}/package.json ./
RUN set -eux; \\
    mkdir -p /opt/{name}/bin /opt/{name}/lib; \\
    echo "building {name} $VERSION_{idx}" > /opt/{name}/VERSION; \\
    for f in a b c d; do \\
        printf '%s\\n' "$f" >> /opt/{name}/lib/list.txt; \\
    done
COPY {name}/src ./src
RUN <<EOF
set -e
cd /opt/{name}/src
echo "step one for {name}"
echo "step two for {name}"
EOF
{tail}
"""

STAGES = [
    ("deps", "node dependencies", "node:20-bookworm",
     "RUN apt-get update && apt-get install -y --no-install-recommends \\\n"
     "        git=1:2.39.* python3=3.11.* make=4.3-* g++=4:12.* \\\n"
     "    && rm -rf /var/lib/apt/lists/*", "RUN npm ci --omit=dev && npm cache clean --force"),
    ("build", "the Go service", "golang:1.22-bookworm",
     "RUN apt-get update && apt-get install -y --no-install-recommends \\\n"
     "        ca-certificates=20230311 upx-ucl=4.0.* \\\n"
     "    && rm -rf /var/lib/apt/lists/*",
     "RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/server ./src/cmd/server"),
    ("tools", "python tooling", "python:3.12-slim-bookworm",
     "RUN pip install --no-cache-dir poetry==1.8.3 build==1.2.1",
     "RUN poetry export -f requirements.txt -o /out/requirements.txt"),
    ("assets", "static assets", "node:20-alpine",
     "RUN apk add --no-cache bash=5.2.* curl=8.*",
     "COPY --from=deps /opt/deps/node_modules ./node_modules\n"
     "RUN npm run build -- --output-path=/out/public"),
]

FINAL = """\
# ---- runtime
FROM debian:12-slim AS runtime
ARG UID=10001
RUN apt-get update && apt-get install -y --no-install-recommends \\
        ca-certificates=20230311 tzdata=2024a-* \\
    && rm -rf /var/lib/apt/lists/* \\
    && useradd --uid ${UID} --create-home app
COPY --from=build /out/server /usr/local/bin/server
COPY --from=tools /out/requirements.txt /etc/app/requirements.txt
COPY --from=assets /out/public /srv/public
ENV PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["/usr/local/bin/server", "-healthcheck"]
USER 10001:10001
ENTRYPOINT ["/usr/local/bin/server"]
CMD ["--port", "8080"]
"""


def dockerfile(target_lines: int = 200) -> str:
    """A realistic multi-stage Dockerfile of about ``target_lines`` lines."""
    parts = ["# syntax=docker/dockerfile:1", "# A service built in four stages and shipped on "
             "debian:12-slim.", ""]
    for idx, (name, what, base, install, tail) in enumerate(STAGES):
        parts.append(STAGE_TEMPLATE.format(name=name, what=what, base=base, idx=idx,
                                           install=install, tail=tail))
    parts.append(FINAL)
    text = "\n".join(parts)
    filler = 0
    marker = 'echo "step two for tools"\n'
    while text.count("\n") < target_lines:  # a longer build script in the tools stage
        filler += 1
        text = text.replace(marker, marker + f'python -m compileall -q "src/mod{filler}"\n', 1)
    return text


def edit(text: str, i: int) -> str:
    """The text after the i-th keystroke-like change: a version number in a RUN line."""
    return text.replace("poetry==1.8.3", f"poetry==1.8.{3 + i}", 1)


def stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"n": len(values), "median_ms": statistics.median(values) * 1000,
            "p95_ms": p95 * 1000, "min_ms": ordered[0] * 1000, "max_ms": ordered[-1] * 1000}


class Bench:
    def __init__(self) -> None:
        self.client = LanguageClient("docklint-bench", "0")
        self.published: list[tuple[float, T.PublishDiagnosticsParams]] = []
        self.event = asyncio.Event()
        self.logs: list[str] = []

        @self.client.feature(T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params):
            self.published.append((time.perf_counter(), params))
            self.event.set()

        @self.client.feature(T.CLIENT_REGISTER_CAPABILITY)
        def on_register(params):
            return None

        @self.client.feature(T.WINDOW_LOG_MESSAGE)
        def on_log(params):
            self.logs.append(params.message)

        @self.client.feature(T.WINDOW_SHOW_MESSAGE)
        def on_show(params):
            self.logs.append(params.message)

    async def wait_version(self, uri: str, version: int, since: int,
                           timeout: float = 30.0) -> float:
        deadline = time.perf_counter() + timeout
        while True:
            for at, p in self.published[since:]:
                if p.uri == uri and p.version == version:
                    return at
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no diagnostics for version {version}")
            self.event.clear()
            try:
                await asyncio.wait_for(self.event.wait(), left)
            except asyncio.TimeoutError:
                pass

    def change(self, uri: str, text: str, version: int) -> float:
        self.client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[T.TextDocumentContentChangeWholeDocument(text=text)]))
        return time.perf_counter()


async def end_to_end(root: Path, path: Path, text: str, changes: int, bursts: int) -> dict:
    bench = Bench()
    client = bench.client
    await client.start_io(sys.executable, "-m", "docklint.lsp", cwd=str(root))
    stderr = getattr(client, "_server", None)
    drain = asyncio.ensure_future(stderr.stderr.read()) if stderr is not None else None
    uri_root = from_fs_path(str(root))
    await client.initialize_async(T.InitializeParams(
        capabilities=T.ClientCapabilities(), root_uri=uri_root, process_id=os.getpid()))
    client.initialized(T.InitializedParams())
    uri = from_fs_path(str(path))

    sent = time.perf_counter()
    client.text_document_did_open(T.DidOpenTextDocumentParams(text_document=T.TextDocumentItem(
        uri=uri, language_id="dockerfile", version=1, text=text)))
    opened = await bench.wait_version(uri, 1, 0) - sent
    findings = len(bench.published[-1][1].diagnostics)

    version = 1
    single: list[float] = []
    for i in range(1, changes + 1):
        version += 1
        mark = len(bench.published)
        sent = bench.change(uri, edit(text, i), version)
        single.append(await bench.wait_version(uri, version, mark) - sent)

    burst_latency: list[float] = []
    publishes: list[int] = []
    for b in range(bursts):
        mark = len(bench.published)
        for k in range(8):
            version += 1
            sent = bench.change(uri, edit(text, 1000 + b * 8 + k), version)
            if k < 7:
                await asyncio.sleep(0.03)
        burst_latency.append(await bench.wait_version(uri, version, mark) - sent)
        await asyncio.sleep(DEBOUNCE_SECONDS * 2)   # let anything late arrive before counting
        publishes.append(sum(1 for _, p in bench.published[mark:] if p.uri == uri))

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    if drain is not None:
        await drain
    return {"open_s": opened, "findings": findings, "single": single,
            "burst": burst_latency, "publishes_per_burst": publishes}


def raw_lint(path: Path, text: str, changes: int) -> list[float]:
    uri = from_fs_path(str(path))
    lint_document(uri, text, 1, path=str(path))        # warm: imports, rule registry, data
    times = []
    for i in range(1, changes + 1):
        started = time.perf_counter()
        lint_document(uri, edit(text, i), i + 1, path=str(path))
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=50, help="single changes (default 50)")
    parser.add_argument("--bursts", type=int, default=10, help="typing bursts (default 10)")
    parser.add_argument("--lines", type=int, default=200, help="Dockerfile size (default 200)")
    parser.add_argument("--ignore", default="",
                        help="rules to turn off, comma-separated (written to the temporary "
                             "workspace's .docklint.yaml), e.g. DK440 to time without ShellCheck")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    text = dockerfile(args.lines)
    with tempfile.TemporaryDirectory(prefix="docklint-lsp-bench-") as tmp:
        root = Path(tmp)
        path = root / "Dockerfile"
        path.write_text(text)
        ignored = [c.strip() for c in args.ignore.split(",") if c.strip()]
        if ignored:
            (root / ".docklint.yaml").write_text(f"ignore: [{', '.join(ignored)}]\n")
        raw = raw_lint(path, text, args.changes)
        e2e = asyncio.run(end_to_end(root, path, text, args.changes, args.bursts))

    beyond = [t - DEBOUNCE_SECONDS for t in e2e["single"]]
    figures = {
        "python": sys.version.split()[0],
        "dockerfile_lines": text.count("\n"),
        "findings": e2e["findings"],
        "ignored": ignored,
        "debounce_ms": DEBOUNCE_SECONDS * 1000,
        "raw_lint_per_change": stats(raw),
        "end_to_end_per_change": stats(e2e["single"]),
        "end_to_end_beyond_debounce": stats(beyond),
        "burst_last_change_to_diagnostics": stats(e2e["burst"]),
        "publishes_per_burst_of_8": e2e["publishes_per_burst"],
        "open_to_first_diagnostics_ms": e2e["open_s"] * 1000,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return

    def line(label: str, s: dict) -> str:
        return (f"  {label:<34} median {s['median_ms']:7.1f} ms   p95 {s['p95_ms']:7.1f} ms   "
                f"(min {s['min_ms']:.1f}, max {s['max_ms']:.1f}, n={s['n']})")

    print(f"docklint LSP latency: {figures['dockerfile_lines']}-line multi-stage Dockerfile, "
          f"{figures['findings']} findings, Python {figures['python']}, "
          f"debounce {figures['debounce_ms']:.0f} ms"
          + (f", ignoring {', '.join(ignored)}" if ignored else ""))
    print(line("raw lint per change (in process)", figures["raw_lint_per_change"]))
    print(line("change -> diagnostics (stdio)", figures["end_to_end_per_change"]))
    print(line("  of which beyond the debounce", figures["end_to_end_beyond_debounce"]))
    print(line("burst: last change -> diagnostics", figures["burst_last_change_to_diagnostics"]))
    print(f"  publishes per burst of 8 changes    {figures['publishes_per_burst_of_8']}")
    print(f"  open -> first diagnostics           {figures['open_to_first_diagnostics_ms']:.1f} ms"
          " (first lint in the process)")


if __name__ == "__main__":
    main()
