"""Shared test helpers."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DOCKLINT_SHARED", ROOT.parent / "shared"))
FIXTURES = ROOT / "fixtures"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test: users' clones have no ../shared."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared test data (../shared) is only in the "
                    "development workspace and CI")
    return path


def _bench_module(script: str):
    """A script of bench/ as a module (bench/ is not a package)."""
    name = f"docklint_bench_{script}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{script}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def bench_fuzz():
    """bench/fuzz.py: its generators, mutators and the invariant checks the property and corpus
    tests share."""
    return _bench_module("fuzz")


def corpus_files() -> tuple[Path, list[str]]:
    """../shared/corpus and the Dockerfiles its MANIFEST.tsv lists (relative paths); skips the
    calling test when the corpus is absent."""
    corpus = shared_path("corpus")
    manifest = corpus / "MANIFEST.tsv"
    if not manifest.exists():
        pytest.skip(f"{manifest} is absent")
    rows = manifest.read_text(encoding="utf-8").splitlines()
    col = rows[0].split("\t").index("file")
    return corpus, [r.split("\t")[col] for r in rows[1:] if r.strip()]


class Linted:
    """One corpus file linted with the default rules: its result, or the traceback if
    ``lint_file`` raised."""

    def __init__(self, path: str, result, crash: str | None) -> None:
        self.path, self.result, self.crash = path, result, crash


def lint_corpus_file(corpus: Path, rel: str, settings) -> Linted:
    import traceback
    from docklint.engine import lint_file
    try:
        return Linted(rel, lint_file(str(corpus / rel), settings), None)
    except Exception:  # noqa: BLE001 - the point is to report any crash
        return Linted(rel, None, traceback.format_exc())


@pytest.fixture(scope="session")
def corpus_linted() -> list[Linted]:
    """Every corpus file linted once per test session, in this process, with the default
    rules (the corpus robustness tests and the rule statistics share it)."""
    import time
    from docklint.engine import Settings
    root, files = corpus_files()
    settings = Settings()
    started = time.perf_counter()
    out = [lint_corpus_file(root, f, settings) for f in files]
    elapsed = time.perf_counter() - started
    findings = sum(len(x.result.findings) for x in out if x.result)
    print(f"\ncorpus: linted {len(files)} files in {elapsed:.2f} s "
          f"({len(files) / elapsed:.0f} files/s), {findings} findings")
    return out


def bench_noise():
    """bench/noise.py: the counting the rule statistics share with the benchmark."""
    return _bench_module("noise")


# ---- configuration tests ---------------------------------------------------------------------

def clear_config_caches() -> None:
    """Forget the configuration lookups docklint caches per process."""
    from docklint import config as cfg
    for fn in (cfg._config_in, cfg._hadolint_in, cfg._load_cached):
        fn.cache_clear()


@pytest.fixture
def fresh_config(monkeypatch, tmp_path):
    """A test that finds configuration files starts with empty caches, and a stray
    ``~/.hadolint.yaml`` on the machine cannot leak in (HOME is a scratch directory)."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    clear_config_caches()
    yield
    clear_config_caches()


def write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` (UTF-8), making its directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def invoke_in(directory: Path, command, args: list[str]):
    """Run a click ``command`` with ``args`` from ``directory`` (configuration is found from
    there), with the configuration caches cleared afterwards."""
    from click.testing import CliRunner
    old = os.getcwd()
    os.chdir(directory)
    try:
        return CliRunner().invoke(command, args, catch_exceptions=False)
    finally:
        os.chdir(old)
        clear_config_caches()


@pytest.fixture
def fresh_shellcheck_cache():
    """ShellCheck results are remembered per script for the life of the process: each test
    that counts ShellCheck runs or swaps the binary starts and ends with none remembered."""
    from docklint import shellcheck
    shellcheck.clear_cache()
    yield
    shellcheck.clear_cache()
