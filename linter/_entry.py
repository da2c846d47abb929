"""The ``docklint`` command's entry point: :func:`docklint.cli.main`, started and ended for a
short-lived process.

- Cyclic garbage collection runs far less often (a first-generation threshold of 50,000
  allocations instead of 700): a cold start allocates a few hundred thousand objects, nearly all
  alive until exit, and collecting them dozens of times cost several milliseconds of every run.
  Memory stays bounded: collections still happen, just later.
- After the command has written and flushed its output, the process ends with ``os._exit``:
  tearing down hundreds of modules and objects one by one at interpreter exit takes several
  milliseconds and achieves nothing for a process that is about to end. Nothing of docklint's
  runs at exit (fixes are written atomically before the report; the worker pool is shut down
  by then).

Library users (``import docklint``), the language server and the tests call
``docklint.cli.main`` or the commands directly and are not affected.
"""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    gc.set_threshold(50_000, 50, 100)
    from .cli import main as cli_main
    try:
        cli_main()
    except SystemExit as exc:
        status = exc.code
    else:                                   # pragma: no cover - cli_main always exits
        status = 0
    if status is not None and not isinstance(status, int):
        raise SystemExit(status)            # a message: let Python print it and exit 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):       # cli_main already said so and set the status
            status = status or 2
    os._exit(status or 0)
