"""Shared test helpers."""

from __future__ import annotations

import os
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
