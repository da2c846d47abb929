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


def bench_fuzz():
    """bench/fuzz.py as a module (bench/ is not a package): its generators, mutators and the
    invariant checks the property and corpus tests share."""
    name = "docklint_bench_fuzz"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "fuzz.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


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
