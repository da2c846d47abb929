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
- docklint's own modules are found by :class:`_OwnModules`, which lists each of docklint's
  package directories once and hands a plain ``.py`` module straight to the standard source
  loader (bytecode cache, freshness check and all). The standard path search re-reads the
  directory's time stamp and tests the file on every import, in interpreted code: for the
  eighty-odd modules of a lint, a millisecond or two of each start.

Library users (``import docklint``), the language server and the tests call
``docklint.cli.main`` or the commands directly and are not affected.
"""

from __future__ import annotations

import gc
import os
import sys

# the import system's own classes, loaded with the interpreter (importlib.machinery would import
# the importlib package)
import _frozen_importlib as bootstrap
import _frozen_importlib_external as external


class _OwnModules:
    """A ``sys.meta_path`` finder for the modules of docklint's own packages (``docklint.X``,
    ``docklint.rules.X``...): a module that is a plain ``X.py`` file, the only entry named
    ``X`` or ``X.*`` in its package directory, gets the spec the standard finder would give it,
    without its per-import work. Anything else (a package, a compiled or bytecode-only module,
    a directory that cannot be listed, a name that is not there) is left to the standard
    finders, and so are the modules of every other package."""

    _listed: dict[str, dict[str, str]] = {}

    @classmethod
    def find_spec(cls, name: str, path=None, target=None):
        if path is None or not name.startswith("docklint."):
            return None
        leaf = name.rpartition(".")[2]
        for directory in path:
            modules = cls._listed.get(directory)
            if modules is None:
                modules = cls._listed[directory] = _plain_modules(directory)
            found = modules.get(leaf)
            if found is not None:
                if not found:               # a package, an extension module...: not ours
                    return None
                spec = bootstrap.ModuleSpec(name, external.SourceFileLoader(name, found),
                                            origin=found)
                spec.has_location = True
                return spec
        return None

    @classmethod
    def invalidate_caches(cls) -> None:
        cls._listed.clear()


def _plain_modules(directory: str) -> dict[str, str]:
    """The modules of ``directory`` by name: the path of each that is a lone ``NAME.py``;
    ``""`` for a name that is also something else (a package, ``NAME.*.so``...), which the
    standard finders resolve; nothing when the directory cannot be listed."""
    try:
        entries = os.listdir(directory)
    except (OSError, TypeError, ValueError):
        return {}
    modules: dict[str, str] = {}
    for entry in entries:
        stem, _, suffix = entry.partition(".")
        if not stem or stem.startswith("__"):
            continue
        if suffix == "py" and stem not in modules:
            modules[stem] = os.path.join(directory, entry)
        else:
            modules[stem] = ""
    return modules


def main() -> None:
    gc.set_threshold(50_000, 50, 100)
    sys.meta_path.insert(0, _OwnModules)
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
